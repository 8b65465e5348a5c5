//! `GET /api/search` (DOMAIN.md §6.4): one search across professionals, catalogue items and
//! articles, accent- and case-insensitive, ranked by trigram similarity then featured.

use axum::Json;
use axum::extract::{Query, State};
use serde_json::{Value, json};
use spymeo_core::db::public as db;

use crate::error::Result;
use crate::pages::public::SearchParams;
use crate::state::AppState;

/// This module's part of the OpenAPI document (joined in `api::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(search),
    components(schemas(SearchHitType, SearchHit, SearchResults))
)]
pub struct ApiDoc;

/// The kinds of search results (`db::public::SEARCH_TYPES`).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(dead_code)] // describes `SearchHit::kind`
pub enum SearchHitType {
    Practitioner,
    Artisan,
    Merchant,
    Center,
    Product,
    Service,
    Formation,
    Article,
}

/// A search hit (`db::public::SearchHit`).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes `db::public::SearchHit`
pub struct SearchHit {
    #[serde(rename = "type")]
    pub kind: SearchHitType,
    pub slug: String,
    pub title: String,
    /// Specialties or category; the owner's name for catalogue items and formations.
    pub subtitle: Option<String>,
    pub city: Option<String>,
    /// The public page of the hit.
    #[schema(example = "/praticiens/claire-martin")]
    pub href: String,
    pub image_url: Option<String>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[allow(dead_code)] // describes what `search` writes
pub struct SearchResults {
    pub items: Vec<SearchHit>,
    pub page: i64,
    pub limit: i64,
    pub total: i64,
}

/// One search across professionals, catalogue items and articles, ranked by similarity then
/// featured.
#[utoipa::path(get, path = "/api/search", tag = "public",
    params(SearchParams),
    responses(
        (status = 200, description = "Une page de résultats", body = SearchResults),
        (status = 400, description = "Paramètre invalide, ou `q` de moins de 2 caractères sans aucun filtre (VALIDATION_FAILED)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn search(
    State(state): State<AppState>,
    Query(p): Query<SearchParams>,
) -> Result<Json<Value>> {
    let s = p.query()?;
    let (items, total) = db::search(&state.pool, &s).await?;
    Ok(Json(json!({
        "items": items, "page": s.page, "limit": s.limit, "total": total
    })))
}
