//! `/api/auth/*` (DOMAIN.md §6.2): signup, login, logout, forgot/reset password, email
//! verification. No answer says whether an email has an account (no user enumeration).

use std::net::{IpAddr, SocketAddr};

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use spymeo_core::db::{accounts, rate_limit, sessions};
use spymeo_core::mail::Email;
use uuid::Uuid;

use crate::api::input::Body;
use crate::auth::Role;
use crate::auth::RoleExt as _;
use crate::auth::session::{self, CurrentUser};
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::validate::{self, Fields};

/// This module's part of the OpenAPI document (joined in `api::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        signup_api,
        login_api,
        logout_api,
        forgot_password_api,
        reset_password_api,
        verify_email_api
    ),
    components(schemas(
        Me,
        MePass,
        AccountRole,
        AccountStatus,
        AuthOut,
        SignupRequest,
        SignupPlan,
        SignupPassPlan,
        LoginRequest,
        ForgotRequest,
        ForgotAccepted,
        ResetRequest,
        VerifyRequest
    ))
)]
pub struct ApiDoc;

/// The role of an account, as the API writes it.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(dead_code)] // describes `Role`'s JSON form
pub enum AccountRole {
    FreeUser,
    PassUser,
    Practitioner,
    Artisan,
    Commercant,
    Center,
    Admin,
}

/// The status of an account (`users.status`).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(dead_code)] // describes `CurrentUser::status`
pub enum AccountStatus {
    Active,
    PendingValidation,
    PendingPayment,
    Rejected,
    Suspended,
}

/// The logged-in account (`user` of the login and signup answers).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    pub id: Uuid,
    pub email: String,
    #[schema(value_type = AccountRole)]
    pub role: Role,
    #[schema(value_type = AccountStatus)]
    pub status: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub avatar_url: Option<String>,
    pub email_verified: bool,
    /// The member's PASS subscription, present only when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false, nullable = false)]
    pub pass: Option<MePass>,
}

/// A PASS subscription in [`Me`].
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MePass {
    /// PENDING_PAYMENT, ACTIVE, PAUSED, PAST_DUE, CANCELLED or EXPIRED.
    #[schema(example = "ACTIVE")]
    pub status: String,
    /// MONTHLY or ANNUAL.
    #[schema(example = "MONTHLY")]
    pub plan: String,
}

/// The answer of a successful login or signup.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthOut {
    pub user: Me,
    /// Where the front end should go next (home of the role, or the PASS payment).
    #[schema(example = "/user/tableau-de-bord")]
    pub redirect_to: &'static str,
}

/// `true` is the only accepted value (consent).
pub(crate) fn must_be_true() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::Boolean)
        .enum_values(Some([true]))
        .build()
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
            pass: u.pass.as_ref().map(|(status, plan)| MePass {
                status: status.clone(),
                plan: plan.clone(),
            }),
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

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SignupRequest {
    #[schema(min_length = 1, max_length = 80, pattern = r"\S", example = "Claire")]
    pub first_name: String,
    #[schema(min_length = 1, max_length = 80, pattern = r"\S", example = "Martin")]
    pub last_name: String,
    #[schema(format = Email, max_length = 254, example = "claire@example.fr")]
    pub email: String,
    /// 8 to 128 characters, at least one digit.
    #[schema(
        min_length = 8,
        max_length = 128,
        pattern = "[0-9]",
        example = "motdepasse1"
    )]
    pub password: String,
    /// FREE (default) or PASS (then the PASS payment follows).
    #[serde(default)]
    #[schema(value_type = Option<SignupPlan>)]
    pub plan: Option<String>,
    /// With `plan` PASS: MONTHLY (default) or ANNUAL.
    #[serde(default)]
    #[schema(value_type = Option<SignupPassPlan>)]
    pub pass_plan: Option<String>,
    /// Must be `true`: the general terms are accepted.
    #[serde(default)]
    #[schema(schema_with = must_be_true, required = true)]
    pub accept_cgu: bool,
}

#[derive(utoipa::ToSchema)]
#[schema(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(dead_code)] // describes `SignupRequest::plan`
pub enum SignupPlan {
    Free,
    Pass,
}

#[derive(utoipa::ToSchema)]
#[schema(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(dead_code)] // describes `SignupRequest::pass_plan`
pub enum SignupPassPlan {
    Monthly,
    Annual,
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

/// Creates a member account (FREE, or PASS pending payment) and opens its session.
#[utoipa::path(post, path = "/api/auth/signup", tag = "auth",
    request_body = SignupRequest,
    responses(
        (status = 201, description = "Compte créé et connecté (cookie de session posé)", body = AuthOut,
            headers(("Set-Cookie" = String, description = "Cookie de session `spymeo_session`"))),
        (status = 409, description = "Adresse e-mail déjà utilisée (EMAIL_TAKEN)", body = crate::api::openapi::ErrorEnvelope),
        (status = 429, description = "Trop d'inscriptions depuis cette adresse (RATE_LIMITED)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn signup_api(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Body(req): Body<SignupRequest>,
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
        Json(AuthOut {
            user: Me::from(&done.user),
            redirect_to: done.redirect_to,
        }),
    )
        .into_response())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    /// Compared case-insensitively, surrounding spaces ignored.
    #[schema(pattern = r"\S", example = "claire@example.fr")]
    pub email: String,
    #[schema(min_length = 1, example = "motdepasse1")]
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

/// Opens a session. Unknown email and wrong password answer the same 401.
#[utoipa::path(post, path = "/api/auth/login", tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Connecté (cookie de session posé)", body = AuthOut,
            headers(("Set-Cookie" = String, description = "Cookie de session `spymeo_session`"))),
        (status = 401, description = "E-mail ou mot de passe incorrect (INVALID_CREDENTIALS)", body = crate::api::openapi::ErrorEnvelope),
        (status = 403, description = "Déjà connecté, origine étrangère (CSRF), ou compte pro en attente, refusé ou suspendu (ACCOUNT_PENDING_VALIDATION, ACCOUNT_REJECTED, ACCOUNT_SUSPENDED)", body = crate::api::openapi::ErrorEnvelope),
        (status = 429, description = "Trop de tentatives (RATE_LIMITED)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn login_api(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Body(req): Body<LoginRequest>,
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
        Json(AuthOut {
            user: Me::from(&user),
            redirect_to: done.role.home(),
        }),
    )
        .into_response())
}

/// Ends the current session.
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth",
    responses(
        (status = 204, description = "Session terminée (cookie effacé)",
            headers(("Set-Cookie" = String, description = "Cookie de session effacé"))),
    ))]
pub async fn logout_api(State(state): State<AppState>, user: CurrentUser) -> Result<Response> {
    sessions::delete(&state.pool, &user.session_hash).await?;
    Ok(session::ended(state.secure_cookies()))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ForgotRequest {
    /// Any text: the answer is the same whether an account has it or not.
    #[schema(example = "claire@example.fr")]
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

/// Sends a reset link when the address has an account; the answer never tells.
#[utoipa::path(post, path = "/api/auth/forgot-password", tag = "auth",
    request_body = ForgotRequest,
    responses(
        (status = 202, description = "Demande prise en compte (e-mail envoyé si le compte existe)", body = ForgotAccepted),
        (status = 429, description = "Trop de demandes pour cette adresse (RATE_LIMITED)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn forgot_password_api(
    State(state): State<AppState>,
    Body(req): Body<ForgotRequest>,
) -> Result<Response> {
    forgot_password(&state, &req.email).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(ForgotAccepted {
            message: "Si un compte existe pour cette adresse, un e-mail de réinitialisation vient d'être envoyé",
        }),
    )
        .into_response())
}

/// The same answer whether the address has an account or not.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ForgotAccepted {
    pub message: &'static str,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ResetRequest {
    /// The token of the emailed link.
    pub token: String,
    /// 8 to 128 characters, at least one digit.
    #[schema(
        min_length = 8,
        max_length = 128,
        pattern = "[0-9]",
        example = "nouveau1motdepasse"
    )]
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

/// Sets a new password with the emailed token; every session of the account ends.
#[utoipa::path(post, path = "/api/auth/reset-password", tag = "auth",
    request_body = ResetRequest,
    responses(
        (status = 204, description = "Mot de passe changé, sessions fermées (cookie effacé)",
            headers(("Set-Cookie" = String, description = "Cookie de session effacé"))),
        (status = 400, description = "Mot de passe invalide (VALIDATION_FAILED) ou lien expiré (TOKEN_INVALID_OR_EXPIRED)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn reset_password_api(
    State(state): State<AppState>,
    Body(req): Body<ResetRequest>,
) -> Result<Response> {
    reset_password(&state, req).await?;
    Ok(session::ended(state.secure_cookies()))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct VerifyRequest {
    /// The token of the emailed confirmation link.
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

/// Confirms the account's email address with the emailed token.
#[utoipa::path(post, path = "/api/auth/verify-email", tag = "auth",
    request_body = VerifyRequest,
    responses(
        (status = 204, description = "Adresse confirmée"),
        (status = 400, description = "Lien invalide ou expiré (TOKEN_INVALID_OR_EXPIRED)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn verify_email_api(
    State(state): State<AppState>,
    Body(req): Body<VerifyRequest>,
) -> Result<Response> {
    verify_email(&state, &req.token).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
