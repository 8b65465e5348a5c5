//! Declarative mappings from a mock's records to the tables of DOMAIN.md. The built-in ones
//! (`mappings.json`, one entry per known mock file) use the same format as the override file
//! passed to `spymeo mocks import --mapping`, so a team can fix a mapping without a release.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::{Error, Result};

/// Which account or profile a mock's rows belong to (`--owner`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OwnerKind {
    /// `practitioner_profiles.id` of the owner.
    Practitioner,
    /// `artisan_profiles.id`.
    Artisan,
    /// `merchant_profiles.id`.
    Merchant,
    /// `users.id` of a member account (FREE_USER or PASS_USER).
    Member,
    /// `users.id` of any professional account (pre-compta belongs to the user).
    Pro,
}

impl OwnerKind {
    pub fn label(self) -> &'static str {
        match self {
            OwnerKind::Practitioner => "praticien",
            OwnerKind::Artisan => "artisan",
            OwnerKind::Merchant => "commerçant",
            OwnerKind::Member => "membre",
            OwnerKind::Pro => "professionnel",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct MappingFile {
    pub mocks: Vec<Mapping>,
}

/// The mapping of one mock (a file name pattern, optionally one array of it).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// File name (`clients.ts`) or pattern with one `*` (`precompta-*.ts`).
    pub file: String,
    /// The declaration to read; default: the module's only data declaration.
    #[serde(default)]
    pub array: Option<String>,
    /// Migration phase: 1 user/auth, 2 practitioner, 3 artisan, 4 merchant, 5 PASS and messaging.
    pub phase: u8,
    /// Set when the mock is known but not imported, with the reason.
    #[serde(default)]
    pub skip: Option<String>,
    /// Tables the mock's content belongs to (informative for skipped mocks).
    #[serde(default)]
    pub tables: Vec<String>,
    #[serde(default)]
    pub owner: Option<OwnerKind>,
    #[serde(default)]
    pub owner_column: Option<String>,
    #[serde(default)]
    pub table: Option<String>,
    /// `id` (default): rows get `id` = UUID v5 of file + legacy id. `owner`: the owner
    /// column is the key (one row per owner, e.g. agenda_settings).
    #[serde(default)]
    pub key: Key,
    #[serde(default = "default_id_field")]
    pub id_field: String,
    #[serde(default)]
    pub columns: BTreeMap<String, Column>,
    /// Record fields that are known and deliberately not imported (derived values…).
    #[serde(default)]
    pub ignore: Vec<String>,
    #[serde(default)]
    pub children: Vec<Child>,
    /// Columns written after the child rows: an order's status, because its items can only
    /// be added while it is PENDING (they are inserted as PENDING, then given their status).
    #[serde(default)]
    pub deferred: Vec<String>,
}

fn default_id_field() -> String {
    "id".into()
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Key {
    #[default]
    Id,
    Owner,
}

/// Rows built from an array field of each record (order lines, working hours).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Child {
    pub field: String,
    pub table: String,
    /// Column that receives the parent row's id (none when the rows hang off the owner).
    #[serde(default)]
    pub parent_column: Option<String>,
    #[serde(default)]
    pub owner_column: Option<String>,
    #[serde(default)]
    pub columns: BTreeMap<String, Column>,
    #[serde(default)]
    pub ignore: Vec<String>,
}

/// A column: a field name (text), or a full spec.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Column {
    Field(String),
    Spec(Spec),
}

impl Column {
    pub fn spec(&self) -> Spec {
        match self {
            Column::Field(f) => Spec {
                field: Some(f.clone()),
                ..Spec::default()
            },
            Column::Spec(s) => s.clone(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    #[serde(default)]
    pub field: Option<String>,
    #[serde(default, rename = "as")]
    pub conv: Conv,
    /// `enum`: legacy value (case-insensitive) → PostgreSQL label.
    #[serde(default)]
    pub values: BTreeMap<String, String>,
    /// `ref`: the mock file the legacy id points into.
    #[serde(default)]
    pub file: Option<String>,
    /// `lookup`: find the id by a unique column of a table.
    #[serde(default)]
    pub table: Option<String>,
    #[serde(default)]
    pub column: Option<String>,
    /// `cents_times`: the quantity field.
    #[serde(default)]
    pub by: Option<String>,
    /// Numbers are negated when this field holds one of these values (`type: "depense"`
    /// with a positive amount, `type: "out"` with a positive quantity).
    #[serde(default)]
    pub negate_when: Option<NegateWhen>,
    /// A missing or null field becomes NULL instead of an error.
    #[serde(default)]
    pub optional: bool,
    /// Value used when the field is missing (before conversion).
    #[serde(default)]
    pub default: Option<serde_json::Value>,
    /// `const`: the value itself.
    #[serde(default)]
    pub value: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NegateWhen {
    pub field: String,
    pub values: Vec<String>,
}

/// Unit and type conversions from the old front end's conventions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Conv {
    #[default]
    Text,
    Int,
    Bool,
    /// Euros as a decimal (`8.9`) → integer cents (890).
    Cents,
    /// Euros × another field (a line total) → cents.
    CentsTimes,
    /// Percent (`5.5`) → basis points (550).
    Bp,
    /// `YYYY-MM-DD` or an instant → calendar date in Europe/Paris.
    Date,
    /// ISO instant; without offset it is Paris local time (what the old front end meant).
    Timestamp,
    /// `YYYY-MM` of a date or instant.
    Month,
    /// `HH:MM` → minutes after midnight.
    Minutes,
    /// 0–6 (JavaScript, Sunday = 0) or a day name → ISO weekday 1–7.
    Weekday,
    Enum,
    /// A legacy id of another mock → its deterministic UUID (must have been imported).
    Ref,
    /// A value looked up in a table (`practitioner_profiles.slug` → id).
    Lookup,
    /// A URL slug made from the field, suffixed with the row id so it stays unique.
    Slug,
    TextArray,
    Json,
    Const,
}

const BUILT_IN: &str = include_str!("mappings.json");

/// The built-in mappings, with `overrides` (same format) replacing entries of the same
/// file and array and adding new ones.
pub fn mappings(overrides: Option<&str>) -> Result<Vec<Mapping>> {
    let mut all: Vec<Mapping> = serde_json::from_str::<MappingFile>(BUILT_IN)
        .map_err(|e| Error::validation(format!("mappings intégrés illisibles : {e}")))?
        .mocks;
    if let Some(text) = overrides {
        let extra = serde_json::from_str::<MappingFile>(text)
            .map_err(|e| Error::validation(format!("fichier de correspondance illisible : {e}")))?;
        for m in extra.mocks {
            match all
                .iter_mut()
                .find(|a| a.file == m.file && a.array == m.array)
            {
                Some(slot) => *slot = m,
                None => all.push(m),
            }
        }
    }
    for m in &all {
        m.check()?;
    }
    Ok(all)
}

impl Mapping {
    /// Whether this mapping applies to a file name.
    pub fn matches(&self, file_name: &str) -> bool {
        match self.file.split_once('*') {
            Some((pre, post)) => {
                file_name.len() >= pre.len() + post.len()
                    && file_name.starts_with(pre)
                    && file_name.ends_with(post)
            }
            None => self.file == file_name,
        }
    }

    /// The tables this mock lands in.
    pub fn target_tables(&self) -> Vec<String> {
        let mut t: Vec<String> = self.table.iter().cloned().collect();
        t.extend(self.children.iter().map(|c| c.table.clone()));
        t.extend(self.tables.iter().cloned());
        t.dedup();
        t
    }

    fn check(&self) -> Result<()> {
        let bad = |why: &str| {
            Err(Error::validation(format!(
                "correspondance {} : {why}",
                self.file
            )))
        };
        if self.skip.is_some() {
            return Ok(());
        }
        if self.table.is_none() {
            return bad("« table » manquante");
        }
        if self.owner.is_some() != self.owner_column.is_some() {
            return bad("« owner » et « owner_column » vont ensemble");
        }
        if self.key == Key::Owner && self.owner_column.is_none() {
            return bad("« key »: « owner » demande un propriétaire");
        }
        let specs = self
            .columns
            .values()
            .chain(self.children.iter().flat_map(|c| c.columns.values()));
        for spec in specs.map(Column::spec) {
            let ok = match spec.conv {
                Conv::Ref => spec.file.is_some() && spec.field.is_some(),
                Conv::Lookup => spec.table.is_some() && spec.column.is_some(),
                Conv::CentsTimes => spec.by.is_some() && spec.field.is_some(),
                Conv::Const => spec.value.is_some(),
                _ => spec.field.is_some(),
            };
            if !ok {
                return bad(&format!("colonne en {:?} incomplète", spec.conv));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_mappings_load_and_cover_the_known_files() {
        let all = mappings(None).unwrap();
        for name in [
            "clients.ts",
            "clients-artisan.ts",
            "products-commercant.ts",
            "stock-commercant.ts",
            "orders-artisan.ts",
            "agenda.ts",
            "agendaSettings.ts",
            "appointments.ts",
            "documents.ts",
            "messages.ts",
            "pass.ts",
            "precompta-recettes.ts",
            "resources.ts",
            "services-artisan.ts",
            "stats-praticien.ts",
            "user-favorites.ts",
            "user-practitioners.ts",
        ] {
            assert!(all.iter().any(|m| m.matches(name)), "{name}");
        }
    }

    #[test]
    fn overrides_replace_and_add() {
        let all = mappings(Some(
            r#"{"mocks": [
              {"file": "clients.ts", "phase": 2, "skip": "repris à la main"},
              {"file": "extra.ts", "phase": 4, "table": "products"}
            ]}"#,
        ))
        .unwrap();
        let clients: Vec<_> = all.iter().filter(|m| m.file == "clients.ts").collect();
        assert_eq!(clients.len(), 1);
        assert_eq!(clients[0].skip.as_deref(), Some("repris à la main"));
        assert!(all.iter().any(|m| m.file == "extra.ts"));
        assert!(mappings(Some(r#"{"mocks": [{"file": "x.ts", "phase": 2}]}"#)).is_err());
        assert!(mappings(Some("{")).is_err());
    }
}
