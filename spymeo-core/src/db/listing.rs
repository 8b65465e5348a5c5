//! Offset pagination of list endpoints (DOMAIN.md §6.1: `?page=1&limit=20`, `limit` ≤ 100,
//! `{"items", "page", "limit", "total"}`) and the LIKE escaping of search terms.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub page: i64,
    pub limit: i64,
}

impl Paging {
    /// Clamps what the client asked for: page ≥ 1, 1 ≤ limit ≤ 100 (default 20).
    pub fn new(page: Option<i64>, limit: Option<i64>) -> Self {
        Paging {
            page: page.unwrap_or(1).max(1),
            limit: limit.unwrap_or(20).clamp(1, 100),
        }
    }

    /// Saturates: `?page=9223372036854775807` is an empty page, not an overflow panic.
    pub fn offset(self) -> i64 {
        (self.page - 1).saturating_mul(self.limit)
    }
}

impl Default for Paging {
    fn default() -> Self {
        Paging::new(None, None)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: i64,
    pub limit: i64,
    pub total: i64,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, paging: Paging, total: i64) -> Self {
        Page {
            items,
            page: paging.page,
            limit: paging.limit,
            total,
        }
    }

    /// Number of pages (at least 1), for page links.
    pub fn pages(&self) -> i64 {
        ((self.total + self.limit - 1) / self.limit).max(1)
    }
}

/// `%term%` for ILIKE with the term's own `%`, `_` and `\` taken literally; `None` for a blank
/// search.
pub fn like_pattern(q: Option<&str>) -> Option<String> {
    let q = q.map(str::trim).filter(|q| !q.is_empty())?;
    let mut out = String::from("%");
    for c in q.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_is_clamped() {
        assert_eq!(
            Paging::new(Some(0), Some(1000)),
            Paging {
                page: 1,
                limit: 100
            }
        );
        assert_eq!(Paging::new(Some(3), Some(10)).offset(), 20);
        assert_eq!(
            Page::new(Vec::<()>::new(), Paging::new(None, Some(10)), 21).pages(),
            3
        );
    }

    #[test]
    fn like_escapes_wildcards() {
        assert_eq!(
            like_pattern(Some(" 50%_off ")).as_deref(),
            Some("%50\\%\\_off%")
        );
        assert_eq!(like_pattern(Some("  ")), None);
    }
}
