//! A real `dermis-hub` process for end-to-end tests, and a TCP fault proxy that sits
//! between nodes and the hub to cut, stall and refuse connections.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::wait_until;

/// The hub binary built next to this test's binary (`cargo build --workspace` or nextest
/// builds it; `make test` does both).
pub fn hub_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("test exe");
    let dir = exe.parent().and_then(Path::parent).expect("target dir");
    let bin = dir.join(format!("dermis-hub{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} is missing: build it with `cargo build -p dermis-hub` (make test does)",
        bin.display()
    );
    bin
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// GET over a plain socket; returns (status, body). `None` when nothing answers.
pub fn http_get(addr: &str, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect_timeout(&addr.parse().ok()?, Duration::from_millis(500)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut text = String::new();
    s.read_to_string(&mut text).ok()?;
    let status = text.split_whitespace().nth(1)?.parse().ok()?;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Some((status, body))
}

pub struct Hub {
    pub data_dir: PathBuf,
    pub addr: String,
    child: Option<Child>,
    env: Vec<(String, String)>,
    /// Serving HTTPS (`HUB_TLS_CERT` in `env`): its URL is `https://localhost:PORT`.
    tls: bool,
    /// `HUB_BIND`, when not `addr`.
    bind: Option<String>,
}

impl Hub {
    pub fn command(data_dir: &Path) -> Command {
        let mut c = Command::new(hub_bin());
        c.arg("--data-dir")
            .arg(data_dir)
            .env_remove("DATABASE_URL")
            .env_remove("S3_ENDPOINT")
            .env("RUST_LOG", "warn");
        c.stdin(Stdio::null());
        c
    }

    /// Starts `serve` on a free port and waits until it is healthy.
    pub fn start(data_dir: &Path) -> Hub {
        Self::start_with(data_dir, Vec::new())
    }

    pub fn start_with(data_dir: &Path, env: Vec<(String, String)>) -> Hub {
        let mut hub = Hub {
            data_dir: data_dir.to_owned(),
            addr: format!("127.0.0.1:{}", free_port()),
            child: None,
            tls: env.iter().any(|(k, _)| k == "HUB_TLS_CERT"),
            env,
            bind: None,
        };
        hub.spawn();
        hub
    }

    /// Plain HTTP on every interface (`0.0.0.0`), for nodes that reach it by a network
    /// address.
    pub fn start_on_all_interfaces(data_dir: &Path) -> Hub {
        let port = free_port();
        let mut hub = Hub {
            data_dir: data_dir.to_owned(),
            addr: format!("127.0.0.1:{port}"),
            child: None,
            tls: false,
            env: Vec::new(),
            bind: Some(format!("0.0.0.0:{port}")),
        };
        hub.spawn();
        hub
    }

    fn spawn(&mut self) {
        let log = std::fs::File::create(self.data_dir.join("hub-test.log")).ok();
        let mut c = Self::command(&self.data_dir);
        c.arg("serve")
            .env("HUB_BIND", self.bind.as_deref().unwrap_or(&self.addr));
        for (k, v) in &self.env {
            c.env(k, v);
        }
        if let Some(log) = log {
            c.stderr(log);
        }
        self.child = Some(c.spawn().expect("the hub starts"));
        let addr = self.addr.clone();
        if self.tls {
            // The listener is bound before the hub serves: connections wait in its
            // backlog until it does.
            wait_until(Duration::from_secs(30), "the hub to listen", || {
                addr.parse()
                    .ok()
                    .and_then(|a| TcpStream::connect_timeout(&a, Duration::from_millis(500)).ok())
                    .is_some()
            });
        } else {
            wait_until(Duration::from_secs(30), "the hub to become healthy", || {
                http_get(&addr, "/api/healthz").is_some_and(|(s, _)| s == 200)
            });
        }
    }

    pub fn url(&self) -> String {
        if self.tls {
            let port = self.addr.rsplit(':').next().unwrap_or_default();
            format!("https://localhost:{port}")
        } else {
            format!("http://{}", self.addr)
        }
    }

    /// A counter or gauge from the hub's `/metrics` (served to loopback), summed over its
    /// labels; `None` when the hub does not answer or has no such metric.
    pub fn metric(&self, name: &str) -> Option<f64> {
        if self.tls {
            return None;
        }
        let (status, text) = http_get(&self.addr, "/metrics")?;
        if status != 200 {
            return None;
        }
        let values: Vec<f64> = text
            .lines()
            .filter(|l| {
                l.strip_prefix(name)
                    .is_some_and(|rest| rest.starts_with(' ') || rest.starts_with('{'))
            })
            .filter_map(|l| l.rsplit(' ').next()?.parse().ok())
            .collect();
        (!values.is_empty()).then(|| values.iter().sum())
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    /// SIGKILL: no shutdown, no flush.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }

    pub fn cli(&self, args: &[&str]) -> String {
        let mut c = Self::command(&self.data_dir);
        for (k, v) in &self.env {
            c.env(k, v);
        }
        let out = c.args(args).output().expect("dermis-hub runs");
        assert!(
            out.status.success(),
            "dermis-hub {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// How far the hub's projector (read models, derivations) is behind the clinic's
    /// change log, read from its embedded store; -1 when it cannot be read.
    pub fn projector_lag(&self, clinic: &str) -> i64 {
        let Ok(conn) = rusqlite::Connection::open_with_flags(
            self.data_dir.join("hub.db"),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        ) else {
            return -1;
        };
        conn.query_row(
            "SELECT c.seq - COALESCE(p.seq, 0) FROM clinics c
             LEFT JOIN projector_cursors p ON p.clinic_id = c.id WHERE c.id = ?1",
            [clinic],
            |r| r.get(0),
        )
        .unwrap_or(-1)
    }

    pub fn clinic_add(&self, name: &str) -> String {
        self.cli(&["clinic", "add", "--name", name])
    }

    pub fn node_add(&self, clinic: &str, name: &str) -> String {
        self.cli(&["node", "add", "--clinic", clinic, "--name", name])
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        self.kill();
    }
}

/// What the proxy does to connections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    Pass,
    /// Cut each connection after this many bytes (in either direction), mid-frame.
    CutAfter(usize),
    /// Accept and forward nothing.
    Stall,
    /// Refuse new connections (close at once); existing ones keep running.
    Refuse,
    /// Cut each connection once it has lived this long.
    CutAfterTime(Duration),
    /// The first connection from now on is cut after this many bytes; every later one
    /// is refused: a hub that vanishes mid-transfer.
    VanishAfter(usize),
}

/// A TCP proxy on 127.0.0.1 in front of `upstream`.
pub struct FaultProxy {
    pub addr: SocketAddr,
    fault: Arc<Mutex<Fault>>,
    pub connections: Arc<AtomicUsize>,
    pub cuts: Arc<AtomicU64>,
    /// Bytes forwarded from clients to the upstream: what the hub received.
    pub up_bytes: Arc<AtomicU64>,
    /// Bytes per second each direction of a connection may carry (0: unlimited).
    pub rate: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
}

impl FaultProxy {
    pub fn start(upstream: &str) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let fault = Arc::new(Mutex::new(Fault::Pass));
        let connections = Arc::new(AtomicUsize::new(0));
        let cuts = Arc::new(AtomicU64::new(0));
        let up_bytes = Arc::new(AtomicU64::new(0));
        let rate = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let upstream = upstream.to_owned();
        let (f, c, x, s, u, r) = (
            fault.clone(),
            connections.clone(),
            cuts.clone(),
            stop.clone(),
            up_bytes.clone(),
            rate.clone(),
        );
        std::thread::spawn(move || {
            for client in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(client) = client else { continue };
                let mode = {
                    let mut fault = f.lock().expect("fault");
                    match *fault {
                        Fault::VanishAfter(n) => {
                            *fault = Fault::Refuse;
                            Fault::CutAfter(n)
                        }
                        other => other,
                    }
                };
                c.fetch_add(1, Ordering::SeqCst);
                if mode == Fault::Refuse {
                    continue;
                }
                let Ok(server) = TcpStream::connect(&upstream) else {
                    continue;
                };
                let (f, x, u, r) = (f.clone(), x.clone(), u.clone(), r.clone());
                std::thread::spawn(move || pump_pair(client, server, mode, f, x, u, r));
            }
        });
        FaultProxy {
            addr,
            fault,
            connections,
            cuts,
            up_bytes,
            rate,
            stop,
        }
    }

    pub fn set(&self, fault: Fault) {
        *self.fault.lock().expect("fault") = fault;
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
    }
}

fn pump_pair(
    client: TcpStream,
    server: TcpStream,
    mode: Fault,
    fault: Arc<Mutex<Fault>>,
    cuts: Arc<AtomicU64>,
    up_bytes: Arc<AtomicU64>,
    rate: Arc<AtomicU64>,
) {
    if let Fault::CutAfterTime(after) = mode {
        // A timer thread cuts both sockets when the connection has lived `after`.
        let (c, s, x) = (client.try_clone(), server.try_clone(), cuts.clone());
        std::thread::spawn(move || {
            #[allow(clippy::disallowed_methods)]
            std::thread::sleep(after);
            if let (Ok(c), Ok(s)) = (c, s) {
                let open = c.peer_addr().is_ok();
                let _ = c.shutdown(std::net::Shutdown::Both);
                let _ = s.shutdown(std::net::Shutdown::Both);
                if open {
                    x.fetch_add(1, Ordering::SeqCst);
                }
            }
        });
    }
    let budget = Arc::new(AtomicUsize::new(match mode {
        Fault::CutAfter(n) => n,
        _ => usize::MAX,
    }));
    let pairs = [
        (client.try_clone(), server.try_clone()),
        (server.try_clone(), client.try_clone()),
    ];
    let mut handles = Vec::new();
    for (index, (from, to)) in pairs.into_iter().enumerate() {
        let (Ok(mut from), Ok(mut to)) = (from, to) else {
            return;
        };
        let (budget, fault, cuts, rate) =
            (budget.clone(), fault.clone(), cuts.clone(), rate.clone());
        let up = (index == 0).then(|| up_bytes.clone());
        handles.push(std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            loop {
                let n = match from.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                if *fault.lock().expect("fault") == Fault::Stall {
                    // Hold the bytes: the peer sees a connection that went quiet.
                    while *fault.lock().expect("fault") == Fault::Stall {
                        #[allow(clippy::disallowed_methods)]
                        std::thread::sleep(Duration::from_millis(20));
                    }
                }
                let left = budget.fetch_sub(n.min(budget.load(Ordering::SeqCst)), Ordering::SeqCst);
                if left < n {
                    // Forward part of the chunk, then cut both ways: the frame is torn.
                    let _ = to.write_all(&buf[..left]);
                    if let Some(up) = &up {
                        up.fetch_add(left as u64, Ordering::SeqCst);
                    }
                    cuts.fetch_add(1, Ordering::SeqCst);
                    let _ = from.shutdown(std::net::Shutdown::Both);
                    let _ = to.shutdown(std::net::Shutdown::Both);
                    break;
                }
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
                if let Some(up) = &up {
                    up.fetch_add(n as u64, Ordering::SeqCst);
                }
                let limit = rate.load(Ordering::SeqCst);
                if limit > 0 {
                    // A slow line: this chunk takes the time it would take at `limit`.
                    #[allow(clippy::disallowed_methods)]
                    std::thread::sleep(Duration::from_secs_f64(n as f64 / limit as f64));
                }
            }
            let _ = to.shutdown(std::net::Shutdown::Write);
        }));
    }
    for h in handles {
        let _ = h.join();
    }
    let _ = (client, server);
}
