//! Writes the records of the mocks into the database in one transaction. Each record runs
//! in a savepoint so that a failing one is reported with its place and the reason while the
//! others are still checked; unless `skip_invalid`, any failure rolls everything back.
//! Upserts on deterministic ids plus `legacy_id_map` make a second run change nothing.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{PgConnection, PgPool, Row as _};
use uuid::Uuid;

use super::inventory::{Source, mapping_for, scan};
use super::mapping::{Mapping, OwnerKind, mappings};
use super::parse::{Body, Pos};
use super::records::{Cell, Record, Row, convert};
use crate::{Error, Result};

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Time that `new Date()` and `Date.now()` stand for.
    pub now: Option<DateTime<Utc>>,
    /// Owner accounts by e-mail; each mock takes the first one with the profile it needs.
    pub owners: Vec<String>,
    /// Only these files (name or path relative to the tree).
    pub only: Vec<String>,
    pub dry_run: bool,
    pub skip_invalid: bool,
    /// Content of a mapping file overriding the built-in mappings.
    pub mapping_override: Option<String>,
}

/// A record that could not be imported.
#[derive(Debug, Clone, Serialize)]
pub struct Invalid {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub legacy_id: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct FileReport {
    pub file: String,
    pub array: String,
    pub tables: Vec<String>,
    pub owner: Option<String>,
    pub records: usize,
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub invalid: usize,
    /// Records holding values computed at import time (`new Date()`…), evaluated at `now`.
    pub computed: usize,
    /// Set when the file was not imported at all, with the reason.
    pub skipped: Option<String>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Report {
    pub files: Vec<FileReport>,
    pub invalid: Vec<Invalid>,
    pub committed: bool,
    pub dry_run: bool,
    pub now: String,
}

impl Report {
    pub fn inserted(&self) -> usize {
        self.files.iter().map(|f| f.inserted).sum()
    }
    pub fn updated(&self) -> usize {
        self.files.iter().map(|f| f.updated).sum()
    }
}

/// Progress of the import, for a bar: (file, records done, records of the file).
pub type Progress<'a> = &'a (dyn Fn(&str, usize, usize) + Sync);

struct Owner {
    email: String,
    user_id: Uuid,
    role: String,
    practitioner: Option<Uuid>,
    artisan: Option<Uuid>,
    merchant: Option<Uuid>,
}

impl Owner {
    fn id_for(&self, kind: OwnerKind) -> Option<Uuid> {
        match kind {
            OwnerKind::Practitioner => self.practitioner,
            OwnerKind::Artisan => self.artisan,
            OwnerKind::Merchant => self.merchant,
            OwnerKind::Member => {
                matches!(self.role.as_str(), "FREE_USER" | "PASS_USER").then_some(self.user_id)
            }
            OwnerKind::Pro => {
                (self.practitioner.is_some() || self.artisan.is_some() || self.merchant.is_some())
                    .then_some(self.user_id)
            }
        }
    }
}

async fn load_owners(pool: &PgPool, emails: &[String]) -> Result<Vec<Owner>> {
    let mut out = Vec::new();
    for email in emails {
        let row = sqlx::query(
            "SELECT u.id, u.role::text AS role,
                    (SELECT id FROM practitioner_profiles WHERE user_id = u.id) AS practitioner,
                    (SELECT id FROM artisan_profiles WHERE user_id = u.id) AS artisan,
                    (SELECT id FROM merchant_profiles WHERE user_id = u.id) AS merchant
               FROM users u WHERE lower(u.email::text) = lower($1)",
        )
        .bind(email)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| Error::validation(format!("aucun compte pour --owner {email}")))?;
        out.push(Owner {
            email: email.clone(),
            user_id: row.get("id"),
            role: row.get("role"),
            practitioner: row.get("practitioner"),
            artisan: row.get("artisan"),
            merchant: row.get("merchant"),
        });
    }
    Ok(out)
}

/// One mock declaration to import, with its mapping.
struct Job<'s> {
    source: &'s Source,
    array: String,
    mapping: Mapping,
}

/// Imports the mocks of the tree at `root`.
pub async fn import(
    pool: &PgPool,
    root: &Path,
    opts: &Options,
    progress: Progress<'_>,
) -> Result<Report> {
    let now = opts.now.unwrap_or_else(Utc::now);
    let mappings = mappings(opts.mapping_override.as_deref())?;
    let sources = scan(root, now)?;
    let owners = load_owners(pool, &opts.owners).await?;
    let mut report = Report {
        dry_run: opts.dry_run,
        now: now.to_rfc3339(),
        ..Report::default()
    };

    for only in &opts.only {
        if !sources
            .iter()
            .any(|s| s.is_mock && (s.rel == *only || s.file_name() == only))
        {
            return Err(Error::validation(format!(
                "--only {only} : aucun module de données fictives de ce nom"
            )));
        }
    }
    let selected: Vec<&Source> = sources
        .iter()
        .filter(|s| s.is_mock)
        .filter(|s| {
            opts.only.is_empty() || opts.only.iter().any(|o| s.rel == *o || s.file_name() == o)
        })
        .collect();

    // Jobs in mapping order (a mock after the mocks it references), then unmapped ones.
    let mut jobs: Vec<Job<'_>> = Vec::new();
    let mut skipped: Vec<FileReport> = Vec::new();
    for s in &selected {
        if let Some(p) = s.module.syntax_errors.first() {
            report.invalid.push(Invalid {
                file: s.rel.clone(),
                line: p.pos.line,
                column: p.pos.column,
                legacy_id: None,
                reason: p.message.clone(),
            });
            skipped.push(FileReport {
                file: s.rel.clone(),
                skipped: Some("erreur de syntaxe".into()),
                ..FileReport::default()
            });
            continue;
        }
        for (i, d) in s.module.data_decls().enumerate() {
            match mapping_for(&mappings, s.file_name(), &d.name, i == 0) {
                Some(m) if m.skip.is_none() => jobs.push(Job {
                    source: s,
                    array: d.name.clone(),
                    mapping: m.clone(),
                }),
                other => skipped.push(FileReport {
                    file: s.rel.clone(),
                    array: d.name.clone(),
                    tables: other.map(Mapping::target_tables).unwrap_or_default(),
                    records: d.items().len(),
                    skipped: Some(
                        other
                            .and_then(|m| m.skip.clone())
                            .unwrap_or_else(|| "aucune correspondance".into()),
                    ),
                    ..FileReport::default()
                }),
            }
        }
    }
    let order = |m: &Mapping| {
        mappings
            .iter()
            .position(|x| x.file == m.file && x.array == m.array)
    };
    jobs.sort_by_key(|j| (order(&j.mapping), j.source.rel.clone()));

    // Fast pass without per-record savepoints; the first database error aborts the
    // transaction, and a careful pass (a savepoint per record) replays everything to report
    // each bad record with its reason. Conversion errors need no database and do not abort.
    let (base_report, base_skipped) = (report.clone(), skipped.clone());
    let mut careful = false;
    loop {
        report = base_report.clone();
        skipped = base_skipped.clone();
        let mut aborted = false;
        let mut tx = pool.begin().await?;
        let mut writer = Writer {
            types: HashMap::new(),
            known: sqlx::query_scalar("SELECT target_id FROM legacy_id_map")
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .collect(),
            mapped: Vec::new(),
            careful,
        };
        'jobs: for job in &jobs {
            let decl = job
                .source
                .module
                .decl(&job.array)
                .expect("job comes from a declaration");
            let owner = match job.mapping.owner {
                None => None,
                Some(kind) => match owners.iter().find_map(|o| o.id_for(kind).map(|id| (o, id))) {
                    Some(found) => Some(found),
                    None => {
                        report.invalid.push(Invalid {
                            file: job.source.rel.clone(),
                            line: decl.pos.line,
                            column: decl.pos.column,
                            legacy_id: None,
                            reason: format!(
                                "aucun --owner n'a de compte {} pour ce fichier",
                                kind.label()
                            ),
                        });
                        skipped.push(FileReport {
                            file: job.source.rel.clone(),
                            array: job.array.clone(),
                            tables: job.mapping.target_tables(),
                            records: decl.items().len(),
                            skipped: Some(format!("propriétaire {} manquant", kind.label())),
                            ..FileReport::default()
                        });
                        continue;
                    }
                },
            };
            let source_key = match &job.mapping.array {
                Some(a) => format!("{}#{a}", job.source.file_name()),
                None => job.source.file_name().to_owned(),
            };
            let mut file = FileReport {
                file: job.source.rel.clone(),
                array: job.array.clone(),
                tables: job.mapping.target_tables(),
                owner: owner.map(|(o, _)| o.email.clone()),
                records: decl.items().len(),
                ..FileReport::default()
            };
            let mut fail =
                |pos: Pos, legacy_id: Option<String>, reason: String, file: &mut FileReport| {
                    file.invalid += 1;
                    report.invalid.push(Invalid {
                        file: job.source.rel.clone(),
                        line: pos.line,
                        column: pos.column,
                        legacy_id,
                        reason,
                    });
                };
            if let Body::Other(p) = &decl.body {
                fail(
                    p.pos,
                    None,
                    format!("{} : {}", job.array, p.message),
                    &mut file,
                );
            }
            let total = decl.items().len();
            for (i, item) in decl.items().iter().enumerate() {
                progress(&job.source.rel, i, total);
                let value = match &item.value {
                    Ok(v) => v,
                    Err(p) => {
                        fail(p.pos, None, p.message.clone(), &mut file);
                        continue;
                    }
                };
                let record =
                    match convert(&job.mapping, &source_key, i, value, owner.map(|(_, id)| id)) {
                        Ok(r) => r,
                        Err(p) => {
                            let legacy = value
                                .field(&job.mapping.id_field)
                                .and_then(super::records::scalar_text);
                            fail(p.pos, legacy, p.message, &mut file);
                            continue;
                        }
                    };
                if record.computed {
                    file.computed += 1;
                }
                match writer.record(&mut tx, &source_key, &record).await {
                    Ok(Outcome::Inserted) => file.inserted += 1,
                    Ok(Outcome::Updated) => file.updated += 1,
                    Ok(Outcome::Unchanged) => file.unchanged += 1,
                    Err(_) if !careful => {
                        aborted = true;
                        break 'jobs;
                    }
                    Err((pos, reason)) => {
                        fail(pos, Some(record.legacy_id.clone()), reason, &mut file)
                    }
                }
            }
            progress(&job.source.rel, total, total);
            report.files.push(file);
        }
        if aborted {
            tx.rollback().await?;
            careful = true;
            continue;
        }
        writer.flush(&mut tx).await?;
        report.files.extend(skipped);
        let failed = !report.invalid.is_empty() && !opts.skip_invalid;
        if opts.dry_run || failed {
            tx.rollback().await?;
        } else {
            tx.commit().await?;
            report.committed = true;
        }
        return Ok(report);
    }
}

enum Outcome {
    Inserted,
    Updated,
    Unchanged,
}

struct Writer {
    /// Column → SQL type, per table (read from the catalogue, so casts always match).
    types: HashMap<String, BTreeMap<String, String>>,
    /// Ids present: imported by earlier runs or earlier in this one.
    known: HashSet<Uuid>,
    /// legacy_id_map rows of the records written so far, flushed in one statement.
    mapped: Vec<(String, String, String, Uuid)>,
    /// A savepoint per record, so that one failure does not abort the others.
    careful: bool,
}

impl Writer {
    /// Writes a record's rows in a savepoint; a failure rolls back only this record.
    async fn record(
        &mut self,
        conn: &mut PgConnection,
        source: &str,
        record: &Record,
    ) -> std::result::Result<Outcome, (Pos, String)> {
        let db = |e: sqlx::Error| (record.pos, one_line(&e));
        if self.careful {
            sqlx::query("SAVEPOINT legacy_record")
                .execute(&mut *conn)
                .await
                .map_err(db)?;
        }
        let mut outcome = Outcome::Unchanged;
        let mut result = Ok(());
        // Deferred columns (an order's PAID status) go last, once the child rows exist.
        let parent = &record.rows[0];
        let deferred = record
            .deferred
            .iter()
            .map(|(c, v)| (c.clone(), v.clone()))
            .collect::<Vec<_>>();
        let steps = record
            .rows
            .iter()
            .map(|r| (r, r.cells.as_slice()))
            .chain((!deferred.is_empty()).then_some((parent, deferred.as_slice())));
        // Rows this record inserted: known from now on (the deferred step updates the parent),
        // forgotten again if the record is rolled back.
        let mut inserted: Vec<Uuid> = Vec::new();
        for (i, (row, cells)) in steps.enumerate() {
            let written = self.row(conn, row, cells).await;
            if let Ok(Some(true)) = written {
                inserted.push(row.key);
                self.known.insert(row.key);
            }
            match written {
                Ok(Some(true)) if i == 0 => outcome = Outcome::Inserted,
                Ok(Some(_)) => {
                    if !matches!(outcome, Outcome::Inserted) {
                        outcome = Outcome::Updated;
                    }
                }
                Ok(None) => {}
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        if let Err(e) = result {
            if !self.careful {
                return Err(e);
            }
            for key in &inserted {
                self.known.remove(key);
            }
            sqlx::query("ROLLBACK TO SAVEPOINT legacy_record")
                .execute(&mut *conn)
                .await
                .map_err(db)?;
            return Err(e);
        }
        for row in &record.rows {
            self.mapped.push((
                source.to_owned(),
                row.legacy_id.clone(),
                row.table.clone(),
                row.key,
            ));
        }
        if self.careful {
            sqlx::query("RELEASE SAVEPOINT legacy_record")
                .execute(&mut *conn)
                .await
                .map_err(db)?;
        }
        self.known.extend(record.rows.iter().map(|r| r.key));
        Ok(outcome)
    }

    /// Writes one row without going through `INSERT … ON CONFLICT`: BEFORE INSERT triggers
    /// (the stock journal, order locks) fire even when the conflict path is taken, so the
    /// row is compared first and only written when new or different.
    /// `Some(true)` inserted, `Some(false)` updated, `None` unchanged.
    async fn row(
        &mut self,
        conn: &mut PgConnection,
        row: &Row,
        cells: &[(String, Cell)],
    ) -> std::result::Result<Option<bool>, (Pos, String)> {
        let err = |m: String| (row.pos, m);
        let types = self
            .types(conn, &row.table)
            .await
            .map_err(|e| err(one_line_core(&e)))?
            .clone();
        let cast = |col: &str| {
            types
                .get(col)
                .cloned()
                .ok_or_else(|| err(format!("colonne inconnue {}.{col}", row.table)))
        };
        let table = &row.table;
        let key_column = &row.key_column;
        let key_type = cast(key_column)?;
        let mut cols: Vec<(String, String)> = Vec::new();
        let mut values: Vec<Option<String>> = Vec::new();
        for (col, cell) in cells {
            ident(col).map_err(err)?;
            values.push(self.resolve(conn, cell).await.map_err(err)?);
            cols.push((col.clone(), cast(col)?));
        }
        let param = |i: usize, t: &str| format!("${}::text::{t}", i + 2);
        let names: Vec<&str> = cols.iter().map(|(c, _)| c.as_str()).collect();
        let params: Vec<String> = cols
            .iter()
            .enumerate()
            .map(|(i, (_, t))| param(i, t))
            .collect();
        let same = if cols.is_empty() {
            "true".to_owned()
        } else {
            format!(
                "({}) IS NOT DISTINCT FROM ({})",
                names.join(", "),
                params.join(", ")
            )
        };
        let key = row.key.to_string();
        fn bind_all<'q>(
            sql: &'q str,
            key: &str,
            values: &[Option<String>],
        ) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
            let mut q = sqlx::query(sql).bind(key.to_owned());
            for v in values {
                q = q.bind(v.clone());
            }
            q
        }
        // An id never imported (not in legacy_id_map) cannot exist: ids are UUID v5 of
        // owner, mock and legacy id. Rows keyed by their owner may exist without an import.
        let existing: Option<bool> = if key_column == "id" && !self.known.contains(&row.key) {
            None
        } else {
            let check =
                format!("SELECT {same} FROM {table} WHERE {key_column} = $1::text::{key_type}");
            bind_all(&check, &key, &values)
                .fetch_optional(&mut *conn)
                .await
                .map_err(|e| err(one_line(&e)))?
                .map(|r| r.get(0))
        };
        let sql = match existing {
            Some(true) => return Ok(None),
            None => format!(
                "INSERT INTO {table} ({key_column}{}{}) VALUES ($1::text::{key_type}{}{})",
                if names.is_empty() { "" } else { ", " },
                names.join(", "),
                if params.is_empty() { "" } else { ", " },
                params.join(", ")
            ),
            Some(false) => format!(
                "UPDATE {table} SET {} WHERE {key_column} = $1::text::{key_type}",
                names
                    .iter()
                    .zip(&params)
                    .map(|(c, p)| format!("{c} = {p}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        bind_all(&sql, &key, &values)
            .execute(&mut *conn)
            .await
            .map_err(|e| err(one_line(&e)))?;
        Ok(Some(existing.is_none()))
    }

    /// A cell's SQL text: references must point at imported rows, lookups must find one.
    async fn resolve(
        &self,
        conn: &mut PgConnection,
        cell: &Cell,
    ) -> std::result::Result<Option<String>, String> {
        Ok(match cell {
            Cell::Null => None,
            Cell::Text(t) => Some(t.clone()),
            Cell::Ref { source, id, legacy } => {
                if !self.known.contains(id) {
                    return Err(format!(
                        "référence inconnue : « {legacy} » n'est pas un enregistrement importé de {source}"
                    ));
                }
                Some(id.to_string())
            }
            Cell::Lookup {
                table,
                column,
                value,
            } => {
                ident(table)?;
                ident(column)?;
                let sql = format!("SELECT id::text FROM {table} WHERE {column}::text = $1");
                let found: Option<String> = sqlx::query_scalar(&sql)
                    .bind(value)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(|e| one_line(&e))?;
                Some(found.ok_or_else(|| {
                    format!("référence inconnue : aucun {table}.{column} = « {value} »")
                })?)
            }
        })
    }

    /// Writes the legacy_id_map rows collected so far in one statement.
    async fn flush(&mut self, conn: &mut PgConnection) -> Result<()> {
        if self.mapped.is_empty() {
            return Ok(());
        }
        let mut cols: (Vec<String>, Vec<String>, Vec<String>, Vec<Uuid>) = Default::default();
        for (s, l, t, id) in self.mapped.drain(..) {
            cols.0.push(s);
            cols.1.push(l);
            cols.2.push(t);
            cols.3.push(id);
        }
        sqlx::query(
            "INSERT INTO legacy_id_map (source_file, legacy_id, target_table, target_id)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::uuid[])
             ON CONFLICT (source_file, legacy_id, target_table)
             DO UPDATE SET target_id = EXCLUDED.target_id
             WHERE legacy_id_map.target_id IS DISTINCT FROM EXCLUDED.target_id",
        )
        .bind(cols.0)
        .bind(cols.1)
        .bind(cols.2)
        .bind(cols.3)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    async fn types(
        &mut self,
        conn: &mut PgConnection,
        table: &str,
    ) -> Result<&BTreeMap<String, String>> {
        if !self.types.contains_key(table) {
            ident(table).map_err(Error::validation)?;
            let rows: Vec<(String, String)> = sqlx::query_as(
                "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod)
                   FROM pg_attribute a
                  WHERE a.attrelid = to_regclass('public.' || $1) AND a.attnum > 0
                    AND NOT a.attisdropped",
            )
            .bind(table)
            .fetch_all(&mut *conn)
            .await?;
            if rows.is_empty() {
                return Err(Error::validation(format!("table inconnue {table}")));
            }
            self.types
                .insert(table.to_owned(), rows.into_iter().collect());
        }
        Ok(&self.types[table])
    }
}

/// Table and column names come from mapping files: only plain identifiers reach the SQL.
fn ident(s: &str) -> std::result::Result<(), String> {
    let ok = !s.is_empty()
        && s.len() <= 63
        && s.chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!("nom SQL refusé : « {s} »"))
    }
}

/// A database error as one line: the constraint when there is one, and PostgreSQL's message.
fn one_line(e: &sqlx::Error) -> String {
    match e.as_database_error() {
        Some(d) => match d.constraint() {
            Some(c) => format!("contrainte {c} : {}", d.message()),
            None => d.message().to_owned(),
        },
        None => e.to_string(),
    }
}

fn one_line_core(e: &Error) -> String {
    match e {
        Error::Database(d) => one_line(d),
        other => other.to_string(),
    }
}
