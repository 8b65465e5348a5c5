//! `spymeo`: serves the platform and turns the operator's runbook into commands.

mod commands;
mod error;
mod output;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::error::CliError;

#[derive(Parser)]
#[command(
    name = "spymeo",
    version,
    about = "SPYMEO : la plateforme et les commandes de l'opérateur",
    long_about = "SPYMEO : la plateforme et les commandes de l'opérateur.\n\n\
Configuration: flags first, then environment (DATABASE_URL, SESSION_SECRET, APP_URL, \
APP_ENV, S3_BUCKET_NAME, AWS_REGION, AWS_ENDPOINT_URL). Never from a committed file.\n\n\
Exit codes: 0 ok, 1 error, 2 usage, 3 rolled back, 4 timed out, 5 pre-flight failed, \
6 unhealthy (targets or smoke checks).",
    propagate_version = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Serve(commands::serve::Args),
    Dev(commands::dev::Args),
    Migrate(commands::migrate::Args),
    Seed(commands::seed::Args),
    Healthcheck(commands::healthcheck::Args),
    /// Account administration (create-admin).
    Users(commands::users::Args),
    /// Deploy an image to the ECS service and follow the rollout to a verdict.
    Deploy(commands::deploy::Args),
    /// Go back to the last known-good release.
    Rollback(commands::rollback::Args),
    /// Deployments, tasks, target health and alarms of the service.
    Status(commands::status::Args),
    /// ALB target health (exit 0 only when every target is healthy).
    TargetHealth(commands::target_health::Args),
    /// Rotate the database password and/or SESSION_SECRET, then redeploy.
    RotateSecrets(commands::rotate_secrets::Args),
    /// Post-deploy HTTP checks against a running site.
    Smoke(commands::smoke::Args),
    /// The on-call console (read-only unless --allow-actions).
    Tui(commands::tui::Args),
    /// The old front end's mock data: inventory, then import into the database.
    Mocks(commands::mocks::Args),
    /// The OpenAPI document of the JSON API (what /api/openapi.json serves).
    Openapi(commands::openapi::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return CliError::Other(format!("runtime tokio: {e}")).report(),
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Serve(args) => commands::serve::run(args).await,
            Command::Dev(args) => commands::dev::run(args).await,
            Command::Migrate(args) => commands::migrate::run(args).await,
            Command::Seed(args) => commands::seed::run(args).await,
            Command::Healthcheck(args) => commands::healthcheck::run(args).await,
            Command::Users(args) => commands::users::run(args).await,
            Command::Deploy(args) => commands::deploy::run(args).await,
            Command::Rollback(args) => commands::rollback::run(args).await,
            Command::Status(args) => commands::status::run(args).await,
            Command::TargetHealth(args) => commands::target_health::run(args).await,
            Command::RotateSecrets(args) => commands::rotate_secrets::run(args).await,
            Command::Smoke(args) => commands::smoke::run(args).await,
            Command::Tui(args) => commands::tui::run(args).await,
            Command::Mocks(args) => commands::mocks::run(args).await,
            Command::Openapi(args) => commands::openapi::run(args).await,
        }
    });
    // Background work (pool connections, AWS clients) must not keep a finished command alive.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => e.report(),
    }
}
