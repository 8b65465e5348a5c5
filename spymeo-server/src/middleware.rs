//! Cross-cutting layers: security headers, error bodies (JSON for `/api`, the French error
//! page elsewhere) and flash messages.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::{Error, ErrorInfo};
use crate::pages;
use crate::state::AppState;

/// Content-Security-Policy: no inline script or style, no framing (clickjacking).
pub const CSP: &str = "default-src 'self'; img-src 'self' data: https:; style-src 'self'; \
script-src 'self'; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; \
form-action 'self'; frame-ancestors 'none'";

/// Security headers on every response. HSTS only when deployed behind HTTPS: sent over the
/// plain-HTTP dev server it would pin `localhost` to HTTPS in the developer's browser.
pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let static_headers = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
        (header::CONTENT_SECURITY_POLICY, CSP),
    ];
    for (name, value) in static_headers {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    }
    h.entry("permissions-policy")
        .or_insert(HeaderValue::from_static(
            "camera=(), microphone=(), geolocation=(), payment=()",
        ));
    h.entry("cross-origin-opener-policy")
        .or_insert(HeaderValue::from_static("same-origin"));
    if state.environment().is_deployed() {
        h.entry(header::STRICT_TRANSPORT_SECURITY)
            .or_insert(HeaderValue::from_static(
                "max-age=63072000; includeSubDomains",
            ));
    }
    res
}

/// Gives every error response a body in the right form. Handlers return `Error` (which
/// carries an `ErrorInfo`); responses produced by layers (timeout 408, body limit 413,
/// extractor rejections, 405) arrive without one and get a code from their status.
pub async fn error_bodies(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api");
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let info = res.extensions().get::<ErrorInfo>().cloned();
    // A handler that answers an error status with its own JSON document (the 503 of
    // `/api/health`) has said what it meant.
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    match (is_api, info) {
        (true, Some(_)) => res,
        (true, None) if is_json => res,
        (true, None) => {
            let (parts, _) = res.into_parts();
            let mut rebuilt = from_status(status).into_response();
            copy_allow(&parts.headers, &mut rebuilt);
            rebuilt
        }
        // A page handler that rendered its own HTML for an error status (a form shown again
        // with its messages) has said what it meant.
        (false, _) if is_html(&res) => res,
        (false, info) => {
            let info = info.unwrap_or_else(|| {
                let e = from_status(status);
                ErrorInfo {
                    status,
                    code: e.code.into_owned(),
                    message: e.message.into_owned(),
                }
            });
            let (parts, _) = res.into_parts();
            let mut page = pages::errors::render(&state, &info);
            copy_allow(&parts.headers, &mut page);
            page
        }
    }
}

fn is_html(res: &Response) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"))
}

fn copy_allow(from: &axum::http::HeaderMap, to: &mut Response) {
    if let Some(allow) = from.get(header::ALLOW) {
        to.headers_mut().insert(header::ALLOW, allow.clone());
    }
}

fn from_status(status: StatusCode) -> Error {
    let (code, message) = match status {
        StatusCode::NOT_FOUND => return Error::not_found(),
        StatusCode::FORBIDDEN => return Error::forbidden(),
        StatusCode::METHOD_NOT_ALLOWED => ("METHOD_NOT_ALLOWED", "Méthode non autorisée"),
        StatusCode::REQUEST_TIMEOUT => (
            "REQUEST_TIMEOUT",
            "La requête a pris trop de temps, veuillez réessayer",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => {
            ("PAYLOAD_TOO_LARGE", "Le contenu envoyé est trop volumineux")
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "UNSUPPORTED_MEDIA_TYPE",
            "Type de contenu non pris en charge",
        ),
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST => {
            ("VALIDATION_FAILED", "La requête est invalide")
        }
        StatusCode::SERVICE_UNAVAILABLE => return Error::unavailable(),
        s if s.is_server_error() => return Error::internal(),
        _ => ("BAD_REQUEST", "La requête est invalide"),
    };
    Error::new(status, code, message)
}

pub const FLASH_COOKIE: &str = "spymeo_flash";

/// Flash messages read from the cookie of the same name, shown once by the next page.
#[derive(Debug, Clone, Default)]
pub struct Flashes(pub Vec<pages::Flash>);

/// Reads the flash cookie into a request extension and clears it on the page that shows it.
pub async fn flashes(mut req: Request, next: Next) -> Response {
    let flashes = read_flash_cookie(req.headers());
    let had = !flashes.is_empty();
    req.extensions_mut().insert(Flashes(flashes));
    let mut res = next.run(req).await;
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if had && is_html {
        res.headers_mut().append(
            header::SET_COOKIE,
            HeaderValue::from_static("spymeo_flash=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"),
        );
    }
    res
}

fn read_flash_cookie(headers: &axum::http::HeaderMap) -> Vec<pages::Flash> {
    use base64::Engine as _;
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().strip_prefix("spymeo_flash="))
        .filter_map(|v| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(v)
                .ok()
        })
        .filter_map(|bytes| serde_json::from_slice::<Vec<pages::Flash>>(&bytes).ok())
        .flatten()
        .take(5)
        .collect()
}

/// A `Set-Cookie` value carrying one flash message for the next page.
pub fn flash_cookie(flash: &pages::Flash) -> HeaderValue {
    use base64::Engine as _;
    let json = serde_json::to_vec(&[flash]).unwrap_or_default();
    let value = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
    HeaderValue::from_str(&format!(
        "{FLASH_COOKIE}={value}; Path=/; Max-Age=60; HttpOnly; SameSite=Lax"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("spymeo_flash=; Path=/; Max-Age=0"))
}
