//! The admin back office (DOMAIN.md §6.15, §8.4): pro applications, users, visibility,
//! carnets, blog review, and the audit log written with each action (AR-25).

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Actor, TestApp, client, select, spawn_app, text_of};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

/// A candidate through the real registration endpoint, with a diploma.
async fn candidate(app: &TestApp, email: &str, role: &str) -> Uuid {
    let data = json!({"role": role, "firstName": "Léa", "lastName": "Roux", "email": email,
        "password": "Candidat2025", "publicName": format!("Atelier {email}"), "discipline": "Céramique", // pragma: allowlist secret
        "city": "Beaune", "postalCode": "21200"});
    let form = Form::new()
        .text("data", data.to_string())
        .part("diploma", Part::bytes(PDF).file_name("diplome.pdf"));
    let res = client()
        .post(app.url("/api/auth/register-pro"))
        .header("origin", app.origin())
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json::<Value>().await.unwrap()["userId"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

async fn audit_actions(app: &TestApp, target: Uuid) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT action FROM admin_audit_log WHERE target_id = $1 ORDER BY created_at, id",
    )
    .bind(target)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

async fn outbox_templates(app: &TestApp, to: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT template FROM email_outbox WHERE to_address = $1 ORDER BY created_at, template",
    )
    .bind(to)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

async fn patch(app: &TestApp, c: &reqwest::Client, path: &str, body: Value) -> reqwest::Response {
    c.patch(app.url(path))
        .header("origin", app.origin())
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn approving_and_rejecting_applications_emails_the_candidate_and_is_audited() {
    let app = spawn_app().await;
    let (admin_id, admin) = app.login_as(Actor::Admin).await;
    let lea = candidate(&app, "lea@example.fr", "ARTISAN").await;
    let max = candidate(&app, "max@example.fr", "COMMERCANT").await;

    // The queue shows both, with their documents, which the admin can open.
    let res = admin
        .get(app.url("/api/admin/pending-pros"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["total"], 2);
    let doc = &v["items"][0]["documents"][0];
    assert_eq!(doc["slot"], "diploma");
    assert_eq!(doc["mimeType"], "application/pdf");
    let file = admin
        .get(app.url(&format!("/admin/documents/{}", doc["id"].as_str().unwrap())))
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), StatusCode::OK);
    assert_eq!(file.bytes().await.unwrap().as_ref(), PDF);
    let (_, pro) = app.login_as(Actor::Artisan).await;
    let refused = pro
        .get(app.url(&format!("/admin/documents/{}", doc["id"].as_str().unwrap())))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    let ok = app
        .post_json(
            &admin,
            "/api/admin/validate-pro",
            json!({"userId": lea, "approved": true}),
        )
        .await;
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(
        ok.json::<Value>().await.unwrap()["status"],
        "PENDING_PAYMENT"
    );
    let (status, app_status, reviewer): (String, String, Uuid) = sqlx::query_as(
        "SELECT u.status::text, a.status::text, a.reviewed_by FROM users u JOIN pro_applications a ON a.user_id = u.id WHERE u.id = $1",
    )
    .bind(lea)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (status.as_str(), app_status.as_str(), reviewer),
        ("PENDING_PAYMENT", "APPROVED", admin_id)
    );
    assert!(
        outbox_templates(&app, "lea@example.fr")
            .await
            .contains(&"pro_application_approved".to_owned())
    );
    let body: String = sqlx::query_scalar(
        "SELECT body_text FROM email_outbox WHERE to_address = 'lea@example.fr' AND template = 'pro_application_approved'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(body.contains("http://spymeo.test/payment/pro"), "{body}");

    // A decision is taken once; the refused second attempt writes no audit row.
    let again = app
        .post_json(
            &admin,
            "/api/admin/validate-pro",
            json!({"userId": lea, "approved": false, "adminNotes": "x"}),
        )
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert_eq!(
        again.json::<Value>().await.unwrap()["error"]["code"],
        "INVALID_STATUS"
    );
    assert_eq!(audit_actions(&app, lea).await, ["pro.approve"]);

    // Rejection needs a reason, which the candidate receives.
    let no_reason = app
        .post_json(
            &admin,
            "/api/admin/validate-pro",
            json!({"userId": max, "approved": false}),
        )
        .await;
    assert_eq!(no_reason.status(), StatusCode::BAD_REQUEST);
    let v: Value = no_reason.json().await.unwrap();
    assert!(v["error"]["fields"]["adminNotes"].is_string());
    let rejected = app
        .post_json(
            &admin,
            "/api/admin/validate-pro",
            json!({"userId": max, "approved": false, "adminNotes": "Kbis manquant"}),
        )
        .await;
    assert_eq!(
        rejected.json::<Value>().await.unwrap()["status"],
        "REJECTED"
    );
    let body: String = sqlx::query_scalar(
        "SELECT body_text FROM email_outbox WHERE to_address = 'max@example.fr' AND template = 'pro_application_rejected'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(body.contains("Kbis manquant"));
    let (note, after): (Option<String>, Value) = sqlx::query_as(
        "SELECT note, after FROM admin_audit_log WHERE target_id = $1 AND action = 'pro.reject'",
    )
    .bind(max)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(note.as_deref(), Some("Kbis manquant"));
    assert_eq!(after["status"], "REJECTED");
    // The candidate also has an in-app notification.
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM notifications WHERE user_id = $1 AND type = 'PRO_REJECTED'",
    )
    .bind(max)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn approve_and_activate_opens_the_space_and_publishes_the_profile() {
    let app = spawn_app().await;
    let (_, admin) = app.login_as(Actor::Admin).await;
    let lea = candidate(&app, "lea@example.fr", "ARTISAN").await;
    // Through the page's form.
    let res = app
        .post_form(
            &admin,
            &format!("/admin/pros/{lea}/decision"),
            &[("decision", "activate")],
        )
        .await;
    crate::helpers::assert_redirect_to(&res, "/admin/pros");
    let (status, verified): (String, bool) = sqlx::query_as(
        "SELECT u.status::text, p.verified FROM users u JOIN artisan_profiles p ON p.user_id = u.id WHERE u.id = $1",
    )
    .bind(lea)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((status.as_str(), verified), ("ACTIVE", true));
    assert_eq!(audit_actions(&app, lea).await, ["pro.approve_activate"]);
    let login = app
        .post_json(
            &client(),
            "/api/auth/login",
            json!({"email": "lea@example.fr", "password": "Candidat2025"}), // pragma: allowlist secret
        )
        .await;
    assert_eq!(login.status(), StatusCode::OK);
}

#[tokio::test]
async fn ar25_suspension_ends_the_sessions_and_reactivation_lets_the_user_back() {
    let app = spawn_app().await;
    let (admin_id, admin) = app.login_as(Actor::Admin).await;
    let (u1, u1_client) = app.login_as(Actor::Free).await;
    assert_eq!(
        u1_client
            .get(app.url("/api/account/me"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    let res = patch(
        &app,
        &admin,
        &format!("/api/admin/users/{u1}"),
        json!({"status": "SUSPENDED"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "SUSPENDED");
    let old_cookie = u1_client
        .get(app.url("/api/account/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(old_cookie.status(), StatusCode::UNAUTHORIZED);
    let sessions: i64 = sqlx::query_scalar("SELECT count(*) FROM sessions WHERE user_id = $1")
        .bind(u1)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(sessions, 0);
    let (actor, before, after): (Uuid, Value, Value) = sqlx::query_as(
        "SELECT actor_user_id, before, after FROM admin_audit_log WHERE target_id = $1 AND action = 'user.suspend'",
    )
    .bind(u1)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(actor, admin_id);
    assert_eq!(
        (before["status"].as_str(), after["status"].as_str()),
        (Some("ACTIVE"), Some("SUSPENDED"))
    );

    // Only suspension and reactivation are set by hand; and not on oneself.
    let bad = patch(
        &app,
        &admin,
        &format!("/api/admin/users/{u1}"),
        json!({"status": "PENDING_PAYMENT"}),
    )
    .await;
    assert_eq!(bad.status(), StatusCode::CONFLICT);
    let me = patch(
        &app,
        &admin,
        &format!("/api/admin/users/{admin_id}"),
        json!({"status": "SUSPENDED"}),
    )
    .await;
    assert_eq!(me.status(), StatusCode::CONFLICT);

    let res = app
        .post_form(
            &admin,
            &format!("/admin/utilisateurs/{u1}/statut"),
            &[("status", "ACTIVE")],
        )
        .await;
    crate::helpers::assert_redirect_to(&res, "/admin/utilisateurs");
    assert_eq!(
        audit_actions(&app, u1).await,
        ["user.suspend", "user.reactivate"]
    );
    let fresh = app.session_client(u1).await;
    assert_eq!(
        fresh
            .get(app.url("/api/account/me"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn users_are_searched_filtered_and_the_last_admin_stays() {
    let app = spawn_app().await;
    let (admin_id, admin) = app.login_as(Actor::Admin).await;
    app.create_user(Actor::Free, "alice.durand@example.fr")
        .await;
    app.create_user(Actor::Merchant, "boutique@example.fr")
        .await;
    let v: Value = admin
        .get(app.url("/api/admin/users?q=durand"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["total"], 1);
    assert_eq!(v["items"][0]["email"], "alice.durand@example.fr");
    let v: Value = admin
        .get(app.url("/api/admin/users?role=COMMERCANT&status=ACTIVE"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["total"], 1);
    let bad = admin
        .get(app.url("/api/admin/users?role=ROI"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        bad.json::<Value>().await.unwrap()["error"]["code"],
        "VALIDATION_FAILED"
    );
    // A LIKE wildcard in the search is taken literally.
    let v: Value = admin
        .get(app.url("/api/admin/users?q=%25"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["total"], 0);

    // Promote a member; the new admin may demote the first one; nobody changes themself.
    let member = app
        .create_user(Actor::Free, "bientot-admin@example.fr")
        .await;
    let res = patch(
        &app,
        &admin,
        &format!("/api/admin/users/{member}"),
        json!({"role": "ADMIN"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let other = app.session_client(member).await;
    let res = patch(
        &app,
        &other,
        &format!("/api/admin/users/{member}"),
        json!({"role": "FREE_USER"}),
    )
    .await;
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["code"],
        "CANNOT_CHANGE_SELF"
    );
    let res = patch(
        &app,
        &other,
        &format!("/api/admin/users/{admin_id}"),
        json!({"role": "FREE_USER"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(audit_actions(&app, admin_id).await, ["user.change_role"]);
    // Pro roles come from the validation flow, not from this switch.
    let free = app.create_user(Actor::Free, "x@example.fr").await;
    let res = patch(
        &app,
        &other,
        &format!("/api/admin/users/{free}"),
        json!({"role": "ARTISAN"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    // A PASS member or a pro is not switched to admin (nor "back" to member) here: 409.
    let pass = app.create_user(Actor::Pass, "p@example.fr").await;
    for role in ["ADMIN", "FREE_USER"] {
        let res = patch(
            &app,
            &other,
            &format!("/api/admin/users/{pass}"),
            json!({"role": role}),
        )
        .await;
        assert_eq!(res.status(), StatusCode::CONFLICT, "{role}");
        let v: Value = res.json().await.unwrap();
        assert_eq!(v["error"]["code"], "INVALID_ROLE_CHANGE");
    }
}

#[tokio::test]
async fn deletion_follows_retention_rules_and_is_audited() {
    let app = spawn_app().await;
    let (_, admin) = app.login_as(Actor::Admin).await;
    let free = app.create_user(Actor::Free, "partir@example.fr").await;
    let res = admin
        .delete(app.url(&format!("/api/admin/users/{free}")))
        .header("origin", app.origin())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let gone: i64 = sqlx::query_scalar("SELECT count(*) FROM users WHERE id = $1")
        .bind(free)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(gone, 0);
    assert_eq!(audit_actions(&app, free).await, ["user.delete"]);

    // A merchant with stock history is anonymised instead (stock journal kept).
    let merchant = app
        .create_user(Actor::Merchant, "marchand@example.fr")
        .await;
    let shop: Uuid = sqlx::query_scalar("SELECT id FROM merchant_profiles WHERE user_id = $1")
        .bind(merchant)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let mut conn = app.pool.acquire().await.unwrap();
    spymeo_core::db::catalog::create_product(
        &mut conn,
        shop,
        &spymeo_core::db::catalog::ProductInput {
            title: "Savon".into(),
            sku: None,
            description: None,
            category: None,
            price_ttc_cents: 500,
            vat_rate_bp: 2000,
            initial_stock: 3,
            low_stock_threshold: 1,
            images: vec![],
            status: spymeo_core::domain::CatalogStatus::Active,
        },
        Some(merchant),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let res = app
        .post_form(
            &admin,
            &format!("/admin/utilisateurs/{merchant}/supprimer"),
            &[("confirm", "SUPPRIMER")],
        )
        .await;
    crate::helpers::assert_redirect_to(&res, "/admin/utilisateurs");
    let (email, status, deleted): (String, String, bool) = sqlx::query_as(
        "SELECT email::text, status::text, deleted_at IS NOT NULL FROM users WHERE id = $1",
    )
    .bind(merchant)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(status, "SUSPENDED");
    assert!(deleted && email.starts_with("deleted+"));
    let after: Value = sqlx::query_scalar("SELECT after FROM admin_audit_log WHERE target_id = $1")
        .bind(merchant)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(after["deleted"], "SOFT");
}

#[tokio::test]
async fn visibility_carnets_and_blog_review() {
    let app = spawn_app().await;
    let (_, admin) = app.login_as(Actor::Admin).await;
    let pro = app
        .create_user(Actor::Practitioner, "claire@example.fr")
        .await;
    let res = patch(
        &app,
        &admin,
        &format!("/api/admin/pros/{pro}"),
        json!({"featured": true, "verified": false}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        json!({"verified": false, "featured": true})
    );
    let (before, after): (Value, Value) =
        sqlx::query_as("SELECT before, after FROM admin_audit_log WHERE target_id = $1 AND action = 'pro.visibility'")
            .bind(pro)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(before, json!({"verified": true, "featured": false}));
    assert_eq!(after, json!({"verified": false, "featured": true}));
    let member = app.create_user(Actor::Free, "m@example.fr").await;
    let res = patch(
        &app,
        &admin,
        &format!("/api/admin/pros/{member}"),
        json!({"featured": true}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // Carnet: PENDING → PROCESSING (address needed) → SHIPPED (tracking) → DELIVERED.
    let pass = app.create_user(Actor::Pass, "pass@example.fr").await;
    let sub: Uuid = sqlx::query_scalar(
        "UPDATE pass_subscriptions SET carnet_status = 'PENDING' WHERE user_id = $1 RETURNING id",
    )
    .bind(pass)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let path = format!("/api/admin/pass/subscriptions/{sub}/carnet");
    let res = app
        .post_json(&admin, &path, json!({"status": "PROCESSING"}))
        .await;
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["code"],
        "CARNET_ADDRESS_MISSING"
    );
    sqlx::query("UPDATE pass_subscriptions SET carnet_address = '{\"name\":\"A\",\"line1\":\"1 rue\",\"postalCode\":\"21000\",\"city\":\"Dijon\",\"country\":\"FR\"}' WHERE id = $1")
        .bind(sub)
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        app.post_json(&admin, &path, json!({"status": "PROCESSING"}))
            .await
            .status(),
        StatusCode::OK
    );
    let skip = app
        .post_json(&admin, &path, json!({"status": "DELIVERED"}))
        .await;
    assert_eq!(
        skip.json::<Value>().await.unwrap()["error"]["code"],
        "INVALID_TRANSITION"
    );
    let shipped = app
        .post_form(
            &admin,
            &format!("/admin/pass/{sub}/carnet"),
            &[
                ("status", "SHIPPED"),
                ("tracking_number", "6A123"),
                ("eta", ""),
            ],
        )
        .await;
    crate::helpers::assert_redirect_to(&shipped, "/admin/pass");
    let v: Value = admin
        .get(app.url("/api/admin/pass/subscriptions?carnet=SHIPPED"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["items"][0]["carnetTrackingNumber"], "6A123");
    assert_eq!(
        audit_actions(&app, sub).await,
        ["pass.carnet", "pass.carnet"]
    );

    // Blog: a submitted article gets changes requested (note required), then is published.
    let article: Uuid = sqlx::query_scalar(
        "INSERT INTO articles (slug, title, content, author_user_id, author_display_name, status, submitted_at)
         VALUES ('sommeil', 'Le sommeil', 'texte', $1, 'Claire', 'SUBMITTED', now()) RETURNING id",
    )
    .bind(pro)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let review = format!("/api/admin/blog/{article}/review");
    let res = app
        .post_json(&admin, &review, json!({"decision": "NEEDS_CHANGES"}))
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = app
        .post_json(
            &admin,
            &review,
            json!({"decision": "NEEDS_CHANGES", "note": "Sources ?"}),
        )
        .await;
    assert_eq!(
        res.json::<Value>().await.unwrap()["status"],
        "NEEDS_CHANGES"
    );
    let res = app
        .post_json(&admin, &review, json!({"decision": "PUBLISH"}))
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    sqlx::query("UPDATE articles SET status = 'SUBMITTED' WHERE id = $1")
        .bind(article)
        .execute(&app.pool)
        .await
        .unwrap();
    let res = app
        .post_form(
            &admin,
            &format!("/admin/blog/{article}/revue"),
            &[("decision", "PUBLISH")],
        )
        .await;
    crate::helpers::assert_redirect_to(&res, &format!("/admin/blog/{article}"));
    let (status, published): (String, bool) =
        sqlx::query_as("SELECT status::text, published_at IS NOT NULL FROM articles WHERE id = $1")
            .bind(article)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((status.as_str(), published), ("PUBLISHED", true));
    let notified: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM notifications WHERE user_id = $1 AND type = 'ARTICLE_REVIEWED'",
    )
    .bind(pro)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(notified, 2);
    assert_eq!(
        audit_actions(&app, article).await,
        ["article.needs_changes", "article.publish"]
    );

    // An admin article by "Équipe SPYMEO", published at once.
    let res = app
        .post_json(
            &admin,
            "/api/admin/blog",
            json!({"title": "Bienvenue", "content": "Bonjour", "publish": true}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let v: Value = res.json().await.unwrap();
    assert_eq!(
        (v["status"].as_str(), v["authorDisplayName"].as_str()),
        (Some("PUBLISHED"), Some("Équipe SPYMEO"))
    );
}

#[tokio::test]
async fn admin_pages_show_real_data_and_the_audit_log() {
    let app = spawn_app().await;
    let (_, admin) = app.login_as(Actor::Admin).await;
    let lea = candidate(&app, "lea@example.fr", "ARTISAN").await;
    let (status, html) = {
        let res = admin.get(app.url("/admin/pros")).send().await.unwrap();
        (
            res.status(),
            scraper::Html::parse_document(&res.text().await.unwrap()),
        )
    };
    assert_eq!(status, StatusCode::OK);
    let card = format!("#candidature-{lea}");
    assert!(text_of(&html, &card).contains("Céramique"));
    assert_eq!(select(&html, &format!("{card} .documents a")).len(), 1);
    app.post_json(
        &admin,
        "/api/admin/validate-pro",
        json!({"userId": lea, "approved": true}),
    )
    .await;

    for path in [
        "/admin",
        "/admin/utilisateurs?q=lea",
        "/admin/centres",
        "/admin/pass",
        "/admin/blog",
        "/admin/blog/nouvel-article",
        "/admin/database",
        "/admin/audit",
    ] {
        let res = admin.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
    }
    let res = admin.get(app.url("/admin/audit")).send().await.unwrap();
    let html = scraper::Html::parse_document(&res.text().await.unwrap());
    assert_eq!(text_of(&html, "table.audit tbody td.action"), "pro.approve");
    let res = admin.get(app.url("/admin/database")).send().await.unwrap();
    let html = scraper::Html::parse_document(&res.text().await.unwrap());
    assert!(html.html().contains("admin_audit_log"));
    let v: Value = admin
        .get(app.url("/api/admin/db-stats"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let users = v
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["table"] == "users")
        .unwrap();
    assert_eq!(users["rows"], 2);
    let m: Value = admin
        .get(app.url("/api/admin/metrics"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(m["users"]["byRole"]["ADMIN"], 1);
    let audit: Value = admin
        .get(app.url(&format!("/api/admin/audit?targetId={lea}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(audit["total"], 1);
}

#[tokio::test]
async fn pass_resources_discounts_and_impact_are_curated_and_audited() {
    let app = spawn_app().await;
    let (_, admin) = app.login_as(Actor::Admin).await;
    // Resources.
    let res = app
        .post_json(
            &admin,
            "/api/admin/pass/resources",
            json!({"title": "Podcast sommeil", "type": "PODCAST", "month": "2026-13"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = app
        .post_json(&admin, "/api/admin/pass/resources", json!({"title": "Podcast sommeil", "type": "PODCAST", "month": "2026-12", "url": "https://media.example.fr/p.mp3"}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let rid: Uuid = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let res = app
        .post_form(
            &admin,
            &format!("/admin/pass/ressources/{rid}"),
            &[("action", "unpublish")],
        )
        .await;
    crate::helpers::assert_redirect_to(&res, "/admin/pass");
    let published: bool = sqlx::query_scalar("SELECT published FROM pass_resources WHERE id = $1")
        .bind(rid)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(!published);
    assert_eq!(
        audit_actions(&app, rid).await,
        ["pass_resource.create", "pass_resource.update"]
    );

    // Discounts: an external partner is fully editable; a pro's own row only its `active`.
    let res = app
        .post_json(&admin, "/api/admin/pass/discounts", json!({"kind": "COMMERCANT", "name": "Bio & Co", "ratePct": 12, "href": "https://bio.example.fr"}))
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = app
        .post_json(&admin, "/api/admin/pass/discounts", json!({"kind": "COMMERCANT", "name": "Bio & Co", "ratePct": 10, "href": "https://bio.example.fr"}))
        .await;
    let did: Uuid = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let res = patch(
        &app,
        &admin,
        &format!("/api/admin/pass/discounts/{did}"),
        json!({"ratePct": 20}),
    )
    .await;
    assert_eq!(res.json::<Value>().await.unwrap()["ratePct"], 20);
    let (pro, pc) = app.login_as(Actor::Practitioner).await;
    let put = pc
        .put(app.url("/api/pro/pass"))
        .header("origin", app.origin())
        .json(&json!({"enabled": true, "rate": 15}))
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), StatusCode::OK);
    let internal: Uuid =
        sqlx::query_scalar("SELECT id FROM pass_discounts WHERE partner_user_id = $1")
            .bind(pro)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let res = patch(
        &app,
        &admin,
        &format!("/api/admin/pass/discounts/{internal}"),
        json!({"ratePct": 30, "active": false}),
    )
    .await;
    let v: Value = res.json().await.unwrap();
    assert_eq!(
        (v["ratePct"].as_i64(), v["active"].as_bool()),
        (Some(15), Some(false))
    );
    let del = admin
        .delete(app.url(&format!("/api/admin/pass/discounts/{internal}")))
        .header("origin", app.origin())
        .send()
        .await
        .unwrap();
    assert_eq!(
        del.json::<Value>().await.unwrap()["error"]["code"],
        "DISCOUNT_IS_PARTNERS"
    );
    let del = admin
        .delete(app.url(&format!("/api/admin/pass/discounts/{did}")))
        .header("origin", app.origin())
        .send()
        .await
        .unwrap();
    assert_eq!(del.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        audit_actions(&app, did).await,
        [
            "pass_discount.create",
            "pass_discount.update",
            "pass_discount.delete"
        ]
    );

    // Impact: an opportunity published by the page form, a pro applies, the admin decides once.
    let res = app
        .post_form(
            &admin,
            "/admin/impact",
            &[
                ("kind", "EMPLOI"),
                ("title", "Sophrologue en EHPAD"),
                ("company", "Les Tilleuls"),
                ("description", "Mi-temps"),
            ],
        )
        .await;
    crate::helpers::assert_redirect_to(&res, "/admin/impact");
    let opp: Uuid = sqlx::query_scalar("SELECT id FROM impact_opportunities")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let res = app
        .post_json(
            &pc,
            "/api/pro/impact/candidature",
            json!({"opportunityId": opp, "message": "Dispo"}),
        )
        .await;
    let application: Uuid = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let res = patch(
        &app,
        &admin,
        &format!("/api/admin/impact/applications/{application}"),
        json!({"status": "APPROVED"}),
    )
    .await;
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "APPROVED");
    let res = patch(
        &app,
        &admin,
        &format!("/api/admin/impact/applications/{application}"),
        json!({"status": "REJECTED"}),
    )
    .await;
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["code"],
        "INVALID_TRANSITION"
    );
    let v: Value = admin
        .get(app.url("/api/admin/impact/opportunities"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["opportunities"][0]["applications"], 1);
    let res = app
        .post_form(
            &admin,
            &format!("/admin/impact/{opp}"),
            &[("action", "close")],
        )
        .await;
    crate::helpers::assert_redirect_to(&res, "/admin/impact");
    let v: Value = pc
        .get(app.url("/api/pro/impact"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["opportunities"].as_array().unwrap().len(), 0);
    for path in ["/admin/pass", "/admin/impact"] {
        assert_eq!(
            admin.get(app.url(path)).send().await.unwrap().status(),
            StatusCode::OK,
            "{path}"
        );
    }
}

/// `PATCH /api/admin/pass/resources/{id}` answers the whole resource, like the other admin
/// PATCHes and as the OpenAPI contract says; it used to answer the audit snapshot only
/// (`{title, month, published}`).
#[tokio::test]
async fn patching_a_pass_resource_answers_the_whole_resource() {
    let app = spawn_app().await;
    let (_, admin) = app.login_as(Actor::Admin).await;
    let res = app
        .post_json(
            &admin,
            "/api/admin/pass/resources",
            json!({"title": "Podcast sommeil", "type": "PODCAST", "month": "2026-12"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let res = patch(
        &app,
        &admin,
        &format!("/api/admin/pass/resources/{id}"),
        json!({"published": false, "description": "Épisode 1"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["id"], created["id"]);
    assert_eq!(
        (v["type"].as_str(), v["published"].as_bool()),
        (Some("PODCAST"), Some(false))
    );
    assert_eq!(v["description"], "Épisode 1");
    assert_eq!(v["availableFrom"], created["availableFrom"]);
    // The log still keeps the snapshot.
    let after: Value = sqlx::query_scalar(
        "SELECT after FROM admin_audit_log WHERE target_id = $1 AND action = 'pass_resource.update'",
    )
    .bind(id.parse::<Uuid>().unwrap())
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        after,
        json!({"title": "Podcast sommeil", "month": "2026-12", "published": false})
    );
}
