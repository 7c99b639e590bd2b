//! The relaxation behind [`bound`](super::bound()) and [`Exact`](super::Exact): its rows, the
//! interior-point solve and the certificate (the proof is in the [`bound` module](mod@super::bound)).

use clarabel::algebra::CscMatrix;
use clarabel::solver::{DefaultSettings, DefaultSolver, IPSolver, SolverStatus, SupportedConeT};

use super::bound::Bound;
use super::state::State;
use crate::plan::TOLERANCE;
use crate::problem::Problem;
use crate::response;

/// Whether a placement's or message's fixed cost is open to the relaxation, paid, or closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Charge {
    /// Spread over the units (the relaxation decides).
    Free,
    /// Paid in full; units are free to be zero.
    Paid,
    /// Not paid: no units.
    Closed,
}

/// A subset of plans: bounds on each arm's units and forced fixed-cost decisions.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Restriction {
    pub(crate) lo: Vec<u64>,
    pub(crate) hi: Vec<u64>,
    pub(crate) placement: Vec<Charge>,
    pub(crate) message: Vec<Charge>,
}

/// The outcome of one relaxation solve.
#[derive(Debug, Clone)]
pub(crate) enum Relaxed {
    /// No plan of the restriction is feasible.
    Infeasible,
    /// A valid bound over the restriction's plans.
    Solved(Bound),
}

/// The relaxation of a problem, ready to be solved under restrictions.
#[derive(Debug)]
pub(crate) struct Relaxation<'p> {
    problem: &'p Problem,
    /// The interior-point solver's relative tolerance: how tight (not how valid) bounds are.
    accuracy: f64,
    /// Most units of each arm in any feasible plan.
    max_units: Vec<u64>,
}

/// Default solver tolerance: bounds within about `1e-4` (relative) of the relaxation's optimum,
/// and fast.
const FAST: f64 = 1e-4;

/// A linear row `sum coef * w_var <= rhs` over the relaxation's variables.
#[derive(Debug, Clone, Default)]
struct Row {
    terms: Vec<(usize, f64)>,
    rhs: f64,
}

/// The limit plus the slack [`crate::Plan::check`] allows (see `plan::exceeds`).
fn slack(limit: f64) -> f64 {
    limit + TOLERANCE * limit.abs().max(1.0)
}

impl<'p> Relaxation<'p> {
    pub(crate) fn new(problem: &'p Problem) -> Self {
        let empty = State::new(problem);
        Relaxation {
            problem,
            accuracy: FAST,
            max_units: (0..problem.arms.len())
                .map(|a| empty.max_units(a))
                .collect(),
        }
    }

    /// Solves to relative tolerance `accuracy` from now on.
    pub(crate) fn with_accuracy(mut self, accuracy: f64) -> Self {
        self.accuracy = accuracy;
        self
    }

    /// Every plan: no bounds beyond `max_units`, every fixed cost free.
    pub(crate) fn root(&self) -> Restriction {
        Restriction {
            lo: vec![0; self.problem.arms.len()],
            hi: self.max_units.clone(),
            placement: vec![Charge::Free; self.problem.placements.len()],
            message: vec![Charge::Free; self.problem.messages.len()],
        }
    }

    /// Solves the relaxation over the plans of `r` and certifies its bound.
    pub(crate) fn solve(&self, r: &Restriction) -> Relaxed {
        let p = self.problem;
        let n_arms = p.arms.len();
        // Effective bounds of each arm.
        let mut hi = vec![0u64; n_arms];
        for (a, arm) in p.arms.iter().enumerate() {
            let closed = r.placement[arm.placement] == Charge::Closed
                || r.message[arm.message] == Charge::Closed;
            hi[a] = if closed {
                0
            } else {
                r.hi[a].min(self.max_units[a])
            };
            if r.lo[a] > hi[a] {
                return Relaxed::Infeasible;
            }
        }
        let mut placement_paid: Vec<bool> =
            r.placement.iter().map(|c| *c == Charge::Paid).collect();
        let mut message_paid: Vec<bool> = r.message.iter().map(|c| *c == Charge::Paid).collect();
        for (a, arm) in p.arms.iter().enumerate() {
            if r.lo[a] > 0 {
                placement_paid[arm.placement] = true;
                message_paid[arm.message] = true;
            }
        }

        // Variables: one per active arm (units), then one per unpaid message with a
        // production cost and an active arm (z_m).
        let active: Vec<usize> = (0..n_arms).filter(|&a| hi[a] > 0).collect();
        let mut var_of_arm = vec![usize::MAX; n_arms];
        for (j, &a) in active.iter().enumerate() {
            var_of_arm[a] = j;
        }
        let mut z_var = vec![usize::MAX; p.messages.len()];
        let mut z_msgs = Vec::new();
        for (m, msg) in p.messages.iter().enumerate() {
            if !message_paid[m]
                && msg.production_cost > 0.0
                && p.arms_of_message[m].iter().any(|&a| hi[a] > 0)
            {
                z_var[m] = active.len() + z_msgs.len();
                z_msgs.push(m);
            }
        }
        let n_vars = active.len() + z_msgs.len();
        // Box of each variable, in original units.
        let mut lower = vec![0.0; n_vars];
        let mut upper = vec![1.0; n_vars];
        for (j, &a) in active.iter().enumerate() {
            lower[j] = r.lo[a] as f64;
            upper[j] = hi[a] as f64;
        }

        // Per-unit money of each active arm: unit cost plus the spread setup cost.
        let mut spread = vec![0.0; p.placements.len()];
        for (k, pl) in p.placements.iter().enumerate() {
            if placement_paid[k] || pl.setup_cost == 0.0 {
                continue;
            }
            let arms = &p.arms_of_placement[k];
            let most_alone = arms.iter().map(|&a| self.max_units[a]).max().unwrap_or(0);
            let sum_hi = arms.iter().fold(0u64, |s, &a| s.saturating_add(hi[a]));
            let m_k = pl.capacity.min(most_alone).min(sum_hi);
            if m_k > 0 {
                spread[k] = pl.setup_cost / m_k as f64;
            }
        }

        let mut rows: Vec<Row> = Vec::new();
        // Money, overall and per department: fixed costs already paid are constants.
        let fixed_money = |owner: Option<Option<usize>>| -> f64 {
            let mut total = 0.0;
            for (k, pl) in p.placements.iter().enumerate() {
                if placement_paid[k] && owner.is_none_or(|d| pl.owner == d) {
                    total += pl.setup_cost;
                }
            }
            for (m, msg) in p.messages.iter().enumerate() {
                if message_paid[m] && owner.is_none_or(|d| msg.owner == d) {
                    total += msg.production_cost;
                }
            }
            total
        };
        let money_row = |owner: Option<Option<usize>>, limit: f64| -> Row {
            let mut row = Row {
                terms: Vec::new(),
                rhs: slack(limit) - fixed_money(owner),
            };
            for (j, &a) in active.iter().enumerate() {
                let k = p.arms[a].placement;
                let pl = &p.placements[k];
                if owner.is_none_or(|d| pl.owner == d) {
                    let per = pl.unit_cost + spread[k];
                    if per > 0.0 {
                        row.terms.push((j, per));
                    }
                }
            }
            for &m in &z_msgs {
                if owner.is_none_or(|d| p.messages[m].owner == d) {
                    row.terms.push((z_var[m], p.messages[m].production_cost));
                }
            }
            row
        };
        let hours_row = |owner: Option<Option<usize>>, limit: f64| -> Row {
            let mut row = Row {
                terms: Vec::new(),
                rhs: slack(limit),
            };
            for (j, &a) in active.iter().enumerate() {
                let pl = &p.placements[p.arms[a].placement];
                if pl.staff_hours > 0.0 && owner.is_none_or(|d| pl.owner == d) {
                    row.terms.push((j, pl.staff_hours));
                }
            }
            row
        };
        if let Some(limit) = p.money {
            rows.push(money_row(None, limit));
        }
        if let Some(limit) = p.staff_hours {
            rows.push(hours_row(None, limit));
        }
        for (d, dept) in p.departments.iter().enumerate() {
            if let Some(limit) = dept.money {
                rows.push(money_row(Some(Some(d)), limit));
            }
            if let Some(limit) = dept.staff_hours {
                rows.push(hours_row(Some(Some(d)), limit));
            }
        }
        // Capacities shared by several arms.
        for (k, pl) in p.placements.iter().enumerate() {
            let arms = &p.arms_of_placement[k];
            let sum_hi = arms.iter().fold(0u64, |s, &a| s.saturating_add(hi[a]));
            if sum_hi > pl.capacity {
                rows.push(Row {
                    terms: arms
                        .iter()
                        .filter(|&&a| hi[a] > 0)
                        .map(|&a| (var_of_arm[a], 1.0))
                        .collect(),
                    rhs: pl.capacity as f64,
                });
            }
        }
        // Production charges: x_a / hi_a - z_m <= 0.
        for &m in &z_msgs {
            for &a in &p.arms_of_message[m] {
                if hi[a] > 0 {
                    rows.push(Row {
                        terms: vec![(var_of_arm[a], 1.0 / hi[a] as f64), (z_var[m], -1.0)],
                        rhs: 0.0,
                    });
                }
            }
        }
        // Production charges, aggregated over a message's arms: when message m is used, the
        // rest of every limit is what its arms can use, so `sum_{a in m} use_a x_a <=
        // (limit - paid - P_m) z_m` for each limited resource (money with spread setup costs).
        for &m in &z_msgs {
            let msg = &p.messages[m];
            let mut add = |owner: Option<Option<usize>>, limit: Option<f64>, money: bool| {
                let Some(limit) = limit else { return };
                let production = if money && owner.is_none_or(|d| msg.owner == d) {
                    msg.production_cost
                } else {
                    0.0
                };
                let room = if money {
                    slack(limit) - fixed_money(owner) - production
                } else {
                    slack(limit)
                };
                let mut terms = Vec::new();
                for &a in &p.arms_of_message[m] {
                    if hi[a] == 0 {
                        continue;
                    }
                    let k = p.arms[a].placement;
                    let pl = &p.placements[k];
                    if owner.is_some_and(|d| pl.owner != d) {
                        continue;
                    }
                    let per = if money {
                        pl.unit_cost + spread[k]
                    } else {
                        pl.staff_hours
                    };
                    if per > 0.0 {
                        terms.push((var_of_arm[a], per));
                    }
                }
                if !terms.is_empty() {
                    terms.push((z_var[m], -room));
                    rows.push(Row { terms, rhs: 0.0 });
                }
            };
            add(None, p.money, true);
            add(None, p.staff_hours, false);
            for (d, dept) in p.departments.iter().enumerate() {
                add(Some(Some(d)), dept.money, true);
                add(Some(Some(d)), dept.staff_hours, false);
            }
        }
        // Floors: -E_c <= -e_c, with the slack `Plan::check` allows on the reduction.
        let n_f = p.threats.len();
        let mut cell_terms: Vec<Vec<(usize, f64)>> = vec![Vec::new(); p.cells.len()];
        for (j, &a) in active.iter().enumerate() {
            for &(c, coef) in &p.arms[a].absorbed {
                cell_terms[c].push((j, coef));
            }
        }
        for fl in &p.floors {
            let c = fl.segment * n_f + fl.threat;
            let cell = &p.cells[c];
            let need = response::exposure_for(
                cell.ceiling,
                cell.scale,
                fl.min_reduction * (1.0 - TOLERANCE),
            )
            .unwrap_or(f64::INFINITY);
            if need <= 0.0 {
                continue;
            }
            if cell_terms[c].is_empty() || !need.is_finite() {
                return Relaxed::Infeasible;
            }
            rows.push(Row {
                terms: cell_terms[c].iter().map(|&(j, coef)| (j, -coef)).collect(),
                rhs: -need,
            });
        }
        // A row without terms is a constant condition.
        if rows.iter().any(|row| row.terms.is_empty() && row.rhs < 0.0) {
            return Relaxed::Infeasible;
        }
        rows.retain(|row| !row.terms.is_empty());

        // Cells worth something and reachable.
        let live: Vec<usize> = (0..p.cells.len())
            .filter(|&c| stake(p, c) > 0.0 && !cell_terms[c].is_empty())
            .collect();

        let (point, multipliers, iterations) = if n_vars == 0 {
            (Vec::new(), vec![0.0; rows.len()], 0)
        } else {
            match self.interior_point(&rows, &lower, &upper, &live, &cell_terms, &active) {
                Some(Solution::Infeasible) => return Relaxed::Infeasible,
                Some(Solution::Point {
                    point,
                    multipliers,
                    iterations,
                }) => (point, multipliers, iterations),
                None => (lower.clone(), vec![0.0; rows.len()], 0),
            }
        };

        // The certificate at the solver's point `w`, clipped into the box.
        let w: Vec<f64> = (0..n_vars)
            .map(|j| {
                point
                    .get(j)
                    .copied()
                    .unwrap_or(0.0)
                    .clamp(lower[j], upper[j])
            })
            .collect();
        let mut units = vec![0.0; n_arms];
        for (j, &a) in active.iter().enumerate() {
            units[a] = w[j];
        }
        let mut absorbed = vec![0.0; p.cells.len()];
        for &a in &active {
            for &(c, coef) in &p.arms[a].absorbed {
                absorbed[c] += units[a] * coef;
            }
        }
        // Prevented loss over the live cells of absorbed exposures `e` (one per cell).
        let value_of = |e: &[f64]| -> f64 {
            live.iter()
                .map(|&c| {
                    let cell = &p.cells[c];
                    cell.value_at_risk * response::reduction(cell.ceiling, cell.scale, e[c])
                })
                .sum()
        };
        let relaxed_value = value_of(&absorbed);
        // Gradient in the arm variables; zero in the z variables.
        let mut gradient = vec![0.0; n_vars];
        for &c in &live {
            let cell = &p.cells[c];
            let d = stake(p, c) / cell.scale * (-absorbed[c] / cell.scale).exp();
            for &(j, coef) in &cell_terms[c] {
                gradient[j] += d * coef;
            }
        }
        // `V(w) - g.w + y.h + sum_j max_box(r_j w_j)` with `r = g - G^T y`, rearranged as
        // `V(w) + sum_i y_i (h_i - G_i w) + sum_j r_j (bound_j - w_j)` (bound_j the box end
        // the sign of r_j picks): the same number, summed from small terms without the
        // cancellation of large multipliers against large reduced costs.
        let certificate = |y: &dyn Fn(usize) -> f64| -> f64 {
            let mut reduced = gradient.clone();
            let mut total = relaxed_value;
            for (i, row) in rows.iter().enumerate() {
                let yi = y(i);
                if yi > 0.0 && yi.is_finite() {
                    let used: f64 = row.terms.iter().map(|&(j, coef)| coef * w[j]).sum();
                    total += yi * (row.rhs - used);
                    for &(j, coef) in &row.terms {
                        reduced[j] -= yi * coef;
                    }
                }
            }
            for (j, &rc) in reduced.iter().enumerate() {
                total += if rc > 0.0 {
                    rc * (upper[j] - w[j])
                } else {
                    rc * (lower[j] - w[j])
                };
            }
            total
        };
        let certified = certificate(&|i| multipliers[i]);
        let without_duals = certificate(&|_| 0.0);
        // Every live cell at its most exposure.
        let mut most = vec![0.0; p.cells.len()];
        for &c in &live {
            most[c] = cell_terms[c]
                .iter()
                .map(|&(j, coef)| coef * upper[j])
                .sum::<f64>();
        }
        let saturated = value_of(&most);
        let value = [certified, without_duals, saturated]
            .into_iter()
            .filter(|v| v.is_finite())
            .fold(f64::INFINITY, f64::min);
        let value = if value.is_finite() { value } else { saturated };
        let placement_share = (0..p.placements.len())
            .map(|k| {
                if placement_paid[k] {
                    1.0
                } else {
                    let n: f64 = p.arms_of_placement[k].iter().map(|&a| units[a]).sum();
                    (n * spread[k] / p.placements[k].setup_cost.max(f64::MIN_POSITIVE)).min(1.0)
                }
            })
            .collect();
        let message_share = (0..p.messages.len())
            .map(|m| {
                if message_paid[m] {
                    1.0
                } else if z_var[m] != usize::MAX {
                    w[z_var[m]]
                } else {
                    0.0
                }
            })
            .collect();
        Relaxed::Solved(Bound {
            value: value.max(0.0) * (1.0 + 1e-9),
            relaxed_value,
            units,
            iterations,
            placement_share,
            message_share,
        })
    }

    /// Solves the scaled conic program; `None` when the solver fails outright.
    fn interior_point(
        &self,
        rows: &[Row],
        lower: &[f64],
        upper: &[f64],
        live: &[usize],
        cell_terms: &[Vec<(usize, f64)>],
        active: &[usize],
    ) -> Option<Solution> {
        let p = self.problem;
        let n_vars = lower.len();
        // Scale each variable to about [0, 1]: units by their upper bound, capped where the
        // arm alone saturates its fastest cell (further units change nothing visible).
        let mut sigma = vec![1.0; n_vars];
        for (j, &a) in active.iter().enumerate() {
            let fastest = p.arms[a]
                .absorbed
                .iter()
                .map(|&(c, coef)| coef / p.cells[c].scale)
                .fold(0.0, f64::max);
            let saturate = if fastest > 0.0 {
                40.0 / fastest
            } else {
                f64::INFINITY
            };
            sigma[j] = upper[j].min(saturate.max(lower[j])).max(1.0);
        }
        let n_t = live.len();
        // Objective `-sum_c S_c v_c / norm` with `v_c <= 1 - exp(-E_c / kappa_c)` the reduction
        // share: no constant term, so the solver's relative gap is relative to the value. The
        // norm is the best single arm's value alone, a lower estimate of the optimum, so the
        // objective is at least about 1 in size and the solver's tolerance is relative to it.
        let single = active
            .iter()
            .enumerate()
            .map(|(j, &a)| {
                p.arms[a]
                    .absorbed
                    .iter()
                    .map(|&(c, coef)| {
                        let cell = &p.cells[c];
                        cell.value_at_risk
                            * response::reduction(cell.ceiling, cell.scale, coef * upper[j])
                    })
                    .sum::<f64>()
            })
            .fold(0.0, f64::max);
        let total_stake: f64 = live.iter().map(|&c| stake(p, c)).sum();
        let norm = if single > 0.0 {
            single
        } else if total_stake > 0.0 {
            total_stake
        } else {
            1.0
        };
        let n = n_vars + n_t;
        let q: Vec<f64> = (0..n)
            .map(|i| {
                if i < n_vars {
                    0.0
                } else {
                    -stake(p, live[i - n_vars]) / norm
                }
            })
            .collect();

        let (mut ii, mut jj, mut vv) = (Vec::new(), Vec::new(), Vec::new());
        let mut b = Vec::new();
        let mut row_scale = Vec::with_capacity(rows.len());
        for row in rows {
            let r = row
                .terms
                .iter()
                .map(|&(j, coef)| (coef * sigma[j]).abs())
                .fold(0.0, f64::max)
                .max(1e-300);
            let i = b.len();
            for &(j, coef) in &row.terms {
                ii.push(i);
                jj.push(j);
                vv.push(coef * sigma[j] / r);
            }
            b.push(row.rhs / r);
            row_scale.push(r);
        }
        // Boxes as rows: w <= v, -w <= -l (scaled).
        for j in 0..n_vars {
            ii.push(b.len());
            jj.push(j);
            vv.push(1.0);
            b.push(upper[j] / sigma[j]);
            ii.push(b.len());
            jj.push(j);
            vv.push(-1.0);
            b.push(-lower[j] / sigma[j]);
        }
        let n_linear = b.len();
        // Exponential cones: (-E_c / kappa_c, 1, 1 - v_c) with y exp(x / y) <= z.
        for (i, &c) in live.iter().enumerate() {
            let kappa = p.cells[c].scale;
            let base = b.len();
            for &(j, coef) in &cell_terms[c] {
                ii.push(base);
                jj.push(j);
                vv.push(coef * sigma[j] / kappa);
            }
            b.push(0.0);
            b.push(1.0);
            ii.push(base + 2);
            jj.push(n_vars + i);
            vv.push(1.0);
            b.push(1.0);
        }
        let m = b.len();
        let a_mat = CscMatrix::new_from_triplets(m, n, ii, jj, vv);
        let p_mat = CscMatrix::zeros((n, n));
        let mut cones = vec![SupportedConeT::NonnegativeConeT(n_linear)];
        cones.extend((0..n_t).map(|_| SupportedConeT::ExponentialConeT()));
        let tol = self.accuracy;
        let settings = DefaultSettings {
            verbose: false,
            tol_gap_abs: tol,
            tol_gap_rel: tol,
            tol_feas: tol,
            // Refinement costs a third of the time and is not needed for a loose tolerance:
            // the certificate is valid whatever the accuracy.
            iterative_refinement_enable: tol < 1e-6,
            ..DefaultSettings::default()
        };
        let mut solver = DefaultSolver::new(&p_mat, &q, &a_mat, &b, &cones, settings).ok()?;
        solver.solve();
        let sol = &solver.solution;
        match sol.status {
            // Only a full-accuracy certificate of infeasibility prunes; a reduced-accuracy one
            // falls back to the solver-free bounds below (valid, if loose).
            SolverStatus::PrimalInfeasible => {
                return Some(Solution::Infeasible);
            }
            SolverStatus::AlmostPrimalInfeasible
            | SolverStatus::DualInfeasible
            | SolverStatus::AlmostDualInfeasible => return None,
            _ => {}
        }
        if sol.x.iter().any(|v| !v.is_finite()) {
            return None;
        }
        let point = (0..n_vars).map(|j| sol.x[j] * sigma[j]).collect();
        let multipliers = (0..rows.len())
            .map(|i| {
                let z = sol.z[i];
                if z.is_finite() && z > 0.0 {
                    z * norm / row_scale[i]
                } else {
                    0.0
                }
            })
            .collect();
        Some(Solution::Point {
            point,
            multipliers,
            iterations: sol.iterations,
        })
    }
}

/// What the interior-point solver found.
enum Solution {
    Infeasible,
    Point {
        point: Vec<f64>,
        multipliers: Vec<f64>,
        iterations: u32,
    },
}

/// `A_c rho_c`: the value of cell `c`'s whole ceiling.
fn stake(p: &Problem, c: usize) -> f64 {
    p.cells[c].value_at_risk * p.cells[c].ceiling
}
