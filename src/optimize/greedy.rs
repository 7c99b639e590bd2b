//! Lazy cost-benefit greedy with fixed costs, batching and the best-single-arm safeguard.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::Strategy;
use super::floors::{FloorRule, meet_floors_by};
use super::state::State;
use crate::error::Error;
use crate::plan::Plan;
use crate::problem::Problem;

/// Lazy cost-benefit greedy over arms.
///
/// 1. **Floors first.** Fairness floors are met by a covering greedy, twice: once taking the
///    most floor progress per normalised cost (the cheapest cover), once the most prevented
///    loss per normalised cost among steps that make floor progress (a cover worth buying
///    anyway); the maximisation below runs from both and the better plan is kept. If the
///    resources cannot meet the floors, [`Error::FloorShortfall`] names the floor and the
///    shortfall.
/// 2. **Maximise.** Repeatedly adds the step with the most prevented loss per unit of
///    *normalised resource use* `sum_r use_r / limit_r` over the limited resources (overall
///    money and staff hours, and each department's money and hours that the step draws on; with
///    a single money limit this is plain value per yuan). A step of an arm whose placement or
///    message is not yet paid for includes that setup or production cost, and its size is the
///    number of units `t` that maximises `gain(t) / cost(t)` (found by bisection on the sign
///    of the ratio's derivative, the ratio being quasi-concave), so a large fixed cost can be
///    paid when enough units follow. When a fixed cost is paid, every arm sharing the placement or message is
///    re-priced at once rather than left with a stale ratio. Ratios are kept in a lazy priority
///    queue: gains only fall as exposures grow (diminishing returns), so a stale ratio is an
///    upper bound and only the top of the queue needs re-evaluation.
///    The weighting matters when several resources are limited: a resource no good plan
///    exhausts should not make the steps that use it look expensive. So the maximisation runs
///    first with every limited resource counted, then again counting only the resources that
///    run used up (at least 98% of the limit), repeating while the binding set changes (at
///    most three runs), and keeps the best plan.
/// 3. **Safeguard.** Returns the better of the greedy plan and the best *single* arm filled to
///    the most it can afford (on top of the floors): plain cost-benefit greedy can be
///    arbitrarily bad when one expensive arm is worth most.
///
/// # Batching rule
///
/// For an already-paid arm the step is not one unit but a run of units each of which gains
/// at least `1 - batch_tolerance` times the first unit's gain. Every unit added is therefore
/// within a factor `1 - batch_tolerance` of the best available ratio when it is added: the
/// batched run is a `(1 - batch_tolerance)`-approximate unit-step greedy, which keeps the
/// greedy's guarantees with `1 - batch_tolerance` in the exponent. The run length comes in
/// closed form: unit `j` gains `sum_i g_i exp(-(j - 1) r_i)` (first-unit terms `g_i`, rates
/// `r_i = coef_i / kappa_i`), which by Jensen's inequality is at least `G exp(-(j - 1) r_bar)`
/// for the `g`-weighted mean rate `r_bar`, so the run is `1 + ln(1 / (1 - batch_tolerance)) /
/// r_bar` units (exact for a single cell, conservative otherwise). The number of steps is
/// independent of capacities: roughly `E / (kappa * batch_tolerance)` per arm for final
/// absorbed exposure `E`, so capacities of 10^6 units cost no more than capacities of 10.
/// `batch_tolerance = 0` steps one unit at a time.
///
/// # Guarantee
///
/// With one money limit, no floors and no fixed costs the objective is DR-submodular on the
/// integer lattice and the greedy-plus-best-single rule achieves at least
/// `(1 - 1/e) / 2` of the optimum (up to the batching factor). Fixed costs, several
/// resources and floors void that proof; the gap to the relaxation bound then measures the
/// quality of a plan.
///
/// # Complexity
///
/// `O(steps * (log arms + nnz_arm) + re-pricings)`, where a step adds one batch.
///
/// On a calendar problem an arm's price comes instead from the discounted suffixes of
/// marginal value of its yearly cells (`D(c, t) = m(c, t) + lambda D(c, t + 1)`, and the same
/// with `lambda^2` for the curvature): `O(yearly cells of the arm)` per price rather than
/// `O(cells x weeks)`, and the suffixes of the cells a step changed are rebuilt in
/// `O(weeks)` each. The batch and a fixed-cost step's size use the Jensen curve
/// `g (1 - exp(-t q / g)) / (q / g)` from the slope `g` and curvature `q`.
///
/// # Example
///
/// ```
/// use fanzha::{evaluate, scenarios, Greedy, Strategy};
///
/// let problem = scenarios::jurong_2023().compile()?;
/// let plan = Greedy::default().plan(&problem)?;
/// plan.check(&problem)?; // feasible: budget, staff hours, capacities, departments, floors
/// let outcome = evaluate(&problem, &plan)?;
/// assert!(outcome.prevented_loss > 0.0);
/// # Ok::<(), fanzha::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Greedy {
    /// Least gain of a batch's last unit relative to its first; in `[0, 1)`. Default 0.01.
    pub batch_tolerance: f64,
}

impl Default for Greedy {
    fn default() -> Self {
        Greedy {
            batch_tolerance: 0.01,
        }
    }
}

/// Priority of a step: free steps (no normalised cost) first, by gain; then by ratio.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Key {
    free: bool,
    value: f64,
}

impl Key {
    fn cmp(&self, other: &Key) -> Ordering {
        self.free
            .cmp(&other.free)
            .then_with(|| self.value.total_cmp(&other.value))
    }
}

/// Most greedy runs with different resource weightings.
const MAX_RUNS: usize = 3;

/// Share of a limit whose use makes a resource count as binding.
const BINDING_SHARE: f64 = 0.98;

/// Queue entry: priority, arm and the arm's version when priced (newer prices supersede).
#[derive(Debug, Clone, Copy)]
struct Entry {
    key: Key,
    arm: usize,
    version: u32,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        // Higher ratio first; on ties the lower arm index, for determinism.
        self.key
            .cmp(&other.key)
            .then_with(|| other.arm.cmp(&self.arm))
    }
}

/// The best step of an arm now: its ratio and its size.
fn price(state: &mut State<'_>, arm: usize, tolerance: f64) -> Option<(Key, u64)> {
    let tmax = state.max_units(arm);
    if tmax == 0 {
        return None;
    }
    let cost = state.step_cost(arm);
    let curve = state.calendar_curve(arm);
    if cost.fixed > 0.0 {
        let (t, ratio) = match curve {
            Some((g, q)) => best_ratio(|t| curve_gain(g, q, t), cost.fixed, cost.per_unit, tmax),
            None => best_ratio(
                |t| state.gain_and_slope(arm, t),
                cost.fixed,
                cost.per_unit,
                tmax,
            ),
        };
        let key = Key {
            free: false,
            value: ratio,
        };
        return (ratio > 0.0).then_some((key, t));
    }
    let (g1, batch) = match curve {
        Some((g, q)) => super::state::batch(g, q, tolerance, tmax),
        None => state.first_gain_and_batch(arm, tolerance, tmax),
    };
    if g1 <= 0.0 {
        return None;
    }
    let key = if cost.per_unit > 0.0 {
        Key {
            free: false,
            value: g1 / cost.per_unit,
        }
    } else {
        // Free units: take them first, best gain first.
        Key {
            free: true,
            value: g1,
        }
    };
    Some((key, batch))
}

/// A calendar arm's gain of `t` units and its slope from the slope `g` and curvature
/// `q = -gain''` at 0: the marginal `sum_i g_i exp(-s r_i)` is at least `g exp(-s q / g)` by
/// Jensen's inequality, so `g (1 - exp(-t r)) / r` with `r = q / g` bounds the gain from below
/// (exactly for one cell and one week).
pub(crate) fn curve_gain(g: f64, q: f64, t: u64) -> (f64, f64) {
    let t = t as f64;
    if g <= 0.0 || q <= 0.0 {
        return (g.max(0.0) * t, g.max(0.0));
    }
    let r = q / g;
    let m = (-t * r).exp_m1();
    (-g * m / r, g * (1.0 + m))
}

/// Maximises `gain(t) / (fixed + per_unit t)` over integers `1..=tmax`, for concave increasing
/// `gain` with `gain(0) = 0` and `fixed > 0`; `gain_slope(t)` returns `(gain(t), gain'(t))`.
/// Returns `(t, ratio)`.
///
/// The ratio's derivative has the sign of `h(t) = gain'(t) cost(t) - gain(t) per_unit`, which
/// falls with `t` (`h' = gain'' cost <= 0`), so the continuous maximiser is the root of `h`:
/// bisection finds the last integer with `h >= 0` in `log2(tmax)` evaluations, and the
/// integer maximum is there or one unit further.
pub(crate) fn best_ratio(
    gain_slope: impl Fn(u64) -> (f64, f64),
    fixed: f64,
    per_unit: f64,
    tmax: u64,
) -> (u64, f64) {
    let cost = |t: u64| fixed + per_unit * t as f64;
    let ratio = |t: u64| gain_slope(t).0 / cost(t);
    if per_unit <= 0.0 {
        return (tmax, ratio(tmax));
    }
    let rising = |t: u64| {
        let (g, slope) = gain_slope(t);
        slope * cost(t) - g * per_unit >= 0.0
    };
    // Invariant: the maximiser is in lo..=hi; rising(lo) or lo == 1.
    let (mut lo, mut hi) = (1u64, tmax);
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if rising(mid) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    [lo, (lo + 1).min(tmax)]
        .into_iter()
        .map(|t| (t, ratio(t)))
        .fold((lo, f64::NEG_INFINITY), |best, cur| {
            if cur.1 > best.1 { cur } else { best }
        })
}

impl Greedy {
    /// Runs the maximisation phase from `state` (floors already met).
    pub(crate) fn maximise(&self, state: &mut State<'_>) {
        let p = state.problem;
        let tol = self.batch_tolerance;
        let mut version = vec![0u32; p.arms().len()];
        let mut heap = BinaryHeap::with_capacity(p.arms().len());
        for arm in 0..p.arms().len() {
            if let Some((key, _)) = price(state, arm, tol) {
                heap.push(Entry {
                    key,
                    arm,
                    version: 0,
                });
            }
        }
        while let Some(top) = heap.pop() {
            if top.version != version[top.arm] {
                continue;
            }
            let Some((key, t)) = price(state, top.arm, tol) else {
                // No affordable unit or no gain: both only get worse, so the arm is done.
                continue;
            };
            let still_best = heap
                .peek()
                .is_none_or(|next| key.cmp(&next.key) != Ordering::Less);
            if !still_best {
                heap.push(Entry { key, ..top });
                continue;
            }
            let opens = state.opens(top.arm);
            state.add(top.arm, t);
            version[top.arm] += 1;
            let mut touched = vec![top.arm];
            if opens {
                // Paying a fixed cost makes every arm sharing it cheaper: re-price them.
                let a = &p.arms()[top.arm];
                touched.extend(p.arms_of_placement(a.placement).iter().map(|b| b.index()));
                touched.extend(p.arms_of_message(a.message).iter().map(|b| b.index()));
                touched.sort_unstable();
                touched.dedup();
            }
            for arm in touched {
                if arm != top.arm {
                    version[arm] += 1;
                }
                if let Some((key, _)) = price(state, arm, tol) {
                    heap.push(Entry {
                        key,
                        arm,
                        version: version[arm],
                    });
                }
            }
        }
    }
}

/// Relative margin on [`State::gain_ceiling`] against the rounding of the sums it bounds.
const CEILING_MARGIN: f64 = 1e-9;

/// The best plan made of the floor plan plus a single arm filled to the most it can afford.
fn best_single<'p>(base: &State<'p>) -> Option<(f64, State<'p>)> {
    let mut best: Option<(f64, State<'p>)> = None;
    for arm in 0..base.problem.arms().len() {
        let t = base.max_units(arm);
        if t == 0 {
            continue;
        }
        // Most arms cannot beat the best so far: a bound without `exp` skips their gains
        // (only arms whose gain could not win are skipped, so the choice is the same).
        if best
            .as_ref()
            .is_some_and(|(g, _)| base.gain_ceiling(arm, t) * (1.0 + CEILING_MARGIN) < *g)
        {
            continue;
        }
        let gain = base.gain(arm, t);
        if gain > 0.0 && best.as_ref().is_none_or(|(g, _)| gain > *g) {
            let mut s = base.clone();
            s.add(arm, t);
            best = Some((gain, s));
        }
    }
    best
}

impl Strategy for Greedy {
    fn name(&self) -> &str {
        "greedy"
    }

    fn plan(&self, problem: &Problem) -> Result<Plan, Error> {
        self.plan_from(&State::new(problem))
    }
}

impl Greedy {
    /// [`Strategy::plan`] of `empty`'s problem from `empty`, the state of the empty plan
    /// (whose per-arm tables every state of the run shares).
    pub(crate) fn plan_from(&self, empty: &State<'_>) -> Result<Plan, Error> {
        let problem = empty.problem;
        if !(0.0..1.0).contains(&self.batch_tolerance) {
            return Err(Error::InvalidParameter {
                parameter: "batch_tolerance",
                problem: format!("must be in [0, 1), got {}", self.batch_tolerance),
            });
        }
        let mut best: Option<State<'_>> = None;
        let rules: &[FloorRule] = if problem.floors().is_empty() {
            &[FloorRule::Progress]
        } else {
            &[FloorRule::Progress, FloorRule::Value]
        };
        let mut first_error = None;
        for &rule in rules {
            let mut base = empty.emptied();
            if let Err(e) = meet_floors_by(&mut base, rule) {
                first_error.get_or_insert(e);
                continue;
            }
            // Rank by every limited resource first; then again counting only the resources
            // the previous run found binding (a slack resource should not price steps), until
            // the binding set repeats (at most three runs). Keep the best plan.
            let mut tried = Vec::new();
            let mut mask = base.all_limited();
            while tried.len() < MAX_RUNS && !tried.contains(&mask) {
                let mut state = base.clone();
                state.set_mask(&mask);
                self.maximise(&mut state);
                tried.push(mask);
                mask = state.binding(BINDING_SHARE);
                if best.as_ref().is_none_or(|b| state.value() > b.value()) {
                    best = Some(state);
                }
            }
            if let Some((gain, single)) = best_single(&base)
                && base.value() + gain > best.as_ref().map_or(f64::NEG_INFINITY, |b| b.value())
            {
                best = Some(single);
            }
        }
        match (best, first_error) {
            (Some(state), _) => Ok(state.to_plan()),
            (None, Some(e)) => Err(e),
            (None, None) => Ok(Plan::empty(problem)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn best_ratio_finds_the_peak_of_a_quasi_concave_ratio() {
        // gain(t) = 1 - exp(-t / 50), cost(t) = 10 + t: brute force agrees.
        let gain = |t: u64| 1.0 - (-(t as f64) / 50.0).exp();
        let gain_slope = |t: u64| (gain(t), (-(t as f64) / 50.0).exp() / 50.0);
        for (fixed, tmax) in [(10.0, 10_000), (0.01, 10_000), (1e6, 10_000), (10.0, 7)] {
            let (t, r) = best_ratio(gain_slope, fixed, 1.0, tmax);
            let (bt, br) = (1..=tmax)
                .map(|t| (t, gain(t) / (fixed + t as f64)))
                .fold((0, f64::MIN), |b, c| if c.1 > b.1 { c } else { b });
            assert_eq!(t, bt, "fixed {fixed}");
            assert!((r - br).abs() < 1e-15);
        }
    }

    #[test]
    fn best_ratio_with_tiny_ranges_and_free_units() {
        let linear = |t: u64| (t as f64, 1.0);
        assert_eq!(best_ratio(linear, 1.0, 1.0, 1).0, 1);
        assert_eq!(best_ratio(linear, 1.0, 1.0, 3).0, 3);
        // No cost per unit: the most units.
        assert_eq!(best_ratio(linear, 1.0, 0.0, 9).0, 9);
    }

    #[test]
    fn free_steps_rank_above_any_ratio() {
        let free = Key {
            free: true,
            value: 1e-9,
        };
        let paid = Key {
            free: false,
            value: 1e300,
        };
        assert_eq!(free.cmp(&paid), Ordering::Greater);
        let a = Entry {
            key: paid,
            arm: 1,
            version: 0,
        };
        let b = Entry {
            key: paid,
            arm: 2,
            version: 0,
        };
        assert!(a > b, "ties go to the lower arm index");
    }
}
