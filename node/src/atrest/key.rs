//! The store key. One random 256-bit key per store (several nodes run on one machine in
//! development and tests, so a key is never per user). A small non-secret random store
//! id in the data dir (`store-id`) names the key, which lives outside the data dir, so a
//! copied data dir is useless without it:
//! - in the OS keyring ([`super::keyring`]) when one answers, as Signal Desktop and
//!   1Password keep theirs;
//! - else in the key file `$XDG_CONFIG_HOME/dermis/keys/<store-id>.key` (dir 0700, file
//!   0600);
//! - or, when `DERMIS_NODE_KEY_FILE` is set, in the file it names (tests, a key kept on
//!   other storage), never in the keyring.
//!
//! A key file, where there is one, is read first: a store keyed before the keyring was
//! used keeps its file.
//!
//! A key is only ever created for a data dir that holds no encrypted store: a missing key
//! for an existing store is an error, never a fresh key.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The environment variable naming the key file explicitly.
pub const KEY_FILE_ENV: &str = "DERMIS_NODE_KEY_FILE";
/// The non-secret file in the data dir that names the store's key.
pub const STORE_ID_FILE: &str = "store-id";

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "the key for this data dir is missing (looked in {looked_in}); without it the store cannot be read"
    )]
    Missing { looked_in: String },
    #[error("the key file {path} is damaged (it must hold 64 hex digits)")]
    Damaged { path: PathBuf },
    #[error("the store id file {path} is damaged")]
    BadStoreId { path: PathBuf },
    #[error("cannot read or write {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("no config directory to keep the store key in; set {KEY_FILE_ENV}")]
    NoConfigDir,
    #[error("{path} already holds another store's key; nothing was overwritten")]
    Taken { path: PathBuf },
    #[error(transparent)]
    Keyring(super::keyring::KeyringError),
    #[error(
        "the OS keyring already holds another key for store {store_id}; nothing was overwritten"
    )]
    KeyringTaken { store_id: String },
}

/// Where a store's key is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyHome {
    File(PathBuf),
    Keyring,
}

impl std::fmt::Display for KeyHome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyHome::File(path) => write!(f, "{}", path.display()),
            KeyHome::Keyring => f.write_str("the OS keyring"),
        }
    }
}

/// A 256-bit store key. Its `Debug` never shows the key.
#[derive(Clone)]
pub struct StoreKey([u8; 32]);

impl std::fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreKey(..)")
    }
}

impl StoreKey {
    pub fn random() -> StoreKey {
        StoreKey(rand::random())
    }

    pub fn from_bytes(bytes: [u8; 32]) -> StoreKey {
        StoreKey(bytes)
    }

    /// SQLCipher's raw-key form, `x'<64 hex>'` (no PBKDF2 at open: the key is random).
    pub fn sqlcipher_literal(&self) -> String {
        format!("x'{}'", hex::encode(self.0))
    }

    /// A key for one purpose, derived by HKDF-SHA256 from the store key.
    pub fn derive(&self, salt: &[u8], label: &[u8]) -> [u8; 32] {
        use aws_lc_rs::hkdf::{HKDF_SHA256, Salt};
        let mut out = [0u8; 32];
        let info = [label];
        // A 32-byte output of HKDF-SHA256 never fails to expand or fill.
        if let Ok(okm) = Salt::new(HKDF_SHA256, salt)
            .extract(&self.0)
            .expand(&info, HKDF_SHA256)
        {
            let _ = okm.fill(&mut out);
        }
        out
    }
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> KeyError + '_ {
    move |source| KeyError::Io {
        path: path.to_owned(),
        source,
    }
}

/// The store id of `data_dir`, if it has one.
fn store_id(data_dir: &Path) -> Result<Option<String>, KeyError> {
    let path = data_dir.join(STORE_ID_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let id = text.trim();
            if id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
                Ok(Some(id.to_ascii_lowercase()))
            } else {
                Err(KeyError::BadStoreId { path })
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_err(&path)(e)),
    }
}

fn keys_dir() -> Result<PathBuf, KeyError> {
    let base = directories::BaseDirs::new().ok_or(KeyError::NoConfigDir)?;
    Ok(base.config_dir().join("dermis").join("keys"))
}

/// Where the key of `data_dir` is (or would be) kept. `None`: the data dir has no store
/// id, so no key file can be named.
pub fn key_path(data_dir: &Path) -> Result<Option<PathBuf>, KeyError> {
    if let Some(explicit) = std::env::var_os(KEY_FILE_ENV).filter(|v| !v.is_empty()) {
        return Ok(Some(PathBuf::from(explicit)));
    }
    Ok(match store_id(data_dir)? {
        Some(id) => Some(keys_dir()?.join(format!("{id}.key"))),
        None => None,
    })
}

fn read_key(path: &Path) -> Result<Option<StoreKey>, KeyError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_err(path)(e)),
    };
    let bytes = hex::decode(text.trim()).map_err(|_| KeyError::Damaged {
        path: path.to_owned(),
    })?;
    let bytes = <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| KeyError::Damaged {
        path: path.to_owned(),
    })?;
    Ok(Some(StoreKey(bytes)))
}

fn explicit_file() -> bool {
    std::env::var_os(KEY_FILE_ENV).is_some_and(|v| !v.is_empty())
}

/// The store id the keyring may keep this data dir's key under: none when
/// `DERMIS_NODE_KEY_FILE` names the key file, or before the data dir has a store id.
fn keyring_id(data_dir: &Path) -> Result<Option<String>, KeyError> {
    if explicit_file() {
        return Ok(None);
    }
    store_id(data_dir)
}

/// The key the keyring keeps for the store `id`: `Ok(None)` when it keeps none, or when
/// it is off or cannot be reached (`why` then says so, for the missing-key message).
fn from_keyring(id: &str, why: &mut Option<String>) -> Result<Option<StoreKey>, KeyError> {
    use super::keyring::{self, KeyringError};
    match keyring::read(id) {
        Ok(found) => Ok(found.map(StoreKey)),
        Err(KeyringError::Damaged) => Err(KeyError::Keyring(KeyringError::Damaged)),
        Err(other) => {
            *why = Some(other.to_string());
            Ok(None)
        }
    }
}

/// The key of an existing encrypted store. Missing: an error naming where it looked.
pub fn load(data_dir: &Path) -> Result<StoreKey, KeyError> {
    let path = key_path(data_dir)?;
    if let Some(path) = &path
        && let Some(key) = read_key(path)?
    {
        return Ok(key);
    }
    let mut looked = vec![match &path {
        Some(p) => p.display().to_string(),
        None => format!(
            "{} (no {STORE_ID_FILE} in {}) and {KEY_FILE_ENV}",
            keys_dir()
                .map(|d| d.display().to_string())
                .unwrap_or_else(|_| "the config dir".into()),
            data_dir.display()
        ),
    }];
    if let Some(id) = keyring_id(data_dir)? {
        let mut why = None;
        if let Some(key) = from_keyring(&id, &mut why)? {
            return Ok(key);
        }
        looked.push(match why {
            Some(why) => format!("the OS keyring ({why})"),
            None => "the OS keyring".into(),
        });
    }
    Err(KeyError::Missing {
        looked_in: looked.join(" and "),
    })
}

/// Where the key of `data_dir` is kept now, if anywhere (for `status`).
pub fn home(data_dir: &Path) -> Result<Option<KeyHome>, KeyError> {
    let Some(path) = key_path(data_dir)? else {
        return Ok(None);
    };
    if read_key(&path)?.is_some() {
        return Ok(Some(KeyHome::File(path)));
    }
    if let Some(id) = keyring_id(data_dir)?
        && from_keyring(&id, &mut None)?.is_some()
    {
        return Ok(Some(KeyHome::Keyring));
    }
    Ok(None)
}

/// Keeps a new `key`: in the keyring under `keyring_id` when there is one and the
/// keyring takes it (and reads it back), else in the key file at `path`.
fn keep_new(keyring_id: Option<&str>, path: &Path, key: &StoreKey) -> Result<KeyHome, KeyError> {
    if let Some(id) = keyring_id {
        match super::keyring::write(id, &key.0) {
            Ok(()) => return Ok(KeyHome::Keyring),
            Err(why) => tracing::info!(reason = %why, "the store key is kept in a file"),
        }
    }
    if let Some(dir) = path.parent() {
        super::perms::create_private_dir(dir).map_err(io_err(dir))?;
    }
    write_new(path, format!("{}\n", hex::encode(key.0)).as_bytes())?;
    Ok(KeyHome::File(path.to_owned()))
}

/// The key for a data dir whose store is new or still plain: the existing key if there
/// is one, else a new random key, kept (and on disk or in the keyring) before this
/// returns, so nothing is ever encrypted under a key that is not kept.
pub fn load_or_create(data_dir: &Path) -> Result<StoreKey, KeyError> {
    if store_id(data_dir)?.is_none() {
        let path = data_dir.join(STORE_ID_FILE);
        let id = hex::encode(rand::random::<[u8; 16]>());
        write_new(&path, format!("{id}\n").as_bytes())?;
    }
    let path = key_path(data_dir)?.ok_or(KeyError::NoConfigDir)?;
    if let Some(key) = read_key(&path)? {
        return Ok(key);
    }
    let id = keyring_id(data_dir)?;
    if let Some(id) = &id
        && let Some(key) = from_keyring(id, &mut None)?
    {
        return Ok(key);
    }
    let key = StoreKey::random();
    keep_new(id.as_deref(), &path, &key)?;
    Ok(key)
}

/// Keeps `key` for `data_dir` (a restored store) where [`load`] will find it, unless the
/// same key is there already; a different key there is an error, and nothing is
/// overwritten.
pub fn install(data_dir: &Path, key: &StoreKey) -> Result<KeyHome, KeyError> {
    let path = key_path(data_dir)?.ok_or(KeyError::NoConfigDir)?;
    match read_key(&path)? {
        Some(existing) if existing.0 == key.0 => return Ok(KeyHome::File(path)),
        Some(_) => return Err(KeyError::Taken { path }),
        None => {}
    }
    let id = keyring_id(data_dir)?;
    if let Some(id) = &id {
        match from_keyring(id, &mut None)? {
            Some(existing) if existing.0 == key.0 => return Ok(KeyHome::Keyring),
            Some(_) => {
                return Err(KeyError::KeyringTaken {
                    store_id: id.clone(),
                });
            }
            None => {}
        }
    }
    keep_new(id.as_deref(), &path, key)
}

/// The key as hex (for a backup, which carries it sealed under its passphrase).
pub fn to_hex(key: &StoreKey) -> String {
    hex::encode(key.0)
}

/// A key from [`to_hex`].
pub fn from_hex(text: &str) -> Option<StoreKey> {
    let bytes = hex::decode(text.trim()).ok()?;
    <[u8; 32]>::try_from(bytes.as_slice()).ok().map(StoreKey)
}

/// Writes a new 0600 file whole and durable: temporary name, fsync, rename, fsync dir.
fn write_new(path: &Path, bytes: &[u8]) -> Result<(), KeyError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        hex::encode(rand::random::<[u8; 8]>())
    ));
    let result = (|| {
        let mut file = super::perms::create_private_file(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, path)?;
        super::perms::sync_dir(dir)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io_err(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_key() {
        let key = StoreKey::from_bytes([0xab; 32]);
        assert_eq!(format!("{key:?}"), "StoreKey(..)");
        assert!(key.sqlcipher_literal().starts_with("x'abab"));
    }

    #[test]
    fn derived_keys_differ_by_label_and_salt() {
        let key = StoreKey::from_bytes([1; 32]);
        let a = key.derive(b"s", b"files");
        assert_ne!(a, key.derive(b"s", b"other"));
        assert_ne!(a, key.derive(b"t", b"files"));
        assert_eq!(a, key.derive(b"s", b"files"));
        assert_ne!(a, [0u8; 32]);
    }
}
