//! # fanzha (反诈): targeted anti-fraud publicity plans
//!
//! Telecom and online fraud hits different people in different ways: romance
//! ("pig-butchering") scams hit women, order-brushing rebate scams hit young people without
//! fixed jobs, loan scams hit male factory workers, fake health products hit the elderly. Each
//! group lives on different channels. `fanzha` decides **which warning reaches which group
//! through which channel, how much of it**, under money, staff-time, department and fairness
//! constraints, and says how much loss a plan prevents.
//!
//! The data flows one way:
//!
//! ```text
//! scenario JSON -> Scenario -> compile() -> Problem -> Strategy -> Plan -> evaluate() -> Outcome
//! ```
//!
//! # Quick start
//!
//! ```
//! use fanzha::prelude::*;
//!
//! // The built-in Jurong 2023 scenario; `Scenario::from_path("my.json")` reads your own.
//! let mut problem = scenarios::jurong_2023().compile()?;
//! problem.set_money(Some(400_000.0))?;
//!
//! // Greedy plus local search, and the certified bound on what any plan could prevent.
//! let (plan, bound) = plan_and_bound(&problem, &GreedyLocalSearch::default())?;
//! plan.check(&problem)?; // every constraint holds
//! let outcome = evaluate(&problem, &plan)?.with_bound(bound.value);
//!
//! let blanket = evaluate(&problem, &Blanket.plan(&problem)?)?;
//! assert!(outcome.prevented_loss > blanket.prevented_loss);
//! println!(
//!     "prevents {:.0} yuan a year for {:.0} yuan, within {:.1}% of optimal",
//!     outcome.prevented_loss,
//!     outcome.spend,
//!     100.0 * outcome.gap.unwrap_or(0.0)
//! );
//! # Ok::<(), fanzha::Error>(())
//! ```
//!
//! # The model
//!
//! Absorbed exposures of segment `s` to warnings about threat `f` are
//! `E_sf = sum x_mk g_ks d_c a_ms w_mf` (units x audience x channel depth x appeal x relevance);
//! risk falls by `r_sf = rho_sf (1 - exp(-E_sf / kappa_sf))`; the plan's value is the prevented
//! loss `sum N_s p_sf L_sf r_sf`. See [`response`] and the crate README.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod analysis;
pub mod calendar;
pub mod core;
pub mod diffusion;
#[cfg(feature = "distributed")]
pub mod distributed;
pub mod error;
pub mod evaluate;
pub mod fit;
pub mod generate;
pub mod model;
pub mod optimize;
pub mod plan;
pub mod problem;
pub mod report;
pub mod response;
pub mod scenarios;
pub mod uncertainty;
// Kept at its old path for the modules that still name it there.
pub(crate) use crate::core::total;

pub use error::Error;
pub use evaluate::{Outcome, evaluate};
pub use model::Scenario;
pub use optimize::{
    Blanket, Exact, Greedy, GreedyLocalSearch, Improve, Lns, LocalSearch, PopulationProportional,
    Reallocate, STRATEGIES, STRATEGY_NAMES, Solution, Strategy, UpperBound, plan_and_bound,
    strategy,
};
pub use plan::{Allocation, Plan, Usage, Violation};
pub use problem::Problem;
pub use report::PlanReport;

/// What a user needs for the common path: read, compile, plan (and bound), evaluate.
pub mod prelude {
    pub use crate::error::Error;
    pub use crate::evaluate::{Outcome, evaluate};
    pub use crate::model::Scenario;
    pub use crate::optimize::{
        Blanket, Exact, Greedy, GreedyLocalSearch, Improve, LocalSearch, PopulationProportional,
        Solution, Strategy, UpperBound, plan_and_bound, strategy,
    };
    pub use crate::plan::{Allocation, Plan, Usage, Violation};
    pub use crate::problem::Problem;
    pub use crate::report::PlanReport;
    pub use crate::scenarios;
}

/// The README's code blocks, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
