//! The email outbox: messages are queued in the transaction of the event that causes them and
//! sent after commit by whichever replica claims them first (`FOR UPDATE SKIP LOCKED`), so N
//! replicas never send one twice and a crash between commit and send loses nothing.

use chrono::{DateTime, Duration, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::Result;
use crate::mail::{Email, Mailer};

/// After this many failed attempts a message is given up (and stays visible in the table).
pub const MAX_ATTEMPTS: i16 = 8;

pub async fn enqueue(
    conn: &mut PgConnection,
    email: &Email,
    user_id: Option<Uuid>,
) -> Result<Uuid> {
    Ok(sqlx::query_scalar(
        "INSERT INTO email_outbox (to_address, subject, body_text, template, user_id)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(&email.to)
    .bind(&email.subject)
    .bind(&email.body)
    .bind(email.template)
    .bind(user_id)
    .fetch_one(conn)
    .await?)
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    pub sent: u32,
    pub retried: u32,
    pub given_up: u32,
}

#[derive(sqlx::FromRow)]
struct Due {
    id: Uuid,
    to_address: String,
    subject: String,
    body_text: String,
    template: String,
    attempts: i16,
}

/// Sends up to `batch` due messages. Failures are retried with exponential backoff
/// (1, 2, 4… minutes), then given up after [`MAX_ATTEMPTS`].
pub async fn deliver_due(
    pool: &PgPool,
    mailer: &Mailer,
    batch: i64,
    now: DateTime<Utc>,
) -> Result<Delivery> {
    let mut tx = pool.begin().await?;
    let due: Vec<Due> = sqlx::query_as(
        "SELECT id, to_address::text AS to_address, subject, body_text, template, attempts
           FROM email_outbox
          WHERE sent_at IS NULL AND failed_at IS NULL AND send_after <= $1
          ORDER BY send_after
          LIMIT $2
          FOR UPDATE SKIP LOCKED",
    )
    .bind(now)
    .bind(batch)
    .fetch_all(&mut *tx)
    .await?;
    let mut delivery = Delivery::default();
    for msg in due {
        let email = Email {
            to: msg.to_address,
            subject: msg.subject,
            body: msg.body_text,
            template: "",
        };
        match mailer.send(&email).await {
            Ok(()) => {
                sqlx::query("UPDATE email_outbox SET sent_at = $2, attempts = attempts + 1, last_error = NULL WHERE id = $1")
                    .bind(msg.id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                delivery.sent += 1;
            }
            Err(cause) => {
                let attempts = msg.attempts + 1;
                let give_up = attempts >= MAX_ATTEMPTS;
                tracing::warn!(id = %msg.id, template = %msg.template, attempts, %cause, "email not sent");
                sqlx::query(
                    "UPDATE email_outbox SET attempts = $2, last_error = $3, send_after = $4,
                            failed_at = CASE WHEN $5 THEN $6 END
                      WHERE id = $1",
                )
                .bind(msg.id)
                .bind(attempts)
                .bind(cause.chars().take(500).collect::<String>())
                .bind(now + Duration::minutes(1i64 << (attempts - 1).clamp(0, 10)))
                .bind(give_up)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                if give_up {
                    delivery.given_up += 1;
                } else {
                    delivery.retried += 1;
                }
            }
        }
    }
    tx.commit().await?;
    Ok(delivery)
}
