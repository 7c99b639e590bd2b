//! Strategies: turn a [`Problem`] into a [`Plan`].
//!
//! Every strategy implements [`Strategy`] and is usable as `&dyn Strategy`. Each respects
//! every constraint of the problem (money, staff hours, capacities, department limits, floors)
//! or returns an error saying which it cannot meet.
//!
//! | name | strategy | what it is |
//! |---|---|---|
//! | `greedy` | [`Greedy`] | lazy cost-benefit greedy with fixed costs, batching, safeguard |
//! | `greedy+ls` | [`GreedyLocalSearch`] | the greedy, then seeded [`LocalSearch`] |
//! | `exact` | [`Exact`] | branch and bound on the relaxation: proven optimum, small problems |
//! | `blanket` | [`Blanket`] | today's practice: equal money per channel, no targeting |
//! | `population` | [`PopulationProportional`] | money in proportion to population |

mod baselines;
pub mod bound;
mod exact;
mod floors;
mod greedy;
mod local_search;
mod relaxation;
pub(crate) mod state;

pub use baselines::{Blanket, PopulationProportional, spread};
pub use bound::{Bound, bound};
pub use exact::{Exact, ExactSolution};
pub use greedy::Greedy;
pub use local_search::{GreedyLocalSearch, LocalSearch};

use crate::error::Error;
use crate::plan::Plan;
use crate::problem::Problem;

/// A way to turn a problem into a plan.
///
/// Strategies are `Send + Sync` so a plan can be made on another thread, e.g. while the
/// bound is computed ([`plan_and_bound`]).
///
/// # Example
///
/// A strategy of your own: spend nothing.
///
/// ```
/// use fanzha::{Error, Plan, Problem, Strategy};
///
/// struct DoNothing;
///
/// impl Strategy for DoNothing {
///     fn name(&self) -> &str {
///         "nothing"
///     }
///     fn plan(&self, problem: &Problem) -> Result<Plan, Error> {
///         Ok(Plan::empty(problem))
///     }
/// }
///
/// let problem = fanzha::scenarios::jurong_2023().compile()?;
/// let strategies: Vec<Box<dyn Strategy>> = vec![Box::new(DoNothing), Box::new(fanzha::Greedy::default())];
/// for s in &strategies {
///     let plan = s.plan(&problem);
///     assert!(plan.is_ok(), "{} failed", s.name());
/// }
/// # Ok::<(), fanzha::Error>(())
/// ```
pub trait Strategy: Send + Sync {
    /// Short name, as used on command lines and in plan files.
    fn name(&self) -> &str;

    /// Plans the problem.
    ///
    /// # Errors
    ///
    /// When the problem's floors cannot be met within its resources
    /// ([`Error::FloorShortfall`]), or a strategy-specific reason.
    fn plan(&self, problem: &Problem) -> Result<Plan, Error>;
}

/// The names [`strategy`] knows.
pub const STRATEGY_NAMES: &[&str] = &["greedy", "greedy+ls", "exact", "blanket", "population"];

/// The built-in strategy called `name`, with default settings.
///
/// # Errors
///
/// [`Error::UnknownStrategy`] listing the known names.
///
/// # Example
///
/// ```
/// let greedy = fanzha::strategy("greedy")?;
/// assert_eq!(greedy.name(), "greedy");
/// assert!(fanzha::strategy("genetic").is_err());
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn strategy(name: &str) -> Result<Box<dyn Strategy>, Error> {
    match name {
        "greedy" => Ok(Box::new(Greedy::default())),
        "greedy+ls" => Ok(Box::new(GreedyLocalSearch::default())),
        "exact" => Ok(Box::new(Exact::default())),
        "blanket" => Ok(Box::new(Blanket)),
        "population" => Ok(Box::new(PopulationProportional)),
        _ => Err(Error::UnknownStrategy {
            name: name.to_string(),
            known: STRATEGY_NAMES.join(", "),
        }),
    }
}

/// Plans with `strategy` and computes the certified [`bound()`] at the same time, on two
/// threads (rayon's pool): the planner's common path, in the time of the slower of the two.
///
/// # Errors
///
/// The strategy's error, else the bound's.
///
/// # Example
///
/// ```
/// use fanzha::optimize::{plan_and_bound, GreedyLocalSearch};
/// use fanzha::{evaluate, scenarios};
///
/// let problem = scenarios::jurong_2023().compile()?;
/// let (plan, bound) = plan_and_bound(&problem, &GreedyLocalSearch::default())?;
/// let outcome = evaluate(&problem, &plan)?.with_bound(bound.value);
/// assert!(outcome.gap.unwrap() < 0.01);
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn plan_and_bound(problem: &Problem, strategy: &dyn Strategy) -> Result<(Plan, Bound), Error> {
    let (plan, bound) = rayon::join(|| strategy.plan(problem), || bound::bound(problem));
    Ok((plan?, bound?))
}
