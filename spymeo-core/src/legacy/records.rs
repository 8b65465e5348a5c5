//! Turns one evaluated mock record into table rows following its mapping: unit conversions
//! (euros → cents, percent → basis points, Paris local times → instants), enum labels,
//! references to other mocks and deterministic ids. No database here: references and
//! lookups are resolved by the writer.

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone as _, Utc};
use chrono_tz::Europe::Paris;
use unicode_normalization::UnicodeNormalization as _;
use uuid::Uuid;

use super::mapping::{Column, Conv, Key, Mapping, Spec};
use super::parse::{Pos, Problem, Spanned, Value};

/// Namespace of the deterministic ids (UUID v5 of owner, mock and legacy id).
const NAMESPACE: Uuid = Uuid::from_u128(0x5b1f_6d1e_8c0a_4c57_9a3e_2f6b_7d40_11c2);

/// The id a legacy record gets: the same on every run, different per owner so two
/// professionals importing the same mock never touch each other's rows.
pub fn legacy_uuid(owner: Option<Uuid>, source: &str, legacy_id: &str) -> Uuid {
    let owner = owner.unwrap_or(Uuid::nil());
    Uuid::new_v5(
        &NAMESPACE,
        format!("{owner}:{source}:{legacy_id}").as_bytes(),
    )
}

/// A column value before the database resolves references.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Text(String),
    /// Legacy id in another mock: must already be imported (this run or an earlier one).
    Ref {
        source: String,
        id: Uuid,
        legacy: String,
    },
    /// `SELECT id FROM table WHERE column = value`.
    Lookup {
        table: String,
        column: String,
        value: String,
    },
}

#[derive(Debug, Clone)]
pub struct Row {
    pub table: String,
    /// The record's legacy id; child rows add `/field/index`.
    pub legacy_id: String,
    /// Conflict key column (`id`, or the owner column for one-row-per-owner tables).
    pub key_column: String,
    pub key: Uuid,
    pub cells: Vec<(String, Cell)>,
    pub pos: Pos,
}

/// One legacy record: its rows (parent first), where it was written and its legacy id.
#[derive(Debug, Clone)]
pub struct Record {
    pub legacy_id: String,
    /// Columns of the first row written after the child rows (see `Mapping::deferred`).
    pub deferred: Vec<(String, Cell)>,
    pub pos: Pos,
    pub rows: Vec<Row>,
    pub computed: bool,
}

/// Converts a record. `index` names records without an id field.
pub fn convert(
    mapping: &Mapping,
    source: &str,
    index: usize,
    item: &Spanned,
    owner: Option<Uuid>,
) -> Result<Record, Problem> {
    let table = mapping.table.clone().unwrap_or_default();
    let legacy_id = match item.field(&mapping.id_field) {
        Some(v) => scalar_text(v).ok_or_else(|| Problem {
            pos: v.pos,
            message: format!("« {} » n'est pas un identifiant", mapping.id_field),
        })?,
        None if mapping.key == Key::Owner => "settings".to_owned(),
        None => format!("#{index}"),
    };
    let mut allowed: Vec<&str> = vec![mapping.id_field.as_str()];
    allowed.extend(mapping.ignore.iter().map(String::as_str));
    allowed.extend(mapping.children.iter().map(|c| c.field.as_str()));
    check_fields(item, &mapping.columns, &allowed)?;

    let (key_column, key) = match (mapping.key, owner, &mapping.owner_column) {
        (Key::Owner, Some(o), Some(col)) => (col.clone(), o),
        _ => ("id".to_owned(), legacy_uuid(owner, source, &legacy_id)),
    };
    let mut cells = Vec::new();
    if let (Some(col), Some(o)) = (&mapping.owner_column, owner)
        && mapping.key == Key::Id
    {
        cells.push((col.clone(), Cell::Text(o.to_string())));
    }
    let mut deferred = Vec::new();
    for (col, c) in &mapping.columns {
        let value = cell(&c.spec(), item, key, owner)?;
        if mapping.deferred.contains(col) {
            deferred.push((col.clone(), value));
        } else {
            cells.push((col.clone(), value));
        }
    }
    let mut rows = vec![Row {
        table,
        legacy_id: legacy_id.clone(),
        key_column,
        key,
        cells,
        pos: item.pos,
    }];
    for child in &mapping.children {
        let Some(list) = item.field(&child.field) else {
            continue;
        };
        let Value::Array(elements) = &list.value else {
            return Err(Problem {
                pos: list.pos,
                message: format!("« {} » devrait être un tableau", child.field),
            });
        };
        let ignore: Vec<&str> = child.ignore.iter().map(String::as_str).collect();
        for (i, el) in elements.iter().enumerate() {
            check_fields(el, &child.columns, &ignore)?;
            let id = legacy_uuid(owner, source, &format!("{legacy_id}/{}/{i}", child.field));
            let mut cells = Vec::new();
            if let Some(col) = &child.parent_column {
                cells.push((col.clone(), Cell::Text(key.to_string())));
            }
            if let (Some(col), Some(o)) = (&child.owner_column, owner) {
                cells.push((col.clone(), Cell::Text(o.to_string())));
            }
            for (col, c) in &child.columns {
                cells.push((col.clone(), cell(&c.spec(), el, id, owner)?));
            }
            rows.push(Row {
                table: child.table.clone(),
                legacy_id: format!("{legacy_id}/{}/{i}", child.field),
                key_column: "id".into(),
                key: id,
                cells,
                pos: el.pos,
            });
        }
    }
    Ok(Record {
        legacy_id,
        deferred,
        pos: item.pos,
        rows,
        computed: item.any_computed(),
    })
}

/// Every field of the record must be mapped or declared ignored: nothing is dropped
/// silently.
fn check_fields(
    item: &Spanned,
    columns: &std::collections::BTreeMap<String, Column>,
    extra: &[&str],
) -> Result<(), Problem> {
    let Value::Object(fields) = &item.value else {
        return Err(Problem {
            pos: item.pos,
            message: "l'enregistrement n'est pas un objet".into(),
        });
    };
    let specs: Vec<Spec> = columns.values().map(Column::spec).collect();
    let known = |k: &str| {
        extra.contains(&k)
            || specs.iter().any(|s| {
                s.field.as_deref() == Some(k)
                    || s.by.as_deref() == Some(k)
                    || s.negate_when.as_ref().is_some_and(|n| n.field == k)
            })
    };
    match fields.iter().find(|(k, _)| !known(k)) {
        Some((k, v)) => Err(Problem {
            pos: v.pos,
            message: format!("champ inconnu « {k} » (absent de la correspondance)"),
        }),
        None => Ok(()),
    }
}

fn cell(spec: &Spec, item: &Spanned, row_id: Uuid, owner: Option<Uuid>) -> Result<Cell, Problem> {
    if spec.conv == Conv::Const {
        return Ok(json_cell(spec.value.as_ref()));
    }
    let name = spec.field.as_deref().unwrap_or_default();
    let default;
    let value = match item.field(name) {
        Some(v) if v.value != Value::Null => v,
        _ => match &spec.default {
            Some(d) => {
                default = from_json(d, item.pos);
                &default
            }
            None if spec.optional => return Ok(Cell::Null),
            None => {
                return Err(Problem {
                    pos: item.pos,
                    message: format!("champ obligatoire « {name} » manquant"),
                });
            }
        },
    };
    let bad = |what: &str| Problem {
        pos: value.pos,
        message: format!("« {name} » : {what}"),
    };
    let negate = spec.negate_when.as_ref().is_some_and(|n| {
        item.field(&n.field)
            .and_then(scalar_text)
            .is_some_and(|v| n.values.iter().any(|x| normalize(x) == normalize(&v)))
    });
    let sign = |n: i64| if negate { -n.abs() } else { n };
    let text = match spec.conv {
        Conv::Text => scalar_text(value).ok_or_else(|| bad("texte attendu"))?,
        Conv::Int => {
            let n = number(value).ok_or_else(|| bad("nombre attendu"))?;
            if n.fract() != 0.0 {
                return Err(bad("nombre entier attendu"));
            }
            sign(n as i64).to_string()
        }
        Conv::Bool => match value.value {
            Value::Bool(b) => b.to_string(),
            _ => return Err(bad("booléen attendu")),
        },
        Conv::Cents => {
            sign(cents(value).ok_or_else(|| bad("montant en euros attendu"))?).to_string()
        }
        Conv::CentsTimes => {
            let unit = cents(value).ok_or_else(|| bad("montant en euros attendu"))?;
            let by = spec.by.as_deref().unwrap_or_default();
            let qty = item
                .field(by)
                .and_then(number)
                .ok_or_else(|| bad(&format!("quantité « {by} » manquante")))?;
            sign(unit * qty as i64).to_string()
        }
        Conv::Bp => {
            let pct = number(value).ok_or_else(|| bad("pourcentage attendu"))?;
            ((pct * 100.0).round() as i64).to_string()
        }
        Conv::Date => paris_date(value).ok_or_else(|| bad("date attendue (AAAA-MM-JJ)"))?,
        Conv::Timestamp => instant(value)
            .ok_or_else(|| bad("date et heure attendues (ISO 8601)"))?
            .to_rfc3339_opts(SecondsFormat::Secs, true),
        Conv::Month => paris_date(value)
            .map(|d| d[..7].to_owned())
            .or_else(|| {
                scalar_text(value).filter(|s| {
                    s.len() == 7
                        && NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d").is_ok()
                })
            })
            .ok_or_else(|| bad("mois attendu (AAAA-MM)"))?,
        Conv::Minutes => match &value.value {
            Value::Number(n) if n.fract() == 0.0 => (*n as i64).to_string(),
            Value::String(s) => {
                let (h, m) = s
                    .split_once(':')
                    .ok_or_else(|| bad("heure HH:MM attendue"))?;
                let (h, m): (u32, u32) = (
                    h.trim().parse().map_err(|_| bad("heure HH:MM attendue"))?,
                    m.trim().parse().map_err(|_| bad("heure HH:MM attendue"))?,
                );
                if h > 24 || m > 59 {
                    return Err(bad("heure hors limites"));
                }
                (h * 60 + m).to_string()
            }
            _ => return Err(bad("heure HH:MM attendue")),
        },
        Conv::Weekday => weekday(value)
            .ok_or_else(|| bad("jour de la semaine attendu"))?
            .to_string(),
        Conv::Enum => {
            let raw = scalar_text(value).ok_or_else(|| bad("valeur texte attendue"))?;
            if spec.values.is_empty() {
                raw.to_uppercase()
            } else {
                spec.values
                    .iter()
                    .find(|(k, _)| normalize(k) == normalize(&raw))
                    .map(|(_, v)| v.clone())
                    .ok_or_else(|| {
                        let mut known: Vec<&str> = spec.values.keys().map(String::as_str).collect();
                        known.truncate(8);
                        bad(&format!(
                            "valeur « {raw} » inconnue (attendu : {})",
                            known.join(", ")
                        ))
                    })?
            }
        }
        Conv::Ref => {
            let legacy = scalar_text(value).ok_or_else(|| bad("identifiant attendu"))?;
            let source = spec.file.clone().unwrap_or_default();
            return Ok(Cell::Ref {
                id: legacy_uuid(owner, &source, &legacy),
                source,
                legacy,
            });
        }
        Conv::Lookup => {
            return Ok(Cell::Lookup {
                table: spec.table.clone().unwrap_or_default(),
                column: spec.column.clone().unwrap_or_default(),
                value: scalar_text(value).ok_or_else(|| bad("texte attendu"))?,
            });
        }
        Conv::Slug => {
            let base = scalar_text(value).ok_or_else(|| bad("texte attendu"))?;
            let mut slug = crate::slug::slugify(&base);
            slug.truncate(60);
            let slug = slug.trim_end_matches('-').to_owned();
            format!("{slug}-{}", &row_id.simple().to_string()[..6])
        }
        Conv::TextArray => match &value.value {
            Value::Array(items) => {
                let parts = items
                    .iter()
                    .map(|i| scalar_text(i).map(|s| pg_quote(&s)))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| bad("tableau de textes attendu"))?;
                format!("{{{}}}", parts.join(","))
            }
            _ => return Err(bad("tableau de textes attendu")),
        },
        Conv::Json => to_json(value).to_string(),
        Conv::Const => unreachable!("handled above"),
    };
    Ok(Cell::Text(text))
}

fn json_cell(v: Option<&serde_json::Value>) -> Cell {
    match v {
        None | Some(serde_json::Value::Null) => Cell::Null,
        Some(serde_json::Value::String(s)) => Cell::Text(s.clone()),
        Some(other) => Cell::Text(other.to_string()),
    }
}

fn from_json(v: &serde_json::Value, pos: Pos) -> Spanned {
    let value = match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap_or_default()),
        serde_json::Value::String(s) => Value::String(s.clone()),
        serde_json::Value::Array(a) => Value::Array(a.iter().map(|x| from_json(x, pos)).collect()),
        serde_json::Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| (k.clone(), from_json(x, pos)))
                .collect(),
        ),
    };
    Spanned {
        value,
        pos,
        computed: false,
    }
}

fn to_json(v: &Spanned) -> serde_json::Value {
    match &v.value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => (*b).into(),
        Value::Number(n) => {
            serde_json::Number::from_f64(*n).map_or(serde_json::Value::Null, Into::into)
        }
        Value::String(s) => s.clone().into(),
        Value::Date(d) => d.to_rfc3339_opts(SecondsFormat::Millis, true).into(),
        Value::Array(a) => a.iter().map(to_json).collect(),
        Value::Object(o) => o
            .iter()
            .map(|(k, x)| (k.clone(), to_json(x)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
    }
}

/// Strings, numbers (integers without `.0`) and booleans as text.
pub fn scalar_text(v: &Spanned) -> Option<String> {
    match &v.value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => Some((*n as i64).to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Date(d) => Some(d.to_rfc3339_opts(SecondsFormat::Millis, true)),
        _ => None,
    }
}

fn number(v: &Spanned) -> Option<f64> {
    match &v.value {
        Value::Number(n) if n.is_finite() => Some(*n),
        Value::String(s) => s.trim().replace(',', ".").parse().ok(),
        _ => None,
    }
}

/// Euros (`8.9`, `"8,90"`) → cents, rounded half away from zero; more than two decimals
/// beyond float noise is refused rather than rounded silently.
fn cents(v: &Spanned) -> Option<i64> {
    let euros = number(v)?;
    let c = euros * 100.0;
    if (c - c.round()).abs() > 1e-6 {
        return None;
    }
    Some(c.round() as i64)
}

fn instant(v: &Spanned) -> Option<DateTime<Utc>> {
    match &v.value {
        Value::Date(d) => Some(*d),
        Value::String(s) => {
            if let Ok(d) = DateTime::parse_from_rfc3339(s) {
                return Some(d.with_timezone(&Utc));
            }
            // Without an offset the old front end meant French local time.
            let local = ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
                .iter()
                .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
                .or_else(|| {
                    NaiveDate::parse_from_str(s, "%Y-%m-%d")
                        .ok()
                        .and_then(|d| d.and_hms_opt(0, 0, 0))
                })?;
            Paris
                .from_local_datetime(&local)
                .earliest()
                .map(|d| d.with_timezone(&Utc))
        }
        Value::Number(ms) => Utc.timestamp_millis_opt(*ms as i64).single(),
        _ => None,
    }
}

fn paris_date(v: &Spanned) -> Option<String> {
    if let Value::String(s) = &v.value
        && let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d")
    {
        return Some(d.to_string());
    }
    let i = instant(v)?;
    Some(i.with_timezone(&Paris).date_naive().to_string())
}

fn weekday(v: &Spanned) -> Option<u8> {
    match &v.value {
        // JavaScript's getDay(): Sunday = 0.
        Value::Number(n) if (0.0..=6.0).contains(n) && n.fract() == 0.0 => {
            Some(if *n == 0.0 { 7 } else { *n as u8 })
        }
        Value::String(s) => {
            let names = [
                ["lundi", "monday", "mon"],
                ["mardi", "tuesday", "tue"],
                ["mercredi", "wednesday", "wed"],
                ["jeudi", "thursday", "thu"],
                ["vendredi", "friday", "fri"],
                ["samedi", "saturday", "sat"],
                ["dimanche", "sunday", "sun"],
            ];
            let s = normalize(s);
            names
                .iter()
                .position(|n| n.contains(&s.as_str()))
                .map(|i| i as u8 + 1)
        }
        _ => None,
    }
}

/// Lowercase, without accents, spaces and dashes as `_`: "Annulée" ≡ "annulee".
fn normalize(s: &str) -> String {
    s.trim()
        .nfd()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect::<String>()
        .to_lowercase()
}

/// An element of a PostgreSQL array literal.
fn pg_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

#[cfg(test)]
mod tests {
    use super::super::mapping::mappings;
    use super::super::parse::parse_module;
    use super::*;

    fn record(file: &str, src: &str) -> Result<Record, Problem> {
        let now = "2026-12-02T10:00:00Z".parse().unwrap();
        let m = parse_module(src, false, now);
        let mapping = mappings(None)
            .unwrap()
            .into_iter()
            .find(|m| m.matches(file))
            .unwrap();
        let decl = m.data_decls().next().unwrap();
        let item = decl.items()[0].value.clone().unwrap();
        convert(&mapping, file, 0, &item, Some(Uuid::nil()))
    }

    fn text<'r>(r: &'r Record, col: &str) -> &'r Cell {
        &r.rows[0].cells.iter().find(|(c, _)| c == col).unwrap().1
    }

    #[test]
    fn units_dates_and_enums() {
        let r = record(
            "precompta-depenses.ts",
            r#"export const D = [{ date: "2026-03-31T23:30:00Z", type: "Dépense", label: "Loyer", amount: 450.1, vat: 75, paymentMethod: "Virement" }];"#,
        )
        .unwrap();
        // 23:30 UTC on 31 March is already 1 April in Paris.
        assert_eq!(text(&r, "entry_date"), &Cell::Text("2026-04-01".into()));
        assert_eq!(text(&r, "amount_ttc_cents"), &Cell::Text("-45010".into()));
        assert_eq!(text(&r, "vat_cents"), &Cell::Text("-7500".into()));
        assert_eq!(text(&r, "type"), &Cell::Text("EXPENSE".into()));
        assert_eq!(text(&r, "payment_method"), &Cell::Text("TRANSFER".into()));
        assert_eq!(text(&r, "source"), &Cell::Text("MANUAL".into()));

        let a = record(
            "appointments.ts",
            r#"export const A = [{ id: "a1", clientId: "1", title: "Séance", start: "2026-07-01T09:00", end: "2026-07-01T10:00", price: 60 }];"#,
        )
        .unwrap();
        // Paris summer time: 09:00 local is 07:00 UTC.
        assert_eq!(
            text(&a, "starts_at"),
            &Cell::Text("2026-07-01T07:00:00Z".into())
        );
        assert_eq!(text(&a, "price_cents"), &Cell::Text("6000".into()));
        assert!(matches!(text(&a, "client_id"), Cell::Ref { legacy, .. } if legacy == "1"));
        assert_eq!(
            a.rows[0].key,
            legacy_uuid(Some(Uuid::nil()), "appointments.ts", "a1")
        );
    }

    #[test]
    fn unknown_fields_and_bad_values_are_refused_with_their_place() {
        let e = record(
            "clients.ts",
            "export const C = [{ id: \"1\", firstName: \"A\", lastName: \"B\", shoeSize: 42 }];",
        )
        .unwrap_err();
        assert!(e.message.contains("shoeSize"), "{}", e.message);
        assert_eq!(e.pos.column, 71); // the value of the unknown field
        let e = record(
            "clients.ts",
            "export const C = [{ id: \"1\", firstName: \"A\" }];",
        )
        .unwrap_err();
        assert!(e.message.contains("lastName"), "{}", e.message);
        let e = record(
            "services-artisan.ts",
            "export const S = [{ id: \"s\", title: \"T\", priceTTC: 1.234 }];",
        )
        .unwrap_err();
        assert!(e.message.contains("priceTTC"), "{}", e.message);
        let e = record(
            "appointments.ts",
            "export const A = [{ id: \"a\", title: \"T\", start: \"2026-07-01T09:00\", end: \"2026-07-01T10:00\", status: \"perdu\" }];",
        )
        .unwrap_err();
        assert!(e.message.contains("perdu"), "{}", e.message);
    }

    #[test]
    fn ids_are_stable_and_per_owner() {
        let a = legacy_uuid(Some(Uuid::nil()), "clients.ts", "1");
        assert_eq!(a, legacy_uuid(Some(Uuid::nil()), "clients.ts", "1"));
        assert_ne!(a, legacy_uuid(Some(Uuid::max()), "clients.ts", "1"));
        assert_ne!(a, legacy_uuid(Some(Uuid::nil()), "clients-artisan.ts", "1"));
    }
}
