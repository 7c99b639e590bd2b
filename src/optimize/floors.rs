//! Meeting fairness floors first, at least cost: a covering greedy shared by the strategies.

use super::state::State;
use crate::error::Error;
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
/// [`Error::FloorShortfall`] naming the first floor that cannot be met within the resources.
pub(crate) fn meet_floors(state: &mut State<'_>) -> Result<(), Error> {
    let p = state.problem;
    if p.floors.is_empty() {
        return Ok(());
    }
    let n_f = p.threats.len();
    // For each arm, the floors it helps: (floor index, absorbed exposure per unit).
    let mut helps: Vec<Vec<(usize, f64)>> = vec![Vec::new(); p.arms.len()];
    for (j, fl) in p.floors.iter().enumerate() {
        let c = fl.segment * n_f + fl.threat;
        for (a, arm) in p.arms.iter().enumerate() {
            if let Some(&(_, coef)) = arm.absorbed.iter().find(|(cc, _)| *cc == c) {
                helps[a].push((j, coef));
            }
        }
    }
    let missing = |state: &State<'_>, j: usize| -> f64 {
        let fl = &p.floors[j];
        (fl.exposure - state.absorbed[fl.segment * n_f + fl.threat]).max(0.0)
    };
    loop {
        let unmet: Vec<usize> = (0..p.floors.len())
            .filter(|&j| missing(state, j) > 1e-12 * p.floors[j].exposure.max(1.0))
            .collect();
        if unmet.is_empty() {
            return Ok(());
        }
        let mut best: Option<(f64, usize, u64)> = None;
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
                .map(|&(j, coef)| ((missing(state, j) / coef).ceil() as u64).clamp(1, tmax))
                .collect();
            sizes.push(tmax);
            for t in sizes {
                let progress: f64 = list
                    .iter()
                    .filter(|(j, _)| unmet.contains(j))
                    .map(|&(j, coef)| {
                        (t as f64 * coef).min(missing(state, j)) / p.floors[j].exposure
                    })
                    .sum();
                let c = cost.at(t);
                let score = if c > 0.0 { progress / c } else { f64::INFINITY };
                let better = match best {
                    None => true,
                    Some((s, _, bt)) => score > s || (score == s && t < bt),
                };
                if better && progress > 0.0 {
                    best = Some((score, a, t));
                }
            }
        }
        match best {
            Some((_, a, t)) => state.add(a, t),
            None => {
                let j = unmet[0];
                let fl = &p.floors[j];
                let c = fl.segment * n_f + fl.threat;
                let cell = &p.cells[c];
                return Err(Error::FloorShortfall {
                    segment: p.segments[fl.segment].id.clone(),
                    threat: p.threats[fl.threat].id.clone(),
                    required: fl.min_reduction,
                    achieved: response::reduction(cell.ceiling, cell.scale, state.absorbed[c]),
                });
            }
        }
    }
}
