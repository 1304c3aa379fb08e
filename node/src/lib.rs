//! dermis-node: a clinic workstation. It owns the local SQLite document store, the
//! command layer every change goes through (with role checks), the command line, and
//! the desktop app. The domain types come from `dermis-model`; the sync protocol and
//! engine from `dermis-sync`. It never depends on the hub.

pub mod atrest;
pub mod backup;
pub mod cli;
pub mod demo;
pub mod gui;
pub mod i18n;
pub mod icd10;
pub mod localtime;
pub mod node;
pub mod ops;
pub mod phases;
pub mod print;
pub mod store;
pub mod sync;
