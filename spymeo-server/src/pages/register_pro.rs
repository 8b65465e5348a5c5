//! `/devenir-membre-pro` and its aliases: the professional offer and the application form
//! (documents included), posted as multipart without JavaScript.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::auth::{FormErrors, MessagePage};
use super::{Ctx, Layout, render};
use crate::api::register_pro;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "pro/register.html")]
pub struct RegisterPage {
    pub layout: Layout,
    /// The activity preselected by the alias the visitor came through.
    pub role: &'static str,
    pub errors: FormErrors,
}

fn form(
    state: &AppState,
    ctx: &Ctx,
    role: &'static str,
    errors: FormErrors,
    status: StatusCode,
) -> Response {
    let page = RegisterPage {
        layout: ctx.layout(
            state,
            "Devenir membre pro",
            "Praticiens, artisans, commerçants et centres de formation : rejoignez le réseau SPYMEO.",
        ),
        role,
        errors,
    };
    render(status, &page)
}

pub async fn offer(State(state): State<AppState>, ctx: Ctx) -> Response {
    let role = match ctx.path.as_str() {
        "/praticiens/devenir-membre" => "PRACTITIONER",
        "/commercants-artisans/devenir-membre" => "ARTISAN",
        "/centres-de-formation/devenir-membre" => "CENTER",
        _ => "",
    };
    form(&state, &ctx, role, FormErrors::default(), StatusCode::OK)
}

pub async fn submit(State(state): State<AppState>, ctx: Ctx, multipart: Multipart) -> Response {
    let result = async {
        let upload = register_pro::read(multipart).await?;
        register_pro::register(&state, upload).await
    }
    .await;
    match result {
        Ok(_) => {
            let page = MessagePage {
                layout: ctx.layout(&state, "Candidature envoyée", "Votre candidature est en cours d'étude."),
                heading: "Candidature envoyée".into(),
                message: "Merci ! Notre équipe étudie votre candidature sous 72 h et vous écrira dès sa décision. \
                          Vous pourrez ensuite régler l'adhésion et activer votre espace pro."
                    .into(),
                link: ("/", "Retour à l'accueil"),
            };
            render(StatusCode::CREATED, &page)
        }
        Err(e) => form(&state, &ctx, "", FormErrors::from_error(&e), e.status),
    }
}
