//! Blog articles (DOMAIN.md J7–J8, §7.9): DRAFT → SUBMITTED → PUBLISHED | NEEDS_CHANGES |
//! REJECTED, PUBLISHED → ARCHIVED; admin articles may be published directly.

use chrono::{DateTime, Utc};
use sqlx::{Connection as _, PgConnection};
use uuid::Uuid;

use crate::db::notifications::{NewNotification, notify};
use crate::db::support::{unique_conflict, unique_slug};
use crate::domain::{ArticleStatus, NotificationType};
use crate::{Error, Result};

#[derive(Debug, Clone)]
pub struct ArticleInput {
    pub title: String,
    pub excerpt: Option<String>,
    pub content: String,
    pub cover_url: Option<String>,
    pub category: Option<String>,
    pub tags: Vec<String>,
}

/// Reading time at 200 words per minute, 1–120.
pub fn reading_minutes(content: &str) -> i16 {
    let words = content.split_whitespace().count();
    (words.div_ceil(200)).clamp(1, 120) as i16
}

/// A DRAFT by `author_user_id` (None = "Équipe SPYMEO").
pub async fn create_article(
    conn: &mut PgConnection,
    author_user_id: Option<Uuid>,
    author_display_name: &str,
    a: &ArticleInput,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    if a.title.trim().is_empty() || a.title.chars().count() > 200 {
        return Err(Error::field(
            "title",
            "titre requis (200 caractères au plus)",
        ));
    }
    let mut tx = conn.begin().await?;
    let slug = unique_slug(&mut tx, "articles", &a.title).await?;
    let id = sqlx::query_scalar(
        "INSERT INTO articles (slug, title, excerpt, content, cover_url, category, tags, author_user_id, author_display_name,
                               status, reading_minutes, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'DRAFT', $10, $11, $11) RETURNING id",
    )
    .bind(&slug)
    .bind(a.title.trim())
    .bind(&a.excerpt)
    .bind(&a.content)
    .bind(&a.cover_url)
    .bind(&a.category)
    .bind(&a.tags)
    .bind(author_user_id)
    .bind(author_display_name)
    .bind(reading_minutes(&a.content))
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| unique_conflict(e, "SLUG_TAKEN", "Ce titre est déjà utilisé"))?;
    tx.commit().await?;
    Ok(id)
}

async fn lock(conn: &mut PgConnection, id: Uuid) -> Result<(ArticleStatus, Option<Uuid>, String)> {
    sqlx::query_as("SELECT status, author_user_id, title FROM articles WHERE id = $1 FOR UPDATE")
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(Error::NotFound)
}

fn invalid() -> Error {
    Error::conflict("INVALID_TRANSITION", "Changement de statut impossible")
}

/// `POST /api/pro/blog/{id}/submit`: the author's DRAFT or NEEDS_CHANGES → SUBMITTED.
pub async fn submit(
    conn: &mut PgConnection,
    author_user_id: Uuid,
    article_id: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = conn.begin().await?;
    let (status, author, _) = lock(&mut tx, article_id).await?;
    if author != Some(author_user_id) {
        return Err(Error::NotFound);
    }
    if !matches!(status, ArticleStatus::Draft | ArticleStatus::NeedsChanges) {
        return Err(invalid());
    }
    sqlx::query("UPDATE articles SET status = 'SUBMITTED', submitted_at = $2 WHERE id = $1")
        .bind(article_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Publish,
    NeedsChanges,
    Reject,
}

/// `POST /api/admin/blog/{id}/review`: decision on a SUBMITTED article (admins' own drafts
/// may be published directly); the author is notified.
pub async fn review(
    conn: &mut PgConnection,
    reviewer_id: Uuid,
    article_id: Uuid,
    decision: Decision,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = conn.begin().await?;
    let (status, author, title) = lock(&mut tx, article_id).await?;
    let direct =
        status == ArticleStatus::Draft && (author.is_none() || author == Some(reviewer_id));
    if !(status == ArticleStatus::Submitted || (direct && decision == Decision::Publish)) {
        return Err(invalid());
    }
    let to = match decision {
        Decision::Publish => ArticleStatus::Published,
        Decision::NeedsChanges => ArticleStatus::NeedsChanges,
        Decision::Reject => ArticleStatus::Rejected,
    };
    sqlx::query(
        "UPDATE articles SET status = $2, review_note = $3, reviewed_by = $4,
                published_at = CASE WHEN $2 = 'PUBLISHED'::article_status THEN $5 ELSE published_at END
          WHERE id = $1",
    )
    .bind(article_id)
    .bind(to)
    .bind(note)
    .bind(reviewer_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if let Some(author) = author.filter(|a| *a != reviewer_id) {
        let body = match decision {
            Decision::Publish => format!("« {title} » est publié."),
            Decision::NeedsChanges => format!(
                "« {title} » demande des modifications : {}",
                note.unwrap_or("voir les remarques")
            ),
            Decision::Reject => format!("« {title} » n'a pas été retenu."),
        };
        notify(
            &mut tx,
            author,
            NotificationType::ArticleReviewed,
            &NewNotification {
                title: "Votre article a été relu",
                body: &body,
                link: Some("/pro/praticien/blog-proposer"),
                ..Default::default()
            },
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// PUBLISHED → ARCHIVED (admin).
pub async fn archive(conn: &mut PgConnection, article_id: Uuid) -> Result<()> {
    let mut tx = conn.begin().await?;
    let (status, _, _) = lock(&mut tx, article_id).await?;
    if status != ArticleStatus::Published {
        return Err(invalid());
    }
    sqlx::query("UPDATE articles SET status = 'ARCHIVED' WHERE id = $1")
        .bind(article_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Idempotent like of a PUBLISHED article; returns the like count.
pub async fn like(
    conn: &mut PgConnection,
    user_id: Uuid,
    article_id: Uuid,
    now: DateTime<Utc>,
) -> Result<i64> {
    let published: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM articles WHERE id = $1 AND status = 'PUBLISHED')",
    )
    .bind(article_id)
    .fetch_one(&mut *conn)
    .await?;
    if !published {
        return Err(Error::NotFound);
    }
    sqlx::query("INSERT INTO article_likes (user_id, article_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
        .bind(user_id)
        .bind(article_id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(
        sqlx::query_scalar("SELECT count(*) FROM article_likes WHERE article_id = $1")
            .bind(article_id)
            .fetch_one(conn)
            .await?,
    )
}

/// Counts a view (the caller limits it to once per session per day).
pub async fn add_views(conn: &mut PgConnection, article_id: Uuid, views: i32) -> Result<()> {
    sqlx::query("UPDATE articles SET views = views + $2 WHERE id = $1")
        .bind(article_id)
        .bind(views)
        .execute(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn reading_time() {
        assert_eq!(super::reading_minutes(""), 1);
        assert_eq!(super::reading_minutes(&"mot ".repeat(401)), 3);
        assert_eq!(super::reading_minutes(&"mot ".repeat(100_000)), 120);
    }
}
