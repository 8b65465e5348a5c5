//! `/api/pro/artisan/*` (DOMAIN.md §6.12): services, clients, orders and their state machine
//! (PENDING → CONFIRMED → PAID → COMPLETED, cancellations; paying writes the SALE entry,
//! cancelling a paid order the REFUND entry, in the same transaction).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;
use spymeo_core::db::artisan::{self as db, ServiceEdit};
use spymeo_core::db::artisan_orders::{self as orders, NewOrder};
use spymeo_core::db::catalog::{self, ServiceInput};
use spymeo_core::db::listing::Paging;
use spymeo_core::db::pros::ProKind;
use spymeo_core::db::shop::Shop;
use spymeo_core::domain::{ArtisanOrderStatus, CatalogStatus, PaymentMethod};
use uuid::Uuid;

use super::input::{Body, Params, double_option, filter, non_blank};
use super::shop::{
    self as s, ArtisanOrdersParams, ClientInput, ClientPatch, ClientsParams, ItemInput, ListQuery,
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
    services,
    create_service,
    service,
    patch_service,
    delete_service,
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

/// A service of the catalogue (`ServiceRow`).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)] // describes spymeo_core::db::artisan::ServiceRow
pub struct ArtisanService {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub description: Option<String>,
    pub category: Option<String>,
    pub price_ttc_cents: i32,
    pub vat_rate_bp: i16,
    /// Minutes.
    pub duration_min: Option<i16>,
    pub images: Vec<String>,
    pub status: s::CatalogStatus,
    pub orders_count: i64,
    pub created_at: DateTime<Utc>,
}

/// `?q=&status=&page=&limit=` of the service list.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // describes the part of ListQuery the service list reads
pub struct ServicesParams {
    /// Recherche sur le titre.
    pub q: Option<String>,
    /// DRAFT, ACTIVE, PAUSED ou ARCHIVED (vide : tous).
    #[param(value_type = Option<String>, pattern = r"^\s*(DRAFT|ACTIVE|PAUSED|ARCHIVED)?\s*$")]
    pub status: Option<s::CatalogStatus>,
}

pub async fn artisan_id(state: &AppState, user: &CurrentUser) -> Result<Uuid> {
    s::owner(state, user, ProKind::Artisan).await
}

/// The artisan's services.
#[utoipa::path(get, path = "/api/pro/artisan/services", tag = "artisan",
    params(ServicesParams, crate::api::input::PageParams),
    responses((status = 200, description = "Une page de prestations", body = Page<ArtisanService>)))]
pub async fn services(
    State(state): State<AppState>,
    user: CurrentUser,
    Params(q): Params<ListQuery>,
) -> Result<Json<Value>> {
    let a = artisan_id(&state, &user).await?;
    let status: Option<CatalogStatus> = filter(&q.status)?;
    let page = db::services(
        &state.pool,
        a,
        status,
        q.q.as_deref(),
        Paging::new(q.page, q.limit),
    )
    .await?;
    Ok(Json(to_json(&page)?))
}

/// A new service (DRAFT unless `status` says otherwise).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = ArtisanNewService)]
pub struct NewService {
    #[serde(default)]
    #[schema(required = true, pattern = r"\S", max_length = 200)]
    pub title: String,
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
    /// Minutes.
    #[schema(minimum = 1, maximum = 32767)]
    pub duration_min: Option<i16>,
    #[serde(default)]
    #[schema(max_items = 8)]
    pub images: Vec<String>,
    #[schema(value_type = Option<s::CatalogStatus>)]
    pub status: Option<CatalogStatus>,
}

fn default_vat() -> i16 {
    2000
}

pub async fn create_service_action(
    state: &AppState,
    user: &CurrentUser,
    n: NewService,
) -> Result<db::ServiceRow> {
    let a = artisan_id(state, user).await?;
    let input = ServiceInput {
        title: n.title,
        description: non_blank(n.description),
        category: non_blank(n.category),
        price_ttc_cents: n.price_ttc_cents,
        vat_rate_bp: n.vat_rate_bp,
        duration_min: n.duration_min,
        images: n.images,
        status: n.status.unwrap_or(CatalogStatus::Draft),
    };
    if input.images.len() > 8 {
        return Err(spymeo_core::Error::field("images", "8 images au plus").into());
    }
    let mut tx = state.pool.begin().await?;
    let id = catalog::create_service(&mut tx, a, &input, Utc::now()).await?;
    let row = db::service(&mut tx, a, id).await?;
    tx.commit().await?;
    Ok(row)
}

/// Creates a service.
#[utoipa::path(post, path = "/api/pro/artisan/services", tag = "artisan",
    request_body = NewService,
    responses(
        (status = 201, description = "Prestation créée", body = ArtisanService),
        (status = 409, description = "Adresse de page déjà prise (SLUG_TAKEN)", body = ErrorEnvelope),
    ))]
pub async fn create_service(
    State(state): State<AppState>,
    user: CurrentUser,
    Body(n): Body<NewService>,
) -> Result<(StatusCode, Json<Value>)> {
    let row = create_service_action(&state, &user, n).await?;
    Ok((StatusCode::CREATED, Json(to_json(&row)?)))
}

/// One of the artisan's services.
#[utoipa::path(get, path = "/api/pro/artisan/services/{id}", tag = "artisan",
    params(("id" = Uuid, Path, description = "Prestation")),
    responses((status = 200, description = "La prestation", body = ArtisanService)))]
pub async fn service(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>> {
    let a = artisan_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    Ok(Json(to_json(&db::service(&mut conn, a, id).await?)?))
}

/// Partial edit of a service: absent (or `null` for a required column) = unchanged; `null`
/// clears an optional one.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = ArtisanServicePatch)]
pub struct ServicePatch {
    #[schema(pattern = r"\S", max_length = 200)]
    pub title: Option<String>,
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
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<i16>, minimum = 1, maximum = 32767)]
    pub duration_min: Option<Option<i16>>,
    #[schema(max_items = 8)]
    pub images: Option<Vec<String>>,
    #[schema(value_type = Option<s::CatalogStatus>)]
    pub status: Option<CatalogStatus>,
}

pub async fn patch_service_action(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    p: ServicePatch,
) -> Result<db::ServiceRow> {
    let a = artisan_id(state, user).await?;
    let mut tx = state.pool.begin().await?;
    let cur = db::service(&mut tx, a, id).await?;
    let mut e = ServiceEdit::from(&cur);
    if let Some(t) = p.title {
        e.title = t;
    }
    if let Some(v) = p.description {
        e.description = non_blank(v);
    }
    if let Some(v) = p.category {
        e.category = non_blank(v);
    }
    e.price_ttc_cents = p.price_ttc_cents.unwrap_or(e.price_ttc_cents);
    e.vat_rate_bp = p.vat_rate_bp.unwrap_or(e.vat_rate_bp);
    if let Some(d) = p.duration_min {
        e.duration_min = d;
    }
    if let Some(i) = p.images {
        e.images = i;
    }
    e.status = p.status.unwrap_or(e.status);
    db::update_service(&mut tx, a, id, &e).await?;
    let row = db::service(&mut tx, a, id).await?;
    tx.commit().await?;
    Ok(row)
}

/// Edits a service.
#[utoipa::path(patch, path = "/api/pro/artisan/services/{id}", tag = "artisan",
    params(("id" = Uuid, Path, description = "Prestation")),
    request_body = ServicePatch,
    responses((status = 200, description = "La prestation modifiée", body = ArtisanService)))]
pub async fn patch_service(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Body(p): Body<ServicePatch>,
) -> Result<Json<Value>> {
    Ok(Json(to_json(
        &patch_service_action(&state, &user, id, p).await?,
    )?))
}

/// Deletes a service never ordered (archive it otherwise).
#[utoipa::path(delete, path = "/api/pro/artisan/services/{id}", tag = "artisan",
    params(("id" = Uuid, Path, description = "Prestation")),
    responses(
        (status = 204, description = "Prestation supprimée"),
        (status = 409, description = "La prestation a des commandes (SERVICE_HAS_ORDERS)", body = ErrorEnvelope),
    ))]
pub async fn delete_service(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    let a = artisan_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    db::delete_service(&mut conn, a, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- clients ----

/// The artisan's client files.
#[utoipa::path(get, path = "/api/pro/artisan/clients", tag = "artisan",
    params(ClientsParams, crate::api::input::PageParams),
    responses((status = 200, description = "Une page de fiches clients", body = Page<ShopClientOut>)))]
pub async fn clients(
    State(state): State<AppState>,
    user: CurrentUser,
    Params(q): Params<ListQuery>,
) -> Result<Json<Value>> {
    Ok(Json(
        s::list_clients(&state, &user, Shop::Artisan, q).await?,
    ))
}

/// Creates a client file.
#[utoipa::path(post, path = "/api/pro/artisan/clients", tag = "artisan",
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
    s::create_client(&state, &user, Shop::Artisan, c).await
}

/// A client file with its latest 100 orders.
#[utoipa::path(get, path = "/api/pro/artisan/clients/{id}", tag = "artisan",
    params(("id" = Uuid, Path, description = "Fiche client")),
    responses((status = 200, description = "La fiche et ses commandes", body = ShopClientDetail)))]
pub async fn client(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>> {
    Ok(Json(s::client(&state, &user, Shop::Artisan, id).await?))
}

/// Edits a client file.
#[utoipa::path(patch, path = "/api/pro/artisan/clients/{id}", tag = "artisan",
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
        s::patch_client(&state, &user, Shop::Artisan, id, p).await?,
    ))
}

/// Deletes a client file (its orders keep their customer snapshot).
#[utoipa::path(delete, path = "/api/pro/artisan/clients/{id}", tag = "artisan",
    params(("id" = Uuid, Path, description = "Fiche client")),
    responses((status = 204, description = "Fiche supprimée")))]
pub async fn delete_client(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    s::delete_client(&state, &user, Shop::Artisan, id).await
}

// ---- orders ----

/// The artisan's orders, newest first.
#[utoipa::path(get, path = "/api/pro/artisan/orders", tag = "artisan",
    params(ArtisanOrdersParams, crate::api::input::PageParams),
    responses((status = 200, description = "Une page de commandes", body = Page<ShopOrder>)))]
pub async fn orders_list(
    State(state): State<AppState>,
    user: CurrentUser,
    Params(q): Params<ListQuery>,
) -> Result<Json<Value>> {
    Ok(Json(s::list_orders(&state, &user, Shop::Artisan, q).await?))
}

/// A new PENDING order; prices are those of the services now.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = ArtisanNewOrder)]
pub struct NewOrderInput {
    /// A client file of the artisan: its name and e-mail are the default customer.
    pub client_id: Option<Uuid>,
    /// Required (not blank) without `clientId`.
    pub customer_name: Option<String>,
    #[schema(pattern = r"^\s*([^@\s]+@[^@\s.][^@\s]*\.[^@\s]*[^@\s.])?\s*$")]
    pub customer_email: Option<String>,
    /// Date of the prestation.
    pub scheduled_for: Option<DateTime<Utc>>,
    #[serde(default)]
    #[schema(required = true, min_items = 1)]
    pub items: Vec<ItemInput>,
    pub notes: Option<String>,
}

/// Another artisan's service or client → 404 (AR-18).
pub async fn create_order_action(
    state: &AppState,
    user: &CurrentUser,
    o: NewOrderInput,
) -> Result<Value> {
    let a = artisan_id(state, user).await?;
    let order = NewOrder {
        client_id: o.client_id,
        customer_name: non_blank(o.customer_name),
        customer_email: non_blank(o.customer_email),
        scheduled_for: o.scheduled_for,
        items: o.items.into_iter().map(|i| (i.id, i.quantity)).collect(),
        notes: non_blank(o.notes),
    };
    let mut tx = state.pool.begin().await?;
    let created = orders::create(&mut tx, a, &order, Utc::now()).await?;
    let detail = spymeo_core::db::shop::order(&mut tx, Shop::Artisan, a, created.id).await?;
    tx.commit().await?;
    to_json(&detail)
}

/// Creates a PENDING order (number `CA-YYYY-NNNNN`).
#[utoipa::path(post, path = "/api/pro/artisan/orders", tag = "artisan",
    request_body = NewOrderInput,
    responses(
        (status = 201, description = "Commande créée", body = ShopOrderDetail),
        (status = 404, description = "Prestation ou fiche client inconnue ou d'un autre artisan (NOT_FOUND)", body = ErrorEnvelope),
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
#[utoipa::path(get, path = "/api/pro/artisan/orders/{id}", tag = "artisan",
    params(("id" = Uuid, Path, description = "Commande")),
    responses((status = 200, description = "La commande", body = ShopOrderDetail)))]
pub async fn order(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>> {
    Ok(Json(s::order(&state, &user, Shop::Artisan, id).await?))
}

/// Edits a PENDING order.
#[utoipa::path(patch, path = "/api/pro/artisan/orders/{id}", tag = "artisan",
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
        s::patch_order(&state, &user, Shop::Artisan, id, c).await?,
    ))
}

/// A transition: PENDING → CONFIRMED → PAID (with `paymentMethod`) → COMPLETED, or
/// CANCELLED from PENDING, CONFIRMED or PAID.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = ArtisanStatusChange)]
pub struct StatusChange {
    #[schema(value_type = s::ArtisanOrderStatus)]
    pub status: ArtisanOrderStatus,
    /// Required for PAID.
    #[schema(value_type = Option<s::PaymentMethod>)]
    pub payment_method: Option<PaymentMethod>,
    /// When the payment happened (now by default; a future date counts as now).
    pub paid_at: Option<DateTime<Utc>>,
}

pub async fn set_status_action(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    c: StatusChange,
) -> Result<Value> {
    let a = artisan_id(state, user).await?;
    let now = Utc::now();
    if c.status == ArtisanOrderStatus::Pending {
        return Err(Error::new(
            StatusCode::CONFLICT,
            "INVALID_TRANSITION",
            "Changement de statut impossible",
        ));
    }
    // A payment is recorded when it happened, never in the future.
    let payment = c
        .payment_method
        .map(|m| (m, c.paid_at.unwrap_or(now).min(now)));
    let mut tx = state.pool.begin().await?;
    orders::set_status(&mut tx, a, id, c.status, payment, now).await?;
    let detail = spymeo_core::db::shop::order(&mut tx, Shop::Artisan, a, id).await?;
    tx.commit().await?;
    to_json(&detail)
}

/// Moves an order through its state machine; PAID writes the SALE entry, cancelling a paid
/// order the REFUND entry.
#[utoipa::path(post, path = "/api/pro/artisan/orders/{id}/status", tag = "artisan",
    params(("id" = Uuid, Path, description = "Commande")),
    request_body = StatusChange,
    responses(
        (status = 200, description = "La commande dans son nouveau statut", body = ShopOrderDetail),
        (status = 409, description = "Transition impossible depuis le statut actuel (INVALID_TRANSITION)", body = ErrorEnvelope),
    ))]
pub async fn set_status(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Body(c): Body<StatusChange>,
) -> Result<Json<Value>> {
    Ok(Json(set_status_action(&state, &user, id, c).await?))
}

/// Statistics of the orders paid in the period.
#[utoipa::path(get, path = "/api/pro/artisan/stats", tag = "artisan",
    params(StatsParams),
    responses((status = 200, description = "Les statistiques (sans `lowStockCount`)", body = ShopStats)))]
pub async fn stats(
    State(state): State<AppState>,
    user: CurrentUser,
    Params(q): Params<StatsQuery>,
) -> Result<Json<Value>> {
    Ok(Json(s::stats(&state, &user, Shop::Artisan, q).await?))
}
