//! Statistics and pre-compta pages of artisans, merchants and centers
//! (`/pro/{artisan,commercant,centre}/statistiques`, `…/precompta`, DOMAIN.md §6.10, §7.4),
//! on the read models of `shop::stats`, `center::stats` and `ledger`.

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, Utc};
use serde::Deserialize;
use spymeo_core::db::ledger::{self, Year};
use spymeo_core::db::shop::{self, Range, Shop, ShopStats};
use spymeo_core::domain::PrecomptaType;

use super::{Ctx, Layout, euros, render};
use crate::api::input::Params;
use crate::auth::{CurrentUser, Role};
use crate::error::Result;
use crate::state::AppState;

/// Which sub-navigation a shared page shows.
pub fn nav_of(role: Role) -> &'static str {
    match role {
        Role::Artisan => "artisan",
        Role::Commercant => "merchant",
        _ => "center",
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct RangeQuery {
    pub range: Option<String>,
}

/// A bar of the series chart (CSS widths, no JavaScript).
pub struct Bar {
    pub label: String,
    pub value: String,
    pub pct: i64,
}

pub fn bars(points: &[(String, i64)], money: bool) -> Vec<Bar> {
    let max = points.iter().map(|p| p.1).max().unwrap_or(0).max(1);
    points
        .iter()
        .map(|(label, v)| Bar {
            label: label.clone(),
            value: if money { euros(*v) } else { v.to_string() },
            pct: v * 100 / max,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "pro_common/shop_stats.html")]
pub struct ShopStatsPage {
    pub layout: Layout,
    pub nav: &'static str,
    pub base: &'static str,
    pub stats: ShopStats,
    pub bars: Vec<Bar>,
}

async fn shop_stats(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    s: Shop,
    q: RangeQuery,
) -> Result<Response> {
    let owner = crate::api::shop::owner(state, user, crate::api::shop::kind(s)).await?;
    let range = Range::parse(q.range.as_deref())?;
    let stats = shop::stats(&state.pool, s, owner, range, Utc::now()).await?;
    let points: Vec<(String, i64)> = stats
        .series
        .iter()
        .map(|p| (p.period.format("%d/%m/%Y").to_string(), p.value))
        .collect();
    let page = ShopStatsPage {
        layout: ctx.layout(
            state,
            "Statistiques",
            "Commandes, chiffre d'affaires et meilleures ventes.",
        ),
        nav: nav_of(user.role),
        base: match s {
            Shop::Artisan => "/pro/artisan/statistiques",
            Shop::Merchant => "/pro/commercant/statistiques",
        },
        bars: bars(&points, true),
        stats,
    };
    Ok(render(StatusCode::OK, &page))
}

pub async fn artisan_stats(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Params(q): Params<RangeQuery>,
) -> Result<Response> {
    shop_stats(&state, &ctx, &user, Shop::Artisan, q).await
}

pub async fn merchant_stats(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Params(q): Params<RangeQuery>,
) -> Result<Response> {
    shop_stats(&state, &ctx, &user, Shop::Merchant, q).await
}

#[derive(Template)]
#[template(path = "pro_common/ledger.html")]
pub struct LedgerPage {
    pub layout: Layout,
    pub nav: &'static str,
    pub export: String,
    pub book: Year,
}

impl LedgerPage {
    pub fn kind_label(k: &PrecomptaType) -> &'static str {
        match k {
            PrecomptaType::Sale => "Recette",
            PrecomptaType::Refund => "Remboursement",
            PrecomptaType::Expense => "Dépense",
            PrecomptaType::Adjustment => "Ajustement",
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct YearQuery {
    pub year: Option<i32>,
}

fn year_of(q: &YearQuery) -> i32 {
    q.year
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(|| spymeo_core::domain::paris_date(Utc::now()).year())
}

/// The ledger of the logged-in pro (entries are owned by the user, whatever the role).
pub async fn ledger(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Params(q): Params<YearQuery>,
) -> Result<Response> {
    let year = year_of(&q);
    let book = ledger::year(&state.pool, user.id, year).await?;
    let page = LedgerPage {
        layout: ctx.layout(
            &state,
            "Pré-comptabilité",
            "Livre des recettes et registre des dépenses.",
        ),
        nav: nav_of(user.role),
        export: format!("{}/export.csv?year={year}", ctx.path),
        book,
    };
    Ok(render(StatusCode::OK, &page))
}

pub async fn ledger_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    Params(q): Params<YearQuery>,
) -> Result<Response> {
    let year = year_of(&q);
    let book = ledger::year(&state.pool, user.id, year).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"livre-des-recettes-{year}.csv\""),
            ),
        ],
        ledger::recettes_csv(&book),
    )
        .into_response())
}
