//! The public JSON API (DOMAIN.md §6.4): listings, profiles, catalogue items, the PASS check
//! and the blog. Booking endpoints live with the agenda (issue 4), not here.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Value, json};
use spymeo_core::db::pros::ProKind;
use spymeo_core::db::public::{self as db, ListFilter};
use uuid::Uuid;

use crate::auth::MaybeUser;
use crate::error::{Error, Result};
use crate::state::AppState;

/// `?page&limit` (DOMAIN.md §6.1: limit ≤ 100).
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub page: i64,
    pub limit: i64,
}

impl Paging {
    pub fn parse(page: Option<&str>, limit: Option<&str>, default_limit: i64) -> Result<Self> {
        let num = |v: Option<&str>, field: &'static str, default: i64| -> Result<i64> {
            match v.map(str::trim).filter(|s| !s.is_empty()) {
                None => Ok(default),
                Some(s) => s.parse::<i64>().map_err(|_| invalid(field)),
            }
        };
        let page = num(page, "page", 1)?;
        let limit = num(limit, "limit", default_limit)?;
        if !(1..=10_000).contains(&page) {
            return Err(invalid("page"));
        }
        if !(1..=100).contains(&limit) {
            return Err(invalid("limit"));
        }
        Ok(Paging { page, limit })
    }

    pub fn envelope<T: serde::Serialize>(&self, items: &[T], total: i64) -> Value {
        json!({ "items": items, "page": self.page, "limit": self.limit, "total": total })
    }
}

pub fn invalid(field: &'static str) -> Error {
    let mut e = Error::new(
        StatusCode::BAD_REQUEST,
        "VALIDATION_FAILED",
        "Certains paramètres sont invalides",
    );
    e.fields.push((field, "valeur invalide".into()));
    e
}

fn flag(v: &Option<String>) -> bool {
    matches!(v.as_deref(), Some("true" | "1" | "on" | "oui"))
}

/// Query of the four listings (`specialty` for practitioners, `category` for the others).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListParams {
    pub q: Option<String>,
    pub specialty: Option<String>,
    pub category: Option<String>,
    pub city: Option<String>,
    pub pass_only: Option<String>,
    pub online: Option<String>,
    pub page: Option<String>,
    pub limit: Option<String>,
}

impl ListParams {
    pub fn filter(&self, default_limit: i64) -> Result<ListFilter> {
        let paging = Paging::parse(self.page.as_deref(), self.limit.as_deref(), default_limit)?;
        for (field, v) in [("q", &self.q), ("city", &self.city)] {
            if v.as_ref().is_some_and(|s| s.chars().count() > 100) {
                return Err(invalid(field));
            }
        }
        Ok(ListFilter {
            q: self.q.clone(),
            category: self.specialty.clone().or_else(|| self.category.clone()),
            city: self.city.clone(),
            pass_only: flag(&self.pass_only),
            online_only: flag(&self.online),
            page: paging.page,
            limit: paging.limit,
        })
    }
}

async fn list(state: &AppState, kind: ProKind, p: ListParams) -> Result<Json<Value>> {
    let f = p.filter(20)?;
    let (items, total) = db::list_pros(&state.pool, kind, &f).await?;
    Ok(Json(json!({
        "items": items, "page": f.page, "limit": f.limit, "total": total
    })))
}

pub async fn practitioners(
    State(state): State<AppState>,
    Query(p): Query<ListParams>,
) -> Result<Json<Value>> {
    list(&state, ProKind::Practitioner, p).await
}

pub async fn artisans(
    State(state): State<AppState>,
    Query(p): Query<ListParams>,
) -> Result<Json<Value>> {
    list(&state, ProKind::Artisan, p).await
}

pub async fn merchants(
    State(state): State<AppState>,
    Query(p): Query<ListParams>,
) -> Result<Json<Value>> {
    list(&state, ProKind::Merchant, p).await
}

pub async fn centers(
    State(state): State<AppState>,
    Query(p): Query<ListParams>,
) -> Result<Json<Value>> {
    list(&state, ProKind::Center, p).await
}

async fn profile_or_404(state: &AppState, kind: ProKind, slug: &str) -> Result<db::ProProfile> {
    db::profile(&state.pool, kind, slug)
        .await?
        .ok_or_else(Error::not_found)
}

fn pass_json(p: &db::ProProfile) -> Value {
    json!({ "enabled": p.card.pass_rate_pct.is_some(), "ratePct": p.card.pass_rate_pct })
}

pub async fn practitioner(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Value>> {
    let p = profile_or_404(&state, ProKind::Practitioner, &slug).await?;
    let types = db::bookable_types(&state.pool, p.id).await?;
    let accept = db::accepts_new_clients(&state.pool, p.id).await?;
    Ok(Json(json!({
        "profile": p, "appointmentTypes": types, "acceptNewClients": accept, "pass": pass_json(&p),
    })))
}

pub async fn artisan(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Value>> {
    let p = profile_or_404(&state, ProKind::Artisan, &slug).await?;
    let services = db::services_of(&state.pool, p.id).await?;
    Ok(Json(
        json!({ "profile": p, "services": services, "pass": pass_json(&p) }),
    ))
}

pub async fn merchant(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Value>> {
    let p = profile_or_404(&state, ProKind::Merchant, &slug).await?;
    let products = db::products_of(&state.pool, p.id).await?;
    Ok(Json(
        json!({ "profile": p, "products": products, "pass": pass_json(&p) }),
    ))
}

pub async fn center(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Value>> {
    let p = profile_or_404(&state, ProKind::Center, &slug).await?;
    let formations = db::formations_of(&state.pool, p.id, Utc::now()).await?;
    Ok(Json(
        json!({ "profile": p, "formations": formations, "pass": pass_json(&p) }),
    ))
}

pub async fn service(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Value>> {
    let (item, owner) = db::item(&state.pool, ProKind::Artisan, &slug)
        .await?
        .ok_or_else(Error::not_found)?;
    Ok(Json(json!({ "item": item, "owner": owner.card })))
}

pub async fn product(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Value>> {
    let (item, owner) = db::item(&state.pool, ProKind::Merchant, &slug)
        .await?
        .ok_or_else(Error::not_found)?;
    Ok(Json(json!({ "item": item, "owner": owner.card })))
}

pub async fn formation(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Value>> {
    let (f, owner) = db::formation(&state.pool, &slug, Utc::now())
        .await?
        .ok_or_else(Error::not_found)?;
    Ok(Json(
        json!({ "item": f, "sessions": f.next_sessions, "owner": owner.card }),
    ))
}

/// `GET /api/public/pass/{userId}`: a partner's PASS terms, nothing else (an unknown or
/// malformed id answers the default, so the endpoint reveals no account's existence).
pub async fn pass_check(
    State(state): State<AppState>,
    Path(user_id): Path<String>,
) -> Result<Json<Value>> {
    let (enabled, rate) = match Uuid::parse_str(&user_id) {
        Ok(id) => db::pass_check(&state.pool, id).await?,
        Err(_) => (false, 10),
    };
    Ok(Json(json!({ "enabled": enabled, "rate": rate })))
}

#[derive(Debug, Default, Deserialize)]
pub struct BlogParams {
    pub category: Option<String>,
    pub tag: Option<String>,
    pub q: Option<String>,
    pub page: Option<String>,
    pub limit: Option<String>,
}

impl BlogParams {
    pub fn filter(&self, default_limit: i64) -> Result<db::BlogFilter> {
        let paging = Paging::parse(self.page.as_deref(), self.limit.as_deref(), default_limit)?;
        Ok(db::BlogFilter {
            category: self.category.clone(),
            tag: self.tag.clone(),
            q: self.q.clone(),
            page: paging.page,
            limit: paging.limit,
        })
    }
}

pub async fn blog_posts(
    State(state): State<AppState>,
    Query(p): Query<BlogParams>,
) -> Result<Json<Value>> {
    let f = p.filter(12)?;
    let (items, total) = db::articles(&state.pool, &f).await?;
    Ok(Json(
        json!({ "items": items, "page": f.page, "limit": f.limit, "total": total }),
    ))
}

/// The article; counts a view once per viewer and day (session, else client address).
pub async fn blog_post(
    State(state): State<AppState>,
    user: MaybeUser,
    headers: axum::http::HeaderMap,
    Path(slug): Path<String>,
) -> Result<Json<Value>> {
    let a = db::article(&state.pool, &slug)
        .await?
        .ok_or_else(Error::not_found)?;
    let viewer = viewer_key(&user, &headers);
    db::count_view(&state.pool, a.summary.id, &viewer, Utc::now()).await?;
    let mut v = serde_json::to_value(&a).map_err(|_| Error::internal())?;
    if let Some(u) = &user.0 {
        let (liked, fav) = db::article_marks(&state.pool, a.summary.id, u.id).await?;
        v["likedByMe"] = json!(liked);
        v["favoriteByMe"] = json!(fav);
    }
    Ok(Json(v))
}

/// Who is viewing, for the once-a-day view count: the account, else a hash of the address and
/// browser (never stored in clear).
pub fn viewer_key(user: &MaybeUser, headers: &axum::http::HeaderMap) -> String {
    if let Some(u) = &user.0 {
        return u.id.to_string();
    }
    use sha2::Digest as _;
    let mut h = sha2::Sha256::new();
    for name in ["x-forwarded-for", "user-agent"] {
        if let Some(v) = headers.get(name) {
            h.update(v.as_bytes());
        }
    }
    hex::encode(&h.finalize()[..12])
}

async fn article_id(state: &AppState, slug: &str) -> Result<Uuid> {
    Ok(db::article(&state.pool, slug)
        .await?
        .ok_or_else(Error::not_found)?
        .summary
        .id)
}

pub async fn like(
    State(state): State<AppState>,
    user: crate::auth::CurrentUser,
    Path(slug): Path<String>,
) -> Result<Json<Value>> {
    let id = article_id(&state, &slug).await?;
    let mut conn = state.pool.acquire().await?;
    let likes = spymeo_core::db::blog::like(&mut conn, user.id, id, Utc::now()).await?;
    Ok(Json(json!({ "liked": true, "likes": likes })))
}

pub async fn unlike(
    State(state): State<AppState>,
    user: crate::auth::CurrentUser,
    Path(slug): Path<String>,
) -> Result<Json<Value>> {
    let id = article_id(&state, &slug).await?;
    let likes = spymeo_core::db::member::unlike_article(&state.pool, user.id, id).await?;
    Ok(Json(json!({ "liked": false, "likes": likes })))
}

pub async fn favorite(
    State(state): State<AppState>,
    user: crate::auth::CurrentUser,
    Path(slug): Path<String>,
) -> Result<Json<Value>> {
    let id = article_id(&state, &slug).await?;
    let mut conn = state.pool.acquire().await?;
    spymeo_core::db::community::add_favorite(
        &mut conn,
        user.id,
        spymeo_core::domain::FavoriteTarget::Article,
        id,
        Utc::now(),
    )
    .await?;
    Ok(Json(json!({ "favorite": true })))
}

pub async fn unfavorite(
    State(state): State<AppState>,
    user: crate::auth::CurrentUser,
    Path(slug): Path<String>,
) -> Result<Json<Value>> {
    let id = article_id(&state, &slug).await?;
    spymeo_core::db::member::remove_favorite(
        &state.pool,
        user.id,
        spymeo_core::domain::FavoriteTarget::Article,
        id,
    )
    .await?;
    Ok(Json(json!({ "favorite": false })))
}
