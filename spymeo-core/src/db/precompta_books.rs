//! Reading and keeping the books (DOMAIN.md K1, K2, §6.10, §7.4): the whole configuration,
//! the ledger with filters and totals, manual entries (derived ones are locked by the
//! `precompta_derived_immutable` trigger), receipts, the yearly summary with the
//! micro-entrepreneur thresholds, and the CSV books. Every query filters on the owner from
//! the session.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::db::support::{map_check, sqlstate};
use crate::domain::{LegalStatus, PaymentMethod, PrecomptaSource, PrecomptaType, VatScheme};
use crate::{Error, Result};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FullConfig {
    pub legal_status: LegalStatus,
    pub vat_scheme: VatScheme,
    pub default_vat_rate_bp: i16,
    pub social_rate_bp: i16,
    pub revenue_threshold_cents: i64,
    pub vat_franchise_threshold_cents: i64,
    pub vat_number: Option<String>,
    pub declaration_periodicity: String,
    pub iban: Option<String>,
    pub bic: Option<String>,
    pub bank_name: Option<String>,
    pub invoice_payment_terms: String,
    pub invoice_late_penalty_text: String,
}

pub async fn config(conn: &mut PgConnection, owner: Uuid) -> Result<FullConfig> {
    sqlx::query_as(
        "SELECT legal_status, vat_scheme, default_vat_rate_bp, social_rate_bp, revenue_threshold_cents,
                vat_franchise_threshold_cents, vat_number, declaration_periodicity::text AS declaration_periodicity,
                iban, bic, bank_name, invoice_payment_terms, invoice_late_penalty_text
           FROM precompta_config WHERE owner_user_id = $1",
    )
    .bind(owner)
    .fetch_optional(conn)
    .await?
    .ok_or(Error::NotFound)
}

/// `PUT /api/precompta/config`: the whole configuration; the database checks the formats
/// (VAT number, IBAN, BIC) and the franchise/rate coherence.
pub async fn save_config(conn: &mut PgConnection, owner: Uuid, c: &FullConfig) -> Result<()> {
    crate::domain::money::check_vat_rate(c.default_vat_rate_bp)?;
    if c.vat_scheme == VatScheme::Franchise && c.default_vat_rate_bp != 0 {
        return Err(Error::field(
            "defaultVatRateBp",
            "en franchise en base, le taux de TVA est 0",
        ));
    }
    sqlx::query(
        "UPDATE precompta_config SET legal_status = $2, vat_scheme = $3, default_vat_rate_bp = $4, social_rate_bp = $5,
                revenue_threshold_cents = $6, vat_franchise_threshold_cents = $7, vat_number = $8,
                declaration_periodicity = $9::declaration_periodicity, iban = $10, bic = $11, bank_name = $12,
                invoice_payment_terms = $13, invoice_late_penalty_text = $14
          WHERE owner_user_id = $1",
    )
    .bind(owner)
    .bind(c.legal_status)
    .bind(c.vat_scheme)
    .bind(c.default_vat_rate_bp)
    .bind(c.social_rate_bp)
    .bind(c.revenue_threshold_cents)
    .bind(c.vat_franchise_threshold_cents)
    .bind(&c.vat_number)
    .bind(&c.declaration_periodicity)
    .bind(&c.iban)
    .bind(&c.bic)
    .bind(&c.bank_name)
    .bind(&c.invoice_payment_terms)
    .bind(&c.invoice_late_penalty_text)
    .execute(conn)
    .await
    .map_err(|e| match sqlstate(&e).as_deref() {
        Some("23514" | "22P02") => Error::validation(
            "configuration invalide (n° de TVA FR…, IBAN, BIC ou taux)",
        ),
        _ => Error::Database(e),
    })?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Entry {
    pub id: Uuid,
    pub entry_date: NaiveDate,
    pub kind: PrecomptaType,
    pub source: PrecomptaSource,
    pub label: String,
    pub counterparty: Option<String>,
    pub piece_ref: Option<String>,
    pub category: Option<String>,
    pub amount_ttc_cents: i32,
    pub vat_rate_bp: Option<i16>,
    pub vat_cents: i32,
    pub payment_method: Option<PaymentMethod>,
    pub invoice_id: Option<Uuid>,
    pub receipt_document_id: Option<Uuid>,
}

const ENTRY_SELECT: &str =
    "SELECT id, entry_date, type AS kind, source, label, counterparty, piece_ref, category,
        amount_ttc_cents, vat_rate_bp, vat_cents, payment_method, invoice_id, receipt_document_id
   FROM precompta_entries";

#[derive(Debug, Clone, Default)]
pub struct EntryFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub kind: Option<PrecomptaType>,
    pub source: Option<PrecomptaSource>,
}

#[derive(Debug, Clone, Copy, Default, sqlx::FromRow)]
pub struct Totals {
    /// SALE + REFUND (TTC, refunds negative).
    pub recettes_cents: i64,
    /// EXPENSE, as a positive amount.
    pub depenses_cents: i64,
    pub vat_cents: i64,
}

const FILTER: &str = "owner_user_id = $1 AND ($2::date IS NULL OR entry_date >= $2) AND ($3::date IS NULL OR entry_date <= $3)
    AND ($4::precompta_type IS NULL OR type = $4) AND ($5::precompta_source IS NULL OR source = $5)";

pub async fn entries(
    conn: &mut PgConnection,
    owner: Uuid,
    f: &EntryFilter,
    page: i64,
    limit: i64,
) -> Result<(Vec<Entry>, i64, Totals)> {
    let items = sqlx::query_as(&format!(
        "{ENTRY_SELECT} WHERE {FILTER} ORDER BY entry_date DESC, created_at DESC, id LIMIT $6 OFFSET $7"
    ))
    .bind(owner)
    .bind(f.from)
    .bind(f.to)
    .bind(f.kind)
    .bind(f.source)
    .bind(limit)
    .bind((page - 1).saturating_mul(limit))
    .fetch_all(&mut *conn)
    .await?;
    let (total, totals): (i64, Totals) = {
        let row: (i64, i64, i64, i64) = sqlx::query_as(&format!(
            "SELECT count(*),
                    COALESCE(sum(amount_ttc_cents) FILTER (WHERE type IN ('SALE', 'REFUND')), 0)::bigint,
                    COALESCE(-sum(amount_ttc_cents) FILTER (WHERE type = 'EXPENSE'), 0)::bigint,
                    COALESCE(sum(vat_cents) FILTER (WHERE type IN ('SALE', 'REFUND')), 0)::bigint
               FROM precompta_entries WHERE {FILTER}"
        ))
        .bind(owner)
        .bind(f.from)
        .bind(f.to)
        .bind(f.kind)
        .bind(f.source)
        .fetch_one(conn)
        .await?;
        (
            row.0,
            Totals {
                recettes_cents: row.1,
                depenses_cents: row.2,
                vat_cents: row.3,
            },
        )
    };
    Ok((items, total, totals))
}

pub async fn entry(conn: &mut PgConnection, owner: Uuid, id: Uuid) -> Result<Entry> {
    sqlx::query_as(&format!(
        "{ENTRY_SELECT} WHERE owner_user_id = $1 AND id = $2"
    ))
    .bind(owner)
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(Error::NotFound)
}

fn locked() -> Error {
    Error::conflict(
        "ENTRY_LOCKED",
        "Cette écriture vient d'une facture ou d'une commande : corrigez-la par un avoir ou une écriture d'ajustement",
    )
}

/// Edits a MANUAL entry (same rules as its creation); derived ones → 409 ENTRY_LOCKED.
pub async fn update_manual(
    conn: &mut PgConnection,
    owner: Uuid,
    id: Uuid,
    e: &crate::db::precompta::ManualEntry,
    now: DateTime<Utc>,
) -> Result<()> {
    let current = entry(&mut *conn, owner, id).await?;
    if current.source != PrecomptaSource::Manual {
        return Err(locked());
    }
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    // Re-create through the checked insert, then move it into place: one set of rules.
    let fresh = crate::db::precompta::add_manual_entry(&mut tx, owner, e, now).await?;
    sqlx::query(
        "UPDATE precompta_entries t SET entry_date = s.entry_date, type = s.type, label = s.label,
                counterparty = s.counterparty, piece_ref = s.piece_ref, category = s.category,
                amount_ttc_cents = s.amount_ttc_cents, vat_rate_bp = s.vat_rate_bp, vat_cents = s.vat_cents,
                payment_method = s.payment_method, receipt_document_id = s.receipt_document_id
           FROM precompta_entries s WHERE s.id = $2 AND t.id = $1",
    )
    .bind(id)
    .bind(fresh)
    .execute(&mut *tx)
    .await
    .map_err(map_check)?;
    sqlx::query("DELETE FROM precompta_entries WHERE id = $1")
        .bind(fresh)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete_manual(conn: &mut PgConnection, owner: Uuid, id: Uuid) -> Result<()> {
    let current = entry(&mut *conn, owner, id).await?;
    if current.source != PrecomptaSource::Manual {
        return Err(locked());
    }
    sqlx::query("DELETE FROM precompta_entries WHERE id = $1 AND owner_user_id = $2")
        .bind(id)
        .bind(owner)
        .execute(conn)
        .await
        .map_err(map_check)?;
    Ok(())
}

/// Links a stored receipt to an entry of the same owner (404 otherwise).
pub async fn attach_receipt(
    conn: &mut PgConnection,
    owner: Uuid,
    entry_id: Uuid,
    document_id: Uuid,
) -> Result<()> {
    let e = entry(&mut *conn, owner, entry_id).await?;
    if e.source != PrecomptaSource::Manual {
        return Err(locked());
    }
    sqlx::query("UPDATE precompta_entries SET receipt_document_id = $3 WHERE id = $1 AND owner_user_id = $2")
        .bind(entry_id)
        .bind(owner)
        .bind(document_id)
        .execute(conn)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Receipt {
    pub id: Uuid,
    pub title: String,
    pub mime_type: String,
    pub size_bytes: Option<i64>,
    pub storage_key: Option<String>,
    pub created_at: DateTime<Utc>,
    pub entry_id: Option<Uuid>,
}

pub async fn receipts(conn: &mut PgConnection, owner: Uuid) -> Result<Vec<Receipt>> {
    Ok(sqlx::query_as(
        "SELECT d.id, d.title, d.mime_type, d.size_bytes, d.storage_key, d.created_at,
                (SELECT e.id FROM precompta_entries e WHERE e.receipt_document_id = d.id LIMIT 1) AS entry_id
           FROM documents d WHERE d.owner_user_id = $1 AND d.category = 'RECEIPT' ORDER BY d.created_at DESC",
    )
    .bind(owner)
    .fetch_all(conn)
    .await?)
}

pub async fn receipt(conn: &mut PgConnection, owner: Uuid, id: Uuid) -> Result<Receipt> {
    sqlx::query_as(
        "SELECT d.id, d.title, d.mime_type, d.size_bytes, d.storage_key, d.created_at,
                (SELECT e.id FROM precompta_entries e WHERE e.receipt_document_id = d.id LIMIT 1) AS entry_id
           FROM documents d WHERE d.owner_user_id = $1 AND d.category = 'RECEIPT' AND d.id = $2",
    )
    .bind(owner)
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(Error::NotFound)
}

/// Deletes a receipt (its entry keeps existing, unlinked); returns the blob key.
pub async fn delete_receipt(
    conn: &mut PgConnection,
    owner: Uuid,
    id: Uuid,
) -> Result<Option<String>> {
    sqlx::query_scalar::<_, Option<String>>(
        "DELETE FROM documents WHERE owner_user_id = $1 AND category = 'RECEIPT' AND id = $2 RETURNING storage_key",
    )
    .bind(owner)
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(Error::NotFound)
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Period {
    pub recettes_cents: i64,
    pub depenses_cents: i64,
}

#[derive(Debug, Clone)]
pub struct Summary {
    pub year: i32,
    pub months: Vec<Period>,
    pub quarters: Vec<Period>,
    /// HT: amount − VAT of SALE and REFUND entries (equal to TTC under the franchise).
    pub year_recettes_cents: i64,
    pub threshold_cents: i64,
    pub threshold_used_pct: f64,
    pub vat_franchise_threshold_cents: i64,
    pub vat_franchise_used_pct: f64,
    pub estimated_social_cents: i64,
}

/// §7.4 summary, computed in SQL per month.
pub async fn summary(conn: &mut PgConnection, owner: Uuid, year: i32) -> Result<Summary> {
    let c = config(&mut *conn, owner).await?;
    let rows: Vec<(i32, i64, i64)> = sqlx::query_as(
        "SELECT extract(month FROM entry_date)::int,
                COALESCE(sum(amount_ttc_cents - vat_cents) FILTER (WHERE type IN ('SALE', 'REFUND')), 0)::bigint,
                COALESCE(-sum(amount_ttc_cents) FILTER (WHERE type = 'EXPENSE'), 0)::bigint
           FROM precompta_entries
          WHERE owner_user_id = $1 AND entry_date >= make_date($2, 1, 1) AND entry_date < make_date($2 + 1, 1, 1)
          GROUP BY 1",
    )
    .bind(owner)
    .bind(year)
    .fetch_all(conn)
    .await?;
    let mut months = vec![Period::default(); 12];
    for (m, r, d) in rows {
        if let Some(p) = months.get_mut((m - 1) as usize) {
            *p = Period {
                recettes_cents: r,
                depenses_cents: d,
            };
        }
    }
    let quarters = months
        .chunks(3)
        .map(|q| Period {
            recettes_cents: q.iter().map(|p| p.recettes_cents).sum(),
            depenses_cents: q.iter().map(|p| p.depenses_cents).sum(),
        })
        .collect();
    let year_recettes: i64 = months.iter().map(|p| p.recettes_cents).sum();
    let pct = |part: i64, whole: i64| {
        if whole > 0 {
            (part as f64 * 1000.0 / whole as f64).round() / 10.0
        } else {
            0.0
        }
    };
    Ok(Summary {
        year,
        months,
        quarters,
        year_recettes_cents: year_recettes,
        threshold_cents: c.revenue_threshold_cents,
        threshold_used_pct: pct(year_recettes, c.revenue_threshold_cents),
        vat_franchise_threshold_cents: c.vat_franchise_threshold_cents,
        vat_franchise_used_pct: pct(year_recettes, c.vat_franchise_threshold_cents),
        estimated_social_cents: crate::domain::money::div_round(
            i128::from(year_recettes) * i128::from(c.social_rate_bp),
            10_000,
        ) as i64,
    })
}

/// "1234,56" — decimal comma, no grouping (spreadsheets read it as a number).
fn csv_amount(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    format!("{sign}{},{:02}", c / 100, c % 100)
}

fn csv_field(s: &str) -> String {
    if s.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn method_fr(m: Option<PaymentMethod>) -> &'static str {
    match m {
        Some(PaymentMethod::Card) => "Carte bancaire",
        Some(PaymentMethod::Cash) => "Espèces",
        Some(PaymentMethod::Cheque) => "Chèque",
        Some(PaymentMethod::Transfer) => "Virement",
        Some(PaymentMethod::Other) => "Autre",
        None => "",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Book {
    Recettes,
    Depenses,
}

/// §7.4 exports: `;`-separated, UTF-8 with BOM, decimal comma, chronological.
pub async fn export_csv(
    conn: &mut PgConnection,
    owner: Uuid,
    year: i32,
    book: Book,
) -> Result<String> {
    let kinds: &[&str] = match book {
        Book::Recettes => &["SALE", "REFUND"],
        Book::Depenses => &["EXPENSE"],
    };
    let rows: Vec<Entry> = sqlx::query_as(&format!(
        "{ENTRY_SELECT} WHERE owner_user_id = $1 AND type::text = ANY($2)
            AND entry_date >= make_date($3, 1, 1) AND entry_date < make_date($3 + 1, 1, 1)
          ORDER BY entry_date, id"
    ))
    .bind(owner)
    .bind(kinds)
    .bind(year)
    .fetch_all(conn)
    .await?;
    let mut out = String::from("\u{feff}");
    match book {
        Book::Recettes => {
            out.push_str("Date d'encaissement;Référence de la pièce;Client;Nature de l'opération;Montant TTC;Dont TVA;Mode de règlement\r\n");
            for e in &rows {
                out.push_str(&format!(
                    "{};{};{};{};{};{};{}\r\n",
                    e.entry_date.format("%d/%m/%Y"),
                    csv_field(e.piece_ref.as_deref().unwrap_or_default()),
                    csv_field(e.counterparty.as_deref().unwrap_or_default()),
                    csv_field(&e.label),
                    csv_amount(e.amount_ttc_cents.into()),
                    csv_amount(e.vat_cents.into()),
                    method_fr(e.payment_method),
                ));
            }
        }
        Book::Depenses => {
            out.push_str("Date;Fournisseur;Catégorie;Référence;Montant TTC;Mode de règlement\r\n");
            for e in &rows {
                out.push_str(&format!(
                    "{};{};{};{};{};{}\r\n",
                    e.entry_date.format("%d/%m/%Y"),
                    csv_field(e.counterparty.as_deref().unwrap_or_default()),
                    csv_field(e.category.as_deref().unwrap_or_default()),
                    csv_field(e.piece_ref.as_deref().unwrap_or_default()),
                    csv_amount(-i64::from(e.amount_ttc_cents)),
                    method_fr(e.payment_method),
                ));
            }
        }
    }
    Ok(out)
}

/// The current year in Paris (default of the summary and exports).
pub fn this_year(now: DateTime<Utc>) -> i32 {
    crate::domain::paris_date(now).year()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_formats() {
        assert_eq!(csv_amount(123_456), "1234,56");
        assert_eq!(csv_amount(-5), "-0,05");
        assert_eq!(csv_field("a;b"), "\"a;b\"");
        // RFC 4180: a field holding a quote is quoted and its quotes doubled.
        assert_eq!(csv_field("dit \"x\""), "\"dit \"\"x\"\"\"");
        assert_eq!(csv_field("x\"; y"), "\"x\"\"; y\"");
    }
}
