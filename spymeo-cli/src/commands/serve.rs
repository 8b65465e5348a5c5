//! `spymeo serve`: the production server.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::SecretString;
use spymeo_server::config::{Config, Environment, StorageConfig};

use super::{DatabaseArgs, RetryArgs, apply_migrations};
use crate::error::{CliError, Result};

/// Serve the platform (JSON logs on stderr, graceful shutdown on SIGTERM).
///
/// Examples:
///   spymeo serve --migrate
///   DATABASE_URL=postgres://… SESSION_SECRET=… S3_BUCKET_NAME=spymeo-files spymeo serve --bind 0.0.0.0:3000
///   spymeo serve --environment staging --storage-dir /var/lib/spymeo/files
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[command(flatten)]
    pub db: DatabaseArgs,
    #[command(flatten)]
    pub server: ServerArgs,
    /// Apply pending migrations first (with retries), then serve.
    #[arg(long)]
    pub migrate: bool,
    #[command(flatten)]
    pub retry: RetryArgs,
}

#[derive(clap::Args, Debug, Clone)]
pub struct ServerArgs {
    /// Address to listen on.
    #[arg(long, env = "BIND", default_value = "0.0.0.0:3000")]
    pub bind: SocketAddr,
    /// Public origin of the site (canonical URLs, CSRF origin check).
    #[arg(long, env = "APP_URL", default_value = "http://127.0.0.1:3000")]
    pub app_url: String,
    /// production, staging, test or development.
    #[arg(long, env = "APP_ENV", default_value = "production")]
    pub environment: String,
    /// Key for session token hashes (at least 32 characters in staging/production).
    #[arg(long, env = "SESSION_SECRET", hide_env_values = true)]
    pub session_secret: Option<String>,
    /// The session secret being rotated out (sessions made with it stay valid and are re-keyed).
    #[arg(long, env = "SESSION_SECRET_PREVIOUS", hide_env_values = true)]
    pub session_secret_previous: Option<String>,
    /// SMTP server for outgoing email: smtp://user:pass@host:587?tls=required or smtps://…
    /// (required in staging/production; in development emails go to the log).
    #[arg(long, env = "SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    #[arg(long, env = "MAIL_FROM", default_value = "SPYMEO <no-reply@spymeo.fr>")]
    pub mail_from: String,
    /// Behind a load balancer: the client address is the last X-Forwarded-For hop.
    #[arg(long, env = "TRUST_PROXY")]
    pub trust_proxy: bool,
    /// Do not run background jobs (outbox, purges) in this process.
    #[arg(long)]
    pub no_jobs: bool,
    /// S3 bucket for uploads (production).
    #[arg(long, env = "S3_BUCKET_NAME", conflicts_with = "storage_dir")]
    pub s3_bucket: Option<String>,
    /// Local directory for uploads (instead of S3).
    #[arg(long, env = "STORAGE_DIR")]
    pub storage_dir: Option<PathBuf>,
    /// Database connections per process: RDS max_connections divided by the task count, minus headroom.
    #[arg(long, env = "DATABASE_POOL_SIZE", default_value_t = 10)]
    pub pool_size: u32,
    #[arg(long, default_value_t = 30, value_name = "SECS")]
    pub request_timeout_secs: u64,
    /// Largest request body, uploads included.
    #[arg(long, default_value_t = 45, value_name = "MIB")]
    pub body_limit_mib: usize,
    /// Time in-flight requests get after SIGTERM (keep below the ECS stopTimeout).
    #[arg(
        long,
        env = "SHUTDOWN_GRACE_SECS",
        default_value_t = 25,
        value_name = "SECS"
    )]
    pub shutdown_grace_secs: u64,
    /// Payment provider webhook signing secret (Stripe `whsec_…`); required for PASS payments.
    #[arg(long, env = "PAYMENT_WEBHOOK_SECRET", hide_env_values = true)]
    pub payment_webhook_secret: Option<String>,
    /// Log format: json (one object per line) or text.
    #[arg(long, env = "LOG_FORMAT", default_value = "json")]
    pub log_format: String,
}

impl ServerArgs {
    pub fn config(&self, database_url: SecretString) -> Result<Config> {
        let environment = Environment::parse(&self.environment).ok_or_else(|| {
            CliError::Usage(format!(
                "environnement inconnu « {} » (production, staging, test, development)",
                self.environment
            ))
        })?;
        let session_secret = match (&self.session_secret, environment.is_deployed()) {
            (Some(s), true) if s.len() < 32 => {
                return Err(CliError::Usage(
                    "SESSION_SECRET doit faire au moins 32 caractères".into(),
                ));
            }
            (Some(s), _) => SecretString::from(s.clone()),
            (None, true) => {
                return Err(CliError::Usage(
                    "SESSION_SECRET manquant (obligatoire en staging/production)".into(),
                ));
            }
            // Development and tests: a random key per process; sessions do not survive a restart.
            (None, false) => SecretString::from(random_secret()),
        };
        let smtp_url = self
            .smtp_url
            .clone()
            .filter(|u| !u.is_empty())
            .map(SecretString::from);
        if smtp_url.is_none() && environment.is_deployed() {
            return Err(CliError::Usage(
                "SMTP_URL manquant (obligatoire en staging/production)".into(),
            ));
        }
        let storage = match (&self.s3_bucket, &self.storage_dir) {
            (Some(bucket), _) => StorageConfig::S3 {
                bucket: bucket.clone(),
            },
            (None, Some(dir)) => StorageConfig::Local(dir.clone()),
            (None, None) if environment.is_deployed() => {
                return Err(CliError::Usage(
                    "stockage manquant: S3_BUCKET_NAME (ou --storage-dir)".into(),
                ));
            }
            (None, None) => StorageConfig::Local(PathBuf::from(".spymeo/files")),
        };
        Ok(Config {
            bind: self.bind,
            app_url: self.app_url.clone(),
            environment,
            database_url,
            session_secret,
            session_secret_previous: self
                .session_secret_previous
                .clone()
                .filter(|s| !s.is_empty())
                .map(SecretString::from),
            smtp_url,
            mail_from: self.mail_from.clone(),
            trust_proxy: self.trust_proxy,
            jobs: !self.no_jobs,
            storage,
            pool: spymeo_core::db::PoolSettings {
                max_connections: self.pool_size.max(1),
                ..Default::default()
            },
            request_timeout: Duration::from_secs(self.request_timeout_secs.max(1)),
            body_limit: self.body_limit_mib.max(1) * 1024 * 1024,
            shutdown_grace: Duration::from_secs(self.shutdown_grace_secs),
            payment_webhook_secret: self
                .payment_webhook_secret
                .clone()
                .filter(|s| !s.is_empty())
                .map(SecretString::from),
        })
    }
}

/// A per-process key for development and tests.
pub fn random_secret() -> String {
    use rand::Rng as _;
    hex::encode(rand::thread_rng().r#gen::<[u8; 32]>())
}

pub async fn run(args: Args) -> Result<()> {
    spymeo_server::telemetry::init(args.server.log_format != "text");
    let url = args.db.require()?;
    let config = args.server.config(url.clone())?;
    if args.migrate {
        let applied = apply_migrations(&url, &args.retry.policy()).await?;
        tracing::info!(applied = applied.len(), "migrations applied");
        if config.environment == Environment::Production {
            let pool = spymeo_core::db::connect(&url, &Default::default()).await?;
            spymeo_core::db::mark_environment(&pool, "production").await?;
            pool.close().await;
        }
    }
    let app = spymeo_server::Application::build(config).await?;
    tracing::info!(addr = %app.local_addr(), version = spymeo_server::startup::VERSION, "listening");
    app.run()
        .await
        .map_err(|e| CliError::Other(format!("serveur: {e}")))?;
    tracing::info!("stopped");
    Ok(())
}
