//! Meeting fairness floors first, at least cost: a covering greedy shared by the strategies.

use super::state::State;
use crate::core::{ArmId, floor_met};
use crate::error::{Error, Item};
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
    let p = state.problem;
    let floors = p.floors();
    if floors.is_empty() {
        return Ok(());
    }
    let exposure: Vec<f64> = (0..floors.len()).map(|j| p.floor_exposure(j)).collect();
    let missing = |state: &State<'_>, j: usize| -> f64 {
        (exposure[j] - state.absorbed[floors[j].cell.index()]).max(0.0)
    };
    // Met means met as `Plan::violations` judges it.
    let met = |state: &State<'_>, j: usize| -> bool {
        let c = floors[j].cell.index();
        let cell = &p.cells()[c];
        floor_met(
            response::reduction(cell.ceiling, cell.scale, state.absorbed[c]),
            p.floor_level(j),
        )
    };
    if (0..floors.len()).all(|j| met(state, j)) {
        return Ok(());
    }
    // For each arm, the floors it helps: (floor index, absorbed exposure per unit).
    let mut floor_of_cell = vec![usize::MAX; p.cells().len()];
    for (j, fl) in floors.iter().enumerate() {
        floor_of_cell[fl.cell.index()] = j;
    }
    let helps: Vec<Vec<(usize, f64)>> = ArmId::range(p.arms().len())
        .map(|a| {
            p.absorbed(a)
                .filter(|&(c, _)| floor_of_cell[c.index()] != usize::MAX)
                .map(|(c, coef)| (floor_of_cell[c.index()], coef))
                .collect()
        })
        .collect();
    loop {
        let unmet: Vec<usize> = (0..floors.len()).filter(|&j| !met(state, j)).collect();
        if unmet.is_empty() {
            return Ok(());
        }
        let mut best: Option<((bool, f64), usize, u64)> = None;
        for (a, list) in helps.iter().enumerate() {
            if !list.iter().any(|(j, _)| unmet.contains(j)) {
                continue;
            }
            let tmax = state.max_units(a);
            if tmax == 0 {
                continue;
            }
            let cost = state.step_cost(a);
            let mut sizes: Vec<u64> = list
                .iter()
                .filter(|(j, _)| unmet.contains(j))
                .map(|&(j, coef)| {
                    // Round up, plus one unit of slack against rounding in the exposure sum.
                    let t = (missing(state, j) / coef).ceil();
                    let t = if t * coef < missing(state, j) {
                        t + 1.0
                    } else {
                        t
                    };
                    (t.min(u64::MAX as f64) as u64).clamp(1, tmax)
                })
                .collect();
            sizes.push(tmax);
            for t in sizes {
                let progress: f64 = list
                    .iter()
                    .filter(|(j, _)| unmet.contains(j))
                    .map(|&(j, coef)| (t as f64 * coef).min(missing(state, j)) / exposure[j])
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
        match best {
            Some((_, a, t)) => state.add(a, t),
            None => {
                // No arm can help any unmet floor: report the one furthest from its target.
                let j = unmet
                    .iter()
                    .copied()
                    .max_by(|&a, &b| {
                        let share = |j: usize| missing(state, j) / exposure[j].max(1e-300);
                        share(a).total_cmp(&share(b)).then(b.cmp(&a))
                    })
                    .expect("unmet is not empty");
                let fl = &floors[j];
                let cell = &p.cells()[fl.cell.index()];
                return Err(Error::FloorShortfall {
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
                });
            }
        }
    }
}
