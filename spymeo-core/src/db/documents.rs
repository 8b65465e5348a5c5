//! Documents (DOMAIN.md H1) and practitioner resources (D7). Files live in the blob store
//! under `storage_key`; these functions write the rows once the file is stored.

use chrono::{DateTime, Utc};
use sqlx::{Connection as _, PgConnection};
use uuid::Uuid;

use crate::db::notifications::{NewNotification, notify};
use crate::db::support::map_code;
use crate::domain::{DocumentCategory, DocumentKind, NotificationType, ResourceFormat, SkillLevel};
use crate::{Error, Result};

/// Mime types accepted for uploads (§3 H1).
pub const MIME_WHITELIST: [&str; 8] = [
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/webp",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "text/plain",
    "text/csv",
];

pub fn kind_of_mime(mime: &str) -> DocumentKind {
    match mime {
        "application/pdf" => DocumentKind::Pdf,
        m if m.starts_with("image/") => DocumentKind::Image,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" | "text/csv" => {
            DocumentKind::Spreadsheet
        }
        "text/plain"
        | "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
            DocumentKind::Text
        }
        _ => DocumentKind::Other,
    }
}

#[derive(Debug, Clone)]
pub struct NewDocument {
    pub category: DocumentCategory,
    /// A client of the owner's practice (client files, shared resources); the practitioner
    /// is the owner's own profile, never taken from input.
    pub client_id: Option<Uuid>,
    pub shared_with_user_id: Option<Uuid>,
    pub appointment_id: Option<Uuid>,
    pub resource_id: Option<Uuid>,
    pub title: String,
    pub mime_type: String,
    pub storage_key: Option<String>,
    pub size_bytes: Option<i64>,
}

/// Writes a document row; a document shared with an account notifies it (RESOURCE_SHARED).
pub async fn create_document(
    conn: &mut PgConnection,
    owner_user_id: Uuid,
    d: &NewDocument,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    if !MIME_WHITELIST.contains(&d.mime_type.as_str()) {
        return Err(Error::field("file", "type de fichier non accepté"));
    }
    let mut tx = conn.begin().await?;
    let practitioner_id: Option<Uuid> = match d.client_id {
        Some(_) => Some(
            sqlx::query_scalar("SELECT id FROM practitioner_profiles WHERE user_id = $1")
                .bind(owner_user_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(Error::NotFound)?,
        ),
        None => None,
    };
    let id = sqlx::query_scalar(
        "INSERT INTO documents (owner_user_id, category, practitioner_id, client_id, shared_with_user_id, appointment_id,
                                resource_id, title, kind, mime_type, storage_key, size_bytes, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
    )
    .bind(owner_user_id)
    .bind(d.category)
    .bind(practitioner_id)
    .bind(d.client_id)
    .bind(d.shared_with_user_id)
    .bind(d.appointment_id)
    .bind(d.resource_id)
    .bind(&d.title)
    .bind(kind_of_mime(&d.mime_type))
    .bind(&d.mime_type)
    .bind(&d.storage_key)
    .bind(d.size_bytes)
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| match crate::db::support::sqlstate(&e).as_deref() {
        Some("23503") => Error::NotFound,
        _ => map_code(e, "23514", Error::validation("document invalide")),
    })?;
    if let Some(user) = d.shared_with_user_id {
        let body = format!("« {} » a été partagé avec vous.", d.title);
        notify(
            &mut tx,
            user,
            NotificationType::ResourceShared,
            &NewNotification {
                title: "Nouveau document partagé",
                body: &body,
                link: Some("/user/documents"),
                ..Default::default()
            },
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

#[derive(Debug, Clone)]
pub struct ResourceInput {
    pub title: String,
    pub description: Option<String>,
    pub category: Option<String>,
    pub format: ResourceFormat,
    pub level: Option<SkillLevel>,
    pub tags: Vec<String>,
    pub storage_key: Option<String>,
    pub external_url: Option<String>,
    pub size_bytes: Option<i64>,
    pub cover_url: Option<String>,
    pub shareable: bool,
    pub featured: bool,
}

/// A resource of a practitioner, or of the platform library when `owner_practitioner_id` is
/// None (ADMIN). Exactly one of `storage_key` and `external_url`.
pub async fn create_resource(
    conn: &mut PgConnection,
    owner_practitioner_id: Option<Uuid>,
    r: &ResourceInput,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    if r.storage_key.is_some() == r.external_url.is_some() {
        return Err(Error::field(
            "externalUrl",
            "un fichier ou un lien, pas les deux",
        ));
    }
    sqlx::query_scalar(
        "INSERT INTO resources (owner_practitioner_id, title, description, category, format, level, tags, storage_key,
                                external_url, size_bytes, cover_url, shareable, featured, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id",
    )
    .bind(owner_practitioner_id)
    .bind(&r.title)
    .bind(&r.description)
    .bind(&r.category)
    .bind(r.format)
    .bind(r.level)
    .bind(&r.tags)
    .bind(&r.storage_key)
    .bind(&r.external_url)
    .bind(r.size_bytes)
    .bind(&r.cover_url)
    .bind(r.shareable)
    .bind(r.featured)
    .bind(now)
    .fetch_one(conn)
    .await
    .map_err(|e| map_code(e, "23514", Error::validation("ressource invalide")))
}

/// `POST /api/resources/share`: a SHARED document pointing at the resource for one of the
/// practitioner's clients (shared with the linked account when there is one). 404 for a
/// resource the practitioner cannot see or a client that is not theirs; 409
/// RESOURCE_NOT_SHAREABLE.
pub async fn share_resource(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    resource_id: Uuid,
    client_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    let mut tx = conn.begin().await?;
    let r: Option<(String, bool, ResourceFormat)> = sqlx::query_as(
        "SELECT title, shareable, format FROM resources WHERE id = $1 AND (owner_practitioner_id = $2 OR owner_practitioner_id IS NULL)",
    )
    .bind(resource_id)
    .bind(practitioner_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (title, shareable, format) = r.ok_or(Error::NotFound)?;
    if !shareable {
        return Err(Error::conflict(
            "RESOURCE_NOT_SHAREABLE",
            "Cette ressource ne peut pas être partagée",
        ));
    }
    let linked: Option<Option<Uuid>> =
        sqlx::query_scalar("SELECT user_id FROM clients WHERE id = $1 AND practitioner_id = $2")
            .bind(client_id)
            .bind(practitioner_id)
            .fetch_optional(&mut *tx)
            .await?;
    let linked = linked.ok_or(Error::NotFound)?;
    let owner: Uuid = sqlx::query_scalar("SELECT user_id FROM practitioner_profiles WHERE id = $1")
        .bind(practitioner_id)
        .fetch_one(&mut *tx)
        .await?;
    let mime = match format {
        ResourceFormat::Sheet => {
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        }
        ResourceFormat::Doc => {
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        }
        _ => "application/pdf",
    };
    let id = create_document(
        &mut tx,
        owner,
        &NewDocument {
            category: DocumentCategory::Shared,
            client_id: Some(client_id),
            shared_with_user_id: linked,
            appointment_id: None,
            resource_id: Some(resource_id),
            title,
            mime_type: mime.to_owned(),
            storage_key: None,
            size_bytes: None,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}
