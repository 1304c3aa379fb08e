//! Node credentials: one-time enrollment codes (typed by a person) and node tokens
//! (kept by the node). Both are random secrets the hub stores only as SHA-256 hashes,
//! so a copy of the database lets no one enroll or sync as a node.

use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Crockford's base32 alphabet: no I, L, O or U, so a code read aloud or copied by
/// hand is hard to get wrong.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Characters in a code: 16 × 5 = 80 random bits.
const CODE_CHARS: usize = 16;

/// A new enrollment code, like `K7QX-M2PD-9TRA-WH4C`.
pub fn new_enroll_code() -> String {
    let mut bytes = [0u8; CODE_CHARS];
    rand::rng().fill_bytes(&mut bytes);
    let mut code = String::with_capacity(CODE_CHARS + 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            code.push('-');
        }
        code.push(char::from(ALPHABET[usize::from(*b & 31)]));
    }
    code
}

/// The canonical form of a typed code: case, dashes and spaces ignored, and the letters
/// people confuse with digits read as those digits. `None` if it cannot be a code.
pub fn normalize_code(input: &str) -> Option<String> {
    let mut out = String::with_capacity(CODE_CHARS);
    for c in input.chars() {
        let c = match c.to_ascii_uppercase() {
            '-' | ' ' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c if ALPHABET.contains(&(c as u8)) && c.is_ascii() => c,
            _ => return None,
        };
        out.push(c);
    }
    (out.len() == CODE_CHARS).then_some(out)
}

/// A new node token: 256 random bits, base64url without padding.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored form of a code (normalised first) or token: SHA-256, hex.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_look_right_and_normalise() {
        let code = new_enroll_code();
        assert_eq!(code.len(), 19);
        assert_eq!(code.matches('-').count(), 3);
        let canonical = normalize_code(&code);
        assert_eq!(canonical.as_deref().map(str::len), Some(16));
        assert_eq!(normalize_code(&code.to_lowercase()), canonical);
        assert_eq!(normalize_code(&code.replace('-', " ")), canonical);
        assert_ne!(new_enroll_code(), code, "codes are random");
    }

    #[test]
    fn confusable_letters_read_as_digits() {
        assert_eq!(
            normalize_code("oooo-iiii-llll-0000").as_deref(),
            Some("0000111111110000")
        );
        assert_eq!(normalize_code("UUUU-UUUU-UUUU-UUUU"), None);
        assert_eq!(normalize_code("short"), None);
        assert_eq!(normalize_code("ÄÄÄÄ-0000-0000-0000"), None);
    }

    #[test]
    fn tokens_are_256_bit_base64url() {
        let token = new_token();
        assert_eq!(token.len(), 43);
        assert!(
            token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_eq!(hash_secret(&token).len(), 64);
        assert_ne!(hash_secret(&token), hash_secret(&new_token()));
    }
}
