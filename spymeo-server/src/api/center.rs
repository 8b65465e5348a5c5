//! `/api/pro/centre/*` (DOMAIN.md §6.14, §7.8): formations, sessions (capacity, OPEN/FULL kept
//! by the enrollment transaction under the session's row lock), learners, enrollments,
//! payments, completion, and session cancellation with learner notifications.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use spymeo_core::db::center::{self as db, FormationEdit, SessionFilter, SessionPatch};
use spymeo_core::db::listing::Paging;
use spymeo_core::db::pros::ProKind;
use spymeo_core::db::shop::Range;
use spymeo_core::db::training::{
    self, EnrollmentPayment, FormationInput, LearnerInput, SessionInput,
};
use spymeo_core::domain::{EnrollmentStatus, FormationStatus, PaymentMethod, SessionStatus};
use uuid::Uuid;

use super::input::{Body, Params, double_option, filter, non_blank};
use super::shop::{self as s, StatsQuery, to_json};
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::state::AppState;

pub async fn center_id(state: &AppState, user: &CurrentUser) -> Result<Uuid> {
    s::owner(state, user, ProKind::Center).await
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub q: Option<String>,
    pub status: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub page: Option<i64>,
    pub limit: Option<i64>,
}

// ---- formations ----

pub async fn formations(
    State(state): State<AppState>,
    user: CurrentUser,
    Params(q): Params<ListQuery>,
) -> Result<Json<Value>> {
    let c = center_id(&state, &user).await?;
    let status: Option<FormationStatus> = filter(&q.status)?;
    let page = db::formations(
        &state.pool,
        c,
        status,
        q.q.as_deref(),
        Paging::new(q.page, q.limit),
    )
    .await?;
    Ok(Json(to_json(&page)?))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewFormation {
    #[serde(default)]
    pub title: String,
    pub description: Option<String>,
    pub category: Option<String>,
    pub duration_hours: Option<i16>,
    pub price_ttc_cents: Option<i32>,
    #[serde(default)]
    pub vat_rate_bp: i16,
    #[serde(default)]
    pub cpf_eligible: bool,
    pub status: Option<FormationStatus>,
}

pub async fn create_formation_action(
    state: &AppState,
    user: &CurrentUser,
    n: NewFormation,
) -> Result<db::FormationRow> {
    let c = center_id(state, user).await?;
    if n.price_ttc_cents.is_some_and(|p| p < 0) || n.duration_hours.is_some_and(|d| d <= 0) {
        return Err(
            spymeo_core::Error::field("priceTtcCents", "prix et durée positifs attendus").into(),
        );
    }
    let input = FormationInput {
        title: n.title,
        description: non_blank(n.description),
        category: non_blank(n.category),
        duration_hours: n.duration_hours,
        price_ttc_cents: n.price_ttc_cents,
        vat_rate_bp: n.vat_rate_bp,
        cpf_eligible: n.cpf_eligible,
        status: n.status.unwrap_or(FormationStatus::Draft),
    };
    let mut tx = state.pool.begin().await?;
    let id = training::create_formation(&mut tx, c, &input, Utc::now()).await?;
    let row = db::formation(&mut tx, c, id).await?;
    tx.commit().await?;
    Ok(row)
}

pub async fn create_formation(
    State(state): State<AppState>,
    user: CurrentUser,
    Body(n): Body<NewFormation>,
) -> Result<(StatusCode, Json<Value>)> {
    Ok((
        StatusCode::CREATED,
        Json(to_json(&create_formation_action(&state, &user, n).await?)?),
    ))
}

/// A formation with its sessions.
pub async fn formation(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>> {
    let c = center_id(&state, &user).await?;
    let f = db::formation(&mut *state.pool.acquire().await?, c, id).await?;
    let sessions = db::sessions(
        &state.pool,
        c,
        &SessionFilter {
            formation_id: Some(id),
            ..Default::default()
        },
        Paging::new(None, Some(100)),
    )
    .await?;
    let mut v = to_json(&f)?;
    v["sessions"] = to_json(&sessions.items)?;
    Ok(Json(v))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FormationPatch {
    pub title: Option<String>,
    #[serde(default, with = "double_option")]
    pub description: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub category: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub duration_hours: Option<Option<i16>>,
    #[serde(default, with = "double_option")]
    pub price_ttc_cents: Option<Option<i32>>,
    pub vat_rate_bp: Option<i16>,
    pub cpf_eligible: Option<bool>,
    pub status: Option<FormationStatus>,
}

pub async fn patch_formation(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Body(p): Body<FormationPatch>,
) -> Result<Json<Value>> {
    let c = center_id(&state, &user).await?;
    let mut tx = state.pool.begin().await?;
    let cur = db::formation(&mut tx, c, id).await?;
    let mut e = FormationEdit::from(&cur);
    if let Some(t) = p.title {
        e.title = t;
    }
    if let Some(v) = p.description {
        e.description = non_blank(v);
    }
    if let Some(v) = p.category {
        e.category = non_blank(v);
    }
    if let Some(v) = p.duration_hours {
        e.duration_hours = v;
    }
    if let Some(v) = p.price_ttc_cents {
        e.price_ttc_cents = v;
    }
    e.vat_rate_bp = p.vat_rate_bp.unwrap_or(e.vat_rate_bp);
    e.cpf_eligible = p.cpf_eligible.unwrap_or(e.cpf_eligible);
    e.status = p.status.unwrap_or(e.status);
    db::update_formation(&mut tx, c, id, &e).await?;
    let row = db::formation(&mut tx, c, id).await?;
    tx.commit().await?;
    Ok(Json(to_json(&row)?))
}

pub async fn delete_formation(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    let c = center_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    db::delete_formation(&mut conn, c, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- sessions ----

pub async fn formation_sessions(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>> {
    let c = center_id(&state, &user).await?;
    db::formation(&mut *state.pool.acquire().await?, c, id).await?;
    let f = SessionFilter {
        formation_id: Some(id),
        ..Default::default()
    };
    Ok(Json(to_json(
        &db::sessions(&state.pool, c, &f, Paging::new(None, Some(100)))
            .await?
            .items,
    )?))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewSession {
    #[serde(default)]
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub location: Option<String>,
    #[serde(default)]
    pub is_remote: bool,
    pub max_seats: Option<i16>,
}

pub async fn create_session_action(
    state: &AppState,
    user: &CurrentUser,
    formation_id: Uuid,
    n: NewSession,
) -> Result<db::SessionRow> {
    let c = center_id(state, user).await?;
    if n.title.trim().is_empty() {
        return Err(spymeo_core::Error::field("title", "titre requis").into());
    }
    let input = SessionInput {
        title: n.title,
        starts_at: n.starts_at,
        ends_at: n.ends_at,
        location: non_blank(n.location),
        is_remote: n.is_remote,
        max_seats: n.max_seats,
    };
    let mut tx = state.pool.begin().await?;
    db::formation(&mut tx, c, formation_id).await?;
    let id = training::create_session(&mut tx, c, formation_id, &input, Utc::now()).await?;
    let row = db::session(&mut tx, c, id).await?;
    tx.commit().await?;
    Ok(row)
}

pub async fn create_session(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Body(n): Body<NewSession>,
) -> Result<(StatusCode, Json<Value>)> {
    Ok((
        StatusCode::CREATED,
        Json(to_json(
            &create_session_action(&state, &user, id, n).await?,
        )?),
    ))
}

pub async fn sessions(
    State(state): State<AppState>,
    user: CurrentUser,
    Params(q): Params<ListQuery>,
) -> Result<Json<Value>> {
    let c = center_id(&state, &user).await?;
    let f = SessionFilter {
        formation_id: None,
        status: filter::<SessionStatus>(&q.status)?,
        from: q.from,
        to: q.to,
    };
    Ok(Json(to_json(
        &db::sessions(&state.pool, c, &f, Paging::new(q.page, q.limit)).await?,
    )?))
}

/// A session with its roster.
pub async fn session_json(state: &AppState, c: Uuid, id: Uuid) -> Result<Value> {
    let mut conn = state.pool.acquire().await?;
    let s = db::session(&mut conn, c, id).await?;
    let roster = db::roster(&mut conn, c, id).await?;
    let mut v = to_json(&s)?;
    v["roster"] = to_json(&roster)?;
    Ok(v)
}

pub async fn session(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>> {
    let c = center_id(&state, &user).await?;
    Ok(Json(session_json(&state, c, id).await?))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SessionChanges {
    pub title: Option<String>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    #[serde(default, with = "double_option")]
    pub location: Option<Option<String>>,
    pub is_remote: Option<bool>,
    #[serde(default, with = "double_option")]
    pub max_seats: Option<Option<i16>>,
}

pub async fn patch_session_action(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    c: SessionChanges,
) -> Result<Value> {
    let center = center_id(state, user).await?;
    let mut tx = state.pool.begin().await?;
    let patch = SessionPatch {
        title: c.title,
        starts_at: c.starts_at,
        ends_at: c.ends_at,
        location: c.location.map(non_blank),
        is_remote: c.is_remote,
        max_seats: c.max_seats,
    };
    db::update_session(&mut tx, center, id, &patch, Utc::now()).await?;
    tx.commit().await?;
    session_json(state, center, id).await
}

pub async fn patch_session(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Body(c): Body<SessionChanges>,
) -> Result<Json<Value>> {
    Ok(Json(patch_session_action(&state, &user, id, c).await?))
}

#[derive(Debug, Default, Deserialize)]
pub struct CancelSession {
    #[serde(default)]
    pub reason: String,
}

pub async fn cancel_session_action(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    reason: &str,
) -> Result<Value> {
    let c = center_id(state, user).await?;
    let mut tx = state.pool.begin().await?;
    let notified = db::cancel_session(&mut tx, c, id, reason, Utc::now()).await?;
    tx.commit().await?;
    let mut v = session_json(state, c, id).await?;
    v["notifiedLearners"] = json!(notified);
    Ok(v)
}

pub async fn cancel_session(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Body(b): Body<CancelSession>,
) -> Result<Json<Value>> {
    Ok(Json(
        cancel_session_action(&state, &user, id, &b.reason).await?,
    ))
}

// ---- learners ----

pub async fn learners(
    State(state): State<AppState>,
    user: CurrentUser,
    Params(q): Params<ListQuery>,
) -> Result<Json<Value>> {
    let c = center_id(&state, &user).await?;
    Ok(Json(to_json(
        &db::learners(&state.pool, c, q.q.as_deref(), Paging::new(q.page, q.limit)).await?,
    )?))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewLearner {
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub email: String,
    pub phone: Option<String>,
    pub notes: Option<String>,
}

fn check_learner(first: &str, last: &str, email: &str) -> Result<String> {
    let mut f = crate::validate::Fields::default();
    f.name("firstName", first);
    f.name("lastName", last);
    let email = f.email("email", email);
    f.finish()?;
    Ok(email)
}

pub async fn create_learner_action(
    state: &AppState,
    user: &CurrentUser,
    n: NewLearner,
) -> Result<db::LearnerRow> {
    let c = center_id(state, user).await?;
    let email = check_learner(&n.first_name, &n.last_name, &n.email)?;
    let mut tx = state.pool.begin().await?;
    // A learner whose e-mail is an account is linked to it, so a cancelled session reaches them.
    let user_id: Option<Uuid> =
        sqlx::query_scalar("SELECT id FROM users WHERE email = $1 AND deleted_at IS NULL")
            .bind(&email)
            .fetch_optional(&mut *tx)
            .await?;
    let input = LearnerInput {
        user_id,
        first_name: n.first_name,
        last_name: n.last_name,
        email,
        phone: non_blank(n.phone),
        notes: non_blank(n.notes),
    };
    let id = training::create_learner(&mut tx, c, &input, Utc::now()).await?;
    let row = db::learner(&mut tx, c, id).await?;
    tx.commit().await?;
    Ok(row)
}

pub async fn create_learner(
    State(state): State<AppState>,
    user: CurrentUser,
    Body(n): Body<NewLearner>,
) -> Result<(StatusCode, Json<Value>)> {
    Ok((
        StatusCode::CREATED,
        Json(to_json(&create_learner_action(&state, &user, n).await?)?),
    ))
}

pub async fn learner(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>> {
    let c = center_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    let l = db::learner(&mut conn, c, id).await?;
    let enrollments = db::learner_enrollments(&mut conn, c, id).await?;
    let mut v = to_json(&l)?;
    v["enrollments"] = to_json(&enrollments)?;
    Ok(Json(v))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LearnerPatch {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    #[serde(default, with = "double_option")]
    pub phone: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub notes: Option<Option<String>>,
}

pub async fn patch_learner(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Body(p): Body<LearnerPatch>,
) -> Result<Json<Value>> {
    let c = center_id(&state, &user).await?;
    let mut tx = state.pool.begin().await?;
    let cur = db::learner(&mut tx, c, id).await?;
    let first = p.first_name.unwrap_or(cur.first_name);
    let last = p.last_name.unwrap_or(cur.last_name);
    let email = check_learner(&first, &last, &p.email.unwrap_or(cur.email))?;
    let phone = p.phone.map(non_blank).unwrap_or(cur.phone);
    let notes = p.notes.map(non_blank).unwrap_or(cur.notes);
    db::update_learner(
        &mut tx,
        c,
        id,
        &first,
        &last,
        &email,
        phone.as_deref(),
        notes.as_deref(),
    )
    .await?;
    let row = db::learner(&mut tx, c, id).await?;
    tx.commit().await?;
    Ok(Json(to_json(&row)?))
}

pub async fn delete_learner(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    let c = center_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    db::delete_learner(&mut conn, c, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- enrollments ----

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewEnrollment {
    pub learner_id: Uuid,
    pub paid_amount_cents: Option<i32>,
    pub payment_method: Option<PaymentMethod>,
}

fn payment(
    amount: Option<i32>,
    method: Option<PaymentMethod>,
    paid_at: Option<DateTime<Utc>>,
) -> Result<Option<EnrollmentPayment>> {
    let now = Utc::now();
    match (amount, method) {
        (None, None) => Ok(None),
        (Some(amount_cents), Some(method)) => Ok(Some(EnrollmentPayment {
            amount_cents,
            method,
            paid_at: paid_at.unwrap_or(now).min(now),
        })),
        _ => Err(spymeo_core::Error::field(
            "paymentMethod",
            "montant et mode de règlement vont ensemble",
        )
        .into()),
    }
}

/// §7.8: the session row is locked (`FOR UPDATE`) for the seat count; another center's
/// session or learner → 404 (AR-12); 409 SESSION_FULL / SESSION_NOT_OPEN / ALREADY_ENROLLED.
pub async fn enroll_action(
    state: &AppState,
    user: &CurrentUser,
    session_id: Uuid,
    n: NewEnrollment,
) -> Result<db::EnrollmentRow> {
    let c = center_id(state, user).await?;
    let pay = payment(n.paid_amount_cents, n.payment_method, None)?;
    let mut tx = state.pool.begin().await?;
    db::learner(&mut tx, c, n.learner_id).await?;
    let id = training::enroll(&mut tx, c, session_id, n.learner_id, pay, Utc::now()).await?;
    let row = db::enrollment(&mut tx, c, id).await?;
    tx.commit().await?;
    Ok(row)
}

pub async fn enroll(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Body(n): Body<NewEnrollment>,
) -> Result<(StatusCode, Json<Value>)> {
    Ok((
        StatusCode::CREATED,
        Json(to_json(&enroll_action(&state, &user, id, n).await?)?),
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnrollmentChange {
    pub status: Option<EnrollmentStatus>,
    pub paid_amount_cents: Option<i32>,
    pub paid_at: Option<DateTime<Utc>>,
    pub payment_method: Option<PaymentMethod>,
    #[serde(default)]
    pub refund: bool,
}

/// A payment (SALE entry), then the status: CANCELLED frees the seat (REFUND entry with
/// `refund`), COMPLETED records the completion. One transaction.
pub async fn patch_enrollment_action(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    ch: EnrollmentChange,
) -> Result<db::EnrollmentRow> {
    let c = center_id(state, user).await?;
    let now = Utc::now();
    let pay = payment(ch.paid_amount_cents, ch.payment_method, ch.paid_at)?;
    let mut tx = state.pool.begin().await?;
    db::enrollment(&mut tx, c, id).await?;
    if let Some(p) = pay {
        training::record_payment(&mut tx, c, id, p, now).await?;
    }
    match ch.status {
        None => {}
        Some(EnrollmentStatus::Cancelled) => {
            training::cancel_enrollment(&mut tx, c, id, ch.refund, now).await?
        }
        Some(EnrollmentStatus::Completed) => db::complete_enrollment(&mut tx, c, id, now).await?,
        Some(EnrollmentStatus::Registered) => {
            return Err(Error::new(
                StatusCode::CONFLICT,
                "INVALID_TRANSITION",
                "Changement de statut impossible",
            ));
        }
    }
    let row = db::enrollment(&mut tx, c, id).await?;
    tx.commit().await?;
    Ok(row)
}

pub async fn patch_enrollment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Body(ch): Body<EnrollmentChange>,
) -> Result<Json<Value>> {
    Ok(Json(to_json(
        &patch_enrollment_action(&state, &user, id, ch).await?,
    )?))
}

pub async fn stats(
    State(state): State<AppState>,
    user: CurrentUser,
    Params(q): Params<StatsQuery>,
) -> Result<Json<Value>> {
    let c = center_id(&state, &user).await?;
    let range = Range::parse(q.range.as_deref())?;
    Ok(Json(to_json(
        &db::stats(&state.pool, c, range, Utc::now()).await?,
    )?))
}
