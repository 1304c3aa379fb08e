//! How the node reaches its hub, for the sync WebSocket, enrollment and the photo lane
//! alike: which addresses it accepts, which certificates it trusts, and what it tells
//! the hub about the link.
//!
//! - `https://` hubs are reached over TLS (`wss://` for sync), verified against the
//!   system's roots (the same verifier reqwest uses), plus the CA certificate given to
//!   `enroll --ca-file` (kept in the store) or named by `DERMIS_HUB_CA_FILE` (which
//!   overrides the kept one).
//! - `http://` is accepted on loopback only (`localhost`, 127.0.0.0/8, `::1`): anything
//!   else is refused before a connection is made, unless the operator allowed an
//!   unencrypted LAN hub on purpose (`--allow-insecure-http`). Such a node tells the hub
//!   (the `Dermis-Transport` request header, docs/SYNC.md), so `/admin` shows it.
//! - A certificate the node does not trust ends the attempt with a message that names
//!   the problem ([`certificate_problem`]).

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use reqwest::Url;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use rustls::{CertificateError, ClientConfig};
use tokio_tungstenite::Connector;

use super::state;
use crate::store::StoreError;

/// The request header that carries [`Transport`] to the hub (docs/SYNC.md).
pub const TRANSPORT_HEADER: &str = "dermis-transport";

/// The environment variable naming a CA file to trust instead of the kept one.
pub const CA_FILE_ENV: &str = "DERMIS_HUB_CA_FILE";

/// What protects the link to the hub.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Transport {
    /// https / wss.
    Tls,
    /// Plain http to this machine: nothing crosses a network.
    LoopbackHttp,
    /// Plain http across a network, allowed on purpose: not encrypted.
    InsecureHttp,
}

impl Transport {
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Tls => "tls",
            Transport::LoopbackHttp => "loopback-http",
            Transport::InsecureHttp => "insecure-http",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error("the hub address {url:?} is not usable ({reason})")]
    BadUrl { url: String, reason: &'static str },
    #[error(
        "the hub address {url} is plain http on a network address, which would send patient records unencrypted: use https:// (see RUNBOOK, \"Running the hub on the internet\"), or pass --allow-insecure-http to accept an unencrypted hub on your own network on purpose"
    )]
    InsecureHttp { url: String },
    #[error("reading the CA certificate file {path}")]
    CaFileRead {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{what} holds no usable PEM certificate (-----BEGIN CERTIFICATE-----)")]
    CaFileEmpty { what: String },
    #[error("setting up TLS ({reason})")]
    Setup { reason: String },
}

/// Whether the URL's host is this machine.
pub fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ip.is_loopback(),
        Ok(IpAddr::V6(ip)) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Err(_) => host.trim_end_matches('.').eq_ignore_ascii_case("localhost"),
    }
}

/// The certificates of a PEM bundle; `what` names it in the error.
fn pem_certificates(pem: &[u8], what: &str) -> Result<Vec<CertificateDer<'static>>, LinkError> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(pem)
        .filter_map(Result::ok)
        .collect();
    if certs.is_empty() {
        return Err(LinkError::CaFileEmpty {
            what: what.to_owned(),
        });
    }
    Ok(certs)
}

/// Reads and checks a CA file given by `--ca-file` or [`CA_FILE_ENV`].
pub fn read_ca_file(path: &Path) -> Result<Vec<u8>, LinkError> {
    let pem = std::fs::read(path).map_err(|source| LinkError::CaFileRead {
        path: path.to_owned(),
        source,
    })?;
    pem_certificates(&pem, &path.display().to_string())?;
    Ok(pem)
}

/// The base address (`http(s)://host[:port]`) and transport of a hub address, or why
/// it is refused. Connects to nothing.
pub fn check(hub: &str, allow_insecure_http: bool) -> Result<(String, Transport), LinkError> {
    let bad = |reason| LinkError::BadUrl {
        url: hub.trim().to_owned(),
        reason,
    };
    let hub_text = match hub.trim().split_once("://") {
        Some((scheme, rest)) => {
            let scheme = scheme.to_ascii_lowercase();
            if !["http", "https", "ws", "wss"].contains(&scheme.as_str()) {
                return Err(bad("not http:// or https://"));
            }
            format!("{scheme}://{rest}")
        }
        None => hub.trim().to_owned(),
    };
    let base = super::enroll::http_base(&hub_text);
    let url = Url::parse(&base).map_err(|_| bad("not a URL"))?;
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("a user name or password in the address"));
    }
    let transport = match url.scheme() {
        "https" => Transport::Tls,
        "http" if is_loopback(&url) => Transport::LoopbackHttp,
        "http" if allow_insecure_http => Transport::InsecureHttp,
        "http" => return Err(LinkError::InsecureHttp { url: base }),
        _ => return Err(bad("not http:// or https://")),
    };
    Ok((base, transport))
}

/// A checked hub address with the trust to reach it.
#[derive(Clone)]
pub struct HubLink {
    base: String,
    transport: Transport,
    /// PEM of the extra CA certificates trusted besides the system's.
    ca_pem: Option<Vec<u8>>,
    /// For https hubs.
    tls: Option<Arc<ClientConfig>>,
}

impl std::fmt::Debug for HubLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HubLink")
            .field("base", &self.base)
            .field("transport", &self.transport)
            .field("extra_ca", &self.ca_pem.is_some())
            .finish_non_exhaustive()
    }
}

impl HubLink {
    /// Checks `hub` (http(s) or ws(s), with or without `/sync`) against the loopback
    /// rule, before anything connects; builds the TLS trust for https hubs.
    pub fn new(
        hub: &str,
        allow_insecure_http: bool,
        ca_pem: Option<Vec<u8>>,
    ) -> Result<HubLink, LinkError> {
        let (base, transport) = check(hub, allow_insecure_http)?;
        let tls = match transport {
            Transport::Tls => Some(client_config(ca_pem.as_deref())?),
            _ => None,
        };
        Ok(HubLink {
            base,
            transport,
            ca_pem,
            tls,
        })
    }

    /// The link the node's store describes (`None` when not enrolled): the kept
    /// address, the kept permission for plain http, and the kept CA certificate or the
    /// one [`CA_FILE_ENV`] names.
    pub fn from_store(conn: &rusqlite::Connection) -> Result<Option<HubLink>, LinkSetupError> {
        let Some(url) = state::get(conn, state::HUB_URL)? else {
            return Ok(None);
        };
        let allow = state::get(conn, state::HUB_ALLOW_INSECURE_HTTP)?.as_deref() == Some("true");
        let ca_pem = match std::env::var_os(CA_FILE_ENV).filter(|v| !v.is_empty()) {
            Some(path) => Some(read_ca_file(Path::new(&path))?),
            None => state::get(conn, state::HUB_CA_PEM)?.map(String::into_bytes),
        };
        Ok(Some(HubLink::new(&url, allow, ca_pem)?))
    }

    /// `http(s)://host[:port]`.
    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn transport(&self) -> Transport {
        self.transport
    }

    /// The extra CA certificates (PEM) this link trusts, if any.
    pub fn ca_pem(&self) -> Option<&[u8]> {
        self.ca_pem.as_deref()
    }

    /// `ws(s)://host[:port]/sync`.
    pub fn ws_url(&self) -> String {
        super::client::ws_url(&self.base)
    }

    /// The WebSocket's TLS: rustls with the same trust as [`HubLink::http_client`].
    pub fn ws_connector(&self) -> Connector {
        match &self.tls {
            Some(config) => Connector::Rustls(config.clone()),
            None => Connector::Plain,
        }
    }

    /// A reqwest client for this hub: the extra CA trusted, the transport announced.
    pub fn http_client(
        &self,
        builder: reqwest::ClientBuilder,
    ) -> Result<reqwest::Client, LinkError> {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            TRANSPORT_HEADER,
            reqwest::header::HeaderValue::from_static(self.transport.as_str()),
        );
        let mut builder = builder.default_headers(headers);
        if let Some(pem) = &self.ca_pem {
            let certs =
                reqwest::Certificate::from_pem_bundle(pem).map_err(|e| LinkError::Setup {
                    reason: e.to_string(),
                })?;
            builder = builder.tls_certs_merge(certs);
        }
        builder.build().map_err(|e| LinkError::Setup {
            reason: error_chain(&e),
        })
    }
}

/// Loading the link from the store: the store, or the link itself.
#[derive(Debug, thiserror::Error)]
pub enum LinkSetupError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Link(#[from] LinkError),
}

/// rustls with the platform verifier (the system's roots) plus `extra` roots.
fn client_config(extra: Option<&[u8]>) -> Result<Arc<ClientConfig>, LinkError> {
    let roots = match extra {
        Some(pem) => pem_certificates(pem, "the trusted CA certificate")?,
        None => Vec::new(),
    };
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let setup = |e: rustls::Error| LinkError::Setup {
        reason: e.to_string(),
    };
    let verifier =
        rustls_platform_verifier::Verifier::new_with_extra_roots(roots, provider.clone())
            .map_err(setup)?;
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(setup)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    Ok(Arc::new(config))
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// The rustls error somewhere in `e`'s chain (io errors hide theirs in `get_ref`).
fn rustls_error<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(e) = next {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        if let Some(inner) = e
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
            && let Some(tls) = rustls_error(inner)
        {
            return Some(tls);
        }
        if let Some(inner) = e
            .downcast_ref::<tokio_tungstenite::tungstenite::Error>()
            .and_then(|t| match t {
                tokio_tungstenite::tungstenite::Error::Io(io) => io.get_ref(),
                _ => None,
            })
            && let Some(tls) = rustls_error(inner)
        {
            return Some(tls);
        }
        next = e.source();
    }
    None
}

fn date(t: rustls::pki_types::UnixTime) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    i64::try_from(t.as_secs())
        .ok()
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
        .and_then(|d| d.format(&format).ok())
        .unwrap_or_else(|| t.as_secs().to_string())
}

/// When `e` failed because of the hub's certificate: what is wrong with it, in words an
/// operator can act on.
pub fn certificate_problem(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    let rustls::Error::InvalidCertificate(problem) = rustls_error(e)? else {
        return rustls_error(e).map(|tls| format!("the TLS handshake with the hub failed ({tls})"));
    };
    Some(match problem {
        CertificateError::UnknownIssuer => "the hub's certificate is not trusted: it is signed by an unknown authority (self-signed, or a private CA: pass --ca-file with that CA's certificate)".to_owned(),
        CertificateError::ExpiredContext { not_after, .. } => format!(
            "the hub's certificate has expired (it was valid until {}); the hub's operator must renew it",
            date(*not_after)
        ),
        CertificateError::Expired => {
            "the hub's certificate has expired; the hub's operator must renew it".to_owned()
        }
        CertificateError::NotValidYetContext { not_before, .. } => format!(
            "the hub's certificate is not valid yet (from {}); check this computer's clock",
            date(*not_before)
        ),
        CertificateError::NotValidYet => {
            "the hub's certificate is not valid yet; check this computer's clock".to_owned()
        }
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            format!("the hub's certificate is for another name: {problem}")
        }
        CertificateError::Revoked => "the hub's certificate has been revoked".to_owned(),
        other => format!("the hub's certificate was refused ({other})"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_on_loopback_unless_allowed() {
        for ok in [
            "http://localhost:8000",
            "http://LOCALHOST:8000/",
            "http://127.0.0.1:8000",
            "http://127.8.9.10",
            "http://[::1]:8000/sync",
            "ws://127.0.0.1:8000/sync",
        ] {
            let link = HubLink::new(ok, false, None).unwrap_or_else(|e| panic!("{ok}: {e}"));
            assert_eq!(link.transport(), Transport::LoopbackHttp, "{ok}");
        }
        for lan in [
            "http://192.168.1.10:8000",
            "http://hub.example.org",
            "hub.example.org:8000",
            "ws://10.0.0.2:8000/sync",
            "http://localhost.evil.example",
            "http://[::ffff:10.0.0.1]",
        ] {
            let refused = HubLink::new(lan, false, None);
            assert!(
                matches!(refused, Err(LinkError::InsecureHttp { .. })),
                "{lan}: {refused:?}"
            );
            let message = refused.map(|_| ()).err().map(|e| e.to_string());
            assert!(message.is_some_and(|m| m.contains("https://")));
            let allowed = HubLink::new(lan, true, None).unwrap_or_else(|e| panic!("{lan}: {e}"));
            assert_eq!(allowed.transport(), Transport::InsecureHttp);
        }
        let tls = HubLink::new("https://hub.example.org", false, None);
        assert_eq!(tls.map(|l| l.transport()).ok(), Some(Transport::Tls));
        let upper = HubLink::new("HTTPS://hub.example.org/", false, None);
        assert_eq!(
            upper.map(|l| l.base().to_owned()).ok().as_deref(),
            Some("https://hub.example.org")
        );
        assert!(matches!(
            HubLink::new("ftp://hub.example.org", true, None),
            Err(LinkError::BadUrl { .. })
        ));
        assert!(matches!(
            HubLink::new("https://user:pw@hub.example.org", true, None),
            Err(LinkError::BadUrl { .. })
        ));
    }

    #[test]
    fn a_ca_file_must_hold_a_certificate() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate").unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            read_ca_file(&empty),
            Err(LinkError::CaFileEmpty { .. })
        ));
        assert!(matches!(
            read_ca_file(&dir.path().join("missing.pem")),
            Err(LinkError::CaFileRead { .. })
        ));
        let Ok(cert) = rcgen::generate_simple_self_signed(vec!["hub.test".to_owned()]) else {
            panic!("rcgen")
        };
        let good = dir.path().join("ca.pem");
        std::fs::write(&good, cert.cert.pem()).unwrap_or_else(|e| panic!("{e}"));
        let pem = read_ca_file(&good).unwrap_or_else(|e| panic!("{e}"));
        let link = HubLink::new("https://hub.test", false, Some(pem));
        assert!(link.is_ok_and(|l| l.ca_pem().is_some()));
    }
}
