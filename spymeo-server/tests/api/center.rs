//! The training-center space (DOMAIN.md §6.14, §7.8): no over-enrollment under concurrency,
//! OPEN/FULL kept by the enrollment transaction, cancellation notifies learners; AR-12.

use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Actor, TestApp, spawn_app, text_of};
use crate::merchant::page_of;

fn id(v: &Value) -> Uuid {
    v["id"].as_str().unwrap().parse().unwrap()
}

async fn created(res: reqwest::Response) -> Value {
    let status = res.status();
    let v: Value = res.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{v}");
    v
}

/// A published formation with one session of `seats` seats, starting in a week.
async fn session(app: &TestApp, c: &reqwest::Client, seats: Option<i16>) -> (Uuid, Uuid) {
    let f = created(
        app.post_json(c, "/api/pro/centre/formations", json!({"title": format!("Naturopathie {}", Uuid::new_v4().simple()), "durationHours": 35,
            "priceTtcCents": 120000, "vatRateBp": 0, "status": "PUBLISHED"}))
            .await,
    )
    .await;
    let start = chrono::Utc::now() + chrono::Duration::days(7);
    let s = created(
        app.post_json(
            c,
            &format!("/api/pro/centre/formations/{}/sessions", id(&f)),
            json!({"title": "Promotion printemps", "startsAt": start, "endsAt": start + chrono::Duration::days(5), "maxSeats": seats}),
        )
        .await,
    )
    .await;
    assert_eq!(s["status"], "OPEN");
    (id(&f), id(&s))
}

async fn learner(app: &TestApp, c: &reqwest::Client, email: &str) -> Uuid {
    id(&created(
        app.post_json(
            c,
            "/api/pro/centre/learners",
            json!({"firstName": "Élève", "lastName": email, "email": email}),
        )
        .await,
    )
    .await)
}

#[tokio::test]
async fn thirty_concurrent_enrollments_into_twenty_seats() {
    let app = spawn_app().await;
    let (_, c) = app.login_as(Actor::Center).await;
    let (_, s) = session(&app, &c, Some(20)).await;
    let mut learners = Vec::new();
    for i in 0..30 {
        learners.push(learner(&app, &c, &format!("eleve{i}@example.fr")).await);
    }
    let mut set = tokio::task::JoinSet::new();
    for l in learners {
        let (url, origin, c) = (
            app.url(&format!("/api/pro/centre/sessions/{s}/enrollments")),
            app.origin(),
            c.clone(),
        );
        set.spawn(async move {
            let res = c
                .post(url)
                .header("origin", origin)
                .json(&json!({"learnerId": l}))
                .send()
                .await
                .unwrap();
            let status = res.status();
            (
                status,
                res.json::<Value>().await.unwrap()["error"]["code"]
                    .as_str()
                    .map(str::to_owned),
            )
        });
    }
    let (mut ok, mut full) = (0, 0);
    while let Some(r) = set.join_next().await {
        match r.unwrap() {
            (StatusCode::CREATED, _) => ok += 1,
            (StatusCode::CONFLICT, Some(code)) if code == "SESSION_FULL" => full += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((ok, full), (20, 10));
    let (status, booked, rows): (String, i16, i64) = sqlx::query_as(
        "SELECT s.status::text, s.booked_seats, (SELECT count(*) FROM learner_enrollments e WHERE e.session_id = s.id)
           FROM formation_sessions s WHERE s.id = $1",
    )
    .bind(s)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((status.as_str(), booked, rows), ("FULL", 20, 20));

    // Cancelling one enrollment frees a seat: FULL → OPEN; capacity cannot go below 19.
    let v: Value = c
        .get(app.url(&format!("/api/pro/centre/sessions/{s}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let first = v["roster"][0]["id"].as_str().unwrap().to_owned();
    let res = c
        .patch(app.url(&format!("/api/pro/centre/enrollments/{first}")))
        .header("origin", app.origin())
        .json(&json!({"status": "CANCELLED"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "CANCELLED");
    let v: Value = c
        .get(app.url(&format!("/api/pro/centre/sessions/{s}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (v["status"].as_str(), v["seatsLeft"].as_i64()),
        (Some("OPEN"), Some(1))
    );
    let res = c
        .patch(app.url(&format!("/api/pro/centre/sessions/{s}")))
        .header("origin", app.origin())
        .json(&json!({"maxSeats": 18}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["code"],
        "SEATS_BELOW_BOOKED"
    );
    let res = c
        .patch(app.url(&format!("/api/pro/centre/sessions/{s}")))
        .header("origin", app.origin())
        .json(&json!({"maxSeats": 19}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "FULL");
}

#[tokio::test]
async fn ar12_another_centers_session_is_not_found() {
    let app = spawn_app().await;
    let (_, a) = app.login_as(Actor::Center).await;
    let (_, b) = app.login_as(Actor::Center).await;
    let (formation_a, session_a) = session(&app, &a, Some(5)).await;
    let learner_b = learner(&app, &b, "b@example.fr").await;
    let res = app
        .post_json(
            &b,
            &format!("/api/pro/centre/sessions/{session_a}/enrollments"),
            json!({"learnerId": learner_b}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // Nor with A's session and A's learner, nor A's formation.
    let learner_a = learner(&app, &a, "a@example.fr").await;
    let res = app
        .post_json(
            &b,
            &format!("/api/pro/centre/sessions/{session_a}/enrollments"),
            json!({"learnerId": learner_a}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        b.get(app.url(&format!("/api/pro/centre/formations/{formation_a}")))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    let res = app
        .post_json(
            &b,
            &format!("/api/pro/centre/sessions/{session_a}/cancel"),
            json!({"reason": "x"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let booked: i16 =
        sqlx::query_scalar("SELECT booked_seats FROM formation_sessions WHERE id = $1")
            .bind(session_a)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(booked, 0);
}

#[tokio::test]
async fn payments_completion_and_cancellation_notify_learners() {
    let app = spawn_app().await;
    let (owner, c) = app.login_as(Actor::Center).await;
    let (formation, s) = session(&app, &c, None).await;
    // A learner whose e-mail is an account is linked to it.
    let member = app.create_user(Actor::Free, "marie@example.fr").await;
    let marie = learner(&app, &c, "marie@example.fr").await;
    let paul = learner(&app, &c, "paul@example.fr").await;
    let e1 = created(
        app.post_json(
            &c,
            &format!("/api/pro/centre/sessions/{s}/enrollments"),
            json!({"learnerId": marie, "paidAmountCents": 60000, "paymentMethod": "TRANSFER"}),
        )
        .await,
    )
    .await;
    let e2 = created(
        app.post_json(
            &c,
            &format!("/api/pro/centre/sessions/{s}/enrollments"),
            json!({"learnerId": paul}),
        )
        .await,
    )
    .await;
    let again = app
        .post_json(
            &c,
            &format!("/api/pro/centre/sessions/{s}/enrollments"),
            json!({"learnerId": paul}),
        )
        .await;
    assert_eq!(
        again.json::<Value>().await.unwrap()["error"]["code"],
        "ALREADY_ENROLLED"
    );
    let sale: (String, i32) = sqlx::query_as(
        "SELECT type::text, amount_ttc_cents FROM precompta_entries WHERE owner_user_id = $1",
    )
    .bind(owner)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(sale, ("SALE".into(), 60000));
    // Paul's completion is recorded; his learner file cannot go once Marie's paid one can't.
    let res = c
        .patch(app.url(&format!("/api/pro/centre/enrollments/{}", id(&e2))))
        .header("origin", app.origin())
        .json(&json!({"status": "COMPLETED"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "COMPLETED");
    let del = c
        .delete(app.url(&format!("/api/pro/centre/learners/{marie}")))
        .header("origin", app.origin())
        .send()
        .await
        .unwrap();
    assert_eq!(
        del.json::<Value>().await.unwrap()["error"]["code"],
        "HAS_PAID_ENROLLMENTS"
    );
    let del = c
        .delete(app.url(&format!("/api/pro/centre/formations/{formation}")))
        .header("origin", app.origin())
        .send()
        .await
        .unwrap();
    assert_eq!(
        del.json::<Value>().await.unwrap()["error"]["code"],
        "FORMATION_HAS_ENROLLMENTS"
    );

    // Cancelling the session: a reason is required; Marie (an account) is notified.
    let res = app
        .post_json(
            &c,
            &format!("/api/pro/centre/sessions/{s}/cancel"),
            json!({"reason": ""}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = app
        .post_json(
            &c,
            &format!("/api/pro/centre/sessions/{s}/cancel"),
            json!({"reason": "Formatrice malade"}),
        )
        .await;
    let v: Value = res.json().await.unwrap();
    assert_eq!(
        (v["status"].as_str(), v["notifiedLearners"].as_i64()),
        (Some("CANCELLED"), Some(1))
    );
    let body: String = sqlx::query_scalar(
        "SELECT body FROM notifications WHERE user_id = $1 AND type = 'SESSION_CANCELLED'",
    )
    .bind(member)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(body.contains("Formatrice malade"));
    let statuses: Vec<String> = sqlx::query_scalar(
        "SELECT status::text FROM learner_enrollments WHERE session_id = $1 ORDER BY status",
    )
    .bind(s)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(statuses, ["CANCELLED", "COMPLETED"]);
    let res = app
        .post_json(
            &c,
            &format!("/api/pro/centre/sessions/{s}/enrollments"),
            json!({"learnerId": paul}),
        )
        .await;
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["code"],
        "SESSION_NOT_OPEN"
    );
    let again = app
        .post_json(
            &c,
            &format!("/api/pro/centre/sessions/{s}/cancel"),
            json!({"reason": "x"}),
        )
        .await;
    assert_eq!(
        again.json::<Value>().await.unwrap()["error"]["code"],
        "INVALID_TRANSITION"
    );
    let _ = e1;
    let stats: Value = c
        .get(app.url("/api/pro/centre/stats?range=month"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            stats["enrollments"].as_i64(),
            stats["revenueCents"].as_i64()
        ),
        (Some(2), Some(0))
    );
}

#[tokio::test]
async fn center_pages_create_formations_sessions_and_enrollments() {
    let app = spawn_app().await;
    let (_, c) = app.login_as(Actor::Center).await;
    let res = app
        .post_form(
            &c,
            "/pro/centre/formations/nouvelle",
            &[
                ("title", "Sophrologie niveau 1"),
                ("duration_hours", "21"),
                ("price", "890"),
                ("vat", "0"),
                ("status", "PUBLISHED"),
            ],
        )
        .await;
    crate::helpers::assert_redirect_to(&res, "/pro/centre/formations/sophrologie-niveau-1");
    let res = app
        .post_form(
            &c,
            "/pro/centre/formations/sophrologie-niveau-1/sessions",
            &[
                ("title", "Automne"),
                ("starts_at", "2027-10-04T09:00"),
                ("ends_at", "2027-10-06T17:00"),
                ("max_seats", "1"),
            ],
        )
        .await;
    crate::helpers::assert_redirect_to(&res, "/pro/centre/formations/sophrologie-niveau-1");
    let (s, starts): (Uuid, chrono::DateTime<chrono::Utc>) =
        sqlx::query_as("SELECT id, starts_at FROM formation_sessions")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    // 09:00 in Paris in October is 07:00 UTC (summer time).
    assert_eq!(starts.format("%H:%M").to_string(), "07:00");
    let res = app
        .post_form(
            &c,
            "/pro/centre/apprenants/nouveau",
            &[
                ("first_name", "Lou"),
                ("last_name", "Bernard"),
                ("email", "lou@example.fr"),
            ],
        )
        .await;
    assert!(res.status().is_redirection());
    let l: Uuid = sqlx::query_scalar("SELECT id FROM learners")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let res = app
        .post_form(
            &c,
            &format!("/pro/centre/formations/sessions/{s}/inscriptions"),
            &[
                ("learner_id", &l.to_string()),
                ("amount", "890"),
                ("payment_method", "CARD"),
            ],
        )
        .await;
    crate::helpers::assert_redirect_to(&res, &format!("/pro/centre/formations/sessions/{s}"));
    let (_, html) = page_of(&app, &c, &format!("/pro/centre/formations/sessions/{s}")).await;
    assert_eq!(text_of(&html, ".meta .status"), "Complète");
    assert_eq!(text_of(&html, ".meta .seats"), "1 / 1");
    for path in [
        "/pro/centre/formations",
        "/pro/centre/formations/nouvelle",
        "/pro/centre/formations/sessions",
        "/pro/centre/apprenants",
        "/pro/centre/apprenants/nouveau",
        &format!("/pro/centre/apprenants/{l}"),
        "/pro/centre/statistiques",
        "/pro/centre/precompta",
    ] {
        assert_eq!(page_of(&app, &c, path).await.0, StatusCode::OK, "{path}");
    }
    let (_, html) = page_of(&app, &c, "/pro/centre/precompta").await;
    assert!(text_of(&html, "table.ledger tbody").contains("Sophrologie niveau 1"));
}

#[tokio::test]
async fn center_answers_match_their_openapi_description() {
    use crate::merchant::{get_described, send_described};
    let app = spawn_app().await;
    let (_, c) = app.login_as(Actor::Center).await;
    let learner_user = app.create_user(Actor::Free, "ines@example.org").await;
    let f = send_described(
        &app,
        &c,
        "POST",
        "/api/pro/centre/formations",
        "/api/pro/centre/formations",
        json!({"title": "Sophrologie niveau 2", "durationHours": 21, "priceTtcCents": 89000,
               "cpfEligible": true, "status": "PUBLISHED"}),
        201,
    )
    .await;
    let fid = f["id"].as_str().unwrap().to_owned();
    let formation_path = format!("/api/pro/centre/formations/{fid}");
    send_described(
        &app,
        &c,
        "PATCH",
        &formation_path,
        "/api/pro/centre/formations/{id}",
        json!({"priceTtcCents": null, "vatRateBp": 2000}),
        200,
    )
    .await;
    let s = send_described(
        &app,
        &c,
        "POST",
        &format!("{formation_path}/sessions"),
        "/api/pro/centre/formations/{id}/sessions",
        json!({"title": "Printemps", "startsAt": "2030-03-01T08:00:00Z",
               "endsAt": "2030-03-03T17:00:00Z", "maxSeats": 2}),
        201,
    )
    .await;
    let session_path = format!("/api/pro/centre/sessions/{}", s["id"].as_str().unwrap());
    send_described(
        &app,
        &c,
        "POST",
        &format!("{formation_path}/sessions"),
        "/api/pro/centre/formations/{id}/sessions",
        json!({"title": "Sans limite", "startsAt": "2030-04-01T08:00:00Z",
               "endsAt": "2030-04-01T17:00:00Z", "isRemote": true}),
        201,
    )
    .await;
    let mut learners = Vec::new();
    for (first, email) in [("Inès", "ines@example.org"), ("Marc", "marc@example.org")] {
        let l = send_described(
            &app,
            &c,
            "POST",
            "/api/pro/centre/learners",
            "/api/pro/centre/learners",
            json!({"firstName": first, "lastName": "Martin", "email": email}),
            201,
        )
        .await;
        learners.push(l["id"].as_str().unwrap().to_owned());
    }
    let learner_path = format!("/api/pro/centre/learners/{}", learners[0]);
    send_described(
        &app,
        &c,
        "PATCH",
        &learner_path,
        "/api/pro/centre/learners/{id}",
        json!({"phone": "+33 6 12 34 56 78", "notes": null}),
        200,
    )
    .await;
    let e = send_described(
        &app,
        &c,
        "POST",
        &format!("{session_path}/enrollments"),
        "/api/pro/centre/sessions/{id}/enrollments",
        json!({"learnerId": learners[0], "paidAmountCents": 89000, "paymentMethod": "TRANSFER"}),
        201,
    )
    .await;
    send_described(
        &app,
        &c,
        "POST",
        &format!("{session_path}/enrollments"),
        "/api/pro/centre/sessions/{id}/enrollments",
        json!({"learnerId": learners[1]}),
        201,
    )
    .await;
    let enrollment_path = format!("/api/pro/centre/enrollments/{}", e["id"].as_str().unwrap());
    send_described(
        &app,
        &c,
        "PATCH",
        &enrollment_path,
        "/api/pro/centre/enrollments/{id}",
        json!({"status": "REGISTERED"}),
        409,
    )
    .await;
    send_described(
        &app,
        &c,
        "PATCH",
        &session_path,
        "/api/pro/centre/sessions/{id}",
        json!({"location": "Lyon", "maxSeats": 3}),
        200,
    )
    .await;
    for (path, template) in [
        ("/api/pro/centre/formations", "/api/pro/centre/formations"),
        (
            "/api/pro/centre/formations?status=PUBLISHED",
            "/api/pro/centre/formations",
        ),
        (&formation_path, "/api/pro/centre/formations/{id}"),
        (
            &format!("{formation_path}/sessions"),
            "/api/pro/centre/formations/{id}/sessions",
        ),
        (
            "/api/pro/centre/sessions?status=OPEN",
            "/api/pro/centre/sessions",
        ),
        (&session_path, "/api/pro/centre/sessions/{id}"),
        (
            "/api/pro/centre/learners?q=mart",
            "/api/pro/centre/learners",
        ),
        (&learner_path, "/api/pro/centre/learners/{id}"),
        (
            "/api/pro/centre/stats?range=quarter",
            "/api/pro/centre/stats",
        ),
    ] {
        get_described(&app, &c, path, template).await;
    }
    let cancelled = send_described(
        &app,
        &c,
        "POST",
        &format!("{session_path}/cancel"),
        "/api/pro/centre/sessions/{id}/cancel",
        json!({"reason": "Formatrice malade"}),
        200,
    )
    .await;
    assert_eq!(cancelled["notifiedLearners"], 1, "{learner_user}");
    send_described(
        &app,
        &c,
        "PATCH",
        &enrollment_path,
        "/api/pro/centre/enrollments/{id}",
        json!({"status": "COMPLETED"}),
        409,
    )
    .await;
}
