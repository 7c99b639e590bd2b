//! Robust plans: maximise `(1 - beta) mean + beta CVaR_alpha` of prevented loss over sample
//! draws, with a certified bound on the sample problem and the plan's value on fresh draws.

use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::draws::Sampler;
use super::spec::Uncertainty;
use crate::core::{ArmId, CellId, SegmentId};
use crate::error::Error;
use crate::optimize::{Relaxation, Solution, Strategy, UpperBound};
use crate::plan::Plan;
use crate::problem::{
    Arm, Parameters, PlacementInfo, PlacementParameters, Problem, SegmentInfo, Structure,
};

/// The risk-aware objective `(1 - beta) mean + beta CVaR_alpha` and how to plan for it.
///
/// `CVaR_alpha` is the mean prevented loss of the worst `alpha` share of draws (lower tail):
/// in Rockafellar-Uryasev form `max_t { t - 1/(alpha D) sum_i (t - V_i)^+ }`, concave in the
/// plan. `beta = 0` is the sample mean, `beta = 1` pure CVaR.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Robust {
    /// Weight of the CVaR, in `[0, 1]`.
    pub beta: f64,
    /// Tail share of the CVaR, in `(0, 1]`.
    pub alpha: f64,
    /// Sample draws the plan is made on (draw indices `0..draws` of the uncertainty's seed).
    pub draws: usize,
    /// Fresh draws the plan is scored on (indices `draws..draws + fresh`).
    pub fresh: usize,
    /// Validation draws (indices after the fresh ones) that choose among the plans each
    /// better than the last in sample: a plan better only on the sample's few tail draws
    /// (over-fitted) loses there to the mean-optimal plan. 0: no validation.
    pub validation: usize,
    /// Rounds of re-weighting after the mean-optimal plan (each three runs of the strategy on
    /// the sample problem, its weights moved a quarter, half and all the way from uniform
    /// towards the current plan's worst draws); stops early when a round finds nothing better.
    pub rounds: usize,
    /// Re-weightings of the bound (each a relaxation solve per group of draws).
    pub bound_rounds: usize,
    /// Draws per relaxation of the bound: the weighted sample mean is a sum over groups of
    /// draws, and the sum of the groups' certified bounds bounds it (looser by what each
    /// group would gain from a plan of its own, faster than one relaxation of every draw).
    pub bound_group: usize,
}

impl Default for Robust {
    /// `beta = 0.5`, `alpha = 0.1`, 200 sample draws, 1,000 fresh, 500 validation, 2 rounds,
    /// 1 bound round, 25 draws per bound group.
    fn default() -> Robust {
        Robust {
            beta: 0.5,
            alpha: 0.1,
            draws: 200,
            fresh: 1000,
            validation: 500,
            rounds: 2,
            bound_rounds: 1,
            bound_group: 25,
        }
    }
}

/// A plan's risk-aware objective on some draws.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RiskValue {
    /// `(1 - beta) mean + beta CVaR_alpha`.
    pub objective: f64,
    /// Mean prevented loss.
    pub mean: f64,
    /// Mean prevented loss of the worst `alpha` share of draws.
    pub cvar: f64,
}

/// A robust plan, its certified bound on the sample problem and its value on fresh draws.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RobustSolution {
    /// The robust plan (meets every constraint of the problem).
    pub plan: Plan,
    /// The mean-optimal plan: the strategy's plan for the sample mean (`beta = 0`).
    pub mean_plan: Plan,
    /// The robust plan on the sample draws.
    pub in_sample: RiskValue,
    /// The mean-optimal plan on the sample draws.
    pub mean_plan_in_sample: RiskValue,
    /// No feasible plan has a larger sample objective than this (certified).
    pub bound: f64,
    /// `1 - in_sample.objective / bound`.
    pub gap: f64,
    /// The robust plan on fresh draws: an unbiased estimate of its true objective's parts
    /// (the sample objective of the best plan is biased up).
    pub out_of_sample: RiskValue,
    /// The mean-optimal plan on the same fresh draws.
    pub mean_plan_out_of_sample: RiskValue,
}

impl Robust {
    /// The objective of per-draw values `v` (not empty).
    ///
    /// # Example
    ///
    /// ```
    /// use fanzha::uncertainty::Robust;
    ///
    /// let r = Robust { beta: 0.5, alpha: 0.25, ..Robust::default() };
    /// let v = r.value(&[4.0, 1.0, 3.0, 2.0]);
    /// assert_eq!((v.mean, v.cvar), (2.5, 1.0));
    /// assert_eq!(v.objective, 1.75);
    /// ```
    pub fn value(&self, v: &[f64]) -> RiskValue {
        let w = self.tail_weights(v);
        let n = v.len() as f64;
        let mean = v.iter().sum::<f64>() / n;
        let cvar = v.iter().zip(&w).map(|(x, w)| x * w).sum::<f64>() / (self.alpha * n);
        RiskValue {
            objective: (1.0 - self.beta) * mean + self.beta * cvar,
            mean,
            cvar,
        }
    }

    /// The CVaR's tail weights `w_i in [0, 1]`, `sum w_i = alpha D`, on the lowest values
    /// (ties broken by draw index): `CVaR = min_w sum w_i V_i / (alpha D)`, attained here.
    fn tail_weights(&self, v: &[f64]) -> Vec<f64> {
        let mut order: Vec<usize> = (0..v.len()).collect();
        order.sort_by(|&a, &b| v[a].total_cmp(&v[b]).then(a.cmp(&b)));
        let mut left = self.alpha * v.len() as f64;
        let mut w = vec![0.0; v.len()];
        for i in order {
            if left <= 0.0 {
                break;
            }
            w[i] = left.min(1.0);
            left -= w[i];
        }
        w
    }

    /// The draw weights `q_i = (1 - beta)/D + beta w_i / (alpha D)` for tail weights `w`: for
    /// any such `w`, the objective of every plan is at most `sum_i q_i V_i`.
    fn draw_weights(&self, w: &[f64]) -> Vec<f64> {
        let n = w.len() as f64;
        w.iter()
            .map(|w| (1.0 - self.beta) / n + self.beta * w / (self.alpha * n))
            .collect()
    }

    fn check(&self) -> Result<(), Error> {
        let bad = |parameter, problem: &str| {
            Err(Error::InvalidParameter {
                parameter,
                problem: problem.to_string(),
            })
        };
        if !(0.0..=1.0).contains(&self.beta) {
            return bad("beta", &format!("must be in [0, 1], got {}", self.beta));
        }
        if !(self.alpha > 0.0 && self.alpha <= 1.0) {
            return bad("alpha", &format!("must be in (0, 1], got {}", self.alpha));
        }
        if self.draws == 0 || self.fresh == 0 {
            return bad("draws", "sample and fresh draws must be at least 1");
        }
        Ok(())
    }

    /// Plans robustly: the mean-optimal plan (`strategy` on the sample problem weighted
    /// `1/D`), then [`Robust::rounds`] rounds of plans of `strategy` on the sample problem
    /// re-weighted towards the current best plan's worst `alpha` draws; the best sample
    /// objective, among those each better than the last, on [`Robust::validation`] held-out
    /// draws wins (so its sample objective is never below the mean-optimal plan's, and with
    /// `beta = 0` it is the mean-optimal plan).
    ///
    /// **Bound.** For any tail weights `w`, `objective(x) <= sum_i q_i(w) V_i(x)`, a weighted
    /// sample mean: the value of a stacked problem with one copy of every segment per draw
    /// (populations times `q_i`, the draw's risks, responses and coefficients) and the
    /// problem's costs, limits and floors. Its relaxation bound (exponential cones per draw and
    /// cell; certificate by linearisation at the solver's point and weak duality,
    /// [`bound()`](crate::optimize::bound())) is therefore a certified bound on the sample
    /// problem; the sum over groups of [`Robust::bound_group`] draws of each group's bound is
    /// one too. `w` starts at the best plan's worst draws and is re-set
    /// [`Robust::bound_rounds`] times at the relaxations' mean point (the minimax weights make
    /// it tight); the least bound is reported.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] for `beta`, `alpha` or draws out of range; the strategy's
    /// or the bound's error (e.g. floors out of reach).
    ///
    /// # Complexity
    ///
    /// `1 + 3 rounds` strategy runs and `bound_rounds` relaxation solves on a problem `D` times
    /// the size, plus `O((D + fresh) size)` for the draws.
    ///
    /// # Example
    ///
    /// ```
    /// use fanzha::uncertainty::Robust;
    /// use fanzha::{scenarios, Greedy};
    ///
    /// let (problem, u) = scenarios::jurong_2023().compile_uncertain()?;
    /// let robust = Robust { beta: 1.0, alpha: 0.2, draws: 8, fresh: 50, validation: 50, rounds: 1, bound_rounds: 1, bound_group: 4 };
    /// let s = robust.solve(&problem, &u, &Greedy::default())?;
    /// s.plan.check(&problem)?;
    /// assert!(s.in_sample.objective >= s.mean_plan_in_sample.objective);
    /// assert!(s.bound >= s.in_sample.objective);
    /// # Ok::<(), fanzha::Error>(())
    /// ```
    pub fn solve(
        &self,
        problem: &Problem,
        uncertainty: &Uncertainty,
        strategy: &dyn Strategy,
    ) -> Result<RobustSolution, Error> {
        self.check()?;
        let sampler = Sampler::new(problem, uncertainty)?;
        let sample = Sample::draw(&sampler, 0..self.draws as u64)?;
        let found = self.search(problem, &sampler, &sample, strategy)?;
        let (plan, values, mean_plan, mean_values) =
            (found.plan, found.values, found.mean_plan, found.mean_values);
        let in_sample = self.value(&values);
        let bound = self
            .bound(problem, &sample, &values)?
            .max(in_sample.objective);
        let fresh = Sample::draw(
            &sampler,
            self.draws as u64..(self.draws + self.fresh) as u64,
        )?;
        Ok(RobustSolution {
            out_of_sample: self.value(&fresh.values(&plan)?),
            mean_plan_out_of_sample: self.value(&fresh.values(&mean_plan)?),
            mean_plan_in_sample: self.value(&mean_values),
            gap: crate::core::gap(in_sample.objective, bound),
            in_sample,
            bound,
            plan,
            mean_plan,
        })
    }

    /// The least certified bound over the re-weightings.
    fn bound(&self, problem: &Problem, sample: &Sample, values: &[f64]) -> Result<f64, Error> {
        let mut w = self.tail_weights(values);
        let mut best = f64::INFINITY;
        for _ in 0..self.bound_rounds.max(1) {
            let q = self.draw_weights(&w);
            let group = self.bound_group.max(1);
            let chunks: Vec<(usize, usize)> = (0..q.len())
                .step_by(group)
                .map(|a| (a, (a + group).min(q.len())))
                .collect();
            let bounds = chunks
                .par_iter()
                .map(|&(a, b)| {
                    Relaxation.upper_bound(&sample.stack_range(problem, a..b, &q[a..b])?)
                })
                .collect::<Result<Vec<_>, Error>>()?;
            best = best.min(bounds.iter().map(|b| b.value).sum());
            if self.beta == 0.0 || bounds.iter().any(|b| b.units.is_empty()) {
                break;
            }
            // The groups' relaxed points averaged: a point of the relaxation, for new weights.
            let mut units = vec![0.0; bounds[0].units.len()];
            for b in &bounds {
                for (u, x) in units.iter_mut().zip(&b.units) {
                    *u += x / bounds.len() as f64;
                }
            }
            w = self.tail_weights(&sample.values_at(&units)?);
        }
        Ok(best)
    }
}

/// Sample draws: each draw's problem.
struct Sample {
    problems: Vec<Problem>,
}

impl Sample {
    fn draw(sampler: &Sampler<'_>, draws: std::ops::Range<u64>) -> Result<Sample, Error> {
        let problems = draws
            .into_par_iter()
            .map(|i| sampler.problem_of(i).map(|(p, _)| p))
            .collect::<Result<_, Error>>()?;
        Ok(Sample { problems })
    }

    /// Prevented loss of `plan` on each draw.
    fn values(&self, plan: &Plan) -> Result<Vec<f64>, Error> {
        self.problems
            .par_iter()
            .map(|p| p.value_of_exposure(&plan.absorbed(p)?))
            .collect()
    }

    /// Prevented loss of fractional units on each draw.
    fn values_at(&self, units: &[f64]) -> Result<Vec<f64>, Error> {
        self.problems
            .par_iter()
            .map(|p| {
                let mut e = vec![0.0; p.cells().len()];
                for (a, &x) in ArmId::range(units.len()).zip(units) {
                    if x > 0.0 {
                        for (c, coef) in p.absorbed(a) {
                            e[c.index()] += x * coef;
                        }
                    }
                }
                p.value_of_exposure(&e)
            })
            .collect()
    }

    /// The stacked problem: segment copy 0 is `problem` with population 0 (it carries the
    /// floors), copy `1 + i` is draw `i` with populations times `weights[i]`; every arm
    /// reaches its cells in every copy; costs, capacities, limits and floors are the problem's.
    /// Its prevented loss is `sum_i weights[i] V_i`.
    fn stack(&self, problem: &Problem, weights: &[f64]) -> Result<Problem, Error> {
        self.stack_range(problem, 0..self.problems.len(), weights)
    }

    /// [`Sample::stack`] of draws `range` only, weighted `weights`.
    fn stack_range(
        &self,
        problem: &Problem,
        range: std::ops::Range<usize>,
        weights: &[f64],
    ) -> Result<Problem, Error> {
        let copies: Vec<(&Problem, f64)> = std::iter::once((problem, 0.0))
            .chain(self.problems[range].iter().zip(weights.iter().copied()))
            .collect();
        let structure = stacked_structure(problem.structure(), copies.len());
        let base = problem.parameters();
        let cells_per = problem.cells().len();
        let params = Parameters {
            population: copies
                .iter()
                .flat_map(|(p, w)| p.parameters().population.iter().map(move |n| n * w))
                .collect(),
            cells: copies
                .iter()
                .flat_map(|(p, _)| p.cells().iter().copied())
                .collect(),
            placements: base
                .placements
                .iter()
                .enumerate()
                .map(|(k, pl)| PlacementParameters {
                    audience: copies
                        .iter()
                        .flat_map(|(p, _)| p.parameters().placements[k].audience.iter().copied())
                        .collect(),
                    ..pl.clone()
                })
                .collect(),
            absorbed: (0..base.absorbed.len())
                .map(|a| {
                    copies
                        .iter()
                        .flat_map(|(p, _)| p.parameters().absorbed[a].iter().copied())
                        .collect()
                })
                .collect(),
            ..base.clone()
        };
        debug_assert_eq!(params.cells.len(), cells_per * copies.len());
        Problem::from_parts(structure, params)
    }
}

/// The structure of `copies` copies of every segment (copy-major), each arm and placement
/// reaching its segments and cells in every copy; floors on copy 0.
fn stacked_structure(st: &Structure, copies: usize) -> Structure {
    let (segments, cells) = (st.segments.len(), st.cell_count());
    let mut out = st.clone();
    out.segments = (0..copies)
        .flat_map(|r| {
            st.segments.iter().map(move |s| SegmentInfo {
                id: format!("{}#{r}", s.id),
                ..s.clone()
            })
        })
        .collect();
    out.placements = st
        .placements
        .iter()
        .map(|p| PlacementInfo {
            audience: (0..copies)
                .flat_map(|r| {
                    p.audience
                        .iter()
                        .map(move |s| SegmentId::new(r * segments + s.index()))
                })
                .collect(),
            ..p.clone()
        })
        .collect();
    out.arms = st
        .arms
        .iter()
        .map(|a| Arm {
            cells: (0..copies)
                .flat_map(|r| {
                    a.cells
                        .iter()
                        .map(move |c| CellId::new(r * cells + c.index()))
                })
                .collect(),
            ..a.clone()
        })
        .collect();
    out
}

/// [`Robust`] as a [`Strategy`]: plans robustly for the uncertainty it holds, with `inner`
/// as the strategy on the sample problem. [`Strategy::solve`] gives no [`Solution::bound`]
/// (the robust bound is on the sample objective, not on prevented loss): use
/// [`Robust::solve`] for it.
///
/// # Example
///
/// ```
/// use fanzha::uncertainty::{Robust, RobustStrategy};
/// use fanzha::{scenarios, Greedy, Strategy};
///
/// let (problem, u) = scenarios::jurong_2023().compile_uncertain()?;
/// let robust = Robust { draws: 6, fresh: 10, validation: 10, rounds: 1, ..Robust::default() };
/// let s = RobustStrategy::new(robust, u, Box::new(Greedy::default()));
/// s.plan(&problem)?.check(&problem)?;
/// # Ok::<(), fanzha::Error>(())
/// ```
pub struct RobustStrategy {
    robust: Robust,
    uncertainty: Arc<Uncertainty>,
    inner: Box<dyn Strategy>,
}

impl RobustStrategy {
    /// The strategy of `robust` for `uncertainty`, planning with `inner`.
    pub fn new(robust: Robust, uncertainty: Uncertainty, inner: Box<dyn Strategy>) -> Self {
        RobustStrategy {
            robust,
            uncertainty: Arc::new(uncertainty),
            inner,
        }
    }
}

impl std::fmt::Debug for RobustStrategy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RobustStrategy")
            .field("robust", &self.robust)
            .field("inner", &self.inner.name())
            .finish()
    }
}

impl Strategy for RobustStrategy {
    fn name(&self) -> &str {
        "robust"
    }

    fn plan(&self, problem: &Problem) -> Result<Plan, Error> {
        self.solve(problem).map(|s| s.plan)
    }

    fn solve(&self, problem: &Problem) -> Result<Solution, Error> {
        let robust = Robust {
            bound_rounds: 0,
            ..self.robust
        };
        // The bound is not part of a plain plan: skip its relaxation solves.
        let s = robust.plan_only(problem, &self.uncertainty, self.inner.as_ref())?;
        Ok(Solution::unproven(s))
    }
}

impl Robust {
    /// [`Robust::solve`]'s plan alone (no bound, no fresh draws).
    ///
    /// # Errors
    ///
    /// As [`Robust::solve`].
    pub fn plan_only(
        &self,
        problem: &Problem,
        uncertainty: &Uncertainty,
        strategy: &dyn Strategy,
    ) -> Result<Plan, Error> {
        self.check()?;
        let sampler = Sampler::new(problem, uncertainty)?;
        let sample = Sample::draw(&sampler, 0..self.draws as u64)?;
        Ok(self.search(problem, &sampler, &sample, strategy)?.plan)
    }

    /// The mean-optimal plan, then the re-weighted rounds; the best sample objective.
    fn search(
        &self,
        problem: &Problem,
        sampler: &Sampler<'_>,
        sample: &Sample,
        strategy: &dyn Strategy,
    ) -> Result<Found, Error> {
        let uniform = vec![1.0 / self.draws as f64; self.draws];
        let mean_plan = strategy.plan(&sample.stack(problem, &uniform)?)?;
        let mean_values = sample.values(&mean_plan)?;
        let (mut plan, mut values) = (mean_plan.clone(), mean_values.clone());
        if self.beta > 0.0 {
            let mut tried = vec![mean_plan.clone()];
            let mut better = vec![(mean_plan.clone(), mean_values.clone())];
            'rounds: for _ in 0..self.rounds {
                let tail = self.draw_weights(&self.tail_weights(&values));
                let mut improved = false;
                for step in BLEND {
                    let q: Vec<f64> = uniform
                        .iter()
                        .zip(&tail)
                        .map(|(u, t)| (1.0 - step) * u + step * t)
                        .collect();
                    let next = strategy.plan(&sample.stack(problem, &q)?)?;
                    if tried.contains(&next) {
                        continue;
                    }
                    let v = sample.values(&next)?;
                    if self.value(&v).objective > self.value(&values).objective {
                        (plan, values) = (next.clone(), v.clone());
                        improved = true;
                        better.push((next.clone(), v));
                    }
                    tried.push(next);
                }
                if !improved {
                    break 'rounds;
                }
            }
            if better.len() > 1 && self.validation > 0 {
                (plan, values) = self.validate(sampler, better)?;
            }
        }
        Ok(Found {
            plan,
            values,
            mean_plan,
            mean_values,
        })
    }
}

impl Robust {
    /// The candidate (each better in sample than the one before, the mean-optimal plan
    /// first) with the best objective on the validation draws; ties go to the earlier one.
    fn validate(
        &self,
        sampler: &Sampler<'_>,
        candidates: Vec<(Plan, Vec<f64>)>,
    ) -> Result<(Plan, Vec<f64>), Error> {
        let start = (self.draws + self.fresh) as u64;
        let held = Sample::draw(sampler, start..start + self.validation as u64)?;
        let mut best: Option<(f64, (Plan, Vec<f64>))> = None;
        for (plan, values) in candidates {
            let score = self.value(&held.values(&plan)?).objective;
            if best.as_ref().is_none_or(|(b, _)| score > *b) {
                best = Some((score, (plan, values)));
            }
        }
        Ok(best.expect("at least the mean-optimal plan").1)
    }
}

/// How far each round moves the sample's weights from uniform towards the current plan's
/// tail weights: the whole way over-fits a few tail draws, so shorter steps are tried too.
const BLEND: [f64; 3] = [0.25, 0.5, 1.0];

/// What [`Robust::search`] found.
struct Found {
    plan: Plan,
    values: Vec<f64>,
    mean_plan: Plan,
    mean_values: Vec<f64>,
}
