//! Photo lane figures (placeholder until written).
fn main() {}
