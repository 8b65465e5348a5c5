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
