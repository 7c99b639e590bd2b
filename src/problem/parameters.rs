//! The replaceable numbers of a problem and their validation.

use serde::{Deserialize, Serialize};

use super::Structure;
use crate::core::{CellId, Count, Range, ResourceId, Resources};
use crate::error::{Error, Item};

/// Risk and response of one segment to one threat. Ranges as [`Range`]: `BelowOne` for the
/// rate and ceiling, `Loss`, `Scale`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cell {
    /// Cases per person per year, in `[0, 1)`.
    pub rate: f64,
    /// Mean loss per case, in `[0, 1e12]`.
    pub loss: f64,
    /// Response ceiling `rho` in `[0, 1)`.
    pub ceiling: f64,
    /// Response scale `kappa` in `[1e-12, 1e9]`.
    pub scale: f64,
}

/// The numbers of one placement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlacementParameters {
    /// Cost per unit, `>= 0`.
    pub unit_cost: f64,
    /// Cost paid once when used, `>= 0`.
    pub setup_cost: f64,
    /// Most units.
    pub capacity: u64,
    /// Staff hours per unit, `>= 0`.
    pub staff_hours: f64,
    /// Exposures per person per unit, `>= 0`, one per segment of
    /// [`PlacementInfo::audience`](super::PlacementInfo::audience).
    pub audience: Vec<f64>,
}

/// Every number of a problem that may change without recompiling: a Monte Carlo draw, a
/// fitted response, a budget sweep.
///
/// Get a copy with [`Problem::parameters`](super::Problem::parameters), change fields, and
/// install it with [`Problem::with_parameters`](super::Problem::with_parameters), which checks
/// every list's length against the structure and every number's range in `O(size)`: the
/// same [`Range`]s and [`limits`](crate::core::limits) compile checks in a scenario file. The
/// sparsity is the structure's: a coefficient can become 0 but a cell an arm does not reach
/// cannot be given one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Parameters {
    /// People per segment, `>= 0`.
    pub population: Vec<f64>,
    /// Per cell ([`CellId`](crate::core::CellId) order).
    pub cells: Vec<Cell>,
    /// Per placement.
    pub placements: Vec<PlacementParameters>,
    /// Production cost per message, `>= 0`.
    pub production_cost: Vec<f64>,
    /// Absorbed exposures per unit of each arm `g_ks d_c a_ms w_mf`, `>= 0`, one per cell of
    /// [`Arm::cells`](super::Arm::cells).
    pub absorbed: Vec<Vec<f64>>,
    /// Limit of each resource, `>= 0` (`None`: unlimited).
    pub limits: Resources<Option<f64>>,
    /// Least risk reduction of each floor, in `(0, 1)`.
    pub floors: Vec<f64>,
}

fn check(value: f64, item: impl FnOnce() -> Item, field: &str, range: Range) -> Result<(), Error> {
    if range.contains(value) {
        Ok(())
    } else {
        Err(Error::InvalidValue {
            item: item(),
            field: field.to_string(),
            value,
            expected: range.expected(),
        })
    }
}

fn check_len(what: &'static str, expected: usize, found: usize) -> Result<(), Error> {
    if expected == found {
        Ok(())
    } else {
        Err(Error::Mismatch {
            what,
            expected,
            found,
        })
    }
}

/// A resource limit: `None` or a finite number `>= 0`.
pub(crate) fn check_limit(
    limit: Option<f64>,
    structure: &Structure,
    r: ResourceId,
) -> Result<(), Error> {
    match limit {
        Some(v) if !Range::Amount.contains(v) => {
            let (item, field) = structure.resource_field(r);
            check(v, || item, field, Range::Amount)
        }
        Some(_) => Ok(()),
        None => Ok(()),
    }
}

impl Parameters {
    /// Checks lengths against `structure` and every number's range.
    pub(crate) fn check(&self, structure: &Structure) -> Result<(), Error> {
        self.check_segments(structure)?;
        self.check_placements(structure)?;
        self.check_arms(structure)?;
        check_len(
            "resource limits",
            structure.resources.len(),
            self.limits.len(),
        )?;
        for (r, limit) in self.limits.enumerate() {
            check_limit(*limit, structure, r)?;
        }
        check_len("floor levels", structure.floors.len(), self.floors.len())?;
        for (fl, &phi) in structure.floors.iter().zip(&self.floors) {
            let (s, f) = (fl.segment.index(), fl.threat.index());
            let item = || {
                Item::new(
                    "floor",
                    format!("{}/{}", structure.segments[s].id, structure.threats[f].id),
                )
            };
            check(phi, item, "min_reduction", Range::Floor)?;
        }
        Ok(())
    }

    fn check_segments(&self, structure: &Structure) -> Result<(), Error> {
        check_len(
            "populations",
            structure.segments.len(),
            self.population.len(),
        )?;
        check_len(
            "cells (segments x threats)",
            structure.cell_count(),
            self.cells.len(),
        )?;
        for (seg, &n) in structure.segments.iter().zip(&self.population) {
            check(
                n,
                || Item::new("segment", &seg.id),
                "population",
                Range::Population,
            )?;
        }
        for (c, cell) in self.cells.iter().enumerate() {
            let item = || {
                let (seg, f) = structure.segment_and_threat(CellId::new(c));
                let (seg, f) = (
                    &structure.segments[seg.index()],
                    &structure.threats[f.index()],
                );
                Item::new("cell", format!("{}/{}", seg.id, f.id))
            };
            check(cell.rate, item, "rate", Range::BelowOne)?;
            check(cell.loss, item, "loss", Range::Loss)?;
            check(cell.ceiling, item, "ceiling", Range::BelowOne)?;
            check(cell.scale, item, "scale", Range::Scale)?;
        }
        Ok(())
    }

    fn check_placements(&self, structure: &Structure) -> Result<(), Error> {
        check_len(
            "placements",
            structure.placements.len(),
            self.placements.len(),
        )?;
        check_len(
            "production costs",
            structure.messages.len(),
            self.production_cost.len(),
        )?;
        for (info, p) in structure.placements.iter().zip(&self.placements) {
            let item = || Item::new("placement", &info.id);
            check(p.unit_cost, item, "unit_cost", Range::Amount)?;
            check(p.setup_cost, item, "setup_cost", Range::Amount)?;
            check(p.staff_hours, item, "staff_hours", Range::Amount)?;
            if p.capacity > Count::Capacity.max() {
                return Err(Error::InvalidValue {
                    item: item(),
                    field: "capacity".into(),
                    value: p.capacity as f64,
                    expected: Count::Capacity.expected(),
                });
            }
            check_len("placement audience", info.audience.len(), p.audience.len())?;
            for &g in &p.audience {
                check(g, item, "per_unit", Range::PerUnit)?;
            }
        }
        for (info, &cost) in structure.messages.iter().zip(&self.production_cost) {
            let item = || Item::new("message", &info.id);
            check(cost, item, "production_cost", Range::Amount)?;
        }
        Ok(())
    }

    fn check_arms(&self, structure: &Structure) -> Result<(), Error> {
        check_len(
            "arm coefficients",
            structure.arms.len(),
            self.absorbed.len(),
        )?;
        for (arm, coefs) in structure.arms.iter().zip(&self.absorbed) {
            check_len("arm coefficients of one arm", arm.cells.len(), coefs.len())?;
            let item = || {
                Item::new(
                    "arm",
                    format!(
                        "{} on {}",
                        structure.messages[arm.message.index()].id,
                        structure.placements[arm.placement.index()].id
                    ),
                )
            };
            for &coef in coefs {
                check(coef, item, "absorbed", Range::Absorbed)?;
            }
        }
        Ok(())
    }

    /// The limit of resource `r` (`None`: unlimited or not a resource).
    pub fn limit(&self, r: ResourceId) -> Option<f64> {
        self.limits.get(r).copied().flatten()
    }
}
