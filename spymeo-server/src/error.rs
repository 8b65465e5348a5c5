//! The one error type of the server. It renders as the JSON error envelope of DOMAIN.md §6.1;
//! for page routes, `middleware::html_errors` swaps the body for the French error page, so
//! handlers never choose between the two.

use std::borrow::Cow;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug)]
pub struct Error {
    pub status: StatusCode,
    pub code: Cow<'static, str>,
    pub message: Cow<'static, str>,
    pub fields: Vec<(&'static str, Cow<'static, str>)>,
}

/// Attached to error responses so the HTML renderer knows what to show.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
}

impl Error {
    pub fn new(
        status: StatusCode,
        code: impl Into<Cow<'static, str>>,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            status,
            code: code.into(),
            message: message.into(),
            fields: Vec::new(),
        }
    }

    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "La page ou la ressource demandée n'existe pas",
        )
    }

    pub fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, "FORBIDDEN", "Accès refusé")
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL",
            "Une erreur interne est survenue, veuillez réessayer",
        )
    }

    pub fn unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "SERVICE_UNAVAILABLE",
            "Le service est momentanément indisponible, veuillez réessayer",
        )
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let mut error = json!({ "code": self.code, "message": self.message });
        if !self.fields.is_empty() {
            error["fields"] = self
                .fields
                .iter()
                .map(|(k, v)| ((*k).to_owned(), json!(v)))
                .collect::<serde_json::Map<_, _>>()
                .into();
        }
        let info = ErrorInfo {
            status: self.status,
            code: self.code.into_owned(),
            message: self.message.into_owned(),
        };
        let mut response = (self.status, Json(json!({ "error": error }))).into_response();
        response.extensions_mut().insert(info);
        response
    }
}

impl From<spymeo_core::Error> for Error {
    fn from(e: spymeo_core::Error) -> Self {
        use spymeo_core::Error as Core;
        match e {
            Core::Validation { message, fields } => Error {
                status: StatusCode::BAD_REQUEST,
                code: "VALIDATION_FAILED".into(),
                message,
                fields,
            },
            Core::NotFound => Error::not_found(),
            Core::Conflict { code, message } => Error::new(StatusCode::CONFLICT, code, message),
            Core::Database(db) => from_database(db),
            Core::Refused(message) => Error::new(StatusCode::FORBIDDEN, "FORBIDDEN", message),
            other => {
                tracing::error!(error = %other, "internal error");
                Error::internal()
            }
        }
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        from_database(e)
    }
}

/// Maps database errors by SQLSTATE and constraint/trigger name (DOMAIN.md §6.1).
fn from_database(e: sqlx::Error) -> Error {
    match &e {
        sqlx::Error::Database(db) => {
            let constraint = db.constraint().unwrap_or_default();
            match (db.code().as_deref(), constraint) {
                (Some("23P01"), c) if c.starts_with("availability_rules") => Error::new(
                    StatusCode::CONFLICT,
                    "RULES_OVERLAP",
                    "Cette plage chevauche une plage existante",
                ),
                (Some("23P01"), _) => Error::new(
                    StatusCode::CONFLICT,
                    "SLOT_TAKEN",
                    "Ce créneau n'est plus disponible",
                ),
                (Some("23505"), c) => {
                    let (code, message) = unique_violation(c);
                    Error::new(StatusCode::CONFLICT, code, message)
                }
                (Some("23514"), c) => check_violation(c),
                (Some("23503"), _) => Error::new(
                    StatusCode::CONFLICT,
                    "HAS_DEPENDENTS",
                    "Cet élément est encore utilisé ailleurs",
                ),
                // Text too long, bad number/date syntax, a NUL character in text (22021),
                // a number out of range (22003), a negative or huge OFFSET (2201X): the
                // client's value, not a server fault.
                (
                    Some(
                        "22001" | "22P02" | "22007" | "22008" | "23502" | "22021" | "22003"
                        | "2201X" | "2201W",
                    ),
                    _,
                ) => Error::new(
                    StatusCode::BAD_REQUEST,
                    "VALIDATION_FAILED",
                    "Certaines valeurs sont invalides",
                ),
                _ => {
                    tracing::error!(error = %e, "database error");
                    Error::internal()
                }
            }
        }
        sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed => {
            tracing::warn!(error = %e, "database unavailable");
            Error::unavailable()
        }
        _ => {
            tracing::error!(error = %e, "database error");
            Error::internal()
        }
    }
}

fn unique_violation(constraint: &str) -> (&'static str, &'static str) {
    if constraint.contains("email") {
        ("EMAIL_TAKEN", "Cette adresse e-mail est déjà utilisée")
    } else if constraint.contains("slug") {
        ("SLUG_TAKEN", "Cette adresse de page est déjà prise")
    } else if constraint.contains("sku") {
        ("SKU_TAKEN", "Cette référence (SKU) existe déjà")
    } else if constraint.starts_with("learner_enrollments") {
        (
            "ALREADY_ENROLLED",
            "Cet apprenant est déjà inscrit à cette session",
        )
    } else if constraint.starts_with("impact_applications") {
        ("ALREADY_APPLIED", "Vous avez déjà candidaté à cette offre")
    } else {
        ("ALREADY_EXISTS", "Cet élément existe déjà")
    }
}

/// Trigger errors raise check_violation with the trigger's name as constraint, so they are
/// matched by name before the generic "invalid value" rule.
fn check_violation(constraint: &str) -> Error {
    let conflict =
        |code: &'static str, message: &'static str| Error::new(StatusCode::CONFLICT, code, message);
    match constraint {
        "products_stock_nonnegative" => conflict("INSUFFICIENT_STOCK", "Stock insuffisant"),
        "invoices_immutable" => conflict(
            "INVOICE_IMMUTABLE",
            "Une facture émise ne peut plus être modifiée",
        ),
        "invoices_no_delete_unless_draft" | "invoice_lines_draft_only" => conflict(
            "INVOICE_NOT_DRAFT",
            "Seul un brouillon de facture peut être modifié ou supprimé",
        ),
        "order_items_pending_only" => conflict(
            "ORDER_LOCKED",
            "Les articles d'une commande ne sont modifiables qu'en attente",
        ),
        "precompta_derived_immutable" => conflict(
            "ENTRY_LOCKED",
            "Une écriture issue d'une facture ou d'une commande ne peut pas être modifiée",
        ),
        "messages_sender_is_participant" => Error::not_found(),
        "products_stock_guard" | "stock_movements_append_only" => {
            tracing::error!(constraint, "stock invariant trigger fired: handler bug");
            Error::internal()
        }
        _ => Error::new(
            StatusCode::BAD_REQUEST,
            "VALIDATION_FAILED",
            "Certaines valeurs sont invalides",
        ),
    }
}
