//! HTTPS and WSS on the hub's own port (`HUB_TLS_CERT`, `HUB_TLS_KEY`), with rustls.
//!
//! [`CertStore`] holds the certificate chain and key the handshakes use and swaps them
//! when the files change: on SIGHUP at once, and when a periodic look at the files
//! (`HUB_TLS_RELOAD_SECONDS`) sees them changed, so a renewal by certbot, acme.sh or a
//! mounted secret is picked up without a restart. A renewal that does not load (a
//! half-written file, a key that does not match) is logged and the previous pair stays
//! in use: a bad file never takes the hub off the air.
//!
//! [`TlsListener`] wraps any [`axum::serve::Listener`] whose streams are byte streams:
//! the inner listener accepts, and each TLS handshake runs in a task of its own under a
//! time limit, so a client that stalls its handshake holds nothing but its own task. A
//! wrapper on the inner listener (a connection cap) therefore counts connections before
//! any TLS work, and the server's tower layers see plain requests either way.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use axum::serve::Listener;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

pub use crate::settings::TlsFiles;

/// How long a client may take to complete its TLS handshake.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a certificate or key could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("reading {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)")]
    NoCertificate { path: PathBuf },
    #[error("{path} holds no PEM private key (PKCS#8, PKCS#1 or SEC1)")]
    NoKey { path: PathBuf },
    #[error("the certificate {cert} and the key {key} cannot be used together")]
    Unusable {
        cert: PathBuf,
        key: PathBuf,
        #[source]
        source: rustls::Error,
    },
    #[error("setting up TLS")]
    Setup {
        #[source]
        source: rustls::Error,
    },
}

/// The crypto provider of the hub's and the node's TLS: aws-lc-rs, as reqwest and the
/// AWS SDK use (named explicitly: with more than one provider built in, rustls has no
/// process default).
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

fn read(path: &Path) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::Read {
        path: path.to_owned(),
        source,
    })
}

/// What the files hold now, to notice a change without parsing them.
fn fingerprint(files: &TlsFiles) -> Result<[u8; 32], TlsError> {
    let mut hash = Sha256::new();
    hash.update(read(&files.cert)?);
    hash.update([0]);
    hash.update(read(&files.key)?);
    Ok(hash.finalize().into())
}

/// Loads and checks a certificate chain and its key.
pub fn load(files: &TlsFiles, provider: &CryptoProvider) -> Result<CertifiedKey, TlsError> {
    let cert_pem = read(&files.cert)?;
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&cert_pem)
        .filter_map(Result::ok)
        .collect();
    if chain.is_empty() {
        return Err(TlsError::NoCertificate {
            path: files.cert.clone(),
        });
    }
    let key_pem = read(&files.key)?;
    let key = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|_| TlsError::NoKey {
        path: files.key.clone(),
    })?;
    CertifiedKey::from_der(chain, key, provider).map_err(|source| TlsError::Unusable {
        cert: files.cert.clone(),
        key: files.key.clone(),
        source,
    })
}

/// The certificate every new handshake presents, replaced in place on renewal.
#[derive(Debug)]
pub struct CertStore {
    files: TlsFiles,
    provider: Arc<CryptoProvider>,
    current: RwLock<Arc<CertifiedKey>>,
    /// The files' fingerprint when `current` was loaded.
    loaded: Mutex<[u8; 32]>,
}

impl CertStore {
    /// Loads the files once; an error here stops `serve` before it listens.
    pub fn open(files: TlsFiles) -> Result<Arc<CertStore>, TlsError> {
        let provider = provider();
        let stamp = fingerprint(&files)?;
        let key = load(&files, &provider)?;
        Ok(Arc::new(CertStore {
            files,
            provider,
            current: RwLock::new(Arc::new(key)),
            loaded: Mutex::new(stamp),
        }))
    }

    pub fn files(&self) -> &TlsFiles {
        &self.files
    }

    /// Re-reads the files when they changed since the last load (or always, with
    /// `force`). `Ok(true)` when a new certificate is in use; on an error the previous
    /// one stays.
    pub fn reload(&self, force: bool) -> Result<bool, TlsError> {
        let stamp = fingerprint(&self.files)?;
        let unchanged = self
            .loaded
            .lock()
            .map(|loaded| *loaded == stamp)
            .unwrap_or(false);
        if unchanged && !force {
            return Ok(false);
        }
        let key = load(&self.files, &self.provider)?;
        if let Ok(mut current) = self.current.write() {
            *current = Arc::new(key);
        }
        if let Ok(mut loaded) = self.loaded.lock() {
            *loaded = stamp;
        }
        Ok(true)
    }

    /// The rustls server configuration presenting this store's certificate. HTTP/1.1
    /// only: the sync WebSocket is an HTTP/1.1 upgrade.
    pub fn server_config(self: &Arc<Self>) -> Result<Arc<rustls::ServerConfig>, TlsError> {
        let mut config = rustls::ServerConfig::builder_with_provider(self.provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|source| TlsError::Setup { source })?
            .with_no_client_auth()
            .with_cert_resolver(self.clone());
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

impl ResolvesServerCert for CertStore {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        self.current.read().ok().map(|key| key.clone())
    }
}

/// Reloads `store` on SIGHUP and whenever the files change (looked at every
/// `interval`), until the task is aborted.
pub async fn watch(store: Arc<CertStore>, interval: Duration) {
    #[cfg(unix)]
    let mut hangup =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).map_err(|e| {
            tracing::warn!(error = %e, "cannot listen for SIGHUP; certificate files are still watched");
        }).ok();
    let mut tick = tokio::time::interval(interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await;
    loop {
        #[cfg(unix)]
        let hangup_signal = async {
            match hangup.as_mut() {
                Some(signal) => {
                    signal.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let hangup_signal = std::future::pending::<()>();
        let force = tokio::select! {
            () = hangup_signal => true,
            _ = tick.tick() => false,
        };
        let outcome = {
            let store = store.clone();
            tokio::task::spawn_blocking(move || store.reload(force)).await
        };
        match outcome {
            Ok(Ok(true)) => tracing::info!(
                cert = %store.files().cert.display(),
                "TLS certificate reloaded; new connections use it"
            ),
            Ok(Ok(false)) => {}
            Ok(Err(e)) => tracing::error!(
                error = %dermis_sync::driver::error_chain(&e),
                "the renewed TLS certificate cannot be used; still serving the previous one"
            ),
            Err(e) => tracing::error!(error = %e, "the certificate reload task failed"),
        }
    }
}

/// A [`Listener`] that completes a TLS handshake on each connection its inner listener
/// accepts, before handing it to the server.
pub struct TlsListener<L: Listener> {
    ready: mpsc::Receiver<(TlsStream<L::Io>, L::Addr)>,
    local_addr: io::Result<L::Addr>,
    acceptor: tokio::task::JoinHandle<()>,
}

impl<L> TlsListener<L>
where
    L: Listener,
    L::Addr: Clone + Sync,
{
    /// Starts accepting on `inner`; handshakes longer than `handshake_timeout` are
    /// dropped.
    pub fn new(
        mut inner: L,
        config: Arc<rustls::ServerConfig>,
        handshake_timeout: Duration,
    ) -> TlsListener<L> {
        let local_addr = inner.local_addr();
        let (done, ready) = mpsc::channel(16);
        let tls = TlsAcceptor::from(config);
        let acceptor = tokio::spawn(async move {
            loop {
                let (io, addr) = inner.accept().await;
                let (tls, done) = (tls.clone(), done.clone());
                tokio::spawn(async move {
                    match tokio::time::timeout(handshake_timeout, tls.accept(io)).await {
                        Ok(Ok(stream)) => {
                            let _ = done.send((stream, addr)).await;
                        }
                        // Scanners and clients that distrust the certificate end here;
                        // nothing for an operator to act on.
                        Ok(Err(e)) => tracing::debug!(error = %e, "TLS handshake failed"),
                        Err(_) => tracing::debug!("TLS handshake timed out"),
                    }
                });
            }
        });
        TlsListener {
            ready,
            local_addr,
            acceptor,
        }
    }
}

impl<L: Listener> Drop for TlsListener<L> {
    fn drop(&mut self) {
        self.acceptor.abort();
    }
}

impl<L> Listener for TlsListener<L>
where
    L: Listener,
    L::Addr: Clone + Sync,
{
    type Io = TlsStream<L::Io>;
    type Addr = L::Addr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(pair) => pair,
            // The acceptor task never ends on its own; if it was aborted, nothing more
            // will come.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        match &self.local_addr {
            Ok(addr) => Ok(addr.clone()),
            Err(e) => Err(io::Error::new(e.kind(), e.to_string())),
        }
    }
}
