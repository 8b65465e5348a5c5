//! The public booking page `/praticiens/{slug}/reserver` (choose a motif, pick one of the
//! week's slots, fill the form — prefilled for members; no JavaScript) and the manage page
//! `/rendez-vous/{id}` reached from the confirmation email (token) or by the booking member.

use std::net::SocketAddr;

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{Duration, NaiveDate, Utc};
use serde::Deserialize;
use spymeo_core::db::agenda::{self, AppointmentType};
use spymeo_core::db::practitioner_agenda::{self as pa, BookingPractitioner, Managed};
use spymeo_core::domain::paris_date;
use spymeo_core::domain::slots::Slot;
use uuid::Uuid;

use super::{back, field, invalid};
use crate::api::booking::{self as api, BookRequest};
use crate::auth::{CurrentUser, MaybeUser};
use crate::error::Result;
use crate::pages::{Ctx, Layout, euros, render};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct BookingQuery {
    pub motif: Option<Uuid>,
    pub du: Option<NaiveDate>,
    /// A slot chosen on the profile page: ticked when still free.
    pub creneau: Option<chrono::DateTime<Utc>>,
}

pub struct SlotDay {
    pub date: NaiveDate,
    pub slots: Vec<Slot>,
}

#[derive(Template)]
#[template(path = "practitioner/booking.html")]
pub struct BookingPage {
    pub layout: Layout,
    pub pro: BookingPractitioner,
    pub types: Vec<AppointmentType>,
    pub chosen: Option<AppointmentType>,
    pub from: NaiveDate,
    pub prev: Option<NaiveDate>,
    pub next: NaiveDate,
    pub days: Vec<SlotDay>,
    pub selected: Option<chrono::DateTime<Utc>>,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
}

impl BookingPage {
    pub fn price(&self, t: &AppointmentType) -> String {
        euros(t.price_cents.into())
    }

    pub fn is_chosen(&self, t: &AppointmentType) -> bool {
        self.chosen.as_ref().is_some_and(|c| c.id == t.id)
    }

    pub fn is_selected(&self, s: &Slot) -> bool {
        self.selected == Some(s.start)
    }

    pub fn has_slots(&self) -> bool {
        self.days.iter().any(|d| !d.slots.is_empty())
    }
}

pub async fn booking_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(q): Query<BookingQuery>,
) -> Result<Response> {
    let now = Utc::now();
    let mut conn = state.pool.acquire().await?;
    let pro = pa::booking_practitioner(&mut conn, &slug, now).await?;
    let types: Vec<AppointmentType> = agenda::types(&mut conn, pro.id)
        .await?
        .into_iter()
        .filter(|t| t.active && t.online_bookable)
        .collect();
    let today = paris_date(now);
    let from = q.du.filter(|d| *d >= today).unwrap_or(today);
    let chosen = q
        .motif
        .and_then(|id| types.iter().find(|t| t.id == id).cloned())
        .or_else(|| (types.len() == 1).then(|| types[0].clone()));
    let mut days = Vec::new();
    if let Some(t) = &chosen {
        let slots =
            agenda::available_slots(&mut conn, pro.id, t.id, from, from + Duration::days(6), now)
                .await?;
        for i in 0..7 {
            let date = from + Duration::days(i);
            days.push(SlotDay {
                date,
                slots: slots
                    .iter()
                    .filter(|s| super::paris_day(s.start) == date)
                    .copied()
                    .collect(),
            });
        }
    }
    let user = ctx.user.clone();
    let page = BookingPage {
        layout: ctx.layout(
            &state,
            &format!("Prendre rendez-vous avec {}", pro.public_name),
            "Choisissez un motif et un créneau, sans créer de compte.",
        ),
        types,
        chosen,
        from,
        prev: (from > today).then(|| (from - Duration::days(7)).max(today)),
        next: from + Duration::days(7),
        days,
        selected: q.creneau,
        first_name: user
            .as_ref()
            .and_then(|u| u.first_name.clone())
            .unwrap_or_default(),
        last_name: user
            .as_ref()
            .and_then(|u| u.last_name.clone())
            .unwrap_or_default(),
        email: user.map(|u| u.email).unwrap_or_default(),
        pro,
    };
    Ok(render(StatusCode::OK, &page))
}

pub async fn booking_submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    MaybeUser(user): MaybeUser,
    Path(slug): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let here = format!(
        "/praticiens/{slug}/reserver?motif={}&du={}",
        field(&form, "appointment_type_id"),
        field(&form, "du")
    );
    let outcome = async {
        let req = BookRequest {
            appointment_type_id: field(&form, "appointment_type_id")
                .parse()
                .map_err(|_| invalid("appointmentTypeId", "Choisissez un motif"))?,
            start: field(&form, "start")
                .parse()
                .map_err(|_| invalid("start", "Choisissez un créneau"))?,
            location_kind: None,
            first_name: field(&form, "first_name").to_owned(),
            last_name: field(&form, "last_name").to_owned(),
            email: field(&form, "email").to_owned(),
            phone: Some(field(&form, "phone").to_owned()),
            message: Some(field(&form, "message").to_owned()),
            accept_cgu: !field(&form, "accept_cgu").is_empty(),
        };
        let ip = crate::api::auth::client_ip(&state, &headers, Some(peer));
        api::book(&state, &slug, &req, user.as_ref(), ip).await
    }
    .await;
    Ok(match outcome {
        Ok(out) => back(
            &out.manage_url,
            Ok(
                "Votre rendez-vous est réservé. Un e-mail de confirmation vous a été envoyé."
                    .into(),
            ),
        ),
        Err(e) => back(&here, Err(e)),
    })
}

#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    pub token: Option<String>,
}

#[derive(Template)]
#[template(path = "practitioner/manage.html")]
pub struct ManagePage {
    pub layout: Layout,
    pub appt: Managed,
    pub token: String,
    pub can_cancel: bool,
}

impl ManagePage {
    pub fn price(&self) -> String {
        self.appt
            .price_cents
            .map(|c| euros(c.into()))
            .unwrap_or_default()
    }
}

async fn find_managed(
    state: &AppState,
    id: Uuid,
    token: Option<&str>,
    user: Option<&CurrentUser>,
) -> Result<Managed> {
    let mut conn = state.pool.acquire().await?;
    Ok(match (token.filter(|t| !t.is_empty()), user) {
        (Some(t), _) => pa::managed_by_token(&mut conn, id, t).await?,
        (None, Some(u)) => pa::managed_by_user(&mut conn, id, u.id).await?,
        (None, None) => return Err(crate::error::Error::not_found()),
    })
}

pub async fn manage_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    Query(q): Query<TokenQuery>,
) -> Result<Response> {
    let appt = find_managed(&state, id, q.token.as_deref(), ctx.user.as_ref()).await?;
    let page = ManagePage {
        layout: ctx.layout(
            &state,
            "Mon rendez-vous",
            "Détails et annulation de votre rendez-vous.",
        ),
        can_cancel: appt.can_cancel(Utc::now()),
        token: q.token.unwrap_or_default(),
        appt,
    };
    Ok(render(StatusCode::OK, &page))
}

pub async fn manage_cancel(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<Uuid>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let token = field(&form, "token").to_owned();
    let reason = Some(field(&form, "reason")).filter(|r| !r.is_empty());
    let now = Utc::now();
    let outcome = async {
        let mut tx = state.pool.begin().await?;
        if !token.is_empty() {
            pa::cancel_by_token(&mut tx, id, &token, reason, now).await?;
        } else if let Some(u) = &user {
            agenda::cancel_by_user(&mut tx, u.id, id, reason, now).await?;
            pa::queue_emails(&mut tx, id, pa::AppointmentEmail::CancelledByClient, None).await?;
        } else {
            return Err(crate::error::Error::not_found());
        }
        tx.commit().await?;
        Ok("Votre rendez-vous est annulé.".to_owned())
    }
    .await;
    let to = if token.is_empty() {
        format!("/rendez-vous/{id}")
    } else {
        format!("/rendez-vous/{id}?token={token}")
    };
    Ok(back(&to, outcome))
}
