//! Seeded local search: improves any feasible plan by moving units between arms and closing
//! placements and messages whose fixed cost does not pay, never leaving feasibility.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::greedy::Greedy;
use super::state::State;
use super::{Improve, Strategy};
use crate::core::Resources;
use crate::error::Error;
use crate::plan::Plan;
use crate::problem::Problem;

mod moves;
#[cfg(test)]
mod studies;
mod transfer;

/// Seeded improvement of a feasible plan: moves units between arms, closes placements and
/// messages whose fixed cost does not pay, opens new ones, never leaving feasibility.
///
/// [`improve`](LocalSearch::improve) starts from any feasible plan (a greedy plan, a
/// baseline, a planner's hand-made plan) and repeats rounds of moves, accepting a move only
/// if it raises the prevented loss by more than a relative `1e-12` and keeps every
/// constraint (money, staff hours, capacities, department limits, floors):
///
/// 1. **Close** each open placement and each used message in turn: remove its units (which
///    refunds its setup or production cost), meet the floors again if that broke one, and
///    refill with the greedy's maximisation while the item stays closed.
/// 2. **Ruin and recreate**: remove a share (10%, 30%, 60%) of the units of every arm,
///    keeping one unit so no fixed cost is refunded, and refill with the greedy, ranking
///    steps both by the binding resources and by every limited resource.
/// 3. **Open** the most promising unused messages and placements (best marginal return per
///    unit of normalised cost, at most 12 per round): shrink every arm by 5%, 15% or 40%
///    (only 40% on a calendar problem, where the smaller shrinks opened nothing), put
///    one unit on the item's best arm (paying its fixed cost) and refill with the greedy.
///    If that does not pay for one of the best 4, make room instead: put the greedy's
///    opening step on the item's best arm (the units that maximise gain per normalised cost,
///    fixed costs included; that arm may open a placement and a message at once), whatever
///    the money and hours, take units off the arms that lose least per share of the excess
///    until every limit holds, grow the arms whose fixed costs that paid for (batch by batch,
///    best return first, each made room for and kept only if it pays, at most 32 batches),
///    refill with the greedy, and keep the result if it gains more than 0.02% (smaller gains
///    steered the search into worse local optima on generated instances). A uniform shrink
///    can lose more than a large fixed cost gains: on Jurong's 52-week calendar the pair
///    douyin.young_gig + brushing.comic is worth 1.1% made room for and grown, and -0.4%
///    after the 40% shrink, the only one that affords its fixed costs.
/// 4. **Transfer** units from each used arm, in an order drawn from the seed, trying all
///    its units and then halves down to one unit: remove them (closing the arm, and
///    refunding fixed costs, when all go) and spend what they free on up to four receivers,
///    best return per normalised cost first. Receivers are the `candidates` arms with the
///    best marginal return per unit of normalised cost, plus every arm on the donor's
///    placement (swapping the message) and every arm carrying the donor's message.
///
/// Moves 1-3 each cost a greedy run and are repeated only while they pay or the transfers
/// have raised the value by 0.1% since they last ran. The search stops when a round finds
/// no improving move (a local optimum for these moves), when a round gains less than
/// `tolerance` of the value, or after `max_rounds` rounds.
///
/// Measured on 20 generated city-county instances (seeds 1-20), local search adds 0.2-7.8%
/// (median 2.8%) to the greedy's prevented loss and 1.5% on Jurong 2023; the ruin-and-recreate
/// and open moves matter most where several resources bind and production costs are large.
///
/// # Guarantees
///
/// - The result is feasible ([`Plan::check`] passes) and its value is at least the input's:
///   every move is checked before it is kept, and the final plan is re-checked from scratch
///   (if that check ever failed the input would be returned unchanged).
/// - Deterministic: the move order comes from [`ChaCha8Rng`] seeded with `seed`, and nothing
///   else is random, so the same problem, plan and settings give the same plan on every
///   machine. No clock is read; no thread is spawned.
///
/// # Complexity
///
/// A round costs `O((P + M + 6 + 40) * G + 4 * 33 * H + D * log(u) * (R + K) * nnz)`: one
/// greedy maximisation `G` (see [`Greedy`]) per closed placement or message (`P + M` of them),
/// per ruin-and-recreate (6) and per opening (at most 40); up to 33 repairs `H` per opening
/// made room for, each `O(A * nnz + removals * (log A + nnz))` over the `A` arms; then for
/// each of the `D` used arms `log2` of its units transfer trials, each pricing `R + K`
/// receivers (`K = candidates`, `R` the arms sharing the donor's placement or message) at
/// `O(nnz)` for the arm's audience cells. Criterion medians of `greedy+ls` (greedy included),
/// release build, measured before openings made room: 17.6 ms on Jurong, 26.9 ms on
/// city-county seed 1 (160 arms), 1.79 s on province seed 1 (2,400 arms). On Jurong's
/// calendar (`plan --weeks N`, wall time, 2 busy cores) making room took 12 weeks from 0.83 s
/// to 1.24 s and 52 weeks from 6.5 s to 6.2 s, and the plans from 263,780 to 264,880 and from
/// 795,670 to 804,829.
///
/// # Example
///
/// ```
/// use fanzha::{evaluate, scenarios, Greedy, Improve, LocalSearch, Strategy};
///
/// let problem = scenarios::jurong_2023().compile()?;
/// let greedy = Greedy::default().plan(&problem)?;
/// let better = LocalSearch::default().improve(&problem, &greedy)?;
/// better.check(&problem)?; // still feasible
/// let (before, after) = (
///     evaluate(&problem, &greedy)?.prevented_loss,
///     evaluate(&problem, &better)?.prevented_loss,
/// );
/// assert!(after >= before);
/// // Same seed, same plan.
/// assert_eq!(LocalSearch::default().improve(&problem, &greedy)?, better);
/// # Ok::<(), fanzha::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct LocalSearch {
    /// Seed of the move order. Same seed, same plan, on every machine. Default 0.
    pub seed: u64,
    /// Most rounds; the search stops earlier at a local optimum. Default 50.
    pub max_rounds: usize,
    /// Stop once a round improves the value by less than this share of it (`0.0`: run to a
    /// local optimum or `max_rounds`). Finite and `>= 0`. Default `1e-5`.
    pub tolerance: f64,
    /// Receivers ranked by marginal return per unit of normalised cost that a transfer may
    /// spend freed resources on (besides the arms sharing the donor's placement or message).
    /// Default 16.
    pub candidates: usize,
}

impl Default for LocalSearch {
    fn default() -> Self {
        LocalSearch {
            seed: 0,
            max_rounds: 50,
            tolerance: 1e-5,
            candidates: 16,
        }
    }
}

/// Least relative improvement a move must bring to be accepted.
const MIN_GAIN: f64 = 1e-12;

/// Share of a limit whose use makes a resource count as binding (as in the greedy).
const BINDING_SHARE: f64 = 0.98;

/// Relative improvement by transfers after which the whole-plan moves are tried again.
const BIG_MOVE_RETRY: f64 = 1e-3;

/// Unused items tried per open pass.
const OPEN_CANDIDATES: usize = 12;

/// The best-ranked unused items of an open pass that are also opened by making room and
/// growing when shrinking everything does not pay (the rest only by shrinking).
const OPEN_GROW_CANDIDATES: usize = 4;

/// Accepted transfers between two rankings of the receivers.
const RERANK: usize = 8;

/// Most accepted transfers from one donor in one round.
const MOVES_PER_DONOR: usize = 64;

/// Most receivers filled after one removal.
const FILL_STEPS: usize = 4;

impl Improve for LocalSearch {
    fn name(&self) -> &str {
        "ls"
    }

    /// A feasible plan at least as good as `plan`; see the type's documentation.
    ///
    /// A plan whose units on one placement add up to more than `u64::MAX` (possible only
    /// with capacities near `u64::MAX`) is returned unchanged.
    ///
    /// # Errors
    ///
    /// [`Error::Mismatch`] if `plan` was made for another problem, [`Error::Infeasible`]
    /// (listing the violations) if it breaks a constraint of `problem`,
    /// [`Error::InvalidParameter`] if `tolerance` is negative or not finite.
    fn improve(&self, problem: &Problem, plan: &Plan) -> Result<Plan, Error> {
        self.improve_from(problem, plan, None)
    }
}

impl LocalSearch {
    /// [`Improve::improve`], building the search's state from `empty` (the empty plan's
    /// state of `problem`, sharing its per-arm tables) when given.
    fn improve_from(
        &self,
        problem: &Problem,
        plan: &Plan,
        empty: Option<&State<'_>>,
    ) -> Result<Plan, Error> {
        if !(self.tolerance.is_finite() && self.tolerance >= 0.0) {
            return Err(Error::InvalidParameter {
                parameter: "tolerance",
                problem: format!("must be finite and >= 0, got {}", self.tolerance),
            });
        }
        plan.check(problem)?;
        let start = plan.units();
        // Units per placement must fit u64 for the incremental accounting; `check` sums them
        // saturating, so a plan at a capacity of u64::MAX could overflow. Leave it as it is.
        if !super::state::placement_sums_fit(problem, start) {
            return Ok(plan.clone());
        }
        let before = problem.value_of_exposure(&plan.absorbed(problem)?)?;
        let state = match empty {
            Some(e) if std::ptr::eq(e.problem, problem) => e.emptied().refilled(start),
            _ => State::with_units(problem, start),
        };
        let mut search = Search::new(state, self);
        search.run(self.max_rounds, self.tolerance);
        let improved = search.state.to_plan();
        // Belt and braces: the moves keep every limit by construction; re-check from scratch.
        if improved.check(problem).is_ok()
            && problem.value_of_exposure(&improved.absorbed(problem)?)? >= before
        {
            Ok(improved)
        } else {
            Ok(plan.clone())
        }
    }
}

/// What a trial changed, to undo it exactly.
#[derive(Debug, Default)]
struct Journal {
    /// Resource use before the trial.
    used: Resources<f64>,
    /// `(cell, absorbed, remaining)` before each operation, in order.
    cells: Vec<(usize, f64, f64)>,
    /// `(arm, units, added)` in order.
    ops: Vec<(usize, u64, bool)>,
    /// Value change so far.
    delta: f64,
}

struct Search<'p> {
    state: State<'p>,
    value: f64,
    rng: ChaCha8Rng,
    journal: Journal,
    /// Floors each arm contributes to.
    floors_of_arm: Vec<Vec<usize>>,
    /// Receivers to try, best first.
    receivers: Vec<usize>,
    candidates: usize,
    refill: Greedy,
}

impl<'p> Search<'p> {
    /// The search from `state` (the start plan's).
    fn new(mut state: State<'p>, settings: &LocalSearch) -> Self {
        let problem = state.problem;
        // The open move prices the first unit of every arm of every unused item each round.
        state.tabulate_first_units();
        let mask = state.binding(BINDING_SHARE);
        state.set_mask(&mask);
        let mut floors_of_arm = vec![Vec::new(); problem.arms().len()];
        for (j, fl) in problem.floors().iter().enumerate() {
            for (a, arm) in problem.arms().iter().enumerate() {
                if arm.cells.contains(&fl.cell) {
                    floors_of_arm[a].push(j);
                }
            }
        }
        let value = state.value();
        Search {
            state,
            value,
            rng: ChaCha8Rng::seed_from_u64(settings.seed),
            journal: Journal::default(),
            floors_of_arm,
            receivers: Vec::new(),
            candidates: settings.candidates,
            refill: Greedy::default(),
        }
    }

    fn run(&mut self, max_rounds: usize, tolerance: f64) {
        // Use any slack first.
        let mut filled = self.state.clone();
        self.refill.maximise(&mut filled);
        self.consider(filled);
        // The whole-plan moves (close, ruin and recreate, open) cost a greedy run each: rerun
        // them only while they pay or the cheap transfers have moved the plan enough since.
        let mut big_due = true;
        let mut after_big = self.value;
        for _ in 0..max_rounds {
            let round_start = self.value;
            let mut improved = false;
            if big_due {
                let v0 = self.value;
                self.close_pass();
                self.lns_pass();
                self.open_pass();
                improved = self.better_than(v0);
                after_big = self.value;
            }
            improved |= self.transfer_pass();
            big_due = improved && self.value > after_big * (1.0 + BIG_MOVE_RETRY);
            if !improved || self.value <= round_start * (1.0 + tolerance) {
                break;
            }
        }
    }

    fn better_than(&self, old: f64) -> bool {
        self.value - old > MIN_GAIN * old.abs()
    }

    fn better(&self, value: f64) -> bool {
        value - self.value > MIN_GAIN * self.value.abs()
    }

    /// Takes `candidate` if it is strictly better.
    fn consider(&mut self, candidate: State<'p>) -> bool {
        let v = candidate.value();
        if self.better(v) {
            self.state = candidate;
            self.value = v;
            true
        } else {
            false
        }
    }
}

/// [`Greedy`] followed by [`LocalSearch`]: the strategy `greedy+ls`.
///
/// The greedy's plan (floors first, then cost-benefit steps, with the best-single-arm
/// safeguard) is improved by local search. The plan is feasible, never worse than the
/// greedy's, and the same for the same settings on every machine.
///
/// # Errors
///
/// As [`Greedy`]: [`Error::FloorShortfall`] when the greedy cannot meet the floors,
/// [`Error::InvalidParameter`] for a bad setting of either part.
///
/// # Complexity
///
/// The greedy's plus the local search's (see both).
///
/// # Example
///
/// ```
/// use fanzha::{evaluate, scenarios, Greedy, GreedyLocalSearch, LocalSearch, Strategy};
///
/// let problem = scenarios::jurong_2023().compile()?;
/// let strategy = GreedyLocalSearch {
///     local_search: LocalSearch { seed: 7, ..LocalSearch::default() },
///     ..GreedyLocalSearch::default()
/// };
/// assert_eq!(strategy.name(), "greedy+ls");
/// let plan = strategy.plan(&problem)?;
/// plan.check(&problem)?;
/// let greedy = Greedy::default().plan(&problem)?;
/// assert!(evaluate(&problem, &plan)?.prevented_loss >= evaluate(&problem, &greedy)?.prevented_loss);
/// # Ok::<(), fanzha::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GreedyLocalSearch {
    /// The greedy's settings.
    pub greedy: Greedy,
    /// The local search's settings.
    pub local_search: LocalSearch,
}

impl Strategy for GreedyLocalSearch {
    fn name(&self) -> &str {
        "greedy+ls"
    }

    fn plan(&self, problem: &Problem) -> Result<Plan, Error> {
        // One empty state for both: its per-arm tables are built once.
        let empty = State::new(problem);
        let plan = self.greedy.plan_from(&empty)?;
        self.local_search.improve_from(problem, &plan, Some(&empty))
    }
}
