//! `/api/pro/commercant/*` (DOMAIN.md §6.13, §7.5): products, stock through append-only
//! movements (the database refuses negative stock: 409 INSUFFICIENT_STOCK), clients, and
//! orders whose payment takes the stock out and whose refund puts it back, in one transaction.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use spymeo_core::db::catalog::{self, ProductInput};
use spymeo_core::db::listing::Paging;
use spymeo_core::db::merchant::{self as db, MovementFilter, ProductEdit, ProductFilter};
use spymeo_core::db::merchant_orders::{self as orders, NewOrder};
use spymeo_core::db::pros::ProKind;
use spymeo_core::db::shop::Shop;
use spymeo_core::db::stock::{self, MovementInput};
use spymeo_core::domain::{CatalogStatus, MerchantOrderStatus, PaymentMethod, StockMovementType};
use uuid::Uuid;

use super::input::{Body, Params, double_option, filter, flag, non_blank};
use super::shop::{
    self as s, ClientInput, ClientPatch, ItemInput, ListQuery, OrderChanges, StatsQuery, to_json,
};
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::state::AppState;

pub async fn merchant_id(state: &AppState, user: &CurrentUser) -> Result<Uuid> {
    s::owner(state, user, ProKind::Merchant).await
}

// ---- products ----

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductsQuery {
    pub status: Option<String>,
    pub category: Option<String>,
    pub q: Option<String>,
    pub low_stock: Option<String>,
    pub page: Option<i64>,
    pub limit: Option<i64>,
}

impl ProductsQuery {
    pub fn filter(&self) -> Result<ProductFilter> {
        Ok(ProductFilter {
            status: filter(&self.status)?,
            category: non_blank(self.category.clone()),
            q: self.q.clone(),
            low_stock: flag(&self.low_stock)?.unwrap_or(false),
        })
    }
}

pub async fn products(
    State(state): State<AppState>,
    user: CurrentUser,
    Params(q): Params<ProductsQuery>,
) -> Result<Json<Value>> {
    let m = merchant_id(&state, &user).await?;
    let page = db::products(&state.pool, m, &q.filter()?, Paging::new(q.page, q.limit)).await?;
    Ok(Json(to_json(&page)?))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewProduct {
    #[serde(default)]
    pub title: String,
    pub sku: Option<String>,
    pub description: Option<String>,
    pub category: Option<String>,
    #[serde(default)]
    pub price_ttc_cents: i32,
    #[serde(default = "default_vat")]
    pub vat_rate_bp: i16,
    pub initial_stock: Option<i32>,
    pub low_stock_threshold: Option<i32>,
    #[serde(default)]
    pub images: Vec<String>,
    pub status: Option<CatalogStatus>,
}

fn default_vat() -> i16 {
    2000
}

/// `initialStock > 0` is the "Stock initial" IN movement, in the same transaction.
pub async fn create_product_action(
    state: &AppState,
    user: &CurrentUser,
    p: NewProduct,
) -> Result<db::ProductRow> {
    let m = merchant_id(state, user).await?;
    let input = ProductInput {
        title: p.title,
        sku: non_blank(p.sku),
        description: non_blank(p.description),
        category: non_blank(p.category),
        price_ttc_cents: p.price_ttc_cents,
        vat_rate_bp: p.vat_rate_bp,
        initial_stock: p.initial_stock.unwrap_or(0),
        low_stock_threshold: p.low_stock_threshold.unwrap_or(3),
        images: p.images,
        status: p.status.unwrap_or(CatalogStatus::Draft),
    };
    let mut tx = state.pool.begin().await?;
    let id = catalog::create_product(&mut tx, m, &input, Some(user.id), Utc::now()).await?;
    let row = db::product(&mut tx, m, id).await?;
    tx.commit().await?;
    Ok(row)
}

pub async fn create_product(
    State(state): State<AppState>,
    user: CurrentUser,
    Body(p): Body<NewProduct>,
) -> Result<(StatusCode, Json<Value>)> {
    let row = create_product_action(&state, &user, p).await?;
    Ok((StatusCode::CREATED, Json(to_json(&row)?)))
}

/// A product with its latest movements.
pub async fn product(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>> {
    let m = merchant_id(&state, &user).await?;
    let p = db::product(&mut *state.pool.acquire().await?, m, id).await?;
    let history = db::movements(
        &state.pool,
        m,
        &MovementFilter {
            product_id: Some(id),
            ..Default::default()
        },
        Paging::new(None, Some(50)),
    )
    .await?;
    let mut v = to_json(&p)?;
    v["movements"] = to_json(&history.items)?;
    Ok(Json(v))
}

/// Partial; `stockQuantity` is not a field (unknown fields are refused): stock changes only
/// through movements.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProductPatch {
    pub title: Option<String>,
    #[serde(default, with = "double_option")]
    pub sku: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub description: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub category: Option<Option<String>>,
    pub price_ttc_cents: Option<i32>,
    pub vat_rate_bp: Option<i16>,
    pub low_stock_threshold: Option<i32>,
    pub images: Option<Vec<String>>,
    pub status: Option<CatalogStatus>,
}

pub async fn patch_product_action(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    p: ProductPatch,
) -> Result<db::ProductRow> {
    let m = merchant_id(state, user).await?;
    let mut tx = state.pool.begin().await?;
    let cur = db::product(&mut tx, m, id).await?;
    let mut e = ProductEdit::from(&cur);
    if let Some(t) = p.title {
        e.title = t;
    }
    if let Some(v) = p.sku {
        e.sku = non_blank(v);
    }
    if let Some(v) = p.description {
        e.description = non_blank(v);
    }
    if let Some(v) = p.category {
        e.category = non_blank(v);
    }
    e.price_ttc_cents = p.price_ttc_cents.unwrap_or(e.price_ttc_cents);
    e.vat_rate_bp = p.vat_rate_bp.unwrap_or(e.vat_rate_bp);
    e.low_stock_threshold = p.low_stock_threshold.unwrap_or(e.low_stock_threshold);
    if let Some(i) = p.images {
        e.images = i;
    }
    e.status = p.status.unwrap_or(e.status);
    db::update_product(&mut tx, m, id, &e).await?;
    let row = db::product(&mut tx, m, id).await?;
    tx.commit().await?;
    Ok(row)
}

pub async fn patch_product(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Body(p): Body<ProductPatch>,
) -> Result<Json<Value>> {
    Ok(Json(to_json(
        &patch_product_action(&state, &user, id, p).await?,
    )?))
}

pub async fn delete_product(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    let m = merchant_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    db::delete_product(&mut conn, m, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- stock ----

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StockQuery {
    pub low_stock: Option<String>,
}

pub async fn stock_levels(
    State(state): State<AppState>,
    user: CurrentUser,
    Params(q): Params<StockQuery>,
) -> Result<Json<Value>> {
    let m = merchant_id(&state, &user).await?;
    let low = flag(&q.low_stock)?.unwrap_or(false);
    Ok(Json(to_json(&db::stock(&state.pool, m, low).await?)?))
}

pub async fn stock_csv(State(state): State<AppState>, user: CurrentUser) -> Result<Response> {
    let m = merchant_id(&state, &user).await?;
    let csv = db::stock_csv(&state.pool, m).await?;
    let day = spymeo_core::domain::paris_date(Utc::now());
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"stock-{day}.csv\""),
            ),
        ],
        csv,
    )
        .into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MovementsQuery {
    pub product_id: Option<Uuid>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub page: Option<i64>,
    pub limit: Option<i64>,
}

pub async fn movements(
    State(state): State<AppState>,
    user: CurrentUser,
    Params(q): Params<MovementsQuery>,
) -> Result<Json<Value>> {
    let m = merchant_id(&state, &user).await?;
    let f = MovementFilter {
        product_id: q.product_id,
        kind: filter(&q.kind)?,
        from: q.from,
        to: q.to,
    };
    Ok(Json(to_json(
        &db::movements(&state.pool, m, &f, Paging::new(q.page, q.limit)).await?,
    )?))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewMovement {
    pub product_id: Uuid,
    #[serde(rename = "type")]
    pub kind: StockMovementType,
    pub quantity: Option<i32>,
    pub counted_quantity: Option<i32>,
    pub reason: Option<String>,
}

/// IN/OUT take `quantity > 0`; ADJUSTMENT takes `countedQuantity` (the delta is computed
/// under the product's row lock). Another merchant's product → 404 (AR-11).
pub async fn record_movement_action(
    state: &AppState,
    user: &CurrentUser,
    n: NewMovement,
) -> Result<Value> {
    let m = merchant_id(state, user).await?;
    let input = match n.kind {
        StockMovementType::In => MovementInput::In(n.quantity.unwrap_or(0)),
        StockMovementType::Out => MovementInput::Out(n.quantity.unwrap_or(0)),
        StockMovementType::Adjustment => MovementInput::Adjustment {
            counted: n.counted_quantity.ok_or_else(|| {
                Error::from(spymeo_core::Error::field(
                    "countedQuantity",
                    "quantité comptée requise",
                ))
            })?,
        },
    };
    let reason = non_blank(n.reason);
    let mut tx = state.pool.begin().await?;
    let mv = stock::record_movement(
        &mut tx,
        m,
        n.product_id,
        input,
        reason.as_deref(),
        None,
        Some(user.id),
        Utc::now(),
    )
    .await?;
    tx.commit().await?;
    Ok(
        json!({"id": mv.id, "productId": n.product_id, "type": n.kind, "quantity": mv.quantity,
              "stockAfter": mv.stock_after, "reason": reason}),
    )
}

pub async fn record_movement(
    State(state): State<AppState>,
    user: CurrentUser,
    Body(n): Body<NewMovement>,
) -> Result<(StatusCode, Json<Value>)> {
    Ok((
        StatusCode::CREATED,
        Json(record_movement_action(&state, &user, n).await?),
    ))
}

// ---- clients ----

pub async fn clients(
    State(state): State<AppState>,
    user: CurrentUser,
    Params(q): Params<ListQuery>,
) -> Result<Json<Value>> {
    Ok(Json(
        s::list_clients(&state, &user, Shop::Merchant, q).await?,
    ))
}

pub async fn create_client(
    State(state): State<AppState>,
    user: CurrentUser,
    Body(c): Body<ClientInput>,
) -> Result<(StatusCode, Json<Value>)> {
    s::create_client(&state, &user, Shop::Merchant, c).await
}

pub async fn client(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>> {
    Ok(Json(s::client(&state, &user, Shop::Merchant, id).await?))
}

pub async fn patch_client(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Body(p): Body<ClientPatch>,
) -> Result<Json<Value>> {
    Ok(Json(
        s::patch_client(&state, &user, Shop::Merchant, id, p).await?,
    ))
}

pub async fn delete_client(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    s::delete_client(&state, &user, Shop::Merchant, id).await
}

// ---- orders ----

pub async fn orders_list(
    State(state): State<AppState>,
    user: CurrentUser,
    Params(q): Params<ListQuery>,
) -> Result<Json<Value>> {
    Ok(Json(
        s::list_orders(&state, &user, Shop::Merchant, q).await?,
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewOrderInput {
    pub client_id: Option<Uuid>,
    pub customer_name: Option<String>,
    pub customer_email: Option<String>,
    pub shipping_address: Option<String>,
    #[serde(default)]
    pub items: Vec<ItemInput>,
    pub notes: Option<String>,
}

pub async fn create_order_action(
    state: &AppState,
    user: &CurrentUser,
    o: NewOrderInput,
) -> Result<Value> {
    let m = merchant_id(state, user).await?;
    let order = NewOrder {
        client_id: o.client_id,
        customer_name: non_blank(o.customer_name),
        customer_email: non_blank(o.customer_email),
        shipping_address: non_blank(o.shipping_address),
        items: o.items.into_iter().map(|i| (i.id, i.quantity)).collect(),
        notes: non_blank(o.notes),
    };
    let mut tx = state.pool.begin().await?;
    let created = orders::create(&mut tx, m, &order, Utc::now()).await?;
    let detail = spymeo_core::db::shop::order(&mut tx, Shop::Merchant, m, created.id).await?;
    tx.commit().await?;
    to_json(&detail)
}

pub async fn create_order(
    State(state): State<AppState>,
    user: CurrentUser,
    Body(o): Body<NewOrderInput>,
) -> Result<(StatusCode, Json<Value>)> {
    Ok((
        StatusCode::CREATED,
        Json(create_order_action(&state, &user, o).await?),
    ))
}

pub async fn order(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>> {
    Ok(Json(s::order(&state, &user, Shop::Merchant, id).await?))
}

pub async fn patch_order(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Body(c): Body<OrderChanges>,
) -> Result<Json<Value>> {
    Ok(Json(
        s::patch_order(&state, &user, Shop::Merchant, id, c).await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusChange {
    pub status: MerchantOrderStatus,
    pub payment_method: Option<PaymentMethod>,
    pub paid_at: Option<DateTime<Utc>>,
    pub tracking_number: Option<String>,
    /// Refund and cancellation of a paid order put the stock back unless `false`.
    pub restock: Option<bool>,
}

/// §7.5 transitions; each one (stock movements, pre-compta entry, status) is one transaction.
pub async fn set_status_action(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    c: StatusChange,
) -> Result<Value> {
    let m = merchant_id(state, user).await?;
    let now = Utc::now();
    let mut tx = state.pool.begin().await?;
    match c.status {
        MerchantOrderStatus::Paid => {
            let method = c.payment_method.ok_or_else(|| {
                Error::from(spymeo_core::Error::field(
                    "paymentMethod",
                    "mode de règlement requis",
                ))
            })?;
            orders::pay(
                &mut tx,
                m,
                id,
                method,
                c.paid_at.unwrap_or(now).min(now),
                now,
            )
            .await?
        }
        MerchantOrderStatus::Shipped => {
            let tracking = non_blank(c.tracking_number);
            orders::ship(&mut tx, m, id, tracking.as_deref(), now).await?
        }
        MerchantOrderStatus::Delivered => orders::deliver(&mut tx, m, id, now).await?,
        MerchantOrderStatus::Cancelled => {
            orders::cancel(&mut tx, m, id, c.restock.unwrap_or(true), now).await?
        }
        MerchantOrderStatus::Refunded => {
            orders::refund(&mut tx, m, id, c.restock.unwrap_or(true), now).await?
        }
        MerchantOrderStatus::Pending => {
            return Err(Error::new(
                StatusCode::CONFLICT,
                "INVALID_TRANSITION",
                "Changement de statut impossible",
            ));
        }
    }
    let detail = spymeo_core::db::shop::order(&mut tx, Shop::Merchant, m, id).await?;
    tx.commit().await?;
    to_json(&detail)
}

pub async fn set_status(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Body(c): Body<StatusChange>,
) -> Result<Json<Value>> {
    Ok(Json(set_status_action(&state, &user, id, c).await?))
}

pub async fn stats(
    State(state): State<AppState>,
    user: CurrentUser,
    Params(q): Params<StatsQuery>,
) -> Result<Json<Value>> {
    Ok(Json(s::stats(&state, &user, Shop::Merchant, q).await?))
}
