//! Joint against siloed planning ("各自为战"): each department plans alone, with its own
//! budget, on the channels and messages it owns.

use rayon::prelude::*;

use super::plan_if_any;
use crate::core::{ArmId, DepartmentId, ResourceKind};
use crate::error::Error;
use crate::evaluate::totals;
use crate::optimize::Strategy;
use crate::plan::Plan;
use crate::problem::Problem;

/// One department planning alone ([`siloed`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct DepartmentAlone {
    /// Department id.
    pub department: String,
    /// The money it plans with: its own limit (capped by the overall one), `None`: unlimited.
    pub money: Option<f64>,
    /// The staff hours it plans with.
    pub staff_hours: Option<f64>,
    /// Arms (message on placement pairs) it can buy alone.
    pub arms: usize,
    /// Its plan (units only on its own arms).
    pub plan: Plan,
    /// Loss its plan prevents on its own (yuan a year).
    pub value_alone: f64,
    /// Cases its plan prevents on its own a year.
    pub cases_alone: f64,
    /// Money its plan spends.
    pub spend: f64,
    /// Staff hours its plan uses.
    pub staff_hours_used: f64,
}

/// One joint plan against the departments planning alone ([`siloed`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Siloed {
    /// Prevented loss of the joint plan (yuan a year).
    pub joint: f64,
    /// Prevented cases of the joint plan a year.
    pub joint_cases: f64,
    /// Money the joint plan spends.
    pub joint_spend: f64,
    /// Prevented loss of all departments' plans run together (yuan a year): less than the sum
    /// of their values alone where they reach the same people about the same threats.
    pub siloed_total: f64,
    /// Prevented cases of all departments' plans together a year.
    pub siloed_cases: f64,
    /// Money all departments' plans spend together.
    pub siloed_spend: f64,
    /// Each department alone.
    pub per_department: Vec<DepartmentAlone>,
    /// `joint - siloed_total`: what planning together adds (yuan a year).
    pub value_of_planning_together: f64,
    /// Whether the departments together spend more than the overall money limit (each keeps
    /// to its own budget; the joint plan keeps to the overall one too).
    pub siloed_over_money: bool,
    /// Fairness floors the siloed plans meet together, of `floors` (a department alone is not
    /// held to the city's floors; the joint plan meets all of them).
    pub siloed_floors_met: usize,
    /// Fairness floor targets of the problem.
    pub floors: usize,
    /// Arms no single department can buy alone (a message and a placement of different
    /// departments, or both without an owner).
    pub shared_arms: usize,
}

/// Joint against siloed planning: each department plans with `strategy` alone, with its own
/// money and staff hours (capped by the overall limits), on the arms whose placement and
/// message it owns (an item without an owner counts as its own, but an arm with neither owned
/// belongs to no one), without the fairness floors, which no department is held to alone.
/// Their plans are then run together and valued once (they reach the same people, so their
/// values do not add up), against `joint`, the one plan of the whole problem.
///
/// Works for calendar problems too (per-week limits stay for each department).
///
/// # Errors
///
/// [`Error::Invalid`] when the problem has no departments; [`Error::Mismatch`] if `joint`
/// was made for another problem; the strategy's errors.
///
/// # Complexity
///
/// One plan of the strategy per department, on a problem of the original's size, on
/// rayon's pool.
///
/// # Example
///
/// ```
/// use fanzha::analysis::siloed;
/// use fanzha::{scenarios, Greedy, Strategy};
///
/// let problem = scenarios::jurong_2023().compile()?;
/// let joint = Greedy::default().plan(&problem)?;
/// let s = siloed(&problem, &Greedy::default(), &joint)?;
/// assert_eq!(s.per_department.len(), problem.departments().len());
/// assert!(s.siloed_total <= s.per_department.iter().map(|d| d.value_alone).sum::<f64>() + 1e-6);
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn siloed(problem: &Problem, strategy: &dyn Strategy, joint: &Plan) -> Result<Siloed, Error> {
    if problem.departments().is_empty() {
        return Err(Error::Invalid {
            item: crate::error::Item::new("problem", problem.name()),
            field: "departments".into(),
            problem: "is empty: joint against siloed planning needs departments".into(),
        });
    }
    let jt = totals(problem, joint)?;
    let per_department = DepartmentId::range(problem.departments().len())
        .collect::<Vec<_>>()
        .par_iter()
        .map(|&d| department_alone(problem, strategy, d))
        .collect::<Result<Vec<_>, Error>>()?;
    let mut union = vec![0u64; problem.arms().len()];
    for alone in &per_department {
        for (u, &x) in union.iter_mut().zip(alone.plan.units()) {
            *u += x;
        }
    }
    let union = Plan::from_units(problem, union)?;
    let st = totals(problem, &union)?;
    let floors = problem.floors().len();
    let violations = union.violations(problem)?;
    let floors_broken = violations
        .iter()
        .filter(|v| matches!(v, crate::plan::Violation::Floor { .. }))
        .count();
    let shared_arms = ArmId::range(problem.arms().len())
        .filter(|&a| owner_of(problem, a).is_none())
        .count();
    Ok(Siloed {
        joint: jt.prevented_loss,
        joint_cases: jt.prevented_cases,
        joint_spend: jt.spend,
        siloed_total: st.prevented_loss,
        siloed_cases: st.prevented_cases,
        siloed_spend: st.spend,
        per_department,
        value_of_planning_together: jt.prevented_loss - st.prevented_loss,
        siloed_over_money: problem
            .money()
            .is_some_and(|m| crate::core::exceeds(st.spend, m)),
        siloed_floors_met: floors - floors_broken,
        floors,
        shared_arms,
    })
}

/// The department that can buy arm `a` alone, if one can.
fn owner_of(problem: &Problem, a: ArmId) -> Option<DepartmentId> {
    let arm = &problem.arms()[a.index()];
    let k = problem.placements()[arm.placement.index()].owner;
    let m = problem.messages()[arm.message.index()].owner;
    match (k, m) {
        (Some(k), Some(m)) if k == m => Some(k),
        (Some(d), None) | (None, Some(d)) => Some(d),
        _ => None,
    }
}

/// Department `d`'s plan alone.
fn department_alone(
    problem: &Problem,
    strategy: &dyn Strategy,
    d: DepartmentId,
) -> Result<DepartmentAlone, Error> {
    let own: Vec<bool> = ArmId::range(problem.arms().len())
        .map(|a| owner_of(problem, a) == Some(d))
        .collect();
    let alone = silo_problem(problem, d, &own)?;
    let plan = match plan_if_any(&alone, strategy)? {
        Some((plan, _)) => plan,
        None => Plan::empty(&alone),
    };
    // Only its own arms, whatever the strategy did with the worthless others.
    let units: Vec<u64> = plan
        .units()
        .iter()
        .zip(&own)
        .map(|(&x, &mine)| if mine { x } else { 0 })
        .collect();
    let plan = Plan::from_units(problem, units)?;
    let t = totals(problem, &plan)?;
    Ok(DepartmentAlone {
        department: problem.departments()[d.index()].id.clone(),
        money: alone.money(),
        staff_hours: alone.staff_hours(),
        arms: own.iter().filter(|&&m| m).count(),
        plan,
        value_alone: t.prevented_loss,
        cases_alone: t.prevented_cases,
        spend: t.spend,
        staff_hours_used: t.staff_hours,
    })
}

/// The problem department `d` plans alone: other departments' placements at no capacity,
/// other departments' messages reaching no one, no floors, its own limits as the overall ones.
fn silo_problem(problem: &Problem, d: DepartmentId, own: &[bool]) -> Result<Problem, Error> {
    let mut params = problem.parameters().clone();
    for (k, info) in problem.placements().iter().enumerate() {
        if info.owner.is_some_and(|o| o != d) {
            params.placements[k].capacity = 0;
        }
    }
    for (coefs, &mine) in params.absorbed.iter_mut().zip(own) {
        if !mine {
            coefs.iter_mut().for_each(|c| *c = 0.0);
        }
    }
    let cap = |overall: Option<f64>, own: Option<f64>| match (overall, own) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => b.or(a),
    };
    let money = ResourceKind::Money.id();
    let hours = ResourceKind::StaffHours.id();
    params.limits[money] = cap(
        params.limits[money],
        params.limits[ResourceKind::DepartmentMoney(d).id()],
    );
    params.limits[hours] = cap(
        params.limits[hours],
        params.limits[ResourceKind::DepartmentHours(d).id()],
    );
    let mut structure = problem.structure().clone();
    structure.floors.clear();
    params.floors.clear();
    Problem::from_parts(structure, params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_silo_buys_only_its_own_arms() {
        let problem = crate::scenarios::jurong_2023().compile().expect("compiles");
        let g = crate::optimize::Greedy::default();
        let joint = g.plan(&problem).expect("plans");
        let s = siloed(&problem, &g, &joint).expect("siloed");
        for (d, alone) in s.per_department.iter().enumerate() {
            for (a, &x) in alone.plan.units().iter().enumerate() {
                if x > 0 {
                    assert_eq!(
                        owner_of(&problem, ArmId::new(a)),
                        Some(DepartmentId::new(d))
                    );
                }
            }
            assert!(alone.spend <= alone.money.unwrap_or(f64::INFINITY) * (1.0 + 1e-9));
        }
        let union: f64 = s.per_department.iter().map(|d| d.spend).sum();
        assert!((union - s.siloed_spend).abs() <= 1e-6 * union.max(1.0));
    }
}
