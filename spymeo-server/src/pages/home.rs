//! `/`: hero with the search box, featured professionals, latest articles and the PASS
//! pitch — all from the database.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use spymeo_core::db::home::{self, ArticleCard, FeaturedPro};
use spymeo_core::domain::pass;

use super::{Ctx, Layout, euros, render};
use crate::error::Result;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "pages/home.html")]
pub struct HomePage {
    pub layout: Layout,
    pub pros: Vec<FeaturedPro>,
    pub articles: Vec<ArticleCard>,
    pub partner_count: i64,
    pub monthly: String,
    pub annual: String,
}

pub async fn show(State(state): State<AppState>, ctx: Ctx) -> Result<Response> {
    let (pros, articles, partner_count) = tokio::try_join!(
        home::featured_pros(&state.pool, 6),
        home::latest_articles(&state.pool, 3),
        home::active_partner_count(&state.pool),
    )?;
    let page = HomePage {
        layout: ctx.layout(
            &state,
            "SPYMEO — praticiens du bien-être, artisans et commerçants près de chez vous",
            "Trouvez un praticien du bien-être, un artisan, un commerçant ou un centre de formation \
             près de chez vous, et profitez des avantages du PASS SPYMEO.",
        ),
        pros,
        articles,
        partner_count,
        monthly: euros(pass::MONTHLY_PRICE_CENTS.into()),
        annual: euros(pass::ANNUAL_PRICE_CENTS.into()),
    };
    Ok(render(StatusCode::OK, &page))
}
