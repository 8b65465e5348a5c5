//! The member's PASS (DOMAIN.md §6.3 plan endpoints, §6.7, §7.2): snapshot, monthly resources
//! (URLs for PASS members only), partners' discounts, plan switch, pause, cancellation at
//! period end and the carnet address. Payments themselves only happen through the provider
//! webhook (`api::payments`).

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use chrono::{Datelike as _, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use spymeo_core::db::{pass, pass_view};
use spymeo_core::domain::PassPlan;
use spymeo_core::domain::pass::CARNET_MONTHS;

use super::payments::{self, Product};
use super::public::{Paging, invalid};
use crate::auth::{CurrentUser, Role};
use crate::error::{Error, Result};
use crate::state::AppState;

/// The current month, `YYYY-MM` in Paris.
pub fn current_month() -> String {
    let d = spymeo_core::domain::paris_date(Utc::now());
    format!("{:04}-{:02}", d.year(), d.month())
}

/// `PassSnapshot` of §6.7.
pub async fn snapshot(state: &AppState, user: &CurrentUser) -> Result<Value> {
    let Some(s) = pass_view::state(&state.pool, user.id).await? else {
        return Ok(json!({ "active": false }));
    };
    let active = s.active();
    let now = Utc::now();
    let mut resources =
        pass_view::resources(&state.pool, Some(&current_month()), active, now).await?;
    if resources.is_empty() {
        // Early in a month the new resources may not be out yet: show the latest ones.
        resources = pass_view::resources(&state.pool, None, active, now).await?;
        resources.truncate(3);
    }
    let (discounts, _) = pass_view::discounts(&state.pool, None, None, 1, 6).await?;
    Ok(json!({
        "active": active,
        "status": s.status,
        "plan": s.plan,
        "pendingPlan": s.pending_plan,
        "startedAt": s.started_at,
        "nextBillingAt": if s.cancel_at_period_end { None } else { s.current_period_end },
        "currentPeriodEnd": s.current_period_end,
        "monthsPaid": s.months_paid,
        "cancelAtPeriodEnd": s.cancel_at_period_end,
        "pause": { "used": s.pause_used, "active": s.status == "PAUSED", "until": s.paused_until },
        "carnet": {
            "status": s.carnet_status, "eta": s.carnet_eta, "trackingNumber": s.carnet_tracking_number,
            "addressSet": s.carnet_address.is_some(), "monthsRequired": CARNET_MONTHS,
        },
        "resources": resources,
        "discounts": discounts,
    }))
}

pub async fn get_pass(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Value>> {
    Ok(Json(snapshot(&state, &user).await?))
}

/// PASS benefits: the role rule keeps `role = PASS_USER` exactly while ACTIVE or PAST_DUE.
pub fn has_benefits(user: &CurrentUser) -> bool {
    user.role == Role::PassUser
}

#[derive(Debug, Default, Deserialize)]
pub struct ResourceParams {
    pub month: Option<String>,
}

pub fn valid_month(m: &str) -> bool {
    let b = m.as_bytes();
    b.len() == 7
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && matches!(
            &m[5..],
            "01" | "02" | "03" | "04" | "05" | "06" | "07" | "08" | "09" | "10" | "11" | "12"
        )
}

/// `GET /api/user/pass/resources?month`: `url` null unless PASS (AR-16).
pub async fn resources(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(p): Query<ResourceParams>,
) -> Result<Json<Value>> {
    let month = p.month.as_deref().map(str::trim).filter(|m| !m.is_empty());
    if month.is_some_and(|m| !valid_month(m)) {
        return Err(invalid("month"));
    }
    let items = pass_view::resources(&state.pool, month, has_benefits(&user), Utc::now()).await?;
    Ok(Json(json!(items)))
}

#[derive(Debug, Default, Deserialize)]
pub struct DiscountParams {
    pub kind: Option<String>,
    pub city: Option<String>,
    pub page: Option<String>,
    pub limit: Option<String>,
}

pub const PARTNER_KINDS: [&str; 5] = [
    "PRACTITIONER",
    "ARTISAN",
    "COMMERCANT",
    "CENTER",
    "EXTERNAL",
];

pub async fn discounts(
    State(state): State<AppState>,
    _user: CurrentUser,
    Query(p): Query<DiscountParams>,
) -> Result<Json<Value>> {
    let paging = Paging::parse(p.page.as_deref(), p.limit.as_deref(), 20)?;
    let kind = p.kind.as_deref().map(str::trim).filter(|k| !k.is_empty());
    if kind.is_some_and(|k| !PARTNER_KINDS.contains(&k)) {
        return Err(invalid("kind"));
    }
    let city = p.city.as_deref().map(str::trim).filter(|c| !c.is_empty());
    let (items, total) =
        pass_view::discounts(&state.pool, kind, city, paging.page, paging.limit).await?;
    Ok(Json(paging.envelope(&items, total)))
}

#[derive(Debug, Deserialize)]
pub struct PlanRequest {
    pub plan: String,
}

fn plan_of(s: &str) -> Result<PassPlan> {
    match s {
        "MONTHLY" => Ok(PassPlan::Monthly),
        "ANNUAL" => Ok(PassPlan::Annual),
        _ => Err(invalid("plan")),
    }
}

/// `POST /api/user/pass/toggle-plan {plan}`: the other plan from the next renewal.
pub async fn toggle_plan(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(r): Json<PlanRequest>,
) -> Result<Json<Value>> {
    let plan = plan_of(&r.plan)?;
    switch_plan(&state, &user, plan).await.map_err(|e| {
        if e.code == "PASS_ALREADY_ACTIVE" {
            Error::new(
                StatusCode::CONFLICT,
                "SAME_PLAN",
                "Vous avez déjà cette formule",
            )
        } else {
            e
        }
    })?;
    Ok(Json(snapshot(&state, &user).await?))
}

pub async fn switch_plan(state: &AppState, user: &CurrentUser, plan: PassPlan) -> Result<()> {
    let mut tx = state.pool.begin().await?;
    pass_view::change_plan(&mut tx, user.id, plan).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CarnetRequest {
    pub name: String,
    pub line1: String,
    pub line2: Option<String>,
    pub postal_code: String,
    pub city: String,
}

/// `POST /api/user/pass/ship-carnet`: the delivery address (the status is never set by the
/// member, only by the payment rule and the admin's shipping steps).
pub async fn ship_carnet(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(r): Json<CarnetRequest>,
) -> Result<Json<Value>> {
    save_carnet_address(&state, &user, r).await?;
    Ok(Json(snapshot(&state, &user).await?))
}

pub async fn save_carnet_address(
    state: &AppState,
    user: &CurrentUser,
    r: CarnetRequest,
) -> Result<()> {
    let mut e = Error::new(
        StatusCode::BAD_REQUEST,
        "VALIDATION_FAILED",
        "Adresse de livraison incomplète",
    );
    let t = |s: &str| s.trim().to_owned();
    let (name, line1, postal, city) = (t(&r.name), t(&r.line1), t(&r.postal_code), t(&r.city));
    if name.is_empty() || name.chars().count() > 120 {
        e.fields.push(("name", "nom requis".into()));
    }
    if line1.is_empty() || line1.chars().count() > 200 {
        e.fields.push(("line1", "adresse requise".into()));
    }
    if postal.len() != 5 || !postal.bytes().all(|b| b.is_ascii_digit()) {
        e.fields
            .push(("postalCode", "code postal à 5 chiffres".into()));
    }
    if city.is_empty() || city.chars().count() > 80 {
        e.fields.push(("city", "ville requise".into()));
    }
    if !e.fields.is_empty() {
        return Err(e);
    }
    let Some(s) = pass_view::state(&state.pool, user.id).await? else {
        return Err(Error::new(
            StatusCode::CONFLICT,
            "CARNET_NOT_ELIGIBLE",
            "Le carnet de vie est réservé aux membres PASS",
        ));
    };
    if !matches!(s.status.as_str(), "ACTIVE" | "PAST_DUE" | "PAUSED") {
        return Err(Error::new(
            StatusCode::CONFLICT,
            "CARNET_NOT_ELIGIBLE",
            "Le carnet de vie est réservé aux membres PASS",
        ));
    }
    let mut conn = state.pool.acquire().await?;
    pass::set_carnet_address(
        &mut conn,
        user.id,
        &pass::CarnetAddress {
            name,
            line1,
            line2: r
                .line2
                .map(|l| l.trim().to_owned())
                .filter(|l| !l.is_empty()),
            postal_code: postal,
            city,
            country: "FR".into(),
        },
    )
    .await?;
    Ok(())
}

// ---------------------------------------------------------------- /api/account/plan

fn members_only(user: &CurrentUser) -> Result<()> {
    if matches!(user.role, Role::FreeUser | Role::PassUser) {
        Ok(())
    } else {
        Err(Error::new(
            StatusCode::CONFLICT,
            "PASS_MEMBERS_ONLY",
            "Le PASS est réservé aux comptes membres",
        ))
    }
}

#[derive(Debug, Deserialize)]
pub struct AccountPlanRequest {
    pub plan: String,
    pub renewal: Option<String>,
}

/// `PUT /api/account/plan {plan:"PASS", renewal}`: a checkout when there is no running
/// subscription, else the plan switch (and a scheduled cancellation withdrawn).
pub async fn put_plan(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(r): Json<AccountPlanRequest>,
) -> Result<Json<Value>> {
    members_only(&user)?;
    if r.plan != "PASS" {
        return Err(invalid("plan"));
    }
    let plan = plan_of(r.renewal.as_deref().unwrap_or("MONTHLY"))?;
    let running = pass_view::state(&state.pool, user.id)
        .await?
        .is_some_and(|s| matches!(s.status.as_str(), "ACTIVE" | "PAST_DUE" | "PAUSED"));
    let mut billing = if running {
        switch_plan(&state, &user, plan).await?;
        crate::api::account::billing_json(&state, &user).await?
    } else {
        let url = payments::start_checkout(&state, &user, Product::Pass(plan)).await?;
        let mut b = crate::api::account::billing_json(&state, &user).await?;
        b["checkoutUrl"] = json!(url);
        b
    };
    if let Some(s) = pass_view::state(&state.pool, user.id).await? {
        billing["pendingPlan"] = json!(s.pending_plan);
    }
    Ok(Json(billing))
}

/// `DELETE /api/account/plan`: cancel at the end of the paid period.
pub async fn delete_plan(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Value>> {
    members_only(&user)?;
    let mut conn = state.pool.acquire().await?;
    pass::cancel_at_period_end(&mut conn, user.id).await?;
    Ok(Json(
        crate::api::account::billing_json(&state, &user).await?,
    ))
}

/// `POST /api/account/plan/pause`: once, 30 days.
pub async fn pause(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Value>> {
    members_only(&user)?;
    let mut conn = state.pool.acquire().await?;
    pass::pause(&mut conn, user.id, Utc::now()).await?;
    Ok(Json(
        crate::api::account::billing_json(&state, &user).await?,
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn months() {
        assert!(super::valid_month("2026-12"));
        assert!(!super::valid_month("2026-13"));
        assert!(!super::valid_month("26-12"));
        assert!(!super::valid_month("2026-1x"));
    }
}
