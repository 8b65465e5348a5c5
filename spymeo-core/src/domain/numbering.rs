//! Document numbers: invoices `F-2025-0042`, credit notes `AV-2025-0003` (DOMAIN.md §7.3),
//! artisan orders `CA-2025-00012`, merchant orders `CM-2025-00012` (§7.5).

use super::NumberSeries;

impl NumberSeries {
    pub fn prefix(self) -> &'static str {
        match self {
            NumberSeries::Invoice => "F",
            NumberSeries::CreditNote => "AV",
            NumberSeries::ArtisanOrder => "CA",
            NumberSeries::MerchantOrder => "CM",
        }
    }

    fn width(self) -> usize {
        match self {
            NumberSeries::Invoice | NumberSeries::CreditNote => 4,
            NumberSeries::ArtisanOrder | NumberSeries::MerchantOrder => 5,
        }
    }
}

/// Zero-padded to 4 (invoices) or 5 (orders) digits; grows past 9999 / 99999.
pub fn format(series: NumberSeries, year: i32, seq: i32) -> String {
    format!(
        "{}-{year}-{seq:0width$}",
        series.prefix(),
        width = series.width()
    )
}

/// The (year, seq) of a number of `series`, for audits.
pub fn parse(series: NumberSeries, number: &str) -> Option<(i32, i32)> {
    let rest = number.strip_prefix(series.prefix())?.strip_prefix('-')?;
    let (year, seq) = rest.split_once('-')?;
    if year.len() != 4 || seq.len() < series.width() {
        return None;
    }
    Some((year.parse().ok()?, seq.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(format(NumberSeries::Invoice, 2025, 42), "F-2025-0042");
        assert_eq!(format(NumberSeries::CreditNote, 2025, 3), "AV-2025-0003");
        assert_eq!(format(NumberSeries::Invoice, 2025, 12345), "F-2025-12345");
        assert_eq!(
            format(NumberSeries::ArtisanOrder, 2025, 12),
            "CA-2025-00012"
        );
        assert_eq!(
            format(NumberSeries::MerchantOrder, 2026, 1),
            "CM-2026-00001"
        );
    }

    #[test]
    fn parses() {
        assert_eq!(
            parse(NumberSeries::Invoice, "F-2025-0042"),
            Some((2025, 42))
        );
        assert_eq!(
            parse(NumberSeries::MerchantOrder, "CM-2025-00012"),
            Some((2025, 12))
        );
        assert_eq!(parse(NumberSeries::Invoice, "AV-2025-0042"), None);
        assert_eq!(parse(NumberSeries::CreditNote, "AV-25-0042"), None);
        assert_eq!(parse(NumberSeries::Invoice, "F-2025-42"), None);
    }
}
