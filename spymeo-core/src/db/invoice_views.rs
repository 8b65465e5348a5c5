//! Reading invoices and editing drafts (DOMAIN.md §6.8): the list with filters and
//! pagination, one invoice with its lines (what the PDF prints), draft field and line
//! replacement. Issue, payment and credit notes are in `db::invoices`.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use sqlx::{Connection as _, PgConnection};
use uuid::Uuid;

use crate::db::invoices::{LineInput, add_line};
use crate::db::support::map_check;
use crate::domain::{InvoiceKind, InvoiceStatus, PaymentMethod};
use crate::{Error, Result};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InvoiceSummary {
    pub id: Uuid,
    pub number: Option<String>,
    pub kind: InvoiceKind,
    pub status: InvoiceStatus,
    pub client_id: Uuid,
    pub client_name: String,
    pub issue_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub total_ttc_cents: i32,
    pub overdue: bool,
}

const SUMMARY_SELECT: &str = "SELECT i.id, i.number, i.kind, i.status, i.client_id,
        COALESCE(i.buyer_snapshot->>'companyName', i.buyer_snapshot->>'name', c.first_name || ' ' || c.last_name) AS client_name,
        i.issue_date, i.due_date, i.total_ttc_cents,
        (i.status = 'ISSUED' AND i.kind = 'INVOICE' AND i.due_date < $2) AS overdue
   FROM invoices i JOIN clients c ON c.id = i.client_id";

#[derive(Debug, Clone, Default)]
pub struct InvoiceFilter {
    pub year: Option<i16>,
    pub status: Option<InvoiceStatus>,
    pub client_id: Option<Uuid>,
    pub q: Option<String>,
}

pub async fn list(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    f: &InvoiceFilter,
    today: NaiveDate,
    page: i64,
    limit: i64,
) -> Result<(Vec<InvoiceSummary>, i64)> {
    let pattern =
        f.q.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| format!("%{}%", s.replace(['%', '_', '\\'], "")));
    let filter = "i.practitioner_id = $1
        AND ($3::int2 IS NULL OR COALESCE(i.fiscal_year, extract(year FROM i.created_at)::int2) = $3)
        AND ($4::invoice_status IS NULL OR i.status = $4)
        AND ($5::uuid IS NULL OR i.client_id = $5)
        AND ($6::text IS NULL OR i.number ILIKE $6 OR c.first_name || ' ' || c.last_name ILIKE $6)";
    let items = sqlx::query_as(&format!(
        "{SUMMARY_SELECT} WHERE {filter}
          ORDER BY i.issue_date DESC NULLS FIRST, i.seq DESC NULLS FIRST, i.created_at DESC LIMIT $7 OFFSET $8"
    ))
    .bind(practitioner_id)
    .bind(today)
    .bind(f.year)
    .bind(f.status)
    .bind(f.client_id)
    .bind(&pattern)
    .bind(limit)
    .bind((page - 1).saturating_mul(limit))
    .fetch_all(&mut *conn)
    .await?;
    let total = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM invoices i JOIN clients c ON c.id = i.client_id WHERE {filter} AND $2::date IS NOT NULL"
    ))
    .bind(practitioner_id)
    .bind(today)
    .bind(f.year)
    .bind(f.status)
    .bind(f.client_id)
    .bind(&pattern)
    .fetch_one(conn)
    .await?;
    Ok((items, total))
}

pub async fn for_client(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    client_id: Uuid,
) -> Result<Vec<InvoiceSummary>> {
    Ok(sqlx::query_as(&format!(
        "{SUMMARY_SELECT} WHERE i.practitioner_id = $1 AND i.client_id = $3 ORDER BY i.created_at DESC"
    ))
    .bind(practitioner_id)
    .bind(crate::domain::paris_date(Utc::now()))
    .bind(client_id)
    .fetch_all(conn)
    .await?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Invoice {
    pub id: Uuid,
    pub client_id: Uuid,
    pub client_name: String,
    pub consultation_id: Option<Uuid>,
    pub kind: InvoiceKind,
    pub credited_invoice_id: Option<Uuid>,
    pub credited_number: Option<String>,
    pub credit_note_id: Option<Uuid>,
    pub status: InvoiceStatus,
    pub number: Option<String>,
    pub issue_date: Option<NaiveDate>,
    pub service_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub total_ht_cents: i32,
    pub total_vat_cents: i32,
    pub total_ttc_cents: i32,
    pub vat_exemption_note: Option<String>,
    pub seller_snapshot: Option<Value>,
    pub buyer_snapshot: Option<Value>,
    pub payment_terms: Option<String>,
    pub late_penalty_text: Option<String>,
    pub issued_at: Option<DateTime<Utc>>,
    pub paid_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub payment_method: Option<PaymentMethod>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Line {
    pub id: Uuid,
    pub position: i16,
    pub label: String,
    /// `numeric(10,2)` as text ("1.00").
    pub quantity: String,
    pub unit_price_ht_cents: i32,
    pub vat_rate_bp: i16,
    pub total_ht_cents: i32,
    pub total_vat_cents: i32,
    pub total_ttc_cents: i32,
}

pub async fn get(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    id: Uuid,
) -> Result<(Invoice, Vec<Line>)> {
    let inv: Invoice = sqlx::query_as(
        "SELECT i.id, i.client_id, c.first_name || ' ' || c.last_name AS client_name, i.consultation_id, i.kind,
                i.credited_invoice_id, o.number AS credited_number,
                (SELECT a.id FROM invoices a WHERE a.credited_invoice_id = i.id) AS credit_note_id,
                i.status, i.number, i.issue_date, i.service_date, i.due_date, i.total_ht_cents, i.total_vat_cents,
                i.total_ttc_cents, i.vat_exemption_note, i.seller_snapshot, i.buyer_snapshot, i.payment_terms,
                i.late_penalty_text, i.issued_at, i.paid_at, i.cancelled_at, i.payment_method, i.notes
           FROM invoices i JOIN clients c ON c.id = i.client_id
           LEFT JOIN invoices o ON o.id = i.credited_invoice_id
          WHERE i.id = $1 AND i.practitioner_id = $2",
    )
    .bind(id)
    .bind(practitioner_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(Error::NotFound)?;
    let lines = sqlx::query_as(
        "SELECT id, position, label, quantity::text AS quantity, unit_price_ht_cents, vat_rate_bp, total_ht_cents,
                total_vat_cents, total_ttc_cents
           FROM invoice_lines WHERE invoice_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(conn)
    .await?;
    Ok((inv, lines))
}

#[derive(Debug, Clone, Default)]
pub struct DraftFields {
    pub service_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub notes: Option<String>,
}

/// `PATCH /api/invoices/{id}` on a draft: fields, and the lines replaced when given. A
/// non-draft is refused (409 INVOICE_NOT_DRAFT) before the immutability trigger would be.
pub async fn update_draft(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    id: Uuid,
    fields: &DraftFields,
    lines: Option<&[LineInput]>,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = conn.begin().await?;
    let status: InvoiceStatus = sqlx::query_scalar(
        "SELECT status FROM invoices WHERE id = $1 AND practitioner_id = $2 FOR UPDATE",
    )
    .bind(id)
    .bind(practitioner_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(Error::NotFound)?;
    if status != InvoiceStatus::Draft {
        return Err(Error::conflict(
            "INVOICE_NOT_DRAFT",
            "Seul un brouillon de facture peut être modifié",
        ));
    }
    if let (Some(s), Some(d)) = (fields.service_date, fields.due_date)
        && d < s
    {
        return Err(Error::field("dueDate", "l'échéance précède la prestation"));
    }
    sqlx::query(
        "UPDATE invoices SET service_date = $2, due_date = $3, notes = $4, updated_at = $5 WHERE id = $1",
    )
    .bind(id)
    .bind(fields.service_date)
    .bind(fields.due_date)
    .bind(&fields.notes)
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(map_check)?;
    if let Some(lines) = lines {
        sqlx::query("DELETE FROM invoice_lines WHERE invoice_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(map_check)?;
        for l in lines {
            add_line(&mut tx, practitioner_id, id, l, now).await?;
        }
        sqlx::query(
            "UPDATE invoices SET total_ht_cents = t.ht, total_vat_cents = t.vat, total_ttc_cents = t.ht + t.vat
               FROM (SELECT COALESCE(sum(total_ht_cents), 0)::int AS ht, COALESCE(sum(total_vat_cents), 0)::int AS vat
                       FROM invoice_lines WHERE invoice_id = $1) t WHERE id = $1",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
