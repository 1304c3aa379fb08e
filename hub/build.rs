//! Rebuilds the hub when a migration is added: `sqlx::migrate!` and the embedded store's
//! `include_str!`s read `migrations/` at compile time, and without this a new file alone
//! left an incremental build with the old list (its schema silently behind).
fn main() {
    println!("cargo:rerun-if-changed=../migrations/hub");
    println!("cargo:rerun-if-changed=../migrations/hub-sqlite");
}
