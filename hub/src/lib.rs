//! Dermis hub: the sync server nodes connect to, and the store behind it.
//!
//! This crate owns the hub's IO: the axum server ([`server`]: WebSocket `/sync` driving
//! `dermis_sync`'s sans-IO hub engine, enrollment, health), its two stores ([`store`]:
//! Postgres for production, an embedded SQLite file by default), node credentials
//! ([`credentials`]), settings ([`config`]) and the command line ([`cli`]). What a sync
//! session *means* — the protocol, its ordering and limits — belongs to `dermis-sync`;
//! what a document holds belongs to `dermis-model`.

pub mod cli;
pub mod config;
pub mod credentials;
pub mod server;
pub mod store;
