//! PASS membership (DOMAIN.md I1–I5, §7.2): subscription lifecycle with the role rule
//! (`PASS_USER` iff ACTIVE or PAST_DUE, applied in every transaction that changes the status),
//! payments (idempotent by provider id), the carnet rule, partners' discounts and the monthly
//! resources.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::Value;
use sqlx::{Connection as _, PgConnection};
use uuid::Uuid;

use crate::db::notifications::{NewNotification, notify};
use crate::db::pros::ProKind;
use crate::domain::pass::{
    GRACE_DAYS, PARTNER_RATES, PAUSE_DAYS, carnet_after_payment, carnet_next, member_role,
};
use crate::domain::{
    CarnetStatus, NotificationType, PartnerKind, PassPlan, PassResourceType, PassStatus,
    PaymentStatus, Role,
};
use crate::{Error, Result};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Subscription {
    pub id: Uuid,
    pub user_id: Uuid,
    pub plan: PassPlan,
    pub pending_plan: Option<PassPlan>,
    pub status: PassStatus,
    pub started_at: Option<DateTime<Utc>>,
    pub current_period_start: Option<DateTime<Utc>>,
    pub current_period_end: Option<DateTime<Utc>>,
    pub cancel_at_period_end: bool,
    pub pause_used: bool,
    pub paused_until: Option<DateTime<Utc>>,
    pub months_paid: i32,
    pub carnet_status: CarnetStatus,
    pub carnet_address: Option<Value>,
}

async fn lock(conn: &mut PgConnection, subscription_id: Uuid) -> Result<Subscription> {
    sqlx::query_as(
        "SELECT id, user_id, plan, pending_plan, status, started_at, current_period_start, current_period_end,
                cancel_at_period_end, pause_used, paused_until, months_paid, carnet_status, carnet_address
           FROM pass_subscriptions WHERE id = $1 FOR UPDATE",
    )
    .bind(subscription_id)
    .fetch_optional(conn)
    .await?
    .ok_or(Error::NotFound)
}

async fn lock_by_user(conn: &mut PgConnection, user_id: Uuid) -> Result<Subscription> {
    let id: Uuid = sqlx::query_scalar("SELECT id FROM pass_subscriptions WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(Error::NotFound)?;
    lock(conn, id).await
}

/// The role rule of §7.2, for members only (pros and admins never hold a subscription).
async fn sync_role(conn: &mut PgConnection, user_id: Uuid, status: PassStatus) -> Result<()> {
    sqlx::query("UPDATE users SET role = $2 WHERE id = $1 AND role IN ('FREE_USER', 'PASS_USER')")
        .bind(user_id)
        .bind(member_role(Some(status)))
        .execute(conn)
        .await?;
    Ok(())
}

async fn set_status(conn: &mut PgConnection, s: &Subscription, status: PassStatus) -> Result<()> {
    sqlx::query("UPDATE pass_subscriptions SET status = $2 WHERE id = $1")
        .bind(s.id)
        .bind(status)
        .execute(&mut *conn)
        .await?;
    sync_role(conn, s.user_id, status).await
}

/// Signup with PASS / checkout: a PENDING_PAYMENT subscription with the chosen plan. Only
/// members subscribe (403-style `FORBIDDEN` conflict for pros); 409 PASS_ALREADY_ACTIVE when
/// one is running.
pub async fn start_subscription(
    conn: &mut PgConnection,
    user_id: Uuid,
    plan: PassPlan,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    let mut tx = conn.begin().await?;
    let role: Role = sqlx::query_scalar("SELECT role FROM users WHERE id = $1 FOR UPDATE")
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(Error::NotFound)?;
    if !matches!(role, Role::FreeUser | Role::PassUser) {
        return Err(Error::conflict(
            "FORBIDDEN",
            "Le PASS est réservé aux membres",
        ));
    }
    let existing: Option<(Uuid, PassStatus)> =
        sqlx::query_as("SELECT id, status FROM pass_subscriptions WHERE user_id = $1 FOR UPDATE")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
    let id = match existing {
        Some((_, PassStatus::Active | PassStatus::PastDue | PassStatus::Paused)) => {
            return Err(Error::conflict(
                "PASS_ALREADY_ACTIVE",
                "Votre PASS est déjà actif",
            ));
        }
        Some((id, _)) => {
            sqlx::query("UPDATE pass_subscriptions SET plan = $2 WHERE id = $1")
                .bind(id)
                .bind(plan)
                .execute(&mut *tx)
                .await?;
            id
        }
        None => {
            sqlx::query_scalar(
                "INSERT INTO pass_subscriptions (user_id, plan, status, created_at, updated_at)
                 VALUES ($1, $2, 'PENDING_PAYMENT', $3, $3) RETURNING id",
            )
            .bind(user_id)
            .bind(plan)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?
        }
    };
    tx.commit().await?;
    Ok(id)
}

#[derive(Debug, Clone)]
pub struct PaymentInput {
    pub provider_payment_id: String,
    pub plan: PassPlan,
    pub amount_cents: i32,
    pub period_start: DateTime<Utc>,
    pub period_end: DateTime<Utc>,
    pub paid_at: DateTime<Utc>,
    pub receipt_url: Option<String>,
}

/// A successful payment (first or renewal, §7.2): inserts the payment (a duplicate provider id
/// changes nothing and returns false), activates, advances the period, adds the months,
/// applies the pending plan, the carnet rule and the role rule.
pub async fn record_payment(
    conn: &mut PgConnection,
    subscription_id: Uuid,
    p: &PaymentInput,
    now: DateTime<Utc>,
) -> Result<bool> {
    if p.period_end <= p.period_start || p.amount_cents <= 0 {
        return Err(Error::validation("période ou montant de paiement invalide"));
    }
    let mut tx = conn.begin().await?;
    let s = lock(&mut tx, subscription_id).await?;
    let inserted = sqlx::query(
        "INSERT INTO pass_payments (subscription_id, user_id, plan, amount_cents, months_covered, period_start, period_end,
                                    status, paid_at, provider_payment_id, receipt_url, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'PAID', $8, $9, $10, $11)
         ON CONFLICT (provider_payment_id) DO NOTHING",
    )
    .bind(s.id)
    .bind(s.user_id)
    .bind(p.plan)
    .bind(p.amount_cents)
    .bind(p.plan.months())
    .bind(p.period_start)
    .bind(p.period_end)
    .bind(p.paid_at)
    .bind(&p.provider_payment_id)
    .bind(&p.receipt_url)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if !inserted {
        tx.commit().await?;
        return Ok(false);
    }
    let first_activation = !matches!(
        s.status,
        PassStatus::Active | PassStatus::PastDue | PassStatus::Paused
    );
    let restarting = matches!(s.status, PassStatus::Cancelled | PassStatus::Expired);
    let months = s.months_paid + i32::from(p.plan.months());
    let plan = s.pending_plan.unwrap_or(p.plan);
    let carnet = carnet_after_payment(s.carnet_status, p.plan, months);
    sqlx::query(
        "UPDATE pass_subscriptions
            SET status = 'ACTIVE', plan = $2, pending_plan = NULL, started_at = COALESCE(started_at, $3),
                current_period_start = $4, current_period_end = $5, months_paid = $6, carnet_status = $7,
                pause_used = CASE WHEN $8 THEN false ELSE pause_used END,
                cancel_at_period_end = CASE WHEN $8 THEN false ELSE cancel_at_period_end END,
                cancelled_at = CASE WHEN $8 THEN NULL ELSE cancelled_at END,
                paused_until = NULL
          WHERE id = $1",
    )
    .bind(s.id)
    .bind(plan)
    .bind(p.paid_at)
    .bind(p.period_start)
    .bind(p.period_end)
    .bind(months)
    .bind(carnet)
    .bind(restarting)
    .execute(&mut *tx)
    .await?;
    sync_role(&mut tx, s.user_id, PassStatus::Active).await?;
    if first_activation {
        notify(
            &mut tx,
            s.user_id,
            NotificationType::PassActivated,
            &NewNotification {
                title: "Votre PASS est actif",
                body: "Bienvenue dans le PASS SPYMEO : ressources du mois, réductions partenaires et carnet de vie.",
                link: Some("/user/pass"),
                ..Default::default()
            },
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// A failed renewal: the attempt is kept in the history, ACTIVE → PAST_DUE (benefits kept
/// for the grace period), notification PASS_PAYMENT_FAILED.
pub async fn record_failed_payment(
    conn: &mut PgConnection,
    subscription_id: Uuid,
    provider_payment_id: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = conn.begin().await?;
    let s = lock(&mut tx, subscription_id).await?;
    if s.status != PassStatus::Active {
        return Err(Error::conflict(
            "PASS_NOT_ACTIVE",
            "Le PASS n'est pas actif",
        ));
    }
    let start = s.current_period_end.unwrap_or(now);
    let end = match s.plan {
        PassPlan::Monthly => start + Duration::days(30),
        PassPlan::Annual => start + Duration::days(365),
    };
    sqlx::query(
        "INSERT INTO pass_payments (subscription_id, user_id, plan, amount_cents, months_covered, period_start, period_end,
                                    status, provider_payment_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'FAILED', $8, $9)",
    )
    .bind(s.id)
    .bind(s.user_id)
    .bind(s.plan)
    .bind(s.plan.price_cents())
    .bind(s.plan.months())
    .bind(start)
    .bind(end)
    .bind(provider_payment_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    set_status(&mut tx, &s, PassStatus::PastDue).await?;
    notify(
        &mut tx,
        s.user_id,
        NotificationType::PassPaymentFailed,
        &NewNotification {
            title: "Échec du paiement de votre PASS",
            body: "Mettez à jour votre moyen de paiement : vos avantages sont conservés 7 jours.",
            link: Some("/user/pass"),
            ..Default::default()
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Refund of a payment by an admin: payment REFUNDED, months taken back (the carnet status
/// never goes back).
pub async fn refund_payment(conn: &mut PgConnection, payment_id: Uuid) -> Result<()> {
    let mut tx = conn.begin().await?;
    let row: Option<(Uuid, PaymentStatus, i16)> =
        sqlx::query_as("SELECT subscription_id, status, months_covered FROM pass_payments WHERE id = $1 FOR UPDATE")
            .bind(payment_id)
            .fetch_optional(&mut *tx)
            .await?;
    let (sub, status, months) = row.ok_or(Error::NotFound)?;
    if status != PaymentStatus::Paid {
        return Err(Error::conflict(
            "INVALID_TRANSITION",
            "Seul un paiement réussi peut être remboursé",
        ));
    }
    let s = lock(&mut tx, sub).await?;
    sqlx::query("UPDATE pass_payments SET status = 'REFUNDED' WHERE id = $1")
        .bind(payment_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE pass_subscriptions SET months_paid = greatest(months_paid - $2, 0) WHERE id = $1",
    )
    .bind(s.id)
    .bind(i32::from(months))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Job step: PAST_DUE for more than the grace period → EXPIRED (role FREE_USER).
pub async fn expire(
    conn: &mut PgConnection,
    subscription_id: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = conn.begin().await?;
    let s = lock(&mut tx, subscription_id).await?;
    let due = s
        .current_period_end
        .is_some_and(|e| now >= e + Duration::days(GRACE_DAYS));
    if s.status != PassStatus::PastDue || !due {
        return Err(Error::conflict(
            "INVALID_TRANSITION",
            "Le délai de grâce n'est pas écoulé",
        ));
    }
    set_status(&mut tx, &s, PassStatus::Expired).await?;
    notify(
        &mut tx,
        s.user_id,
        NotificationType::PassExpired,
        &NewNotification {
            title: "Votre PASS a expiré",
            body: "Réabonnez-vous pour retrouver vos avantages.",
            link: Some("/user/pass"),
            ..Default::default()
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// `DELETE /api/account/plan`: cancel at period end (reversible until then).
pub async fn cancel_at_period_end(conn: &mut PgConnection, user_id: Uuid) -> Result<()> {
    let mut tx = conn.begin().await?;
    let s = lock_by_user(&mut tx, user_id).await?;
    if s.status != PassStatus::Active {
        return Err(Error::conflict(
            "PASS_NOT_ACTIVE",
            "Le PASS n'est pas actif",
        ));
    }
    sqlx::query("UPDATE pass_subscriptions SET cancel_at_period_end = true WHERE id = $1")
        .bind(s.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Job step: the period ended with `cancel_at_period_end` → CANCELLED.
pub async fn end_period(
    conn: &mut PgConnection,
    subscription_id: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = conn.begin().await?;
    let s = lock(&mut tx, subscription_id).await?;
    let due = s.current_period_end.is_some_and(|e| now >= e);
    if s.status != PassStatus::Active || !s.cancel_at_period_end || !due {
        return Err(Error::conflict(
            "INVALID_TRANSITION",
            "La période n'est pas terminée",
        ));
    }
    sqlx::query("UPDATE pass_subscriptions SET cancelled_at = $2 WHERE id = $1")
        .bind(s.id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    set_status(&mut tx, &s, PassStatus::Cancelled).await?;
    tx.commit().await?;
    Ok(())
}

/// `POST /api/account/plan/pause`: once per subscription, 30 days, role FREE_USER meanwhile.
pub async fn pause(
    conn: &mut PgConnection,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>> {
    let mut tx = conn.begin().await?;
    let s = lock_by_user(&mut tx, user_id).await?;
    if s.status != PassStatus::Active {
        return Err(Error::conflict(
            "PASS_NOT_ACTIVE",
            "Le PASS n'est pas actif",
        ));
    }
    if s.pause_used {
        return Err(Error::conflict(
            "PAUSE_ALREADY_USED",
            "La pause a déjà été utilisée",
        ));
    }
    let until = now + Duration::days(PAUSE_DAYS);
    sqlx::query("UPDATE pass_subscriptions SET pause_used = true, paused_until = $2 WHERE id = $1")
        .bind(s.id)
        .bind(until)
        .execute(&mut *tx)
        .await?;
    set_status(&mut tx, &s, PassStatus::Paused).await?;
    tx.commit().await?;
    Ok(until)
}

/// Job step: `paused_until` reached → ACTIVE, the period extended by the pause length.
pub async fn resume(
    conn: &mut PgConnection,
    subscription_id: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = conn.begin().await?;
    let s = lock(&mut tx, subscription_id).await?;
    if s.status != PassStatus::Paused || s.paused_until.is_some_and(|u| now < u) {
        return Err(Error::conflict(
            "INVALID_TRANSITION",
            "La pause n'est pas terminée",
        ));
    }
    sqlx::query(
        "UPDATE pass_subscriptions SET current_period_end = current_period_end + make_interval(days => $2), paused_until = NULL
          WHERE id = $1",
    )
    .bind(s.id)
    .bind(PAUSE_DAYS as i32)
    .execute(&mut *tx)
    .await?;
    set_status(&mut tx, &s, PassStatus::Active).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CarnetAddress {
    pub name: String,
    pub line1: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    pub postal_code: String,
    pub city: String,
    pub country: String,
}

/// `POST /api/user/pass/ship-carnet`: address editable while NOT_ELIGIBLE or PENDING.
pub async fn set_carnet_address(
    conn: &mut PgConnection,
    user_id: Uuid,
    address: &CarnetAddress,
) -> Result<()> {
    let mut tx = conn.begin().await?;
    let s = lock_by_user(&mut tx, user_id).await?;
    if !matches!(
        s.carnet_status,
        CarnetStatus::NotEligible | CarnetStatus::Pending
    ) {
        return Err(Error::conflict(
            "CARNET_ALREADY_SHIPPED",
            "Le carnet est déjà en préparation ou expédié",
        ));
    }
    sqlx::query("UPDATE pass_subscriptions SET carnet_address = $2 WHERE id = $1")
        .bind(s.id)
        .bind(serde_json::to_value(address).map_err(|e| Error::validation(e.to_string()))?)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Admin carnet steps (`POST /api/admin/pass/subscriptions/{id}/carnet`): PENDING → PROCESSING
/// (subscription ACTIVE, address set) → SHIPPED (tracking, ETA default +5 days, notification)
/// → DELIVERED.
pub async fn advance_carnet(
    conn: &mut PgConnection,
    subscription_id: Uuid,
    to: CarnetStatus,
    tracking_number: Option<&str>,
    eta: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = conn.begin().await?;
    let s = lock(&mut tx, subscription_id).await?;
    if carnet_next(s.carnet_status) != Some(to) {
        return Err(Error::conflict(
            "INVALID_TRANSITION",
            "Étape du carnet impossible",
        ));
    }
    match to {
        CarnetStatus::Processing => {
            if s.status != PassStatus::Active {
                return Err(Error::conflict(
                    "PASS_NOT_ACTIVE",
                    "Le PASS n'est pas actif",
                ));
            }
            if s.carnet_address.is_none() {
                return Err(Error::conflict(
                    "CARNET_ADDRESS_MISSING",
                    "Adresse de livraison manquante",
                ));
            }
            sqlx::query("UPDATE pass_subscriptions SET carnet_status = 'PROCESSING' WHERE id = $1")
                .bind(s.id)
                .execute(&mut *tx)
                .await?;
        }
        CarnetStatus::Shipped => {
            let tracking = tracking_number
                .filter(|t| !t.trim().is_empty())
                .ok_or_else(|| Error::field("trackingNumber", "numéro de suivi requis"))?;
            let eta = eta.unwrap_or_else(|| crate::domain::paris_date(now + Duration::days(5)));
            sqlx::query(
                "UPDATE pass_subscriptions SET carnet_status = 'SHIPPED', carnet_tracking_number = $2, carnet_shipped_at = $3,
                        carnet_eta = $4 WHERE id = $1",
            )
            .bind(s.id)
            .bind(tracking)
            .bind(now)
            .bind(eta)
            .execute(&mut *tx)
            .await?;
            let body = format!("Votre carnet de vie est en route (suivi {tracking}).");
            notify(
                &mut tx,
                s.user_id,
                NotificationType::CarnetShipped,
                &NewNotification {
                    title: "Carnet de vie expédié",
                    body: &body,
                    link: Some("/user/pass"),
                    ..Default::default()
                },
                now,
            )
            .await?;
        }
        CarnetStatus::Delivered => {
            sqlx::query("UPDATE pass_subscriptions SET carnet_status = 'DELIVERED', carnet_delivered_at = $2 WHERE id = $1")
                .bind(s.id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        CarnetStatus::NotEligible | CarnetStatus::Pending => {
            return Err(Error::conflict(
                "INVALID_TRANSITION",
                "Étape du carnet impossible",
            ));
        }
    }
    tx.commit().await?;
    Ok(())
}

/// `PUT /api/pro/pass {enabled, rate}`: upserts the partner's discount from its public profile.
pub async fn set_partner(
    conn: &mut PgConnection,
    partner_user_id: Uuid,
    enabled: bool,
    rate_pct: i16,
    conditions: Option<&str>,
) -> Result<Uuid> {
    if !PARTNER_RATES.contains(&rate_pct) {
        return Err(Error::field(
            "rate",
            "taux proposé : 5, 10, 15, 20, 25 ou 30 %",
        ));
    }
    let role: Role = sqlx::query_scalar("SELECT role FROM users WHERE id = $1")
        .bind(partner_user_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(Error::NotFound)?;
    let kind = ProKind::from_role(role).ok_or(Error::NotFound)?;
    let partner_kind = match kind {
        ProKind::Practitioner => PartnerKind::Practitioner,
        ProKind::Artisan => PartnerKind::Artisan,
        ProKind::Merchant => PartnerKind::Commercant,
        ProKind::Center => PartnerKind::Center,
    };
    let (name, city, slug): (String, Option<String>, String) = sqlx::query_as(&format!(
        "SELECT public_name, city, slug::text FROM {} WHERE user_id = $1",
        kind.table()
    ))
    .bind(partner_user_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(Error::NotFound)?;
    let href = format!("{}/{slug}", kind.public_path());
    Ok(sqlx::query_scalar(
        "INSERT INTO pass_discounts (partner_user_id, kind, name, city, rate_pct, conditions, href, active)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (partner_user_id) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name, city = EXCLUDED.city,
             rate_pct = EXCLUDED.rate_pct, conditions = EXCLUDED.conditions, href = EXCLUDED.href, active = EXCLUDED.active
         RETURNING id",
    )
    .bind(partner_user_id)
    .bind(partner_kind)
    .bind(&name)
    .bind(&city)
    .bind(rate_pct)
    .bind(conditions)
    .bind(&href)
    .bind(enabled)
    .fetch_one(conn)
    .await?)
}

#[derive(Debug, Clone)]
pub struct ExternalDiscount {
    pub kind: PartnerKind,
    pub name: String,
    pub city: Option<String>,
    pub rate_pct: i16,
    pub conditions: Option<String>,
    pub href: String,
}

/// Admin CRUD of external partners (no account).
pub async fn create_external_discount(
    conn: &mut PgConnection,
    d: &ExternalDiscount,
) -> Result<Uuid> {
    if !PARTNER_RATES.contains(&d.rate_pct) {
        return Err(Error::field(
            "ratePct",
            "taux proposé : 5, 10, 15, 20, 25 ou 30 %",
        ));
    }
    Ok(sqlx::query_scalar(
        "INSERT INTO pass_discounts (kind, name, city, rate_pct, conditions, href) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(d.kind)
    .bind(&d.name)
    .bind(&d.city)
    .bind(d.rate_pct)
    .bind(&d.conditions)
    .bind(&d.href)
    .fetch_one(conn)
    .await?)
}

#[derive(Debug, Clone)]
pub struct ResourceInput {
    pub title: String,
    pub kind: PassResourceType,
    /// YYYY-MM
    pub month: String,
    pub description: Option<String>,
    pub url: Option<String>,
    pub storage_key: Option<String>,
    pub available_from: DateTime<Utc>,
    pub published: bool,
}

pub async fn create_resource(
    conn: &mut PgConnection,
    r: &ResourceInput,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    sqlx::query_scalar(
        "INSERT INTO pass_resources (title, type, month, description, url, storage_key, available_from, published, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
    )
    .bind(&r.title)
    .bind(r.kind)
    .bind(&r.month)
    .bind(&r.description)
    .bind(&r.url)
    .bind(&r.storage_key)
    .bind(r.available_from)
    .bind(r.published)
    .bind(now)
    .fetch_one(conn)
    .await
    .map_err(|e| crate::db::support::map_code(e, "23514", Error::field("month", "mois au format AAAA-MM")))
}
