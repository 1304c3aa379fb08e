//! Sync inside the desktop app: when no sync daemon runs on the data dir, the app runs
//! the same sync loop on a thread of its own, so a workstation that only opens the app
//! still syncs. It waits for the node to be enrolled, and stops with the window.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::client::{SyncOptions, run};
use super::state;
use crate::node::Node;

/// One sync loop per data dir: whoever holds this lock runs it.
pub fn try_lock(data_dir: &Path) -> std::io::Result<Option<std::fs::File>> {
    std::fs::create_dir_all(data_dir)?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(data_dir.join("sync.lock"))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

/// The app's sync thread; dropping it stops the loop.
pub struct BackgroundSync {
    stop: Arc<AtomicBool>,
    wake: Arc<tokio::sync::Notify>,
    thread: Option<std::thread::JoinHandle<()>>,
}

fn enrolled(data_dir: &Path) -> bool {
    Node::open(data_dir).is_ok_and(|n| {
        state::get(n.store.conn(), state::HUB_TOKEN)
            .ok()
            .flatten()
            .is_some()
    })
}

impl BackgroundSync {
    pub fn spawn(data_dir: PathBuf) -> BackgroundSync {
        let stop = Arc::new(AtomicBool::new(false));
        let wake = Arc::new(tokio::sync::Notify::new());
        let (s, w) = (stop.clone(), wake.clone());
        let thread = super::spawn_runtime_thread("dermis-sync", move || async move {
            while !s.load(Ordering::SeqCst) {
                // A daemon may already sync this data dir; then the app leaves it be.
                let lock = match try_lock(&data_dir) {
                    Ok(Some(lock)) => Some(lock),
                    Ok(None) | Err(_) => None,
                };
                if let Some(_lock) = lock.filter(|_| enrolled(&data_dir)) {
                    let shutdown = async { w.notified().await };
                    if let Err(e) = run(&data_dir, SyncOptions::default(), shutdown).await {
                        tracing::warn!(error = %e, "background sync stopped");
                    }
                }
                tokio::select! {
                    () = tokio::time::sleep(Duration::from_secs(5)) => {}
                    () = w.notified() => {}
                }
            }
        });
        BackgroundSync { stop, wake, thread }
    }
}

impl Drop for BackgroundSync {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.wake.notify_waiters();
        self.wake.notify_one();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
