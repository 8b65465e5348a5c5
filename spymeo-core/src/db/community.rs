//! Notes (H5), favorites (H6), pro advantages (J9) and impact opportunities (J10–J11).

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::db::support::{map_code, unique_conflict};
use crate::domain::{AdvantageType, ApplicationStatus, FavoriteTarget, OpportunityKind};
use crate::{Error, Result};

#[derive(Debug, Clone)]
pub struct NoteInput {
    pub title: String,
    pub content: String,
    pub tags: Vec<String>,
    pub pinned: bool,
}

pub async fn create_note(
    conn: &mut PgConnection,
    user_id: Uuid,
    n: &NoteInput,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    if n.title.trim().is_empty() || n.title.chars().count() > 200 {
        return Err(Error::field(
            "title",
            "titre requis (200 caractères au plus)",
        ));
    }
    Ok(sqlx::query_scalar(
        "INSERT INTO notes (user_id, title, content, tags, pinned, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(user_id)
    .bind(n.title.trim())
    .bind(&n.content)
    .bind(&n.tags)
    .bind(n.pinned)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// The table and visibility condition of a favorite target: only public rows may be added.
fn target_check(t: FavoriteTarget) -> &'static str {
    match t {
        FavoriteTarget::Practitioner => {
            "SELECT EXISTS (SELECT 1 FROM practitioner_profiles p JOIN users u ON u.id = p.user_id WHERE p.id = $1 AND p.verified AND u.status = 'ACTIVE' AND u.deleted_at IS NULL)"
        }
        FavoriteTarget::Artisan => {
            "SELECT EXISTS (SELECT 1 FROM artisan_profiles p JOIN users u ON u.id = p.user_id WHERE p.id = $1 AND p.verified AND u.status = 'ACTIVE' AND u.deleted_at IS NULL)"
        }
        FavoriteTarget::Merchant => {
            "SELECT EXISTS (SELECT 1 FROM merchant_profiles p JOIN users u ON u.id = p.user_id WHERE p.id = $1 AND p.verified AND u.status = 'ACTIVE' AND u.deleted_at IS NULL)"
        }
        FavoriteTarget::Center => {
            "SELECT EXISTS (SELECT 1 FROM center_profiles p JOIN users u ON u.id = p.user_id WHERE p.id = $1 AND p.verified AND u.status = 'ACTIVE' AND u.deleted_at IS NULL)"
        }
        FavoriteTarget::Product => {
            "SELECT EXISTS (SELECT 1 FROM products WHERE id = $1 AND status = 'ACTIVE')"
        }
        FavoriteTarget::Service => {
            "SELECT EXISTS (SELECT 1 FROM artisan_services WHERE id = $1 AND status = 'ACTIVE')"
        }
        FavoriteTarget::Formation => {
            "SELECT EXISTS (SELECT 1 FROM formations WHERE id = $1 AND status = 'PUBLISHED')"
        }
        FavoriteTarget::Article => {
            "SELECT EXISTS (SELECT 1 FROM articles WHERE id = $1 AND status = 'PUBLISHED')"
        }
    }
}

/// `POST /api/user/favorites`: returns true when created, false when it already existed;
/// 404 when the target is not public.
pub async fn add_favorite(
    conn: &mut PgConnection,
    user_id: Uuid,
    target_type: FavoriteTarget,
    target_id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool> {
    let public: bool = sqlx::query_scalar(target_check(target_type))
        .bind(target_id)
        .fetch_one(&mut *conn)
        .await?;
    if !public {
        return Err(Error::NotFound);
    }
    Ok(sqlx::query(
        "INSERT INTO favorites (user_id, target_type, target_id, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(user_id)
    .bind(target_type)
    .bind(target_id)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected()
        == 1)
}

#[derive(Debug, Clone)]
pub struct AdvantageInput {
    pub title: String,
    pub kind: AdvantageType,
    pub description: Option<String>,
    pub percentage: Option<i16>,
}

pub async fn create_advantage(
    conn: &mut PgConnection,
    owner_user_id: Uuid,
    a: &AdvantageInput,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    if a.kind == AdvantageType::Reduction && !a.percentage.is_some_and(|p| (1..=100).contains(&p)) {
        return Err(Error::field("percentage", "pourcentage entre 1 et 100"));
    }
    Ok(sqlx::query_scalar(
        "INSERT INTO pro_advantages (owner_user_id, title, type, description, percentage, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(owner_user_id)
    .bind(&a.title)
    .bind(a.kind)
    .bind(&a.description)
    .bind(a.percentage)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

#[derive(Debug, Clone)]
pub struct OpportunityInput {
    pub kind: OpportunityKind,
    pub title: String,
    pub company: String,
    pub location: Option<String>,
    pub description: String,
    pub apply_url: Option<String>,
}

pub async fn create_opportunity(
    conn: &mut PgConnection,
    created_by: Uuid,
    o: &OpportunityInput,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    Ok(sqlx::query_scalar(
        "INSERT INTO impact_opportunities (kind, title, company, location, description, apply_url, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(o.kind)
    .bind(&o.title)
    .bind(&o.company)
    .bind(&o.location)
    .bind(&o.description)
    .bind(&o.apply_url)
    .bind(created_by)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// `POST /api/pro/impact/candidature`: 409 OPPORTUNITY_CLOSED / ALREADY_APPLIED.
pub async fn apply(
    conn: &mut PgConnection,
    user_id: Uuid,
    opportunity_id: Uuid,
    message: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    let open: bool = sqlx::query_scalar("SELECT open FROM impact_opportunities WHERE id = $1")
        .bind(opportunity_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(Error::NotFound)?;
    if !open {
        return Err(Error::conflict(
            "OPPORTUNITY_CLOSED",
            "Cette opportunité est fermée",
        ));
    }
    sqlx::query_scalar(
        "INSERT INTO impact_applications (opportunity_id, user_id, message, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
    )
    .bind(opportunity_id)
    .bind(user_id)
    .bind(message)
    .bind(now)
    .fetch_one(conn)
    .await
    .map_err(|e| unique_conflict(e, "ALREADY_APPLIED", "Vous avez déjà candidaté"))
}

/// Admin decision on an impact application.
pub async fn set_application_status(
    conn: &mut PgConnection,
    application_id: Uuid,
    status: ApplicationStatus,
) -> Result<()> {
    let n = sqlx::query("UPDATE impact_applications SET status = $2 WHERE id = $1")
        .bind(application_id)
        .bind(status)
        .execute(conn)
        .await
        .map_err(|e| map_code(e, "23514", Error::validation("statut invalide")))?
        .rows_affected();
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}
