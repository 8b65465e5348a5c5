//! In-app notifications (DOMAIN.md H7). Emails are sent by the outbox after commit.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::Result;
use crate::domain::NotificationType;

#[derive(Debug, Clone, Default)]
pub struct NewNotification<'a> {
    pub title: &'a str,
    pub body: &'a str,
    /// A relative path (`/user/rendez-vous`).
    pub link: Option<&'a str>,
    pub appointment_id: Option<Uuid>,
    pub conversation_id: Option<Uuid>,
}

pub async fn notify(
    conn: &mut PgConnection,
    user_id: Uuid,
    kind: NotificationType,
    n: &NewNotification<'_>,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    Ok(sqlx::query_scalar(
        "INSERT INTO notifications (user_id, type, title, body, link, appointment_id, conversation_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(user_id)
    .bind(kind)
    .bind(n.title)
    .bind(n.body)
    .bind(n.link)
    .bind(n.appointment_id)
    .bind(n.conversation_id)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

pub async fn mark_read(
    conn: &mut PgConnection,
    user_id: Uuid,
    notification_id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE notifications SET read_at = COALESCE(read_at, $3) WHERE id = $1 AND user_id = $2",
    )
    .bind(notification_id)
    .bind(user_id)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected()
        == 1)
}

/// `POST /api/notifications/read-all`: every notification created up to `now`.
pub async fn mark_all_read(
    conn: &mut PgConnection,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<u64> {
    Ok(sqlx::query(
        "UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL AND created_at <= $2",
    )
    .bind(user_id)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected())
}
