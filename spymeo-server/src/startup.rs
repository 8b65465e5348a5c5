//! Building and running the server: bind (port 0 in tests), layer stack, graceful shutdown.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderName, StatusCode};
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::auth::session::SessionKeys;
use crate::config::{Config, StorageConfig};
use crate::state::{AppState, Inner};
use crate::{middleware, routes};

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("impossible d'écouter sur {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error(transparent)]
    Core(#[from] spymeo_core::Error),
}

pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
    shutdown_grace: Duration,
    jobs: bool,
}

impl Application {
    /// Binds the listener and builds the app. The database pool is lazy: a database that is
    /// not up yet gives 503 on `/api/health` until it is, instead of a crash loop.
    pub async fn build(config: Config) -> Result<Self, StartupError> {
        let pool = spymeo_core::db::lazy_pool(&config.database_url, &config.pool)?;
        let storage = match &config.storage {
            StorageConfig::Local(dir) => spymeo_core::storage::Storage::local(dir)?,
            StorageConfig::S3 { bucket } => spymeo_core::storage::Storage::s3(bucket.clone()).await,
        };
        let mailer = match &config.smtp_url {
            Some(url) => spymeo_core::mail::Mailer::smtp(url, &config.mail_from)?,
            None => spymeo_core::mail::Mailer::Log,
        };
        let state = AppState {
            pool,
            storage,
            inner: Arc::new(Inner {
                environment: config.environment,
                app_url: config.app_url.clone(),
                started_at: Instant::now(),
                version: VERSION,
                session_keys: SessionKeys {
                    current: config.session_secret.clone(),
                    previous: config.session_secret_previous.clone(),
                },
                mailer,
                trust_proxy: config.trust_proxy,
                payment_webhook_secret: config.payment_webhook_secret.clone(),
            }),
        };
        let listener =
            TcpListener::bind(config.bind)
                .await
                .map_err(|source| StartupError::Bind {
                    addr: config.bind,
                    source,
                })?;
        let router = app(state.clone(), &config);
        Ok(Self {
            listener,
            router,
            state,
            shutdown_grace: config.shutdown_grace,
            jobs: config.jobs,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves, then stops accepting connections and gives in-flight
    /// requests `shutdown_grace` to finish.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let (begun_tx, begun_rx) = tokio::sync::oneshot::channel::<()>();
        let (jobs_stop, jobs_stopped) = tokio::sync::watch::channel(false);
        if self.jobs {
            crate::jobs::spawn(self.state.clone(), jobs_stopped);
        }
        tokio::spawn(async move {
            shutdown.await;
            let _ = jobs_stop.send(true);
            let _ = begun_tx.send(());
            let _ = stop_tx.send(());
        });
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        let server = axum::serve(self.listener, service)
            .with_graceful_shutdown(async move {
                let _ = stop_rx.await;
            })
            .into_future();
        let mut server = std::pin::pin!(server);
        tokio::select! {
            res = &mut server => return res,
            _ = begun_rx => {}
        }
        tracing::info!(
            grace_secs = self.shutdown_grace.as_secs(),
            "shutting down: finishing in-flight requests"
        );
        match tokio::time::timeout(self.shutdown_grace, server).await {
            Ok(res) => res,
            Err(_) => {
                tracing::warn!("shutdown grace period over; closing remaining connections");
                Ok(())
            }
        }
    }

    /// Serves until SIGTERM (ECS stopping the task) or Ctrl-C.
    pub async fn run(self) -> std::io::Result<()> {
        self.run_until(shutdown_signal()).await
    }
}

pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => tracing::info!("SIGINT received"),
        _ = term => tracing::info!("SIGTERM received"),
    }
}

/// The router with the whole layer stack. `Router::layer` wraps what is already there, so
/// the last layer below is the outermost one.
pub fn app(state: AppState, config: &Config) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    routes::router()
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::auth::csrf::layer,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::auth::session::layer,
        ))
        .layer(axum::middleware::from_fn(middleware::flashes))
        .layer(DefaultBodyLimit::max(config.body_limit))
        .layer(RequestBodyLimitLayer::new(config.body_limit))
        .layer(CatchPanicLayer::new())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.request_timeout,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::error_bodies,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::security_headers,
        ))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(
            TraceLayer::new_for_http()
                // The path only: query strings may carry reset or share tokens.
                .make_span_with(|req: &Request| {
                    let id = req
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .layer(SetSensitiveRequestHeadersLayer::new([
            axum::http::header::AUTHORIZATION,
            axum::http::header::COOKIE,
        ]))
        .with_state(state)
}
