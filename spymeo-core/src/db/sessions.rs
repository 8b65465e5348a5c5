//! Login sessions (DOMAIN.md A3). The cookie carries a random token; the table keeps only
//! its keyed hash. Role and status are read from `users` on every request, so a suspension
//! or a role change applies at once.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::Result;

/// Sessions last 7 days and slide: a request renews one with fewer than 6 days left.
pub const LIFETIME: Duration = Duration::days(7);
const RENEW_BELOW: Duration = Duration::days(6);

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionUser {
    pub user_id: Uuid,
    pub email: String,
    pub role: String,
    pub status: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub avatar_url: Option<String>,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub pass_status: Option<String>,
    pub pass_plan: Option<String>,
    pub token_hash: Vec<u8>,
    pub expires_at: DateTime<Utc>,
}

pub async fn create(
    conn: &mut PgConnection,
    token_hash: &[u8],
    user_id: Uuid,
    ip: Option<IpAddr>,
    user_agent: Option<&str>,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>> {
    let expires_at = now + LIFETIME;
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at, ip, user_agent)
         VALUES ($1, $2, $3, $4, $3, $5, $6)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(now)
    .bind(expires_at)
    .bind(ip.map(sqlx::types::ipnetwork::IpNetwork::from))
    .bind(user_agent.map(|ua| ua.chars().take(300).collect::<String>()))
    .execute(conn)
    .await?;
    Ok(expires_at)
}

/// The live session whose hash is one of `hashes` (the current key's first, then the
/// previous key's during a rotation), with its user. Deleted users have no session.
pub async fn find(
    pool: &PgPool,
    hashes: &[Vec<u8>],
    now: DateTime<Utc>,
) -> Result<Option<SessionUser>> {
    Ok(sqlx::query_as::<_, SessionUser>(
        r#"
        SELECT u.id AS user_id, u.email::text AS email, u.role::text AS role, u.status::text AS status,
               u.first_name, u.last_name, p.avatar_url, u.email_verified_at,
               ps.status::text AS pass_status, ps.plan::text AS pass_plan,
               s.token_hash, s.expires_at
          FROM sessions s
          -- A suspended or rejected account has no valid session, even if a row survived.
          JOIN users u ON u.id = s.user_id AND u.deleted_at IS NULL
                      AND u.status NOT IN ('SUSPENDED', 'REJECTED')
          LEFT JOIN profiles p ON p.user_id = u.id
          LEFT JOIN pass_subscriptions ps ON ps.user_id = u.id
         WHERE s.token_hash = ANY($1) AND s.expires_at > $2
         LIMIT 1
        "#,
    )
    .bind(hashes)
    .bind(now)
    .fetch_optional(pool)
    .await?)
}

/// Re-keys a session found under the previous secret, so it outlives that secret's removal.
pub async fn rekey(pool: &PgPool, old_hash: &[u8], new_hash: &[u8]) -> Result<()> {
    sqlx::query("UPDATE sessions SET token_hash = $2 WHERE token_hash = $1")
        .bind(old_hash)
        .bind(new_hash)
        .execute(pool)
        .await?;
    Ok(())
}

/// Sliding expiry; returns the new expiry when it was renewed (the cookie is re-sent then).
pub async fn touch(
    pool: &PgPool,
    hash: &[u8],
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>> {
    if expires_at - now >= RENEW_BELOW {
        return Ok(None);
    }
    let renewed = now + LIFETIME;
    sqlx::query("UPDATE sessions SET expires_at = $2, last_seen_at = $3 WHERE token_hash = $1")
        .bind(hash)
        .bind(renewed)
        .bind(now)
        .execute(pool)
        .await?;
    Ok(Some(renewed))
}

pub async fn delete(pool: &PgPool, hash: &[u8]) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(hash)
        .execute(pool)
        .await?;
    Ok(())
}

/// Ends every session of a user (password reset, suspension), except `keep` if given
/// (a password change keeps the session that made it).
pub async fn delete_for_user(
    conn: &mut PgConnection,
    user_id: Uuid,
    keep: Option<&[u8]>,
) -> Result<u64> {
    let done = sqlx::query(
        "DELETE FROM sessions WHERE user_id = $1 AND ($2::bytea IS NULL OR token_hash <> $2)",
    )
    .bind(user_id)
    .bind(keep)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Purge job: expired sessions.
pub async fn purge_expired(pool: &PgPool, now: DateTime<Utc>) -> Result<u64> {
    Ok(sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected())
}
