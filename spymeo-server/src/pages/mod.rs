//! Server-rendered French pages. Each handler sits next to its askama template struct;
//! every template extends `base.html` through the shared [`Layout`].

pub mod account;
pub mod admin;
pub mod admin_content;
pub mod artisan;
pub mod auth;
pub mod center;
pub mod dashboards;
pub mod errors;
pub mod home;
pub mod legal;
pub mod member;
pub mod merchant;
pub mod outcome;
pub mod payment;
pub mod practitioner;
pub mod pro_common;
pub mod pro_forms;
pub mod pro_stats;
pub mod public;
pub mod register_pro;
pub mod static_files;

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::auth::RoleExt as _;
use crate::auth::{CurrentUser, MaybeUser};
use crate::error::Error;
use crate::middleware::Flashes;
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flash {
    /// `success`, `info` or `error` (a CSS class).
    pub kind: String,
    pub message: String,
}

/// What `base.html` needs: head metadata, the current path (active menu entry), flashes and
/// who is logged in.
#[derive(Debug, Clone)]
pub struct Layout {
    pub title: String,
    pub description: String,
    pub canonical: String,
    pub path: String,
    pub flashes: Vec<Flash>,
    pub user: Option<UserBadge>,
}

/// The header's account menu.
#[derive(Debug, Clone)]
pub struct UserBadge {
    pub name: String,
    pub home: &'static str,
    pub account: &'static str,
}

/// Everything a page handler needs from the request to build its [`Layout`].
#[derive(Debug, Clone)]
pub struct Ctx {
    pub user: Option<CurrentUser>,
    pub flashes: Flashes,
    pub path: String,
}

impl Ctx {
    pub fn layout(&self, state: &AppState, title: &str, description: &str) -> Layout {
        let mut layout = Layout::new(state, &self.path, title, description);
        layout.flashes = self.flashes.0.clone();
        layout.user = self.user.as_ref().map(|u| UserBadge {
            name: u.display_name(),
            home: u.role.home(),
            account: if u.role.is_pro() {
                "/pro/compte"
            } else {
                "/compte"
            },
        });
        layout
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Ctx {
            user: parts
                .extensions
                .get::<MaybeUser>()
                .and_then(|m| m.0.clone()),
            flashes: parts
                .extensions
                .get::<Flashes>()
                .cloned()
                .unwrap_or_default(),
            path: parts.uri.path().to_owned(),
        })
    }
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
            user: None,
        }
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
