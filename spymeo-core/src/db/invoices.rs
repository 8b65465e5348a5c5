//! Practitioner invoices and credit notes (DOMAIN.md D4–D6, §7.3): drafts with lines, issue
//! with a gapless number from `number_sequences` and frozen seller/buyer snapshots, payment
//! (with its pre-compta SALE, §7.4) and cancellation by credit note (REFUND when it was paid).
//! Every multi-statement operation runs in its own transaction (a savepoint when the caller
//! already opened one).

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde_json::json;
use sqlx::{Connection as _, PgConnection};
use uuid::Uuid;

use crate::db::precompta::{Derived, FRANCHISE_NOTE, derive};
use crate::db::support::{map_check, map_code, next_number};
use crate::domain::{
    InvoiceKind, InvoiceStatus, LegalStatus, NumberSeries, PaymentMethod, PrecomptaSource,
    PrecomptaType, VatScheme, money, numbering, paris_date,
};
use crate::{Error, Result};

#[derive(Debug, Clone, Default)]
pub struct DraftInput {
    pub client_id: Uuid,
    pub consultation_id: Option<Uuid>,
    pub service_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub notes: Option<String>,
}

/// `POST /api/clients/{id}/invoices` without lines; 404 when the client or consultation is
/// not the practitioner's (composite foreign keys).
pub async fn create_draft(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    d: &DraftInput,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    sqlx::query_scalar(
        "INSERT INTO invoices (practitioner_id, client_id, consultation_id, kind, status, service_date, due_date, notes,
                               created_at, updated_at)
         VALUES ($1, $2, $3, 'INVOICE', 'DRAFT', $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(practitioner_id)
    .bind(d.client_id)
    .bind(d.consultation_id)
    .bind(d.service_date)
    .bind(d.due_date)
    .bind(&d.notes)
    .bind(now)
    .fetch_one(conn)
    .await
    .map_err(|e| map_code(e, "23503", Error::NotFound))
}

#[derive(Debug, Clone)]
pub struct LineInput {
    pub label: String,
    /// Quantity × 100 (`numeric(10,2)`); negative only on credit notes.
    pub quantity_hundredths: i64,
    pub unit_price_ht_cents: i32,
    pub vat_rate_bp: i16,
}

fn not_draft() -> Error {
    Error::conflict("INVOICE_NOT_DRAFT", "La facture n'est plus un brouillon")
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct InvoiceRow {
    id: Uuid,
    client_id: Uuid,
    consultation_id: Option<Uuid>,
    kind: InvoiceKind,
    status: InvoiceStatus,
    number: Option<String>,
    total_vat_cents: i32,
    total_ttc_cents: i32,
    payment_method: Option<PaymentMethod>,
    buyer_snapshot: Option<serde_json::Value>,
}

async fn lock(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    invoice_id: Uuid,
) -> Result<InvoiceRow> {
    sqlx::query_as(
        "SELECT id, client_id, consultation_id, kind, status, number,
                total_vat_cents, total_ttc_cents, payment_method, buyer_snapshot
           FROM invoices WHERE id = $1 AND practitioner_id = $2 FOR UPDATE",
    )
    .bind(invoice_id)
    .bind(practitioner_id)
    .fetch_optional(conn)
    .await?
    .ok_or(Error::NotFound)
}

async fn vat_scheme(conn: &mut PgConnection, practitioner_id: Uuid) -> Result<VatScheme> {
    Ok(sqlx::query_scalar(
        "SELECT c.vat_scheme FROM precompta_config c JOIN practitioner_profiles p ON p.user_id = c.owner_user_id
          WHERE p.id = $1",
    )
    .bind(practitioner_id)
    .fetch_optional(conn)
    .await?
    .unwrap_or(VatScheme::Franchise))
}

async fn recompute_totals(conn: &mut PgConnection, invoice_id: Uuid) -> Result<()> {
    sqlx::query(
        "UPDATE invoices i SET total_ht_cents = t.ht, total_vat_cents = t.vat, total_ttc_cents = t.ht + t.vat
           FROM (SELECT COALESCE(sum(total_ht_cents), 0)::int AS ht, COALESCE(sum(total_vat_cents), 0)::int AS vat
                   FROM invoice_lines WHERE invoice_id = $1) t
          WHERE i.id = $1",
    )
    .bind(invoice_id)
    .execute(conn)
    .await?;
    Ok(())
}

async fn insert_line(
    conn: &mut PgConnection,
    invoice_id: Uuid,
    line: &LineInput,
    vat_rate_bp: i16,
    now: DateTime<Utc>,
) -> Result<()> {
    let t = money::line_totals(
        line.quantity_hundredths,
        line.unit_price_ht_cents,
        vat_rate_bp,
    )?;
    sqlx::query(
        "INSERT INTO invoice_lines (invoice_id, position, label, quantity, unit_price_ht_cents, vat_rate_bp,
                                    total_ht_cents, total_vat_cents, total_ttc_cents, created_at, updated_at)
         SELECT $1, COALESCE(max(position), 0) + 1, $2, $3::text::numeric, $4, $5, $6, $7, $8, $9, $9
           FROM invoice_lines WHERE invoice_id = $1",
    )
    .bind(invoice_id)
    .bind(line.label.trim())
    .bind(money::quantity_text(line.quantity_hundredths))
    .bind(line.unit_price_ht_cents)
    .bind(vat_rate_bp)
    .bind(t.ht)
    .bind(t.vat)
    .bind(t.ttc)
    .bind(now)
    .execute(conn)
    .await
    .map_err(map_check)?;
    Ok(())
}

/// Appends a line to a draft and recomputes its totals. Under the VAT franchise the rate is
/// forced to 0 (§6.8).
pub async fn add_line(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    invoice_id: Uuid,
    line: &LineInput,
    now: DateTime<Utc>,
) -> Result<()> {
    if line.label.trim().is_empty() || line.label.chars().count() > 300 {
        return Err(Error::field(
            "label",
            "désignation requise (300 caractères au plus)",
        ));
    }
    if line.quantity_hundredths == 0 || line.unit_price_ht_cents < 0 {
        return Err(Error::field(
            "quantity",
            "quantité non nulle et prix positif",
        ));
    }
    money::check_vat_rate(line.vat_rate_bp)?;
    let mut tx = conn.begin().await?;
    let inv = lock(&mut tx, practitioner_id, invoice_id).await?;
    if inv.status != InvoiceStatus::Draft {
        return Err(not_draft());
    }
    if inv.kind == InvoiceKind::Invoice && line.quantity_hundredths < 0 {
        return Err(Error::field(
            "quantity",
            "quantité négative réservée aux avoirs",
        ));
    }
    let rate = if vat_scheme(&mut tx, practitioner_id).await? == VatScheme::Franchise {
        0
    } else {
        line.vat_rate_bp
    };
    insert_line(&mut tx, invoice_id, line, rate, now).await?;
    recompute_totals(&mut tx, invoice_id).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    pub number: String,
    pub fiscal_year: i32,
    pub seq: i32,
    pub issue_date: NaiveDate,
}

#[derive(Debug, sqlx::FromRow)]
struct Seller {
    user_id: Uuid,
    public_name: String,
    first_name: Option<String>,
    last_name: Option<String>,
    siret: Option<String>,
    address_line: Option<String>,
    postal_code: Option<String>,
    city: Option<String>,
    email: String,
    legal_status: LegalStatus,
    vat_scheme: VatScheme,
    vat_number: Option<String>,
    invoice_payment_terms: String,
    invoice_late_penalty_text: String,
}

#[derive(Debug, sqlx::FromRow)]
struct Buyer {
    first_name: String,
    last_name: String,
    company_name: Option<String>,
    address_line: Option<String>,
    postal_code: Option<String>,
    city: Option<String>,
}

async fn issue_locked(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    inv: &InvoiceRow,
    now: DateTime<Utc>,
) -> Result<Issued> {
    if inv.status != InvoiceStatus::Draft {
        return Err(not_draft());
    }
    let lines: Vec<i16> =
        sqlx::query_scalar("SELECT vat_rate_bp FROM invoice_lines WHERE invoice_id = $1")
            .bind(inv.id)
            .fetch_all(&mut *conn)
            .await?;
    if lines.is_empty() {
        return Err(Error::conflict(
            "EMPTY_INVOICE",
            "La facture n'a aucune ligne",
        ));
    }
    recompute_totals(conn, inv.id).await?;
    let seller: Seller = sqlx::query_as(
        "SELECT p.user_id, p.public_name, u.first_name, u.last_name, p.siret::text AS siret, p.address_line,
                p.postal_code::text AS postal_code, p.city,
                COALESCE(p.email_public, u.email)::text AS email, c.legal_status, c.vat_scheme, c.vat_number,
                c.invoice_payment_terms, c.invoice_late_penalty_text
           FROM practitioner_profiles p JOIN users u ON u.id = p.user_id
           JOIN precompta_config c ON c.owner_user_id = p.user_id
          WHERE p.id = $1",
    )
    .bind(practitioner_id)
    .fetch_one(&mut *conn)
    .await?;
    let franchise = seller.vat_scheme == VatScheme::Franchise;
    if seller.siret.is_none()
        || seller.address_line.is_none()
        || seller.postal_code.is_none()
        || seller.city.is_none()
        || (!franchise && seller.vat_number.is_none())
    {
        return Err(Error::conflict(
            "SELLER_INFO_INCOMPLETE",
            "Complétez votre SIRET, votre adresse et votre numéro de TVA avant d'émettre une facture",
        ));
    }
    if franchise && lines.iter().any(|&r| r != 0) {
        return Err(Error::validation(
            "TVA non applicable en franchise en base : taux 0 attendu",
        ));
    }
    let buyer: Buyer = sqlx::query_as(
        "SELECT first_name, last_name, company_name, address_line, postal_code::text AS postal_code, city
           FROM clients WHERE id = $1",
    )
    .bind(inv.client_id)
    .fetch_one(&mut *conn)
    .await?;

    let issue_date = paris_date(now);
    let year = issue_date.year();
    let series = match inv.kind {
        InvoiceKind::Invoice => NumberSeries::Invoice,
        InvoiceKind::CreditNote => NumberSeries::CreditNote,
    };
    let seq = next_number(conn, seller.user_id, series, year).await?;
    let number = numbering::format(series, year, seq);
    let legal_form = match seller.legal_status {
        LegalStatus::Micro | LegalStatus::Ei => "EI",
        other => other.as_str(),
    };
    let seller_name = match (&seller.first_name, &seller.last_name) {
        (Some(f), Some(l)) => format!("{f} {l} – {}", seller.public_name),
        _ => seller.public_name.clone(),
    };
    let mut seller_snapshot = json!({
        "name": seller_name,
        "legalForm": legal_form,
        "address": seller.address_line,
        "postalCode": seller.postal_code,
        "city": seller.city,
        "siret": seller.siret,
        "email": seller.email,
    });
    if !franchise {
        seller_snapshot["vatNumber"] = json!(seller.vat_number);
    }
    let mut buyer_snapshot = json!({
        "name": format!("{} {}", buyer.first_name, buyer.last_name),
        "address": buyer.address_line,
        "postalCode": buyer.postal_code,
        "city": buyer.city,
    });
    let mut penalty = seller.invoice_late_penalty_text.clone();
    if let Some(company) = &buyer.company_name {
        buyer_snapshot["companyName"] = json!(company);
        penalty.push_str(" Indemnité forfaitaire pour frais de recouvrement : 40 €.");
    }
    sqlx::query(
        "UPDATE invoices SET status = 'ISSUED', fiscal_year = $2, seq = $3, number = $4, issue_date = $5, issued_at = $6,
                due_date = GREATEST(COALESCE(due_date, $5), $5), seller_snapshot = $7, buyer_snapshot = $8,
                payment_terms = $9, late_penalty_text = $10, vat_exemption_note = $11, updated_at = $6
          WHERE id = $1",
    )
    .bind(inv.id)
    .bind(year as i16)
    .bind(seq)
    .bind(&number)
    .bind(issue_date)
    .bind(now)
    .bind(&seller_snapshot)
    .bind(&buyer_snapshot)
    .bind(&seller.invoice_payment_terms)
    .bind(&penalty)
    .bind(franchise.then_some(FRANCHISE_NOTE))
    .execute(&mut *conn)
    .await
    .map_err(map_check)?;
    Ok(Issued {
        number,
        fiscal_year: year,
        seq,
        issue_date,
    })
}

/// `POST /api/invoices/{id}/issue` (§7.3): number taken in issue order, issue date = today in
/// Paris (never supplied by the client).
pub async fn issue(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    invoice_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Issued> {
    let mut tx = conn.begin().await?;
    let inv = lock(&mut tx, practitioner_id, invoice_id).await?;
    let issued = issue_locked(&mut tx, practitioner_id, &inv, now).await?;
    tx.commit().await?;
    Ok(issued)
}

async fn invoice_motif(conn: &mut PgConnection, inv: &InvoiceRow) -> Result<String> {
    let motif: Option<String> = match inv.consultation_id {
        Some(c) => {
            sqlx::query_scalar("SELECT motif FROM consultations WHERE id = $1")
                .bind(c)
                .fetch_optional(&mut *conn)
                .await?
        }
        None => None,
    };
    match motif {
        Some(m) => Ok(m),
        None => Ok(sqlx::query_scalar(
            "SELECT label FROM invoice_lines WHERE invoice_id = $1 ORDER BY position LIMIT 1",
        )
        .bind(inv.id)
        .fetch_optional(conn)
        .await?
        .unwrap_or_default()),
    }
}

/// The single VAT rate of the lines, or `None` when they mix rates.
async fn single_rate(conn: &mut PgConnection, invoice_id: Uuid) -> Result<Option<i16>> {
    let rates: Vec<i16> =
        sqlx::query_scalar("SELECT DISTINCT vat_rate_bp FROM invoice_lines WHERE invoice_id = $1")
            .bind(invoice_id)
            .fetch_all(conn)
            .await?;
    Ok(if rates.len() == 1 {
        Some(rates[0])
    } else {
        None
    })
}

fn buyer_name(snapshot: &Option<serde_json::Value>) -> Option<String> {
    let s = snapshot.as_ref()?;
    s.get("companyName")
        .and_then(|v| v.as_str())
        .or_else(|| s.get("name").and_then(|v| v.as_str()))
        .map(str::to_owned)
}

/// `POST /api/invoices/{id}/mark-paid`: ISSUED → PAID and the SALE entry of the livre des
/// recettes, dated by the payment.
pub async fn mark_paid(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    invoice_id: Uuid,
    paid_at: DateTime<Utc>,
    method: PaymentMethod,
    now: DateTime<Utc>,
) -> Result<()> {
    if paid_at > now {
        return Err(Error::field("paidAt", "date de paiement dans le futur"));
    }
    let mut tx = conn.begin().await?;
    let inv = lock(&mut tx, practitioner_id, invoice_id).await?;
    if inv.kind != InvoiceKind::Invoice || inv.status != InvoiceStatus::Issued {
        return Err(Error::conflict(
            "INVALID_TRANSITION",
            "Seule une facture émise peut être payée",
        ));
    }
    sqlx::query("UPDATE invoices SET status = 'PAID', paid_at = $2, payment_method = $3, updated_at = $4 WHERE id = $1")
        .bind(invoice_id)
        .bind(paid_at)
        .bind(method)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(map_check)?;
    let owner: Uuid = sqlx::query_scalar("SELECT user_id FROM practitioner_profiles WHERE id = $1")
        .bind(practitioner_id)
        .fetch_one(&mut *tx)
        .await?;
    let number = inv.number.clone().unwrap_or_default();
    let label = format!("Facture {number} – {}", invoice_motif(&mut tx, &inv).await?);
    let rate = single_rate(&mut tx, invoice_id).await?;
    let counterparty = buyer_name(&inv.buyer_snapshot);
    derive(
        &mut tx,
        &Derived {
            owner_user_id: owner,
            entry_date: paris_date(paid_at),
            kind: PrecomptaType::Sale,
            source: PrecomptaSource::Invoice,
            source_id: invoice_id,
            label: &label,
            counterparty: counterparty.as_deref(),
            piece_ref: Some(&number),
            amount_ttc_cents: inv.total_ttc_cents.into(),
            vat_rate_bp: rate,
            vat_cents: inv.total_vat_cents.into(),
            payment_method: method,
            now,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// `POST /api/invoices/{id}/credit-note` (§7.3 "Cancellation"): an issued avoir with the
/// negated lines, the original CANCELLED, and a REFUND entry when the original was paid.
/// Returns the avoir's id and number.
pub async fn credit_note(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    invoice_id: Uuid,
    reason: &str,
    refund_method: Option<PaymentMethod>,
    now: DateTime<Utc>,
) -> Result<(Uuid, Issued)> {
    let mut tx = conn.begin().await?;
    let inv = lock(&mut tx, practitioner_id, invoice_id).await?;
    if inv.kind != InvoiceKind::Invoice
        || !matches!(inv.status, InvoiceStatus::Issued | InvoiceStatus::Paid)
    {
        return Err(Error::conflict(
            "INVOICE_NOT_ISSUED",
            "Seule une facture émise peut être annulée par un avoir",
        ));
    }
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM invoices WHERE credited_invoice_id = $1)")
            .bind(invoice_id)
            .fetch_one(&mut *tx)
            .await?;
    if exists {
        return Err(Error::conflict(
            "INVOICE_ALREADY_CREDITED",
            "Cette facture a déjà un avoir",
        ));
    }
    let number = inv.number.clone().unwrap_or_default();
    let avoir_id: Uuid = sqlx::query_scalar(
        "INSERT INTO invoices (practitioner_id, client_id, consultation_id, kind, credited_invoice_id, status, service_date,
                               notes, created_at, updated_at)
         SELECT practitioner_id, client_id, consultation_id, 'CREDIT_NOTE', id, 'DRAFT', service_date, $2, $3, $3
           FROM invoices WHERE id = $1 RETURNING id",
    )
    .bind(invoice_id)
    .bind(format!("Avoir sur la facture {number} – {reason}"))
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO invoice_lines (invoice_id, position, label, quantity, unit_price_ht_cents, vat_rate_bp,
                                    total_ht_cents, total_vat_cents, total_ttc_cents, created_at, updated_at)
         SELECT $2, position, label, -quantity, unit_price_ht_cents, vat_rate_bp,
                -total_ht_cents, -total_vat_cents, -total_ttc_cents, $3, $3
           FROM invoice_lines WHERE invoice_id = $1",
    )
    .bind(invoice_id)
    .bind(avoir_id)
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(map_check)?;
    let avoir = lock(&mut tx, practitioner_id, avoir_id).await?;
    let issued = issue_locked(&mut tx, practitioner_id, &avoir, now).await?;
    sqlx::query("UPDATE invoices SET status = 'CANCELLED', cancelled_at = $2, updated_at = $2 WHERE id = $1")
        .bind(invoice_id)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(map_check)?;
    if inv.status == InvoiceStatus::Paid {
        let owner: Uuid =
            sqlx::query_scalar("SELECT user_id FROM practitioner_profiles WHERE id = $1")
                .bind(practitioner_id)
                .fetch_one(&mut *tx)
                .await?;
        let totals: (i32, i32, Option<serde_json::Value>) = sqlx::query_as(
            "SELECT total_ttc_cents, total_vat_cents, buyer_snapshot FROM invoices WHERE id = $1",
        )
        .bind(avoir_id)
        .fetch_one(&mut *tx)
        .await?;
        let label = format!("Avoir {} sur facture {number}", issued.number);
        let rate = single_rate(&mut tx, avoir_id).await?;
        let counterparty = buyer_name(&totals.2);
        derive(
            &mut tx,
            &Derived {
                owner_user_id: owner,
                entry_date: paris_date(now),
                kind: PrecomptaType::Refund,
                source: PrecomptaSource::Invoice,
                source_id: avoir_id,
                label: &label,
                counterparty: counterparty.as_deref(),
                piece_ref: Some(&issued.number),
                amount_ttc_cents: totals.0.into(),
                vat_rate_bp: rate,
                vat_cents: totals.1.into(),
                payment_method: refund_method
                    .or(inv.payment_method)
                    .unwrap_or(PaymentMethod::Other),
                now,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok((avoir_id, issued))
}

/// Deletes a draft (its lines cascade); issued invoices are never deleted.
pub async fn delete_draft(
    conn: &mut PgConnection,
    practitioner_id: Uuid,
    invoice_id: Uuid,
) -> Result<()> {
    let mut tx = conn.begin().await?;
    let inv = lock(&mut tx, practitioner_id, invoice_id).await?;
    if inv.status != InvoiceStatus::Draft {
        return Err(not_draft());
    }
    sqlx::query("DELETE FROM invoices WHERE id = $1")
        .bind(invoice_id)
        .execute(&mut *tx)
        .await
        .map_err(map_check)?;
    tx.commit().await?;
    Ok(())
}
