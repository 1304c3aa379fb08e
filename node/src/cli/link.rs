//! `enroll`, `link` and `sync`: reaching the hub, and the one sync daemon per data directory.

use super::CliError;
use super::out::outln;

use crate::node::{Node, OpError};

use super::run::{runtime, usage};

/// The hub address and trust given to `enroll`.
pub(super) struct HubChoice<'a> {
    pub(super) hub: &'a str,
    pub(super) ca_file: Option<&'a std::path::Path>,
    pub(super) allow_insecure_http: bool,
}

/// A refused hub address or CA file is invalid input (exit 2), named by its option.
fn link_usage(e: crate::sync::link::LinkError) -> CliError {
    use crate::sync::link::LinkError;
    let field = match &e {
        LinkError::CaFileRead { .. } | LinkError::CaFileEmpty { .. } => "ca-file",
        LinkError::Setup { .. } => return CliError::Other(e.to_string()),
        LinkError::BadUrl { .. } | LinkError::InsecureHttp { .. } => "hub",
    };
    let mut message = e.to_string();
    if let Some(source) = std::error::Error::source(&e) {
        message.push_str(&format!(": {source}"));
    }
    usage(field, message)
}

pub(super) fn enroll(
    dir: &std::path::Path,
    choice: &HubChoice<'_>,
    code: &str,
    node_name: Option<String>,
) -> Result<(), CliError> {
    use crate::sync::{enroll, link};
    // Before anything connects: the address rule, then the CA file.
    link::check(choice.hub, choice.allow_insecure_http).map_err(link_usage)?;
    let ca_pem = choice
        .ca_file
        .map(link::read_ca_file)
        .transpose()
        .map_err(link_usage)?;
    let hub =
        link::HubLink::new(choice.hub, choice.allow_insecure_http, ca_pem).map_err(link_usage)?;
    let existing = Node::open(dir).ok().map(|n| n.identity.node_name);
    let name = node_name
        .or(existing)
        .unwrap_or_else(|| hostname_or("workstation"));
    let mut errors = dermis_model::ValidationErrors::default();
    let name =
        dermis_model::validate::text_field(&mut errors, "node_name", &name, true, 100, false);
    errors.into_result(()).map_err(OpError::from)?;
    let name = name.unwrap_or_default();
    let enrolled = runtime()?
        .block_on(enroll::request(&hub, code, &name))
        .map_err(|e| CliError::Other(e.to_string()))?;
    let node =
        enroll::apply(dir, &hub, &enrolled, &name).map_err(|e| CliError::Other(e.to_string()))?;
    outln!("{}", node.identity.node_id);
    Ok(())
}

/// `sync --ca-file` and `sync --allow-insecure-http`: kept in the store for every later
/// sync (the daemon's, the app's).
pub(super) fn keep_link_choices(
    dir: &std::path::Path,
    ca_file: Option<&std::path::Path>,
    allow_insecure_http: bool,
) -> Result<(), CliError> {
    use crate::sync::{link, state};
    if ca_file.is_none() && !allow_insecure_http {
        return Ok(());
    }
    let ca_pem = ca_file
        .map(link::read_ca_file)
        .transpose()
        .map_err(link_usage)?;
    let node = Node::open(dir)?;
    let conn = node.store.conn();
    if let Some(pem) = ca_pem {
        state::set(conn, state::HUB_CA_PEM, &String::from_utf8_lossy(&pem))?;
    }
    if allow_insecure_http {
        state::set(conn, state::HUB_ALLOW_INSECURE_HTTP, "true")?;
    }
    Ok(())
}

fn hostname_or(fallback: &str) -> String {
    std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| fallback.to_owned())
}

pub(super) fn sync(
    dir: &std::path::Path,
    once: bool,
    timeout: u64,
    report: bool,
    photos: bool,
) -> Result<(), CliError> {
    use crate::sync::client::{SyncOptions, run};
    if photos && !once {
        return Err(usage("photos", "--photos goes with --once"));
    }
    let options = SyncOptions {
        once,
        timeout: std::time::Duration::from_secs(timeout.max(1)),
        wait_photos: photos,
        ..SyncOptions::default()
    };
    let rt = runtime()?;
    let lock = if once { None } else { Some(daemon_lock(dir)?) };
    let result = rt.block_on(async {
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        #[cfg(unix)]
        let shutdown = async {
            let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
            tokio::select! {
                () = shutdown => {}
                _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending::<()>().await } } => {}
            }
        };
        run(dir, options, shutdown).await
    });
    drop(lock);
    let summary = result.map_err(|e| match e {
        crate::sync::client::SyncError::Link(e) => link_usage(e),
        other => CliError::Other(other.to_string()),
    })?;
    if once && summary.photos.photos_pending > 0 {
        eprintln!(
            "note: {} photos ({} bytes) are still uploading; they continue at the next sync (`sync --once --photos` waits for them)",
            summary.photos.photos_pending, summary.photos.photo_bytes_pending
        );
    }
    if report {
        let mut value = serde_json::to_value(&summary).unwrap_or_default();
        value["peak_rss_mb"] = serde_json::json!(peak_rss_mb());
        if crate::phases::wanted() {
            value["phases"] = crate::phases::figures();
        }
        outln!("{value}");
    }
    Ok(())
}

/// Peak resident memory of this process (Linux), for `--report`.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

/// One sync daemon per data dir: a second one would only double the traffic.
fn daemon_lock(dir: &std::path::Path) -> Result<std::fs::File, CliError> {
    match crate::sync::background::try_lock(dir) {
        Ok(Some(file)) => Ok(file),
        Ok(None) => Err(CliError::Other(
            crate::sync::client::SyncError::AlreadyRunning.to_string(),
        )),
        Err(e) => Err(CliError::Other(format!(
            "cannot lock {}: {e}",
            dir.join("sync.lock").display()
        ))),
    }
}
