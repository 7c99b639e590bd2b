//! Uncertainty reports: intervals of a plan's KPIs, the plan against a baseline over draws,
//! the tornado and the EVPPI, as tables and as the plan file's `outcome.uncertainty`.

use std::io::{self, Write};

use serde::{Deserialize, Serialize};

use super::plan_file::PlanReport;
use super::table::{Column, Table, Value};
use crate::uncertainty::{
    EvppiRow, MonteCarlo, RiskValue, Robust, RobustSolution, Sensitivity, Summary, TornadoRow,
    Uncertainty, Versus,
};

/// The plan against a baseline over the same draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VersusBaseline {
    /// The baseline's strategy.
    pub baseline: String,
    /// Share of draws in which the plan prevents more loss than the baseline.
    pub probability: f64,
    /// The plan's prevented loss minus the baseline's.
    pub difference: Summary,
}

/// A clamp count of one entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Clamped {
    /// What the entry draws.
    pub entry: String,
    /// Draws in which some value it set left its valid range and was clamped.
    pub draws: usize,
}

/// What `plan --uncertainty N` adds to the plan file as `outcome.uncertainty`:
/// `prevented_loss` and `prevented_cases` as `{"mean", "sd", "p5", "p50", "p95"}`, `spend`,
/// per threat and group, the clamp counts, the baseline comparison, the tornado and EVPPI
/// rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UncertaintyReport {
    /// Draws made.
    pub draws: usize,
    /// Their seed.
    pub seed: u64,
    /// Yearly loss prevented.
    pub prevented_loss: Summary,
    /// Yearly cases prevented.
    pub prevented_cases: Summary,
    /// Money spent.
    pub spend: Summary,
    /// Yearly loss prevented per threat: `{"name", "prevented_loss"}`.
    pub threats: Vec<crate::uncertainty::Named>,
    /// Yearly loss prevented per group.
    pub groups: Vec<crate::uncertainty::Named>,
    /// Entries whose draws were clamped (only those with at least one).
    pub clamped: Vec<Clamped>,
    /// The plan against the baseline, where compared.
    pub versus: Option<VersusBaseline>,
    /// The plan's prevented loss with every entry at its median, where the sensitivity was
    /// computed.
    pub median_loss: Option<f64>,
    /// Tornado rows, longest bar first (empty when not computed).
    pub tornado: Vec<TornadoRow>,
    /// EVPPI rows, largest first (empty when not computed).
    pub evppi: Vec<EvppiRow>,
    /// EVPI over the sensitivity's candidate plans, where computed.
    pub evpi: Option<f64>,
    /// The robust plan's numbers, where the plan is robust.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub robust: Option<RobustReport>,
}

impl UncertaintyReport {
    /// The report of a Monte Carlo run, with the baseline comparison and the sensitivity
    /// where given.
    ///
    /// # Example
    ///
    /// ```
    /// use fanzha::report::UncertaintyReport;
    /// use fanzha::uncertainty::monte_carlo;
    /// use fanzha::{scenarios, Greedy, Strategy};
    ///
    /// let (problem, u) = scenarios::jurong_2023().compile_uncertain()?;
    /// let u = u.with_draws(50, 1);
    /// let mc = monte_carlo(&problem, &u, &Greedy::default().plan(&problem)?)?;
    /// let report = UncertaintyReport::new(&u, &mc, None, None);
    /// let json = serde_json::to_value(&report).unwrap();
    /// assert!(json["prevented_loss"]["p95"].as_f64().unwrap() > 0.0);
    /// # Ok::<(), fanzha::Error>(())
    /// ```
    pub fn new(
        uncertainty: &Uncertainty,
        mc: &MonteCarlo,
        versus: Option<(&str, &Versus)>,
        sensitivity: Option<&Sensitivity>,
    ) -> UncertaintyReport {
        UncertaintyReport {
            draws: mc.draws,
            seed: mc.seed,
            prevented_loss: mc.prevented_loss,
            prevented_cases: mc.prevented_cases,
            spend: mc.spend,
            threats: mc.threats.clone(),
            groups: mc.groups.clone(),
            clamped: uncertainty
                .entries
                .iter()
                .zip(&mc.clamped)
                .filter(|(_, n)| **n > 0)
                .map(|(e, &n)| Clamped {
                    entry: e.label.clone(),
                    draws: n,
                })
                .collect(),
            versus: versus.map(|(name, v)| VersusBaseline {
                baseline: name.to_string(),
                probability: v.probability,
                difference: v.difference,
            }),
            median_loss: sensitivity.map(|s| s.median_loss),
            tornado: sensitivity.map_or(Vec::new(), |s| s.tornado.clone()),
            evppi: sensitivity.map_or(Vec::new(), |s| s.evppi.clone()),
            evpi: sensitivity.map(|s| s.evpi),
            robust: None,
        }
    }

    /// The assumptions that matter most: the `n` entries with the longest tornado bars.
    pub fn matter_most(&self, n: usize) -> Vec<&str> {
        self.tornado
            .iter()
            .take(n)
            .map(|r| r.label.as_str())
            .collect()
    }
}

fn summary_row(name: &str, s: &Summary, money: bool) -> Vec<Value> {
    let v = |x: f64| {
        if money {
            Value::Money(x)
        } else {
            Value::number(x, 1)
        }
    };
    vec![
        Value::text(name),
        v(s.mean),
        v(s.sd),
        v(s.p5),
        v(s.p50),
        v(s.p95),
    ]
}

fn summary_columns(first: &str, unit: &str) -> Vec<Column> {
    let mut cols = vec![Column::left(first)];
    for name in ["mean", "sd", "5%", "median", "95%"] {
        cols.push(Column::right(name).with_unit(unit));
    }
    cols
}

/// The tables of an [`UncertaintyReport`], in reading order: the intervals of the headline
/// KPIs (with the baseline comparison and clamp counts as notes), prevented loss by threat,
/// the tornado (with the assumptions that matter most) and the EVPPI.
///
/// # Example
///
/// ```
/// use fanzha::report::{uncertainty_tables, write_text, UncertaintyReport};
/// use fanzha::uncertainty::monte_carlo;
/// use fanzha::{scenarios, Greedy, Strategy};
///
/// let (problem, u) = scenarios::jurong_2023().compile_uncertain()?;
/// let u = u.with_draws(50, 1);
/// let mc = monte_carlo(&problem, &u, &Greedy::default().plan(&problem)?)?;
/// let tables = uncertainty_tables(&UncertaintyReport::new(&u, &mc, None, None), "CNY");
/// let mut out = Vec::new();
/// write_text(&mut out, &tables).unwrap();
/// assert!(String::from_utf8(out).unwrap().contains("prevented loss"));
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn uncertainty_tables(report: &UncertaintyReport, currency: &str) -> Vec<Table> {
    let mut kpis = Table::new(
        format!(
            "Uncertainty: {} draws of the assumptions (seed {})",
            report.draws, report.seed
        ),
        summary_columns("", ""),
    );
    kpis.push(summary_row(
        &format!("prevented loss ({currency})"),
        &report.prevented_loss,
        true,
    ));
    kpis.push(summary_row(
        "prevented cases",
        &report.prevented_cases,
        false,
    ));
    kpis.push(summary_row(
        &format!("spend ({currency})"),
        &report.spend,
        true,
    ));
    if let Some(v) = &report.versus {
        kpis.note(format!(
            "beats `{}` in {:.1}% of draws; difference mean {}, 5% {}, 95% {}",
            v.baseline,
            100.0 * v.probability,
            Value::Money(v.difference.mean).to_text(),
            Value::Money(v.difference.p5).to_text(),
            Value::Money(v.difference.p95).to_text()
        ));
    }
    for c in &report.clamped {
        kpis.note(format!(
            "{}: clamped into its valid range in {} of {} draws",
            c.entry, c.draws, report.draws
        ));
    }
    let mut threats = Table::new(
        "Prevented loss by threat over the draws",
        summary_columns("threat", currency),
    );
    for t in &report.threats {
        threats.push(summary_row(&t.name, &t.prevented_loss, true));
    }
    let mut tables = vec![kpis, threats];
    if !report.tornado.is_empty() {
        tables.push(tornado_table(report, currency));
    }
    if !report.evppi.is_empty() {
        tables.push(evppi_table(report, currency));
    }
    if let Some(r) = &report.robust {
        tables.push(robust_table(r, currency));
    }
    tables
}

fn tornado_table(report: &UncertaintyReport, currency: &str) -> Table {
    let mut t = Table::new(
        "Tornado: each assumption at its 5% and 95% points, the others at their medians",
        vec![
            Column::left("assumption"),
            Column::right("5%"),
            Column::right("95%"),
            Column::right("loss at 5%").with_unit(currency),
            Column::right("loss at 95%").with_unit(currency),
            Column::right("swing").with_unit(currency),
            Column::left("best plan changes"),
            Column::right("re-planning gains").with_unit(currency),
        ],
    );
    let yes = |c: Option<bool>| match c {
        Some(true) => "yes",
        Some(false) => "no",
        None => "?",
    };
    for r in &report.tornado {
        t.push(vec![
            Value::text(&r.label),
            Value::number(r.low, 3),
            Value::number(r.high, 3),
            Value::Money(r.loss_low),
            Value::Money(r.loss_high),
            Value::Money(r.swing),
            Value::text(format!("{} / {}", yes(r.replan_low), yes(r.replan_high))),
            Value::Money(r.gain_low.max(r.gain_high)),
        ]);
    }
    if let Some(m) = report.median_loss {
        t.intro.push(format!(
            "the plan prevents {} {currency} a year with every assumption at its median",
            Value::Money(m).to_text()
        ));
    }
    t.note(format!(
        "assumptions that matter most: {}",
        report.matter_most(3).join("; ")
    ));
    t
}

fn evppi_table(report: &UncertaintyReport, currency: &str) -> Table {
    let mut t = Table::new(
        "Worth measuring first: expected value of partial perfect information",
        vec![
            Column::left("assumption"),
            Column::right("EVPPI").with_unit(currency),
            Column::right("of EVPI"),
        ],
    );
    let evpi = report.evpi.unwrap_or(0.0);
    for r in &report.evppi {
        t.push(vec![
            Value::text(&r.label),
            Value::Money(r.evppi),
            if evpi > 0.0 {
                Value::share(r.evppi / evpi, 0)
            } else {
                Value::Missing
            },
        ]);
    }
    t.note(format!(
        "EVPI (knowing every assumption) {} {currency} a year; prevented loss a planner could \
         gain, in expectation, by learning the value before choosing among the candidate plans",
        Value::Money(evpi).to_text()
    ));
    t
}

/// The plan file of `report` with `outcome.uncertainty` set to `uncertainty`, as JSON.
///
/// # Example
///
/// ```
/// use fanzha::report::{plan_json_with_uncertainty, UncertaintyReport};
/// use fanzha::uncertainty::monte_carlo;
/// use fanzha::{scenarios, Greedy, PlanReport, Strategy};
///
/// let (problem, u) = scenarios::jurong_2023().compile_uncertain()?;
/// let plan = Greedy::default().plan(&problem)?;
/// let u = u.with_draws(20, 1);
/// let mc = monte_carlo(&problem, &u, &plan)?;
/// let json = plan_json_with_uncertainty(
///     &PlanReport::new(&problem, "greedy", &plan)?,
///     &UncertaintyReport::new(&u, &mc, None, None),
/// );
/// assert!(json["outcome"]["uncertainty"]["prevented_cases"]["sd"].is_number());
/// // Plan readers ignore the addition.
/// let back = PlanReport::from_json(&json.to_string())?;
/// assert_eq!(back.allocations.len(), plan.allocations(&problem)?.len());
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn plan_json_with_uncertainty(
    report: &PlanReport,
    uncertainty: &UncertaintyReport,
) -> serde_json::Value {
    serde_json::to_value(WithUncertainty::new(report, uncertainty))
        .expect("a plan report has string keys")
}

/// The plan file with `outcome.uncertainty`, in the plan file's field order.
#[derive(Serialize)]
struct WithUncertainty<'a> {
    scenario: &'a str,
    strategy: &'a str,
    allocations: &'a [crate::plan::Allocation],
    outcome: OutcomeWith<'a>,
}

#[derive(Serialize)]
struct OutcomeWith<'a> {
    #[serde(flatten)]
    outcome: Option<&'a crate::evaluate::Outcome>,
    uncertainty: &'a UncertaintyReport,
}

impl<'a> WithUncertainty<'a> {
    fn new(report: &'a PlanReport, uncertainty: &'a UncertaintyReport) -> Self {
        WithUncertainty {
            scenario: &report.scenario,
            strategy: &report.strategy,
            allocations: &report.allocations,
            outcome: OutcomeWith {
                outcome: report.outcome.as_ref(),
                uncertainty,
            },
        }
    }
}

/// Writes [`plan_json_with_uncertainty`] pretty-printed, then a newline.
///
/// # Errors
///
/// The writer's.
pub fn write_plan_json_with_uncertainty(
    w: &mut impl Write,
    report: &PlanReport,
    uncertainty: &UncertaintyReport,
) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, &WithUncertainty::new(report, uncertainty))?;
    writeln!(w)
}

/// A robust plan's numbers: its objective on the sample with the certified bound, and on
/// fresh draws beside the mean-optimal plan's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RobustReport {
    /// Weight of the CVaR.
    pub beta: f64,
    /// Tail share of the CVaR.
    pub alpha: f64,
    /// Sample draws.
    pub draws: usize,
    /// Fresh draws.
    pub fresh: usize,
    /// The robust plan on the sample.
    pub in_sample: RiskValue,
    /// Certified bound on the sample objective of every feasible plan.
    pub bound: f64,
    /// `1 - in_sample.objective / bound`.
    pub gap: f64,
    /// The robust plan on fresh draws.
    pub out_of_sample: RiskValue,
    /// The mean-optimal plan on the sample.
    pub mean_plan_in_sample: RiskValue,
    /// The mean-optimal plan on the fresh draws.
    pub mean_plan_out_of_sample: RiskValue,
    /// Whether the robust plan differs from the mean-optimal plan.
    pub differs: bool,
}

impl RobustReport {
    /// The report of `solution`, made with `robust`.
    pub fn new(robust: &Robust, solution: &RobustSolution) -> RobustReport {
        RobustReport {
            beta: robust.beta,
            alpha: robust.alpha,
            draws: robust.draws,
            fresh: robust.fresh,
            in_sample: solution.in_sample,
            bound: solution.bound,
            gap: solution.gap,
            out_of_sample: solution.out_of_sample,
            mean_plan_in_sample: solution.mean_plan_in_sample,
            mean_plan_out_of_sample: solution.mean_plan_out_of_sample,
            differs: solution.plan != solution.mean_plan,
        }
    }
}

/// The table of a [`RobustReport`]: objective, mean and CVaR of the robust and the
/// mean-optimal plans on the sample and on fresh draws, with the certified bound.
///
/// # Example
///
/// ```
/// use fanzha::report::{robust_table, RobustReport};
/// use fanzha::uncertainty::Robust;
/// use fanzha::{scenarios, Greedy};
///
/// let (problem, u) = scenarios::jurong_2023().compile_uncertain()?;
/// let r = Robust { draws: 6, fresh: 20, validation: 20, rounds: 1, ..Robust::default() };
/// let s = r.solve(&problem, &u, &Greedy::default())?;
/// let t = robust_table(&RobustReport::new(&r, &s), "CNY");
/// assert!(t.row("robust plan, sample").is_some());
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn robust_table(r: &RobustReport, currency: &str) -> Table {
    let mut t = Table::new(
        format!(
            "Robust plan: (1 - {b}) mean + {b} CVaR of the worst {a:.0}% of draws",
            b = r.beta,
            a = 100.0 * r.alpha
        ),
        vec![
            Column::left(""),
            Column::right("objective").with_unit(currency),
            Column::right("mean").with_unit(currency),
            Column::right("CVaR").with_unit(currency),
        ],
    );
    for (name, v) in [
        ("robust plan, sample", &r.in_sample),
        ("mean-optimal plan, sample", &r.mean_plan_in_sample),
        ("robust plan, fresh draws", &r.out_of_sample),
        ("mean-optimal plan, fresh draws", &r.mean_plan_out_of_sample),
    ] {
        t.push(vec![
            Value::text(name),
            Value::Money(v.objective),
            Value::Money(v.mean),
            Value::Money(v.cvar),
        ]);
    }
    t.note(format!(
        "certified bound on the sample objective ({} draws): {} (gap {:.2}%); fresh draws: {}",
        r.draws,
        Value::Money(r.bound).to_text(),
        100.0 * r.gap,
        r.fresh
    ));
    if !r.differs {
        t.note("the robust plan is the mean-optimal plan: no plan found does better on the tail");
    }
    t
}
