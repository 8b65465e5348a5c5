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
use spymeo_core::domain::money::div_round;
use spymeo_core::domain::{InvoiceStatus, PaymentMethod, paris_date};
use uuid::Uuid;

use super::agenda::practitioner_id;
use super::clients::paging;
use crate::api::input::Body;
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::state::AppState;
use crate::validate::Fields;

/// This module's part of the OpenAPI document (joined in `api::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list,
    list_for_client,
    create_for_client,
    get,
    patch,
    delete,
    issue,
    mark_paid,
    credit_note,
    pdf,
))]
pub struct ApiDoc;

/// What the handlers of this module write (`json!` builders), for the OpenAPI document.
pub mod doc {
    #![allow(dead_code)] // descriptions of what the `json!` builders write
    use chrono::{DateTime, NaiveDate, Utc};
    use serde::Serialize;
    use serde_json::Value;
    use utoipa::ToSchema;
    use uuid::Uuid;

    /// Facture ou avoir.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub enum InvoiceKind {
        Invoice,
        CreditNote,
    }

    /// Statut d'une facture (DOMAIN.md §7.3).
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub enum InvoiceStatus {
        Draft,
        Issued,
        Paid,
        Cancelled,
    }

    /// Mode de règlement.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub enum PaymentMethod {
        Card,
        Cash,
        Cheque,
        Transfer,
        Other,
    }

    /// What `list` writes for each invoice.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct InvoiceSummaryOut {
        pub id: Uuid,
        /// F-AAAA-NNNN (A-AAAA-NNNN pour un avoir) ; `null` pour un brouillon.
        pub number: Option<String>,
        pub kind: InvoiceKind,
        pub status: InvoiceStatus,
        pub client_id: Uuid,
        pub client_name: String,
        pub issue_date: Option<NaiveDate>,
        pub due_date: Option<NaiveDate>,
        pub total_ttc_cents: i32,
        /// Émise, non payée, échéance dépassée.
        pub overdue: bool,
    }

    /// What `list` writes.
    #[derive(Serialize, ToSchema)]
    pub struct InvoicePage {
        pub items: Vec<InvoiceSummaryOut>,
        pub page: i64,
        pub limit: i64,
        pub total: i64,
    }

    /// What `invoice_json` writes.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct InvoiceOut {
        pub id: Uuid,
        /// `null` pour un brouillon.
        pub number: Option<String>,
        pub kind: InvoiceKind,
        pub status: InvoiceStatus,
        pub client_id: Uuid,
        pub client_name: String,
        pub consultation_id: Option<Uuid>,
        /// Pour un avoir : la facture annulée.
        pub credited_invoice_id: Option<Uuid>,
        pub credited_number: Option<String>,
        /// Pour une facture annulée : son avoir.
        pub credit_note_id: Option<Uuid>,
        pub issue_date: Option<NaiveDate>,
        pub service_date: Option<NaiveDate>,
        pub due_date: Option<NaiveDate>,
        pub total_ht_cents: i32,
        pub total_vat_cents: i32,
        pub total_ttc_cents: i32,
        /// « TVA non applicable, art. 293 B du CGI » en franchise.
        pub vat_exemption_note: Option<String>,
        /// Le vendeur figé à l'émission ; `null` pour un brouillon.
        #[schema(value_type = Option<Object>)]
        pub seller: Option<Value>,
        /// L'acheteur figé à l'émission ; `null` pour un brouillon.
        #[schema(value_type = Option<Object>)]
        pub buyer: Option<Value>,
        pub payment_terms: Option<String>,
        pub late_penalty_text: Option<String>,
        pub issued_at: Option<DateTime<Utc>>,
        pub paid_at: Option<DateTime<Utc>>,
        pub cancelled_at: Option<DateTime<Utc>>,
        pub payment_method: Option<PaymentMethod>,
        pub notes: Option<String>,
        /// `/api/invoices/{id}/pdf`.
        pub pdf_url: String,
        pub lines: Vec<InvoiceLineOut>,
    }

    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct InvoiceLineOut {
        pub position: i16,
        pub label: String,
        /// Deux décimales ; négative sur un avoir.
        pub quantity: f64,
        pub unit_price_ht_cents: i32,
        pub vat_rate_bp: i16,
        pub total_ht_cents: i32,
        pub total_vat_cents: i32,
        pub total_ttc_cents: i32,
    }

    /// Taux de TVA en points de base : 0 ; 2,1 ; 5,5 ; 10 ou 20 %.
    pub fn vat_rate_schema() -> utoipa::openapi::Object {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Integer)
            .description(Some(
                "Taux de TVA en points de base (2000 = 20 %) : 0, 210, 550, 1000 ou 2000",
            ))
            .enum_values(Some(spymeo_core::domain::money::VAT_RATES))
            .build()
    }
}

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

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Exercice (année d'émission, de création pour un brouillon) ; une année sans facture
    /// donne une liste vide.
    #[param(minimum = -32768, maximum = 32767)]
    pub year: Option<i16>,
    #[param(value_type = Option<doc::InvoiceStatus>)]
    pub status: Option<InvoiceStatus>,
    pub client_id: Option<Uuid>,
    /// Recherche dans le numéro et le nom du client.
    pub q: Option<String>,
    /// Défaut 1.
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// Défaut 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// Les factures et avoirs du praticien, brouillons d'abord puis du plus récent.
#[utoipa::path(get, path = "/api/invoices", tag = "invoices",
    params(ListQuery),
    responses((status = 200, description = "Une page de factures", body = doc::InvoicePage)))]
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

/// Les factures d'un client, complètes.
#[utoipa::path(get, path = "/api/clients/{id}/invoices", tag = "invoices",
    params(("id" = Uuid, Path, description = "Client")),
    responses((status = 200, description = "Factures du client", body = Vec<doc::InvoiceOut>)))]
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

/// Une ligne de facture. En franchise en base, le taux est ramené à 0.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LineBody {
    #[schema(min_length = 1, max_length = 300, pattern = "\\S")]
    pub label: String,
    /// Positive, arrondie au centième ; défaut 1.
    #[serde(default = "one")]
    #[schema(minimum = 0.01, maximum = 99999999.99)]
    pub quantity: f64,
    #[schema(minimum = 0)]
    pub unit_price_ht_cents: i32,
    /// Défaut 0.
    #[serde(default)]
    #[schema(schema_with = doc::vat_rate_schema)]
    pub vat_rate_bp: i16,
}

fn one() -> f64 {
    1.0
}

pub fn check_lines(lines: &[LineBody]) -> Result<Vec<LineInput>> {
    let mut f = Fields::default();
    // The invoice totals are `integer` columns: a sum past i32 would fail in SQL (500).
    let total_ttc: i128 = lines
        .iter()
        .map(|l| {
            let hundredths = (l.quantity * 100.0).round().clamp(0.0, 1e10) as i128;
            let ht = div_round(hundredths * i128::from(l.unit_price_ht_cents.max(0)), 100);
            ht + div_round(ht * i128::from(l.vat_rate_bp.max(0)), 10_000)
        })
        .sum();
    if total_ttc > i128::from(i32::MAX) {
        f.add("lines", "Montant total trop élevé");
    }
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

/// Un brouillon : le total TTC des lignes (au taux demandé) doit tenir sous 21 474 836,47 €.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DraftBody {
    /// Une consultation de ce client (404 sinon).
    pub consultation_id: Option<Uuid>,
    /// Défaut : aujourd'hui.
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

/// Crée un brouillon de facture pour le client.
#[utoipa::path(post, path = "/api/clients/{id}/invoices", tag = "invoices",
    params(("id" = Uuid, Path, description = "Client")),
    request_body = DraftBody,
    responses((status = 201, description = "Brouillon créé", body = doc::InvoiceOut)))]
pub async fn create_for_client(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(client_id): Path<Uuid>,
    Body(b): Body<DraftBody>,
) -> Result<(StatusCode, Json<Value>)> {
    let pid = practitioner_id(&state, &user).await?;
    let id = create_draft(&state, pid, client_id, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(invoice_value(&state, pid, id).await?),
    ))
}

/// Une facture avec ses lignes.
#[utoipa::path(get, path = "/api/invoices/{id}", tag = "invoices",
    params(("id" = Uuid, Path, description = "Facture")),
    responses((status = 200, description = "La facture", body = doc::InvoiceOut)))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>> {
    let pid = practitioner_id(&state, &user).await?;
    Ok(Json(invoice_value(&state, pid, id).await?))
}

/// Champs absents : inchangés ; `lines` remplace toutes les lignes ; `notes` "" efface.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
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

/// Modifie un brouillon.
#[utoipa::path(patch, path = "/api/invoices/{id}", tag = "invoices",
    params(("id" = Uuid, Path, description = "Facture")),
    request_body = DraftPatch,
    responses(
        (status = 200, description = "Brouillon modifié", body = doc::InvoiceOut),
        (status = 409, description = "Ce n'est plus un brouillon (INVOICE_NOT_DRAFT)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn patch(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Body(p): Body<DraftPatch>,
) -> Result<Json<Value>> {
    let pid = practitioner_id(&state, &user).await?;
    update_draft(&state, pid, id, &p).await?;
    Ok(Json(invoice_value(&state, pid, id).await?))
}

/// Supprime un brouillon.
#[utoipa::path(delete, path = "/api/invoices/{id}", tag = "invoices",
    params(("id" = Uuid, Path, description = "Facture")),
    responses(
        (status = 204, description = "Brouillon supprimé"),
        (status = 409, description = "Une facture émise ne se supprime pas (INVOICE_NOT_DRAFT)", body = crate::api::openapi::ErrorEnvelope),
    ))]
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

/// Émet un brouillon : numéro sans trou, vendeur et acheteur figés.
#[utoipa::path(post, path = "/api/invoices/{id}/issue", tag = "invoices",
    params(("id" = Uuid, Path, description = "Facture")),
    responses(
        (status = 200, description = "Facture émise", body = doc::InvoiceOut),
        (status = 409, description = "Pas un brouillon (INVOICE_NOT_DRAFT), sans ligne (EMPTY_INVOICE) ou SIRET, adresse, n° de TVA manquants (SELLER_INFO_INCOMPLETE)", body = crate::api::openapi::ErrorEnvelope),
    ))]
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

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PaidBody {
    /// Défaut : maintenant ; pas dans le futur.
    pub paid_at: Option<DateTime<Utc>>,
    #[schema(value_type = doc::PaymentMethod)]
    pub payment_method: PaymentMethod,
}

/// Marque une facture émise payée (recette en pré-compta).
#[utoipa::path(post, path = "/api/invoices/{id}/mark-paid", tag = "invoices",
    params(("id" = Uuid, Path, description = "Facture")),
    request_body = PaidBody,
    responses(
        (status = 200, description = "Facture payée", body = doc::InvoiceOut),
        (status = 409, description = "Seule une facture émise se paie (INVALID_TRANSITION)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn mark_paid(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Body(b): Body<PaidBody>,
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

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreditBody {
    #[schema(min_length = 1, max_length = 500, pattern = "\\S")]
    pub reason: String,
    /// Mode du remboursement, pour une facture payée.
    #[schema(value_type = Option<doc::PaymentMethod>)]
    pub refund_method: Option<PaymentMethod>,
}

/// Annule une facture émise par un avoir (émis aussitôt).
#[utoipa::path(post, path = "/api/invoices/{id}/credit-note", tag = "invoices",
    params(("id" = Uuid, Path, description = "Facture")),
    request_body = CreditBody,
    responses(
        (status = 201, description = "L'avoir", body = doc::InvoiceOut),
        (status = 409, description = "Facture non émise (INVOICE_NOT_ISSUED) ou déjà annulée (INVOICE_ALREADY_CREDITED)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn credit_note(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Body(b): Body<CreditBody>,
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

/// Le PDF d'une facture (brouillons marqués « BROUILLON »).
#[utoipa::path(get, path = "/api/invoices/{id}/pdf", tag = "invoices",
    params(("id" = Uuid, Path, description = "Facture")),
    responses((status = 200, description = "Le PDF", content_type = "application/pdf", body = String)))]
pub async fn pdf(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response> {
    let pid = practitioner_id(&state, &user).await?;
    pdf_response(&state, pid, id).await
}
