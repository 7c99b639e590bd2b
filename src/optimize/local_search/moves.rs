//! The whole-plan moves of [`LocalSearch`](super::LocalSearch): close a placement or message,
//! ruin and recreate, open an unused item. Each costs a greedy refill.

use rand::seq::SliceRandom;

use super::{BINDING_SHARE, OPEN_CANDIDATES, Search};
use crate::core::{MessageId, PlacementId};
use crate::optimize::floors::meet_floors;
use crate::optimize::state::State;

impl<'p> Search<'p> {
    /// Tries to close each open placement and each used message: remove its units, meet the
    /// floors again if needed, refill with the greedy.
    pub(super) fn close_pass(&mut self) -> bool {
        let p = self.state.problem;
        let mut items: Vec<(bool, usize)> = (0..p.placements().len())
            .filter(|&k| self.state.placement_units[k] > 0)
            .map(|k| (true, k))
            .chain(
                (0..p.messages().len())
                    .filter(|&m| self.state.message_used[m])
                    .map(|m| (false, m)),
            )
            .collect();
        items.shuffle(&mut self.rng);
        let mut improved = false;
        for (is_placement, i) in items {
            let arms = arms_of(&self.state, is_placement, i);
            if arms.iter().all(|&a| self.state.units[a] == 0) {
                continue;
            }
            let mut trial = self.state.clone();
            for &a in &arms {
                trial.remove(a, trial.units[a]);
                trial.blocked[a] = true;
            }
            if meet_floors(&mut trial).is_err() {
                continue;
            }
            self.refill.maximise(&mut trial);
            for &a in &arms {
                trial.blocked[a] = false;
            }
            improved |= self.consider(trial);
        }
        improved
    }

    /// Removes a share `theta` of the units of every arm (keeping at least one, so no fixed
    /// cost is refunded), then meets the floors again.
    pub(super) fn shrink(trial: &mut State<'p>, theta: f64) -> bool {
        // One batch: the remaining shares are recomputed once per cell, not once per entry.
        let removals: Vec<(usize, u64)> = trial
            .units
            .iter()
            .enumerate()
            .filter(|&(_, &u)| u > 1)
            .map(|(a, &u)| (a, ((u as f64 * theta) as u64).min(u - 1)))
            .collect();
        trial.remove_each(removals);
        meet_floors(trial).is_ok()
    }

    /// Ruin and recreate: shrink every arm and let the greedy refill, under each weighting.
    pub(super) fn lns_pass(&mut self) -> bool {
        let mut improved = false;
        let masks = [self.state.binding(BINDING_SHARE), self.state.all_limited()];
        for theta in [0.1, 0.3, 0.6] {
            for mask in &masks {
                let mut trial = self.state.clone();
                if !Self::shrink(&mut trial, theta) {
                    continue;
                }
                trial.set_mask(mask);
                self.refill.maximise(&mut trial);
                trial.set_mask(&masks[0]);
                improved |= self.consider(trial);
            }
        }
        improved
    }

    /// Opens each unused message and unopened placement (the most promising first): shrink
    /// every arm, put one unit on the item's best arm, let the greedy refill.
    pub(super) fn open_pass(&mut self) -> bool {
        let p = self.state.problem;
        let s = &self.state;
        let mut items: Vec<(f64, bool, usize)> = Vec::new();
        for k in 0..p.placements().len() {
            if s.placement_units[k] == 0
                && let Some((r, _)) = best_unit_return(s, &arms_of(s, true, k), false)
            {
                items.push((r, true, k));
            }
        }
        for m in 0..p.messages().len() {
            if !s.message_used[m]
                && let Some((r, _)) = best_unit_return(s, &arms_of(s, false, m), false)
            {
                items.push((r, false, m));
            }
        }
        items.sort_by(|x, y| y.0.total_cmp(&x.0));
        items.truncate(OPEN_CANDIDATES);
        let mut improved = false;
        for (_, is_placement, i) in items {
            for theta in [0.05, 0.15, 0.4] {
                let mut trial = self.state.clone();
                if !Self::shrink(&mut trial, theta) {
                    continue;
                }
                let arms = arms_of(&trial, is_placement, i);
                let Some((_, b)) = best_unit_return(&trial, &arms, true) else {
                    continue;
                };
                trial.add(b, 1);
                self.refill.maximise(&mut trial);
                if self.consider(trial) {
                    improved = true;
                    break;
                }
            }
        }
        improved
    }
}

/// The arms of placement `i` (`is_placement`) or message `i`.
fn arms_of(state: &State<'_>, is_placement: bool, i: usize) -> Vec<usize> {
    let p = state.problem;
    let arms = if is_placement {
        p.arms_of_placement(PlacementId::new(i))
    } else {
        p.arms_of_message(MessageId::new(i))
    };
    arms.iter().map(|a| a.index()).collect()
}

/// The arm among `arms` whose first unit gains most per normalised unit cost (smallest index
/// on ties), with that return; only arms that can take a unit when `affordable`.
fn best_unit_return(state: &State<'_>, arms: &[usize], affordable: bool) -> Option<(f64, usize)> {
    arms.iter()
        .filter(|&&b| !affordable || state.max_units(b) > 0)
        .filter_map(|&b| {
            let cost = state.step_cost(b);
            let g = state.gain(b, 1);
            let r = if cost.per_unit > 0.0 {
                g / cost.per_unit
            } else {
                f64::INFINITY
            };
            (affordable || g > 0.0).then_some((r, b))
        })
        .max_by(|x, y| x.0.total_cmp(&y.0).then(y.1.cmp(&x.1)))
}
