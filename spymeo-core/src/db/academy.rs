//! Academy (DOMAIN.md J1–J6): lessons with chapters (the lesson's duration is the sum of its
//! chapters), per-user progress recomputed from chapter completions, notes and comments.

use chrono::{DateTime, Utc};
use sqlx::{Connection as _, PgConnection};
use uuid::Uuid;

use crate::db::support::{map_code, unique_slug};
use crate::domain::{LessonKind, ProgressStatus, SkillLevel};
use crate::{Error, Result};

#[derive(Debug, Clone)]
pub struct LessonInput {
    pub title: String,
    pub description: String,
    pub content: String,
    pub kind: LessonKind,
    pub difficulty: SkillLevel,
    pub tags: Vec<String>,
    /// Used until chapters exist.
    pub duration_min: i16,
    pub cover_url: Option<String>,
    pub position: i16,
    pub published: bool,
}

pub async fn create_lesson(
    conn: &mut PgConnection,
    l: &LessonInput,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    let mut tx = conn.begin().await?;
    let slug = unique_slug(&mut tx, "academy_lessons", &l.title).await?;
    let id = sqlx::query_scalar(
        "INSERT INTO academy_lessons (slug, title, description, content, kind, difficulty, tags, duration_min, cover_url,
                                      position, published, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
    )
    .bind(&slug)
    .bind(&l.title)
    .bind(&l.description)
    .bind(&l.content)
    .bind(l.kind)
    .bind(l.difficulty)
    .bind(&l.tags)
    .bind(l.duration_min.max(1))
    .bind(&l.cover_url)
    .bind(l.position)
    .bind(l.published)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Appends a chapter and recomputes the lesson's duration.
pub async fn add_chapter(
    conn: &mut PgConnection,
    lesson_id: Uuid,
    title: &str,
    duration_min: i16,
    content: &str,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    if duration_min <= 0 {
        return Err(Error::field("durationMin", "durée positive"));
    }
    let mut tx = conn.begin().await?;
    sqlx::query("SELECT 1 FROM academy_lessons WHERE id = $1 FOR UPDATE")
        .bind(lesson_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(Error::NotFound)?;
    let id = sqlx::query_scalar(
        "INSERT INTO academy_chapters (lesson_id, position, title, duration_min, content, created_at, updated_at)
         SELECT $1, COALESCE(max(position), 0) + 1, $2, $3, $4, $5, $5 FROM academy_chapters WHERE lesson_id = $1
         RETURNING id",
    )
    .bind(lesson_id)
    .bind(title)
    .bind(duration_min)
    .bind(content)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE academy_lessons SET duration_min = (SELECT sum(duration_min) FROM academy_chapters WHERE lesson_id = $1)
          WHERE id = $1",
    )
    .bind(lesson_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Checks or unchecks a chapter and recomputes the lesson progress:
/// `percent = round(100 × completed / total)`, status from the percent.
pub async fn set_chapter_completed(
    conn: &mut PgConnection,
    user_id: Uuid,
    chapter_id: Uuid,
    completed: bool,
    now: DateTime<Utc>,
) -> Result<(ProgressStatus, i16)> {
    let mut tx = conn.begin().await?;
    let lesson_id: Uuid =
        sqlx::query_scalar("SELECT lesson_id FROM academy_chapters WHERE id = $1")
            .bind(chapter_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(Error::NotFound)?;
    if completed {
        sqlx::query(
            "INSERT INTO academy_chapter_completions (user_id, chapter_id, completed_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(user_id)
        .bind(chapter_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    } else {
        sqlx::query(
            "DELETE FROM academy_chapter_completions WHERE user_id = $1 AND chapter_id = $2",
        )
        .bind(user_id)
        .bind(chapter_id)
        .execute(&mut *tx)
        .await?;
    }
    let (done, total): (i64, i64) = sqlx::query_as(
        "SELECT count(cc.chapter_id), count(*) FROM academy_chapters c
           LEFT JOIN academy_chapter_completions cc ON cc.chapter_id = c.id AND cc.user_id = $2
          WHERE c.lesson_id = $1",
    )
    .bind(lesson_id)
    .bind(user_id)
    .fetch_one(&mut *tx)
    .await?;
    let percent = if total == 0 {
        0
    } else {
        crate::domain::money::div_round(i128::from(100 * done), i128::from(total)) as i16
    };
    let status = match percent {
        0 => ProgressStatus::NotStarted,
        100 => ProgressStatus::Completed,
        _ => ProgressStatus::InProgress,
    };
    sqlx::query(
        "INSERT INTO academy_progress (user_id, lesson_id, status, percent, last_viewed_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
         ON CONFLICT (user_id, lesson_id) DO UPDATE SET status = EXCLUDED.status, percent = EXCLUDED.percent,
             last_viewed_at = EXCLUDED.last_viewed_at",
    )
    .bind(user_id)
    .bind(lesson_id)
    .bind(status)
    .bind(percent)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok((status, percent))
}

/// Favorite / like flags of a lesson (`POST /api/academy/progress`, like action).
pub async fn set_flags(
    conn: &mut PgConnection,
    user_id: Uuid,
    lesson_id: Uuid,
    favorite: Option<bool>,
    liked: Option<bool>,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO academy_progress (user_id, lesson_id, favorite, liked, last_viewed_at, updated_at)
         VALUES ($1, $2, COALESCE($3, false), COALESCE($4, false), $5, $5)
         ON CONFLICT (user_id, lesson_id) DO UPDATE SET favorite = COALESCE($3, academy_progress.favorite),
             liked = COALESCE($4, academy_progress.liked), last_viewed_at = $5",
    )
    .bind(user_id)
    .bind(lesson_id)
    .bind(favorite)
    .bind(liked)
    .bind(now)
    .execute(conn)
    .await
    .map_err(|e| map_code(e, "23503", Error::NotFound))?;
    Ok(())
}

pub async fn add_note(
    conn: &mut PgConnection,
    user_id: Uuid,
    lesson_id: Uuid,
    body: &str,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    if body.trim().is_empty() || body.chars().count() > 10_000 {
        return Err(Error::field("body", "note vide ou trop longue"));
    }
    sqlx::query_scalar(
        "INSERT INTO academy_lesson_notes (user_id, lesson_id, body, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
    )
    .bind(user_id)
    .bind(lesson_id)
    .bind(body.trim())
    .bind(now)
    .fetch_one(conn)
    .await
    .map_err(|e| map_code(e, "23503", Error::NotFound))
}

pub async fn add_comment(
    conn: &mut PgConnection,
    author_id: Uuid,
    lesson_id: Uuid,
    body: &str,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    if body.trim().is_empty() || body.chars().count() > 2000 {
        return Err(Error::field("body", "commentaire vide ou trop long"));
    }
    sqlx::query_scalar(
        "INSERT INTO academy_comments (lesson_id, author_id, body, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
    )
    .bind(lesson_id)
    .bind(author_id)
    .bind(body.trim())
    .bind(now)
    .fetch_one(conn)
    .await
    .map_err(|e| map_code(e, "23503", Error::NotFound))
}
