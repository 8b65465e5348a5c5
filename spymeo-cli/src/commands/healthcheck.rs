//! `spymeo healthcheck`: the container HEALTHCHECK. Liveness only: a database outage must
//! not make Docker/ECS kill healthy processes (the ALB's `/api/health` handles readiness).

use std::time::Duration;

use crate::error::{CliError, Result};

/// Exit 0 when the server answers /api/health/live with {"status":"alive"}, 1 otherwise.
///
/// Examples:
///   spymeo healthcheck
///   spymeo healthcheck --url http://127.0.0.1:8080/api/health/live
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[arg(
        long,
        env = "SPYMEO_HEALTHCHECK_URL",
        default_value = "http://127.0.0.1:3000/api/health/live"
    )]
    pub url: String,
    /// Give up after this many seconds.
    #[arg(long, default_value_t = 3)]
    pub timeout_secs: u64,
}

pub async fn run(args: Args) -> Result<()> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(args.timeout_secs))
        .build()
        .map_err(|e| CliError::Other(e.to_string()))?;
    let res =
        client.get(&args.url).send().await.map_err(|e| {
            CliError::Other(format!("{} injoignable: {}", args.url, root_cause(&e)))
        })?;
    let status = res.status();
    let body: serde_json::Value = res.json().await.unwrap_or_default();
    if status.is_success() && body["status"] == "alive" {
        println!("alive");
        Ok(())
    } else {
        Err(CliError::Other(format!("{} a répondu {status}", args.url)))
    }
}

fn root_cause(e: &dyn std::error::Error) -> String {
    let mut cause = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        cause = s.to_string();
        source = s.source();
    }
    cause
}
