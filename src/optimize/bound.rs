//! A certified upper bound on the prevented loss of every feasible plan.
//!
//! # The relaxation
//!
//! The integer problem (DESIGN.md) chooses units `x_a` of every arm `a = (m, k)`, pays the
//! setup cost `F_k` of every used placement and the production cost `P_m` of every used
//! message, and maximises the concave `V(x) = sum_c S_c (1 - exp(-E_c(x) / kappa_c))` with
//! `S_c = A_c rho_c` and `E_c(x) = sum_a coef_ac x_a`. Its continuous relaxation `R` keeps
//! every constraint and relaxes only integrality and the fixed charges:
//!
//! - `0 <= x_a <= M_a`, where `M_a` is the most units arm `a` can have in *any* feasible plan
//!   (its capacity, and what its fixed costs leave of every money and hour limit it draws on);
//! - a placement's setup cost is spread over its units: `u_k + F_k / M_k` per unit, where
//!   `M_k <= U_k` is the most units placement `k` can have in a feasible plan. Any integer plan
//!   with `1 <= n_k <= M_k` units on `k` pays `F_k >= F_k n_k / M_k`;
//! - each message with a production cost gets `z_m in [0, 1]` with `z_m >= x_a / M_a` for each
//!   of its arms and pays `P_m z_m`. An integer plan using `m` sets `z_m = 1`, which satisfies
//!   every `z_m >= x_a / M_a` because `x_a <= M_a`;
//! - the money, staff-hour, capacity and department constraints are kept with the spread costs
//!   (each with the same rounding slack [`Plan::check`](crate::Plan::check) allows), and every
//!   fairness floor is the linear constraint `E_c >= -kappa ln(1 - phi / rho)`.
//!
//! So every feasible integer plan is a feasible point of `R` with the same value, and
//! `max_R V >= max_plans V`. `R` is a convex program (exponential cones for the objective,
//! linear constraints) solved by the interior-point solver [clarabel](https://clarabel.org).
//!
//! # Why the bound is valid whatever the solver returns
//!
//! The solver stops at a tolerance, so its objective is not a proof. The bound reported is
//! instead computed from the solver's point `x^` and its multipliers `y >= 0` of the linear
//! rows `G w <= h` (with `w = (x, z)` in a box `l <= w <= v`):
//!
//! 1. `V` is concave, so its linearisation overestimates it everywhere:
//!    `V(x) <= V(x^) + g . (x - x^)` with `g = grad V(x^)`. Hence
//!    `max_R V <= V(x^) - g . x^ + max { c . w : G w <= h, l <= w <= v }`, `c = (g, 0)`
//!    (the Frank-Wolfe gap bound).
//! 2. For any `y >= 0` and any `w` of that polytope, `c . w = y . G w + (c - G^T y) . w <=
//!    y . h + sum_j max(l_j (c - G^T y)_j, v_j (c - G^T y)_j)` (weak LP duality with the box
//!    kept explicit).
//!
//! Both steps hold for *any* `x^` and *any* `y >= 0`, so the number is an upper bound even when
//! the solver stops early or inaccurately; the solver's accuracy only decides how tight it is.
//! At the exact optimum of `R` the KKT conditions make both steps tight, so the bound equals
//! `max_R V` up to the solver's tolerance (relative `1e-4` by default, chosen for speed: on
//! Jurong, city-county seeds 1-20 and province seed 1 the certified bound sits 3e-5 to 1.8e-4
//! above the value of the solver's point). The reported value is the least
//! of this bound and two bounds that need no solver at all (`y = 0`, and every cell's
//! exposure at its most), and carries a relative pad of `1e-9` against floating-point
//! rounding in the sums.
//!
//! The same relaxation, restricted to bounds on each arm and to placements and messages forced
//! paid or closed, is what [`Exact`](super::Exact) branches on.

use super::UpperBound;
use super::relaxation::{self, Point, Relaxed};
use crate::error::Error;
use crate::problem::Problem;

/// A certified upper bound on the prevented loss of every feasible plan, with the relaxation's
/// point.
///
/// Made by [`bound`]; see the [module docs](self) for the proof.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Bound {
    /// No feasible plan prevents more loss than this (yuan per year).
    pub value: f64,
    /// Prevented loss at the relaxation's point [`Bound::units`] (may be fractional and may
    /// pay fixed costs in part, so it is not a plan's value).
    pub relaxed_value: f64,
    /// The relaxation's point: fractional units per arm, in the order of
    /// [`Problem::arms`](crate::Problem::arms).
    pub units: Vec<f64>,
    /// Interior-point iterations used.
    pub iterations: u32,
}

impl Bound {
    /// A bound known only by its value (e.g. from branch and bound, whose nodes each have
    /// their own relaxed point): `relaxed_value` is the value, `units` empty.
    pub fn certified(value: f64) -> Bound {
        Bound {
            value,
            relaxed_value: value,
            units: Vec::new(),
            iterations: 0,
        }
    }
}

impl From<Point> for Bound {
    fn from(p: Point) -> Bound {
        Bound {
            value: p.value,
            relaxed_value: p.relaxed_value,
            units: p.units,
            iterations: p.iterations,
        }
    }
}

impl Bound {
    /// `1 - value / self.value`: how far a plan of prevented loss `value` can be from the
    /// optimum, as a share of the optimum's bound (0 when the bound is 0).
    pub fn gap(&self, value: f64) -> f64 {
        crate::core::gap(value, self.value)
    }
}

/// The certified upper bound of `problem`: no feasible plan prevents more loss.
///
/// # Errors
///
/// [`Error::FloorsUnaffordable`] when even the relaxation cannot meet every fairness floor
/// within the resources, so no plan can.
///
/// # Complexity
///
/// One interior-point solve of a sparse conic program with `arms + messages + cells`
/// variables and `O(nnz)` nonzeros (a few tens of iterations, each a sparse factorisation),
/// plus `O(nnz)` for the certificate.
///
/// # Example
///
/// ```
/// use fanzha::optimize::bound;
/// use fanzha::{evaluate, scenarios, Greedy, Strategy};
///
/// let problem = scenarios::jurong_2023().compile()?;
/// let plan = Greedy::default().plan(&problem)?;
/// let bound = bound(&problem)?;
/// let outcome = evaluate(&problem, &plan)?.with_bound(bound.value);
/// assert!(outcome.prevented_loss <= bound.value);
/// assert!(outcome.gap.unwrap() < 0.05);
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn bound(problem: &Problem) -> Result<Bound, Error> {
    Relaxation.upper_bound(problem)
}

/// The root relaxation as an [`UpperBound`]: what [`bound`] computes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Relaxation;

impl UpperBound for Relaxation {
    fn upper_bound(&self, problem: &Problem) -> Result<Bound, Error> {
        root_bound(problem)
    }
}

fn root_bound(problem: &Problem) -> Result<Bound, Error> {
    let relaxation = relaxation::Relaxation::new(problem);
    // A calendar problem's conic program fills in; Frank-Wolfe from the greedy plan finds
    // the certificate's point and multipliers with sparse linear programs instead.
    let start: Option<Vec<f64>> = problem.structure().weeks.as_ref().and_then(|_| {
        let plan = super::Strategy::plan(&super::greedy::Greedy::default(), problem).ok()?;
        Some(plan.units().iter().map(|&u| u as f64).collect())
    });
    match relaxation.solve_from(&relaxation.root(), start.as_deref()) {
        Relaxed::Solved(b) => Ok(b.into()),
        Relaxed::Infeasible => Err(Error::FloorsUnaffordable),
    }
}
