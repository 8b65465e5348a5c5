//! Recorded-shape data for the console: a cluster with a web service mid-rollout (one
//! target unhealthy, the 5xx alarm firing) and a worker, at a fixed time.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use spymeo_ops::console::{AlarmInfo, HealthSample, LogLine, LogTail, Snapshot, TargetGroupErrors};
use spymeo_ops::fetch::TargetGroupHealth;
use spymeo_ops::model::{
    ContainerSnapshot, Deployment, ServiceEvent, ServiceSnapshot, Target, TaskSnapshot,
};
use spymeo_ops::targets::summarize;
use spymeo_tui::{Config, State};

pub const TG: &str =
    "arn:aws:elasticloadbalancing:eu-west-3:123456789012:targetgroup/spymeo-web/73e2d6bc24d8a067";

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 2, 14, 30, 0).unwrap()
}

pub fn at(secs_before: i64) -> DateTime<Utc> {
    t0() - chrono::Duration::seconds(secs_before)
}

pub fn config() -> Config {
    Config {
        cluster: "spymeo-prod".into(),
        service: "web".into(),
        region: Some("eu-west-3".into()),
        profile: Some("prod".into()),
        refresh: Duration::from_secs(10),
        allow_actions: false,
        app_url: Some("https://www.spymeo.fr".into()),
        color: false,
    }
}

fn td(rev: u32) -> String {
    format!("arn:aws:ecs:eu-west-3:123456789012:task-definition/spymeo:{rev}")
}

fn deployment(
    id: &str,
    status: &str,
    rev: u32,
    running: i32,
    rollout: &str,
    age: i64,
) -> Deployment {
    Deployment {
        id: format!("ecs-svc/{id}"),
        status: status.into(),
        task_definition: td(rev),
        desired: 2,
        running,
        pending: 2 - running,
        failed: 0,
        rollout_state: Some(rollout.into()),
        rollout_reason: Some(format!(
            "ECS deployment ecs-svc/{id} {}.",
            rollout.to_lowercase()
        )),
        created_at: Some(at(age)),
    }
}

pub fn web() -> ServiceSnapshot {
    ServiceSnapshot {
        name: "web".into(),
        arn: "arn:aws:ecs:eu-west-3:123456789012:service/spymeo-prod/web".into(),
        cluster_arn: "arn:aws:ecs:eu-west-3:123456789012:cluster/spymeo-prod".into(),
        status: "ACTIVE".into(),
        task_definition: td(42),
        desired: 2,
        running: 2,
        pending: 1,
        deployments: vec![
            deployment("4711223344556677889", "PRIMARY", 42, 1, "IN_PROGRESS", 240),
            deployment(
                "1234567890123456789",
                "ACTIVE",
                41,
                1,
                "COMPLETED",
                86_400 * 3,
            ),
        ],
        target_group_arns: vec![TG.into()],
        circuit_breaker: Some((true, true)),
        launch_type: Some("FARGATE".into()),
        subnets: vec![],
        security_groups: vec![],
        assign_public_ip: None,
        events: vec![
            ServiceEvent {
                created_at: Some(at(60)),
                message: "(service web) registered 1 targets in (target-group spymeo-web)".into(),
            },
            ServiceEvent {
                created_at: Some(at(230)),
                message: "(service web) has started 1 tasks: (task 9f1c2d3e4f5a).".into(),
            },
        ],
    }
}

pub fn worker() -> ServiceSnapshot {
    ServiceSnapshot {
        name: "worker".into(),
        arn: "arn:aws:ecs:eu-west-3:123456789012:service/spymeo-prod/worker".into(),
        task_definition: td(40),
        desired: 1,
        running: 1,
        pending: 0,
        deployments: vec![Deployment {
            desired: 1,
            running: 1,
            pending: 0,
            ..deployment("9999888877776666555", "PRIMARY", 40, 1, "COMPLETED", 86_400)
        }],
        target_group_arns: vec![],
        events: vec![],
        ..web()
    }
}

fn task(
    id: &str,
    status: &str,
    health: &str,
    rev: u32,
    started: i64,
    stopped: Option<&str>,
) -> TaskSnapshot {
    TaskSnapshot {
        arn: format!("arn:aws:ecs:eu-west-3:123456789012:task/spymeo-prod/{id}"),
        task_definition: td(rev),
        last_status: status.into(),
        desired_status: if stopped.is_some() {
            "STOPPED"
        } else {
            "RUNNING"
        }
        .into(),
        health: Some(health.into()),
        stopped_reason: stopped.map(str::to_owned),
        stop_code: stopped.map(|_| "EssentialContainerExited".into()),
        started_at: Some(at(started)),
        containers: vec![ContainerSnapshot {
            name: "app".into(),
            image: Some(format!("repo/spymeo:1.4.{rev}")),
            last_status: Some(status.into()),
            exit_code: stopped.map(|_| 101),
            reason: None,
            health: Some(health.into()),
        }],
    }
}

pub fn tasks() -> Vec<TaskSnapshot> {
    vec![
        task(
            "0a1b2c3d4e5f60718293a4b5c6d7e8f9", // pragma: allowlist secret
            "RUNNING",
            "HEALTHY",
            41,
            86_400,
            None,
        ),
        task(
            "9f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e", // pragma: allowlist secret
            "RUNNING",
            "UNKNOWN",
            42,
            200,
            None,
        ),
        task(
            "5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b", // pragma: allowlist secret
            "STOPPED",
            "UNHEALTHY",
            42,
            600,
            Some("Essential container in task exited"),
        ),
    ]
}

pub fn target_groups() -> Vec<TargetGroupHealth> {
    let targets = vec![
        Target {
            id: "10.0.1.17".into(),
            port: Some(3000),
            state: "healthy".into(),
            reason: None,
            description: None,
        },
        Target {
            id: "10.0.2.45".into(),
            port: Some(3000),
            state: "unhealthy".into(),
            reason: Some("Target.FailedHealthChecks".into()),
            description: Some("Health checks failed with these codes: [503]".into()),
        },
    ];
    vec![TargetGroupHealth {
        target_group_arn: TG.into(),
        summary: summarize(&targets),
        targets,
    }]
}

pub fn alarms() -> Vec<AlarmInfo> {
    vec![
        AlarmInfo {
            name: "spymeo-5xx".into(),
            state: "ALARM".into(),
            reason: Some("Threshold Crossed: 1 datapoint [42.0] was greater than 10.0".into()),
            since: Some(at(180)),
            metric: Some("HTTPCode_Target_5XX_Count".into()),
            dimensions: vec![(
                "TargetGroup".into(),
                "targetgroup/spymeo-web/73e2d6bc24d8a067".into(),
            )],
        },
        AlarmInfo {
            name: "spymeo-cpu".into(),
            state: "OK".into(),
            reason: Some("Threshold Crossed: 1 datapoint [31.5] was not greater than 90.0".into()),
            since: Some(at(7200)),
            metric: Some("CPUUtilization".into()),
            dimensions: vec![("ServiceName".into(), "web".into())],
        },
        AlarmInfo {
            name: "spymeo-rds-connections".into(),
            state: "INSUFFICIENT_DATA".into(),
            reason: None,
            since: None,
            metric: Some("DatabaseConnections".into()),
            dimensions: vec![],
        },
    ]
}

pub fn logs() -> LogTail {
    let line = |s: i64, stream: &str, m: &str| LogLine {
        time: Some(at(s)),
        stream: format!("web/app/{stream}"),
        message: m.into(),
    };
    LogTail {
        group: "/spymeo/web".into(),
        lines: vec![
            line(300, "0a1b2c3d4e5f", "INFO request GET /api/health 200 2ms"), // pragma: allowlist secret
            line(
                240,
                "5e4d3c2b1a0f", // pragma: allowlist secret
                "ERROR database: connection refused (os error 111)",
            ),
            line(
                239,
                "5e4d3c2b1a0f", // pragma: allowlist secret
                "thread 'main' panicked at spymeo-cli/src/main.rs:60",
            ),
            line(120, "9f1c2d3e4f5a", "INFO listening on 0.0.0.0:3000"), // pragma: allowlist secret
            line(
                30,
                "9f1c2d3e4f5a", // pragma: allowlist secret
                "WARN slow query: 812 ms SELECT … FROM bookings",
            ),
            line(10, "0a1b2c3d4e5f", "INFO request GET /praticiens 200 14ms"), // pragma: allowlist secret
        ],
    }
}

pub fn health(secs_before: i64, status: &str, code: u16) -> HealthSample {
    HealthSample {
        at: at(secs_before),
        http_status: code,
        latency_ms: 23,
        status: Some(status.into()),
        body: serde_json::json!({
            "status": status,
            "timestamp": "2026-12-02T14:29:56Z",
            "uptime": 3600,
            "environment": "production",
            "version": "1.4.2",
            "checks": {"database": "connected", "s3": "accessible", "storage": "s3"}
        }),
    }
}

pub fn snapshot(secs_before: i64) -> Snapshot {
    Snapshot {
        fetched_at: at(secs_before),
        services: Ok(vec![web(), worker()]),
        tasks: Ok(tasks()),
        target_groups: Ok(target_groups()),
        alarms: Ok(alarms()),
        errors_5xx: Ok(vec![TargetGroupErrors {
            target_group_arn: TG.into(),
            count: 37.0,
        }]),
        logs: Ok(logs()),
        health: Some(Ok(health(secs_before, "healthy", 200))),
    }
}

/// Every source failed as it does without credentials.
pub fn failed_snapshot(secs_before: i64) -> Snapshot {
    fn e<T>() -> Result<T, String> {
        Err("ecs:ListServices: dispatch failure: no credentials in the property bag".to_owned())
    }
    Snapshot {
        fetched_at: at(secs_before),
        services: e(),
        tasks: e(),
        target_groups: e(),
        alarms: Err("cloudwatch:DescribeAlarms: no credentials in the property bag".into()),
        errors_5xx: e(),
        logs: e(),
        health: Some(Err(
            "https://www.spymeo.fr/api/health : error sending request".into(),
        )),
    }
}

/// A console that loaded `snapshot(4)` (and an older health reading), at t0.
pub fn loaded() -> State {
    let mut s = State::new(config(), at(60));
    spymeo_tui::update(&mut s, spymeo_tui::Action::Tick(at(60)));
    let mut older = snapshot(35);
    older.health = Some(Ok(health(35, "degraded", 200)));
    spymeo_tui::update(&mut s, spymeo_tui::Action::Loaded(Box::new(older)));
    spymeo_tui::update(&mut s, spymeo_tui::Action::Tick(at(8)));
    spymeo_tui::update(&mut s, spymeo_tui::Action::Loaded(Box::new(snapshot(4))));
    spymeo_tui::update(&mut s, spymeo_tui::Action::Tick(t0()));
    s
}
