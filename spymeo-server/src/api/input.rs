//! Request-body and query extractors of the pro and admin APIs whose rejections are the JSON
//! error envelope (400 VALIDATION_FAILED in French) instead of axum's plain-text 4xx, plus
//! the parsing of optional enum filters (`?status=` left empty by an HTML form = no filter).

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::Error;

fn invalid(message: String) -> Error {
    Error::new(StatusCode::BAD_REQUEST, "VALIDATION_FAILED", message)
}

/// `Json<T>` with French errors.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Body(v)),
            Err(e) => Err(invalid(format!(
                "Corps de requête invalide : {}",
                e.body_text()
            ))),
        }
    }
}

/// `Query<T>` with French errors.
pub struct Params<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Params(v)),
            Err(e) => Err(invalid(format!("Paramètres invalides : {}", e.body_text()))),
        }
    }
}

/// An optional enum filter: absent or blank → `None`, unknown value → 400.
pub fn filter<T: std::str::FromStr<Err = spymeo_core::Error>>(
    value: &Option<String>,
) -> Result<Option<T>, Error> {
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => v.parse::<T>().map(Some).map_err(Error::from),
    }
}

/// An optional boolean filter from a query string (`true`/`false`, blank = no filter).
pub fn flag(value: &Option<String>) -> Result<Option<bool>, Error> {
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some("true" | "1" | "on") => Ok(Some(true)),
        Some("false" | "0" | "off") => Ok(Some(false)),
        Some(_) => Err(invalid("Filtre booléen invalide (true ou false)".into())),
    }
}

/// A blank optional text (from a form or JSON) is no value.
pub fn non_blank(value: Option<String>) -> Option<String> {
    value.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// Absent field: unchanged; `null`: cleared; value: set (for PATCH bodies).
pub mod double_option {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        Option::<T>::deserialize(d).map(Some)
    }
}
