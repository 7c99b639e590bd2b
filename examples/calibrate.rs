//! Calibrate a scenario's risk table to case totals, losses and victim shares (raking).
//!
//! ```text
//! cargo run --release --example calibrate                 # Jurong: the built-in margins
//! cargo run --release --example calibrate -- --json
//! cargo run --release --example calibrate -- --scenario s.json --margins m.json \
//!                                            --write-scenario calibrated.json
//! ```
//!
//! Prints every margin's target, calibrated value and L1 residual, and names the margins
//! that conflict. Exit codes: 0 ok; 2 bad input (one error line on stderr).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use fanzha::fit::calibrate::{CalibrationOptions, Margins, calibrate, jurong_2023_margins};
use fanzha::{Scenario, scenarios};

mod common;

/// Calibrate the risk table to case totals, losses and victim shares.
#[derive(Debug, Parser)]
#[command(version, about, long_about = None)]
struct Args {
    /// Scenario JSON file (default: the built-in Jurong 2023 scenario, its table the seed).
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,
    /// Margins JSON file (default: the built-in Jurong 2023 margins from FACTS.md).
    #[arg(long, value_name = "FILE")]
    margins: Option<PathBuf>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// Write the scenario with the calibrated rates.
    #[arg(long, value_name = "FILE")]
    write_scenario: Option<PathBuf>,
}

fn main() -> ExitCode {
    match common::parse::<Args>(|c| c) {
        Ok(args) => common::exit(run(&args)),
        Err(code) => code,
    }
}

fn run(args: &Args) -> Result<(), String> {
    let scenario = match &args.scenario {
        Some(path) => Scenario::from_path(path).map_err(|e| e.to_string())?,
        None => scenarios::jurong_2023(),
    };
    let margins = match &args.margins {
        Some(path) => {
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            Margins::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => jurong_2023_margins(),
    };
    let cal = calibrate(&scenario, &margins, &CalibrationOptions::default())
        .map_err(|e| e.to_string())?;
    if let Some(path) = &args.write_scenario {
        let out = cal
            .apply(
                &scenario,
                "calibrated by fanzha::fit::calibrate to the margins' sources",
            )
            .map_err(|e| e.to_string())?;
        std::fs::write(path, out.to_json()).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    if args.json {
        let json = serde_json::json!({
            "exact": cal.exact, "conflicting": cal.conflicting, "residuals": cal.residuals,
            "threats": cal.threats, "segments": cal.segments, "rates": cal.rates});
        let text = serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?;
        return common::emit(&format!("{text}\n"));
    }
    let mut out = format!(
        "Risk table calibrated to {} margins ({})\n\n{:<40} {:>16} {:>16} {:>12}\n",
        cal.residuals.len(),
        if cal.exact {
            "all met exactly"
        } else {
            "CONFLICTING: penalised compromise"
        },
        "margin",
        "target",
        "calibrated",
        "L1 residual"
    );
    for r in &cal.residuals {
        out.push_str(&format!(
            "{:<40} {:>16.4} {:>16.4} {:>12.3e}\n",
            r.label, r.target, r.fitted, r.residual
        ));
    }
    for c in &cal.conflicting {
        out.push_str(&format!("conflicting: {c}\n"));
    }
    common::emit(&out)
}
