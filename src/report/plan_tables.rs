//! The tables of one plan: its lines, KPIs, risk reduction, best next yuan, broken
//! constraints and the comparison with a baseline.

use super::plan_file::PlanReport;
use super::plan_limits::{at_capacity, limits_table, next_yuan};
use super::table::{Column, Table, Value};
use super::width::truncate;
use crate::analysis::{FloorStatus, floor_status, limits};
use crate::error::Error;
use crate::evaluate::{Outcome, evaluate};
use crate::plan::{Plan, Violation};
use crate::problem::Problem;

/// Widest threat name in the risk-reduction header (longer ones end in `…`).
const THREAT_WIDTH: usize = 14;
/// Widest threat name in the threats table.
const THREAT_NAME_WIDTH: usize = 48;

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
/// limits), the plan's lines (with each placement's unit and paying department), its KPIs
/// (with the bound and gap when the report's outcome carries them), prevented cases and loss
/// by threat (by name), risk reduction by group and threat, the fairness floors' status
/// (always, also when there are none), the limits (used, left, which bind, and what the
/// unspent money could not buy: [`limits`](crate::analysis::limits)), the best next yuan
/// among placements with room, the placements at capacity apart, the constraints the plan
/// breaks (if any), and the comparison with `baseline` (if given).
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
        threats(problem, &outcome),
        reduction(problem, &outcome),
        floor_table(problem, &plan)?,
    ];
    tables.extend(limit_tables(problem, &plan)?);
    if !feasible {
        tables.push(broken(&violations));
    }
    if let Some(base) = baseline {
        tables.push(against_baseline(&report.strategy, &outcome, feasible, base));
    }
    Ok(tables)
}

/// The fairness floors' status of `plan` as one table (also for a calendar plan): each
/// target's required and reached reduction, or a line saying the problem has none. The same
/// table [`plan_tables`] shows.
///
/// # Errors
///
/// [`Error::Mismatch`] if the plan was made for another problem.
///
/// # Example
///
/// ```
/// use fanzha::report::floor_table;
/// use fanzha::{scenarios, Greedy, Strategy};
///
/// let problem = scenarios::jurong_2023().compile()?;
/// let t = floor_table(&problem, &Greedy::default().plan(&problem)?)?;
/// assert!(t.title.ends_with("met"));
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn floor_table(problem: &Problem, plan: &Plan) -> Result<Table, Error> {
    Ok(floors_table(problem, &floor_status(problem, plan)?))
}

/// The limits of `plan` as the tables [`plan_tables`] shows (also for a calendar plan): use
/// and slack of every limit with the unspent money explained, the best next yuan among
/// placements with room, and the placements at capacity.
///
/// # Errors
///
/// [`Error::Mismatch`] if the plan was made for another problem.
///
/// # Example
///
/// ```
/// use fanzha::report::limit_tables;
/// use fanzha::{scenarios, Greedy, Strategy};
///
/// let problem = scenarios::jurong_2023().compile()?;
/// let tables = limit_tables(&problem, &Greedy::default().plan(&problem)?)?;
/// assert!(tables[0].title.starts_with("Limits"));
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn limit_tables(problem: &Problem, plan: &Plan) -> Result<Vec<Table>, Error> {
    let l = limits(problem, plan)?;
    Ok(vec![
        limits_table(problem, &l),
        next_yuan(&l),
        at_capacity(&l),
    ])
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

/// One row per allocation: placement, message, units, what a unit is, their unit cost and
/// the department that pays for the placement.
fn plan_lines(problem: &Problem, report: &PlanReport) -> Table {
    let mut t = Table::new(
        "Plan: units of each message on each placement",
        vec![
            Column::left("placement"),
            Column::left("message"),
            Column::right("units"),
            Column::left("unit"),
            Column::right("spend").with_unit(problem.currency()),
            Column::left("paid by"),
        ],
    );
    for a in &report.allocations {
        let k = problem
            .placements()
            .iter()
            .position(|p| p.id == a.placement);
        let spend = k.map_or(Value::Missing, |k| {
            Value::Money(problem.parameters().placements[k].unit_cost * a.units as f64)
        });
        let info = k.map(|k| &problem.placements()[k]);
        let unit = info.map_or(Value::Missing, |p| Value::text(&p.unit));
        let owner = info.and_then(|p| p.owner).map_or(Value::Missing, |d| {
            Value::text(&problem.departments()[d.index()].id)
        });
        t.push(vec![
            Value::text(&a.placement),
            Value::text(&a.message),
            Value::Count(a.units),
            unit,
            spend,
            owner,
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

/// Cases and loss at risk and prevented per threat, by the threat's name.
fn threats(problem: &Problem, out: &Outcome) -> Table {
    let cur = problem.currency();
    let mut t = Table::new(
        "By threat (per year)",
        vec![
            Column::left("threat"),
            Column::right("cases at risk"),
            Column::right("prevented"),
            Column::right("loss at risk").with_unit(cur),
            Column::right("prevented").with_unit(cur),
            Column::right("share"),
        ],
    );
    for (info, th) in problem.threats().iter().zip(&out.threats) {
        t.push(vec![
            Value::text(truncate(&info.name, THREAT_NAME_WIDTH)),
            Value::number(th.cases_at_risk, 1),
            Value::number(th.prevented_cases, 1),
            Value::Money(th.loss_at_risk),
            Value::Money(th.prevented_loss),
            Value::share(
                th.prevented_loss / th.loss_at_risk.max(f64::MIN_POSITIVE),
                1,
            ),
        ]);
    }
    t
}

/// Reach and share of cases prevented, per group and threat (threats by name, in the order
/// of the threats table).
fn reduction(problem: &Problem, out: &Outcome) -> Table {
    let mut columns = vec![Column::left("group"), Column::right("reach")];
    columns.extend(
        problem
            .threats()
            .iter()
            .map(|th| Column::right(truncate(&th.name, THREAT_WIDTH))),
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

/// Every fairness floor target: required and reached reduction, met or not; a one-line table
/// when the problem has none.
fn floors_table(problem: &Problem, floors: &[FloorStatus]) -> Table {
    if floors.is_empty() {
        return Table::new("Fairness floors: none apply to this plan", Vec::new());
    }
    let unmet = floors.iter().filter(|f| !f.met).count();
    let title = if unmet == 0 {
        format!("Fairness floors: all {} met", floors.len())
    } else {
        format!("Fairness floors: {unmet} of {} NOT MET", floors.len())
    };
    let mut t = Table::new(
        title,
        vec![
            Column::left("segment"),
            Column::left("threat"),
            Column::right("required"),
            Column::right("reached"),
            Column::left(""),
        ],
    );
    for f in floors {
        t.push(vec![
            Value::text(&f.segment),
            Value::text(truncate(&f.threat_name, THREAT_NAME_WIDTH)),
            Value::share(f.min_reduction, 1),
            Value::share(f.reduction, 2),
            Value::text(if f.met { "met" } else { "NOT MET" }),
        ]);
    }
    if problem.structure().weeks.is_some() {
        t.note("(a calendar floor is on its block's mean remembered exposure)");
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
    use super::super::plan_limits::NEXT_YUAN_ROWS;
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
    fn lines_name_units_and_departments_and_threats_by_name() {
        let problem = jurong();
        let plan = Greedy::default().plan(&problem).expect("greedy plans");
        let report = PlanReport::new(&problem, "greedy", &plan).expect("report");
        let tables = plan_tables(&problem, &report, None).expect("tables");
        let lines = titled(&tables, "Plan").expect("plan lines");
        for (row, a) in lines.rows.iter().zip(&report.allocations) {
            let p = problem
                .placements()
                .iter()
                .find(|p| p.id == a.placement)
                .expect("a placement of the problem");
            assert_eq!(row[3], Value::text(&p.unit));
            let owner = &problem.departments()[p.owner.expect("owned").index()].id;
            assert_eq!(row[5], Value::text(owner));
        }
        let by_threat = titled(&tables, "By threat").expect("threats");
        assert_eq!(by_threat.rows.len(), problem.threat_count());
        let all = text(&tables);
        assert!(
            all.contains("Order-brushing rebate scam (刷单返利)"),
            "{all}"
        );
    }

    #[test]
    fn chinese_names_line_up_by_display_width() {
        let mut sc = scenarios::jurong_2023();
        for (t, name) in sc.threats.iter_mut().zip([
            "刷单返利",
            "杀猪盘",
            "贷款诈骗",
            "冒充客服",
            "冒充公检法",
            "虚假保健品",
        ]) {
            t.name = name.to_string();
        }
        let problem = sc.compile().expect("compiles");
        let plan = Greedy::default().plan(&problem).expect("plans");
        let report = PlanReport::new(&problem, "greedy", &plan).expect("report");
        let tables = plan_tables(&problem, &report, None).expect("tables");
        for title in ["By threat", "Risk reduction", "Fairness floors"] {
            let t = titled(&tables, title).expect("a table").clone();
            let out = text(&[t]);
            // Every row of these tables ends in a right-aligned number or a fixed word, so
            // header and rows end in the same column when widths count CJK as two.
            let ends: Vec<usize> = out
                .lines()
                .skip(1)
                .filter(|l| l.starts_with("  "))
                .map(|l| super::super::width::display_width(l.trim_end_matches("met").trim_end()))
                .collect();
            assert!(ends.windows(2).all(|w| w[0] == w[1]), "{title}:\n{out}");
        }
        assert!(text(&tables).contains("冒充公检法"));
    }

    #[test]
    fn floors_are_always_shown() {
        let problem = jurong();
        let plan = Greedy::default().plan(&problem).expect("greedy plans");
        let report = PlanReport::new(&problem, "greedy", &plan).expect("report");
        let tables = plan_tables(&problem, &report, None).expect("tables");
        let floors = titled(&tables, "Fairness floors").expect("floors");
        assert_eq!(floors.title, "Fairness floors: all 8 met");
        assert_eq!(floors.rows.len(), problem.floors().len());
        // An empty plan meets none, and says so.
        let empty = PlanReport::new(&problem, "none", &Plan::empty(&problem)).expect("report");
        let tables = plan_tables(&problem, &empty, None).expect("tables");
        let floors = titled(&tables, "Fairness floors").expect("floors");
        assert_eq!(floors.title, "Fairness floors: 8 of 8 NOT MET");
        // A scenario without floors says that too.
        let mut sc = scenarios::jurong_2023();
        sc.floors.clear();
        let bare = sc.compile().expect("compiles");
        let plan = Greedy::default().plan(&bare).expect("plans");
        let report = PlanReport::new(&bare, "greedy", &plan).expect("report");
        let tables = plan_tables(&bare, &report, None).expect("tables");
        assert!(titled(&tables, "Fairness floors: none apply").is_some());
    }

    #[test]
    fn full_placements_are_apart_from_the_next_yuan() {
        let problem = jurong();
        let plan = Greedy::default().plan(&problem).expect("greedy plans");
        let usage = plan.usage(&problem).expect("usage");
        let report = PlanReport::new(&problem, "greedy", &plan).expect("report");
        let tables = plan_tables(&problem, &report, None).expect("tables");
        let full = |id: &str| {
            let k = problem.placements().iter().position(|p| p.id == id);
            let k = k.expect("a placement");
            usage.placement_units[k] >= problem.parameters().placements[k].capacity
        };
        let next = titled(&tables, "Best next yuan").expect("next yuan");
        let apart = titled(&tables, "At capacity").expect("at capacity");
        assert!(
            !apart.rows.is_empty(),
            "Jurong's plan fills some placements"
        );
        for row in &next.rows {
            assert!(!full(&row[0].to_text()), "{row:?}");
        }
        for row in &apart.rows {
            assert!(full(&row[0].to_text()), "{row:?}");
        }
    }

    #[test]
    fn unspent_money_is_explained() {
        let mut problem = jurong();
        problem.set_money(Some(700_000.0)).expect("valid");
        let plan = Greedy::default().plan(&problem).expect("greedy plans");
        let report = PlanReport::new(&problem, "greedy", &plan).expect("report");
        let tables = plan_tables(&problem, &report, None).expect("tables");
        let t = titled(&tables, "Limits").expect("limits");
        let notes = t.notes.join("\n");
        assert!(
            notes.contains("overall money limit stops no next unit"),
            "{notes}"
        );
        assert!(notes.contains("buys nothing more"), "{notes}");
        assert!(notes.contains("department"), "{notes}");
        let money = t.row("money").expect("a money row");
        assert_eq!(money[4], Value::text(""), "money does not bind: {money:?}");
        assert!(t.rows.iter().any(|r| r[4] == Value::text("binds")));
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
