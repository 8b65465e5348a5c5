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

/// The payment webhook secret of the test app; tests sign their own provider events with it.
pub const WEBHOOK_SECRET: &str = "whsec_test_spymeo";

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
        payment_webhook_secret: Some(SecretString::from(WEBHOOK_SECRET.to_owned())),
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
    spawn_app_with(url, pool, |_| {}).await
}

/// The app on an existing database, with a changed configuration.
pub async fn spawn_app_with(
    url: SecretString,
    pool: PgPool,
    change: impl FnOnce(&mut Config),
) -> TestApp {
    let files = tempfile::tempdir().unwrap();
    let mut config = test_config(url, files.path());
    change(&mut config);
    let app = spymeo_server::Application::build(config)
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

/// The actors of DOMAIN.md §5.1 that tests log in as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Free,
    Pass,
    Practitioner,
    Artisan,
    Merchant,
    Center,
    /// A practitioner approved but not paid yet (PENDING_PAYMENT).
    PendingPro,
    Admin,
}

impl Actor {
    pub const ALL: [Actor; 8] = [
        Actor::Free,
        Actor::Pass,
        Actor::Practitioner,
        Actor::Artisan,
        Actor::Merchant,
        Actor::Center,
        Actor::PendingPro,
        Actor::Admin,
    ];

    pub fn role(self) -> &'static str {
        match self {
            Actor::Free => "FREE_USER",
            Actor::Pass => "PASS_USER",
            Actor::Practitioner | Actor::PendingPro => "PRACTITIONER",
            Actor::Artisan => "ARTISAN",
            Actor::Merchant => "COMMERCANT",
            Actor::Center => "CENTER",
            Actor::Admin => "ADMIN",
        }
    }

    pub fn status(self) -> &'static str {
        if self == Actor::PendingPro {
            "PENDING_PAYMENT"
        } else {
            "ACTIVE"
        }
    }
}

impl TestApp {
    /// Creates an account for `actor` (with its profile rows) and returns its id.
    pub async fn create_user(&self, actor: Actor, email: &str) -> uuid::Uuid {
        let id: uuid::Uuid = sqlx::query_scalar(
            "INSERT INTO users (email, role, status, first_name, last_name, password_hash)
             VALUES ($1, $2::role, $3::user_status, 'Test', $4, $5) RETURNING id",
        )
        .bind(email)
        .bind(actor.role())
        .bind(actor.status())
        .bind(format!("{actor:?}"))
        .bind(spymeo_core::password::hash("Motdepasse1").unwrap())
        .fetch_one(&self.pool)
        .await
        .unwrap();
        sqlx::query("INSERT INTO profiles (user_id) VALUES ($1)")
            .bind(id)
            .execute(&self.pool)
            .await
            .unwrap();
        let slug = email
            .split('@')
            .next()
            .unwrap()
            .replace(['.', '_', '+'], "-");
        let table = match actor {
            Actor::Practitioner | Actor::PendingPro => Some("practitioner_profiles"),
            Actor::Artisan => Some("artisan_profiles"),
            Actor::Merchant => Some("merchant_profiles"),
            Actor::Center => Some("center_profiles"),
            _ => None,
        };
        if let Some(table) = table {
            sqlx::query(&format!(
                "INSERT INTO {table} (user_id, slug, public_name, verified) VALUES ($1, $2, $2, $3)"
            ))
            .bind(id)
            .bind(&slug)
            .bind(actor != Actor::PendingPro)
            .execute(&self.pool)
            .await
            .unwrap();
        }
        if actor == Actor::Pass {
            sqlx::query(
                "INSERT INTO pass_subscriptions (user_id, plan, status, started_at, current_period_start, current_period_end, months_paid)
                 VALUES ($1, 'ANNUAL', 'ACTIVE', now(), now(), now() + interval '1 year', 12)",
            )
            .bind(id)
            .execute(&self.pool)
            .await
            .unwrap();
        }
        id
    }

    /// A client whose cookie jar holds a fresh session of `user_id`, as after a login.
    pub async fn session_client(&self, user_id: uuid::Uuid) -> reqwest::Client {
        let token = spymeo_core::token::generate();
        let hash = self.state.inner.session_keys.current_hash(&token).unwrap();
        let mut conn = self.pool.acquire().await.unwrap();
        spymeo_core::db::sessions::create(
            &mut conn,
            &hash,
            user_id,
            None,
            None,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        self.client_with_cookie(&token)
    }

    pub fn client_with_cookie(&self, token: &str) -> reqwest::Client {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        jar.add_cookie_str(
            &format!("spymeo_session={token}; Path=/"),
            &self.url("/").parse().unwrap(),
        );
        reqwest::Client::builder()
            .cookie_provider(jar)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap()
    }

    /// `login_as(role)`: a new account of that kind, logged in.
    pub async fn login_as(&self, actor: Actor) -> (uuid::Uuid, reqwest::Client) {
        let email = format!(
            "{}-{}@example.fr",
            format!("{actor:?}").to_lowercase(),
            uuid::Uuid::new_v4().simple()
        );
        let id = self.create_user(actor, &email).await;
        (id, self.session_client(id).await)
    }

    /// The site's own origin, as a browser would send it on a form post.
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub async fn post_json(
        &self,
        client: &reqwest::Client,
        path: &str,
        body: serde_json::Value,
    ) -> reqwest::Response {
        client
            .post(self.url(path))
            .header("origin", self.origin())
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    pub async fn post_form(
        &self,
        client: &reqwest::Client,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(self.url(path))
            .header("origin", self.origin())
            .form(form)
            .send()
            .await
            .expect("request")
    }
}

pub fn assert_redirect_to(res: &reqwest::Response, location: &str) {
    assert!(
        res.status().is_redirection(),
        "expected a redirect, got {}",
        res.status()
    );
    assert_eq!(
        res.headers().get("location").and_then(|v| v.to_str().ok()),
        Some(location)
    );
}

/// The session token a response set, if any.
pub fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("spymeo_session="))
        .map(|c| c.split(';').next().unwrap_or_default().to_owned())
        .filter(|t| !t.is_empty())
}
