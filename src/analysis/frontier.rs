//! The budget frontier: what each budget buys, with the certified bound and the baseline.

use rayon::prelude::*;

use super::{bound_if_any, check_amount, plan_if_any, with_money};
use crate::error::Error;
use crate::evaluate::totals;
use crate::optimize::{Improve, LocalSearch, Strategy};
use crate::plan::Plan;
use crate::problem::Problem;

/// Points of [`default_budgets`] when asked for the default grid.
pub const DEFAULT_POINTS: usize = 20;

/// One budget of a [`Frontier`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FrontierPoint {
    /// The money limit (yuan); every other limit is the problem's.
    pub budget: f64,
    /// Prevented loss of the plan (yuan a year), `None` where no plan meets the floors.
    pub value: Option<f64>,
    /// Prevented cases of the plan a year.
    pub cases: Option<f64>,
    /// Money the plan spends (at most `budget`).
    pub spend: Option<f64>,
    /// Certified bound: no plan within this budget prevents more (`None`: none meets the
    /// floors).
    pub bound: Option<f64>,
    /// Prevented loss of the baseline strategy's plan at this budget.
    pub baseline: Option<f64>,
    /// Loss prevented per yuan of budget added since the previous point, where both have a
    /// plan (`None` at the first point).
    pub marginal: Option<f64>,
    /// Whether the plan kept is the warm start (the previous point's plan improved by local
    /// search) rather than the strategy's own plan at this budget.
    pub warm: bool,
    /// The plan.
    pub plan: Option<Plan>,
}

impl FrontierPoint {
    /// `1 - value / bound`, where both exist.
    pub fn gap(&self) -> Option<f64> {
        Some(crate::core::gap(self.value?, self.bound?))
    }
}

/// Value, certified bound and baseline against budget ([`frontier`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Frontier {
    /// The strategy's name.
    pub strategy: String,
    /// The baseline's name.
    pub baseline: String,
    /// One point per budget, in ascending budget.
    pub points: Vec<FrontierPoint>,
    /// Index into `points` of the knee: the point farthest above the chord from the first
    /// to the last point with a value, budgets and values each scaled to `[0, 1]` (where
    /// the return of more money falls off most). `None` with fewer than three valued points
    /// or a straight frontier.
    pub knee: Option<usize>,
}

/// A grid of `points` budgets, evenly spaced from `max / points` to `max`, with `max` twice
/// the problem's money limit (so the grid shows what doubling the budget would buy), or,
/// without a money limit, what buying every unit of every placement and every message
/// would cost; at most the largest money limit a problem takes (`1e15`).
///
/// # Example
///
/// ```
/// use fanzha::analysis::{default_budgets, DEFAULT_POINTS};
///
/// let problem = fanzha::scenarios::jurong_2023().compile()?;
/// let grid = default_budgets(&problem, DEFAULT_POINTS);
/// assert_eq!(grid.len(), 20);
/// assert_eq!(grid[19], 2.0 * problem.money().unwrap());
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn default_budgets(problem: &Problem, points: usize) -> Vec<f64> {
    let max = match problem.money() {
        Some(m) if m > 0.0 => (2.0 * m).min(crate::core::limits::MAX_AMOUNT),
        _ => super::everything_costs(problem),
    };
    (1..=points)
        .map(|i| max * i as f64 / points as f64)
        .collect()
}

/// The budget frontier of `problem`: at each of `budgets` (money limits; every other limit
/// stays), the `strategy`'s plan, its certified bound and the `baseline`'s plan.
///
/// # Warm start
///
/// Budgets are swept in ascending order. A plan feasible at one budget is feasible at every
/// larger one (only the money limit grows), so at each budget the previous point's plan is
/// improved by [`LocalSearch`] (which adds units with the new money, moves and opens
/// placements) and kept if it beats the strategy's own plan at that budget. The frontier's
/// values therefore never fall as the budget grows, even where a heuristic's plan at a larger
/// budget happens to be worse ([`FrontierPoint::warm`] says which plan was kept). The bounds
/// and the baseline are computed beside the sweep, on rayon's pool.
///
/// # Errors
///
/// [`Error::InvalidParameter`] if `budgets` is empty or holds a negative or non-finite
/// number; the strategy's, baseline's or bound's errors other than floors out of reach (a
/// budget too small for the floors gives a point with no value instead).
///
/// # Complexity
///
/// Per budget: one plan of the strategy, one local search and one bound (see
/// [`bound`](crate::optimize::bound())), and one plan of the baseline.
///
/// # Example
///
/// ```
/// use fanzha::analysis::frontier;
/// use fanzha::{scenarios, Blanket, GreedyLocalSearch};
///
/// let problem = scenarios::jurong_2023().compile()?;
/// let f = frontier(&problem, &GreedyLocalSearch::default(), &Blanket, &[1e5, 2e5, 4e5, 8e5])?;
/// for p in &f.points {
///     assert!(p.value.unwrap() <= p.bound.unwrap());
/// }
/// assert!(f.points.windows(2).all(|w| w[0].value <= w[1].value));
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn frontier(
    problem: &Problem,
    strategy: &dyn Strategy,
    baseline: &dyn Strategy,
    budgets: &[f64],
) -> Result<Frontier, Error> {
    if budgets.is_empty() {
        return Err(Error::InvalidParameter {
            parameter: "budgets",
            problem: "is empty".into(),
        });
    }
    for &b in budgets {
        check_amount("budgets", b)?;
    }
    let mut budgets = budgets.to_vec();
    budgets.sort_by(f64::total_cmp);
    let problems = budgets
        .iter()
        .map(|&b| with_money(problem, Some(b)))
        .collect::<Result<Vec<_>, Error>>()?;
    let (sweep, beside) = rayon::join(
        || sweep(&problems, strategy),
        || {
            problems
                .par_iter()
                .map(|p| {
                    let bound = bound_if_any(p)?.map(|b| b.value);
                    let base = plan_if_any(p, baseline)?.map(|(_, t)| t.prevented_loss);
                    Ok((bound, base))
                })
                .collect::<Result<Vec<_>, Error>>()
        },
    );
    let (sweep, beside) = (sweep?, beside?);
    let mut points = Vec::with_capacity(budgets.len());
    let mut previous: Option<(f64, f64)> = None;
    for ((&budget, (plan, warm)), (bound, base)) in budgets.iter().zip(sweep).zip(beside) {
        let t = match &plan {
            Some(plan) => {
                let idx = points.len();
                Some(totals(&problems[idx], plan)?)
            }
            None => None,
        };
        let value = t.map(|t| t.prevented_loss);
        let marginal = match (value, previous) {
            (Some(v), Some((b0, v0))) if budget > b0 => Some((v - v0) / (budget - b0)),
            _ => None,
        };
        previous = value.map(|v| (budget, v));
        points.push(FrontierPoint {
            budget,
            value,
            cases: t.map(|t| t.prevented_cases),
            spend: t.map(|t| t.spend),
            bound,
            baseline: base,
            marginal,
            warm,
            plan,
        });
    }
    let knee = knee(&points);
    Ok(Frontier {
        strategy: strategy.name().to_string(),
        baseline: baseline.name().to_string(),
        points,
        knee,
    })
}

/// The plans of the sweep, ascending budgets, each warm-started from the previous one.
fn sweep(
    problems: &[Problem],
    strategy: &dyn Strategy,
) -> Result<Vec<(Option<Plan>, bool)>, Error> {
    let ls = LocalSearch::default();
    let mut out: Vec<(Option<Plan>, bool)> = Vec::with_capacity(problems.len());
    let mut last: Option<Plan> = None;
    for p in problems {
        let cold = plan_if_any(p, strategy)?;
        let warm = match &last {
            Some(prev) if prev.violations(p)?.is_empty() => {
                let plan = ls.improve(p, prev)?;
                let t = totals(p, &plan)?;
                Some((plan, t))
            }
            _ => None,
        };
        let kept = match (cold, warm) {
            (Some(c), Some(w)) if w.1.prevented_loss > c.1.prevented_loss => (Some(w.0), true),
            (Some(c), _) => (Some(c.0), false),
            (None, Some(w)) => (Some(w.0), true),
            (None, None) => (None, false),
        };
        if kept.0.is_some() {
            last.clone_from(&kept.0);
        }
        out.push(kept);
    }
    Ok(out)
}

/// The point farthest above the chord between the first and last valued points, budgets and
/// values scaled to `[0, 1]`.
fn knee(points: &[FrontierPoint]) -> Option<usize> {
    let valued: Vec<(usize, f64, f64)> = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.value.map(|v| (i, p.budget, v)))
        .collect();
    if valued.len() < 3 {
        return None;
    }
    let (_, b0, v0) = valued[0];
    let (_, b1, v1) = valued[valued.len() - 1];
    let (db, dv) = (b1 - b0, v1 - v0);
    if db <= 0.0 || dv <= 0.0 {
        return None;
    }
    // Height above the chord in scaled coordinates: y - x for x, y in [0, 1].
    let (best, height) = valued
        .iter()
        .map(|&(i, b, v)| (i, (v - v0) / dv - (b - b0) / db))
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    (height > 1e-9).then_some(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(budget: f64, value: Option<f64>) -> FrontierPoint {
        FrontierPoint {
            budget,
            value,
            cases: None,
            spend: None,
            bound: None,
            baseline: None,
            marginal: None,
            warm: false,
            plan: None,
        }
    }

    #[test]
    fn the_knee_is_where_the_curve_bends_most() {
        // Steep to 2, flat after.
        let pts: Vec<_> = [(1.0, 5.0), (2.0, 9.0), (3.0, 9.5), (4.0, 9.8), (5.0, 10.0)]
            .iter()
            .map(|&(b, v)| point(b, Some(v)))
            .collect();
        assert_eq!(knee(&pts), Some(1));
        // A straight line has no knee.
        let line: Vec<_> = (1..6).map(|i| point(i as f64, Some(i as f64))).collect();
        assert_eq!(knee(&line), None);
        // Unvalued points are skipped, and two valued points are too few.
        let few = vec![
            point(1.0, None),
            point(2.0, Some(1.0)),
            point(3.0, Some(2.0)),
        ];
        assert_eq!(knee(&few), None);
    }

    #[test]
    fn bad_budgets_are_errors() {
        let problem = crate::scenarios::jurong_2023().compile().expect("compiles");
        let g = crate::optimize::Greedy::default();
        let b = crate::optimize::Blanket;
        assert!(frontier(&problem, &g, &b, &[]).is_err());
        assert!(frontier(&problem, &g, &b, &[1e5, f64::NAN]).is_err());
        assert!(frontier(&problem, &g, &b, &[-1.0]).is_err());
    }
}
