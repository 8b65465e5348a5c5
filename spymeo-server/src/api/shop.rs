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

use super::input::{double_option, non_blank};
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::state::AppState;

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

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientInput {
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address_line: Option<String>,
    pub city: Option<String>,
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

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClientPatch {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    #[serde(default, with = "double_option")]
    pub email: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub phone: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub address_line: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub city: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub postal_code: Option<Option<String>>,
    #[serde(default, with = "double_option")]
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
    let f = OrderFilter {
        status: non_blank(q.status),
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

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemInput {
    #[serde(alias = "serviceId", alias = "productId")]
    pub id: Uuid,
    pub quantity: i32,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrderChanges {
    pub customer_name: Option<String>,
    #[serde(default, with = "double_option")]
    pub customer_email: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub notes: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub shipping_address: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub scheduled_for: Option<Option<DateTime<Utc>>>,
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
