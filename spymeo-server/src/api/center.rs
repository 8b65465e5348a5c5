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
use super::shop::{self as s, Page, StatsParams, StatsQuery, to_json};
use crate::api::openapi::ErrorEnvelope;
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::state::AppState;

/// This module's part of the OpenAPI document (joined in `api::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    formations,
    create_formation,
    formation,
    patch_formation,
    delete_formation,
    formation_sessions,
    create_session,
    sessions,
    session,
    patch_session,
    cancel_session,
    enroll,
    patch_enrollment,
    learners,
    create_learner,
    learner,
    patch_learner,
    delete_learner,
    stats,
))]
pub struct ApiDoc;

/// OpenAPI descriptions of what this module reads and writes.
pub mod schema {
    use chrono::{DateTime, Utc};
    use uuid::Uuid;

    use crate::api::shop::{PaymentMethod, StatsPoint, StatsRange};

    /// Statut d'une formation.
    #[derive(utoipa::ToSchema)]
    #[allow(dead_code)] // describes spymeo_core::domain::FormationStatus
    pub enum FormationStatus {
        #[schema(rename = "DRAFT")]
        Draft,
        #[schema(rename = "PUBLISHED")]
        Published,
        #[schema(rename = "ARCHIVED")]
        Archived,
    }

    /// Statut d'une session (OPEN/FULL suivent les places prises).
    #[derive(utoipa::ToSchema)]
    #[allow(dead_code)] // describes spymeo_core::domain::SessionStatus
    pub enum SessionStatus {
        #[schema(rename = "OPEN")]
        Open,
        #[schema(rename = "FULL")]
        Full,
        #[schema(rename = "CANCELLED")]
        Cancelled,
        #[schema(rename = "COMPLETED")]
        Completed,
    }

    /// Statut d'une inscription.
    #[derive(utoipa::ToSchema)]
    #[allow(dead_code)] // describes spymeo_core::domain::EnrollmentStatus
    pub enum EnrollmentStatus {
        #[schema(rename = "REGISTERED")]
        Registered,
        #[schema(rename = "CANCELLED")]
        Cancelled,
        #[schema(rename = "COMPLETED")]
        Completed,
    }

    /// A formation (`FormationRow`).
    #[derive(utoipa::ToSchema)]
    #[schema(rename_all = "camelCase")]
    #[allow(dead_code)] // describes spymeo_core::db::center::FormationRow
    pub struct CenterFormation {
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

    /// A formation with its sessions (100 at most).
    #[derive(utoipa::ToSchema)]
    #[allow(dead_code)] // describes what `formation` writes
    pub struct CenterFormationDetail {
        #[schema(inline)]
        #[serde(flatten)]
        pub formation: CenterFormation,
        pub sessions: Vec<CenterSession>,
    }

    /// A session (`SessionRow`).
    #[derive(utoipa::ToSchema)]
    #[schema(rename_all = "camelCase")]
    #[allow(dead_code)] // describes spymeo_core::db::center::SessionRow
    pub struct CenterSession {
        pub id: Uuid,
        pub formation_id: Uuid,
        pub formation_title: String,
        pub formation_slug: String,
        pub title: String,
        pub starts_at: DateTime<Utc>,
        pub ends_at: DateTime<Utc>,
        pub location: Option<String>,
        pub is_remote: bool,
        /// `null`: no limit.
        pub max_seats: Option<i16>,
        pub booked_seats: i16,
        /// `null` without a limit.
        pub seats_left: Option<i32>,
        pub status: SessionStatus,
    }

    /// A session with its roster.
    #[derive(utoipa::ToSchema)]
    #[allow(dead_code)] // describes what `session_json` writes
    pub struct CenterSessionDetail {
        #[schema(inline)]
        #[serde(flatten)]
        pub session: CenterSession,
        pub roster: Vec<CenterEnrollment>,
    }

    /// A cancelled session with its roster and the number of learners notified.
    #[derive(utoipa::ToSchema)]
    #[schema(rename_all = "camelCase")]
    #[allow(dead_code)] // describes what `cancel_session_action` writes
    pub struct CancelledSession {
        #[schema(inline)]
        #[serde(flatten)]
        pub session: CenterSession,
        pub roster: Vec<CenterEnrollment>,
        /// Learners with an account who got the SESSION_CANCELLED notification.
        pub notified_learners: i64,
    }

    /// An enrollment (`EnrollmentRow`).
    #[derive(utoipa::ToSchema)]
    #[schema(rename_all = "camelCase")]
    #[allow(dead_code)] // describes spymeo_core::db::center::EnrollmentRow
    pub struct CenterEnrollment {
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

    /// A learner (`LearnerRow`).
    #[derive(utoipa::ToSchema)]
    #[schema(rename_all = "camelCase")]
    #[allow(dead_code)] // describes spymeo_core::db::center::LearnerRow
    pub struct CenterLearner {
        pub id: Uuid,
        /// The account with this e-mail, if any.
        pub user_id: Option<Uuid>,
        pub first_name: String,
        pub last_name: String,
        pub email: String,
        pub phone: Option<String>,
        pub notes: Option<String>,
        pub enrollments_count: i64,
        pub created_at: DateTime<Utc>,
    }

    /// A learner with their enrollments, latest session first.
    #[derive(utoipa::ToSchema)]
    #[allow(dead_code)] // describes what `learner` writes
    pub struct CenterLearnerDetail {
        #[schema(inline)]
        #[serde(flatten)]
        pub learner: CenterLearner,
        pub enrollments: Vec<CenterEnrollment>,
    }

    /// §6.10 C statistics.
    #[derive(utoipa::ToSchema)]
    #[schema(rename_all = "camelCase")]
    #[allow(dead_code)] // describes spymeo_core::db::center::CenterStats
    pub struct CenterStats {
        #[schema(inline)]
        pub range: StatsRange,
        /// Sessions (not cancelled) starting in the period or as far ahead.
        pub sessions: i64,
        /// Enrollments created in the period.
        pub enrollments: i64,
        /// Booked seats over offered seats of those sessions; `null` when none has a limit.
        pub fill_rate_pct: Option<i64>,
        /// Enrollment payments received in the period.
        pub revenue_cents: i64,
        /// Payments per bucket.
        pub series: Vec<StatsPoint>,
    }

    /// `?q=&status=&page=&limit=` of the formation list.
    #[derive(utoipa::IntoParams)]
    #[into_params(parameter_in = Query)]
    #[allow(dead_code)] // describes the part of ListQuery the formation list reads
    pub struct FormationsParams {
        /// Recherche sur le titre.
        pub q: Option<String>,
        /// DRAFT, PUBLISHED ou ARCHIVED (vide : toutes).
        #[param(value_type = Option<String>, pattern = r"^\s*(DRAFT|PUBLISHED|ARCHIVED)?\s*$")]
        pub status: Option<FormationStatus>,
    }

    /// `?status=&from=&to=&page=&limit=` of the session list.
    #[derive(utoipa::IntoParams)]
    #[into_params(parameter_in = Query)]
    #[allow(dead_code)] // describes the part of ListQuery the session list reads
    pub struct SessionsParams {
        /// OPEN, FULL, CANCELLED ou COMPLETED (vide : toutes).
        #[param(value_type = Option<String>, pattern = r"^\s*(OPEN|FULL|CANCELLED|COMPLETED)?\s*$")]
        pub status: Option<SessionStatus>,
        /// Commençant à partir de cet instant.
        pub from: Option<DateTime<Utc>>,
        /// Commençant avant cet instant.
        pub to: Option<DateTime<Utc>>,
    }

    /// `?q=&page=&limit=` of the learner list.
    #[derive(utoipa::IntoParams)]
    #[into_params(parameter_in = Query)]
    #[allow(dead_code)] // describes the part of ListQuery the learner list reads
    pub struct LearnersParams {
        /// Recherche sur le nom ou l'e-mail.
        pub q: Option<String>,
    }
}

use schema::{
    CancelledSession, CenterEnrollment, CenterFormation, CenterFormationDetail, CenterLearner,
    CenterLearnerDetail, CenterSession, CenterSessionDetail, CenterStats, FormationsParams,
    LearnersParams, SessionsParams,
};

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

/// The center's formations.
#[utoipa::path(get, path = "/api/pro/centre/formations", tag = "centre",
    params(FormationsParams, crate::api::input::PageParams),
    responses((status = 200, description = "Une page de formations", body = Page<CenterFormation>)))]
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

/// A new formation (DRAFT unless `status` says otherwise).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = CenterNewFormation)]
pub struct NewFormation {
    #[serde(default)]
    #[schema(required = true, pattern = r"\S", max_length = 200)]
    pub title: String,
    pub description: Option<String>,
    pub category: Option<String>,
    #[schema(minimum = 1, maximum = 32767)]
    pub duration_hours: Option<i16>,
    #[schema(minimum = 0)]
    pub price_ttc_cents: Option<i32>,
    /// 0 by default (formation exempted).
    #[serde(default)]
    #[schema(schema_with = s::vat_rate)]
    pub vat_rate_bp: i16,
    #[serde(default)]
    pub cpf_eligible: bool,
    #[schema(value_type = Option<schema::FormationStatus>)]
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

/// Creates a formation.
#[utoipa::path(post, path = "/api/pro/centre/formations", tag = "centre",
    request_body = NewFormation,
    responses(
        (status = 201, description = "Formation créée", body = CenterFormation),
        (status = 409, description = "Adresse de page déjà prise (SLUG_TAKEN)", body = ErrorEnvelope),
    ))]
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
/// A formation with its sessions.
#[utoipa::path(get, path = "/api/pro/centre/formations/{id}", tag = "centre",
    params(("id" = Uuid, Path, description = "Formation")),
    responses((status = 200, description = "La formation et ses sessions", body = CenterFormationDetail)))]
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

/// Partial edit of a formation: absent (or `null` for a required column) = unchanged; `null`
/// clears an optional one.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = CenterFormationPatch)]
pub struct FormationPatch {
    #[schema(pattern = r"\S", max_length = 200)]
    pub title: Option<String>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub category: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<i16>, minimum = 1, maximum = 32767)]
    pub duration_hours: Option<Option<i16>>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<i32>, minimum = 0)]
    pub price_ttc_cents: Option<Option<i32>>,
    #[schema(schema_with = s::vat_rate_nullable)]
    pub vat_rate_bp: Option<i16>,
    pub cpf_eligible: Option<bool>,
    #[schema(value_type = Option<schema::FormationStatus>)]
    pub status: Option<FormationStatus>,
}

/// Edits a formation.
#[utoipa::path(patch, path = "/api/pro/centre/formations/{id}", tag = "centre",
    params(("id" = Uuid, Path, description = "Formation")),
    request_body = FormationPatch,
    responses((status = 200, description = "La formation modifiée", body = CenterFormation)))]
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

/// Deletes a formation without enrollments (archive it otherwise).
#[utoipa::path(delete, path = "/api/pro/centre/formations/{id}", tag = "centre",
    params(("id" = Uuid, Path, description = "Formation")),
    responses(
        (status = 204, description = "Formation supprimée"),
        (status = 409, description = "La formation a des inscriptions (FORMATION_HAS_ENROLLMENTS)", body = ErrorEnvelope),
    ))]
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

/// The sessions of a formation (100 at most).
#[utoipa::path(get, path = "/api/pro/centre/formations/{id}/sessions", tag = "centre",
    params(("id" = Uuid, Path, description = "Formation")),
    responses((status = 200, description = "Les sessions", body = Vec<CenterSession>)))]
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

/// A new OPEN session; `endsAt` must follow `startsAt`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = CenterNewSession)]
pub struct NewSession {
    #[serde(default)]
    #[schema(required = true, pattern = r"\S")]
    pub title: String,
    pub starts_at: DateTime<Utc>,
    /// After `startsAt`.
    pub ends_at: DateTime<Utc>,
    pub location: Option<String>,
    #[serde(default)]
    pub is_remote: bool,
    /// No limit when absent.
    #[schema(minimum = 1, maximum = 32767)]
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

/// Creates a session of a formation.
#[utoipa::path(post, path = "/api/pro/centre/formations/{id}/sessions", tag = "centre",
    params(("id" = Uuid, Path, description = "Formation")),
    request_body = NewSession,
    responses((status = 201, description = "Session créée", body = CenterSession)))]
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

/// The center's sessions, all formations.
#[utoipa::path(get, path = "/api/pro/centre/sessions", tag = "centre",
    params(SessionsParams, crate::api::input::PageParams),
    responses((status = 200, description = "Une page de sessions", body = Page<CenterSession>)))]
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

/// A session with its roster.
#[utoipa::path(get, path = "/api/pro/centre/sessions/{id}", tag = "centre",
    params(("id" = Uuid, Path, description = "Session")),
    responses((status = 200, description = "La session et ses inscrits", body = CenterSessionDetail)))]
pub async fn session(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>> {
    let c = center_id(&state, &user).await?;
    Ok(Json(session_json(&state, c, id).await?))
}

/// Partial edit of a session: absent (or `null` for a required column) = unchanged; `null`
/// clears `location` or lifts the seat limit.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = CenterSessionChanges)]
pub struct SessionChanges {
    #[schema(pattern = r"\S")]
    pub title: Option<String>,
    pub starts_at: Option<DateTime<Utc>>,
    /// After the (new) start.
    pub ends_at: Option<DateTime<Utc>>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub location: Option<Option<String>>,
    pub is_remote: Option<bool>,
    /// Never below the seats taken (409 SEATS_BELOW_BOOKED).
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<i16>, minimum = 1, maximum = 32767)]
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

/// Edits a session; OPEN/FULL follows the new capacity.
#[utoipa::path(patch, path = "/api/pro/centre/sessions/{id}", tag = "centre",
    params(("id" = Uuid, Path, description = "Session")),
    request_body = SessionChanges,
    responses(
        (status = 200, description = "La session modifiée et ses inscrits", body = CenterSessionDetail),
        (status = 409, description = "Moins de places que d'inscrits (SEATS_BELOW_BOOKED)", body = ErrorEnvelope),
    ))]
pub async fn patch_session(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Body(c): Body<SessionChanges>,
) -> Result<Json<Value>> {
    Ok(Json(patch_session_action(&state, &user, id, c).await?))
}

/// Why the session is cancelled (sent to the learners).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = CenterCancelSession)]
pub struct CancelSession {
    #[serde(default)]
    #[schema(required = true, pattern = r"\S")]
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

/// Cancels an OPEN or FULL session and its enrollments, and notifies the learners.
#[utoipa::path(post, path = "/api/pro/centre/sessions/{id}/cancel", tag = "centre",
    params(("id" = Uuid, Path, description = "Session")),
    request_body = CancelSession,
    responses(
        (status = 200, description = "La session annulée", body = CancelledSession),
        (status = 409, description = "La session n'est ni ouverte ni complète (INVALID_TRANSITION)", body = ErrorEnvelope),
    ))]
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

/// The center's learners.
#[utoipa::path(get, path = "/api/pro/centre/learners", tag = "centre",
    params(LearnersParams, crate::api::input::PageParams),
    responses((status = 200, description = "Une page d'apprenants", body = Page<CenterLearner>)))]
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

/// A new learner; one whose e-mail is an account is linked to it.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = CenterNewLearner)]
pub struct NewLearner {
    #[serde(default)]
    #[schema(required = true, pattern = r"\S", max_length = 80)]
    pub first_name: String,
    #[serde(default)]
    #[schema(required = true, pattern = r"\S", max_length = 80)]
    pub last_name: String,
    #[serde(default)]
    #[schema(
        required = true,
        max_length = 254,
        pattern = r"^\s*[^@\s]+@[^@\s.][^@\s]*\.[^@\s]*[^@\s.]\s*$"
    )]
    pub email: String,
    #[schema(
        pattern = r"^\s*(\+[0-9 .()-]{5,19}[0-9.()-]|[0-9.()-][0-9 .()-]{4,18}[0-9.()-])?\s*$"
    )]
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

/// Creates a learner.
#[utoipa::path(post, path = "/api/pro/centre/learners", tag = "centre",
    request_body = NewLearner,
    responses(
        (status = 201, description = "Apprenant créé", body = CenterLearner),
        (status = 409, description = "Un apprenant a déjà cette adresse (LEARNER_EMAIL_EXISTS)", body = ErrorEnvelope),
    ))]
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

/// A learner with their enrollments.
#[utoipa::path(get, path = "/api/pro/centre/learners/{id}", tag = "centre",
    params(("id" = Uuid, Path, description = "Apprenant")),
    responses((status = 200, description = "L'apprenant et ses inscriptions", body = CenterLearnerDetail)))]
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

/// Partial edit of a learner: absent (or `null` for a required column) = unchanged; `null`
/// (or blank) clears `phone` or `notes`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = CenterLearnerPatch)]
pub struct LearnerPatch {
    #[schema(pattern = r"\S", max_length = 80)]
    pub first_name: Option<String>,
    #[schema(pattern = r"\S", max_length = 80)]
    pub last_name: Option<String>,
    #[schema(
        max_length = 254,
        pattern = r"^\s*[^@\s]+@[^@\s.][^@\s]*\.[^@\s]*[^@\s.]\s*$"
    )]
    pub email: Option<String>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, pattern = r"^\s*(\+[0-9 .()-]{5,19}[0-9.()-]|[0-9.()-][0-9 .()-]{4,18}[0-9.()-])?\s*$")]
    pub phone: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub notes: Option<Option<String>>,
}

/// Edits a learner.
#[utoipa::path(patch, path = "/api/pro/centre/learners/{id}", tag = "centre",
    params(("id" = Uuid, Path, description = "Apprenant")),
    request_body = LearnerPatch,
    responses(
        (status = 200, description = "L'apprenant modifié", body = CenterLearner),
        (status = 409, description = "Un apprenant a déjà cette adresse (LEARNER_EMAIL_EXISTS)", body = ErrorEnvelope),
    ))]
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

/// Deletes a learner without paid enrollments.
#[utoipa::path(delete, path = "/api/pro/centre/learners/{id}", tag = "centre",
    params(("id" = Uuid, Path, description = "Apprenant")),
    responses(
        (status = 204, description = "Apprenant supprimé"),
        (status = 409, description = "L'apprenant a des inscriptions payées (HAS_PAID_ENROLLMENTS)", body = ErrorEnvelope),
    ))]
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

/// Enrolls a learner of the center, optionally with the payment (amount and method together).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = CenterNewEnrollment)]
pub struct NewEnrollment {
    pub learner_id: Uuid,
    /// With `paymentMethod`.
    #[schema(minimum = 1)]
    pub paid_amount_cents: Option<i32>,
    /// With `paidAmountCents`.
    #[schema(value_type = Option<s::PaymentMethod>)]
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

/// Enrolls a learner in a session (seat count under the session's row lock).
#[utoipa::path(post, path = "/api/pro/centre/sessions/{id}/enrollments", tag = "centre",
    params(("id" = Uuid, Path, description = "Session")),
    request_body = NewEnrollment,
    responses(
        (status = 201, description = "Inscription créée", body = CenterEnrollment),
        (status = 409, description = "Session complète (SESSION_FULL), fermée (SESSION_NOT_OPEN) ou apprenant déjà inscrit (ALREADY_ENROLLED)", body = ErrorEnvelope),
    ))]
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

/// A payment (amount and method together) and/or a status: CANCELLED (with `refund` for a
/// paid one) or COMPLETED.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = CenterEnrollmentChange)]
pub struct EnrollmentChange {
    /// CANCELLED or COMPLETED (REGISTERED: 409).
    #[schema(value_type = Option<schema::EnrollmentStatus>)]
    pub status: Option<EnrollmentStatus>,
    /// With `paymentMethod`.
    #[schema(minimum = 1)]
    pub paid_amount_cents: Option<i32>,
    /// When the payment happened (now by default; a future date counts as now).
    pub paid_at: Option<DateTime<Utc>>,
    /// With `paidAmountCents`.
    #[schema(value_type = Option<s::PaymentMethod>)]
    pub payment_method: Option<PaymentMethod>,
    /// With CANCELLED: the payment is refunded (REFUND entry).
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

/// Records a payment and/or changes the status of an enrollment, in one transaction.
#[utoipa::path(patch, path = "/api/pro/centre/enrollments/{id}", tag = "centre",
    params(("id" = Uuid, Path, description = "Inscription")),
    request_body = EnrollmentChange,
    responses(
        (status = 200, description = "L'inscription modifiée", body = CenterEnrollment),
        (status = 409, description = "Déjà payée (ALREADY_PAID) ou transition impossible (INVALID_TRANSITION)", body = ErrorEnvelope),
    ))]
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

/// Statistics of the sessions, enrollments and payments of the period.
#[utoipa::path(get, path = "/api/pro/centre/stats", tag = "centre",
    params(StatsParams),
    responses((status = 200, description = "Les statistiques", body = CenterStats)))]
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
