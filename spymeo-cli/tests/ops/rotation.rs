use secrecy::ExposeSecret as _;
use sqlx::Connection as _;

use crate::{Ecs, Moto, code, json, run, stderr};

async fn login(port: u16, user: &str, password: &str) -> Result<(), String> {
    let url = format!("postgres://{user}:{password}@127.0.0.1:{port}/postgres");
    match sqlx::PgConnection::connect(&url).await {
        Ok(c) => {
            c.close().await.ok();
            Ok(())
        }
        Err(sqlx::Error::Database(e)) => Err(e.code().unwrap_or_default().into_owned()),
        Err(e) => panic!("connection error other than authentication: {e}"),
    }
}

fn secret(moto: &Moto, id: &str, stage: &str) -> serde_json::Value {
    serde_json::from_str(&moto.fixture(&["secret", id, stage])).unwrap()
}

/// Rotation against a real PostgreSQL with password (scram) authentication.
#[tokio::test]
async fn rotate_db_and_session_then_redeploy_and_resume_a_stuck_rotation() {
    let cluster = spymeo_core::devdb::DevDb::start(&spymeo_core::devdb::Options {
        dir: spymeo_core::testing::test_cluster_dir(),
        fast: true,
    })
    .await
    .unwrap();
    let admin = sqlx::PgPool::connect(cluster.url("postgres").expose_secret())
        .await
        .unwrap();
    let role = format!("rot_{}", uuid_like());
    let old = "OldPassw0rdForRotationTest";
    sqlx::query(&format!("CREATE ROLE {role} LOGIN PASSWORD '{old}'"))
        .execute(&admin)
        .await
        .unwrap();
    let port = cluster.port();
    login(port, &role, old)
        .await
        .expect("old password works before rotation");

    let moto = Moto::start(Ecs::Rollouts);
    let db_json = serde_json::json!({"username": role, "password": old, "host": "127.0.0.1", "port": port, "dbname": "postgres"});
    moto.fixture(&["setup", &db_json.to_string()]);

    // --dry-run changes nothing.
    let versions_before = moto.fixture(&["versions", "spymeo/test/db"]);
    let o = run(moto.spymeo().args([
        "rotate-secrets",
        "--db",
        "--db-secret-id",
        "spymeo/test/db",
        "--no-deploy",
        "--dry-run",
    ]))
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        moto.fixture(&["versions", "spymeo/test/db"]),
        versions_before
    );

    let o = run(moto.spymeo().args([
        "rotate-secrets",
        "--db",
        "--db-secret-id",
        "spymeo/test/db",
        "--session",
        "--session-secret-id",
        "spymeo/test/session",
        "--cluster",
        "spymeo",
        "--service",
        "web",
        "--yes",
        "--interval",
        "0",
        "--output",
        "json",
    ]))
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["result"], "completed");
    assert_eq!(v["rotations"][0]["kind"], "db");
    assert_eq!(v["rotations"][0]["resumed"], false);
    let states: Vec<&str> = v["rotations"][0]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["done", "done", "done", "done"]);
    assert_eq!(v["deployment"]["outcome"], "completed");
    // No secret value anywhere in the output.
    let current = secret(&moto, "spymeo/test/db", "AWSCURRENT");
    let new = current["password"].as_str().unwrap().to_owned();
    assert_eq!(new.len(), 40);
    assert!(!String::from_utf8_lossy(&o.stdout).contains(&new));
    assert!(!stderr(&o).contains(&new));
    assert_eq!(
        current["url"],
        format!("postgres://{role}:{new}@127.0.0.1:{port}/postgres")
    );

    assert_eq!(
        login(port, &role, old).await,
        Err("28P01".into()),
        "old password refused"
    );
    login(port, &role, &new).await.expect("new password works");

    let session = secret(&moto, "spymeo/test/session", "AWSCURRENT");
    assert_eq!(session["SESSION_SECRET_PREVIOUS"], "s".repeat(64));
    assert_eq!(session["SESSION_SECRET"].as_str().unwrap().len(), 64);

    // A rotation that stopped after createSecret: AWSPENDING exists, the database still
    // has the current password. The next run resumes it instead of starting over.
    let stuck = "StuckPendingPassw0rd0123456789";
    let mut pending = current.clone();
    pending["password"] = stuck.into();
    let pending_id = moto.fixture(&["put-pending", "spymeo/test/db", &pending.to_string()]);
    let o = run(moto.spymeo().args([
        "rotate-secrets",
        "--db",
        "--db-secret-id",
        "spymeo/test/db",
        "--no-deploy",
        "--yes",
        "--output",
        "json",
    ]))
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["rotations"][0]["resumed"], true);
    assert_eq!(v["rotations"][0]["newVersionId"], pending_id.trim());
    assert_eq!(v["rotations"][0]["steps"][0]["state"], "skipped");
    assert_eq!(
        secret(&moto, "spymeo/test/db", "AWSCURRENT")["password"],
        stuck
    );
    login(port, &role, stuck)
        .await
        .expect("resumed password works");
    assert_eq!(login(port, &role, &new).await, Err("28P01".into()));
    let versions: serde_json::Value =
        serde_json::from_str(&moto.fixture(&["versions", "spymeo/test/db"])).unwrap();
    assert!(
        !versions.as_object().unwrap().values().any(|s| s
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x == "AWSPENDING")),
        "AWSPENDING cleared: {versions}"
    );

    sqlx::query(&format!("DROP ROLE {role}"))
        .execute(&admin)
        .await
        .ok();
}

fn uuid_like() -> String {
    format!(
        "{:x}{:x}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}
