//! The artisan space (DOMAIN.md §6.12, §7.5): services, clients, the order state machine and
//! the pre-compta entries derived from paid orders; AR-18.

use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Actor, TestApp, spawn_app, text_of};
use crate::merchant::page_of;

async fn service(app: &TestApp, c: &reqwest::Client, title: &str, cents: i32) -> Uuid {
    let res = app
        .post_json(c, "/api/pro/artisan/services", json!({"title": title, "priceTtcCents": cents, "vatRateBp": 2000, "durationMin": 90, "status": "ACTIVE"}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn ar18_an_order_with_another_artisans_service_is_not_found() {
    let app = spawn_app().await;
    let (_, a) = app.login_as(Actor::Artisan).await;
    let (_, b) = app.login_as(Actor::Artisan).await;
    let atelier = service(&app, &a, "Atelier savon", 4500).await;
    let res = app
        .post_json(
            &b,
            "/api/pro/artisan/orders",
            json!({"customerName": "Paul", "items": [{"serviceId": atelier, "quantity": 1}]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let orders: i64 = sqlx::query_scalar("SELECT count(*) FROM artisan_orders")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(orders, 0);
    // Nor can B read, edit or list A's service.
    assert_eq!(
        b.get(app.url(&format!("/api/pro/artisan/services/{atelier}")))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    let res = b
        .patch(app.url(&format!("/api/pro/artisan/services/{atelier}")))
        .header("origin", app.origin())
        .json(&json!({"status": "ARCHIVED"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let v: Value = b
        .get(app.url("/api/pro/artisan/services"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["total"], 0);
    // A merchant cannot use the artisan API at all.
    let (_, m) = app.login_as(Actor::Merchant).await;
    assert_eq!(
        m.get(app.url("/api/pro/artisan/services"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_order_state_machine_and_its_ledger_entries() {
    let app = spawn_app().await;
    let (owner, a) = app.login_as(Actor::Artisan).await;
    let atelier = service(&app, &a, "Atelier savon", 4500).await;
    let client = app
        .post_json(
            &a,
            "/api/pro/artisan/clients",
            json!({"firstName": "Paul", "lastName": "Martin", "email": "paul@example.fr"}),
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = app
        .post_json(
            &a,
            "/api/pro/artisan/orders",
            json!({"clientId": client, "items": [{"serviceId": atelier, "quantity": 2}]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let o: Value = res.json().await.unwrap();
    let id = o["id"].as_str().unwrap().to_owned();
    assert_eq!(
        (
            o["totalTtcCents"].as_i64(),
            o["totalVatCents"].as_i64(),
            o["customerName"].as_str()
        ),
        (Some(9000), Some(1500), Some("Paul Martin"))
    );
    assert!(o["orderNumber"].as_str().unwrap().starts_with("CA-"));
    let to = |status: &str, extra: Value| {
        let mut body = extra;
        body["status"] = json!(status);
        let (app, a, id) = (&app, &a, id.clone());
        async move {
            app.post_json(a, &format!("/api/pro/artisan/orders/{id}/status"), body)
                .await
        }
    };
    // PENDING → PAID skips CONFIRMED: refused.
    let res = to("PAID", json!({"paymentMethod": "CARD"})).await;
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["code"],
        "INVALID_TRANSITION"
    );
    assert_eq!(to("CONFIRMED", json!({})).await.status(), StatusCode::OK);
    assert_eq!(
        to("PAID", json!({})).await.status(),
        StatusCode::BAD_REQUEST
    );
    let res = to("PAID", json!({"paymentMethod": "CHEQUE"})).await;
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "PAID");
    let entry: (String, String, i32, i32, Option<String>) = sqlx::query_as(
        "SELECT type::text, source::text, amount_ttc_cents, vat_cents, piece_ref FROM precompta_entries WHERE owner_user_id = $1",
    )
    .bind(owner)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (entry.0.as_str(), entry.1.as_str(), entry.2, entry.3),
        ("SALE", "ARTISAN_ORDER", 9000, 1500)
    );
    assert_eq!(entry.4.as_deref(), o["orderNumber"].as_str());
    // A paid order cancelled is refunded in the ledger.
    assert_eq!(to("CANCELLED", json!({})).await.status(), StatusCode::OK);
    let total: i64 = sqlx::query_scalar(
        "SELECT sum(amount_ttc_cents) FROM precompta_entries WHERE owner_user_id = $1",
    )
    .bind(owner)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(total, 0);
    assert_eq!(
        to("COMPLETED", json!({})).await.status(),
        StatusCode::CONFLICT
    );

    // The ordered service cannot be deleted, only archived.
    let del = a
        .delete(app.url(&format!("/api/pro/artisan/services/{atelier}")))
        .header("origin", app.origin())
        .send()
        .await
        .unwrap();
    assert_eq!(
        del.json::<Value>().await.unwrap()["error"]["code"],
        "SERVICE_HAS_ORDERS"
    );

    // Pages: the ledger shows both entries, the stats the (cancelled → excluded) revenue.
    let (status, html) = page_of(&app, &a, "/pro/artisan/precompta").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(crate::helpers::count(&html, "table.ledger tbody tr"), 2);
    let csv = a
        .get(app.url("/pro/artisan/precompta/export.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.starts_with("\u{feff}Date d'encaissement;"));
    assert!(csv.contains(";90,00;15,00;Chèque"), "{csv}");
    assert!(csv.contains(";-90,00;-15,00;Chèque"), "{csv}");
    let stats: Value = a
        .get(app.url("/api/pro/artisan/stats?range=month"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats["orders"], 0);
    let bad = a
        .get(app.url("/api/pro/artisan/stats?range=decade"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn artisan_pages_drive_the_catalogue_and_orders() {
    let app = spawn_app().await;
    let (_, a) = app.login_as(Actor::Artisan).await;
    let res = app
        .post_form(
            &a,
            "/pro/artisan/catalogue/services/nouveau",
            &[
                ("title", "Atelier bougie"),
                ("price", "35,50"),
                ("vat", "20"),
                ("duration_min", "120"),
                ("status", "ACTIVE"),
            ],
        )
        .await;
    crate::helpers::assert_redirect_to(&res, "/pro/artisan/catalogue/services");
    let (id, price): (Uuid, i32) =
        sqlx::query_as("SELECT id, price_ttc_cents FROM artisan_services")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(price, 3550);
    let res = app
        .post_form(
            &a,
            "/pro/artisan/ventes/commandes",
            &[
                ("customer_name", "Léa"),
                ("product_1", &id.to_string()),
                ("quantity_1", "2"),
            ],
        )
        .await;
    crate::helpers::assert_redirect_to(&res, "/pro/artisan/ventes/commandes");
    let order: Uuid = sqlx::query_scalar("SELECT id FROM artisan_orders")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let res = app
        .post_form(
            &a,
            &format!("/pro/artisan/ventes/commandes/{order}/statut"),
            &[("status", "CONFIRMED")],
        )
        .await;
    crate::helpers::assert_redirect_to(&res, "/pro/artisan/ventes/commandes");
    let (_, html) = page_of(&app, &a, "/pro/artisan/ventes/commandes").await;
    assert_eq!(
        text_of(&html, &format!("#commande-{order} .status")),
        "Confirmée"
    );
    for path in [
        "/pro/artisan/catalogue/services",
        "/pro/artisan/clients",
        "/pro/artisan/statistiques?range=year",
    ] {
        assert_eq!(page_of(&app, &a, path).await.0, StatusCode::OK, "{path}");
    }
    // Bad input comes back as a flash on the form, nothing written.
    let res = app
        .post_form(
            &a,
            "/pro/artisan/catalogue/services/nouveau",
            &[("title", "X"), ("price", "abc")],
        )
        .await;
    crate::helpers::assert_redirect_to(&res, "/pro/artisan/catalogue/services/nouveau");
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM artisan_services")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn artisan_answers_match_their_openapi_description() {
    use crate::merchant::{get_described, send_described};
    let app = spawn_app().await;
    let (_, a) = app.login_as(Actor::Artisan).await;
    let s = send_described(
        &app,
        &a,
        "POST",
        "/api/pro/artisan/services",
        "/api/pro/artisan/services",
        json!({"title": "Atelier céramique", "priceTtcCents": 6000, "durationMin": 120,
               "status": "ACTIVE", "category": "Poterie"}),
        201,
    )
    .await;
    let sid = s["id"].as_str().unwrap().to_owned();
    send_described(
        &app,
        &a,
        "POST",
        "/api/pro/artisan/services",
        "/api/pro/artisan/services",
        json!({"title": "Brouillon"}),
        201,
    )
    .await;
    let service_path = format!("/api/pro/artisan/services/{sid}");
    send_described(
        &app,
        &a,
        "PATCH",
        &service_path,
        "/api/pro/artisan/services/{id}",
        json!({"durationMin": null, "vatRateBp": 1000, "category": null}),
        200,
    )
    .await;
    let c = send_described(
        &app,
        &a,
        "POST",
        "/api/pro/artisan/clients",
        "/api/pro/artisan/clients",
        json!({"firstName": "Paul", "lastName": "Durand"}),
        201,
    )
    .await;
    let cid = c["id"].as_str().unwrap().to_owned();
    let o = send_described(
        &app,
        &a,
        "POST",
        "/api/pro/artisan/orders",
        "/api/pro/artisan/orders",
        json!({"clientId": cid, "scheduledFor": "2030-05-04T09:00:00Z",
               "items": [{"serviceId": sid, "quantity": 1}]}),
        201,
    )
    .await;
    let order_path = format!("/api/pro/artisan/orders/{}", o["id"].as_str().unwrap());
    send_described(
        &app,
        &a,
        "PATCH",
        &order_path,
        "/api/pro/artisan/orders/{id}",
        json!({"scheduledFor": null, "customerEmail": "paul@example.org"}),
        200,
    )
    .await;
    for (body, status) in [
        (json!({"status": "CONFIRMED"}), 200),
        (json!({"status": "PAID", "paymentMethod": "CASH"}), 200),
        (json!({"status": "CONFIRMED"}), 409),
    ] {
        send_described(
            &app,
            &a,
            "POST",
            &format!("{order_path}/status"),
            "/api/pro/artisan/orders/{id}/status",
            body,
            status,
        )
        .await;
    }
    let client_path = format!("/api/pro/artisan/clients/{cid}");
    send_described(
        &app,
        &a,
        "PATCH",
        &client_path,
        "/api/pro/artisan/clients/{id}",
        json!({"email": "paul.durand@example.org", "notes": "Allergique au latex"}),
        200,
    )
    .await;
    for (path, template) in [
        ("/api/pro/artisan/services", "/api/pro/artisan/services"),
        (
            "/api/pro/artisan/services?status=ACTIVE&q=cera",
            "/api/pro/artisan/services",
        ),
        (&service_path, "/api/pro/artisan/services/{id}"),
        (
            "/api/pro/artisan/clients?q=Paul",
            "/api/pro/artisan/clients",
        ),
        (&client_path, "/api/pro/artisan/clients/{id}"),
        (
            "/api/pro/artisan/orders?status=PAID",
            "/api/pro/artisan/orders",
        ),
        (&order_path, "/api/pro/artisan/orders/{id}"),
        (
            "/api/pro/artisan/stats?range=week",
            "/api/pro/artisan/stats",
        ),
    ] {
        get_described(&app, &a, path, template).await;
    }
    // An unknown order status is a 400, not an empty list.
    let res = a
        .get(app.url("/api/pro/artisan/orders?status=SHIPPED"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}
