//! Reverse-reachable (RR) sets: sampling in parallel with per-chunk seeded streams, flat
//! storage, and the node -> RR-set inverted index.
//!
//! An RR set is the set of nodes that would have activated a random root `v`: under independent
//! cascade, the nodes reaching `v` through edges kept with their probabilities; under linear
//! threshold, a reverse random walk. For any seed set `S`, `Pr[S meets the RR set]` equals the
//! probability that `S` activates the root, so `n x (fraction of RR sets covered by S)` is an
//! unbiased estimate of `S`'s spread (Borgs et al., SODA 2014). With roots drawn in proportion to
//! a node weight, `W x fraction` estimates the weighted spread.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::cascade::pick_in_neighbour;
use super::rng::{Scratch, stream, with_scratch};
use super::{DiffusionError, Model, SocialGraph};

/// RR sets per random stream. Collections always hold a multiple of this many sets, so the
/// `i`-th set is the same whatever the growth schedule and the thread count.
pub(crate) const RR_CHUNK: usize = 256;

/// Chunks sampled per parallel batch when a collection grows: each chunk's buffers take about
/// 9 kB (room for 8 members per set), so the two batches held at once (one sampled, one
/// appended) take about 4.6 MB.
const GROW_BATCH: usize = 256;

/// Where RR-set roots come from: uniform over nodes, or in proportion to the node's segment
/// weight.
#[derive(Debug, Clone)]
pub(crate) struct Roots {
    /// Cumulative segment mass (weight x size), for a binary search; empty if uniform.
    cumulative: Vec<f64>,
    /// Nodes grouped by segment.
    nodes: Vec<u32>,
    /// `nodes[offsets[s]..offsets[s + 1]]` are the nodes of segment `s`.
    offsets: Vec<usize>,
    /// Total weight `W = sum_v w(v)` (`n` if uniform).
    pub total: f64,
    /// Weight of each node's segment (empty if uniform).
    pub segment_weight: Vec<f64>,
}

impl Roots {
    pub fn new(graph: &SocialGraph, weights: Option<&[f64]>) -> Result<Self, DiffusionError> {
        let n = graph.node_count();
        let Some(w) = weights else {
            return Ok(Roots {
                cumulative: Vec::new(),
                nodes: Vec::new(),
                offsets: Vec::new(),
                total: n as f64,
                segment_weight: Vec::new(),
            });
        };
        let segs = graph.segment_count();
        let sizes = graph.segment_sizes();
        let mut offsets = vec![0usize; segs + 1];
        for s in 0..segs {
            offsets[s + 1] = offsets[s] + sizes[s];
        }
        let mut next = offsets.clone();
        let mut nodes = vec![0u32; n];
        for v in 0..n as u32 {
            let s = graph.segment(v) as usize;
            nodes[next[s]] = v;
            next[s] += 1;
        }
        let mut cumulative = Vec::with_capacity(segs);
        let mut total = 0.0;
        for s in 0..segs {
            total += w[s] * sizes[s] as f64;
            cumulative.push(total);
        }
        if !(total > 0.0 && total.is_finite()) {
            return Err(DiffusionError::invalid(
                "weights",
                "the weighted population must be positive and finite",
            ));
        }
        Ok(Roots {
            cumulative,
            nodes,
            offsets,
            total,
            segment_weight: w[..segs].to_vec(),
        })
    }

    #[inline]
    pub fn sample(&self, n: usize, rng: &mut ChaCha8Rng) -> u32 {
        if self.cumulative.is_empty() {
            return rng.random_range(0..n as u32);
        }
        let x = rng.random::<f64>() * self.total;
        let mut s = self.cumulative.partition_point(|&c| c <= x);
        // Rounding can put x at the very end; skip empty or zero-weight segments.
        s = s.min(self.cumulative.len() - 1);
        while self.offsets[s + 1] == self.offsets[s] || self.segment_weight[s] <= 0.0 {
            s -= 1;
        }
        let range = self.offsets[s]..self.offsets[s + 1];
        let i = rng.random_range(0..range.len());
        self.nodes[range.start + i]
    }
}

/// A collection of RR sets stored flat: set `i` is `nodes[offsets[i]..offsets[i + 1]]`, its
/// root first.
#[derive(Debug, Clone)]
pub(crate) struct RrCollection {
    pub nodes: Vec<u32>,
    pub offsets: Vec<usize>,
    seed: u64,
    tag: u64,
}

impl RrCollection {
    pub fn new(seed: u64, tag: u64) -> Self {
        RrCollection {
            nodes: Vec::new(),
            offsets: vec![0],
            seed,
            tag,
        }
    }

    /// Number of sets.
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    pub fn set(&self, i: usize) -> &[u32] {
        &self.nodes[self.offsets[i]..self.offsets[i + 1]]
    }

    /// Grows the collection to `target` sets (rounded up to a multiple of [`RR_CHUNK`]).
    ///
    /// Chunks are sampled in parallel batches of [`GROW_BATCH`], each appended in order while
    /// the next is sampled, so the temporary buffers stay a few MB whatever the growth. The offsets are reserved exactly;
    /// the members at one per set (the root) plus the mean number of further members so far
    /// and a quarter more (more only if that runs out), so single-node sets cost exactly 12
    /// bytes here and a collection's buffers do not double when a few sets are larger.
    pub fn grow(&mut self, graph: &SocialGraph, model: Model, roots: &Roots, target: usize) {
        let have = self.len() / RR_CHUNK;
        let want = target.div_ceil(RR_CHUNK);
        if want <= have {
            return;
        }
        let new_sets = (want - have) * RR_CHUNK;
        let further = if self.len() > 0 {
            (self.nodes.len() - self.len()) as f64 / self.len() as f64
        } else {
            0.0
        };
        self.offsets.reserve_exact(new_sets);
        self.nodes
            .reserve_exact(new_sets + (1.25 * further * new_sets as f64) as usize + 8 * RR_CHUNK);
        let (seed, tag) = (self.seed, self.tag);
        let sample = |start: usize| -> Vec<Chunk> {
            (start..(start + GROW_BATCH).min(want))
                .into_par_iter()
                .map(|c| sample_chunk(graph, model, roots, stream(seed, tag, c as u64)))
                .collect()
        };
        // Each batch is appended while the next one is sampled.
        let mut pending = Vec::new();
        for start in (have..want).step_by(GROW_BATCH) {
            let (nodes, offsets) = (&mut self.nodes, &mut self.offsets);
            let (sampled, ()) = rayon::join(
                || sample(start),
                || append(nodes, offsets, std::mem::take(&mut pending)),
            );
            pending = sampled;
        }
        append(&mut self.nodes, &mut self.offsets, pending);
    }

    /// Appends the sets of `chunks` (chunk indices, in the order given), each from its own
    /// stream as [`grow`](Self::grow) draws it: a worker of a cluster samples only the chunks
    /// it owns, and chunk `c` holds the same sets as in a collection grown in one process.
    #[cfg(feature = "distributed")]
    pub fn grow_chunks(
        &mut self,
        graph: &SocialGraph,
        model: Model,
        roots: &Roots,
        chunks: &[usize],
    ) {
        let (seed, tag) = (self.seed, self.tag);
        for batch in chunks.chunks(GROW_BATCH) {
            let sampled: Vec<Chunk> = batch
                .par_iter()
                .map(|&c| sample_chunk(graph, model, roots, stream(seed, tag, c as u64)))
                .collect();
            append(&mut self.nodes, &mut self.offsets, sampled);
        }
    }

    /// Number of sets that contain a node marked in `in_set`.
    pub fn coverage(&self, in_set: &[bool]) -> usize {
        (0..self.len())
            .into_par_iter()
            .with_min_len(4096)
            .filter(|&i| self.set(i).iter().any(|&v| in_set[v as usize]))
            .count()
    }

    /// Number of covered sets per root segment (integer sums: the same on any thread count).
    pub fn coverage_by_root_segment(&self, graph: &SocialGraph, in_set: &[bool]) -> Vec<usize> {
        let segs = graph.segment_count();
        (0..self.len())
            .into_par_iter()
            .with_min_len(4096)
            .fold(
                || vec![0usize; segs],
                |mut acc, i| {
                    let set = self.set(i);
                    if set.iter().any(|&v| in_set[v as usize]) {
                        acc[graph.segment(set[0]) as usize] += 1;
                    }
                    acc
                },
            )
            .reduce(
                || vec![0usize; segs],
                |mut a, b| {
                    a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                    a
                },
            )
    }
}

/// The [`RR_CHUNK`] RR sets of one chunk: their members (each set's root first) and sizes.
type Chunk = (Vec<u32>, Vec<u32>);

/// Appends sampled chunks, in order, to a collection's members and offsets.
fn append(nodes: &mut Vec<u32>, offsets: &mut Vec<usize>, chunks: Vec<Chunk>) {
    for (members, lens) in chunks {
        let mut at = nodes.len();
        nodes.extend_from_slice(&members);
        for len in lens {
            at += len as usize;
            offsets.push(at);
        }
    }
}

/// The sets of one chunk, drawn from `rng`.
fn sample_chunk(graph: &SocialGraph, model: Model, roots: &Roots, mut rng: ChaCha8Rng) -> Chunk {
    let n = graph.node_count();
    let mut nodes = Vec::with_capacity(RR_CHUNK * 8);
    let mut lens = Vec::with_capacity(RR_CHUNK);
    with_scratch(|s| {
        for _ in 0..RR_CHUNK {
            let root = roots.sample(n, &mut rng);
            let before = nodes.len();
            match model {
                Model::IndependentCascade => rr_ic_by_level(graph, root, &mut rng, s, &mut nodes),
                Model::LinearThreshold => {
                    rr_lt(graph, root, &mut rng, s, &mut nodes, never);
                }
            };
            lens.push((nodes.len() - before) as u32);
        }
    });
    (nodes, lens)
}

/// The stopping test of RR sets sampled in full.
#[inline(always)]
pub(crate) fn never(_: u32) -> bool {
    false
}

/// Independent-cascade RR set of `root`, appended to `out`; stops early, returning `true`, at
/// the first node found (the root excluded) for which `stop` holds (then `out` holds the nodes
/// found so far).
///
/// Where all in-edges of a node share one probability `p` (weighted cascade, constant
/// probability), live edges are found by geometric skipping: one logarithm per live edge instead
/// of one coin per edge. Visited nodes are kept in a bitset (`n / 8` bytes, cache-resident),
/// cleared from `out` at the end.
#[inline]
pub(crate) fn rr_ic(
    graph: &SocialGraph,
    root: u32,
    rng: &mut ChaCha8Rng,
    s: &mut Scratch,
    out: &mut Vec<u32>,
    stop: impl Fn(u32) -> bool,
) -> bool {
    s.need_bits(graph.node_count());
    let start = out.len();
    s.set_bit(root);
    out.push(root);
    let heads = graph.in_heads();
    let sources = graph.in_sources();
    let probs = graph.in_probs();
    let mut i = start;
    while i < out.len() {
        let v = out[i] as usize;
        i += 1;
        let head = heads[v];
        let end = heads[v + 1].start;
        if head.start == end {
            continue;
        }
        let p = head.uniform;
        if p >= 0.0 {
            if p == 0.0 {
                continue;
            }
            if p >= 1.0 {
                for &u in &sources[head.start..end] {
                    if s.set_bit(u) {
                        out.push(u);
                        if stop(u) {
                            s.clear_bits(&out[start..]);
                            return true;
                        }
                    }
                }
                continue;
            }
            // Gaps between live edges are geometric: floor(ln U / ln(1 - p)).
            let inv = head.inv_log_q as f64;
            let mut j = head.start;
            loop {
                let u01: f64 = 1.0 - rng.random::<f64>();
                let gap = (u01.ln() * inv) as usize;
                j = j.saturating_add(gap);
                if j >= end {
                    break;
                }
                let u = sources[j];
                if s.set_bit(u) {
                    out.push(u);
                    if stop(u) {
                        s.clear_bits(&out[start..]);
                        return true;
                    }
                }
                j += 1;
            }
        } else {
            for j in head.start..end {
                if rng.random::<f32>() < probs[j] {
                    let u = sources[j];
                    if s.set_bit(u) {
                        out.push(u);
                        if stop(u) {
                            s.clear_bits(&out[start..]);
                            return true;
                        }
                    }
                }
            }
        }
    }
    s.clear_bits(&out[start..]);
    false
}

/// [`rr_ic`] sampled in full (`stop` never holds), one breadth-first level at a time: the same
/// set, in the same order, from the same random numbers, faster.
///
/// [`rr_ic`] draws, for each node in discovery order, the live in-edges (geometric gaps, one
/// coin per edge, or all), then tests and appends their sources. The draws need only the
/// node's in-edge record, not the sources, so a level (the nodes appended by the previous one)
/// can be handled in passes: read every record of the level (independent loads, which the
/// processor overlaps, where node by node each waits on the one before behind mispredicted
/// branches), draw the live edges of every node in order (the same random numbers in the same
/// order), read every live edge's source, then test and append the sources in order. Nodes
/// appended by a level are handled after every node of that level, as in [`rr_ic`]'s queue, so
/// the set and the stream's state afterwards are identical (`tests::by_level_equals_rr_ic`).
/// Not for early stopping: a stop mid-level would leave later nodes' numbers drawn.
pub(crate) fn rr_ic_by_level(
    graph: &SocialGraph,
    root: u32,
    rng: &mut ChaCha8Rng,
    s: &mut Scratch,
    out: &mut Vec<u32>,
) {
    s.need_bits(graph.node_count());
    let start = out.len();
    s.set_bit(root);
    out.push(root);
    let heads = graph.in_heads();
    let sources = graph.in_sources();
    let probs = graph.in_probs();
    let mut level_heads = std::mem::take(&mut s.level_heads);
    let mut edges = std::mem::take(&mut s.level_edges);
    let mut i = start;
    while i < out.len() {
        let level_end = out.len();
        level_heads.clear();
        level_heads.extend(out[i..level_end].iter().map(|&v| {
            let (h, next) = (heads[v as usize], heads[v as usize + 1].start);
            (h.start, next, h.uniform, h.inv_log_q)
        }));
        i = level_end;
        edges.clear();
        for &(first, end, p, inv) in &level_heads {
            if first == end {
                continue;
            }
            if p >= 0.0 {
                if p == 0.0 {
                    continue;
                }
                if p >= 1.0 {
                    edges.extend(first..end);
                    continue;
                }
                // Gaps between live edges are geometric: floor(ln U / ln(1 - p)).
                let inv = inv as f64;
                let mut j = first;
                loop {
                    let u01: f64 = 1.0 - rng.random::<f64>();
                    let gap = (u01.ln() * inv) as usize;
                    j = j.saturating_add(gap);
                    if j >= end {
                        break;
                    }
                    edges.push(j);
                    j += 1;
                }
            } else {
                for (j, &q) in (first..end).zip(&probs[first..end]) {
                    if rng.random::<f32>() < q {
                        edges.push(j);
                    }
                }
            }
        }
        // Sources in place of the edges, then tested and appended in order.
        for e in edges.iter_mut() {
            *e = sources[*e] as usize;
        }
        for &u in &edges {
            let u = u as u32;
            if s.set_bit(u) {
                out.push(u);
            }
        }
    }
    s.clear_bits(&out[start..]);
    s.level_heads = level_heads;
    s.level_edges = edges;
}

/// Linear-threshold RR set of `root`: a reverse random walk that stops at a node listening to
/// no one or at a node already on the walk; or early, returning `true`, at a node (the root
/// excluded) for which `stop` holds.
#[inline]
pub(crate) fn rr_lt(
    graph: &SocialGraph,
    root: u32,
    rng: &mut ChaCha8Rng,
    s: &mut Scratch,
    out: &mut Vec<u32>,
    stop: impl Fn(u32) -> bool,
) -> bool {
    s.need_bits(graph.node_count());
    let start = out.len();
    s.set_bit(root);
    out.push(root);
    let mut v = root;
    loop {
        let u = pick_in_neighbour(graph, v, rng);
        if u == u32::MAX || !s.set_bit(u) {
            break;
        }
        out.push(u);
        if stop(u) {
            s.clear_bits(&out[start..]);
            return true;
        }
        v = u;
    }
    s.clear_bits(&out[start..]);
    false
}

/// Node -> RR-set inverted index, built by counting sort: the sets containing `v` are
/// `sets[offsets[v]..offsets[v + 1]]`, in increasing order. Rebuilt each round: the offsets
/// (`O(n)`) are allocated once, the set lists (`O(total RR size)`) freed before the collection
/// grows and allocated at their exact size. The offsets are `u32` while the index has fewer than
/// `2^32` entries (half the memory traffic of the counting sort's random increments), `usize`
/// beyond.
#[derive(Default)]
pub(crate) struct InvertedIndex {
    /// The offsets while the entries fit in `u32` (empty otherwise).
    narrow: Vec<u32>,
    /// The offsets beyond (empty otherwise).
    wide: Vec<usize>,
    pub sets: Vec<u32>,
    n: usize,
}

/// An offset of [`InvertedIndex`]: `u32` or `usize`.
trait Offset: Copy {
    const ZERO: Self;
    fn get(self) -> usize;
    fn of(x: usize) -> Self;
}

impl Offset for u32 {
    const ZERO: Self = 0;
    #[inline(always)]
    fn get(self) -> usize {
        self as usize
    }
    #[inline(always)]
    fn of(x: usize) -> Self {
        x as u32
    }
}

impl Offset for usize {
    const ZERO: Self = 0;
    #[inline(always)]
    fn get(self) -> usize {
        self
    }
    #[inline(always)]
    fn of(x: usize) -> Self {
        x
    }
}

/// The counting sort of [`InvertedIndex::rebuild`]: count, prefix-sum to end positions, then
/// place sets in reverse so each node's list comes out in increasing order and `offsets[v]`
/// ends up holding v's start. The caller checks that `rr.nodes.len()` fits in `O`.
fn count_sort<O: Offset>(n: usize, rr: &RrCollection, offsets: &mut Vec<O>, sets: &mut Vec<u32>) {
    offsets.clear();
    offsets.resize(n + 1, O::ZERO);
    for &v in &rr.nodes {
        let slot = &mut offsets[v as usize];
        *slot = O::of(slot.get() + 1);
    }
    let mut acc = 0usize;
    for slot in &mut offsets[..n] {
        acc += slot.get();
        *slot = O::of(acc);
    }
    offsets[n] = O::of(rr.nodes.len());
    sets.resize(rr.nodes.len(), 0);
    for i in (0..rr.len()).rev() {
        for &v in rr.set(i) {
            let slot = &mut offsets[v as usize];
            let at = slot.get() - 1;
            *slot = O::of(at);
            sets[at] = i as u32;
        }
    }
}

impl InvertedIndex {
    /// Frees the set lists (rebuilt from scratch by [`rebuild`](Self::rebuild)): called before
    /// the collection grows, so that the old lists, the grown collection and the new lists are
    /// never held at once.
    pub fn release(&mut self) {
        self.sets = Vec::new();
    }

    pub fn rebuild(&mut self, n: usize, rr: &RrCollection) {
        self.n = n;
        if u32::try_from(rr.nodes.len()).is_ok() {
            self.wide = Vec::new();
            count_sort(n, rr, &mut self.narrow, &mut self.sets);
        } else {
            self.narrow = Vec::new();
            count_sort(n, rr, &mut self.wide, &mut self.sets);
        }
    }

    pub fn node_count(&self) -> usize {
        self.n
    }

    /// `sets_of(v)` spans `sets[range(v)]`.
    #[inline]
    fn range(&self, v: usize) -> (usize, usize) {
        if self.wide.is_empty() {
            (self.narrow[v] as usize, self.narrow[v + 1] as usize)
        } else {
            (self.wide[v], self.wide[v + 1])
        }
    }

    pub fn sets_of(&self, v: usize) -> &[u32] {
        let (a, b) = self.range(v);
        &self.sets[a..b]
    }

    /// Appends the number of sets containing each node, in node order, to `out`.
    pub fn degrees_into(&self, out: &mut Vec<u32>) {
        if self.wide.is_empty() {
            out.extend(self.narrow.windows(2).map(|w| w[1] - w[0]));
        } else {
            out.extend(self.wide.windows(2).map(|w| (w[1] - w[0]) as u32));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diffusion::{Edge, Probability, chung_lu};
    use rand::SeedableRng;

    /// Both samplers on every root of `graph`, from equal streams: the same sets, and the
    /// streams in the same state afterwards.
    fn same_sets(graph: &SocialGraph) {
        let mut a = ChaCha8Rng::seed_from_u64(11);
        let mut b = a.clone();
        let (mut out_a, mut out_b) = (Vec::new(), Vec::new());
        let mut sizes = 0;
        with_scratch(|s| {
            for root in 0..graph.node_count() as u32 {
                out_a.clear();
                out_b.clear();
                rr_ic(graph, root, &mut a, s, &mut out_a, never);
                rr_ic_by_level(graph, root, &mut b, s, &mut out_b);
                assert_eq!(out_a, out_b, "root {root}");
                sizes += out_a.len();
            }
            assert!(s.bits.iter().all(|&w| w == 0), "bits cleared");
        });
        assert_eq!(a.random::<u64>(), b.random::<u64>());
        assert!(sizes > graph.node_count(), "some sets beyond the root");
    }

    #[test]
    fn by_level_equals_rr_ic() {
        // Weighted cascade (geometric gaps), a constant probability, probability 1 (every
        // edge), and per-edge probabilities (one coin per edge), with self-loops and hubs.
        same_sets(&chung_lu(3_000, 20_000, 2.5, Probability::WeightedCascade, 3).unwrap());
        same_sets(&chung_lu(2_000, 8_000, 2.2, Probability::Constant(0.2), 4).unwrap());
        same_sets(&chung_lu(500, 600, 2.5, Probability::Constant(1.0), 5).unwrap());
        let mut rng = ChaCha8Rng::seed_from_u64(6);
        let edges: Vec<Edge> = (0..6_000)
            .map(|_| Edge {
                source: rng.random_range(0..1_000),
                target: rng.random_range(0..1_000),
                probability: rng.random::<f32>() * 0.5,
            })
            .collect();
        same_sets(&SocialGraph::from_edges(1_000, &edges, Probability::Given).unwrap());
    }
}
