//! Merchant catalogue and stock read models (DOMAIN.md F1–F2, §6.13): product lists and
//! edits (never the stock, which only movements change), stock levels, the movement journal
//! and its CSV export. Movements themselves are recorded by `stock::record_movement`.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::db::listing::{Page, Paging, like_pattern};
use crate::db::support::{constraint, sqlstate};
use crate::domain::{CatalogStatus, StockMovementType, money};
use crate::{Error, Result};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct ProductRow {
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
    pub status: CatalogStatus,
    pub low: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const PRODUCT: &str = "SELECT id, slug::text AS slug, sku, title, description, category, price_ttc_cents, vat_rate_bp,
    stock_quantity, low_stock_threshold, images, status, stock_quantity <= low_stock_threshold AS low, created_at, updated_at
    FROM products";

#[derive(Debug, Clone, Default)]
pub struct ProductFilter {
    pub status: Option<CatalogStatus>,
    pub category: Option<String>,
    pub q: Option<String>,
    pub low_stock: bool,
}

pub async fn products(
    pool: &PgPool,
    merchant_id: Uuid,
    f: &ProductFilter,
    paging: Paging,
) -> Result<Page<ProductRow>> {
    let pattern = like_pattern(f.q.as_deref());
    let filter = "merchant_id = $1 AND ($2::catalog_status IS NULL OR status = $2) AND ($3::text IS NULL OR category = $3)
                  AND ($4::text IS NULL OR title ILIKE $4 OR sku ILIKE $4)
                  AND (NOT $5 OR (stock_quantity <= low_stock_threshold AND status <> 'ARCHIVED'))";
    let total: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM products WHERE {filter}"))
        .bind(merchant_id)
        .bind(f.status)
        .bind(&f.category)
        .bind(&pattern)
        .bind(f.low_stock)
        .fetch_one(pool)
        .await?;
    let items = sqlx::query_as(&format!(
        "{PRODUCT} WHERE {filter} ORDER BY title, id LIMIT $6 OFFSET $7"
    ))
    .bind(merchant_id)
    .bind(f.status)
    .bind(&f.category)
    .bind(&pattern)
    .bind(f.low_stock)
    .bind(paging.limit)
    .bind(paging.offset())
    .fetch_all(pool)
    .await?;
    Ok(Page::new(items, paging, total))
}

pub async fn product(conn: &mut PgConnection, merchant_id: Uuid, id: Uuid) -> Result<ProductRow> {
    sqlx::query_as(&format!("{PRODUCT} WHERE id = $1 AND merchant_id = $2"))
        .bind(id)
        .bind(merchant_id)
        .fetch_optional(conn)
        .await?
        .ok_or(Error::NotFound)
}

/// The page `/pro/commercant/produits/{slug}` finds products by slug, within the merchant.
pub async fn product_by_slug(
    conn: &mut PgConnection,
    merchant_id: Uuid,
    slug: &str,
) -> Result<ProductRow> {
    sqlx::query_as(&format!("{PRODUCT} WHERE slug = $1 AND merchant_id = $2"))
        .bind(slug)
        .bind(merchant_id)
        .fetch_optional(conn)
        .await?
        .ok_or(Error::NotFound)
}

/// Every editable field of a product; the stock is not one of them.
#[derive(Debug, Clone)]
pub struct ProductEdit {
    pub title: String,
    pub sku: Option<String>,
    pub description: Option<String>,
    pub category: Option<String>,
    pub price_ttc_cents: i32,
    pub vat_rate_bp: i16,
    pub low_stock_threshold: i32,
    pub images: Vec<String>,
    pub status: CatalogStatus,
}

impl From<&ProductRow> for ProductEdit {
    fn from(p: &ProductRow) -> Self {
        ProductEdit {
            title: p.title.clone(),
            sku: p.sku.clone(),
            description: p.description.clone(),
            category: p.category.clone(),
            price_ttc_cents: p.price_ttc_cents,
            vat_rate_bp: p.vat_rate_bp,
            low_stock_threshold: p.low_stock_threshold,
            images: p.images.clone(),
            status: p.status,
        }
    }
}

pub async fn update_product(
    conn: &mut PgConnection,
    merchant_id: Uuid,
    id: Uuid,
    p: &ProductEdit,
) -> Result<()> {
    if p.title.trim().is_empty() || p.title.chars().count() > 200 {
        return Err(Error::field(
            "title",
            "titre requis (200 caractères au plus)",
        ));
    }
    if p.sku.as_deref().is_some_and(|s| s.chars().count() > 40) {
        return Err(Error::field("sku", "référence de 40 caractères au plus"));
    }
    money::check_vat_rate(p.vat_rate_bp)?;
    if p.price_ttc_cents < 0 || p.low_stock_threshold < 0 {
        return Err(Error::field(
            "priceTtcCents",
            "montants et seuils positifs attendus",
        ));
    }
    if p.images.len() > 8 {
        return Err(Error::field("images", "8 images au plus"));
    }
    let n = sqlx::query(
        "UPDATE products SET title = $3, sku = $4, description = $5, category = $6, price_ttc_cents = $7, vat_rate_bp = $8,
                low_stock_threshold = $9, images = $10, status = $11
          WHERE id = $1 AND merchant_id = $2",
    )
    .bind(id)
    .bind(merchant_id)
    .bind(p.title.trim())
    .bind(&p.sku)
    .bind(&p.description)
    .bind(&p.category)
    .bind(p.price_ttc_cents)
    .bind(p.vat_rate_bp)
    .bind(p.low_stock_threshold)
    .bind(&p.images)
    .bind(p.status)
    .execute(conn)
    .await
    .map_err(|e| match sqlstate(&e).as_deref() {
        Some("23505") if constraint(&e).is_some_and(|c| c.contains("sku")) => {
            Error::conflict("SKU_TAKEN", "Cette référence existe déjà")
        }
        _ => crate::db::support::map_check(e),
    })?
    .rows_affected();
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}

/// A product with stock history cannot be deleted (the journal is kept 10 years): 409
/// PRODUCT_HAS_HISTORY, archive it instead.
pub async fn delete_product(conn: &mut PgConnection, merchant_id: Uuid, id: Uuid) -> Result<()> {
    let n = sqlx::query("DELETE FROM products WHERE id = $1 AND merchant_id = $2")
        .bind(id)
        .bind(merchant_id)
        .execute(conn)
        .await
        .map_err(|e| match sqlstate(&e).as_deref() {
            Some("23503") => Error::conflict(
                "PRODUCT_HAS_HISTORY",
                "Ce produit a un historique de stock : archivez-le plutôt",
            ),
            _ => Error::Database(e),
        })?
        .rows_affected();
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct StockLevel {
    pub product_id: Uuid,
    pub slug: String,
    pub title: String,
    pub sku: Option<String>,
    pub stock_quantity: i32,
    pub low_stock_threshold: i32,
    pub low: bool,
    pub status: CatalogStatus,
}

/// Stock levels of the merchant's products not archived; `low_only` keeps those at or under
/// their threshold.
pub async fn stock(pool: &PgPool, merchant_id: Uuid, low_only: bool) -> Result<Vec<StockLevel>> {
    Ok(sqlx::query_as(
        "SELECT id AS product_id, slug::text AS slug, title, sku, stock_quantity, low_stock_threshold,
                stock_quantity <= low_stock_threshold AS low, status
           FROM products
          WHERE merchant_id = $1 AND status <> 'ARCHIVED' AND (NOT $2 OR stock_quantity <= low_stock_threshold)
          ORDER BY (stock_quantity <= low_stock_threshold) DESC, title, id",
    )
    .bind(merchant_id)
    .bind(low_only)
    .fetch_all(pool)
    .await?)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct MovementRow {
    pub id: Uuid,
    pub product_id: Uuid,
    pub product_title: String,
    #[serde(rename = "type")]
    pub kind: StockMovementType,
    pub quantity: i32,
    pub stock_after: i32,
    pub reason: Option<String>,
    pub order_number: Option<String>,
    pub occurred_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default)]
pub struct MovementFilter {
    pub product_id: Option<Uuid>,
    pub kind: Option<StockMovementType>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

pub async fn movements(
    pool: &PgPool,
    merchant_id: Uuid,
    f: &MovementFilter,
    paging: Paging,
) -> Result<Page<MovementRow>> {
    let filter = "m.merchant_id = $1 AND ($2::uuid IS NULL OR m.product_id = $2)
                  AND ($3::stock_movement_type IS NULL OR m.type = $3)
                  AND ($4::timestamptz IS NULL OR m.occurred_at >= $4) AND ($5::timestamptz IS NULL OR m.occurred_at < $5)";
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM stock_movements m WHERE {filter}"
    ))
    .bind(merchant_id)
    .bind(f.product_id)
    .bind(f.kind)
    .bind(f.from)
    .bind(f.to)
    .fetch_one(pool)
    .await?;
    let items = sqlx::query_as(&format!(
        "SELECT m.id, m.product_id, p.title AS product_title, m.type AS kind, m.quantity, m.stock_after, m.reason,
                o.order_number, m.occurred_at
           FROM stock_movements m
           JOIN products p ON p.id = m.product_id
           LEFT JOIN merchant_orders o ON o.id = m.merchant_order_id
          WHERE {filter}
          ORDER BY m.occurred_at DESC, m.created_at DESC, m.id DESC LIMIT $6 OFFSET $7"
    ))
    .bind(merchant_id)
    .bind(f.product_id)
    .bind(f.kind)
    .bind(f.from)
    .bind(f.to)
    .bind(paging.limit)
    .bind(paging.offset())
    .fetch_all(pool)
    .await?;
    Ok(Page::new(items, paging, total))
}

/// A CSV field for a `;`-separated French spreadsheet: quoted when needed, and a leading
/// `= + - @` neutralised so a product title cannot become a formula.
pub fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// (sku, title, category, stock, threshold, price, status)
type CsvRow = (
    Option<String>,
    String,
    Option<String>,
    i32,
    i32,
    i32,
    CatalogStatus,
);

/// The stock levels as CSV (UTF-8 with BOM, `;`-separated, as the pre-compta exports).
pub async fn stock_csv(pool: &PgPool, merchant_id: Uuid) -> Result<String> {
    let rows: Vec<CsvRow> = sqlx::query_as(
        "SELECT sku, title, category, stock_quantity, low_stock_threshold, price_ttc_cents, status
           FROM products WHERE merchant_id = $1 ORDER BY title, id",
    )
    .bind(merchant_id)
    .fetch_all(pool)
    .await?;
    let mut out = String::from(
        "\u{feff}Référence;Produit;Catégorie;Stock;Seuil d'alerte;Prix TTC;Statut\r\n",
    );
    for (sku, title, category, stock, threshold, price, status) in rows {
        let price = format!("{},{:02}", price / 100, price % 100);
        out.push_str(&format!(
            "{};{};{};{stock};{threshold};{price};{}\r\n",
            csv_field(sku.as_deref().unwrap_or_default()),
            csv_field(&title),
            csv_field(category.as_deref().unwrap_or_default()),
            status.as_str()
        ));
    }
    Ok(out)
}

/// `stock_quantity − Σ movements` for every product of the merchant that breaks the
/// invariant of §7.5 (empty when it holds).
pub async fn stock_drift(pool: &PgPool, merchant_id: Uuid) -> Result<Vec<(Uuid, i64)>> {
    Ok(sqlx::query_as(
        "SELECT p.id, p.stock_quantity - COALESCE(sum(m.quantity), 0) AS drift
           FROM products p LEFT JOIN stock_movements m ON m.product_id = p.id
          WHERE p.merchant_id = $1
          GROUP BY p.id HAVING p.stock_quantity <> COALESCE(sum(m.quantity), 0)",
    )
    .bind(merchant_id)
    .fetch_all(pool)
    .await?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(super::csv_field("Savon; lavande"), "\"Savon; lavande\"");
        assert_eq!(super::csv_field("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(super::csv_field("Dit \"doux\""), "\"Dit \"\"doux\"\"\"");
    }
}
