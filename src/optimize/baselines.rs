//! Baselines: today's untargeted practice, to measure what targeting adds.

use super::Strategy;
use super::floors::meet_floors;
use super::state::State;
use crate::error::Error;
use crate::plan::{Plan, exceeds};
use crate::problem::Problem;

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
        let mut per_channel = vec![0usize; problem.channels.len()];
        for arm in &problem.arms {
            per_channel[problem.placements[arm.placement].channel] += 1;
        }
        let channels = per_channel.iter().filter(|n| **n > 0).count().max(1) as f64;
        let weights: Vec<f64> = problem
            .arms
            .iter()
            .map(|arm| {
                let c = problem.placements[arm.placement].channel;
                1.0 / (channels * per_channel[c] as f64)
            })
            .collect();
        spread(problem, &weights)
    }
}

impl Strategy for PopulationProportional {
    fn name(&self) -> &str {
        "population"
    }

    fn plan(&self, problem: &Problem) -> Result<Plan, Error> {
        let n_f = problem.threats.len();
        let n_s = problem.segments.len();
        let total: f64 = problem.segments.iter().map(|s| s.population).sum();
        // Arms that act on each segment.
        let mut acting: Vec<Vec<usize>> = vec![Vec::new(); n_s];
        for (a, arm) in problem.arms.iter().enumerate() {
            let mut segs: Vec<usize> = arm.absorbed.iter().map(|&(c, _)| c / n_f).collect();
            segs.dedup();
            for s in segs {
                acting[s].push(a);
            }
        }
        let mut weights = vec![0.0; problem.arms.len()];
        if total > 0.0 {
            for (s, arms) in acting.iter().enumerate() {
                let share = problem.segments[s].population / total / arms.len().max(1) as f64;
                for &a in arms {
                    weights[a] += share;
                }
            }
        }
        spread(problem, &weights)
    }
}

/// Meets the floors, then spreads the remaining resources over arms in proportion to
/// `weights` (money shares).
///
/// Arm `a` gets `floor(lambda * w_a / unit_cost)` units (a free unit counts as costing 1),
/// scaled down proportionally where a placement's arms exceed its capacity; `lambda` is the
/// largest scale at which the whole plan, fixed costs included, respects every limit (found by
/// bisection: units only grow with `lambda`, so feasibility is monotone). With no limit at all,
/// every placement is filled.
///
/// # Errors
///
/// [`Error::FloorShortfall`] if the floors cannot be met; [`Error::Mismatch`] if `weights` does
/// not have one entry per arm or has a negative or non-finite entry.
pub fn spread(problem: &Problem, weights: &[f64]) -> Result<Plan, Error> {
    if weights.len() != problem.arms.len() || weights.iter().any(|w| !(w.is_finite() && *w >= 0.0))
    {
        return Err(Error::Mismatch(format!(
            "spread needs one finite, non-negative weight per arm ({}), got {} weights",
            problem.arms.len(),
            weights.len()
        )));
    }
    let mut state = State::new(problem);
    meet_floors(&mut state)?;
    let base_units = state.units.clone();
    let base_placement = state.placement_units.clone();

    let units_at = |lambda: f64| -> Vec<u64> {
        let mut extra: Vec<f64> = problem
            .arms
            .iter()
            .zip(weights)
            .map(|(arm, w)| {
                let u = problem.placements[arm.placement].unit_cost;
                let per = if u > 0.0 { u } else { 1.0 };
                (lambda * w / per).floor().min(1e18)
            })
            .collect();
        for (k, p) in problem.placements.iter().enumerate() {
            let room = p.capacity.saturating_sub(base_placement[k]) as f64;
            let want: f64 = problem.arms_of_placement(k).iter().map(|&a| extra[a]).sum();
            if want > room {
                for &a in problem.arms_of_placement(k) {
                    extra[a] = (extra[a] * room / want).floor();
                }
            }
        }
        base_units
            .iter()
            .zip(extra)
            .map(|(&b, e)| b.saturating_add(e.min(u64::MAX as f64) as u64))
            .collect()
    };
    let feasible = |units: &[u64]| -> bool {
        let plan = Plan::from_units(problem, units.to_vec()).expect("one entry per arm");
        let usage = plan.usage(problem).expect("plan made for this problem");
        let over = |used: f64, limit: Option<f64>| limit.is_some_and(|l| exceeds(used, l));
        !over(usage.money, problem.money)
            && !over(usage.staff_hours, problem.staff_hours)
            && problem.departments.iter().enumerate().all(|(d, dept)| {
                !over(usage.department_money[d], dept.money)
                    && !over(usage.department_hours[d], dept.staff_hours)
            })
    };

    // Grow the upper end until infeasible or everything is at capacity.
    let mut lo = 0.0f64;
    let mut hi = 1.0f64;
    let full = |units: &[u64]| units == units_at(f64::MAX / 4.0).as_slice();
    loop {
        let u = units_at(hi);
        if !feasible(&u) {
            break;
        }
        lo = hi;
        if full(&u) || hi > 1e300 {
            return Plan::from_units(problem, u);
        }
        hi *= 2.0;
    }
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if feasible(&units_at(mid)) {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= 1e-12 * hi {
            break;
        }
    }
    Plan::from_units(problem, units_at(lo))
}
