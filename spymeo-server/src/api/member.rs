//! The member API `/api/user/*` (DOMAIN.md §6.5): my appointments (cancel, reschedule), my
//! practitioners, my invoices, my documents and my favorites. The owner is always the session
//! user; other users' rows answer 404 (AR-13, AR-22, AR-24).

use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use spymeo_core::db::{agenda, community, documents, member};
use spymeo_core::domain::{DocumentCategory, FavoriteTarget};
use uuid::Uuid;

use super::public::{Paging, invalid};
use crate::api::input::Body;
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::state::AppState;

/// This module's part of the OpenAPI document (joined in `api::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    appointments,
    appointment,
    cancel,
    reschedule,
    practitioners,
    invoices,
    documents,
    upload_document,
    document,
    delete_document,
    favorites,
    add_favorite,
    remove_favorite,
))]
pub struct ApiDoc;

// ---------------------------------------------------------------- OpenAPI descriptions

/// `upcoming` (default) or `past`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes the `scope` query value
pub enum MemberApptScope {
    #[schema(rename = "upcoming")]
    Upcoming,
    #[schema(rename = "past")]
    Past,
}

/// What favorites can point to (`FavoriteTarget::ALL`, so the documented kinds are the
/// accepted ones).
pub struct MemberFavoriteTarget;

impl utoipa::PartialSchema for MemberFavoriteTarget {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        favorite_targets("What favorites can point to.", false)
    }
}

impl utoipa::ToSchema for MemberFavoriteTarget {
    fn name() -> std::borrow::Cow<'static, str> {
        "MemberFavoriteTarget".into()
    }
}

/// The favorite kind in a path: case-insensitive, so each kind in both spellings.
pub struct MemberFavoriteTargetPath;

impl utoipa::PartialSchema for MemberFavoriteTargetPath {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        favorite_targets(
            "The favorite kind in a path: case-insensitive (`PRACTITIONER` or `practitioner`).",
            true,
        )
    }
}

impl utoipa::ToSchema for MemberFavoriteTargetPath {
    fn name() -> std::borrow::Cow<'static, str> {
        "MemberFavoriteTargetPath".into()
    }
}

fn favorite_targets(
    description: &str,
    lowercase_too: bool,
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    let upper = spymeo_core::domain::FavoriteTarget::ALL
        .iter()
        .map(|t| t.as_str().to_owned());
    let values: Vec<String> = if lowercase_too {
        upper
            .clone()
            .chain(upper.map(|v| v.to_lowercase()))
            .collect()
    } else {
        upper.collect()
    };
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .description(Some(description))
        .enum_values(Some(values))
        .into()
}

/// The practitioner of one of my appointments.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)] // describes what `appt_json` writes under `practitioner`
pub struct MemberApptPractitioner {
    pub slug: String,
    pub public_name: String,
    pub photo_url: Option<String>,
}

/// One of my appointments (DOMAIN.md §6.1 `Appt`, as its member sees it).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)] // describes what `appt_json` writes (`member::MyAppointment` + practitioner)
pub struct MemberAppointment {
    pub id: Uuid,
    pub title: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// SCHEDULED, CONFIRMED, CANCELLED, COMPLETED ou NO_SHOW.
    #[schema(example = "SCHEDULED")]
    pub status: String,
    /// CABINET, VISIO ou DOMICILE.
    #[schema(example = "CABINET")]
    pub location_kind: String,
    #[schema(required = true)]
    pub location_text: Option<String>,
    #[schema(required = true)]
    pub visio_url: Option<String>,
    /// Prix en centimes.
    #[schema(required = true)]
    pub price_cents: Option<i32>,
    #[schema(required = true)]
    pub appointment_type_id: Option<Uuid>,
    pub practitioner_slug: String,
    pub practitioner_name: String,
    #[schema(required = true)]
    pub practitioner_photo_url: Option<String>,
    #[schema(required = true)]
    pub practitioner_address: Option<String>,
    #[schema(required = true)]
    pub practitioner_city: Option<String>,
    #[schema(required = true)]
    pub practitioner_phone: Option<String>,
    #[schema(required = true)]
    pub practitioner_email: Option<String>,
    /// Annulable en ligne (SCHEDULED/CONFIRMED et avant la limite).
    pub can_cancel: bool,
    /// Limite de l'annulation en ligne (début moins le délai du praticien).
    #[schema(required = true)]
    pub can_cancel_until: Option<DateTime<Utc>>,
    pub practitioner: MemberApptPractitioner,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes `Paging::envelope` of `appointments`
pub struct MemberAppointmentPage {
    pub items: Vec<MemberAppointment>,
    pub page: i64,
    pub limit: i64,
    pub total: i64,
}

/// A practitioner I am a linked client of or booked with.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)] // describes `member::MyPractitioner`
pub struct MemberPractitioner {
    pub slug: String,
    pub public_name: String,
    pub specialties: Vec<String>,
    #[schema(required = true)]
    pub city: Option<String>,
    #[schema(required = true)]
    pub photo_url: Option<String>,
    #[schema(required = true)]
    pub last_visit_at: Option<DateTime<Utc>>,
    #[schema(required = true)]
    pub next_appointment: Option<DateTime<Utc>>,
}

/// A non-draft invoice of a client record linked to me.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)] // describes `member::MyInvoice`
pub struct MemberInvoice {
    pub id: Uuid,
    #[schema(required = true)]
    pub number: Option<String>,
    #[schema(required = true)]
    pub issue_date: Option<chrono::NaiveDate>,
    /// Total TTC en centimes.
    pub total_ttc_cents: i32,
    /// ISSUED, PAID ou CANCELLED.
    #[schema(example = "ISSUED")]
    pub status: String,
    pub practitioner_name: String,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes `Paging::envelope` of `invoices`
pub struct MemberInvoicePage {
    pub items: Vec<MemberInvoice>,
    pub page: i64,
    pub limit: i64,
    pub total: i64,
}

/// A document I own (PERSONAL) or that was shared with me.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)] // describes `member::MyDocument`
pub struct MemberDocument {
    pub id: Uuid,
    pub title: String,
    /// PDF, IMAGE, SPREADSHEET, TEXT ou OTHER.
    #[schema(example = "PDF")]
    pub kind: String,
    /// PERSONAL, SHARED, CLIENT_FILE, RECEIPT ou APPLICATION.
    #[schema(example = "PERSONAL")]
    pub category: String,
    pub mime_type: String,
    #[schema(required = true)]
    pub size_bytes: Option<i64>,
    pub created_at: DateTime<Utc>,
    #[schema(required = true)]
    pub practitioner_name: Option<String>,
    #[schema(required = true)]
    pub practitioner_slug: Option<String>,
    #[schema(required = true)]
    pub related_appointment_id: Option<Uuid>,
    /// Supprimable par moi (document PERSONAL que j'ai envoyé).
    pub own: bool,
}

/// One document with its download link.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes what `document` writes
pub struct MemberDocumentDetail {
    #[serde(flatten)]
    pub document: MemberDocument,
    /// `/user/documents/{id}/telecharger`.
    pub download_url: String,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes `Paging::envelope` of `documents`
pub struct MemberDocumentPage {
    pub items: Vec<MemberDocument>,
    pub page: i64,
    pub limit: i64,
    pub total: i64,
}

/// A multipart upload of a personal document (20 Mo au plus; PDF, JPEG, PNG, WebP ou texte).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes what `read_upload` reads
pub struct MemberUploadForm {
    /// Le fichier (type reconnu d'après son contenu).
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    /// Titre (par défaut le nom du fichier, tronqué à 200 caractères).
    pub title: Option<String>,
}

/// A favorite with its target's public label and URL.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)] // describes `member::MyFavorite`
pub struct MemberFavorite {
    pub id: Uuid,
    pub target_type: MemberFavoriteTarget,
    pub target_id: Uuid,
    pub title: String,
    /// Ville (fiches) ou catégorie (articles).
    #[schema(required = true)]
    pub meta: Option<String>,
    /// Page publique de la cible.
    pub href: String,
    /// Le type de cible, en texte.
    #[schema(example = "PRACTITIONER")]
    pub kind: String,
}

/// The favorite just added (or already there).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MemberFavoriteRef {
    #[schema(value_type = MemberFavoriteTarget)]
    pub target_type: FavoriteTarget,
    pub target_id: Uuid,
}

/// Personal documents: 20 MiB (§3 H1).
pub const DOCUMENT_MAX_BYTES: usize = 20 * 1024 * 1024;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApptParams {
    /// `upcoming` (défaut : à venir, du plus proche au plus lointain) ou `past`.
    #[param(value_type = Option<MemberApptScope>, inline)]
    pub scope: Option<String>,
    #[param(value_type = Option<i64>, minimum = 1, maximum = 10000)]
    pub page: Option<String>,
    /// 20 par défaut.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
}

fn appt_json(a: &member::MyAppointment) -> Value {
    let mut v = serde_json::to_value(a).unwrap_or_default();
    v["practitioner"] = json!({
        "slug": a.practitioner_slug, "publicName": a.practitioner_name, "photoUrl": a.practitioner_photo_url,
    });
    v
}

/// My appointments, upcoming or past.
#[utoipa::path(get, path = "/api/user/appointments", tag = "member",
    params(ApptParams),
    responses((status = 200, description = "Mes rendez-vous", body = MemberAppointmentPage)))]
pub async fn appointments(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(p): Query<ApptParams>,
) -> Result<Json<Value>> {
    let upcoming = match p.scope.as_deref() {
        None | Some("upcoming") => true,
        Some("past") => false,
        Some(_) => return Err(invalid("scope")),
    };
    let paging = Paging::parse(p.page.as_deref(), p.limit.as_deref(), 20)?;
    let (items, total) = member::appointments(
        &state.pool,
        user.id,
        upcoming,
        paging.page,
        paging.limit,
        Utc::now(),
    )
    .await?;
    let items: Vec<Value> = items.iter().map(appt_json).collect();
    Ok(Json(paging.envelope(&items, total)))
}

pub async fn my_appointment(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
) -> Result<member::MyAppointment> {
    member::appointment(&state.pool, user.id, id, Utc::now())
        .await?
        .ok_or_else(Error::not_found)
}

/// One of my appointments.
#[utoipa::path(get, path = "/api/user/appointments/{id}", tag = "member",
    params(("id" = Uuid, Path, description = "Rendez-vous")),
    responses((status = 200, description = "Le rendez-vous", body = MemberAppointment)))]
pub async fn appointment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>> {
    let a = my_appointment(&state, &user, id).await?;
    Ok(Json(appt_json(&a)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = MemberApptPatch)]
pub struct ApptPatch {
    /// Seule valeur acceptée : `CANCELLED`.
    #[schema(pattern = "^CANCELLED$", example = "CANCELLED")]
    pub status: String,
    /// Motif (2 000 caractères au plus).
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
}

/// Cancels one of my appointments (`{status:"CANCELLED", reason?}`), within the window.
#[utoipa::path(patch, path = "/api/user/appointments/{id}", tag = "member",
    params(("id" = Uuid, Path, description = "Rendez-vous")),
    request_body = ApptPatch,
    responses(
        (status = 200, description = "Le rendez-vous annulé", body = MemberAppointment),
        (status = 409, description = "Déjà annulé, délai d'annulation passé ou non annulable (ALREADY_CANCELLED, CANCELLATION_WINDOW_PASSED, NOT_CANCELLABLE)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn cancel(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Body(p): Body<ApptPatch>,
) -> Result<Json<Value>> {
    if p.status != "CANCELLED" {
        return Err(invalid("status"));
    }
    cancel_appointment(&state, &user, id, p.reason.as_deref()).await?;
    let a = my_appointment(&state, &user, id).await?;
    Ok(Json(appt_json(&a)))
}

pub async fn cancel_appointment(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    reason: Option<&str>,
) -> Result<()> {
    if reason.is_some_and(|r| r.chars().count() > 2000) {
        return Err(invalid("reason"));
    }
    let mut conn = state.pool.acquire().await?;
    agenda::cancel_by_user(
        &mut conn,
        user.id,
        id,
        reason.map(str::trim).filter(|r| !r.is_empty()),
        Utc::now(),
    )
    .await?;
    Ok(())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = MemberRescheduleRequest)]
pub struct RescheduleRequest {
    /// Début d'un créneau proposé par le praticien.
    pub start: DateTime<Utc>,
}

/// Moves one of my appointments to another offered slot.
///
/// The old appointment is cancelled ("Déplacé") and the new one answered (201), in one
/// transaction.
#[utoipa::path(post, path = "/api/user/appointments/{id}/reschedule", tag = "member",
    params(("id" = Uuid, Path, description = "Rendez-vous à déplacer")),
    request_body = RescheduleRequest,
    responses(
        (status = 201, description = "Le nouveau rendez-vous", body = MemberAppointment),
        (status = 400, description = "Créneau non proposé (SLOT_NOT_OFFERED), motif du rendez-vous manquant ou corps invalide (VALIDATION_FAILED)", body = crate::api::openapi::ErrorEnvelope),
        (status = 409, description = "Délai passé, non déplaçable ou créneau pris (CANCELLATION_WINDOW_PASSED, ALREADY_CANCELLED, NOT_CANCELLABLE, SLOT_TAKEN)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn reschedule(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Body(r): Body<RescheduleRequest>,
) -> Result<Response> {
    let new_id = reschedule_appointment(&state, &user, id, r.start).await?;
    let a = my_appointment(&state, &user, new_id).await?;
    Ok((StatusCode::CREATED, Json(appt_json(&a))).into_response())
}

pub async fn reschedule_appointment(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    start: DateTime<Utc>,
) -> Result<Uuid> {
    let mut conn = state.pool.acquire().await?;
    agenda::reschedule_by_user(&mut conn, user.id, id, start, Utc::now())
        .await
        .map_err(|e| match e {
            // Core's 400 on `start` is the API's SLOT_NOT_OFFERED, as for a booking (§6.4).
            spymeo_core::Error::Validation { fields, .. }
                if fields.iter().any(|(f, _)| *f == "start") =>
            {
                let mut err = Error::new(
                    StatusCode::BAD_REQUEST,
                    "SLOT_NOT_OFFERED",
                    "Ce créneau n'est pas proposé",
                );
                err.fields = fields;
                err
            }
            e => e.into(),
        })
}

/// The practitioners I am a client of or booked with.
#[utoipa::path(get, path = "/api/user/practitioners", tag = "member",
    responses((status = 200, description = "Mes praticiens", body = Vec<MemberPractitioner>)))]
pub async fn practitioners(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Value>> {
    Ok(Json(json!(
        member::practitioners(&state.pool, user.id, Utc::now()).await?
    )))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    #[param(value_type = Option<i64>, minimum = 1, maximum = 10000)]
    pub page: Option<String>,
    /// 20 par défaut.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
}

/// The issued invoices of my client records (never drafts).
#[utoipa::path(get, path = "/api/user/invoices", tag = "member",
    params(PageParams),
    responses((status = 200, description = "Mes factures", body = MemberInvoicePage)))]
pub async fn invoices(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(p): Query<PageParams>,
) -> Result<Json<Value>> {
    let paging = Paging::parse(p.page.as_deref(), p.limit.as_deref(), 20)?;
    let all = member::invoices(&state.pool, user.id).await?;
    let total = all.len() as i64;
    let items: Vec<_> = all
        .into_iter()
        .skip(((paging.page - 1) * paging.limit) as usize)
        .take(paging.limit as usize)
        .collect();
    Ok(Json(paging.envelope(&items, total)))
}

/// My personal documents and those shared with me, newest first.
#[utoipa::path(get, path = "/api/user/documents", tag = "member",
    params(PageParams),
    responses((status = 200, description = "Mes documents", body = MemberDocumentPage)))]
pub async fn documents(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(p): Query<PageParams>,
) -> Result<Json<Value>> {
    let paging = Paging::parse(p.page.as_deref(), p.limit.as_deref(), 20)?;
    let (items, total) = member::documents(&state.pool, user.id, paging.page, paging.limit).await?;
    Ok(Json(paging.envelope(&items, total)))
}

/// One of my documents (or shared with me), with its download link.
#[utoipa::path(get, path = "/api/user/documents/{id}", tag = "member",
    params(("id" = Uuid, Path, description = "Document")),
    responses((status = 200, description = "Le document", body = MemberDocumentDetail)))]
pub async fn document(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>> {
    let d = member::document(&state.pool, user.id, id)
        .await?
        .ok_or_else(Error::not_found)?;
    let mut v = json!(d);
    v["downloadUrl"] = json!(format!("/user/documents/{id}/telecharger"));
    Ok(Json(v))
}

/// Deletes one of my personal documents (shared ones are not mine to delete: 404).
#[utoipa::path(delete, path = "/api/user/documents/{id}", tag = "member",
    params(("id" = Uuid, Path, description = "Document personnel")),
    responses((status = 204, description = "Supprimé")))]
pub async fn delete_document(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    remove_document(&state, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn remove_document(state: &AppState, user: &CurrentUser, id: Uuid) -> Result<()> {
    let key = member::delete_document(&state.pool, user.id, id).await?;
    // The row is gone: a blob left behind is only storage, never visible.
    if let Some(key) = key
        && let Err(e) = state.storage.delete(&key).await
    {
        tracing::warn!(error = %e, "personal document blob not deleted");
    }
    Ok(())
}

/// Mime types of personal documents, recognised from the first bytes (never from the
/// client's Content-Type); text files are accepted when they are valid UTF-8.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if let Some((mime, _)) = crate::validate::document_kind(bytes) {
        return Some(mime);
    }
    if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Some("image/webp");
    }
    if !bytes.is_empty() && !bytes.contains(&0) && std::str::from_utf8(bytes).is_ok() {
        return Some("text/plain");
    }
    None
}

/// Reads `file` and `title` of a multipart upload.
pub async fn read_upload(mut multipart: Multipart) -> Result<(Vec<u8>, String)> {
    let bad = || {
        Error::new(
            StatusCode::BAD_REQUEST,
            "VALIDATION_FAILED",
            "Envoi de fichier invalide",
        )
    };
    let (mut file, mut title) = (None, String::new());
    while let Some(mut field) = multipart.next_field().await.map_err(|_| bad())? {
        match field.name() {
            Some("file") => {
                let mut data = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(|_| bad())? {
                    if data.len() + chunk.len() > DOCUMENT_MAX_BYTES {
                        return Err(Error::new(
                            StatusCode::PAYLOAD_TOO_LARGE,
                            "PAYLOAD_TOO_LARGE",
                            "Fichier trop volumineux (20 Mo au plus)",
                        ));
                    }
                    data.extend_from_slice(&chunk);
                }
                if title.is_empty() {
                    title = field.file_name().unwrap_or_default().to_owned();
                }
                file = Some(data);
            }
            Some("title") => {
                let t = field.text().await.map_err(|_| bad())?;
                if !t.trim().is_empty() {
                    title = t.trim().to_owned();
                }
            }
            _ => {}
        }
    }
    let file = file.filter(|f| !f.is_empty()).ok_or_else(|| {
        Error::new(
            StatusCode::BAD_REQUEST,
            "VALIDATION_FAILED",
            "Aucun fichier reçu (champ « file »)",
        )
    })?;
    Ok((file, title))
}

/// Stores a PERSONAL document; the blob first, then the row (a failed insert removes the blob).
pub async fn store_document(
    state: &AppState,
    user: &CurrentUser,
    bytes: Vec<u8>,
    title: String,
) -> Result<Uuid> {
    let mime = sniff(&bytes).ok_or_else(|| {
        Error::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "Type de fichier non accepté (PDF, JPEG, PNG, WebP ou texte)",
        )
    })?;
    let title = if title.trim().is_empty() {
        "Document".to_owned()
    } else {
        title.chars().take(200).collect()
    };
    let key = format!("documents/{}/{}", user.id, Uuid::new_v4());
    let size = bytes.len() as i64;
    state.storage.put(&key, bytes, mime).await?;
    let mut conn = state.pool.acquire().await?;
    let created = documents::create_document(
        &mut conn,
        user.id,
        &documents::NewDocument {
            category: DocumentCategory::Personal,
            client_id: None,
            shared_with_user_id: None,
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
    match created {
        Ok(id) => Ok(id),
        Err(e) => {
            let _ = state.storage.delete(&key).await;
            Err(e.into())
        }
    }
}

/// Uploads a personal document (multipart `file`, optional `title`).
#[utoipa::path(post, path = "/api/user/documents", tag = "member",
    request_body(content = inline(MemberUploadForm), content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Le document enregistré", body = MemberDocument),
    ))]
pub async fn upload_document(
    State(state): State<AppState>,
    user: CurrentUser,
    multipart: Multipart,
) -> Result<Response> {
    let (bytes, title) = read_upload(multipart).await?;
    let id = store_document(&state, &user, bytes, title).await?;
    let d = member::document(&state.pool, user.id, id)
        .await?
        .ok_or_else(Error::internal)?;
    Ok((StatusCode::CREATED, Json(json!(d))).into_response())
}

/// My favorites whose target is still public, newest first.
#[utoipa::path(get, path = "/api/user/favorites", tag = "member",
    responses((status = 200, description = "Mes favoris", body = Vec<MemberFavorite>)))]
pub async fn favorites(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Value>> {
    Ok(Json(json!(member::favorites(&state.pool, user.id).await?)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = MemberFavoriteRequest)]
pub struct FavoriteRequest {
    #[schema(value_type = MemberFavoriteTarget)]
    pub target_type: FavoriteTarget,
    pub target_id: Uuid,
}

/// Adds a favorite.
///
/// 201 when created, 200 when it already existed; 404 when the target is not public.
#[utoipa::path(post, path = "/api/user/favorites", tag = "member",
    request_body = FavoriteRequest,
    responses(
        (status = 201, description = "Favori ajouté", body = MemberFavoriteRef),
        (status = 200, description = "Déjà en favori", body = MemberFavoriteRef),
        (status = 404, description = "Cible inconnue ou non publique (NOT_FOUND)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn add_favorite(
    State(state): State<AppState>,
    user: CurrentUser,
    Body(f): Body<FavoriteRequest>,
) -> Result<Response> {
    let mut conn = state.pool.acquire().await?;
    let created =
        community::add_favorite(&mut conn, user.id, f.target_type, f.target_id, Utc::now()).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(MemberFavoriteRef {
            target_type: f.target_type,
            target_id: f.target_id,
        }),
    )
        .into_response())
}

/// Removes a favorite (204 even when it was not there).
#[utoipa::path(delete, path = "/api/user/favorites/{targetType}/{targetId}", tag = "member",
    params(
        ("targetType" = inline(MemberFavoriteTargetPath), Path, description = "Type de cible (insensible à la casse)"),
        ("targetId" = Uuid, Path, description = "Cible"),
    ),
    responses((status = 204, description = "Retiré des favoris")))]
pub async fn remove_favorite(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((target_type, target_id)): Path<(String, Uuid)>,
) -> Result<StatusCode> {
    let t: FavoriteTarget = serde_json::from_value(json!(target_type.to_uppercase()))
        .map_err(|_| invalid("targetType"))?;
    member::remove_favorite(&state.pool, user.id, t, target_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
