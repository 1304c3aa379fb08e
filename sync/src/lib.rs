//! Dermis sync: everything about how a node and the hub agree on documents, with no IO.
//!
//! This crate owns the wire protocol ([`wire`]: message types and their binary codec),
//! the sans-IO session engines ([`node_engine`], [`hub_engine`]: events and the current
//! time in, frames and store operations out), the store traits ([`DocStore`],
//! [`NodeSyncStore`]) with their [`conformance`] suite and in-memory reference
//! implementation ([`memory`]), and the seeded [`sim`]ulation of N nodes and a hub over
//! a faulty network. It pulls in no sockets, runtimes, databases or clocks:
//! `dermis-node` and `dermis-hub` own those and drive this crate, which keeps every sync
//! behaviour testable deterministically.

pub mod apply;
pub mod archive;
pub mod boot_first;
pub mod bootstrap;
pub mod chunks;
pub mod config;
pub mod conformance;
pub mod driver;
pub mod fetch_rows;
pub mod hub_engine;
pub mod memory;
pub mod node_engine;
pub mod plan;
pub mod sim;
pub mod store;
pub mod wire;

pub use config::{EngineConfig, Millis};
pub use store::{
    ApplyFailure, ChangePage, DocStore, FailureKind, NodeSyncStore, OutgoingDoc, PushAck,
    StoreFailure, StoreFault,
};
