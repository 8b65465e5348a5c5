//! Training centers (DOMAIN.md G1–G4, §7.8): formations, sessions, learners, enrollments.
//! Seats are counted under the session's row lock, so two enrollments racing for the last
//! seat cannot both succeed; the session turns FULL when the last seat is taken.

use chrono::{DateTime, Utc};
use sqlx::{Connection as _, PgConnection};
use uuid::Uuid;

use crate::db::precompta::{Derived, derive};
use crate::db::support::{map_code, sqlstate, unique_conflict, unique_slug};
use crate::domain::{
    EnrollmentStatus, FormationStatus, PaymentMethod, PrecomptaSource, PrecomptaType,
    SessionStatus, paris_date,
};
use crate::{Error, Result};

#[derive(Debug, Clone)]
pub struct FormationInput {
    pub title: String,
    pub description: Option<String>,
    pub category: Option<String>,
    pub duration_hours: Option<i16>,
    pub price_ttc_cents: Option<i32>,
    pub vat_rate_bp: i16,
    pub cpf_eligible: bool,
    pub status: FormationStatus,
}

pub async fn create_formation(
    conn: &mut PgConnection,
    center_id: Uuid,
    f: &FormationInput,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    if f.title.trim().is_empty() || f.title.chars().count() > 200 {
        return Err(Error::field(
            "title",
            "titre requis (200 caractères au plus)",
        ));
    }
    crate::domain::money::check_vat_rate(f.vat_rate_bp)?;
    let mut tx = conn.begin().await?;
    let slug = unique_slug(&mut tx, "formations", &f.title).await?;
    let id = sqlx::query_scalar(
        "INSERT INTO formations (center_id, slug, title, description, category, duration_hours, price_ttc_cents, vat_rate_bp,
                                 cpf_eligible, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
    )
    .bind(center_id)
    .bind(&slug)
    .bind(f.title.trim())
    .bind(&f.description)
    .bind(&f.category)
    .bind(f.duration_hours)
    .bind(f.price_ttc_cents)
    .bind(f.vat_rate_bp)
    .bind(f.cpf_eligible)
    .bind(f.status)
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| unique_conflict(e, "SLUG_TAKEN", "Ce titre est déjà utilisé"))?;
    tx.commit().await?;
    Ok(id)
}

#[derive(Debug, Clone)]
pub struct SessionInput {
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub location: Option<String>,
    pub is_remote: bool,
    pub max_seats: Option<i16>,
}

/// A new OPEN session of one of the center's formations (404 otherwise).
pub async fn create_session(
    conn: &mut PgConnection,
    center_id: Uuid,
    formation_id: Uuid,
    s: &SessionInput,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    if s.ends_at <= s.starts_at {
        return Err(Error::field("endsAt", "la fin doit suivre le début"));
    }
    if s.max_seats.is_some_and(|m| m <= 0) {
        return Err(Error::field("maxSeats", "nombre de places positif"));
    }
    sqlx::query_scalar(
        "INSERT INTO formation_sessions (center_id, formation_id, title, starts_at, ends_at, location, is_remote, max_seats,
                                         created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
    )
    .bind(center_id)
    .bind(formation_id)
    .bind(s.title.trim())
    .bind(s.starts_at)
    .bind(s.ends_at)
    .bind(&s.location)
    .bind(s.is_remote)
    .bind(s.max_seats)
    .bind(now)
    .fetch_one(conn)
    .await
    .map_err(|e| map_code(e, "23503", Error::NotFound))
}

#[derive(Debug, Clone)]
pub struct LearnerInput {
    pub user_id: Option<Uuid>,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub notes: Option<String>,
}

pub async fn create_learner(
    conn: &mut PgConnection,
    center_id: Uuid,
    l: &LearnerInput,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    if l.first_name.trim().is_empty() || l.last_name.trim().is_empty() {
        return Err(Error::field("lastName", "prénom et nom requis"));
    }
    sqlx::query_scalar(
        "INSERT INTO learners (center_id, user_id, first_name, last_name, email, phone, notes, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(center_id)
    .bind(l.user_id)
    .bind(l.first_name.trim())
    .bind(l.last_name.trim())
    .bind(&l.email)
    .bind(&l.phone)
    .bind(&l.notes)
    .bind(now)
    .fetch_one(conn)
    .await
    .map_err(|e| unique_conflict(e, "LEARNER_EMAIL_EXISTS", "Un apprenant avec cette adresse existe déjà"))
}

/// A payment recorded with an enrollment or later.
#[derive(Debug, Clone, Copy)]
pub struct EnrollmentPayment {
    pub amount_cents: i32,
    pub method: PaymentMethod,
    pub paid_at: DateTime<Utc>,
}

/// `POST /api/pro/centre/sessions/{id}/enrollments` (§7.8): 409 SESSION_NOT_OPEN,
/// SESSION_FULL, ALREADY_ENROLLED; the payment, if any, is recorded in the same transaction.
pub async fn enroll(
    conn: &mut PgConnection,
    center_id: Uuid,
    session_id: Uuid,
    learner_id: Uuid,
    payment: Option<EnrollmentPayment>,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    let mut tx = conn.begin().await?;
    let s: Option<(SessionStatus, Option<i16>, i16)> = sqlx::query_as(
        "SELECT status, max_seats, booked_seats FROM formation_sessions WHERE id = $1 AND center_id = $2 FOR UPDATE",
    )
    .bind(session_id)
    .bind(center_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (status, max_seats, booked) = s.ok_or(Error::NotFound)?;
    match status {
        SessionStatus::Open => {}
        SessionStatus::Full => {
            return Err(Error::conflict(
                "SESSION_FULL",
                "Cette session est complète",
            ));
        }
        _ => {
            return Err(Error::conflict(
                "SESSION_NOT_OPEN",
                "Cette session n'est pas ouverte aux inscriptions",
            ));
        }
    }
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO learner_enrollments (center_id, learner_id, session_id, status, created_at, updated_at)
         VALUES ($1, $2, $3, 'REGISTERED', $4, $4) RETURNING id",
    )
    .bind(center_id)
    .bind(learner_id)
    .bind(session_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| match sqlstate(&e).as_deref() {
        Some("23505") => Error::conflict("ALREADY_ENROLLED", "Cet apprenant est déjà inscrit à cette session"),
        Some("23503") => Error::NotFound,
        _ => Error::Database(e),
    })?;
    let booked = booked + 1;
    let full = max_seats.is_some_and(|m| booked >= m);
    sqlx::query(
        "UPDATE formation_sessions SET booked_seats = $2, status = CASE WHEN $3 THEN 'FULL'::session_status ELSE status END,
                updated_at = $4
          WHERE id = $1",
    )
    .bind(session_id)
    .bind(booked)
    .bind(full)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if let Some(p) = payment {
        record_payment(&mut tx, center_id, id, p, now).await?;
    }
    tx.commit().await?;
    Ok(id)
}

#[derive(Debug, sqlx::FromRow)]
struct EnrollmentRow {
    status: EnrollmentStatus,
    session_id: Uuid,
    paid_amount_cents: Option<i32>,
    payment_method: Option<PaymentMethod>,
    learner_name: String,
    formation_title: String,
    vat_rate_bp: i16,
    owner: Uuid,
}

async fn lock_enrollment(
    conn: &mut PgConnection,
    center_id: Uuid,
    enrollment_id: Uuid,
) -> Result<EnrollmentRow> {
    sqlx::query_as(
        "SELECT e.status, e.session_id, e.paid_amount_cents, e.payment_method,
                l.first_name || ' ' || l.last_name AS learner_name, f.title AS formation_title, f.vat_rate_bp,
                c.user_id AS owner
           FROM learner_enrollments e
           JOIN learners l ON l.id = e.learner_id
           JOIN formation_sessions s ON s.id = e.session_id
           JOIN formations f ON f.id = s.formation_id
           JOIN center_profiles c ON c.id = e.center_id
          WHERE e.id = $1 AND e.center_id = $2 FOR UPDATE OF e",
    )
    .bind(enrollment_id)
    .bind(center_id)
    .fetch_optional(conn)
    .await?
    .ok_or(Error::NotFound)
}

/// Records the payment of an enrollment and its SALE entry (§7.4). One payment per
/// enrollment: a second one → 409 ALREADY_PAID.
pub async fn record_payment(
    conn: &mut PgConnection,
    center_id: Uuid,
    enrollment_id: Uuid,
    p: EnrollmentPayment,
    now: DateTime<Utc>,
) -> Result<()> {
    if p.amount_cents <= 0 {
        return Err(Error::field("paidAmountCents", "montant positif attendu"));
    }
    let mut tx = conn.begin().await?;
    let e = lock_enrollment(&mut tx, center_id, enrollment_id).await?;
    if e.paid_amount_cents.is_some() {
        return Err(Error::conflict(
            "ALREADY_PAID",
            "Ce paiement est déjà enregistré",
        ));
    }
    if e.status == EnrollmentStatus::Cancelled {
        return Err(Error::conflict("INVALID_TRANSITION", "Inscription annulée"));
    }
    sqlx::query(
        "UPDATE learner_enrollments SET paid_amount_cents = $2, paid_at = $3, payment_method = $4, updated_at = $5 WHERE id = $1",
    )
    .bind(enrollment_id)
    .bind(p.amount_cents)
    .bind(p.paid_at)
    .bind(p.method)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let label = format!("Formation « {} » – {}", e.formation_title, e.learner_name);
    let vat = crate::domain::money::vat_in_ttc(p.amount_cents.into(), e.vat_rate_bp);
    derive(
        &mut tx,
        &Derived {
            owner_user_id: e.owner,
            entry_date: paris_date(p.paid_at),
            kind: PrecomptaType::Sale,
            source: PrecomptaSource::Enrollment,
            source_id: enrollment_id,
            label: &label,
            counterparty: Some(&e.learner_name),
            piece_ref: None,
            amount_ttc_cents: p.amount_cents.into(),
            vat_rate_bp: Some(e.vat_rate_bp),
            vat_cents: vat,
            payment_method: p.method,
            now,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Cancels a REGISTERED enrollment: frees the seat (FULL → OPEN); a paid one with `refund`
/// gets its REFUND entry.
pub async fn cancel_enrollment(
    conn: &mut PgConnection,
    center_id: Uuid,
    enrollment_id: Uuid,
    refund: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = conn.begin().await?;
    let e = lock_enrollment(&mut tx, center_id, enrollment_id).await?;
    if e.status != EnrollmentStatus::Registered {
        return Err(Error::conflict(
            "INVALID_TRANSITION",
            "Seule une inscription en cours peut être annulée",
        ));
    }
    sqlx::query("SELECT 1 FROM formation_sessions WHERE id = $1 FOR UPDATE")
        .bind(e.session_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE learner_enrollments SET status = 'CANCELLED', cancelled_at = $2, updated_at = $2 WHERE id = $1")
        .bind(enrollment_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE formation_sessions SET booked_seats = booked_seats - 1,
                status = CASE WHEN status = 'FULL' THEN 'OPEN'::session_status ELSE status END, updated_at = $2
          WHERE id = $1",
    )
    .bind(e.session_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if let (true, Some(amount)) = (refund, e.paid_amount_cents) {
        let label = format!(
            "Remboursement formation « {} » – {}",
            e.formation_title, e.learner_name
        );
        let vat = crate::domain::money::vat_in_ttc(amount.into(), e.vat_rate_bp);
        derive(
            &mut tx,
            &Derived {
                owner_user_id: e.owner,
                entry_date: paris_date(now),
                kind: PrecomptaType::Refund,
                source: PrecomptaSource::Enrollment,
                source_id: enrollment_id,
                label: &label,
                counterparty: Some(&e.learner_name),
                piece_ref: None,
                amount_ttc_cents: -i64::from(amount),
                vat_rate_bp: Some(e.vat_rate_bp),
                vat_cents: -vat,
                payment_method: e.payment_method.unwrap_or(PaymentMethod::Other),
                now,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The sessions-completion job for one session: past its end → COMPLETED, its REGISTERED
/// enrollments COMPLETED.
pub async fn complete_session(
    conn: &mut PgConnection,
    center_id: Uuid,
    session_id: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = conn.begin().await?;
    let s: Option<(SessionStatus, DateTime<Utc>)> =
        sqlx::query_as("SELECT status, ends_at FROM formation_sessions WHERE id = $1 AND center_id = $2 FOR UPDATE")
            .bind(session_id)
            .bind(center_id)
            .fetch_optional(&mut *tx)
            .await?;
    let (status, ends_at) = s.ok_or(Error::NotFound)?;
    if !matches!(status, SessionStatus::Open | SessionStatus::Full) || now < ends_at {
        return Err(Error::conflict(
            "INVALID_TRANSITION",
            "La session n'est pas terminée",
        ));
    }
    sqlx::query(
        "UPDATE formation_sessions SET status = 'COMPLETED', updated_at = $2 WHERE id = $1",
    )
    .bind(session_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE learner_enrollments SET status = 'COMPLETED', updated_at = $2 WHERE session_id = $1 AND status = 'REGISTERED'")
        .bind(session_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
