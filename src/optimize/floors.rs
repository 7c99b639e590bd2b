//! Meeting fairness floors first, at least cost: a covering greedy shared by the strategies.

use super::state::State;
use crate::core::{ArmId, floor_met};
use crate::error::{Error, Item};
use crate::problem::Problem;
use crate::response;

/// Adds units to `state` until every floor of its problem is met.
///
/// Each step picks the arm and the number of units with the most floor progress per
/// normalised cost, where progress is the sum over unmet floors of the share of the missing
/// exposure the step covers. The candidate sizes for an arm are the units that exactly close
/// each unmet floor it helps, and the most it can afford, so every step either closes a floor
/// or exhausts an arm: at most `floors + arms` steps.
///
/// # Errors
///
/// [`Error::FloorShortfall`] naming the unmet floor furthest from its target when no arm that
/// helps an unmet floor fits the remaining resources. The covering rule is a heuristic: it may
/// fail where a cleverer plan would meet every floor.
pub(crate) fn meet_floors(state: &mut State<'_>) -> Result<(), Error> {
    meet_floors_by(state, FloorRule::Progress)
}

/// How the covering greedy ranks the steps that help an unmet floor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FloorRule {
    /// Most floor progress per normalised cost: the cheapest way to meet the floors.
    Progress,
    /// Most prevented loss per normalised cost among the steps that make floor progress
    /// (ties and valueless steps by progress): meets the floors with units worth buying anyway.
    Value,
}

/// [`meet_floors`] with a choice of ranking rule.
pub(crate) fn meet_floors_by(state: &mut State<'_>, rule: FloorRule) -> Result<(), Error> {
    if state.problem.floors().is_empty() {
        return Ok(());
    }
    let cover = Cover::new(state.problem);
    loop {
        let unmet: Vec<usize> = (0..cover.exposure.len())
            .filter(|&j| !cover.met(state, j))
            .collect();
        if unmet.is_empty() {
            return Ok(());
        }
        match cover.best_step(state, &unmet, rule) {
            Some((a, t)) => state.add(a, t),
            None => return Err(cover.shortfall(state, &unmet)),
        }
    }
}

/// The floors of a problem as a covering problem: the exposure each needs and the floors
/// each arm helps.
struct Cover<'p> {
    problem: &'p Problem,
    /// Absorbed exposure that meets each floor.
    exposure: Vec<f64>,
    /// For each arm, the floors it helps: (floor index, absorbed exposure per unit).
    helps: Vec<Vec<(usize, f64)>>,
}

impl<'p> Cover<'p> {
    fn new(p: &'p Problem) -> Self {
        let floors = p.floors();
        let mut floor_of_cell = vec![usize::MAX; p.cells().len()];
        for (j, fl) in floors.iter().enumerate() {
            floor_of_cell[fl.cell.index()] = j;
        }
        let helps = ArmId::range(p.arms().len())
            .map(|a| {
                p.absorbed(a)
                    .filter(|&(c, _)| floor_of_cell[c.index()] != usize::MAX)
                    .map(|(c, coef)| (floor_of_cell[c.index()], coef))
                    .collect()
            })
            .collect();
        Cover {
            problem: p,
            exposure: (0..floors.len()).map(|j| p.floor_exposure(j)).collect(),
            helps,
        }
    }

    /// Exposure floor `j` still misses.
    fn missing(&self, state: &State<'_>, j: usize) -> f64 {
        let c = self.problem.floors()[j].cell.index();
        (self.exposure[j] - state.absorbed[c]).max(0.0)
    }

    /// Whether floor `j` is met, as [`Plan::violations`](crate::Plan::violations) judges it.
    fn met(&self, state: &State<'_>, j: usize) -> bool {
        let p = self.problem;
        let c = p.floors()[j].cell.index();
        let cell = &p.cells()[c];
        floor_met(
            response::reduction(cell.ceiling, cell.scale, state.absorbed[c]),
            p.floor_level(j),
        )
    }

    /// The arm and number of units with the most merit per normalised cost among the steps
    /// that make progress on an unmet floor; `None` when no such step fits.
    fn best_step(
        &self,
        state: &State<'_>,
        unmet: &[usize],
        rule: FloorRule,
    ) -> Option<(usize, u64)> {
        let mut best: Option<((bool, f64), usize, u64)> = None;
        for (a, list) in self.helps.iter().enumerate() {
            let open = || list.iter().copied().filter(|(j, _)| unmet.contains(j));
            if open().next().is_none() {
                continue;
            }
            let tmax = state.max_units(a);
            if tmax == 0 {
                continue;
            }
            let cost = state.step_cost(a);
            for t in self.sizes(state, open(), tmax) {
                let progress: f64 = open()
                    .map(|(j, coef)| {
                        (t as f64 * coef).min(self.missing(state, j)) / self.exposure[j]
                    })
                    .sum();
                let c = cost.at(t);
                // Free steps first, by progress (so a free step takes only the units it
                // needs); then by merit per normalised cost.
                let score = if c > 0.0 {
                    let merit = match rule {
                        FloorRule::Progress => progress,
                        // Value first; progress (at most the number of floors) breaks ties.
                        FloorRule::Value => state.gain(a, t) + progress * 1e-9,
                    };
                    (false, merit / c)
                } else {
                    (true, progress)
                };
                let better = match best {
                    None => true,
                    Some((s, _, bt)) => {
                        score.0.cmp(&s.0).then(score.1.total_cmp(&s.1)).is_gt()
                            || (score == s && t < bt)
                    }
                };
                if better && progress > 0.0 {
                    best = Some((score, a, t));
                }
            }
        }
        best.map(|(_, a, t)| (a, t))
    }

    /// Candidate sizes of a step on an arm helping the unmet floors `open`: the units that
    /// exactly close each, and the most it can afford.
    fn sizes(
        &self,
        state: &State<'_>,
        open: impl Iterator<Item = (usize, f64)>,
        tmax: u64,
    ) -> Vec<u64> {
        let mut sizes: Vec<u64> = open
            .map(|(j, coef)| {
                let missing = self.missing(state, j);
                // Round up, plus one unit of slack against rounding in the exposure sum.
                let t = (missing / coef).ceil();
                let t = if t * coef < missing { t + 1.0 } else { t };
                (t.min(u64::MAX as f64) as u64).clamp(1, tmax)
            })
            .collect();
        sizes.push(tmax);
        sizes
    }

    /// The error naming the unmet floor furthest from its target.
    fn shortfall(&self, state: &State<'_>, unmet: &[usize]) -> Error {
        let p = self.problem;
        let share = |j: usize| self.missing(state, j) / self.exposure[j].max(1e-300);
        let j = unmet
            .iter()
            .copied()
            .max_by(|&a, &b| share(a).total_cmp(&share(b)).then(b.cmp(&a)))
            .expect("unmet is not empty");
        let fl = &p.floors()[j];
        let cell = &p.cells()[fl.cell.index()];
        Error::FloorShortfall {
            item: Item::at("floor", fl.entry),
            unmet: unmet.len(),
            segment: p.segments()[fl.segment.index()].id.clone(),
            threat: p.threats()[fl.threat.index()].id.clone(),
            required: p.floor_level(j),
            achieved: response::reduction(
                cell.ceiling,
                cell.scale,
                state.absorbed[fl.cell.index()],
            ),
        }
    }
}
