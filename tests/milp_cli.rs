//! The `milp` example (the MILP export for the HiGHS side-by-side, README "Plan quality"):
//! on a tiny generated instance the model has the expected rows and columns, fanzha's plan
//! is a feasible MILP point, and a plan written through the column map round-trips.
//!
//! `cargo test` builds the examples first; alone: `cargo build --example milp` then
//! `cargo test --test milp_cli`. No Python: the solver side is `tools/highs/run.py`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use fanzha::generate::{self, Config};
use serde_json::{Value, json};

mod common;

/// A fresh output directory for this test.
fn out_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fanzha-milp-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// `milp` on the tiny generated instance (seed 1, 5 planes per cell) into `dir`, plus `extra`.
fn export_tiny(dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["--size", "tiny", "--seed", "1", "--planes", "5", "--out"];
    args.push(dir.to_str().unwrap());
    args.extend_from_slice(extra);
    common::run_example("milp", &args)
}

fn read_json(path: PathBuf) -> Value {
    serde_json::from_str(&std::fs::read_to_string(&path).expect("written")).expect("JSON")
}

/// The names in the ROWS section of an MPS file, with their type.
fn mps_rows(mps: &str) -> Vec<(String, String)> {
    mps.lines()
        .skip_while(|l| *l != "ROWS")
        .skip(1)
        .take_while(|l| l.starts_with(' '))
        .map(|l| {
            let mut it = l.split_whitespace();
            let t = it.next().expect("type").to_string();
            (t, it.next().expect("name").to_string())
        })
        .collect()
}

#[test]
fn tiny_export_has_the_model_and_the_plan_round_trips() {
    let dir = out_dir("tiny");
    let out = export_tiny(&dir, &[]);
    common::ok(&out);
    let problem = generate::scenario(&Config::tiny(), 1).compile().unwrap();
    let summary = read_json(dir.join("summary.json"));
    assert_eq!(summary["check_ok"], json!(true), "{summary}");
    assert_eq!(summary["milp_rows_broken"], json!(0));

    // Columns: x per arm, y per placement, z per message (all integer), e per reached cell,
    // t per reached cell with value.
    let arms = problem.arms().len();
    let mut reached = vec![false; problem.cells().len()];
    for a in fanzha::core::ArmId::range(arms) {
        for (c, _) in problem.absorbed(a) {
            reached[c.index()] = true;
        }
    }
    let n_e = reached.iter().filter(|r| **r).count();
    let integer = arms + problem.placements().len() + problem.messages().len();
    assert_eq!(summary["integer_columns"], json!(integer));
    let columns = summary["columns"].as_u64().unwrap() as usize;
    let n_t = columns - integer - n_e;
    assert!(
        n_t > 0 && n_t <= n_e,
        "{n_t} reduction columns for {n_e} cells"
    );

    // Rows: one capacity row per used placement, one production row per arm, one per limited
    // resource, one exposure row per reached cell, at most 5 planes per valued cell, floors.
    let mps = std::fs::read_to_string(dir.join("model.mps")).unwrap();
    let rows = mps_rows(&mps);
    assert_eq!(rows[0], ("N".to_string(), "obj".to_string()));
    let count = |prefix: &str| rows.iter().filter(|(_, n)| n.starts_with(prefix)).count();
    assert_eq!(count("prod"), arms);
    assert_eq!(count("exp"), n_e);
    let limited = problem.limits().iter().filter(|l| l.is_some()).count();
    assert_eq!(count("res"), limited);
    assert_eq!(count("floor"), problem.floors().len());
    assert!(count("tan") <= 5 * n_t && count("tan") >= 2 * n_t);
    assert_eq!(rows.len() - 1, summary["rows"].as_u64().unwrap() as usize);
    assert!(mps.contains("'INTORG'") && mps.ends_with("ENDATA\n"));

    // A plan written through the column map (as run.py writes a solver's solution) is the
    // same plan: same allocations, same value, and again a feasible MILP point.
    let map = read_json(dir.join("columns.json"));
    let arms_map = map["arms"].as_array().unwrap();
    assert_eq!(arms_map.len(), arms);
    let plan = read_json(dir.join("fanzha.json"));
    let mut by_column = BTreeMap::new();
    for alloc in plan["allocations"].as_array().unwrap() {
        let col = arms_map
            .iter()
            .find(|a| a["message"] == alloc["message"] && a["placement"] == alloc["placement"])
            .expect("every allocation has its column");
        by_column.insert(
            col["column"].as_str().unwrap().to_string(),
            alloc["units"].clone(),
        );
    }
    assert!(!by_column.is_empty());
    let allocations: Vec<Value> = arms_map
        .iter()
        .filter_map(|a| {
            let units = by_column.get(a["column"].as_str()?)?;
            Some(json!({"message": a["message"], "placement": a["placement"], "units": units}))
        })
        .collect();
    let written = dir.join("through-map.json");
    let file = json!({"scenario": map["scenario"], "strategy": "map", "allocations": allocations});
    std::fs::write(&written, file.to_string()).unwrap();
    let again = out_dir("again");
    let out = export_tiny(&again, &["--plan", written.to_str().unwrap()]);
    common::ok(&out);
    let back = read_json(again.join("summary.json"));
    assert_eq!(back["value"], summary["value"]);
    assert_eq!(back["check_ok"], json!(true));
    let back_plan = read_json(again.join("fanzha.json"));
    assert_eq!(back_plan["allocations"], plan["allocations"]);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&again);
}
