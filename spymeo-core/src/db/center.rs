//! Training-center read models and edits (DOMAIN.md G1–G4, §6.14, §7.8): formations with
//! their sessions, sessions with their roster, learners, session cancellation (learners with
//! an account are notified) and the center statistics. Enrollment, payments and enrollment
//! cancellation are `training::*` (row-locked seat counting).

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{Connection as _, PgConnection, PgPool};
use uuid::Uuid;

use crate::db::listing::{Page, Paging, like_pattern};
use crate::db::notifications::{NewNotification, notify};
use crate::db::support::{map_check, sqlstate, unique_conflict};
use crate::domain::{
    EnrollmentStatus, FormationStatus, NotificationType, PaymentMethod, SessionStatus, money,
};
use crate::{Error, Result};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct FormationRow {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub description: Option<String>,
    pub category: Option<String>,
    pub duration_hours: Option<i16>,
    pub price_ttc_cents: Option<i32>,
    pub vat_rate_bp: i16,
    pub cpf_eligible: bool,
    pub status: FormationStatus,
    pub sessions_count: i64,
    pub created_at: DateTime<Utc>,
}

const FORMATION: &str = "SELECT f.id, f.slug::text AS slug, f.title, f.description, f.category, f.duration_hours, f.price_ttc_cents,
    f.vat_rate_bp, f.cpf_eligible, f.status, (SELECT count(*) FROM formation_sessions s WHERE s.formation_id = f.id) AS sessions_count,
    f.created_at FROM formations f";

pub async fn formations(
    pool: &PgPool,
    center_id: Uuid,
    status: Option<FormationStatus>,
    q: Option<&str>,
    paging: Paging,
) -> Result<Page<FormationRow>> {
    let pattern = like_pattern(q);
    let filter = "f.center_id = $1 AND ($2::formation_status IS NULL OR f.status = $2) AND ($3::text IS NULL OR f.title ILIKE $3)";
    let total: i64 =
        sqlx::query_scalar(&format!("SELECT count(*) FROM formations f WHERE {filter}"))
            .bind(center_id)
            .bind(status)
            .bind(&pattern)
            .fetch_one(pool)
            .await?;
    let items = sqlx::query_as(&format!(
        "{FORMATION} WHERE {filter} ORDER BY f.title, f.id LIMIT $4 OFFSET $5"
    ))
    .bind(center_id)
    .bind(status)
    .bind(&pattern)
    .bind(paging.limit)
    .bind(paging.offset())
    .fetch_all(pool)
    .await?;
    Ok(Page::new(items, paging, total))
}

pub async fn formation(conn: &mut PgConnection, center_id: Uuid, id: Uuid) -> Result<FormationRow> {
    sqlx::query_as(&format!("{FORMATION} WHERE f.id = $1 AND f.center_id = $2"))
        .bind(id)
        .bind(center_id)
        .fetch_optional(conn)
        .await?
        .ok_or(Error::NotFound)
}

pub async fn formation_by_slug(
    conn: &mut PgConnection,
    center_id: Uuid,
    slug: &str,
) -> Result<FormationRow> {
    sqlx::query_as(&format!(
        "{FORMATION} WHERE f.slug = $1 AND f.center_id = $2"
    ))
    .bind(slug)
    .bind(center_id)
    .fetch_optional(conn)
    .await?
    .ok_or(Error::NotFound)
}

#[derive(Debug, Clone)]
pub struct FormationEdit {
    pub title: String,
    pub description: Option<String>,
    pub category: Option<String>,
    pub duration_hours: Option<i16>,
    pub price_ttc_cents: Option<i32>,
    pub vat_rate_bp: i16,
    pub cpf_eligible: bool,
    pub status: FormationStatus,
}

impl From<&FormationRow> for FormationEdit {
    fn from(f: &FormationRow) -> Self {
        FormationEdit {
            title: f.title.clone(),
            description: f.description.clone(),
            category: f.category.clone(),
            duration_hours: f.duration_hours,
            price_ttc_cents: f.price_ttc_cents,
            vat_rate_bp: f.vat_rate_bp,
            cpf_eligible: f.cpf_eligible,
            status: f.status,
        }
    }
}

pub async fn update_formation(
    conn: &mut PgConnection,
    center_id: Uuid,
    id: Uuid,
    f: &FormationEdit,
) -> Result<()> {
    if f.title.trim().is_empty() || f.title.chars().count() > 200 {
        return Err(Error::field(
            "title",
            "titre requis (200 caractères au plus)",
        ));
    }
    money::check_vat_rate(f.vat_rate_bp)?;
    let n = sqlx::query(
        "UPDATE formations SET title = $3, description = $4, category = $5, duration_hours = $6, price_ttc_cents = $7,
                vat_rate_bp = $8, cpf_eligible = $9, status = $10
          WHERE id = $1 AND center_id = $2",
    )
    .bind(id)
    .bind(center_id)
    .bind(f.title.trim())
    .bind(&f.description)
    .bind(&f.category)
    .bind(f.duration_hours)
    .bind(f.price_ttc_cents)
    .bind(f.vat_rate_bp)
    .bind(f.cpf_eligible)
    .bind(f.status)
    .execute(conn)
    .await
    .map_err(|e| match sqlstate(&e).as_deref() {
        Some("23514") => Error::validation("valeurs invalides (durée et prix positifs)"),
        _ => Error::Database(e),
    })?
    .rows_affected();
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}

/// Only without enrollments (409 FORMATION_HAS_ENROLLMENTS → archive instead).
pub async fn delete_formation(conn: &mut PgConnection, center_id: Uuid, id: Uuid) -> Result<()> {
    let enrolled: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM learner_enrollments e JOIN formation_sessions s ON s.id = e.session_id
                         WHERE s.formation_id = $1 AND s.center_id = $2)",
    )
    .bind(id)
    .bind(center_id)
    .fetch_one(&mut *conn)
    .await?;
    if enrolled {
        return Err(Error::conflict(
            "FORMATION_HAS_ENROLLMENTS",
            "Cette formation a des inscriptions : archivez-la plutôt",
        ));
    }
    let n = sqlx::query("DELETE FROM formations WHERE id = $1 AND center_id = $2")
        .bind(id)
        .bind(center_id)
        .execute(conn)
        .await?
        .rows_affected();
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct SessionRow {
    pub id: Uuid,
    pub formation_id: Uuid,
    pub formation_title: String,
    pub formation_slug: String,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub location: Option<String>,
    pub is_remote: bool,
    pub max_seats: Option<i16>,
    pub booked_seats: i16,
    pub seats_left: Option<i32>,
    pub status: SessionStatus,
}

const SESSION: &str = "SELECT s.id, s.formation_id, f.title AS formation_title, f.slug::text AS formation_slug, s.title, s.starts_at,
    s.ends_at, s.location, s.is_remote, s.max_seats, s.booked_seats, (s.max_seats - s.booked_seats)::int AS seats_left, s.status
    FROM formation_sessions s JOIN formations f ON f.id = s.formation_id";

#[derive(Debug, Clone, Default)]
pub struct SessionFilter {
    pub formation_id: Option<Uuid>,
    pub status: Option<SessionStatus>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

pub async fn sessions(
    pool: &PgPool,
    center_id: Uuid,
    f: &SessionFilter,
    paging: Paging,
) -> Result<Page<SessionRow>> {
    let filter = "s.center_id = $1 AND ($2::uuid IS NULL OR s.formation_id = $2) AND ($3::session_status IS NULL OR s.status = $3)
                  AND ($4::timestamptz IS NULL OR s.starts_at >= $4) AND ($5::timestamptz IS NULL OR s.starts_at < $5)";
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM formation_sessions s WHERE {filter}"
    ))
    .bind(center_id)
    .bind(f.formation_id)
    .bind(f.status)
    .bind(f.from)
    .bind(f.to)
    .fetch_one(pool)
    .await?;
    let items = sqlx::query_as(&format!(
        "{SESSION} WHERE {filter} ORDER BY s.starts_at, s.id LIMIT $6 OFFSET $7"
    ))
    .bind(center_id)
    .bind(f.formation_id)
    .bind(f.status)
    .bind(f.from)
    .bind(f.to)
    .bind(paging.limit)
    .bind(paging.offset())
    .fetch_all(pool)
    .await?;
    Ok(Page::new(items, paging, total))
}

pub async fn session(conn: &mut PgConnection, center_id: Uuid, id: Uuid) -> Result<SessionRow> {
    sqlx::query_as(&format!("{SESSION} WHERE s.id = $1 AND s.center_id = $2"))
        .bind(id)
        .bind(center_id)
        .fetch_optional(conn)
        .await?
        .ok_or(Error::NotFound)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct EnrollmentRow {
    pub id: Uuid,
    pub learner_id: Uuid,
    pub learner_name: String,
    pub learner_email: String,
    pub session_id: Uuid,
    pub session_title: String,
    pub formation_title: String,
    pub starts_at: DateTime<Utc>,
    pub status: EnrollmentStatus,
    pub paid_amount_cents: Option<i32>,
    pub paid_at: Option<DateTime<Utc>>,
    pub payment_method: Option<PaymentMethod>,
    pub created_at: DateTime<Utc>,
}

const ENROLLMENT: &str = "SELECT e.id, e.learner_id, l.first_name || ' ' || l.last_name AS learner_name, l.email::text AS learner_email,
    e.session_id, s.title AS session_title, f.title AS formation_title, s.starts_at, e.status, e.paid_amount_cents, e.paid_at,
    e.payment_method, e.created_at
    FROM learner_enrollments e JOIN learners l ON l.id = e.learner_id JOIN formation_sessions s ON s.id = e.session_id
    JOIN formations f ON f.id = s.formation_id";

pub async fn roster(
    conn: &mut PgConnection,
    center_id: Uuid,
    session_id: Uuid,
) -> Result<Vec<EnrollmentRow>> {
    Ok(sqlx::query_as(&format!(
        "{ENROLLMENT} WHERE e.session_id = $1 AND e.center_id = $2 ORDER BY l.last_name, l.first_name, e.id"
    ))
    .bind(session_id)
    .bind(center_id)
    .fetch_all(conn)
    .await?)
}

pub async fn enrollment(
    conn: &mut PgConnection,
    center_id: Uuid,
    id: Uuid,
) -> Result<EnrollmentRow> {
    sqlx::query_as(&format!(
        "{ENROLLMENT} WHERE e.id = $1 AND e.center_id = $2"
    ))
    .bind(id)
    .bind(center_id)
    .fetch_optional(conn)
    .await?
    .ok_or(Error::NotFound)
}

/// Session edits (§6.14 PATCH): `max_seats` never below the seats taken (409
/// SEATS_BELOW_BOOKED); OPEN/FULL follows the new capacity.
#[derive(Debug, Clone, Default)]
pub struct SessionPatch {
    pub title: Option<String>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub location: Option<Option<String>>,
    pub is_remote: Option<bool>,
    pub max_seats: Option<Option<i16>>,
}

pub async fn update_session(
    conn: &mut PgConnection,
    center_id: Uuid,
    id: Uuid,
    p: &SessionPatch,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = conn.begin().await?;
    let cur: Option<(SessionStatus, i16, Option<i16>)> = sqlx::query_as(
        "SELECT status, booked_seats, max_seats FROM formation_sessions WHERE id = $1 AND center_id = $2 FOR UPDATE",
    )
    .bind(id)
    .bind(center_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (status, booked, current_max) = cur.ok_or(Error::NotFound)?;
    let max = p.max_seats.unwrap_or(current_max);
    if max.is_some_and(|m| m <= 0) {
        return Err(Error::field("maxSeats", "nombre de places positif"));
    }
    if max.is_some_and(|m| m < booked) {
        return Err(Error::conflict(
            "SEATS_BELOW_BOOKED",
            "Le nombre de places ne peut pas descendre sous le nombre d'inscrits",
        ));
    }
    let status = match status {
        SessionStatus::Open | SessionStatus::Full if max.is_some_and(|m| booked >= m) => {
            SessionStatus::Full
        }
        SessionStatus::Open | SessionStatus::Full => SessionStatus::Open,
        other => other,
    };
    if p.title.as_deref().is_some_and(|t| t.trim().is_empty()) {
        return Err(Error::field("title", "titre requis"));
    }
    sqlx::query(
        "UPDATE formation_sessions SET title = COALESCE($3, title), starts_at = COALESCE($4, starts_at), ends_at = COALESCE($5, ends_at),
                location = CASE WHEN $6 THEN $7 ELSE location END, is_remote = COALESCE($8, is_remote), max_seats = $9,
                status = $10, updated_at = $11
          WHERE id = $1 AND center_id = $2",
    )
    .bind(id)
    .bind(center_id)
    .bind(p.title.as_deref().map(str::trim))
    .bind(p.starts_at)
    .bind(p.ends_at)
    .bind(p.location.is_some())
    .bind(p.location.clone().flatten())
    .bind(p.is_remote)
    .bind(max)
    .bind(status)
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(|e| match sqlstate(&e).as_deref() {
        Some("23514") => Error::field("endsAt", "la fin doit suivre le début"),
        _ => map_check(e),
    })?;
    tx.commit().await?;
    Ok(())
}

/// `POST /sessions/{id}/cancel`: the session and its REGISTERED enrollments are CANCELLED,
/// the seats freed, and every learner with an account gets a SESSION_CANCELLED notification
/// (§7.8 [R]). Returns how many learners were notified.
pub async fn cancel_session(
    conn: &mut PgConnection,
    center_id: Uuid,
    id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<usize> {
    if reason.trim().is_empty() {
        return Err(Error::field("reason", "motif requis"));
    }
    let mut tx = conn.begin().await?;
    let row: Option<(SessionStatus, String, String, DateTime<Utc>)> = sqlx::query_as(
        "SELECT s.status, s.title, f.title, s.starts_at FROM formation_sessions s JOIN formations f ON f.id = s.formation_id
          WHERE s.id = $1 AND s.center_id = $2 FOR UPDATE OF s",
    )
    .bind(id)
    .bind(center_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (status, session_title, formation_title, starts_at) = row.ok_or(Error::NotFound)?;
    if !matches!(status, SessionStatus::Open | SessionStatus::Full) {
        return Err(Error::conflict(
            "INVALID_TRANSITION",
            "Seule une session ouverte ou complète peut être annulée",
        ));
    }
    let users: Vec<Option<Uuid>> = sqlx::query_scalar(
        "UPDATE learner_enrollments e SET status = 'CANCELLED', cancelled_at = $2, updated_at = $2
           FROM learners l
          WHERE e.session_id = $1 AND e.status = 'REGISTERED' AND l.id = e.learner_id
          RETURNING l.user_id",
    )
    .bind(id)
    .bind(now)
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query("UPDATE formation_sessions SET status = 'CANCELLED', booked_seats = 0, updated_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    let date = starts_at
        .with_timezone(&crate::domain::PARIS)
        .format("%d/%m/%Y");
    let body = format!(
        "La session « {session_title} » de « {formation_title} » du {date} est annulée. Motif : {}",
        reason.trim()
    );
    let mut notified = 0;
    for user in users.into_iter().flatten() {
        notify(
            &mut tx,
            user,
            NotificationType::SessionCancelled,
            &NewNotification {
                title: "Session de formation annulée",
                body: &body,
                link: Some("/user/tableau-de-bord"),
                ..Default::default()
            },
            now,
        )
        .await?;
        notified += 1;
    }
    tx.commit().await?;
    Ok(notified)
}

/// Marks a REGISTERED enrollment COMPLETED (attendance/completion recorded by the center).
pub async fn complete_enrollment(
    conn: &mut PgConnection,
    center_id: Uuid,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    let n = sqlx::query(
        "UPDATE learner_enrollments SET status = 'COMPLETED', updated_at = $3 WHERE id = $1 AND center_id = $2 AND status = 'REGISTERED'",
    )
    .bind(id)
    .bind(center_id)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if n == 1 {
        return Ok(());
    }
    enrollment(conn, center_id, id).await?;
    Err(Error::conflict(
        "INVALID_TRANSITION",
        "Seule une inscription en cours peut être validée",
    ))
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct LearnerRow {
    pub id: Uuid,
    pub user_id: Option<Uuid>,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub notes: Option<String>,
    pub enrollments_count: i64,
    pub created_at: DateTime<Utc>,
}

const LEARNER: &str = "SELECT l.id, l.user_id, l.first_name, l.last_name, l.email::text AS email, l.phone::text AS phone, l.notes,
    (SELECT count(*) FROM learner_enrollments e WHERE e.learner_id = l.id) AS enrollments_count, l.created_at FROM learners l";

pub async fn learners(
    pool: &PgPool,
    center_id: Uuid,
    q: Option<&str>,
    paging: Paging,
) -> Result<Page<LearnerRow>> {
    let pattern = like_pattern(q);
    let filter = "l.center_id = $1 AND ($2::text IS NULL OR (l.first_name || ' ' || l.last_name) ILIKE $2 OR l.email::text ILIKE $2)";
    let total: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM learners l WHERE {filter}"))
        .bind(center_id)
        .bind(&pattern)
        .fetch_one(pool)
        .await?;
    let items = sqlx::query_as(&format!(
        "{LEARNER} WHERE {filter} ORDER BY l.last_name, l.first_name, l.id LIMIT $3 OFFSET $4"
    ))
    .bind(center_id)
    .bind(&pattern)
    .bind(paging.limit)
    .bind(paging.offset())
    .fetch_all(pool)
    .await?;
    Ok(Page::new(items, paging, total))
}

pub async fn learner(conn: &mut PgConnection, center_id: Uuid, id: Uuid) -> Result<LearnerRow> {
    sqlx::query_as(&format!("{LEARNER} WHERE l.id = $1 AND l.center_id = $2"))
        .bind(id)
        .bind(center_id)
        .fetch_optional(conn)
        .await?
        .ok_or(Error::NotFound)
}

pub async fn learner_enrollments(
    conn: &mut PgConnection,
    center_id: Uuid,
    learner_id: Uuid,
) -> Result<Vec<EnrollmentRow>> {
    Ok(sqlx::query_as(&format!(
        "{ENROLLMENT} WHERE e.learner_id = $1 AND e.center_id = $2 ORDER BY s.starts_at DESC, e.id"
    ))
    .bind(learner_id)
    .bind(center_id)
    .fetch_all(conn)
    .await?)
}

pub async fn update_learner(
    conn: &mut PgConnection,
    center_id: Uuid,
    id: Uuid,
    first_name: &str,
    last_name: &str,
    email: &str,
    phone: Option<&str>,
    notes: Option<&str>,
) -> Result<()> {
    if first_name.trim().is_empty() || last_name.trim().is_empty() {
        return Err(Error::field("lastName", "prénom et nom requis"));
    }
    let n = sqlx::query(
        "UPDATE learners SET first_name = $3, last_name = $4, email = $5, phone = $6, notes = $7 WHERE id = $1 AND center_id = $2",
    )
    .bind(id)
    .bind(center_id)
    .bind(first_name.trim())
    .bind(last_name.trim())
    .bind(email)
    .bind(phone)
    .bind(notes)
    .execute(conn)
    .await
    .map_err(|e| unique_conflict(e, "LEARNER_EMAIL_EXISTS", "Un apprenant avec cette adresse existe déjà"))?
    .rows_affected();
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}

/// 409 HAS_PAID_ENROLLMENTS: a paid enrollment is in the ledger and stays.
pub async fn delete_learner(conn: &mut PgConnection, center_id: Uuid, id: Uuid) -> Result<()> {
    let paid: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM learner_enrollments WHERE learner_id = $1 AND center_id = $2 AND paid_at IS NOT NULL)",
    )
    .bind(id)
    .bind(center_id)
    .fetch_one(&mut *conn)
    .await?;
    if paid {
        return Err(Error::conflict(
            "HAS_PAID_ENROLLMENTS",
            "Cet apprenant a des inscriptions payées, conservées en comptabilité",
        ));
    }
    let n = sqlx::query("DELETE FROM learners WHERE id = $1 AND center_id = $2")
        .bind(id)
        .bind(center_id)
        .execute(conn)
        .await?
        .rows_affected();
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CenterStats {
    pub range: &'static str,
    pub sessions: i64,
    pub enrollments: i64,
    pub fill_rate_pct: Option<i64>,
    pub revenue_cents: i64,
    pub series: Vec<crate::db::shop::Point>,
}

/// §6.10 C statistics: sessions starting in the period or as far ahead (cancelled ones aside), their
/// enrollments and fill rate, and the enrollment payments received in the period.
pub async fn stats(
    pool: &PgPool,
    center_id: Uuid,
    range: crate::db::shop::Range,
    now: DateTime<Utc>,
) -> Result<CenterStats> {
    let (len, bucket) = range.span();
    let from = now - len;
    let (sessions, booked, seats): (i64, i64, Option<i64>) = sqlx::query_as(
        "SELECT count(*), COALESCE(sum(booked_seats), 0)::bigint, sum(max_seats)::bigint FROM formation_sessions
          WHERE center_id = $1 AND status <> 'CANCELLED' AND starts_at >= $2 AND starts_at <= $3 + ($3 - $2)",
    )
    .bind(center_id)
    .bind(from)
    .bind(now)
    .fetch_one(pool)
    .await?;
    let enrollments: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM learner_enrollments WHERE center_id = $1 AND created_at >= $2 AND created_at <= $3",
    )
    .bind(center_id)
    .bind(from)
    .bind(now)
    .fetch_one(pool)
    .await?;
    let revenue: i64 = sqlx::query_scalar(
        "SELECT COALESCE(sum(paid_amount_cents), 0)::bigint FROM learner_enrollments
          WHERE center_id = $1 AND paid_at >= $2 AND paid_at <= $3 AND status <> 'CANCELLED'",
    )
    .bind(center_id)
    .bind(from)
    .bind(now)
    .fetch_one(pool)
    .await?;
    let series = sqlx::query_as(&format!(
        "SELECT date_trunc('{bucket}', paid_at AT TIME ZONE 'Europe/Paris')::date AS period, sum(paid_amount_cents)::bigint AS value
           FROM learner_enrollments WHERE center_id = $1 AND paid_at >= $2 AND paid_at <= $3 AND status <> 'CANCELLED'
          GROUP BY 1 ORDER BY 1"
    ))
    .bind(center_id)
    .bind(from)
    .bind(now)
    .fetch_all(pool)
    .await?;
    Ok(CenterStats {
        range: range.as_str(),
        sessions,
        enrollments,
        fill_rate_pct: seats.filter(|s| *s > 0).map(|s| booked * 100 / s),
        revenue_cents: revenue,
        series,
    })
}
