//! `spymeo target-health`: the ALB's view of the service's targets, as an exit code for CI.

use std::time::Duration;

use serde_json::json;
use spymeo_ops::fetch::{self, TargetGroupHealth};

use super::status::{AwsArgs, short_tg};
use crate::error::{CliError, Result};
use crate::output::{self, Format};

/// Show ALB target health; exit 0 only when every target is healthy (6 otherwise).
///
/// Examples:
///   spymeo target-health --cluster spymeo-prod --service spymeo-web
///   spymeo target-health --target-group-arn arn:aws:elasticloadbalancing:…:targetgroup/spymeo/6d0e…
///   spymeo target-health --cluster spymeo-prod --service spymeo-web --wait --timeout 300 --output json
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment, after_help = crate::error::EXIT_CODES)]
pub struct Args {
    /// Target group(s) to read; default: those attached to --service.
    #[arg(long = "target-group-arn", value_name = "ARN")]
    pub target_group_arns: Vec<String>,
    #[arg(long, env = "SPYMEO_CLUSTER")]
    pub cluster: Option<String>,
    #[arg(long, env = "SPYMEO_SERVICE")]
    pub service: Option<String>,
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Poll until every target is healthy (exit 4 if --timeout passes first).
    #[arg(long)]
    pub wait: bool,
    /// Seconds --wait waits.
    #[arg(long, default_value_t = 300, value_name = "SECS")]
    pub timeout: u64,
    /// Seconds between polls with --wait.
    #[arg(long, default_value_t = 5, value_name = "SECS")]
    pub interval: u64,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub output: Format,
}

pub async fn run(args: Args) -> Result<()> {
    let clients = args.aws.clients().await;
    let arns = if !args.target_group_arns.is_empty() {
        args.target_group_arns.clone()
    } else {
        let (Some(cluster), Some(service)) = (&args.cluster, &args.service) else {
            return Err(CliError::Usage(
                "--target-group-arn ou --cluster et --service sont nécessaires".into(),
            ));
        };
        let svc = fetch::service(&clients.ecs, cluster, service).await?;
        if svc.target_group_arns.is_empty() {
            return Err(CliError::Unhealthy(format!(
                "le service {service} n'a pas de target group"
            )));
        }
        svc.target_group_arns
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(args.timeout);
    let mut last_line = String::new();
    loop {
        let groups = fetch::target_groups(&clients.elb, &arns).await?;
        let healthy = groups.iter().all(|g| g.summary.all_healthy);
        let done = healthy || !args.wait || tokio::time::Instant::now() >= deadline;
        if done {
            print(&groups, healthy, args.output);
            if healthy {
                return Ok(());
            }
            let what = describe(&groups);
            return Err(if args.wait {
                CliError::TimedOut(format!(
                    "cibles pas toutes saines après {} s : {what}",
                    args.timeout
                ))
            } else {
                CliError::Unhealthy(format!("cibles pas toutes saines : {what}"))
            });
        }
        let line = describe(&groups);
        if line != last_line {
            output::progress(&format!("en attente : {line}"));
            last_line = line;
        }
        tokio::time::sleep(Duration::from_secs(args.interval.max(1))).await;
    }
}

fn describe(groups: &[TargetGroupHealth]) -> String {
    groups
        .iter()
        .map(|g| format!("{} {}", short_tg(&g.target_group_arn), g.summary.describe()))
        .collect::<Vec<_>>()
        .join(" ; ")
}

fn print(groups: &[TargetGroupHealth], healthy: bool, format: Format) {
    match format {
        Format::Json => output::json(&json!({ "allHealthy": healthy, "targetGroups": groups })),
        Format::Table => {
            for g in groups {
                println!(
                    "Target group {} : {}",
                    short_tg(&g.target_group_arn),
                    g.summary.describe()
                );
                let rows: Vec<Vec<String>> = g
                    .targets
                    .iter()
                    .map(|t| {
                        vec![
                            t.id.clone(),
                            t.port.map(|p| p.to_string()).unwrap_or_default(),
                            t.state.clone(),
                            t.reason.clone().unwrap_or_default(),
                            t.description.clone().unwrap_or_default(),
                        ]
                    })
                    .collect();
                if !rows.is_empty() {
                    output::table(&["CIBLE", "PORT", "ÉTAT", "RAISON", "DESCRIPTION"], &rows);
                }
            }
        }
    }
}
