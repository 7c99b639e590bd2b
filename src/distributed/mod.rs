//! The same work on one thread, many threads or many machines, on timely-dataflow.
//!
//! A run is configured by timely's own arguments ([`Runtime::from_args`]): `-w N` worker
//! threads per process, `-n N` processes, `-p I` this process's index, `-h FILE` a hostfile of
//! `host:port` lines (one per process, in order). Every process runs the same binary on the
//! same inputs; the workers exchange only small messages in bulk-synchronous supersteps.
//!
//! - [`monte_carlo`]: a plan's outcomes over parameter draws. Worker `w` of `P` evaluates the
//!   draws `i = w mod P` (draw `i` is keyed by `(seed, i)`), and worker 0 keeps every value
//!   and summarises them in draw order: **exactly** the result of
//!   [`uncertainty::monte_carlo`](crate::uncertainty::monte_carlo), quantiles included.
//! - [`select_seeds`]: RR-set seed selection ([`Opim`](crate::diffusion::Opim)) with the graph
//!   replicated on every process. RR sets come in chunks of 256, chunk `c` from the stream
//!   keyed by `(seed, c)` in one process as here; worker `w` samples the chunks `c = w mod P`.
//!   Each greedy pick sends the sparse coverage changes to each node's owner (`v mod P`),
//!   every owner's top-`k` marginals to every worker (an all-gather, in place of "argmax to
//!   worker 0, then broadcast": the same bytes for small clusters, one step less), and every
//!   worker takes the same pick (largest coverage, smallest node id). The stopping test is
//!   the one-process test on the summed counts: **the selection equals `Opim::run`'s**, bit
//!   for bit, on any number of threads and processes. Under a knapsack budget, each pick is
//!   the best coverage per cost among affordable candidates (ties: the first), gathered the
//!   same way.
//!
//! # Failures
//! Fail-stop: when a process dies, timely's network threads see its connections close and
//! the surviving workers stop; a peer that hangs is caught by the [stall
//! timeout](Runtime::stall_timeout). Either way the others return a [`DistributedError`]
//! within a bounded time instead of hanging. **Recovery is a rerun with the same seed.**
//!
//! # What does not scale yet
//! The graph is replicated: it must fit in each machine's memory (the RR sets are spread over
//! the workers). Graphs beyond one machine need vertex-partitioned RR sampling (RR traversals
//! forwarded between the owners of the nodes they reach, as in Ripples' distributed and
//! PaC-IM's partitioned designs), which is not built.
//!
//! # Example
//! ```
//! use std::sync::Arc;
//! use fanzha::diffusion::{chung_lu, Opim, Probability};
//! use fanzha::distributed::{Runtime, select_seeds};
//!
//! let g = Arc::new(chung_lu(2_000, 10_000, 2.5, Probability::WeightedCascade, 7).unwrap());
//! let opim = Opim::new(5).epsilon(0.3).seed(1);
//! // Timely's arguments as a command line gives them; `-n 2 -p 0 -h hosts.txt` on a cluster.
//! let rt = Runtime::from_args(["-w", "2"].iter().map(|s| s.to_string())).unwrap();
//! let two_threads = select_seeds(&rt, Arc::clone(&g), &opim).unwrap();
//! assert_eq!(two_threads, Some(opim.run(&g).unwrap()));
//! ```

mod connect;
mod cover;
mod error;
mod exchange;
mod knapsack;
mod monte_carlo;
mod runtime;
mod seeds;

pub use error::DistributedError;
pub use monte_carlo::monte_carlo;
pub use runtime::Runtime;
pub use seeds::select_seeds;
