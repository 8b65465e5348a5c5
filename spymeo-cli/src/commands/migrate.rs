//! `spymeo migrate`: apply pending migrations (waiting for the database), or list them.

use serde_json::json;

use super::{DatabaseArgs, RetryArgs, apply_migrations};
use crate::error::{CliError, Result};
use crate::output::{self, Format};

/// Apply pending database migrations (safe when several processes run it at once).
///
/// Examples:
///   spymeo migrate
///   spymeo migrate --status --output json
///   spymeo migrate --dry-run
///   DATABASE_URL=postgres://… spymeo migrate --retries 10 --backoff-ms 500
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[command(flatten)]
    pub db: DatabaseArgs,
    #[command(flatten)]
    pub retry: RetryArgs,
    /// List applied and pending versions instead of applying.
    #[arg(long)]
    pub status: bool,
    /// Show what would be applied, apply nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Mark the database with this environment (`production` makes `spymeo seed` refuse it).
    #[arg(long, env = "APP_ENV")]
    pub environment: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub output: Format,
}

pub async fn run(args: Args) -> Result<()> {
    let url = args.db.require()?;
    if args.status || args.dry_run {
        let mut conn =
            spymeo_core::db::migrate::connect_with_retry(&url, &args.retry.policy(), |_| {})
                .await
                .map_err(|e| super::connect_error(&e))?;
        let status = spymeo_core::db::migrate::status(&mut conn).await?;
        print_status(&status, args.output, args.dry_run);
        if status.applied.iter().any(|a| !a.checksum_ok) {
            return Err(CliError::Other(
                "une migration appliquée ne correspond plus au fichier embarqué (checksum)".into(),
            ));
        }
        return Ok(());
    }
    let applied = apply_migrations(&url, &args.retry.policy()).await?;
    if let Some(env) = args.environment.as_deref().filter(|e| !e.is_empty()) {
        let pool = spymeo_core::db::connect(&url, &Default::default()).await?;
        spymeo_core::db::mark_environment(&pool, env).await?;
        pool.close().await;
    }
    match args.output {
        Format::Json => output::json(&json!({
            "applied": applied.iter().map(|m| json!({"version": m.version, "description": m.description})).collect::<Vec<_>>(),
        })),
        Format::Table if applied.is_empty() => {
            println!("Base à jour : aucune migration à appliquer.")
        }
        Format::Table => {
            for m in &applied {
                println!("appliquée {} {}", m.version, m.description);
            }
            println!("{} migration(s) appliquée(s).", applied.len());
        }
    }
    Ok(())
}

fn print_status(status: &spymeo_core::db::migrate::Status, format: Format, dry_run: bool) {
    match format {
        Format::Json => output::json(&json!({
            "applied": status.applied.iter().map(|a| json!({
                "version": a.version, "description": a.description,
                "installedOn": a.installed_on, "checksumOk": a.checksum_ok,
            })).collect::<Vec<_>>(),
            "pending": status.pending.iter().map(|m| json!({"version": m.version, "description": m.description})).collect::<Vec<_>>(),
            "unknown": status.unknown,
        })),
        Format::Table => {
            let mut rows: Vec<Vec<String>> = status
                .applied
                .iter()
                .map(|a| {
                    vec![
                        a.version.to_string(),
                        if a.checksum_ok {
                            "appliquée"
                        } else {
                            "MODIFIÉE"
                        }
                        .into(),
                        a.installed_on.format("%Y-%m-%d %H:%M").to_string(),
                        a.description.clone(),
                    ]
                })
                .collect();
            rows.extend(status.pending.iter().map(|m| {
                vec![
                    m.version.to_string(),
                    "en attente".into(),
                    String::new(),
                    m.description.clone(),
                ]
            }));
            rows.extend(status.unknown.iter().map(|v| {
                vec![
                    v.to_string(),
                    "inconnue".into(),
                    String::new(),
                    "(plus récente que ce binaire)".into(),
                ]
            }));
            output::table(&["VERSION", "ÉTAT", "APPLIQUÉE LE", "DESCRIPTION"], &rows);
            if dry_run {
                println!(
                    "{} migration(s) seraient appliquées (--dry-run : rien n'a été modifié).",
                    status.pending.len()
                );
            }
        }
    }
}
