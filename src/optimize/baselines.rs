//! Baselines: today's untargeted practice, to measure what targeting adds.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::Strategy;
use super::floors::meet_floors;
use super::state::State;
use crate::error::Error;
use crate::plan::Plan;
use crate::problem::Problem;
use crate::total::Total;

/// Today's practice ("刷屏"): equal money for every channel, and within a channel every
/// compatible message on every placement gets an equal share. No targeting by risk or appeal.
///
/// Floors are met first (as [`Greedy`](crate::Greedy) does), so the comparison is at equal
/// obligations; the rest of the resources is spread by [`spread`]'s rule.
///
/// # Example
///
/// ```
/// use fanzha::{scenarios, Blanket, Strategy};
///
/// let problem = scenarios::jurong_2023().compile()?;
/// let plan = Blanket.plan(&problem)?;
/// plan.check(&problem)?;
/// # Ok::<(), fanzha::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Blanket;

/// Money in proportion to population: each segment's population share of the money is split
/// evenly over the arms whose message appeals to it and whose placement reaches it. Targets
/// people, not risk.
///
/// Floors are met first; the rest is spread by [`spread`]'s rule.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PopulationProportional;

impl Strategy for Blanket {
    fn name(&self) -> &str {
        "blanket"
    }

    fn plan(&self, problem: &Problem) -> Result<Plan, Error> {
        let mut per_channel = vec![0usize; problem.channels().len()];
        let channel =
            |arm: &crate::problem::Arm| problem.placements()[arm.placement.index()].channel.index();
        for arm in problem.arms() {
            per_channel[channel(arm)] += 1;
        }
        let channels = per_channel.iter().filter(|n| **n > 0).count().max(1) as f64;
        let weights: Vec<f64> = problem
            .arms()
            .iter()
            .map(|arm| 1.0 / (channels * per_channel[channel(arm)] as f64))
            .collect();
        spread(problem, &weights)
    }
}

impl Strategy for PopulationProportional {
    fn name(&self) -> &str {
        "population"
    }

    fn plan(&self, problem: &Problem) -> Result<Plan, Error> {
        let n_f = problem.threats().len();
        let n_s = problem.segments().len();
        let population = &problem.parameters().population;
        let total: f64 = population.iter().sum();
        // Arms that act on each segment.
        let mut acting: Vec<Vec<usize>> = vec![Vec::new(); n_s];
        for (a, arm) in problem.arms().iter().enumerate() {
            let mut segs: Vec<usize> = arm.cells.iter().map(|c| c.split(n_f).0.index()).collect();
            segs.dedup();
            for s in segs {
                acting[s].push(a);
            }
        }
        let mut weights = vec![0.0; problem.arms().len()];
        if total > 0.0 {
            for (s, arms) in acting.iter().enumerate() {
                let share = population[s] / total / arms.len().max(1) as f64;
                for &a in arms {
                    weights[a] += share;
                }
            }
        }
        spread(problem, &weights)
    }
}

/// Meets the floors, then spreads the remaining resources over arms in proportion to
/// `weights` (money shares), by water-filling.
///
/// Each arm's *level* is the money put on it beyond the floors divided by its weight (a free
/// unit counts as costing 1). The arm with the lowest level gets units until it passes the
/// next-lowest level (at least one unit, and at least 1% of what it has, so capacities of
/// millions of units take few steps); an arm that cannot afford its next unit (money, staff
/// hours, its department's limits or its capacity) is frozen, and the others go on. So the
/// whole budget is spent, in the given proportions as long as no limit binds, and arms of a
/// department that runs out stop while the rest continue. Arms with weight 0 get nothing.
///
/// # Errors
///
/// [`Error::FloorShortfall`] if the floors cannot be met; [`Error::Mismatch`] if `weights` does
/// not have one entry per arm; [`Error::InvalidParameter`] if one is negative or not finite.
///
/// # Complexity
///
/// `O(steps * (log arms + nnz_arm))`; each arm takes `O(log(capacity) / 0.01)` steps at most
/// beyond the interleaving with other arms.
pub fn spread(problem: &Problem, weights: &[f64]) -> Result<Plan, Error> {
    if weights.len() != problem.arms().len()
        || weights.iter().any(|w| !(w.is_finite() && *w >= 0.0))
    {
        if weights.len() != problem.arms().len() {
            return Err(Error::Mismatch {
                what: "spread weights",
                expected: problem.arms().len(),
                found: weights.len(),
            });
        }
        return Err(Error::InvalidParameter {
            parameter: "weights",
            problem: "must be finite and >= 0".into(),
        });
    }
    let mut state = State::new(problem);
    meet_floors(&mut state)?;
    let unit_money = |a: usize| {
        let u = problem.placement(problem.arms()[a].placement).unit_cost;
        if u > 0.0 { u } else { 1.0 }
    };
    // Min-heap on (level, arm); levels only grow, so no entry goes stale.
    let mut heap: BinaryHeap<Reverse<(Total, usize)>> = weights
        .iter()
        .enumerate()
        .filter(|(_, w)| **w > 0.0)
        .map(|(a, _)| Reverse((Total(0.0), a)))
        .collect();
    let mut extra = vec![0u64; problem.arms().len()];
    while let Some(Reverse((Total(level), a))) = heap.pop() {
        let tmax = state.max_units(a);
        if tmax == 0 {
            continue; // frozen: limits only tighten
        }
        let next = heap
            .peek()
            .map_or(f64::INFINITY, |Reverse((Total(l), _))| *l);
        let per = unit_money(a) / weights[a];
        let to_next = ((next - level) / per).ceil();
        let t = if to_next.is_finite() {
            (to_next.max(1.0) as u64).max(extra[a] / 100)
        } else {
            tmax
        }
        .min(tmax);
        state.add(a, t);
        extra[a] += t;
        heap.push(Reverse((Total(extra[a] as f64 * per), a)));
    }
    Ok(state.to_plan())
}
