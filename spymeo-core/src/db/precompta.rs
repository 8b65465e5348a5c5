//! Pre-accounting (DOMAIN.md K1, K2, §7.4): per-pro configuration, entries derived from paid
//! invoices, orders and enrollments (written in the business event's transaction, idempotent
//! through the unique `(source_id, type)` indexes), and manual entries.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::{LegalStatus, PaymentMethod, PrecomptaSource, PrecomptaType, Role, VatScheme};
use crate::{Error, Result};

pub const FRANCHISE_NOTE: &str = "TVA non applicable, art. 293 B du CGI";

/// Creates the default configuration of a new pro. Micro-entreprise ceilings depend on the
/// activity (K1): sale of goods for merchants, services for the others.
pub async fn create_default_config(
    conn: &mut PgConnection,
    owner_user_id: Uuid,
    role: Role,
) -> Result<()> {
    let (revenue, vat_franchise): (i64, i64) = match role {
        Role::Commercant => (18_870_000, 8_500_000),
        _ => (7_770_000, 3_750_000),
    };
    sqlx::query(
        "INSERT INTO precompta_config (owner_user_id, revenue_threshold_cents, vat_franchise_threshold_cents)
         VALUES ($1, $2, $3) ON CONFLICT (owner_user_id) DO NOTHING",
    )
    .bind(owner_user_id)
    .bind(revenue)
    .bind(vat_franchise)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Config {
    pub owner_user_id: Uuid,
    pub legal_status: LegalStatus,
    pub vat_scheme: VatScheme,
    pub default_vat_rate_bp: i16,
    pub social_rate_bp: i16,
    pub revenue_threshold_cents: i64,
    pub vat_franchise_threshold_cents: i64,
    pub vat_number: Option<String>,
    pub iban: Option<String>,
    pub bic: Option<String>,
    pub bank_name: Option<String>,
    pub invoice_payment_terms: String,
    pub invoice_late_penalty_text: String,
}

pub async fn config(conn: &mut PgConnection, owner_user_id: Uuid) -> Result<Config> {
    sqlx::query_as(
        "SELECT owner_user_id, legal_status, vat_scheme, default_vat_rate_bp, social_rate_bp,
                revenue_threshold_cents, vat_franchise_threshold_cents, vat_number, iban, bic, bank_name,
                invoice_payment_terms, invoice_late_penalty_text
           FROM precompta_config WHERE owner_user_id = $1",
    )
    .bind(owner_user_id)
    .fetch_optional(conn)
    .await?
    .ok_or(Error::NotFound)
}

/// The VAT and bank part of `PUT /api/precompta/config`.
#[derive(Debug, Clone)]
pub struct TaxSettings {
    pub legal_status: LegalStatus,
    pub vat_scheme: VatScheme,
    pub default_vat_rate_bp: i16,
    pub vat_number: Option<String>,
    pub iban: Option<String>,
    pub bic: Option<String>,
    pub bank_name: Option<String>,
}

pub async fn set_tax_settings(
    conn: &mut PgConnection,
    owner_user_id: Uuid,
    s: &TaxSettings,
) -> Result<()> {
    crate::domain::money::check_vat_rate(s.default_vat_rate_bp)?;
    if s.vat_scheme == VatScheme::Franchise && s.default_vat_rate_bp != 0 {
        return Err(Error::field(
            "defaultVatRateBp",
            "en franchise en base, le taux de TVA est 0",
        ));
    }
    let iban = s.iban.as_ref().map(|i| i.replace(' ', "").to_uppercase());
    let n = sqlx::query(
        "UPDATE precompta_config
            SET legal_status = $2, vat_scheme = $3, default_vat_rate_bp = $4, vat_number = $5,
                iban = $6, bic = $7, bank_name = $8
          WHERE owner_user_id = $1",
    )
    .bind(owner_user_id)
    .bind(s.legal_status)
    .bind(s.vat_scheme)
    .bind(s.default_vat_rate_bp)
    .bind(&s.vat_number)
    .bind(iban)
    .bind(&s.bic)
    .bind(&s.bank_name)
    .execute(conn)
    .await?
    .rows_affected();
    if n == 0 { Err(Error::NotFound) } else { Ok(()) }
}

/// An entry derived from a business row (SALE or REFUND).
#[derive(Debug, Clone)]
pub struct Derived<'a> {
    pub owner_user_id: Uuid,
    pub entry_date: NaiveDate,
    pub kind: PrecomptaType,
    pub source: PrecomptaSource,
    pub source_id: Uuid,
    pub label: &'a str,
    pub counterparty: Option<&'a str>,
    pub piece_ref: Option<&'a str>,
    /// Signed: positive for SALE, negative for REFUND.
    pub amount_ttc_cents: i64,
    pub vat_rate_bp: Option<i16>,
    pub vat_cents: i64,
    pub payment_method: PaymentMethod,
    pub now: DateTime<Utc>,
}

/// Inserts a derived entry; a second call for the same source row and type does nothing.
pub(crate) async fn derive(conn: &mut PgConnection, d: &Derived<'_>) -> Result<()> {
    let column = match d.source {
        PrecomptaSource::Invoice => "invoice_id",
        PrecomptaSource::ArtisanOrder => "artisan_order_id",
        PrecomptaSource::MerchantOrder => "merchant_order_id",
        PrecomptaSource::Enrollment => "enrollment_id",
        PrecomptaSource::Manual => return Err(Error::validation("écriture manuelle non dérivée")),
    };
    let amount =
        i32::try_from(d.amount_ttc_cents).map_err(|_| Error::validation("montant trop élevé"))?;
    let vat = i32::try_from(d.vat_cents).map_err(|_| Error::validation("montant trop élevé"))?;
    sqlx::query(&format!(
        "INSERT INTO precompta_entries (owner_user_id, entry_date, type, source, {column}, label, counterparty,
                                        piece_ref, amount_ttc_cents, vat_rate_bp, vat_cents, payment_method,
                                        created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
         ON CONFLICT ({column}, type) WHERE {column} IS NOT NULL DO NOTHING"
    ))
    .bind(d.owner_user_id)
    .bind(d.entry_date)
    .bind(d.kind)
    .bind(d.source)
    .bind(d.source_id)
    .bind(d.label)
    .bind(d.counterparty)
    .bind(d.piece_ref)
    .bind(amount)
    .bind(d.vat_rate_bp)
    .bind(vat)
    .bind(d.payment_method)
    .bind(d.now)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct ManualEntry {
    pub entry_date: NaiveDate,
    /// EXPENSE, SALE or ADJUSTMENT.
    pub kind: PrecomptaType,
    pub label: String,
    pub counterparty: Option<String>,
    pub category: Option<String>,
    pub piece_ref: Option<String>,
    /// As typed by the user: > 0 for EXPENSE and SALE (the sign follows the type), signed for
    /// ADJUSTMENT.
    pub amount_ttc_cents: i32,
    pub vat_rate_bp: Option<i16>,
    pub payment_method: Option<PaymentMethod>,
    pub receipt_document_id: Option<Uuid>,
}

/// `POST /api/precompta/transactions` (source MANUAL). The VAT part is computed from the rate.
pub async fn add_manual_entry(
    conn: &mut PgConnection,
    owner_user_id: Uuid,
    e: &ManualEntry,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    let amount = match e.kind {
        PrecomptaType::Expense | PrecomptaType::Sale if e.amount_ttc_cents <= 0 => {
            return Err(Error::field(
                "amountTtcCents",
                "le montant doit être positif",
            ));
        }
        PrecomptaType::Expense => -e.amount_ttc_cents,
        PrecomptaType::Sale => e.amount_ttc_cents,
        PrecomptaType::Adjustment if e.amount_ttc_cents == 0 => {
            return Err(Error::field("amountTtcCents", "montant nul"));
        }
        PrecomptaType::Adjustment => e.amount_ttc_cents,
        PrecomptaType::Refund => {
            return Err(Error::field(
                "type",
                "un remboursement passe par un avoir ou une commande",
            ));
        }
    };
    if e.kind == PrecomptaType::Sale && e.payment_method.is_none() {
        return Err(Error::field(
            "paymentMethod",
            "mode de règlement requis pour une recette",
        ));
    }
    if e.label.trim().is_empty() {
        return Err(Error::field("label", "libellé requis"));
    }
    let vat = match e.vat_rate_bp {
        Some(rate) => {
            crate::domain::money::check_vat_rate(rate)?;
            crate::domain::money::vat_in_ttc(i64::from(amount), rate) as i32
        }
        None => 0,
    };
    if let Some(doc) = e.receipt_document_id {
        let owned: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM documents WHERE id = $1 AND owner_user_id = $2)",
        )
        .bind(doc)
        .bind(owner_user_id)
        .fetch_one(&mut *conn)
        .await?;
        if !owned {
            return Err(Error::NotFound);
        }
    }
    Ok(sqlx::query_scalar(
        "INSERT INTO precompta_entries (owner_user_id, entry_date, type, source, label, counterparty, piece_ref, category,
                                        amount_ttc_cents, vat_rate_bp, vat_cents, payment_method, receipt_document_id,
                                        created_at, updated_at)
         VALUES ($1, $2, $3, 'MANUAL', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
    )
    .bind(owner_user_id)
    .bind(e.entry_date)
    .bind(e.kind)
    .bind(e.label.trim())
    .bind(&e.counterparty)
    .bind(&e.piece_ref)
    .bind(&e.category)
    .bind(amount)
    .bind(e.vat_rate_bp)
    .bind(vat)
    .bind(e.payment_method)
    .bind(e.receipt_document_id)
    .bind(now)
    .fetch_one(conn)
    .await?)
}
