//! Greedy maximum coverage over RR sets, with upper bounds on the optimum's coverage.
//!
//! Unit costs: lazy greedy (a max-heap of possibly stale marginal coverages; a popped entry
//! whose key equals the node's current coverage is the true maximum, since coverage only
//! falls). After each pick, the `k` largest current marginals are read off the heap the same
//! way, giving the OPIM-C bound `OPT <= cov(S_i) + sum of the top-k marginals w.r.t. S_i`,
//! and greedy's own guarantee gives `OPT <= cov(S_k) / (1 - (1 - 1/k)^k)`; the least is kept.
//!
//! Knapsack costs: cost-benefit lazy greedy plus the best affordable single node; the bound is
//! the least of `cov(S_i) + fractional knapsack of the marginals w.r.t. S_i` and
//! `cov(result) / ((1 - 1/e) / 2)`.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::DiffusionError;
use super::rr::{InvertedIndex, RrCollection};
use crate::total::Total;

/// `1 - 1/e`, the greedy ratio for a cardinality budget.
pub const GREEDY_RATIO: f64 = 1.0 - 1.0 / std::f64::consts::E;

/// `(1 - 1/e) / 2`, the ratio guaranteed by the better of cost-benefit greedy and the best
/// single node under a knapsack budget for a monotone submodular objective (Khuller, Moss, Naor
/// 1999; Krause and Guestrin 2005; later analyses show about 0.405, this is the safe figure).
pub const KNAPSACK_RATIO: f64 = GREEDY_RATIO / 2.0;

/// Result of a greedy coverage run on one RR collection.
pub(crate) struct Cover {
    pub seeds: Vec<u32>,
    /// Upper bound on the number of sets any feasible seed set covers.
    pub upper: f64,
}

/// Candidate nodes: all nodes, or a given list checked to be non-empty, in range and distinct.
pub(crate) fn candidate_list(
    n: usize,
    candidates: Option<&[u32]>,
) -> Result<Vec<u32>, DiffusionError> {
    let list: Vec<u32> = match candidates {
        Some(c) => c.to_vec(),
        // Every node once: nothing to check (but an empty graph's list is empty).
        None if n > 0 => return Ok((0..n as u32).collect()),
        None => Vec::new(),
    };
    let mut seen = vec![false; n];
    for &c in &list {
        if c as usize >= n || std::mem::replace(&mut seen[c as usize], true) {
            return Err(DiffusionError::invalid(
                "candidates",
                format!("node {c} is out of range or listed twice"),
            ));
        }
    }
    if list.is_empty() {
        return Err(DiffusionError::invalid("candidates", "is empty"));
    }
    Ok(list)
}

/// Buffers reused across rounds (allocated once: `O(n + RR sets)`).
#[derive(Default)]
pub(crate) struct CoverWork {
    deg: Vec<u32>,
    covered: Vec<bool>,
}

impl CoverWork {
    /// Frees the coverage flags (reallocated at their exact size by the next greedy run), so
    /// that growing a collection does not copy them.
    pub fn release(&mut self) {
        self.covered = Vec::new();
    }

    fn reset(&mut self, index: &InvertedIndex, sets: usize) {
        let n = index.node_count();
        self.deg.clear();
        index.degrees_into(&mut self.deg);
        debug_assert_eq!(self.deg.len(), n);
        self.covered.clear();
        self.covered.resize(sets, false);
    }
}

/// Marks `rr`'s sets covered by `v`, lowering the marginal coverage of their members.
fn take(
    v: u32,
    index: &InvertedIndex,
    rr: &RrCollection,
    covered: &mut [bool],
    deg: &mut [u32],
) -> usize {
    let mut newly = 0;
    for &r in index.sets_of(v as usize) {
        let r = r as usize;
        if !covered[r] {
            covered[r] = true;
            newly += 1;
            for &w in rr.set(r) {
                deg[w as usize] -= 1;
            }
        }
    }
    newly
}

/// Candidates kept in lazy greedy's heap before they can matter: the heap starts with the
/// candidates of the largest initial coverage only (at least this many, more on ties), and
/// takes the next ones, about four times as many each time, when its top falls below them.
const HEAP_START: usize = 2048;

/// Initial coverages at or above this share one histogram bucket (then the heap starts with
/// every candidate of such coverage).
const HISTOGRAM_TOP: usize = 4096;

/// Lazy greedy's max-heap of (possibly stale) marginal coverages, keyed `(coverage, Reverse(v))`
/// (ties: the smaller node first), filled lazily: a candidate not yet pushed has initial, hence
/// current, coverage below `floor` (coverage only falls), so a popped entry that is fresh and at
/// least `floor` is the maximum over all candidates, and pops come in exactly the order of a
/// heap built from every candidate at once.
struct LazyHeap {
    heap: BinaryHeap<(u32, Reverse<u32>)>,
    /// Every candidate not in the heap has initial coverage below this (0: all are in).
    floor: u32,
    /// `above[d]`: candidates of initial coverage at least `d` (`d <= HISTOGRAM_TOP`).
    above: Vec<usize>,
}

impl LazyHeap {
    /// The candidates whose coverage is among the [`HEAP_START`] largest (by a histogram of
    /// coverages), with `floor` the least of them.
    fn new(deg: &[u32], candidates: &[u32]) -> Self {
        let mut above = vec![0usize; HISTOGRAM_TOP + 2];
        for &v in candidates {
            above[(deg[v as usize] as usize).min(HISTOGRAM_TOP)] += 1;
        }
        for d in (0..=HISTOGRAM_TOP).rev() {
            above[d] += above[d + 1];
        }
        let mut lazy = LazyHeap {
            heap: BinaryHeap::new(),
            floor: u32::MAX,
            above,
        };
        lazy.take_below(HEAP_START, deg, candidates, |v| deg[v as usize] as usize);
        lazy
    }

    /// Lowers `floor` until at least `want` candidates are at or above it (to 0 if that is
    /// all) and pushes those between the new and the old floor (by `initial` coverage) at their
    /// current coverage.
    fn take_below(
        &mut self,
        want: usize,
        deg: &[u32],
        candidates: &[u32],
        initial: impl Fn(u32) -> usize,
    ) {
        let old = (self.floor as usize).min(HISTOGRAM_TOP + 1);
        let new = (1..=HISTOGRAM_TOP.min(old.saturating_sub(1)))
            .rev()
            .find(|&d| self.above[d] >= want)
            .unwrap_or(0);
        let old_floor = self.floor as usize;
        for &v in candidates {
            let d0 = initial(v);
            let d = deg[v as usize];
            if d > 0 && d0 >= new && d0 < old_floor {
                self.heap.push((d, Reverse(v)));
            }
        }
        self.floor = new as u32;
        debug_assert!(old > new || new == 0);
    }

    /// Pops the entry a heap of all candidates would pop (`index` gives the initial
    /// coverages, `deg` the current ones).
    fn pop(
        &mut self,
        index: &InvertedIndex,
        deg: &[u32],
        candidates: &[u32],
    ) -> Option<(u32, Reverse<u32>)> {
        while self.floor > 0 && self.heap.peek().is_none_or(|&(key, _)| key < self.floor) {
            // The top may no longer beat the rest: take about four times as many.
            let want = 4 * self.above[(self.floor as usize).min(HISTOGRAM_TOP)].max(HEAP_START);
            self.take_below(want, deg, candidates, |v| index.sets_of(v as usize).len());
        }
        self.heap.pop()
    }

    fn push(&mut self, entry: (u32, Reverse<u32>)) {
        self.heap.push(entry);
    }
}

/// Lazy greedy for `k` seeds among `candidates` (distinct nodes).
pub(crate) fn greedy_k(
    index: &InvertedIndex,
    rr: &RrCollection,
    candidates: &[u32],
    k: usize,
    work: &mut CoverWork,
) -> Cover {
    let n = index.node_count();
    work.reset(index, rr.len());
    let CoverWork { deg, covered } = work;
    let mut heap = LazyHeap::new(deg, candidates);
    let mut seeds = Vec::with_capacity(k);
    let mut count = 0usize;
    let mut upper = f64::INFINITY;
    let mut fresh: Vec<(u32, u32)> = Vec::with_capacity(k);
    loop {
        // The k largest current marginals, in order.
        fresh.clear();
        while fresh.len() < k {
            let Some((key, Reverse(v))) = heap.pop(index, deg, candidates) else {
                break;
            };
            let d = deg[v as usize];
            if d == key {
                fresh.push((d, v));
            } else if d > 0 {
                heap.push((d, Reverse(v)));
            }
        }
        let top: u64 = fresh.iter().map(|&(d, _)| d as u64).sum();
        upper = upper.min((count as u64 + top) as f64);
        if seeds.len() == k || fresh.is_empty() {
            break;
        }
        let (_, v) = fresh[0];
        for &(d, w) in &fresh[1..] {
            heap.push((d, Reverse(w)));
        }
        count += take(v, index, rr, &mut covered[..], &mut deg[..]);
        seeds.push(v);
    }
    finish_k(seeds, count as u64, upper, k, n, candidates)
}

/// Fractional knapsack of current marginals: an upper bound on what any set of cost at most
/// `budget` adds.
fn fractional(
    deg: &[u32],
    candidates: &[u32],
    costs: &[f64],
    budget: f64,
    order: &mut Vec<usize>,
) -> f64 {
    order.clear();
    order.extend(
        (0..candidates.len()).filter(|&i| deg[candidates[i] as usize] > 0 && costs[i] <= budget),
    );
    order.sort_unstable_by(|&a, &b| {
        let ra = deg[candidates[a] as usize] as f64 / costs[a];
        let rb = deg[candidates[b] as usize] as f64 / costs[b];
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    let mut left = budget;
    let mut value = 0.0;
    for &i in order.iter() {
        let d = deg[candidates[i] as usize] as f64;
        if costs[i] <= left {
            left -= costs[i];
            value += d;
        } else {
            value += d * left / costs[i];
            break;
        }
    }
    value
}

/// Cost-benefit lazy greedy under a knapsack budget, against the best affordable single node;
/// returns the better. `costs[i]` is the (positive) cost of `candidates[i]`.
pub(crate) fn greedy_knapsack(
    index: &InvertedIndex,
    rr: &RrCollection,
    candidates: &[u32],
    costs: &[f64],
    budget: f64,
    work: &mut CoverWork,
) -> Cover {
    work.reset(index, rr.len());
    let CoverWork { deg, covered } = work;
    let mut order = Vec::new();

    // Best single: most sets covered by one affordable node (ties: first candidate).
    let mut best_single: Option<(u32, usize)> = None;
    for (i, &v) in candidates.iter().enumerate() {
        let d = deg[v as usize] as usize;
        if costs[i] <= budget && best_single.is_none_or(|(_, bd)| d > bd) {
            best_single = Some((v, d));
        }
    }

    let mut heap: BinaryHeap<(Total, Reverse<usize>, u32)> = (0..candidates.len())
        .filter(|&i| costs[i] <= budget && deg[candidates[i] as usize] > 0)
        .map(|i| {
            let d = deg[candidates[i] as usize];
            (Total(d as f64 / costs[i]), Reverse(i), d)
        })
        .collect();
    let mut upper = f64::INFINITY;
    let mut seeds = Vec::new();
    let mut count = 0usize;
    let mut left = budget;
    let mut next_bound = 0usize;
    loop {
        // Bound at picks 0, 1, 2, 4, 8, ... (any subset of the steps gives a valid bound).
        if seeds.len() >= next_bound {
            upper =
                upper.min(count as f64 + fractional(deg, candidates, costs, budget, &mut order));
            next_bound = (next_bound * 2).max(1);
        }
        let Some((_, Reverse(i), d_then)) = heap.pop() else {
            break;
        };
        let v = candidates[i];
        let d = deg[v as usize];
        if d == 0 || costs[i] > left {
            continue;
        }
        if d != d_then {
            heap.push((Total(d as f64 / costs[i]), Reverse(i), d));
            continue;
        }
        left -= costs[i];
        count += take(v, index, rr, &mut covered[..], &mut deg[..]);
        seeds.push(v);
    }
    upper = upper.min(count as f64 + fractional(deg, candidates, costs, budget, &mut order));
    let (seeds, best) = match best_single {
        Some((v, d)) if d > count => (vec![v], d),
        _ => (seeds, count),
    };
    // The better of the two reaches (1 - 1/e)/2 of the optimum coverage.
    upper = upper.min(best as f64 / KNAPSACK_RATIO);
    Cover { seeds, upper }
}

/// The end of a `k`-seed greedy (here and in [`crate::distributed`]): greedy's own bound on
/// the optimum and the padding of a short seed list with unused candidates.
pub(crate) fn finish_k(
    mut seeds: Vec<u32>,
    count: u64,
    mut upper: f64,
    k: usize,
    n: usize,
    candidates: &[u32],
) -> Cover {
    // Greedy's ratio on the (submodular) coverage function bounds the optimum too.
    if k > 0 {
        let ratio = 1.0 - (1.0 - 1.0 / k as f64).powi(k as i32);
        upper = upper.min(count as f64 / ratio);
    }
    // Fewer than k nodes cover anything: pad with the first unused candidates (they add 0).
    if seeds.len() < k {
        let mut used = vec![false; n];
        for &s in &seeds {
            used[s as usize] = true;
        }
        for &c in candidates {
            if seeds.len() == k {
                break;
            }
            if !used[c as usize] {
                used[c as usize] = true;
                seeds.push(c);
            }
        }
    }
    Cover { seeds, upper }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn collection(sets: &[Vec<u32>]) -> RrCollection {
        let mut rr = RrCollection::new(0, 0);
        for s in sets {
            rr.nodes.extend(s);
            rr.offsets.push(rr.nodes.len());
        }
        rr
    }

    fn coverage(rr: &RrCollection, seeds: &[u32]) -> usize {
        (0..rr.len())
            .filter(|&i| rr.set(i).iter().any(|v| seeds.contains(v)))
            .count()
    }

    /// Best coverage over all subsets of `0..n` accepted by `feasible`.
    fn brute_force(rr: &RrCollection, n: u32, feasible: impl Fn(&[u32]) -> bool) -> usize {
        (0u32..1 << n)
            .map(|mask| (0..n).filter(|v| mask >> v & 1 == 1).collect::<Vec<_>>())
            .filter(|s| feasible(s))
            .map(|s| coverage(rr, &s))
            .max()
            .unwrap_or(0)
    }

    fn sets_strategy() -> impl Strategy<Value = Vec<Vec<u32>>> {
        proptest::collection::vec(
            proptest::collection::btree_set(0u32..8, 1..4).prop_map(|s| s.into_iter().collect()),
            1..30,
        )
    }

    /// Plain greedy with exact marginals (ties: the smaller node) and the bound
    /// `min_i cov(S_i) + top-k marginals w.r.t. S_i`: what `greedy_k` must give.
    fn plain_greedy(rr: &RrCollection, n: usize, candidates: &[u32], k: usize) -> (Vec<u32>, u64) {
        let mut covered = vec![false; rr.len()];
        let (mut seeds, mut count, mut upper) = (Vec::new(), 0u64, u64::MAX);
        loop {
            let mut gain = vec![0u64; n];
            for i in (0..rr.len()).filter(|&i| !covered[i]) {
                for &v in rr.set(i) {
                    gain[v as usize] += 1;
                }
            }
            let mut order: Vec<u32> = candidates
                .iter()
                .copied()
                .filter(|&v| gain[v as usize] > 0)
                .collect();
            order.sort_by_key(|&v| (Reverse(gain[v as usize]), v));
            order.truncate(k);
            upper = upper.min(count + order.iter().map(|&v| gain[v as usize]).sum::<u64>());
            if seeds.len() == k || order.is_empty() {
                return (seeds, upper);
            }
            let v = order[0];
            count += gain[v as usize];
            for (i, c) in covered.iter_mut().enumerate() {
                *c |= rr.set(i).contains(&v);
            }
            seeds.push(v);
        }
    }

    #[test]
    fn lazy_heap_refills_give_the_plain_greedy() {
        use rand::{Rng, SeedableRng};
        // 4,000 nodes of skewed popularity: the heap starts with about 2,048 of them; asking
        // for more seeds than that empties it, so it must refill (and may earlier).
        let n = 4_000usize;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let sets: Vec<Vec<u32>> = (0..8_000)
            .map(|_| {
                let mut s: Vec<u32> = (0..rng.random_range(1..6))
                    .map(|_| (rng.random::<f64>().powi(2) * n as f64) as u32)
                    .collect();
                s.sort_unstable();
                s.dedup();
                s
            })
            .collect();
        let rr = collection(&sets);
        let mut index = InvertedIndex::default();
        index.rebuild(n, &rr);
        let candidates: Vec<u32> = (0..n as u32).rev().collect();
        let mut deg = Vec::new();
        index.degrees_into(&mut deg);
        let start = LazyHeap::new(&deg, &candidates);
        let covering = deg.iter().filter(|&&d| d > 0).count();
        assert!(
            start.floor > 1 && start.heap.len() < covering,
            "floor {}",
            start.floor
        );
        for k in [1, 50, start.heap.len() + 1] {
            let cover = greedy_k(&index, &rr, &candidates, k, &mut CoverWork::default());
            let (seeds, upper) = plain_greedy(&rr, n, &candidates, k);
            assert_eq!(cover.seeds.len(), k);
            assert_eq!(cover.seeds[..seeds.len()], seeds[..], "k {k}");
            let ratio = 1.0 - (1.0 - 1.0 / k as f64).powi(k as i32);
            let count = coverage(&rr, &seeds) as f64;
            assert_eq!(cover.upper, (upper as f64).min(count / ratio), "k {k}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn greedy_k_bounds_bracket_the_optimum(sets in sets_strategy(), k in 1usize..4) {
            let rr = collection(&sets);
            let mut index = InvertedIndex::default();
            index.rebuild(8, &rr);
            for v in 0..8u32 {
                let expect: Vec<u32> = (0..rr.len() as u32)
                    .filter(|&i| rr.set(i as usize).contains(&v))
                    .collect();
                prop_assert_eq!(index.sets_of(v as usize), &expect[..]);
            }
            let candidates: Vec<u32> = (0..8).collect();
            let cover = greedy_k(&index, &rr, &candidates, k, &mut CoverWork::default());
            let opt = brute_force(&rr, 8, |s| s.len() <= k);
            let got = coverage(&rr, &cover.seeds);
            prop_assert_eq!(cover.seeds.len(), k);
            let mut distinct = cover.seeds.clone();
            distinct.sort_unstable();
            distinct.dedup();
            prop_assert_eq!(distinct.len(), k);
            prop_assert!(cover.upper + 1e-9 >= opt as f64, "upper {} < opt {}", cover.upper, opt);
            prop_assert!(got as f64 >= (1.0 - (1.0 - 1.0 / k as f64).powi(k as i32)) * opt as f64 - 1e-9);
        }

        #[test]
        fn knapsack_bounds_bracket_the_optimum(
            sets in sets_strategy(),
            costs in proptest::collection::vec(0.5f64..4.0, 8),
            budget in 0.5f64..6.0,
        ) {
            let rr = collection(&sets);
            let mut index = InvertedIndex::default();
            index.rebuild(8, &rr);
            let candidates: Vec<u32> = (0..8).collect();
            let cover = greedy_knapsack(&index, &rr, &candidates, &costs, budget, &mut CoverWork::default());
            let cost = |s: &[u32]| s.iter().map(|&v| costs[v as usize]).sum::<f64>();
            let opt = brute_force(&rr, 8, |s| cost(s) <= budget);
            let got = coverage(&rr, &cover.seeds);
            prop_assert!(cost(&cover.seeds) <= budget + 1e-9);
            prop_assert!(cover.upper + 1e-9 >= opt as f64, "upper {} < opt {}", cover.upper, opt);
            prop_assert!(got as f64 >= KNAPSACK_RATIO * opt as f64 - 1e-9);
        }
    }
}
