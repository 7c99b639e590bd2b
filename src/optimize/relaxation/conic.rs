//! The interior-point solve of the relaxation (clarabel, exponential cones), scaled so the
//! solver's tolerances mean the same on every instance.

use clarabel::algebra::CscMatrix;
use clarabel::solver::{DefaultSettings, DefaultSolver, IPSolver, SolverStatus, SupportedConeT};

use super::rows::arm_of;
use super::stocks::Stocks;
use super::{Layout, Relaxation, Row, stake};
use crate::core::CellId;
use crate::response;

/// What the interior-point solver found.
pub(super) enum Solution {
    Infeasible,
    Point {
        point: Vec<f64>,
        multipliers: Vec<f64>,
        iterations: u32,
    },
}

/// The conic program in clarabel's form `min q.x` s.t. `A x + s = b`, `s` in the cones.
struct Program {
    q: Vec<f64>,
    a: CscMatrix<f64>,
    b: Vec<f64>,
    cones: Vec<SupportedConeT<f64>>,
    /// Each variable's scale: the solver sees `x_j / sigma_j`.
    sigma: Vec<f64>,
    /// Each row's scale: the solver sees `row / r_i`.
    row_scale: Vec<f64>,
    /// The objective's scale.
    norm: f64,
}

impl Relaxation<'_> {
    /// Solves the scaled conic program; `None` when the solver fails outright.
    pub(super) fn interior_point(
        &self,
        l: &Layout,
        rows: &[Row],
        live: &[usize],
    ) -> Option<Solution> {
        let program = self.program(l, rows, live);
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
        let n = program.q.len();
        let p_mat = CscMatrix::zeros((n, n));
        let mut solver = DefaultSolver::new(
            &p_mat,
            &program.q,
            &program.a,
            &program.b,
            &program.cones,
            settings,
        )
        .ok()?;
        solver.solve();
        let sol = &solver.solution;
        match sol.status {
            // Only a full-accuracy certificate of infeasibility prunes; a reduced-accuracy one
            // falls back to the solver-free bounds (valid, if loose).
            SolverStatus::PrimalInfeasible => return Some(Solution::Infeasible),
            SolverStatus::AlmostPrimalInfeasible
            | SolverStatus::DualInfeasible
            | SolverStatus::AlmostDualInfeasible => return None,
            _ => {}
        }
        if sol.x.iter().any(|v| !v.is_finite()) {
            return None;
        }
        let point = (0..l.n_vars())
            .map(|j| sol.x[j] * program.sigma[j])
            .collect();
        let multipliers = (0..rows.len())
            .map(|i| {
                let z = sol.z[i];
                if z.is_finite() && z > 0.0 {
                    z * program.norm / program.row_scale[i]
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

    /// Scale each variable to about [0, 1]: units by their upper bound, capped where the arm
    /// alone saturates its fastest cell (further units change nothing visible).
    fn variable_scales(&self, l: &Layout) -> Vec<f64> {
        let p = self.problem;
        let mut sigma = vec![1.0; l.n_vars()];
        for (j, s) in sigma.iter_mut().enumerate().take(l.active.len()) {
            let fastest = p
                .absorbed(arm_of(l, j))
                .map(|(c, coef)| coef / p.cells()[c.index()].scale)
                .fold(0.0, f64::max);
            let saturate = if fastest > 0.0 {
                40.0 / fastest
            } else {
                f64::INFINITY
            };
            *s = l.upper[j].min(saturate.max(l.lower[j])).max(1.0);
        }
        sigma
    }

    /// The objective's scale: the best single arm's value alone, a lower estimate of the
    /// optimum, so the objective is at least about 1 in size and the solver's tolerance is
    /// relative to it.
    fn objective_scale(&self, l: &Layout, live: &[usize]) -> f64 {
        let p = self.problem;
        let single = (0..l.active.len())
            .map(|j| {
                p.absorbed(arm_of(l, j))
                    .map(|(c, coef)| {
                        let cell = &p.cells()[c.index()];
                        p.value_at_risk(c)
                            * response::reduction(cell.ceiling, cell.scale, coef * l.upper[j])
                    })
                    .sum::<f64>()
            })
            .fold(0.0, f64::max);
        let total_stake: f64 = live.iter().map(|&c| stake(p, c)).sum();
        if single > 0.0 {
            single
        } else if total_stake > 0.0 {
            total_stake
        } else {
            1.0
        }
    }

    /// Objective `-sum_c S_c v_c / norm` with `v_c <= 1 - exp(-E_c / kappa_c)` the reduction
    /// share: no constant term, so the solver's relative gap is relative to the value.
    fn program(&self, l: &Layout, rows: &[Row], live: &[usize]) -> Program {
        let p = self.problem;
        let n_vars = l.n_vars();
        let sigma = self.variable_scales(l);
        let norm = self.objective_scale(l, live);
        let mut q = vec![0.0; n_vars];
        q.extend(live.iter().map(|&c| -stake(p, c) / norm));
        let mut t = Triplets::default();
        let row_scale = t.linear_rows(l, rows, &sigma);
        let n_linear = t.b.len();
        // A calendar problem's exposures as stock recurrences (zero-cone rows).
        let stocks = Stocks::of(p, l);
        let first_stock = n_vars + live.len();
        let n_stock = stocks.as_ref().map_or(0, Stocks::len);
        if let Some(st) = &stocks {
            for terms in st.recurrence_rows(p, first_stock, &sigma) {
                t.row(terms, 0.0);
            }
        }
        let n_zero = t.b.len() - n_linear;
        // The arms' terms of the live cells the stocks do not cover.
        let cell_terms = self.cell_terms(l, |c| stocks.as_ref().is_none_or(|st| !st.covers(c)));
        // Exponential cones: (-E_c / kappa_c, 1, 1 - v_c) with y exp(x / y) <= z.
        for (i, &c) in live.iter().enumerate() {
            match stocks
                .as_ref()
                .and_then(|st| st.exposure_terms(p, first_stock, c))
            {
                Some(terms) => t.row(terms, 0.0),
                None => {
                    let kappa = p.cells()[CellId::new(c).index()].scale;
                    let terms = cell_terms[c]
                        .iter()
                        .map(|&(j, coef)| (j, coef * sigma[j] / kappa));
                    t.row(terms, 0.0);
                }
            }
            t.row([], 1.0);
            t.row([(n_vars + i, 1.0)], 1.0);
        }
        let n = first_stock + n_stock;
        q.resize(n, 0.0);
        let mut cones = vec![SupportedConeT::NonnegativeConeT(n_linear)];
        if n_zero > 0 {
            cones.push(SupportedConeT::ZeroConeT(n_zero));
        }
        cones.extend((0..live.len()).map(|_| SupportedConeT::ExponentialConeT()));
        Program {
            q,
            a: CscMatrix::new_from_triplets(t.b.len(), n, t.ii, t.jj, t.vv),
            b: t.b,
            cones,
            sigma,
            row_scale,
            norm,
        }
    }
}

/// A sparse matrix built row by row, with its right-hand side.
#[derive(Default)]
pub(super) struct Triplets {
    pub(super) ii: Vec<usize>,
    pub(super) jj: Vec<usize>,
    pub(super) vv: Vec<f64>,
    pub(super) b: Vec<f64>,
}

impl Triplets {
    pub(super) fn row(&mut self, terms: impl IntoIterator<Item = (usize, f64)>, rhs: f64) {
        let i = self.b.len();
        for (j, v) in terms {
            self.ii.push(i);
            self.jj.push(j);
            self.vv.push(v);
        }
        self.b.push(rhs);
    }

    /// Appends `rows` in the variables `w = x / sigma`, each row divided by its largest
    /// coefficient, then the boxes `w <= upper / sigma` and `-w <= -lower / sigma`; returns
    /// each row's divisor (to scale its multiplier back).
    pub(super) fn linear_rows(&mut self, l: &Layout, rows: &[Row], sigma: &[f64]) -> Vec<f64> {
        let mut row_scale = Vec::with_capacity(rows.len());
        for row in rows {
            let r = row
                .terms
                .iter()
                .map(|&(j, coef)| (coef * sigma[j]).abs())
                .fold(0.0, f64::max)
                .max(1e-300);
            let terms = row.terms.iter().map(|&(j, coef)| (j, coef * sigma[j] / r));
            self.row(terms, row.rhs / r);
            row_scale.push(r);
        }
        for (j, &sj) in sigma.iter().enumerate() {
            self.row([(j, 1.0)], l.upper[j] / sj);
            self.row([(j, -1.0)], -l.lower[j] / sj);
        }
        row_scale
    }
}
