//! The invoice / credit-note PDF (DOMAIN.md §7.3 "mandatory mentions"), drawn with printpdf's
//! builtin Helvetica (Windows-1252: accents and € print, no font file to ship). Amounts and
//! dates in French format; drafts carry a "BROUILLON" watermark.

use printpdf::{BuiltinFont, IndirectFontRef, Mm, PdfDocument, PdfLayerReference};
use serde_json::Value;
use spymeo_core::db::invoice_views::{Invoice, Line};
use spymeo_core::domain::{InvoiceKind, InvoiceStatus};

use crate::error::{Error, Result};

/// "1 234,56 €" with a plain space (the narrow no-break space of the pages is not in
/// Windows-1252).
pub fn amount(cents: i64) -> String {
    crate::pages::euros(cents).replace('\u{202f}', " ")
}

fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.format("%d/%m/%Y").to_string())
        .unwrap_or_else(|| "—".into())
}

fn rate(bp: i16) -> String {
    let (units, rest) = (bp / 100, bp % 100);
    if rest == 0 {
        format!("{units} %")
    } else {
        format!("{units},{} %", format!("{rest:02}").trim_end_matches('0'))
    }
}

fn quantity(q: &str) -> String {
    let q = q.trim_end_matches('0').trim_end_matches('.');
    q.replace('.', ",")
}

fn s<'a>(v: &'a Option<Value>, key: &str) -> &'a str {
    v.as_ref()
        .and_then(|v| v.get(key))
        .and_then(|v| v.as_str())
        .unwrap_or_default()
}

/// Greedy word wrap at `width` characters.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

struct Pen {
    layer: PdfLayerReference,
    regular: IndirectFontRef,
    bold: IndirectFontRef,
    y: f32,
}

impl Pen {
    fn text(&self, x: f32, size: f32, bold: bool, text: &str) {
        let font = if bold { &self.bold } else { &self.regular };
        self.layer.use_text(text, size, Mm(x), Mm(self.y), font);
    }

    fn line(&mut self, x: f32, size: f32, bold: bool, text: &str) {
        self.text(x, size, bold, text);
        self.y -= size * 0.45;
    }

    fn gap(&mut self, mm: f32) {
        self.y -= mm;
    }
}

/// Renders the PDF; the seller and buyer come from the snapshots frozen at issue (a draft
/// has none yet and shows the client's current name).
pub fn render(inv: &Invoice, lines: &[Line]) -> Result<Vec<u8>> {
    let kind = match inv.kind {
        InvoiceKind::Invoice => "Facture",
        InvoiceKind::CreditNote => "Avoir",
    };
    let title = match &inv.number {
        Some(n) => format!("{kind} {n}"),
        None => format!("{kind} (brouillon)"),
    };
    let (doc, page, layer) = PdfDocument::new(&title, Mm(210.0), Mm(297.0), "Facture");
    let regular = doc
        .add_builtin_font(BuiltinFont::Helvetica)
        .map_err(|_| Error::internal())?;
    let bold = doc
        .add_builtin_font(BuiltinFont::HelveticaBold)
        .map_err(|_| Error::internal())?;
    let mut p = Pen {
        layer: doc.get_page(page).get_layer(layer),
        regular,
        bold,
        y: 280.0,
    };
    if inv.status == InvoiceStatus::Draft {
        p.layer
            .use_text("BROUILLON", 60.0, Mm(45.0), Mm(140.0), &p.bold);
    }
    p.line(15.0, 20.0, true, &title.to_uppercase());
    p.gap(2.0);
    p.line(
        15.0,
        10.0,
        false,
        &format!("Date d'émission : {}", date(inv.issue_date)),
    );
    p.line(
        15.0,
        10.0,
        false,
        &format!("Date de la prestation : {}", date(inv.service_date)),
    );
    if inv.kind == InvoiceKind::Invoice {
        p.line(
            15.0,
            10.0,
            false,
            &format!("Échéance : {}", date(inv.due_date)),
        );
    }
    if let Some(n) = &inv.credited_number {
        p.line(15.0, 10.0, true, &format!("Avoir sur la facture n° {n}"));
    }
    p.gap(6.0);
    let top = p.y;
    // Seller, left column.
    let seller = &inv.seller_snapshot;
    p.line(15.0, 10.0, true, "Émetteur");
    if seller.is_some() {
        p.line(
            15.0,
            10.0,
            false,
            &format!("{} ({})", s(seller, "name"), s(seller, "legalForm")),
        );
        p.line(15.0, 10.0, false, s(seller, "address"));
        p.line(
            15.0,
            10.0,
            false,
            &format!("{} {}", s(seller, "postalCode"), s(seller, "city")),
        );
        p.line(
            15.0,
            10.0,
            false,
            &format!("SIRET : {}", s(seller, "siret")),
        );
        if !s(seller, "vatNumber").is_empty() {
            p.line(
                15.0,
                10.0,
                false,
                &format!("N° TVA : {}", s(seller, "vatNumber")),
            );
        }
        p.line(15.0, 10.0, false, s(seller, "email"));
    } else {
        p.line(15.0, 10.0, false, "Coordonnées figées à l'émission");
    }
    let left_bottom = p.y;
    // Buyer, right column.
    p.y = top;
    let buyer = &inv.buyer_snapshot;
    p.line(115.0, 10.0, true, "Client");
    if buyer.is_some() {
        if !s(buyer, "companyName").is_empty() {
            p.line(115.0, 10.0, false, s(buyer, "companyName"));
        }
        p.line(115.0, 10.0, false, s(buyer, "name"));
        p.line(115.0, 10.0, false, s(buyer, "address"));
        p.line(
            115.0,
            10.0,
            false,
            &format!("{} {}", s(buyer, "postalCode"), s(buyer, "city")),
        );
    } else {
        p.line(115.0, 10.0, false, &inv.client_name);
    }
    p.y = p.y.min(left_bottom) - 8.0;
    // Lines.
    let header = p.y;
    for (x, label) in [
        (15.0, "Désignation"),
        (115.0, "Qté"),
        (130.0, "PU HT"),
        (155.0, "TVA"),
        (172.0, "Total HT"),
    ] {
        p.text(x, 9.0, true, label);
    }
    p.y = header - 6.0;
    for l in lines {
        let wrapped = wrap(&l.label, 55);
        let first = p.y;
        for w in &wrapped {
            p.line(15.0, 9.0, false, w);
        }
        let after = p.y;
        p.y = first;
        p.text(115.0, 9.0, false, &quantity(&l.quantity));
        p.text(130.0, 9.0, false, &amount(l.unit_price_ht_cents.into()));
        p.text(155.0, 9.0, false, &rate(l.vat_rate_bp));
        p.text(172.0, 9.0, false, &amount(l.total_ht_cents.into()));
        p.y = after - 2.0;
        if p.y < 60.0 {
            // One page holds a practitioner's usual invoice; longer ones are cut with a note.
            p.line(15.0, 9.0, false, "… (lignes suivantes non imprimées)");
            break;
        }
    }
    p.gap(4.0);
    p.line(
        130.0,
        10.0,
        false,
        &format!("Total HT : {}", amount(inv.total_ht_cents.into())),
    );
    p.line(
        130.0,
        10.0,
        false,
        &format!("TVA : {}", amount(inv.total_vat_cents.into())),
    );
    p.line(
        130.0,
        11.0,
        true,
        &format!("Total TTC : {}", amount(inv.total_ttc_cents.into())),
    );
    p.gap(6.0);
    if let Some(note) = &inv.vat_exemption_note {
        p.line(15.0, 9.0, true, note);
    }
    if let Some(terms) = &inv.payment_terms {
        p.line(
            15.0,
            9.0,
            false,
            &format!("Conditions de paiement : {terms}"),
        );
    }
    if let Some(penalty) = &inv.late_penalty_text {
        for w in wrap(penalty, 100) {
            p.line(15.0, 8.0, false, &w);
        }
    }
    if let (Some(paid), Some(method)) = (inv.paid_at, inv.payment_method) {
        p.line(
            15.0,
            9.0,
            false,
            &format!(
                "Payée le {} ({})",
                paid.with_timezone(&chrono_tz::Europe::Paris)
                    .format("%d/%m/%Y"),
                crate::pages::practitioner::invoices::method_label(method)
            ),
        );
    }
    if let Some(notes) = &inv.notes {
        p.gap(2.0);
        for w in wrap(notes, 100) {
            p.line(15.0, 9.0, false, &w);
        }
    }
    doc.save_to_bytes().map_err(|e| {
        tracing::error!(error = %e, "invoice PDF not rendered");
        Error::internal()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_formats() {
        assert_eq!(amount(123_456), "1 234,56 €");
        assert_eq!(rate(2000), "20 %");
        assert_eq!(rate(550), "5,5 %");
        assert_eq!(rate(210), "2,1 %");
        assert_eq!(quantity("1.00"), "1");
        assert_eq!(quantity("1.50"), "1,5");
        assert_eq!(
            wrap("un deux trois quatre", 9),
            ["un deux", "trois", "quatre"]
        );
    }
}
