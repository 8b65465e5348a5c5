//! The artisan space `/pro/artisan/*` (DOMAIN.md §8.3): services catalogue with status,
//! orders with their transitions, clients, over the `/api/pro/artisan/*` action functions.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use spymeo_core::db::artisan::{self as db, ServiceRow};
use spymeo_core::db::listing::{Page, Paging};
use spymeo_core::db::shop::{self, ClientRow, OrderFilter, OrderRow, Shop};
use spymeo_core::domain::{ArtisanOrderStatus, CatalogStatus, PaymentMethod};
use uuid::Uuid;

use super::merchant::{ClientForm, OrderForm, create_client_for, form_items};
use super::outcome::back;
use super::pro_forms::{euros_to_cents, vat_from_percent};
use super::{Ctx, Layout, render};
use crate::api::artisan::{
    self as api, NewOrderInput, NewService, ServicePatch, StatusChange, artisan_id,
};
use crate::api::input::{Params, filter};
use crate::api::shop::ListQuery;
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::state::AppState;

/// §7.5 artisan transitions with their labels.
pub fn next_steps(status: &str) -> Vec<(&'static str, &'static str)> {
    match status {
        "PENDING" => vec![("CONFIRMED", "Confirmer"), ("CANCELLED", "Annuler")],
        "CONFIRMED" => vec![("PAID", "Encaisser"), ("CANCELLED", "Annuler")],
        "PAID" => vec![
            ("COMPLETED", "Marquer réalisée"),
            ("CANCELLED", "Annuler (remboursement)"),
        ],
        _ => vec![],
    }
}

#[derive(Template)]
#[template(path = "artisan/services.html")]
pub struct ServicesPage {
    pub layout: Layout,
    pub services: Page<ServiceRow>,
    pub status: String,
    pub statuses: &'static [CatalogStatus],
}

pub async fn services(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Params(q): Params<ListQuery>,
) -> Result<Response> {
    let a = artisan_id(&state, &user).await?;
    let status: Option<CatalogStatus> = filter(&q.status)?;
    let services = db::services(
        &state.pool,
        a,
        status,
        q.q.as_deref(),
        Paging::new(q.page, Some(100)),
    )
    .await?;
    let page = ServicesPage {
        layout: ctx.layout(&state, "Mes prestations", "Catalogue de services."),
        services,
        status: q.status.unwrap_or_default(),
        statuses: CatalogStatus::ALL,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "artisan/service_form.html")]
pub struct ServiceFormPage {
    pub layout: Layout,
    pub statuses: &'static [CatalogStatus],
}

pub async fn new_service(State(state): State<AppState>, ctx: Ctx) -> Response {
    render(
        StatusCode::OK,
        &ServiceFormPage {
            layout: ctx.layout(&state, "Nouvelle prestation", "Ajouter une prestation."),
            statuses: CatalogStatus::ALL,
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct ServiceForm {
    #[serde(default)]
    pub title: String,
    pub description: Option<String>,
    pub category: Option<String>,
    #[serde(default)]
    pub price: String,
    #[serde(default)]
    pub vat: String,
    pub duration_min: Option<String>,
    pub status: Option<String>,
}

pub async fn create_service(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<ServiceForm>,
) -> Result<Response> {
    let result = async {
        let duration_min = match f
            .duration_min
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(d) => Some(d.parse::<i16>().map_err(|_| {
                Error::new(
                    StatusCode::BAD_REQUEST,
                    "VALIDATION_FAILED",
                    "Durée invalide (minutes)",
                )
            })?),
            None => None,
        };
        api::create_service_action(
            &state,
            &user,
            NewService {
                title: f.title,
                description: f.description,
                category: f.category,
                price_ttc_cents: euros_to_cents("price", &f.price)?,
                vat_rate_bp: vat_from_percent(&f.vat)?,
                duration_min,
                images: vec![],
                status: filter(&f.status)?,
            },
        )
        .await
    }
    .await;
    match result {
        Ok(_) => back("/pro/artisan/catalogue/services", Ok(()), |_| {
            "Prestation créée.".into()
        }),
        Err(e) => back(
            "/pro/artisan/catalogue/services/nouveau",
            Err::<(), _>(e),
            |_| String::new(),
        ),
    }
}

#[derive(Debug, Deserialize)]
pub struct StatusForm {
    pub status: String,
}

pub async fn service_status(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Form(f): Form<StatusForm>,
) -> Result<Response> {
    let status: Option<CatalogStatus> = filter(&Some(f.status))?;
    let result = api::patch_service_action(
        &state,
        &user,
        id,
        ServicePatch {
            status,
            ..Default::default()
        },
    )
    .await;
    back("/pro/artisan/catalogue/services", result, |s| {
        format!(
            "« {} » : {}.",
            s.title,
            super::merchant::catalog_label(&s.status).to_lowercase()
        )
    })
}

#[derive(Template)]
#[template(path = "artisan/orders.html")]
pub struct OrdersPage {
    pub layout: Layout,
    pub orders: Page<OrderRow>,
    pub status: String,
    pub services: Vec<ServiceRow>,
    pub clients: Vec<ClientRow>,
    pub methods: &'static [(&'static str, &'static str)],
}

pub async fn orders(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Params(q): Params<ListQuery>,
) -> Result<Response> {
    let a = artisan_id(&state, &user).await?;
    let status = q.status.clone().filter(|s| !s.is_empty());
    let f = OrderFilter {
        status: status.clone(),
        ..Default::default()
    };
    let orders = shop::orders(
        &state.pool,
        Shop::Artisan,
        a,
        &f,
        Paging::new(q.page, Some(50)),
    )
    .await?;
    let services = db::services(
        &state.pool,
        a,
        Some(CatalogStatus::Active),
        None,
        Paging::new(None, Some(100)),
    )
    .await?
    .items;
    let clients = shop::clients(
        &state.pool,
        Shop::Artisan,
        a,
        None,
        Paging::new(None, Some(100)),
    )
    .await?
    .items;
    let page = OrdersPage {
        layout: ctx.layout(&state, "Commandes", "Commandes de prestations."),
        orders,
        status: status.unwrap_or_default(),
        services,
        clients,
        methods: super::merchant::METHODS,
    };
    Ok(render(StatusCode::OK, &page))
}

pub async fn create_order(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<OrderForm>,
) -> Result<Response> {
    let result = async {
        let items = form_items([
            (&f.product_1, &f.quantity_1),
            (&f.product_2, &f.quantity_2),
            (&f.product_3, &f.quantity_3),
        ])?;
        let client_id = match f.client_id.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => Some(s.parse::<Uuid>().map_err(|_| Error::not_found())?),
            None => None,
        };
        api::create_order_action(
            &state,
            &user,
            NewOrderInput {
                client_id,
                customer_name: f.customer_name,
                customer_email: f.customer_email,
                scheduled_for: None,
                items,
                notes: f.notes,
            },
        )
        .await
    }
    .await;
    back("/pro/artisan/ventes/commandes", result, |v| {
        format!(
            "Commande {} créée.",
            v["orderNumber"].as_str().unwrap_or_default()
        )
    })
}

#[derive(Debug, Deserialize)]
pub struct OrderStatusForm {
    pub status: String,
    pub payment_method: Option<String>,
}

pub async fn order_status(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Form(f): Form<OrderStatusForm>,
) -> Result<Response> {
    let result = async {
        let status: ArtisanOrderStatus = filter(&Some(f.status))?.ok_or_else(Error::not_found)?;
        let payment_method: Option<PaymentMethod> = filter(&f.payment_method)?;
        api::set_status_action(
            &state,
            &user,
            id,
            StatusChange {
                status,
                payment_method,
                paid_at: None,
            },
        )
        .await
    }
    .await;
    back("/pro/artisan/ventes/commandes", result, |v| {
        format!(
            "Commande {} : {}.",
            v["orderNumber"].as_str().unwrap_or_default(),
            super::merchant::order_label(v["status"].as_str().unwrap_or_default()).to_lowercase()
        )
    })
}

pub async fn clients(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Params(q): Params<ListQuery>,
) -> Result<Response> {
    super::merchant::clients_page(&state, &ctx, &user, Shop::Artisan, q).await
}

pub async fn create_client(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<ClientForm>,
) -> Result<Response> {
    create_client_for(&state, &user, Shop::Artisan, f).await
}

pub async fn delete_client(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response> {
    let result = crate::api::shop::delete_client(&state, &user, Shop::Artisan, id).await;
    back("/pro/artisan/clients", result, |_| {
        "Client supprimé.".into()
    })
}
