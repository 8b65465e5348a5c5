//! Client files (DOMAIN.md §6.8): `/api/clients*`, `/api/antecedents/*`,
//! `/api/consultations/*`, `/api/docs/*`. Health data: only the owning practitioner (the
//! route group is PRACTITIONER; admins get 403), other tenants' ids answer 404.

use std::collections::HashMap;

use axum::Json;
use axum::body::Body;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use spymeo_core::db::client_files::{
    self as cf, Antecedent, ClientDocument, ClientFields, ClientQuery, ClientRow, ClientSort,
    Consultation, ConsultationFields,
};
use spymeo_core::db::clients::{self, NewAntecedent, NewConsultation};
use spymeo_core::db::documents::{self, NewDocument};
use spymeo_core::domain::{AntecedentCategory, DocumentCategory};
use uuid::Uuid;

use super::agenda::practitioner_id;
use crate::api::input;
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::validate::Fields;

/// This module's part of the OpenAPI document (joined in `api::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list,
    create,
    get,
    patch,
    delete,
    list_antecedents,
    create_antecedent,
    patch_antecedent,
    delete_antecedent,
    list_consultations,
    create_consultation,
    get_consultation,
    patch_consultation,
    delete_consultation,
    list_docs,
    create_doc,
    get_doc,
    patch_doc,
    delete_doc,
    download_doc,
))]
pub struct ApiDoc;

/// What the handlers of this module write (`json!` builders) and the bodies whose rules differ
/// between creation and update, for the OpenAPI document.
pub mod doc {
    #![allow(dead_code)] // descriptions of what the `json!` builders write
    use chrono::{DateTime, NaiveDate, Utc};
    use serde::Serialize;
    use utoipa::ToSchema;
    use uuid::Uuid;

    /// Tri de la liste des clients.
    #[derive(Serialize, ToSchema)]
    pub enum ClientRecordSort {
        /// Par nom (défaut).
        #[serde(rename = "lastName")]
        LastName,
        /// Dernière consultation d'abord.
        #[serde(rename = "-lastVisitAt")]
        LastVisitDesc,
    }

    /// Catégorie d'antécédent.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub enum AntecedentCategory {
        Medical,
        Surgical,
        Family,
        Allergy,
        Treatment,
        Lifestyle,
        Other,
    }

    /// What `client_json` writes.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct ClientRecordOut {
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
        pub archived: bool,
        /// La fiche est liée à un compte SPYMEO (partage de documents possible).
        pub linked_user: bool,
        pub total_visits: i64,
        pub last_visit_at: Option<DateTime<Utc>>,
        pub next_appointment_at: Option<DateTime<Utc>>,
        /// Total des factures payées, TTC.
        pub total_spent_cents: i64,
    }

    /// What `get` writes: the client with its statistics.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct ClientRecordDetailOut {
        #[serde(flatten)]
        pub client: ClientRecordOut,
        pub stats: ClientRecordStats,
    }

    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct ClientRecordStats {
        pub total_visits: i64,
        pub last_visit_at: Option<DateTime<Utc>>,
        pub total_spent_cents: i64,
    }

    /// What `list` writes.
    #[derive(Serialize, ToSchema)]
    pub struct ClientRecordPage {
        pub items: Vec<ClientRecordOut>,
        pub page: i64,
        pub limit: i64,
        pub total: i64,
    }

    /// `POST /api/clients`: prénom et nom requis ; le reste comme `ClientBody`.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct ClientCreateBody {
        #[schema(min_length = 1, max_length = 80, pattern = "\\S")]
        pub first_name: String,
        #[schema(min_length = 1, max_length = 80, pattern = "\\S")]
        pub last_name: String,
        pub company_name: Option<String>,
        /// Unique parmi les clients du praticien (409 CLIENT_EMAIL_EXISTS).
        #[schema(format = Email, max_length = 254)]
        pub email: Option<String>,
        #[schema(pattern = "^\\+?[0-9 .()-]{6,20}$")]
        pub phone: Option<String>,
        /// Après le 1er janvier 1900, pas dans le futur.
        pub birth_date: Option<NaiveDate>,
        pub address_line: Option<String>,
        pub city: Option<String>,
        #[schema(pattern = "^[0-9]{5}$")]
        pub postal_code: Option<String>,
        #[schema(max_length = 10000)]
        pub notes: Option<String>,
        /// Ignoré à la création.
        pub archived: Option<bool>,
    }

    /// What `antecedent_json` writes.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct AntecedentOut {
        pub id: Uuid,
        pub client_id: Uuid,
        pub category: AntecedentCategory,
        pub label: String,
        pub details: Option<String>,
        pub since_year: Option<i16>,
    }

    /// `POST /api/clients/{id}/antecedents`: le libellé est requis.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct AntecedentCreateBody {
        /// Défaut : OTHER.
        pub category: Option<AntecedentCategory>,
        #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
        pub label: String,
        pub details: Option<String>,
        #[schema(minimum = 1900, maximum = 2100)]
        pub since_year: Option<i16>,
    }

    /// What `consultation_json` writes.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct ConsultationOut {
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
        /// La dernière facture faite depuis cette consultation.
        pub invoice_id: Option<Uuid>,
    }

    /// What `list_consultations` writes.
    #[derive(Serialize, ToSchema)]
    pub struct ConsultationPage {
        pub items: Vec<ConsultationOut>,
        pub page: i64,
        pub limit: i64,
        pub total: i64,
    }

    /// `POST /api/clients/{id}/consultations`: le motif est requis.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct ConsultationCreateBody {
        /// Défaut : maintenant.
        pub occurred_at: Option<DateTime<Utc>>,
        #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
        pub motif: String,
        #[schema(max_length = 50000)]
        pub notes: Option<String>,
        pub recommendations: Option<String>,
        #[schema(minimum = 1, maximum = 480)]
        pub duration_min: Option<i16>,
        #[schema(minimum = 0)]
        pub price_cents: Option<i32>,
        /// Un rendez-vous du praticien sans consultation (409 APPOINTMENT_ALREADY_HAS_CONSULTATION).
        pub appointment_id: Option<Uuid>,
    }

    /// What `document_json` writes.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct ClientDocOut {
        pub id: Uuid,
        pub title: String,
        #[schema(example = "application/pdf")]
        pub mime_type: String,
        /// Octets.
        pub size: Option<i64>,
        /// Partagé avec le compte SPYMEO lié à la fiche.
        pub shared_with_client: bool,
        pub uploaded_at: DateTime<Utc>,
        /// `/api/docs/{id}/download`.
        pub download_url: String,
    }

    /// What `get_doc` writes.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct ClientDocDetailOut {
        #[serde(flatten)]
        pub document: ClientDocOut,
        pub client_id: Uuid,
    }

    /// The multipart form of `create_doc`.
    #[derive(ToSchema)]
    #[schema(rename_all = "camelCase")]
    pub struct ClientDocUpload {
        /// PDF, JPEG ou PNG (reconnu à son contenu), 10 Mio au plus.
        #[schema(value_type = String, format = Binary)]
        pub file: Vec<u8>,
        /// Défaut : le nom du fichier ; 200 caractères au plus.
        #[schema(max_length = 200)]
        pub title: Option<String>,
        /// `true`, `1` ou `on` : partagé avec le compte lié au client.
        #[schema(example = "true")]
        pub share_with_client: Option<String>,
    }
}

/// Client documents: 10 MiB, PDF/JPEG/PNG recognised from their bytes.
pub const CLIENT_DOC_MAX_BYTES: usize = 10 * 1024 * 1024;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Recherche dans le nom, l'e-mail, le téléphone.
    pub q: Option<String>,
    /// true : les fiches archivées seulement (défaut false).
    pub archived: Option<bool>,
    #[param(value_type = Option<doc::ClientRecordSort>)]
    pub sort: Option<String>,
    /// Défaut 1.
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// Défaut 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// `page ≥ 1`, `1 ≤ limit ≤ 100` (§6.1), else 400.
pub fn paging(page: Option<i64>, limit: Option<i64>) -> Result<(i64, i64)> {
    let (page, limit) = (page.unwrap_or(1), limit.unwrap_or(20));
    let mut f = Fields::default();
    if page < 1 {
        f.add("page", "La page commence à 1");
    }
    if !(1..=100).contains(&limit) {
        f.add("limit", "Entre 1 et 100 éléments par page");
    }
    f.finish()?;
    Ok((page, limit))
}

pub fn client_json(c: &ClientRow) -> Value {
    json!({
        "id": c.id, "firstName": c.first_name, "lastName": c.last_name, "companyName": c.company_name,
        "email": c.email, "phone": c.phone, "birthDate": c.birth_date, "addressLine": c.address_line,
        "city": c.city, "postalCode": c.postal_code, "notes": c.notes, "archived": c.archived_at.is_some(),
        "linkedUser": c.linked_user, "totalVisits": c.total_visits, "lastVisitAt": c.last_visit_at,
        "nextAppointmentAt": c.next_appointment_at, "totalSpentCents": c.total_spent_cents,
    })
}

pub fn client_query(q: &PageQuery) -> Result<ClientQuery> {
    let (page, limit) = paging(q.page, q.limit)?;
    let sort = match q.sort.as_deref() {
        None | Some("lastName") => ClientSort::LastName,
        Some("-lastVisitAt") => ClientSort::LastVisitDesc,
        Some(_) => {
            let mut f = Fields::default();
            f.add("sort", "Tri possible : lastName ou -lastVisitAt");
            return Err(f.finish().unwrap_err());
        }
    };
    Ok(ClientQuery {
        q: q.q.clone(),
        archived: q.archived.unwrap_or(false),
        sort,
        page,
        limit,
    })
}

/// Les fiches clients du praticien, paginées.
#[utoipa::path(get, path = "/api/clients", tag = "clients",
    params(PageQuery),
    responses((status = 200, description = "Une page de clients", body = doc::ClientRecordPage)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> Result<Json<Value>> {
    let query = client_query(&q)?;
    let pid = practitioner_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    let (items, total) = cf::list(&mut conn, pid, &query, Utc::now()).await?;
    Ok(Json(json!({
        "items": items.iter().map(client_json).collect::<Vec<_>>(),
        "page": query.page, "limit": query.limit, "total": total,
    })))
}

/// A present field, even `null`: `Some(None)` (serde alone folds `null` into "absent").
fn present<'de, D, T>(d: D) -> std::result::Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

/// Absent: unchanged; `null` or "": cleared.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClientBody {
    #[schema(min_length = 1, max_length = 80, pattern = "\\S")]
    pub first_name: Option<String>,
    #[schema(min_length = 1, max_length = 80, pattern = "\\S")]
    pub last_name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, nullable)]
    pub company_name: Option<Option<String>>,
    /// Unique parmi les clients du praticien (409 CLIENT_EMAIL_EXISTS).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, nullable, format = Email, max_length = 254)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, nullable, pattern = "^\\+?[0-9 .()-]{6,20}$")]
    pub phone: Option<Option<String>>,
    /// Après le 1er janvier 1900, pas dans le futur.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<NaiveDate>, nullable)]
    pub birth_date: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, nullable)]
    pub address_line: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, nullable)]
    pub city: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, nullable, pattern = "^[0-9]{5}$")]
    pub postal_code: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, nullable, max_length = 10000)]
    pub notes: Option<Option<String>>,
    /// Archive (true) ou désarchive (false) la fiche.
    pub archived: Option<bool>,
}

fn clean(v: &Option<Option<String>>, current: &Option<String>) -> Option<String> {
    match v {
        None => current.clone(),
        Some(v) => v
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
    }
}

/// Merges a body into `current` and checks the result (French per-field messages).
pub fn merge(body: &ClientBody, current: &ClientFields) -> Result<ClientFields> {
    let mut f = Fields::default();
    let first_name = f.name(
        "firstName",
        body.first_name.as_deref().unwrap_or(&current.first_name),
    );
    let last_name = f.name(
        "lastName",
        body.last_name.as_deref().unwrap_or(&current.last_name),
    );
    let email = clean(&body.email, &current.email).map(|e| f.email("email", &e));
    let phone = clean(&body.phone, &current.phone);
    if let Some(p) = &phone
        && (!(6..=20).contains(&p.len())
            || !p
                .chars()
                .all(|c| c.is_ascii_digit() || " .()+-".contains(c)))
    {
        f.add("phone", "Numéro de téléphone invalide");
    }
    let postal_code = clean(&body.postal_code, &current.postal_code);
    if let Some(pc) = &postal_code
        && !(pc.len() == 5 && pc.chars().all(|c| c.is_ascii_digit()))
    {
        f.add("postalCode", "Code postal invalide (5 chiffres)");
    }
    let birth_date = body.birth_date.unwrap_or(current.birth_date);
    if birth_date.is_some_and(|d| {
        d <= NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default() || d > Utc::now().date_naive()
    }) {
        f.add("birthDate", "Date de naissance invalide");
    }
    let notes = clean(&body.notes, &current.notes);
    if notes.as_ref().is_some_and(|n| n.chars().count() > 10_000) {
        f.add("notes", "10 000 caractères au maximum");
    }
    f.finish()?;
    Ok(ClientFields {
        first_name,
        last_name,
        company_name: clean(&body.company_name, &current.company_name),
        email,
        phone,
        birth_date,
        address_line: clean(&body.address_line, &current.address_line),
        city: clean(&body.city, &current.city),
        postal_code,
        notes,
    })
}

pub async fn create_client(state: &AppState, pid: Uuid, body: &ClientBody) -> Result<Uuid> {
    let f = merge(body, &ClientFields::default())?;
    let mut conn = state.pool.acquire().await?;
    Ok(clients::create_client(
        &mut conn,
        pid,
        &clients::NewClient {
            first_name: f.first_name,
            last_name: f.last_name,
            company_name: f.company_name,
            email: f.email,
            phone: f.phone,
            birth_date: f.birth_date,
            address_line: f.address_line,
            city: f.city,
            postal_code: f.postal_code,
            notes: f.notes,
            user_id: None,
        },
        Utc::now(),
    )
    .await?)
}

/// Crée une fiche client.
#[utoipa::path(post, path = "/api/clients", tag = "clients",
    request_body = doc::ClientCreateBody,
    responses(
        (status = 201, description = "Fiche créée", body = doc::ClientRecordOut),
        (status = 409, description = "Un client a déjà cette adresse (CLIENT_EMAIL_EXISTS)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    input::Body(body): input::Body<ClientBody>,
) -> Result<(StatusCode, Json<Value>)> {
    let pid = practitioner_id(&state, &user).await?;
    let id = create_client(&state, pid, &body).await?;
    let mut conn = state.pool.acquire().await?;
    let c = cf::get(&mut conn, pid, id, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(client_json(&c))))
}

/// Une fiche client avec ses statistiques.
#[utoipa::path(get, path = "/api/clients/{id}", tag = "clients",
    params(("id" = Uuid, Path, description = "Client")),
    responses((status = 200, description = "La fiche", body = doc::ClientRecordDetailOut)))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>> {
    let pid = practitioner_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    let c = cf::get(&mut conn, pid, id, Utc::now()).await?;
    let mut v = client_json(&c);
    v["stats"] = json!({"totalVisits": c.total_visits, "lastVisitAt": c.last_visit_at,
                        "totalSpentCents": c.total_spent_cents});
    Ok(Json(v))
}

pub async fn update_client(state: &AppState, pid: Uuid, id: Uuid, body: &ClientBody) -> Result<()> {
    let now = Utc::now();
    let mut tx = state.pool.begin().await?;
    let current = cf::get(&mut tx, pid, id, now).await?;
    let fields = merge(body, &ClientFields::from(&current))?;
    cf::update(&mut tx, pid, id, &fields, now).await?;
    if let Some(archived) = body.archived {
        clients::set_archived(&mut tx, pid, id, archived, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Modifie une fiche (champs absents inchangés, `null` ou "" effacent) ; archive/désarchive.
#[utoipa::path(patch, path = "/api/clients/{id}", tag = "clients",
    params(("id" = Uuid, Path, description = "Client")),
    request_body = ClientBody,
    responses(
        (status = 200, description = "La fiche modifiée", body = doc::ClientRecordOut),
        (status = 409, description = "Un client a déjà cette adresse (CLIENT_EMAIL_EXISTS)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn patch(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    input::Body(body): input::Body<ClientBody>,
) -> Result<Json<Value>> {
    let pid = practitioner_id(&state, &user).await?;
    update_client(&state, pid, id, &body).await?;
    let mut conn = state.pool.acquire().await?;
    Ok(Json(client_json(
        &cf::get(&mut conn, pid, id, Utc::now()).await?,
    )))
}

/// Supprime une fiche, ses antécédents, consultations et documents.
#[utoipa::path(delete, path = "/api/clients/{id}", tag = "clients",
    params(("id" = Uuid, Path, description = "Client")),
    responses(
        (status = 204, description = "Fiche supprimée"),
        (status = 409, description = "Le client a des factures : l'archiver (CLIENT_HAS_INVOICES)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    let pid = practitioner_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    // Files in the blob store go with their rows.
    let keys: Vec<String> = cf::documents(&mut conn, pid, id)
        .await?
        .into_iter()
        .filter_map(|d| d.storage_key)
        .collect();
    cf::delete(&mut conn, pid, id).await?;
    for key in keys {
        if let Err(e) = state.storage.delete(&key).await {
            tracing::warn!(error = %e, "client document file not deleted");
        }
    }
    Ok(StatusCode::NO_CONTENT)
}

pub fn antecedent_json(a: &Antecedent) -> Value {
    json!({"id": a.id, "clientId": a.client_id, "category": a.category, "label": a.label,
           "details": a.details, "sinceYear": a.since_year})
}

/// Les antécédents d'un client.
#[utoipa::path(get, path = "/api/clients/{id}/antecedents", tag = "clients",
    params(("id" = Uuid, Path, description = "Client")),
    responses((status = 200, description = "Antécédents", body = Vec<doc::AntecedentOut>)))]
pub async fn list_antecedents(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>> {
    let pid = practitioner_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    cf::get(&mut conn, pid, id, Utc::now()).await?;
    let items = cf::antecedents(&mut conn, pid, id).await?;
    Ok(Json(json!(
        items.iter().map(antecedent_json).collect::<Vec<_>>()
    )))
}

/// Champs absents : inchangés.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AntecedentBody {
    #[schema(value_type = Option<doc::AntecedentCategory>)]
    pub category: Option<AntecedentCategory>,
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub label: Option<String>,
    pub details: Option<String>,
    #[schema(minimum = 1900, maximum = 2100)]
    pub since_year: Option<i16>,
}

/// Ajoute un antécédent.
#[utoipa::path(post, path = "/api/clients/{id}/antecedents", tag = "clients",
    params(("id" = Uuid, Path, description = "Client")),
    request_body = doc::AntecedentCreateBody,
    responses((status = 201, description = "Antécédent créé", body = doc::AntecedentOut)))]
pub async fn create_antecedent(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    input::Body(b): input::Body<AntecedentBody>,
) -> Result<(StatusCode, Json<Value>)> {
    let pid = practitioner_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    let aid = cf::create_antecedent(
        &mut conn,
        pid,
        id,
        &NewAntecedent {
            category: b.category.unwrap_or(AntecedentCategory::Other),
            label: b.label.unwrap_or_default(),
            details: b.details.filter(|d| !d.trim().is_empty()),
            since_year: b.since_year,
        },
        Utc::now(),
    )
    .await?;
    let a = cf::antecedent(&mut conn, pid, aid).await?;
    Ok((StatusCode::CREATED, Json(antecedent_json(&a))))
}

/// Modifie un antécédent.
#[utoipa::path(patch, path = "/api/antecedents/{id}", tag = "clients",
    params(("id" = Uuid, Path, description = "Antécédent")),
    request_body = AntecedentBody,
    responses((status = 200, description = "Antécédent modifié", body = doc::AntecedentOut)))]
pub async fn patch_antecedent(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(aid): Path<Uuid>,
    input::Body(b): input::Body<AntecedentBody>,
) -> Result<Json<Value>> {
    let pid = practitioner_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    let a = cf::antecedent(&mut conn, pid, aid).await?;
    cf::update_antecedent(
        &mut conn,
        pid,
        aid,
        &NewAntecedent {
            category: b.category.unwrap_or(a.category),
            label: b.label.unwrap_or(a.label),
            details: b.details.or(a.details),
            since_year: b.since_year.or(a.since_year),
        },
    )
    .await?;
    Ok(Json(antecedent_json(
        &cf::antecedent(&mut conn, pid, aid).await?,
    )))
}

/// Supprime un antécédent.
#[utoipa::path(delete, path = "/api/antecedents/{id}", tag = "clients",
    params(("id" = Uuid, Path, description = "Antécédent")),
    responses((status = 204, description = "Antécédent supprimé")))]
pub async fn delete_antecedent(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(aid): Path<Uuid>,
) -> Result<StatusCode> {
    let pid = practitioner_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    cf::delete_antecedent(&mut conn, pid, aid).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn consultation_json(c: &Consultation) -> Value {
    json!({"id": c.id, "clientId": c.client_id, "clientName": c.client_name, "appointmentId": c.appointment_id,
           "occurredAt": c.occurred_at, "motif": c.motif, "notes": c.notes, "recommendations": c.recommendations,
           "durationMin": c.duration_min, "priceCents": c.price_cents, "invoiceId": c.invoice_id})
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// Défaut 1.
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// Défaut 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// Les consultations d'un client, les plus récentes d'abord.
#[utoipa::path(get, path = "/api/clients/{id}/consultations", tag = "clients",
    params(("id" = Uuid, Path, description = "Client"), Paging),
    responses((status = 200, description = "Une page de consultations", body = doc::ConsultationPage)))]
pub async fn list_consultations(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Query(p): Query<Paging>,
) -> Result<Json<Value>> {
    let (page, limit) = paging(p.page, p.limit)?;
    let pid = practitioner_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    cf::get(&mut conn, pid, id, Utc::now()).await?;
    let (items, total) = cf::consultations(&mut conn, pid, id, page, limit).await?;
    Ok(Json(
        json!({"items": items.iter().map(consultation_json).collect::<Vec<_>>(),
                   "page": page, "limit": limit, "total": total}),
    ))
}

/// Champs absents : inchangés ; `notes`/`recommendations` "" effacent.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConsultationBody {
    pub occurred_at: Option<DateTime<Utc>>,
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub motif: Option<String>,
    #[schema(max_length = 50000)]
    pub notes: Option<String>,
    pub recommendations: Option<String>,
    #[schema(minimum = 1, maximum = 480)]
    pub duration_min: Option<i16>,
    #[schema(minimum = 0)]
    pub price_cents: Option<i32>,
    /// Ignoré en modification.
    pub appointment_id: Option<Uuid>,
}

/// Ajoute une consultation à la fiche.
#[utoipa::path(post, path = "/api/clients/{id}/consultations", tag = "clients",
    params(("id" = Uuid, Path, description = "Client")),
    request_body = doc::ConsultationCreateBody,
    responses(
        (status = 201, description = "Consultation créée", body = doc::ConsultationOut),
        (status = 409, description = "Ce rendez-vous a déjà une consultation (APPOINTMENT_ALREADY_HAS_CONSULTATION)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn create_consultation(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    input::Body(b): input::Body<ConsultationBody>,
) -> Result<(StatusCode, Json<Value>)> {
    let pid = practitioner_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    cf::get(&mut conn, pid, id, Utc::now()).await?;
    let cid = clients::create_consultation(
        &mut conn,
        pid,
        &NewConsultation {
            client_id: id,
            appointment_id: b.appointment_id,
            occurred_at: b.occurred_at.unwrap_or_else(Utc::now),
            motif: b.motif.unwrap_or_default(),
            notes: b.notes,
            recommendations: b.recommendations,
            duration_min: b.duration_min,
            price_cents: b.price_cents,
        },
        Utc::now(),
    )
    .await?;
    let c = cf::consultation(&mut conn, pid, cid).await?;
    Ok((StatusCode::CREATED, Json(consultation_json(&c))))
}

/// Une consultation.
#[utoipa::path(get, path = "/api/consultations/{id}", tag = "clients",
    params(("id" = Uuid, Path, description = "Consultation")),
    responses((status = 200, description = "La consultation", body = doc::ConsultationOut)))]
pub async fn get_consultation(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(cid): Path<Uuid>,
) -> Result<Json<Value>> {
    let pid = practitioner_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    Ok(Json(consultation_json(
        &cf::consultation(&mut conn, pid, cid).await?,
    )))
}

/// Merges a partial body into the consultation and saves it.
pub async fn update_consultation(
    state: &AppState,
    pid: Uuid,
    cid: Uuid,
    b: &ConsultationBody,
) -> Result<()> {
    let mut conn = state.pool.acquire().await?;
    let c = cf::consultation(&mut conn, pid, cid).await?;
    let text = |v: &Option<String>, cur: &Option<String>| match v {
        Some(s) if s.trim().is_empty() => None,
        Some(s) => Some(s.clone()),
        None => cur.clone(),
    };
    cf::update_consultation(
        &mut conn,
        pid,
        cid,
        &ConsultationFields {
            occurred_at: b.occurred_at.unwrap_or(c.occurred_at),
            motif: b.motif.clone().unwrap_or(c.motif.clone()),
            notes: text(&b.notes, &c.notes),
            recommendations: text(&b.recommendations, &c.recommendations),
            duration_min: b.duration_min.or(c.duration_min),
            price_cents: b.price_cents.or(c.price_cents),
        },
        Utc::now(),
    )
    .await?;
    Ok(())
}

/// Modifie une consultation.
#[utoipa::path(patch, path = "/api/consultations/{id}", tag = "clients",
    params(("id" = Uuid, Path, description = "Consultation")),
    request_body = ConsultationBody,
    responses((status = 200, description = "Consultation modifiée", body = doc::ConsultationOut)))]
pub async fn patch_consultation(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(cid): Path<Uuid>,
    input::Body(b): input::Body<ConsultationBody>,
) -> Result<Json<Value>> {
    let pid = practitioner_id(&state, &user).await?;
    update_consultation(&state, pid, cid, &b).await?;
    let mut conn = state.pool.acquire().await?;
    Ok(Json(consultation_json(
        &cf::consultation(&mut conn, pid, cid).await?,
    )))
}

/// Supprime une consultation non facturée.
#[utoipa::path(delete, path = "/api/consultations/{id}", tag = "clients",
    params(("id" = Uuid, Path, description = "Consultation")),
    responses(
        (status = 204, description = "Consultation supprimée"),
        (status = 409, description = "Consultation facturée (CONSULTATION_INVOICED)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn delete_consultation(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(cid): Path<Uuid>,
) -> Result<StatusCode> {
    let pid = practitioner_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    cf::delete_consultation(&mut conn, pid, cid).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn document_json(d: &ClientDocument) -> Value {
    json!({"id": d.id, "title": d.title, "mimeType": d.mime_type, "size": d.size_bytes,
           "sharedWithClient": d.shared, "uploadedAt": d.created_at,
           "downloadUrl": format!("/api/docs/{}/download", d.id)})
}

/// Les documents de la fiche, les plus récents d'abord.
#[utoipa::path(get, path = "/api/clients/{id}/docs", tag = "clients",
    params(("id" = Uuid, Path, description = "Client")),
    responses((status = 200, description = "Documents", body = Vec<doc::ClientDocOut>)))]
pub async fn list_docs(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>> {
    let pid = practitioner_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    cf::get(&mut conn, pid, id, Utc::now()).await?;
    let docs = cf::documents(&mut conn, pid, id).await?;
    Ok(Json(json!(
        docs.iter().map(document_json).collect::<Vec<_>>()
    )))
}

fn bad(message: &'static str) -> Error {
    Error::new(StatusCode::BAD_REQUEST, "VALIDATION_FAILED", message)
}

/// A multipart body's text fields and its `file` part (bounded by `max` bytes).
pub async fn read_upload(
    mut multipart: Multipart,
    max: usize,
) -> Result<(HashMap<String, String>, Option<(String, Vec<u8>)>)> {
    let mut fields = HashMap::new();
    let mut file = None;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|_| bad("Envoi invalide"))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            let filename = field.file_name().unwrap_or("document").to_owned();
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(|_| bad("Envoi invalide"))? {
                if bytes.len() + chunk.len() > max {
                    return Err(Error::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "PAYLOAD_TOO_LARGE",
                        "Le fichier est trop volumineux",
                    ));
                }
                bytes.extend_from_slice(&chunk);
            }
            if !bytes.is_empty() {
                file = Some((filename, bytes));
            }
        } else {
            let text = field.text().await.map_err(|_| bad("Envoi invalide"))?;
            fields.insert(name, text);
        }
    }
    Ok((fields, file))
}

/// Stores a client document (CLIENT_FILE); shared with the client's linked account when
/// asked (a notification follows).
pub async fn upload_client_doc(
    state: &AppState,
    user: &CurrentUser,
    pid: Uuid,
    client_id: Uuid,
    fields: &HashMap<String, String>,
    file: Option<(String, Vec<u8>)>,
) -> Result<Uuid> {
    let (filename, bytes) = file.ok_or_else(|| bad("Choisissez un fichier"))?;
    let (mime, ext) = crate::validate::document_kind(&bytes).ok_or_else(|| {
        Error::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "Formats acceptés : PDF, JPEG ou PNG",
        )
    })?;
    let mut conn = state.pool.acquire().await?;
    let linked = cf::linked_user(&mut conn, pid, client_id).await?;
    let share = fields
        .get("shareWithClient")
        .is_some_and(|v| matches!(v.as_str(), "true" | "1" | "on"));
    let title = fields
        .get("title")
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .unwrap_or(filename);
    if title.chars().count() > 200 {
        return Err(bad("Titre : 200 caractères au maximum"));
    }
    let key = format!("clients/{client_id}/{}.{ext}", Uuid::new_v4());
    let size = bytes.len() as i64;
    state.storage.put(&key, bytes, mime).await?;
    let created = documents::create_document(
        &mut conn,
        user.id,
        &NewDocument {
            category: DocumentCategory::ClientFile,
            client_id: Some(client_id),
            shared_with_user_id: if share { linked } else { None },
            appointment_id: None,
            resource_id: None,
            title,
            mime_type: mime.to_owned(),
            storage_key: Some(key.clone()),
            size_bytes: Some(size),
        },
        Utc::now(),
    )
    .await;
    if created.is_err() {
        let _ = state.storage.delete(&key).await;
    }
    Ok(created?)
}

/// Dépose un document sur la fiche (formulaire multipart).
#[utoipa::path(post, path = "/api/clients/{id}/docs", tag = "clients",
    params(("id" = Uuid, Path, description = "Client")),
    request_body(content = inline(doc::ClientDocUpload), content_type = "multipart/form-data"),
    responses((status = 201, description = "Document déposé", body = doc::ClientDocOut)))]
pub async fn create_doc(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    multipart: Multipart,
) -> Result<(StatusCode, Json<Value>)> {
    let pid = practitioner_id(&state, &user).await?;
    let (fields, file) = read_upload(multipart, CLIENT_DOC_MAX_BYTES).await?;
    let doc = upload_client_doc(&state, &user, pid, id, &fields, file).await?;
    let mut conn = state.pool.acquire().await?;
    let (d, _) = cf::document(&mut conn, pid, doc).await?;
    Ok((StatusCode::CREATED, Json(document_json(&d))))
}

/// Un document de fiche client.
#[utoipa::path(get, path = "/api/docs/{id}", tag = "clients",
    params(("id" = Uuid, Path, description = "Document")),
    responses((status = 200, description = "Le document", body = doc::ClientDocDetailOut)))]
pub async fn get_doc(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>> {
    let pid = practitioner_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    let (d, client) = cf::document(&mut conn, pid, id).await?;
    let mut v = document_json(&d);
    v["clientId"] = json!(client);
    Ok(Json(v))
}

/// The file itself, streamed from the blob store (never a public URL: health data).
#[utoipa::path(get, path = "/api/docs/{id}/download", tag = "clients",
    params(("id" = Uuid, Path, description = "Document")),
    responses((status = 200, description = "Le fichier", content(
        (String = "application/pdf"), (String = "image/jpeg"), (String = "image/png"),
    ))))]
pub async fn download_doc(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response> {
    let pid = practitioner_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    let (d, _) = cf::document(&mut conn, pid, id).await?;
    let key = d.storage_key.ok_or_else(Error::not_found)?;
    let bytes = state.storage.get(&key).await?;
    Ok((
        [
            (header::CONTENT_TYPE, d.mime_type),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        Body::from(bytes),
    )
        .into_response())
}

/// Champs absents : inchangés ; un titre vide garde l'ancien.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DocPatch {
    #[schema(max_length = 200)]
    pub title: Option<String>,
    /// Partage avec le compte lié au client (sans compte lié : non partagé).
    pub share_with_client: Option<bool>,
}

/// Renomme un document ou change son partage.
#[utoipa::path(patch, path = "/api/docs/{id}", tag = "clients",
    params(("id" = Uuid, Path, description = "Document")),
    request_body = DocPatch,
    responses((status = 200, description = "Document modifié", body = doc::ClientDocOut)))]
pub async fn patch_doc(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    input::Body(p): input::Body<DocPatch>,
) -> Result<Json<Value>> {
    let pid = practitioner_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    let (d, client) = cf::document(&mut conn, pid, id).await?;
    let title = p
        .title
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .unwrap_or(d.title);
    if title.chars().count() > 200 {
        return Err(bad("Titre : 200 caractères au maximum"));
    }
    let shared = match p.share_with_client {
        Some(true) => cf::linked_user(&mut conn, pid, client).await?,
        Some(false) => None,
        None if d.shared => cf::linked_user(&mut conn, pid, client).await?,
        None => None,
    };
    cf::set_document(&mut conn, pid, id, &title, shared).await?;
    let (d, _) = cf::document(&mut conn, pid, id).await?;
    Ok(Json(document_json(&d)))
}

/// Supprime un document et son fichier.
#[utoipa::path(delete, path = "/api/docs/{id}", tag = "clients",
    params(("id" = Uuid, Path, description = "Document")),
    responses((status = 204, description = "Document supprimé")))]
pub async fn delete_doc(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    let pid = practitioner_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    if let Some(key) = cf::delete_document(&mut conn, pid, id).await?
        && let Err(e) = state.storage.delete(&key).await
    {
        tracing::warn!(error = %e, "client document file not deleted");
    }
    Ok(StatusCode::NO_CONTENT)
}
