//! Re-solving the allocation of a plan's open placements and messages with the relaxation.
//!
//! Measured on generated prefecture instances (1,000 arms; the ignored study
//! `lns::against_highs::compare` prints it): given `greedy+ls`'s own open placements and
//! messages, the relaxation with exactly those fixed charges paid (and every other item
//! closed) bounds the plans of that open set 0.18% (seed 1) and 0.19% (seed 3) above
//! `greedy+ls`'s plan, and its point rounded down and refilled by the greedy comes within
//! 0.02-0.03% of that bound. So `greedy+ls` loses mostly in how it spreads units over the
//! arms it has opened (money and staff hours both bind; the greedy ranks steps by one
//! weighted cost), not in which items it opens: the relaxation spreads them right.

use super::floors::meet_floors;
use super::greedy::Greedy;
use super::relaxation::{Charge, Relaxation, Relaxed};
use super::state::State;
use super::{GreedyLocalSearch, Improve, LocalSearch, Strategy};
use crate::error::Error;
use crate::plan::Plan;
use crate::problem::Problem;

/// `greedy+ls`, then the relaxation's allocation of its open set, rounded and polished: the
/// strategy `reallocate`.
///
/// Starts from `greedy+ls` ([`GreedyLocalSearch`]) and repeats at most `rounds` times:
/// solve the continuous relaxation (the one behind [`bound`](super::bound())) with the
/// incumbent's open placements and messages paid in full and every other one closed, round
/// its units down to integers, re-meet the floors, let the greedy spend what rounding left,
/// and polish the result with `polish` ([`LocalSearch`], whose close and open moves may
/// change the open set for the next round). A round's plan replaces the incumbent only when
/// it prevents more loss; the first round that does not stops the search.
///
/// # Guarantees
///
/// - Feasible (every constraint: money, staff hours, capacities, department limits,
///   floors): the rounded point keeps every limit by construction (units are added through
///   the incremental state, which never exceeds a limit), and the final plan is re-checked
///   from scratch.
/// - Never worse than its start: a round is kept only if strictly better.
/// - Deterministic: iteration limits only (the interior-point solver's and `rounds`), no
///   clock, no randomness beyond the seeded local search, no threads.
///
/// # Complexity
///
/// `greedy+ls`'s, plus per round one relaxation solve (an interior-point solve over the
/// open set's arms, see [`bound`](super::bound())), one greedy maximisation `G` (see
/// [`Greedy`]) and one [`LocalSearch`] run.
///
/// # Example
///
/// ```
/// use fanzha::{evaluate, scenarios, GreedyLocalSearch, Reallocate, Strategy};
///
/// let problem = scenarios::jurong_2023().compile()?;
/// let plan = Reallocate::default().plan(&problem)?;
/// plan.check(&problem)?;
/// let start = GreedyLocalSearch::default().plan(&problem)?;
/// let value = |p| evaluate(&problem, p).map(|o| o.prevented_loss);
/// assert!(value(&plan)? >= value(&start)?);
/// # Ok::<(), fanzha::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Reallocate {
    /// The start.
    pub start: GreedyLocalSearch,
    /// Most relaxation rounds. Default 3.
    pub rounds: usize,
    /// The polish after each round.
    pub polish: LocalSearch,
}

impl Default for Reallocate {
    fn default() -> Self {
        Reallocate {
            start: GreedyLocalSearch::default(),
            rounds: 3,
            polish: LocalSearch::default(),
        }
    }
}

impl Strategy for Reallocate {
    fn name(&self) -> &str {
        "reallocate"
    }

    fn plan(&self, problem: &Problem) -> Result<Plan, Error> {
        let start = self.start.plan(problem)?;
        self.improve(problem, &start)
    }
}

impl Improve for Reallocate {
    fn name(&self) -> &str {
        "reallocate"
    }

    /// A feasible plan at least as good as `plan`: the rounds from it.
    ///
    /// A plan whose units on one placement add up to more than `u64::MAX` is returned
    /// unchanged.
    ///
    /// # Errors
    ///
    /// As [`LocalSearch::improve`].
    fn improve(&self, problem: &Problem, plan: &Plan) -> Result<Plan, Error> {
        plan.check(problem)?;
        let mut per_placement = vec![0u64; problem.placements().len()];
        for (arm, &t) in plan.units().iter().enumerate() {
            let k = problem.arms()[arm].placement.index();
            match per_placement[k].checked_add(t) {
                Some(sum) => per_placement[k] = sum,
                None => return Ok(plan.clone()),
            }
        }
        let value =
            |p: &Plan| -> Result<f64, Error> { problem.value_of_exposure(&p.absorbed(problem)?) };
        let before = value(plan)?;
        let relaxation = Relaxation::new(problem);
        let mut best = plan.clone();
        let mut best_value = before;
        for _ in 0..self.rounds {
            let Some(rounded) = reallocated(&relaxation, problem, &best) else {
                break;
            };
            let polished = self.polish.improve(problem, &rounded)?;
            let v = value(&polished)?;
            if v - best_value > 1e-12 * best_value.abs() {
                best = polished;
                best_value = v;
            } else {
                break;
            }
        }
        if best.check(problem).is_ok() && value(&best)? >= before {
            Ok(best)
        } else {
            Ok(plan.clone())
        }
    }
}

/// The relaxation's allocation of `plan`'s open placements and messages, rounded down,
/// floors re-met, refilled by the greedy within the open set; `None` when the relaxation
/// finds no point or the floors cannot be met again.
fn reallocated(relaxation: &Relaxation<'_>, problem: &Problem, plan: &Plan) -> Option<Plan> {
    let now = State::with_units(problem, plan.units());
    let charge = |open: bool| if open { Charge::Paid } else { Charge::Closed };
    let mut r = relaxation.root();
    for (c, &u) in r.placement.iter_mut().zip(&now.placement_units) {
        *c = charge(u > 0);
    }
    for (c, &used) in r.message.iter_mut().zip(&now.message_used) {
        *c = charge(used);
    }
    let Relaxed::Solved(point) = relaxation.solve(&r) else {
        return None;
    };
    let mut s = State::new(problem);
    for (a, arm) in problem.arms().iter().enumerate() {
        s.blocked[a] = now.placement_units[arm.placement.index()] == 0
            || !now.message_used[arm.message.index()];
    }
    for (a, &x) in point.units.iter().enumerate() {
        // `as` saturates: a NaN or negative coordinate gives 0 units.
        let t = (x.floor() as u64).min(s.max_units(a));
        s.add(a, t);
    }
    meet_floors(&mut s).ok()?;
    Greedy::default().maximise(&mut s);
    Some(s.to_plan())
}
