//! The planners' program: plan a campaign, print it with its KPIs and the blanket baseline.
//!
//! ```text
//! cargo run --release --example plan                      # built-in Jurong 2023 scenario
//! cargo run --release --example plan -- --budget 300000   # another budget
//! cargo run --release --example plan -- --bound           # how far from optimal, certified
//! cargo run --release --example plan -- --scenario my.json --strategy greedy --json > plan.json
//! cargo run --release --example plan -- --scenario my.json --evaluate plan.json --bound
//! cargo run --release --example plan -- --write-scenario template.json
//! cargo run --release --example plan -- --uncertainty 1000   # intervals, tornado, EVPPI
//! cargo run --release --example plan -- --robust 0.5,0.1      # robust to the worst 10% of draws
//! cargo run --release --example plan -- --weeks 12            # a 12-week calendar
//! cargo run --release --example plan -- --weeks 12 --json > calendar.json
//! cargo run --release --example plan -- --weeks 12 --evaluate calendar.json
//! cargo run --release --example plan -- --html report.html --lang zh   # the report for leaders
//! cargo run --release --example plan -- --analyses           # frontier, joint vs siloed, floor prices
//! cargo run --release --example plan -- --target cases=200    # the cheapest plan preventing 200 cases a year
//! ```
//!
//! `--analyses` adds, after the plan, the budget frontier (20 budgets up to twice the money
//! limit, with the certified bound, the baseline and the knee), each department planning alone
//! against the joint plan, and the price of each fairness floor ([`fanzha::analysis`]).
//! `--target cases=N` (or `loss=N`, yuan) plans the cheapest plan preventing at least that much
//! a year, replacing the money limit, and says what any such plan must cost at least.
//!
//! `--weeks N` (or `--calendar`, for the scenario's own number of weeks) plans week by week
//! with the scenario's `calendar` section ([`fanzha::calendar`]): it prints a week x
//! placement calendar, the list of what to run each week and the loss prevented each week;
//! with `--json` each allocation carries its `"week"`, with `--csv` the week-by-week list and
//! the risk reduction per week, group and threat are CSV. Without either flag the plan is the
//! one-period (yearly) model, as before.
//!
//! The default strategy is `reallocate` (the greedy, local search, then the relaxation's
//! allocation of the plan's open placements and messages, rounded: the best plans) for a
//! yearly plan and `greedy+ls` for a calendar or robust plan (on Jurong's calendars
//! `reallocate` gives back `greedy+ls`'s plan for one more Frank-Wolfe solve; a robust plan's
//! sample problem is draws times the size); `--strategy` takes any name of
//! [`fanzha::STRATEGIES`]. `--bound` computes the certified
//! upper bound ([`fanzha::optimize::bound`]) and fills `upper_bound` and `gap` in the plan
//! JSON (they are `null` without it).
//!
//! `--uncertainty N` draws the scenario's `uncertainty` section N times (its seed): the plan's
//! prevented loss and cases with mean, sd and 5/50/95% quantiles, how often it beats the
//! baseline, the tornado (which assumptions move the result, and whether the best plan
//! changes) and the EVPPI (which is worth measuring first). With `--json` they go to
//! `outcome.uncertainty`.
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
use fanzha::analysis::{self, Goal};
use fanzha::optimize::{Bound, bound};
use fanzha::prelude::*;
use fanzha::report::{self, Baseline, RobustReport, UncertaintyReport};
use fanzha::uncertainty::{Robust, Uncertainty, sensitivity, versus};

mod common;
// A crate root resolves `mod` next to itself (examples/html.rs): name the file.
#[path = "plan/html.rs"]
mod html;

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
    /// Strategy (`main` lists the names). Default: reallocate; greedy+ls for a calendar or
    /// robust plan.
    #[arg(long, value_name = "NAME")]
    strategy: Option<String>,
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
    /// Draw the scenario's uncertainty section N times: intervals of the KPIs, the plan
    /// against the baseline over the draws, the tornado and the EVPPI.
    #[arg(long, value_name = "N")]
    uncertainty: Option<usize>,
    /// Plan robustly: maximise (1 - BETA) mean + BETA CVaR of the worst ALPHA share (default
    /// 0.1) of 200 sample draws of the uncertainty section; prints the certified bound on the
    /// sample objective and the plan's value on 1,000 fresh draws (implies `--uncertainty`
    /// with the scenario's draws unless given). `--strategy` plans the sample problem, which
    /// is D times the size: `--strategy greedy` is far faster than the default (greedy+ls).
    #[arg(long, value_name = "BETA[,ALPHA]", value_parser = parse_robust)]
    robust: Option<(f64, f64)>,
    /// Sample draws of `--robust` (fresh draws: five times as many, validation draws:
    /// two and a half times).
    #[arg(long, value_name = "D", default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..))]
    robust_draws: u64,
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
    /// Write the report for leaders, one self-contained HTML page (KPIs, task lists per
    /// department, frontier, spend, heat map, response, calendar, uncertainty), to FILE.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Language of the HTML report: zh or en.
    #[arg(long, value_name = "zh|en", default_value = "en", value_parser = html::parse_lang)]
    lang: fanzha::report::html::Lang,
    /// After the plan, print the budget frontier, each department alone against the joint
    /// plan, and the price of each fairness floor.
    #[arg(long)]
    analyses: bool,
    /// Plan the cheapest plan preventing at least N cases (`cases=N`) or N yuan (`loss=N`) a
    /// year: the money limit is searched, every other limit kept.
    #[arg(long, value_name = "cases=N|loss=N", value_parser = parse_target)]
    target: Option<Goal>,
    /// Timely's arguments after a second `--` (`-w N`, `-n N -p I -h FILE`): the Monte Carlo
    /// of `--uncertainty` on several threads or processes (the same result; process 0 prints).
    #[arg(last = true, value_name = "TIMELY")]
    timely: Vec<String>,
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
    if calendar && (args.uncertainty.is_some() || args.robust.is_some()) {
        return Err(
            "--uncertainty and --robust do not yet work with a calendar (--weeks, --calendar)"
                .to_string(),
        );
    }
    let (problem, uncertainty) = if calendar {
        let u = Uncertainty::none(1, 0);
        (weekly_problem(args, scenario, &source)?, u)
    } else {
        compile(args, scenario, &source)?
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let run = Run {
        problem: &problem,
        uncertainty: &uncertainty,
    };
    match &args.evaluate {
        Some(path) => evaluate_file(args, &run, path, &mut out),
        None => plan(args, &run, &source, &mut out),
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

/// The problem and its uncertainty.
struct Run<'a> {
    problem: &'a Problem,
    uncertainty: &'a Uncertainty,
}

/// The scenario compiled (with its uncertainty section), with the command line's limits.
fn compile(
    args: &Args,
    scenario: Scenario,
    source: &str,
) -> Result<(Problem, Uncertainty), String> {
    let (mut problem, uncertainty) = scenario
        .compile_uncertain()
        .map_err(|e| format!("{source}: {e}"))?;
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
    Ok((problem, uncertainty))
}

/// `--evaluate FILE`: scores a plan file.
fn evaluate_file(
    args: &Args,
    run: &Run<'_>,
    path: &Path,
    out: &mut impl Write,
) -> Result<Verdict, String> {
    let problem = run.problem;
    if args.robust.is_some() {
        return Err("--robust makes a plan; it cannot score one given with --evaluate".into());
    }
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
    let strategy = strategy(args, problem)?;
    let uncertain = uncertain(args, run, &plan, strategy.as_ref(), None)?;
    if args.json {
        emit(write_json(out, &report, uncertain.as_ref()))?;
        warn(&violations, args.bound);
    } else if problem.structure().weeks.is_some() {
        calendar_out(args, problem, &report, &plan, out)?;
        for v in &violations {
            emit(writeln!(out, "breaks {v}"))?;
        }
    } else {
        let mut tables = report::plan_tables(problem, &report, None).map_err(|e| e.to_string())?;
        if let Some(u) = &uncertain {
            tables.extend(report::uncertainty_tables(u, problem.currency()));
        }
        emit(report::write_text(out, &tables))?;
    }
    Ok(Verdict::of(&violations))
}

/// `--strategy`, or the default: `reallocate` for a yearly plan, `greedy+ls` for a calendar
/// plan and a robust plan (on Jurong's calendars `reallocate` gives back `greedy+ls`'s plan
/// for one more Frank-Wolfe solve; a robust plan's sample problem is draws times the size).
fn strategy(args: &Args, problem: &Problem) -> Result<Box<dyn Strategy>, String> {
    let large = problem.structure().weeks.is_some() || args.robust.is_some();
    let name = args
        .strategy
        .as_deref()
        .unwrap_or(if large { "greedy+ls" } else { "reallocate" });
    fanzha::strategy(name).map_err(|e| format!("--strategy: {e}"))
}

/// Plans with `--strategy` and prints it with the `--baseline`.
fn plan(args: &Args, run: &Run<'_>, source: &str, out: &mut impl Write) -> Result<Verdict, String> {
    let problem = run.problem;
    let strategy = strategy(args, problem)?;
    let baseline = fanzha::strategy(&args.baseline).map_err(|e| format!("--baseline: {e}"))?;
    if let Some(goal) = args.target {
        return target(args, problem, strategy.as_ref(), goal, out);
    }
    let (plan, robust, known) = match args.robust {
        Some(ab) => {
            let (plan, r) = robust_plan(run, ab, args.robust_draws as usize, strategy.as_ref())?;
            (plan, Some(r), None)
        }
        // With `--bound`, the plan and the bound on two threads (as `plan_and_bound` does),
        // in the time of the slower; each error says which of the two failed.
        None if args.bound => {
            let (plan, b) = rayon::join(|| strategy.plan(problem), || bound(problem));
            let plan = plan.map_err(|e| format!("{source}: {e}"))?;
            (plan, None, Some(b.map_err(|e| format!("--bound: {e}"))?))
        }
        None => (
            strategy
                .plan(problem)
                .map_err(|e| format!("{source}: {e}"))?,
            None,
            None,
        ),
    };
    let name = match &robust {
        Some(_) => format!("robust({})", strategy.name()),
        None => strategy.name().to_string(),
    };
    let report = write_up_with(args, problem, &name, &plan, known)?;
    // Every strategy promises a feasible plan; should one break that, say so as for a file.
    let violations = plan.violations(problem).map_err(|e| e.to_string())?;
    let base_plan = if baseline.name() == strategy.name()
        || problem.structure().weeks.is_some()
        || (args.json && args.uncertainty.is_none())
    {
        None
    } else {
        Some(
            baseline
                .plan(problem)
                .map_err(|e| format!("{source}: baseline {}: {e}", baseline.name()))?,
        )
    };
    let against = base_plan.as_ref().map(|p| (baseline.name(), p));
    let mut uncertain = uncertain(args, run, &plan, strategy.as_ref(), against)?;
    if let Some(u) = &mut uncertain {
        u.robust = robust;
    }
    if let Some(path) = &args.html {
        let input = html::Input {
            problem,
            uncertainty: run.uncertainty,
            strategy: strategy.as_ref(),
            baseline: baseline.as_ref(),
            report: &report,
            plan: &plan,
            uncertain: uncertain.as_ref(),
        };
        html::write(&input, args.lang, path)?;
        common::warn(format_args!("wrote the report to {}", path.display()));
        return Ok(Verdict::of(&violations));
    }
    if args.json {
        emit(write_json(out, &report, uncertain.as_ref()))?;
        warn(&violations, args.bound);
        return Ok(Verdict::of(&violations));
    }
    if problem.structure().weeks.is_some() {
        calendar_out(args, problem, &report, &plan, out)?;
        if args.analyses && !args.csv {
            let tables = analyses(problem, strategy.as_ref(), baseline.as_ref(), &plan)?;
            emit(writeln!(out))?;
            emit(report::write_text(out, &tables))?;
        }
        return Ok(Verdict::of(&violations));
    }
    let base = match &base_plan {
        Some(p) => Some(Baseline::new(problem, baseline.name(), p).map_err(|e| e.to_string())?),
        None => None,
    };
    let mut tables =
        report::plan_tables(problem, &report, base.as_ref()).map_err(|e| e.to_string())?;
    if let Some(u) = &uncertain {
        tables.extend(report::uncertainty_tables(u, problem.currency()));
    }
    if args.analyses {
        tables.extend(analyses(
            problem,
            strategy.as_ref(),
            baseline.as_ref(),
            &plan,
        )?);
    }
    emit(report::write_text(out, &tables))?;
    Ok(Verdict::of(&violations))
}

/// `--analyses`: the budget frontier, joint against siloed, the price of each floor.
fn analyses(
    problem: &Problem,
    strategy: &dyn Strategy,
    baseline: &dyn Strategy,
    plan: &Plan,
) -> Result<Vec<report::Table>, String> {
    let err = |e: fanzha::Error| format!("--analyses: {e}");
    let cur = problem.currency();
    let budgets = analysis::default_budgets(problem, analysis::DEFAULT_POINTS);
    let frontier = analysis::frontier(problem, strategy, baseline, &budgets).map_err(err)?;
    let mut tables = vec![report::frontier_table(&frontier, cur)];
    if !problem.departments().is_empty() {
        let s = analysis::siloed(problem, strategy, plan).map_err(err)?;
        tables.push(report::siloed_table(&s, cur));
    }
    let prices = analysis::floor_prices(problem, strategy, plan).map_err(err)?;
    tables.push(report::floor_price_table(problem, &prices));
    Ok(tables)
}

/// `--target`: the cheapest plan for the goal, printed (or written as JSON) at the money limit
/// it was planned with.
fn target(
    args: &Args,
    problem: &Problem,
    strategy: &dyn Strategy,
    goal: Goal,
    out: &mut impl Write,
) -> Result<Verdict, String> {
    if args.robust.is_some() || args.uncertainty.is_some() {
        return Err("--target does not yet work with --robust or --uncertainty".into());
    }
    let t =
        analysis::cheapest_for(problem, strategy, goal).map_err(|e| format!("--target: {e}"))?;
    let mut at = problem.clone();
    at.set_money(Some(t.budget)).map_err(|e| e.to_string())?;
    let report = write_up(
        args,
        &at,
        &format!("cheapest({})", strategy.name()),
        &t.plan,
    )?;
    let violations = t.plan.violations(&at).map_err(|e| e.to_string())?;
    if args.json {
        emit(write_json(out, &report, None))?;
        warn(&violations, args.bound);
        return Ok(Verdict::of(&violations));
    }
    if at.structure().weeks.is_some() {
        emit(report::write_text(
            out,
            &[report::target_table(&t, at.currency())],
        ))?;
        emit(writeln!(out))?;
        calendar_out(args, &at, &report, &t.plan, out)?;
        return Ok(Verdict::of(&violations));
    }
    let mut tables = vec![report::target_table(&t, at.currency())];
    tables.extend(report::plan_tables(&at, &report, None).map_err(|e| e.to_string())?);
    emit(report::write_text(out, &tables))?;
    Ok(Verdict::of(&violations))
}

/// `cases=N` or `loss=N` of `--target`.
fn parse_target(text: &str) -> Result<Goal, String> {
    let (kind, n) = text
        .split_once('=')
        .ok_or_else(|| format!("{text:?}: expected cases=N or loss=N"))?;
    let n: f64 = n
        .trim()
        .parse()
        .map_err(|_| format!("{n:?} is not a number"))?;
    if !(n.is_finite() && n > 0.0) {
        return Err(format!("N must be a positive number, got {n}"));
    }
    match kind.trim() {
        "cases" => Ok(Goal::Cases(n)),
        "loss" => Ok(Goal::Loss(n)),
        other => Err(format!("{other:?}: expected cases=N or loss=N")),
    }
}

/// `--robust BETA[,ALPHA]`: the robust plan (inner strategy `strategy`) and its numbers.
fn robust_plan(
    run: &Run<'_>,
    (beta, alpha): (f64, f64),
    draws: usize,
    strategy: &dyn Strategy,
) -> Result<(Plan, RobustReport), String> {
    let robust = Robust {
        beta,
        alpha,
        draws,
        fresh: 5 * draws,
        validation: 5 * draws / 2,
        ..Robust::default()
    };
    let s = robust
        .solve(run.problem, run.uncertainty, strategy)
        .map_err(|e| format!("--robust: {e}"))?;
    let report = RobustReport::new(&robust, &s);
    Ok((s.plan, report))
}

/// `BETA[,ALPHA]` of `--robust` (ALPHA 0.1 when left out).
fn parse_robust(text: &str) -> Result<(f64, f64), String> {
    let number = |s: &str| {
        s.trim()
            .parse::<f64>()
            .map_err(|_| format!("{s:?} is not a number"))
    };
    let (beta, alpha) = match text.split_once(',') {
        Some((b, a)) => (number(b)?, number(a)?),
        None => (number(text)?, 0.1),
    };
    if !(0.0..=1.0).contains(&beta) {
        return Err(format!("BETA must be in [0, 1], got {beta}"));
    }
    if !(alpha > 0.0 && alpha <= 1.0) {
        return Err(format!("ALPHA must be in (0, 1], got {alpha}"));
    }
    Ok((beta, alpha))
}

/// `--uncertainty N`: the plan over N draws, against the baseline, and its sensitivity
/// (re-planning with `strategy`).
fn uncertain(
    args: &Args,
    run: &Run<'_>,
    plan: &Plan,
    strategy: &dyn Strategy,
    baseline: Option<(&str, &Plan)>,
) -> Result<Option<UncertaintyReport>, String> {
    let Some(draws) = args
        .uncertainty
        .or(args.robust.map(|_| run.uncertainty.draws))
    else {
        return Ok(None);
    };
    if draws < 2 {
        return Err(format!(
            "--uncertainty: {draws} draws; at least 2 are needed"
        ));
    }
    let problem = run.problem;
    let u = run.uncertainty.clone();
    let seed = u.seed;
    let u = u.with_draws(draws, seed);
    if u.entries.is_empty() {
        common::warn(format_args!(
            "warning: the scenario has no uncertainty section: every draw is the point model"
        ));
    }
    let err = |e: fanzha::Error| format!("--uncertainty: {e}");
    // On several threads or processes with timely's arguments after `--`.
    let mc = common::distributed::monte_carlo(&args.timely, problem, &u, plan)
        .map_err(|e| format!("--uncertainty: {e}"))?;
    let vs = match baseline {
        Some((name, b)) => Some((name, versus(problem, &u, plan, b).map_err(err)?)),
        None => None,
    };
    let sens = sensitivity(problem, &u, plan, strategy).map_err(err)?;
    Ok(Some(UncertaintyReport::new(
        &u,
        &mc,
        vs.as_ref().map(|(n, v)| (*n, v)),
        Some(&sens),
    )))
}

/// The plan file, with `outcome.uncertainty` when computed.
fn write_json(
    out: &mut impl Write,
    report: &PlanReport,
    uncertain: Option<&UncertaintyReport>,
) -> std::io::Result<()> {
    match uncertain {
        Some(u) => report::write_plan_json_with_uncertainty(out, report, u),
        None => report::write_plan_json(out, report),
    }
}

/// The calendar problem of the scenario's `calendar` section (with `--weeks`, that many weeks)
/// over its yearly problem (with `--budget` and `--staff-hours`).
fn weekly_problem(args: &Args, scenario: Scenario, source: &str) -> Result<Problem, String> {
    let (yearly, _) = compile(args, scenario.clone(), source)?;
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
    emit(report::write_text(out, &tables))?;
    let mut more = vec![report::floor_table(problem, plan).map_err(|e| e.to_string())?];
    more.extend(report::limit_tables(problem, plan).map_err(|e| e.to_string())?);
    emit(writeln!(out))?;
    emit(report::write_text(out, &more))
}

/// The plan file of `plan`, with the certified bound when `--bound` asks for it.
fn write_up(
    args: &Args,
    problem: &Problem,
    strategy: &str,
    plan: &Plan,
) -> Result<PlanReport, String> {
    write_up_with(args, problem, strategy, plan, None)
}

/// [`write_up`] with the bound already `known` (computed beside the plan), if it is.
fn write_up_with(
    args: &Args,
    problem: &Problem,
    strategy: &str,
    plan: &Plan,
    known: Option<Bound>,
) -> Result<PlanReport, String> {
    let mut report = PlanReport::new(problem, strategy, plan).map_err(|e| e.to_string())?;
    if args.bound {
        let b = match known {
            Some(b) => b,
            None => bound(problem).map_err(|e| format!("--bound: {e}"))?,
        };
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
