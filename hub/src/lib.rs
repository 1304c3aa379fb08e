//! Dermis hub: the sync server nodes connect to, and the store behind it.
//!
//! This crate owns the hub's IO: the axum server ([`server`]: WebSocket `/sync` driving
//! `dermis_sync`'s sans-IO hub engine, enrollment, health), its two stores ([`store`]:
//! Postgres for production, an embedded SQLite file by default), node credentials
//! ([`credentials`]), settings ([`config`]) and the command line ([`cli`]); and the admin
//! side: sign-in ([`auth`]), the JSON API ([`api`], described by [`openapi`]), the
//! `/admin` pages ([`admin`]) and Prometheus [`metrics`]; background work: the job queue
//! ([`jobs`]), documents the hub writes itself ([`docwrite`]), and events derived from
//! the change log, delivered as webhooks, with Calendly bookings in ([`webhooks`]);
//! secrets the hub must read back, sealed at rest ([`secrets`]); encrypted backups of the
//! embedded store ([`backup`]). Automerge work (checking
//! and applying pushes, loading documents) runs on a bounded [`pool`] with a budget per
//! node, never on the store's thread or the async runtime's.
//! What a sync session *means* — the protocol, its ordering and limits — belongs to
//! `dermis-sync`; what a document holds belongs to `dermis-model`.

pub mod admin;
pub mod api;
pub mod apikeys;
pub mod auth;
pub mod backup;
pub mod blobs;
pub mod cli;
pub mod config;
pub mod credentials;
pub mod docwrite;
pub mod erasure;
pub mod fhir;
pub mod jobs;
pub mod metrics;
pub mod oidc;
pub mod openapi;
pub mod origin;
pub mod photos;
pub mod pool;
pub mod principal;
pub mod readmodel;
pub mod reply;
pub mod reports;
pub mod secrets;
pub mod server;
pub mod settings;
pub mod state;
pub mod store;
pub mod webhooks;
