//! The certificate: a bound on every plan of a restriction from the solver's point and
//! multipliers, valid whatever the solver's accuracy (proof in the
//! [`bound` module](mod@crate::optimize::bound)).

use super::{Layout, Point, Relaxation, Row, stake};
use crate::core::{ArmId, CellId, PlacementId};
use crate::response;

impl Relaxation<'_> {
    /// The certified bound at the solver's `point` (clipped into the box) with its
    /// `multipliers`: the least of the Lagrangian certificate, the same without multipliers,
    /// and every live cell at its most exposure.
    pub(super) fn certify(
        &self,
        l: &Layout,
        rows: &[Row],
        live: &[usize],
        point: &[f64],
        multipliers: &[f64],
        iterations: u32,
    ) -> Point {
        let w: Vec<f64> = (0..l.n_vars())
            .map(|j| {
                point
                    .get(j)
                    .copied()
                    .unwrap_or(0.0)
                    .clamp(l.lower[j], l.upper[j])
            })
            .collect();
        let absorbed = self.exposures(l, &w);
        let gradient = self.gradient(l, live, &absorbed);
        let saturated = self.saturated(l, live);
        let point = self.certify_at(
            l,
            rows,
            live,
            &w,
            (&absorbed, &gradient, saturated),
            multipliers,
        );
        Point {
            iterations,
            ..point
        }
    }

    /// The value with every live cell at its most exposure (every arm at its upper bound):
    /// a bound that needs no solver.
    pub(super) fn saturated(&self, l: &Layout, live: &[usize]) -> f64 {
        let most = self.exposures(l, &l.upper);
        self.value_of(live, &most)
    }

    /// As [`Relaxation::certify`] at a point `w` inside the box, given `(absorbed exposures
    /// per cell, value gradient, saturated value)` there (so a caller that has them, e.g.
    /// Frank-Wolfe, does not recompute them); `iterations` 0 for the caller to set.
    pub(super) fn certify_at(
        &self,
        l: &Layout,
        rows: &[Row],
        live: &[usize],
        w: &[f64],
        (absorbed, gradient, saturated): (&[f64], &[f64], f64),
        multipliers: &[f64],
    ) -> Point {
        let p = self.problem;
        let mut units = vec![0.0; p.arms().len()];
        for (j, &a) in l.active.iter().enumerate() {
            units[a] = w[j];
        }
        let relaxed_value = self.value_of(live, absorbed);
        let certified = certificate(l, rows, w, gradient, relaxed_value, &|i| multipliers[i]);
        let without_duals = certificate(l, rows, w, gradient, relaxed_value, &|_| 0.0);
        let value = [certified, without_duals, saturated]
            .into_iter()
            .filter(|v| v.is_finite())
            .fold(f64::INFINITY, f64::min);
        let value = if value.is_finite() { value } else { saturated };
        let (placement_share, message_share) = self.shares(l, &units, w);
        Point {
            value: value.max(0.0) * (1.0 + 1e-9),
            relaxed_value,
            units,
            iterations: 0,
            placement_share,
            message_share,
        }
    }

    /// Prevented loss over the live cells of absorbed exposures `e` (one per cell).
    fn value_of(&self, live: &[usize], e: &[f64]) -> f64 {
        let p = self.problem;
        live.iter()
            .map(|&c| {
                let cell = &p.cells()[c];
                p.value_at_risk(CellId::new(c))
                    * response::reduction(cell.ceiling, cell.scale, e[c])
            })
            .sum()
    }

    /// Absorbed exposures per cell at `w` (one entry per variable).
    pub(super) fn exposures(&self, l: &Layout, w: &[f64]) -> Vec<f64> {
        let p = self.problem;
        let mut e = vec![0.0; p.cells().len()];
        for (j, &a) in l.active.iter().enumerate() {
            let wj = w[j];
            if wj != 0.0 {
                for (c, coef) in p.absorbed(ArmId::new(a)) {
                    e[c.index()] += coef * wj;
                }
            }
        }
        e
    }

    /// Gradient of the value in the arm variables; zero in the `z` variables.
    pub(super) fn gradient(&self, l: &Layout, live: &[usize], absorbed: &[f64]) -> Vec<f64> {
        let p = self.problem;
        // The value's derivative in each live cell's exposure (0 in the others).
        let mut d = vec![0.0; p.cells().len()];
        for &c in live {
            let scale = p.cells()[c].scale;
            d[c] = stake(p, c) / scale * (-absorbed[c] / scale).exp();
        }
        let mut gradient = vec![0.0; l.n_vars()];
        for (j, &a) in l.active.iter().enumerate() {
            gradient[j] = p
                .absorbed(ArmId::new(a))
                .map(|(c, coef)| d[c.index()] * coef)
                .sum();
        }
        gradient
    }

    /// Share of each placement's setup and each message's production cost the relaxation pays.
    fn shares(&self, l: &Layout, units: &[f64], w: &[f64]) -> (Vec<f64>, Vec<f64>) {
        let p = self.problem;
        let placement_share = (0..p.placements().len())
            .map(|k| {
                if l.placement_paid[k] {
                    1.0
                } else {
                    let id = PlacementId::new(k);
                    let n: f64 = p
                        .arms_of_placement(id)
                        .iter()
                        .map(|&a| units[a.index()])
                        .sum();
                    (n * l.spread[k] / p.placement(id).setup_cost.max(f64::MIN_POSITIVE)).min(1.0)
                }
            })
            .collect();
        let message_share = (0..p.messages().len())
            .map(|m| {
                if l.message_paid[m] {
                    1.0
                } else if l.z_var[m] != usize::MAX {
                    w[l.z_var[m]]
                } else {
                    0.0
                }
            })
            .collect();
        (placement_share, message_share)
    }
}

/// `V(w) - g.w + y.h + sum_j max_box(r_j w_j)` with `r = g - G^T y`, rearranged as
/// `V(w) + sum_i y_i (h_i - G_i w) + sum_j r_j (bound_j - w_j)` (bound_j the box end the sign
/// of r_j picks): the same number, summed from small terms without the cancellation of large
/// multipliers against large reduced costs.
fn certificate(
    l: &Layout,
    rows: &[Row],
    w: &[f64],
    gradient: &[f64],
    relaxed_value: f64,
    y: &dyn Fn(usize) -> f64,
) -> f64 {
    let mut reduced = gradient.to_vec();
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
            rc * (l.upper[j] - w[j])
        } else {
            rc * (l.lower[j] - w[j])
        };
    }
    total
}

/// Lowers the certificate's multiplier part `phi(y) = y.h + sum_j max_box(r_j w_j)`, `r = g -
/// G^T y`, by `sweeps` rounds of exact minimisation over one multiplier at a time, keeping
/// `y >= 0`. Along `y_i`, `phi` is convex and piecewise linear, with a kink where a term of
/// row `i` changes the sign of its reduced cost; the minimiser is where the slope, rising by
/// `|G_ij| (upper_j - lower_j)` at each kink, turns nonnegative. Every update lowers `phi` or
/// leaves it, so the certificate at the result is at most the one at the given `y` (both
/// bounds are valid: any `y >= 0` certifies).
///
/// A multiplier that is negative or not finite is taken as 0 first. Each row names a variable
/// at most once (as [`Relaxation::rows`](super::Relaxation::rows) builds them).
///
/// `O(sweeps * nnz * log(row length))`. Frank-Wolfe uses it to carry the last linear
/// program's multipliers to the next point instead of solving another program.
pub(super) fn refine_multipliers(
    l: &Layout,
    rows: &[Row],
    gradient: &[f64],
    y: &mut [f64],
    sweeps: usize,
) {
    let mut reduced = gradient.to_vec();
    for (row, yi) in rows.iter().zip(y.iter_mut()) {
        if !(*yi > 0.0 && yi.is_finite()) {
            *yi = 0.0;
            continue;
        }
        for &(j, coef) in &row.terms {
            reduced[j] -= *yi * coef;
        }
    }
    let mut kinks: Vec<(f64, f64)> = Vec::new();
    for _ in 0..sweeps {
        for (row, yi) in rows.iter().zip(y.iter_mut()) {
            // Along t = y_i >= 0 the reduced cost of term j is rho_j - a t, rho_j its value
            // without this row; phi's slope is h - sum_j a f_j'(rho_j - a t), with f_j' the
            // upper end of the box where the argument is positive and the lower end where it
            // is negative.
            kinks.clear();
            let mut slope = row.rhs;
            for &(j, a) in &row.terms {
                let rho = reduced[j] + *yi * a;
                // Just above t = 0 the argument has the sign of rho, or of -a when rho = 0.
                let positive = rho > 0.0 || (rho == 0.0 && a < 0.0);
                slope -= a * if positive { l.upper[j] } else { l.lower[j] };
                let t = rho / a;
                if t > 0.0 && t.is_finite() {
                    kinks.push((t, a.abs() * (l.upper[j] - l.lower[j])));
                }
            }
            let t = if slope >= 0.0 {
                Some(0.0)
            } else {
                kinks.sort_unstable_by(|x, y| x.0.total_cmp(&y.0));
                kinks.iter().find_map(|&(t, jump)| {
                    slope += jump;
                    (slope >= 0.0).then_some(t)
                })
            };
            // `None`: still falling past every kink, which a row some point of the box meets
            // cannot be; keep y_i.
            if let Some(t) = t
                && t != *yi
            {
                for &(j, a) in &row.terms {
                    reduced[j] -= (t - *yi) * a;
                }
                *yi = t;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Relaxation, Solved};
    use super::refine_multipliers;
    use crate::Strategy;
    use crate::generate::{self, Config};

    /// On small yearly and calendar problems, refining multipliers (from none, and from the
    /// conic solve's) never raises the certificate, keeps it a bound (at least the
    /// relaxation's optimum), and lowers it somewhere.
    #[test]
    fn refined_multipliers_only_lower_a_valid_certificate() {
        let mut lowered = 0;
        for seed in 1..6 {
            let yearly = generate::scenario(&Config::tiny(), seed).compile().unwrap();
            let cal = crate::calendar::Calendar::new(&yearly, 3, 1 + seed as usize * 7, 0.6)
                .unwrap()
                .unroll(&yearly)
                .unwrap();
            for problem in [&yearly, &cal] {
                let relaxation = Relaxation::new(problem).with_accuracy(1e-8);
                let Solved {
                    layout,
                    rows,
                    live,
                    point,
                    multipliers,
                } = relaxation.solved_root();
                let optimum = relaxation
                    .certify(&layout, &rows, &live, &point, &multipliers, 0)
                    .relaxed_value;
                // Certify the greedy plan's units, away from the relaxation's point.
                let plan = crate::Greedy::default().plan(problem).unwrap();
                let mut w = vec![0.0; layout.n_vars()];
                for (j, &a) in layout.active.iter().enumerate() {
                    w[j] = (plan.units()[a] as f64).clamp(layout.lower[j], layout.upper[j]);
                }
                let e = relaxation.exposures(&layout, &w);
                let g = relaxation.gradient(&layout, &live, &e);
                let v = relaxation.value_of(&live, &e);
                for start in [vec![0.0; rows.len()], multipliers.clone()] {
                    let before = super::certificate(&layout, &rows, &w, &g, v, &|i| start[i]);
                    let mut y = start.clone();
                    refine_multipliers(&layout, &rows, &g, &mut y, 3);
                    assert!(y.iter().all(|&yi| yi >= 0.0 && yi.is_finite()));
                    let after = super::certificate(&layout, &rows, &w, &g, v, &|i| y[i]);
                    assert!(
                        after <= before + 1e-9 * before.abs(),
                        "seed {seed}: refining raised the certificate {before} to {after}"
                    );
                    assert!(
                        after >= optimum * (1.0 - 1e-7),
                        "seed {seed}: certificate {after} below the relaxation's optimum {optimum}"
                    );
                    if after < before * (1.0 - 1e-6) {
                        lowered += 1;
                    }
                }
            }
        }
        assert!(lowered > 0, "refining never lowered a certificate");
    }
}
