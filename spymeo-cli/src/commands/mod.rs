//! One file per command; each stays thin and calls core/server.

pub mod deploy;
pub mod dev;
pub mod healthcheck;
pub mod migrate;
pub mod mocks;
pub mod openapi;
pub mod rollback;
pub mod rotate_secrets;
pub mod seed;
pub mod serve;
pub mod smoke;
pub mod status;
pub mod target_health;
pub mod tui;
pub mod users;

use std::time::Duration;

use secrecy::SecretString;
use spymeo_core::db::migrate::{Event, Retry};

use crate::error::{CliError, Result};

/// `--database-url` / `DATABASE_URL`. The value is hidden from `--help` because it carries
/// the password.
#[derive(clap::Args, Debug, Clone)]
pub struct DatabaseArgs {
    /// PostgreSQL URL (postgres://user:password@host:5432/db).
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
}

impl DatabaseArgs {
    pub fn require(&self) -> Result<SecretString> {
        self.database_url
            .clone()
            .map(SecretString::from)
            .ok_or_else(|| {
                CliError::Usage(
                    "DATABASE_URL manquant: passez --database-url ou définissez DATABASE_URL"
                        .into(),
                )
            })
    }
}

/// How long and how often to wait for a database that is not up yet.
#[derive(clap::Args, Debug, Clone)]
pub struct RetryArgs {
    /// Connection attempts before giving up.
    #[arg(long = "retries", default_value_t = 5, value_name = "N")]
    pub attempts: u32,
    /// Wait after the first failed attempt; doubles after each further failure (max 30 s).
    #[arg(long = "backoff-ms", default_value_t = 1000, value_name = "MS")]
    pub initial_backoff_ms: u64,
}

impl RetryArgs {
    pub fn policy(&self) -> Retry {
        Retry {
            attempts: self.attempts.max(1),
            initial_backoff: Duration::from_millis(self.initial_backoff_ms),
            max_backoff: Duration::from_secs(30),
        }
    }
}

/// Applies pending migrations with retries, printing what happens; shared by `migrate`,
/// `serve --migrate` and `dev`.
pub async fn apply_migrations(
    url: &SecretString,
    retry: &Retry,
) -> Result<Vec<spymeo_core::db::migrate::MigrationInfo>> {
    let mut conn = spymeo_core::db::migrate::connect_with_retry(url, retry, |event| match event {
        Event::ConnectFailed { attempt, attempts, wait, cause } => crate::output::progress(&format!(
            "base de données injoignable (tentative {attempt}/{attempts}: {cause}); nouvel essai dans {:.1} s",
            wait.as_secs_f64()
        )),
    })
    .await
    .map_err(|e| connect_error(&e))?;
    let applied = spymeo_core::db::migrate::apply(&mut conn)
        .await
        .map_err(|e| CliError::Other(format!("migration échouée: {}", db_cause(&e))))?;
    Ok(applied)
}

/// A pool on the database with default settings, for the commands that run queries.
pub async fn pool(url: &SecretString) -> Result<sqlx::PgPool> {
    spymeo_core::db::connect(url, &Default::default())
        .await
        .map_err(|e| connect_error(&e))
}

/// The error of a failed connection, with the cause on one line and no URL.
pub fn connect_error(e: &spymeo_core::Error) -> CliError {
    CliError::Other(format!("connexion à la base impossible: {}", db_cause(e)))
}

/// A one-line cause for a database error, without the URL (it may hold the password).
pub fn db_cause(e: &spymeo_core::Error) -> String {
    spymeo_core::db::migrate::one_line(e)
}
