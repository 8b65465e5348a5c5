//! The pages and API every pro shares (DOMAIN.md §6.11, §8.3): the fiche (AR-20), AR-21,
//! PASS partner rates, advantages, impact applications, notes and messages.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Actor, TestApp, assert_redirect_to, spawn_app, text_of};
use crate::merchant::page_of;

async fn patch(app: &TestApp, c: &reqwest::Client, path: &str, body: Value) -> reqwest::Response {
    c.patch(app.url(path))
        .header("origin", app.origin())
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn ar20_a_pro_cannot_make_their_profile_verified_or_featured() {
    let app = spawn_app().await;
    let (id, p) = app.login_as(Actor::Practitioner).await;
    sqlx::query("UPDATE practitioner_profiles SET verified = false WHERE user_id = $1")
        .bind(id)
        .execute(&app.pool)
        .await
        .unwrap();
    let res = patch(&app, &p, "/api/pro/profile", json!({"verified": true, "featured": true, "publicName": "Claire Moreau", "city": "Dijon",
                                                         "specialties": ["Nutrition", " "], "consultationModes": ["CABINET", "VISIO"]})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let v: Value = res.json().await.unwrap();
    assert_eq!(
        (v["verified"].as_bool(), v["featured"].as_bool()),
        (Some(false), Some(false))
    );
    assert_eq!(
        (v["publicName"].as_str(), v["city"].as_str()),
        (Some("Claire Moreau"), Some("Dijon"))
    );
    assert_eq!(v["specialties"], json!(["Nutrition"]));
    let (verified, featured): (bool, bool) =
        sqlx::query_as("SELECT verified, featured FROM practitioner_profiles WHERE user_id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((verified, featured), (false, false));
    // The same through the page's form: extra fields are not read.
    let res = app
        .post_form(
            &p,
            "/pro/commun/fiche",
            &[
                ("public_name", "Claire M."),
                ("verified", "true"),
                ("featured", "on"),
                ("mode_visio", "on"),
            ],
        )
        .await;
    assert_redirect_to(&res, "/pro/commun/fiche");
    let (name, verified, modes): (String, bool, Vec<String>) =
        sqlx::query_as("SELECT public_name, verified, consultation_modes::text[] FROM practitioner_profiles WHERE user_id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        (name.as_str(), verified, modes),
        ("Claire M.", false, vec!["VISIO".to_owned()])
    );
    // Bad input: 400 with the field, nothing written.
    let res = patch(
        &app,
        &p,
        "/api/pro/profile",
        json!({"postalCode": "210", "publicName": "Autre"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let name: String =
        sqlx::query_scalar("SELECT public_name FROM practitioner_profiles WHERE user_id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(name, "Claire M.");
}

#[tokio::test]
async fn ar21_a_pro_waiting_for_payment_is_not_active() {
    let app = spawn_app().await;
    let (_, pending) = app.login_as(Actor::PendingPro).await;
    for path in ["/api/pro/profile", "/api/pro/pass", "/api/pro/impact"] {
        let res = pending.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}");
        assert_eq!(
            res.json::<Value>().await.unwrap()["error"]["code"],
            "ACCOUNT_NOT_ACTIVE"
        );
    }
    // Its pages send it to the payment page.
    let res = pending
        .get(app.url("/pro/commun/fiche"))
        .send()
        .await
        .unwrap();
    assert_redirect_to(&res, "/payment/pro");
}

#[tokio::test]
async fn every_role_edits_its_own_fiche_fields_and_photo() {
    let app = spawn_app().await;
    let (mid, m) = app.login_as(Actor::Merchant).await;
    let res = patch(&app, &m, "/api/pro/profile", json!({"category": "Épicerie bio", "shipsOrders": true, "website": "https://herbo.example.fr"})).await;
    let v: Value = res.json().await.unwrap();
    assert_eq!(
        (v["category"].as_str(), v["shipsOrders"].as_bool()),
        (Some("Épicerie bio"), Some(true))
    );
    assert!(
        v["publicHref"]
            .as_str()
            .unwrap()
            .starts_with("/commercants/")
    );
    let (_, c) = app.login_as(Actor::Center).await;
    let res = patch(&app, &c, "/api/pro/profile", json!({"ndaNumber": "123"})).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = patch(
        &app,
        &c,
        "/api/pro/profile",
        json!({"ndaNumber": "11755555555", "qualiopiCertified": true}),
    )
    .await;
    assert_eq!(
        res.json::<Value>().await.unwrap()["qualiopiCertified"],
        true
    );

    // Photo: bytes decide the format; the URL is public.
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";
    let upload = |bytes: &'static [u8]| {
        let (app, m) = (&app, &m);
        async move {
            m.post(app.url("/api/pro/profile/photo"))
                .header("origin", app.origin())
                .multipart(Form::new().part("file", Part::bytes(bytes).file_name("x.png")))
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(
        upload(b"not an image").await.status(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    let res = upload(PNG).await;
    let url = res.json::<Value>().await.unwrap()["photoUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    let public = crate::helpers::client()
        .get(app.url(&url))
        .send()
        .await
        .unwrap();
    assert_eq!(public.status(), StatusCode::OK);
    assert_eq!(public.bytes().await.unwrap().as_ref(), PNG);
    let stored: Option<String> =
        sqlx::query_scalar("SELECT photo_url FROM merchant_profiles WHERE user_id = $1")
            .bind(mid)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(stored.as_deref(), Some(url.as_str()));
    let (status, html) = page_of(&app, &m, "/pro/commun/fiche").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        crate::helpers::select(&html, "#photo img")[0]
            .value()
            .attr("src"),
        Some(url.as_str())
    );
}

#[tokio::test]
async fn pass_partner_rates_advantages_and_impact() {
    let app = spawn_app().await;
    let (pid, p) = app.login_as(Actor::Practitioner).await;
    let (_, a) = app.login_as(Actor::Artisan).await;
    assert_eq!(
        p.get(app.url("/api/pro/pass"))
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap(),
        json!({"enabled": false, "rate": 10})
    );
    let put = |rate: i64| {
        let (app, p) = (&app, &p);
        async move {
            p.put(app.url("/api/pro/pass"))
                .header("origin", app.origin())
                .json(&json!({"enabled": true, "rate": rate}))
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(put(12).await.status(), StatusCode::BAD_REQUEST);
    assert_eq!(put(35).await.status(), StatusCode::BAD_REQUEST);
    assert_eq!(put(25).await.status(), StatusCode::OK);
    let (rate, active, href): (i16, bool, String) = sqlx::query_as(
        "SELECT rate_pct, active, href FROM pass_discounts WHERE partner_user_id = $1",
    )
    .bind(pid)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((rate, active), (25, true));
    assert!(href.starts_with("/praticiens/"));
    let res = app
        .post_form(&p, "/pro/commun/pass-partenaire", &[("rate", "15")])
        .await;
    assert_redirect_to(&res, "/pro/commun/pass-partenaire");
    assert_eq!(
        p.get(app.url("/api/pro/pass"))
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap(),
        json!({"enabled": false, "rate": 15})
    );

    // Advantages: a reduction needs its percentage; the network sees active ones only.
    let res = app
        .post_json(
            &a,
            "/api/pro/avantages",
            json!({"title": "Remise atelier", "type": "REDUCTION"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = app
        .post_json(
            &a,
            "/api/pro/avantages",
            json!({"title": "Remise atelier", "type": "REDUCTION", "percentage": 15}),
        )
        .await;
    let adv: Uuid = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let network: Value = p
        .get(app.url("/api/pro/avantages?scope=network"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(network.as_array().unwrap().len(), 1);
    assert_eq!(network[0]["percentage"], 15);
    assert_eq!(
        patch(
            &app,
            &p,
            &format!("/api/pro/avantages/{adv}"),
            json!({"active": false})
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
    let res = patch(
        &app,
        &a,
        &format!("/api/pro/avantages/{adv}"),
        json!({"active": false}),
    )
    .await;
    assert_eq!(res.json::<Value>().await.unwrap()["active"], false);
    let network: Value = p
        .get(app.url("/api/pro/avantages"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(network.as_array().unwrap().len(), 0);
    let mine: Value = a
        .get(app.url("/api/pro/avantages?scope=mine"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(mine.as_array().unwrap().len(), 1);

    // Impact: open opportunities, one application each, closed ones refused.
    let admin = app.create_user(Actor::Admin, "admin@example.fr").await;
    let open: Uuid = sqlx::query_scalar(
        "INSERT INTO impact_opportunities (kind, title, company, description, created_by) VALUES ('EMPLOI', 'Naturopathe en entreprise', 'Bien-Être SA', 'CDI', $1) RETURNING id",
    )
    .bind(admin)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let closed: Uuid = sqlx::query_scalar(
        "INSERT INTO impact_opportunities (kind, title, company, description, open) VALUES ('INTERVENTION_B2B', 'Atelier', 'X', 'Y', false) RETURNING id",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let v: Value = p
        .get(app.url("/api/pro/impact"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["opportunities"].as_array().unwrap().len(), 1);
    let res = app
        .post_form(
            &p,
            &format!("/pro/commun/impact/{open}/candidature"),
            &[("message", "Disponible en janvier")],
        )
        .await;
    assert_redirect_to(&res, "/pro/commun/impact");
    let again = app
        .post_json(
            &p,
            "/api/pro/impact/candidature",
            json!({"opportunityId": open}),
        )
        .await;
    assert_eq!(
        again.json::<Value>().await.unwrap()["error"]["code"],
        "ALREADY_APPLIED"
    );
    let res = app
        .post_json(
            &p,
            "/api/pro/impact/candidature",
            json!({"opportunityId": closed}),
        )
        .await;
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["code"],
        "OPPORTUNITY_CLOSED"
    );
    let v: Value = p
        .get(app.url("/api/pro/impact"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["myApplications"][0]["status"], "PENDING");
    let (_, html) = page_of(&app, &p, "/pro/commun/impact").await;
    assert!(text_of(&html, &format!("#opportunite-{open} .status")).contains("en attente"));
}

#[tokio::test]
async fn notes_and_messages_between_pros() {
    let app = spawn_app().await;
    let (_, p) = app.login_as(Actor::Practitioner).await;
    let (aid, a) = app.login_as(Actor::Artisan).await;
    let res = app
        .post_form(
            &p,
            "/pro/commun/notes",
            &[
                ("title", "Idées atelier"),
                ("content", "Huiles essentielles"),
                ("tags", "atelier, été"),
            ],
        )
        .await;
    assert_redirect_to(&res, "/pro/commun/notes");
    let (note, tags): (Uuid, Vec<String>) = sqlx::query_as("SELECT id, tags FROM notes")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(tags, ["atelier", "été"]);
    let (_, html) = page_of(&app, &p, "/pro/commun/notes").await;
    assert!(text_of(&html, &format!("#note-{note}")).contains("Huiles essentielles"));
    // Another pro cannot delete it.
    let res = app
        .post_form(
            &a,
            &format!("/pro/commun/notes/{note}"),
            &[("action", "delete")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = app
        .post_form(
            &p,
            &format!("/pro/commun/notes/{note}"),
            &[("action", "delete")],
        )
        .await;
    assert_redirect_to(&res, "/pro/commun/notes");

    // PRO → PRO: the practitioner writes to the artisan, who answers.
    let res = app
        .post_form(
            &p,
            "/pro/commun/messages",
            &[
                ("recipient_id", &aid.to_string()),
                ("body", "Bonjour, un atelier commun ?"),
            ],
        )
        .await;
    assert!(res.status().is_redirection());
    let conv: Uuid = sqlx::query_scalar("SELECT id FROM conversations")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_redirect_to(&res, &format!("/pro/commun/messages/{conv}"));
    let (_, html) = page_of(&app, &a, "/pro/commun/messages").await;
    assert!(text_of(&html, "#conversations").contains("1 non lu"));
    let (_, html) = page_of(&app, &a, &format!("/pro/commun/messages/{conv}")).await;
    assert!(text_of(&html, "#fil").contains("un atelier commun"));
    let res = app
        .post_form(
            &a,
            &format!("/pro/commun/messages/{conv}"),
            &[("body", "Avec plaisir")],
        )
        .await;
    assert_redirect_to(&res, &format!("/pro/commun/messages/{conv}"));
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM messages WHERE conversation_id = $1")
        .bind(conv)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(n, 2);
    // A third pro is not a participant.
    let (_, m) = app.login_as(Actor::Merchant).await;
    assert_eq!(
        page_of(&app, &m, &format!("/pro/commun/messages/{conv}"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    for path in [
        "/pro/commun/avantages",
        "/pro/commun/pass-partenaire",
        "/pro/commun/fiche",
    ] {
        assert_eq!(page_of(&app, &m, path).await.0, StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn a_pro_proposes_an_article_which_the_admin_reviews() {
    let app = spawn_app().await;
    let (aid, a) = app.login_as(Actor::Artisan).await;
    let (_, admin) = app.login_as(Actor::Admin).await;
    let res = app.post_json(&a, "/api/pro/blog", json!({"title": "Le savon à froid", "content": "Saponification lente.", "tags": ["savon"]})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let v: Value = res.json().await.unwrap();
    let id = v["id"].as_str().unwrap().to_owned();
    assert_eq!(v["status"], "DRAFT");
    assert_eq!(v["authorUserId"], aid.to_string());
    let res = patch(
        &app,
        &a,
        &format!("/api/pro/blog/{id}"),
        json!({"excerpt": "Pourquoi attendre 4 semaines"}),
    )
    .await;
    assert_eq!(
        res.json::<Value>().await.unwrap()["excerpt"],
        "Pourquoi attendre 4 semaines"
    );
    // Another pro sees nothing of it.
    let (_, m) = app.login_as(Actor::Merchant).await;
    assert_eq!(
        patch(
            &app,
            &m,
            &format!("/api/pro/blog/{id}"),
            json!({"title": "X"})
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
    // Submitted through the page, it is locked and waits in the admin queue.
    let res = app
        .post_form(&a, &format!("/pro/blog/{id}/soumettre"), &[])
        .await;
    assert_redirect_to(&res, "/pro/blog/nouvel-article");
    let res = patch(
        &app,
        &a,
        &format!("/api/pro/blog/{id}"),
        json!({"title": "Autre"}),
    )
    .await;
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["code"],
        "ARTICLE_LOCKED"
    );
    let queue: Value = admin
        .get(app.url("/api/admin/blog?status=SUBMITTED"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(queue["total"], 1);
    app.post_json(
        &admin,
        &format!("/api/admin/blog/{id}/review"),
        json!({"decision": "NEEDS_CHANGES", "note": "Ajoutez les précautions"}),
    )
    .await;
    let (_, html) = page_of(&app, &a, "/pro/blog/nouvel-article").await;
    assert!(text_of(&html, &format!("#article-{id}")).contains("Ajoutez les précautions"));
    let res = app
        .post_json(&a, &format!("/api/pro/blog/{id}/submit"), json!({}))
        .await;
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "SUBMITTED");
}

/// The API counts the specialties as sent (10 at most, as its contract says), blank ones
/// included; the form page still drops its empty inputs.
#[tokio::test]
async fn the_api_refuses_more_than_ten_specialties_as_sent() {
    let app = spawn_app().await;
    let (_, p) = app.login_as(Actor::Practitioner).await;
    let eleven: Vec<&str> = vec![""; 11];
    let res = patch(&app, &p, "/api/pro/profile", json!({"specialties": eleven})).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let ten = vec!["Nutrition", " ", "", "", "", "", "", "", "", ""];
    let res = patch(&app, &p, "/api/pro/profile", json!({"specialties": ten})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["specialties"], json!(["Nutrition"]));
}
