//! Reading and editing client files (DOMAIN.md D1–D3, H1 CLIENT_FILE, §6.8): search and
//! pagination, derived stats, antecedents, consultations and documents. Health data: every
//! query filters on the practitioner id from the session (§5.2.4), so another tenant's ids
//! find nothing (404).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::db::support::{map_code, sqlstate};
use crate::domain::AntecedentCategory;
use crate::{Error, Result};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClientRow {
    pub id: Uuid,
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
    pub archived_at: Option<DateTime<Utc>>,
    pub linked_user: bool,
    pub total_visits: i64,
    pub last_visit_at: Option<DateTime<Utc>>,
    pub next_appointment_at: Option<DateTime<Utc>>,
    pub total_spent_cents: i64,
}

const CLIENT_SELECT: &str = "SELECT c.id, c.first_name, c.last_name, c.company_name, c.email::text AS email,
        c.phone::text AS phone, c.birth_date, c.address_line, c.city, c.postal_code::text AS postal_code, c.notes,
        c.archived_at, c.user_id IS NOT NULL AS linked_user,
        (SELECT count(*) FROM consultations k WHERE k.client_id = c.id) AS total_visits,
        (SELECT max(k.occurred_at) FROM consultations k WHERE k.client_id = c.id) AS last_visit_at,
        (SELECT min(a.starts_at) FROM appointments a WHERE a.client_id = c.id AND a.starts_at > $2
            AND a.status IN ('SCHEDULED', 'CONFIRMED')) AS next_appointment_at,
        (SELECT COALESCE(sum(i.total_ttc_cents), 0)::bigint FROM invoices i
          WHERE i.client_id = c.id AND i.status = 'PAID') AS total_spent_cents
   FROM clients c";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientSort {
    LastName,
    LastVisitDesc,
}

#[derive(Debug, Clone)]
pub struct ClientQuery {
    pub q: Option<String>,
    pub archived: bool,
    pub sort: ClientSort,
    pub page: i64,
    pub limit: i64,
}

/// `GET /api/clients`: search on names, email and phone (accent- and case-insensitive by
/// `ILIKE`), archived files hidden unless asked.
pub async fn list(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    q: &ClientQuery,
    now: DateTime<Utc>,
) -> Result<(Vec<ClientRow>, i64)> {
    let pattern =
        q.q.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| format!("%{}%", s.replace(['%', '_', '\\'], "")));
    let filter = "c.practitioner_id = $1 AND (c.archived_at IS NOT NULL) = $3
        AND ($4::text IS NULL OR c.first_name || ' ' || c.last_name ILIKE $4 OR c.last_name || ' ' || c.first_name ILIKE $4
             OR c.email::text ILIKE $4 OR c.phone::text ILIKE $4 OR c.company_name ILIKE $4)";
    let order = match q.sort {
        ClientSort::LastName => "c.last_name, c.first_name, c.id",
        ClientSort::LastVisitDesc => "last_visit_at DESC NULLS LAST, c.last_name, c.id",
    };
    let items = sqlx::query_as(&format!(
        "{CLIENT_SELECT} WHERE {filter} ORDER BY {order} LIMIT $5 OFFSET $6"
    ))
    .bind(practitioner_id)
    .bind(now)
    .bind(q.archived)
    .bind(&pattern)
    .bind(q.limit)
    .bind((q.page - 1).saturating_mul(q.limit))
    .fetch_all(&mut *conn)
    .await?;
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM clients c WHERE {}",
        filter.replace("$3", "$2").replace("$4", "$3")
    ))
    .bind(practitioner_id)
    .bind(q.archived)
    .bind(&pattern)
    .fetch_one(conn)
    .await?;
    Ok((items, total))
}

pub async fn get(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<ClientRow> {
    sqlx::query_as(&format!(
        "{CLIENT_SELECT} WHERE c.practitioner_id = $1 AND c.id = $3"
    ))
    .bind(practitioner_id)
    .bind(now)
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(Error::NotFound)
}

/// The editable fields of a client file (the handler merges a PATCH into the current row).
#[derive(Debug, Clone, Default)]
pub struct ClientFields {
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
}

impl From<&ClientRow> for ClientFields {
    fn from(c: &ClientRow) -> Self {
        ClientFields {
            first_name: c.first_name.clone(),
            last_name: c.last_name.clone(),
            company_name: c.company_name.clone(),
            email: c.email.clone(),
            phone: c.phone.clone(),
            birth_date: c.birth_date,
            address_line: c.address_line.clone(),
            city: c.city.clone(),
            postal_code: c.postal_code.clone(),
            notes: c.notes.clone(),
        }
    }
}

pub async fn update(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    id: Uuid,
    f: &ClientFields,
    now: DateTime<Utc>,
) -> Result<()> {
    let n = sqlx::query(
        "UPDATE clients SET first_name = $3, last_name = $4, company_name = $5, email = $6, phone = $7, birth_date = $8,
                address_line = $9, city = $10, postal_code = $11, notes = $12, updated_at = $13
          WHERE id = $1 AND practitioner_id = $2",
    )
    .bind(id)
    .bind(practitioner_id)
    .bind(f.first_name.trim())
    .bind(f.last_name.trim())
    .bind(&f.company_name)
    .bind(&f.email)
    .bind(&f.phone)
    .bind(f.birth_date)
    .bind(&f.address_line)
    .bind(&f.city)
    .bind(&f.postal_code)
    .bind(&f.notes)
    .bind(now)
    .execute(conn)
    .await
    .map_err(|e| match sqlstate(&e).as_deref() {
        Some("23505") => Error::conflict(
            "CLIENT_EMAIL_EXISTS",
            "Un client avec cette adresse existe déjà",
        ),
        _ => map_code(e, "23514", Error::validation("valeurs invalides")),
    })?
    .rows_affected();
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}

/// Deletes a file and what cascades from it; a client with invoices is kept (10-year
/// retention): 409 CLIENT_HAS_INVOICES.
pub async fn delete(conn: &mut PgConnection, practitioner_id: Uuid, id: Uuid) -> Result<()> {
    let n = sqlx::query("DELETE FROM clients WHERE id = $1 AND practitioner_id = $2")
        .bind(id)
        .bind(practitioner_id)
        .execute(conn)
        .await
        .map_err(|e| {
            map_code(
                e,
                "23503",
                Error::conflict(
                    "CLIENT_HAS_INVOICES",
                    "Ce client a des factures : archivez sa fiche plutôt que de la supprimer",
                ),
            )
        })?
        .rows_affected();
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Antecedent {
    pub id: Uuid,
    pub client_id: Uuid,
    pub category: AntecedentCategory,
    pub label: String,
    pub details: Option<String>,
    pub since_year: Option<i16>,
}

pub async fn antecedents(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    client_id: Uuid,
) -> Result<Vec<Antecedent>> {
    Ok(sqlx::query_as(
        "SELECT id, client_id, category, label, details, since_year FROM client_antecedents
          WHERE practitioner_id = $1 AND client_id = $2 ORDER BY category, created_at",
    )
    .bind(practitioner_id)
    .bind(client_id)
    .fetch_all(conn)
    .await?)
}

fn check_antecedent(a: &crate::db::clients::NewAntecedent) -> Result<()> {
    if a.label.trim().is_empty() || a.label.chars().count() > 200 {
        return Err(Error::field(
            "label",
            "libellé requis (200 caractères au plus)",
        ));
    }
    if a.since_year.is_some_and(|y| !(1900..=2100).contains(&y)) {
        return Err(Error::field("sinceYear", "année entre 1900 et 2100"));
    }
    Ok(())
}

pub async fn create_antecedent(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    client_id: Uuid,
    a: &crate::db::clients::NewAntecedent,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    check_antecedent(a)?;
    sqlx::query_scalar(
        "INSERT INTO client_antecedents (practitioner_id, client_id, category, label, details, since_year, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(practitioner_id)
    .bind(client_id)
    .bind(a.category)
    .bind(a.label.trim())
    .bind(&a.details)
    .bind(a.since_year)
    .bind(now)
    .fetch_one(conn)
    .await
    .map_err(|e| map_code(e, "23503", Error::NotFound))
}

pub async fn antecedent(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    id: Uuid,
) -> Result<Antecedent> {
    sqlx::query_as(
        "SELECT id, client_id, category, label, details, since_year FROM client_antecedents
          WHERE practitioner_id = $1 AND id = $2",
    )
    .bind(practitioner_id)
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(Error::NotFound)
}

pub async fn update_antecedent(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    id: Uuid,
    a: &crate::db::clients::NewAntecedent,
) -> Result<()> {
    check_antecedent(a)?;
    let n = sqlx::query(
        "UPDATE client_antecedents SET category = $3, label = $4, details = $5, since_year = $6
          WHERE id = $1 AND practitioner_id = $2",
    )
    .bind(id)
    .bind(practitioner_id)
    .bind(a.category)
    .bind(a.label.trim())
    .bind(&a.details)
    .bind(a.since_year)
    .execute(conn)
    .await?
    .rows_affected();
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}

pub async fn delete_antecedent(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    id: Uuid,
) -> Result<()> {
    let n = sqlx::query("DELETE FROM client_antecedents WHERE id = $1 AND practitioner_id = $2")
        .bind(id)
        .bind(practitioner_id)
        .execute(conn)
        .await?
        .rows_affected();
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Consultation {
    pub id: Uuid,
    pub client_id: Uuid,
    pub client_name: String,
    pub appointment_id: Option<Uuid>,
    pub occurred_at: DateTime<Utc>,
    pub motif: String,
    pub notes: Option<String>,
    pub recommendations: Option<String>,
    pub duration_min: Option<i16>,
    pub price_cents: Option<i32>,
    /// The latest invoice made from it, if any.
    pub invoice_id: Option<Uuid>,
}

const CONSULTATION_SELECT: &str = "SELECT k.id, k.client_id, c.first_name || ' ' || c.last_name AS client_name,
        k.appointment_id, k.occurred_at, k.motif, k.notes, k.recommendations, k.duration_min, k.price_cents,
        (SELECT i.id FROM invoices i WHERE i.consultation_id = k.id AND i.kind = 'INVOICE'
          ORDER BY i.created_at DESC LIMIT 1) AS invoice_id
   FROM consultations k JOIN clients c ON c.id = k.client_id";

pub async fn consultations(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    client_id: Uuid,
    page: i64,
    limit: i64,
) -> Result<(Vec<Consultation>, i64)> {
    let items = sqlx::query_as(&format!(
        "{CONSULTATION_SELECT} WHERE k.practitioner_id = $1 AND k.client_id = $2
          ORDER BY k.occurred_at DESC, k.id LIMIT $3 OFFSET $4"
    ))
    .bind(practitioner_id)
    .bind(client_id)
    .bind(limit)
    .bind((page - 1).saturating_mul(limit))
    .fetch_all(&mut *conn)
    .await?;
    let total = sqlx::query_scalar(
        "SELECT count(*) FROM consultations WHERE practitioner_id = $1 AND client_id = $2",
    )
    .bind(practitioner_id)
    .bind(client_id)
    .fetch_one(conn)
    .await?;
    Ok((items, total))
}

pub async fn consultation(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    id: Uuid,
) -> Result<Consultation> {
    sqlx::query_as(&format!(
        "{CONSULTATION_SELECT} WHERE k.practitioner_id = $1 AND k.id = $2"
    ))
    .bind(practitioner_id)
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(Error::NotFound)
}

#[derive(Debug, Clone)]
pub struct ConsultationFields {
    pub occurred_at: DateTime<Utc>,
    pub motif: String,
    pub notes: Option<String>,
    pub recommendations: Option<String>,
    pub duration_min: Option<i16>,
    pub price_cents: Option<i32>,
}

pub async fn update_consultation(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    id: Uuid,
    f: &ConsultationFields,
    now: DateTime<Utc>,
) -> Result<()> {
    if f.motif.trim().is_empty() || f.motif.chars().count() > 200 {
        return Err(Error::field(
            "motif",
            "motif requis (200 caractères au plus)",
        ));
    }
    if f.notes.as_ref().is_some_and(|n| n.chars().count() > 50_000) {
        return Err(Error::field("notes", "50 000 caractères au plus"));
    }
    let n = sqlx::query(
        "UPDATE consultations SET occurred_at = $3, motif = $4, notes = $5, recommendations = $6, duration_min = $7,
                price_cents = $8, updated_at = $9
          WHERE id = $1 AND practitioner_id = $2",
    )
    .bind(id)
    .bind(practitioner_id)
    .bind(f.occurred_at)
    .bind(f.motif.trim())
    .bind(&f.notes)
    .bind(&f.recommendations)
    .bind(f.duration_min)
    .bind(f.price_cents)
    .bind(now)
    .execute(conn)
    .await
    .map_err(|e| map_code(e, "23514", Error::validation("valeurs invalides")))?
    .rows_affected();
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}

/// 409 CONSULTATION_INVOICED when an issued invoice was made from it (the invoice keeps
/// the link for the record).
pub async fn delete_consultation(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    id: Uuid,
) -> Result<()> {
    let invoiced: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM invoices WHERE consultation_id = $1 AND status <> 'DRAFT')",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let n = sqlx::query("SELECT 1 FROM consultations WHERE id = $1 AND practitioner_id = $2")
        .bind(id)
        .bind(practitioner_id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(Error::NotFound);
    }
    if invoiced {
        return Err(Error::conflict(
            "CONSULTATION_INVOICED",
            "Cette consultation a été facturée : elle ne peut pas être supprimée",
        ));
    }
    sqlx::query("DELETE FROM consultations WHERE id = $1 AND practitioner_id = $2")
        .bind(id)
        .bind(practitioner_id)
        .execute(conn)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClientDocument {
    pub id: Uuid,
    pub title: String,
    pub mime_type: String,
    pub size_bytes: Option<i64>,
    pub storage_key: Option<String>,
    pub shared: bool,
    pub created_at: DateTime<Utc>,
}

pub async fn documents(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    client_id: Uuid,
) -> Result<Vec<ClientDocument>> {
    Ok(sqlx::query_as(
        "SELECT id, title, mime_type, size_bytes, storage_key, shared_with_user_id IS NOT NULL AS shared, created_at
           FROM documents WHERE practitioner_id = $1 AND client_id = $2 ORDER BY created_at DESC",
    )
    .bind(practitioner_id)
    .bind(client_id)
    .fetch_all(conn)
    .await?)
}

/// A document of the practitioner's client files (any of its clients).
pub async fn document(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    id: Uuid,
) -> Result<(ClientDocument, Uuid)> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        doc: ClientDocument,
        client_id: Uuid,
    }
    let r: Row = sqlx::query_as(
        "SELECT id, title, mime_type, size_bytes, storage_key, shared_with_user_id IS NOT NULL AS shared, created_at, client_id
           FROM documents WHERE practitioner_id = $1 AND id = $2",
    )
    .bind(practitioner_id)
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(Error::NotFound)?;
    Ok((r.doc, r.client_id))
}

/// The linked account of a client (documents shared with it land in its space).
pub async fn linked_user(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    client_id: Uuid,
) -> Result<Option<Uuid>> {
    sqlx::query_scalar::<_, Option<Uuid>>(
        "SELECT user_id FROM clients WHERE id = $1 AND practitioner_id = $2",
    )
    .bind(client_id)
    .bind(practitioner_id)
    .fetch_optional(conn)
    .await?
    .ok_or(Error::NotFound)
}

pub async fn set_document(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    id: Uuid,
    title: &str,
    shared_with: Option<Uuid>,
) -> Result<()> {
    let n = sqlx::query(
        "UPDATE documents SET title = $3, shared_with_user_id = $4 WHERE id = $1 AND practitioner_id = $2",
    )
    .bind(id)
    .bind(practitioner_id)
    .bind(title)
    .bind(shared_with)
    .execute(conn)
    .await?
    .rows_affected();
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}

pub async fn delete_document(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    id: Uuid,
) -> Result<Option<String>> {
    sqlx::query_scalar::<_, Option<String>>(
        "DELETE FROM documents WHERE id = $1 AND practitioner_id = $2 RETURNING storage_key",
    )
    .bind(id)
    .bind(practitioner_id)
    .fetch_optional(conn)
    .await?
    .ok_or(Error::NotFound)
}
