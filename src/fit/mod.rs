//! Learning from the city's numbers: the risk table from case shares ([`calibrate`]), the
//! response from case history ([`history`], [`estimate`]).
//!
//! Data flows one way: a [`History`](history::History) file is checked against a compiled
//! [`Problem`](crate::Problem) into index-based [`Data`](history::Data); [`model`] is its
//! likelihood; [`estimate`] finds the MAP by L-BFGS and Laplace intervals; [`bootstrap`]
//! refits simulated histories; [`synthetic`] makes histories from known parameters; [`output`]
//! writes a fitted scenario and an `uncertainty` section.

pub mod bootstrap;
pub mod calibrate;
pub mod estimate;
pub mod history;
mod linalg;
pub mod model;
pub mod output;
mod special;
pub mod synthetic;
