//! The public fiche of a pro as they edit it (`/api/pro/profile`, `/pro/commun/fiche`,
//! DOMAIN.md B1–B4, §6.11): common columns plus the role's own. `verified` and `featured` are
//! read here but never written: only the admin sets them (AR-20).

use serde::Serialize;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::db::pros::ProKind;
use crate::db::support::sqlstate;
use crate::domain::LocationKind;
use crate::{Error, Result};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct Fiche {
    pub id: Uuid,
    pub slug: String,
    pub public_name: String,
    pub description: Option<String>,
    pub siret: Option<String>,
    pub address_line: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub phone_public: Option<String>,
    pub email_public: Option<String>,
    pub website: Option<String>,
    pub photo_url: Option<String>,
    pub verified: bool,
    pub featured: bool,
    /// Practitioners.
    pub specialties: Option<Vec<String>>,
    pub consultation_modes: Option<Vec<LocationKind>>,
    pub price_from_cents: Option<i32>,
    pub years_experience: Option<i16>,
    /// Artisans and merchants.
    pub category: Option<String>,
    /// Merchants.
    pub ships_orders: Option<bool>,
    /// Centers.
    pub qualiopi_certified: Option<bool>,
    pub nda_number: Option<String>,
}

impl Fiche {
    /// The public page, e.g. `/praticiens/claire-moreau`.
    pub fn public_href(&self, kind: ProKind) -> String {
        format!("{}/{}", kind.public_path(), self.slug)
    }
}

fn extra(kind: ProKind) -> &'static str {
    match kind {
        ProKind::Practitioner => {
            "p.specialties, p.consultation_modes, p.price_from_cents, p.years_experience, NULL::text AS category,
             NULL::bool AS ships_orders, NULL::bool AS qualiopi_certified, NULL::text AS nda_number"
        }
        ProKind::Artisan => {
            "NULL::text[] AS specialties, NULL::location_kind[] AS consultation_modes, NULL::int AS price_from_cents,
             NULL::int2 AS years_experience, p.category, NULL::bool AS ships_orders, NULL::bool AS qualiopi_certified,
             NULL::text AS nda_number"
        }
        ProKind::Merchant => {
            "NULL::text[] AS specialties, NULL::location_kind[] AS consultation_modes, NULL::int AS price_from_cents,
             NULL::int2 AS years_experience, p.category, p.ships_orders, NULL::bool AS qualiopi_certified, NULL::text AS nda_number"
        }
        ProKind::Center => {
            "NULL::text[] AS specialties, NULL::location_kind[] AS consultation_modes, NULL::int AS price_from_cents,
             NULL::int2 AS years_experience, NULL::text AS category, NULL::bool AS ships_orders, p.qualiopi_certified, p.nda_number"
        }
    }
}

pub async fn fiche(conn: &mut PgConnection, kind: ProKind, user_id: Uuid) -> Result<Fiche> {
    sqlx::query_as(&format!(
        "SELECT p.id, p.slug::text AS slug, p.public_name, p.description, p.siret::text AS siret, p.address_line, p.city,
                p.postal_code::text AS postal_code, p.phone_public::text AS phone_public, p.email_public::text AS email_public,
                p.website, p.photo_url, p.verified, p.featured, {}
           FROM {} p WHERE p.user_id = $1",
        extra(kind),
        kind.table()
    ))
    .bind(user_id)
    .fetch_optional(conn)
    .await?
    .ok_or(Error::NotFound)
}

/// Every field a pro may write. There is no `verified` or `featured` here on purpose.
#[derive(Debug, Clone)]
pub struct FicheEdit {
    pub public_name: String,
    pub description: Option<String>,
    pub siret: Option<String>,
    pub address_line: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub phone_public: Option<String>,
    pub email_public: Option<String>,
    pub website: Option<String>,
    pub specialties: Vec<String>,
    pub consultation_modes: Vec<LocationKind>,
    pub price_from_cents: Option<i32>,
    pub years_experience: Option<i16>,
    pub category: Option<String>,
    pub ships_orders: bool,
    pub qualiopi_certified: bool,
    pub nda_number: Option<String>,
}

impl From<&Fiche> for FicheEdit {
    fn from(f: &Fiche) -> Self {
        FicheEdit {
            public_name: f.public_name.clone(),
            description: f.description.clone(),
            siret: f.siret.clone(),
            address_line: f.address_line.clone(),
            city: f.city.clone(),
            postal_code: f.postal_code.clone(),
            phone_public: f.phone_public.clone(),
            email_public: f.email_public.clone(),
            website: f.website.clone(),
            specialties: f.specialties.clone().unwrap_or_default(),
            consultation_modes: f
                .consultation_modes
                .clone()
                .unwrap_or_else(|| vec![LocationKind::Cabinet]),
            price_from_cents: f.price_from_cents,
            years_experience: f.years_experience,
            category: f.category.clone(),
            ships_orders: f.ships_orders.unwrap_or(false),
            qualiopi_certified: f.qualiopi_certified.unwrap_or(false),
            nda_number: f.nda_number.clone(),
        }
    }
}

fn check(e: &FicheEdit) -> Result<()> {
    let name = e.public_name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        return Err(Error::field(
            "publicName",
            "nom public requis (120 caractères au plus)",
        ));
    }
    if e.description
        .as_deref()
        .is_some_and(|d| d.chars().count() > 5000)
    {
        return Err(Error::field("description", "5 000 caractères au plus"));
    }
    if let Some(s) = &e.siret
        && !crate::domain::siret::is_valid(s)
    {
        return Err(Error::field("siret", "numéro SIRET invalide"));
    }
    if e.postal_code
        .as_deref()
        .is_some_and(|p| !(p.len() == 5 && p.bytes().all(|b| b.is_ascii_digit())))
    {
        return Err(Error::field(
            "postalCode",
            "code postal invalide (5 chiffres)",
        ));
    }
    if e.website
        .as_deref()
        .is_some_and(|w| !(w.starts_with("http://") || w.starts_with("https://")))
    {
        return Err(Error::field("website", "adresse commençant par https://"));
    }
    if e.specialties.len() > 10 {
        return Err(Error::field("specialties", "10 spécialités au plus"));
    }
    if e.price_from_cents.is_some_and(|p| p < 0) {
        return Err(Error::field("priceFromCents", "prix positif attendu"));
    }
    if e.years_experience.is_some_and(|y| !(0..=70).contains(&y)) {
        return Err(Error::field("yearsExperience", "entre 0 et 70 ans"));
    }
    if e.nda_number
        .as_deref()
        .is_some_and(|n| !(n.len() == 11 && n.bytes().all(|b| b.is_ascii_digit())))
    {
        return Err(Error::field(
            "ndaNumber",
            "numéro de déclaration d'activité à 11 chiffres",
        ));
    }
    Ok(())
}

/// Writes the fiche. The slug (the public URL) stays as it is. A partner's PASS discount
/// shows the public name and city, so its snapshot follows.
pub async fn update_fiche(
    conn: &mut PgConnection,
    kind: ProKind,
    user_id: Uuid,
    e: &FicheEdit,
) -> Result<()> {
    check(e)?;
    let n = sqlx::query(&format!(
        "UPDATE {} SET public_name = $2, description = $3, siret = $4, address_line = $5, city = $6, postal_code = $7,
                phone_public = $8, email_public = $9, website = $10
          WHERE user_id = $1",
        kind.table()
    ))
    .bind(user_id)
    .bind(e.public_name.trim())
    .bind(&e.description)
    .bind(&e.siret)
    .bind(&e.address_line)
    .bind(&e.city)
    .bind(&e.postal_code)
    .bind(&e.phone_public)
    .bind(&e.email_public)
    .bind(&e.website)
    .execute(&mut *conn)
    .await
    .map_err(|err| match sqlstate(&err).as_deref() {
        Some("23514") => Error::validation("certaines valeurs sont invalides (téléphone, e-mail, site)"),
        _ => Error::Database(err),
    })?
    .rows_affected();
    if n == 0 {
        return Err(Error::NotFound);
    }
    let role_update = match kind {
        ProKind::Practitioner => sqlx::query(
            "UPDATE practitioner_profiles SET specialties = $2, consultation_modes = $3::text[]::location_kind[],
                    price_from_cents = $4, years_experience = $5 WHERE user_id = $1",
        )
        .bind(user_id)
        .bind(&e.specialties)
        .bind(e.consultation_modes.iter().map(|m| m.as_str()).collect::<Vec<_>>())
        .bind(e.price_from_cents)
        .bind(e.years_experience),
        ProKind::Artisan => sqlx::query("UPDATE artisan_profiles SET category = $2 WHERE user_id = $1")
            .bind(user_id)
            .bind(&e.category),
        ProKind::Merchant => sqlx::query("UPDATE merchant_profiles SET category = $2, ships_orders = $3 WHERE user_id = $1")
            .bind(user_id)
            .bind(&e.category)
            .bind(e.ships_orders),
        ProKind::Center => sqlx::query("UPDATE center_profiles SET qualiopi_certified = $2, nda_number = $3 WHERE user_id = $1")
            .bind(user_id)
            .bind(e.qualiopi_certified)
            .bind(&e.nda_number),
    };
    role_update
        .execute(&mut *conn)
        .await
        .map_err(crate::db::support::map_check)?;
    sqlx::query("UPDATE pass_discounts SET name = $2, city = $3 WHERE partner_user_id = $1")
        .bind(user_id)
        .bind(e.public_name.trim())
        .bind(&e.city)
        .execute(conn)
        .await?;
    Ok(())
}

/// Sets the fiche photo; returns the previous URL (its file can be removed).
pub async fn set_photo(
    conn: &mut PgConnection,
    kind: ProKind,
    user_id: Uuid,
    url: Option<&str>,
) -> Result<Option<String>> {
    let previous: Option<Option<String>> = sqlx::query_scalar(&format!(
        "UPDATE {t} p SET photo_url = $2 FROM (SELECT photo_url FROM {t} WHERE user_id = $1 FOR UPDATE) old
          WHERE p.user_id = $1 RETURNING old.photo_url",
        t = kind.table()
    ))
    .bind(user_id)
    .bind(url)
    .fetch_optional(conn)
    .await?;
    previous.ok_or(Error::NotFound)
}
