//! The practitioner workspace pages (`/pro/praticien/*`, DOMAIN.md §8.3) and the public
//! booking pages. Plain server-rendered forms over the same functions as the JSON API; a
//! form answers with a redirect and a flash message (success or the French error).

pub mod agenda;
pub mod booking;
pub mod clients;
pub mod invoices;
pub mod precompta;

use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use std::borrow::Borrow;

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use super::Flash;
use crate::error::Error;
use crate::middleware::flash_cookie;

/// The workspace menu, shown on every practitioner page.
pub const MENU: &[(&str, &str)] = &[
    ("/pro/dashboard", "Tableau de bord"),
    ("/pro/praticien/agenda", "Agenda"),
    ("/pro/praticien/agenda/settings", "Disponibilités"),
    ("/pro/praticien/fiches-clients", "Fiches clients"),
    ("/pro/praticien/factures", "Factures"),
    ("/pro/praticien/precompta", "Pré-compta"),
    ("/pro/praticien/statistiques", "Statistiques"),
    ("/pro/praticien/ressources", "Ressources"),
    ("/pro/praticien/academie", "Académie"),
];

/// Redirect to `to` with a flash: the success message, or the error's message and fields.
pub fn back(to: &str, outcome: Result<String, Error>) -> Response {
    let flash = match outcome {
        Ok(message) => Flash {
            kind: "success".into(),
            message,
        },
        Err(e) => {
            let mut message = e.message.to_string();
            for (_, m) in &e.fields {
                message.push_str(" — ");
                message.push_str(m);
            }
            Flash {
                kind: "error".into(),
                message,
            }
        }
    };
    let mut res = Redirect::to(to).into_response();
    res.headers_mut()
        .append(header::SET_COOKIE, flash_cookie(&flash));
    res
}

const DAYS: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];
const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// "lundi 7 décembre 2026".
pub fn long_date(d: impl Day) -> String {
    let d = d.date();
    format!(
        "{} {} {} {}",
        DAYS[d.weekday().num_days_from_monday() as usize],
        d.day(),
        MONTHS[d.month0() as usize],
        d.year()
    )
}

/// "lun. 7/12".
pub fn short_date(d: impl Day) -> String {
    let d = d.date();
    format!(
        "{}. {}/{}",
        &DAYS[d.weekday().num_days_from_monday() as usize][..3],
        d.day(),
        d.month()
    )
}

pub fn weekday_name(iso: impl Borrow<i16>) -> &'static str {
    let iso = *iso.borrow();
    DAYS[(iso.clamp(1, 7) - 1) as usize]
}

/// "07/12/2026".
pub fn fr_date(d: impl Day) -> String {
    let d = d.date();
    d.format("%d/%m/%Y").to_string()
}

/// A calendar date however deeply borrowed.
pub trait Day {
    fn date(&self) -> NaiveDate;
}

impl Day for NaiveDate {
    fn date(&self) -> NaiveDate {
        *self
    }
}

impl<T: Day + ?Sized> Day for &T {
    fn date(&self) -> NaiveDate {
        (**self).date()
    }
}

/// An instant however deeply borrowed (templates hand over `&&DateTime` from matches).
pub trait Instant {
    fn instant(&self) -> DateTime<Utc>;
}

impl Instant for DateTime<Utc> {
    fn instant(&self) -> DateTime<Utc> {
        *self
    }
}

impl<T: Instant + ?Sized> Instant for &T {
    fn instant(&self) -> DateTime<Utc> {
        (**self).instant()
    }
}

/// Paris wall-clock "14:30".
pub fn time(t: impl Instant) -> String {
    t.instant()
        .with_timezone(&chrono_tz::Europe::Paris)
        .format("%H:%M")
        .to_string()
}

/// "07/12/2026 à 14:30", Paris time.
pub fn date_time(t: impl Instant) -> String {
    t.instant()
        .with_timezone(&chrono_tz::Europe::Paris)
        .format("%d/%m/%Y à %H:%M")
        .to_string()
}

pub fn paris_day(t: impl Instant) -> NaiveDate {
    spymeo_core::domain::paris_date(t.instant())
}

/// A local date and "HH:MM" in Paris → instant (DST policy of the slot rules).
pub fn paris_instant(date: NaiveDate, hhmm: &str) -> Option<DateTime<Utc>> {
    let minutes = crate::api::agenda::parse_hhmm(hhmm)?;
    Some(spymeo_core::domain::slots::local_instant(
        chrono_tz::Europe::Paris,
        date,
        minutes.into(),
    ))
}

pub fn status_label(status: &str) -> &'static str {
    match status {
        "SCHEDULED" => "Planifié",
        "CONFIRMED" => "Confirmé",
        "CANCELLED" => "Annulé",
        "COMPLETED" => "Honoré",
        "NO_SHOW" => "Absent",
        "DRAFT" => "Brouillon",
        "ISSUED" => "Émise",
        "PAID" => "Payée",
        _ => "—",
    }
}

pub fn location_label(kind: &str) -> &'static str {
    match kind {
        "CABINET" => "Au cabinet",
        "VISIO" => "En visio",
        "DOMICILE" => "À domicile",
        _ => "—",
    }
}

/// The value of `name` in a urlencoded form read as pairs (checkbox lists repeat names).
pub fn field<'a>(form: &'a [(String, String)], name: &str) -> &'a str {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .unwrap_or_default()
}

pub fn all<'a>(form: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    form.iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// A required form value that does not parse: 400 with a French message for `name`.
pub fn invalid(name: &'static str, message: &'static str) -> Error {
    let mut e = Error::new(
        axum::http::StatusCode::BAD_REQUEST,
        "VALIDATION_FAILED",
        "Certains champs sont invalides",
    );
    e.fields = vec![(name, message.into())];
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_dates() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        assert_eq!(long_date(d), "lundi 7 décembre 2026");
        assert_eq!(short_date(d), "lun. 7/12");
        let t = paris_instant(NaiveDate::from_ymd_opt(2027, 3, 28).unwrap(), "09:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2027-03-28T07:00:00+00:00");
        assert_eq!(time(t), "09:00");
    }
}
