//! A plan (units per arm), its resource accounting and its feasibility check.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::core::{ArmId, DepartmentId, PlacementId, ResourceKind, Resources, exceeds, floor_met};
use crate::error::{Error, Item};
use crate::problem::{Problem, Structure};
use crate::response;

pub use crate::core::TOLERANCE;
pub use crate::error::Violation;

/// Units of each arm (compatible message-placement pair) of a [`Problem`].
///
/// # Example
///
/// ```
/// use fanzha::{Plan, scenarios};
///
/// let problem = scenarios::jurong_2023().compile()?;
/// let mut plan = Plan::empty(&problem);
/// plan.set(fanzha::core::ArmId::new(0), 3);
/// assert_eq!(plan.total_units(), 3);
/// let usage = plan.usage(&problem)?;
/// assert!(usage.money() > 0.0);
/// # Ok::<(), fanzha::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Plan {
    units: Vec<u64>,
}

/// One line of a plan as people write it: units of a message on a placement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Allocation {
    /// Message id.
    pub message: String,
    /// Placement id.
    pub placement: String,
    /// Units bought.
    pub units: u64,
    /// The campaign week (1 = the first) of a calendar plan's units; absent in a one-period
    /// plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub week: Option<u64>,
}

/// Resources a plan uses.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Usage {
    /// Use of each resource of the problem ([`Problem::resources`]): money (setup costs of
    /// used placements, unit costs, production costs of used messages) and staff hours,
    /// overall and per department.
    pub resources: Resources<f64>,
    /// Units per placement (all messages).
    pub placement_units: Vec<u64>,
}

impl Usage {
    /// Money spent.
    pub fn money(&self) -> f64 {
        self.resources[ResourceKind::Money.id()]
    }

    /// Staff hours used.
    pub fn staff_hours(&self) -> f64 {
        self.resources[ResourceKind::StaffHours.id()]
    }
}

impl Plan {
    /// The plan with no units, sized for `problem`.
    pub fn empty(problem: &Problem) -> Plan {
        Plan {
            units: vec![0; problem.arms().len()],
        }
    }

    /// A plan from units per arm, in the order of [`Problem::arms`].
    ///
    /// # Errors
    ///
    /// [`Error::Mismatch`] if `units` does not have one entry per arm.
    pub fn from_units(problem: &Problem, units: Vec<u64>) -> Result<Plan, Error> {
        if units.len() != problem.arms().len() {
            return Err(mismatch(problem, units.len()));
        }
        Ok(Plan { units })
    }

    /// Units per arm, in the order of [`Problem::arms`].
    pub fn units(&self) -> &[u64] {
        &self.units
    }

    /// Units of arm `arm` (0 when out of range).
    pub fn get(&self, arm: ArmId) -> u64 {
        self.units.get(arm.index()).copied().unwrap_or(0)
    }

    /// Sets the units of arm `arm`.
    ///
    /// # Panics
    ///
    /// If `arm` is not an index into [`Problem::arms`] of the problem the plan was made for.
    pub fn set(&mut self, arm: ArmId, units: u64) {
        self.units[arm.index()] = units;
    }

    /// Total units over all arms (saturating at `u64::MAX`).
    pub fn total_units(&self) -> u64 {
        self.units.iter().fold(0, |a, &u| a.saturating_add(u))
    }

    /// The plan as people write it: one allocation per arm with units, in arm order.
    ///
    /// # Errors
    ///
    /// [`Error::Mismatch`] if the plan was made for another problem.
    pub fn allocations(&self, problem: &Problem) -> Result<Vec<Allocation>, Error> {
        self.fits(problem)?;
        Ok(self
            .units
            .iter()
            .enumerate()
            .filter(|(_, u)| **u > 0)
            .map(|(a, &units)| {
                let arm = &problem.arms()[a];
                let weeks = problem.structure().weeks.as_ref();
                Allocation {
                    message: problem.messages()[arm.message.index()].id.clone(),
                    placement: problem.placements()[arm.placement.index()].id.clone(),
                    units,
                    week: weeks.map(|w| w.arm_week(ArmId::new(a)).index() as u64 + 1),
                }
            })
            .collect())
    }

    /// Reads a plan written as allocations.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownId`] for an unknown message or placement, [`Error::IncompatibleArm`]
    /// when the placement cannot carry the message's format, [`Error::Invalid`] when a
    /// message-placement pair appears twice.
    pub fn from_allocations(problem: &Problem, allocations: &[Allocation]) -> Result<Plan, Error> {
        let messages = by_id(problem.messages(), |m| &m.id);
        let placements = by_id(problem.placements(), |p| &p.id);
        let mut plan = Plan::empty(problem);
        let mut seen = vec![false; problem.arms().len()];
        for (i, al) in allocations.iter().enumerate() {
            let item = Item::at("allocation", i);
            let unknown = |field: &str, kind: &'static str, id: &str| Error::UnknownId {
                item: item.clone(),
                field: field.to_string(),
                kind,
                id: id.to_string(),
            };
            let m = *messages
                .get(al.message.as_str())
                .ok_or_else(|| unknown("message", "message", &al.message))?;
            let k = *placements
                .get(al.placement.as_str())
                .ok_or_else(|| unknown("placement", "placement", &al.placement))?;
            let arm = problem
                .arms_of_placement(PlacementId::new(k))
                .iter()
                .map(|a| a.index())
                .find(|&a| problem.arms()[a].message.index() == m)
                .ok_or_else(|| Error::IncompatibleArm {
                    index: i,
                    message: al.message.clone(),
                    placement: al.placement.clone(),
                })?
                + week_offset(problem, al, &item)?;
            if std::mem::replace(&mut seen[arm], true) {
                return Err(Error::Invalid {
                    item,
                    field: "message".into(),
                    problem: format!(
                        "repeats message {:?} on placement {:?}{}",
                        al.message,
                        al.placement,
                        al.week.map_or(String::new(), |w| format!(" in week {w}"))
                    ),
                });
            }
            plan.units[arm] = al.units;
        }
        Ok(plan)
    }

    /// Use of every resource and units per placement of the plan.
    ///
    /// # Errors
    ///
    /// [`Error::Mismatch`] if the plan was made for another problem; [`Error::Invalid`] if a
    /// placement's units over all its messages exceed `u64::MAX`.
    ///
    /// # Complexity
    ///
    /// `O(arms + placements + messages)`.
    pub fn usage(&self, problem: &Problem) -> Result<Usage, Error> {
        self.fits(problem)?;
        let st = problem.structure();
        let mut placement_units = vec![0u64; st.placements.len()];
        let mut message_used = vec![false; st.messages.len()];
        for (arm, &units) in st.arms.iter().zip(&self.units) {
            if units > 0 {
                let k = arm.placement.index();
                placement_units[k] =
                    placement_units[k]
                        .checked_add(units)
                        .ok_or_else(|| Error::Invalid {
                            item: Item::new("placement", &st.placements[k].id),
                            field: "units".into(),
                            problem: "sum to more than 2^64 - 1 over its messages".into(),
                        })?;
                message_used[arm.message.index()] = true;
            }
        }
        let mut used = Resources::filled(st.resources.len(), 0.0);
        for (k, &units) in PlacementId::range(st.placements.len()).zip(&placement_units) {
            if units == 0 {
                continue;
            }
            let pl = problem.placement(k);
            for &r in &st.placements[k.index()].draws {
                let kind = st.resources[r.index()];
                let setup = if kind.pays_fixed_costs() {
                    pl.setup_cost
                } else {
                    0.0
                };
                used[r] += setup + kind.per_unit(pl.unit_cost, pl.staff_hours) * units as f64;
            }
        }
        if st.weeks.is_some() {
            weekly_usage(problem, &self.units, &mut used);
        }
        for (m, info) in st.messages.iter().enumerate() {
            if message_used[m] {
                for &r in &info.draws {
                    used[r] += problem.parameters().production_cost[m];
                }
            }
        }
        Ok(Usage {
            resources: used,
            placement_units,
        })
    }

    /// Absorbed exposures per cell, `E_sf = sum x_a coef_a,sf` (indexed by [`CellId`](crate::core::CellId)).
    ///
    /// # Errors
    ///
    /// [`Error::Mismatch`] if the plan was made for another problem.
    pub fn absorbed(&self, problem: &Problem) -> Result<Vec<f64>, Error> {
        self.fits(problem)?;
        let mut e = vec![0.0; problem.cells().len()];
        for (a, &units) in ArmId::range(self.units.len()).zip(&self.units) {
            if units == 0 {
                continue;
            }
            for (c, coef) in problem.absorbed(a) {
                e[c.index()] += units as f64 * coef;
            }
        }
        Ok(e)
    }

    /// Every constraint the plan breaks (empty when feasible), each naming its item by id.
    ///
    /// # Errors
    ///
    /// As [`Plan::usage`].
    pub fn violations(&self, problem: &Problem) -> Result<Vec<Violation>, Error> {
        let usage = self.usage(problem)?;
        let st = problem.structure();
        let mut out = Vec::new();
        for (r, &limit) in problem.limits().enumerate() {
            if let Some(limit) = limit
                && exceeds(usage.resources[r], limit)
            {
                out.push(resource_violation(
                    st,
                    st.resources[r.index()],
                    usage.resources[r],
                    limit,
                ));
            }
        }
        for (k, &units) in PlacementId::range(st.placements.len()).zip(&usage.placement_units) {
            let capacity = problem.placement(k).capacity;
            if units > capacity {
                out.push(Violation::Capacity {
                    placement: st.placements[k.index()].id.clone(),
                    units,
                    capacity,
                });
            }
        }
        if !st.floors.is_empty() {
            let e = self.absorbed(problem)?;
            for (j, fl) in st.floors.iter().enumerate() {
                let cell = &problem.cells()[fl.cell.index()];
                let r = response::reduction(cell.ceiling, cell.scale, e[fl.cell.index()]);
                let required = problem.floor_level(j);
                if !floor_met(r, required) {
                    out.push(Violation::Floor {
                        segment: st.segments[fl.segment.index()].id.clone(),
                        threat: st.threats[fl.threat.index()].id.clone(),
                        reduction: r,
                        required,
                    });
                }
            }
        }
        Ok(out)
    }

    /// `Ok` when the plan respects every constraint of `problem`.
    ///
    /// # Errors
    ///
    /// [`Error::Infeasible`] listing every broken constraint; [`Error::Mismatch`] if the plan
    /// was made for another problem.
    pub fn check(&self, problem: &Problem) -> Result<(), Error> {
        let violations = self.violations(problem)?;
        if violations.is_empty() {
            Ok(())
        } else {
            Err(Error::Infeasible { violations })
        }
    }

    fn fits(&self, problem: &Problem) -> Result<(), Error> {
        if self.units.len() == problem.arms().len() {
            Ok(())
        } else {
            Err(mismatch(problem, self.units.len()))
        }
    }
}

/// The offset of allocation `al`'s week from its arm's first week: 0 in a one-period
/// problem (which takes no week), `week - 1` in a calendar problem (which needs one in
/// `1..=T`).
fn week_offset(problem: &Problem, al: &Allocation, item: &Item) -> Result<usize, Error> {
    let invalid = |problem: String| Error::Invalid {
        item: item.clone(),
        field: "week".into(),
        problem,
    };
    match (problem.structure().weeks.as_ref(), al.week) {
        (None, None) => Ok(0),
        (None, Some(w)) => Err(invalid(format!(
            "is {w}, but the problem has no calendar (plan it with weeks)"
        ))),
        (Some(_), None) => Err(invalid(
            "is missing: a calendar plan's allocations each name their week".into(),
        )),
        (Some(weeks), Some(w)) => {
            if (1..=weeks.weeks as u64).contains(&w) {
                Ok(w as usize - 1)
            } else {
                Err(invalid(format!(
                    "is {w}, past the campaign's {} weeks (weeks are 1..={})",
                    weeks.weeks, weeks.weeks
                )))
            }
        }
    }
}

/// Adds the per-week limits' use (drawn per arm, not per placement) to `used`.
fn weekly_usage(problem: &Problem, units: &[u64], used: &mut Resources<f64>) {
    let st = problem.structure();
    for (arm, &u) in st.arms.iter().zip(units) {
        if u == 0 {
            continue;
        }
        let pl = problem.placement(arm.placement);
        for d in &arm.draws {
            let kind = st.resources[d.resource.index()];
            if kind.week().is_some() {
                used[d.resource] += kind.per_unit(pl.unit_cost, pl.staff_hours) * u as f64;
            }
        }
    }
}

/// Position of each item by its id.
fn by_id<T>(items: &[T], id: impl Fn(&T) -> &String) -> HashMap<&str, usize> {
    items
        .iter()
        .enumerate()
        .map(|(i, x)| (id(x).as_str(), i))
        .collect()
}

/// The violation of a resource limit, naming its department.
fn resource_violation(st: &Structure, kind: ResourceKind, used: f64, limit: f64) -> Violation {
    let department = |d: DepartmentId| st.departments[d.index()].id.clone();
    match kind {
        ResourceKind::Money => Violation::Money { spent: used, limit },
        ResourceKind::StaffHours => Violation::StaffHours { used, limit },
        ResourceKind::DepartmentMoney(d) => Violation::DepartmentMoney {
            department: department(d),
            spent: used,
            limit,
        },
        ResourceKind::DepartmentHours(d) => Violation::DepartmentHours {
            department: department(d),
            used,
            limit,
        },
        _ => Violation::Weekly {
            resource: st.resource_name(
                st.resource_id(kind)
                    .expect("the violated resource is one of the problem's"),
            ),
            used,
            limit,
        },
    }
}

fn mismatch(problem: &Problem, got: usize) -> Error {
    Error::Mismatch {
        what: "plan",
        expected: problem.arms().len(),
        found: got,
    }
}
