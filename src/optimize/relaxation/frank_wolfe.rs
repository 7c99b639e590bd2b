//! A first-order route to the certificate for large calendar problems: Frank-Wolfe steps on
//! the relaxation from a plan's units, each with one sparse linear program.
//!
//! The certificate ([`Relaxation::certify`]) holds at any point `w` with any multipliers
//! `y >= 0`. The interior-point solve of a calendar problem's exponential-cone program fills
//! in (every arm of a week meets every cell of the weeks after it), so for calendar problems
//! the point and multipliers come instead from Frank-Wolfe: at `w`, the linear program
//! `max g(w).x` over the relaxation's rows and box gives a vertex `s` and its multipliers
//! `y` (whose certificate is the Frank-Wolfe duality gap bound `V(w) + g(w).(s - w)`), and a
//! line search on `V` along `w -> s` gives the next point. The least certificate is the
//! bound. The linear program has `O(nnz of the arms' first week)` nonzeros and no cones.

use clarabel::algebra::CscMatrix;
use clarabel::solver::{DefaultSettings, DefaultSolver, IPSolver, SolverStatus, SupportedConeT};

use super::conic::Triplets;
use super::{Layout, Point, Relaxation, Row, stake};

/// Most Frank-Wolfe steps.
const STEPS: usize = 12;
/// Stop when the bound is within this share of the point's value.
const CLOSE: f64 = 2e-3;

impl Relaxation<'_> {
    /// The least certificate over Frank-Wolfe steps from `start` (units per arm); `None`
    /// when a linear program fails (the caller falls back to the conic solve).
    pub(super) fn frank_wolfe(
        &self,
        l: &Layout,
        rows: &[Row],
        live: &[usize],
        start: &[f64],
    ) -> Option<Point> {
        let mut w = vec![0.0; l.n_vars()];
        for (j, &a) in l.active.iter().enumerate() {
            w[j] = start[a].clamp(l.lower[j], l.upper[j]);
        }
        let mut best: Option<Point> = None;
        for step in 0..STEPS {
            let e_w = self.exposures(l, &w);
            let gradient = self.gradient_at(l, live, &e_w);
            let (s, y) = self.linear_program(l, rows, &gradient)?;
            let point = self.certify(l, rows, live, &w, &y, step as u32);
            let value_w = self.value_at(live, &e_w);
            let close = point.value - value_w <= CLOSE * value_w.abs().max(1e-300);
            if best.as_ref().is_none_or(|b| point.value < b.value) {
                best = Some(point);
            }
            if close {
                break;
            }
            let e_s = self.exposures(l, &s);
            let gamma = self.line_search(live, &e_w, &e_s);
            for (wj, sj) in w.iter_mut().zip(&s) {
                *wj += gamma * (sj - *wj);
            }
        }
        best
    }

    /// Absorbed exposures per cell at `w`.
    fn exposures(&self, l: &Layout, w: &[f64]) -> Vec<f64> {
        let mut e = vec![0.0; self.problem.cells().len()];
        for (c, terms) in l.cell_terms.iter().enumerate() {
            e[c] = terms.iter().map(|&(j, coef)| coef * w[j]).sum();
        }
        e
    }

    fn value_at(&self, live: &[usize], e: &[f64]) -> f64 {
        let p = self.problem;
        live.iter()
            .map(|&c| stake(p, c) * -(-e[c] / p.cells()[c].scale).exp_m1())
            .sum()
    }

    fn gradient_at(&self, l: &Layout, live: &[usize], e: &[f64]) -> Vec<f64> {
        let p = self.problem;
        let mut g = vec![0.0; l.n_vars()];
        for &c in live {
            let kappa = p.cells()[c].scale;
            let d = stake(p, c) / kappa * (-e[c] / kappa).exp();
            for &(j, coef) in &l.cell_terms[c] {
                g[j] += d * coef;
            }
        }
        g
    }

    /// The step in `[0, 1]` along `e_w -> e_s` that maximises the (concave) value: bisection
    /// on the derivative, `O(live cells)` per step.
    fn line_search(&self, live: &[usize], e_w: &[f64], e_s: &[f64]) -> f64 {
        let p = self.problem;
        let slope = |gamma: f64| -> f64 {
            live.iter()
                .map(|&c| {
                    let kappa = p.cells()[c].scale;
                    let d = e_s[c] - e_w[c];
                    stake(p, c) / kappa * (-(e_w[c] + gamma * d) / kappa).exp() * d
                })
                .sum()
        };
        if slope(1.0) >= 0.0 {
            return 1.0;
        }
        if slope(0.0) <= 0.0 {
            return 0.0;
        }
        let (mut lo, mut hi) = (0.0, 1.0);
        for _ in 0..50 {
            let mid = 0.5 * (lo + hi);
            if slope(mid) > 0.0 {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// `max g.x` over the rows and the box: the maximiser and the rows' multipliers.
    fn linear_program(&self, l: &Layout, rows: &[Row], g: &[f64]) -> Option<(Vec<f64>, Vec<f64>)> {
        let n = l.n_vars();
        let sigma: Vec<f64> = (0..n).map(|j| l.upper[j].max(1.0)).collect();
        let norm = (0..n)
            .map(|j| (g[j] * sigma[j]).abs())
            .fold(0.0, f64::max)
            .max(1e-300);
        let q: Vec<f64> = (0..n).map(|j| -g[j] * sigma[j] / norm).collect();
        let mut t = Triplets::default();
        let row_scale = t.linear_rows(l, rows, &sigma);
        let m = t.b.len();
        let a = CscMatrix::new_from_triplets(m, n, t.ii, t.jj, t.vv);
        let settings = DefaultSettings {
            verbose: false,
            tol_gap_abs: 1e-7,
            tol_gap_rel: 1e-7,
            tol_feas: 1e-7,
            ..DefaultSettings::default()
        };
        let cones = [SupportedConeT::NonnegativeConeT(m)];
        let p_mat = CscMatrix::zeros((n, n));
        let mut solver = DefaultSolver::new(&p_mat, &q, &a, &t.b, &cones, settings).ok()?;
        solver.solve();
        let sol = &solver.solution;
        if !matches!(
            sol.status,
            SolverStatus::Solved | SolverStatus::AlmostSolved
        ) {
            return None;
        }
        let x = (0..n)
            .map(|j| (sol.x[j] * sigma[j]).clamp(l.lower[j], l.upper[j]))
            .collect();
        let y = (0..rows.len())
            .map(|i| {
                let z = sol.z[i];
                if z.is_finite() && z > 0.0 {
                    z * norm / row_scale[i]
                } else {
                    0.0
                }
            })
            .collect();
        Some((x, y))
    }
}
