//! Key performance indicators of a plan.

use serde::{Deserialize, Serialize};

use crate::core::{ArmId, CellId, PlacementId, SegmentId, ThreatId};
use crate::error::Error;
use crate::plan::{Plan, Usage};
use crate::problem::Problem;
use crate::response;

/// What a plan achieves: prevented loss and cases, resources, reach and risk reduction by
/// segment, group and threat, and where the next unit would pay most.
///
/// Field names and order follow the plan JSON of the design; the lists after `gap` are
/// additions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Outcome {
    /// Yearly loss prevented, `V = sum A_sf r_sf`.
    pub prevented_loss: f64,
    /// Yearly cases prevented, `sum N_s p_sf r_sf`.
    pub prevented_cases: f64,
    /// Money spent (setup, units, production).
    pub spend: f64,
    /// Staff hours used.
    pub staff_hours: f64,
    /// Yearly loss with no campaign, `sum A_sf`.
    pub loss_at_risk: f64,
    /// Yearly cases with no campaign, `sum N_s p_sf`.
    pub cases_at_risk: f64,
    /// A certified upper bound on the prevented loss of any feasible plan, where computed.
    pub upper_bound: Option<f64>,
    /// `1 - prevented_loss / upper_bound`, where a bound was computed.
    pub gap: Option<f64>,
    /// Money per prevented case (`None` when no case is prevented).
    #[serde(default)]
    pub cost_per_prevented_case: Option<f64>,
    /// Share of the population with at least one exposure.
    #[serde(default)]
    pub reach: f64,
    /// Share of the population with at least three exposures.
    #[serde(default)]
    pub effective_reach: f64,
    /// Per segment.
    pub segments: Vec<SegmentOutcome>,
    /// Per group (all regions), weighted by cases at risk.
    #[serde(default)]
    pub groups: Vec<GroupOutcome>,
    /// Per threat.
    #[serde(default)]
    pub threats: Vec<ThreatOutcome>,
    /// Per placement.
    #[serde(default)]
    pub placements: Vec<PlacementOutcome>,
}

impl Outcome {
    /// Fills [`Outcome::upper_bound`] with `bound` (a certified upper bound on the prevented
    /// loss of every feasible plan, e.g. [`Bound::value`](crate::optimize::Bound::value)) and
    /// [`Outcome::gap`] with `1 - prevented_loss / bound` (0 when the bound is 0).
    ///
    /// # Example
    ///
    /// ```
    /// use fanzha::{evaluate, optimize, scenarios, Greedy, Strategy};
    ///
    /// let problem = scenarios::jurong_2023().compile()?;
    /// let plan = Greedy::default().plan(&problem)?;
    /// let bound = optimize::bound(&problem)?;
    /// let outcome = evaluate(&problem, &plan)?.with_bound(bound.value);
    /// assert_eq!(outcome.upper_bound, Some(bound.value));
    /// assert!(outcome.gap.unwrap() >= 0.0);
    /// # Ok::<(), fanzha::Error>(())
    /// ```
    #[must_use]
    pub fn with_bound(mut self, bound: f64) -> Outcome {
        self.upper_bound = Some(bound);
        self.gap = Some(crate::core::gap(self.prevented_loss, bound));
        self
    }
}

/// Reach and risk reduction of one segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SegmentOutcome {
    /// Segment id.
    pub segment: String,
    /// Share with at least one exposure.
    pub reach: f64,
    /// Share with at least three exposures.
    pub effective_reach: f64,
    /// Risk reduction `r_sf` per threat.
    pub reduction: Vec<ThreatValue>,
}

/// Reach and risk reduction of one group over all its regions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GroupOutcome {
    /// Group name.
    pub group: String,
    /// People in the group.
    pub population: f64,
    /// Population-weighted share with at least one exposure.
    pub reach: f64,
    /// Population-weighted share with at least three exposures.
    pub effective_reach: f64,
    /// Share of the group's cases of each threat prevented (the case-weighted mean of
    /// `r_sf`; population-weighted where the group has no cases at risk).
    pub reduction: Vec<ThreatValue>,
}

/// A number attached to a threat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreatValue {
    /// Threat id.
    pub threat: String,
    /// The number.
    pub value: f64,
}

/// Totals for one threat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ThreatOutcome {
    /// Threat id.
    pub threat: String,
    /// Yearly loss prevented.
    pub prevented_loss: f64,
    /// Yearly cases prevented.
    pub prevented_cases: f64,
    /// Yearly loss with no campaign.
    pub loss_at_risk: f64,
    /// Yearly cases with no campaign.
    pub cases_at_risk: f64,
}

/// Use of one placement and the return of one more unit on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PlacementOutcome {
    /// Placement id.
    pub placement: String,
    /// Units bought (all messages).
    pub units: u64,
    /// Its capacity: when `units == capacity` the marginal figures say what more capacity
    /// would be worth, not what more money buys.
    pub capacity: u64,
    /// Money spent on it (setup and units; production is not attributed to placements).
    pub spend: f64,
    /// Staff hours used on it.
    pub staff_hours: f64,
    /// Message whose next unit here prevents the most loss (`None` if no message gains).
    pub marginal_message: Option<String>,
    /// Loss prevented by one more unit of that message here.
    pub marginal_value: f64,
    /// `marginal_value / cost of that unit`: yuan prevented per yuan at the margin. The cost
    /// includes the placement's setup cost and the message's production cost when the plan has
    /// not paid them yet (`None` when that unit is free).
    pub marginal_return: Option<f64>,
}

/// The headline numbers of a plan: what a Monte Carlo draw or a sweep needs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Totals {
    /// Yearly loss prevented, `V = sum A_sf r_sf`.
    pub prevented_loss: f64,
    /// Yearly cases prevented, `sum N_s p_sf r_sf`.
    pub prevented_cases: f64,
    /// Money spent.
    pub spend: f64,
    /// Staff hours used.
    pub staff_hours: f64,
}

/// The headline numbers of [`evaluate`] without reach, groups, placements or ids: the same
/// prevented loss and cases (summed cell by cell), spend and staff hours.
///
/// # Errors
///
/// As [`evaluate`].
///
/// # Complexity
///
/// `O(arms + placements + messages + absorbed entries + S F)`.
///
/// # Example
///
/// ```
/// use fanzha::evaluate::{evaluate, totals};
/// use fanzha::{scenarios, Greedy, Strategy};
///
/// let problem = scenarios::jurong_2023().compile()?;
/// let plan = Greedy::default().plan(&problem)?;
/// let t = totals(&problem, &plan)?;
/// let full = evaluate(&problem, &plan)?;
/// assert!((t.prevented_loss - full.prevented_loss).abs() <= 1e-9 * full.prevented_loss);
/// assert_eq!(t.spend, full.spend);
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn totals(problem: &Problem, plan: &Plan) -> Result<Totals, Error> {
    let usage = plan.usage(problem)?;
    let absorbed = plan.absorbed(problem)?;
    let (mut prevented_loss, mut prevented_cases) = (0.0, 0.0);
    for (c, (cell, &e)) in CellId::range(absorbed.len()).zip(problem.cells().iter().zip(&absorbed))
    {
        let r = response::reduction(cell.ceiling, cell.scale, e);
        let cases = problem.cases_at(c);
        prevented_cases += cases * r;
        prevented_loss += cases * cell.loss * r;
    }
    Ok(Totals {
        prevented_loss,
        prevented_cases,
        spend: usage.money(),
        staff_hours: usage.staff_hours(),
    })
}

/// Evaluates a plan: every KPI of [`Outcome`]. Does not check feasibility (see
/// [`Plan::check`]); `upper_bound` and `gap` are left `None`.
///
/// # Errors
///
/// [`Error::Mismatch`] if the plan was made for another problem.
///
/// # Complexity
///
/// `O(arms + nnz + S F)` for `nnz` the arms' absorbed entries plus their placements'
/// audiences, `S` segments and `F` threats: linear in the size of the problem. For the
/// headline numbers alone (e.g. per Monte Carlo draw) [`totals`] skips reach, groups and
/// the best next unit.
///
/// # Example
///
/// ```
/// use fanzha::{evaluate, Plan, scenarios};
///
/// let problem = scenarios::jurong_2023().compile()?;
/// let outcome = evaluate(&problem, &Plan::empty(&problem))?;
/// assert_eq!(outcome.prevented_loss, 0.0);
/// assert!(outcome.loss_at_risk > 1e8);
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn evaluate(problem: &Problem, plan: &Plan) -> Result<Outcome, Error> {
    let usage = plan.usage(problem)?;
    let absorbed = plan.absorbed(problem)?;
    let reduction: Vec<f64> = problem
        .cells()
        .iter()
        .zip(&absorbed)
        .map(|(c, &e)| response::reduction(c.ceiling, c.scale, e))
        .collect();
    let threats = threat_outcomes(problem, &reduction);
    let prevented_loss = threats.iter().map(|t| t.prevented_loss).sum();
    let prevented_cases: f64 = threats.iter().map(|t| t.prevented_cases).sum();
    let segments = segment_outcomes(problem, plan, &reduction);
    let population = &problem.parameters().population;
    let total_pop: f64 = population.iter().sum();
    let weighted = |values: &dyn Fn(&SegmentOutcome) -> f64| -> f64 {
        if total_pop > 0.0 {
            segments
                .iter()
                .zip(population)
                .map(|(seg, n)| n * values(seg))
                .sum::<f64>()
                / total_pop
        } else {
            0.0
        }
    };
    let reach = weighted(&|s| s.reach);
    let effective_reach = weighted(&|s| s.effective_reach);
    let groups = group_outcomes(problem, &segments, &reduction);
    let placements = placement_outcomes(problem, plan, &usage, &absorbed);
    let (money, hours) = (usage.money(), usage.staff_hours());
    Ok(Outcome {
        prevented_loss,
        prevented_cases,
        spend: money,
        staff_hours: hours,
        loss_at_risk: problem.loss_at_risk(),
        cases_at_risk: problem.cases_at_risk(),
        upper_bound: None,
        gap: None,
        cost_per_prevented_case: (prevented_cases > 0.0).then(|| money / prevented_cases),
        reach,
        effective_reach,
        segments,
        groups,
        threats,
        placements,
    })
}

/// Prevented and at-risk loss and cases per threat.
fn threat_outcomes(problem: &Problem, reduction: &[f64]) -> Vec<ThreatOutcome> {
    let st = problem.structure();
    let mut threats: Vec<ThreatOutcome> = st
        .threats
        .iter()
        .map(|t| ThreatOutcome {
            threat: t.id.clone(),
            prevented_loss: 0.0,
            prevented_cases: 0.0,
            loss_at_risk: 0.0,
            cases_at_risk: 0.0,
        })
        .collect();
    for (c, &r) in CellId::range(reduction.len()).zip(reduction) {
        let (_, f) = st.segment_and_threat(c);
        let t = &mut threats[f.index()];
        let (value, cases) = (problem.value_at_risk(c), problem.cases_at(c));
        t.prevented_loss += value * r;
        t.prevented_cases += cases * r;
        t.loss_at_risk += value;
        t.cases_at_risk += cases;
    }
    threats
}

/// Reach (raw exposures per person, Poisson) and risk reduction per segment.
fn segment_outcomes(problem: &Problem, plan: &Plan, reduction: &[f64]) -> Vec<SegmentOutcome> {
    let st = problem.structure();
    let n_f = st.threats.len();
    let mut lambda = vec![0.0; st.segments.len()];
    for (arm, &units) in st.arms.iter().zip(plan.units()) {
        if units > 0 {
            for (s, g) in problem.audience(arm.placement) {
                lambda[s.index()] += units as f64 * g;
            }
        }
    }
    st.segments
        .iter()
        .enumerate()
        .map(|(s, seg)| SegmentOutcome {
            segment: seg.id.clone(),
            reach: response::reach(lambda[s]),
            effective_reach: response::effective_reach(lambda[s]),
            reduction: st
                .threats
                .iter()
                .zip(&reduction[s * n_f..(s + 1) * n_f])
                .map(|(t, &value)| ThreatValue {
                    threat: t.id.clone(),
                    value,
                })
                .collect(),
        })
        .collect()
}

/// Reach and case-weighted risk reduction per group over its regions.
fn group_outcomes(
    problem: &Problem,
    segments: &[SegmentOutcome],
    reduction: &[f64],
) -> Vec<GroupOutcome> {
    let st = problem.structure();
    let n_f = st.threats.len();
    let population = &problem.parameters().population;
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); st.groups.len()];
    for (s, seg) in st.segments.iter().enumerate() {
        members[seg.group.index()].push(s);
    }
    st.groups
        .iter()
        .zip(&members)
        .map(|(name, members)| {
            let pop: f64 = members.iter().map(|&s| population[s]).sum();
            let pop_mean = |v: &dyn Fn(usize) -> f64| -> f64 {
                if pop > 0.0 {
                    members.iter().map(|&s| population[s] * v(s)).sum::<f64>() / pop
                } else {
                    0.0
                }
            };
            let reduction = st
                .threats
                .iter()
                .enumerate()
                .map(|(f, t)| {
                    let cell = |s: usize| CellId::of(SegmentId::new(s), ThreatId::new(f), n_f);
                    let cases: f64 = members.iter().map(|&s| problem.cases_at(cell(s))).sum();
                    let value = if cases > 0.0 {
                        members
                            .iter()
                            .map(|&s| problem.cases_at(cell(s)) * reduction[cell(s).index()])
                            .sum::<f64>()
                            / cases
                    } else {
                        pop_mean(&|s| reduction[cell(s).index()])
                    };
                    ThreatValue {
                        threat: t.id.clone(),
                        value,
                    }
                })
                .collect();
            GroupOutcome {
                group: name.clone(),
                population: pop,
                reach: pop_mean(&|s| segments[s].reach),
                effective_reach: pop_mean(&|s| segments[s].effective_reach),
                reduction,
            }
        })
        .collect()
}

/// Units, spend and the best next unit of each placement.
fn placement_outcomes(
    problem: &Problem,
    plan: &Plan,
    usage: &Usage,
    absorbed: &[f64],
) -> Vec<PlacementOutcome> {
    let st = problem.structure();
    let mut message_used = vec![false; st.messages.len()];
    for (arm, &u) in st.arms.iter().zip(plan.units()) {
        if u > 0 {
            message_used[arm.message.index()] = true;
        }
    }
    st.placements
        .iter()
        .enumerate()
        .map(|(k, info)| {
            let k = PlacementId::new(k);
            let p = problem.placement(k);
            let units = usage.placement_units[k.index()];
            let best = best_next_unit(problem, k, absorbed);
            let marginal_value = best.map_or(0.0, |(_, g)| g);
            let unit_cost = match best {
                Some((a, _)) => {
                    let m = problem.arms()[a.index()].message;
                    p.unit_cost
                        + if units == 0 { p.setup_cost } else { 0.0 }
                        + if message_used[m.index()] {
                            0.0
                        } else {
                            problem.production_cost(m)
                        }
                }
                None => p.unit_cost,
            };
            PlacementOutcome {
                placement: info.id.clone(),
                units,
                capacity: p.capacity,
                spend: if units > 0 {
                    p.setup_cost + p.unit_cost * units as f64
                } else {
                    0.0
                },
                staff_hours: p.staff_hours * units as f64,
                marginal_message: best
                    .map(|(a, _)| st.messages[st.arms[a.index()].message.index()].id.clone()),
                marginal_value,
                marginal_return: (unit_cost > 0.0).then(|| marginal_value / unit_cost),
            }
        })
        .collect()
}

/// The arm of placement `k` whose next unit prevents most loss, and that loss.
fn best_next_unit(problem: &Problem, k: PlacementId, absorbed: &[f64]) -> Option<(ArmId, f64)> {
    let mut best: Option<(ArmId, f64)> = None;
    for &a in problem.arms_of_placement(k) {
        let gain: f64 = problem
            .absorbed(a)
            .map(|(c, coef)| {
                let cell = &problem.cells()[c.index()];
                problem.value_at_risk(c)
                    * response::increment(cell.ceiling, cell.scale, absorbed[c.index()], coef)
            })
            .sum();
        if gain > 0.0 && best.is_none_or(|(_, g)| gain > g) {
            best = Some((a, gain));
        }
    }
    best
}
