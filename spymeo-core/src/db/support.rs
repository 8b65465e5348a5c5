//! Helpers shared by the aggregate modules: SQLSTATE mapping, unique slugs, gapless numbers.

use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::NumberSeries;
use crate::{Error, Result};

/// The SQLSTATE of a sqlx error.
pub fn sqlstate(e: &sqlx::Error) -> Option<String> {
    match e {
        sqlx::Error::Database(db) => db.code().map(|c| c.into_owned()),
        _ => None,
    }
}

pub fn constraint(e: &sqlx::Error) -> Option<&str> {
    match e {
        sqlx::Error::Database(db) => db.constraint(),
        _ => None,
    }
}

/// Maps a database error with SQLSTATE `code` to `mapped`, anything else to `Error::Database`.
pub fn map_code(e: sqlx::Error, code: &str, mapped: Error) -> Error {
    if sqlstate(&e).as_deref() == Some(code) {
        mapped
    } else {
        Error::Database(e)
    }
}

/// 23505 on any unique constraint → `Conflict { code }`.
pub fn unique_conflict(e: sqlx::Error, code: &'static str, message: &'static str) -> Error {
    map_code(e, "23505", Error::conflict(code, message))
}

/// 23514 raised by the stock check or a trigger named in DOMAIN.md §6.1, mapped by name.
pub fn map_check(e: sqlx::Error) -> Error {
    if sqlstate(&e).as_deref() != Some("23514") {
        return Error::Database(e);
    }
    match constraint(&e) {
        Some("products_stock_nonnegative") => {
            Error::conflict("INSUFFICIENT_STOCK", "Stock insuffisant")
        }
        Some("invoices_immutable") => Error::conflict(
            "INVOICE_IMMUTABLE",
            "Une facture émise ne peut plus être modifiée",
        ),
        Some("invoices_no_delete_unless_draft" | "invoice_lines_draft_only") => {
            Error::conflict("INVOICE_NOT_DRAFT", "La facture n'est plus un brouillon")
        }
        Some("order_items_pending_only") => {
            Error::conflict("ORDER_LOCKED", "La commande ne peut plus être modifiée")
        }
        Some("precompta_derived_immutable") => Error::conflict(
            "ENTRY_LOCKED",
            "Cette écriture est générée automatiquement et ne peut pas être modifiée",
        ),
        Some("messages_sender_is_participant") => Error::NotFound,
        _ => Error::Database(e),
    }
}

/// The table's free slug for `name`: the slugified base, or base-2, base-3…
/// Only used with the fixed table names of this crate.
pub async fn unique_slug(conn: &mut PgConnection, table: &str, name: &str) -> Result<String> {
    let base = crate::slug::slugify(name);
    let taken: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT slug::text FROM {table} WHERE slug = $1 OR slug LIKE $1 || '-%'"
    ))
    .bind(&base)
    .fetch_all(&mut *conn)
    .await?;
    Ok(crate::slug::with_suffix(&base, &taken))
}

/// Takes the next number of a gapless series (DOMAIN.md §7.3 step 4). The upsert's row lock
/// serialises concurrent callers of the same owner; it must run inside the caller's
/// transaction so a rollback gives the number back.
pub async fn next_number(
    conn: &mut PgConnection,
    owner_user_id: Uuid,
    series: NumberSeries,
    year: i32,
) -> Result<i32> {
    let year = i16::try_from(year).map_err(|_| Error::validation("année invalide"))?;
    Ok(sqlx::query_scalar(
        "INSERT INTO number_sequences (owner_user_id, series, year, last_value) VALUES ($1, $2, $3, 1)
         ON CONFLICT (owner_user_id, series, year)
         DO UPDATE SET last_value = number_sequences.last_value + 1
         RETURNING last_value",
    )
    .bind(owner_user_id)
    .bind(series)
    .bind(year)
    .fetch_one(conn)
    .await?)
}
