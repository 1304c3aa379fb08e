//! Where a webhook may point: `http` or `https` URLs only, and — with
//! `WEBHOOK_BLOCK_PRIVATE=true` — never at loopback, private, link-local, shared or
//! unspecified addresses. The address check runs when the webhook is added (on the
//! literal address or what the name resolves to then) and again before every delivery,
//! after DNS resolution; the request then goes to the address that was checked, so a
//! name cannot resolve to a public address for the check and a private one for the
//! request.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::Url;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TargetError {
    #[error("the webhook URL does not parse")]
    Unparsable,
    #[error("the webhook URL must start with http:// or https://")]
    Scheme,
    #[error("the webhook URL has no host")]
    NoHost,
    #[error("the webhook URL must not carry a user name or password")]
    Credentials,
    #[error(
        "the webhook URL points at a private, loopback or link-local address ({ip}), refused with WEBHOOK_BLOCK_PRIVATE=true"
    )]
    Private { ip: IpAddr },
    #[error("the webhook host does not resolve")]
    Unresolved,
}

/// Parses and checks the form of a webhook URL.
pub fn parse_url(text: &str) -> Result<Url, TargetError> {
    let url = Url::parse(text.trim()).map_err(|_| TargetError::Unparsable)?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(TargetError::Scheme);
    }
    if url.host().is_none() {
        return Err(TargetError::NoHost);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(TargetError::Credentials);
    }
    Ok(url)
}

fn private_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || a == 0
        // Shared address space (carrier-grade NAT), 100.64.0.0/10.
        || (a == 100 && (64..128).contains(&b))
}

fn private_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return private_v4(v4);
    }
    let first = ip.segments()[0];
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        // Unique local fc00::/7 and link-local fe80::/10.
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
}

/// Whether an address is one `WEBHOOK_BLOCK_PRIVATE` refuses.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => private_v4(v4),
        IpAddr::V6(v6) => private_v6(v6),
    }
}

/// Resolves the URL's host and checks every address; with `block_private` off only
/// resolves. Returns the address to connect to.
pub async fn resolve(url: &Url, block_private: bool) -> Result<SocketAddr, TargetError> {
    let host = url.host_str().ok_or(TargetError::NoHost)?;
    let port = url.port_or_known_default().unwrap_or(80);
    // A bracketed IPv6 literal resolves as itself.
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|_| TargetError::Unresolved)?
        .collect();
    if block_private && let Some(bad) = addrs.iter().find(|a| is_private(a.ip())) {
        return Err(TargetError::Private { ip: bad.ip() });
    }
    addrs.first().copied().ok_or(TargetError::Unresolved)
}

/// The check `webhook add` makes: the form, then (when blocking) the addresses.
pub async fn check_new(text: &str, block_private: bool) -> Result<Url, TargetError> {
    let url = parse_url(text)?;
    if block_private {
        resolve(&url, true).await?;
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_and_https_urls_with_a_host() {
        assert!(parse_url("https://hooks.example.com/dermis").is_ok());
        assert!(parse_url("http://10.0.0.5:8080/x").is_ok());
        assert_eq!(parse_url("ftp://example.com/"), Err(TargetError::Scheme));
        assert_eq!(parse_url("file:///etc/passwd"), Err(TargetError::Scheme));
        assert_eq!(parse_url("javascript:alert(1)"), Err(TargetError::Scheme));
        assert_eq!(parse_url("example.com/hook"), Err(TargetError::Unparsable));
        assert_eq!(
            parse_url("https://user:pw@example.com/"),
            Err(TargetError::Credentials)
        );
    }

    #[test]
    fn private_ranges_are_recognised() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            let ip: IpAddr = ip.parse().unwrap_or_else(|e| panic!("{ip}: {e}"));
            assert!(is_private(ip), "{ip} should be private");
        }
        for ip in ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "100.128.0.1"] {
            let ip: IpAddr = ip.parse().unwrap_or_else(|e| panic!("{ip}: {e}"));
            assert!(!is_private(ip), "{ip} should be public");
        }
    }

    #[tokio::test]
    async fn blocking_refuses_loopback_by_literal_and_by_name() {
        assert!(matches!(
            check_new("http://127.0.0.1:9/hook", true).await,
            Err(TargetError::Private { .. })
        ));
        assert!(matches!(
            check_new("http://localhost:9/hook", true).await,
            Err(TargetError::Private { .. })
        ));
        assert!(matches!(
            check_new("http://[::1]:9/hook", true).await,
            Err(TargetError::Private { .. })
        ));
        assert!(check_new("http://127.0.0.1:9/hook", false).await.is_ok());
    }
}
