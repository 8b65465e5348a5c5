use crate::{Ecs, Moto, code, json, run, stderr, stdout};

const S: [&str; 4] = ["--cluster", "spymeo", "--service", "web"];

fn service_td(moto: &Moto) -> String {
    let v: serde_json::Value = serde_json::from_str(&moto.fixture(&["service"])).unwrap();
    v["taskDefinition"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn deploy_dry_run_confirmation_migration_release_and_rollback() {
    let moto = Moto::start(Ecs::Rollouts);
    moto.setup();
    let rel = ["--releases-bucket", "spymeo-releases", "--interval", "0"];

    // --dry-run: checks and diff, nothing registered.
    let o = run(moto.spymeo().arg("deploy").args(S).args([
        "--image",
        "repo/spymeo:1.1.0",
        "--dry-run",
        "--output",
        "json",
    ]))
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["result"], "dryRun");
    assert!(
        v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["ok"] == true)
    );
    assert_eq!(v["diff"][1]["field"], "containers.app.image");
    assert_eq!(v["diff"][1]["after"], "repo/spymeo:1.1.0");
    assert_eq!(service_td(&moto), "spymeo:1");

    // No terminal and no --yes: refused as a usage error, nothing changed.
    let o = run(moto
        .spymeo()
        .arg("deploy")
        .args(S)
        .args(["--image", "repo/spymeo:1.1.0"]))
    .await;
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("--yes"));
    assert_eq!(service_td(&moto), "spymeo:1");

    // The real thing, with the migration task first.
    let o = run(moto.spymeo().arg("deploy").args(S).args(rel).args([
        "--image",
        "repo/spymeo:1.1.0",
        "--migrate",
        "--yes",
        "--output",
        "json",
    ]))
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["result"], "completed");
    assert_eq!(v["migration"]["exitCode"], 0);
    assert_eq!(v["evaluation"]["phase"], "completed");
    assert_eq!(v["release"]["image"], "repo/spymeo:1.1.0");
    assert_eq!(v["release"]["kind"], "deploy");
    assert!(
        v["releaseKey"]
            .as_str()
            .unwrap()
            .starts_with("s3://spymeo-releases/releases/spymeo/web/")
    );
    assert_eq!(service_td(&moto), "spymeo:2");
    // Progress goes to stderr as plain lines (no terminal), stdout stays JSON.
    assert!(stderr(&o).contains("déploiement 2/2"), "{}", stderr(&o));

    let o = run(moto.spymeo().arg("deploy").args(S).args(rel).args([
        "--image",
        "repo/spymeo:1.2.0",
        "--yes",
    ]))
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("Déployé : repo/spymeo:1.2.0 (spymeo:3)"),
        "{}",
        stdout(&o)
    );
    let keys: Vec<String> =
        serde_json::from_str(&moto.fixture(&["releases", "spymeo-releases"])).unwrap();
    assert_eq!(keys.len(), 2);

    // Back to the last known-good release before the current one.
    let o = run(moto
        .spymeo()
        .arg("rollback")
        .args(S)
        .args(rel)
        .args(["--dry-run"]))
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("Retour de spymeo:3 vers spymeo:2 (repo/spymeo:1.1.0)"),
        "{}",
        stdout(&o)
    );
    assert_eq!(service_td(&moto), "spymeo:3");
    let o = run(moto
        .spymeo()
        .arg("rollback")
        .args(S)
        .args(rel)
        .args(["--yes", "--output", "json"]))
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["result"], "completed");
    assert_eq!(v["release"]["kind"], "rollback");
    assert_eq!(service_td(&moto), "spymeo:2");
    // A second rollback never returns to the release it just left (spymeo:3); spymeo:1 was
    // never a recorded release, so there is nowhere further back to go.
    let o = run(moto
        .spymeo()
        .arg("rollback")
        .args(S)
        .args(rel)
        .args(["--yes"]))
    .await;
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(
        stderr(&o).trim(),
        "error: aucune release antérieure à spymeo:2 n'est enregistrée"
    );
    assert_eq!(service_td(&moto), "spymeo:2");
    // An explicit target still works without a record.
    let o = run(moto.spymeo().arg("rollback").args(S).args([
        "--to",
        "spymeo:1",
        "--yes",
        "--interval",
        "0",
    ]))
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(service_td(&moto), "spymeo:1");
}

/// The AWS waiter would report this rollout as stable (ECS is back at 2/2 running): it is
/// a circuit-breaker rollback, exit code 3.
#[tokio::test]
async fn a_circuit_breaker_rollback_exits_3() {
    let moto = Moto::start(Ecs::Rollouts);
    moto.setup();
    let o = run(moto.spymeo().arg("deploy").args(S).args([
        "--image",
        "repo/spymeo:2.0.0-broken",
        "--yes",
        "--interval",
        "0",
        "--output",
        "json",
    ]))
    .await;
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["result"], "rolledBack");
    assert_eq!(v["evaluation"]["phase"], "rolledBack");
    assert!(
        v["evaluation"]["reason"]
            .as_str()
            .unwrap()
            .contains("circuit breaker")
    );
    assert!(
        stderr(&o)
            .lines()
            .last()
            .unwrap()
            .starts_with("error: déploiement annulé par ECS")
    );
    assert_eq!(service_td(&moto), "spymeo:1");
}

#[tokio::test]
async fn preflight_failures_exit_5_and_change_nothing() {
    let moto = Moto::start(Ecs::Rollouts);
    let f = moto.setup();
    moto.fixture(&["delete-secret", f["sessionSecret"].as_str().unwrap()]);
    let o = run(moto.spymeo().arg("deploy").args(S).args([
        "--image",
        "repo/spymeo:1.1.0",
        "--yes",
        "--output",
        "json",
    ]))
    .await;
    assert_eq!(code(&o), 5, "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["result"], "preflightFailed");
    let failed: Vec<&str> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["ok"] == false)
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(failed, ["secrets"]);
    assert_eq!(service_td(&moto), "spymeo:1");

    let o =
        run(moto
            .spymeo()
            .arg("deploy")
            .args(S)
            .args(["--image", "repo/spymeo:latest", "--yes"]))
        .await;
    assert_eq!(code(&o), 5, "{}", stderr(&o));
    assert!(stderr(&o).contains("latest"), "{}", stderr(&o));
}

/// Against moto as published, UpdateService never starts a deployment of our revision: the
/// deploy must not mistake the old deployment for ours, and ends on its time budget (4).
#[tokio::test]
async fn a_deployment_that_never_starts_times_out() {
    let moto = Moto::start(Ecs::Plain);
    moto.setup();
    let o = run(moto.spymeo().arg("deploy").args(S).args([
        "--image",
        "repo/spymeo:1.1.0",
        "--yes",
        "--timeout",
        "2",
        "--interval",
        "1",
    ]))
    .await;
    assert_eq!(code(&o), 4, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("qu'ECS crée le déploiement de spymeo:2"),
        "{}",
        stderr(&o)
    );
}
