//! Placeholder bench; replaced by compile + greedy on Jurong.
fn main() {}
