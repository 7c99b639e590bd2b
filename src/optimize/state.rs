//! Incremental plan state shared by the strategies: absorbed exposures, resource use, which
//! placements and messages are already paid for, and what one more step would cost.

use std::cell::OnceCell;
use std::rc::Rc;

mod suffix;

use crate::core::{ArmId, CellId, Measure, ResourceId, Resources, TOLERANCE};
use crate::plan::Plan;
use crate::problem::{ArmDraw, Problem};

/// A partial plan with everything needed to price and value its next step in `O(nnz_arm)`.
#[derive(Debug, Clone)]
pub(crate) struct State<'p> {
    pub(crate) problem: &'p Problem,
    pub(crate) units: Vec<u64>,
    pub(crate) absorbed: Vec<f64>,
    pub(crate) placement_units: Vec<u64>,
    pub(crate) message_used: Vec<bool>,
    /// Use of each resource.
    pub(crate) used: Resources<f64>,
    /// `exp(-E_c / kappa_c)` per cell: the share of the ceiling not yet reached.
    pub(crate) remaining: Vec<f64>,
    /// Arms that may not receive units (`max_units` is 0): local search closes a placement
    /// or message this way and lets the greedy refill the rest.
    pub(crate) blocked: Vec<bool>,
    /// `A_c rho_c` per cell: the value of the whole ceiling.
    stakes: Rc<Vec<f64>>,
    /// A calendar problem's discounted suffixes of marginal value (`None`: yearly problem),
    /// rebuilt where stale when read ([`State::calendar_curve`]).
    suffix: Option<suffix::Suffix>,
    /// Per arm, per absorbed entry: `(cell, coef / kappa)`.
    entries: Rc<Vec<Vec<(usize, f64)>>>,
    /// Per arm, per absorbed entry: `1 - exp(-coef / kappa)`, the first unit's share of the
    /// entry's remaining stake; built on first use ([`State::firsts`]), as a calendar
    /// problem's greedy prices through the suffixes and never reads it (its one-unit gains,
    /// rare, compute the same numbers without it).
    first: Rc<OnceCell<Vec<Vec<f64>>>>,
    /// Per arm, what it draws on each resource it uses.
    draws: Rc<Vec<Vec<Draw>>>,
    /// A step's scalar cost is `sum_r weight_r * use_r`: `1 / limit_r` over the counted
    /// limited resources, 0 elsewhere.
    weights: Resources<f64>,
}

/// The per-problem tables of a [`State`], shared (by `Rc`) between states of one problem.
struct Tables {
    suffix: Option<suffix::Suffix>,
    stakes: Rc<Vec<f64>>,
    first: Rc<OnceCell<Vec<Vec<f64>>>>,
    entries: Rc<Vec<Vec<(usize, f64)>>>,
    draws: Rc<Vec<Vec<Draw>>>,
}

/// Which resources count in a step's normalised cost.
pub(crate) type Mask = Resources<bool>;

/// `1 / limit` of each counted, positively limited resource; value per yuan when none counts.
fn weights(problem: &Problem, mask: &Mask) -> Resources<f64> {
    // A per-week capacity is a capacity, not a cost: it bounds steps but does not price them.
    // A per-week limit weighs as the horizon's total of such limits (one of `T` weeks).
    let weeks = problem.structure().weeks.as_ref().map_or(1, |w| w.weeks) as f64;
    let mut w = problem.limits().map(|r, limit| {
        let kind = problem.resources()[r.index()];
        match limit {
            Some(l) if mask[r] && *l > 0.0 && kind.measure() != Measure::Units => {
                if kind.week().is_some() {
                    1.0 / (l * weeks)
                } else {
                    1.0 / l
                }
            }
            _ => 0.0,
        }
    });
    if w.iter().all(|&x| x <= 0.0) {
        // No counted resource: rank by value per yuan.
        w[crate::core::ResourceKind::Money.id()] = 1.0;
    }
    w
}

/// Money and hours of a step, with the fixed costs it would pay.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StepCost {
    /// Normalised cost of the fixed part (setup + production not yet paid).
    pub(crate) fixed: f64,
    /// Normalised cost per unit.
    pub(crate) per_unit: f64,
}

impl StepCost {
    pub(crate) fn at(&self, t: u64) -> f64 {
        self.fixed + self.per_unit * t as f64
    }
}

/// What one draw of an arm on one resource amounts to now: the fixed part not yet paid and
/// the amount per unit.
#[derive(Debug, Clone, Copy)]
struct Amount {
    fixed: f64,
    per_unit: f64,
}

/// What an arm draws on one resource: per unit, and the setup and production costs when
/// they are still to pay.
#[derive(Debug, Clone, Copy)]
struct Draw {
    resource: ResourceId,
    /// The resource's limit (`None`: unlimited).
    limit: Option<f64>,
    per_unit: f64,
    setup: f64,
    production: f64,
}

impl Draw {
    /// The draws of arm `a` of `problem`, from its [`ArmDraw`]s.
    fn of(problem: &Problem, a: ArmId) -> Vec<Draw> {
        let arm = &problem.arms()[a.index()];
        let pl = problem.placement(arm.placement);
        let production = problem.production_cost(arm.message);
        arm.draws
            .iter()
            .map(|d: &ArmDraw| {
                let kind = problem.resources()[d.resource.index()];
                let fixed = kind.pays_fixed_costs();
                Draw {
                    resource: d.resource,
                    limit: problem.limits()[d.resource],
                    per_unit: if d.placement {
                        kind.per_unit(pl.unit_cost, pl.staff_hours)
                    } else {
                        0.0
                    },
                    setup: if d.placement && fixed {
                        pl.setup_cost
                    } else {
                        0.0
                    },
                    production: if d.message && fixed { production } else { 0.0 },
                }
            })
            .collect()
    }

    /// The amounts, paying the setup and production costs as `(setup, production)` say.
    #[inline]
    fn amount(&self, (pay_setup, pay_production): (bool, bool)) -> Amount {
        let mut fixed = 0.0;
        if pay_setup {
            fixed += self.setup;
        }
        if pay_production {
            fixed += self.production;
        }
        Amount {
            fixed,
            per_unit: self.per_unit,
        }
    }
}

impl<'p> State<'p> {
    pub(crate) fn new(problem: &'p Problem) -> Self {
        let st = problem.structure();
        let n_cells = problem.cells().len();
        let tables = Tables {
            suffix: suffix::Suffix::of(problem),
            stakes: Rc::new(
                CellId::range(n_cells)
                    .map(|c| problem.value_at_risk(c) * problem.cells()[c.index()].ceiling)
                    .collect(),
            ),
            first: Rc::new(OnceCell::new()),
            entries: Rc::new(
                ArmId::range(st.arms.len())
                    .map(|a| {
                        problem
                            .absorbed(a)
                            .map(|(c, coef)| (c.index(), coef / problem.cells()[c.index()].scale))
                            .collect()
                    })
                    .collect(),
            ),
            draws: Rc::new(
                ArmId::range(st.arms.len())
                    .map(|a| Draw::of(problem, a))
                    .collect(),
            ),
        };
        State::empty(problem, tables)
    }

    /// The empty plan's state with the given per-arm tables, every resource counted in step
    /// costs.
    fn empty(problem: &'p Problem, tables: Tables) -> Self {
        let st = problem.structure();
        let n_cells = problem.cells().len();
        State {
            problem,
            units: vec![0; st.arms.len()],
            absorbed: vec![0.0; n_cells],
            placement_units: vec![0; st.placements.len()],
            message_used: vec![false; st.messages.len()],
            used: Resources::filled(st.resources.len(), 0.0),
            remaining: vec![1.0; n_cells],
            blocked: vec![false; st.arms.len()],
            suffix: tables.suffix,
            stakes: tables.stakes,
            first: tables.first,
            entries: tables.entries,
            draws: tables.draws,
            weights: weights(problem, &Resources::filled(st.resources.len(), true)),
        }
    }

    /// The state of the plan with `units[a]` units of each arm `a`. The caller ensures one
    /// entry per arm and that no placement's total overflows `u64`.
    pub(crate) fn with_units(problem: &'p Problem, units: &[u64]) -> Self {
        State::new(problem).refilled(units)
    }

    /// The empty plan's state of the same problem, sharing this state's per-arm tables (no
    /// `O(nnz)` rebuild): what [`State::new`] returns, for the price of the per-cell vectors.
    pub(crate) fn emptied(&self) -> Self {
        let tables = Tables {
            suffix: self.suffix.as_ref().map(suffix::Suffix::emptied),
            stakes: Rc::clone(&self.stakes),
            entries: Rc::clone(&self.entries),
            first: Rc::clone(&self.first),
            draws: Rc::clone(&self.draws),
        };
        State::empty(self.problem, tables)
    }

    /// [`State::with_units`] from an empty state (`self`, e.g. [`State::emptied`]), sharing its
    /// per-arm tables. The arms are added in index order as [`State::add`] would, and the
    /// remaining shares computed once per cell at the end, as `exp(-absorbed / scale)` (the
    /// same state as adding one arm at a time, up to the few ulp by which
    /// [`State::shift_exposure`]'s small-step product can differ from the `exp`).
    pub(crate) fn refilled(mut self, units: &[u64]) -> Self {
        for (arm, &t) in units.iter().enumerate() {
            if t > 0 {
                self.add_units(arm, t);
                self.shift_absorbed(arm, t as f64);
            }
        }
        self.refresh_remaining();
        self
    }

    /// Counts only the resources in `mask` in step costs from now on.
    pub(crate) fn set_mask(&mut self, mask: &Mask) {
        self.weights = weights(self.problem, mask);
    }

    /// Every limited resource.
    pub(crate) fn all_limited(&self) -> Mask {
        self.binding(0.0)
    }

    /// The limited resources of which at least `share` of the limit is used.
    pub(crate) fn binding(&self, share: f64) -> Mask {
        self.problem
            .limits()
            .map(|r, limit| limit.is_some_and(|l| self.used[r] >= share * l))
    }

    pub(crate) fn to_plan(&self) -> Plan {
        Plan::from_units(self.problem, self.units.clone())
            .expect("the state has one entry per arm of its problem")
    }

    /// Prevented loss of the current state.
    pub(crate) fn value(&self) -> f64 {
        self.problem
            .value_of_exposure(&self.absorbed)
            .expect("the state has one entry per cell")
    }

    /// Value gained by adding `t` units of `arm`:
    /// `sum A rho exp(-E / kappa) (1 - exp(-t coef / kappa))`.
    #[inline]
    pub(crate) fn gain(&self, arm: usize, t: u64) -> f64 {
        if let (1, Some(firsts)) = (t, self.first.get()) {
            // `1 - exp(-rate)` is tabled: the same numbers, without an `expm1` per entry.
            return self.entries[arm]
                .iter()
                .zip(&firsts[arm])
                .map(|(&(c, _), &first)| self.stakes[c] * self.remaining[c] * first)
                .sum();
        }
        let t = t as f64;
        self.entries[arm]
            .iter()
            .map(|&(c, rate)| self.stakes[c] * self.remaining[c] * one_minus_exp_neg(t * rate))
            .sum()
    }

    /// Tables the first unit's share of every entry ([`State::firsts`]) for a caller that
    /// prices many one-unit gains ([`State::gain`] uses the table once it exists).
    pub(crate) fn tabulate_first_units(&self) {
        self.firsts();
    }

    /// Per arm, per entry, `1 - exp(-coef / kappa)` (computed as [`State::gain`] of one unit
    /// computes it), built on first use and shared by every clone.
    fn firsts(&self) -> &[Vec<f64>] {
        self.first.get_or_init(|| {
            self.entries
                .iter()
                .map(|e| e.iter().map(|&(_, rate)| -(-rate).exp_m1()).collect())
                .collect()
        })
    }

    /// An upper bound on [`State::gain`] of `t` units of `arm` without an `exp`: each entry's
    /// `1 - exp(-t r)` is at most `min(1, t r)` (and an entry of no positive stake gains
    /// nothing). Exact up to rounding, so compare it with a margin.
    pub(crate) fn gain_ceiling(&self, arm: usize, t: u64) -> f64 {
        let t = t as f64;
        self.entries[arm]
            .iter()
            .map(|&(c, rate)| {
                let w = self.stakes[c] * self.remaining[c];
                if w > 0.0 {
                    w * (t * rate).min(1.0)
                } else {
                    0.0
                }
            })
            .sum()
    }

    /// [`State::gain`] of `t` units of `arm` and its derivative in `t`:
    /// `(sum A rho e (1 - exp(-t r)), sum A rho e r exp(-t r))` with `e = exp(-E / kappa)` and
    /// `r = coef / kappa`, from one `expm1` per entry.
    #[inline]
    pub(crate) fn gain_and_slope(&self, arm: usize, t: u64) -> (f64, f64) {
        let t = t as f64;
        let (mut gain, mut slope) = (0.0, 0.0);
        for &(c, rate) in &self.entries[arm] {
            let weight = self.stakes[c] * self.remaining[c];
            let m = -one_minus_exp_neg(t * rate);
            gain -= weight * m;
            slope += weight * rate * (1.0 + m);
        }
        (gain, slope)
    }

    /// Value lost by removing `t <= units[arm]` units of `arm`:
    /// `sum A rho exp(-E / kappa) (exp(t coef / kappa) - 1)`.
    pub(crate) fn loss(&self, arm: usize, t: u64) -> f64 {
        let t = t as f64;
        self.entries[arm]
            .iter()
            .map(|&(c, rate)| self.stakes[c] * self.remaining[c] * -one_minus_exp_neg(-t * rate))
            .sum()
    }

    /// Value of the `j`-th added unit of `arm` (`j >= 1`): `gain(j) - gain(j - 1)`, computed
    /// without cancellation.
    #[cfg(test)]
    pub(crate) fn unit_gain(&self, arm: usize, j: u64) -> f64 {
        let before = (j - 1) as f64;
        self.entries[arm]
            .iter()
            .zip(&self.firsts()[arm])
            .map(|(&(c, rate), &first)| {
                let decay = if j == 1 { 1.0 } else { (-before * rate).exp() };
                self.stakes[c] * self.remaining[c] * first * decay
            })
            .sum()
    }

    /// The first unit's gain of `arm` and the longest run of units, starting with it, in which
    /// every unit gains at least `1 - tolerance` times the first (capped at `tmax`).
    ///
    /// Unit `j` gains `sum_i g_i exp(-(j - 1) r_i)` with `g_i` the first unit's terms and
    /// `r_i = coef_i / kappa_i`. By Jensen's inequality this is at least
    /// `G exp(-(j - 1) r_bar)` with `G = sum g_i` and `r_bar` the `g`-weighted mean rate, so
    /// every `j <= 1 + ln(1 / (1 - tolerance)) / r_bar` keeps the promise; no search needed.
    #[inline]
    pub(crate) fn first_gain_and_batch(&self, arm: usize, tolerance: f64, tmax: u64) -> (f64, u64) {
        let mut g = 0.0;
        let mut weighted_rate = 0.0;
        for (&(c, rate), &first) in self.entries[arm].iter().zip(&self.firsts()[arm]) {
            let gi = self.stakes[c] * self.remaining[c] * first;
            g += gi;
            weighted_rate += gi * rate;
        }
        batch(g, weighted_rate, tolerance, tmax)
    }

    /// On a calendar problem, the gain curve of `arm` from its slope and curvature in
    /// `O(yearly cells)` (plus the rebuild of the stale suffixes it reads): `(g, q)` with slope
    /// `g` and `q = -gain''`. `None` for a yearly problem.
    #[inline]
    pub(crate) fn calendar_curve(&mut self, arm: usize) -> Option<(f64, f64)> {
        let (stakes, remaining) = (&self.stakes, &self.remaining);
        self.suffix
            .as_mut()
            .map(|s| s.slope_and_curvature(arm, stakes, remaining))
    }

    /// Whether adding to `arm` would pay its placement's setup cost and its message's
    /// production cost (not yet paid).
    #[inline]
    fn pays(&self, arm: usize) -> (bool, bool) {
        let a = &self.problem.arms()[arm];
        (
            self.placement_units[a.placement.index()] == 0,
            !self.message_used[a.message.index()],
        )
    }

    /// Whether adding to `arm` pays a fixed cost not yet paid.
    pub(crate) fn opens(&self, arm: usize) -> bool {
        let a = &self.problem.arms()[arm];
        self.placement_units[a.placement.index()] == 0 || !self.message_used[a.message.index()]
    }

    /// Normalised cost of adding units of `arm`.
    #[inline]
    pub(crate) fn step_cost(&self, arm: usize) -> StepCost {
        let pays = self.pays(arm);
        let mut cost = StepCost {
            fixed: 0.0,
            per_unit: 0.0,
        };
        for d in &self.draws[arm] {
            let w = self.weights[d.resource];
            if w > 0.0 {
                let amount = d.amount(pays);
                cost.fixed += w * amount.fixed;
                cost.per_unit += w * amount.per_unit;
            }
        }
        cost
    }

    /// The most units of `arm` that can be added now within every limit (0 if even the
    /// fixed costs do not fit).
    #[inline]
    pub(crate) fn max_units(&self, arm: usize) -> u64 {
        if self.blocked[arm] {
            return 0;
        }
        let p = self.problem;
        let a = &p.arms()[arm];
        let pays = self.pays(arm);
        let mut t = p
            .placement(a.placement)
            .capacity
            .saturating_sub(self.placement_units[a.placement.index()]);
        for d in &self.draws[arm] {
            let Some(limit) = d.limit else {
                continue;
            };
            let Amount { fixed, per_unit } = d.amount(pays);
            // Units affordable with `left` of the resource after `fixed`, at `per_unit` each.
            let left = limit - self.used[d.resource];
            let slack = TOLERANCE * left.abs().max(1.0);
            let room = left - fixed;
            if room < -slack {
                return 0;
            } else if per_unit > 0.0 {
                let n = ((room + slack) / per_unit).floor();
                if n < t as f64 {
                    t = n.max(0.0) as u64;
                }
            }
        }
        t
    }

    /// Adds `t` units of `arm`, paying any fixed cost not yet paid. The caller ensures
    /// `t <= max_units(arm)`.
    pub(crate) fn add(&mut self, arm: usize, t: u64) {
        if t == 0 {
            return;
        }
        self.add_units(arm, t);
        self.shift_exposure(arm, t as f64);
    }

    /// The accounting half of [`State::add`] (`t > 0`): units, resource use, fixed costs
    /// paid; exposures untouched.
    fn add_units(&mut self, arm: usize, t: u64) {
        let pays = self.pays(arm);
        let p = self.problem;
        let a = &p.arms()[arm];
        for d in &self.draws[arm] {
            let amount = d.amount(pays);
            self.used[d.resource] += amount.fixed + amount.per_unit * t as f64;
        }
        self.units[arm] += t;
        self.placement_units[a.placement.index()] += t;
        self.message_used[a.message.index()] = true;
    }

    /// Adds `delta` units' worth of `arm`'s absorbed exposures (negative to remove). A cell
    /// whose exponent moves by less than [`SMALL`] gets its remaining share as the old one
    /// times `exp(-step)` by the series (within a few ulp of `exp(-absorbed / scale)`, and
    /// exactly 1 at no exposure); larger steps recompute it with `exp`.
    fn shift_exposure(&mut self, arm: usize, delta: f64) {
        let p = self.problem;
        for (&(c, rate), (_, coef)) in self.entries[arm].iter().zip(p.absorbed(ArmId::new(arm))) {
            let absorbed = (self.absorbed[c] + delta * coef).max(0.0);
            let step = delta * rate;
            self.remaining[c] = if absorbed == 0.0 {
                1.0
            } else if step.abs() < SMALL {
                // exp(-(a + d)) = exp(-a) exp(-d): a short series instead of an `exp`.
                self.remaining[c] * (1.0 - one_minus_exp_neg(step))
            } else {
                remaining_share(absorbed, p.cells()[c].scale)
            };
            self.absorbed[c] = absorbed;
        }
        self.touch(arm);
    }

    /// [`State::shift_exposure`] without the remaining shares: the caller refreshes them
    /// ([`State::refresh_remaining`]) before they are read.
    fn shift_absorbed(&mut self, arm: usize, delta: f64) {
        let p = self.problem;
        for (c, coef) in p.absorbed(ArmId::new(arm)) {
            let c = c.index();
            self.absorbed[c] = (self.absorbed[c] + delta * coef).max(0.0);
        }
        self.touch(arm);
    }

    /// Marks stale the suffixes a change of `arm`'s exposures changes.
    fn touch(&mut self, arm: usize) {
        if let Some(suffix) = &mut self.suffix {
            suffix.touch_arm(arm);
        }
    }

    /// Recomputes every cell's remaining share from its absorbed exposure: one `exp` per
    /// cell instead of one per (arm, cell) entry of the steps since the last refresh.
    fn refresh_remaining(&mut self) {
        let cells = self.problem.cells();
        for (c, r) in self.remaining.iter_mut().enumerate() {
            *r = remaining_share(self.absorbed[c], cells[c].scale);
        }
    }

    /// Removes `t` units of `arm` (at most the units it has), refunding the placement's setup
    /// cost when its last unit goes and the message's production cost when no arm carries it
    /// any more: the inverse of [`State::add`].
    pub(crate) fn remove(&mut self, arm: usize, t: u64) {
        let t = t.min(self.units[arm]);
        if t == 0 {
            return;
        }
        self.remove_units(arm, t);
        self.shift_exposure(arm, -(t as f64));
    }

    /// [`State::remove`] of `t` units of each `(arm, t)` in turn, with the remaining shares
    /// computed once per cell at the end from the absorbed exposures: the same state as the
    /// removals one at a time up to a few ulp (see [`State::shift_exposure`]), for one `exp`
    /// per cell instead of one per entry of every arm.
    pub(crate) fn remove_each(&mut self, removals: impl IntoIterator<Item = (usize, u64)>) {
        let mut any = false;
        for (arm, t) in removals {
            let t = t.min(self.units[arm]);
            if t > 0 {
                self.remove_units(arm, t);
                self.shift_absorbed(arm, -(t as f64));
                any = true;
            }
        }
        if any {
            self.refresh_remaining();
        }
    }

    /// Undoes [`State::add`] (`added`) or [`State::remove`] of `t` units of `arm` in units,
    /// resource use and fixed costs only, marking the arm's suffixes stale: for a caller that
    /// restores the absorbed exposures and remaining shares (and resource use) it saved.
    pub(crate) fn undo_units(&mut self, arm: usize, t: u64, added: bool) {
        if added {
            let t = t.min(self.units[arm]);
            if t > 0 {
                self.remove_units(arm, t);
            }
        } else if t > 0 {
            self.add_units(arm, t);
        }
        self.touch(arm);
    }

    /// The accounting half of [`State::remove`] (`0 < t <= units[arm]`): units, resource use,
    /// fixed costs refunded; exposures untouched.
    fn remove_units(&mut self, arm: usize, t: u64) {
        let p = self.problem;
        let a = &p.arms()[arm];
        self.units[arm] -= t;
        self.placement_units[a.placement.index()] -= t;
        let refund_setup = self.placement_units[a.placement.index()] == 0;
        let refund_production = self.units[arm] == 0
            && p.arms_of_message(a.message)
                .iter()
                .all(|&b| self.units[b.index()] == 0);
        if refund_production {
            self.message_used[a.message.index()] = false;
        }
        for d in &self.draws[arm] {
            let amount = d.amount((refund_setup, refund_production));
            self.used[d.resource] -= amount.fixed + amount.per_unit * t as f64;
        }
    }
}

/// Largest `|x|` for which [`one_minus_exp_neg`] uses its series: there the series' first
/// omitted term, `|x|^8 / 8!`, is below `5e-20` of `|x|` (`2^-49 / 40320`).
const SMALL: f64 = 1.0 / 128.0;

/// `1 - exp(-x)` (that is `-expm1(-x)`), by its Taylor series when `|x| <` [`SMALL`] (within
/// an ulp or two of `expm1` there, for a few multiplications instead of a libm call), else by
/// `expm1`.
#[inline]
fn one_minus_exp_neg(x: f64) -> f64 {
    if x.abs() < SMALL {
        // x (1 - x/2 (1 - x/3 (1 - x/4 (1 - x/5 (1 - x/6 (1 - x/7))))))
        let mut s = 1.0 - x * (1.0 / 7.0);
        s = 1.0 - x * (1.0 / 6.0) * s;
        s = 1.0 - x * (1.0 / 5.0) * s;
        s = 1.0 - x * 0.25 * s;
        s = 1.0 - x * (1.0 / 3.0) * s;
        s = 1.0 - x * 0.5 * s;
        x * s
    } else {
        -(-x).exp_m1()
    }
}

/// `exp(-absorbed / scale)`: the share of a cell's ceiling not yet reached.
#[inline]
fn remaining_share(absorbed: f64, scale: f64) -> f64 {
    (-absorbed / scale).exp()
}

/// An arm's step from the first unit's value `g` and the curvature `q` of its marginal
/// (`g'(t) ~ g exp(-q t / g)`): `g` and the run of units whose marginal stays above
/// `1 - tolerance` times it, at least 1 and at most `tmax`. Shared by the yearly
/// ([`State::first_gain_and_batch`]) and the calendar (suffix-priced) greedy.
pub(crate) fn batch(g: f64, q: f64, tolerance: f64, tmax: u64) -> (f64, u64) {
    if g <= 0.0 || tolerance <= 0.0 {
        return (g, 1.min(tmax));
    }
    let run = -(-tolerance).ln_1p() * g / q;
    let t = if run.is_finite() && run < tmax as f64 {
        1 + run.floor() as u64
    } else {
        tmax
    };
    (g, t.clamp(1, tmax.max(1)))
}

/// Whether each placement's units in `units` (one entry per arm) add up within `u64`, as
/// the incremental [`State`] needs; a plan at a capacity of `u64::MAX` may not
/// ([`Plan::check`](crate::Plan::check) sums saturating).
pub(crate) fn placement_sums_fit(problem: &Problem, units: &[u64]) -> bool {
    let mut per_placement = vec![0u64; problem.placements().len()];
    for (arm, &t) in units.iter().enumerate() {
        let k = problem.arms()[arm].placement.index();
        match per_placement[k].checked_add(t) {
            Some(sum) => per_placement[k] = sum,
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Scenario;
    use crate::core::{DepartmentId, ResourceKind};

    fn money_of(p: &mut Problem, d: usize, limit: Option<f64>) {
        p.set_limit(
            ResourceKind::DepartmentMoney(DepartmentId::new(d)).id(),
            limit,
        )
        .unwrap();
    }

    fn dept_money(s: &State<'_>) -> Vec<f64> {
        (0..2)
            .map(|d| s.used[ResourceKind::DepartmentMoney(DepartmentId::new(d)).id()])
            .collect()
    }

    const MONEY: fn() -> crate::core::ResourceId = || ResourceKind::Money.id();
    const HOURS: fn() -> crate::core::ResourceId = || ResourceKind::StaffHours.id();

    fn problem() -> Problem {
        Scenario::from_json(
            r#"{"name": "s", "threats": [{"id": "t", "name": "T"}],
            "segments": [{"id": "r.g", "region": "r", "group": "g", "population": 1000,
                          "risk": [{"threat": "t", "rate": 0.01, "loss": 1000}]}],
            "channels": [{"id": "c", "name": "C", "depth": 1.0, "owner": "d", "placements": [
                {"id": "p", "unit": "u", "unit_cost": 10, "setup_cost": 100, "capacity": 50,
                 "staff_hours": 2, "formats": ["f"], "audience": [{"per_unit": 0.1}]}]}],
            "messages": [{"id": "m", "format": "f", "production_cost": 40, "owner": "e",
                          "threats": [{"threat": "t", "relevance": 1.0}],
                          "appeal": [{"value": 1.0}]}],
            "response": {"ceiling": 0.5, "scale": 1.0},
            "resources": {"money": 1000, "staff_hours": 60},
            "departments": [{"id": "d", "money": 300}, {"id": "e", "money": 30}]}"#,
        )
        .unwrap()
        .compile()
        .unwrap()
    }

    #[test]
    fn the_series_agrees_with_expm1() {
        // Both sides of the switch to the series, small and tiny arguments, both signs.
        let mut x = 1e-12;
        while x < 0.1 {
            for x in [x, -x] {
                let (series, libm) = (one_minus_exp_neg(x), -(-x).exp_m1());
                assert!(
                    (series - libm).abs() <= 4.0 * f64::EPSILON * libm.abs(),
                    "{x}: {series} vs {libm}"
                );
            }
            x *= 1.37;
        }
        assert_eq!(one_minus_exp_neg(0.0), 0.0);
    }

    #[test]
    fn max_units_respects_every_limit_and_fixed_costs() {
        let mut p = problem();
        // Department e cannot pay the 40-yuan production: nothing fits.
        assert_eq!(State::new(&p).max_units(0), 0);
        money_of(&mut p, 1, Some(40.0));
        // Department d: 300 - 100 setup = 200 -> 20 units; hours 60 / 2 = 30; capacity 50.
        assert_eq!(State::new(&p).max_units(0), 20);
        money_of(&mut p, 0, None);
        // Money: 1000 - 140 fixed = 860 -> 86; hours bind at 30.
        assert_eq!(State::new(&p).max_units(0), 30);
        p.set_staff_hours(None).unwrap();
        assert_eq!(State::new(&p).max_units(0), 50);
    }

    #[test]
    fn add_pays_fixed_costs_once_and_tracks_usage() {
        let mut p = problem();
        money_of(&mut p, 1, Some(40.0));
        let mut s = State::new(&p);
        assert!(s.opens(0));
        s.add(0, 5);
        assert!(!s.opens(0));
        s.add(0, 5);
        assert_eq!(s.used[MONEY()], 100.0 + 40.0 + 100.0);
        assert_eq!(s.used[HOURS()], 20.0);
        assert_eq!(dept_money(&s), vec![200.0, 40.0]);
        let usage = s.to_plan().usage(&p).unwrap();
        assert_eq!(usage.money(), s.used[MONEY()]);
        assert_eq!(usage.resources, s.used);
        // gain agrees with the value difference.
        let before = s.value();
        let g = s.gain(0, 3);
        s.add(0, 3);
        assert!((s.value() - before - g).abs() < 1e-9);
    }

    #[test]
    fn remove_undoes_add_and_refunds_fixed_costs() {
        let p = problem();
        let empty = State::new(&p);
        let mut s = State::new(&p);
        s.add(0, 7);
        let full = s.clone();
        s.add(0, 5);
        let value = s.value();
        // The loss of removing units equals the value difference.
        let loss = s.loss(0, 5);
        s.remove(0, 5);
        assert!((value - s.value() - loss).abs() < 1e-9);
        assert_eq!(s.units, full.units);
        assert_eq!(s.placement_units, full.placement_units);
        assert!((s.used[MONEY()] - full.used[MONEY()]).abs() < 1e-9);
        assert!((s.used[HOURS()] - full.used[HOURS()]).abs() < 1e-9);
        assert!(s.message_used[0]);
        // Removing the last unit refunds the setup and production costs.
        s.remove(0, 7);
        assert_eq!(s.units, empty.units);
        assert_eq!(s.placement_units, vec![0]);
        assert!(!s.message_used[0]);
        assert!(s.used[MONEY()].abs() < 1e-9 && s.used[HOURS()].abs() < 1e-9);
        assert!(s.used.iter().all(|x| x.abs() < 1e-9));
        assert!(
            s.absorbed.iter().all(|e| e.abs() < 1e-12),
            "{:?}",
            s.absorbed
        );
        assert!(s.value().abs() < 1e-9);
        assert_eq!(empty.value(), 0.0);
        // Removing more than there is removes what there is.
        s.add(0, 2);
        s.remove(0, 10);
        assert_eq!(s.units[0], 0);
        assert_eq!(s.used[MONEY()], 0.0);
    }

    #[test]
    fn with_units_matches_the_plan_accounting() {
        let mut p = problem();
        money_of(&mut p, 1, Some(40.0));
        let s = State::with_units(&p, &[9]);
        let usage = s.to_plan().usage(&p).unwrap();
        assert_eq!(s.used[MONEY()], usage.money());
        assert_eq!(s.used[HOURS()], usage.staff_hours());
        assert_eq!(s.used, usage.resources);
        assert_eq!(s.placement_units, usage.placement_units);
    }

    #[test]
    fn blocked_arms_take_no_units() {
        let mut p = problem();
        money_of(&mut p, 1, Some(40.0));
        let mut s = State::new(&p);
        assert_eq!(s.max_units(0), 20);
        s.blocked[0] = true;
        assert_eq!(s.max_units(0), 0);
    }

    #[test]
    fn batch_keeps_every_unit_within_the_tolerance() {
        let p = problem();
        let mut s = State::new(&p);
        s.add(0, 2);
        // rate 0.1 per unit: units 1..=4 keep exp(-0.3) = 0.74 >= 0.7 of the first.
        let (g1, t) = s.first_gain_and_batch(0, 0.3, 1_000);
        assert!((g1 - s.unit_gain(0, 1)).abs() < 1e-12);
        assert_eq!(t, 4);
        assert!(s.unit_gain(0, t) >= 0.7 * g1);
        // Single-cell arm: the Jensen bound is exact, so one more unit breaks the promise.
        assert!(s.unit_gain(0, t + 1) < 0.7 * g1);
        assert_eq!(s.first_gain_and_batch(0, 0.0, 1_000).1, 1);
        assert_eq!(s.first_gain_and_batch(0, 0.3, 3).1, 3);
    }

    /// On a calendar problem the suffixes give the gain's exact slope and curvature (as the
    /// entries sum them, over every week), after steps and after a removal.
    #[test]
    fn calendar_suffixes_give_the_slope_and_curvature_of_the_gain() {
        let yearly = crate::scenarios::jurong_2023().compile().unwrap();
        let cal = crate::calendar::Calendar::new(&yearly, 4, 50, 0.6).unwrap();
        let weekly = cal.unroll(&yearly).unwrap();
        let mut s = State::new(&weekly);
        assert!(State::new(&yearly).calendar_curve(0).is_none());
        let n = weekly.arms().len();
        for (i, arm) in [3, n / 2, n - 1].into_iter().enumerate() {
            s.add(arm, 5 + 20 * i as u64);
        }
        s.remove(3, 2);
        for arm in (0..n).step_by(7) {
            let (g, q) = s.calendar_curve(arm).unwrap();
            let (_, slope) = s.gain_and_slope(arm, 0);
            let curvature: f64 = s.entries[arm]
                .iter()
                .map(|&(c, rate)| s.stakes[c] * s.remaining[c] * rate * rate)
                .sum();
            assert!(
                (g - slope).abs() <= 1e-9 * slope.abs().max(1e-300),
                "{g} {slope}"
            );
            assert!((q - curvature).abs() <= 1e-9 * curvature.abs().max(1e-300));
        }
    }

    #[test]
    fn unit_gains_sum_to_the_batch_gain() {
        let p = problem();
        let s = State::new(&p);
        let sum: f64 = (1..=7).map(|j| s.unit_gain(0, j)).sum();
        assert!((sum - s.gain(0, 7)).abs() < 1e-9);
        assert!(s.unit_gain(0, 2) < s.unit_gain(0, 1));
    }
}
