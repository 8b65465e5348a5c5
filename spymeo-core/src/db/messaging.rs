//! Direct conversations (DOMAIN.md H2–H4, §7.6). V1 conversations have exactly two
//! participants, keyed by `direct_key` so find-or-create is one upsert.

use chrono::{DateTime, Utc};
use sqlx::{Connection as _, PgConnection};
use uuid::Uuid;

use crate::db::notifications::{NewNotification, notify};
use crate::db::support::map_check;
use crate::domain::{NotificationType, Role, UserStatus};
use crate::{Error, Result};

pub fn direct_key(a: Uuid, b: Uuid) -> String {
    let (x, y) = if a.to_string() <= b.to_string() {
        (a, b)
    } else {
        (b, a)
    };
    format!("{x}:{y}")
}

/// Who may start a conversation with whom (§7.6); 403-style FORBIDDEN_RECIPIENT otherwise,
/// 404 for an unknown or inactive recipient.
pub async fn check_recipient(conn: &mut PgConnection, from: Uuid, to: Uuid) -> Result<()> {
    if from == to {
        return Err(Error::conflict(
            "FORBIDDEN_RECIPIENT",
            "Vous ne pouvez pas vous écrire à vous-même",
        ));
    }
    let row: Option<(Role, UserStatus, bool)> =
        sqlx::query_as("SELECT role, status, deleted_at IS NULL FROM users WHERE id = $1")
            .bind(to)
            .fetch_optional(&mut *conn)
            .await?;
    let (to_role, to_status, alive) = row.ok_or(Error::NotFound)?;
    if to_status != UserStatus::Active || !alive {
        return Err(Error::NotFound);
    }
    let from_role: Role = sqlx::query_scalar("SELECT role FROM users WHERE id = $1")
        .bind(from)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(Error::NotFound)?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM conversations WHERE direct_key = $1)")
            .bind(direct_key(from, to))
            .fetch_one(&mut *conn)
            .await?;
    let allowed = exists
        || match (from_role, to_role) {
            (Role::Admin, _) => true,
            (_, Role::Admin) => false,
            (Role::FreeUser | Role::PassUser, Role::FreeUser | Role::PassUser) => false,
            (Role::FreeUser | Role::PassUser, _) => is_public_pro(conn, to, to_role).await?,
            (_, Role::FreeUser | Role::PassUser) => linked_to_pro(conn, from, to).await?,
            _ => true,
        };
    if allowed {
        Ok(())
    } else {
        Err(Error::conflict(
            "FORBIDDEN_RECIPIENT",
            "Vous ne pouvez pas écrire à cette personne",
        ))
    }
}

async fn is_public_pro(conn: &mut PgConnection, user_id: Uuid, role: Role) -> Result<bool> {
    let Some(kind) = crate::db::pros::ProKind::from_role(role) else {
        return Ok(false);
    };
    Ok(sqlx::query_scalar(&format!(
        "SELECT EXISTS (SELECT 1 FROM {} WHERE user_id = $1 AND verified)",
        kind.table()
    ))
    .bind(user_id)
    .fetch_one(conn)
    .await?)
}

/// The member is linked to one of the pro's client or learner records.
async fn linked_to_pro(conn: &mut PgConnection, pro: Uuid, member: Uuid) -> Result<bool> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM clients c JOIN practitioner_profiles p ON p.id = c.practitioner_id WHERE p.user_id = $1 AND c.user_id = $2)
             OR EXISTS (SELECT 1 FROM artisan_clients c JOIN artisan_profiles p ON p.id = c.artisan_id WHERE p.user_id = $1 AND c.user_id = $2)
             OR EXISTS (SELECT 1 FROM merchant_clients c JOIN merchant_profiles p ON p.id = c.merchant_id WHERE p.user_id = $1 AND c.user_id = $2)
             OR EXISTS (SELECT 1 FROM learners l JOIN center_profiles p ON p.id = l.center_id WHERE p.user_id = $1 AND l.user_id = $2)",
    )
    .bind(pro)
    .bind(member)
    .fetch_one(conn)
    .await?)
}

/// Finds the direct conversation of two users or creates it with both participants. Returns
/// (id, created). The caller checks `check_recipient` first.
pub async fn find_or_create_direct(
    conn: &mut PgConnection,
    from: Uuid,
    to: Uuid,
    subject: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(Uuid, bool)> {
    let mut tx = conn.begin().await?;
    let (id, created): (Uuid, bool) = sqlx::query_as(
        "INSERT INTO conversations (subject, direct_key, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
         ON CONFLICT (direct_key) WHERE direct_key IS NOT NULL DO UPDATE SET updated_at = conversations.updated_at
         RETURNING id, (xmax = 0) AS created",
    )
    .bind(subject)
    .bind(direct_key(from, to))
    .bind(from)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    if created {
        sqlx::query(
            "INSERT INTO conversation_participants (conversation_id, user_id, joined_at) VALUES ($1, $2, $4), ($1, $3, $4)",
        )
        .bind(id)
        .bind(from)
        .bind(to)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok((id, created))
}

/// Posts a message (§7.6): only participants (404 otherwise, trigger
/// `messages_sender_is_participant`); the sender has read the thread; the other participant
/// gets a MESSAGE_RECEIVED notification unless one for this conversation is still unread.
pub async fn post_message(
    conn: &mut PgConnection,
    conversation_id: Uuid,
    sender_id: Uuid,
    body: &str,
    attachment_document_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    let body = body.trim();
    if body.is_empty() || body.chars().count() > 5000 {
        return Err(Error::field(
            "body",
            "message vide ou trop long (5 000 caractères au plus)",
        ));
    }
    let mut tx = conn.begin().await?;
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO messages (conversation_id, sender_id, body, attachment_document_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(conversation_id)
    .bind(sender_id)
    .bind(body)
    .bind(attachment_document_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| match crate::db::support::sqlstate(&e).as_deref() {
        Some("23503") => Error::NotFound,
        _ => map_check(e),
    })?;
    sqlx::query("UPDATE conversation_participants SET last_read_at = $3 WHERE conversation_id = $1 AND user_id = $2")
        .bind(conversation_id)
        .bind(sender_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    let others: Vec<Uuid> = sqlx::query_scalar(
        "SELECT p.user_id FROM conversation_participants p
          WHERE p.conversation_id = $1 AND p.user_id <> $2
            AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.user_id = p.user_id AND n.conversation_id = $1
                              AND n.type = 'MESSAGE_RECEIVED' AND n.read_at IS NULL)",
    )
    .bind(conversation_id)
    .bind(sender_id)
    .fetch_all(&mut *tx)
    .await?;
    if !others.is_empty() {
        let sender: String = sqlx::query_scalar(
            "SELECT COALESCE(NULLIF(trim(COALESCE(first_name, '') || ' ' || COALESCE(last_name, '')), ''), 'Un membre') FROM users WHERE id = $1",
        )
        .bind(sender_id)
        .fetch_one(&mut *tx)
        .await?;
        let title = format!("Nouveau message de {sender}");
        let preview: String = body.chars().take(140).collect();
        for user in others {
            notify(
                &mut tx,
                user,
                NotificationType::MessageReceived,
                &NewNotification {
                    title: &title,
                    body: &preview,
                    link: Some("/messages"),
                    conversation_id: Some(conversation_id),
                    ..Default::default()
                },
                now,
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(id)
}

/// `POST /api/user/conversations/{id}/read`; also marks the conversation's message
/// notifications read. 404 for a non-participant.
pub async fn mark_read(
    conn: &mut PgConnection,
    conversation_id: Uuid,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = conn.begin().await?;
    let n = sqlx::query("UPDATE conversation_participants SET last_read_at = $3 WHERE conversation_id = $1 AND user_id = $2")
        .bind(conversation_id)
        .bind(user_id)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(Error::NotFound);
    }
    sqlx::query(
        "UPDATE notifications SET read_at = $3 WHERE user_id = $2 AND conversation_id = $1 AND read_at IS NULL",
    )
    .bind(conversation_id)
    .bind(user_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
