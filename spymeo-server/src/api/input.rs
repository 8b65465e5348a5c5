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

/// `Json<T>` with French errors, and only a JSON object: serde alone would also read a
/// struct from an array of its fields in order (`[null, null]`), which no client means.
/// Integral floats (`20.0`) are integers, as JSON Schema and JavaScript clients see them;
/// serde alone would refuse them for integer fields.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let value = match axum::Json::<serde_json::Value>::from_request(req, state).await {
            Ok(axum::Json(v)) => v,
            Err(e) if e.status() == StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                return Err(Error::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "UNSUPPORTED_MEDIA_TYPE",
                    "Corps attendu en JSON (Content-Type: application/json)",
                ));
            }
            Err(e) => {
                return Err(invalid(format!(
                    "Corps de requête invalide : {}",
                    e.body_text()
                )));
            }
        };
        if !value.is_object() {
            return Err(invalid(
                "Corps de requête invalide : objet JSON attendu".into(),
            ));
        }
        let mut value = value;
        integral_floats_as_integers(&mut value);
        serde_json::from_value(value)
            .map(Body)
            .map_err(|e| invalid(format!("Corps de requête invalide : {e}")))
    }
}

fn integral_floats_as_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() < 9.0e15
            {
                // Below 2^53 the conversion is exact.
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_floats_as_integers),
        Value::Object(map) => map.values_mut().for_each(integral_floats_as_integers),
        _ => {}
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

/// `?page=&limit=` of the paginated lists, as the OpenAPI document lists them next to each
/// list's own filters (`params(FooParams, PageParams)`); the lists read them through their
/// query structs.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // a description, see above
pub struct PageParams {
    /// Page (1 par défaut ; en dessous de 1 : la première).
    pub page: Option<i64>,
    /// Taille de page (20 par défaut, ramenée entre 1 et 100).
    pub limit: Option<i64>,
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
