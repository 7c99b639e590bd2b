//! The price of each fairness floor: the prevented loss given up to meet it.

use itertools::Itertools;
use rayon::prelude::*;

use super::{bound_if_any, plan_if_any};
use crate::error::Error;
use crate::evaluate::totals;
use crate::optimize::{Improve, LocalSearch, Strategy};
use crate::plan::Plan;
use crate::problem::Problem;

/// What one floor entry of the scenario costs ([`floor_prices`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FloorPrice {
    /// Position of the scenario's floor entry.
    pub floor: usize,
    /// Its targets' groups (ids, first-seen order).
    pub groups: Vec<String>,
    /// Its targets' threats (ids, first-seen order).
    pub threats: Vec<String>,
    /// Its (segment, threat) targets.
    pub targets: usize,
    /// The largest reduction it asks of a target.
    pub min_reduction: f64,
    /// Prevented loss of the best plan found with every floor (yuan a year): the plan given,
    /// or local search from it where that finds more.
    pub value_with: f64,
    /// Prevented loss of the best plan found without this floor (the others kept): the
    /// better of the strategy's plan and local search from the plan with every floor.
    pub value_without: f64,
    /// `value_without - value_with`: what the floor costs in prevented loss, as far as the
    /// strategy can tell; never negative when the plan with every floor is feasible (local
    /// search from it keeps at least its value).
    pub price: f64,
    /// Certified: no plan without this floor prevents more than this (`None`: no bound, as
    /// when the other floors are out of reach).
    pub bound_without: Option<f64>,
    /// Certified: the floor costs the plan with every floor at most
    /// `bound_without - value_with`.
    pub price_at_most: Option<f64>,
}

/// The price of each floor entry of the scenario: the problem re-planned without that entry's
/// floors (all its targets; the other floors kept), with `strategy` and by [`LocalSearch`]
/// from `with` (the plan that meets every floor, so also a plan without this one: a warm
/// start), against `with`, and the certified bound without it.
///
/// Empty when the problem has no floors. Works for calendar problems (a floor entry's targets
/// are then its blocks of weeks).
///
/// # Errors
///
/// [`Error::Mismatch`] if `with` was made for another problem; the strategy's and the
/// bound's errors other than floors out of reach.
///
/// # Complexity
///
/// One plan, one local search and one bound per floor entry, on rayon's pool.
///
/// # Example
///
/// ```
/// use fanzha::analysis::floor_prices;
/// use fanzha::{scenarios, GreedyLocalSearch, Strategy};
///
/// let problem = scenarios::jurong_2023().compile()?;
/// let s = GreedyLocalSearch::default();
/// let plan = s.plan(&problem)?;
/// let prices = floor_prices(&problem, &s, &plan)?;
/// assert_eq!(prices.len(), 2); // the elderly's and the students' floors
/// for p in &prices {
///     assert!(p.value_with <= p.bound_without.unwrap());
/// }
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn floor_prices(
    problem: &Problem,
    strategy: &dyn Strategy,
    with: &Plan,
) -> Result<Vec<FloorPrice>, Error> {
    // Both sides from the same start: local search from `with` under every floor, and (in
    // `price_of`) under all floors but one, so that a price is the floor's, not the search's.
    let improved = if with.violations(problem)?.is_empty() {
        LocalSearch::default().improve(problem, with)?
    } else {
        with.clone()
    };
    let value_with = totals(problem, with)?
        .prevented_loss
        .max(totals(problem, &improved)?.prevented_loss);
    let with = &improved;
    let entries: Vec<usize> = problem
        .floors()
        .iter()
        .map(|f| f.entry)
        .unique()
        .sorted()
        .collect();
    entries
        .par_iter()
        .map(|&entry| price_of(problem, strategy, with, entry, value_with))
        .collect()
}

/// The price of floor entry `entry`.
fn price_of(
    problem: &Problem,
    strategy: &dyn Strategy,
    with: &Plan,
    entry: usize,
    value_with: f64,
) -> Result<FloorPrice, Error> {
    let st = problem.structure();
    let without = without_floor(problem, entry)?;
    let (plan, b) = rayon::join(
        || plan_if_any(&without, strategy),
        || bound_if_any(&without),
    );
    let (plan, b) = (plan?, b?);
    let cold = match plan {
        Some((_, t)) => t.prevented_loss,
        None => 0.0,
    };
    // The plan with every floor meets the others too: local search from it is a plan without
    // this floor at least as good, so the price is never negative.
    let warm = if with.violations(&without)?.is_empty() {
        let plan = LocalSearch::default().improve(&without, with)?;
        totals(&without, &plan)?.prevented_loss
    } else {
        0.0
    };
    let value_without = cold.max(warm);
    let bound_without = b.map(|b| b.value);
    let mine = problem
        .floors()
        .iter()
        .enumerate()
        .filter(|(_, f)| f.entry == entry);
    let groups = mine
        .clone()
        .map(|(_, f)| st.groups[st.segments[f.segment.index()].group.index()].clone())
        .unique()
        .collect();
    let threats = mine
        .clone()
        .map(|(_, f)| st.threats[f.threat.index()].id.clone())
        .unique()
        .collect();
    let targets = mine.clone().count();
    let min_reduction = mine
        .map(|(j, _)| problem.floor_level(j))
        .fold(0.0, f64::max);
    Ok(FloorPrice {
        floor: entry,
        groups,
        threats,
        targets,
        min_reduction,
        value_with,
        value_without,
        price: value_without - value_with,
        bound_without,
        price_at_most: bound_without.map(|b| (b - value_with).max(0.0)),
    })
}

/// `problem` without the floors of scenario entry `entry`.
fn without_floor(problem: &Problem, entry: usize) -> Result<Problem, Error> {
    let mut structure = problem.structure().clone();
    let mut params = problem.parameters().clone();
    let keep: Vec<bool> = structure.floors.iter().map(|f| f.entry != entry).collect();
    let mut k = keep.iter();
    structure.floors.retain(|_| *k.next().unwrap_or(&true));
    let mut k = keep.iter();
    params.floors.retain(|_| *k.next().unwrap_or(&true));
    Problem::from_parts(structure, params)
}
