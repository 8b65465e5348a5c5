//! Messaging, notes and notifications (DOMAIN.md §6.6, §7.6). Only participants see or post
//! in a conversation (404 otherwise); who may start one with whom is the core rule
//! `messaging::check_recipient`; posting is limited to 30 messages a minute per user.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use spymeo_core::db::rate_limit::{self, Limit};
use spymeo_core::db::{community, inbox, member, messaging, notifications};
use uuid::Uuid;

use super::public::{Paging, invalid};
use crate::auth::{CurrentUser, Role};
use crate::error::{Error, Result};
use crate::state::AppState;

/// DOMAIN.md §6.1: messages 30/min per user.
pub const MESSAGES: Limit = Limit {
    max: 30,
    window: Duration::minutes(1),
};

#[derive(Debug, Default, Deserialize)]
pub struct PageParams {
    pub page: Option<String>,
    pub limit: Option<String>,
}

fn summary_json(c: &inbox::ConversationSummary) -> Value {
    json!({
        "id": c.id,
        "subject": c.subject,
        "otherParticipant": {
            "id": c.other_id, "name": c.other_name, "avatarUrl": c.other_avatar_url,
            "kind": c.other_kind, "href": c.other_href,
        },
        "lastMessage": c.last_at.map(|at| json!({ "body": c.last_body, "at": at, "senderId": c.last_sender_id })),
        "unreadCount": c.unread_count,
        "lastMessageAt": c.last_message_at,
    })
}

pub async fn conversations(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(p): Query<PageParams>,
) -> Result<Json<Value>> {
    let paging = Paging::parse(p.page.as_deref(), p.limit.as_deref(), 20)?;
    let (rows, total) =
        inbox::conversations(&state.pool, user.id, paging.page, paging.limit).await?;
    let items: Vec<Value> = rows.iter().map(summary_json).collect();
    Ok(Json(paging.envelope(&items, total)))
}

/// 429 once the sender passed 30 messages in the current minute.
pub async fn check_rate(state: &AppState, user: &CurrentUser) -> Result<()> {
    let key = format!("messages:{}", user.id);
    if rate_limit::hit(&state.pool, &key, MESSAGES, Utc::now()).await? {
        Ok(())
    } else {
        Err(Error::new(
            StatusCode::TOO_MANY_REQUESTS,
            "RATE_LIMITED",
            "Trop de messages envoyés, réessayez dans une minute",
        ))
    }
}

/// The core refusal (a conflict there) is a 403 FORBIDDEN_RECIPIENT here (§6.6).
fn recipient_error(e: spymeo_core::Error) -> Error {
    match e {
        spymeo_core::Error::Conflict {
            code: "FORBIDDEN_RECIPIENT",
            message,
        } => Error::new(StatusCode::FORBIDDEN, "FORBIDDEN_RECIPIENT", message),
        other => other.into(),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartRequest {
    pub recipient_user_id: Uuid,
    pub subject: Option<String>,
    pub body: String,
}

/// Find-or-create the direct conversation and post the first (or next) message; returns the
/// conversation id and whether it was created.
pub async fn start_conversation(
    state: &AppState,
    user: &CurrentUser,
    r: &StartRequest,
) -> Result<(Uuid, bool)> {
    if r.subject.as_ref().is_some_and(|s| s.chars().count() > 200) {
        return Err(invalid("subject"));
    }
    if r.body.trim().is_empty() {
        return Err(invalid("body"));
    }
    let mut conn = state.pool.acquire().await?;
    messaging::check_recipient(&mut conn, user.id, r.recipient_user_id)
        .await
        .map_err(recipient_error)?;
    check_rate(state, user).await?;
    let now = Utc::now();
    let subject = r
        .subject
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let (id, created) =
        messaging::find_or_create_direct(&mut conn, user.id, r.recipient_user_id, subject, now)
            .await?;
    messaging::post_message(&mut conn, id, user.id, &r.body, None, now).await?;
    Ok((id, created))
}

pub async fn start(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(r): Json<StartRequest>,
) -> Result<Response> {
    let (id, created) = start_conversation(&state, &user, &r).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(json!({ "conversationId": id }))).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct ThreadParams {
    pub before: Option<DateTime<Utc>>,
    pub limit: Option<String>,
}

pub async fn messages(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Query(p): Query<ThreadParams>,
) -> Result<Json<Value>> {
    let paging = Paging::parse(None, p.limit.as_deref(), 50)?;
    let (items, next) = inbox::messages(&state.pool, user.id, id, p.before, paging.limit).await?;
    Ok(Json(json!({ "items": items, "nextBefore": next })))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostRequest {
    pub body: String,
    pub attachment_document_id: Option<Uuid>,
}

pub async fn post_in(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    body: &str,
    attachment: Option<Uuid>,
) -> Result<Uuid> {
    // Participation first, so a stranger learns nothing, not even the rate limit.
    inbox::conversation(&state.pool, user.id, id).await?;
    if let Some(doc) = attachment
        && member::document(&state.pool, user.id, doc).await?.is_none()
    {
        return Err(Error::not_found());
    }
    check_rate(state, user).await?;
    let mut conn = state.pool.acquire().await?;
    Ok(messaging::post_message(&mut conn, id, user.id, body, attachment, Utc::now()).await?)
}

pub async fn post(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Json(r): Json<PostRequest>,
) -> Result<Response> {
    let mid = post_in(&state, &user, id, &r.body, r.attachment_document_id).await?;
    Ok((
        StatusCode::CREATED,
        Json(
            json!({ "id": mid, "conversationId": id, "senderId": user.id, "body": r.body.trim() }),
        ),
    )
        .into_response())
}

pub async fn read(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    let mut conn = state.pool.acquire().await?;
    messaging::mark_read(&mut conn, id, user.id, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn delete_message(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, mid)): Path<(Uuid, Uuid)>,
) -> Result<StatusCode> {
    inbox::delete_message(&state.pool, user.id, id, mid, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- notes

/// Notes are a PASS benefit for members (AR-17); pros and admins have them too.
pub fn require_notes(user: &CurrentUser) -> Result<()> {
    if matches!(user.role, Role::FreeUser) {
        Err(Error::new(
            StatusCode::FORBIDDEN,
            "PASS_REQUIRED",
            "Les notes sont réservées aux membres PASS",
        ))
    } else {
        Ok(())
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct NoteParams {
    pub q: Option<String>,
    pub tag: Option<String>,
    pub page: Option<String>,
    pub limit: Option<String>,
}

pub async fn notes(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(p): Query<NoteParams>,
) -> Result<Json<Value>> {
    require_notes(&user)?;
    let paging = Paging::parse(p.page.as_deref(), p.limit.as_deref(), 20)?;
    let q = p.q.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let tag = p.tag.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let (items, total) =
        member::notes(&state.pool, user.id, q, tag, paging.page, paging.limit).await?;
    Ok(Json(paging.envelope(&items, total)))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NoteRequest {
    pub title: String,
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub pinned: bool,
}

pub fn clean_tags(tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = tags
        .iter()
        .map(|t| t.trim().trim_start_matches('#').to_lowercase())
        .filter(|t| !t.is_empty() && t.chars().count() <= 40)
        .collect();
    out.dedup();
    out.truncate(20);
    out
}

pub async fn create_note(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(n): Json<NoteRequest>,
) -> Result<Response> {
    require_notes(&user)?;
    if n.content.chars().count() > 100_000 {
        return Err(invalid("content"));
    }
    let id = community::create_note(
        &mut *state.pool.acquire().await?,
        user.id,
        &community::NoteInput {
            title: n.title,
            content: n.content,
            tags: clean_tags(&n.tags),
            pinned: n.pinned,
        },
        Utc::now(),
    )
    .await?;
    let note = member::note(&state.pool, user.id, id).await?;
    Ok((StatusCode::CREATED, Json(json!(note))).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NotePatchRequest {
    pub title: Option<String>,
    pub content: Option<String>,
    pub tags: Option<Vec<String>>,
    pub pinned: Option<bool>,
}

pub async fn update_note(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Json(p): Json<NotePatchRequest>,
) -> Result<Json<Value>> {
    require_notes(&user)?;
    member::update_note(
        &mut *state.pool.acquire().await?,
        user.id,
        id,
        &member::NotePatch {
            title: p.title,
            content: p.content,
            tags: p.tags.as_deref().map(clean_tags),
            pinned: p.pinned,
        },
    )
    .await?;
    Ok(Json(json!(member::note(&state.pool, user.id, id).await?)))
}

pub async fn delete_note(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    require_notes(&user)?;
    member::delete_note(&state.pool, user.id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- notifications

#[derive(Debug, Default, Deserialize)]
pub struct NotificationParams {
    pub unread: Option<String>,
    pub page: Option<String>,
    pub limit: Option<String>,
}

pub async fn notifications_list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(p): Query<NotificationParams>,
) -> Result<Json<Value>> {
    let paging = Paging::parse(p.page.as_deref(), p.limit.as_deref(), 20)?;
    let unread_only = matches!(p.unread.as_deref(), Some("true" | "1"));
    let (items, total, unread) =
        member::notifications(&state.pool, user.id, unread_only, paging.page, paging.limit).await?;
    let mut v = paging.envelope(&items, total);
    v["unreadCount"] = json!(unread);
    Ok(Json(v))
}

#[derive(Debug, Deserialize)]
pub struct NotificationPatch {
    pub read: bool,
}

pub async fn notification_patch(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Json(p): Json<NotificationPatch>,
) -> Result<Json<Value>> {
    if !p.read {
        return Err(invalid("read"));
    }
    if !notifications::mark_read(&mut *state.pool.acquire().await?, user.id, id, Utc::now()).await?
    {
        return Err(Error::not_found());
    }
    Ok(Json(json!(
        member::notification(&state.pool, user.id, id).await?
    )))
}

pub async fn read_all(State(state): State<AppState>, user: CurrentUser) -> Result<StatusCode> {
    let mut conn = state.pool.acquire().await?;
    notifications::mark_all_read(&mut conn, user.id, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
