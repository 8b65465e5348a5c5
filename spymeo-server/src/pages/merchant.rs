//! The merchant space `/pro/commercant/*` (DOMAIN.md §8.3): products, stock and its journal,
//! orders with their transitions, clients. Forms post to handlers that call the same action
//! functions as `/api/pro/commercant/*`.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use spymeo_core::db::listing::{Page, Paging};
use spymeo_core::db::merchant::{self as db, MovementFilter, MovementRow, ProductRow, StockLevel};
use spymeo_core::db::shop::{self, ClientRow, OrderDetail, OrderFilter, OrderRow, Shop};
use spymeo_core::domain::{CatalogStatus, MerchantOrderStatus, PaymentMethod, StockMovementType};
use uuid::Uuid;

use super::outcome::back;
use super::pro_forms::{euros_to_cents, opt, vat_from_percent};
use super::{Ctx, Layout, euros, render};
use crate::api::input::{Params, filter};
use crate::api::merchant::{
    self as api, NewMovement, NewOrderInput, NewProduct, ProductPatch, ProductsQuery, StatusChange,
    merchant_id,
};
use crate::api::shop::{ClientInput, ItemInput, ListQuery};
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::state::AppState;

pub fn money(c: &i32) -> String {
    euros(i64::from(*c))
}

pub fn vat(bp: &i16) -> String {
    let bp = *bp;
    if bp % 100 == 0 {
        format!("{} %", bp / 100)
    } else {
        format!("{},{} %", bp / 100, (bp % 100) / 10)
    }
}

pub fn order_label(s: &str) -> &'static str {
    match s {
        "PENDING" => "En attente",
        "CONFIRMED" => "Confirmée",
        "PAID" => "Payée",
        "SHIPPED" => "Expédiée",
        "DELIVERED" => "Livrée",
        "COMPLETED" => "Terminée",
        "CANCELLED" => "Annulée",
        "REFUNDED" => "Remboursée",
        _ => "—",
    }
}

pub fn catalog_label(s: &CatalogStatus) -> &'static str {
    match s {
        CatalogStatus::Draft => "Brouillon",
        CatalogStatus::Active => "En ligne",
        CatalogStatus::Paused => "En pause",
        CatalogStatus::Archived => "Archivé",
    }
}

pub fn movement_label(k: &StockMovementType) -> &'static str {
    match k {
        StockMovementType::In => "Entrée",
        StockMovementType::Out => "Sortie",
        StockMovementType::Adjustment => "Inventaire",
    }
}

/// The transitions a merchant can take from a status (§7.5), with their button labels.
pub fn next_steps(status: &str) -> Vec<(&'static str, &'static str)> {
    match status {
        "PENDING" => vec![("PAID", "Encaisser"), ("CANCELLED", "Annuler")],
        "PAID" => vec![
            ("SHIPPED", "Expédier"),
            ("REFUNDED", "Rembourser"),
            ("CANCELLED", "Annuler (remboursement)"),
        ],
        "SHIPPED" => vec![("DELIVERED", "Marquer livrée"), ("REFUNDED", "Rembourser")],
        "DELIVERED" => vec![("REFUNDED", "Rembourser")],
        _ => vec![],
    }
}

pub const METHODS: &[(&str, &str)] = &[
    ("CARD", "Carte"),
    ("CASH", "Espèces"),
    ("CHEQUE", "Chèque"),
    ("TRANSFER", "Virement"),
    ("OTHER", "Autre"),
];

pub const VAT_RATES: &[(&str, &str)] = &[
    ("20", "20 %"),
    ("10", "10 %"),
    ("5.5", "5,5 %"),
    ("2.1", "2,1 %"),
    ("0", "0 %"),
];

// ---- products ----

#[derive(Template)]
#[template(path = "merchant/products.html")]
pub struct ProductsPage {
    pub layout: Layout,
    pub products: Page<ProductRow>,
    pub q: String,
    pub low: bool,
}

pub async fn products(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Params(q): Params<ProductsQuery>,
) -> Result<Response> {
    let m = merchant_id(&state, &user).await?;
    let f = q.filter()?;
    let products = db::products(&state.pool, m, &f, Paging::new(q.page, Some(100))).await?;
    let page = ProductsPage {
        layout: ctx.layout(&state, "Mes produits", "Catalogue et stock."),
        products,
        q: q.q.unwrap_or_default(),
        low: f.low_stock,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "merchant/product_form.html")]
pub struct ProductFormPage {
    pub layout: Layout,
    pub product: Option<ProductRow>,
    pub statuses: &'static [CatalogStatus],
}

impl ProductFormPage {
    /// The current value of a form field (empty for a new product).
    pub fn field(&self, name: &str) -> String {
        let Some(p) = &self.product else {
            return String::new();
        };
        match name {
            "title" => p.title.clone(),
            "sku" => p.sku.clone().unwrap_or_default(),
            "category" => p.category.clone().unwrap_or_default(),
            "description" => p.description.clone().unwrap_or_default(),
            "threshold" => p.low_stock_threshold.to_string(),
            _ => String::new(),
        }
    }
    pub fn price(&self) -> String {
        self.product
            .as_ref()
            .map(|p| format!("{},{:02}", p.price_ttc_cents / 100, p.price_ttc_cents % 100))
            .unwrap_or_default()
    }
    pub fn vat_selected(&self, v: &str) -> bool {
        let bp = self.product.as_ref().map(|p| p.vat_rate_bp).unwrap_or(2000);
        vat_from_percent(v).ok() == Some(bp)
    }
    pub fn status_selected(&self, s: &CatalogStatus) -> bool {
        self.product
            .as_ref()
            .map(|p| p.status)
            .unwrap_or(CatalogStatus::Active)
            == *s
    }
    pub fn action(&self) -> String {
        match &self.product {
            Some(p) => format!("/pro/commercant/produits/{}/edit", p.slug),
            None => "/pro/commercant/produits/nouveau".into(),
        }
    }
}

pub async fn new_product(State(state): State<AppState>, ctx: Ctx) -> Response {
    render(
        StatusCode::OK,
        &ProductFormPage {
            layout: ctx.layout(
                &state,
                "Nouveau produit",
                "Ajouter un produit au catalogue.",
            ),
            product: None,
            statuses: CatalogStatus::ALL,
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct ProductForm {
    #[serde(default)]
    pub title: String,
    pub sku: Option<String>,
    pub description: Option<String>,
    pub category: Option<String>,
    #[serde(default)]
    pub price: String,
    #[serde(default)]
    pub vat: String,
    pub initial_stock: Option<String>,
    pub low_stock_threshold: Option<String>,
    pub status: Option<String>,
}

fn int(field: &'static str, v: &Option<String>) -> Result<Option<i32>> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|_| {
            let mut e = Error::new(
                StatusCode::BAD_REQUEST,
                "VALIDATION_FAILED",
                "Nombre entier attendu",
            );
            e.fields.push((field, "nombre entier attendu".into()));
            e
        }),
    }
}

pub async fn create_product(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<ProductForm>,
) -> Result<Response> {
    let result = async {
        let p = NewProduct {
            title: f.title,
            sku: f.sku,
            description: f.description,
            category: f.category,
            price_ttc_cents: euros_to_cents("price", &f.price)?,
            vat_rate_bp: vat_from_percent(&f.vat)?,
            initial_stock: int("initial_stock", &f.initial_stock)?,
            low_stock_threshold: int("low_stock_threshold", &f.low_stock_threshold)?,
            images: vec![],
            status: filter(&f.status)?,
        };
        api::create_product_action(&state, &user, p).await
    }
    .await;
    match result {
        Ok(p) => back(
            &format!("/pro/commercant/produits/{}", p.slug),
            Ok(()),
            |_| "Produit créé.".into(),
        ),
        Err(e) => back("/pro/commercant/produits/nouveau", Err::<(), _>(e), |_| {
            String::new()
        }),
    }
}

#[derive(Template)]
#[template(path = "merchant/product.html")]
pub struct ProductPage {
    pub layout: Layout,
    pub product: ProductRow,
    pub movements: Vec<MovementRow>,
}

async fn by_slug(state: &AppState, user: &CurrentUser, slug: &str) -> Result<(Uuid, ProductRow)> {
    let m = merchant_id(state, user).await?;
    let mut conn = state.pool.acquire().await?;
    Ok((m, db::product_by_slug(&mut conn, m, slug).await?))
}

pub async fn product(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(slug): Path<String>,
) -> Result<Response> {
    let (m, product) = by_slug(&state, &user, &slug).await?;
    let movements = db::movements(
        &state.pool,
        m,
        &MovementFilter {
            product_id: Some(product.id),
            ..Default::default()
        },
        Paging::new(None, Some(100)),
    )
    .await?
    .items;
    let page = ProductPage {
        layout: ctx.layout(
            &state,
            &product.title,
            "Fiche produit et historique du stock.",
        ),
        product,
        movements,
    };
    Ok(render(StatusCode::OK, &page))
}

pub async fn edit_product(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(slug): Path<String>,
) -> Result<Response> {
    let (_, product) = by_slug(&state, &user, &slug).await?;
    let page = ProductFormPage {
        layout: ctx.layout(&state, "Modifier le produit", "Modifier un produit."),
        product: Some(product),
        statuses: CatalogStatus::ALL,
    };
    Ok(render(StatusCode::OK, &page))
}

pub async fn save_product(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(slug): Path<String>,
    Form(f): Form<ProductForm>,
) -> Result<Response> {
    let (_, product) = by_slug(&state, &user, &slug).await?;
    let result = async {
        let p = ProductPatch {
            title: Some(f.title),
            sku: Some(opt(f.sku)),
            description: Some(opt(f.description)),
            category: Some(opt(f.category)),
            price_ttc_cents: Some(euros_to_cents("price", &f.price)?),
            vat_rate_bp: Some(vat_from_percent(&f.vat)?),
            low_stock_threshold: int("low_stock_threshold", &f.low_stock_threshold)?,
            images: None,
            status: filter(&f.status)?,
        };
        api::patch_product_action(&state, &user, product.id, p).await
    }
    .await;
    back(&format!("/pro/commercant/produits/{slug}"), result, |_| {
        "Produit enregistré.".into()
    })
}

// ---- stock ----

#[derive(Template)]
#[template(path = "merchant/stock.html")]
pub struct StockPage {
    pub layout: Layout,
    pub levels: Vec<StockLevel>,
    pub low: bool,
    pub journal: Page<MovementRow>,
}

#[derive(Debug, Default, Deserialize)]
pub struct StockQuery {
    pub bas: Option<String>,
    pub page: Option<i64>,
}

pub async fn stock(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Params(q): Params<StockQuery>,
) -> Result<Response> {
    let m = merchant_id(&state, &user).await?;
    let low = super::outcome::checked(&q.bas);
    let levels = db::stock(&state.pool, m, low).await?;
    let journal = db::movements(
        &state.pool,
        m,
        &MovementFilter::default(),
        Paging::new(q.page, Some(50)),
    )
    .await?;
    let page = StockPage {
        layout: ctx.layout(
            &state,
            "Stock",
            "Niveaux de stock et journal des mouvements.",
        ),
        levels,
        low,
        journal,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Debug, Deserialize)]
pub struct MovementForm {
    pub product_id: Uuid,
    #[serde(rename = "type")]
    pub kind: String,
    pub quantity: Option<String>,
    pub reason: Option<String>,
    pub back: Option<String>,
}

pub async fn add_movement(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<MovementForm>,
) -> Result<Response> {
    let location = match f.back.as_deref() {
        Some(b) if b.starts_with("/pro/commercant/") => b.to_owned(),
        _ => "/pro/commercant/stock".to_owned(),
    };
    let result = async {
        let kind: StockMovementType = filter(&Some(f.kind))?.ok_or_else(Error::not_found)?;
        let n = int("quantity", &f.quantity)?;
        let (quantity, counted_quantity) = match kind {
            StockMovementType::Adjustment => (None, n),
            _ => (n, None),
        };
        api::record_movement_action(
            &state,
            &user,
            NewMovement {
                product_id: f.product_id,
                kind,
                quantity,
                counted_quantity,
                reason: f.reason,
            },
        )
        .await
    }
    .await;
    back(&location, result, |v| {
        format!("Mouvement enregistré : stock {}.", v["stockAfter"])
    })
}

// ---- orders ----

#[derive(Template)]
#[template(path = "merchant/orders.html")]
pub struct OrdersPage {
    pub layout: Layout,
    pub orders: Page<OrderRow>,
    pub status: String,
    pub products: Vec<ProductRow>,
    pub clients: Vec<ClientRow>,
}

pub async fn orders(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Params(q): Params<ListQuery>,
) -> Result<Response> {
    let m = merchant_id(&state, &user).await?;
    let status = q.status.clone().filter(|s| !s.is_empty());
    let f = OrderFilter {
        status: status.clone(),
        ..Default::default()
    };
    let orders = shop::orders(
        &state.pool,
        Shop::Merchant,
        m,
        &f,
        Paging::new(q.page, Some(50)),
    )
    .await?;
    let products = db::products(
        &state.pool,
        m,
        &db::ProductFilter {
            status: Some(CatalogStatus::Active),
            ..Default::default()
        },
        Paging::new(None, Some(100)),
    )
    .await?
    .items;
    let clients = shop::clients(
        &state.pool,
        Shop::Merchant,
        m,
        None,
        Paging::new(None, Some(100)),
    )
    .await?
    .items;
    let page = OrdersPage {
        layout: ctx.layout(&state, "Commandes", "Commandes et encaissements."),
        orders,
        status: status.unwrap_or_default(),
        products,
        clients,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Debug, Deserialize)]
pub struct OrderForm {
    pub client_id: Option<String>,
    pub customer_name: Option<String>,
    pub customer_email: Option<String>,
    pub shipping_address: Option<String>,
    pub notes: Option<String>,
    pub product_1: Option<String>,
    pub quantity_1: Option<String>,
    pub product_2: Option<String>,
    pub quantity_2: Option<String>,
    pub product_3: Option<String>,
    pub quantity_3: Option<String>,
}

/// The three item rows of the order form (a row without a product is ignored).
pub fn form_items(rows: [(&Option<String>, &Option<String>); 3]) -> Result<Vec<ItemInput>> {
    let mut items = Vec::new();
    for (product, quantity) in rows {
        let Some(id) = product.as_deref().filter(|s| !s.is_empty()) else {
            continue;
        };
        let id = id.parse::<Uuid>().map_err(|_| Error::not_found())?;
        let quantity = int("quantity", quantity)?.unwrap_or(1);
        items.push(ItemInput { id, quantity });
    }
    Ok(items)
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
                shipping_address: f.shipping_address,
                items,
                notes: f.notes,
            },
        )
        .await
    }
    .await;
    match result {
        Ok(v) => back(
            &format!(
                "/pro/commercant/commandes/{}",
                v["id"].as_str().unwrap_or_default()
            ),
            Ok(()),
            |_| {
                format!(
                    "Commande {} créée.",
                    v["orderNumber"].as_str().unwrap_or_default()
                )
            },
        ),
        Err(e) => back("/pro/commercant/commandes", Err::<(), _>(e), |_| {
            String::new()
        }),
    }
}

#[derive(Template)]
#[template(path = "merchant/order.html")]
pub struct OrderPage {
    pub layout: Layout,
    pub detail: OrderDetail,
    pub methods: &'static [(&'static str, &'static str)],
}

pub async fn order(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response> {
    let m = merchant_id(&state, &user).await?;
    let mut conn = state.pool.acquire().await?;
    let detail = shop::order(&mut conn, Shop::Merchant, m, id).await?;
    let page = OrderPage {
        layout: ctx.layout(
            &state,
            &format!("Commande {}", detail.order.order_number),
            "Détail d'une commande.",
        ),
        detail,
        methods: METHODS,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Debug, Deserialize)]
pub struct OrderStatusForm {
    pub status: String,
    pub payment_method: Option<String>,
    pub tracking_number: Option<String>,
    pub restock: Option<String>,
}

pub async fn order_status(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Form(f): Form<OrderStatusForm>,
) -> Result<Response> {
    let result = async {
        let status: MerchantOrderStatus = filter(&Some(f.status))?.ok_or_else(Error::not_found)?;
        let payment_method: Option<PaymentMethod> = filter(&f.payment_method)?;
        api::set_status_action(
            &state,
            &user,
            id,
            StatusChange {
                status,
                payment_method,
                paid_at: None,
                tracking_number: f.tracking_number,
                // The form's checkbox says "put the stock back"; absent on other transitions.
                restock: Some(f.restock.is_some()),
            },
        )
        .await
    }
    .await;
    back(&format!("/pro/commercant/commandes/{id}"), result, |v| {
        format!(
            "Commande {}.",
            order_label(v["status"].as_str().unwrap_or_default()).to_lowercase()
        )
    })
}

// ---- clients ----

#[derive(Template)]
#[template(path = "shop/clients.html")]
pub struct ClientsPage {
    pub layout: Layout,
    pub base: &'static str,
    pub clients: Page<ClientRow>,
    pub q: String,
}

pub async fn clients(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Params(q): Params<ListQuery>,
) -> Result<Response> {
    clients_page(&state, &ctx, &user, Shop::Merchant, q).await
}

pub async fn clients_page(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    s: Shop,
    q: ListQuery,
) -> Result<Response> {
    let owner = crate::api::shop::owner(state, user, crate::api::shop::kind(s)).await?;
    let clients = shop::clients(
        &state.pool,
        s,
        owner,
        q.q.as_deref(),
        Paging::new(q.page, Some(100)),
    )
    .await?;
    let page = ClientsPage {
        layout: ctx.layout(state, "Clients", "Vos clients et leurs commandes."),
        base: match s {
            Shop::Artisan => "/pro/artisan/clients",
            Shop::Merchant => "/pro/commercant/clients",
        },
        clients,
        q: q.q.unwrap_or_default(),
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Debug, Deserialize)]
pub struct ClientForm {
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address_line: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub notes: Option<String>,
}

impl From<ClientForm> for ClientInput {
    fn from(f: ClientForm) -> Self {
        ClientInput {
            first_name: f.first_name,
            last_name: f.last_name,
            email: f.email,
            phone: f.phone,
            address_line: f.address_line,
            city: f.city,
            postal_code: f.postal_code,
            notes: f.notes,
        }
    }
}

pub async fn create_client_for(
    state: &AppState,
    user: &CurrentUser,
    s: Shop,
    f: ClientForm,
) -> Result<Response> {
    let location = match s {
        Shop::Artisan => "/pro/artisan/clients",
        Shop::Merchant => "/pro/commercant/clients",
    };
    let result = crate::api::shop::create_client(state, user, s, f.into()).await;
    back(location, result, |_| "Client ajouté.".into())
}

pub async fn create_client(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<ClientForm>,
) -> Result<Response> {
    create_client_for(&state, &user, Shop::Merchant, f).await
}

pub async fn delete_client(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response> {
    let result = crate::api::shop::delete_client(&state, &user, Shop::Merchant, id).await;
    back("/pro/commercant/clients", result, |_| {
        "Client supprimé.".into()
    })
}

/// String equality for templates (their loop bindings come as `&&str`).
pub fn is(a: &str, b: &str) -> bool {
    a == b
}
