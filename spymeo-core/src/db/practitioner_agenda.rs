//! The practitioner's side of the agenda (DOMAIN.md §6.8): defaults on first use, the
//! motif list saved as a whole, the event and block views, token cancellation by anonymous
//! bookers, and the emails each appointment event queues in the outbox. The booking and
//! status machine themselves live in `db::agenda`.

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest as _, Sha256};
use sqlx::{Connection as _, PgConnection};
use uuid::Uuid;

use crate::db::agenda::{TypeInput, create_type, update_type};
use crate::db::pros::{DEFAULT_RULES, DEFAULT_TYPES};
use crate::domain::{AppointmentStatus, CancelActor, LocationKind, NotificationType, PARIS};
use crate::mail::Email;
use crate::{Error, Result};

/// The practitioner profile of an account; 404 for any other account.
pub async fn practitioner_of(conn: &mut PgConnection, user_id: Uuid) -> Result<Uuid> {
    sqlx::query_scalar("SELECT id FROM practitioner_profiles WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(conn)
        .await?
        .ok_or(Error::NotFound)
}

/// Agenda settings, opening hours and the two default motifs, created on first use for
/// profiles made before they existed (§6.8 "defaults created on first call"). Idempotent.
pub async fn ensure_defaults(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = conn.begin().await?;
    let created = sqlx::query(
        "INSERT INTO agenda_settings (practitioner_id, updated_at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(practitioner_id)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if created {
        for (weekday, start, end) in DEFAULT_RULES {
            sqlx::query(
                "INSERT INTO availability_rules (practitioner_id, weekday, start_minute, end_minute) VALUES ($1, $2, $3, $4)",
            )
            .bind(practitioner_id)
            .bind(weekday)
            .bind(start)
            .bind(end)
            .execute(&mut *tx)
            .await?;
        }
        for (position, (label, minutes, cents)) in DEFAULT_TYPES.iter().enumerate() {
            sqlx::query(
                "INSERT INTO appointment_types (practitioner_id, label, duration_min, price_cents, position)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(practitioner_id)
            .bind(label)
            .bind(minutes)
            .bind(cents)
            .bind(position as i16)
            .execute(&mut *tx)
            .await?;
        }
    }
    let user: Uuid = sqlx::query_scalar("SELECT user_id FROM practitioner_profiles WHERE id = $1")
        .bind(practitioner_id)
        .fetch_one(&mut *tx)
        .await?;
    crate::db::precompta::create_default_config(&mut tx, user, crate::domain::Role::Practitioner)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Whether the practitioner has saved the agenda at least once (rules or motifs changed
/// after creation), shown as `isConfigured`.
pub async fn is_configured(conn: &mut PgConnection, practitioner_id: Uuid) -> Result<bool> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM availability_rules WHERE practitioner_id = $1)
            AND EXISTS (SELECT 1 FROM appointment_types WHERE practitioner_id = $1 AND active)",
    )
    .bind(practitioner_id)
    .fetch_one(conn)
    .await?)
}

/// `PUT /api/agenda/settings` motifs: upserted by id; omitted ones are deleted when no
/// appointment refers to them, else kept inactive for history.
pub async fn save_types(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    types: &[(Option<Uuid>, TypeInput)],
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = conn.begin().await?;
    let kept: Vec<Uuid> = types.iter().filter_map(|(id, _)| *id).collect();
    // Retire omitted motifs first, so a new motif may reuse a retired label.
    sqlx::query(
        "DELETE FROM appointment_types t WHERE practitioner_id = $1 AND id <> ALL($2)
            AND NOT EXISTS (SELECT 1 FROM appointments a WHERE a.appointment_type_id = t.id)",
    )
    .bind(practitioner_id)
    .bind(&kept)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE appointment_types SET active = false WHERE practitioner_id = $1 AND id <> ALL($2)",
    )
    .bind(practitioner_id)
    .bind(&kept)
    .execute(&mut *tx)
    .await?;
    for (id, t) in types {
        match id {
            Some(id) => {
                update_type(&mut tx, practitioner_id, *id, t).await?;
                sqlx::query("UPDATE appointment_types SET active = true WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| {
                        crate::db::support::unique_conflict(
                            e,
                            "TYPE_LABEL_TAKEN",
                            "Un motif actif porte déjà ce nom",
                        )
                    })?;
            }
            None => {
                create_type(&mut tx, practitioner_id, t, now).await?;
            }
        }
    }
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Event {
    pub id: Uuid,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
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

const EVENT_SELECT: &str = "SELECT a.id, a.title, a.starts_at, a.ends_at, a.status, a.client_id,
        CASE WHEN c.id IS NULL THEN NULL ELSE c.first_name || ' ' || c.last_name END AS client_name,
        a.appointment_type_id, a.price_cents, a.location_kind, a.location_text, a.visio_url, a.description,
        a.cancelled_by, a.cancellation_reason, co.id AS consultation_id
   FROM appointments a
   LEFT JOIN clients c ON c.id = a.client_id
   LEFT JOIN consultations co ON co.appointment_id = a.id";

/// Appointments overlapping `[from, to)`, cancelled ones included (the agenda greys them).
pub async fn events(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Event>> {
    Ok(sqlx::query_as(&format!(
        "{EVENT_SELECT} WHERE a.practitioner_id = $1 AND a.starts_at < $3 AND a.ends_at > $2 ORDER BY a.starts_at"
    ))
    .bind(practitioner_id)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?)
}

pub async fn event(conn: &mut PgConnection, practitioner_id: Uuid, id: Uuid) -> Result<Event> {
    sqlx::query_as(&format!(
        "{EVENT_SELECT} WHERE a.practitioner_id = $1 AND a.id = $2"
    ))
    .bind(practitioner_id)
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(Error::NotFound)
}

/// A client's appointments, newest first (client file tab).
pub async fn client_events(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    client_id: Uuid,
) -> Result<Vec<Event>> {
    Ok(sqlx::query_as(&format!(
        "{EVENT_SELECT} WHERE a.practitioner_id = $1 AND a.client_id = $2 ORDER BY a.starts_at DESC LIMIT 100"
    ))
    .bind(practitioner_id)
    .bind(client_id)
    .fetch_all(conn)
    .await?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Block {
    pub id: Uuid,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub reason: Option<String>,
}

pub async fn blocks(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Block>> {
    Ok(sqlx::query_as(
        "SELECT id, starts_at, ends_at, reason FROM agenda_blocks
          WHERE practitioner_id = $1 AND starts_at < $3 AND ends_at > $2 ORDER BY starts_at",
    )
    .bind(practitioner_id)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?)
}

pub async fn delete_block(conn: &mut PgConnection, practitioner_id: Uuid, id: Uuid) -> Result<()> {
    let n = sqlx::query("DELETE FROM agenda_blocks WHERE id = $1 AND practitioner_id = $2")
        .bind(id)
        .bind(practitioner_id)
        .execute(conn)
        .await?
        .rows_affected();
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}

/// The ids of active appointments inside `[from, to)` (409 BLOCK_OVERLAPS_APPOINTMENTS lists
/// them in `fields.appointmentIds`).
pub async fn clashing_appointments(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Uuid>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM appointments WHERE practitioner_id = $1 AND status <> 'CANCELLED'
            AND tstzrange(starts_at, busy_until, '[)') && tstzrange($2, $3, '[)') ORDER BY starts_at",
    )
    .bind(practitioner_id)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?)
}

/// SHA-256 of an anonymous booker's cancel token (C5 `cancel_token_hash`).
pub fn cancel_token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// What the manage page and the cancel endpoint show of one appointment.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Managed {
    pub id: Uuid,
    pub practitioner_id: Uuid,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub status: AppointmentStatus,
    pub location_kind: LocationKind,
    pub location_text: Option<String>,
    pub price_cents: Option<i32>,
    pub practitioner_slug: String,
    pub practitioner_name: String,
    pub address: Option<String>,
    pub cancellation_window_hours: i16,
}

impl Managed {
    pub fn can_cancel_until(&self) -> DateTime<Utc> {
        self.starts_at - Duration::hours(self.cancellation_window_hours.into())
    }

    pub fn can_cancel(&self, now: DateTime<Utc>) -> bool {
        matches!(
            self.status,
            AppointmentStatus::Scheduled | AppointmentStatus::Confirmed
        ) && now <= self.can_cancel_until()
    }
}

const MANAGED_SELECT: &str =
    "SELECT a.id, a.practitioner_id, a.title, a.starts_at, a.ends_at, a.status,
        a.location_kind, a.location_text, a.price_cents, p.slug::text AS practitioner_slug,
        p.public_name AS practitioner_name,
        NULLIF(concat_ws(' ', p.address_line, p.postal_code::text, p.city), '') AS address,
        s.cancellation_window_hours
   FROM appointments a JOIN practitioner_profiles p ON p.id = a.practitioner_id
   JOIN agenda_settings s ON s.practitioner_id = a.practitioner_id";

/// The appointment behind a manage link: the token's hash must match (404 otherwise, so ids
/// alone reveal nothing).
pub async fn managed_by_token(conn: &mut PgConnection, id: Uuid, token: &str) -> Result<Managed> {
    sqlx::query_as(&format!(
        "{MANAGED_SELECT} WHERE a.id = $1 AND a.cancel_token_hash = $2"
    ))
    .bind(id)
    .bind(cancel_token_hash(token))
    .fetch_optional(conn)
    .await?
    .ok_or(Error::NotFound)
}

/// The same for a member: booked by them or on a client file linked to them.
pub async fn managed_by_user(conn: &mut PgConnection, id: Uuid, user_id: Uuid) -> Result<Managed> {
    sqlx::query_as(&format!(
        "{MANAGED_SELECT} LEFT JOIN clients c ON c.id = a.client_id
          WHERE a.id = $1 AND (a.booked_by_user_id = $2 OR c.user_id = $2)"
    ))
    .bind(id)
    .bind(user_id)
    .fetch_optional(conn)
    .await?
    .ok_or(Error::NotFound)
}

/// `POST /api/public/appointments/{id}/cancel`: an anonymous booker cancels with the emailed
/// token, within the cancellation window; the practitioner is notified and emailed.
pub async fn cancel_by_token(
    conn: &mut PgConnection,
    id: Uuid,
    token: &str,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = conn.begin().await?;
    sqlx::query("SELECT 1 FROM appointments WHERE id = $1 FOR UPDATE")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let m = managed_by_token(&mut tx, id, token).await?;
    match m.status {
        AppointmentStatus::Cancelled => {
            return Err(Error::conflict(
                "ALREADY_CANCELLED",
                "Ce rendez-vous est déjà annulé",
            ));
        }
        AppointmentStatus::Scheduled | AppointmentStatus::Confirmed => {}
        _ => {
            return Err(Error::conflict(
                "NOT_CANCELLABLE",
                "Ce rendez-vous ne peut plus être annulé",
            ));
        }
    }
    if now > m.can_cancel_until() {
        return Err(Error::conflict(
            "CANCELLATION_WINDOW_PASSED",
            format!(
                "L'annulation en ligne n'est plus possible moins de {} h avant le rendez-vous",
                m.cancellation_window_hours
            ),
        ));
    }
    sqlx::query(
        "UPDATE appointments SET status = 'CANCELLED', cancelled_at = $2, cancelled_by = 'CLIENT',
                cancellation_reason = $3, updated_at = $2 WHERE id = $1",
    )
    .bind(id)
    .bind(now)
    .bind(reason)
    .execute(&mut *tx)
    .await?;
    let pro_user: Uuid =
        sqlx::query_scalar("SELECT user_id FROM practitioner_profiles WHERE id = $1")
            .bind(m.practitioner_id)
            .fetch_one(&mut *tx)
            .await?;
    let body = format!("{} a été annulé par le client.", m.title);
    crate::db::notifications::notify(
        &mut tx,
        pro_user,
        NotificationType::AppointmentCancelled,
        &crate::db::notifications::NewNotification {
            title: "Rendez-vous annulé",
            body: &body,
            link: Some("/pro/praticien/agenda"),
            appointment_id: Some(id),
            ..Default::default()
        },
        now,
    )
    .await?;
    queue_emails(&mut tx, id, AppointmentEmail::CancelledByClient, None).await?;
    tx.commit().await?;
    Ok(())
}

/// The appointment events that send emails (§7.1: booking, confirmation, cancellations,
/// moves), each with its recipients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppointmentEmail {
    /// To the client (with the manage link) and to the practitioner.
    Booked,
    Confirmed,
    CancelledByPractitioner,
    /// To the practitioner.
    CancelledByClient,
    Moved,
}

#[derive(sqlx::FromRow)]
struct MailFacts {
    title: String,
    starts_at: DateTime<Utc>,
    practitioner_name: String,
    practitioner_email: String,
    practitioner_user: Uuid,
    client_email: Option<String>,
    client_user: Option<Uuid>,
    notify_client: bool,
    notify_pro: bool,
}

/// Queues the emails of `event` in the outbox, in the caller's transaction: they leave only
/// if it commits, and the outbox job retries them. `manage_url` is the client's link.
pub async fn queue_emails(
    conn: &mut PgConnection,
    appointment_id: Uuid,
    event: AppointmentEmail,
    manage_url: Option<&str>,
) -> Result<()> {
    let f: MailFacts = sqlx::query_as(
        "SELECT a.title, a.starts_at, p.public_name AS practitioner_name,
                COALESCE(p.email_public, pu.email)::text AS practitioner_email, pu.id AS practitioner_user,
                COALESCE(bu.email, c.email)::text AS client_email, COALESCE(bu.id, c.user_id) AS client_user,
                COALESCE(bpr.notify_appointments_email, true) AS notify_client,
                COALESCE(ppr.notify_appointments_email, true) AS notify_pro
           FROM appointments a
           JOIN practitioner_profiles p ON p.id = a.practitioner_id
           JOIN users pu ON pu.id = p.user_id
           LEFT JOIN profiles ppr ON ppr.user_id = pu.id
           LEFT JOIN clients c ON c.id = a.client_id
           LEFT JOIN users bu ON bu.id = a.booked_by_user_id
           LEFT JOIN profiles bpr ON bpr.user_id = COALESCE(bu.id, c.user_id)
          WHERE a.id = $1",
    )
    .bind(appointment_id)
    .fetch_one(&mut *conn)
    .await?;
    let when = f
        .starts_at
        .with_timezone(&PARIS)
        .format("%d/%m/%Y à %H:%M")
        .to_string();
    let manage = manage_url
        .map(|u| format!("\n\nGérer ou annuler votre rendez-vous : {u}"))
        .unwrap_or_default();
    // (subject, body) for the client and for the practitioner.
    type Mail = Option<(String, String)>;
    let (to_client, to_pro): (Mail, Mail) = match event {
        AppointmentEmail::Booked => (
            Some((
                format!("Rendez-vous réservé avec {}", f.practitioner_name),
                format!(
                    "Bonjour,\n\nVotre rendez-vous « {} » est réservé le {when} avec {}.{manage}\n\nL'équipe SPYMEO",
                    f.title, f.practitioner_name
                ),
            )),
            Some((
                "Nouveau rendez-vous en ligne".into(),
                format!(
                    "Bonjour,\n\nNouveau rendez-vous : « {} » le {when}.\n\nVotre agenda : /pro/praticien/agenda",
                    f.title
                ),
            )),
        ),
        AppointmentEmail::Confirmed => (
            Some((
                "Rendez-vous confirmé".into(),
                format!(
                    "Bonjour,\n\n{} confirme votre rendez-vous « {} » du {when}.{manage}\n\nL'équipe SPYMEO",
                    f.practitioner_name, f.title
                ),
            )),
            None,
        ),
        AppointmentEmail::CancelledByPractitioner => (
            Some((
                "Rendez-vous annulé".into(),
                format!(
                    "Bonjour,\n\n{} a annulé votre rendez-vous « {} » du {when}.\n\nL'équipe SPYMEO",
                    f.practitioner_name, f.title
                ),
            )),
            None,
        ),
        AppointmentEmail::CancelledByClient => (
            None,
            Some((
                "Rendez-vous annulé par le client".into(),
                format!(
                    "Bonjour,\n\nLe rendez-vous « {} » du {when} a été annulé par le client.",
                    f.title
                ),
            )),
        ),
        AppointmentEmail::Moved => (
            Some((
                "Rendez-vous déplacé".into(),
                format!(
                    "Bonjour,\n\nVotre rendez-vous « {} » avec {} est déplacé au {when}.{manage}\n\nL'équipe SPYMEO",
                    f.title, f.practitioner_name
                ),
            )),
            None,
        ),
    };
    if let (Some((subject, body)), Some(to), true) = (to_client, f.client_email, f.notify_client) {
        crate::db::outbox::enqueue(
            conn,
            &Email {
                to,
                subject,
                body,
                template: "appointment",
            },
            f.client_user,
        )
        .await?;
    }
    if let (Some((subject, body)), true) = (to_pro, f.notify_pro) {
        crate::db::outbox::enqueue(
            conn,
            &Email {
                to: f.practitioner_email,
                subject,
                body,
                template: "appointment",
            },
            Some(f.practitioner_user),
        )
        .await?;
    }
    Ok(())
}

/// Active client files as (id, "Nom Prénom") for the agenda's client picker.
pub async fn client_choices(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
) -> Result<Vec<(Uuid, String)>> {
    Ok(sqlx::query_as(
        "SELECT id, last_name || ' ' || first_name FROM clients
          WHERE practitioner_id = $1 AND archived_at IS NULL ORDER BY last_name, first_name LIMIT 500",
    )
    .bind(practitioner_id)
    .fetch_all(conn)
    .await?)
}

/// What the public booking page shows of a practitioner (public profiles only, §5.2.6).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BookingPractitioner {
    pub id: Uuid,
    pub slug: String,
    pub public_name: String,
    pub address: Option<String>,
    pub accept_new_clients: bool,
}

pub async fn booking_practitioner(
    conn: &mut PgConnection,
    slug: &str,
    now: DateTime<Utc>,
) -> Result<BookingPractitioner> {
    let id = crate::db::agenda::find_public_practitioner(&mut *conn, slug).await?;
    ensure_defaults(&mut *conn, id, now).await?;
    Ok(sqlx::query_as(
        "SELECT p.id, p.slug::text AS slug, p.public_name,
                NULLIF(concat_ws(' ', p.address_line, p.postal_code::text, p.city), '') AS address,
                s.accept_new_clients
           FROM practitioner_profiles p JOIN agenda_settings s ON s.practitioner_id = p.id WHERE p.id = $1",
    )
    .bind(id)
    .fetch_one(conn)
    .await?)
}
