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
//! | `lns` | [`Lns`] | `greedy+ls`, then large-neighbourhood search on which messages are produced |
//! | `reallocate` | [`Reallocate`] | `greedy+ls`, then the relaxation's allocation of its open set, rounded |
//! | `exact` | [`Exact`] | branch and bound on the relaxation: proven optimum, small problems |
//! | `blanket` | [`Blanket`] | today's practice: equal money per channel, no targeting |
//! | `population` | [`PopulationProportional`] | money in proportion to population |

mod baselines;
pub mod bound;
mod exact;
mod floors;
mod greedy;
mod lns;
mod local_search;
mod reallocate;
mod relaxation;
pub(crate) mod state;

pub use baselines::{Blanket, PopulationProportional, spread};
pub use bound::{Bound, FixedChargeBranching, ProductionLagrangian, Relaxation, bound};
pub use exact::{Exact, ExactSolution};
pub use greedy::Greedy;
pub use lns::Lns;
pub use local_search::{GreedyLocalSearch, LocalSearch};
pub use reallocate::Reallocate;

use crate::error::Error;
use crate::plan::Plan;
use crate::problem::Problem;

/// What a strategy returns when asked for more than a plan: the plan, a certified upper
/// bound on every feasible plan's prevented loss where the strategy computed one, and
/// whether the plan is proven optimal (within the strategy's tolerance).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Solution {
    /// The plan.
    pub plan: Plan,
    /// A certified bound, where the strategy computed one.
    pub bound: Option<Bound>,
    /// Whether the plan is proven optimal within the strategy's tolerance.
    pub proven: bool,
}

impl Solution {
    /// A plan with no bound and no proof.
    pub fn unproven(plan: Plan) -> Solution {
        Solution {
            plan,
            bound: None,
            proven: false,
        }
    }
}

/// A way to turn a problem into a plan: the planning role.
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

    /// Plans the problem and says what the strategy knows of the plan's quality. The default
    /// is [`Strategy::plan`] with no bound and no proof; [`Exact`] returns its certified
    /// bound and whether it proved optimality (and, unlike its `plan`, the best plan found
    /// when the node limit stops it).
    ///
    /// # Errors
    ///
    /// As [`Strategy::plan`].
    fn solve(&self, problem: &Problem) -> Result<Solution, Error> {
        self.plan(problem).map(Solution::unproven)
    }
}

/// Improves a given plan: the local-search role.
///
/// # Example
///
/// ```
/// use fanzha::optimize::Improve;
/// use fanzha::{evaluate, scenarios, Greedy, LocalSearch, Strategy};
///
/// let problem = scenarios::jurong_2023().compile()?;
/// let plan = Greedy::default().plan(&problem)?;
/// let better = LocalSearch::default().improve(&problem, &plan)?;
/// let value = |p| evaluate(&problem, p).map(|o| o.prevented_loss);
/// assert!(value(&better)? >= value(&plan)?);
/// # Ok::<(), fanzha::Error>(())
/// ```
pub trait Improve: Send + Sync {
    /// Short name.
    fn name(&self) -> &str;

    /// A plan at least as good as `plan` and as feasible.
    ///
    /// # Errors
    ///
    /// [`Error::Mismatch`] if the plan was made for another problem, or an improver-specific
    /// reason.
    fn improve(&self, problem: &Problem, plan: &Plan) -> Result<Plan, Error>;
}

/// Bounds the prevented loss of every feasible plan from above: the certificate role.
///
/// # Example
///
/// ```
/// use fanzha::optimize::{Relaxation, UpperBound};
/// use fanzha::{evaluate, scenarios, Greedy, Strategy};
///
/// let problem = scenarios::jurong_2023().compile()?;
/// let bound = Relaxation.upper_bound(&problem)?;
/// let plan = Greedy::default().plan(&problem)?;
/// assert!(evaluate(&problem, &plan)?.prevented_loss <= bound.value);
/// # Ok::<(), fanzha::Error>(())
/// ```
pub trait UpperBound: Send + Sync {
    /// A certified upper bound.
    ///
    /// # Errors
    ///
    /// [`Error::FloorsUnaffordable`] when no plan can meet the floors, or a bound-specific
    /// reason.
    fn upper_bound(&self, problem: &Problem) -> Result<Bound, Error>;
}

/// One built-in strategy: its name, what it does, and how to make it with default settings.
#[derive(Clone, Copy)]
pub struct StrategyInfo {
    /// The name [`strategy`] knows it by.
    pub name: &'static str,
    /// What it does, in a line.
    pub about: &'static str,
    make: fn() -> Box<dyn Strategy>,
}

impl std::fmt::Debug for StrategyInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StrategyInfo")
            .field("name", &self.name)
            .field("about", &self.about)
            .finish()
    }
}

impl StrategyInfo {
    /// The strategy with default settings.
    pub fn make(&self) -> Box<dyn Strategy> {
        (self.make)()
    }
}

/// The one registry of built-in strategies, in the order tables list them.
pub const STRATEGIES: &[StrategyInfo] = &[
    StrategyInfo {
        name: "greedy",
        about: "lazy cost-benefit greedy with fixed costs, batching, safeguard",
        make: || Box::new(Greedy::default()),
    },
    StrategyInfo {
        name: "greedy+ls",
        about: "the greedy, then seeded local search",
        make: || Box::new(GreedyLocalSearch::default()),
    },
    StrategyInfo {
        name: "lns",
        about: "greedy+ls, then large-neighbourhood search on the fixed charges",
        make: || Box::new(Lns::default()),
    },
    StrategyInfo {
        name: "reallocate",
        about: "greedy+ls, then the relaxation's allocation of its open set, rounded",
        make: || Box::new(Reallocate::default()),
    },
    StrategyInfo {
        name: "exact",
        about: "branch and bound on the relaxation: proven optimum, small problems",
        make: || Box::new(Exact::default()),
    },
    StrategyInfo {
        name: "blanket",
        about: "today's practice: equal money per channel, no targeting",
        make: || Box::new(Blanket),
    },
    StrategyInfo {
        name: "population",
        about: "money in proportion to population",
        make: || Box::new(PopulationProportional),
    },
];

/// The names [`strategy`] knows, from [`STRATEGIES`].
pub const STRATEGY_NAMES: &[&str] = &NAMES;

const NAMES: [&str; STRATEGIES.len()] = {
    let mut names = [""; STRATEGIES.len()];
    let mut i = 0;
    while i < STRATEGIES.len() {
        names[i] = STRATEGIES[i].name;
        i += 1;
    }
    names
};

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
    STRATEGIES
        .iter()
        .find(|s| s.name == name)
        .map(StrategyInfo::make)
        .ok_or_else(|| Error::UnknownStrategy {
            name: name.to_string(),
            known: STRATEGY_NAMES.join(", "),
        })
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
