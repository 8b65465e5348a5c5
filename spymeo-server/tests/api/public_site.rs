//! The public site (DOMAIN.md §6.4, §8.1): accent-insensitive search, listings with filters
//! and pagination, profiles by slug (AR-19), 308 from the singular paths, the blog, head
//! metadata, sitemap and robots.

use chrono::Utc;
use reqwest::StatusCode;
use serde_json::Value;
use spymeo_core::db::{pros, users};
use spymeo_core::domain::{LocationKind, Role, UserStatus};
use uuid::Uuid;

use crate::helpers::{TestApp, count, select, spawn_app, text_of};

pub struct Pro {
    pub user_id: Uuid,
    pub profile_id: Uuid,
    pub slug: String,
}

/// A practitioner through the core write functions (default agenda: Mon–Fri 09:00–18:00,
/// two motifs), verified or not.
pub async fn practitioner(
    app: &TestApp,
    name: &str,
    specialties: &[&str],
    city: &str,
    verified: bool,
) -> Pro {
    let mut conn = app.pool.acquire().await.unwrap();
    let email = format!("{}@pros.example.fr", Uuid::new_v4().simple());
    let mut u = users::NewUser::new(email, Role::Practitioner, UserStatus::Active);
    u.first_name = Some("Test".into());
    u.last_name = Some(name.into());
    let user_id = users::create_user(&mut conn, &u, Utc::now()).await.unwrap();
    let profile_id = pros::create_practitioner(
        &mut conn,
        user_id,
        &pros::ProfileInput {
            public_name: name.into(),
            city: Some(city.into()),
            description: Some(format!("{name} vous reçoit à {city}.")),
            ..Default::default()
        },
        specialties.iter().map(|s| s.to_string()).collect(),
        vec![LocationKind::Cabinet],
        Some(5000),
        Some(5),
        Utc::now(),
    )
    .await
    .unwrap();
    let slug: String = sqlx::query_scalar(
        "UPDATE practitioner_profiles SET verified = $2 WHERE id = $1 RETURNING slug::text",
    )
    .bind(profile_id)
    .bind(verified)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    Pro {
        user_id,
        profile_id,
        slug,
    }
}

async fn json(app: &TestApp, path: &str) -> (StatusCode, Value) {
    let res = app.get(path).await;
    let status = res.status();
    (status, res.json().await.unwrap())
}

fn subtitles(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["subtitle"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn search_ignores_accents_and_case() {
    let app = spawn_app().await;
    let anne = practitioner(&app, "Anne Dupuis", &["Sophrologue"], "Dijon", true).await;
    practitioner(&app, "Paul Martin", &["Réflexologue"], "Lyon", true).await;
    practitioner(&app, "Caché Candidat", &["Sophrologue"], "Dijon", false).await;

    for q in ["sophro", "SOPHROLOGUE", "Sophrologue"] {
        let (status, v) = json(&app, &format!("/api/search?q={q}")).await;
        assert_eq!(status, StatusCode::OK, "{q}");
        assert_eq!(v["total"], 1, "{q}: only the verified sophrologue: {v}");
        assert_eq!(v["items"][0]["type"], "PRACTITIONER");
        assert_eq!(v["items"][0]["href"], format!("/praticiens/{}", anne.slug));
        assert!(subtitles(&v)[0].contains("Sophrologue"), "{q}: {v}");
    }
    let (_, v) = json(&app, "/api/search?q=reflexologue").await;
    assert_eq!(v["total"], 1, "{v}");
    assert!(subtitles(&v)[0].contains("Réflexologue"));

    // Filters alone are enough; a one-letter query without filter is refused.
    let (_, v) = json(&app, "/api/search?type=PRACTITIONER&city=dijon").await;
    assert_eq!(v["total"], 1);
    let (status, v) = json(&app, "/api/search?q=s").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(v["error"]["code"], "VALIDATION_FAILED");
    let (status, _) = json(&app, "/api/search?q=sophro&type=NOPE").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // The page groups results by type and shows the same hit.
    let (status, html) = app.page("/recherche?q=reflexologue").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(count(&html, "h1"), 1);
    assert!(text_of(&html, ".result-group[data-type=PRACTITIONER]").contains("Paul Martin"));
    let (status, html) = app.page("/recherche?q=x").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text_of(&html, ".form-error").contains("2 caractères"));
}

#[tokio::test]
async fn listings_filter_and_paginate() {
    let app = spawn_app().await;
    for (name, spec, city) in [
        ("Alice Bernard", "Naturopathe", "Dijon"),
        ("Bruno Colin", "Naturopathe", "Dijon"),
        ("Chloé Durand", "Naturopathe", "Lyon"),
        ("Denis Éluard", "Hypnothérapeute", "Dijon"),
    ] {
        practitioner(&app, name, &[spec], city, true).await;
    }
    let (_, v) = json(
        &app,
        "/api/public/practitioners?specialty=naturopathe&city=DIJON&limit=1",
    )
    .await;
    assert_eq!(v["total"], 2, "{v}");
    assert_eq!(v["items"].as_array().unwrap().len(), 1);
    assert_eq!(v["items"][0]["publicName"], "Alice Bernard");
    let (_, v) = json(
        &app,
        "/api/public/practitioners?specialty=naturopathe&city=dijon&limit=1&page=2",
    )
    .await;
    assert_eq!(v["items"][0]["publicName"], "Bruno Colin");
    assert_eq!(v["page"], 2);
    let (status, _) = json(&app, "/api/public/practitioners?limit=500").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Every practitioner here has the default agenda, so all book online.
    let (_, v) = json(&app, "/api/public/practitioners?online=true").await;
    assert_eq!(v["total"], 4);

    let (status, html) = app.page("/praticiens?specialty=Naturopathe&limit=2").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(count(&html, ".cards .pro-card"), 2);
    assert_eq!(text_of(&html, ".result-count"), "3 résultats");
    let next = select(&html, ".pager a[rel=next]")[0]
        .value()
        .attr("href")
        .unwrap()
        .to_owned();
    assert!(
        next.contains("specialty=Naturopathe") && next.ends_with("page=2"),
        "{next}"
    );
    for path in ["/artisans", "/commercants", "/centres-de-formation"] {
        let (status, html) = app.page(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(count(&html, "h1"), 1);
    }
}

#[tokio::test]
async fn profiles_by_slug_and_unpublished_ones_are_404() {
    let app = spawn_app().await;
    let claire = practitioner(&app, "Claire Moreau", &["Naturopathe"], "Dijon", true).await;
    let hidden = practitioner(&app, "Cachée Moreau", &["Naturopathe"], "Dijon", false).await;

    // AR-19
    let (status, v) = json(&app, &format!("/api/public/practitioners/{}", hidden.slug)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(v["error"]["code"], "NOT_FOUND");
    let (status, html) = app.page(&format!("/praticiens/{}", hidden.slug)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(text_of(&html, "h1"), "Page introuvable");

    let (status, v) = json(&app, &format!("/api/public/practitioners/{}", claire.slug)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["profile"]["publicName"], "Claire Moreau");
    assert_eq!(v["appointmentTypes"].as_array().unwrap().len(), 2);
    assert_eq!(v["pass"]["enabled"], false);

    // The page lists the motifs with their next slots, each a link to the booking page.
    let (status, html) = app.page(&format!("/praticiens/{}", claire.slug)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(count(&html, "h1"), 1);
    assert_eq!(count(&html, ".motif"), 2);
    let slots = select(&html, "a.slot");
    let href = slots[0].value().attr("href").unwrap().to_owned();
    let label = text_of(&html, "a.slot");
    assert!(
        href.starts_with(&format!("/praticiens/{}/reserver?motif=", claire.slug)),
        "{href}"
    );
    // The link opens the booking page on that motif with that slot ticked.
    let (status, booking) = app.page(&href).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(count(&booking, ".motifs li.selected"), 1);
    let ticked = select(&booking, "input[name=start][checked]");
    assert_eq!(ticked.len(), 1, "{href}");
    let time = label.rsplit(' ').next().unwrap();
    let ticked_label = ticked[0]
        .parent()
        .and_then(scraper::ElementRef::wrap)
        .map(|l| l.text().collect::<String>())
        .unwrap();
    assert_eq!(ticked_label.trim(), time, "{label}");
    let canonical = select(&html, "link[rel=canonical]")[0]
        .value()
        .attr("href")
        .unwrap();
    assert_eq!(
        canonical,
        format!("http://spymeo.test/praticiens/{}", claire.slug)
    );
    assert!(count(&html, "meta[property='og:title']") == 1);
    assert!(count(&html, "meta[name=description]") == 1);

    // The original's singular path is a permanent redirect to the canonical one.
    let res = app.get(&format!("/praticien/{}", claire.slug)).await;
    assert_eq!(res.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(
        res.headers()["location"],
        format!("/praticiens/{}", claire.slug).as_str()
    );
    let (status, _) = app.page("/artisans/nobody-here").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn pass_check_reveals_only_the_partner_terms() {
    let app = spawn_app().await;
    let claire = practitioner(&app, "Claire Moreau", &["Naturopathe"], "Dijon", true).await;
    let mut conn = app.pool.acquire().await.unwrap();
    spymeo_core::db::pass::set_partner(&mut conn, claire.user_id, true, 15, None)
        .await
        .unwrap();
    let (_, v) = json(&app, &format!("/api/public/pass/{}", claire.user_id)).await;
    assert_eq!(v, serde_json::json!({ "enabled": true, "rate": 15 }));
    let (_, v) = json(&app, &format!("/api/public/pass/{}", Uuid::new_v4())).await;
    assert_eq!(v, serde_json::json!({ "enabled": false, "rate": 10 }));
    let (_, v) = json(&app, "/api/public/pass/not-a-uuid").await;
    assert_eq!(v["enabled"], false);
    // The partner badge shows on the listing.
    let (_, v) = json(&app, "/api/public/practitioners?passOnly=true").await;
    assert_eq!(v["total"], 1);
    assert_eq!(v["items"][0]["passRatePct"], 15);
}

async fn article(app: &TestApp, slug: &str, title: &str) {
    sqlx::query(
        "INSERT INTO articles (slug, title, excerpt, content, category, tags, author_display_name, status, published_at)
         VALUES ($1, $2, 'Un résumé', E'# Titre\n\nPremier paragraphe.\n\nSecond paragraphe.', 'Sommeil', '{nuit}', 'Équipe SPYMEO', 'PUBLISHED', now())",
    )
    .bind(slug)
    .bind(title)
    .execute(&app.pool)
    .await
    .unwrap();
}

#[tokio::test]
async fn blog_sitemap_robots_and_pass_landing() {
    let app = spawn_app().await;
    article(&app, "bien-dormir", "Bien dormir en hiver").await;
    sqlx::query(
        "INSERT INTO articles (slug, title, author_display_name, status) VALUES ('brouillon', 'Brouillon', 'X', 'DRAFT')",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let claire = practitioner(&app, "Claire Moreau", &["Naturopathe"], "Dijon", true).await;

    let (_, v) = json(&app, "/api/blog/posts?category=Sommeil").await;
    assert_eq!(v["total"], 1);
    let (status, v) = json(&app, "/api/blog/posts/bien-dormir").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["title"], "Bien dormir en hiver");
    let (status, _) = json(&app, "/api/blog/posts/brouillon").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, html) = app.page("/blog/bien-dormir").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(count(&html, "h1"), 1);
    assert_eq!(text_of(&html, "title"), "Bien dormir en hiver · SPYMEO");
    assert_eq!(count(&html, "article h2"), 1);
    // One view per viewer and day, however many times the page is opened.
    let views: i32 = sqlx::query_scalar("SELECT views FROM articles WHERE slug = 'bien-dormir'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(views, 1);

    let (status, html) = app.page("/blog").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(count(&html, ".article-card"), 1);
    let (status, html) = app.page("/pass").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.html().contains("6,90 €/mois") && html.html().contains("69 €/an"));

    let res = app.get("/sitemap.xml").await;
    assert_eq!(res.status(), StatusCode::OK);
    let xml = res.text().await.unwrap();
    assert!(xml.contains(&format!("http://spymeo.test/praticiens/{}", claire.slug)));
    assert!(xml.contains("/blog/bien-dormir") && !xml.contains("brouillon"));
    let robots = app.get("/robots.txt").await.text().await.unwrap();
    assert!(robots.contains("Sitemap: http://spymeo.test/sitemap.xml"));
    assert!(robots.contains("Disallow: /user/"));
}

/// A handler that holds a pooled connection while asking the pool for another deadlocks
/// as soon as every connection is held by such a request (found by scripts/bench: the
/// profile page served 0 requests/s at 16 concurrent clients with a pool of 10).
#[tokio::test]
async fn profile_pages_do_not_exhaust_the_pool_under_concurrency() {
    let app = spawn_app().await;
    let claire = practitioner(&app, "Claire Moreau", &["Naturopathe"], "Dijon", true).await;
    // 5 connections (test_config), 2 s acquire timeout: 40 requests at once must all pass.
    let path = format!("/praticiens/{}", claire.slug);
    let requests = (0..40).map(|_| {
        let (client, url) = (app.client.clone(), app.url(&path));
        tokio::spawn(async move { client.get(url).send().await.map(|r| r.status()) })
    });
    for r in requests {
        assert_eq!(r.await.unwrap().unwrap(), StatusCode::OK);
    }
}
