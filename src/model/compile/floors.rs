//! Pass over the fairness floors: which (segment, threat) pairs each entry covers, and whether
//! every unit of every placement can meet each of them.

use std::collections::BTreeMap;

use super::cell;
use super::checks::{Range, check};
use super::draft::{Arm, Cell, FloorTarget, PlacementInfo, SegmentInfo};
use super::ids::{Ids, lookup_opt};
use super::selectors::{Sel, Selectors};
use super::sparse::Sparse;
use crate::error::{Error, Item};
use crate::model::Scenario;
use crate::response;

/// What the floors pass reads of the problem built so far.
pub(super) struct Built<'b> {
    pub(super) segments: &'b [SegmentInfo],
    pub(super) cells: &'b [Cell],
    pub(super) placements: &'b [PlacementInfo],
    pub(super) arms: &'b [Arm],
    pub(super) arms_of_placement: &'b [Vec<usize>],
}

/// Runs the pass: one target per covered (segment, threat) pair, by segment then threat.
pub(super) fn floors(
    sc: &Scenario,
    ids: &Ids<'_>,
    sel: &Selectors<'_>,
    b: &Built<'_>,
) -> Result<Vec<FloorTarget>, Error> {
    let wanted = wanted(sc, ids, sel, b.cells)?;
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let max_exposure = max_exposure(b);
    let n_f = sc.threats.len();
    let mut floors = Vec::with_capacity(wanted.len());
    for ((s, f), (i, phi)) in wanted {
        let c = cell(s, f, n_f);
        let cell = &b.cells[c];
        match response::exposure_for(cell.ceiling, cell.scale, phi) {
            Some(e) if e <= max_exposure[c] => floors.push(FloorTarget {
                segment: s,
                threat: f,
                min_reduction: phi,
                exposure: e,
                entry: i,
            }),
            _ => {
                return Err(Error::UnreachableFloor {
                    item: Item::at("floor", i),
                    segment: b.segments[s].id.clone(),
                    threat: sc.threats[f].id.clone(),
                    required: phi,
                    reachable: response::reduction(cell.ceiling, cell.scale, max_exposure[c]),
                });
            }
        }
    }
    Ok(floors)
}

/// `(segment, threat) -> (entry, min_reduction)`.
type Wanted = BTreeMap<(usize, usize), (usize, f64)>;

/// The pairs the floor entries cover: the last entry matching a pair wins.
fn wanted(
    sc: &Scenario,
    ids: &Ids<'_>,
    sel: &Selectors<'_>,
    cells: &[Cell],
) -> Result<Wanted, Error> {
    let n_f = sc.threats.len();
    let mut wanted = BTreeMap::new();
    for (i, fl) in sc.floors.iter().enumerate() {
        let item = Item::at("floor", i);
        let matched = sel.select(
            Sel::new(&fl.segment, &fl.region, &fl.group),
            &item,
            String::new,
        )?;
        check(fl.min_reduction, &item, "min_reduction", Range::Floor)?;
        let threat = lookup_opt(&ids.threats, &fl.threat, &item, "threat", "threat")?;
        for &s in matched {
            for f in 0..n_f {
                // Without a threat, the floor covers the threats the segment is at risk of.
                let applies = match threat {
                    Some(t) => t == f,
                    None => cells[cell(s, f, n_f)].rate > 0.0,
                };
                if applies {
                    wanted.insert((s, f), (i, fl.min_reduction));
                }
            }
        }
    }
    Ok(wanted)
}

/// Absorbed exposures per cell with every unit of every placement, each placement given to
/// its best message for the cell. Costs the arms' entries, not placements x cells.
fn max_exposure(b: &Built<'_>) -> Vec<f64> {
    let mut total = vec![0.0f64; b.cells.len()];
    let mut best = Sparse::new(b.cells.len());
    for (k, p) in b.placements.iter().enumerate() {
        for &a in &b.arms_of_placement[k] {
            for &(c, coef) in &b.arms[a].absorbed {
                best.set(c, best.get(c).max(coef));
            }
        }
        let cap = p.capacity as f64;
        for (c, v) in best.take_positive() {
            total[c] += cap * v;
        }
    }
    total
}
