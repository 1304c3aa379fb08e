//! Whether a state-changing request from a browser comes from the hub's own pages: the
//! check every admin action makes (sign-in and sign-out included), on top of the
//! `SameSite=Strict` session cookie. Sign-in needs it most: the cookie does not protect
//! it, and a forged cross-site sign-in would put the victim's browser in the attacker's
//! session.

use axum::http::{HeaderMap, header};

use crate::settings::PublicUrl;

/// Not a cross-site request: a browser's `Sec-Fetch-Site`, when sent, says
/// `same-origin` (or `none`, typed by the user); an `Origin`, when it names one (pages
/// sent with `Referrer-Policy: no-referrer` post with `Origin: null`), is the request's
/// `Host` or the hub's `PUBLIC_URL`. Clients other than browsers send neither header
/// and pass.
pub fn same_origin(headers: &HeaderMap, public_url: Option<&PublicUrl>) -> bool {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text("sec-fetch-site")
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    let Some(origin) = text("origin").filter(|o| *o != "null") else {
        return true;
    };
    if public_url.is_some_and(|url| url.origin().eq_ignore_ascii_case(origin)) {
        return true;
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let origin_host = origin
        .split_once("://")
        .map_or(origin, |(_, rest)| rest)
        .trim_end_matches('/');
    !host.is_empty() && origin_host.eq_ignore_ascii_case(host)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn only_same_origin_posts_pass() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("hub:8000"));
        assert!(
            same_origin(&h, None),
            "no Origin: a form post from an old browser, or not a browser"
        );
        h.insert(header::ORIGIN, HeaderValue::from_static("http://hub:8000"));
        assert!(same_origin(&h, None));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert!(!same_origin(&h, None));
        h.insert(header::ORIGIN, HeaderValue::from_static("http://hub:8000"));
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(!same_origin(&h, None), "the browser says cross-site");
        h.insert("sec-fetch-site", HeaderValue::from_static("same-site"));
        assert!(
            !same_origin(&h, None),
            "a sibling subdomain is another origin"
        );
        h.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(same_origin(&h, None));
    }

    #[test]
    fn behind_a_proxy_the_public_url_is_the_origin() {
        let mut h = HeaderMap::new();
        // The proxy forwards to the hub's loopback address.
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8000"));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://hub.clinic.example"),
        );
        assert!(!same_origin(&h, None));
        let public = PublicUrl::parse("https://hub.clinic.example/");
        assert!(same_origin(&h, public.as_ref()));
        let other = PublicUrl::parse("https://other.example");
        assert!(!same_origin(&h, other.as_ref()));
    }
}
