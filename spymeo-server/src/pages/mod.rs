//! Server-rendered French pages. Each handler sits next to its askama template struct;
//! every template extends `base.html` through the shared [`Layout`].

pub mod errors;
pub mod home;
pub mod static_files;

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::middleware::Flashes;
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flash {
    /// `success`, `info` or `error` (a CSS class).
    pub kind: String,
    pub message: String,
}

/// What `base.html` needs: head metadata, the current path (active menu entry) and flashes.
#[derive(Debug, Clone)]
pub struct Layout {
    pub title: String,
    pub description: String,
    pub canonical: String,
    pub path: String,
    pub flashes: Vec<Flash>,
}

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
}

pub const NAV: &[NavItem] = &[
    NavItem {
        href: "/praticiens",
        label: "Praticiens",
    },
    NavItem {
        href: "/artisans",
        label: "Artisans",
    },
    NavItem {
        href: "/commercants",
        label: "Commerçants",
    },
    NavItem {
        href: "/centres-de-formation",
        label: "Centres de formation",
    },
    NavItem {
        href: "/blog",
        label: "Blog",
    },
    NavItem {
        href: "/pass",
        label: "PASS",
    },
];

impl Layout {
    pub fn new(state: &AppState, path: &str, title: &str, description: &str) -> Self {
        Self {
            title: if path == "/" {
                title.to_owned()
            } else {
                format!("{title} · SPYMEO")
            },
            description: description.to_owned(),
            canonical: format!("{}{path}", state.inner.app_url.trim_end_matches('/')),
            path: path.to_owned(),
            flashes: Vec::new(),
        }
    }

    pub fn with_flashes(mut self, flashes: Flashes) -> Self {
        self.flashes = flashes.0;
        self
    }

    pub fn nav(&self) -> &'static [NavItem] {
        NAV
    }

    pub fn is_active(&self, href: &str) -> bool {
        self.path == href || self.path.starts_with(&format!("{href}/"))
    }
}

/// Renders a template as an HTML response; a template error is a 500, logged.
pub fn render<T: Template>(status: StatusCode, template: &T) -> Response {
    match template.render() {
        Ok(html) => (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            html,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            Error::internal().into_response()
        }
    }
}

/// "6,90 €" — French formatting of euro cents.
pub fn euros(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    let (units, rest) = (cents / 100, cents % 100);
    let mut grouped = String::new();
    let digits = units.to_string();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('\u{202f}');
        }
        grouped.push(c);
    }
    if rest == 0 {
        format!("{sign}{grouped} €")
    } else {
        format!("{sign}{grouped},{rest:02} €")
    }
}

#[cfg(test)]
mod tests {
    use super::euros;

    #[test]
    fn euros_are_french() {
        assert_eq!(euros(690), "6,90 €");
        assert_eq!(euros(6900), "69 €");
        assert_eq!(euros(0), "0 €");
        assert_eq!(euros(12_345_678), "123\u{202f}456,78 €");
        assert_eq!(euros(-1050), "-10,50 €");
    }
}
