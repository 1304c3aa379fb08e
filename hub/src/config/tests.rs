//! The settings' layers and their refusals, from a lookup instead of the process
//! environment.

use super::*;
use std::collections::HashMap;

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |k| map.get(k).cloned()
}

mod limits;

#[test]
fn defaults_then_environment_then_flags() {
    let config = Config::load(env(&[("DERMIS_HUB_DATA_DIR", "/env")]), None);
    assert_eq!(config.as_ref().map(|c| c.bind.port()).ok(), Some(8000));
    assert_eq!(config.map(|c| c.data_dir).ok(), Some(PathBuf::from("/env")));
    let config = Config::load(
        env(&[("DERMIS_HUB_DATA_DIR", "/env"), ("HUB_BIND", "127.0.0.1:9")]),
        Some(Path::new("/flag")),
    );
    let Ok(config) = config else {
        panic!("{config:?}")
    };
    assert_eq!(config.data_dir, PathBuf::from("/flag"));
    assert_eq!(config.bind, SocketAddr::from(([127, 0, 0, 1], 9)));
    assert_eq!(config.database_url, None);
    assert_eq!(config.log_format, LogFormat::Text);
}

#[test]
fn bad_values_are_refused_with_their_name() {
    let bind = Config::load(env(&[("HUB_BIND", "nowhere")]), Some(Path::new("/d")));
    assert!(matches!(bind, Err(ConfigError::Bind { .. })));
    let format = Config::load(env(&[("LOG_FORMAT", "xml")]), Some(Path::new("/d")));
    assert!(matches!(format, Err(ConfigError::LogFormat { .. })));
    let twice = Config::load(
        env(&[
            ("DATABASE_URL", "postgres://a"),
            ("DATABASE_URL_FILE", "/f"),
        ]),
        Some(Path::new("/d")),
    );
    assert!(matches!(twice, Err(ConfigError::DatabaseUrlTwice)));
    let ttl = Config::load(env(&[("JWT_TTL_SECONDS", "0")]), Some(Path::new("/d")));
    assert!(matches!(ttl, Err(ConfigError::JwtTtl { .. })));
    let secure = Config::load(env(&[("COOKIE_SECURE", "maybe")]), Some(Path::new("/d")));
    assert!(matches!(secure, Err(ConfigError::Bool { .. })));
    let jwt_twice = Config::load(
        env(&[("JWT_SECRET", "a"), ("JWT_SECRET_FILE", "/f")]),
        Some(Path::new("/d")),
    );
    assert!(matches!(
        jwt_twice,
        Err(ConfigError::SecretTwice { name: "JWT_SECRET" })
    ));
}

#[test]
fn admin_sign_in_settings_have_defaults_and_overrides() {
    let Ok(config) = Config::load(env(&[]), Some(Path::new("/d"))) else {
        panic!("defaults load")
    };
    assert_eq!(config.admin_auth, AdminAuthConfig::default());
    assert_eq!(config.admin_auth.ttl, Duration::from_secs(900));
    let config = Config::load(
        env(&[
            ("JWT_SECRET", "topsecret-value-of-thirty-two-bytes"),
            ("JWT_SECRET_PREVIOUS", "previous-value-of-thirty-two-bytes"),
            ("JWT_ISSUER", "hub-a"),
            ("JWT_AUDIENCE", "ops"),
            ("JWT_TTL_SECONDS", "60"),
            ("COOKIE_SECURE", "true"),
        ]),
        Some(Path::new("/d")),
    );
    let Ok(config) = config else {
        panic!("{config:?}")
    };
    let auth = &config.admin_auth;
    assert_eq!(
        auth.jwt_secret.as_ref().map(Secret::expose),
        Some("topsecret-value-of-thirty-two-bytes")
    );
    assert_eq!(
        auth.jwt_secret_previous.as_ref().map(Secret::expose),
        Some("previous-value-of-thirty-two-bytes")
    );
    assert_eq!(
        (auth.issuer.as_str(), auth.audience.as_str()),
        ("hub-a", "ops")
    );
    assert_eq!(auth.ttl, Duration::from_secs(60));
    assert!(auth.cookie_secure);
    assert!(!format!("{config:?}").contains("topsecret"));
    assert!(!format!("{config:?}").contains("previous-value"));
    for name in ["JWT_SECRET", "JWT_SECRET_PREVIOUS"] {
        let short = Config::load(env(&[(name, &"x".repeat(31))]), Some(Path::new("/d")));
        assert!(
            matches!(short, Err(ConfigError::JwtSecretShort { name: n, len: 31 }) if n == name),
            "{name}: {short:?}"
        );
        let message = short.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(message.starts_with(name), "{message}");
        assert!(Config::load(env(&[(name, &"x".repeat(32))]), Some(Path::new("/d"))).is_ok());
    }
}

#[test]
fn s3_settings_need_an_endpoint_and_both_keys_which_are_never_printed() {
    let Ok(config) = Config::load(env(&[("S3_ACCESS_KEY_ID", "ak")]), Some(Path::new("/d"))) else {
        panic!("loads")
    };
    assert_eq!(config.s3, None, "keys without an endpoint: the blob folder");
    assert_eq!(config.photo_max_bytes, 25 * 1024 * 1024);
    let missing = Config::load(
        env(&[
            ("S3_ENDPOINT", "http://minio:9000"),
            ("S3_ACCESS_KEY_ID", "ak"),
        ]),
        Some(Path::new("/d")),
    );
    assert!(matches!(
        missing,
        Err(ConfigError::S3Missing {
            name: "S3_SECRET_ACCESS_KEY"
        })
    ));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("secret");
    std::fs::write(&file, "sup3rsecret\n").unwrap_or_else(|e| panic!("{e}"));
    let path = file.to_string_lossy().into_owned();
    let config = Config::load(
        env(&[
            ("S3_ENDPOINT", "http://minio:9000/"),
            ("S3_ACCESS_KEY_ID", "ak"),
            ("S3_SECRET_ACCESS_KEY_FILE", &path),
            ("S3_BUCKET", "photos"),
            ("PHOTO_MAX_BYTES", "1000"),
        ]),
        Some(Path::new("/d")),
    );
    let Ok(config) = config else {
        panic!("{config:?}")
    };
    let Some(s3) = &config.s3 else {
        panic!("no s3 settings")
    };
    assert_eq!(s3.endpoint, "http://minio:9000");
    assert_eq!(
        (s3.region.as_str(), s3.bucket.as_str()),
        ("us-east-1", "photos")
    );
    assert_eq!(s3.secret_access_key.expose(), "sup3rsecret");
    assert_eq!(config.photo_max_bytes, 1000);
    assert!(!format!("{config:?}").contains("sup3rsecret"));
    for (name, value) in [
        ("S3_ENDPOINT", "minio:9000"),
        ("S3_BUCKET", "No_Caps"),
        ("PHOTO_MAX_BYTES", "0"),
    ] {
        let mut pairs = vec![
            ("S3_ENDPOINT", "http://minio:9000"),
            ("S3_ACCESS_KEY_ID", "ak"),
            ("S3_SECRET_ACCESS_KEY", "sk"),
        ];
        pairs.retain(|(k, _)| *k != name);
        pairs.push((name, value));
        assert!(
            Config::load(env(&pairs), Some(Path::new("/d"))).is_err(),
            "{name}={value} accepted"
        );
    }
}

#[test]
fn node_tokens_rotate_every_thirty_days_unless_told() {
    let days = |pairs: &[(&str, &str)]| {
        Config::load(env(pairs), Some(Path::new("/d"))).map(|c| c.node_token_ttl.as_secs())
    };
    assert_eq!(days(&[]).ok(), Some(30 * 86_400));
    assert_eq!(days(&[("NODE_TOKEN_DAYS", "7")]).ok(), Some(7 * 86_400));
    for bad in ["0", "3651", "-1", "a week"] {
        assert!(
            matches!(
                days(&[("NODE_TOKEN_DAYS", bad)]),
                Err(ConfigError::OutOfRange {
                    name: "NODE_TOKEN_DAYS",
                    ..
                })
            ),
            "{bad}"
        );
    }
}

#[test]
fn fhir_exports_are_kept_a_day_unless_told() {
    let hours = |pairs: &[(&str, &str)]| {
        Config::load(env(pairs), Some(Path::new("/d"))).map(|c| c.fhir_export_ttl.as_secs())
    };
    assert_eq!(hours(&[]).ok(), Some(24 * 3600));
    assert_eq!(hours(&[("FHIR_EXPORT_HOURS", "2")]).ok(), Some(2 * 3600));
    for bad in ["0", "721", "soon"] {
        assert!(
            matches!(
                hours(&[("FHIR_EXPORT_HOURS", bad)]),
                Err(ConfigError::OutOfRange {
                    name: "FHIR_EXPORT_HOURS",
                    ..
                })
            ),
            "{bad}"
        );
    }
}

#[test]
fn sync_sessions_are_kept_ninety_days_unless_told() {
    let days = |pairs: &[(&str, &str)]| {
        Config::load(env(pairs), Some(Path::new("/d"))).map(|c| c.session_history.as_secs())
    };
    assert_eq!(days(&[]).ok(), Some(90 * 86_400));
    assert_eq!(
        days(&[("HUB_SESSION_HISTORY_DAYS", "7")]).ok(),
        Some(7 * 86_400)
    );
    for bad in ["0", "3651", "-1", "a month"] {
        assert!(
            matches!(
                days(&[("HUB_SESSION_HISTORY_DAYS", bad)]),
                Err(ConfigError::OutOfRange {
                    name: "HUB_SESSION_HISTORY_DAYS",
                    ..
                })
            ),
            "{bad}"
        );
    }
}

#[test]
fn webhook_and_calendly_settings() {
    let Ok(config) = Config::load(env(&[]), Some(Path::new("/d"))) else {
        panic!("defaults load")
    };
    assert!(
        config.webhook_block_private,
        "private targets are refused by default"
    );
    assert_eq!(config.calendly, CalendlyOptions::default());
    assert_eq!(config.calendly.tolerance, Duration::from_secs(180));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("key");
    std::fs::write(&file, "cal-key\n").unwrap_or_else(|e| panic!("{e}"));
    let path = file.to_string_lossy().into_owned();
    let config = Config::load(
        env(&[
            ("WEBHOOK_BLOCK_PRIVATE", "false"),
            ("CALENDLY_WEBHOOK_SIGNING_KEY_FILE", &path),
            ("CALENDLY_TOLERANCE_SECONDS", "60"),
        ]),
        Some(Path::new("/d")),
    );
    let Ok(config) = config else {
        panic!("{config:?}")
    };
    assert!(!config.webhook_block_private, "opted out");
    assert_eq!(
        config.calendly.signing_key.as_ref().map(Secret::expose),
        Some("cal-key")
    );
    assert_eq!(config.calendly.tolerance, Duration::from_secs(60));
    assert!(!format!("{config:?}").contains("cal-key"));
    let bad = Config::load(
        env(&[("CALENDLY_TOLERANCE_SECONDS", "0")]),
        Some(Path::new("/d")),
    );
    assert!(matches!(bad, Err(ConfigError::CalendlyTolerance { .. })));
    let bad = Config::load(
        env(&[("WEBHOOK_BLOCK_PRIVATE", "perhaps")]),
        Some(Path::new("/d")),
    );
    assert!(matches!(bad, Err(ConfigError::Bool { .. })));
}

#[test]
fn the_database_url_comes_from_a_file_and_is_never_printed() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("url");
    std::fs::write(&file, "postgres://hub:s3cret@db/hub\n").unwrap_or_else(|e| panic!("{e}"));
    let path = file.to_string_lossy().into_owned();
    let config = Config::load(
        env(&[("DATABASE_URL_FILE", &path), ("LOG_FORMAT", "JSON")]),
        Some(Path::new("/d")),
    );
    let Ok(config) = config else {
        panic!("{config:?}")
    };
    assert_eq!(
        config.database_url.as_ref().map(Secret::expose),
        Some("postgres://hub:s3cret@db/hub")
    );
    assert_eq!(config.log_format, LogFormat::Json);
    let shown = format!("{config:?}");
    assert!(!shown.contains("s3cret"), "{shown}");
    assert!(shown.contains("redacted"));
}

#[test]
fn tls_public_url_and_the_secret_key() {
    let Ok(config) = Config::load(env(&[]), Some(Path::new("/d"))) else {
        panic!("defaults load")
    };
    assert_eq!(config.tls, None, "plain HTTP by default");
    assert_eq!(config.tls_reload, Duration::from_secs(60));
    assert!(!config.admin_auth.cookie_secure);
    let tls = Config::load(
        env(&[
            ("HUB_TLS_CERT", "/c/fullchain.pem"),
            ("HUB_TLS_KEY", "/c/key.pem"),
        ]),
        Some(Path::new("/d")),
    );
    let Ok(tls) = tls else { panic!("{tls:?}") };
    assert_eq!(
        tls.tls,
        Some(TlsFiles {
            cert: PathBuf::from("/c/fullchain.pem"),
            key: PathBuf::from("/c/key.pem"),
        })
    );
    assert!(
        tls.admin_auth.cookie_secure,
        "served over TLS: Secure cookies"
    );
    let half = Config::load(env(&[("HUB_TLS_CERT", "/c/c.pem")]), Some(Path::new("/d")));
    assert!(matches!(
        half,
        Err(ConfigError::TlsHalf {
            missing: "HUB_TLS_KEY"
        })
    ));
    let half = Config::load(env(&[("HUB_TLS_KEY", "/c/k.pem")]), Some(Path::new("/d")));
    assert!(matches!(
        half,
        Err(ConfigError::TlsHalf {
            missing: "HUB_TLS_CERT"
        })
    ));
    let reload = Config::load(
        env(&[("HUB_TLS_RELOAD_SECONDS", "0")]),
        Some(Path::new("/d")),
    );
    assert!(matches!(reload, Err(ConfigError::TlsReload { .. })));

    let proxied = Config::load(
        env(&[("PUBLIC_URL", "https://Hub.Clinic.example/admin")]),
        Some(Path::new("/d")),
    );
    let Ok(proxied) = proxied else {
        panic!("{proxied:?}")
    };
    assert!(
        proxied.admin_auth.cookie_secure,
        "https PUBLIC_URL: Secure cookies"
    );
    assert_eq!(
        proxied.public_url.as_ref().map(PublicUrl::origin),
        Some("https://hub.clinic.example")
    );
    let plain = Config::load(
        env(&[("PUBLIC_URL", "http://127.0.0.1:8000")]),
        Some(Path::new("/d")),
    );
    assert!(plain.is_ok_and(|c| !c.admin_auth.cookie_secure));
    for bad in [
        "hub.example",
        "ftp://hub.example",
        "https://user:pw@hub.example",
    ] {
        let refused = Config::load(env(&[("PUBLIC_URL", bad)]), Some(Path::new("/d")));
        assert!(
            matches!(refused, Err(ConfigError::PublicUrl { .. })),
            "{bad}"
        );
    }

    let hex = "8f1e6a0c5b7d4e3f2a1908b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7";
    let keyed = Config::load(env(&[("HUB_SECRET_KEY", hex)]), Some(Path::new("/d")));
    let Ok(keyed) = keyed else {
        panic!("{keyed:?}")
    };
    assert!(!format!("{keyed:?}").contains(hex), "never printed");
    let bad = Config::load(
        env(&[("HUB_SECRET_KEY", "too short")]),
        Some(Path::new("/d")),
    );
    assert!(matches!(bad, Err(ConfigError::SecretKey)));
}

#[test]
fn trusted_proxies_and_the_metrics_token_are_read() {
    let Ok(config) = Config::load(
        env(&[
            ("TRUSTED_PROXIES", "10.0.0.0/8, ::1"),
            ("METRICS_TOKEN", "scrape-me"),
        ]),
        Some(Path::new("/d")),
    ) else {
        panic!("valid");
    };
    assert_eq!(
        Ok(config.trusted_proxies),
        crate::state::TrustedProxies::parse("10.0.0.0/8,::1/128")
    );
    assert_eq!(
        config.metrics_token.as_ref().map(Secret::expose),
        Some("scrape-me")
    );
    let bad = Config::load(
        env(&[("TRUSTED_PROXIES", "10.0.0.0/8,10.0.0.0/40")]),
        Some(Path::new("/d")),
    );
    assert!(
        matches!(&bad, Err(ConfigError::TrustedProxies { value }) if value == "10.0.0.0/40"),
        "{bad:?}"
    );
}
