//! Wake-ups between processes on one data dir: a process that commits a local edit sends
//! a datagram to the sync daemon's socket in the data dir, so the edit goes out within
//! milliseconds instead of at the next poll. Best effort by design: the daemon also
//! watches SQLite's `data_version`, so a lost wake-up only costs latency, never data.

use std::path::{Path, PathBuf};

pub const SOCKET_FILE: &str = "sync.sock";

pub fn socket_path(data_dir: &Path) -> PathBuf {
    data_dir.join(SOCKET_FILE)
}

/// Tells the daemon of this data dir (if one runs) that the outbox grew.
pub fn local_change(data_dir: &Path) {
    #[cfg(unix)]
    {
        if let Ok(sock) = std::os::unix::net::UnixDatagram::unbound() {
            let _ = sock.set_nonblocking(true);
            let _ = sock.send_to(b"c", socket_path(data_dir));
        }
    }
    #[cfg(not(unix))]
    {
        let _ = data_dir;
    }
}

/// The daemon's end: yields once per wake-up (several may be coalesced).
pub struct Listener {
    #[cfg(unix)]
    sock: tokio::net::UnixDatagram,
    path: PathBuf,
}

impl Listener {
    /// Binds the data dir's socket, replacing a stale one left by a crashed daemon.
    pub fn bind(data_dir: &Path) -> std::io::Result<Listener> {
        let path = socket_path(data_dir);
        #[cfg(unix)]
        {
            let _ = std::fs::remove_file(&path);
            let sock = tokio::net::UnixDatagram::bind(&path)?;
            Ok(Listener { sock, path })
        }
        #[cfg(not(unix))]
        {
            Ok(Listener { path })
        }
    }

    pub async fn recv(&self) {
        #[cfg(unix)]
        {
            let mut buf = [0u8; 16];
            if self.sock.recv(&mut buf).await.is_err() {
                std::future::pending::<()>().await;
            }
            // Drain what else is queued: one wake-up covers them all.
            while self.sock.try_recv(&mut buf).is_ok() {}
        }
        #[cfg(not(unix))]
        std::future::pending::<()>().await
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}
