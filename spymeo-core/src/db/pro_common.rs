//! Read models and owner-scoped edits behind `/pro/commun/*` and `/api/pro/*` (DOMAIN.md
//! §6.11, §8.3): notes, conversations, advantages, impact opportunities and the PASS partner
//! row. Creation goes through `community`, `messaging` and `pass`.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::domain::{AdvantageType, ApplicationStatus, OpportunityKind, Role};
use crate::{Error, Result};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct NoteRow {
    pub id: Uuid,
    pub title: String,
    pub content: String,
    pub tags: Vec<String>,
    pub pinned: bool,
    pub updated_at: DateTime<Utc>,
}

pub async fn notes(pool: &PgPool, user_id: Uuid) -> Result<Vec<NoteRow>> {
    Ok(sqlx::query_as(
        "SELECT id, title, content, tags, pinned, updated_at FROM notes WHERE user_id = $1 ORDER BY pinned DESC, updated_at DESC, id",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?)
}

pub async fn delete_note(conn: &mut PgConnection, user_id: Uuid, id: Uuid) -> Result<()> {
    let n = sqlx::query("DELETE FROM notes WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(conn)
        .await?
        .rows_affected();
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}

pub async fn set_note_pinned(
    conn: &mut PgConnection,
    user_id: Uuid,
    id: Uuid,
    pinned: bool,
) -> Result<()> {
    let n = sqlx::query("UPDATE notes SET pinned = $3 WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .bind(pinned)
        .execute(conn)
        .await?
        .rows_affected();
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct ConversationRow {
    pub id: Uuid,
    pub other_user_id: Option<Uuid>,
    pub other_name: String,
    pub subject: Option<String>,
    pub last_message_at: Option<DateTime<Utc>>,
    pub last_message: Option<String>,
    pub unread: i64,
}

/// The user's conversations, latest first, with the other participant and the unread count
/// of §7.6.
pub async fn conversations(pool: &PgPool, user_id: Uuid) -> Result<Vec<ConversationRow>> {
    Ok(sqlx::query_as(
        "SELECT c.id, o.user_id AS other_user_id,
                COALESCE(NULLIF(trim(COALESCE(u.first_name, '') || ' ' || COALESCE(u.last_name, '')), ''), 'Compte supprimé') AS other_name,
                c.subject, c.last_message_at,
                (SELECT m.body FROM messages m WHERE m.conversation_id = c.id AND m.deleted_at IS NULL ORDER BY m.created_at DESC LIMIT 1)
                    AS last_message,
                (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.deleted_at IS NULL AND m.sender_id IS DISTINCT FROM $1
                    AND m.created_at > COALESCE(me.last_read_at, '-infinity')) AS unread
           FROM conversation_participants me
           JOIN conversations c ON c.id = me.conversation_id
           LEFT JOIN conversation_participants o ON o.conversation_id = c.id AND o.user_id <> $1
           LEFT JOIN users u ON u.id = o.user_id
          WHERE me.user_id = $1 AND NOT me.archived
          ORDER BY c.last_message_at DESC NULLS LAST, c.created_at DESC",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct MessageRow {
    pub id: Uuid,
    pub sender_id: Option<Uuid>,
    pub sender_name: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// The last 100 messages of a conversation the user takes part in (404 otherwise), oldest
/// first.
pub async fn thread(
    pool: &PgPool,
    user_id: Uuid,
    conversation_id: Uuid,
) -> Result<Vec<MessageRow>> {
    let member: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM conversation_participants WHERE conversation_id = $1 AND user_id = $2)",
    )
    .bind(conversation_id)
    .bind(user_id)
    .fetch_one(pool)
    .await?;
    if !member {
        return Err(Error::NotFound);
    }
    Ok(sqlx::query_as(
        "SELECT * FROM (
           SELECT m.id, m.sender_id,
                  COALESCE(NULLIF(trim(COALESCE(u.first_name, '') || ' ' || COALESCE(u.last_name, '')), ''), 'Compte supprimé') AS sender_name,
                  m.body, m.created_at
             FROM messages m LEFT JOIN users u ON u.id = m.sender_id
            WHERE m.conversation_id = $1 AND m.deleted_at IS NULL
            ORDER BY m.created_at DESC LIMIT 100) t ORDER BY created_at, id",
    )
    .bind(conversation_id)
    .fetch_all(pool)
    .await?)
}

/// A verified, active pro of the network a pro may write to (§7.6 PRO → PRO), by public name.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct NetworkPro {
    pub user_id: Uuid,
    pub public_name: String,
    pub role: Role,
    pub city: Option<String>,
}

pub async fn network(pool: &PgPool, except: Uuid) -> Result<Vec<NetworkPro>> {
    Ok(sqlx::query_as(
        "WITH p AS (
           SELECT user_id, public_name, city, verified FROM practitioner_profiles
           UNION ALL SELECT user_id, public_name, city, verified FROM artisan_profiles
           UNION ALL SELECT user_id, public_name, city, verified FROM merchant_profiles
           UNION ALL SELECT user_id, public_name, city, verified FROM center_profiles)
         SELECT p.user_id, p.public_name, u.role, p.city FROM p JOIN users u ON u.id = p.user_id
          WHERE p.verified AND u.status = 'ACTIVE' AND u.deleted_at IS NULL AND p.user_id <> $1
          ORDER BY p.public_name LIMIT 200",
    )
    .bind(except)
    .fetch_all(pool)
    .await?)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct AdvantageRow {
    pub id: Uuid,
    pub owner_user_id: Uuid,
    pub owner_name: String,
    pub owner_role: Role,
    pub title: String,
    #[serde(rename = "type")]
    pub kind: AdvantageType,
    pub description: Option<String>,
    pub percentage: Option<i16>,
    pub active: bool,
}

/// `scope = mine`: the caller's advantages (active or not); `network`: the active ones of
/// other verified pros.
pub async fn advantages(
    pool: &PgPool,
    user_id: Uuid,
    mine: bool,
    kind: Option<AdvantageType>,
) -> Result<Vec<AdvantageRow>> {
    Ok(sqlx::query_as(
        "WITH p AS (
           SELECT user_id, public_name, verified FROM practitioner_profiles
           UNION ALL SELECT user_id, public_name, verified FROM artisan_profiles
           UNION ALL SELECT user_id, public_name, verified FROM merchant_profiles
           UNION ALL SELECT user_id, public_name, verified FROM center_profiles)
         SELECT a.id, a.owner_user_id, COALESCE(p.public_name, '') AS owner_name, u.role AS owner_role, a.title, a.type AS kind,
                a.description, a.percentage, a.active
           FROM pro_advantages a JOIN users u ON u.id = a.owner_user_id LEFT JOIN p ON p.user_id = a.owner_user_id
          WHERE ($3::advantage_type IS NULL OR a.type = $3)
            AND CASE WHEN $2 THEN a.owner_user_id = $1
                     ELSE a.owner_user_id <> $1 AND a.active AND p.verified AND u.status = 'ACTIVE' AND u.deleted_at IS NULL END
          ORDER BY a.created_at DESC, a.id",
    )
    .bind(user_id)
    .bind(mine)
    .bind(kind)
    .fetch_all(pool)
    .await?)
}

pub async fn set_advantage_active(
    conn: &mut PgConnection,
    user_id: Uuid,
    id: Uuid,
    active: bool,
) -> Result<()> {
    let n =
        sqlx::query("UPDATE pro_advantages SET active = $3 WHERE id = $1 AND owner_user_id = $2")
            .bind(id)
            .bind(user_id)
            .bind(active)
            .execute(conn)
            .await?
            .rows_affected();
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}

pub async fn delete_advantage(conn: &mut PgConnection, user_id: Uuid, id: Uuid) -> Result<()> {
    let n = sqlx::query("DELETE FROM pro_advantages WHERE id = $1 AND owner_user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(conn)
        .await?
        .rows_affected();
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct OpportunityRow {
    pub id: Uuid,
    pub kind: OpportunityKind,
    pub title: String,
    pub company: String,
    pub location: Option<String>,
    pub description: String,
    pub apply_url: Option<String>,
    pub created_at: DateTime<Utc>,
    /// The caller's application, if any.
    pub my_status: Option<ApplicationStatus>,
}

pub async fn opportunities(pool: &PgPool, user_id: Uuid) -> Result<Vec<OpportunityRow>> {
    Ok(sqlx::query_as(
        "SELECT o.id, o.kind, o.title, o.company, o.location, o.description, o.apply_url, o.created_at, a.status AS my_status
           FROM impact_opportunities o LEFT JOIN impact_applications a ON a.opportunity_id = o.id AND a.user_id = $1
          WHERE o.open ORDER BY o.created_at DESC, o.id",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct MyApplication {
    pub opportunity_id: Uuid,
    pub title: String,
    pub status: ApplicationStatus,
    pub created_at: DateTime<Utc>,
}

pub async fn my_applications(pool: &PgPool, user_id: Uuid) -> Result<Vec<MyApplication>> {
    Ok(sqlx::query_as(
        "SELECT a.opportunity_id, o.title, a.status, a.created_at FROM impact_applications a
           JOIN impact_opportunities o ON o.id = a.opportunity_id WHERE a.user_id = $1 ORDER BY a.created_at DESC",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?)
}

/// `(enabled, rate)` of the pro's PASS discount; not a partner yet → `(false, 10)`, the
/// default rate (§6.11).
pub async fn pass_partner(pool: &PgPool, user_id: Uuid) -> Result<(bool, i16)> {
    let row: Option<(bool, i16)> =
        sqlx::query_as("SELECT active, rate_pct FROM pass_discounts WHERE partner_user_id = $1")
            .bind(user_id)
            .fetch_optional(pool)
            .await?;
    Ok(row.unwrap_or((false, 10)))
}

/// The author's articles (`GET /api/pro/blog`), newest change first.
pub async fn my_articles(
    pool: &PgPool,
    author_user_id: Uuid,
) -> Result<Vec<crate::db::admin::ArticleRow>> {
    let ids: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM articles WHERE author_user_id = $1 ORDER BY updated_at DESC, id",
    )
    .bind(author_user_id)
    .fetch_all(pool)
    .await?;
    let mut conn = pool.acquire().await?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        out.push(crate::db::admin::article(&mut conn, id).await?);
    }
    Ok(out)
}

/// An author's edit (§5.3: own articles, only while DRAFT or NEEDS_CHANGES → 409
/// ARTICLE_LOCKED); another author's article is 404.
pub async fn update_own_article(
    conn: &mut PgConnection,
    author_user_id: Uuid,
    id: Uuid,
    p: &crate::db::admin::ArticlePatch,
) -> Result<()> {
    use sqlx::Connection as _;
    let mut tx = conn.begin().await?;
    let row: Option<(crate::domain::ArticleStatus, Option<Uuid>)> =
        sqlx::query_as("SELECT status, author_user_id FROM articles WHERE id = $1 FOR UPDATE")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    let (status, author) = row.ok_or(Error::NotFound)?;
    if author != Some(author_user_id) {
        return Err(Error::NotFound);
    }
    if !matches!(
        status,
        crate::domain::ArticleStatus::Draft | crate::domain::ArticleStatus::NeedsChanges
    ) {
        return Err(Error::conflict(
            "ARTICLE_LOCKED",
            "Un article soumis ou publié ne peut plus être modifié",
        ));
    }
    crate::db::admin::update_article(&mut tx, id, p).await?;
    tx.commit().await?;
    Ok(())
}
