//! The planners' program: plan a campaign, print it with its KPIs and the blanket baseline.
//!
//! ```text
//! cargo run --release --example plan                      # built-in Jurong 2023 scenario
//! cargo run --release --example plan -- --budget 300000   # another budget
//! cargo run --release --example plan -- --bound           # how far from optimal, certified
//! cargo run --release --example plan -- --scenario my.json --strategy greedy --json > plan.json
//! cargo run --release --example plan -- --scenario my.json --evaluate plan.json --bound
//! cargo run --release --example plan -- --write-scenario template.json
//! ```
//!
//! The default strategy is `greedy+ls` (the greedy followed by local search: the best plans);
//! `--strategy` takes any name of [`fanzha::STRATEGY_NAMES`]. `--bound` computes the certified
//! upper bound ([`fanzha::optimize::bound`]) and fills `upper_bound` and `gap` in the plan
//! JSON (they are `null` without it).
//!
//! Bad input exits with code 2 and a one-line error naming the file, item and field.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use fanzha::optimize::bound;
use fanzha::prelude::*;

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
}

fn main() -> ExitCode {
    let names = common::strategy_names();
    let args: Args = match common::parse(|c| {
        c.mut_arg("strategy", |a| a.help(format!("Strategy: {names}")))
            .mut_arg("baseline", |a| {
                a.help(format!("Baseline to compare with: {names}"))
            })
    }) {
        Ok(args) => args,
        Err(code) => return code,
    };
    common::exit(run(&args))
}

fn run(args: &Args) -> Result<(), String> {
    let scenario = match &args.scenario {
        Some(path) => Scenario::from_path(path).map_err(|e| e.to_string())?,
        None => scenarios::jurong_2023(),
    };
    let source = args
        .scenario
        .as_ref()
        .map_or("built-in scenario".to_string(), |p| p.display().to_string());
    if let Some(path) = &args.write_scenario {
        let mut scenario = scenario;
        // The template carries the limits asked for on the command line.
        if args.budget.is_some() {
            scenario.resources.money = args.budget;
        }
        if args.staff_hours.is_some() {
            scenario.resources.staff_hours = args.staff_hours;
        }
        scenario.compile().map_err(|e| format!("{source}: {e}"))?;
        std::fs::write(path, scenario.to_json() + "\n")
            .map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("wrote {} to {}", scenario.name, path.display());
        return Ok(());
    }
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

    if let Some(path) = &args.evaluate {
        let file = PlanReport::from_path(path).map_err(|e| e.to_string())?;
        if file.scenario != problem.name() {
            eprintln!(
                "warning: {} is a plan for scenario {:?}, scored here against {:?}",
                path.display(),
                file.scenario,
                problem.name()
            );
        }
        let plan = file
            .plan(&problem)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let mut report =
            PlanReport::new(&problem, &file.strategy, &plan).map_err(|e| e.to_string())?;
        let violations = plan.violations(&problem).map_err(|e| e.to_string())?;
        if args.bound {
            add_bound(&problem, &mut report)?;
        }
        if args.json {
            println!("{}", report.to_json());
            for v in &violations {
                eprintln!("warning: plan breaks {v}");
            }
            if args.bound && !violations.is_empty() {
                eprintln!(
                    "warning: the bound holds for plans that meet every constraint; this one \
                     does not, so its gap says nothing"
                );
            }
        } else {
            print_report(&problem, &report, violations.is_empty());
            print_violations(&violations);
        }
        return Ok(());
    }

    let strategy = fanzha::strategy(&args.strategy).map_err(|e| format!("--strategy: {e}"))?;
    let baseline = fanzha::strategy(&args.baseline).map_err(|e| format!("--baseline: {e}"))?;
    let plan = strategy
        .plan(&problem)
        .map_err(|e| format!("{source}: {e}"))?;
    let mut report =
        PlanReport::new(&problem, strategy.name(), &plan).map_err(|e| e.to_string())?;
    if args.bound {
        add_bound(&problem, &mut report)?;
    }
    if args.json {
        println!("{}", report.to_json());
        return Ok(());
    }
    let violations = plan.violations(&problem).map_err(|e| e.to_string())?;
    print_report(&problem, &report, violations.is_empty());
    print_violations(&violations);

    if baseline.name() != strategy.name() {
        let base_plan = baseline
            .plan(&problem)
            .map_err(|e| format!("{source}: baseline {}: {e}", baseline.name()))?;
        let base = evaluate(&problem, &base_plan).map_err(|e| e.to_string())?;
        let ours = report.outcome.as_ref().expect("PlanReport::new evaluates");
        println!();
        println!(
            "Against the `{}` baseline at the same limits",
            baseline.name()
        );
        println!(
            "  {:<28} {:>16} {:>16}",
            "",
            strategy.name(),
            baseline.name()
        );
        let row = |name: &str, a: f64, b: f64| println!("  {name:<28} {a:>16.0} {b:>16.0}");
        row(
            "prevented loss (yuan/yr)",
            ours.prevented_loss,
            base.prevented_loss,
        );
        println!(
            "  {:<28} {:>16.1} {:>16.1}",
            "prevented cases (/yr)", ours.prevented_cases, base.prevented_cases
        );
        row("spend (yuan)", ours.spend, base.spend);
        row("staff hours", ours.staff_hours, base.staff_hours);
        println!(
            "  {:<28} {:>16.1}% {:>15.1}%",
            "reach (1+ exposures)",
            100.0 * ours.reach,
            100.0 * base.reach
        );
        if let Some(b) = ours.upper_bound {
            let base_gap = base.clone().with_bound(b).gap.unwrap_or(0.0);
            println!(
                "  {:<28} {:>15.2}% {:>15.2}%",
                "gap to bound",
                100.0 * ours.gap.unwrap_or(0.0),
                100.0 * base_gap
            );
        }
        if base.prevented_loss > 0.0 {
            println!(
                "  {} prevents {:.2}x the loss of {}",
                strategy.name(),
                ours.prevented_loss / base.prevented_loss,
                baseline.name()
            );
        }
    }
    Ok(())
}

/// Fills the report's `upper_bound` and `gap` with the certified bound of `problem`.
fn add_bound(problem: &Problem, report: &mut PlanReport) -> Result<(), String> {
    let b = bound(problem).map_err(|e| format!("--bound: {e}"))?;
    report.outcome = report.outcome.take().map(|o| o.with_bound(b.value));
    Ok(())
}

fn print_violations(violations: &[Violation]) {
    if violations.is_empty() {
        return;
    }
    println!();
    println!("CONSTRAINTS BROKEN ({}):", violations.len());
    for v in violations {
        println!("  - {v}");
    }
}

/// Prints the plan and its KPIs; `feasible` says whether the bound applies to it.
fn print_report(problem: &Problem, report: &PlanReport, feasible: bool) {
    let out = report.outcome.as_ref().expect("PlanReport::new evaluates");
    let money = |x: f64| format!("{x:.0}");
    println!(
        "{} — strategy `{}` ({})",
        report.scenario,
        report.strategy,
        problem.currency()
    );
    let limit = |l: Option<f64>| l.map_or("unlimited".to_string(), money);
    println!(
        "limits: money {}, staff hours {}",
        limit(problem.money()),
        limit(problem.staff_hours())
    );
    println!();
    println!(
        "{:<26} {:<26} {:>9} {:>12}",
        "placement", "message", "units", "spend"
    );
    for a in &report.allocations {
        let spend = problem
            .placements()
            .iter()
            .position(|p| p.id == a.placement)
            .map_or(0.0, |k| {
                problem.parameters().placements[k].unit_cost * a.units as f64
            });
        println!(
            "{:<26} {:<26} {:>9} {:>12}",
            a.placement,
            a.message,
            a.units,
            money(spend)
        );
    }
    println!("(unit costs only; setup and production costs are in the total below)");
    println!();
    println!("KPIs (per year)");
    let kpi = |name: &str, v: String| println!("  {name:<32} {v:>16}");
    kpi("prevented loss (yuan)", money(out.prevented_loss));
    kpi("loss at risk (yuan)", money(out.loss_at_risk));
    kpi(
        "prevented share of loss",
        format!(
            "{:.2}%",
            100.0 * out.prevented_loss / out.loss_at_risk.max(f64::MIN_POSITIVE)
        ),
    );
    kpi("prevented cases", format!("{:.1}", out.prevented_cases));
    kpi("cases at risk", format!("{:.1}", out.cases_at_risk));
    kpi("spend (yuan)", money(out.spend));
    kpi("staff hours", format!("{:.1}", out.staff_hours));
    kpi(
        "cost per prevented case (yuan)",
        out.cost_per_prevented_case.map_or("-".into(), money),
    );
    kpi(
        "loss prevented per yuan spent",
        if out.spend > 0.0 {
            format!("{:.2}", out.prevented_loss / out.spend)
        } else {
            "-".into()
        },
    );
    kpi("reach (1+ exposures)", format!("{:.1}%", 100.0 * out.reach));
    kpi(
        "effective reach (3+ exposures)",
        format!("{:.1}%", 100.0 * out.effective_reach),
    );
    if let (Some(b), Some(g)) = (out.upper_bound, out.gap) {
        kpi("upper bound (yuan)", money(b));
        kpi("gap to bound", format!("{:.2}%", 100.0 * g));
        println!();
        if feasible {
            println!(
                "No plan can prevent more than {} yuan/yr; this plan is within {:.2}% of that.",
                money(b),
                100.0 * g
            );
        } else {
            println!(
                "No plan meeting every constraint can prevent more than {} yuan/yr; this plan \
                 breaks constraints (below), so the bound does not apply to it.",
                money(b)
            );
        }
    }

    println!();
    println!("Risk reduction by group and threat (share of the group's cases prevented)");
    print!("  {:<16} {:>7}", "group", "reach");
    for t in problem.threats() {
        print!(" {:>14}", shorten(&t.id, 14));
    }
    println!();
    for g in &out.groups {
        print!("  {:<16} {:>6.1}%", shorten(&g.group, 16), 100.0 * g.reach);
        for r in &g.reduction {
            print!(" {:>13.2}%", 100.0 * r.value);
        }
        println!();
    }

    let mut margins: Vec<_> = out
        .placements
        .iter()
        .filter_map(|p| p.marginal_return.map(|r| (r, p)))
        .collect();
    margins.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!();
    println!("Best next yuan (loss prevented per yuan of one more unit)");
    for (r, p) in margins.iter().take(6) {
        println!(
            "  {:<26} {:>8.2}  ({} of {} units{}, next: {})",
            p.placement,
            r,
            p.units,
            p.capacity,
            if p.units >= p.capacity {
                " - at capacity"
            } else {
                ""
            },
            p.marginal_message.as_deref().unwrap_or("-")
        );
    }
}

fn shorten(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).chain(std::iter::once('…')).collect()
    }
}
