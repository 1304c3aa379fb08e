//! Where a webhook may point: `http` or `https` URLs only, and — unless
//! `WEBHOOK_BLOCK_PRIVATE=false` — only at the public internet: never at loopback,
//! private, link-local, shared (CGNAT), multicast, unspecified, documentation,
//! benchmarking, reserved or translation addresses ([`is_private`]). The address check runs when the webhook is added (on the
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
        "the webhook URL points at an address that is not on the public internet ({ip}: private, loopback, link-local or special-purpose); refused unless WEBHOOK_BLOCK_PRIVATE=false"
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

/// IPv4 ranges that are not the public internet (IANA IPv4 Special-Purpose Address
/// Registry, RFC 6890 and later), as (network, prefix length).
const BLOCKED_V4: &[([u8; 4], u8)] = &[
    ([0, 0, 0, 0], 8),       // "this network", unspecified
    ([10, 0, 0, 0], 8),      // private
    ([100, 64, 0, 0], 10),   // shared address space (carrier-grade NAT)
    ([127, 0, 0, 0], 8),     // loopback
    ([169, 254, 0, 0], 16),  // link-local (cloud metadata lives here)
    ([172, 16, 0, 0], 12),   // private
    ([192, 0, 0, 0], 24),    // IETF protocol assignments
    ([192, 0, 2, 0], 24),    // documentation (TEST-NET-1)
    ([192, 88, 99, 0], 24),  // 6to4 relay anycast
    ([192, 168, 0, 0], 16),  // private
    ([198, 18, 0, 0], 15),   // benchmarking
    ([198, 51, 100, 0], 24), // documentation (TEST-NET-2)
    ([203, 0, 113, 0], 24),  // documentation (TEST-NET-3)
    ([224, 0, 0, 0], 4),     // multicast
    ([240, 0, 0, 0], 4),     // reserved, and the broadcast address
];

/// IPv6 ranges that are not the public internet (IANA IPv6 Special-Purpose Address
/// Registry). IPv4-mapped addresses (::ffff:0:0/96) are checked as the IPv4 address
/// they carry; the translation and tunnel prefixes that embed an IPv4 address
/// (64:ff9b::/96, 64:ff9b:1::/48, 2002::/16, Teredo in 2001::/23) are refused whole,
/// since they could carry a private one.
const BLOCKED_V6: &[([u16; 8], u8)] = &[
    ([0, 0, 0, 0, 0, 0, 0, 0], 128),         // unspecified
    ([0, 0, 0, 0, 0, 0, 0, 1], 128),         // loopback
    ([0, 0, 0, 0, 0, 0, 0, 0], 96),          // IPv4-compatible (deprecated)
    ([0x64, 0xff9b, 0, 0, 0, 0, 0, 0], 96),  // NAT64
    ([0x64, 0xff9b, 1, 0, 0, 0, 0, 0], 48),  // local-use NAT64
    ([0x100, 0, 0, 0, 0, 0, 0, 0], 64),      // discard-only
    ([0x2001, 0, 0, 0, 0, 0, 0, 0], 23),     // IETF protocol assignments, Teredo
    ([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], 32), // documentation
    ([0x2002, 0, 0, 0, 0, 0, 0, 0], 16),     // 6to4
    ([0x3fff, 0, 0, 0, 0, 0, 0, 0], 20),     // documentation
    ([0x5f00, 0, 0, 0, 0, 0, 0, 0], 16),     // segment routing SIDs
    ([0xfc00, 0, 0, 0, 0, 0, 0, 0], 7),      // unique local
    ([0xfe80, 0, 0, 0, 0, 0, 0, 0], 10),     // link-local
    ([0xfec0, 0, 0, 0, 0, 0, 0, 0], 10),     // site-local (deprecated)
    ([0xff00, 0, 0, 0, 0, 0, 0, 0], 8),      // multicast
];

fn in_v4(ip: Ipv4Addr, (net, len): ([u8; 4], u8)) -> bool {
    let mask = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
    u32::from(ip) & mask == u32::from(Ipv4Addr::from(net)) & mask
}

fn in_v6(ip: Ipv6Addr, (net, len): ([u16; 8], u8)) -> bool {
    let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
    u128::from(ip) & mask == u128::from(Ipv6Addr::from(net)) & mask
}

fn private_v4(ip: Ipv4Addr) -> bool {
    BLOCKED_V4.iter().any(|range| in_v4(ip, *range))
}

fn private_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return private_v4(v4);
    }
    BLOCKED_V6.iter().any(|range| in_v6(ip, *range))
}

/// Whether an address is one `WEBHOOK_BLOCK_PRIVATE` refuses: anything but the public
/// internet.
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
    fn private_and_special_ranges_are_recognised() {
        for ip in [
            "127.0.0.1",
            "127.255.255.254",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "0.1.2.3",
            "100.64.0.1",
            "100.127.255.255",
            "192.0.0.8",
            "192.0.2.10",
            "198.18.0.1",
            "198.19.255.255",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.251",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "::127.0.0.1",
            "fd00::1",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a00:1",
            "64:ff9b::808:808",
            "64:ff9b:1::1",
            "2002:7f00:1::1",
            "2002:808:808::1",
            "2001::1",
            "2001:db8::1",
            "3fff::1",
            "100::1",
        ] {
            let ip: IpAddr = ip.parse().unwrap_or_else(|e| panic!("{ip}: {e}"));
            assert!(is_private(ip), "{ip} should be refused");
        }
        for ip in [
            "93.184.216.34",
            "8.8.8.8",
            "1.1.1.1",
            "100.128.0.1",
            "100.63.255.255",
            "172.32.0.1",
            "198.17.255.255",
            "198.20.0.1",
            "223.255.255.255",
            "2606:4700::1111",
            "2a00:1450:4001::200e",
            "::ffff:8.8.8.8",
            "2003::1",
        ] {
            let ip: IpAddr = ip.parse().unwrap_or_else(|e| panic!("{ip}: {e}"));
            assert!(!is_private(ip), "{ip} should be allowed");
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
        assert!(matches!(
            check_new("http://[::ffff:127.0.0.1]:9/hook", true).await,
            Err(TargetError::Private { .. })
        ));
        assert!(matches!(
            check_new("http://[64:ff9b::7f00:1]:9/hook", true).await,
            Err(TargetError::Private { .. })
        ));
        // Decimal and short forms of an address are addresses too.
        assert!(matches!(
            check_new("http://2130706433:9/hook", true).await,
            Err(TargetError::Private { .. })
        ));
        assert!(matches!(
            check_new("http://127.1:9/hook", true).await,
            Err(TargetError::Private { .. })
        ));
        assert!(check_new("http://127.0.0.1:9/hook", false).await.is_ok());
    }
}
