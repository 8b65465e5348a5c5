//! Professional registration (DOMAIN.md §7.7): one transaction creates the account (status
//! PENDING_VALIDATION), its public profile (unverified, slug from the public name), the
//! application with its documents, the practitioner's default agenda and the pre-compta
//! configuration.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProRole {
    Practitioner,
    Artisan,
    Commercant,
    Center,
}

impl ProRole {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "PRACTITIONER" => ProRole::Practitioner,
            "ARTISAN" => ProRole::Artisan,
            "COMMERCANT" | "MERCHANT" => ProRole::Commercant,
            "CENTER" => ProRole::Center,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ProRole::Practitioner => "PRACTITIONER",
            ProRole::Artisan => "ARTISAN",
            ProRole::Commercant => "COMMERCANT",
            ProRole::Center => "CENTER",
        }
    }

    pub fn profile_table(self) -> &'static str {
        match self {
            ProRole::Practitioner => "practitioner_profiles",
            ProRole::Artisan => "artisan_profiles",
            ProRole::Commercant => "merchant_profiles",
            ProRole::Center => "center_profiles",
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewPro<'a> {
    pub role: ProRole,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub public_name: &'a str,
    pub discipline: &'a str,
    pub city: &'a str,
    pub postal_code: &'a str,
    pub siret: Option<&'a str>,
    pub experience_years: Option<i16>,
    pub ethics: Option<&'a str>,
}

/// Which application document a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocSlot {
    Diploma,
    Insurance,
    Kbis,
    CriminalRecord,
}

impl DocSlot {
    pub const ALL: [DocSlot; 4] = [
        DocSlot::Diploma,
        DocSlot::Insurance,
        DocSlot::Kbis,
        DocSlot::CriminalRecord,
    ];

    /// The multipart field name (DOMAIN.md §6.2).
    pub fn field(self) -> &'static str {
        match self {
            DocSlot::Diploma => "diploma",
            DocSlot::Insurance => "insurance",
            DocSlot::Kbis => "kbis",
            DocSlot::CriminalRecord => "criminalRecord",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            DocSlot::Diploma => "Diplôme ou certification",
            DocSlot::Insurance => "Attestation d'assurance RC Pro",
            DocSlot::Kbis => "Extrait Kbis / avis SIRENE",
            DocSlot::CriminalRecord => "Extrait de casier judiciaire",
        }
    }

    fn column(self) -> &'static str {
        match self {
            DocSlot::Diploma => "diploma_doc_id",
            DocSlot::Insurance => "insurance_doc_id",
            DocSlot::Kbis => "kbis_doc_id",
            DocSlot::CriminalRecord => "criminal_record_doc_id",
        }
    }
}

/// A file already written to the blob store.
#[derive(Debug, Clone)]
pub struct StoredDoc {
    pub slot: DocSlot,
    pub storage_key: String,
    pub mime_type: &'static str,
    pub size_bytes: i64,
}

/// Default weekly opening hours of a new practitioner: Monday–Friday 09:00–18:00 (§7.1).
const DEFAULT_RULES: [(i16, i16, i16); 5] = [
    (1, 540, 1080),
    (2, 540, 1080),
    (3, 540, 1080),
    (4, 540, 1080),
    (5, 540, 1080),
];

pub async fn register(
    conn: &mut PgConnection,
    pro: &NewPro<'_>,
    docs: &[StoredDoc],
    now: DateTime<Utc>,
) -> Result<Uuid> {
    let user_id: Uuid = sqlx::query_scalar(
        "INSERT INTO users (email, password_hash, role, status, first_name, last_name, city, postal_code, created_at, updated_at)
         VALUES ($1, $2, $3::role, 'PENDING_VALIDATION', $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(pro.email)
    .bind(pro.password_hash)
    .bind(pro.role.as_str())
    .bind(pro.first_name)
    .bind(pro.last_name)
    .bind(pro.city)
    .bind(pro.postal_code)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query("INSERT INTO profiles (user_id) VALUES ($1)")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;

    let table = pro.role.profile_table();
    let base = crate::slug::slugify(pro.public_name);
    let taken: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT slug::text FROM {table} WHERE slug = $1 OR slug LIKE $1 || '-%'"
    ))
    .bind(&base)
    .fetch_all(&mut *conn)
    .await?;
    let slug = crate::slug::with_suffix(&base, &taken);
    let profile_id: Uuid = sqlx::query_scalar(&format!(
        "INSERT INTO {table} (user_id, slug, public_name, siret, city, postal_code) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
    ))
    .bind(user_id)
    .bind(&slug)
    .bind(pro.public_name)
    .bind(pro.siret)
    .bind(pro.city)
    .bind(pro.postal_code)
    .fetch_one(&mut *conn)
    .await?;
    match pro.role {
        ProRole::Practitioner => {
            sqlx::query("UPDATE practitioner_profiles SET specialties = ARRAY[$2], years_experience = $3 WHERE id = $1")
                .bind(profile_id)
                .bind(pro.discipline)
                .bind(pro.experience_years)
                .execute(&mut *conn)
                .await?;
            practitioner_defaults(conn, profile_id).await?;
        }
        ProRole::Artisan | ProRole::Commercant => {
            sqlx::query(&format!("UPDATE {table} SET category = $2 WHERE id = $1"))
                .bind(profile_id)
                .bind(pro.discipline)
                .execute(&mut *conn)
                .await?;
        }
        ProRole::Center => {}
    }

    let application_id: Uuid = sqlx::query_scalar(
        "INSERT INTO pro_applications (user_id, requested_role, discipline, experience_years, ethics_statement)
         VALUES ($1, $2::role, $3, $4, $5) RETURNING id",
    )
    .bind(user_id)
    .bind(pro.role.as_str())
    .bind(pro.discipline)
    .bind(pro.experience_years)
    .bind(pro.ethics)
    .fetch_one(&mut *conn)
    .await?;
    for doc in docs {
        let kind = if doc.mime_type == "application/pdf" {
            "PDF"
        } else {
            "IMAGE"
        };
        let doc_id: Uuid = sqlx::query_scalar(
            "INSERT INTO documents (owner_user_id, category, title, kind, mime_type, storage_key, size_bytes)
             VALUES ($1, 'APPLICATION', $2, $3::document_kind, $4, $5, $6) RETURNING id",
        )
        .bind(user_id)
        .bind(doc.slot.title())
        .bind(kind)
        .bind(doc.mime_type)
        .bind(&doc.storage_key)
        .bind(doc.size_bytes)
        .fetch_one(&mut *conn)
        .await?;
        sqlx::query(&format!(
            "UPDATE pro_applications SET {} = $2 WHERE id = $1",
            doc.slot.column()
        ))
        .bind(application_id)
        .bind(doc_id)
        .execute(&mut *conn)
        .await?;
    }

    // Micro-entreprise ceilings depend on the activity (DOMAIN.md K1): sale of goods for
    // merchants, services for the others.
    let (revenue, vat_franchise): (i64, i64) = match pro.role {
        ProRole::Commercant => (18_870_000, 8_500_000),
        _ => (7_770_000, 3_750_000),
    };
    sqlx::query(
        "INSERT INTO precompta_config (owner_user_id, revenue_threshold_cents, vat_franchise_threshold_cents) VALUES ($1, $2, $3)",
    )
    .bind(user_id)
    .bind(revenue)
    .bind(vat_franchise)
    .execute(&mut *conn)
    .await?;
    Ok(user_id)
}

/// Agenda settings, opening hours and the two default appointment types of the original
/// (60 min / 60 € and 45 min / 50 €, at the practice).
async fn practitioner_defaults(conn: &mut PgConnection, practitioner_id: Uuid) -> Result<()> {
    sqlx::query("INSERT INTO agenda_settings (practitioner_id) VALUES ($1)")
        .bind(practitioner_id)
        .execute(&mut *conn)
        .await?;
    for (weekday, start, end) in DEFAULT_RULES {
        sqlx::query(
            "INSERT INTO availability_rules (practitioner_id, weekday, start_minute, end_minute) VALUES ($1, $2, $3, $4)",
        )
        .bind(practitioner_id)
        .bind(weekday)
        .bind(start)
        .bind(end)
        .execute(&mut *conn)
        .await?;
    }
    for (position, label, minutes, cents) in [
        (0i16, "Consultation initiale", 60i16, 6000),
        (1, "Consultation de suivi", 45, 5000),
    ] {
        sqlx::query(
            "INSERT INTO appointment_types (practitioner_id, label, duration_min, price_cents, position) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(practitioner_id)
        .bind(label)
        .bind(minutes)
        .bind(cents)
        .bind(position)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Emails of the admins to notify of a new application.
pub async fn admin_emails(conn: &mut PgConnection) -> Result<Vec<String>> {
    sqlx::query_scalar("SELECT email::text FROM users WHERE role = 'ADMIN' AND status = 'ACTIVE' AND deleted_at IS NULL")
        .fetch_all(conn)
        .await
        .map_err(Error::from)
}
