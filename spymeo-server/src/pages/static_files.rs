//! Static assets compiled into the binary: the container image holds `spymeo` alone.

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::Error;

const FILES: &[(&str, &str, &str)] = &[
    (
        "spymeo.css",
        "text/css; charset=utf-8",
        include_str!("../../static/spymeo.css"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_str!("../../static/favicon.svg"),
    ),
];

pub async fn serve(Path(name): Path<String>) -> Response {
    match FILES.iter().find(|(n, _, _)| *n == name) {
        Some((_, content_type, body)) => (
            [
                (header::CONTENT_TYPE, *content_type),
                // Assets change only with a release; the version query string busts caches.
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            *body,
        )
            .into_response(),
        None => Error::not_found().into_response(),
    }
}

/// Public uploads: avatars only. Other stored files (client documents, applications) are
/// private and served by their own authorised routes.
pub async fn avatar(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    Path((user, file)): Path<(uuid::Uuid, String)>,
) -> Response {
    let content_type = match file.rsplit_once('.').map(|(_, ext)| ext) {
        Some("jpg") => "image/jpeg",
        Some("png") => "image/png",
        Some("webp") => "image/webp",
        _ => return Error::not_found().into_response(),
    };
    match state.storage.get(&format!("avatars/{user}/{file}")).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, content_type),
                // Each upload gets a new name, so a stored avatar never changes.
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => Error::from(e).into_response(),
    }
}
