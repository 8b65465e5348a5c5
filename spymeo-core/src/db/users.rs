//! User accounts with their 1:1 profile row (DOMAIN.md A1, A2).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{Connection as _, PgConnection};
use uuid::Uuid;

use crate::Result;
use crate::db::support::unique_conflict;
use crate::domain::{Role, UserStatus};

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    /// An argon2id PHC string; `None` for an invited account without password yet.
    pub password_hash: Option<String>,
    pub role: Role,
    pub status: UserStatus,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub address_line: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub email_verified: bool,
    pub avatar_url: Option<String>,
    pub bio: Option<String>,
    pub newsletter: bool,
}

impl NewUser {
    pub fn new(email: impl Into<String>, role: Role, status: UserStatus) -> Self {
        NewUser {
            email: email.into(),
            password_hash: None,
            role,
            status,
            first_name: None,
            last_name: None,
            phone: None,
            birth_date: None,
            address_line: None,
            city: None,
            postal_code: None,
            email_verified: false,
            avatar_url: None,
            bio: None,
            newsletter: false,
        }
    }
}

/// Creates the account and its profile in one transaction; 409 EMAIL_TAKEN when the address
/// is used (case-insensitive, `citext`).
pub async fn create_user(conn: &mut PgConnection, u: &NewUser, now: DateTime<Utc>) -> Result<Uuid> {
    let mut tx = conn.begin().await?;
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO users (email, password_hash, role, status, first_name, last_name, phone, birth_date,
                            address_line, city, postal_code, email_verified_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
    )
    .bind(&u.email)
    .bind(&u.password_hash)
    .bind(u.role)
    .bind(u.status)
    .bind(&u.first_name)
    .bind(&u.last_name)
    .bind(&u.phone)
    .bind(u.birth_date)
    .bind(&u.address_line)
    .bind(&u.city)
    .bind(&u.postal_code)
    .bind(u.email_verified.then_some(now))
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| unique_conflict(e, "EMAIL_TAKEN", "Cette adresse e-mail est déjà utilisée"))?;
    sqlx::query(
        "INSERT INTO profiles (user_id, avatar_url, bio, newsletter, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(id)
    .bind(&u.avatar_url)
    .bind(&u.bio)
    .bind(u.newsletter)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Admin status change. Suspension and rejection revoke every session (DOMAIN.md §5.2.5).
pub async fn set_status(conn: &mut PgConnection, user_id: Uuid, status: UserStatus) -> Result<()> {
    let mut tx = conn.begin().await?;
    let n = sqlx::query("UPDATE users SET status = $2 WHERE id = $1")
        .bind(user_id)
        .bind(status)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(crate::Error::NotFound);
    }
    if matches!(status, UserStatus::Suspended | UserStatus::Rejected) {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn set_admin_notes(
    conn: &mut PgConnection,
    user_id: Uuid,
    notes: Option<&str>,
) -> Result<()> {
    sqlx::query("UPDATE users SET admin_notes = $2 WHERE id = $1")
        .bind(user_id)
        .bind(notes)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn record_login(
    conn: &mut PgConnection,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("UPDATE users SET last_login_at = $2 WHERE id = $1")
        .bind(user_id)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}
