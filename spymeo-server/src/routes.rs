//! The one route table. Every route belongs to a group with an [`Access`] rule, enforced by a
//! layer on the group, and is recorded in a catalogue that the access-matrix test walks, so a
//! route added here is tested against every actor without anyone listing it again.

use axum::Router;
use axum::http::Method;
use axum::routing::{MethodRouter, get};

use crate::auth::Access;
use crate::state::AppState;
use crate::{api, pages};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RouteInfo {
    pub method: String,
    pub path: &'static str,
    pub access: Access,
}

/// Routes of one access group.
struct Group {
    access: Access,
    router: Router<AppState>,
    routes: Vec<RouteInfo>,
}

impl Group {
    fn new(access: Access) -> Self {
        Group {
            access,
            router: Router::new(),
            routes: Vec::new(),
        }
    }

    fn route(
        mut self,
        methods: &[Method],
        path: &'static str,
        handler: MethodRouter<AppState>,
    ) -> Self {
        for m in methods {
            self.routes.push(RouteInfo {
                method: m.to_string(),
                path,
                access: self.access,
            });
        }
        self.router = self.router.route(path, handler);
        self
    }

    fn get(self, path: &'static str, handler: MethodRouter<AppState>) -> Self {
        self.route(&[Method::GET], path, handler)
    }
}

fn groups() -> Vec<Group> {
    vec![
        Group::new(Access::Public)
            .get("/", get(pages::home::show))
            .get("/api/health", get(api::health::health))
            .get("/api/health/live", get(api::health::live)),
    ]
}

/// The application's routes, each group behind its access layer.
pub fn router() -> Router<AppState> {
    let mut router = Router::new().route("/static/{name}", get(pages::static_files::serve));
    for group in groups() {
        let access = group.access;
        router = router.merge(group.router.route_layer(axum::middleware::from_fn(
            move |req, next| crate::auth::access::require(access, req, next),
        )));
    }
    router.fallback(fallback)
}

/// Every route with its method and access rule (static assets excepted).
pub fn catalogue() -> Vec<RouteInfo> {
    groups().into_iter().flat_map(|g| g.routes).collect()
}

async fn fallback() -> crate::Error {
    crate::Error::not_found()
}
