//! `POST /api/auth/register-pro` (DOMAIN.md §6.2, §7.7): a professional's application with its
//! documents. The files go to the blob store first; the account, profile, application and
//! document rows are then written in one transaction, and the files are removed again if it
//! fails, so nothing is half-written.

use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::Value;
use spymeo_core::db::applications::{self, DOC_FIELDS, NewPro, StoredDoc};
use spymeo_core::db::pros::{ApplicationDoc, ProKind};
use spymeo_core::domain::Role;
use spymeo_core::mail::Email;

use crate::error::{Error, Result};
use crate::state::AppState;
use crate::validate::{self, Fields};

/// This module's part of the OpenAPI document (joined in `api::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(register_pro),
    components(schemas(ProApplicationForm, ProApplicationRole, RegisteredPro))
)]
pub struct ApiDoc;

/// The multipart form of `POST /api/auth/register-pro`. The text fields may also come as one
/// `data` part holding the same fields as a JSON object (the old front end's way, left out of
/// this description, which lists the plain fields).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)] // describes what `read` accepts
pub struct ProApplicationForm {
    #[schema(inline)]
    pub role: ProApplicationRole,
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
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = r"\S",
        example = "Claire Martin Sophrologie"
    )]
    pub public_name: String,
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"\S",
        example = "Sophrologie"
    )]
    pub discipline: String,
    #[schema(min_length = 1, max_length = 80, pattern = r"\S", example = "Dijon")]
    pub city: String,
    #[schema(pattern = r"^\s*[0-9]{5}\s*$", example = "21000")]
    pub postal_code: String,
    /// 14 digits (spaces ignored) with a valid check digit (Luhn).
    #[schema(pattern = r"^[0-9 ]*$", example = "73282932000074")]
    pub siret: Option<String>,
    #[schema(minimum = 0, maximum = 70)]
    pub experience_years: Option<i16>,
    #[schema(max_length = 5000)]
    pub ethics: Option<String>,
    /// Diploma or certification: PDF, JPEG or PNG, 10 MB at most.
    #[schema(value_type = Option<String>, format = Binary)]
    pub diploma: Option<Vec<u8>>,
    /// RC Pro insurance certificate: PDF, JPEG or PNG, 10 MB at most.
    #[schema(value_type = Option<String>, format = Binary)]
    pub insurance: Option<Vec<u8>>,
    /// Kbis / SIRENE extract: PDF, JPEG or PNG, 10 MB at most.
    #[schema(value_type = Option<String>, format = Binary)]
    pub kbis: Option<Vec<u8>>,
    /// Criminal record extract: PDF, JPEG or PNG, 10 MB at most.
    #[schema(value_type = Option<String>, format = Binary)]
    pub criminal_record: Option<Vec<u8>>,
}

/// The professional activity applied for.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(dead_code)] // describes `ProData::role`
pub enum ProApplicationRole {
    Practitioner,
    Artisan,
    Commercant,
    Center,
}

/// The application is recorded; the account waits for an admin's decision.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegisteredPro {
    pub user_id: uuid::Uuid,
    /// Always PENDING_VALIDATION.
    #[schema(example = "PENDING_VALIDATION")]
    pub status: &'static str,
}

pub const DOCUMENT_MAX_BYTES: usize = 10 * 1024 * 1024;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProData {
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub public_name: String,
    #[serde(default)]
    pub discipline: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub postal_code: String,
    pub siret: Option<String>,
    pub experience_years: Option<i16>,
    pub ethics: Option<String>,
}

/// An uploaded application, read from the multipart body.
pub struct Upload {
    pub data: Option<ProData>,
    /// (slot, multipart field, title, bytes).
    pub files: Vec<(ApplicationDoc, &'static str, &'static str, Vec<u8>)>,
}

fn bad(message: &'static str) -> Error {
    Error::new(StatusCode::BAD_REQUEST, "VALIDATION_FAILED", message)
}

/// Reads `data` (JSON) or the form's plain fields, and the four optional files.
pub async fn read(mut multipart: Multipart) -> Result<Upload> {
    let mut upload = Upload {
        data: None,
        files: Vec::new(),
    };
    let mut plain = serde_json::Map::new();
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|_| bad("Envoi invalide"))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if let Some((slot, field_name, title)) = DOC_FIELDS.into_iter().find(|(_, f, _)| *f == name)
        {
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(|_| bad("Envoi invalide"))? {
                if bytes.len() + chunk.len() > DOCUMENT_MAX_BYTES {
                    return Err(Error::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "PAYLOAD_TOO_LARGE",
                        "Chaque document doit faire 10 Mo au maximum",
                    ));
                }
                bytes.extend_from_slice(&chunk);
            }
            // A file input left empty in a browser form still sends an empty part.
            if !bytes.is_empty() {
                upload.files.push((slot, field_name, title, bytes));
            }
        } else {
            let text = field.text().await.map_err(|_| bad("Envoi invalide"))?;
            if name == "data" {
                upload.data = Some(
                    serde_json::from_str(&text).map_err(|_| bad("Champ data: JSON invalide"))?,
                );
            } else if !text.is_empty() {
                let value = if name == "experienceYears" {
                    text.trim()
                        .parse::<i64>()
                        .map(Value::from)
                        .unwrap_or(Value::String(text))
                } else {
                    Value::String(text)
                };
                plain.insert(name, value);
            }
        }
    }
    if upload.data.is_none() && !plain.is_empty() {
        upload.data = Some(
            serde_json::from_value(Value::Object(plain)).map_err(|_| bad("Formulaire invalide"))?,
        );
    }
    Ok(upload)
}

/// Validates, stores the files, writes the application; returns the new user's id.
pub async fn register(state: &AppState, upload: Upload) -> Result<uuid::Uuid> {
    let data = upload.data.ok_or_else(|| bad("Le formulaire est vide"))?;
    let mut f = Fields::default();
    let kind = data.role.parse::<Role>().ok().and_then(ProKind::from_role);
    if kind.is_none() {
        f.add("role", "Choisissez votre activité");
    }
    let first_name = f.name("firstName", &data.first_name);
    let last_name = f.name("lastName", &data.last_name);
    let email = f.email("email", &data.email);
    f.password("password", &data.password);
    let public_name = data.public_name.trim().to_owned();
    if public_name.is_empty() || public_name.chars().count() > 120 {
        f.add(
            "publicName",
            "Nom public obligatoire (120 caractères au maximum)",
        );
    }
    let discipline = data.discipline.trim().to_owned();
    if discipline.is_empty() || discipline.chars().count() > 200 {
        f.add("discipline", "Indiquez votre discipline ou votre activité");
    }
    let city = f.name("city", &data.city);
    let postal_code = data.postal_code.trim().to_owned();
    if !(postal_code.len() == 5 && postal_code.bytes().all(|b| b.is_ascii_digit())) {
        f.add("postalCode", "Code postal invalide (5 chiffres)");
    }
    let siret = data
        .siret
        .as_deref()
        .map(|s| s.replace(' ', ""))
        .filter(|s| !s.is_empty());
    if let Some(s) = &siret
        && !spymeo_core::domain::siret::is_valid(s)
    {
        f.add("siret", "SIRET invalide (14 chiffres, clé de contrôle)");
    }
    if let Some(y) = data.experience_years
        && !(0..=70).contains(&y)
    {
        f.add("experienceYears", "Entre 0 et 70 ans");
    }
    let ethics = data
        .ethics
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    if ethics.as_deref().is_some_and(|e| e.chars().count() > 5000) {
        f.add("ethics", "5 000 caractères au maximum");
    }
    let mut kinds = Vec::new();
    for (_, _, title, bytes) in &upload.files {
        match validate::document_kind(bytes) {
            Some(k) => kinds.push(k),
            None => {
                return Err(Error::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "UNSUPPORTED_MEDIA_TYPE",
                    format!("{title} : formats acceptés PDF, JPEG, PNG"),
                ));
            }
        }
    }
    f.finish()?;
    let kind = kind.ok_or_else(Error::internal)?;

    let password_hash = validate::hash_password(data.password).await?;
    let folder = uuid::Uuid::new_v4();
    let mut stored = Vec::new();
    for ((slot, field, title, bytes), (mime, ext)) in upload.files.into_iter().zip(kinds) {
        let key = format!("applications/{folder}/{field}.{ext}");
        let size = bytes.len() as i64;
        if let Err(e) = state.storage.put(&key, bytes, mime).await {
            remove(state, &stored).await;
            return Err(e.into());
        }
        stored.push(StoredDoc {
            slot,
            title,
            storage_key: key,
            mime_type: mime,
            size_bytes: size,
        });
    }

    let pro = NewPro {
        kind,
        first_name: &first_name,
        last_name: &last_name,
        email: &email,
        password_hash: &password_hash,
        public_name: &public_name,
        discipline: &discipline,
        city: &city,
        postal_code: &postal_code,
        siret: siret.as_deref(),
        experience_years: data.experience_years,
        ethics: ethics.as_deref(),
    };
    let written = async {
        let mut tx = state.pool.begin().await?;
        let id = applications::register(&mut tx, &pro, &stored, chrono::Utc::now()).await?;
        let candidate = Email {
            to: email.clone(),
            subject: "Votre candidature SPYMEO est bien reçue".into(),
            body: format!(
                "Bonjour {first_name},\n\nNous avons bien reçu votre candidature « {public_name} ». Notre équipe l'étudie sous 72 h \
                 et vous écrira dès sa décision.\n\nL'équipe SPYMEO"
            ),
            template: "pro_application_received",
        };
        spymeo_core::db::outbox::enqueue(&mut tx, &candidate, Some(id)).await?;
        for admin in applications::admin_emails(&mut tx).await? {
            let notice = Email {
                to: admin,
                subject: format!("Nouvelle candidature pro : {public_name}"),
                body: format!(
                    "Nouvelle candidature {} : {public_name} ({discipline}, {city}).\nÀ examiner sur {}/admin/pros",
                    kind.role().as_str(),
                    state.inner.app_url.trim_end_matches('/')
                ),
                template: "pro_application_admin",
            };
            spymeo_core::db::outbox::enqueue(&mut tx, &notice, None).await?;
        }
        tx.commit().await?;
        Ok::<_, spymeo_core::Error>(id)
    }
    .await;
    match written {
        Ok(id) => Ok(id),
        Err(e) => {
            remove(state, &stored).await;
            Err(e.into())
        }
    }
}

async fn remove(state: &AppState, stored: &[StoredDoc]) {
    for doc in stored {
        if let Err(e) = state.storage.delete(&doc.storage_key).await {
            tracing::warn!(error = %e, "orphan application document not removed");
        }
    }
}

/// A professional's application with its documents (the account waits for validation).
#[utoipa::path(post, path = "/api/auth/register-pro", tag = "auth",
    request_body(content = inline(ProApplicationForm), content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Candidature enregistrée, compte en attente de validation", body = RegisteredPro),
        (status = 409, description = "Adresse e-mail déjà utilisée (EMAIL_TAKEN)", body = crate::api::openapi::ErrorEnvelope),
        (status = 413, description = "Un document dépasse 10 Mo (PAYLOAD_TOO_LARGE)", body = crate::api::openapi::ErrorEnvelope),
        (status = 415, description = "Document ni PDF, ni JPEG, ni PNG (UNSUPPORTED_MEDIA_TYPE)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn register_pro(
    State(state): State<AppState>,
    multipart: Multipart,
) -> Result<(StatusCode, Json<RegisteredPro>)> {
    let upload = read(multipart).await?;
    let id = register(&state, upload).await?;
    Ok((
        StatusCode::CREATED,
        Json(RegisteredPro {
            user_id: id,
            status: "PENDING_VALIDATION",
        }),
    ))
}
