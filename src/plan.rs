//! A plan (units per arm), its resource accounting and its feasibility check.

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Item};
use crate::problem::Problem;
use crate::response;

/// Relative slack when comparing accumulated floating-point sums against limits, so that
/// a plan spending exactly its budget in many small steps is not called infeasible.
pub const TOLERANCE: f64 = 1e-9;

/// Units of each arm (compatible message-placement pair) of a [`Problem`].
///
/// # Example
///
/// ```
/// use fanzha::{Plan, scenarios};
///
/// let problem = scenarios::jurong_2023().compile()?;
/// let mut plan = Plan::empty(&problem);
/// plan.set(0, 3);
/// assert_eq!(plan.total_units(), 3);
/// let usage = plan.usage(&problem)?;
/// assert!(usage.money > 0.0);
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
}

/// Resources a plan uses.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Usage {
    /// Money: setup costs of used placements, unit costs, production costs of used messages.
    pub money: f64,
    /// Staff hours.
    pub staff_hours: f64,
    /// Units per placement (all messages).
    pub placement_units: Vec<u64>,
    /// Money per department.
    pub department_money: Vec<f64>,
    /// Staff hours per department.
    pub department_hours: Vec<f64>,
}

/// A constraint a plan breaks.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Violation {
    /// Spends more than the money limit.
    Money {
        /// Money spent.
        spent: f64,
        /// The limit.
        limit: f64,
    },
    /// Uses more than the staff-hour limit.
    StaffHours {
        /// Hours used.
        used: f64,
        /// The limit.
        limit: f64,
    },
    /// Buys more units of a placement than it has.
    Capacity {
        /// Placement id.
        placement: String,
        /// Units bought.
        units: u64,
        /// Its capacity.
        capacity: u64,
    },
    /// A department spends more than its money.
    DepartmentMoney {
        /// Department id.
        department: String,
        /// Money spent.
        spent: f64,
        /// Its limit.
        limit: f64,
    },
    /// A department gives more than its staff hours.
    DepartmentHours {
        /// Department id.
        department: String,
        /// Hours used.
        used: f64,
        /// Its limit.
        limit: f64,
    },
    /// A fairness floor is not met.
    Floor {
        /// Segment id.
        segment: String,
        /// Threat id.
        threat: String,
        /// Reduction reached.
        reduction: f64,
        /// Reduction required.
        required: f64,
    },
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Violation::Money { spent, limit } => {
                write!(f, "money: spends {spent:.2}, limit {limit}")
            }
            Violation::StaffHours { used, limit } => {
                write!(f, "staff hours: uses {used:.2}, limit {limit}")
            }
            Violation::Capacity {
                placement,
                units,
                capacity,
            } => write!(
                f,
                "placement {placement:?}: {units} units, capacity {capacity}"
            ),
            Violation::DepartmentMoney {
                department,
                spent,
                limit,
            } => write!(
                f,
                "department {department:?} money: spends {spent:.2}, limit {limit}"
            ),
            Violation::DepartmentHours {
                department,
                used,
                limit,
            } => write!(
                f,
                "department {department:?} staff hours: uses {used:.2}, limit {limit}"
            ),
            Violation::Floor {
                segment,
                threat,
                reduction,
                required,
            } => write!(
                f,
                "floor for segment {segment:?} and threat {threat:?}: reduction {reduction:.6}, \
                 required {required}"
            ),
        }
    }
}

/// Whether `used` exceeds `limit` beyond floating-point accumulation error.
pub(crate) fn exceeds(used: f64, limit: f64) -> bool {
    used > limit + TOLERANCE * limit.abs().max(1.0)
}

impl Plan {
    /// The plan with no units, sized for `problem`.
    pub fn empty(problem: &Problem) -> Plan {
        Plan {
            units: vec![0; problem.arms.len()],
        }
    }

    /// A plan from units per arm, in the order of [`Problem::arms`].
    ///
    /// # Errors
    ///
    /// [`Error::Mismatch`] if `units` does not have one entry per arm.
    pub fn from_units(problem: &Problem, units: Vec<u64>) -> Result<Plan, Error> {
        if units.len() != problem.arms.len() {
            return Err(mismatch(problem, units.len()));
        }
        Ok(Plan { units })
    }

    /// Units per arm, in the order of [`Problem::arms`].
    pub fn units(&self) -> &[u64] {
        &self.units
    }

    /// Units of arm `arm` (0 when out of range).
    pub fn get(&self, arm: usize) -> u64 {
        self.units.get(arm).copied().unwrap_or(0)
    }

    /// Sets the units of arm `arm`.
    ///
    /// # Panics
    ///
    /// If `arm` is not an index into [`Problem::arms`] of the problem the plan was made for.
    pub fn set(&mut self, arm: usize, units: u64) {
        self.units[arm] = units;
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
                let arm = &problem.arms[a];
                Allocation {
                    message: problem.messages[arm.message].id.clone(),
                    placement: problem.placements[arm.placement].id.clone(),
                    units,
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
        let messages: HashMap<&str, usize> = problem
            .messages
            .iter()
            .enumerate()
            .map(|(i, m)| (m.id.as_str(), i))
            .collect();
        let placements: HashMap<&str, usize> = problem
            .placements
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.as_str(), i))
            .collect();
        let mut plan = Plan::empty(problem);
        let mut seen = vec![false; problem.arms.len()];
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
            let arm = problem.arms_of_placement[k]
                .iter()
                .copied()
                .find(|&a| problem.arms[a].message == m)
                .ok_or_else(|| Error::IncompatibleArm {
                    index: i,
                    message: al.message.clone(),
                    placement: al.placement.clone(),
                })?;
            if std::mem::replace(&mut seen[arm], true) {
                return Err(Error::Invalid {
                    item,
                    field: "message".into(),
                    problem: format!(
                        "repeats message {:?} on placement {:?}",
                        al.message, al.placement
                    ),
                });
            }
            plan.units[arm] = al.units;
        }
        Ok(plan)
    }

    /// Money, staff hours, units per placement and department totals of the plan.
    ///
    /// # Errors
    ///
    /// [`Error::Mismatch`] if the plan was made for another problem.
    pub fn usage(&self, problem: &Problem) -> Result<Usage, Error> {
        self.fits(problem)?;
        let mut usage = Usage {
            placement_units: vec![0; problem.placements.len()],
            department_money: vec![0.0; problem.departments.len()],
            department_hours: vec![0.0; problem.departments.len()],
            ..Usage::default()
        };
        let mut message_used = vec![false; problem.messages.len()];
        for (a, &units) in self.units.iter().enumerate() {
            if units > 0 {
                let arm = &problem.arms[a];
                usage.placement_units[arm.placement] =
                    usage.placement_units[arm.placement].saturating_add(units);
                message_used[arm.message] = true;
            }
        }
        for (p, &units) in problem.placements.iter().zip(&usage.placement_units) {
            if units == 0 {
                continue;
            }
            let money = p.setup_cost + p.unit_cost * units as f64;
            let hours = p.staff_hours * units as f64;
            usage.money += money;
            usage.staff_hours += hours;
            if let Some(d) = p.owner {
                usage.department_money[d] += money;
                usage.department_hours[d] += hours;
            }
        }
        for (m, used) in problem.messages.iter().zip(message_used) {
            if used {
                usage.money += m.production_cost;
                if let Some(d) = m.owner {
                    usage.department_money[d] += m.production_cost;
                }
            }
        }
        Ok(usage)
    }

    /// Absorbed exposures per cell, `E_sf = sum x_a coef_a,sf` (index `s * F + f`).
    ///
    /// # Errors
    ///
    /// [`Error::Mismatch`] if the plan was made for another problem.
    pub fn absorbed(&self, problem: &Problem) -> Result<Vec<f64>, Error> {
        self.fits(problem)?;
        let mut e = vec![0.0; problem.cells.len()];
        for (a, &units) in self.units.iter().enumerate() {
            if units == 0 {
                continue;
            }
            for &(c, coef) in &problem.arms[a].absorbed {
                e[c] += units as f64 * coef;
            }
        }
        Ok(e)
    }

    /// Every constraint the plan breaks (empty when feasible), each naming its item by id.
    ///
    /// # Errors
    ///
    /// [`Error::Mismatch`] if the plan was made for another problem.
    pub fn violations(&self, problem: &Problem) -> Result<Vec<Violation>, Error> {
        let usage = self.usage(problem)?;
        let mut out = Vec::new();
        if let Some(limit) = problem.money
            && exceeds(usage.money, limit)
        {
            out.push(Violation::Money {
                spent: usage.money,
                limit,
            });
        }
        if let Some(limit) = problem.staff_hours
            && exceeds(usage.staff_hours, limit)
        {
            out.push(Violation::StaffHours {
                used: usage.staff_hours,
                limit,
            });
        }
        for (p, &units) in problem.placements.iter().zip(&usage.placement_units) {
            if units > p.capacity {
                out.push(Violation::Capacity {
                    placement: p.id.clone(),
                    units,
                    capacity: p.capacity,
                });
            }
        }
        for (d, dept) in problem.departments.iter().enumerate() {
            if let Some(limit) = dept.money
                && exceeds(usage.department_money[d], limit)
            {
                out.push(Violation::DepartmentMoney {
                    department: dept.id.clone(),
                    spent: usage.department_money[d],
                    limit,
                });
            }
            if let Some(limit) = dept.staff_hours
                && exceeds(usage.department_hours[d], limit)
            {
                out.push(Violation::DepartmentHours {
                    department: dept.id.clone(),
                    used: usage.department_hours[d],
                    limit,
                });
            }
        }
        if !problem.floors.is_empty() {
            let e = self.absorbed(problem)?;
            let n_f = problem.threats.len();
            for fl in &problem.floors {
                let c = fl.segment * n_f + fl.threat;
                let cell = &problem.cells[c];
                let r = response::reduction(cell.ceiling, cell.scale, e[c]);
                if r < fl.min_reduction * (1.0 - TOLERANCE) {
                    out.push(Violation::Floor {
                        segment: problem.segments[fl.segment].id.clone(),
                        threat: problem.threats[fl.threat].id.clone(),
                        reduction: r,
                        required: fl.min_reduction,
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
        if self.units.len() == problem.arms.len() {
            Ok(())
        } else {
            Err(mismatch(problem, self.units.len()))
        }
    }
}

fn mismatch(problem: &Problem, got: usize) -> Error {
    Error::Mismatch {
        what: "plan",
        expected: problem.arms.len(),
        found: got,
    }
}
