//! Input checks shared by the API and the pages: per-field French messages collected into one
//! 400 VALIDATION_FAILED, and password hashing off the async runtime.

use std::borrow::Cow;

use axum::http::StatusCode;

use crate::error::{Error, Result};

#[derive(Debug, Default)]
pub struct Fields {
    errors: Vec<(&'static str, Cow<'static, str>)>,
}

impl Fields {
    pub fn add(&mut self, field: &'static str, message: impl Into<Cow<'static, str>>) {
        if !self.errors.iter().any(|(f, _)| *f == field) {
            self.errors.push((field, message.into()));
        }
    }

    /// A trimmed name of 1 to 80 characters.
    pub fn name(&mut self, field: &'static str, value: &str) -> String {
        let v = value.trim();
        if v.is_empty() {
            self.add(field, "Ce champ est obligatoire");
        } else if v.chars().count() > 80 {
            self.add(field, "80 caractères au maximum");
        }
        v.to_owned()
    }

    /// A lower-cased address of the shape the `email_addr` domain accepts.
    pub fn email(&mut self, field: &'static str, value: &str) -> String {
        let v = value.trim().to_lowercase();
        let valid = v.len() <= 254
            && v.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && !domain.starts_with('.')
                    && domain.contains('.')
                    && !domain.ends_with('.')
                    && !v.chars().any(char::is_whitespace)
                    && !domain.contains('@')
            });
        if !valid {
            self.add(field, "Adresse e-mail invalide");
        }
        v
    }

    /// At least 8 characters and one digit (DOMAIN.md §6.2), at most 128.
    pub fn password(&mut self, field: &'static str, value: &str) {
        let n = value.chars().count();
        if n < 8 || !value.chars().any(|c| c.is_ascii_digit()) {
            self.add(field, "8 caractères minimum, dont au moins un chiffre");
        } else if n > 128 {
            self.add(field, "128 caractères au maximum");
        }
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn messages(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.errors.iter().map(|(f, m)| (*f, m.as_ref()))
    }

    pub fn finish(self) -> Result<()> {
        if self.errors.is_empty() {
            return Ok(());
        }
        let mut e = Error::new(
            StatusCode::BAD_REQUEST,
            "VALIDATION_FAILED",
            "Certains champs sont invalides",
        );
        e.fields = self.errors;
        Err(e)
    }
}

pub async fn hash_password(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || spymeo_core::password::hash(&password))
        .await
        .map_err(|_| Error::internal())?
        .map_err(Error::from)
}

pub async fn verify_password(password: String, phc: Option<String>) -> Result<bool> {
    tokio::task::spawn_blocking(move || spymeo_core::password::verify(&password, phc.as_deref()))
        .await
        .map_err(|_| Error::internal())
}

/// Documents accepted with an application: PDF, JPEG or PNG, recognised from their bytes.
pub fn document_kind(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if bytes.starts_with(b"%PDF-") {
        Some(("application/pdf", "pdf"))
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(("image/jpeg", "jpg"))
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(("image/png", "png"))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::Fields;

    #[test]
    fn field_rules() {
        let mut f = Fields::default();
        assert_eq!(
            f.email("email", "  Claire@Example.FR "),
            "claire@example.fr"
        );
        f.password("password", "abcdefg1");
        f.name("firstName", "Claire");
        assert!(f.is_empty());
        f.email("email2", "pas une adresse");
        f.email("email3", "a@b");
        f.password("pw", "abcdefgh");
        f.name("n", "   ");
        let fields: Vec<_> = f.messages().map(|(k, _)| k).collect();
        assert_eq!(fields, ["email2", "email3", "pw", "n"]);
    }
}
