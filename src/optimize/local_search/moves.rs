//! The whole-plan moves of [`LocalSearch`](super::LocalSearch): close a placement or message,
//! ruin and recreate, open an unused item. Each costs a greedy refill.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use rand::seq::SliceRandom;

use super::{BINDING_SHARE, OPEN_CANDIDATES, OPEN_GROW_CANDIDATES, Search};
use crate::core::{Measure, MessageId, PlacementId, ResourceId};
use crate::optimize::floors::meet_floors;
use crate::optimize::greedy::{best_ratio, curve_gain};
use crate::optimize::state::State;

/// Most removals one repair makes before it gives up.
const MAX_REPAIR_STEPS: usize = 4096;

/// Most batches an opening adds to the arms whose fixed costs it paid.
const GROW_STEPS: usize = 32;

/// Receivers whose batch did not pay after which the growing stops.
const GROW_FAILURES: usize = 3;

/// Least relative gain for which an opening made room for is kept: smaller gains steered
/// local search into worse local optima on generated instances (city-county seed 4).
const OPEN_GROW_GAIN: f64 = 2e-4;

/// Batch tolerance of those batches (coarser than the greedy's: each costs a repair).
const GROW_TOLERANCE: f64 = 0.1;

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
        // On Jurong's calendar (12 and 52 weeks) only the 40% shrink ever opened an item; the
        // two smaller ones cost a greedy refill per candidate each and found nothing (the study
        // `studies::flow`: same plans, about a fifth of the open pass's time saved).
        let thetas: &[f64] = if self.state.problem.structure().weeks.is_some() {
            &[0.4]
        } else {
            &[0.05, 0.15, 0.4]
        };
        self.open_pass_with(OPEN_CANDIDATES, thetas, OPEN_GROW_CANDIDATES)
    }

    /// [`open_pass`](Self::open_pass) over the best `candidates` unused items, shrinking by
    /// each of `thetas`, making room for the best `grow` of them.
    pub(super) fn open_pass_with(
        &mut self,
        candidates: usize,
        thetas: &[f64],
        grow: usize,
    ) -> bool {
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
        items.truncate(candidates);
        let mut improved = false;
        for (rank, (_, is_placement, i)) in items.into_iter().enumerate() {
            // Shrink everything, open the item's best arm with one unit, let the greedy
            // refill; failing that, make room for the greedy's opening step on that arm and
            // grow what its fixed costs paid for.
            let mut opened = false;
            for &theta in thetas {
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
                    opened = true;
                    break;
                }
            }
            if !opened
                && rank < grow
                && let Some((_, b)) =
                    best_unit_return(&self.state, &arms_of(&self.state, is_placement, i), false)
                && let Some(trial) = self.open_and_grow(b)
                && trial.value() > self.value * (1.0 + OPEN_GROW_GAIN)
            {
                opened = self.consider(trial);
            }
            improved |= opened;
        }
        improved
    }
}

/// The arms of placement `i` (`is_placement`) or message `i`.
pub(super) fn arms_of(state: &State<'_>, is_placement: bool, i: usize) -> Vec<usize> {
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
pub(super) fn best_unit_return(
    state: &State<'_>,
    arms: &[usize],
    affordable: bool,
) -> Option<(f64, usize)> {
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

/// The most units `b` can take as far as its placement's capacity and its per-week unit
/// limits go (money and hours aside: a repair makes room for those); with `free`, within what
/// the other arms leave of those unit limits, else within the limits themselves (a repair
/// then takes units of other messages off the placement's week).
fn room(state: &State<'_>, b: usize, free: bool) -> u64 {
    let p = state.problem;
    let arm = &p.arms()[b];
    let k = arm.placement.index();
    let mut tmax = p
        .placement(arm.placement)
        .capacity
        .saturating_sub(state.placement_units[k]);
    for d in arm.draws.iter().filter(|d| d.placement) {
        let kind = p.resources()[d.resource.index()];
        if kind.measure() == Measure::Units
            && let Some(limit) = p.limits()[d.resource]
        {
            let used = if free { state.used[d.resource] } else { 0.0 };
            let left = (limit - used).max(0.0).floor();
            if left < tmax as f64 {
                tmax = left as u64;
            }
        }
    }
    tmax
}

/// The units the greedy would open `b` with now: the `t` that maximises gain over normalised
/// cost, fixed costs included (1 when there is no fixed cost: the refill grows it), within
/// [`room`]'s limits. 0 if there is no room.
pub(super) fn open_size(state: &mut State<'_>, b: usize) -> u64 {
    let tmax = room(state, b, false);
    let cost = state.step_cost(b);
    if tmax == 0 || cost.fixed <= 0.0 {
        return tmax.min(1);
    }
    match state.calendar_curve(b) {
        Some((g, q)) => best_ratio(|t| curve_gain(g, q, t), cost.fixed, cost.per_unit, tmax).0,
        None => {
            best_ratio(
                |t| state.gain_and_slope(b, t),
                cost.fixed,
                cost.per_unit,
                tmax,
            )
            .0
        }
    }
}

/// What one unit of `arm` draws on resource `r` (fixed costs aside).
fn unit_draw(state: &State<'_>, arm: usize, r: ResourceId) -> f64 {
    let p = state.problem;
    let a = &p.arms()[arm];
    a.draws
        .iter()
        .find(|d| d.resource == r && d.placement)
        .map_or(0.0, |_| {
            let pl = p.placement(a.placement);
            p.resources()[r.index()].per_unit(pl.unit_cost, pl.staff_hours)
        })
}

/// The limited resources `state` uses beyond their limits among `among`, with the excess.
fn excesses(state: &State<'_>, among: impl Iterator<Item = ResourceId>) -> Vec<(ResourceId, f64)> {
    let limits = state.problem.limits();
    among
        .filter_map(|r| {
            let excess = state.used[r] - limits[r]?;
            (excess > 0.0).then_some((r, excess))
        })
        .collect()
}

/// A donor of a repair: least value lost per share of the excess relieved first.
#[derive(Debug, Clone, Copy)]
struct Donor {
    score: f64,
    arm: usize,
}

impl PartialEq for Donor {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Donor {}
impl PartialOrd for Donor {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Donor {
    fn cmp(&self, other: &Self) -> Ordering {
        // A max-heap pops the smallest score first, the lower arm on ties.
        other
            .score
            .total_cmp(&self.score)
            .then_with(|| other.arm.cmp(&self.arm))
    }
}

/// The units a repair would remove from `a` and their loss per share of the `over` excess
/// they relieve; `None` if `a` has no units or relieves none of it.
fn donor_score(state: &State<'_>, a: usize, over: &[(ResourceId, f64)]) -> Option<(f64, u64)> {
    if state.units[a] == 0 {
        return None;
    }
    let (mut relief, mut clears) = (0.0, u64::MAX);
    for &(r, excess) in over {
        let q = unit_draw(state, a, r);
        if q > 0.0 {
            relief += q / excess;
            clears = clears.min((excess / q).ceil() as u64);
        }
    }
    if relief <= 0.0 {
        return None;
    }
    let s = clears.min(state.units[a].div_ceil(4)).max(1);
    Some((state.loss(a, s) / (relief * s as f64), s))
}

/// Adds `t` units of `b` whatever the money and hours limits, then removes units of the
/// other arms (except `keep`), least value lost per share of the excess relieved first (a lazy queue: losses
/// only grow as units go), until every limit holds again, and meets the floors again. False
/// if some excess cannot be relieved (the trial is then infeasible and must be dropped).
pub(super) fn insert_and_repair(trial: &mut State<'_>, b: usize, t: u64, keep: usize) -> bool {
    trial.add(b, t);
    let resources = trial.problem.limits().len();
    let mut over = excesses(trial, (0..resources).map(ResourceId::new));
    let mut heap = BinaryHeap::new();
    let mut stale = true;
    let mut steps = 0;
    while !over.is_empty() {
        if stale {
            heap = (0..trial.units.len())
                .filter(|&a| a != b && a != keep)
                .filter_map(|a| {
                    donor_score(trial, a, &over).map(|(score, _)| Donor { score, arm: a })
                })
                .collect();
            stale = false;
        }
        let Some(top) = heap.pop() else {
            return false;
        };
        let Some((score, s)) = donor_score(trial, top.arm, &over) else {
            continue;
        };
        if heap.peek().is_some_and(|next| score > next.score) {
            heap.push(Donor { score, ..top });
            continue;
        }
        steps += 1;
        if steps > MAX_REPAIR_STEPS {
            return false;
        }
        trial.remove(top.arm, s);
        if let Some((score, _)) = donor_score(trial, top.arm, &over) {
            heap.push(Donor { score, ..top });
        }
        // Removing units only frees resources: no new excess appears.
        let before = over.len();
        over = excesses(trial, over.iter().map(|&(r, _)| r));
        stale = over.len() < before;
    }
    meet_floors(trial).is_ok()
}

impl<'p> Search<'p> {
    /// Opens arm `b` with the greedy's step ([`open_size`]) and repairs the limits
    /// ([`insert_and_repair`]), then grows the arms whose fixed costs that paid: up to
    /// [`GROW_STEPS`] batches, best return per normalised unit cost first, each repaired and
    /// kept only if it raises the value, then the greedy refill. `None` if the opening cannot
    /// be repaired.
    pub(super) fn open_and_grow(&self, b: usize) -> Option<State<'p>> {
        let p = self.state.problem;
        let mut trial = self.state.clone();
        let t = open_size(&mut trial, b);
        if t == 0 || !insert_and_repair(&mut trial, b, t, b) {
            return None;
        }
        let arm = &p.arms()[b];
        let mut group: Vec<usize> = p
            .arms_of_placement(arm.placement)
            .iter()
            .chain(p.arms_of_message(arm.message))
            .map(|a| a.index())
            .filter(|&c| !trial.opens(c))
            .collect();
        group.sort_unstable();
        group.dedup();
        let mut value = trial.value();
        let mut failures = 0;
        for _ in 0..GROW_STEPS {
            // The best receiver and its batch.
            let mut best: Option<(f64, usize, u64)> = None;
            for &c in &group {
                let tmax = room(&trial, c, true);
                let cost = trial.step_cost(c);
                if tmax == 0 || cost.per_unit <= 0.0 {
                    continue;
                }
                let (g, s) = match trial.calendar_curve(c) {
                    Some((g, q)) => crate::optimize::state::batch(g, q, GROW_TOLERANCE, tmax),
                    None => trial.first_gain_and_batch(c, GROW_TOLERANCE, tmax),
                };
                let r = g / cost.per_unit;
                if g > 0.0 && best.is_none_or(|(x, _, _)| r > x) {
                    best = Some((r, c, s));
                }
            }
            let Some((_, c, s)) = best else {
                break;
            };
            let mut grown = trial.clone();
            if insert_and_repair(&mut grown, c, s, b) && grown.value() > value {
                value = grown.value();
                trial = grown;
            } else {
                failures += 1;
                if failures == GROW_FAILURES {
                    break;
                }
                group.retain(|&x| x != c);
            }
        }
        self.refill.maximise(&mut trial);
        Some(trial)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimize::{Greedy, LocalSearch, Strategy};

    /// Every opening made room for keeps every limit and floor and leaves the opened arm its
    /// units; the grown and refilled plans too.
    #[test]
    fn openings_made_room_for_keep_every_limit() {
        let problem = crate::scenarios::jurong_2023().compile().unwrap();
        let plan = Greedy::default().plan(&problem).unwrap();
        let search = Search::new(
            State::with_units(&problem, plan.units()),
            &LocalSearch::default(),
        );
        let (mut repaired, mut grown) = (0, 0);
        for b in (0..problem.arms().len()).filter(|&b| search.state.opens(b)) {
            let mut trial = search.state.clone();
            let t = open_size(&mut trial, b);
            if t > 0 && insert_and_repair(&mut trial, b, t, b) {
                assert!(trial.units[b] >= t, "arm {b}");
                trial.to_plan().check(&problem).unwrap();
                repaired += 1;
            }
            if let Some(trial) = search.open_and_grow(b) {
                assert!(trial.units[b] > 0, "arm {b}");
                trial.to_plan().check(&problem).unwrap();
                grown += 1;
            }
        }
        assert!(
            repaired > 0 && grown > 0,
            "{repaired} repaired, {grown} grown"
        );
    }
}
