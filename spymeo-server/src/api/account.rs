//! `/api/account/*` (DOMAIN.md §6.3): the logged-in account's own data. Open to every
//! logged-in account, including pros not yet ACTIVE (they must reach billing to pay).

use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;
use spymeo_core::db::{accounts, sessions};

use super::auth::Me;
use crate::api::input::Body;
use crate::auth::Role;
use crate::auth::session::{self, CurrentUser};
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::validate::{self, Fields};

/// This module's part of the OpenAPI document (joined in `api::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        me,
        update_me,
        password,
        upload_avatar,
        delete_avatar,
        email_preferences,
        billing,
        delete
    ),
    components(schemas(
        AccountMe,
        AccountProfile,
        EmailPreferences,
        MePatch,
        PasswordChange,
        AvatarOut,
        Billing,
        BillingPlan,
        BillingPause,
        BillingPayment,
        DeleteRequest
    ))
)]
pub struct ApiDoc;

/// The account with its profile (`GET /api/account/me`).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AccountMe {
    #[serde(flatten)]
    pub me: Me,
    pub profile: AccountProfile,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountProfile {
    pub phone: Option<String>,
    pub birth_date: Option<chrono::NaiveDate>,
    pub address_line: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub bio: Option<String>,
    pub website: Option<String>,
    pub prefs: EmailPreferences,
}

/// The URL of the new avatar.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AvatarOut {
    #[schema(example = "/media/avatars/…/….png")]
    pub avatar_url: String,
}

/// The multipart body of an avatar upload.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes what `read_file_field` reads
pub struct AvatarForm {
    /// JPEG, PNG or WebP (recognised from its bytes), 2 MiB at most.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// What the account pays (`GET /api/account/billing`).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Billing {
    #[schema(inline)]
    pub plan: BillingPlan,
    /// The PASS formula (MONTHLY or ANNUAL), when there is a subscription.
    pub renewal: Option<String>,
    /// The PASS subscription status (PENDING_PAYMENT, ACTIVE, PAUSED, PAST_DUE, CANCELLED, EXPIRED).
    pub status: Option<String>,
    pub current_period_end: Option<chrono::DateTime<chrono::Utc>>,
    pub member_since: Option<chrono::DateTime<chrono::Utc>>,
    pub cancel_at_period_end: bool,
    pub pause: BillingPause,
    /// The last 100 PASS payments, latest period first.
    pub payments: Vec<BillingPayment>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BillingPlan {
    Free,
    Pass,
    Pro,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct BillingPause {
    /// The one pause of the subscription has been used.
    pub used: bool,
    pub active: bool,
    pub until: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BillingPayment {
    pub id: uuid::Uuid,
    /// Payment date (creation date while unpaid).
    pub date: chrono::DateTime<chrono::Utc>,
    pub amount_cents: i32,
    pub description: &'static str,
    /// PAID, FAILED or REFUNDED.
    pub status: String,
    pub receipt_url: Option<String>,
}

/// Avatars: 2 MiB, and only formats recognised from their first bytes (never from the
/// client's Content-Type).
pub const AVATAR_MAX_BYTES: usize = 2 * 1024 * 1024;

/// The account as JSON (the account page renders it).
pub async fn me_json(state: &AppState, user: &CurrentUser) -> Result<Value> {
    serde_json::to_value(me_out(state, user).await?).map_err(|_| Error::internal())
}

pub async fn me_out(state: &AppState, user: &CurrentUser) -> Result<AccountMe> {
    let p = accounts::profile(&state.pool, user.id).await?;
    let mut me = Me::from(user);
    me.avatar_url = p.avatar_url;
    Ok(AccountMe {
        me,
        profile: AccountProfile {
            phone: p.phone,
            birth_date: p.birth_date,
            address_line: p.address_line,
            city: p.city,
            postal_code: p.postal_code,
            bio: p.bio,
            website: p.website,
            prefs: EmailPreferences {
                notify_appointments_email: p.notify_appointments_email,
                notify_messages_email: p.notify_messages_email,
                newsletter: p.newsletter,
            },
        },
    })
}

/// The logged-in account with its profile and email preferences.
#[utoipa::path(get, path = "/api/account/me", tag = "account",
    responses((status = 200, description = "Le compte connecté", body = AccountMe)))]
pub async fn me(State(state): State<AppState>, user: CurrentUser) -> Result<Json<AccountMe>> {
    Ok(Json(me_out(&state, &user).await?))
}

/// Absent field: unchanged; `null`: cleared; value: set. An empty or blank text clears too.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MePatch {
    /// Absent or null: unchanged.
    #[schema(min_length = 1, max_length = 80, pattern = r"\S")]
    pub first_name: Option<String>,
    /// Absent or null: unchanged.
    #[schema(min_length = 1, max_length = 80, pattern = r"\S")]
    pub last_name: Option<String>,
    /// 6 to 20 characters among digits, spaces and `.()-`, optionally after a leading `+`.
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, nullable,
        pattern = r"^\s*(\+[0-9 .()-]{5,18}[0-9.()-]|[0-9.()-][0-9 .()-]{4,18}[0-9.()-])?\s*$",
        example = "06 12 34 56 78")]
    pub phone: Option<Option<String>>,
    /// After 1900-01-01 and not in the future.
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<chrono::NaiveDate>, nullable, example = "1985-04-12")]
    pub birth_date: Option<Option<chrono::NaiveDate>>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, nullable)]
    pub address_line: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, nullable)]
    pub city: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, nullable, pattern = r"^\s*([0-9]{5})?\s*$", example = "21000")]
    pub postal_code: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, nullable, max_length = 2000)]
    pub bio: Option<Option<String>>,
    /// Starts with `http://` or `https://`.
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, nullable, pattern = r"^\s*(https?://[\s\S]*)?$",
        example = "https://example.fr")]
    pub website: Option<Option<String>>,
}

mod double_option {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        Option::<T>::deserialize(d).map(Some)
    }
}

fn trimmed(v: &Option<Option<String>>) -> Option<Option<String>> {
    v.as_ref().map(|o| {
        o.as_ref()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    })
}

/// Checks a patch and turns it into the core update (shared with the account page).
pub fn check_patch(patch: &MePatch) -> Result<accounts::ProfilePatch> {
    let mut f = Fields::default();
    let first_name = patch.first_name.as_deref().map(|v| f.name("firstName", v));
    let last_name = patch.last_name.as_deref().map(|v| f.name("lastName", v));
    let phone = trimmed(&patch.phone);
    if let Some(Some(p)) = &phone {
        let chars_ok = p
            .chars()
            .all(|c| c.is_ascii_digit() || " .()+-".contains(c));
        if !(6..=20).contains(&p.len()) || !chars_ok {
            f.add("phone", "Numéro de téléphone invalide");
        }
    }
    let postal_code = trimmed(&patch.postal_code);
    if let Some(Some(pc)) = &postal_code
        && !(pc.len() == 5 && pc.chars().all(|c| c.is_ascii_digit()))
    {
        f.add("postalCode", "Code postal invalide (5 chiffres)");
    }
    let website = trimmed(&patch.website);
    if let Some(Some(w)) = &website
        && !(w.starts_with("https://") || w.starts_with("http://"))
    {
        f.add("website", "L'adresse doit commencer par https://");
    }
    let bio = trimmed(&patch.bio);
    if let Some(Some(b)) = &bio
        && b.chars().count() > 2000
    {
        f.add("bio", "2 000 caractères au maximum");
    }
    if let Some(Some(d)) = patch.birth_date
        && (d <= chrono::NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default()
            || d > chrono::Utc::now().date_naive())
    {
        f.add("birthDate", "Date de naissance invalide");
    }
    f.finish()?;
    Ok(accounts::ProfilePatch {
        first_name,
        last_name,
        phone,
        birth_date: patch.birth_date,
        address_line: trimmed(&patch.address_line),
        city: trimmed(&patch.city),
        postal_code,
        bio,
        website,
    })
}

/// Changes the account's names and profile fields; answers the updated account.
#[utoipa::path(patch, path = "/api/account/me", tag = "account",
    request_body = MePatch,
    responses((status = 200, description = "Le compte mis à jour", body = AccountMe)))]
pub async fn update_me(
    State(state): State<AppState>,
    user: CurrentUser,
    Body(patch): Body<MePatch>,
) -> Result<Json<AccountMe>> {
    let patch = check_patch(&patch)?;
    let mut tx = state.pool.begin().await?;
    accounts::update_profile(&mut tx, user.id, &patch).await?;
    tx.commit().await?;
    let mut user = user;
    if let Some(f) = patch.first_name {
        user.first_name = Some(f);
    }
    if let Some(l) = patch.last_name {
        user.last_name = Some(l);
    }
    Ok(Json(me_out(&state, &user).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PasswordChange {
    pub current_password: String,
    /// 8 to 128 characters, at least one digit.
    #[schema(
        min_length = 8,
        max_length = 128,
        pattern = "[0-9]",
        example = "nouveau1motdepasse"
    )]
    pub new_password: String,
}

/// Changes the password; every other session of the account ends.
pub async fn change_password(
    state: &AppState,
    user: &CurrentUser,
    req: PasswordChange,
) -> Result<()> {
    let mut f = Fields::default();
    f.password("newPassword", &req.new_password);
    f.finish()?;
    let stored = accounts::password_hash(&state.pool, user.id).await?;
    if !validate::verify_password(req.current_password, stored).await? {
        return Err(Error::new(
            StatusCode::UNAUTHORIZED,
            "INVALID_CREDENTIALS",
            "Mot de passe actuel incorrect",
        ));
    }
    let hash = validate::hash_password(req.new_password).await?;
    let mut tx = state.pool.begin().await?;
    accounts::set_password(&mut tx, user.id, &hash).await?;
    sessions::delete_for_user(&mut tx, user.id, Some(&user.session_hash)).await?;
    tx.commit().await?;
    Ok(())
}

/// Changes the password; every other session of the account ends.
#[utoipa::path(post, path = "/api/account/password", tag = "account",
    request_body = PasswordChange,
    responses(
        (status = 204, description = "Mot de passe changé"),
        (status = 401, description = "Pas de session (UNAUTHENTICATED) ou mot de passe actuel incorrect (INVALID_CREDENTIALS)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn password(
    State(state): State<AppState>,
    user: CurrentUser,
    Body(req): Body<PasswordChange>,
) -> Result<StatusCode> {
    change_password(&state, &user, req).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The image type of an upload, from its magic bytes.
pub fn image_kind(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(("image/jpeg", "jpg"))
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(("image/png", "png"))
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(("image/webp", "webp"))
    } else {
        None
    }
}

/// Reads the `file` field of a multipart upload, refusing more than `max` bytes.
pub async fn read_file_field(mut multipart: Multipart, max: usize) -> Result<Vec<u8>> {
    let too_large = || {
        Error::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            "Fichier trop volumineux",
        )
    };
    while let Some(mut field) = multipart.next_field().await.map_err(|_| {
        Error::new(
            StatusCode::BAD_REQUEST,
            "VALIDATION_FAILED",
            "Envoi de fichier invalide",
        )
    })? {
        if field.name() != Some("file") {
            continue;
        }
        let mut data = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|_| too_large())? {
            if data.len() + chunk.len() > max {
                return Err(too_large());
            }
            data.extend_from_slice(&chunk);
        }
        return Ok(data);
    }
    Err(Error::new(
        StatusCode::BAD_REQUEST,
        "VALIDATION_FAILED",
        "Aucun fichier reçu (champ « file »)",
    ))
}

/// Stores a new avatar and returns its public URL; the previous file is removed.
pub async fn store_avatar(state: &AppState, user: &CurrentUser, bytes: Vec<u8>) -> Result<String> {
    let (mime, ext) = image_kind(&bytes).ok_or_else(|| {
        Error::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "Formats acceptés : JPEG, PNG, WebP",
        )
    })?;
    let key = format!(
        "avatars/{}/{}.{ext}",
        user.id,
        uuid::Uuid::new_v4().simple()
    );
    state.storage.put(&key, bytes, mime).await?;
    let url = format!("/media/{key}");
    if let Some(previous) = accounts::set_avatar(&state.pool, user.id, Some(&url)).await? {
        remove_media(state, &previous).await;
    }
    Ok(url)
}

async fn remove_media(state: &AppState, url: &str) {
    if let Some(key) = url.strip_prefix("/media/")
        && let Err(e) = state.storage.delete(key).await
    {
        tracing::warn!(error = %e, "old avatar not removed");
    }
}

/// Replaces the account's avatar (the previous file is removed).
#[utoipa::path(post, path = "/api/account/avatar", tag = "account",
    request_body(content = inline(AvatarForm), content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "Avatar enregistré", body = AvatarOut),
        (status = 400, description = "Aucun fichier reçu dans le champ « file » ou envoi invalide (VALIDATION_FAILED)", body = crate::api::openapi::ErrorEnvelope),
        (status = 413, description = "Fichier de plus de 2 Mio (PAYLOAD_TOO_LARGE)", body = crate::api::openapi::ErrorEnvelope),
        (status = 415, description = "Ni JPEG, ni PNG, ni WebP (UNSUPPORTED_MEDIA_TYPE)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn upload_avatar(
    State(state): State<AppState>,
    user: CurrentUser,
    multipart: Multipart,
) -> Result<Json<AvatarOut>> {
    let bytes = read_file_field(multipart, AVATAR_MAX_BYTES).await?;
    let url = store_avatar(&state, &user, bytes).await?;
    Ok(Json(AvatarOut { avatar_url: url }))
}

/// Removes the account's avatar (nothing to remove is fine too).
#[utoipa::path(delete, path = "/api/account/avatar", tag = "account",
    responses((status = 204, description = "Avatar supprimé")))]
pub async fn delete_avatar(State(state): State<AppState>, user: CurrentUser) -> Result<StatusCode> {
    if let Some(previous) = accounts::set_avatar(&state.pool, user.id, None).await? {
        remove_media(&state, &previous).await;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Which emails the account receives.
#[derive(Debug, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmailPreferences {
    pub notify_appointments_email: bool,
    pub notify_messages_email: bool,
    pub newsletter: bool,
}

/// Sets the three email preferences at once; answers them.
#[utoipa::path(put, path = "/api/account/email-preferences", tag = "account",
    request_body = EmailPreferences,
    responses((status = 200, description = "Préférences enregistrées", body = EmailPreferences)))]
pub async fn email_preferences(
    State(state): State<AppState>,
    user: CurrentUser,
    Body(p): Body<EmailPreferences>,
) -> Result<Json<EmailPreferences>> {
    accounts::set_email_preferences(
        &state.pool,
        user.id,
        p.notify_appointments_email,
        p.notify_messages_email,
        p.newsletter,
    )
    .await?;
    Ok(Json(p))
}

pub async fn billing_json(state: &AppState, user: &CurrentUser) -> Result<Value> {
    let (sub, payments) = accounts::billing(&state.pool, user.id).await?;
    let plan = if user.role.is_pro() {
        BillingPlan::Pro
    } else if sub
        .as_ref()
        .is_some_and(|s| s.status == "ACTIVE" || s.status == "PAST_DUE")
    {
        BillingPlan::Pass
    } else {
        BillingPlan::Free
    };
    let now = chrono::Utc::now();
    let billing = Billing {
        plan,
        renewal: sub.as_ref().map(|s| s.plan.clone()),
        status: sub.as_ref().map(|s| s.status.clone()),
        current_period_end: sub.as_ref().and_then(|s| s.current_period_end),
        member_since: sub.as_ref().and_then(|s| s.started_at),
        cancel_at_period_end: sub.as_ref().is_some_and(|s| s.cancel_at_period_end),
        pause: BillingPause {
            used: sub.as_ref().is_some_and(|s| s.pause_used),
            active: sub
                .as_ref()
                .is_some_and(|s| s.status == "PAUSED" && s.paused_until.is_some_and(|u| u > now)),
            until: sub.as_ref().and_then(|s| s.paused_until),
        },
        payments: payments
            .iter()
            .map(|p| BillingPayment {
                id: p.id,
                date: p.paid_at.unwrap_or(p.created_at),
                amount_cents: p.amount_cents,
                description: if p.plan == "ANNUAL" {
                    "PASS annuel (12 mois)"
                } else {
                    "PASS mensuel (1 mois)"
                },
                status: p.status.clone(),
                receipt_url: p.receipt_url.clone(),
            })
            .collect(),
    };
    serde_json::to_value(billing).map_err(|_| Error::internal())
}

/// The account's plan, PASS subscription and payments (not for admins: 403).
#[utoipa::path(get, path = "/api/account/billing", tag = "account",
    responses((status = 200, description = "Formule et paiements du compte", body = Billing)))]
pub async fn billing(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Value>> {
    if user.role == Role::Admin {
        return Err(Error::forbidden());
    }
    Ok(Json(billing_json(&state, &user).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct DeleteRequest {
    /// The account's current password.
    pub password: String,
    /// Must be exactly `SUPPRIMER`.
    #[schema(pattern = "^SUPPRIMER$", example = "SUPPRIMER")]
    pub confirm: String,
}

/// Deletes the caller's account (DOMAIN.md §7.10); admins are removed by another admin.
pub async fn delete_own_account(
    state: &AppState,
    user: &CurrentUser,
    req: DeleteRequest,
) -> Result<accounts::Deletion> {
    if user.role == Role::Admin {
        return Err(Error::forbidden());
    }
    if req.confirm != "SUPPRIMER" {
        let mut f = Fields::default();
        f.add("confirm", "Tapez SUPPRIMER pour confirmer");
        f.finish()?;
    }
    let stored = accounts::password_hash(&state.pool, user.id).await?;
    if !validate::verify_password(req.password, stored).await? {
        return Err(Error::new(
            StatusCode::UNAUTHORIZED,
            "INVALID_CREDENTIALS",
            "Mot de passe incorrect",
        ));
    }
    let mut tx = state.pool.begin().await?;
    let done = accounts::delete_account(&mut tx, user.id, chrono::Utc::now()).await?;
    tx.commit().await?;
    Ok(done)
}

/// Deletes the caller's account (anonymised when the law keeps some of its records) and ends
/// the session. The role is checked before the body, so an admin is refused whatever it sends.
#[utoipa::path(delete, path = "/api/account/delete", tag = "account",
    request_body = DeleteRequest,
    responses(
        (status = 204, description = "Compte supprimé, session terminée (cookie effacé)",
            headers(("Set-Cookie" = String, description = "Cookie de session effacé"))),
        (status = 400, description = "Corps absent ou invalide, ou confirmation différente de SUPPRIMER (VALIDATION_FAILED)", body = crate::api::openapi::ErrorEnvelope),
        (status = 401, description = "Pas de session (UNAUTHENTICATED) ou mot de passe incorrect (INVALID_CREDENTIALS)", body = crate::api::openapi::ErrorEnvelope),
        (status = 403, description = "Compte administrateur ou origine étrangère (FORBIDDEN, CSRF)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    body: std::result::Result<Json<DeleteRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Response> {
    if user.role == Role::Admin {
        return Err(Error::forbidden());
    }
    let Json(req) = body.map_err(|_| {
        Error::new(
            StatusCode::BAD_REQUEST,
            "VALIDATION_FAILED",
            "Mot de passe et confirmation « SUPPRIMER » requis",
        )
    })?;
    delete_own_account(&state, &user, req).await?;
    Ok(session::ended(state.secure_cookies()))
}
