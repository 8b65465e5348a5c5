//! Pre-compta (DOMAIN.md §6.10, §7.4): configuration, entries derived from paid invoices
//! (locked), manual expenses with receipts, the summary and thresholds, CSV books, AR-23.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{count, spawn_app, text_of};
use crate::practitioner_common::*;

/// A client, an invoice of `cents` issued and paid by card; returns its number.
async fn paid_invoice(app: &crate::helpers::TestApp, pro: &Pro, cents: i64) -> String {
    let (_, c) = send_json(app, &pro.client, Method::POST, "/api/clients", json!({
        "firstName": "Paul", "lastName": format!("Client{cents}"), "addressLine": "1 rue A", "postalCode": "21000", "city": "Dijon"})).await;
    let client = c["id"].as_str().unwrap();
    let (_, d) = send_json(
        app,
        &pro.client,
        Method::POST,
        &format!("/api/clients/{client}/invoices"),
        json!({
        "lines": [{"label": "Séance", "quantity": 1, "unitPriceHtCents": cents}]}),
    )
    .await;
    let id = d["id"].as_str().unwrap();
    let (_, i) = send_json(
        app,
        &pro.client,
        Method::POST,
        &format!("/api/invoices/{id}/issue"),
        json!({}),
    )
    .await;
    let (status, _) = send_json(
        app,
        &pro.client,
        Method::POST,
        &format!("/api/invoices/{id}/mark-paid"),
        json!({"paymentMethod": "CARD"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    i["number"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn configuration_has_defaults_and_checks_its_values() {
    let app = spawn_app().await;
    let pro = practitioner(&app, "config-compta").await;
    let (status, c) = get_json(&app, &pro.client, "/api/precompta/config").await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(
        (c["legalStatus"].as_str(), c["vatScheme"].as_str()),
        (Some("MICRO"), Some("FRANCHISE"))
    );
    assert_eq!(c["revenueThresholdCents"], 7_770_000);
    let mut body = json!({"legalStatus": "MICRO", "vatScheme": "REEL_SIMPLIFIE", "defaultVatRateBp": 2000, "socialRateBp": 2120,
                          "revenueThresholdCents": 7_770_000, "vatFranchiseThresholdCents": 3_750_000});
    let (status, e) = send_json(
        &app,
        &pro.client,
        Method::PUT,
        "/api/precompta/config",
        body.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(e["error"]["fields"]["vatNumber"].is_string());
    body["vatNumber"] = json!("pas un numéro");
    let (status, _) = send_json(
        &app,
        &pro.client,
        Method::PUT,
        "/api/precompta/config",
        body.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    body["vatNumber"] = json!("FR 40 303265045");
    let (status, c) = send_json(
        &app,
        &pro.client,
        Method::PUT,
        "/api/precompta/config",
        body,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(
        (c["vatNumber"].as_str(), c["socialRateBp"].as_i64()),
        (Some("FR40303265045"), Some(2120))
    );
    // Out of the franchise, invoices carry VAT and the seller's VAT number.
    let (_, cl) = send_json(
        &app,
        &pro.client,
        Method::POST,
        "/api/clients",
        json!({"firstName": "A", "lastName": "B"}),
    )
    .await;
    let (_, d) = send_json(&app, &pro.client, Method::POST, &format!("/api/clients/{}/invoices", cl["id"].as_str().unwrap()),
        json!({"lines": [{"label": "Séance", "quantity": 1, "unitPriceHtCents": 5000, "vatRateBp": 2000}]})).await;
    assert_eq!(
        (d["totalVatCents"].as_i64(), d["totalTtcCents"].as_i64()),
        (Some(1000), Some(6000))
    );
    let (_, i) = send_json(
        &app,
        &pro.client,
        Method::POST,
        &format!("/api/invoices/{}/issue", d["id"].as_str().unwrap()),
        json!({}),
    )
    .await;
    assert_eq!(i["seller"]["vatNumber"], "FR40303265045");
    assert!(i["vatExemptionNote"].is_null());
}

#[tokio::test]
async fn paid_invoices_fill_the_livre_des_recettes_and_manual_expenses_carry_receipts() {
    let app = spawn_app().await;
    let pro = practitioner(&app, "livre").await;
    let other = practitioner(&app, "livre-voisin").await;
    let number = paid_invoice(&app, &pro, 8500).await;
    paid_invoice(&app, &other, 1234).await;

    let (_, list) = get_json(&app, &pro.client, "/api/precompta/transactions").await;
    assert_eq!(list["total"], 1, "{list}");
    let sale = &list["items"][0];
    assert_eq!(
        (
            sale["type"].as_str(),
            sale["source"].as_str(),
            sale["pieceRef"].as_str()
        ),
        (Some("SALE"), Some("INVOICE"), Some(number.as_str()))
    );
    assert_eq!(sale["editable"], false);
    let sale_id = sale["id"].as_str().unwrap().to_owned();
    // AR-23: only the caller's entries.
    let (_, theirs) = get_json(&app, &other.client, "/api/precompta/transactions").await;
    assert_eq!(theirs["total"], 1);
    assert_ne!(theirs["items"][0]["id"], json!(sale_id));
    // Derived entries are locked (and another tenant's are not found).
    let edit = json!({"entryDate": "2026-12-01", "type": "SALE", "label": "x", "amountTtcCents": 1, "paymentMethod": "CASH"});
    let (status, e) = send_json(
        &app,
        &pro.client,
        Method::PATCH,
        &format!("/api/precompta/transactions/{sale_id}"),
        edit.clone(),
    )
    .await;
    assert_eq!((status, code(&e)), (StatusCode::CONFLICT, "ENTRY_LOCKED"));
    let (status, e) = send_json(
        &app,
        &pro.client,
        Method::DELETE,
        &format!("/api/precompta/transactions/{sale_id}"),
        json!({}),
    )
    .await;
    assert_eq!((status, code(&e)), (StatusCode::CONFLICT, "ENTRY_LOCKED"));
    let (status, _) = send_json(
        &app,
        &other.client,
        Method::DELETE,
        &format!("/api/precompta/transactions/{sale_id}"),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let err = sqlx::query("UPDATE precompta_entries SET amount_ttc_cents = 1 WHERE id = $1::uuid")
        .bind(&sale_id)
        .execute(&app.pool)
        .await
        .unwrap_err();
    assert_eq!(
        err.as_database_error().unwrap().constraint(),
        Some("precompta_derived_immutable")
    );

    // A manual expense, then its receipt.
    let (status, x) = send_json(&app, &pro.client, Method::POST, "/api/precompta/transactions", json!({
        "entryDate": format!("{}-12-01", pro_year()), "type": "EXPENSE", "label": "Huiles essentielles", "counterparty": "Herboristerie",
        "category": "Fournitures", "amountTtcCents": 4250, "paymentMethod": "CARD"})).await;
    assert_eq!(status, StatusCode::CREATED, "{x}");
    assert_eq!(x["amountTtcCents"], -4250);
    let x_id = x["id"].as_str().unwrap().to_owned();
    let (status, e) = send_json(
        &app,
        &pro.client,
        Method::POST,
        "/api/precompta/transactions",
        json!({
        "entryDate": "2026-12-01", "type": "SALE", "label": "Atelier", "amountTtcCents": 2000}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a SALE needs its payment method: {e}"
    );
    let pdf = b"%PDF-1.4\n% ticket\n%%EOF\n".to_vec();
    let form = reqwest::multipart::Form::new()
        .text("txId", x_id.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes(pdf.clone()).file_name("ticket.pdf"),
        );
    let res = pro
        .client
        .post(app.url("/api/precompta/receipts"))
        .header("origin", app.origin())
        .multipart(form)
        .send()
        .await
        .unwrap();
    let (status, r) = json(res).await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let receipt = r["id"].as_str().unwrap().to_owned();
    let (_, receipts) = get_json(&app, &pro.client, "/api/precompta/receipts").await;
    assert_eq!(receipts[0]["entryId"], json!(x_id));
    let res = pro
        .client
        .get(app.url(&format!("/api/precompta/receipts/{receipt}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.bytes().await.unwrap().to_vec(), pdf);
    let (status, _) = get_json(
        &app,
        &other.client,
        &format!("/api/precompta/receipts/{receipt}"),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Manual entries stay editable.
    let (status, x) = send_json(&app, &pro.client, Method::PATCH, &format!("/api/precompta/transactions/{x_id}"), json!({
        "entryDate": format!("{}-12-01", pro_year()), "type": "EXPENSE", "label": "Huiles essentielles bio", "amountTtcCents": 4500,
        "counterparty": "Herboristerie", "category": "Fournitures",
        "paymentMethod": "CARD", "receiptDocumentId": receipt})).await;
    assert_eq!(status, StatusCode::OK, "{x}");
    assert_eq!(
        (x["amountTtcCents"].as_i64(), x["label"].as_str()),
        (Some(-4500), Some("Huiles essentielles bio"))
    );

    // Summary: 85 € of 77 700 €; totals of the list.
    let (_, s) = get_json(&app, &pro.client, "/api/precompta/summary").await;
    assert_eq!(s["yearRecettesCents"], 8500, "{s}");
    assert_eq!(s["thresholdUsedPct"], 0.1);
    assert_eq!(s["estimatedSocialCents"], 8500 * 2200 / 10_000);
    assert_eq!(s["months"].as_array().unwrap().len(), 12);
    let (_, list) = get_json(&app, &pro.client, "/api/precompta/transactions").await;
    assert_eq!(
        (
            list["totals"]["recettesCents"].as_i64(),
            list["totals"]["depensesCents"].as_i64()
        ),
        (Some(8500), Some(4500))
    );
    let (_, sales) = get_json(&app, &pro.client, "/api/precompta/transactions?type=SALE").await;
    assert_eq!(sales["total"], 1);

    // CSV books.
    let res = pro
        .client
        .get(app.url("/api/precompta/export?format=csv&book=recettes"))
        .send()
        .await
        .unwrap();
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = res.text().await.unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "\u{feff}Date d'encaissement;Référence de la pièce;Client;Nature de l'opération;Montant TTC;Dont TVA;Mode de règlement"
        )
    );
    let row = lines.next().unwrap();
    assert!(
        row.contains(&format!(";{number};")) && row.ends_with(";85,00;0,00;Carte bancaire"),
        "{row}"
    );
    assert_eq!(lines.next(), None);
    let csv = pro
        .client
        .get(app.url("/api/precompta/export?book=depenses"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        csv.contains(";Herboristerie;Fournitures;;45,00;Carte bancaire"),
        "{csv}"
    );
    let (status, _) = get_json(&app, &pro.client, "/api/precompta/export?book=autre").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // The page shows the gauge, the invoice's entry and the expense.
    let page = scraper::Html::parse_document(
        &pro.client
            .get(app.url("/pro/praticien/precompta"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(text_of(&page, "#ecritures").contains(&number));
    assert_eq!(count(&page, "#ecritures tbody tr"), 2);
    assert_eq!(text_of(&page, "#seuil-pct"), "0,1 %");
}

fn pro_year() -> i32 {
    use chrono::Datelike;
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Paris)
        .year()
}
