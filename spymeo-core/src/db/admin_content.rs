//! What the admin curates (DOMAIN.md §6.15): the monthly PASS resources, the PASS discounts
//! (external partners fully; internal ones only their `active` flag, the partner owns the
//! rest), and the impact opportunities with their applications. Creation is in `pass` and
//! `community`.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::db::support::map_code;
use crate::domain::{ApplicationStatus, OpportunityKind, PartnerKind, PassResourceType};
use crate::{Error, Result};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct ResourceRow {
    pub id: Uuid,
    pub title: String,
    #[serde(rename = "type")]
    pub kind: PassResourceType,
    pub month: String,
    pub description: Option<String>,
    pub url: Option<String>,
    pub available_from: DateTime<Utc>,
    pub published: bool,
}

pub async fn resources(pool: &PgPool) -> Result<Vec<ResourceRow>> {
    Ok(sqlx::query_as(
        "SELECT id, title, type AS kind, month, description, url, available_from, published FROM pass_resources
          ORDER BY month DESC, available_from, id",
    )
    .fetch_all(pool)
    .await?)
}

pub async fn resource(conn: &mut PgConnection, id: Uuid) -> Result<ResourceRow> {
    sqlx::query_as("SELECT id, title, type AS kind, month, description, url, available_from, published FROM pass_resources WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(Error::NotFound)
}

pub async fn update_resource(conn: &mut PgConnection, r: &ResourceRow) -> Result<()> {
    if r.title.trim().is_empty() {
        return Err(Error::field("title", "titre requis"));
    }
    let n = sqlx::query(
        "UPDATE pass_resources SET title = $2, type = $3, month = $4, description = $5, url = $6, available_from = $7, published = $8
          WHERE id = $1",
    )
    .bind(r.id)
    .bind(r.title.trim())
    .bind(r.kind)
    .bind(&r.month)
    .bind(&r.description)
    .bind(&r.url)
    .bind(r.available_from)
    .bind(r.published)
    .execute(conn)
    .await
    .map_err(|e| map_code(e, "23514", Error::field("month", "mois au format AAAA-MM")))?
    .rows_affected();
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}

pub async fn delete_resource(conn: &mut PgConnection, id: Uuid) -> Result<()> {
    let n = sqlx::query("DELETE FROM pass_resources WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?
        .rows_affected();
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}

impl ResourceRow {
    pub fn snapshot(&self) -> Value {
        json!({"title": self.title, "month": self.month, "published": self.published})
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct DiscountRow {
    pub id: Uuid,
    pub partner_user_id: Option<Uuid>,
    pub kind: PartnerKind,
    pub name: String,
    pub city: Option<String>,
    pub rate_pct: i16,
    pub conditions: Option<String>,
    pub href: String,
    pub active: bool,
}

impl DiscountRow {
    pub fn external(&self) -> bool {
        self.partner_user_id.is_none()
    }
    pub fn snapshot(&self) -> Value {
        json!({"name": self.name, "ratePct": self.rate_pct, "active": self.active})
    }
}

pub async fn discounts(pool: &PgPool) -> Result<Vec<DiscountRow>> {
    Ok(sqlx::query_as(
        "SELECT id, partner_user_id, kind, name, city, rate_pct, conditions, href, active FROM pass_discounts ORDER BY name, id",
    )
    .fetch_all(pool)
    .await?)
}

pub async fn discount(conn: &mut PgConnection, id: Uuid) -> Result<DiscountRow> {
    sqlx::query_as("SELECT id, partner_user_id, kind, name, city, rate_pct, conditions, href, active FROM pass_discounts WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(Error::NotFound)
}

/// Writes a discount. An internal one (a partner's own row) only takes `active` from here.
pub async fn update_discount(
    conn: &mut PgConnection,
    current: &DiscountRow,
    next: &DiscountRow,
) -> Result<()> {
    if !current.external() {
        sqlx::query("UPDATE pass_discounts SET active = $2 WHERE id = $1")
            .bind(current.id)
            .bind(next.active)
            .execute(conn)
            .await?;
        return Ok(());
    }
    if !crate::domain::pass::PARTNER_RATES.contains(&next.rate_pct) {
        return Err(Error::field(
            "ratePct",
            "taux proposé : 5, 10, 15, 20, 25 ou 30 %",
        ));
    }
    if next.name.trim().is_empty() || next.href.trim().is_empty() {
        return Err(Error::field("name", "nom et lien requis"));
    }
    sqlx::query(
        "UPDATE pass_discounts SET kind = $2, name = $3, city = $4, rate_pct = $5, conditions = $6, href = $7, active = $8 WHERE id = $1",
    )
    .bind(current.id)
    .bind(next.kind)
    .bind(next.name.trim())
    .bind(&next.city)
    .bind(next.rate_pct)
    .bind(&next.conditions)
    .bind(next.href.trim())
    .bind(next.active)
    .execute(conn)
    .await?;
    Ok(())
}

/// External partners only; an internal partner's row is theirs (409 DISCOUNT_IS_PARTNERS).
pub async fn delete_discount(conn: &mut PgConnection, current: &DiscountRow) -> Result<()> {
    if !current.external() {
        return Err(Error::conflict(
            "DISCOUNT_IS_PARTNERS",
            "Cette réduction appartient à un partenaire : désactivez-la plutôt",
        ));
    }
    sqlx::query("DELETE FROM pass_discounts WHERE id = $1")
        .bind(current.id)
        .execute(conn)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct OpportunityAdminRow {
    pub id: Uuid,
    pub kind: OpportunityKind,
    pub title: String,
    pub company: String,
    pub location: Option<String>,
    pub description: String,
    pub apply_url: Option<String>,
    pub open: bool,
    pub applications: i64,
    pub created_at: DateTime<Utc>,
}

impl OpportunityAdminRow {
    pub fn snapshot(&self) -> Value {
        json!({"title": self.title, "open": self.open})
    }
}

const OPPORTUNITY: &str = "SELECT o.id, o.kind, o.title, o.company, o.location, o.description, o.apply_url, o.open,
    (SELECT count(*) FROM impact_applications a WHERE a.opportunity_id = o.id) AS applications, o.created_at
    FROM impact_opportunities o";

pub async fn opportunities(pool: &PgPool) -> Result<Vec<OpportunityAdminRow>> {
    Ok(sqlx::query_as(&format!(
        "{OPPORTUNITY} ORDER BY o.open DESC, o.created_at DESC, o.id"
    ))
    .fetch_all(pool)
    .await?)
}

pub async fn opportunity(conn: &mut PgConnection, id: Uuid) -> Result<OpportunityAdminRow> {
    sqlx::query_as(&format!("{OPPORTUNITY} WHERE o.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(Error::NotFound)
}

pub async fn update_opportunity(conn: &mut PgConnection, o: &OpportunityAdminRow) -> Result<()> {
    if o.title.trim().is_empty() || o.company.trim().is_empty() || o.description.trim().is_empty() {
        return Err(Error::field(
            "title",
            "titre, structure et description requis",
        ));
    }
    sqlx::query(
        "UPDATE impact_opportunities SET kind = $2, title = $3, company = $4, location = $5, description = $6, apply_url = $7, open = $8
          WHERE id = $1",
    )
    .bind(o.id)
    .bind(o.kind)
    .bind(o.title.trim())
    .bind(o.company.trim())
    .bind(&o.location)
    .bind(&o.description)
    .bind(&o.apply_url)
    .bind(o.open)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete_opportunity(conn: &mut PgConnection, id: Uuid) -> Result<()> {
    let n = sqlx::query("DELETE FROM impact_opportunities WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?
        .rows_affected();
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationAdminRow {
    pub id: Uuid,
    pub opportunity_id: Uuid,
    pub opportunity_title: String,
    pub user_id: Uuid,
    pub applicant: String,
    pub email: String,
    pub message: Option<String>,
    pub status: ApplicationStatus,
    pub created_at: DateTime<Utc>,
}

pub async fn applications(pool: &PgPool) -> Result<Vec<ApplicationAdminRow>> {
    Ok(sqlx::query_as(
        "SELECT a.id, a.opportunity_id, o.title AS opportunity_title, a.user_id,
                trim(COALESCE(u.first_name, '') || ' ' || COALESCE(u.last_name, '')) AS applicant, u.email::text AS email,
                a.message, a.status, a.created_at
           FROM impact_applications a JOIN impact_opportunities o ON o.id = a.opportunity_id JOIN users u ON u.id = a.user_id
          ORDER BY (a.status = 'PENDING') DESC, a.created_at DESC",
    )
    .fetch_all(pool)
    .await?)
}

pub async fn application_status(conn: &mut PgConnection, id: Uuid) -> Result<ApplicationStatus> {
    sqlx::query_scalar("SELECT status FROM impact_applications WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(Error::NotFound)
}
