//! The researchers' program: every strategy on the built-in scenario and on generated ones,
//! against the certified upper bound.
//!
//! ```text
//! cargo run --release --example compare                                  # jurong, tiny, city-county
//! cargo run --release --example compare -- --sizes tiny,small --instances 10 --csv rows.csv
//! cargo run --release --example compare -- --sizes city-county --seeds 100 --instances 20
//! cargo run --release --example compare -- --sizes tiny --seeds 3,17,42 --strategies greedy,exact
//! cargo run --release --example compare -- --scenario my-city.json       # only your scenario
//! ```
//!
//! Instances: `--sizes` picks built-in families (`jurong` is the built-in Jurong 2023
//! scenario, one instance; `tiny`, `small`, `city-county`, `province` are
//! [`fanzha::generate`] presets), `--scenario FILE` adds your own. Generated sizes run one
//! instance per seed: `--seeds S --instances N` gives seeds `S, S+1, ..., S+N-1` (default 1
//! and 3); `--seeds A,B,C` gives exactly those seeds (and `--instances` is then refused, so
//! a command line means one thing). The same seeds are used for every size.
//!
//! For each instance it computes the certified upper bound of the relaxation once
//! ([`fanzha::optimize::bound`], timed on its own), runs each strategy (timed), and prints a
//! table: prevented loss, bound, gap `1 - value / bound` (no plan can be further from the
//! optimum than this) and time. The bound is the tightest certified one known for the
//! instance: the relaxation's, or the one `exact`'s search proves when that is lower (on
//! small instances the relaxation is loose because of integrality, and the gaps against it
//! would mostly measure that). The CSV keeps the relaxation's own bound too.
//!
//! A strategy that fails (e.g. `exact` on a problem with too many arms) shows its error as the
//! row's status and is counted in the summary, never dropped; so is a plan that breaks a
//! constraint. `exact` is run through [`Exact::search`]: when its node limit stops it
//! unproven, its best plan is still scored and the row says how far from optimal it was
//! proven.
//!
//! The summary gives, per size and strategy, the median and worst gap and the median time over
//! the runs that gave a plan, and how many runs failed and why.
//!
//! `--tighten N` also runs a branch-and-bound search of at most `N` nodes per instance
//! ([`Exact`] without its arm limit) whose certified bound is usually much tighter where fixed
//! costs are large; the gaps are then against it.
//!
//! `--csv FILE` writes one row per (instance, strategy): `size, seed, arms, strategy, value,
//! bound, gap, seconds, status, relaxation_bound, relaxation_seconds, tightened_bound,
//! tightened_seconds` (`seed` is empty for a
//! fixed scenario; `value` and `gap` are empty when a run gave no plan; `status` is `ok`, a
//! note, or the error).
//!
//! Times are wall-clock (`std::time::Instant`) of one run each: indicative only; the criterion
//! benchmarks in `benches/` are the measured figures.
//!
//! Bad input exits with code 2 and a one-line error.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, ValueEnum};
use fanzha::generate::{self, Config};
use fanzha::optimize::{Exact, bound};
use fanzha::prelude::*;

mod common;

/// Run every strategy on the built-in and on generated scenarios and compare each plan with
/// the certified upper bound.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Comma list of sizes. Default: jurong,tiny,city-county; none when --scenario is given.
    #[arg(long, value_name = "SIZE,...", value_delimiter = ',')]
    sizes: Option<Vec<Size>>,
    /// Generated instances per size, with consecutive seeds from --seeds. Default 3.
    #[arg(long, value_name = "N", value_parser = at_least_one)]
    instances: Option<u64>,
    /// One number: the first seed (the instances use it and the next ones). Two or more,
    /// comma-separated: exactly those seeds, one instance each (then --instances is not
    /// allowed).
    #[arg(
        long,
        value_name = "S|S,S,...",
        value_delimiter = ',',
        default_value = "1"
    )]
    seeds: Vec<u64>,
    /// Comma list of strategies (default: all; `main` lists them).
    #[arg(long, value_name = "NAME,...", value_delimiter = ',')]
    strategies: Option<Vec<String>>,
    /// Nodes `exact` may solve before it stops unproven (then its best plan and proven gap are
    /// reported).
    #[arg(long, value_name = "N", default_value_t = Exact::default().node_limit, value_parser = at_least_one_usize)]
    exact_node_limit: usize,
    /// Tighten each instance's bound by a branch-and-bound search of at most N nodes
    /// (`Exact` with no arm limit; its bound is certified at any node limit). The relaxation
    /// pays fixed costs in part; a hundred nodes remove most of that slack. Default 0: off.
    #[arg(long, value_name = "N", default_value_t = 0)]
    tighten: usize,
    /// Also run on this scenario file (repeatable).
    #[arg(long, value_name = "FILE")]
    scenario: Vec<PathBuf>,
    /// Write one row per (instance, strategy) to this CSV file.
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
}

/// A built-in instance family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Size {
    /// The built-in Jurong 2023 scenario (one instance; no seed).
    Jurong,
    /// `Config::tiny()`: 8 arms, capacities 1-3.
    Tiny,
    /// `Config::small()`.
    Small,
    /// `Config::city_county()`: 60 segments, 40 placements, 20 messages.
    CityCounty,
    /// `Config::province()`: 1,000 segments, 200 placements, 60 messages.
    Province,
}

impl Size {
    fn label(self) -> &'static str {
        match self {
            Size::Jurong => "jurong",
            Size::Tiny => "tiny",
            Size::Small => "small",
            Size::CityCounty => "city-county",
            Size::Province => "province",
        }
    }

    fn config(self) -> Option<Config> {
        match self {
            Size::Jurong => None,
            Size::Tiny => Some(Config::tiny()),
            Size::Small => Some(Config::small()),
            Size::CityCounty => Some(Config::city_county()),
            Size::Province => Some(Config::province()),
        }
    }
}

const DEFAULT_SIZES: [Size; 3] = [Size::Jurong, Size::Tiny, Size::CityCounty];
const DEFAULT_INSTANCES: u64 = 3;

fn at_least_one(s: &str) -> Result<u64, String> {
    match s.parse::<u64>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

fn at_least_one_usize(s: &str) -> Result<usize, String> {
    at_least_one(s).and_then(|n| usize::try_from(n).map_err(|e| e.to_string()))
}

fn main() -> ExitCode {
    let args: Args = match common::parse(|c| {
        c.mut_arg("strategies", |a| {
            a.help(format!(
                "Comma list of strategies (default: all): {}",
                common::strategy_names()
            ))
        })
    }) {
        Ok(args) => args,
        Err(code) => return code,
    };
    common::exit(run(&args))
}

/// Where instances come from, checked before anything runs.
enum Source {
    /// A scenario already compiled (built-in or a file), under a label.
    Fixed(String, Box<Problem>),
    /// Generated instances of a size, one per seed.
    Generated(Size, Config),
}

/// How one strategy is run.
enum Runner {
    /// Through [`Exact::search`], to report an unproven search's best plan and the bound it
    /// proved.
    Exact(Exact),
    /// Through [`Strategy::plan`].
    Plain(Box<dyn Strategy>),
}

/// A plan a strategy made.
struct Planned {
    plan: Plan,
    /// Set when the plan is not all the strategy promises (exact stopped unproven).
    note: Option<String>,
    /// A certified upper bound the strategy proved on the way (exact).
    bound: Option<f64>,
}

impl Runner {
    fn name(&self) -> &str {
        match self {
            Runner::Exact(e) => e.name(),
            Runner::Plain(s) => s.name(),
        }
    }

    fn plan(&self, problem: &Problem) -> Result<Planned, Error> {
        match self {
            Runner::Exact(exact) => {
                let solution = exact.search(problem)?;
                let note = (!solution.proven).then(|| {
                    format!(
                        "not proven: node limit {} reached, best plan proven within {:.4}% \
                         of the optimum",
                        solution.nodes,
                        100.0 * solution.gap
                    )
                });
                Ok(Planned {
                    plan: solution.plan,
                    note,
                    bound: Some(solution.bound),
                })
            }
            Runner::Plain(s) => Ok(Planned {
                plan: s.plan(problem)?,
                note: None,
                bound: None,
            }),
        }
    }
}

/// One (instance, strategy) run.
struct Row {
    strategy: String,
    value: Option<f64>,
    gap: Option<f64>,
    seconds: f64,
    /// "ok", a note, or the error.
    status: String,
    /// Short reason when the run gave no usable plan; the run is then not in the gap and
    /// time statistics.
    failure: Option<&'static str>,
    /// Short note on a usable plan (e.g. "not proven").
    note: Option<&'static str>,
}

/// One instance: its bounds and rows.
struct Instance {
    /// The relaxation's bound, or why it failed.
    relaxation: Result<f64, String>,
    /// Time to compute it.
    relaxation_seconds: f64,
    /// The `--tighten` search's certified bound and its time, when run.
    tightened: Option<(f64, f64)>,
    /// The tightest certified bound known: the relaxation's, or exact's when lower.
    bound: Option<f64>,
    rows: Vec<Row>,
}

/// What the summary keeps of one (size, strategy).
#[derive(Default)]
struct Tally {
    runs: usize,
    gaps: Vec<f64>,
    /// Times of the runs that gave a usable plan (or bound).
    seconds: Vec<f64>,
    /// Reason -> count, for failures and notes.
    reasons: BTreeMap<&'static str, usize>,
}

fn run(args: &Args) -> Result<(), String> {
    let started = Instant::now();
    // Everything the user gave is checked before the first instance runs.
    let names: Vec<String> = match &args.strategies {
        Some(list) => dedup(list.iter().map(|s| s.trim().to_string())),
        None => fanzha::STRATEGY_NAMES
            .iter()
            .map(|s| s.to_string())
            .collect(),
    };
    let mut runners = Vec::new();
    for name in &names {
        let strategy = fanzha::strategy(name).map_err(|e| format!("--strategies: {e}"))?;
        runners.push(if strategy.name() == "exact" {
            Runner::Exact(Exact {
                node_limit: args.exact_node_limit,
                ..Exact::default()
            })
        } else {
            Runner::Plain(strategy)
        });
    }
    let seeds: Vec<u64> = match (args.seeds.as_slice(), args.instances) {
        ([first], n) => {
            let n = n.unwrap_or(DEFAULT_INSTANCES);
            let last = first
                .checked_add(n - 1)
                .ok_or_else(|| format!("--seeds {first} with --instances {n}: seeds overflow"))?;
            (*first..=last).collect()
        }
        (list, None) => dedup(list.iter().copied()),
        (_, Some(_)) => {
            return Err(
                "--instances: not with a list of --seeds (the list is the instances; \
                 give one seed to start a run of --instances)"
                    .into(),
            );
        }
    };
    let sizes = match &args.sizes {
        Some(sizes) => dedup(sizes.iter().copied()),
        None if args.scenario.is_empty() => DEFAULT_SIZES.to_vec(),
        None => Vec::new(),
    };
    let mut sources = Vec::new();
    for size in sizes {
        sources.push(match size.config() {
            None => {
                let problem = scenarios::jurong_2023()
                    .compile()
                    .map_err(|e| format!("built-in scenario: {e}"))?;
                Source::Fixed(size.label().to_string(), Box::new(problem))
            }
            Some(config) => Source::Generated(size, config),
        });
    }
    for path in &args.scenario {
        let shown = path.display().to_string();
        let scenario = Scenario::from_path(path).map_err(|e| e.to_string())?;
        let problem = scenario.compile().map_err(|e| format!("{shown}: {e}"))?;
        sources.push(Source::Fixed(shown, Box::new(problem)));
    }
    let mut csv = match &args.csv {
        Some(path) => {
            let file = File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let mut w = BufWriter::new(file);
            writeln!(w, "{CSV_HEADER}").map_err(|e| format!("{}: {e}", path.display()))?;
            Some((path, w))
        }
        None => None,
    };

    let mut summary = Summary::default();
    let mut count = 0;
    for source in &sources {
        let runs: Vec<(String, Option<u64>)> = match source {
            Source::Fixed(label, _) => vec![(label.clone(), None)],
            Source::Generated(size, _) => seeds
                .iter()
                .map(|&s| (size.label().to_string(), Some(s)))
                .collect(),
        };
        for (label, seed) in runs {
            let generated;
            let problem = match source {
                Source::Fixed(_, problem) => problem.as_ref(),
                Source::Generated(size, config) => {
                    let seed = seed.expect("generated instances have a seed");
                    generated = generate::scenario(config, seed)
                        .compile()
                        .map_err(|e| format!("{} seed {seed}: {e}", size.label()))?;
                    &generated
                }
            };
            let instance = compare_instance(problem, &runners, args.tighten);
            print_instance(&label, seed, problem, &instance);
            summary.add(&label, &instance);
            count += 1;
            if let Some((path, w)) = csv.as_mut() {
                write_csv_rows(w, &label, seed, problem, &instance)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
            }
        }
    }
    if let Some((path, mut w)) = csv.take() {
        w.flush().map_err(|e| format!("{}: {e}", path.display()))?;
    }

    summary.print();
    println!();
    println!(
        "{count} instance{}, {} strateg{}, {:.2} s in all",
        if count == 1 { "" } else { "s" },
        runners.len(),
        if runners.len() == 1 { "y" } else { "ies" },
        started.elapsed().as_secs_f64()
    );
    if let Some(path) = &args.csv {
        println!("rows written to {}", path.display());
    }
    Ok(())
}

/// Keeps the first of each repeated item.
fn dedup<T: PartialEq>(items: impl IntoIterator<Item = T>) -> Vec<T> {
    let mut out = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// `1 - value / bound` (0 when the bound is 0), as [`fanzha::optimize::Bound::gap`].
fn gap(value: f64, bound: f64) -> f64 {
    if bound > 0.0 {
        1.0 - value / bound
    } else {
        0.0
    }
}

/// Bounds the instance and runs every strategy on it.
fn compare_instance(problem: &Problem, runners: &[Runner], tighten: usize) -> Instance {
    let t = Instant::now();
    let relaxation = bound(problem).map(|b| b.value).map_err(|e| e.to_string());
    let relaxation_seconds = t.elapsed().as_secs_f64();

    let mut best = relaxation.as_ref().ok().copied();
    let mut tightened = None;
    if tighten > 0 {
        let search = Exact {
            max_arms: usize::MAX,
            node_limit: tighten,
            ..Exact::default()
        };
        let t = Instant::now();
        if let Ok(solution) = search.search(problem) {
            best = Some(best.map_or(solution.bound, |x| x.min(solution.bound)));
            tightened = Some((solution.bound, t.elapsed().as_secs_f64()));
        }
    }

    let mut runs = Vec::new();
    for runner in runners {
        let t = Instant::now();
        let result = runner.plan(problem);
        let seconds = t.elapsed().as_secs_f64();
        if let Ok(Planned { bound: Some(b), .. }) = &result {
            best = Some(best.map_or(*b, |x| x.min(*b)));
        }
        runs.push((runner.name(), result, seconds));
    }
    let rows = runs
        .into_iter()
        .map(|(name, result, seconds)| score(problem, name, result, seconds, best))
        .collect();
    Instance {
        relaxation,
        relaxation_seconds,
        tightened,
        bound: best,
        rows,
    }
}

fn print_instance(label: &str, seed: Option<u64>, problem: &Problem, instance: &Instance) {
    println!();
    println!(
        "== {label}{}: {} — {} arms, {} segments, {} threats ==",
        seed.map_or(String::new(), |s| format!(" seed {s}")),
        problem.name(),
        problem.arms().len(),
        problem.segment_count(),
        problem.threat_count()
    );
    match &instance.relaxation {
        Ok(b) => println!(
            "relaxation bound: no plan prevents more than {b:.0} yuan/yr ({:.1} ms)",
            1e3 * instance.relaxation_seconds
        ),
        Err(e) => println!("relaxation bound: failed: {e}"),
    }
    if let Some((b, seconds)) = instance.tightened {
        println!(
            "tightened by branch and bound: no plan prevents more than {b:.0} yuan/yr ({:.1} ms)",
            1e3 * seconds
        );
    }
    if let (Some(best), Ok(relaxed), None) =
        (instance.bound, &instance.relaxation, instance.tightened)
        && best < *relaxed
    {
        // Below 0.0001% the difference is the solvers' tolerances, not worth a line.
        let tighter = gap(best, *relaxed);
        if tighter >= 5e-7 {
            println!(
                "exact's search proves a tighter bound, {best:.0} yuan/yr ({:.4}% below the \
                 relaxation's); the gaps below are against it",
                100.0 * tighter
            );
        }
    }
    println!(
        "{:<12} {:>16} {:>16} {:>9} {:>10}  status",
        "strategy", "prevented loss", "bound", "gap", "ms"
    );
    let cell = |x: Option<f64>, f: &dyn Fn(f64) -> String| x.map_or("-".to_string(), f);
    for row in &instance.rows {
        println!(
            "{:<12} {:>16} {:>16} {:>9} {:>10.2}  {}",
            row.strategy,
            cell(row.value, &|v| format!("{v:.0}")),
            cell(instance.bound, &|v| format!("{v:.0}")),
            cell(row.gap, &|g| format!("{:.3}%", 100.0 * g)),
            1e3 * row.seconds,
            row.status
        );
    }
}

/// Scores a strategy's result against the instance's `bound`: value, gap, feasibility, and
/// the row's status.
fn score(
    problem: &Problem,
    strategy: &str,
    result: Result<Planned, Error>,
    seconds: f64,
    bound: Option<f64>,
) -> Row {
    let mut row = Row {
        strategy: strategy.to_string(),
        value: None,
        gap: None,
        seconds,
        status: "ok".to_string(),
        failure: None,
        note: None,
    };
    let planned = match result {
        Ok(x) => x,
        Err(e) => {
            row.failure = Some(failure_kind(&e));
            row.status = e.to_string();
            return row;
        }
    };
    let value = match evaluate(problem, &planned.plan) {
        Ok(outcome) => outcome.prevented_loss,
        Err(e) => {
            row.failure = Some("error");
            row.status = format!("evaluate: {e}");
            return row;
        }
    };
    row.value = Some(value);
    row.gap = bound.map(|b| gap(value, b));
    if let Err(e) = planned.plan.check(problem) {
        // A plan breaking a constraint is no result: its value says nothing.
        row.failure = Some("infeasible plan");
        row.status = e.to_string();
        return row;
    }
    if let Some(note) = planned.note {
        row.note = Some("not proven");
        row.status = note;
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

/// The CSV columns: one row per (instance, strategy). `bound` and `gap` are against the
/// tightest certified bound known (the table's); `relaxation_bound` and `relaxation_seconds`
/// are the relaxation's own, the same on every row of an instance.
const CSV_HEADER: &str = "size,seed,arms,strategy,value,bound,gap,seconds,status,\
                          relaxation_bound,relaxation_seconds,tightened_bound,tightened_seconds";

fn write_csv_rows(
    w: &mut impl Write,
    size: &str,
    seed: Option<u64>,
    problem: &Problem,
    instance: &Instance,
) -> std::io::Result<()> {
    let num = |x: Option<f64>| x.map_or(String::new(), |v| v.to_string());
    for row in &instance.rows {
        writeln!(
            w,
            "{},{},{},{},{},{},{},{:.6},{},{},{:.6},{},{}",
            csv_field(size),
            seed.map_or(String::new(), |s| s.to_string()),
            problem.arms().len(),
            csv_field(&row.strategy),
            num(row.value),
            num(instance.bound),
            num(row.gap),
            row.seconds,
            csv_field(&row.status),
            num(instance.relaxation.as_ref().ok().copied()),
            instance.relaxation_seconds,
            num(instance.tightened.map(|t| t.0)),
            instance
                .tightened
                .map_or(String::new(), |t| format!("{:.6}", t.1)),
        )?;
    }
    Ok(())
}

/// RFC 4180: quoted when it holds a comma, quote or line break; quotes doubled.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

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

/// The summary's name for the relaxation bound's own row.
const BOUND_ROW: &str = "(relaxation)";

/// Tallies per (size, strategy), in the order first seen.
#[derive(Default)]
struct Summary {
    order: Vec<(String, String)>,
    tallies: BTreeMap<(String, String), Tally>,
}

impl Summary {
    fn add(&mut self, size: &str, instance: &Instance) {
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

    fn print(&self) {
        println!();
        println!(
            "Summary: gap = 1 - value / certified bound (no plan is further from the \
             optimum); median and worst over the runs that gave a plan"
        );
        let size_width = self
            .order
            .iter()
            .map(|(s, _)| s.chars().count())
            .max()
            .unwrap_or(0)
            .max(12);
        println!(
            "{:<size_width$} {:<12} {:>5} {:>7} {:>11} {:>11} {:>10}  failed / notes",
            "size", "strategy", "runs", "planned", "median gap", "worst gap", "median ms"
        );
        let gap = |g: Option<f64>| g.map_or("-".to_string(), |g| format!("{:.3}%", 100.0 * g));
        for key in &self.order {
            let t = &self.tallies[key];
            let reasons: Vec<String> = t
                .reasons
                .iter()
                .map(|(why, n)| format!("{n} {why}"))
                .collect();
            println!(
                "{:<size_width$} {:<12} {:>5} {:>7} {:>11} {:>11} {:>10}  {}",
                key.0,
                key.1,
                t.runs,
                t.seconds.len(),
                gap(median(&t.gaps)),
                gap(t.gaps.iter().copied().reduce(f64::max)),
                median(&t.seconds).map_or("-".to_string(), |s| format!("{:.2}", 1e3 * s)),
                reasons.join(", ")
            );
        }
    }
}
