//! The store key in the OS keyring, where one answers:
//! - Linux: the freedesktop Secret Service over D-Bus (GNOME Keyring, KWallet,
//!   KeePassXC), through `oo7`. One item per store, labelled `Dermis store key <store
//!   id>` with the attributes `application = dermis-node` and `dermis-store-id = <store
//!   id>`.
//! - macOS: the login Keychain, a generic password of service `dermis-node` and account
//!   `<store id>`; Windows: the Credential Manager, a generic credential of target
//!   `<store id>.dermis-node` (both through the `keyring` crate).
//!
//! The secret is the key as 64 hex digits. The keyring is a place the key may live,
//! never a requirement: with no keyring, a locked one, or no answer within [`TIMEOUT`]
//! (a Keychain waiting for someone to allow access, a session bus starting a daemon),
//! the caller keeps the key in its file instead (the node's `atrest::key`).
//! `DERMIS_NODE_KEYRING=off` turns it off (scripts, the development nodes, tests that
//! must not touch a developer's keyring). Other systems have no keyring here: the key
//! file is used.
//!
//! A crate of its own so the macOS and Windows code compiles on any machine
//! (`make check-keyring`); the Linux code is tested against a real GNOME Keyring
//! (`node/tests/keyring.rs`).

use std::time::Duration;

/// Set to `off` to keep store keys in files only.
pub const KEYRING_ENV: &str = "DERMIS_NODE_KEYRING";

/// How long a keyring may take to answer before the key file is used instead.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// Why the keyring was not used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyringError {
    #[error("the OS keyring is turned off ({KEYRING_ENV}=off)")]
    Off,
    #[error("the OS keyring is not available: {reason}")]
    Unavailable { reason: String },
    #[error("the OS keyring did not answer within {} s", TIMEOUT.as_secs())]
    Timeout,
    #[error("the OS keyring's item for this store is damaged (it must hold 64 hex digits)")]
    Damaged,
}

/// Whether the keyring may be tried at all.
pub fn enabled() -> bool {
    !std::env::var(KEYRING_ENV).is_ok_and(|v| v.trim().eq_ignore_ascii_case("off"))
}

/// A keyring's own error, as the reason it could not be used.
fn unavailable(e: impl std::fmt::Display) -> KeyringError {
    KeyringError::Unavailable {
        reason: e.to_string(),
    }
}

fn label(store_id: &str) -> String {
    format!("Dermis store key {store_id}")
}

fn parse(secret: &[u8]) -> Result<[u8; 32], KeyringError> {
    let text = std::str::from_utf8(secret).map_err(|_| KeyringError::Damaged)?;
    let bytes = hex::decode(text.trim()).map_err(|_| KeyringError::Damaged)?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| KeyringError::Damaged)
}

/// The key kept in the keyring for `store_id`, if there is one.
pub fn read(store_id: &str) -> Result<Option<[u8; 32]>, KeyringError> {
    if !enabled() {
        return Err(KeyringError::Off);
    }
    match backend::read(store_id)? {
        Some(secret) => parse(&secret).map(Some),
        None => Ok(None),
    }
}

/// Keeps `key` for `store_id` in the keyring, then reads it back: `Ok` only once the
/// keyring holds exactly this key.
pub fn write(store_id: &str, key: &[u8; 32]) -> Result<(), KeyringError> {
    if !enabled() {
        return Err(KeyringError::Off);
    }
    backend::write(store_id, &label(store_id), hex::encode(key).as_bytes())?;
    match read(store_id)? {
        Some(kept) if kept == *key => Ok(()),
        _ => Err(KeyringError::Unavailable {
            reason: "the key did not read back as written".into(),
        }),
    }
}

#[cfg(target_os = "linux")]
mod backend {
    use std::future::Future;

    use super::{KeyringError, TIMEOUT, unavailable};

    fn attributes(store_id: &str) -> [(&'static str, &str); 2] {
        [
            ("application", "dermis-node"),
            ("dermis-store-id", store_id),
        ]
    }

    /// Runs `work` on this thread, giving up after [`TIMEOUT`] (a session bus that
    /// starts a keyring daemon on demand may otherwise keep a command waiting).
    fn bounded<T>(work: impl Future<Output = Result<T, KeyringError>>) -> Result<T, KeyringError> {
        if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none()
            && std::env::var_os("XDG_RUNTIME_DIR").is_none()
        {
            return Err(KeyringError::Unavailable {
                reason: "no D-Bus session bus".into(),
            });
        }
        async_io::block_on(futures_lite::future::or(work, async {
            async_io::Timer::after(TIMEOUT).await;
            Err(KeyringError::Timeout)
        }))
    }

    async fn collection() -> Result<oo7::dbus::Collection, KeyringError> {
        let service = oo7::dbus::Service::new().await.map_err(unavailable)?;
        let collection = service.default_collection().await.map_err(unavailable)?;
        if collection.is_locked().await.map_err(unavailable)? {
            return Err(KeyringError::Unavailable {
                reason: "the default collection is locked".into(),
            });
        }
        Ok(collection)
    }

    pub fn read(store_id: &str) -> Result<Option<Vec<u8>>, KeyringError> {
        bounded(async {
            let collection = collection().await?;
            let items = collection
                .search_items(&attributes(store_id))
                .await
                .map_err(unavailable)?;
            match items.first() {
                Some(item) => {
                    let secret = item.secret().await.map_err(unavailable)?;
                    Ok(Some(secret.as_bytes().to_vec()))
                }
                None => Ok(None),
            }
        })
    }

    pub fn write(store_id: &str, label: &str, secret: &[u8]) -> Result<(), KeyringError> {
        bounded(async {
            let collection = collection().await?;
            collection
                .create_item(label, &attributes(store_id), secret, true, None)
                .await
                .map_err(unavailable)?;
            Ok(())
        })
    }
}

#[cfg(any(target_os = "macos", windows))]
mod backend {
    use std::sync::mpsc;

    use super::{KeyringError, TIMEOUT, unavailable};

    const SERVICE: &str = "dermis-node";

    /// Runs `work` on a thread of its own and waits at most [`TIMEOUT`] for it: the
    /// Keychain may hold a call while it asks someone to allow access, and a command
    /// must not hang on it (the thread is left to finish on its own).
    fn bounded<T: Send + 'static>(
        work: impl FnOnce() -> Result<T, KeyringError> + Send + 'static,
    ) -> Result<T, KeyringError> {
        let (tx, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("keyring".into())
            .spawn(move || {
                let _ = tx.send(work());
            })
            .map_err(unavailable)?;
        rx.recv_timeout(TIMEOUT).map_err(|e| match e {
            mpsc::RecvTimeoutError::Timeout => KeyringError::Timeout,
            mpsc::RecvTimeoutError::Disconnected => KeyringError::Unavailable {
                reason: "the keyring call failed".into(),
            },
        })?
    }

    fn entry(store_id: &str) -> Result<keyring::Entry, KeyringError> {
        keyring::Entry::new(SERVICE, store_id).map_err(unavailable)
    }

    pub fn read(store_id: &str) -> Result<Option<Vec<u8>>, KeyringError> {
        let store_id = store_id.to_owned();
        bounded(move || match entry(&store_id)?.get_secret() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(unavailable(e)),
        })
    }

    pub fn write(store_id: &str, _label: &str, secret: &[u8]) -> Result<(), KeyringError> {
        let (store_id, secret) = (store_id.to_owned(), secret.to_vec());
        bounded(move || entry(&store_id)?.set_secret(&secret).map_err(unavailable))
    }
}

#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
mod backend {
    use super::{KeyringError, unavailable};

    fn not_built() -> KeyringError {
        unavailable("this build has no keyring support on this system")
    }

    pub fn read(_: &str) -> Result<Option<Vec<u8>>, KeyringError> {
        Err(not_built())
    }

    pub fn write(_: &str, _: &str, _: &[u8]) -> Result<(), KeyringError> {
        Err(not_built())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_secret_must_be_a_whole_key() {
        assert_eq!(parse(hex::encode([7u8; 32]).as_bytes()), Ok([7u8; 32]));
        assert_eq!(parse(b"not hex"), Err(KeyringError::Damaged));
        assert_eq!(
            parse(hex::encode([7u8; 16]).as_bytes()),
            Err(KeyringError::Damaged)
        );
        assert_eq!(parse(&[0xff, 0xfe]), Err(KeyringError::Damaged));
    }
}
