//! The seed verification of DOMAIN.md §9.4, as SQL over whatever the database holds (it also
//! runs on its own: `spymeo seed --verify-only`).

use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::{Check, VerifyReport};
use crate::Result;

const GAPLESS: &str = r#"
WITH numbered AS (
    SELECT p.user_id AS owner,
           (CASE i.kind WHEN 'INVOICE' THEN 'INVOICE' ELSE 'CREDIT_NOTE' END)::number_series AS series,
           i.fiscal_year::int AS year, i.seq
      FROM invoices i JOIN practitioner_profiles p ON p.id = i.practitioner_id
     WHERE i.status <> 'DRAFT'
    UNION ALL
    SELECT a.user_id, 'ARTISAN_ORDER'::number_series, split_part(o.order_number, '-', 2)::int, split_part(o.order_number, '-', 3)::int
      FROM artisan_orders o JOIN artisan_profiles a ON a.id = o.artisan_id
    UNION ALL
    SELECT m.user_id, 'MERCHANT_ORDER'::number_series, split_part(o.order_number, '-', 2)::int, split_part(o.order_number, '-', 3)::int
      FROM merchant_orders o JOIN merchant_profiles m ON m.id = o.merchant_id
), grouped AS (
    SELECT owner, series, year, min(seq) AS lo, max(seq) AS hi, count(*) AS n FROM numbered GROUP BY 1, 2, 3
)
SELECT count(*) FILTER (WHERE g.owner IS NULL OR s.owner_user_id IS NULL OR g.lo <> 1 OR g.hi <> g.n OR s.last_value <> g.hi),
       count(*)
  FROM grouped g
  FULL JOIN number_sequences s ON s.owner_user_id = g.owner AND s.series = g.series AND s.year = g.year
"#;

const STOCK: &str = r#"
SELECT count(*) FILTER (WHERE p.stock_quantity <> COALESCE(m.total, 0) OR p.stock_quantity < 0), count(*)
  FROM products p
  LEFT JOIN (SELECT product_id, sum(quantity) AS total FROM stock_movements GROUP BY product_id) m ON m.product_id = p.id
"#;

const PASS_MONTHS: &str = r#"
SELECT count(*) FILTER (WHERE s.months_paid <> COALESCE(p.months, 0)), count(*)
  FROM pass_subscriptions s
  LEFT JOIN (SELECT subscription_id, sum(months_covered) AS months FROM pass_payments WHERE status = 'PAID' GROUP BY 1) p
         ON p.subscription_id = s.id
"#;

const PASS_ROLES: &str = r#"
SELECT count(*) FILTER (WHERE (u.role = 'PASS_USER') <> COALESCE(s.status IN ('ACTIVE', 'PAST_DUE'), false)), count(*)
  FROM users u LEFT JOIN pass_subscriptions s ON s.user_id = u.id
 WHERE u.role IN ('FREE_USER', 'PASS_USER')
"#;

const SALES: &str = r#"
WITH sources AS (
    SELECT id, paid_at IS NOT NULL AS paid FROM invoices
    UNION ALL SELECT id, paid_at IS NOT NULL FROM artisan_orders
    UNION ALL SELECT id, paid_at IS NOT NULL FROM merchant_orders
    UNION ALL SELECT id, paid_at IS NOT NULL FROM learner_enrollments
), sales AS (
    SELECT COALESCE(invoice_id, artisan_order_id, merchant_order_id, enrollment_id) AS source_id, count(*) AS n
      FROM precompta_entries WHERE type = 'SALE' AND source <> 'MANUAL' GROUP BY 1
)
SELECT count(*) FILTER (WHERE COALESCE(x.n, 0) <> CASE WHEN s.paid THEN 1 ELSE 0 END),
       count(*) FILTER (WHERE s.paid)
  FROM sources s LEFT JOIN sales x ON x.source_id = s.id
"#;

const OVERLAPS: &str = r#"
SELECT count(*), (SELECT count(*) FROM appointments WHERE status <> 'CANCELLED')
  FROM appointments a JOIN appointments b ON a.practitioner_id = b.practitioner_id AND a.id < b.id
 WHERE a.status <> 'CANCELLED' AND b.status <> 'CANCELLED'
   AND tstzrange(a.starts_at, a.busy_until, '[)') && tstzrange(b.starts_at, b.busy_until, '[)')
"#;

/// What the public list pages show (§5.2.6): verified profiles of ACTIVE, not deleted users;
/// PUBLISHED articles.
const PUBLIC_LISTS: &str = r#"
SELECT (SELECT count(*) FROM practitioner_profiles p JOIN users u ON u.id = p.user_id WHERE p.verified AND u.status = 'ACTIVE' AND u.deleted_at IS NULL),
       (SELECT count(*) FROM artisan_profiles p JOIN users u ON u.id = p.user_id WHERE p.verified AND u.status = 'ACTIVE' AND u.deleted_at IS NULL),
       (SELECT count(*) FROM merchant_profiles p JOIN users u ON u.id = p.user_id WHERE p.verified AND u.status = 'ACTIVE' AND u.deleted_at IS NULL),
       (SELECT count(*) FROM center_profiles p JOIN users u ON u.id = p.user_id WHERE p.verified AND u.status = 'ACTIVE' AND u.deleted_at IS NULL),
       (SELECT count(*) FROM articles WHERE status = 'PUBLISHED')
"#;

fn check(name: &str, ok: bool, detail: String) -> Check {
    Check {
        name: name.to_owned(),
        ok,
        detail,
    }
}

pub async fn verify(pool: &PgPool, now: DateTime<Utc>) -> Result<VerifyReport> {
    let mut checks = Vec::new();

    let (bad, total): (i64, i64) = sqlx::query_as(GAPLESS).fetch_one(pool).await?;
    checks.push(check(
        "1. Numérotation continue (factures, avoirs, commandes)",
        bad == 0,
        format!("{total} séries, {bad} avec un trou ou un compteur incohérent"),
    ));

    let (bad, total): (i64, i64) = sqlx::query_as(STOCK).fetch_one(pool).await?;
    checks.push(check(
        "2. Stock = somme des mouvements",
        bad == 0,
        format!("{total} produits, {bad} écarts"),
    ));

    let (bad_months, subs): (i64, i64) = sqlx::query_as(PASS_MONTHS).fetch_one(pool).await?;
    let (bad_roles, members): (i64, i64) = sqlx::query_as(PASS_ROLES).fetch_one(pool).await?;
    checks.push(check(
        "3. PASS : mois payés et rôle",
        bad_months == 0 && bad_roles == 0,
        format!("{subs} abonnements ({bad_months} écarts de mois), {members} membres ({bad_roles} rôles incohérents)"),
    ));

    let (bad, paid): (i64, i64) = sqlx::query_as(SALES).fetch_one(pool).await?;
    checks.push(check(
        "4. Pré-compta : une recette par pièce payée",
        bad == 0,
        format!("{paid} pièces payées, {bad} écarts"),
    ));

    let (overlaps, active): (i64, i64) = sqlx::query_as(OVERLAPS).fetch_one(pool).await?;
    checks.push(check(
        "5. Aucun chevauchement de rendez-vous actifs",
        overlaps == 0,
        format!("{active} rendez-vous actifs, {overlaps} chevauchements"),
    ));

    let (p, a, m, c, b): (i64, i64, i64, i64, i64) =
        sqlx::query_as(PUBLIC_LISTS).fetch_one(pool).await?;
    let slots = claire_slots(pool, now).await?;
    checks.push(check(
        "6. Pages publiques remplies et créneaux de Claire sur 7 jours",
        p >= 3 && a >= 3 && m >= 3 && c >= 3 && b >= 3 && slots > 0,
        format!("praticiens {p}, artisans {a}, commerçants {m}, centres {c}, articles {b} ; {slots} créneaux réservables"),
    ));
    Ok(VerifyReport { checks })
}

/// Bookable slots of praticien@spymeo.test over the next 7 days, all online types, computed
/// with `slots()` from the database rows.
async fn claire_slots(pool: &PgPool, now: DateTime<Utc>) -> Result<usize> {
    let mut conn = pool.acquire().await?;
    let practitioner: Option<Uuid> = sqlx::query_scalar(
        "SELECT p.id FROM practitioner_profiles p JOIN users u ON u.id = p.user_id
          WHERE u.email = 'praticien@spymeo.test' AND p.verified AND u.status = 'ACTIVE'",
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(practitioner) = practitioner else {
        return Ok(0);
    };
    let types: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM appointment_types WHERE practitioner_id = $1 AND active AND online_bookable ORDER BY position",
    )
    .bind(practitioner)
    .fetch_all(&mut *conn)
    .await?;
    let from = crate::domain::paris_date(now);
    let to = crate::domain::paris_date(now + Duration::days(7));
    let mut total = 0;
    for t in types {
        total += crate::db::agenda::available_slots(&mut conn, practitioner, t, from, to, now)
            .await?
            .len();
    }
    Ok(total)
}
