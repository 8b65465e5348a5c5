//! `spymeo deploy`: pre-flight, a new task-definition revision with the new image, an
//! optional migration task, UpdateService, then follow *our* deployment to a verdict.

use std::io::IsTerminal as _;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};
use spymeo_ops::aws::Clients;
use spymeo_ops::deploy::{self, FollowOptions, Outcome};
use spymeo_ops::model::short_task_definition;
use spymeo_ops::releases::{self, Release, Store};
use spymeo_ops::rollout::{Evaluation, Tracker};

use super::status::{AwsArgs, ServiceArgs, confirm};
use crate::error::{CliError, Result};
use crate::output::{self, Format};

/// Where release records go (S3). Without a bucket, deploys are not recorded and
/// `rollback` needs `--to`.
#[derive(clap::Args, Debug, Clone)]
pub struct ReleaseArgs {
    /// S3 bucket holding release records.
    #[arg(long, env = "SPYMEO_RELEASES_BUCKET")]
    pub releases_bucket: Option<String>,
    /// Key prefix of release records in that bucket.
    #[arg(long, env = "SPYMEO_RELEASES_PREFIX", default_value = "releases/")]
    pub releases_prefix: String,
}

impl ReleaseArgs {
    pub fn store(&self) -> Option<Store> {
        self.releases_bucket
            .as_deref()
            .filter(|b| !b.is_empty())
            .map(|b| Store::new(b, &self.releases_prefix))
    }
}

#[derive(clap::Args, Debug, Clone)]
pub struct FollowArgs {
    /// Time budget for the rollout, in seconds (exit 4 past it).
    #[arg(long, default_value_t = 900, value_name = "SECS")]
    pub timeout: u64,
    /// Seconds between polls.
    #[arg(long, default_value_t = 10, value_name = "SECS")]
    pub interval: u64,
}

impl FollowArgs {
    pub fn options(&self) -> FollowOptions {
        FollowOptions {
            timeout: Duration::from_secs(self.timeout),
            interval: Duration::from_millis((self.interval * 1000).max(200)),
        }
    }
}

/// Deploy an image: pre-flight checks, a new task-definition revision, an optional
/// migration task, then follow the rollout until it completes with every target healthy.
///
/// Exit codes: 0 deployed, 3 rolled back (circuit breaker or --rollback-on-failure),
/// 4 timed out, 5 pre-flight failed, 1 other failure.
///
/// Examples:
///   spymeo deploy --cluster spymeo-prod --service spymeo-web --image 1234.dkr.ecr.eu-west-3.amazonaws.com/spymeo:1.4.2 --dry-run
///   spymeo deploy --cluster spymeo-prod --service spymeo-web --image …/spymeo:1.4.2 --migrate --yes
///   spymeo deploy … --image …/spymeo:1.4.2 --rollback-on-failure --timeout 1200 --output json --yes
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment, after_help = crate::error::EXIT_CODES)]
pub struct Args {
    #[command(flatten)]
    pub target: ServiceArgs,
    /// Image to deploy (with a tag or a digest).
    #[arg(long, env = "SPYMEO_IMAGE")]
    pub image: String,
    /// Container to update (default: the first essential one).
    #[arg(long)]
    pub container: Option<String>,
    /// Run the migrations in a one-off task of the new revision first; its exit code decides.
    #[arg(long)]
    pub migrate: bool,
    /// Command of the migration task.
    #[arg(long, default_value = "spymeo migrate", value_name = "CMD")]
    pub migrate_command: String,
    /// On failure or time-out, go back to the previous revision and follow that.
    #[arg(long)]
    pub rollback_on_failure: bool,
    #[command(flatten)]
    pub follow: FollowArgs,
    #[command(flatten)]
    pub releases: ReleaseArgs,
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Show the pre-flight checks and the task-definition diff; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for confirmation.
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub output: Format,
}

pub async fn run(args: Args) -> Result<()> {
    let clients = args.aws.clients().await;
    let (cluster, service) = (args.target.cluster.as_str(), args.target.service.as_str());
    let req = deploy::Request {
        cluster: cluster.into(),
        service: service.into(),
        image: args.image.clone(),
        container: args.container.clone(),
    };
    let pre = deploy::preflight(&clients, &req).await?;
    let mut report = json!({
        "cluster": cluster, "service": service, "image": args.image,
        "checks": pre.checks,
        "diff": pre.plan.as_ref().map(|p| json!(p.diff)).unwrap_or(Value::Null),
        "previousTaskDefinition": pre.plan.as_ref().map(|p| p.service.task_definition.clone()),
        "taskDefinition": Value::Null, "migration": Value::Null, "evaluation": Value::Null,
        "release": Value::Null, "releaseKey": Value::Null,
    });
    if matches!(args.output, Format::Table) {
        for c in &pre.checks {
            println!(
                "{} {:<20} {}",
                if c.ok { "✓" } else { "✗" },
                c.name,
                c.detail
            );
        }
        if let Some(plan) = &pre.plan {
            println!();
            for ch in &plan.diff {
                println!(
                    "  {}: {} → {}",
                    ch.field,
                    ch.before.as_deref().unwrap_or("∅"),
                    ch.after.as_deref().unwrap_or("∅")
                );
            }
        }
    }
    let (Some(plan), true) = (pre.plan.as_ref(), pre.passed()) else {
        let failed: Vec<String> = pre
            .checks
            .iter()
            .filter(|c| !c.ok)
            .map(|c| format!("{} ({})", c.name, c.detail))
            .collect();
        return finish(
            &args.output,
            report,
            "preflightFailed",
            Err(CliError::Preflight(format!(
                "pré-vol en échec : {}",
                failed.join(", ")
            ))),
        );
    };
    if args.dry_run {
        if matches!(args.output, Format::Table) {
            println!("\n--dry-run : rien n'a été modifié.");
        }
        return finish(&args.output, report, "dryRun", Ok(()));
    }
    confirm(
        &format!(
            "Déployer {} sur {service} ({cluster}) à la place de {} ?",
            args.image,
            short_task_definition(&plan.service.task_definition)
        ),
        args.yes,
    )?;

    let td_arn =
        deploy::register_revision(&clients.ecs, &plan.current, &plan.container, &args.image)
            .await?;
    report["taskDefinition"] = json!(td_arn);
    output::progress(&format!(
        "révision {} enregistrée",
        short_task_definition(&td_arn)
    ));

    if args.migrate {
        let command: Vec<String> = args
            .migrate_command
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        output::progress(&format!(
            "migration : {} dans une tâche de {}",
            command.join(" "),
            short_task_definition(&td_arn)
        ));
        let run = deploy::run_migration(
            &clients,
            &plan.service,
            &plan.current,
            &td_arn,
            &plan.container,
            &command,
            args.follow.options(),
        )
        .await?;
        for line in &run.log_lines {
            output::progress(&format!("  | {line}"));
        }
        report["migration"] = json!(run);
        if !run.succeeded() {
            let why = format!(
                "migration en échec (code {}{}) : service inchangé",
                run.exit_code
                    .map(|c| c.to_string())
                    .unwrap_or_else(|| "inconnu".into()),
                run.stopped_reason
                    .as_deref()
                    .map(|r| format!(", {r}"))
                    .unwrap_or_default()
            );
            return finish(
                &args.output,
                report,
                "migrationFailed",
                Err(CliError::Other(why)),
            );
        }
        output::progress("migration terminée (code 0)");
    }

    let mut tracker = Tracker::new(td_arn.clone(), Some(&plan.service));
    let after = deploy::update_service(&clients.ecs, cluster, service, &td_arn).await?;
    tracker.note_update_response(&after);
    let outcome = follow(
        &clients,
        cluster,
        service,
        &mut tracker,
        &args.follow,
        "déploiement",
    )
    .await?;
    report["evaluation"] = json!(outcome.evaluation());

    match outcome {
        Outcome::Completed(_) => {
            if let Some(store) = args.releases.store() {
                let release = Release {
                    task_definition_arn: td_arn.clone(),
                    image: args.image.clone(),
                    time: chrono::Utc::now(),
                    who: releases::who(clients.caller_arn().await),
                    cluster: cluster.into(),
                    service: service.into(),
                    kind: "deploy".into(),
                    rolled_back_from: None,
                };
                let key = store.record(&clients.s3, &release).await?;
                report["release"] = json!(release);
                report["releaseKey"] = json!(format!("s3://{}/{key}", store.bucket));
            } else {
                output::progress(
                    "aucun bucket de releases (--releases-bucket) : release non enregistrée",
                );
            }
            if matches!(args.output, Format::Table) {
                println!(
                    "Déployé : {} ({}) sur {service}.",
                    args.image,
                    short_task_definition(&td_arn)
                );
            }
            finish(&args.output, report, "completed", Ok(()))
        }
        Outcome::RolledBack(e) => {
            let why = e.reason.unwrap_or_default();
            finish(
                &args.output,
                report,
                "rolledBack",
                Err(CliError::RolledBack(format!(
                    "déploiement annulé par ECS : {why}"
                ))),
            )
        }
        Outcome::Failed(e) | Outcome::TimedOut(e) => {
            let timed_out = e.reason.is_none();
            let why = if timed_out {
                format!(
                    "délai de {} s dépassé ; en attente de : {}",
                    args.follow.timeout,
                    e.waiting_for.join(" ; ")
                )
            } else {
                format!(
                    "déploiement en échec : {}",
                    e.reason.clone().unwrap_or_default()
                )
            };
            if args.rollback_on_failure {
                output::progress(&format!(
                    "{why} — retour à {}",
                    short_task_definition(&plan.service.task_definition)
                ));
                let previous = plan.service.task_definition.clone();
                let before = spymeo_ops::fetch::service(&clients.ecs, cluster, service).await?;
                let mut back = Tracker::new(previous.clone(), Some(&before));
                let after =
                    deploy::update_service(&clients.ecs, cluster, service, &previous).await?;
                back.note_update_response(&after);
                let o = follow(
                    &clients,
                    cluster,
                    service,
                    &mut back,
                    &args.follow,
                    "retour arrière",
                )
                .await?;
                report["rollback"] = json!(o);
                return match o {
                    Outcome::Completed(_) => finish(
                        &args.output,
                        report,
                        "rolledBack",
                        Err(CliError::RolledBack(format!(
                            "{why} ; revenu à {}",
                            short_task_definition(&previous)
                        ))),
                    ),
                    other => finish(
                        &args.output,
                        report,
                        "failed",
                        Err(CliError::Other(format!(
                            "{why} ; le retour arrière n'a pas abouti non plus : {}",
                            other
                                .evaluation()
                                .reason
                                .clone()
                                .unwrap_or_else(|| other.evaluation().waiting_for.join(" ; "))
                        ))),
                    ),
                };
            }
            if timed_out {
                finish(
                    &args.output,
                    report,
                    "timedOut",
                    Err(CliError::TimedOut(why)),
                )
            } else {
                finish(&args.output, report, "failed", Err(CliError::Other(why)))
            }
        }
    }
}

/// Prints the JSON report (every outcome has one, so CI can parse stdout) and passes the
/// result through.
pub fn finish(format: &Format, mut report: Value, result: &str, r: Result<()>) -> Result<()> {
    if matches!(format, Format::Json) {
        report["result"] = json!(result);
        output::json(&report);
    }
    r
}

/// Follows a deployment with a progress bar on a terminal, plain lines (on change) otherwise.
pub async fn follow(
    clients: &Clients,
    cluster: &str,
    service: &str,
    tracker: &mut Tracker,
    args: &FollowArgs,
    label: &str,
) -> Result<Outcome> {
    let mut display = Display::new(label, tracker.our_task_definition());
    let outcome = deploy::follow(clients, cluster, service, tracker, args.options(), |e| {
        display.update(e)
    })
    .await;
    display.finish();
    Ok(outcome?)
}

struct Display {
    bar: Option<ProgressBar>,
    last: String,
    started: Instant,
    label: String,
}

impl Display {
    fn new(label: &str, td: &str) -> Display {
        let bar = std::io::stderr().is_terminal().then(|| {
            let template = if output::color_enabled() {
                "{spinner:.cyan} {prefix} [{bar:25.cyan/blue}] {pos}/{len} {elapsed} {wide_msg}"
            } else {
                "{spinner} {prefix} [{bar:25}] {pos}/{len} {elapsed} {wide_msg}"
            };
            let bar = ProgressBar::new(0);
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_prefix(format!("{label} {}", short_task_definition(td)));
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Display {
            bar,
            last: String::new(),
            started: Instant::now(),
            label: label.into(),
        }
    }

    fn update(&mut self, e: &Evaluation) {
        let msg = if e.waiting_for.is_empty() {
            e.reason.clone().unwrap_or_else(|| "terminé".into())
        } else {
            format!("en attente : {}", e.waiting_for.join(" ; "))
        };
        match &self.bar {
            Some(bar) => {
                bar.set_length(e.desired.max(0) as u64);
                bar.set_position(e.running.max(0) as u64);
                bar.set_message(msg);
            }
            None => {
                let line = format!("{} {}/{} — {msg}", self.label, e.running, e.desired);
                if line != self.last {
                    output::progress(&format!(
                        "[{:>4} s] {line}",
                        self.started.elapsed().as_secs()
                    ));
                    self.last = line;
                }
            }
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
