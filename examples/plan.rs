//! The planners' program: plan a campaign, print it with its KPIs and the blanket baseline.
//!
//! ```text
//! cargo run --release --example plan                      # built-in Jurong 2023 scenario
//! cargo run --release --example plan -- --budget 300000   # another budget
//! cargo run --release --example plan -- --bound           # how far from optimal, certified
//! cargo run --release --example plan -- --scenario my.json --strategy greedy --json > plan.json
//! cargo run --release --example plan -- --scenario my.json --evaluate plan.json --bound
//! cargo run --release --example plan -- --write-scenario template.json
//! cargo run --release --example plan -- --weeks 12            # a 12-week calendar
//! cargo run --release --example plan -- --weeks 12 --json > calendar.json
//! cargo run --release --example plan -- --weeks 12 --evaluate calendar.json
//! ```
//!
//! `--weeks N` (or `--calendar`, for the scenario's own number of weeks) plans week by week
//! with the scenario's `calendar` section ([`fanzha::calendar`]): it prints a week x
//! placement calendar, the list of what to run each week and the loss prevented each week;
//! with `--json` each allocation carries its `"week"`, with `--csv` the week-by-week list and
//! the risk reduction per week, group and threat are CSV. Without either flag the plan is the
//! one-period (yearly) model, as before.
//!
//! The default strategy is `greedy+ls` (the greedy followed by local search: the best plans);
//! `--strategy` takes any name of [`fanzha::STRATEGIES`]. `--bound` computes the certified
//! upper bound ([`fanzha::optimize::bound`]) and fills `upper_bound` and `gap` in the plan
//! JSON (they are `null` without it).
//!
//! The tables and the JSON come from [`fanzha::report`]; this program parses the command
//! line, calls the library and writes to stdout.
//!
//! Exit codes (also in `--help`):
//!
//! | code | meaning |
//! |---|---|
//! | 0 | ok: the plan (made or evaluated) meets every constraint |
//! | 2 | bad input: a one-line error on stderr naming the file, item and field; nothing on stdout |
//! | 3 | the plan was evaluated but breaks a constraint: the evaluation and the violations are printed (with `--json`, the violations go to stderr as warnings) |

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use fanzha::optimize::bound;
use fanzha::prelude::*;
use fanzha::report::{self, Baseline};

mod common;

/// Plan a targeted anti-fraud publicity campaign.
#[derive(Debug, Parser)]
#[command(version, about, long_about = None)]
struct Args {
    /// Scenario JSON file (default: the built-in Jurong 2023 scenario).
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,
    /// Money available, overriding the scenario's (yuan).
    #[arg(long, value_name = "YUAN", allow_negative_numbers = true)]
    budget: Option<f64>,
    /// Staff hours available, overriding the scenario's.
    #[arg(long, value_name = "H", allow_negative_numbers = true)]
    staff_hours: Option<f64>,
    /// Strategy (`main` lists the names).
    #[arg(long, value_name = "NAME", default_value = "greedy+ls")]
    strategy: String,
    /// Baseline to compare with (`main` lists the names).
    #[arg(long, value_name = "NAME", default_value = "blanket")]
    baseline: String,
    /// Also compute the certified upper bound: no plan can prevent more loss. Fills
    /// `upper_bound` and `gap` in the JSON; prints them in the tables.
    #[arg(long)]
    bound: bool,
    /// Print the plan JSON (plan, outcome) on stdout instead of tables.
    #[arg(long)]
    json: bool,
    /// Score a plan file (e.g. a hand-made one) instead of planning.
    #[arg(long, value_name = "PLAN.json")]
    evaluate: Option<PathBuf>,
    /// Write the scenario (the built-in one by default) as JSON, a template to edit, and exit.
    #[arg(long, value_name = "FILE")]
    write_scenario: Option<PathBuf>,
    /// Plan week by week for N weeks (1-52) with the scenario's calendar section.
    #[arg(long, value_name = "N")]
    weeks: Option<usize>,
    /// Plan week by week with the scenario's calendar section as written.
    #[arg(long)]
    calendar: bool,
    /// With a calendar, print the week-by-week list and the risk by week as CSV.
    #[arg(long)]
    csv: bool,
}

fn main() -> ExitCode {
    // `STRATEGY_NAMES`, the names of `fanzha::STRATEGIES` in its order.
    let names = common::strategy_names();
    let args: Args = match common::parse(|c| {
        c.mut_arg("strategy", |a| a.help(format!("Strategy: {names}")))
            .mut_arg("baseline", |a| {
                a.help(format!("Baseline to compare with: {names}"))
            })
            .after_help(after_help())
    }) {
        Ok(args) => args,
        Err(code) => return code,
    };
    match run(&args) {
        Ok(Verdict::Infeasible) => ExitCode::from(INFEASIBLE),
        result => common::exit(result.map(|_| ())),
    }
}

/// Exit code of a plan evaluated but infeasible.
const INFEASIBLE: u8 = 3;

/// Whether the plan printed meets every constraint.
enum Verdict {
    Feasible,
    Infeasible,
}

impl Verdict {
    fn of(violations: &[Violation]) -> Verdict {
        if violations.is_empty() {
            Verdict::Feasible
        } else {
            Verdict::Infeasible
        }
    }
}

/// The strategies and what they do, from the registry, and the exit codes.
fn after_help() -> String {
    let width = fanzha::STRATEGIES
        .iter()
        .map(|s| s.name.len())
        .max()
        .unwrap_or(0);
    let mut text = String::from("Strategies:\n");
    for s in fanzha::STRATEGIES {
        text.push_str(&format!("  {:<width$}  {}\n", s.name, s.about));
    }
    text.push_str(
        "\nExit codes:\n  \
         0  ok: the plan meets every constraint\n  \
         2  bad input (one error line on stderr)\n  \
         3  the plan was evaluated but breaks a constraint (evaluation and violations printed)\n",
    );
    text
}

fn run(args: &Args) -> Result<Verdict, String> {
    let source = args
        .scenario
        .as_ref()
        .map_or("built-in scenario".to_string(), |p| p.display().to_string());
    let scenario = match &args.scenario {
        Some(path) => Scenario::from_path(path).map_err(|e| e.to_string())?,
        None => scenarios::jurong_2023(),
    };
    if let Some(path) = &args.write_scenario {
        return write_scenario(args, scenario, &source, path).map(|()| Verdict::Feasible);
    }
    let calendar = args.weeks.is_some() || args.calendar;
    let problem = if calendar {
        weekly_problem(args, scenario, &source)?
    } else {
        compile(args, scenario, &source)?
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match &args.evaluate {
        Some(path) => evaluate_file(args, &problem, path, &mut out),
        None => plan(args, &problem, &source, &mut out),
    }
}

/// `--write-scenario`: the scenario, with the limits asked for on the command line.
fn write_scenario(
    args: &Args,
    mut scenario: Scenario,
    source: &str,
    path: &Path,
) -> Result<(), String> {
    if args.budget.is_some() {
        scenario.resources.money = args.budget;
    }
    if args.staff_hours.is_some() {
        scenario.resources.staff_hours = args.staff_hours;
    }
    scenario.compile().map_err(|e| format!("{source}: {e}"))?;
    std::fs::write(path, scenario.to_json() + "\n")
        .map_err(|e| format!("{}: {e}", path.display()))?;
    common::warn(format_args!(
        "wrote {} to {}",
        scenario.name,
        path.display()
    ));
    Ok(())
}

/// The scenario compiled, with the command line's limits.
fn compile(args: &Args, scenario: Scenario, source: &str) -> Result<Problem, String> {
    let mut problem = scenario.compile().map_err(|e| format!("{source}: {e}"))?;
    if let Some(b) = args.budget {
        problem
            .set_money(Some(b))
            .map_err(|e| format!("--budget: {e}"))?;
    }
    if let Some(h) = args.staff_hours {
        problem
            .set_staff_hours(Some(h))
            .map_err(|e| format!("--staff-hours: {e}"))?;
    }
    Ok(problem)
}

/// `--evaluate FILE`: scores a plan file.
fn evaluate_file(
    args: &Args,
    problem: &Problem,
    path: &Path,
    out: &mut impl Write,
) -> Result<Verdict, String> {
    let file = PlanReport::from_path(path).map_err(|e| e.to_string())?;
    if file.scenario != problem.name() {
        common::warn(format_args!(
            "warning: {} is a plan for scenario {:?}, scored here against {:?}",
            path.display(),
            file.scenario,
            problem.name()
        ));
    }
    let plan = file
        .plan(problem)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let report = write_up(args, problem, &file.strategy, &plan)?;
    let violations = plan.violations(problem).map_err(|e| e.to_string())?;
    if args.json {
        emit(report::write_plan_json(out, &report))?;
        warn(&violations, args.bound);
    } else if problem.structure().weeks.is_some() {
        calendar_out(args, problem, &report, &plan, out)?;
        for v in &violations {
            emit(writeln!(out, "breaks {v}"))?;
        }
    } else {
        let tables = report::plan_tables(problem, &report, None).map_err(|e| e.to_string())?;
        emit(report::write_text(out, &tables))?;
    }
    Ok(Verdict::of(&violations))
}

/// Plans with `--strategy` and prints it with the `--baseline`.
fn plan(
    args: &Args,
    problem: &Problem,
    source: &str,
    out: &mut impl Write,
) -> Result<Verdict, String> {
    let strategy = fanzha::strategy(&args.strategy).map_err(|e| format!("--strategy: {e}"))?;
    let baseline = fanzha::strategy(&args.baseline).map_err(|e| format!("--baseline: {e}"))?;
    let plan = strategy
        .plan(problem)
        .map_err(|e| format!("{source}: {e}"))?;
    let report = write_up(args, problem, strategy.name(), &plan)?;
    // Every strategy promises a feasible plan; should one break that, say so as for a file.
    let violations = plan.violations(problem).map_err(|e| e.to_string())?;
    if args.json {
        emit(report::write_plan_json(out, &report))?;
        warn(&violations, args.bound);
        return Ok(Verdict::of(&violations));
    }
    if problem.structure().weeks.is_some() {
        calendar_out(args, problem, &report, &plan, out)?;
        return Ok(Verdict::of(&violations));
    }
    let base = if baseline.name() == strategy.name() {
        None
    } else {
        let base_plan = baseline
            .plan(problem)
            .map_err(|e| format!("{source}: baseline {}: {e}", baseline.name()))?;
        Some(Baseline::new(problem, baseline.name(), &base_plan).map_err(|e| e.to_string())?)
    };
    let tables = report::plan_tables(problem, &report, base.as_ref()).map_err(|e| e.to_string())?;
    emit(report::write_text(out, &tables))?;
    Ok(Verdict::of(&violations))
}

/// The calendar problem of the scenario's `calendar` section (with `--weeks`, that many weeks)
/// over its yearly problem (with `--budget` and `--staff-hours`).
fn weekly_problem(args: &Args, scenario: Scenario, source: &str) -> Result<Problem, String> {
    let yearly = compile(args, scenario.clone(), source)?;
    let calendar = scenario
        .compile_calendar(&yearly)
        .map_err(|e| format!("{source}: {e}"))?
        .ok_or_else(|| {
            format!("{source}: has no calendar section, which --weeks and --calendar need")
        })?;
    let calendar = match args.weeks {
        Some(n) => calendar
            .with_weeks(n)
            .map_err(|e| format!("--weeks: {e}"))?,
        None => calendar,
    };
    calendar
        .unroll(&yearly)
        .map_err(|e| format!("{source}: {e}"))
}

/// A calendar plan as text (summary and the calendar tables) or, with `--csv`, as CSV.
fn calendar_out(
    args: &Args,
    problem: &Problem,
    report: &PlanReport,
    plan: &Plan,
    out: &mut impl Write,
) -> Result<(), String> {
    let tables = report::calendar_tables(problem, plan).map_err(|e| e.to_string())?;
    if args.csv {
        emit(report::write_csv(out, &tables[1]))?;
        emit(writeln!(out))?;
        let risk = report::risk_by_week(problem, plan).map_err(|e| e.to_string())?;
        return emit(report::write_csv(out, &risk));
    }
    if let Some(o) = &report.outcome {
        let cur = problem.currency();
        emit(writeln!(
            out,
            "{} ({}): prevents {:.0} {cur} of {:.0} {cur} at risk in the weeks counted, \
             spends {:.0} {cur} and {:.0} staff hours",
            problem.name(),
            report.strategy,
            o.prevented_loss,
            o.loss_at_risk,
            o.spend,
            o.staff_hours
        ))?;
        if let (Some(b), Some(g)) = (o.upper_bound, o.gap) {
            emit(writeln!(
                out,
                "certified bound {b:.0} {cur}: at most {:.2}% from optimal",
                g * 100.0
            ))?;
        }
        emit(writeln!(out))?;
    }
    emit(report::write_text(out, &tables))
}

/// The plan file of `plan`, with the certified bound when `--bound` asks for it.
fn write_up(
    args: &Args,
    problem: &Problem,
    strategy: &str,
    plan: &Plan,
) -> Result<PlanReport, String> {
    let mut report = PlanReport::new(problem, strategy, plan).map_err(|e| e.to_string())?;
    if args.bound {
        let b = bound(problem).map_err(|e| format!("--bound: {e}"))?;
        report.outcome = report.outcome.take().map(|o| o.with_bound(b.value));
    }
    Ok(report)
}

/// With `--json`, the constraints a plan breaks go to stderr (the tables list them on stdout).
fn warn(violations: &[Violation], bound: bool) {
    for v in violations {
        common::warn(format_args!("warning: plan breaks {v}"));
    }
    if bound && !violations.is_empty() {
        common::warn(format_args!(
            "warning: the bound holds for plans that meet every constraint; this one does \
             not, so its gap says nothing"
        ));
    }
}

/// An error writing to stdout: a closed pipe ends quietly, others are one line.
fn emit(result: std::io::Result<()>) -> Result<(), String> {
    common::written(result)
}
