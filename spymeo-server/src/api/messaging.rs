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
use crate::api::input::Body;
use crate::auth::{CurrentUser, Role};
use crate::error::{Error, Result};
use crate::state::AppState;

/// This module's part of the OpenAPI document (joined in `api::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    conversations,
    start,
    messages,
    post,
    read,
    delete_message,
    notes,
    create_note,
    update_note,
    delete_note,
    notifications_list,
    notification_patch,
    read_all,
))]
pub struct ApiDoc;

// ---------------------------------------------------------------- OpenAPI descriptions

/// The other participant of a conversation.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)] // describes `otherParticipant` of `summary_json`
pub struct MsgParticipant {
    /// Null quand l'autre participant a quitté la conversation.
    #[schema(required = true)]
    pub id: Option<Uuid>,
    /// Nom public (pro) ou prénom et nom ; « Utilisateur supprimé » sinon.
    pub name: String,
    #[schema(required = true)]
    pub avatar_url: Option<String>,
    /// Son rôle : PRACTITIONER, ARTISAN, COMMERCANT, CENTER, FREE_USER, PASS_USER, ADMIN.
    #[schema(required = true, example = "PRACTITIONER")]
    pub kind: Option<String>,
    /// Sa page publique quand c'est un pro vérifié.
    #[schema(required = true)]
    pub href: Option<String>,
}

/// The last message of a conversation.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)] // describes `lastMessage` of `summary_json`
pub struct MsgLastMessage {
    /// Vide quand le message a été supprimé.
    #[schema(required = true)]
    pub body: Option<String>,
    pub at: DateTime<Utc>,
    #[schema(required = true)]
    pub sender_id: Option<Uuid>,
}

/// One of my conversations.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)] // describes what `summary_json` writes
pub struct MsgConversation {
    pub id: Uuid,
    #[schema(required = true)]
    pub subject: Option<String>,
    pub other_participant: MsgParticipant,
    /// Null tant qu'aucun message n'a été écrit.
    #[schema(required = true)]
    pub last_message: Option<MsgLastMessage>,
    pub unread_count: i64,
    #[schema(required = true)]
    pub last_message_at: Option<DateTime<Utc>>,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes `Paging::envelope` of `conversations`
pub struct MsgConversationPage {
    pub items: Vec<MsgConversation>,
    pub page: i64,
    pub limit: i64,
    pub total: i64,
}

/// The conversation a first message went to.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MsgStarted {
    pub conversation_id: Uuid,
}

/// One message of a thread.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)] // describes `inbox::Message`
pub struct MsgMessage {
    pub id: Uuid,
    #[schema(required = true)]
    pub sender_id: Option<Uuid>,
    /// Vide quand le message a été supprimé par son auteur.
    pub body: String,
    #[schema(required = true)]
    pub attachment_document_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub deleted: bool,
}

/// A page of a thread, newest first.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)] // describes what `messages` writes
pub struct MsgThreadPage {
    pub items: Vec<MsgMessage>,
    /// Curseur `before` de la page suivante (plus ancienne) ; null quand il n'y en a plus.
    #[schema(required = true)]
    pub next_before: Option<DateTime<Utc>>,
}

/// The message just posted.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MsgPosted {
    pub id: Uuid,
    pub conversation_id: Uuid,
    pub sender_id: Uuid,
    /// Le texte enregistré (sans les blancs de début et de fin).
    pub body: String,
}

/// A note (DOMAIN.md §6.6).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)] // describes `member::Note`
pub struct MsgNote {
    pub id: Uuid,
    pub title: String,
    pub content: String,
    pub tags: Vec<String>,
    pub pinned: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes `Paging::envelope` of `notes`
pub struct MsgNotePage {
    pub items: Vec<MsgNote>,
    pub page: i64,
    pub limit: i64,
    pub total: i64,
}

/// A notification.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)] // describes `member::Notification`
pub struct MsgNotification {
    pub id: Uuid,
    /// APPOINTMENT_BOOKED, MESSAGE_RECEIVED, PASS_ACTIVATED…
    #[serde(rename = "type")]
    #[schema(example = "MESSAGE_RECEIVED")]
    pub kind: String,
    pub title: String,
    pub body: String,
    #[schema(required = true)]
    pub link: Option<String>,
    #[schema(required = true)]
    pub read_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A page of notifications and my unread count.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)] // describes what `notifications_list` writes
pub struct MsgNotificationPage {
    pub items: Vec<MsgNotification>,
    pub page: i64,
    pub limit: i64,
    pub total: i64,
    /// Toutes mes notifications non lues (quel que soit le filtre).
    pub unread_count: i64,
}

fn read_true() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::Boolean)
        .enum_values(Some([true]))
        .description(Some("Seule valeur acceptée : true"))
        .build()
}

/// DOMAIN.md §6.1: messages 30/min per user.
pub const MESSAGES: Limit = Limit {
    max: 30,
    window: Duration::minutes(1),
};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    #[param(value_type = Option<i64>, minimum = 1, maximum = 10000)]
    pub page: Option<String>,
    /// 20 par défaut.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
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

/// My conversations, most recent first.
#[utoipa::path(get, path = "/api/user/conversations", tag = "messaging",
    params(PageParams),
    responses((status = 200, description = "Mes conversations", body = MsgConversationPage)))]
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

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = MsgStartRequest)]
pub struct StartRequest {
    /// Le destinataire (un pro public pour un membre, un client lié pour un pro…).
    pub recipient_user_id: Uuid,
    #[schema(max_length = 200)]
    pub subject: Option<String>,
    /// Texte non vide, 5 000 caractères au plus.
    #[schema(min_length = 1, max_length = 5000, pattern = "\\S")]
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

/// Writes to someone.
///
/// Finds or creates our direct conversation (201 when created, 200 when it existed) and
/// posts the message.
#[utoipa::path(post, path = "/api/user/conversations", tag = "messaging",
    request_body = StartRequest,
    responses(
        (status = 201, description = "Conversation créée, message envoyé", body = MsgStarted),
        (status = 200, description = "Message ajouté à la conversation existante", body = MsgStarted),
        (status = 403, description = "Destinataire interdit (FORBIDDEN_RECIPIENT) ou accès refusé", body = crate::api::openapi::ErrorEnvelope),
        (status = 404, description = "Destinataire inconnu ou inactif (NOT_FOUND)", body = crate::api::openapi::ErrorEnvelope),
        (status = 429, description = "Plus de 30 messages dans la minute (RATE_LIMITED)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn start(
    State(state): State<AppState>,
    user: CurrentUser,
    Body(r): Body<StartRequest>,
) -> Result<Response> {
    let (id, created) = start_conversation(&state, &user, &r).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(MsgStarted {
            conversation_id: id,
        }),
    )
        .into_response())
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ThreadParams {
    /// Curseur : les messages strictement antérieurs (`nextBefore` de la page précédente).
    pub before: Option<DateTime<Utc>>,
    /// 50 par défaut.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
}

/// A page of a conversation I take part in, newest first.
#[utoipa::path(get, path = "/api/user/conversations/{id}/messages", tag = "messaging",
    params(("id" = Uuid, Path, description = "Conversation"), ThreadParams),
    responses((status = 200, description = "Les messages", body = MsgThreadPage)))]
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

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = MsgPostRequest)]
pub struct PostRequest {
    /// Texte non vide, 5 000 caractères au plus.
    #[schema(min_length = 1, max_length = 5000, pattern = "\\S")]
    pub body: String,
    /// Un de mes documents (ou partagé avec moi) joint au message.
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

/// Posts in a conversation I take part in.
#[utoipa::path(post, path = "/api/user/conversations/{id}/messages", tag = "messaging",
    params(("id" = Uuid, Path, description = "Conversation")),
    request_body = PostRequest,
    responses(
        (status = 201, description = "Message envoyé", body = MsgPosted),
        (status = 429, description = "Plus de 30 messages dans la minute (RATE_LIMITED)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn post(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Body(r): Body<PostRequest>,
) -> Result<Response> {
    let mid = post_in(&state, &user, id, &r.body, r.attachment_document_id).await?;
    Ok((
        StatusCode::CREATED,
        Json(MsgPosted {
            id: mid,
            conversation_id: id,
            sender_id: user.id,
            body: r.body.trim().to_owned(),
        }),
    )
        .into_response())
}

/// Marks a conversation read (and its message notifications).
#[utoipa::path(post, path = "/api/user/conversations/{id}/read", tag = "messaging",
    params(("id" = Uuid, Path, description = "Conversation")),
    responses((status = 204, description = "Conversation lue")))]
pub async fn read(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    let mut conn = state.pool.acquire().await?;
    messaging::mark_read(&mut conn, id, user.id, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes one of my messages (its text is blanked for everyone).
#[utoipa::path(delete, path = "/api/user/conversations/{id}/messages/{mid}", tag = "messaging",
    params(
        ("id" = Uuid, Path, description = "Conversation"),
        ("mid" = Uuid, Path, description = "Message dont je suis l'auteur"),
    ),
    responses((status = 204, description = "Message supprimé")))]
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

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NoteParams {
    /// Recherche dans le titre et le contenu (sans accents ni casse).
    pub q: Option<String>,
    /// Une étiquette exacte.
    pub tag: Option<String>,
    #[param(value_type = Option<i64>, minimum = 1, maximum = 10000)]
    pub page: Option<String>,
    /// 20 par défaut.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
}

/// My notes, pinned first then most recently updated.
///
/// A PASS benefit: FREE_USER answers 403 PASS_REQUIRED.
#[utoipa::path(get, path = "/api/notes", tag = "messaging",
    params(NoteParams),
    responses((status = 200, description = "Mes notes", body = MsgNotePage)))]
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

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = MsgNoteRequest)]
pub struct NoteRequest {
    /// Titre non vide, 200 caractères au plus.
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 100000)]
    pub content: String,
    /// Étiquettes (normalisées : sans `#`, en minuscules ; 20 au plus gardées).
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

/// Creates a note (PASS members, pros and admins).
#[utoipa::path(post, path = "/api/notes", tag = "messaging",
    request_body = NoteRequest,
    responses((status = 201, description = "Note créée", body = MsgNote)))]
pub async fn create_note(
    State(state): State<AppState>,
    user: CurrentUser,
    Body(n): Body<NoteRequest>,
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

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = MsgNotePatch)]
pub struct NotePatchRequest {
    /// Absent ou null : inchangé.
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub title: Option<String>,
    #[schema(max_length = 100000)]
    pub content: Option<String>,
    pub tags: Option<Vec<String>>,
    pub pinned: Option<bool>,
}

/// Updates a note of mine (absent or null fields are unchanged).
#[utoipa::path(patch, path = "/api/notes/{id}", tag = "messaging",
    params(("id" = Uuid, Path, description = "Note")),
    request_body = NotePatchRequest,
    responses((status = 200, description = "La note modifiée", body = MsgNote)))]
pub async fn update_note(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Body(p): Body<NotePatchRequest>,
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

/// Deletes a note of mine.
#[utoipa::path(delete, path = "/api/notes/{id}", tag = "messaging",
    params(("id" = Uuid, Path, description = "Note")),
    responses((status = 204, description = "Note supprimée")))]
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

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationParams {
    /// `true` ou `1` : les non lues seulement (toute autre valeur : toutes).
    #[param(example = "true")]
    pub unread: Option<String>,
    #[param(value_type = Option<i64>, minimum = 1, maximum = 10000)]
    pub page: Option<String>,
    /// 20 par défaut.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
}

/// My notifications, newest first, with my unread count.
#[utoipa::path(get, path = "/api/notifications", tag = "messaging",
    params(NotificationParams),
    responses((status = 200, description = "Mes notifications", body = MsgNotificationPage)))]
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

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = MsgNotificationPatch)]
pub struct NotificationPatch {
    /// Seule valeur acceptée : `true` (marquer lue).
    #[schema(schema_with = read_true)]
    pub read: bool,
}

/// Marks one of my notifications read (`{read: true}`).
#[utoipa::path(patch, path = "/api/notifications/{id}", tag = "messaging",
    params(("id" = Uuid, Path, description = "Notification")),
    request_body = NotificationPatch,
    responses((status = 200, description = "La notification", body = MsgNotification)))]
pub async fn notification_patch(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Body(p): Body<NotificationPatch>,
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

/// Marks all my notifications read.
#[utoipa::path(post, path = "/api/notifications/read-all", tag = "messaging",
    responses((status = 204, description = "Toutes lues")))]
pub async fn read_all(State(state): State<AppState>, user: CurrentUser) -> Result<StatusCode> {
    let mut conn = state.pool.acquire().await?;
    notifications::mark_all_read(&mut conn, user.id, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
