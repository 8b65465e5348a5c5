//! `/api/account/*` (DOMAIN.md §6.3): the logged-in account's own data. Open to every
//! logged-in account, including pros not yet ACTIVE (they must reach billing to pay).

use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};
use spymeo_core::db::{accounts, sessions};

use super::auth::Me;
use crate::auth::Role;
use crate::auth::session::{self, CurrentUser};
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::validate::{self, Fields};

/// Avatars: 2 MiB, and only formats recognised from their first bytes (never from the
/// client's Content-Type).
pub const AVATAR_MAX_BYTES: usize = 2 * 1024 * 1024;

pub async fn me_json(state: &AppState, user: &CurrentUser) -> Result<Value> {
    let p = accounts::profile(&state.pool, user.id).await?;
    let mut me = serde_json::to_value(Me::from(user)).map_err(|_| Error::internal())?;
    me["avatarUrl"] = json!(p.avatar_url);
    me["profile"] = json!({
        "phone": p.phone, "birthDate": p.birth_date, "addressLine": p.address_line,
        "city": p.city, "postalCode": p.postal_code, "bio": p.bio, "website": p.website,
        "prefs": {
            "notifyAppointmentsEmail": p.notify_appointments_email,
            "notifyMessagesEmail": p.notify_messages_email,
            "newsletter": p.newsletter,
        },
    });
    Ok(me)
}

pub async fn me(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Value>> {
    Ok(Json(me_json(&state, &user).await?))
}

/// Absent field: unchanged; `null`: cleared; value: set.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MePatch {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    #[serde(default, with = "double_option")]
    pub phone: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub birth_date: Option<Option<chrono::NaiveDate>>,
    #[serde(default, with = "double_option")]
    pub address_line: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub city: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub postal_code: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub bio: Option<Option<String>>,
    #[serde(default, with = "double_option")]
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

pub async fn update_me(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(patch): Json<MePatch>,
) -> Result<Json<Value>> {
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
    Ok(Json(me_json(&state, &user).await?))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordChange {
    pub current_password: String,
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

pub async fn password(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<PasswordChange>,
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

pub async fn upload_avatar(
    State(state): State<AppState>,
    user: CurrentUser,
    multipart: Multipart,
) -> Result<Json<Value>> {
    let bytes = read_file_field(multipart, AVATAR_MAX_BYTES).await?;
    let url = store_avatar(&state, &user, bytes).await?;
    Ok(Json(json!({ "avatarUrl": url })))
}

pub async fn delete_avatar(State(state): State<AppState>, user: CurrentUser) -> Result<StatusCode> {
    if let Some(previous) = accounts::set_avatar(&state.pool, user.id, None).await? {
        remove_media(&state, &previous).await;
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmailPreferences {
    pub notify_appointments_email: bool,
    pub notify_messages_email: bool,
    pub newsletter: bool,
}

pub async fn email_preferences(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(p): Json<EmailPreferences>,
) -> Result<Json<Value>> {
    accounts::set_email_preferences(
        &state.pool,
        user.id,
        p.notify_appointments_email,
        p.notify_messages_email,
        p.newsletter,
    )
    .await?;
    Ok(Json(json!({
        "notifyAppointmentsEmail": p.notify_appointments_email,
        "notifyMessagesEmail": p.notify_messages_email,
        "newsletter": p.newsletter,
    })))
}

pub async fn billing_json(state: &AppState, user: &CurrentUser) -> Result<Value> {
    let (sub, payments) = accounts::billing(&state.pool, user.id).await?;
    let plan = if user.role.is_pro() {
        "PRO"
    } else if sub
        .as_ref()
        .is_some_and(|s| s.status == "ACTIVE" || s.status == "PAST_DUE")
    {
        "PASS"
    } else {
        "FREE"
    };
    let now = chrono::Utc::now();
    Ok(json!({
        "plan": plan,
        "renewal": sub.as_ref().map(|s| s.plan.clone()),
        "status": sub.as_ref().map(|s| s.status.clone()),
        "currentPeriodEnd": sub.as_ref().and_then(|s| s.current_period_end),
        "memberSince": sub.as_ref().and_then(|s| s.started_at),
        "cancelAtPeriodEnd": sub.as_ref().is_some_and(|s| s.cancel_at_period_end),
        "pause": {
            "used": sub.as_ref().is_some_and(|s| s.pause_used),
            "active": sub.as_ref().is_some_and(|s| s.status == "PAUSED" && s.paused_until.is_some_and(|u| u > now)),
            "until": sub.as_ref().and_then(|s| s.paused_until),
        },
        "payments": payments.iter().map(|p| json!({
            "id": p.id,
            "date": p.paid_at.unwrap_or(p.created_at),
            "amountCents": p.amount_cents,
            "description": if p.plan == "ANNUAL" { "PASS annuel (12 mois)" } else { "PASS mensuel (1 mois)" },
            "status": p.status,
            "receiptUrl": p.receipt_url,
        })).collect::<Vec<_>>(),
    }))
}

pub async fn billing(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Value>> {
    if user.role == Role::Admin {
        return Err(Error::forbidden());
    }
    Ok(Json(billing_json(&state, &user).await?))
}

#[derive(Debug, Deserialize)]
pub struct DeleteRequest {
    pub password: String,
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

/// The role is checked before the body, so an admin is refused whatever it sends.
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
