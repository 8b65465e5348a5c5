//! The harness: a fresh database per test, the app on a random port, a cookie-keeping
//! client, and HTML assertions by CSS selector.

use std::net::SocketAddr;
use std::time::Duration;

use reqwest::StatusCode;
use scraper::{ElementRef, Html, Selector};
use secrecy::SecretString;
use spymeo_server::config::{Config, Environment, StorageConfig};
use sqlx::PgPool;

pub struct TestApp {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    pub pool: PgPool,
    pub state: spymeo_server::AppState,
    pub files: tempfile::TempDir,
    _stop: tokio::sync::oneshot::Sender<()>,
}

pub fn test_config(database_url: SecretString, files: &std::path::Path) -> Config {
    Config {
        bind: "127.0.0.1:0".parse().unwrap(),
        app_url: "http://spymeo.test".into(),
        environment: Environment::Test,
        database_url,
        session_secret: SecretString::from("test-secret-test-secret-test-secret!".to_owned()),
        session_secret_previous: None,
        smtp_url: None,
        mail_from: "SPYMEO <no-reply@spymeo.test>".into(),
        trust_proxy: false,
        jobs: false,
        storage: StorageConfig::Local(files.to_path_buf()),
        pool: spymeo_core::db::PoolSettings {
            max_connections: 5,
            acquire_timeout: Duration::from_secs(2),
        },
        request_timeout: Duration::from_secs(10),
        body_limit: 1024 * 1024,
        shutdown_grace: Duration::from_secs(5),
    }
}

/// The app on a fresh migrated database.
pub async fn spawn_app() -> TestApp {
    let (url, pool) = spymeo_core::testing::migrated_database()
        .await
        .expect("test database");
    spawn_app_on(url, pool).await
}

pub async fn spawn_app_on(url: SecretString, pool: PgPool) -> TestApp {
    let files = tempfile::tempdir().unwrap();
    let app = spymeo_server::Application::build(test_config(url, files.path()))
        .await
        .expect("app builds");
    let addr = app.local_addr();
    let state = app.state().clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    TestApp {
        addr,
        client: client(),
        pool,
        state,
        files,
        _stop: stop,
    }
}

/// Keeps cookies like a browser, does not follow redirects (tests assert them).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    /// GET a page, assert it is HTML, and parse it.
    pub async fn page(&self, path: &str) -> (StatusCode, Html) {
        let res = self.get(path).await;
        let status = res.status();
        let content_type = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(
            content_type.starts_with("text/html"),
            "{path}: expected HTML, got {content_type:?}"
        );
        (status, Html::parse_document(&res.text().await.unwrap()))
    }
}

/// All elements matching `selector`; fails when there are none.
pub fn select<'a>(html: &'a Html, selector: &str) -> Vec<ElementRef<'a>> {
    let sel = Selector::parse(selector).unwrap_or_else(|e| panic!("bad selector {selector}: {e}"));
    let found: Vec<_> = html.select(&sel).collect();
    assert!(!found.is_empty(), "no element matches {selector:?}");
    found
}

pub fn count(html: &Html, selector: &str) -> usize {
    html.select(&Selector::parse(selector).unwrap()).count()
}

pub fn text(el: &ElementRef) -> String {
    el.text()
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Text of the first element matching `selector`.
pub fn text_of(html: &Html, selector: &str) -> String {
    text(&select(html, selector)[0])
}
