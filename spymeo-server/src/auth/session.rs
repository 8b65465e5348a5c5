//! Session cookies: `spymeo_session` holds a random token; PostgreSQL holds its HMAC under
//! `SESSION_SECRET` (and `SESSION_SECRET_PREVIOUS` during a rotation: a session found under the
//! previous key is re-keyed, so rotating logs nobody out; dropping the previous key ends the
//! sessions that were not seen in between).

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use secrecy::SecretString;
use spymeo_core::db::sessions;
use uuid::Uuid;

use super::Role;
use crate::error::Error;
use crate::state::AppState;

pub const COOKIE: &str = "spymeo_session";

/// The logged-in user of this request, as the database says now.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
    pub status: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub avatar_url: Option<String>,
    pub email_verified: bool,
    /// `(status, plan)` of the PASS subscription, if any.
    pub pass: Option<(String, String)>,
    /// Keyed hash of this request's session token (logout, "other sessions").
    pub session_hash: Vec<u8>,
}

impl CurrentUser {
    pub fn display_name(&self) -> String {
        match (&self.first_name, &self.last_name) {
            (Some(f), Some(l)) => format!("{f} {l}"),
            (Some(f), None) => f.clone(),
            _ => self.email.clone(),
        }
    }

    #[cfg(test)]
    pub fn for_tests(role: Role, status: &str) -> Self {
        CurrentUser {
            id: Uuid::nil(),
            email: "t@example.fr".into(),
            role,
            status: status.into(),
            first_name: None,
            last_name: None,
            avatar_url: None,
            email_verified: true,
            pass: None,
            session_hash: Vec::new(),
        }
    }
}

/// The session layer's finding, present on every request.
#[derive(Debug, Clone, Default)]
pub struct MaybeUser(pub Option<CurrentUser>);

#[derive(Clone)]
pub struct SessionKeys {
    pub current: SecretString,
    pub previous: Option<SecretString>,
}

impl SessionKeys {
    /// Hashes of `token` under the current key, then the previous one.
    pub fn hashes(&self, token: &str) -> Vec<Vec<u8>> {
        std::iter::once(&self.current)
            .chain(self.previous.as_ref())
            .filter_map(|key| spymeo_core::token::keyed_hash(key, token))
            .collect()
    }

    pub fn current_hash(&self, token: &str) -> Option<Vec<u8>> {
        spymeo_core::token::keyed_hash(&self.current, token)
    }
}

pub fn token_from(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| kv.trim().strip_prefix("spymeo_session=").map(str::to_owned))
        .filter(|t| !t.is_empty())
}

/// Loads the session user into the request. Requests without a cookie cost no query.
pub async fn layer(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let mut user = None;
    let mut renewed = None;
    if let Some(token) = token_from(req.headers()) {
        let hashes = state.inner.session_keys.hashes(&token);
        let now = chrono::Utc::now();
        match load(&state, &hashes, now).await {
            Ok(found) => {
                if let Some((u, expires)) = found {
                    renewed = expires.map(|e| (token, e));
                    user = Some(u);
                }
            }
            Err(e) => return e.into_response(),
        }
    }
    req.extensions_mut().insert(MaybeUser(user));
    let mut res = next.run(req).await;
    if let Some((token, expires)) = renewed
        && !res.headers().contains_key(header::SET_COOKIE)
    {
        let max_age = (expires - chrono::Utc::now()).num_seconds().max(0);
        res.headers_mut().append(
            header::SET_COOKIE,
            cookie(&token, max_age, state.secure_cookies()),
        );
    }
    res
}

type Loaded = Option<(CurrentUser, Option<chrono::DateTime<chrono::Utc>>)>;

async fn load(
    state: &AppState,
    hashes: &[Vec<u8>],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Loaded, Error> {
    let Some(found) = sessions::find(&state.pool, hashes, now).await? else {
        return Ok(None);
    };
    let renewed = sessions::touch(&state.pool, &found.token_hash, found.expires_at, now).await?;
    let mut found = found;
    if hashes.first() != Some(&found.token_hash) {
        // Found under the previous key: move it to the current one.
        if let Some(current) = hashes.first() {
            sessions::rekey(&state.pool, &found.token_hash, current).await?;
            found.token_hash = current.clone();
        }
    }
    Ok(current_user(found).map(|u| (u, renewed)))
}

/// The request's user from a session row (`None` for a role this build does not know).
pub fn current_user(found: sessions::SessionUser) -> Option<CurrentUser> {
    Some(CurrentUser {
        id: found.user_id,
        role: found.role.parse().ok()?,
        email: found.email,
        status: found.status,
        first_name: found.first_name,
        last_name: found.last_name,
        avatar_url: found.avatar_url,
        email_verified: found.email_verified_at.is_some(),
        pass: found.pass_status.zip(found.pass_plan),
        session_hash: found.token_hash,
    })
}

/// `Set-Cookie` for a session token. Secure except in development and tests (plain HTTP on
/// localhost); HttpOnly so scripts cannot read it; SameSite=Lax against cross-site posts.
pub fn cookie(token: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={token}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Lax{secure}"
    ))
    .expect("base64url token is a valid header value")
}

pub fn clear_cookie(secure: bool) -> HeaderValue {
    cookie("", 0, secure)
}

/// `204 No Content` that also removes the session cookie (logout, reset, deletion).
pub fn ended(secure: bool) -> Response {
    (
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, clear_cookie(secure))],
    )
        .into_response()
}

impl<S: Send + Sync> FromRequestParts<S> for MaybeUser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<MaybeUser>()
            .cloned()
            .unwrap_or_default())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<MaybeUser>()
            .and_then(|m| m.0.clone())
            .ok_or_else(|| {
                Error::new(
                    StatusCode::UNAUTHORIZED,
                    "UNAUTHENTICATED",
                    "Vous devez être connecté",
                )
            })
    }
}
