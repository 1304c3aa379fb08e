//! Data at rest: the node's store and every patient file in its data dir are unreadable
//! without the store key, which never sits in the data dir.
//!
//! - [`key`]: one random 256-bit key per store, in the OS keyring ([`keyring`], the
//!   `dermis-keyring` crate) when there is one, else in a 0600 key file under the user's config dir
//!   (`$XDG_CONFIG_HOME/dermis/keys/<store-id>.key`), or in `DERMIS_NODE_KEY_FILE`.
//! - [`seal`]: photo originals, thumbnails and cached views as an AEAD stream
//!   (ChaCha20-Poly1305, 64 KiB segments) under a key derived from the store key.
//! - [`perms`]: the data dir 0700 and its files 0600, mended on open for an old dir.
//! - [`upgrade`]: a plain store and plain photo files from an earlier version are
//!   encrypted in place on first open, crash-safe.
//!
//! The store itself is SQLCipher (`store::Store` keys every connection).

pub mod key;
pub mod perms;
pub mod seal;
pub mod upgrade;

pub use dermis_keyring as keyring;
pub use key::{KeyError, StoreKey};
