//! Learn the response from case history: fit ceilings and scales per threat, with 95%
//! intervals, a holdout check, and (on request) a fitted scenario and an `uncertainty`
//! section for the next plan.
//!
//! ```text
//! cargo run --release --example fit                       # a SYNTHETIC Jurong history
//! cargo run --release --example fit -- --json
//! cargo run --release --example fit -- --scenario s.json --history h.json --bootstrap 200
//! cargo run --release --example fit -- --write-history h.json     # the synthetic history
//! cargo run --release --example fit -- --history h.json --write-scenario fitted.json \
//!                                      --write-uncertainty uncertainty.json
//! ```
//!
//! With no `--history` the program fits a history that the library generates from known
//! parameters (the scenario's own ceilings and scales; seed `--seed`): it is labelled
//! synthetic everywhere it is printed. `--json` prints `{"parameters": [{"parameter",
//! "threat", "group", "estimate", "low", "high"}], "warnings": [...], "holdout": {...}}` plus
//! `history`, `likelihood`, `slopes` and, with `--bootstrap`, `bootstrap`.
//!
//! Exit codes: 0 ok; 2 bad input (one error line on stderr naming the file, row and field).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use fanzha::fit::bootstrap::{BootstrapOptions, bootstrap};
use fanzha::fit::estimate::{Estimate, Fit, FitOptions, fit, retention_per_period};
use fanzha::fit::history::History;
use fanzha::fit::model::Likelihood;
use fanzha::fit::output::{fitted_scenario, uncertainty_section};
use fanzha::fit::synthetic::{Truth, synthetic_history};
use fanzha::{Scenario, scenarios};

mod common;

/// Fit the response (ceilings and scales) to a case history.
#[derive(Debug, Parser)]
#[command(version, about, long_about = None)]
struct Args {
    /// Scenario JSON file (default: the built-in Jurong 2023 scenario).
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,
    /// Case-history JSON file (default: a synthetic history from known parameters).
    #[arg(long, value_name = "FILE")]
    history: Option<PathBuf>,
    /// Count distribution.
    #[arg(long, value_enum, default_value = "auto")]
    likelihood: Dist,
    /// Retention per period for every channel, in [0, 1) (default 0: no memory).
    #[arg(
        long,
        value_name = "R",
        default_value_t = 0.0,
        conflicts_with = "calendar_retention"
    )]
    retention: f64,
    /// Take each channel's retention from the scenario's `calendar` section (weekly,
    /// converted to the history's period) instead of `--retention`.
    #[arg(long)]
    calendar_retention: bool,
    /// Also compute parametric-bootstrap intervals from this many refits.
    #[arg(long, value_name = "N")]
    bootstrap: Option<usize>,
    /// Seed of the synthetic history and the bootstrap.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Months of the synthetic history.
    #[arg(long, default_value_t = 24)]
    months: u32,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// Write the history (e.g. the synthetic one) as JSON.
    #[arg(long, value_name = "FILE")]
    write_history: Option<PathBuf>,
    /// Write the fitted scenario (response overrides with `"source": "fitted: ..."`).
    #[arg(long, value_name = "FILE")]
    write_scenario: Option<PathBuf>,
    /// Write the `uncertainty` section of the fit.
    #[arg(long, value_name = "FILE")]
    write_uncertainty: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Dist {
    Auto,
    Poisson,
    NegativeBinomial,
}

fn main() -> ExitCode {
    match common::parse::<Args>(|c| c) {
        Ok(args) => common::exit(run(&args)),
        Err(code) => code,
    }
}

fn write(path: &PathBuf, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn run(args: &Args) -> Result<(), String> {
    let scenario = match &args.scenario {
        Some(path) => Scenario::from_path(path).map_err(|e| e.to_string())?,
        None => scenarios::jurong_2023(),
    };
    let problem = scenario.compile().map_err(|e| e.to_string())?;
    let history = match &args.history {
        Some(path) => History::from_path(path).map_err(|e| e.to_string())?,
        None => synthetic_history(
            &problem,
            &Truth::from_problem(&problem),
            args.months,
            args.seed,
        )
        .map_err(|e| e.to_string())?,
    };
    let label = match &args.history {
        Some(p) => format!("history {}", p.display()),
        None => format!("SYNTHETIC history (seed {})", args.seed),
    };
    if let Some(path) = &args.write_history {
        write(path, &history.to_json())?;
    }
    let data = history.check(&problem).map_err(|e| match &args.history {
        Some(p) => format!("{}: {e}", p.display()),
        None => e.to_string(),
    })?;
    let mut options = FitOptions::default();
    options.likelihood = match args.likelihood {
        Dist::Auto => Likelihood::Auto,
        Dist::Poisson => Likelihood::Poisson,
        Dist::NegativeBinomial => Likelihood::NegativeBinomial,
    };
    options.retention = if args.calendar_retention {
        let calendar = scenario
            .compile_calendar(&problem)
            .map_err(|e| e.to_string())?
            .ok_or("--calendar-retention: the scenario has no calendar section")?;
        retention_per_period(&calendar, history.period)
    } else {
        vec![args.retention; problem.channels().len()]
    };
    let fitted = fit(&problem, &data, &options).map_err(|e| e.to_string())?;
    let boot = match args.bootstrap {
        Some(n) => Some(
            bootstrap(
                &problem,
                &data,
                &fitted,
                &options,
                &BootstrapOptions {
                    replicates: n,
                    seed: args.seed,
                },
            )
            .map_err(|e| e.to_string())?,
        ),
        None => None,
    };
    if let Some(path) = &args.write_scenario {
        let out = fitted_scenario(&scenario, &fitted, &label);
        write(path, &out.to_json())?;
    }
    if let Some(path) = &args.write_uncertainty {
        let section = uncertainty_section(&fitted, &label, 1000, args.seed);
        let text = serde_json::to_string_pretty(&section).map_err(|e| e.to_string())?;
        write(path, &text)?;
    }
    if args.json {
        let mut json = serde_json::json!({
            "history": history.source.clone().unwrap_or(label.clone()),
            "synthetic": args.history.is_none(),
            "likelihood": fitted.likelihood,
            "parameters": fitted.parameters,
            "slopes": fitted.slopes,
            "warnings": fitted.warnings,
            "holdout": fitted.holdout,
        });
        if let Some(b) = &boot {
            json["bootstrap"] = serde_json::json!({
                "replicates": b.replicates, "failed": b.failed, "parameters": b.parameters});
        }
        let text = serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?;
        return common::emit(&format!("{text}\n"));
    }
    common::emit(&table(
        &label,
        &fitted,
        boot.as_ref().map(|b| &b.parameters[..]),
    ))
}

fn table(label: &str, fitted: &Fit, boot: Option<&[Estimate]>) -> String {
    let mut out = format!(
        "Response fitted to the {label} ({:?} likelihood)\n\n",
        fitted.likelihood
    );
    out.push_str(&format!(
        "{:<24} {:<8} {:>9} {:>24}{}\n",
        "threat",
        "",
        "estimate",
        "95% Laplace",
        if boot.is_some() {
            "      95% bootstrap"
        } else {
            ""
        }
    ));
    for (j, e) in fitted.parameters.iter().enumerate() {
        out.push_str(&format!(
            "{:<24} {:<8} {:>9.4} {:>24}",
            e.threat,
            e.parameter,
            e.estimate,
            format!("[{:.4}, {:.4}]", e.low, e.high)
        ));
        if let Some(b) = boot {
            out.push_str(&format!("  [{:.4}, {:.4}]", b[j].low, b[j].high));
        }
        out.push('\n');
    }
    if let Some(h) = &fitted.holdout {
        out.push_str(&format!(
            "\nHoldout (periods {:?}): observed {:.0} cases, predicted {:.1} ({:+.1}%), mean absolute error {:.2} per row\n",
            h.periods, h.observed, h.predicted, 100.0 * h.relative_error, h.mean_absolute_error
        ));
    }
    for w in &fitted.warnings {
        out.push_str(&format!("warning: {w}\n"));
    }
    out
}
