use std::process::Stdio;
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use serde_json::Value;
use tokio::io::AsyncReadExt as _;

use crate::helpers::{expose, free_port, run, signal, spymeo, stderr, wait_for_200};

#[tokio::test]
async fn serve_migrates_serves_logs_json_and_stops_on_sigterm() {
    let url = expose(&spymeo_core::testing::empty_database().await.unwrap());
    let files = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = spymeo()
        .args(["serve", "--migrate", "--bind", &format!("127.0.0.1:{port}")])
        .arg("--storage-dir")
        .arg(files.path())
        .env("DATABASE_URL", &url)
        .env("APP_ENV", "staging")
        .env("SESSION_SECRET", "0123456789abcdef0123456789abcdef")
        .env("SMTP_URL", "smtp://127.0.0.1:1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    wait_for_200(
        &format!("{base}/api/health/live"),
        &mut child,
        Duration::from_secs(60),
    )
    .await;

    let health: Value = reqwest::get(format!("{base}/api/health"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "healthy");
    assert_eq!(health["environment"], "staging");
    // Deployed environments send HSTS.
    let res = reqwest::get(format!("{base}/")).await.unwrap();
    assert!(res.headers().contains_key("strict-transport-security"));

    let ok = run(spymeo().args(["healthcheck", "--url", &format!("{base}/api/health/live")])).await;
    assert!(ok.status.success(), "{}", stderr(&ok));

    signal(&child, Signal::SIGTERM);
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "exit status {status}");

    let mut logs = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut logs)
        .await
        .unwrap();
    let lines: Vec<Value> = logs
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("not JSON: {l}")))
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l["span"]["request_id"].is_string() && l["span"]["path"] == "/api/health")
    );
    let password = url.split(':').nth(2).unwrap().split('@').next().unwrap();
    assert!(
        !logs.contains(password),
        "the database password reached the logs"
    );

    let down =
        run(spymeo().args(["healthcheck", "--url", &format!("{base}/api/health/live")])).await;
    assert_eq!(down.status.code(), Some(1));
    assert!(stderr(&down).starts_with("error: "));
}

/// A request in flight when SIGTERM arrives still gets its full answer. The "database" here
/// accepts connections and never answers, so `/api/health` takes its full 2 s timeout.
#[tokio::test]
async fn in_flight_requests_finish_after_sigterm() {
    let stalled = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let db_port = stalled.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = stalled.accept().await {
            held.push(socket);
        }
    });
    let port = free_port();
    let files = tempfile::tempdir().unwrap();
    let mut child = spymeo()
        .args([
            "serve",
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--environment",
            "test",
        ])
        .arg("--storage-dir")
        .arg(files.path())
        .env(
            "DATABASE_URL",
            format!("postgres://u:p@127.0.0.1:{db_port}/db"),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    wait_for_200(
        &format!("{base}/api/health/live"),
        &mut child,
        Duration::from_secs(30),
    )
    .await;

    let started = Instant::now();
    let in_flight = tokio::spawn(reqwest::get(format!("{base}/api/health")));
    tokio::time::sleep(Duration::from_millis(500)).await;
    signal(&child, Signal::SIGTERM);

    let res = in_flight
        .await
        .unwrap()
        .expect("the in-flight request got an answer");
    assert_eq!(res.status(), 503);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["checks"]["database"], "disconnected");
    assert!(started.elapsed() >= Duration::from_secs(2));
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "exit status {status}");
}

#[tokio::test]
async fn serve_refuses_a_production_config_without_secrets() {
    let out = run(spymeo()
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("DATABASE_URL", "postgres://u:p@127.0.0.1:1/db")
        .env("S3_BUCKET_NAME", "bucket"))
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("SESSION_SECRET manquant"),
        "{}",
        stderr(&out)
    );
}
