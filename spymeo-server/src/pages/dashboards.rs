//! The home pages reached after login: `/user/tableau-de-bord` (members), `/pro/dashboard`
//! (one per pro role) and `/admin`.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use spymeo_core::db::dashboards::{self, AdminDashboard, MemberDashboard, ProDashboard};

use super::{Ctx, Layout, euros, render};
use crate::auth::{CurrentUser, Role};
use crate::error::Result;
use crate::state::AppState;

/// "mardi 24/11 à 14:30", in Paris time.
pub fn paris(t: &chrono::DateTime<Utc>) -> String {
    use chrono_tz::Europe::Paris;
    const DAYS: [&str; 7] = [
        "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    ];
    let local = t.with_timezone(&Paris);
    let day = DAYS[chrono::Datelike::weekday(&local).num_days_from_monday() as usize];
    format!(
        "{day} {} à {}",
        local.format("%d/%m"),
        local.format("%H:%M")
    )
}

pub fn paris_time(t: &chrono::DateTime<Utc>) -> String {
    t.with_timezone(&chrono_tz::Europe::Paris)
        .format("%H:%M")
        .to_string()
}

#[derive(Template)]
#[template(path = "dashboards/member.html")]
pub struct MemberPage {
    pub layout: Layout,
    pub first_name: String,
    pub data: MemberDashboard,
}

pub async fn member(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
) -> Result<Response> {
    let data = dashboards::member(&state.pool, user.id, Utc::now()).await?;
    let page = MemberPage {
        layout: ctx.layout(
            &state,
            "Mon tableau de bord",
            "Vos rendez-vous, messages, PASS et favoris.",
        ),
        first_name: user.first_name.clone().unwrap_or_default(),
        data,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "dashboards/pro.html")]
pub struct ProPage {
    pub layout: Layout,
    pub name: String,
    pub data: ProDashboard,
}

pub async fn pro(State(state): State<AppState>, ctx: Ctx, user: CurrentUser) -> Result<Response> {
    let now = Utc::now();
    let data = match user.role {
        Role::Practitioner => dashboards::practitioner(&state.pool, user.id, now).await?,
        Role::Artisan => dashboards::artisan(&state.pool, user.id, now).await?,
        Role::Commercant => dashboards::merchant(&state.pool, user.id, now).await?,
        _ => dashboards::center(&state.pool, user.id, now).await?,
    };
    let page = ProPage {
        layout: ctx.layout(&state, "Tableau de bord pro", "Votre activité du jour."),
        name: user.display_name(),
        data,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "dashboards/admin.html")]
pub struct AdminPage {
    pub layout: Layout,
    pub data: AdminDashboard,
}

/// `/messages`, the link of every "new message" notification (written once for all
/// recipients): each role's own messaging page. Admins have no messaging.
pub async fn messages(user: CurrentUser) -> Result<axum::response::Redirect> {
    use crate::auth::RoleExt as _;
    match user.role {
        r if r.is_member() => Ok(axum::response::Redirect::to("/user/messagerie")),
        r if r.is_pro() => Ok(axum::response::Redirect::to("/pro/commun/messages")),
        _ => Err(crate::error::Error::not_found()),
    }
}

pub async fn admin(State(state): State<AppState>, ctx: Ctx) -> Result<Response> {
    let data = dashboards::admin(&state.pool, Utc::now()).await?;
    let page = AdminPage {
        layout: ctx.layout(&state, "Administration", "Indicateurs de la plateforme."),
        data,
    };
    Ok(render(StatusCode::OK, &page))
}

/// For templates: cents as French euros.
pub fn money(cents: &i64) -> String {
    euros(*cents)
}
