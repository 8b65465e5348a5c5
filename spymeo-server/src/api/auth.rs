//! `/api/auth/*` (DOMAIN.md §6.2): signup, login, logout, forgot/reset password, email
//! verification. No answer says whether an email has an account (no user enumeration).

use std::net::{IpAddr, SocketAddr};

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use spymeo_core::db::{accounts, rate_limit, sessions};
use spymeo_core::mail::Email;
use uuid::Uuid;

use crate::auth::Role;
use crate::auth::RoleExt as _;
use crate::auth::session::{self, CurrentUser};
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::validate::{self, Fields};

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
    pub status: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub avatar_url: Option<String>,
    pub email_verified: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pass: Option<serde_json::Value>,
}

impl From<&CurrentUser> for Me {
    fn from(u: &CurrentUser) -> Self {
        Me {
            id: u.id,
            email: u.email.clone(),
            role: u.role,
            status: u.status.clone(),
            first_name: u.first_name.clone(),
            last_name: u.last_name.clone(),
            avatar_url: u.avatar_url.clone(),
            email_verified: u.email_verified,
            pass: u
                .pass
                .as_ref()
                .map(|(status, plan)| json!({"status": status, "plan": plan})),
        }
    }
}

/// The client address: the socket peer, or behind the ALB the last `X-Forwarded-For` hop
/// (the one the load balancer appended; earlier hops are client-controlled).
pub fn client_ip(
    state: &AppState,
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
) -> Option<IpAddr> {
    if state.inner.trust_proxy
        && let Some(ip) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse().ok())
    {
        return Some(ip);
    }
    peer.map(|p| p.ip())
}

fn rate_limited() -> Error {
    Error::new(
        StatusCode::TOO_MANY_REQUESTS,
        "RATE_LIMITED",
        "Trop de tentatives, veuillez réessayer dans quelques minutes",
    )
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignupRequest {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub password: String,
    #[serde(default)]
    pub plan: Option<String>,
    #[serde(default)]
    pub pass_plan: Option<String>,
    #[serde(default)]
    pub accept_cgu: bool,
}

pub struct SignedUp {
    pub user: CurrentUser,
    pub redirect_to: &'static str,
    pub token: String,
}

/// Shared by the API and the signup page: validates, creates the account and its first
/// session, and queues the verification email, in one transaction.
pub async fn signup(
    state: &AppState,
    req: SignupRequest,
    ip: Option<IpAddr>,
    user_agent: Option<&str>,
) -> Result<SignedUp> {
    let mut f = Fields::default();
    let first_name = f.name("firstName", &req.first_name);
    let last_name = f.name("lastName", &req.last_name);
    let email = f.email("email", &req.email);
    f.password("password", &req.password);
    if !req.accept_cgu {
        f.add("acceptCgu", "Vous devez accepter les conditions générales");
    }
    let pass_plan = match req.plan.as_deref().unwrap_or("FREE") {
        "FREE" => None,
        "PASS" => match req.pass_plan.as_deref().unwrap_or("MONTHLY") {
            p @ ("MONTHLY" | "ANNUAL") => Some(p),
            _ => {
                f.add("passPlan", "Formule inconnue");
                None
            }
        },
        _ => {
            f.add("plan", "Formule inconnue");
            None
        }
    };
    f.finish()?;
    if let Some(ip) = ip {
        let now = chrono::Utc::now();
        if !rate_limit::hit(
            &state.pool,
            &format!("signup:{ip}"),
            rate_limit::SIGNUP,
            now,
        )
        .await?
        {
            return Err(rate_limited());
        }
    }
    let hash = validate::hash_password(req.password).await?;
    let now = chrono::Utc::now();
    let token = spymeo_core::token::generate();
    let token_hash = state
        .inner
        .session_keys
        .current_hash(&token)
        .ok_or_else(Error::internal)?;
    let verify_token = spymeo_core::token::generate();
    let verify_hash = state
        .inner
        .session_keys
        .current_hash(&verify_token)
        .ok_or_else(Error::internal)?;

    let mut tx = state.pool.begin().await?;
    let member = accounts::NewMember {
        first_name: &first_name,
        last_name: &last_name,
        email: &email,
        password_hash: &hash,
    };
    let id = accounts::create_member(&mut tx, &member, pass_plan, now).await?;
    sessions::create(&mut tx, &token_hash, id, ip, user_agent, now).await?;
    accounts::issue_verification_token(&mut tx, id, &email, &verify_hash, now).await?;
    spymeo_core::db::outbox::enqueue(
        &mut tx,
        &verification_email(state, &email, &first_name, &verify_token),
        Some(id),
    )
    .await?;
    tx.commit().await?;

    let user = CurrentUser {
        id,
        email,
        role: Role::FreeUser,
        status: "ACTIVE".into(),
        first_name: Some(first_name),
        last_name: Some(last_name),
        avatar_url: None,
        email_verified: false,
        pass: pass_plan.map(|p| ("PENDING_PAYMENT".to_owned(), p.to_owned())),
        session_hash: token_hash,
    };
    Ok(SignedUp {
        user,
        redirect_to: if pass_plan.is_some() {
            "/payment/pass"
        } else {
            "/user/tableau-de-bord"
        },
        token,
    })
}

fn verification_email(state: &AppState, to: &str, first_name: &str, token: &str) -> Email {
    Email {
        to: to.to_owned(),
        subject: "Confirmez votre adresse e-mail SPYMEO".into(),
        body: format!(
            "Bonjour {first_name},\n\nPour confirmer votre adresse e-mail, ouvrez ce lien (valable 3 jours) :\n{}/auth/verifier-email?token={token}\n\nSi vous n'avez pas créé de compte SPYMEO, ignorez ce message.\n\nL'équipe SPYMEO",
            state.inner.app_url.trim_end_matches('/')
        ),
        template: "email_verification",
    }
}

pub async fn signup_api(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Json(req): Json<SignupRequest>,
) -> Result<Response> {
    let ip = client_ip(&state, &headers, Some(peer));
    let ua = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok());
    let done = signup(&state, req, ip, ua).await?;
    let cookie = session::cookie(
        &done.token,
        sessions::LIFETIME.num_seconds(),
        state.secure_cookies(),
    );
    Ok((
        StatusCode::CREATED,
        [(header::SET_COOKIE, cookie)],
        Json(json!({ "user": Me::from(&done.user), "redirectTo": done.redirect_to })),
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

pub struct LoggedIn {
    pub token: String,
    pub role: Role,
    pub user_id: Uuid,
}

/// Shared by the API and the login page. The same error for an unknown email and a wrong
/// password, and a password check in both cases, so neither the answer nor its timing tells
/// whether an account exists.
pub async fn login(
    state: &AppState,
    req: &LoginRequest,
    ip: Option<IpAddr>,
    user_agent: Option<&str>,
) -> Result<LoggedIn> {
    let email = req.email.trim().to_lowercase();
    if email.is_empty() || req.password.is_empty() {
        return Err(Error::new(
            StatusCode::BAD_REQUEST,
            "VALIDATION_FAILED",
            "E-mail et mot de passe sont requis",
        ));
    }
    let now = chrono::Utc::now();
    let key = format!(
        "login:{email}:{}",
        ip.map(|i| i.to_string()).unwrap_or_default()
    );
    if !rate_limit::hit(&state.pool, &key, rate_limit::LOGIN, now).await? {
        return Err(rate_limited());
    }
    let row = accounts::find_for_login(&state.pool, &email).await?;
    let stored = row.as_ref().and_then(|r| r.password_hash.clone());
    let ok = validate::verify_password(req.password.clone(), stored).await?;
    let invalid = || {
        Error::new(
            StatusCode::UNAUTHORIZED,
            "INVALID_CREDENTIALS",
            "E-mail ou mot de passe incorrect",
        )
    };
    let row = match (ok, row) {
        (true, Some(row)) => row,
        _ => return Err(invalid()),
    };
    match row.status.as_str() {
        "PENDING_VALIDATION" => {
            return Err(Error::new(
                StatusCode::FORBIDDEN,
                "ACCOUNT_PENDING_VALIDATION",
                "Votre candidature est en cours d'étude (72 h). Vous recevrez un e-mail dès la décision.",
            ));
        }
        "REJECTED" => {
            return Err(Error::new(
                StatusCode::FORBIDDEN,
                "ACCOUNT_REJECTED",
                "Votre candidature n'a pas été retenue",
            ));
        }
        "SUSPENDED" => {
            return Err(Error::new(
                StatusCode::FORBIDDEN,
                "ACCOUNT_SUSPENDED",
                "Ce compte est suspendu",
            ));
        }
        _ => {}
    }
    let role: Role = row.role.parse().map_err(|_| Error::internal())?;
    let token = spymeo_core::token::generate();
    let hash = state
        .inner
        .session_keys
        .current_hash(&token)
        .ok_or_else(Error::internal)?;
    let mut conn = state.pool.acquire().await?;
    sessions::create(&mut conn, &hash, row.id, ip, user_agent, now).await?;
    accounts::record_login(&state.pool, row.id, now).await?;
    Ok(LoggedIn {
        token,
        role,
        user_id: row.id,
    })
}

pub async fn login_api(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Json(req): Json<LoginRequest>,
) -> Result<Response> {
    let ip = client_ip(&state, &headers, Some(peer));
    let ua = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok());
    let done = login(&state, &req, ip, ua).await?;
    let hashes = state.inner.session_keys.hashes(&done.token);
    let found = sessions::find(&state.pool, &hashes, chrono::Utc::now())
        .await?
        .ok_or_else(Error::internal)?;
    let user = crate::auth::session::current_user(found).ok_or_else(Error::internal)?;
    let cookie = session::cookie(
        &done.token,
        sessions::LIFETIME.num_seconds(),
        state.secure_cookies(),
    );
    Ok((
        [(header::SET_COOKIE, cookie)],
        Json(json!({ "user": Me::from(&user), "redirectTo": done.role.home() })),
    )
        .into_response())
}

pub async fn logout_api(State(state): State<AppState>, user: CurrentUser) -> Result<Response> {
    sessions::delete(&state.pool, &user.session_hash).await?;
    Ok(session::ended(state.secure_cookies()))
}

#[derive(Debug, Deserialize)]
pub struct ForgotRequest {
    pub email: String,
}

/// Always the same answer; the email goes out only when the account exists.
pub async fn forgot_password(state: &AppState, email: &str) -> Result<()> {
    let email = email.trim().to_lowercase();
    let now = chrono::Utc::now();
    if !rate_limit::hit(
        &state.pool,
        &format!("forgot:{email}"),
        rate_limit::FORGOT_PASSWORD,
        now,
    )
    .await?
    {
        return Err(rate_limited());
    }
    let Some(row) = accounts::find_for_login(&state.pool, &email).await? else {
        return Ok(());
    };
    let token = spymeo_core::token::generate();
    let hash = state
        .inner
        .session_keys
        .current_hash(&token)
        .ok_or_else(Error::internal)?;
    let mut tx = state.pool.begin().await?;
    accounts::issue_reset_token(&mut tx, row.id, &hash, accounts::RESET_TTL, now).await?;
    let mail = Email {
        to: email.clone(),
        subject: "Réinitialisation de votre mot de passe SPYMEO".into(),
        body: format!(
            "Bonjour,\n\nPour choisir un nouveau mot de passe, ouvrez ce lien (valable 1 heure) :\n{}/auth/reset-password?token={token}\n\nSi vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe reste inchangé.\n\nL'équipe SPYMEO",
            state.inner.app_url.trim_end_matches('/')
        ),
        template: "password_reset",
    };
    spymeo_core::db::outbox::enqueue(&mut tx, &mail, Some(row.id)).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn forgot_password_api(
    State(state): State<AppState>,
    Json(req): Json<ForgotRequest>,
) -> Result<Response> {
    forgot_password(&state, &req.email).await?;
    Ok(StatusCode::ACCEPTED.into_response())
}

#[derive(Debug, Deserialize)]
pub struct ResetRequest {
    pub token: String,
    pub password: String,
}

/// Sets the new password and ends every session of the account.
pub async fn reset_password(state: &AppState, req: ResetRequest) -> Result<()> {
    let mut f = Fields::default();
    f.password("password", &req.password);
    f.finish()?;
    let hashes = state.inner.session_keys.hashes(req.token.trim());
    let invalid = || {
        Error::new(
            StatusCode::BAD_REQUEST,
            "TOKEN_INVALID_OR_EXPIRED",
            "Ce lien n'est plus valable, faites une nouvelle demande",
        )
    };
    if hashes.is_empty() {
        return Err(invalid());
    }
    let password_hash = validate::hash_password(req.password).await?;
    let mut tx = state.pool.begin().await?;
    let user_id = accounts::consume_reset_token(&mut tx, &hashes, chrono::Utc::now())
        .await?
        .ok_or_else(invalid)?;
    accounts::set_password(&mut tx, user_id, &password_hash).await?;
    sessions::delete_for_user(&mut tx, user_id, None).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn reset_password_api(
    State(state): State<AppState>,
    Json(req): Json<ResetRequest>,
) -> Result<Response> {
    reset_password(&state, req).await?;
    Ok(session::ended(state.secure_cookies()))
}

#[derive(Debug, Deserialize)]
pub struct VerifyRequest {
    pub token: String,
}

pub async fn verify_email(state: &AppState, token: &str) -> Result<()> {
    let hashes = state.inner.session_keys.hashes(token.trim());
    let mut tx = state.pool.begin().await?;
    let done = accounts::verify_email(&mut tx, &hashes, chrono::Utc::now()).await?;
    tx.commit().await?;
    done.map(|_| ()).ok_or_else(|| {
        Error::new(
            StatusCode::BAD_REQUEST,
            "TOKEN_INVALID_OR_EXPIRED",
            "Ce lien de confirmation n'est plus valable",
        )
    })
}

pub async fn verify_email_api(
    State(state): State<AppState>,
    Json(req): Json<VerifyRequest>,
) -> Result<Response> {
    verify_email(&state, &req.token).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
