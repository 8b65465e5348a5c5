//! Embedded migrations: apply with retries (the database may still be starting when a
//! container starts), report what was applied, and list applied/pending versions.
//!
//! Two processes migrating at once are safe: sqlx takes a PostgreSQL advisory lock for the
//! whole run, and we read the applied set only after holding our own lock on the same
//! connection, so the second process waits and then reports "nothing to apply".

use std::collections::HashMap;
use std::time::Duration;

use secrecy::SecretString;
use sqlx::migrate::Migrator;
use sqlx::{Connection, PgConnection};

use crate::{Error, Result};

pub static MIGRATOR: Migrator = sqlx::migrate!("../migrations");

/// Lock key for `pg_advisory_lock`, distinct from the one sqlx derives from the database name.
const LOCK_KEY: i64 = 0x5350_594d_454f; // "SPYMEO"

#[derive(Debug, Clone)]
pub struct Retry {
    /// Connection attempts before giving up (at least 1).
    pub attempts: u32,
    /// Wait after the first failure; doubles after each further failure.
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Self {
            attempts: 5,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
        }
    }
}

impl Retry {
    /// Backoff before attempt `n + 1` (n starting at 1).
    pub fn backoff(&self, failed_attempts: u32) -> Duration {
        let factor = 2u32.saturating_pow(failed_attempts.saturating_sub(1));
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationInfo {
    pub version: i64,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedInfo {
    pub version: i64,
    pub description: String,
    pub installed_on: chrono::DateTime<chrono::Utc>,
    /// false when the embedded file no longer matches what was applied.
    pub checksum_ok: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Status {
    pub applied: Vec<AppliedInfo>,
    pub pending: Vec<MigrationInfo>,
    /// Versions recorded in the database that this binary does not know (a newer release ran).
    pub unknown: Vec<i64>,
}

/// What happened while connecting, for progress lines.
#[derive(Debug)]
pub enum Event<'a> {
    ConnectFailed {
        attempt: u32,
        attempts: u32,
        wait: Duration,
        cause: &'a str,
    },
}

/// Connects with retries and exponential backoff.
pub async fn connect_with_retry(
    url: &SecretString,
    retry: &Retry,
    mut on_event: impl FnMut(Event<'_>),
) -> Result<PgConnection> {
    let options = super::connect_options(url)?.application_name("spymeo-migrate");
    let attempts = retry.attempts.max(1);
    let mut attempt = 1;
    loop {
        match PgConnection::connect_with(&options).await {
            Ok(conn) => return Ok(conn),
            Err(e) if attempt < attempts && is_transient(&e) => {
                let wait = retry.backoff(attempt);
                on_event(Event::ConnectFailed {
                    attempt,
                    attempts,
                    wait,
                    cause: &one_line(&e),
                });
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
            Err(e) => return Err(Error::Database(e)),
        }
    }
}

/// Connection refused, DNS not ready, database starting up: worth waiting for.
/// Bad credentials or a missing database are not.
fn is_transient(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::Tls(_) => true,
        sqlx::Error::Database(db) => {
            // 57P03 cannot_connect_now: "the database system is starting up".
            db.code().as_deref() == Some("57P03")
        }
        _ => false,
    }
}

pub fn one_line(e: &dyn std::fmt::Display) -> String {
    e.to_string().lines().next().unwrap_or_default().to_owned()
}

/// Applies pending migrations and returns those this call applied.
pub async fn apply(conn: &mut PgConnection) -> Result<Vec<MigrationInfo>> {
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(LOCK_KEY)
        .execute(&mut *conn)
        .await?;
    let result = apply_locked(conn).await;
    // Release even on failure; a closed connection releases it anyway.
    let _ = sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(LOCK_KEY)
        .execute(&mut *conn)
        .await;
    result
}

async fn apply_locked(conn: &mut PgConnection) -> Result<Vec<MigrationInfo>> {
    let before = status(conn).await?;
    MIGRATOR.run(&mut *conn).await?;
    Ok(before.pending)
}

#[derive(sqlx::FromRow)]
struct AppliedRow {
    version: i64,
    description: String,
    installed_on: chrono::DateTime<chrono::Utc>,
    checksum: Vec<u8>,
    success: bool,
}

/// Applied and pending versions.
pub async fn status(conn: &mut PgConnection) -> Result<Status> {
    let table_exists: bool =
        sqlx::query_scalar("SELECT to_regclass('public._sqlx_migrations') IS NOT NULL")
            .fetch_one(&mut *conn)
            .await?;
    let rows: Vec<AppliedRow> = if table_exists {
        sqlx::query_as(
            "SELECT version, description, installed_on, checksum, success
             FROM _sqlx_migrations ORDER BY version",
        )
        .fetch_all(&mut *conn)
        .await?
    } else {
        Vec::new()
    };
    let known: HashMap<i64, &sqlx::migrate::Migration> = MIGRATOR
        .iter()
        .filter(|m| m.migration_type.is_up_migration())
        .map(|m| (m.version, m))
        .collect();
    let mut status = Status::default();
    for row in &rows {
        match known.get(&row.version) {
            Some(m) => status.applied.push(AppliedInfo {
                version: row.version,
                description: row.description.clone(),
                installed_on: row.installed_on,
                checksum_ok: row.success && m.checksum.as_ref() == row.checksum.as_slice(),
            }),
            None => status.unknown.push(row.version),
        }
    }
    let applied: std::collections::HashSet<i64> = rows.iter().map(|r| r.version).collect();
    let mut pending: Vec<MigrationInfo> = known
        .values()
        .filter(|m| !applied.contains(&m.version))
        .map(|m| MigrationInfo {
            version: m.version,
            description: m.description.to_string(),
        })
        .collect();
    pending.sort_by_key(|m| m.version);
    status.pending = pending;
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let r = Retry {
            attempts: 5,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(3),
        };
        assert_eq!(r.backoff(1), Duration::from_millis(500));
        assert_eq!(r.backoff(2), Duration::from_secs(1));
        assert_eq!(r.backoff(3), Duration::from_secs(2));
        assert_eq!(r.backoff(4), Duration::from_secs(3));
        assert_eq!(r.backoff(40), Duration::from_secs(3));
    }

    #[test]
    fn migrations_are_embedded_in_order() {
        let versions: Vec<i64> = MIGRATOR.iter().map(|m| m.version).collect();
        assert!(!versions.is_empty(), "no migration embedded");
        assert!(versions.windows(2).all(|w| w[0] < w[1]));
    }
}
