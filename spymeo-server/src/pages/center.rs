//! The training-center space `/pro/centre/*` (DOMAIN.md §8.3): formations, sessions with
//! their roster (enrollments, payments, completion, cancellation), learners, statistics.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Deserialize;
use spymeo_core::db::center::{
    self as db, CenterStats, EnrollmentRow, FormationRow, LearnerRow, SessionFilter, SessionRow,
};
use spymeo_core::db::listing::{Page, Paging};
use spymeo_core::db::shop::Range;
use spymeo_core::domain::{EnrollmentStatus, FormationStatus, PaymentMethod, SessionStatus};
use uuid::Uuid;

use super::outcome::{back, checked};
use super::pro_forms::{euros_to_cents, vat_from_percent};
use super::pro_stats::{Bar, RangeQuery, bars};
use super::{Ctx, Layout, render};
use crate::api::center::{
    self as api, EnrollmentChange, ListQuery, NewEnrollment, NewFormation, NewLearner, NewSession,
    center_id,
};
use crate::api::input::{Params, filter};
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::state::AppState;

pub fn formation_label(s: &FormationStatus) -> &'static str {
    match s {
        FormationStatus::Draft => "Brouillon",
        FormationStatus::Published => "Publiée",
        FormationStatus::Archived => "Archivée",
    }
}

pub fn session_label(s: &SessionStatus) -> &'static str {
    match s {
        SessionStatus::Open => "Ouverte",
        SessionStatus::Full => "Complète",
        SessionStatus::Cancelled => "Annulée",
        SessionStatus::Completed => "Terminée",
    }
}

pub fn enrollment_label(s: &EnrollmentStatus) -> &'static str {
    match s {
        EnrollmentStatus::Registered => "Inscrit",
        EnrollmentStatus::Cancelled => "Annulée",
        EnrollmentStatus::Completed => "Formation suivie",
    }
}

pub fn seats(s: &SessionRow) -> String {
    match s.max_seats {
        Some(m) => format!("{} / {m}", s.booked_seats),
        None => format!("{} (sans limite)", s.booked_seats),
    }
}

/// `datetime-local` inputs are Paris wall-clock times.
fn local_time(field: &'static str, s: &str) -> Result<DateTime<Utc>> {
    use chrono::TimeZone as _;
    let bad = || {
        let mut e = Error::new(
            StatusCode::BAD_REQUEST,
            "VALIDATION_FAILED",
            "Date et heure invalides",
        );
        e.fields.push((field, "date et heure invalides".into()));
        e
    };
    let naive = NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%dT%H:%M").map_err(|_| bad())?;
    spymeo_core::domain::PARIS
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(bad)
}

// ---- formations ----

#[derive(Template)]
#[template(path = "center/formations.html")]
pub struct FormationsPage {
    pub layout: Layout,
    pub formations: Page<FormationRow>,
}

pub async fn formations(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Params(q): Params<ListQuery>,
) -> Result<Response> {
    let c = center_id(&state, &user).await?;
    let status: Option<FormationStatus> = filter(&q.status)?;
    let formations = db::formations(
        &state.pool,
        c,
        status,
        q.q.as_deref(),
        Paging::new(q.page, Some(100)),
    )
    .await?;
    let page = FormationsPage {
        layout: ctx.layout(&state, "Formations", "Vos formations et leurs sessions."),
        formations,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "center/formation_form.html")]
pub struct FormationFormPage {
    pub layout: Layout,
    pub statuses: &'static [FormationStatus],
}

pub async fn new_formation(State(state): State<AppState>, ctx: Ctx) -> Response {
    render(
        StatusCode::OK,
        &FormationFormPage {
            layout: ctx.layout(&state, "Nouvelle formation", "Créer une formation."),
            statuses: FormationStatus::ALL,
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct FormationForm {
    #[serde(default)]
    pub title: String,
    pub description: Option<String>,
    pub category: Option<String>,
    pub duration_hours: Option<String>,
    #[serde(default)]
    pub price: String,
    #[serde(default)]
    pub vat: String,
    pub cpf_eligible: Option<String>,
    pub status: Option<String>,
}

pub async fn create_formation(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<FormationForm>,
) -> Result<Response> {
    let result = async {
        let duration_hours = match f
            .duration_hours
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(d) => Some(d.parse::<i16>().map_err(|_| {
                Error::new(
                    StatusCode::BAD_REQUEST,
                    "VALIDATION_FAILED",
                    "Durée invalide (heures)",
                )
            })?),
            None => None,
        };
        let price = euros_to_cents("price", &f.price)?;
        api::create_formation_action(
            &state,
            &user,
            NewFormation {
                title: f.title,
                description: f.description,
                category: f.category,
                duration_hours,
                price_ttc_cents: (!f.price.trim().is_empty()).then_some(price),
                vat_rate_bp: if f.vat.trim().is_empty() {
                    0
                } else {
                    vat_from_percent(&f.vat)?
                },
                cpf_eligible: checked(&f.cpf_eligible),
                status: filter(&f.status)?,
            },
        )
        .await
    }
    .await;
    match result {
        Ok(row) => back(
            &format!("/pro/centre/formations/{}", row.slug),
            Ok(()),
            |_| "Formation créée.".into(),
        ),
        Err(e) => back("/pro/centre/formations/nouvelle", Err::<(), _>(e), |_| {
            String::new()
        }),
    }
}

#[derive(Template)]
#[template(path = "center/formation.html")]
pub struct FormationPage {
    pub layout: Layout,
    pub formation: FormationRow,
    pub sessions: Vec<SessionRow>,
}

pub async fn formation(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(slug): Path<String>,
) -> Result<Response> {
    let c = center_id(&state, &user).await?;
    let formation = db::formation_by_slug(&mut *state.pool.acquire().await?, c, &slug).await?;
    let f = SessionFilter {
        formation_id: Some(formation.id),
        ..Default::default()
    };
    let sessions = db::sessions(&state.pool, c, &f, Paging::new(None, Some(100)))
        .await?
        .items;
    let page = FormationPage {
        layout: ctx.layout(&state, &formation.title, "Une formation et ses sessions."),
        formation,
        sessions,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Debug, Deserialize)]
pub struct SessionForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub starts_at: String,
    #[serde(default)]
    pub ends_at: String,
    pub location: Option<String>,
    pub is_remote: Option<String>,
    pub max_seats: Option<String>,
}

pub async fn create_session(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(slug): Path<String>,
    Form(f): Form<SessionForm>,
) -> Result<Response> {
    let c = center_id(&state, &user).await?;
    let formation = {
        let mut conn = state.pool.acquire().await?;
        db::formation_by_slug(&mut conn, c, &slug).await?
    };
    let result = async {
        let max_seats = match f
            .max_seats
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(m) => Some(m.parse::<i16>().map_err(|_| {
                Error::new(
                    StatusCode::BAD_REQUEST,
                    "VALIDATION_FAILED",
                    "Nombre de places invalide",
                )
            })?),
            None => None,
        };
        api::create_session_action(
            &state,
            &user,
            formation.id,
            NewSession {
                title: f.title,
                starts_at: local_time("startsAt", &f.starts_at)?,
                ends_at: local_time("endsAt", &f.ends_at)?,
                location: f.location,
                is_remote: checked(&f.is_remote),
                max_seats,
            },
        )
        .await
    }
    .await;
    back(&format!("/pro/centre/formations/{slug}"), result, |_| {
        "Session créée.".into()
    })
}

// ---- sessions ----

#[derive(Template)]
#[template(path = "center/sessions.html")]
pub struct SessionsPage {
    pub layout: Layout,
    pub sessions: Page<SessionRow>,
}

pub async fn sessions(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Params(q): Params<ListQuery>,
) -> Result<Response> {
    let c = center_id(&state, &user).await?;
    let f = SessionFilter {
        status: filter(&q.status)?,
        ..Default::default()
    };
    let sessions = db::sessions(&state.pool, c, &f, Paging::new(q.page, Some(100))).await?;
    let page = SessionsPage {
        layout: ctx.layout(&state, "Sessions", "Calendrier des sessions."),
        sessions,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "center/session.html")]
pub struct SessionPage {
    pub layout: Layout,
    pub session: SessionRow,
    pub roster: Vec<EnrollmentRow>,
    pub learners: Vec<LearnerRow>,
    pub methods: &'static [(&'static str, &'static str)],
}

impl SessionPage {
    pub fn can_enroll(&self) -> bool {
        self.session.status == SessionStatus::Open
    }
    pub fn can_cancel(&self) -> bool {
        matches!(
            self.session.status,
            SessionStatus::Open | SessionStatus::Full
        )
    }
}

pub async fn session(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response> {
    let c = center_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    let session = db::session(&mut conn, c, id).await?;
    let roster = db::roster(&mut conn, c, id).await?;
    drop(conn);
    let learners = db::learners(&state.pool, c, None, Paging::new(None, Some(100)))
        .await?
        .items;
    let page = SessionPage {
        layout: ctx.layout(&state, &session.title, "Inscrits, paiements et présence."),
        session,
        roster,
        learners,
        methods: super::merchant::METHODS,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Debug, Deserialize)]
pub struct EnrollForm {
    pub learner_id: Uuid,
    pub amount: Option<String>,
    pub payment_method: Option<String>,
}

fn amount_and_method(
    amount: &Option<String>,
    method: &Option<String>,
) -> Result<(Option<i32>, Option<PaymentMethod>)> {
    match amount.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok((None, None)),
        Some(a) => Ok((Some(euros_to_cents("amount", a)?), filter(method)?)),
    }
}

pub async fn enroll(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Form(f): Form<EnrollForm>,
) -> Result<Response> {
    let result = async {
        let (paid_amount_cents, payment_method) = amount_and_method(&f.amount, &f.payment_method)?;
        api::enroll_action(
            &state,
            &user,
            id,
            NewEnrollment {
                learner_id: f.learner_id,
                paid_amount_cents,
                payment_method,
            },
        )
        .await
    }
    .await;
    back(
        &format!("/pro/centre/formations/sessions/{id}"),
        result,
        |e| format!("{} est inscrit.", e.learner_name),
    )
}

#[derive(Debug, Deserialize)]
pub struct EnrollmentForm {
    pub action: String,
    pub amount: Option<String>,
    pub payment_method: Option<String>,
    pub refund: Option<String>,
}

pub async fn enrollment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Form(f): Form<EnrollmentForm>,
) -> Result<Response> {
    let c = center_id(&state, &user).await?;
    let session_id = {
        let mut conn = state.pool.acquire().await?;
        db::enrollment(&mut conn, c, id).await?.session_id
    };
    let result = async {
        let change = match f.action.as_str() {
            "pay" => {
                let (paid_amount_cents, payment_method) =
                    amount_and_method(&f.amount, &f.payment_method)?;
                if paid_amount_cents.is_none() {
                    return Err(Error::new(
                        StatusCode::BAD_REQUEST,
                        "VALIDATION_FAILED",
                        "Indiquez le montant réglé",
                    ));
                }
                EnrollmentChange {
                    paid_amount_cents,
                    payment_method,
                    ..Default::default()
                }
            }
            "complete" => EnrollmentChange {
                status: Some(EnrollmentStatus::Completed),
                ..Default::default()
            },
            "cancel" => EnrollmentChange {
                status: Some(EnrollmentStatus::Cancelled),
                refund: checked(&f.refund),
                ..Default::default()
            },
            _ => return Err(Error::not_found()),
        };
        api::patch_enrollment_action(&state, &user, id, change).await
    }
    .await;
    back(
        &format!("/pro/centre/formations/sessions/{session_id}"),
        result,
        |e| {
            format!(
                "{} : {}.",
                e.learner_name,
                enrollment_label(&e.status).to_lowercase()
            )
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct CancelForm {
    #[serde(default)]
    pub reason: String,
}

pub async fn cancel_session(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Form(f): Form<CancelForm>,
) -> Result<Response> {
    let result = api::cancel_session_action(&state, &user, id, &f.reason).await;
    back(
        &format!("/pro/centre/formations/sessions/{id}"),
        result,
        |v| {
            format!(
                "Session annulée ; {} apprenant(s) prévenu(s).",
                v["notifiedLearners"]
            )
        },
    )
}

// ---- learners ----

#[derive(Template)]
#[template(path = "center/learners.html")]
pub struct LearnersPage {
    pub layout: Layout,
    pub learners: Page<LearnerRow>,
    pub q: String,
}

pub async fn learners(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Params(q): Params<ListQuery>,
) -> Result<Response> {
    let c = center_id(&state, &user).await?;
    let learners = db::learners(
        &state.pool,
        c,
        q.q.as_deref(),
        Paging::new(q.page, Some(100)),
    )
    .await?;
    let page = LearnersPage {
        layout: ctx.layout(&state, "Apprenants", "Vos apprenants."),
        learners,
        q: q.q.unwrap_or_default(),
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "center/learner_form.html")]
pub struct LearnerFormPage {
    pub layout: Layout,
}

pub async fn new_learner(State(state): State<AppState>, ctx: Ctx) -> Response {
    render(
        StatusCode::OK,
        &LearnerFormPage {
            layout: ctx.layout(&state, "Nouvel apprenant", "Ajouter un apprenant."),
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct LearnerForm {
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub email: String,
    pub phone: Option<String>,
    pub notes: Option<String>,
}

pub async fn create_learner(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<LearnerForm>,
) -> Result<Response> {
    let result = api::create_learner_action(
        &state,
        &user,
        NewLearner {
            first_name: f.first_name,
            last_name: f.last_name,
            email: f.email,
            phone: f.phone,
            notes: f.notes,
        },
    )
    .await;
    match result {
        Ok(l) => back(&format!("/pro/centre/apprenants/{}", l.id), Ok(()), |_| {
            "Apprenant ajouté.".into()
        }),
        Err(e) => back("/pro/centre/apprenants/nouveau", Err::<(), _>(e), |_| {
            String::new()
        }),
    }
}

#[derive(Template)]
#[template(path = "center/learner.html")]
pub struct LearnerPage {
    pub layout: Layout,
    pub learner: LearnerRow,
    pub enrollments: Vec<EnrollmentRow>,
}

pub async fn learner(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response> {
    let c = center_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    let learner = db::learner(&mut conn, c, id).await?;
    let enrollments = db::learner_enrollments(&mut conn, c, id).await?;
    let page = LearnerPage {
        layout: ctx.layout(
            &state,
            &format!("{} {}", learner.first_name, learner.last_name),
            "Un apprenant et ses inscriptions.",
        ),
        learner,
        enrollments,
    };
    Ok(render(StatusCode::OK, &page))
}

// ---- statistics ----

#[derive(Template)]
#[template(path = "center/stats.html")]
pub struct StatsPage {
    pub layout: Layout,
    pub stats: CenterStats,
    pub bars: Vec<Bar>,
}

pub async fn stats(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Params(q): Params<RangeQuery>,
) -> Result<Response> {
    let c = center_id(&state, &user).await?;
    let range = Range::parse(q.range.as_deref())?;
    let stats = db::stats(&state.pool, c, range, Utc::now()).await?;
    let points: Vec<(String, i64)> = stats
        .series
        .iter()
        .map(|p| (p.period.format("%d/%m/%Y").to_string(), p.value))
        .collect();
    let page = StatsPage {
        layout: ctx.layout(
            &state,
            "Statistiques",
            "Sessions, inscriptions, remplissage et encaissements.",
        ),
        bars: bars(&points, true),
        stats,
    };
    Ok(render(StatusCode::OK, &page))
}
