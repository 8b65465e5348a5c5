//! Opaque tokens (session cookies, reset and verification links): 32 random bytes from the
//! OS generator, sent base64url, stored only as a keyed hash so a database leak yields no
//! usable token.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::RngCore as _;
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

/// A new random token, base64url without padding (43 characters).
pub fn generate() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// HMAC-SHA256 of the token under `key`. Tokens that do not decode to 32 bytes get `None`,
/// so garbage never reaches the database.
pub fn keyed_hash(key: &SecretString, token: &str) -> Option<Vec<u8>> {
    let raw = URL_SAFE_NO_PAD.decode(token).ok()?;
    if raw.len() != 32 {
        return None;
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(key.expose_secret().as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(&raw);
    Some(mac.finalize().into_bytes().to_vec())
}

/// Constant-time equality, for comparing secrets outside the database.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq as _;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hash_per_key() {
        let a = generate();
        let b = generate();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        let k1 = SecretString::from("key-one".to_owned());
        let k2 = SecretString::from("key-two".to_owned());
        let h1 = keyed_hash(&k1, &a).unwrap();
        assert_eq!(h1.len(), 32);
        assert_eq!(keyed_hash(&k1, &a).unwrap(), h1);
        assert_ne!(keyed_hash(&k2, &a).unwrap(), h1);
        assert!(keyed_hash(&k1, "not-a-token").is_none());
        assert!(keyed_hash(&k1, "").is_none());
    }

    #[test]
    fn constant_time_eq_compares_content_and_length() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }
}
