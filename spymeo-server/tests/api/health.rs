use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;
use spymeo_core::devdb::{DevDb, Options};

use crate::helpers::{client, spawn_app, spawn_app_on};

#[tokio::test]
async fn live_touches_nothing_and_answers_alive() {
    let app = spawn_app().await;
    let res = app.get("/api/health/live").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().contains_key("x-request-id"));
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body, serde_json::json!({"status": "alive"}));
}

#[tokio::test]
async fn health_reports_database_and_storage() {
    let app = spawn_app().await;
    let res = app.get("/api/health").await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "healthy");
    assert_eq!(body["checks"]["database"], "connected");
    assert_eq!(body["checks"]["s3"], "accessible");
    assert_eq!(body["checks"]["storage"], "local");
    assert_eq!(body["environment"], "test");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    assert!(body["uptime"].is_u64());
    chrono::DateTime::parse_from_rfc3339(body["timestamp"].as_str().unwrap()).unwrap();
}

#[tokio::test]
async fn unreachable_storage_is_degraded_but_still_200() {
    let app = spawn_app().await;
    // A store whose directory vanished (a broken mount) cannot take the probe file.
    std::fs::remove_dir_all(app.files.path()).unwrap();
    let res = app.get("/api/health").await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "degraded");
    assert_eq!(body["checks"]["s3"], "inaccessible");
    assert_eq!(body["checks"]["database"], "connected");
}

/// The audit's "health check that tested nothing": stop PostgreSQL under a running server,
/// expect 503 quickly, start it again, expect 200 without restarting the server.
#[tokio::test]
async fn health_follows_the_database_down_and_back() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = DevDb::start(&Options {
        dir: dir.path().to_path_buf(),
        fast: true,
    })
    .await
    .expect("private cluster");
    cluster.ensure_database("spymeo").await.unwrap();
    let url = cluster.url("spymeo");
    let pool = spymeo_core::db::connect(&url, &Default::default())
        .await
        .unwrap();
    spymeo_core::db::MIGRATOR.run(&pool).await.unwrap();
    let app = spawn_app_on(url, pool.clone()).await;

    assert_eq!(app.get("/api/health").await.status(), StatusCode::OK);

    pool.close().await;
    cluster.stop().await.unwrap();
    let started = Instant::now();
    let res = app.get("/api/health").await;
    let took = started.elapsed();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "unhealthy");
    assert_eq!(body["checks"]["database"], "disconnected");
    assert!(took < Duration::from_secs(3), "503 took {took:?}");
    eprintln!("health with the database stopped: 503 in {took:?}");
    // Liveness does not depend on the database.
    assert_eq!(app.get("/api/health/live").await.status(), StatusCode::OK);

    cluster.restart().await.unwrap();
    let restarted = Instant::now();
    // Back to 200 on the next probes, bounded: the pool reconnects by itself.
    let mut status = StatusCode::SERVICE_UNAVAILABLE;
    for _ in 0..20 {
        status = app.get("/api/health").await.status();
        if status == StatusCode::OK {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(status, StatusCode::OK);
    eprintln!(
        "health back to 200 {:?} after the restart",
        restarted.elapsed()
    );
    cluster.stop().await.unwrap();
}

#[tokio::test]
async fn api_errors_use_the_json_envelope() {
    let app = spawn_app().await;
    let res = app.get("/api/nope").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "NOT_FOUND");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("existe pas")
    );

    let res = app
        .post_json(&app.client, "/api/health/live", serde_json::json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(res.headers().contains_key("allow"));
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "METHOD_NOT_ALLOWED");
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413() {
    let app = spawn_app().await;
    let res = client()
        .post(app.url("/api/health"))
        .header("content-type", "application/json")
        .body(vec![b' '; 2 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "PAYLOAD_TOO_LARGE");
}

#[tokio::test]
async fn request_ids_are_generated_or_propagated() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/api/health/live"))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "abc-123");
    let a = app.get("/api/health/live").await.headers()["x-request-id"].clone();
    let b = app.get("/api/health/live").await.headers()["x-request-id"].clone();
    assert_ne!(a, b);
}
