//! `/api/admin/pass/resources`, `/api/admin/pass/discounts`, `/api/admin/impact/*` (DOMAIN.md
//! §6.15): what the admin curates, each change audited in its own transaction like every other
//! admin action.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use spymeo_core::db::admin_content as db;
use spymeo_core::db::audit::{self, AuditEntry};
use spymeo_core::db::community::{self, OpportunityInput};
use spymeo_core::db::pass::{self, ExternalDiscount, ResourceInput};
use spymeo_core::domain::{ApplicationStatus, OpportunityKind, PartnerKind, PassResourceType};
use uuid::Uuid;

use super::admin::{
    ApplicationStatusSchema, OpportunityKindSchema, PartnerKindSchema, PartnerRateSchema,
    PassResourceTypeSchema, actor,
};
use super::input::{Body, double_option, non_blank};
use super::shop::to_json;
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::state::AppState;

/// This module's part of the OpenAPI document (joined in `api::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    resources,
    create_resource,
    patch_resource,
    delete_resource,
    discounts,
    create_discount,
    patch_discount,
    delete_discount,
    opportunities,
    create_opportunity,
    patch_opportunity,
    delete_opportunity,
    patch_application,
))]
pub struct ApiDoc;

// ---- OpenAPI descriptions of the spymeo-core rows these handlers serialise ----

/// A PASS resource of the month (`db::admin_content::ResourceRow`).
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes what `db::admin_content::ResourceRow` serialises to
pub struct AdminPassResource {
    pub id: Uuid,
    pub title: String,
    #[serde(rename = "type")]
    #[schema(value_type = PassResourceTypeSchema)]
    pub kind: PassResourceType,
    /// `YYYY-MM`.
    #[schema(example = "2026-12")]
    pub month: String,
    pub description: Option<String>,
    pub url: Option<String>,
    pub available_from: DateTime<Utc>,
    pub published: bool,
}

/// A PASS discount: an external partner's, or a pro's own (`partnerUserId` set).
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes what `db::admin_content::DiscountRow` serialises to
pub struct AdminPassDiscount {
    pub id: Uuid,
    /// The partner pro's account; null for an external partner.
    pub partner_user_id: Option<Uuid>,
    #[schema(value_type = PartnerKindSchema)]
    pub kind: PartnerKind,
    pub name: String,
    pub city: Option<String>,
    #[schema(value_type = PartnerRateSchema)]
    pub rate_pct: i16,
    pub conditions: Option<String>,
    pub href: String,
    pub active: bool,
}

/// An impact opportunity with its number of applications (`OpportunityAdminRow`).
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes what `db::admin_content::OpportunityAdminRow` serialises to
pub struct AdminOpportunity {
    pub id: Uuid,
    #[schema(value_type = OpportunityKindSchema)]
    pub kind: OpportunityKind,
    pub title: String,
    pub company: String,
    pub location: Option<String>,
    pub description: String,
    pub apply_url: Option<String>,
    pub open: bool,
    pub applications: i64,
    pub created_at: DateTime<Utc>,
}

/// A pro's application to an opportunity (`ApplicationAdminRow`).
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes what `db::admin_content::ApplicationAdminRow` serialises to
pub struct AdminImpactApplication {
    pub id: Uuid,
    pub opportunity_id: Uuid,
    pub opportunity_title: String,
    pub user_id: Uuid,
    /// The applicant's public name.
    pub applicant: String,
    pub email: String,
    pub message: Option<String>,
    #[schema(value_type = ApplicationStatusSchema)]
    pub status: ApplicationStatus,
    pub created_at: DateTime<Utc>,
}

/// `GET /api/admin/impact/opportunities`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes what `opportunities` writes
pub struct AdminImpact {
    pub opportunities: Vec<AdminOpportunity>,
    pub applications: Vec<AdminImpactApplication>,
}

/// An application after the decision.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes what `application_action` returns
pub struct AdminApplicationOut {
    pub id: Uuid,
    #[schema(value_type = ApplicationStatusSchema)]
    pub status: ApplicationStatus,
}

async fn audited<F>(
    state: &AppState,
    admin: &CurrentUser,
    action: &str,
    target_type: &str,
    target_id: Option<Uuid>,
    before: Option<Value>,
    work: F,
) -> Result<(Uuid, Value)>
where
    F: AsyncFnOnce(&mut sqlx::PgConnection) -> Result<(Uuid, Value)>,
{
    let now = Utc::now();
    let mut tx = state.pool.begin().await?;
    let (id, after) = work(&mut tx).await?;
    let entry = AuditEntry {
        action,
        target_type,
        target_id: target_id.or(Some(id)),
        before,
        after: (!after.is_null()).then(|| after.clone()),
        note: None,
    };
    audit::record(&mut tx, &actor(admin), &entry, now).await?;
    tx.commit().await?;
    Ok((id, after))
}

// ---- PASS resources ----

/// Every PASS resource, latest month first.
#[utoipa::path(get, path = "/api/admin/pass/resources", tag = "admin",
    responses((status = 200, description = "Ressources PASS", body = Vec<AdminPassResource>)))]
pub async fn resources(State(state): State<AppState>) -> Result<Json<Value>> {
    Ok(Json(to_json(&db::resources(&state.pool).await?)?))
}

/// A new PASS resource (blank optional texts are dropped).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = AdminNewPassResource)]
pub struct NewResource {
    #[serde(default)]
    #[schema(required = true, min_length = 1, pattern = r"\S")]
    pub title: String,
    #[serde(rename = "type")]
    #[schema(value_type = PassResourceTypeSchema)]
    pub kind: PassResourceType,
    /// `YYYY-MM` (surrounding spaces ignored).
    #[serde(default)]
    #[schema(
        required = true,
        pattern = r"^\s*[0-9]{4}-(0[1-9]|1[0-2])\s*$",
        example = "2026-12"
    )]
    pub month: String,
    pub description: Option<String>,
    pub url: Option<String>,
    /// Default: now. RFC 3339 (the pattern says what parses; days 29–31 left out).
    #[schema(
        pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
    )]
    pub available_from: Option<DateTime<Utc>>,
    /// Default: true.
    pub published: Option<bool>,
}

pub async fn create_resource_action(
    state: &AppState,
    admin: &CurrentUser,
    n: NewResource,
) -> Result<Value> {
    if n.title.trim().is_empty() {
        return Err(spymeo_core::Error::field("title", "titre requis").into());
    }
    let input = ResourceInput {
        title: n.title.trim().to_owned(),
        kind: n.kind,
        month: n.month.trim().to_owned(),
        description: non_blank(n.description),
        url: non_blank(n.url),
        storage_key: None,
        available_from: n.available_from.unwrap_or_else(Utc::now),
        published: n.published.unwrap_or(true),
    };
    let (_, row) = audited(
        state,
        admin,
        "pass_resource.create",
        "pass_resource",
        None,
        None,
        async |c| {
            let id = pass::create_resource(c, &input, Utc::now()).await?;
            let r = db::resource(c, id).await?;
            Ok((id, to_json(&r)?))
        },
    )
    .await?;
    Ok(row)
}

/// Adds a PASS resource (audited).
#[utoipa::path(post, path = "/api/admin/pass/resources", tag = "admin",
    request_body = NewResource,
    responses((status = 201, description = "Ressource créée", body = AdminPassResource)))]
pub async fn create_resource(
    State(state): State<AppState>,
    admin: CurrentUser,
    Body(n): Body<NewResource>,
) -> Result<(StatusCode, Json<Value>)> {
    Ok((
        StatusCode::CREATED,
        Json(create_resource_action(&state, &admin, n).await?),
    ))
}

/// A partial PASS resource: absent = unchanged; null or blank clears an optional text.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = AdminPassResourcePatch)]
pub struct ResourcePatch {
    #[schema(min_length = 1, pattern = r"\S")]
    pub title: Option<String>,
    #[serde(rename = "type")]
    #[schema(value_type = Option<PassResourceTypeSchema>)]
    pub kind: Option<PassResourceType>,
    /// `YYYY-MM`.
    #[schema(pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$", example = "2026-12")]
    pub month: Option<String>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, nullable)]
    pub description: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, nullable)]
    pub url: Option<Option<String>>,
    #[schema(
        pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
    )]
    pub available_from: Option<DateTime<Utc>>,
    pub published: Option<bool>,
}

pub async fn patch_resource_action(
    state: &AppState,
    admin: &CurrentUser,
    id: Uuid,
    p: ResourcePatch,
) -> Result<Value> {
    let before = {
        let mut conn = state.pool.acquire().await?;
        db::resource(&mut conn, id).await?
    };
    audited(
        state,
        admin,
        "pass_resource.update",
        "pass_resource",
        Some(id),
        Some(before.snapshot()),
        async |c| {
            let mut r = db::resource(c, id).await?;
            r.title = p.title.unwrap_or(r.title);
            r.kind = p.kind.unwrap_or(r.kind);
            r.month = p.month.unwrap_or(r.month);
            if let Some(d) = p.description {
                r.description = non_blank(d);
            }
            if let Some(u) = p.url {
                r.url = non_blank(u);
            }
            r.available_from = p.available_from.unwrap_or(r.available_from);
            r.published = p.published.unwrap_or(r.published);
            db::update_resource(c, &r).await?;
            Ok((id, db::resource(c, id).await?.snapshot()))
        },
    )
    .await?;
    // The log keeps the snapshot; the caller gets the whole resource, like the other PATCHes.
    let mut conn = state.pool.acquire().await?;
    to_json(&db::resource(&mut conn, id).await?)
}

/// Edits, publishes or unpublishes a PASS resource (audited).
#[utoipa::path(patch, path = "/api/admin/pass/resources/{id}", tag = "admin",
    params(("id" = Uuid, Path, description = "Ressource PASS")),
    request_body = ResourcePatch,
    responses((status = 200, description = "La ressource modifiée", body = AdminPassResource)))]
pub async fn patch_resource(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
    Body(p): Body<ResourcePatch>,
) -> Result<Json<Value>> {
    Ok(Json(patch_resource_action(&state, &admin, id, p).await?))
}

pub async fn delete_resource_action(state: &AppState, admin: &CurrentUser, id: Uuid) -> Result<()> {
    let before = {
        let mut conn = state.pool.acquire().await?;
        db::resource(&mut conn, id).await?
    };
    audited(
        state,
        admin,
        "pass_resource.delete",
        "pass_resource",
        Some(id),
        Some(before.snapshot()),
        async |c| {
            db::delete_resource(c, id).await?;
            Ok((id, Value::Null))
        },
    )
    .await?;
    Ok(())
}

/// Deletes a PASS resource (audited).
#[utoipa::path(delete, path = "/api/admin/pass/resources/{id}", tag = "admin",
    params(("id" = Uuid, Path, description = "Ressource PASS")),
    responses((status = 204, description = "Ressource supprimée")))]
pub async fn delete_resource(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    delete_resource_action(&state, &admin, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- PASS discounts ----

/// Every PASS discount, external partners' and pros' own, by name.
#[utoipa::path(get, path = "/api/admin/pass/discounts", tag = "admin",
    responses((status = 200, description = "Réductions PASS", body = Vec<AdminPassDiscount>)))]
pub async fn discounts(State(state): State<AppState>) -> Result<Json<Value>> {
    Ok(Json(to_json(&db::discounts(&state.pool).await?)?))
}

/// An external partner's discount (no account).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = AdminNewPassDiscount)]
pub struct NewDiscount {
    #[schema(value_type = PartnerKindSchema)]
    pub kind: PartnerKind,
    #[serde(default)]
    #[schema(required = true, min_length = 1, pattern = r"\S")]
    pub name: String,
    pub city: Option<String>,
    #[schema(value_type = PartnerRateSchema)]
    pub rate_pct: i16,
    pub conditions: Option<String>,
    /// The partner's page.
    #[serde(default)]
    #[schema(required = true, min_length = 1, pattern = r"\S")]
    pub href: String,
}

pub async fn create_discount_action(
    state: &AppState,
    admin: &CurrentUser,
    n: NewDiscount,
) -> Result<Value> {
    if n.name.trim().is_empty() || n.href.trim().is_empty() {
        return Err(spymeo_core::Error::field("name", "nom et lien requis").into());
    }
    let d = ExternalDiscount {
        kind: n.kind,
        name: n.name.trim().to_owned(),
        city: non_blank(n.city),
        rate_pct: n.rate_pct,
        conditions: non_blank(n.conditions),
        href: n.href.trim().to_owned(),
    };
    let (_, row) = audited(
        state,
        admin,
        "pass_discount.create",
        "pass_discount",
        None,
        None,
        async |c| {
            let id = pass::create_external_discount(c, &d).await?;
            Ok((id, to_json(&db::discount(c, id).await?)?))
        },
    )
    .await?;
    Ok(row)
}

/// Adds an external partner's discount (audited).
#[utoipa::path(post, path = "/api/admin/pass/discounts", tag = "admin",
    request_body = NewDiscount,
    responses((status = 201, description = "Réduction créée", body = AdminPassDiscount)))]
pub async fn create_discount(
    State(state): State<AppState>,
    admin: CurrentUser,
    Body(n): Body<NewDiscount>,
) -> Result<(StatusCode, Json<Value>)> {
    Ok((
        StatusCode::CREATED,
        Json(create_discount_action(&state, &admin, n).await?),
    ))
}

/// A partial discount: absent = unchanged. A pro's own discount only takes `active` here
/// (its other fields are ignored: they follow the pro's settings).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = AdminPassDiscountPatch)]
pub struct DiscountPatch {
    #[schema(value_type = Option<PartnerKindSchema>)]
    pub kind: Option<PartnerKind>,
    #[schema(min_length = 1, pattern = r"\S")]
    pub name: Option<String>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, nullable)]
    pub city: Option<Option<String>>,
    /// Ignored for a pro's own discount.
    #[schema(value_type = Option<PartnerRateSchema>)]
    pub rate_pct: Option<i16>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, nullable)]
    pub conditions: Option<Option<String>>,
    #[schema(min_length = 1, pattern = r"\S")]
    pub href: Option<String>,
    pub active: Option<bool>,
}

pub async fn patch_discount_action(
    state: &AppState,
    admin: &CurrentUser,
    id: Uuid,
    p: DiscountPatch,
) -> Result<Value> {
    let before = {
        let mut conn = state.pool.acquire().await?;
        db::discount(&mut conn, id).await?
    };
    let (_, row) = audited(
        state,
        admin,
        "pass_discount.update",
        "pass_discount",
        Some(id),
        Some(before.snapshot()),
        async |c| {
            let cur = db::discount(c, id).await?;
            let mut next = cur.clone();
            next.kind = p.kind.unwrap_or(next.kind);
            next.name = p.name.unwrap_or(next.name);
            if let Some(v) = p.city {
                next.city = non_blank(v);
            }
            next.rate_pct = p.rate_pct.unwrap_or(next.rate_pct);
            if let Some(v) = p.conditions {
                next.conditions = non_blank(v);
            }
            next.href = p.href.unwrap_or(next.href);
            next.active = p.active.unwrap_or(next.active);
            db::update_discount(c, &cur, &next).await?;
            Ok((id, to_json(&db::discount(c, id).await?)?))
        },
    )
    .await?;
    Ok(row)
}

/// Edits a discount, or switches a pro's own one on or off (audited).
#[utoipa::path(patch, path = "/api/admin/pass/discounts/{id}", tag = "admin",
    params(("id" = Uuid, Path, description = "Réduction PASS")),
    request_body = DiscountPatch,
    responses((status = 200, description = "La réduction modifiée", body = AdminPassDiscount)))]
pub async fn patch_discount(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
    Body(p): Body<DiscountPatch>,
) -> Result<Json<Value>> {
    Ok(Json(patch_discount_action(&state, &admin, id, p).await?))
}

pub async fn delete_discount_action(state: &AppState, admin: &CurrentUser, id: Uuid) -> Result<()> {
    let before = {
        let mut conn = state.pool.acquire().await?;
        db::discount(&mut conn, id).await?
    };
    audited(
        state,
        admin,
        "pass_discount.delete",
        "pass_discount",
        Some(id),
        Some(before.snapshot()),
        async |c| {
            db::delete_discount(c, &before).await?;
            Ok((id, Value::Null))
        },
    )
    .await?;
    Ok(())
}

/// Deletes an external partner's discount (audited).
#[utoipa::path(delete, path = "/api/admin/pass/discounts/{id}", tag = "admin",
    params(("id" = Uuid, Path, description = "Réduction PASS")),
    responses(
        (status = 204, description = "Réduction supprimée"),
        (status = 409, description = "Réduction d'un pro partenaire : à désactiver (DISCOUNT_IS_PARTNERS)",
            body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn delete_discount(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    delete_discount_action(&state, &admin, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- impact ----

/// Every impact opportunity and every application.
#[utoipa::path(get, path = "/api/admin/impact/opportunities", tag = "admin",
    responses((status = 200, description = "Opportunités et candidatures", body = AdminImpact)))]
pub async fn opportunities(State(state): State<AppState>) -> Result<Json<Value>> {
    let opportunities = db::opportunities(&state.pool).await?;
    let applications = db::applications(&state.pool).await?;
    Ok(Json(
        json!({ "opportunities": to_json(&opportunities)?, "applications": to_json(&applications)? }),
    ))
}

/// A new impact opportunity (blank optional texts are dropped).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = AdminNewOpportunity)]
pub struct NewOpportunity {
    #[schema(value_type = OpportunityKindSchema)]
    pub kind: OpportunityKind,
    #[serde(default)]
    #[schema(required = true, min_length = 1, pattern = r"\S")]
    pub title: String,
    #[serde(default)]
    #[schema(required = true, min_length = 1, pattern = r"\S")]
    pub company: String,
    pub location: Option<String>,
    #[serde(default)]
    #[schema(required = true, min_length = 1, pattern = r"\S")]
    pub description: String,
    pub apply_url: Option<String>,
}

pub async fn create_opportunity_action(
    state: &AppState,
    admin: &CurrentUser,
    n: NewOpportunity,
) -> Result<Value> {
    if n.title.trim().is_empty() || n.company.trim().is_empty() || n.description.trim().is_empty() {
        return Err(
            spymeo_core::Error::field("title", "titre, structure et description requis").into(),
        );
    }
    let input = OpportunityInput {
        kind: n.kind,
        title: n.title.trim().to_owned(),
        company: n.company.trim().to_owned(),
        location: non_blank(n.location),
        description: n.description.trim().to_owned(),
        apply_url: non_blank(n.apply_url),
    };
    let (_, row) = audited(
        state,
        admin,
        "impact.create",
        "impact_opportunity",
        None,
        None,
        async |c| {
            let id = community::create_opportunity(c, admin.id, &input, Utc::now()).await?;
            Ok((id, to_json(&db::opportunity(c, id).await?)?))
        },
    )
    .await?;
    Ok(row)
}

/// Publishes an impact opportunity (audited).
#[utoipa::path(post, path = "/api/admin/impact/opportunities", tag = "admin",
    request_body = NewOpportunity,
    responses((status = 201, description = "Opportunité créée", body = AdminOpportunity)))]
pub async fn create_opportunity(
    State(state): State<AppState>,
    admin: CurrentUser,
    Body(n): Body<NewOpportunity>,
) -> Result<(StatusCode, Json<Value>)> {
    Ok((
        StatusCode::CREATED,
        Json(create_opportunity_action(&state, &admin, n).await?),
    ))
}

/// A partial opportunity: absent = unchanged; null or blank clears an optional text.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = AdminOpportunityPatch)]
pub struct OpportunityPatch {
    #[schema(value_type = Option<OpportunityKindSchema>)]
    pub kind: Option<OpportunityKind>,
    #[schema(min_length = 1, pattern = r"\S")]
    pub title: Option<String>,
    #[schema(min_length = 1, pattern = r"\S")]
    pub company: Option<String>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, nullable)]
    pub location: Option<Option<String>>,
    #[schema(min_length = 1, pattern = r"\S")]
    pub description: Option<String>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, nullable)]
    pub apply_url: Option<Option<String>>,
    /// Closed opportunities take no more applications.
    pub open: Option<bool>,
}

pub async fn patch_opportunity_action(
    state: &AppState,
    admin: &CurrentUser,
    id: Uuid,
    p: OpportunityPatch,
) -> Result<Value> {
    let before = {
        let mut conn = state.pool.acquire().await?;
        db::opportunity(&mut conn, id).await?
    };
    let (_, row) = audited(
        state,
        admin,
        "impact.update",
        "impact_opportunity",
        Some(id),
        Some(before.snapshot()),
        async |c| {
            let mut o = db::opportunity(c, id).await?;
            o.kind = p.kind.unwrap_or(o.kind);
            o.title = p.title.unwrap_or(o.title);
            o.company = p.company.unwrap_or(o.company);
            if let Some(v) = p.location {
                o.location = non_blank(v);
            }
            o.description = p.description.unwrap_or(o.description);
            if let Some(v) = p.apply_url {
                o.apply_url = non_blank(v);
            }
            o.open = p.open.unwrap_or(o.open);
            db::update_opportunity(c, &o).await?;
            Ok((id, to_json(&db::opportunity(c, id).await?)?))
        },
    )
    .await?;
    Ok(row)
}

/// Edits, opens or closes an opportunity (audited).
#[utoipa::path(patch, path = "/api/admin/impact/opportunities/{id}", tag = "admin",
    params(("id" = Uuid, Path, description = "Opportunité")),
    request_body = OpportunityPatch,
    responses((status = 200, description = "L'opportunité modifiée", body = AdminOpportunity)))]
pub async fn patch_opportunity(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
    Body(p): Body<OpportunityPatch>,
) -> Result<Json<Value>> {
    Ok(Json(patch_opportunity_action(&state, &admin, id, p).await?))
}

/// Deletes an opportunity and its applications (audited).
#[utoipa::path(delete, path = "/api/admin/impact/opportunities/{id}", tag = "admin",
    params(("id" = Uuid, Path, description = "Opportunité")),
    responses((status = 204, description = "Opportunité supprimée")))]
pub async fn delete_opportunity(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    let before = {
        let mut conn = state.pool.acquire().await?;
        db::opportunity(&mut conn, id).await?
    };
    audited(
        &state,
        &admin,
        "impact.delete",
        "impact_opportunity",
        Some(id),
        Some(before.snapshot()),
        async |c| {
            db::delete_opportunity(c, id).await?;
            Ok((id, Value::Null))
        },
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The decision on a PENDING application.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = AdminApplicationDecision)]
pub struct ApplicationDecision {
    /// PENDING is refused (409 INVALID_TRANSITION).
    #[schema(value_type = ApplicationVerdict, inline)]
    pub status: ApplicationStatus,
}

/// The statuses an admin may give an application.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(dead_code)] // describes the values of `ApplicationDecision::status` that succeed
enum ApplicationVerdict {
    Approved,
    Rejected,
}

pub async fn application_action(
    state: &AppState,
    admin: &CurrentUser,
    id: Uuid,
    status: ApplicationStatus,
) -> Result<Value> {
    let before = {
        let mut conn = state.pool.acquire().await?;
        db::application_status(&mut conn, id).await?
    };
    if before != ApplicationStatus::Pending || status == ApplicationStatus::Pending {
        return Err(Error::new(
            StatusCode::CONFLICT,
            "INVALID_TRANSITION",
            "Cette candidature a déjà été traitée",
        ));
    }
    let (_, row) = audited(
        state,
        admin,
        "impact.application",
        "impact_application",
        Some(id),
        Some(json!({"status": before})),
        async |c| {
            community::set_application_status(c, id, status).await?;
            Ok((id, json!({"id": id, "status": status})))
        },
    )
    .await?;
    Ok(row)
}

/// Accepts or declines an impact application (audited).
#[utoipa::path(patch, path = "/api/admin/impact/applications/{id}", tag = "admin",
    params(("id" = Uuid, Path, description = "Candidature")),
    request_body = ApplicationDecision,
    responses(
        (status = 200, description = "La candidature après décision", body = AdminApplicationOut),
        (status = 409, description = "Candidature déjà traitée (INVALID_TRANSITION)",
            body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn patch_application(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
    Body(d): Body<ApplicationDecision>,
) -> Result<Json<Value>> {
    Ok(Json(
        application_action(&state, &admin, id, d.status).await?,
    ))
}
