//! Greedy maximum coverage over RR sets spread across the workers, pick for pick the same as
//! the one-process lazy greedy (`diffusion::cover::greedy_k`).
//!
//! Each worker holds its own RR sets and their inverted index. Node `v` is owned by worker
//! `v mod P`, which keeps `v`'s coverage summed over all workers (for candidates only). A pick
//! costs two supersteps: every owner sends its `k` largest coverages to every worker (each
//! takes the same pick: largest coverage, then smallest node id, as the one-process heap
//! does; the sum of the `k` largest gives the same OPIM-C bound); then every worker marks the
//! sets the pick covers and sends each owner the sparse falls of its candidates' coverage.

use std::cmp::Reverse;
use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use timely::worker::Worker;

use super::DistributedError;
use super::exchange::Exchanger;
use super::runtime::Watchdog;
use crate::diffusion::{Cover, InvertedIndex, RrCollection, finish_k};

/// Messages of the distributed selection.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) enum Msg {
    /// `(node, sets)`: the sender's coverage of candidates the receiver owns.
    Degrees(Vec<(u32, u32)>),
    /// After a pick: how much the sender's coverage of the receiver's candidates fell, and the
    /// number of sets the pick newly covered at the sender.
    Taken {
        /// `(node, fall)`.
        falls: Vec<(u32, u32)>,
        /// Sets newly covered.
        newly: u64,
    },
    /// An owner's largest coverages, `(sets, node)`.
    Top(Vec<(u32, u32)>),
    /// Counts to add up over the workers.
    Counts(Vec<u64>),
}

/// A worker's view of the cluster: its timely worker, the selection's exchanger, its watchdog.
pub(crate) struct Ctx<'w> {
    pub worker: &'w mut Worker,
    pub ex: Exchanger<Msg>,
    pub watchdog: Watchdog,
    /// The worker's own rayon pool, if it has one.
    pub pool: Option<std::sync::Arc<rayon::ThreadPool>>,
}

impl Ctx<'_> {
    /// One superstep (see [`Exchanger::step`]).
    pub fn step(
        &mut self,
        messages: impl IntoIterator<Item = (usize, Msg)>,
    ) -> Result<Vec<Msg>, DistributedError> {
        self.ex.step(self.worker, &self.watchdog, messages)
    }

    /// Element-wise sums of `counts` over all workers (integer sums: order-free).
    pub fn sum(&mut self, counts: Vec<u64>) -> Result<Vec<u64>, DistributedError> {
        let mut total = vec![0u64; counts.len()];
        let got = self
            .ex
            .all_gather(self.worker, &self.watchdog, Msg::Counts(counts))?;
        for m in got {
            if let Msg::Counts(c) = m {
                total.iter_mut().zip(c).for_each(|(t, x)| *t += x);
            }
        }
        Ok(total)
    }
}

/// The owner's side: summed coverage of its candidates, ranked; and the falls of a pick.
pub(crate) struct Owned {
    pub coverage: Vec<u32>,
    ranked: BTreeSet<(Reverse<u32>, u32)>,
    /// Scratch: how much each candidate's coverage at this worker fell in the current pick.
    fall: Vec<u32>,
}

impl Owned {
    fn change(&mut self, v: u32, to: u32) {
        let from = self.coverage[v as usize];
        if from > 0 {
            self.ranked.remove(&(Reverse(from), v));
        }
        self.coverage[v as usize] = to;
        if to > 0 {
            self.ranked.insert((Reverse(to), v));
        }
    }
}

/// Lazy greedy's picks for `k` seeds among `candidates` (distinct nodes of a graph of `n`),
/// on the RR sets of all workers together; `rr` holds this worker's.
pub(crate) fn greedy_k(
    ctx: &mut Ctx<'_>,
    rr: &RrCollection,
    n: usize,
    candidates: &[u32],
    k: usize,
) -> Result<Cover, DistributedError> {
    let (me, peers) = (ctx.ex.index(), ctx.ex.peers());
    let mut index = InvertedIndex::default();
    index.rebuild(n, rr);
    let mut is_candidate = vec![false; n];
    for &c in candidates {
        is_candidate[c as usize] = true;
    }
    let mut owned = owned_coverage(ctx, &index, n, candidates)?;
    debug_assert!(owned.ranked.iter().all(|&(_, v)| v as usize % peers == me));
    let mut covered = vec![false; rr.len()];
    let mut seeds = Vec::with_capacity(k);
    let mut count = 0u64;
    let mut upper = f64::INFINITY;
    loop {
        let mine: Vec<(u32, u32)> = owned
            .ranked
            .iter()
            .take(k)
            .map(|&(Reverse(d), v)| (d, v))
            .collect();
        let mut fresh: Vec<(u32, u32)> = Vec::new();
        for m in ctx
            .ex
            .all_gather(ctx.worker, &ctx.watchdog, Msg::Top(mine))?
        {
            if let Msg::Top(t) = m {
                fresh.extend(t);
            }
        }
        fresh.sort_unstable_by_key(|&(d, v)| (Reverse(d), v));
        fresh.truncate(k);
        let top: u64 = fresh.iter().map(|&(d, _)| d as u64).sum();
        upper = upper.min((count + top) as f64);
        if seeds.len() == k || fresh.is_empty() {
            break;
        }
        let v = fresh[0].1;
        seeds.push(v);
        count += mark_pick(ctx, &mut owned, &index, rr, &is_candidate, &mut covered, v)?;
    }
    Ok(finish_k(seeds, count, upper, k, n, candidates))
}

/// This worker's side as an owner: every worker's coverage of the candidates it owns, summed
/// (one superstep).
pub(crate) fn owned_coverage(
    ctx: &mut Ctx<'_>,
    index: &InvertedIndex,
    n: usize,
    candidates: &[u32],
) -> Result<Owned, DistributedError> {
    let peers = ctx.ex.peers();
    let mut out = vec![Vec::new(); peers];
    for &c in candidates {
        let d = index.sets_of(c as usize).len() as u32;
        if d > 0 {
            out[c as usize % peers].push((c, d));
        }
    }
    let mut owned = Owned {
        coverage: vec![0; n],
        ranked: BTreeSet::new(),
        fall: vec![0; n],
    };
    for m in ctx.step(out.into_iter().map(Msg::Degrees).enumerate())? {
        if let Msg::Degrees(list) = m {
            for (v, d) in list {
                let now = owned.coverage[v as usize] + d;
                owned.change(v, now);
            }
        }
    }
    Ok(owned)
}

/// Takes pick `v`: marks the sets it covers at this worker, sends each owner the falls of its
/// candidates' coverage and applies those received (one superstep). Returns the number of
/// sets the pick newly covered over all workers.
pub(crate) fn mark_pick(
    ctx: &mut Ctx<'_>,
    owned: &mut Owned,
    index: &InvertedIndex,
    rr: &RrCollection,
    is_candidate: &[bool],
    covered: &mut [bool],
    v: u32,
) -> Result<u64, DistributedError> {
    let peers = ctx.ex.peers();
    let mut newly = 0u64;
    let mut touched = Vec::new();
    for &r in index.sets_of(v as usize) {
        let r = r as usize;
        if !covered[r] {
            covered[r] = true;
            newly += 1;
            for &w in rr.set(r) {
                if is_candidate[w as usize] {
                    if owned.fall[w as usize] == 0 {
                        touched.push(w);
                    }
                    owned.fall[w as usize] += 1;
                }
            }
        }
    }
    let mut out = vec![Vec::new(); peers];
    for w in touched {
        out[w as usize % peers].push((w, std::mem::take(&mut owned.fall[w as usize])));
    }
    let messages = out
        .into_iter()
        .map(|falls| Msg::Taken { falls, newly })
        .enumerate();
    let mut total = 0;
    for m in ctx.step(messages)? {
        if let Msg::Taken { falls, newly } = m {
            total += newly;
            for (w, f) in falls {
                let now = owned.coverage[w as usize] - f;
                owned.change(w, now);
            }
        }
    }
    Ok(total)
}
