//! Practitioner agenda (DOMAIN.md C1–C5, §7.1): settings, opening rules, appointment types,
//! blocks, slots and appointments. Double booking is prevented by the exclusion constraint
//! `appointments_no_overlap` alone: an insert that overlaps fails with SQLSTATE 23P01, mapped
//! to 409 SLOT_TAKEN.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sqlx::{Connection as _, PgConnection};
use uuid::Uuid;

use crate::db::notifications::{NewNotification, notify};
use crate::db::support::{map_code, sqlstate};
use crate::domain::slots::{Busy, Rule, Slot, SlotSettings, SlotType};
use crate::domain::{
    AppointmentSource, AppointmentStatus, CancelActor, LocationKind, NotificationType,
};
use crate::{Error, Result};

/// 400 with the field `start`; the API reports it as SLOT_NOT_OFFERED (§6.4), a 400 and not a
/// conflict, so it cannot be an `Error::Conflict`.
pub fn slot_not_offered() -> Error {
    Error::field("start", "Ce créneau n'est pas proposé")
}

fn slot_taken() -> Error {
    Error::conflict("SLOT_TAKEN", "Ce créneau n'est plus disponible")
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AgendaSettings {
    pub practitioner_id: Uuid,
    pub timezone: String,
    pub slot_step_min: i16,
    pub buffer_min: i16,
    pub min_notice_min: i32,
    pub booking_horizon_days: i16,
    pub cancellation_window_hours: i16,
    pub accept_new_clients: bool,
    pub allowed_locations: Vec<LocationKind>,
    pub default_view: String,
}

impl AgendaSettings {
    pub fn slot_settings(&self) -> Result<SlotSettings> {
        Ok(SlotSettings {
            timezone: self
                .timezone
                .parse()
                .map_err(|_| Error::validation("fuseau horaire inconnu"))?,
            slot_step_min: self.slot_step_min.into(),
            buffer_min: self.buffer_min.into(),
            min_notice_min: self.min_notice_min.into(),
            booking_horizon_days: self.booking_horizon_days.into(),
            allowed_locations: self.allowed_locations.clone(),
        })
    }
}

pub async fn settings(conn: &mut PgConnection, practitioner_id: Uuid) -> Result<AgendaSettings> {
    sqlx::query_as(
        "SELECT practitioner_id, timezone, slot_step_min, buffer_min, min_notice_min, booking_horizon_days,
                cancellation_window_hours, accept_new_clients, allowed_locations::text[]::location_kind[] AS allowed_locations,
                default_view
           FROM agenda_settings WHERE practitioner_id = $1",
    )
    .bind(practitioner_id)
    .fetch_optional(conn)
    .await?
    .ok_or(Error::NotFound)
}

/// The settings part of `PUT /api/agenda/settings`.
#[derive(Debug, Clone)]
pub struct SettingsInput {
    pub timezone: String,
    pub slot_step_min: i16,
    pub buffer_min: i16,
    pub min_notice_min: i32,
    pub booking_horizon_days: i16,
    pub cancellation_window_hours: i16,
    pub accept_new_clients: bool,
    pub allowed_locations: Vec<LocationKind>,
}

impl From<&AgendaSettings> for SettingsInput {
    fn from(s: &AgendaSettings) -> Self {
        SettingsInput {
            timezone: s.timezone.clone(),
            slot_step_min: s.slot_step_min,
            buffer_min: s.buffer_min,
            min_notice_min: s.min_notice_min,
            booking_horizon_days: s.booking_horizon_days,
            cancellation_window_hours: s.cancellation_window_hours,
            accept_new_clients: s.accept_new_clients,
            allowed_locations: s.allowed_locations.clone(),
        }
    }
}

pub async fn update_settings(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    s: &SettingsInput,
    now: DateTime<Utc>,
) -> Result<()> {
    if s.timezone.parse::<chrono_tz::Tz>().is_err() {
        return Err(Error::field("timezone", "fuseau horaire inconnu"));
    }
    if s.allowed_locations.is_empty() {
        return Err(Error::field("allowedLocations", "au moins un lieu"));
    }
    let locations: Vec<&str> = s.allowed_locations.iter().map(|l| l.as_str()).collect();
    let n = sqlx::query(
        "UPDATE agenda_settings SET timezone = $2, slot_step_min = $3, buffer_min = $4, min_notice_min = $5,
                booking_horizon_days = $6, cancellation_window_hours = $7, accept_new_clients = $8,
                allowed_locations = $9::text[]::location_kind[], updated_at = $10
          WHERE practitioner_id = $1",
    )
    .bind(practitioner_id)
    .bind(&s.timezone)
    .bind(s.slot_step_min)
    .bind(s.buffer_min)
    .bind(s.min_notice_min)
    .bind(s.booking_horizon_days)
    .bind(s.cancellation_window_hours)
    .bind(s.accept_new_clients)
    .bind(&locations)
    .bind(now)
    .execute(conn)
    .await
    .map_err(|e| map_code(e, "23514", Error::validation("paramètres d'agenda invalides")))?
    .rows_affected();
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}

/// Replaces the weekly rules atomically; overlapping ranges → 409 RULES_OVERLAP.
pub async fn replace_rules(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    rules: &[Rule],
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = conn.begin().await?;
    sqlx::query("DELETE FROM availability_rules WHERE practitioner_id = $1")
        .bind(practitioner_id)
        .execute(&mut *tx)
        .await?;
    let weekdays: Vec<i16> = rules.iter().map(|r| r.weekday).collect();
    let starts: Vec<i16> = rules.iter().map(|r| r.start_minute).collect();
    let ends: Vec<i16> = rules.iter().map(|r| r.end_minute).collect();
    let locations: Vec<Option<&str>> = rules
        .iter()
        .map(|r| r.location_kind.map(|l| l.as_str()))
        .collect();
    sqlx::query(
        "INSERT INTO availability_rules (practitioner_id, weekday, start_minute, end_minute, location_kind, created_at, updated_at)
         SELECT $1, w, s, e, l::location_kind, $6, $6 FROM UNNEST($2::int2[], $3::int2[], $4::int2[], $5::text[]) AS t(w, s, e, l)",
    )
    .bind(practitioner_id)
    .bind(&weekdays)
    .bind(&starts)
    .bind(&ends)
    .bind(&locations)
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(|e| match sqlstate(&e).as_deref() {
        Some("23P01") => Error::conflict("RULES_OVERLAP", "Deux plages horaires se chevauchent"),
        Some("23514") => Error::validation("plage horaire invalide"),
        _ => Error::Database(e),
    })?;
    tx.commit().await?;
    Ok(())
}

pub async fn rules(conn: &mut PgConnection, practitioner_id: Uuid) -> Result<Vec<Rule>> {
    let rows: Vec<(i16, i16, i16, Option<LocationKind>)> = sqlx::query_as(
        "SELECT weekday, start_minute, end_minute, location_kind FROM availability_rules
          WHERE practitioner_id = $1 ORDER BY weekday, start_minute",
    )
    .bind(practitioner_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(weekday, start_minute, end_minute, location_kind)| Rule {
            weekday,
            start_minute,
            end_minute,
            location_kind,
        })
        .collect())
}

#[derive(Debug, Clone)]
pub struct TypeInput {
    pub label: String,
    pub group_label: Option<String>,
    pub duration_min: i16,
    pub price_cents: i32,
    pub location_kind: LocationKind,
    pub color: Option<String>,
    pub online_bookable: bool,
    pub position: i16,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AppointmentType {
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

fn type_error(e: sqlx::Error) -> Error {
    match sqlstate(&e).as_deref() {
        Some("23505") => Error::conflict("TYPE_LABEL_TAKEN", "Un motif actif porte déjà ce nom"),
        Some("23514") => Error::validation("motif invalide (durée multiple de 5 min, prix ≥ 0)"),
        _ => Error::Database(e),
    }
}

pub async fn create_type(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    t: &TypeInput,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    sqlx::query_scalar(
        "INSERT INTO appointment_types (practitioner_id, label, group_label, duration_min, price_cents, location_kind,
                                        color, online_bookable, position, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
    )
    .bind(practitioner_id)
    .bind(t.label.trim())
    .bind(&t.group_label)
    .bind(t.duration_min)
    .bind(t.price_cents)
    .bind(t.location_kind)
    .bind(&t.color)
    .bind(t.online_bookable)
    .bind(t.position)
    .bind(now)
    .fetch_one(conn)
    .await
    .map_err(type_error)
}

pub async fn update_type(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    type_id: Uuid,
    t: &TypeInput,
) -> Result<()> {
    let n = sqlx::query(
        "UPDATE appointment_types SET label = $3, group_label = $4, duration_min = $5, price_cents = $6,
                location_kind = $7, color = $8, online_bookable = $9, position = $10
          WHERE id = $1 AND practitioner_id = $2",
    )
    .bind(type_id)
    .bind(practitioner_id)
    .bind(t.label.trim())
    .bind(&t.group_label)
    .bind(t.duration_min)
    .bind(t.price_cents)
    .bind(t.location_kind)
    .bind(&t.color)
    .bind(t.online_bookable)
    .bind(t.position)
    .execute(conn)
    .await
    .map_err(type_error)?
    .rows_affected();
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}

pub async fn types(conn: &mut PgConnection, practitioner_id: Uuid) -> Result<Vec<AppointmentType>> {
    Ok(sqlx::query_as(
        "SELECT id, label, group_label, duration_min, price_cents, location_kind, online_bookable, active, position
           FROM appointment_types WHERE practitioner_id = $1 ORDER BY position, label",
    )
    .bind(practitioner_id)
    .fetch_all(conn)
    .await?)
}

/// An absence; 409 BLOCK_OVERLAPS_APPOINTMENTS when active appointments fall inside it.
pub async fn create_block(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    if ends_at <= starts_at {
        return Err(Error::field("end", "la fin doit suivre le début"));
    }
    let mut tx = conn.begin().await?;
    let clashing: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM appointments WHERE practitioner_id = $1 AND status <> 'CANCELLED'
            AND tstzrange(starts_at, busy_until, '[)') && tstzrange($2, $3, '[)') ORDER BY starts_at",
    )
    .bind(practitioner_id)
    .bind(starts_at)
    .bind(ends_at)
    .fetch_all(&mut *tx)
    .await?;
    if !clashing.is_empty() {
        return Err(Error::conflict(
            "BLOCK_OVERLAPS_APPOINTMENTS",
            format!("{} rendez-vous tombent dans cette absence", clashing.len()),
        ));
    }
    let id = sqlx::query_scalar(
        "INSERT INTO agenda_blocks (practitioner_id, starts_at, ends_at, reason, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(practitioner_id)
    .bind(starts_at)
    .bind(ends_at)
    .bind(reason)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Busy ranges overlapping `[from, to)`: active appointments until `busy_until`, and blocks.
pub async fn busy_ranges(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Busy>> {
    let rows: Vec<(DateTime<Utc>, DateTime<Utc>)> = sqlx::query_as(
        "SELECT starts_at, busy_until FROM appointments
          WHERE practitioner_id = $1 AND status <> 'CANCELLED'
            AND tstzrange(starts_at, busy_until, '[)') && tstzrange($2, $3, '[)')
         UNION ALL
         SELECT starts_at, ends_at FROM agenda_blocks
          WHERE practitioner_id = $1 AND tstzrange(starts_at, ends_at, '[)') && tstzrange($2, $3, '[)')",
    )
    .bind(practitioner_id)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(start, end)| Busy { start, end })
        .collect())
}

async fn block_ranges(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Busy>> {
    let rows: Vec<(DateTime<Utc>, DateTime<Utc>)> = sqlx::query_as(
        "SELECT starts_at, ends_at FROM agenda_blocks
          WHERE practitioner_id = $1 AND tstzrange(starts_at, ends_at, '[)') && tstzrange($2, $3, '[)')",
    )
    .bind(practitioner_id)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(start, end)| Busy { start, end })
        .collect())
}

/// The bookable slots of one appointment type over local dates `from..=to` (§7.1). Only
/// active, online-bookable types of the practitioner have slots (else 404).
pub async fn available_slots(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    appointment_type_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<Slot>> {
    slots_between(
        conn,
        practitioner_id,
        appointment_type_id,
        from,
        to,
        now,
        true,
    )
    .await
}

/// Slots computed with `with_appointments = false` ignore bookings (blocks still count):
/// a start offered then but not now is taken, not unknown — 409 SLOT_TAKEN rather than
/// 400 SLOT_NOT_OFFERED for the losers of a race.
async fn slots_between(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    appointment_type_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
    with_appointments: bool,
) -> Result<Vec<Slot>> {
    let ty: Option<(i16, LocationKind)> = sqlx::query_as(
        "SELECT duration_min, location_kind FROM appointment_types
          WHERE id = $1 AND practitioner_id = $2 AND active AND online_bookable",
    )
    .bind(appointment_type_id)
    .bind(practitioner_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((duration, location_kind)) = ty else {
        return Err(Error::NotFound);
    };
    let settings = settings(conn, practitioner_id).await?.slot_settings()?;
    let rules = rules(conn, practitioner_id).await?;
    // Local dates cover at most ±14 h around UTC midnight.
    let from_utc = from.and_hms_opt(0, 0, 0).expect("midnight").and_utc() - Duration::days(1);
    let to_utc = to.and_hms_opt(0, 0, 0).expect("midnight").and_utc() + Duration::days(2);
    let busy = if with_appointments {
        busy_ranges(conn, practitioner_id, from_utc, to_utc).await?
    } else {
        block_ranges(conn, practitioner_id, from_utc, to_utc).await?
    };
    Ok(crate::domain::slots::slots(
        &settings,
        &rules,
        &SlotType {
            id: appointment_type_id,
            duration_min: duration.into(),
            location_kind,
        },
        &busy,
        from,
        to,
        now,
    ))
}

#[derive(Debug, Clone)]
pub struct NewAppointment {
    pub client_id: Option<Uuid>,
    pub appointment_type_id: Option<Uuid>,
    pub booked_by_user_id: Option<Uuid>,
    pub title: String,
    pub description: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub location_kind: LocationKind,
    pub location_text: Option<String>,
    pub visio_url: Option<String>,
    pub price_cents: Option<i32>,
    /// SCHEDULED or CONFIRMED.
    pub status: AppointmentStatus,
    pub source: AppointmentSource,
    pub cancel_token_hash: Option<Vec<u8>>,
    pub rescheduled_from_id: Option<Uuid>,
}

/// Inserts an appointment (`busy_until = ends_at + buffer_min` at booking time). Overlap with
/// an active appointment → 409 SLOT_TAKEN, from the exclusion constraint. ONLINE bookings
/// notify the practitioner and the booking account.
pub async fn book_appointment(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    a: &NewAppointment,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    if a.ends_at <= a.starts_at || a.ends_at - a.starts_at > Duration::hours(8) {
        return Err(Error::field("end", "durée invalide (8 h au plus)"));
    }
    if !matches!(
        a.status,
        AppointmentStatus::Scheduled | AppointmentStatus::Confirmed
    ) {
        return Err(Error::field(
            "status",
            "un rendez-vous commence planifié ou confirmé",
        ));
    }
    let mut tx = conn.begin().await?;
    let buffer: i16 =
        sqlx::query_scalar("SELECT buffer_min FROM agenda_settings WHERE practitioner_id = $1")
            .bind(practitioner_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(Error::NotFound)?;
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO appointments (practitioner_id, client_id, appointment_type_id, booked_by_user_id, title, description,
                                   starts_at, ends_at, busy_until, location_kind, location_text, visio_url, price_cents,
                                   status, source, cancel_token_hash, rescheduled_from_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18) RETURNING id",
    )
    .bind(practitioner_id)
    .bind(a.client_id)
    .bind(a.appointment_type_id)
    .bind(a.booked_by_user_id)
    .bind(&a.title)
    .bind(&a.description)
    .bind(a.starts_at)
    .bind(a.ends_at)
    .bind(a.ends_at + Duration::minutes(buffer.into()))
    .bind(a.location_kind)
    .bind(&a.location_text)
    .bind(&a.visio_url)
    .bind(a.price_cents)
    .bind(a.status)
    .bind(a.source)
    .bind(&a.cancel_token_hash)
    .bind(a.rescheduled_from_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| match sqlstate(&e).as_deref() {
        Some("23P01") => slot_taken(),
        Some("23503") => Error::NotFound,
        _ => Error::Database(e),
    })?;
    if a.source == AppointmentSource::Online {
        let when = a
            .starts_at
            .with_timezone(&crate::domain::PARIS)
            .format("%d/%m/%Y à %H:%M")
            .to_string();
        let pro_user: Uuid =
            sqlx::query_scalar("SELECT user_id FROM practitioner_profiles WHERE id = $1")
                .bind(practitioner_id)
                .fetch_one(&mut *tx)
                .await?;
        let body = format!("{} le {when}", a.title);
        notify(
            &mut tx,
            pro_user,
            NotificationType::AppointmentBooked,
            &NewNotification {
                title: "Nouveau rendez-vous",
                body: &body,
                link: Some("/pro/praticien/agenda"),
                appointment_id: Some(id),
                ..Default::default()
            },
            now,
        )
        .await?;
        if let Some(user) = a.booked_by_user_id {
            notify(
                &mut tx,
                user,
                NotificationType::AppointmentBooked,
                &NewNotification {
                    title: "Rendez-vous réservé",
                    body: &body,
                    link: Some("/user/rendez-vous"),
                    appointment_id: Some(id),
                    ..Default::default()
                },
                now,
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(id)
}

/// The practitioner behind a public slug, only when it is public (§5.2.6: verified profile,
/// ACTIVE and not deleted user); booking and availabilities answer 404 otherwise.
pub async fn find_public_practitioner(conn: &mut PgConnection, slug: &str) -> Result<Uuid> {
    sqlx::query_scalar(
        "SELECT p.id FROM practitioner_profiles p JOIN users u ON u.id = p.user_id
          WHERE p.slug = $1 AND p.verified AND u.status = 'ACTIVE' AND u.deleted_at IS NULL",
    )
    .bind(slug)
    .fetch_optional(conn)
    .await?
    .ok_or(Error::NotFound)
}

/// The public booking request (`POST /api/public/practitioners/{slug}/book`) after the
/// practitioner was resolved from the slug.
#[derive(Debug, Clone)]
pub struct OnlineBooking {
    pub appointment_type_id: Uuid,
    pub start: DateTime<Utc>,
    pub location_kind: Option<LocationKind>,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub message: Option<String>,
    /// The session user, if any.
    pub user_id: Option<Uuid>,
    /// SHA-256 of the emailed cancel token, for anonymous bookers.
    pub cancel_token_hash: Option<Vec<u8>>,
}

#[derive(Debug, Clone, Copy)]
pub struct Booked {
    pub appointment_id: Uuid,
    pub client_id: Uuid,
}

/// §7.1 booking transaction: the start must be an offered slot (400 SLOT_NOT_OFFERED), the
/// client is found or created by email (403 NOT_ACCEPTING_NEW_CLIENTS for a new one when the
/// practitioner refuses them), then the insert relies on the exclusion constraint.
pub async fn book_online(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    b: &OnlineBooking,
    now: DateTime<Utc>,
) -> Result<Booked> {
    let ty: Option<(String, i16, i32, LocationKind)> = sqlx::query_as(
        "SELECT label, duration_min, price_cents, location_kind FROM appointment_types
          WHERE id = $1 AND practitioner_id = $2 AND active AND online_bookable",
    )
    .bind(b.appointment_type_id)
    .bind(practitioner_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((label, duration, price, location_kind)) = ty else {
        return Err(Error::field("appointmentTypeId", "motif inconnu"));
    };
    if b.location_kind.is_some_and(|l| l != location_kind) {
        return Err(Error::field(
            "locationKind",
            "lieu non proposé pour ce motif",
        ));
    }
    let settings = settings(&mut *conn, practitioner_id).await?;
    let tz: chrono_tz::Tz = settings.timezone.parse().unwrap_or(crate::domain::PARIS);
    let day = b.start.with_timezone(&tz).date_naive();
    let offered = available_slots(
        &mut *conn,
        practitioner_id,
        b.appointment_type_id,
        day,
        day,
        now,
    )
    .await?;
    if !offered.iter().any(|s| s.start == b.start) {
        let unbooked = slots_between(
            &mut *conn,
            practitioner_id,
            b.appointment_type_id,
            day,
            day,
            now,
            false,
        )
        .await?;
        return Err(if unbooked.iter().any(|s| s.start == b.start) {
            slot_taken()
        } else {
            slot_not_offered()
        });
    }
    let mut tx = conn.begin().await?;
    let (client_id, created) = crate::db::clients::find_or_create_by_email(
        &mut tx,
        practitioner_id,
        &b.first_name,
        &b.last_name,
        &b.email,
        b.phone.as_deref(),
        b.user_id,
        now,
    )
    .await?;
    if created && !settings.accept_new_clients {
        return Err(Error::conflict(
            "NOT_ACCEPTING_NEW_CLIENTS",
            "Ce praticien n'accepte pas de nouveaux clients",
        ));
    }
    let appointment_id = book_appointment(
        &mut tx,
        practitioner_id,
        &NewAppointment {
            client_id: Some(client_id),
            appointment_type_id: Some(b.appointment_type_id),
            booked_by_user_id: b.user_id,
            title: format!("{label} – {} {}", b.first_name.trim(), b.last_name.trim()),
            description: b.message.clone(),
            starts_at: b.start,
            ends_at: b.start + Duration::minutes(duration.into()),
            location_kind,
            location_text: None,
            visio_url: None,
            price_cents: Some(price),
            status: AppointmentStatus::Scheduled,
            source: AppointmentSource::Online,
            cancel_token_hash: if b.user_id.is_none() {
                b.cancel_token_hash.clone()
            } else {
                None
            },
            rescheduled_from_id: None,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Booked {
        appointment_id,
        client_id,
    })
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct ApptState {
    practitioner_id: Uuid,
    status: AppointmentStatus,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    client_id: Option<Uuid>,
    appointment_type_id: Option<Uuid>,
    booked_by_user_id: Option<Uuid>,
    title: String,
    location_kind: LocationKind,
    price_cents: Option<i32>,
    updated_at: DateTime<Utc>,
}

async fn lock(conn: &mut PgConnection, id: Uuid) -> Result<Option<ApptState>> {
    Ok(sqlx::query_as(
        "SELECT practitioner_id, status, starts_at, ends_at, client_id, appointment_type_id, booked_by_user_id,
                title, location_kind, price_cents, updated_at
           FROM appointments WHERE id = $1 FOR UPDATE",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

fn invalid_transition() -> Error {
    Error::conflict("INVALID_TRANSITION", "Changement de statut impossible")
}

/// Optional consultation written when the practitioner marks the appointment COMPLETED.
#[derive(Debug, Clone, Default)]
pub struct ConsultationNotes {
    pub notes: Option<String>,
    pub recommendations: Option<String>,
}

/// Practitioner status changes of the §7.1 machine: CONFIRMED, COMPLETED, NO_SHOW (cancel has
/// its own functions). COMPLETED with `consultation` inserts the consultation in the same
/// transaction and returns its id.
pub async fn set_status(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    appointment_id: Uuid,
    to: AppointmentStatus,
    consultation: Option<&ConsultationNotes>,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>> {
    use AppointmentStatus::*;
    let mut tx = conn.begin().await?;
    let a = lock(&mut tx, appointment_id)
        .await?
        .filter(|a| a.practitioner_id == practitioner_id)
        .ok_or(Error::NotFound)?;
    let ok = match (a.status, to) {
        (Scheduled, Confirmed) => true,
        (Scheduled | Confirmed, Completed | NoShow) => now >= a.starts_at,
        (Completed, NoShow) | (NoShow, Completed) => now <= a.updated_at + Duration::days(7),
        _ => false,
    };
    if !ok {
        return Err(invalid_transition());
    }
    sqlx::query("UPDATE appointments SET status = $2, updated_at = $3 WHERE id = $1")
        .bind(appointment_id)
        .bind(to)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    if to == Confirmed
        && let Some(user) = a.booked_by_user_id
    {
        let body = format!(
            "{} le {}",
            a.title,
            a.starts_at
                .with_timezone(&crate::domain::PARIS)
                .format("%d/%m/%Y à %H:%M")
        );
        notify(
            &mut tx,
            user,
            NotificationType::AppointmentConfirmed,
            &NewNotification {
                title: "Rendez-vous confirmé",
                body: &body,
                link: Some("/user/rendez-vous"),
                appointment_id: Some(appointment_id),
                ..Default::default()
            },
            now,
        )
        .await?;
    }
    let mut consultation_id = None;
    if let (Completed, Some(notes), Some(client_id)) = (to, consultation, a.client_id) {
        let motif = match a.appointment_type_id {
            Some(t) => {
                sqlx::query_scalar("SELECT label FROM appointment_types WHERE id = $1")
                    .bind(t)
                    .fetch_one(&mut *tx)
                    .await?
            }
            None => a.title.clone(),
        };
        consultation_id = Some(
            crate::db::clients::create_consultation(
                &mut tx,
                practitioner_id,
                &crate::db::clients::NewConsultation {
                    client_id,
                    appointment_id: Some(appointment_id),
                    occurred_at: a.starts_at,
                    motif,
                    notes: notes.notes.clone(),
                    recommendations: notes.recommendations.clone(),
                    duration_min: i16::try_from((a.ends_at - a.starts_at).num_minutes()).ok(),
                    price_cents: a.price_cents,
                },
                now,
            )
            .await?,
        );
    }
    tx.commit().await?;
    Ok(consultation_id)
}

async fn do_cancel(
    conn: &mut PgConnection,
    appointment_id: Uuid,
    actor: CancelActor,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "UPDATE appointments SET status = 'CANCELLED', cancelled_at = $2, cancelled_by = $3, cancellation_reason = $4, updated_at = $2
          WHERE id = $1",
    )
    .bind(appointment_id)
    .bind(now)
    .bind(actor)
    .bind(reason)
    .execute(conn)
    .await?;
    Ok(())
}

/// Practitioner cancellation (`DELETE /api/agenda/events/{id}`): any time before the end; the
/// booking account is notified.
pub async fn cancel_by_practitioner(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    appointment_id: Uuid,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = conn.begin().await?;
    let a = lock(&mut tx, appointment_id)
        .await?
        .filter(|a| a.practitioner_id == practitioner_id)
        .ok_or(Error::NotFound)?;
    match a.status {
        AppointmentStatus::Cancelled => {
            return Err(Error::conflict(
                "ALREADY_CANCELLED",
                "Ce rendez-vous est déjà annulé",
            ));
        }
        AppointmentStatus::Scheduled | AppointmentStatus::Confirmed if now < a.ends_at => {}
        _ => return Err(invalid_transition()),
    }
    do_cancel(
        &mut tx,
        appointment_id,
        CancelActor::Practitioner,
        reason,
        now,
    )
    .await?;
    let linked: Option<Uuid> = match a.booked_by_user_id {
        Some(u) => Some(u),
        None => match a.client_id {
            Some(c) => {
                sqlx::query_scalar("SELECT user_id FROM clients WHERE id = $1")
                    .bind(c)
                    .fetch_one(&mut *tx)
                    .await?
            }
            None => None,
        },
    };
    if let Some(user) = linked {
        let body = format!("{} a été annulé par le praticien.", a.title);
        notify(
            &mut tx,
            user,
            NotificationType::AppointmentCancelled,
            &NewNotification {
                title: "Rendez-vous annulé",
                body: &body,
                link: Some("/user/rendez-vous"),
                appointment_id: Some(appointment_id),
                ..Default::default()
            },
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Rows a member may act on: booked by them or on a client file linked to them.
async fn lock_for_user(
    conn: &mut PgConnection,
    user_id: Uuid,
    appointment_id: Uuid,
) -> Result<(ApptState, i16)> {
    let visible: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM appointments a LEFT JOIN clients c ON c.id = a.client_id
                         WHERE a.id = $1 AND (a.booked_by_user_id = $2 OR c.user_id = $2))",
    )
    .bind(appointment_id)
    .bind(user_id)
    .fetch_one(&mut *conn)
    .await?;
    if !visible {
        return Err(Error::NotFound);
    }
    let a = lock(conn, appointment_id).await?.ok_or(Error::NotFound)?;
    let window: i16 = sqlx::query_scalar(
        "SELECT cancellation_window_hours FROM agenda_settings WHERE practitioner_id = $1",
    )
    .bind(a.practitioner_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok((a, window))
}

fn check_client_window(a: &ApptState, window_hours: i16, now: DateTime<Utc>) -> Result<()> {
    match a.status {
        AppointmentStatus::Cancelled => Err(Error::conflict(
            "ALREADY_CANCELLED",
            "Ce rendez-vous est déjà annulé",
        )),
        AppointmentStatus::Scheduled | AppointmentStatus::Confirmed => {
            if now <= a.starts_at - Duration::hours(window_hours.into()) {
                Ok(())
            } else {
                Err(Error::conflict(
                    "CANCELLATION_WINDOW_PASSED",
                    format!(
                        "L'annulation en ligne n'est plus possible moins de {window_hours} h avant le rendez-vous"
                    ),
                ))
            }
        }
        _ => Err(Error::conflict(
            "NOT_CANCELLABLE",
            "Ce rendez-vous ne peut plus être annulé",
        )),
    }
}

async fn notify_practitioner(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    kind: NotificationType,
    title: &str,
    body: &str,
    appointment_id: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    let pro_user: Uuid =
        sqlx::query_scalar("SELECT user_id FROM practitioner_profiles WHERE id = $1")
            .bind(practitioner_id)
            .fetch_one(&mut *conn)
            .await?;
    notify(
        conn,
        pro_user,
        kind,
        &NewNotification {
            title,
            body,
            link: Some("/pro/praticien/agenda"),
            appointment_id: Some(appointment_id),
            ..Default::default()
        },
        now,
    )
    .await?;
    Ok(())
}

/// Member cancellation (`PATCH /api/user/appointments/{id}`), within the window.
pub async fn cancel_by_user(
    conn: &mut PgConnection,
    user_id: Uuid,
    appointment_id: Uuid,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = conn.begin().await?;
    let (a, window) = lock_for_user(&mut tx, user_id, appointment_id).await?;
    check_client_window(&a, window, now)?;
    do_cancel(&mut tx, appointment_id, CancelActor::Client, reason, now).await?;
    let body = format!("{} a été annulé par le client.", a.title);
    notify_practitioner(
        &mut tx,
        a.practitioner_id,
        NotificationType::AppointmentCancelled,
        "Rendez-vous annulé",
        &body,
        appointment_id,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Member reschedule (`POST /api/user/appointments/{id}/reschedule`): the old appointment is
/// cancelled ("Déplacé") and the new one inserted with `rescheduled_from_id`, in one
/// transaction; a taken slot rolls both back (409 SLOT_TAKEN).
pub async fn reschedule_by_user(
    conn: &mut PgConnection,
    user_id: Uuid,
    appointment_id: Uuid,
    new_start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    let mut tx = conn.begin().await?;
    let (a, window) = lock_for_user(&mut tx, user_id, appointment_id).await?;
    check_client_window(&a, window, now)?;
    let type_id = a
        .appointment_type_id
        .ok_or_else(|| Error::field("appointmentTypeId", "motif requis"))?;
    do_cancel(
        &mut tx,
        appointment_id,
        CancelActor::Client,
        Some("Déplacé"),
        now,
    )
    .await?;
    let day = new_start.with_timezone(&crate::domain::PARIS).date_naive();
    let offered = available_slots(&mut tx, a.practitioner_id, type_id, day, day, now).await?;
    let Some(slot) = offered.into_iter().find(|s| s.start == new_start) else {
        return Err(slot_not_offered());
    };
    let id = book_appointment(
        &mut tx,
        a.practitioner_id,
        &NewAppointment {
            client_id: a.client_id,
            appointment_type_id: Some(type_id),
            booked_by_user_id: a.booked_by_user_id.or(Some(user_id)),
            title: a.title.clone(),
            description: None,
            starts_at: slot.start,
            ends_at: slot.end,
            location_kind: a.location_kind,
            location_text: None,
            visio_url: None,
            price_cents: a.price_cents,
            status: AppointmentStatus::Scheduled,
            source: AppointmentSource::Online,
            cancel_token_hash: None,
            rescheduled_from_id: Some(appointment_id),
        },
        now,
    )
    .await?;
    let body = format!(
        "{} est déplacé au {}.",
        a.title,
        slot.start
            .with_timezone(&crate::domain::PARIS)
            .format("%d/%m/%Y à %H:%M")
    );
    notify_practitioner(
        &mut tx,
        a.practitioner_id,
        NotificationType::AppointmentRescheduled,
        "Rendez-vous déplacé",
        &body,
        id,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Practitioner move (`PATCH start/end` on the same row): the exclusion constraint is checked
/// again and `busy_until` follows the current buffer.
pub async fn move_appointment(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    appointment_id: Uuid,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<()> {
    if ends_at <= starts_at || ends_at - starts_at > Duration::hours(8) {
        return Err(Error::field("end", "durée invalide (8 h au plus)"));
    }
    let n = sqlx::query(
        "UPDATE appointments a SET starts_at = $3, ends_at = $4,
                busy_until = $4 + make_interval(mins => s.buffer_min), updated_at = $5
           FROM agenda_settings s
          WHERE a.id = $1 AND a.practitioner_id = $2 AND s.practitioner_id = a.practitioner_id
            AND a.status IN ('SCHEDULED', 'CONFIRMED')",
    )
    .bind(appointment_id)
    .bind(practitioner_id)
    .bind(starts_at)
    .bind(ends_at)
    .bind(now)
    .execute(conn)
    .await
    .map_err(|e| map_code(e, "23P01", slot_taken()))?
    .rows_affected();
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}
