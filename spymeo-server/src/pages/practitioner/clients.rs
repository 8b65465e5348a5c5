//! `/pro/praticien/fiches-clients` (search, pagination, new file), the client file with its
//! tabs (identité, antécédents, consultations, rendez-vous, documents, factures) and the
//! consultation editor `/pro/praticien/consultations/{cid}`.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, Utc};
use spymeo_core::db::client_files::{
    self as cf, Antecedent, ClientDocument, ClientRow, Consultation,
};
use spymeo_core::db::clients::NewAntecedent;
use spymeo_core::db::invoice_views::{self as iv, InvoiceSummary};
use spymeo_core::db::practitioner_agenda::{self as pa, Event};
use spymeo_core::domain::AntecedentCategory;
use uuid::Uuid;

use super::{back, field, invalid, paris_instant};
use crate::api::agenda::practitioner_id;
use crate::api::clients::{
    self as api, CLIENT_DOC_MAX_BYTES, ClientBody, ConsultationBody, PageQuery,
};
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::pages::{Ctx, Layout, euros, render};
use crate::state::AppState;

const LIST: &str = "/pro/praticien/fiches-clients";

pub const CATEGORIES: &[(&str, &str)] = &[
    ("MEDICAL", "Médical"),
    ("SURGICAL", "Chirurgical"),
    ("FAMILY", "Familial"),
    ("ALLERGY", "Allergie"),
    ("TREATMENT", "Traitement"),
    ("LIFESTYLE", "Hygiène de vie"),
    ("OTHER", "Autre"),
];

pub fn category_label(c: &AntecedentCategory) -> &'static str {
    CATEGORIES
        .iter()
        .find(|(k, _)| *k == c.as_str())
        .map(|(_, l)| *l)
        .unwrap_or("Autre")
}

#[derive(Template)]
#[template(path = "practitioner/clients.html")]
pub struct ListPage {
    pub layout: Layout,
    pub items: Vec<ClientRow>,
    pub q: String,
    pub archived: bool,
    pub page: i64,
    pub pages: i64,
    pub total: i64,
}

impl ListPage {
    pub fn page_url(&self, page: impl std::borrow::Borrow<i64>) -> String {
        let page = *page.borrow();
        format!(
            "{LIST}?q={}&archived={}&page={page}",
            crate::auth::access::urlencode(&self.q),
            self.archived
        )
    }
}

pub async fn list_page(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> Result<Response> {
    let query = api::client_query(&PageQuery {
        limit: Some(20),
        ..q
    })?;
    let pid = practitioner_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    let (items, total) = cf::list(&mut conn, pid, &query, Utc::now()).await?;
    let page = ListPage {
        layout: ctx.layout(
            &state,
            "Fiches clients",
            "Vos clients, leurs consultations et documents.",
        ),
        items,
        q: query.q.clone().unwrap_or_default(),
        archived: query.archived,
        page: query.page,
        pages: ((total + query.limit - 1) / query.limit).max(1),
        total,
    };
    Ok(render(StatusCode::OK, &page))
}

fn opt(form: &[(String, String)], name: &str) -> Option<Option<String>> {
    form.iter()
        .any(|(k, _)| k == name)
        .then(|| Some(field(form, name).to_owned()).filter(|v| !v.is_empty()))
}

fn client_body(form: &[(String, String)]) -> Result<ClientBody> {
    let birth = match opt(form, "birth_date") {
        Some(Some(d)) => {
            Some(Some(d.parse::<NaiveDate>().map_err(|_| {
                invalid("birthDate", "Date de naissance invalide")
            })?))
        }
        Some(None) => Some(None),
        None => None,
    };
    Ok(ClientBody {
        first_name: Some(field(form, "first_name").to_owned()),
        last_name: Some(field(form, "last_name").to_owned()),
        company_name: opt(form, "company_name"),
        email: opt(form, "email"),
        phone: opt(form, "phone"),
        birth_date: birth,
        address_line: opt(form, "address_line"),
        city: opt(form, "city"),
        postal_code: opt(form, "postal_code"),
        notes: opt(form, "notes"),
        archived: None,
    })
}

pub async fn create_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let pid = practitioner_id(&state, &user).await?;
    let created = async {
        let body = client_body(&form)?;
        api::create_client(&state, pid, &body).await
    }
    .await;
    Ok(match created {
        Ok(id) => back(&format!("{LIST}/{id}"), Ok("Fiche client créée.".into())),
        Err(e) => back(LIST, Err(e)),
    })
}

#[derive(Template)]
#[template(path = "practitioner/client.html")]
pub struct ClientPage {
    pub layout: Layout,
    pub c: ClientRow,
    pub antecedents: Vec<Antecedent>,
    pub consultations: Vec<Consultation>,
    pub appointments: Vec<Event>,
    pub documents: Vec<ClientDocument>,
    pub invoices: Vec<InvoiceSummary>,
}

impl ClientPage {
    pub fn v(&self, value: &Option<String>) -> String {
        value.clone().unwrap_or_default()
    }

    pub fn money(&self, cents: impl std::borrow::Borrow<i64>) -> String {
        euros(*cents.borrow())
    }

    pub fn ttc(&self, i: &InvoiceSummary) -> String {
        euros(i.total_ttc_cents.into())
    }

    pub fn size(&self, d: &ClientDocument) -> String {
        match d.size_bytes {
            Some(b) if b >= 1024 * 1024 => format!("{:.1} Mo", b as f64 / 1_048_576.0),
            Some(b) => format!("{} ko", (b + 1023) / 1024),
            None => String::new(),
        }
    }
}

pub async fn client_page(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response> {
    let pid = practitioner_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    let c = cf::get(&mut conn, pid, id, Utc::now()).await?;
    let antecedents = cf::antecedents(&mut conn, pid, id).await?;
    let (consultations, _) = cf::consultations(&mut conn, pid, id, 1, 100).await?;
    let appointments = pa::client_events(&mut conn, pid, id).await?;
    let documents = cf::documents(&mut conn, pid, id).await?;
    let invoices = iv::for_client(&mut conn, pid, id).await?;
    let page = ClientPage {
        layout: ctx.layout(
            &state,
            &format!("{} {}", c.first_name, c.last_name),
            "Fiche client.",
        ),
        c,
        antecedents,
        consultations,
        appointments,
        documents,
        invoices,
    };
    Ok(render(StatusCode::OK, &page))
}

pub async fn update_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let pid = practitioner_id(&state, &user).await?;
    let outcome = async {
        let body = client_body(&form)?;
        api::update_client(&state, pid, id, &body).await?;
        Ok("Fiche enregistrée.".to_owned())
    }
    .await;
    Ok(back(&format!("{LIST}/{id}"), outcome))
}

pub async fn archive_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let pid = practitioner_id(&state, &user).await?;
    let archived = field(&form, "archived") == "1";
    let body = ClientBody {
        archived: Some(archived),
        ..Default::default()
    };
    let outcome = api::update_client(&state, pid, id, &body).await.map(|()| {
        if archived {
            "Fiche archivée.".to_owned()
        } else {
            "Fiche réactivée.".to_owned()
        }
    });
    Ok(back(&format!("{LIST}/{id}"), outcome))
}

pub async fn delete_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response> {
    let pid = practitioner_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    Ok(match cf::delete(&mut conn, pid, id).await {
        Ok(()) => back(LIST, Ok("Fiche supprimée.".into())),
        Err(e) => back(&format!("{LIST}/{id}"), Err(e.into())),
    })
}

pub async fn antecedent_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let pid = practitioner_id(&state, &user).await?;
    let outcome = async {
        let since_year = match field(&form, "since_year") {
            "" => None,
            y => Some(
                y.parse::<i16>()
                    .map_err(|_| invalid("sinceYear", "Année invalide"))?,
            ),
        };
        let mut conn = state.pool.acquire().await?;
        cf::create_antecedent(
            &mut conn,
            pid,
            id,
            &NewAntecedent {
                category: field(&form, "category")
                    .parse()
                    .unwrap_or(AntecedentCategory::Other),
                label: field(&form, "label").to_owned(),
                details: Some(field(&form, "details").to_owned()).filter(|d| !d.is_empty()),
                since_year,
            },
            Utc::now(),
        )
        .await?;
        Ok("Antécédent ajouté.".to_owned())
    }
    .await;
    Ok(back(&format!("{LIST}/{id}#antecedents"), outcome))
}

pub async fn antecedent_delete_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(aid): Path<Uuid>,
) -> Result<Response> {
    let pid = practitioner_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    let a = cf::antecedent(&mut conn, pid, aid).await?;
    let outcome = cf::delete_antecedent(&mut conn, pid, aid)
        .await
        .map(|()| "Antécédent supprimé.".to_owned())
        .map_err(Into::into);
    Ok(back(
        &format!("{LIST}/{}#antecedents", a.client_id),
        outcome,
    ))
}

pub async fn consultation_create_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let pid = practitioner_id(&state, &user).await?;
    let created = async {
        let date: NaiveDate = field(&form, "date")
            .parse()
            .map_err(|_| invalid("date", "Date invalide"))?;
        let at = paris_instant(date, field(&form, "time"))
            .ok_or_else(|| invalid("time", "Heure invalide (HH:MM)"))?;
        let mut conn = state.pool.acquire().await?;
        cf::get(&mut conn, pid, id, Utc::now()).await?;
        let cid = spymeo_core::db::clients::create_consultation(
            &mut conn,
            pid,
            &spymeo_core::db::clients::NewConsultation {
                client_id: id,
                appointment_id: None,
                occurred_at: at,
                motif: field(&form, "motif").to_owned(),
                notes: None,
                recommendations: None,
                duration_min: field(&form, "duration_min").parse().ok(),
                price_cents: super::agenda::parse_euros(field(&form, "price")).filter(|c| *c > 0),
            },
            Utc::now(),
        )
        .await?;
        Ok::<_, crate::error::Error>(cid)
    }
    .await;
    Ok(match created {
        Ok(cid) => back(
            &format!("/pro/praticien/consultations/{cid}"),
            Ok("Consultation créée.".into()),
        ),
        Err(e) => back(&format!("{LIST}/{id}#consultations"), Err(e)),
    })
}

pub async fn document_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    multipart: Multipart,
) -> Result<Response> {
    let pid = practitioner_id(&state, &user).await?;
    let outcome = async {
        let (fields, file) = api::read_upload(multipart, CLIENT_DOC_MAX_BYTES).await?;
        api::upload_client_doc(&state, &user, pid, id, &fields, file).await?;
        Ok("Document ajouté.".to_owned())
    }
    .await;
    Ok(back(&format!("{LIST}/{id}#documents"), outcome))
}

pub async fn document_download(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(doc): Path<Uuid>,
) -> Result<Response> {
    api::download_doc(State(state), user, Path(doc)).await
}

pub async fn document_delete_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(doc): Path<Uuid>,
) -> Result<Response> {
    let pid = practitioner_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    let (_, client) = cf::document(&mut conn, pid, doc).await?;
    drop(conn);
    api::delete_doc(State(state), user, Path(doc)).await?;
    Ok(back(
        &format!("{LIST}/{client}#documents"),
        Ok("Document supprimé.".into()),
    ))
}

#[derive(Template)]
#[template(path = "practitioner/consultation.html")]
pub struct ConsultationPage {
    pub layout: Layout,
    pub k: Consultation,
}

impl ConsultationPage {
    pub fn v(&self, value: &Option<String>) -> String {
        value.clone().unwrap_or_default()
    }

    pub fn price_input(&self) -> String {
        self.k
            .price_cents
            .map(super::agenda::euros_input)
            .unwrap_or_default()
    }

    pub fn local_date(&self) -> String {
        super::paris_day(self.k.occurred_at).to_string()
    }
}

pub async fn consultation_page(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(cid): Path<Uuid>,
) -> Result<Response> {
    let pid = practitioner_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    let k = cf::consultation(&mut conn, pid, cid).await?;
    let page = ConsultationPage {
        layout: ctx.layout(
            &state,
            &format!("Consultation – {}", k.client_name),
            "Notes de consultation.",
        ),
        k,
    };
    Ok(render(StatusCode::OK, &page))
}

pub async fn consultation_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(cid): Path<Uuid>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let pid = practitioner_id(&state, &user).await?;
    let outcome = async {
        let occurred_at = match (field(&form, "date"), field(&form, "time")) {
            ("", _) | (_, "") => None,
            (d, t) => Some(
                paris_instant(d.parse().map_err(|_| invalid("date", "Date invalide"))?, t)
                    .ok_or_else(|| invalid("time", "Heure invalide (HH:MM)"))?,
            ),
        };
        let price = field(&form, "price");
        let body = ConsultationBody {
            occurred_at,
            motif: Some(field(&form, "motif").to_owned()),
            notes: Some(field(&form, "notes").to_owned()),
            recommendations: Some(field(&form, "recommendations").to_owned()),
            duration_min: field(&form, "duration_min").parse().ok(),
            price_cents: if price.is_empty() {
                None
            } else {
                Some(
                    super::agenda::parse_euros(price)
                        .ok_or_else(|| invalid("price", "Prix en euros"))?,
                )
            },
            appointment_id: None,
        };
        api::update_consultation(&state, pid, cid, &body).await?;
        Ok("Consultation enregistrée.".to_owned())
    }
    .await;
    Ok(back(&format!("/pro/praticien/consultations/{cid}"), outcome).into_response())
}
