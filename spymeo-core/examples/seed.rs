//! Runs the migrations and the demo seed against `DATABASE_URL`, then prints the report.
//! `DATABASE_URL=postgres://postgres@127.0.0.1:55433/seedtest cargo run -p spymeo-core --example seed`
//! `SEED_NOW=2026-03-29T01:30:00Z` replays the seed as if run at that instant.

use secrecy::SecretString;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("DATABASE_URL").map_err(|_| "DATABASE_URL is not set")?;
    let pool = spymeo_core::db::connect(&SecretString::from(url), &Default::default()).await?;
    spymeo_core::db::MIGRATOR.run(&pool).await?;
    let report = spymeo_core::seed::run(
        &pool,
        &spymeo_core::seed::SeedOptions {
            reset: true,
            now: match std::env::var("SEED_NOW") {
                Ok(t) => t.parse()?,
                Err(_) => chrono::Utc::now(),
            },
        },
    )
    .await?;
    for (table, n) in &report.counts {
        println!("{table:<32} {n:>6}");
    }
    for c in &report.verification.checks {
        println!(
            "{} {} — {}",
            if c.ok { "OK   " } else { "ÉCHEC" },
            c.name,
            c.detail
        );
    }
    println!("seed: {:.1} s", report.elapsed.as_secs_f64());
    Ok(())
}
