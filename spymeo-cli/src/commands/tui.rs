//! `spymeo tui`: the on-call console. Thin: flags to a `spymeo_tui::Config` and a backend.

use std::io::IsTerminal as _;
use std::time::Duration;

use spymeo_ops::aws::{Clients, Settings};
use spymeo_ops::console;
use spymeo_tui::app::Backend;
use spymeo_tui::operations::Target;

use super::deploy::ReleaseArgs;
use super::status::{AwsArgs, ServiceArgs};
use crate::error::{CliError, Result};

/// The on-call console: the cluster's services, deployments (circuit breaker), tasks
/// (stopped ones kept), targets, alarms, logs and the app's /api/health, refreshed every
/// few seconds. Read-only unless --allow-actions (D: force new deployment, B: rollback,
/// each confirmed by typing the service's name).
///
/// Keys: ↑↓/j k move, enter drill down, esc back, 1…7 or tab views, / filter, r refresh,
/// ? help, q quit.
///
/// Examples:
///   spymeo tui --cluster spymeo-prod --service spymeo-web --profile prod --region eu-west-3
///   spymeo tui --cluster spymeo-prod --service spymeo-web --app-url https://www.spymeo.fr --refresh 5
///   spymeo tui --cluster spymeo-prod --service spymeo-web --allow-actions --releases-bucket spymeo-releases
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
    /// The site's base URL: its /api/health is shown with its history.
    #[arg(long, env = "APP_URL")]
    pub app_url: Option<String>,
    /// Log group to tail (default: the awslogs group of the service's task definition).
    #[arg(long)]
    pub log_group: Option<String>,
    /// Seconds between automatic refreshes.
    #[arg(long, default_value_t = 10, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub refresh: u64,
    /// Minutes of logs and of 5xx counted.
    #[arg(long, default_value_t = 15, value_name = "MIN", value_parser = clap::value_parser!(u64).range(1..=1440))]
    pub window: u64,
    /// Enable force-new-deployment (D) and rollback (B), each behind a typed confirmation.
    #[arg(long)]
    pub allow_actions: bool,
    #[command(flatten)]
    pub releases: ReleaseArgs,
}

pub async fn run(args: Args) -> Result<()> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(CliError::Usage(
            "spymeo tui a besoin d'un terminal ; pour un script : spymeo status --output json"
                .into(),
        ));
    }
    let conf = spymeo_ops::aws::sdk_config(&Settings {
        profile: args.aws.profile.clone(),
        region: args.aws.region.clone(),
        endpoint_url: args.aws.endpoint_url.clone(),
    })
    .await;
    let region = conf.region().map(|r| r.to_string());
    let clients = Clients::from_config(&conf);
    let http = reqwest::Client::builder()
        .user_agent(concat!("spymeo-tui/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| CliError::Other(format!("client HTTP : {e}")))?;
    let config = spymeo_tui::Config {
        cluster: args.target.cluster.clone(),
        service: args.target.service.clone(),
        region,
        profile: args.aws.profile.clone(),
        refresh: Duration::from_secs(args.refresh),
        allow_actions: args.allow_actions,
        app_url: args.app_url.clone(),
        color: std::env::var_os("NO_COLOR").is_none(),
    };
    let backend = Backend {
        clients,
        http,
        request: console::Request {
            cluster: args.target.cluster.clone(),
            service: args.target.service.clone(),
            alarm_prefix: args.alarm_prefix.clone(),
            log_group: args.log_group.clone(),
            log_filter: None,
            window: Duration::from_secs(args.window * 60),
            app_url: args.app_url.clone(),
        },
        target: Target::new(args.target.cluster.clone(), args.releases.store()),
    };
    spymeo_tui::app::run(config, backend)
        .await
        .map_err(|e| CliError::Other(format!("terminal : {e}")))
}
