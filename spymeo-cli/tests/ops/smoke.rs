use std::process::Stdio;
use std::time::Duration;

use secrecy::ExposeSecret as _;

use crate::{BIN, code, free_port, json, stderr};

async fn out(cmd: &mut tokio::process::Command) -> std::process::Output {
    tokio::time::timeout(Duration::from_secs(180), cmd.output())
        .await
        .unwrap()
        .unwrap()
}

/// `smoke` against a real `spymeo serve` on a migrated database.
#[tokio::test]
async fn smoke_passes_against_the_real_server_and_fails_on_a_dead_one() {
    let (url, pool) = spymeo_core::testing::migrated_database().await.unwrap();
    pool.close().await;
    let files = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut server = tokio::process::Command::new(BIN)
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .arg("--storage-dir")
        .arg(files.path())
        .env("DATABASE_URL", url.expose_secret())
        .env("APP_ENV", "test")
        .env("SESSION_SECRET", "0123456789abcdef0123456789abcdef")
        .env("SMTP_URL", "smtp://127.0.0.1:1")
        .env("APP_URL", format!("http://127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    // The server needs a moment: smoke's own retries cover it.
    let o = out(tokio::process::Command::new(BIN)
        .env("NO_COLOR", "1")
        .args([
            "smoke",
            "--url",
            &base,
            "--attempts",
            "60",
            "--interval",
            "1",
            "--output",
            "json",
        ]))
    .await;
    assert_eq!(
        code(&o),
        0,
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        stderr(&o)
    );
    let v = json(&o);
    assert_eq!(v["ok"], true);
    let names: Vec<&str> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["health", "home", "login", "notFound", "proRedirect"]
    );
    assert_eq!(v["checks"][4]["status"], 303);
    assert!(
        v["checks"][4]["detail"]
            .as_str()
            .unwrap()
            .contains("/auth/login?next=")
    );
    server.kill().await.ok();

    let dead = format!("http://127.0.0.1:{}", free_port());
    let o = out(tokio::process::Command::new(BIN)
        .env("NO_COLOR", "1")
        .args([
            "smoke",
            "--url",
            &dead,
            "--attempts",
            "2",
            "--interval",
            "0",
            "--timeout",
            "2",
        ]))
    .await;
    assert_eq!(code(&o), 6, "{}", stderr(&o));
    assert!(stderr(&o).contains("2 essai(s)"), "{}", stderr(&o));
}
