//! Read models and small writes of the member space (DOMAIN.md §6.5–6.7, §8.2): my
//! appointments, my documents, my favorites, my notes, my notifications, my conversations and
//! my PASS. Every query is scoped by the session user's id; other users' rows are invisible
//! (404 for the callers).

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::domain::FavoriteTarget;
use crate::{Error, Result};

/// DOMAIN.md §6.1 `Appt`, as its linked member sees it.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MyAppointment {
    pub id: Uuid,
    pub title: String,
    #[serde(rename = "start")]
    pub starts_at: DateTime<Utc>,
    #[serde(rename = "end")]
    pub ends_at: DateTime<Utc>,
    pub status: String,
    pub location_kind: String,
    pub location_text: Option<String>,
    pub visio_url: Option<String>,
    pub price_cents: Option<i32>,
    pub appointment_type_id: Option<Uuid>,
    #[serde(skip)]
    pub practitioner_id: Uuid,
    pub practitioner_slug: String,
    pub practitioner_name: String,
    pub practitioner_photo_url: Option<String>,
    #[serde(skip)]
    pub practitioner_user_id: Uuid,
    pub practitioner_address: Option<String>,
    pub practitioner_city: Option<String>,
    pub practitioner_phone: Option<String>,
    pub practitioner_email: Option<String>,
    #[serde(skip)]
    pub window_hours: i16,
    #[sqlx(skip)]
    pub can_cancel: bool,
    #[sqlx(skip)]
    pub can_cancel_until: Option<DateTime<Utc>>,
}

impl MyAppointment {
    fn with_window(mut self, now: DateTime<Utc>) -> Self {
        let until = self.starts_at - Duration::hours(self.window_hours.into());
        self.can_cancel_until = Some(until);
        self.can_cancel = matches!(self.status.as_str(), "SCHEDULED" | "CONFIRMED") && now <= until;
        self
    }
}

const APPT_SELECT: &str = "
    SELECT a.id, a.title, a.starts_at, a.ends_at, a.status::text AS status, a.location_kind::text AS location_kind,
           a.location_text, a.visio_url, a.price_cents, a.appointment_type_id, a.practitioner_id,
           p.slug::text AS practitioner_slug, p.public_name AS practitioner_name, p.photo_url AS practitioner_photo_url,
           p.user_id AS practitioner_user_id,
           p.address_line AS practitioner_address, p.city AS practitioner_city,
           p.phone_public::text AS practitioner_phone, p.email_public::text AS practitioner_email,
           COALESCE(s.cancellation_window_hours, 24::smallint) AS window_hours
      FROM appointments a
      JOIN practitioner_profiles p ON p.id = a.practitioner_id
      LEFT JOIN agenda_settings s ON s.practitioner_id = a.practitioner_id
      LEFT JOIN clients c ON c.id = a.client_id
     WHERE (a.booked_by_user_id = $1 OR c.user_id = $1)";

/// `GET /api/user/appointments?scope=upcoming|past`: upcoming = SCHEDULED/CONFIRMED from now,
/// ascending; past = the rest, descending.
pub async fn appointments(
    pool: &PgPool,
    user_id: Uuid,
    upcoming: bool,
    page: i64,
    limit: i64,
    now: DateTime<Utc>,
) -> Result<(Vec<MyAppointment>, i64)> {
    let cond = if upcoming {
        "AND a.status IN ('SCHEDULED', 'CONFIRMED') AND a.starts_at >= $2 ORDER BY a.starts_at"
    } else {
        "AND NOT (a.status IN ('SCHEDULED', 'CONFIRMED') AND a.starts_at >= $2) ORDER BY a.starts_at DESC"
    };
    let rows: Vec<MyAppointment> =
        sqlx::query_as(&format!("{APPT_SELECT} {cond} LIMIT $3 OFFSET $4"))
            .bind(user_id)
            .bind(now)
            .bind(limit)
            .bind((page - 1).max(0).saturating_mul(limit))
            .fetch_all(pool)
            .await?;
    let status = if upcoming { "" } else { "NOT" };
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM appointments a LEFT JOIN clients c ON c.id = a.client_id
          WHERE (a.booked_by_user_id = $1 OR c.user_id = $1)
            AND {status} (a.status IN ('SCHEDULED', 'CONFIRMED') AND a.starts_at >= $2)"
    ))
    .bind(user_id)
    .bind(now)
    .fetch_one(pool)
    .await?;
    Ok((
        rows.into_iter().map(|a| a.with_window(now)).collect(),
        total,
    ))
}

/// One of my appointments; None for anyone else's (AR-13).
pub async fn appointment(
    pool: &PgPool,
    user_id: Uuid,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<MyAppointment>> {
    let row: Option<MyAppointment> = sqlx::query_as(&format!("{APPT_SELECT} AND a.id = $2"))
        .bind(user_id)
        .bind(id)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(|a| a.with_window(now)))
}

/// "Mes praticiens": practitioners I am a linked client of or booked with.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MyPractitioner {
    pub slug: String,
    pub public_name: String,
    pub specialties: Vec<String>,
    pub city: Option<String>,
    pub photo_url: Option<String>,
    pub last_visit_at: Option<DateTime<Utc>>,
    pub next_appointment: Option<DateTime<Utc>>,
}

pub async fn practitioners(
    pool: &PgPool,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<MyPractitioner>> {
    Ok(sqlx::query_as(
        "SELECT p.slug::text AS slug, p.public_name, p.specialties, p.city, p.photo_url,
                max(a.starts_at) FILTER (WHERE a.status = 'COMPLETED') AS last_visit_at,
                min(a.starts_at) FILTER (WHERE a.status IN ('SCHEDULED', 'CONFIRMED') AND a.starts_at >= $2) AS next_appointment
           FROM appointments a
           JOIN practitioner_profiles p ON p.id = a.practitioner_id
           LEFT JOIN clients c ON c.id = a.client_id
          WHERE a.booked_by_user_id = $1 OR c.user_id = $1
          GROUP BY p.id ORDER BY p.public_name",
    )
    .bind(user_id)
    .bind(now)
    .fetch_all(pool)
    .await?)
}

/// Non-draft invoices of the clients linked to me (AR-22).
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MyInvoice {
    pub id: Uuid,
    pub number: Option<String>,
    pub issue_date: Option<chrono::NaiveDate>,
    pub total_ttc_cents: i32,
    pub status: String,
    pub practitioner_name: String,
}

pub async fn invoices(pool: &PgPool, user_id: Uuid) -> Result<Vec<MyInvoice>> {
    Ok(sqlx::query_as(
        "SELECT i.id, i.number, i.issue_date, i.total_ttc_cents, i.status::text AS status, p.public_name AS practitioner_name
           FROM invoices i
           JOIN clients c ON c.id = i.client_id
           JOIN practitioner_profiles p ON p.id = i.practitioner_id
          WHERE c.user_id = $1 AND i.status <> 'DRAFT'
          ORDER BY i.issue_date DESC NULLS LAST, i.number DESC",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?)
}

/// A document I own (PERSONAL) or that was shared with me.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MyDocument {
    pub id: Uuid,
    pub title: String,
    pub kind: String,
    pub category: String,
    pub mime_type: String,
    pub size_bytes: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub practitioner_name: Option<String>,
    pub practitioner_slug: Option<String>,
    pub related_appointment_id: Option<Uuid>,
    /// Mine to delete (PERSONAL documents I uploaded).
    pub own: bool,
    #[serde(skip)]
    pub storage_key: Option<String>,
    #[serde(skip)]
    pub resource_url: Option<String>,
}

const DOC_SELECT: &str = "
    SELECT d.id, d.title, d.kind::text AS kind, d.category::text AS category, d.mime_type, d.size_bytes, d.created_at,
           p.public_name AS practitioner_name, p.slug::text AS practitioner_slug,
           d.appointment_id AS related_appointment_id,
           (d.owner_user_id = $1 AND d.category = 'PERSONAL') AS own,
           COALESCE(d.storage_key, r.storage_key) AS storage_key, r.external_url AS resource_url
      FROM documents d
      LEFT JOIN practitioner_profiles p ON p.user_id = d.owner_user_id
      LEFT JOIN resources r ON r.id = d.resource_id
     WHERE ((d.owner_user_id = $1 AND d.category = 'PERSONAL') OR d.shared_with_user_id = $1)";

pub async fn documents(
    pool: &PgPool,
    user_id: Uuid,
    page: i64,
    limit: i64,
) -> Result<(Vec<MyDocument>, i64)> {
    let rows = sqlx::query_as(&format!(
        "{DOC_SELECT} ORDER BY d.created_at DESC LIMIT $2 OFFSET $3"
    ))
    .bind(user_id)
    .bind(limit)
    .bind((page - 1).max(0).saturating_mul(limit))
    .fetch_all(pool)
    .await?;
    let total: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM documents d WHERE (d.owner_user_id = $1 AND d.category = 'PERSONAL') OR d.shared_with_user_id = $1",
    )
    .bind(user_id)
    .fetch_one(pool)
    .await?;
    Ok((rows, total))
}

/// A document of mine or shared with me; None otherwise (AR-24).
pub async fn document(pool: &PgPool, user_id: Uuid, id: Uuid) -> Result<Option<MyDocument>> {
    Ok(sqlx::query_as(&format!("{DOC_SELECT} AND d.id = $2"))
        .bind(user_id)
        .bind(id)
        .fetch_optional(pool)
        .await?)
}

/// Deletes one of my PERSONAL documents and returns its storage key (the caller removes the
/// blob after the row is gone).
pub async fn delete_document(pool: &PgPool, user_id: Uuid, id: Uuid) -> Result<Option<String>> {
    let row: Option<Option<String>> = sqlx::query_scalar(
        "DELETE FROM documents WHERE id = $1 AND owner_user_id = $2 AND category = 'PERSONAL' RETURNING storage_key",
    )
    .bind(id)
    .bind(user_id)
    .fetch_optional(pool)
    .await?;
    row.ok_or(Error::NotFound)
}

/// Documents shared with me about one appointment.
pub async fn documents_of_appointment(
    pool: &PgPool,
    user_id: Uuid,
    appointment_id: Uuid,
) -> Result<Vec<MyDocument>> {
    Ok(sqlx::query_as(&format!(
        "{DOC_SELECT} AND d.appointment_id = $2 ORDER BY d.created_at DESC"
    ))
    .bind(user_id)
    .bind(appointment_id)
    .fetch_all(pool)
    .await?)
}

/// A favorite with its target's public label and URL; targets that are gone or no longer
/// public are skipped.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MyFavorite {
    pub id: Uuid,
    pub target_type: FavoriteTarget,
    pub target_id: Uuid,
    pub title: String,
    pub meta: Option<String>,
    pub href: String,
    pub kind: String,
}

pub async fn favorites(pool: &PgPool, user_id: Uuid) -> Result<Vec<MyFavorite>> {
    Ok(sqlx::query_as(
        r#"
        SELECT * FROM (
          SELECT f.id, f.target_type, f.target_id, f.created_at,
                 COALESCE(pp.public_name, ap.public_name, mp.public_name, cp.public_name,
                          pr.title, sv.title, fo.title, ar.title) AS title,
                 COALESCE(pp.city, ap.city, mp.city, cp.city, ar.category) AS meta,
                 CASE f.target_type
                   WHEN 'PRACTITIONER' THEN '/praticiens/' || pp.slug
                   WHEN 'ARTISAN' THEN '/artisans/' || ap.slug
                   WHEN 'MERCHANT' THEN '/commercants/' || mp.slug
                   WHEN 'CENTER' THEN '/centres-de-formation/' || cp.slug
                   WHEN 'PRODUCT' THEN '/produit/commercant/' || pr.slug
                   WHEN 'SERVICE' THEN '/produit/artisan/' || sv.slug
                   WHEN 'FORMATION' THEN '/formations/' || fo.slug
                   WHEN 'ARTICLE' THEN '/blog/' || ar.slug
                 END AS href,
                 f.target_type::text AS kind
            FROM favorites f
            LEFT JOIN practitioner_profiles pp ON f.target_type = 'PRACTITIONER' AND pp.id = f.target_id AND pp.verified
            LEFT JOIN artisan_profiles ap ON f.target_type = 'ARTISAN' AND ap.id = f.target_id AND ap.verified
            LEFT JOIN merchant_profiles mp ON f.target_type = 'MERCHANT' AND mp.id = f.target_id AND mp.verified
            LEFT JOIN center_profiles cp ON f.target_type = 'CENTER' AND cp.id = f.target_id AND cp.verified
            LEFT JOIN products pr ON f.target_type = 'PRODUCT' AND pr.id = f.target_id AND pr.status = 'ACTIVE'
            LEFT JOIN artisan_services sv ON f.target_type = 'SERVICE' AND sv.id = f.target_id AND sv.status = 'ACTIVE'
            LEFT JOIN formations fo ON f.target_type = 'FORMATION' AND fo.id = f.target_id AND fo.status = 'PUBLISHED'
            LEFT JOIN articles ar ON f.target_type = 'ARTICLE' AND ar.id = f.target_id AND ar.status = 'PUBLISHED'
           WHERE f.user_id = $1
        ) x WHERE title IS NOT NULL
        ORDER BY created_at DESC
        "#,
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?)
}

pub async fn is_favorite(
    pool: &PgPool,
    user_id: Uuid,
    target_type: FavoriteTarget,
    target_id: Uuid,
) -> Result<bool> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM favorites WHERE user_id = $1 AND target_type = $2 AND target_id = $3)",
    )
    .bind(user_id)
    .bind(target_type)
    .bind(target_id)
    .fetch_one(pool)
    .await?)
}

pub async fn remove_favorite(
    pool: &PgPool,
    user_id: Uuid,
    target_type: FavoriteTarget,
    target_id: Uuid,
) -> Result<()> {
    sqlx::query("DELETE FROM favorites WHERE user_id = $1 AND target_type = $2 AND target_id = $3")
        .bind(user_id)
        .bind(target_type)
        .bind(target_id)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn unlike_article(pool: &PgPool, user_id: Uuid, article_id: Uuid) -> Result<i64> {
    sqlx::query("DELETE FROM article_likes WHERE user_id = $1 AND article_id = $2")
        .bind(user_id)
        .bind(article_id)
        .execute(pool)
        .await?;
    Ok(
        sqlx::query_scalar("SELECT count(*) FROM article_likes WHERE article_id = $1")
            .bind(article_id)
            .fetch_one(pool)
            .await?,
    )
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Note {
    pub id: Uuid,
    pub title: String,
    pub content: String,
    pub tags: Vec<String>,
    pub pinned: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub async fn notes(
    pool: &PgPool,
    user_id: Uuid,
    q: Option<&str>,
    tag: Option<&str>,
    page: i64,
    limit: i64,
) -> Result<(Vec<Note>, i64)> {
    let hay = crate::db::public::fold("(title || ' ' || content)");
    let qf = crate::db::public::fold("$2");
    let filter = format!(
        "user_id = $1 AND ($2::text IS NULL OR {hay} LIKE '%' || {qf} || '%') AND ($3::text IS NULL OR tags @> ARRAY[$3])"
    );
    let rows = sqlx::query_as(&format!(
        "SELECT id, title, content, tags, pinned, created_at, updated_at FROM notes WHERE {filter}
          ORDER BY pinned DESC, updated_at DESC LIMIT $4 OFFSET $5"
    ))
    .bind(user_id)
    .bind(q)
    .bind(tag)
    .bind(limit)
    .bind((page - 1).max(0).saturating_mul(limit))
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar(&format!("SELECT count(*) FROM notes WHERE {filter}"))
        .bind(user_id)
        .bind(q)
        .bind(tag)
        .fetch_one(pool)
        .await?;
    Ok((rows, total))
}

pub async fn note(pool: &PgPool, user_id: Uuid, id: Uuid) -> Result<Note> {
    sqlx::query_as(
        "SELECT id, title, content, tags, pinned, created_at, updated_at FROM notes WHERE id = $1 AND user_id = $2",
    )
    .bind(id)
    .bind(user_id)
    .fetch_optional(pool)
    .await?
    .ok_or(Error::NotFound)
}

#[derive(Debug, Clone, Default)]
pub struct NotePatch {
    pub title: Option<String>,
    pub content: Option<String>,
    pub tags: Option<Vec<String>>,
    pub pinned: Option<bool>,
}

pub async fn update_note(
    conn: &mut PgConnection,
    user_id: Uuid,
    id: Uuid,
    p: &NotePatch,
) -> Result<()> {
    if let Some(t) = &p.title
        && (t.trim().is_empty() || t.chars().count() > 200)
    {
        return Err(Error::field(
            "title",
            "titre requis (200 caractères au plus)",
        ));
    }
    if p.content
        .as_ref()
        .is_some_and(|c| c.chars().count() > 100_000)
    {
        return Err(Error::field("content", "note trop longue"));
    }
    let n = sqlx::query(
        "UPDATE notes SET title = COALESCE($3, title), content = COALESCE($4, content), tags = COALESCE($5, tags),
                pinned = COALESCE($6, pinned)
          WHERE id = $1 AND user_id = $2",
    )
    .bind(id)
    .bind(user_id)
    .bind(p.title.as_deref().map(str::trim))
    .bind(&p.content)
    .bind(&p.tags)
    .bind(p.pinned)
    .execute(conn)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}

pub async fn delete_note(pool: &PgPool, user_id: Uuid, id: Uuid) -> Result<()> {
    let n = sqlx::query("DELETE FROM notes WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(pool)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    pub id: Uuid,
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub read_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

pub async fn notifications(
    pool: &PgPool,
    user_id: Uuid,
    unread_only: bool,
    page: i64,
    limit: i64,
) -> Result<(Vec<Notification>, i64, i64)> {
    let rows = sqlx::query_as(
        "SELECT id, type::text AS kind, title, body, link, read_at, created_at FROM notifications
          WHERE user_id = $1 AND (NOT $2 OR read_at IS NULL)
          ORDER BY created_at DESC LIMIT $3 OFFSET $4",
    )
    .bind(user_id)
    .bind(unread_only)
    .bind(limit)
    .bind((page - 1).max(0).saturating_mul(limit))
    .fetch_all(pool)
    .await?;
    let (total, unread): (i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE NOT $2 OR read_at IS NULL), count(*) FILTER (WHERE read_at IS NULL)
           FROM notifications WHERE user_id = $1",
    )
    .bind(user_id)
    .bind(unread_only)
    .fetch_one(pool)
    .await?;
    Ok((rows, total, unread))
}

pub async fn notification(pool: &PgPool, user_id: Uuid, id: Uuid) -> Result<Notification> {
    sqlx::query_as(
        "SELECT id, type::text AS kind, title, body, link, read_at, created_at FROM notifications WHERE id = $1 AND user_id = $2",
    )
    .bind(id)
    .bind(user_id)
    .fetch_optional(pool)
    .await?
    .ok_or(Error::NotFound)
}
