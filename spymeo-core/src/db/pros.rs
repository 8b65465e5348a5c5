//! Professional profiles (DOMAIN.md B1–B4), applications (A5) and the registration and
//! validation flow (§7.7): profile creation also creates the role's defaults — agenda settings,
//! opening hours and appointment types for practitioners, the pre-compta configuration for
//! every pro.

use chrono::{DateTime, Duration, Utc};
use sqlx::{Connection as _, PgConnection};
use uuid::Uuid;

use crate::db::notifications::{NewNotification, notify};
use crate::db::support::{unique_conflict, unique_slug};
use crate::domain::{ApplicationStatus, LocationKind, NotificationType, Role, UserStatus};
use crate::{Error, Result};

/// Default weekly opening hours of a new practitioner: Monday–Friday 09:00–18:00 (§7.1).
pub const DEFAULT_RULES: [(i16, i16, i16); 5] = [
    (1, 540, 1080),
    (2, 540, 1080),
    (3, 540, 1080),
    (4, 540, 1080),
    (5, 540, 1080),
];

/// The two default appointment types of the original: (label, minutes, cents).
pub const DEFAULT_TYPES: [(&str, i16, i32); 2] = [
    ("Consultation initiale", 60, 6000),
    ("Consultation de suivi", 45, 5000),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProKind {
    Practitioner,
    Artisan,
    Merchant,
    Center,
}

impl ProKind {
    pub fn role(self) -> Role {
        match self {
            ProKind::Practitioner => Role::Practitioner,
            ProKind::Artisan => Role::Artisan,
            ProKind::Merchant => Role::Commercant,
            ProKind::Center => Role::Center,
        }
    }

    pub fn from_role(role: Role) -> Option<Self> {
        Some(match role {
            Role::Practitioner => ProKind::Practitioner,
            Role::Artisan => ProKind::Artisan,
            Role::Commercant => ProKind::Merchant,
            Role::Center => ProKind::Center,
            _ => return None,
        })
    }

    pub fn table(self) -> &'static str {
        match self {
            ProKind::Practitioner => "practitioner_profiles",
            ProKind::Artisan => "artisan_profiles",
            ProKind::Merchant => "merchant_profiles",
            ProKind::Center => "center_profiles",
        }
    }

    /// The public page prefix (DOMAIN.md §8.1, plural canonical paths).
    pub fn public_path(self) -> &'static str {
        match self {
            ProKind::Practitioner => "/praticiens",
            ProKind::Artisan => "/artisans",
            ProKind::Merchant => "/commercants",
            ProKind::Center => "/centres-de-formation",
        }
    }
}

/// Columns common to the four profile tables.
#[derive(Debug, Clone, Default)]
pub struct ProfileInput {
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
}

/// The role-specific columns.
#[derive(Debug, Clone)]
pub enum ProfileExtra {
    Practitioner {
        specialties: Vec<String>,
        consultation_modes: Vec<LocationKind>,
        price_from_cents: Option<i32>,
        years_experience: Option<i16>,
    },
    Artisan {
        category: Option<String>,
    },
    Merchant {
        category: Option<String>,
        ships_orders: bool,
    },
    Center {
        qualiopi_certified: bool,
        nda_number: Option<String>,
    },
}

impl ProfileExtra {
    pub fn kind(&self) -> ProKind {
        match self {
            ProfileExtra::Practitioner { .. } => ProKind::Practitioner,
            ProfileExtra::Artisan { .. } => ProKind::Artisan,
            ProfileExtra::Merchant { .. } => ProKind::Merchant,
            ProfileExtra::Center { .. } => ProKind::Center,
        }
    }
}

fn check_profile(p: &ProfileInput) -> Result<()> {
    let name = p.public_name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        return Err(Error::field(
            "publicName",
            "nom public requis (120 caractères au plus)",
        ));
    }
    if let Some(s) = &p.siret
        && !crate::domain::siret::is_valid(s)
    {
        return Err(Error::field("siret", "numéro SIRET invalide"));
    }
    Ok(())
}

/// Creates the profile of `user_id` (unverified, slug from the public name) and the role's
/// defaults, in one transaction. Returns the profile id.
pub async fn create_profile(
    conn: &mut PgConnection,
    user_id: Uuid,
    p: &ProfileInput,
    extra: &ProfileExtra,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    check_profile(p)?;
    let kind = extra.kind();
    let mut tx = conn.begin().await?;
    let slug = unique_slug(&mut tx, kind.table(), &p.public_name).await?;
    let id: Uuid = sqlx::query_scalar(&format!(
        "INSERT INTO {} (user_id, slug, public_name, description, siret, address_line, city, postal_code,
                         phone_public, email_public, website, photo_url, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
        kind.table()
    ))
    .bind(user_id)
    .bind(&slug)
    .bind(p.public_name.trim())
    .bind(&p.description)
    .bind(&p.siret)
    .bind(&p.address_line)
    .bind(&p.city)
    .bind(&p.postal_code)
    .bind(&p.phone_public)
    .bind(&p.email_public)
    .bind(&p.website)
    .bind(&p.photo_url)
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| unique_conflict(e, "SLUG_TAKEN", "Ce nom public est déjà utilisé"))?;
    match extra {
        ProfileExtra::Practitioner {
            specialties,
            consultation_modes,
            price_from_cents,
            years_experience,
        } => {
            let modes: Vec<&str> = consultation_modes.iter().map(|m| m.as_str()).collect();
            sqlx::query(
                "UPDATE practitioner_profiles
                    SET specialties = $2, consultation_modes = $3::text[]::location_kind[],
                        price_from_cents = $4, years_experience = $5
                  WHERE id = $1",
            )
            .bind(id)
            .bind(specialties)
            .bind(&modes)
            .bind(price_from_cents)
            .bind(years_experience)
            .execute(&mut *tx)
            .await?;
            practitioner_defaults(&mut tx, id, now).await?;
        }
        ProfileExtra::Artisan { category } => {
            sqlx::query("UPDATE artisan_profiles SET category = $2 WHERE id = $1")
                .bind(id)
                .bind(category)
                .execute(&mut *tx)
                .await?;
        }
        ProfileExtra::Merchant {
            category,
            ships_orders,
        } => {
            sqlx::query(
                "UPDATE merchant_profiles SET category = $2, ships_orders = $3 WHERE id = $1",
            )
            .bind(id)
            .bind(category)
            .bind(ships_orders)
            .execute(&mut *tx)
            .await?;
        }
        ProfileExtra::Center {
            qualiopi_certified,
            nda_number,
        } => {
            sqlx::query(
                "UPDATE center_profiles SET qualiopi_certified = $2, nda_number = $3 WHERE id = $1",
            )
            .bind(id)
            .bind(qualiopi_certified)
            .bind(nda_number)
            .execute(&mut *tx)
            .await?;
        }
    }
    crate::db::precompta::create_default_config(&mut tx, user_id, kind.role()).await?;
    tx.commit().await?;
    Ok(id)
}

/// `create_profile` for a practitioner (the name the API layer looks for).
pub async fn create_practitioner(
    conn: &mut PgConnection,
    user_id: Uuid,
    p: &ProfileInput,
    specialties: Vec<String>,
    consultation_modes: Vec<LocationKind>,
    price_from_cents: Option<i32>,
    years_experience: Option<i16>,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    create_profile(
        conn,
        user_id,
        p,
        &ProfileExtra::Practitioner {
            specialties,
            consultation_modes,
            price_from_cents,
            years_experience,
        },
        now,
    )
    .await
}

/// Agenda settings, opening hours and the two default appointment types (§7.1).
async fn practitioner_defaults(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("INSERT INTO agenda_settings (practitioner_id, updated_at) VALUES ($1, $2)")
        .bind(practitioner_id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    let weekdays: Vec<i16> = DEFAULT_RULES.iter().map(|r| r.0).collect();
    let starts: Vec<i16> = DEFAULT_RULES.iter().map(|r| r.1).collect();
    let ends: Vec<i16> = DEFAULT_RULES.iter().map(|r| r.2).collect();
    sqlx::query(
        "INSERT INTO availability_rules (practitioner_id, weekday, start_minute, end_minute, created_at, updated_at)
         SELECT $1, w, s, e, $5, $5 FROM UNNEST($2::int2[], $3::int2[], $4::int2[]) AS t(w, s, e)",
    )
    .bind(practitioner_id)
    .bind(&weekdays)
    .bind(&starts)
    .bind(&ends)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let labels: Vec<&str> = DEFAULT_TYPES.iter().map(|t| t.0).collect();
    let minutes: Vec<i16> = DEFAULT_TYPES.iter().map(|t| t.1).collect();
    let cents: Vec<i32> = DEFAULT_TYPES.iter().map(|t| t.2).collect();
    sqlx::query(
        "INSERT INTO appointment_types (practitioner_id, label, duration_min, price_cents, position, created_at, updated_at)
         SELECT $1, l, m, c, (o - 1)::int2, $5, $5
           FROM UNNEST($2::text[], $3::int2[], $4::int4[]) WITH ORDINALITY AS t(l, m, c, o)",
    )
    .bind(practitioner_id)
    .bind(&labels)
    .bind(&minutes)
    .bind(&cents)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct NewApplication {
    pub requested_role: Role,
    pub discipline: String,
    pub experience_years: Option<i16>,
    pub ethics_statement: Option<String>,
}

/// A PENDING application; 409 ALREADY_APPLIED when the account has one.
pub async fn submit_application(
    conn: &mut PgConnection,
    user_id: Uuid,
    a: &NewApplication,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    if !a.requested_role.is_pro() {
        return Err(Error::field("role", "rôle professionnel attendu"));
    }
    sqlx::query_scalar(
        "INSERT INTO pro_applications (user_id, requested_role, discipline, experience_years, ethics_statement, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(user_id)
    .bind(a.requested_role)
    .bind(&a.discipline)
    .bind(a.experience_years)
    .bind(&a.ethics_statement)
    .bind(now)
    .fetch_one(conn)
    .await
    .map_err(|e| unique_conflict(e, "ALREADY_APPLIED", "Une candidature existe déjà pour ce compte"))
}

/// Which document column of the application a file fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicationDoc {
    Diploma,
    Insurance,
    Kbis,
    CriminalRecord,
}

impl ApplicationDoc {
    fn column(self) -> &'static str {
        match self {
            ApplicationDoc::Diploma => "diploma_doc_id",
            ApplicationDoc::Insurance => "insurance_doc_id",
            ApplicationDoc::Kbis => "kbis_doc_id",
            ApplicationDoc::CriminalRecord => "criminal_record_doc_id",
        }
    }
}

pub async fn attach_application_document(
    conn: &mut PgConnection,
    user_id: Uuid,
    slot: ApplicationDoc,
    document_id: Uuid,
) -> Result<()> {
    let n = sqlx::query(&format!(
        "UPDATE pro_applications SET {} = $2 WHERE user_id = $1
           AND EXISTS (SELECT 1 FROM documents WHERE id = $2 AND owner_user_id = $1 AND category = 'APPLICATION')",
        slot.column()
    ))
    .bind(user_id)
    .bind(document_id)
    .execute(conn)
    .await?
    .rows_affected();
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}

/// Admin decision on a PENDING application (`POST /api/admin/validate-pro`): approve → user
/// PENDING_PAYMENT, reject → REJECTED with the note; the candidate is notified.
pub async fn review_application(
    conn: &mut PgConnection,
    user_id: Uuid,
    reviewer_id: Uuid,
    approved: bool,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<UserStatus> {
    let mut tx = conn.begin().await?;
    let row: Option<(Uuid, ApplicationStatus, UserStatus)> = sqlx::query_as(
        "SELECT a.id, a.status, u.status FROM pro_applications a JOIN users u ON u.id = a.user_id
          WHERE a.user_id = $1 FOR UPDATE OF a, u",
    )
    .bind(user_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((app_id, app_status, user_status)) = row else {
        return Err(Error::NotFound);
    };
    if app_status != ApplicationStatus::Pending || user_status != UserStatus::PendingValidation {
        return Err(Error::conflict(
            "INVALID_STATUS",
            "Cette candidature a déjà été traitée",
        ));
    }
    let (app, user, kind, title) = if approved {
        (
            ApplicationStatus::Approved,
            UserStatus::PendingPayment,
            NotificationType::ProApproved,
            "Votre candidature est acceptée",
        )
    } else {
        (
            ApplicationStatus::Rejected,
            UserStatus::Rejected,
            NotificationType::ProRejected,
            "Votre candidature n'a pas été retenue",
        )
    };
    sqlx::query(
        "UPDATE pro_applications SET status = $2, reviewed_by = $3, reviewed_at = $4, decision_note = $5, updated_at = $4 WHERE id = $1",
    )
    .bind(app_id)
    .bind(app)
    .bind(reviewer_id)
    .bind(now)
    .bind(note)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE users SET status = $2 WHERE id = $1")
        .bind(user_id)
        .bind(user)
        .execute(&mut *tx)
        .await?;
    let body = if approved {
        "Réglez votre adhésion professionnelle pour activer votre espace.".to_owned()
    } else {
        note.unwrap_or("Votre candidature n'a pas été retenue.")
            .to_owned()
    };
    notify(
        &mut tx,
        user_id,
        kind,
        &NewNotification {
            title,
            body: &body,
            link: Some("/pro/compte"),
            ..Default::default()
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(user)
}

/// The pro membership payment (§7.2 "Pro membership"): PENDING_PAYMENT → ACTIVE, profile
/// verified, membership for one year.
pub async fn activate_membership(
    conn: &mut PgConnection,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = conn.begin().await?;
    let role: Option<(Role, UserStatus)> =
        sqlx::query_as("SELECT role, status FROM users WHERE id = $1 FOR UPDATE")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((role, status)) = role else {
        return Err(Error::NotFound);
    };
    let Some(kind) = ProKind::from_role(role) else {
        return Err(Error::conflict(
            "INVALID_STATUS",
            "Ce compte n'est pas professionnel",
        ));
    };
    if status != UserStatus::PendingPayment {
        return Err(Error::conflict(
            "INVALID_STATUS",
            "Aucune adhésion en attente de paiement",
        ));
    }
    sqlx::query("UPDATE users SET status = 'ACTIVE', pro_membership_until = $2 WHERE id = $1")
        .bind(user_id)
        .bind(now + Duration::days(365))
        .execute(&mut *tx)
        .await?;
    sqlx::query(&format!(
        "UPDATE {} SET verified = true WHERE user_id = $1",
        kind.table()
    ))
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Admin toggles of `/admin/pros`.
pub async fn set_visibility(
    conn: &mut PgConnection,
    kind: ProKind,
    user_id: Uuid,
    verified: Option<bool>,
    featured: Option<bool>,
) -> Result<()> {
    let n = sqlx::query(&format!(
        "UPDATE {} SET verified = COALESCE($2, verified), featured = COALESCE($3, featured) WHERE user_id = $1",
        kind.table()
    ))
    .bind(user_id)
    .bind(verified)
    .bind(featured)
    .execute(conn)
    .await?
    .rows_affected();
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}

/// The profile id of a pro account of `kind`.
pub async fn profile_id(conn: &mut PgConnection, kind: ProKind, user_id: Uuid) -> Result<Uuid> {
    sqlx::query_scalar(&format!(
        "SELECT id FROM {} WHERE user_id = $1",
        kind.table()
    ))
    .bind(user_id)
    .fetch_optional(conn)
    .await?
    .ok_or(Error::NotFound)
}
