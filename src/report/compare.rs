//! Strategies compared on many instances against certified bounds: scoring, the table of
//! each instance, the summary and the CSV rows (the `compare` example is a command line over
//! this).
//!
//! The library reads no clock: the caller times each bound and each strategy and hands the
//! results over as [`Measured`].
//!
//! # Example
//!
//! ```
//! use fanzha::optimize::{Relaxation, UpperBound};
//! use fanzha::report::compare::{Instance, Measured, Run, Summary, Timed};
//! use fanzha::report::comparison;
//! use fanzha::{scenarios, Greedy, Strategy};
//!
//! let problem = scenarios::jurong_2023().compile()?;
//! let measured = Measured {
//!     relaxation: Timed { value: Relaxation.upper_bound(&problem), seconds: 0.03 },
//!     tightened: None,
//!     runs: vec![Run {
//!         strategy: "greedy".into(),
//!         solution: Timed { value: Greedy::default().solve(&problem), seconds: 0.002 },
//!     }],
//! };
//! let instance = Instance::score(&problem, "jurong", None, measured);
//! let row = &instance.rows[0];
//! assert_eq!(row.status, "ok");
//! assert!(row.gap.unwrap() < 0.05);
//!
//! let mut summary = Summary::default();
//! summary.add(&instance);
//! assert_eq!(summary.table().rows.len(), 2); // the relaxation and greedy
//! assert_eq!(comparison(&[instance]).len(), 2); // the instance's table and the summary
//! # Ok::<(), fanzha::Error>(())
//! ```

use std::collections::BTreeMap;

use super::table::{Column, Table, Value};
use crate::core::gap;
use crate::error::Error;
use crate::evaluate::evaluate;
use crate::optimize::{Bound, Solution};
use crate::problem::Problem;

/// A result and the wall-clock seconds it took, as the caller measured them.
#[derive(Debug)]
pub struct Timed<T> {
    /// The result.
    pub value: T,
    /// Seconds it took.
    pub seconds: f64,
}

/// One strategy's [`Strategy::solve`](crate::Strategy::solve) on an instance.
#[derive(Debug)]
pub struct Run {
    /// The strategy's name.
    pub strategy: String,
    /// What it returned.
    pub solution: Timed<Result<Solution, Error>>,
}

/// Everything measured on one instance.
#[derive(Debug)]
pub struct Measured {
    /// The relaxation's certified bound ([`optimize::bound`](crate::optimize::bound())).
    pub relaxation: Timed<Result<Bound, Error>>,
    /// A tighter certified bound, e.g. from a node-limited branch and bound, when one was
    /// computed.
    pub tightened: Option<Timed<Result<Bound, Error>>>,
    /// The strategies' runs, in the order the tables list them.
    pub runs: Vec<Run>,
}

/// One (instance, strategy) result.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Row {
    /// The strategy's name.
    pub strategy: String,
    /// The plan's prevented loss (`None` when the run gave no plan).
    pub value: Option<f64>,
    /// `1 - value / bound` against the instance's [`Instance::bound`].
    pub gap: Option<f64>,
    /// Seconds the run took.
    pub seconds: f64,
    /// `"ok"`, a note, or the error.
    pub status: String,
    /// Short reason when the run gave no usable plan (the run is then left out of the gap
    /// and time statistics): `"too large"`, `"not proven"`, `"floors not met"`,
    /// `"infeasible plan"`, `"error"`.
    pub failure: Option<&'static str>,
    /// Short note on a usable plan: `"not proven"`, `"ABOVE THE BOUND"`.
    pub note: Option<&'static str>,
}

/// One instance scored: its bounds and a row per strategy.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Instance {
    /// Its family (e.g. `"tiny"`) or file.
    pub label: String,
    /// Its seed, for a generated instance.
    pub seed: Option<u64>,
    /// The scenario's name.
    pub scenario: String,
    /// Arms, segments and threats of the problem.
    pub size: (usize, usize, usize),
    /// The relaxation's bound, or why it failed.
    pub relaxation: Result<f64, String>,
    /// Seconds the relaxation took.
    pub relaxation_seconds: f64,
    /// The tightened bound and its seconds, when computed; or why it failed.
    pub tightened: Option<Result<(f64, f64), String>>,
    /// The tightest certified bound known: the relaxation's, the tightened one, or one a
    /// strategy proved ([`Solution::bound`]), whichever is lowest.
    pub bound: Option<f64>,
    /// Who proved [`Instance::bound`]: `"relaxation"`, `"tightened"` or a strategy's name.
    pub bound_by: Option<String>,
    /// A row per run, in the runs' order.
    pub rows: Vec<Row>,
}

impl Instance {
    /// Scores every run of `measured` on `problem` against the tightest certified bound
    /// known: its plan's value and gap, whether it breaks a constraint, and whether it is
    /// all the strategy promises (a [`Solution`] with a bound but not proven says how far
    /// from optimal it was proven).
    pub fn score(
        problem: &Problem,
        label: impl Into<String>,
        seed: Option<u64>,
        measured: Measured,
    ) -> Instance {
        let relaxation = measured.relaxation.value.map(|b| b.value);
        let mut best = Best::default();
        if let Ok(b) = &relaxation {
            best.offer(*b, "relaxation");
        }
        let tightened = measured.tightened.map(|t| match t.value {
            Ok(b) => {
                best.offer(b.value, "tightened");
                Ok((b.value, t.seconds))
            }
            Err(e) => Err(e.to_string()),
        });
        for run in &measured.runs {
            if let Ok(Solution { bound: Some(b), .. }) = &run.solution.value {
                best.offer(b.value, &run.strategy);
            }
        }
        let rows = measured
            .runs
            .into_iter()
            .map(|run| score(problem, run, best.value))
            .collect();
        Instance {
            label: label.into(),
            seed,
            scenario: problem.name().to_string(),
            size: (
                problem.arms().len(),
                problem.segment_count(),
                problem.threat_count(),
            ),
            relaxation: relaxation.map_err(|e| e.to_string()),
            relaxation_seconds: measured.relaxation.seconds,
            tightened,
            bound: best.value,
            bound_by: best.by,
            rows,
        }
    }

    /// The instance's table: a heading with its size and bounds, then per strategy the
    /// prevented loss, the bound, the gap, the time and the status.
    pub fn table(&self) -> Table {
        let mut t = Table::new(
            self.heading(),
            vec![
                Column::left("strategy"),
                Column::right("prevented loss").with_unit("yuan/yr"),
                Column::right("bound").with_unit("yuan/yr"),
                Column::right("gap"),
                Column::right("ms").with_unit("ms"),
                Column::left("status"),
            ],
        );
        t.intro = self.bound_lines();
        for row in &self.rows {
            t.push(vec![
                Value::text(&row.strategy),
                Value::or_missing(row.value, Value::Money),
                Value::or_missing(self.bound, Value::Money),
                Value::or_missing(row.gap, |g| Value::share(g, 3)),
                Value::number(1e3 * row.seconds, 2),
                Value::text(&row.status),
            ]);
        }
        t
    }

    fn heading(&self) -> String {
        let (arms, segments, threats) = self.size;
        format!(
            "== {}{}: {} — {arms} arms, {segments} segments, {threats} threats ==",
            self.label,
            self.seed.map_or(String::new(), |s| format!(" seed {s}")),
            self.scenario,
        )
    }

    /// What the bounds say, one line each.
    fn bound_lines(&self) -> Vec<String> {
        let mut lines = vec![match &self.relaxation {
            Ok(b) => format!(
                "relaxation bound: no plan prevents more than {b:.0} yuan/yr ({:.1} ms)",
                1e3 * self.relaxation_seconds
            ),
            Err(e) => format!("relaxation bound: failed: {e}"),
        }];
        match &self.tightened {
            Some(Ok((b, seconds))) => lines.push(format!(
                "tightened by branch and bound: no plan prevents more than {b:.0} yuan/yr \
                 ({:.1} ms)",
                1e3 * seconds
            )),
            Some(Err(e)) => lines.push(format!("tightening by branch and bound failed: {e}")),
            None => {}
        }
        if let (Some(best), Some(by), Ok(relaxed), None) = (
            self.bound,
            &self.bound_by,
            &self.relaxation,
            &self.tightened,
        ) {
            // Below 0.0001% the difference is the solvers' tolerances, not worth a line.
            let tighter = gap(best, *relaxed);
            if tighter >= 5e-7 {
                lines.push(format!(
                    "`{by}` proves a tighter bound, {best:.0} yuan/yr ({:.4}% below the \
                     relaxation's); the gaps below are against it",
                    100.0 * tighter
                ));
            }
        }
        lines
    }

    /// The instance's rows as [`csv_columns`] (for [`CsvWriter`](super::CsvWriter)).
    pub fn csv_table(&self) -> Table {
        let mut t = Table::new(self.heading(), csv_columns());
        let seconds = |s: f64| Value::number(micro(s), 6);
        let relaxation = self.relaxation.as_ref().ok().copied();
        let tightened = self.tightened.as_ref().and_then(|t| t.as_ref().ok());
        for row in &self.rows {
            t.push(vec![
                Value::text(&self.label),
                Value::or_missing(self.seed, Value::Count),
                Value::Count(self.size.0 as u64),
                Value::text(&row.strategy),
                Value::or_missing(row.value, Value::Money),
                Value::or_missing(self.bound, Value::Money),
                Value::or_missing(row.gap, |g| Value::share(g, 3)),
                seconds(row.seconds),
                Value::text(&row.status),
                Value::or_missing(relaxation, Value::Money),
                seconds(self.relaxation_seconds),
                Value::or_missing(tightened.map(|t| t.0), Value::Money),
                Value::or_missing(tightened.map(|t| t.1), seconds),
            ]);
        }
        t
    }
}

/// Seconds rounded to microseconds: finer is clock noise.
fn micro(seconds: f64) -> f64 {
    (seconds * 1e6).round() / 1e6
}

/// The columns of [`Instance::csv_table`], one row per (instance, strategy): `size, seed,
/// arms, strategy, value, bound, gap, seconds, status, relaxation_bound, relaxation_seconds,
/// tightened_bound, tightened_seconds`. `bound` and `gap` are against the tightest certified
/// bound known (the table's); `relaxation_*` are the relaxation's own, the same on every row
/// of an instance. `seed` is empty for a fixed scenario, `value` and `gap` when a run gave no
/// plan.
///
/// ```
/// let names: Vec<String> = fanzha::report::compare::csv_columns().into_iter().map(|c| c.name).collect();
/// assert_eq!(names[..4], ["size", "seed", "arms", "strategy"]);
/// ```
pub fn csv_columns() -> Vec<Column> {
    let money = |name: &str| Column::right(name).with_unit("yuan/yr");
    let seconds = |name: &str| Column::right(name).with_unit("s");
    vec![
        Column::left("size"),
        Column::right("seed"),
        Column::right("arms"),
        Column::left("strategy"),
        money("value"),
        money("bound"),
        Column::right("gap"),
        seconds("seconds"),
        Column::left("status"),
        money("relaxation_bound"),
        seconds("relaxation_seconds"),
        money("tightened_bound"),
        seconds("tightened_seconds"),
    ]
}

/// The lowest certified bound offered, and by whom.
#[derive(Default)]
struct Best {
    value: Option<f64>,
    by: Option<String>,
}

impl Best {
    fn offer(&mut self, value: f64, by: &str) {
        if self.value.is_none_or(|v| value < v) {
            self.value = Some(value);
            self.by = Some(by.to_string());
        }
    }
}

/// Scores a run against the instance's `bound`: value, gap, feasibility, and the status.
fn score(problem: &Problem, run: Run, bound: Option<f64>) -> Row {
    let mut row = Row {
        strategy: run.strategy,
        value: None,
        gap: None,
        seconds: run.solution.seconds,
        status: "ok".to_string(),
        failure: None,
        note: None,
    };
    let solution = match run.solution.value {
        Ok(s) => s,
        Err(e) => {
            row.failure = Some(failure_kind(&e));
            row.status = e.to_string();
            return row;
        }
    };
    let value = match evaluate(problem, &solution.plan) {
        Ok(outcome) => outcome.prevented_loss,
        Err(e) => {
            row.failure = Some("error");
            row.status = format!("evaluate: {e}");
            return row;
        }
    };
    row.value = Some(value);
    row.gap = bound.map(|b| gap(value, b));
    if let Err(e) = solution.plan.check(problem) {
        // A plan breaking a constraint is no result: its value says nothing.
        row.failure = Some("infeasible plan");
        row.status = e.to_string();
        return row;
    }
    if let (false, Some(own)) = (solution.proven, &solution.bound) {
        row.note = Some("not proven");
        row.status = format!(
            "not proven: stopped before proving optimality, best plan proven within {:.4}% \
             of the optimum",
            100.0 * own.gap(value)
        );
    }
    if let Some(b) = bound
        && value > b * (1.0 + 1e-9)
    {
        // Cannot happen if the bound is valid: say so loudly.
        row.note = Some("ABOVE THE BOUND");
        row.status = format!("ABOVE THE CERTIFIED BOUND; {}", row.status);
    }
    row
}

/// A short name of an error, for the summary.
fn failure_kind(e: &Error) -> &'static str {
    match e {
        Error::TooLarge { .. } => "too large",
        Error::NotProven { .. } => "not proven",
        Error::FloorsUnaffordable | Error::FloorShortfall { .. } => "floors not met",
        _ => "error",
    }
}

/// The summary's name for the relaxation bound's own row.
const BOUND_ROW: &str = "(relaxation)";

/// What the summary keeps of one (family, strategy).
#[derive(Debug, Default, Clone, PartialEq)]
struct Tally {
    runs: usize,
    gaps: Vec<f64>,
    /// Times of the runs that gave a usable plan (or bound).
    seconds: Vec<f64>,
    /// Reason -> count, for failures and notes.
    reasons: BTreeMap<&'static str, usize>,
}

/// Tallies per (family, strategy) over many instances: runs, plans, median and worst gap,
/// median time, failures and notes by reason.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Summary {
    order: Vec<(String, String)>,
    tallies: BTreeMap<(String, String), Tally>,
}

impl Summary {
    /// Counts `instance` under its label.
    pub fn add(&mut self, instance: &Instance) {
        let size = &instance.label;
        let tally = self.tally(size, BOUND_ROW);
        tally.runs += 1;
        match &instance.relaxation {
            Ok(_) => tally.seconds.push(instance.relaxation_seconds),
            Err(_) => *tally.reasons.entry("failed").or_default() += 1,
        }
        for row in &instance.rows {
            let tally = self.tally(size, &row.strategy);
            tally.runs += 1;
            match row.failure {
                Some(kind) => *tally.reasons.entry(kind).or_default() += 1,
                None => {
                    tally.seconds.push(row.seconds);
                    tally.gaps.extend(row.gap);
                }
            }
            if let Some(note) = row.note {
                *tally.reasons.entry(note).or_default() += 1;
            }
        }
    }

    fn tally(&mut self, size: &str, strategy: &str) -> &mut Tally {
        let key = (size.to_string(), strategy.to_string());
        if !self.tallies.contains_key(&key) {
            self.order.push(key.clone());
        }
        self.tallies.entry(key).or_default()
    }

    /// The summary table, a row per (family, strategy) in the order first seen.
    pub fn table(&self) -> Table {
        let mut t = Table::new(
            "Summary: gap = 1 - value / certified bound (no plan is further from the \
             optimum); median and worst over the runs that gave a plan",
            vec![
                Column::left("size"),
                Column::left("strategy"),
                Column::right("runs"),
                Column::right("planned"),
                Column::right("median gap"),
                Column::right("worst gap"),
                Column::right("median ms").with_unit("ms"),
                Column::left("failed / notes"),
            ],
        );
        for key in &self.order {
            let tally = &self.tallies[key];
            let reasons: Vec<String> = tally
                .reasons
                .iter()
                .map(|(why, n)| format!("{n} {why}"))
                .collect();
            let gap = |g: Option<f64>| Value::or_missing(g, |g| Value::share(g, 3));
            t.push(vec![
                Value::text(&key.0),
                Value::text(&key.1),
                Value::Count(tally.runs as u64),
                Value::Count(tally.seconds.len() as u64),
                gap(median(&tally.gaps)),
                gap(tally.gaps.iter().copied().reduce(f64::max)),
                Value::or_missing(median(&tally.seconds), |s| Value::number(1e3 * s, 2)),
                Value::text(reasons.join(", ")),
            ]);
        }
        t
    }
}

/// The median, `None` of nothing.
fn median(xs: &[f64]) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    })
}

/// The tables of a finished comparison: each instance's, then the summary of all.
///
/// A long comparison that prints as it goes uses [`Instance::table`] and [`Summary`]
/// directly instead. See the [module example](self).
pub fn comparison(instances: &[Instance]) -> Vec<Table> {
    let mut summary = Summary::default();
    let mut tables = Vec::with_capacity(instances.len() + 1);
    for instance in instances {
        tables.push(instance.table());
        summary.add(instance);
    }
    tables.push(summary.table());
    tables
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{self, Config};
    use crate::optimize::{Exact, Greedy, Relaxation, Strategy, UpperBound};
    use crate::plan::Plan;

    fn tiny() -> Problem {
        generate::scenario(&Config::tiny(), 1)
            .compile()
            .expect("a generated scenario compiles")
    }

    fn timed<T>(value: T) -> Timed<T> {
        Timed {
            value,
            seconds: 0.001,
        }
    }

    fn run(strategy: &str, solution: Result<Solution, Error>) -> Run {
        Run {
            strategy: strategy.to_string(),
            solution: timed(solution),
        }
    }

    fn measured(problem: &Problem, runs: Vec<Run>) -> Measured {
        Measured {
            relaxation: timed(Relaxation.upper_bound(problem)),
            tightened: None,
            runs,
        }
    }

    #[test]
    fn a_strategys_own_bound_tightens_the_instance_bound() {
        let problem = tiny();
        let exact = Exact::default().solve(&problem).expect("exact solves tiny");
        let own = exact.bound.as_ref().expect("exact bounds").value;
        let runs = vec![run("exact", Ok(exact))];
        let instance = Instance::score(&problem, "tiny", Some(1), measured(&problem, runs));
        let relaxed = *instance.relaxation.as_ref().expect("relaxation");
        assert_eq!(instance.bound, Some(own.min(relaxed)));
        if own < relaxed {
            assert_eq!(instance.bound_by.as_deref(), Some("exact"));
            let table = instance.table();
            assert!(table.intro.iter().any(|l| l.starts_with("`exact` proves")));
        }
        assert_eq!(instance.rows[0].status, "ok");
    }

    #[test]
    fn an_unproven_solution_with_a_bound_is_noted_generically() {
        let problem = tiny();
        let plan = Greedy::default().plan(&problem).expect("greedy plans");
        let value = evaluate(&problem, &plan).expect("evaluates").prevented_loss;
        let solution = Solution {
            plan,
            bound: Some(Bound::certified(2.0 * value)),
            proven: false,
        };
        let runs = vec![run("anything", Ok(solution))];
        let instance = Instance::score(&problem, "tiny", Some(1), measured(&problem, runs));
        let row = &instance.rows[0];
        assert_eq!(row.note, Some("not proven"));
        assert!(row.status.contains("within 50.0000%"), "{}", row.status);
        assert_eq!(row.failure, None, "an unproven plan is still a plan");
    }

    #[test]
    fn failures_and_infeasible_plans_are_rows() {
        let problem = tiny();
        let mut over = Plan::empty(&problem);
        for a in crate::core::ArmId::range(problem.arms().len()) {
            over.set(a, 1000);
        }
        let runs = vec![
            run("broken", Ok(Solution::unproven(over))),
            run("failing", Err(Error::FloorsUnaffordable)),
        ];
        let instance = Instance::score(&problem, "tiny", Some(1), measured(&problem, runs));
        assert_eq!(instance.rows[0].failure, Some("infeasible plan"));
        assert!(instance.rows[0].value.is_some(), "its value is still shown");
        assert_eq!(instance.rows[1].failure, Some("floors not met"));
        assert_eq!(instance.rows[1].value, None);

        let mut summary = Summary::default();
        summary.add(&instance);
        let t = summary.table();
        let failed = |name: &str| {
            let i = t.rows.iter().position(|r| r[1] == Value::text(name));
            i.and_then(|i| t.cell(i, "failed / notes")).cloned()
        };
        assert_eq!(failed("broken"), Some(Value::text("1 infeasible plan")));
        assert_eq!(failed("failing"), Some(Value::text("1 floors not met")));
        assert_eq!(failed(BOUND_ROW), Some(Value::text("")));
    }

    #[test]
    fn csv_rows_carry_every_column() {
        let problem = tiny();
        let runs = vec![run("greedy", Greedy::default().solve(&problem))];
        let instance = Instance::score(&problem, "tiny", Some(7), measured(&problem, runs));
        let t = instance.csv_table();
        assert_eq!(t.columns, csv_columns());
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].len(), t.columns.len());
        assert_eq!(t.cell(0, "seed"), Some(&Value::Count(7)));
        assert_eq!(t.cell(0, "tightened_bound"), Some(&Value::Missing));
        assert_eq!(t.cell(0, "seconds"), Some(&Value::number(0.001, 6)));
    }

    #[test]
    fn median_of_odd_even_and_none() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
    }
}
