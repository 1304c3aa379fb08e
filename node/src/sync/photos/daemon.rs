//! The lane's daemon: a thread of its own beside the sync daemon's document loop (and the
//! app's background sync), woken when the documents catch up with something for it
//! ([`DocsSignal`]) or by its timer, running a pass ([`Lane::pass`]) when one is due
//! ([`Rounds`]).

use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::sync::watch;

use super::{ClientCache, Gate, Lane, LaneOptions, PassEnd};
use crate::node::{Node, now};
use crate::store::{StoreError, photo_uploads};

/// The lane of the sync daemon and the app, on a thread of its own with its own store
/// connection, so reading and hashing photos never delays the documents.
pub struct LaneThread {
    stop: watch::Sender<bool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl LaneThread {
    pub fn spawn(
        data_dir: PathBuf,
        options: LaneOptions,
        docs: watch::Receiver<bool>,
    ) -> LaneThread {
        let (stop, mut stopped) = watch::channel(false);
        let thread = crate::sync::spawn_runtime_thread("dermis-photos", move || async move {
            tokio::select! {
                () = daemon(&data_dir, options, docs) => {}
                _ = stopped.wait_for(|s| *s) => {}
            }
        });
        LaneThread { stop, thread }
    }
}

impl Drop for LaneThread {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

async fn daemon(data_dir: &Path, options: LaneOptions, mut docs: watch::Receiver<bool>) {
    let mut node = loop {
        match Node::open(data_dir) {
            Ok(node) => break node,
            Err(error) => {
                tracing::warn!(%error, "the photo lane cannot open the store");
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        }
    };
    let mut lane = Lane::new(options);
    let mut clients = ClientCache::default();
    let mut rounds = Rounds::default();
    let mut wake = Wake::Timer;
    loop {
        let _ = docs.wait_for(|caught_up| *caught_up).await;
        let inputs = photo_uploads::lane_inputs(node.store.conn()).ok();
        if rounds.due(wake, inputs) {
            let pause = match lane_round(&mut lane, &mut clients, &mut node, &docs).await {
                Ok(pause) => pause,
                Err(error) => {
                    tracing::warn!(%error, "photo lane pass failed");
                    Duration::from_secs(5)
                }
            };
            rounds.ran(photo_uploads::lane_inputs(node.store.conn()).ok(), pause);
        }
        // Until something is due, or the documents caught up again (a new photo, or
        // photos from other nodes whose thumbnails are ready).
        docs.mark_unchanged();
        wake = tokio::select! {
            () = tokio::time::sleep_until(rounds.next) => Wake::Timer,
            _ = docs.changed() => Wake::Docs,
        };
    }
}

/// What woke the photo lane's daemon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wake {
    /// Its timer: something may have fallen due (or it is the first round).
    Timer,
    /// The documents caught up again.
    Docs,
}

/// When the daemon runs a pass. The documents catch up after every edit anywhere in the
/// clinic; a pass for each (a few queries on the lane's own connection) was work for
/// every workstation on every edit. Woken by the documents, it runs only when what they
/// can bring it changed ([`photo_uploads::LaneInputs`]); woken by its timer, always.
#[derive(Debug)]
pub struct Rounds {
    last: Option<photo_uploads::LaneInputs>,
    /// When the timer wakes the lane next.
    pub next: tokio::time::Instant,
}

impl Default for Rounds {
    fn default() -> Self {
        Rounds {
            last: None,
            next: tokio::time::Instant::now(),
        }
    }
}

impl Rounds {
    /// Whether to run a pass; `inputs` unknown (the query failed) runs one.
    pub fn due(&self, wake: Wake, inputs: Option<photo_uploads::LaneInputs>) -> bool {
        wake == Wake::Timer || inputs.is_none() || inputs != self.last
    }

    /// A pass ran; the lane's inputs after it, and how long until its timer.
    pub fn ran(&mut self, inputs: Option<photo_uploads::LaneInputs>, pause: Duration) {
        self.last = inputs;
        self.next = tokio::time::Instant::now() + pause;
    }
}

/// Tells the photo lane's daemon that the documents caught up on the current connection.
/// They catch up after every edit anywhere in the clinic, and waking the lane's thread for
/// each (to find, nearly always, that nothing it can act on changed) was work for every
/// workstation on every edit. So the lane is woken when the documents first catch up on a
/// connection and after that only when its inputs ([`photo_uploads::LaneInputs`], one row
/// read) changed; retries that fall due wake it by its timer.
pub struct DocsSignal {
    tx: watch::Sender<bool>,
    /// The inputs when the lane was last woken.
    told: std::cell::Cell<Option<photo_uploads::LaneInputs>>,
}

impl DocsSignal {
    /// The signal, and the receiver the lane (or its [`Gate`]) waits on.
    pub fn new() -> (DocsSignal, watch::Receiver<bool>) {
        let (tx, rx) = watch::channel(false);
        let signal = DocsSignal {
            tx,
            told: std::cell::Cell::new(None),
        };
        (signal, rx)
    }

    /// The documents caught up; `conn` reads the lane's inputs. Returns whether the lane
    /// was woken. Inputs that cannot be read wake it (it then reads them itself).
    pub fn caught_up(&self, conn: &rusqlite::Connection) -> bool {
        let inputs = if self.tx.is_closed() {
            None
        } else {
            photo_uploads::lane_inputs(conn).ok()
        };
        let told = self.told.replace(inputs);
        self.tx.send_if_modified(|caught_up| {
            let wake = !*caught_up || inputs.is_none() || inputs != told;
            *caught_up = true;
            wake
        })
    }

    /// The connection ended: the lane waits for the documents again.
    pub fn lost(&self) {
        self.tx.send_replace(false);
    }
}

async fn lane_round(
    lane: &mut Lane,
    clients: &mut ClientCache,
    node: &mut Node,
    docs: &watch::Receiver<bool>,
) -> Result<Duration, StoreError> {
    let Some(hub) = clients.client(node, &lane.options)? else {
        return Ok(Duration::from_secs(30));
    };
    let mut gate = Gate {
        docs: Some(docs.clone()),
    };
    let end = lane.pass(node, &hub, &mut gate).await?;
    if let PassEnd::Refused(reason) = &end {
        tracing::warn!(reason, "the hub refused the photo lane");
        return Ok(Duration::from_secs(60));
    }
    let next = photo_uploads::next_due_at(node.store.conn())?;
    Ok(match next {
        Some(at) => Duration::from_millis(u64::try_from(at - now()).unwrap_or(0))
            .min(Duration::from_secs(30)),
        None => Duration::from_secs(30),
    })
}
