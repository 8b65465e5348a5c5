//! Read models and guards of the admin back office (DOMAIN.md §6.15, §8.4): users, pros and
//! their applications, centers, PASS subscriptions, articles, table sizes. The writes reuse
//! the aggregate functions (`pros::review_application`, `users::set_status`,
//! `accounts::delete_account`, `pass::advance_carnet`, `blog::review`…).

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::db::listing::{Page, Paging, like_pattern};
use crate::domain::{Role, UserStatus};
use crate::{Error, Result};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct UserRow {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
    pub status: UserStatus,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub city: Option<String>,
    pub admin_notes: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
}

impl UserRow {
    pub fn name(&self) -> String {
        let n = format!(
            "{} {}",
            self.first_name.as_deref().unwrap_or_default(),
            self.last_name.as_deref().unwrap_or_default()
        );
        n.trim().to_owned()
    }

    /// What the audit log keeps of an account before/after a change.
    pub fn snapshot(&self) -> Value {
        json!({"role": self.role, "status": self.status, "adminNotes": self.admin_notes,
               "deleted": self.deleted_at.is_some()})
    }
}

#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub q: Option<String>,
    pub role: Option<Role>,
    pub status: Option<UserStatus>,
}

const USER_COLUMNS: &str =
    "id, email::text AS email, role, status, first_name, last_name, city, admin_notes,
                            created_at, last_login_at, deleted_at";

pub async fn users(pool: &PgPool, f: &UserFilter, paging: Paging) -> Result<Page<UserRow>> {
    let pattern = like_pattern(f.q.as_deref());
    let filter = "($1::text IS NULL OR email::text ILIKE $1
                    OR (coalesce(first_name, '') || ' ' || coalesce(last_name, '')) ILIKE $1)
                  AND ($2::role IS NULL OR role = $2) AND ($3::user_status IS NULL OR status = $3)";
    let total: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM users WHERE {filter}"))
        .bind(&pattern)
        .bind(f.role)
        .bind(f.status)
        .fetch_one(pool)
        .await?;
    let items = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE {filter} ORDER BY created_at DESC, id LIMIT $4 OFFSET $5"
    ))
    .bind(&pattern)
    .bind(f.role)
    .bind(f.status)
    .bind(paging.limit)
    .bind(paging.offset())
    .fetch_all(pool)
    .await?;
    Ok(Page::new(items, paging, total))
}

/// One account, locked for the caller's transaction.
pub async fn lock_user(conn: &mut PgConnection, user_id: Uuid) -> Result<UserRow> {
    sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE id = $1 FOR UPDATE"
    ))
    .bind(user_id)
    .fetch_optional(conn)
    .await?
    .ok_or(Error::NotFound)
}

pub async fn user(conn: &mut PgConnection, user_id: Uuid) -> Result<UserRow> {
    sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
        .bind(user_id)
        .fetch_optional(conn)
        .await?
        .ok_or(Error::NotFound)
}

/// Refuses to leave the platform without an active administrator (409
/// CANNOT_DEMOTE_LAST_ADMIN). Locks the admin rows so two admins demoting each other at
/// once cannot both pass.
pub async fn ensure_other_admin(conn: &mut PgConnection, user_id: Uuid) -> Result<()> {
    let others: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM users WHERE role = 'ADMIN' AND status = 'ACTIVE' AND deleted_at IS NULL AND id <> $1 FOR UPDATE",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await?;
    if others.is_empty() {
        return Err(Error::conflict(
            "CANNOT_DEMOTE_LAST_ADMIN",
            "Il doit rester au moins un administrateur actif",
        ));
    }
    Ok(())
}

/// `{status?, role?, adminNotes?}` of `PATCH /api/admin/users/{id}`, applied to a locked
/// account. Role changes are limited to FREE_USER ↔ ADMIN; statuses an admin sets by hand are
/// ACTIVE (reactivation) and SUSPENDED (the validation flow owns the others). Suspension
/// deletes the sessions (`users::set_status`).
pub async fn update_user(
    conn: &mut PgConnection,
    current: &UserRow,
    status: Option<UserStatus>,
    role: Option<Role>,
    admin_notes: Option<Option<&str>>,
) -> Result<()> {
    if current.deleted_at.is_some() && (status.is_some() || role.is_some()) {
        return Err(Error::conflict(
            "ACCOUNT_DELETED",
            "Ce compte a été supprimé et ne peut plus être modifié",
        ));
    }
    if let Some(role) = role.filter(|r| *r != current.role) {
        let allowed = matches!(
            (current.role, role),
            (Role::FreeUser, Role::Admin) | (Role::Admin, Role::FreeUser)
        );
        if !allowed {
            return Err(Error::field(
                "role",
                "seul le passage Membre ↔ Administrateur est possible",
            ));
        }
        if current.role == Role::Admin {
            ensure_other_admin(&mut *conn, current.id).await?;
        }
        sqlx::query("UPDATE users SET role = $2 WHERE id = $1")
            .bind(current.id)
            .bind(role)
            .execute(&mut *conn)
            .await?;
    }
    if let Some(status) = status.filter(|s| *s != current.status) {
        match status {
            UserStatus::Suspended => {
                if current.role == Role::Admin {
                    ensure_other_admin(&mut *conn, current.id).await?;
                }
            }
            UserStatus::Active if current.status == UserStatus::Suspended => {}
            _ => {
                return Err(Error::conflict(
                    "INVALID_STATUS",
                    "Seules la suspension et la réactivation d'un compte suspendu sont possibles ici",
                ));
            }
        }
        crate::db::users::set_status(&mut *conn, current.id, status).await?;
    }
    if let Some(notes) = admin_notes {
        if notes.is_some_and(|n| n.chars().count() > 5000) {
            return Err(Error::field("adminNotes", "5 000 caractères au plus"));
        }
        crate::db::users::set_admin_notes(&mut *conn, current.id, notes).await?;
    }
    Ok(())
}

#[derive(Debug, Clone, Serialize, serde::Deserialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationDocument {
    pub id: Uuid,
    pub slot: String,
    pub title: String,
    pub mime_type: String,
    pub size_bytes: Option<i64>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct PendingPro {
    pub user_id: Uuid,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub user_status: UserStatus,
    pub application_id: Uuid,
    pub requested_role: Role,
    pub discipline: String,
    pub experience_years: Option<i16>,
    pub ethics_statement: Option<String>,
    pub submitted_at: DateTime<Utc>,
    pub public_name: Option<String>,
    pub city: Option<String>,
    pub siret: Option<String>,
    #[sqlx(json)]
    pub documents: Vec<ApplicationDocument>,
}

/// Applications waiting for a decision, oldest first, with their documents.
pub async fn pending_pros(
    pool: &PgPool,
    role: Option<Role>,
    paging: Paging,
) -> Result<Page<PendingPro>> {
    let total: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pro_applications WHERE status = 'PENDING' AND ($1::role IS NULL OR requested_role = $1)",
    )
    .bind(role)
    .fetch_one(pool)
    .await?;
    let items = sqlx::query_as(
        r#"
        WITH p AS (
          SELECT user_id, public_name, city, siret FROM practitioner_profiles
          UNION ALL SELECT user_id, public_name, city, siret FROM artisan_profiles
          UNION ALL SELECT user_id, public_name, city, siret FROM merchant_profiles
          UNION ALL SELECT user_id, public_name, city, siret FROM center_profiles
        )
        SELECT u.id AS user_id, u.email::text AS email, u.first_name, u.last_name, u.status AS user_status,
               a.id AS application_id, a.requested_role, a.discipline, a.experience_years, a.ethics_statement,
               a.created_at AS submitted_at, p.public_name, p.city, p.siret::text AS siret,
               COALESCE((SELECT jsonb_agg(jsonb_build_object('id', d.id, 'slot', s.slot, 'title', d.title,
                                                             'mimeType', d.mime_type, 'sizeBytes', d.size_bytes)
                                          ORDER BY s.n)
                           FROM (VALUES (1, 'diploma', a.diploma_doc_id), (2, 'insurance', a.insurance_doc_id),
                                        (3, 'kbis', a.kbis_doc_id), (4, 'criminalRecord', a.criminal_record_doc_id))
                                AS s(n, slot, doc_id)
                           JOIN documents d ON d.id = s.doc_id), '[]'::jsonb) AS documents
          FROM pro_applications a
          JOIN users u ON u.id = a.user_id
          LEFT JOIN p ON p.user_id = u.id
         WHERE a.status = 'PENDING' AND ($1::role IS NULL OR a.requested_role = $1)
         ORDER BY a.created_at, a.id
         LIMIT $2 OFFSET $3
        "#,
    )
    .bind(role)
    .bind(paging.limit)
    .bind(paging.offset())
    .fetch_all(pool)
    .await?;
    Ok(Page::new(items, paging, total))
}

/// An application document the admin may open (category APPLICATION only, §5.3):
/// (title, mime type, storage key).
pub async fn application_document(
    pool: &PgPool,
    document_id: Uuid,
) -> Result<(String, String, String)> {
    sqlx::query_as(
        "SELECT title, mime_type, storage_key FROM documents WHERE id = $1 AND category = 'APPLICATION' AND storage_key IS NOT NULL",
    )
    .bind(document_id)
    .fetch_optional(pool)
    .await?
    .ok_or(Error::NotFound)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct ProRow {
    pub user_id: Uuid,
    pub profile_id: Uuid,
    pub role: Role,
    pub status: UserStatus,
    pub email: String,
    pub slug: String,
    pub public_name: String,
    pub city: Option<String>,
    pub verified: bool,
    pub featured: bool,
    /// Centers only.
    pub qualiopi_certified: Option<bool>,
    /// Centers only.
    pub formations_count: Option<i64>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default)]
pub struct ProFilter {
    pub role: Option<Role>,
    pub verified: Option<bool>,
    pub featured: Option<bool>,
    pub q: Option<String>,
}

const ALL_PROS: &str = r#"
    WITH p AS (
      SELECT user_id, id, slug::text AS slug, public_name, city, verified, featured, NULL::bool AS qualiopi_certified,
             NULL::bigint AS formations_count FROM practitioner_profiles
      UNION ALL SELECT user_id, id, slug::text, public_name, city, verified, featured, NULL, NULL FROM artisan_profiles
      UNION ALL SELECT user_id, id, slug::text, public_name, city, verified, featured, NULL, NULL FROM merchant_profiles
      UNION ALL SELECT c.user_id, c.id, c.slug::text, c.public_name, c.city, c.verified, c.featured, c.qualiopi_certified,
                       (SELECT count(*) FROM formations f WHERE f.center_id = c.id) FROM center_profiles c
    )
    SELECT p.user_id, p.id AS profile_id, u.role, u.status, u.email::text AS email, p.slug, p.public_name, p.city,
           p.verified, p.featured, p.qualiopi_certified, p.formations_count, u.created_at
      FROM p JOIN users u ON u.id = p.user_id
     WHERE u.deleted_at IS NULL AND ($1::role IS NULL OR u.role = $1) AND ($2::bool IS NULL OR p.verified = $2)
       AND ($3::bool IS NULL OR p.featured = $3)
       AND ($4::text IS NULL OR p.public_name ILIKE $4 OR u.email::text ILIKE $4 OR p.city ILIKE $4)
"#;

pub async fn all_pros(pool: &PgPool, f: &ProFilter, paging: Paging) -> Result<Page<ProRow>> {
    let pattern = like_pattern(f.q.as_deref());
    let total: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM ({ALL_PROS}) t"))
        .bind(f.role)
        .bind(f.verified)
        .bind(f.featured)
        .bind(&pattern)
        .fetch_one(pool)
        .await?;
    let items = sqlx::query_as(&format!(
        "{ALL_PROS} ORDER BY p.public_name, p.id LIMIT $5 OFFSET $6"
    ))
    .bind(f.role)
    .bind(f.verified)
    .bind(f.featured)
    .bind(&pattern)
    .bind(paging.limit)
    .bind(paging.offset())
    .fetch_all(pool)
    .await?;
    Ok(Page::new(items, paging, total))
}

/// `(verified, featured)` of a pro's profile, locked.
pub async fn lock_visibility(
    conn: &mut PgConnection,
    kind: crate::db::pros::ProKind,
    user_id: Uuid,
) -> Result<(bool, bool)> {
    sqlx::query_as(&format!(
        "SELECT verified, featured FROM {} WHERE user_id = $1 FOR UPDATE",
        kind.table()
    ))
    .bind(user_id)
    .fetch_optional(conn)
    .await?
    .ok_or(Error::NotFound)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub email: String,
    pub status: crate::domain::PassStatus,
    pub plan: crate::domain::PassPlan,
    pub months_paid: i32,
    pub carnet_status: crate::domain::CarnetStatus,
    pub carnet_eta: Option<NaiveDate>,
    pub carnet_tracking_number: Option<String>,
    pub carnet_address: Option<Value>,
    pub current_period_end: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default)]
pub struct SubscriptionFilter {
    pub status: Option<crate::domain::PassStatus>,
    pub plan: Option<crate::domain::PassPlan>,
    pub carnet: Option<crate::domain::CarnetStatus>,
}

pub async fn subscriptions(
    pool: &PgPool,
    f: &SubscriptionFilter,
    paging: Paging,
) -> Result<Page<SubscriptionRow>> {
    let filter =
        "($1::pass_status IS NULL OR s.status = $1) AND ($2::pass_plan IS NULL OR s.plan = $2)
                  AND ($3::carnet_shipment_status IS NULL OR s.carnet_status = $3)";
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM pass_subscriptions s WHERE {filter}"
    ))
    .bind(f.status)
    .bind(f.plan)
    .bind(f.carnet)
    .fetch_one(pool)
    .await?;
    let items = sqlx::query_as(&format!(
        "SELECT s.id, s.user_id, trim(coalesce(u.first_name, '') || ' ' || coalesce(u.last_name, '')) AS name,
                u.email::text AS email, s.status, s.plan, s.months_paid, s.carnet_status, s.carnet_eta,
                s.carnet_tracking_number, s.carnet_address, s.current_period_end
           FROM pass_subscriptions s JOIN users u ON u.id = s.user_id
          WHERE {filter}
          ORDER BY CASE s.carnet_status WHEN 'PENDING' THEN 0 WHEN 'PROCESSING' THEN 1 WHEN 'SHIPPED' THEN 2 ELSE 3 END,
                   s.created_at, s.id
          LIMIT $4 OFFSET $5"
    ))
    .bind(f.status)
    .bind(f.plan)
    .bind(f.carnet)
    .bind(paging.limit)
    .bind(paging.offset())
    .fetch_all(pool)
    .await?;
    Ok(Page::new(items, paging, total))
}

/// The carnet fields of a subscription, for the audit log.
pub async fn carnet_snapshot(conn: &mut PgConnection, subscription_id: Uuid) -> Result<Value> {
    let row: Option<(crate::domain::CarnetStatus, Option<String>, Option<NaiveDate>)> = sqlx::query_as(
        "SELECT carnet_status, carnet_tracking_number, carnet_eta FROM pass_subscriptions WHERE id = $1",
    )
    .bind(subscription_id)
    .fetch_optional(conn)
    .await?;
    let (status, tracking, eta) = row.ok_or(Error::NotFound)?;
    Ok(json!({"carnetStatus": status, "trackingNumber": tracking, "eta": eta}))
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct ArticleRow {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub excerpt: Option<String>,
    pub content: String,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub cover_url: Option<String>,
    pub author_user_id: Option<Uuid>,
    pub author_display_name: String,
    pub status: crate::domain::ArticleStatus,
    pub reading_minutes: i16,
    pub submitted_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    pub review_note: Option<String>,
    pub updated_at: DateTime<Utc>,
}

const ARTICLE_COLUMNS: &str = "id, slug::text AS slug, title, excerpt, content, category, tags, cover_url, author_user_id,
    author_display_name, status, reading_minutes, submitted_at, published_at, review_note, updated_at";

/// Submitted articles first (the review queue), then the others by last change.
pub async fn articles(
    pool: &PgPool,
    status: Option<crate::domain::ArticleStatus>,
    paging: Paging,
) -> Result<Page<ArticleRow>> {
    let total: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM articles WHERE ($1::article_status IS NULL OR status = $1)",
    )
    .bind(status)
    .fetch_one(pool)
    .await?;
    let items = sqlx::query_as(&format!(
        "SELECT {ARTICLE_COLUMNS} FROM articles WHERE ($1::article_status IS NULL OR status = $1)
          ORDER BY (status = 'SUBMITTED') DESC, submitted_at NULLS LAST, updated_at DESC, id
          LIMIT $2 OFFSET $3"
    ))
    .bind(status)
    .bind(paging.limit)
    .bind(paging.offset())
    .fetch_all(pool)
    .await?;
    Ok(Page::new(items, paging, total))
}

pub async fn article(conn: &mut PgConnection, id: Uuid) -> Result<ArticleRow> {
    sqlx::query_as(&format!(
        "SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(Error::NotFound)
}

impl ArticleRow {
    pub fn snapshot(&self) -> Value {
        json!({"status": self.status, "title": self.title, "reviewNote": self.review_note})
    }
}

/// Partial update of an article by an admin (any status; the slug stays, public URLs too).
#[derive(Debug, Clone, Default)]
pub struct ArticlePatch {
    pub title: Option<String>,
    pub excerpt: Option<Option<String>>,
    pub content: Option<String>,
    pub category: Option<Option<String>>,
    pub tags: Option<Vec<String>>,
    pub cover_url: Option<Option<String>>,
}

pub async fn update_article(conn: &mut PgConnection, id: Uuid, p: &ArticlePatch) -> Result<()> {
    if let Some(t) = &p.title
        && (t.trim().is_empty() || t.chars().count() > 200)
    {
        return Err(Error::field(
            "title",
            "titre requis (200 caractères au plus)",
        ));
    }
    let reading = p.content.as_deref().map(crate::db::blog::reading_minutes);
    let n = sqlx::query(
        "UPDATE articles SET title = COALESCE($2, title),
                excerpt = CASE WHEN $3 THEN $4 ELSE excerpt END,
                content = COALESCE($5, content),
                category = CASE WHEN $6 THEN $7 ELSE category END,
                tags = COALESCE($8, tags),
                cover_url = CASE WHEN $9 THEN $10 ELSE cover_url END,
                reading_minutes = COALESCE($11, reading_minutes)
          WHERE id = $1",
    )
    .bind(id)
    .bind(p.title.as_deref().map(str::trim))
    .bind(p.excerpt.is_some())
    .bind(p.excerpt.clone().flatten())
    .bind(&p.content)
    .bind(p.category.is_some())
    .bind(p.category.clone().flatten())
    .bind(&p.tags)
    .bind(p.cover_url.is_some())
    .bind(p.cover_url.clone().flatten())
    .bind(reading)
    .execute(conn)
    .await
    .map_err(|e| crate::db::support::map_code(e, "23514", Error::validation("valeurs invalides")))?
    .rows_affected();
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}

pub async fn delete_article(conn: &mut PgConnection, id: Uuid) -> Result<()> {
    let n = sqlx::query("DELETE FROM articles WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?
        .rows_affected();
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}

#[derive(Debug, Clone, Serialize)]
pub struct TableRows {
    pub table: String,
    pub rows: i64,
}

/// Exact row counts of every application table (`/admin/database`).
pub async fn db_stats(pool: &PgPool) -> Result<Vec<TableRows>> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_sqlx_migrations' ORDER BY 1",
    )
    .fetch_all(pool)
    .await?;
    if tables.is_empty() {
        return Ok(Vec::new());
    }
    // One statement for all tables; the names come from the catalogue and are quoted.
    let sql = tables
        .iter()
        .map(|t| {
            let quoted = t.replace('"', "\"\"");
            format!(
                "SELECT '{}'::text, count(*) FROM \"{quoted}\"",
                t.replace('\'', "''")
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let rows: Vec<(String, i64)> = sqlx::query_as(&sql).fetch_all(pool).await?;
    Ok(rows
        .into_iter()
        .map(|(table, rows)| TableRows { table, rows })
        .collect())
}
