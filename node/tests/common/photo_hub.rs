//! A real HTTP server on loopback that implements the hub's photo API contract
//! (docs/PHOTOS.md: `GET/PUT /api/uploads/{sha256}`, `GET /api/blobs/{sha256}`), for
//! testing the node's lane on its own: staging by offset, 409 with the hub's count, the
//! size cap, the type check, sha256 verification, bearer tokens. On completion it makes
//! the gallery and full images at once (the real hub runs a job for that).
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;
use sha2::{Digest, Sha256};

#[derive(Default)]
pub struct Books {
    pub staged: HashMap<String, Vec<u8>>,
    pub blobs: HashMap<String, Vec<u8>>,
    pub gallery: HashMap<String, Vec<u8>>,
    pub full: HashMap<String, Vec<u8>>,
    /// Chunk bytes accepted (staged).
    pub accepted: u64,
    pub puts: u64,
    pub probes: u64,
    /// (photo, patient) of every probe and upload, to check the node sends them.
    pub photos: Vec<(String, String)>,
}

struct Shared {
    token: String,
    max_bytes: u64,
    books: Mutex<Books>,
}

pub struct PhotoHub {
    pub addr: SocketAddr,
    pub token: String,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl PhotoHub {
    pub fn start(max_bytes: u64) -> PhotoHub {
        let shared = Arc::new(Shared {
            token: format!("token-{}", uuid::Uuid::now_v7().simple()),
            max_bytes,
            books: Mutex::new(Books::default()),
        });
        let app = Router::new()
            .route("/api/uploads/{sha256}", get(status).put(upload))
            .route("/api/blobs/{sha256}", get(blob))
            .layer(axum::extract::DefaultBodyLimit::max(8 << 20))
            .with_state(shared.clone());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().expect("addr");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await;
            });
        });
        PhotoHub {
            addr,
            token: shared.token.clone(),
            shared,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn books<T>(&self, f: impl FnOnce(&Books) -> T) -> T {
        f(&self.shared.books.lock().expect("books"))
    }

    pub fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for PhotoHub {
    fn drop(&mut self) {
        self.stop();
    }
}

fn error(status: StatusCode, code: &str, extra: serde_json::Value) -> Response {
    let mut body = json!({"error": code, "message": code.replace('_', " ")});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    (status, axum::Json(body)).into_response()
}

/// The 401 answer when the bearer token is not this hub's.
fn refused(shared: &Shared, headers: &HeaderMap) -> Option<Response> {
    let expected = format!("Bearer {}", shared.token);
    match headers.get("authorization").and_then(|v| v.to_str().ok()) {
        Some(v) if v == expected => None,
        _ => Some(error(StatusCode::UNAUTHORIZED, "unauthorized", json!({}))),
    }
}

async fn status(
    State(shared): State<Arc<Shared>>,
    Path(sha): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Some(r) = refused(&shared, &headers) {
        return r;
    }
    let mut books = shared.books.lock().expect("books");
    books.probes += 1;
    books.photos.push((
        q.get("photo").cloned().unwrap_or_default(),
        q.get("patient").cloned().unwrap_or_default(),
    ));
    if let Some(b) = books.blobs.get(&sha) {
        return axum::Json(json!({"received": b.len(), "complete": true})).into_response();
    }
    let received = books.staged.get(&sha).map_or(0, Vec::len);
    axum::Json(json!({"received": received, "complete": false})).into_response()
}

async fn upload(
    State(shared): State<Arc<Shared>>,
    Path(sha): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(r) = refused(&shared, &headers) {
        return r;
    }
    let num = |k: &str| q.get(k).and_then(|v| v.parse::<u64>().ok());
    let (Some(offset), Some(total)) = (num("offset"), num("total")) else {
        return error(StatusCode::BAD_REQUEST, "bad_request", json!({}));
    };
    let mut books = shared.books.lock().expect("books");
    books.puts += 1;
    if total > shared.max_bytes || body.len() > 4 << 20 {
        return error(StatusCode::PAYLOAD_TOO_LARGE, "too_large", json!({}));
    }
    books.photos.push((
        q.get("photo").cloned().unwrap_or_default(),
        q.get("patient").cloned().unwrap_or_default(),
    ));
    if let Some(b) = books.blobs.get(&sha) {
        return axum::Json(json!({"received": b.len(), "complete": true})).into_response();
    }
    let held = books.staged.get(&sha).map_or(0, Vec::len) as u64;
    if held != offset {
        return error(
            StatusCode::CONFLICT,
            "offset_mismatch",
            json!({"received": held}),
        );
    }
    if offset == 0 && dermis_model::photo::PhotoMime::sniff(&body).is_none() {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_type",
            json!({}),
        );
    }
    if offset + body.len() as u64 > total {
        return error(StatusCode::BAD_REQUEST, "bad_request", json!({}));
    }
    books.accepted += body.len() as u64;
    let staged = books.staged.entry(sha.clone()).or_default();
    staged.extend_from_slice(&body);
    let received = staged.len() as u64;
    if received < total {
        return axum::Json(json!({"received": received, "complete": false})).into_response();
    }
    let bytes = books.staged.remove(&sha).unwrap_or_default();
    if hex::encode(Sha256::digest(&bytes)) != sha {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "sha256_mismatch",
            json!({}),
        );
    }
    if let Ok(image) = dermis_node::ops::photos::decode(&bytes) {
        if let Ok(gallery) = dermis_node::ops::photos::encode_thumbnail(&image) {
            books.gallery.insert(sha.clone(), gallery);
        }
        let mut full = Vec::new();
        let small = image.thumbnail(1600, 1600).into_rgb8();
        if image::codecs::jpeg::JpegEncoder::new_with_quality(&mut full, 85)
            .encode_image(&small)
            .is_ok()
        {
            books.full.insert(sha.clone(), full);
        }
    }
    books.blobs.insert(sha, bytes);
    axum::Json(json!({"received": received, "complete": true})).into_response()
}

async fn blob(
    State(shared): State<Arc<Shared>>,
    Path(sha): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Some(r) = refused(&shared, &headers) {
        return r;
    }
    let books = shared.books.lock().expect("books");
    let found = match q.get("variant").map(String::as_str) {
        Some("gallery") => books.gallery.get(&sha),
        Some("full") => books.full.get(&sha),
        Some("original") | None => books.blobs.get(&sha),
        Some(_) => return error(StatusCode::BAD_REQUEST, "bad_request", json!({})),
    };
    match found {
        Some(bytes) => (
            [(axum::http::header::CONTENT_TYPE, "image/jpeg")],
            bytes.clone(),
        )
            .into_response(),
        None => error(StatusCode::NOT_FOUND, "not_found", json!({})),
    }
}
