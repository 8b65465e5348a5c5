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

use super::admin::actor;
use super::input::{Body, double_option, non_blank};
use super::shop::to_json;
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::state::AppState;

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

pub async fn resources(State(state): State<AppState>) -> Result<Json<Value>> {
    Ok(Json(to_json(&db::resources(&state.pool).await?)?))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewResource {
    #[serde(default)]
    pub title: String,
    #[serde(rename = "type")]
    pub kind: PassResourceType,
    #[serde(default)]
    pub month: String,
    pub description: Option<String>,
    pub url: Option<String>,
    pub available_from: Option<DateTime<Utc>>,
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

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResourcePatch {
    pub title: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<PassResourceType>,
    pub month: Option<String>,
    #[serde(default, with = "double_option")]
    pub description: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub url: Option<Option<String>>,
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
    let (_, row) = audited(
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
    Ok(row)
}

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

pub async fn delete_resource(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    delete_resource_action(&state, &admin, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- PASS discounts ----

pub async fn discounts(State(state): State<AppState>) -> Result<Json<Value>> {
    Ok(Json(to_json(&db::discounts(&state.pool).await?)?))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewDiscount {
    pub kind: PartnerKind,
    #[serde(default)]
    pub name: String,
    pub city: Option<String>,
    pub rate_pct: i16,
    pub conditions: Option<String>,
    #[serde(default)]
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

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DiscountPatch {
    pub kind: Option<PartnerKind>,
    pub name: Option<String>,
    #[serde(default, with = "double_option")]
    pub city: Option<Option<String>>,
    pub rate_pct: Option<i16>,
    #[serde(default, with = "double_option")]
    pub conditions: Option<Option<String>>,
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

pub async fn delete_discount(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    delete_discount_action(&state, &admin, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- impact ----

pub async fn opportunities(State(state): State<AppState>) -> Result<Json<Value>> {
    let opportunities = db::opportunities(&state.pool).await?;
    let applications = db::applications(&state.pool).await?;
    Ok(Json(
        json!({ "opportunities": to_json(&opportunities)?, "applications": to_json(&applications)? }),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewOpportunity {
    pub kind: OpportunityKind,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub company: String,
    pub location: Option<String>,
    #[serde(default)]
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

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OpportunityPatch {
    pub kind: Option<OpportunityKind>,
    pub title: Option<String>,
    pub company: Option<String>,
    #[serde(default, with = "double_option")]
    pub location: Option<Option<String>>,
    pub description: Option<String>,
    #[serde(default, with = "double_option")]
    pub apply_url: Option<Option<String>>,
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

pub async fn patch_opportunity(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
    Body(p): Body<OpportunityPatch>,
) -> Result<Json<Value>> {
    Ok(Json(patch_opportunity_action(&state, &admin, id, p).await?))
}

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

#[derive(Debug, Deserialize)]
pub struct ApplicationDecision {
    pub status: ApplicationStatus,
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
