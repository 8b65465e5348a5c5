//! Pure business rules and the Rust side of the database enums: no I/O here, so every rule
//! is unit-tested without a database and shared by the API, the CLI and the seed.

pub mod enums;
pub mod money;
pub mod numbering;
pub mod pass;
pub mod siret;
pub mod slots;

/// Slugs and password hashing predate this module; they are re-exported so callers find every
/// pure rule under `domain`.
pub use crate::password;
pub use crate::slug;

pub use enums::*;

/// The time zone of calendar facts (invoice issue dates, ledger entry dates): DOMAIN.md §1.
pub const PARIS: chrono_tz::Tz = chrono_tz::Europe::Paris;

/// The calendar date of an instant in Europe/Paris.
pub fn paris_date(t: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
    t.with_timezone(&PARIS).date_naive()
}
