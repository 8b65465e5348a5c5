//! `/compte` (members) and `/pro/compte` (pros): profile, avatar, password, email
//! preferences, billing and account deletion, as plain forms over the account API's functions.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::Value;

use super::auth::FormErrors;
use super::{Ctx, Flash, Layout, render};
use crate::api::account::{self as api, MePatch, PasswordChange};
use crate::auth::CurrentUser;
use crate::auth::session;
use crate::error::{Error, Result};
use crate::middleware::flash_cookie;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "account/index.html")]
pub struct AccountPage {
    pub layout: Layout,
    pub base: &'static str,
    pub me: Value,
    pub billing: Value,
    pub errors: FormErrors,
    pub is_admin: bool,
}

impl AccountPage {
    /// A profile field of `me` as text for an input value.
    pub fn field(&self, name: &str) -> String {
        let v = if name == "firstName" || name == "lastName" {
            &self.me[name]
        } else {
            &self.me["profile"][name]
        };
        v.as_str().map(str::to_owned).unwrap_or_default()
    }

    pub fn pref(&self, name: &str) -> bool {
        self.me["profile"]["prefs"][name].as_bool().unwrap_or(false)
    }

    pub fn billing_str(&self, name: &str) -> String {
        self.billing[name]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_default()
    }

    /// Payment rows as (date, description, amount, status).
    pub fn payments(&self) -> Vec<[String; 4]> {
        let Some(list) = self.billing["payments"].as_array() else {
            return Vec::new();
        };
        list.iter()
            .map(|p| {
                let s = |k: &str| p[k].as_str().unwrap_or_default().to_owned();
                [
                    s("date").chars().take(10).collect(),
                    s("description"),
                    super::euros(p["amountCents"].as_i64().unwrap_or(0)),
                    s("status"),
                ]
            })
            .collect()
    }

    pub fn avatar_url(&self) -> Option<&str> {
        self.me["avatarUrl"].as_str()
    }

    pub fn email(&self) -> &str {
        self.me["email"].as_str().unwrap_or_default()
    }

    pub fn email_verified(&self) -> bool {
        self.me["emailVerified"].as_bool().unwrap_or(false)
    }
}

fn base(user: &CurrentUser) -> &'static str {
    if user.role.is_pro() {
        "/pro/compte"
    } else {
        "/compte"
    }
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response> {
    let billing = if user.role == crate::auth::Role::Admin {
        Value::Null
    } else {
        api::billing_json(state, user).await?
    };
    let page = AccountPage {
        layout: ctx.layout(
            state,
            "Mon compte",
            "Profil, mot de passe, préférences et abonnement.",
        ),
        base: base(user),
        me: api::me_json(state, user).await?,
        billing,
        errors,
        is_admin: user.role == crate::auth::Role::Admin,
    };
    Ok(render(status, &page))
}

pub async fn show(State(state): State<AppState>, ctx: Ctx, user: CurrentUser) -> Result<Response> {
    page(&state, &ctx, &user, FormErrors::default(), StatusCode::OK).await
}

fn done(user: &CurrentUser, message: &str) -> Response {
    let mut res = Redirect::to(base(user)).into_response();
    res.headers_mut().append(
        axum::http::header::SET_COOKIE,
        flash_cookie(&Flash {
            kind: "success".into(),
            message: message.into(),
        }),
    );
    res
}

async fn outcome(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    result: Result<()>,
    ok: &str,
) -> Result<Response> {
    match result {
        Ok(()) => Ok(done(user, ok)),
        Err(e) => page(state, ctx, user, FormErrors::from_error(&e), e.status).await,
    }
}

#[derive(Debug, Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub address_line: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub postal_code: String,
    #[serde(default)]
    pub bio: String,
    #[serde(default)]
    pub website: String,
}

pub async fn profile(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Form(f): Form<ProfileForm>,
) -> Result<Response> {
    // An emptied input clears the field.
    let opt = |s: String| Some(Some(s).filter(|s| !s.trim().is_empty()));
    let patch = MePatch {
        first_name: Some(f.first_name),
        last_name: Some(f.last_name),
        phone: opt(f.phone),
        address_line: opt(f.address_line),
        city: opt(f.city),
        postal_code: opt(f.postal_code),
        bio: opt(f.bio),
        website: opt(f.website),
        ..Default::default()
    };
    let result = async {
        let patch = api::check_patch(&patch)?;
        let mut tx = state.pool.begin().await?;
        spymeo_core::db::accounts::update_profile(&mut tx, user.id, &patch).await?;
        tx.commit().await?;
        Ok(())
    }
    .await;
    outcome(&state, &ctx, &user, result, "Profil enregistré.").await
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    pub current_password: String,
    #[serde(default)]
    pub new_password: String,
}

pub async fn password(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Form(f): Form<PasswordForm>,
) -> Result<Response> {
    let req = PasswordChange {
        current_password: f.current_password,
        new_password: f.new_password,
    };
    let result = api::change_password(&state, &user, req).await;
    outcome(
        &state,
        &ctx,
        &user,
        result,
        "Mot de passe modifié. Vos autres sessions ont été fermées.",
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct PreferencesForm {
    pub notify_appointments_email: Option<String>,
    pub notify_messages_email: Option<String>,
    pub newsletter: Option<String>,
}

pub async fn preferences(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<PreferencesForm>,
) -> Result<Response> {
    spymeo_core::db::accounts::set_email_preferences(
        &state.pool,
        user.id,
        f.notify_appointments_email.is_some(),
        f.notify_messages_email.is_some(),
        f.newsletter.is_some(),
    )
    .await?;
    Ok(done(&user, "Préférences enregistrées."))
}

pub async fn avatar(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    multipart: Multipart,
) -> Result<Response> {
    let result = async {
        let bytes = api::read_file_field(multipart, api::AVATAR_MAX_BYTES).await?;
        api::store_avatar(&state, &user, bytes).await.map(|_| ())
    }
    .await;
    outcome(&state, &ctx, &user, result, "Photo mise à jour.").await
}

#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub confirm: String,
}

pub async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Form(f): Form<DeleteForm>,
) -> Result<Response> {
    let req = api::DeleteRequest {
        password: f.password,
        confirm: f.confirm,
    };
    match api::delete_own_account(&state, &user, req).await {
        Ok(_) => {
            let mut res = Redirect::to("/").into_response();
            let h = res.headers_mut();
            h.append(
                axum::http::header::SET_COOKIE,
                session::clear_cookie(state.secure_cookies()),
            );
            h.append(
                axum::http::header::SET_COOKIE,
                flash_cookie(&Flash {
                    kind: "info".into(),
                    message: "Votre compte a été supprimé.".into(),
                }),
            );
            Ok(res)
        }
        Err(e) if e.status == StatusCode::FORBIDDEN => Err(Error::forbidden()),
        Err(e) => page(&state, &ctx, &user, FormErrors::from_error(&e), e.status).await,
    }
}
