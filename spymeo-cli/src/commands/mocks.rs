//! `spymeo mocks …`: find the old front end's mock modules and load what they hold into the
//! database (issue 10). Parsing and mapping live in `spymeo_core::legacy`.

use std::io::IsTerminal as _;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use spymeo_core::legacy::{import, inventory, mapping};

use super::DatabaseArgs;
use crate::error::{CliError, Result};
use crate::output;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub command: MocksCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum MocksCommand {
    Inventory(InventoryArgs),
    Import(ImportArgs),
}

#[derive(Debug, Clone, Copy, clap::ValueEnum, Default)]
pub enum InventoryFormat {
    #[default]
    Table,
    Json,
    Md,
}

/// List the mock modules of an old source tree: arrays, record counts, fields, the pages and
/// API routes that import them, target tables, migration phase and whether they import.
///
/// Examples:
///   spymeo mocks inventory ../spymeo-next
///   spymeo mocks inventory ../spymeo-next --format md > docs/MOCKS-INVENTORY.md
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct InventoryArgs {
    /// Root of the old Next.js repository.
    pub legacy_repo: PathBuf,
    #[arg(long, value_enum, default_value_t = InventoryFormat::Table)]
    pub format: InventoryFormat,
    /// Mapping file (JSON) overriding or adding to the built-in mappings.
    #[arg(long)]
    pub mapping: Option<PathBuf>,
}

/// Import the mocks into the database in one transaction. Deterministic ids make re-runs
/// idempotent (a second run inserts nothing). Any invalid record rolls everything back
/// unless --skip-invalid.
///
/// Examples:
///   spymeo mocks import ../spymeo-next --owner praticien@spymeo.test --dry-run
///   spymeo mocks import ../spymeo-next --only clients.ts --only appointments.ts --owner praticien@spymeo.test
///   spymeo mocks import ../spymeo-next --owner praticien@spymeo.test --owner artisan@spymeo.test \
///       --owner commercant@spymeo.test --owner membre@spymeo.test --now 2025-06-01T00:00:00Z
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct ImportArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Root of the old Next.js repository.
    pub legacy_repo: PathBuf,
    /// Only this mock (file name or path in the repository); repeatable.
    #[arg(long, value_name = "FILE")]
    pub only: Vec<String>,
    /// Account owning the imported rows; repeatable — each mock takes the first owner with
    /// the profile it needs (practitioner, artisan, merchant, member).
    #[arg(long, value_name = "EMAIL", required = true)]
    pub owner: Vec<String>,
    /// Check everything inside a transaction, then roll it back.
    #[arg(long)]
    pub dry_run: bool,
    /// Import the valid records and list the others instead of writing nothing.
    #[arg(long)]
    pub skip_invalid: bool,
    /// Instant that `new Date()` / `Date.now()` in the mocks stand for (RFC 3339; default:
    /// now). Pass a fixed one for reproducible re-runs.
    #[arg(long)]
    pub now: Option<String>,
    /// Mapping file (JSON) overriding or adding to the built-in mappings.
    #[arg(long)]
    pub mapping: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = output::Format::Table)]
    pub output: output::Format,
}

pub async fn run(args: Args) -> Result<()> {
    match args.command {
        MocksCommand::Inventory(a) => run_inventory(a),
        MocksCommand::Import(a) => run_import(a).await,
    }
}

fn read_mapping(path: &Option<PathBuf>) -> Result<Option<String>> {
    path.as_ref()
        .map(|p| {
            std::fs::read_to_string(p)
                .map_err(|e| CliError::Usage(format!("--mapping {} illisible : {e}", p.display())))
        })
        .transpose()
}

fn run_inventory(args: InventoryArgs) -> Result<()> {
    let mappings = mapping::mappings(read_mapping(&args.mapping)?.as_deref())?;
    let sources = inventory::scan(&args.legacy_repo, Utc::now())?;
    let entries = inventory::inventory(&sources, &mappings);
    match args.format {
        InventoryFormat::Json => output::json(&serde_json::to_value(&entries).unwrap_or_default()),
        InventoryFormat::Md => print!("{}", inventory::markdown(&entries)),
        InventoryFormat::Table => {
            let rows: Vec<Vec<String>> = entries
                .iter()
                .map(|e| {
                    vec![
                        e.file.clone(),
                        e.array.clone(),
                        e.type_name.clone().unwrap_or_else(|| "—".into()),
                        e.records.to_string(),
                        e.phase.map_or("—".into(), |p| p.to_string()),
                        if e.tables.is_empty() {
                            "—".into()
                        } else {
                            e.tables.join(",")
                        },
                        e.pages
                            .iter()
                            .chain(&e.api_routes)
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(" "),
                        match (e.importable, &e.note) {
                            (true, None) => "oui".into(),
                            (true, Some(n)) => format!("oui ({n})"),
                            (false, Some(n)) => format!("non : {n}"),
                            (false, None) => "non".into(),
                        },
                    ]
                })
                .collect();
            output::table(
                &[
                    "FICHIER",
                    "TABLEAU",
                    "TYPE",
                    "ENREG.",
                    "PHASE",
                    "TABLES",
                    "PAGES/ROUTES",
                    "IMPORTABLE",
                ],
                &rows,
            );
        }
    }
    Ok(())
}

async fn run_import(args: ImportArgs) -> Result<()> {
    let now = args
        .now
        .as_deref()
        .map(|s| {
            DateTime::parse_from_rfc3339(s)
                .map(|d| d.with_timezone(&Utc))
                .map_err(|_| {
                    CliError::Usage(format!(
                        "--now {s} : date RFC 3339 attendue (2025-06-01T00:00:00Z)"
                    ))
                })
        })
        .transpose()?;
    if !args.legacy_repo.is_dir() {
        return Err(CliError::Usage(format!(
            "{} n'est pas un dossier",
            args.legacy_repo.display()
        )));
    }
    let opts = import::Options {
        now,
        owners: args.owner.clone(),
        only: args.only.clone(),
        dry_run: args.dry_run,
        skip_invalid: args.skip_invalid,
        mapping_override: read_mapping(&args.mapping)?,
    };
    let url = args.db.require()?;
    let pool = super::pool(&url).await?;

    // A bar on a terminal only: CI logs get the summary, not redraws.
    let bar = std::io::stderr().is_terminal().then(|| {
        let b = ProgressBar::new(0);
        b.set_style(
            ProgressStyle::with_template("{msg:30} [{bar:30}] {pos}/{len}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    });
    let tick = |file: &str, done: usize, total: usize| {
        if let Some(b) = &bar {
            b.set_message(file.to_owned());
            b.set_length(total as u64);
            b.set_position(done as u64);
        }
    };
    let report = import::import(&pool, &args.legacy_repo, &opts, &tick).await?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    print_report(&report, args.output);
    if !report.invalid.is_empty() && !args.skip_invalid {
        return Err(CliError::Other(format!(
            "{} enregistrement(s) invalide(s) : rien n'a été écrit (--skip-invalid importe le reste)",
            report.invalid.len()
        )));
    }
    Ok(())
}

fn print_report(report: &import::Report, format: output::Format) {
    match format {
        output::Format::Json => output::json(&serde_json::to_value(report).unwrap_or_default()),
        output::Format::Table => {
            let rows: Vec<Vec<String>> = report
                .files
                .iter()
                .map(|f| {
                    vec![
                        f.file.clone(),
                        f.array.clone(),
                        f.tables.join(","),
                        f.inserted.to_string(),
                        f.updated.to_string(),
                        f.unchanged.to_string(),
                        f.invalid.to_string(),
                        f.skipped.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            output::table(
                &[
                    "FICHIER",
                    "TABLEAU",
                    "TABLES",
                    "INSÉRÉS",
                    "MODIFIÉS",
                    "INCHANGÉS",
                    "INVALIDES",
                    "IGNORÉ",
                ],
                &rows,
            );
            for i in &report.invalid {
                eprintln!(
                    "{}:{}:{}: {}{}",
                    i.file,
                    i.line,
                    i.column,
                    i.legacy_id
                        .as_ref()
                        .map(|l| format!("[{l}] "))
                        .unwrap_or_default(),
                    i.reason
                );
            }
            let verdict = if report.dry_run {
                "--dry-run : tout a été annulé"
            } else if report.committed {
                "validé"
            } else {
                "annulé : rien n'a été écrit"
            };
            println!(
                "{} inséré(s), {} modifié(s), {} invalide(s) ; {verdict} (maintenant = {})",
                report.inserted(),
                report.updated(),
                report.invalid.len(),
                report.now
            );
        }
    }
}
