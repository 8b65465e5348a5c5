//! The reading side of messaging (DOMAIN.md §6.6, §7.6): my conversations with their unread
//! counts, a thread page by cursor, and the sender's soft delete. Writes (find-or-create,
//! posting, marking read) are in `messaging`.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;
use uuid::Uuid;

use crate::{Error, Result};

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationSummary {
    pub id: Uuid,
    pub subject: Option<String>,
    pub other_id: Option<Uuid>,
    pub other_name: String,
    pub other_avatar_url: Option<String>,
    /// PRACTITIONER, ARTISAN… or the member role.
    pub other_kind: Option<String>,
    /// Public page of the other participant when it is a public pro.
    pub other_href: Option<String>,
    pub last_body: Option<String>,
    pub last_at: Option<DateTime<Utc>>,
    pub last_sender_id: Option<Uuid>,
    pub unread_count: i64,
    pub last_message_at: Option<DateTime<Utc>>,
}

const SUMMARY_SELECT: &str = r#"
    SELECT c.id, c.subject, o.user_id AS other_id,
           COALESCE(pp.public_name, ap.public_name, mp.public_name, cp.public_name,
                    NULLIF(trim(COALESCE(u.first_name, '') || ' ' || COALESCE(u.last_name, '')), ''),
                    'Utilisateur supprimé') AS other_name,
           COALESCE(pp.photo_url, ap.photo_url, mp.photo_url, cp.photo_url, pr.avatar_url) AS other_avatar_url,
           u.role::text AS other_kind,
           CASE WHEN pp.verified THEN '/praticiens/' || pp.slug WHEN ap.verified THEN '/artisans/' || ap.slug
                WHEN mp.verified THEN '/commercants/' || mp.slug WHEN cp.verified THEN '/centres-de-formation/' || cp.slug END AS other_href,
           CASE WHEN lm.deleted_at IS NULL THEN lm.body ELSE '' END AS last_body, lm.created_at AS last_at, lm.sender_id AS last_sender_id,
           (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id
              AND m.created_at > COALESCE(me.last_read_at, '-infinity')
              AND m.sender_id IS DISTINCT FROM $1 AND m.deleted_at IS NULL) AS unread_count,
           c.last_message_at
      FROM conversation_participants me
      JOIN conversations c ON c.id = me.conversation_id
      LEFT JOIN conversation_participants o ON o.conversation_id = c.id AND o.user_id <> $1
      LEFT JOIN users u ON u.id = o.user_id
      LEFT JOIN profiles pr ON pr.user_id = u.id
      LEFT JOIN practitioner_profiles pp ON pp.user_id = u.id
      LEFT JOIN artisan_profiles ap ON ap.user_id = u.id
      LEFT JOIN merchant_profiles mp ON mp.user_id = u.id
      LEFT JOIN center_profiles cp ON cp.user_id = u.id
      LEFT JOIN LATERAL (SELECT body, created_at, sender_id, deleted_at FROM messages m
                          WHERE m.conversation_id = c.id ORDER BY m.created_at DESC LIMIT 1) lm ON true
     WHERE me.user_id = $1 AND NOT me.archived"#;

/// `GET /api/user/conversations`: most recent first.
pub async fn conversations(
    pool: &PgPool,
    user_id: Uuid,
    page: i64,
    limit: i64,
) -> Result<(Vec<ConversationSummary>, i64)> {
    let rows = sqlx::query_as(&format!(
        "{SUMMARY_SELECT} ORDER BY c.last_message_at DESC NULLS LAST, c.created_at DESC LIMIT $2 OFFSET $3"
    ))
    .bind(user_id)
    .bind(limit)
    .bind((page - 1).max(0).saturating_mul(limit))
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar(
        "SELECT count(*) FROM conversation_participants WHERE user_id = $1 AND NOT archived",
    )
    .bind(user_id)
    .fetch_one(pool)
    .await?;
    Ok((rows, total))
}

/// One of my conversations; 404 when I am not a participant (AR-14).
pub async fn conversation(pool: &PgPool, user_id: Uuid, id: Uuid) -> Result<ConversationSummary> {
    sqlx::query_as(&format!("{SUMMARY_SELECT} AND c.id = $2"))
        .bind(user_id)
        .bind(id)
        .fetch_optional(pool)
        .await?
        .ok_or(Error::NotFound)
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub id: Uuid,
    pub sender_id: Option<Uuid>,
    /// Blank when deleted (the sender's soft delete).
    pub body: String,
    pub attachment_document_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub deleted: bool,
}

/// A page of a thread, newest first, strictly before `before`; the cursor of the next (older)
/// page is the oldest `created_at` returned when the page is full. 404 for non-participants.
pub async fn messages(
    pool: &PgPool,
    user_id: Uuid,
    conversation_id: Uuid,
    before: Option<DateTime<Utc>>,
    limit: i64,
) -> Result<(Vec<Message>, Option<DateTime<Utc>>)> {
    let participant: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM conversation_participants WHERE conversation_id = $1 AND user_id = $2)",
    )
    .bind(conversation_id)
    .bind(user_id)
    .fetch_one(pool)
    .await?;
    if !participant {
        return Err(Error::NotFound);
    }
    // One more row than asked tells whether an older page exists.
    let mut rows: Vec<Message> = sqlx::query_as(
        "SELECT id, sender_id, CASE WHEN deleted_at IS NULL THEN body ELSE '' END AS body,
                CASE WHEN deleted_at IS NULL THEN attachment_document_id END AS attachment_document_id,
                created_at, deleted_at IS NOT NULL AS deleted
           FROM messages
          WHERE conversation_id = $1 AND ($2::timestamptz IS NULL OR created_at < $2)
          ORDER BY created_at DESC, id DESC LIMIT $3",
    )
    .bind(conversation_id)
    .bind(before)
    .bind(limit + 1)
    .fetch_all(pool)
    .await?;
    let next = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|m| m.created_at)
    } else {
        None
    };
    Ok((rows, next))
}

/// The sender's soft delete; 404 for anyone else or an unknown message.
pub async fn delete_message(
    pool: &PgPool,
    user_id: Uuid,
    conversation_id: Uuid,
    message_id: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    let n = sqlx::query(
        "UPDATE messages SET deleted_at = COALESCE(deleted_at, $4)
          WHERE id = $1 AND conversation_id = $2 AND sender_id = $3",
    )
    .bind(message_id)
    .bind(conversation_id)
    .bind(user_id)
    .bind(now)
    .execute(pool)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}

/// The direct conversation of two users, if they already have one.
pub async fn direct(pool: &PgPool, a: Uuid, b: Uuid) -> Result<Option<Uuid>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM conversations WHERE direct_key = $1")
            .bind(crate::db::messaging::direct_key(a, b))
            .fetch_optional(pool)
            .await?,
    )
}

/// The public name of a user who is a public (verified) pro: whom a member may write to.
pub async fn public_pro_name(pool: &PgPool, user_id: Uuid) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT public_name FROM (
            SELECT user_id, public_name FROM practitioner_profiles WHERE verified
            UNION ALL SELECT user_id, public_name FROM artisan_profiles WHERE verified
            UNION ALL SELECT user_id, public_name FROM merchant_profiles WHERE verified
            UNION ALL SELECT user_id, public_name FROM center_profiles WHERE verified) p
          JOIN users u ON u.id = p.user_id
          WHERE p.user_id = $1 AND u.status = 'ACTIVE' AND u.deleted_at IS NULL",
    )
    .bind(user_id)
    .fetch_optional(pool)
    .await?)
}
