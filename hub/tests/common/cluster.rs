//! A throwaway Postgres cluster a test may stop and start: `initdb` into a temporary
//! directory and `pg_ctl` on a spare port. Postgres refuses to run as root, so when the
//! tests run as root the commands run as the `postgres` user (`runuser`).

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    as_postgres: bool,
    pub port: u16,
}

/// Where the server binaries are: `DERMIS_PG_BIN`, `pg_config --bindir`, or the newest
/// `/usr/lib/postgresql/*/bin`.
fn bin_dir() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("DERMIS_PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let from_config = Command::new("pg_config")
        .arg("--bindir")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
        .filter(|d| d.join("initdb").exists());
    if from_config.is_some() {
        return from_config;
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path().join("bin"))
        .filter(|d| d.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Where the `postgres` user may surely go: its home directory. The system's temporary
/// directory is not always reachable by other users (a private `/tmp` of mode 0700 on
/// some CI machines made `initdb` fail with "Permission denied").
fn postgres_home() -> PathBuf {
    let entry = Command::new("getent")
        .args(["passwd", "postgres"])
        .output()
        .unwrap_or_else(|e| panic!("getent passwd postgres: {e}"));
    let line = String::from_utf8_lossy(&entry.stdout);
    let home = line
        .trim()
        .split(':')
        .nth(5)
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| panic!("no home directory for the postgres user in {line:?}"));
    PathBuf::from(home)
}

fn spare_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no spare port: {e}"))
}

impl Cluster {
    /// A running cluster, or `None` (after a notice) where Postgres is not installed.
    pub fn start_new() -> Option<Cluster> {
        let Some(bin) = bin_dir() else {
            super::skip("no Postgres server binaries (initdb) found: restart test skipped");
            return None;
        };
        let as_postgres = is_root();
        let dir = if as_postgres {
            tempfile::tempdir_in(postgres_home())
        } else {
            tempfile::tempdir()
        }
        .unwrap_or_else(|e| panic!("tempdir: {e}"));
        if as_postgres {
            let status = Command::new("chown")
                .arg("postgres:")
                .arg(dir.path())
                .status();
            assert!(status.is_ok_and(|s| s.success()), "chown the cluster dir");
        }
        let cluster = Cluster {
            dir,
            bin,
            as_postgres,
            port: spare_port(),
        };
        cluster.run(
            "initdb",
            &[
                "-D",
                &cluster.data().to_string_lossy(),
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
            ],
        );
        cluster.start();
        Some(cluster)
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let program = self.bin.join(tool);
        let output = if self.as_postgres {
            Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(&program)
                .args(args)
                .current_dir(self.dir.path())
                .output()
        } else {
            Command::new(&program)
                .args(args)
                .current_dir(self.dir.path())
                .output()
        };
        match output {
            Ok(o) if o.status.success() => {}
            Ok(o) => panic!(
                "{tool} failed: {}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            ),
            Err(e) => panic!("cannot run {}: {e}", program.display()),
        }
    }

    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    pub fn start(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("postgres.log");
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data().to_string_lossy(),
                "-o",
                &options,
                "-l",
                &log.to_string_lossy(),
                "-w",
                "start",
            ],
        );
    }

    pub fn stop(&self) {
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data().to_string_lossy(),
                "-m",
                "fast",
                "-w",
                "stop",
            ],
        );
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.data();
        let program = self.bin.join("pg_ctl");
        let args = [
            "-D",
            &data.to_string_lossy(),
            "-m",
            "immediate",
            "-w",
            "stop",
        ]
        .map(String::from);
        // Best effort: it may already be stopped.
        let _ = if self.as_postgres {
            Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(&program)
                .args(&args)
                .output()
        } else {
            Command::new(&program).args(&args).output()
        };
    }
}
