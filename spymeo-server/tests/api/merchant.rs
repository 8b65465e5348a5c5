//! The merchant space (DOMAIN.md §6.13, §7.5): products, stock only through movements, orders
//! moving stock out and back in the same transaction; AR-10, AR-11; concurrency.

use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Actor, TestApp, spawn_app, text_of};

async fn patch(app: &TestApp, c: &reqwest::Client, path: &str, body: Value) -> reqwest::Response {
    c.patch(app.url(path))
        .header("origin", app.origin())
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn product(app: &TestApp, c: &reqwest::Client, title: &str, stock: i32) -> Uuid {
    let res = app
        .post_json(
            c,
            "/api/pro/commercant/products",
            json!({"title": title, "sku": format!("SKU-{title}"), "priceTtcCents": 1250, "vatRateBp": 550,
                   "initialStock": stock, "lowStockThreshold": 2, "status": "ACTIVE"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

async fn stock_of(app: &TestApp, id: Uuid) -> i32 {
    sqlx::query_scalar("SELECT stock_quantity FROM products WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn order(app: &TestApp, c: &reqwest::Client, product: Uuid, qty: i32) -> Uuid {
    let res = app
        .post_json(
            c,
            "/api/pro/commercant/orders",
            json!({"customerName": "Jeanne Petit", "items": [{"productId": product, "quantity": qty}]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// The §7.5 invariant, checked in SQL: stock = Σ movements ≥ 0 for every product, and each
/// movement's `stock_after` is the running sum in insertion order.
async fn assert_stock_invariant(app: &TestApp) {
    let drift: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM products p
          WHERE p.stock_quantity <> COALESCE((SELECT sum(quantity) FROM stock_movements m WHERE m.product_id = p.id), 0)
             OR p.stock_quantity < 0",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(drift, 0, "stock differs from the sum of its movements");
    // stock_after is written under the product's row lock, so in the order the rows reached
    // the heap (ctid: the journal is append-only, no space is ever reused) every step adds up.
    // created_at is not that order: it is taken before the lock is waited for.
    let broken: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (
           SELECT stock_after, sum(quantity) OVER (PARTITION BY product_id ORDER BY ctid) AS running
             FROM stock_movements) t WHERE stock_after <> running",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(broken, 0, "a movement's stock_after is not the running sum");
}

#[tokio::test]
async fn ar10_other_roles_cannot_reach_the_merchant_api() {
    let app = spawn_app().await;
    let (_, artisan) = app.login_as(Actor::Artisan).await;
    let res = artisan
        .get(app.url("/api/pro/commercant/products"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["code"],
        "FORBIDDEN"
    );
}

#[tokio::test]
async fn ar11_another_merchants_product_is_not_found_and_untouched() {
    let app = spawn_app().await;
    let (_, a) = app.login_as(Actor::Merchant).await;
    let (_, b) = app.login_as(Actor::Merchant).await;
    let savon = product(&app, &a, "Savon", 5).await;
    for body in [
        json!({"productId": savon, "type": "OUT", "quantity": 2}),
        json!({"productId": savon, "type": "ADJUSTMENT", "countedQuantity": 0}),
    ] {
        let res = app
            .post_json(&b, "/api/pro/commercant/stock/movements", body)
            .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }
    assert_eq!(stock_of(&app, savon).await, 5);
    assert_eq!(
        b.get(app.url(&format!("/api/pro/commercant/products/{savon}")))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    let res = app
        .post_json(
            &b,
            "/api/pro/commercant/orders",
            json!({"customerName": "X", "items": [{"productId": savon, "quantity": 1}]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let v: Value = b
        .get(app.url("/api/pro/commercant/products"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["total"], 0);
}

#[tokio::test]
async fn products_and_stock_movements() {
    let app = spawn_app().await;
    let (_, m) = app.login_as(Actor::Merchant).await;
    let savon = product(&app, &m, "Savon", 5).await;
    let v: Value = m
        .get(app.url(&format!("/api/pro/commercant/products/{savon}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (v["stockQuantity"].as_i64(), v["vatRateBp"].as_i64()),
        (Some(5), Some(550))
    );
    assert_eq!(v["movements"][0]["reason"], "Stock initial");

    // The stock is not a field of a product.
    let res = patch(
        &app,
        &m,
        &format!("/api/pro/commercant/products/{savon}"),
        json!({"stockQuantity": 99}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = patch(
        &app,
        &m,
        &format!("/api/pro/commercant/products/{savon}"),
        json!({"priceTtcCents": 990, "sku": "SAV-1"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .post_json(
            &m,
            "/api/pro/commercant/products",
            json!({"title": "Autre", "sku": "SAV-1", "priceTtcCents": 100, "vatRateBp": 2000}),
        )
        .await;
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["code"],
        "SKU_TAKEN"
    );
    let res = app
        .post_json(
            &m,
            "/api/pro/commercant/products",
            json!({"title": "Autre", "priceTtcCents": 100, "vatRateBp": 1900}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    let mv = |body: Value| {
        let (app, m) = (&app, &m);
        async move {
            app.post_json(m, "/api/pro/commercant/stock/movements", body)
                .await
        }
    };
    let res = mv(json!({"productId": savon, "type": "OUT", "quantity": 6})).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["code"],
        "INSUFFICIENT_STOCK"
    );
    let res =
        mv(json!({"productId": savon, "type": "OUT", "quantity": 4, "reason": "Casse"})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(res.json::<Value>().await.unwrap()["stockAfter"], 1);
    let res = mv(json!({"productId": savon, "type": "ADJUSTMENT", "countedQuantity": 1})).await;
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["code"],
        "NO_CHANGE"
    );
    let res = mv(json!({"productId": savon, "type": "ADJUSTMENT", "countedQuantity": 7})).await;
    assert_eq!(res.json::<Value>().await.unwrap()["quantity"], 6);
    let res = mv(json!({"productId": savon, "type": "IN", "quantity": 0})).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    // Low-stock view and the movement journal.
    let bougie = product(&app, &m, "Bougie", 1).await;
    let low: Value = m
        .get(app.url("/api/pro/commercant/stock?lowStock=true"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(low.as_array().unwrap().len(), 1);
    assert_eq!(low[0]["productId"], bougie.to_string());
    let journal: Value = m
        .get(app.url(&format!(
            "/api/pro/commercant/stock/movements?productId={savon}&type=ADJUSTMENT"
        )))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(journal["total"], 1);

    // CSV export: BOM, French header, one line per product.
    let res = m
        .get(app.url("/api/pro/commercant/stock/export.csv"))
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
    assert!(csv.starts_with("\u{feff}Référence;Produit;Catégorie;Stock"));
    assert!(csv.contains("SAV-1;Savon;;7;2;9,90;ACTIVE"), "{csv}");
    assert_eq!(csv.lines().count(), 3);

    // A product with history is archived, not deleted; one without history can go.
    let del = m
        .delete(app.url(&format!("/api/pro/commercant/products/{savon}")))
        .header("origin", app.origin())
        .send()
        .await
        .unwrap();
    assert_eq!(
        del.json::<Value>().await.unwrap()["error"]["code"],
        "PRODUCT_HAS_HISTORY"
    );
    let neuf = product(&app, &m, "Neuf", 0).await;
    let del = m
        .delete(app.url(&format!("/api/pro/commercant/products/{neuf}")))
        .header("origin", app.origin())
        .send()
        .await
        .unwrap();
    assert_eq!(del.status(), StatusCode::NO_CONTENT);
    assert_stock_invariant(&app).await;
}

#[tokio::test]
async fn paying_takes_the_stock_out_and_refunding_puts_it_back() {
    let app = spawn_app().await;
    let (owner, m) = app.login_as(Actor::Merchant).await;
    let savon = product(&app, &m, "Savon", 3).await;
    let o = order(&app, &m, savon, 2).await;
    let status = |to: &str, extra: Value| {
        let mut body = json!({"status": to});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let (app, m) = (&app, &m);
        async move {
            app.post_json(m, &format!("/api/pro/commercant/orders/{o}/status"), body)
                .await
        }
    };
    assert_eq!(
        status("PAID", json!({})).await.status(),
        StatusCode::BAD_REQUEST
    );
    let paid = status("PAID", json!({"paymentMethod": "CARD"})).await;
    assert_eq!(paid.status(), StatusCode::OK);
    let v: Value = paid.json().await.unwrap();
    assert_eq!(
        (v["status"].as_str(), v["totalTtcCents"].as_i64()),
        (Some("PAID"), Some(2500))
    );
    assert_eq!(stock_of(&app, savon).await, 1);

    // Items of a paid order are locked.
    let res = patch(
        &app,
        &m,
        &format!("/api/pro/commercant/orders/{o}"),
        json!({"items": [{"productId": savon, "quantity": 1}]}),
    )
    .await;
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["code"],
        "ORDER_LOCKED"
    );

    // A second order for more than what is left: the payment is refused whole.
    let big = order(&app, &m, savon, 2).await;
    let res = app
        .post_json(
            &m,
            &format!("/api/pro/commercant/orders/{big}/status"),
            json!({"status": "PAID", "paymentMethod": "CASH"}),
        )
        .await;
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["code"],
        "INSUFFICIENT_STOCK"
    );
    let (st, entries): (String, i64) = sqlx::query_as(
        "SELECT o.status::text, (SELECT count(*) FROM precompta_entries WHERE merchant_order_id = o.id) FROM merchant_orders o WHERE o.id = $1",
    )
    .bind(big)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((st.as_str(), entries), ("PENDING", 0));
    assert_eq!(stock_of(&app, savon).await, 1);

    assert_eq!(
        status("SHIPPED", json!({"trackingNumber": "COL123"}))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        status("PAID", json!({"paymentMethod": "CARD"}))
            .await
            .status(),
        StatusCode::CONFLICT
    );
    let refunded = status("REFUNDED", json!({})).await;
    assert_eq!(
        refunded.json::<Value>().await.unwrap()["status"],
        "REFUNDED"
    );
    assert_eq!(stock_of(&app, savon).await, 3);
    let ledger: Vec<(String, i32)> = sqlx::query_as(
        "SELECT type::text, amount_ttc_cents FROM precompta_entries WHERE owner_user_id = $1 ORDER BY type",
    )
    .bind(owner)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        ledger,
        [("REFUND".to_owned(), -2500), ("SALE".to_owned(), 2500)]
    );
    let reasons: Vec<String> = sqlx::query_scalar(
        "SELECT reason FROM stock_movements WHERE merchant_order_id = $1 ORDER BY created_at",
    )
    .bind(o)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(reasons, ["Vente", "Retour client"]);

    // Pending orders can be edited; totals follow.
    let res = patch(
        &app,
        &m,
        &format!("/api/pro/commercant/orders/{big}"),
        json!({"items": [{"productId": savon, "quantity": 3}], "notes": "Cadeau"}),
    )
    .await;
    let v: Value = res.json().await.unwrap();
    assert_eq!(
        (v["totalTtcCents"].as_i64(), v["notes"].as_str()),
        (Some(3750), Some("Cadeau"))
    );
    assert_stock_invariant(&app).await;
}

#[tokio::test]
async fn concurrent_payments_never_drive_the_stock_below_zero() {
    let app = spawn_app().await;
    let (_, m) = app.login_as(Actor::Merchant).await;
    let savon = product(&app, &m, "Savon", 10).await;
    let mut ids = Vec::new();
    for _ in 0..25 {
        ids.push(order(&app, &m, savon, 1).await);
    }
    let mut set = tokio::task::JoinSet::new();
    for id in ids {
        let (url, origin, c) = (
            app.url(&format!("/api/pro/commercant/orders/{id}/status")),
            app.origin(),
            m.clone(),
        );
        set.spawn(async move {
            let res = c
                .post(url)
                .header("origin", origin)
                .json(&json!({"status": "PAID", "paymentMethod": "CARD"}))
                .send()
                .await
                .unwrap();
            let status = res.status();
            let code = res.json::<Value>().await.unwrap()["error"]["code"]
                .as_str()
                .map(str::to_owned);
            (status, code)
        });
    }
    let (mut paid, mut short) = (0, 0);
    while let Some(r) = set.join_next().await {
        match r.unwrap() {
            (StatusCode::OK, _) => paid += 1,
            (StatusCode::CONFLICT, Some(c)) if c == "INSUFFICIENT_STOCK" => short += 1,
            other => panic!("unexpected answer {other:?}"),
        }
    }
    assert_eq!((paid, short), (10, 15));
    assert_eq!(stock_of(&app, savon).await, 0);
    assert_stock_invariant(&app).await;
}

/// A small deterministic generator (xorshift): the run is random but reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[tokio::test]
async fn stock_equals_the_sum_of_movements_after_a_random_run() {
    let app = spawn_app().await;
    let (_, m) = app.login_as(Actor::Merchant).await;
    let products = [
        product(&app, &m, "A", 4).await,
        product(&app, &m, "B", 0).await,
        product(&app, &m, "C", 9).await,
    ];
    let mut rng = Rng(0x5eed_2026);
    let mut orders: Vec<Uuid> = Vec::new();
    let (mut ok, mut refused) = (0, 0);
    for round in 0..6 {
        // Each round: a batch of concurrent operations of every kind.
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..12 {
            let p = products[rng.next(3) as usize];
            let (url, body) = match rng.next(5) {
                0 => (
                    "/api/pro/commercant/stock/movements".to_owned(),
                    json!({"productId": p, "type": "IN", "quantity": 1 + rng.next(4)}),
                ),
                1 => (
                    "/api/pro/commercant/stock/movements".to_owned(),
                    json!({"productId": p, "type": "OUT", "quantity": 1 + rng.next(3)}),
                ),
                2 => (
                    "/api/pro/commercant/stock/movements".to_owned(),
                    json!({"productId": p, "type": "ADJUSTMENT", "countedQuantity": rng.next(8)}),
                ),
                3 if !orders.is_empty() => {
                    let o = orders[rng.next(orders.len() as u64) as usize];
                    (
                        format!("/api/pro/commercant/orders/{o}/status"),
                        json!({"status": "REFUNDED"}),
                    )
                }
                _ => {
                    let o = order(&app, &m, p, 1 + rng.next(3) as i32).await;
                    orders.push(o);
                    (
                        format!("/api/pro/commercant/orders/{o}/status"),
                        json!({"status": "PAID", "paymentMethod": "CASH"}),
                    )
                }
            };
            let (url, origin, c) = (app.url(&url), app.origin(), m.clone());
            set.spawn(async move {
                c.post(url)
                    .header("origin", origin)
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
                    .status()
            });
        }
        while let Some(s) = set.join_next().await {
            match s.unwrap() {
                s if s.is_success() => ok += 1,
                StatusCode::CONFLICT | StatusCode::BAD_REQUEST => refused += 1,
                other => panic!("round {round}: unexpected {other}"),
            }
        }
        assert_stock_invariant(&app).await;
    }
    println!(
        "random run: {ok} accepted, {refused} refused (insufficient stock, no change, invalid transition)"
    );
    assert!(ok > 20 && refused > 0);
    let movements: i64 = sqlx::query_scalar("SELECT count(*) FROM stock_movements")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(movements > 10);
}

#[tokio::test]
async fn merchant_clients_and_pages() {
    let app = spawn_app().await;
    let (_, m) = app.login_as(Actor::Merchant).await;
    let res = app
        .post_json(
            &m,
            "/api/pro/commercant/clients",
            json!({"firstName": "Jeanne", "lastName": "Petit", "email": "jeanne@example.fr"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let client: Uuid = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let res = app
        .post_json(
            &m,
            "/api/pro/commercant/clients",
            json!({"firstName": "J", "lastName": "P", "email": "jeanne@example.fr"}),
        )
        .await;
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["code"],
        "CLIENT_EMAIL_EXISTS"
    );
    let savon = product(&app, &m, "Savon", 5).await;
    let res = app
        .post_json(
            &m,
            "/api/pro/commercant/orders",
            json!({"clientId": client, "items": [{"productId": savon, "quantity": 2}]}),
        )
        .await;
    let o: Value = res.json().await.unwrap();
    assert_eq!(o["customerName"], "Jeanne Petit");
    assert!(o["orderNumber"].as_str().unwrap().starts_with("CM-"));
    app.post_json(
        &m,
        &format!(
            "/api/pro/commercant/orders/{}/status",
            o["id"].as_str().unwrap()
        ),
        json!({"status": "PAID", "paymentMethod": "CARD"}),
    )
    .await;
    let v: Value = m
        .get(app.url(&format!("/api/pro/commercant/clients/{client}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (v["ordersCount"].as_i64(), v["totalSpentCents"].as_i64()),
        (Some(1), Some(2500))
    );
    assert_eq!(v["orders"].as_array().unwrap().len(), 1);
    let stats: Value = m
        .get(app.url("/api/pro/commercant/stats?range=week"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (stats["orders"].as_i64(), stats["revenueCents"].as_i64()),
        (Some(1), Some(2500))
    );
    assert_eq!(stats["topItems"][0]["label"], "Savon");

    // The pages: product list, stock, a product by slug, orders, order detail, clients.
    for path in [
        "/pro/commercant/produits",
        "/pro/commercant/produits/nouveau",
        "/pro/commercant/stock?bas=1",
        "/pro/commercant/produits/savon",
        "/pro/commercant/produits/savon/edit",
        "/pro/commercant/commandes",
        "/pro/commercant/clients",
        "/pro/commercant/statistiques",
        "/pro/commercant/pre-compta",
    ] {
        let (status, _) = page_of(&app, &m, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
    }
    let (_, html) = page_of(
        &app,
        &m,
        &format!("/pro/commercant/commandes/{}", o["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(text_of(&html, ".meta .status"), "Payée");
    // A stock movement through the page form.
    let res = app
        .post_form(
            &m,
            "/pro/commercant/stock/mouvements",
            &[
                ("product_id", &savon.to_string()),
                ("type", "IN"),
                ("quantity", "4"),
                ("reason", "Réassort"),
            ],
        )
        .await;
    crate::helpers::assert_redirect_to(&res, "/pro/commercant/stock");
    assert_eq!(stock_of(&app, savon).await, 7);
    let (_, html) = page_of(&app, &m, "/pro/commercant/stock").await;
    assert_eq!(text_of(&html, &format!("#stock-{savon} .stock")), "7");
}

pub async fn page_of(
    app: &TestApp,
    c: &reqwest::Client,
    path: &str,
) -> (StatusCode, scraper::Html) {
    let res = c.get(app.url(path)).send().await.unwrap();
    let status = res.status();
    (
        status,
        scraper::Html::parse_document(&res.text().await.unwrap()),
    )
}

// ---- the OpenAPI description of the artisan, merchant and center areas ----

/// Checks `v` against the response schema of `method path` with `status` in the served
/// OpenAPI document: types, nullability, enums, required keys, and no key the schema does not
/// describe. Shared by the artisan and center tests.
pub fn assert_described(method: &str, path: &str, status: u16, v: &Value) {
    let doc = serde_json::to_value(spymeo_server::api::openapi::document()).unwrap();
    let op = &doc["paths"][path][method.to_lowercase()];
    assert!(op.is_object(), "no operation {method} {path}");
    let schema = &op["responses"][status.to_string()]["content"]["application/json"]["schema"];
    assert!(
        schema.is_object(),
        "{method} {path} describes no JSON {status}"
    );
    let mut errors = Vec::new();
    check(&doc, schema, v, "$", &mut errors);
    assert!(
        errors.is_empty(),
        "{method} {path} {status} does not match its schema:\n{}\n{v:#}",
        errors.join("\n")
    );
}

/// The schema with its `$ref`s resolved and its `allOf` parts merged.
fn resolve(doc: &Value, schema: &Value) -> Value {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/components/schemas/");
        return resolve(doc, &doc["components"]["schemas"][name]);
    }
    let Some(parts) = schema["allOf"].as_array() else {
        return schema.clone();
    };
    let mut merged = json!({"type": "object", "properties": {}, "required": []});
    for part in parts {
        let part = resolve(doc, part);
        if let Some(props) = part["properties"].as_object() {
            for (k, p) in props {
                merged["properties"][k] = p.clone();
            }
        }
        if let Some(req) = part["required"].as_array() {
            merged["required"]
                .as_array_mut()
                .unwrap()
                .extend(req.iter().cloned());
        }
    }
    merged
}

fn check(doc: &Value, schema: &Value, v: &Value, at: &str, errors: &mut Vec<String>) {
    let schema = resolve(doc, schema);
    if let Some(options) = schema["oneOf"].as_array() {
        let fits = options.iter().any(|o| {
            let mut e = Vec::new();
            check(doc, o, v, at, &mut e);
            e.is_empty()
        });
        if !fits {
            errors.push(format!("{at}: {v} fits none of {}", schema["oneOf"]));
        }
        return;
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let actual = match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    let fits = types.is_empty()
        || types.contains(&actual)
        || (actual == "integer" && types.contains(&"number"));
    if !fits {
        errors.push(format!("{at}: {actual} where the schema says {types:?}"));
        return;
    }
    if let Some(values) = schema["enum"].as_array()
        && !values.contains(v)
    {
        errors.push(format!("{at}: {v} is not one of {values:?}"));
    }
    match v {
        Value::Object(map) => {
            let props = schema["properties"].as_object();
            for (k, item) in map {
                match props.and_then(|p| p.get(k)) {
                    Some(p) => check(doc, p, item, &format!("{at}.{k}"), errors),
                    None if schema["additionalProperties"].is_object() => {}
                    None => errors.push(format!("{at}.{k}: key not described")),
                }
            }
            for k in schema["required"].as_array().into_iter().flatten() {
                if !map.contains_key(k.as_str().unwrap()) {
                    errors.push(format!("{at}.{k}: required key missing"));
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                check(doc, &schema["items"], item, &format!("{at}[{i}]"), errors);
            }
        }
        _ => {}
    }
}

/// GETs `path` (200) and checks the answer against the description of `template`.
pub async fn get_described(
    app: &TestApp,
    c: &reqwest::Client,
    path: &str,
    template: &str,
) -> Value {
    let res = c.get(app.url(path)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "GET {path}");
    let v: Value = res.json().await.unwrap();
    assert_described("GET", template, 200, &v);
    v
}

/// Sends a JSON body and checks the answer (`status`) against the description.
pub async fn send_described(
    app: &TestApp,
    c: &reqwest::Client,
    method: &str,
    path: &str,
    template: &str,
    body: Value,
    status: u16,
) -> Value {
    let res = c
        .request(method.parse().unwrap(), app.url(path))
        .header("origin", app.origin())
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), status, "{method} {path}");
    let v: Value = res.json().await.unwrap();
    assert_described(method, template, status, &v);
    v
}

#[tokio::test]
async fn merchant_answers_match_their_openapi_description() {
    let app = spawn_app().await;
    let (_, m) = app.login_as(Actor::Merchant).await;
    let p = send_described(
        &app,
        &m,
        "POST",
        "/api/pro/commercant/products",
        "/api/pro/commercant/products",
        json!({"title": "Savon d'Alep", "sku": "ALEP-1", "priceTtcCents": 890, "vatRateBp": 2000,
               "initialStock": 10, "status": "ACTIVE", "images": ["a.jpg"]}),
        201,
    )
    .await;
    let id = p["id"].as_str().unwrap().to_owned();
    // A bare product: every optional column null.
    send_described(
        &app,
        &m,
        "POST",
        "/api/pro/commercant/products",
        "/api/pro/commercant/products",
        json!({"title": "Brouillon"}),
        201,
    )
    .await;
    let product_path = format!("/api/pro/commercant/products/{id}");
    send_described(
        &app,
        &m,
        "PATCH",
        &product_path,
        "/api/pro/commercant/products/{id}",
        json!({"sku": null, "vatRateBp": null, "description": "Huile d'olive"}),
        200,
    )
    .await;
    let mv = send_described(
        &app,
        &m,
        "POST",
        "/api/pro/commercant/stock/movements",
        "/api/pro/commercant/stock/movements",
        json!({"productId": id, "type": "ADJUSTMENT", "countedQuantity": 7, "reason": "Inventaire"}),
        201,
    )
    .await;
    assert_eq!(mv["quantity"], -3);
    let client = send_described(
        &app,
        &m,
        "POST",
        "/api/pro/commercant/clients",
        "/api/pro/commercant/clients",
        json!({"firstName": "Jeanne", "lastName": "Petit", "email": " Jeanne@Example.org ",
               "phone": "06 12 34 56 78", "postalCode": "69001"}),
        201,
    )
    .await;
    let client_id = client["id"].as_str().unwrap().to_owned();
    let o = send_described(
        &app,
        &m,
        "POST",
        "/api/pro/commercant/orders",
        "/api/pro/commercant/orders",
        json!({"clientId": client_id, "items": [{"id": id, "quantity": 2}]}),
        201,
    )
    .await;
    let order_path = format!("/api/pro/commercant/orders/{}", o["id"].as_str().unwrap());
    send_described(
        &app,
        &m,
        "PATCH",
        &order_path,
        "/api/pro/commercant/orders/{id}",
        json!({"shippingAddress": "1 rue de la Paix", "notes": null}),
        200,
    )
    .await;
    for (body, status) in [
        (json!({"status": "PAID", "paymentMethod": "CARD"}), 200),
        (json!({"status": "SHIPPED", "trackingNumber": "XY123"}), 200),
        (json!({"status": "PENDING"}), 409),
    ] {
        send_described(
            &app,
            &m,
            "POST",
            &format!("{order_path}/status"),
            "/api/pro/commercant/orders/{id}/status",
            body,
            status,
        )
        .await;
    }
    let client_path = format!("/api/pro/commercant/clients/{client_id}");
    send_described(
        &app,
        &m,
        "PATCH",
        &client_path,
        "/api/pro/commercant/clients/{id}",
        json!({"city": "Lyon", "phone": null}),
        200,
    )
    .await;
    for (path, template) in [
        (
            "/api/pro/commercant/products",
            "/api/pro/commercant/products",
        ),
        (
            "/api/pro/commercant/products?lowStock=on&status=ACTIVE",
            "/api/pro/commercant/products",
        ),
        (&product_path, "/api/pro/commercant/products/{id}"),
        ("/api/pro/commercant/stock", "/api/pro/commercant/stock"),
        (
            "/api/pro/commercant/stock/movements?type=IN",
            "/api/pro/commercant/stock/movements",
        ),
        ("/api/pro/commercant/clients", "/api/pro/commercant/clients"),
        (&client_path, "/api/pro/commercant/clients/{id}"),
        (
            "/api/pro/commercant/orders?status=SHIPPED",
            "/api/pro/commercant/orders",
        ),
        (&order_path, "/api/pro/commercant/orders/{id}"),
        (
            "/api/pro/commercant/stats?range=year",
            "/api/pro/commercant/stats",
        ),
    ] {
        get_described(&app, &m, path, template).await;
    }
    let stats = get_described(
        &app,
        &m,
        "/api/pro/commercant/stats",
        "/api/pro/commercant/stats",
    )
    .await;
    assert!(stats["lowStockCount"].is_i64());
}

#[tokio::test]
async fn merchant_inputs_are_refused_as_described() {
    let app = spawn_app().await;
    let (_, m) = app.login_as(Actor::Merchant).await;
    // An unknown order status is a 400, not an empty list.
    let res = m
        .get(app.url("/api/pro/commercant/orders?status=CONFIRMED"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    // Nine images are refused at creation as they are on edit.
    let images: Vec<String> = (0..9).map(|i| format!("{i}.jpg")).collect();
    let res = app
        .post_json(
            &m,
            "/api/pro/commercant/products",
            json!({"title": "Trop d'images", "images": images}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    // Movements stay far from the integer limit of the stock column.
    let p = product(&app, &m, "Bougie", 1).await;
    for body in [
        json!({"productId": p, "type": "IN", "quantity": 1_000_001}),
        json!({"productId": p, "type": "ADJUSTMENT", "countedQuantity": 2_000_000_000}),
        json!({"productId": p, "type": "ADJUSTMENT", "countedQuantity": 4, "quantity": -1}),
        json!({"productId": p, "type": "IN", "quantity": 2, "countedQuantity": -1}),
    ] {
        let res = app
            .post_json(&m, "/api/pro/commercant/stock/movements", body)
            .await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    }
    let res = app
        .post_json(
            &m,
            "/api/pro/commercant/products",
            json!({"title": "Stock énorme", "initialStock": 1_000_001}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(stock_of(&app, p).await, 1);
}
