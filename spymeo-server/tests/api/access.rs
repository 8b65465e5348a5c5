//! The access matrix (DOMAIN.md §5): every route of the route table, for every actor. Routes
//! come from the router's own catalogue, so a new route is covered without being listed here.

use reqwest::{Method, StatusCode};
use serde_json::Value;
use spymeo_server::auth::Access;
use spymeo_server::routes::{RouteInfo, catalogue};

use crate::helpers::{Actor, TestApp, client, spawn_app};

/// The group a path must be in, from DOMAIN.md's conventions (§5.2, §6, §8).
fn expected_access(path: &str) -> Option<Access> {
    let rules: &[(&str, Access)] = &[
        ("/api/admin", Access::Admin),
        ("/admin", Access::Admin),
        ("/api/pro/artisan", Access::Artisan),
        ("/api/pro/commercant", Access::Merchant),
        ("/api/pro/centre", Access::Center),
        ("/pro/praticien", Access::Practitioner),
        ("/pro/artisan", Access::Artisan),
        ("/pro/commercant", Access::Merchant),
        ("/pro/centre", Access::Center),
        ("/pro/", Access::Pro),
        ("/api/clients", Access::Practitioner),
        ("/api/consultations", Access::Practitioner),
        ("/api/invoices", Access::Practitioner),
        ("/api/agenda", Access::Practitioner),
        ("/api/account", Access::Account),
        ("/api/user/me", Access::Account),
        ("/user/", Access::Member),
        ("/api/user", Access::Member),
        ("/api/health", Access::Public),
        ("/api/public", Access::Public),
    ];
    rules
        .iter()
        .find(|(prefix, _)| path.starts_with(prefix))
        .map(|(_, a)| *a)
}

#[test]
fn every_route_sits_in_the_group_its_path_calls_for() {
    let routes = catalogue();
    assert!(routes.len() > 10);
    for r in &routes {
        if let Some(want) = expected_access(r.path) {
            assert_eq!(
                r.access, want,
                "{} {} is in the wrong access group",
                r.method, r.path
            );
        }
    }
}

/// What a request of `actor` (None = anonymous) must not get, given the route's rule.
#[derive(Debug, PartialEq)]
enum Expect {
    /// Handled by the route (any status but an access refusal).
    Allowed,
    Unauthenticated,
    Forbidden,
    NotActive,
    GoHome,
}

fn expect(access: Access, actor: Option<Actor>) -> Expect {
    use Actor::*;
    let Some(actor) = actor else {
        return match access {
            Access::Public | Access::Anonymous => Expect::Allowed,
            _ => Expect::Unauthenticated,
        };
    };
    let role_ok = match access {
        Access::Public | Access::Account | Access::All => true,
        Access::Anonymous => return Expect::GoHome,
        Access::Member => matches!(actor, Free | Pass),
        Access::Pro => matches!(
            actor,
            Practitioner | Artisan | Merchant | Center | PendingPro
        ),
        Access::Practitioner => matches!(actor, Practitioner | PendingPro),
        Access::Artisan => actor == Artisan,
        Access::Merchant => actor == Merchant,
        Access::Center => actor == Center,
        Access::Admin => actor == Admin,
    };
    if !role_ok {
        Expect::Forbidden
    } else if actor == PendingPro && !matches!(access, Access::Public | Access::Account) {
        Expect::NotActive
    } else {
        Expect::Allowed
    }
}

async fn call(app: &TestApp, c: &reqwest::Client, route: &RouteInfo) -> reqwest::Response {
    // Path parameters get ids that exist nowhere: access is decided before any lookup.
    let mut path = String::new();
    for seg in route.path.split('/').skip(1) {
        path.push('/');
        if seg.starts_with('{') {
            path.push_str(&uuid::Uuid::new_v4().to_string());
        } else {
            path.push_str(seg);
        }
    }
    let method = Method::from_bytes(route.method.as_bytes()).unwrap();
    let mut req = c
        .request(method.clone(), app.url(&path))
        .header("origin", app.origin());
    if method != Method::GET {
        req = if path.starts_with("/api") {
            req.json(&serde_json::json!({}))
        } else {
            req.form(&[("x", "")])
        };
    }
    req.send().await.unwrap()
}

async fn verdict(res: reqwest::Response, is_api: bool) -> Expect {
    let status = res.status();
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    if is_api {
        let code = res
            .json::<Value>()
            .await
            .ok()
            .and_then(|v| v["error"]["code"].as_str().map(str::to_owned));
        return match (status, code.as_deref()) {
            (StatusCode::UNAUTHORIZED, Some("UNAUTHENTICATED")) => Expect::Unauthenticated,
            (StatusCode::FORBIDDEN, Some("FORBIDDEN")) => Expect::Forbidden,
            (StatusCode::FORBIDDEN, Some("ACCOUNT_NOT_ACTIVE")) => Expect::NotActive,
            (StatusCode::FORBIDDEN, Some("CSRF")) => panic!("CSRF refused a same-origin request"),
            _ => Expect::Allowed,
        };
    }
    match status {
        StatusCode::SEE_OTHER if location.starts_with("/auth/login?next=") => {
            Expect::Unauthenticated
        }
        StatusCode::SEE_OTHER if location == "/payment/pro" => Expect::NotActive,
        StatusCode::SEE_OTHER
            if ["/admin", "/pro/dashboard", "/user/tableau-de-bord"]
                .contains(&location.as_str()) =>
        {
            Expect::GoHome
        }
        StatusCode::FORBIDDEN => {
            let body = res.text().await.unwrap_or_default();
            if body.contains("pas encore actif") {
                Expect::NotActive
            } else {
                Expect::Forbidden
            }
        }
        _ => Expect::Allowed,
    }
}

#[tokio::test]
async fn every_route_answers_every_actor_as_its_group_says() {
    let app = spawn_app().await;
    let mut users = Vec::new();
    for actor in Actor::ALL {
        let email = format!("{}@matrix.example.fr", format!("{actor:?}").to_lowercase());
        users.push((actor, app.create_user(actor, &email).await));
    }
    let mut failures = Vec::new();
    let mut checked = 0;
    for route in catalogue() {
        let is_api = route.path.starts_with("/api");
        let anon = verdict(call(&app, &client(), &route).await, is_api).await;
        let want = expect(route.access, None);
        if anon != want {
            failures.push(format!(
                "ANON {} {}: got {anon:?}, want {want:?}",
                route.method, route.path
            ));
        }
        for (actor, id) in &users {
            // A fresh session per request: some routes (logout) end the one they are given.
            let c = app.session_client(*id).await;
            let got = verdict(call(&app, &c, &route).await, is_api).await;
            let mut want = expect(route.access, Some(*actor));
            if is_api && want == Expect::GoHome {
                want = Expect::Allowed;
            }
            // DOMAIN.md §6.3: billing is for members and pros, and an admin account is removed
            // by another admin, not by itself: these handlers refuse admins.
            let refuses_admin = [
                ("GET", "/api/account/billing"),
                ("DELETE", "/api/account/delete"),
                ("DELETE", "/api/account"),
                ("POST", "/compte/supprimer"),
            ];
            if *actor == Actor::Admin
                && refuses_admin.contains(&(route.method.as_str(), route.path))
            {
                want = Expect::Forbidden;
            }
            if got != want {
                failures.push(format!(
                    "{actor:?} {} {}: got {got:?}, want {want:?}",
                    route.method, route.path
                ));
            }
            checked += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
