//! `spymeo seed`: the demo data of DOMAIN.md §9, written through the same `db::*` functions as
//! the API so triggers, numbering, stock and pre-compta invariants hold. Deterministic
//! (`StdRng::seed_from_u64(42)`, rows are always visited in creation order, never in uuid
//! order), dates relative to the run date, past events replayed in chronological order with a
//! simulated clock (every `db::*` call receives the simulated "now").

mod commerce;
mod community;
pub mod files;
mod pass;
mod people;
mod practitioners;
mod training;
mod verify;
mod vocabulary;

use std::collections::HashSet;
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::domain::{PARIS, paris_date};
use crate::{Error, Result};

pub use verify::verify;

/// The password of every demo account (README, DOMAIN.md §9).
pub const DEMO_PASSWORD: &str = "Spymeo-demo-2025";

#[derive(Debug, Clone)]
pub struct SeedOptions {
    /// Empty every application table first; without it a database with users is refused.
    pub reset: bool,
    /// The run date "J" every demo date is relative to.
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct SeedReport {
    /// Rows per application table after the seed, in table-name order.
    pub counts: Vec<(String, i64)>,
    pub verification: VerifyReport,
    pub elapsed: StdDuration,
}

#[derive(Debug, Clone, Default)]
pub struct VerifyReport {
    pub checks: Vec<Check>,
}

impl VerifyReport {
    pub fn passed(&self) -> bool {
        !self.checks.is_empty() && self.checks.iter().all(|c| c.ok)
    }
}

#[derive(Debug, Clone)]
pub struct Check {
    pub name: String,
    pub ok: bool,
    pub detail: String,
}

/// Loads the demo data and verifies it (§9.4); an error when the verification fails.
pub async fn run(pool: &PgPool, opts: &SeedOptions) -> Result<SeedReport> {
    let started = Instant::now();
    if crate::db::environment_marker(pool).await?.as_deref() == Some("production") {
        return Err(Error::Refused(
            "refusé : cette base est marquée production (spymeo.environment)".into(),
        ));
    }
    let tables = application_tables(pool).await?;
    if opts.reset {
        reset(pool, &tables).await?;
    } else {
        let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
            .fetch_one(pool)
            .await?;
        if users > 0 {
            return Err(Error::Refused(format!(
                "la base contient déjà {users} comptes : relancez avec --reset pour la vider et recharger les données de démonstration"
            )));
        }
    }
    let hash = tokio::task::spawn_blocking(|| crate::password::hash(DEMO_PASSWORD))
        .await
        .map_err(|e| Error::validation(format!("hachage interrompu : {e}")))??;

    let mut conn = pool.acquire().await?;
    let mut ctx = Ctx::new(opts.now, hash);
    people::seed(&mut ctx, &mut conn).await?;
    pass::seed(&mut ctx, &mut conn).await?;
    practitioners::seed(&mut ctx, &mut conn).await?;
    commerce::seed(&mut ctx, &mut conn).await?;
    training::seed(&mut ctx, &mut conn).await?;
    community::seed(&mut ctx, &mut conn).await?;
    drop(conn);

    let counts = counts(pool, &tables).await?;
    let verification = verify(pool, opts.now).await?;
    if !verification.passed() {
        let failed: Vec<String> = verification
            .checks
            .iter()
            .filter(|c| !c.ok)
            .map(|c| format!("{} ({})", c.name, c.detail))
            .collect();
        return Err(Error::validation(format!(
            "vérification des données de démonstration échouée : {}",
            failed.join(" ; ")
        )));
    }
    Ok(SeedReport {
        counts,
        verification,
        elapsed: started.elapsed(),
    })
}

/// Every table of the public schema but the migration history.
async fn application_tables(pool: &PgPool) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_sqlx_migrations' ORDER BY tablename",
    )
    .fetch_all(pool)
    .await?)
}

/// TRUNCATE fires no row trigger, so the append-only and immutability guards (DELETE/UPDATE
/// triggers) do not block it.
async fn reset(pool: &PgPool, tables: &[String]) -> Result<()> {
    if tables.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = tables
        .iter()
        .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
        .collect();
    sqlx::query(&format!(
        "TRUNCATE {} RESTART IDENTITY CASCADE",
        list.join(", ")
    ))
    .execute(pool)
    .await?;
    Ok(())
}

async fn counts(pool: &PgPool, tables: &[String]) -> Result<Vec<(String, i64)>> {
    let mut out = Vec::with_capacity(tables.len());
    for t in tables {
        let n: i64 = sqlx::query_scalar(&format!(
            "SELECT count(*) FROM \"{}\"",
            t.replace('"', "\"\"")
        ))
        .fetch_one(pool)
        .await?;
        out.push((t.clone(), n));
    }
    Ok(out)
}

/// A member account (FREE_USER / PASS_USER).
#[derive(Debug, Clone)]
pub(crate) struct Member {
    pub user_id: Uuid,
    pub first: String,
    pub last: String,
    pub email: String,
    pub city: &'static str,
    pub postal: &'static str,
    pub address: String,
    pub phone: String,
}

/// An active (or candidate) professional.
#[derive(Debug, Clone)]
pub(crate) struct Pro {
    pub user_id: Uuid,
    pub profile_id: Uuid,
    pub first: String,
    pub last: String,
    pub public_name: String,
    pub city: &'static str,
    pub specialty: String,
    pub active_since: DateTime<Utc>,
}

pub(crate) struct Ctx {
    pub rng: StdRng,
    pub now: DateTime<Utc>,
    pub hash: String,
    pub admin: Uuid,
    /// Index 0 is pass@spymeo.test, 1 is free@spymeo.test; then PASS members, then FREE.
    pub members: Vec<Member>,
    /// Index 0 is Claire Moreau (praticien@).
    pub practitioners: Vec<Pro>,
    pub artisans: Vec<Pro>,
    pub merchants: Vec<Pro>,
    pub centers: Vec<Pro>,
    pub candidates: Vec<Pro>,
    names: HashSet<(String, String)>,
    emails: HashSet<String>,
}

impl Ctx {
    fn new(now: DateTime<Utc>, hash: String) -> Self {
        Ctx {
            rng: StdRng::seed_from_u64(42),
            now,
            hash,
            admin: Uuid::nil(),
            members: Vec::new(),
            practitioners: Vec::new(),
            artisans: Vec::new(),
            merchants: Vec::new(),
            centers: Vec::new(),
            candidates: Vec::new(),
            names: HashSet::new(),
            emails: HashSet::new(),
        }
    }

    pub fn today(&self) -> NaiveDate {
        paris_date(self.now)
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.rng.gen_bool(p.clamp(0.0, 1.0))
    }

    pub fn range(&mut self, lo: i64, hi_inclusive: i64) -> i64 {
        self.rng.gen_range(lo..=hi_inclusive)
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.rng.gen_range(0..items.len())]
    }

    /// `now − days`, at a random minute of that past span's day, never after `now`.
    pub fn days_ago(&mut self, days: i64) -> DateTime<Utc> {
        let jitter = self.range(0, 8 * 60);
        (self.now - Duration::days(days) - Duration::minutes(jitter)).min(self.now)
    }

    /// A fresh (first, last) pair.
    pub fn person(&mut self) -> (String, String) {
        loop {
            let f = self.pick(&vocabulary::FIRST_NAMES);
            let l = self.pick(&vocabulary::LAST_NAMES);
            if self.names.insert((f.to_owned(), l.to_owned())) {
                return (f.to_owned(), l.to_owned());
            }
        }
    }

    /// A unique address on `domain`, from the person's names.
    pub fn email(&mut self, first: &str, last: &str, domain: &str) -> String {
        let base = format!(
            "{}.{}",
            crate::slug::slugify(first),
            crate::slug::slugify(last)
        )
        .replace('-', "");
        let mut candidate = format!("{base}@{domain}");
        let mut n = 2;
        while !self.emails.insert(candidate.clone()) {
            candidate = format!("{base}{n}@{domain}");
            n += 1;
        }
        candidate
    }

    pub fn reserve_email(&mut self, email: &str) {
        self.emails.insert(email.to_owned());
    }

    pub fn phone(&mut self) -> String {
        let d: Vec<String> = (0..4)
            .map(|_| format!("{:02}", self.rng.gen_range(0..100)))
            .collect();
        format!("06 {} {} {} {}", d[0], d[1], d[2], d[3])
    }

    pub fn address(&mut self) -> String {
        let n = self.range(1, 120);
        let street = self.pick(&vocabulary::STREETS);
        format!("{n} {street}")
    }

    pub fn city(&mut self) -> (&'static str, &'static str) {
        self.pick(&vocabulary::CITIES)
    }

    pub fn birth_date(&mut self) -> NaiveDate {
        let year = self.range(1955, 2004) as i32;
        let ordinal = self.range(1, 365) as u32;
        NaiveDate::from_yo_opt(year, ordinal)
            .unwrap_or_else(|| NaiveDate::from_yo_opt(year, 1).expect("1 January"))
    }
}

/// The instant of local (Paris) `date` at `minute` after midnight.
pub(crate) fn paris(date: NaiveDate, minute: i64) -> DateTime<Utc> {
    crate::domain::slots::local_instant(PARIS, date, minute)
}

/// A connection the seed passes to `db::*` functions.
pub(crate) type Conn = PgConnection;
