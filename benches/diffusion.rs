//! Placeholder; the diffusion benches are written in the word-of-mouth change.
fn main() {}
