//! `spymeo rotate-secrets`: Secrets Manager's four-step rotation done here (database
//! password and/or SESSION_SECRET), then a forced deployment so every task reads the new
//! value (ECS injects secrets only when a task starts).

use serde_json::{Value, json};
use spymeo_ops::deploy::{self, Outcome};
use spymeo_ops::rollout::Tracker;
use spymeo_ops::rotation::{self, StepReport};

use super::deploy::{FollowArgs, finish, follow};
use super::status::{AwsArgs, confirm};
use crate::error::{CliError, Result};
use crate::output::{self, Format};

/// Rotate the database password (--db) and/or SESSION_SECRET (--session), then force a new
/// deployment of --service and follow it. A rotation stopped half-way is resumed.
///
/// Database secret (JSON): {"engine","username","password","host","port","dbname","url"};
/// the task definition reads DATABASE_URL from its "url" key.
/// Session secret (JSON): {"SESSION_SECRET","SESSION_SECRET_PREVIOUS"}; sessions made with
/// the previous secret stay valid and are re-keyed by the server.
///
/// Exit codes: 0 rotated (and deployed), 3 the deployment was rolled back, 4 timed out, 1 failure.
///
/// Examples:
///   spymeo rotate-secrets --db --db-secret-id spymeo/prod/db --cluster spymeo-prod --service spymeo-web --dry-run
///   spymeo rotate-secrets --session --session-secret-id spymeo/prod/session --cluster spymeo-prod --service spymeo-web --yes
///   spymeo rotate-secrets --db --db-secret-id spymeo/prod/db --db-connect-host 127.0.0.1 --db-connect-port 15432 --no-deploy --yes
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment, after_help = crate::error::EXIT_CODES)]
pub struct Args {
    /// Rotate the database password.
    #[arg(long)]
    pub db: bool,
    /// Rotate SESSION_SECRET.
    #[arg(long)]
    pub session: bool,
    /// The database secret (name or ARN).
    #[arg(long, env = "SPYMEO_DB_SECRET_ID")]
    pub db_secret_id: Option<String>,
    /// The session secret (name or ARN).
    #[arg(long, env = "SPYMEO_SESSION_SECRET_ID")]
    pub session_secret_id: Option<String>,
    /// Reach PostgreSQL here instead of the secret's host (a tunnel to a private RDS).
    #[arg(long)]
    pub db_connect_host: Option<String>,
    #[arg(long)]
    pub db_connect_port: Option<u16>,
    #[arg(long, env = "SPYMEO_CLUSTER")]
    pub cluster: Option<String>,
    /// The service to redeploy so its tasks read the new values.
    #[arg(long, env = "SPYMEO_SERVICE")]
    pub service: Option<String>,
    /// Rotate only; running tasks keep the old values until they restart.
    #[arg(long)]
    pub no_deploy: bool,
    #[command(flatten)]
    pub follow: FollowArgs,
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Say what would be done; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub output: Format,
}

pub async fn run(args: Args) -> Result<()> {
    if !args.db && !args.session {
        return Err(CliError::Usage("précisez --db et/ou --session".into()));
    }
    let db_secret = match (args.db, &args.db_secret_id) {
        (true, None) => return Err(CliError::Usage("--db demande --db-secret-id".into())),
        (true, Some(id)) => Some(id.clone()),
        (false, _) => None,
    };
    let session_secret = match (args.session, &args.session_secret_id) {
        (true, None) => {
            return Err(CliError::Usage(
                "--session demande --session-secret-id".into(),
            ));
        }
        (true, Some(id)) => Some(id.clone()),
        (false, _) => None,
    };
    let deploy_target = match (&args.cluster, &args.service, args.no_deploy) {
        (_, _, true) => None,
        (Some(c), Some(s), false) => Some((c.clone(), s.clone())),
        _ => {
            return Err(CliError::Usage(
                "--cluster et --service sont nécessaires pour redéployer (ou --no-deploy)".into(),
            ));
        }
    };
    let clients = args.aws.clients().await;
    if !args.dry_run {
        let what: Vec<&str> = [
            args.db.then_some("le mot de passe de la base"),
            args.session.then_some("SESSION_SECRET"),
        ]
        .into_iter()
        .flatten()
        .collect();
        confirm(&format!("Changer {} ?", what.join(" et ")), args.yes)?;
    }
    let table = matches!(args.output, Format::Table);
    let show = |s: &StepReport| {
        if table {
            println!("  {:<13} {:<8} {}", s.step.name(), s.state, s.detail);
        }
    };
    let mut report = json!({"rotations": [], "deployment": Value::Null});
    if let Some(id) = db_secret {
        if table {
            println!("Base de données ({id}) :");
        }
        let r = rotation::rotate_db(
            &clients.secrets,
            &rotation::DbOptions {
                secret_id: id,
                connect_host: args.db_connect_host.clone(),
                connect_port: args.db_connect_port,
                dry_run: args.dry_run,
            },
            show,
        )
        .await;
        match r {
            Ok(r) => push(&mut report, json!(r)),
            Err(e) => return finish(&args.output, report, "failed", Err(e.into())),
        }
    }
    if let Some(id) = session_secret {
        if table {
            println!("Session ({id}) :");
        }
        let r = rotation::rotate_session(
            &clients.secrets,
            &rotation::SessionOptions {
                secret_id: id,
                dry_run: args.dry_run,
            },
            show,
        )
        .await;
        match r {
            Ok(r) => push(&mut report, json!(r)),
            Err(e) => return finish(&args.output, report, "failed", Err(e.into())),
        }
    }
    let Some((cluster, service)) = deploy_target else {
        output::progress(
            "--no-deploy : les tâches en cours gardent l'ancienne valeur jusqu'à leur redémarrage",
        );
        return finish(
            &args.output,
            report,
            if args.dry_run { "dryRun" } else { "completed" },
            Ok(()),
        );
    };
    if args.dry_run {
        if table {
            println!("Redéploierait {service} ({cluster}) ; --dry-run : rien n'a été modifié.");
        }
        return finish(&args.output, report, "dryRun", Ok(()));
    }
    let before = spymeo_ops::fetch::service(&clients.ecs, &cluster, &service).await?;
    let mut tracker = Tracker::new(before.task_definition.clone(), Some(&before));
    let after = deploy::force_new_deployment(&clients.ecs, &cluster, &service).await?;
    tracker.note_update_response(&after);
    let outcome = follow(
        &clients,
        &cluster,
        &service,
        &mut tracker,
        &args.follow,
        "redéploiement",
    )
    .await?;
    report["deployment"] = json!(outcome);
    match outcome {
        Outcome::Completed(_) => {
            if table {
                println!("Secrets changés ; toutes les tâches de {service} les ont relus.");
            }
            finish(&args.output, report, "completed", Ok(()))
        }
        Outcome::RolledBack(e) => finish(
            &args.output,
            report,
            "rolledBack",
            Err(CliError::RolledBack(format!(
                "secrets changés mais le redéploiement a été annulé : {}",
                e.reason.unwrap_or_default()
            ))),
        ),
        Outcome::Failed(e) => finish(
            &args.output,
            report,
            "failed",
            Err(CliError::Other(format!(
                "secrets changés mais le redéploiement a échoué : {}",
                e.reason.unwrap_or_default()
            ))),
        ),
        Outcome::TimedOut(e) => finish(
            &args.output,
            report,
            "timedOut",
            Err(CliError::TimedOut(format!(
                "secrets changés ; redéploiement pas fini après {} s : {}",
                args.follow.timeout,
                e.waiting_for.join(" ; ")
            ))),
        ),
    }
}

fn push(report: &mut Value, r: Value) {
    if let Some(a) = report["rotations"].as_array_mut() {
        a.push(r);
    }
}
