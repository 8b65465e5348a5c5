//! Public read models (DOMAIN.md §6.4, §8.1): professional listings and profiles, catalogue
//! items, the blog, the PASS check and the sitemap. Visibility follows §5.2.6: verified
//! profiles of ACTIVE, non-deleted users; ACTIVE/PUBLISHED catalogue rows of such profiles;
//! PUBLISHED articles.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::Result;
use crate::db::pros::ProKind;

/// Lower-case and strip French accents in SQL, so `reflexologue` finds "Réflexologue" and
/// `SOPHRO` finds "Sophrologue". `translate` is built in and immutable (no extension).
pub fn fold(expr: &str) -> String {
    format!(
        "translate(lower({expr}), 'àáâäãåçèéêëìíîïñòóôöõùúûüýÿ', 'aaaaaaceeeeiiiinooooouuuuyy')"
    )
}

/// The same folding in Rust (for tests and for comparing user input).
pub fn fold_str(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => 'a',
            'ç' => 'c',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ñ' => 'n',
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ý' | 'ÿ' => 'y',
            c => c,
        })
        .collect()
}

/// Every public professional of the four kinds with the columns the cards and profiles need.
/// Kind names are those of `/api/search` (`MERCHANT`, `CENTER`).
const PUBLIC_PROS: &str = r#"
    SELECT 'PRACTITIONER'::text AS kind, p.id, p.user_id, p.slug::text AS slug, p.public_name, p.description,
           p.city, p.address_line, p.postal_code::text AS postal_code, p.phone_public::text AS phone_public,
           p.email_public::text AS email_public, p.website, p.photo_url, p.featured,
           p.specialties, NULL::text AS category, p.consultation_modes::text[] AS consultation_modes,
           p.price_from_cents, p.years_experience, false AS qualiopi,
           (EXISTS (SELECT 1 FROM appointment_types t WHERE t.practitioner_id = p.id AND t.active AND t.online_bookable)
            AND EXISTS (SELECT 1 FROM availability_rules r WHERE r.practitioner_id = p.id)) AS online_booking
      FROM practitioner_profiles p JOIN users u ON u.id = p.user_id
     WHERE p.verified AND u.status = 'ACTIVE' AND u.deleted_at IS NULL
    UNION ALL
    SELECT 'ARTISAN', a.id, a.user_id, a.slug::text, a.public_name, a.description, a.city, a.address_line,
           a.postal_code::text, a.phone_public::text, a.email_public::text, a.website, a.photo_url, a.featured,
           '{}'::text[], a.category, '{}'::text[], NULL::int, NULL::smallint, false, false
      FROM artisan_profiles a JOIN users u ON u.id = a.user_id
     WHERE a.verified AND u.status = 'ACTIVE' AND u.deleted_at IS NULL
    UNION ALL
    SELECT 'MERCHANT', m.id, m.user_id, m.slug::text, m.public_name, m.description, m.city, m.address_line,
           m.postal_code::text, m.phone_public::text, m.email_public::text, m.website, m.photo_url, m.featured,
           '{}'::text[], m.category, '{}'::text[], NULL::int, NULL::smallint, false, false
      FROM merchant_profiles m JOIN users u ON u.id = m.user_id
     WHERE m.verified AND u.status = 'ACTIVE' AND u.deleted_at IS NULL
    UNION ALL
    SELECT 'CENTER', c.id, c.user_id, c.slug::text, c.public_name, c.description, c.city, c.address_line,
           c.postal_code::text, c.phone_public::text, c.email_public::text, c.website, c.photo_url, c.featured,
           '{}'::text[], 'Centre de formation', '{}'::text[], NULL::int, NULL::smallint, c.qualiopi_certified, false
      FROM center_profiles c JOIN users u ON u.id = c.user_id
     WHERE c.verified AND u.status = 'ACTIVE' AND u.deleted_at IS NULL
"#;

/// `PUBLIC_PROS` with the active PASS discount of each pro.
fn pros_cte() -> String {
    format!(
        "WITH pros AS ({PUBLIC_PROS}),
         cards AS (SELECT pros.*, d.rate_pct AS pass_rate_pct
                     FROM pros LEFT JOIN pass_discounts d ON d.partner_user_id = pros.user_id AND d.active)"
    )
}

pub fn kind_name(kind: ProKind) -> &'static str {
    match kind {
        ProKind::Practitioner => "PRACTITIONER",
        ProKind::Artisan => "ARTISAN",
        ProKind::Merchant => "MERCHANT",
        ProKind::Center => "CENTER",
    }
}

pub fn kind_path(kind: &str) -> &'static str {
    match kind {
        "PRACTITIONER" => "/praticiens",
        "ARTISAN" => "/artisans",
        "MERCHANT" => "/commercants",
        _ => "/centres-de-formation",
    }
}

pub fn kind_label(kind: &str) -> &'static str {
    match kind {
        "PRACTITIONER" => "Praticien",
        "ARTISAN" => "Artisan",
        "MERCHANT" => "Commerçant",
        "CENTER" => "Centre de formation",
        "PRODUCT" => "Produit",
        "SERVICE" => "Création artisanale",
        "FORMATION" => "Formation",
        _ => "Article",
    }
}

/// DOMAIN.md §6.1 `ProCard`.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProCard {
    pub slug: String,
    pub public_name: String,
    pub kind: String,
    pub specialties: Vec<String>,
    pub category: Option<String>,
    pub city: Option<String>,
    pub photo_url: Option<String>,
    pub pass_rate_pct: Option<i16>,
    pub price_from_cents: Option<i32>,
    pub featured: bool,
    pub online_booking: bool,
}

impl ProCard {
    pub fn href(&self) -> String {
        format!("{}/{}", kind_path(&self.kind), self.slug)
    }

    pub fn kind_label(&self) -> &'static str {
        kind_label(&self.kind)
    }

    /// Specialties or category, shown under the name.
    pub fn subtitle(&self) -> String {
        if self.specialties.is_empty() {
            self.category.clone().unwrap_or_default()
        } else {
            self.specialties.join(", ")
        }
    }

    pub fn initial(&self) -> char {
        self.public_name.chars().next().unwrap_or('S')
    }
}

const CARD_COLUMNS: &str = "slug, public_name, kind, specialties, category, city, photo_url, pass_rate_pct, price_from_cents, featured, online_booking";

/// Filters of the listings (`/api/public/practitioners?q&specialty&city&passOnly…`).
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub q: Option<String>,
    /// Specialty (practitioners) or category (others), accent-insensitive.
    pub category: Option<String>,
    pub city: Option<String>,
    pub pass_only: bool,
    pub online_only: bool,
    pub page: i64,
    pub limit: i64,
}

/// One listing page of a kind: featured first, then by name; with the total count.
pub async fn list_pros(
    pool: &PgPool,
    kind: ProKind,
    f: &ListFilter,
) -> Result<(Vec<ProCard>, i64)> {
    let hay = fold(
        "(public_name || ' ' || array_to_string(specialties, ' ') || ' ' || COALESCE(category, ''))",
    );
    let cat = fold("(array_to_string(specialties, ' ') || ' ' || COALESCE(category, ''))");
    let sql = format!(
        "{cte}
         SELECT {CARD_COLUMNS}, count(*) OVER () AS total FROM cards
          WHERE kind = $1
            AND ($2::text IS NULL OR {hay} LIKE '%' || {q} || '%')
            AND ($3::text IS NULL OR {cat} LIKE '%' || {c} || '%')
            AND ($4::text IS NULL OR {city} = {cityq})
            AND (NOT $5 OR pass_rate_pct IS NOT NULL)
            AND (NOT $6 OR online_booking)
          ORDER BY featured DESC, public_name
          LIMIT $7 OFFSET $8",
        cte = pros_cte(),
        q = fold("$2"),
        c = fold("$3"),
        city = fold("COALESCE(city, '')"),
        cityq = fold("$4"),
    );
    let rows: Vec<CardRow> = sqlx::query_as(&sql)
        .bind(kind_name(kind))
        .bind(non_empty(&f.q))
        .bind(non_empty(&f.category))
        .bind(non_empty(&f.city))
        .bind(f.pass_only)
        .bind(f.online_only)
        .bind(f.limit)
        .bind((f.page - 1).max(0).saturating_mul(f.limit))
        .fetch_all(pool)
        .await?;
    let total = rows.first().map(|r| r.total).unwrap_or(0);
    let total = if rows.is_empty() && f.page > 1 {
        count_pros(pool, kind, f).await?
    } else {
        total
    };
    Ok((rows.into_iter().map(|r| r.card).collect(), total))
}

async fn count_pros(pool: &PgPool, kind: ProKind, f: &ListFilter) -> Result<i64> {
    let first = ListFilter {
        page: 1,
        limit: 1,
        ..f.clone()
    };
    let rows = Box::pin(list_pros(pool, kind, &first)).await?;
    Ok(rows.1)
}

#[derive(sqlx::FromRow)]
struct CardRow {
    #[sqlx(flatten)]
    card: ProCard,
    total: i64,
}

fn non_empty(v: &Option<String>) -> Option<String> {
    v.as_ref()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// The distinct specialties (practitioners) or categories (others) for a listing's filter.
pub async fn facets(pool: &PgPool, kind: ProKind) -> Result<Vec<String>> {
    let sql = format!(
        "{cte}
         SELECT DISTINCT v FROM (
             SELECT unnest(specialties) AS v FROM cards WHERE kind = $1
             UNION SELECT category FROM cards WHERE kind = $1 AND category IS NOT NULL AND kind <> 'CENTER'
         ) x ORDER BY v",
        cte = pros_cte()
    );
    Ok(sqlx::query_scalar(&sql)
        .bind(kind_name(kind))
        .fetch_all(pool)
        .await?)
}

/// A public profile with its detail columns.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProProfile {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub card: ProCard,
    #[serde(skip)]
    pub id: Uuid,
    /// Needed to start a conversation and for the PASS check; it is not secret (the PASS check
    /// endpoint takes it).
    pub user_id: Uuid,
    pub description: Option<String>,
    pub address_line: Option<String>,
    pub postal_code: Option<String>,
    pub phone_public: Option<String>,
    pub email_public: Option<String>,
    pub website: Option<String>,
    pub consultation_modes: Vec<String>,
    pub years_experience: Option<i16>,
    pub qualiopi: bool,
}

impl ProProfile {
    /// A street-map search link for the address (no embedded map, no third-party script).
    pub fn map_href(&self) -> Option<String> {
        let line = self.card.city.as_ref()?;
        let q = format!(
            "{} {} {}",
            self.address_line.as_deref().unwrap_or_default(),
            self.postal_code.as_deref().unwrap_or_default(),
            line
        );
        Some(format!(
            "https://www.openstreetmap.org/search?query={}",
            q.trim().replace(' ', "+").replace(['&', '#', '?'], "")
        ))
    }
}

/// A public profile by slug, or None (404) when it does not exist or is not public.
pub async fn profile(pool: &PgPool, kind: ProKind, slug: &str) -> Result<Option<ProProfile>> {
    let sql = format!(
        "{cte}
         SELECT {CARD_COLUMNS}, id, user_id, description, address_line, postal_code, phone_public, email_public,
                website, consultation_modes, years_experience, qualiopi
           FROM cards WHERE kind = $1 AND slug = $2",
        cte = pros_cte()
    );
    Ok(sqlx::query_as(&sql)
        .bind(kind_name(kind))
        .bind(slug)
        .fetch_optional(pool)
        .await?)
}

/// The card of a pro by profile id (owner card on item pages).
async fn card_by_id(pool: &PgPool, kind: ProKind, id: Uuid) -> Result<Option<ProProfile>> {
    let sql = format!(
        "{cte}
         SELECT {CARD_COLUMNS}, id, user_id, description, address_line, postal_code, phone_public, email_public,
                website, consultation_modes, years_experience, qualiopi
           FROM cards WHERE kind = $1 AND id = $2",
        cte = pros_cte()
    );
    Ok(sqlx::query_as(&sql)
        .bind(kind_name(kind))
        .bind(id)
        .fetch_optional(pool)
        .await?)
}

/// An online-bookable motif (active and online_bookable only, §5.3).
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicType {
    pub id: Uuid,
    pub label: String,
    pub group_label: Option<String>,
    pub duration_min: i16,
    pub price_cents: i32,
    pub location_kind: String,
}

pub async fn bookable_types(pool: &PgPool, practitioner_id: Uuid) -> Result<Vec<PublicType>> {
    Ok(sqlx::query_as(
        "SELECT id, label, group_label, duration_min, price_cents, location_kind::text AS location_kind
           FROM appointment_types WHERE practitioner_id = $1 AND active AND online_bookable
          ORDER BY position, label",
    )
    .bind(practitioner_id)
    .fetch_all(pool)
    .await?)
}

pub async fn accepts_new_clients(pool: &PgPool, practitioner_id: Uuid) -> Result<bool> {
    Ok(sqlx::query_scalar(
        "SELECT COALESCE((SELECT accept_new_clients FROM agenda_settings WHERE practitioner_id = $1), true)",
    )
    .bind(practitioner_id)
    .fetch_one(pool)
    .await?)
}

/// An artisan service or a merchant product as shown publicly.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CatalogItem {
    pub id: Uuid,
    #[serde(skip)]
    pub owner_id: Uuid,
    pub slug: String,
    pub title: String,
    pub description: Option<String>,
    pub category: Option<String>,
    pub price_ttc_cents: i32,
    pub image_url: Option<String>,
    /// Products only; services are always available.
    pub in_stock: bool,
    pub duration_min: Option<i16>,
}

const SERVICE_COLUMNS: &str = "id, artisan_id AS owner_id, slug::text AS slug, title, description, category, price_ttc_cents, images[1] AS image_url, true AS in_stock, duration_min";
const PRODUCT_COLUMNS: &str = "id, merchant_id AS owner_id, slug::text AS slug, title, description, category, price_ttc_cents, images[1] AS image_url, stock_quantity > 0 AS in_stock, NULL::smallint AS duration_min";

pub async fn services_of(pool: &PgPool, artisan_id: Uuid) -> Result<Vec<CatalogItem>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {SERVICE_COLUMNS} FROM artisan_services WHERE artisan_id = $1 AND status = 'ACTIVE' ORDER BY title"
    ))
    .bind(artisan_id)
    .fetch_all(pool)
    .await?)
}

pub async fn products_of(pool: &PgPool, merchant_id: Uuid) -> Result<Vec<CatalogItem>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {PRODUCT_COLUMNS} FROM products WHERE merchant_id = $1 AND status = 'ACTIVE' ORDER BY title"
    ))
    .bind(merchant_id)
    .fetch_all(pool)
    .await?)
}

/// A service (`SERVICE`) or product (`PRODUCT`) with its owner, when both are public.
pub async fn item(
    pool: &PgPool,
    kind: ProKind,
    slug: &str,
) -> Result<Option<(CatalogItem, ProProfile)>> {
    let sql = match kind {
        ProKind::Artisan => format!(
            "SELECT {SERVICE_COLUMNS} FROM artisan_services WHERE slug = $1 AND status = 'ACTIVE'"
        ),
        ProKind::Merchant => {
            format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE slug = $1 AND status = 'ACTIVE'")
        }
        _ => return Ok(None),
    };
    let Some(item): Option<CatalogItem> =
        sqlx::query_as(&sql).bind(slug).fetch_optional(pool).await?
    else {
        return Ok(None);
    };
    Ok(card_by_id(pool, kind, item.owner_id)
        .await?
        .map(|owner| (item, owner)))
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicSession {
    pub id: Uuid,
    #[serde(skip)]
    pub formation_id: Uuid,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub location: Option<String>,
    pub is_remote: bool,
    pub status: String,
    pub seats_left: Option<i32>,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicFormation {
    pub id: Uuid,
    #[serde(skip)]
    pub center_id: Uuid,
    pub slug: String,
    pub title: String,
    pub description: Option<String>,
    pub category: Option<String>,
    pub duration_hours: Option<i16>,
    pub price_ttc_cents: Option<i32>,
    pub cpf_eligible: bool,
    #[sqlx(skip)]
    pub next_sessions: Vec<PublicSession>,
}

const FORMATION_COLUMNS: &str = "id, center_id, slug::text AS slug, title, description, category, duration_hours, price_ttc_cents, cpf_eligible";

async fn sessions_of(
    pool: &PgPool,
    formation_ids: &[Uuid],
    now: DateTime<Utc>,
) -> Result<Vec<PublicSession>> {
    Ok(sqlx::query_as(
        "SELECT id, formation_id, title, starts_at, ends_at, location, is_remote, status::text AS status,
                (max_seats - booked_seats)::int AS seats_left
           FROM formation_sessions
          WHERE formation_id = ANY($1) AND status IN ('OPEN', 'FULL') AND starts_at > $2
          ORDER BY starts_at",
    )
    .bind(formation_ids)
    .bind(now)
    .fetch_all(pool)
    .await?)
}

pub async fn formations_of(
    pool: &PgPool,
    center_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<PublicFormation>> {
    let mut list: Vec<PublicFormation> = sqlx::query_as(&format!(
        "SELECT {FORMATION_COLUMNS} FROM formations WHERE center_id = $1 AND status = 'PUBLISHED' ORDER BY title"
    ))
    .bind(center_id)
    .fetch_all(pool)
    .await?;
    let ids: Vec<Uuid> = list.iter().map(|f| f.id).collect();
    let sessions = sessions_of(pool, &ids, now).await?;
    for f in &mut list {
        f.next_sessions = sessions
            .iter()
            .filter(|s| s.formation_id == f.id)
            .cloned()
            .collect();
    }
    Ok(list)
}

pub async fn formation(
    pool: &PgPool,
    slug: &str,
    now: DateTime<Utc>,
) -> Result<Option<(PublicFormation, ProProfile)>> {
    let Some(mut f): Option<PublicFormation> = sqlx::query_as(&format!(
        "SELECT {FORMATION_COLUMNS} FROM formations WHERE slug = $1 AND status = 'PUBLISHED'"
    ))
    .bind(slug)
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    f.next_sessions = sessions_of(pool, &[f.id], now).await?;
    Ok(card_by_id(pool, ProKind::Center, f.center_id)
        .await?
        .map(|owner| (f, owner)))
}

/// `GET /api/public/pass/{userId}`: `(enabled, rate)`; 10 % and disabled without a row, as the
/// original. Reveals nothing else about the account.
pub async fn pass_check(pool: &PgPool, user_id: Uuid) -> Result<(bool, i16)> {
    let row: Option<(bool, i16)> =
        sqlx::query_as("SELECT active, rate_pct FROM pass_discounts WHERE partner_user_id = $1")
            .bind(user_id)
            .fetch_optional(pool)
            .await?;
    Ok(row.unwrap_or((false, 10)))
}

/// Public URLs for `sitemap.xml`, with their last modification.
pub async fn sitemap(pool: &PgPool) -> Result<Vec<(String, DateTime<Utc>)>> {
    let sql = format!(
        "WITH pros AS ({PUBLIC_PROS})
         SELECT CASE kind WHEN 'PRACTITIONER' THEN '/praticiens/' WHEN 'ARTISAN' THEN '/artisans/'
                          WHEN 'MERCHANT' THEN '/commercants/' ELSE '/centres-de-formation/' END || slug,
                (SELECT updated_at FROM users WHERE id = pros.user_id)
           FROM pros
         UNION ALL
         SELECT '/produit/artisan/' || s.slug, s.updated_at FROM artisan_services s
           JOIN pros ON pros.kind = 'ARTISAN' AND pros.id = s.artisan_id WHERE s.status = 'ACTIVE'
         UNION ALL
         SELECT '/produit/commercant/' || p.slug, p.updated_at FROM products p
           JOIN pros ON pros.kind = 'MERCHANT' AND pros.id = p.merchant_id WHERE p.status = 'ACTIVE'
         UNION ALL
         SELECT '/formations/' || f.slug, f.updated_at FROM formations f
           JOIN pros ON pros.kind = 'CENTER' AND pros.id = f.center_id WHERE f.status = 'PUBLISHED'
         UNION ALL
         SELECT '/blog/' || slug, updated_at FROM articles WHERE status = 'PUBLISHED'
         ORDER BY 1"
    );
    Ok(sqlx::query_as(&sql).fetch_all(pool).await?)
}

/// A search hit (`/api/search`).
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchHit {
    #[serde(rename = "type")]
    pub kind: String,
    pub slug: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub city: Option<String>,
    pub href: String,
    pub image_url: Option<String>,
}

impl SearchHit {
    pub fn kind_label(&self) -> &'static str {
        kind_label(&self.kind)
    }
}

pub const SEARCH_TYPES: [&str; 8] = [
    "PRACTITIONER",
    "ARTISAN",
    "MERCHANT",
    "CENTER",
    "PRODUCT",
    "SERVICE",
    "FORMATION",
    "ARTICLE",
];

#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    pub q: Option<String>,
    /// One of [`SEARCH_TYPES`].
    pub kind: Option<String>,
    pub category: Option<String>,
    pub city: Option<String>,
    pub pass_only: bool,
    pub online_only: bool,
    pub page: i64,
    pub limit: i64,
}

/// One search over professionals, catalogue items and articles (§6.4): accent- and
/// case-insensitive substring or trigram word similarity on the folded text, ranked by
/// similarity then featured.
pub async fn search(pool: &PgPool, s: &SearchQuery) -> Result<(Vec<SearchHit>, i64)> {
    let sql = format!(
        "{cte},
         items AS (
           SELECT kind, slug, public_name AS title,
                  NULLIF(concat_ws(' · ', NULLIF(array_to_string(specialties, ', '), ''), category), '') AS subtitle,
                  city, CASE kind WHEN 'PRACTITIONER' THEN '/praticiens/' WHEN 'ARTISAN' THEN '/artisans/'
                       WHEN 'MERCHANT' THEN '/commercants/' ELSE '/centres-de-formation/' END || slug AS href,
                  photo_url AS image_url, featured,
                  public_name || ' ' || array_to_string(specialties, ' ') || ' ' || COALESCE(category, '') AS hay,
                  array_to_string(specialties, ' ') || ' ' || COALESCE(category, '') AS cat,
                  pass_rate_pct IS NOT NULL AS pass_partner, online_booking
             FROM cards
           UNION ALL
           SELECT 'SERVICE', s.slug::text, s.title, c.public_name, c.city, '/produit/artisan/' || s.slug,
                  s.images[1], false, s.title || ' ' || COALESCE(s.category, '') || ' ' || c.public_name,
                  COALESCE(s.category, ''), c.pass_rate_pct IS NOT NULL, false
             FROM artisan_services s JOIN cards c ON c.kind = 'ARTISAN' AND c.id = s.artisan_id
            WHERE s.status = 'ACTIVE'
           UNION ALL
           SELECT 'PRODUCT', p.slug::text, p.title, c.public_name, c.city, '/produit/commercant/' || p.slug,
                  p.images[1], false, p.title || ' ' || COALESCE(p.category, '') || ' ' || c.public_name,
                  COALESCE(p.category, ''), c.pass_rate_pct IS NOT NULL, false
             FROM products p JOIN cards c ON c.kind = 'MERCHANT' AND c.id = p.merchant_id
            WHERE p.status = 'ACTIVE'
           UNION ALL
           SELECT 'FORMATION', f.slug::text, f.title, c.public_name, c.city, '/formations/' || f.slug,
                  NULL, false, f.title || ' ' || COALESCE(f.category, '') || ' ' || c.public_name,
                  COALESCE(f.category, ''), c.pass_rate_pct IS NOT NULL, false
             FROM formations f JOIN cards c ON c.kind = 'CENTER' AND c.id = f.center_id
            WHERE f.status = 'PUBLISHED'
           UNION ALL
           SELECT 'ARTICLE', a.slug::text, a.title, a.category, NULL, '/blog/' || a.slug, a.cover_url, false,
                  a.title || ' ' || COALESCE(a.category, '') || ' ' || array_to_string(a.tags, ' '),
                  COALESCE(a.category, ''), false, false
             FROM articles a WHERE a.status = 'PUBLISHED'
         ),
         folded AS (SELECT items.*, {hay} AS fhay FROM items)
         SELECT kind, slug, title, subtitle, city, href, image_url, count(*) OVER () AS total
           FROM folded
          WHERE ($1::text IS NULL OR fhay LIKE '%' || {q} || '%' OR {q} <% fhay)
            AND ($2::text IS NULL OR kind = $2)
            AND ($3::text IS NULL OR {cat} LIKE '%' || {c} || '%')
            AND ($4::text IS NULL OR {city} = {cityq})
            AND (NOT $5 OR pass_partner)
            AND (NOT $6 OR online_booking)
          ORDER BY CASE WHEN $1::text IS NULL THEN 0 ELSE word_similarity({q}, fhay) END DESC,
                   featured DESC, title
          LIMIT $7 OFFSET $8",
        cte = pros_cte(),
        hay = fold("hay"),
        q = fold("$1"),
        cat = fold("cat"),
        c = fold("$3"),
        city = fold("COALESCE(city, '')"),
        cityq = fold("$4"),
    );
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        hit: SearchHit,
        total: i64,
    }
    let rows: Vec<Row> = sqlx::query_as(&sql)
        .bind(non_empty(&s.q))
        .bind(non_empty(&s.kind))
        .bind(non_empty(&s.category))
        .bind(non_empty(&s.city))
        .bind(s.pass_only)
        .bind(s.online_only)
        .bind(s.limit)
        .bind((s.page - 1).max(0).saturating_mul(s.limit))
        .fetch_all(pool)
        .await?;
    let total = rows.first().map(|r| r.total).unwrap_or(0);
    Ok((rows.into_iter().map(|r| r.hit).collect(), total))
}

/// A blog card (`GET /api/blog/posts`).
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArticleSummary {
    #[serde(skip)]
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub excerpt: Option<String>,
    pub cover_url: Option<String>,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub author_display_name: String,
    pub reading_minutes: i16,
    pub published_at: DateTime<Utc>,
    pub likes: i64,
}

const ARTICLE_COLUMNS: &str =
    "a.id, a.slug::text AS slug, a.title, a.excerpt, a.cover_url, a.category, a.tags,
    a.author_display_name, a.reading_minutes, a.published_at,
    (SELECT count(*) FROM article_likes l WHERE l.article_id = a.id) AS likes";

#[derive(Debug, Clone, Default)]
pub struct BlogFilter {
    pub category: Option<String>,
    pub tag: Option<String>,
    pub q: Option<String>,
    pub page: i64,
    pub limit: i64,
}

pub async fn articles(pool: &PgPool, f: &BlogFilter) -> Result<(Vec<ArticleSummary>, i64)> {
    let sql = format!(
        "SELECT {ARTICLE_COLUMNS}, count(*) OVER () AS total FROM articles a
          WHERE a.status = 'PUBLISHED'
            AND ($1::text IS NULL OR a.category = $1)
            AND ($2::text IS NULL OR a.tags @> ARRAY[$2])
            AND ($3::text IS NULL OR {hay} LIKE '%' || {q} || '%')
          ORDER BY a.published_at DESC LIMIT $4 OFFSET $5",
        hay = fold("(a.title || ' ' || COALESCE(a.excerpt, ''))"),
        q = fold("$3"),
    );
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        a: ArticleSummary,
        total: i64,
    }
    let rows: Vec<Row> = sqlx::query_as(&sql)
        .bind(non_empty(&f.category))
        .bind(non_empty(&f.tag))
        .bind(non_empty(&f.q))
        .bind(f.limit)
        .bind((f.page - 1).max(0).saturating_mul(f.limit))
        .fetch_all(pool)
        .await?;
    let total = rows.first().map(|r| r.total).unwrap_or(0);
    Ok((rows.into_iter().map(|r| r.a).collect(), total))
}

pub async fn blog_categories(pool: &PgPool) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT category FROM articles WHERE status = 'PUBLISHED' AND category IS NOT NULL ORDER BY 1",
    )
    .fetch_all(pool)
    .await?)
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Article {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub summary: ArticleSummary,
    pub content: String,
    pub views: i32,
}

pub async fn article(pool: &PgPool, slug: &str) -> Result<Option<Article>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {ARTICLE_COLUMNS}, a.content, a.views FROM articles a WHERE a.slug = $1 AND a.status = 'PUBLISHED'"
    ))
    .bind(slug)
    .fetch_optional(pool)
    .await?)
}

/// Whether the user liked / favorited an article (shown when logged in).
pub async fn article_marks(pool: &PgPool, article_id: Uuid, user_id: Uuid) -> Result<(bool, bool)> {
    Ok(sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM article_likes WHERE article_id = $1 AND user_id = $2),
                EXISTS (SELECT 1 FROM favorites WHERE target_type = 'ARTICLE' AND target_id = $1 AND user_id = $2)",
    )
    .bind(article_id)
    .bind(user_id)
    .fetch_one(pool)
    .await?)
}

/// Counts a view at most once per viewer key and day: the key (session hash or address) is
/// kept in the rate-limit table, which already expires rows.
pub async fn count_view(
    pool: &PgPool,
    article_id: Uuid,
    viewer: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let key = format!(
        "view:{article_id}:{viewer}:{}",
        crate::domain::paris_date(now)
    );
    let limit = crate::db::rate_limit::Limit {
        max: 1,
        window: chrono::Duration::days(1),
    };
    if crate::db::rate_limit::hit(pool, &key, limit, now).await? {
        let mut conn = pool.acquire().await?;
        crate::db::blog::add_views(&mut conn, article_id, 1).await?;
    }
    Ok(())
}

/// Sample titles of the latest PASS resources (titles only: the landing page is public).
pub async fn pass_resource_titles(
    pool: &PgPool,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<(String, String, String)>> {
    Ok(sqlx::query_as(
        "SELECT month, type::text, title FROM pass_resources
          WHERE published AND available_from <= $1 ORDER BY month DESC, title LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::fold_str;

    #[test]
    fn folding() {
        assert_eq!(fold_str("Réflexologue"), "reflexologue");
        assert_eq!(fold_str("SOPHROLOGUE"), "sophrologue");
        assert_eq!(fold_str("Épicerie à Besançon"), "epicerie a besancon");
    }
}
