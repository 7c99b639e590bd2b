//! RR-set seed selection on a cluster: the rounds of [`Opim::run`] with the RR sets spread
//! over the workers and the graph replicated.

use std::sync::Arc;

use super::cover::{Ctx, greedy_k};
use super::exchange::Exchanger;
use super::knapsack::greedy_knapsack;
use super::runtime::in_pool;
use super::{DistributedError, Runtime};
use crate::diffusion::{
    Budget, Instance, Opim, OwnedOpim, Prepared, RR_CHUNK, RrCollection, Schedule, SeedSelection,
    SocialGraph, certify, tag,
};

/// Selects seeds as [`Opim::run`] does, on the workers of `runtime` (one thread, threads, or
/// processes; every process calls this with the same graph and options).
///
/// # Returns
/// On process 0, `Some` selection: **the same as `opim.run(&graph)`**, field for field, on
/// any number of threads and processes (RR-set chunk `c` comes from the stream keyed by
/// `(seed, c)` wherever it is sampled; greedy's picks and the stopping test use the summed
/// integer counts). Other processes return `None`. A [final
/// estimate](Opim::final_estimate), if asked for, runs on process 0's first worker after the
/// selection.
///
/// # Errors
/// The errors of [`Opim::run`] (as [`DistributedError::Diffusion`]); the failures of a
/// cluster (see [`DistributedError`]).
///
/// # Complexity
/// Sampling as in one process, divided over the `P` workers; per round, each worker builds
/// the inverted index of its own sets, and each of the `k` picks takes two supersteps whose
/// messages are the `k` largest coverages of each owner and the sparse changes of coverage.
///
/// # Example
/// ```
/// use std::sync::Arc;
/// use fanzha::diffusion::{chung_lu, Opim, Probability};
/// use fanzha::distributed::{Runtime, select_seeds};
///
/// let g = Arc::new(chung_lu(2_000, 10_000, 2.5, Probability::WeightedCascade, 7).unwrap());
/// let opim = Opim::new(5).epsilon(0.3).seed(1);
/// let two = select_seeds(&Runtime::threads(2), Arc::clone(&g), &opim).unwrap();
/// assert_eq!(two, Some(opim.run(&g).unwrap()));
/// ```
pub fn select_seeds(
    runtime: &Runtime,
    graph: Arc<SocialGraph>,
    opim: &Opim<'_>,
) -> Result<Option<SeedSelection>, DistributedError> {
    let owned = OwnedOpim::new(opim);
    let rt = runtime.clone();
    let results = runtime.run(move |worker, watchdog| {
        let ex = Exchanger::new(worker);
        let mut ctx = Ctx {
            worker,
            ex,
            watchdog: *watchdog,
            pool: rt.pool()?,
        };
        let opim = owned.get();
        let first = ctx.ex.index() == 0;
        let selection = match opim.prepare(&graph)? {
            Prepared::Done(selection) => selection,
            Prepared::Sample(inst, schedule) => {
                let selection = sample(&mut ctx, &opim, &inst, &schedule)?;
                if !first {
                    return Ok(None);
                }
                opim.estimate(&graph, selection)?
            }
        };
        Ok(first.then_some(selection))
    })?;
    Ok(results.into_iter().flatten().next())
}

/// The doubling rounds of `Opim::sample`, with this worker's share of the RR sets.
fn sample(
    ctx: &mut Ctx<'_>,
    opim: &Opim<'_>,
    inst: &Instance<'_>,
    schedule: &Schedule,
) -> Result<SeedSelection, DistributedError> {
    let (graph, n) = (inst.graph, inst.graph.node_count());
    let (me, peers) = (ctx.ex.index(), ctx.ex.peers());
    let (model, seed, cap) = (opim.diffusion_model(), opim.random_seed(), opim.rr_cap());
    let mut r1 = RrCollection::new(seed, tag::RR_SELECT);
    let mut r2 = RrCollection::new(seed, tag::RR_VALIDATE);
    let mut chunks = 0usize;
    let mut in_set = vec![false; n];
    let mut theta = schedule.theta_0.ceil() as usize;
    let mut number = 0;
    loop {
        number += 1;
        theta = theta.min(cap);
        let want = theta.div_ceil(RR_CHUNK);
        if want > chunks {
            let mine: Vec<usize> = (chunks..want).filter(|c| c % peers == me).collect();
            in_pool(ctx.pool.as_deref(), || {
                r1.grow_chunks(graph, model, &inst.roots, &mine);
                r2.grow_chunks(graph, model, &inst.roots, &mine);
            });
            chunks = want;
        }
        let r1_len = chunks * RR_CHUNK;
        let cover = match opim.budget() {
            Budget::Seeds(k) => {
                greedy_k(ctx, &r1, n, &inst.candidates, k.min(inst.candidates.len()))?
            }
            Budget::Knapsack { costs, budget } => {
                greedy_knapsack(ctx, &r1, n, &inst.candidates, costs, budget)?
            }
        };
        mark(&mut in_set, &cover.seeds, true);
        let local = in_pool(ctx.pool.as_deref(), || r2.coverage(&in_set)) as u64;
        mark(&mut in_set, &cover.seeds, false);
        let cov2 = ctx.sum(vec![local])?[0] as f64;
        let round = certify(number, cover, cov2, r1_len, cap, schedule.a);
        let done = round.certified >= schedule.target
            || number >= schedule.rounds_max
            || round.capped
            || (r1_len as f64) >= schedule.theta_max;
        if done {
            mark(&mut in_set, &round.seeds, true);
            let local: Vec<u64> = r2
                .coverage_by_root_segment(graph, &in_set)
                .into_iter()
                .map(|c| c as u64)
                .collect();
            let by_segment: Vec<usize> = ctx.sum(local)?.into_iter().map(|c| c as usize).collect();
            return Ok(opim.finish_counts(inst, round, r1_len, &by_segment, schedule.target));
        }
        theta = r1_len * 2;
    }
}

/// Sets `in_set[s]` to `value` for every seed `s`.
fn mark(in_set: &mut [bool], seeds: &[u32], value: bool) {
    for &s in seeds {
        in_set[s as usize] = value;
    }
}
