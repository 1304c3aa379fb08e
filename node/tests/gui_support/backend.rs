//! The window's backend worker driven without a window: commands sent straight to it,
//! replies read with a deadline.

use std::time::{Duration, Instant};

use dermis_node::demo::DEMO_PASSWORD;
use dermis_node::gui::backend::{Backend, BackendConfig, Command, Reply};

use super::DEADLINE;

/// The next reply, waiting at most [`DEADLINE`].
pub fn next_reply(backend: &mut Backend) -> Reply {
    let deadline = Instant::now() + DEADLINE;
    loop {
        if let Some(reply) = backend.try_recv() {
            return reply;
        }
        assert!(Instant::now() < deadline, "the backend did not answer");
        backend.wait_for_reply(Duration::from_millis(250));
    }
}

/// Sends `command` and returns the first reply.
pub fn send(backend: &mut Backend, command: Command) -> Reply {
    assert!(backend.try_send(command).is_ok(), "the queue has room");
    next_reply(backend)
}

/// Sends `command` and returns every reply to it (the worker has finished it).
pub fn send_all(backend: &mut Backend, command: Command) -> Vec<Reply> {
    assert!(backend.try_send(command).is_ok(), "the queue has room");
    let deadline = Instant::now() + DEADLINE;
    let mut replies = Vec::new();
    loop {
        while let Some(reply) = backend.try_recv() {
            replies.push(reply);
        }
        if backend.is_idle() {
            while let Some(reply) = backend.try_recv() {
                replies.push(reply);
            }
            return replies;
        }
        assert!(Instant::now() < deadline, "the backend did not finish");
        backend.wait_for_reply(Duration::from_millis(250));
    }
}

/// A worker over `dir`, signed in as the demo user `username`.
pub fn signed_in_backend(dir: &std::path::Path, username: &str) -> Backend {
    let mut backend = Backend::spawn(BackendConfig {
        data_dir: dir.to_owned(),
        max_photo_bytes: dermis_model::photo::DEFAULT_MAX_PHOTO_BYTES,
        viewer: dermis_node::gui::Viewer::Off,
    })
    .expect("spawn");
    assert!(matches!(next_reply(&mut backend), Reply::Ready { .. }));
    let reply = send(
        &mut backend,
        Command::Login {
            username: username.into(),
            password: DEMO_PASSWORD.into(),
        },
    );
    assert!(matches!(reply, Reply::LoggedIn(_)), "{reply:?}");
    backend
}
