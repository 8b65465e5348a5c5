//! Merchant clients and orders (DOMAIN.md F3–F5, §7.5). Payment takes the stock out (one OUT
//! movement per item, in the same transaction: any shortage aborts the payment with 409
//! INSUFFICIENT_STOCK) and writes the SALE entry; refunds and cancellations of paid orders
//! put the stock back ("Retour client", unless `restock` is false) and write the REFUND entry.

use chrono::{DateTime, Datelike, Utc};
use sqlx::{Connection as _, PgConnection};
use uuid::Uuid;

use crate::db::precompta::{Derived, derive};
use crate::db::stock::{MovementInput, record_movement};
use crate::db::support::{map_code, next_number, unique_conflict};
use crate::domain::{
    MerchantOrderStatus, NumberSeries, PaymentMethod, PrecomptaSource, PrecomptaType, money,
    numbering, paris_date,
};
use crate::{Error, Result};

/// A client of an artisan or a merchant (E2/F3 share the shape).
#[derive(Debug, Clone, Default)]
pub struct ShopClient {
    pub user_id: Option<Uuid>,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address_line: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub notes: Option<String>,
}

pub(crate) async fn insert_shop_client(
    conn: &mut PgConnection,
    table: &str,
    owner_column: &str,
    owner_id: Uuid,
    c: &ShopClient,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    if c.first_name.trim().is_empty() || c.last_name.trim().is_empty() {
        return Err(Error::field("lastName", "prénom et nom requis"));
    }
    sqlx::query_scalar(&format!(
        "INSERT INTO {table} ({owner_column}, user_id, first_name, last_name, email, phone, address_line, city, postal_code,
                              notes, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id"
    ))
    .bind(owner_id)
    .bind(c.user_id)
    .bind(c.first_name.trim())
    .bind(c.last_name.trim())
    .bind(&c.email)
    .bind(&c.phone)
    .bind(&c.address_line)
    .bind(&c.city)
    .bind(&c.postal_code)
    .bind(&c.notes)
    .bind(now)
    .fetch_one(conn)
    .await
    .map_err(|e| unique_conflict(e, "CLIENT_EMAIL_EXISTS", "Un client avec cette adresse existe déjà"))
}

pub async fn create_client(
    conn: &mut PgConnection,
    merchant_id: Uuid,
    c: &ShopClient,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    insert_shop_client(conn, "merchant_clients", "merchant_id", merchant_id, c, now).await
}

#[derive(Debug, Clone)]
pub struct NewOrder {
    pub client_id: Option<Uuid>,
    /// Required without a client; taken from the client otherwise.
    pub customer_name: Option<String>,
    pub customer_email: Option<String>,
    pub shipping_address: Option<String>,
    /// (product id, quantity)
    pub items: Vec<(Uuid, i32)>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    pub id: Uuid,
    pub order_number: String,
    pub total_ttc_cents: i64,
}

/// Resolves the customer snapshot from the client file when one is given.
pub(crate) async fn customer(
    conn: &mut PgConnection,
    table: &str,
    owner_column: &str,
    owner_id: Uuid,
    client_id: Option<Uuid>,
    name: Option<&str>,
    email: Option<&str>,
) -> Result<(String, Option<String>)> {
    match client_id {
        Some(id) => {
            let row: Option<(String, Option<String>)> = sqlx::query_as(&format!(
                "SELECT first_name || ' ' || last_name, email::text FROM {table} WHERE id = $1 AND {owner_column} = $2"
            ))
            .bind(id)
            .bind(owner_id)
            .fetch_optional(conn)
            .await?;
            let (n, e) = row.ok_or(Error::NotFound)?;
            Ok((
                name.map(str::to_owned).unwrap_or(n),
                email.map(str::to_owned).or(e),
            ))
        }
        None => match name {
            Some(n) if !n.trim().is_empty() => Ok((n.trim().to_owned(), email.map(str::to_owned))),
            _ => Err(Error::field("customerName", "nom du client requis")),
        },
    }
}

/// `POST /api/pro/commercant/orders`: PENDING, prices snapshotted, number `CM-YYYY-NNNNN` taken
/// in the same transaction. Products must be the merchant's (404 otherwise).
pub async fn create(
    conn: &mut PgConnection,
    merchant_id: Uuid,
    o: &NewOrder,
    now: DateTime<Utc>,
) -> Result<Created> {
    if o.items.is_empty() || o.items.iter().any(|(_, q)| *q <= 0) {
        return Err(Error::field(
            "items",
            "au moins un article, quantités positives",
        ));
    }
    let mut tx = conn.begin().await?;
    let owner: Uuid = sqlx::query_scalar("SELECT user_id FROM merchant_profiles WHERE id = $1")
        .bind(merchant_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(Error::NotFound)?;
    let (name, email) = customer(
        &mut tx,
        "merchant_clients",
        "merchant_id",
        merchant_id,
        o.client_id,
        o.customer_name.as_deref(),
        o.customer_email.as_deref(),
    )
    .await?;
    let year = paris_date(now).year();
    let seq = next_number(&mut tx, owner, NumberSeries::MerchantOrder, year).await?;
    let number = numbering::format(NumberSeries::MerchantOrder, year, seq);
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO merchant_orders (merchant_id, order_number, client_id, customer_name, customer_email, status,
                                      shipping_address, notes, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 'PENDING', $6, $7, $8, $8) RETURNING id",
    )
    .bind(merchant_id)
    .bind(&number)
    .bind(o.client_id)
    .bind(&name)
    .bind(&email)
    .bind(&o.shipping_address)
    .bind(&o.notes)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let mut total = 0i64;
    let mut vat = 0i64;
    for (product_id, quantity) in &o.items {
        let p: Option<(String, Option<String>, i32, i16)> = sqlx::query_as(
            "SELECT title, sku, price_ttc_cents, vat_rate_bp FROM products WHERE id = $1 AND merchant_id = $2",
        )
        .bind(product_id)
        .bind(merchant_id)
        .fetch_optional(&mut *tx)
        .await?;
        let (title, sku, price, rate) = p.ok_or(Error::NotFound)?;
        let line = i64::from(price) * i64::from(*quantity);
        total += line;
        vat += money::vat_in_ttc(line, rate);
        sqlx::query(
            "INSERT INTO merchant_order_items (order_id, product_id, label, sku, quantity, unit_price_ttc_cents, vat_rate_bp,
                                               line_total_ttc_cents, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
        )
        .bind(id)
        .bind(product_id)
        .bind(&title)
        .bind(&sku)
        .bind(quantity)
        .bind(price)
        .bind(rate)
        .bind(i32::try_from(line).map_err(|_| Error::validation("montant trop élevé"))?)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "UPDATE merchant_orders SET total_ttc_cents = $2, total_vat_cents = $3 WHERE id = $1",
    )
    .bind(id)
    .bind(i32::try_from(total).map_err(|_| Error::validation("montant trop élevé"))?)
    .bind(vat as i32)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Created {
        id,
        order_number: number,
        total_ttc_cents: total,
    })
}

#[derive(Debug, sqlx::FromRow)]
struct OrderRow {
    status: MerchantOrderStatus,
    order_number: String,
    customer_name: String,
    total_ttc_cents: i32,
    total_vat_cents: i32,
    payment_method: Option<PaymentMethod>,
    owner: Uuid,
}

async fn lock(conn: &mut PgConnection, merchant_id: Uuid, order_id: Uuid) -> Result<OrderRow> {
    sqlx::query_as(
        "SELECT o.status, o.order_number, o.customer_name, o.total_ttc_cents, o.total_vat_cents, o.payment_method,
                m.user_id AS owner
           FROM merchant_orders o JOIN merchant_profiles m ON m.id = o.merchant_id
          WHERE o.id = $1 AND o.merchant_id = $2 FOR UPDATE OF o",
    )
    .bind(order_id)
    .bind(merchant_id)
    .fetch_optional(conn)
    .await?
    .ok_or(Error::NotFound)
}

fn invalid() -> Error {
    Error::conflict("INVALID_TRANSITION", "Changement de statut impossible")
}

async fn items(conn: &mut PgConnection, order_id: Uuid) -> Result<Vec<(Option<Uuid>, i32)>> {
    Ok(sqlx::query_as("SELECT product_id, quantity FROM merchant_order_items WHERE order_id = $1 ORDER BY created_at, id")
        .bind(order_id)
        .fetch_all(conn)
        .await?)
}

/// The single VAT rate of the items, or `None` when mixed.
async fn single_rate(conn: &mut PgConnection, order_id: Uuid) -> Result<Option<i16>> {
    let rates: Vec<i16> = sqlx::query_scalar(
        "SELECT DISTINCT vat_rate_bp FROM merchant_order_items WHERE order_id = $1",
    )
    .bind(order_id)
    .fetch_all(conn)
    .await?;
    Ok(if rates.len() == 1 {
        Some(rates[0])
    } else {
        None
    })
}

/// PENDING → PAID: stock out per item and the SALE entry.
pub async fn pay(
    conn: &mut PgConnection,
    merchant_id: Uuid,
    order_id: Uuid,
    method: PaymentMethod,
    paid_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = conn.begin().await?;
    let o = lock(&mut tx, merchant_id, order_id).await?;
    if o.status != MerchantOrderStatus::Pending {
        return Err(invalid());
    }
    sqlx::query("UPDATE merchant_orders SET status = 'PAID', paid_at = $2, payment_method = $3, updated_at = $4 WHERE id = $1")
        .bind(order_id)
        .bind(paid_at)
        .bind(method)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    for (product_id, quantity) in items(&mut tx, order_id).await? {
        if let Some(product_id) = product_id {
            record_movement(
                &mut tx,
                merchant_id,
                product_id,
                MovementInput::Out(quantity),
                Some("Vente"),
                Some(order_id),
                None,
                now,
            )
            .await?;
        }
    }
    let label = format!("Commande {}", o.order_number);
    let rate = single_rate(&mut tx, order_id).await?;
    derive(
        &mut tx,
        &Derived {
            owner_user_id: o.owner,
            entry_date: paris_date(paid_at),
            kind: PrecomptaType::Sale,
            source: PrecomptaSource::MerchantOrder,
            source_id: order_id,
            label: &label,
            counterparty: Some(&o.customer_name),
            piece_ref: Some(&o.order_number),
            amount_ttc_cents: o.total_ttc_cents.into(),
            vat_rate_bp: rate,
            vat_cents: o.total_vat_cents.into(),
            payment_method: method,
            now,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// PAID → SHIPPED.
pub async fn ship(
    conn: &mut PgConnection,
    merchant_id: Uuid,
    order_id: Uuid,
    tracking_number: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = conn.begin().await?;
    let o = lock(&mut tx, merchant_id, order_id).await?;
    if o.status != MerchantOrderStatus::Paid {
        return Err(invalid());
    }
    sqlx::query("UPDATE merchant_orders SET status = 'SHIPPED', shipped_at = $2, tracking_number = $3, updated_at = $2 WHERE id = $1")
        .bind(order_id)
        .bind(now)
        .bind(tracking_number)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// SHIPPED → DELIVERED.
pub async fn deliver(
    conn: &mut PgConnection,
    merchant_id: Uuid,
    order_id: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = conn.begin().await?;
    let o = lock(&mut tx, merchant_id, order_id).await?;
    if o.status != MerchantOrderStatus::Shipped {
        return Err(invalid());
    }
    sqlx::query("UPDATE merchant_orders SET status = 'DELIVERED', delivered_at = $2, updated_at = $2 WHERE id = $1")
        .bind(order_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

async fn refund_effects(
    conn: &mut PgConnection,
    merchant_id: Uuid,
    order_id: Uuid,
    o: &OrderRow,
    restock: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    if restock {
        for (product_id, quantity) in items(&mut *conn, order_id).await? {
            if let Some(product_id) = product_id {
                record_movement(
                    &mut *conn,
                    merchant_id,
                    product_id,
                    MovementInput::In(quantity),
                    Some("Retour client"),
                    Some(order_id),
                    None,
                    now,
                )
                .await?;
            }
        }
    }
    let label = format!("Remboursement commande {}", o.order_number);
    let rate = single_rate(&mut *conn, order_id).await?;
    derive(
        conn,
        &Derived {
            owner_user_id: o.owner,
            entry_date: paris_date(now),
            kind: PrecomptaType::Refund,
            source: PrecomptaSource::MerchantOrder,
            source_id: order_id,
            label: &label,
            counterparty: Some(&o.customer_name),
            piece_ref: Some(&o.order_number),
            amount_ttc_cents: -i64::from(o.total_ttc_cents),
            vat_rate_bp: rate,
            vat_cents: -i64::from(o.total_vat_cents),
            payment_method: o.payment_method.unwrap_or(PaymentMethod::Other),
            now,
        },
    )
    .await
}

/// PENDING → CANCELLED (no stock effect) or PAID → CANCELLED (restock + REFUND).
pub async fn cancel(
    conn: &mut PgConnection,
    merchant_id: Uuid,
    order_id: Uuid,
    restock: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = conn.begin().await?;
    let o = lock(&mut tx, merchant_id, order_id).await?;
    match o.status {
        MerchantOrderStatus::Pending => {}
        MerchantOrderStatus::Paid => {
            refund_effects(&mut tx, merchant_id, order_id, &o, restock, now).await?
        }
        _ => return Err(invalid()),
    }
    sqlx::query("UPDATE merchant_orders SET status = 'CANCELLED', cancelled_at = $2, updated_at = $2 WHERE id = $1")
        .bind(order_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// PAID / SHIPPED / DELIVERED → REFUNDED (restock by default + REFUND).
pub async fn refund(
    conn: &mut PgConnection,
    merchant_id: Uuid,
    order_id: Uuid,
    restock: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = conn.begin().await?;
    let o = lock(&mut tx, merchant_id, order_id).await?;
    if !matches!(
        o.status,
        MerchantOrderStatus::Paid | MerchantOrderStatus::Shipped | MerchantOrderStatus::Delivered
    ) {
        return Err(invalid());
    }
    refund_effects(&mut tx, merchant_id, order_id, &o, restock, now).await?;
    sqlx::query("UPDATE merchant_orders SET status = 'REFUNDED', updated_at = $2 WHERE id = $1")
        .bind(order_id)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(|e| map_code(e, "23514", invalid()))?;
    tx.commit().await?;
    Ok(())
}
