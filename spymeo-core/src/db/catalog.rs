//! Artisan services (DOMAIN.md E1) and merchant products (F1). Slugs are global (public URLs
//! `/produit/artisan/{slug}`, `/produit/commercant/{slug}`); a product's initial stock is an IN
//! movement "Stock initial", never a direct write.

use chrono::{DateTime, Utc};
use sqlx::{Connection as _, PgConnection};
use uuid::Uuid;

use crate::db::stock::{MovementInput, record_movement};
use crate::db::support::{sqlstate, unique_slug};
use crate::domain::{CatalogStatus, money};
use crate::{Error, Result};

#[derive(Debug, Clone)]
pub struct ServiceInput {
    pub title: String,
    pub description: Option<String>,
    pub category: Option<String>,
    pub price_ttc_cents: i32,
    pub vat_rate_bp: i16,
    pub duration_min: Option<i16>,
    pub images: Vec<String>,
    pub status: CatalogStatus,
}

fn check_title(title: &str) -> Result<()> {
    if title.trim().is_empty() || title.chars().count() > 200 {
        return Err(Error::field(
            "title",
            "titre requis (200 caractères au plus)",
        ));
    }
    Ok(())
}

pub async fn create_service(
    conn: &mut PgConnection,
    artisan_id: Uuid,
    s: &ServiceInput,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    check_title(&s.title)?;
    money::check_vat_rate(s.vat_rate_bp)?;
    if s.price_ttc_cents < 0 {
        return Err(Error::field("priceTtcCents", "prix positif attendu"));
    }
    let mut tx = conn.begin().await?;
    let slug = unique_slug(&mut tx, "artisan_services", &s.title).await?;
    let id = sqlx::query_scalar(
        "INSERT INTO artisan_services (artisan_id, slug, title, description, category, price_ttc_cents, vat_rate_bp,
                                       duration_min, images, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
    )
    .bind(artisan_id)
    .bind(&slug)
    .bind(s.title.trim())
    .bind(&s.description)
    .bind(&s.category)
    .bind(s.price_ttc_cents)
    .bind(s.vat_rate_bp)
    .bind(s.duration_min)
    .bind(&s.images)
    .bind(s.status)
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| match sqlstate(&e).as_deref() {
        Some("23505") => Error::conflict("SLUG_TAKEN", "Ce titre est déjà utilisé"),
        _ => Error::Database(e),
    })?;
    tx.commit().await?;
    Ok(id)
}

pub async fn set_service_status(
    conn: &mut PgConnection,
    artisan_id: Uuid,
    service_id: Uuid,
    status: CatalogStatus,
) -> Result<()> {
    let n =
        sqlx::query("UPDATE artisan_services SET status = $3 WHERE id = $1 AND artisan_id = $2")
            .bind(service_id)
            .bind(artisan_id)
            .bind(status)
            .execute(conn)
            .await?
            .rows_affected();
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}

#[derive(Debug, Clone)]
pub struct ProductInput {
    pub title: String,
    pub sku: Option<String>,
    pub description: Option<String>,
    pub category: Option<String>,
    pub price_ttc_cents: i32,
    pub vat_rate_bp: i16,
    pub initial_stock: i32,
    pub low_stock_threshold: i32,
    pub images: Vec<String>,
    pub status: CatalogStatus,
}

/// `POST /api/pro/commercant/products`; `initial_stock > 0` adds the "Stock initial" movement
/// in the same transaction.
pub async fn create_product(
    conn: &mut PgConnection,
    merchant_id: Uuid,
    p: &ProductInput,
    created_by: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    check_title(&p.title)?;
    money::check_vat_rate(p.vat_rate_bp)?;
    if p.price_ttc_cents < 0 || p.initial_stock < 0 || p.low_stock_threshold < 0 {
        return Err(Error::field(
            "priceTtcCents",
            "montants et quantités positifs attendus",
        ));
    }
    let mut tx = conn.begin().await?;
    let slug = unique_slug(&mut tx, "products", &p.title).await?;
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO products (merchant_id, slug, sku, title, description, category, price_ttc_cents, vat_rate_bp,
                               low_stock_threshold, images, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
    )
    .bind(merchant_id)
    .bind(&slug)
    .bind(&p.sku)
    .bind(p.title.trim())
    .bind(&p.description)
    .bind(&p.category)
    .bind(p.price_ttc_cents)
    .bind(p.vat_rate_bp)
    .bind(p.low_stock_threshold)
    .bind(&p.images)
    .bind(p.status)
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| match sqlstate(&e).as_deref() {
        Some("23505") if crate::db::support::constraint(&e).is_some_and(|c| c.contains("sku")) => {
            Error::conflict("SKU_TAKEN", "Cette référence existe déjà")
        }
        Some("23505") => Error::conflict("SLUG_TAKEN", "Ce titre est déjà utilisé"),
        _ => Error::Database(e),
    })?;
    if p.initial_stock > 0 {
        record_movement(
            &mut tx,
            merchant_id,
            id,
            MovementInput::In(p.initial_stock),
            Some("Stock initial"),
            None,
            created_by,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

pub async fn set_product_status(
    conn: &mut PgConnection,
    merchant_id: Uuid,
    product_id: Uuid,
    status: CatalogStatus,
) -> Result<()> {
    let n = sqlx::query("UPDATE products SET status = $3 WHERE id = $1 AND merchant_id = $2")
        .bind(product_id)
        .bind(merchant_id)
        .bind(status)
        .execute(conn)
        .await?
        .rows_affected();
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}
