//! Every page a demo account can reach by following links, on a server whose pool holds ONE
//! connection. A handler that keeps a connection while asking the pool for another waits
//! for itself until the acquire timeout (the profile page did, and deadlocked production-size
//! pools under load); here that is a 5xx on the first visit instead of a rare outage. The walk
//! also catches links to pages that answer 404, 403 or 500 to the role that was shown them.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::time::Duration;

use chrono::Utc;
use reqwest::StatusCode;
use scraper::Html;
use serde_json::{Value, json};

use crate::helpers::{TestApp, select, spawn_app_with};

/// Pages visited per account at most; the demo data has far fewer distinct ones.
const BUDGET: usize = 400;
/// Visits per page shape (path with ids replaced, query keys without values): enough to
/// reach the second page of a list, not to walk an agenda week after week forever.
const PER_SHAPE: usize = 2;

async fn seeded_app_with_one_connection() -> TestApp {
    let (url, pool) = spymeo_core::testing::migrated_database()
        .await
        .expect("test database");
    spymeo_core::seed::run(
        &pool,
        &spymeo_core::seed::SeedOptions {
            reset: false,
            now: Utc::now(),
        },
    )
    .await
    .expect("demo seed");
    let app = spawn_app_with(url, pool, |c| {
        c.pool.max_connections = 1;
        c.pool.acquire_timeout = Duration::from_secs(2);
    })
    .await;
    // The files behind the demo documents, as `spymeo dev` writes them: downloads are links.
    let files = spymeo_core::seed::files::materialize(&app.pool, &app.state.storage)
        .await
        .expect("demo files");
    assert!(files.written > 10, "{files:?}");
    app
}

async fn client_of(app: &TestApp, email: &str) -> reqwest::Client {
    let id: uuid::Uuid = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(&app.pool)
        .await
        .expect(email);
    app.session_client(id).await
}

/// `/pro/x/3f2a…/edit?page=2&q=a` → `/pro/x/:id/edit?page&q`.
fn shape(link: &str) -> String {
    let (path, query) = link.split_once('?').unwrap_or((link, ""));
    let path: Vec<&str> = path
        .split('/')
        .map(|s| {
            if uuid::Uuid::parse_str(s).is_ok() || s.chars().all(|c| c.is_ascii_digit()) {
                ":id"
            } else {
                s
            }
        })
        .collect();
    let keys: BTreeSet<&str> = query
        .split('&')
        .filter_map(|kv| kv.split('=').next())
        .filter(|k| !k.is_empty())
        .collect();
    format!(
        "{}?{}",
        path.join("/"),
        keys.into_iter().collect::<Vec<_>>().join("&")
    )
}

/// Same-site links of a page, fragment removed; what a GET must not do is left out.
fn links(html: &Html) -> Vec<String> {
    select(html, "a[href]")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .filter(|h| h.starts_with('/') && !h.starts_with("//"))
        .map(|h| h.split('#').next().unwrap_or_default().to_owned())
        .filter(|h| !h.is_empty() && !h.starts_with("/auth/logout"))
        .collect()
}

/// Breadth-first walk from `start`; returns the pages visited and every failure seen. Only
/// a visitor without a session may be sent to the login page (a member-only action).
async fn walk(
    app: &TestApp,
    client: &reqwest::Client,
    anonymous: bool,
    start: &[&str],
) -> (usize, Vec<String>) {
    let mut queue: VecDeque<(String, String)> = start
        .iter()
        .map(|s| ((*s).to_owned(), "(départ)".to_owned()))
        .collect();
    let mut seen: BTreeSet<String> = queue.iter().map(|(l, _)| l.clone()).collect();
    let mut shapes: HashMap<String, usize> = HashMap::new();
    let (mut visited, mut failures) = (0, Vec::new());
    while let Some((link, from)) = queue.pop_front() {
        if visited == BUDGET {
            break;
        }
        let n = shapes.entry(shape(&link)).or_default();
        if *n == PER_SHAPE {
            continue;
        }
        *n += 1;
        visited += 1;
        let res = client.get(app.url(&link)).send().await.expect("request");
        let status = res.status();
        let mut found = Vec::new();
        if status.is_redirection() {
            let to = res.headers()["location"].to_str().unwrap().to_owned();
            if to.starts_with("/auth/login") && !anonymous {
                failures.push(format!("{link} (lien de {from}) renvoie vers la connexion"));
            }
            found.push(to);
        } else if status != StatusCode::OK {
            failures.push(format!("{link} (lien de {from}) : {status}"));
        } else if res
            .headers()
            .get("content-type")
            .is_some_and(|v| v.to_str().unwrap_or_default().starts_with("text/html"))
        {
            found = links(&Html::parse_document(&res.text().await.unwrap()));
        }
        for l in found {
            if seen.insert(l.clone()) {
                queue.push_back((l, link.clone()));
            }
        }
    }
    (visited, failures)
}

#[tokio::test]
async fn every_linked_page_of_every_demo_account_works_on_a_one_connection_pool() {
    let app = seeded_app_with_one_connection().await;
    let accounts: [(&str, &[&str]); 7] = [
        ("free@spymeo.test", &["/", "/user/tableau-de-bord"]),
        ("pass@spymeo.test", &["/user/tableau-de-bord"]),
        ("praticien@spymeo.test", &["/pro/dashboard"]),
        ("artisan@spymeo.test", &["/pro/dashboard"]),
        ("commercant@spymeo.test", &["/pro/dashboard"]),
        ("centre@spymeo.test", &["/pro/dashboard"]),
        ("admin@spymeo.test", &["/admin"]),
    ];
    let mut report = Vec::new();
    let mut total = 0;
    for (email, start) in accounts {
        let client = client_of(&app, email).await;
        let (visited, failures) = walk(&app, &client, false, start).await;
        // A walk that stops at its start page would pass without testing anything.
        assert!(
            visited > 10,
            "{email}: {visited} pages seulement : {failures:?}"
        );
        total += visited;
        report.extend(failures.into_iter().map(|f| format!("{email}: {f}")));
    }
    // The anonymous visitor: the public site.
    let (visited, failures) = walk(&app, &crate::helpers::client(), true, &["/"]).await;
    assert!(
        visited > 10,
        "visiteur : {visited} pages seulement : {failures:?}"
    );
    total += visited;
    report.extend(failures.into_iter().map(|f| format!("visiteur: {f}")));
    assert!(
        report.is_empty(),
        "{total} pages, échecs :\n{}",
        report.join("\n")
    );
}

fn first_id(v: &Value) -> String {
    let items = v.get("items").unwrap_or(v);
    items[0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {v}"))
        .to_owned()
}

async fn get_ok(app: &TestApp, client: &reqwest::Client, path: &str) -> Value {
    let res = client.get(app.url(path)).send().await.expect("request");
    assert_eq!(res.status(), StatusCode::OK, "GET {path}");
    res.json().await.unwrap()
}

/// The JSON details that read a row and then a list (each once held two connections), and
/// the writes that read back what they wrote.
#[tokio::test]
async fn api_details_and_write_then_read_back_work_on_a_one_connection_pool() {
    let app = seeded_app_with_one_connection().await;
    let details = [
        ("commercant@spymeo.test", "/api/pro/commercant/products"),
        ("commercant@spymeo.test", "/api/pro/commercant/clients"),
        ("artisan@spymeo.test", "/api/pro/artisan/clients"),
        ("centre@spymeo.test", "/api/pro/centre/formations"),
        ("admin@spymeo.test", "/api/admin/users"),
    ];
    for (email, list) in details {
        let client = client_of(&app, email).await;
        let id = first_id(&get_ok(&app, &client, list).await);
        get_ok(&app, &client, &format!("{list}/{id}")).await;
    }
    let client = client_of(&app, "centre@spymeo.test").await;
    let id = first_id(&get_ok(&app, &client, "/api/pro/centre/formations").await);
    get_ok(
        &app,
        &client,
        &format!("/api/pro/centre/formations/{id}/sessions"),
    )
    .await;

    let pass = client_of(&app, "pass@spymeo.test").await;
    let res = app
        .post_json(
            &pass,
            "/api/notes",
            json!({ "title": "Pool", "content": "un" }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let note: Value = res.json().await.unwrap();
    let res = pass
        .patch(app.url(&format!("/api/notes/{}", note["id"].as_str().unwrap())))
        .header("origin", app.origin())
        .json(&json!({ "content": "deux" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let notifications = get_ok(&app, &pass, "/api/notifications").await;
    let res = pass
        .patch(app.url(&format!("/api/notifications/{}", first_id(&notifications))))
        .header("origin", app.origin())
        .json(&json!({ "read": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

/// A PASS booklet stored as a file: PASS members download it from their PASS page, a FREE
/// member gets 404 for the same link.
#[tokio::test]
async fn pass_booklets_download_for_pass_members_only() {
    let app = seeded_app_with_one_connection().await;
    let pass = client_of(&app, "pass@spymeo.test").await;
    let page = pass.get(app.url("/user/pass")).send().await.unwrap();
    let html = Html::parse_document(&page.text().await.unwrap());
    let link = links(&html)
        .into_iter()
        .find(|l| l.starts_with("/user/pass/ressources/"))
        .expect("a booklet link on the PASS page");
    let res = pass.get(app.url(&link)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.bytes().await.unwrap().starts_with(b"%PDF"));
    let free = client_of(&app, "free@spymeo.test").await;
    let res = free.get(app.url(&link)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
