//! Branch and bound on the relaxation: proven-optimal plans for small problems.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::Strategy;
use super::bound::{Charge, Relaxation, Relaxed, Restriction};
use super::greedy::Greedy;
use super::state::State;
use crate::error::Error;
use crate::evaluate::evaluate;
use crate::plan::Plan;
use crate::problem::Problem;

/// Branch and bound that proves a plan optimal, for small problems.
///
/// Each node is a set of plans: bounds `lo_a <= x_a <= hi_a` on every arm, and placements and
/// messages whose fixed cost is forced paid or closed. Its upper bound is the certified bound
/// of the [relaxation](mod@super::bound) restricted to the node, so pruning never discards a better
/// plan. Nodes are explored best bound first; a node whose relaxed point has a fractional arm
/// splits it (`x_a <= floor` / `x_a >= ceil`); one whose point is integral but pays a fixed
/// cost only in part splits that placement or message (paid / closed); one whose point is
/// integral with every fixed cost in full *is* a plan, so the node is solved. Every node also
/// tries its rounded-down point, filled up by the greedy, as a new best plan; the search starts
/// from the [`Greedy`] plan.
///
/// # Guarantee
///
/// When [`ExactSolution::proven`] is true the plan is within `tolerance` (relative) of the
/// optimum: no feasible plan prevents more than `value / (1 - tolerance)`. The search stops
/// at `node_limit` nodes otherwise and reports the gap it proved.
///
/// # Complexity
///
/// Exponential in the worst case (the problem is NP-hard with fixed costs); each node is one
/// interior-point solve. Problems with more than `max_arms` arms are refused.
///
/// # Example
///
/// ```
/// use fanzha::generate::{self, Config};
/// use fanzha::{evaluate, optimize::Exact, Greedy, Strategy};
///
/// let mut config = Config::small();
/// config.capacity = 2..6;
/// let problem = generate::scenario(&config, 3).compile()?;
/// let exact = Exact::default().solve(&problem)?;
/// assert!(exact.proven);
/// let greedy = evaluate(&problem, &Greedy::default().plan(&problem)?)?;
/// assert!(exact.value >= greedy.prevented_loss * (1.0 - 1e-9));
/// assert!(exact.bound >= exact.value);
/// # Ok::<(), fanzha::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Exact {
    /// Relative optimality tolerance in `[0, 1)`: a node is pruned when its bound is within
    /// this share of the best plan. Default `1e-6`.
    pub tolerance: f64,
    /// Most arms accepted; larger problems get [`Error::TooLarge`]. Default 40.
    pub max_arms: usize,
    /// Most nodes solved before the search stops unproven. Default 20,000.
    pub node_limit: usize,
}

impl Default for Exact {
    fn default() -> Self {
        Exact {
            tolerance: 1e-6,
            max_arms: 40,
            node_limit: 20_000,
        }
    }
}

/// What [`Exact::solve`] found and proved.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ExactSolution {
    /// The best plan found (feasible).
    pub plan: Plan,
    /// Its prevented loss.
    pub value: f64,
    /// No feasible plan prevents more: the largest bound of the nodes left unexplored (or
    /// `value` when none is left).
    pub bound: f64,
    /// `1 - value / bound` (0 when the bound is 0).
    pub gap: f64,
    /// Nodes solved.
    pub nodes: usize,
    /// Whether `gap <= tolerance`.
    pub proven: bool,
}

/// A node waiting to be solved, ordered by its parent's bound (best first), then by age.
#[derive(Debug)]
struct Node {
    bound: f64,
    id: usize,
    restriction: Restriction,
}

impl PartialEq for Node {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Node {}
impl PartialOrd for Node {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Node {
    fn cmp(&self, other: &Self) -> Ordering {
        self.bound
            .total_cmp(&other.bound)
            .then_with(|| other.id.cmp(&self.id))
    }
}

/// Distance from an integer below which a relaxed unit count counts as integral.
const INTEGRAL: f64 = 1e-6;

/// The best feasible plan found so far.
struct Incumbent {
    plan: Plan,
    value: f64,
}

impl Incumbent {
    fn offer(&mut self, problem: &Problem, plan: Plan) {
        if plan.check(problem).is_err() {
            return;
        }
        let Ok(outcome) = evaluate(problem, &plan) else {
            return;
        };
        if outcome.prevented_loss > self.value {
            self.value = outcome.prevented_loss;
            self.plan = plan;
        }
    }
}

impl Exact {
    /// Runs the branch and bound.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] for a tolerance outside `[0, 1)`; [`Error::TooLarge`] for
    /// more than `max_arms` arms; [`Error::FloorsUnaffordable`] when no plan meets the floors.
    pub fn solve(&self, problem: &Problem) -> Result<ExactSolution, Error> {
        if !(0.0..1.0).contains(&self.tolerance) {
            return Err(Error::InvalidParameter {
                parameter: "tolerance",
                problem: format!("must be in [0, 1), got {}", self.tolerance),
            });
        }
        if problem.arms.len() > self.max_arms {
            return Err(Error::TooLarge {
                method: "exact",
                problem: format!(
                    "{} arms, more than max_arms = {}; use greedy+ls and the bound's gap instead",
                    problem.arms.len(),
                    self.max_arms
                ),
            });
        }
        let relaxation = Relaxation::new(problem).with_accuracy(1e-9);
        let mut incumbent = Incumbent {
            plan: Plan::empty(problem),
            value: f64::NEG_INFINITY,
        };
        incumbent.offer(problem, Plan::empty(problem));
        if let Ok(plan) = Greedy::default().plan(problem) {
            incumbent.offer(problem, plan);
        }
        let greedy = Greedy::default();
        let prune = |bound: f64, best: f64| {
            bound.is_finite() && bound <= best + self.tolerance * bound.abs()
        };

        let mut heap = BinaryHeap::new();
        heap.push(Node {
            bound: f64::INFINITY,
            id: 0,
            restriction: relaxation.root(),
        });
        let mut next_id = 1;
        let mut nodes = 0;
        let mut root_feasible = None;
        // Bounds of nodes dropped without being resolved (numerical trouble).
        let mut unresolved = f64::NEG_INFINITY;
        while let Some(node) = heap.pop() {
            if prune(node.bound, incumbent.value) {
                continue;
            }
            if nodes >= self.node_limit {
                heap.push(node);
                break;
            }
            nodes += 1;
            let solved = relaxation.solve(&node.restriction);
            let Relaxed::Solved(b) = solved else {
                root_feasible.get_or_insert(false);
                continue;
            };
            root_feasible.get_or_insert(true);
            let bound = b.value.min(node.bound);
            if prune(bound, incumbent.value) {
                continue;
            }
            let r = &node.restriction;
            // Round down into the node's box and fill up greedily: a candidate plan.
            let rounded: Vec<u64> = b
                .units
                .iter()
                .enumerate()
                .map(|(a, &x)| {
                    let down = (x + INTEGRAL).floor().max(0.0);
                    (down.min(u64::MAX as f64) as u64).clamp(r.lo[a], r.hi[a].max(r.lo[a]))
                })
                .collect();
            if let Ok(plan) = Plan::from_units(problem, rounded.clone())
                && plan.check(problem).is_ok()
            {
                let mut state = State::new(problem);
                for (a, &u) in rounded.iter().enumerate() {
                    state.add(a, u);
                }
                greedy.maximise(&mut state);
                incumbent.offer(problem, plan);
                incumbent.offer(problem, state.to_plan());
            }
            if prune(bound, incumbent.value) {
                continue;
            }
            match branch(problem, r, &b.units) {
                Some(children) => {
                    for restriction in children {
                        heap.push(Node {
                            bound,
                            id: next_id,
                            restriction,
                        });
                        next_id += 1;
                    }
                }
                None => {
                    // An integral point paying every fixed cost in full is a plan; if its
                    // rounding was not accepted, the node stays unresolved.
                    unresolved = unresolved.max(bound);
                }
            }
        }
        if root_feasible == Some(false) && incumbent.value == f64::NEG_INFINITY {
            return Err(Error::FloorsUnaffordable);
        }
        let open = heap
            .iter()
            .map(|n| n.bound)
            .fold(f64::NEG_INFINITY, f64::max);
        let value = incumbent.value.max(0.0);
        let left = open.max(unresolved);
        let bound = if left > value { left } else { value };
        let gap = if bound > 0.0 {
            1.0 - value / bound
        } else {
            0.0
        };
        let proven = left == f64::NEG_INFINITY || prune(left, incumbent.value);
        if incumbent.value == f64::NEG_INFINITY {
            return Err(Error::TooLarge {
                method: "exact",
                problem: format!(
                    "no plan meeting the floors found within node_limit = {}",
                    self.node_limit
                ),
            });
        }
        Ok(ExactSolution {
            plan: incumbent.plan,
            value,
            bound,
            gap,
            nodes,
            proven,
        })
    }
}

/// The children of a node whose relaxed point is `units`, or `None` when the point is an
/// integral plan paying every fixed cost it uses in full.
fn branch(problem: &Problem, r: &Restriction, units: &[f64]) -> Option<Vec<Restriction>> {
    // 1. The most fractional arm.
    let mut pick: Option<(usize, f64)> = None;
    for (a, &x) in units.iter().enumerate() {
        let frac = x - x.floor();
        let dist = frac.min(1.0 - frac);
        if dist > INTEGRAL && pick.is_none_or(|(_, d)| dist > d) {
            pick = Some((a, dist));
        }
    }
    if let Some((a, _)) = pick {
        let x = units[a];
        let mut down = r.clone();
        down.hi[a] = x.floor() as u64;
        let mut up = r.clone();
        up.lo[a] = x.ceil() as u64;
        return Some(vec![up, down]);
    }
    // 2. A used placement or message whose fixed cost is still spread.
    let used = |a: usize| units[a] > 0.5;
    for (k, pl) in problem.placements.iter().enumerate() {
        if r.placement[k] == Charge::Free
            && pl.setup_cost > 0.0
            && problem.arms_of_placement[k].iter().any(|&a| used(a))
            && problem.arms_of_placement[k].iter().all(|&a| r.lo[a] == 0)
        {
            let mut paid = r.clone();
            paid.placement[k] = Charge::Paid;
            let mut closed = r.clone();
            closed.placement[k] = Charge::Closed;
            return Some(vec![paid, closed]);
        }
    }
    for (m, msg) in problem.messages.iter().enumerate() {
        if r.message[m] == Charge::Free
            && msg.production_cost > 0.0
            && problem.arms_of_message[m].iter().any(|&a| used(a))
            && problem.arms_of_message[m].iter().all(|&a| r.lo[a] == 0)
        {
            let mut paid = r.clone();
            paid.message[m] = Charge::Paid;
            let mut closed = r.clone();
            closed.message[m] = Charge::Closed;
            return Some(vec![paid, closed]);
        }
    }
    None
}

impl Strategy for Exact {
    fn name(&self) -> &str {
        "exact"
    }

    /// The proven-optimal plan.
    ///
    /// # Errors
    ///
    /// As [`Exact::solve`], and [`Error::NotProven`] when the node limit stops the search
    /// before optimality is proven (it gives the proven gap; [`Exact::solve`] returns the best
    /// plan found anyway).
    fn plan(&self, problem: &Problem) -> Result<Plan, Error> {
        let solution = self.solve(problem)?;
        if solution.proven {
            Ok(solution.plan)
        } else {
            Err(Error::NotProven {
                method: "exact",
                nodes: solution.nodes,
                gap: solution.gap,
            })
        }
    }
}
