//! Dermis sync: everything about how a node and the hub agree on documents, with no IO.
//!
//! This crate owns the wire protocol ([`wire`]: message types and their binary codec),
//! and is where the sans-IO sync engine, the `DocStore` trait with its conformance
//! suite, and the in-memory simulation harness live. It deliberately pulls in no
//! sockets, runtimes, databases or clocks: `dermis-node` and `dermis-hub` own those and
//! drive this crate with bytes, events and the current time, which keeps every sync
//! behaviour testable deterministically.

pub mod wire;
