//! Certificates made in the test (rcgen): a private CA and the hub's certificates it
//! signs, written as PEM files; and a TLS probe that reports which certificate a hub
//! presents to a new connection.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rcgen::{
    BasicConstraints, Certificate, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose,
};

/// A certificate authority of the test's own.
pub struct TestCa {
    cert: Certificate,
    key: KeyPair,
}

/// A hub certificate and its key, as PEM files.
pub struct HubCert {
    pub cert: PathBuf,
    pub key: PathBuf,
    /// The certificate (DER), to recognise it on the wire.
    pub der: Vec<u8>,
}

impl TestCa {
    pub fn new(name: &str) -> TestCa {
        let key = KeyPair::generate().expect("CA key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let cert = params.self_signed(&key).expect("CA certificate");
        TestCa { cert, key }
    }

    pub fn pem(&self) -> String {
        self.cert.pem()
    }

    /// Writes the CA certificate to `path`.
    pub fn write(&self, path: &Path) -> PathBuf {
        std::fs::write(path, self.pem()).expect("write CA");
        path.to_owned()
    }

    /// A certificate for `localhost` and 127.0.0.1, valid from `not_before` to
    /// `not_after`, written as `<dir>/<stem>.crt` and `.key`.
    pub fn issue_between(
        &self,
        dir: &Path,
        stem: &str,
        not_before: time::OffsetDateTime,
        not_after: time::OffsetDateTime,
    ) -> HubCert {
        let key = KeyPair::generate().expect("hub key");
        let mut params =
            CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
                .expect("hub params");
        params.distinguished_name.push(DnType::CommonName, stem);
        params.not_before = not_before;
        params.not_after = not_after;
        let cert = params
            .signed_by(&key, &self.cert, &self.key)
            .expect("hub certificate");
        let paths = HubCert {
            cert: dir.join(format!("{stem}.crt")),
            key: dir.join(format!("{stem}.key")),
            der: cert.der().to_vec(),
        };
        std::fs::write(&paths.cert, cert.pem()).expect("write cert");
        std::fs::write(&paths.key, key.serialize_pem()).expect("write key");
        paths
    }

    /// A certificate valid from yesterday for a year.
    pub fn issue(&self, dir: &Path, stem: &str) -> HubCert {
        let now = time::OffsetDateTime::now_utc();
        self.issue_between(
            dir,
            stem,
            now - time::Duration::days(1),
            now + time::Duration::days(365),
        )
    }
}

/// Environment for a hub serving `cert`.
pub fn hub_env(cert: &HubCert) -> Vec<(String, String)> {
    vec![
        (
            "HUB_TLS_CERT".to_owned(),
            cert.cert.to_string_lossy().into_owned(),
        ),
        (
            "HUB_TLS_KEY".to_owned(),
            cert.key.to_string_lossy().into_owned(),
        ),
    ]
}

/// Accepts any certificate: the probe only looks at which one is presented.
#[derive(Debug)]
struct AnyCertificate(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// Opens a new TLS connection to `addr`, asks for `/api/healthz`, and returns the
/// certificate the hub presented with the status code. `None` when the hub does not
/// answer.
pub fn probe(addr: &str) -> Option<(Vec<u8>, u16)> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .ok()?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AnyCertificate(provider)))
        .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from("localhost").ok()?;
    let conn = rustls::ClientConnection::new(Arc::new(config), name).ok()?;
    let tcp = TcpStream::connect_timeout(&addr.parse().ok()?, Duration::from_secs(2)).ok()?;
    tcp.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    write!(
        tls,
        "GET /api/healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut text = Vec::new();
    // A close without close_notify still leaves the answer read so far.
    let _ = tls.read_to_end(&mut text);
    let cert = tls.conn.peer_certificates()?.first()?.to_vec();
    let text = String::from_utf8_lossy(&text);
    let status = text.split_whitespace().nth(1)?.parse().ok()?;
    Some((cert, status))
}
