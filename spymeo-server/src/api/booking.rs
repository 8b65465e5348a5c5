//! Online booking (DOMAIN.md §6.4, §7.1): a practitioner's free slots, the booking itself by a
//! visitor or a member (client found or created by email; the exclusion constraint alone
//! decides a race: 409 SLOT_TAKEN), and cancellation with the emailed token.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::{Duration, NaiveDate, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use spymeo_core::db::agenda::{self, OnlineBooking};
use spymeo_core::db::practitioner_agenda::{self as pa, AppointmentEmail, Managed};
use spymeo_core::db::rate_limit::{self, Limit};
use spymeo_core::domain::{LocationKind, paris_date};
use uuid::Uuid;

use crate::api::input::Body;
use crate::auth::{CurrentUser, MaybeUser};
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::validate::Fields;

/// This module's part of the OpenAPI document (joined in `api::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(availabilities, book_api, cancel_api),
    components(schemas(
        BookingLocationKind,
        PublicSlots,
        PublicSlot,
        BookRequest,
        Booked,
        PublicAppointment,
        PublicAppointmentPractitioner,
        CancelRequest,
        Cancelled
    ))
)]
pub struct ApiDoc;

/// Where a consultation takes place.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(dead_code)] // describes `LocationKind`
pub enum BookingLocationKind {
    Cabinet,
    Visio,
    Domicile,
}

/// The free slots of a practitioner for one motif.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[allow(dead_code)] // describes what `availabilities` writes
pub struct PublicSlots {
    /// The practitioner's time zone (IANA), for showing local times.
    #[schema(example = "Europe/Paris")]
    pub timezone: String,
    pub slots: Vec<PublicSlot>,
}

/// A bookable slot (`domain::slots::Slot`).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes `spymeo_core::domain::slots::Slot`
pub struct PublicSlot {
    pub start: chrono::DateTime<Utc>,
    pub end: chrono::DateTime<Utc>,
    pub appointment_type_id: Uuid,
}

/// An appointment as its client sees it (what `appt_json` writes).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes what `appt_json` writes
pub struct PublicAppointment {
    pub id: Uuid,
    pub title: String,
    pub start: chrono::DateTime<Utc>,
    pub end: chrono::DateTime<Utc>,
    /// SCHEDULED, CONFIRMED, CANCELLED, COMPLETED or NO_SHOW.
    #[schema(example = "SCHEDULED")]
    pub status: String,
    pub location_kind: BookingLocationKind,
    /// The place: the appointment's own text, else the practitioner's address.
    pub location_text: Option<String>,
    /// Always null for now.
    pub visio_url: Option<String>,
    pub price_cents: Option<i32>,
    pub practitioner: PublicAppointmentPractitioner,
    /// Still cancellable online (status and cancellation window).
    pub can_cancel: bool,
    pub can_cancel_until: chrono::DateTime<Utc>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes what `appt_json` writes under `practitioner`
pub struct PublicAppointmentPractitioner {
    pub slug: String,
    pub public_name: String,
}

/// The booked appointment and the link to manage it.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes what `book_api` writes
pub struct Booked {
    pub appointment: PublicAppointment,
    /// `/rendez-vous/{id}`, with `?token=…` (the cancel token) for a visitor.
    pub manage_url: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[allow(dead_code)] // describes what `cancel_api` writes
pub struct Cancelled {
    pub id: Uuid,
    /// Always CANCELLED.
    #[schema(example = "CANCELLED")]
    pub status: String,
}

/// DOMAIN.md §6.1: booking 10/h per IP.
pub const BOOKING: Limit = Limit {
    max: 10,
    window: Duration::hours(1),
};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct SlotsQuery {
    /// The motif (one of the practitioner's online-bookable appointment types).
    pub appointment_type_id: Uuid,
    /// First local date (default: today, Paris time).
    pub from: Option<NaiveDate>,
    /// Last local date (default: `from` + 6 days); not before `from`, 31 days at most.
    pub to: Option<NaiveDate>,
}

/// Local dates `from..=to`: 7 days from today by default, 31 at most.
pub fn slot_range(
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<(NaiveDate, NaiveDate)> {
    let from = from.unwrap_or_else(|| paris_date(Utc::now()));
    let to = to.unwrap_or(from + Duration::days(6));
    if to < from || to - from > Duration::days(30) {
        let mut f = Fields::default();
        f.add("to", "Période invalide (31 jours au plus)");
        f.finish()?;
    }
    Ok((from, to))
}

/// A practitioner's free slots for one motif, between two local dates.
#[utoipa::path(get, path = "/api/public/practitioners/{slug}/availabilities", tag = "booking",
    params(("slug" = String, Path, description = "Adresse de la page du praticien"), SlotsQuery),
    responses(
        (status = 200, description = "Les créneaux libres", body = PublicSlots),
        (status = 400, description = "Période invalide (plus de 31 jours, fin avant début) ou motif inconnu (VALIDATION_FAILED)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn availabilities(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<SlotsQuery>,
) -> Result<Json<Value>> {
    let (from, to) = slot_range(q.from, q.to)?;
    let mut conn = state.pool.acquire().await?;
    let pid = agenda::find_public_practitioner(&mut conn, &slug).await?;
    pa::ensure_defaults(&mut conn, pid, Utc::now()).await?;
    let timezone = agenda::settings(&mut conn, pid).await?.timezone;
    let slots =
        agenda::available_slots(&mut conn, pid, q.appointment_type_id, from, to, Utc::now())
            .await
            .map_err(|e| match e {
                // An unknown or non-bookable motif is a bad request here, not a missing page.
                spymeo_core::Error::NotFound => {
                    let mut f = Fields::default();
                    f.add("appointmentTypeId", "Motif inconnu");
                    f.finish().unwrap_err()
                }
                e => e.into(),
            })?;
    Ok(Json(json!({ "timezone": timezone, "slots": slots })))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BookRequest {
    pub appointment_type_id: Uuid,
    /// The start of one of the offered slots.
    pub start: chrono::DateTime<Utc>,
    /// Among the motif's and the practitioner's allowed places (default: the motif's).
    #[schema(value_type = Option<BookingLocationKind>)]
    pub location_kind: Option<LocationKind>,
    #[schema(min_length = 1, max_length = 80, pattern = r"\S", example = "Claire")]
    pub first_name: String,
    #[schema(min_length = 1, max_length = 80, pattern = r"\S", example = "Martin")]
    pub last_name: String,
    #[schema(format = Email, max_length = 254, example = "claire@example.fr")]
    pub email: String,
    /// 6 to 20 characters among digits, spaces and `.()-`, optionally after a leading `+`.
    #[schema(
        pattern = r"^\s*(\+[0-9 .()-]{5,18}[0-9.()-]|[0-9.()-][0-9 .()-]{4,18}[0-9.()-])?\s*$",
        example = "06 12 34 56 78"
    )]
    pub phone: Option<String>,
    #[schema(max_length = 2000)]
    pub message: Option<String>,
    /// Must be `true`: the general terms are accepted.
    #[serde(default)]
    #[schema(schema_with = super::auth::must_be_true, required = true)]
    pub accept_cgu: bool,
}

pub struct BookedOut {
    pub appointment_id: Uuid,
    /// The manage link; for visitors it carries the cancel token.
    pub manage_url: String,
}

/// The booking shared by the API and the booking page.
pub async fn book(
    state: &AppState,
    slug: &str,
    req: &BookRequest,
    user: Option<&CurrentUser>,
    ip: Option<std::net::IpAddr>,
) -> Result<BookedOut> {
    let mut f = Fields::default();
    let first_name = f.name("firstName", &req.first_name);
    let last_name = f.name("lastName", &req.last_name);
    let email = f.email("email", &req.email);
    let phone = req
        .phone
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned);
    if let Some(p) = &phone
        && (!(6..=20).contains(&p.len())
            || !p
                .chars()
                .all(|c| c.is_ascii_digit() || " .()+-".contains(c)))
    {
        f.add("phone", "Numéro de téléphone invalide");
    }
    let message = req
        .message
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(str::to_owned);
    if message.as_ref().is_some_and(|m| m.chars().count() > 2000) {
        f.add("message", "2 000 caractères au maximum");
    }
    if !req.accept_cgu {
        f.add("acceptCgu", "Vous devez accepter les conditions générales");
    }
    f.finish()?;
    let now = Utc::now();
    if let Some(ip) = ip
        && !rate_limit::hit(&state.pool, &format!("book:{ip}"), BOOKING, now).await?
    {
        return Err(Error::new(
            StatusCode::TOO_MANY_REQUESTS,
            "RATE_LIMITED",
            "Trop de réservations depuis cette adresse, réessayez plus tard",
        ));
    }
    let token = user.is_none().then(spymeo_core::token::generate);
    let mut tx = state.pool.begin().await?;
    let pid = agenda::find_public_practitioner(&mut tx, slug).await?;
    pa::ensure_defaults(&mut tx, pid, now).await?;
    let booked = agenda::book_online(
        &mut tx,
        pid,
        &OnlineBooking {
            appointment_type_id: req.appointment_type_id,
            start: req.start,
            location_kind: req.location_kind,
            first_name,
            last_name,
            email,
            phone,
            message,
            user_id: user.map(|u| u.id),
            cancel_token_hash: token.as_deref().map(pa::cancel_token_hash),
        },
        now,
    )
    .await
    .map_err(booking_error)?;
    let base = state.inner.app_url.trim_end_matches('/');
    let path = match &token {
        Some(t) => format!("/rendez-vous/{}?token={t}", booked.appointment_id),
        None => format!("/rendez-vous/{}", booked.appointment_id),
    };
    pa::queue_emails(
        &mut tx,
        booked.appointment_id,
        AppointmentEmail::Booked,
        Some(&format!("{base}{path}")),
    )
    .await?;
    tx.commit().await?;
    Ok(BookedOut {
        appointment_id: booked.appointment_id,
        manage_url: path,
    })
}

/// Core's 400 on `start` is the API's SLOT_NOT_OFFERED; NOT_ACCEPTING_NEW_CLIENTS is a 403.
fn booking_error(e: spymeo_core::Error) -> Error {
    match e {
        spymeo_core::Error::Validation { fields, .. }
            if fields.iter().any(|(f, _)| *f == "start") =>
        {
            let mut err = Error::new(
                StatusCode::BAD_REQUEST,
                "SLOT_NOT_OFFERED",
                "Ce créneau n'est pas proposé à la réservation",
            );
            err.fields = fields;
            err
        }
        spymeo_core::Error::Conflict {
            code: "NOT_ACCEPTING_NEW_CLIENTS",
            message,
        } => Error::new(StatusCode::FORBIDDEN, "NOT_ACCEPTING_NEW_CLIENTS", message),
        e => e.into(),
    }
}

pub fn appt_json(m: &Managed) -> Value {
    let now = Utc::now();
    json!({
        "id": m.id, "title": m.title, "start": m.starts_at, "end": m.ends_at, "status": m.status,
        "locationKind": m.location_kind, "locationText": m.location_text.clone().or(m.address.clone()),
        "visioUrl": null, "priceCents": m.price_cents,
        "practitioner": {"slug": m.practitioner_slug, "publicName": m.practitioner_name},
        "canCancel": m.can_cancel(now), "canCancelUntil": m.can_cancel_until(),
    })
}

/// Books a slot, as a visitor (client found or created by email; the answer carries the
/// cancel link) or as a logged-in member.
#[utoipa::path(post, path = "/api/public/practitioners/{slug}/book", tag = "booking",
    params(("slug" = String, Path, description = "Adresse de la page du praticien")),
    request_body = BookRequest,
    responses(
        (status = 201, description = "Rendez-vous réservé", body = Booked),
        (status = 400, description = "Champ invalide (VALIDATION_FAILED) ou créneau non proposé (SLOT_NOT_OFFERED)", body = crate::api::openapi::ErrorEnvelope),
        (status = 403, description = "Origine étrangère (CSRF) ou praticien n'acceptant pas de nouveaux clients (NOT_ACCEPTING_NEW_CLIENTS)", body = crate::api::openapi::ErrorEnvelope),
        (status = 409, description = "Créneau pris entre-temps (SLOT_TAKEN)", body = crate::api::openapi::ErrorEnvelope),
        (status = 429, description = "Plus de 10 réservations par heure depuis cette adresse (RATE_LIMITED)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn book_api(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    MaybeUser(user): MaybeUser,
    Path(slug): Path<String>,
    Body(req): Body<BookRequest>,
) -> Result<(StatusCode, Json<Value>)> {
    let ip = super::auth::client_ip(&state, &headers, Some(peer));
    let out = book(&state, &slug, &req, user.as_ref(), ip).await?;
    let mut conn = state.pool.acquire().await?;
    let m = match (&user, out.manage_url.split_once("token=")) {
        (_, Some((_, token))) => pa::managed_by_token(&mut conn, out.appointment_id, token).await?,
        (Some(u), None) => pa::managed_by_user(&mut conn, out.appointment_id, u.id).await?,
        (None, None) => return Err(Error::internal()),
    };
    Ok((
        StatusCode::CREATED,
        Json(json!({ "appointment": appt_json(&m), "manageUrl": out.manage_url })),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CancelRequest {
    /// The cancel token of the emailed manage link.
    pub token: String,
    pub reason: Option<String>,
}

/// Cancels an online booking with the emailed token, within the cancellation window.
#[utoipa::path(post, path = "/api/public/appointments/{id}/cancel", tag = "booking",
    params(("id" = Uuid, Path, description = "Rendez-vous")),
    request_body = CancelRequest,
    responses(
        (status = 200, description = "Rendez-vous annulé", body = Cancelled),
        (status = 404, description = "Rendez-vous inconnu ou jeton incorrect (NOT_FOUND)", body = crate::api::openapi::ErrorEnvelope),
        (status = 409, description = "Déjà annulé (ALREADY_CANCELLED), plus annulable (NOT_CANCELLABLE) ou trop tard (CANCELLATION_WINDOW_PASSED)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn cancel_api(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Body(req): Body<CancelRequest>,
) -> Result<Json<Value>> {
    let reason = req
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    let mut conn = state.pool.acquire().await?;
    pa::cancel_by_token(&mut conn, id, &req.token, reason, Utc::now()).await?;
    Ok(Json(json!({ "id": id, "status": "CANCELLED" })))
}
