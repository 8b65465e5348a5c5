//! `/api/agenda/*` (DOMAIN.md §6.8): settings (rules, motifs, buffers, notice, horizon,
//! cancellation window), events and blocks of the logged-in practitioner. The practitioner
//! comes from the session; other practitioners' rows answer 404.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use spymeo_core::db::agenda::{self, ConsultationNotes, NewAppointment, SettingsInput, TypeInput};
use spymeo_core::db::practitioner_agenda::{self as pa, AppointmentEmail, Event};
use spymeo_core::db::{clients, practitioner_agenda};
use spymeo_core::domain::slots::Rule;
use spymeo_core::domain::{AppointmentSource, AppointmentStatus, LocationKind};
use uuid::Uuid;

use crate::api::input::Body;
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::validate::Fields;

/// This module's part of the OpenAPI document (joined in `api::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    get_settings,
    put_settings,
    list_events,
    post_event,
    get_event,
    patch_event,
    delete_event,
    list_blocks,
    post_block,
    delete_block,
))]
pub struct ApiDoc;

/// What the handlers of this module write (`json!` builders), for the OpenAPI document.
pub mod doc {
    #![allow(dead_code)] // descriptions of what the `json!` builders write
    use chrono::{DateTime, Utc};
    use serde::Serialize;
    use utoipa::ToSchema;
    use uuid::Uuid;

    /// Lieu de consultation.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    #[schema(as = AgendaLocationKind)]
    pub enum LocationKind {
        Cabinet,
        Visio,
        Domicile,
    }

    /// Statut d'un rendez-vous (DOMAIN.md §7.1).
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub enum AppointmentStatus {
        Scheduled,
        Confirmed,
        Cancelled,
        Completed,
        NoShow,
    }

    /// Statut d'un rendez-vous à sa création par le praticien.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub enum InitialAppointmentStatus {
        Scheduled,
        Confirmed,
    }

    /// Qui a annulé un rendez-vous.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub enum CancelActor {
        Client,
        Practitioner,
        Admin,
        System,
    }

    /// What `settings_json` writes.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct AgendaSettingsOut {
        pub settings: AgendaSettingsValues,
        pub availability_rules: Vec<AvailabilityRuleOut>,
        pub appointment_types: Vec<AppointmentTypeOut>,
        /// Au moins une plage horaire et un motif réservable en ligne.
        pub is_configured: bool,
    }

    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct AgendaSettingsValues {
        #[schema(example = "Europe/Paris")]
        pub timezone: String,
        pub slot_step_min: i16,
        pub buffer_min: i16,
        pub min_notice_min: i32,
        pub booking_horizon_days: i16,
        pub cancellation_window_hours: i16,
        pub accept_new_clients: bool,
        pub allowed_locations: Vec<LocationKind>,
        /// Vue par défaut de l'agenda (day, week, month…).
        pub default_view: String,
    }

    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct AvailabilityRuleOut {
        /// Jour ISO : 1 = lundi … 7 = dimanche.
        pub weekday: i16,
        #[schema(example = "09:00")]
        pub start: String,
        #[schema(example = "12:30")]
        pub end: String,
        /// Lieu réservé à cette plage ; `null` : tous les lieux.
        pub location_kind: Option<LocationKind>,
    }

    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct AppointmentTypeOut {
        pub id: Uuid,
        pub label: String,
        pub group_label: Option<String>,
        pub duration_min: i16,
        pub price_cents: i32,
        pub location_kind: LocationKind,
        pub online_bookable: bool,
        pub active: bool,
        pub position: i16,
    }

    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub enum AppointmentItemKind {
        Appointment,
    }

    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub enum BlockItemKind {
        Block,
    }

    /// What `event_json` writes: one appointment.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct AgendaEventOut {
        pub id: Uuid,
        pub kind: AppointmentItemKind,
        pub title: String,
        pub start: DateTime<Utc>,
        pub end: DateTime<Utc>,
        pub status: AppointmentStatus,
        pub client_id: Option<Uuid>,
        pub client_name: Option<String>,
        pub appointment_type_id: Option<Uuid>,
        pub price_cents: Option<i32>,
        pub location_kind: LocationKind,
        pub location_text: Option<String>,
        pub visio_url: Option<String>,
        pub description: Option<String>,
        pub cancelled_by: Option<CancelActor>,
        pub cancellation_reason: Option<String>,
        pub consultation_id: Option<Uuid>,
    }

    /// What `get_event` writes: the appointment, with its client's card when it has one.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct AgendaEventDetailOut {
        #[serde(flatten)]
        pub event: AgendaEventOut,
        /// Absent quand le rendez-vous n'a pas de client.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub client: Option<AgendaEventClient>,
    }

    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct AgendaEventClient {
        pub id: Uuid,
        pub first_name: String,
        pub last_name: String,
        pub email: Option<String>,
        pub phone: Option<String>,
    }

    /// An absence in the calendar list.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct AgendaBlockEventOut {
        pub id: Uuid,
        pub kind: BlockItemKind,
        /// Le motif de l'absence, ou « Indisponible ».
        pub title: String,
        pub start: DateTime<Utc>,
        pub end: DateTime<Utc>,
        /// Toujours `null` pour une absence.
        #[schema(value_type = Option<String>)]
        pub status: Option<()>,
    }

    #[derive(Serialize, ToSchema)]
    #[serde(untagged)]
    pub enum AgendaCalendarItem {
        Appointment(AgendaEventOut),
        Block(AgendaBlockEventOut),
    }

    /// What `list_events` writes.
    #[derive(Serialize, ToSchema)]
    pub struct AgendaEventsOut {
        /// Rendez-vous puis absences de la période.
        pub events: Vec<AgendaCalendarItem>,
    }

    /// One absence (`list_blocks`, `post_block`).
    #[derive(Serialize, ToSchema)]
    pub struct AgendaBlockOut {
        pub id: Uuid,
        pub start: DateTime<Utc>,
        pub end: DateTime<Utc>,
        pub reason: Option<String>,
    }

    /// Fuseaux horaires IANA acceptés.
    pub fn timezone_schema() -> utoipa::openapi::Object {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::SchemaType::from_iter([
                utoipa::openapi::schema::Type::String,
                utoipa::openapi::schema::Type::Null,
            ]))
            .description(Some("Fuseau horaire IANA ; absent ou null : Europe/Paris"))
            .enum_values(Some(
                chrono_tz::TZ_VARIANTS
                    .iter()
                    .map(|t| serde_json::Value::from(t.name()))
                    .chain([serde_json::Value::Null]),
            ))
            .examples(["Europe/Paris"])
            .build()
    }

    /// Pas de la grille des créneaux.
    pub fn slot_step_schema() -> utoipa::openapi::Object {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Integer)
            .description(Some("Pas de la grille, en minutes"))
            .enum_values(Some([5, 10, 15, 20, 30, 60]))
            .build()
    }
}

/// The session's practitioner profile, with its agenda defaults in place.
pub async fn practitioner_id(state: &AppState, user: &CurrentUser) -> Result<Uuid> {
    let mut conn = state.pool.acquire().await?;
    let id = practitioner_agenda::practitioner_of(&mut conn, user.id).await?;
    pa::ensure_defaults(&mut conn, id, Utc::now()).await?;
    Ok(id)
}

/// "09:30" → 570; "24:00" is the end of the day.
pub fn parse_hhmm(s: &str) -> Option<i16> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (i16, i16) = (h.parse().ok()?, m.parse().ok()?);
    let total = h * 60 + m;
    ((0..60).contains(&m) && (0..=1440).contains(&total)).then_some(total)
}

pub fn hhmm(minutes: i16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

pub async fn settings_json(state: &AppState, pid: Uuid) -> Result<Value> {
    let mut conn = state.pool.acquire().await?;
    let s = agenda::settings(&mut conn, pid).await?;
    let rules = agenda::rules(&mut conn, pid).await?;
    let types = agenda::types(&mut conn, pid).await?;
    let configured = pa::is_configured(&mut conn, pid).await?;
    Ok(json!({
        "settings": {
            "timezone": s.timezone, "slotStepMin": s.slot_step_min, "bufferMin": s.buffer_min,
            "minNoticeMin": s.min_notice_min, "bookingHorizonDays": s.booking_horizon_days,
            "cancellationWindowHours": s.cancellation_window_hours,
            "acceptNewClients": s.accept_new_clients, "allowedLocations": s.allowed_locations,
            "defaultView": s.default_view,
        },
        "availabilityRules": rules.iter().map(|r| json!({
            "weekday": r.weekday, "start": hhmm(r.start_minute), "end": hhmm(r.end_minute),
            "locationKind": r.location_kind,
        })).collect::<Vec<_>>(),
        "appointmentTypes": types.iter().map(|t| json!({
            "id": t.id, "label": t.label, "groupLabel": t.group_label, "durationMin": t.duration_min,
            "priceCents": t.price_cents, "locationKind": t.location_kind,
            "onlineBookable": t.online_bookable, "active": t.active, "position": t.position,
        })).collect::<Vec<_>>(),
        "isConfigured": configured,
    }))
}

/// Réglages de l'agenda du praticien connecté : paramètres, plages horaires et motifs.
#[utoipa::path(get, path = "/api/agenda/settings", tag = "agenda",
    responses((status = 200, description = "Réglages de l'agenda", body = doc::AgendaSettingsOut)))]
pub async fn get_settings(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Value>> {
    let pid = practitioner_id(&state, &user).await?;
    Ok(Json(settings_json(&state, pid).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SettingsBody {
    #[schema(schema_with = doc::timezone_schema)]
    pub timezone: Option<String>,
    #[schema(schema_with = doc::slot_step_schema)]
    pub slot_step_min: i16,
    /// Pause après chaque rendez-vous, en minutes.
    #[schema(minimum = 0, maximum = 120)]
    pub buffer_min: i16,
    /// Délai de prévenance, en minutes (14 jours au plus).
    #[schema(minimum = 0, maximum = 20160)]
    pub min_notice_min: i32,
    /// Jusqu'où l'on peut réserver, en jours.
    #[schema(minimum = 1, maximum = 365)]
    pub booking_horizon_days: i16,
    /// Annulation en ligne possible jusqu'à ce nombre d'heures avant.
    #[schema(minimum = 0, maximum = 168)]
    pub cancellation_window_hours: i16,
    /// Défaut : true.
    #[serde(default = "yes")]
    pub accept_new_clients: bool,
    #[schema(value_type = Vec<doc::LocationKind>, min_items = 1)]
    pub allowed_locations: Vec<LocationKind>,
}

fn yes() -> bool {
    true
}

/// Une plage horaire hebdomadaire : début avant fin, les plages d'un même jour sans
/// chevauchement (409 RULES_OVERLAP).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RuleBody {
    /// Jour ISO : 1 = lundi … 7 = dimanche.
    #[schema(minimum = 1, maximum = 7)]
    pub weekday: i16,
    /// HH:MM.
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "09:00")]
    pub start: String,
    /// HH:MM, après le début ; 24:00 pour la fin de journée.
    #[schema(pattern = "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$", example = "12:30")]
    pub end: String,
    /// Lieu réservé à cette plage ; absent ou `null` : tous les lieux.
    #[schema(value_type = Option<doc::LocationKind>)]
    pub location_kind: Option<LocationKind>,
}

/// Un motif de consultation ; ceux qui ne sont plus envoyés sont désactivés.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TypeBody {
    /// Le motif existant à garder ; absent : nouveau motif.
    pub id: Option<Uuid>,
    /// Unique parmi les motifs actifs (409 TYPE_LABEL_TAKEN).
    #[schema(min_length = 1, max_length = 80, pattern = "\\S")]
    pub label: String,
    pub group_label: Option<String>,
    /// Minutes, multiple de 5.
    #[schema(minimum = 5, maximum = 480, multiple_of = 5)]
    pub duration_min: i16,
    /// Défaut : 0.
    #[serde(default)]
    #[schema(minimum = 0)]
    pub price_cents: i32,
    /// Défaut : CABINET.
    #[serde(default = "cabinet")]
    #[schema(value_type = doc::LocationKind)]
    pub location_kind: LocationKind,
    /// #RRGGBB.
    #[schema(pattern = "^#[0-9A-Fa-f]{6}$", example = "#7FB069")]
    pub color: Option<String>,
    /// Défaut : true.
    #[serde(default = "yes")]
    pub online_bookable: bool,
}

fn cabinet() -> LocationKind {
    LocationKind::Cabinet
}

/// Tout l'agenda : paramètres, plages horaires (remplacées) et motifs (dans l'ordre voulu).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PutSettings {
    pub settings: SettingsBody,
    pub availability_rules: Vec<RuleBody>,
    pub appointment_types: Vec<TypeBody>,
}

/// Checks the whole body; French per-field messages, nothing written on error.
/// What `PUT /api/agenda/settings` writes: settings, weekly rules, motifs (id when kept).
pub type CheckedSettings = (SettingsInput, Vec<Rule>, Vec<(Option<Uuid>, TypeInput)>);

pub fn check_settings(body: &PutSettings) -> Result<CheckedSettings> {
    let mut f = Fields::default();
    let s = &body.settings;
    let timezone = s.timezone.clone().unwrap_or_else(|| "Europe/Paris".into());
    if timezone.parse::<chrono_tz::Tz>().is_err() {
        f.add("timezone", "Fuseau horaire inconnu");
    }
    if ![5, 10, 15, 20, 30, 60].contains(&s.slot_step_min) {
        f.add("slotStepMin", "Pas de 5, 10, 15, 20, 30 ou 60 minutes");
    }
    if !(0..=120).contains(&s.buffer_min) {
        f.add("bufferMin", "Pause entre 0 et 120 minutes");
    }
    if !(0..=20_160).contains(&s.min_notice_min) {
        f.add(
            "minNoticeMin",
            "Délai de prévenance entre 0 et 20 160 minutes (14 jours)",
        );
    }
    if !(1..=365).contains(&s.booking_horizon_days) {
        f.add(
            "bookingHorizonDays",
            "Horizon de réservation entre 1 et 365 jours",
        );
    }
    if !(0..=168).contains(&s.cancellation_window_hours) {
        f.add(
            "cancellationWindowHours",
            "Délai d'annulation entre 0 et 168 heures",
        );
    }
    if s.allowed_locations.is_empty() {
        f.add(
            "allowedLocations",
            "Choisissez au moins un lieu de consultation",
        );
    }
    let mut rules = Vec::new();
    for r in &body.availability_rules {
        match (parse_hhmm(&r.start), parse_hhmm(&r.end)) {
            (Some(start), Some(end))
                if (1..=7).contains(&r.weekday) && end > start && start < 1440 =>
            {
                rules.push(Rule {
                    weekday: r.weekday,
                    start_minute: start,
                    end_minute: end,
                    location_kind: r.location_kind,
                })
            }
            _ => f.add(
                "availabilityRules",
                "Plage horaire invalide (jour 1 à 7, début avant fin, format HH:MM)",
            ),
        }
    }
    let mut types = Vec::new();
    for (i, t) in body.appointment_types.iter().enumerate() {
        let label = t.label.trim().to_owned();
        if label.is_empty() || label.chars().count() > 80 {
            f.add(
                "appointmentTypes",
                "Nom de motif requis (80 caractères au plus)",
            );
        }
        if !(5..=480).contains(&t.duration_min) || t.duration_min % 5 != 0 {
            f.add(
                "appointmentTypes",
                "Durée entre 5 et 480 minutes, multiple de 5",
            );
        }
        if t.price_cents < 0 {
            f.add("appointmentTypes", "Le prix ne peut pas être négatif");
        }
        if t.color.as_deref().is_some_and(|c| {
            !(c.len() == 7 && c.starts_with('#') && c[1..].chars().all(|x| x.is_ascii_hexdigit()))
        }) {
            f.add("appointmentTypes", "Couleur au format #RRGGBB");
        }
        types.push((
            t.id,
            TypeInput {
                label,
                group_label: t.group_label.clone().filter(|g| !g.trim().is_empty()),
                duration_min: t.duration_min,
                price_cents: t.price_cents,
                location_kind: t.location_kind,
                color: t.color.clone(),
                online_bookable: t.online_bookable,
                position: i as i16,
            },
        ));
    }
    f.finish()?;
    Ok((
        SettingsInput {
            timezone,
            slot_step_min: s.slot_step_min,
            buffer_min: s.buffer_min,
            min_notice_min: s.min_notice_min,
            booking_horizon_days: s.booking_horizon_days,
            cancellation_window_hours: s.cancellation_window_hours,
            accept_new_clients: s.accept_new_clients,
            allowed_locations: s.allowed_locations.clone(),
        },
        rules,
        types,
    ))
}

/// Saves settings, rules and motifs in one transaction.
pub async fn save_settings(state: &AppState, pid: Uuid, body: &PutSettings) -> Result<()> {
    let (settings, rules, types) = check_settings(body)?;
    let now = Utc::now();
    let mut tx = state.pool.begin().await?;
    agenda::update_settings(&mut tx, pid, &settings, now).await?;
    agenda::replace_rules(&mut tx, pid, &rules, now).await?;
    pa::save_types(&mut tx, pid, &types, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Enregistre tout l'agenda en une transaction (rien n'est écrit en cas d'erreur).
#[utoipa::path(put, path = "/api/agenda/settings", tag = "agenda",
    request_body = PutSettings,
    responses(
        (status = 200, description = "Réglages enregistrés", body = doc::AgendaSettingsOut),
        (status = 404, description = "Motif `id` inconnu (NOT_FOUND)", body = crate::api::openapi::ErrorEnvelope),
        (status = 409, description = "Plages qui se chevauchent (RULES_OVERLAP) ou motif du même nom (TYPE_LABEL_TAKEN)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn put_settings(
    State(state): State<AppState>,
    user: CurrentUser,
    Body(body): Body<PutSettings>,
) -> Result<Json<Value>> {
    let pid = practitioner_id(&state, &user).await?;
    save_settings(&state, pid, &body).await?;
    Ok(Json(settings_json(&state, pid).await?))
}

/// Une période de 92 jours au plus (`to` après `from`).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Range {
    /// Début de la période.
    pub from: DateTime<Utc>,
    /// Fin de la période, après `from`, 92 jours au plus plus tard.
    pub to: DateTime<Utc>,
}

fn check_range(r: &Range) -> Result<()> {
    if r.to <= r.from || r.to - r.from > Duration::days(92) {
        let mut f = Fields::default();
        f.add("to", "Période invalide (92 jours au plus)");
        f.finish()?;
    }
    Ok(())
}

pub fn event_json(e: &Event) -> Value {
    json!({
        "id": e.id, "kind": "APPOINTMENT", "title": e.title, "start": e.starts_at, "end": e.ends_at,
        "status": e.status, "clientId": e.client_id, "clientName": e.client_name,
        "appointmentTypeId": e.appointment_type_id, "priceCents": e.price_cents,
        "locationKind": e.location_kind, "locationText": e.location_text, "visioUrl": e.visio_url,
        "description": e.description, "cancelledBy": e.cancelled_by,
        "cancellationReason": e.cancellation_reason, "consultationId": e.consultation_id,
    })
}

/// Rendez-vous et absences qui touchent la période.
#[utoipa::path(get, path = "/api/agenda/events", tag = "agenda",
    params(Range),
    responses((status = 200, description = "Rendez-vous puis absences", body = doc::AgendaEventsOut)))]
pub async fn list_events(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(range): Query<Range>,
) -> Result<Json<Value>> {
    check_range(&range)?;
    let pid = practitioner_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    let events = pa::events(&mut conn, pid, range.from, range.to).await?;
    let blocks = pa::blocks(&mut conn, pid, range.from, range.to).await?;
    let mut items: Vec<Value> = events.iter().map(event_json).collect();
    items.extend(blocks.iter().map(|b| {
        json!({"id": b.id, "kind": "BLOCK", "title": b.reason.clone().unwrap_or_else(|| "Indisponible".into()),
               "start": b.starts_at, "end": b.ends_at, "status": null})
    }));
    Ok(Json(json!({ "events": items })))
}

/// Une fiche client créée avec le rendez-vous.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewClientBody {
    #[schema(min_length = 1, max_length = 80, pattern = "\\S")]
    pub first_name: String,
    #[schema(min_length = 1, max_length = 80, pattern = "\\S")]
    pub last_name: String,
    /// Unique parmi les clients du praticien (409 CLIENT_EMAIL_EXISTS).
    #[schema(format = Email, max_length = 254)]
    pub email: Option<String>,
    #[schema(pattern = "^\\+?[0-9 .()-]{6,20}$")]
    pub phone: Option<String>,
}

/// Un rendez-vous posé par le praticien : hors plages et délai de prévenance permis, jamais
/// sur un autre rendez-vous. La fin vient de `end` ou de la durée du motif.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewEvent {
    /// Défaut : « motif – client ».
    pub title: Option<String>,
    pub start: DateTime<Utc>,
    /// Requis sans motif ; après `start`, 8 h au plus.
    pub end: Option<DateTime<Utc>>,
    /// Un motif du praticien (404 sinon).
    pub appointment_type_id: Option<Uuid>,
    /// Un client du praticien (404 sinon) ; prime sur `newClient`.
    pub client_id: Option<Uuid>,
    pub new_client: Option<NewClientBody>,
    /// Défaut : celui du motif, sinon CABINET.
    #[schema(value_type = Option<doc::LocationKind>)]
    pub location_kind: Option<LocationKind>,
    pub location_text: Option<String>,
    #[schema(pattern = "^https://")]
    pub visio_url: Option<String>,
    pub description: Option<String>,
    /// Défaut : SCHEDULED.
    #[schema(value_type = Option<doc::InitialAppointmentStatus>)]
    pub status: Option<AppointmentStatus>,
}

/// A practitioner-created appointment (§7.1: outside rules and notice allowed, never
/// overlapping). Returns its id.
pub async fn create_event(state: &AppState, pid: Uuid, e: &NewEvent) -> Result<Uuid> {
    let now = Utc::now();
    let mut tx = state.pool.begin().await?;
    let types = agenda::types(&mut tx, pid).await?;
    let ty = match e.appointment_type_id {
        Some(id) => Some(
            types
                .iter()
                .find(|t| t.id == id)
                .ok_or_else(Error::not_found)?,
        ),
        None => None,
    };
    let end = match (e.end, ty) {
        (Some(end), _) => end,
        (None, Some(t)) => e.start + Duration::minutes(t.duration_min.into()),
        (None, None) => {
            let mut f = Fields::default();
            f.add("end", "Indiquez la fin ou un motif");
            return Err(f.finish().unwrap_err());
        }
    };
    let status = e.status.unwrap_or(AppointmentStatus::Scheduled);
    if e.visio_url
        .as_deref()
        .is_some_and(|u| !u.starts_with("https://"))
    {
        let mut f = Fields::default();
        f.add("visioUrl", "Le lien de visio doit commencer par https://");
        f.finish()?;
    }
    let (client_id, client_name) = match (&e.client_id, &e.new_client) {
        (Some(id), _) => {
            let name: Option<String> = clients_name(&mut tx, pid, *id).await?;
            (Some(*id), Some(name.ok_or_else(Error::not_found)?))
        }
        (None, Some(nc)) => {
            let mut f = Fields::default();
            let first = f.name("newClient.firstName", &nc.first_name);
            let last = f.name("newClient.lastName", &nc.last_name);
            let email = nc
                .email
                .as_deref()
                .filter(|e| !e.trim().is_empty())
                .map(|e| f.email("newClient.email", e));
            f.finish()?;
            let id = clients::create_client(
                &mut tx,
                pid,
                &clients::NewClient {
                    first_name: first.clone(),
                    last_name: last.clone(),
                    email,
                    phone: nc.phone.clone().filter(|p| !p.trim().is_empty()),
                    ..Default::default()
                },
                now,
            )
            .await?;
            (Some(id), Some(format!("{first} {last}")))
        }
        (None, None) => (None, None),
    };
    let title = match (&e.title, ty, &client_name) {
        (Some(t), _, _) if !t.trim().is_empty() => t.trim().to_owned(),
        (_, Some(t), Some(c)) => format!("{} – {c}", t.label),
        (_, Some(t), None) => t.label.clone(),
        (_, None, Some(c)) => format!("Rendez-vous – {c}"),
        _ => "Rendez-vous".to_owned(),
    };
    let id = agenda::book_appointment(
        &mut tx,
        pid,
        &NewAppointment {
            client_id,
            appointment_type_id: ty.map(|t| t.id),
            booked_by_user_id: None,
            title,
            description: e.description.clone(),
            starts_at: e.start,
            ends_at: end,
            location_kind: e
                .location_kind
                .or(ty.map(|t| t.location_kind))
                .unwrap_or(LocationKind::Cabinet),
            location_text: e.location_text.clone(),
            visio_url: e.visio_url.clone(),
            price_cents: ty.map(|t| t.price_cents),
            status,
            source: AppointmentSource::Pro,
            cancel_token_hash: None,
            rescheduled_from_id: None,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

async fn clients_name(
    conn: &mut sqlx::PgConnection,
    pid: Uuid,
    client_id: Uuid,
) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT first_name || ' ' || last_name FROM clients WHERE id = $1 AND practitioner_id = $2",
    )
    .bind(client_id)
    .bind(pid)
    .fetch_optional(conn)
    .await?)
}

/// Crée un rendez-vous (et la fiche client au besoin).
#[utoipa::path(post, path = "/api/agenda/events", tag = "agenda",
    request_body = NewEvent,
    responses(
        (status = 201, description = "Rendez-vous créé", body = doc::AgendaEventOut),
        (status = 404, description = "Motif ou client inconnu (NOT_FOUND)", body = crate::api::openapi::ErrorEnvelope),
        (status = 409, description = "Créneau déjà pris (SLOT_TAKEN) ou e-mail de client déjà connu (CLIENT_EMAIL_EXISTS)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn post_event(
    State(state): State<AppState>,
    user: CurrentUser,
    Body(body): Body<NewEvent>,
) -> Result<(StatusCode, Json<Value>)> {
    let pid = practitioner_id(&state, &user).await?;
    let id = create_event(&state, pid, &body).await?;
    let mut conn = state.pool.acquire().await?;
    let e = pa::event(&mut conn, pid, id).await?;
    Ok((StatusCode::CREATED, Json(event_json(&e))))
}

/// Un rendez-vous, avec la fiche de son client.
#[utoipa::path(get, path = "/api/agenda/events/{id}", tag = "agenda",
    params(("id" = Uuid, Path, description = "Rendez-vous")),
    responses((status = 200, description = "Le rendez-vous", body = doc::AgendaEventDetailOut)))]
pub async fn get_event(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>> {
    let pid = practitioner_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    let e = pa::event(&mut conn, pid, id).await?;
    let mut v = event_json(&e);
    if let Some(c) = e.client_id {
        let summary: Option<(String, String, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT first_name, last_name, email::text, phone::text FROM clients WHERE id = $1 AND practitioner_id = $2",
        )
        .bind(c)
        .bind(pid)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some((first, last, email, phone)) = summary {
            v["client"] = json!({"id": c, "firstName": first, "lastName": last, "email": email, "phone": phone});
        }
    }
    Ok(Json(v))
}

/// Un déplacement (`start`/`end`) et/ou un changement de statut (§7.1).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventPatch {
    /// Nouveau début ; la durée est gardée sans `end`.
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    #[schema(value_type = Option<doc::AppointmentStatus>)]
    pub status: Option<AppointmentStatus>,
    /// Avec `status` CANCELLED.
    pub cancellation_reason: Option<String>,
    /// Avec `status` COMPLETED : crée la consultation (défaut false).
    #[serde(default)]
    pub create_consultation: bool,
    pub notes: Option<String>,
    pub recommendations: Option<String>,
}

/// Applies a practitioner change (§7.1 status machine, or a move) and queues its emails in
/// the same transaction.
pub async fn apply_patch(state: &AppState, pid: Uuid, id: Uuid, p: &EventPatch) -> Result<()> {
    let now = Utc::now();
    let mut tx = state.pool.begin().await?;
    let current = pa::event(&mut tx, pid, id).await?;
    if p.start.is_some() || p.end.is_some() {
        let start = p.start.unwrap_or(current.starts_at);
        let end = p
            .end
            .unwrap_or(start + (current.ends_at - current.starts_at));
        agenda::move_appointment(&mut tx, pid, id, start, end, now).await?;
        pa::queue_emails(&mut tx, id, AppointmentEmail::Moved, None).await?;
    }
    match p.status {
        None => {}
        Some(s) if s == current.status && p.start.is_some() => {}
        Some(AppointmentStatus::Cancelled) => {
            agenda::cancel_by_practitioner(&mut tx, pid, id, p.cancellation_reason.as_deref(), now)
                .await?;
            pa::queue_emails(&mut tx, id, AppointmentEmail::CancelledByPractitioner, None).await?;
        }
        Some(to) => {
            let notes = ConsultationNotes {
                notes: p.notes.clone(),
                recommendations: p.recommendations.clone(),
            };
            agenda::set_status(
                &mut tx,
                pid,
                id,
                to,
                p.create_consultation.then_some(&notes),
                now,
            )
            .await?;
            if to == AppointmentStatus::Confirmed {
                pa::queue_emails(&mut tx, id, AppointmentEmail::Confirmed, None).await?;
            }
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Déplace un rendez-vous ou change son statut ; les e-mails partent avec.
#[utoipa::path(patch, path = "/api/agenda/events/{id}", tag = "agenda",
    params(("id" = Uuid, Path, description = "Rendez-vous")),
    request_body = EventPatch,
    responses(
        (status = 200, description = "Le rendez-vous modifié", body = doc::AgendaEventOut),
        (status = 409, description = "Changement de statut impossible (INVALID_TRANSITION) ou créneau pris (SLOT_TAKEN)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn patch_event(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Body(body): Body<EventPatch>,
) -> Result<Json<Value>> {
    let pid = practitioner_id(&state, &user).await?;
    apply_patch(&state, pid, id, &body).await?;
    let mut conn = state.pool.acquire().await?;
    Ok(Json(event_json(&pa::event(&mut conn, pid, id).await?)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReasonQuery {
    /// Motif d'annulation, transmis au client.
    pub reason: Option<String>,
}

/// Annule un rendez-vous (il reste dans l'agenda, CANCELLED).
#[utoipa::path(delete, path = "/api/agenda/events/{id}", tag = "agenda",
    params(("id" = Uuid, Path, description = "Rendez-vous"), ReasonQuery),
    responses(
        (status = 200, description = "Le rendez-vous annulé", body = doc::AgendaEventOut),
        (status = 409, description = "Déjà annulé ou terminé (INVALID_TRANSITION)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn delete_event(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Query(q): Query<ReasonQuery>,
) -> Result<Json<Value>> {
    let pid = practitioner_id(&state, &user).await?;
    let patch = EventPatch {
        status: Some(AppointmentStatus::Cancelled),
        cancellation_reason: q.reason,
        ..Default::default()
    };
    apply_patch(&state, pid, id, &patch).await?;
    let mut conn = state.pool.acquire().await?;
    Ok(Json(event_json(&pa::event(&mut conn, pid, id).await?)))
}

/// Les absences qui touchent la période.
#[utoipa::path(get, path = "/api/agenda/blocks", tag = "agenda",
    params(Range),
    responses((status = 200, description = "Absences", body = Vec<doc::AgendaBlockOut>)))]
pub async fn list_blocks(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(range): Query<Range>,
) -> Result<Json<Value>> {
    check_range(&range)?;
    let pid = practitioner_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    let blocks = pa::blocks(&mut conn, pid, range.from, range.to).await?;
    Ok(Json(json!(
        blocks
            .iter()
            .map(
                |b| json!({"id": b.id, "start": b.starts_at, "end": b.ends_at, "reason": b.reason})
            )
            .collect::<Vec<_>>()
    )))
}

/// Une absence : la fin suit le début.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewBlock {
    pub start: DateTime<Utc>,
    /// Après `start`.
    pub end: DateTime<Utc>,
    pub reason: Option<String>,
}

/// 409 BLOCK_OVERLAPS_APPOINTMENTS carries the clashing ids in `fields.appointmentIds`.
pub async fn create_block(state: &AppState, pid: Uuid, b: &NewBlock) -> Result<Uuid> {
    let mut conn = state.pool.acquire().await?;
    if b.end <= b.start {
        let mut f = Fields::default();
        f.add("end", "La fin doit suivre le début");
        f.finish()?;
    }
    let clashing = pa::clashing_appointments(&mut conn, pid, b.start, b.end).await?;
    if !clashing.is_empty() {
        let mut e = Error::new(
            StatusCode::CONFLICT,
            "BLOCK_OVERLAPS_APPOINTMENTS",
            format!(
                "{} rendez-vous tombent dans cette absence : annulez-les ou déplacez-les d'abord",
                clashing.len()
            ),
        );
        e.fields = vec![(
            "appointmentIds",
            clashing
                .iter()
                .map(Uuid::to_string)
                .collect::<Vec<_>>()
                .join(",")
                .into(),
        )];
        return Err(e);
    }
    let reason = b.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    Ok(agenda::create_block(&mut conn, pid, b.start, b.end, reason, Utc::now()).await?)
}

/// Pose une absence ; refusée si des rendez-vous y tombent.
#[utoipa::path(post, path = "/api/agenda/blocks", tag = "agenda",
    request_body = NewBlock,
    responses(
        (status = 201, description = "Absence créée", body = doc::AgendaBlockOut),
        (status = 409, description = "Des rendez-vous tombent dans l'absence (BLOCK_OVERLAPS_APPOINTMENTS, leurs ids dans `fields.appointmentIds`)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn post_block(
    State(state): State<AppState>,
    user: CurrentUser,
    Body(body): Body<NewBlock>,
) -> Result<(StatusCode, Json<Value>)> {
    let pid = practitioner_id(&state, &user).await?;
    let id = create_block(&state, pid, &body).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": id, "start": body.start, "end": body.end, "reason": body.reason})),
    ))
}

/// Supprime une absence.
#[utoipa::path(delete, path = "/api/agenda/blocks/{id}", tag = "agenda",
    params(("id" = Uuid, Path, description = "Absence")),
    responses((status = 204, description = "Absence supprimée")))]
pub async fn delete_block(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    let pid = practitioner_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    pa::delete_block(&mut conn, pid, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
