//! The settings that bound what the hub takes on: the staging quota, HTTP limits, the
//! frame size, the sync features offered, the Automerge pool and group commits.

use super::*;

#[test]
fn the_staging_quota_must_hold_one_photo() {
    let load = |pairs: &[(&str, &str)]| Config::load(env(pairs), Some(Path::new("/d")));
    let refused = load(&[("HUB_STAGING_QUOTA_BYTES", "1000000")]);
    assert!(
        matches!(
            refused,
            Err(ConfigError::StagingBelowPhoto {
                quota: 1_000_000,
                photo_max: 26_214_400
            })
        ),
        "{refused:?}"
    );
    let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.contains("HUB_STAGING_QUOTA_BYTES") && message.contains("PHOTO_MAX_BYTES"),
        "{message}"
    );
    let refused = load(&[
        ("PHOTO_MAX_BYTES", "1073741824"),
        ("HUB_STAGING_QUOTA_BYTES", "1073741823"),
    ]);
    assert!(
        matches!(refused, Err(ConfigError::StagingBelowPhoto { .. })),
        "{refused:?}"
    );
    assert!(
        load(&[("PHOTO_MAX_BYTES", "1073741824")]).is_ok(),
        "the default quota (1 GiB) holds the largest photo allowed"
    );
    assert!(
        load(&[
            ("HUB_STAGING_QUOTA_BYTES", "1000000"),
            ("PHOTO_MAX_BYTES", "1000000")
        ])
        .is_ok(),
        "equal is enough"
    );
    assert!(load(&[]).is_ok(), "the defaults agree");
}

#[test]
fn http_limits_are_read_and_bounded() {
    let http =
        |pairs: &[(&str, &str)]| Config::load(env(pairs), Some(Path::new("/d"))).map(|c| c.http);
    assert_eq!(http(&[]).ok(), Some(crate::settings::HttpLimits::default()));
    let set = http(&[
        ("HUB_MAX_CONNECTIONS", "64"),
        ("HUB_MAX_CONNECTIONS_PER_ADDRESS", "4"),
        ("HUB_HEADER_TIMEOUT_SECONDS", "5"),
        ("HUB_REQUEST_TIMEOUT_SECONDS", "60"),
        ("HUB_MAX_HEADER_BYTES", "16384"),
        ("HUB_MAX_BODY_BYTES", "1048576"),
    ])
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (
            set.max_connections,
            set.max_per_address,
            set.max_header_bytes,
            set.max_body_bytes
        ),
        (64, 4, 16_384, 1_048_576)
    );
    assert_eq!(set.header_timeout, Duration::from_secs(5));
    assert_eq!(set.request_timeout, Duration::from_secs(60));
    for (name, bad) in [
        ("HUB_MAX_CONNECTIONS", "0"),
        ("HUB_MAX_CONNECTIONS_PER_ADDRESS", "0"),
        ("HUB_HEADER_TIMEOUT_SECONDS", "0"),
        ("HUB_MAX_HEADER_BYTES", "100"),
        ("HUB_MAX_BODY_BYTES", "lots"),
    ] {
        assert!(
            matches!(http(&[(name, bad)]), Err(ConfigError::OutOfRange { name: n, .. }) if n == name),
            "{name}={bad}"
        );
    }
}

#[test]
fn the_frame_limit_is_read_and_bounded() {
    let frame = |pairs: &[(&str, &str)]| {
        Config::load(env(pairs), Some(Path::new("/d"))).map(|c| c.max_frame_bytes)
    };
    assert_eq!(frame(&[]).ok(), Some(8 * 1024 * 1024));
    assert_eq!(
        frame(&[("HUB_MAX_FRAME_BYTES", "65536")]).ok(),
        Some(65_536)
    );
    assert_eq!(
        frame(&[("HUB_MAX_FRAME_BYTES", "268435456")]).ok(),
        Some(268_435_456)
    );
    for bad in ["65535", "268435457", "8m", "-1"] {
        assert!(
            matches!(
                frame(&[("HUB_MAX_FRAME_BYTES", bad)]),
                Err(ConfigError::OutOfRange {
                    name: "HUB_MAX_FRAME_BYTES",
                    ..
                })
            ),
            "{bad}"
        );
    }
}

/// An operator may stop offering revision 6's index rows, revision 7's compressed
/// frames, revision 8's appointments first or revision 9's rows with fetched documents
/// (docs/SYNC.md); each is on unless turned off, and a word that is not a boolean is
/// refused with the variable's name rather than read as either.
#[test]
fn the_sync_features_are_on_unless_turned_off() {
    let features = |pairs: &[(&str, &str)]| {
        Config::load(env(pairs), Some(Path::new("/d")))
            .map(|c| (c.sync_boot_rows, c.sync_compressed_frames))
    };
    assert_eq!(features(&[]).ok(), Some((true, true)));
    assert_eq!(
        features(&[("HUB_SYNC_BOOT_ROWS", "false")]).ok(),
        Some((false, true))
    );
    assert_eq!(
        features(&[("HUB_SYNC_COMPRESSED_FRAMES", "off")]).ok(),
        Some((true, false))
    );
    let first = |pairs: &[(&str, &str)]| {
        Config::load(env(pairs), Some(Path::new("/d"))).map(|c| c.sync_boot_first)
    };
    assert_eq!(first(&[]).ok(), Some(true));
    assert_eq!(first(&[("HUB_SYNC_BOOT_FIRST", "false")]).ok(), Some(false));
    let fetch_rows = |pairs: &[(&str, &str)]| {
        Config::load(env(pairs), Some(Path::new("/d"))).map(|c| c.sync_fetch_rows)
    };
    assert_eq!(fetch_rows(&[]).ok(), Some(true));
    assert_eq!(
        fetch_rows(&[("HUB_SYNC_FETCH_ROWS", "false")]).ok(),
        Some(false)
    );
    for name in [
        "HUB_SYNC_BOOT_ROWS",
        "HUB_SYNC_COMPRESSED_FRAMES",
        "HUB_SYNC_BOOT_FIRST",
        "HUB_SYNC_FETCH_ROWS",
    ] {
        assert!(
            matches!(
                features(&[(name, "maybe")]),
                Err(ConfigError::Bool { name: n, .. }) if n == name
            ),
            "{name}"
        );
    }
}

#[test]
fn automerge_pool_settings() {
    let Ok(config) = Config::load(env(&[]), Some(Path::new("/d"))) else {
        panic!("defaults load")
    };
    assert_eq!(config.pool, PoolOptions::default());
    assert_eq!(config.pool.queue, 64);
    assert_eq!(config.pool.budget, Duration::from_secs(3));
    assert_eq!(config.pool.window, Duration::from_secs(10));
    assert!(config.pool.lend, "idle workers are lent by default");
    assert_eq!(config.pool.doc_cache_bytes, 64 << 20);
    let set = Config::load(
        env(&[
            ("HUB_AUTOMERGE_WORKERS", "3"),
            ("HUB_AUTOMERGE_QUEUE", "8"),
            ("HUB_AUTOMERGE_BUDGET_MS", "500"),
            ("HUB_AUTOMERGE_WINDOW_SECONDS", "60"),
            ("HUB_AUTOMERGE_LEND_IDLE", "false"),
            ("HUB_DOC_CACHE_MB", "0"),
        ]),
        Some(Path::new("/d")),
    );
    let Ok(set) = set else { panic!("{set:?}") };
    assert_eq!(
        set.pool,
        PoolOptions {
            workers: 3,
            queue: 8,
            budget: Duration::from_millis(500),
            window: Duration::from_secs(60),
            lend: false,
            doc_cache_bytes: 0,
        }
    );
    for (name, value) in [
        ("HUB_AUTOMERGE_WORKERS", "0"),
        ("HUB_AUTOMERGE_QUEUE", "many"),
        ("HUB_AUTOMERGE_BUDGET_MS", "-1"),
        ("HUB_AUTOMERGE_WINDOW_SECONDS", "86401"),
        ("HUB_DOC_CACHE_MB", "65537"),
        ("HUB_DOC_CACHE_MB", "lots"),
    ] {
        let refused = Config::load(env(&[(name, value)]), Some(Path::new("/d")));
        assert!(
            matches!(&refused, Err(ConfigError::OutOfRange { name: n, .. }) if *n == name),
            "{name}={value}: {refused:?}"
        );
    }
    let refused = Config::load(
        env(&[("HUB_AUTOMERGE_LEND_IDLE", "sometimes")]),
        Some(Path::new("/d")),
    );
    assert!(
        matches!(&refused, Err(ConfigError::Bool { name, .. }) if *name == "HUB_AUTOMERGE_LEND_IDLE"),
        "{refused:?}"
    );
}

#[test]
fn group_commit_size() {
    let Ok(config) = Config::load(env(&[]), Some(Path::new("/d"))) else {
        panic!("defaults load")
    };
    assert_eq!(config.group_commit, crate::store::GROUP_COMMIT_MAX);
    let set = Config::load(env(&[("HUB_GROUP_COMMIT_MAX", "1")]), Some(Path::new("/d")));
    let Ok(set) = set else { panic!("{set:?}") };
    assert_eq!(set.group_commit, 1, "1: a transaction per push");
    for value in ["0", "1001", "all"] {
        let refused = Config::load(
            env(&[("HUB_GROUP_COMMIT_MAX", value)]),
            Some(Path::new("/d")),
        );
        assert!(
            matches!(
                &refused,
                Err(ConfigError::OutOfRange {
                    name: "HUB_GROUP_COMMIT_MAX",
                    ..
                })
            ),
            "{value}: {refused:?}"
        );
    }
}
