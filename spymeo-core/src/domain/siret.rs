//! SIRET numbers (14 digits: SIREN + NIC) with the Luhn key. The database only checks the
//! shape; the key is checked here (DOMAIN.md §1 Domains).

use rand::Rng;

/// La Poste's establishments share one SIREN and do not follow Luhn: INSEE checks that the
/// digit sum is a multiple of 5 instead.
const LA_POSTE_SIREN: &str = "356000000";

fn luhn_sum(digits: &[u8]) -> u32 {
    digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum()
}

fn digits(s: &str) -> Option<Vec<u8>> {
    s.bytes()
        .map(|b| b.is_ascii_digit().then(|| b - b'0'))
        .collect()
}

pub fn is_valid(siret: &str) -> bool {
    let Some(d) = digits(siret) else {
        return false;
    };
    if d.len() != 14 {
        return false;
    }
    if siret.starts_with(LA_POSTE_SIREN) && siret != "35600000000048" {
        return d
            .iter()
            .map(|&x| u32::from(x))
            .sum::<u32>()
            .is_multiple_of(5);
    }
    luhn_sum(&d).is_multiple_of(10)
}

/// Accepts spaces between groups ("123 456 789 00012") and returns the 14 digits.
pub fn normalize(input: &str) -> Option<String> {
    let s: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    is_valid(&s).then_some(s)
}

/// A random valid SIRET whose SIREN is Luhn-valid too (as real ones are).
pub fn generate<R: Rng + ?Sized>(rng: &mut R) -> String {
    let mut siren: Vec<u8> = (0..8).map(|_| rng.gen_range(0..10)).collect();
    siren[0] = rng.gen_range(1..10);
    siren.push(check_digit(&siren));
    let mut all = siren;
    all.extend([0, 0, 0]);
    all.push(rng.gen_range(1..10));
    all.push(check_digit(&all));
    let s: String = all.iter().map(|d| char::from(b'0' + d)).collect();
    debug_assert!(is_valid(&s));
    s
}

/// The digit that makes `prefix + digit` pass Luhn.
fn check_digit(prefix: &[u8]) -> u8 {
    let mut with = prefix.to_vec();
    with.push(0);
    let sum = luhn_sum(&with);
    ((10 - sum % 10) % 10) as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn known_numbers() {
        // INSEE's own SIRET and a textbook example.
        assert!(is_valid("12002701600357"));
        assert!(is_valid("73282932000074"));
        assert!(!is_valid("73282932000075"));
        assert!(!is_valid("7328293200007"));
        assert!(!is_valid("7328293200007a"));
        assert!(is_valid("35600000000048"));
        // La Poste: digit sum multiple of 5 (29 is not, 25 is).
        assert!(!is_valid("35600000012345"));
        assert!(is_valid("35600000012341"));
        assert_eq!(
            normalize("732 829 320 00074").as_deref(),
            Some("73282932000074")
        );
    }

    #[test]
    fn generated_numbers_are_valid() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(42);
        for _ in 0..500 {
            let s = generate(&mut rng);
            assert_eq!(s.len(), 14);
            assert!(is_valid(&s), "{s}");
            let siren: Vec<u8> = s[..9].bytes().map(|b| b - b'0').collect();
            assert_eq!(luhn_sum(&siren) % 10, 0);
        }
    }
}
