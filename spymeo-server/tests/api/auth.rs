use reqwest::StatusCode;
use secrecy::SecretString;
use serde_json::{Value, json};

use crate::helpers::{
    Actor, TestApp, assert_redirect_to, client, session_cookie, spawn_app, spawn_app_with, text_of,
};

async fn outbox(app: &TestApp, to: &str) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT template, body_text FROM email_outbox WHERE to_address = $1 ORDER BY created_at",
    )
    .bind(to)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

fn token_in(body: &str, path: &str) -> String {
    let start = body.find(path).expect("link in email") + path.len();
    body[start..].split_whitespace().next().unwrap().to_owned()
}

#[tokio::test]
async fn signup_creates_the_account_its_session_and_a_verification_email() {
    let app = spawn_app().await;
    let c = client();
    let body = json!({"firstName": "Julie", "lastName": "Bernard", "email": "Julie@Example.fr",
                      "password": "jardin2025", "plan": "FREE", "acceptCgu": true});
    let res = app.post_json(&c, "/api/auth/signup", body.clone()).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax")
            && cookie.contains("Max-Age=604800")
    );
    assert!(!cookie.contains("Secure"), "plain HTTP in tests");
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["user"]["email"], "julie@example.fr");
    assert_eq!(v["user"]["role"], "FREE_USER");
    assert_eq!(v["redirectTo"], "/user/tableau-de-bord");

    // The cookie opens the member home.
    let home = c
        .get(app.url("/user/tableau-de-bord"))
        .send()
        .await
        .unwrap();
    assert_eq!(home.status(), StatusCode::OK);

    let mails = outbox(&app, "julie@example.fr").await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].0, "email_verification");
    let token = token_in(&mails[0].1, "/auth/verifier-email?token=");
    let (status, html) = app
        .page(&format!("/auth/verifier-email?token={token}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(text_of(&html, "h1"), "Adresse confirmée");
    let verified: bool = sqlx::query_scalar(
        "SELECT email_verified_at IS NOT NULL FROM users WHERE email = 'julie@example.fr'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(verified);

    // The same address again: 409, and nothing else written.
    let again = app.post_json(&client(), "/api/auth/signup", body).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert_eq!(
        again.json::<Value>().await.unwrap()["error"]["code"],
        "EMAIL_TAKEN"
    );
}

#[tokio::test]
async fn signup_validates_every_field_in_french() {
    let app = spawn_app().await;
    let res = app
        .post_json(
            &client(),
            "/api/auth/signup",
            json!({"firstName": "", "lastName": "B", "email": "nope",
                    "password": "short", "acceptCgu": false}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["error"]["code"], "VALIDATION_FAILED");
    for field in ["firstName", "email", "password", "acceptCgu"] {
        assert!(v["error"]["fields"][field].is_string(), "{field}: {v}");
    }
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(users, 0);
}

#[tokio::test]
async fn a_pass_signup_opens_a_pending_subscription() {
    let app = spawn_app().await;
    let res = app
        .post_json(&client(), "/api/auth/signup", json!({"firstName": "Léa", "lastName": "Roux",
            "email": "lea@example.fr", "password": "soleil2025", "plan": "PASS", "passPlan": "ANNUAL", "acceptCgu": true}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["redirectTo"], "/payment/pass");
    assert_eq!(v["user"]["role"], "FREE_USER", "PASS_USER only once paid");
    let (status, plan): (String, String) = sqlx::query_as(
        "SELECT s.status::text, s.plan::text FROM pass_subscriptions s JOIN users u ON u.id = s.user_id WHERE u.email = 'lea@example.fr'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (status.as_str(), plan.as_str()),
        ("PENDING_PAYMENT", "ANNUAL")
    );
}

#[tokio::test]
async fn login_gives_the_same_answer_for_unknown_emails_and_wrong_passwords_then_rate_limits() {
    let app = spawn_app().await;
    app.create_user(Actor::Free, "claire@example.fr").await;
    let c = client();
    let wrong = app
        .post_json(
            &c,
            "/api/auth/login",
            json!({"email": "claire@example.fr", "password": "Mauvais1"}),
        )
        .await;
    let unknown = app
        .post_json(
            &c,
            "/api/auth/login",
            json!({"email": "personne@example.fr", "password": "Mauvais1"}),
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        wrong.json::<Value>().await.unwrap(),
        unknown.json::<Value>().await.unwrap()
    );

    let ok = app
        .post_json(
            &c,
            "/api/auth/login",
            json!({"email": "Claire@example.fr", "password": "Motdepasse1"}),
        )
        .await;
    assert_eq!(ok.status(), StatusCode::OK);
    assert!(session_cookie(&ok).is_some());
    let v: Value = ok.json().await.unwrap();
    assert_eq!(v["redirectTo"], "/user/tableau-de-bord");

    // 5 attempts per minute per (email, IP): three more pass the limiter, the sixth is refused.
    for _ in 0..3 {
        let r = app
            .post_json(
                &c,
                "/api/auth/login",
                json!({"email": "claire@example.fr", "password": "x1"}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let limited = app
        .post_json(
            &c,
            "/api/auth/login",
            json!({"email": "claire@example.fr", "password": "Motdepasse1"}),
        )
        .await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        limited.json::<Value>().await.unwrap()["error"]["code"],
        "RATE_LIMITED"
    );
}

#[tokio::test]
async fn accounts_not_allowed_in_are_refused_after_the_password_check() {
    let app = spawn_app().await;
    for (status, code) in [
        ("PENDING_VALIDATION", "ACCOUNT_PENDING_VALIDATION"),
        ("REJECTED", "ACCOUNT_REJECTED"),
        ("SUSPENDED", "ACCOUNT_SUSPENDED"),
    ] {
        let email = format!("{}@example.fr", status.to_lowercase());
        let id = app.create_user(Actor::Practitioner, &email).await;
        sqlx::query("UPDATE users SET status = $2::user_status WHERE id = $1")
            .bind(id)
            .bind(status)
            .execute(&app.pool)
            .await
            .unwrap();
        let res = app
            .post_json(
                &client(),
                "/api/auth/login",
                json!({"email": email, "password": "Motdepasse1"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{status}");
        assert_eq!(res.json::<Value>().await.unwrap()["error"]["code"], code);
        // With a wrong password the answer does not reveal the state.
        let res = app
            .post_json(
                &client(),
                "/api/auth/login",
                json!({"email": email, "password": "Autre1234"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn logout_ends_the_session_and_suspension_ends_it_too() {
    let app = spawn_app().await;
    let (_, c) = app.login_as(Actor::Free).await;
    assert_eq!(
        c.get(app.url("/user/tableau-de-bord"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let res = app.post_json(&c, "/api/auth/logout", json!({})).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let after = c
        .get(app.url("/user/tableau-de-bord"))
        .send()
        .await
        .unwrap();
    assert_redirect_to(&after, "/auth/login?next=/user/tableau-de-bord");

    let (id, c) = app.login_as(Actor::Pass).await;
    sqlx::query("UPDATE users SET status = 'SUSPENDED' WHERE id = $1")
        .bind(id)
        .execute(&app.pool)
        .await
        .unwrap();
    let res = app.post_json(&c, "/api/auth/logout", json!({})).await;
    assert_eq!(
        res.status(),
        StatusCode::UNAUTHORIZED,
        "AR-25: a suspended user's cookie is worthless"
    );
}

#[tokio::test]
async fn password_reset_by_email_ends_every_session() {
    let app = spawn_app().await;
    let id = app.create_user(Actor::Free, "marc@example.fr").await;
    let old_session = app.session_client(id).await;

    let unknown = app
        .post_json(
            &client(),
            "/api/auth/forgot-password",
            json!({"email": "inconnu@example.fr"}),
        )
        .await;
    assert_eq!(unknown.status(), StatusCode::ACCEPTED);
    assert!(outbox(&app, "inconnu@example.fr").await.is_empty());

    let res = app
        .post_json(
            &client(),
            "/api/auth/forgot-password",
            json!({"email": "marc@example.fr"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let mails = outbox(&app, "marc@example.fr").await;
    assert_eq!(mails.last().unwrap().0, "password_reset");
    let token = token_in(&mails.last().unwrap().1, "/auth/reset-password?token=");

    let weak = app
        .post_json(
            &client(),
            "/api/auth/reset-password",
            json!({"token": token, "password": "court"}),
        )
        .await;
    assert_eq!(weak.status(), StatusCode::BAD_REQUEST);
    let done = app
        .post_json(
            &client(),
            "/api/auth/reset-password",
            json!({"token": token, "password": "Nouveau2025"}),
        )
        .await;
    assert_eq!(done.status(), StatusCode::NO_CONTENT);
    let reused = app
        .post_json(
            &client(),
            "/api/auth/reset-password",
            json!({"token": token, "password": "Encore2025"}),
        )
        .await;
    assert_eq!(reused.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        reused.json::<Value>().await.unwrap()["error"]["code"],
        "TOKEN_INVALID_OR_EXPIRED"
    );

    let after = old_session
        .get(app.url("/user/tableau-de-bord"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        after.status(),
        StatusCode::SEE_OTHER,
        "old sessions are gone"
    );
    let login = app
        .post_json(
            &client(),
            "/api/auth/login",
            json!({"email": "marc@example.fr", "password": "Nouveau2025"}),
        )
        .await;
    assert_eq!(login.status(), StatusCode::OK);

    // 3 requests per hour per email.
    for _ in 0..2 {
        app.post_json(
            &client(),
            "/api/auth/forgot-password",
            json!({"email": "marc@example.fr"}),
        )
        .await;
    }
    let limited = app
        .post_json(
            &client(),
            "/api/auth/forgot-password",
            json!({"email": "marc@example.fr"}),
        )
        .await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn mutating_requests_from_another_origin_are_refused() {
    let app = spawn_app().await;
    let body = json!({"email": "a@example.fr", "password": "x"});
    let none = client()
        .post(app.url("/api/auth/login"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), StatusCode::FORBIDDEN);
    assert_eq!(none.json::<Value>().await.unwrap()["error"]["code"], "CSRF");
    let evil = client()
        .post(app.url("/api/auth/login"))
        .header("origin", "https://evil.example")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(evil.status(), StatusCode::FORBIDDEN);
    let configured = client()
        .post(app.url("/api/auth/login"))
        .header("origin", "http://spymeo.test")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        configured.status(),
        StatusCode::UNAUTHORIZED,
        "APP_URL's origin passes the check"
    );
}

#[tokio::test]
async fn pages_send_anonymous_visitors_to_login_and_back() {
    let app = spawn_app().await;
    app.create_user(Actor::Practitioner, "pro@example.fr").await;
    let c = client();
    let res = c
        .get(app.url("/pro/dashboard?onglet=1"))
        .send()
        .await
        .unwrap();
    assert_redirect_to(&res, "/auth/login?next=/pro/dashboard%3Fonglet%3D1");

    let (status, html) = app
        .page("/auth/login?next=/pro/dashboard%3Fonglet%3D1")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        crate::helpers::select(&html, "input[name=next]")[0]
            .value()
            .attr("value"),
        Some("/pro/dashboard?onglet=1")
    );
    let wrong = app
        .post_form(
            &c,
            "/auth/login",
            &[
                ("email", "pro@example.fr"),
                ("password", "Mauvais1"),
                ("next", "/pro/dashboard"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let html = scraper::Html::parse_document(&wrong.text().await.unwrap());
    assert_eq!(
        text_of(&html, ".form-error"),
        "E-mail ou mot de passe incorrect"
    );

    let ok = app
        .post_form(
            &c,
            "/auth/login",
            &[
                ("email", "pro@example.fr"),
                ("password", "Motdepasse1"),
                ("next", "/pro/dashboard?onglet=1"),
            ],
        )
        .await;
    assert_redirect_to(&ok, "/pro/dashboard?onglet=1");
    let dash = c.get(app.url("/pro/dashboard")).send().await.unwrap();
    assert_eq!(dash.status(), StatusCode::OK);
    // Logged in, the login page sends home; another site as `next` is ignored.
    assert_redirect_to(
        &c.get(app.url("/auth/login")).send().await.unwrap(),
        "/pro/dashboard",
    );
    let c2 = client();
    let res = app
        .post_form(
            &c2,
            "/auth/login",
            &[
                ("email", "pro@example.fr"),
                ("password", "Motdepasse1"),
                ("next", "//evil.example/x"),
            ],
        )
        .await;
    assert_redirect_to(&res, "/pro/dashboard");
}

#[tokio::test]
async fn wrong_roles_get_the_403_page_and_unpaid_pros_go_to_payment() {
    let app = spawn_app().await;
    let (_, free) = app.login_as(Actor::Free).await;
    let res = free.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let html = scraper::Html::parse_document(&res.text().await.unwrap());
    assert_eq!(text_of(&html, "h1"), "Accès refusé");

    let (_, pending) = app.login_as(Actor::PendingPro).await;
    assert_redirect_to(
        &pending.get(app.url("/pro/dashboard")).send().await.unwrap(),
        "/payment/pro",
    );
}

#[tokio::test]
async fn signup_and_logout_through_the_pages() {
    let app = spawn_app().await;
    let c = client();
    let (status, html) = app.page("/auth/signup?plan=pass-annuel").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        crate::helpers::select(&html, "input[name=choice][checked]")[0]
            .value()
            .attr("value"),
        Some("PASS_ANNUAL")
    );
    let res = app
        .post_form(
            &c,
            "/auth/signup",
            &[
                ("first_name", "Nina"),
                ("last_name", "Petit"),
                ("email", "nina@example.fr"),
                ("password", "Lumiere2025"),
                ("choice", "FREE"),
                ("accept_cgu", "on"),
            ],
        )
        .await;
    assert_redirect_to(&res, "/user/tableau-de-bord");
    let (status, html) = {
        let res = c
            .get(app.url("/user/tableau-de-bord"))
            .send()
            .await
            .unwrap();
        (
            res.status(),
            scraper::Html::parse_document(&res.text().await.unwrap()),
        )
    };
    assert_eq!(status, StatusCode::OK);
    assert_eq!(text_of(&html, "h1"), "Bonjour Nina");
    assert!(text_of(&html, ".flash-success").starts_with("Bienvenue Nina"));

    let out = app.post_form(&c, "/auth/logout", &[]).await;
    assert_redirect_to(&out, "/");
    assert_eq!(
        c.get(app.url("/user/tableau-de-bord"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::SEE_OTHER
    );
}

/// Rotating SESSION_SECRET (new current, old as previous) keeps sessions; dropping the previous
/// one then ends only the sessions that were not seen during the rotation.
#[tokio::test]
async fn rotating_the_session_secret_logs_nobody_out() {
    let (url, pool) = spymeo_core::testing::migrated_database().await.unwrap();
    let old = SecretString::from("old-secret-old-secret-old-secret-0".to_owned());
    let new = SecretString::from("new-secret-new-secret-new-secret-1".to_owned());
    let before = spawn_app_with(url.clone(), pool.clone(), |c| {
        c.session_secret = old.clone()
    })
    .await;
    let seen_id = before.create_user(Actor::Free, "vue@example.fr").await;
    let unseen_id = before.create_user(Actor::Free, "absente@example.fr").await;
    let seen_token = login_token(&before, "vue@example.fr").await;
    let unseen_token = login_token(&before, "absente@example.fr").await;
    let _ = (seen_id, unseen_id);

    let rotating = spawn_app_with(url.clone(), pool.clone(), |c| {
        c.session_secret = new.clone();
        c.session_secret_previous = Some(old.clone());
    })
    .await;
    let res = rotating
        .client_with_cookie(&seen_token)
        .get(rotating.url("/user/tableau-de-bord"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "valid during the rotation");

    let after = spawn_app_with(url, pool, |c| c.session_secret = new.clone()).await;
    let seen = after
        .client_with_cookie(&seen_token)
        .get(after.url("/user/tableau-de-bord"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        seen.status(),
        StatusCode::OK,
        "re-keyed while the previous secret was accepted"
    );
    let unseen = after
        .client_with_cookie(&unseen_token)
        .get(after.url("/user/tableau-de-bord"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        unseen.status(),
        StatusCode::SEE_OTHER,
        "old-key session ends with the old key"
    );
}

async fn login_token(app: &TestApp, email: &str) -> String {
    let res = app
        .post_json(
            &client(),
            "/api/auth/login",
            json!({"email": email, "password": "Motdepasse1"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    session_cookie(&res).unwrap()
}

#[tokio::test]
async fn deployed_environments_mark_cookies_secure() {
    let (url, pool) = spymeo_core::testing::migrated_database().await.unwrap();
    let app = spawn_app_with(url, pool, |c| {
        c.environment = spymeo_server::config::Environment::Staging
    })
    .await;
    app.create_user(Actor::Free, "s@example.fr").await;
    let res = app
        .post_json(
            &client(),
            "/api/auth/login",
            json!({"email": "s@example.fr", "password": "Motdepasse1"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("; Secure")
    );
    assert!(res.headers().contains_key("strict-transport-security"));
}
