//! The one error type of `spymeo-core`.

use std::borrow::Cow;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input that breaks a business rule or a format, with a French message for users
    /// and optional per-field messages.
    #[error("{message}")]
    Validation {
        message: Cow<'static, str>,
        fields: Vec<(&'static str, Cow<'static, str>)>,
    },
    /// The row does not exist for this caller (other tenants' rows look the same).
    #[error("introuvable")]
    NotFound,
    /// A state conflict with a stable machine code (`SLOT_TAKEN`, `INVOICE_NOT_DRAFT`…).
    #[error("{message}")]
    Conflict {
        code: &'static str,
        message: Cow<'static, str>,
    },
    #[error("base de données : {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration : {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stockage : {0}")]
    Storage(String),
    #[error("base de développement : {0}")]
    DevDb(String),
    #[error("{0}")]
    Refused(String),
}

impl Error {
    pub fn validation(message: impl Into<Cow<'static, str>>) -> Self {
        Error::Validation {
            message: message.into(),
            fields: Vec::new(),
        }
    }

    pub fn field(field: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        let message = message.into();
        Error::Validation {
            message: "Certains champs sont invalides".into(),
            fields: vec![(field, message)],
        }
    }

    pub fn conflict(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Error::Conflict {
            code,
            message: message.into(),
        }
    }

    /// The PostgreSQL constraint name behind a database error, if any: the mapping to
    /// API codes (DOMAIN.md §6.1) is by constraint or trigger name.
    pub fn constraint(&self) -> Option<&str> {
        match self {
            Error::Database(sqlx::Error::Database(db)) => db.constraint(),
            _ => None,
        }
    }

    /// The SQLSTATE of a database error, if any.
    pub fn sqlstate(&self) -> Option<Cow<'_, str>> {
        match self {
            Error::Database(sqlx::Error::Database(db)) => db.code(),
            _ => None,
        }
    }
}
