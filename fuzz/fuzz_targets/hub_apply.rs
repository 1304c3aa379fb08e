//! Arbitrary push bytes through the hub's apply plan: the checks, limits and rules the
//! server applies to every pushed document, with what it would write loaded back.
//! The input format and every invariant checked are in `harness.rs`.

#![no_main]

// The seed writers in it are for the hub's tests.
#[allow(dead_code)]
#[path = "../harness.rs"]
mod harness;

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fn fixture() -> &'static harness::Fixture {
    static FIXTURE: OnceLock<harness::Fixture> = OnceLock::new();
    FIXTURE.get_or_init(harness::Fixture::load)
}

fuzz_target!(|input: &[u8]| {
    harness::check(fixture(), input);
});
