//! The member space (DOMAIN.md §6.5–6.7, §7.2, §7.6) and the access invariants of §5.4 that
//! concern members: AR-13 … AR-17, AR-22, AR-24; the PASS lifecycle driven by signed webhooks.

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};
use spymeo_server::api::payments::sign;
use uuid::Uuid;

use crate::helpers::{Actor, TestApp, WEBHOOK_SECRET, count, select, spawn_app, text_of};
use crate::public_site::{Pro, practitioner};

async fn get_json(app: &TestApp, c: &reqwest::Client, path: &str) -> (StatusCode, Value) {
    let res = c.get(app.url(path)).send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn send(
    app: &TestApp,
    c: &reqwest::Client,
    method: reqwest::Method,
    path: &str,
    body: Value,
) -> (StatusCode, Value) {
    let res = c
        .request(method, app.url(path))
        .header("origin", app.origin())
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// An appointment of `pro` booked by `user` (and, when `linked`, through a client record
/// linked to the user instead).
async fn appointment(
    app: &TestApp,
    pro: &Pro,
    user: Uuid,
    starts_in: Duration,
    linked: bool,
) -> Uuid {
    let start = Utc::now() + starts_in;
    let client: Option<Uuid> = if linked {
        Some(
            sqlx::query_scalar(
                "INSERT INTO clients (practitioner_id, user_id, first_name, last_name) VALUES ($1, $2, 'Lié', 'Client') RETURNING id",
            )
            .bind(pro.profile_id)
            .bind(user)
            .fetch_one(&app.pool)
            .await
            .unwrap(),
        )
    } else {
        None
    };
    let type_id: Uuid = sqlx::query_scalar(
        "SELECT id FROM appointment_types WHERE practitioner_id = $1 ORDER BY duration_min DESC LIMIT 1",
    )
    .bind(pro.profile_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query_scalar(
        "INSERT INTO appointments (practitioner_id, client_id, appointment_type_id, booked_by_user_id, title, starts_at, ends_at, busy_until, status, source)
         VALUES ($1, $2, $3, $4, 'Consultation initiale', $5, $5 + interval '1 hour', $5 + interval '1 hour', 'SCHEDULED', 'ONLINE') RETURNING id",
    )
    .bind(pro.profile_id)
    .bind(client)
    .bind(type_id)
    .bind(if linked { None } else { Some(user) })
    .bind(start)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn appointments_are_mine_only_and_cancellable_within_the_window() {
    let app = spawn_app().await;
    let pro = practitioner(&app, "Claire Moreau", &["Naturopathe"], "Dijon", true).await;
    let (u1, c1) = app.login_as(Actor::Free).await;
    let (u2, _) = app.login_as(Actor::Pass).await;
    let mine = appointment(&app, &pro, u1, Duration::days(3), false).await;
    let linked = appointment(&app, &pro, u1, Duration::days(4), true).await;
    let soon = appointment(&app, &pro, u1, Duration::hours(5), false).await;
    let theirs = appointment(&app, &pro, u2, Duration::days(5), false).await;

    // AR-13
    let (status, _) = get_json(&app, &c1, &format!("/api/user/appointments/{theirs}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, v) = get_json(&app, &c1, "/api/user/appointments?scope=upcoming").await;
    assert_eq!(status, StatusCode::OK);
    let ids: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids.len(),
        3,
        "booked and linked ones, not the other member's: {v}"
    );
    assert!(ids.contains(&linked.to_string().as_str()));
    assert!(!ids.contains(&theirs.to_string().as_str()));
    let (_, v) = get_json(&app, &c1, &format!("/api/user/appointments/{soon}")).await;
    assert_eq!(v["canCancel"], false, "within 24 h of the start");
    assert_eq!(v["practitioner"]["slug"], pro.slug.as_str());

    let patch = reqwest::Method::PATCH;
    let (status, v) = send(
        &app,
        &c1,
        patch.clone(),
        &format!("/api/user/appointments/{soon}"),
        json!({"status": "CANCELLED"}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(v["error"]["code"], "CANCELLATION_WINDOW_PASSED");
    let (status, _) = send(
        &app,
        &c1,
        patch.clone(),
        &format!("/api/user/appointments/{theirs}"),
        json!({"status": "CANCELLED"}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, v) = send(
        &app,
        &c1,
        patch.clone(),
        &format!("/api/user/appointments/{mine}"),
        json!({"status": "CANCELLED", "reason": "Empêchement"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["status"], "CANCELLED");
    let (_, v) = get_json(&app, &c1, "/api/user/appointments?scope=past").await;
    assert_eq!(v["total"], 1);

    // Reschedule the linked one to a slot the agenda offers.
    let mut conn = app.pool.acquire().await.unwrap();
    let type_id: Uuid =
        sqlx::query_scalar("SELECT appointment_type_id FROM appointments WHERE id = $1")
            .bind(linked)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let today = spymeo_core::domain::paris_date(Utc::now());
    let slots = spymeo_core::db::agenda::available_slots(
        &mut conn,
        pro.profile_id,
        type_id,
        today + Duration::days(6),
        today + Duration::days(12),
        Utc::now(),
    )
    .await
    .unwrap();
    let slot = slots.first().expect("the default agenda offers slots");
    // A start that is not an offered slot: 400 SLOT_NOT_OFFERED, and the old one stays.
    let (status, v) = send(
        &app,
        &c1,
        reqwest::Method::POST,
        &format!("/api/user/appointments/{linked}/reschedule"),
        json!({"start": slot.start + Duration::minutes(7)}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["error"]["code"], "SLOT_NOT_OFFERED");
    assert!(v["error"]["fields"]["start"].is_string(), "{v}");
    let old: String = sqlx::query_scalar("SELECT status::text FROM appointments WHERE id = $1")
        .bind(linked)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_ne!(old, "CANCELLED");
    let res = app
        .post_json(
            &c1,
            &format!("/api/user/appointments/{linked}/reschedule"),
            json!({"start": slot.start}),
        )
        .await;
    let status = res.status();
    let v: Value = res.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        v["start"]
            .as_str()
            .map(|s| s.parse::<chrono::DateTime<Utc>>().unwrap()),
        Some(slot.start)
    );
    let old: String = sqlx::query_scalar("SELECT status::text FROM appointments WHERE id = $1")
        .bind(linked)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(old, "CANCELLED");

    // The pages: upcoming list and the detail with its cancel form.
    let res = c1
        .get(app.url("/user/rendez-vous/a-venir"))
        .send()
        .await
        .unwrap();
    let html = scraper::Html::parse_document(&res.text().await.unwrap());
    assert_eq!(count(&html, "h1"), 1);
    assert_eq!(count(&html, ".appts li"), 2);
    let res = c1
        .post(app.url(&format!("/user/rendez-vous/{soon}/annuler")))
        .header("origin", app.origin())
        .form(&[("reason", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "refusal comes back as a flash"
    );
}

#[tokio::test]
async fn invoices_never_show_drafts() {
    // AR-22
    let app = spawn_app().await;
    let pro = practitioner(&app, "Claire Moreau", &["Naturopathe"], "Dijon", true).await;
    let (u1, c1) = app.login_as(Actor::Free).await;
    let client: Uuid = sqlx::query_scalar(
        "INSERT INTO clients (practitioner_id, user_id, first_name, last_name) VALUES ($1, $2, 'Julie', 'Bernard') RETURNING id",
    )
    .bind(pro.profile_id)
    .bind(u1)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO invoices (practitioner_id, client_id, status, total_ht_cents, total_ttc_cents) VALUES ($1, $2, 'DRAFT', 6000, 6000)",
    )
    .bind(pro.profile_id)
    .bind(client)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO invoices (practitioner_id, client_id, status, fiscal_year, seq, number, issue_date, issued_at,
                               total_ht_cents, total_ttc_cents, seller_snapshot, buyer_snapshot)
         VALUES ($1, $2, 'ISSUED', 2026, 1, 'F-2026-0001', current_date, now(), 6000, 6000, '{}', '{}')",
    )
    .bind(pro.profile_id)
    .bind(client)
    .execute(&app.pool)
    .await
    .unwrap();
    let (_, v) = get_json(&app, &c1, "/api/user/invoices").await;
    assert_eq!(v["total"], 1, "{v}");
    assert_eq!(v["items"][0]["number"], "F-2026-0001");
    let (_, other) = app.login_as(Actor::Free).await;
    let (_, v) = get_json(&app, &other, "/api/user/invoices").await;
    assert_eq!(v["total"], 0);
}

fn multipart_pdf(title: &str) -> reqwest::multipart::Form {
    let part = reqwest::multipart::Part::bytes(b"%PDF-1.4\n% test\n".to_vec())
        .file_name("bilan.pdf")
        .mime_str("application/pdf")
        .unwrap();
    reqwest::multipart::Form::new()
        .text("title", title.to_owned())
        .part("file", part)
}

#[tokio::test]
async fn documents_are_mine_or_shared_with_me() {
    // AR-24
    let app = spawn_app().await;
    let (u1, c1) = app.login_as(Actor::Free).await;
    let (u2, _) = app.login_as(Actor::Free).await;
    let pro = practitioner(&app, "Claire Moreau", &["Naturopathe"], "Dijon", true).await;
    let doc = |owner: Uuid, shared: Option<Uuid>, title: &'static str| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, Uuid>(
                "INSERT INTO documents (owner_user_id, category, shared_with_user_id, title, kind, mime_type, storage_key, size_bytes)
                 VALUES ($1, CASE WHEN $2::uuid IS NULL THEN 'PERSONAL' ELSE 'SHARED' END::document_category, $2, $3, 'PDF', 'application/pdf', 'k/' || gen_random_uuid(), 10)
                 RETURNING id",
            )
            .bind(owner)
            .bind(shared)
            .bind(title)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    let shared = doc(pro.user_id, Some(u1), "Bilan partagé").await;
    let not_mine = doc(u2, None, "Document de U2").await;
    let to_someone_else = doc(pro.user_id, Some(u2), "Bilan de U2").await;

    let (status, _) = get_json(&app, &c1, &format!("/api/user/documents/{not_mine}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get_json(&app, &c1, &format!("/api/user/documents/{to_someone_else}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, v) = get_json(&app, &c1, &format!("/api/user/documents/{shared}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["practitionerName"], "Claire Moreau");
    assert_eq!(v["own"], false);

    // Upload a personal PDF, list, then delete it; a shared one cannot be deleted.
    let res = c1
        .post(app.url("/api/user/documents"))
        .header("origin", app.origin())
        .multipart(multipart_pdf("Mon ordonnance"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["title"], "Mon ordonnance");
    let (_, v) = get_json(&app, &c1, "/api/user/documents").await;
    assert_eq!(v["total"], 2);
    let (status, _) = send(
        &app,
        &c1,
        reqwest::Method::DELETE,
        &format!("/api/user/documents/{shared}"),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let id = created["id"].as_str().unwrap();
    let res = c1
        .get(app.url(&format!("/user/documents/{id}/telecharger")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.bytes().await.unwrap().starts_with(b"%PDF-"));
    let res = c1
        .delete(app.url(&format!("/api/user/documents/{id}")))
        .header("origin", app.origin())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    // Bytes that are no accepted format are refused.
    let part = reqwest::multipart::Part::bytes(vec![0u8, 1, 2, 3]).file_name("x.bin");
    let res = c1
        .post(app.url("/api/user/documents"))
        .header("origin", app.origin())
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn favorites_of_every_kind() {
    let app = spawn_app().await;
    let (_, c1) = app.login_as(Actor::Free).await;
    let pro = practitioner(&app, "Claire Moreau", &["Naturopathe"], "Dijon", true).await;
    let hidden = practitioner(&app, "Cachée", &["Naturopathe"], "Dijon", false).await;
    let article: Uuid = sqlx::query_scalar(
        "INSERT INTO articles (slug, title, author_display_name, status, published_at) VALUES ('a1', 'Un article', 'X', 'PUBLISHED', now()) RETURNING id",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let body = json!({"targetType": "PRACTITIONER", "targetId": pro.profile_id});
    let res = app
        .post_json(&c1, "/api/user/favorites", body.clone())
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = app.post_json(&c1, "/api/user/favorites", body).await;
    assert_eq!(res.status(), StatusCode::OK, "already there");
    let res = app
        .post_json(
            &c1,
            "/api/user/favorites",
            json!({"targetType": "PRACTITIONER", "targetId": hidden.profile_id}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = app
        .post_json(
            &c1,
            "/api/user/favorites",
            json!({"targetType": "ARTICLE", "targetId": article}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let (_, v) = get_json(&app, &c1, "/api/user/favorites").await;
    let hrefs: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["href"].as_str().unwrap())
        .collect();
    assert_eq!(hrefs.len(), 2);
    assert!(hrefs.contains(&format!("/praticiens/{}", pro.slug).as_str()));
    assert!(hrefs.contains(&"/blog/a1"));

    // The profile page's button shows the state and the favorites page groups by kind.
    let res = c1
        .get(app.url(&format!("/praticiens/{}", pro.slug)))
        .send()
        .await
        .unwrap();
    let html = scraper::Html::parse_document(&res.text().await.unwrap());
    assert_eq!(
        text_of(&html, "button[aria-pressed=true]"),
        "Retirer des favoris"
    );
    let res = c1
        .delete(app.url(&format!(
            "/api/user/favorites/PRACTITIONER/{}",
            pro.profile_id
        )))
        .header("origin", app.origin())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = c1.get(app.url("/user/favoris")).send().await.unwrap();
    let html = scraper::Html::parse_document(&res.text().await.unwrap());
    assert_eq!(count(&html, ".favorite"), 1);
}

#[tokio::test]
async fn messaging_follows_the_membership_rules() {
    let app = spawn_app().await;
    let pro = practitioner(&app, "Claire Moreau", &["Naturopathe"], "Dijon", true).await;
    let (u1, c1) = app.login_as(Actor::Free).await;
    let (u2, c2) = app.login_as(Actor::Pass).await;

    // AR-15: a member cannot write to another member.
    let res = app
        .post_json(
            &c1,
            "/api/user/conversations",
            json!({"recipientUserId": u2, "body": "Bonjour"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["code"],
        "FORBIDDEN_RECIPIENT"
    );

    // A member writes to a public pro; the second call finds the same conversation.
    let res = app
        .post_json(
            &c1,
            "/api/user/conversations",
            json!({"recipientUserId": pro.user_id, "subject": "Question", "body": "Bonjour Claire"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let conv = res.json::<Value>().await.unwrap()["conversationId"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = app
        .post_json(
            &c1,
            "/api/user/conversations",
            json!({"recipientUserId": pro.user_id, "body": "Encore moi"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.json::<Value>().await.unwrap()["conversationId"],
        conv.as_str()
    );

    // AR-14: the other member sees nothing of it.
    let (status, _) = get_json(
        &app,
        &c2,
        &format!("/api/user/conversations/{conv}/messages"),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let res = app
        .post_json(
            &c2,
            &format!("/api/user/conversations/{conv}/messages"),
            json!({"body": "intrus"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // The pro replies (the pro messages page uses the same core function): one unread.
    let conv_id: Uuid = conv.parse().unwrap();
    let mut conn = app.pool.acquire().await.unwrap();
    for i in 0..3 {
        spymeo_core::db::messaging::post_message(
            &mut conn,
            conv_id,
            pro.user_id,
            &format!("Réponse {i}"),
            None,
            Utc::now() + Duration::milliseconds(i),
        )
        .await
        .unwrap();
    }
    let (_, v) = get_json(&app, &c1, "/api/user/conversations").await;
    assert_eq!(v["items"][0]["unreadCount"], 3);
    assert_eq!(v["items"][0]["otherParticipant"]["name"], "Claire Moreau");
    assert_eq!(v["items"][0]["lastMessage"]["body"], "Réponse 2");

    // Cursor pagination, newest first.
    let (_, page1) = get_json(
        &app,
        &c1,
        &format!("/api/user/conversations/{conv}/messages?limit=2"),
    )
    .await;
    assert_eq!(page1["items"].as_array().unwrap().len(), 2);
    assert_eq!(page1["items"][0]["body"], "Réponse 2");
    let before = page1["nextBefore"]
        .as_str()
        .expect("an older page")
        .to_owned();
    let (_, page2) = get_json(
        &app,
        &c1,
        &format!(
            "/api/user/conversations/{conv}/messages?limit=10&before={}",
            urlencoding(&before)
        ),
    )
    .await;
    assert_eq!(page2["items"].as_array().unwrap().len(), 3);
    assert_eq!(page2["nextBefore"], Value::Null);

    let res = app
        .post_json(
            &c1,
            &format!("/api/user/conversations/{conv}/read"),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let (_, v) = get_json(&app, &c1, "/api/user/conversations").await;
    assert_eq!(v["items"][0]["unreadCount"], 0);

    // The sender's soft delete blanks the body.
    let mine = page2["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["senderId"] == u1.to_string().as_str())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = c1
        .delete(app.url(&format!("/api/user/conversations/{conv}/messages/{mine}")))
        .header("origin", app.origin())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);

    // 30 messages a minute, then 429.
    let mut last = StatusCode::OK;
    for i in 0..30 {
        last = app
            .post_json(
                &c1,
                &format!("/api/user/conversations/{conv}/messages"),
                json!({"body": format!("m{i}")}),
            )
            .await
            .status();
        if last == StatusCode::TOO_MANY_REQUESTS {
            break;
        }
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);

    // The thread page shows the messages, mine marked.
    let res = c1
        .get(app.url(&format!("/user/messagerie/{conv}")))
        .send()
        .await
        .unwrap();
    let html = scraper::Html::parse_document(&res.text().await.unwrap());
    assert_eq!(count(&html, "h1"), 1);
    assert!(count(&html, ".message.mine") > 0);
    assert!(!select(&html, ".message:not(.mine) .body").is_empty());
}

fn urlencoding(s: &str) -> String {
    spymeo_server::auth::access::urlencode(s)
}

#[tokio::test]
async fn notes_are_a_pass_benefit_and_resources_urls_too() {
    let app = spawn_app().await;
    let (_, free) = app.login_as(Actor::Free).await;
    let (_, pass) = app.login_as(Actor::Pass).await;
    let (_, other_pass) = app.login_as(Actor::Pass).await;

    // AR-17
    let res = app
        .post_json(&free, "/api/notes", json!({"title": "Sommeil"}))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["code"],
        "PASS_REQUIRED"
    );
    let res = app
        .post_json(
            &pass,
            "/api/notes",
            json!({"title": "Sommeil", "content": "Tisane le soir", "tags": ["#Sommeil"]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let note: Value = res.json().await.unwrap();
    assert_eq!(note["tags"], json!(["sommeil"]));
    let id = note["id"].as_str().unwrap();
    let (status, _) = send(
        &app,
        &other_pass,
        reqwest::Method::PATCH,
        &format!("/api/notes/{id}"),
        json!({"pinned": true}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, v) = send(
        &app,
        &pass,
        reqwest::Method::PATCH,
        &format!("/api/notes/{id}"),
        json!({"pinned": true}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["pinned"], true);
    let (_, v) = get_json(&app, &pass, "/api/notes?q=TISANE").await;
    assert_eq!(v["total"], 1);

    // The FREE member's notes page is the upsell.
    let res = free.get(app.url("/user/notes")).send().await.unwrap();
    let html = scraper::Html::parse_document(&res.text().await.unwrap());
    assert_eq!(count(&html, ".upsell"), 1);
    assert_eq!(count(&html, "form[action='/user/notes']"), 0);

    // AR-16
    sqlx::query(
        "INSERT INTO pass_resources (title, type, month, url, available_from) VALUES
           ('Podcast – Bien-être hivernal', 'PODCAST', to_char(now(), 'YYYY-MM'), 'https://podcasts.example/1', now() - interval '1 day'),
           ('À venir', 'VIDEO', to_char(now(), 'YYYY-MM'), 'https://videos.example/2', now() + interval '3 days')",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let (_, v) = get_json(&app, &free, "/api/user/pass/resources").await;
    let items = v.as_array().unwrap();
    assert_eq!(items.len(), 1, "not yet available ones are hidden");
    assert!(items.iter().all(|r| r["url"].is_null()));
    let (_, v) = get_json(&app, &pass, "/api/user/pass/resources").await;
    assert_eq!(v[0]["url"], "https://podcasts.example/1");
    let (status, _) = get_json(&app, &pass, "/api/user/pass/resources?month=2026-13").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

/// A provider event signed like the provider signs it.
async fn deliver(app: &TestApp, event: &Value, secret: &str) -> (StatusCode, Value) {
    let body = serde_json::to_vec(event).unwrap();
    let res = app
        .client
        .post(app.url("/api/payment/webhook"))
        .header(
            "stripe-signature",
            sign(secret, Utc::now().timestamp(), &body),
        )
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_pass_lifecycle_is_driven_by_signed_webhooks() {
    let app = spawn_app().await;
    let (u1, c1) = app.login_as(Actor::Free).await;
    let res = app
        .post_json(&c1, "/api/user/pass/checkout", json!({"plan": "ANNUAL"}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let url = res.json::<Value>().await.unwrap()["checkoutUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(url, "/payment/simulation?product=PASS_ANNUAL");
    let sub: Uuid = sqlx::query_scalar("SELECT id FROM pass_subscriptions WHERE user_id = $1")
        .bind(u1)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let now = Utc::now().timestamp();
    let paid = json!({
        "id": "evt_test_1", "type": "invoice.paid",
        "data": {"object": {
            "id": "in_test_1", "subscription": "sub_test_1", "customer": "cus_test_1",
            "amount_paid": 6900, "lines": {"data": [{"period": {"start": now, "end": now + 365 * 86400}}]},
            "subscription_details": {"metadata": {"spymeoSubscriptionId": sub, "plan": "ANNUAL"}}
        }}
    });

    // Bad or missing signature: 400 and nothing changes.
    let (status, v) = deliver(&app, &paid, "whsec_wrong").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(v["error"]["code"], "BAD_SIGNATURE");
    let res = app
        .client
        .post(app.url("/api/payment/webhook"))
        .json(&paid)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    let (status, v) = deliver(&app, &paid, WEBHOOK_SECRET).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["duplicate"], false);
    let (status, v) = deliver(&app, &paid, WEBHOOK_SECRET).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["duplicate"], true, "idempotent by event id");
    let (role, months, carnet): (String, i32, String) = sqlx::query_as(
        "SELECT u.role::text, s.months_paid, s.carnet_status::text FROM users u JOIN pass_subscriptions s ON s.user_id = u.id WHERE u.id = $1",
    )
    .bind(u1)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (role.as_str(), months, carnet.as_str()),
        ("PASS_USER", 12, "PENDING")
    );
    let processed: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM payment_events WHERE processed_at IS NOT NULL AND error IS NULL",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(processed, 1);

    // The same session now has PASS benefits (role read from the database on each request).
    let (_, v) = get_json(&app, &c1, "/api/user/pass").await;
    assert_eq!(v["active"], true);
    assert_eq!(v["carnet"]["status"], "PENDING");
    let res = app
        .post_json(&c1, "/api/notes", json!({"title": "Enfin"}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = app
        .post_json(&c1, "/api/user/pass/checkout", json!({"plan": "MONTHLY"}))
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);

    // Carnet address, plan switch, pause once, cancel at period end.
    let res = app
        .post_json(
            &c1,
            "/api/user/pass/ship-carnet",
            json!({"name": "Julie Bernard", "line1": "1 rue de la Liberté", "postalCode": "21000", "city": "Dijon"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.json::<Value>().await.unwrap()["carnet"]["addressSet"],
        true
    );
    let (status, v) = send(
        &app,
        &c1,
        reqwest::Method::PUT,
        "/api/account/plan",
        json!({"plan": "PASS", "renewal": "MONTHLY"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["pendingPlan"], "MONTHLY");
    let res = app
        .post_json(&c1, "/api/account/plan/pause", json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap()["pause"]["active"], true);
    let res = app
        .post_json(&c1, "/api/account/plan/pause", json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let role: String = sqlx::query_scalar("SELECT role::text FROM users WHERE id = $1")
        .bind(u1)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(role, "FREE_USER", "no benefits while paused");
    let (status, v) = send(
        &app,
        &c1,
        reqwest::Method::DELETE,
        "/api/account/plan",
        json!({}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a paused PASS is not cancelled: {v}"
    );

    // The provider ends the subscription.
    let deleted = json!({"id": "evt_test_2", "type": "customer.subscription.deleted",
                         "data": {"object": {"id": "sub_test_1"}}});
    let (status, _) = deliver(&app, &deleted, WEBHOOK_SECRET).await;
    assert_eq!(status, StatusCode::OK);
    let status: String =
        sqlx::query_scalar("SELECT status::text FROM pass_subscriptions WHERE user_id = $1")
            .bind(u1)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(status, "EXPIRED");

    // An event for an unknown subscription is acknowledged and recorded with its error.
    let unknown = json!({"id": "evt_test_3", "type": "invoice.paid",
        "data": {"object": {"id": "in_x", "subscription": "sub_nobody", "amount_paid": 690,
                            "subscription_details": {"metadata": {"plan": "MONTHLY"}}}}});
    let (status, _) = deliver(&app, &unknown, WEBHOOK_SECRET).await;
    assert_eq!(status, StatusCode::OK);
    let error: Option<String> = sqlx::query_scalar(
        "SELECT error FROM payment_events WHERE provider_event_id = 'evt_test_3'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(error.is_some());
}

#[tokio::test]
async fn the_simulated_checkout_goes_through_the_webhook_path() {
    let app = spawn_app().await;
    let (u1, c1) = app.login_as(Actor::Free).await;
    let res = app
        .post_form(&c1, "/payment/pass", &[("plan", "MONTHLY")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers()["location"],
        "/payment/simulation?product=PASS_MONTHLY"
    );
    let res = app
        .post_form(&c1, "/payment/simulation", &[("product", "PASS_MONTHLY")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/payment/success?session_id=cs_sim_"));
    let events: i64 = sqlx::query_scalar("SELECT count(*) FROM payment_events")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        events, 2,
        "checkout.session.completed and invoice.paid, stored like any webhook"
    );
    let res = c1.get(app.url(&location)).send().await.unwrap();
    let html = scraper::Html::parse_document(&res.text().await.unwrap());
    assert_eq!(text_of(&html, "h1"), "Paiement confirmé");
    let (_, v) = get_json(
        &app,
        &c1,
        &format!(
            "/api/payment/verify?{}",
            location.split('?').nth(1).unwrap()
        ),
    )
    .await;
    assert_eq!(v["status"], "paid");
    let role: String = sqlx::query_scalar("SELECT role::text FROM users WHERE id = $1")
        .bind(u1)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(role, "PASS_USER");
    let res = c1.get(app.url("/user/pass")).send().await.unwrap();
    let html = scraper::Html::parse_document(&res.text().await.unwrap());
    assert_eq!(text_of(&html, ".pass-status"), "actif");
    // Another member's session id is not theirs to verify.
    let (_, other) = app.login_as(Actor::Free).await;
    let (status, _) = get_json(
        &app,
        &other,
        &format!(
            "/api/payment/verify?{}",
            location.split('?').nth(1).unwrap()
        ),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn notifications_list_and_read() {
    let app = spawn_app().await;
    let (u1, c1) = app.login_as(Actor::Free).await;
    let (_, c2) = app.login_as(Actor::Free).await;
    let mut conn = app.pool.acquire().await.unwrap();
    let mut ids = Vec::new();
    for t in ["Un", "Deux"] {
        ids.push(
            spymeo_core::db::notifications::notify(
                &mut conn,
                u1,
                spymeo_core::domain::NotificationType::PassActivated,
                &spymeo_core::db::notifications::NewNotification {
                    title: t,
                    body: "corps",
                    link: Some("/user/pass"),
                    ..Default::default()
                },
                Utc::now(),
            )
            .await
            .unwrap(),
        );
    }
    let (_, v) = get_json(&app, &c1, "/api/notifications?unread=true").await;
    assert_eq!(
        (v["total"].as_i64(), v["unreadCount"].as_i64()),
        (Some(2), Some(2))
    );
    let (status, _) = send(
        &app,
        &c2,
        reqwest::Method::PATCH,
        &format!("/api/notifications/{}", ids[0]),
        json!({"read": true}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, v) = send(
        &app,
        &c1,
        reqwest::Method::PATCH,
        &format!("/api/notifications/{}", ids[0]),
        json!({"read": true}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!v["readAt"].is_null());
    let res = app
        .post_json(&c1, "/api/notifications/read-all", json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let (_, v) = get_json(&app, &c1, "/api/notifications").await;
    assert_eq!(v["unreadCount"], 0);
}
