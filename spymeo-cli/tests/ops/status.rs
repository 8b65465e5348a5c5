use crate::{Ecs, Moto, code, json, run, stderr, stdout};

#[tokio::test]
async fn status_shows_deployments_targets_and_alarms() {
    let moto = Moto::start(Ecs::Rollouts);
    moto.setup();
    let o = run(moto.spymeo().args([
        "status",
        "--cluster",
        "spymeo",
        "--service",
        "web",
        "--output",
        "json",
    ]))
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["service"]["name"], "web");
    assert_eq!(v["service"]["desired"], 2);
    let d = &v["service"]["deployments"][0];
    assert_eq!(d["status"], "PRIMARY");
    assert_eq!(d["rolloutState"], "COMPLETED");
    assert!(
        d["taskDefinition"]
            .as_str()
            .unwrap()
            .ends_with("task-definition/spymeo:1")
    );
    let tg = &v["targetGroups"][0];
    assert_eq!(tg["summary"]["allHealthy"], true);
    assert_eq!(tg["summary"]["total"], 2);
    assert_eq!(tg["targets"][0]["state"], "healthy");
    // Only the alarm in ALARM, not the one still in INSUFFICIENT_DATA/OK.
    let alarms = v["alarms"].as_array().unwrap();
    assert_eq!(alarms.len(), 1, "{alarms:?}");
    assert_eq!(alarms[0]["name"], "spymeo-5xx");
    assert_eq!(v["alarmsError"], serde_json::Value::Null);
    assert!(v["tasks"].is_array());

    let o = run(moto
        .spymeo()
        .args(["status", "--cluster", "spymeo", "--service", "web"]))
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("Target group spymeo-web : 2/2 healthy"),
        "{out}"
    );
    assert!(out.contains("spymeo-5xx  ALARM"), "{out}");

    let o = run(moto
        .spymeo()
        .args(["status", "--cluster", "spymeo", "--service", "nope"]))
    .await;
    assert_eq!(code(&o), 1);
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with("error: service nope introuvable"),
        "{}",
        stderr(&o)
    );
}

#[tokio::test]
async fn target_health_exit_codes() {
    let moto = Moto::start(Ecs::Plain);
    let f = moto.setup();
    let o = run(moto.spymeo().args([
        "target-health",
        "--cluster",
        "spymeo",
        "--service",
        "web",
        "--output",
        "json",
    ]))
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["allHealthy"], true);
    assert_eq!(v["targetGroups"][0]["summary"]["byState"]["healthy"], 2);

    // No registered target serves nothing: unhealthy (6), and --wait gives up with 4.
    let empty = f["emptyTargetGroup"].as_str().unwrap();
    let o = run(moto
        .spymeo()
        .args(["target-health", "--target-group-arn", empty]))
    .await;
    assert_eq!(code(&o), 6, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("aucune cible enregistrée"),
        "{}",
        stderr(&o)
    );
    let o = run(moto.spymeo().args([
        "target-health",
        "--target-group-arn",
        empty,
        "--wait",
        "--timeout",
        "1",
        "--interval",
        "1",
    ]))
    .await;
    assert_eq!(code(&o), 4, "{}", stderr(&o));

    let o = run(moto.spymeo().args(["target-health"])).await;
    assert_eq!(code(&o), 2, "{}", stderr(&o));
}
