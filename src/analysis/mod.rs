//! Analyses a planner asks for after the plan: what more money buys, the cheapest plan for a
//! goal, what planning together is worth, what each fairness floor costs, and which limits
//! stop the plan from doing more.
//!
//! | analysis | function | what it answers |
//! |---|---|---|
//! | budget frontier | [`frontier`] | value, certified bound and blanket baseline against budget, with the knee |
//! | target mode | [`cheapest_for`] | the cheapest plan preventing at least N cases (or N yuan) a year, and a certified floor under its cost |
//! | joint vs siloed | [`siloed`] | each department alone with its own budget, channels and messages, against one joint plan |
//! | price of a floor | [`floor_prices`] | what each fairness floor costs in prevented loss |
//! | floors' status | [`floor_status`] | each floor's required and reached reduction |
//! | binding limits | [`limits`] | use and slack of every limit, unspent money, and which limit stops each next unit |
//!
//! Every analysis re-plans with the [`Strategy`] it is given (the heuristic's
//! values carry its gap, which [`frontier`] and [`cheapest_for`] certify with
//! [`bound()`](crate::optimize::bound())), works on yearly and calendar problems alike (a calendar
//! problem is an ordinary [`Problem`] with [`Structure::weeks`] set), never
//! prints and reads no clock.
//!
//! # Example
//!
//! ```
//! use fanzha::analysis::{limits, siloed};
//! use fanzha::{scenarios, GreedyLocalSearch, Strategy};
//!
//! let problem = scenarios::jurong_2023().compile()?;
//! let strategy = GreedyLocalSearch::default();
//! let plan = strategy.plan(&problem)?;
//! let l = limits(&problem, &plan)?;
//! assert!(l.resources.iter().any(|r| r.binding));
//! let s = siloed(&problem, &strategy, &plan)?;
//! assert!(s.value_of_planning_together > 0.0);
//! # Ok::<(), fanzha::Error>(())
//! ```
//!
//! [`Structure::weeks`]: crate::problem::Structure::weeks

mod floor_price;
mod floors;
mod frontier;
mod limits;
mod siloed;
mod target;

pub use floor_price::{FloorPrice, floor_prices};
pub use floors::{FloorStatus, floor_status};
pub use frontier::{DEFAULT_POINTS, Frontier, FrontierPoint, default_budgets, frontier};
pub use limits::{Limits, NextUnit, ResourceUse, Stop, limits};
pub use siloed::{DepartmentAlone, Siloed, siloed};
pub use target::{Goal, TargetPlan, cheapest_for};

use crate::error::Error;
use crate::evaluate::{Totals, totals};
use crate::optimize::{Bound, Strategy, bound};
use crate::plan::Plan;
use crate::problem::Problem;

/// `problem` with its money limit replaced by `money`.
fn with_money(problem: &Problem, money: Option<f64>) -> Result<Problem, Error> {
    let mut p = problem.clone();
    p.set_money(money)?;
    Ok(p)
}

/// Whether `e` says only that the floors cannot be met within the limits (so no plan exists
/// there), rather than that something else went wrong.
fn floors_out_of_reach(e: &Error) -> bool {
    matches!(
        e,
        Error::FloorShortfall { .. } | Error::FloorsUnaffordable | Error::UnreachableFloor { .. }
    )
}

/// The strategy's plan and its totals, `None` where the floors cannot be met.
fn plan_if_any(
    problem: &Problem,
    strategy: &dyn Strategy,
) -> Result<Option<(Plan, Totals)>, Error> {
    match strategy.plan(problem) {
        Ok(plan) => {
            let t = totals(problem, &plan)?;
            Ok(Some((plan, t)))
        }
        Err(e) if floors_out_of_reach(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The certified bound, `None` where no plan can meet the floors.
fn bound_if_any(problem: &Problem) -> Result<Option<Bound>, Error> {
    match bound(problem) {
        Ok(b) => Ok(Some(b)),
        Err(e) if floors_out_of_reach(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

/// A finite number `>= 0`, or an [`Error::InvalidParameter`] naming `parameter`.
fn check_amount(parameter: &'static str, v: f64) -> Result<(), Error> {
    if v.is_finite() && v >= 0.0 {
        Ok(())
    } else {
        Err(Error::InvalidParameter {
            parameter,
            problem: format!("must be a finite number >= 0, got {v}"),
        })
    }
}

/// What buying every unit of every placement and producing every message would cost (no plan
/// spends more), at most the largest money limit a problem takes.
fn everything_costs(problem: &Problem) -> f64 {
    let placements: f64 = problem
        .parameters()
        .placements
        .iter()
        .map(|p| p.setup_cost + p.unit_cost * p.capacity as f64)
        .sum();
    (placements + problem.parameters().production_cost.iter().sum::<f64>())
        .min(crate::core::limits::MAX_AMOUNT)
}
