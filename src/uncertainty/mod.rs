//! Uncertainty: ranges on the assumptions, Monte Carlo outcomes, sensitivity, robust plans.
//!
//! ```text
//! Scenario ─compile_uncertain→ (Problem, Uncertainty) ─Sampler→ Parameters per draw
//!     ─with_parameters→ Problem per draw ─evaluate→ KPIs per draw ─summaries→ MonteCarlo
//! ```
//!
//! - [`Uncertainty`] is the compiled `uncertainty` section: [`Entry`]s, each **one** random
//!   quantity ([`Law`]) shared by every value it selects ([`Targets`]).
//! - [`Sampler`] makes draw `i` from a ChaCha8 stream keyed by `(seed, i)` ([`stream`]), so a
//!   draw is the same on any thread count and in any order; each draw replaces the problem's
//!   [`Parameters`](crate::problem::Parameters) (no recompiling).
//! - [`monte_carlo`] gives a plan's mean, standard deviation and 5/50/95% quantiles of
//!   prevented loss and cases, spend and staff hours, per threat and group; [`versus`] the
//!   probability that one plan beats another.
//! - [`sensitivity`] gives the one-way tornado (each entry at its 5% and 95% points, the
//!   others at their medians; whether the best plan changes) and each entry's expected value
//!   of partial perfect information: which assumption is worth measuring first.
//! - [`Robust`] plans for `(1 - beta) mean + beta CVaR_alpha` of prevented loss over sample
//!   draws, with a certified bound on the sample problem and the plan's value on fresh draws;
//!   [`RobustStrategy`] is the same as a [`Strategy`](crate::Strategy).

mod draws;
mod monte_carlo;
mod robust;
mod sensitivity;
mod spec;

pub use draws::{Draw, Sampler, stream};
pub use monte_carlo::{MonteCarlo, Named, Summary, Versus, monte_carlo, values_over_draws, versus};
#[cfg(feature = "distributed")]
pub(crate) use monte_carlo::{Row, kpi_rows, summarise};
pub use robust::{RiskValue, Robust, RobustSolution, RobustStrategy};
pub use sensitivity::{EvppiRow, Sensitivity, TornadoRow, sensitivity};
pub use spec::{CellField, Entry, Law, Point, Targets, Uncertainty, Z95};
