//! Every extension, enum, domain, table, index and trigger of DOMAIN.md exists after the
//! migrations, and nothing else: `tests/catalogue/expected.json` is written from DOMAIN.md.

use std::collections::BTreeSet;

use serde_json::Value;

fn expected() -> Value {
    serde_json::from_str(include_str!("../catalogue/expected.json")).unwrap()
}

fn names(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_schema_matches_the_domain_catalogue() {
    let (_url, pool) = spymeo_core::testing::migrated_database().await.unwrap();
    let expected = expected();

    let extensions: BTreeSet<String> =
        sqlx::query_scalar("SELECT extname::text FROM pg_extension WHERE extname <> 'plpgsql'")
            .fetch_all(&pool)
            .await
            .unwrap()
            .into_iter()
            .collect();
    assert_eq!(extensions, names(&expected["extensions"]));

    let enums: Vec<(String, Vec<String>)> = sqlx::query_as(
        "SELECT t.typname::text, array_agg(e.enumlabel::text ORDER BY e.enumsortorder)
           FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
           JOIN pg_namespace n ON n.oid = t.typnamespace AND n.nspname = 'public'
          GROUP BY t.typname ORDER BY t.typname",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let expected_enums = expected["enums"].as_object().unwrap();
    assert_eq!(enums.len(), expected_enums.len(), "number of enums");
    for (name, values) in &enums {
        let want: Vec<String> = expected_enums
            .get(name)
            .unwrap_or_else(|| panic!("unexpected enum {name}"))
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(values, &want, "values of enum {name}");
    }

    let domains: BTreeSet<String> = sqlx::query_scalar(
        "SELECT t.typname::text FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
          WHERE n.nspname = 'public' AND t.typtype = 'd'",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    .into_iter()
    .collect();
    assert_eq!(domains, names(&expected["domains"]));

    let tables: BTreeSet<String> = sqlx::query_scalar(
        "SELECT tablename::text FROM pg_tables
          WHERE schemaname = 'public' AND tablename <> '_sqlx_migrations'",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    .into_iter()
    .collect();
    assert_eq!(tables, names(&expected["tables"]));
    // DOMAIN.md §3 has 59 tables; the accounts issue adds three support tables.
    let support = [
        "email_outbox",
        "email_verification_tokens",
        "rate_limits",
        "admin_audit_log",
        "legacy_id_map",
    ];
    assert_eq!(
        tables
            .iter()
            .filter(|t| !support.contains(&t.as_str()))
            .count(),
        59
    );

    let indexes: BTreeSet<String> = sqlx::query_scalar(
        "SELECT i.indexname::text FROM pg_indexes i
          WHERE i.schemaname = 'public' AND i.tablename <> '_sqlx_migrations'
            AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                             WHERE c.conname = i.indexname AND c.contype = 'p')",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    .into_iter()
    .collect();
    let want = names(&expected["indexes"]);
    let missing: Vec<_> = want.difference(&indexes).collect();
    let extra: Vec<_> = indexes.difference(&want).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:?}, extra {extra:?}"
    );
    assert_eq!(
        indexes.len() as u64,
        expected["index_count"].as_u64().unwrap()
    );

    let triggers: BTreeSet<String> = sqlx::query_scalar(
        "SELECT c.relname::text || '.' || t.tgname::text FROM pg_trigger t
           JOIN pg_class c ON c.oid = t.tgrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
          WHERE NOT t.tgisinternal",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    .into_iter()
    .collect();
    assert_eq!(triggers, names(&expected["triggers"]));
}

/// DOMAIN.md §4: every foreign-key column leads some index (FK checks on delete, joins).
#[tokio::test]
async fn every_foreign_key_column_is_indexed() {
    let (_url, pool) = spymeo_core::testing::migrated_database().await.unwrap();
    let unindexed: Vec<String> = sqlx::query_scalar(
        r#"
        SELECT c.conrelid::regclass::text || '.' || a.attname::text
          FROM pg_constraint c
          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
         WHERE c.contype = 'f'
           AND c.connamespace = 'public'::regnamespace
           AND NOT EXISTS (
                 SELECT 1 FROM pg_index i
                  WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1])
         ORDER BY 1
        "#,
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(
        unindexed.is_empty(),
        "FK columns without an index: {unindexed:?}"
    );
}
