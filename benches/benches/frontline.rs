//! Benchmarks.
fn main(){}
