//! Public slugs (DOMAIN.md §1): lower-case, accents stripped, anything else → `-`, cut at a
//! `-` boundary to ≤ 72 characters so a `-2`, `-3`… suffix still fits the 80 of the domain.

use unicode_normalization::UnicodeNormalization as _;

pub const BASE_MAX: usize = 72;

pub fn slugify(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut dash = false;
    for c in name
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
    {
        let c = match c {
            'œ' | 'Œ' => {
                out.push_str(if dash && !out.is_empty() { "-oe" } else { "oe" });
                dash = false;
                continue;
            }
            'æ' | 'Æ' => {
                out.push_str(if dash && !out.is_empty() { "-ae" } else { "ae" });
                dash = false;
                continue;
            }
            c => c.to_ascii_lowercase(),
        };
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            out.push(c);
            dash = false;
        } else {
            dash = true;
        }
    }
    if out.len() > BASE_MAX {
        let cut = out[..=BASE_MAX].rfind('-').unwrap_or(BASE_MAX);
        out.truncate(cut);
    }
    if out.is_empty() { "profil".into() } else { out }
}

/// `base`, or `base-2`, `base-3`… : the first that `taken` does not report.
pub fn with_suffix(base: &str, taken: &[String]) -> String {
    if !taken.iter().any(|t| t == base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|s| !taken.contains(s))
        .expect("an unbounded range always has a free suffix")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_names() {
        assert_eq!(
            slugify("Claire Moreau – Naturopathe"),
            "claire-moreau-naturopathe"
        );
        assert_eq!(
            slugify("L'Herboristerie du Marché"),
            "l-herboristerie-du-marche"
        );
        assert_eq!(slugify("  Œuvre & Cœur  "), "oeuvre-coeur");
        assert_eq!(slugify("!!!"), "profil");
    }

    #[test]
    fn long_names_are_cut_at_a_dash() {
        let long = "institut bourguignon de naturopathie et de reflexologie appliquee aux soins du quotidien";
        let s = slugify(long);
        assert!(s.len() <= BASE_MAX, "{s}");
        assert!(!s.ends_with('-'));
        assert!(long.replace(' ', "-").starts_with(&s));
    }

    #[test]
    fn suffixes() {
        let taken = vec!["claire".to_owned(), "claire-2".to_owned()];
        assert_eq!(with_suffix("claire", &taken), "claire-3");
        assert_eq!(with_suffix("marc", &taken), "marc");
    }
}
