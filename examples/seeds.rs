//! Word of mouth: which grid workers should post the daily fraud alert first?
//!
//! ```text
//! cargo run --release --example seeds                  # synthetic Jurong network, staff-hour budget
//! cargo run --release --example seeds -- --json        # the same as JSON
//! cargo run --release --example seeds -- --write-placement wechat.json  # derived placement
//! cargo run --release --example seeds -- --graph edges.txt --k 50 --epsilon 0.1 --json
//! cargo run --release --example seeds -- --graph edges.txt --cache edges.bin   # later runs read edges.bin
//! cargo run --release --example seeds -- --k 50 -- -w 2   # on 2 timely workers: the same seeds
//! seeds --k 50 -- -n 2 -p 0 -h hosts.txt                   # process 0 of 2 (README: several hosts)
//! ```
//!
//! With no `--graph`, builds the synthetic city network of the built-in Jurong 2023 scenario
//! (one node per `--people-per-node` residents; grid workers own WeChat groups), picks seeds
//! among the grid workers under a staff-hour budget per round of posting (or `--k` of them),
//! targeted at the segments with most preventable loss per person, and compares the spread per
//! segment with the same number of grid workers picked at random (Monte Carlo, 95% intervals).
//!
//! With `--graph FILE` (SNAP edge list `u v` or `u v p`; ids are integers or any tokens without
//! whitespace, and seeds are printed as written: JSON numbers or strings), selects `--k` seeds
//! among all nodes;
//! the spread is estimated to +-1% with probability 99.9% from RR sets independent of the
//! selection (`--estimate-epsilon`, `--estimate-delta`; `--estimate-epsilon 0` reports the
//! validation collection's estimate instead), or by Monte Carlo with `--samples`. `seconds` is
//! the selection time, loading (`load_seconds`) and the estimate (`estimate_seconds`) excluded.
//! `--cache FILE` keeps the graph in a compact binary file read in one pass.
//!
//! Assumptions of the synthetic network and the staff-hour costs are in
//! `fanzha::diffusion::CityOptions::default()` and [`worker_hours`]; none is data.
//! Bad input (arguments, files, a graph over `--max-graph-bytes`) exits with code 2 and a
//! one-line `error:` on stderr; so does an output that cannot be written (a full disk). A
//! closed pipe (`seeds | head -1`) ends the program quietly with code 0.

use std::path::PathBuf;
use std::process::ExitCode;
use std::str::FromStr;
use std::time::Instant;

use clap::Parser;
use fanzha::diffusion::{
    self, Budget, CityNetwork, CityOptions, ForwardingSpec, Model, MonteCarlo, NodeId, Opim,
    Probability, SeedSelection, SocialGraph, Spread, SpreadEstimator,
};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde_json::json;

mod common;
use common::Out;

/// Choose who posts the fraud alert first so that it reaches the people most at risk.
#[derive(Debug, Parser)]
#[command(version, about, long_about = None)]
struct Args {
    /// SNAP-style edge list (`u v` or `u v p` per line, `#` comments; node ids are integers or
    /// any tokens without whitespace) instead of the synthetic Jurong network.
    #[arg(long, value_name = "FILE")]
    graph: Option<PathBuf>,
    /// Binary graph cache: read FILE if it exists (and is not older than --graph), otherwise
    /// load --graph and write FILE, so that later runs skip parsing the text. The cache keeps
    /// the probabilities it was written with (--probability then has no effect).
    #[arg(long, value_name = "FILE")]
    cache: Option<PathBuf>,
    /// Number of seeds (default with --graph: 50; without: use the staff-hour budget).
    #[arg(long, allow_negative_numbers = true, value_parser = whole::<usize>)]
    k: Option<usize>,
    /// Staff hours per round of posting (synthetic network, when --k is not given).
    #[arg(long, value_name = "H", default_value_t = 20.0, allow_negative_numbers = true,
          value_parser = at_least_zero)]
    budget_hours: f64,
    /// Slack of the target approximation ratio (1 - 1/e - eps, or (1 - 1/e)/2 - eps costed),
    /// below 1 - 1/e = 0.632 (costed: 0.316) so that the target is positive.
    #[arg(long, default_value_t = 0.1, allow_negative_numbers = true)]
    epsilon: f64,
    /// Failure probability of the certificate (default 1/n, at most 0.5).
    #[arg(long, allow_negative_numbers = true)]
    delta: Option<f64>,
    /// Cap on the RR sets of each of the two collections (at least 256, at most 2^32 - 256;
    /// default 2^26). Memory: 29 bytes per RR set of one node plus 12 per further member, so
    /// about 2 GB at the default cap if RR sets are single nodes, more if they are larger.
    /// Reaching it stops sampling with the certificate reached so far, reported as `capped`.
    #[arg(long, value_name = "N", default_value_t = diffusion::DEFAULT_MAX_RR_SETS,
          allow_negative_numbers = true, value_parser = whole::<usize>)]
    max_rr_sets: usize,
    /// Largest --graph file read, in bytes (loading takes about 2.5 times the file's size).
    #[arg(long, value_name = "BYTES", default_value_t = diffusion::MAX_EDGE_LIST_BYTES,
          allow_negative_numbers = true, value_parser = whole::<u64>)]
    max_graph_bytes: u64,
    /// Seed of every random stream.
    #[arg(long, default_value_t = 0, allow_negative_numbers = true, value_parser = whole::<u64>)]
    seed: u64,
    /// Diffusion model: ic or lt.
    #[arg(long, default_value = "ic")]
    model: String,
    /// Edge probabilities: wc (1/indegree), a constant such as 0.05, or given (file's third
    /// column; for the synthetic network, the generator's). Default: wc with --graph, given
    /// without.
    #[arg(long, value_name = "wc|P|given")]
    probability: Option<String>,
    /// Value per person reached of each segment: risk (preventable loss per person, from the
    /// scenario), none (count people), or comma-separated numbers, one per segment.
    /// Default: risk for the synthetic network, none with --graph.
    #[arg(long, value_name = "risk|none|W,W,..")]
    weights: Option<String>,
    /// Monte Carlo cascades for the reported spread, at most 1,000,000 (default 2000
    /// synthetic; 0 with --graph: use the validation RR sets).
    #[arg(long, allow_negative_numbers = true, value_parser = whole::<usize>)]
    samples: Option<usize>,
    /// With --graph: relative error of the final spread estimate from RR sets independent of
    /// the selection (0 to skip it and report the validation collection's estimate).
    #[arg(long, value_name = "EPS", default_value_t = 0.01, allow_negative_numbers = true,
          value_parser = at_least_zero)]
    estimate_epsilon: f64,
    /// With --graph: failure probability of the final spread estimate.
    #[arg(
        long,
        value_name = "DELTA",
        default_value_t = 0.001,
        allow_negative_numbers = true
    )]
    estimate_delta: f64,
    /// Residents per node of the synthetic network.
    #[arg(long, default_value_t = 20.0, allow_negative_numbers = true, value_parser = above_zero)]
    people_per_node: f64,
    /// Print JSON on stdout instead of tables.
    #[arg(long)]
    json: bool,
    /// Write the derived "grid WeChat forwarding" placement (scenario JSON) to FILE.
    #[arg(long, value_name = "FILE")]
    write_placement: Option<PathBuf>,
    /// Timely's arguments after a second `--`, to select on several threads or processes:
    /// `-w N` threads, `-n N` processes, `-p I` this process, `-h FILE` hostfile (one
    /// `host:port` line per process). The same seeds as in one process; process 0 prints, the
    /// others exit quietly.
    #[arg(last = true, value_name = "TIMELY")]
    timely: Vec<String>,
}

fn main() -> ExitCode {
    let args: Args = match common::parse(|c| c) {
        Ok(args) => args,
        Err(code) => return code,
    };
    common::exit(run(&args))
}

/// A count or seed: a whole number, with its own message for a negative one (clap would
/// otherwise take `-5` for an unknown flag).
fn whole<T: FromStr>(text: &str) -> Result<T, String> {
    if text.trim_start().starts_with('-') {
        return Err("must not be negative".into());
    }
    text.parse()
        .map_err(|_| "must be a whole number (0, 1, 2, ...)".into())
}

/// A number at least 0.
fn at_least_zero(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 => Ok(x),
        Ok(_) => Err("must be a number >= 0".into()),
        Err(_) => Err("must be a number".into()),
    }
}

/// A number above 0.
fn above_zero(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
        Ok(_) => Err("must be a number > 0".into()),
        Err(_) => Err("must be a number".into()),
    }
}

/// Staff hours a grid worker spends per round of posting: an assumption, 0.2 h to post and
/// 0.01 h per group member for follow-up questions.
fn worker_hours(city: &CityNetwork, worker: u32) -> f64 {
    let members: usize = city
        .groups
        .iter()
        .filter(|g| g.owner == worker)
        .map(|g| g.members.len())
        .sum();
    0.2 + 0.01 * members as f64
}

fn parse_weights(
    text: &str,
    risk: Option<&[f64]>,
    segments: usize,
) -> Result<Option<Vec<f64>>, String> {
    match text {
        "none" => Ok(None),
        "risk" => risk
            .map(|r| Some(r.to_vec()))
            .ok_or_else(|| "--weights risk needs the built-in scenario (no --graph)".to_string()),
        list => {
            let w: Vec<f64> = list
                .split(',')
                .map(|x| {
                    x.trim()
                        .parse::<f64>()
                        .map_err(|_| format!("--weights: {x:?} is not a number"))
                })
                .collect::<Result<_, _>>()?;
            if w.len() != segments {
                return Err(format!(
                    "--weights: {} numbers for {segments} segments",
                    w.len()
                ));
            }
            Ok(Some(w))
        }
    }
}

/// Most Monte Carlo cascades `--samples` accepts: enough for intervals a thousandth of the
/// spread's standard deviation, and a bound on the run time (memory does not grow with it).
const MAX_SAMPLES: usize = 1_000_000;

/// What `--weights` chose, for labels: `risk`, `none` or `custom`.
fn weights_kind(text: &str) -> &'static str {
    match text {
        "risk" => "risk",
        "none" => "none",
        _ => "custom",
    }
}

fn run(args: &Args) -> Result<(), String> {
    if args.samples.is_some_and(|s| s > MAX_SAMPLES) {
        return Err(format!("--samples must be at most {MAX_SAMPLES}"));
    }
    if args.estimate_epsilon >= 1.0 {
        return Err("--estimate-epsilon must be below 1 (0 skips the final estimate)".into());
    }
    if !(args.estimate_delta > 0.0 && args.estimate_delta < 1.0) {
        return Err("--estimate-delta must be in (0, 1)".into());
    }
    let model = Model::parse(&args.model).map_err(|e| e.to_string())?;
    match (&args.graph, &args.cache) {
        (Some(path), _) => run_graph(args, path, model),
        (None, Some(path)) => run_graph(args, path, model),
        (None, None) => run_city(args, model),
    }
}

fn select(
    args: &Args,
    graph: &SocialGraph,
    model: Model,
    budget: Budget<'_>,
    weights: Option<&[f64]>,
    candidates: Option<&[u32]>,
) -> Result<(SeedSelection, f64), String> {
    if !(256..=diffusion::MAX_RR_SETS_LIMIT).contains(&args.max_rr_sets) {
        return Err(format!(
            "--max-rr-sets must be in 256..={}",
            diffusion::MAX_RR_SETS_LIMIT
        ));
    }
    let mut opim = Opim::with_budget(budget)
        .epsilon(args.epsilon)
        .model(model)
        .seed(args.seed)
        .max_rr_sets(args.max_rr_sets);
    if let Some(d) = args.delta {
        opim = opim.delta(d);
    }
    if let Some(w) = weights {
        opim = opim.weights(w);
    }
    if let Some(c) = candidates {
        opim = opim.candidates(c);
    }
    let start = Instant::now();
    let sel = match common::distributed::runtime(&args.timely)? {
        None => opim.run(graph).map_err(|e| e.to_string())?,
        Some(rt) => match common::distributed::select(&rt, graph, &opim)? {
            Some(sel) => sel,
            // Process 0 reports; the others are done.
            None => std::process::exit(0),
        },
    };
    Ok((sel, start.elapsed().as_secs_f64()))
}

/// The graph of `--graph` / `--cache`: from the cache if it is there and not older than the
/// edge list, otherwise from the edge list (then written to the cache).
fn load_graph(args: &Args, path: &std::path::Path) -> Result<SocialGraph, String> {
    let modified = |p: &std::path::Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    if let Some(cache) = &args.cache {
        let fresh = match (&args.graph, modified(cache)) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(text), Some(c)) => modified(text).is_none_or(|t| t <= c),
        };
        if fresh {
            return diffusion::load_graph_cache(cache).map_err(|e| e.to_string());
        }
        if args.graph.is_none() {
            return Err(format!(
                "{}: no such cache; give --graph to write it",
                cache.display()
            ));
        }
    }
    let probability = Probability::parse(args.probability.as_deref().unwrap_or("wc"))
        .map_err(|e| e.to_string())?;
    let graph = diffusion::load_edge_list_with_limit(path, probability, args.max_graph_bytes)
        .map_err(|e| match e {
            diffusion::DiffusionError::Io { .. } => e.to_string(),
            diffusion::DiffusionError::TooLarge { .. } => {
                format!("{e} (raise it with --max-graph-bytes)")
            }
            _ => format!("{}: {e}", path.display()),
        })?;
    if let Some(cache) = &args.cache {
        diffusion::save_graph_cache(&graph, cache).map_err(|e| e.to_string())?;
    }
    Ok(graph)
}

fn run_graph(args: &Args, path: &std::path::Path, model: Model) -> Result<(), String> {
    if args.write_placement.is_some() {
        return Err("--write-placement needs the built-in scenario (no --graph)".into());
    }
    let start = Instant::now();
    let graph = load_graph(args, path)?;
    let load_seconds = start.elapsed().as_secs_f64();
    let weights_arg = args.weights.as_deref().unwrap_or("none");
    let weights = parse_weights(weights_arg, None, graph.segment_count())?;
    let k = args.k.unwrap_or(50);
    let (sel, seconds) = select(
        args,
        &graph,
        model,
        Budget::Seeds(k),
        weights.as_deref(),
        None,
    )?;
    let samples = args.samples.unwrap_or(0);
    let start = Instant::now();
    let (spread, ci, segments, method) = if samples > 0 {
        let mc = MonteCarlo {
            seed: args.seed,
            weights: weights.as_deref(),
            ..MonteCarlo::new(model, samples)
        };
        let s = diffusion::monte_carlo(&graph, &sel.seeds, &mc).map_err(|e| e.to_string())?;
        (
            s.value.mean,
            (s.value.lo, s.value.hi),
            s.segments.iter().map(|e| Some(e.mean)).collect(),
            "monte-carlo",
        )
    } else if args.estimate_epsilon > 0.0 && sel.rr_sets > 0 {
        let mut estimator = SpreadEstimator::new(model)
            .epsilon(args.estimate_epsilon)
            .delta(args.estimate_delta)
            .seed(args.seed);
        if let Some(w) = weights.as_deref() {
            estimator = estimator.weights(w);
        }
        let e = estimator
            .run(&graph, &sel.seeds)
            .map_err(|e| e.to_string())?;
        (e.spread, e.interval, e.segments, "rr-stopping-rule")
    } else {
        (
            sel.spread,
            sel.spread_ci,
            sel.segments.clone(),
            "validation-rr",
        )
    };
    let estimate_seconds = start.elapsed().as_secs_f64();
    // Ids as written in the file: JSON numbers for integer ids, strings for textual ones.
    let ids: Vec<serde_json::Value> = sel
        .seeds
        .iter()
        .map(|&v| match graph.id(v) {
            NodeId::Int(x) => json!(x),
            NodeId::Name(s) => json!(s),
        })
        .collect();
    let mut out = Out::default();
    if args.json {
        let report = json!({
            "seeds": ids,
            "spread": spread,
            "spread_ci": [ci.0, ci.1],
            "spread_method": method,
            "estimate_seconds": estimate_seconds,
            "segments": segments.iter().enumerate()
                .map(|(s, r)| json!({"segment": s.to_string(), "reached": r}))
                .collect::<Vec<_>>(),
            "weights": weights_kind(weights_arg),
            "algorithm": "opim-c",
            "model": args.model,
            "seconds": seconds,
            "load_seconds": load_seconds,
            "certified_ratio": sel.certified_ratio,
            "target_ratio": sel.target_ratio,
            "rr_sets": sel.rr_sets,
            "rounds": sel.rounds,
            "capped": sel.capped,
            "nodes": graph.node_count(),
            "edges": graph.edge_count(),
        });
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&report).expect("JSON values serialise")
        );
    } else {
        writeln!(
            out,
            "{}: {} nodes, {} edges, loaded in {load_seconds:.2} s",
            path.display(),
            graph.node_count(),
            graph.edge_count()
        );
        writeln!(
            out,
            "OPIM-C ({:?}), k = {k}, eps = {}: {seconds:.3} s, {} RR sets, certified ratio {:.4} (target {:.4})",
            model, args.epsilon, sel.rr_sets, sel.certified_ratio, sel.target_ratio
        );
        if sel.capped {
            writeln!(
                out,
                "sampling stopped at --max-rr-sets {} per collection, below the target",
                args.max_rr_sets
            );
        }
        let level = match method {
            "rr-stopping-rule" => format!("{:.1}%", 100.0 * (1.0 - args.estimate_delta)),
            _ => "95%".to_string(),
        };
        writeln!(
            out,
            "spread {spread:.1} ({level} interval {:.1} .. {:.1}; {method}, {estimate_seconds:.3} s)",
            ci.0, ci.1
        );
        // As in JSON: `[1, 2]` for integer ids, `["alice", "bob"]` for textual ones.
        match graph.names() {
            None => {
                let labels: Vec<u64> = sel.seeds.iter().map(|&v| graph.label(v)).collect();
                writeln!(out, "seeds: {labels:?}");
            }
            Some(names) => {
                let names: Vec<&str> = sel.seeds.iter().map(|&v| &*names[v as usize]).collect();
                writeln!(out, "seeds: {names:?}");
            }
        }
    }
    out.emit()
}

fn run_city(args: &Args, model: Model) -> Result<(), String> {
    let problem = fanzha::scenarios::jurong_2023()
        .compile()
        .map_err(|e| e.to_string())?;
    let options = CityOptions {
        people_per_node: args.people_per_node,
        ..CityOptions::default()
    };
    let city = diffusion::city_network(&diffusion::city_segments(&problem), &options, args.seed)
        .map_err(|e| e.to_string())?;
    let graph = match args.probability.as_deref() {
        None | Some("given") => city.graph.clone(),
        Some(p) => city
            .graph
            .with_probability(Probability::parse(p).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?,
    };
    let risk = diffusion::segment_weights(&problem);
    let weights_arg = args.weights.as_deref().unwrap_or("risk");
    let kind = weights_kind(weights_arg);
    let weights = parse_weights(weights_arg, Some(&risk), problem.segment_count())?;
    let workers = &city.grid_workers;
    let hours: Vec<f64> = workers.iter().map(|&w| worker_hours(&city, w)).collect();
    let budget = match args.k {
        Some(k) => Budget::Seeds(k),
        None => Budget::Knapsack {
            costs: &hours,
            budget: args.budget_hours,
        },
    };
    let (sel, seconds) = select(
        args,
        &graph,
        model,
        budget,
        weights.as_deref(),
        Some(workers),
    )
    .map_err(|e| {
        if model == Model::LinearThreshold && args.probability.is_none() {
            format!("{e} (the generator's probabilities suit IC; try --probability wc)")
        } else {
            e
        }
    })?;

    // The same number of grid workers, at random.
    let mut shuffled = workers.clone();
    shuffled.shuffle(&mut ChaCha8Rng::seed_from_u64(args.seed ^ 0x5EED));
    let random: Vec<u32> = shuffled[..sel.seeds.len()].to_vec();
    let hours_of = |set: &[u32]| -> f64 {
        set.iter()
            .map(|r| {
                hours[workers
                    .iter()
                    .position(|w| w == r)
                    .expect("seeds are grid workers")]
            })
            .sum()
    };
    let random_hours = hours_of(&random);
    let seed_hours = hours_of(&sel.seeds);

    let samples = args.samples.unwrap_or(2_000).max(1);
    // `value` is weighted as the selection was: people reached with `--weights none`.
    let mc = MonteCarlo {
        seed: args.seed,
        weights: weights.as_deref(),
        ..MonteCarlo::new(model, samples)
    };
    let chosen = diffusion::monte_carlo(&graph, &sel.seeds, &mc).map_err(|e| e.to_string())?;
    let baseline = diffusion::monte_carlo(&graph, &random, &mc).map_err(|e| e.to_string())?;

    let sizes = graph.segment_sizes();
    let reached: Vec<f64> = chosen.segments.iter().map(|e| e.mean).collect();
    let per_unit = diffusion::audience_per_unit(&reached, &sizes).map_err(|e| e.to_string())?;
    if let Some(path) = &args.write_placement {
        let spec = ForwardingSpec {
            id: "wechat.grid_forwarding".into(),
            unit_cost: 0.0,
            capacity: 365,
            staff_hours: seed_hours,
            formats: vec!["short_video".into(), "image".into(), "text".into()],
            source: format!(
                "derived: {} grid workers chosen by OPIM-C ({model:?}, eps {}, seed {}) on the \
                 synthetic Jurong network, one node per {} residents; reach by Monte Carlo, {} cascades",
                sel.seeds.len(),
                args.epsilon,
                args.seed,
                args.people_per_node,
                samples
            ),
        };
        let placement = diffusion::forwarding_placement(&problem, &per_unit, &spec)
            .map_err(|e| e.to_string())?;
        let text = serde_json::to_string_pretty(&placement).expect("a placement serialises");
        std::fs::write(path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))?;
    }

    let mut out = Out::default();
    if args.json {
        let segs = |s: &Spread| -> Vec<serde_json::Value> {
            problem.segments().iter().zip(&s.segments)
                .map(|(seg, e)| json!({"segment": seg.id, "reached": e.mean, "reached_ci": [e.lo, e.hi]}))
                .collect()
        };
        let report = json!({
            "seeds": sel.seeds.iter().map(|&v| graph.label(v)).collect::<Vec<_>>(),
            "spread": chosen.total.mean,
            "spread_ci": [chosen.total.lo, chosen.total.hi],
            "segments": segs(&chosen),
            "value": chosen.value.mean,
            "value_ci": [chosen.value.lo, chosen.value.hi],
            "weights": kind,
            "algorithm": "opim-c",
            "model": args.model,
            "seconds": seconds,
            "certified_ratio": sel.certified_ratio,
            "target_ratio": sel.target_ratio,
            "rr_sets": sel.rr_sets,
            "capped": sel.capped,
            "staff_hours": seed_hours,
            "per_unit": per_unit,
            "random": {
                "seeds": random,
                "spread": baseline.total.mean,
                "spread_ci": [baseline.total.lo, baseline.total.hi],
                "segments": segs(&baseline),
                "value": baseline.value.mean,
                "value_ci": [baseline.value.lo, baseline.value.hi],
                "staff_hours": random_hours,
            },
        });
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&report).expect("JSON values serialise")
        );
        return out.emit();
    }

    writeln!(
        out,
        "Synthetic {} network: {} nodes (one per {} residents), {} edges, {} grid workers, {} WeChat groups",
        problem.name(),
        graph.node_count(),
        args.people_per_node,
        graph.edge_count(),
        workers.len(),
        city.groups.len()
    );
    match args.k {
        Some(k) => writeln!(
            out,
            "Seeds: {k} grid workers ({seed_hours:.1} staff hours per round)"
        ),
        None => writeln!(
            out,
            "Seeds: {} grid workers, {seed_hours:.1} of {:.1} staff hours per round",
            sel.seeds.len(),
            args.budget_hours
        ),
    }
    writeln!(
        out,
        "OPIM-C ({model:?}, eps {}): {:.4} s, {} RR sets, certified ratio {:.3} (target {:.3}), weighted by {}",
        args.epsilon, seconds, sel.rr_sets, sel.certified_ratio, sel.target_ratio, weights_arg
    );
    if sel.capped {
        writeln!(
            out,
            "sampling stopped at --max-rr-sets {} per collection, below the target",
            args.max_rr_sets
        );
    }
    writeln!(out);
    // The weight column and the value row say which weights were used.
    let (weight_header, value_label) = match kind {
        "risk" => ("yuan/person", "risk-weighted reach"),
        "none" => ("weight", "reach (unweighted)"),
        _ => ("weight", "weighted reach"),
    };
    let weight_of = |s: usize| weights.as_ref().map_or(1.0, |w| w[s]);
    writeln!(
        out,
        "{:<24} {:>6} {:>12} {:>22} {:>22}",
        "segment", "nodes", weight_header, "reached: chosen", "reached: random"
    );
    for (s, seg) in problem.segments().iter().enumerate() {
        let (c, r) = (&chosen.segments[s], &baseline.segments[s]);
        writeln!(
            out,
            "{:<24} {:>6} {:>12.1} {:>8.1} ({:>5.1}..{:>5.1}) {:>8.1} ({:>5.1}..{:>5.1})",
            seg.id,
            sizes[s],
            weight_of(s),
            c.mean,
            c.lo,
            c.hi,
            r.mean,
            r.lo,
            r.hi
        );
    }
    let t = (&chosen.total, &baseline.total);
    writeln!(
        out,
        "{:<24} {:>6} {:>12} {:>8.1} ({:>5.1}..{:>5.1}) {:>8.1} ({:>5.1}..{:>5.1})",
        "total",
        graph.node_count(),
        "",
        t.0.mean,
        t.0.lo,
        t.0.hi,
        t.1.mean,
        t.1.lo,
        t.1.hi
    );
    let v = (&chosen.value, &baseline.value);
    writeln!(
        out,
        "{:<24} {:>6} {:>12} {:>22.0} {:>22.0}",
        value_label, "", "", v.0.mean, v.1.mean
    );
    let more = match kind {
        "risk" => "risk-weighted value",
        "none" => "people",
        _ => "weighted value",
    };
    writeln!(
        out,
        "\nRandom grid workers: {:.1} staff hours. Chosen seeds reach {:.0}% more {more}.",
        random_hours,
        100.0 * (v.0.mean / v.1.mean - 1.0)
    );
    if let Some(path) = &args.write_placement {
        writeln!(out, "Wrote the derived placement to {}", path.display());
    }
    out.emit()
}
