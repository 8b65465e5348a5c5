//! `spymeo status`: deployments, tasks, target health and alarms of a service, read in one
//! concurrent round. Also holds the flags every AWS command shares.

use std::io::{BufRead as _, IsTerminal as _};

use serde_json::json;
use spymeo_ops::aws::{Clients, Settings};
use spymeo_ops::model::short_task_definition;

use crate::error::{CliError, Result};
use crate::output::{self, Format};

/// AWS access: the standard credential chain, then these.
#[derive(clap::Args, Debug, Clone)]
pub struct AwsArgs {
    /// AWS profile from ~/.aws/config (default: the standard credential chain).
    #[arg(long, env = "AWS_PROFILE")]
    pub profile: Option<String>,
    /// AWS region (default: the profile's).
    #[arg(long, env = "AWS_REGION")]
    pub region: Option<String>,
    /// Another AWS API endpoint (moto, LocalStack, VPC endpoint).
    #[arg(long, env = "AWS_ENDPOINT_URL")]
    pub endpoint_url: Option<String>,
}

impl AwsArgs {
    pub async fn clients(&self) -> Clients {
        Clients::new(&Settings {
            profile: self.profile.clone(),
            region: self.region.clone(),
            endpoint_url: self.endpoint_url.clone(),
        })
        .await
    }
}

#[derive(clap::Args, Debug, Clone)]
pub struct ServiceArgs {
    /// ECS cluster name or ARN.
    #[arg(long, env = "SPYMEO_CLUSTER")]
    pub cluster: String,
    /// ECS service name or ARN.
    #[arg(long, env = "SPYMEO_SERVICE")]
    pub service: String,
}

/// Asks before a change unless `--yes`; refuses when nobody can answer.
pub fn confirm(question: &str, yes: bool) -> Result<()> {
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err(CliError::Usage(
            "pas de terminal pour confirmer : relancez avec --yes (ou --dry-run pour voir)".into(),
        ));
    }
    eprint!("{question} [o/N] ");
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| CliError::Other(e.to_string()))?;
    match answer.trim().to_lowercase().as_str() {
        "o" | "oui" | "y" | "yes" => Ok(()),
        _ => Err(CliError::Other("annulé".into())),
    }
}

/// Show a service's deployments, tasks, target health and CloudWatch alarms in ALARM.
///
/// Examples:
///   spymeo status --cluster spymeo-prod --service spymeo-web
///   spymeo status --cluster spymeo-prod --service spymeo-web --output json | jq .targetGroups
///   SPYMEO_CLUSTER=spymeo-prod SPYMEO_SERVICE=spymeo-web spymeo status --alarm-prefix spymeo-
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment, after_help = crate::error::EXIT_CODES)]
pub struct Args {
    #[command(flatten)]
    pub target: ServiceArgs,
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Only alarms whose name starts with this.
    #[arg(long, env = "SPYMEO_ALARM_PREFIX")]
    pub alarm_prefix: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub output: Format,
}

pub async fn run(args: Args) -> Result<()> {
    let clients = args.aws.clients().await;
    let status = spymeo_ops::fetch::status(
        &clients,
        &args.target.cluster,
        &args.target.service,
        args.alarm_prefix.as_deref(),
    )
    .await?;
    match args.output {
        Format::Json => output::json(&json!(status)),
        Format::Table => print_table(&status),
    }
    Ok(())
}

fn print_table(s: &spymeo_ops::fetch::Status) {
    let svc = &s.service;
    println!(
        "Service {} ({}) : {} — {}/{} en cours, {} en attente, révision {}",
        svc.name,
        short_cluster(&svc.cluster_arn),
        svc.status,
        svc.running,
        svc.desired,
        svc.pending,
        short_task_definition(&svc.task_definition)
    );
    println!();
    let rows: Vec<Vec<String>> = svc
        .deployments
        .iter()
        .map(|d| {
            vec![
                d.id.clone(),
                d.status.clone(),
                d.rollout_state.clone().unwrap_or_else(|| "-".into()),
                short_task_definition(&d.task_definition).to_owned(),
                format!("{}/{}", d.running, d.desired),
                d.pending.to_string(),
                d.failed.to_string(),
                d.rollout_reason.clone().unwrap_or_default(),
            ]
        })
        .collect();
    output::table(
        &[
            "DÉPLOIEMENT",
            "STATUT",
            "ROLLOUT",
            "RÉVISION",
            "EN COURS",
            "EN ATTENTE",
            "ÉCHECS",
            "RAISON",
        ],
        &rows,
    );
    println!();
    if s.tasks.is_empty() {
        println!("Aucune tâche.");
    } else {
        let rows: Vec<Vec<String>> = s
            .tasks
            .iter()
            .map(|t| {
                vec![
                    t.id().to_owned(),
                    t.last_status.clone(),
                    t.health.clone().unwrap_or_else(|| "-".into()),
                    short_task_definition(&t.task_definition).to_owned(),
                    t.stopped_reason.clone().unwrap_or_default(),
                ]
            })
            .collect();
        output::table(&["TÂCHE", "ÉTAT", "SANTÉ", "RÉVISION", "ARRÊT"], &rows);
    }
    println!();
    for tg in &s.target_groups {
        println!(
            "Target group {} : {}",
            short_tg(&tg.target_group_arn),
            tg.summary.describe()
        );
        let rows: Vec<Vec<String>> = tg
            .targets
            .iter()
            .map(|t| {
                vec![
                    format!(
                        "{}:{}",
                        t.id,
                        t.port.map(|p| p.to_string()).unwrap_or_default()
                    ),
                    t.state.clone(),
                    t.reason.clone().unwrap_or_default(),
                    t.description.clone().unwrap_or_default(),
                ]
            })
            .collect();
        if !rows.is_empty() {
            output::table(&["CIBLE", "ÉTAT", "RAISON", "DESCRIPTION"], &rows);
        }
    }
    if s.target_groups.is_empty() {
        println!("Aucun target group attaché.");
    }
    println!();
    if let Some(e) = &s.alarms_error {
        println!("Alarmes illisibles : {e}");
    } else if s.alarms.is_empty() {
        println!("Aucune alarme en ALARM.");
    } else {
        let rows: Vec<Vec<String>> = s
            .alarms
            .iter()
            .map(|a| {
                vec![
                    a.name.clone(),
                    a.state.clone(),
                    a.reason.clone().unwrap_or_default(),
                ]
            })
            .collect();
        output::table(&["ALARME", "ÉTAT", "RAISON"], &rows);
    }
}

pub fn short_cluster(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// `targetgroup/name/id` → `name`.
pub fn short_tg(arn: &str) -> &str {
    arn.split("targetgroup/")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .unwrap_or(arn)
}
