//! Read models for the home page: featured professionals of every kind and the latest
//! published articles. Visibility follows DOMAIN.md §5.2.6: verified profile whose user is
//! ACTIVE and not deleted.

use sqlx::PgPool;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct FeaturedPro {
    /// PRACTITIONER, ARTISAN, COMMERCANT or CENTER.
    pub kind: String,
    pub slug: String,
    pub public_name: String,
    pub city: Option<String>,
    pub photo_url: Option<String>,
    /// Specialty or category shown under the name.
    pub subtitle: Option<String>,
}

impl FeaturedPro {
    /// Canonical public URL (DOMAIN.md §8: plural paths).
    pub fn href(&self) -> String {
        let base = match self.kind.as_str() {
            "PRACTITIONER" => "/praticiens",
            "ARTISAN" => "/artisans",
            "COMMERCANT" => "/commercants",
            _ => "/centres-de-formation",
        };
        format!("{base}/{}", self.slug)
    }

    pub fn kind_label(&self) -> &'static str {
        match self.kind.as_str() {
            "PRACTITIONER" => "Praticien",
            "ARTISAN" => "Artisan",
            "COMMERCANT" => "Commerçant",
            _ => "Centre de formation",
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ArticleCard {
    pub slug: String,
    pub title: String,
    pub excerpt: Option<String>,
    pub category: Option<String>,
    pub author_display_name: String,
    pub reading_minutes: i16,
    pub published_at: chrono::DateTime<chrono::Utc>,
    pub cover_url: Option<String>,
}

/// Up to `limit` public professionals, featured first, mixing the four kinds so the home page
/// does not show six practitioners: rows are interleaved by their rank within their kind.
pub async fn featured_pros(pool: &PgPool, limit: i64) -> crate::Result<Vec<FeaturedPro>> {
    let rows = sqlx::query_as::<_, FeaturedPro>(
        r#"
        WITH visible AS (
            SELECT 'PRACTITIONER' AS kind, p.slug::text AS slug, p.public_name, p.city, p.photo_url,
                   p.specialties[1] AS subtitle, p.featured
              FROM practitioner_profiles p JOIN users u ON u.id = p.user_id
             WHERE p.verified AND u.status = 'ACTIVE' AND u.deleted_at IS NULL
            UNION ALL
            SELECT 'ARTISAN', a.slug::text, a.public_name, a.city, a.photo_url, a.category, a.featured
              FROM artisan_profiles a JOIN users u ON u.id = a.user_id
             WHERE a.verified AND u.status = 'ACTIVE' AND u.deleted_at IS NULL
            UNION ALL
            SELECT 'COMMERCANT', m.slug::text, m.public_name, m.city, m.photo_url, m.category, m.featured
              FROM merchant_profiles m JOIN users u ON u.id = m.user_id
             WHERE m.verified AND u.status = 'ACTIVE' AND u.deleted_at IS NULL
            UNION ALL
            SELECT 'CENTER', c.slug::text, c.public_name, c.city, c.photo_url,
                   CASE WHEN c.qualiopi_certified THEN 'Certifié Qualiopi' END, c.featured
              FROM center_profiles c JOIN users u ON u.id = c.user_id
             WHERE c.verified AND u.status = 'ACTIVE' AND u.deleted_at IS NULL
        ), ranked AS (
            SELECT *, row_number() OVER (PARTITION BY kind ORDER BY featured DESC, public_name) AS rk
              FROM visible
        )
        SELECT kind, slug, public_name, city, photo_url, subtitle
          FROM ranked
         ORDER BY rk, featured DESC, kind, public_name
         LIMIT $1
        "#,
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

pub async fn latest_articles(pool: &PgPool, limit: i64) -> crate::Result<Vec<ArticleCard>> {
    let rows = sqlx::query_as::<_, ArticleCard>(
        r#"
        SELECT slug::text AS slug, title, excerpt, category, author_display_name, reading_minutes,
               published_at, cover_url
          FROM articles
         WHERE status = 'PUBLISHED'
         ORDER BY published_at DESC
         LIMIT $1
        "#,
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

/// Counts shown in the home page's PASS pitch.
pub async fn active_partner_count(pool: &PgPool) -> crate::Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT count(*) FROM pass_discounts WHERE active")
            .fetch_one(pool)
            .await?,
    )
}
