//! The answer of a back-office form post (admin and pro spaces): back to the page with a
//! flash saying what happened (post/redirect/get), or the error page when the target does not
//! exist or may not be touched, so a refused action never looks like a success.

use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};

use super::Flash;
use crate::error::{Error, Result};
use crate::middleware::flash_cookie;

pub fn redirect_with(location: &str, kind: &str, message: String) -> Response {
    let mut res = Redirect::to(location).into_response();
    res.headers_mut().append(
        SET_COOKIE,
        flash_cookie(&Flash {
            kind: kind.into(),
            message,
        }),
    );
    res
}

/// Success → `location` with `ok`; a 400/409 → `location` with the French message (and the
/// field messages); 404/403/5xx → the error page.
pub fn back<T>(
    location: &str,
    result: Result<T>,
    ok: impl FnOnce(&T) -> String,
) -> Result<Response> {
    match result {
        Ok(v) => Ok(redirect_with(location, "success", ok(&v))),
        Err(e) if matches!(e.status, StatusCode::BAD_REQUEST | StatusCode::CONFLICT) => {
            let mut message = e.message.to_string();
            for (_, m) in &e.fields {
                message.push_str(" — ");
                message.push_str(m);
            }
            Ok(redirect_with(location, "error", message))
        }
        Err(e) => Err(e),
    }
}

/// A checkbox of an HTML form: present = on.
pub fn checked(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|s| !s.is_empty() && s != "false")
}

pub fn not_found() -> Error {
    Error::not_found()
}
