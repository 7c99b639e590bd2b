//! Cascade models (independent cascade, linear threshold) and Monte Carlo spread estimates.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::rng::{Scratch, stream, tag, with_scratch};
use super::{DiffusionError, SocialGraph};

/// A diffusion model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Model {
    /// Independent cascade: a newly active node `u` gets one chance to activate each
    /// out-neighbour `v`, succeeding with the edge's probability.
    IndependentCascade,
    /// Linear threshold: node `v` draws a threshold uniformly in `[0, 1]` and activates once the
    /// probabilities of its active in-neighbours sum past it. Needs every node's in-edge
    /// probabilities to sum to at most 1 (weighted cascade does).
    LinearThreshold,
}

impl Model {
    /// Parses `ic` or `lt`.
    ///
    /// # Example
    /// ```
    /// use fanzha::diffusion::Model;
    /// assert_eq!(Model::parse("lt").unwrap(), Model::LinearThreshold);
    /// ```
    pub fn parse(text: &str) -> Result<Self, DiffusionError> {
        match text.to_ascii_lowercase().as_str() {
            "ic" => Ok(Model::IndependentCascade),
            "lt" => Ok(Model::LinearThreshold),
            _ => Err(DiffusionError::invalid(
                "model",
                format!("{text:?} is neither `ic` nor `lt`"),
            )),
        }
    }

    /// Checks that the graph suits the model (LT: in-weights sum to at most 1).
    pub(crate) fn check(self, graph: &SocialGraph) -> Result<(), DiffusionError> {
        if self == Model::LinearThreshold && graph.max_in_weight() > 1.0 + 1e-4 {
            return Err(DiffusionError::invalid(
                "model",
                format!(
                    "linear threshold needs in-edge probabilities summing to at most 1 per node; \
                     the largest sum is {}",
                    graph.max_in_weight()
                ),
            ));
        }
        Ok(())
    }
}

/// Mean and normal-approximation confidence interval of a Monte Carlo quantity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Sample mean.
    pub mean: f64,
    /// Lower end of the confidence interval.
    pub lo: f64,
    /// Upper end of the confidence interval.
    pub hi: f64,
}

impl Estimate {
    fn from_sums(sum: f64, sum_sq: f64, samples: usize, z: f64) -> Self {
        let r = samples as f64;
        let mean = sum / r;
        let var = if samples > 1 {
            ((sum_sq - sum * mean) / (r - 1.0)).max(0.0)
        } else {
            0.0
        };
        let half = z * (var / r).sqrt();
        Estimate {
            mean,
            lo: mean - half,
            hi: mean + half,
        }
    }
}

/// Monte Carlo estimate of a seed set's spread.
#[derive(Debug, Clone, PartialEq)]
pub struct Spread {
    /// Expected number of active nodes at the end (seeds included).
    pub total: Estimate,
    /// Expected active nodes per segment (index = segment).
    pub segments: Vec<Estimate>,
    /// Expected weighted value `sum_s weight_s x active_s` (equals `total` without weights).
    pub value: Estimate,
    /// Number of simulated cascades.
    pub samples: usize,
}

/// Options of [`monte_carlo`].
#[derive(Debug, Clone, Copy)]
pub struct MonteCarlo<'a> {
    /// Diffusion model.
    pub model: Model,
    /// Number of cascades to simulate (at least 1).
    pub samples: usize,
    /// Seed of the random streams.
    pub seed: u64,
    /// Value per active person of each segment (`None`: 1 each).
    pub weights: Option<&'a [f64]>,
    /// Two-sided normal quantile of the confidence intervals (1.96 for 95%).
    pub z: f64,
}

impl MonteCarlo<'_> {
    /// `samples` cascades of `model`, seed 0, unit weights, 95% intervals.
    pub fn new(model: Model, samples: usize) -> MonteCarlo<'static> {
        MonteCarlo {
            model,
            samples,
            seed: 0,
            weights: None,
            z: 1.96,
        }
    }
}

/// Cascades per random stream: the unit of parallel work and of determinism.
const MC_CHUNK: usize = 16;

/// Chunks simulated in parallel before their sums are reduced (1,024 cascades): bounds the
/// memory of partial sums to `MC_BLOCK x (4 + 2 x segments)` numbers.
const MC_BLOCK: usize = 64;

/// Estimates the spread of `seeds` by simulating cascades, in parallel.
///
/// Each chunk of 16 cascades draws from its own stream derived from `options.seed` and the
/// chunk index, and chunk sums are added in index order, so the result is identical for a seed
/// whatever the number of threads. Chunks run in parallel in blocks of 64 (1,024 cascades),
/// each block reduced before the next starts, so memory does not grow with `samples`.
///
/// # Arguments
/// * `graph` - the network.
/// * `seeds` - initially active nodes (duplicates are harmless).
/// * `options` - model, number of samples, seed, weights and interval width.
///
/// # Returns
/// Mean and confidence interval of the total spread, of each segment's reached count and of the
/// weighted value. Errors if a seed is out of range, weights are too short or not finite, or
/// the graph does not suit the model.
///
/// # Complexity
/// `O(samples x (s + edges out of active nodes + segments))` time; memory `O(n)` scratch per
/// thread plus `O(64 x segments)` partial sums, independent of `samples`. The interval
/// half-width shrinks as `1 / sqrt(samples)`.
///
/// # Example
/// ```
/// use fanzha::diffusion::{monte_carlo, Edge, Model, MonteCarlo, Probability, SocialGraph};
/// let edges = [Edge { source: 0, target: 1, probability: 1.0 }];
/// let g = SocialGraph::from_edges(3, &edges, Probability::Given).unwrap();
/// let s = monte_carlo(&g, &[0], &MonteCarlo::new(Model::IndependentCascade, 100)).unwrap();
/// assert_eq!(s.total.mean, 2.0);
/// ```
pub fn monte_carlo(
    graph: &SocialGraph,
    seeds: &[u32],
    options: &MonteCarlo<'_>,
) -> Result<Spread, DiffusionError> {
    options.model.check(graph)?;
    check_seeds(graph, seeds)?;
    if options.samples == 0 {
        return Err(DiffusionError::invalid("samples", "must be at least 1"));
    }
    let segs = graph.segment_count();
    let weights = check_weights(options.weights, segs)?;
    let chunks = options.samples.div_ceil(MC_CHUNK);
    // Per chunk: [total, total^2, value, value^2, seg_0, seg_0^2, ...].
    let width = 4 + 2 * segs;
    let chunk_sums = |c: usize| -> Vec<f64> {
        let mut rng = stream(options.seed, tag::MONTE_CARLO, c as u64);
        let mut acc = vec![0.0; width];
        let mut per_seg = vec![0u32; segs];
        let count = MC_CHUNK.min(options.samples - c * MC_CHUNK);
        with_scratch(|s| {
            for _ in 0..count {
                simulate(graph, seeds, options.model, &mut rng, s);
                per_seg.fill(0);
                for &v in &s.queue {
                    per_seg[graph.segment(v) as usize] += 1;
                }
                let total = s.queue.len() as f64;
                let value: f64 = match &weights {
                    Some(w) => per_seg
                        .iter()
                        .zip(w.iter())
                        .map(|(&c, &w)| c as f64 * w)
                        .sum(),
                    None => total,
                };
                acc[0] += total;
                acc[1] += total * total;
                acc[2] += value;
                acc[3] += value * value;
                for (i, &c) in per_seg.iter().enumerate() {
                    let c = c as f64;
                    acc[4 + 2 * i] += c;
                    acc[5 + 2 * i] += c * c;
                }
            }
        });
        acc
    };
    // Chunks run in parallel a block at a time; each block's sums are added in chunk order
    // before the next block starts: memory O(MC_BLOCK x width) whatever the number of samples,
    // and the same additions in the same order as one sequential pass over all chunks.
    let mut sum = vec![0.0; width];
    for block in (0..chunks).step_by(MC_BLOCK) {
        let partial: Vec<Vec<f64>> = (block..chunks.min(block + MC_BLOCK))
            .into_par_iter()
            .map(chunk_sums)
            .collect();
        for acc in &partial {
            for (a, b) in sum.iter_mut().zip(acc) {
                *a += b;
            }
        }
    }
    let r = options.samples;
    let z = options.z;
    Ok(Spread {
        total: Estimate::from_sums(sum[0], sum[1], r, z),
        value: Estimate::from_sums(sum[2], sum[3], r, z),
        segments: (0..segs)
            .map(|i| Estimate::from_sums(sum[4 + 2 * i], sum[5 + 2 * i], r, z))
            .collect(),
        samples: r,
    })
}

pub(crate) fn check_seeds(graph: &SocialGraph, seeds: &[u32]) -> Result<(), DiffusionError> {
    if let Some(&bad) = seeds.iter().find(|&&v| v as usize >= graph.node_count()) {
        return Err(DiffusionError::invalid(
            "seeds",
            format!("node {bad} is out of range (n = {})", graph.node_count()),
        ));
    }
    Ok(())
}

pub(crate) fn check_weights(
    weights: Option<&[f64]>,
    segments: usize,
) -> Result<Option<Vec<f64>>, DiffusionError> {
    let Some(w) = weights else { return Ok(None) };
    if w.len() < segments {
        return Err(DiffusionError::invalid(
            "weights",
            format!("{} weights for {segments} segments", w.len()),
        ));
    }
    if let Some(bad) = w.iter().find(|x| !x.is_finite() || **x < 0.0) {
        return Err(DiffusionError::invalid(
            "weights",
            format!("{bad} is not a finite non-negative number"),
        ));
    }
    Ok(Some(w[..segments].to_vec()))
}

/// Simulates one cascade; the active nodes end up in `s.queue` (in activation order).
pub(crate) fn simulate(
    graph: &SocialGraph,
    seeds: &[u32],
    model: Model,
    rng: &mut ChaCha8Rng,
    s: &mut Scratch,
) {
    s.begin(graph.node_count());
    if model == Model::LinearThreshold {
        s.need_choices(graph.node_count());
    }
    for &v in seeds {
        if s.visit(v) {
            s.queue.push(v);
        }
    }
    let targets = graph.out_targets();
    let mut i = 0;
    while i < s.queue.len() {
        let u = s.queue[i];
        i += 1;
        for j in graph.out_range(u) {
            let v = targets[j];
            if s.mark[v as usize] == s.stamp {
                continue;
            }
            let fires = match model {
                Model::IndependentCascade => rng.random::<f32>() < graph.out_prob(j, v),
                Model::LinearThreshold => lt_choice(graph, v, rng, s) == u,
            };
            if fires {
                s.mark[v as usize] = s.stamp;
                s.queue.push(v);
            }
        }
    }
}

/// Linear threshold as live edges: each node listens to at most one in-neighbour, `u` with
/// probability `p(u, v)`; drawn once per sample, when first needed.
fn lt_choice(graph: &SocialGraph, v: u32, rng: &mut ChaCha8Rng, s: &mut Scratch) -> u32 {
    let vi = v as usize;
    if s.chosen[vi] != s.stamp {
        s.chosen[vi] = s.stamp;
        s.choice[vi] = pick_in_neighbour(graph, v, rng);
    }
    s.choice[vi]
}

/// Draws the in-neighbour `v` listens to (probability `p(u, v)` each), or `u32::MAX` for none.
#[inline]
pub(crate) fn pick_in_neighbour(graph: &SocialGraph, v: u32, rng: &mut ChaCha8Rng) -> u32 {
    let range = graph.in_range(v);
    let d = range.len();
    if d == 0 {
        return u32::MAX;
    }
    let r = rng.random::<f64>();
    let p = graph.in_uniform(v);
    if p >= 0.0 {
        let p = p as f64;
        if r >= p * d as f64 || p == 0.0 {
            return u32::MAX;
        }
        let idx = ((r / p) as usize).min(d - 1);
        return graph.in_sources()[range.start + idx];
    }
    let mut acc = 0.0;
    for j in range {
        acc += graph.in_probs()[j] as f64;
        if r < acc {
            return graph.in_sources()[j];
        }
    }
    u32::MAX
}
