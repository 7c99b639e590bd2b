//! What can go wrong on a cluster.

use crate::diffusion::DiffusionError;

/// An error of a distributed run.
///
/// A run is fail-stop: when a process dies or stops answering, the others end with
/// [`PeerLost`](DistributedError::PeerLost) or [`Stalled`](DistributedError::Stalled)
/// instead of hanging. Nothing is recovered in place: **recovery is a rerun with the same
/// seed** (every result is a function of the seed and the inputs, not of the cluster's shape).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DistributedError {
    /// Timely's arguments (`-w`, `-n`, `-p`, `-h`) or the hostfile could not be used.
    #[error("cluster configuration: {0}")]
    Config(String),
    /// Not every process of the cluster connected within the connection timeout.
    #[error(
        "the cluster did not start within {seconds} s: not every process of -n connected \
         (check the hostfile, the ports and that each process was started with its own -p)"
    )]
    ConnectTimeout {
        /// The timeout, in seconds.
        seconds: u64,
    },
    /// A worker thread stopped: usually timely's network layer lost the connection to a
    /// process that died.
    #[error(
        "worker {worker} stopped: {cause}; a process of the cluster has probably died \
         (rerun every process with the same seed to recover)"
    )]
    PeerLost {
        /// Index of the local worker that stopped.
        worker: usize,
        /// What it said.
        cause: String,
    },
    /// No superstep completed within the stall timeout: a peer is alive but not answering.
    #[error(
        "no progress from the cluster for {seconds} s: a process has probably hung or died \
         (rerun every process with the same seed to recover)"
    )]
    Stalled {
        /// The timeout, in seconds.
        seconds: u64,
    },
    /// Another worker failed on its share of the work and said why.
    #[error("worker {worker} failed: {message}")]
    Worker {
        /// Index of the worker (among all workers of the run).
        worker: usize,
        /// Its error.
        message: String,
    },
    /// The word-of-mouth inputs were wrong (the same checks as in one process).
    #[error(transparent)]
    Diffusion(#[from] DiffusionError),
    /// The planning inputs were wrong (the same checks as in one process).
    #[error(transparent)]
    Plan(#[from] crate::Error),
}
