//! Placeholder; the crate root is written in the core-slice change.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod diffusion;
