use reqwest::StatusCode;

use crate::helpers::{count, select, spawn_app, text, text_of};

#[tokio::test]
async fn home_page_on_an_empty_database() {
    let app = spawn_app().await;
    let (status, html) = app.page("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(text_of(&html, "title").starts_with("SPYMEO"));
    assert_eq!(text_of(&html, "h1"), "Le bien-être près de chez vous");
    let nav: Vec<String> = select(&html, "nav.main-nav a").iter().map(text).collect();
    assert_eq!(
        nav,
        [
            "Praticiens",
            "Artisans",
            "Commerçants",
            "Centres de formation",
            "Blog",
            "PASS"
        ]
    );
    assert_eq!(count(&html, ".pro-card"), 0);
    assert!(text_of(&html, ".featured .empty").contains("Aucun professionnel"));
    let prices: Vec<String> = select(&html, ".price-card .amount")
        .iter()
        .map(text)
        .collect();
    assert_eq!(prices, ["0 €", "6,90 €/mois", "69 €/an"]);
    assert_eq!(
        select(&html, "link[rel=canonical]")[0].value().attr("href"),
        Some("http://spymeo.test/")
    );
    assert_eq!(select(&html, "html")[0].value().attr("lang"), Some("fr"));
}

#[tokio::test]
async fn home_page_shows_public_professionals_and_articles_from_the_database() {
    let app = spawn_app().await;
    sqlx::raw_sql(
        r#"
        INSERT INTO users (id, email, role, status) VALUES
          ('00000000-0000-0000-0000-000000000001', 'claire@example.fr', 'PRACTITIONER', 'ACTIVE'),
          ('00000000-0000-0000-0000-000000000002', 'cache@example.fr', 'PRACTITIONER', 'ACTIVE'),
          ('00000000-0000-0000-0000-000000000003', 'savon@example.fr', 'ARTISAN', 'ACTIVE'),
          ('00000000-0000-0000-0000-000000000004', 'suspendu@example.fr', 'ARTISAN', 'SUSPENDED');
        INSERT INTO practitioner_profiles (user_id, slug, public_name, city, verified, featured, specialties) VALUES
          ('00000000-0000-0000-0000-000000000001', 'claire-moreau', 'Claire Moreau', 'Dijon', true, true, '{Naturopathe}'),
          ('00000000-0000-0000-0000-000000000002', 'pas-verifie', 'Pas Vérifié', 'Lyon', false, false, '{}');
        INSERT INTO artisan_profiles (user_id, slug, public_name, city, verified, category) VALUES
          ('00000000-0000-0000-0000-000000000003', 'savonnerie-des-climats', 'Savonnerie des Climats', 'Beaune', true, 'Savonnerie artisanale'),
          ('00000000-0000-0000-0000-000000000004', 'suspendue', 'Suspendue', 'Paris', true, 'Céramique');
        INSERT INTO articles (slug, title, excerpt, author_display_name, status, published_at, category) VALUES
          ('sommeil', 'Retrouver le sommeil', 'Cinq gestes simples', 'Équipe SPYMEO', 'PUBLISHED', now() - interval '1 day', 'Sommeil'),
          ('brouillon', 'Brouillon', NULL, 'Équipe SPYMEO', 'DRAFT', NULL, NULL);
        "#,
    )
    .execute(&app.pool)
    .await
    .unwrap();

    let (status, html) = app.page("/").await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<String> = select(&html, ".pro-card .name").iter().map(text).collect();
    assert_eq!(names, ["Claire Moreau", "Savonnerie des Climats"]);
    let links: Vec<&str> = select(&html, ".pro-card a")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(
        links,
        [
            "/praticiens/claire-moreau",
            "/artisans/savonnerie-des-climats"
        ]
    );
    let titles: Vec<String> = select(&html, ".article-card .name")
        .iter()
        .map(text)
        .collect();
    assert_eq!(titles, ["Retrouver le sommeil"]);
}

#[tokio::test]
async fn unknown_pages_get_the_french_404_page() {
    let app = spawn_app().await;
    let (status, html) = app.page("/nulle-part").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(text_of(&html, "h1"), "Page introuvable");
    assert_eq!(text_of(&html, ".error-code"), "404");
    // The layout is there: navigation and footer.
    assert!(count(&html, "nav.main-nav a") >= 6);
    assert_eq!(count(&html, "footer.site-footer"), 1);

    let res = app.post_form(&app.client, "/", &[]).await;
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(res.text().await.unwrap().contains("Méthode non autorisée"));
}

#[tokio::test]
async fn error_pages_render_403_and_500() {
    let app = spawn_app().await;
    let state = app.state.clone();
    for (status, heading) in [(403u16, "Accès refusé"), (500, "Une erreur est survenue")] {
        let info = spymeo_server::error::ErrorInfo {
            status: reqwest::StatusCode::from_u16(status).unwrap(),
            code: "X".into(),
            message: "message".into(),
        };
        let res = spymeo_server::pages::errors::render(&state, &info);
        assert_eq!(res.status().as_u16(), status);
        let body = axum_body_text(res).await;
        let html = scraper::Html::parse_document(&body);
        assert_eq!(text_of(&html, "h1"), heading);
    }
}

async fn axum_body_text(res: axum::response::Response) -> String {
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[tokio::test]
async fn pages_carry_security_headers_and_static_assets_are_served() {
    let app = spawn_app().await;
    let res = app.get("/").await;
    let h = res.headers();
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(h["referrer-policy"], "strict-origin-when-cross-origin");
    // HSTS only when deployed behind HTTPS.
    assert!(!h.contains_key("strict-transport-security"));

    let css = app.get("/static/spymeo.css").await;
    assert_eq!(css.status(), StatusCode::OK);
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    assert_eq!(
        app.get("/static/../Cargo.toml").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_flash_message_shows_once() {
    let app = spawn_app().await;
    let flash = spymeo_server::pages::Flash {
        kind: "success".into(),
        message: "Bienvenue <b>Claire</b>".into(),
    };
    let cookie = spymeo_server::middleware::flash_cookie(&flash);
    let value = cookie
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let res = app
        .client
        .get(app.url("/"))
        .header("cookie", value)
        .send()
        .await
        .unwrap();
    assert!(
        res.headers()
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("spymeo_flash=;"))
    );
    let html = scraper::Html::parse_document(&res.text().await.unwrap());
    // Escaped, not interpreted.
    assert_eq!(text_of(&html, ".flash-success"), "Bienvenue <b>Claire</b>");
    assert_eq!(count(&html, ".flash b"), 0);
}
