//! Benchmarks of each stage (being written).
fn main() {}
