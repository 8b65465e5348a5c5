//! The one route table. Later areas add their `router()` here, each behind the auth layer
//! its role group needs.

use axum::Router;
use axum::routing::get;

use crate::state::AppState;
use crate::{api, pages};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::home::show))
        .route("/static/{name}", get(pages::static_files::serve))
        .route("/api/health", get(api::health::health))
        .route("/api/health/live", get(api::health::live))
        .fallback(fallback)
}

async fn fallback() -> crate::Error {
    crate::Error::not_found()
}
