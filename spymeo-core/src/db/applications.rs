//! Professional registration (DOMAIN.md §7.7): one transaction creates the account (status
//! PENDING_VALIDATION), its public profile with the role's defaults (`pros::create_profile`),
//! the application and its documents. The pieces are the same functions the seed and the admin
//! use; this module only composes them for the public form.

use chrono::{DateTime, Utc};
use sqlx::{Connection as _, PgConnection};
use uuid::Uuid;

use crate::Result;
use crate::db::pros::{self, ApplicationDoc, NewApplication, ProKind, ProfileExtra, ProfileInput};
use crate::db::{documents, users};
use crate::domain::{DocumentCategory, LocationKind, UserStatus};

#[derive(Debug, Clone)]
pub struct NewPro<'a> {
    pub kind: ProKind,
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

/// The application documents and their multipart field names (DOMAIN.md §6.2).
pub const DOC_FIELDS: [(ApplicationDoc, &str, &str); 4] = [
    (
        ApplicationDoc::Diploma,
        "diploma",
        "Diplôme ou certification",
    ),
    (
        ApplicationDoc::Insurance,
        "insurance",
        "Attestation d'assurance RC Pro",
    ),
    (ApplicationDoc::Kbis, "kbis", "Extrait Kbis / avis SIRENE"),
    (
        ApplicationDoc::CriminalRecord,
        "criminalRecord",
        "Extrait de casier judiciaire",
    ),
];

/// A file already written to the blob store.
#[derive(Debug, Clone)]
pub struct StoredDoc {
    pub slot: ApplicationDoc,
    pub title: &'static str,
    pub storage_key: String,
    pub mime_type: &'static str,
    pub size_bytes: i64,
}

pub async fn register(
    conn: &mut PgConnection,
    pro: &NewPro<'_>,
    docs: &[StoredDoc],
    now: DateTime<Utc>,
) -> Result<Uuid> {
    let mut tx = conn.begin().await?;
    let mut user = users::NewUser::new(pro.email, pro.kind.role(), UserStatus::PendingValidation);
    user.password_hash = Some(pro.password_hash.to_owned());
    user.first_name = Some(pro.first_name.to_owned());
    user.last_name = Some(pro.last_name.to_owned());
    user.city = Some(pro.city.to_owned());
    user.postal_code = Some(pro.postal_code.to_owned());
    let user_id = users::create_user(&mut tx, &user, now).await?;

    let profile = ProfileInput {
        public_name: pro.public_name.to_owned(),
        siret: pro.siret.map(str::to_owned),
        city: Some(pro.city.to_owned()),
        postal_code: Some(pro.postal_code.to_owned()),
        ..Default::default()
    };
    let discipline = Some(pro.discipline.to_owned());
    let extra = match pro.kind {
        ProKind::Practitioner => ProfileExtra::Practitioner {
            specialties: vec![pro.discipline.to_owned()],
            consultation_modes: vec![LocationKind::Cabinet],
            price_from_cents: None,
            years_experience: pro.experience_years,
        },
        ProKind::Artisan => ProfileExtra::Artisan {
            category: discipline,
        },
        ProKind::Merchant => ProfileExtra::Merchant {
            category: discipline,
            ships_orders: false,
        },
        ProKind::Center => ProfileExtra::Center {
            qualiopi_certified: false,
            nda_number: None,
        },
    };
    pros::create_profile(&mut tx, user_id, &profile, &extra, now).await?;

    let application = NewApplication {
        requested_role: pro.kind.role(),
        discipline: pro.discipline.to_owned(),
        experience_years: pro.experience_years,
        ethics_statement: pro.ethics.map(str::to_owned),
    };
    pros::submit_application(&mut tx, user_id, &application, now).await?;
    for doc in docs {
        let document = documents::NewDocument {
            category: DocumentCategory::Application,
            client_id: None,
            shared_with_user_id: None,
            appointment_id: None,
            resource_id: None,
            title: doc.title.to_owned(),
            mime_type: doc.mime_type.to_owned(),
            storage_key: Some(doc.storage_key.clone()),
            size_bytes: Some(doc.size_bytes),
        };
        let id = documents::create_document(&mut tx, user_id, &document, now).await?;
        pros::attach_application_document(&mut tx, user_id, doc.slot, id).await?;
    }
    tx.commit().await?;
    Ok(user_id)
}

/// Emails of the admins to notify of a new application.
pub async fn admin_emails(conn: &mut PgConnection) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT email::text FROM users WHERE role = 'ADMIN' AND status = 'ACTIVE' AND deleted_at IS NULL",
    )
    .fetch_all(conn)
    .await?)
}
