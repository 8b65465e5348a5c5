//! The files behind the demo rows. The seed writes rows only (it runs against the database);
//! documents, library resources and PASS booklets carry storage keys, and without an object
//! behind each key every "Télécharger" of the demo answered 404. This writes a small real file
//! (a one-page PDF titled like the row, or a tiny JPEG for photographed receipts) for each key missing from the store,
//! and sets the row's size to the file's. Idempotent: present objects are left alone.

use sqlx::PgPool;

use crate::Result;
use crate::storage::Storage;

/// What was done: files written, keys already present.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FilesReport {
    pub written: usize,
    pub present: usize,
}

/// Every stored key of the demo data with the type it is served as and a title to print.
const KEYS: &str = "
    SELECT storage_key, mime_type, title, 'documents' FROM documents WHERE storage_key IS NOT NULL
    UNION ALL
    SELECT storage_key, 'application/pdf', title, 'resources' FROM resources
     WHERE storage_key IS NOT NULL AND format IN ('PDF', 'SHEET', 'DOC')
    UNION ALL
    SELECT storage_key, 'application/pdf', title, 'pass_resources' FROM pass_resources
     WHERE storage_key IS NOT NULL AND type = 'BOOKLET'
    ORDER BY 1";

pub async fn materialize(pool: &PgPool, storage: &Storage) -> Result<FilesReport> {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(KEYS).fetch_all(pool).await?;
    let mut report = FilesReport::default();
    for (key, mime, title, table) in rows {
        match storage.get(&key).await {
            Ok(_) => {
                report.present += 1;
                continue;
            }
            Err(crate::Error::NotFound) => {}
            Err(e) => return Err(e),
        }
        let bytes = content(&mime, &title);
        let size = bytes.len() as i64;
        storage.put(&key, bytes, &mime).await?;
        // pass_resources has no size column; the two others show it next to the link.
        if table != "pass_resources" {
            sqlx::query(&format!(
                "UPDATE {table} SET size_bytes = $2 WHERE storage_key = $1"
            ))
            .bind(&key)
            .bind(size)
            .execute(pool)
            .await?;
        }
        report.written += 1;
    }
    Ok(report)
}

fn content(mime: &str, title: &str) -> Vec<u8> {
    match mime {
        "image/jpeg" => JPEG_1X1.to_vec(),
        _ => pdf(title),
    }
}

/// A one-page A4 PDF with the title and a line saying it is demo content. Written by hand:
/// five objects and a cross-reference table, which is all a viewer needs. Text outside
/// printable ASCII is replaced, as the standard Helvetica encoding here is not UTF-8.
pub fn pdf(title: &str) -> Vec<u8> {
    let ascii = |s: &str| -> String {
        s.chars()
            .map(|c| match c {
                'é' | 'è' | 'ê' | 'ë' => 'e',
                'à' | 'â' => 'a',
                'î' | 'ï' => 'i',
                'ô' => 'o',
                'ù' | 'û' | 'ü' => 'u',
                'ç' => 'c',
                'É' | 'È' => 'E',
                '(' | ')' | '\\' => ' ',
                c if c == ' ' || c.is_ascii_graphic() => c,
                _ => ' ',
            })
            .collect()
    };
    let stream = format!(
        "BT /F1 18 Tf 56 760 Td ({}) Tj ET\nBT /F1 11 Tf 56 730 Td (Document de demonstration SPYMEO) Tj ET\n",
        ascii(title)
    );
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{stream}endstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A 1×1 grey JPEG (encoded by Chromium's canvas, so any viewer reads it).
const JPEG_1X1: &[u8] = include_bytes!("demo-1x1.jpg");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pdf_cross_reference_points_at_each_object() {
        let bytes = pdf("Fiche « Respiration » (été)");
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.starts_with("%PDF-1.4\n") && text.ends_with("%%EOF\n"));
        let start: usize = text
            .rsplit("startxref\n")
            .next()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(text[start..].starts_with("xref\n0 6\n"));
        for (i, line) in text[start..].lines().skip(3).take(5).enumerate() {
            let offset: usize = line[..10].parse().unwrap();
            assert!(
                text[offset..].starts_with(&format!("{} 0 obj", i + 1)),
                "object {}",
                i + 1
            );
        }
        // Non-ASCII letters are folded, the parentheses of PDF strings never appear inside.
        assert!(text.contains("(Fiche   Respiration    ete ) Tj"), "{text}");
    }
}
