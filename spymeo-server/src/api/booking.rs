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

use crate::auth::{CurrentUser, MaybeUser};
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::validate::Fields;

/// DOMAIN.md §6.1: booking 10/h per IP.
pub const BOOKING: Limit = Limit {
    max: 10,
    window: Duration::hours(1),
};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SlotsQuery {
    pub appointment_type_id: Uuid,
    pub from: Option<NaiveDate>,
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

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BookRequest {
    pub appointment_type_id: Uuid,
    pub start: chrono::DateTime<Utc>,
    pub location_kind: Option<LocationKind>,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub message: Option<String>,
    #[serde(default)]
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

pub async fn book_api(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    MaybeUser(user): MaybeUser,
    Path(slug): Path<String>,
    Json(req): Json<BookRequest>,
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

#[derive(Debug, Deserialize)]
pub struct CancelRequest {
    pub token: String,
    pub reason: Option<String>,
}

pub async fn cancel_api(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Json(req): Json<CancelRequest>,
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
