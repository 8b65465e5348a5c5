//! `spymeo mocks inventory|import` on fixture trees written in the style of the old front
//! end (tests/fixtures/legacy-next: every known mock file name; legacy-broken: malformed
//! modules), against a real PostgreSQL holding the demo data.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use sqlx::PgPool;

use crate::helpers::{expose, free_port, run, spymeo, stderr, stdout, wait_for_200};

const NOW: &str = "2028-01-01T08:00:00Z";
const OWNERS: &[&str] = &[
    "praticien@spymeo.test",
    "artisan@spymeo.test",
    "commercant@spymeo.test",
    "pass@spymeo.test",
];

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A migrated database with the demo data, as a new production-like base would hold
/// accounts before the import.
pub async fn seeded() -> (String, PgPool) {
    let (url, pool) = spymeo_core::testing::migrated_database().await.unwrap();
    let url = expose(&url);
    let files = tempfile::tempdir().unwrap();
    let out = run(spymeo()
        .args(["seed"])
        .env("DATABASE_URL", &url)
        .env("STORAGE_DIR", files.path()))
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    // The demo documents' files are written beside the rows, each a real PDF or JPEG.
    let key: String = sqlx::query_scalar(
        "SELECT storage_key FROM documents WHERE mime_type = 'application/pdf' AND storage_key IS NOT NULL LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let pdf = std::fs::read(files.path().join(&key)).unwrap();
    assert!(pdf.starts_with(b"%PDF-1.4"), "{key}");
    // The demo practitioner has working hours already; the mock brings its own.
    sqlx::query(
        "DELETE FROM availability_rules WHERE practitioner_id =
           (SELECT p.id FROM practitioner_profiles p JOIN users u ON u.id = p.user_id
             WHERE u.email = 'praticien@spymeo.test')",
    )
    .execute(&pool)
    .await
    .unwrap();
    (url, pool)
}

async fn import(url: &str, tree: &str, extra: &[&str]) -> std::process::Output {
    let mut cmd = spymeo();
    cmd.args(["mocks", "import"])
        .arg(fixture(tree))
        .args(["--now", NOW, "--output", "json"])
        .env("DATABASE_URL", url);
    for o in OWNERS {
        cmd.args(["--owner", o]);
    }
    cmd.args(extra);
    run(&mut cmd).await
}

fn report(out: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(out)).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)))
}

fn file<'r>(report: &'r Value, name: &str) -> &'r Value {
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"].as_str().unwrap().ends_with(name))
        .unwrap_or_else(|| panic!("{name} missing from {report:#}"))
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

#[tokio::test]
async fn inventory_lists_every_mock_with_its_users_tables_and_phase() {
    let out = run(spymeo()
        .args(["mocks", "inventory"])
        .arg(fixture("legacy-next"))
        .args(["--format", "json"]))
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let entries: Vec<Value> = serde_json::from_str(&stdout(&out)).unwrap();
    let entry = |file: &str, array: &str| {
        entries
            .iter()
            .find(|e| e["file"].as_str().unwrap().ends_with(file) && e["array"] == array)
            .unwrap_or_else(|| panic!("{file} {array} not listed"))
            .clone()
    };
    // 18 files under mockdb (every known name, precompta-* twice), pass.ts with two arrays,
    // and 2 mocks no mapping knows.
    assert_eq!(entries.len(), 21, "{entries:#?}");
    let clients = entry("src/lib/mockdb/clients.ts", "seed");
    assert_eq!(clients["type_name"], "Client");
    assert_eq!(clients["records"], 3);
    assert_eq!(clients["phase"], 2);
    assert_eq!(clients["tables"], json!(["clients"]));
    assert_eq!(clients["importable"], true);
    assert!(
        clients["fields"]
            .as_array()
            .unwrap()
            .contains(&json!("birthDate"))
    );
    assert_eq!(clients["pages"], json!(["/pro/agenda", "/pro/clients"]));
    assert_eq!(clients["api_routes"], json!(["/api/clients"]));
    // Reached through a component: the page still counts.
    assert_eq!(
        entry("products-commercant.ts", "MOCK_PRODUCTS")["pages"],
        json!(["/commercant/produits"])
    );
    assert_eq!(
        entry("orders-artisan.ts", "MOCK_ORDERS")["tables"],
        json!(["artisan_orders", "artisan_order_items"])
    );
    assert_eq!(entry("pass.ts", "PASS_DISCOUNTS")["phase"], 5);
    assert_eq!(entry("agendaSettings.ts", "agendaSettings")["records"], 1);
    for (f, a) in [
        ("documents.ts", "MOCK_DOCUMENTS"),
        ("messages.ts", "MOCK_MESSAGES"),
        ("stats-praticien.ts", "MOCK_STATS"),
    ] {
        let e = entry(f, a);
        assert_eq!(e["importable"], false, "{f}");
        assert!(e["note"].as_str().unwrap().len() > 20, "{f} says why");
    }
    let unknown = entry("src/lib/db/mockPass.ts", "mockPassMembers");
    assert_eq!(unknown["importable"], false);
    assert!(
        unknown["note"]
            .as_str()
            .unwrap()
            .contains("aucune correspondance")
    );
    entry("src/components/agenda/mock.ts", "demoSlots");
    assert!(
        !entries
            .iter()
            .any(|e| e["file"].as_str().unwrap().ends_with("utils.ts"))
    );

    let md = run(spymeo()
        .args(["mocks", "inventory"])
        .arg(fixture("legacy-next"))
        .args(["--format", "md"]))
    .await;
    let md = stdout(&md);
    assert!(md.starts_with("# Inventaire des données fictives"), "{md}");
    for phase in [
        "Phase 1",
        "Phase 2",
        "Phase 3",
        "Phase 4",
        "Phase 5",
        "Sans correspondance",
    ] {
        assert!(md.contains(phase), "{phase} missing:\n{md}");
    }
    assert!(
        md.contains("| `src/lib/mockdb/clients.ts` | `seed` | Client | 3 | clients |"),
        "{md}"
    );

    let table = run(spymeo()
        .args(["mocks", "inventory"])
        .arg(fixture("legacy-next")))
    .await;
    assert!(stdout(&table).starts_with("FICHIER"));
}

#[tokio::test]
async fn import_converts_resolves_is_idempotent_and_shows_in_the_web_app() {
    let (url, pool) = seeded().await;

    // Dry run: everything checked in a transaction, nothing kept.
    let dry = import(&url, "legacy-next", &["--dry-run"]).await;
    assert!(dry.status.success(), "{}\n{}", stdout(&dry), stderr(&dry));
    let dry = report(&dry);
    assert_eq!(dry["committed"], false);
    assert_eq!(file(&dry, "clients.ts")["inserted"], 3);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM clients WHERE last_name = 'Fixture'"
        )
        .await,
        0
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM legacy_id_map").await, 0);

    let first = import(&url, "legacy-next", &[]).await;
    assert!(
        first.status.success(),
        "{}\n{}",
        stdout(&first),
        stderr(&first)
    );
    let first = report(&first);
    assert_eq!(first["committed"], true);
    assert_eq!(first["invalid"], json!([]));
    for (name, n) in [
        ("/clients.ts", 3),
        ("clients-artisan.ts", 2),
        ("services-artisan.ts", 2),
        ("orders-artisan.ts", 1),
        ("products-commercant.ts", 2),
        ("stock-commercant.ts", 4),
        ("agenda.ts", 2),
        ("appointments.ts", 2),
        ("precompta-recettes.ts", 1),
        ("precompta-depenses.ts", 1),
        ("resources.ts", 1),
        ("user-favorites.ts", 1),
    ] {
        assert_eq!(file(&first, name)["inserted"], n, "{name}: {first:#}");
    }
    // The demo practitioner already had agenda settings: they are updated, not duplicated.
    assert_eq!(file(&first, "agendaSettings.ts")["updated"], 1);
    assert!(file(&first, "documents.ts")["skipped"].is_string());
    assert!(file(&first, "mockPass.ts")["skipped"].is_string());
    // `createdAt: new Date()` of the first client and the two computed agenda dates.
    assert_eq!(file(&first, "agenda.ts")["computed"], 1);

    // Units, time zones, references and owners.
    let (cents, bp, stock): (i32, i32, i32) = sqlx::query_as(
        "SELECT price_ttc_cents, vat_rate_bp::int, stock_quantity FROM products WHERE sku = 'TIS-FIX-1'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        (cents, bp, stock),
        (890, 550, 9),
        "8.9 € at 5.5 %, stock 10 - 2 + 1"
    );
    let starts: String = sqlx::query_scalar(
        "SELECT to_char(starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') FROM appointments WHERE title = 'Séance de suivi'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(starts, "2028-01-10 08:00", "09:00 Paris in winter");
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM appointments a JOIN clients c ON c.id = a.client_id
                       WHERE c.first_name = 'Léonie' AND a.practitioner_id = c.practitioner_id"
        )
        .await,
        1
    );
    let block: String = sqlx::query_scalar(
        "SELECT to_char(starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') FROM agenda_blocks WHERE reason = 'Formation continue'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        block, "2028-01-02 08:00",
        "new Date(Date.now() + DAY) relative to --now"
    );
    let (total, lines): (i32, i64) = sqlx::query_as(
        "SELECT o.total_ttc_cents, (SELECT sum(line_total_ttc_cents) FROM artisan_order_items WHERE order_id = o.id)
           FROM artisan_orders o WHERE order_number = 'ART-LEGACY-0001' AND status = 'PAID' AND payment_method = 'CARD'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((total, lines), (12250, 12250));
    let expense: (i32, i32, String) = sqlx::query_as(
        "SELECT amount_ttc_cents, vat_cents, type::text FROM precompta_entries WHERE piece_ref IS NULL AND label = 'Huiles essentielles'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(expense, (-8430, -1405, "EXPENSE".into()));
    assert_eq!(
        count(&pool, "SELECT count(*) FROM precompta_entries WHERE piece_ref = 'F-LEG-1' AND entry_date = '2025-04-01'").await,
        1,
        "23:30 UTC on 31 March is 1 April in Paris"
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM availability_rules r JOIN practitioner_profiles p ON p.id = r.practitioner_id JOIN users u ON u.id = p.user_id WHERE u.email = 'praticien@spymeo.test' AND ((weekday = 1 AND start_minute = 540 AND end_minute = 750) OR (weekday = 2 AND start_minute = 840))").await, 2);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM favorites f JOIN users u ON u.id = f.user_id
               JOIN practitioner_profiles p ON p.id = f.target_id
              WHERE u.email = 'pass@spymeo.test' AND p.slug = 'claire-moreau-naturopathe'"
        )
        .await,
        1
    );
    // One entry per row: 25 records, plus 2 order lines and 2 working-hour rules.
    assert_eq!(count(&pool, "SELECT count(*) FROM legacy_id_map").await, 29);

    // Second run: nothing inserted, nothing updated.
    let second = import(&url, "legacy-next", &[]).await;
    assert!(second.status.success(), "{}", stderr(&second));
    let second = report(&second);
    let totals = |k: &str| {
        second["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f[k].as_u64().unwrap())
            .sum::<u64>()
    };
    assert_eq!(
        (totals("inserted"), totals("updated")),
        (0, 0),
        "{second:#}"
    );
    assert!(totals("unchanged") >= 25);
    // The stock journal's trigger did not run again: still 10 - 2 + 1.
    assert_eq!(
        count(
            &pool,
            "SELECT stock_quantity::bigint FROM products WHERE sku = 'TIS-FIX-1'"
        )
        .await,
        9
    );

    // The imported records show in the practitioner's pages.
    let files = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = spymeo()
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .arg("--storage-dir")
        .arg(files.path())
        .env("DATABASE_URL", &url)
        .env("APP_ENV", "staging")
        .env("SESSION_SECRET", "0123456789abcdef0123456789abcdef") // pragma: allowlist secret
        .env("SMTP_URL", "smtp://127.0.0.1:1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    wait_for_200(
        &format!("{base}/api/health/live"),
        &mut child,
        Duration::from_secs(60),
    )
    .await;
    for (email, page, expected) in [
        (
            "praticien@spymeo.test",
            "/pro/praticien/fiches-clients?q=Fixture",
            "Léonie",
        ),
        (
            "commercant@spymeo.test",
            "/pro/commercant/produits",
            "Tisane fixture digestion",
        ),
    ] {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        let login = client
            .post(format!("{base}/api/auth/login"))
            .header("origin", &base)
            .json(&json!({"email": email, "password": spymeo_core::seed::DEMO_PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(login.status(), 200, "{}", login.text().await.unwrap());
        let html = client.get(format!("{base}{page}")).send().await.unwrap();
        assert_eq!(html.status(), 200, "{page}");
        let html = html.text().await.unwrap();
        assert!(html.contains(expected), "{expected} not on {page}");
    }
    child.kill().await.unwrap();
}

#[tokio::test]
async fn bad_records_are_reported_with_their_place_and_nothing_is_written() {
    let (url, pool) = seeded().await;
    let out = import(&url, "legacy-broken", &[]).await;
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let r = report(&out);
    assert_eq!(r["committed"], false);
    let reasons: Vec<String> = r["invalid"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            format!(
                "{}:{}:{}: {}",
                i["file"].as_str().unwrap(),
                i["line"],
                i["column"],
                i["reason"].as_str().unwrap()
            )
        })
        .collect();
    let has = |needle: &str| {
        assert!(
            reasons.iter().any(|r| r.contains(needle)),
            "{needle} not in {reasons:#?}"
        )
    };
    has("src/lib/mockdb/clients.ts:5:68: champ inconnu « shoeSize »");
    has("src/lib/mockdb/clients.ts:6:3: appel de fonction");
    has("src/lib/mockdb/clients.ts:7:3: champ obligatoire « lastName » manquant");
    has("src/lib/mockdb/resources.ts:2:");
    has("erreur de syntaxe");
    has("src/lib/mockdb/services-artisan.ts:5:");
    has("référence inconnue : « 99 »");
    has("appointments_check");
    assert!(
        stderr(&out).contains("rien n'a été écrit"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM clients WHERE last_name = 'Broken'"
        )
        .await,
        0
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM legacy_id_map").await, 0);

    // --skip-invalid keeps the valid records and lists the others.
    let out = import(&url, "legacy-broken", &["--skip-invalid"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let r = report(&out);
    assert_eq!(r["committed"], true);
    assert_eq!(file(&r, "clients.ts")["inserted"], 1);
    assert_eq!(file(&r, "clients.ts")["invalid"], 3);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM clients WHERE last_name = 'Broken'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn wrong_arguments_fail_with_one_line_and_a_code() {
    let (url, _pool) = seeded().await;
    let out = import(&url, "legacy-next", &["--only", "nope.ts"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--only nope.ts"), "{}", stderr(&out));

    let out = run(spymeo()
        .args(["mocks", "import"])
        .arg(fixture("legacy-next"))
        .args(["--owner", "personne@example.fr"])
        .env("DATABASE_URL", &url))
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("aucun compte pour --owner personne@example.fr"));

    let out = run(spymeo()
        .args(["mocks", "import"])
        .arg(fixture("legacy-next"))
        .args(["--owner", "pass@spymeo.test", "--now", "hier"])
        .env("DATABASE_URL", &url))
    .await;
    assert_eq!(out.status.code(), Some(2));

    // Only a member owner: the practitioner mocks have nobody to belong to.
    let out = run(spymeo()
        .args(["mocks", "import"])
        .arg(fixture("legacy-next"))
        .args(["--owner", "pass@spymeo.test", "--only", "clients.ts"])
        .env("DATABASE_URL", &url))
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("aucun --owner n'a de compte praticien"),
        "{}",
        stderr(&out)
    );
}
