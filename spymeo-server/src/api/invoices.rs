//! `/api/invoices*` and `/api/clients/{id}/invoices` (DOMAIN.md §6.8, §7.3): drafts with
//! lines, issue with a gapless `F-YYYY-NNNN` number, payment (pre-compta SALE), cancellation
//! by credit note, and the PDF. Issued invoices are immutable in the database itself.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use spymeo_core::db::client_files as cf;
use spymeo_core::db::invoice_views::{self as iv, DraftFields, Invoice, InvoiceFilter, Line};
use spymeo_core::db::invoices::{self, DraftInput, LineInput};
use spymeo_core::domain::{InvoiceStatus, PaymentMethod, paris_date};
use uuid::Uuid;

use super::agenda::practitioner_id;
use super::clients::paging;
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::state::AppState;
use crate::validate::Fields;

pub fn invoice_json(inv: &Invoice, lines: &[Line]) -> Value {
    json!({
        "id": inv.id, "number": inv.number, "kind": inv.kind, "status": inv.status,
        "clientId": inv.client_id, "clientName": inv.client_name, "consultationId": inv.consultation_id,
        "creditedInvoiceId": inv.credited_invoice_id, "creditedNumber": inv.credited_number,
        "creditNoteId": inv.credit_note_id,
        "issueDate": inv.issue_date, "serviceDate": inv.service_date, "dueDate": inv.due_date,
        "totalHtCents": inv.total_ht_cents, "totalVatCents": inv.total_vat_cents, "totalTtcCents": inv.total_ttc_cents,
        "vatExemptionNote": inv.vat_exemption_note, "seller": inv.seller_snapshot, "buyer": inv.buyer_snapshot,
        "paymentTerms": inv.payment_terms, "latePenaltyText": inv.late_penalty_text,
        "issuedAt": inv.issued_at, "paidAt": inv.paid_at, "cancelledAt": inv.cancelled_at,
        "paymentMethod": inv.payment_method, "notes": inv.notes,
        "pdfUrl": format!("/api/invoices/{}/pdf", inv.id),
        "lines": lines.iter().map(|l| json!({
            "position": l.position, "label": l.label, "quantity": l.quantity.parse::<f64>().unwrap_or(0.0),
            "unitPriceHtCents": l.unit_price_ht_cents, "vatRateBp": l.vat_rate_bp,
            "totalHtCents": l.total_ht_cents, "totalVatCents": l.total_vat_cents, "totalTtcCents": l.total_ttc_cents,
        })).collect::<Vec<_>>(),
    })
}

async fn invoice_value(state: &AppState, pid: Uuid, id: Uuid) -> Result<Value> {
    let mut conn = state.pool.acquire().await?;
    let (inv, lines) = iv::get(&mut conn, pid, id).await?;
    Ok(invoice_json(&inv, &lines))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    pub year: Option<i16>,
    pub status: Option<InvoiceStatus>,
    pub client_id: Option<Uuid>,
    pub q: Option<String>,
    pub page: Option<i64>,
    pub limit: Option<i64>,
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>> {
    let (page, limit) = paging(q.page, q.limit)?;
    let pid = practitioner_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    let filter = InvoiceFilter {
        year: q.year,
        status: q.status,
        client_id: q.client_id,
        q: q.q,
    };
    let (items, total) =
        iv::list(&mut conn, pid, &filter, paris_date(Utc::now()), page, limit).await?;
    Ok(Json(json!({
        "items": items.iter().map(|i| json!({
            "id": i.id, "number": i.number, "kind": i.kind, "status": i.status, "clientId": i.client_id,
            "clientName": i.client_name, "issueDate": i.issue_date, "dueDate": i.due_date,
            "totalTtcCents": i.total_ttc_cents, "overdue": i.overdue,
        })).collect::<Vec<_>>(),
        "page": page, "limit": limit, "total": total,
    })))
}

pub async fn list_for_client(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(client_id): Path<Uuid>,
) -> Result<Json<Value>> {
    let pid = practitioner_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    cf::get(&mut conn, pid, client_id, Utc::now()).await?;
    let items = iv::for_client(&mut conn, pid, client_id).await?;
    let mut out = Vec::new();
    for i in items {
        let (inv, lines) = iv::get(&mut conn, pid, i.id).await?;
        out.push(invoice_json(&inv, &lines));
    }
    Ok(Json(json!(out)))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LineBody {
    pub label: String,
    #[serde(default = "one")]
    pub quantity: f64,
    pub unit_price_ht_cents: i32,
    #[serde(default)]
    pub vat_rate_bp: i16,
}

fn one() -> f64 {
    1.0
}

pub fn check_lines(lines: &[LineBody]) -> Result<Vec<LineInput>> {
    let mut f = Fields::default();
    let out = lines
        .iter()
        .map(|l| {
            let hundredths = (l.quantity * 100.0).round();
            if !(l.quantity > 0.0 && (1.0..1e10).contains(&hundredths)) {
                f.add(
                    "lines",
                    "Quantité positive attendue (deux décimales au plus)",
                );
            }
            if l.unit_price_ht_cents < 0 {
                f.add("lines", "Le prix unitaire ne peut pas être négatif");
            }
            if l.label.trim().is_empty() || l.label.chars().count() > 300 {
                f.add("lines", "Désignation requise (300 caractères au plus)");
            }
            LineInput {
                label: l.label.trim().to_owned(),
                quantity_hundredths: hundredths as i64,
                unit_price_ht_cents: l.unit_price_ht_cents,
                vat_rate_bp: l.vat_rate_bp,
            }
        })
        .collect();
    f.finish()?;
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DraftBody {
    pub consultation_id: Option<Uuid>,
    pub service_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    #[serde(default)]
    pub lines: Vec<LineBody>,
    pub notes: Option<String>,
}

/// A new draft with its lines, in one transaction.
pub async fn create_draft(
    state: &AppState,
    pid: Uuid,
    client_id: Uuid,
    b: &DraftBody,
) -> Result<Uuid> {
    let lines = check_lines(&b.lines)?;
    let now = Utc::now();
    let mut tx = state.pool.begin().await?;
    let id = invoices::create_draft(
        &mut tx,
        pid,
        &DraftInput {
            client_id,
            consultation_id: b.consultation_id,
            service_date: b.service_date.or(Some(paris_date(now))),
            due_date: b.due_date,
            notes: b.notes.clone().filter(|n| !n.trim().is_empty()),
        },
        now,
    )
    .await?;
    for l in &lines {
        invoices::add_line(&mut tx, pid, id, l, now).await?;
    }
    tx.commit().await?;
    Ok(id)
}

pub async fn create_for_client(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(client_id): Path<Uuid>,
    Json(b): Json<DraftBody>,
) -> Result<(StatusCode, Json<Value>)> {
    let pid = practitioner_id(&state, &user).await?;
    let id = create_draft(&state, pid, client_id, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(invoice_value(&state, pid, id).await?),
    ))
}

pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>> {
    let pid = practitioner_id(&state, &user).await?;
    Ok(Json(invoice_value(&state, pid, id).await?))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DraftPatch {
    pub service_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub notes: Option<String>,
    pub lines: Option<Vec<LineBody>>,
}

pub async fn update_draft(state: &AppState, pid: Uuid, id: Uuid, p: &DraftPatch) -> Result<()> {
    let lines = p.lines.as_deref().map(check_lines).transpose()?;
    let mut conn = state.pool.acquire().await?;
    let (inv, _) = iv::get(&mut conn, pid, id).await?;
    iv::update_draft(
        &mut conn,
        pid,
        id,
        &DraftFields {
            service_date: p.service_date.or(inv.service_date),
            due_date: p.due_date.or(inv.due_date),
            notes: match &p.notes {
                Some(n) if n.trim().is_empty() => None,
                Some(n) => Some(n.clone()),
                None => inv.notes,
            },
        },
        lines.as_deref(),
        Utc::now(),
    )
    .await?;
    Ok(())
}

pub async fn patch(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Json(p): Json<DraftPatch>,
) -> Result<Json<Value>> {
    let pid = practitioner_id(&state, &user).await?;
    update_draft(&state, pid, id, &p).await?;
    Ok(Json(invoice_value(&state, pid, id).await?))
}

pub async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    let pid = practitioner_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    invoices::delete_draft(&mut conn, pid, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn issue(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>> {
    let pid = practitioner_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    invoices::issue(&mut conn, pid, id, Utc::now()).await?;
    drop(conn);
    Ok(Json(invoice_value(&state, pid, id).await?))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaidBody {
    pub paid_at: Option<DateTime<Utc>>,
    pub payment_method: PaymentMethod,
}

pub async fn mark_paid(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Json(b): Json<PaidBody>,
) -> Result<Json<Value>> {
    let pid = practitioner_id(&state, &user).await?;
    let now = Utc::now();
    let mut conn = state.pool.acquire().await?;
    invoices::mark_paid(
        &mut conn,
        pid,
        id,
        b.paid_at.unwrap_or(now),
        b.payment_method,
        now,
    )
    .await?;
    drop(conn);
    Ok(Json(invoice_value(&state, pid, id).await?))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreditBody {
    pub reason: String,
    pub refund_method: Option<PaymentMethod>,
}

pub async fn credit_note(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Json(b): Json<CreditBody>,
) -> Result<(StatusCode, Json<Value>)> {
    let reason = b.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        let mut f = Fields::default();
        f.add(
            "reason",
            "Indiquez le motif de l'avoir (500 caractères au plus)",
        );
        f.finish()?;
    }
    let pid = practitioner_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    let (avoir, _) =
        invoices::credit_note(&mut conn, pid, id, reason, b.refund_method, Utc::now()).await?;
    drop(conn);
    Ok((
        StatusCode::CREATED,
        Json(invoice_value(&state, pid, avoir).await?),
    ))
}

/// The PDF of one invoice (drafts watermarked "BROUILLON").
pub async fn pdf_response(state: &AppState, pid: Uuid, id: Uuid) -> Result<Response> {
    let mut conn = state.pool.acquire().await?;
    let (inv, lines) = iv::get(&mut conn, pid, id).await?;
    drop(conn);
    let bytes = super::invoice_pdf::render(&inv, &lines)?;
    let name = inv.number.clone().unwrap_or_else(|| "brouillon".into());
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{name}.pdf\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

pub async fn pdf(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response> {
    let pid = practitioner_id(&state, &user).await?;
    pdf_response(&state, pid, id).await
}
