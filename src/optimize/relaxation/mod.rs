//! The relaxation behind [`bound`](super::bound()) and [`Exact`](super::Exact): its layout
//! and rows ([`rows`]), the interior-point solve ([`conic`]) and the certificate
//! ([`certificate`]); the proof is in the [`bound` module](mod@super::bound).

mod certificate;
mod conic;
mod frank_wolfe;
mod lagrange;
mod rows;
mod stocks;

use super::state::State;
use crate::core::{ArmId, CellId, MessageId, PlacementId};
use crate::problem::Problem;

/// Whether a placement's or message's fixed cost is open to the relaxation, paid, or closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Charge {
    /// Spread over the units (the relaxation decides).
    Free,
    /// Paid in full; units are free to be zero.
    Paid,
    /// Not paid: no units.
    Closed,
}

/// A subset of plans: bounds on each arm's units and forced fixed-cost decisions.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Restriction {
    pub(crate) lo: Vec<u64>,
    pub(crate) hi: Vec<u64>,
    pub(crate) placement: Vec<Charge>,
    pub(crate) message: Vec<Charge>,
}

impl Restriction {
    /// The two halves (paid, closed) of the fixed charge that the relaxed point `b` of this
    /// restriction discounts most (`F_k` or `P_m` times the share it leaves unpaid), among the
    /// free placements and messages that `b` uses and no arm's lower bound already pays;
    /// `None` when `b` pays every used fixed charge in full.
    ///
    /// Every plan of the restriction lies in one half: one that uses the item in the paid
    /// half, one that does not in the closed half.
    pub(crate) fn split_fixed_charge(
        &self,
        problem: &Problem,
        b: &Point,
    ) -> Option<[Restriction; 2]> {
        self.split_fixed_charge_by(problem, b, false)
            .map(|(_, halves)| halves)
    }

    /// As [`Restriction::split_fixed_charge`]; with `by_spend`, the item scored by the least
    /// of its discount and what the point spends on its arms' units (money), so that an item
    /// whose units are few (closing it costs little) or whose charge is nearly paid (paying it
    /// costs little) is not split first. Also returns the item's score (yuan).
    pub(crate) fn split_fixed_charge_by(
        &self,
        problem: &Problem,
        b: &Point,
        by_spend: bool,
    ) -> Option<(f64, [Restriction; 2])> {
        let spend = |arms: &[ArmId]| unit_spend(problem, b, arms.iter().copied());
        let implied = |arms: &[ArmId]| arms.iter().any(|&a| self.lo[a.index()] > 0);
        let used = |arms: &[ArmId]| arms.iter().any(|&a| b.units[a.index()] > INTEGRAL);
        // (discount, is a message, index)
        let mut pick: Option<(f64, bool, usize)> = None;
        let mut consider = |discount: f64, message: bool, i: usize| {
            if discount > 0.0 && pick.is_none_or(|(d, _, _)| discount > d) {
                pick = Some((discount, message, i));
            }
        };
        for k in PlacementId::range(problem.placements().len()) {
            let arms = problem.arms_of_placement(k);
            let i = k.index();
            if self.placement[i] == Charge::Free && !implied(arms) && used(arms) {
                let setup = problem.placement(k).setup_cost;
                let d = setup * (1.0 - b.placement_share[i]);
                consider(if by_spend { d.min(spend(arms)) } else { d }, false, i);
            }
        }
        for m in MessageId::range(problem.messages().len()) {
            let arms = problem.arms_of_message(m);
            let i = m.index();
            if self.message[i] == Charge::Free && !implied(arms) && used(arms) {
                let production = problem.production_cost(m);
                let d = production * (1.0 - b.message_share[i]);
                consider(if by_spend { d.min(spend(arms)) } else { d }, true, i);
            }
        }
        let (score, message, i) = pick?;
        let (mut paid, mut closed) = (self.clone(), self.clone());
        if message {
            paid.message[i] = Charge::Paid;
            closed.message[i] = Charge::Closed;
        } else {
            paid.placement[i] = Charge::Paid;
            closed.placement[i] = Charge::Closed;
        }
        Some((score, [paid, closed]))
    }
}

/// What point `b` spends on the units of `arms` (unit costs only, yuan).
pub(crate) fn unit_spend(problem: &Problem, b: &Point, arms: impl Iterator<Item = ArmId>) -> f64 {
    arms.map(|a| {
        b.units[a.index()]
            * problem
                .placement(problem.arms()[a.index()].placement)
                .unit_cost
    })
    .sum()
}

/// Distance from an integer below which a relaxed unit count counts as integral (and a unit
/// count as used).
pub(crate) const INTEGRAL: f64 = 1e-6;

/// A certified bound over a restriction's plans, with the relaxation's point.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Point {
    /// No plan of the restriction prevents more loss than this.
    pub(crate) value: f64,
    /// Prevented loss at the relaxation's point.
    pub(crate) relaxed_value: f64,
    /// Fractional units per arm.
    pub(crate) units: Vec<f64>,
    /// Interior-point iterations used.
    pub(crate) iterations: u32,
    /// Share of each placement's setup cost the relaxation pays (1 when paid in full).
    pub(crate) placement_share: Vec<f64>,
    /// Share of each message's production cost the relaxation pays (1 when paid in full).
    pub(crate) message_share: Vec<f64>,
}

/// The outcome of one relaxation solve.
#[derive(Debug, Clone)]
pub(crate) enum Relaxed {
    /// No plan of the restriction is feasible.
    Infeasible,
    /// A valid bound over the restriction's plans.
    Solved(Point),
}

/// The relaxation of a problem, ready to be solved under restrictions.
#[derive(Debug)]
pub(crate) struct Relaxation<'p> {
    problem: &'p Problem,
    /// The interior-point solver's relative tolerance: how tight (not how valid) bounds are.
    accuracy: f64,
    /// Most units of each arm in any feasible plan.
    max_units: Vec<u64>,
    /// Messages per threat whose production the interior-point route's bound also chooses
    /// all or nothing ([`lagrange`]); 0: none.
    exact_messages: usize,
}

/// Default solver tolerance: bounds within about `1e-4` (relative) of the relaxation's optimum,
/// and fast.
const FAST: f64 = 1e-4;

/// A linear row `sum coef * w_var <= rhs` over the relaxation's variables.
#[derive(Debug, Clone, Default)]
struct Row {
    terms: Vec<(usize, f64)>,
    rhs: f64,
    /// A row that rarely binds and is dense over many weeks (a message's aggregated
    /// production row): the Frank-Wolfe linear program adds it only when its solution
    /// violates it (leaving a row out is a valid relaxation: its multiplier is 0).
    lazy: bool,
}

/// The variables of one solve: a restriction's effective arm bounds, the fixed costs it has
/// paid, and how arms and production charges map to variables.
#[derive(Debug)]
struct Layout {
    /// Effective upper bound of each arm.
    hi: Vec<u64>,
    placement_paid: Vec<bool>,
    message_paid: Vec<bool>,
    /// Arms with `hi > 0`, in order; arm `active[j]` is variable `j`.
    active: Vec<usize>,
    var_of_arm: Vec<usize>,
    /// Variable of each message's production share `z_m` (`usize::MAX`: none).
    z_var: Vec<usize>,
    z_msgs: Vec<usize>,
    /// Box of each variable, in original units.
    lower: Vec<f64>,
    upper: Vec<f64>,
    /// Setup cost per unit where a placement's setup is spread over its units.
    spread: Vec<f64>,
    /// Whether an active arm reaches each cell. The exposure coefficients are read arm by
    /// arm from the problem ([`Relaxation::cell_terms`] transposes them where a row needs a
    /// cell's terms): a calendar problem's arm reaches every later week, so the transpose of
    /// every cell costs as much as a Frank-Wolfe linear program.
    reached: Vec<bool>,
}

impl Layout {
    fn n_vars(&self) -> usize {
        self.lower.len()
    }
}

impl<'p> Relaxation<'p> {
    pub(crate) fn new(problem: &'p Problem) -> Self {
        let empty = State::new(problem);
        Relaxation {
            problem,
            accuracy: FAST,
            max_units: (0..problem.arms().len())
                .map(|a| empty.max_units(a))
                .collect(),
            exact_messages: 0,
        }
    }

    /// Also bounds each interior-point solve by the Lagrangian of [`lagrange`] with `n`
    /// messages per threat chosen all or nothing (`O(2^n)` per threat).
    pub(crate) fn with_exact_messages(mut self, n: usize) -> Self {
        self.exact_messages = n;
        self
    }

    /// The problem relaxed.
    pub(crate) fn problem(&self) -> &'p Problem {
        self.problem
    }

    /// Solves to relative tolerance `accuracy` from now on.
    pub(crate) fn with_accuracy(mut self, accuracy: f64) -> Self {
        self.accuracy = accuracy;
        self
    }

    /// Every plan: no bounds beyond `max_units`, every fixed cost free.
    pub(crate) fn root(&self) -> Restriction {
        Restriction {
            lo: vec![0; self.problem.arms().len()],
            hi: self.max_units.clone(),
            placement: vec![Charge::Free; self.problem.placements().len()],
            message: vec![Charge::Free; self.problem.messages().len()],
        }
    }

    /// Solves the relaxation over the plans of `r` and certifies its bound.
    pub(crate) fn solve(&self, r: &Restriction) -> Relaxed {
        self.solve_from(r, None)
    }

    /// As [`Relaxation::solve`]; with `start` (units per arm, e.g. a plan's), the point and
    /// multipliers of the certificate come from Frank-Wolfe steps from `start` instead of the
    /// interior-point solve (falling back to it if a step fails).
    pub(crate) fn solve_from(&self, r: &Restriction, start: Option<&[f64]>) -> Relaxed {
        let Some(layout) = self.layout(r) else {
            return Relaxed::Infeasible;
        };
        let Some(rows) = self.rows(&layout) else {
            return Relaxed::Infeasible;
        };
        // Cells worth something and reachable.
        let live: Vec<usize> = (0..self.problem.cells().len())
            .filter(|&c| stake(self.problem, c) > 0.0 && layout.reached[c])
            .collect();
        let n_vars = layout.n_vars();
        if let Some(start) = start
            && n_vars > 0
            && let Some(point) = self.frank_wolfe(&layout, &rows, &live, start)
        {
            return Relaxed::Solved(point);
        }
        let (point, multipliers, iterations) = if n_vars == 0 {
            (Vec::new(), vec![0.0; rows.len()], 0)
        } else {
            match self.interior_point(&layout, &rows, &live) {
                Some(conic::Solution::Infeasible) => return Relaxed::Infeasible,
                Some(conic::Solution::Point {
                    point,
                    multipliers,
                    iterations,
                }) => (point, multipliers, iterations),
                None => (layout.lower.clone(), vec![0.0; rows.len()], 0),
            }
        };
        let mut certified = self.certify(&layout, &rows, &live, &point, &multipliers, iterations);
        if self.exact_messages > 0 && n_vars > 0 {
            let w: Vec<f64> = (0..n_vars)
                .map(|j| {
                    let v = point.get(j).copied().unwrap_or(0.0);
                    v.clamp(layout.lower[j], layout.upper[j])
                })
                .collect();
            let exact = self.exact_messages;
            if let Some(v) = self.lagrangian(&layout, &rows, &live, &w, &multipliers, exact) {
                certified.value = certified.value.min(v.max(0.0) * (1.0 + 1e-9));
            }
        }
        Relaxed::Solved(certified)
    }

    /// The variables of restriction `r`; `None` when its arm bounds contradict each other.
    fn layout(&self, r: &Restriction) -> Option<Layout> {
        let p = self.problem;
        let arms = p.arms();
        let mut hi = vec![0u64; arms.len()];
        for (a, arm) in arms.iter().enumerate() {
            let closed = r.placement[arm.placement.index()] == Charge::Closed
                || r.message[arm.message.index()] == Charge::Closed;
            hi[a] = if closed {
                0
            } else {
                r.hi[a].min(self.max_units[a])
            };
            if r.lo[a] > hi[a] {
                return None;
            }
        }
        let mut placement_paid: Vec<bool> =
            r.placement.iter().map(|c| *c == Charge::Paid).collect();
        let mut message_paid: Vec<bool> = r.message.iter().map(|c| *c == Charge::Paid).collect();
        for (a, arm) in arms.iter().enumerate() {
            if r.lo[a] > 0 {
                placement_paid[arm.placement.index()] = true;
                message_paid[arm.message.index()] = true;
            }
        }
        let active: Vec<usize> = (0..arms.len()).filter(|&a| hi[a] > 0).collect();
        let mut var_of_arm = vec![usize::MAX; arms.len()];
        for (j, &a) in active.iter().enumerate() {
            var_of_arm[a] = j;
        }
        // One variable per unpaid message with a production cost and an active arm.
        let mut z_var = vec![usize::MAX; p.messages().len()];
        let mut z_msgs = Vec::new();
        for m in 0..p.messages().len() {
            let id = crate::core::MessageId::new(m);
            if !message_paid[m]
                && p.production_cost(id) > 0.0
                && p.arms_of_message(id).iter().any(|&a| hi[a.index()] > 0)
            {
                z_var[m] = active.len() + z_msgs.len();
                z_msgs.push(m);
            }
        }
        let n_vars = active.len() + z_msgs.len();
        let mut lower = vec![0.0; n_vars];
        let mut upper = vec![1.0; n_vars];
        for (j, &a) in active.iter().enumerate() {
            lower[j] = r.lo[a] as f64;
            upper[j] = hi[a] as f64;
        }
        let spread = self.spread(&hi, &placement_paid);
        let mut reached = vec![false; p.cells().len()];
        for &a in &active {
            for (c, _) in p.absorbed(ArmId::new(a)) {
                reached[c.index()] = true;
            }
        }
        Some(Layout {
            hi,
            placement_paid,
            message_paid,
            active,
            var_of_arm,
            z_var,
            z_msgs,
            lower,
            upper,
            spread,
            reached,
        })
    }

    /// Per cell for which `wanted` holds, `(variable, absorbed exposure per unit)` of the
    /// layout's active arms (empty for the other cells): `O(nnz)`.
    fn cell_terms(&self, l: &Layout, wanted: impl Fn(usize) -> bool) -> Vec<Vec<(usize, f64)>> {
        let mut terms: Vec<Vec<(usize, f64)>> = vec![Vec::new(); self.problem.cells().len()];
        for (j, &a) in l.active.iter().enumerate() {
            for (c, coef) in self.problem.absorbed(ArmId::new(a)) {
                if wanted(c.index()) {
                    terms[c.index()].push((j, coef));
                }
            }
        }
        terms
    }

    /// Per-unit share of each unpaid placement's setup cost: spread over the most units a
    /// feasible plan can buy of it.
    fn spread(&self, hi: &[u64], placement_paid: &[bool]) -> Vec<f64> {
        let p = self.problem;
        let mut spread = vec![0.0; p.placements().len()];
        for (k, share) in spread.iter_mut().enumerate() {
            let id = crate::core::PlacementId::new(k);
            let pl = p.placement(id);
            if placement_paid[k] || pl.setup_cost == 0.0 {
                continue;
            }
            let arms = p.arms_of_placement(id);
            let most_alone = self.most_alone(arms);
            let sum_hi = arms
                .iter()
                .fold(0u64, |s, &a| s.saturating_add(hi[a.index()]));
            let m_k = pl.capacity.min(most_alone).min(sum_hi);
            if m_k > 0 {
                *share = pl.setup_cost / m_k as f64;
            }
        }
        spread
    }
}

impl Relaxation<'_> {
    /// The most units a feasible plan can buy of the placement of `arms`: the most of any
    /// one of them alone (its messages share the placement's unit costs and limits); on a
    /// calendar problem, summed over the weeks (each week has its own per-week limits).
    fn most_alone(&self, arms: &[ArmId]) -> u64 {
        let Some(weeks) = &self.problem.structure().weeks else {
            return arms
                .iter()
                .map(|&a| self.max_units[a.index()])
                .max()
                .unwrap_or(0);
        };
        let mut per_week = vec![0u64; weeks.weeks];
        for &a in arms {
            let w = weeks.arm_week(a).index();
            per_week[w] = per_week[w].max(self.max_units[a.index()]);
        }
        per_week.iter().fold(0u64, |s, &u| s.saturating_add(u))
    }
}

/// `A_c rho_c`: the value of cell `c`'s whole ceiling.
fn stake(p: &Problem, c: usize) -> f64 {
    p.value_at_risk(CellId::new(c)) * p.cells()[c].ceiling
}

/// The root's layout, rows, live cells and interior-point solution (point, multipliers), for
/// tests that check a bound built from them.
#[cfg(test)]
struct Solved {
    layout: Layout,
    rows: Vec<Row>,
    live: Vec<usize>,
    point: Vec<f64>,
    multipliers: Vec<f64>,
}

#[cfg(test)]
impl Relaxation<'_> {
    /// [`Solved`] at the root; panics when the conic solve fails (tests only).
    fn solved_root(&self) -> Solved {
        let layout = self.layout(&self.root()).expect("the root's bounds agree");
        let rows = self.rows(&layout).expect("the root's rows hold");
        let live: Vec<usize> = (0..self.problem.cells().len())
            .filter(|&c| stake(self.problem, c) > 0.0 && layout.reached[c])
            .collect();
        let Some(conic::Solution::Point {
            point, multipliers, ..
        }) = self.interior_point(&layout, &rows, &live)
        else {
            panic!("the conic solve failed");
        };
        Solved {
            layout,
            rows,
            live,
            point,
            multipliers,
        }
    }
}
