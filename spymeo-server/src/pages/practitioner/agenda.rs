//! `/pro/praticien/agenda` (week and day views, create/move/cancel/status forms, absences)
//! and `/pro/praticien/agenda/settings` (opening hours, motifs, booking rules).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, Duration, NaiveDate, Utc};
use serde::Deserialize;
use spymeo_core::db::agenda::{self, AgendaSettings, AppointmentType};
use spymeo_core::db::practitioner_agenda::{self as pa, Block, Event};
use spymeo_core::domain::slots::Rule;
use spymeo_core::domain::{AppointmentStatus, LocationKind, paris_date};
use uuid::Uuid;

use super::{all, back, field, invalid, paris_instant};
use crate::api::agenda::{
    self as api, EventPatch, NewBlock, NewClientBody, NewEvent, PutSettings, RuleBody,
    SettingsBody, TypeBody, hhmm, practitioner_id,
};
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::pages::{Ctx, Layout, euros, render};
use crate::state::AppState;

const AGENDA: &str = "/pro/praticien/agenda";
const SETTINGS: &str = "/pro/praticien/agenda/settings";

/// "60", "60,5" or "60.50" euros → cents.
pub fn parse_euros(s: &str) -> Option<i32> {
    let s = s
        .trim()
        .replace(['€', ' ', '\u{202f}'], "")
        .replace(',', ".");
    if s.is_empty() {
        return Some(0);
    }
    let (units, frac) = s.split_once('.').unwrap_or((&s, ""));
    if frac.len() > 2 || !units.chars().all(|c| c.is_ascii_digit()) || units.is_empty() {
        return None;
    }
    let cents: i32 = format!("{frac:0<2}").parse().ok()?;
    units
        .parse::<i32>()
        .ok()?
        .checked_mul(100)?
        .checked_add(cents)
}

/// Euros for an input value: "60" or "60,50".
pub fn euros_input(cents: impl std::borrow::Borrow<i32>) -> String {
    let cents = *cents.borrow();
    if cents % 100 == 0 {
        (cents / 100).to_string()
    } else {
        format!("{},{:02}", cents / 100, cents % 100)
    }
}

#[derive(Template)]
#[template(path = "practitioner/agenda_settings.html")]
pub struct SettingsPage {
    pub layout: Layout,
    pub settings: AgendaSettings,
    /// Three range slots per weekday, `(start, end)` or empty strings.
    pub week: Vec<(i16, Vec<(String, String)>)>,
    pub types: Vec<AppointmentType>,
    pub blocks: Vec<Block>,
}

impl SettingsPage {
    pub fn allows(&self, kind: &str) -> bool {
        self.settings
            .allowed_locations
            .iter()
            .any(|l| l.as_str() == kind)
    }
}

pub async fn settings_page(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
) -> Result<Response> {
    let pid = practitioner_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    let settings = agenda::settings(&mut conn, pid).await?;
    let rules = agenda::rules(&mut conn, pid).await?;
    let types = agenda::types(&mut conn, pid)
        .await?
        .into_iter()
        .filter(|t| t.active)
        .collect();
    let now = Utc::now();
    let blocks = pa::blocks(&mut conn, pid, now, now + Duration::days(365)).await?;
    let week = (1..=7)
        .map(|d| {
            let mut ranges: Vec<(String, String)> = rules
                .iter()
                .filter(|r: &&Rule| r.weekday == d)
                .map(|r| (hhmm(r.start_minute), hhmm(r.end_minute)))
                .collect();
            ranges.resize(3.max(ranges.len()), (String::new(), String::new()));
            (d, ranges)
        })
        .collect();
    let page = SettingsPage {
        layout: ctx.layout(
            &state,
            "Disponibilités et motifs",
            "Horaires d'ouverture, motifs de consultation et règles de réservation.",
        ),
        settings,
        week,
        types,
        blocks,
    };
    Ok(render(StatusCode::OK, &page))
}

fn settings_from_form(form: &[(String, String)]) -> Result<PutSettings> {
    let num = |name: &'static str, msg: &'static str| -> Result<i32> {
        field(form, name)
            .parse::<i32>()
            .map_err(|_| invalid(name, msg))
    };
    let mut rules = Vec::new();
    for d in 1..=7i16 {
        for slot in 0..6 {
            let start = field(form, &format!("r{d}_{slot}_start")).to_owned();
            let end = field(form, &format!("r{d}_{slot}_end")).to_owned();
            if start.is_empty() && end.is_empty() {
                continue;
            }
            rules.push(RuleBody {
                weekday: d,
                start,
                end,
                location_kind: None,
            });
        }
    }
    let mut types = Vec::new();
    for i in 0..50 {
        let label = field(form, &format!("t{i}_label"));
        let id = field(form, &format!("t{i}_id"));
        if label.is_empty() && id.is_empty() {
            if i > 0 && !form.iter().any(|(k, _)| k.starts_with(&format!("t{i}_"))) {
                break;
            }
            continue;
        }
        if !field(form, &format!("t{i}_delete")).is_empty() || label.is_empty() {
            continue;
        }
        let duration = field(form, &format!("t{i}_duration"))
            .parse::<i16>()
            .map_err(|_| invalid("appointmentTypes", "Durée du motif en minutes"))?;
        let price = parse_euros(field(form, &format!("t{i}_price")))
            .ok_or_else(|| invalid("appointmentTypes", "Prix en euros, par exemple 60 ou 45,50"))?;
        let location = field(form, &format!("t{i}_location"))
            .parse::<LocationKind>()
            .unwrap_or(LocationKind::Cabinet);
        types.push(TypeBody {
            id: id.parse().ok(),
            label: label.to_owned(),
            group_label: None,
            duration_min: duration,
            price_cents: price,
            location_kind: location,
            color: None,
            online_bookable: !field(form, &format!("t{i}_online")).is_empty(),
        });
    }
    Ok(PutSettings {
        settings: SettingsBody {
            timezone: Some("Europe/Paris".into()),
            slot_step_min: num("slot_step_min", "Pas des créneaux en minutes")? as i16,
            buffer_min: num("buffer_min", "Pause en minutes")? as i16,
            min_notice_min: num("min_notice_hours", "Délai de prévenance en heures")? * 60,
            booking_horizon_days: num("booking_horizon_days", "Horizon en jours")? as i16,
            cancellation_window_hours: num(
                "cancellation_window_hours",
                "Délai d'annulation en heures",
            )? as i16,
            accept_new_clients: !field(form, "accept_new_clients").is_empty(),
            allowed_locations: all(form, "allowed_locations")
                .into_iter()
                .filter_map(|l| l.parse().ok())
                .collect(),
        },
        availability_rules: rules,
        appointment_types: types,
    })
}

pub async fn settings_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let pid = practitioner_id(&state, &user).await?;
    let outcome = match settings_from_form(&form) {
        Ok(body) => api::save_settings(&state, pid, &body)
            .await
            .map(|()| "Vos disponibilités sont enregistrées.".to_owned()),
        Err(e) => Err(e),
    };
    Ok(back(SETTINGS, outcome))
}

#[derive(Debug, Deserialize)]
pub struct AgendaQuery {
    pub vue: Option<String>,
    pub date: Option<NaiveDate>,
}

pub struct DayView {
    pub date: NaiveDate,
    pub events: Vec<Event>,
    pub blocks: Vec<Block>,
}

#[derive(Template)]
#[template(path = "practitioner/agenda.html")]
pub struct AgendaPage {
    pub layout: Layout,
    pub week_view: bool,
    pub anchor: NaiveDate,
    pub prev: NaiveDate,
    pub next: NaiveDate,
    pub today: NaiveDate,
    pub days: Vec<DayView>,
    pub types: Vec<AppointmentType>,
    pub clients: Vec<(Uuid, String)>,
}

impl AgendaPage {
    pub fn can_confirm(&self, e: &Event) -> bool {
        e.status == AppointmentStatus::Scheduled
    }

    pub fn can_close(&self, e: &Event) -> bool {
        matches!(
            e.status,
            AppointmentStatus::Scheduled | AppointmentStatus::Confirmed
        ) && e.starts_at <= Utc::now()
    }

    pub fn is_open(&self, e: &Event) -> bool {
        matches!(
            e.status,
            AppointmentStatus::Scheduled | AppointmentStatus::Confirmed
        ) && e.ends_at > Utc::now()
    }

    pub fn price(&self, cents: &Option<i32>) -> String {
        cents.map(|c| euros(c.into())).unwrap_or_default()
    }
}

pub async fn agenda_page(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(q): Query<AgendaQuery>,
) -> Result<Response> {
    let pid = practitioner_id(&state, &user).await?;
    let today = paris_date(Utc::now());
    let anchor = q.date.unwrap_or(today);
    let week_view = q.vue.as_deref() != Some("jour");
    let (first, n) = if week_view {
        (
            anchor - Duration::days(anchor.weekday().num_days_from_monday().into()),
            7,
        )
    } else {
        (anchor, 1)
    };
    let from = paris_instant(first, "00:00").unwrap_or_default();
    let to = paris_instant(first + Duration::days(n), "00:00").unwrap_or_default();
    let mut conn = state.pool.acquire().await?;
    let events = pa::events(&mut conn, pid, from, to).await?;
    let blocks = pa::blocks(&mut conn, pid, from, to).await?;
    let days = (0..n)
        .map(|i| {
            let date = first + Duration::days(i);
            DayView {
                date,
                events: events
                    .iter()
                    .filter(|e| super::paris_day(e.starts_at) == date)
                    .cloned()
                    .collect(),
                blocks: blocks
                    .iter()
                    .filter(|b| {
                        super::paris_day(b.starts_at) <= date
                            && super::paris_day(b.ends_at - Duration::seconds(1)) >= date
                    })
                    .cloned()
                    .collect(),
            }
        })
        .collect();
    let types = agenda::types(&mut conn, pid)
        .await?
        .into_iter()
        .filter(|t| t.active)
        .collect();
    let clients = pa::client_choices(&mut conn, pid).await?;
    let step = Duration::days(n);
    let page = AgendaPage {
        layout: ctx.layout(&state, "Agenda", "Vos rendez-vous et absences."),
        week_view,
        anchor,
        prev: anchor - step,
        next: anchor + step,
        today,
        days,
        types,
        clients,
    };
    Ok(render(StatusCode::OK, &page))
}

/// Where a form sends the practitioner back: the day it acted on.
fn day_url(form: &[(String, String)]) -> String {
    match field(form, "back").parse::<NaiveDate>() {
        Ok(d) => format!("{AGENDA}?vue=jour&date={d}"),
        Err(_) => AGENDA.to_owned(),
    }
}

fn date_field(form: &[(String, String)], name: &'static str) -> Result<NaiveDate> {
    field(form, name)
        .parse()
        .map_err(|_| invalid(name, "Date invalide"))
}

fn instant_field(
    form: &[(String, String)],
    date: &'static str,
    time: &'static str,
) -> Result<chrono::DateTime<Utc>> {
    let d = date_field(form, date)?;
    paris_instant(d, field(form, time)).ok_or_else(|| invalid(time, "Heure invalide (HH:MM)"))
}

fn opt(form: &[(String, String)], name: &str) -> Option<String> {
    Some(field(form, name).to_owned()).filter(|v| !v.is_empty())
}

pub async fn create_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let pid = practitioner_id(&state, &user).await?;
    let outcome = async {
        let start = instant_field(&form, "date", "time")?;
        let end = match opt(&form, "end_time") {
            Some(t) => Some(
                paris_instant(date_field(&form, "date")?, &t)
                    .ok_or_else(|| invalid("end_time", "Heure de fin invalide"))?,
            ),
            None => None,
        };
        let new_client = opt(&form, "new_last_name").map(|last| NewClientBody {
            first_name: field(&form, "new_first_name").to_owned(),
            last_name: last,
            email: opt(&form, "new_email"),
            phone: opt(&form, "new_phone"),
        });
        let e = NewEvent {
            title: opt(&form, "title"),
            start,
            end,
            appointment_type_id: field(&form, "appointment_type_id").parse().ok(),
            client_id: field(&form, "client_id").parse().ok(),
            new_client,
            location_kind: field(&form, "location_kind").parse().ok(),
            location_text: opt(&form, "location_text"),
            visio_url: opt(&form, "visio_url"),
            description: opt(&form, "description"),
            status: None,
        };
        api::create_event(&state, pid, &e).await?;
        Ok(format!(
            "Rendez-vous ajouté le {}.",
            super::date_time(start)
        ))
    }
    .await;
    Ok(back(&day_url(&form), outcome))
}

pub async fn status_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let pid = practitioner_id(&state, &user).await?;
    let outcome = async {
        let status: AppointmentStatus = field(&form, "status")
            .parse()
            .map_err(|_| invalid("status", "Statut inconnu"))?;
        let patch = EventPatch {
            status: Some(status),
            cancellation_reason: opt(&form, "reason"),
            create_consultation: status == AppointmentStatus::Completed
                && !field(&form, "create_consultation").is_empty(),
            ..Default::default()
        };
        api::apply_patch(&state, pid, id, &patch).await?;
        Ok(format!(
            "Rendez-vous : {}.",
            super::status_label(status.as_str()).to_lowercase()
        ))
    }
    .await;
    // Completing with a consultation opens its editor.
    if outcome.is_ok() && !field(&form, "create_consultation").is_empty() {
        let mut conn = state.pool.acquire().await?;
        if let Some(c) = pa::event(&mut conn, pid, id).await?.consultation_id {
            return Ok(back(&format!("/pro/praticien/consultations/{c}"), outcome));
        }
    }
    Ok(back(&day_url(&form), outcome))
}

pub async fn move_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let pid = practitioner_id(&state, &user).await?;
    let outcome = async {
        let start = instant_field(&form, "date", "time")?;
        let patch = EventPatch {
            start: Some(start),
            ..Default::default()
        };
        api::apply_patch(&state, pid, id, &patch).await?;
        Ok(format!(
            "Rendez-vous déplacé au {}.",
            super::date_time(start)
        ))
    }
    .await;
    let to = match &outcome {
        Ok(_) => format!("{AGENDA}?vue=jour&date={}", field(&form, "date")),
        Err(_) => day_url(&form),
    };
    Ok(back(&to, outcome))
}

pub async fn cancel_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let pid = practitioner_id(&state, &user).await?;
    let patch = EventPatch {
        status: Some(AppointmentStatus::Cancelled),
        cancellation_reason: opt(&form, "reason"),
        ..Default::default()
    };
    let outcome = api::apply_patch(&state, pid, id, &patch)
        .await
        .map(|()| "Rendez-vous annulé ; le client est prévenu.".to_owned());
    Ok(back(&day_url(&form), outcome))
}

pub async fn block_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let pid = practitioner_id(&state, &user).await?;
    let outcome = async {
        let start = instant_field(&form, "start_date", "start_time")?;
        let end = instant_field(&form, "end_date", "end_time")?;
        api::create_block(
            &state,
            pid,
            &NewBlock {
                start,
                end,
                reason: opt(&form, "reason"),
            },
        )
        .await?;
        Ok("Absence enregistrée.".to_owned())
    }
    .await;
    let to = if field(&form, "back") == "settings" {
        SETTINGS.to_owned()
    } else {
        day_url(&form)
    };
    Ok(back(&to, outcome))
}

pub async fn block_delete_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let pid = practitioner_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    let outcome = pa::delete_block(&mut conn, pid, id)
        .await
        .map(|()| "Absence supprimée.".to_owned())
        .map_err(Into::into);
    let to = if field(&form, "back") == "settings" {
        SETTINGS.to_owned()
    } else {
        day_url(&form)
    };
    Ok(back(&to, outcome))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euro_inputs() {
        assert_eq!(parse_euros("60"), Some(6000));
        assert_eq!(parse_euros("45,5"), Some(4550));
        assert_eq!(parse_euros("45.50 €"), Some(4550));
        assert_eq!(parse_euros("1,234"), None);
        assert_eq!(parse_euros("-3"), None);
        assert_eq!(euros_input(4550), "45,50");
        assert_eq!(euros_input(6000), "60");
    }
}
