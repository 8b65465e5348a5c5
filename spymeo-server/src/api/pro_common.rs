//! `/api/pro/*` common to the four pro roles (DOMAIN.md §6.11): the public fiche (never
//! `verified`/`featured`, AR-20), its photo, advantages between pros, impact opportunities
//! and applications, and the PASS partner settings.

use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Value, json};
use spymeo_core::db::community::{self, AdvantageInput};
use spymeo_core::db::pro_common as db;
use spymeo_core::db::pro_profile::{self as fiche, FicheEdit};
use spymeo_core::db::pros::ProKind;
use spymeo_core::domain::{AdvantageType, LocationKind};
use uuid::Uuid;

use super::input::{Body, Params, double_option, filter, non_blank};
use super::shop::to_json;
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::state::AppState;

pub fn kind(user: &CurrentUser) -> Result<ProKind> {
    ProKind::from_role(user.role).ok_or_else(Error::forbidden)
}

/// The fiche with its public address.
pub async fn fiche_json(state: &AppState, user: &CurrentUser) -> Result<Value> {
    let k = kind(user)?;
    let mut conn = state.pool.acquire().await?;
    let f = fiche::fiche(&mut conn, k, user.id).await?;
    let mut v = to_json(&f)?;
    v["role"] = json!(user.role);
    v["publicHref"] = json!(f.public_href(k));
    Ok(v)
}

pub async fn profile(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Value>> {
    Ok(Json(fiche_json(&state, &user).await?))
}

/// A partial fiche. Unknown fields are ignored rather than refused, so a client sending
/// `verified: true` gets a 200 and an unchanged `verified` (AR-20): the field simply is not
/// writable here.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FichePatch {
    pub public_name: Option<String>,
    #[serde(default, with = "double_option")]
    pub description: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub siret: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub address_line: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub city: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub postal_code: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub phone_public: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub email_public: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub website: Option<Option<String>>,
    pub specialties: Option<Vec<String>>,
    pub consultation_modes: Option<Vec<LocationKind>>,
    #[serde(default, with = "double_option")]
    pub price_from_cents: Option<Option<i32>>,
    #[serde(default, with = "double_option")]
    pub years_experience: Option<Option<i16>>,
    #[serde(default, with = "double_option")]
    pub category: Option<Option<String>>,
    pub ships_orders: Option<bool>,
    pub qualiopi_certified: Option<bool>,
    #[serde(default, with = "double_option")]
    pub nda_number: Option<Option<String>>,
}

fn set(target: &mut Option<String>, v: Option<Option<String>>) {
    if let Some(v) = v {
        *target = non_blank(v);
    }
}

pub async fn patch_profile_action(
    state: &AppState,
    user: &CurrentUser,
    p: FichePatch,
) -> Result<Value> {
    let k = kind(user)?;
    let mut tx = state.pool.begin().await?;
    let cur = fiche::fiche(&mut tx, k, user.id).await?;
    let mut e = FicheEdit::from(&cur);
    if let Some(n) = p.public_name {
        e.public_name = n;
    }
    set(&mut e.description, p.description);
    set(&mut e.siret, p.siret.map(|s| s.map(|s| s.replace(' ', ""))));
    set(&mut e.address_line, p.address_line);
    set(&mut e.city, p.city);
    set(&mut e.postal_code, p.postal_code);
    set(&mut e.phone_public, p.phone_public);
    set(
        &mut e.email_public,
        p.email_public.map(|m| m.map(|m| m.trim().to_lowercase())),
    );
    set(&mut e.website, p.website);
    set(&mut e.category, p.category);
    set(&mut e.nda_number, p.nda_number);
    if let Some(s) = p.specialties {
        e.specialties = s.into_iter().filter_map(|s| non_blank(Some(s))).collect();
    }
    if let Some(m) = p.consultation_modes {
        e.consultation_modes = m;
    }
    if let Some(v) = p.price_from_cents {
        e.price_from_cents = v;
    }
    if let Some(v) = p.years_experience {
        e.years_experience = v;
    }
    e.ships_orders = p.ships_orders.unwrap_or(e.ships_orders);
    e.qualiopi_certified = p.qualiopi_certified.unwrap_or(e.qualiopi_certified);
    fiche::update_fiche(&mut tx, k, user.id, &e).await?;
    tx.commit().await?;
    fiche_json(state, user).await
}

pub async fn patch_profile(
    State(state): State<AppState>,
    user: CurrentUser,
    Body(p): Body<FichePatch>,
) -> Result<Json<Value>> {
    Ok(Json(patch_profile_action(&state, &user, p).await?))
}

/// The fiche photo: JPEG/PNG/WebP recognised from the bytes, 2 MiB, served like avatars.
pub async fn store_photo(state: &AppState, user: &CurrentUser, bytes: Vec<u8>) -> Result<String> {
    let k = kind(user)?;
    let (mime, ext) = super::account::image_kind(&bytes).ok_or_else(|| {
        Error::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "Formats acceptés : JPEG, PNG, WebP",
        )
    })?;
    let key = format!(
        "avatars/{}/fiche-{}.{ext}",
        user.id,
        Uuid::new_v4().simple()
    );
    state.storage.put(&key, bytes, mime).await?;
    let url = format!("/media/{key}");
    let mut conn = state.pool.acquire().await?;
    let previous = match fiche::set_photo(&mut conn, k, user.id, Some(&url)).await {
        Ok(p) => p,
        Err(e) => {
            let _ = state.storage.delete(&key).await;
            return Err(e.into());
        }
    };
    if let Some(old) = previous.as_deref().and_then(|u| u.strip_prefix("/media/"))
        && let Err(e) = state.storage.delete(old).await
    {
        tracing::warn!(error = %e, "old fiche photo not removed");
    }
    Ok(url)
}

pub async fn upload_photo(
    State(state): State<AppState>,
    user: CurrentUser,
    multipart: Multipart,
) -> Result<Json<Value>> {
    let bytes =
        super::account::read_file_field(multipart, super::account::AVATAR_MAX_BYTES).await?;
    let url = store_photo(&state, &user, bytes).await?;
    Ok(Json(json!({ "photoUrl": url })))
}

// ---- advantages ----

#[derive(Debug, Default, Deserialize)]
pub struct AdvantagesQuery {
    pub scope: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

pub async fn advantages(
    State(state): State<AppState>,
    user: CurrentUser,
    Params(q): Params<AdvantagesQuery>,
) -> Result<Json<Value>> {
    let mine = match q.scope.as_deref().unwrap_or("network") {
        "mine" => true,
        "network" | "" => false,
        _ => return Err(spymeo_core::Error::field("scope", "mine ou network").into()),
    };
    let kind: Option<AdvantageType> = filter(&q.kind)?;
    Ok(Json(to_json(
        &db::advantages(&state.pool, user.id, mine, kind).await?,
    )?))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewAdvantage {
    #[serde(default)]
    pub title: String,
    #[serde(rename = "type")]
    pub kind: AdvantageType,
    pub description: Option<String>,
    pub percentage: Option<i16>,
}

pub async fn create_advantage_action(
    state: &AppState,
    user: &CurrentUser,
    n: NewAdvantage,
) -> Result<Uuid> {
    let title = n.title.trim().to_owned();
    if title.is_empty() || title.chars().count() > 200 {
        return Err(
            spymeo_core::Error::field("title", "titre requis (200 caractères au plus)").into(),
        );
    }
    let input = AdvantageInput {
        title,
        kind: n.kind,
        description: non_blank(n.description),
        percentage: if n.kind == AdvantageType::Reduction {
            n.percentage
        } else {
            None
        },
    };
    let mut conn = state.pool.acquire().await?;
    Ok(community::create_advantage(&mut conn, user.id, &input, Utc::now()).await?)
}

pub async fn create_advantage(
    State(state): State<AppState>,
    user: CurrentUser,
    Body(n): Body<NewAdvantage>,
) -> Result<(StatusCode, Json<Value>)> {
    let id = create_advantage_action(&state, &user, n).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

#[derive(Debug, Default, Deserialize)]
pub struct AdvantagePatch {
    pub active: Option<bool>,
}

pub async fn patch_advantage(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Body(p): Body<AdvantagePatch>,
) -> Result<Json<Value>> {
    if let Some(active) = p.active {
        db::set_advantage_active(&mut *state.pool.acquire().await?, user.id, id, active).await?;
    }
    let mine = db::advantages(&state.pool, user.id, true, None).await?;
    let row = mine
        .into_iter()
        .find(|a| a.id == id)
        .ok_or_else(Error::not_found)?;
    Ok(Json(to_json(&row)?))
}

pub async fn delete_advantage(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    let mut conn = state.pool.acquire().await?;
    db::delete_advantage(&mut conn, user.id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- impact ----

pub async fn impact(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Value>> {
    let opportunities = db::opportunities(&state.pool, user.id).await?;
    let mine = db::my_applications(&state.pool, user.id).await?;
    Ok(Json(
        json!({ "opportunities": to_json(&opportunities)?, "myApplications": to_json(&mine)? }),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Candidature {
    pub opportunity_id: Uuid,
    pub message: Option<String>,
}

pub async fn apply_action(state: &AppState, user: &CurrentUser, c: Candidature) -> Result<Uuid> {
    let message = non_blank(c.message);
    if message.as_deref().is_some_and(|m| m.chars().count() > 3000) {
        return Err(spymeo_core::Error::field("message", "3 000 caractères au plus").into());
    }
    let mut conn = state.pool.acquire().await?;
    Ok(community::apply(
        &mut conn,
        user.id,
        c.opportunity_id,
        message.as_deref(),
        Utc::now(),
    )
    .await?)
}

pub async fn apply(
    State(state): State<AppState>,
    user: CurrentUser,
    Body(c): Body<Candidature>,
) -> Result<(StatusCode, Json<Value>)> {
    let id = apply_action(&state, &user, c).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": id, "status": "PENDING" })),
    ))
}

// ---- PASS partner ----

pub async fn pass(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Value>> {
    let (enabled, rate) = db::pass_partner(&state.pool, user.id).await?;
    Ok(Json(json!({ "enabled": enabled, "rate": rate })))
}

#[derive(Debug, Deserialize)]
pub struct PassSettings {
    pub enabled: bool,
    pub rate: i16,
    pub conditions: Option<String>,
}

/// Upserts the `pass_discounts` row from the public profile (§7.2); rate ∈ {5,10,…,30}.
pub async fn set_pass_action(
    state: &AppState,
    user: &CurrentUser,
    p: PassSettings,
) -> Result<Value> {
    let mut conn = state.pool.acquire().await?;
    spymeo_core::db::pass::set_partner(
        &mut conn,
        user.id,
        p.enabled,
        p.rate,
        non_blank(p.conditions).as_deref(),
    )
    .await?;
    Ok(json!({ "enabled": p.enabled, "rate": p.rate }))
}

pub async fn set_pass(
    State(state): State<AppState>,
    user: CurrentUser,
    Body(p): Body<PassSettings>,
) -> Result<Json<Value>> {
    Ok(Json(set_pass_action(&state, &user, p).await?))
}

// ---- blog ----

pub async fn my_articles(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Value>> {
    Ok(Json(to_json(
        &db::my_articles(&state.pool, user.id).await?,
    )?))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewArticle {
    #[serde(default)]
    pub title: String,
    pub excerpt: Option<String>,
    #[serde(default)]
    pub content: String,
    pub category: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub cover_url: Option<String>,
}

/// A DRAFT signed with the pro's public name.
pub async fn create_article_action(
    state: &AppState,
    user: &CurrentUser,
    a: NewArticle,
) -> Result<Value> {
    let k = kind(user)?;
    let mut tx = state.pool.begin().await?;
    let author = fiche::fiche(&mut tx, k, user.id).await?.public_name;
    let input = spymeo_core::db::blog::ArticleInput {
        title: a.title,
        excerpt: non_blank(a.excerpt),
        content: a.content,
        cover_url: non_blank(a.cover_url),
        category: non_blank(a.category),
        tags: a
            .tags
            .into_iter()
            .filter_map(|t| non_blank(Some(t)))
            .collect(),
    };
    if input
        .excerpt
        .as_deref()
        .is_some_and(|e| e.chars().count() > 400)
    {
        return Err(spymeo_core::Error::field("excerpt", "400 caractères au plus").into());
    }
    let id =
        spymeo_core::db::blog::create_article(&mut tx, Some(user.id), &author, &input, Utc::now())
            .await?;
    let row = spymeo_core::db::admin::article(&mut tx, id).await?;
    tx.commit().await?;
    to_json(&row)
}

pub async fn create_article(
    State(state): State<AppState>,
    user: CurrentUser,
    Body(a): Body<NewArticle>,
) -> Result<(StatusCode, Json<Value>)> {
    Ok((
        StatusCode::CREATED,
        Json(create_article_action(&state, &user, a).await?),
    ))
}

pub async fn patch_article(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Body(c): Body<super::admin::ArticleChanges>,
) -> Result<Json<Value>> {
    let patch = spymeo_core::db::admin::ArticlePatch {
        title: c.title,
        excerpt: c.excerpt.map(non_blank),
        content: c.content,
        category: c.category.map(non_blank),
        tags: c.tags,
        cover_url: c.cover_url.map(non_blank),
    };
    let mut tx = state.pool.begin().await?;
    db::update_own_article(&mut tx, user.id, id, &patch).await?;
    let row = spymeo_core::db::admin::article(&mut tx, id).await?;
    tx.commit().await?;
    Ok(Json(to_json(&row)?))
}

pub async fn submit_article_action(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
) -> Result<Value> {
    let mut tx = state.pool.begin().await?;
    spymeo_core::db::blog::submit(&mut tx, user.id, id, Utc::now()).await?;
    let row = spymeo_core::db::admin::article(&mut tx, id).await?;
    tx.commit().await?;
    to_json(&row)
}

pub async fn submit_article(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>> {
    Ok(Json(submit_article_action(&state, &user, id).await?))
}
