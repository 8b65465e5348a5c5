//! Artisan clients and orders (DOMAIN.md E2–E4, §7.5): PENDING → CONFIRMED → PAID → COMPLETED,
//! PENDING/CONFIRMED → CANCELLED, PAID → CANCELLED with a REFUND entry. No stock for services.

use chrono::{DateTime, Datelike, Utc};
use sqlx::{Connection as _, PgConnection};
use uuid::Uuid;

use crate::db::merchant_orders::{Created, ShopClient, customer, insert_shop_client};
use crate::db::precompta::{Derived, derive};
use crate::db::support::next_number;
use crate::domain::{
    ArtisanOrderStatus, NumberSeries, PaymentMethod, PrecomptaSource, PrecomptaType, money,
    numbering, paris_date,
};
use crate::{Error, Result};

pub async fn create_client(
    conn: &mut PgConnection,
    artisan_id: Uuid,
    c: &ShopClient,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    insert_shop_client(conn, "artisan_clients", "artisan_id", artisan_id, c, now).await
}

#[derive(Debug, Clone)]
pub struct NewOrder {
    pub client_id: Option<Uuid>,
    pub customer_name: Option<String>,
    pub customer_email: Option<String>,
    pub scheduled_for: Option<DateTime<Utc>>,
    /// (service id, quantity)
    pub items: Vec<(Uuid, i32)>,
    pub notes: Option<String>,
}

/// `POST /api/pro/artisan/orders`: PENDING, number `CA-YYYY-NNNNN`; services must be the
/// artisan's (404 otherwise, test AR-18).
pub async fn create(
    conn: &mut PgConnection,
    artisan_id: Uuid,
    o: &NewOrder,
    now: DateTime<Utc>,
) -> Result<Created> {
    if o.items.is_empty() || o.items.iter().any(|(_, q)| *q <= 0) {
        return Err(Error::field(
            "items",
            "au moins une prestation, quantités positives",
        ));
    }
    let mut tx = conn.begin().await?;
    let owner: Uuid = sqlx::query_scalar("SELECT user_id FROM artisan_profiles WHERE id = $1")
        .bind(artisan_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(Error::NotFound)?;
    let (name, email) = customer(
        &mut tx,
        "artisan_clients",
        "artisan_id",
        artisan_id,
        o.client_id,
        o.customer_name.as_deref(),
        o.customer_email.as_deref(),
    )
    .await?;
    let year = paris_date(now).year();
    let seq = next_number(&mut tx, owner, NumberSeries::ArtisanOrder, year).await?;
    let number = numbering::format(NumberSeries::ArtisanOrder, year, seq);
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO artisan_orders (artisan_id, order_number, client_id, customer_name, customer_email, status,
                                     scheduled_for, notes, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 'PENDING', $6, $7, $8, $8) RETURNING id",
    )
    .bind(artisan_id)
    .bind(&number)
    .bind(o.client_id)
    .bind(&name)
    .bind(&email)
    .bind(o.scheduled_for)
    .bind(&o.notes)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let mut total = 0i64;
    let mut vat = 0i64;
    for (service_id, quantity) in &o.items {
        let s: Option<(String, i32, i16)> = sqlx::query_as(
            "SELECT title, price_ttc_cents, vat_rate_bp FROM artisan_services WHERE id = $1 AND artisan_id = $2",
        )
        .bind(service_id)
        .bind(artisan_id)
        .fetch_optional(&mut *tx)
        .await?;
        let (title, price, rate) = s.ok_or(Error::NotFound)?;
        let line = i64::from(price) * i64::from(*quantity);
        total += line;
        vat += money::vat_in_ttc(line, rate);
        sqlx::query(
            "INSERT INTO artisan_order_items (order_id, service_id, label, quantity, unit_price_ttc_cents, vat_rate_bp,
                                              line_total_ttc_cents, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(id)
        .bind(service_id)
        .bind(&title)
        .bind(quantity)
        .bind(price)
        .bind(rate)
        .bind(i32::try_from(line).map_err(|_| Error::validation("montant trop élevé"))?)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "UPDATE artisan_orders SET total_ttc_cents = $2, total_vat_cents = $3 WHERE id = $1",
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
    status: ArtisanOrderStatus,
    order_number: String,
    customer_name: String,
    total_ttc_cents: i32,
    total_vat_cents: i32,
    payment_method: Option<PaymentMethod>,
    owner: Uuid,
}

async fn single_rate(conn: &mut PgConnection, order_id: Uuid) -> Result<Option<i16>> {
    let rates: Vec<i16> = sqlx::query_scalar(
        "SELECT DISTINCT vat_rate_bp FROM artisan_order_items WHERE order_id = $1",
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

/// `POST /api/pro/artisan/orders/{id}/status` (§6.12). `payment` is required for PAID:
/// (method, paid_at).
pub async fn set_status(
    conn: &mut PgConnection,
    artisan_id: Uuid,
    order_id: Uuid,
    to: ArtisanOrderStatus,
    payment: Option<(PaymentMethod, DateTime<Utc>)>,
    now: DateTime<Utc>,
) -> Result<()> {
    use ArtisanOrderStatus::*;
    let mut tx = conn.begin().await?;
    let o: OrderRow = sqlx::query_as(
        "SELECT o.status, o.order_number, o.customer_name, o.total_ttc_cents, o.total_vat_cents, o.payment_method,
                a.user_id AS owner
           FROM artisan_orders o JOIN artisan_profiles a ON a.id = o.artisan_id
          WHERE o.id = $1 AND o.artisan_id = $2 FOR UPDATE OF o",
    )
    .bind(order_id)
    .bind(artisan_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(Error::NotFound)?;
    let allowed = matches!(
        (o.status, to),
        (Pending, Confirmed)
            | (Confirmed, Paid)
            | (Paid, Completed)
            | (Pending | Confirmed | Paid, Cancelled)
    );
    if !allowed {
        return Err(Error::conflict(
            "INVALID_TRANSITION",
            "Changement de statut impossible",
        ));
    }
    let label;
    match to {
        Paid => {
            let (method, paid_at) =
                payment.ok_or_else(|| Error::field("paymentMethod", "mode de règlement requis"))?;
            sqlx::query("UPDATE artisan_orders SET status = 'PAID', paid_at = $2, payment_method = $3, updated_at = $4 WHERE id = $1")
                .bind(order_id)
                .bind(paid_at)
                .bind(method)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            label = format!("Commande {}", o.order_number);
            let rate = single_rate(&mut tx, order_id).await?;
            derive(
                &mut tx,
                &Derived {
                    owner_user_id: o.owner,
                    entry_date: paris_date(paid_at),
                    kind: PrecomptaType::Sale,
                    source: PrecomptaSource::ArtisanOrder,
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
        }
        Cancelled => {
            sqlx::query("UPDATE artisan_orders SET status = 'CANCELLED', cancelled_at = $2, updated_at = $2 WHERE id = $1")
                .bind(order_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            if o.status == Paid {
                label = format!("Remboursement commande {}", o.order_number);
                let rate = single_rate(&mut tx, order_id).await?;
                derive(
                    &mut tx,
                    &Derived {
                        owner_user_id: o.owner,
                        entry_date: paris_date(now),
                        kind: PrecomptaType::Refund,
                        source: PrecomptaSource::ArtisanOrder,
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
                .await?;
            }
        }
        other => {
            sqlx::query("UPDATE artisan_orders SET status = $2, updated_at = $3 WHERE id = $1")
                .bind(order_id)
                .bind(other)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}
