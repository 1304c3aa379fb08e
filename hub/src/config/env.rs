//! Reading one setting from the environment: a bounded number, a boolean, a secret or its
//! `_FILE`, and the groups read together (`HUB_AUTOMERGE_*`, `S3_*`).

use std::path::PathBuf;
use std::time::Duration;

use super::{ConfigError, S3Config, Secret};
use crate::pool::PoolOptions;

/// `name`, when set: a whole number in `min..=max`.
pub(super) fn number(
    env: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    min: u64,
    max: u64,
) -> Result<Option<u64>, ConfigError> {
    let Some(value) = env(name) else {
        return Ok(None);
    };
    value
        .trim()
        .parse::<u64>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .map(Some)
        .ok_or(ConfigError::OutOfRange {
            name,
            min,
            max,
            value,
        })
}

/// The `HUB_AUTOMERGE_*` settings over the defaults.
pub(super) fn pool_options(
    env: &impl Fn(&str) -> Option<String>,
) -> Result<PoolOptions, ConfigError> {
    let mut pool = PoolOptions::default();
    if let Some(n) = number(env, "HUB_AUTOMERGE_WORKERS", 1, 256)? {
        pool.workers = n as usize;
    }
    if let Some(n) = number(env, "HUB_AUTOMERGE_QUEUE", 1, 100_000)? {
        pool.queue = n as usize;
    }
    if let Some(ms) = number(env, "HUB_AUTOMERGE_BUDGET_MS", 1, 3_600_000)? {
        pool.budget = Duration::from_millis(ms);
    }
    if let Some(s) = number(env, "HUB_AUTOMERGE_WINDOW_SECONDS", 1, 86_400)? {
        pool.window = Duration::from_secs(s);
    }
    if let Some(value) = env("HUB_AUTOMERGE_LEND_IDLE") {
        pool.lend = boolean("HUB_AUTOMERGE_LEND_IDLE", &value)?;
    }
    if let Some(mb) = number(env, "HUB_DOC_CACHE_MB", 0, 65_536)? {
        pool.doc_cache_bytes = (mb as usize) << 20;
    }
    Ok(pool)
}

/// The `S3_*` settings; `None` without `S3_ENDPOINT`.
pub(super) fn s3_config(
    env: &impl Fn(&str) -> Option<String>,
) -> Result<Option<S3Config>, ConfigError> {
    let Some(endpoint) = env("S3_ENDPOINT") else {
        return Ok(None);
    };
    let endpoint = endpoint.trim().trim_end_matches('/').to_owned();
    if !(endpoint.starts_with("http://") || endpoint.starts_with("https://")) {
        return Err(ConfigError::S3Endpoint { value: endpoint });
    }
    let bucket = env("S3_BUCKET").map_or_else(|| "dermis".to_owned(), |b| b.trim().to_owned());
    let bucket_ok = (3..=63).contains(&bucket.len())
        && bucket
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-'));
    if !bucket_ok {
        return Err(ConfigError::S3Bucket { value: bucket });
    }
    let required = |name: &'static str| secret(env, name)?.ok_or(ConfigError::S3Missing { name });
    Ok(Some(S3Config {
        endpoint,
        region: env("S3_REGION").map_or_else(|| "us-east-1".to_owned(), |r| r.trim().to_owned()),
        bucket,
        access_key_id: required("S3_ACCESS_KEY_ID")?,
        secret_access_key: required("S3_SECRET_ACCESS_KEY")?,
    }))
}

/// `NAME` or the contents of the file `NAME_FILE` names (trimmed), never both.
pub(super) fn secret(
    env: &impl Fn(&str) -> Option<String>,
    name: &'static str,
) -> Result<Option<Secret>, ConfigError> {
    match (env(name), env(&format!("{name}_FILE"))) {
        (Some(_), Some(_)) => Err(ConfigError::SecretTwice { name }),
        (Some(value), None) => Ok(Some(Secret::new(value.trim()))),
        (None, Some(path)) => {
            let path = PathBuf::from(path);
            let value = std::fs::read_to_string(&path)
                .map_err(|source| ConfigError::SecretFile { name, path, source })?;
            Ok(Some(Secret::new(value.trim())))
        }
        (None, None) => Ok(None),
    }
}

pub(super) fn boolean(name: &'static str, value: &str) -> Result<bool, ConfigError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err(ConfigError::Bool {
            name,
            value: value.to_owned(),
        }),
    }
}
