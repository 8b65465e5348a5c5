//! `/api/precompta/*` (DOMAIN.md §6.10, §7.4), for every pro role: configuration, the ledger
//! (derived entries read-only, manual ones editable), receipts, the yearly summary with the
//! thresholds, and the CSV books. The owner is always the session's account.

use axum::Json;
use axum::body::Body;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use spymeo_core::db::documents::{self, NewDocument};
use spymeo_core::db::precompta::{self, ManualEntry};
use spymeo_core::db::precompta_books::{self as pb, Book, Entry, EntryFilter, FullConfig, Summary};
use spymeo_core::domain::{
    DocumentCategory, LegalStatus, PaymentMethod, PrecomptaSource, PrecomptaType, VatScheme,
};
use uuid::Uuid;

use super::clients::{paging, read_upload};
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::validate::Fields;

/// Receipts: 10 MiB, PDF/JPEG/PNG recognised from their bytes.
pub const RECEIPT_MAX_BYTES: usize = 10 * 1024 * 1024;

/// The configuration row, created with the role's defaults on first use.
pub async fn ensure_config(state: &AppState, user: &CurrentUser) -> Result<()> {
    let mut conn = state.pool.acquire().await?;
    precompta::create_default_config(&mut conn, user.id, user.role).await?;
    Ok(())
}

pub fn config_json(c: &FullConfig) -> Value {
    json!({
        "legalStatus": c.legal_status, "vatScheme": c.vat_scheme, "defaultVatRateBp": c.default_vat_rate_bp,
        "socialRateBp": c.social_rate_bp, "revenueThresholdCents": c.revenue_threshold_cents,
        "vatFranchiseThresholdCents": c.vat_franchise_threshold_cents, "vatNumber": c.vat_number,
        "declarationPeriodicity": c.declaration_periodicity, "iban": c.iban, "bic": c.bic, "bankName": c.bank_name,
        "invoicePaymentTerms": c.invoice_payment_terms, "invoiceLatePenaltyText": c.invoice_late_penalty_text,
    })
}

pub async fn get_config(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Value>> {
    ensure_config(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    Ok(Json(config_json(&pb::config(&mut conn, user.id).await?)))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigBody {
    pub legal_status: LegalStatus,
    pub vat_scheme: VatScheme,
    #[serde(default)]
    pub default_vat_rate_bp: i16,
    pub social_rate_bp: i16,
    pub revenue_threshold_cents: i64,
    pub vat_franchise_threshold_cents: i64,
    pub vat_number: Option<String>,
    pub declaration_periodicity: Option<String>,
    pub iban: Option<String>,
    pub bic: Option<String>,
    pub bank_name: Option<String>,
    pub invoice_payment_terms: Option<String>,
    pub invoice_late_penalty_text: Option<String>,
}

fn clean(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

pub async fn save_config(state: &AppState, user: &CurrentUser, b: &ConfigBody) -> Result<()> {
    let mut f = Fields::default();
    if !(0..=10_000).contains(&b.social_rate_bp) {
        f.add("socialRateBp", "Taux de cotisations entre 0 et 100 %");
    }
    if b.revenue_threshold_cents <= 0 || b.vat_franchise_threshold_cents <= 0 {
        f.add("revenueThresholdCents", "Les seuils doivent être positifs");
    }
    let periodicity = b
        .declaration_periodicity
        .clone()
        .unwrap_or_else(|| "MONTHLY".into());
    if !matches!(periodicity.as_str(), "MONTHLY" | "QUARTERLY") {
        f.add("declarationPeriodicity", "Mensuelle ou trimestrielle");
    }
    let vat_number = clean(&b.vat_number).map(|v| v.replace(' ', "").to_uppercase());
    if b.vat_scheme != VatScheme::Franchise && vat_number.is_none() {
        f.add("vatNumber", "Numéro de TVA requis hors franchise en base");
    }
    f.finish()?;
    ensure_config(state, user).await?;
    let mut conn = state.pool.acquire().await?;
    let current = pb::config(&mut conn, user.id).await?;
    pb::save_config(
        &mut conn,
        user.id,
        &FullConfig {
            legal_status: b.legal_status,
            vat_scheme: b.vat_scheme,
            default_vat_rate_bp: b.default_vat_rate_bp,
            social_rate_bp: b.social_rate_bp,
            revenue_threshold_cents: b.revenue_threshold_cents,
            vat_franchise_threshold_cents: b.vat_franchise_threshold_cents,
            vat_number,
            declaration_periodicity: periodicity,
            iban: clean(&b.iban).map(|i| i.replace(' ', "").to_uppercase()),
            bic: clean(&b.bic).map(|i| i.to_uppercase()),
            bank_name: clean(&b.bank_name),
            invoice_payment_terms: clean(&b.invoice_payment_terms)
                .unwrap_or(current.invoice_payment_terms),
            invoice_late_penalty_text: clean(&b.invoice_late_penalty_text)
                .unwrap_or(current.invoice_late_penalty_text),
        },
    )
    .await?;
    Ok(())
}

pub async fn put_config(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(b): Json<ConfigBody>,
) -> Result<Json<Value>> {
    save_config(&state, &user, &b).await?;
    let mut conn = state.pool.acquire().await?;
    Ok(Json(config_json(&pb::config(&mut conn, user.id).await?)))
}

pub fn entry_json(e: &Entry) -> Value {
    json!({
        "id": e.id, "entryDate": e.entry_date, "type": e.kind, "source": e.source, "label": e.label,
        "counterparty": e.counterparty, "pieceRef": e.piece_ref, "category": e.category,
        "amountTtcCents": e.amount_ttc_cents, "vatRateBp": e.vat_rate_bp, "vatCents": e.vat_cents,
        "paymentMethod": e.payment_method, "invoiceId": e.invoice_id, "receiptDocumentId": e.receipt_document_id,
        "editable": e.source == PrecomptaSource::Manual,
    })
}

#[derive(Debug, Deserialize)]
pub struct TxQuery {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    #[serde(rename = "type")]
    pub kind: Option<PrecomptaType>,
    pub source: Option<PrecomptaSource>,
    pub page: Option<i64>,
    pub limit: Option<i64>,
}

pub async fn list_transactions(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<TxQuery>,
) -> Result<Json<Value>> {
    let (page, limit) = paging(q.page, q.limit)?;
    let mut conn = state.pool.acquire().await?;
    let filter = EntryFilter {
        from: q.from,
        to: q.to,
        kind: q.kind,
        source: q.source,
    };
    let (items, total, totals) = pb::entries(&mut conn, user.id, &filter, page, limit).await?;
    Ok(Json(json!({
        "items": items.iter().map(entry_json).collect::<Vec<_>>(),
        "page": page, "limit": limit, "total": total,
        "totals": {"recettesCents": totals.recettes_cents, "depensesCents": totals.depenses_cents, "vatCents": totals.vat_cents},
    })))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EntryBody {
    pub entry_date: NaiveDate,
    #[serde(rename = "type")]
    pub kind: PrecomptaType,
    pub label: String,
    pub counterparty: Option<String>,
    pub category: Option<String>,
    pub piece_ref: Option<String>,
    pub amount_ttc_cents: i32,
    pub vat_rate_bp: Option<i16>,
    pub payment_method: Option<PaymentMethod>,
    pub receipt_document_id: Option<Uuid>,
}

impl EntryBody {
    pub fn manual(&self) -> ManualEntry {
        ManualEntry {
            entry_date: self.entry_date,
            kind: self.kind,
            label: self.label.trim().to_owned(),
            counterparty: clean(&self.counterparty),
            category: clean(&self.category),
            piece_ref: clean(&self.piece_ref),
            amount_ttc_cents: self.amount_ttc_cents,
            vat_rate_bp: self.vat_rate_bp,
            payment_method: self.payment_method,
            receipt_document_id: self.receipt_document_id,
        }
    }
}

pub async fn create_transaction(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(b): Json<EntryBody>,
) -> Result<(StatusCode, Json<Value>)> {
    let mut conn = state.pool.acquire().await?;
    let id = precompta::add_manual_entry(&mut conn, user.id, &b.manual(), Utc::now()).await?;
    Ok((
        StatusCode::CREATED,
        Json(entry_json(&pb::entry(&mut conn, user.id, id).await?)),
    ))
}

/// The body is the whole entry (as at creation): omitted optional fields are cleared.
pub async fn patch_transaction(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Json(b): Json<EntryBody>,
) -> Result<Json<Value>> {
    let mut conn = state.pool.acquire().await?;
    pb::update_manual(&mut conn, user.id, id, &b.manual(), Utc::now()).await?;
    Ok(Json(entry_json(&pb::entry(&mut conn, user.id, id).await?)))
}

pub async fn delete_transaction(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    let mut conn = state.pool.acquire().await?;
    pb::delete_manual(&mut conn, user.id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Stores a receipt (document RECEIPT) and links it to `entry` when given.
pub async fn store_receipt(
    state: &AppState,
    user: &CurrentUser,
    file: Option<(String, Vec<u8>)>,
    entry: Option<Uuid>,
) -> Result<Uuid> {
    let (filename, bytes) = file.ok_or_else(|| {
        Error::new(
            StatusCode::BAD_REQUEST,
            "VALIDATION_FAILED",
            "Choisissez un fichier",
        )
    })?;
    let (mime, ext) = crate::validate::document_kind(&bytes).ok_or_else(|| {
        Error::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "Formats acceptés : PDF, JPEG ou PNG",
        )
    })?;
    if let Some(e) = entry {
        pb::entry(&mut *state.pool.acquire().await?, user.id, e).await?;
    }
    let key = format!("receipts/{}/{}.{ext}", user.id, Uuid::new_v4());
    let size = bytes.len() as i64;
    state.storage.put(&key, bytes, mime).await?;
    let mut tx = state.pool.begin().await?;
    let doc = documents::create_document(
        &mut tx,
        user.id,
        &NewDocument {
            category: DocumentCategory::Receipt,
            client_id: None,
            shared_with_user_id: None,
            appointment_id: None,
            resource_id: None,
            title: filename.chars().take(200).collect(),
            mime_type: mime.to_owned(),
            storage_key: Some(key.clone()),
            size_bytes: Some(size),
        },
        Utc::now(),
    )
    .await;
    let result = match doc {
        Ok(doc) => match entry {
            Some(e) => pb::attach_receipt(&mut tx, user.id, e, doc)
                .await
                .map(|()| doc),
            None => Ok(doc),
        },
        Err(e) => Err(e),
    };
    match result {
        Ok(doc) => {
            tx.commit().await?;
            Ok(doc)
        }
        Err(e) => {
            let _ = state.storage.delete(&key).await;
            Err(e.into())
        }
    }
}

pub async fn upload_receipt(
    State(state): State<AppState>,
    user: CurrentUser,
    multipart: Multipart,
) -> Result<(StatusCode, Json<Value>)> {
    let (fields, file) = read_upload(multipart, RECEIPT_MAX_BYTES).await?;
    let entry = match fields
        .get("txId")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        Some(t) => Some(t.parse().map_err(|_| Error::not_found())?),
        None => None,
    };
    let id = store_receipt(&state, &user, file, entry).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

pub async fn list_receipts(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Value>> {
    let mut conn = state.pool.acquire().await?;
    let items = pb::receipts(&mut conn, user.id).await?;
    Ok(Json(json!(items
        .iter()
        .map(|r| json!({"id": r.id, "filename": r.title, "uploadedAt": r.created_at, "size": r.size_bytes,
                        "mime": r.mime_type, "entryId": r.entry_id}))
        .collect::<Vec<_>>())))
}

pub async fn get_receipt(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response> {
    let mut conn = state.pool.acquire().await?;
    let r = pb::receipt(&mut conn, user.id, id).await?;
    let bytes = state
        .storage
        .get(r.storage_key.as_deref().ok_or_else(Error::not_found)?)
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, r.mime_type),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        Body::from(bytes),
    )
        .into_response())
}

pub async fn delete_receipt(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    let mut conn = state.pool.acquire().await?;
    if let Some(key) = pb::delete_receipt(&mut conn, user.id, id).await?
        && let Err(e) = state.storage.delete(&key).await
    {
        tracing::warn!(error = %e, "receipt file not deleted");
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
pub struct YearQuery {
    pub year: Option<i32>,
    pub format: Option<String>,
    pub book: Option<String>,
}

fn year_of(q: &YearQuery) -> Result<i32> {
    let year = q.year.unwrap_or_else(|| pb::this_year(Utc::now()));
    if !(2000..=2100).contains(&year) {
        let mut f = Fields::default();
        f.add("year", "Année invalide");
        f.finish()?;
    }
    Ok(year)
}

pub fn summary_json(s: &Summary) -> Value {
    json!({
        "year": s.year,
        "months": s.months.iter().enumerate().map(|(i, p)| json!({"month": i + 1, "recettesCents": p.recettes_cents, "depensesCents": p.depenses_cents})).collect::<Vec<_>>(),
        "quarters": s.quarters.iter().enumerate().map(|(i, p)| json!({"quarter": i + 1, "recettesCents": p.recettes_cents, "depensesCents": p.depenses_cents})).collect::<Vec<_>>(),
        "yearRecettesCents": s.year_recettes_cents, "thresholdCents": s.threshold_cents,
        "thresholdUsedPct": s.threshold_used_pct, "vatFranchiseThresholdCents": s.vat_franchise_threshold_cents,
        "vatFranchiseUsedPct": s.vat_franchise_used_pct, "estimatedSocialCents": s.estimated_social_cents,
    })
}

pub async fn summary(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<YearQuery>,
) -> Result<Json<Value>> {
    let year = year_of(&q)?;
    ensure_config(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    Ok(Json(summary_json(
        &pb::summary(&mut conn, user.id, year).await?,
    )))
}

pub async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<YearQuery>,
) -> Result<Response> {
    let year = year_of(&q)?;
    let mut f = Fields::default();
    if q.format.as_deref().is_some_and(|f| f != "csv") {
        f.add("format", "Seul le format csv est proposé");
    }
    let book = match q.book.as_deref() {
        None | Some("recettes") => Book::Recettes,
        Some("depenses") => Book::Depenses,
        Some(_) => {
            f.add("book", "Livre : recettes ou depenses");
            Book::Recettes
        }
    };
    f.finish()?;
    let mut conn = state.pool.acquire().await?;
    let csv = pb::export_csv(&mut conn, user.id, year, book).await?;
    let name = match book {
        Book::Recettes => format!("livre-des-recettes-{year}.csv"),
        Book::Depenses => format!("registre-des-depenses-{year}.csv"),
    };
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        csv,
    )
        .into_response())
}
