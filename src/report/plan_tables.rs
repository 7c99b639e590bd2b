//! The tables of one plan: its lines, KPIs, risk reduction, best next yuan, broken
//! constraints and the comparison with a baseline.

use super::plan_file::PlanReport;
use super::table::{Column, Table, Value};
use super::width::truncate;
use crate::error::Error;
use crate::evaluate::{Outcome, PlacementOutcome, evaluate};
use crate::plan::{Plan, Violation};
use crate::problem::Problem;

/// Rows of the "best next yuan" table.
const NEXT_YUAN_ROWS: usize = 6;
/// Widest threat name in the risk-reduction header (longer ones end in `…`).
const THREAT_WIDTH: usize = 14;

/// Another plan to compare with (e.g. today's blanket practice), evaluated at the same limits.
#[derive(Debug, Clone, PartialEq)]
pub struct Baseline {
    /// The strategy that made it.
    pub name: String,
    /// What it achieves.
    pub outcome: Outcome,
    /// The constraints it breaks (none for a plan of a built-in strategy).
    pub violations: Vec<Violation>,
}

impl Baseline {
    /// Evaluates `plan`, made by strategy `name`, as a baseline for `problem`.
    ///
    /// # Errors
    ///
    /// [`Error::Mismatch`] if the plan was made for another problem.
    ///
    /// # Example
    ///
    /// ```
    /// use fanzha::report::Baseline;
    /// use fanzha::{scenarios, Blanket, Strategy};
    ///
    /// let problem = scenarios::jurong_2023().compile()?;
    /// let base = Baseline::new(&problem, "blanket", &Blanket.plan(&problem)?)?;
    /// assert!(base.violations.is_empty());
    /// assert!(base.outcome.prevented_loss > 0.0);
    /// # Ok::<(), fanzha::Error>(())
    /// ```
    pub fn new(problem: &Problem, name: &str, plan: &Plan) -> Result<Baseline, Error> {
        Ok(Baseline {
            name: name.to_string(),
            outcome: evaluate(problem, plan)?,
            violations: plan.violations(problem)?,
        })
    }
}

/// The write-up of a plan as tables, in reading order: a heading (scenario, strategy,
/// limits), the plan's lines, its KPIs (with the bound and gap when the report's outcome
/// carries them), risk reduction by group and threat, the best next yuan, the constraints the
/// plan breaks (if any), and the comparison with `baseline` (if given).
///
/// Uses the report's outcome as it is, or evaluates its plan when it has none. The bound holds
/// only for plans that meet every constraint, so a plan (the report's or the baseline's) that
/// breaks one shows `infeasible` where its gap to the bound would be.
///
/// # Errors
///
/// As [`PlanReport::plan`] when the report's allocations do not fit `problem`.
///
/// # Example
///
/// ```
/// use fanzha::report::{plan_tables, write_text, Baseline};
/// use fanzha::{scenarios, Blanket, Greedy, PlanReport, Strategy};
///
/// let problem = scenarios::jurong_2023().compile()?;
/// let report = PlanReport::new(&problem, "greedy", &Greedy::default().plan(&problem)?)?;
/// let base = Baseline::new(&problem, "blanket", &Blanket.plan(&problem)?)?;
/// let tables = plan_tables(&problem, &report, Some(&base))?;
/// let kpis = tables.iter().find(|t| t.title.starts_with("KPIs")).unwrap();
/// assert!(kpis.row("prevented loss (yuan)").is_some());
///
/// let mut out = Vec::new();
/// write_text(&mut out, &tables).unwrap();
/// assert!(String::from_utf8(out).unwrap().contains("x the loss of blanket"));
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn plan_tables(
    problem: &Problem,
    report: &PlanReport,
    baseline: Option<&Baseline>,
) -> Result<Vec<Table>, Error> {
    let plan = report.plan(problem)?;
    let violations = plan.violations(problem)?;
    let outcome = match &report.outcome {
        Some(outcome) => outcome.clone(),
        None => evaluate(problem, &plan)?,
    };
    let feasible = violations.is_empty();
    let mut tables = vec![
        heading(problem, report),
        plan_lines(problem, report),
        kpis(&outcome, feasible),
        reduction(problem, &outcome),
        next_yuan(&outcome),
    ];
    if !feasible {
        tables.push(broken(&violations));
    }
    if let Some(base) = baseline {
        tables.push(against_baseline(&report.strategy, &outcome, feasible, base));
    }
    Ok(tables)
}

/// Scenario, strategy, currency and limits.
fn heading(problem: &Problem, report: &PlanReport) -> Table {
    let limit = |l: Option<f64>| l.map_or("unlimited".to_string(), |x| Value::Money(x).to_text());
    let mut t = Table::new(
        format!(
            "{} — strategy `{}` ({})",
            report.scenario,
            report.strategy,
            problem.currency()
        ),
        Vec::new(),
    );
    t.intro.push(format!(
        "limits: money {}, staff hours {}",
        limit(problem.money()),
        limit(problem.staff_hours())
    ));
    t
}

/// One row per allocation: placement, message, units and their unit cost.
fn plan_lines(problem: &Problem, report: &PlanReport) -> Table {
    let mut t = Table::new(
        "Plan: units of each message on each placement",
        vec![
            Column::left("placement"),
            Column::left("message"),
            Column::right("units"),
            Column::right("spend").with_unit(problem.currency()),
        ],
    );
    for a in &report.allocations {
        let spend = problem
            .placements()
            .iter()
            .position(|p| p.id == a.placement)
            .map_or(Value::Missing, |k| {
                Value::Money(problem.parameters().placements[k].unit_cost * a.units as f64)
            });
        t.push(vec![
            Value::text(&a.placement),
            Value::text(&a.message),
            Value::Count(a.units),
            spend,
        ]);
    }
    t.note("(unit costs only; setup and production costs are in the total below)");
    t
}

/// The plan's KPIs per year, and what the bound says of it.
fn kpis(out: &Outcome, feasible: bool) -> Table {
    let mut t = Table::new("KPIs (per year)", vec![Column::left(""), Column::right("")]);
    let mut kpi = |name: &str, v: Value| t.push(vec![Value::text(name), v]);
    kpi("prevented loss (yuan)", Value::Money(out.prevented_loss));
    kpi("loss at risk (yuan)", Value::Money(out.loss_at_risk));
    kpi(
        "prevented share of loss",
        Value::share(
            out.prevented_loss / out.loss_at_risk.max(f64::MIN_POSITIVE),
            2,
        ),
    );
    kpi("prevented cases", Value::number(out.prevented_cases, 1));
    kpi("cases at risk", Value::number(out.cases_at_risk, 1));
    kpi("spend (yuan)", Value::Money(out.spend));
    kpi("staff hours", Value::number(out.staff_hours, 1));
    kpi(
        "cost per prevented case (yuan)",
        Value::or_missing(out.cost_per_prevented_case, Value::Money),
    );
    kpi(
        "loss prevented per yuan spent",
        Value::or_missing(
            (out.spend > 0.0).then(|| out.prevented_loss / out.spend),
            |r| Value::number(r, 2),
        ),
    );
    kpi("reach (1+ exposures)", Value::share(out.reach, 1));
    kpi(
        "effective reach (3+ exposures)",
        Value::share(out.effective_reach, 1),
    );
    if let (Some(b), Some(g)) = (out.upper_bound, out.gap) {
        kpi("upper bound (yuan)", Value::Money(b));
        kpi("gap to bound", gap_cell(g, feasible));
        t.note("");
        t.note(bound_sentence(b, g, feasible));
    }
    t
}

/// A plan's gap to the bound, or `infeasible`: the bound holds only for plans that meet every
/// constraint, so a plan that breaks one has no gap (it may even prevent more than the bound).
fn gap_cell(gap: f64, feasible: bool) -> Value {
    if feasible {
        Value::share(gap, 2)
    } else {
        Value::text("infeasible")
    }
}

/// What the bound says of a plan with gap `g`.
fn bound_sentence(bound: f64, g: f64, feasible: bool) -> String {
    let b = Value::Money(bound).to_text();
    if feasible {
        format!(
            "No plan can prevent more than {b} yuan/yr; this plan is within {} of that.",
            Value::share(g, 2).to_text()
        )
    } else {
        format!(
            "No plan meeting every constraint can prevent more than {b} yuan/yr; this plan \
             breaks constraints (below), so the bound does not apply to it."
        )
    }
}

/// Reach and share of cases prevented, per group and threat.
fn reduction(problem: &Problem, out: &Outcome) -> Table {
    let mut columns = vec![Column::left("group"), Column::right("reach")];
    columns.extend(
        problem
            .threats()
            .iter()
            .map(|th| Column::right(truncate(&th.id, THREAT_WIDTH))),
    );
    let mut t = Table::new(
        "Risk reduction by group and threat (share of the group's cases prevented)",
        columns,
    );
    for g in &out.groups {
        let mut row = vec![Value::text(&g.group), Value::share(g.reach, 1)];
        row.extend(g.reduction.iter().map(|r| Value::share(r.value, 2)));
        t.push(row);
    }
    t
}

/// The placements whose next unit prevents the most loss per yuan.
fn next_yuan(out: &Outcome) -> Table {
    let mut t = Table::new(
        "Best next yuan (loss prevented per yuan of one more unit)",
        vec![
            Column::left("placement"),
            Column::right("per yuan"),
            Column::right("units"),
            Column::right("capacity"),
            Column::left("next message"),
            Column::left(""),
        ],
    );
    let mut margins: Vec<(f64, &PlacementOutcome)> = out
        .placements
        .iter()
        .filter_map(|p| p.marginal_return.map(|r| (r, p)))
        .collect();
    margins.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (r, p) in margins.into_iter().take(NEXT_YUAN_ROWS) {
        t.push(vec![
            Value::text(&p.placement),
            Value::number(r, 2),
            Value::Count(p.units),
            Value::Count(p.capacity),
            Value::text(p.marginal_message.as_deref().unwrap_or("-")),
            Value::text(if p.units >= p.capacity {
                "at capacity"
            } else {
                ""
            }),
        ]);
    }
    t
}

/// The constraints a plan breaks.
fn broken(violations: &[Violation]) -> Table {
    let mut t = Table::new(
        format!("CONSTRAINTS BROKEN ({}):", violations.len()),
        vec![Column::left("")],
    );
    for v in violations {
        t.push(vec![Value::text(format!("- {v}"))]);
    }
    t
}

/// The plan's KPIs beside the baseline's.
fn against_baseline(strategy: &str, ours: &Outcome, feasible: bool, base: &Baseline) -> Table {
    let mut t = Table::new(
        format!("Against the `{}` baseline at the same limits", base.name),
        vec![
            Column::left(""),
            Column::right(strategy),
            Column::right(&base.name),
        ],
    );
    let theirs = &base.outcome;
    let mut row = |name: &str, f: &dyn Fn(&Outcome) -> Value| {
        t.push(vec![Value::text(name), f(ours), f(theirs)]);
    };
    row("prevented loss (yuan/yr)", &|o| {
        Value::Money(o.prevented_loss)
    });
    row("prevented cases (/yr)", &|o| {
        Value::number(o.prevented_cases, 1)
    });
    row("spend (yuan)", &|o| Value::Money(o.spend));
    row("staff hours", &|o| Value::number(o.staff_hours, 0));
    row("reach (1+ exposures)", &|o| Value::share(o.reach, 1));
    if let Some(b) = ours.upper_bound {
        let gap =
            |o: &Outcome, feasible: bool| gap_cell(crate::core::gap(o.prevented_loss, b), feasible);
        t.push(vec![
            Value::text("gap to bound"),
            gap(ours, feasible),
            gap(theirs, base.violations.is_empty()),
        ]);
    }
    if theirs.prevented_loss > 0.0 {
        t.note(format!(
            "  {strategy} prevents {:.2}x the loss of {}",
            ours.prevented_loss / theirs.prevented_loss,
            base.name
        ));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimize::{Blanket, Greedy, Strategy};
    use crate::report::write_text;
    use crate::scenarios;

    fn jurong() -> Problem {
        scenarios::jurong_2023()
            .compile()
            .expect("the built-in scenario compiles")
    }

    fn text(tables: &[Table]) -> String {
        let mut out = Vec::new();
        write_text(&mut out, tables).expect("a Vec takes every write");
        String::from_utf8(out).expect("UTF-8")
    }

    fn titled<'a>(tables: &'a [Table], start: &str) -> Option<&'a Table> {
        tables.iter().find(|t| t.title.starts_with(start))
    }

    #[test]
    fn tables_follow_the_outcome() {
        let problem = jurong();
        let plan = Greedy::default().plan(&problem).expect("greedy plans");
        let report = PlanReport::new(&problem, "greedy", &plan).expect("report");
        let tables = plan_tables(&problem, &report, None).expect("tables");
        let out = report.outcome.as_ref().expect("evaluated");
        let kpis = titled(&tables, "KPIs").expect("a KPI table");
        assert_eq!(
            kpis.row("prevented loss (yuan)").map(|r| r[1].clone()),
            Some(Value::Money(out.prevented_loss))
        );
        assert!(kpis.row("gap to bound").is_none(), "no bound, no gap");
        let lines = titled(&tables, "Plan").expect("plan lines");
        assert_eq!(lines.rows.len(), report.allocations.len());
        let reduction = titled(&tables, "Risk reduction").expect("reduction");
        assert_eq!(reduction.rows.len(), out.groups.len());
        assert_eq!(reduction.columns.len(), 2 + problem.threat_count());
        assert!(
            titled(&tables, "CONSTRAINTS").is_none(),
            "greedy is feasible"
        );
        assert!(titled(&tables, "Against").is_none(), "no baseline given");
    }

    #[test]
    fn an_outcome_less_report_is_evaluated() {
        let problem = jurong();
        let plan = Greedy::default().plan(&problem).expect("greedy plans");
        let mut report = PlanReport::new(&problem, "greedy", &plan).expect("report");
        let with = plan_tables(&problem, &report, None).expect("tables");
        report.outcome = None;
        let without = plan_tables(&problem, &report, None).expect("tables");
        assert_eq!(with, without);
    }

    #[test]
    fn next_yuan_is_sorted_and_at_most_six_rows() {
        let problem = jurong();
        let plan = Greedy::default().plan(&problem).expect("greedy plans");
        let report = PlanReport::new(&problem, "greedy", &plan).expect("report");
        let tables = plan_tables(&problem, &report, None).expect("tables");
        let t = titled(&tables, "Best next yuan").expect("next yuan");
        assert!(!t.rows.is_empty() && t.rows.len() <= NEXT_YUAN_ROWS);
        let returns: Vec<f64> = t
            .rows
            .iter()
            .map(|r| match r[1] {
                Value::Number { value, .. } => value,
                ref v => panic!("not a number: {v:?}"),
            })
            .collect();
        assert!(returns.windows(2).all(|w| w[0] >= w[1]), "{returns:?}");
    }

    #[test]
    fn baseline_ratio_and_gap_rows() {
        let problem = jurong();
        let plan = Greedy::default().plan(&problem).expect("greedy plans");
        let mut report = PlanReport::new(&problem, "greedy", &plan).expect("report");
        report.outcome = report.outcome.map(|o| o.with_bound(2.0e7));
        let base_plan = Blanket.plan(&problem).expect("blanket plans");
        let base = Baseline::new(&problem, "blanket", &base_plan).expect("baseline");
        let tables = plan_tables(&problem, &report, Some(&base)).expect("tables");
        let t = titled(&tables, "Against the `blanket`").expect("baseline table");
        let gap = t.row("gap to bound").expect("a gap row with a bound");
        let expected = crate::core::gap(base.outcome.prevented_loss, 2.0e7);
        assert_eq!(gap[2], Value::share(expected, 2));
        assert!(text(&tables).contains("greedy prevents"), "the ratio note");
    }

    /// A plan with every arm at 1000 units more than its placement holds: breaks capacities
    /// (and money).
    fn over_capacity(problem: &Problem) -> Plan {
        let units = problem.arms().iter().map(|_| 1_000_000).collect();
        Plan::from_units(problem, units).expect("one count per arm")
    }

    #[test]
    fn an_infeasible_baseline_has_no_gap() {
        let problem = jurong();
        let plan = Greedy::default().plan(&problem).expect("greedy plans");
        let mut report = PlanReport::new(&problem, "greedy", &plan).expect("report");
        report.outcome = report.outcome.map(|o| o.with_bound(2.0e7));
        let base = Baseline::new(&problem, "broken", &over_capacity(&problem)).expect("baseline");
        assert!(
            !base.violations.is_empty(),
            "the premise: it breaks a constraint"
        );
        let tables = plan_tables(&problem, &report, Some(&base)).expect("tables");
        let t = titled(&tables, "Against the `broken`").expect("baseline table");
        let gap = t.row("gap to bound").expect("a gap row with a bound");
        assert_eq!(gap[2], Value::text("infeasible"), "{gap:?}");
        assert!(
            matches!(gap[1], Value::Share { .. }),
            "ours is feasible: {gap:?}"
        );
    }

    #[test]
    fn an_infeasible_plan_has_no_gap() {
        let problem = jurong();
        let plan = over_capacity(&problem);
        let mut report = PlanReport::new(&problem, "hand-made", &plan).expect("report");
        report.outcome = report.outcome.map(|o| o.with_bound(2.0e7));
        let base_plan = Blanket.plan(&problem).expect("blanket plans");
        let base = Baseline::new(&problem, "blanket", &base_plan).expect("baseline");
        let tables = plan_tables(&problem, &report, Some(&base)).expect("tables");
        let kpis = titled(&tables, "KPIs").expect("KPIs");
        let gap = kpis.row("gap to bound").expect("a gap row with a bound");
        assert_eq!(gap[1], Value::text("infeasible"));
        assert!(
            kpis.notes
                .iter()
                .any(|n| n.contains("does not apply to it"))
        );
        let t = titled(&tables, "Against").expect("baseline table");
        let gap = t.row("gap to bound").expect("a gap row");
        assert_eq!(gap[1], Value::text("infeasible"));
        assert!(
            matches!(gap[2], Value::Share { .. }),
            "blanket is feasible: {gap:?}"
        );
        assert!(titled(&tables, "CONSTRAINTS BROKEN").is_some());
    }
}
