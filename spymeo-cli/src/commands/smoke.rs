//! `spymeo smoke`: the post-deploy checks, with retries, as an exit code for CI.

use std::time::Duration;

use serde_json::json;

use crate::error::{CliError, Result};
use crate::output::{self, Format};

/// Check a running SPYMEO: health (database connected), home page, login page, a 404, and
/// the anonymous redirect from /pro/dashboard to the login page. Exit 6 when a check still
/// fails after every attempt.
///
/// Examples:
///   spymeo smoke --url https://staging.spymeo.fr
///   spymeo smoke --url http://127.0.0.1:3000 --attempts 3 --interval 1 --output json
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment, after_help = crate::error::EXIT_CODES)]
pub struct Args {
    /// Base URL of the site.
    #[arg(long, env = "APP_URL")]
    pub url: String,
    /// Rounds of checks before giving up (a fresh deploy may need a moment).
    #[arg(long, default_value_t = 8)]
    pub attempts: u32,
    /// Per-request timeout, in seconds.
    #[arg(long, default_value_t = 20, value_name = "SECS")]
    pub timeout: u64,
    /// Pause between rounds, in seconds.
    #[arg(long, default_value_t = 5, value_name = "SECS")]
    pub interval: u64,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub output: Format,
}

pub async fn run(args: Args) -> Result<()> {
    let opts = spymeo_ops::smoke::Options {
        url: args.url.clone(),
        attempts: args.attempts,
        timeout: Duration::from_secs(args.timeout.max(1)),
        interval: Duration::from_secs(args.interval),
    };
    let report = spymeo_ops::smoke::run(&opts, |attempt, results| {
        let failed: Vec<String> = results
            .iter()
            .filter(|r| !r.ok)
            .map(|r| format!("{} ({})", r.name, r.detail))
            .collect();
        if !failed.is_empty() && attempt < opts.attempts {
            output::progress(&format!(
                "essai {attempt}/{} : en échec {}",
                opts.attempts,
                failed.join(", ")
            ));
        }
    })
    .await?;
    match args.output {
        Format::Json => output::json(&json!(report)),
        Format::Table => {
            let rows: Vec<Vec<String>> = report
                .checks
                .iter()
                .map(|c| {
                    vec![
                        if c.ok { "ok" } else { "ÉCHEC" }.into(),
                        c.name.into(),
                        c.path.into(),
                        c.status
                            .map(|s| s.to_string())
                            .unwrap_or_else(|| "-".into()),
                        format!("{} ms", c.elapsed_ms),
                        c.detail.clone(),
                    ]
                })
                .collect();
            output::table(
                &["", "CONTRÔLE", "CHEMIN", "STATUT", "DURÉE", "DÉTAIL"],
                &rows,
            );
            println!(
                "{} après {} essai(s) sur {}.",
                if report.ok { "Tout est bon" } else { "Échec" },
                report.attempts,
                report.max_attempts
            );
        }
    }
    if report.ok {
        Ok(())
    } else {
        let failed: Vec<&str> = report
            .checks
            .iter()
            .filter(|c| !c.ok)
            .map(|c| c.name)
            .collect();
        Err(CliError::Unhealthy(format!(
            "contrôles en échec après {} essai(s) : {}",
            report.attempts,
            failed.join(", ")
        )))
    }
}
