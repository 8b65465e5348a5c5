//! The deploy verdict over recorded sequences of DescribeServices / DescribeTargetHealth
//! answers, written in the JSON shape the ECS and ELBv2 APIs return (as `aws … --output
//! json` prints them), converted the way `model` converts the SDK's types.

use serde_json::{Value, json};
use spymeo_ops::model::{Deployment, ServiceSnapshot, Target};
use spymeo_ops::rollout::{Phase, Tracker};

const TD1: &str = "arn:aws:ecs:eu-west-3:123456789012:task-definition/spymeo:41";
const TD2: &str = "arn:aws:ecs:eu-west-3:123456789012:task-definition/spymeo:42";
const TG: &str =
    "arn:aws:elasticloadbalancing:eu-west-3:123456789012:targetgroup/spymeo/6d0ecf831eec9f09";

/// `describeServices.services[0]` → snapshot.
fn service(v: Value) -> ServiceSnapshot {
    let s = &v;
    ServiceSnapshot {
        name: s["serviceName"].as_str().unwrap().into(),
        arn: s["serviceArn"].as_str().unwrap().into(),
        cluster_arn: s["clusterArn"].as_str().unwrap().into(),
        status: s["status"].as_str().unwrap().into(),
        task_definition: s["taskDefinition"].as_str().unwrap().into(),
        desired: s["desiredCount"].as_i64().unwrap() as i32,
        running: s["runningCount"].as_i64().unwrap() as i32,
        pending: s["pendingCount"].as_i64().unwrap() as i32,
        deployments: s["deployments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| Deployment {
                id: d["id"].as_str().unwrap().into(),
                status: d["status"].as_str().unwrap().into(),
                task_definition: d["taskDefinition"].as_str().unwrap().into(),
                desired: d["desiredCount"].as_i64().unwrap() as i32,
                running: d["runningCount"].as_i64().unwrap() as i32,
                pending: d["pendingCount"].as_i64().unwrap() as i32,
                failed: d["failedTasks"].as_i64().unwrap_or(0) as i32,
                rollout_state: d["rolloutState"].as_str().map(Into::into),
                rollout_reason: d["rolloutStateReason"].as_str().map(Into::into),
                created_at: None,
            })
            .collect(),
        target_group_arns: s["loadBalancers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|lb| lb["targetGroupArn"].as_str().unwrap().into())
            .collect(),
        circuit_breaker: Some((true, true)),
        launch_type: Some("FARGATE".into()),
        subnets: vec![],
        security_groups: vec![],
        assign_public_ip: None,
        events: vec![],
    }
}

/// `describeTargetHealth.TargetHealthDescriptions` → targets.
fn targets(v: Value) -> Vec<Target> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|t| Target {
            id: t["Target"]["Id"].as_str().unwrap().into(),
            port: t["Target"]["Port"].as_i64().map(|p| p as i32),
            state: t["TargetHealth"]["State"].as_str().unwrap().into(),
            reason: t["TargetHealth"]["Reason"].as_str().map(Into::into),
            description: t["TargetHealth"]["Description"].as_str().map(Into::into),
        })
        .collect()
}

fn deployment(
    id: &str,
    status: &str,
    td: &str,
    desired: i64,
    running: i64,
    pending: i64,
    failed: i64,
    rollout: &str,
    reason: &str,
) -> Value {
    json!({
        "id": id, "status": status, "taskDefinition": td,
        "desiredCount": desired, "pendingCount": pending, "runningCount": running, "failedTasks": failed,
        "createdAt": "2026-03-02T10:14:07.512000+01:00", "updatedAt": "2026-03-02T10:16:41.061000+01:00",
        "launchType": "FARGATE", "platformVersion": "1.4.0", "platformFamily": "Linux",
        "rolloutState": rollout, "rolloutStateReason": reason
    })
}

fn svc(td: &str, running: i64, pending: i64, deployments: Vec<Value>) -> ServiceSnapshot {
    service(json!({
        "serviceArn": "arn:aws:ecs:eu-west-3:123456789012:service/spymeo-prod/spymeo-web",
        "serviceName": "spymeo-web",
        "clusterArn": "arn:aws:ecs:eu-west-3:123456789012:cluster/spymeo-prod",
        "loadBalancers": [{"targetGroupArn": TG, "containerName": "app", "containerPort": 3000}],
        "status": "ACTIVE", "desiredCount": 2, "runningCount": running, "pendingCount": pending,
        "launchType": "FARGATE", "taskDefinition": td,
        "deploymentConfiguration": {"deploymentCircuitBreaker": {"enable": true, "rollback": true}, "maximumPercent": 200, "minimumHealthyPercent": 100},
        "deployments": deployments
    }))
}

fn th(state: &str, reason: Option<&str>, ip: &str) -> Value {
    let mut h = json!({"State": state});
    if let Some(r) = reason {
        h["Reason"] = json!(r);
        h["Description"] = json!(match r {
            "Target.FailedHealthChecks" => "Health checks failed with these codes: [503]",
            "Elb.RegistrationInProgress" => "Target registration is in progress",
            "Target.DeregistrationInProgress" => "Target deregistration is in progress",
            _ => "",
        });
    }
    json!({"Target": {"Id": ip, "Port": 3000, "AvailabilityZone": "eu-west-3a"}, "HealthCheckPort": "3000", "TargetHealth": h})
}

const OLD: &str = "ecs-svc/1407389524786283946";
const NEW: &str = "ecs-svc/8421655703219546305";
const RB: &str = "ecs-svc/2675012383392011748";

fn stable_before() -> ServiceSnapshot {
    svc(
        TD1,
        2,
        0,
        vec![deployment(
            OLD,
            "PRIMARY",
            TD1,
            2,
            2,
            0,
            0,
            "COMPLETED",
            "ECS deployment ecs-svc/1407389524786283946 completed.",
        )],
    )
}

#[test]
fn a_normal_rollout_succeeds_only_at_the_very_end() {
    let before = stable_before();
    let mut tracker = Tracker::new(TD2, Some(&before));
    let healthy_old = targets(json!([
        th("healthy", None, "10.0.1.17"),
        th("healthy", None, "10.0.2.45")
    ]));

    // UpdateService has returned, DescribeServices does not show our deployment yet.
    let e = tracker.observe(&before, Some(&healthy_old));
    assert_eq!(e.phase, Phase::InProgress);
    assert_eq!(e.waiting_for, ["qu'ECS crée le déploiement de spymeo:42"]);

    // Ours is PRIMARY, tasks pending; the old deployment still serves.
    let s = svc(
        TD2,
        2,
        2,
        vec![
            deployment(
                NEW,
                "PRIMARY",
                TD2,
                2,
                0,
                2,
                0,
                "IN_PROGRESS",
                "ECS deployment ecs-svc/8421655703219546305 in progress.",
            ),
            deployment(
                OLD,
                "ACTIVE",
                TD1,
                2,
                2,
                0,
                0,
                "COMPLETED",
                "ECS deployment ecs-svc/1407389524786283946 completed.",
            ),
        ],
    );
    let e = tracker.observe(&s, Some(&healthy_old));
    assert_eq!(e.phase, Phase::InProgress);
    assert_eq!(e.our_deployment_id.as_deref(), Some(NEW));
    assert_eq!((e.running, e.desired), (0, 2));
    assert!(e.waiting_for.contains(&"rollout IN_PROGRESS".to_owned()));
    assert!(
        e.waiting_for
            .contains(&"tâches 0/2 en cours (2 en attente)".to_owned())
    );

    // New tasks run, their targets are in `initial`, old ones draining.
    let s = svc(
        TD2,
        4,
        0,
        vec![
            deployment(
                NEW,
                "PRIMARY",
                TD2,
                2,
                2,
                0,
                0,
                "IN_PROGRESS",
                "ECS deployment ecs-svc/8421655703219546305 in progress.",
            ),
            deployment(
                OLD,
                "ACTIVE",
                TD1,
                0,
                2,
                0,
                0,
                "COMPLETED",
                "ECS deployment ecs-svc/1407389524786283946 completed.",
            ),
        ],
    );
    let t = targets(json!([
        th("initial", Some("Elb.RegistrationInProgress"), "10.0.1.88"),
        th("initial", Some("Elb.RegistrationInProgress"), "10.0.2.91"),
        th(
            "draining",
            Some("Target.DeregistrationInProgress"),
            "10.0.1.17"
        ),
        th(
            "draining",
            Some("Target.DeregistrationInProgress"),
            "10.0.2.45"
        ),
    ]));
    let e = tracker.observe(&s, Some(&t));
    assert_eq!(e.phase, Phase::InProgress);
    assert!(e.waiting_for.iter().any(|w| w.starts_with(
        "l'arrêt de l'ancien déploiement ecs-svc/1407389524786283946 (spymeo:41) : 2"
    )));
    assert!(e.waiting_for.iter().any(|w| w == "cibles : 0/4 healthy; 2 draining, 2 initial (Elb.RegistrationInProgress, Target.DeregistrationInProgress)"));

    // COMPLETED but one target fails its health checks: not done.
    let done = svc(
        TD2,
        2,
        0,
        vec![deployment(
            NEW,
            "PRIMARY",
            TD2,
            2,
            2,
            0,
            0,
            "COMPLETED",
            "ECS deployment ecs-svc/8421655703219546305 completed.",
        )],
    );
    let t = targets(json!([
        th("healthy", None, "10.0.1.88"),
        th("unhealthy", Some("Target.FailedHealthChecks"), "10.0.2.91")
    ]));
    let e = tracker.observe(&done, Some(&t));
    assert_eq!(e.phase, Phase::InProgress);
    assert_eq!(
        e.waiting_for,
        ["cibles : 1/2 healthy; 1 unhealthy (Target.FailedHealthChecks)"]
    );

    let t = targets(json!([
        th("healthy", None, "10.0.1.88"),
        th("healthy", None, "10.0.2.91")
    ]));
    let e = tracker.observe(&done, Some(&t));
    assert_eq!(e.phase, Phase::Completed);
    assert!(e.waiting_for.is_empty());
}

/// The case the AWS CLI waiter gets wrong: after the circuit breaker rolled back, the
/// service is "stable" again (one deployment, 2/2 running), but on the old release.
#[test]
fn a_circuit_breaker_rollback_is_reported_as_rolled_back() {
    let before = stable_before();
    let mut tracker = Tracker::new(TD2, Some(&before));
    let t = targets(json!([
        th("healthy", None, "10.0.1.17"),
        th("healthy", None, "10.0.2.45")
    ]));

    let s = svc(
        TD2,
        2,
        2,
        vec![
            deployment(
                NEW,
                "PRIMARY",
                TD2,
                2,
                0,
                2,
                0,
                "IN_PROGRESS",
                "ECS deployment ecs-svc/8421655703219546305 in progress.",
            ),
            deployment(
                OLD,
                "ACTIVE",
                TD1,
                2,
                2,
                0,
                0,
                "COMPLETED",
                "ECS deployment ecs-svc/1407389524786283946 completed.",
            ),
        ],
    );
    assert_eq!(tracker.observe(&s, Some(&t)).phase, Phase::InProgress);

    // Tasks keep failing their health checks.
    let s = svc(
        TD2,
        2,
        1,
        vec![
            deployment(
                NEW,
                "PRIMARY",
                TD2,
                2,
                0,
                1,
                3,
                "IN_PROGRESS",
                "ECS deployment ecs-svc/8421655703219546305 in progress.",
            ),
            deployment(
                OLD,
                "ACTIVE",
                TD1,
                2,
                2,
                0,
                0,
                "COMPLETED",
                "ECS deployment ecs-svc/1407389524786283946 completed.",
            ),
        ],
    );
    let t2 = targets(json!([
        th("healthy", None, "10.0.1.17"),
        th("healthy", None, "10.0.2.45"),
        th("unhealthy", Some("Target.FailedHealthChecks"), "10.0.1.88"),
    ]));
    let e = tracker.observe(&s, Some(&t2));
    assert_eq!(e.phase, Phase::InProgress);
    assert!(
        e.waiting_for
            .iter()
            .any(|w| w.contains("3 tâche(s) en échec"))
    );

    // The circuit breaker trips: a rollback deployment of the old revision becomes PRIMARY.
    let s = svc(
        TD1,
        2,
        0,
        vec![
            deployment(
                RB,
                "PRIMARY",
                TD1,
                2,
                2,
                0,
                0,
                "IN_PROGRESS",
                "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1407389524786283946.",
            ),
            deployment(
                NEW,
                "ACTIVE",
                TD2,
                0,
                0,
                0,
                4,
                "FAILED",
                "ECS deployment circuit breaker: tasks failed to start.",
            ),
        ],
    );
    let e = tracker.observe(&s, Some(&t));
    assert_eq!(e.phase, Phase::RolledBack);
    let reason = e.reason.unwrap();
    assert!(reason.contains("tasks failed to start"), "{reason}");
    assert!(reason.contains("spymeo:41"), "{reason}");
}

#[test]
fn a_rollback_seen_only_after_our_deployment_vanished_is_still_a_rollback() {
    let before = stable_before();
    let mut tracker = Tracker::new(TD2, Some(&before));
    let s = svc(
        TD2,
        2,
        2,
        vec![
            deployment(
                NEW,
                "PRIMARY",
                TD2,
                2,
                0,
                2,
                0,
                "IN_PROGRESS",
                "in progress",
            ),
            deployment(OLD, "ACTIVE", TD1, 2, 2, 0, 0, "COMPLETED", "completed"),
        ],
    );
    tracker.observe(&s, None);
    // Polling was slow: by now ECS dropped our FAILED deployment. The waiter's view of this
    // snapshot is "stable", i.e. success.
    let s = svc(
        TD1,
        2,
        0,
        vec![deployment(
            RB,
            "PRIMARY",
            TD1,
            2,
            2,
            0,
            0,
            "COMPLETED",
            "ECS deployment ecs-svc/2675012383392011748 completed.",
        )],
    );
    let t = targets(json!([
        th("healthy", None, "10.0.1.17"),
        th("healthy", None, "10.0.2.45")
    ]));
    let e = tracker.observe(&s, Some(&t));
    assert_eq!(e.phase, Phase::RolledBack);
    assert!(e.reason.unwrap().contains("a disparu"));
}

#[test]
fn a_failed_rollout_without_rollback_is_a_failure() {
    let before = stable_before();
    let mut tracker = Tracker::new(TD2, Some(&before));
    let s = svc(
        TD2,
        0,
        0,
        vec![deployment(
            NEW,
            "PRIMARY",
            TD2,
            2,
            0,
            0,
            5,
            "FAILED",
            "ECS deployment circuit breaker: tasks failed to start.",
        )],
    );
    let e = tracker.observe(&s, None);
    assert_eq!(e.phase, Phase::Failed);
    assert_eq!(
        e.reason.as_deref(),
        Some("ECS deployment circuit breaker: tasks failed to start.")
    );
}

#[test]
fn someone_elses_release_supersedes_ours() {
    let td3 = "arn:aws:ecs:eu-west-3:123456789012:task-definition/spymeo:43";
    let before = stable_before();
    let mut tracker = Tracker::new(TD2, Some(&before));
    let s = svc(
        TD2,
        2,
        2,
        vec![
            deployment(
                NEW,
                "PRIMARY",
                TD2,
                2,
                0,
                2,
                0,
                "IN_PROGRESS",
                "in progress",
            ),
            deployment(OLD, "ACTIVE", TD1, 2, 2, 0, 0, "COMPLETED", "completed"),
        ],
    );
    tracker.observe(&s, None);
    let s = svc(
        td3,
        2,
        2,
        vec![
            deployment(
                "ecs-svc/3",
                "PRIMARY",
                td3,
                2,
                0,
                2,
                0,
                "IN_PROGRESS",
                "ECS deployment ecs-svc/3 in progress.",
            ),
            deployment(NEW, "ACTIVE", TD2, 2, 0, 0, 0, "IN_PROGRESS", "in progress"),
            deployment(OLD, "ACTIVE", TD1, 2, 2, 0, 0, "COMPLETED", "completed"),
        ],
    );
    let e = tracker.observe(&s, None);
    assert_eq!(e.phase, Phase::Failed);
    assert!(
        e.reason
            .unwrap()
            .contains("remplacé par un autre déploiement (spymeo:43)")
    );
}

/// rotate-secrets forces a deployment of the same task definition: only the id tells ours
/// from the one it replaces.
#[test]
fn a_forced_deployment_is_tracked_by_id() {
    let before = stable_before();
    let mut tracker = Tracker::new(TD1, Some(&before));
    // Before ECS shows the new deployment, the old one (same revision) must not count.
    let t = targets(json!([
        th("healthy", None, "10.0.1.17"),
        th("healthy", None, "10.0.2.45")
    ]));
    let e = tracker.observe(&before, Some(&t));
    assert_eq!(e.phase, Phase::InProgress);

    let after_update = svc(
        TD1,
        2,
        2,
        vec![
            deployment(
                NEW,
                "PRIMARY",
                TD1,
                2,
                0,
                2,
                0,
                "IN_PROGRESS",
                "in progress",
            ),
            deployment(OLD, "ACTIVE", TD1, 2, 2, 0, 0, "COMPLETED", "completed"),
        ],
    );
    tracker.note_update_response(&after_update);
    let e = tracker.observe(&after_update, Some(&t));
    assert_eq!(e.our_deployment_id.as_deref(), Some(NEW));
    assert_eq!(e.phase, Phase::InProgress);

    let done = svc(
        TD1,
        2,
        0,
        vec![deployment(
            NEW,
            "PRIMARY",
            TD1,
            2,
            2,
            0,
            0,
            "COMPLETED",
            "completed",
        )],
    );
    assert_eq!(tracker.observe(&done, Some(&t)).phase, Phase::Completed);
}

#[test]
fn an_empty_target_group_never_counts_as_healthy() {
    let before = stable_before();
    let mut tracker = Tracker::new(TD2, Some(&before));
    let done = svc(
        TD2,
        2,
        0,
        vec![deployment(
            NEW,
            "PRIMARY",
            TD2,
            2,
            2,
            0,
            0,
            "COMPLETED",
            "completed",
        )],
    );
    let e = tracker.observe(&done, Some(&[]));
    assert_eq!(e.phase, Phase::InProgress);
    assert_eq!(e.waiting_for, ["cibles : aucune cible enregistrée"]);
}
