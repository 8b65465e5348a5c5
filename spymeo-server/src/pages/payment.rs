//! Payment pages (DOMAIN.md §8.1): `/payment/pass` (plan choice → hosted checkout),
//! `/payment/pro` (pro membership), `/payment/success` (verification and next step), and the
//! development-only simulated hosted checkout `/payment/simulation`, which signs provider
//! events and hands them to the same webhook path as the real provider would.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use secrecy::ExposeSecret as _;
use serde::Deserialize;
use spymeo_core::db::pass_view;
use spymeo_core::domain::{PassPlan, pass};

use super::member::redirect_flash;
use super::{Ctx, Layout, euros, render};
use crate::api::payments::{self, Product};
use crate::auth::{CurrentUser, Role};
use crate::error::{Error, Result};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "member/payment_pass.html")]
pub struct PassCheckoutPage {
    pub layout: Layout,
    pub selected: String,
    pub monthly: String,
    pub annual: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct PlanQuery {
    pub plan: Option<String>,
}

pub async fn pass_form(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(q): Query<PlanQuery>,
) -> Result<Response> {
    if user.role == Role::PassUser {
        return Ok(redirect_flash(
            "/user/pass",
            "info",
            "Votre PASS est déjà actif.",
        ));
    }
    let selected = match q.plan.as_deref() {
        Some("ANNUAL" | "pass-annuel") => "ANNUAL",
        Some("MONTHLY" | "pass-mensuel") => "MONTHLY",
        _ => pass_view::state(&state.pool, user.id)
            .await?
            .map(|s| {
                if s.plan == "ANNUAL" {
                    "ANNUAL"
                } else {
                    "MONTHLY"
                }
            })
            .unwrap_or("ANNUAL"),
    };
    let page = PassCheckoutPage {
        layout: ctx.layout(
            &state,
            "Souscrire au PASS",
            "Choisissez votre formule PASS SPYMEO.",
        ),
        selected: selected.to_owned(),
        monthly: euros(pass::MONTHLY_PRICE_CENTS.into()),
        annual: euros(pass::ANNUAL_PRICE_CENTS.into()),
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Debug, Deserialize)]
pub struct PlanForm {
    pub plan: Option<String>,
}

pub async fn pass_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<PlanForm>,
) -> Result<Response> {
    let plan = match f.plan.as_deref() {
        Some("ANNUAL") => PassPlan::Annual,
        Some("MONTHLY") => PassPlan::Monthly,
        _ => {
            return Ok(redirect_flash(
                "/payment/pass",
                "error",
                "Choisissez une formule.",
            ));
        }
    };
    match payments::start_checkout(&state, &user, Product::Pass(plan)).await {
        Ok(url) => Ok(Redirect::to(&url).into_response()),
        Err(e) if e.status.is_client_error() || e.status == StatusCode::SERVICE_UNAVAILABLE => {
            Ok(redirect_flash("/payment/pass", "error", &e.message))
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "member/payment_pro.html")]
pub struct ProCheckoutPage {
    pub layout: Layout,
    pub pending: bool,
    pub error: Option<String>,
}

fn pro_page(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    error: Option<String>,
) -> ProCheckoutPage {
    ProCheckoutPage {
        layout: ctx.layout(
            state,
            "Adhésion professionnelle",
            "Réglez votre adhésion SPYMEO.",
        ),
        pending: user.role.is_pro() && user.status == "PENDING_PAYMENT",
        error,
    }
}

/// Members and admins have no membership to pay: the page says so.
pub async fn pro_form(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
) -> Result<Response> {
    Ok(render(StatusCode::OK, &pro_page(&state, &ctx, &user, None)))
}

pub async fn pro_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
) -> Result<Response> {
    match payments::start_checkout(&state, &user, Product::ProMembership).await {
        Ok(url) => Ok(Redirect::to(&url).into_response()),
        Err(e) if e.status.is_client_error() || e.status == StatusCode::SERVICE_UNAVAILABLE => {
            let page = pro_page(&state, &ctx, &user, Some(e.message.into_owned()));
            Ok(render(e.status, &page))
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "member/payment_simulation.html")]
pub struct SimulationPage {
    pub layout: Layout,
    pub product: String,
    pub label: String,
    pub amount: Option<String>,
    pub back: &'static str,
}

#[derive(Debug, Default, Deserialize)]
pub struct ProductQuery {
    pub product: Option<String>,
}

fn product_label(p: Product) -> (String, Option<String>) {
    match p {
        Product::Pass(PassPlan::Monthly) => (
            "PASS SPYMEO mensuel".into(),
            Some(format!("{}/mois", euros(pass::MONTHLY_PRICE_CENTS.into()))),
        ),
        Product::Pass(PassPlan::Annual) => (
            "PASS SPYMEO annuel".into(),
            Some(format!("{}/an", euros(pass::ANNUAL_PRICE_CENTS.into()))),
        ),
        Product::ProMembership => ("Adhésion professionnelle SPYMEO (1 an)".into(), None),
    }
}

/// The simulated hosted checkout page (outside staging/production only: 404 there).
pub async fn simulation(
    State(state): State<AppState>,
    ctx: Ctx,
    _user: CurrentUser,
    Query(q): Query<ProductQuery>,
) -> Result<Response> {
    if !payments::simulation_enabled(&state) {
        return Err(Error::not_found());
    }
    let product = q
        .product
        .as_deref()
        .and_then(Product::parse)
        .ok_or_else(Error::not_found)?;
    let (label, amount) = product_label(product);
    let page = SimulationPage {
        layout: ctx.layout(
            &state,
            "Paiement sécurisé (simulation)",
            "Page de paiement simulée.",
        ),
        product: product.code().to_owned(),
        label,
        amount,
        back: if product == Product::ProMembership {
            "/payment/pro"
        } else {
            "/payment/pass"
        },
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Debug, Deserialize)]
pub struct SimulationForm {
    pub product: String,
}

/// "Payer": the provider's events for a successful checkout, signed with the webhook secret
/// and delivered through [`payments::receive`] — the webhook route's own code path.
pub async fn simulation_pay(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<SimulationForm>,
) -> Result<Response> {
    if !payments::simulation_enabled(&state) {
        return Err(Error::not_found());
    }
    let product = Product::parse(&f.product).ok_or_else(Error::not_found)?;
    let subscription = match product {
        Product::Pass(_) => {
            let s = pass_view::state(&state.pool, user.id)
                .await?
                .ok_or_else(Error::not_found)?;
            if s.status != "PENDING_PAYMENT" && s.status != "CANCELLED" && s.status != "EXPIRED" {
                return Ok(redirect_flash(
                    "/user/pass",
                    "info",
                    "Votre PASS est déjà actif.",
                ));
            }
            Some(s.id)
        }
        Product::ProMembership => None,
    };
    let secret = state
        .inner
        .payment_webhook_secret
        .as_ref()
        .ok_or_else(|| {
            Error::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "PAYMENT_UNAVAILABLE",
                "Paiement non configuré",
            )
        })?
        .expose_secret()
        .to_owned();
    let now = Utc::now();
    for event in payments::checkout_events(product, user.id, subscription, now) {
        let body = serde_json::to_vec(&event).map_err(|_| Error::internal())?;
        let signature = payments::sign(&secret, now.timestamp(), &body);
        payments::receive(&state, &signature, &body).await?;
    }
    let session = payments::session_id(product, user.id, subscription);
    Ok(Redirect::to(&format!("/payment/success?session_id={session}")).into_response())
}

#[derive(Template)]
#[template(path = "member/payment_success.html")]
pub struct SuccessPage {
    pub layout: Layout,
    pub status: &'static str,
    pub next: &'static str,
}

#[derive(Debug, Default, Deserialize)]
pub struct SessionQuery {
    pub session_id: Option<String>,
}

pub async fn success(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(q): Query<SessionQuery>,
) -> Result<Response> {
    let session = q.session_id.unwrap_or_default();
    let status = payments::checkout_status(&state, &user, &session)
        .await?
        .ok_or_else(Error::not_found)?;
    let next = if user.role.is_pro() {
        "/pro/dashboard"
    } else {
        "/user/pass"
    };
    let page = SuccessPage {
        layout: ctx.layout(&state, "Paiement", "Résultat de votre paiement."),
        status,
        next,
    };
    Ok(render(StatusCode::OK, &page))
}
