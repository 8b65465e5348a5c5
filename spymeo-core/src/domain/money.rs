//! Money in integer euro cents, VAT rates in basis points, rounding half away from zero at
//! line level (DOMAIN.md §1 Money and VAT).

use crate::{Error, Result};

/// The VAT rates of the `vat_rate` domain, in basis points.
pub const VAT_RATES: [i16; 5] = [0, 210, 550, 1000, 2000];

pub fn check_vat_rate(bp: i16) -> Result<i16> {
    if VAT_RATES.contains(&bp) {
        Ok(bp)
    } else {
        Err(Error::field(
            "vatRateBp",
            "taux de TVA invalide (0 ; 2,1 ; 5,5 ; 10 ou 20 %)",
        ))
    }
}

/// `num / den` rounded half away from zero. `den` must be positive.
pub fn div_round(num: i128, den: i128) -> i128 {
    assert!(den > 0, "division by a non-positive denominator");
    let q = num / den;
    let r = num % den;
    if 2 * r.abs() >= den {
        q + num.signum()
    } else {
        q
    }
}

fn to_cents(v: i128) -> Result<i32> {
    i32::try_from(v).map_err(|_| Error::validation("montant trop élevé"))
}

/// Totals of an invoice line. `quantity_hundredths` is the `numeric(10,2)` quantity × 100
/// (negative on credit notes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineTotals {
    pub ht: i32,
    pub vat: i32,
    pub ttc: i32,
}

pub fn line_totals(
    quantity_hundredths: i64,
    unit_price_ht_cents: i32,
    vat_rate_bp: i16,
) -> Result<LineTotals> {
    let ht = to_cents(div_round(
        i128::from(quantity_hundredths) * i128::from(unit_price_ht_cents),
        100,
    ))?;
    let vat = to_cents(div_round(i128::from(ht) * i128::from(vat_rate_bp), 10_000))?;
    Ok(LineTotals {
        ht,
        vat,
        ttc: ht + vat,
    })
}

/// VAT included in a TTC amount (orders, DOMAIN.md §7.5): `round(ttc × rate / (10 000 + rate))`.
pub fn vat_in_ttc(ttc_cents: i64, vat_rate_bp: i16) -> i64 {
    div_round(
        i128::from(ttc_cents) * i128::from(vat_rate_bp),
        10_000 + i128::from(vat_rate_bp),
    ) as i64
}

/// The `numeric(10,2)` text form of a quantity in hundredths ("1.00", "-2.50").
pub fn quantity_text(hundredths: i64) -> String {
    let sign = if hundredths < 0 { "-" } else { "" };
    let a = hundredths.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

/// "1 234,56 €", the French display of an amount.
pub fn format_eur(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let a = cents.unsigned_abs();
    let euros = (a / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in euros.chars().enumerate() {
        if i > 0 && (euros.len() - i).is_multiple_of(3) {
            grouped.push('\u{202f}');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped},{:02} €", a % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(div_round(5, 10), 1);
        assert_eq!(div_round(-5, 10), -1);
        assert_eq!(div_round(4, 10), 0);
        assert_eq!(div_round(-4, 10), 0);
        assert_eq!(div_round(15, 10), 2);
        assert_eq!(div_round(-15, 10), -2);
        assert_eq!(div_round(20, 10), 2);
    }

    #[test]
    fn lines() {
        assert_eq!(
            line_totals(100, 6000, 0).unwrap(),
            LineTotals {
                ht: 6000,
                vat: 0,
                ttc: 6000
            }
        );
        // 1,5 × 33,33 € = 49,995 € → 50,00 € HT; 20 % → 10,00 €.
        assert_eq!(
            line_totals(150, 3333, 2000).unwrap(),
            LineTotals {
                ht: 5000,
                vat: 1000,
                ttc: 6000
            }
        );
        // 5,5 % of 0,10 € = 0,0055 € → 0,01 €.
        assert_eq!(line_totals(100, 10, 550).unwrap().vat, 1);
        // Credit notes negate the quantity; rounding stays symmetric.
        assert_eq!(
            line_totals(-150, 3333, 2000).unwrap(),
            LineTotals {
                ht: -5000,
                vat: -1000,
                ttc: -6000
            }
        );
        assert!(line_totals(i64::MAX / 1000, i32::MAX, 0).is_err());
    }

    #[test]
    fn vat_included() {
        assert_eq!(vat_in_ttc(1200, 2000), 200);
        assert_eq!(vat_in_ttc(1055, 550), 55);
        assert_eq!(vat_in_ttc(999, 0), 0);
        assert_eq!(vat_in_ttc(1000, 2000), 167);
    }

    #[test]
    fn texts() {
        assert_eq!(quantity_text(100), "1.00");
        assert_eq!(quantity_text(-250), "-2.50");
        assert_eq!(quantity_text(5), "0.05");
        assert_eq!(format_eur(123456), "1\u{202f}234,56 €");
        assert_eq!(format_eur(-690), "-6,90 €");
        assert!(check_vat_rate(550).is_ok());
        assert!(check_vat_rate(500).is_err());
    }
}
