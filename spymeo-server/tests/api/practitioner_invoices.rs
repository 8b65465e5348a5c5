//! Invoices and credit notes (DOMAIN.md §6.8, §7.3): lifecycle, the 293 B mention, gapless
//! numbering under 50 concurrent issues, immutability through the API and in SQL, the PDF.

use chrono::{Datelike, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{spawn_app, spawn_app_with};
use crate::practitioner_common::*;

async fn client_with_address(app: &crate::helpers::TestApp, pro: &Pro, last: &str) -> String {
    let (status, c) = send_json(app, &pro.client, Method::POST, "/api/clients", json!({
        "firstName": "Julie", "lastName": last, "email": format!("{}@example.fr", last.to_lowercase()),
        "addressLine": "3 place Darcy", "postalCode": "21000", "city": "Dijon"})).await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    c["id"].as_str().unwrap().to_owned()
}

async fn draft(app: &crate::helpers::TestApp, pro: &Pro, client: &str, cents: i64) -> Value {
    let (status, d) = send_json(app, &pro.client, Method::POST, &format!("/api/clients/{client}/invoices"), json!({
        "serviceDate": "2026-11-30",
        "lines": [{"label": "Consultation de suivi naturopathie – 45 min", "quantity": 1, "unitPriceHtCents": cents, "vatRateBp": 2000}]
    })).await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    d
}

/// The text of a one-page PDF: the file must parse; lopdf's extractor reads ASCII right
/// (it ignores the WinAnsi encoding of accents and €, see `page_bytes`).
fn pdf_text(bytes: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(bytes).expect("the PDF parses");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    assert_eq!(pages.len(), 1);
    doc.extract_text(&pages).expect("text extracts")
}

/// The strings shown on page 1 (`Tj` operands), one per line, as the Windows-1252 bytes
/// the builtin fonts print.
fn page_bytes(bytes: &[u8]) -> Vec<u8> {
    let doc = lopdf::Document::load_mem(bytes).unwrap();
    let page = *doc.get_pages().get(&1).unwrap();
    let content = lopdf::content::Content::decode(&doc.get_page_content(page).unwrap()).unwrap();
    let mut out = Vec::new();
    for op in content.operations.iter().filter(|op| op.operator == "Tj") {
        if let Some(lopdf::Object::String(s, _)) = op.operands.first() {
            out.extend_from_slice(s);
            out.push(b'\n');
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn invoice_lifecycle_draft_issue_pay_credit_note() {
    let app = spawn_app().await;
    let pro = practitioner(&app, "factures").await;
    let other = practitioner(&app, "autre-cabinet").await;
    let client = client_with_address(&app, &pro, "Bernard").await;
    let year = Utc::now().with_timezone(&chrono_tz::Europe::Paris).year();

    let d = draft(&app, &pro, &client, 5000).await;
    let id = d["id"].as_str().unwrap().to_owned();
    assert_eq!(d["status"], "DRAFT");
    assert!(d["number"].is_null());
    // Micro-entrepreneur in VAT franchise by default: the rate is forced to 0.
    assert_eq!(
        (
            d["lines"][0]["vatRateBp"].as_i64(),
            d["totalTtcCents"].as_i64()
        ),
        (Some(0), Some(5000))
    );
    // Draft PDF: watermarked, no number.
    let res = pro
        .client
        .get(app.url(&format!("/api/invoices/{id}/pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(pdf_text(&res.bytes().await.unwrap()).contains("BROUILLON"));
    // Draft edits: full line replacement.
    let (status, d) = send_json(
        &app,
        &pro.client,
        Method::PATCH,
        &format!("/api/invoices/{id}"),
        json!({
        "lines": [{"label": "Bilan vitalité", "quantity": 1, "unitPriceHtCents": 6000},
                  {"label": "Fleurs de Bach (flacon)", "quantity": 2, "unitPriceHtCents": 1250}]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["totalTtcCents"], 8500);

    let (status, i) = send_json(
        &app,
        &pro.client,
        Method::POST,
        &format!("/api/invoices/{id}/issue"),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{i}");
    let number = format!("F-{year}-0001");
    assert_eq!(i["number"], json!(number));
    assert_eq!(i["status"], "ISSUED");
    assert_eq!(
        i["vatExemptionNote"],
        "TVA non applicable, art. 293 B du CGI"
    );
    assert_eq!(i["seller"]["siret"], "73282932000074");
    assert_eq!(i["buyer"]["city"], "Dijon");

    // The PDF opens and shows the number, the totals and the 293 B mention.
    let res = pro
        .client
        .get(app.url(&format!("/api/invoices/{id}/pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let text = pdf_text(&bytes);
    assert!(text.contains(&number), "{text}");
    assert!(text.contains("293 B du CGI"), "{text}");
    assert!(text.contains("Total TTC : 85"), "{text}");
    // French amounts and accents, encoded in Windows-1252 (é = E9, € = 80).
    let content = page_bytes(&bytes);
    assert!(contains(&content, b"Total TTC : 85 \x80"));
    assert!(contains(&content, b"Date d'\xe9mission : "));
    assert!(contains(&content, b"12,50 \x80"));
    // AR-05: another practitioner sees neither the invoice nor its PDF.
    for path in [
        format!("/api/invoices/{id}"),
        format!("/api/invoices/{id}/pdf"),
    ] {
        let (status, _) = get_json(&app, &other.client, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let (_, list) = get_json(&app, &other.client, "/api/invoices").await;
    assert_eq!(list["total"], 0);

    // Paid: the SALE entry of the livre des recettes.
    let (status, e) = send_json(
        &app,
        &pro.client,
        Method::POST,
        &format!("/api/invoices/{id}/mark-paid"),
        json!({"paymentMethod": "BOGUS"}),
    )
    .await;
    assert_eq!(status.as_u16() / 100, 4, "{e}");
    let (status, p) = send_json(
        &app,
        &pro.client,
        Method::POST,
        &format!("/api/invoices/{id}/mark-paid"),
        json!({"paymentMethod": "CARD"}),
    )
    .await;
    assert_eq!(
        (status, p["status"].as_str()),
        (StatusCode::OK, Some("PAID"))
    );
    let (status, e) = send_json(
        &app,
        &pro.client,
        Method::POST,
        &format!("/api/invoices/{id}/mark-paid"),
        json!({"paymentMethod": "CARD"}),
    )
    .await;
    assert_eq!(
        (status, code(&e)),
        (StatusCode::CONFLICT, "INVALID_TRANSITION")
    );
    let sale: (String, i64, String) = sqlx::query_as(
        "SELECT e.type::text, e.amount_ttc_cents::bigint, e.piece_ref FROM precompta_entries e WHERE e.invoice_id = $1::uuid",
    )
    .bind(&id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(sale, ("SALE".into(), 8500, number.clone()));

    // Cancelled only through a credit note: AV-YYYY-0001, original CANCELLED, REFUND entry.
    let (status, av) = send_json(
        &app,
        &pro.client,
        Method::POST,
        &format!("/api/invoices/{id}/credit-note"),
        json!({"reason": "Erreur de tarif"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{av}");
    assert_eq!(av["number"], json!(format!("AV-{year}-0001")));
    assert_eq!(
        (av["kind"].as_str(), av["totalTtcCents"].as_i64()),
        (Some("CREDIT_NOTE"), Some(-8500))
    );
    let (_, orig) = get_json(&app, &pro.client, &format!("/api/invoices/{id}")).await;
    assert_eq!(orig["status"], "CANCELLED");
    let (status, e) = send_json(
        &app,
        &pro.client,
        Method::POST,
        &format!("/api/invoices/{id}/credit-note"),
        json!({"reason": "Encore"}),
    )
    .await;
    assert_eq!(
        (status, code(&e)),
        (StatusCode::CONFLICT, "INVOICE_NOT_ISSUED")
    );
    let refund: i64 = sqlx::query_scalar("SELECT amount_ttc_cents::bigint FROM precompta_entries WHERE type = 'REFUND' AND invoice_id = $1::uuid")
        .bind(av["id"].as_str().unwrap())
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(refund, -8500);
    let res = pro
        .client
        .get(app.url(&format!("/api/invoices/{}/pdf", av["id"].as_str().unwrap())))
        .send()
        .await
        .unwrap();
    let text = pdf_text(&res.bytes().await.unwrap());
    assert!(
        text.contains(&format!("AV-{year}-0001")) && text.contains(&number),
        "{text}"
    );

    // The list: filters by status.
    let (_, list) = get_json(&app, &pro.client, "/api/invoices?status=CANCELLED").await;
    assert_eq!(list["total"], 1);
}

#[tokio::test]
async fn an_issued_invoice_cannot_be_changed_by_the_api_or_by_sql() {
    let app = spawn_app().await;
    let pro = practitioner(&app, "immuable").await;
    let client = client_with_address(&app, &pro, "Durand").await;
    let id = draft(&app, &pro, &client, 6000).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Empty drafts and incomplete sellers are refused at issue.
    let empty = send_json(
        &app,
        &pro.client,
        Method::POST,
        &format!("/api/clients/{client}/invoices"),
        json!({}),
    )
    .await
    .1;
    let (status, e) = send_json(
        &app,
        &pro.client,
        Method::POST,
        &format!("/api/invoices/{}/issue", empty["id"].as_str().unwrap()),
        json!({}),
    )
    .await;
    assert_eq!((status, code(&e)), (StatusCode::CONFLICT, "EMPTY_INVOICE"));
    sqlx::query("UPDATE practitioner_profiles SET siret = NULL WHERE user_id = $1")
        .bind(pro.user_id)
        .execute(&app.pool)
        .await
        .unwrap();
    let (status, e) = send_json(
        &app,
        &pro.client,
        Method::POST,
        &format!("/api/invoices/{id}/issue"),
        json!({}),
    )
    .await;
    assert_eq!(
        (status, code(&e)),
        (StatusCode::CONFLICT, "SELLER_INFO_INCOMPLETE")
    );
    sqlx::query("UPDATE practitioner_profiles SET siret = '73282932000074' WHERE user_id = $1")
        .bind(pro.user_id)
        .execute(&app.pool)
        .await
        .unwrap();
    let (status, _) = send_json(
        &app,
        &pro.client,
        Method::POST,
        &format!("/api/invoices/{id}/issue"),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let before: String =
        sqlx::query_scalar("SELECT to_jsonb(i)::text FROM invoices i WHERE id = $1::uuid")
            .bind(&id)
            .fetch_one(&app.pool)
            .await
            .unwrap();

    // Every API write.
    let (status, e) = send_json(
        &app,
        &pro.client,
        Method::PATCH,
        &format!("/api/invoices/{id}"),
        json!({"notes": "modifié", "lines": []}),
    )
    .await;
    assert_eq!(
        (status, code(&e)),
        (StatusCode::CONFLICT, "INVOICE_NOT_DRAFT")
    );
    let (status, e) = send_json(
        &app,
        &pro.client,
        Method::DELETE,
        &format!("/api/invoices/{id}"),
        json!({}),
    )
    .await;
    assert_eq!(
        (status, code(&e)),
        (StatusCode::CONFLICT, "INVOICE_NOT_DRAFT")
    );
    let (status, e) = send_json(
        &app,
        &pro.client,
        Method::POST,
        &format!("/api/invoices/{id}/issue"),
        json!({}),
    )
    .await;
    assert_eq!(
        (status, code(&e)),
        (StatusCode::CONFLICT, "INVOICE_NOT_DRAFT")
    );
    // Direct SQL: the triggers refuse, whoever connects.
    for sql in [
        "UPDATE invoices SET total_ttc_cents = 1, total_ht_cents = 1 WHERE id = $1::uuid",
        "UPDATE invoices SET number = 'F-1999-0001' WHERE id = $1::uuid",
        "UPDATE invoices SET issue_date = issue_date - 10 WHERE id = $1::uuid",
        "UPDATE invoices SET status = 'CANCELLED', cancelled_at = now() WHERE id = $1::uuid",
        "UPDATE invoices SET buyer_snapshot = '{}' WHERE id = $1::uuid",
    ] {
        let err = sqlx::query(sql)
            .bind(&id)
            .execute(&app.pool)
            .await
            .unwrap_err();
        let db = err.as_database_error().unwrap();
        assert_eq!(db.constraint(), Some("invoices_immutable"), "{sql}: {db}");
    }
    let err =
        sqlx::query("UPDATE invoice_lines SET unit_price_ht_cents = 1 WHERE invoice_id = $1::uuid")
            .bind(&id)
            .execute(&app.pool)
            .await
            .unwrap_err();
    assert_eq!(
        err.as_database_error().unwrap().constraint(),
        Some("invoice_lines_draft_only")
    );
    let err = sqlx::query("DELETE FROM invoices WHERE id = $1::uuid")
        .bind(&id)
        .execute(&app.pool)
        .await
        .unwrap_err();
    assert_eq!(
        err.as_database_error().unwrap().constraint(),
        Some("invoices_no_delete_unless_draft")
    );
    let after: String =
        sqlx::query_scalar("SELECT to_jsonb(i)::text FROM invoices i WHERE id = $1::uuid")
            .bind(&id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(before, after);
}

#[tokio::test]
async fn fifty_concurrent_issues_number_one_to_fifty_without_gap() {
    let (url, pool) = spymeo_core::testing::migrated_database().await.unwrap();
    let app = spawn_app_with(url, pool, |c| {
        c.pool.max_connections = 20;
        c.pool.acquire_timeout = std::time::Duration::from_secs(60);
        c.request_timeout = std::time::Duration::from_secs(60);
    })
    .await;
    let pro = practitioner(&app, "cinquante").await;
    let client = client_with_address(&app, &pro, "Serie").await;
    let mut ids = Vec::new();
    for i in 0..50 {
        ids.push(
            draft(&app, &pro, &client, 1000 + i).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let tasks: Vec<_> = ids
        .iter()
        .map(|id| {
            let (c, url, origin) = (
                pro.client.clone(),
                app.url(&format!("/api/invoices/{id}/issue")),
                app.origin(),
            );
            tokio::spawn(async move {
                c.post(url)
                    .header("origin", origin)
                    .json(&json!({}))
                    .send()
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut numbers = Vec::new();
    for t in tasks {
        let res = t.await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let v: Value = res.json().await.unwrap();
        numbers.push(v["number"].as_str().unwrap().to_owned());
    }
    let year = Utc::now().with_timezone(&chrono_tz::Europe::Paris).year();
    numbers.sort();
    let expected: Vec<String> = (1..=50).map(|n| format!("F-{year}-{n:04}")).collect();
    assert_eq!(numbers, expected);
    // The §7.3 audit: min(seq) = 1 and max(seq) = count.
    let (min, max, n): (i32, i32, i64) =
        sqlx::query_as("SELECT min(seq), max(seq), count(*) FROM invoices WHERE status <> 'DRAFT'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((min, max, n), (1, 50, 50));
}

/// The invoice totals are 32-bit: lines whose TTC sum overflows them answer 400, not 500.
#[tokio::test]
async fn invoice_totals_beyond_the_integer_range_are_refused() {
    let app = spawn_app().await;
    let pro = practitioner(&app, "gros-montants").await;
    let client = client_with_address(&app, &pro, "Garnier").await;
    let big = json!({"label": "Séjour", "quantity": 1, "unitPriceHtCents": 2_000_000_000});
    let (status, e) = send_json(
        &app,
        &pro.client,
        Method::POST,
        &format!("/api/clients/{client}/invoices"),
        json!({"lines": [big, big]}),
    )
    .await;
    assert_eq!(
        (status, code(&e)),
        (StatusCode::BAD_REQUEST, "VALIDATION_FAILED"),
        "{e}"
    );
    let d = draft(&app, &pro, &client, 5000).await;
    let (status, e) = send_json(
        &app,
        &pro.client,
        Method::PATCH,
        &format!("/api/invoices/{}", d["id"].as_str().unwrap()),
        json!({"lines": [{"label": "Séjour", "quantity": 1, "unitPriceHtCents": 2_000_000_000, "vatRateBp": 2000}]}),
    )
    .await;
    assert_eq!(
        (status, code(&e)),
        (StatusCode::BAD_REQUEST, "VALIDATION_FAILED"),
        "{e}"
    );
    // One line just under the limit still fits.
    let (status, d) = send_json(
        &app,
        &pro.client,
        Method::POST,
        &format!("/api/clients/{client}/invoices"),
        json!({"lines": [big]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    assert_eq!(d["totalTtcCents"], 2_000_000_000);
}
