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
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::state::AppState;

/// Personal documents: 20 MiB (§3 H1).
pub const DOCUMENT_MAX_BYTES: usize = 20 * 1024 * 1024;

#[derive(Debug, Default, Deserialize)]
pub struct ApptParams {
    pub scope: Option<String>,
    pub page: Option<String>,
    pub limit: Option<String>,
}

fn appt_json(a: &member::MyAppointment) -> Value {
    let mut v = serde_json::to_value(a).unwrap_or_default();
    v["practitioner"] = json!({
        "slug": a.practitioner_slug, "publicName": a.practitioner_name, "photoUrl": a.practitioner_photo_url,
    });
    v
}

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

pub async fn appointment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>> {
    let a = my_appointment(&state, &user, id).await?;
    Ok(Json(appt_json(&a)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApptPatch {
    pub status: String,
    pub reason: Option<String>,
}

/// `PATCH /api/user/appointments/{id}` `{status:"CANCELLED", reason?}`.
pub async fn cancel(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Json(p): Json<ApptPatch>,
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

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RescheduleRequest {
    pub start: DateTime<Utc>,
}

/// `POST /api/user/appointments/{id}/reschedule {start}` → 201 the new appointment.
pub async fn reschedule(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Json(r): Json<RescheduleRequest>,
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
    Ok(agenda::reschedule_by_user(&mut conn, user.id, id, start, Utc::now()).await?)
}

pub async fn practitioners(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Value>> {
    Ok(Json(json!(
        member::practitioners(&state.pool, user.id, Utc::now()).await?
    )))
}

#[derive(Debug, Default, Deserialize)]
pub struct PageParams {
    pub page: Option<String>,
    pub limit: Option<String>,
}

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

pub async fn documents(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(p): Query<PageParams>,
) -> Result<Json<Value>> {
    let paging = Paging::parse(p.page.as_deref(), p.limit.as_deref(), 20)?;
    let (items, total) = member::documents(&state.pool, user.id, paging.page, paging.limit).await?;
    Ok(Json(paging.envelope(&items, total)))
}

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

pub async fn favorites(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Value>> {
    Ok(Json(json!(member::favorites(&state.pool, user.id).await?)))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FavoriteRequest {
    pub target_type: FavoriteTarget,
    pub target_id: Uuid,
}

/// 201 when created, 200 when it already existed; 404 when the target is not public.
pub async fn add_favorite(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(f): Json<FavoriteRequest>,
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
        Json(json!({ "targetType": f.target_type, "targetId": f.target_id })),
    )
        .into_response())
}

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
