//! Accounts: member signup, login lookup, password reset and email verification tokens.
//! Tokens are stored as keyed hashes (see `token.rs`), single use, with an expiry.

use chrono::{DateTime, Duration, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::Result;

pub const RESET_TTL: Duration = Duration::hours(1);
pub const INVITATION_TTL: Duration = Duration::days(7);
pub const VERIFICATION_TTL: Duration = Duration::days(3);

#[derive(Debug, Clone)]
pub struct NewMember<'a> {
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
}

/// Creates a FREE_USER account with its profile. A PASS signup also opens a subscription in
/// PENDING_PAYMENT with the chosen plan (DOMAIN.md §7.2, first row); the role stays FREE_USER
/// until the payment succeeds.
pub async fn create_member(
    conn: &mut PgConnection,
    member: &NewMember<'_>,
    pass_plan: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO users (email, password_hash, role, status, first_name, last_name, created_at, updated_at)
         VALUES ($1, $2, 'FREE_USER', 'ACTIVE', $3, $4, $5, $5) RETURNING id",
    )
    .bind(member.email)
    .bind(member.password_hash)
    .bind(member.first_name)
    .bind(member.last_name)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query("INSERT INTO profiles (user_id) VALUES ($1)")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    if let Some(plan) = pass_plan {
        sqlx::query(
            "INSERT INTO pass_subscriptions (user_id, plan, status) VALUES ($1, $2::pass_plan, 'PENDING_PAYMENT')",
        )
        .bind(id)
        .bind(plan)
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LoginRow {
    pub id: Uuid,
    pub password_hash: Option<String>,
    pub role: String,
    pub status: String,
}

/// The account an email logs into; deleted accounts never log in.
pub async fn find_for_login(pool: &PgPool, email: &str) -> Result<Option<LoginRow>> {
    Ok(sqlx::query_as(
        "SELECT id, password_hash, role::text AS role, status::text AS status
           FROM users WHERE email = $1 AND deleted_at IS NULL",
    )
    .bind(email)
    .fetch_optional(pool)
    .await?)
}

pub async fn password_hash(pool: &PgPool, user_id: Uuid) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(pool)
            .await?
            .flatten(),
    )
}

pub async fn record_login(pool: &PgPool, user_id: Uuid, now: DateTime<Utc>) -> Result<()> {
    sqlx::query("UPDATE users SET last_login_at = $2 WHERE id = $1")
        .bind(user_id)
        .bind(now)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn set_password(
    conn: &mut PgConnection,
    user_id: Uuid,
    password_hash: &str,
) -> Result<()> {
    sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
        .bind(user_id)
        .bind(password_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// Stores a reset (or invitation) token; the user's earlier unused tokens stop working.
pub async fn issue_reset_token(
    conn: &mut PgConnection,
    user_id: Uuid,
    token_hash: &[u8],
    ttl: Duration,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("DELETE FROM password_reset_tokens WHERE user_id = $1 AND used_at IS NULL")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO password_reset_tokens (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(now)
    .bind(now + ttl)
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks a valid reset token used and returns its user; `None` when unknown, used or expired.
pub async fn consume_reset_token(
    conn: &mut PgConnection,
    token_hashes: &[Vec<u8>],
    now: DateTime<Utc>,
) -> Result<Option<Uuid>> {
    Ok(sqlx::query_scalar(
        "UPDATE password_reset_tokens SET used_at = $2
          WHERE token_hash = ANY($1) AND used_at IS NULL AND expires_at > $2
          RETURNING user_id",
    )
    .bind(token_hashes)
    .bind(now)
    .fetch_optional(conn)
    .await?)
}

pub async fn issue_verification_token(
    conn: &mut PgConnection,
    user_id: Uuid,
    email: &str,
    token_hash: &[u8],
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("DELETE FROM email_verification_tokens WHERE user_id = $1 AND used_at IS NULL")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO email_verification_tokens (token_hash, user_id, email, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(email)
    .bind(now)
    .bind(now + VERIFICATION_TTL)
    .execute(conn)
    .await?;
    Ok(())
}

/// Confirms the address the token was sent to, if it is still the account's address.
pub async fn verify_email(
    conn: &mut PgConnection,
    token_hashes: &[Vec<u8>],
    now: DateTime<Utc>,
) -> Result<Option<Uuid>> {
    Ok(sqlx::query_scalar(
        "WITH t AS (
            UPDATE email_verification_tokens SET used_at = $2
             WHERE token_hash = ANY($1) AND used_at IS NULL AND expires_at > $2
             RETURNING user_id, email
         )
         UPDATE users u SET email_verified_at = $2
           FROM t WHERE u.id = t.user_id AND u.email = t.email
         RETURNING u.id",
    )
    .bind(token_hashes)
    .bind(now)
    .fetch_optional(conn)
    .await?)
}

/// Purge job: tokens past expiry.
pub async fn purge_tokens(pool: &PgPool, now: DateTime<Utc>) -> Result<u64> {
    let a = sqlx::query("DELETE FROM password_reset_tokens WHERE expires_at <= $1")
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected();
    let b = sqlx::query("DELETE FROM email_verification_tokens WHERE expires_at <= $1")
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected();
    Ok(a + b)
}
