//! What artisans and merchants share (DOMAIN.md E2–E4 / F3–F5 have the same shape): client
//! files with their order totals, order lists and details, edits of PENDING orders, and the
//! statistics of §6.10 (A/M branch). Creation and status changes stay in `artisan_orders` and
//! `merchant_orders`, which own the state machines.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use sqlx::{Connection as _, PgConnection, PgPool};
use uuid::Uuid;

use crate::db::listing::{Page, Paging, like_pattern};
use crate::db::merchant_orders::ShopClient;
use crate::db::support::unique_conflict;
use crate::domain::money;
use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shop {
    Artisan,
    Merchant,
}

impl Shop {
    fn clients(self) -> &'static str {
        match self {
            Shop::Artisan => "artisan_clients",
            Shop::Merchant => "merchant_clients",
        }
    }
    fn orders(self) -> &'static str {
        match self {
            Shop::Artisan => "artisan_orders",
            Shop::Merchant => "merchant_orders",
        }
    }
    fn items(self) -> &'static str {
        match self {
            Shop::Artisan => "artisan_order_items",
            Shop::Merchant => "merchant_order_items",
        }
    }
    fn owner(self) -> &'static str {
        match self {
            Shop::Artisan => "artisan_id",
            Shop::Merchant => "merchant_id",
        }
    }
    fn catalogue(self) -> &'static str {
        match self {
            Shop::Artisan => "artisan_services",
            Shop::Merchant => "products",
        }
    }
    fn item_ref(self) -> &'static str {
        match self {
            Shop::Artisan => "service_id",
            Shop::Merchant => "product_id",
        }
    }
    /// Statuses whose money was received (and not given back).
    fn paid_statuses(self) -> &'static str {
        match self {
            Shop::Artisan => "('PAID','COMPLETED')",
            Shop::Merchant => "('PAID','SHIPPED','DELIVERED')",
        }
    }
    /// Orders waiting for the pro.
    fn open_statuses(self) -> &'static str {
        match self {
            Shop::Artisan => "('PENDING','CONFIRMED','PAID')",
            Shop::Merchant => "('PENDING','PAID')",
        }
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct ClientRow {
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
    pub total_spent_cents: i64,
    pub last_order_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

fn client_select(shop: Shop) -> String {
    format!(
        "SELECT c.id, c.first_name, c.last_name, c.email::text AS email, c.phone::text AS phone, c.address_line, c.city,
                c.postal_code::text AS postal_code, c.notes,
                (SELECT count(*) FROM {o} o WHERE o.client_id = c.id) AS orders_count,
                COALESCE((SELECT sum(o.total_ttc_cents) FROM {o} o WHERE o.client_id = c.id AND o.status IN {paid}), 0)::bigint
                    AS total_spent_cents,
                (SELECT max(o.created_at) FROM {o} o WHERE o.client_id = c.id) AS last_order_at, c.created_at
           FROM {c} c",
        o = shop.orders(),
        c = shop.clients(),
        paid = shop.paid_statuses()
    )
}

pub async fn clients(
    pool: &PgPool,
    shop: Shop,
    owner_id: Uuid,
    q: Option<&str>,
    paging: Paging,
) -> Result<Page<ClientRow>> {
    let pattern = like_pattern(q);
    let filter = format!(
        "c.{owner} = $1 AND ($2::text IS NULL OR (c.first_name || ' ' || c.last_name) ILIKE $2 OR c.email::text ILIKE $2)",
        owner = shop.owner()
    );
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM {} c WHERE {filter}",
        shop.clients()
    ))
    .bind(owner_id)
    .bind(&pattern)
    .fetch_one(pool)
    .await?;
    let items = sqlx::query_as(&format!(
        "{} WHERE {filter} ORDER BY c.last_name, c.first_name, c.id LIMIT $3 OFFSET $4",
        client_select(shop)
    ))
    .bind(owner_id)
    .bind(&pattern)
    .bind(paging.limit)
    .bind(paging.offset())
    .fetch_all(pool)
    .await?;
    Ok(Page::new(items, paging, total))
}

pub async fn client(
    conn: &mut PgConnection,
    shop: Shop,
    owner_id: Uuid,
    id: Uuid,
) -> Result<ClientRow> {
    sqlx::query_as(&format!(
        "{} WHERE c.id = $1 AND c.{} = $2",
        client_select(shop),
        shop.owner()
    ))
    .bind(id)
    .bind(owner_id)
    .fetch_optional(conn)
    .await?
    .ok_or(Error::NotFound)
}

/// Replaces the editable fields of a client file (the API merges a PATCH into the current
/// values first).
pub async fn update_client(
    conn: &mut PgConnection,
    shop: Shop,
    owner_id: Uuid,
    id: Uuid,
    c: &ShopClient,
) -> Result<()> {
    if c.first_name.trim().is_empty() || c.last_name.trim().is_empty() {
        return Err(Error::field("lastName", "prénom et nom requis"));
    }
    let n = sqlx::query(&format!(
        "UPDATE {} SET first_name = $3, last_name = $4, email = $5, phone = $6, address_line = $7, city = $8,
                postal_code = $9, notes = $10
          WHERE id = $1 AND {} = $2",
        shop.clients(),
        shop.owner()
    ))
    .bind(id)
    .bind(owner_id)
    .bind(c.first_name.trim())
    .bind(c.last_name.trim())
    .bind(&c.email)
    .bind(&c.phone)
    .bind(&c.address_line)
    .bind(&c.city)
    .bind(&c.postal_code)
    .bind(&c.notes)
    .execute(conn)
    .await
    .map_err(|e| unique_conflict(e, "CLIENT_EMAIL_EXISTS", "Un client avec cette adresse existe déjà"))?
    .rows_affected();
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}

/// Orders keep their customer snapshot: deleting a client file only unlinks them.
pub async fn delete_client(
    conn: &mut PgConnection,
    shop: Shop,
    owner_id: Uuid,
    id: Uuid,
) -> Result<()> {
    let n = sqlx::query(&format!(
        "DELETE FROM {} WHERE id = $1 AND {} = $2",
        shop.clients(),
        shop.owner()
    ))
    .bind(id)
    .bind(owner_id)
    .execute(conn)
    .await?
    .rows_affected();
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct OrderRow {
    pub id: Uuid,
    pub order_number: String,
    pub client_id: Option<Uuid>,
    pub customer_name: String,
    pub customer_email: Option<String>,
    pub status: String,
    pub total_ttc_cents: i32,
    pub total_vat_cents: i32,
    pub payment_method: Option<crate::domain::PaymentMethod>,
    pub paid_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub notes: Option<String>,
    /// Artisan: date of the prestation.
    pub scheduled_for: Option<DateTime<Utc>>,
    /// Merchant only.
    pub shipping_address: Option<String>,
    pub tracking_number: Option<String>,
    pub shipped_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

fn order_select(shop: Shop) -> String {
    let extra = match shop {
        Shop::Artisan => {
            "o.scheduled_for, NULL::text AS shipping_address, NULL::text AS tracking_number,
             NULL::timestamptz AS shipped_at, NULL::timestamptz AS delivered_at"
        }
        Shop::Merchant => {
            "NULL::timestamptz AS scheduled_for, o.shipping_address, o.tracking_number, o.shipped_at, o.delivered_at"
        }
    };
    format!(
        "SELECT o.id, o.order_number, o.client_id, o.customer_name, o.customer_email::text AS customer_email,
                o.status::text AS status, o.total_ttc_cents, o.total_vat_cents, o.payment_method, o.paid_at,
                o.cancelled_at, o.notes, {extra}, o.created_at
           FROM {} o",
        shop.orders()
    )
}

#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub status: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub client_id: Option<Uuid>,
}

pub async fn orders(
    pool: &PgPool,
    shop: Shop,
    owner_id: Uuid,
    f: &OrderFilter,
    paging: Paging,
) -> Result<Page<OrderRow>> {
    let filter = format!(
        "o.{} = $1 AND ($2::text IS NULL OR o.status::text = $2) AND ($3::timestamptz IS NULL OR o.created_at >= $3)
         AND ($4::timestamptz IS NULL OR o.created_at < $4) AND ($5::uuid IS NULL OR o.client_id = $5)",
        shop.owner()
    );
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM {} o WHERE {filter}",
        shop.orders()
    ))
    .bind(owner_id)
    .bind(&f.status)
    .bind(f.from)
    .bind(f.to)
    .bind(f.client_id)
    .fetch_one(pool)
    .await?;
    let items = sqlx::query_as(&format!(
        "{} WHERE {filter} ORDER BY o.created_at DESC, o.order_number DESC LIMIT $6 OFFSET $7",
        order_select(shop)
    ))
    .bind(owner_id)
    .bind(&f.status)
    .bind(f.from)
    .bind(f.to)
    .bind(f.client_id)
    .bind(paging.limit)
    .bind(paging.offset())
    .fetch_all(pool)
    .await?;
    Ok(Page::new(items, paging, total))
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct ItemRow {
    pub id: Uuid,
    /// The service (artisan) or product (merchant), if it still exists.
    pub item_id: Option<Uuid>,
    pub label: String,
    pub sku: Option<String>,
    pub quantity: i32,
    pub unit_price_ttc_cents: i32,
    pub vat_rate_bp: i16,
    pub line_total_ttc_cents: i32,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderDetail {
    #[serde(flatten)]
    pub order: OrderRow,
    pub items: Vec<ItemRow>,
}

pub async fn order(
    conn: &mut PgConnection,
    shop: Shop,
    owner_id: Uuid,
    id: Uuid,
) -> Result<OrderDetail> {
    let order: OrderRow = sqlx::query_as(&format!(
        "{} WHERE o.id = $1 AND o.{} = $2",
        order_select(shop),
        shop.owner()
    ))
    .bind(id)
    .bind(owner_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(Error::NotFound)?;
    let sku = match shop {
        Shop::Artisan => "NULL::text",
        Shop::Merchant => "sku",
    };
    let items = sqlx::query_as(&format!(
        "SELECT id, {r} AS item_id, label, {sku} AS sku, quantity, unit_price_ttc_cents, vat_rate_bp, line_total_ttc_cents
           FROM {} WHERE order_id = $1 ORDER BY created_at, id",
        shop.items(),
        r = shop.item_ref()
    ))
    .bind(id)
    .fetch_all(conn)
    .await?;
    Ok(OrderDetail { order, items })
}

/// Edits of a PENDING order (§6.12 PATCH): customer snapshot, notes, shipping address
/// (merchant), prestation date (artisan), and the items (replaced, prices snapshotted
/// again, totals recomputed). Any other status → 409 ORDER_LOCKED.
#[derive(Debug, Clone, Default)]
pub struct OrderPatch {
    pub customer_name: Option<String>,
    pub customer_email: Option<Option<String>>,
    pub notes: Option<Option<String>>,
    pub shipping_address: Option<Option<String>>,
    pub scheduled_for: Option<Option<DateTime<Utc>>>,
    /// (service or product id, quantity)
    pub items: Option<Vec<(Uuid, i32)>>,
}

pub async fn update_order(
    conn: &mut PgConnection,
    shop: Shop,
    owner_id: Uuid,
    id: Uuid,
    p: &OrderPatch,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = conn.begin().await?;
    let status: String = sqlx::query_scalar(&format!(
        "SELECT status::text FROM {} WHERE id = $1 AND {} = $2 FOR UPDATE",
        shop.orders(),
        shop.owner()
    ))
    .bind(id)
    .bind(owner_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(Error::NotFound)?;
    if status != "PENDING" {
        return Err(Error::conflict(
            "ORDER_LOCKED",
            "Seule une commande en attente peut être modifiée",
        ));
    }
    if p.customer_name
        .as_deref()
        .is_some_and(|n| n.trim().is_empty())
    {
        return Err(Error::field("customerName", "nom du client requis"));
    }
    let extra = match shop {
        Shop::Artisan => "scheduled_for = CASE WHEN $8 THEN $9 ELSE scheduled_for END",
        Shop::Merchant => "shipping_address = CASE WHEN $6 THEN $7 ELSE shipping_address END",
    };
    sqlx::query(&format!(
        "UPDATE {} SET customer_name = COALESCE($2, customer_name),
                customer_email = CASE WHEN $3 THEN $4 ELSE customer_email END,
                notes = CASE WHEN $5 THEN $10 ELSE notes END, {extra}, updated_at = $11
          WHERE id = $1",
        shop.orders()
    ))
    .bind(id)
    .bind(p.customer_name.as_deref().map(str::trim))
    .bind(p.customer_email.is_some())
    .bind(p.customer_email.clone().flatten())
    .bind(p.notes.is_some())
    .bind(p.shipping_address.is_some())
    .bind(p.shipping_address.clone().flatten())
    .bind(p.scheduled_for.is_some())
    .bind(p.scheduled_for.flatten())
    .bind(p.notes.clone().flatten())
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(crate::db::support::map_check)?;
    if let Some(items) = &p.items {
        if items.is_empty() || items.iter().any(|(_, q)| *q <= 0) {
            return Err(Error::field(
                "items",
                "au moins un article, quantités positives",
            ));
        }
        sqlx::query(&format!("DELETE FROM {} WHERE order_id = $1", shop.items()))
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(crate::db::support::map_check)?;
        let (mut total, mut vat) = (0i64, 0i64);
        for (item_id, quantity) in items {
            let sku_col = match shop {
                Shop::Artisan => "NULL::text",
                Shop::Merchant => "sku",
            };
            let row: Option<(String, Option<String>, i32, i16)> = sqlx::query_as(&format!(
                "SELECT title, {sku_col}, price_ttc_cents, vat_rate_bp FROM {} WHERE id = $1 AND {} = $2",
                shop.catalogue(),
                shop.owner()
            ))
            .bind(item_id)
            .bind(owner_id)
            .fetch_optional(&mut *tx)
            .await?;
            let (title, sku, price, rate) = row.ok_or(Error::NotFound)?;
            let line = i64::from(price) * i64::from(*quantity);
            total += line;
            vat += money::vat_in_ttc(line, rate);
            let line = i32::try_from(line).map_err(|_| Error::validation("montant trop élevé"))?;
            match shop {
                Shop::Artisan => sqlx::query(
                    "INSERT INTO artisan_order_items (order_id, service_id, label, quantity, unit_price_ttc_cents, vat_rate_bp,
                                                      line_total_ttc_cents, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
                )
                .bind(id)
                .bind(item_id)
                .bind(&title)
                .bind(quantity)
                .bind(price)
                .bind(rate)
                .bind(line)
                .bind(now),
                Shop::Merchant => sqlx::query(
                    "INSERT INTO merchant_order_items (order_id, product_id, label, sku, quantity, unit_price_ttc_cents,
                                                       vat_rate_bp, line_total_ttc_cents, created_at, updated_at)
                     VALUES ($1, $2, $3, $9, $4, $5, $6, $7, $8, $8)",
                )
                .bind(id)
                .bind(item_id)
                .bind(&title)
                .bind(quantity)
                .bind(price)
                .bind(rate)
                .bind(line)
                .bind(now)
                .bind(&sku),
            }
            .execute(&mut *tx)
            .await
            .map_err(crate::db::support::map_check)?;
        }
        sqlx::query(&format!(
            "UPDATE {} SET total_ttc_cents = $2, total_vat_cents = $3 WHERE id = $1",
            shop.orders()
        ))
        .bind(id)
        .bind(i32::try_from(total).map_err(|_| Error::validation("montant trop élevé"))?)
        .bind(vat as i32)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Orders waiting for the pro (dashboard, order list badge).
pub async fn open_orders(pool: &PgPool, shop: Shop, owner_id: Uuid) -> Result<i64> {
    Ok(sqlx::query_scalar(&format!(
        "SELECT count(*) FROM {} WHERE {} = $1 AND status IN {}",
        shop.orders(),
        shop.owner(),
        shop.open_statuses()
    ))
    .bind(owner_id)
    .fetch_one(pool)
    .await?)
}

/// `?range=` of `/api/stats` and the statistics pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Range {
    Week,
    Month,
    Quarter,
    Year,
}

impl Range {
    pub fn parse(s: Option<&str>) -> Result<Range> {
        Ok(match s.map(str::trim).unwrap_or("month") {
            "week" => Range::Week,
            "" | "month" => Range::Month,
            "quarter" => Range::Quarter,
            "year" => Range::Year,
            _ => {
                return Err(Error::field(
                    "range",
                    "période : week, month, quarter ou year",
                ));
            }
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Range::Week => "week",
            Range::Month => "month",
            Range::Quarter => "quarter",
            Range::Year => "year",
        }
    }

    /// The period's length and the series bucket (`day` or `month`, a `date_trunc` unit).
    pub fn span(self) -> (Duration, &'static str) {
        match self {
            Range::Week => (Duration::days(7), "day"),
            Range::Month => (Duration::days(30), "day"),
            Range::Quarter => (Duration::days(91), "week"),
            Range::Year => (Duration::days(365), "month"),
        }
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct TopItem {
    pub label: String,
    pub quantity: i64,
    pub revenue_cents: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct Point {
    /// Start of the bucket, Paris calendar date.
    pub period: chrono::NaiveDate,
    pub value: i64,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShopStats {
    pub range: &'static str,
    pub orders: i64,
    pub revenue_cents: i64,
    pub avg_basket_cents: i64,
    pub top_items: Vec<TopItem>,
    /// Revenue per bucket.
    pub series: Vec<Point>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low_stock_count: Option<i64>,
}

/// §6.10 A/M statistics over the orders paid in the period (refunded or cancelled ones
/// excluded: their money went back).
pub async fn stats(
    pool: &PgPool,
    shop: Shop,
    owner_id: Uuid,
    range: Range,
    now: DateTime<Utc>,
) -> Result<ShopStats> {
    let (len, bucket) = range.span();
    let from = now - len;
    let base = format!(
        "FROM {o} o WHERE o.{owner} = $1 AND o.status IN {paid} AND o.paid_at >= $2 AND o.paid_at <= $3",
        o = shop.orders(),
        owner = shop.owner(),
        paid = shop.paid_statuses()
    );
    let (orders, revenue): (i64, i64) = sqlx::query_as(&format!(
        "SELECT count(*), COALESCE(sum(o.total_ttc_cents), 0)::bigint {base}"
    ))
    .bind(owner_id)
    .bind(from)
    .bind(now)
    .fetch_one(pool)
    .await?;
    let top_items = sqlx::query_as(&format!(
        "SELECT i.label, sum(i.quantity)::bigint AS quantity, sum(i.line_total_ttc_cents)::bigint AS revenue_cents
           FROM {items} i WHERE i.order_id IN (SELECT o.id {base})
          GROUP BY i.label ORDER BY revenue_cents DESC, i.label LIMIT 5",
        items = shop.items()
    ))
    .bind(owner_id)
    .bind(from)
    .bind(now)
    .fetch_all(pool)
    .await?;
    let series = sqlx::query_as(&format!(
        "SELECT date_trunc('{bucket}', o.paid_at AT TIME ZONE 'Europe/Paris')::date AS period,
                sum(o.total_ttc_cents)::bigint AS value
           {base} GROUP BY 1 ORDER BY 1"
    ))
    .bind(owner_id)
    .bind(from)
    .bind(now)
    .fetch_all(pool)
    .await?;
    let low_stock_count = match shop {
        Shop::Artisan => None,
        Shop::Merchant => Some(
            sqlx::query_scalar(
                "SELECT count(*) FROM products WHERE merchant_id = $1 AND status <> 'ARCHIVED' AND stock_quantity <= low_stock_threshold",
            )
            .bind(owner_id)
            .fetch_one(pool)
            .await?,
        ),
    };
    Ok(ShopStats {
        range: range.as_str(),
        orders,
        revenue_cents: revenue,
        avg_basket_cents: if orders == 0 { 0 } else { revenue / orders },
        top_items,
        series,
        low_stock_count,
    })
}
