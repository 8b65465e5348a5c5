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
use crate::api::input::Body;
use crate::auth::{CurrentUser, Role};
use crate::error::{Error, Result};
use crate::state::AppState;

/// This module's part of the OpenAPI document (joined in `api::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    get_pass,
    resources,
    discounts,
    toggle_plan,
    ship_carnet,
    put_plan,
    delete_plan,
    pause,
))]
pub struct ApiDoc;

// ---------------------------------------------------------------- OpenAPI descriptions

/// A PASS formula.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes the `plan`/`renewal` values `plan_of` accepts
pub enum PassPlanName {
    #[schema(rename = "MONTHLY")]
    Monthly,
    #[schema(rename = "ANNUAL")]
    Annual,
}

/// The only product of `PUT /api/account/plan`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes the `plan` value `put_plan` accepts
pub enum PassAccountPlan {
    #[schema(rename = "PASS")]
    Pass,
}

/// The pause of the subscription (once, 30 days).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes `pause` of `snapshot` and `billing_json`
pub struct PassPause {
    pub used: bool,
    pub active: bool,
    #[schema(required = true)]
    pub until: Option<chrono::DateTime<Utc>>,
}

/// The carnet de vie (sent after 6 paid months or with the annual plan).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)] // describes `carnet` of `snapshot`
pub struct PassCarnet {
    /// NOT_ELIGIBLE, PENDING, PROCESSING, SHIPPED ou DELIVERED.
    #[schema(example = "PENDING")]
    pub status: String,
    #[schema(required = true)]
    pub eta: Option<chrono::NaiveDate>,
    #[schema(required = true)]
    pub tracking_number: Option<String>,
    /// Adresse de livraison enregistrée.
    pub address_set: bool,
    /// Mois payés requis (formule mensuelle).
    pub months_required: i32,
}

/// A monthly PASS resource.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes `pass_view::PassResource`
pub struct PassResourceOut {
    pub id: uuid::Uuid,
    /// `YYYY-MM`.
    #[schema(example = "2026-01")]
    pub month: String,
    pub title: String,
    #[schema(required = true)]
    pub description: Option<String>,
    /// PODCAST, BOOKLET ou VIDEO.
    #[serde(rename = "type")]
    #[schema(example = "PODCAST")]
    pub kind: String,
    /// Null sans avantages PASS.
    #[schema(required = true)]
    pub url: Option<String>,
}

/// A partner's discount for PASS members.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)] // describes `pass_view::Discount`
pub struct PassDiscount {
    pub id: uuid::Uuid,
    pub name: String,
    #[schema(example = "PRACTITIONER")]
    pub kind: String,
    #[schema(required = true)]
    pub city: Option<String>,
    /// Remise en pourcentage.
    pub rate_pct: i16,
    #[schema(required = true)]
    pub conditions: Option<String>,
    pub href: String,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes `Paging::envelope` of `discounts`
pub struct PassDiscountPage {
    pub items: Vec<PassDiscount>,
    pub page: i64,
    pub limit: i64,
    pub total: i64,
}

/// `PassSnapshot` of DOMAIN.md §6.7: only `{active: false}` without any subscription.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)] // describes what `snapshot` writes
pub struct PassSnapshot {
    /// Avantages PASS en cours (ACTIVE ou PAST_DUE).
    pub active: bool,
    /// PENDING_PAYMENT, ACTIVE, PAUSED, PAST_DUE, CANCELLED ou EXPIRED.
    #[schema(required = false, example = "ACTIVE")]
    pub status: String,
    /// MONTHLY ou ANNUAL.
    #[schema(required = false, example = "MONTHLY")]
    pub plan: String,
    /// Formule au prochain renouvellement, quand elle change.
    pub pending_plan: Option<String>,
    pub started_at: Option<chrono::DateTime<Utc>>,
    /// Null quand la résiliation est programmée.
    pub next_billing_at: Option<chrono::DateTime<Utc>>,
    pub current_period_end: Option<chrono::DateTime<Utc>>,
    #[schema(required = false)]
    pub months_paid: i32,
    #[schema(required = false)]
    pub cancel_at_period_end: bool,
    #[schema(required = false)]
    pub pause: PassPause,
    #[schema(required = false)]
    pub carnet: PassCarnet,
    /// Les ressources du mois (à défaut les 3 dernières).
    #[schema(required = false)]
    pub resources: Vec<PassResourceOut>,
    /// Quelques remises partenaires.
    #[schema(required = false)]
    pub discounts: Vec<PassDiscount>,
}

/// A payment of the billing history.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)] // describes `payments` of `account::billing_json`
pub struct PassPaymentOut {
    pub id: uuid::Uuid,
    pub date: chrono::DateTime<Utc>,
    pub amount_cents: i32,
    pub description: String,
    /// PAID, FAILED ou REFUNDED.
    #[schema(example = "PAID")]
    pub status: String,
    #[schema(required = true)]
    pub receipt_url: Option<String>,
}

/// The billing view of `account::billing_json`, after a plan change.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)] // describes `account::billing_json` plus what `put_plan` adds
pub struct PassBilling {
    /// FREE, PASS ou PRO.
    #[schema(example = "PASS")]
    pub plan: String,
    /// Formule du PASS (MONTHLY ou ANNUAL), null sans abonnement.
    #[schema(required = true)]
    pub renewal: Option<String>,
    #[schema(required = true)]
    pub status: Option<String>,
    #[schema(required = true)]
    pub current_period_end: Option<chrono::DateTime<Utc>>,
    #[schema(required = true)]
    pub member_since: Option<chrono::DateTime<Utc>>,
    pub cancel_at_period_end: bool,
    pub pause: PassPause,
    pub payments: Vec<PassPaymentOut>,
    /// `PUT` sans abonnement en cours : la page de paiement où aller.
    #[schema(required = false)]
    pub checkout_url: String,
    /// `PUT` : la formule du prochain renouvellement, quand il existe un abonnement.
    pub pending_plan: Option<String>,
}

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

/// My PASS (§6.7 PassSnapshot).
#[utoipa::path(get, path = "/api/user/pass", tag = "pass",
    responses((status = 200, description = "Mon PASS", body = PassSnapshot)))]
pub async fn get_pass(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Value>> {
    Ok(Json(snapshot(&state, &user).await?))
}

/// PASS benefits: the role rule keeps `role = PASS_USER` exactly while ACTIVE or PAST_DUE.
pub fn has_benefits(user: &CurrentUser) -> bool {
    user.role == Role::PassUser
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResourceParams {
    /// `YYYY-MM` (vide ou absent : tous les mois).
    #[param(pattern = "^\\s*([0-9]{4}-(0[1-9]|1[0-2]))?\\s*$", example = "2026-01")]
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

/// The published PASS resources (`url` null unless PASS benefits, AR-16).
#[utoipa::path(get, path = "/api/user/pass/resources", tag = "pass",
    params(ResourceParams),
    responses((status = 200, description = "Les ressources", body = Vec<PassResourceOut>)))]
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

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DiscountParams {
    /// PRACTITIONER, ARTISAN, COMMERCANT, CENTER ou EXTERNAL (vide : tous).
    #[param(
        pattern = "^\\s*(PRACTITIONER|ARTISAN|COMMERCANT|CENTER|EXTERNAL)?\\s*$",
        example = "ARTISAN"
    )]
    pub kind: Option<String>,
    /// Ville exacte (sans casse).
    pub city: Option<String>,
    #[param(value_type = Option<i64>, minimum = 1, maximum = 10000)]
    pub page: Option<String>,
    /// 20 par défaut.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
}

pub const PARTNER_KINDS: [&str; 5] = [
    "PRACTITIONER",
    "ARTISAN",
    "COMMERCANT",
    "CENTER",
    "EXTERNAL",
];

/// The partners' discounts, best rate first.
#[utoipa::path(get, path = "/api/user/pass/discounts", tag = "pass",
    params(DiscountParams),
    responses((status = 200, description = "Les remises", body = PassDiscountPage)))]
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

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = PassPlanRequest)]
pub struct PlanRequest {
    #[schema(value_type = PassPlanName)]
    pub plan: String,
}

fn plan_of(s: &str) -> Result<PassPlan> {
    match s {
        "MONTHLY" => Ok(PassPlan::Monthly),
        "ANNUAL" => Ok(PassPlan::Annual),
        _ => Err(invalid("plan")),
    }
}

/// Switches to the other plan from the next renewal (withdraws a scheduled cancellation).
#[utoipa::path(post, path = "/api/user/pass/toggle-plan", tag = "pass",
    request_body = PlanRequest,
    responses(
        (status = 200, description = "Mon PASS", body = PassSnapshot),
        (status = 404, description = "Aucun abonnement (NOT_FOUND)", body = crate::api::openapi::ErrorEnvelope),
        (status = 409, description = "Déjà cette formule (SAME_PLAN)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn toggle_plan(
    State(state): State<AppState>,
    user: CurrentUser,
    Body(r): Body<PlanRequest>,
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

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = PassCarnetAddress)]
pub struct CarnetRequest {
    #[schema(max_length = 120, pattern = "\\S")]
    pub name: String,
    #[schema(max_length = 200, pattern = "\\S")]
    pub line1: String,
    pub line2: Option<String>,
    /// Code postal français à 5 chiffres.
    #[schema(pattern = "^\\s*[0-9]{5}\\s*$", example = "21000")]
    pub postal_code: String,
    #[schema(max_length = 80, pattern = "\\S")]
    pub city: String,
}

/// Sets the carnet's delivery address (the shipping status is never set by the member).
#[utoipa::path(post, path = "/api/user/pass/ship-carnet", tag = "pass",
    request_body = CarnetRequest,
    responses(
        (status = 200, description = "Mon PASS", body = PassSnapshot),
        (status = 409, description = "Pas de PASS en cours ou carnet déjà en préparation (CARNET_NOT_ELIGIBLE, CARNET_ALREADY_SHIPPED)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn ship_carnet(
    State(state): State<AppState>,
    user: CurrentUser,
    Body(r): Body<CarnetRequest>,
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

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = PassAccountPlanRequest)]
pub struct AccountPlanRequest {
    #[schema(value_type = PassAccountPlan)]
    pub plan: String,
    /// MONTHLY par défaut.
    #[schema(value_type = Option<PassPlanName>)]
    pub renewal: Option<String>,
}

/// Chooses the PASS (`{plan:"PASS", renewal}`).
///
/// A checkout when no subscription runs (`checkoutUrl`), else the plan switch (and a
/// scheduled cancellation withdrawn).
#[utoipa::path(put, path = "/api/account/plan", tag = "pass",
    request_body = AccountPlanRequest,
    responses(
        (status = 200, description = "Ma facturation", body = PassBilling),
        (status = 409, description = "Réservé aux membres ou déjà cette formule (PASS_MEMBERS_ONLY, PASS_ALREADY_ACTIVE)", body = crate::api::openapi::ErrorEnvelope),
        (status = 503, description = "Paiement en ligne indisponible (PAYMENT_UNAVAILABLE) ou base indisponible", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn put_plan(
    State(state): State<AppState>,
    user: CurrentUser,
    Body(r): Body<AccountPlanRequest>,
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

/// Cancels my PASS at the end of the paid period.
#[utoipa::path(delete, path = "/api/account/plan", tag = "pass",
    responses(
        (status = 200, description = "Ma facturation", body = PassBilling),
        (status = 404, description = "Aucun abonnement (NOT_FOUND)", body = crate::api::openapi::ErrorEnvelope),
        (status = 409, description = "Réservé aux membres ou PASS non actif (PASS_MEMBERS_ONLY, PASS_NOT_ACTIVE)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn delete_plan(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Value>> {
    members_only(&user)?;
    let mut conn = state.pool.acquire().await?;
    pass::cancel_at_period_end(&mut conn, user.id).await?;
    Ok(Json(
        crate::api::account::billing_json(&state, &user).await?,
    ))
}

/// Pauses my PASS for 30 days (once per subscription).
#[utoipa::path(post, path = "/api/account/plan/pause", tag = "pass",
    responses(
        (status = 200, description = "Ma facturation", body = PassBilling),
        (status = 404, description = "Aucun abonnement (NOT_FOUND)", body = crate::api::openapi::ErrorEnvelope),
        (status = 409, description = "Réservé aux membres, PASS non actif ou pause déjà utilisée (PASS_MEMBERS_ONLY, PASS_NOT_ACTIVE, PAUSE_ALREADY_USED)", body = crate::api::openapi::ErrorEnvelope),
    ))]
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
