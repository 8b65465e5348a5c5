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

use super::admin::{
    AdminArticle, AdvantageTypeSchema, ApplicationStatusSchema, LocationKindSchema,
    OpportunityKindSchema, PartnerRateSchema, RoleSchema,
};
use super::input::{Body, Params, double_option, filter, non_blank};
use super::shop::to_json;
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::state::AppState;

/// This module's part of the OpenAPI document (joined in `api::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    profile,
    patch_profile,
    upload_photo,
    advantages,
    create_advantage,
    patch_advantage,
    delete_advantage,
    impact,
    apply,
    pass,
    set_pass,
    my_articles,
    create_article,
    patch_article,
    submit_article,
))]
pub struct ApiDoc;

// ---- OpenAPI descriptions of what these handlers write ----

/// The caller's public fiche (`db::pro_profile::Fiche`) with its role and public address.
/// Role-specific fields are null for the other roles.
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes what `fiche_json` writes
pub struct ProFiche {
    pub id: Uuid,
    pub slug: String,
    pub public_name: String,
    pub description: Option<String>,
    pub siret: Option<String>,
    pub address_line: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub phone_public: Option<String>,
    pub email_public: Option<String>,
    pub website: Option<String>,
    pub photo_url: Option<String>,
    /// Set by the admin only (AR-20).
    pub verified: bool,
    /// Set by the admin only (AR-20).
    pub featured: bool,
    /// Practitioners.
    pub specialties: Option<Vec<String>>,
    /// Practitioners.
    #[schema(value_type = Option<Vec<LocationKindSchema>>)]
    pub consultation_modes: Option<Vec<LocationKind>>,
    /// Practitioners.
    pub price_from_cents: Option<i32>,
    /// Practitioners.
    pub years_experience: Option<i16>,
    /// Artisans and merchants.
    pub category: Option<String>,
    /// Merchants.
    pub ships_orders: Option<bool>,
    /// Centers.
    pub qualiopi_certified: Option<bool>,
    /// Centers.
    pub nda_number: Option<String>,
    #[schema(value_type = RoleSchema)]
    pub role: spymeo_core::domain::Role,
    /// The public page, e.g. `/praticiens/claire-moreau`.
    pub public_href: String,
}

/// An advantage offered between pros (`db::pro_common::AdvantageRow`).
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes what `db::pro_common::AdvantageRow` serialises to
pub struct ProAdvantage {
    pub id: Uuid,
    pub owner_user_id: Uuid,
    pub owner_name: String,
    #[schema(value_type = RoleSchema)]
    pub owner_role: spymeo_core::domain::Role,
    pub title: String,
    #[serde(rename = "type")]
    #[schema(value_type = AdvantageTypeSchema)]
    pub kind: AdvantageType,
    pub description: Option<String>,
    /// REDUCTION only.
    pub percentage: Option<i16>,
    pub active: bool,
}

/// An open impact opportunity (`db::pro_common::OpportunityRow`).
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes what `db::pro_common::OpportunityRow` serialises to
pub struct ProOpportunity {
    pub id: Uuid,
    #[schema(value_type = OpportunityKindSchema)]
    pub kind: spymeo_core::domain::OpportunityKind,
    pub title: String,
    pub company: String,
    pub location: Option<String>,
    pub description: String,
    pub apply_url: Option<String>,
    pub created_at: chrono::DateTime<Utc>,
    /// The caller's application, if any.
    #[schema(value_type = Option<ApplicationStatusSchema>)]
    pub my_status: Option<spymeo_core::domain::ApplicationStatus>,
}

/// One of the caller's applications (`db::pro_common::MyApplication`).
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes what `db::pro_common::MyApplication` serialises to
pub struct ProMyApplication {
    pub opportunity_id: Uuid,
    pub title: String,
    #[schema(value_type = ApplicationStatusSchema)]
    pub status: spymeo_core::domain::ApplicationStatus,
    pub created_at: chrono::DateTime<Utc>,
}

/// `GET /api/pro/impact`.
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes what `impact` writes
pub struct ProImpact {
    pub opportunities: Vec<ProOpportunity>,
    pub my_applications: Vec<ProMyApplication>,
}

/// The id of what was created.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes what `create_advantage` writes
pub struct ProCreated {
    pub id: Uuid,
}

/// A new application (always PENDING).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes what `apply` writes
pub struct ProApplicationCreated {
    pub id: Uuid,
    #[schema(example = "PENDING")]
    pub status: String,
}

/// The caller's PASS partnership.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes what `pass` and `set_pass` write
pub struct ProPassPartner {
    pub enabled: bool,
    /// Discount in percent (10 before any setting).
    pub rate: i16,
}

/// The new fiche photo.
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes what `upload_photo` writes
pub struct ProPhoto {
    #[schema(example = "/media/avatars/…/fiche-….webp")]
    pub photo_url: String,
}

/// The multipart form of `POST /api/pro/profile/photo`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes what `read_file_field` reads
pub struct PhotoUpload {
    /// JPEG, PNG or WebP (recognised from the bytes), 2 MiB at most.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

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

/// The caller's public fiche.
#[utoipa::path(get, path = "/api/pro/profile", tag = "pro",
    responses((status = 200, description = "La fiche publique", body = ProFiche)))]
pub async fn profile(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Value>> {
    Ok(Json(fiche_json(&state, &user).await?))
}

/// A partial fiche. Unknown fields are ignored rather than refused, so a client sending
/// `verified: true` gets a 200 and an unchanged `verified` (AR-20): the field simply is not
/// writable here.
///
/// Absent = unchanged; null or blank clears an optional text (values are trimmed). Fields of
/// another role are stored nowhere, but still validated.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = ProFichePatch)]
pub struct FichePatch {
    /// Trimmed; 120 characters at most.
    #[schema(min_length = 1, max_length = 120, pattern = r"\S")]
    pub public_name: Option<String>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, nullable, max_length = 5000)]
    pub description: Option<Option<String>>,
    /// 14 digits (spaces ignored) with a valid Luhn key.
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, nullable, pattern = r"^[0-9 ]*$", example = "73282932000074")]
    pub siret: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, nullable)]
    pub address_line: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, nullable)]
    pub city: Option<Option<String>>,
    /// 5 digits.
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, nullable, pattern = r"^\s*([0-9]{5})?\s*$", example = "75011")]
    pub postal_code: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, nullable, pattern = r"^\s*(\+?[0-9 .()-]{6,20})?\s*$",
             example = "01 23 45 67 89")]
    pub phone_public: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, nullable, pattern = r"^\s*([^@\s]+@[^@\s]+\.[^@\s]+)?\s*$",
             example = "contact@example.fr")]
    pub email_public: Option<Option<String>>,
    /// Starts with `http://` or `https://`.
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, nullable, pattern = r"^\s*(https?://.*)?$",
             example = "https://example.fr")]
    pub website: Option<Option<String>>,
    /// Practitioners: 10 at most; blank entries are dropped.
    #[schema(max_items = 10)]
    pub specialties: Option<Vec<String>>,
    /// Practitioners.
    #[schema(value_type = Option<Vec<LocationKindSchema>>)]
    pub consultation_modes: Option<Vec<LocationKind>>,
    /// Practitioners.
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<i32>, nullable, minimum = 0, maximum = 2147483647)]
    pub price_from_cents: Option<Option<i32>>,
    /// Practitioners.
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<i16>, nullable, minimum = 0, maximum = 70)]
    pub years_experience: Option<Option<i16>>,
    /// Artisans and merchants.
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, nullable)]
    pub category: Option<Option<String>>,
    /// Merchants.
    pub ships_orders: Option<bool>,
    /// Centers.
    pub qualiopi_certified: Option<bool>,
    /// Centers: 11 digits.
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, nullable, pattern = r"^\s*([0-9]{11})?\s*$", example = "11755555575")]
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

/// Edits the caller's public fiche (never `verified`/`featured`, AR-20).
#[utoipa::path(patch, path = "/api/pro/profile", tag = "pro",
    request_body = FichePatch,
    responses((status = 200, description = "La fiche modifiée", body = ProFiche)))]
pub async fn patch_profile(
    State(state): State<AppState>,
    user: CurrentUser,
    Body(p): Body<FichePatch>,
) -> Result<Json<Value>> {
    // Counted as sent: blank entries are dropped later, but the contract says 10 items.
    if p.specialties.as_ref().is_some_and(|s| s.len() > 10) {
        return Err(spymeo_core::Error::field("specialties", "10 spécialités au plus").into());
    }
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

/// Replaces the fiche photo.
#[utoipa::path(post, path = "/api/pro/profile/photo", tag = "pro",
    request_body(content = inline(PhotoUpload), content_type = "multipart/form-data"),
    responses((status = 200, description = "Photo enregistrée", body = ProPhoto)))]
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

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AdvantagesQuery {
    /// `network` (default): the active advantages of other verified pros; `mine`: the
    /// caller's, active or not.
    #[param(value_type = Option<AdvantageScope>, inline)]
    pub scope: Option<String>,
    /// Type filter (blank = all).
    #[serde(rename = "type")]
    #[param(value_type = Option<AdvantageTypeSchema>, inline)]
    pub kind: Option<String>,
}

/// The accepted `scope` values.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)] // describes the values `advantages` accepts
enum AdvantageScope {
    Mine,
    Network,
}

/// Advantages between pros: the network's or the caller's.
#[utoipa::path(get, path = "/api/pro/avantages", tag = "pro", params(AdvantagesQuery),
    responses((status = 200, description = "Avantages, les plus récents d'abord", body = Vec<ProAdvantage>)))]
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

/// A new advantage offered to the other pros.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewAdvantage {
    #[serde(default)]
    pub title: String,
    #[serde(rename = "type")]
    pub kind: AdvantageType,
    pub description: Option<String>,
    /// Required for REDUCTION (1 to 100); ignored for the other types.
    pub percentage: Option<i16>,
}

impl utoipa::PartialSchema for NewAdvantage {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        let title = json!({"type": "string", "minLength": 1, "maxLength": 200, "pattern": "\\S",
                           "description": "Trimmed; 200 characters at most."});
        super::admin::one_of(
            "A new advantage offered to the other pros: a REDUCTION gives its percentage.",
            vec![
                json!({"type": "object", "required": ["title", "type", "percentage"], "properties": {
                    "title": title,
                    "type": {"type": "string", "enum": ["REDUCTION"]},
                    "description": {"type": ["string", "null"]},
                    "percentage": {"type": "integer", "minimum": 1, "maximum": 100}}}),
                json!({"type": "object", "required": ["title", "type"], "properties": {
                    "title": title,
                    "type": {"type": "string", "enum": ["ECHANGE", "INVITATION"]},
                    "description": {"type": ["string", "null"]},
                    "percentage": {"type": ["integer", "null"], "minimum": -32768, "maximum": 32767,
                                   "description": "Ignored."}}}),
            ],
        )
    }
}

impl utoipa::ToSchema for NewAdvantage {
    fn name() -> std::borrow::Cow<'static, str> {
        "ProNewAdvantage".into()
    }
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

/// Offers an advantage to the network.
#[utoipa::path(post, path = "/api/pro/avantages", tag = "pro",
    request_body = NewAdvantage,
    responses((status = 201, description = "Avantage créé", body = ProCreated)))]
pub async fn create_advantage(
    State(state): State<AppState>,
    user: CurrentUser,
    Body(n): Body<NewAdvantage>,
) -> Result<(StatusCode, Json<Value>)> {
    let id = create_advantage_action(&state, &user, n).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

/// Switches one of the caller's advantages on or off (absent = unchanged).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = ProAdvantagePatch)]
pub struct AdvantagePatch {
    pub active: Option<bool>,
}

/// Switches one of the caller's advantages on or off.
#[utoipa::path(patch, path = "/api/pro/avantages/{id}", tag = "pro",
    params(("id" = Uuid, Path, description = "Un avantage de l'appelant")),
    request_body = AdvantagePatch,
    responses((status = 200, description = "L'avantage", body = ProAdvantage)))]
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

/// Deletes one of the caller's advantages.
#[utoipa::path(delete, path = "/api/pro/avantages/{id}", tag = "pro",
    params(("id" = Uuid, Path, description = "Un avantage de l'appelant")),
    responses((status = 204, description = "Avantage supprimé")))]
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

/// Open impact opportunities and the caller's applications.
#[utoipa::path(get, path = "/api/pro/impact", tag = "pro",
    responses((status = 200, description = "Opportunités ouvertes et candidatures", body = ProImpact)))]
pub async fn impact(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Value>> {
    let opportunities = db::opportunities(&state.pool, user.id).await?;
    let mine = db::my_applications(&state.pool, user.id).await?;
    Ok(Json(
        json!({ "opportunities": to_json(&opportunities)?, "myApplications": to_json(&mine)? }),
    ))
}

/// An application to an open opportunity.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = ProCandidature)]
pub struct Candidature {
    pub opportunity_id: Uuid,
    /// Trimmed; 3,000 characters at most.
    #[schema(max_length = 3000)]
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

/// Applies to an impact opportunity.
#[utoipa::path(post, path = "/api/pro/impact/candidature", tag = "pro",
    request_body = Candidature,
    responses(
        (status = 201, description = "Candidature envoyée", body = ProApplicationCreated),
        (status = 404, description = "Opportunité inconnue (NOT_FOUND)", body = crate::api::openapi::ErrorEnvelope),
        (status = 409, description = "Opportunité fermée (OPPORTUNITY_CLOSED) ou déjà candidaté (ALREADY_APPLIED)",
            body = crate::api::openapi::ErrorEnvelope),
    ))]
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

/// The caller's PASS partner settings.
#[utoipa::path(get, path = "/api/pro/pass", tag = "pro",
    responses((status = 200, description = "Partenariat PASS", body = ProPassPartner)))]
pub async fn pass(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Value>> {
    let (enabled, rate) = db::pass_partner(&state.pool, user.id).await?;
    Ok(Json(json!({ "enabled": enabled, "rate": rate })))
}

/// The caller's PASS partnership.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = ProPassSettings)]
pub struct PassSettings {
    pub enabled: bool,
    #[schema(value_type = PartnerRateSchema)]
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

/// Joins, leaves or changes the PASS partnership (the discount shows the fiche's name and city).
#[utoipa::path(put, path = "/api/pro/pass", tag = "pro",
    request_body = PassSettings,
    responses((status = 200, description = "Partenariat PASS enregistré", body = ProPassPartner)))]
pub async fn set_pass(
    State(state): State<AppState>,
    user: CurrentUser,
    Body(p): Body<PassSettings>,
) -> Result<Json<Value>> {
    Ok(Json(set_pass_action(&state, &user, p).await?))
}

// ---- blog ----

/// The caller's articles, latest change first.
#[utoipa::path(get, path = "/api/pro/blog", tag = "pro",
    responses((status = 200, description = "Articles de l'appelant", body = Vec<AdminArticle>)))]
pub async fn my_articles(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Value>> {
    Ok(Json(to_json(
        &db::my_articles(&state.pool, user.id).await?,
    )?))
}

/// A new article (blank optional texts and tags are dropped).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = ProNewArticle)]
pub struct NewArticle {
    #[serde(default)]
    #[schema(required = true, min_length = 1, max_length = 200, pattern = r"\S")]
    pub title: String,
    #[schema(max_length = 400)]
    pub excerpt: Option<String>,
    #[serde(default)]
    #[schema(max_length = 100000)]
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

/// Writes a DRAFT signed with the caller's public name.
#[utoipa::path(post, path = "/api/pro/blog", tag = "pro",
    request_body = NewArticle,
    responses(
        (status = 201, description = "Brouillon créé", body = AdminArticle),
        (status = 409, description = "Adresse de page déjà prise (SLUG_TAKEN)",
            body = crate::api::openapi::ErrorEnvelope),
    ))]
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

/// Edits one of the caller's articles while DRAFT or NEEDS_CHANGES.
#[utoipa::path(patch, path = "/api/pro/blog/{id}", tag = "pro",
    params(("id" = Uuid, Path, description = "Un article de l'appelant")),
    request_body = super::admin::ArticleChanges,
    responses(
        (status = 200, description = "L'article modifié", body = AdminArticle),
        (status = 409, description = "Article soumis ou publié (ARTICLE_LOCKED)",
            body = crate::api::openapi::ErrorEnvelope),
    ))]
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

/// Sends one of the caller's DRAFT or NEEDS_CHANGES articles to review.
#[utoipa::path(post, path = "/api/pro/blog/{id}/submit", tag = "pro",
    params(("id" = Uuid, Path, description = "Un article de l'appelant")),
    responses(
        (status = 200, description = "L'article, SUBMITTED", body = AdminArticle),
        (status = 409, description = "Déjà soumis, publié ou refusé (INVALID_TRANSITION)",
            body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn submit_article(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>> {
    Ok(Json(submit_article_action(&state, &user, id).await?))
}
