//! The public site (DOMAIN.md §8.1): search, the four listings, profiles by slug, catalogue
//! items, the blog, the PASS landing, `sitemap.xml` and `robots.txt`. Server-rendered, no
//! JavaScript needed; unknown or unpublished slugs are the 404 page.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, SecondsFormat, Utc};
use spymeo_core::db::pros::ProKind;
use spymeo_core::db::public::{
    self as db, ArticleSummary, CatalogItem, ProCard, ProProfile, PublicFormation, PublicType,
    SearchHit,
};
use spymeo_core::domain::{FavoriteTarget, pass};

use super::{Ctx, Layout, euros, render};
use crate::api::public::{BlogParams, ListParams, Paging};
use crate::auth::RoleExt as _;
use crate::auth::access::urlencode;
use crate::error::{Error, Result};
use crate::state::AppState;

/// Page links of a paginated list.
pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// `base` is the path with the other query parameters (`/praticiens?city=Dijon`).
    pub fn new(base: &str, page: i64, limit: i64, total: i64) -> Self {
        let pages = ((total + limit - 1) / limit).max(1);
        let sep = if base.contains('?') { '&' } else { '?' };
        let link = |p: i64| format!("{base}{sep}page={p}");
        Pager {
            page,
            pages,
            total,
            prev: (page > 1).then(|| link(page - 1)),
            next: (page < pages).then(|| link(page + 1)),
        }
    }
}

/// `path?k=v&…` with the non-empty values, for pagination links.
fn with_query(path: &str, pairs: &[(&str, Option<&str>)]) -> String {
    let qs: Vec<String> = pairs
        .iter()
        .filter_map(|(k, v)| {
            v.map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| format!("{k}={}", urlencode(v)))
        })
        .collect();
    if qs.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", qs.join("&"))
    }
}

fn is_member(ctx: &Ctx) -> bool {
    ctx.user.as_ref().is_some_and(|u| u.role.is_member())
}

// ---------------------------------------------------------------- search

#[derive(Template)]
#[template(path = "public/search.html")]
pub struct SearchPage {
    pub layout: Layout,
    pub q: String,
    pub kind: String,
    pub city: String,
    pub pass_only: bool,
    pub online: bool,
    pub groups: Vec<(String, Vec<SearchHit>)>,
    pub pager: Option<Pager>,
    pub error: Option<String>,
    pub types: Vec<(&'static str, &'static str)>,
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// At least 2 characters unless a filter is given; accents and case ignored.
    #[param(max_length = 100)]
    pub q: Option<String>,
    /// Only this kind of result (case ignored).
    #[serde(rename = "type")]
    #[param(inline, value_type = Option<crate::api::search::SearchHitType>)]
    pub kind: Option<String>,
    /// A category or specialty, accents and case ignored.
    pub category: Option<String>,
    /// The exact city, accents and case ignored.
    pub city: Option<String>,
    /// `true`, `1` or `on`: PASS partners only (any other value: no filter).
    #[param(example = "true")]
    pub pass_only: Option<String>,
    /// `true`, `1` or `on`: only pros bookable online (any other value: no filter).
    #[param(example = "true")]
    pub online: Option<String>,
    /// Page number (default 1).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 10000)]
    pub page: Option<String>,
    /// Page size (default 20).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
}

impl SearchParams {
    /// The query, or the French reason it cannot run (q < 2 characters and no filter).
    pub fn query(&self) -> Result<db::SearchQuery> {
        let paging = Paging::parse(self.page.as_deref(), self.limit.as_deref(), 20)?;
        let flag = |v: &Option<String>| matches!(v.as_deref(), Some("true" | "1" | "on"));
        let q = self
            .q
            .as_ref()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty());
        let kind = self
            .kind
            .as_ref()
            .map(|s| s.trim().to_uppercase())
            .filter(|s| !s.is_empty());
        if let Some(k) = &kind
            && !db::SEARCH_TYPES.contains(&k.as_str())
        {
            return Err(crate::api::public::invalid("type"));
        }
        if q.as_ref().is_some_and(|q| q.chars().count() > 100) {
            return Err(crate::api::public::invalid("q"));
        }
        let s = db::SearchQuery {
            q,
            kind,
            category: self.category.clone(),
            city: self.city.clone(),
            pass_only: flag(&self.pass_only),
            online_only: flag(&self.online),
            page: paging.page,
            limit: paging.limit,
        };
        let has_filter = s.kind.is_some()
            || s.city.as_ref().is_some_and(|c| !c.trim().is_empty())
            || s.category.as_ref().is_some_and(|c| !c.trim().is_empty())
            || s.pass_only
            || s.online_only;
        if s.q.as_ref().is_none_or(|q| q.chars().count() < 2) && !has_filter {
            let mut e = Error::new(
                StatusCode::BAD_REQUEST,
                "VALIDATION_FAILED",
                "Saisissez au moins 2 caractères ou choisissez un filtre",
            );
            e.fields.push(("q", "2 caractères au moins".into()));
            return Err(e);
        }
        Ok(s)
    }
}

pub async fn search(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(p): Query<SearchParams>,
) -> Result<Response> {
    let blank = p.q.as_deref().is_none_or(|q| q.trim().is_empty())
        && p.kind.as_deref().is_none_or(str::is_empty)
        && p.city.as_deref().is_none_or(str::is_empty);
    let (groups, pager, error) = if blank {
        (Vec::new(), None, None)
    } else {
        match p.query() {
            Ok(s) => {
                let (hits, total) = db::search(&state.pool, &s).await?;
                let mut groups: Vec<(String, Vec<SearchHit>)> = Vec::new();
                for h in hits {
                    match groups.iter_mut().find(|(k, _)| *k == h.kind) {
                        Some((_, list)) => list.push(h),
                        None => groups.push((h.kind.clone(), vec![h])),
                    }
                }
                let base = with_query(
                    "/recherche",
                    &[
                        ("q", p.q.as_deref()),
                        ("type", p.kind.as_deref()),
                        ("city", p.city.as_deref()),
                        ("passOnly", p.pass_only.as_deref()),
                        ("online", p.online.as_deref()),
                    ],
                );
                (
                    groups,
                    Some(Pager::new(&base, s.page, s.limit, total)),
                    None,
                )
            }
            Err(e) if e.status == StatusCode::BAD_REQUEST => {
                (Vec::new(), None, Some(e.message.into_owned()))
            }
            Err(e) => return Err(e),
        }
    };
    let q = p.q.clone().unwrap_or_default();
    let title = if q.trim().is_empty() {
        "Rechercher".to_owned()
    } else {
        format!("Recherche « {} »", q.trim())
    };
    let page = SearchPage {
        layout: ctx.layout(
            &state,
            &title,
            "Recherchez parmi les praticiens, artisans, commerçants, centres de formation, produits et articles SPYMEO.",
        ),
        q,
        kind: p.kind.clone().unwrap_or_default().to_uppercase(),
        city: p.city.clone().unwrap_or_default(),
        pass_only: p.pass_only.is_some(),
        online: p.online.is_some(),
        groups,
        pager,
        error,
        types: db::SEARCH_TYPES
            .iter()
            .map(|t| (*t, db::kind_label(t)))
            .collect(),
    };
    let status = if page.error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok(render(status, &page))
}

// ---------------------------------------------------------------- listings

#[derive(Template)]
#[template(path = "public/listing.html")]
pub struct ListingPage {
    pub layout: Layout,
    pub heading: &'static str,
    pub intro: &'static str,
    pub path: &'static str,
    pub facet_label: &'static str,
    pub facet_name: &'static str,
    pub facets: Vec<String>,
    pub selected: String,
    pub q: String,
    pub city: String,
    pub pass_only: bool,
    pub online: bool,
    pub show_online: bool,
    pub cards: Vec<ProCard>,
    pub pager: Pager,
}

struct ListingText {
    heading: &'static str,
    intro: &'static str,
    facet_label: &'static str,
    facet_name: &'static str,
}

fn listing_text(kind: ProKind) -> ListingText {
    match kind {
        ProKind::Practitioner => ListingText {
            heading: "Praticiens du bien-être",
            intro: "Naturopathes, sophrologues, réflexologues… des praticiens vérifiés par SPYMEO, avec prise de rendez-vous en ligne.",
            facet_label: "Spécialité",
            facet_name: "specialty",
        },
        ProKind::Artisan => ListingText {
            heading: "Artisans",
            intro: "Savonniers, céramistes, créateurs de bougies et de cosmétiques naturels près de chez vous.",
            facet_label: "Catégorie",
            facet_name: "category",
        },
        ProKind::Merchant => ListingText {
            heading: "Commerçants",
            intro: "Épiceries bio, herboristeries et boutiques zéro déchet partenaires de SPYMEO.",
            facet_label: "Catégorie",
            facet_name: "category",
        },
        ProKind::Center => ListingText {
            heading: "Centres de formation",
            intro: "Écoles et instituts pour se former aux métiers du bien-être.",
            facet_label: "Catégorie",
            facet_name: "category",
        },
    }
}

async fn listing(state: &AppState, ctx: &Ctx, kind: ProKind, p: ListParams) -> Result<Response> {
    let f = p.filter(20)?;
    let (cards, total) = db::list_pros(&state.pool, kind, &f).await?;
    let facets = db::facets(&state.pool, kind).await?;
    let text = listing_text(kind);
    let path = kind.public_path();
    let selected = f.category.clone().unwrap_or_default();
    let base = with_query(
        path,
        &[
            ("q", f.q.as_deref()),
            (text.facet_name, f.category.as_deref()),
            ("city", f.city.as_deref()),
            ("passOnly", f.pass_only.then_some("true")),
            ("online", f.online_only.then_some("true")),
        ],
    );
    let page = ListingPage {
        layout: ctx.layout(state, text.heading, text.intro),
        heading: text.heading,
        intro: text.intro,
        path,
        facet_label: text.facet_label,
        facet_name: text.facet_name,
        facets,
        selected,
        q: f.q.clone().unwrap_or_default(),
        city: f.city.clone().unwrap_or_default(),
        pass_only: f.pass_only,
        online: f.online_only,
        show_online: kind == ProKind::Practitioner,
        cards,
        pager: Pager::new(&base, f.page, f.limit, total),
    };
    Ok(render(StatusCode::OK, &page))
}

pub async fn practitioners(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(p): Query<ListParams>,
) -> Result<Response> {
    listing(&state, &ctx, ProKind::Practitioner, p).await
}

pub async fn artisans(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(p): Query<ListParams>,
) -> Result<Response> {
    listing(&state, &ctx, ProKind::Artisan, p).await
}

pub async fn merchants(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(p): Query<ListParams>,
) -> Result<Response> {
    listing(&state, &ctx, ProKind::Merchant, p).await
}

pub async fn centers(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(p): Query<ListParams>,
) -> Result<Response> {
    listing(&state, &ctx, ProKind::Center, p).await
}

// ---------------------------------------------------------------- profiles

/// A motif with its next bookable slots (start, label, booking link).
pub struct TypeSlots {
    pub t: PublicType,
    pub slots: Vec<(String, String)>,
}

impl TypeSlots {
    pub fn booking_href(&self, slug: &str) -> String {
        format!("/praticiens/{slug}/reserver?motif={}", self.t.id)
    }
}

#[derive(Template)]
#[template(path = "public/profile.html")]
pub struct ProfilePage {
    pub layout: Layout,
    pub p: ProProfile,
    pub types: Vec<TypeSlots>,
    pub accept_new_clients: bool,
    pub items: Vec<CatalogItem>,
    pub item_base: &'static str,
    pub formations: Vec<PublicFormation>,
    pub member: bool,
    pub logged_in: bool,
    pub favorite: bool,
    pub favorite_type: &'static str,
}

fn favorite_target(kind: ProKind) -> FavoriteTarget {
    match kind {
        ProKind::Practitioner => FavoriteTarget::Practitioner,
        ProKind::Artisan => FavoriteTarget::Artisan,
        ProKind::Merchant => FavoriteTarget::Merchant,
        ProKind::Center => FavoriteTarget::Center,
    }
}

fn target_code(t: FavoriteTarget) -> &'static str {
    match t {
        FavoriteTarget::Practitioner => "PRACTITIONER",
        FavoriteTarget::Artisan => "ARTISAN",
        FavoriteTarget::Merchant => "MERCHANT",
        FavoriteTarget::Center => "CENTER",
        FavoriteTarget::Product => "PRODUCT",
        FavoriteTarget::Service => "SERVICE",
        FavoriteTarget::Formation => "FORMATION",
        FavoriteTarget::Article => "ARTICLE",
    }
}

async fn is_fav(state: &AppState, ctx: &Ctx, t: FavoriteTarget, id: uuid::Uuid) -> Result<bool> {
    match &ctx.user {
        Some(u) => Ok(spymeo_core::db::member::is_favorite(&state.pool, u.id, t, id).await?),
        None => Ok(false),
    }
}

/// Next slots of each motif over 7 days (the booking page, issue 4, takes it from there).
async fn next_slots(state: &AppState, p: &ProProfile) -> Result<Vec<TypeSlots>> {
    let now = Utc::now();
    let today = spymeo_core::domain::paris_date(now);
    let mut out = Vec::new();
    // Types first, then one connection: holding a connection while the pool hands out
    // another deadlocks once every connection is held by a request doing the same.
    let types = db::bookable_types(&state.pool, p.id).await?;
    let mut conn = state.pool.acquire().await?;
    for t in types {
        let slots = spymeo_core::db::agenda::available_slots(
            &mut conn,
            p.id,
            t.id,
            today,
            today + Duration::days(6),
            now,
        )
        .await?;
        let slots = slots
            .iter()
            .take(8)
            .map(|s| {
                let start = s.start.to_rfc3339_opts(SecondsFormat::Secs, true);
                // The booking page opens on the slot's week with that slot ticked.
                let href = format!(
                    "/praticiens/{}/reserver?motif={}&du={}&creneau={}",
                    p.card.slug,
                    t.id,
                    spymeo_core::domain::paris_date(s.start),
                    urlencode(&start)
                );
                (super::dashboards::paris(&s.start), href)
            })
            .collect();
        out.push(TypeSlots { t, slots });
    }
    Ok(out)
}

async fn profile_page(state: &AppState, ctx: &Ctx, kind: ProKind, slug: &str) -> Result<Response> {
    let p = db::profile(&state.pool, kind, slug)
        .await?
        .ok_or_else(Error::not_found)?;
    let (mut types, mut items, mut formations, mut accept) =
        (Vec::new(), Vec::new(), Vec::new(), true);
    let mut item_base = "";
    match kind {
        ProKind::Practitioner => {
            types = next_slots(state, &p).await?;
            accept = db::accepts_new_clients(&state.pool, p.id).await?;
        }
        ProKind::Artisan => {
            items = db::services_of(&state.pool, p.id).await?;
            item_base = "/produit/artisan/";
        }
        ProKind::Merchant => {
            items = db::products_of(&state.pool, p.id).await?;
            item_base = "/produit/commercant/";
        }
        ProKind::Center => {
            formations = db::formations_of(&state.pool, p.id, Utc::now()).await?;
        }
    }
    let target = favorite_target(kind);
    let favorite = is_fav(state, ctx, target, p.id).await?;
    let description = p
        .description
        .as_deref()
        .map(|d| d.chars().take(160).collect::<String>())
        .unwrap_or_else(|| {
            format!(
                "{} — {} {}",
                p.card.public_name,
                p.card.subtitle(),
                p.card.city.as_deref().unwrap_or_default()
            )
        });
    let title = match &p.card.city {
        Some(city) => format!("{} — {} à {city}", p.card.public_name, p.card.kind_label()),
        None => p.card.public_name.clone(),
    };
    let page = ProfilePage {
        layout: ctx.layout(state, &title, &description),
        member: is_member(ctx),
        logged_in: ctx.user.is_some(),
        favorite,
        favorite_type: target_code(target),
        p,
        types,
        accept_new_clients: accept,
        items,
        item_base,
        formations,
    };
    Ok(render(StatusCode::OK, &page))
}

pub async fn practitioner(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response> {
    profile_page(&state, &ctx, ProKind::Practitioner, &slug).await
}

pub async fn artisan(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response> {
    profile_page(&state, &ctx, ProKind::Artisan, &slug).await
}

pub async fn merchant(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response> {
    profile_page(&state, &ctx, ProKind::Merchant, &slug).await
}

pub async fn center(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response> {
    profile_page(&state, &ctx, ProKind::Center, &slug).await
}

/// The original's singular detail paths answer 308 to the canonical plural ones (§10 #1).
pub async fn legacy_practitioner(Path(slug): Path<String>) -> Redirect {
    Redirect::permanent(&format!("/praticiens/{}", urlencode(&slug)))
}
pub async fn legacy_artisan(Path(slug): Path<String>) -> Redirect {
    Redirect::permanent(&format!("/artisans/{}", urlencode(&slug)))
}
pub async fn legacy_merchant(Path(slug): Path<String>) -> Redirect {
    Redirect::permanent(&format!("/commercants/{}", urlencode(&slug)))
}
pub async fn legacy_center(Path(slug): Path<String>) -> Redirect {
    Redirect::permanent(&format!("/centres-de-formation/{}", urlencode(&slug)))
}

// ---------------------------------------------------------------- catalogue items

#[derive(Template)]
#[template(path = "public/item.html")]
pub struct ItemPage {
    pub layout: Layout,
    pub kind_label: &'static str,
    pub title: String,
    pub description: Option<String>,
    pub category: Option<String>,
    pub price: Option<String>,
    pub facts: Vec<String>,
    pub image_url: Option<String>,
    pub owner: ProProfile,
    pub sessions: Vec<db::PublicSession>,
    pub member: bool,
    /// Pros and admins have no member messaging: no "Contacter" for them (as on profiles).
    pub logged_in: bool,
    pub favorite: bool,
    pub favorite_type: &'static str,
    pub target_id: uuid::Uuid,
}

async fn catalog_item_page(
    state: &AppState,
    ctx: &Ctx,
    kind: ProKind,
    slug: &str,
) -> Result<Response> {
    let (item, owner) = db::item(&state.pool, kind, slug)
        .await?
        .ok_or_else(Error::not_found)?;
    let (label, target) = if kind == ProKind::Artisan {
        ("Création artisanale", FavoriteTarget::Service)
    } else {
        ("Produit", FavoriteTarget::Product)
    };
    let mut facts = Vec::new();
    if let Some(d) = item.duration_min {
        facts.push(format!("Durée : {d} min"));
    }
    if kind == ProKind::Merchant {
        facts.push(if item.in_stock {
            "En stock".to_owned()
        } else {
            "En rupture de stock".to_owned()
        });
    }
    let description = item
        .description
        .as_deref()
        .map(|d| d.chars().take(160).collect::<String>())
        .unwrap_or_else(|| format!("{} par {}", item.title, owner.card.public_name));
    let page = ItemPage {
        layout: ctx.layout(state, &item.title, &description),
        kind_label: label,
        favorite: is_fav(state, ctx, target, item.id).await?,
        favorite_type: target_code(target),
        target_id: item.id,
        title: item.title,
        description: item.description,
        category: item.category,
        price: Some(euros(item.price_ttc_cents.into())),
        facts,
        image_url: item.image_url,
        owner,
        sessions: Vec::new(),
        member: is_member(ctx),
        logged_in: ctx.user.is_some(),
    };
    Ok(render(StatusCode::OK, &page))
}

pub async fn service(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response> {
    catalog_item_page(&state, &ctx, ProKind::Artisan, &slug).await
}

pub async fn product(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response> {
    catalog_item_page(&state, &ctx, ProKind::Merchant, &slug).await
}

pub async fn formation(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response> {
    let (f, owner) = db::formation(&state.pool, &slug, Utc::now())
        .await?
        .ok_or_else(Error::not_found)?;
    let mut facts = Vec::new();
    if let Some(h) = f.duration_hours {
        facts.push(format!("Durée : {h} h"));
    }
    if f.cpf_eligible {
        facts.push("Éligible CPF".to_owned());
    }
    if owner.qualiopi {
        facts.push("Centre certifié Qualiopi".to_owned());
    }
    let description = f
        .description
        .as_deref()
        .map(|d| d.chars().take(160).collect::<String>())
        .unwrap_or_else(|| format!("{} — {}", f.title, owner.card.public_name));
    let page = ItemPage {
        layout: ctx.layout(&state, &f.title, &description),
        kind_label: "Formation",
        favorite: is_fav(&state, &ctx, FavoriteTarget::Formation, f.id).await?,
        favorite_type: "FORMATION",
        target_id: f.id,
        title: f.title,
        description: f.description,
        category: f.category,
        price: f.price_ttc_cents.map(|c| euros(c.into())),
        facts,
        image_url: None,
        owner,
        sessions: f.next_sessions,
        member: is_member(&ctx),
        logged_in: ctx.user.is_some(),
    };
    Ok(render(StatusCode::OK, &page))
}

// ---------------------------------------------------------------- blog

#[derive(Template)]
#[template(path = "public/blog.html")]
pub struct BlogPage {
    pub layout: Layout,
    pub articles: Vec<ArticleSummary>,
    pub categories: Vec<String>,
    pub category: String,
    pub tag: String,
    pub pager: Pager,
}

pub async fn blog(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(p): Query<BlogParams>,
) -> Result<Response> {
    let f = p.filter(12)?;
    let (articles, total) = db::articles(&state.pool, &f).await?;
    let categories = db::blog_categories(&state.pool).await?;
    let base = with_query(
        "/blog",
        &[
            ("category", f.category.as_deref()),
            ("tag", f.tag.as_deref()),
        ],
    );
    let page = BlogPage {
        layout: ctx.layout(
            &state,
            "Le blog du bien-être",
            "Conseils de praticiens sur la nutrition, le sommeil et la gestion du stress.",
        ),
        articles,
        categories,
        category: f.category.clone().unwrap_or_default(),
        tag: f.tag.clone().unwrap_or_default(),
        pager: Pager::new(&base, f.page, f.limit, total),
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "public/article.html")]
pub struct ArticlePage {
    pub layout: Layout,
    pub a: db::Article,
    pub paragraphs: Vec<Block>,
    pub logged_in: bool,
    pub liked: bool,
    pub favorite: bool,
}

/// A piece of the article body: the content is markdown-like text, rendered as headings and
/// paragraphs (escaped by the template, never raw HTML).
pub enum Block {
    Heading(String),
    Paragraph(String),
}

pub fn blocks(content: &str) -> Vec<Block> {
    content
        .split("\n\n")
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .map(|b| match b.strip_prefix('#') {
            Some(h) => Block::Heading(h.trim_start_matches('#').trim().to_owned()),
            None => Block::Paragraph(b.replace('\n', " ")),
        })
        .collect()
}

pub async fn article(
    State(state): State<AppState>,
    ctx: Ctx,
    user: crate::auth::MaybeUser,
    headers: axum::http::HeaderMap,
    Path(slug): Path<String>,
) -> Result<Response> {
    let a = db::article(&state.pool, &slug)
        .await?
        .ok_or_else(Error::not_found)?;
    db::count_view(
        &state.pool,
        a.summary.id,
        &crate::api::public::viewer_key(&user, &headers),
        Utc::now(),
    )
    .await?;
    let (liked, favorite) = match &ctx.user {
        Some(u) => db::article_marks(&state.pool, a.summary.id, u.id).await?,
        None => (false, false),
    };
    let description = a
        .summary
        .excerpt
        .clone()
        .unwrap_or_else(|| a.summary.title.clone());
    let page = ArticlePage {
        layout: ctx.layout(&state, &a.summary.title, &description),
        paragraphs: blocks(&a.content),
        logged_in: ctx.user.is_some(),
        liked,
        favorite,
        a,
    };
    Ok(render(StatusCode::OK, &page))
}

// ---------------------------------------------------------------- PASS landing

#[derive(Template)]
#[template(path = "public/pass.html")]
pub struct PassPage {
    pub layout: Layout,
    pub monthly: String,
    pub annual: String,
    pub partner_count: i64,
    pub samples: Vec<(String, String, String)>,
    pub member: bool,
    pub has_pass: bool,
}

pub async fn pass_landing(State(state): State<AppState>, ctx: Ctx) -> Result<Response> {
    let partner_count = spymeo_core::db::home::active_partner_count(&state.pool).await?;
    let samples = db::pass_resource_titles(&state.pool, Utc::now(), 6).await?;
    let page = PassPage {
        layout: ctx.layout(
            &state,
            "Le PASS SPYMEO",
            "Réductions chez les partenaires, carnet de vie et ressources bien-être chaque mois, dès 6,90 € par mois.",
        ),
        monthly: euros(pass::MONTHLY_PRICE_CENTS.into()),
        annual: euros(pass::ANNUAL_PRICE_CENTS.into()),
        partner_count,
        samples,
        member: is_member(&ctx),
        has_pass: ctx
            .user
            .as_ref()
            .is_some_and(|u| u.role == crate::auth::Role::PassUser),
    };
    Ok(render(StatusCode::OK, &page))
}

// ---------------------------------------------------------------- robots, sitemap

pub async fn robots(State(state): State<AppState>) -> Response {
    let base = state.inner.app_url.trim_end_matches('/');
    let body = format!(
        "User-agent: *\nAllow: /\nDisallow: /user/\nDisallow: /pro/\nDisallow: /admin\nDisallow: /compte\nDisallow: /api/\nDisallow: /payment/\nDisallow: /auth/\n\nSitemap: {base}/sitemap.xml\n"
    );
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub async fn sitemap(State(state): State<AppState>) -> Result<Response> {
    let base = state.inner.app_url.trim_end_matches('/');
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for path in [
        "/",
        "/recherche",
        "/praticiens",
        "/artisans",
        "/commercants",
        "/centres-de-formation",
        "/blog",
        "/pass",
    ] {
        xml.push_str(&format!("  <url><loc>{base}{path}</loc></url>\n"));
    }
    for c in super::legal::CHARTERS {
        xml.push_str(&format!(
            "  <url><loc>{base}/legal/{}</loc></url>\n",
            c.slug
        ));
    }
    for (path, modified) in db::sitemap(&state.pool).await? {
        xml.push_str(&format!(
            "  <url><loc>{}</loc><lastmod>{}</lastmod></url>\n",
            xml_escape(&format!("{base}{path}")),
            modified.format("%Y-%m-%d")
        ));
    }
    xml.push_str("</urlset>\n");
    Ok((
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        xml,
    )
        .into_response())
}

// ---------------------------------------------------------------- blog forms

fn back_to_article(slug: &str, message: &str) -> Response {
    let mut res = Redirect::to(&format!("/blog/{}", urlencode(slug))).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        crate::middleware::flash_cookie(&super::Flash {
            kind: "success".into(),
            message: message.into(),
        }),
    );
    res
}

/// `POST /blog/{slug}/aimer`: toggles the like.
pub async fn like_form(
    State(state): State<AppState>,
    user: crate::auth::CurrentUser,
    Path(slug): Path<String>,
) -> Result<Response> {
    let a = db::article(&state.pool, &slug)
        .await?
        .ok_or_else(Error::not_found)?;
    let (liked, _) = db::article_marks(&state.pool, a.summary.id, user.id).await?;
    if liked {
        spymeo_core::db::member::unlike_article(&state.pool, user.id, a.summary.id).await?;
        Ok(back_to_article(&slug, "Mention « j'aime » retirée."))
    } else {
        let mut conn = state.pool.acquire().await?;
        spymeo_core::db::blog::like(&mut conn, user.id, a.summary.id, Utc::now()).await?;
        Ok(back_to_article(&slug, "Merci pour votre « j'aime » !"))
    }
}

/// `POST /blog/{slug}/favori`: toggles the favorite.
pub async fn favorite_form(
    State(state): State<AppState>,
    user: crate::auth::CurrentUser,
    Path(slug): Path<String>,
) -> Result<Response> {
    let a = db::article(&state.pool, &slug)
        .await?
        .ok_or_else(Error::not_found)?;
    let (_, favorite) = db::article_marks(&state.pool, a.summary.id, user.id).await?;
    if favorite {
        spymeo_core::db::member::remove_favorite(
            &state.pool,
            user.id,
            FavoriteTarget::Article,
            a.summary.id,
        )
        .await?;
        Ok(back_to_article(&slug, "Article retiré de vos favoris."))
    } else {
        let mut conn = state.pool.acquire().await?;
        spymeo_core::db::community::add_favorite(
            &mut conn,
            user.id,
            FavoriteTarget::Article,
            a.summary.id,
            Utc::now(),
        )
        .await?;
        Ok(back_to_article(&slug, "Article ajouté à vos favoris."))
    }
}
