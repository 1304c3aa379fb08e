//! The photo lane: originals go up to the hub and thumbnails come down, over HTTP on a
//! connection of their own, only once the clinical documents are caught up, and never in
//! their way. Uploads are chunked and resumable: every attempt first asks the hub how
//! much it holds and continues from there, so a link cut every few seconds still gets a
//! photo through without starting over. The sync daemon and the app run the lane on a
//! thread of its own ([`LaneThread`]); `sync --once` runs [`run_once`] after the
//! documents are synced.

pub mod cache;
mod daemon;
pub mod fetch;
pub mod http;
pub mod upload;

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::time::Duration;

use dermis_model::Millis;
use rand::Rng;
use serde::Serialize;
use sha2::{Digest, Sha256};
use tokio::sync::watch;

pub use self::daemon::{DocsSignal, LaneThread, Rounds, Wake};
use self::http::{DownloadError, HttpOptions, HubPhotos, Variant};
use self::upload::{Answer, Backoff, ChunkSizer, Next, Step, UploadRow};
use super::link::{HubLink, LinkSetupError};
use super::state;
use crate::atrest::seal::SealedReader;
use crate::node::{Node, now};
use crate::ops::photos::{blob_path, thumb_path};
use crate::store::{StoreError, photo_uploads};

/// Gives an upload row to every photo whose original this node holds but which has
/// none (photos imported before schema 3); once per store.
pub fn backfill(conn: &rusqlite::Connection, data_dir: &Path) -> Result<usize, StoreError> {
    photo_uploads::backfill(conn, |sha| blob_path(data_dir, sha).is_file(), now())
}

/// The environment variable that sets the upload chunk size in bytes.
pub const CHUNK_BYTES_ENV: &str = "DERMIS_PHOTO_CHUNK_BYTES";
pub const DEFAULT_CHUNK_BYTES: u64 = 1024 * 1024;
/// The hub refuses chunks over 4 MiB.
pub const MAX_CHUNK_BYTES: u64 = 4 * 1024 * 1024;
/// Gallery thumbnails are small; anything bigger is not one.
const MAX_THUMBNAIL_BYTES: u64 = 4 * 1024 * 1024;

#[derive(Clone, Debug)]
pub struct LaneOptions {
    /// Largest chunk sent (1 MiB by default; at most 4 MiB).
    pub chunk_bytes: u64,
    /// Smallest chunk a flaky link shrinks it to.
    pub min_chunk_bytes: u64,
    pub backoff: Backoff,
    pub http: HttpOptions,
    /// The fetch cache bound.
    pub cache_bytes: u64,
    /// The largest image accepted from the hub.
    pub max_photo_bytes: u64,
}

impl Default for LaneOptions {
    fn default() -> Self {
        LaneOptions {
            chunk_bytes: DEFAULT_CHUNK_BYTES,
            min_chunk_bytes: 64 * 1024,
            backoff: Backoff {
                min: Duration::from_secs(1),
                max: Duration::from_secs(60),
            },
            http: HttpOptions::default(),
            cache_bytes: cache::DEFAULT_CACHE_BYTES,
            max_photo_bytes: dermis_model::photo::DEFAULT_MAX_PHOTO_BYTES,
        }
    }
}

impl LaneOptions {
    /// The defaults with `DERMIS_PHOTO_CHUNK_BYTES`, `DERMIS_PHOTO_CACHE_BYTES` and
    /// `DERMIS_MAX_PHOTO_BYTES` applied.
    pub fn from_env() -> LaneOptions {
        let chunk = std::env::var(CHUNK_BYTES_ENV)
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|v| *v > 0)
            .unwrap_or(DEFAULT_CHUNK_BYTES)
            .min(MAX_CHUNK_BYTES);
        LaneOptions {
            chunk_bytes: chunk,
            min_chunk_bytes: (64 * 1024).min(chunk),
            cache_bytes: cache::limit_from_env(),
            max_photo_bytes: crate::ops::photos::max_bytes_from_env(),
            ..LaneOptions::default()
        }
    }
}

/// What the lane did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LaneReport {
    pub photos_uploaded: u64,
    pub photos_failed: u64,
    /// Bytes of chunk bodies sent (resends after cuts included).
    pub photo_bytes_sent: u64,
    pub thumbnails_fetched: u64,
    /// Left to upload when the run ended.
    pub photos_pending: i64,
    pub photo_bytes_pending: i64,
}

/// When the lane may send: after the documents caught up, while the sync connection
/// lives, and not once asked to stop.
#[derive(Clone, Debug, Default)]
pub struct Gate {
    /// `true` once the documents are caught up on the current connection.
    pub docs: Option<watch::Receiver<bool>>,
}

impl Gate {
    /// Waits until the documents are caught up. With pending document changes in the
    /// outbox, waits up to two seconds for them to go first. Without `docs` (`--once`,
    /// which runs the lane after the documents), always open.
    async fn open(&mut self, node: &Node) {
        let Some(docs) = self.docs.as_mut() else {
            return;
        };
        let _ = docs.wait_for(|caught_up| *caught_up).await;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
        while tokio::time::Instant::now() < deadline && outbox_waiting(node) {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

fn outbox_waiting(node: &Node) -> bool {
    crate::store::sync_rows::outbox_has_waiting(node.store.conn()).unwrap_or(false)
}

/// How a pass ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PassEnd {
    /// Nothing is due now.
    Idle,
    /// An upload failed and waits for its backoff: the hub is likely out of reach.
    Waiting,
    /// The hub refused this node.
    Refused(String),
}

/// The lane's state across passes.
pub struct Lane {
    pub options: LaneOptions,
    pub report: LaneReport,
    sizer: ChunkSizer,
    /// Thumbnails the hub did not have, and when to ask again.
    thumbs_later: HashMap<String, Millis>,
}

impl Lane {
    pub fn new(options: LaneOptions) -> Lane {
        Lane {
            sizer: ChunkSizer::new(options.chunk_bytes, options.min_chunk_bytes),
            options,
            report: LaneReport::default(),
            thumbs_later: HashMap::new(),
        }
    }

    /// One pass: every due upload, then the gallery thumbnails this node lacks.
    pub async fn pass(
        &mut self,
        node: &mut Node,
        hub: &HubPhotos,
        gate: &mut Gate,
    ) -> Result<PassEnd, StoreError> {
        backfill(node.store.conn(), node.data_dir())?;
        let end = loop {
            let Some(mut row) = photo_uploads::due(node.store.conn(), now(), 1)?.pop() else {
                break PassEnd::Idle;
            };
            match self.upload_one(node, hub, &mut row, gate).await? {
                Step::Uploaded | Step::Failed | Step::Continue => {}
                Step::RetryLater if row.next_attempt_at <= now() => {}
                Step::RetryLater => break PassEnd::Waiting,
                Step::Stop(reason) => return Ok(PassEnd::Refused(reason)),
            }
        };
        if end == PassEnd::Idle
            && let Err(DownloadError::Unauthorized { reason }) =
                self.fetch_thumbnails(node, hub, gate).await
        {
            return Ok(PassEnd::Refused(reason));
        }
        Ok(end)
    }

    #[tracing::instrument(skip_all, fields(photo = %row.photo_id), err)]
    async fn upload_one(
        &mut self,
        node: &mut Node,
        hub: &HubPhotos,
        row: &mut UploadRow,
        gate: &mut Gate,
    ) -> Result<Step, StoreError> {
        let path = blob_path(node.data_dir(), &row.sha256);
        let mut file = match verify_original(node.data_dir(), &path, &row.sha256, row.size) {
            Ok(file) => file,
            Err(reason) => {
                tracing::warn!(reason, "a photo original cannot be uploaded");
                row.fail_local(reason);
                photo_uploads::save(node.store.conn(), row, now())?;
                self.report.photos_failed += 1;
                return Ok(Step::Failed);
            }
        };
        let mut probed = false;
        loop {
            gate.open(node).await;
            let answer = match row.next(probed, self.sizer.chunk()) {
                Next::Finished => return Ok(Step::Continue),
                Next::Probe => {
                    probed = true;
                    hub.status(&row.sha256, &row.patient_id, &row.photo_id)
                        .await
                }
                Next::Send { offset, len } => {
                    let chunk = match read_chunk(&mut file, offset, len) {
                        Ok(chunk) => chunk,
                        Err(source) => return Err(StoreError::Io { path, source }),
                    };
                    self.report.photo_bytes_sent += len;
                    let answer = hub
                        .put(
                            &row.sha256,
                            offset,
                            row.size,
                            &row.patient_id,
                            &row.photo_id,
                            chunk,
                        )
                        .await;
                    match answer {
                        Answer::Transient { .. } => self.sizer.cut(),
                        Answer::Status { .. } => self.sizer.sent(),
                        _ => {}
                    }
                    answer
                }
            };
            let jitter = rand::rng().random_range(0.5..=1.0);
            let step = row.apply(answer, now(), &self.options.backoff, jitter);
            photo_uploads::save(node.store.conn(), row, now())?;
            match step {
                Step::Continue => {}
                Step::Uploaded => {
                    self.report.photos_uploaded += 1;
                    // The hub holds it: from now on it is a cache entry like any other.
                    cache::touch(
                        node.store.conn(),
                        &row.sha256,
                        cache::Kind::Blob,
                        row.size,
                        now(),
                    )?;
                    cache::evict(
                        node.store.conn(),
                        node.data_dir(),
                        self.options.cache_bytes,
                        None,
                    )?;
                    return Ok(step);
                }
                Step::Failed => {
                    tracing::warn!(reason = ?row.last_error, "the hub refused a photo for good");
                    self.report.photos_failed += 1;
                    return Ok(step);
                }
                Step::RetryLater | Step::Stop(_) => {
                    tracing::info!(reason = ?row.last_error, "photo upload interrupted");
                    return Ok(step);
                }
            }
        }
    }

    /// Gallery thumbnails of photos the hub has processed and this node has no
    /// thumbnail of (photos taken on other nodes).
    async fn fetch_thumbnails(
        &mut self,
        node: &mut Node,
        hub: &HubPhotos,
        gate: &mut Gate,
    ) -> Result<(), DownloadError> {
        let missing = missing_thumbnails(node).unwrap_or_default();
        for sha in missing {
            if self.thumbs_later.get(&sha).is_some_and(|t| *t > now()) {
                continue;
            }
            gate.open(node).await;
            match hub
                .download(&sha, Variant::Gallery, MAX_THUMBNAIL_BYTES)
                .await
            {
                Ok(bytes) => {
                    if dermis_model::photo::PhotoMime::sniff(&bytes).is_none() {
                        self.thumbs_later.insert(sha, now() + 300_000);
                        continue;
                    }
                    match crate::atrest::seal::store_file(
                        node.data_dir(),
                        &thumb_path(node.data_dir(), &sha),
                        &bytes,
                    ) {
                        Ok(()) => self.report.thumbnails_fetched += 1,
                        Err(error) => {
                            tracing::warn!(%error, "cannot store a fetched thumbnail");
                            return Ok(());
                        }
                    }
                }
                Err(DownloadError::NotFound | DownloadError::TooLarge { .. }) => {
                    self.thumbs_later.insert(sha, now() + 60_000);
                }
                Err(e @ DownloadError::Unauthorized { .. }) => return Err(e),
                Err(DownloadError::Unreachable { reason }) => {
                    tracing::info!(reason, "thumbnail fetch interrupted");
                    return Ok(());
                }
            }
        }
        Ok(())
    }
}

fn missing_thumbnails(node: &Node) -> Result<Vec<String>, StoreError> {
    let mut out = Vec::new();
    for sha in crate::store::photo_cache::thumbnails_ready(node.store.conn())? {
        if !thumb_path(node.data_dir(), &sha).is_file() {
            out.push(sha);
        }
    }
    Ok(out)
}

/// Opens the original and checks it is whole: the right size and hash. A damaged or
/// missing original is reported, never sent.
fn verify_original(
    data_dir: &Path,
    path: &Path,
    sha256: &str,
    size: u64,
) -> Result<SealedReader<std::fs::File>, String> {
    let mut file = crate::atrest::seal::open_file(data_dir, path)
        .map_err(|e| format!("the original is missing on this node ({e})"))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut total = 0u64;
    loop {
        let n = file
            .read(&mut buf)
            .map_err(|e| format!("the original cannot be read ({e})"))?;
        if n == 0 {
            break;
        }
        total += n as u64;
        hasher.update(&buf[..n]);
    }
    if total != size || hex::encode(hasher.finalize()) != sha256 {
        return Err("the original on this node is damaged (its hash does not match)".into());
    }
    Ok(file)
}

fn read_chunk(
    file: &mut SealedReader<std::fs::File>,
    offset: u64,
    len: u64,
) -> std::io::Result<Vec<u8>> {
    file.seek(SeekFrom::Start(offset))?;
    let mut chunk = vec![0u8; usize::try_from(len).unwrap_or(0)];
    file.read_exact(&mut chunk)?;
    Ok(chunk)
}

/// The hub client for the node's stored hub address, trust and token.
pub fn hub_client(node: &Node, options: &LaneOptions) -> Result<Option<HubPhotos>, StoreError> {
    ClientCache::default().client(node, options)
}

/// What a photo client is made from: a client is reused while these stay the same.
#[derive(PartialEq, Eq)]
struct ClientKey {
    base: String,
    transport: &'static str,
    ca_pem: Option<Vec<u8>>,
    token: String,
}

/// The daemon's photo client, made again only when the stored hub address, trust or token
/// changes (enrollment, a rotated token). Making one loads the system's trusted roots
/// (hundreds of PEM files): done on every pass, it was a third of a busy clinic's CPU,
/// since a pass follows each caught-up sync.
#[derive(Default)]
pub struct ClientCache {
    made: Option<(ClientKey, HubPhotos)>,
    count: u64,
}

impl ClientCache {
    /// How many clients this cache has made.
    pub fn made(&self) -> u64 {
        self.count
    }

    /// The client for the stored hub address, trust and token: the one made last while
    /// they are unchanged.
    pub fn client(
        &mut self,
        node: &Node,
        options: &LaneOptions,
    ) -> Result<Option<HubPhotos>, StoreError> {
        let conn = node.store.conn();
        let Some(token) = state::get(conn, state::HUB_TOKEN)? else {
            return Ok(None);
        };
        let link = match HubLink::from_store(conn) {
            Ok(Some(link)) => link,
            Ok(None) => return Ok(None),
            Err(LinkSetupError::Store(e)) => return Err(e),
            Err(LinkSetupError::Link(e)) => {
                tracing::warn!(error = %e, "cannot reach the hub for photos");
                return Ok(None);
            }
        };
        let key = ClientKey {
            base: link.base().to_owned(),
            transport: link.transport().as_str(),
            ca_pem: link.ca_pem().map(<[u8]>::to_vec),
            token,
        };
        if let Some((made, hub)) = &self.made
            && *made == key
        {
            return Ok(Some(hub.clone()));
        }
        self.made = None;
        match HubPhotos::new(&link, &key.token, options.http) {
            Ok(hub) => {
                self.count += 1;
                self.made = Some((key, hub.clone()));
                Ok(Some(hub))
            }
            Err(reason) => {
                tracing::warn!(reason, "cannot make the photo client");
                Ok(None)
            }
        }
    }
}

fn fill_pending(node: &Node, report: &mut LaneReport) -> Result<(), StoreError> {
    let figures = photo_uploads::figures(node.store.conn())?;
    report.photos_pending = figures.pending;
    report.photo_bytes_pending = figures.pending_bytes;
    Ok(())
}

/// `sync --once`: the lane after the documents are synced, until `deadline`. Without
/// `wait`, one pass (an upload cut by the link waits for the next run); with `wait`,
/// until every photo is uploaded or refused for good.
pub async fn run_once(
    node: &mut Node,
    options: LaneOptions,
    wait: bool,
    deadline: tokio::time::Instant,
) -> Result<LaneReport, StoreError> {
    let mut lane = Lane::new(options);
    let Some(hub) = hub_client(node, &lane.options)? else {
        fill_pending(node, &mut lane.report)?;
        return Ok(lane.report);
    };
    let mut gate = Gate::default();
    let work = async {
        loop {
            let end = lane.pass(node, &hub, &mut gate).await?;
            if !wait || matches!(end, PassEnd::Refused(_)) {
                break;
            }
            let Some(next) = photo_uploads::next_due_at(node.store.conn())? else {
                break;
            };
            let pause = u64::try_from(next - now()).unwrap_or(0);
            tokio::time::sleep(Duration::from_millis(pause)).await;
        }
        Ok::<(), StoreError>(())
    };
    match tokio::time::timeout_at(deadline, work).await {
        Ok(result) => result?,
        Err(_elapsed) => tracing::info!("photo lane stopped at the sync timeout"),
    }
    fill_pending(node, &mut lane.report)?;
    Ok(lane.report)
}
