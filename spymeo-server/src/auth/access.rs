//! Access rules of route groups (DOMAIN.md §5.2, §6.1 "Roles" column, §8 page rules).

use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use super::{CurrentUser, MaybeUser, Role};
use crate::auth::RoleExt as _;
use crate::error::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Access {
    /// Anyone, session or not.
    Public,
    /// Only visitors without a session (login and signup forms); others go to their home.
    Anonymous,
    /// Any logged-in account, including pros not yet ACTIVE (`/api/auth/*`, `/api/account/*`).
    Account,
    /// Any logged-in ACTIVE account.
    All,
    /// FREE_USER or PASS_USER.
    Member,
    /// The four pro roles, ACTIVE.
    Pro,
    Practitioner,
    Artisan,
    Merchant,
    Center,
    Admin,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Denied {
    /// 401 (API) / redirect to login (pages).
    Unauthenticated,
    /// 403 FORBIDDEN.
    WrongRole,
    /// 403 ACCOUNT_NOT_ACTIVE; pages of a PENDING_PAYMENT pro go to `/payment/pro`.
    NotActive,
    /// A logged-in user on a page for anonymous visitors: go home.
    AlreadyLoggedIn,
}

impl Access {
    /// The decision for `user`, as a pure function (unit-tested over every role and state).
    pub fn check(self, user: Option<&CurrentUser>) -> Result<(), Denied> {
        let Some(user) = user else {
            return match self {
                Access::Public | Access::Anonymous => Ok(()),
                _ => Err(Denied::Unauthenticated),
            };
        };
        let role_ok = match self {
            Access::Public | Access::Account | Access::All => true,
            Access::Anonymous => return Err(Denied::AlreadyLoggedIn),
            Access::Member => user.role.is_member(),
            Access::Pro => user.role.is_pro(),
            Access::Practitioner => user.role == Role::Practitioner,
            Access::Artisan => user.role == Role::Artisan,
            Access::Merchant => user.role == Role::Commercant,
            Access::Center => user.role == Role::Center,
            Access::Admin => user.role == Role::Admin,
        };
        if !role_ok {
            return Err(Denied::WrongRole);
        }
        let needs_active = !matches!(self, Access::Public | Access::Account);
        if needs_active && user.status != "ACTIVE" {
            return Err(Denied::NotActive);
        }
        Ok(())
    }
}

/// Layer body for a route group: applies `access` to the session the session layer loaded.
pub async fn require(access: Access, req: Request, next: Next) -> Response {
    let user = req
        .extensions()
        .get::<MaybeUser>()
        .and_then(|m| m.0.clone());
    match access.check(user.as_ref()) {
        Ok(()) => next.run(req).await,
        // Logging in again (as someone else) through the API is legitimate; only the pages
        // send a logged-in visitor home.
        Err(Denied::AlreadyLoggedIn) if req.uri().path().starts_with("/api") => next.run(req).await,
        Err(denied) => deny(denied, &req, user.as_ref()),
    }
}

fn deny(denied: Denied, req: &Request, user: Option<&CurrentUser>) -> Response {
    let is_api = req.uri().path().starts_with("/api");
    match denied {
        Denied::Unauthenticated if !is_api => {
            // DOMAIN.md §8: anonymous visitors of protected pages go to login, then come back.
            let next = req
                .uri()
                .path_and_query()
                .map(|pq| pq.as_str())
                .unwrap_or("/");
            let location = format!("/auth/login?next={}", urlencode(next));
            (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
        }
        Denied::Unauthenticated => Error::new(
            StatusCode::UNAUTHORIZED,
            "UNAUTHENTICATED",
            "Vous devez être connecté",
        )
        .into_response(),
        Denied::WrongRole => Error::forbidden().into_response(),
        Denied::NotActive
            if !is_api
                && req.uri().path().starts_with("/pro")
                && user.is_some_and(|u| u.status == "PENDING_PAYMENT") =>
        {
            Redirect::to("/payment/pro").into_response()
        }
        Denied::NotActive => Error::new(
            StatusCode::FORBIDDEN,
            "ACCOUNT_NOT_ACTIVE",
            "Votre compte n'est pas encore actif",
        )
        .into_response(),
        Denied::AlreadyLoggedIn => {
            let home = user.map(|u| u.role.home()).unwrap_or("/");
            (StatusCode::SEE_OTHER, [(header::LOCATION, home)]).into_response()
        }
    }
}

/// Percent-encodes a path for a query parameter value.
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A `next` target is followed only when it is a local path: never another site
/// (open redirect), never `//host` (protocol-relative).
pub fn safe_next(next: Option<&str>) -> Option<String> {
    let next = next?;
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.contains(['\r', '\n']);
    ok.then(|| next.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role, status: &str) -> CurrentUser {
        CurrentUser::for_tests(role, status)
    }

    #[test]
    fn anonymous_visitors() {
        assert_eq!(Access::Public.check(None), Ok(()));
        assert_eq!(Access::Anonymous.check(None), Ok(()));
        for a in [
            Access::Account,
            Access::All,
            Access::Member,
            Access::Pro,
            Access::Admin,
        ] {
            assert_eq!(a.check(None), Err(Denied::Unauthenticated));
        }
    }

    #[test]
    fn roles_and_states() {
        let free = user(Role::FreeUser, "ACTIVE");
        let pending_pro = user(Role::Practitioner, "PENDING_PAYMENT");
        let artisan = user(Role::Artisan, "ACTIVE");
        let admin = user(Role::Admin, "ACTIVE");
        assert_eq!(Access::Member.check(Some(&free)), Ok(()));
        assert_eq!(Access::Pro.check(Some(&free)), Err(Denied::WrongRole));
        assert_eq!(Access::Account.check(Some(&pending_pro)), Ok(()));
        assert_eq!(
            Access::Practitioner.check(Some(&pending_pro)),
            Err(Denied::NotActive)
        );
        assert_eq!(
            Access::Merchant.check(Some(&artisan)),
            Err(Denied::WrongRole)
        );
        assert_eq!(Access::Artisan.check(Some(&artisan)), Ok(()));
        assert_eq!(
            Access::Practitioner.check(Some(&admin)),
            Err(Denied::WrongRole)
        );
        assert_eq!(Access::Admin.check(Some(&admin)), Ok(()));
        assert_eq!(
            Access::Anonymous.check(Some(&admin)),
            Err(Denied::AlreadyLoggedIn)
        );
    }

    #[test]
    fn next_targets_stay_on_the_site() {
        assert_eq!(
            safe_next(Some("/pro/dashboard?x=1")).as_deref(),
            Some("/pro/dashboard?x=1")
        );
        assert_eq!(safe_next(Some("//evil.example")), None);
        assert_eq!(safe_next(Some("https://evil.example")), None);
        assert_eq!(safe_next(Some("/\\evil.example")), None);
        assert_eq!(safe_next(None), None);
        assert_eq!(
            urlencode("/pro/dashboard?a=b&c"),
            "/pro/dashboard%3Fa%3Db%26c"
        );
    }
}
