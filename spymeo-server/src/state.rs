//! Shared application state, cloned into every handler.

use std::sync::Arc;
use std::time::Instant;

use spymeo_core::storage::Storage;
use sqlx::PgPool;

use crate::auth::session::SessionKeys;
use crate::config::Environment;

#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub storage: Storage,
    pub inner: Arc<Inner>,
}

pub struct Inner {
    pub environment: Environment,
    pub app_url: String,
    pub started_at: Instant,
    pub version: &'static str,
    pub session_keys: SessionKeys,
    pub mailer: spymeo_core::mail::Mailer,
    pub trust_proxy: bool,
    /// Verifies payment-provider webhooks (see `api::payments`).
    pub payment_webhook_secret: Option<secrecy::SecretString>,
}

impl AppState {
    pub fn environment(&self) -> Environment {
        self.inner.environment
    }

    /// Session cookies are `Secure` wherever the site is served over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.inner.environment.is_deployed()
    }
}
