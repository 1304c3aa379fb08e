//! Copying the write-ahead log into the database file (a checkpoint) off the writer's
//! path. SQLite's automatic checkpoint runs inside the commit that crosses 1,000 WAL
//! pages: during a first sync that copy was about a third of every commit's time, and it
//! copied pages a later frame rewrote anyway. A store's writer connection instead
//! records how long the WAL has grown (a WAL hook replaces the automatic checkpoint) and
//! wakes a thread with a connection of its own, which copies while the writer goes on
//! with the next frame. Durability is unchanged: a commit is durable once its WAL frames
//! are synced, which the checkpoint never touches.
//!
//! When no thread can be had (no connection, no thread), the writer checkpoints itself
//! before its next write, as SQLite would have done; and once the WAL reaches
//! [`WRITER_CHECKPOINTS_AT`] pages the writer checkpoints too, so a checkpointer that
//! falls behind or fails cannot let the log grow without bound.

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{SyncSender, TrySendError};

use rusqlite::Connection;

use crate::atrest::StoreKey;

/// WAL pages after which a checkpoint is started (SQLite's automatic checkpoint uses the
/// same figure).
pub(super) const CHECKPOINT_AT: i32 = 1_000;

/// WAL pages (256 MiB of 4 KiB pages) at which the writer stops relying on the thread
/// and checkpoints before its next write.
pub(super) const WRITER_CHECKPOINTS_AT: i32 = 65_536;

thread_local! {
    /// Pages in the WAL after the last commit on this thread, set by [`wal_pages`] during
    /// the commit and read right after it by the same thread, so stores used on one
    /// thread cannot see each other's figure.
    static WAL_PAGES: Cell<i32> = const { Cell::new(0) };
}

/// The writer connection's WAL hook: installing it turns SQLite's automatic checkpoint
/// off for this connection.
fn wal_pages(_wal: &rusqlite::hooks::Wal, pages: std::ffi::c_int) -> rusqlite::Result<()> {
    WAL_PAGES.with(|p| p.set(pages));
    Ok(())
}

/// Turns the automatic checkpoint of `conn` (the store's writer) off in favour of a
/// [`Checkpointer`].
pub(super) fn install(conn: &Connection) {
    conn.wal_hook(Some(wal_pages));
}

/// How the store's WAL gets copied into its file.
pub(super) struct Checkpointer {
    path: PathBuf,
    key: StoreKey,
    worker: Worker,
    /// Set when the writer has to checkpoint before its next write.
    writer_must: bool,
}

enum Worker {
    NotStarted,
    Running {
        wake: SyncSender<()>,
        thread: std::thread::JoinHandle<()>,
    },
    /// No connection or thread could be had: the writer checkpoints itself.
    Unavailable,
}

impl Checkpointer {
    pub(super) fn new(path: &Path, key: StoreKey) -> Checkpointer {
        Checkpointer {
            path: path.to_owned(),
            key,
            worker: Worker::NotStarted,
            writer_must: false,
        }
    }

    /// Called right after the writer commits, on its thread: starts a checkpoint on the
    /// thread once the WAL is long enough.
    pub(super) fn after_commit(&mut self) {
        let pages = WAL_PAGES.with(|p| p.replace(0));
        if pages < CHECKPOINT_AT {
            return;
        }
        if pages >= WRITER_CHECKPOINTS_AT || !self.wake() {
            self.writer_must = true;
        }
    }

    /// Before the writer's next write: checkpoints on the writer's connection when the
    /// thread could not take it.
    pub(super) fn before_write(&mut self, conn: &Connection) {
        if !std::mem::take(&mut self.writer_must) {
            return;
        }
        if let Err(error) = checkpoint(conn) {
            // The WAL keeps every committed page: nothing is lost, the log only stays
            // long until a later checkpoint succeeds.
            tracing::warn!(%error, "the store's checkpoint failed");
        }
    }

    /// Wakes the thread, starting it first if need be; false when there is none.
    fn wake(&mut self) -> bool {
        if matches!(self.worker, Worker::NotStarted) {
            self.worker = self.start();
        }
        match &self.worker {
            Worker::Running { wake, .. } => match wake.try_send(()) {
                // Full: a wake-up is already waiting, and that checkpoint will see this
                // commit's pages too.
                Ok(()) | Err(TrySendError::Full(())) => true,
                Err(TrySendError::Disconnected(())) => {
                    self.worker = Worker::Unavailable;
                    false
                }
            },
            Worker::NotStarted | Worker::Unavailable => false,
        }
    }

    fn start(&self) -> Worker {
        let conn = match self.connect() {
            Ok(conn) => conn,
            Err(error) => {
                tracing::warn!(%error, "no connection for the store's checkpoints; the writer makes them");
                return Worker::Unavailable;
            }
        };
        let (wake, woken) = std::sync::mpsc::sync_channel::<()>(1);
        let spawned = std::thread::Builder::new()
            .name("store-checkpoint".into())
            .spawn(move || {
                while woken.recv().is_ok() {
                    if let Err(error) = checkpoint(&conn) {
                        tracing::warn!(%error, "the store's checkpoint failed");
                    }
                }
            });
        match spawned {
            Ok(thread) => Worker::Running { wake, thread },
            Err(error) => {
                tracing::warn!(%error, "no thread for the store's checkpoints; the writer makes them");
                Worker::Unavailable
            }
        }
    }

    /// A second connection, keyed as the writer's is (plain for a bench's plain store).
    fn connect(&self) -> Result<Connection, super::StoreError> {
        let conn = super::open::keyed(&self.path, &self.key)?;
        conn.busy_timeout(std::time::Duration::from_secs(15))?;
        Ok(conn)
    }
}

impl Drop for Checkpointer {
    /// Lets a running checkpoint finish, so the thread's connection is closed when the
    /// store is.
    fn drop(&mut self) {
        if let Worker::Running { wake, thread } =
            std::mem::replace(&mut self.worker, Worker::Unavailable)
        {
            drop(wake);
            if thread.join().is_err() {
                tracing::warn!("the store's checkpoint thread panicked");
            }
        }
    }
}

/// Copies what it can of the WAL into the database file without waiting for readers or
/// the writer (`PASSIVE`): the next checkpoint copies the rest.
fn checkpoint(conn: &Connection) -> rusqlite::Result<()> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::store::Store;

    /// Commits about 6 MB (some 1,500 WAL pages) in one write.
    fn write_long(store: &mut Store, key: &str) {
        let tx = store.begin(1).expect("begin");
        tx.sql()
            .execute(
                "INSERT INTO meta(key, value) VALUES (?1, hex(randomblob(3000000)))",
                [key],
            )
            .expect("insert");
        tx.commit().expect("commit");
    }

    fn file_len(path: &Path) -> u64 {
        std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
    }

    fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !done() {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            // A short pause between checks of a condition, not a fixed wait.
            #[allow(clippy::disallowed_methods)]
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn a_long_wal_is_copied_into_the_file_while_the_writer_is_idle() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("store.db");
        let mut store = Store::create(&path).expect("store");
        let before = file_len(&path);
        write_long(&mut store, "a");
        // The writer returned from its commit and does nothing more: only the thread
        // can grow the database file now.
        wait_for("the checkpoint thread", || {
            file_len(&path) > before + 5_000_000
        });
        assert_eq!(
            store.meta("a").expect("read").map(|v| v.len()),
            Some(6_000_000)
        );
    }

    #[test]
    fn a_closed_store_leaves_no_log_and_keeps_every_write() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("store.db");
        let mut store = Store::create(&path).expect("store");
        for key in ["a", "b", "c"] {
            write_long(&mut store, key);
        }
        drop(store);
        // Closing joined the thread: the last connection to close copied the rest of
        // the log into the file and removed it.
        let wal = dir.path().join("store.db-wal");
        assert_eq!(file_len(&wal), 0, "the WAL outlived the store");
        let store = Store::open(&path).expect("reopen");
        for key in ["a", "b", "c"] {
            assert_eq!(
                store.meta(key).expect("read").map(|v| v.len()),
                Some(6_000_000),
                "{key}"
            );
        }
    }

    #[test]
    fn without_a_thread_the_writer_checkpoints_before_its_next_write() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("store.db");
        let mut store = Store::create(&path).expect("store");
        // A key that does not open the file: the thread's connection cannot be had.
        store.checkpoints = Checkpointer::new(&path, StoreKey::from_bytes([7; 32]));
        let before = file_len(&path);
        write_long(&mut store, "a");
        assert!(
            matches!(store.checkpoints.worker, Worker::Unavailable),
            "the wrong key opened a connection"
        );
        assert!(file_len(&path) < before + 5_000_000, "checkpointed already");
        drop(store.begin(2).expect("begin"));
        assert!(
            file_len(&path) > before + 5_000_000,
            "the writer did not checkpoint"
        );
    }

    #[test]
    fn a_log_past_the_bound_is_the_writers_to_checkpoint() {
        let dir = tempfile::tempdir().expect("dir");
        let mut checkpoints =
            Checkpointer::new(&dir.path().join("none.db"), StoreKey::from_bytes([0; 32]));
        WAL_PAGES.with(|p| p.set(CHECKPOINT_AT - 1));
        checkpoints.after_commit();
        assert!(!checkpoints.writer_must);
        assert!(matches!(checkpoints.worker, Worker::NotStarted));
        WAL_PAGES.with(|p| p.set(WRITER_CHECKPOINTS_AT));
        checkpoints.after_commit();
        assert!(
            checkpoints.writer_must,
            "a checkpointer that falls behind is not relied on"
        );
        assert_eq!(WAL_PAGES.with(Cell::get), 0, "a figure is read once");
    }
}
