//! Seed selection by reverse-reachable sampling with a certified approximation ratio, in the
//! manner of OPIM-C (Tang, Tang, Xiao, Yuan, SIGMOD 2018).

use std::collections::BinaryHeap;

use super::cover::{
    Cover, CoverWork, GREEDY_RATIO, KNAPSACK_RATIO, candidate_list, greedy_k, greedy_knapsack,
};
use super::estimate::{SpreadEstimate, SpreadEstimator};
use super::isolated;
use super::rng::tag;
use super::rr::{InvertedIndex, RR_CHUNK, Roots, RrCollection};
use super::{DiffusionError, Model, SocialGraph, cascade::check_weights};

/// Default cap on the RR sets of each collection of [`Opim`]: `2^26` (about 67 million).
///
/// # Memory
/// Sampling holds two collections of equal size `theta` and an inverted index of the first.
/// Each RR set of `s` nodes costs `17 + 12 s` bytes (in each collection 8 for its offset and 4
/// per member, 4 per member in the index, 1 coverage flag): 29 bytes for a single node, so
/// `29 x 2^26`, about 1.95 GB, at the default cap when RR sets are single nodes (isolated
/// nodes, nodes nobody activates) and 0.8 GB more per extra member per set on average. That is
/// also the peak: the index and flags are freed before the collections grow, and new sets are
/// sampled in batches of a few MB. Add about 30 bytes per node and the graph.
pub const DEFAULT_MAX_RR_SETS: usize = 1 << 26;

/// Largest accepted cap on the RR sets per collection: RR set ids are stored as `u32`, and
/// collections grow in chunks of 256 sets, so the cap is at most `2^32 - 256`.
pub const MAX_RR_SETS_LIMIT: usize = u32::MAX as usize - (RR_CHUNK - 1);

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
    /// The seeds (node indices; map them through [`SocialGraph::id`] for the ids as written in
    /// the input): under [`Budget::Seeds`]`(k)`, `min(k, number of candidates)` of them (see
    /// [`Opim::run`]).
    pub seeds: Vec<u32>,
    /// Estimate of the seeds' (weighted) spread: from the [final estimate](Opim::final_estimate)
    /// when one was asked for (then equal to `estimate.spread`), otherwise the unbiased
    /// estimate from the validation collection `R2` (whose size the selection chose: its
    /// interval can be several percent wide).
    pub spread: f64,
    /// Interval of `spread`: the final estimate's (probability `1 - delta` of it), otherwise
    /// the 95% normal-approximation interval of `R2`'s binomial coverage.
    pub spread_ci: (f64, f64),
    /// Expected people reached in each segment (index = segment), from the final estimate's RR
    /// sets if there is one, otherwise from `R2`; `None` for segments of weight 0 (no RR set is
    /// rooted there).
    pub segments: Vec<Option<f64>>,
    /// The final estimate from RR sets independent of the selection, if
    /// [`Opim::final_estimate`] asked for one (and sampling was needed at all).
    pub estimate: Option<SpreadEstimate>,
    /// Lower confidence bound on the seeds' (weighted) spread.
    pub spread_lower: f64,
    /// Upper confidence bound on the best feasible seed set's (weighted) spread.
    pub optimum_upper: f64,
    /// `spread_lower / optimum_upper`: with probability at least `1 - delta`, the seeds reach at
    /// least this fraction of the optimum. Exactly 1 when no feasible seed set can reach any
    /// weight at all (OPT = 0: every set is optimal), and exact when nobody can activate
    /// anybody (see [`Opim::run`]).
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
    /// `true` if sampling stopped because a collection reached the
    /// [`max_rr_sets`](Opim::max_rr_sets) cap while `certified_ratio` was still below
    /// `target_ratio`: the certificate is valid but weaker than asked for.
    pub capped: bool,
}

/// Options of RR-set seed selection (builder style); run with [`Opim::run`].
///
/// # Algorithm and guarantee
/// Two independent RR collections `R1`, `R2` of equal size `theta` start at
/// `theta_0 = 2 ((1-1/e) sqrt(ln(6/delta)) + sqrt((1-1/e)(ln C(c,k) + ln(6/delta))))^2` and
/// double. Each round, greedy max coverage on `R1` picks `S`; `R2` gives a lower bound on
/// `S`'s spread, `R1`'s greedy trace an upper bound on the optimum's (OPIM-C's two events, with
/// the binomial Chernoff bound in relative-entropy form, which is tighter than OPIM-C's
/// martingale bounds; each fails with probability at most `delta / (3 i_max)`; see `certify`
/// in the source). Sampling stops once
/// `lower / upper >= target`, at `theta_max = theta_0 W / (eps^2 OPT_lb)` (IMM's sample size;
/// `W` the total weight, `n` untargeted), or at the [`max_rr_sets`](Opim::max_rr_sets) cap
/// (reported as [`capped`](SeedSelection::capped)). `OPT_lb` is the weight of the best `k`
/// candidates (the best affordable one under a knapsack); if every feasible candidate weighs 0,
/// it is the largest `w(v) x` (product of the probabilities along a path from a feasible
/// candidate to `v`), a lower bound on that candidate's spread under both models. If no such
/// path exists, OPT = 0 and [`run`](Opim::run) returns without sampling. By a union bound
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
/// // `spread` and `optimum_upper` come from independent collections: not ordered. The
/// // certificate relates the lower bound to the upper bound.
/// assert!(sel.spread_lower <= sel.spread);
/// assert!((sel.certified_ratio - sel.spread_lower / sel.optimum_upper).abs() < 1e-12);
/// assert!(sel.certified_ratio >= sel.target_ratio || sel.capped || sel.rounds > 1);
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
    final_estimate: Option<(f64, f64)>,
}

impl<'a> Opim<'a> {
    /// Select `k` seeds; `epsilon` 0.1, `delta` `min(1/n, 0.5)`, independent cascade, seed 0,
    /// untargeted, any node a candidate, at most [`DEFAULT_MAX_RR_SETS`] RR sets per collection.
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
            max_rr_sets: DEFAULT_MAX_RR_SETS,
            final_estimate: None,
        }
    }

    /// Additive slack in the target ratio: in `(0, 1 - 1/e)` (about 0.632) under
    /// [`Budget::Seeds`], `(0, (1 - 1/e)/2)` (about 0.316) under [`Budget::Knapsack`], so that
    /// the target ratio is positive; checked by [`run`](Self::run).
    pub fn epsilon(mut self, epsilon: f64) -> Self {
        self.epsilon = epsilon;
        self
    }

    /// Failure probability of the certificate, in `(0, 1)` (default `min(1/n, 0.5)`: `1/n`
    /// except on a one-node graph, where it is 0.5).
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

    /// Cap on the RR sets per collection (default [`DEFAULT_MAX_RR_SETS`] = `2^26`: about
    /// 2 GB at the cap if RR sets are single nodes, 29 bytes per set plus 12 per further
    /// member; see its `# Memory`); clamped to `256..=`[`MAX_RR_SETS_LIMIT`] (set ids are
    /// `u32`).
    /// Collections grow in chunks of 256 sets, so a cap that is not a multiple of 256 is
    /// rounded up to one. Reaching the cap before the target ratio stops sampling: the
    /// certificate says what was reached and [`SeedSelection::capped`] is `true`.
    pub fn max_rr_sets(mut self, cap: usize) -> Self {
        self.max_rr_sets = cap.clamp(RR_CHUNK, MAX_RR_SETS_LIMIT);
        self
    }

    /// After selecting, estimate the seeds' spread to a factor `1 +- epsilon` with probability
    /// at least `1 - delta` from RR sets independent of the selection's (see
    /// [`SpreadEstimator`]; OPIM-C validates with 0.01 and 0.001): the result's `spread`,
    /// `spread_ci` and `segments` then come from it, and `estimate` holds it. Both must be in
    /// `(0, 1)` (checked by [`run`](Self::run)). Costs about
    /// `4 (e - 2) ln(2 / delta) / epsilon^2` covered RR sets (220,000 for the defaults),
    /// `W / spread` sets sampled per covered one. Default: none.
    ///
    /// # Example
    /// ```
    /// use fanzha::diffusion::{chung_lu, Opim, Probability};
    /// let g = chung_lu(1_000, 5_000, 2.5, Probability::WeightedCascade, 3).unwrap();
    /// let sel = Opim::new(5).final_estimate(0.05, 0.01).run(&g).unwrap();
    /// let est = sel.estimate.as_ref().unwrap();
    /// assert_eq!(sel.spread, est.spread);
    /// assert_eq!(sel.spread_ci, est.interval);
    /// ```
    pub fn final_estimate(mut self, epsilon: f64, delta: f64) -> Self {
        self.final_estimate = Some((epsilon, delta));
        self
    }

    /// Runs the selection; see the type's documentation for the guarantee.
    ///
    /// # Returns
    /// The seeds with their certificate. Under [`Budget::Seeds`]`(k)`, exactly
    /// `min(k, candidates)` distinct seeds: asking for more seeds than there are candidates
    /// (all nodes if no list is given) is not an error, it returns every candidate, and the
    /// certificate is then about that set (which is optimal). Candidates that cover no RR set
    /// are added, in the order given, when fewer than `k` cover anything. Under
    /// [`Budget::Knapsack`], any number of seeds whose total cost is within the budget.
    ///
    /// # Zero optimum
    /// If no feasible candidate can reach a node of positive weight (following edges of
    /// positive probability; only possible with [`weights`](Opim::weights)), every feasible
    /// seed set reaches weight 0, so every one is optimal. Nothing is sampled (`rr_sets = 0`,
    /// `rounds = 0`); the result has spread, bounds and interval 0, `certified_ratio = 1`,
    /// segments `Some(0.0)` where the weight is positive (`None` elsewhere), and as seeds the
    /// first `min(k, candidates)` candidates in the order given (as greedy pads when nothing is
    /// covered) under [`Budget::Seeds`], no seeds under [`Budget::Knapsack`].
    ///
    /// # Nobody spreads
    /// If no edge of positive probability joins two distinct nodes (isolated nodes, self-loops,
    /// edges of probability 0), a seed set reaches exactly its members, so its spread is its
    /// weight, known exactly. Nothing is sampled (`rr_sets = 0`, `rounds = 0`); the interval
    /// and bounds are exact: under [`Budget::Seeds`] the `min(k, candidates)` heaviest
    /// candidates (ties: the first in the order given), optimal, certified ratio 1; under
    /// [`Budget::Knapsack`] the better of cost-benefit greedy and the best affordable single
    /// candidate, certified against the fractional knapsack (at least 1/2).
    ///
    /// # Errors
    /// [`DiffusionError::InvalidArgument`] for an empty graph, `epsilon` that leaves no
    /// positive target ratio (see [`epsilon`](Self::epsilon)), `delta` outside `(0, 1)`,
    /// `k = 0` (but not `k` above the number of candidates: see above), costs that are not one
    /// positive finite number per candidate, a negative or non-finite budget or one that
    /// affords no candidate, weights that are negative, non-finite, too few or all 0 on the
    /// population, candidates that are empty, out of range or listed twice, or a graph that
    /// does not suit the model (linear threshold needs in-weights summing to at most 1).
    ///
    /// # Example
    /// ```
    /// use fanzha::diffusion::{chung_lu, Opim, Probability};
    /// let g = chung_lu(500, 2_000, 2.5, Probability::WeightedCascade, 3).unwrap();
    /// // Five seeds wanted, two candidates: both are returned.
    /// let sel = Opim::new(5).candidates(&[7, 9]).run(&g).unwrap();
    /// assert_eq!(sel.seeds.len(), 2);
    /// assert!(Opim::new(0).run(&g).is_err());
    /// ```
    pub fn run(&self, graph: &SocialGraph) -> Result<SeedSelection, DiffusionError> {
        match self.prepare(graph)? {
            Prepared::Done(selection) => Ok(selection),
            Prepared::Sample(inst, schedule) => {
                let selection = self.sample(&inst, &schedule);
                self.estimate(graph, selection)
            }
        }
    }

    /// Checks the arguments and answers the cases that need no sampling; otherwise the
    /// instance and its sampling schedule (shared with the distributed selection, which runs
    /// the same rounds on a cluster).
    pub(crate) fn prepare<'g>(
        &self,
        graph: &'g SocialGraph,
    ) -> Result<Prepared<'g>, DiffusionError> {
        let delta = self.check_arguments(graph)?;
        let candidates = candidate_list(graph.node_count(), self.candidates)?;
        let weights = check_weights(self.weights, graph.segment_count())?;
        let roots = Roots::new(graph, weights.as_deref())?;
        let inst = Instance {
            graph,
            candidates,
            weights,
            roots,
        };
        let (k_max, weight_lb, ratio) = self.feasible_size(&inst)?;
        let Some(opt_lb) = self.opt_lower_bound(&inst, weight_lb) else {
            return Ok(Prepared::Done(self.zero_optimum(
                graph,
                &inst.candidates,
                k_max,
                &inst.roots,
                ratio,
            )));
        };
        if !graph.can_spread() {
            return Ok(Prepared::Done(self.without_spread(&inst, ratio)));
        }
        let schedule = self.schedule(&inst, k_max, ratio, delta, opt_lb);
        Ok(Prepared::Sample(inst, schedule))
    }

    /// The budget.
    #[cfg(feature = "distributed")]
    pub(crate) fn budget(&self) -> Budget<'a> {
        self.budget
    }

    /// The diffusion model.
    #[cfg(feature = "distributed")]
    pub(crate) fn diffusion_model(&self) -> Model {
        self.model
    }

    /// The seed of all random streams.
    #[cfg(feature = "distributed")]
    pub(crate) fn random_seed(&self) -> u64 {
        self.seed
    }

    /// The cap on RR sets per collection.
    #[cfg(feature = "distributed")]
    pub(crate) fn rr_cap(&self) -> usize {
        self.max_rr_sets
    }

    /// Replaces the selection's spread by the final estimate, if one was asked for.
    pub(crate) fn estimate(
        &self,
        graph: &SocialGraph,
        mut selection: SeedSelection,
    ) -> Result<SeedSelection, DiffusionError> {
        let Some((epsilon, delta)) = self.final_estimate else {
            return Ok(selection);
        };
        let mut estimator = SpreadEstimator::new(self.model)
            .epsilon(epsilon)
            .delta(delta)
            .seed(self.seed);
        if let Some(w) = self.weights {
            estimator = estimator.weights(w);
        }
        let est = estimator.run(graph, &selection.seeds)?;
        selection.spread = est.spread;
        selection.spread_ci = est.interval;
        selection.segments = est.segments.clone();
        selection.estimate = Some(est);
        Ok(selection)
    }
}

/// An [`Opim`] that owns its budget's costs, weights and candidates, so it can be sent to
/// the worker threads of a distributed run (which need `'static` data).
#[cfg(feature = "distributed")]
#[derive(Debug, Clone)]
pub(crate) struct OwnedOpim {
    base: Opim<'static>,
    costs: Option<(Vec<f64>, f64)>,
    weights: Option<Vec<f64>>,
    candidates: Option<Vec<u32>>,
}

#[cfg(feature = "distributed")]
impl OwnedOpim {
    /// A copy of `opim` owning what it borrows.
    pub fn new(opim: &Opim<'_>) -> OwnedOpim {
        let (k, costs) = match opim.budget {
            Budget::Seeds(k) => (k, None),
            Budget::Knapsack { costs, budget } => (0, Some((costs.to_vec(), budget))),
        };
        OwnedOpim {
            base: Opim {
                budget: Budget::Seeds(k),
                weights: None,
                candidates: None,
                ..opim.clone_static()
            },
            costs,
            weights: opim.weights.map(<[f64]>::to_vec),
            candidates: opim.candidates.map(<[u32]>::to_vec),
        }
    }

    /// The options, borrowing from `self`.
    pub fn get(&self) -> Opim<'_> {
        Opim {
            budget: match &self.costs {
                Some((costs, budget)) => Budget::Knapsack {
                    costs,
                    budget: *budget,
                },
                None => self.base.budget,
            },
            weights: self.weights.as_deref(),
            candidates: self.candidates.as_deref(),
            ..self.base.clone()
        }
    }
}

#[cfg(feature = "distributed")]
impl Opim<'_> {
    /// The options without what they borrow (unit budget of the same `k`, no weights, no
    /// candidates).
    fn clone_static(&self) -> Opim<'static> {
        Opim {
            budget: Budget::Seeds(0),
            epsilon: self.epsilon,
            delta: self.delta,
            model: self.model,
            seed: self.seed,
            weights: None,
            candidates: None,
            max_rr_sets: self.max_rr_sets,
            final_estimate: self.final_estimate,
        }
    }
}

/// What [`Opim::prepare`] found: the answer, or what to sample.
pub(crate) enum Prepared<'g> {
    /// Nothing to sample (zero optimum, or nobody spreads).
    Done(SeedSelection),
    /// The rounds to run.
    Sample(Instance<'g>, Schedule),
}

/// What [`Opim::run`] works on once its arguments are checked.
pub(crate) struct Instance<'g> {
    pub graph: &'g SocialGraph,
    pub candidates: Vec<u32>,
    /// Weight of each segment (`None`: every node weighs 1).
    weights: Option<Vec<f64>>,
    pub roots: Roots,
}

impl Instance<'_> {
    fn node_weight(&self, v: u32) -> f64 {
        match &self.weights {
            Some(w) => w[self.graph.segment(v) as usize],
            None => 1.0,
        }
    }
}

/// The sampling schedule (OPIM-C): sizes, rounds and the confidence term of the bounds.
pub(crate) struct Schedule {
    /// RR sets per collection in the first round.
    pub theta_0: f64,
    /// IMM's sample size (or the cap): no round goes beyond it.
    pub theta_max: f64,
    pub rounds_max: usize,
    /// `ln(3 rounds_max / delta)`: each round's bounds fail with probability `delta / (3 i_max)`.
    pub a: f64,
    /// The ratio sampling aims for.
    pub target: f64,
}

/// One round's result: the seeds greedy picked on `R1` and their certificate.
pub(crate) struct Round {
    number: usize,
    pub seeds: Vec<u32>,
    /// Sets of `R2` the seeds cover.
    cov2: f64,
    /// Lower bound on the seeds' coverage of `R2` and upper bound on the optimum's of `R1`, in
    /// sets.
    lower: f64,
    upper: f64,
    /// `lower / upper` (0 if `upper` is 0): the collections are equally large, so this is also
    /// the ratio of the spread bounds.
    pub certified: f64,
    pub r1_len: usize,
    /// `R1` reached the cap.
    pub capped: bool,
}

impl Opim<'_> {
    /// Checks the graph, model, `epsilon` and `delta`; returns `delta` (its default filled in).
    fn check_arguments(&self, graph: &SocialGraph) -> Result<f64, DiffusionError> {
        let n = graph.node_count();
        if n == 0 {
            return Err(DiffusionError::invalid("graph", "has no nodes"));
        }
        self.model.check(graph)?;
        // The target ratio `ratio - epsilon` must be positive to mean anything.
        let (ratio, formula) = match self.budget {
            Budget::Seeds(_) => (GREEDY_RATIO, "1 - 1/e"),
            Budget::Knapsack { .. } => (KNAPSACK_RATIO, "(1 - 1/e)/2"),
        };
        if !(self.epsilon > 0.0 && self.epsilon < ratio) {
            return Err(DiffusionError::invalid(
                "epsilon",
                format!(
                    "{} is not in (0, {ratio:.4}): the target ratio {formula} - epsilon must be \
                     positive",
                    self.epsilon
                ),
            ));
        }
        // 1/n, but a failure probability of 1 (one node) would certify nothing.
        let delta = self.delta.unwrap_or((1.0 / n as f64).min(0.5));
        if !(delta > 0.0 && delta < 1.0) {
            return Err(DiffusionError::invalid("delta", "must be in (0, 1)"));
        }
        if let Some((e, d)) = self.final_estimate {
            if !(e > 0.0 && e < 1.0 && d > 0.0 && d < 1.0) {
                return Err(DiffusionError::invalid(
                    "final_estimate",
                    format!("epsilon {e} and delta {d} must both be in (0, 1)"),
                ));
            }
        }
        Ok(delta)
    }

    /// The size of the largest feasible seed set, a lower bound on OPT from the seeds' own
    /// weight (a seed is active, so it counts its full weight), and the budget's greedy ratio.
    fn feasible_size(&self, inst: &Instance) -> Result<(usize, f64, f64), DiffusionError> {
        match self.budget {
            Budget::Seeds(k) => {
                if k == 0 {
                    return Err(DiffusionError::invalid("k", "must be at least 1"));
                }
                let k = k.min(inst.candidates.len());
                if inst.weights.is_none() {
                    // Every node weighs 1: the k heaviest weigh k (as the sum below would).
                    return Ok((k, k as f64, GREEDY_RATIO));
                }
                let mut cand_weights: Vec<f64> = inst
                    .candidates
                    .iter()
                    .map(|&v| inst.node_weight(v))
                    .collect();
                // The k heaviest in O(c), then in decreasing order (summed as a full sort would).
                cand_weights.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
                cand_weights[..k].sort_unstable_by(|a, b| b.total_cmp(a));
                Ok((k, cand_weights[..k].iter().sum::<f64>(), GREEDY_RATIO))
            }
            Budget::Knapsack { costs, budget } => {
                let (k, best) = knapsack_size(inst, costs, budget)?;
                Ok((k, best, KNAPSACK_RATIO))
            }
        }
    }

    /// A positive lower bound on OPT: `weight_lb` if positive, else (every feasible candidate
    /// weighs 0) the best single path to value; `None` if no feasible candidate reaches value.
    fn opt_lower_bound(&self, inst: &Instance, weight_lb: f64) -> Option<f64> {
        if weight_lb > 0.0 {
            return Some(weight_lb);
        }
        let feasible: Vec<u32> = match self.budget {
            Budget::Seeds(_) => inst.candidates.clone(),
            Budget::Knapsack { costs, budget } => inst
                .candidates
                .iter()
                .zip(costs)
                .filter(|&(_, &c)| c <= budget)
                .map(|(&v, _)| v)
                .collect(),
        };
        best_path_value(inst.graph, &|v| inst.node_weight(v), &feasible)
    }

    /// OPIM-C's sample sizes and round count for this instance.
    fn schedule(
        &self,
        inst: &Instance,
        k_max: usize,
        ratio: f64,
        delta: f64,
        opt_lb: f64,
    ) -> Schedule {
        let eps = self.epsilon;
        let ln_6_delta = (6.0 / delta).ln();
        let alpha = ln_6_delta.sqrt();
        let beta = (ratio * (ln_choose(inst.candidates.len(), k_max) + ln_6_delta)).sqrt();
        let theta_0 = 2.0 * (ratio * alpha + beta).powi(2);
        // `opt_lb` may underflow to 0 on very improbable paths: theta_max is then the cap.
        let theta_max =
            (theta_0 * inst.roots.total / (eps * eps * opt_lb)).min(self.max_rr_sets as f64);
        let theta_0 = theta_0.min(theta_max);
        let rounds_max = (theta_max / theta_0).log2().ceil() as usize + 1;
        Schedule {
            theta_0,
            theta_max,
            rounds_max,
            a: (3.0 * rounds_max as f64 / delta).ln(),
            target: ratio - eps,
        }
    }

    /// The doubling rounds: sample both collections, pick seeds on `R1`, certify them with
    /// `R2`, until the target, the last round, `theta_max` or the cap.
    fn sample(&self, inst: &Instance, schedule: &Schedule) -> SeedSelection {
        let (graph, n) = (inst.graph, inst.graph.node_count());
        let mut r1 = RrCollection::new(self.seed, tag::RR_SELECT);
        let mut r2 = RrCollection::new(self.seed, tag::RR_VALIDATE);
        let mut in_set = vec![false; n];
        let mut index = InvertedIndex::default();
        let mut work = CoverWork::default();
        let mut theta = schedule.theta_0.ceil() as usize;
        let mut number = 0;
        loop {
            number += 1;
            theta = theta.min(self.max_rr_sets);
            // Rebuilt below: freed first, so memory peaks at the grown collections' size.
            index.release();
            work.release();
            r1.grow(graph, self.model, &inst.roots, theta);
            r2.grow(graph, self.model, &inst.roots, theta);
            index.rebuild(n, &r1);
            let cover = match self.budget {
                Budget::Seeds(k) => greedy_k(
                    &index,
                    &r1,
                    &inst.candidates,
                    k.min(inst.candidates.len()),
                    &mut work,
                ),
                Budget::Knapsack { costs, budget } => {
                    greedy_knapsack(&index, &r1, &inst.candidates, costs, budget, &mut work)
                }
            };
            mark(&mut in_set, &cover.seeds, true);
            let cov2 = r2.coverage(&in_set) as f64;
            mark(&mut in_set, &cover.seeds, false);
            let round = certify(number, cover, cov2, r1.len(), self.max_rr_sets, schedule.a);
            let done = round.certified >= schedule.target
                || number >= schedule.rounds_max
                || round.capped
                || (r1.len() as f64) >= schedule.theta_max;
            if done {
                mark(&mut in_set, &round.seeds, true);
                return self.finish(inst, round, &r2, &in_set, schedule.target);
            }
            theta = r1.len() * 2;
        }
    }

    /// The selection from the last round; `in_set` marks its seeds.
    fn finish(
        &self,
        inst: &Instance,
        round: Round,
        r2: &RrCollection,
        in_set: &[bool],
        target: f64,
    ) -> SeedSelection {
        let by_segment = r2.coverage_by_root_segment(inst.graph, in_set);
        self.finish_counts(inst, round, r2.len(), &by_segment, target)
    }

    /// [`finish`](Self::finish) from `R2`'s size and its sets covered per root segment.
    pub(crate) fn finish_counts(
        &self,
        inst: &Instance,
        round: Round,
        r2_len: usize,
        by_segment: &[usize],
        target: f64,
    ) -> SeedSelection {
        let roots = &inst.roots;
        let scale = roots.total / r2_len as f64;
        let theta2 = r2_len as f64;
        let segments = by_segment
            .iter()
            .enumerate()
            .map(|(s, &c)| {
                let w = roots.segment_weight.get(s).copied().unwrap_or(1.0);
                (w > 0.0).then(|| c as f64 * roots.total / (theta2 * w))
            })
            .collect();
        let cov2 = round.cov2;
        let p = cov2 / theta2;
        let half = 1.96 * (p * (1.0 - p) / theta2).sqrt() * roots.total;
        SeedSelection {
            cost: self.cost_of(&inst.candidates, &round.seeds),
            seeds: round.seeds,
            spread: cov2 * scale,
            spread_ci: ((cov2 * scale - half).max(0.0), cov2 * scale + half),
            segments,
            estimate: None,
            spread_lower: round.lower * (roots.total / r2_len as f64),
            optimum_upper: round.upper * (roots.total / round.r1_len as f64),
            certified_ratio: round.certified.min(1.0),
            target_ratio: target,
            rr_sets: round.r1_len + r2_len,
            rounds: round.number,
            capped: round.capped && round.certified < target,
        }
    }

    /// Total cost of `seeds`: their number under [`Budget::Seeds`].
    fn cost_of(&self, candidates: &[u32], seeds: &[u32]) -> f64 {
        match self.budget {
            Budget::Seeds(_) => seeds.len() as f64,
            Budget::Knapsack { costs, .. } => {
                let pos: std::collections::HashMap<u32, usize> = candidates
                    .iter()
                    .enumerate()
                    .map(|(i, &v)| (v, i))
                    .collect();
                seeds.iter().map(|v| costs[pos[v]]).sum()
            }
        }
    }

    /// The answer when nobody can activate anybody (see [`Opim::run`]): a seed set reaches
    /// its members, so it is chosen and certified exactly, without sampling.
    fn without_spread(&self, inst: &Instance, ratio: f64) -> SeedSelection {
        let weights: Vec<f64> = inst
            .candidates
            .iter()
            .map(|&v| inst.node_weight(v))
            .collect();
        let exact = match self.budget {
            Budget::Seeds(k) => isolated::heaviest(&weights, k),
            Budget::Knapsack { costs, budget } => isolated::knapsack(&weights, costs, budget),
        };
        let seeds: Vec<u32> = exact.chosen.iter().map(|&i| inst.candidates[i]).collect();
        let mut reached = vec![0usize; inst.graph.segment_count()];
        for &v in &seeds {
            reached[inst.graph.segment(v) as usize] += 1;
        }
        let segments = reached
            .iter()
            .enumerate()
            .map(|(s, &c)| {
                let w = inst.roots.segment_weight.get(s).copied().unwrap_or(1.0);
                (w > 0.0).then_some(c as f64)
            })
            .collect();
        SeedSelection {
            cost: self.cost_of(&inst.candidates, &seeds),
            seeds,
            spread: exact.value,
            spread_ci: (exact.value, exact.value),
            segments,
            estimate: None,
            spread_lower: exact.value,
            optimum_upper: exact.upper,
            // `upper > 0`: OPT = 0 was answered before (zero optimum).
            certified_ratio: if exact.upper > 0.0 {
                (exact.value / exact.upper).min(1.0)
            } else {
                1.0
            },
            target_ratio: ratio - self.epsilon,
            rr_sets: 0,
            rounds: 0,
            capped: false,
        }
    }

    /// The answer when OPT = 0 (see [`Opim::run`]): nothing to sample, any set is optimal.
    fn zero_optimum(
        &self,
        graph: &SocialGraph,
        candidates: &[u32],
        k_max: usize,
        roots: &Roots,
        ratio: f64,
    ) -> SeedSelection {
        let seeds: Vec<u32> = match self.budget {
            Budget::Seeds(_) => candidates[..k_max].to_vec(),
            Budget::Knapsack { .. } => Vec::new(),
        };
        let segments = (0..graph.segment_count())
            .map(|s| {
                let w = roots.segment_weight.get(s).copied().unwrap_or(1.0);
                (w > 0.0).then_some(0.0)
            })
            .collect();
        SeedSelection {
            cost: match self.budget {
                Budget::Seeds(_) => seeds.len() as f64,
                Budget::Knapsack { .. } => 0.0,
            },
            seeds,
            spread: 0.0,
            spread_ci: (0.0, 0.0),
            segments,
            estimate: None,
            spread_lower: 0.0,
            optimum_upper: 0.0,
            certified_ratio: 1.0,
            target_ratio: ratio - self.epsilon,
            rr_sets: 0,
            rounds: 0,
            capped: false,
        }
    }
}

/// Checks a knapsack budget: returns the most seeds it affords (cheapest first) and the best
/// weight of an affordable candidate.
fn knapsack_size(
    inst: &Instance,
    costs: &[f64],
    budget: f64,
) -> Result<(usize, f64), DiffusionError> {
    let candidates = &inst.candidates;
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
        .map(|(&v, _)| inst.node_weight(v))
        .fold(0.0, f64::max);
    Ok((k, best))
}

/// Sets `in_set[s]` to `value` for every seed `s`.
fn mark(in_set: &mut [bool], seeds: &[u32], value: bool) {
    for &s in seeds {
        in_set[s as usize] = value;
    }
}

/// The bounds of a round: a lower bound on the seeds' coverage of `R2` (`cov2` of its `r1_len`
/// sets covered) and an upper bound on the optimum's coverage of `R1` (from greedy's
/// `cover.upper`), each failing with probability at most `e^-a`, both from the Chernoff bound
/// in relative-entropy form ([`binomial_lower`], [`binomial_upper`]).
///
/// Why these hold. `R1` and `R2` are independent, and each holds `theta = r1_len` independent
/// RR sets (`theta` is fixed by the schedule, not by the data). The seeds `S` depend on `R1`
/// only, so given `R1` the number of `R2`'s sets that `S` covers is `Binomial(theta, p_S)` with
/// `p_S = sigma(S) / W`; [`binomial_lower`] is below `theta p_S` except with probability `e^-a`.
/// For a fixed optimal set `S*` the number of `R1`'s sets it covers is `Binomial(theta, p*)`,
/// at most `cover.upper` (greedy's bound holds for every feasible set on `R1`, `S*` included);
/// [`binomial_upper`] increases with its argument, so `binomial_upper(cover.upper)` is above
/// `theta p*` except with probability `e^-a`. OPIM-C (Tang et al., SIGMOD 2018, Lemmas 4.2-4.3)
/// uses the same two events with martingale tail bounds, `exp(-x^2 / (2 theta p))` below and
/// `exp(-x^2 / (2 theta p + 2x/3))` above the mean; the relative-entropy bound
/// `exp(-theta KL(q || p))` is the exact Chernoff bound of a binomial, smaller than both
/// (`KL(q || p) >= (p - q)^2 / (2p)` for `q <= p`, and `>= (q - p)^2 / (2p + 2(q - p)/3)` for
/// `q >= p`), so the bounds are at least as tight as OPIM-C's with the same failure
/// probabilities (checked by `kl_bounds_are_at_least_as_tight_as_opim_c` below). They also
/// see the variance `theta p (1 - p)`, not `theta p`, which matters when the seeds reach a
/// sizeable share of the population.
pub(crate) fn certify(
    number: usize,
    cover: Cover,
    cov2: f64,
    r1_len: usize,
    max_rr_sets: usize,
    a: f64,
) -> Round {
    let theta = r1_len as f64;
    let lower = binomial_lower(cov2, theta, a);
    let upper = binomial_upper(cover.upper, theta, a);
    Round {
        number,
        seeds: cover.seeds,
        cov2,
        lower,
        upper,
        certified: if upper > 0.0 { lower / upper } else { 0.0 },
        r1_len,
        capped: r1_len >= max_rr_sets,
    }
}

/// Relative entropy `KL(q || p)` of Bernoulli laws (natural logarithm), for `q` in `[0, 1]`
/// and `p` in `(0, 1)`; `0 ln 0 = 0`.
fn bernoulli_kl(q: f64, p: f64) -> f64 {
    let up = if q > 0.0 { q * (q / p).ln() } else { 0.0 };
    let down = if q < 1.0 {
        (1.0 - q) * ((-q).ln_1p() - (-p).ln_1p())
    } else {
        0.0
    };
    (up + down).max(0.0)
}

/// Bisection steps of [`binomial_lower`] and [`binomial_upper`]: the bracket shrinks to
/// `2^-80` of its width, below an `f64`'s resolution.
const BISECTION_STEPS: usize = 80;

/// Margin on the confidence term: `KL` is evaluated in floating point, and the bisection keeps
/// the conservative end only if the evaluation is on the right side of `a`; asking for
/// `a (1 + 1e-9)` covers relative evaluation errors up to `1e-9` (they are about `1e-13`).
const A_MARGIN: f64 = 1.0 + 1e-9;

/// A lower confidence bound on `theta p` from `x` successes in `theta` Bernoulli(`p`) trials:
/// `theta p_L` with `p_L = min { p <= x/theta : theta KL(x/theta || p) <= a }`, so that
/// `Pr[p < p_L] <= e^-a`.
///
/// Proof: for `p < p_L` the event needs `X / theta >= q_p`, where `q_p > p` solves
/// `theta KL(q_p || p) = a` (`KL(q || p)` increases in `q` above `p`), and Chernoff's bound
/// gives `Pr[X >= theta q_p] <= exp(-theta KL(q_p || p)) = e^-a`. 0 when `x = 0`.
pub(crate) fn binomial_lower(x: f64, theta: f64, a: f64) -> f64 {
    if !(x > 0.0 && theta > 0.0) {
        return 0.0;
    }
    let q = (x / theta).min(1.0);
    let a = a * A_MARGIN;
    // theta KL(q || lo) >= a (or lo = 0) and theta KL(q || hi) < a throughout.
    let (mut lo, mut hi) = (0.0f64, q);
    for _ in 0..BISECTION_STEPS {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if theta * bernoulli_kl(q, mid) >= a {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo * theta
}

/// An upper confidence bound on `theta p` from a count `x` known to be at least the number of
/// successes in `theta` Bernoulli(`p`) trials: `theta p_U` with
/// `p_U = max { p >= x/theta : theta KL(x/theta || p) <= a }` (1 if `x >= theta`), so that
/// `Pr[p > p_U] <= e^-a`, and `p_U` increases with `x` (so any `x` at least the count will do).
///
/// Proof: for `p > p_U` the event needs `X / theta <= q_p`, where `q_p < p` solves
/// `theta KL(q_p || p) = a`, and Chernoff's bound gives `Pr[X <= theta q_p] <= e^-a`.
pub(crate) fn binomial_upper(x: f64, theta: f64, a: f64) -> f64 {
    if theta.is_nan() || theta <= 0.0 {
        return 0.0;
    }
    let q = (x / theta).max(0.0);
    if q >= 1.0 {
        return theta;
    }
    let a = a * A_MARGIN;
    // theta KL(q || lo) < a and theta KL(q || hi) >= a (or hi = 1) throughout.
    let (mut lo, mut hi) = (q, 1.0f64);
    for _ in 0..BISECTION_STEPS {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if theta * bernoulli_kl(q, mid) >= a {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi * theta
}

/// The largest `w(v) x prod p(e)` over paths from a node of `sources` to a node `v` of positive
/// weight along edges of positive probability, or `None` if there is no such path.
///
/// A lower bound on the best source's (weighted) spread under independent cascade and linear
/// threshold alike: the path is live with the product of its probabilities (IC: independent
/// coins; LT: each node on it picks its predecessor, independently across nodes). Multi-source
/// Dijkstra on reversed edges in log space (no underflow during the search; the result itself
/// may round to 0). `O((n + m) log n)`; used only when every feasible candidate weighs 0.
fn best_path_value(
    graph: &SocialGraph,
    node_weight: &impl Fn(u32) -> f64,
    sources: &[u32],
) -> Option<f64> {
    let n = graph.node_count();
    let mut is_source = vec![false; n];
    for &v in sources {
        is_source[v as usize] = true;
    }
    // best[v]: ln of the largest value known to be reachable from v.
    let mut best = vec![f64::NEG_INFINITY; n];
    let mut done = vec![false; n];
    let mut heap: BinaryHeap<(LogKey, u32)> = BinaryHeap::new();
    for v in 0..n as u32 {
        let w = node_weight(v);
        if w > 0.0 {
            best[v as usize] = w.ln();
            heap.push((LogKey(w.ln()), v));
        }
    }
    while let Some((LogKey(value), x)) = heap.pop() {
        let xi = x as usize;
        if done[xi] || value < best[xi] {
            continue;
        }
        done[xi] = true;
        // Values only fall along a path (p <= 1): the first source settled is the best.
        if is_source[xi] {
            return Some(value.exp());
        }
        for (u, p) in graph.in_edges(x) {
            if p > 0.0 {
                let through = value + (p as f64).ln();
                if through > best[u as usize] {
                    best[u as usize] = through;
                    heap.push((LogKey(through), u));
                }
            }
        }
    }
    None
}

/// An f64 ordered totally, for heap keys.
#[derive(Clone, Copy, PartialEq)]
struct LogKey(f64);
impl Eq for LogKey {}
impl PartialOrd for LogKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for LogKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
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
    fn best_path_value_is_the_most_probable_path_to_value() {
        use crate::diffusion::{Edge, Probability};
        let e = |source, target, probability| Edge {
            source,
            target,
            probability,
        };
        // 0 -> 1 -> 3 (0.5 x 0.5) and 0 -> 2 -> 3 (0.9 x 0.1); node 3 weighs 4, node 4 weighs 1
        // and is reached from 0 directly with 0.2; 5 is isolated, 6 -> 0 with p = 0.
        let edges = [
            e(0, 1, 0.5),
            e(1, 3, 0.5),
            e(0, 2, 0.9),
            e(2, 3, 0.1),
            e(0, 4, 0.2),
            e(6, 0, 0.0),
        ];
        let g = SocialGraph::from_edges(7, &edges, Probability::Given).unwrap();
        let w = |v: u32| match v {
            3 => 4.0,
            4 => 1.0,
            _ => 0.0,
        };
        let got = best_path_value(&g, &w, &[0]).unwrap();
        assert!(
            (got - 1.0).abs() < 1e-12,
            "4 x 0.25 = 1 beats 4 x 0.09 and 1 x 0.2: {got}"
        );
        assert!((best_path_value(&g, &w, &[2]).unwrap() - 0.4).abs() < 1e-7);
        assert_eq!(best_path_value(&g, &w, &[5]), None);
        assert_eq!(best_path_value(&g, &w, &[6, 5]), None);
        assert_eq!(best_path_value(&g, &w, &[3]), Some(4.0));
    }

    /// OPIM-C's bounds (the martingale forms this module used before).
    fn opim_c_bounds(cov2: f64, upper: f64, a: f64) -> (f64, f64) {
        let lower_sqrt = (cov2 + 2.0 * a / 9.0).sqrt() - (a / 2.0).sqrt();
        let lower = if lower_sqrt > 0.0 {
            (lower_sqrt.powi(2) - a / 18.0).max(0.0)
        } else {
            0.0
        };
        (lower, ((upper + a / 2.0).sqrt() + (a / 2.0).sqrt()).powi(2))
    }

    #[test]
    fn kl_bounds_are_at_least_as_tight_as_opim_c() {
        for theta in [256.0f64, 1024.0, 4096.0, 65_536.0, 16_777_216.0] {
            for a in [1.0, 5.0, 17.8, 40.0] {
                for share in [0.0f64, 1e-4, 0.01, 0.1, 0.2, 0.5, 0.9, 1.0] {
                    let x = (share * theta).round();
                    let (ol, ou) = opim_c_bounds(x, x, a);
                    let (l, u) = (binomial_lower(x, theta, a), binomial_upper(x, theta, a));
                    assert!(l <= x && u >= x, "{theta} {a} {x}: {l} {u}");
                    assert!(l >= ol - 1e-9 * theta, "{theta} {a} {x}: {l} < {ol}");
                    assert!(u <= ou + 1e-9 * theta, "{theta} {a} {x}: {u} > {ou}");
                    assert!(u <= theta);
                }
            }
        }
        // Strictly tighter where the variance matters: 20% covered, 4,096 sets.
        let (ol, ou) = opim_c_bounds(820.0, 1050.0, 17.8);
        assert!(binomial_lower(820.0, 4096.0, 17.8) > ol + 10.0);
        assert!(binomial_upper(1050.0, 4096.0, 17.8) < ou - 10.0);
    }

    #[test]
    fn kl_bounds_fail_at_most_as_often_as_stated() {
        use rand::{Rng, SeedableRng};
        // a = ln 10: each bound may fail in at most 10% of the draws.
        let a = 10f64.ln();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        for (theta, p) in [(50usize, 0.3), (200, 0.05), (400, 0.6)] {
            let runs = 4000;
            let (mut low_fail, mut up_fail) = (0, 0);
            for _ in 0..runs {
                let x = (0..theta).filter(|_| rng.random::<f64>() < p).count() as f64;
                let t = theta as f64;
                low_fail += usize::from(binomial_lower(x, t, a) > t * p);
                up_fail += usize::from(binomial_upper(x, t, a) < t * p);
            }
            // 10% stated; the Chernoff bound is conservative, so far fewer are expected.
            assert!(
                low_fail * 10 <= runs,
                "{theta} {p}: lower failed {low_fail}"
            );
            assert!(up_fail * 10 <= runs, "{theta} {p}: upper failed {up_fail}");
        }
    }

    #[test]
    fn ln_choose_small() {
        assert!((ln_choose(5, 2) - 10f64.ln()).abs() < 1e-12);
        assert_eq!(ln_choose(5, 0), 0.0);
        assert!((ln_choose(5, 5)).abs() < 1e-12);
    }
}
