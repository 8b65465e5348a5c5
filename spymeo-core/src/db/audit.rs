//! The admin audit log (migration 20261202000006): one append-only row per admin action,
//! written on the action's own connection so it commits or rolls back with it.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::Result;
use crate::db::listing::{Page, Paging, like_pattern};

/// Who acts: the admin's id and e-mail (a snapshot, the log outlives accounts).
#[derive(Debug, Clone)]
pub struct AuditActor {
    pub user_id: Uuid,
    pub email: String,
}

/// One admin action. `action` is `area.verb` (`user.suspend`, `pro.approve`…).
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: Option<Uuid>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub note: Option<&'a str>,
}

pub async fn record(
    conn: &mut PgConnection,
    actor: &AuditActor,
    e: &AuditEntry<'_>,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    Ok(sqlx::query_scalar(
        "INSERT INTO admin_audit_log (actor_user_id, actor_email, action, target_type, target_id, before, after, note, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(actor.user_id)
    .bind(&actor.email)
    .bind(e.action)
    .bind(e.target_type)
    .bind(e.target_id)
    .bind(&e.before)
    .bind(&e.after)
    .bind(e.note)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct LoggedAction {
    pub id: Uuid,
    pub actor_user_id: Uuid,
    pub actor_email: String,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<Uuid>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Matches the action, the actor's e-mail or the target type.
    pub q: Option<String>,
    pub target_id: Option<Uuid>,
}

/// Newest first.
pub async fn list(pool: &PgPool, f: &AuditFilter, paging: Paging) -> Result<Page<LoggedAction>> {
    let pattern = like_pattern(f.q.as_deref());
    let total: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM admin_audit_log
          WHERE ($1::text IS NULL OR action ILIKE $1 OR actor_email ILIKE $1 OR target_type ILIKE $1)
            AND ($2::uuid IS NULL OR target_id = $2)",
    )
    .bind(&pattern)
    .bind(f.target_id)
    .fetch_one(pool)
    .await?;
    let items = sqlx::query_as(
        "SELECT id, actor_user_id, actor_email, action, target_type, target_id, before, after, note, created_at
           FROM admin_audit_log
          WHERE ($1::text IS NULL OR action ILIKE $1 OR actor_email ILIKE $1 OR target_type ILIKE $1)
            AND ($2::uuid IS NULL OR target_id = $2)
          ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4",
    )
    .bind(&pattern)
    .bind(f.target_id)
    .bind(paging.limit)
    .bind(paging.offset())
    .fetch_all(pool)
    .await?;
    Ok(Page::new(items, paging, total))
}
