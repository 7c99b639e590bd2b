//! Unrolling a yearly problem over the calendar's weeks: the structure once, the parameters
//! in `O(size)` for each new set of yearly numbers.

use super::{Calendar, MIN_COEFFICIENT};
use crate::core::{
    ArmId, CellId, PlacementId, ResourceId, ResourceKind, Resources, SegmentId, WeekId, floor_met,
};
use crate::problem::{
    Arm, ArmDraw, Cell, FloorTarget, Parameters, Problem, SegmentInfo, Structure, Weeks,
};

/// The weeks layout `cal` gives `yearly`.
pub(super) fn layout(cal: &Calendar, yearly: &Problem) -> Weeks {
    Weeks {
        weeks: cal.weeks,
        tail: cal.tail(),
        start_week: cal.start_week,
        yearly_segments: yearly.segment_count(),
        yearly_arms: yearly.arms().len(),
        blocks: if yearly.floors().is_empty() || cal.floors_every == super::FloorsEvery::None {
            Vec::new()
        } else {
            cal.blocks()
        },
        retention: cal.retention.clone(),
    }
}

/// Which yearly cells have a floor.
fn floor_cells(yearly: &Problem) -> Vec<bool> {
    let mut is = vec![false; yearly.cells().len()];
    for fl in yearly.floors() {
        is[fl.cell.index()] = true;
    }
    is
}

/// Calls `f(cell, factor)` for each entry of yearly arm `a` in week `t`, in ascending cell
/// order, with the memory factor that multiplies the yearly coefficient of the entry's yearly
/// cell (`i`-th of the arm's cells): `lambda^(u - t)` for week `u`, the block mean of those for
/// a floor block.
fn entries(
    cal: &Calendar,
    yearly: &Problem,
    (w, is_floor): (&Weeks, &[bool]),
    (a, t): (ArmId, usize),
    mut f: impl FnMut(CellId, usize, f64),
) {
    let arm = &yearly.arms()[a.index()];
    let channel = yearly.placements()[arm.placement.index()].channel;
    let lambda = cal.retention[channel.index()];
    let kernel = cal.kernel_len(channel);
    let per_week = yearly.cells().len();
    let h = w.horizon();
    for u in t..h.min(t + kernel) {
        let factor = lambda.powi((u - t) as i32);
        for (i, c) in arm.cells.iter().enumerate() {
            f(CellId::new(u * per_week + c.index()), i, factor);
        }
    }
    for (b, &(first, end)) in w.blocks.iter().enumerate() {
        if end <= t {
            continue;
        }
        let sum: f64 = (first.max(t)..end.min(t + kernel))
            .map(|u| lambda.powi((u - t) as i32))
            .sum();
        let factor = sum / (end - first) as f64;
        for (i, c) in arm.cells.iter().enumerate() {
            if is_floor[c.index()] {
                f(CellId::new((h + b) * per_week + c.index()), i, factor);
            }
        }
    }
}

/// The per-week resources after the yearly layout: money of each week (if limited), hours of
/// each week (if limited), then units of each placement in each week.
fn weekly_resources(cal: &Calendar, yearly: &Problem) -> Vec<ResourceKind> {
    let weeks = || WeekId::range(cal.weeks);
    let mut kinds = Vec::new();
    if cal.money_per_week.is_some() {
        kinds.extend(weeks().map(ResourceKind::WeekMoney));
    }
    if cal.staff_hours_per_week.is_some() {
        kinds.extend(weeks().map(ResourceKind::WeekHours));
    }
    for k in PlacementId::range(yearly.placements().len()) {
        kinds.extend(weeks().map(|w| ResourceKind::WeekUnits(k, w)));
    }
    kinds
}

/// The per-week resources arm `a` (of placement `k`) draws on in week `t`.
fn weekly_draws(cal: &Calendar, yearly: &Problem, k: PlacementId, t: usize) -> Vec<ArmDraw> {
    let base = yearly.resources().len();
    let n_money = usize::from(cal.money_per_week.is_some());
    let n_hours = usize::from(cal.staff_hours_per_week.is_some());
    let mut ids = Vec::new();
    if n_money == 1 {
        ids.push(base + t);
    }
    if n_hours == 1 {
        ids.push(base + n_money * cal.weeks + t);
    }
    ids.push(base + (n_money + n_hours) * cal.weeks + k.index() * cal.weeks + t);
    ids.into_iter()
        .map(|r| ArmDraw {
            resource: ResourceId::new(r),
            placement: true,
            message: false,
        })
        .collect()
}

/// The calendar problem's structure.
pub(super) fn structure(cal: &Calendar, yearly: &Problem) -> Structure {
    let y = yearly.structure();
    let w = layout(cal, yearly);
    let is_floor = floor_cells(yearly);
    let t_n = cal.weeks;
    let mut arms = Vec::with_capacity(y.arms.len() * t_n);
    for (a, arm) in y.arms.iter().enumerate() {
        for t in 0..t_n {
            let mut cells = Vec::new();
            entries(
                cal,
                yearly,
                (&w, &is_floor),
                (ArmId::new(a), t),
                |c, _, _| cells.push(c),
            );
            let mut draws = arm.draws.clone();
            draws.extend(weekly_draws(cal, yearly, arm.placement, t));
            arms.push(Arm {
                message: arm.message,
                placement: arm.placement,
                cells,
                draws,
            });
        }
    }
    let expand = |lists: &[Vec<ArmId>]| -> Vec<Vec<ArmId>> {
        lists
            .iter()
            .map(|l| {
                l.iter()
                    .flat_map(|a| (0..t_n).map(move |t| ArmId::new(a.index() * t_n + t)))
                    .collect()
            })
            .collect()
    };
    let mut resources = y.resources.clone();
    resources.extend(weekly_resources(cal, yearly));
    Structure {
        name: y.name.clone(),
        currency: y.currency.clone(),
        threats: y.threats.clone(),
        regions: y.regions.clone(),
        groups: y.groups.clone(),
        segments: segments(&y.segments, &w),
        channels: y.channels.clone(),
        placements: y.placements.clone(),
        messages: y.messages.clone(),
        arms,
        arms_of_placement: expand(&y.arms_of_placement),
        arms_of_message: expand(&y.arms_of_message),
        departments: y.departments.clone(),
        resources,
        floors: floors(y, &w, &kept_floors(cal, yearly, &w)),
        weeks: Some(w),
    }
}

/// Yearly segments once per week of the horizon, then once per floor block.
fn segments(yearly: &[SegmentInfo], w: &Weeks) -> Vec<SegmentInfo> {
    let named = |s: &SegmentInfo, id: String| {
        let mut s = s.clone();
        s.id = id;
        s
    };
    let mut out = Vec::with_capacity(yearly.len() * (w.horizon() + w.blocks.len()));
    for u in 0..w.horizon() {
        out.extend(
            yearly
                .iter()
                .map(|s| named(s, format!("{}@w{}", s.id, u + 1))),
        );
    }
    for b in 0..w.blocks.len() {
        out.extend(
            yearly
                .iter()
                .map(|s| named(s, format!("{}@block{}", s.id, b + 1))),
        );
    }
    out
}

/// Whether the carry-in alone meets yearly floor `j` on block `b`, and otherwise the level
/// left for the plan: `phi` less what the carry-in's block mean stock already achieves.
fn floor_left(yearly: &Problem, carry: &[f64], w: &Weeks, (j, b): (usize, usize)) -> Option<f64> {
    let fl = &yearly.floors()[j];
    let c = fl.cell.index();
    let cell = &yearly.cells()[c];
    let phi = yearly.floor_level(j);
    let n_c = yearly.cells().len();
    let (first, end) = w.blocks[b];
    let mean = (first..end).map(|u| carry[u * n_c + c]).sum::<f64>() / (end - first) as f64;
    let done = cell.ceiling * -(-mean / cell.scale).exp_m1();
    (!floor_met(done, phi)).then(|| (phi - done).max(MIN_COEFFICIENT))
}

/// The floors a calendar problem keeps, as `(yearly floor, block)` in structure order: each
/// yearly floor once per block, except where the carry-in alone already meets it (a floor
/// met before the campaign asks nothing, and its cell's remaining ceiling may be 0).
pub(super) fn kept_floors(cal: &Calendar, yearly: &Problem, w: &Weeks) -> Vec<(usize, usize)> {
    let carry = carried(cal, yearly, w.horizon());
    (0..yearly.floors().len())
        .flat_map(|j| (0..w.blocks.len()).map(move |b| (j, b)))
        .filter(|&jb| floor_left(yearly, &carry, w, jb).is_some())
        .collect()
}

/// Each kept floor ([`kept_floors`]) on its block's mean-exposure cell.
fn floors(yearly: &Structure, w: &Weeks, kept: &[(usize, usize)]) -> Vec<FloorTarget> {
    let n_f = yearly.threats.len();
    let mut out = Vec::new();
    for &(j, b) in kept {
        let fl = &yearly.floors[j];
        let segment = SegmentId::new((w.horizon() + b) * w.yearly_segments + fl.segment.index());
        out.push(FloorTarget {
            segment,
            threat: fl.threat,
            cell: CellId::of(segment, fl.threat, n_f),
            entry: fl.entry,
        });
    }
    out
}

/// The `(yearly floor, block)` of each floor of the calendar structure `structure`; `None`
/// when one does not stand for a yearly floor on a block.
pub(super) fn kept_floors_of(
    yearly: &Problem,
    structure: &Structure,
    w: &Weeks,
) -> Option<Vec<(usize, usize)>> {
    let n_f = yearly.threat_count();
    let n_s = w.yearly_segments.max(1);
    structure
        .floors
        .iter()
        .map(|fl| {
            let b = (fl.segment.index() / n_s).checked_sub(w.horizon())?;
            let cell = CellId::of(SegmentId::new(fl.segment.index() % n_s), fl.threat, n_f);
            let j = yearly.floors().iter().position(|y| y.cell == cell)?;
            (b < w.blocks.len()).then_some((j, b))
        })
        .collect()
}

/// The weekly cell of yearly cell `cell` in calendar week `week`: the week's share of the
/// yearly rate. A share that would fall below the smallest rate a problem allows is moved into
/// the loss, which keeps the value at risk exact.
fn weekly_cell(cal: &Calendar, c: usize, cell: &Cell, week: usize) -> Cell {
    let rate = cell.rate * cal.weekly_share(c, week);
    if rate == 0.0 || rate >= MIN_COEFFICIENT {
        Cell { rate, ..*cell }
    } else {
        Cell {
            rate: MIN_COEFFICIENT,
            loss: cell.loss * rate / MIN_COEFFICIENT,
            ..*cell
        }
    }
}

/// The carry-in's remembered exposures per week `u < h` and yearly cell `c`
/// (entry `u * cells + c`): `sum_ch lambda_ch^(u+1) S_0`.
fn carried(cal: &Calendar, yearly: &Problem, h: usize) -> Vec<f64> {
    let n_c = yearly.cells().len();
    let n_ch = yearly.channels().len();
    let mut out = vec![0.0; h * n_c];
    for (i, &s0) in cal.carry_in.iter().enumerate() {
        if s0 == 0.0 {
            continue;
        }
        let (c, ch) = (i / n_ch, i % n_ch);
        let lambda = cal.retention[ch];
        let mut s = s0;
        for u in 0..h {
            s *= lambda;
            out[u * n_c + c] += s;
        }
    }
    out
}

/// The ceiling left above what remembered exposures `e` already reach:
/// `rho e^(-e/kappa)` (0 once it falls below the smallest ceiling a problem allows).
fn remaining_ceiling(cell: &Cell, e: f64) -> f64 {
    let rho = cell.ceiling * (-e / cell.scale).exp();
    if rho < MIN_COEFFICIENT { 0.0 } else { rho }
}

/// The calendar problem's parameters from `yearly`'s, for `structure` (from [`structure`]).
pub(super) fn parameters(cal: &Calendar, yearly: &Problem, structure: &Structure) -> Parameters {
    let w = structure.weeks.as_ref().expect("a calendar structure");
    let y = yearly.parameters();
    let is_floor = floor_cells(yearly);
    let h = w.horizon();
    let n_blocks = w.blocks.len();
    let mut params = y.clone();
    params.population = (0..h + n_blocks)
        .flat_map(|_| y.population.iter().copied())
        .collect();
    params.cells = Vec::with_capacity(y.cells.len() * (h + n_blocks));
    let carry = carried(cal, yearly, h);
    let n_c = y.cells.len();
    for u in 0..h {
        let week = cal.calendar_week(u);
        params
            .cells
            .extend(y.cells.iter().enumerate().map(|(c, cell)| {
                let mut weekly = weekly_cell(cal, c, cell, week);
                weekly.ceiling = remaining_ceiling(cell, carry[u * n_c + c]);
                weekly
            }));
    }
    let block_carry = |b: usize, c: usize| {
        let (first, end) = w.blocks[b];
        (first..end).map(|u| carry[u * n_c + c]).sum::<f64>() / (end - first) as f64
    };
    for b in 0..n_blocks {
        params
            .cells
            .extend(y.cells.iter().enumerate().map(|(c, cell)| Cell {
                rate: 0.0,
                ceiling: remaining_ceiling(cell, block_carry(b, c)),
                ..*cell
            }));
    }
    params.absorbed = Vec::with_capacity(structure.arms.len());
    let tiny = MIN_COEFFICIENT.powi(4);
    for a in ArmId::range(yearly.arms().len()) {
        let coefs = &y.absorbed[a.index()];
        for t in 0..cal.weeks {
            let mut out = Vec::new();
            entries(cal, yearly, (w, &is_floor), (a, t), |_, i, factor| {
                let v = coefs[i] * factor;
                out.push(if v < tiny { 0.0 } else { v });
            });
            params.absorbed.push(out);
        }
    }
    let mut limits: Vec<Option<f64>> = y.limits.iter().copied().collect();
    for kind in &structure.resources[y.limits.len()..] {
        limits.push(match kind {
            ResourceKind::WeekMoney(_) => cal.money_per_week,
            ResourceKind::WeekHours(_) => cal.staff_hours_per_week,
            ResourceKind::WeekUnits(k, _) => Some(cal.capacity_per_week[k.index()] as f64),
            _ => None,
        });
    }
    params.limits = Resources::from_vec(limits);
    // A floor lowered by what the carry-in already achieves on the block's mean stock (the
    // structure keeps only floors the carry-in does not meet; a floor met under these numbers
    // but kept by the structure asks the least level).
    params.floors = kept_floors_of(yearly, structure, w)
        .expect("a calendar structure's floors stand for yearly floors on blocks")
        .into_iter()
        .map(|jb| floor_left(yearly, &carry, w, jb).unwrap_or(MIN_COEFFICIENT))
        .collect();
    params
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenarios;

    #[test]
    fn cells_of_every_arm_ascend_and_stay_in_range() {
        let yearly = scenarios::jurong_2023().compile().unwrap();
        let cal = Calendar::new(&yearly, 3, 50, 0.6).unwrap();
        let weekly = cal.unroll(&yearly).unwrap();
        for arm in weekly.arms() {
            assert!(arm.cells.windows(2).all(|p| p[0] < p[1]));
        }
        assert_eq!(weekly.floors().len(), yearly.floors().len());
    }
}
