//! The payment-provider boundary (DOMAIN.md §6.7, §7.2). Card data never reaches this server:
//! members are sent to the provider's hosted checkout, and the provider tells us what happened
//! through a Stripe-compatible webhook — `Stripe-Signature: t=…,v1=…` (HMAC-SHA256 of
//! `"{t}.{body}"` with `PAYMENT_WEBHOOK_SECRET`), idempotent by event id in `payment_events`.
//! That webhook is the only thing that activates, renews or ends a PASS.
//!
//! No real provider client is wired in yet: outside production the hosted checkout is
//! simulated by `/payment/simulation`, which signs provider events with the same secret and
//! feeds them through the very same verification and processing as the webhook route. In
//! staging/production starting a checkout answers 503 PAYMENT_UNAVAILABLE.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Months, Utc};
use hmac::{Hmac, Mac as _};
use secrecy::ExposeSecret as _;
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::Sha256;
use spymeo_core::db::{pass, pass_view, pros};
use spymeo_core::domain::PassPlan;
use uuid::Uuid;

use crate::api::input::Body;
use crate::auth::{CurrentUser, Role};
use crate::error::{Error, Result};
use crate::state::AppState;

/// This module's part of the OpenAPI document (joined in `api::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(webhook, create_checkout, pass_checkout, verify_checkout))]
pub struct ApiDoc;

// ---------------------------------------------------------------- OpenAPI descriptions

/// A provider event (Stripe-compatible), as far as this server reads it.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes what `receive` reads
pub struct PayWebhookEvent {
    /// Identifiant de l'événement (idempotence).
    #[schema(example = "evt_123")]
    pub id: String,
    /// checkout.session.completed, invoice.paid, invoice.payment_failed,
    /// customer.subscription.deleted (les autres sont enregistrés et acquittés).
    #[serde(rename = "type")]
    #[schema(example = "invoice.paid")]
    pub kind: String,
    /// `{object: {...}}` : l'objet du prestataire.
    #[schema(value_type = Object, required = false)]
    pub data: serde_json::Value,
}

/// The acknowledgement of a provider event.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct PayWebhookAck {
    /// Toujours true.
    pub received: bool,
    /// Événement déjà reçu (livraison répétée).
    pub duplicate: bool,
}

/// Where to send the browser.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PayCheckout {
    /// La page de paiement hébergée (simulée hors production).
    #[schema(example = "/payment/simulation?product=PASS_MONTHLY")]
    pub checkout_url: String,
}

/// The state of one of my checkout sessions.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct PayCheckoutStatus {
    /// paid, pending ou failed.
    #[schema(example = "paid")]
    pub status: &'static str,
}

const ALL_PRODUCTS: &[&str] = &[
    "PASS_MONTHLY",
    "MONTHLY",
    "PASS_ANNUAL",
    "ANNUAL",
    "PRO_MEMBERSHIP",
];
const PASS_PRODUCTS: &[&str] = &["PASS_MONTHLY", "MONTHLY", "PASS_ANNUAL", "ANNUAL"];

/// `{product?, plan?}` where `product`, when given (not null), decides; else `plan`.
fn checkout_schema(values: &[&str]) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{AllOfBuilder, AnyOfBuilder, ObjectBuilder, SchemaType, Type};
    let nullable_string =
        || ObjectBuilder::new().schema_type(SchemaType::from_iter([Type::String, Type::Null]));
    let one_of_values = || {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(values.iter().copied()))
    };
    let base = ObjectBuilder::new()
        .property(
            "product",
            nullable_string().description(Some("Produit (prioritaire sur `plan`)")),
        )
        .property(
            "plan",
            nullable_string().description(Some("Synonyme de `product`")),
        );
    let by_product = ObjectBuilder::new()
        .property("product", one_of_values())
        .required("product");
    let by_plan = ObjectBuilder::new()
        .property("product", ObjectBuilder::new().schema_type(Type::Null))
        .property("plan", one_of_values())
        .required("plan");
    AllOfBuilder::new()
        .item(base)
        .item(AnyOfBuilder::new().item(by_product).item(by_plan))
        .into()
}

/// Body of `POST /api/payment/create-checkout`.
#[allow(dead_code)] // a description only
pub struct PayCheckoutRequest;

impl utoipa::PartialSchema for PayCheckoutRequest {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        checkout_schema(ALL_PRODUCTS)
    }
}

impl utoipa::ToSchema for PayCheckoutRequest {}

/// Body of `POST /api/user/pass/checkout`.
#[allow(dead_code)] // a description only
pub struct PayPassCheckoutRequest;

impl utoipa::PartialSchema for PayPassCheckoutRequest {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        checkout_schema(PASS_PRODUCTS)
    }
}

impl utoipa::ToSchema for PayPassCheckoutRequest {}

/// The secret `spymeo dev` uses unless `PAYMENT_WEBHOOK_SECRET` is set (development only).
pub const DEV_WEBHOOK_SECRET: &str = "whsec_spymeo_dev_only";

/// Signatures older than this are refused (replay window, Stripe's default).
const TOLERANCE_SECS: i64 = 300;

/// Computes a `Stripe-Signature` header value for `body` (used by the simulated checkout and
/// by tests, which sign their own events).
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(body);
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

fn bad_signature() -> Error {
    Error::new(
        StatusCode::BAD_REQUEST,
        "BAD_SIGNATURE",
        "Signature du prestataire de paiement invalide",
    )
}

/// Checks a `Stripe-Signature` header: a `t` within the tolerance and one `v1` that matches
/// (compared in constant time by `verify_slice`).
pub fn verify(secret: &str, header: &str, body: &[u8], now: DateTime<Utc>) -> Result<()> {
    let mut timestamp = None;
    let mut candidates = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => timestamp = v.parse::<i64>().ok(),
            Some(("v1", v)) => candidates.push(v.to_owned()),
            _ => {}
        }
    }
    let t = timestamp.ok_or_else(bad_signature)?;
    if (now.timestamp() - t).abs() > TOLERANCE_SECS {
        return Err(bad_signature());
    }
    for c in candidates {
        let Ok(expected) = hex::decode(&c) else {
            continue;
        };
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
        mac.update(format!("{t}.").as_bytes());
        mac.update(body);
        if mac.verify_slice(&expected).is_ok() {
            return Ok(());
        }
    }
    Err(bad_signature())
}

/// The payment provider's webhook (alias `/api/stripe/webhooks`).
///
/// Authenticated by the `Stripe-Signature` header (no session, no Origin check), idempotent
/// by event id. A missing or wrong signature answers 400 BAD_SIGNATURE.
#[utoipa::path(post, path = "/api/payment/webhook", tag = "payments",
    params(("Stripe-Signature" = String, Header,
        description = "`t=<horodatage>,v1=<HMAC-SHA256 hex de \"{t}.{corps}\">` (5 minutes de tolérance)",
        example = "t=1767225600,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd")),
    request_body = PayWebhookEvent,
    responses(
        (status = 200, description = "Événement reçu (appliqué, refusé par les règles ou déjà reçu)", body = PayWebhookAck),
        (status = 400, description = "Signature absente ou invalide (BAD_SIGNATURE), événement illisible ou sans id ni type (VALIDATION_FAILED)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<PayWebhookAck>> {
    let signature = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let duplicate = receive(&state, &signature, &body).await?;
    Ok(Json(PayWebhookAck {
        received: true,
        duplicate,
    }))
}

/// Verifies and processes one provider event; returns true for a duplicate delivery. Shared
/// by the webhook route and the simulated checkout, so both take exactly the same path.
pub async fn receive(state: &AppState, signature: &str, body: &[u8]) -> Result<bool> {
    let secret = state
        .inner
        .payment_webhook_secret
        .as_ref()
        .ok_or_else(bad_signature)?;
    let now = Utc::now();
    verify(secret.expose_secret(), signature, body, now)?;
    let event: Value = serde_json::from_slice(body).map_err(|_| {
        Error::new(
            StatusCode::BAD_REQUEST,
            "VALIDATION_FAILED",
            "Événement illisible",
        )
    })?;
    let (Some(id), Some(kind)) = (event["id"].as_str(), event["type"].as_str()) else {
        return Err(Error::new(
            StatusCode::BAD_REQUEST,
            "VALIDATION_FAILED",
            "Événement sans id ni type",
        ));
    };
    let mut tx = state.pool.begin().await?;
    if !pass_view::claim_event(&mut tx, id, kind, &event, now).await? {
        tx.commit().await?;
        return Ok(true);
    }
    // Business refusals (unknown subscription, invalid transition) are recorded on the event
    // and acknowledged: the provider retrying would not change them. Anything else rolls back
    // and answers 500, so the provider delivers again (and the retry job sees the row).
    let outcome = {
        let mut sp = sqlx::Connection::begin(&mut *tx).await?;
        match apply(&mut sp, kind, &event["data"]["object"], now).await {
            Ok(()) => {
                sp.commit().await?;
                None
            }
            Err(e) if is_business(&e) => {
                sp.rollback().await?;
                Some(e.to_string())
            }
            Err(e) => return Err(e.into()),
        }
    };
    if let Some(reason) = &outcome {
        tracing::warn!(event = id, kind, reason, "payment event not applied");
    }
    pass_view::event_done(&mut tx, id, outcome.as_deref(), now).await?;
    tx.commit().await?;
    Ok(false)
}

fn is_business(e: &spymeo_core::Error) -> bool {
    matches!(
        e,
        spymeo_core::Error::NotFound
            | spymeo_core::Error::Conflict { .. }
            | spymeo_core::Error::Validation { .. }
    )
}

fn uuid_at(v: &Value) -> Option<Uuid> {
    v.as_str().and_then(|s| Uuid::parse_str(s).ok())
}

fn instant(v: &Value) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(v.as_i64()?, 0)
}

/// Our metadata on an object: on the object itself or, for invoices, under
/// `subscription_details` (where Stripe copies the subscription's metadata).
fn metadata<'a>(o: &'a Value, key: &str) -> &'a Value {
    let direct = &o["metadata"][key];
    if direct.is_null() {
        &o["subscription_details"]["metadata"][key]
    } else {
        direct
    }
}

/// The PASS lifecycle driven by provider events (§7.2).
async fn apply(
    conn: &mut sqlx::PgConnection,
    kind: &str,
    o: &Value,
    now: DateTime<Utc>,
) -> spymeo_core::Result<()> {
    match kind {
        "checkout.session.completed" => {
            if metadata(o, "product").as_str() == Some("PRO_MEMBERSHIP") {
                let user =
                    uuid_at(&o["client_reference_id"]).ok_or(spymeo_core::Error::NotFound)?;
                return pros::activate_membership(conn, user, now).await;
            }
            let sub = uuid_at(&o["client_reference_id"]).ok_or(spymeo_core::Error::NotFound)?;
            let sub = pass_view::find_subscription(conn, Some(sub), None).await?;
            pass_view::link_provider(
                conn,
                sub,
                o["customer"].as_str(),
                o["subscription"].as_str(),
            )
            .await
        }
        "invoice.paid" => {
            let sub = pass_view::find_subscription(
                conn,
                uuid_at(metadata(o, "spymeoSubscriptionId")),
                o["subscription"].as_str(),
            )
            .await?;
            let plan = match metadata(o, "plan").as_str() {
                Some("ANNUAL") => PassPlan::Annual,
                Some("MONTHLY") => PassPlan::Monthly,
                _ => return Err(spymeo_core::Error::field("plan", "formule inconnue")),
            };
            let period = &o["lines"]["data"][0]["period"];
            let start = instant(&period["start"])
                .or_else(|| instant(&o["period_start"]))
                .unwrap_or(now);
            let end = instant(&period["end"])
                .or_else(|| instant(&o["period_end"]))
                .unwrap_or_else(|| period_end(start, plan));
            let amount = o["amount_paid"].as_i64().unwrap_or(0);
            let payment = pass::PaymentInput {
                provider_payment_id: o["id"]
                    .as_str()
                    .ok_or_else(|| spymeo_core::Error::field("id", "facture sans identifiant"))?
                    .to_owned(),
                plan,
                amount_cents: i32::try_from(amount).unwrap_or(0),
                period_start: start,
                period_end: end,
                paid_at: instant(&o["status_transitions"]["paid_at"]).unwrap_or(now),
                receipt_url: o["hosted_invoice_url"].as_str().map(str::to_owned),
            };
            pass_view::link_provider(
                conn,
                sub,
                o["customer"].as_str(),
                o["subscription"].as_str(),
            )
            .await?;
            pass::record_payment(conn, sub, &payment, now)
                .await
                .map(|_| ())
        }
        "invoice.payment_failed" => {
            let sub = pass_view::find_subscription(
                conn,
                uuid_at(metadata(o, "spymeoSubscriptionId")),
                o["subscription"].as_str(),
            )
            .await?;
            let id = o["id"]
                .as_str()
                .ok_or_else(|| spymeo_core::Error::field("id", "facture sans identifiant"))?;
            pass::record_failed_payment(conn, sub, id, now).await
        }
        "customer.subscription.deleted" => {
            let sub = pass_view::find_subscription(
                conn,
                uuid_at(metadata(o, "spymeoSubscriptionId")),
                o["id"].as_str(),
            )
            .await?;
            pass_view::provider_ended(conn, sub, now).await
        }
        // Other event types are stored (for the admin's event log) and acknowledged.
        _ => Ok(()),
    }
}

/// One billing period after `start`.
pub fn period_end(start: DateTime<Utc>, plan: PassPlan) -> DateTime<Utc> {
    let months = Months::new(u32::from(plan.months().unsigned_abs()));
    start.checked_add_months(months).unwrap_or(start)
}

/// The simulated hosted checkout exists outside staging and production only.
pub fn simulation_enabled(state: &AppState) -> bool {
    !state.environment().is_deployed()
}

fn unavailable() -> Error {
    Error::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "PAYMENT_UNAVAILABLE",
        "Le paiement en ligne est momentanément indisponible",
    )
}

/// What a checkout is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Product {
    Pass(PassPlan),
    ProMembership,
}

impl Product {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "PASS_MONTHLY" | "MONTHLY" => Product::Pass(PassPlan::Monthly),
            "PASS_ANNUAL" | "ANNUAL" => Product::Pass(PassPlan::Annual),
            "PRO_MEMBERSHIP" => Product::ProMembership,
            _ => return None,
        })
    }

    pub fn code(self) -> &'static str {
        match self {
            Product::Pass(PassPlan::Monthly) => "PASS_MONTHLY",
            Product::Pass(PassPlan::Annual) => "PASS_ANNUAL",
            Product::ProMembership => "PRO_MEMBERSHIP",
        }
    }
}

/// Starts a checkout: for the PASS a PENDING_PAYMENT subscription (409 PASS_ALREADY_ACTIVE
/// when one runs), then the provider's hosted page.
pub async fn start_checkout(
    state: &AppState,
    user: &CurrentUser,
    product: Product,
) -> Result<String> {
    match product {
        Product::Pass(plan) => {
            if !user.role.is_member_role() {
                return Err(Error::new(
                    StatusCode::CONFLICT,
                    "PASS_MEMBERS_ONLY",
                    "Le PASS est réservé aux membres",
                ));
            }
            let mut conn = state.pool.acquire().await?;
            pass::start_subscription(&mut conn, user.id, plan, Utc::now()).await?;
        }
        Product::ProMembership => {
            if !user.role.is_pro() || user.status != "PENDING_PAYMENT" {
                return Err(Error::new(
                    StatusCode::CONFLICT,
                    "NO_PENDING_MEMBERSHIP",
                    "Aucune adhésion en attente de paiement",
                ));
            }
        }
    }
    if !simulation_enabled(state) {
        return Err(unavailable());
    }
    Ok(format!("/payment/simulation?product={}", product.code()))
}

trait MemberRole {
    fn is_member_role(&self) -> bool;
}

impl MemberRole for Role {
    fn is_member_role(&self) -> bool {
        matches!(self, Role::FreeUser | Role::PassUser)
    }
}

#[derive(Debug, Deserialize)]
pub struct CheckoutRequest {
    pub product: Option<String>,
    pub plan: Option<String>,
}

fn product_of(req: &CheckoutRequest) -> Result<Product> {
    req.product
        .as_deref()
        .or(req.plan.as_deref())
        .and_then(Product::parse)
        .ok_or_else(|| crate::api::public::invalid("product"))
}

/// Starts a checkout (`{product}`): the PASS for members, the pending membership for pros.
#[utoipa::path(post, path = "/api/payment/create-checkout", tag = "payments",
    request_body = PayCheckoutRequest,
    responses(
        (status = 200, description = "La page de paiement", body = PayCheckout),
        (status = 409, description = "Produit non ouvert à ce compte ou PASS déjà actif (PASS_MEMBERS_ONLY, NO_PENDING_MEMBERSHIP, PASS_ALREADY_ACTIVE, FORBIDDEN)", body = crate::api::openapi::ErrorEnvelope),
        (status = 503, description = "Paiement en ligne indisponible (PAYMENT_UNAVAILABLE) ou base indisponible", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn create_checkout(
    State(state): State<AppState>,
    user: CurrentUser,
    Body(req): Body<CheckoutRequest>,
) -> Result<Json<PayCheckout>> {
    let product = product_of(&req)?;
    let url = start_checkout(&state, &user, product).await?;
    Ok(Json(PayCheckout { checkout_url: url }))
}

/// Starts the PASS checkout (`{plan}`).
#[utoipa::path(post, path = "/api/user/pass/checkout", tag = "payments",
    request_body = PayPassCheckoutRequest,
    responses(
        (status = 200, description = "La page de paiement", body = PayCheckout),
        (status = 409, description = "PASS déjà actif (PASS_ALREADY_ACTIVE)", body = crate::api::openapi::ErrorEnvelope),
        (status = 503, description = "Paiement en ligne indisponible (PAYMENT_UNAVAILABLE) ou base indisponible", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn pass_checkout(
    State(state): State<AppState>,
    user: CurrentUser,
    Body(req): Body<CheckoutRequest>,
) -> Result<Json<PayCheckout>> {
    let product = product_of(&req)?;
    if product == Product::ProMembership {
        return Err(crate::api::public::invalid("plan"));
    }
    let url = start_checkout(&state, &user, product).await?;
    Ok(Json(PayCheckout { checkout_url: url }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VerifyParams {
    /// L'identifiant de session de paiement rendu par la page de paiement.
    #[param(example = "cs_sim_0c8d3f1e2a4b4c5d9e8f7a6b5c4d3e2f")]
    pub session_id: Option<String>,
}

/// The checkout session id of our hosted pages (simulated: derived from our own ids).
pub fn session_id(product: Product, user_id: Uuid, subscription_id: Option<Uuid>) -> String {
    match (product, subscription_id) {
        (Product::Pass(_), Some(s)) => format!("cs_sim_{}", s.simple()),
        _ => format!("cs_sim_pro_{}", user_id.simple()),
    }
}

/// "paid" | "pending" | "failed" for one of the caller's checkout sessions; None when the
/// session is not the caller's.
pub async fn checkout_status(
    state: &AppState,
    user: &CurrentUser,
    session: &str,
) -> Result<Option<&'static str>> {
    if session == format!("cs_sim_pro_{}", user.id.simple()) {
        return Ok(Some(if user.status == "ACTIVE" {
            "paid"
        } else {
            "pending"
        }));
    }
    let Some(sub) = pass_view::state(&state.pool, user.id).await? else {
        return Ok(None);
    };
    if session != format!("cs_sim_{}", sub.id.simple()) {
        return Ok(None);
    }
    Ok(Some(match sub.status.as_str() {
        "ACTIVE" | "PAST_DUE" | "PAUSED" => "paid",
        "PENDING_PAYMENT" => "pending",
        _ => "failed",
    }))
}

/// The state of one of my checkout sessions (`?session_id`).
#[utoipa::path(get, path = "/api/payment/verify", tag = "payments",
    params(VerifyParams),
    responses(
        (status = 200, description = "État du paiement", body = PayCheckoutStatus),
        (status = 404, description = "Session absente ou pas la mienne (NOT_FOUND)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn verify_checkout(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(p): Query<VerifyParams>,
) -> Result<Json<PayCheckoutStatus>> {
    let session = p.session_id.unwrap_or_default();
    let status = checkout_status(&state, &user, &session)
        .await?
        .ok_or_else(Error::not_found)?;
    Ok(Json(PayCheckoutStatus { status }))
}

/// The events a provider sends after a successful hosted checkout, signed with our secret:
/// what the simulated checkout delivers through [`receive`].
pub fn checkout_events(
    product: Product,
    user_id: Uuid,
    subscription_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> Vec<Value> {
    let session = session_id(product, user_id, subscription_id);
    let evt = || format!("evt_sim_{}", Uuid::new_v4().simple());
    match (product, subscription_id) {
        (Product::Pass(plan), Some(sub)) => {
            let provider_sub = format!("sub_sim_{}", sub.simple());
            let customer = format!("cus_sim_{}", user_id.simple());
            let end = period_end(now, plan);
            let meta =
                json!({ "spymeoSubscriptionId": sub, "plan": plan, "product": product.code() });
            vec![
                json!({ "id": evt(), "type": "checkout.session.completed", "created": now.timestamp(),
                        "data": { "object": { "id": session, "object": "checkout.session", "mode": "subscription",
                            "client_reference_id": sub, "customer": customer, "subscription": provider_sub,
                            "metadata": meta } } }),
                json!({ "id": evt(), "type": "invoice.paid", "created": now.timestamp(),
                        "data": { "object": { "id": format!("in_sim_{}", Uuid::new_v4().simple()), "object": "invoice",
                            "customer": customer, "subscription": provider_sub,
                            "amount_paid": plan.price_cents(), "currency": "eur",
                            "status_transitions": { "paid_at": now.timestamp() },
                            "lines": { "data": [ { "period": { "start": now.timestamp(), "end": end.timestamp() } } ] },
                            "subscription_details": { "metadata": meta } } } }),
            ]
        }
        _ => vec![
            json!({ "id": evt(), "type": "checkout.session.completed", "created": now.timestamp(),
            "data": { "object": { "id": session, "object": "checkout.session", "mode": "payment",
                "client_reference_id": user_id, "metadata": { "product": "PRO_MEMBERSHIP" } } } }),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures() {
        let now = Utc::now();
        let body = br#"{"id":"evt_1"}"#;
        let header = sign("whsec_x", now.timestamp(), body);
        assert!(verify("whsec_x", &header, body, now).is_ok());
        assert!(verify("whsec_y", &header, body, now).is_err());
        assert!(verify("whsec_x", &header, br#"{"id":"evt_2"}"#, now).is_err());
        let old = sign("whsec_x", now.timestamp() - 301, body);
        assert!(verify("whsec_x", &old, body, now).is_err());
        assert!(verify("whsec_x", "v1=abc", body, now).is_err());
        // Several v1 values (secret rotation): one match is enough.
        let v1 = header.split_once("v1=").unwrap().1;
        let two = format!("t={},v1=00,v1={v1}", now.timestamp());
        assert!(verify("whsec_x", &two, body, now).is_ok());
    }

    #[test]
    fn periods() {
        let start = DateTime::parse_from_rfc3339("2026-01-31T10:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(
            period_end(start, PassPlan::Monthly).to_rfc3339(),
            "2026-02-28T10:00:00+00:00"
        );
        assert_eq!(
            period_end(start, PassPlan::Annual).to_rfc3339(),
            "2027-01-31T10:00:00+00:00"
        );
    }
}
