//! Client files and orders as artisans and merchants share them (`/api/pro/artisan/clients`,
//! `/api/pro/commercant/clients`, the order lists and PENDING edits). The owner is always the
//! session's profile; another tenant's ids answer 404.

use axum::Json;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;
use spymeo_core::db::listing::Paging;
use spymeo_core::db::merchant_orders::ShopClient;
use spymeo_core::db::pros::{self, ProKind};
use spymeo_core::db::shop::{self, OrderFilter, OrderPatch, Range, Shop};
use uuid::Uuid;

use super::input::{double_option, filter, non_blank};
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::state::AppState;

/// This module's part of the OpenAPI document (joined in `api::openapi`). Its handlers are
/// described where they are mounted, in `api::artisan` and `api::merchant`.
#[derive(utoipa::OpenApi)]
#[openapi()]
pub struct ApiDoc;

// ---- OpenAPI descriptions shared by the artisan, merchant and center areas ----

// Text patterns below are those of `validate::Fields::email` / the `email_addr`, `phone` and
// `postal_code_fr` domains, applied to the trimmed value; a blank value is no value.

/// The VAT rates the `vat_rate` domain accepts, in basis points.
pub const VAT_RATES_BP: [i64; 5] = [0, 210, 550, 1000, 2000];

fn vat_schema(nullable: bool) -> utoipa::openapi::Object {
    use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
    let mut values: Vec<Value> = VAT_RATES_BP.iter().map(|v| Value::from(*v)).collect();
    let ty = if nullable {
        values.push(Value::Null);
        SchemaType::from_iter([Type::Integer, Type::Null])
    } else {
        SchemaType::Type(Type::Integer)
    };
    ObjectBuilder::new()
        .schema_type(ty)
        .enum_values(Some(values))
        .description(Some(
            "Taux de TVA en points de base : 0, 210 (2,1 %), 550, 1000 ou 2000 (20 %)",
        ))
        .build()
}

/// `schema_with` of a VAT rate field.
pub fn vat_rate() -> utoipa::openapi::Object {
    vat_schema(false)
}

/// `schema_with` of an optional VAT rate field (`null` = absent).
pub fn vat_rate_nullable() -> utoipa::openapi::Object {
    vat_schema(true)
}

/// Mode de règlement.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes spymeo_core::domain::PaymentMethod
pub enum PaymentMethod {
    #[schema(rename = "CARD")]
    Card,
    #[schema(rename = "CASH")]
    Cash,
    #[schema(rename = "CHEQUE")]
    Cheque,
    #[schema(rename = "TRANSFER")]
    Transfer,
    #[schema(rename = "OTHER")]
    Other,
}

/// Statut d'une prestation ou d'un produit.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes spymeo_core::domain::CatalogStatus
pub enum CatalogStatus {
    #[schema(rename = "DRAFT")]
    Draft,
    #[schema(rename = "ACTIVE")]
    Active,
    #[schema(rename = "PAUSED")]
    Paused,
    #[schema(rename = "ARCHIVED")]
    Archived,
}

/// Statut d'une commande d'artisan.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes spymeo_core::domain::ArtisanOrderStatus
pub enum ArtisanOrderStatus {
    #[schema(rename = "PENDING")]
    Pending,
    #[schema(rename = "CONFIRMED")]
    Confirmed,
    #[schema(rename = "PAID")]
    Paid,
    #[schema(rename = "COMPLETED")]
    Completed,
    #[schema(rename = "CANCELLED")]
    Cancelled,
}

/// Statut d'une commande de commerçant.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes spymeo_core::domain::MerchantOrderStatus
pub enum MerchantOrderStatus {
    #[schema(rename = "PENDING")]
    Pending,
    #[schema(rename = "PAID")]
    Paid,
    #[schema(rename = "SHIPPED")]
    Shipped,
    #[schema(rename = "DELIVERED")]
    Delivered,
    #[schema(rename = "CANCELLED")]
    Cancelled,
    #[schema(rename = "REFUNDED")]
    Refunded,
}

/// A page of a list (`?page=`, `?limit=`).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes spymeo_core::db::listing::Page
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: i64,
    pub limit: i64,
    pub total: i64,
}

/// `?q=&page=&limit=` of the client lists.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // describes the part of ListQuery the client lists read
pub struct ClientsParams {
    /// Recherche sur le nom ou l'e-mail.
    pub q: Option<String>,
}

/// `?status=&from=&to=&page=&limit=` of the artisan's order list.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // describes the part of ListQuery the order list reads
pub struct ArtisanOrdersParams {
    /// PENDING, CONFIRMED, PAID, COMPLETED ou CANCELLED (vide : tous).
    #[param(value_type = Option<String>, pattern = r"^\s*(PENDING|CONFIRMED|PAID|COMPLETED|CANCELLED)?\s*$")]
    pub status: Option<ArtisanOrderStatus>,
    /// Créées à partir de cet instant.
    pub from: Option<DateTime<Utc>>,
    /// Créées avant cet instant.
    pub to: Option<DateTime<Utc>>,
}

/// `?status=&from=&to=&page=&limit=` of the merchant's order list.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // describes the part of ListQuery the order list reads
pub struct MerchantOrdersParams {
    /// PENDING, PAID, SHIPPED, DELIVERED, CANCELLED ou REFUNDED (vide : tous).
    #[param(value_type = Option<String>, pattern = r"^\s*(PENDING|PAID|SHIPPED|DELIVERED|CANCELLED|REFUNDED)?\s*$")]
    pub status: Option<MerchantOrderStatus>,
    /// Créées à partir de cet instant.
    pub from: Option<DateTime<Utc>>,
    /// Créées avant cet instant.
    pub to: Option<DateTime<Utc>>,
}

/// Période des statistiques.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes spymeo_core::db::shop::Range
pub enum StatsRange {
    #[schema(rename = "week")]
    Week,
    #[schema(rename = "month")]
    Month,
    #[schema(rename = "quarter")]
    Quarter,
    #[schema(rename = "year")]
    Year,
}

/// `?range=` of the statistics (month by default).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // describes StatsQuery
pub struct StatsParams {
    /// week, month, quarter ou year (vide : month).
    #[param(value_type = Option<String>, pattern = r"^\s*(week|month|quarter|year)?\s*$")]
    pub range: Option<StatsRange>,
}

/// A client file (`ClientRow`).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)] // describes spymeo_core::db::shop::ClientRow
pub struct ShopClientOut {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address_line: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub notes: Option<String>,
    pub orders_count: i64,
    /// Total of the paid (and not refunded) orders.
    pub total_spent_cents: i64,
    pub last_order_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A client file with its latest 100 orders.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)] // describes what `client` writes
pub struct ShopClientDetail {
    #[schema(inline)]
    #[serde(flatten)]
    pub client: ShopClientOut,
    pub orders: Vec<ShopOrder>,
}

/// An order (`OrderRow`); artisan orders have `scheduledFor`, merchant orders the shipping
/// fields (the other ones are always `null`).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)] // describes spymeo_core::db::shop::OrderRow
pub struct ShopOrder {
    pub id: Uuid,
    pub order_number: String,
    pub client_id: Option<Uuid>,
    pub customer_name: String,
    pub customer_email: Option<String>,
    /// Artisan : PENDING, CONFIRMED, PAID, COMPLETED, CANCELLED ; commerçant : PENDING, PAID,
    /// SHIPPED, DELIVERED, CANCELLED, REFUNDED.
    pub status: String,
    pub total_ttc_cents: i32,
    pub total_vat_cents: i32,
    pub payment_method: Option<PaymentMethod>,
    pub paid_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub notes: Option<String>,
    pub scheduled_for: Option<DateTime<Utc>>,
    pub shipping_address: Option<String>,
    pub tracking_number: Option<String>,
    pub shipped_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// An order line (`ItemRow`).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)] // describes spymeo_core::db::shop::ItemRow
pub struct ShopOrderItem {
    pub id: Uuid,
    /// The service (artisan) or product (merchant), if it still exists.
    pub item_id: Option<Uuid>,
    pub label: String,
    /// Merchant only (`null` for artisans).
    pub sku: Option<String>,
    pub quantity: i32,
    pub unit_price_ttc_cents: i32,
    pub vat_rate_bp: i16,
    pub line_total_ttc_cents: i32,
}

/// An order with its lines (`OrderDetail`).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)] // describes spymeo_core::db::shop::OrderDetail
pub struct ShopOrderDetail {
    #[schema(inline)]
    #[serde(flatten)]
    pub order: ShopOrder,
    pub items: Vec<ShopOrderItem>,
}

/// A bucket of a statistics series.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)] // describes spymeo_core::db::shop::Point
pub struct StatsPoint {
    /// Start of the bucket (Paris calendar date).
    pub period: chrono::NaiveDate,
    pub value: i64,
}

#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)] // describes spymeo_core::db::shop::TopItem
pub struct ShopTopItem {
    pub label: String,
    pub quantity: i64,
    pub revenue_cents: i64,
}

/// Statistics of the orders paid in the period (§6.10, A/M branch).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)] // describes spymeo_core::db::shop::ShopStats
pub struct ShopStats {
    #[schema(inline)]
    pub range: StatsRange,
    pub orders: i64,
    pub revenue_cents: i64,
    pub avg_basket_cents: i64,
    /// The 5 best-selling labels.
    pub top_items: Vec<ShopTopItem>,
    /// Revenue per bucket (day, week or month).
    pub series: Vec<StatsPoint>,
    /// Merchant only: products at or under their low-stock threshold (absent for artisans).
    #[schema(value_type = i64, required = false)]
    pub low_stock_count: Option<i64>,
}

pub fn to_json<T: serde::Serialize>(v: &T) -> Result<Value> {
    serde_json::to_value(v).map_err(|_| Error::internal())
}

/// The caller's profile id of `kind` (the owner column of every row they touch).
pub async fn owner(state: &AppState, user: &CurrentUser, kind: ProKind) -> Result<Uuid> {
    let mut conn = state.pool.acquire().await?;
    Ok(pros::profile_id(&mut conn, kind, user.id).await?)
}

pub fn kind(s: Shop) -> ProKind {
    match s {
        Shop::Artisan => ProKind::Artisan,
        Shop::Merchant => ProKind::Merchant,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub q: Option<String>,
    pub status: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub page: Option<i64>,
    pub limit: Option<i64>,
}

/// A new client file. Blank optional texts are no value.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = ShopClientInput)]
pub struct ClientInput {
    #[serde(default)]
    #[schema(required = true, pattern = r"\S")]
    pub first_name: String,
    #[serde(default)]
    #[schema(required = true, pattern = r"\S")]
    pub last_name: String,
    #[schema(pattern = r"^\s*([^@\s]+@[^@\s.][^@\s]*\.[^@\s]*[^@\s.])?\s*$")]
    pub email: Option<String>,
    #[schema(
        pattern = r"^\s*(\+[0-9 .()-]{5,19}[0-9.()-]|[0-9.()-][0-9 .()-]{4,18}[0-9.()-])?\s*$"
    )]
    pub phone: Option<String>,
    pub address_line: Option<String>,
    pub city: Option<String>,
    #[schema(pattern = r"^\s*([0-9]{5})?\s*$")]
    pub postal_code: Option<String>,
    pub notes: Option<String>,
}

impl ClientInput {
    pub fn into_client(self) -> Result<ShopClient> {
        let mut f = crate::validate::Fields::default();
        let email = non_blank(self.email).map(|e| f.email("email", &e));
        let postal_code = non_blank(self.postal_code);
        if postal_code
            .as_deref()
            .is_some_and(|p| !(p.len() == 5 && p.bytes().all(|b| b.is_ascii_digit())))
        {
            f.add("postalCode", "Code postal invalide (5 chiffres)");
        }
        if self.first_name.trim().is_empty() {
            f.add("firstName", "Ce champ est obligatoire");
        }
        if self.last_name.trim().is_empty() {
            f.add("lastName", "Ce champ est obligatoire");
        }
        f.finish()?;
        Ok(ShopClient {
            user_id: None,
            first_name: self.first_name.trim().to_owned(),
            last_name: self.last_name.trim().to_owned(),
            email,
            phone: non_blank(self.phone),
            address_line: non_blank(self.address_line),
            city: non_blank(self.city),
            postal_code,
            notes: non_blank(self.notes),
        })
    }
}

pub async fn list_clients(
    state: &AppState,
    user: &CurrentUser,
    s: Shop,
    q: ListQuery,
) -> Result<Value> {
    let owner = owner(state, user, kind(s)).await?;
    let page = shop::clients(
        &state.pool,
        s,
        owner,
        q.q.as_deref(),
        Paging::new(q.page, q.limit),
    )
    .await?;
    to_json(&page)
}

pub async fn create_client(
    state: &AppState,
    user: &CurrentUser,
    s: Shop,
    c: ClientInput,
) -> Result<(StatusCode, Json<Value>)> {
    let owner = owner(state, user, kind(s)).await?;
    let client = c.into_client()?;
    let mut tx = state.pool.begin().await?;
    let id = match s {
        Shop::Artisan => {
            spymeo_core::db::artisan_orders::create_client(&mut tx, owner, &client, Utc::now())
                .await?
        }
        Shop::Merchant => {
            spymeo_core::db::merchant_orders::create_client(&mut tx, owner, &client, Utc::now())
                .await?
        }
    };
    let row = shop::client(&mut tx, s, owner, id).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(to_json(&row)?)))
}

/// A client with its orders.
pub async fn client(state: &AppState, user: &CurrentUser, s: Shop, id: Uuid) -> Result<Value> {
    let owner = owner(state, user, kind(s)).await?;
    let row = shop::client(&mut *state.pool.acquire().await?, s, owner, id).await?;
    let orders = shop::orders(
        &state.pool,
        s,
        owner,
        &OrderFilter {
            client_id: Some(id),
            ..Default::default()
        },
        Paging::new(None, Some(100)),
    )
    .await?;
    let mut v = to_json(&row)?;
    v["orders"] = to_json(&orders.items)?;
    Ok(v)
}

/// Partial edit of a client file: an absent field is unchanged, `null` (or blank) clears it.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = ShopClientPatch)]
pub struct ClientPatch {
    /// `null` = unchanged.
    #[schema(pattern = r"\S")]
    pub first_name: Option<String>,
    /// `null` = unchanged.
    #[schema(pattern = r"\S")]
    pub last_name: Option<String>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, pattern = r"^\s*([^@\s]+@[^@\s.][^@\s]*\.[^@\s]*[^@\s.])?\s*$")]
    pub email: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, pattern = r"^\s*(\+[0-9 .()-]{5,19}[0-9.()-]|[0-9.()-][0-9 .()-]{4,18}[0-9.()-])?\s*$")]
    pub phone: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub address_line: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub city: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, pattern = r"^\s*([0-9]{5})?\s*$")]
    pub postal_code: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub notes: Option<Option<String>>,
}

pub async fn patch_client(
    state: &AppState,
    user: &CurrentUser,
    s: Shop,
    id: Uuid,
    p: ClientPatch,
) -> Result<Value> {
    let owner = owner(state, user, kind(s)).await?;
    let mut tx = state.pool.begin().await?;
    let cur = shop::client(&mut tx, s, owner, id).await?;
    let merged = ClientInput {
        first_name: p.first_name.unwrap_or(cur.first_name),
        last_name: p.last_name.unwrap_or(cur.last_name),
        email: p.email.unwrap_or(cur.email),
        phone: p.phone.unwrap_or(cur.phone),
        address_line: p.address_line.unwrap_or(cur.address_line),
        city: p.city.unwrap_or(cur.city),
        postal_code: p.postal_code.unwrap_or(cur.postal_code),
        notes: p.notes.unwrap_or(cur.notes),
    }
    .into_client()?;
    shop::update_client(&mut tx, s, owner, id, &merged).await?;
    let row = shop::client(&mut tx, s, owner, id).await?;
    tx.commit().await?;
    to_json(&row)
}

pub async fn delete_client(
    state: &AppState,
    user: &CurrentUser,
    s: Shop,
    id: Uuid,
) -> Result<StatusCode> {
    let owner = owner(state, user, kind(s)).await?;
    let mut conn = state.pool.acquire().await?;
    shop::delete_client(&mut conn, s, owner, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn list_orders(
    state: &AppState,
    user: &CurrentUser,
    s: Shop,
    q: ListQuery,
) -> Result<Value> {
    let owner = owner(state, user, kind(s)).await?;
    // An unknown status is a 400 like every other enum filter, not an empty list.
    let status = match s {
        Shop::Artisan => {
            filter::<spymeo_core::domain::ArtisanOrderStatus>(&q.status)?.map(|v| v.as_str())
        }
        Shop::Merchant => {
            filter::<spymeo_core::domain::MerchantOrderStatus>(&q.status)?.map(|v| v.as_str())
        }
    };
    let f = OrderFilter {
        status: status.map(str::to_owned),
        from: q.from,
        to: q.to,
        client_id: None,
    };
    to_json(&shop::orders(&state.pool, s, owner, &f, Paging::new(q.page, q.limit)).await?)
}

pub async fn order(state: &AppState, user: &CurrentUser, s: Shop, id: Uuid) -> Result<Value> {
    let owner = owner(state, user, kind(s)).await?;
    let mut conn = state.pool.acquire().await?;
    to_json(&shop::order(&mut conn, s, owner, id).await?)
}

/// One line of an order: the service (artisan) or product (merchant) and a quantity.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = ShopItemInput)]
pub struct ItemInput {
    /// The service (artisan) or product (merchant); also accepted as `serviceId` or
    /// `productId`.
    #[serde(alias = "serviceId", alias = "productId")]
    pub id: Uuid,
    #[schema(minimum = 1)]
    pub quantity: i32,
}

/// Edit of a PENDING order (any other status: 409 ORDER_LOCKED). Absent = unchanged,
/// `null` clears; `items` replaces the lines (prices taken again).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = ShopOrderChanges)]
pub struct OrderChanges {
    /// `null` = unchanged.
    #[schema(pattern = r"\S")]
    pub customer_name: Option<String>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, pattern = r"^\s*([^@\s]+@[^@\s.][^@\s]*\.[^@\s]*[^@\s.])?\s*$")]
    pub customer_email: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub notes: Option<Option<String>>,
    /// Merchant orders only (ignored for artisans).
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub shipping_address: Option<Option<String>>,
    /// Artisan orders only: date of the prestation (ignored for merchants).
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub scheduled_for: Option<Option<DateTime<Utc>>>,
    /// `null` = unchanged.
    #[schema(min_items = 1)]
    pub items: Option<Vec<ItemInput>>,
}

pub async fn patch_order(
    state: &AppState,
    user: &CurrentUser,
    s: Shop,
    id: Uuid,
    c: OrderChanges,
) -> Result<Value> {
    let owner = owner(state, user, kind(s)).await?;
    let mut tx = state.pool.begin().await?;
    let patch = OrderPatch {
        customer_name: c.customer_name,
        customer_email: c.customer_email.map(non_blank),
        notes: c.notes.map(non_blank),
        shipping_address: c.shipping_address.map(non_blank),
        scheduled_for: c.scheduled_for,
        items: c
            .items
            .map(|v| v.into_iter().map(|i| (i.id, i.quantity)).collect()),
    };
    shop::update_order(&mut tx, s, owner, id, &patch, Utc::now()).await?;
    let detail = shop::order(&mut tx, s, owner, id).await?;
    tx.commit().await?;
    to_json(&detail)
}

#[derive(Debug, Default, Deserialize)]
pub struct StatsQuery {
    pub range: Option<String>,
}

pub async fn stats(state: &AppState, user: &CurrentUser, s: Shop, q: StatsQuery) -> Result<Value> {
    let owner = owner(state, user, kind(s)).await?;
    let range = Range::parse(q.range.as_deref())?;
    to_json(&shop::stats(&state.pool, s, owner, range, Utc::now()).await?)
}
