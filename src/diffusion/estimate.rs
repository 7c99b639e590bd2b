//! A seed set's spread to a relative error with a stated confidence, from RR sets independent of
//! those that chose the seeds (the stopping rule of Dagum, Karp, Luby and Ross, SIAM J. Comput.
//! 2000, as OPIM-C validates its answer).

use rayon::prelude::*;

use super::cascade::check_weights;
use super::rng::{stream, tag, with_scratch};
use super::rr::{RR_CHUNK, Roots, rr_ic, rr_lt};
use super::{DiffusionError, Model, SocialGraph};

/// Default cap on the RR sets [`SpreadEstimator`] samples: `2^28` (each costs time, not memory).
pub const DEFAULT_MAX_ESTIMATE_RR_SETS: usize = 1 << 28;

/// Chunks per parallel batch at most (the first batches are smaller, so a small graph with a
/// large spread does not sample far past the stopping point).
const MAX_BATCH: usize = 256;

/// A seed set's (weighted) spread with a confidence interval, from [`SpreadEstimator::run`].
#[derive(Debug, Clone, PartialEq)]
pub struct SpreadEstimate {
    /// The estimate of the seeds' (weighted) spread.
    pub spread: f64,
    /// With probability at least `1 - delta` the true spread is in this interval:
    /// `[spread / (1 + eps), spread / (1 - eps)]` when the stopping rule ended sampling, the
    /// martingale bounds (each side failing with probability `delta / 2`) when the cap did
    /// ([`capped`](Self::capped)), the exact value when no sampling was needed.
    pub interval: (f64, f64),
    /// Expected people reached in each segment (index = segment), from the same RR sets (the
    /// guarantee is on the total only); `None` for segments of weight 0.
    pub segments: Vec<Option<f64>>,
    /// RR sets sampled (those that met a seed stop as soon as they do).
    pub rr_sets: usize,
    /// RR sets that met a seed.
    pub covered: usize,
    /// Relative error asked for.
    pub epsilon: f64,
    /// Failure probability asked for.
    pub delta: f64,
    /// `true` if the cap on RR sets ended sampling before the stopping rule: the interval is
    /// then valid but may be wider than `eps` (the spread is tiny against the population).
    pub capped: bool,
}

/// Options of the spread estimate (builder style); run with [`SpreadEstimator::run`].
///
/// # Algorithm and guarantee
/// RR sets with roots drawn uniformly (in proportion to segment weight with
/// [`weights`](Self::weights)) are sampled from their own random streams until
/// `Lambda = 1 + 4 (e - 2) (1 + eps) ln(2 / delta) / eps^2` of them meet a seed; with `N` sets
/// sampled, `W Lambda / N` (`W` the total weight, `n` untargeted) is within a factor `1 +- eps`
/// of the seeds' spread with probability at least `1 - delta` (the stopping-rule theorem: each
/// set meets a seed with probability `spread / W`). An RR set stops growing at its first seed.
/// The defaults (`eps` 0.01, `delta` 0.001) are OPIM-C's validation: +-1% with probability
/// 99.9%.
///
/// # Complexity
/// About `Lambda W / spread` RR sets, each costing the edges it examines up to its first
/// seed; memory `O(n / 8)` per thread. Sets are sampled in parallel in chunks of 256, each from
/// its own stream, and counted in chunk order, so the result is identical for a seed on every
/// thread count.
///
/// # Example
/// ```
/// use fanzha::diffusion::{chung_lu, Model, Opim, Probability, SpreadEstimator};
/// let g = chung_lu(2_000, 10_000, 2.5, Probability::WeightedCascade, 7).unwrap();
/// let sel = Opim::new(10).epsilon(0.2).seed(1).run(&g).unwrap();
/// let est = SpreadEstimator::new(Model::IndependentCascade).epsilon(0.05).seed(9)
///     .run(&g, &sel.seeds).unwrap();
/// assert!(est.interval.0 <= est.spread && est.spread <= est.interval.1);
/// assert!(est.spread >= 10.0 && !est.capped);
/// ```
#[derive(Debug, Clone)]
pub struct SpreadEstimator<'a> {
    model: Model,
    epsilon: f64,
    delta: f64,
    seed: u64,
    weights: Option<&'a [f64]>,
    max_rr_sets: usize,
}

impl<'a> SpreadEstimator<'a> {
    /// +-1% (`epsilon` 0.01) with probability 99.9% (`delta` 0.001), seed 0, unweighted, at
    /// most [`DEFAULT_MAX_ESTIMATE_RR_SETS`] RR sets.
    pub fn new(model: Model) -> Self {
        SpreadEstimator {
            model,
            epsilon: 0.01,
            delta: 0.001,
            seed: 0,
            weights: None,
            max_rr_sets: DEFAULT_MAX_ESTIMATE_RR_SETS,
        }
    }

    /// Relative error, in `(0, 1)`.
    pub fn epsilon(mut self, epsilon: f64) -> Self {
        self.epsilon = epsilon;
        self
    }

    /// Failure probability, in `(0, 1)`.
    pub fn delta(mut self, delta: f64) -> Self {
        self.delta = delta;
        self
    }

    /// Seed of the random streams (they differ from [`Opim`](super::Opim)'s for the same
    /// seed, so the estimate is independent of the selection).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Value per reached person of each segment: the estimate is then of the weighted spread.
    pub fn weights(mut self, weights: &'a [f64]) -> Self {
        self.weights = Some(weights);
        self
    }

    /// Cap on the RR sets sampled (at least 256; rounded up to a multiple of 256).
    pub fn max_rr_sets(mut self, cap: usize) -> Self {
        self.max_rr_sets = cap.max(RR_CHUNK);
        self
    }

    /// Estimates the spread of `seeds`; see the type's documentation for the guarantee.
    ///
    /// # Errors
    /// [`DiffusionError::InvalidArgument`] for an empty graph, `epsilon` or `delta` outside
    /// `(0, 1)`, a seed out of range, weights that are negative, non-finite, too few or all 0
    /// on the population, or a graph that does not suit the model. No seeds: spread 0 exactly.
    pub fn run(
        &self,
        graph: &SocialGraph,
        seeds: &[u32],
    ) -> Result<SpreadEstimate, DiffusionError> {
        let n = graph.node_count();
        if n == 0 {
            return Err(DiffusionError::invalid("graph", "has no nodes"));
        }
        for (name, x) in [("epsilon", self.epsilon), ("delta", self.delta)] {
            if !(x > 0.0 && x < 1.0) {
                return Err(DiffusionError::invalid(
                    name,
                    format!("{x} is not in (0, 1)"),
                ));
            }
        }
        if let Some(&bad) = seeds.iter().find(|&&v| v as usize >= n) {
            return Err(DiffusionError::invalid(
                "seeds",
                format!("node {bad} is not below the node count {n}"),
            ));
        }
        self.model.check(graph)?;
        let weights = check_weights(self.weights, graph.segment_count())?;
        let roots = Roots::new(graph, weights.as_deref())?;
        if seeds.is_empty() {
            return Ok(self.result(graph, &roots, (0.0, 0.0), Tally::default(), false));
        }
        let mut is_seed = vec![0u64; n.div_ceil(64)];
        for &v in seeds {
            is_seed[(v >> 6) as usize] |= 1 << (v & 63);
        }
        let lambda = 1.0
            + 4.0 * (std::f64::consts::E - 2.0) * (1.0 + self.epsilon) * (2.0 / self.delta).ln()
                / (self.epsilon * self.epsilon);
        let (tally, stopped) = self.count(graph, &roots, &is_seed, lambda.ceil() as usize);
        let scale = roots.total / tally.sets as f64;
        let interval = if stopped {
            let spread = tally.covered as f64 * scale;
            (spread / (1.0 + self.epsilon), spread / (1.0 - self.epsilon))
        } else {
            let a = (2.0 / self.delta).ln();
            let c = tally.covered as f64;
            let lower = ((c + 2.0 * a / 9.0).sqrt() - (a / 2.0).sqrt())
                .max(0.0)
                .powi(2)
                - a / 18.0;
            let upper = ((c + a / 2.0).sqrt() + (a / 2.0).sqrt()).powi(2);
            (lower.max(0.0) * scale, (upper * scale).min(roots.total))
        };
        Ok(self.result(graph, &roots, interval, tally, !stopped))
    }

    /// Samples RR sets in chunk order until `lambda` of them meet a seed (returns `true`) or
    /// the cap (returns `false`).
    fn count(
        &self,
        graph: &SocialGraph,
        roots: &Roots,
        is_seed: &[u64],
        lambda: usize,
    ) -> (Tally, bool) {
        let chunks_max = self.max_rr_sets.div_ceil(RR_CHUNK);
        let mut tally = Tally::new(graph.segment_count());
        let mut next = 0usize;
        let mut batch = 4usize;
        while next < chunks_max {
            let end = (next + batch).min(chunks_max);
            let results: Vec<ChunkHits> = (next..end)
                .into_par_iter()
                .map(|c| self.sample_chunk(graph, roots, is_seed, c))
                .collect();
            for hits in results {
                if tally.add(graph, &hits, lambda) {
                    return (tally, true);
                }
            }
            next = end;
            batch = (batch * 2).min(MAX_BATCH);
        }
        (tally, false)
    }

    /// Which RR sets of chunk `c` meet a seed: their positions in the chunk and roots.
    fn sample_chunk(
        &self,
        graph: &SocialGraph,
        roots: &Roots,
        is_seed: &[u64],
        c: usize,
    ) -> ChunkHits {
        let n = graph.node_count();
        let mut rng = stream(self.seed, tag::RR_ESTIMATE, c as u64);
        let hit = |v: u32| is_seed[(v >> 6) as usize] & (1 << (v & 63)) != 0;
        let mut hits = Vec::new();
        with_scratch(|s| {
            let mut out = std::mem::take(&mut s.queue);
            for i in 0..RR_CHUNK {
                let root = roots.sample(n, &mut rng);
                out.clear();
                let covered = hit(root)
                    || match self.model {
                        Model::IndependentCascade => rr_ic(graph, root, &mut rng, s, &mut out, hit),
                        Model::LinearThreshold => rr_lt(graph, root, &mut rng, s, &mut out, hit),
                    };
                if covered {
                    hits.push((i as u16, root));
                }
            }
            s.queue = out;
        });
        hits
    }

    fn result(
        &self,
        graph: &SocialGraph,
        roots: &Roots,
        interval: (f64, f64),
        tally: Tally,
        capped: bool,
    ) -> SpreadEstimate {
        let scale = if tally.sets > 0 {
            roots.total / tally.sets as f64
        } else {
            0.0
        };
        let segments = (0..graph.segment_count())
            .map(|s| {
                let w = roots.segment_weight.get(s).copied().unwrap_or(1.0);
                let c = tally.by_segment.get(s).copied().unwrap_or(0);
                (w > 0.0).then(|| c as f64 * scale / w)
            })
            .collect();
        SpreadEstimate {
            spread: tally.covered as f64 * scale,
            interval,
            segments,
            rr_sets: tally.sets,
            covered: tally.covered,
            epsilon: self.epsilon,
            delta: self.delta,
            capped,
        }
    }
}

/// Positions (within the chunk) and roots of the chunk's RR sets that met a seed.
type ChunkHits = Vec<(u16, u32)>;

/// RR sets counted so far, in chunk order.
#[derive(Default)]
struct Tally {
    sets: usize,
    covered: usize,
    by_segment: Vec<usize>,
}

impl Tally {
    fn new(segments: usize) -> Self {
        Tally {
            sets: 0,
            covered: 0,
            by_segment: vec![0; segments],
        }
    }

    /// Counts one chunk; stops (returns `true`) at the set that makes `lambda` covered, so
    /// that `sets` is the stopping rule's `N`.
    fn add(&mut self, graph: &SocialGraph, hits: &ChunkHits, lambda: usize) -> bool {
        for &(i, root) in hits {
            self.covered += 1;
            self.by_segment[graph.segment(root) as usize] += 1;
            if self.covered >= lambda {
                self.sets += i as usize + 1;
                return true;
            }
        }
        self.sets += RR_CHUNK;
        false
    }
}
