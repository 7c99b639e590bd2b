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

/// `greedy+ls`, then the relaxation's allocation of its open set, rounded: the strategy
/// `reallocate`.
///
/// Starts from `greedy+ls` ([`GreedyLocalSearch`]) and repeats at most `rounds` times:
/// solve the continuous relaxation (the one behind [`bound`](super::bound())) with the
/// incumbent's open placements and messages paid in full and every other one closed, round
/// its units down to integers, re-meet the floors and let the greedy spend what rounding left
/// within the open set (optionally polished by `polish`, a [`LocalSearch`] whose close and
/// open moves may change the open set). A round's plan replaces the incumbent only when it
/// prevents more loss; the first round that does not stops the search. Rounding may leave an
/// item with no units, which closes it and frees its fixed cost for the next round.
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
/// open set's arms, see [`bound`](super::bound()); on a calendar problem, whose
/// interior-point program fills in, at most a dozen Frank-Wolfe linear programs from the
/// incumbent, as the calendar bound does, which stop within 0.2% of the bound: on Jurong's
/// 12- and 52-week calendars the round gives back `greedy+ls`'s plan) and one greedy
/// maximisation `G` (see [`Greedy`]),
/// plus the polish's [`LocalSearch`] run when set.
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
    /// Most relaxation rounds. Default 4.
    pub rounds: usize,
    /// The local search run on each round's rounded plan before it is compared (`None`:
    /// none). Default `None`: on province instances it costs about 1.5 s a round for 0.002%.
    pub polish: Option<LocalSearch>,
}

impl Default for Reallocate {
    fn default() -> Self {
        Reallocate {
            start: GreedyLocalSearch::default(),
            rounds: 4,
            polish: None,
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
        if !super::state::placement_sums_fit(problem, plan.units()) {
            return Ok(plan.clone());
        }
        let value =
            |p: &Plan| -> Result<f64, Error> { problem.value_of_exposure(&p.absorbed(problem)?) };
        let before = value(plan)?;
        let relaxation = Relaxation::new(problem);
        let mut best = plan.clone();
        let mut best_value = before;
        for _ in 0..self.rounds {
            let Some(mut trial) = reallocated(&relaxation, problem, &best) else {
                break;
            };
            if let Some(polish) = &self.polish {
                trial = polish.improve(problem, &trial)?;
            }
            let v = value(&trial)?;
            // Each round is checked on its own, so one bad round cannot cost the good ones.
            if v - best_value > 1e-12 * best_value.abs() && trial.check(problem).is_ok() {
                best = trial;
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
    let open: Vec<bool> = now.placement_units.iter().map(|&u| u > 0).collect();
    // A calendar problem's interior-point program fills in (minutes at 12 weeks): take the
    // point from Frank-Wolfe steps from the plan instead, as the calendar bound does.
    let start: Option<Vec<f64>> = problem
        .structure()
        .weeks
        .as_ref()
        .map(|_| plan.units().iter().map(|&u| u as f64).collect());
    let (_, s) = open_set_allocation(relaxation, (&open, &now.message_used), start.as_deref())?;
    Some(s.to_plan())
}

/// The relaxation with exactly the placements `open.0` and messages `open.1` paid (every
/// other one closed), from `start` as in [`Relaxation::solve_from`]: its certified bound over
/// the plans of that open set, and its point rounded down, floors re-met and refilled by the
/// greedy within the open set (arms outside it stay blocked in the returned state). `None`
/// when the relaxation finds no point or the floors cannot be met again.
pub(crate) fn open_set_allocation<'p>(
    relaxation: &Relaxation<'p>,
    open: (&[bool], &[bool]),
    start: Option<&[f64]>,
) -> Option<(f64, State<'p>)> {
    let problem = relaxation.problem();
    let charge = |open: bool| if open { Charge::Paid } else { Charge::Closed };
    let mut r = relaxation.root();
    for (c, &o) in r.placement.iter_mut().zip(open.0) {
        *c = charge(o);
    }
    for (c, &o) in r.message.iter_mut().zip(open.1) {
        *c = charge(o);
    }
    let Relaxed::Solved(point) = relaxation.solve_from(&r, start) else {
        return None;
    };
    let mut s = State::new(problem);
    for (a, arm) in problem.arms().iter().enumerate() {
        s.blocked[a] = !open.0[arm.placement.index()] || !open.1[arm.message.index()];
    }
    for (a, &x) in point.units.iter().enumerate() {
        // `as` saturates: a NaN or negative coordinate gives 0 units.
        let t = (x.floor() as u64).min(s.max_units(a));
        s.add(a, t);
    }
    meet_floors(&mut s).ok()?;
    Greedy::default().maximise(&mut s);
    Some((point.value, s))
}

#[cfg(test)]
mod study {
    use super::Reallocate;
    use crate::generate::{self, Config};
    use crate::optimize::{GreedyLocalSearch, Improve, LocalSearch, Strategy};
    use crate::plan::Plan;
    use crate::problem::Problem;
    use std::time::Instant;

    fn value(p: &Problem, plan: &Plan) -> f64 {
        p.value_of_exposure(&plan.absorbed(p).unwrap()).unwrap()
    }

    /// Where the time and the gain of each round go (prefecture and province seeds 1-5):
    /// `cargo test --release --lib reallocate::study -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn rounds() {
        for (name, config) in [
            ("prefecture", Config::prefecture()),
            ("province", Config::province()),
        ] {
            for seed in 1..=5u64 {
                let problem = generate::scenario(&config, seed).compile().unwrap();
                let t = Instant::now();
                let plan = GreedyLocalSearch::default().plan(&problem).unwrap();
                let v = value(&problem, &plan);
                let mut line = format!(
                    "{name} {seed}: greedy+ls {v:.0} {:.2}s",
                    t.elapsed().as_secs_f64()
                );
                for polish in [None, Some(LocalSearch::default())] {
                    let r = Reallocate {
                        polish,
                        ..Reallocate::default()
                    };
                    let t = Instant::now();
                    let q = r.improve(&problem, &plan).unwrap();
                    line += &format!(
                        " | {} {:+.3}% {:.2}s",
                        if r.polish.is_some() {
                            "polished"
                        } else {
                            "rounded"
                        },
                        100.0 * (value(&problem, &q) / v - 1.0),
                        t.elapsed().as_secs_f64()
                    );
                }
                println!("{line}");
            }
        }
    }
}
