//! Which limits bind, and what the money left over could not buy.

use crate::core::{ArmId, ResourceId, ResourceKind, exceeds};
use crate::error::Error;
use crate::plan::{Plan, Usage};
use crate::problem::Problem;
use crate::response;

/// Use of one limit by a plan ([`limits`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ResourceUse {
    /// The resource.
    pub resource: ResourceId,
    /// What it is.
    pub kind: ResourceKind,
    /// Its readable name, e.g. `department "police" money`.
    pub name: String,
    /// What the plan uses.
    pub used: f64,
    /// The limit (`None`: unlimited).
    pub limit: Option<f64>,
    /// `limit - used` (`None`: unlimited).
    pub slack: Option<f64>,
    /// Whether it stops at least one next unit that would prevent more loss.
    pub binding: bool,
}

/// What keeps a next unit out of the plan.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Stop {
    /// A limit has less left than the unit needs.
    Resource {
        /// The resource.
        resource: ResourceId,
        /// What it is.
        kind: ResourceKind,
        /// Its readable name.
        name: String,
        /// What the unit needs of it (with the setup or production cost it would first pay).
        needs: f64,
        /// What is left of it.
        left: f64,
    },
    /// The placement is at capacity.
    Capacity {
        /// Its capacity (units).
        capacity: u64,
    },
}

impl Stop {
    /// A short readable name: the resource's name, or `capacity`.
    pub fn name(&self) -> String {
        match self {
            Stop::Resource { name, .. } => name.clone(),
            Stop::Capacity { .. } => "placement capacity".to_string(),
        }
    }

    /// Whether this is the overall money limit.
    pub fn is_money(&self) -> bool {
        matches!(self, Stop::Resource { resource, .. } if *resource == ResourceKind::Money.id())
    }
}

/// One more unit of the best message on one placement (and week), and what stops it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct NextUnit {
    /// The arm.
    pub arm: ArmId,
    /// Placement id.
    pub placement: String,
    /// What one unit of the placement is.
    pub unit: String,
    /// Message id.
    pub message: String,
    /// Campaign week (1 = the first) in a calendar problem.
    pub week: Option<usize>,
    /// Units the plan has on the placement (all messages and weeks).
    pub units: u64,
    /// The placement's capacity.
    pub capacity: u64,
    /// Loss the unit would prevent (yuan a year).
    pub value: f64,
    /// Money the unit costs, with the placement's setup and the message's production cost
    /// when the plan has not paid them yet.
    pub cost: f64,
    /// `value / cost` (`None` for a free unit).
    pub per_yuan: Option<f64>,
    /// What stops it (empty: the plan could still buy it).
    pub stopped_by: Vec<Stop>,
}

impl NextUnit {
    /// Whether its placement is at capacity (in a calendar problem: over the campaign or in
    /// the unit's week).
    pub fn at_capacity(&self) -> bool {
        self.stopped_by.iter().any(|s| {
            matches!(
                s,
                Stop::Capacity { .. }
                    | Stop::Resource {
                        kind: ResourceKind::WeekUnits(..),
                        ..
                    }
            )
        })
    }

    /// Whether it is stopped by something other than the overall money limit.
    pub fn stopped_by_other_than_money(&self) -> bool {
        self.stopped_by.iter().any(|s| !s.is_money())
    }
}

/// Which limits a plan reaches and what stops it from doing more ([`limits`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Limits {
    /// Every resource of the problem, in [`ResourceId`] order.
    pub resources: Vec<ResourceUse>,
    /// Money limit minus money spent (`None`: no money limit).
    pub unspent: Option<f64>,
    /// The best next unit of each placement (and week) that would prevent more loss, best
    /// loss per yuan first (free units first).
    pub next_units: Vec<NextUnit>,
    /// Whether the overall money limit stops any next unit: if not, raising the budget alone
    /// buys nothing more at the margin (every next unit is stopped by another limit).
    pub money_stops: bool,
}

impl Limits {
    /// The resources that bind.
    pub fn binding(&self) -> impl Iterator<Item = &ResourceUse> {
        self.resources.iter().filter(|r| r.binding)
    }

    /// The next units the unspent money could pay for but another limit stops: what the
    /// leftover money could not buy.
    pub fn unbought(&self) -> impl Iterator<Item = &NextUnit> {
        let left = self.unspent.unwrap_or(f64::INFINITY);
        self.next_units
            .iter()
            .filter(move |u| u.cost <= left && u.stopped_by_other_than_money())
    }

    /// For the units of [`Limits::unbought`], each limit that stops any and how many it
    /// stops, most first (ties in resource order, capacity last).
    pub fn unbought_by_limit(&self) -> Vec<(String, usize)> {
        let mut counts: Vec<(String, usize)> = Vec::new();
        for u in self.unbought() {
            for s in u.stopped_by.iter().filter(|s| !s.is_money()) {
                let name = s.name();
                match counts.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, c)) => *c += 1,
                    None => counts.push((name, 1)),
                }
            }
        }
        counts.sort_by_key(|c| std::cmp::Reverse(c.1));
        counts
    }
}

/// Use, slack and binding status of every limit of `problem` under `plan`, the money left,
/// and for the best next unit of every placement (in a calendar problem: every placement and
/// week) the loss it would prevent, its cost, and which limits stop it: a department's money
/// or hours, the overall money or hours, a weekly limit, the placement's capacity.
///
/// "Binding" means stopping at least one next unit that would prevent more loss. "Next unit"
/// is one unit more on one arm, with its fixed costs if the plan has not paid them; a limit
/// that stops every such unit may still allow a re-plan that moves money elsewhere, so this
/// says what stops the plan *at its margin*.
///
/// # Errors
///
/// [`Error::Mismatch`] if the plan was made for another problem.
///
/// # Complexity
///
/// `O(arms x draws + absorbed entries)`.
///
/// # Example
///
/// With more money than the departments hold between them, the plan leaves money unspent
/// and the departments' budgets, not the overall one, stop it:
///
/// ```
/// use fanzha::analysis::limits;
/// use fanzha::{scenarios, Greedy, Strategy};
///
/// let mut problem = scenarios::jurong_2023().compile()?;
/// problem.set_money(Some(700_000.0))?;
/// let plan = Greedy::default().plan(&problem)?;
/// let l = limits(&problem, &plan)?;
/// assert!(l.unspent.unwrap() > 100_000.0);
/// assert!(!l.money_stops);
/// assert!(l.binding().any(|r| r.name.contains("department")));
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn limits(problem: &Problem, plan: &Plan) -> Result<Limits, Error> {
    let usage = plan.usage(problem)?;
    let absorbed = plan.absorbed(problem)?;
    let message_used: Vec<bool> = (0..problem.messages().len())
        .map(|m| {
            problem
                .arms_of_message(crate::core::MessageId::new(m))
                .iter()
                .any(|&a| plan.get(a) > 0)
        })
        .collect();
    let weeks = problem.structure().weeks.as_ref();
    let mut best: Vec<Option<NextUnit>> = Vec::new();
    for a in ArmId::range(problem.arms().len()) {
        let value = next_value(problem, &absorbed, a);
        if value <= 0.0 {
            continue;
        }
        let unit = next_unit(problem, &usage, &message_used, a, value);
        let slot = problem.arms()[a.index()].placement.index() * weeks.map_or(1, |w| w.weeks)
            + weeks.map_or(0, |w| w.arm_week(a).index());
        if best.len() <= slot {
            best.resize(slot + 1, None);
        }
        let better = best[slot].as_ref().is_none_or(|b| rank(&unit) > rank(b));
        if better {
            best[slot] = Some(unit);
        }
    }
    let mut next_units: Vec<NextUnit> = best.into_iter().flatten().collect();
    next_units.sort_by(|a, b| rank(b).total_cmp(&rank(a)));
    let st = problem.structure();
    let resources = problem
        .limits()
        .enumerate()
        .map(|(r, &limit)| ResourceUse {
            resource: r,
            kind: st.resources[r.index()],
            name: st.resource_name(r),
            used: usage.resources[r],
            limit,
            slack: limit.map(|l| l - usage.resources[r]),
            binding: next_units.iter().any(|u| {
                u.stopped_by
                    .iter()
                    .any(|s| matches!(s, Stop::Resource { resource, .. } if *resource == r))
            }),
        })
        .collect();
    Ok(Limits {
        resources,
        unspent: problem.money().map(|m| (m - usage.money()).max(0.0)),
        money_stops: next_units
            .iter()
            .any(|u| u.stopped_by.iter().any(Stop::is_money)),
        next_units,
    })
}

/// Loss per yuan, free units first.
fn rank(u: &NextUnit) -> f64 {
    u.per_yuan.unwrap_or(f64::INFINITY)
}

/// Loss one more unit of arm `a` prevents, given the plan's absorbed exposures.
fn next_value(problem: &Problem, absorbed: &[f64], a: ArmId) -> f64 {
    problem
        .absorbed(a)
        .map(|(c, coef)| {
            let cell = &problem.cells()[c.index()];
            let e = absorbed[c.index()];
            problem.value_at_risk(c)
                * (response::reduction(cell.ceiling, cell.scale, e + coef)
                    - response::reduction(cell.ceiling, cell.scale, e))
        })
        .sum()
}

/// One more unit of arm `a`: its cost and what stops it.
fn next_unit(
    problem: &Problem,
    usage: &Usage,
    message_used: &[bool],
    a: ArmId,
    value: f64,
) -> NextUnit {
    let st = problem.structure();
    let arm = &st.arms[a.index()];
    let k = arm.placement;
    let pl = problem.placement(k);
    let opens = usage.placement_units[k.index()] == 0;
    let produces = !message_used[arm.message.index()];
    let production = problem.production_cost(arm.message);
    let mut stopped_by = Vec::new();
    for d in &arm.draws {
        let kind = st.resources[d.resource.index()];
        let mut needs = 0.0;
        if d.placement {
            needs += kind.per_unit(pl.unit_cost, pl.staff_hours);
            if opens && kind.pays_fixed_costs() {
                needs += pl.setup_cost;
            }
        }
        if d.message && produces {
            needs += production;
        }
        if let Some(limit) = problem.limits()[d.resource] {
            let used = usage.resources[d.resource];
            if needs > 0.0 && exceeds(used + needs, limit) {
                stopped_by.push(Stop::Resource {
                    resource: d.resource,
                    kind,
                    name: st.resource_name(d.resource),
                    needs,
                    left: (limit - used).max(0.0),
                });
            }
        }
    }
    if usage.placement_units[k.index()] >= pl.capacity {
        stopped_by.push(Stop::Capacity {
            capacity: pl.capacity,
        });
    }
    let cost = pl.unit_cost
        + if opens { pl.setup_cost } else { 0.0 }
        + if produces { production } else { 0.0 };
    let info = &st.placements[k.index()];
    NextUnit {
        arm: a,
        placement: info.id.clone(),
        unit: info.unit.clone(),
        message: st.messages[arm.message.index()].id.clone(),
        week: st.weeks.as_ref().map(|w| w.arm_week(a).index() + 1),
        units: usage.placement_units[k.index()],
        capacity: pl.capacity,
        value,
        cost,
        per_yuan: (cost > 0.0).then(|| value / cost),
        stopped_by,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimize::{Greedy, Strategy};

    #[test]
    fn an_empty_plan_is_stopped_by_nothing() {
        let problem = crate::scenarios::jurong_2023().compile().expect("compiles");
        let l = limits(&problem, &Plan::empty(&problem)).expect("limits");
        assert!(!l.next_units.is_empty());
        assert!(l.next_units.iter().all(|u| u.stopped_by.is_empty()));
        assert!(l.binding().next().is_none());
        assert_eq!(l.unspent, problem.money());
    }

    #[test]
    fn a_full_placement_is_stopped_by_its_capacity() {
        let problem = crate::scenarios::jurong_2023().compile().expect("compiles");
        let plan = Greedy::default().plan(&problem).expect("plans");
        let usage = plan.usage(&problem).expect("usage");
        let l = limits(&problem, &plan).expect("limits");
        for u in &l.next_units {
            let k = problem.arms()[u.arm.index()].placement;
            let full = usage.placement_units[k.index()] >= problem.placement(k).capacity;
            let capped = u
                .stopped_by
                .iter()
                .any(|s| matches!(s, Stop::Capacity { .. }));
            assert_eq!(full, capped, "{}", u.placement);
        }
    }
}
