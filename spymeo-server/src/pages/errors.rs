//! The French error pages (404, 403, 500 and the rest), rendered for every non-API error
//! response by `middleware::error_bodies`.

use askama::Template;
use axum::response::Response;

use super::Layout;
use crate::error::ErrorInfo;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "pages/error.html")]
pub struct ErrorPage {
    pub layout: Layout,
    pub status: u16,
    pub heading: &'static str,
    pub message: String,
}

pub fn render(state: &AppState, info: &ErrorInfo) -> Response {
    let status = info.status.as_u16();
    let heading = match status {
        404 => "Page introuvable",
        403 => "Accès refusé",
        401 => "Connexion requise",
        429 => "Trop de requêtes",
        500..=599 => "Une erreur est survenue",
        _ => "Requête impossible",
    };
    let page = ErrorPage {
        layout: Layout::new(state, "", heading, info.message.as_str()),
        status,
        heading,
        message: info.message.clone(),
    };
    super::render(info.status, &page)
}
