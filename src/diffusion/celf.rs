//! CELF: lazy greedy seed selection on Monte Carlo estimates (Leskovec et al., KDD 2007).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::cascade::{MonteCarlo, monte_carlo};
use super::cover::candidate_list;
use super::{DiffusionError, Model, SocialGraph};
use crate::total::Total;

/// Options of [`celf`].
#[derive(Debug, Clone, Copy)]
pub struct Celf<'a> {
    /// Number of seeds (at least 1; more than the candidates selects every candidate).
    pub k: usize,
    /// Diffusion model.
    pub model: Model,
    /// Cascades per estimate.
    pub samples: usize,
    /// Seed of the random streams; every estimate uses the same streams (common random
    /// numbers), so estimates of nested sets are consistent.
    pub seed: u64,
    /// Value per reached person of each segment (`None`: count people).
    pub weights: Option<&'a [f64]>,
    /// Only these (distinct, in-range) nodes may be seeds (`None`: any node).
    pub candidates: Option<&'a [u32]>,
}

/// Seeds chosen by [`celf`].
#[derive(Debug, Clone, PartialEq)]
pub struct CelfSelection {
    /// Seeds in the order chosen.
    pub seeds: Vec<u32>,
    /// Estimated (weighted) spread after each pick.
    pub spread: Vec<f64>,
    /// Monte Carlo estimates computed (each of `samples` cascades).
    pub evaluations: usize,
}

/// Lazy greedy (CELF) seed selection on Monte Carlo estimates of the (weighted) spread.
///
/// Keeps each candidate's last marginal gain in a max-heap; by submodularity a gain can only
/// fall, so a top entry computed for the current seed set is the true best and is taken
/// without re-evaluating the others.
///
/// # Arguments
/// * `graph` - the network.
/// * `options` - number of seeds, model, cascades per estimate, seed, weights, candidates.
///
/// # Returns
/// `min(k, candidates)` distinct seeds in the order picked, with the estimated spread after
/// each pick.
///
/// # Errors
/// [`DiffusionError::InvalidArgument`] for an empty graph, `k = 0`, candidates that are empty,
/// out of range or listed twice (as [`Opim::run`](super::Opim::run)); otherwise as
/// [`monte_carlo`](super::monte_carlo) (no samples, bad weights, a graph unfit for the model).
///
/// # Guarantee
/// With exact spreads, greedy reaches `1 - 1/e` of the optimum (Nemhauser, Wolsey, Fisher 1978;
/// Kempe, Kleinberg, Tardos 2003); with estimates, up to their error. Slow: the reference
/// oracle for small graphs and tests, not for production sizes (use [`Opim`](super::Opim)).
///
/// # Complexity
/// `O(evaluations x samples x cascade size)`; evaluations are `c` for the first pick and
/// usually few per later pick.
///
/// # Example
/// ```
/// use fanzha::diffusion::{celf, Celf, Edge, Model, Probability, SocialGraph};
/// // A star 0 -> {1, 2, 3} and a lone edge 4 -> 5: the hub goes first.
/// let e = |s, t| Edge { source: s, target: t, probability: 1.0 };
/// let g = SocialGraph::from_edges(6, &[e(0, 1), e(0, 2), e(0, 3), e(4, 5)],
///                                 Probability::Given).unwrap();
/// let opts = Celf { k: 2, model: Model::IndependentCascade, samples: 10, seed: 0,
///                   weights: None, candidates: None };
/// let sel = celf(&g, &opts).unwrap();
/// assert_eq!(sel.seeds, vec![0, 4]);
/// assert_eq!(sel.spread, vec![4.0, 6.0]);
/// ```
pub fn celf(graph: &SocialGraph, options: &Celf<'_>) -> Result<CelfSelection, DiffusionError> {
    let n = graph.node_count();
    if n == 0 {
        return Err(DiffusionError::invalid("graph", "has no nodes"));
    }
    if options.k == 0 {
        return Err(DiffusionError::invalid("k", "must be at least 1"));
    }
    let candidates = candidate_list(n, options.candidates)?;
    let k = options.k.min(candidates.len());
    let mc = MonteCarlo {
        model: options.model,
        samples: options.samples,
        seed: options.seed,
        weights: options.weights,
        z: 1.96,
    };
    let mut evaluations = 0usize;
    let mut eval = |set: &[u32]| -> Result<f64, DiffusionError> {
        evaluations += 1;
        Ok(monte_carlo(graph, set, &mc)?.value.mean)
    };
    let mut heap = BinaryHeap::with_capacity(candidates.len());
    for &v in &candidates {
        let value = eval(&[v])?;
        heap.push((Total(value), Reverse(v), 0usize));
    }
    let mut seeds: Vec<u32> = Vec::with_capacity(k);
    let mut spread = Vec::with_capacity(k);
    let mut current = 0.0;
    while seeds.len() < k {
        let Some((Total(gain), Reverse(v), round)) = heap.pop() else {
            break;
        };
        if round == seeds.len() {
            seeds.push(v);
            current += gain;
            spread.push(current);
        } else {
            seeds.push(v);
            let value = eval(&seeds)?;
            seeds.pop();
            heap.push((Total(value - current), Reverse(v), seeds.len()));
        }
    }
    Ok(CelfSelection {
        seeds,
        spread,
        evaluations,
    })
}
