//! Agenda settings, slots, online booking (with the 200-attempt race), DST, and the
//! appointment status machine (DOMAIN.md §6.4, §6.8, §7.1).

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Actor, spawn_app, spawn_app_with};
use crate::practitioner_common::*;

fn settings_body(rules: Value, types: Value) -> Value {
    json!({
        "settings": {"timezone": "Europe/Paris", "slotStepMin": 30, "bufferMin": 15, "minNoticeMin": 60,
                     "bookingHorizonDays": 365, "cancellationWindowHours": 24, "acceptNewClients": true,
                     "allowedLocations": ["CABINET", "VISIO"]},
        "availabilityRules": rules,
        "appointmentTypes": types,
    })
}

#[tokio::test]
async fn settings_have_defaults_and_are_replaced_atomically() {
    let app = spawn_app().await;
    let pro = practitioner(&app, "reglages").await;
    let (status, s) = get_json(&app, &pro.client, "/api/agenda/settings").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(s["availabilityRules"].as_array().unwrap().len(), 5);
    assert_eq!(s["availabilityRules"][0]["start"], "09:00");
    assert_eq!(s["appointmentTypes"].as_array().unwrap().len(), 2);
    assert_eq!(s["settings"]["minNoticeMin"], 120);
    let initial = type_id(&app, &pro, "Consultation initiale").await;

    let body = settings_body(
        json!([{"weekday": 1, "start": "09:00", "end": "12:00"}, {"weekday": 1, "start": "14:00", "end": "18:30"},
               {"weekday": 3, "start": "10:00", "end": "16:00", "locationKind": "VISIO"}]),
        json!([{"id": initial, "label": "Bilan vitalité", "durationMin": 90, "priceCents": 8000},
               {"label": "Séance visio", "durationMin": 30, "priceCents": 3500, "locationKind": "VISIO"}]),
    );
    let (status, s) = send_json(&app, &pro.client, Method::PUT, "/api/agenda/settings", body).await;
    assert_eq!(status, StatusCode::OK, "{s}");
    assert_eq!(s["settings"]["bufferMin"], 15);
    assert_eq!(s["availabilityRules"].as_array().unwrap().len(), 3);
    assert_eq!(s["availabilityRules"][1]["end"], "18:30");
    let types = s["appointmentTypes"].as_array().unwrap();
    assert_eq!(
        types.len(),
        2,
        "the unused default motif is deleted: {types:?}"
    );
    assert_eq!(types[0]["id"], json!(initial));
    assert_eq!(types[0]["label"], "Bilan vitalité");

    // Overlapping ranges: 409 RULES_OVERLAP and nothing changed (settings included).
    let mut bad = settings_body(
        json!([{"weekday": 2, "start": "09:00", "end": "12:00"}, {"weekday": 2, "start": "11:00", "end": "13:00"}]),
        s["appointmentTypes"].clone(),
    );
    bad["settings"]["bufferMin"] = json!(30);
    let (status, e) = send_json(&app, &pro.client, Method::PUT, "/api/agenda/settings", bad).await;
    assert_eq!((status, code(&e)), (StatusCode::CONFLICT, "RULES_OVERLAP"));
    // Bad values: 400 with per-field messages.
    let mut bad = settings_body(json!([]), json!([]));
    bad["settings"]["slotStepMin"] = json!(7);
    bad["settings"]["allowedLocations"] = json!([]);
    let (status, e) = send_json(&app, &pro.client, Method::PUT, "/api/agenda/settings", bad).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(e["error"]["fields"]["slotStepMin"].is_string(), "{e}");
    assert!(e["error"]["fields"]["allowedLocations"].is_string());
    let (_, after) = get_json(&app, &pro.client, "/api/agenda/settings").await;
    assert_eq!(after["settings"]["bufferMin"], 15);
    assert_eq!(after["availabilityRules"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn visitor_and_member_book_offered_slots_only() {
    let app = spawn_app().await;
    let pro = practitioner(&app, "reservation").await;
    let ty = type_id(&app, &pro, "Consultation initiale").await;
    let day = next_monday();
    let path = format!(
        "/api/public/practitioners/{}/availabilities?appointmentTypeId={ty}&from={day}&to={day}",
        pro.slug
    );
    let (status, v) = get_json(&app, &app.client, &path).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["timezone"], "Europe/Paris");
    let slots = v["slots"].as_array().unwrap();
    // 09:00–18:00, 60 min, every 15 min: 09:00 … 17:00 = 33 slots.
    assert_eq!(slots.len(), 33);
    let first = instant(&slots[0]["start"]);
    let paris = chrono_tz::Europe::Paris;
    assert_eq!(
        first,
        paris
            .from_local_datetime(&day.and_hms_opt(9, 0, 0).unwrap())
            .unwrap()
            .with_timezone(&Utc)
    );

    let booking = |start: DateTime<Utc>, email: &str| {
        json!({"appointmentTypeId": ty, "start": start, "firstName": "Julie", "lastName": "Bernard",
               "email": email, "phone": "06 12 34 56 78", "message": "Première visite", "acceptCgu": true})
    };
    let book_path = format!("/api/public/practitioners/{}/book", pro.slug);
    let (status, b) = send_json(
        &app,
        &app.client,
        Method::POST,
        &book_path,
        booking(first, "julie@example.fr"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{b}");
    assert_eq!(b["appointment"]["status"], "SCHEDULED");
    assert_eq!(b["appointment"]["canCancel"], true);
    let manage = b["manageUrl"].as_str().unwrap().to_owned();
    assert!(manage.contains("?token="), "{manage}");
    // Client created, emails queued to the visitor (with the link) and the practitioner.
    let clients: i64 =
        sqlx::query_scalar("SELECT count(*) FROM clients WHERE email = 'julie@example.fr'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(clients, 1);
    let mails: Vec<(String, String)> =
        sqlx::query_as("SELECT to_address::text, body_text FROM email_outbox WHERE template = 'appointment' ORDER BY to_address")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(mails.len(), 2, "{mails:?}");
    assert!(
        mails
            .iter()
            .any(|(to, body)| to == "julie@example.fr" && body.contains(&manage))
    );

    // The same slot again: taken. The 15-min overlap too. A start outside the rules: not offered.
    let (status, e) = send_json(
        &app,
        &app.client,
        Method::POST,
        &book_path,
        booking(first, "autre@example.fr"),
    )
    .await;
    assert_eq!((status, code(&e)), (StatusCode::CONFLICT, "SLOT_TAKEN"));
    let (status, e) = send_json(
        &app,
        &app.client,
        Method::POST,
        &book_path,
        booking(first + Duration::minutes(30), "autre@example.fr"),
    )
    .await;
    assert_eq!((status, code(&e)), (StatusCode::CONFLICT, "SLOT_TAKEN"));
    let (status, e) = send_json(
        &app,
        &app.client,
        Method::POST,
        &book_path,
        booking(first - Duration::hours(2), "autre@example.fr"),
    )
    .await;
    assert_eq!(
        (status, code(&e)),
        (StatusCode::BAD_REQUEST, "SLOT_NOT_OFFERED")
    );
    let (status, e) = send_json(&app, &app.client, Method::POST, &book_path, json!({"appointmentTypeId": ty, "start": first, "firstName": "", "lastName": "X", "email": "nope", "acceptCgu": false})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        e["error"]["fields"]["email"].is_string() && e["error"]["fields"]["acceptCgu"].is_string()
    );
    let (_, v) = get_json(&app, &app.client, &path).await;
    assert_eq!(
        v["slots"].as_array().unwrap().len(),
        33 - 4,
        "09:00 booked hides 09:00–09:45 starts"
    );

    // A member books: the client file is linked to the account.
    let (member, mc) = app.login_as(Actor::Free).await;
    let member_email: String = sqlx::query_scalar("SELECT email::text FROM users WHERE id = $1")
        .bind(member)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let (status, b2) = send_json(
        &app,
        &mc,
        Method::POST,
        &book_path,
        booking(first + Duration::hours(3), &member_email),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{b2}");
    assert!(!b2["manageUrl"].as_str().unwrap().contains("token"));
    let linked: Option<uuid::Uuid> =
        sqlx::query_scalar("SELECT user_id FROM clients WHERE email = $1")
            .bind(&member_email)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(linked, Some(member));

    // The visitor cancels with the token; again → ALREADY_CANCELLED; a wrong token → 404.
    let id = b["appointment"]["id"].as_str().unwrap();
    let token = manage.split("token=").nth(1).unwrap();
    let cancel = format!("/api/public/appointments/{id}/cancel");
    let (status, _) = send_json(
        &app,
        &app.client,
        Method::POST,
        &cancel,
        json!({"token": "x".repeat(43)}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, v) = send_json(
        &app,
        &app.client,
        Method::POST,
        &cancel,
        json!({"token": token, "reason": "Empêchement"}),
    )
    .await;
    assert_eq!(
        (status, v["status"].as_str()),
        (StatusCode::OK, Some("CANCELLED"))
    );
    let (status, e) = send_json(
        &app,
        &app.client,
        Method::POST,
        &cancel,
        json!({"token": token}),
    )
    .await;
    assert_eq!(
        (status, code(&e)),
        (StatusCode::CONFLICT, "ALREADY_CANCELLED")
    );
    let by: String =
        sqlx::query_scalar("SELECT cancelled_by::text FROM appointments WHERE id = $1::uuid")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(by, "CLIENT");
    // The freed slot is offered again.
    let (_, v) = get_json(&app, &app.client, &path).await;
    assert_eq!(instant(&v["slots"][0]["start"]), first);
    // Unknown slug → 404; unknown motif → 400.
    let (status, _) = get_json(
        &app,
        &app.client,
        &format!("/api/public/practitioners/inconnu/availabilities?appointmentTypeId={ty}"),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get_json(
        &app,
        &app.client,
        &format!(
            "/api/public/practitioners/{}/availabilities?appointmentTypeId={}",
            pro.slug,
            uuid::Uuid::new_v4()
        ),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn two_hundred_concurrent_bookings_of_one_slot_make_one_appointment() {
    let (url, pool) = spymeo_core::testing::migrated_database().await.unwrap();
    // 200 visitors from 200 addresses (behind the load balancer), and enough connections
    // for them to really race.
    let app = spawn_app_with(url, pool, |c| {
        c.trust_proxy = true;
        c.pool.max_connections = 20;
        c.pool.acquire_timeout = std::time::Duration::from_secs(60);
        c.request_timeout = std::time::Duration::from_secs(60);
    })
    .await;
    let pro = practitioner(&app, "course").await;
    let ty = type_id(&app, &pro, "Consultation de suivi").await;
    let start = chrono_tz::Europe::Paris
        .from_local_datetime(&next_monday().and_hms_opt(10, 0, 0).unwrap())
        .unwrap()
        .with_timezone(&Utc);
    let url = app.url(&format!("/api/public/practitioners/{}/book", pro.slug));
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(120))
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..200u32 {
        let (client, url, origin) = (client.clone(), url.clone(), app.origin());
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .header("origin", origin)
                .header("x-forwarded-for", format!("10.0.{}.{}", i / 250, i % 250 + 1))
                .json(&json!({"appointmentTypeId": ty, "start": start, "firstName": "Client",
                              "lastName": format!("N{i}"), "email": format!("client{i}@example.fr"), "acceptCgu": true}))
                .send()
                .await
                .unwrap()
        }));
    }
    let mut created = 0;
    let mut taken = 0;
    for t in tasks {
        let res = t.await.unwrap();
        let status = res.status();
        let body: Value = res.json().await.unwrap();
        match status {
            StatusCode::CREATED => created += 1,
            StatusCode::CONFLICT if code(&body) == "SLOT_TAKEN" => taken += 1,
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!((created, taken), (1, 199));
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM appointments WHERE starts_at = $1")
        .bind(start)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(rows, 1);
    // The losers' client files were rolled back with their booking.
    let clients: i64 = sqlx::query_scalar("SELECT count(*) FROM clients")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(clients, 1);
}

/// The last Sunday of `month` in `year`.
fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let mut d = NaiveDate::from_ymd_opt(year, month + 1, 1).unwrap() - Duration::days(1);
    while d.weekday() != Weekday::Sun {
        d -= Duration::days(1);
    }
    d
}

/// The next last-Sunday of `month` at least two days ahead.
fn next_change(month: u32) -> NaiveDate {
    let today = Utc::now().date_naive();
    let d = last_sunday(today.year(), month);
    if d > today + Duration::days(2) {
        d
    } else {
        last_sunday(today.year() + 1, month)
    }
}

#[tokio::test]
async fn slots_follow_paris_wall_clock_across_both_dst_changes() {
    let app = spawn_app().await;
    let pro = practitioner(&app, "heure-ete").await;
    // Sundays 01:00–04:00 and 09:00–11:00, a 60-min motif every 30 min, no buffer.
    let mut body = settings_body(
        json!([{"weekday": 7, "start": "01:00", "end": "04:00"}, {"weekday": 7, "start": "09:00", "end": "11:00"}]),
        json!([{"label": "Séance", "durationMin": 60, "priceCents": 5000}]),
    );
    body["settings"]["bufferMin"] = json!(0);
    let (status, s) = send_json(&app, &pro.client, Method::PUT, "/api/agenda/settings", body).await;
    assert_eq!(status, StatusCode::OK, "{s}");
    let ty = type_id(&app, &pro, "Séance").await;
    let starts = |day: NaiveDate| {
        let path = format!(
            "/api/public/practitioners/{}/availabilities?appointmentTypeId={ty}&from={day}&to={day}",
            pro.slug
        );
        let (app, c) = (&app, app.client.clone());
        async move {
            let (status, v) = get_json(app, &c, &path).await;
            assert_eq!(status, StatusCode::OK, "{v}");
            v["slots"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| instant(&s["start"]).to_rfc3339())
                .collect::<Vec<_>>()
        }
    };
    let utc = |d: NaiveDate, h: u32, m: u32| {
        Utc.from_utc_datetime(&d.and_hms_opt(h, m, 0).unwrap())
            .to_rfc3339()
    };

    // Spring: 02:00 → 03:00. The night window holds two real hours (01:00 CET = 00:00Z to
    // 04:00 CEST = 02:00Z); the morning window is in summer time (UTC+2).
    let march = next_change(3);
    assert_eq!(
        starts(march).await,
        [
            utc(march, 0, 0),
            utc(march, 0, 30),
            utc(march, 1, 0),
            utc(march, 7, 0),
            utc(march, 7, 30),
            utc(march, 8, 0)
        ]
    );
    // The Sunday before is still winter time (UTC+1).
    let before = march - Duration::days(7);
    let winter = starts(before).await;
    assert_eq!(winter.len(), 5 + 3, "three real hours at night: {winter:?}");
    assert_eq!(
        winter[5..],
        [utc(before, 8, 0), utc(before, 8, 30), utc(before, 9, 0)]
    );

    // Autumn: 03:00 → 02:00. 01:00 CEST = 23:00Z the day before, 04:00 CET = 03:00Z: four
    // real hours; the morning is in winter time (UTC+1).
    let october = next_change(10);
    let eve = october - Duration::days(1);
    assert_eq!(
        starts(october).await,
        [
            utc(eve, 23, 0),
            utc(eve, 23, 30),
            utc(october, 0, 0),
            utc(october, 0, 30),
            utc(october, 1, 0),
            utc(october, 1, 30),
            utc(october, 2, 0),
            utc(october, 8, 0),
            utc(october, 8, 30),
            utc(october, 9, 0)
        ]
    );
    let before = october - Duration::days(7);
    let summer = starts(before).await;
    assert_eq!(summer.len(), 5 + 3, "three real hours at night: {summer:?}");
    assert_eq!(
        summer[5..],
        [utc(before, 7, 0), utc(before, 7, 30), utc(before, 8, 0)]
    );

    // Booking the first summer-time morning slot of the spring Sunday works and is stored
    // at the right instant.
    let start: DateTime<Utc> = utc(march, 7, 0).parse().unwrap();
    let (status, b) = send_json(
        &app,
        &app.client,
        Method::POST,
        &format!("/api/public/practitioners/{}/book", pro.slug),
        json!({"appointmentTypeId": ty, "start": start, "firstName": "Léa", "lastName": "Martin",
               "email": "lea@example.fr", "acceptCgu": true}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{b}");
    assert_eq!(instant(&b["appointment"]["start"]), start);
}

#[tokio::test]
async fn practitioner_moves_confirms_completes_and_cancels() {
    let app = spawn_app().await;
    let pro = practitioner(&app, "statuts").await;
    let other = practitioner(&app, "voisin").await;
    let ty = type_id(&app, &pro, "Consultation de suivi").await;
    let now = Utc::now();
    let past = (now - Duration::hours(3)).with_timezone(&Utc);
    // A past appointment entered by the practitioner, with a new client file.
    let (status, e) = send_json(&app, &pro.client, Method::POST, "/api/agenda/events",
        json!({"start": past, "appointmentTypeId": ty, "newClient": {"firstName": "Paul", "lastName": "Durand", "email": "paul@example.fr"}})).await;
    assert_eq!(status, StatusCode::CREATED, "{e}");
    assert_eq!(e["title"], "Consultation de suivi – Paul Durand");
    assert_eq!(
        instant(&e["end"]) - instant(&e["start"]),
        Duration::minutes(45)
    );
    let past_id = e["id"].as_str().unwrap().to_owned();
    let client_id = e["clientId"].as_str().unwrap().to_owned();
    // Completing it writes the consultation in the same transaction.
    let (status, e) = send_json(
        &app,
        &pro.client,
        Method::PATCH,
        &format!("/api/agenda/events/{past_id}"),
        json!({"status": "COMPLETED", "createConsultation": true, "notes": "Fatigue saisonnière"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{e}");
    assert_eq!(e["status"], "COMPLETED");
    assert!(e["consultationId"].is_string());
    // Correction within 7 days: COMPLETED → NO_SHOW allowed; → CONFIRMED not.
    let (status, _) = send_json(
        &app,
        &pro.client,
        Method::PATCH,
        &format!("/api/agenda/events/{past_id}"),
        json!({"status": "NO_SHOW"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, e) = send_json(
        &app,
        &pro.client,
        Method::PATCH,
        &format!("/api/agenda/events/{past_id}"),
        json!({"status": "CONFIRMED"}),
    )
    .await;
    assert_eq!(
        (status, code(&e)),
        (StatusCode::CONFLICT, "INVALID_TRANSITION")
    );

    // A future one for the same client: cannot be completed yet, can be confirmed (email).
    let day = next_monday();
    let at = |h: u32| {
        chrono_tz::Europe::Paris
            .from_local_datetime(&day.and_hms_opt(h, 0, 0).unwrap())
            .unwrap()
            .with_timezone(&Utc)
    };
    let (status, e) = send_json(
        &app,
        &pro.client,
        Method::POST,
        "/api/agenda/events",
        json!({"start": at(10), "appointmentTypeId": ty, "clientId": client_id}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{e}");
    let id = e["id"].as_str().unwrap().to_owned();
    let (status, e) = send_json(
        &app,
        &pro.client,
        Method::PATCH,
        &format!("/api/agenda/events/{id}"),
        json!({"status": "COMPLETED"}),
    )
    .await;
    assert_eq!(
        (status, code(&e)),
        (StatusCode::CONFLICT, "INVALID_TRANSITION")
    );
    let (status, _) = send_json(
        &app,
        &pro.client,
        Method::PATCH,
        &format!("/api/agenda/events/{id}"),
        json!({"status": "CONFIRMED"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let confirmed: i64 = sqlx::query_scalar("SELECT count(*) FROM email_outbox WHERE to_address = 'paul@example.fr' AND subject = 'Rendez-vous confirmé'")
        .fetch_one(&app.pool).await.unwrap();
    assert_eq!(confirmed, 1);
    // Another at 14:00; moving the first onto it → SLOT_TAKEN; moving to 16:00 works.
    let (status, _) = send_json(
        &app,
        &pro.client,
        Method::POST,
        "/api/agenda/events",
        json!({"start": at(14), "end": at(15), "title": "Atelier"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, e) = send_json(
        &app,
        &pro.client,
        Method::PATCH,
        &format!("/api/agenda/events/{id}"),
        json!({"start": at(14) + Duration::minutes(30)}),
    )
    .await;
    assert_eq!((status, code(&e)), (StatusCode::CONFLICT, "SLOT_TAKEN"));
    let (status, e) = send_json(
        &app,
        &pro.client,
        Method::PATCH,
        &format!("/api/agenda/events/{id}"),
        json!({"start": at(16)}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{e}");
    assert_eq!(instant(&e["end"]), at(16) + Duration::minutes(45));
    // A block over it is refused with its id; the other tenant sees nothing.
    let (status, e) = send_json(
        &app,
        &pro.client,
        Method::POST,
        "/api/agenda/blocks",
        json!({"start": at(15), "end": at(18), "reason": "Formation"}),
    )
    .await;
    assert_eq!(
        (status, code(&e)),
        (StatusCode::CONFLICT, "BLOCK_OVERLAPS_APPOINTMENTS")
    );
    assert!(
        e["error"]["fields"]["appointmentIds"]
            .as_str()
            .unwrap()
            .contains(&id)
    );
    let (status, _) = get_json(&app, &other.client, &format!("/api/agenda/events/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = send_json(
        &app,
        &other.client,
        Method::DELETE,
        &format!("/api/agenda/events/{id}"),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // AR-04: another practitioner's client id → 404, and the composite FK refuses it in SQL.
    let (status, _) = send_json(
        &app,
        &other.client,
        Method::POST,
        "/api/agenda/events",
        json!({"start": at(11), "end": at(12), "clientId": client_id}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let direct = sqlx::query(
        "INSERT INTO appointments (practitioner_id, client_id, title, starts_at, ends_at, busy_until, source)
         SELECT p.id, $2::uuid, 'x', now(), now() + interval '1 hour', now() + interval '1 hour', 'PRO'
           FROM practitioner_profiles p WHERE p.user_id = $1",
    )
    .bind(other.user_id)
    .bind(&client_id)
    .execute(&app.pool)
    .await;
    assert_eq!(
        direct
            .unwrap_err()
            .as_database_error()
            .unwrap()
            .code()
            .as_deref(),
        Some("23503")
    );
    // Cancelling (DELETE): the client is emailed; twice → ALREADY_CANCELLED.
    let (status, e) = send_json(
        &app,
        &pro.client,
        Method::DELETE,
        &format!("/api/agenda/events/{id}?reason=Malade"),
        json!({}),
    )
    .await;
    assert_eq!(
        (status, e["status"].as_str()),
        (StatusCode::OK, Some("CANCELLED"))
    );
    assert_eq!(e["cancelledBy"], "PRACTITIONER");
    let (status, e) = send_json(
        &app,
        &pro.client,
        Method::DELETE,
        &format!("/api/agenda/events/{id}"),
        json!({}),
    )
    .await;
    assert_eq!(
        (status, code(&e)),
        (StatusCode::CONFLICT, "ALREADY_CANCELLED")
    );
    let cancelled: i64 = sqlx::query_scalar("SELECT count(*) FROM email_outbox WHERE to_address = 'paul@example.fr' AND subject = 'Rendez-vous annulé'")
        .fetch_one(&app.pool).await.unwrap();
    assert_eq!(cancelled, 1);
    // Now the block fits; the week's events list shows appointments and the block.
    let (status, _) = send_json(
        &app,
        &pro.client,
        Method::POST,
        "/api/agenda/blocks",
        json!({"start": at(15), "end": at(18), "reason": "Formation"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let from = at(0).to_rfc3339();
    let to = (at(0) + Duration::days(7)).to_rfc3339();
    let q = format!(
        "/api/agenda/events?from={}&to={}",
        urlencode(&from),
        urlencode(&to)
    );
    let (status, v) = get_json(&app, &pro.client, &q).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let kinds: Vec<&str> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.iter().filter(|k| **k == "BLOCK").count(), 1);
    assert_eq!(kinds.iter().filter(|k| **k == "APPOINTMENT").count(), 2);
}

fn urlencode(s: &str) -> String {
    s.replace('+', "%2B").replace(':', "%3A")
}
