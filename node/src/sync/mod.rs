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
