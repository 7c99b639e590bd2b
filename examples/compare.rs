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
//! scenario, one instance; `tiny`, `small`, `city-county`, `prefecture` (1,000 arms), `province` are
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
//! Every strategy is run through [`Strategy::solve`]: a strategy that returns a certified
//! bound ([`Solution::bound`], e.g. `exact`) tightens the instance's bound, and one that
//! returns a bound without proving optimality (e.g. `exact` stopped by its node limit) still
//! has its best plan scored, and the row says how far from optimal it was proven.
//!
//! A strategy that fails (e.g. `exact` on a problem with too many arms) shows its error as the
//! row's status and is counted in the summary, never dropped; so is a plan that breaks a
//! constraint.
//!
//! The summary gives, per size and strategy, the median and worst gap and the median time over
//! the runs that gave a plan, and how many runs failed and why.
//!
//! `--tighten N` also runs a branch-and-bound search of at most `N` nodes per instance
//! ([`Exact`] without its arm limit) whose certified bound is usually much tighter where fixed
//! costs are large; the gaps are then against it.
//!
//! `--csv FILE` writes one row per (instance, strategy), the columns of
//! [`fanzha::report::compare::csv_columns`]: `size, seed, arms, strategy, value, bound, gap,
//! seconds, status, relaxation_bound, relaxation_seconds, tightened_bound, tightened_seconds`
//! (`seed` is empty for a fixed scenario; `value` and `gap` are empty when a run gave no
//! plan; `status` is `ok`, a note, or the error).
//!
//! The scoring, the tables and the CSV rows come from [`fanzha::report::compare`]; this
//! program parses the command line, times the runs (the library reads no clock) and writes.
//!
//! Times are wall-clock (`std::time::Instant`) of one run each: indicative only; the criterion
//! benchmarks in `benches/` are the measured figures.
//!
//! Bad input exits with code 2 and a one-line error.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, ValueEnum};
use fanzha::generate::{self, Config};
use fanzha::optimize::{Exact, Relaxation, UpperBound};
use fanzha::prelude::*;
use fanzha::report::compare::{self, Instance, Measured, Run, Summary, Timed};
use fanzha::report::{CsvWriter, write_text};

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
    /// `Config::prefecture()`: 300 segments, 100 placements, 50 messages, 1,000 arms.
    Prefecture,
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
            Size::Prefecture => "prefecture",
            Size::Province => "province",
        }
    }

    /// The generated preset of that label (`None` for Jurong).
    fn config(self) -> Option<Config> {
        Config::preset(self.label())
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

/// The CSV file being written, and its path for error messages.
type Csv = (PathBuf, CsvWriter<BufWriter<File>>);

fn run(args: &Args) -> Result<(), String> {
    let started = Instant::now();
    // Everything the user gave is checked before the first instance runs.
    let strategies = strategies(args)?;
    let seeds = seeds(args)?;
    let sources = sources(args)?;
    let mut csv = open_csv(args.csv.as_deref())?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();

    let mut summary = Summary::default();
    let mut count = 0;
    for source in &sources {
        let runs: Vec<Option<u64>> = match source {
            Source::Fixed(..) => vec![None],
            Source::Generated(..) => seeds.iter().copied().map(Some).collect(),
        };
        for seed in runs {
            let instance = run_instance(source, seed, &strategies, args.tighten)?;
            emit(writeln!(out).and_then(|()| write_text(&mut out, &[instance.table()])))?;
            summary.add(&instance);
            count += 1;
            if let Some((path, w)) = csv.as_mut() {
                w.write_rows(&instance.csv_table())
                    .map_err(|e| format!("{}: {e}", path.display()))?;
            }
        }
    }
    if let Some((path, mut w)) = csv.take() {
        w.flush().map_err(|e| format!("{}: {e}", path.display()))?;
    }

    emit(writeln!(out).and_then(|()| write_text(&mut out, &[summary.table()])))?;
    let plural = |n: usize, one: &str, many: &str| if n == 1 { one } else { many }.to_string();
    emit(writeln!(
        out,
        "\n{count} instance{}, {} strateg{}, {:.2} s in all",
        plural(count, "", "s"),
        strategies.len(),
        plural(strategies.len(), "y", "ies"),
        started.elapsed().as_secs_f64()
    ))?;
    if let Some(path) = &args.csv {
        emit(writeln!(out, "rows written to {}", path.display()))?;
    }
    Ok(())
}

/// The strategies of `--strategies` (default: all), `exact` with `--exact-node-limit`.
fn strategies(args: &Args) -> Result<Vec<Box<dyn Strategy>>, String> {
    let names: Vec<String> = match &args.strategies {
        Some(list) => dedup(list.iter().map(|s| s.trim().to_string())),
        None => fanzha::STRATEGY_NAMES
            .iter()
            .map(|s| s.to_string())
            .collect(),
    };
    let exact = Exact {
        node_limit: args.exact_node_limit,
        ..Exact::default()
    };
    names
        .iter()
        .map(|name| {
            let strategy = fanzha::strategy(name).map_err(|e| format!("--strategies: {e}"))?;
            // The one setting a flag gives a strategy: how it runs is the same for all.
            Ok(if strategy.name() == exact.name() {
                Box::new(exact.clone()) as Box<dyn Strategy>
            } else {
                strategy
            })
        })
        .collect()
}

/// The seeds of `--seeds` and `--instances`.
fn seeds(args: &Args) -> Result<Vec<u64>, String> {
    match (args.seeds.as_slice(), args.instances) {
        ([first], n) => {
            let n = n.unwrap_or(DEFAULT_INSTANCES);
            let last = first
                .checked_add(n - 1)
                .ok_or_else(|| format!("--seeds {first} with --instances {n}: seeds overflow"))?;
            Ok((*first..=last).collect())
        }
        (list, None) => Ok(dedup(list.iter().copied())),
        (_, Some(_)) => Err("--instances: not with a list of --seeds (the list is the \
                             instances; give one seed to start a run of --instances)"
            .into()),
    }
}

/// The sizes of `--sizes` and the files of `--scenario`, compiled where fixed.
fn sources(args: &Args) -> Result<Vec<Source>, String> {
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
    Ok(sources)
}

/// The `--csv` file, created with its header.
fn open_csv(path: Option<&Path>) -> Result<Option<Csv>, String> {
    let Some(path) = path else {
        return Ok(None);
    };
    let shown = |e: std::io::Error| format!("{}: {e}", path.display());
    let file = File::create(path).map_err(shown)?;
    let writer = CsvWriter::new(BufWriter::new(file), &compare::csv_columns()).map_err(shown)?;
    Ok(Some((path.to_path_buf(), writer)))
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

/// `f()` and the wall-clock seconds it took.
fn timed<T>(f: impl FnOnce() -> T) -> Timed<T> {
    let t = Instant::now();
    let value = f();
    Timed {
        value,
        seconds: t.elapsed().as_secs_f64(),
    }
}

/// Bounds one instance (the relaxation, and the `--tighten` search when asked), runs every
/// strategy on it, and scores the runs.
fn run_instance(
    source: &Source,
    seed: Option<u64>,
    strategies: &[Box<dyn Strategy>],
    tighten: usize,
) -> Result<Instance, String> {
    let generated;
    let (label, problem) = match (source, seed) {
        (Source::Fixed(label, problem), _) => (label.as_str(), problem.as_ref()),
        (Source::Generated(size, config), Some(seed)) => {
            generated = generate::scenario(config, seed)
                .compile()
                .map_err(|e| format!("{} seed {seed}: {e}", size.label()))?;
            (size.label(), &generated)
        }
        (Source::Generated(size, _), None) => {
            return Err(format!(
                "{}: a generated instance needs a seed",
                size.label()
            ));
        }
    };
    let search = Exact {
        max_arms: usize::MAX,
        node_limit: tighten,
        ..Exact::default()
    };
    let measured = Measured {
        relaxation: timed(|| Relaxation.upper_bound(problem)),
        tightened: (tighten > 0).then(|| timed(|| search.upper_bound(problem))),
        runs: strategies
            .iter()
            .map(|s| Run {
                strategy: s.name().to_string(),
                solution: timed(|| s.solve(problem)),
            })
            .collect(),
    };
    Ok(Instance::score(problem, label, seed, measured))
}

/// An error writing to stdout: a closed pipe ends quietly, others are one line.
fn emit(result: std::io::Result<()>) -> Result<(), String> {
    common::written(result)
}
