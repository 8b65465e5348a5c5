//! The demo data of DOMAIN.md §9 loads and passes its own verification (§9.4).

use spymeo_core::seed::{self, SeedOptions};

#[tokio::test]
async fn the_seed_loads_and_passes_verification() {
    let (_url, pool) = spymeo_core::testing::migrated_database().await.unwrap();
    let now = chrono::Utc::now();
    let report = seed::run(&pool, &SeedOptions { reset: false, now })
        .await
        .unwrap();
    assert!(
        report.verification.passed(),
        "{:#?}",
        report
            .verification
            .checks
            .iter()
            .filter(|c| !c.ok)
            .collect::<Vec<_>>()
    );
    let count = |table: &str| {
        report
            .counts
            .iter()
            .find(|(t, _)| t == table)
            .map(|(_, n)| *n)
            .unwrap_or_else(|| panic!("no count for {table}"))
    };
    assert_eq!(count("users"), 76);
    assert_eq!(count("pass_subscriptions"), 27);
    assert_eq!(count("academy_lessons"), 4);

    // The demo accounts of §9.2 exist with their roles and states.
    let accounts: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT email::text, role::text, status::text FROM users
          WHERE email LIKE '%@spymeo.test' ORDER BY email",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let expect = [
        ("admin@spymeo.test", "ADMIN", "ACTIVE"),
        ("artisan@spymeo.test", "ARTISAN", "ACTIVE"),
        ("candidat@spymeo.test", "PRACTITIONER", "PENDING_VALIDATION"),
        ("centre@spymeo.test", "CENTER", "ACTIVE"),
        ("commercant@spymeo.test", "COMMERCANT", "ACTIVE"),
        ("free@spymeo.test", "FREE_USER", "ACTIVE"),
        ("pass@spymeo.test", "PASS_USER", "ACTIVE"),
        ("praticien@spymeo.test", "PRACTITIONER", "ACTIVE"),
    ];
    for (email, role, status) in expect {
        assert!(
            accounts
                .iter()
                .any(|(e, r, s)| e == email && r == role && s == status),
            "{email} {role} {status} missing from {accounts:?}"
        );
    }

    // Deterministic: the same run date gives the same data.
    let fingerprint = |pool: sqlx::PgPool| async move {
        sqlx::query_scalar::<_, String>(
            "SELECT md5(string_agg(email::text || role::text, ',' ORDER BY email)) FROM users",
        )
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    let first = fingerprint(pool.clone()).await;

    // Without --reset a non-empty database is refused; with it, the data is rebuilt.
    assert!(
        seed::run(&pool, &SeedOptions { reset: false, now })
            .await
            .is_err()
    );
    let again = seed::run(&pool, &SeedOptions { reset: true, now })
        .await
        .unwrap();
    assert!(again.verification.passed());
    assert_eq!(fingerprint(pool.clone()).await, first);
}

#[tokio::test]
async fn the_seed_refuses_a_production_database() {
    let (url, pool) = spymeo_core::testing::migrated_database().await.unwrap();
    spymeo_core::db::mark_environment(&pool, "production")
        .await
        .unwrap();
    pool.close().await;
    let pool = spymeo_core::db::connect(&url, &Default::default())
        .await
        .unwrap();
    let err = seed::run(
        &pool,
        &SeedOptions {
            reset: true,
            now: chrono::Utc::now(),
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(err, spymeo_core::Error::Refused(_)), "{err:?}");
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(users, 0);
}
