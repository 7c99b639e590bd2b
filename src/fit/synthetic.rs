//! Synthetic case histories from known parameters: for examples, tests and the simulation
//! study. Every random draw comes from a ChaCha8 stream keyed by the seed (stream 0: the
//! campaign design, stream 1: the counts), so a seed gives the same history everywhere.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal, Poisson};

use super::history::{CampaignRow, CaseRow, History, Period};
use super::model::{Model, Priors, centre, logistic, logit};
use crate::core::{ArmId, CellId, SegmentId, ThreatId};
use crate::error::Error;
use crate::problem::Problem;

/// The parameters a synthetic history is drawn from.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Truth {
    /// Ceiling per threat.
    pub ceilings: Vec<f64>,
    /// Scale per threat.
    pub scales: Vec<f64>,
    /// Log baseline level, shared by every region x threat (default 0: the scenario's rates).
    pub level: f64,
    /// Log-linear trend per year, shared (default 0.1).
    pub trend: f64,
}

impl Truth {
    /// The scenario's own ceilings and scales (case-weighted per threat), level 0, trend 0.1.
    pub fn from_problem(problem: &Problem) -> Truth {
        let (ceilings, scales) = (0..problem.threat_count())
            .map(|f| centre(problem, f))
            .unzip();
        Truth {
            ceilings,
            scales,
            level: 0.0,
            trend: 0.1,
        }
    }

    /// Ceilings and scales drawn from the fit's prior around the scenario's values (for a
    /// calibration study: a Bayesian interval covers a truth drawn from its prior at its
    /// nominal rate on average). Stream 2 of `seed`.
    pub fn from_prior(problem: &Problem, priors: &Priors, seed: u64) -> Truth {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(2);
        let mut t = Truth::from_problem(problem);
        let z = Normal::new(0.0, 1.0).expect("unit normal");
        for f in 0..t.ceilings.len() {
            t.ceilings[f] = logistic(logit(t.ceilings[f]) + priors.ceiling * z.sample(&mut rng));
            t.scales[f] *= (priors.scale * z.sample(&mut rng)).exp();
        }
        t
    }
}

/// The problem with every population multiplied by `factor` (e.g. 10 for a city ten times
/// Jurong's size).
///
/// # Errors
///
/// As [`Problem::with_parameters`] (a population beyond the limits).
pub fn scaled(problem: &Problem, factor: f64) -> Result<Problem, Error> {
    let mut params = problem.parameters().clone();
    params.population.iter_mut().for_each(|n| *n *= factor);
    problem.with_parameters(params)
}

/// The arm that reaches threat `f`'s cases most, and its case-weighted coefficient.
fn best_arm(problem: &Problem, f: usize) -> Option<(ArmId, f64)> {
    let n_f = problem.threat_count();
    let mut best: Option<(ArmId, f64, f64)> = None;
    for a in ArmId::range(problem.arms().len()) {
        let (mut score, mut cases) = (0.0, 0.0);
        for (cell, coef) in problem.absorbed(a) {
            if cell.split(n_f).1.index() == f && coef > 0.0 {
                score += coef * problem.cases_at(cell);
                cases += problem.cases_at(cell);
            }
        }
        if score > best.map_or(0.0, |b| b.1) {
            best = Some((a, score, score / cases));
        }
    }
    best.map(|(a, _, coef)| (a, coef))
}

/// Past campaigns: per threat its best arm, off in about a third of the periods and else
/// bought so its reached cases absorb between 0.2 and 3 of the scenario's scales.
fn campaigns(problem: &Problem, periods: u32, rng: &mut ChaCha8Rng) -> Vec<CampaignRow> {
    let mut out = Vec::new();
    for f in 0..problem.threat_count() {
        let Some((arm, coef)) = best_arm(problem, f) else {
            continue;
        };
        let kappa = centre(problem, f).1;
        let a = &problem.arms()[arm.index()];
        for t in 1..=periods {
            if rng.random::<f64>() < 1.0 / 3.0 {
                continue;
            }
            let target = kappa * rng.random_range(0.2..3.0);
            let units = (target / coef).round().clamp(1.0, 1e12);
            out.push(CampaignRow {
                period: t,
                message: problem.messages()[a.message.index()].id.clone(),
                placement: problem.placements()[a.placement.index()].id.clone(),
                units,
            });
        }
    }
    out
}

/// The unconstrained parameter vector of `truth` in `model`'s layout.
pub(crate) fn theta_of(model: &Model, truth: &Truth) -> Vec<f64> {
    let mut theta = Vec::with_capacity(model.dim());
    for f in 0..model.threats {
        theta.push(logit(truth.ceilings[f]));
        theta.push(truth.scales[f].ln());
    }
    for _ in &model.baselines {
        theta.push(truth.level);
        theta.push(truth.trend);
    }
    theta
}

/// A monthly history of `periods` months drawn from `truth`: one Poisson count per region x
/// threat with cases x month, and the campaigns of `campaigns`' design. Its `source` says it is
/// synthetic.
///
/// # Errors
///
/// [`Error::InvalidValue`] for a ceiling outside `(0, 1)` or a scale `<= 0` in `truth`, or a
/// truth with another number of threats than the problem ([`Error::Mismatch`]).
///
/// # Example
///
/// ```
/// use fanzha::fit::synthetic::{synthetic_history, Truth};
///
/// let problem = fanzha::scenarios::jurong_2023().compile()?;
/// let h = synthetic_history(&problem, &Truth::from_problem(&problem), 24, 1)?;
/// assert_eq!(h.periods, 24);
/// assert!(h.source.as_deref().unwrap().starts_with("synthetic"));
/// assert_eq!(h, synthetic_history(&problem, &Truth::from_problem(&problem), 24, 1)?);
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn synthetic_history(
    problem: &Problem,
    truth: &Truth,
    periods: u32,
    seed: u64,
) -> Result<History, Error> {
    check_truth(problem, truth)?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut history = History {
        period: Period::Month,
        periods: periods.max(1),
        start: None,
        source: Some(format!(
            "synthetic: drawn by fanzha::fit::synthetic from known parameters (seed {seed}); \
             not data"
        )),
        cases: case_rows(problem, periods.max(1)),
        campaigns: campaigns(problem, periods.max(1), &mut rng),
    };
    let data = history.check(problem)?;
    let model = Model::new(problem, &data, &[], &Priors::default(), false);
    let theta = theta_of(&model, truth);
    rng.set_stream(1);
    for (i, row) in history.cases.iter_mut().enumerate() {
        row.count = draw(model.mean(&theta, i).0, &mut rng);
    }
    Ok(history)
}

/// A Poisson draw with mean `mu` (0 for `mu <= 0`).
pub(crate) fn draw(mu: f64, rng: &mut ChaCha8Rng) -> f64 {
    if mu > 0.0 {
        Poisson::new(mu).map_or(0.0, |p| p.sample(rng))
    } else {
        0.0
    }
}

fn check_truth(problem: &Problem, truth: &Truth) -> Result<(), Error> {
    let n_f = problem.threat_count();
    for len in [truth.ceilings.len(), truth.scales.len()] {
        if len != n_f {
            return Err(Error::Mismatch {
                what: "truth per threat",
                expected: n_f,
                found: len,
            });
        }
    }
    for f in 0..n_f {
        let item = || crate::error::Item::new("threat", &problem.threats()[f].id);
        if !(truth.ceilings[f] > 0.0 && truth.ceilings[f] < 1.0) {
            return Err(Error::InvalidValue {
                item: item(),
                field: "ceiling".into(),
                value: truth.ceilings[f],
                expected: "a ceiling in (0, 1)",
            });
        }
        if !(truth.scales[f] > 0.0 && truth.scales[f].is_finite()) {
            return Err(Error::InvalidValue {
                item: item(),
                field: "scale".into(),
                value: truth.scales[f],
                expected: "a scale > 0",
            });
        }
    }
    Ok(())
}

/// One row per period x region x threat the region has cases of.
fn case_rows(problem: &Problem, periods: u32) -> Vec<CaseRow> {
    let n_f = problem.threat_count();
    let mut out = Vec::new();
    for t in 1..=periods {
        for (r, region) in problem.regions().iter().enumerate() {
            for f in 0..n_f {
                let cases: f64 = (0..problem.segment_count())
                    .filter(|&s| problem.segments()[s].region.index() == r)
                    .map(|s| problem.cases_at(CellId::of(SegmentId::new(s), ThreatId::new(f), n_f)))
                    .sum();
                if cases > 0.0 {
                    out.push(CaseRow {
                        period: t,
                        region: region.clone(),
                        threat: problem.threats()[f].id.clone(),
                        group: None,
                        count: 0.0,
                    });
                }
            }
        }
    }
    out
}
