//! Artisan services read models and edits (DOMAIN.md E1, §6.12). Creation is
//! `catalog::create_service`; orders are `artisan_orders` and `shop`.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::db::listing::{Page, Paging, like_pattern};
use crate::db::support::{map_check, sqlstate};
use crate::domain::{CatalogStatus, money};
use crate::{Error, Result};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct ServiceRow {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub description: Option<String>,
    pub category: Option<String>,
    pub price_ttc_cents: i32,
    pub vat_rate_bp: i16,
    pub duration_min: Option<i16>,
    pub images: Vec<String>,
    pub status: CatalogStatus,
    pub orders_count: i64,
    pub created_at: DateTime<Utc>,
}

const SERVICE: &str = "SELECT s.id, s.slug::text AS slug, s.title, s.description, s.category, s.price_ttc_cents, s.vat_rate_bp,
    s.duration_min, s.images, s.status,
    (SELECT count(DISTINCT i.order_id) FROM artisan_order_items i WHERE i.service_id = s.id) AS orders_count, s.created_at
    FROM artisan_services s";

pub async fn services(
    pool: &PgPool,
    artisan_id: Uuid,
    status: Option<CatalogStatus>,
    q: Option<&str>,
    paging: Paging,
) -> Result<Page<ServiceRow>> {
    let pattern = like_pattern(q);
    let filter = "s.artisan_id = $1 AND ($2::catalog_status IS NULL OR s.status = $2) AND ($3::text IS NULL OR s.title ILIKE $3)";
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM artisan_services s WHERE {filter}"
    ))
    .bind(artisan_id)
    .bind(status)
    .bind(&pattern)
    .fetch_one(pool)
    .await?;
    let items = sqlx::query_as(&format!(
        "{SERVICE} WHERE {filter} ORDER BY s.title, s.id LIMIT $4 OFFSET $5"
    ))
    .bind(artisan_id)
    .bind(status)
    .bind(&pattern)
    .bind(paging.limit)
    .bind(paging.offset())
    .fetch_all(pool)
    .await?;
    Ok(Page::new(items, paging, total))
}

pub async fn service(conn: &mut PgConnection, artisan_id: Uuid, id: Uuid) -> Result<ServiceRow> {
    sqlx::query_as(&format!("{SERVICE} WHERE s.id = $1 AND s.artisan_id = $2"))
        .bind(id)
        .bind(artisan_id)
        .fetch_optional(conn)
        .await?
        .ok_or(Error::NotFound)
}

#[derive(Debug, Clone)]
pub struct ServiceEdit {
    pub title: String,
    pub description: Option<String>,
    pub category: Option<String>,
    pub price_ttc_cents: i32,
    pub vat_rate_bp: i16,
    pub duration_min: Option<i16>,
    pub images: Vec<String>,
    pub status: CatalogStatus,
}

impl From<&ServiceRow> for ServiceEdit {
    fn from(s: &ServiceRow) -> Self {
        ServiceEdit {
            title: s.title.clone(),
            description: s.description.clone(),
            category: s.category.clone(),
            price_ttc_cents: s.price_ttc_cents,
            vat_rate_bp: s.vat_rate_bp,
            duration_min: s.duration_min,
            images: s.images.clone(),
            status: s.status,
        }
    }
}

pub async fn update_service(
    conn: &mut PgConnection,
    artisan_id: Uuid,
    id: Uuid,
    s: &ServiceEdit,
) -> Result<()> {
    if s.title.trim().is_empty() || s.title.chars().count() > 200 {
        return Err(Error::field(
            "title",
            "titre requis (200 caractères au plus)",
        ));
    }
    money::check_vat_rate(s.vat_rate_bp)?;
    if s.price_ttc_cents < 0 {
        return Err(Error::field("priceTtcCents", "prix positif attendu"));
    }
    if s.duration_min.is_some_and(|d| d <= 0) {
        return Err(Error::field("durationMin", "durée positive attendue"));
    }
    let n = sqlx::query(
        "UPDATE artisan_services SET title = $3, description = $4, category = $5, price_ttc_cents = $6, vat_rate_bp = $7,
                duration_min = $8, images = $9, status = $10
          WHERE id = $1 AND artisan_id = $2",
    )
    .bind(id)
    .bind(artisan_id)
    .bind(s.title.trim())
    .bind(&s.description)
    .bind(&s.category)
    .bind(s.price_ttc_cents)
    .bind(s.vat_rate_bp)
    .bind(s.duration_min)
    .bind(&s.images)
    .bind(s.status)
    .execute(conn)
    .await
    .map_err(map_check)?
    .rows_affected();
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}

/// A service already ordered stays (its orders point at it): 409 SERVICE_HAS_ORDERS, archive
/// it instead.
pub async fn delete_service(conn: &mut PgConnection, artisan_id: Uuid, id: Uuid) -> Result<()> {
    let used: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM artisan_order_items i JOIN artisan_services s ON s.id = i.service_id
                         WHERE s.id = $1 AND s.artisan_id = $2)",
    )
    .bind(id)
    .bind(artisan_id)
    .fetch_one(&mut *conn)
    .await?;
    if used {
        return Err(Error::conflict(
            "SERVICE_HAS_ORDERS",
            "Cette prestation a des commandes : archivez-la plutôt",
        ));
    }
    let n = sqlx::query("DELETE FROM artisan_services WHERE id = $1 AND artisan_id = $2")
        .bind(id)
        .bind(artisan_id)
        .execute(conn)
        .await
        .map_err(|e| match sqlstate(&e).as_deref() {
            Some("23503") => {
                Error::conflict("SERVICE_HAS_ORDERS", "Cette prestation a des commandes")
            }
            _ => Error::Database(e),
        })?
        .rows_affected();
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}
