//! CSRF defence (DOMAIN.md §6.1): a mutating request must come from our own origin. Browsers
//! send `Origin` on every cross-site POST, so comparing it with `APP_URL` stops forged
//! requests without tokens in forms. A request with neither `Origin` nor `Referer` is refused
//! too (the rule of §6.1); server-to-server webhooks, which authenticate by signature, are the
//! only exemption and are listed in [`EXEMPT`].

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::Error;
use crate::state::AppState;

/// Paths called by other servers, authenticated by signature rather than by cookie.
pub const EXEMPT: &[&str] = &["/api/payment/webhook", "/api/stripe/webhooks"];

pub async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || EXEMPT.contains(&req.uri().path())
    {
        return next.run(req).await;
    }
    let expected = origin_of(&state.inner.app_url);
    let sent = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| {
            req.headers()
                .get(header::REFERER)
                .and_then(|v| v.to_str().ok())
                .and_then(origin_of)
        });
    let allowed = sent
        .as_deref()
        .is_some_and(|origin| Some(origin) == expected.as_deref() || same_host(&req, origin));
    if allowed {
        next.run(req).await
    } else {
        Error::new(
            StatusCode::FORBIDDEN,
            "CSRF",
            "Requête refusée : origine inconnue",
        )
        .into_response()
    }
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    Some(format!("{scheme}://{host}"))
}

/// `spymeo dev` and tests are reached on whatever address they bound: accept an origin that
/// names the Host the request was sent to, over plain HTTP on loopback only.
fn same_host(req: &Request, origin: &str) -> bool {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok());
    match (host, origin.strip_prefix("http://")) {
        (Some(host), Some(origin_host)) => {
            origin_host == host && (host.starts_with("127.0.0.1") || host.starts_with("localhost"))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::origin_of;

    #[test]
    fn origins() {
        assert_eq!(
            origin_of("https://spymeo.fr/x?y").as_deref(),
            Some("https://spymeo.fr")
        );
        assert_eq!(
            origin_of("http://127.0.0.1:3000").as_deref(),
            Some("http://127.0.0.1:3000")
        );
        assert_eq!(origin_of("nonsense"), None);
    }
}
