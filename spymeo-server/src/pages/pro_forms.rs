//! Parsing of the pro spaces' form fields written the French way: "12,50" euros, "5,5" %
//! VAT, optional texts.

use axum::http::StatusCode;

use crate::error::{Error, Result};

fn invalid(field: &'static str, message: &'static str) -> Error {
    let mut e = Error::new(StatusCode::BAD_REQUEST, "VALIDATION_FAILED", message);
    e.fields.push((field, message.into()));
    e
}

/// "12,50", "12.5", "12" → cents; blank → 0.
pub fn euros_to_cents(field: &'static str, s: &str) -> Result<i32> {
    let s = s
        .trim()
        .replace([' ', '\u{202f}', '€'], "")
        .replace(',', ".");
    if s.is_empty() {
        return Ok(0);
    }
    let (units, frac) = s.split_once('.').unwrap_or((&s, ""));
    let ok = !units.is_empty()
        && units.bytes().all(|b| b.is_ascii_digit())
        && frac.len() <= 2
        && frac.bytes().all(|b| b.is_ascii_digit());
    if !ok || units.len() > 7 {
        return Err(invalid(field, "Montant invalide (ex. 12,50)"));
    }
    let cents = format!("{frac:0<2}");
    Ok(units.parse::<i32>().unwrap_or(0) * 100 + cents.parse::<i32>().unwrap_or(0))
}

/// "20", "5,5", "5.5", "2,1", "0" → basis points (the `vat_rate` domain checks the set).
pub fn vat_from_percent(s: &str) -> Result<i16> {
    let s = s.trim().trim_end_matches('%').trim().replace(',', ".");
    let bp = match s.as_str() {
        "" | "20" => 2000,
        "10" => 1000,
        "5.5" => 550,
        "2.1" => 210,
        "0" => 0,
        _ => return Err(invalid("vat", "Taux de TVA : 0, 2,1, 5,5, 10 ou 20 %")),
    };
    Ok(bp)
}

/// A form field where blank means "no value".
pub fn opt(v: Option<String>) -> Option<String> {
    crate::api::input::non_blank(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_amounts() {
        assert_eq!(euros_to_cents("p", "12,50").unwrap(), 1250);
        assert_eq!(euros_to_cents("p", "12.5").unwrap(), 1250);
        assert_eq!(euros_to_cents("p", "7").unwrap(), 700);
        assert_eq!(euros_to_cents("p", "").unwrap(), 0);
        assert!(euros_to_cents("p", "-3").is_err());
        assert!(euros_to_cents("p", "1,234").is_err());
        assert_eq!(vat_from_percent("5,5").unwrap(), 550);
        assert!(vat_from_percent("19,6").is_err());
    }
}
