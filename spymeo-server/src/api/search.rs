//! `GET /api/search` (DOMAIN.md §6.4): one search across professionals, catalogue items and
//! articles, accent- and case-insensitive, ranked by trigram similarity then featured.

use axum::Json;
use axum::extract::{Query, State};
use serde_json::{Value, json};
use spymeo_core::db::public as db;

use crate::error::Result;
use crate::pages::public::SearchParams;
use crate::state::AppState;

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
