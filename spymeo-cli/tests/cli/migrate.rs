use std::time::{Duration, Instant};

use serde_json::Value;

use crate::helpers::{expose, free_port, run, spymeo, stderr, stdout};

#[tokio::test]
async fn two_concurrent_migrate_runs_are_safe() {
    let url = expose(&spymeo_core::testing::empty_database().await.unwrap());
    let total = spymeo_core::db::MIGRATOR.iter().count();
    let mut a = spymeo();
    a.args(["migrate", "--output", "json"])
        .env("DATABASE_URL", &url);
    let mut b = spymeo();
    b.args(["migrate", "--output", "json"])
        .env("DATABASE_URL", &url);
    let (a, b) = tokio::join!(run(&mut a), run(&mut b));
    assert!(a.status.success(), "{}", stderr(&a));
    assert!(b.status.success(), "{}", stderr(&b));
    let applied = |o| -> usize {
        let v: Value = serde_json::from_str(&stdout(o)).unwrap();
        v["applied"].as_array().unwrap().len()
    };
    let (na, nb) = (applied(&a), applied(&b));
    // One of them applied everything; the other waited for the lock and found nothing to do.
    assert_eq!(na + nb, total, "a applied {na}, b applied {nb}");
    assert!(na == 0 || nb == 0);

    let status = run(spymeo()
        .args(["migrate", "--status", "--output", "json"])
        .env("DATABASE_URL", &url))
    .await;
    assert!(status.status.success());
    let v: Value = serde_json::from_str(&stdout(&status)).unwrap();
    assert_eq!(v["applied"].as_array().unwrap().len(), total);
    assert!(v["pending"].as_array().unwrap().is_empty());
    assert!(
        v["applied"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["checksumOk"] == true)
    );
}

#[tokio::test]
async fn migrate_prints_what_it_applied_and_dry_run_changes_nothing() {
    let url = expose(&spymeo_core::testing::empty_database().await.unwrap());
    let dry = run(spymeo()
        .args(["migrate", "--dry-run"])
        .env("DATABASE_URL", &url))
    .await;
    assert!(dry.status.success(), "{}", stderr(&dry));
    assert!(stdout(&dry).contains("en attente"));
    assert!(stdout(&dry).contains("--dry-run"));

    let out = run(spymeo().arg("migrate").env("DATABASE_URL", &url)).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let total = spymeo_core::db::MIGRATOR.iter().count();
    assert_eq!(
        text.lines().filter(|l| l.starts_with("appliquée ")).count(),
        total
    );
    assert!(text.contains(&format!("{total} migration(s) appliquée(s).")));

    let again = run(spymeo().arg("migrate").env("DATABASE_URL", &url)).await;
    assert!(stdout(&again).contains("aucune migration à appliquer"));
}

#[tokio::test]
async fn migrate_retries_an_unreachable_database_then_fails_with_one_line() {
    let port = free_port();
    let url = format!("postgres://spymeo:s3cret-pw@127.0.0.1:{port}/spymeo");
    let started = Instant::now();
    let out = run(spymeo()
        .args(["migrate", "--retries", "3", "--backoff-ms", "100"])
        .env("DATABASE_URL", &url))
    .await;
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    // Two waits (100 ms, then 200 ms) between three attempts.
    assert_eq!(err.matches("nouvel essai").count(), 2, "{err}");
    assert!(took >= Duration::from_millis(300));
    let last = err.lines().last().unwrap();
    assert!(
        last.starts_with("error: connexion à la base impossible"),
        "{last}"
    );
    assert!(!err.contains("s3cret-pw"), "the password leaked: {err}");
}

#[tokio::test]
async fn migrate_without_a_database_url_is_a_usage_error() {
    let out = run(spymeo().arg("migrate")).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("DATABASE_URL"));
}

#[tokio::test]
async fn seed_refuses_a_database_marked_production() {
    let url = expose(&spymeo_core::testing::empty_database().await.unwrap());
    let out = run(spymeo()
        .args(["migrate", "--environment", "production"])
        .env("DATABASE_URL", &url))
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(spymeo()
        .args(["seed", "--reset", "--yes"])
        .env("DATABASE_URL", &url))
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("marquée production"),
        "{}",
        stderr(&out)
    );

    let out = run(spymeo()
        .args(["seed"])
        .env("DATABASE_URL", &url)
        .env("APP_ENV", "production"))
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("APP_ENV=production"));
}
