//! The `compare` example as researchers run it: a subprocess with arguments and a CSV file.
//!
//! `cargo test` builds examples before it runs integration tests; `cargo test --test
//! compare_cli` alone does not: run `cargo build --example compare` first. Runs use the
//! `tiny` size (8 arms, exact in milliseconds) and the built-in scenario without the slow
//! strategies, so the file takes a few seconds in a debug build.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::process::Output;

mod common;

use common::{TempFile, assert_clean_error, ok};

const BASE: &str = include_str!("data/base_scenario.json");

/// Runs `compare` with `args` (see [`common::run_example`]).
fn run<S: AsRef<OsStr>>(args: &[S]) -> Output {
    common::run_example("compare", args)
}

/// Splits CSV text (RFC 4180: fields with commas or quotes are quoted, quotes doubled) into
/// records of fields.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(!quoted, "unterminated quote in the CSV");
    assert!(
        field.is_empty() && record.is_empty(),
        "the CSV ends with a newline"
    );
    records
}

/// The CSV's rows as maps from column name to field.
fn read_rows(file: &TempFile) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(file.path()).expect("the CSV was written");
    let records = parse_csv(&text);
    let (header, rows) = records.split_first().expect("the CSV has a header");
    for column in [
        "size", "seed", "arms", "strategy", "value", "bound", "gap", "seconds", "status",
    ] {
        assert!(
            header.iter().any(|h| h == column),
            "no {column}: {header:?}"
        );
    }
    rows.iter()
        .map(|r| {
            assert_eq!(r.len(), header.len(), "row width: {r:?}");
            header.iter().cloned().zip(r.iter().cloned()).collect()
        })
        .collect()
}

/// The field as a number, or `None` when empty.
#[track_caller]
fn number(row: &BTreeMap<String, String>, column: &str) -> Option<f64> {
    let field = &row[column];
    if field.is_empty() {
        return None;
    }
    let x: f64 = field
        .parse()
        .unwrap_or_else(|e| panic!("{column} = {field:?}: {e}"));
    assert!(x.is_finite(), "{column} = {x}");
    Some(x)
}

#[test]
fn tiny_instances_with_csv() {
    let csv = TempFile::new("compare_tiny", "rows.csv");
    let out = run(&[
        OsStr::new("--sizes"),
        OsStr::new("tiny"),
        OsStr::new("--instances"),
        OsStr::new("2"),
        OsStr::new("--csv"),
        csv.arg(),
    ]);
    let text = ok(&out);
    assert!(text.contains("== tiny seed 1"), "{text}");
    assert!(text.contains("== tiny seed 2"), "{text}");
    let summary = text
        .split("\nSummary")
        .nth(1)
        .unwrap_or_else(|| panic!("no summary:\n{text}"));
    for name in fanzha::STRATEGY_NAMES {
        assert!(
            summary
                .lines()
                .any(|l| l.split_whitespace().take(2).eq(["tiny", name])),
            "no summary line for {name}:\n{summary}"
        );
    }

    let rows = read_rows(&csv);
    assert_eq!(rows.len(), 2 * fanzha::STRATEGY_NAMES.len(), "{rows:?}");
    for seed in ["1", "2"] {
        let of_seed: Vec<_> = rows.iter().filter(|r| r["seed"] == seed).collect();
        let names: Vec<&str> = of_seed.iter().map(|r| r["strategy"].as_str()).collect();
        assert_eq!(names, fanzha::STRATEGY_NAMES, "seed {seed}");
        let exact = of_seed
            .iter()
            .find(|r| r["strategy"] == "exact")
            .expect("an exact row");
        let optimum = number(exact, "value").expect("exact solves tiny instances");
        for row in &of_seed {
            assert_eq!(row["size"], "tiny");
            assert_eq!(row["arms"], "8", "Config::tiny has 8 arms");
            assert_eq!(row["status"], "ok", "{row:?}");
            let value = number(row, "value").expect("every strategy plans tiny");
            let bound = number(row, "bound").expect("tiny has a bound");
            let gap = number(row, "gap").expect("a gap where both exist");
            assert!(bound >= value, "{row:?}");
            assert!((gap - (1.0 - value / bound)).abs() < 1e-12, "{row:?}");
            assert!(number(row, "seconds").is_some_and(|s| s >= 0.0), "{row:?}");
            assert!(
                value <= optimum * (1.0 + 1e-9),
                "exact is optimal, yet {row:?}"
            );
            // Without --tighten the table's bound is the relaxation's.
            let relaxed = number(row, "relaxation_bound").expect("tiny has a relaxation bound");
            assert!(relaxed >= bound * (1.0 - 1e-9), "{row:?}");
            assert_eq!(
                number(row, "tightened_bound"),
                None,
                "no --tighten: {row:?}"
            );
        }
        let gap = number(exact, "gap").expect("exact has a gap");
        assert!((0.0..1e-5).contains(&gap), "exact's gap on tiny: {gap}");
    }
}

#[test]
fn no_arguments_run_jurong_and_generated_sizes() {
    // The default run: what `cargo run --release --example compare` prints.
    let text = ok(&run::<&str>(&[]));
    for header in ["== jurong: ", "== tiny seed 1", "== city-county seed 3"] {
        assert!(text.contains(header), "no {header:?} table:\n{text}");
    }
    assert!(text.contains("Summary"), "{text}");
    // Exact refuses Jurong (too many arms): a counted failure, not a dropped row.
    let jurong_exact = text
        .lines()
        .find(|l| l.split_whitespace().take(2).eq(["jurong", "exact"]))
        .unwrap_or_else(|| panic!("no summary line for exact on jurong:\n{text}"));
    assert!(jurong_exact.contains("1 too large"), "{jurong_exact}");
}

#[test]
fn failures_are_rows_with_their_error() {
    let csv = TempFile::new("compare_failures", "rows.csv");
    let out = run(&[
        OsStr::new("--sizes"),
        OsStr::new("jurong"),
        OsStr::new("--strategies"),
        OsStr::new("greedy,exact"),
        OsStr::new("--csv"),
        csv.arg(),
    ]);
    let text = ok(&out);
    assert!(text.contains("max_arms"), "the error is printed:\n{text}");
    let rows = read_rows(&csv);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["strategy"], "greedy");
    assert_eq!(rows[0]["status"], "ok");
    assert_eq!(rows[0]["seed"], "", "the built-in scenario has no seed");
    assert_eq!(rows[1]["strategy"], "exact");
    assert!(rows[1]["status"].contains("max_arms"), "{:?}", rows[1]);
    assert_eq!(number(&rows[1], "value"), None);
    assert_eq!(number(&rows[1], "gap"), None);
    assert!(
        number(&rows[1], "bound").is_some(),
        "the bound is the instance's"
    );
}

#[test]
fn seeds_one_number_starts_a_run_and_a_list_is_exact() {
    let seeds_of = |args: &[&str]| -> Vec<String> {
        let csv = TempFile::new("compare_seeds", "rows.csv");
        let mut all: Vec<&OsStr> = ["--sizes", "tiny", "--strategies", "greedy"]
            .iter()
            .chain(args)
            .map(OsStr::new)
            .collect();
        all.extend([OsStr::new("--csv"), csv.arg()]);
        ok(&run(&all));
        read_rows(&csv).iter().map(|r| r["seed"].clone()).collect()
    };
    assert_eq!(seeds_of(&["--seeds", "5", "--instances", "2"]), ["5", "6"]);
    assert_eq!(seeds_of(&["--seeds", "17,3"]), ["17", "3"]);
    assert_eq!(
        seeds_of(&[]),
        ["1", "2", "3"],
        "defaults: seed 1, 3 instances"
    );
}

#[test]
fn a_scenario_file_runs_alone() {
    let scenario = TempFile::with("compare_scenario", "scenario.json", BASE);
    let csv = TempFile::new("compare_scenario", "rows.csv");
    ok(&run(&[
        OsStr::new("--scenario"),
        scenario.arg(),
        OsStr::new("--strategies"),
        OsStr::new("greedy,exact"),
        OsStr::new("--csv"),
        csv.arg(),
    ]));
    let rows = read_rows(&csv);
    assert_eq!(rows.len(), 2, "only the file, no default sizes: {rows:?}");
    for row in &rows {
        assert_eq!(row["size"], scenario.shown());
        let (value, bound) = (number(row, "value"), number(row, "bound"));
        assert!(value.is_some() && bound.is_some(), "{row:?}");
        assert!(bound >= value, "{row:?}");
    }
}

// --- bad input: exit code 2 and one clean line ---

#[test]
fn bad_size() {
    let out = run(&["--sizes", "tiny,mars"]);
    assert_clean_error(&out, &["mars", "--sizes", "city-county"]);
}

#[test]
fn bad_instances_zero() {
    let out = run(&["--instances", "0"]);
    assert_clean_error(&out, &["--instances", "at least 1"]);
}

#[test]
fn bad_seed_list_with_instances() {
    let out = run(&["--seeds", "1,2", "--instances", "2"]);
    assert_clean_error(&out, &["--instances", "--seeds"]);
}

#[test]
fn bad_seed() {
    let out = run(&["--seeds", "-1"]);
    assert_clean_error(&out, &["-1"]);
}

#[test]
fn bad_strategy() {
    let out = run(&["--sizes", "tiny", "--strategies", "greedy,genetic"]);
    assert_clean_error(&out, &["--strategies", "\"genetic\"", "greedy+ls"]);
}

#[test]
fn bad_scenario_file() {
    let missing = TempFile::new("compare_bad_scenario", "missing.json");
    let out = run(&[OsStr::new("--scenario"), missing.arg()]);
    assert_clean_error(&out, &[&missing.shown()]);
    let invalid = TempFile::with("compare_bad_scenario", "bad.json", &BASE[..500]);
    let out = run(&[OsStr::new("--scenario"), invalid.arg()]);
    assert_clean_error(&out, &[&invalid.shown(), "EOF"]);
}

#[test]
fn bad_csv_path() {
    let dir = TempFile::new("compare_bad_csv", "no-such-dir");
    let target = dir.path().join("rows.csv");
    let out = run(&[
        OsStr::new("--sizes"),
        OsStr::new("tiny"),
        OsStr::new("--csv"),
        target.as_os_str(),
    ]);
    assert_clean_error(&out, &[&target.display().to_string()]);
}

#[test]
fn tighten_gives_a_certified_bound_no_looser_than_the_relaxation() {
    let csv = TempFile::new("compare_tighten", "rows.csv");
    let out = run(&[
        OsStr::new("--sizes"),
        OsStr::new("small"),
        OsStr::new("--seeds"),
        OsStr::new("1,2"),
        OsStr::new("--strategies"),
        OsStr::new("greedy,greedy+ls"),
        OsStr::new("--tighten"),
        OsStr::new("20"),
        OsStr::new("--csv"),
        csv.arg(),
    ]);
    let text = ok(&out);
    assert!(text.contains("tightened by branch and bound"), "{text}");
    let rows = read_rows(&csv);
    assert_eq!(rows.len(), 4, "{rows:?}");
    for row in &rows {
        let relaxation = number(row, "relaxation_bound").expect("relaxation bound");
        let tightened = number(row, "tightened_bound").expect("tightened bound");
        let bound = number(row, "bound").expect("bound");
        let value = number(row, "value").expect("a plan");
        assert!(tightened <= relaxation * (1.0 + 1e-9), "{row:?}");
        assert_eq!(bound, tightened.min(relaxation), "{row:?}");
        assert!(value <= bound * (1.0 + 1e-9), "{row:?}");
    }
}

#[test]
fn an_unproven_exact_run_is_scored_with_the_gap_it_proved() {
    // One node cannot prove a `small` instance optimal: exact returns its best plan and the
    // bound it proved, unproven, through `Strategy::solve` like every other strategy.
    let csv = TempFile::new("compare_unproven", "rows.csv");
    let out = run(&[
        OsStr::new("--sizes"),
        OsStr::new("small"),
        OsStr::new("--seeds"),
        OsStr::new("1,2"),
        OsStr::new("--strategies"),
        OsStr::new("exact"),
        OsStr::new("--exact-node-limit"),
        OsStr::new("1"),
        OsStr::new("--csv"),
        csv.arg(),
    ]);
    let text = ok(&out);
    let rows = read_rows(&csv);
    assert_eq!(rows.len(), 2, "{rows:?}");
    let unproven: Vec<_> = rows
        .iter()
        .filter(|r| r["status"].starts_with("not proven"))
        .collect();
    assert!(
        !unproven.is_empty(),
        "the premise: one node leaves some instance unproven: {rows:?}"
    );
    for row in &unproven {
        assert!(row["status"].contains("proven within"), "{row:?}");
        let value = number(row, "value").expect("its best plan is scored");
        let bound = number(row, "bound").expect("a bound");
        assert!(value <= bound * (1.0 + 1e-9), "{row:?}");
        assert!(number(row, "gap").is_some(), "{row:?}");
    }
    let summary = text
        .lines()
        .find(|l| l.split_whitespace().take(2).eq(["small", "exact"]))
        .unwrap_or_else(|| panic!("no summary line for exact:\n{text}"));
    assert!(
        summary.contains(&format!("{} not proven", unproven.len())),
        "{summary}"
    );
}
