//! Read models of the three home pages reached after login (DOMAIN.md §8.2–§8.4):
//! member, professional (per role) and admin dashboards.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::Result;
use crate::domain::pass::{ANNUAL_PRICE_CENTS, MONTHLY_PRICE_CENTS};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UpcomingAppointment {
    pub id: Uuid,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub status: String,
    pub practitioner_name: String,
    pub practitioner_slug: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PassCard {
    pub status: String,
    pub plan: String,
    pub current_period_end: Option<DateTime<Utc>>,
    pub carnet_status: String,
    pub months_paid: i32,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FavoriteItem {
    pub target_type: String,
    pub label: Option<String>,
    pub href: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct MemberDashboard {
    pub appointments: Vec<UpcomingAppointment>,
    pub unread_messages: i64,
    pub pass: Option<PassCard>,
    pub favorites: Vec<FavoriteItem>,
}

pub async fn member(pool: &PgPool, user_id: Uuid, now: DateTime<Utc>) -> Result<MemberDashboard> {
    let appointments = sqlx::query_as::<_, UpcomingAppointment>(
        r#"
        SELECT a.id, a.title, a.starts_at, a.status::text AS status,
               p.public_name AS practitioner_name, p.slug::text AS practitioner_slug
          FROM appointments a
          JOIN practitioner_profiles p ON p.id = a.practitioner_id
          LEFT JOIN clients c ON c.id = a.client_id
         WHERE (a.booked_by_user_id = $1 OR c.user_id = $1)
           AND a.status IN ('SCHEDULED', 'CONFIRMED') AND a.starts_at > $2
         ORDER BY a.starts_at
         LIMIT 3
        "#,
    )
    .bind(user_id)
    .bind(now)
    .fetch_all(pool)
    .await?;
    let unread_messages = unread_messages(pool, user_id).await?;
    let pass = sqlx::query_as::<_, PassCard>(
        "SELECT status::text AS status, plan::text AS plan, current_period_end,
                carnet_status::text AS carnet_status, months_paid
           FROM pass_subscriptions WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(pool)
    .await?;
    let favorites = sqlx::query_as::<_, FavoriteItem>(
        r#"
        SELECT f.target_type::text AS target_type, f.created_at,
               COALESCE(pp.public_name, ap.public_name, mp.public_name, cp.public_name,
                        pr.title, sv.title, fo.title, ar.title) AS label,
               CASE f.target_type
                 WHEN 'PRACTITIONER' THEN '/praticiens/' || pp.slug
                 WHEN 'ARTISAN' THEN '/artisans/' || ap.slug
                 WHEN 'MERCHANT' THEN '/commercants/' || mp.slug
                 WHEN 'CENTER' THEN '/centres-de-formation/' || cp.slug
                 WHEN 'PRODUCT' THEN '/produit/commercant/' || pr.slug
                 WHEN 'SERVICE' THEN '/produit/artisan/' || sv.slug
                 WHEN 'ARTICLE' THEN '/blog/' || ar.slug
               END AS href
          FROM favorites f
          LEFT JOIN practitioner_profiles pp ON f.target_type = 'PRACTITIONER' AND pp.id = f.target_id
          LEFT JOIN artisan_profiles ap ON f.target_type = 'ARTISAN' AND ap.id = f.target_id
          LEFT JOIN merchant_profiles mp ON f.target_type = 'MERCHANT' AND mp.id = f.target_id
          LEFT JOIN center_profiles cp ON f.target_type = 'CENTER' AND cp.id = f.target_id
          LEFT JOIN products pr ON f.target_type = 'PRODUCT' AND pr.id = f.target_id
          LEFT JOIN artisan_services sv ON f.target_type = 'SERVICE' AND sv.id = f.target_id
          LEFT JOIN formations fo ON f.target_type = 'FORMATION' AND fo.id = f.target_id
          LEFT JOIN articles ar ON f.target_type = 'ARTICLE' AND ar.id = f.target_id
         WHERE f.user_id = $1
         ORDER BY f.created_at DESC
         LIMIT 5
        "#,
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    Ok(MemberDashboard {
        appointments,
        unread_messages,
        pass,
        favorites,
    })
}

/// Unread messages across my conversations (DOMAIN.md §7.6).
pub async fn unread_messages(pool: &PgPool, user_id: Uuid) -> Result<i64> {
    Ok(sqlx::query_scalar(
        r#"
        SELECT count(*)
          FROM conversation_participants cp
          JOIN messages m ON m.conversation_id = cp.conversation_id
         WHERE cp.user_id = $1 AND NOT cp.archived
           AND m.created_at > COALESCE(cp.last_read_at, '-infinity')
           AND m.sender_id IS DISTINCT FROM $1 AND m.deleted_at IS NULL
        "#,
    )
    .bind(user_id)
    .fetch_one(pool)
    .await?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AgendaItem {
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub status: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Named {
    pub label: String,
    pub detail: String,
}

/// One dashboard per pro role (DOMAIN.md §8.3 `/pro/dashboard`).
#[derive(Debug, Clone)]
pub enum ProDashboard {
    Practitioner {
        today: Vec<AgendaItem>,
        unpaid_count: i64,
        unpaid_cents: i64,
        new_clients_30d: i64,
    },
    Artisan {
        to_process: i64,
        revenue_month_cents: i64,
        recent: Vec<Named>,
    },
    Merchant {
        to_process: i64,
        revenue_month_cents: i64,
        low_stock: Vec<Named>,
    },
    Center {
        upcoming: Vec<Named>,
        fill_rate_pct: Option<i64>,
    },
}

pub async fn practitioner(
    pool: &PgPool,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<ProDashboard> {
    let today = sqlx::query_as::<_, AgendaItem>(
        r#"
        SELECT a.title, a.starts_at, a.ends_at, a.status::text AS status
          FROM appointments a JOIN practitioner_profiles p ON p.id = a.practitioner_id
         WHERE p.user_id = $1 AND a.status <> 'CANCELLED'
           AND (a.starts_at AT TIME ZONE 'Europe/Paris')::date = ($2 AT TIME ZONE 'Europe/Paris')::date
         ORDER BY a.starts_at
        "#,
    )
    .bind(user_id)
    .bind(now)
    .fetch_all(pool)
    .await?;
    let (unpaid_count, unpaid_cents): (i64, i64) = sqlx::query_as(
        r#"
        SELECT count(*), COALESCE(sum(i.total_ttc_cents), 0)::bigint
          FROM invoices i JOIN practitioner_profiles p ON p.id = i.practitioner_id
         WHERE p.user_id = $1 AND i.kind = 'INVOICE' AND i.status = 'ISSUED'
        "#,
    )
    .bind(user_id)
    .fetch_one(pool)
    .await?;
    let new_clients_30d: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM clients c JOIN practitioner_profiles p ON p.id = c.practitioner_id
          WHERE p.user_id = $1 AND c.created_at > $2 - interval '30 days'",
    )
    .bind(user_id)
    .bind(now)
    .fetch_one(pool)
    .await?;
    Ok(ProDashboard::Practitioner {
        today,
        unpaid_count,
        unpaid_cents,
        new_clients_30d,
    })
}

pub async fn artisan(pool: &PgPool, user_id: Uuid, now: DateTime<Utc>) -> Result<ProDashboard> {
    let (to_process, revenue_month_cents): (i64, i64) = sqlx::query_as(
        r#"
        SELECT count(*) FILTER (WHERE o.status IN ('PENDING', 'CONFIRMED')),
               COALESCE(sum(o.total_ttc_cents) FILTER (
                   WHERE o.paid_at IS NOT NULL
                     AND date_trunc('month', o.paid_at AT TIME ZONE 'Europe/Paris')
                       = date_trunc('month', $2 AT TIME ZONE 'Europe/Paris')), 0)::bigint
          FROM artisan_orders o JOIN artisan_profiles a ON a.id = o.artisan_id
         WHERE a.user_id = $1
        "#,
    )
    .bind(user_id)
    .bind(now)
    .fetch_one(pool)
    .await?;
    let recent = sqlx::query_as::<_, Named>(
        r#"
        SELECT o.order_number || ' – ' || o.customer_name AS label, o.status::text AS detail
          FROM artisan_orders o JOIN artisan_profiles a ON a.id = o.artisan_id
         WHERE a.user_id = $1 AND o.status IN ('PENDING', 'CONFIRMED')
         ORDER BY o.created_at DESC LIMIT 5
        "#,
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    Ok(ProDashboard::Artisan {
        to_process,
        revenue_month_cents,
        recent,
    })
}

pub async fn merchant(pool: &PgPool, user_id: Uuid, now: DateTime<Utc>) -> Result<ProDashboard> {
    let (to_process, revenue_month_cents): (i64, i64) = sqlx::query_as(
        r#"
        SELECT count(*) FILTER (WHERE o.status IN ('PENDING', 'PAID')),
               COALESCE(sum(o.total_ttc_cents) FILTER (
                   WHERE o.paid_at IS NOT NULL
                     AND date_trunc('month', o.paid_at AT TIME ZONE 'Europe/Paris')
                       = date_trunc('month', $2 AT TIME ZONE 'Europe/Paris')), 0)::bigint
          FROM merchant_orders o JOIN merchant_profiles m ON m.id = o.merchant_id
         WHERE m.user_id = $1
        "#,
    )
    .bind(user_id)
    .bind(now)
    .fetch_one(pool)
    .await?;
    let low_stock = sqlx::query_as::<_, Named>(
        r#"
        SELECT p.title AS label,
               CASE WHEN p.stock_quantity = 0 THEN 'rupture' ELSE p.stock_quantity || ' en stock' END AS detail
          FROM products p JOIN merchant_profiles m ON m.id = p.merchant_id
         WHERE m.user_id = $1 AND p.status = 'ACTIVE' AND p.stock_quantity <= p.low_stock_threshold
         ORDER BY p.stock_quantity, p.title LIMIT 10
        "#,
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    Ok(ProDashboard::Merchant {
        to_process,
        revenue_month_cents,
        low_stock,
    })
}

pub async fn center(pool: &PgPool, user_id: Uuid, now: DateTime<Utc>) -> Result<ProDashboard> {
    let upcoming = sqlx::query_as::<_, Named>(
        r#"
        SELECT f.title || ' – ' || s.title AS label,
               to_char(s.starts_at AT TIME ZONE 'Europe/Paris', 'DD/MM/YYYY') || ' · '
                 || s.booked_seats || COALESCE('/' || s.max_seats, '') || ' inscrits' AS detail
          FROM formation_sessions s
          JOIN formations f ON f.id = s.formation_id
          JOIN center_profiles c ON c.id = s.center_id
         WHERE c.user_id = $1 AND s.starts_at > $2 AND s.status IN ('OPEN', 'FULL')
         ORDER BY s.starts_at LIMIT 5
        "#,
    )
    .bind(user_id)
    .bind(now)
    .fetch_all(pool)
    .await?;
    let fill_rate_pct: Option<i64> = sqlx::query_scalar(
        r#"
        SELECT (100 * sum(s.booked_seats) / NULLIF(sum(s.max_seats), 0))::bigint
          FROM formation_sessions s JOIN center_profiles c ON c.id = s.center_id
         WHERE c.user_id = $1 AND s.starts_at > $2 AND s.max_seats IS NOT NULL AND s.status <> 'CANCELLED'
        "#,
    )
    .bind(user_id)
    .bind(now)
    .fetch_one(pool)
    .await?;
    Ok(ProDashboard::Center {
        upcoming,
        fill_rate_pct,
    })
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RoleCount {
    pub role: String,
    pub status: String,
    pub count: i64,
}

#[derive(Debug, Clone)]
pub struct AdminDashboard {
    pub users: Vec<RoleCount>,
    pub signups_30d: i64,
    pub pass_monthly: i64,
    pub pass_annual: i64,
    /// Monthly recurring revenue: monthly plans at 6,90 € plus annual plans at 69 € / 12.
    pub mrr_cents: i64,
    pub pending_pros: i64,
    pub appointments_30d: i64,
    pub articles_to_review: i64,
}

pub async fn admin(pool: &PgPool, now: DateTime<Utc>) -> Result<AdminDashboard> {
    let users = sqlx::query_as::<_, RoleCount>(
        "SELECT role::text AS role, status::text AS status, count(*) AS count
           FROM users WHERE deleted_at IS NULL GROUP BY role, status ORDER BY role, status",
    )
    .fetch_all(pool)
    .await?;
    let row: (i64, i64, i64, i64, i64, i64) = sqlx::query_as(
        r#"
        SELECT
          (SELECT count(*) FROM users WHERE created_at > $1 - interval '30 days'),
          (SELECT count(*) FROM pass_subscriptions WHERE status IN ('ACTIVE','PAST_DUE') AND plan = 'MONTHLY'),
          (SELECT count(*) FROM pass_subscriptions WHERE status IN ('ACTIVE','PAST_DUE') AND plan = 'ANNUAL'),
          (SELECT count(*) FROM pro_applications WHERE status = 'PENDING'),
          (SELECT count(*) FROM appointments WHERE starts_at > $1 - interval '30 days' AND starts_at <= $1),
          (SELECT count(*) FROM articles WHERE status = 'SUBMITTED')
        "#,
    )
    .bind(now)
    .fetch_one(pool)
    .await?;
    let (
        signups_30d,
        pass_monthly,
        pass_annual,
        pending_pros,
        appointments_30d,
        articles_to_review,
    ) = row;
    Ok(AdminDashboard {
        users,
        signups_30d,
        pass_monthly,
        pass_annual,
        mrr_cents: pass_monthly * i64::from(MONTHLY_PRICE_CENTS)
            + pass_annual * i64::from(ANNUAL_PRICE_CENTS) / 12,
        pending_pros,
        appointments_30d,
        articles_to_review,
    })
}
