//! Secrets the hub must read back (each clinic's Calendly signing key), sealed at rest.
//!
//! A secret that only needs checking is stored hashed (node tokens, passwords); one the
//! hub must use again is sealed with AES-256-GCM under the hub's secret key
//! (`HUB_SECRET_KEY` or `HUB_SECRET_KEY_FILE`, 32 bytes as 64 hex digits or base64),
//! with what it is and whose it is (the purpose and the clinic id) as associated data:
//! a sealed value copied into another clinic's row does not open. A copy of the
//! database alone (a dump, a backup, a stolen disk of the database server) does not
//! reveal the keys.
//!
//! Without `HUB_SECRET_KEY`, the embedded store keeps a key it generates in
//! `secret.key` beside `hub.db` (mode 0600): that protects a copy of `hub.db` alone,
//! not a copy of the whole data directory. With Postgres the key must be set, since
//! every hub instance needs the same one.

use std::path::{Path, PathBuf};

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use base64::Engine;

/// The sealed format's version byte.
const VERSION: u8 = 1;

/// The file the embedded store's generated key is kept in, inside the data dir.
pub const KEY_FILE: &str = "secret.key";

#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error("HUB_SECRET_KEY must be 32 bytes written as 64 hex digits or as base64")]
    BadKey,
    #[error(
        "no HUB_SECRET_KEY: with Postgres (DATABASE_URL) every hub instance must share one; generate it with `openssl rand -hex 32` and set HUB_SECRET_KEY or HUB_SECRET_KEY_FILE"
    )]
    NoKey,
    #[error("reading or writing the hub's secret key file {path}")]
    KeyFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "a sealed secret does not open with this hub's secret key (HUB_SECRET_KEY changed, or secret.key was replaced): set the key again"
    )]
    Unopenable,
    #[error("the system's random number generator failed")]
    Random,
}

/// The hub's secret key. Its `Debug` shows nothing of it.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey([u8; 32]);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

impl SecretKey {
    /// 64 hex digits or base64 (standard or URL-safe, padded or not) of 32 bytes.
    pub fn parse(text: &str) -> Result<SecretKey, SecretsError> {
        let text = text.trim();
        let bytes = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            hex::decode(text).ok()
        } else {
            let engines = [
                base64::engine::general_purpose::STANDARD,
                base64::engine::general_purpose::STANDARD_NO_PAD,
                base64::engine::general_purpose::URL_SAFE,
                base64::engine::general_purpose::URL_SAFE_NO_PAD,
            ];
            engines.iter().find_map(|e| e.decode(text).ok())
        };
        bytes
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .map(SecretKey)
            .ok_or(SecretsError::BadKey)
    }

    /// A new random key.
    pub fn generate() -> Result<SecretKey, SecretsError> {
        let mut key = [0u8; 32];
        aws_lc_rs::rand::fill(&mut key).map_err(|_| SecretsError::Random)?;
        Ok(SecretKey(key))
    }

    fn aead(&self) -> Result<LessSafeKey, SecretsError> {
        UnboundKey::new(&AES_256_GCM, &self.0)
            .map(LessSafeKey::new)
            .map_err(|_| SecretsError::BadKey)
    }

    /// Seals `plaintext` for `purpose` and `owner` (e.g. "calendly", a clinic id).
    pub fn seal(
        &self,
        purpose: &str,
        owner: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, SecretsError> {
        let mut nonce = [0u8; NONCE_LEN];
        aws_lc_rs::rand::fill(&mut nonce).map_err(|_| SecretsError::Random)?;
        let mut body = plaintext.to_vec();
        self.aead()?
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(associated(purpose, owner)),
                &mut body,
            )
            .map_err(|_| SecretsError::Random)?;
        let mut out = Vec::with_capacity(1 + NONCE_LEN + body.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&body);
        Ok(out)
    }

    /// Opens what [`SecretKey::seal`] made for the same purpose and owner.
    pub fn open(
        &self,
        purpose: &str,
        owner: &[u8],
        sealed: &[u8],
    ) -> Result<Vec<u8>, SecretsError> {
        let (&version, rest) = sealed.split_first().ok_or(SecretsError::Unopenable)?;
        if version != VERSION || rest.len() < NONCE_LEN {
            return Err(SecretsError::Unopenable);
        }
        let (nonce, body) = rest.split_at(NONCE_LEN);
        let nonce =
            Nonce::try_assume_unique_for_key(nonce).map_err(|_| SecretsError::Unopenable)?;
        let mut body = body.to_vec();
        let plain = self
            .aead()?
            .open_in_place(nonce, Aad::from(associated(purpose, owner)), &mut body)
            .map_err(|_| SecretsError::Unopenable)?;
        Ok(plain.to_vec())
    }
}

fn associated(purpose: &str, owner: &[u8]) -> Vec<u8> {
    let mut aad = b"dermis-hub secret v1\0".to_vec();
    aad.extend_from_slice(purpose.as_bytes());
    aad.push(0);
    aad.extend_from_slice(owner);
    aad
}

/// The key file of the embedded store.
pub fn key_file(data_dir: &Path) -> PathBuf {
    data_dir.join(KEY_FILE)
}

/// The key to seal with: `HUB_SECRET_KEY`; else, for the embedded store, the key in
/// `secret.key` (made now when `create` and missing). `Ok(None)`: there is none (yet).
pub fn hub_key(
    configured: Option<&str>,
    embedded_data_dir: Option<&Path>,
    create: bool,
) -> Result<Option<SecretKey>, SecretsError> {
    if let Some(text) = configured {
        return SecretKey::parse(text).map(Some);
    }
    let Some(dir) = embedded_data_dir else {
        return if create {
            Err(SecretsError::NoKey)
        } else {
            Ok(None)
        };
    };
    let path = key_file(dir);
    let io = |source| SecretsError::KeyFile {
        path: path.clone(),
        source,
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => SecretKey::parse(&text).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {
            let key = SecretKey::generate()?;
            write_private(&path, &format!("{}\n", hex::encode(key.0))).map_err(io)?;
            tracing::warn!(
                path = %path.display(),
                "generated the hub's secret key; keep it with the data dir's backups, or set HUB_SECRET_KEY"
            );
            Ok(Some(key))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io(e)),
    }
}

/// Creates `path` readable by its owner only, failing if it exists.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_only_for_its_owner_and_key() {
        let key = SecretKey::generate().unwrap_or_else(|e| panic!("{e}"));
        let sealed = key
            .seal("calendly", b"clinic-a", b"signing key")
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!sealed.windows(11).any(|w| w == b"signing key"));
        assert_eq!(
            key.open("calendly", b"clinic-a", &sealed).ok(),
            Some(b"signing key".to_vec())
        );
        assert!(key.open("calendly", b"clinic-b", &sealed).is_err());
        assert!(key.open("webhook", b"clinic-a", &sealed).is_err());
        let other = SecretKey::generate().unwrap_or_else(|e| panic!("{e}"));
        assert!(other.open("calendly", b"clinic-a", &sealed).is_err());
        let mut flipped = sealed.clone();
        if let Some(last) = flipped.last_mut() {
            *last ^= 1;
        }
        assert!(key.open("calendly", b"clinic-a", &flipped).is_err());
        assert!(key.open("calendly", b"clinic-a", &[]).is_err());
        assert!(key.open("calendly", b"clinic-a", &sealed[..5]).is_err());
        let again = key
            .seal("calendly", b"clinic-a", b"signing key")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_ne!(sealed, again, "a fresh nonce each time");
        assert_eq!(format!("{key:?}"), "SecretKey(<redacted>)");
    }

    #[test]
    fn keys_are_hex_or_base64_of_32_bytes() {
        let hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        let from_hex = SecretKey::parse(hex).unwrap_or_else(|e| panic!("{e}"));
        let b64 = base64::engine::general_purpose::STANDARD.encode(from_hex.0);
        assert_eq!(SecretKey::parse(&b64).ok(), Some(from_hex));
        for bad in [
            "",
            "short",
            &hex[..62],
            "zz112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
        ] {
            assert!(SecretKey::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_embedded_key_file_is_made_once_and_private() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(hub_key(None, Some(dir.path()), false).ok(), Some(None));
        let made = hub_key(None, Some(dir.path()), true).unwrap_or_else(|e| panic!("{e}"));
        let again = hub_key(None, Some(dir.path()), true).unwrap_or_else(|e| panic!("{e}"));
        assert!(made.is_some());
        assert_eq!(made, again);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(key_file(dir.path()))
                .map(|m| m.permissions().mode() & 0o777)
                .unwrap_or(0);
            assert_eq!(mode, 0o600);
        }
        assert!(matches!(
            hub_key(None, None, true),
            Err(SecretsError::NoKey)
        ));
        assert_eq!(hub_key(None, None, false).ok(), Some(None));
    }
}
