//! `/admin/pass` curation forms (monthly resources, discounts) and `/admin/impact`
//! (opportunities and applications), over `api::admin_content`.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{NaiveDate, TimeZone as _, Utc};
use serde::Deserialize;
use spymeo_core::db::admin_content::{self as db, ApplicationAdminRow, OpportunityAdminRow};
use spymeo_core::domain::{ApplicationStatus, OpportunityKind, PartnerKind, PassResourceType};
use uuid::Uuid;

use super::outcome::{back, checked};
use super::pro_forms::opt;
use super::{Ctx, Layout, render};
use crate::api::admin_content::{
    self as api, DiscountPatch, NewDiscount, NewOpportunity, NewResource, OpportunityPatch,
    ResourcePatch,
};
use crate::api::input::filter;
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::state::AppState;

fn required<T: std::str::FromStr<Err = spymeo_core::Error>>(
    v: String,
    what: &'static str,
) -> Result<T> {
    filter::<T>(&Some(v))?
        .ok_or_else(|| Error::new(StatusCode::BAD_REQUEST, "VALIDATION_FAILED", what))
}

#[derive(Debug, Deserialize)]
pub struct ResourceForm {
    #[serde(default)]
    pub title: String,
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub month: String,
    pub description: Option<String>,
    pub url: Option<String>,
    pub available_from: Option<String>,
}

pub async fn create_resource(
    State(state): State<AppState>,
    admin: CurrentUser,
    Form(f): Form<ResourceForm>,
) -> Result<Response> {
    let result = async {
        let kind: PassResourceType = required(f.kind, "Choisissez un type")?;
        let available_from = match opt(f.available_from) {
            Some(d) => {
                let day = NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| {
                    Error::new(
                        StatusCode::BAD_REQUEST,
                        "VALIDATION_FAILED",
                        "Date invalide",
                    )
                })?;
                let local = spymeo_core::domain::PARIS
                    .from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default());
                local.earliest().map(|t| t.with_timezone(&Utc))
            }
            None => None,
        };
        api::create_resource_action(
            &state,
            &admin,
            NewResource {
                title: f.title,
                kind,
                month: f.month,
                description: f.description,
                url: f.url,
                available_from,
                published: Some(true),
            },
        )
        .await
    }
    .await;
    back("/admin/pass", result, |_| "Ressource ajoutée.".into())
}

#[derive(Debug, Deserialize)]
pub struct ActionForm {
    pub action: String,
}

pub async fn resource_action(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
    Form(f): Form<ActionForm>,
) -> Result<Response> {
    let result = match f.action.as_str() {
        "publish" | "unpublish" => {
            let p = ResourcePatch {
                published: Some(f.action == "publish"),
                ..Default::default()
            };
            api::patch_resource_action(&state, &admin, id, p)
                .await
                .map(|_| "Ressource mise à jour.")
        }
        "delete" => api::delete_resource_action(&state, &admin, id)
            .await
            .map(|_| "Ressource supprimée."),
        _ => return Err(Error::not_found()),
    };
    back("/admin/pass", result, |m| (*m).to_owned())
}

#[derive(Debug, Deserialize)]
pub struct DiscountForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    pub city: Option<String>,
    #[serde(default)]
    pub rate_pct: String,
    pub conditions: Option<String>,
    #[serde(default)]
    pub href: String,
}

pub async fn create_discount(
    State(state): State<AppState>,
    admin: CurrentUser,
    Form(f): Form<DiscountForm>,
) -> Result<Response> {
    let result = async {
        let kind: PartnerKind = required(f.kind, "Choisissez un type de partenaire")?;
        let rate_pct = f.rate_pct.trim().parse::<i16>().map_err(|_| {
            Error::new(
                StatusCode::BAD_REQUEST,
                "VALIDATION_FAILED",
                "Taux invalide",
            )
        })?;
        api::create_discount_action(
            &state,
            &admin,
            NewDiscount {
                kind,
                name: f.name,
                city: f.city,
                rate_pct,
                conditions: f.conditions,
                href: f.href,
            },
        )
        .await
    }
    .await;
    back("/admin/pass", result, |_| "Réduction ajoutée.".into())
}

pub async fn discount_action(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
    Form(f): Form<ActionForm>,
) -> Result<Response> {
    let result = match f.action.as_str() {
        "activate" | "deactivate" => {
            let p = DiscountPatch {
                active: Some(f.action == "activate"),
                ..Default::default()
            };
            api::patch_discount_action(&state, &admin, id, p)
                .await
                .map(|_| "Réduction mise à jour.")
        }
        "delete" => api::delete_discount_action(&state, &admin, id)
            .await
            .map(|_| "Réduction supprimée."),
        _ => return Err(Error::not_found()),
    };
    back("/admin/pass", result, |m| (*m).to_owned())
}

// ---- /admin/impact ----

#[derive(Template)]
#[template(path = "admin/impact.html")]
pub struct ImpactPage {
    pub layout: Layout,
    pub opportunities: Vec<OpportunityAdminRow>,
    pub applications: Vec<ApplicationAdminRow>,
}

pub async fn impact(State(state): State<AppState>, ctx: Ctx) -> Result<Response> {
    let page = ImpactPage {
        layout: ctx.layout(&state, "Impact", "Opportunités et candidatures."),
        opportunities: db::opportunities(&state.pool).await?,
        applications: db::applications(&state.pool).await?,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Debug, Deserialize)]
pub struct OpportunityForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub company: String,
    pub location: Option<String>,
    #[serde(default)]
    pub description: String,
    pub apply_url: Option<String>,
}

pub async fn create_opportunity(
    State(state): State<AppState>,
    admin: CurrentUser,
    Form(f): Form<OpportunityForm>,
) -> Result<Response> {
    let result = async {
        let kind: OpportunityKind = required(f.kind, "Choisissez un type")?;
        api::create_opportunity_action(
            &state,
            &admin,
            NewOpportunity {
                kind,
                title: f.title,
                company: f.company,
                location: f.location,
                description: f.description,
                apply_url: f.apply_url,
            },
        )
        .await
    }
    .await;
    back("/admin/impact", result, |_| "Opportunité publiée.".into())
}

pub async fn opportunity_action(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
    Form(f): Form<ActionForm>,
) -> Result<Response> {
    let open = match f.action.as_str() {
        "open" => true,
        "close" => false,
        _ => return Err(Error::not_found()),
    };
    let result = api::patch_opportunity_action(
        &state,
        &admin,
        id,
        OpportunityPatch {
            open: Some(open),
            ..Default::default()
        },
    )
    .await;
    back("/admin/impact", result, |_| {
        if open {
            "Opportunité rouverte.".into()
        } else {
            "Opportunité fermée.".into()
        }
    })
}

#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    pub status: String,
}

pub async fn application(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
    Form(f): Form<DecisionForm>,
) -> Result<Response> {
    let result = async {
        let status: ApplicationStatus = required(f.status, "Décision manquante")?;
        api::application_action(&state, &admin, id, status).await
    }
    .await;
    back("/admin/impact", result, |_| "Candidature traitée.".into())
}

/// Whether a form's checkbox was ticked (re-exported for the templates' forms).
pub fn ticked(v: &Option<String>) -> bool {
    checked(v)
}
