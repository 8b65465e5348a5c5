//! Client files: CRUD, search and pagination, antecedents, consultations, documents, and the
//! access invariants AR-01…AR-09, AR-21 of DOMAIN.md §5.4 (AR-04 is also in the agenda
//! tests, AR-05 in the invoice tests, AR-23 in the pre-compta tests).

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{Actor, count, spawn_app, text_of};
use crate::practitioner_common::*;

async fn new_client(app: &crate::helpers::TestApp, pro: &Pro, first: &str, last: &str) -> String {
    let (status, c) = send_json(app, &pro.client, Method::POST, "/api/clients",
        json!({"firstName": first, "lastName": last, "email": format!("{}.{}@example.fr", first.to_lowercase(), last.to_lowercase())})).await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    c["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn client_files_are_searchable_paginated_and_editable() {
    let app = spawn_app().await;
    let pro = practitioner(&app, "fiches").await;
    for i in 0..23 {
        new_client(&app, &pro, &format!("Prenom{i:02}"), &format!("Nom{i:02}")).await;
    }
    let id = new_client(&app, &pro, "Élodie", "Garnier").await;
    let (status, e) = send_json(
        &app,
        &pro.client,
        Method::POST,
        "/api/clients",
        json!({"firstName": "Autre", "lastName": "Garnier", "email": "élodie.garnier@example.fr"}),
    )
    .await;
    assert_eq!(
        (status, code(&e)),
        (StatusCode::CONFLICT, "CLIENT_EMAIL_EXISTS")
    );
    let (status, e) = send_json(
        &app,
        &pro.client,
        Method::POST,
        "/api/clients",
        json!({"firstName": "", "lastName": "X", "postalCode": "123"}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        e["error"]["fields"]["firstName"].is_string()
            && e["error"]["fields"]["postalCode"].is_string()
    );

    let (_, p1) = get_json(&app, &pro.client, "/api/clients?page=1&limit=10").await;
    assert_eq!(
        (p1["total"].as_i64(), p1["items"].as_array().unwrap().len()),
        (Some(24), 10)
    );
    let (_, p3) = get_json(&app, &pro.client, "/api/clients?page=3&limit=10").await;
    assert_eq!(p3["items"].as_array().unwrap().len(), 4);
    assert_eq!(p1["items"][0]["lastName"], "Garnier", "sorted by last name");
    let (_, found) = get_json(&app, &pro.client, "/api/clients?q=garn").await;
    assert_eq!(found["total"], 1);
    let (status, _) = get_json(&app, &pro.client, "/api/clients?limit=500").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // PATCH: partial; null clears; archive hides from the default list.
    let (status, c) = send_json(
        &app,
        &pro.client,
        Method::PATCH,
        &format!("/api/clients/{id}"),
        json!({"phone": "06 11 22 33 44", "city": "Beaune", "postalCode": "21200"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(
        (c["city"].as_str(), c["firstName"].as_str()),
        (Some("Beaune"), Some("Élodie"))
    );
    let (_, c) = send_json(
        &app,
        &pro.client,
        Method::PATCH,
        &format!("/api/clients/{id}"),
        json!({"city": null, "archived": true}),
    )
    .await;
    assert!(c["city"].is_null());
    assert_eq!(c["archived"], true);
    let (_, list) = get_json(&app, &pro.client, "/api/clients?q=garn").await;
    assert_eq!(list["total"], 0);
    let (_, list) = get_json(&app, &pro.client, "/api/clients?q=garn&archived=true").await;
    assert_eq!(list["total"], 1);

    // Antecedents and consultations.
    let (status, a) = send_json(
        &app,
        &pro.client,
        Method::POST,
        &format!("/api/clients/{id}/antecedents"),
        json!({"category": "ALLERGY", "label": "Pollen de bouleau", "sinceYear": 2015}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    let aid = a["id"].as_str().unwrap().to_owned();
    let (_, a) = send_json(
        &app,
        &pro.client,
        Method::PATCH,
        &format!("/api/antecedents/{aid}"),
        json!({"details": "Printemps"}),
    )
    .await;
    assert_eq!(
        (a["label"].as_str(), a["details"].as_str()),
        (Some("Pollen de bouleau"), Some("Printemps"))
    );
    let (status, k) = send_json(&app, &pro.client, Method::POST, &format!("/api/clients/{id}/consultations"),
        json!({"occurredAt": "2026-11-02T09:00:00Z", "motif": "Bilan", "notes": "Sommeil léger", "priceCents": 6000})).await;
    assert_eq!(status, StatusCode::CREATED, "{k}");
    let kid = k["id"].as_str().unwrap().to_owned();
    let (_, k) = send_json(
        &app,
        &pro.client,
        Method::PATCH,
        &format!("/api/consultations/{kid}"),
        json!({"recommendations": "Tisane le soir"}),
    )
    .await;
    assert_eq!(
        (k["notes"].as_str(), k["recommendations"].as_str()),
        (Some("Sommeil léger"), Some("Tisane le soir"))
    );
    let (_, c) = get_json(&app, &pro.client, &format!("/api/clients/{id}")).await;
    assert_eq!(c["stats"]["totalVisits"], 1);
    let (_, ks) = get_json(
        &app,
        &pro.client,
        &format!("/api/clients/{id}/consultations"),
    )
    .await;
    assert_eq!(ks["total"], 1);

    // The client file page shows every tab.
    let (status, page) = {
        let res = pro
            .client
            .get(app.url(&format!("/pro/praticien/fiches-clients/{id}")))
            .send()
            .await
            .unwrap();
        (
            res.status(),
            scraper::Html::parse_document(&res.text().await.unwrap()),
        )
    };
    assert_eq!(status, StatusCode::OK);
    assert!(text_of(&page, "#antecedents").contains("Pollen de bouleau"));
    assert!(text_of(&page, "#consultations").contains("Bilan"));
    for tab in ["#identite", "#rendez-vous", "#documents", "#factures"] {
        assert_eq!(count(&page, tab), 1, "{tab}: section");
        assert_eq!(
            count(&page, &format!("a[href='{tab}']")),
            1,
            "{tab}: tab link"
        );
    }
    let list = {
        let res = pro
            .client
            .get(app.url("/pro/praticien/fiches-clients?q=nom0"))
            .send()
            .await
            .unwrap();
        scraper::Html::parse_document(&res.text().await.unwrap())
    };
    assert_eq!(count(&list, "#clients tbody tr"), 10);

    // Delete: the antecedent, then the file (cascade).
    let (status, _) = send_json(
        &app,
        &pro.client,
        Method::DELETE,
        &format!("/api/antecedents/{aid}"),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = send_json(
        &app,
        &pro.client,
        Method::DELETE,
        &format!("/api/clients/{id}"),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = get_json(&app, &pro.client, &format!("/api/consultations/{kid}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn client_documents_are_stored_and_only_the_owner_reads_them() {
    let app = spawn_app().await;
    let pro = practitioner(&app, "documents").await;
    let other = practitioner(&app, "curieux").await;
    let id = new_client(&app, &pro, "Nina", "Roux").await;
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    let form = reqwest::multipart::Form::new()
        .text("title", "Bilan sanguin")
        .part(
            "file",
            reqwest::multipart::Part::bytes(pdf.clone()).file_name("bilan.pdf"),
        );
    let res = pro
        .client
        .post(app.url(&format!("/api/clients/{id}/docs")))
        .header("origin", app.origin())
        .multipart(form)
        .send()
        .await
        .unwrap();
    let (status, d) = json(res).await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    assert_eq!(d["mimeType"], "application/pdf");
    let doc = d["id"].as_str().unwrap().to_owned();
    let res = pro
        .client
        .get(app.url(&format!("/api/docs/{doc}/download")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.bytes().await.unwrap().to_vec(), pdf);
    // A text file pretending to be a PDF: 415.
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"hello".to_vec()).file_name("x.pdf"),
    );
    let res = pro
        .client
        .post(app.url(&format!("/api/clients/{id}/docs")))
        .header("origin", app.origin())
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // Other practitioner: 404 on metadata, file and list.
    for path in [
        format!("/api/docs/{doc}"),
        format!("/api/docs/{doc}/download"),
        format!("/api/clients/{id}/docs"),
    ] {
        let (status, _) = get_json(&app, &other.client, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let (status, _) = send_json(
        &app,
        &other.client,
        Method::DELETE,
        &format!("/api/docs/{doc}"),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = send_json(
        &app,
        &pro.client,
        Method::DELETE,
        &format!("/api/docs/{doc}"),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, list) = get_json(&app, &pro.client, &format!("/api/clients/{id}/docs")).await;
    assert_eq!(list.as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn access_invariants_of_client_files() {
    let app = spawn_app().await;
    let a = practitioner(&app, "tenant-a").await;
    let b = practitioner(&app, "tenant-b").await;
    let client_a = new_client(&app, &a, "Alice", "Martin").await;
    let (_, k) = send_json(
        &app,
        &a.client,
        Method::POST,
        &format!("/api/clients/{client_a}/consultations"),
        json!({"motif": "Suivi", "notes": "Secret"}),
    )
    .await;
    let consult_a = k["id"].as_str().unwrap().to_owned();
    let (_, ant) = send_json(
        &app,
        &a.client,
        Method::POST,
        &format!("/api/clients/{client_a}/antecedents"),
        json!({"label": "Migraine"}),
    )
    .await;
    let ant_a = ant["id"].as_str().unwrap().to_owned();

    // AR-01
    let (status, _) = get_json(&app, &b.client, &format!("/api/clients/{client_a}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // AR-02
    new_client(&app, &b, "Bruno", "Petit").await;
    let (_, list) = get_json(&app, &b.client, "/api/clients").await;
    let ids: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 1);
    assert!(!ids.contains(&client_a.as_str()));
    // AR-03: 404 and rows unchanged.
    let (status, _) = send_json(
        &app,
        &b.client,
        Method::PATCH,
        &format!("/api/consultations/{consult_a}"),
        json!({"notes": "volé"}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = send_json(
        &app,
        &b.client,
        Method::DELETE,
        &format!("/api/antecedents/{ant_a}"),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (notes, ants): (String, i64) = sqlx::query_as(
        "SELECT k.notes, (SELECT count(*) FROM client_antecedents WHERE id = $2::uuid) FROM consultations k WHERE k.id = $1::uuid",
    )
    .bind(&consult_a)
    .bind(&ant_a)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((notes.as_str(), ants), ("Secret", 1));
    // AR-06: an owner id in the body is ignored.
    let b_profile: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM practitioner_profiles WHERE user_id = $1")
            .bind(b.user_id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let (status, c) = send_json(
        &app,
        &a.client,
        Method::POST,
        "/api/clients",
        json!({"firstName": "Chloé", "lastName": "Blanc", "practitionerId": b_profile}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let owner: uuid::Uuid = sqlx::query_scalar("SELECT p.user_id FROM clients c JOIN practitioner_profiles p ON p.id = c.practitioner_id WHERE c.id = $1::uuid")
        .bind(c["id"].as_str().unwrap())
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(owner, a.user_id);
    // AR-07: no admin read of health data.
    let (_, admin) = app.login_as(Actor::Admin).await;
    for path in [
        format!("/api/clients/{client_a}"),
        format!("/api/consultations/{consult_a}"),
    ] {
        let (status, e) = get_json(&app, &admin, &path).await;
        assert_eq!(
            (status, code(&e)),
            (StatusCode::FORBIDDEN, "FORBIDDEN"),
            "{path}"
        );
    }
    // AR-08
    let (status, e) = get_json(&app, &crate::helpers::client(), "/api/clients").await;
    assert_eq!(
        (status, code(&e)),
        (StatusCode::UNAUTHORIZED, "UNAUTHENTICATED")
    );
    // AR-09
    let (_, free) = app.login_as(Actor::Free).await;
    let (status, _) = get_json(
        &app,
        &free,
        "/api/agenda/events?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z",
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // AR-21
    let (_, pending) = app.login_as(Actor::PendingPro).await;
    let (status, e) = get_json(&app, &pending, "/api/clients").await;
    assert_eq!(
        (status, code(&e)),
        (StatusCode::FORBIDDEN, "ACCOUNT_NOT_ACTIVE")
    );
}

/// A renamed document obeys the 200-character title limit of its upload (400, unchanged).
#[tokio::test]
async fn a_document_title_is_bounded_on_rename_as_on_upload() {
    let app = spawn_app().await;
    let pro = practitioner(&app, "titres").await;
    let id = new_client(&app, &pro, "Léa", "Morel").await;
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(pdf).file_name("bilan.pdf"),
    );
    let res = pro
        .client
        .post(app.url(&format!("/api/clients/{id}/docs")))
        .header("origin", app.origin())
        .multipart(form)
        .send()
        .await
        .unwrap();
    let (status, d) = json(res).await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    let doc = d["id"].as_str().unwrap().to_owned();
    let path = format!("/api/docs/{doc}");
    let (status, e) = send_json(
        &app,
        &pro.client,
        Method::PATCH,
        &path,
        json!({"title": "é".repeat(201)}),
    )
    .await;
    assert_eq!(
        (status, code(&e)),
        (StatusCode::BAD_REQUEST, "VALIDATION_FAILED")
    );
    let (status, d) = send_json(
        &app,
        &pro.client,
        Method::PATCH,
        &path,
        json!({"title": "é".repeat(200)}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["title"].as_str().unwrap().chars().count(), 200);
}
