use spymeo_core::db::{self, migrate};

#[tokio::test]
async fn migrations_apply_on_an_empty_database_and_are_idempotent() {
    let url = spymeo_core::testing::empty_database().await.unwrap();
    let mut conn = migrate::connect_with_retry(&url, &Default::default(), |_| {})
        .await
        .unwrap();

    let before = migrate::status(&mut conn).await.unwrap();
    assert!(before.applied.is_empty());
    assert_eq!(before.pending.len(), db::MIGRATOR.iter().count());

    let applied = migrate::apply(&mut conn).await.unwrap();
    assert_eq!(applied, before.pending, "first run applies every migration");

    let again = migrate::apply(&mut conn).await.unwrap();
    assert!(again.is_empty(), "second run applies nothing");

    let after = migrate::status(&mut conn).await.unwrap();
    assert!(after.pending.is_empty());
    assert!(after.unknown.is_empty());
    assert_eq!(after.applied.len(), before.pending.len());
    assert!(after.applied.iter().all(|a| a.checksum_ok));
}

#[tokio::test]
async fn a_database_can_be_marked_production() {
    let (_url, pool) = spymeo_core::testing::migrated_database().await.unwrap();
    assert_eq!(db::environment_marker(&pool).await.unwrap(), None);
    db::mark_environment(&pool, "production").await.unwrap();
    // The setting applies to new sessions.
    pool.close().await;
    let pool = db::connect(&_url, &Default::default()).await.unwrap();
    assert_eq!(
        db::environment_marker(&pool).await.unwrap().as_deref(),
        Some("production")
    );
    assert!(
        db::mark_environment(&pool, "prod'; DROP TABLE users; --")
            .await
            .is_err()
    );
}
