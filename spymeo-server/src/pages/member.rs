//! The member space `/user/*` (DOMAIN.md §8.2) as plain forms over the member API's
//! functions: appointments (cancel, reschedule), my practitioners, documents, favorites,
//! messaging, notes (PASS), notifications and the PASS page. Every form posts and redirects
//! with a flash message (post/redirect/get), so nothing needs JavaScript.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use serde_json::Value;
use spymeo_core::db::{agenda, community, inbox, member, pass_view};
use spymeo_core::domain::FavoriteTarget;
use uuid::Uuid;

use super::public::Pager;
use super::{Ctx, Flash, Layout, euros, render};
use crate::api::messaging::{self as msg, StartRequest};
use crate::api::{member as api, pass as pass_api};
use crate::auth::CurrentUser;
use crate::auth::access::safe_next;
use crate::error::{Error, Result};
use crate::middleware::flash_cookie;
use crate::state::AppState;

/// Redirect with a flash message shown by the next page.
pub fn redirect_flash(to: &str, kind: &str, message: &str) -> Response {
    let mut res = Redirect::to(to).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        flash_cookie(&Flash {
            kind: kind.into(),
            message: message.into(),
        }),
    );
    res
}

/// Success → back to `to` with `ok`; a refusal the member can act on → back with its message.
fn after(to: &str, result: Result<()>, ok: &str) -> Result<Response> {
    match result {
        Ok(()) => Ok(redirect_flash(to, "success", ok)),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            Ok(redirect_flash(to, "error", &e.message))
        }
        Err(e) => Err(e),
    }
}

pub fn paris(t: &DateTime<Utc>) -> String {
    super::dashboards::paris(t)
}

/// The member-space menu.
pub const MENU: &[(&str, &str)] = &[
    ("/user/tableau-de-bord", "Tableau de bord"),
    ("/user/rendez-vous/a-venir", "Rendez-vous"),
    ("/user/mes-praticiens", "Mes praticiens"),
    ("/user/documents", "Documents"),
    ("/user/favoris", "Favoris"),
    ("/user/messagerie", "Messagerie"),
    ("/user/notes", "Notes"),
    ("/user/notifications", "Notifications"),
    ("/user/pass", "PASS"),
];

// ---------------------------------------------------------------- appointments

#[derive(Template)]
#[template(path = "member/appointments.html")]
pub struct AppointmentsPage {
    pub layout: Layout,
    pub upcoming: bool,
    pub items: Vec<member::MyAppointment>,
    pub pager: Pager,
}

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    pub page: Option<String>,
}

fn page_of(q: &PageQuery) -> i64 {
    q.page
        .as_deref()
        .and_then(|p| p.parse::<i64>().ok())
        .filter(|p| (1..=10_000).contains(p))
        .unwrap_or(1)
}

async fn appointments(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    upcoming: bool,
    q: &PageQuery,
) -> Result<Response> {
    let page = page_of(q);
    let (items, total) =
        member::appointments(&state.pool, user.id, upcoming, page, 20, Utc::now()).await?;
    let (title, path) = if upcoming {
        ("Mes rendez-vous à venir", "/user/rendez-vous/a-venir")
    } else {
        ("Mes rendez-vous passés", "/user/rendez-vous/passes")
    };
    let page = AppointmentsPage {
        layout: ctx.layout(state, title, "Vos rendez-vous avec les praticiens SPYMEO."),
        upcoming,
        items,
        pager: Pager::new(path, page, 20, total),
    };
    Ok(render(StatusCode::OK, &page))
}

pub async fn appointments_root() -> Redirect {
    Redirect::to("/user/rendez-vous/a-venir")
}

pub async fn upcoming(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> Result<Response> {
    appointments(&state, &ctx, &user, true, &q).await
}

pub async fn past(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> Result<Response> {
    appointments(&state, &ctx, &user, false, &q).await
}

#[derive(Template)]
#[template(path = "member/appointment.html")]
pub struct AppointmentPage {
    pub layout: Layout,
    pub a: member::MyAppointment,
    pub documents: Vec<member::MyDocument>,
}

pub async fn appointment(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response> {
    let a = api::my_appointment(&state, &user, id).await?;
    let documents = member::documents_of_appointment(&state.pool, user.id, id).await?;
    let page = AppointmentPage {
        layout: ctx.layout(&state, &a.title, "Détail de votre rendez-vous."),
        a,
        documents,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Debug, Default, Deserialize)]
pub struct CancelForm {
    pub reason: Option<String>,
}

pub async fn cancel(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Form(f): Form<CancelForm>,
) -> Result<Response> {
    let result = api::cancel_appointment(&state, &user, id, f.reason.as_deref()).await;
    after(
        &format!("/user/rendez-vous/{id}"),
        result,
        "Rendez-vous annulé. Le praticien a été prévenu.",
    )
}

#[derive(Template)]
#[template(path = "member/reschedule.html")]
pub struct ReschedulePage {
    pub layout: Layout,
    pub a: member::MyAppointment,
    pub days: Vec<(String, Vec<(String, String)>)>,
}

/// The free slots of the same motif over the next 14 days, grouped by day.
pub async fn reschedule_form(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response> {
    let a = api::my_appointment(&state, &user, id).await?;
    if !a.can_cancel {
        return Ok(redirect_flash(
            &format!("/user/rendez-vous/{id}"),
            "error",
            "Ce rendez-vous ne peut plus être déplacé en ligne.",
        ));
    }
    let mut days: Vec<(String, Vec<(String, String)>)> = Vec::new();
    if let Some(type_id) = a.appointment_type_id {
        let now = Utc::now();
        let today = spymeo_core::domain::paris_date(now);
        let mut conn = state.pool.acquire().await?;
        let slots = agenda::available_slots(
            &mut conn,
            a.practitioner_id,
            type_id,
            today,
            today + Duration::days(13),
            now,
        )
        .await
        .or_else(|e| match e {
            spymeo_core::Error::NotFound => Ok(Vec::new()),
            e => Err(e),
        })?;
        for s in slots {
            let local = s.start.with_timezone(&spymeo_core::domain::PARIS);
            let day = super::dashboards::paris(&s.start)
                .split(" à ")
                .next()
                .unwrap_or_default()
                .to_owned();
            let value = s.start.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            let label = local.format("%H:%M").to_string();
            match days.last_mut() {
                Some((d, list)) if *d == day => list.push((value, label)),
                _ => days.push((day, vec![(value, label)])),
            }
        }
    }
    let page = ReschedulePage {
        layout: ctx.layout(
            &state,
            "Déplacer mon rendez-vous",
            "Choisissez un nouveau créneau.",
        ),
        a,
        days,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Debug, Deserialize)]
pub struct RescheduleForm {
    pub start: Option<String>,
}

pub async fn reschedule(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Form(f): Form<RescheduleForm>,
) -> Result<Response> {
    let Some(start) = f
        .start
        .as_deref()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
    else {
        return Ok(redirect_flash(
            &format!("/user/rendez-vous/{id}/deplacer"),
            "error",
            "Choisissez un créneau.",
        ));
    };
    match api::reschedule_appointment(&state, &user, id, start.to_utc()).await {
        Ok(new_id) => Ok(redirect_flash(
            &format!("/user/rendez-vous/{new_id}"),
            "success",
            "Rendez-vous déplacé.",
        )),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            Ok(redirect_flash(
                &format!("/user/rendez-vous/{id}/deplacer"),
                "error",
                &e.message,
            ))
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "member/practitioners.html")]
pub struct PractitionersPage {
    pub layout: Layout,
    pub items: Vec<member::MyPractitioner>,
}

pub async fn practitioners(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
) -> Result<Response> {
    let items = member::practitioners(&state.pool, user.id, Utc::now()).await?;
    let page = PractitionersPage {
        layout: ctx.layout(
            &state,
            "Mes praticiens",
            "Les praticiens que vous consultez.",
        ),
        items,
    };
    Ok(render(StatusCode::OK, &page))
}

// ---------------------------------------------------------------- documents

#[derive(Template)]
#[template(path = "member/documents.html")]
pub struct DocumentsPage {
    pub layout: Layout,
    pub items: Vec<member::MyDocument>,
    pub invoices: Vec<member::MyInvoice>,
    pub pager: Pager,
}

pub fn size_label(bytes: &Option<i64>) -> String {
    match bytes {
        Some(b) if *b >= 1024 * 1024 => format!("{:.1} Mo", *b as f64 / 1_048_576.0),
        Some(b) => format!("{} Ko", (b + 1023) / 1024),
        None => "lien".to_owned(),
    }
}

pub async fn documents(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> Result<Response> {
    let page = page_of(&q);
    let (items, total) = member::documents(&state.pool, user.id, page, 20).await?;
    let invoices = member::invoices(&state.pool, user.id).await?;
    let page = DocumentsPage {
        layout: ctx.layout(
            &state,
            "Mes documents",
            "Documents partagés par vos praticiens, documents personnels et factures.",
        ),
        items,
        invoices,
        pager: Pager::new("/user/documents", page, 20, total),
    };
    Ok(render(StatusCode::OK, &page))
}

pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    multipart: Multipart,
) -> Result<Response> {
    let result = async {
        let (bytes, title) = api::read_upload(multipart).await?;
        api::store_document(&state, &user, bytes, title)
            .await
            .map(|_| ())
    }
    .await;
    after("/user/documents", result, "Document ajouté.")
}

#[derive(Template)]
#[template(path = "member/document.html")]
pub struct DocumentPage {
    pub layout: Layout,
    pub d: member::MyDocument,
}

pub async fn document(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response> {
    let d = member::document(&state.pool, user.id, id)
        .await?
        .ok_or_else(Error::not_found)?;
    let page = DocumentPage {
        layout: ctx.layout(&state, &d.title, "Détail du document."),
        d,
    };
    Ok(render(StatusCode::OK, &page))
}

/// Streams one of my (or shared with me) documents; a shared link-only resource redirects to
/// its https URL.
pub async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response> {
    let d = member::document(&state.pool, user.id, id)
        .await?
        .ok_or_else(Error::not_found)?;
    if let Some(key) = &d.storage_key {
        let bytes = state.storage.get(key).await?;
        return Ok(attachment(d.mime_type.clone(), &d.title, bytes));
    }
    match &d.resource_url {
        Some(url) if url.starts_with("https://") => Ok(Redirect::to(url).into_response()),
        _ => Err(Error::not_found()),
    }
}

pub async fn delete_document(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response> {
    let result = api::remove_document(&state, &user, id).await;
    after("/user/documents", result, "Document supprimé.")
}

// ---------------------------------------------------------------- favorites

#[derive(Template)]
#[template(path = "member/favorites.html")]
pub struct FavoritesPage {
    pub layout: Layout,
    pub groups: Vec<(&'static str, Vec<member::MyFavorite>)>,
}

pub fn target_label(kind: &str) -> &'static str {
    match kind {
        "PRACTITIONER" => "Praticiens",
        "ARTISAN" => "Artisans",
        "MERCHANT" => "Commerçants",
        "CENTER" => "Centres de formation",
        "PRODUCT" => "Produits",
        "SERVICE" => "Créations artisanales",
        "FORMATION" => "Formations",
        _ => "Articles",
    }
}

pub async fn favorites(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
) -> Result<Response> {
    let all = member::favorites(&state.pool, user.id).await?;
    let mut groups: Vec<(&'static str, Vec<member::MyFavorite>)> = Vec::new();
    for kind in spymeo_core::db::public::SEARCH_TYPES {
        let list: Vec<_> = all.iter().filter(|f| f.kind == kind).cloned().collect();
        if !list.is_empty() {
            groups.push((target_label(kind), list));
        }
    }
    let page = FavoritesPage {
        layout: ctx.layout(
            &state,
            "Mes favoris",
            "Vos professionnels, produits et articles favoris.",
        ),
        groups,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FavoriteForm {
    pub target_type: String,
    pub target_id: Uuid,
    pub back: Option<String>,
    pub remove: Option<String>,
}

/// Add (or, with `remove`, take back) a favorite, then return to the page it came from.
pub async fn favorite(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<FavoriteForm>,
) -> Result<Response> {
    let back = safe_next(f.back.as_deref()).unwrap_or_else(|| "/user/favoris".into());
    let target: FavoriteTarget = serde_json::from_value(Value::String(f.target_type.clone()))
        .map_err(|_| crate::api::public::invalid("targetType"))?;
    if f.remove.is_some() {
        member::remove_favorite(&state.pool, user.id, target, f.target_id).await?;
        return Ok(redirect_flash(&back, "success", "Retiré de vos favoris."));
    }
    let mut conn = state.pool.acquire().await?;
    community::add_favorite(&mut conn, user.id, target, f.target_id, Utc::now()).await?;
    Ok(redirect_flash(&back, "success", "Ajouté à vos favoris."))
}

// ---------------------------------------------------------------- messaging

#[derive(Template)]
#[template(path = "member/conversations.html")]
pub struct ConversationsPage {
    pub layout: Layout,
    pub items: Vec<inbox::ConversationSummary>,
    pub pager: Pager,
}

pub async fn conversations(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> Result<Response> {
    let page = page_of(&q);
    let (items, total) = inbox::conversations(&state.pool, user.id, page, 20).await?;
    let page = ConversationsPage {
        layout: ctx.layout(
            &state,
            "Messagerie",
            "Vos conversations avec les professionnels.",
        ),
        items,
        pager: Pager::new("/user/messagerie", page, 20, total),
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "member/new_message.html")]
pub struct NewMessagePage {
    pub layout: Layout,
    pub to: Uuid,
    pub name: String,
}

#[derive(Debug, Deserialize)]
pub struct ToQuery {
    pub to: Option<Uuid>,
}

pub async fn new_message(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(q): Query<ToQuery>,
) -> Result<Response> {
    let to = q.to.ok_or_else(Error::not_found)?;
    // An existing conversation opens directly.
    if let Some(id) = inbox::direct(&state.pool, user.id, to).await? {
        return Ok(Redirect::to(&format!("/user/messagerie/{id}")).into_response());
    }
    let name = inbox::public_pro_name(&state.pool, to)
        .await?
        .ok_or_else(Error::not_found)?;
    let page = NewMessagePage {
        layout: ctx.layout(&state, &format!("Écrire à {name}"), "Nouveau message."),
        to,
        name,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Debug, Deserialize)]
pub struct NewMessageForm {
    pub to: Uuid,
    pub subject: Option<String>,
    #[serde(default)]
    pub body: String,
}

pub async fn send_new(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<NewMessageForm>,
) -> Result<Response> {
    let r = StartRequest {
        recipient_user_id: f.to,
        subject: f.subject,
        body: f.body,
    };
    match msg::start_conversation(&state, &user, &r).await {
        Ok((id, _)) => Ok(redirect_flash(
            &format!("/user/messagerie/{id}"),
            "success",
            "Message envoyé.",
        )),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            Ok(redirect_flash(
                &format!("/user/messagerie/nouveau?to={}", f.to),
                "error",
                &e.message,
            ))
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "member/thread.html")]
pub struct ThreadPage {
    pub layout: Layout,
    pub c: inbox::ConversationSummary,
    pub me: Uuid,
    pub messages: Vec<inbox::Message>,
    pub older: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ThreadQuery {
    pub before: Option<DateTime<Utc>>,
}

pub async fn thread(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Query(q): Query<ThreadQuery>,
) -> Result<Response> {
    let c = inbox::conversation(&state.pool, user.id, id).await?;
    let (mut messages, next) = inbox::messages(&state.pool, user.id, id, q.before, 50).await?;
    messages.reverse();
    if q.before.is_none() {
        let mut conn = state.pool.acquire().await?;
        spymeo_core::db::messaging::mark_read(&mut conn, id, user.id, Utc::now()).await?;
    }
    let older = next.map(|t| {
        format!(
            "/user/messagerie/{id}?before={}",
            crate::auth::access::urlencode(&t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
        )
    });
    let page = ThreadPage {
        layout: ctx.layout(
            &state,
            &format!("Conversation avec {}", c.other_name),
            "Vos messages.",
        ),
        c,
        me: user.id,
        messages,
        older,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Debug, Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    pub body: String,
}

pub async fn reply(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Form(f): Form<ReplyForm>,
) -> Result<Response> {
    let result = msg::post_in(&state, &user, id, &f.body, None)
        .await
        .map(|_| ());
    after(&format!("/user/messagerie/{id}"), result, "Message envoyé.")
}

// ---------------------------------------------------------------- notes

#[derive(Template)]
#[template(path = "member/notes.html")]
pub struct NotesPage {
    pub layout: Layout,
    pub allowed: bool,
    pub notes: Vec<member::Note>,
    pub q: String,
    pub tag: String,
    pub pager: Pager,
}

#[derive(Debug, Default, Deserialize)]
pub struct NotesQuery {
    pub q: Option<String>,
    pub tag: Option<String>,
    pub page: Option<String>,
}

pub async fn notes(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(q): Query<NotesQuery>,
) -> Result<Response> {
    let allowed = msg::require_notes(&user).is_ok();
    let page = page_of(&PageQuery {
        page: q.page.clone(),
    });
    let qq = q.q.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let tag = q.tag.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let (notes, total) = if allowed {
        member::notes(&state.pool, user.id, qq, tag, page, 20).await?
    } else {
        (Vec::new(), 0)
    };
    let page = NotesPage {
        layout: ctx.layout(&state, "Mes notes", "Votre carnet de notes bien-être."),
        allowed,
        notes,
        q: qq.unwrap_or_default().to_owned(),
        tag: tag.unwrap_or_default().to_owned(),
        pager: Pager::new("/user/notes", page, 20, total),
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Debug, Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub tags: String,
    pub pinned: Option<String>,
}

fn tags_of(s: &str) -> Vec<String> {
    msg::clean_tags(&s.split(',').map(str::to_owned).collect::<Vec<_>>())
}

pub async fn create_note(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<NoteForm>,
) -> Result<Response> {
    if let Err(e) = msg::require_notes(&user) {
        return Ok(redirect_flash("/user/notes", "error", &e.message));
    }
    let result = async {
        let mut conn = state.pool.acquire().await?;
        community::create_note(
            &mut conn,
            user.id,
            &community::NoteInput {
                title: f.title,
                content: f.content,
                tags: tags_of(&f.tags),
                pinned: f.pinned.is_some(),
            },
            Utc::now(),
        )
        .await?;
        Ok(())
    }
    .await;
    after("/user/notes", result, "Note enregistrée.")
}

pub async fn update_note(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Form(f): Form<NoteForm>,
) -> Result<Response> {
    if let Err(e) = msg::require_notes(&user) {
        return Ok(redirect_flash("/user/notes", "error", &e.message));
    }
    let result = async {
        let mut conn = state.pool.acquire().await?;
        member::update_note(
            &mut conn,
            user.id,
            id,
            &member::NotePatch {
                title: Some(f.title),
                content: Some(f.content),
                tags: Some(tags_of(&f.tags)),
                pinned: Some(f.pinned.is_some()),
            },
        )
        .await?;
        Ok(())
    }
    .await;
    after("/user/notes", result, "Note mise à jour.")
}

pub async fn delete_note(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response> {
    if let Err(e) = msg::require_notes(&user) {
        return Ok(redirect_flash("/user/notes", "error", &e.message));
    }
    let result = member::delete_note(&state.pool, user.id, id)
        .await
        .map_err(Error::from);
    after("/user/notes", result, "Note supprimée.")
}

// ---------------------------------------------------------------- notifications

#[derive(Template)]
#[template(path = "member/notifications.html")]
pub struct NotificationsPage {
    pub layout: Layout,
    pub items: Vec<member::Notification>,
    pub unread: i64,
    pub pager: Pager,
}

pub async fn notifications(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> Result<Response> {
    let page = page_of(&q);
    let (items, total, unread) =
        member::notifications(&state.pool, user.id, false, page, 30).await?;
    let page = NotificationsPage {
        layout: ctx.layout(&state, "Notifications", "Vos notifications."),
        items,
        unread,
        pager: Pager::new("/user/notifications", page, 30, total),
    };
    Ok(render(StatusCode::OK, &page))
}

pub async fn read_all(State(state): State<AppState>, user: CurrentUser) -> Result<Response> {
    let mut conn = state.pool.acquire().await?;
    spymeo_core::db::notifications::mark_all_read(&mut conn, user.id, Utc::now()).await?;
    Ok(redirect_flash(
        "/user/notifications",
        "success",
        "Toutes les notifications sont lues.",
    ))
}

// ---------------------------------------------------------------- PASS

#[derive(Template)]
#[template(path = "member/pass.html")]
pub struct PassPage {
    pub layout: Layout,
    pub first_name: String,
    pub member_id: Uuid,
    pub state: Option<pass_view::PassState>,
    pub active: bool,
    pub resources: Vec<pass_view::PassResource>,
    pub discounts: Vec<pass_view::Discount>,
    pub monthly: String,
    pub annual: String,
    pub address: Option<Value>,
    pub tab: String,
}

impl PassPage {
    pub fn addr(&self, key: &str) -> String {
        self.address
            .as_ref()
            .and_then(|a| a[key].as_str())
            .unwrap_or_default()
            .to_owned()
    }

    pub fn carnet_label(&self) -> &'static str {
        match self.state.as_ref().map(|s| s.carnet_status.as_str()) {
            Some("PENDING") => "en attente d'expédition",
            Some("PROCESSING") => "en préparation",
            Some("SHIPPED") => "expédié",
            Some("DELIVERED") => "livré",
            _ => "pas encore disponible",
        }
    }

    pub fn status_label(&self) -> &'static str {
        match self.state.as_ref().map(|s| s.status.as_str()) {
            Some("ACTIVE") => "actif",
            Some("PAST_DUE") => "paiement en retard",
            Some("PAUSED") => "en pause",
            Some("CANCELLED") => "résilié",
            Some("EXPIRED") => "expiré",
            Some("PENDING_PAYMENT") => "en attente de paiement",
            _ => "aucun",
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct TabQuery {
    pub onglet: Option<String>,
}

/// A PASS booklet's file, for members with PASS benefits; 404 for everyone else, as if
/// it did not exist (DOMAIN.md §7.2: contents are for PASS members only).
pub async fn pass_resource_download(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response> {
    if !pass_api::has_benefits(&user) {
        return Err(Error::not_found());
    }
    let (key, title) = pass_view::resource_file(&state.pool, id, Utc::now())
        .await?
        .ok_or_else(Error::not_found)?;
    let bytes = state.storage.get(&key).await?;
    Ok(attachment(
        "application/pdf".to_owned(),
        &format!("{title}.pdf"),
        bytes,
    ))
}

/// A private file download: a filename the header can carry, never cached on the way.
fn attachment(mime: String, filename: &str, bytes: Vec<u8>) -> Response {
    let safe: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, mime),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{safe}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

pub async fn pass_page(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(q): Query<TabQuery>,
) -> Result<Response> {
    let s = pass_view::state(&state.pool, user.id).await?;
    let active = pass_api::has_benefits(&user);
    let resources = pass_view::resources(&state.pool, None, active, Utc::now()).await?;
    let resources = resources.into_iter().take(12).collect();
    let (discounts, _) = pass_view::discounts(&state.pool, None, None, 1, 50).await?;
    let tab = match q.onglet.as_deref() {
        Some(t @ ("ressources" | "reductions" | "carnet" | "offre")) => t.to_owned(),
        _ => "ressources".to_owned(),
    };
    let page = PassPage {
        layout: ctx.layout(
            &state,
            "Mon PASS",
            "Ressources, réductions, carnet de vie et formule.",
        ),
        first_name: user.first_name.clone().unwrap_or_default(),
        member_id: user.id,
        address: s.as_ref().and_then(|s| s.carnet_address.clone()),
        state: s,
        active,
        resources,
        discounts,
        monthly: euros(spymeo_core::domain::pass::MONTHLY_PRICE_CENTS.into()),
        annual: euros(spymeo_core::domain::pass::ANNUAL_PRICE_CENTS.into()),
        tab,
    };
    Ok(render(StatusCode::OK, &page))
}

pub async fn pass_legacy() -> Redirect {
    Redirect::permanent("/user/pass")
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CarnetForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub line1: String,
    pub line2: Option<String>,
    #[serde(default)]
    pub postal_code: String,
    #[serde(default)]
    pub city: String,
}

pub async fn carnet(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<CarnetForm>,
) -> Result<Response> {
    let result = pass_api::save_carnet_address(
        &state,
        &user,
        pass_api::CarnetRequest {
            name: f.name,
            line1: f.line1,
            line2: f.line2,
            postal_code: f.postal_code,
            city: f.city,
        },
    )
    .await;
    after(
        "/user/pass?onglet=carnet",
        result,
        "Adresse de livraison enregistrée.",
    )
}

#[derive(Debug, Deserialize)]
pub struct PlanForm {
    pub plan: String,
}

pub async fn switch_plan(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<PlanForm>,
) -> Result<Response> {
    let plan = match f.plan.as_str() {
        "ANNUAL" => spymeo_core::domain::PassPlan::Annual,
        _ => spymeo_core::domain::PassPlan::Monthly,
    };
    let result = pass_api::switch_plan(&state, &user, plan).await;
    after(
        "/user/pass?onglet=offre",
        result,
        "C'est noté : la nouvelle formule s'appliquera au prochain renouvellement.",
    )
}

pub async fn pause(State(state): State<AppState>, user: CurrentUser) -> Result<Response> {
    let result = async {
        let mut conn = state.pool.acquire().await?;
        spymeo_core::db::pass::pause(&mut conn, user.id, Utc::now()).await?;
        Ok(())
    }
    .await;
    after(
        "/user/pass?onglet=offre",
        result,
        "Votre PASS est en pause pour 30 jours.",
    )
}

pub async fn cancel_pass(State(state): State<AppState>, user: CurrentUser) -> Result<Response> {
    let result = async {
        let mut conn = state.pool.acquire().await?;
        spymeo_core::db::pass::cancel_at_period_end(&mut conn, user.id).await?;
        Ok(())
    }
    .await;
    after(
        "/user/pass?onglet=offre",
        result,
        "Résiliation enregistrée : votre PASS reste actif jusqu'à la fin de la période payée.",
    )
}
