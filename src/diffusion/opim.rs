//! Seed selection by reverse-reachable sampling with a certified approximation ratio, in the
//! manner of OPIM-C (Tang, Tang, Xiao, Yuan, SIGMOD 2018).

use super::cover::{CoverWork, candidate_list, greedy_k, greedy_knapsack};
use super::rng::tag;
use super::rr::{InvertedIndex, RR_CHUNK, Roots, RrCollection};
use super::{DiffusionError, Model, SocialGraph, cascade::check_weights};

/// `1 - 1/e`, the greedy ratio for a cardinality budget.
pub const GREEDY_RATIO: f64 = 1.0 - 1.0 / std::f64::consts::E;

/// `(1 - 1/e) / 2`, the ratio guaranteed by the better of cost-benefit greedy and the best
/// single node under a knapsack budget for a monotone submodular objective (Khuller, Moss, Naor
/// 1999; Krause and Guestrin 2005; later analyses show about 0.405, this is the safe figure).
pub const KNAPSACK_RATIO: f64 = GREEDY_RATIO / 2.0;

/// What limits the seed set.
#[derive(Debug, Clone, Copy)]
pub enum Budget<'a> {
    /// At most this many seeds.
    Seeds(usize),
    /// Total cost at most `budget`; `costs[i]` (positive, finite) is the cost of the `i`-th
    /// candidate (of every node `i` if no candidate list is given).
    Knapsack {
        /// Cost of each candidate (money or staff hours).
        costs: &'a [f64],
        /// The budget.
        budget: f64,
    },
}

/// A seed set chosen by [`Opim::run`], with its certificate.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedSelection {
    /// The seeds (node indices; map them through [`SocialGraph::label`] for input ids).
    pub seeds: Vec<u32>,
    /// Unbiased estimate of the seeds' (weighted) spread from the validation collection.
    pub spread: f64,
    /// 95% normal-approximation interval of `spread` (binomial coverage of the validation
    /// collection).
    pub spread_ci: (f64, f64),
    /// Expected people reached in each segment (index = segment), estimated from the validation
    /// collection; `None` for segments of weight 0 (no RR set is rooted there).
    pub segments: Vec<Option<f64>>,
    /// Lower confidence bound on the seeds' (weighted) spread.
    pub spread_lower: f64,
    /// Upper confidence bound on the best feasible seed set's (weighted) spread.
    pub optimum_upper: f64,
    /// `spread_lower / optimum_upper`: with probability at least `1 - delta`, the seeds reach at
    /// least this fraction of the optimum.
    pub certified_ratio: f64,
    /// The ratio sampling aimed for: `1 - 1/e - eps` (cardinality) or `(1 - 1/e)/2 - eps`
    /// (knapsack).
    pub target_ratio: f64,
    /// RR sets sampled, both collections together.
    pub rr_sets: usize,
    /// Doubling rounds run.
    pub rounds: usize,
    /// Total cost of the seeds (their number under [`Budget::Seeds`]).
    pub cost: f64,
}

/// Options of RR-set seed selection (builder style); run with [`Opim::run`].
///
/// # Algorithm and guarantee
/// Two independent RR collections `R1`, `R2` of equal size `theta` start at
/// `theta_0 = 2 ((1-1/e) sqrt(ln(6/delta)) + sqrt((1-1/e)(ln C(c,k) + ln(6/delta))))^2` and
/// double. Each round, greedy max coverage on `R1` picks `S`; `R2` gives a lower bound on
/// `S`'s spread, `R1`'s greedy trace an upper bound on the optimum's (OPIM-C's martingale
/// bounds, each failing with probability at most `delta / (3 i_max)`). Sampling stops once
/// `lower / upper >= target` or at `theta_max = theta_0 n / (eps^2 OPT_lb)`
/// (IMM's sample size), with `OPT_lb` the weight of the best `k` candidates. By a union bound
/// over rounds, with probability at least `1 - delta` the reported
/// [`certified_ratio`](SeedSelection::certified_ratio) is a true lower bound on
/// `spread(S) / OPT`; `OPT` is over seed sets drawn from the candidates within the budget.
///
/// Targeted: with [`weights`](Opim::weights), RR roots are drawn in proportion to the value of
/// their segment, so coverage estimates the weighted spread `sum_v w(v) Pr[v active]`.
/// Costed: with [`Budget::Knapsack`], selection is cost-benefit greedy against the best single
/// node, whose guarantee is `(1 - 1/e)/2` of the optimum on the sample.
///
/// # Complexity
/// Expected time `O(theta x (1 + EPT))` to sample (`EPT`: expected edges examined per RR set;
/// geometric skipping makes it the number of live edges when a node's in-edges share one
/// probability), plus `O(n + total RR size + k^2 log c)` per round for the inverted index and
/// lazy greedy (`c` candidates); memory
/// `O(total RR size + n)`. RR sets are sampled in parallel in chunks of 256, each chunk from its
/// own stream derived from the seed, so the answer is identical for a seed whatever the number
/// of threads.
///
/// # Example
/// ```
/// use fanzha::diffusion::{chung_lu, Model, Opim, Probability};
/// let g = chung_lu(2_000, 10_000, 2.5, Probability::WeightedCascade, 7).unwrap();
/// let sel = Opim::new(10).epsilon(0.2).seed(1).run(&g).unwrap();
/// assert_eq!(sel.seeds.len(), 10);
/// assert!(sel.spread_lower <= sel.spread && sel.spread <= sel.optimum_upper);
/// assert!(sel.certified_ratio >= sel.target_ratio || sel.rounds > 1);
/// ```
#[derive(Debug, Clone)]
pub struct Opim<'a> {
    budget: Budget<'a>,
    epsilon: f64,
    delta: Option<f64>,
    model: Model,
    seed: u64,
    weights: Option<&'a [f64]>,
    candidates: Option<&'a [u32]>,
    max_rr_sets: usize,
}

impl<'a> Opim<'a> {
    /// Select `k` seeds; `epsilon` 0.1, `delta` `1/n`, independent cascade, seed 0, untargeted,
    /// any node a candidate.
    pub fn new(k: usize) -> Self {
        Self::with_budget(Budget::Seeds(k))
    }

    /// Select seeds under a knapsack budget (see [`Budget::Knapsack`]).
    pub fn knapsack(costs: &'a [f64], budget: f64) -> Self {
        Self::with_budget(Budget::Knapsack { costs, budget })
    }

    /// Select seeds under `budget`.
    pub fn with_budget(budget: Budget<'a>) -> Self {
        Opim {
            budget,
            epsilon: 0.1,
            delta: None,
            model: Model::IndependentCascade,
            seed: 0,
            weights: None,
            candidates: None,
            max_rr_sets: 1 << 31,
        }
    }

    /// Additive slack in the target ratio, in `(0, 1)`.
    pub fn epsilon(mut self, epsilon: f64) -> Self {
        self.epsilon = epsilon;
        self
    }

    /// Failure probability of the certificate, in `(0, 1)` (default `1/n`).
    pub fn delta(mut self, delta: f64) -> Self {
        self.delta = Some(delta);
        self
    }

    /// Diffusion model.
    pub fn model(mut self, model: Model) -> Self {
        self.model = model;
        self
    }

    /// Seed of all random streams.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Value per reached person of each segment (targeting).
    pub fn weights(mut self, weights: &'a [f64]) -> Self {
        self.weights = Some(weights);
        self
    }

    /// Only these (distinct) nodes may be seeds.
    pub fn candidates(mut self, candidates: &'a [u32]) -> Self {
        self.candidates = Some(candidates);
        self
    }

    /// Cap on the RR sets per collection (default `2^31`); reaching it stops sampling and the
    /// certificate says what was reached.
    pub fn max_rr_sets(mut self, cap: usize) -> Self {
        self.max_rr_sets = cap.max(RR_CHUNK);
        self
    }

    /// Runs the selection; see the type's documentation for the guarantee.
    ///
    /// # Errors
    /// [`DiffusionError::InvalidArgument`] for an empty graph, `epsilon` or `delta` outside
    /// `(0, 1)`, `k = 0`, bad costs or budget, bad weights or candidates, or a graph that does
    /// not suit the model.
    pub fn run(&self, graph: &SocialGraph) -> Result<SeedSelection, DiffusionError> {
        let n = graph.node_count();
        if n == 0 {
            return Err(DiffusionError::invalid("graph", "has no nodes"));
        }
        self.model.check(graph)?;
        if !(self.epsilon > 0.0 && self.epsilon < 1.0) {
            return Err(DiffusionError::invalid("epsilon", "must be in (0, 1)"));
        }
        let delta = self.delta.unwrap_or(1.0 / n as f64);
        if !(delta > 0.0 && delta < 1.0) {
            return Err(DiffusionError::invalid("delta", "must be in (0, 1)"));
        }
        let candidates = candidate_list(n, self.candidates);
        let mut seen = vec![false; n];
        for &c in &candidates {
            if c as usize >= n || std::mem::replace(&mut seen[c as usize], true) {
                return Err(DiffusionError::invalid(
                    "candidates",
                    format!("node {c} is out of range or listed twice"),
                ));
            }
        }
        drop(seen);
        if candidates.is_empty() {
            return Err(DiffusionError::invalid("candidates", "is empty"));
        }
        let weights = check_weights(self.weights, graph.segment_count())?;
        let roots = Roots::new(graph, weights.as_deref())?;
        let node_weight = |v: u32| match &weights {
            Some(w) => w[graph.segment(v) as usize],
            None => 1.0,
        };

        // Size of the largest feasible seed set and a lower bound on OPT.
        let mut cand_weights: Vec<f64> = candidates.iter().map(|&v| node_weight(v)).collect();
        cand_weights.sort_unstable_by(|a, b| b.total_cmp(a));
        let (k_max, opt_lb, ratio) = match self.budget {
            Budget::Seeds(k) => {
                if k == 0 {
                    return Err(DiffusionError::invalid("k", "must be at least 1"));
                }
                let k = k.min(candidates.len());
                (k, cand_weights[..k].iter().sum::<f64>(), GREEDY_RATIO)
            }
            Budget::Knapsack { costs, budget } => {
                if costs.len() != candidates.len() {
                    return Err(DiffusionError::invalid(
                        "costs",
                        format!("{} costs for {} candidates", costs.len(), candidates.len()),
                    ));
                }
                if let Some(bad) = costs.iter().find(|c| !(c.is_finite() && **c > 0.0)) {
                    return Err(DiffusionError::invalid(
                        "costs",
                        format!("{bad} is not positive and finite"),
                    ));
                }
                if !(budget.is_finite() && budget >= 0.0) {
                    return Err(DiffusionError::invalid("budget", "must be finite and >= 0"));
                }
                let mut sorted = costs.to_vec();
                sorted.sort_unstable_by(f64::total_cmp);
                let mut left = budget;
                let k = sorted
                    .iter()
                    .take_while(|&&c| {
                        left -= c;
                        left >= 0.0
                    })
                    .count();
                if k == 0 {
                    return Err(DiffusionError::invalid(
                        "budget",
                        "no candidate is affordable",
                    ));
                }
                let best = candidates
                    .iter()
                    .zip(costs)
                    .filter(|&(_, &c)| c <= budget)
                    .map(|(&v, _)| node_weight(v))
                    .fold(0.0, f64::max);
                (k, best, KNAPSACK_RATIO)
            }
        };
        let min_positive = cand_weights
            .iter()
            .copied()
            .filter(|&w| w > 0.0)
            .fold(f64::INFINITY, f64::min);
        let opt_lb = if opt_lb > 0.0 {
            opt_lb
        } else if min_positive.is_finite() {
            min_positive
        } else {
            roots.total / n as f64
        };

        let eps = self.epsilon;
        let ln_6_delta = (6.0 / delta).ln();
        let alpha = ln_6_delta.sqrt();
        let beta = (ratio * (ln_choose(candidates.len(), k_max) + ln_6_delta)).sqrt();
        let theta_0 = 2.0 * (ratio * alpha + beta).powi(2);
        let theta_max = (theta_0 * roots.total / (eps * eps * opt_lb)).min(self.max_rr_sets as f64);
        let theta_0 = theta_0.min(theta_max);
        let rounds_max = (theta_max / theta_0).log2().ceil() as usize + 1;
        let a = (3.0 * rounds_max as f64 / delta).ln();
        let target = ratio - eps;

        let mut r1 = RrCollection::new(self.seed, tag::RR_SELECT);
        let mut r2 = RrCollection::new(self.seed, tag::RR_VALIDATE);
        let mut in_set = vec![false; n];
        let mut index = InvertedIndex::default();
        let mut work = CoverWork::default();
        let mut theta = theta_0.ceil() as usize;
        let mut round = 0;
        loop {
            round += 1;
            theta = theta.min(self.max_rr_sets);
            r1.grow(graph, self.model, &roots, theta);
            r2.grow(graph, self.model, &roots, theta);
            index.rebuild(n, &r1);
            let cover = match self.budget {
                Budget::Seeds(k) => {
                    greedy_k(&index, &r1, &candidates, k.min(candidates.len()), &mut work)
                }
                Budget::Knapsack { costs, budget } => {
                    greedy_knapsack(&index, &r1, &candidates, costs, budget, &mut work)
                }
            };
            for &s in &cover.seeds {
                in_set[s as usize] = true;
            }
            let cov2 = r2.coverage(&in_set) as f64;
            for &s in &cover.seeds {
                in_set[s as usize] = false;
            }
            let scale = roots.total / r2.len() as f64;
            let lower_sqrt = (cov2 + 2.0 * a / 9.0).sqrt() - (a / 2.0).sqrt();
            let lower = if lower_sqrt > 0.0 {
                (lower_sqrt.powi(2) - a / 18.0).max(0.0)
            } else {
                0.0
            };
            let upper = ((cover.upper + a / 2.0).sqrt() + (a / 2.0).sqrt()).powi(2);
            let certified = if upper > 0.0 { lower / upper } else { 0.0 };
            let done = certified >= target
                || round >= rounds_max
                || r1.len() >= self.max_rr_sets
                || (r1.len() as f64) >= theta_max;
            if done {
                for &s in &cover.seeds {
                    in_set[s as usize] = true;
                }
                let by_segment = r2.coverage_by_root_segment(graph, &in_set);
                let theta2 = r2.len() as f64;
                let segments = by_segment
                    .iter()
                    .enumerate()
                    .map(|(s, &c)| {
                        let w = roots.segment_weight.get(s).copied().unwrap_or(1.0);
                        (w > 0.0).then(|| c as f64 * roots.total / (theta2 * w))
                    })
                    .collect();
                let p = cov2 / theta2;
                let half = 1.96 * (p * (1.0 - p) / theta2).sqrt() * roots.total;
                let cost = match self.budget {
                    Budget::Seeds(_) => cover.seeds.len() as f64,
                    Budget::Knapsack { costs, .. } => {
                        let pos: std::collections::HashMap<u32, usize> = candidates
                            .iter()
                            .enumerate()
                            .map(|(i, &v)| (v, i))
                            .collect();
                        cover.seeds.iter().map(|v| costs[pos[v]]).sum()
                    }
                };
                return Ok(SeedSelection {
                    seeds: cover.seeds,
                    spread: cov2 * scale,
                    spread_ci: ((cov2 * scale - half).max(0.0), cov2 * scale + half),
                    segments,
                    spread_lower: lower * (roots.total / r2.len() as f64),
                    optimum_upper: upper * (roots.total / r1.len() as f64),
                    certified_ratio: certified.min(1.0),
                    target_ratio: target,
                    rr_sets: r1.len() + r2.len(),
                    rounds: round,
                    cost,
                });
            }
            theta = r1.len() * 2;
        }
    }
}

/// `ln C(n, k)` by summing logarithms (exact enough for sample sizes).
fn ln_choose(n: usize, k: usize) -> f64 {
    let k = k.min(n - k.min(n));
    let k = k.min(n);
    (0..k)
        .map(|i| ((n - i) as f64).ln() - ((i + 1) as f64).ln())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_choose_small() {
        assert!((ln_choose(5, 2) - 10f64.ln()).abs() < 1e-12);
        assert_eq!(ln_choose(5, 0), 0.0);
        assert!((ln_choose(5, 5)).abs() < 1e-12);
    }
}
