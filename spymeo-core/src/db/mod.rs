//! Database access: the pool, the embedded migrations, and one module per aggregate.
//! Queries live here rather than in handlers so the CLI and the seed reuse them.

pub mod academy;
pub mod accounts;
pub mod admin;
pub mod admin_content;
pub mod agenda;
pub mod applications;
pub mod artisan;
pub mod artisan_orders;
pub mod audit;
pub mod blog;
pub mod catalog;
pub mod center;
pub mod client_files;
pub mod clients;
pub mod community;
pub mod dashboards;
pub mod documents;
pub mod health;
pub mod home;
pub mod inbox;
pub mod invoice_views;
pub mod invoices;
pub mod ledger;
pub mod listing;
pub mod member;
pub mod merchant;
pub mod merchant_orders;
pub mod messaging;
pub mod migrate;
pub mod notifications;
pub mod outbox;
pub mod pass;
pub mod pass_view;
pub mod practitioner_agenda;
pub mod precompta;
pub mod precompta_books;
pub mod pro_common;
pub mod pro_profile;
pub mod pros;
pub mod public;
pub mod rate_limit;
pub mod sessions;
pub mod shop;
pub mod stock;
pub mod support;
pub mod training;
pub mod users;

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

pub use migrate::MIGRATOR;

/// Pool settings. `max_connections` is sized by the operator against RDS
/// `max_connections` divided by the number of tasks (DESIGN.md "Scale").
#[derive(Debug, Clone)]
pub struct PoolSettings {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_connections: 10,
            acquire_timeout: Duration::from_secs(5),
        }
    }
}

pub fn connect_options(url: &SecretString) -> crate::Result<PgConnectOptions> {
    url.expose_secret()
        .parse::<PgConnectOptions>()
        // The URL holds the password: never echo it back in the error.
        .map_err(|_| crate::Error::validation("DATABASE_URL n'est pas une URL PostgreSQL valide"))
}

/// A pool that connects on first use, so the server starts (and reports 503 on
/// `/api/health`) while the database is still unreachable, and recovers without a restart.
pub fn lazy_pool(url: &SecretString, settings: &PoolSettings) -> crate::Result<PgPool> {
    let options = connect_options(url)?.application_name("spymeo");
    Ok(PgPoolOptions::new()
        .max_connections(settings.max_connections)
        .acquire_timeout(settings.acquire_timeout)
        // A connection that sat idle through a database restart is dead: test before use.
        .test_before_acquire(true)
        .connect_lazy_with(options))
}

/// Connects now and fails if the database is unreachable.
pub async fn connect(url: &SecretString, settings: &PoolSettings) -> crate::Result<PgPool> {
    let options = connect_options(url)?.application_name("spymeo");
    Ok(PgPoolOptions::new()
        .max_connections(settings.max_connections)
        .acquire_timeout(settings.acquire_timeout)
        .connect_with(options)
        .await?)
}

/// The environment a database was marked with (`ALTER DATABASE … SET spymeo.environment`),
/// so that destructive commands such as `spymeo seed` can refuse a production database even
/// when the operator's shell says otherwise.
pub async fn environment_marker(pool: &PgPool) -> crate::Result<Option<String>> {
    let value: Option<String> =
        sqlx::query_scalar("SELECT current_setting('spymeo.environment', true)")
            .fetch_one(pool)
            .await?;
    Ok(value.filter(|v| !v.is_empty()))
}

/// Marks the current database with an environment name (see [`environment_marker`]).
pub async fn mark_environment(pool: &PgPool, environment: &str) -> crate::Result<()> {
    if !environment
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(crate::Error::validation("nom d'environnement invalide"));
    }
    let db: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(pool)
        .await?;
    // ALTER DATABASE takes no bind parameters; both values are checked identifiers.
    let sql = format!(
        "ALTER DATABASE \"{}\" SET spymeo.environment = '{}'",
        db.replace('"', "\"\""),
        environment
    );
    sqlx::query(&sql).execute(pool).await?;
    Ok(())
}
