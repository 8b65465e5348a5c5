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

/// This module's part of the OpenAPI document (joined in `api::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        practitioners,
        practitioner,
        artisans,
        artisan,
        merchants,
        merchant,
        centers,
        center,
        service,
        product,
        formation,
        pass_check,
        blog_posts,
        blog_post,
        like,
        unlike,
        favorite,
        unfavorite
    ),
    components(schemas(
        PublicProKind,
        PublicProCard,
        PublicProCardPage,
        PublicProProfile,
        PublicPassTerms,
        PublicAppointmentType,
        PublicPractitioner,
        PublicCatalogItem,
        PublicArtisan,
        PublicMerchant,
        PublicFormationSession,
        PublicFormation,
        PublicCenter,
        PublicItemPage,
        PublicFormationPage,
        PublicPassCheck,
        PublicArticleSummary,
        PublicArticlePage,
        PublicArticle,
        PublicLike,
        PublicFavorite
    ))
)]
pub struct ApiDoc;

// What the handlers below write: `spymeo_core::db::public` rows, described here because
// spymeo-core does not depend on utoipa. Keep them in step with those row types.

/// The four professional kinds (as the public API and `/api/search` name them).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(dead_code)] // describes `ProCard::kind`
pub enum PublicProKind {
    Practitioner,
    Artisan,
    Merchant,
    Center,
}

/// DOMAIN.md §6.1 `ProCard` (`db::public::ProCard`).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes `db::public::ProCard`
pub struct PublicProCard {
    pub slug: String,
    pub public_name: String,
    pub kind: PublicProKind,
    /// Practitioners' specialties (empty for the other kinds).
    pub specialties: Vec<String>,
    pub category: Option<String>,
    pub city: Option<String>,
    pub photo_url: Option<String>,
    /// The PASS discount in percent, when the pro is a PASS partner.
    pub pass_rate_pct: Option<i16>,
    pub price_from_cents: Option<i32>,
    pub featured: bool,
    pub online_booking: bool,
}

/// A page of a listing.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[allow(dead_code)] // describes what `list` writes
pub struct PublicProCardPage {
    pub items: Vec<PublicProCard>,
    pub page: i64,
    pub limit: i64,
    pub total: i64,
}

/// A public profile (`db::public::ProProfile`: the card and its detail columns).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes `db::public::ProProfile`
pub struct PublicProProfile {
    #[serde(flatten)]
    pub card: PublicProCard,
    /// The pro's account (to start a conversation, and for the PASS check).
    pub user_id: Uuid,
    pub description: Option<String>,
    pub address_line: Option<String>,
    pub postal_code: Option<String>,
    pub phone_public: Option<String>,
    pub email_public: Option<String>,
    pub website: Option<String>,
    /// Practitioners: CABINET, VISIO, DOMICILE (empty for the other kinds).
    pub consultation_modes: Vec<String>,
    pub years_experience: Option<i16>,
    /// Training centers: Qualiopi certified.
    pub qualiopi: bool,
}

/// The PASS terms of a profile.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes what `pass_json` writes
pub struct PublicPassTerms {
    pub enabled: bool,
    pub rate_pct: Option<i16>,
}

/// An online-bookable motif (`db::public::PublicType`).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes `db::public::PublicType`
pub struct PublicAppointmentType {
    pub id: Uuid,
    pub label: String,
    pub group_label: Option<String>,
    pub duration_min: i16,
    pub price_cents: i32,
    /// CABINET, VISIO or DOMICILE.
    #[schema(example = "CABINET")]
    pub location_kind: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes what `practitioner` writes
pub struct PublicPractitioner {
    pub profile: PublicProProfile,
    pub appointment_types: Vec<PublicAppointmentType>,
    pub accept_new_clients: bool,
    pub pass: PublicPassTerms,
}

/// An artisan service or a merchant product (`db::public::CatalogItem`).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes `db::public::CatalogItem`
pub struct PublicCatalogItem {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub description: Option<String>,
    pub category: Option<String>,
    pub price_ttc_cents: i32,
    pub image_url: Option<String>,
    /// Products only; services are always available.
    pub in_stock: bool,
    /// Services only.
    pub duration_min: Option<i16>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[allow(dead_code)] // describes what `artisan` writes
pub struct PublicArtisan {
    pub profile: PublicProProfile,
    pub services: Vec<PublicCatalogItem>,
    pub pass: PublicPassTerms,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[allow(dead_code)] // describes what `merchant` writes
pub struct PublicMerchant {
    pub profile: PublicProProfile,
    pub products: Vec<PublicCatalogItem>,
    pub pass: PublicPassTerms,
}

/// An upcoming session of a formation (`db::public::PublicSession`).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes `db::public::PublicSession`
pub struct PublicFormationSession {
    pub id: Uuid,
    pub title: String,
    pub starts_at: chrono::DateTime<Utc>,
    pub ends_at: chrono::DateTime<Utc>,
    pub location: Option<String>,
    pub is_remote: bool,
    /// OPEN or FULL.
    #[schema(example = "OPEN")]
    pub status: String,
    pub seats_left: Option<i32>,
}

/// A published formation with its upcoming sessions (`db::public::PublicFormation`).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes `db::public::PublicFormation`
pub struct PublicFormation {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub description: Option<String>,
    pub category: Option<String>,
    pub duration_hours: Option<i16>,
    pub price_ttc_cents: Option<i32>,
    pub cpf_eligible: bool,
    pub next_sessions: Vec<PublicFormationSession>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[allow(dead_code)] // describes what `center` writes
pub struct PublicCenter {
    pub profile: PublicProProfile,
    pub formations: Vec<PublicFormation>,
    pub pass: PublicPassTerms,
}

/// A service or product page: the item and its owner's card.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[allow(dead_code)] // describes what `service` and `product` write
pub struct PublicItemPage {
    pub item: PublicCatalogItem,
    pub owner: PublicProCard,
}

/// A formation page: the formation, its upcoming sessions and the center's card.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[allow(dead_code)] // describes what `formation` writes
pub struct PublicFormationPage {
    pub item: PublicFormation,
    /// The same list as `item.nextSessions`.
    pub sessions: Vec<PublicFormationSession>,
    pub owner: PublicProCard,
}

/// A partner's PASS terms (disabled at 10 % when the partner has none).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[allow(dead_code)] // describes what `pass_check` writes
pub struct PublicPassCheck {
    pub enabled: bool,
    /// Discount in percent.
    pub rate: i16,
}

/// A blog card (`db::public::ArticleSummary`).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes `db::public::ArticleSummary`
pub struct PublicArticleSummary {
    pub slug: String,
    pub title: String,
    pub excerpt: Option<String>,
    pub cover_url: Option<String>,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub author_display_name: String,
    pub reading_minutes: i16,
    pub published_at: chrono::DateTime<Utc>,
    pub likes: i64,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[allow(dead_code)] // describes what `blog_posts` writes
pub struct PublicArticlePage {
    pub items: Vec<PublicArticleSummary>,
    pub page: i64,
    pub limit: i64,
    pub total: i64,
}

/// A published article (`db::public::Article`), with the caller's marks when logged in.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes what `blog_post` writes
pub struct PublicArticle {
    #[serde(flatten)]
    pub summary: PublicArticleSummary,
    pub content: String,
    pub views: i32,
    /// Only with a session.
    #[schema(required = false)]
    pub liked_by_me: bool,
    /// Only with a session.
    #[schema(required = false)]
    pub favorite_by_me: bool,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[allow(dead_code)] // describes what `like` and `unlike` write
pub struct PublicLike {
    pub liked: bool,
    /// The article's like count after the change.
    pub likes: i64,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[allow(dead_code)] // describes what `favorite` and `unfavorite` write
pub struct PublicFavorite {
    pub favorite: bool,
}

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
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Words of the name, specialties or category (accents and case ignored).
    #[param(max_length = 100)]
    pub q: Option<String>,
    /// A specialty (same filter as `category`; takes precedence).
    pub specialty: Option<String>,
    /// A category or specialty, accents and case ignored.
    pub category: Option<String>,
    /// The exact city, accents and case ignored.
    #[param(max_length = 100)]
    pub city: Option<String>,
    /// `true`, `1`, `on` or `oui`: PASS partners only (any other value: no filter).
    #[param(example = "true")]
    pub pass_only: Option<String>,
    /// `true`, `1`, `on` or `oui`: only pros bookable online (any other value: no filter).
    #[param(example = "true")]
    pub online: Option<String>,
    /// Page number (default 1).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 10000)]
    pub page: Option<String>,
    /// Page size (default 20).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
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

/// The public practitioners: featured first, then by name.
#[utoipa::path(get, path = "/api/public/practitioners", tag = "public",
    params(ListParams),
    responses((status = 200, description = "Une page de la liste", body = PublicProCardPage)))]
pub async fn practitioners(
    State(state): State<AppState>,
    Query(p): Query<ListParams>,
) -> Result<Json<Value>> {
    list(&state, ProKind::Practitioner, p).await
}

/// The public artisans: featured first, then by name.
#[utoipa::path(get, path = "/api/public/artisans", tag = "public",
    params(ListParams),
    responses((status = 200, description = "Une page de la liste", body = PublicProCardPage)))]
pub async fn artisans(
    State(state): State<AppState>,
    Query(p): Query<ListParams>,
) -> Result<Json<Value>> {
    list(&state, ProKind::Artisan, p).await
}

/// The public merchants: featured first, then by name.
#[utoipa::path(get, path = "/api/public/merchants", tag = "public",
    params(ListParams),
    responses((status = 200, description = "Une page de la liste", body = PublicProCardPage)))]
pub async fn merchants(
    State(state): State<AppState>,
    Query(p): Query<ListParams>,
) -> Result<Json<Value>> {
    list(&state, ProKind::Merchant, p).await
}

/// The public training centers: featured first, then by name.
#[utoipa::path(get, path = "/api/public/centers", tag = "public",
    params(ListParams),
    responses((status = 200, description = "Une page de la liste", body = PublicProCardPage)))]
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

/// A practitioner's public profile with the motifs bookable online.
#[utoipa::path(get, path = "/api/public/practitioners/{slug}", tag = "public",
    params(("slug" = String, Path, description = "Adresse de la page du praticien")),
    responses((status = 200, description = "Trouvé", body = PublicPractitioner)))]
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

/// An artisan's public profile with its active services.
#[utoipa::path(get, path = "/api/public/artisans/{slug}", tag = "public",
    params(("slug" = String, Path, description = "Adresse de la page de l'artisan")),
    responses((status = 200, description = "Trouvé", body = PublicArtisan)))]
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

/// A merchant's public profile with its active products.
#[utoipa::path(get, path = "/api/public/merchants/{slug}", tag = "public",
    params(("slug" = String, Path, description = "Adresse de la page du commerçant")),
    responses((status = 200, description = "Trouvé", body = PublicMerchant)))]
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

/// A training center's public profile with its published formations.
#[utoipa::path(get, path = "/api/public/centers/{slug}", tag = "public",
    params(("slug" = String, Path, description = "Adresse de la page du centre")),
    responses((status = 200, description = "Trouvé", body = PublicCenter)))]
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

/// An artisan's active service and the artisan's card.
#[utoipa::path(get, path = "/api/public/services/{slug}", tag = "public",
    params(("slug" = String, Path, description = "Adresse de la création")),
    responses((status = 200, description = "Trouvé", body = PublicItemPage)))]
pub async fn service(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Value>> {
    let (item, owner) = db::item(&state.pool, ProKind::Artisan, &slug)
        .await?
        .ok_or_else(Error::not_found)?;
    Ok(Json(json!({ "item": item, "owner": owner.card })))
}

/// A merchant's active product and the merchant's card.
#[utoipa::path(get, path = "/api/public/products/{slug}", tag = "public",
    params(("slug" = String, Path, description = "Adresse du produit")),
    responses((status = 200, description = "Trouvé", body = PublicItemPage)))]
pub async fn product(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Value>> {
    let (item, owner) = db::item(&state.pool, ProKind::Merchant, &slug)
        .await?
        .ok_or_else(Error::not_found)?;
    Ok(Json(json!({ "item": item, "owner": owner.card })))
}

/// A published formation, its upcoming sessions and the center's card.
#[utoipa::path(get, path = "/api/public/formations/{slug}", tag = "public",
    params(("slug" = String, Path, description = "Adresse de la formation")),
    responses((status = 200, description = "Trouvé", body = PublicFormationPage)))]
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
#[utoipa::path(get, path = "/api/public/pass/{userId}", tag = "public",
    params(("userId" = String, Path, description = "Compte du partenaire (un identifiant inconnu ou mal formé donne la réponse par défaut)")),
    responses((status = 200, description = "Conditions PASS du partenaire", body = PublicPassCheck)))]
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

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BlogParams {
    /// Exact category.
    pub category: Option<String>,
    /// One of the article's tags (exact).
    pub tag: Option<String>,
    /// Words of the title or excerpt (accents and case ignored).
    pub q: Option<String>,
    /// Page number (default 1).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 10000)]
    pub page: Option<String>,
    /// Page size (default 12).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
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

/// Published articles, latest first.
#[utoipa::path(get, path = "/api/blog/posts", tag = "public",
    params(BlogParams),
    responses((status = 200, description = "Une page d'articles", body = PublicArticlePage)))]
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
#[utoipa::path(get, path = "/api/blog/posts/{slug}", tag = "public",
    params(("slug" = String, Path, description = "Adresse de l'article")),
    responses((status = 200, description = "L'article publié", body = PublicArticle)))]
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

/// Likes the article (liking twice counts once).
#[utoipa::path(post, path = "/api/blog/posts/{slug}/like", tag = "public",
    params(("slug" = String, Path, description = "Adresse de l'article")),
    responses((status = 200, description = "Article aimé", body = PublicLike)))]
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

/// Withdraws the caller's like (none is fine too).
#[utoipa::path(delete, path = "/api/blog/posts/{slug}/like", tag = "public",
    params(("slug" = String, Path, description = "Adresse de l'article")),
    responses((status = 200, description = "Mention retirée", body = PublicLike)))]
pub async fn unlike(
    State(state): State<AppState>,
    user: crate::auth::CurrentUser,
    Path(slug): Path<String>,
) -> Result<Json<Value>> {
    let id = article_id(&state, &slug).await?;
    let likes = spymeo_core::db::member::unlike_article(&state.pool, user.id, id).await?;
    Ok(Json(json!({ "liked": false, "likes": likes })))
}

/// Adds the article to the caller's favorites.
#[utoipa::path(post, path = "/api/blog/posts/{slug}/favorite", tag = "public",
    params(("slug" = String, Path, description = "Adresse de l'article")),
    responses((status = 200, description = "Article ajouté aux favoris", body = PublicFavorite)))]
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

/// Removes the article from the caller's favorites.
#[utoipa::path(delete, path = "/api/blog/posts/{slug}/favorite", tag = "public",
    params(("slug" = String, Path, description = "Adresse de l'article")),
    responses((status = 200, description = "Article retiré des favoris", body = PublicFavorite)))]
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
