//! Word of mouth: who should post the fraud alert first so that it reaches the people most at
//! risk.
//!
//! Grid workers forward the daily fraud alert into their WeChat groups and members pass it on
//! ("一传十、十传百"). This module models that as influence maximisation on a social graph:
//!
//! - [`SocialGraph`]: compressed (CSR) directed graph, both directions, with a segment per node
//!   and an activation probability per edge; converts from and to petgraph. Loaded from
//!   SNAP-style edge lists by [`load_edge_list`] (at most [`MAX_EDGE_LIST_BYTES`]) /
//!   [`parse_edge_list`], kept in a compact binary cache ([`save_graph_cache`] /
//!   [`load_graph_cache`]: one sequential read instead of parsing text), or generated:
//!   [`chung_lu`] (power-law benchmark graphs), [`city_network`] (residents, grid workers and
//!   WeChat groups in a scenario's segment proportions).
//! - [`Model`]: independent cascade and linear threshold; [`monte_carlo`] estimates a seed
//!   set's spread per segment with confidence intervals, in parallel and deterministically.
//! - Seed selection: [`Opim`] (reverse-reachable sampling in the manner of OPIM-C, with a
//!   certified approximation ratio; targeted by segment weights and costed under a knapsack
//!   budget) and [`celf`] (lazy greedy on Monte Carlo estimates, the reference for small graphs).
//! - [`SpreadEstimator`]: a seed set's spread to +-1% with probability 99.9% (by default) from
//!   independent RR sets, with its interval ([`Opim::final_estimate`] runs it on the selection).
//! - Into the planner: [`audience_per_unit`] and [`forwarding_placement`] turn a seed set's
//!   expected reach per segment into a placement's audience (one unit = one round of posting);
//!   [`city_segments`] and [`segment_weights`] read a compiled [`Problem`](crate::Problem).
//!
//! Every random thing takes a `u64` seed and draws from ChaCha8 streams named by the seed and
//! a chunk index, reduced in index order: results are identical for a seed on every machine and
//! thread count.
//!
//! # Example
//! ```
//! use fanzha::diffusion::{chung_lu, monte_carlo, Model, MonteCarlo, Opim, Probability};
//! let g = chung_lu(5_000, 25_000, 2.5, Probability::WeightedCascade, 1).unwrap();
//! let sel = Opim::new(5).epsilon(0.2).seed(2).run(&g).unwrap();
//! let mc = monte_carlo(&g, &sel.seeds, &MonteCarlo::new(Model::IndependentCascade, 500)).unwrap();
//! assert!(mc.total.mean >= 5.0);
//! println!("certified ratio {:.3}", sel.certified_ratio);
//! ```

mod cache;
mod cascade;
mod celf;
mod cover;
mod estimate;
mod generate;
mod graph;
mod isolated;
mod load;
mod opim;
mod placement;
mod rng;
mod rr;

pub use crate::error::DiffusionError;
pub use cache::{load_graph_cache, read_graph_cache, save_graph_cache, write_graph_cache};
pub use cascade::{Estimate, Model, MonteCarlo, Spread, monte_carlo};
pub use celf::{Celf, CelfSelection, celf};
// The pieces of RR-set selection that the distributed module runs on a cluster.
#[cfg(feature = "distributed")]
pub(crate) use cover::{Cover, finish_k};
pub use cover::{GREEDY_RATIO, KNAPSACK_RATIO};
pub use estimate::{DEFAULT_MAX_ESTIMATE_RR_SETS, SpreadEstimate, SpreadEstimator};
pub use generate::{
    CITY_MAX_EDGES, CITY_MAX_NODES, CityNetwork, CityOptions, CitySegment, WeChatGroup, chung_lu,
    city_network,
};
pub use graph::{Edge, MAX_SEGMENTS, NodeId, Probability, SocialGraph};
pub use load::{
    MAX_EDGE_LIST_BYTES, load_edge_list, load_edge_list_with_limit, parse_edge_list,
    write_edge_list,
};
pub use opim::{Budget, DEFAULT_MAX_RR_SETS, MAX_RR_SETS_LIMIT, Opim, SeedSelection};
#[cfg(feature = "distributed")]
pub(crate) use opim::{Instance, OwnedOpim, Prepared, Schedule, certify};
pub use placement::{
    ForwardingSpec, audience_per_unit, city_segments, forwarding_placement, segment_weights,
};
#[cfg(feature = "distributed")]
pub(crate) use rng::tag;
#[cfg(feature = "distributed")]
pub(crate) use rr::{InvertedIndex, RR_CHUNK, RrCollection};
