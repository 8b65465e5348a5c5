//! Server configuration, built by the CLI from flags then environment (never from a
//! committed file). Secrets stay wrapped so they cannot reach a log line by accident.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::SecretString;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    /// `spymeo dev`: no HSTS, non-Secure cookies allowed.
    Development,
    Test,
    Staging,
    Production,
}

impl Environment {
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "development" | "dev" => Some(Self::Development),
            "test" => Some(Self::Test),
            "staging" => Some(Self::Staging),
            "production" | "prod" => Some(Self::Production),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Development => "development",
            Self::Test => "test",
            Self::Staging => "staging",
            Self::Production => "production",
        }
    }

    /// Deployed behind HTTPS: HSTS and Secure cookies.
    pub fn is_deployed(self) -> bool {
        matches!(self, Self::Staging | Self::Production)
    }
}

#[derive(Debug, Clone)]
pub enum StorageConfig {
    Local(PathBuf),
    S3 { bucket: String },
}

#[derive(Debug, Clone)]
pub struct Config {
    pub bind: SocketAddr,
    /// Public origin, e.g. `https://spymeo.fr` (canonical URLs, CSRF origin check).
    pub app_url: String,
    pub environment: Environment,
    pub database_url: SecretString,
    pub session_secret: SecretString,
    /// The secret being rotated out: sessions hashed with it stay valid (and are re-keyed).
    pub session_secret_previous: Option<SecretString>,
    /// `SMTP_URL`; without it emails are written to the log (development only).
    pub smtp_url: Option<SecretString>,
    pub mail_from: String,
    /// Take the client address from the last `X-Forwarded-For` hop (behind the ALB).
    pub trust_proxy: bool,
    /// Run the background jobs (email outbox, purges) in this process.
    pub jobs: bool,
    pub storage: StorageConfig,
    pub pool: spymeo_core::db::PoolSettings,
    /// Whole-request deadline; a slow client or query gets 408 instead of a hung socket.
    pub request_timeout: Duration,
    /// Largest accepted request body (uploads included).
    pub body_limit: usize,
    /// How long in-flight requests get to finish after SIGTERM.
    pub shutdown_grace: Duration,
    /// `PAYMENT_WEBHOOK_SECRET`: the provider's webhook signing secret (Stripe `whsec_…`).
    /// Without it the webhook refuses every event and no checkout starts.
    pub payment_webhook_secret: Option<SecretString>,
}
