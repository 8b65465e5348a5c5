//! Login, signup, password reset, email verification and logout pages. They call the same
//! functions as `/api/auth/*` and work without JavaScript (plain form posts, then 303).

use std::net::SocketAddr;

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Ctx, Flash, Layout, render};
use crate::api::auth::{self as auth_api, LoginRequest, ResetRequest, SignupRequest, client_ip};
use crate::auth::RoleExt as _;
use crate::auth::access::safe_next;
use crate::auth::session;
use crate::error::Error;
use crate::middleware::flash_cookie;
use crate::state::AppState;

/// A form error shown above the form, and per-field messages.
#[derive(Debug, Default)]
pub struct FormErrors {
    pub message: Option<String>,
    pub fields: Vec<(&'static str, String)>,
}

impl FormErrors {
    pub fn from_error(e: &Error) -> Self {
        FormErrors {
            message: Some(e.message.to_string()),
            fields: e.fields.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        }
    }

    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn see_other(location: &str, cookies: &[HeaderValue]) -> Response {
    let mut res = Redirect::to(location).into_response();
    for c in cookies {
        res.headers_mut().append(header::SET_COOKIE, c.clone());
    }
    res
}

fn user_agent(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
}

// ---- login ----

#[derive(Template)]
#[template(path = "auth/login.html")]
pub struct LoginPage {
    pub layout: Layout,
    pub email: String,
    pub next: String,
    pub errors: FormErrors,
}

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
}

pub async fn login_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NextQuery>,
) -> Response {
    let page = LoginPage {
        layout: ctx.layout(&state, "Connexion", "Connectez-vous à votre espace SPYMEO."),
        email: String::new(),
        next: safe_next(q.next.as_deref()).unwrap_or_default(),
        errors: FormErrors::default(),
    };
    render(StatusCode::OK, &page)
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    pub email: String,
    pub password: String,
    #[serde(default)]
    pub next: String,
}

pub async fn login_submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ctx: Ctx,
    Form(form): Form<LoginForm>,
) -> Response {
    let ip = client_ip(&state, &headers, Some(peer));
    let req = LoginRequest {
        email: form.email.clone(),
        password: form.password,
    };
    match auth_api::login(&state, &req, ip, user_agent(&headers)).await {
        Ok(done) => {
            let target = safe_next(Some(&form.next)).unwrap_or_else(|| done.role.home().to_owned());
            let cookie = session::cookie(
                &done.token,
                spymeo_core::db::sessions::LIFETIME.num_seconds(),
                state.secure_cookies(),
            );
            see_other(&target, &[cookie])
        }
        Err(e) => {
            let page = LoginPage {
                layout: ctx.layout(&state, "Connexion", "Connectez-vous à votre espace SPYMEO."),
                email: form.email,
                next: safe_next(Some(&form.next)).unwrap_or_default(),
                errors: FormErrors::from_error(&e),
            };
            render(e.status, &page)
        }
    }
}

// ---- signup ----

#[derive(Template)]
#[template(path = "auth/signup.html")]
pub struct SignupPage {
    pub layout: Layout,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    /// FREE, PASS_MONTHLY or PASS_ANNUAL: the radio button checked.
    pub choice: String,
    pub errors: FormErrors,
}

#[derive(Debug, Deserialize)]
pub struct PlanQuery {
    pub plan: Option<String>,
}

pub async fn signup_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PlanQuery>,
) -> Response {
    let choice = match q.plan.as_deref() {
        Some("pass-mensuel") => "PASS_MONTHLY",
        Some("pass-annuel") => "PASS_ANNUAL",
        _ => "FREE",
    };
    let page = SignupPage {
        layout: ctx.layout(
            &state,
            "Créer un compte",
            "Créez votre compte SPYMEO gratuit ou avec le PASS.",
        ),
        first_name: String::new(),
        last_name: String::new(),
        email: String::new(),
        choice: choice.into(),
        errors: FormErrors::default(),
    };
    render(StatusCode::OK, &page)
}

#[derive(Debug, Deserialize)]
pub struct SignupForm {
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub choice: String,
    /// A checked checkbox sends "on"; an unchecked one sends nothing.
    #[serde(default)]
    pub accept_cgu: Option<String>,
}

pub async fn signup_submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ctx: Ctx,
    Form(form): Form<SignupForm>,
) -> Response {
    let (plan, pass_plan) = match form.choice.as_str() {
        "PASS_MONTHLY" => ("PASS", Some("MONTHLY")),
        "PASS_ANNUAL" => ("PASS", Some("ANNUAL")),
        _ => ("FREE", None),
    };
    let req = SignupRequest {
        first_name: form.first_name.clone(),
        last_name: form.last_name.clone(),
        email: form.email.clone(),
        password: form.password,
        plan: Some(plan.into()),
        pass_plan: pass_plan.map(Into::into),
        accept_cgu: form.accept_cgu.is_some(),
    };
    let ip = client_ip(&state, &headers, Some(peer));
    match auth_api::signup(&state, req, ip, user_agent(&headers)).await {
        Ok(done) => {
            let cookie = session::cookie(
                &done.token,
                spymeo_core::db::sessions::LIFETIME.num_seconds(),
                state.secure_cookies(),
            );
            let flash = flash_cookie(&Flash {
                kind: "success".into(),
                message: format!(
                    "Bienvenue {} ! Un e-mail de confirmation vous a été envoyé.",
                    done.user.first_name.as_deref().unwrap_or_default()
                ),
            });
            see_other(done.redirect_to, &[cookie, flash])
        }
        Err(e) => {
            let page = SignupPage {
                layout: ctx.layout(
                    &state,
                    "Créer un compte",
                    "Créez votre compte SPYMEO gratuit ou avec le PASS.",
                ),
                first_name: form.first_name,
                last_name: form.last_name,
                email: form.email,
                choice: form.choice,
                errors: FormErrors::from_error(&e),
            };
            render(e.status, &page)
        }
    }
}

// ---- password reset ----

#[derive(Template)]
#[template(path = "auth/reset.html")]
pub struct ResetRequestPage {
    pub layout: Layout,
    pub sent: bool,
    pub errors: FormErrors,
}

pub async fn reset_form(State(state): State<AppState>, ctx: Ctx) -> Response {
    let page = ResetRequestPage {
        layout: ctx.layout(
            &state,
            "Mot de passe oublié",
            "Recevez un lien pour choisir un nouveau mot de passe.",
        ),
        sent: false,
        errors: FormErrors::default(),
    };
    render(StatusCode::OK, &page)
}

#[derive(Debug, Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    pub email: String,
}

pub async fn reset_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<EmailForm>,
) -> Response {
    let result = auth_api::forgot_password(&state, &form.email).await;
    let (status, errors) = match &result {
        Ok(()) => (StatusCode::OK, FormErrors::default()),
        Err(e) => (e.status, FormErrors::from_error(e)),
    };
    let page = ResetRequestPage {
        layout: ctx.layout(
            &state,
            "Mot de passe oublié",
            "Recevez un lien pour choisir un nouveau mot de passe.",
        ),
        sent: result.is_ok(),
        errors,
    };
    render(status, &page)
}

#[derive(Template)]
#[template(path = "auth/new_password.html")]
pub struct NewPasswordPage {
    pub layout: Layout,
    pub token: String,
    pub errors: FormErrors,
}

#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    pub token: String,
}

pub async fn new_password_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<TokenQuery>,
) -> Response {
    let page = NewPasswordPage {
        layout: ctx.layout(
            &state,
            "Nouveau mot de passe",
            "Choisissez un nouveau mot de passe.",
        ),
        token: q.token,
        errors: FormErrors::default(),
    };
    render(StatusCode::OK, &page)
}

#[derive(Debug, Deserialize)]
pub struct NewPasswordForm {
    #[serde(default)]
    pub token: String,
    #[serde(default)]
    pub password: String,
}

pub async fn new_password_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<NewPasswordForm>,
) -> Response {
    let req = ResetRequest {
        token: form.token.clone(),
        password: form.password,
    };
    match auth_api::reset_password(&state, req).await {
        Ok(()) => {
            let flash = flash_cookie(&Flash {
                kind: "success".into(),
                message: "Mot de passe modifié : connectez-vous avec le nouveau.".into(),
            });
            see_other(
                "/auth/login",
                &[flash, session::clear_cookie(state.secure_cookies())],
            )
        }
        Err(e) => {
            let page = NewPasswordPage {
                layout: ctx.layout(
                    &state,
                    "Nouveau mot de passe",
                    "Choisissez un nouveau mot de passe.",
                ),
                token: form.token,
                errors: FormErrors::from_error(&e),
            };
            render(e.status, &page)
        }
    }
}

// ---- email verification, logout ----

#[derive(Template)]
#[template(path = "auth/message.html")]
pub struct MessagePage {
    pub layout: Layout,
    pub heading: String,
    pub message: String,
    pub link: (&'static str, &'static str),
}

pub async fn verify_email(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<TokenQuery>,
) -> Response {
    let result = auth_api::verify_email(&state, &q.token).await;
    let (status, heading, message) = match &result {
        Ok(()) => (
            StatusCode::OK,
            "Adresse confirmée",
            "Merci, votre adresse e-mail est confirmée.".to_owned(),
        ),
        Err(e) => (e.status, "Lien invalide", e.message.to_string()),
    };
    let page = MessagePage {
        layout: ctx.layout(&state, heading, heading),
        heading: heading.into(),
        message,
        link: ("/", "Retour à l'accueil"),
    };
    render(status, &page)
}

pub async fn logout(State(state): State<AppState>, ctx: Ctx) -> Response {
    if let Some(user) = &ctx.user
        && let Err(e) = spymeo_core::db::sessions::delete(&state.pool, &user.session_hash).await
    {
        return Error::from(e).into_response();
    }
    let flash = flash_cookie(&Flash {
        kind: "info".into(),
        message: "Vous êtes déconnecté.".into(),
    });
    see_other("/", &[session::clear_cookie(state.secure_cookies()), flash])
}
