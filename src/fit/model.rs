//! The response fit's likelihood (DESIGN, "Learning from the city's numbers").
//!
//! The expected count of an observation (period `t`, region `r`, threat `f`, its segments) is
//!
//! ```text
//! mu = exp(a_rf + c_rf tau_t) * sum_s N_s p_sf dt (1 - rho_f (1 - exp(-S_sf,t / kappa_f)))
//! ```
//!
//! with `dt` the period in years, `tau_t` the period's centre in years from the history's
//! middle (log-linear trend), and `S_sf,t = sum_c S_sfc,t`, `S_sfc,t = lambda_c S_sfc,t-1 +
//! E_sfc,t` the remembered absorbed exposures of the past campaigns (retention `lambda_c` per
//! channel; 0 = none). Counts are Poisson, or negative binomial `Var = mu + mu^2 / phi`.
//!
//! Unconstrained parameters, in order: per threat `logit rho_f`, `ln kappa_f`; per observed
//! region x threat `a_rf`, `c_rf`; for the negative binomial `ln phi`. Priors are independent
//! normals on them (logit-normal ceiling, lognormal scale) centred on the scenario's values.

use serde::{Deserialize, Serialize};

use super::history::Data;
use crate::core::{CellId, SegmentId};
use crate::problem::Problem;

/// The count distribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Likelihood {
    /// Poisson counts.
    Poisson,
    /// Negative binomial (gamma-Poisson) counts with a fitted dispersion.
    NegativeBinomial,
    /// Poisson, switching to the negative binomial when the Poisson fit's Pearson dispersion
    /// exceeds 1.5.
    Auto,
}

/// Prior standard deviations on the unconstrained scale.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Priors {
    /// On `logit rho` (default 1.0: for a centre of 0.4, a 95% range of about 0.08-0.83).
    pub ceiling: f64,
    /// On `ln kappa` (default 1.0: a 95% range of 1/7 to 7 times the centre).
    pub scale: f64,
    /// On the baseline level `a` (default 1.0: the scenario's rate within a factor ~7).
    pub baseline: f64,
    /// On the trend `c`, per year (default 0.5).
    pub trend: f64,
    /// On `ln phi`, centred on `ln 20` (default 1.5).
    pub dispersion: f64,
}

impl Default for Priors {
    fn default() -> Self {
        Priors {
            ceiling: 1.0,
            scale: 1.0,
            baseline: 1.0,
            trend: 0.5,
            dispersion: 1.5,
        }
    }
}

/// One observation's terms: `(N_s p_sf dt, S_sf,t)` per segment with cases.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Term {
    pub(crate) period: usize,
    pub(crate) threat: usize,
    pub(crate) baseline: usize,
    pub(crate) tau: f64,
    pub(crate) parts: Vec<(f64, f64)>,
}

/// The posterior of one history under one likelihood, ready to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Model {
    pub(crate) threats: usize,
    /// (region, threat) of each baseline pair.
    pub(crate) baselines: Vec<(usize, usize)>,
    pub(crate) terms: Vec<Term>,
    pub(crate) counts: Vec<u64>,
    /// Which terms enter the likelihood (the holdout leaves some out).
    pub(crate) used: Vec<bool>,
    pub(crate) negative_binomial: bool,
    /// Prior centre and standard deviation of each parameter.
    pub(crate) prior: Vec<(f64, f64)>,
}

pub(crate) fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

pub(crate) fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

/// Remembered exposures per period and cell (`periods x cells`).
pub(crate) fn stocks(problem: &Problem, data: &Data, retention: &[f64]) -> Vec<Vec<f64>> {
    let n_cells = problem.structure().cell_count();
    let n_c = problem.channels().len();
    let mut fresh = vec![vec![vec![0.0; n_cells]; n_c]; data.periods];
    for &(t, c, cell, e) in &data.exposures {
        fresh[t][c][cell.index()] += e;
    }
    let mut stock = vec![vec![0.0; n_cells]; n_c];
    let mut out = Vec::with_capacity(data.periods);
    for period in &fresh {
        let mut total = vec![0.0; n_cells];
        for (c, by_cell) in period.iter().enumerate() {
            let lambda = retention.get(c).copied().unwrap_or(0.0);
            for (cell, e) in by_cell.iter().enumerate() {
                stock[c][cell] = lambda * stock[c][cell] + e;
                total[cell] += stock[c][cell];
            }
        }
        out.push(total);
    }
    out
}

impl Model {
    /// Builds the model; `centre` gives each threat's prior ceiling and scale.
    pub(crate) fn new(
        problem: &Problem,
        data: &Data,
        retention: &[f64],
        priors: &Priors,
        negative_binomial: bool,
    ) -> Model {
        let n_f = problem.threat_count();
        let stock = stocks(problem, data, retention);
        let mid = (data.periods as f64 - 1.0) / 2.0;
        let mut baselines: Vec<(usize, usize)> = Vec::new();
        let mut terms = Vec::with_capacity(data.observations.len());
        for o in &data.observations {
            let key = (o.region, o.threat.index());
            let b = baselines.iter().position(|k| *k == key).unwrap_or_else(|| {
                baselines.push(key);
                baselines.len() - 1
            });
            let parts = o
                .segments
                .iter()
                .map(|&s| {
                    let cell = CellId::of(s, o.threat, n_f);
                    (
                        problem.cases_at(cell) * data.period_years,
                        stock[o.period][cell.index()],
                    )
                })
                .filter(|(base, _)| *base > 0.0)
                .collect();
            terms.push(Term {
                period: o.period,
                threat: o.threat.index(),
                baseline: b,
                tau: (o.period as f64 - mid) * data.period_years,
                parts,
            });
        }
        let mut prior = Vec::new();
        for f in 0..n_f {
            let (rho, kappa) = centre(problem, f);
            prior.push((logit(rho), priors.ceiling));
            prior.push((kappa.ln(), priors.scale));
        }
        for _ in &baselines {
            prior.push((0.0, priors.baseline));
            prior.push((0.0, priors.trend));
        }
        if negative_binomial {
            prior.push((20f64.ln(), priors.dispersion));
        }
        Model {
            threats: n_f,
            baselines,
            counts: data.observations.iter().map(|o| o.count).collect(),
            used: vec![true; terms.len()],
            terms,
            negative_binomial,
            prior,
        }
    }

    pub(crate) fn dim(&self) -> usize {
        self.prior.len()
    }

    /// The prior centre, a good starting point.
    pub(crate) fn start(&self) -> Vec<f64> {
        self.prior.iter().map(|p| p.0).collect()
    }

    /// Expected count of term `i` and its partial derivatives with respect to
    /// `(logit rho, ln kappa, a, c)`.
    pub(crate) fn mean(&self, theta: &[f64], i: usize) -> (f64, [f64; 4]) {
        let t = &self.terms[i];
        let rho = logistic(theta[2 * t.threat]);
        let kappa = theta[2 * t.threat + 1].clamp(-700.0, 700.0).exp();
        let j = 2 * self.threats + 2 * t.baseline;
        // Clamped so every point L-BFGS tries has a finite value (a line search fed NaN
        // never ends).
        let b = (theta[j] + theta[j + 1] * t.tau).clamp(-700.0, 700.0).exp();
        let (mut total, mut reached, mut slope) = (0.0, 0.0, 0.0);
        for &(base, s) in &t.parts {
            total += base;
            let x = s / kappa;
            if s > 0.0 && x.is_finite() && x < 700.0 {
                let decay = (-x).exp();
                reached += base * (1.0 - decay);
                slope += base * decay * x;
            } else if s > 0.0 {
                reached += base;
            }
        }
        let mu = b * (total - rho * reached);
        (
            mu,
            [
                -b * reached * rho * (1.0 - rho),
                b * rho * slope,
                mu,
                t.tau * mu,
            ],
        )
    }

    /// The dispersion `phi` (negative binomial only).
    pub(crate) fn phi(&self, theta: &[f64]) -> Option<f64> {
        self.negative_binomial
            .then(|| theta[theta.len() - 1].clamp(-30.0, 30.0).exp())
    }

    /// Negative log posterior (up to a constant) and its gradient.
    pub(crate) fn value_and_gradient(&self, theta: &[f64]) -> (f64, Vec<f64>) {
        let mut grad = vec![0.0; theta.len()];
        let mut value = 0.0;
        for (k, (&x, &(m, sd))) in theta.iter().zip(&self.prior).enumerate() {
            let z = (x - m) / sd;
            value += 0.5 * z * z;
            grad[k] += z / sd;
        }
        let phi = self.phi(theta);
        for i in (0..self.terms.len()).filter(|&i| self.used[i]) {
            let (mu, d) = self.mean(theta, i);
            let mu = mu.max(1e-300);
            let y = self.counts[i] as f64;
            let (ll, dmu, dphi) = match phi {
                None => (y * mu.ln() - mu, y / mu - 1.0, 0.0),
                Some(phi) => nb_terms(self.counts[i], mu, phi),
            };
            value -= ll;
            let t = &self.terms[i];
            let j = 2 * self.threats + 2 * t.baseline;
            for (k, dk) in [2 * t.threat, 2 * t.threat + 1, j, j + 1]
                .into_iter()
                .zip(d)
            {
                grad[k] -= dmu * dk;
            }
            if phi.is_some() {
                let last = theta.len() - 1;
                grad[last] -= dphi;
            }
        }
        (value, grad)
    }
}

/// Log likelihood of `y` under NB(mu, phi) without `ln y!`, its derivative in `mu`, and its
/// derivative in `ln phi`.
fn nb_terms(y: u64, mu: f64, phi: f64) -> (f64, f64, f64) {
    let yf = y as f64;
    let (lg, dg) = super::special::ln_rising(phi, y);
    let ll = lg + phi * phi.ln() - (phi + yf) * (phi + mu).ln() + yf * mu.ln();
    let dmu = yf / mu - (phi + yf) / (phi + mu);
    let dphi = phi * (dg + phi.ln() + 1.0 - (phi + mu).ln() - (phi + yf) / (phi + mu));
    (ll, dmu, dphi)
}

/// The scenario's ceiling and scale for threat `f`: means over its cells, weighted by cases.
pub(crate) fn centre(problem: &Problem, f: usize) -> (f64, f64) {
    let n_f = problem.threat_count();
    let (mut w, mut rho, mut kappa) = (0.0, 0.0, 0.0);
    for s in 0..problem.segment_count() {
        let cell = CellId::of(SegmentId::new(s), crate::core::ThreatId::new(f), n_f);
        let c = problem.cells()[cell.index()];
        let weight = problem.cases_at(cell).max(1e-12);
        w += weight;
        rho += weight * c.ceiling;
        kappa += weight * c.scale.ln();
    }
    let rho = (rho / w).clamp(1e-3, 0.99);
    (rho, (kappa / w).exp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fit::synthetic::{Truth, synthetic_history, theta_of};

    #[test]
    fn the_gradient_matches_finite_differences() {
        let p = crate::scenarios::jurong_2023().compile().unwrap();
        let h = synthetic_history(&p, &Truth::from_problem(&p), 6, 3).unwrap();
        let data = h.check(&p).unwrap();
        for nb in [false, true] {
            let retention = vec![0.5; p.channels().len()];
            let m = Model::new(&p, &data, &retention, &Priors::default(), nb);
            let mut theta = theta_of(&m, &Truth::from_problem(&p));
            theta
                .iter_mut()
                .enumerate()
                .for_each(|(i, x)| *x += 0.01 * (i % 7) as f64);
            if nb {
                theta.push(2.0);
            }
            let (_, g) = m.value_and_gradient(&theta);
            for j in 0..theta.len() {
                let mut x = theta.clone();
                let h = 1e-6;
                x[j] += h;
                let up = m.value_and_gradient(&x).0;
                x[j] -= 2.0 * h;
                let down = m.value_and_gradient(&x).0;
                let fd = (up - down) / (2.0 * h);
                assert!(
                    (fd - g[j]).abs() < 1e-4 * g[j].abs().max(1.0),
                    "{j}: {fd} vs {}",
                    g[j]
                );
            }
        }
    }

    #[test]
    fn negative_binomial_terms_match_their_finite_differences() {
        let (y, mu, phi) = (7, 4.5, 3.0);
        let (ll, dmu, dphi) = nb_terms(y, mu, phi);
        let h = 1e-6;
        let dm = (nb_terms(y, mu + h, phi).0 - nb_terms(y, mu - h, phi).0) / (2.0 * h);
        let dp =
            (nb_terms(y, mu, phi * h.exp()).0 - nb_terms(y, mu, phi * (-h).exp()).0) / (2.0 * h);
        assert!(
            (dm - dmu).abs() < 1e-6 && (dp - dphi).abs() < 1e-6,
            "{dm} {dp}"
        );
        // Large phi tends to the Poisson term y ln mu - mu (both without ln y!).
        let (big, _, _) = nb_terms(y, mu, 1e9);
        let poisson = y as f64 * mu.ln() - mu;
        assert!((big - poisson).abs() < 1e-4, "{big} vs {poisson}");
        assert!(
            ll < poisson,
            "the over-dispersed fit of one count is worse: {ll}"
        );
    }
}
