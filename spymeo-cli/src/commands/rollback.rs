//! `spymeo rollback`: back to the last known-good release, followed like a deploy.

use serde_json::{Value, json};
use spymeo_ops::deploy::{self, Outcome};
use spymeo_ops::model::{same_task_definition, short_task_definition};
use spymeo_ops::releases::{self, Release};
use spymeo_ops::rollout::Tracker;

use super::deploy::{FollowArgs, ReleaseArgs, finish, follow};
use super::status::{AwsArgs, ServiceArgs, confirm};
use crate::error::{CliError, Result};
use crate::output::{self, Format};

/// Roll the service back to the last known-good release (the release recorded before the
/// one running now), or to `--to`, and follow that deployment to the end.
///
/// Exit codes: 0 rolled back as asked, 3 ECS itself rolled this back, 4 timed out, 1 failure.
///
/// Examples:
///   spymeo rollback --cluster spymeo-prod --service spymeo-web --releases-bucket spymeo-releases --dry-run
///   spymeo rollback --cluster spymeo-prod --service spymeo-web --releases-bucket spymeo-releases --yes
///   spymeo rollback --cluster spymeo-prod --service spymeo-web --to spymeo:41 --yes
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment, after_help = crate::error::EXIT_CODES)]
pub struct Args {
    #[command(flatten)]
    pub target: ServiceArgs,
    /// A recorded release (task definition `family:revision` or ARN, or its image); without
    /// a releases bucket, any task definition of the service's family.
    #[arg(long, value_name = "RELEASE")]
    pub to: Option<String>,
    #[command(flatten)]
    pub releases: ReleaseArgs,
    #[command(flatten)]
    pub follow: FollowArgs,
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Say where it would go; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub output: Format,
}

pub async fn run(args: Args) -> Result<()> {
    let clients = args.aws.clients().await;
    let (cluster, service) = (args.target.cluster.as_str(), args.target.service.as_str());
    let svc = spymeo_ops::fetch::service(&clients.ecs, cluster, service).await?;
    let current = svc.task_definition.clone();
    let store = args.releases.store();

    let (target_td, image) = match (&store, &args.to) {
        (Some(store), to) => {
            let list = store.list(&clients.s3, cluster, service, 100).await?;
            let r = releases::rollback_target(&list, &current, to.as_deref())?;
            (r.task_definition_arn.clone(), Some(r.image.clone()))
        }
        (None, Some(to)) => {
            let td = deploy::describe_task_definition(&clients.ecs, to).await?;
            (
                td.task_definition_arn.clone().unwrap_or_else(|| to.clone()),
                None,
            )
        }
        (None, None) => {
            return Err(CliError::Usage(
                "sans --releases-bucket (ou SPYMEO_RELEASES_BUCKET), précisez --to".into(),
            ));
        }
    };
    let mut report = json!({
        "cluster": cluster, "service": service,
        "from": current, "to": target_td, "image": image,
        "evaluation": Value::Null, "release": Value::Null,
    });
    if same_task_definition(&target_td, &current) {
        return Err(CliError::Usage(format!(
            "{} tourne déjà sur {service}",
            short_task_definition(&current)
        )));
    }
    if matches!(args.output, Format::Table) {
        println!(
            "Retour de {} vers {}{}",
            short_task_definition(&current),
            short_task_definition(&target_td),
            image
                .as_deref()
                .map(|i| format!(" ({i})"))
                .unwrap_or_default()
        );
    }
    if args.dry_run {
        if matches!(args.output, Format::Table) {
            println!("--dry-run : rien n'a été modifié.");
        }
        return finish(&args.output, report, "dryRun", Ok(()));
    }
    confirm(
        &format!(
            "Revenir à {} sur {service} ({cluster}) ?",
            short_task_definition(&target_td)
        ),
        args.yes,
    )?;
    let mut tracker = Tracker::new(target_td.clone(), Some(&svc));
    let after = deploy::update_service(&clients.ecs, cluster, service, &target_td).await?;
    tracker.note_update_response(&after);
    let outcome = follow(
        &clients,
        cluster,
        service,
        &mut tracker,
        &args.follow,
        "retour arrière",
    )
    .await?;
    report["evaluation"] = json!(outcome.evaluation());
    match outcome {
        Outcome::Completed(_) => {
            if let Some(store) = &store {
                let release = Release {
                    task_definition_arn: target_td.clone(),
                    image: image.clone().unwrap_or_default(),
                    time: chrono::Utc::now(),
                    who: releases::who(clients.caller_arn().await),
                    cluster: cluster.into(),
                    service: service.into(),
                    kind: "rollback".into(),
                    rolled_back_from: Some(current.clone()),
                };
                store.record(&clients.s3, &release).await?;
                report["release"] = json!(release);
            }
            if matches!(args.output, Format::Table) {
                println!(
                    "Revenu à {} sur {service}.",
                    short_task_definition(&target_td)
                );
            }
            finish(&args.output, report, "completed", Ok(()))
        }
        Outcome::RolledBack(e) => finish(
            &args.output,
            report,
            "rolledBack",
            Err(CliError::RolledBack(e.reason.unwrap_or_default())),
        ),
        Outcome::Failed(e) => finish(
            &args.output,
            report,
            "failed",
            Err(CliError::Other(format!(
                "retour arrière en échec : {}",
                e.reason.unwrap_or_default()
            ))),
        ),
        Outcome::TimedOut(e) => {
            output::progress(
                "le service reste sur la révision demandée ; ECS continue de converger",
            );
            finish(
                &args.output,
                report,
                "timedOut",
                Err(CliError::TimedOut(format!(
                    "délai de {} s dépassé ; en attente de : {}",
                    args.follow.timeout,
                    e.waiting_for.join(" ; ")
                ))),
            )
        }
    }
}
