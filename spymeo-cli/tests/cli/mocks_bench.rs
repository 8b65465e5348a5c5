//! Import throughput against `psql \copy` of the same rows (issue 10). Ignored in the test
//! command — it measures, it does not check — and run by `scripts/bench-mocks`, which prints
//! the ratio. Both sides start from the same seeded database state.

use std::io::Write as _;
use std::time::Instant;

use crate::helpers::{run, spymeo, stderr};
use crate::mocks::seeded;

const ROWS: usize = 5_000;

#[tokio::test]
#[ignore = "benchmark: scripts/bench-mocks"]
async fn import_throughput_against_psql_copy() {
    let rows = std::env::var("BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(ROWS);
    let tree = tempfile::tempdir().unwrap();
    let dir = tree.path().join("src/lib/mockdb");
    std::fs::create_dir_all(&dir).unwrap();
    let mut ts = String::from("export const MOCK_CLIENTS: Client[] = [\n");
    let mut csv = String::new();
    for i in 0..rows {
        ts.push_str(&format!(
            "  {{ id: \"{i}\", firstName: \"Prénom{i}\", lastName: \"Bench\", email: \"c{i}@example.fr\", city: \"Dijon\", postalCode: \"21000\", birthDate: \"1980-01-{:02}\" }},\n",
            i % 28 + 1
        ));
        csv.push_str(&format!(
            "{{id}},{{owner}},Prénom{i},Bench,c{i}@example.fr,Dijon,21000,1980-01-{:02}\n",
            i % 28 + 1
        ));
    }
    ts.push_str("];\n");
    std::fs::write(dir.join("clients.ts"), ts).unwrap();

    // The same tree read without a database (process start, parse, evaluate, convert).
    let start = Instant::now();
    let out = run(spymeo()
        .args(["mocks", "inventory", "--format", "json"])
        .arg(tree.path()))
    .await;
    let read_ms = start.elapsed().as_secs_f64() * 1000.0;
    assert!(out.status.success(), "{}", stderr(&out));

    // spymeo mocks import: parse, convert, compare-then-write in one transaction.
    let (url, _pool) = seeded().await;
    let start = Instant::now();
    let out = run(spymeo()
        .args(["mocks", "import"])
        .arg(tree.path())
        .args([
            "--owner",
            "praticien@spymeo.test",
            "--now",
            "2028-01-01T00:00:00Z",
        ])
        .env("DATABASE_URL", &url))
    .await;
    let import_ms = start.elapsed().as_secs_f64() * 1000.0;
    assert!(out.status.success(), "{}", stderr(&out));

    // psql \copy of the same rows (same ids) into a second database in the same state.
    let (url2, pool2) = seeded().await;
    let owner: uuid::Uuid = sqlx::query_scalar(
        "SELECT p.id FROM practitioner_profiles p JOIN users u ON u.id = p.user_id WHERE u.email = 'praticien@spymeo.test'",
    )
    .fetch_one(&pool2)
    .await
    .unwrap();
    let mut file = tempfile::NamedTempFile::new().unwrap();
    for (i, line) in csv.lines().enumerate() {
        let id =
            spymeo_core::legacy::records::legacy_uuid(Some(owner), "clients.ts", &i.to_string());
        writeln!(
            file,
            "{}",
            line.replace("{id}", &id.to_string())
                .replace("{owner}", &owner.to_string())
        )
        .unwrap();
    }
    let copy = format!(
        "\\copy clients (id, practitioner_id, first_name, last_name, email, city, postal_code, birth_date) FROM '{}' WITH (FORMAT csv)",
        file.path().display()
    );
    let start = Instant::now();
    let out = tokio::process::Command::new("psql")
        .args([
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            &url2,
            "-c",
            &copy,
        ])
        .output()
        .await
        .unwrap();
    let copy_ms = start.elapsed().as_secs_f64() * 1000.0;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    println!(
        "mocks import: {rows} rows in {import_ms:.0} ms ({:.0} rows/s; reading the tree alone {read_ms:.0} ms); psql \\copy: {copy_ms:.0} ms ({:.0} rows/s); ratio import/copy = {:.1}x",
        rows as f64 / import_ms * 1000.0,
        rows as f64 / copy_ms * 1000.0,
        import_ms / copy_ms
    );
}
