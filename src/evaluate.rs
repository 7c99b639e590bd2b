//! Key performance indicators of a plan.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::plan::Plan;
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
        self.gap = Some(if bound > 0.0 {
            1.0 - self.prevented_loss / bound
        } else {
            0.0
        });
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

/// Evaluates a plan: every KPI of [`Outcome`]. Does not check feasibility (see
/// [`Plan::check`]); `upper_bound` and `gap` are left `None`.
///
/// # Errors
///
/// [`Error::Mismatch`] if the plan was made for another problem.
///
/// # Complexity
///
/// `O(nnz + arms * nnz_arm + S F)`, linear in the size of the problem.
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
    let n_f = problem.threats.len();
    let n_s = problem.segments.len();

    // Raw exposures per person per segment, for reach.
    let mut lambda = vec![0.0; n_s];
    for (a, &units) in plan.units().iter().enumerate() {
        if units > 0 {
            for &(s, g) in &problem.arms[a].exposures {
                lambda[s] += units as f64 * g;
            }
        }
    }

    let reduction: Vec<f64> = problem
        .cells
        .iter()
        .zip(&absorbed)
        .map(|(c, &e)| response::reduction(c.ceiling, c.scale, e))
        .collect();

    let mut prevented_loss = 0.0;
    let mut prevented_cases = 0.0;
    let mut threats: Vec<ThreatOutcome> = problem
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
    for (c, (cell, &r)) in problem.cells.iter().zip(&reduction).enumerate() {
        let t = &mut threats[c % n_f];
        t.prevented_loss += cell.value_at_risk * r;
        t.prevented_cases += cell.cases_at_risk * r;
        t.loss_at_risk += cell.value_at_risk;
        t.cases_at_risk += cell.cases_at_risk;
        prevented_loss += cell.value_at_risk * r;
        prevented_cases += cell.cases_at_risk * r;
    }

    let segments: Vec<SegmentOutcome> = problem
        .segments
        .iter()
        .enumerate()
        .map(|(s, seg)| SegmentOutcome {
            segment: seg.id.clone(),
            reach: response::reach(lambda[s]),
            effective_reach: response::effective_reach(lambda[s]),
            reduction: (0..n_f)
                .map(|f| ThreatValue {
                    threat: problem.threats[f].id.clone(),
                    value: reduction[s * n_f + f],
                })
                .collect(),
        })
        .collect();

    let total_pop: f64 = problem.segments.iter().map(|s| s.population).sum();
    let weighted = |values: &dyn Fn(usize) -> f64| -> f64 {
        if total_pop > 0.0 {
            (0..n_s)
                .map(|s| problem.segments[s].population * values(s))
                .sum::<f64>()
                / total_pop
        } else {
            0.0
        }
    };
    let reach = weighted(&|s| segments[s].reach);
    let effective_reach = weighted(&|s| segments[s].effective_reach);

    let groups = problem
        .groups
        .iter()
        .enumerate()
        .map(|(g, name)| {
            let members: Vec<usize> = (0..n_s)
                .filter(|&s| problem.segments[s].group == g)
                .collect();
            let pop: f64 = members
                .iter()
                .map(|&s| problem.segments[s].population)
                .sum();
            let pop_mean = |v: &dyn Fn(usize) -> f64| -> f64 {
                if pop > 0.0 {
                    members
                        .iter()
                        .map(|&s| problem.segments[s].population * v(s))
                        .sum::<f64>()
                        / pop
                } else {
                    0.0
                }
            };
            let reduction = (0..n_f)
                .map(|f| {
                    let cases: f64 = members
                        .iter()
                        .map(|&s| problem.cells[s * n_f + f].cases_at_risk)
                        .sum();
                    let value = if cases > 0.0 {
                        members
                            .iter()
                            .map(|&s| {
                                problem.cells[s * n_f + f].cases_at_risk * reduction[s * n_f + f]
                            })
                            .sum::<f64>()
                            / cases
                    } else {
                        pop_mean(&|s| reduction[s * n_f + f])
                    };
                    ThreatValue {
                        threat: problem.threats[f].id.clone(),
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
        .collect();

    let placements = problem
        .placements
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let units = usage.placement_units[k];
            let mut best: Option<(usize, f64)> = None;
            let mut message_used = vec![false; problem.messages.len()];
            for (a, &u) in plan.units().iter().enumerate() {
                if u > 0 {
                    message_used[problem.arms[a].message] = true;
                }
            }
            for &a in &problem.arms_of_placement[k] {
                let gain: f64 = problem.arms[a]
                    .absorbed
                    .iter()
                    .map(|&(c, coef)| {
                        let cell = &problem.cells[c];
                        cell.value_at_risk
                            * response::increment(cell.ceiling, cell.scale, absorbed[c], coef)
                    })
                    .sum();
                if gain > 0.0 && best.is_none_or(|(_, g)| gain > g) {
                    best = Some((a, gain));
                }
            }
            let marginal_value = best.map_or(0.0, |(_, g)| g);
            let unit_cost = match best {
                Some((a, _)) => {
                    let m = problem.arms[a].message;
                    p.unit_cost
                        + if units == 0 { p.setup_cost } else { 0.0 }
                        + if message_used[m] {
                            0.0
                        } else {
                            problem.messages[m].production_cost
                        }
                }
                None => p.unit_cost,
            };
            PlacementOutcome {
                placement: p.id.clone(),
                units,
                capacity: p.capacity,
                spend: if units > 0 {
                    p.setup_cost + p.unit_cost * units as f64
                } else {
                    0.0
                },
                staff_hours: p.staff_hours * units as f64,
                marginal_message: best
                    .map(|(a, _)| problem.messages[problem.arms[a].message].id.clone()),
                marginal_value,
                marginal_return: (unit_cost > 0.0).then(|| marginal_value / unit_cost),
            }
        })
        .collect();

    Ok(Outcome {
        prevented_loss,
        prevented_cases,
        spend: usage.money,
        staff_hours: usage.staff_hours,
        loss_at_risk: problem.loss_at_risk(),
        cases_at_risk: problem.cases_at_risk(),
        upper_bound: None,
        gap: None,
        cost_per_prevented_case: (prevented_cases > 0.0).then(|| usage.money / prevented_cases),
        reach,
        effective_reach,
        segments,
        groups,
        threats,
        placements,
    })
}
