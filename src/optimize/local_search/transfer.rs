//! The transfer move of [`LocalSearch`](super::LocalSearch): units from one arm to the best
//! receivers, tried in place and undone exactly through the journal when they do not pay.

use rand::seq::SliceRandom;

use super::{FILL_STEPS, MIN_GAIN, MOVES_PER_DONOR, RERANK, Search};
use crate::core::{ArmId, floor_met};
use crate::optimize::greedy::curve_gain;
use crate::response;

impl<'p> Search<'p> {
    /// Recomputes the receiver list: the arms with the best return per unit of normalised
    /// cost (an unopened arm counting its fixed costs at its best size).
    pub(super) fn rank_receivers(&mut self) {
        // A calendar problem ranks by the suffixes' gain curve: O(yearly cells) per arm.
        let p = self.state.problem;
        let curves: Option<Vec<(f64, f64)>> = p.structure().weeks.as_ref().map(|_| {
            (0..p.arms().len())
                .map(|b| self.state.calendar_curve(b).unwrap_or((0.0, 0.0)))
                .collect()
        });
        let s = &self.state;
        let gain = |b: usize, n: u64| match &curves {
            Some(curves) => curve_gain(curves[b].0, curves[b].1, n).0,
            None => s.gain(b, n),
        };
        let mut scored: Vec<(f64, usize)> = (0..p.arms().len())
            .filter_map(|b| {
                let cost = s.step_cost(b);
                let k = p.arms()[b].placement;
                let room = p
                    .placement(k)
                    .capacity
                    .saturating_sub(s.placement_units[k.index()]);
                if room == 0 {
                    return None;
                }
                let ratio = if cost.fixed > 0.0 {
                    let mut best = 0.0f64;
                    let mut n = room;
                    loop {
                        best = best.max(gain(b, n) / cost.at(n));
                        if n == 1 {
                            break;
                        }
                        n = n.div_ceil(4);
                    }
                    best
                } else if cost.per_unit > 0.0 {
                    gain(b, 1) / cost.per_unit
                } else {
                    f64::INFINITY
                };
                (ratio > 0.0).then_some((ratio, b))
            })
            .collect();
        let k = self.candidates.min(scored.len());
        if k < scored.len() {
            scored.select_nth_unstable_by(k, |a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            scored.truncate(k);
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        self.receivers = scored.into_iter().map(|(_, b)| b).collect();
    }

    pub(super) fn begin(&mut self) {
        let s = &self.state;
        let j = &mut self.journal;
        j.used.clone_from(&s.used);
        j.cells.clear();
        j.ops.clear();
        j.delta = 0.0;
    }

    pub(super) fn save_cells(&mut self, arm: usize) {
        let s = &self.state;
        for (c, _) in s.problem.absorbed(ArmId::new(arm)) {
            let c = c.index();
            self.journal.cells.push((c, s.absorbed[c], s.remaining[c]));
        }
    }

    pub(super) fn add(&mut self, arm: usize, t: u64) {
        self.save_cells(arm);
        self.journal.delta += self.state.gain(arm, t);
        self.state.add(arm, t);
        self.journal.ops.push((arm, t, true));
    }

    pub(super) fn remove(&mut self, arm: usize, t: u64) {
        self.save_cells(arm);
        self.journal.delta -= self.state.loss(arm, t);
        self.state.remove(arm, t);
        self.journal.ops.push((arm, t, false));
    }

    pub(super) fn rollback(&mut self) {
        let j = &mut self.journal;
        let s = &mut self.state;
        // The exposures come back from the journal below: undo only the units and costs.
        for &(arm, t, added) in j.ops.iter().rev() {
            s.undo_units(arm, t, added);
        }
        for &(c, e, r) in j.cells.iter().rev() {
            s.absorbed[c] = e;
            s.remaining[c] = r;
        }
        s.used.clone_from(&j.used);
    }

    /// Commits the trial if it is a strict improvement, else rolls it back.
    pub(super) fn settle(&mut self) -> bool {
        let ok = self.journal.delta > MIN_GAIN * self.value.abs() && self.floors_hold();
        if ok {
            self.value = self.state.value();
        } else {
            self.rollback();
        }
        ok
    }

    /// Whether every floor an arm removed from contributes to is still met.
    pub(super) fn floors_hold(&self) -> bool {
        let s = &self.state;
        let p = s.problem;
        self.journal
            .ops
            .iter()
            .filter(|op| !op.2)
            .flat_map(|op| &self.floors_of_arm[op.0])
            .all(|&j| {
                let c = p.floors()[j].cell.index();
                let cell = &p.cells()[c];
                floor_met(
                    response::reduction(cell.ceiling, cell.scale, s.absorbed[c]),
                    p.floor_level(j),
                )
            })
    }

    /// Spends what the trial freed on the receivers, best return per normalised cost first.
    pub(super) fn fill(&mut self, donor: usize) {
        let p = self.state.problem;
        let a = &p.arms()[donor];
        // On a calendar problem, the donor's placement and message in its own week (the
        // ranked receivers cover the other weeks; all weeks would cost O(weeks) exact gains).
        let weeks = p.structure().weeks.as_ref();
        let same_week = |b: usize| {
            weeks.is_none_or(|w| w.arm_week(ArmId::new(b)) == w.arm_week(ArmId::new(donor)))
        };
        let extra: Vec<usize> = p
            .arms_of_placement(a.placement)
            .iter()
            .chain(p.arms_of_message(a.message))
            .map(|b| b.index())
            .filter(|&b| same_week(b))
            .collect();
        for _ in 0..FILL_STEPS {
            let mut best: Option<(f64, usize, u64)> = None;
            for &b in self.receivers.iter().chain(&extra) {
                if b == donor {
                    continue;
                }
                let t = self.state.max_units(b);
                if t == 0 {
                    continue;
                }
                let g = self.state.gain(b, t);
                let c = self.state.step_cost(b).at(t);
                let r = if c > 0.0 { g / c } else { f64::INFINITY };
                if g > 0.0 && best.is_none_or(|(br, bb, _)| r > br || (r == br && b < bb)) {
                    best = Some((r, b, t));
                }
            }
            match best {
                Some((_, b, t)) => self.add(b, t),
                None => break,
            }
        }
    }

    /// Moves units from each arm (in seeded order) to the receivers, trying every step size
    /// from all its units down by halves to one.
    pub(super) fn transfer_pass(&mut self) -> bool {
        let p = self.state.problem;
        let mut donors: Vec<usize> = (0..p.arms().len())
            .filter(|&a| self.state.units[a] > 0)
            .collect();
        donors.shuffle(&mut self.rng);
        self.rank_receivers();
        let mut improved = false;
        let mut accepted = 0usize;
        for a in donors {
            let mut step = self.state.units[a];
            let mut moves = 0;
            while step > 0 && moves < MOVES_PER_DONOR {
                self.begin();
                self.remove(a, step);
                self.fill(a);
                if self.settle() {
                    improved = true;
                    accepted += 1;
                    moves += 1;
                    if accepted % RERANK == 0 {
                        self.rank_receivers();
                    }
                    step = step.min(self.state.units[a]);
                    continue;
                }
                step /= 2;
            }
        }
        improved
    }
}
