//! The backend worker: one thread that owns the [`crate::node::Node`] (and so the only SQLite
//! connection of the window) and the signed-in session. The UI talks to it through a
//! bounded command channel and gets replies back on a second channel, then asks egui
//! for a repaint; a frame never waits on storage. This is rerun's command-sender pattern.
//!
//! The worker is also the permission boundary of the window: the session lives here,
//! set only by a successful login, and every command goes through `ops`, which checks
//! the role again whatever the UI showed.

mod calendar;
mod clinic;
pub mod folders;
mod handlers;
mod journal;
mod printouts;
pub mod protocol;
mod reads;
mod shifts;
mod watch;

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub use clinic::{ClinicCommand, ClinicForm, ClinicReply, ClinicView};
pub use protocol::*;
pub use shifts::{ShiftCommand, ShiftReply, ShiftView};

/// Commands that may wait for the worker at once. A full queue makes the UI keep the
/// command and try again next frame rather than block.
pub const COMMAND_CAPACITY: usize = 64;

/// Could not start the worker thread.
#[derive(Debug, thiserror::Error)]
#[error("cannot start the storage thread")]
pub struct SpawnError {
    #[source]
    source: std::io::Error,
}

/// What the worker needs besides its data directory.
#[derive(Clone, Debug)]
pub struct BackendConfig {
    pub data_dir: PathBuf,
    pub max_photo_bytes: u64,
    /// What opens a receipt written for printing.
    pub viewer: crate::gui::Viewer,
}

/// Set by the UI on its first frame; the worker pokes it after each reply.
type Waker = Arc<OnceLock<egui::Context>>;

/// The UI's end of the worker.
pub struct Backend {
    commands: Option<SyncSender<Command>>,
    replies: Receiver<Reply>,
    /// Replies taken off the channel while waiting, not yet handed to the UI.
    buffered: VecDeque<Reply>,
    /// Commands sent and not yet finished by the worker.
    in_flight: Arc<AtomicUsize>,
    waker: Waker,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backend")
            .field("in_flight", &self.in_flight.load(Ordering::SeqCst))
            .finish_non_exhaustive()
    }
}

impl Backend {
    /// Starts the worker. It opens the store at once and answers with `Ready` or
    /// `NeedsSetup` (or a failure).
    pub fn spawn(config: BackendConfig) -> Result<Backend, SpawnError> {
        let (command_tx, command_rx) = mpsc::sync_channel(COMMAND_CAPACITY);
        let (reply_tx, reply_rx) = mpsc::channel();
        let in_flight = Arc::new(AtomicUsize::new(1));
        let waker: Waker = Arc::new(OnceLock::new());
        let worker = Worker {
            state: handlers::State::new(config),
            replies: reply_tx,
            in_flight: Arc::clone(&in_flight),
            waker: Arc::clone(&waker),
        };
        let thread = std::thread::Builder::new()
            .name("dermis-backend".into())
            .spawn(move || worker.run(command_rx))
            .map_err(|source| SpawnError { source })?;
        Ok(Backend {
            commands: Some(command_tx),
            replies: reply_rx,
            buffered: VecDeque::new(),
            in_flight,
            waker,
            thread: Some(thread),
        })
    }

    /// Lets the worker wake the UI when a reply is ready.
    pub fn set_waker(&self, ctx: &egui::Context) {
        if self.waker.get().is_none() {
            let _ = self.waker.set(ctx.clone());
        }
    }

    /// Queues a command without blocking; gives it back when the queue is full.
    pub fn try_send(&mut self, command: Command) -> Result<(), Box<Command>> {
        let Some(sender) = &self.commands else {
            return Err(Box::new(command));
        };
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        match sender.try_send(command) {
            Ok(()) => Ok(()),
            Err(TrySendError::Full(command) | TrySendError::Disconnected(command)) => {
                self.in_flight.fetch_sub(1, Ordering::SeqCst);
                Err(Box::new(command))
            }
        }
    }

    /// The next reply, if one is ready. Never blocks.
    pub fn try_recv(&mut self) -> Option<Reply> {
        self.buffered
            .pop_front()
            .or_else(|| self.replies.try_recv().ok())
    }

    /// Whether every command sent so far has been answered and every reply handed over.
    pub fn is_idle(&mut self) -> bool {
        if self.in_flight.load(Ordering::SeqCst) != 0 {
            return false;
        }
        // Replies are sent before the count drops, so any left are in the channel now.
        if let Ok(reply) = self.replies.try_recv() {
            self.buffered.push_back(reply);
        }
        self.buffered.is_empty()
    }

    /// Blocks until a reply arrives or `timeout` passes. For tests and benchmarks that
    /// drive the UI frame by frame; UI code never calls it.
    pub fn wait_for_reply(&mut self, timeout: Duration) -> bool {
        if !self.buffered.is_empty() {
            return true;
        }
        match self.replies.recv_timeout(timeout) {
            Ok(reply) => {
                self.buffered.push_back(reply);
                true
            }
            Err(_) => false,
        }
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        // Closing the channel ends the worker after the command it is running.
        self.commands = None;
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::error!("the storage thread panicked");
        }
    }
}

struct Worker {
    state: handlers::State,
    replies: mpsc::Sender<Reply>,
    in_flight: Arc<AtomicUsize>,
    waker: Waker,
}

impl Worker {
    fn run(mut self, commands: Receiver<Command>) {
        let opened = self.state.open();
        self.send(opened);
        self.finished(1);
        let mut schedule = watch::Schedule::new(Instant::now());
        let mut telling = watch::Telling::default();
        loop {
            match commands.recv_timeout(schedule.wait(Instant::now())) {
                Ok(first) => {
                    schedule.commands_arrived(Instant::now());
                    let mut batch = vec![first];
                    batch.extend(commands.try_iter());
                    let count = batch.len();
                    for command in superseded_removed(batch) {
                        let replies = self.state.handle(command);
                        self.send(replies);
                    }
                    self.state.flush_audit(false);
                    self.finished(count);
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    self.state.flush_audit(true);
                    return;
                }
            }
            let due = schedule.due(Instant::now());
            if due.idle_flush {
                self.state.flush_audit(true);
            }
            // After a batch too, not only when idle. `data_version` moves only for other
            // connections' commits, so the window's own writes never count as a change.
            if due.look {
                let changed = self.state.changed_elsewhere();
                if telling.looked(Instant::now(), changed) {
                    self.send(vec![Reply::StoreChanged]);
                }
            }
        }
    }

    fn send(&self, replies: Vec<Reply>) {
        for reply in replies {
            // The UI has gone: nothing left to tell.
            if self.replies.send(reply).is_err() {
                return;
            }
        }
        if let Some(ctx) = self.waker.get() {
            ctx.request_repaint();
        }
    }

    fn finished(&self, count: usize) {
        self.in_flight.fetch_sub(count, Ordering::SeqCst);
        if let Some(ctx) = self.waker.get() {
            ctx.request_repaint();
        }
    }
}

/// Drops searches and quotes that a later one of the same kind in the batch replaces:
/// typing fast sends one query per key, and only the last answer is wanted.
fn superseded_removed(batch: Vec<Command>) -> Vec<Command> {
    let kind = |c: &Command| match c {
        Command::SearchPatients { .. } => Some(0),
        Command::FindProducts { .. } => Some(1),
        Command::Quote { .. } => Some(2),
        Command::Book(BookCommand::FindPatients { .. }) => Some(3),
        Command::SearchJournal { .. } => Some(3),
        _ => None,
    };
    let mut keep = vec![true; batch.len()];
    for (i, command) in batch.iter().enumerate() {
        if let Some(k) = kind(command)
            && batch[i + 1..].iter().any(|later| kind(later) == Some(k))
        {
            keep[i] = false;
        }
    }
    batch
        .into_iter()
        .zip(keep)
        .filter_map(|(c, keep)| keep.then_some(c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_last_search_of_a_batch_runs() {
        let search = |generation| Command::SearchPatients {
            generation,
            query: "a".into(),
        };
        let batch = vec![
            search(1),
            Command::Refresh(View::Dashboard),
            search(2),
            search(3),
        ];
        let kept = superseded_removed(batch);
        assert_eq!(kept.len(), 2);
        assert!(matches!(kept[0], Command::Refresh(View::Dashboard)));
        assert!(matches!(
            kept[1],
            Command::SearchPatients { generation: 3, .. }
        ));
    }
}
