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
//!
//! Before each new linear program, the last one's multipliers are carried to the new point
//! by a few sweeps of coordinate descent on the certificate's multiplier part
//! ([`refine_multipliers`](super::certificate::refine_multipliers), `O(nnz)` a sweep, every
//! iterate a valid certificate). When they already certify the new point within the stop
//! rule, no program is solved: on Jurong's calendars this saves the second of two programs
//! of the root (at 52 weeks the bound takes about 60% of its former time, 806,436 instead of
//! 806,375; at 12 weeks the root bound is 267,495 instead of 267,313 and the branched bound
//! within 0.1 yuan of the re-solved one).

use clarabel::algebra::CscMatrix;
use clarabel::solver::{DefaultSettings, DefaultSolver, IPSolver, SolverStatus, SupportedConeT};

use super::conic::Triplets;
use super::{Layout, Point, Relaxation, Row, stake};

/// Most Frank-Wolfe steps.
const STEPS: usize = 12;
/// Rounds of coordinate descent that carry the last multipliers to a new point.
const SWEEPS: usize = 3;
/// Stop when the bound is within this share of the point's value.
const CLOSE: f64 = 2e-3;
/// A lazy row left out of the linear program is violated when its solution exceeds the
/// right-hand side by this share of the row's size (`|rhs|` plus each term's largest
/// magnitude over the box; within it, the solver's tolerance).
const VIOLATED: f64 = 1e-6;

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
        // Exposures are linear in the units, so after the first they follow the steps (the
        // clamp below only absorbs rounding: a convex combination of box points is in the box).
        let mut e_w = self.exposures(l, &w);
        let saturated = self.saturated(l, live);
        let mut in_lp: Vec<bool> = rows.iter().map(|row| !row.lazy).collect();
        let mut cache: Option<Lp> = None;
        let mut best: Option<Point> = None;
        // The last linear program's multipliers: any `y >= 0` certifies, and after a line
        // search they often already certify the new point within the stop rule.
        let mut last_y: Option<Vec<f64>> = None;
        for step in 0..STEPS {
            let gradient = self.gradient(l, live, &e_w);
            if let Some(y) = &mut last_y {
                super::certificate::refine_multipliers(l, rows, &gradient, y, SWEEPS);
                let point = Point {
                    iterations: step as u32,
                    ..self.certify_at(l, rows, live, &w, (&e_w, &gradient, saturated), y)
                };
                let close = is_close(&point);
                best = Some(keep_least(best, point));
                if close {
                    break;
                }
            }
            // The first step's vertex only gives a direction: the lazy rows it violates join
            // the later steps' programs without a second solve now.
            let (s, y) =
                self.lazy_linear_program(l, rows, &mut in_lp, &mut cache, &gradient, step > 0)?;
            let point = Point {
                iterations: step as u32,
                ..self.certify_at(l, rows, live, &w, (&e_w, &gradient, saturated), &y)
            };
            last_y = Some(y);
            let close = is_close(&point);
            best = Some(keep_least(best, point));
            if close {
                break;
            }
            let e_s = self.exposures(l, &s);
            let gamma = self.line_search(live, &e_w, &e_s);
            for (j, (wj, sj)) in w.iter_mut().zip(&s).enumerate() {
                *wj = (*wj + gamma * (sj - *wj)).clamp(l.lower[j], l.upper[j]);
            }
            for (ew, es) in e_w.iter_mut().zip(&e_s) {
                *ew += gamma * (es - *ew);
            }
        }
        best
    }

    /// [`Relaxation::linear_program`] over the rows marked `in_lp`, marking each lazy row the
    /// solution violates; with `resolve`, solving again until it violates none (then it is
    /// the solution over every row). Rows marked stay in for later steps. Whatever rows are
    /// left out, the multipliers (0 for them) are valid for the certificate.
    fn lazy_linear_program(
        &self,
        l: &Layout,
        rows: &[Row],
        in_lp: &mut [bool],
        cache: &mut Option<Lp>,
        g: &[f64],
        resolve: bool,
    ) -> Option<(Vec<f64>, Vec<f64>)> {
        loop {
            let (s, y) = self.linear_program(l, rows, in_lp, cache, g)?;
            let mut added = false;
            for (row, in_lp) in rows.iter().zip(in_lp.iter_mut()) {
                if *in_lp {
                    continue;
                }
                let (used, size) = row
                    .terms
                    .iter()
                    .fold((0.0, row.rhs.abs()), |(u, m), &(j, coef)| {
                        (u + coef * s[j], m + (coef * l.upper[j]).abs())
                    });
                if used - row.rhs > VIOLATED * size {
                    *in_lp = true;
                    added = true;
                }
            }
            if !added || !resolve {
                return Some((s, y));
            }
        }
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

    /// `max g.x` over the rows marked `in_lp` and the box: the maximiser and the rows'
    /// multipliers (0 for rows left out). `cache` keeps the solver of the last call: when the
    /// rows are the same, only the objective is replaced, and the solver's ordering and
    /// symbolic factorisation are reused.
    fn linear_program(
        &self,
        l: &Layout,
        rows: &[Row],
        in_lp: &[bool],
        cache: &mut Option<Lp>,
        g: &[f64],
    ) -> Option<(Vec<f64>, Vec<f64>)> {
        let n = l.n_vars();
        let sigma: Vec<f64> = (0..n).map(|j| l.upper[j].max(1.0)).collect();
        let norm = (0..n)
            .map(|j| (g[j] * sigma[j]).abs())
            .fold(0.0, f64::max)
            .max(1e-300);
        let q: Vec<f64> = (0..n).map(|j| -g[j] * sigma[j] / norm).collect();
        let reusable = cache
            .as_mut()
            .is_some_and(|lp| lp.in_lp.as_slice() == in_lp && lp.solver.update_q(&q).is_ok());
        if !reusable {
            *cache = Some(Lp::new(l, rows, in_lp, &sigma, &q)?);
        }
        let lp = cache.as_mut()?;
        lp.solver.solve();
        let sol = &lp.solver.solution;
        if !matches!(
            sol.status,
            SolverStatus::Solved | SolverStatus::AlmostSolved
        ) {
            return None;
        }
        let x = (0..n)
            .map(|j| (sol.x[j] * sigma[j]).clamp(l.lower[j], l.upper[j]))
            .collect();
        let mut y = vec![0.0; rows.len()];
        for (k, &i) in lp.kept.iter().enumerate() {
            let z = sol.z[k];
            if z.is_finite() && z > 0.0 {
                y[i] = z * norm / lp.row_scale[k];
            }
        }
        Some((x, y))
    }
}

/// Whether `point`'s certificate is within [`CLOSE`] of its relaxed value (the stop rule).
fn is_close(point: &Point) -> bool {
    point.value - point.relaxed_value <= CLOSE * point.relaxed_value.abs().max(1e-300)
}

/// The later iterate `point` (whose relaxed value is at least the earlier ones') with the
/// least certificate of both: the bound holds whatever the point, and the later point is the
/// better start for branching.
fn keep_least(best: Option<Point>, point: Point) -> Point {
    match best {
        Some(b) if b.value < point.value => Point {
            value: b.value,
            ..point
        },
        _ => point,
    }
}

/// A Frank-Wolfe linear program's solver, for the rows marked `in_lp`.
struct Lp {
    in_lp: Vec<bool>,
    /// The rows kept, in the solver's order, and their scales.
    kept: Vec<usize>,
    row_scale: Vec<f64>,
    solver: DefaultSolver<f64>,
}

impl Lp {
    /// The solver of `min q.x` over the rows marked `in_lp` and the box, in variables scaled
    /// by `sigma`; `None` when the solver rejects the data.
    fn new(l: &Layout, rows: &[Row], in_lp: &[bool], sigma: &[f64], q: &[f64]) -> Option<Lp> {
        let n = l.n_vars();
        let kept: Vec<usize> = (0..rows.len()).filter(|&i| in_lp[i]).collect();
        let lp_rows: Vec<Row> = kept.iter().map(|&i| rows[i].clone()).collect();
        let mut t = Triplets::default();
        let row_scale = t.linear_rows(l, &lp_rows, sigma);
        let m = t.b.len();
        let a = CscMatrix::new_from_triplets(m, n, t.ii, t.jj, t.vv);
        let settings = DefaultSettings {
            verbose: false,
            tol_gap_abs: 1e-7,
            tol_gap_rel: 1e-7,
            tol_feas: 1e-7,
            // Refinement costs about 40% of the time here and the certificate is valid
            // whatever the accuracy (Jurong's bounds move by < 1e-8).
            iterative_refinement_enable: false,
            // Presolve would forbid replacing the objective (it removes no row here).
            presolve_enable: false,
            ..DefaultSettings::default()
        };
        let cones = [SupportedConeT::NonnegativeConeT(m)];
        let p_mat = CscMatrix::zeros((n, n));
        let solver = DefaultSolver::new(&p_mat, q, &a, &t.b, &cones, settings).ok()?;
        Some(Lp {
            in_lp: in_lp.to_vec(),
            kept,
            row_scale,
            solver,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Relaxation, Relaxed};
    use crate::Strategy;
    use crate::generate::{self, Config};

    /// On small calendar problems with production costs, the Frank-Wolfe certificate (lazy
    /// message rows) is at least the relaxation's optimum as the interior-point solve finds
    /// it, and within the stop rule's share of it.
    #[test]
    fn frank_wolfe_bound_is_valid_and_tight_against_the_conic_solve() {
        let mut checked = 0;
        for seed in 1..6 {
            let config = Config {
                floors: false,
                ..Config::tiny()
            };
            let yearly = generate::scenario(&config, seed).compile().unwrap();
            let mut cal =
                crate::calendar::Calendar::new(&yearly, 3, 1 + seed as usize * 7, 0.6).unwrap();
            cal.staff_hours_per_week = yearly.staff_hours().map(|h| h / 3.0);
            cal.money_per_week = yearly.money().map(|m| m / 2.0);
            let weekly = cal.unroll(&yearly).unwrap();
            let relaxation = Relaxation::new(&weekly).with_accuracy(1e-8);
            let root = relaxation.root();
            let plan = crate::Greedy::default().plan(&weekly).unwrap();
            let start: Vec<f64> = plan.units().iter().map(|&u| u as f64).collect();
            let (Relaxed::Solved(fw), Relaxed::Solved(conic)) = (
                relaxation.solve_from(&root, Some(&start)),
                relaxation.solve(&root),
            ) else {
                panic!("seed {seed}: a solve failed");
            };
            let optimum = conic.relaxed_value;
            assert!(
                fw.value >= optimum * (1.0 - 1e-7),
                "seed {seed}: Frank-Wolfe {} below the relaxation's optimum {optimum}",
                fw.value
            );
            assert!(
                fw.value <= conic.value * (1.0 + 3e-3),
                "seed {seed}: Frank-Wolfe {} far above the conic bound {}",
                fw.value,
                conic.value
            );
            checked += 1;
        }
        assert_eq!(checked, 5);
    }
}
