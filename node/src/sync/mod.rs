//! The node's side of sync: enrollment with a hub, the connection loop around the
//! sans-IO engine from `dermis-sync`, the store adapter the engine works through, the
//! sync state every process can read, and local-change wake-ups between processes.

pub mod background;
pub mod client;
mod ended;
pub mod enroll;
pub mod link;
pub mod notify;
pub mod photos;
pub mod predecode;
pub mod state;
mod store_impl;

/// Runs `work` on a thread named `name` with a current-thread tokio runtime of its own
/// (the app's background sync and the photo lane each keep one off the window's thread);
/// `None` when the thread cannot start. A runtime that cannot be built ends the thread.
pub(crate) fn spawn_runtime_thread<F, Fut>(
    name: &str,
    work: F,
) -> Option<std::thread::JoinHandle<()>>
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()>,
{
    std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(work());
        })
        .ok()
}
