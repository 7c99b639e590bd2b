//! Parametric bootstrap of a response fit: simulate histories from the fitted model, refit
//! each, read the 2.5% and 97.5% quantiles of the refitted ceilings and scales.
//!
//! Replicate `b` draws its counts from the ChaCha8 stream `b` of the seed and the refits run
//! in parallel (rayon), collected in replicate order: the result is the same on any number of
//! threads.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Gamma};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::estimate::{Estimate, Fit, FitOptions, map};
use super::history::Data;
use super::model::{Likelihood, Model, logistic};
use super::synthetic::draw;
use crate::error::Error;
use crate::problem::Problem;

/// Options of [`bootstrap`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BootstrapOptions {
    /// Number of simulated histories (default 200).
    pub replicates: usize,
    /// Seed of the ChaCha8 streams.
    pub seed: u64,
}

impl Default for BootstrapOptions {
    fn default() -> Self {
        BootstrapOptions {
            replicates: 200,
            seed: 7,
        }
    }
}

/// Bootstrap intervals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Bootstrap {
    /// Ceilings and scales per threat: the fit's estimate with the bootstrap's 2.5% and 97.5%
    /// quantiles (same order as [`Fit::parameters`]).
    pub parameters: Vec<Estimate>,
    /// Refits that succeeded.
    pub replicates: usize,
    /// Refits the optimiser gave up on (left out of the quantiles).
    pub failed: usize,
}

/// Simulated counts of one replicate under the fitted model.
fn simulate(model: &Model, theta: &[f64], seed: u64, b: usize) -> Vec<u64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(b as u64);
    let phi = model.phi(theta);
    (0..model.terms.len())
        .map(|i| {
            let mu = model.mean(theta, i).0;
            let mu = match phi {
                Some(phi) if mu > 0.0 => {
                    Gamma::new(phi, mu / phi).map_or(mu, |g| g.sample(&mut rng))
                }
                _ => mu,
            };
            draw(mu, &mut rng) as u64
        })
        .collect()
}

/// Quantile `q` of sorted `v` by linear interpolation.
fn quantile(v: &[f64], q: f64) -> f64 {
    let x = q * (v.len() - 1) as f64;
    let (i, frac) = (x.floor() as usize, x.fract());
    if i + 1 < v.len() {
        v[i] * (1.0 - frac) + v[i + 1] * frac
    } else {
        v[i]
    }
}

/// Refits `options.replicates` histories simulated from `fit` and returns percentile
/// intervals.
///
/// # Complexity
///
/// `replicates` L-BFGS fits (warm-started at the fit), spread over the rayon pool.
///
/// # Errors
///
/// [`Error::Invalid`] if no replicate could be refitted.
///
/// # Example
///
/// ```
/// use fanzha::fit::{bootstrap::{bootstrap, BootstrapOptions}, estimate::{fit, FitOptions}};
/// use fanzha::fit::synthetic::{synthetic_history, Truth};
///
/// let p = fanzha::scenarios::jurong_2023().compile()?;
/// let data = synthetic_history(&p, &Truth::from_problem(&p), 12, 1)?.check(&p)?;
/// let options = FitOptions::default();
/// let fitted = fit(&p, &data, &options)?;
/// let boot = bootstrap(&p, &data, &fitted, &options, &BootstrapOptions { replicates: 8, seed: 3 })?;
/// assert_eq!(boot.replicates + boot.failed, 8);
/// assert!(boot.parameters.iter().all(|e| e.low <= e.high));
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn bootstrap(
    problem: &Problem,
    data: &Data,
    fit: &Fit,
    options: &FitOptions,
    boot: &BootstrapOptions,
) -> Result<Bootstrap, Error> {
    let nb = fit.likelihood == Likelihood::NegativeBinomial;
    let model = Model::new(problem, data, &options.retention, &options.priors, nb);
    let refits: Vec<Option<Vec<f64>>> = (0..boot.replicates)
        .into_par_iter()
        .map(|b| {
            let mut m = model.clone();
            m.counts = simulate(&model, &fit.theta, boot.seed, b);
            map(&m, fit.theta.clone(), options.max_iterations).ok()
        })
        .collect();
    let ok: Vec<&Vec<f64>> = refits.iter().flatten().collect();
    if ok.is_empty() {
        return Err(Error::Invalid {
            item: crate::error::Item::new("history", "bootstrap"),
            field: "replicates".into(),
            problem: "no replicate could be refitted".into(),
        });
    }
    let parameters = fit
        .parameters
        .iter()
        .enumerate()
        .map(|(j, e)| {
            let mut v: Vec<f64> = ok
                .iter()
                .map(|t| {
                    if j % 2 == 0 {
                        logistic(t[j])
                    } else {
                        t[j].exp()
                    }
                })
                .collect();
            v.sort_by(f64::total_cmp);
            Estimate {
                low: quantile(&v, 0.025),
                high: quantile(&v, 0.975),
                ..e.clone()
            }
        })
        .collect();
    Ok(Bootstrap {
        parameters,
        replicates: ok.len(),
        failed: refits.len() - ok.len(),
    })
}
