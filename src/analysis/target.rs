//! Target mode: the cheapest plan that prevents at least a given number of cases (or yuan)
//! a year, and a certified floor under what any such plan costs.

use super::{bound_if_any, everything_costs, plan_if_any, with_money};
use crate::error::Error;
use crate::evaluate::{Totals, totals};
use crate::optimize::Strategy;
use crate::plan::Plan;
use crate::problem::Problem;

/// Relative width of the budget bisection (of the largest useful budget).
const TOLERANCE: f64 = 1e-3;
/// Most halvings of each bisection.
const MAX_STEPS: usize = 40;

/// What a plan must prevent each year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Goal {
    /// At least this many cases a year.
    Cases(f64),
    /// At least this much loss a year (yuan).
    Loss(f64),
}

impl Goal {
    /// The amount asked for.
    pub fn amount(self) -> f64 {
        match self {
            Goal::Cases(n) | Goal::Loss(n) => n,
        }
    }

    /// What the goal counts: `"cases"` or `"yuan"`.
    pub fn measure(self) -> &'static str {
        match self {
            Goal::Cases(_) => "cases",
            Goal::Loss(_) => "yuan",
        }
    }

    /// What `t` achieves in this goal's measure.
    pub fn achieved(self, t: &Totals) -> f64 {
        match self {
            Goal::Cases(_) => t.prevented_cases,
            Goal::Loss(_) => t.prevented_loss,
        }
    }
}

/// The cheapest plan found for a [`Goal`] ([`cheapest_for`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TargetPlan {
    /// The goal.
    pub goal: Goal,
    /// The plan: meets the goal and every limit of the problem except its money limit, which
    /// the search replaces.
    pub plan: Plan,
    /// The money limit the plan was made with.
    pub budget: f64,
    /// Money the plan spends.
    pub spend: f64,
    /// What it achieves in the goal's measure (cases or yuan a year).
    pub achieved: f64,
    /// Its prevented loss (yuan a year).
    pub prevented_loss: f64,
    /// Its prevented cases a year.
    pub prevented_cases: f64,
    /// Certified: the bound at this money limit is below the goal, so no plan spending at
    /// most this much reaches the goal; the cheapest possible plan costs more. 0 when the
    /// bound at no money already reaches the goal.
    pub cheapest_possible_above: f64,
    /// Plans and bounds computed.
    pub solves: usize,
}

impl TargetPlan {
    /// How much more the plan may cost than the cheapest possible one, as a share of its
    /// spend: `1 - cheapest_possible_above / spend` (0 for a plan that spends nothing).
    pub fn cost_gap(&self) -> f64 {
        if self.spend > 0.0 {
            (1.0 - self.cheapest_possible_above / self.spend).max(0.0)
        } else {
            0.0
        }
    }
}

/// The cheapest plan of `strategy` preventing at least `goal` a year: bisection on the money
/// limit (every other limit is the problem's; its own money limit is replaced), keeping the
/// cheapest plan that reaches the goal, then bisection on the certified bound for the largest
/// money limit at which no plan can reach it.
///
/// For [`Goal::Cases`] the strategy plans, and the bound bounds, prevented *cases* (the
/// problem with every loss per case set to 1), so the plan is the strategy's best at
/// preventing cases, not loss.
///
/// # Guarantees
///
/// The plan meets the goal and every limit but money. Its cost is within
/// [`TargetPlan::cost_gap`] of the cheapest possible: any plan reaching the goal spends more
/// than [`TargetPlan::cheapest_possible_above`] (weak duality of the relaxation at that
/// budget, see [`bound`](crate::optimize::bound())). Bisection stops at 0.1% of the largest
/// useful budget; a heuristic's value need not grow with the budget, so the plan found is the
/// cheapest seen, not proven the strategy's cheapest.
///
/// # Errors
///
/// [`Error::InvalidParameter`] when the goal is not a positive finite number, when the
/// certified bound with unlimited money is below the goal (no plan can reach it), or when the
/// strategy's plan with unlimited money does not reach it (a better strategy might); the
/// strategy's and the bound's other errors.
///
/// # Complexity
///
/// About `2 log2(1 / 0.001) = 20` plans and bounds.
///
/// # Example
///
/// ```
/// use fanzha::analysis::{cheapest_for, Goal};
/// use fanzha::{scenarios, GreedyLocalSearch};
///
/// let problem = scenarios::jurong_2023().compile()?;
/// let t = cheapest_for(&problem, &GreedyLocalSearch::default(), Goal::Cases(150.0))?;
/// assert!(t.prevented_cases >= 150.0);
/// assert!(t.cheapest_possible_above <= t.spend);
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn cheapest_for(
    problem: &Problem,
    strategy: &dyn Strategy,
    goal: Goal,
) -> Result<TargetPlan, Error> {
    let amount = goal.amount();
    if !(amount.is_finite() && amount > 0.0) {
        return Err(Error::InvalidParameter {
            parameter: "goal",
            problem: format!("must be a positive finite number, got {amount}"),
        });
    }
    let objective = match goal {
        Goal::Cases(_) => cases_problem(problem)?,
        Goal::Loss(_) => problem.clone(),
    };
    let mut search = Search {
        problem,
        objective: &objective,
        strategy,
        goal,
        solves: 0,
    };
    let top = everything_costs(problem);
    let (mut best, mut best_budget) = search.reachable(top)?;
    // Bisection on the budget: `lo` does not reach the goal (or is 0), `hi` does.
    let (mut lo, mut hi) = (0.0, best.2.spend.min(best_budget));
    for _ in 0..MAX_STEPS {
        if hi - lo <= TOLERANCE * top.max(1.0) {
            break;
        }
        let mid = 0.5 * (lo + hi);
        match search.plan_at(mid)? {
            Some((plan, t, got)) if got >= amount => {
                hi = t.spend.min(mid);
                if t.spend < best.1 {
                    best = (plan, t.spend, t);
                    best_budget = mid;
                }
            }
            _ => lo = mid,
        }
    }
    let above = search.certified_floor(best.1)?;
    let (plan, spend, t) = best;
    Ok(TargetPlan {
        goal,
        achieved: goal.achieved(&t),
        prevented_loss: t.prevented_loss,
        prevented_cases: t.prevented_cases,
        plan,
        budget: best_budget,
        spend,
        cheapest_possible_above: above,
        solves: search.solves,
    })
}

/// The problem whose prevented loss is the original's prevented cases: every loss set to 1.
fn cases_problem(problem: &Problem) -> Result<Problem, Error> {
    let mut params = problem.parameters().clone();
    for cell in &mut params.cells {
        cell.loss = 1.0;
    }
    problem.with_parameters(params)
}

/// The state of one target search.
struct Search<'a> {
    problem: &'a Problem,
    objective: &'a Problem,
    strategy: &'a dyn Strategy,
    goal: Goal,
    solves: usize,
}

type Found = (Plan, f64, Totals);

impl Search<'_> {
    /// The strategy's plan at money `budget` (planned on the goal's objective), its totals on
    /// the problem, and what it achieves; `None` where no plan meets the floors.
    fn plan_at(&mut self, budget: f64) -> Result<Option<(Plan, Totals, f64)>, Error> {
        self.solves += 1;
        let p = with_money(self.objective, Some(budget))?;
        let Some((plan, _)) = plan_if_any(&p, self.strategy)? else {
            return Ok(None);
        };
        let t = totals(self.problem, &plan)?;
        let got = self.goal.achieved(&t);
        Ok(Some((plan, t, got)))
    }

    /// The plan at the largest useful budget, which must reach the goal.
    fn reachable(&mut self, top: f64) -> Result<(Found, f64), Error> {
        let amount = self.goal.amount();
        self.solves += 1;
        let most = bound_if_any(&with_money(self.objective, Some(top))?)?.map_or(0.0, |b| b.value);
        if most < amount {
            return Err(Error::InvalidParameter {
                parameter: "goal",
                problem: format!(
                    "{amount} {what} a year is out of reach: no plan within the other limits \
                     prevents more than {most:.1} {what} (certified bound, with unlimited money)",
                    what = self.goal.measure()
                ),
            });
        }
        match self.plan_at(top)? {
            Some((plan, t, got)) if got >= amount => Ok(((plan, t.spend, t), top)),
            found => Err(Error::InvalidParameter {
                parameter: "goal",
                problem: format!(
                    "{amount} {what} a year: strategy `{}` reaches only {:.1} with unlimited \
                     money, though the certified bound allows up to {most:.1}; try a stronger \
                     strategy",
                    self.strategy.name(),
                    found.map_or(0.0, |f| f.2),
                    what = self.goal.measure()
                ),
            }),
        }
    }

    /// The largest money limit (up to `spend`) at which the bound is below the goal, by
    /// bisection; 0 when even no money may reach the goal.
    fn certified_floor(&mut self, spend: f64) -> Result<f64, Error> {
        let amount = self.goal.amount();
        let below = |b: f64, solves: &mut usize| -> Result<bool, Error> {
            *solves += 1;
            let p = with_money(self.objective, Some(b))?;
            Ok(bound_if_any(&p)?.is_none_or(|bd| bd.value < amount))
        };
        if !below(0.0, &mut self.solves)? {
            return Ok(0.0);
        }
        let (mut lo, mut hi) = (0.0, spend);
        for _ in 0..MAX_STEPS {
            if hi - lo <= TOLERANCE * spend.max(1.0) {
                break;
            }
            let mid = 0.5 * (lo + hi);
            if below(mid, &mut self.solves)? {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        Ok(lo)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimize::Greedy;

    #[test]
    fn bad_and_unreachable_goals_are_errors() {
        let problem = crate::scenarios::jurong_2023().compile().expect("compiles");
        let g = Greedy::default();
        assert!(cheapest_for(&problem, &g, Goal::Cases(0.0)).is_err());
        assert!(cheapest_for(&problem, &g, Goal::Loss(f64::NAN)).is_err());
        let all = problem.cases_at_risk();
        let e = cheapest_for(&problem, &g, Goal::Cases(all)).expect_err("no plan prevents all");
        assert!(e.to_string().contains("out of reach"), "{e}");
    }

    #[test]
    fn the_cases_problem_counts_cases() {
        let problem = crate::scenarios::jurong_2023().compile().expect("compiles");
        let cases = cases_problem(&problem).expect("valid");
        assert!((cases.loss_at_risk() - problem.cases_at_risk()).abs() < 1e-6);
    }
}
