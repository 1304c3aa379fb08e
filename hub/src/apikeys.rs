//! API keys for `/api/v1` and `/fhir/r4`: making a secret (`dmk_` and 256 random bits,
//! base64url) and the hash the store keeps of it; `dermis-hub apikey add|list|revoke` is
//! [`crate::cli`]'s. The store's side is [`crate::store::api_keys`]; checking a request's key is
//! [`crate::principal::api_caller`].

use base64::Engine;
use rand::RngCore;

/// What every key starts with, so a leaked one is recognisable (secret scanners) and a
/// bearer token is told apart from an admin's JWT without a lookup.
pub const PREFIX: &str = "dmk_";

/// Random bytes in a key: 256 bits.
const SECRET_BYTES: usize = 32;

/// The longest bearer value taken for a key; anything longer is refused unhashed.
pub const MAX_KEY_CHARS: usize = 100;

/// A new key's secret: `dmk_` and 43 base64url characters.
pub fn new_secret() -> String {
    let mut bytes = [0u8; SECRET_BYTES];
    rand::rng().fill_bytes(&mut bytes);
    format!(
        "{PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// What the store keeps of a key: its SHA-256, hex (a key has 256 random bits, so a
/// slow hash would add nothing but cost per request).
pub fn hash(secret: &str) -> String {
    crate::credentials::hash_secret(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_carry_256_random_bits_and_differ() {
        let a = new_secret();
        let b = new_secret();
        assert!(a.starts_with(PREFIX));
        let body = &a[PREFIX.len()..];
        let decoded = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(body)
            .unwrap_or_default();
        assert_eq!(decoded.len(), 32);
        assert_ne!(a, b);
        assert_ne!(hash(&a), hash(&b));
        assert!(!hash(&a).contains(body));
    }
}
