//! Admin passwords: argon2id hashes as PHC strings, the rule a new password must meet,
//! and a decoy hash so an unknown username costs the same time as a wrong password.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::RngCore;

use super::AuthError;

/// Shortest password `admin add` accepts.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// A new argon2id hash (PHC string) of `password`, with a random salt.
pub fn hash_password(password: &str) -> Result<String, AuthError> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|cause| AuthError::Hash { cause })?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|cause| AuthError::Hash { cause })
}

/// Checks a password for `admin add`: long enough, and not just spaces.
pub fn check_new_password(password: &str) -> Result<(), AuthError> {
    if password.trim().chars().count() < MIN_PASSWORD_CHARS {
        return Err(AuthError::WeakPassword {
            min: MIN_PASSWORD_CHARS,
        });
    }
    Ok(())
}

/// Whether `password` matches the PHC string. A malformed hash (an admin without a
/// password) matches nothing, after as long as a real check takes, so an answer's time
/// does not tell which admins have a password.
pub fn verify_password(password: &str, phc: &str) -> bool {
    let check = |phc: &str| {
        PasswordHash::new(phc).is_ok_and(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
    };
    if PasswordHash::new(phc).is_err() {
        check(decoy_hash());
        return false;
    }
    check(phc)
}

/// A hash no password is known for: checked when the username is unknown, so an
/// unknown user costs the same time as a wrong password.
pub fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| {
        let mut random = [0u8; 32];
        rand::rng().fill_bytes(&mut random);
        hash_password(&hex::encode(random)).unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_as_argon2id_phc_and_verify() {
        let hash = hash_password("correct horse").unwrap_or_default();
        assert!(hash.starts_with("$argon2id$v=19$"), "{hash}");
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong horse", &hash));
        assert!(!verify_password("correct horse", "not a phc string"));
        assert_ne!(
            hash_password("correct horse").unwrap_or_default(),
            hash,
            "salted"
        );
        assert!(!verify_password("", decoy_hash()));
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("long enough!").is_ok());
    }
}
