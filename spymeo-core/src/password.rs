//! Password hashing: argon2id with the OWASP parameters (19 MiB, 2 passes, 1 lane). CPU-heavy:
//! async callers run these in `spawn_blocking`.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::{Error, Result};

fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`).
pub fn hash(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::validation(format!("hachage du mot de passe impossible: {e}")))
}

/// True when `password` matches `phc`. Without a stored hash (unknown account, invited user)
/// a dummy hash is checked anyway, so the time taken does not reveal whether the account
/// exists.
pub fn verify(password: &str, phc: Option<&str>) -> bool {
    const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c3B5bWVvLWR1bW15LXNhbHQ$4o0nKNTY6lZ9L5JEqbpfY6Sbl1Hm5S2v2E5kO2P1xWg";
    let (phc, real) = match phc {
        Some(p) => (p, true),
        None => (DUMMY, false),
    };
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let ok = argon2()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    ok && real
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_and_verify() {
        let h = hash("Spymeo-demo-2025").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("Spymeo-demo-2025", Some(&h)));
        assert!(!verify("spymeo-demo-2025", Some(&h)));
        assert!(!verify("Spymeo-demo-2025", None));
        assert!(!verify("x", Some("not a phc string")));
    }
}
