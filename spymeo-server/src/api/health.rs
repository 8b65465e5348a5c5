//! `GET /api/health` (readiness, used by the load balancer) and `GET /api/health/live`
//! (liveness, used by the container HEALTHCHECK), as DOMAIN.md §6.2 defines them.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(paths(health, live), components(schemas(Health, Checks, Live)))]
pub struct ApiDoc;

/// The database must answer within this, or the task is reported unhealthy.
pub const DB_TIMEOUT: Duration = Duration::from_secs(2);
pub const STORAGE_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// healthy, degraded (storage down: still 200) or unhealthy (database down: 503).
    pub status: &'static str,
    pub timestamp: chrono::DateTime<chrono::Utc>,
    /// Seconds since the process started.
    pub uptime: u64,
    pub environment: &'static str,
    pub version: &'static str,
    pub checks: Checks,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Checks {
    pub database: &'static str,
    pub s3: &'static str,
    /// `s3` or `local`: which blob store the `s3` check probed.
    pub storage: &'static str,
}

/// Readiness: the database must answer (503 otherwise); storage trouble only degrades.
#[utoipa::path(get, path = "/api/health", tag = "health", responses(
    (status = 200, description = "Prêt (healthy ou degraded)", body = Health),
    (status = 503, description = "Base de données injoignable (unhealthy)", body = Health),
))]
pub async fn health(State(state): State<AppState>) -> Response {
    // Both probes run at once, so the answer comes within the larger timeout, not the sum.
    let (db_ok, storage_ok) = tokio::join!(
        spymeo_core::db::health::ping(&state.pool, DB_TIMEOUT),
        state.storage.check(STORAGE_TIMEOUT),
    );
    let (status, code) = match (db_ok, storage_ok) {
        (false, _) => ("unhealthy", StatusCode::SERVICE_UNAVAILABLE),
        // S3 trouble must not pull every task out of the load balancer.
        (true, false) => ("degraded", StatusCode::OK),
        (true, true) => ("healthy", StatusCode::OK),
    };
    let body = Health {
        status,
        timestamp: chrono::Utc::now(),
        uptime: state.inner.started_at.elapsed().as_secs(),
        environment: state.environment().as_str(),
        version: state.inner.version,
        checks: Checks {
            database: if db_ok { "connected" } else { "disconnected" },
            s3: if storage_ok {
                "accessible"
            } else {
                "inaccessible"
            },
            storage: match state.storage {
                spymeo_core::storage::Storage::Local { .. } => "local",
                spymeo_core::storage::Storage::S3 { .. } => "s3",
            },
        },
    };
    (code, [(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Live {
    /// Always `alive`: the process answers.
    pub status: &'static str,
}

/// Liveness: the process answers, whatever its dependencies do.
#[utoipa::path(get, path = "/api/health/live", tag = "health", responses(
    (status = 200, description = "Le processus répond", body = Live),
))]
pub async fn live() -> Response {
    (
        [(header::CACHE_CONTROL, "no-store")],
        Json(Live { status: "alive" }),
    )
        .into_response()
}
