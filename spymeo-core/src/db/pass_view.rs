//! What a member sees of the PASS (DOMAIN.md §6.7, §7.2): the snapshot, the monthly resources
//! (URLs only with PASS benefits, AR-16), the partners' discounts, and the provider events
//! (`payment_events`) that drive the lifecycle in `pass`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::Value;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::domain::PassStatus;
use crate::domain::pass::member_role;
use crate::{Error, Result};

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PassState {
    #[serde(skip)]
    pub id: Uuid,
    pub status: String,
    pub plan: String,
    pub pending_plan: Option<String>,
    pub started_at: Option<DateTime<Utc>>,
    pub current_period_end: Option<DateTime<Utc>>,
    pub months_paid: i32,
    pub cancel_at_period_end: bool,
    pub pause_used: bool,
    pub paused_until: Option<DateTime<Utc>>,
    pub carnet_status: String,
    pub carnet_eta: Option<NaiveDate>,
    pub carnet_tracking_number: Option<String>,
    pub carnet_address: Option<Value>,
}

impl PassState {
    /// PASS benefits: ACTIVE or PAST_DUE (§7.2, the role rule).
    pub fn active(&self) -> bool {
        matches!(self.status.as_str(), "ACTIVE" | "PAST_DUE")
    }
}

pub async fn state(pool: &PgPool, user_id: Uuid) -> Result<Option<PassState>> {
    Ok(sqlx::query_as(
        "SELECT id, status::text AS status, plan::text AS plan, pending_plan::text AS pending_plan, started_at,
                current_period_end, months_paid, cancel_at_period_end, pause_used, paused_until,
                carnet_status::text AS carnet_status, carnet_eta, carnet_tracking_number, carnet_address
           FROM pass_subscriptions WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(pool)
    .await?)
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PassResource {
    pub id: Uuid,
    pub month: String,
    pub title: String,
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    /// Null unless the reader has PASS benefits.
    pub url: Option<String>,
}

/// Published resources available now, of one month or of every month; `url` is filled only
/// when `with_urls` (PASS benefits). An uploaded booklet's url is its download route.
pub async fn resources(
    pool: &PgPool,
    month: Option<&str>,
    with_urls: bool,
    now: DateTime<Utc>,
) -> Result<Vec<PassResource>> {
    Ok(sqlx::query_as(
        "SELECT id, month, title, description, type::text AS kind,
                CASE WHEN $3 THEN COALESCE(url, CASE WHEN storage_key IS NOT NULL
                     THEN '/user/pass/ressources/' || id || '/telecharger' END) END AS url
           FROM pass_resources
          WHERE published AND available_from <= $2 AND ($1::text IS NULL OR month = $1)
          ORDER BY month DESC, type, title",
    )
    .bind(month)
    .bind(now)
    .bind(with_urls)
    .fetch_all(pool)
    .await?)
}

/// The stored file of a published, available resource: `(storage_key, title)`.
pub async fn resource_file(
    pool: &PgPool,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT storage_key, title FROM pass_resources
          WHERE id = $1 AND published AND available_from <= $2 AND storage_key IS NOT NULL",
    )
    .bind(id)
    .bind(now)
    .fetch_optional(pool)
    .await?)
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Discount {
    pub id: Uuid,
    pub name: String,
    pub kind: String,
    pub city: Option<String>,
    pub rate_pct: i16,
    pub conditions: Option<String>,
    pub href: String,
}

pub async fn discounts(
    pool: &PgPool,
    kind: Option<&str>,
    city: Option<&str>,
    page: i64,
    limit: i64,
) -> Result<(Vec<Discount>, i64)> {
    let filter = "active AND ($1::text IS NULL OR kind::text = $1) AND ($2::text IS NULL OR lower(city) = lower($2))";
    let rows = sqlx::query_as(&format!(
        "SELECT id, name, kind::text AS kind, city, rate_pct, conditions, href FROM pass_discounts
          WHERE {filter} ORDER BY rate_pct DESC, name LIMIT $3 OFFSET $4"
    ))
    .bind(kind)
    .bind(city)
    .bind(limit)
    .bind((page - 1).max(0).saturating_mul(limit))
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM pass_discounts WHERE {filter}"
    ))
    .bind(kind)
    .bind(city)
    .fetch_one(pool)
    .await?;
    Ok((rows, total))
}

/// `PUT /api/account/plan` on an existing subscription: the other plan applies at the next
/// renewal (`pending_plan`), and a scheduled cancellation is withdrawn. Same plan and nothing
/// to withdraw: 409 PASS_ALREADY_ACTIVE.
pub async fn change_plan(
    conn: &mut PgConnection,
    user_id: Uuid,
    plan: crate::domain::PassPlan,
) -> Result<()> {
    let row: Option<(crate::domain::PassPlan, Option<crate::domain::PassPlan>, bool)> =
        sqlx::query_as(
            "SELECT plan, pending_plan, cancel_at_period_end FROM pass_subscriptions WHERE user_id = $1 FOR UPDATE",
        )
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?;
    let (current, pending, cancelling) = row.ok_or(Error::NotFound)?;
    let target = pending.unwrap_or(current);
    if target == plan && !cancelling {
        return Err(Error::conflict(
            "PASS_ALREADY_ACTIVE",
            "Vous avez déjà cette formule",
        ));
    }
    sqlx::query(
        "UPDATE pass_subscriptions SET pending_plan = CASE WHEN $2 = plan THEN NULL ELSE $2 END,
                cancel_at_period_end = false WHERE user_id = $1",
    )
    .bind(user_id)
    .bind(plan)
    .execute(conn)
    .await?;
    Ok(())
}

/// Links the provider's ids to our subscription (checkout completed).
pub async fn link_provider(
    conn: &mut PgConnection,
    subscription_id: Uuid,
    customer: Option<&str>,
    provider_subscription: Option<&str>,
) -> Result<()> {
    sqlx::query(
        "UPDATE pass_subscriptions SET stripe_customer_id = COALESCE($2, stripe_customer_id),
                stripe_subscription_id = COALESCE($3, stripe_subscription_id) WHERE id = $1",
    )
    .bind(subscription_id)
    .bind(customer)
    .bind(provider_subscription)
    .execute(conn)
    .await?;
    Ok(())
}

/// Our subscription for a provider event: by our own id (metadata) or the provider's id.
pub async fn find_subscription(
    conn: &mut PgConnection,
    ours: Option<Uuid>,
    provider_subscription: Option<&str>,
) -> Result<Uuid> {
    sqlx::query_scalar(
        "SELECT id FROM pass_subscriptions WHERE id = $1 OR ($2::text IS NOT NULL AND stripe_subscription_id = $2) LIMIT 1",
    )
    .bind(ours)
    .bind(provider_subscription)
    .fetch_optional(conn)
    .await?
    .ok_or(Error::NotFound)
}

/// The provider ended the subscription (`customer.subscription.deleted`): CANCELLED when a
/// cancellation was scheduled, EXPIRED otherwise; role FREE_USER either way (§7.2).
pub async fn provider_ended(
    conn: &mut PgConnection,
    subscription_id: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    let row: Option<(Uuid, PassStatus, bool)> = sqlx::query_as(
        "SELECT user_id, status, cancel_at_period_end FROM pass_subscriptions WHERE id = $1 FOR UPDATE",
    )
    .bind(subscription_id)
    .fetch_optional(&mut *conn)
    .await?;
    let (user_id, status, scheduled) = row.ok_or(Error::NotFound)?;
    if matches!(status, PassStatus::Cancelled | PassStatus::Expired) {
        return Ok(());
    }
    let to = if scheduled {
        PassStatus::Cancelled
    } else {
        PassStatus::Expired
    };
    sqlx::query(
        "UPDATE pass_subscriptions SET status = $2, cancelled_at = CASE WHEN $2 = 'CANCELLED'::pass_status THEN $3 END,
                paused_until = NULL WHERE id = $1",
    )
    .bind(subscription_id)
    .bind(to)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE users SET role = $2 WHERE id = $1 AND role IN ('FREE_USER', 'PASS_USER')")
        .bind(user_id)
        .bind(member_role(Some(to)))
        .execute(conn)
        .await?;
    Ok(())
}

/// Stores a provider event; returns false when it was already processed (a duplicate
/// delivery, answered 200 without effect). The row is locked until the caller's transaction
/// ends, so two deliveries of the same event cannot both process it.
pub async fn claim_event(
    conn: &mut PgConnection,
    event_id: &str,
    kind: &str,
    payload: &Value,
    now: DateTime<Utc>,
) -> Result<bool> {
    sqlx::query(
        "INSERT INTO payment_events (provider_event_id, type, payload, received_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (provider_event_id) DO NOTHING",
    )
    .bind(event_id)
    .bind(kind)
    .bind(payload)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let processed: Option<DateTime<Utc>> = sqlx::query_scalar(
        "SELECT processed_at FROM payment_events WHERE provider_event_id = $1 FOR UPDATE",
    )
    .bind(event_id)
    .fetch_one(conn)
    .await?;
    Ok(processed.is_none())
}

pub async fn event_done(
    conn: &mut PgConnection,
    event_id: &str,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "UPDATE payment_events SET processed_at = $2, error = $3 WHERE provider_event_id = $1",
    )
    .bind(event_id)
    .bind(now)
    .bind(error)
    .execute(conn)
    .await?;
    Ok(())
}
