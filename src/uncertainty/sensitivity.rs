//! Which assumptions matter: a one-way tornado and the expected value of partial perfect
//! information (EVPPI) per entry.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::draws::Sampler;
use super::monte_carlo::values_over_draws;
use super::spec::{Point, Uncertainty};
use crate::error::Error;
use crate::optimize::Strategy;
use crate::plan::Plan;
use crate::problem::Problem;

/// One entry of the tornado: the plan's prevented loss with the entry at its 5% and 95%
/// points and every other entry at its median, and what re-planning there would gain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TornadoRow {
    /// Position of the entry in the section.
    pub entry: usize,
    /// What it draws.
    pub label: String,
    /// The entry's value (or multiplier) at its 5% point.
    pub low: f64,
    /// At its 95% point.
    pub high: f64,
    /// The plan's prevented loss with the entry at `low`.
    pub loss_low: f64,
    /// With the entry at `high`.
    pub loss_high: f64,
    /// `|loss_high - loss_low|`: the bar's length.
    pub swing: f64,
    /// Whether the strategy's best plan at `low` differs from its best plan at the medians
    /// (`None` when it could not plan there, e.g. a floor out of reach).
    pub replan_low: Option<bool>,
    /// The same at `high`.
    pub replan_high: Option<bool>,
    /// Loss the plan re-made at `low` prevents there beyond the plan (0 when not better).
    pub gain_low: f64,
    /// The same at `high`.
    pub gain_high: f64,
}

/// The expected value of learning one entry's true value before choosing among the
/// candidate plans.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EvppiRow {
    /// Position of the entry in the section.
    pub entry: usize,
    /// What it draws.
    pub label: String,
    /// Expected gain in prevented loss (yuan a year) from knowing the entry's value.
    pub evppi: f64,
}

/// The tornado and the EVPPI of every entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Sensitivity {
    /// The plan's prevented loss with every entry at its median.
    pub median_loss: f64,
    /// One row per entry, longest bar first.
    pub tornado: Vec<TornadoRow>,
    /// One row per entry, largest first.
    pub evppi: Vec<EvppiRow>,
    /// Expected value of perfect information on every entry at once, over the candidates.
    pub evpi: f64,
    /// Distinct candidate plans the EVPPI chooses among.
    pub candidates: usize,
    /// Draws the EVPPI used.
    pub draws: usize,
}

/// A plan re-made at one point, `None` when the strategy could not plan there.
type Replanned = Option<Plan>;

/// The tornado and EVPPI of `plan` under `uncertainty`, re-planning with `strategy`.
///
/// **Tornado**: entry `j` at its 5% and 95% points, the others at their medians: the plan's
/// prevented loss there, and whether (and by how much) `strategy`'s plan made there differs
/// from its plan made at the medians.
///
/// **EVPPI** over a finite set of candidate plans `C` (the plan, the strategy's plan at the
/// medians and its plans at every tornado point, those that meet the problem's constraints at
/// its own costs): with `V(d, i)` the prevented loss of
/// candidate `d` on draw `i`, `EVPPI_j = sum_k (n_k / D) max_d mean_{i in k} V(d, i) - max_d
/// mean_i V(d, i)`, the draws binned into `K = clamp(D / 50, 1, 20)` equal groups by entry
/// `j`'s value (the regression-free estimator of Strong and Oakley). It is at least 0 and at
/// most the EVPI over `C`; restricting to `C` can only lower it, while noise in the bin means
/// raises it by about `sd / sqrt(D / K)` (use more draws to shrink that). Zero-width entries
/// get 0.
///
/// # Errors
///
/// [`Error::Mismatch`] if the plan or the uncertainty is for another problem;
/// [`Error::InvalidParameter`] for fewer than 2 draws.
///
/// # Complexity
///
/// `2J + 1` runs of the strategy for `J` entries (in parallel), then `O(D (size + |C| arms))`
/// for the candidates' values and `O(J D log D)` for the bins.
///
/// # Example
///
/// ```
/// use fanzha::uncertainty::sensitivity;
/// use fanzha::{scenarios, Greedy, Strategy};
///
/// let (problem, uncertainty) = scenarios::jurong_2023().compile_uncertain()?;
/// let plan = Greedy::default().plan(&problem)?;
/// let s = sensitivity(&problem, &uncertainty.with_draws(100, 1), &plan, &Greedy::default())?;
/// assert!(s.tornado[0].swing >= s.tornado[1].swing);
/// assert!(s.evppi.iter().all(|e| e.evppi >= 0.0 && e.evppi <= s.evpi + 1e-6));
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn sensitivity(
    problem: &Problem,
    uncertainty: &Uncertainty,
    plan: &Plan,
    strategy: &dyn Strategy,
) -> Result<Sensitivity, Error> {
    if uncertainty.draws < 2 {
        return Err(Error::InvalidParameter {
            parameter: "draws",
            problem: "must be at least 2 for the EVPPI".into(),
        });
    }
    plan.usage(problem)?;
    let sampler = Sampler::new(problem, uncertainty)?;
    let medians = sampler.values_at(Point::P50);
    let n = uncertainty.entries.len();
    // Point 0: all medians; point 1 + 2j: entry j low; 2 + 2j: entry j high.
    let points: Vec<Vec<f64>> = std::iter::once(medians.clone())
        .chain((0..n).flat_map(|j| {
            [Point::P5, Point::P95].map(|p| {
                let mut v = medians.clone();
                v[j] = uncertainty.entries[j].law.at(p);
                v
            })
        }))
        .collect();
    let solved: Vec<(Problem, Replanned)> = points
        .par_iter()
        .map(|v| {
            let (at, _) = sampler.problem_at(v)?;
            let best = strategy.plan(&at).ok();
            Ok((at, best))
        })
        .collect::<Result<_, Error>>()?;
    let value =
        |at: &Problem, p: &Plan| -> Result<f64, Error> { at.value_of_exposure(&p.absorbed(at)?) };
    let median_best = solved[0].1.clone();
    let mut tornado = Vec::with_capacity(n);
    for (j, entry) in uncertainty.entries.iter().enumerate() {
        let (lo, hi) = (&solved[1 + 2 * j], &solved[2 + 2 * j]);
        let at = |(p, best): &(Problem, Replanned)| -> Result<(f64, Option<bool>, f64), Error> {
            let v = value(p, plan)?;
            let (changes, gain) = match best {
                Some(b) => (
                    median_best.as_ref().map(|m| m != b),
                    (value(p, b)? - v).max(0.0),
                ),
                None => (None, 0.0),
            };
            Ok((v, changes, gain))
        };
        let ((loss_low, replan_low, gain_low), (loss_high, replan_high, gain_high)) =
            (at(lo)?, at(hi)?);
        tornado.push(TornadoRow {
            entry: j,
            label: entry.label.clone(),
            low: entry.law.at(Point::P5),
            high: entry.law.at(Point::P95),
            loss_low,
            loss_high,
            swing: (loss_high - loss_low).abs(),
            replan_low,
            replan_high,
            gain_low,
            gain_high,
        });
    }
    tornado.sort_by(|a, b| b.swing.total_cmp(&a.swing).then(a.entry.cmp(&b.entry)));
    let mut candidates: Vec<Plan> = vec![plan.clone()];
    for best in solved.iter().filter_map(|(_, b)| b.as_ref()) {
        // A plan made at other costs may break the problem's limits: not a choice the planner has.
        if !candidates.contains(best) && best.violations(problem)?.is_empty() {
            candidates.push(best.clone());
        }
    }
    let (evppi, evpi) = evppi(&sampler, &candidates)?;
    Ok(Sensitivity {
        median_loss: value(&solved[0].0, plan)?,
        tornado,
        evppi,
        evpi,
        candidates: candidates.len(),
        draws: uncertainty.draws,
    })
}

/// The EVPPI rows (largest first) and the EVPI over `candidates`.
fn evppi(sampler: &Sampler<'_>, candidates: &[Plan]) -> Result<(Vec<EvppiRow>, f64), Error> {
    let u = sampler.uncertainty();
    let d = u.draws;
    let values = values_over_draws(sampler.problem(), u, candidates, 0..d as u64)?;
    let best_mean = |rows: &[usize]| -> f64 {
        (0..candidates.len())
            .map(|c| rows.iter().map(|&i| values[i][c]).sum::<f64>() / rows.len() as f64)
            .fold(f64::NEG_INFINITY, f64::max)
    };
    let all: Vec<usize> = (0..d).collect();
    let base = best_mean(&all);
    let perfect = values
        .iter()
        .map(|r| r.iter().copied().fold(f64::NEG_INFINITY, f64::max))
        .sum::<f64>()
        / d as f64;
    let evpi = (perfect - base).max(0.0);
    let bins = (d / 50).clamp(1, 20);
    let draws: Vec<Vec<f64>> = (0..d as u64).map(|i| sampler.values(i)).collect();
    let mut rows: Vec<EvppiRow> = u
        .entries
        .iter()
        .enumerate()
        .map(|(j, entry)| {
            let evppi = if entry.law.at(Point::P5) == entry.law.at(Point::P95) {
                0.0
            } else {
                let mut order = all.clone();
                order.sort_by(|&a, &b| draws[a][j].total_cmp(&draws[b][j]).then(a.cmp(&b)));
                let binned: f64 = (0..bins)
                    .map(|k| {
                        let bin = &order[k * d / bins..(k + 1) * d / bins];
                        bin.len() as f64 / d as f64 * best_mean(bin)
                    })
                    .sum();
                (binned - base).clamp(0.0, evpi)
            };
            EvppiRow {
                entry: j,
                label: entry.label.clone(),
                evppi,
            }
        })
        .collect();
    rows.sort_by(|a, b| b.evppi.total_cmp(&a.evppi).then(a.entry.cmp(&b.entry)));
    Ok((rows, evpi))
}
