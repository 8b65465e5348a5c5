//! `/pro/praticien/factures` (list with filters) and `/pro/praticien/factures/{id}` (draft
//! editor, issue, payment, credit note, PDF), plus invoice creation from a consultation or
//! a client file.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use spymeo_core::db::client_files as cf;
use spymeo_core::db::invoice_views::{self as iv, Invoice, InvoiceFilter, InvoiceSummary, Line};
use spymeo_core::db::invoices;
use spymeo_core::domain::{InvoiceKind, InvoiceStatus, PaymentMethod, paris_date};
use uuid::Uuid;

use super::agenda::{euros_input, parse_euros};
use super::{back, field, invalid, paris_instant};
use crate::api::agenda::practitioner_id;
use crate::api::invoices::{self as api, DraftBody, DraftPatch, LineBody};
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::pages::{Ctx, Layout, euros, render};
use crate::state::AppState;

const LIST: &str = "/pro/praticien/factures";

pub const METHODS: &[(&str, &str)] = &[
    ("CARD", "Carte bancaire"),
    ("CASH", "Espèces"),
    ("CHEQUE", "Chèque"),
    ("TRANSFER", "Virement"),
    ("OTHER", "Autre"),
];

pub fn method_label(m: PaymentMethod) -> &'static str {
    METHODS
        .iter()
        .find(|(k, _)| *k == m.as_str())
        .map(|(_, l)| *l)
        .unwrap_or("Autre")
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    pub annee: Option<i16>,
    pub statut: Option<String>,
    pub q: Option<String>,
    pub page: Option<i64>,
}

#[derive(Template)]
#[template(path = "practitioner/invoices.html")]
pub struct ListPage {
    pub layout: Layout,
    pub items: Vec<InvoiceSummary>,
    pub year: Option<i16>,
    pub status: String,
    pub q: String,
    pub page: i64,
    pub pages: i64,
}

impl ListPage {
    pub fn ttc(&self, i: &InvoiceSummary) -> String {
        euros(i.total_ttc_cents.into())
    }

    pub fn page_url(&self, page: impl std::borrow::Borrow<i64>) -> String {
        format!(
            "{LIST}?annee={}&statut={}&q={}&page={}",
            self.year.map(|y| y.to_string()).unwrap_or_default(),
            self.status,
            crate::auth::access::urlencode(&self.q),
            page.borrow()
        )
    }
}

pub async fn list_page(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response> {
    let pid = practitioner_id(&state, &user).await?;
    let page = q.page.unwrap_or(1).max(1);
    let status = q.statut.clone().unwrap_or_default();
    let filter = InvoiceFilter {
        year: q.annee,
        status: status.parse().ok(),
        client_id: None,
        q: q.q.clone(),
    };
    let mut conn = state.pool.acquire().await?;
    let (items, total) =
        iv::list(&mut conn, pid, &filter, paris_date(Utc::now()), page, 25).await?;
    let p = ListPage {
        layout: ctx.layout(&state, "Factures", "Factures et avoirs."),
        items,
        year: q.annee,
        status,
        q: q.q.unwrap_or_default(),
        page,
        pages: ((total + 24) / 25).max(1),
    };
    Ok(render(StatusCode::OK, &p))
}

#[derive(Template)]
#[template(path = "practitioner/invoice.html")]
pub struct InvoicePage {
    pub layout: Layout,
    pub inv: Invoice,
    pub lines: Vec<Line>,
    pub today: NaiveDate,
}

impl InvoicePage {
    pub fn is_draft(&self) -> bool {
        self.inv.status == InvoiceStatus::Draft
    }

    pub fn can_pay(&self) -> bool {
        self.inv.kind == InvoiceKind::Invoice && self.inv.status == InvoiceStatus::Issued
    }

    pub fn can_credit(&self) -> bool {
        self.inv.kind == InvoiceKind::Invoice
            && matches!(self.inv.status, InvoiceStatus::Issued | InvoiceStatus::Paid)
            && self.inv.credit_note_id.is_none()
    }

    pub fn money(&self, cents: impl std::borrow::Borrow<i32>) -> String {
        euros((*cents.borrow()).into())
    }

    pub fn price_input(&self, l: &Line) -> String {
        euros_input(l.unit_price_ht_cents)
    }

    pub fn qty(&self, l: &Line) -> String {
        l.quantity
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_owned()
    }

    pub fn date(&self, d: &Option<NaiveDate>) -> String {
        d.map(super::fr_date).unwrap_or_else(|| "—".into())
    }

    pub fn input_date(&self, d: &Option<NaiveDate>) -> String {
        d.map(|d| d.to_string()).unwrap_or_default()
    }

    pub fn title(&self) -> String {
        let kind = if self.inv.kind == InvoiceKind::Invoice {
            "Facture"
        } else {
            "Avoir"
        };
        match &self.inv.number {
            Some(n) => format!("{kind} {n}"),
            None => format!("{kind} — brouillon"),
        }
    }

    pub fn method(&self) -> &'static str {
        self.inv.payment_method.map(method_label).unwrap_or("")
    }
}

pub async fn invoice_page(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response> {
    let pid = practitioner_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    let (inv, lines) = iv::get(&mut conn, pid, id).await?;
    let page = InvoicePage {
        layout: ctx.layout(&state, "Facture", "Facture."),
        inv,
        lines,
        today: paris_date(Utc::now()),
    };
    Ok(render(StatusCode::OK, &page))
}

fn here(id: Uuid) -> String {
    format!("{LIST}/{id}")
}

/// Lines from the editor rows `l{i}_label`, `l{i}_qty`, `l{i}_price` (€ HT), `l{i}_vat`;
/// rows with an empty label are dropped.
fn lines_from_form(form: &[(String, String)]) -> Result<Vec<LineBody>> {
    let mut out = Vec::new();
    for i in 0..50 {
        let label = field(form, &format!("l{i}_label"));
        if label.is_empty() {
            if !form.iter().any(|(k, _)| k.starts_with(&format!("l{i}_"))) {
                break;
            }
            continue;
        }
        let quantity = field(form, &format!("l{i}_qty")).replace(',', ".");
        out.push(LineBody {
            label: label.to_owned(),
            quantity: if quantity.is_empty() {
                1.0
            } else {
                quantity
                    .parse()
                    .map_err(|_| invalid("lines", "Quantité invalide"))?
            },
            unit_price_ht_cents: parse_euros(field(form, &format!("l{i}_price"))).ok_or_else(
                || invalid("lines", "Prix unitaire en euros, par exemple 60 ou 45,50"),
            )?,
            vat_rate_bp: field(form, &format!("l{i}_vat")).parse().unwrap_or(0),
        });
    }
    Ok(out)
}

fn date_opt(form: &[(String, String)], name: &'static str) -> Result<Option<NaiveDate>> {
    match field(form, name) {
        "" => Ok(None),
        d => d
            .parse()
            .map(Some)
            .map_err(|_| invalid(name, "Date invalide")),
    }
}

pub async fn save_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let pid = practitioner_id(&state, &user).await?;
    let outcome = async {
        let patch = DraftPatch {
            service_date: date_opt(&form, "service_date")?,
            due_date: date_opt(&form, "due_date")?,
            notes: Some(field(&form, "notes").to_owned()),
            lines: Some(lines_from_form(&form)?),
        };
        api::update_draft(&state, pid, id, &patch).await?;
        if field(&form, "action") == "issue" {
            let mut conn = state.pool.acquire().await?;
            let issued = invoices::issue(&mut conn, pid, id, Utc::now()).await?;
            return Ok(format!("Facture {} émise.", issued.number));
        }
        Ok("Brouillon enregistré.".to_owned())
    }
    .await;
    Ok(back(&here(id), outcome))
}

pub async fn issue_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response> {
    let pid = practitioner_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    let outcome = invoices::issue(&mut conn, pid, id, Utc::now())
        .await
        .map(|i| format!("Facture {} émise.", i.number))
        .map_err(Into::into);
    Ok(back(&here(id), outcome))
}

pub async fn paid_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let pid = practitioner_id(&state, &user).await?;
    let outcome = async {
        let method: PaymentMethod = field(&form, "payment_method")
            .parse()
            .map_err(|_| invalid("paymentMethod", "Choisissez le mode de règlement"))?;
        let now = Utc::now();
        // A payment dated today is recorded now; an earlier date at noon, Paris time.
        let paid_at = match date_opt(&form, "paid_on")? {
            Some(d) if d < paris_date(now) => paris_instant(d, "12:00").unwrap_or(now),
            _ => now,
        };
        let mut conn = state.pool.acquire().await?;
        invoices::mark_paid(&mut conn, pid, id, paid_at, method, now).await?;
        Ok("Paiement enregistré ; la recette est inscrite au livre des recettes.".to_owned())
    }
    .await;
    Ok(back(&here(id), outcome))
}

pub async fn credit_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let pid = practitioner_id(&state, &user).await?;
    let created = async {
        let reason = field(&form, "reason");
        if reason.is_empty() {
            return Err(invalid("reason", "Indiquez le motif de l'avoir"));
        }
        let mut conn = state.pool.acquire().await?;
        let (avoir, issued) = invoices::credit_note(
            &mut conn,
            pid,
            id,
            reason,
            field(&form, "refund_method").parse().ok(),
            Utc::now(),
        )
        .await?;
        Ok((avoir, issued.number))
    }
    .await;
    Ok(match created {
        Ok((avoir, number)) => back(
            &here(avoir),
            Ok(format!("Avoir {number} émis ; la facture est annulée.")),
        ),
        Err(e) => back(&here(id), Err(e)),
    })
}

pub async fn delete_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response> {
    let pid = practitioner_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    Ok(match invoices::delete_draft(&mut conn, pid, id).await {
        Ok(()) => back(LIST, Ok("Brouillon supprimé.".into())),
        Err(e) => back(&here(id), Err(e.into())),
    })
}

pub async fn pdf(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response> {
    let pid = practitioner_id(&state, &user).await?;
    api::pdf_response(&state, pid, id).await
}

/// "Créer la facture" of the consultation editor: a draft with one line (motif, price).
pub async fn from_consultation_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(cid): Path<Uuid>,
) -> Result<Response> {
    let pid = practitioner_id(&state, &user).await?;
    let created = async {
        let mut conn = state.pool.acquire().await?;
        let k = cf::consultation(&mut conn, pid, cid).await?;
        drop(conn);
        let label = match k.duration_min {
            Some(d) => format!("{} – {d} min", k.motif),
            None => k.motif.clone(),
        };
        api::create_draft(
            &state,
            pid,
            k.client_id,
            &DraftBody {
                consultation_id: Some(cid),
                service_date: Some(paris_date(k.occurred_at)),
                due_date: None,
                lines: vec![LineBody {
                    label,
                    quantity: 1.0,
                    unit_price_ht_cents: k.price_cents.unwrap_or(0),
                    vat_rate_bp: 0,
                }],
                notes: None,
            },
        )
        .await
    }
    .await;
    Ok(match created {
        Ok(id) => back(&here(id), Ok("Brouillon de facture créé.".into())),
        Err(e) => back(&format!("/pro/praticien/consultations/{cid}"), Err(e)),
    })
}

/// "Nouvelle facture" of a client file: an empty draft.
pub async fn from_client_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(client): Path<Uuid>,
) -> Result<Response> {
    let pid = practitioner_id(&state, &user).await?;
    let body = DraftBody {
        consultation_id: None,
        service_date: None,
        due_date: None,
        lines: Vec::new(),
        notes: None,
    };
    Ok(match api::create_draft(&state, pid, client, &body).await {
        Ok(id) => back(&here(id), Ok("Brouillon de facture créé.".into())),
        Err(e) => back(
            &format!("/pro/praticien/fiches-clients/{client}#factures"),
            Err(e),
        ),
    })
}
