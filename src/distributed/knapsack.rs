//! Cost-benefit greedy under a knapsack budget over RR sets spread across the workers, pick
//! for pick the same as the one-process lazy greedy (`diffusion::cover::greedy_knapsack`).
//!
//! Owners (node `v` at worker `v mod P`) keep their candidates' summed coverage, as for a
//! cardinality budget. Each pick is the largest coverage per cost among candidates still
//! affordable (ties: the first candidate), as the one-process lazy heap takes it: every owner
//! sends its best to every worker, each takes the same. The fractional-knapsack bound (at picks
//! 0, 1, 2, 4, ...) gathers every owner's positive coverages and sorts them as one process
//! does, so the sums are the same.

use std::cmp::Reverse;

use super::DistributedError;
use super::cover::{Ctx, Msg, Owned, mark_pick, owned_coverage};
use crate::diffusion::{Cover, InvertedIndex, KNAPSACK_RATIO, RrCollection};

/// `(coverage, candidate position)` pairs from every worker.
fn gather(ctx: &mut Ctx<'_>, mine: Vec<(u32, u32)>) -> Result<Vec<(u32, u32)>, DistributedError> {
    let mut all = Vec::new();
    for m in ctx
        .ex
        .all_gather(ctx.worker, &ctx.watchdog, Msg::Top(mine))?
    {
        if let Msg::Top(t) = m {
            all.extend(t);
        }
    }
    Ok(all)
}

/// The candidates this worker owns, as positions into `candidates`.
fn owned_positions(candidates: &[u32], me: usize, peers: usize) -> Vec<u32> {
    (0..candidates.len() as u32)
        .filter(|&i| candidates[i as usize] as usize % peers == me)
        .collect()
}

/// Cost-benefit greedy against the best affordable single candidate; `costs[i]` is the cost
/// of `candidates[i]`.
pub(crate) fn greedy_knapsack(
    ctx: &mut Ctx<'_>,
    rr: &RrCollection,
    n: usize,
    candidates: &[u32],
    costs: &[f64],
    budget: f64,
) -> Result<Cover, DistributedError> {
    let (me, peers) = (ctx.ex.index(), ctx.ex.peers());
    let mut index = InvertedIndex::default();
    index.rebuild(n, rr);
    let mut owned = owned_coverage(ctx, &index, n, candidates)?;
    let mine = owned_positions(candidates, me, peers);
    let cov = |o: &Owned, i: u32| o.coverage[candidates[i as usize] as usize];
    // Best single: most sets covered by one affordable candidate (ties: the first).
    let local = mine
        .iter()
        .filter(|&&i| costs[i as usize] <= budget)
        .map(|&i| (cov(&owned, i), i))
        .min_by_key(|&(d, i)| (Reverse(d), i));
    let best_single = gather(ctx, local.into_iter().collect())?
        .into_iter()
        .min_by_key(|&(d, i)| (Reverse(d), i));
    let mut is_candidate = vec![false; n];
    for &c in candidates {
        is_candidate[c as usize] = true;
    }
    let ratio = |d: u32, i: u32| crate::total::Total(d as f64 / costs[i as usize]);
    let mut covered = vec![false; rr.len()];
    let (mut seeds, mut count, mut left) = (Vec::new(), 0u64, budget);
    let (mut upper, mut next_bound) = (f64::INFINITY, 0usize);
    loop {
        if seeds.len() >= next_bound {
            upper = upper
                .min(count as f64 + fractional(ctx, &owned, &mine, candidates, costs, budget)?);
            next_bound = (next_bound * 2).max(1);
        }
        let local = mine
            .iter()
            .map(|&i| (cov(&owned, i), i))
            .filter(|&(d, i)| d > 0 && costs[i as usize] <= left)
            .min_by_key(|&(d, i)| (Reverse(ratio(d, i)), i));
        let Some((_, i)) = gather(ctx, local.into_iter().collect())?
            .into_iter()
            .min_by_key(|&(d, i)| (Reverse(ratio(d, i)), i))
        else {
            break;
        };
        left -= costs[i as usize];
        let v = candidates[i as usize];
        seeds.push(v);
        count += mark_pick(ctx, &mut owned, &index, rr, &is_candidate, &mut covered, v)?;
    }
    upper = upper.min(count as f64 + fractional(ctx, &owned, &mine, candidates, costs, budget)?);
    let (seeds, best) = match best_single {
        Some((d, i)) if d as u64 > count => (vec![candidates[i as usize]], d as u64),
        _ => (seeds, count),
    };
    // The better of the two reaches (1 - 1/e)/2 of the optimum coverage.
    upper = upper.min(best as f64 / KNAPSACK_RATIO);
    Ok(Cover { seeds, upper })
}

/// Fractional knapsack of the current coverages over every worker's candidates: an upper
/// bound on what any set of cost at most `budget` adds (one superstep).
fn fractional(
    ctx: &mut Ctx<'_>,
    owned: &Owned,
    mine: &[u32],
    candidates: &[u32],
    costs: &[f64],
    budget: f64,
) -> Result<f64, DistributedError> {
    let local: Vec<(u32, u32)> = mine
        .iter()
        .map(|&i| (owned.coverage[candidates[i as usize] as usize], i))
        .filter(|&(d, i)| d > 0 && costs[i as usize] <= budget)
        .collect();
    let mut order = gather(ctx, local)?;
    order.sort_unstable_by(|&(da, a), &(db, b)| {
        let ra = da as f64 / costs[a as usize];
        let rb = db as f64 / costs[b as usize];
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    let mut left = budget;
    let mut value = 0.0;
    for (d, i) in order {
        let (d, c) = (d as f64, costs[i as usize]);
        if c <= left {
            left -= c;
            value += d;
        } else {
            value += d * left / c;
            break;
        }
    }
    Ok(value)
}
