//! Client files of a practitioner (DOMAIN.md D1–D3): clients, antecedents, consultations.
//! Health data: only the owning practitioner reads or writes these rows (§5.2.4), so every
//! function takes the practitioner id from the session.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::db::support::{map_code, unique_conflict};
use crate::domain::AntecedentCategory;
use crate::{Error, Result};

#[derive(Debug, Clone, Default)]
pub struct NewClient {
    pub first_name: String,
    pub last_name: String,
    pub company_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub address_line: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub notes: Option<String>,
    /// Linked platform account.
    pub user_id: Option<Uuid>,
}

fn check_names(first: &str, last: &str) -> Result<()> {
    if first.trim().is_empty() || last.trim().is_empty() {
        return Err(Error::field("lastName", "prénom et nom requis"));
    }
    if first.chars().count() > 80 || last.chars().count() > 80 {
        return Err(Error::field("lastName", "80 caractères au plus"));
    }
    Ok(())
}

/// `POST /api/clients`; 409 CLIENT_EMAIL_EXISTS when the practitioner already has that email
/// (or that linked account).
pub async fn create_client(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    c: &NewClient,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    check_names(&c.first_name, &c.last_name)?;
    sqlx::query_scalar(
        "INSERT INTO clients (practitioner_id, user_id, first_name, last_name, company_name, email, phone, birth_date,
                              address_line, city, postal_code, notes, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
    )
    .bind(practitioner_id)
    .bind(c.user_id)
    .bind(c.first_name.trim())
    .bind(c.last_name.trim())
    .bind(&c.company_name)
    .bind(&c.email)
    .bind(&c.phone)
    .bind(c.birth_date)
    .bind(&c.address_line)
    .bind(&c.city)
    .bind(&c.postal_code)
    .bind(&c.notes)
    .bind(now)
    .fetch_one(conn)
    .await
    .map_err(|e| unique_conflict(e, "CLIENT_EMAIL_EXISTS", "Un client avec cette adresse existe déjà"))
}

/// Booking's find-or-create by email (§7.1 step 3). Returns the client id and whether it was
/// created. A booking account is linked when the client has none yet.
pub async fn find_or_create_by_email(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    first_name: &str,
    last_name: &str,
    email: &str,
    phone: Option<&str>,
    user_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<(Uuid, bool)> {
    check_names(first_name, last_name)?;
    let (id, created): (Uuid, bool) = sqlx::query_as(
        "INSERT INTO clients (practitioner_id, first_name, last_name, email, phone, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)
         ON CONFLICT (practitioner_id, email) WHERE email IS NOT NULL DO UPDATE SET updated_at = EXCLUDED.updated_at
         RETURNING id, (xmax = 0) AS created",
    )
    .bind(practitioner_id)
    .bind(first_name.trim())
    .bind(last_name.trim())
    .bind(email)
    .bind(phone)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    if let Some(user_id) = user_id {
        // Another file of this practitioner may already be linked to the account: keep it.
        sqlx::query(
            "UPDATE clients SET user_id = $2 WHERE id = $1 AND user_id IS NULL
               AND NOT EXISTS (SELECT 1 FROM clients WHERE practitioner_id = $3 AND user_id = $2)",
        )
        .bind(id)
        .bind(user_id)
        .bind(practitioner_id)
        .execute(&mut *conn)
        .await?;
    }
    Ok((id, created))
}

pub async fn set_archived(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    client_id: Uuid,
    archived: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    let n = sqlx::query(
        "UPDATE clients SET archived_at = CASE WHEN $3 THEN COALESCE(archived_at, $4) END WHERE id = $1 AND practitioner_id = $2",
    )
    .bind(client_id)
    .bind(practitioner_id)
    .bind(archived)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected();
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}

#[derive(Debug, Clone)]
pub struct NewAntecedent {
    pub category: AntecedentCategory,
    pub label: String,
    pub details: Option<String>,
    pub since_year: Option<i16>,
}

/// Adds antecedents in one statement; 404 when the client is not the practitioner's.
pub async fn add_antecedents(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    client_id: Uuid,
    items: &[NewAntecedent],
    now: DateTime<Utc>,
) -> Result<u64> {
    if items.is_empty() {
        return Ok(0);
    }
    if items
        .iter()
        .any(|a| a.label.trim().is_empty() || a.label.chars().count() > 200)
    {
        return Err(Error::field(
            "label",
            "libellé requis (200 caractères au plus)",
        ));
    }
    let categories: Vec<&str> = items.iter().map(|a| a.category.as_str()).collect();
    let labels: Vec<&str> = items.iter().map(|a| a.label.trim()).collect();
    let details: Vec<Option<&str>> = items.iter().map(|a| a.details.as_deref()).collect();
    let years: Vec<Option<i16>> = items.iter().map(|a| a.since_year).collect();
    // The composite FK (client_id, practitioner_id) rejects another practitioner's client.
    sqlx::query(
        "INSERT INTO client_antecedents (practitioner_id, client_id, category, label, details, since_year, created_at, updated_at)
         SELECT $1, $2, c::antecedent_category, l, d, y, $7, $7
           FROM UNNEST($3::text[], $4::text[], $5::text[], $6::int2[]) AS t(c, l, d, y)",
    )
    .bind(practitioner_id)
    .bind(client_id)
    .bind(&categories)
    .bind(&labels)
    .bind(&details)
    .bind(&years)
    .bind(now)
    .execute(conn)
    .await
    .map(|r| r.rows_affected())
    .map_err(|e| map_code(e, "23503", Error::NotFound))
}

#[derive(Debug, Clone)]
pub struct NewConsultation {
    pub client_id: Uuid,
    pub appointment_id: Option<Uuid>,
    pub occurred_at: DateTime<Utc>,
    pub motif: String,
    pub notes: Option<String>,
    pub recommendations: Option<String>,
    pub duration_min: Option<i16>,
    pub price_cents: Option<i32>,
}

/// `POST /api/clients/{id}/consultations`; 409 APPOINTMENT_ALREADY_HAS_CONSULTATION.
pub async fn create_consultation(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    c: &NewConsultation,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    if c.motif.trim().is_empty() || c.motif.chars().count() > 200 {
        return Err(Error::field(
            "motif",
            "motif requis (200 caractères au plus)",
        ));
    }
    sqlx::query_scalar(
        "INSERT INTO consultations (practitioner_id, client_id, appointment_id, occurred_at, motif, notes,
                                    recommendations, duration_min, price_cents, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
    )
    .bind(practitioner_id)
    .bind(c.client_id)
    .bind(c.appointment_id)
    .bind(c.occurred_at)
    .bind(c.motif.trim())
    .bind(&c.notes)
    .bind(&c.recommendations)
    .bind(c.duration_min)
    .bind(c.price_cents)
    .bind(now)
    .fetch_one(conn)
    .await
    .map_err(|e| match e {
        e if crate::db::support::sqlstate(&e).as_deref() == Some("23505") => Error::conflict(
            "APPOINTMENT_ALREADY_HAS_CONSULTATION",
            "Ce rendez-vous a déjà une consultation",
        ),
        e => map_code(e, "23503", Error::NotFound),
    })
}
