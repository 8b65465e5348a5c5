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
    self as s, ClientInput, ClientPatch, ItemInput, ListQuery, OrderChanges, StatsQuery, to_json,
};
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::state::AppState;

pub async fn artisan_id(state: &AppState, user: &CurrentUser) -> Result<Uuid> {
    s::owner(state, user, ProKind::Artisan).await
}

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

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewService {
    #[serde(default)]
    pub title: String,
    pub description: Option<String>,
    pub category: Option<String>,
    #[serde(default)]
    pub price_ttc_cents: i32,
    #[serde(default = "default_vat")]
    pub vat_rate_bp: i16,
    pub duration_min: Option<i16>,
    #[serde(default)]
    pub images: Vec<String>,
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

pub async fn create_service(
    State(state): State<AppState>,
    user: CurrentUser,
    Body(n): Body<NewService>,
) -> Result<(StatusCode, Json<Value>)> {
    let row = create_service_action(&state, &user, n).await?;
    Ok((StatusCode::CREATED, Json(to_json(&row)?)))
}

pub async fn service(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>> {
    let a = artisan_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    Ok(Json(to_json(&db::service(&mut conn, a, id).await?)?))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServicePatch {
    pub title: Option<String>,
    #[serde(default, with = "double_option")]
    pub description: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub category: Option<Option<String>>,
    pub price_ttc_cents: Option<i32>,
    pub vat_rate_bp: Option<i16>,
    #[serde(default, with = "double_option")]
    pub duration_min: Option<Option<i16>>,
    pub images: Option<Vec<String>>,
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

pub async fn clients(
    State(state): State<AppState>,
    user: CurrentUser,
    Params(q): Params<ListQuery>,
) -> Result<Json<Value>> {
    Ok(Json(
        s::list_clients(&state, &user, Shop::Artisan, q).await?,
    ))
}

pub async fn create_client(
    State(state): State<AppState>,
    user: CurrentUser,
    Body(c): Body<ClientInput>,
) -> Result<(StatusCode, Json<Value>)> {
    s::create_client(&state, &user, Shop::Artisan, c).await
}

pub async fn client(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>> {
    Ok(Json(s::client(&state, &user, Shop::Artisan, id).await?))
}

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

pub async fn delete_client(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    s::delete_client(&state, &user, Shop::Artisan, id).await
}

// ---- orders ----

pub async fn orders_list(
    State(state): State<AppState>,
    user: CurrentUser,
    Params(q): Params<ListQuery>,
) -> Result<Json<Value>> {
    Ok(Json(s::list_orders(&state, &user, Shop::Artisan, q).await?))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewOrderInput {
    pub client_id: Option<Uuid>,
    pub customer_name: Option<String>,
    pub customer_email: Option<String>,
    pub scheduled_for: Option<DateTime<Utc>>,
    #[serde(default)]
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
    Ok(Json(s::order(&state, &user, Shop::Artisan, id).await?))
}

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

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusChange {
    pub status: ArtisanOrderStatus,
    pub payment_method: Option<PaymentMethod>,
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
    Ok(Json(s::stats(&state, &user, Shop::Artisan, q).await?))
}
