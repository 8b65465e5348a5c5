//! Stock journal (DOMAIN.md F2, §7.5). `products.stock_quantity` is written only by the
//! `stock_movements_apply` trigger; a movement that would make it negative fails the
//! `products_stock_nonnegative` check → 409 INSUFFICIENT_STOCK.

use chrono::{DateTime, Utc};
use sqlx::{Connection as _, PgConnection};
use uuid::Uuid;

use crate::db::support::{map_check, map_code};
use crate::domain::StockMovementType;
use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MovementInput {
    /// Réassort, retour: `quantity > 0` units in.
    In(i32),
    /// Casse, perte, vente: `quantity > 0` units out.
    Out(i32),
    /// Inventaire: the counted quantity; the delta is computed under a row lock.
    Adjustment { counted: i32 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Movement {
    pub id: Uuid,
    pub quantity: i32,
    pub stock_after: i32,
}

/// Records one movement for a product of `merchant_id` (404 otherwise).
pub async fn record_movement(
    conn: &mut PgConnection,
    merchant_id: Uuid,
    product_id: Uuid,
    input: MovementInput,
    reason: Option<&str>,
    merchant_order_id: Option<Uuid>,
    created_by: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Movement> {
    let mut tx = conn.begin().await?;
    let current: i32 = sqlx::query_scalar(
        "SELECT stock_quantity FROM products WHERE id = $1 AND merchant_id = $2 FOR UPDATE",
    )
    .bind(product_id)
    .bind(merchant_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(Error::NotFound)?;
    let (kind, delta) = match input {
        MovementInput::In(q) if q > 0 => (StockMovementType::In, q),
        MovementInput::Out(q) if q > 0 => (StockMovementType::Out, -q),
        MovementInput::In(_) | MovementInput::Out(_) => {
            return Err(Error::field("quantity", "quantité strictement positive"));
        }
        MovementInput::Adjustment { counted } if counted < 0 => {
            return Err(Error::field(
                "countedQuantity",
                "quantité comptée positive ou nulle",
            ));
        }
        MovementInput::Adjustment { counted } if counted == current => {
            return Err(Error::conflict(
                "NO_CHANGE",
                "Le stock compté est égal au stock actuel",
            ));
        }
        MovementInput::Adjustment { counted } => (StockMovementType::Adjustment, counted - current),
    };
    let m: Movement = sqlx::query_as(
        "INSERT INTO stock_movements (merchant_id, product_id, type, quantity, stock_after, reason, merchant_order_id,
                                      created_by, occurred_at, created_at)
         VALUES ($1, $2, $3, $4, 0, $5, $6, $7, $8, $8) RETURNING id, quantity, stock_after",
    )
    .bind(merchant_id)
    .bind(product_id)
    .bind(kind)
    .bind(delta)
    .bind(reason)
    .bind(merchant_order_id)
    .bind(created_by)
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| match crate::db::support::sqlstate(&e).as_deref() {
        Some("23503") => map_code(e, "23503", Error::NotFound),
        _ => map_check(e),
    })?;
    tx.commit().await?;
    Ok(m)
}
