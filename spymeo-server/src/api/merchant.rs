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
    self as s, ClientInput, ClientPatch, ClientsParams, ItemInput, ListQuery, MerchantOrdersParams,
    OrderChanges, Page, ShopClientDetail, ShopClientOut, ShopOrder, ShopOrderDetail, ShopStats,
    StatsParams, StatsQuery, to_json,
};
use crate::api::openapi::ErrorEnvelope;
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::state::AppState;

/// This module's part of the OpenAPI document (joined in `api::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    products,
    create_product,
    product,
    patch_product,
    delete_product,
    stock_levels,
    stock_csv,
    movements,
    record_movement,
    clients,
    create_client,
    client,
    patch_client,
    delete_client,
    orders_list,
    create_order,
    order,
    patch_order,
    set_status,
    stats,
))]
pub struct ApiDoc;

/// Largest quantity of one stock movement (and counted stock), so that stock sums stay far
/// from the integer column's limit.
pub const MAX_MOVEMENT_QUANTITY: i32 = 1_000_000;

/// A product (`ProductRow`).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)] // describes spymeo_core::db::merchant::ProductRow
pub struct MerchantProduct {
    pub id: Uuid,
    pub slug: String,
    pub sku: Option<String>,
    pub title: String,
    pub description: Option<String>,
    pub category: Option<String>,
    pub price_ttc_cents: i32,
    pub vat_rate_bp: i16,
    pub stock_quantity: i32,
    pub low_stock_threshold: i32,
    pub images: Vec<String>,
    pub status: s::CatalogStatus,
    /// At or under the low-stock threshold.
    pub low: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A product with its latest 50 stock movements.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes what `product` writes
pub struct MerchantProductDetail {
    #[schema(inline)]
    #[serde(flatten)]
    pub product: MerchantProduct,
    pub movements: Vec<StockMovement>,
}

/// Type de mouvement de stock.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes spymeo_core::domain::StockMovementType
pub enum StockMovementKind {
    #[schema(rename = "IN")]
    In,
    #[schema(rename = "OUT")]
    Out,
    #[schema(rename = "ADJUSTMENT")]
    Adjustment,
}

/// A stock movement (`MovementRow`); `quantity` is signed (OUT < 0).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)] // describes spymeo_core::db::merchant::MovementRow
pub struct StockMovement {
    pub id: Uuid,
    pub product_id: Uuid,
    pub product_title: String,
    #[schema(rename = "type")]
    pub kind: StockMovementKind,
    pub quantity: i32,
    pub stock_after: i32,
    pub reason: Option<String>,
    /// The order whose payment or refund moved the stock.
    pub order_number: Option<String>,
    pub occurred_at: DateTime<Utc>,
}

/// The movement just recorded.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)] // describes what `record_movement_action` writes
pub struct RecordedMovement {
    pub id: Uuid,
    pub product_id: Uuid,
    #[schema(rename = "type")]
    pub kind: StockMovementKind,
    /// Signed delta (OUT < 0; ADJUSTMENT: counted − previous stock).
    pub quantity: i32,
    pub stock_after: i32,
    pub reason: Option<String>,
}

/// The stock level of a product not archived (`StockLevel`).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)] // describes spymeo_core::db::merchant::StockLevel
pub struct StockLevelOut {
    pub product_id: Uuid,
    pub slug: String,
    pub title: String,
    pub sku: Option<String>,
    pub stock_quantity: i32,
    pub low_stock_threshold: i32,
    pub low: bool,
    pub status: s::CatalogStatus,
}

/// `?status=&category=&q=&lowStock=&page=&limit=` of the product list.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
#[allow(dead_code)] // describes ProductsQuery
pub struct ProductsParams {
    /// DRAFT, ACTIVE, PAUSED ou ARCHIVED (vide : tous).
    #[param(value_type = Option<String>, pattern = r"^\s*(DRAFT|ACTIVE|PAUSED|ARCHIVED)?\s*$")]
    pub status: Option<s::CatalogStatus>,
    /// Catégorie exacte (vide : toutes).
    pub category: Option<String>,
    /// Recherche sur le titre ou la référence.
    pub q: Option<String>,
    /// Only the products at or under their threshold: `true`/`1`/`on`, `false`/`0`/`off`.
    #[param(value_type = Option<String>, pattern = r"^\s*(true|1|on|false|0|off)?\s*$")]
    pub low_stock: Option<String>,
}

/// `?lowStock=` of the stock levels.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
#[allow(dead_code)] // describes StockQuery
pub struct StockParams {
    /// Only the products at or under their threshold: `true`/`1`/`on`, `false`/`0`/`off`.
    #[param(value_type = Option<String>, pattern = r"^\s*(true|1|on|false|0|off)?\s*$")]
    pub low_stock: Option<String>,
}

/// `?productId=&type=&from=&to=&page=&limit=` of the movement journal.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
#[allow(dead_code)] // describes MovementsQuery
pub struct MovementsParams {
    pub product_id: Option<Uuid>,
    /// IN, OUT ou ADJUSTMENT (vide : tous).
    #[param(rename = "type", value_type = Option<String>, pattern = r"^\s*(IN|OUT|ADJUSTMENT)?\s*$")]
    pub kind: Option<StockMovementKind>,
    /// Survenus à partir de cet instant.
    pub from: Option<DateTime<Utc>>,
    /// Survenus avant cet instant.
    pub to: Option<DateTime<Utc>>,
}

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

/// The merchant's products.
#[utoipa::path(get, path = "/api/pro/commercant/products", tag = "commercant",
    params(ProductsParams, crate::api::input::PageParams),
    responses((status = 200, description = "Une page de produits", body = Page<MerchantProduct>)))]
pub async fn products(
    State(state): State<AppState>,
    user: CurrentUser,
    Params(q): Params<ProductsQuery>,
) -> Result<Json<Value>> {
    let m = merchant_id(&state, &user).await?;
    let page = db::products(&state.pool, m, &q.filter()?, Paging::new(q.page, q.limit)).await?;
    Ok(Json(to_json(&page)?))
}

/// A new product (DRAFT unless `status` says otherwise).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = MerchantNewProduct)]
pub struct NewProduct {
    #[serde(default)]
    #[schema(required = true, pattern = r"\S", max_length = 200)]
    pub title: String,
    /// Référence, unique chez le commerçant.
    #[schema(max_length = 40)]
    pub sku: Option<String>,
    pub description: Option<String>,
    pub category: Option<String>,
    /// 0 by default.
    #[serde(default)]
    #[schema(minimum = 0)]
    pub price_ttc_cents: i32,
    /// 2000 (20 %) by default.
    #[serde(default = "default_vat")]
    #[schema(schema_with = s::vat_rate)]
    pub vat_rate_bp: i16,
    /// Recorded as the "Stock initial" IN movement when > 0.
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub initial_stock: Option<i32>,
    /// 3 by default.
    #[schema(minimum = 0)]
    pub low_stock_threshold: Option<i32>,
    #[serde(default)]
    #[schema(max_items = 8)]
    pub images: Vec<String>,
    #[schema(value_type = Option<s::CatalogStatus>)]
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
    if p.images.len() > 8 {
        return Err(spymeo_core::Error::field("images", "8 images au plus").into());
    }
    if p.initial_stock.is_some_and(|q| q > MAX_MOVEMENT_QUANTITY) {
        return Err(spymeo_core::Error::field("initialStock", "1 000 000 au plus").into());
    }
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

/// Creates a product, with its initial stock movement.
#[utoipa::path(post, path = "/api/pro/commercant/products", tag = "commercant",
    request_body = NewProduct,
    responses(
        (status = 201, description = "Produit créé", body = MerchantProduct),
        (status = 409, description = "Référence déjà utilisée (SKU_TAKEN) ou adresse de page prise (SLUG_TAKEN)", body = ErrorEnvelope),
    ))]
pub async fn create_product(
    State(state): State<AppState>,
    user: CurrentUser,
    Body(p): Body<NewProduct>,
) -> Result<(StatusCode, Json<Value>)> {
    let row = create_product_action(&state, &user, p).await?;
    Ok((StatusCode::CREATED, Json(to_json(&row)?)))
}

/// A product with its latest movements.
#[utoipa::path(get, path = "/api/pro/commercant/products/{id}", tag = "commercant",
    params(("id" = Uuid, Path, description = "Produit")),
    responses((status = 200, description = "Le produit et ses 50 derniers mouvements", body = MerchantProductDetail)))]
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
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = MerchantProductPatch)]
pub struct ProductPatch {
    /// `null` = unchanged.
    #[schema(pattern = r"\S", max_length = 200)]
    pub title: Option<String>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, max_length = 40)]
    pub sku: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub category: Option<Option<String>>,
    #[schema(minimum = 0)]
    pub price_ttc_cents: Option<i32>,
    #[schema(schema_with = s::vat_rate_nullable)]
    pub vat_rate_bp: Option<i16>,
    #[schema(minimum = 0)]
    pub low_stock_threshold: Option<i32>,
    #[schema(max_items = 8)]
    pub images: Option<Vec<String>>,
    #[schema(value_type = Option<s::CatalogStatus>)]
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

/// Edits a product (not its stock: record a movement).
#[utoipa::path(patch, path = "/api/pro/commercant/products/{id}", tag = "commercant",
    params(("id" = Uuid, Path, description = "Produit")),
    request_body = ProductPatch,
    responses(
        (status = 200, description = "Le produit modifié", body = MerchantProduct),
        (status = 409, description = "Référence déjà utilisée (SKU_TAKEN)", body = ErrorEnvelope),
    ))]
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

/// Deletes a product without stock history (archive it otherwise).
#[utoipa::path(delete, path = "/api/pro/commercant/products/{id}", tag = "commercant",
    params(("id" = Uuid, Path, description = "Produit")),
    responses(
        (status = 204, description = "Produit supprimé"),
        (status = 409, description = "Le produit a un historique de stock (PRODUCT_HAS_HISTORY)", body = ErrorEnvelope),
    ))]
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

/// Stock levels of the products not archived, low ones first.
#[utoipa::path(get, path = "/api/pro/commercant/stock", tag = "commercant",
    params(StockParams),
    responses((status = 200, description = "Les niveaux de stock", body = Vec<StockLevelOut>)))]
pub async fn stock_levels(
    State(state): State<AppState>,
    user: CurrentUser,
    Params(q): Params<StockQuery>,
) -> Result<Json<Value>> {
    let m = merchant_id(&state, &user).await?;
    let low = flag(&q.low_stock)?.unwrap_or(false);
    Ok(Json(to_json(&db::stock(&state.pool, m, low).await?)?))
}

/// The stock levels as a `;`-separated CSV file.
#[utoipa::path(get, path = "/api/pro/commercant/stock/export.csv", tag = "commercant",
    responses((status = 200, description = "Export CSV (pièce jointe `stock-AAAA-MM-JJ.csv`)",
        content_type = "text/csv", body = String)))]
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

/// The stock movement journal, newest first.
#[utoipa::path(get, path = "/api/pro/commercant/stock/movements", tag = "commercant",
    params(MovementsParams, crate::api::input::PageParams),
    responses((status = 200, description = "Une page de mouvements", body = Page<StockMovement>)))]
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

/// A stock movement: IN/OUT take `quantity`, ADJUSTMENT takes `countedQuantity`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = MerchantNewMovement)]
pub struct NewMovement {
    pub product_id: Uuid,
    #[serde(rename = "type")]
    #[schema(value_type = StockMovementKind)]
    pub kind: StockMovementType,
    /// IN/OUT: required, 1 to 1 000 000 (not used by ADJUSTMENT).
    #[schema(minimum = 1, maximum = 1_000_000)]
    pub quantity: Option<i32>,
    /// ADJUSTMENT: required, the stock counted, 0 to 1 000 000 (not used by IN/OUT).
    #[schema(minimum = 0, maximum = 1_000_000)]
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
    // Checked whatever the type, as the OpenAPI description says.
    if n.quantity
        .is_some_and(|q| !(1..=MAX_MOVEMENT_QUANTITY).contains(&q))
    {
        return Err(spymeo_core::Error::field("quantity", "de 1 à 1 000 000").into());
    }
    if n.counted_quantity
        .is_some_and(|q| !(0..=MAX_MOVEMENT_QUANTITY).contains(&q))
    {
        return Err(spymeo_core::Error::field("countedQuantity", "de 0 à 1 000 000").into());
    }
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

/// Records a stock movement (the database refuses a negative stock).
#[utoipa::path(post, path = "/api/pro/commercant/stock/movements", tag = "commercant",
    request_body = NewMovement,
    responses(
        (status = 201, description = "Mouvement enregistré", body = RecordedMovement),
        (status = 404, description = "Produit inconnu ou d'un autre commerçant (NOT_FOUND)", body = ErrorEnvelope),
        (status = 409, description = "Stock insuffisant (INSUFFICIENT_STOCK) ou stock compté égal au stock actuel (NO_CHANGE)", body = ErrorEnvelope),
    ))]
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

/// The merchant's client files.
#[utoipa::path(get, path = "/api/pro/commercant/clients", tag = "commercant",
    params(ClientsParams, crate::api::input::PageParams),
    responses((status = 200, description = "Une page de fiches clients", body = Page<ShopClientOut>)))]
pub async fn clients(
    State(state): State<AppState>,
    user: CurrentUser,
    Params(q): Params<ListQuery>,
) -> Result<Json<Value>> {
    Ok(Json(
        s::list_clients(&state, &user, Shop::Merchant, q).await?,
    ))
}

/// Creates a client file.
#[utoipa::path(post, path = "/api/pro/commercant/clients", tag = "commercant",
    request_body = ClientInput,
    responses(
        (status = 201, description = "Fiche client créée", body = ShopClientOut),
        (status = 409, description = "Un client a déjà cette adresse (CLIENT_EMAIL_EXISTS)", body = ErrorEnvelope),
    ))]
pub async fn create_client(
    State(state): State<AppState>,
    user: CurrentUser,
    Body(c): Body<ClientInput>,
) -> Result<(StatusCode, Json<Value>)> {
    s::create_client(&state, &user, Shop::Merchant, c).await
}

/// A client file with its latest 100 orders.
#[utoipa::path(get, path = "/api/pro/commercant/clients/{id}", tag = "commercant",
    params(("id" = Uuid, Path, description = "Fiche client")),
    responses((status = 200, description = "La fiche et ses commandes", body = ShopClientDetail)))]
pub async fn client(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>> {
    Ok(Json(s::client(&state, &user, Shop::Merchant, id).await?))
}

/// Edits a client file.
#[utoipa::path(patch, path = "/api/pro/commercant/clients/{id}", tag = "commercant",
    params(("id" = Uuid, Path, description = "Fiche client")),
    request_body = ClientPatch,
    responses(
        (status = 200, description = "La fiche modifiée", body = ShopClientOut),
        (status = 409, description = "Un client a déjà cette adresse (CLIENT_EMAIL_EXISTS)", body = ErrorEnvelope),
    ))]
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

/// Deletes a client file (its orders keep their customer snapshot).
#[utoipa::path(delete, path = "/api/pro/commercant/clients/{id}", tag = "commercant",
    params(("id" = Uuid, Path, description = "Fiche client")),
    responses((status = 204, description = "Fiche supprimée")))]
pub async fn delete_client(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    s::delete_client(&state, &user, Shop::Merchant, id).await
}

// ---- orders ----

/// The merchant's orders, newest first.
#[utoipa::path(get, path = "/api/pro/commercant/orders", tag = "commercant",
    params(MerchantOrdersParams, crate::api::input::PageParams),
    responses((status = 200, description = "Une page de commandes", body = Page<ShopOrder>)))]
pub async fn orders_list(
    State(state): State<AppState>,
    user: CurrentUser,
    Params(q): Params<ListQuery>,
) -> Result<Json<Value>> {
    Ok(Json(
        s::list_orders(&state, &user, Shop::Merchant, q).await?,
    ))
}

/// A new PENDING order; prices are those of the products now, the stock moves at payment.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = MerchantNewOrder)]
pub struct NewOrderInput {
    /// A client file of the merchant: its name and e-mail are the default customer.
    pub client_id: Option<Uuid>,
    /// Required (not blank) without `clientId`.
    pub customer_name: Option<String>,
    #[schema(pattern = r"^\s*([^@\s]+@[^@\s.][^@\s]*\.[^@\s]*[^@\s.])?\s*$")]
    pub customer_email: Option<String>,
    pub shipping_address: Option<String>,
    #[serde(default)]
    #[schema(required = true, min_items = 1)]
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

/// Creates a PENDING order (number `CM-YYYY-NNNNN`).
#[utoipa::path(post, path = "/api/pro/commercant/orders", tag = "commercant",
    request_body = NewOrderInput,
    responses(
        (status = 201, description = "Commande créée", body = ShopOrderDetail),
        (status = 404, description = "Produit ou fiche client inconnu ou d'un autre commerçant (NOT_FOUND)", body = ErrorEnvelope),
    ))]
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

/// An order with its lines.
#[utoipa::path(get, path = "/api/pro/commercant/orders/{id}", tag = "commercant",
    params(("id" = Uuid, Path, description = "Commande")),
    responses((status = 200, description = "La commande", body = ShopOrderDetail)))]
pub async fn order(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>> {
    Ok(Json(s::order(&state, &user, Shop::Merchant, id).await?))
}

/// Edits a PENDING order.
#[utoipa::path(patch, path = "/api/pro/commercant/orders/{id}", tag = "commercant",
    params(("id" = Uuid, Path, description = "Commande")),
    request_body = OrderChanges,
    responses(
        (status = 200, description = "La commande modifiée", body = ShopOrderDetail),
        (status = 409, description = "La commande n'est plus en attente (ORDER_LOCKED)", body = ErrorEnvelope),
    ))]
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

/// A transition (§7.5): PENDING → PAID (with `paymentMethod`, takes the stock out) →
/// SHIPPED → DELIVERED; CANCELLED or REFUNDED put the stock back unless `restock` is false.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = MerchantStatusChange)]
pub struct StatusChange {
    #[schema(value_type = s::MerchantOrderStatus)]
    pub status: MerchantOrderStatus,
    /// Required for PAID.
    #[schema(value_type = Option<s::PaymentMethod>)]
    pub payment_method: Option<PaymentMethod>,
    /// When the payment happened (now by default; a future date counts as now).
    pub paid_at: Option<DateTime<Utc>>,
    /// For SHIPPED.
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

/// Moves an order through its state machine: stock movements, pre-compta entry and status in
/// one transaction.
#[utoipa::path(post, path = "/api/pro/commercant/orders/{id}/status", tag = "commercant",
    params(("id" = Uuid, Path, description = "Commande")),
    request_body = StatusChange,
    responses(
        (status = 200, description = "La commande dans son nouveau statut", body = ShopOrderDetail),
        (status = 409, description = "Transition impossible (INVALID_TRANSITION) ou stock insuffisant pour payer (INSUFFICIENT_STOCK)", body = ErrorEnvelope),
    ))]
pub async fn set_status(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Body(c): Body<StatusChange>,
) -> Result<Json<Value>> {
    Ok(Json(set_status_action(&state, &user, id, c).await?))
}

/// Statistics of the orders paid in the period, with the low-stock count.
#[utoipa::path(get, path = "/api/pro/commercant/stats", tag = "commercant",
    params(StatsParams),
    responses((status = 200, description = "Les statistiques", body = ShopStats)))]
pub async fn stats(
    State(state): State<AppState>,
    user: CurrentUser,
    Params(q): Params<StatsQuery>,
) -> Result<Json<Value>> {
    Ok(Json(s::stats(&state, &user, Shop::Merchant, q).await?))
}
