//! PASS subscriptions replayed from their first payment (DOMAIN.md §7.2, §9.3): 19 ACTIVE
//! (10 monthly, 9 annual) + 1 PAST_DUE = the 20 PASS members, then 2 PAUSED, 2 CANCELLED,
//! 1 EXPIRED and 2 PENDING_PAYMENT among FREE members; carnet statuses from the rule, then
//! admin steps so that each status appears at least twice. Also the monthly resources and the
//! external partners' discounts.

use chrono::{DateTime, Datelike, Duration, Months, Utc};
use uuid::Uuid;

use super::{Conn, Ctx};
use crate::Result;
use crate::db::pass::{
    self as pass_db, CarnetAddress, ExternalDiscount, PaymentInput, ResourceInput,
};
use crate::domain::{CarnetStatus, PartnerKind, PassPlan, PassResourceType};

#[derive(Debug, Clone, Copy)]
enum Plan {
    /// Monthly, paid months, a failed attempt retried in the history.
    Monthly(u32, bool),
    /// Annual, paid years.
    Annual(u32),
    PastDue(u32),
    Expired(u32),
    CancelledMonthly(u32),
    CancelledAnnual,
    Paused(u32),
    PausedAnnual,
    PendingPayment(PassPlan),
}

fn add_months(t: DateTime<Utc>, m: u32) -> DateTime<Utc> {
    t.checked_add_months(Months::new(m)).expect("date in range")
}

pub(crate) async fn seed(ctx: &mut Ctx, conn: &mut Conn) -> Result<()> {
    // member index → plan, carnet target.
    let mut plans: Vec<(usize, Plan, Option<CarnetStatus>)> =
        vec![(0, Plan::Annual(2), Some(CarnetStatus::Shipped))];
    let monthly = [
        (1, false),
        (3, false),
        (5, true),
        (6, false),
        (7, false),
        (9, true),
        (11, false),
        (12, false),
        (13, true),
        (14, false),
    ];
    let monthly_carnet = [
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        Some(CarnetStatus::Processing),
        None,
        Some(CarnetStatus::Delivered),
    ];
    for (k, ((m, failed), carnet)) in monthly.into_iter().zip(monthly_carnet).enumerate() {
        plans.push((2 + k, Plan::Monthly(m, failed), carnet));
    }
    let annual_years = [3, 1, 2, 1, 2, 1, 1, 2];
    let annual_carnet = [
        Some(CarnetStatus::Shipped),
        Some(CarnetStatus::Delivered),
        Some(CarnetStatus::Processing),
        None,
        None,
        None,
        None,
        None,
    ];
    for (k, (y, carnet)) in annual_years.into_iter().zip(annual_carnet).enumerate() {
        plans.push((12 + k, Plan::Annual(y), carnet));
    }
    plans.push((20, Plan::PastDue(8), None));
    plans.push((21, Plan::Paused(4), None));
    plans.push((22, Plan::PausedAnnual, None));
    plans.push((23, Plan::CancelledMonthly(5), None));
    plans.push((24, Plan::CancelledAnnual, None));
    plans.push((25, Plan::Expired(3), None));
    plans.push((26, Plan::PendingPayment(PassPlan::Monthly), None));
    plans.push((27, Plan::PendingPayment(PassPlan::Annual), None));

    for (idx, plan, carnet) in plans {
        subscription(ctx, conn, idx, plan, carnet).await?;
    }
    resources(ctx, conn).await?;
    external_discounts(conn).await?;
    Ok(())
}

async fn pay(
    conn: &mut Conn,
    sub: Uuid,
    tag: &str,
    n: u32,
    plan: PassPlan,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<()> {
    pass_db::record_payment(
        conn,
        sub,
        &PaymentInput {
            provider_payment_id: format!("in_seed_{tag}_{n:02}"),
            plan,
            amount_cents: plan.price_cents(),
            period_start: start,
            period_end: end,
            paid_at: start,
            receipt_url: None,
        },
        start,
    )
    .await?;
    Ok(())
}

/// Pays `months` monthly periods from `start`; a failed attempt (retried two days later) on
/// the third renewal when `failed`. Returns the end of the last period.
async fn pay_months(
    conn: &mut Conn,
    sub: Uuid,
    tag: &str,
    start: DateTime<Utc>,
    months: u32,
    failed: bool,
) -> Result<DateTime<Utc>> {
    for k in 0..months {
        let s = add_months(start, k);
        let e = add_months(start, k + 1);
        if failed && k == 3 {
            pass_db::record_failed_payment(conn, sub, &format!("in_seed_{tag}_failed"), s).await?;
            pay(
                conn,
                sub,
                tag,
                k,
                PassPlan::Monthly,
                s + Duration::days(2),
                e,
            )
            .await?;
        } else {
            pay(conn, sub, tag, k, PassPlan::Monthly, s, e).await?;
        }
    }
    Ok(add_months(start, months))
}

async fn pay_years(
    conn: &mut Conn,
    sub: Uuid,
    tag: &str,
    start: DateTime<Utc>,
    years: u32,
) -> Result<DateTime<Utc>> {
    for k in 0..years {
        pay(
            conn,
            sub,
            tag,
            k,
            PassPlan::Annual,
            add_months(start, 12 * k),
            add_months(start, 12 * (k + 1)),
        )
        .await?;
    }
    Ok(add_months(start, 12 * years))
}

async fn subscription(
    ctx: &mut Ctx,
    conn: &mut Conn,
    idx: usize,
    plan: Plan,
    carnet: Option<CarnetStatus>,
) -> Result<()> {
    let member = ctx.members[idx].clone();
    let user = member.user_id;
    let tag = format!("{idx:02}");
    let now = ctx.now;
    let jitter = Duration::days(ctx.range(2, 25)) + Duration::minutes(ctx.range(0, 600));
    let (initial, start) = match plan {
        Plan::Monthly(m, _) => (
            PassPlan::Monthly,
            add_months(now - jitter, 0) - Months::new(m - 1),
        ),
        Plan::Annual(y) => (
            PassPlan::Annual,
            (now - Duration::days(ctx.range(10, 300))) - Months::new(12 * (y - 1)),
        ),
        Plan::PastDue(m) => (PassPlan::Monthly, now - Duration::days(3) - Months::new(m)),
        Plan::Expired(m) => (PassPlan::Monthly, now - Duration::days(20) - Months::new(m)),
        Plan::CancelledMonthly(m) => (PassPlan::Monthly, now - Duration::days(10) - Months::new(m)),
        Plan::CancelledAnnual => (PassPlan::Annual, now - Duration::days(40) - Months::new(12)),
        Plan::Paused(m) => (
            PassPlan::Monthly,
            now - Duration::days(5) - Months::new(m - 1),
        ),
        Plan::PausedAnnual => (PassPlan::Annual, now - Duration::days(200)),
        Plan::PendingPayment(p) => (p, now - Duration::days(ctx.range(1, 6))),
    };
    let opened = start - Duration::minutes(20);
    let sub = pass_db::start_subscription(conn, user, initial, opened.min(now)).await?;
    match plan {
        Plan::Monthly(m, failed) => {
            pay_months(conn, sub, &tag, start, m, failed).await?;
        }
        Plan::Annual(y) => {
            pay_years(conn, sub, &tag, start, y).await?;
        }
        Plan::PastDue(m) => {
            let end = pay_months(conn, sub, &tag, start, m, false).await?;
            pass_db::record_failed_payment(conn, sub, &format!("in_seed_{tag}_failed"), end)
                .await?;
        }
        Plan::Expired(m) => {
            let end = pay_months(conn, sub, &tag, start, m, false).await?;
            pass_db::record_failed_payment(conn, sub, &format!("in_seed_{tag}_failed"), end)
                .await?;
            pass_db::expire(conn, sub, end + Duration::days(7) + Duration::hours(1)).await?;
        }
        Plan::CancelledMonthly(m) => {
            let end = pay_months(conn, sub, &tag, start, m, false).await?;
            pass_db::cancel_at_period_end(conn, user).await?;
            pass_db::end_period(conn, sub, end + Duration::minutes(5)).await?;
        }
        Plan::CancelledAnnual => {
            let end = pay_years(conn, sub, &tag, start, 1).await?;
            pass_db::cancel_at_period_end(conn, user).await?;
            pass_db::end_period(conn, sub, end + Duration::minutes(5)).await?;
        }
        Plan::Paused(_) | Plan::PausedAnnual => {
            match plan {
                Plan::Paused(m) => {
                    pay_months(conn, sub, &tag, start, m, false).await?;
                }
                _ => {
                    pay_years(conn, sub, &tag, start, 1).await?;
                }
            }
            let days = ctx.range(3, 12);
            pass_db::pause(conn, user, now - Duration::days(days)).await?;
        }
        Plan::PendingPayment(_) => {}
    }
    // The member gives a shipping address once eligible; the admin then advances the carnet.
    if let Some(target) = carnet {
        let address = CarnetAddress {
            name: format!("{} {}", member.first, member.last),
            line1: member.address.clone(),
            line2: None,
            postal_code: member.postal.to_owned(),
            city: member.city.to_owned(),
            country: "FR".into(),
        };
        pass_db::set_carnet_address(conn, user, &address).await?;
        let base = now - Duration::days(ctx.range(8, 20));
        let steps = [
            CarnetStatus::Processing,
            CarnetStatus::Shipped,
            CarnetStatus::Delivered,
        ];
        for (k, step) in steps.iter().enumerate() {
            let at = base + Duration::days(2 * k as i64 + 1);
            let tracking = format!("6A{:011}", ctx.range(10_000_000_000, 99_999_999_999));
            pass_db::advance_carnet(conn, sub, *step, Some(&tracking), None, at).await?;
            if *step == target {
                break;
            }
        }
    } else if ctx.chance(0.3) {
        // Some eligible members already entered their address.
        let address = CarnetAddress {
            name: format!("{} {}", member.first, member.last),
            line1: member.address.clone(),
            line2: None,
            postal_code: member.postal.to_owned(),
            city: member.city.to_owned(),
            country: "FR".into(),
        };
        pass_db::set_carnet_address(conn, user, &address).await?;
    }
    Ok(())
}

/// 13 months (J−12 … J) × podcast, booklet, video.
async fn resources(ctx: &mut Ctx, conn: &mut Conn) -> Result<()> {
    const THEMES: [&str; 12] = [
        "Bien-être hivernal",
        "Détox en douceur",
        "Sommeil réparateur",
        "Énergie du printemps",
        "Alimentation de saison",
        "Gestion du stress",
        "Vacances sereines",
        "Soleil et peau",
        "Rentrée apaisée",
        "Immunité d'automne",
        "Respiration et cohérence",
        "Fêtes légères",
    ];
    for back in (0..13u32).rev() {
        let month_start = ctx.now.with_day(1).unwrap_or(ctx.now) - Months::new(back);
        let month = format!("{:04}-{:02}", month_start.year(), month_start.month());
        let theme = THEMES[(month_start.month() as usize + 11) % 12];
        let items = [
            (
                PassResourceType::Podcast,
                format!("Podcast – {theme}"),
                "https://podcasts.spymeo.fr/episodes/",
            ),
            (PassResourceType::Booklet, format!("Livret – {theme}"), ""),
            (
                PassResourceType::Video,
                format!("Vidéo – {theme}"),
                "https://videos.spymeo.fr/",
            ),
        ];
        for (kind, title, url) in items {
            let (url, key) = if url.is_empty() {
                (None, Some(format!("pass/{month}/livret.pdf")))
            } else {
                (Some(format!("{url}{}", crate::slug::slugify(&title))), None)
            };
            pass_db::create_resource(
                conn,
                &ResourceInput {
                    title,
                    kind,
                    month: month.clone(),
                    description: Some(format!(
                        "Le contenu PASS du mois : {}.",
                        theme.to_lowercase()
                    )),
                    url,
                    storage_key: key,
                    available_from: month_start.min(ctx.now),
                    published: true,
                },
                month_start.min(ctx.now),
            )
            .await?;
        }
    }
    Ok(())
}

async fn external_discounts(conn: &mut Conn) -> Result<()> {
    let list = [
        (
            PartnerKind::Center,
            "Salle de yoga Shanti",
            "Dijon",
            10,
            "https://yoga-shanti.example.fr",
        ),
        (
            PartnerKind::Commercant,
            "Biocoop des Ducs",
            "Dijon",
            5,
            "https://biocoop-ducs.example.fr",
        ),
        (
            PartnerKind::Practitioner,
            "Cabinet d'ostéopathie Saint-Michel",
            "Lyon",
            10,
            "https://osteo-saint-michel.example.fr",
        ),
        (
            PartnerKind::Center,
            "Spa Les Thermes du Parc",
            "Bordeaux",
            15,
            "https://thermes-du-parc.example.fr",
        ),
        (
            PartnerKind::Artisan,
            "Poterie du Vieux Lille",
            "Lille",
            20,
            "https://poterie-vieux-lille.example.fr",
        ),
    ];
    for (kind, name, city, rate, href) in list {
        pass_db::create_external_discount(
            conn,
            &ExternalDiscount {
                kind,
                name: name.into(),
                city: Some(city.into()),
                rate_pct: rate,
                conditions: Some("Sur présentation de la carte PASS".into()),
                href: href.into(),
            },
        )
        .await?;
    }
    Ok(())
}
