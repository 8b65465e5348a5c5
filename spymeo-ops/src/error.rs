//! The one error type of `spymeo-ops`. Outcomes that are not failures of the tool itself
//! (a rollout rolled back, targets unhealthy) are values, not errors: see `deploy::Outcome`.

use aws_sdk_ecs::config::http::HttpResponse;
use aws_sdk_ecs::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_types::error::display::DisplayErrorContext;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An AWS call failed after the SDK's own retries.
    #[error("{operation}: {message}")]
    Aws {
        operation: &'static str,
        /// AWS error code (`ThrottlingException`, `ResourceNotFoundException`…), when known.
        code: Option<String>,
        message: String,
    },
    /// Something the operator named does not exist (service, secret, release…).
    #[error("{0}")]
    NotFound(String),
    /// AWS returned something this tool cannot work with (a secret that is not JSON…).
    #[error("{0}")]
    Invalid(String),
    /// A PostgreSQL step of the rotation failed. Never carries a URL or a password.
    #[error("PostgreSQL: {0}")]
    Database(String),
    #[error("{0}")]
    Http(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Aws { code, .. } => code.as_deref(),
            _ => None,
        }
    }
}

/// Maps any SDK error to `Error::Aws`, keeping the AWS code and a one-line message.
pub(crate) fn aws<E>(operation: &'static str) -> impl FnOnce(SdkError<E, HttpResponse>) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    move |err| {
        let code = err.code().map(str::to_owned);
        let message = match (err.code(), err.message()) {
            (Some(c), Some(m)) => format!("{c}: {m}"),
            (Some(c), None) => c.to_owned(),
            (None, Some(m)) => m.to_owned(),
            (None, None) => match &err {
                SdkError::ServiceError(e) => {
                    format!("réponse HTTP {} inattendue", e.raw().status().as_u16())
                }
                SdkError::ResponseError(e) => {
                    format!("réponse illisible (HTTP {})", e.raw().status().as_u16())
                }
                SdkError::TimeoutError(_) => "délai dépassé".to_owned(),
                SdkError::DispatchFailure(_) => {
                    format!("connexion impossible : {}", root_cause(&err))
                }
                _ => DisplayErrorContext(&err).to_string(),
            },
        };
        Error::Aws {
            operation,
            code,
            message,
        }
    }
}

/// sqlx errors reduced to a cause that cannot leak the connection string.
pub(crate) fn db(context: &str, err: sqlx::Error) -> Error {
    let cause = match &err {
        sqlx::Error::Database(e) => e.message().to_owned(),
        sqlx::Error::Io(e) => e.to_string(),
        sqlx::Error::Tls(e) => e.to_string(),
        sqlx::Error::PoolTimedOut => "délai de connexion dépassé".to_owned(),
        other => other.to_string(),
    };
    Error::Database(format!("{context}: {cause}"))
}

fn root_cause(e: &dyn std::error::Error) -> String {
    let mut cause = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        cause = s.to_string();
        source = s.source();
    }
    cause
}
