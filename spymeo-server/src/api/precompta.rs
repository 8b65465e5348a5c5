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
use crate::api::input;
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::validate::Fields;

/// This module's part of the OpenAPI document (joined in `api::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    get_config,
    put_config,
    list_transactions,
    create_transaction,
    patch_transaction,
    delete_transaction,
    list_receipts,
    upload_receipt,
    get_receipt,
    delete_receipt,
    summary,
    export,
))]
pub struct ApiDoc;

/// What the handlers of this module write (`json!` builders), for the OpenAPI document.
pub mod doc {
    #![allow(dead_code)] // descriptions of what the `json!` builders write
    use chrono::{DateTime, NaiveDate, Utc};
    use serde::Serialize;
    use utoipa::ToSchema;
    use uuid::Uuid;

    use crate::api::invoices::doc::PaymentMethod;

    /// Statut juridique.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub enum LegalStatus {
        Micro,
        Ei,
        Eurl,
        Sasu,
        Sas,
    }

    /// Régime de TVA.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub enum VatScheme {
        Franchise,
        ReelSimplifie,
        ReelNormal,
    }

    /// Périodicité des déclarations.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub enum DeclarationPeriodicity {
        Monthly,
        Quarterly,
    }

    /// Type d'écriture.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub enum PrecomptaType {
        Sale,
        Refund,
        Expense,
        Adjustment,
    }

    /// Type d'une écriture saisie à la main (un remboursement passe par un avoir).
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub enum ManualPrecomptaType {
        Sale,
        Expense,
        Adjustment,
    }

    /// Origine d'une écriture.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub enum PrecomptaSource {
        Invoice,
        ArtisanOrder,
        MerchantOrder,
        Enrollment,
        Manual,
    }

    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "lowercase")]
    pub enum PrecomptaExportFormat {
        Csv,
    }

    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "lowercase")]
    pub enum PrecomptaExportBook {
        /// Livre des recettes (défaut).
        Recettes,
        /// Registre des dépenses.
        Depenses,
    }

    /// What `config_json` writes.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct PrecomptaConfigOut {
        pub legal_status: LegalStatus,
        pub vat_scheme: VatScheme,
        pub default_vat_rate_bp: i16,
        /// Taux de cotisations sociales, en points de base.
        pub social_rate_bp: i16,
        pub revenue_threshold_cents: i64,
        pub vat_franchise_threshold_cents: i64,
        pub vat_number: Option<String>,
        pub declaration_periodicity: DeclarationPeriodicity,
        pub iban: Option<String>,
        pub bic: Option<String>,
        pub bank_name: Option<String>,
        pub invoice_payment_terms: String,
        pub invoice_late_penalty_text: String,
    }

    /// What `entry_json` writes.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct PrecomptaEntryOut {
        pub id: Uuid,
        pub entry_date: NaiveDate,
        #[serde(rename = "type")]
        pub kind: PrecomptaType,
        pub source: PrecomptaSource,
        pub label: String,
        pub counterparty: Option<String>,
        pub piece_ref: Option<String>,
        pub category: Option<String>,
        /// Signé : négatif pour une dépense ou un remboursement.
        pub amount_ttc_cents: i32,
        pub vat_rate_bp: Option<i16>,
        pub vat_cents: i32,
        pub payment_method: Option<PaymentMethod>,
        pub invoice_id: Option<Uuid>,
        pub receipt_document_id: Option<Uuid>,
        /// Seules les écritures MANUAL se modifient.
        pub editable: bool,
    }

    /// What `list_transactions` writes.
    #[derive(Serialize, ToSchema)]
    pub struct PrecomptaEntryPage {
        pub items: Vec<PrecomptaEntryOut>,
        pub page: i64,
        pub limit: i64,
        pub total: i64,
        /// Sur toutes les écritures filtrées, pas seulement la page.
        pub totals: PrecomptaEntryTotals,
    }

    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct PrecomptaEntryTotals {
        pub recettes_cents: i64,
        pub depenses_cents: i64,
        pub vat_cents: i64,
    }

    /// What `upload_receipt` writes.
    #[derive(Serialize, ToSchema)]
    pub struct PrecomptaReceiptCreated {
        pub id: Uuid,
    }

    /// What `list_receipts` writes for each receipt.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct PrecomptaReceiptOut {
        pub id: Uuid,
        pub filename: String,
        pub uploaded_at: DateTime<Utc>,
        pub size: Option<i64>,
        #[schema(example = "application/pdf")]
        pub mime: String,
        /// L'écriture qui le cite.
        pub entry_id: Option<Uuid>,
    }

    /// The multipart form of `upload_receipt`.
    #[derive(ToSchema)]
    #[schema(rename_all = "camelCase")]
    pub struct PrecomptaReceiptUpload {
        /// PDF, JPEG ou PNG (reconnu à son contenu), 10 Mio au plus.
        #[schema(value_type = String, format = Binary)]
        pub file: Vec<u8>,
        /// Une écriture à laquelle joindre le justificatif (404 si inconnue ; vide : aucune).
        #[schema(
            value_type = Option<String>,
            format = Uuid,
            pattern = "^\\s*([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})?\\s*$"
        )]
        pub tx_id: Option<String>,
    }

    /// What `summary_json` writes.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct PrecomptaSummaryOut {
        pub year: i32,
        /// Douze mois.
        pub months: Vec<PrecomptaMonth>,
        /// Quatre trimestres.
        pub quarters: Vec<PrecomptaQuarter>,
        /// Recettes HT de l'année.
        pub year_recettes_cents: i64,
        pub threshold_cents: i64,
        pub threshold_used_pct: f64,
        pub vat_franchise_threshold_cents: i64,
        pub vat_franchise_used_pct: f64,
        pub estimated_social_cents: i64,
    }

    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct PrecomptaMonth {
        #[schema(minimum = 1, maximum = 12)]
        pub month: i32,
        pub recettes_cents: i64,
        pub depenses_cents: i64,
    }

    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct PrecomptaQuarter {
        #[schema(minimum = 1, maximum = 4)]
        pub quarter: i32,
        pub recettes_cents: i64,
        pub depenses_cents: i64,
    }
}

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

/// La configuration de pré-compta (créée avec les défauts du rôle au premier appel).
#[utoipa::path(get, path = "/api/precompta/config", tag = "precompta",
    responses((status = 200, description = "La configuration", body = doc::PrecomptaConfigOut)))]
pub async fn get_config(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Value>> {
    ensure_config(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    Ok(Json(config_json(&pb::config(&mut conn, user.id).await?)))
}

/// Toute la configuration. Hors franchise, le n° de TVA est requis ; en franchise, le taux
/// par défaut est 0.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConfigBody {
    #[schema(value_type = doc::LegalStatus)]
    pub legal_status: LegalStatus,
    #[schema(value_type = doc::VatScheme)]
    pub vat_scheme: VatScheme,
    /// Défaut 0.
    #[serde(default)]
    #[schema(schema_with = crate::api::invoices::doc::vat_rate_schema)]
    pub default_vat_rate_bp: i16,
    /// Points de base (0 à 100 %).
    #[schema(minimum = 0, maximum = 10000)]
    pub social_rate_bp: i16,
    #[schema(minimum = 1)]
    pub revenue_threshold_cents: i64,
    #[schema(minimum = 1)]
    pub vat_franchise_threshold_cents: i64,
    /// N° de TVA intracommunautaire FR (espaces ignorés).
    #[schema(
        example = "FR40123456789",
        pattern = "^\\s*(FR[0-9A-Z]{2}[0-9]{9})?\\s*$"
    )]
    pub vat_number: Option<String>,
    /// Défaut MONTHLY.
    #[schema(value_type = Option<doc::DeclarationPeriodicity>)]
    pub declaration_periodicity: Option<String>,
    /// Espaces retirés, mis en majuscules ; vide : effacé.
    #[schema(pattern = "^\\s*([A-Za-z]{2}[0-9]{2}[A-Za-z0-9]{11,30})?\\s*$")]
    pub iban: Option<String>,
    /// Mis en majuscules ; vide : effacé.
    #[schema(pattern = "^\\s*([A-Za-z0-9]{8}([A-Za-z0-9]{3})?)?\\s*$")]
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

/// Enregistre la configuration (aussi acceptée en POST, même corps).
#[utoipa::path(put, path = "/api/precompta/config", tag = "precompta",
    request_body = ConfigBody,
    responses((status = 200, description = "La configuration enregistrée", body = doc::PrecomptaConfigOut)))]
pub async fn put_config(
    State(state): State<AppState>,
    user: CurrentUser,
    input::Body(b): input::Body<ConfigBody>,
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

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TxQuery {
    /// Date d'écriture minimale (incluse).
    pub from: Option<NaiveDate>,
    /// Date d'écriture maximale (incluse).
    pub to: Option<NaiveDate>,
    #[serde(rename = "type")]
    #[param(value_type = Option<doc::PrecomptaType>)]
    pub kind: Option<PrecomptaType>,
    #[param(value_type = Option<doc::PrecomptaSource>)]
    pub source: Option<PrecomptaSource>,
    /// Défaut 1.
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// Défaut 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// Le journal : écritures dérivées (factures, commandes, inscriptions) et manuelles.
#[utoipa::path(get, path = "/api/precompta/transactions", tag = "precompta",
    params(TxQuery),
    responses((status = 200, description = "Une page d'écritures et les totaux", body = doc::PrecomptaEntryPage)))]
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

/// Une écriture manuelle. Le montant est positif pour une recette ou une dépense (signé
/// pour un ajustement, non nul) ; une recette demande son mode de règlement.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EntryBody {
    pub entry_date: NaiveDate,
    #[serde(rename = "type")]
    #[schema(value_type = doc::ManualPrecomptaType)]
    pub kind: PrecomptaType,
    #[schema(min_length = 1, pattern = "\\S")]
    pub label: String,
    pub counterparty: Option<String>,
    pub category: Option<String>,
    pub piece_ref: Option<String>,
    pub amount_ttc_cents: i32,
    /// La TVA incluse est calculée de ce taux.
    #[schema(schema_with = crate::api::invoices::doc::vat_rate_schema, nullable)]
    pub vat_rate_bp: Option<i16>,
    #[schema(value_type = Option<crate::api::invoices::doc::PaymentMethod>)]
    pub payment_method: Option<PaymentMethod>,
    /// Un justificatif déposé par ce compte (404 sinon).
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

/// Ajoute une écriture manuelle.
#[utoipa::path(post, path = "/api/precompta/transactions", tag = "precompta",
    request_body = EntryBody,
    responses(
        (status = 201, description = "Écriture créée", body = doc::PrecomptaEntryOut),
        (status = 404, description = "Justificatif inconnu (NOT_FOUND)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn create_transaction(
    State(state): State<AppState>,
    user: CurrentUser,
    input::Body(b): input::Body<EntryBody>,
) -> Result<(StatusCode, Json<Value>)> {
    let mut conn = state.pool.acquire().await?;
    let id = precompta::add_manual_entry(&mut conn, user.id, &b.manual(), Utc::now()).await?;
    Ok((
        StatusCode::CREATED,
        Json(entry_json(&pb::entry(&mut conn, user.id, id).await?)),
    ))
}

/// The body is the whole entry (as at creation): omitted optional fields are cleared.
#[utoipa::path(patch, path = "/api/precompta/transactions/{id}", tag = "precompta",
    params(("id" = Uuid, Path, description = "Écriture")),
    request_body = EntryBody,
    responses(
        (status = 200, description = "Écriture modifiée", body = doc::PrecomptaEntryOut),
        (status = 409, description = "Écriture dérivée d'une facture ou d'une commande (ENTRY_LOCKED)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn patch_transaction(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    input::Body(b): input::Body<EntryBody>,
) -> Result<Json<Value>> {
    let mut conn = state.pool.acquire().await?;
    pb::update_manual(&mut conn, user.id, id, &b.manual(), Utc::now()).await?;
    Ok(Json(entry_json(&pb::entry(&mut conn, user.id, id).await?)))
}

/// Supprime une écriture manuelle.
#[utoipa::path(delete, path = "/api/precompta/transactions/{id}", tag = "precompta",
    params(("id" = Uuid, Path, description = "Écriture")),
    responses(
        (status = 204, description = "Écriture supprimée"),
        (status = 409, description = "Écriture dérivée d'une facture ou d'une commande (ENTRY_LOCKED)", body = crate::api::openapi::ErrorEnvelope),
    ))]
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

/// Dépose un justificatif (formulaire multipart), joint à une écriture si `txId`.
#[utoipa::path(post, path = "/api/precompta/receipts", tag = "precompta",
    request_body(content = inline(doc::PrecomptaReceiptUpload), content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Justificatif déposé", body = doc::PrecomptaReceiptCreated),
        (status = 404, description = "Écriture `txId` inconnue (NOT_FOUND)", body = crate::api::openapi::ErrorEnvelope),
        (status = 409, description = "Écriture dérivée (ENTRY_LOCKED)", body = crate::api::openapi::ErrorEnvelope),
    ))]
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

/// Les justificatifs du compte, les plus récents d'abord.
#[utoipa::path(get, path = "/api/precompta/receipts", tag = "precompta",
    responses((status = 200, description = "Justificatifs", body = Vec<doc::PrecomptaReceiptOut>)))]
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

/// Le fichier d'un justificatif.
#[utoipa::path(get, path = "/api/precompta/receipts/{id}", tag = "precompta",
    params(("id" = Uuid, Path, description = "Justificatif")),
    responses((status = 200, description = "Le fichier", content(
        (String = "application/pdf"), (String = "image/jpeg"), (String = "image/png"),
    ))))]
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

/// Supprime un justificatif et son fichier.
#[utoipa::path(delete, path = "/api/precompta/receipts/{id}", tag = "precompta",
    params(("id" = Uuid, Path, description = "Justificatif")),
    responses((status = 204, description = "Justificatif supprimé")))]
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

/// The query of `summary` (`YearQuery` without the export choices).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // describes what `summary` reads
pub struct SummaryQuery {
    /// Défaut : l'année en cours.
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
}

/// The query of `export`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // describes what `export` reads
pub struct ExportQuery {
    /// Défaut : l'année en cours.
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
    /// Seul `csv` est proposé.
    #[param(value_type = Option<doc::PrecomptaExportFormat>)]
    pub format: Option<String>,
    #[param(value_type = Option<doc::PrecomptaExportBook>)]
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

/// Synthèse de l'année : mois, trimestres, seuils, cotisations estimées.
#[utoipa::path(get, path = "/api/precompta/summary", tag = "precompta",
    params(SummaryQuery),
    responses((status = 200, description = "La synthèse", body = doc::PrecomptaSummaryOut)))]
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

/// Livre des recettes ou registre des dépenses de l'année, en CSV.
#[utoipa::path(get, path = "/api/precompta/export", tag = "precompta",
    params(ExportQuery),
    responses((status = 200, description = "Le livre en CSV", content_type = "text/csv", body = String)))]
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
