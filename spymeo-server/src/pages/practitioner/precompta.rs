//! `/pro/praticien/precompta` (threshold gauges, livre des recettes and expenses with
//! receipts, CSV exports) and `/pro/praticien/precompta/config`.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use spymeo_core::db::precompta::{self, ManualEntry};
use spymeo_core::db::precompta_books::{
    self as pb, Entry, EntryFilter, FullConfig, Summary, Totals,
};
use spymeo_core::domain::{PaymentMethod, PrecomptaSource, PrecomptaType, VatScheme};
use uuid::Uuid;

use super::agenda::{euros_input, parse_euros};
use super::{back, field, invalid};
use crate::api::clients::read_upload;
use crate::api::precompta::{self as api, ConfigBody, RECEIPT_MAX_BYTES};
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::pages::{Ctx, Layout, euros, render};
use crate::state::AppState;

const PAGE: &str = "/pro/praticien/precompta";

#[derive(Debug, Deserialize)]
pub struct YearQuery {
    pub annee: Option<i32>,
}

#[derive(Template)]
#[template(path = "practitioner/precompta.html")]
pub struct PrecomptaPage {
    pub layout: Layout,
    pub year: i32,
    pub summary: Summary,
    pub entries: Vec<Entry>,
    pub totals: Totals,
    pub today: NaiveDate,
    pub franchise: bool,
}

impl PrecomptaPage {
    pub fn money(&self, cents: impl std::borrow::Borrow<i64>) -> String {
        euros(*cents.borrow())
    }

    pub fn amount(&self, e: &Entry) -> String {
        euros(e.amount_ttc_cents.into())
    }

    pub fn kind(&self, e: &Entry) -> &'static str {
        match e.kind {
            PrecomptaType::Sale => "Recette",
            PrecomptaType::Refund => "Remboursement",
            PrecomptaType::Expense => "Dépense",
            PrecomptaType::Adjustment => "Ajustement",
        }
    }

    pub fn editable(&self, e: &Entry) -> bool {
        e.source == PrecomptaSource::Manual
    }

    pub fn method(&self, e: &Entry) -> &'static str {
        e.payment_method
            .map(super::invoices::method_label)
            .unwrap_or("")
    }

    /// Gauge width, capped at 100.
    pub fn width(&self, pct: impl std::borrow::Borrow<f64>) -> String {
        format!("{:.0}", pct.borrow().clamp(0.0, 100.0))
    }

    pub fn pct(&self, pct: impl std::borrow::Borrow<f64>) -> String {
        format!("{:.1}", pct.borrow()).replace('.', ",")
    }
}

pub async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(q): Query<YearQuery>,
) -> Result<Response> {
    api::ensure_config(&state, &user).await?;
    let year = q
        .annee
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(|| pb::this_year(Utc::now()));
    let mut conn = state.pool.acquire().await?;
    let summary = pb::summary(&mut conn, user.id, year).await?;
    let filter = EntryFilter {
        from: NaiveDate::from_ymd_opt(year, 1, 1),
        to: NaiveDate::from_ymd_opt(year, 12, 31),
        ..Default::default()
    };
    let (entries, _, totals) = pb::entries(&mut conn, user.id, &filter, 1, 100).await?;
    let franchise = pb::config(&mut conn, user.id).await?.vat_scheme == VatScheme::Franchise;
    let p = PrecomptaPage {
        layout: ctx.layout(
            &state,
            "Pré-comptabilité",
            "Livre des recettes, dépenses et seuils.",
        ),
        year,
        summary,
        entries,
        totals,
        today: spymeo_core::domain::paris_date(Utc::now()),
        franchise,
    };
    Ok(render(StatusCode::OK, &p))
}

/// A manual entry from the form, with an optional receipt in the same multipart body.
pub async fn entry_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    multipart: Multipart,
) -> Result<Response> {
    let outcome = async {
        let (fields, file) = read_upload(multipart, RECEIPT_MAX_BYTES).await?;
        let get = |k: &str| fields.get(k).map(|v| v.trim()).unwrap_or_default();
        let kind: PrecomptaType = get("type")
            .parse()
            .map_err(|_| invalid("type", "Type d'écriture inconnu"))?;
        let entry = ManualEntry {
            entry_date: get("entry_date")
                .parse()
                .map_err(|_| invalid("entryDate", "Date invalide"))?,
            kind,
            label: get("label").to_owned(),
            counterparty: Some(get("counterparty").to_owned()).filter(|s| !s.is_empty()),
            category: Some(get("category").to_owned()).filter(|s| !s.is_empty()),
            piece_ref: Some(get("piece_ref").to_owned()).filter(|s| !s.is_empty()),
            amount_ttc_cents: parse_euros(get("amount"))
                .ok_or_else(|| invalid("amountTtcCents", "Montant en euros, par exemple 42,50"))?,
            vat_rate_bp: get("vat_rate_bp").parse().ok().filter(|r| *r > 0),
            payment_method: get("payment_method").parse::<PaymentMethod>().ok(),
            receipt_document_id: None,
        };
        let mut conn = state.pool.acquire().await?;
        let id = precompta::add_manual_entry(&mut conn, user.id, &entry, Utc::now()).await?;
        drop(conn);
        if file.is_some() {
            api::store_receipt(&state, &user, file, Some(id)).await?;
        }
        Ok(format!("Écriture « {} » enregistrée.", entry.label))
    }
    .await;
    Ok(back(PAGE, outcome))
}

pub async fn entry_delete_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response> {
    let mut conn = state.pool.acquire().await?;
    let outcome = pb::delete_manual(&mut conn, user.id, id)
        .await
        .map(|()| "Écriture supprimée.".to_owned())
        .map_err(Into::into);
    Ok(back(PAGE, outcome))
}

pub async fn receipt(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response> {
    api::get_receipt(State(state), user, Path(id)).await
}

#[derive(Template)]
#[template(path = "practitioner/precompta_config.html")]
pub struct ConfigPage {
    pub layout: Layout,
    pub c: FullConfig,
}

impl ConfigPage {
    pub fn v(&self, value: &Option<String>) -> String {
        value.clone().unwrap_or_default()
    }

    pub fn euros_of(&self, cents: impl std::borrow::Borrow<i64>) -> String {
        euros_input(i32::try_from(*cents.borrow() / 100).unwrap_or(0) * 100)
    }

    pub fn social_pct(&self) -> String {
        format!("{}", f64::from(self.c.social_rate_bp) / 100.0).replace('.', ",")
    }
}

pub async fn config_page(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
) -> Result<Response> {
    api::ensure_config(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    let c = pb::config(&mut conn, user.id).await?;
    let p = ConfigPage {
        layout: ctx.layout(
            &state,
            "Configuration de la pré-compta",
            "Statut, TVA, seuils.",
        ),
        c,
    };
    Ok(render(StatusCode::OK, &p))
}

pub async fn config_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let outcome = async {
        let euros_field = |name: &'static str| -> Result<i64> {
            parse_euros(field(&form, name))
                .map(i64::from)
                .ok_or_else(|| invalid(name, "Montant en euros"))
        };
        let social: f64 = field(&form, "social_rate_pct")
            .replace(',', ".")
            .parse()
            .map_err(|_| invalid("socialRateBp", "Taux en pourcentage, par exemple 21,2"))?;
        let body = ConfigBody {
            legal_status: field(&form, "legal_status")
                .parse()
                .map_err(|_| invalid("legalStatus", "Statut inconnu"))?,
            vat_scheme: field(&form, "vat_scheme")
                .parse()
                .map_err(|_| invalid("vatScheme", "Régime de TVA inconnu"))?,
            default_vat_rate_bp: field(&form, "default_vat_rate_bp").parse().unwrap_or(0),
            social_rate_bp: (social * 100.0).round() as i16,
            revenue_threshold_cents: euros_field("revenue_threshold")?,
            vat_franchise_threshold_cents: euros_field("vat_franchise_threshold")?,
            vat_number: Some(field(&form, "vat_number").to_owned()),
            declaration_periodicity: Some(field(&form, "declaration_periodicity").to_owned())
                .filter(|s| !s.is_empty()),
            iban: Some(field(&form, "iban").to_owned()),
            bic: Some(field(&form, "bic").to_owned()),
            bank_name: Some(field(&form, "bank_name").to_owned()),
            invoice_payment_terms: Some(field(&form, "invoice_payment_terms").to_owned()),
            invoice_late_penalty_text: Some(field(&form, "invoice_late_penalty_text").to_owned()),
        };
        api::save_config(&state, &user, &body).await?;
        Ok("Configuration enregistrée.".to_owned())
    }
    .await;
    Ok(back(&format!("{PAGE}/config"), outcome))
}
