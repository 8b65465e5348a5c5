//! The livre des recettes of artisans, merchants and centers as their pre-compta pages show it
//! (DOMAIN.md K2, §7.4): the year's entries (derived from paid orders and enrollments, plus
//! manual ones), the totals and the threshold gauge, and the CSV export of §7.4.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::Result;
use crate::db::merchant::csv_field;
use crate::domain::{PaymentMethod, PrecomptaSource, PrecomptaType};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub id: Uuid,
    pub entry_date: NaiveDate,
    #[serde(rename = "type")]
    pub kind: PrecomptaType,
    pub source: PrecomptaSource,
    pub label: String,
    pub counterparty: Option<String>,
    pub piece_ref: Option<String>,
    pub category: Option<String>,
    pub amount_ttc_cents: i32,
    pub vat_cents: i32,
    pub payment_method: Option<PaymentMethod>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Year {
    pub year: i32,
    pub entries: Vec<Entry>,
    /// SALE + REFUND, TTC.
    pub recettes_cents: i64,
    pub depenses_cents: i64,
    pub vat_cents: i64,
    pub threshold_cents: i64,
    /// Recettes HT against the micro-entreprise ceiling (§7.4), in percent.
    pub threshold_used_pct: i64,
}

/// Every entry of `owner_user_id` dated in `year`, in book order (`entry_date, id`).
pub async fn year(pool: &PgPool, owner_user_id: Uuid, year: i32) -> Result<Year> {
    let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let to = NaiveDate::from_ymd_opt(year + 1, 1, 1).unwrap_or_default();
    let entries: Vec<Entry> = sqlx::query_as(
        "SELECT id, entry_date, type AS kind, source, label, counterparty, piece_ref, category, amount_ttc_cents, vat_cents,
                payment_method, created_at
           FROM precompta_entries WHERE owner_user_id = $1 AND entry_date >= $2 AND entry_date < $3
          ORDER BY entry_date, id",
    )
    .bind(owner_user_id)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;
    let recettes: i64 = entries
        .iter()
        .filter(|e| matches!(e.kind, PrecomptaType::Sale | PrecomptaType::Refund))
        .map(|e| i64::from(e.amount_ttc_cents))
        .sum();
    let recettes_ht: i64 = entries
        .iter()
        .filter(|e| matches!(e.kind, PrecomptaType::Sale | PrecomptaType::Refund))
        .map(|e| i64::from(e.amount_ttc_cents - e.vat_cents))
        .sum();
    let depenses = entries
        .iter()
        .filter(|e| e.kind == PrecomptaType::Expense)
        .map(|e| i64::from(e.amount_ttc_cents))
        .sum();
    let vat = entries
        .iter()
        .filter(|e| matches!(e.kind, PrecomptaType::Sale | PrecomptaType::Refund))
        .map(|e| i64::from(e.vat_cents))
        .sum();
    let mut conn: sqlx::pool::PoolConnection<sqlx::Postgres> = pool.acquire().await?;
    let threshold = threshold(&mut conn, owner_user_id).await?;
    Ok(Year {
        year,
        entries,
        recettes_cents: recettes,
        depenses_cents: depenses,
        vat_cents: vat,
        threshold_cents: threshold,
        threshold_used_pct: if threshold > 0 {
            recettes_ht * 100 / threshold
        } else {
            0
        },
    })
}

async fn threshold(conn: &mut PgConnection, owner_user_id: Uuid) -> Result<i64> {
    let t: Option<i64> = sqlx::query_scalar(
        "SELECT revenue_threshold_cents FROM precompta_config WHERE owner_user_id = $1",
    )
    .bind(owner_user_id)
    .fetch_optional(conn)
    .await?;
    Ok(t.unwrap_or(7_770_000))
}

fn amount(cents: i32) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    format!("{sign}{},{:02}", c / 100, c % 100)
}

fn method(m: Option<PaymentMethod>) -> &'static str {
    match m {
        Some(PaymentMethod::Card) => "Carte",
        Some(PaymentMethod::Cash) => "Espèces",
        Some(PaymentMethod::Cheque) => "Chèque",
        Some(PaymentMethod::Transfer) => "Virement",
        Some(PaymentMethod::Other) => "Autre",
        None => "",
    }
}

/// The livre des recettes of §7.4: SALE + REFUND entries of the year, `;`-separated, UTF-8
/// with BOM, decimal comma.
pub fn recettes_csv(y: &Year) -> String {
    let mut out = String::from(
        "\u{feff}Date d'encaissement;Référence de la pièce;Client;Nature de l'opération;Montant TTC;Dont TVA;Mode de règlement\r\n",
    );
    for e in y
        .entries
        .iter()
        .filter(|e| matches!(e.kind, PrecomptaType::Sale | PrecomptaType::Refund))
    {
        out.push_str(&format!(
            "{};{};{};{};{};{};{}\r\n",
            e.entry_date.format("%d/%m/%Y"),
            csv_field(e.piece_ref.as_deref().unwrap_or_default()),
            csv_field(e.counterparty.as_deref().unwrap_or_default()),
            csv_field(&e.label),
            amount(e.amount_ttc_cents),
            amount(e.vat_cents),
            method(e.payment_method)
        ));
    }
    out
}
