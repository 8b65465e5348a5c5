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

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Profile {
    pub phone: Option<String>,
    pub birth_date: Option<chrono::NaiveDate>,
    pub address_line: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub bio: Option<String>,
    pub website: Option<String>,
    pub avatar_url: Option<String>,
    pub notify_appointments_email: bool,
    pub notify_messages_email: bool,
    pub newsletter: bool,
    pub created_at: DateTime<Utc>,
}

pub async fn profile(pool: &PgPool, user_id: Uuid) -> Result<Profile> {
    Ok(sqlx::query_as(
        "SELECT u.phone::text AS phone, u.birth_date, u.address_line, u.city, u.postal_code::text AS postal_code,
                p.bio, p.website, p.avatar_url,
                COALESCE(p.notify_appointments_email, true) AS notify_appointments_email,
                COALESCE(p.notify_messages_email, true) AS notify_messages_email,
                COALESCE(p.newsletter, false) AS newsletter, u.created_at
           FROM users u LEFT JOIN profiles p ON p.user_id = u.id
          WHERE u.id = $1",
    )
    .bind(user_id)
    .fetch_one(pool)
    .await?)
}

/// A partial update of the account's own fields (never role, status or admin notes).
/// `Some(None)` clears a field, `None` leaves it.
#[derive(Debug, Default, Clone)]
pub struct ProfilePatch {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<Option<String>>,
    pub birth_date: Option<Option<chrono::NaiveDate>>,
    pub address_line: Option<Option<String>>,
    pub city: Option<Option<String>>,
    pub postal_code: Option<Option<String>>,
    pub bio: Option<Option<String>>,
    pub website: Option<Option<String>>,
}

pub async fn update_profile(
    conn: &mut PgConnection,
    user_id: Uuid,
    p: &ProfilePatch,
) -> Result<()> {
    sqlx::query(
        "UPDATE users SET
            first_name   = COALESCE($2, first_name),
            last_name    = COALESCE($3, last_name),
            phone        = CASE WHEN $4 THEN $5::phone ELSE phone END,
            birth_date   = CASE WHEN $6 THEN $7 ELSE birth_date END,
            address_line = CASE WHEN $8 THEN $9 ELSE address_line END,
            city         = CASE WHEN $10 THEN $11 ELSE city END,
            postal_code  = CASE WHEN $12 THEN $13::postal_code_fr ELSE postal_code END
          WHERE id = $1",
    )
    .bind(user_id)
    .bind(&p.first_name)
    .bind(&p.last_name)
    .bind(p.phone.is_some())
    .bind(p.phone.clone().flatten())
    .bind(p.birth_date.is_some())
    .bind(p.birth_date.flatten())
    .bind(p.address_line.is_some())
    .bind(p.address_line.clone().flatten())
    .bind(p.city.is_some())
    .bind(p.city.clone().flatten())
    .bind(p.postal_code.is_some())
    .bind(p.postal_code.clone().flatten())
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO profiles (user_id, bio, website) VALUES ($1, $3, $5)
         ON CONFLICT (user_id) DO UPDATE SET
            bio     = CASE WHEN $2 THEN $3 ELSE profiles.bio END,
            website = CASE WHEN $4 THEN $5 ELSE profiles.website END",
    )
    .bind(user_id)
    .bind(p.bio.is_some())
    .bind(p.bio.clone().flatten())
    .bind(p.website.is_some())
    .bind(p.website.clone().flatten())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_avatar(pool: &PgPool, user_id: Uuid, url: Option<&str>) -> Result<Option<String>> {
    let previous: Option<String> =
        sqlx::query_scalar("SELECT avatar_url FROM profiles WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(pool)
            .await?
            .flatten();
    sqlx::query(
        "INSERT INTO profiles (user_id, avatar_url) VALUES ($1, $2)
         ON CONFLICT (user_id) DO UPDATE SET avatar_url = EXCLUDED.avatar_url",
    )
    .bind(user_id)
    .bind(url)
    .execute(pool)
    .await?;
    Ok(previous)
}

pub async fn set_email_preferences(
    pool: &PgPool,
    user_id: Uuid,
    appointments: bool,
    messages: bool,
    newsletter: bool,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO profiles (user_id, notify_appointments_email, notify_messages_email, newsletter)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id) DO UPDATE SET notify_appointments_email = $2, notify_messages_email = $3, newsletter = $4",
    )
    .bind(user_id)
    .bind(appointments)
    .bind(messages)
    .bind(newsletter)
    .execute(pool)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Subscription {
    pub plan: String,
    pub status: String,
    pub started_at: Option<DateTime<Utc>>,
    pub current_period_end: Option<DateTime<Utc>>,
    pub cancel_at_period_end: bool,
    pub pause_used: bool,
    pub paused_until: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Payment {
    pub id: Uuid,
    pub paid_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub amount_cents: i32,
    pub plan: String,
    pub months_covered: i16,
    pub status: String,
    pub receipt_url: Option<String>,
}

pub async fn billing(pool: &PgPool, user_id: Uuid) -> Result<(Option<Subscription>, Vec<Payment>)> {
    let sub = sqlx::query_as(
        "SELECT plan::text AS plan, status::text AS status, started_at, current_period_end,
                cancel_at_period_end, pause_used, paused_until
           FROM pass_subscriptions WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(pool)
    .await?;
    let payments = sqlx::query_as(
        "SELECT id, paid_at, created_at, amount_cents, plan::text AS plan, months_covered,
                status::text AS status, receipt_url
           FROM pass_payments WHERE user_id = $1 ORDER BY period_start DESC LIMIT 100",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    Ok((sub, payments))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deletion {
    /// Nothing the law makes us keep: the account and everything it owns are gone.
    Hard,
    /// Issued invoices, ledger entries, stock history… remain for 10 years: the account is
    /// anonymised and closed instead (DOMAIN.md §7.10).
    Soft,
}

/// Deletes an account under the retention rules. The hard delete runs in a savepoint: when a
/// RESTRICT foreign key (issued invoices, pre-compta entries, stock movements, number
/// sequences) refuses it, the account is anonymised instead, so the rule follows the schema
/// rather than a list kept by hand.
pub async fn delete_account(
    conn: &mut PgConnection,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Deletion> {
    use sqlx::Connection as _;
    let mut sp = conn.begin().await?;
    let hard = async {
        // Drafts are not retained documents, but their RESTRICT keys would block the delete.
        sqlx::query(
            "DELETE FROM invoices WHERE status = 'DRAFT'
               AND practitioner_id IN (SELECT id FROM practitioner_profiles WHERE user_id = $1)",
        )
        .bind(user_id)
        .execute(&mut *sp)
        .await?;
        sqlx::query("DELETE FROM users WHERE id = $1")
            .bind(user_id)
            .execute(&mut *sp)
            .await
    }
    .await;
    match hard {
        Ok(_) => {
            sp.commit().await?;
            return Ok(Deletion::Hard);
        }
        // A RESTRICT key, or an append-only / immutability trigger refusing the cascade's
        // SET NULL (e.g. `stock_movements.created_by`): the row is retained, so anonymise.
        Err(sqlx::Error::Database(e))
            if e.code().as_deref() == Some("23503")
                || (e.code().as_deref() == Some("23514")
                    && matches!(
                        e.constraint(),
                        Some(
                            "stock_movements_append_only"
                                | "precompta_derived_immutable"
                                | "invoices_immutable"
                        )
                    )) =>
        {
            sp.rollback().await?
        }
        Err(e) => return Err(e.into()),
    }
    sqlx::query(
        "UPDATE users SET deleted_at = $2, status = 'SUSPENDED', role = CASE WHEN role = 'PASS_USER' THEN 'FREE_USER' ELSE role END,
                email = 'deleted+' || id || '@invalid.spymeo.fr', password_hash = NULL,
                first_name = NULL, last_name = NULL, phone = NULL, birth_date = NULL,
                address_line = NULL, city = NULL, postal_code = NULL
          WHERE id = $1",
    )
    .bind(user_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    for table in [
        "practitioner_profiles",
        "artisan_profiles",
        "merchant_profiles",
        "center_profiles",
    ] {
        sqlx::query(&format!(
            "UPDATE {table} SET verified = false, featured = false WHERE user_id = $1"
        ))
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query(
        "UPDATE pass_subscriptions SET status = 'CANCELLED', cancelled_at = COALESCE(cancelled_at, $2)
          WHERE user_id = $1 AND status NOT IN ('CANCELLED', 'EXPIRED')",
    )
    .bind(user_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE pass_discounts SET active = false WHERE partner_user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(Deletion::Soft)
}

/// Creates an ADMIN account (the bootstrap of a new environment).
pub async fn create_admin(
    conn: &mut PgConnection,
    email: &str,
    password_hash: &str,
    first_name: Option<&str>,
    last_name: Option<&str>,
) -> Result<Uuid> {
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO users (email, password_hash, role, status, first_name, last_name, email_verified_at)
         VALUES ($1, $2, 'ADMIN', 'ACTIVE', $3, $4, now()) RETURNING id",
    )
    .bind(email)
    .bind(password_hash)
    .bind(first_name)
    .bind(last_name)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query("INSERT INTO profiles (user_id) VALUES ($1)")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(id)
}
