//! Outcomes of fixed plans over draws: means, spreads and quantiles of their KPIs.

use std::ops::Range;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::draws::Sampler;
use super::spec::Uncertainty;
use crate::core::CellId;
use crate::error::Error;
use crate::plan::Plan;
use crate::problem::Problem;
use crate::response;

/// Mean, standard deviation and 5/50/95% quantiles of a quantity over draws.
///
/// Quantiles interpolate linearly between order statistics (`(n - 1) p`, "type 7"); the
/// standard deviation divides by `n - 1` (0 for one draw). Equal values give their value
/// exactly for every field (and `sd` 0).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Summary {
    /// Mean.
    pub mean: f64,
    /// Standard deviation.
    pub sd: f64,
    /// 5% quantile.
    pub p5: f64,
    /// Median.
    pub p50: f64,
    /// 95% quantile.
    pub p95: f64,
}

impl Summary {
    /// The summary of `values` (not empty, all finite).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] for an empty list or a value that is not finite.
    ///
    /// # Example
    ///
    /// ```
    /// use fanzha::uncertainty::Summary;
    ///
    /// let s = Summary::of(&[1.0, 2.0, 3.0, 4.0, 5.0])?;
    /// assert_eq!((s.mean, s.p50), (3.0, 3.0));
    /// assert!((s.p5 - 1.2).abs() < 1e-12);
    /// # Ok::<(), fanzha::Error>(())
    /// ```
    pub fn of(values: &[f64]) -> Result<Summary, Error> {
        if values.is_empty() || values.iter().any(|v| !v.is_finite()) {
            return Err(Error::InvalidParameter {
                parameter: "values",
                problem: "must be a non-empty list of finite numbers".into(),
            });
        }
        let n = values.len();
        let x0 = values[0];
        // Shifted sums: exact for equal values, and no cancellation for large means.
        let shift: f64 = values.iter().map(|v| v - x0).sum::<f64>() / n as f64;
        let mean = x0 + shift;
        let sd = if n > 1 {
            let ss: f64 = values.iter().map(|v| (v - x0 - shift).powi(2)).sum();
            (ss / (n - 1) as f64).sqrt()
        } else {
            0.0
        };
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        Ok(Summary {
            mean,
            sd,
            p5: quantile(&sorted, 0.05),
            p50: quantile(&sorted, 0.5),
            p95: quantile(&sorted, 0.95),
        })
    }
}

/// The `p` quantile of sorted values, interpolating at `(n - 1) p`.
pub(crate) fn quantile(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    if lo == hi || sorted[lo] == sorted[hi] {
        sorted[lo]
    } else {
        sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
    }
}

/// A [`Summary`] of prevented loss for one threat or group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Named {
    /// Threat id or group name.
    pub name: String,
    /// Yearly loss prevented.
    pub prevented_loss: Summary,
}

/// A plan's outcomes over draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MonteCarlo {
    /// Draws made.
    pub draws: usize,
    /// Their seed.
    pub seed: u64,
    /// Yearly loss prevented.
    pub prevented_loss: Summary,
    /// Yearly cases prevented.
    pub prevented_cases: Summary,
    /// Money spent (varies only with uncertain costs).
    pub spend: Summary,
    /// Yearly loss prevented per threat.
    pub threats: Vec<Named>,
    /// Yearly loss prevented per group.
    pub groups: Vec<Named>,
    /// Per entry: in how many draws some value it set left its valid range and was clamped.
    pub clamped: Vec<usize>,
}

/// Per-draw KPIs of a plan: prevented loss, prevented cases, spend, then prevented loss per
/// threat and per group.
fn kpis(problem: &Problem, plan: &Plan) -> Result<Vec<f64>, Error> {
    let st = problem.structure();
    let (threats, groups) = (problem.threat_count(), st.groups.len());
    let absorbed = plan.absorbed(problem)?;
    let usage = plan.usage(problem)?;
    let mut out = vec![0.0; 3 + threats + groups];
    out[2] = usage.money();
    for (c, (cell, &e)) in CellId::range(absorbed.len()).zip(problem.cells().iter().zip(&absorbed))
    {
        if e == 0.0 {
            continue;
        }
        let r = response::reduction(cell.ceiling, cell.scale, e);
        let cases = problem.cases_at(c) * r;
        let loss = cases * cell.loss;
        let (s, f) = st.segment_and_threat(c);
        out[0] += loss;
        out[1] += cases;
        out[3 + f.index()] += loss;
        out[3 + threats + st.segments[s.index()].group.index()] += loss;
    }
    Ok(out)
}

/// Outcomes of `plan` over the `uncertainty.draws` draws of `uncertainty`: each draw's
/// parameters replace the problem's ([`Sampler`]), the plan is evaluated on them, and every
/// KPI is summarised.
///
/// Draws run in parallel on rayon's pool; the result is the same on any number of threads
/// (each draw has its own stream and the summaries are taken in draw order).
///
/// # Errors
///
/// [`Error::Mismatch`] if the plan or the uncertainty is for another problem;
/// [`Error::InvalidParameter`] for zero draws.
///
/// # Complexity
///
/// `O(D (size of the problem))` for `D` draws, over the pool's threads, plus `O(D log D)` per
/// KPI for the quantiles.
///
/// # Example
///
/// ```
/// use fanzha::uncertainty::monte_carlo;
/// use fanzha::{scenarios, Greedy, Strategy};
///
/// let (problem, uncertainty) = scenarios::jurong_2023().compile_uncertain()?;
/// let plan = Greedy::default().plan(&problem)?;
/// let mc = monte_carlo(&problem, &uncertainty.with_draws(200, 1), &plan)?;
/// let v = mc.prevented_loss;
/// assert!(v.p5 <= v.p50 && v.p50 <= v.p95 && v.sd > 0.0);
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn monte_carlo(
    problem: &Problem,
    uncertainty: &Uncertainty,
    plan: &Plan,
) -> Result<MonteCarlo, Error> {
    if uncertainty.draws == 0 {
        return Err(Error::InvalidParameter {
            parameter: "draws",
            problem: "must be at least 1".into(),
        });
    }
    let rows = kpi_rows(
        problem,
        uncertainty,
        plan,
        &(0..uncertainty.draws as u64).collect::<Vec<_>>(),
    )?;
    summarise(problem, uncertainty, &rows)
}

/// One draw's KPIs (as [`kpis`]) and which entries it clamped.
pub(crate) type Row = (Vec<f64>, Vec<bool>);

/// The rows of `draws` (draw indices), in the order given, in parallel: the share of
/// [`monte_carlo`]'s work that one worker of a cluster does.
pub(crate) fn kpi_rows(
    problem: &Problem,
    uncertainty: &Uncertainty,
    plan: &Plan,
    draws: &[u64],
) -> Result<Vec<Row>, Error> {
    plan.usage(problem)?;
    let sampler = Sampler::new(problem, uncertainty)?;
    draws
        .par_iter()
        .map(|&i| {
            let (drawn, clamped) = sampler.problem_of(i)?;
            Ok((kpis(&drawn, plan)?, clamped))
        })
        .collect()
}

/// [`monte_carlo`]'s result from the rows of every draw, in draw order.
pub(crate) fn summarise(
    problem: &Problem,
    uncertainty: &Uncertainty,
    rows: &[Row],
) -> Result<MonteCarlo, Error> {
    let column = |j: usize| -> Result<Summary, Error> {
        Summary::of(&rows.iter().map(|(k, _)| k[j]).collect::<Vec<_>>())
    };
    let threats = problem
        .threats()
        .iter()
        .enumerate()
        .map(|(f, t)| {
            Ok(Named {
                name: t.id.clone(),
                prevented_loss: column(3 + f)?,
            })
        })
        .collect::<Result<_, Error>>()?;
    let groups = problem
        .groups()
        .iter()
        .enumerate()
        .map(|(g, name)| {
            Ok(Named {
                name: name.clone(),
                prevented_loss: column(3 + problem.threat_count() + g)?,
            })
        })
        .collect::<Result<_, Error>>()?;
    let clamped = (0..uncertainty.entries.len())
        .map(|j| rows.iter().filter(|(_, c)| c[j]).count())
        .collect();
    Ok(MonteCarlo {
        draws: uncertainty.draws,
        seed: uncertainty.seed,
        prevented_loss: column(0)?,
        prevented_cases: column(1)?,
        spend: column(2)?,
        threats,
        groups,
        clamped,
    })
}

/// The prevented loss of each of `plans` on each draw of `draws` (indices into the
/// uncertainty's streams: `0..D` are the draws [`monte_carlo`] uses, other ranges are fresh
/// draws): `out[i][p]` for the `i`-th draw of the range and plan `p`. Parallel over draws;
/// the same on any number of threads.
///
/// # Errors
///
/// [`Error::Mismatch`] if a plan or the uncertainty is for another problem.
///
/// # Complexity
///
/// `O(|draws| (size of the problem + plans x arms used))`.
pub fn values_over_draws(
    problem: &Problem,
    uncertainty: &Uncertainty,
    plans: &[Plan],
    draws: Range<u64>,
) -> Result<Vec<Vec<f64>>, Error> {
    for plan in plans {
        plan.usage(problem)?;
    }
    let sampler = Sampler::new(problem, uncertainty)?;
    draws
        .into_par_iter()
        .map(|i| {
            let (drawn, _) = sampler.problem_of(i)?;
            plans
                .iter()
                .map(|p| drawn.value_of_exposure(&p.absorbed(&drawn)?))
                .collect()
        })
        .collect()
}

/// How plan `a` compares with plan `b` over the same draws.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Versus {
    /// Share of draws in which `a` prevents more loss than `b` (ties count one half).
    pub probability: f64,
    /// Prevented loss of `a` minus that of `b`.
    pub difference: Summary,
}

/// Whether plan `a` (e.g. targeted) beats plan `b` (e.g. blanket publicity) when the
/// assumptions are wrong: over the `uncertainty.draws` draws, the probability that `a`
/// prevents more loss, and the difference.
///
/// # Errors
///
/// As [`values_over_draws`]; [`Error::InvalidParameter`] for zero draws.
///
/// # Example
///
/// ```
/// use fanzha::uncertainty::versus;
/// use fanzha::{scenarios, Blanket, Greedy, Strategy};
///
/// let (problem, uncertainty) = scenarios::jurong_2023().compile_uncertain()?;
/// let targeted = Greedy::default().plan(&problem)?;
/// let blanket = Blanket.plan(&problem)?;
/// let v = versus(&problem, &uncertainty.with_draws(100, 2), &targeted, &blanket)?;
/// assert!(v.probability > 0.9 && v.difference.mean > 0.0);
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn versus(
    problem: &Problem,
    uncertainty: &Uncertainty,
    a: &Plan,
    b: &Plan,
) -> Result<Versus, Error> {
    let rows = values_over_draws(
        problem,
        uncertainty,
        &[a.clone(), b.clone()],
        0..uncertainty.draws as u64,
    )?;
    let diff: Vec<f64> = rows.iter().map(|r| r[0] - r[1]).collect();
    let wins: f64 = diff
        .iter()
        .map(|&d| {
            if d > 0.0 {
                1.0
            } else if d == 0.0 {
                0.5
            } else {
                0.0
            }
        })
        .sum();
    Ok(Versus {
        probability: wins / diff.len().max(1) as f64,
        difference: Summary::of(&diff)?,
    })
}
