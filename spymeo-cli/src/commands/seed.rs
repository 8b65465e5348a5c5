//! `spymeo seed`: the demo data of DOMAIN.md §9, then its verification.

use std::io::{BufRead as _, IsTerminal as _, Write as _};

use serde_json::json;

use super::DatabaseArgs;
use crate::error::{CliError, Result};
use crate::output::{self, Format};

/// Load the demo data (deterministic, French) and verify it. Refuses a production database.
///
/// Examples:
///   spymeo seed
///   spymeo seed --reset --yes
///   spymeo seed --verify-only --output json
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Delete every row of the application tables first.
    #[arg(long)]
    pub reset: bool,
    /// Do not ask for confirmation before --reset.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Only run the verification (§9.4) on the current data.
    #[arg(long, conflicts_with = "reset")]
    pub verify_only: bool,
    /// Show what would happen, change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// S3 bucket of the uploads: the demo documents' files go there (as for `spymeo serve`).
    #[arg(long, env = "S3_BUCKET_NAME", conflicts_with = "storage_dir")]
    pub s3_bucket: Option<String>,
    /// Local directory of the uploads (default `.spymeo/files`, as for `spymeo serve`).
    #[arg(long, env = "STORAGE_DIR")]
    pub storage_dir: Option<std::path::PathBuf>,
    #[arg(long, env = "APP_ENV", hide = true)]
    pub app_env: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub output: Format,
}

pub async fn run(args: Args) -> Result<()> {
    if args
        .app_env
        .as_deref()
        .is_some_and(|e| e.eq_ignore_ascii_case("production"))
    {
        return Err(CliError::Other("refusé: APP_ENV=production (les données de démonstration ne vont jamais en production)".into()));
    }
    let url = args.db.require()?;
    let pool = super::pool(&url).await?;
    let now = chrono::Utc::now();
    if args.verify_only {
        let report = spymeo_core::seed::verify(&pool, now).await?;
        print_verification(&report, args.output);
        return if report.passed() {
            Ok(())
        } else {
            Err(CliError::Other("vérification des données échouée".into()))
        };
    }
    if spymeo_core::db::environment_marker(&pool).await?.as_deref() == Some("production") {
        return Err(CliError::Other(
            "refusé: cette base est marquée production".into(),
        ));
    }
    if args.dry_run {
        println!(
            "--dry-run : chargerait les données de démonstration{} ; rien n'a été modifié.",
            if args.reset {
                " après avoir vidé toutes les tables"
            } else {
                ""
            }
        );
        return Ok(());
    }
    if args.reset && !args.yes {
        confirm(
            "Toutes les données de cette base seront supprimées. Tapez « oui » pour continuer : ",
        )?;
    }
    let report = spymeo_core::seed::run(
        &pool,
        &spymeo_core::seed::SeedOptions {
            reset: args.reset,
            now,
        },
    )
    .await?;
    let storage = match (&args.s3_bucket, &args.storage_dir) {
        (Some(bucket), _) => spymeo_core::storage::Storage::s3(bucket.clone()).await,
        (None, dir) => spymeo_core::storage::Storage::local(
            dir.clone()
                .unwrap_or_else(|| std::path::PathBuf::from(".spymeo/files")),
        )?,
    };
    let files = spymeo_core::seed::files::materialize(&pool, &storage).await?;
    match args.output {
        Format::Json => output::json(&json!({
            "elapsedMs": report.elapsed.as_millis() as u64,
            "files": { "storage": storage.describe(), "written": files.written, "present": files.present },
            "counts": report.counts.iter().map(|(t, n)| (t.clone(), json!(n))).collect::<serde_json::Map<_, _>>(),
            "verification": verification_json(&report.verification),
        })),
        Format::Table => {
            let rows: Vec<Vec<String>> = report
                .counts
                .iter()
                .map(|(t, n)| vec![t.clone(), n.to_string()])
                .collect();
            output::table(&["TABLE", "LIGNES"], &rows);
            print_verification(&report.verification, Format::Table);
            println!(
                "{} fichier(s) de démonstration écrit(s) dans {}.",
                files.written,
                storage.describe()
            );
            println!(
                "Données de démonstration chargées en {:.1} s.",
                report.elapsed.as_secs_f64()
            );
        }
    }
    Ok(())
}

fn confirm(prompt: &str) -> Result<()> {
    if !std::io::stdin().is_terminal() {
        return Err(CliError::Usage(
            "confirmation impossible sans terminal: ajoutez --yes".into(),
        ));
    }
    eprint!("{prompt}");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| CliError::Other(e.to_string()))?;
    if matches!(answer.trim(), "oui" | "o" | "yes" | "y") {
        Ok(())
    } else {
        Err(CliError::Other("annulé".into()))
    }
}

fn verification_json(report: &spymeo_core::seed::VerifyReport) -> serde_json::Value {
    json!({
        "passed": report.passed(),
        "checks": report.checks.iter().map(|c| json!({"name": c.name, "ok": c.ok, "detail": c.detail})).collect::<Vec<_>>(),
    })
}

fn print_verification(report: &spymeo_core::seed::VerifyReport, format: Format) {
    match format {
        Format::Json => output::json(&verification_json(report)),
        Format::Table => {
            let (ok, ko) = if output::color_enabled() {
                ("\x1b[32mOK\x1b[0m", "\x1b[31mÉCHEC\x1b[0m")
            } else {
                ("OK", "ÉCHEC")
            };
            for c in &report.checks {
                println!("{} {} — {}", if c.ok { ok } else { ko }, c.name, c.detail);
            }
        }
    }
}
