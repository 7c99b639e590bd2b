//! The response fit: MAP by L-BFGS, Laplace intervals, identification checks, the holdout.

use argmin::core::{CostFunction, Executor, Gradient, State};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use serde::{Deserialize, Serialize};

use super::history::{Data, Period};
use super::linalg::Matrix;
use super::model::{Likelihood, Model, Priors, logistic};
use crate::calendar::Calendar;
use crate::error::{Error, Item};
use crate::problem::Problem;

/// Options of [`fit`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FitOptions {
    /// Count distribution (default [`Likelihood::Auto`]).
    pub likelihood: Likelihood,
    /// Weekly-or-monthly retention per channel (the problem's channel order), in `[0, 1)`;
    /// missing entries are 0 (no memory). From a scenario's calendar:
    /// [`retention_per_period`].
    pub retention: Vec<f64>,
    /// Prior widths.
    pub priors: Priors,
    /// Periods held out at the end for the prediction check (default 3; 0: none).
    pub holdout: usize,
    /// L-BFGS iterations at most (default 500).
    pub max_iterations: u64,
}

/// Each channel's retention per history period from a calendar's weekly retention: a period
/// of `p` weeks (`52 / 12` for a month, 1 for a week) keeps `lambda^p` of what was remembered,
/// so a history fitted with it remembers past campaigns as the calendar plans with.
///
/// # Example
///
/// ```
/// use fanzha::calendar::Calendar;
/// use fanzha::fit::{estimate::retention_per_period, history::Period};
/// use fanzha::scenarios;
///
/// let yearly = scenarios::jurong_2023().compile()?;
/// let calendar = Calendar::new(&yearly, 52, 1, 0.7)?;
/// let monthly = retention_per_period(&calendar, Period::Month);
/// assert!((monthly[0] - 0.7f64.powf(52.0 / 12.0)).abs() < 1e-15);
/// assert_eq!(retention_per_period(&calendar, Period::Week)[0], 0.7);
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn retention_per_period(calendar: &Calendar, period: Period) -> Vec<f64> {
    let weeks = period.years() * crate::calendar::YEAR_WEEKS as f64;
    calendar
        .retention
        .iter()
        .map(|&lambda| {
            if weeks == 1.0 {
                lambda
            } else {
                lambda.powf(weeks)
            }
        })
        .collect()
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            likelihood: Likelihood::Auto,
            retention: Vec::new(),
            priors: Priors::default(),
            holdout: 3,
            max_iterations: 500,
        }
    }
}

/// One fitted quantity with its 95% interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Estimate {
    /// `"ceiling"`, `"scale"` or `"slope"` (`ceiling / scale`, the initial slope of the
    /// response, which is what is identified when exposures barely vary).
    pub parameter: String,
    /// Threat id.
    pub threat: String,
    /// Group, when fitted per group (`null`: every group).
    pub group: Option<String>,
    /// MAP estimate.
    pub estimate: f64,
    /// Lower end of the 95% interval.
    pub low: f64,
    /// Upper end of the 95% interval.
    pub high: f64,
}

/// The holdout check: fit without the last periods, predict them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Holdout {
    /// The held-out periods (1-based).
    pub periods: Vec<usize>,
    /// Case rows in them.
    pub rows: usize,
    /// Cases observed in them.
    pub observed: f64,
    /// Cases the fit on the other periods predicts.
    pub predicted: f64,
    /// Mean absolute error per row.
    pub mean_absolute_error: f64,
    /// `(predicted - observed) / observed` of the total.
    pub relative_error: f64,
}

/// A fitted response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Fit {
    /// The likelihood used (Poisson or negative binomial).
    pub likelihood: Likelihood,
    /// Ceilings and scales per threat with Laplace 95% intervals, threat order.
    pub parameters: Vec<Estimate>,
    /// The initial slope `ceiling / scale` per threat with its 95% interval.
    pub slopes: Vec<Estimate>,
    /// Negative-binomial dispersion `phi` (`Var = mu + mu^2 / phi`), if used.
    pub dispersion: Option<f64>,
    /// Pearson dispersion of the Poisson fit (`chi^2 / (rows - parameters)`).
    pub pearson_dispersion: f64,
    /// Everything a reader should know: weak identification, over-dispersion, no variation.
    pub warnings: Vec<String>,
    /// The holdout check, if asked and the history is long enough.
    pub holdout: Option<Holdout>,
    /// The MAP on the unconstrained scale.
    pub theta: Vec<f64>,
    /// Laplace standard deviations on the unconstrained scale.
    pub sd: Vec<f64>,
}

/// The posterior in preconditioned coordinates: `theta = origin + z / sqrt(d)`, with `d` the
/// Hessian's diagonal at the origin, so L-BFGS sees a problem of unit scale whatever the
/// counts' size.
struct Objective<'a> {
    model: &'a Model,
    origin: Vec<f64>,
    inv_root: Vec<f64>,
}

impl Objective<'_> {
    fn theta(&self, z: &[f64]) -> Vec<f64> {
        self.origin
            .iter()
            .zip(z)
            .zip(&self.inv_root)
            .map(|((o, z), r)| o + z * r)
            .collect()
    }
}

impl CostFunction for Objective<'_> {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, z: &Vec<f64>) -> Result<f64, argmin::core::Error> {
        let v = self.model.value_and_gradient(&self.theta(z)).0;
        if v.is_finite() {
            Ok(v)
        } else {
            Err(argmin::core::Error::msg(
                "the posterior is not finite at a trial point",
            ))
        }
    }
}

impl Gradient for Objective<'_> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;
    fn gradient(&self, z: &Vec<f64>) -> Result<Vec<f64>, argmin::core::Error> {
        let g = self.model.value_and_gradient(&self.theta(z)).1;
        Ok(g.iter().zip(&self.inv_root).map(|(g, r)| g * r).collect())
    }
}

/// The Hessian's diagonal at `theta` by central differences (at least the prior's
/// precision, which keeps it positive).
fn diagonal(model: &Model, theta: &[f64]) -> Vec<f64> {
    let mut x = theta.to_vec();
    (0..theta.len())
        .map(|j| {
            let step = 1e-5 * theta[j].abs().max(1.0);
            x[j] = theta[j] + step;
            let up = model.value_and_gradient(&x).1[j];
            x[j] = theta[j] - step;
            let down = model.value_and_gradient(&x).1[j];
            x[j] = theta[j];
            let prior = 1.0 / (model.prior[j].1 * model.prior[j].1);
            ((up - down) / (2.0 * step)).max(prior)
        })
        .collect()
}

fn failed(what: String) -> Error {
    Error::Invalid {
        item: Item::new("history", "fit"),
        field: "cases".into(),
        problem: what,
    }
}

/// The MAP of `model` from `start` by L-BFGS (memory 10, More-Thuente line search) in
/// diagonally preconditioned coordinates, restarted (with a fresh preconditioner) until the
/// gradient is small, at most 5 times.
pub(crate) fn map(model: &Model, start: Vec<f64>, max_iterations: u64) -> Result<Vec<f64>, Error> {
    let mut theta = start;
    for _ in 0..5 {
        let d = diagonal(model, &theta);
        let objective = Objective {
            model,
            origin: theta.clone(),
            inv_root: d.iter().map(|d| 1.0 / d.sqrt()).collect(),
        };
        let solver = LBFGS::new(MoreThuenteLineSearch::new(), 10)
            .with_tolerance_grad(1e-8)
            .and_then(|s| s.with_tolerance_cost(1e-14))
            .map_err(|e| failed(format!("optimiser setup: {e}")))?;
        let result = Executor::new(objective, solver)
            .configure(|s| s.param(vec![0.0; theta.len()]).max_iters(max_iterations))
            .run()
            .map_err(|e| failed(format!("the optimiser stopped: {e}")))?;
        let z = result
            .state()
            .get_best_param()
            .cloned()
            .ok_or_else(|| failed("the optimiser found no point".into()))?;
        let next: Vec<f64> = theta
            .iter()
            .zip(&z)
            .zip(&d)
            .map(|((t, z), d)| t + z / d.sqrt())
            .collect();
        if next.iter().any(|v| !v.is_finite()) {
            return Err(failed("the optimiser diverged".into()));
        }
        theta = next;
        let g = model.value_and_gradient(&theta).1;
        let scaled = g
            .iter()
            .zip(&d)
            .map(|(g, d)| (g / d.sqrt()).abs())
            .fold(0.0, f64::max);
        if scaled < 1e-6 {
            break;
        }
    }
    Ok(theta)
}

/// Hessian of the negative log posterior by central differences of the analytic gradient,
/// symmetrised. `O(dim)` gradient evaluations.
pub(crate) fn hessian(model: &Model, theta: &[f64]) -> Matrix {
    let n = theta.len();
    let mut h = Matrix::zeros(n);
    let mut x = theta.to_vec();
    for j in 0..n {
        let step = 1e-5 * theta[j].abs().max(1.0);
        x[j] = theta[j] + step;
        let up = model.value_and_gradient(&x).1;
        x[j] = theta[j] - step;
        let down = model.value_and_gradient(&x).1;
        x[j] = theta[j];
        for i in 0..n {
            let v = (up[i] - down[i]) / (2.0 * step);
            h.add(i, j, v / 2.0);
            h.add(j, i, v / 2.0);
        }
    }
    h
}

/// The Laplace covariance (inverse Hessian), with a ridge if the Hessian is not positive
/// definite (then a warning).
pub(crate) fn covariance(model: &Model, theta: &[f64], warnings: &mut Vec<String>) -> Matrix {
    let mut h = hessian(model, theta);
    for attempt in 0..30 {
        if let Some(l) = h.cholesky() {
            return l.cholesky_inverse();
        }
        if attempt == 0 {
            warnings.push(
                "the posterior's curvature is not positive definite at the MAP; intervals use \
                 a ridge and are approximate"
                    .into(),
            );
        }
        for i in 0..h.n {
            h.add(i, i, 1e-8 * 10f64.powi(attempt));
        }
    }
    let mut id = Matrix::zeros(h.n);
    for (i, &(_, sd)) in model.prior.iter().enumerate() {
        id.add(i, i, sd * sd);
    }
    id
}

/// Fits ceilings and scales per threat to a checked history.
///
/// # Guarantee
///
/// The returned `theta` is a stationary point of the posterior found by L-BFGS (gradient
/// below 1e-7 or `max_iterations` reached); intervals are the Laplace approximation at it,
/// transformed to the natural scale (so asymmetric). The posterior is not guaranteed to be
/// unimodal: the fit starts at the prior centre.
///
/// # Errors
///
/// [`Error::InvalidValue`] for a retention outside `[0, 1)`; [`Error::Invalid`] if the
/// optimiser fails.
///
/// # Complexity
///
/// Each gradient costs `O(rows x segments per row)`; the Laplace step `O(dim)` gradients
/// and an `O(dim^3)` factorisation, `dim = 2 threats + 2 region-threat pairs (+1)`.
///
/// # Example
///
/// ```
/// use fanzha::fit::{estimate::{fit, FitOptions}, synthetic::{synthetic_history, Truth}};
///
/// let problem = fanzha::scenarios::jurong_2023().compile()?;
/// let truth = Truth::from_problem(&problem);
/// let history = synthetic_history(&problem, &truth, 12, 7)?;
/// let fitted = fit(&problem, &history.check(&problem)?, &FitOptions::default())?;
/// assert_eq!(fitted.parameters.len(), 2 * problem.threat_count());
/// assert!(fitted.parameters.iter().all(|p| p.low <= p.estimate && p.estimate <= p.high));
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn fit(problem: &Problem, data: &Data, options: &FitOptions) -> Result<Fit, Error> {
    check_retention(&options.retention)?;
    let mut warnings = data.warnings.clone();
    let poisson = Model::new(problem, data, &options.retention, &options.priors, false);
    let theta_p = map(&poisson, poisson.start(), options.max_iterations)?;
    let pearson = pearson(&poisson, &theta_p);
    let nb = match options.likelihood {
        Likelihood::Poisson => false,
        Likelihood::NegativeBinomial => true,
        Likelihood::Auto => pearson > 1.5,
    };
    if nb && options.likelihood == Likelihood::Auto {
        warnings.push(format!(
            "over-dispersed counts (Pearson dispersion {pearson:.2} under the Poisson): \
             negative binomial used"
        ));
    }
    let (model, theta) = if nb {
        let m = Model::new(problem, data, &options.retention, &options.priors, true);
        let mut start = theta_p.clone();
        start.push(m.prior[m.dim() - 1].0);
        let t = map(&m, start, options.max_iterations)?;
        (m, t)
    } else {
        (poisson, theta_p)
    };
    let cov = covariance(&model, &theta, &mut warnings);
    let sd: Vec<f64> = (0..theta.len())
        .map(|i| cov.at(i, i).max(0.0).sqrt())
        .collect();
    let (parameters, slopes) = estimates(problem, data, &model, &theta, &cov, &mut warnings);
    let holdout = holdout(problem, data, &model, &theta, options)?;
    Ok(Fit {
        likelihood: if nb {
            Likelihood::NegativeBinomial
        } else {
            Likelihood::Poisson
        },
        parameters,
        slopes,
        dispersion: model.phi(&theta),
        pearson_dispersion: pearson,
        warnings,
        holdout,
        theta,
        sd,
    })
}

fn check_retention(retention: &[f64]) -> Result<(), Error> {
    for (c, &r) in retention.iter().enumerate() {
        if !(0.0..1.0).contains(&r) {
            return Err(Error::InvalidValue {
                item: Item::at("channel", c),
                field: "retention".into(),
                value: r,
                expected: "a retention in [0, 1)",
            });
        }
    }
    Ok(())
}

/// Pearson `chi^2 / (n - p)` of a fitted model (`n - p` at least 1).
pub(crate) fn pearson(model: &Model, theta: &[f64]) -> f64 {
    let mut chi2 = 0.0;
    let mut n = 0usize;
    for i in (0..model.terms.len()).filter(|&i| model.used[i]) {
        let mu = model.mean(theta, i).0.max(1e-12);
        let r = model.counts[i] as f64 - mu;
        chi2 += r * r / mu;
        n += 1;
    }
    chi2 / (n.saturating_sub(model.dim()).max(1)) as f64
}

fn interval(kind: &str, threat: &str, m: f64, sd: f64, back: impl Fn(f64) -> f64) -> Estimate {
    Estimate {
        parameter: kind.into(),
        threat: threat.into(),
        group: None,
        estimate: back(m),
        low: back(m - 1.959964 * sd),
        high: back(m + 1.959964 * sd),
    }
}

/// Ceilings, scales and slopes with intervals, and identification warnings.
fn estimates(
    problem: &Problem,
    data: &Data,
    model: &Model,
    theta: &[f64],
    cov: &Matrix,
    warnings: &mut Vec<String>,
) -> (Vec<Estimate>, Vec<Estimate>) {
    let (mut params, mut slopes) = (Vec::new(), Vec::new());
    for f in 0..model.threats {
        let id = &problem.threats()[f].id;
        let (i, k) = (2 * f, 2 * f + 1);
        params.push(interval(
            "ceiling",
            id,
            theta[i],
            cov.at(i, i).sqrt(),
            logistic,
        ));
        params.push(interval(
            "scale",
            id,
            theta[k],
            cov.at(k, k).sqrt(),
            f64::exp,
        ));
        // ln(rho / kappa) = ln logistic(x) - y: gradient (1 - rho, -1).
        let rho = logistic(theta[i]);
        let g = [1.0 - rho, -1.0];
        let var = g[0] * g[0] * cov.at(i, i) + 2.0 * g[0] * g[1] * cov.at(i, k) + cov.at(k, k);
        let log_slope = rho.ln() - theta[k];
        slopes.push(interval(
            "slope",
            id,
            log_slope,
            var.max(0.0).sqrt(),
            f64::exp,
        ));
        if let Some(w) = identification(model, theta, f, data) {
            let s = slopes.last().expect("just pushed");
            warnings.push(format!(
                "threat {id:?}: {w}; only the initial slope ceiling/scale = {:.4} [{:.4}, {:.4}] \
                 per absorbed exposure is identified, the prior carries the rest",
                s.estimate, s.low, s.high
            ));
        }
    }
    (params, slopes)
}

/// Why threat `f`'s ceiling and scale cannot be told apart, if they cannot: the remembered
/// exposures where its cases were counted barely vary, or stay in the response's linear
/// range (below 0.3 scales), where only `rho / kappa` matters.
fn identification(model: &Model, theta: &[f64], f: usize, data: &Data) -> Option<String> {
    let kappa = theta[2 * f + 1].exp();
    let (mut w, mut mean, mut sq, mut max) = (0.0, 0.0, 0.0, 0.0f64);
    for t in model.terms.iter().filter(|t| t.threat == f) {
        for &(base, s) in &t.parts {
            w += base;
            mean += base * s;
            sq += base * s * s;
            max = max.max(s);
        }
    }
    let _ = data;
    if w == 0.0 || max == 0.0 {
        return None; // no exposure at all: already warned by the history check
    }
    let mean = mean / w;
    let cv = ((sq / w - mean * mean).max(0.0)).sqrt() / mean.max(1e-300);
    if cv < 0.2 {
        Some(format!(
            "the exposures barely vary (coefficient of variation {cv:.2})"
        ))
    } else if max / kappa < 0.3 {
        Some(format!(
            "the exposures stay small (at most {:.2} scales), in the response's linear range",
            max / kappa
        ))
    } else {
        None
    }
}

/// Fits on all but the last `options.holdout` periods and predicts them.
fn holdout(
    problem: &Problem,
    data: &Data,
    full: &Model,
    theta: &[f64],
    options: &FitOptions,
) -> Result<Option<Holdout>, Error> {
    let h = options.holdout;
    if h == 0 || data.periods <= h + 2 {
        return Ok(None);
    }
    let cut = data.periods - h;
    let mut m = full.clone();
    m.used = m.terms.iter().map(|t| t.period < cut).collect();
    let fitted = map(&m, theta.to_vec(), options.max_iterations)?;
    let _ = problem;
    let (mut rows, mut obs, mut pred, mut abs) = (0, 0.0, 0.0, 0.0);
    for i in (0..m.terms.len()).filter(|&i| !m.used[i]) {
        let mu = m.mean(&fitted, i).0;
        let y = m.counts[i] as f64;
        rows += 1;
        obs += y;
        pred += mu;
        abs += (mu - y).abs();
    }
    Ok(Some(Holdout {
        periods: (cut + 1..=data.periods).collect(),
        rows,
        observed: obs,
        predicted: pred,
        mean_absolute_error: abs / rows.max(1) as f64,
        relative_error: if obs > 0.0 { (pred - obs) / obs } else { 0.0 },
    }))
}
