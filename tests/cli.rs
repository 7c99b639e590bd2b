//! The `plan` example as planners run it: a subprocess with arguments and files.
//!
//! `cargo test` builds examples before it runs integration tests, so the binary sits next to
//! this test's executable: `<target>/debug/deps/cli-HASH` -> `<target>/debug/examples/plan`.
//! `cargo test --test cli` alone does not rebuild the example: run
//! `cargo build --example plan` first, or the tests run a stale binary.
//!
//! The built-in scenario is a placeholder that will be replaced by a calibrated one, so tests
//! on it check shapes and relations, never its numbers. Exact cases use the small scenario in
//! `tests/data/base_scenario.json`.

use std::ffi::OsStr;
use std::process::Output;

use serde_json::{Value, json};

mod common;

use common::{TempFile, assert_clean_error, ok, stderr, stdout};

const BASE: &str = include_str!("data/base_scenario.json");

/// Runs `plan` with `args` (see [`common::run_example`]).
fn run<S: AsRef<OsStr>>(args: &[S]) -> Output {
    common::run_example("plan", args)
}

/// Asserts a successful `--json` run and parses its stdout.
#[track_caller]
fn ok_json(out: &Output) -> Value {
    let text = ok(out);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{text}"))
}

fn base_value() -> Value {
    serde_json::from_str(BASE).expect("the base scenario is valid JSON")
}

/// Writes `scenario` to a temp file.
fn scenario_file(test: &str, scenario: &Value) -> TempFile {
    TempFile::with(test, "scenario.json", &scenario.to_string())
}

/// Numbers equal to `rel` relative error (absolute near zero), everything else exactly.
fn assert_close(a: &Value, b: &Value, rel: f64, at: &str) {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().expect("f64"), y.as_f64().expect("f64"));
            let tol = rel * x.abs().max(y.abs()).max(1e-300);
            assert!((x - y).abs() <= tol, "{at}: {x} vs {y}");
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{at}: lengths differ");
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                assert_close(p, q, rel, &format!("{at}[{i}]"));
            }
        }
        (Value::Object(x), Value::Object(y)) => {
            let kx: Vec<_> = x.keys().collect();
            let ky: Vec<_> = y.keys().collect();
            assert_eq!(kx, ky, "{at}: keys differ");
            for (k, p) in x {
                assert_close(p, &y[k], rel, &format!("{at}.{k}"));
            }
        }
        _ => assert_eq!(a, b, "{at}"),
    }
}

#[track_caller]
fn num(v: &Value, key: &str) -> f64 {
    let x = v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} is not a number: {v}"));
    assert!(x.is_finite(), "{key} = {x}");
    x
}

// --- the built-in scenario ---

#[test]
fn no_arguments_prints_table_kpis_and_baseline() {
    let out = run::<&str>(&[]);
    let text = ok(&out);
    assert!(
        text.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>()
                == [
                    "placement",
                    "message",
                    "units",
                    "unit",
                    "spend",
                    "paid",
                    "by"
                ]),
        "no plan table header:\n{text}"
    );
    assert!(text.contains("KPIs"), "{text}");
    assert!(text.contains("prevented loss"), "{text}");
    let line = text
        .lines()
        .find(|l| l.contains("x the loss of blanket"))
        .unwrap_or_else(|| panic!("no baseline comparison line:\n{text}"));
    // "  reallocate prevents 1.23x the loss of blanket"
    let ratio: f64 = line
        .split_whitespace()
        .find_map(|w| w.strip_suffix('x'))
        .and_then(|w| w.parse().ok())
        .unwrap_or_else(|| panic!("no ratio in {line:?}"));
    assert!(ratio.is_finite() && ratio > 0.0, "{line}");
    assert!(
        line.trim_start().starts_with("reallocate prevents"),
        "{line}"
    );
    assert_eq!(stderr(&out), "", "no warnings for a feasible plan");
}

#[test]
fn json_has_the_documented_shape() {
    let v = ok_json(&run(&["--json"]));
    for key in ["scenario", "strategy", "allocations", "outcome"] {
        assert!(v.get(key).is_some(), "missing {key}: {v}");
    }
    assert!(v["scenario"].as_str().is_some_and(|s| !s.is_empty()), "{v}");
    assert_eq!(v["strategy"], "reallocate", "the default strategy");
    let allocations = v["allocations"].as_array().expect("allocations is a list");
    assert!(!allocations.is_empty(), "the default plan buys something");
    for a in allocations {
        assert!(
            a["message"].is_string() && a["placement"].is_string(),
            "{a}"
        );
        assert!(a["units"].as_u64().is_some_and(|u| u > 0), "{a}");
    }

    let o = &v["outcome"];
    for key in [
        "prevented_loss",
        "prevented_cases",
        "spend",
        "staff_hours",
        "loss_at_risk",
        "cases_at_risk",
    ] {
        assert!(num(o, key) >= 0.0, "{key} negative: {o}");
    }
    for key in ["upper_bound", "gap"] {
        assert!(
            o.get(key).is_some_and(|x| x.is_null() || x.is_number()),
            "{key} must be present, null or a number: {o}"
        );
    }
    assert!(num(o, "prevented_loss") > 0.0);
    assert!(num(o, "prevented_loss") <= num(o, "loss_at_risk"));
    assert!(num(o, "prevented_cases") <= num(o, "cases_at_risk"));

    let segments = o["segments"].as_array().expect("segments is a list");
    assert!(!segments.is_empty());
    for s in segments {
        assert!(s["segment"].is_string(), "{s}");
        let reach = num(s, "reach");
        let effective = num(s, "effective_reach");
        assert!((0.0..=1.0).contains(&reach), "{s}");
        assert!((0.0..=reach).contains(&effective), "{s}");
        let reduction = s["reduction"].as_array().expect("reduction is a list");
        assert!(!reduction.is_empty(), "{s}");
        for r in reduction {
            assert!(r["threat"].is_string(), "{r}");
            let value = num(r, "value");
            assert!((0.0..1.0).contains(&value), "{r}");
        }
    }
}

#[test]
fn json_plan_respects_the_scenario_and_names_its_items() {
    let file = TempFile::new("json_plan_respects", "scenario.json");
    ok(&run(&[OsStr::new("--write-scenario"), file.arg()]));
    let scenario: Value =
        serde_json::from_str(&std::fs::read_to_string(file.path()).expect("written"))
            .expect("the written scenario is JSON");
    let v = ok_json(&run(&["--json"]));
    assert_eq!(v["scenario"], scenario["name"]);

    let ids = |list: &Value| -> Vec<String> {
        list.as_array()
            .expect("a list")
            .iter()
            .map(|x| x["id"].as_str().expect("an id").to_string())
            .collect()
    };
    let segments = ids(&scenario["segments"]);
    let threats = ids(&scenario["threats"]);
    let messages = ids(&scenario["messages"]);
    let placements: Vec<String> = scenario["channels"]
        .as_array()
        .expect("channels")
        .iter()
        .flat_map(|c| ids(&c["placements"]))
        .collect();
    for a in v["allocations"].as_array().expect("allocations") {
        assert!(messages.iter().any(|m| a["message"] == **m), "{a}");
        assert!(placements.iter().any(|p| a["placement"] == **p), "{a}");
    }
    let out_segments: Vec<&str> = v["outcome"]["segments"]
        .as_array()
        .expect("segments")
        .iter()
        .map(|s| s["segment"].as_str().expect("segment id"))
        .collect();
    assert_eq!(out_segments, segments, "one outcome entry per segment");
    for s in v["outcome"]["segments"].as_array().expect("segments") {
        let t: Vec<&str> = s["reduction"]
            .as_array()
            .expect("reduction")
            .iter()
            .map(|r| r["threat"].as_str().expect("threat id"))
            .collect();
        assert_eq!(t, threats, "one reduction per threat: {s}");
    }
    if let Some(money) = scenario["resources"]["money"].as_f64() {
        assert!(num(&v["outcome"], "spend") <= money * (1.0 + 1e-9));
    }
    if let Some(hours) = scenario["resources"]["staff_hours"].as_f64() {
        assert!(num(&v["outcome"], "staff_hours") <= hours * (1.0 + 1e-9));
    }
}

#[test]
fn evaluate_reproduces_the_outcome() {
    let out = run(&["--json"]);
    let planned = ok_json(&out);
    let file = TempFile::with("evaluate_reproduces", "plan.json", &stdout(&out));
    let again = run(&[OsStr::new("--evaluate"), file.arg(), OsStr::new("--json")]);
    let evaluated = ok_json(&again);
    assert_eq!(stderr(&again), "", "the planned plan breaks nothing");
    assert_eq!(evaluated["scenario"], planned["scenario"]);
    assert_eq!(evaluated["strategy"], planned["strategy"]);
    assert_eq!(evaluated["allocations"], planned["allocations"]);
    assert_close(&evaluated["outcome"], &planned["outcome"], 1e-9, "outcome");
}

#[test]
fn evaluate_scores_a_hand_made_plan_without_outcome() {
    let scenario = scenario_file("evaluate_hand_made", &base_value());
    let plan = json!({
        "scenario": "Base town",
        "allocations": [{"message": "health.radio", "placement": "radio.morning", "units": 20}]
    });
    let file = TempFile::with("evaluate_hand_made", "plan.json", &plan.to_string());
    let v = ok_json(&run(&[
        OsStr::new("--scenario"),
        scenario.arg(),
        OsStr::new("--evaluate"),
        file.arg(),
        OsStr::new("--json"),
    ]));
    let o = &v["outcome"];
    // 20 spots: setup 300 + 20 x 80 + production 300; 0.5 staff hours a spot.
    assert_close(&o["spend"], &json!(2200.0), 1e-12, "spend");
    assert_close(&o["staff_hours"], &json!(10.0), 1e-12, "staff_hours");
    // 20 x 0.5 x 0.15 = 1.5 absorbed; ceiling 0.5 (override), scale 3.
    let r = 0.5 * (1.0 - (-0.5f64).exp());
    assert_close(
        &o["segments"][1]["reduction"][1]["value"],
        &json!(r),
        1e-12,
        "reduction",
    );
    // A = 2000 people x 0.001 cases x 10,000 yuan.
    assert_close(
        &o["prevented_loss"],
        &json!(2000.0 * 0.001 * 1e4 * r),
        1e-12,
        "loss",
    );
}

/// Runs `plan --scenario BASE --evaluate PLAN` and `extra`, where PLAN puts 201 spots on
/// `radio.morning` (capacity 200).
fn evaluate_over_capacity(test: &str, extra: &[&str]) -> Output {
    let scenario = scenario_file(test, &base_value());
    let plan = json!({
        "scenario": "Base town",
        "allocations": [{"message": "health.radio", "placement": "radio.morning", "units": 201}]
    });
    let file = TempFile::with(test, "plan.json", &plan.to_string());
    let mut args = vec![
        OsStr::new("--scenario"),
        scenario.arg(),
        OsStr::new("--evaluate"),
        file.arg(),
    ];
    args.extend(extra.iter().map(OsStr::new));
    run(&args)
}

/// Exit code of a plan evaluated but infeasible (documented in the example and `--help`).
const INFEASIBLE: i32 = 3;

/// Asserts a run that printed its evaluation of a plan breaking a constraint: exit code 3,
/// no sign of a panic; returns stdout.
#[track_caller]
fn infeasible(out: &Output) -> String {
    let err = stderr(out);
    assert!(!err.contains("panicked"), "the program panicked:\n{err}");
    assert_eq!(
        out.status.code(),
        Some(INFEASIBLE),
        "exit code; stderr:\n{err}"
    );
    stdout(out)
}

#[test]
fn evaluate_warns_about_an_infeasible_plan() {
    let out = evaluate_over_capacity("evaluate_infeasible", &["--json"]);
    let text = infeasible(&out);
    let v: Value = serde_json::from_str(&text).expect("the evaluation is still printed as JSON");
    assert_eq!(v["allocations"][0]["units"], 201);
    let err = stderr(&out);
    assert!(
        err.starts_with("warning:") && err.contains("radio.morning") && err.contains("capacity"),
        "{err}"
    );
}

#[test]
fn evaluate_of_an_infeasible_plan_exits_3_and_prints_the_tables_and_violations() {
    let out = evaluate_over_capacity("evaluate_infeasible_exit", &[]);
    let text = infeasible(&out);
    assert!(text.contains("KPIs"), "the evaluation is printed:\n{text}");
    let broken = text
        .split("CONSTRAINTS BROKEN")
        .nth(1)
        .unwrap_or_else(|| panic!("no violations:\n{text}"));
    assert!(
        broken.contains("radio.morning") && broken.contains("capacity"),
        "{broken}"
    );
    assert_eq!(stderr(&out), "", "the table output says it on stdout");
}

#[test]
fn evaluate_of_a_feasible_plan_exits_0() {
    let out = run(&["--json"]);
    let file = TempFile::with("evaluate_feasible_exit", "plan.json", &stdout(&out));
    let again = run(&[OsStr::new("--evaluate"), file.arg()]);
    assert!(!ok(&again).contains("CONSTRAINTS BROKEN"));
}

#[test]
fn help_documents_the_exit_codes() {
    let text = ok(&run(&["--help"]));
    let codes = text
        .split("Exit codes:")
        .nth(1)
        .unwrap_or_else(|| panic!("--help has no exit codes:\n{text}"));
    for code in ["0 ", "2 ", "3 "] {
        assert!(
            codes.lines().any(|l| l.trim_start().starts_with(code)),
            "no exit code {code}in:\n{codes}"
        );
    }
}

#[test]
fn write_scenario_then_read_it_gives_the_same_plan() {
    let file = TempFile::new("write_scenario_round_trip", "scenario.json");
    let out = run(&[OsStr::new("--write-scenario"), file.arg()]);
    assert_eq!(ok(&out), "", "--write-scenario prints nothing on stdout");
    assert!(stderr(&out).contains(&file.shown()), "{}", stderr(&out));
    let text = std::fs::read_to_string(file.path()).expect("the scenario was written");
    serde_json::from_str::<Value>(&text).expect("the written scenario is JSON");

    let builtin = ok_json(&run(&["--json"]));
    let from_file = ok_json(&run(&[
        OsStr::new("--scenario"),
        file.arg(),
        OsStr::new("--json"),
    ]));
    assert_eq!(from_file["scenario"], builtin["scenario"]);
    assert_eq!(from_file["allocations"], builtin["allocations"]);
    assert_close(&from_file["outcome"], &builtin["outcome"], 1e-9, "outcome");
}

#[test]
fn write_scenario_of_a_file_round_trips_it() {
    let input = scenario_file("write_scenario_of_a_file", &base_value());
    let output = TempFile::new("write_scenario_of_a_file", "out.json");
    ok(&run(&[
        OsStr::new("--scenario"),
        input.arg(),
        OsStr::new("--write-scenario"),
        output.arg(),
    ]));
    let a = ok_json(&run(&[
        OsStr::new("--scenario"),
        input.arg(),
        OsStr::new("--json"),
    ]));
    let b = ok_json(&run(&[
        OsStr::new("--scenario"),
        output.arg(),
        OsStr::new("--json"),
    ]));
    assert_eq!(a, b);
}

#[test]
fn budget_zero_on_the_builtin_scenario_fails_cleanly_naming_the_floor() {
    // Every message of the built-in scenario has a production cost, so with no money no
    // warning can run at all, and its floors (which need a positive reduction) cannot be met.
    let scenario: Value = serde_json::from_str(&fanzha::scenarios::jurong_2023().to_json())
        .expect("the built-in scenario is JSON");
    let messages = scenario["messages"].as_array().expect("messages");
    assert!(
        messages
            .iter()
            .all(|m| m["production_cost"].as_f64().is_some_and(|c| c > 0.0)),
        "a free message makes this test's premise false: {messages:?}"
    );
    assert!(
        scenario["floors"]
            .as_array()
            .is_some_and(|f| f.iter().any(|f| num(f, "min_reduction") > 0.0)),
        "the built-in scenario has a positive floor"
    );
    let parts = [
        "built-in scenario",
        "could not meet the floor",
        "segment",
        "within the resources",
    ];
    assert_clean_error(&run(&["--budget", "0", "--json"]), &parts);
    // The table output fails the same way.
    assert_clean_error(&run(&["--budget", "0"]), &parts);
}

#[test]
fn budget_zero_with_a_paid_floor_names_the_floor() {
    let scenario = scenario_file("budget_zero_paid_floor", &base_value());
    let out = run(&[
        OsStr::new("--scenario"),
        scenario.arg(),
        OsStr::new("--budget"),
        OsStr::new("0"),
    ]);
    assert_clean_error(
        &out,
        &[
            &scenario.shown(),
            "could not meet the floor",
            "\"village.elderly\"",
            "\"health\"",
        ],
    );
}

#[test]
fn budget_zero_without_floors_plans_nothing() {
    let mut v = base_value();
    v.as_object_mut().expect("object").remove("floors");
    let scenario = scenario_file("budget_zero_no_floors", &v);
    for strategy in ["greedy", "greedy+ls", "blanket", "population"] {
        let plan = ok_json(&run(&[
            OsStr::new("--scenario"),
            scenario.arg(),
            OsStr::new("--budget"),
            OsStr::new("0"),
            OsStr::new("--strategy"),
            OsStr::new(strategy),
            OsStr::new("--json"),
        ]));
        assert_eq!(plan["allocations"], json!([]), "{strategy}");
        assert_eq!(num(&plan["outcome"], "spend"), 0.0, "{strategy}");
        assert_eq!(num(&plan["outcome"], "prevented_loss"), 0.0, "{strategy}");
    }
}

#[test]
fn budget_zero_buys_free_units() {
    let mut v = base_value();
    v.as_object_mut().expect("object").remove("floors");
    v["channels"][0]["placements"][0]["unit_cost"] = json!(0);
    v["channels"][0]["placements"][0]["setup_cost"] = json!(0);
    v["messages"][0]["production_cost"] = json!(0);
    let scenario = scenario_file("budget_zero_free_units", &v);
    let plan = ok_json(&run(&[
        OsStr::new("--scenario"),
        scenario.arg(),
        OsStr::new("--budget"),
        OsStr::new("0"),
        OsStr::new("--json"),
    ]));
    assert_eq!(
        plan["allocations"],
        json!([{"message": "brushing.comic", "placement": "douyin.young", "units": 500}]),
        "greedy fills the free placement"
    );
    assert_eq!(num(&plan["outcome"], "spend"), 0.0);
    assert!(num(&plan["outcome"], "prevented_loss") > 0.0);
}

// --- strategies and the certified bound ---

#[test]
fn strategy_greedy_still_works_and_the_default_is_at_least_as_good() {
    let greedy = ok_json(&run(&["--strategy", "greedy", "--json"]));
    assert_eq!(greedy["strategy"], "greedy");
    let default = ok_json(&run(&["--json"]));
    // Local search starts from the greedy plan and only keeps improvements.
    assert!(
        num(&default["outcome"], "prevented_loss")
            >= num(&greedy["outcome"], "prevented_loss") * (1.0 - 1e-12)
    );
}

#[test]
fn help_lists_every_strategy_name() {
    // Written out here, not taken from the library: a strategy added to the registry must be
    // added to this list (and so to the help text) by hand.
    const NAMES: [&str; 7] = [
        "greedy",
        "greedy+ls",
        "lns",
        "reallocate",
        "exact",
        "blanket",
        "population",
    ];
    assert_eq!(
        fanzha::STRATEGY_NAMES,
        NAMES,
        "the registry changed: update this test and the --help text"
    );
    let text = ok(&run(&["--help"]));
    for (option, help) in [
        ("--strategy", "Strategy: "),
        ("--baseline", "Baseline to compare with: "),
    ] {
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with(option))
            .unwrap_or_else(|| panic!("--help has no {option} line:\n{text}"));
        let listed: Vec<&str> = line
            .split_once(help)
            .and_then(|(_, rest)| rest.split(" [default").next())
            .unwrap_or_else(|| panic!("{option} line lists no names: {line}"))
            .split(", ")
            .collect();
        assert_eq!(listed, NAMES, "{option} line: {line}");
    }
    assert!(text.contains("--bound"), "{text}");
}

/// Asserts `outcome` carries a certified bound at least its prevented loss, and the gap.
#[track_caller]
fn assert_bound_filled(outcome: &Value) -> f64 {
    let value = num(outcome, "prevented_loss");
    let bound = num(outcome, "upper_bound");
    let gap = num(outcome, "gap");
    assert!(bound >= value, "bound {bound} < prevented loss {value}");
    assert!((0.0..1.0).contains(&gap), "gap {gap}");
    assert!(
        (gap - (1.0 - value / bound)).abs() <= 1e-12,
        "gap {gap} is not 1 - {value} / {bound}"
    );
    bound
}

#[test]
fn json_bound_fills_upper_bound_and_gap() {
    let without = ok_json(&run(&["--json"]));
    for key in ["upper_bound", "gap"] {
        assert!(without["outcome"][key].is_null(), "{key} without --bound");
    }
    let with = ok_json(&run(&["--json", "--bound"]));
    assert_eq!(with["allocations"], without["allocations"], "same plan");
    let bound = assert_bound_filled(&with["outcome"]);
    // The bound is a property of the problem, not of the plan.
    let greedy = ok_json(&run(&["--json", "--bound", "--strategy", "greedy"]));
    assert_eq!(num(&greedy["outcome"], "upper_bound"), bound);
    assert!(num(&greedy["outcome"], "gap") >= num(&with["outcome"], "gap") - 1e-12);
}

#[test]
fn evaluate_with_bound_fills_upper_bound_and_gap() {
    let out = run(&["--json"]);
    let file = TempFile::with("evaluate_with_bound", "plan.json", &stdout(&out));
    let plain = ok_json(&run(&[
        OsStr::new("--evaluate"),
        file.arg(),
        OsStr::new("--json"),
    ]));
    for key in ["upper_bound", "gap"] {
        assert!(plain["outcome"][key].is_null(), "{key} without --bound");
    }
    let again = run(&[
        OsStr::new("--evaluate"),
        file.arg(),
        OsStr::new("--json"),
        OsStr::new("--bound"),
    ]);
    let v = ok_json(&again);
    assert_eq!(stderr(&again), "", "a feasible plan gets no warning");
    assert_bound_filled(&v["outcome"]);
}

#[test]
fn bound_in_table_mode_says_how_far_from_optimal() {
    let text = ok(&run(&["--bound"]));
    let line = text
        .lines()
        .find(|l| l.starts_with("No plan can prevent more than"))
        .unwrap_or_else(|| panic!("no bound sentence:\n{text}"));
    assert!(line.contains("this plan is within"), "{line}");
    assert!(text.contains("gap to bound"), "{text}");
    assert!(!ok(&run::<&str>(&[])).contains("No plan can prevent"));
}

#[test]
fn evaluate_with_bound_warns_that_an_infeasible_plan_has_no_gap() {
    let out = evaluate_over_capacity("evaluate_bound_infeasible", &["--json", "--bound"]);
    let v: Value = serde_json::from_str(&infeasible(&out)).expect("JSON");
    assert!(num(&v["outcome"], "upper_bound") > 0.0);
    let err = stderr(&out);
    assert!(err.contains("capacity"), "{err}");
    assert!(
        err.contains("the bound holds for plans that meet every constraint"),
        "{err}"
    );
    let text = infeasible(&evaluate_over_capacity(
        "evaluate_bound_infeasible_table",
        &["--bound"],
    ));
    assert!(text.contains("does not apply to it"), "{text}");
    assert!(!text.contains("this plan is within"), "{text}");
}

// --- bad input: exit code 2 and one clean line ---

/// Writes the base scenario changed by `change`, runs `plan --scenario FILE`, and checks the
/// error names the file and each of `parts`.
fn bad_scenario(test: &str, change: impl FnOnce(&mut Value), parts: &[&str]) {
    let mut v = base_value();
    change(&mut v);
    let file = scenario_file(test, &v);
    let out = run(&[OsStr::new("--scenario"), file.arg()]);
    let mut all = vec![file.shown()];
    all.extend(parts.iter().map(|p| p.to_string()));
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    assert_clean_error(&out, &all);
}

#[test]
fn bad_file_unknown_threat_id() {
    bad_scenario(
        "bad_file_unknown_threat_id",
        |v| v["segments"][1]["risk"][0]["threat"] = json!("phishing"),
        &["\"village.elderly\"", "risk[0].threat", "\"phishing\""],
    );
}

#[test]
fn bad_file_unknown_owner() {
    bad_scenario(
        "bad_file_unknown_owner",
        |v| v["channels"][1]["owner"] = json!("finance"),
        &["channel \"radio\"", "owner", "\"finance\""],
    );
}

#[test]
fn bad_file_unknown_selector_group() {
    bad_scenario(
        "bad_file_unknown_selector_group",
        |v| v["floors"][0]["group"] = json!("elders"),
        &["floor #0", "group", "\"elders\""],
    );
}

#[test]
fn bad_file_duplicate_id() {
    bad_scenario(
        "bad_file_duplicate_id",
        |v| v["channels"][1]["placements"][0]["id"] = json!("douyin.young"),
        &["duplicate placement id", "\"douyin.young\""],
    );
}

#[test]
fn bad_file_negative_number() {
    bad_scenario(
        "bad_file_negative_number",
        |v| v["channels"][0]["placements"][0]["unit_cost"] = json!(-30),
        &["\"douyin.young\"", "unit_cost", "-30"],
    );
}

#[test]
fn bad_file_rate_out_of_range() {
    bad_scenario(
        "bad_file_rate_out_of_range",
        |v| v["segments"][0]["risk"][0]["rate"] = json!(1.5),
        &["\"town.young\"", "risk[0].rate", "1.5"],
    );
}

#[test]
fn bad_file_depth_out_of_range() {
    bad_scenario(
        "bad_file_depth_out_of_range",
        |v| v["channels"][0]["depth"] = json!(0),
        &["channel \"douyin\"", "depth"],
    );
}

#[test]
fn bad_file_unreachable_floor() {
    bad_scenario(
        "bad_file_unreachable_floor",
        |v| v["floors"][0]["min_reduction"] = json!(0.6),
        &["floor #0", "min_reduction", "\"village.elderly\""],
    );
}

#[test]
fn bad_file_missing_field() {
    bad_scenario(
        "bad_file_missing_field",
        |v| {
            v["channels"][0]["placements"][0]
                .as_object_mut()
                .expect("object")
                .remove("unit_cost");
        },
        &["\"douyin.young\"", "missing field `unit_cost`"],
    );
}

#[test]
fn bad_file_wrong_type() {
    bad_scenario(
        "bad_file_wrong_type",
        |v| v["segments"][0]["risk"][0]["rate"] = json!("high"),
        &["\"town.young\"", "rate", "invalid type"],
    );
}

#[test]
fn bad_file_unknown_field() {
    bad_scenario(
        "bad_file_unknown_field",
        |v| v["channels"][0]["placements"][0]["setup_cots"] = json!(100),
        &["\"douyin.young\"", "unknown field `setup_cots`"],
    );
}

#[test]
fn bad_file_value_at_risk_overflows() {
    bad_scenario(
        "bad_file_value_at_risk_overflows",
        |v| v["segments"][0]["risk"][0]["loss"] = json!(1e308),
        &["\"town.young\"", "loss"],
    );
}

#[test]
fn bad_file_is_a_directory() {
    let dir = std::env::temp_dir();
    let out = run(&[OsStr::new("--scenario"), dir.as_os_str()]);
    assert_clean_error(&out, &[&dir.display().to_string()]);
}

#[test]
fn write_scenario_to_a_missing_directory() {
    let dir = TempFile::new("write_scenario_missing_dir", "no-such-dir");
    let target = dir.path().join("scenario.json");
    let out = run(&[OsStr::new("--write-scenario"), target.as_os_str()]);
    assert_clean_error(&out, &[&target.display().to_string()]);
    assert!(!target.exists());
}

#[test]
fn bad_file_truncated_json() {
    let file = TempFile::with("bad_file_truncated_json", "scenario.json", &BASE[..700]);
    let out = run(&[OsStr::new("--scenario"), file.arg()]);
    assert_clean_error(&out, &[&file.shown(), "EOF", "line"]);
}

#[test]
fn bad_file_empty() {
    let file = TempFile::with("bad_file_empty", "scenario.json", "");
    let out = run(&[OsStr::new("--scenario"), file.arg()]);
    assert_clean_error(&out, &[&file.shown(), "EOF"]);
}

#[test]
fn bad_file_nonexistent() {
    let file = TempFile::new("bad_file_nonexistent", "missing.json");
    let out = run(&[OsStr::new("--scenario"), file.arg()]);
    assert_clean_error(&out, &[&file.shown()]);
}

#[test]
fn bad_file_nonexistent_plan() {
    let file = TempFile::new("bad_file_nonexistent_plan", "missing.json");
    let out = run(&[OsStr::new("--evaluate"), file.arg()]);
    assert_clean_error(&out, &[&file.shown()]);
}

/// Runs `plan` with `args`, killed (and the test failed) if it runs longer than `limit`, so
/// that a run that would hang cannot hang CI. Output must be small (it is read at the end).
fn run_within<S: AsRef<OsStr>>(args: &[S], limit: std::time::Duration) -> Output {
    use std::process::{Command, Stdio};
    let mut child = Command::new(common::example_exe("plan"))
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the plan example starts");
    let start = std::time::Instant::now();
    while child.try_wait().expect("the child can be polled").is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("plan ran longer than {limit:?}: killed");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().expect("the output is read")
}

#[cfg(unix)]
#[test]
fn evaluate_of_an_endless_file_stops_at_the_size_limit() {
    // Reading /dev/zero whole would fill memory; the plan file's size limit stops it.
    let out = run_within(
        &["--evaluate", "/dev/zero"],
        std::time::Duration::from_secs(30),
    );
    assert_clean_error(&out, &["/dev/zero", "larger than 16 MiB", "plan file"]);
}

#[test]
fn unknown_strategy_name() {
    let out = run(&["--strategy", "genetic"]);
    assert_clean_error(&out, &["--strategy", "\"genetic\"", "greedy"]);
}

#[test]
fn unknown_baseline_name() {
    let out = run(&["--baseline", "genetic"]);
    assert_clean_error(&out, &["--baseline", "\"genetic\""]);
    let out = run(&["--baseline", "genetic", "--json"]);
    assert_clean_error(&out, &["--baseline", "\"genetic\""]);
}

#[test]
fn bad_budget_negative_with_equals() {
    let out = run(&["--budget=-5"]);
    assert_clean_error(&out, &["--budget", "money", "-5"]);
}

#[test]
fn bad_budget_negative() {
    let out = run(&["--budget", "-5"]);
    assert_clean_error(&out, &["--budget", "-5"]);
}

#[test]
fn bad_budget_not_a_number() {
    let out = run(&["--budget", "lots"]);
    assert_clean_error(&out, &["--budget", "lots"]);
}

#[test]
fn bad_budget_nan() {
    let out = run(&["--budget", "NaN"]);
    assert_clean_error(&out, &["--budget", "money", "NaN"]);
}

#[test]
fn bad_staff_hours_infinite() {
    let out = run(&["--staff-hours", "inf"]);
    assert_clean_error(&out, &["--staff-hours", "staff_hours", "inf"]);
}

/// Writes `plan` and runs `plan --scenario BASE --evaluate PLAN`; returns the output and the
/// plan file's path as shown.
fn evaluate_plan(test: &str, plan: &str) -> (Output, String) {
    let scenario = scenario_file(test, &base_value());
    let file = TempFile::with(test, "plan.json", plan);
    let out = run(&[
        OsStr::new("--scenario"),
        scenario.arg(),
        OsStr::new("--evaluate"),
        file.arg(),
    ]);
    (out, file.shown())
}

#[test]
fn plan_file_with_unknown_message() {
    let plan = json!({"scenario": "Base town", "allocations": [
        {"message": "health.radio", "placement": "radio.morning", "units": 3},
        {"message": "lottery.poster", "placement": "radio.morning", "units": 3}]});
    let (out, file) = evaluate_plan("plan_file_with_unknown_message", &plan.to_string());
    assert_clean_error(
        &out,
        &[&file, "allocation #1", "message", "\"lottery.poster\""],
    );
}

#[test]
fn plan_file_with_unknown_placement() {
    let plan = json!({"scenario": "Base town", "allocations": [
        {"message": "health.radio", "placement": "radio.night", "units": 3}]});
    let (out, file) = evaluate_plan("plan_file_with_unknown_placement", &plan.to_string());
    assert_clean_error(
        &out,
        &[&file, "allocation #0", "placement", "\"radio.night\""],
    );
}

#[test]
fn plan_file_with_incompatible_arm() {
    let plan = json!({"scenario": "Base town", "allocations": [
        {"message": "brushing.comic", "placement": "radio.morning", "units": 3}]});
    let (out, file) = evaluate_plan("plan_file_with_incompatible_arm", &plan.to_string());
    assert_clean_error(
        &out,
        &[
            &file,
            "\"brushing.comic\"",
            "\"radio.morning\"",
            "cannot run",
        ],
    );
}

#[test]
fn plan_file_with_repeated_allocation() {
    let plan = json!({"scenario": "Base town", "allocations": [
        {"message": "health.radio", "placement": "radio.morning", "units": 3},
        {"message": "health.radio", "placement": "radio.morning", "units": 4}]});
    let (out, file) = evaluate_plan("plan_file_with_repeated_allocation", &plan.to_string());
    assert_clean_error(&out, &[&file, "allocation #1", "\"health.radio\""]);
}

#[test]
fn plan_file_with_negative_units() {
    let plan = json!({"scenario": "Base town", "allocations": [
        {"message": "health.radio", "placement": "radio.morning", "units": -3}]});
    let (out, file) = evaluate_plan("plan_file_with_negative_units", &plan.to_string());
    assert_clean_error(&out, &[&file, "allocations[0]", "units", "-3"]);
}

#[test]
fn plan_file_truncated() {
    let plan = r#"{"scenario": "Base town", "allocations": [{"message": "health.ra"#;
    let (out, file) = evaluate_plan("plan_file_truncated", plan);
    assert_clean_error(&out, &[&file, "EOF"]);
}

#[test]
fn huge_audience_keeps_effective_reach_within_reach() {
    let mut v = base_value();
    v["channels"][0]["placements"][0]["audience"][0]["per_unit"] = json!(1e6);
    let scenario = scenario_file("huge_audience", &v);
    let plan = ok_json(&run(&[
        OsStr::new("--scenario"),
        scenario.arg(),
        OsStr::new("--json"),
    ]));
    let young = &plan["outcome"]["segments"][0];
    assert_eq!(young["segment"], "town.young");
    assert_eq!(num(young, "reach"), 1.0, "{young}");
    assert_eq!(num(young, "effective_reach"), 1.0, "{young}");
}

/// Writing to a closed pipe (`plan | head -1`) used to panic (exit 101): it now ends quietly.
#[cfg(unix)]
#[test]
fn plan_and_compare_exit_quietly_on_a_closed_pipe() {
    use std::process::{Command, Stdio};
    for (example, args) in [
        ("plan", vec!["--json"]),
        ("compare", vec!["--sizes", "tiny", "--seeds", "1"]),
    ] {
        let mut child = Command::new(common::example_exe(example))
            .args(&args)
            .env_remove("RUST_BACKTRACE")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the example starts");
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("the example ends");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{example}: {err}");
        assert_eq!(err, "", "{example}: nothing on stderr");
    }
}

/// `plan > /dev/full` used to panic (exit 101): a write error is one `error:` line, code 2.
#[cfg(target_os = "linux")]
#[test]
fn plan_and_compare_report_a_full_disk_on_one_line() {
    use std::process::Command;
    for (example, args) in [
        ("plan", vec!["--json"]),
        ("compare", vec!["--sizes", "tiny", "--seeds", "1"]),
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full opens");
        let out = Command::new(common::example_exe(example))
            .args(&args)
            .env_remove("RUST_BACKTRACE")
            .stdout(full)
            .output()
            .expect("the example runs");
        assert_clean_error(&out, &["cannot write the output"]);
    }
}

#[test]
fn analyses_print_the_frontier_the_silos_and_the_floor_prices() {
    let scenario = scenario_file("analyses", &base_value());
    let out = run(&[
        OsStr::new("--scenario"),
        scenario.arg(),
        OsStr::new("--analyses"),
    ]);
    let text = ok(&out);
    for title in [
        "Budget frontier",
        "Joint against siloed",
        "Price of each fairness floor",
        "Fairness floors: all 1 met",
        "Limits",
    ] {
        assert!(text.contains(title), "no {title:?}:\n{text}");
    }
    let frontier: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("Budget frontier"))
        .skip(2)
        .take_while(|l| l.starts_with("  "))
        .collect();
    assert_eq!(frontier.len(), 20, "20 budgets:\n{text}");
    let last = frontier[19].split_whitespace().next().expect("a budget");
    assert_eq!(last, "100000", "twice the money limit");
    assert!(text.contains("Planning together prevents"), "{text}");
}

#[test]
fn target_prints_the_cheapest_plan_and_its_certificate() {
    let scenario = scenario_file("target", &base_value());
    let json = ok_json(&run(&[
        OsStr::new("--scenario"),
        scenario.arg(),
        OsStr::new("--json"),
    ]));
    let cases = num(&json["outcome"], "prevented_cases");
    let goal = format!("cases={}", 0.5 * cases);
    let out = run(&[
        OsStr::new("--scenario"),
        scenario.arg(),
        OsStr::new("--target"),
        OsStr::new(&goal),
    ]);
    let text = ok(&out);
    assert!(
        text.starts_with("Target: the cheapest plan preventing at least"),
        "{text}"
    );
    assert!(text.contains("Certified: no plan spending"), "{text}");
    let spend: f64 = text
        .lines()
        .find(|l| l.trim_start().starts_with("spend "))
        .and_then(|l| l.split_whitespace().last())
        .and_then(|w| w.parse().ok())
        .unwrap_or_else(|| panic!("no spend line:\n{text}"));
    assert!(spend <= num(&json["outcome"], "spend"), "{text}");
    let bad = run(&["--target", "cases=1e9"]);
    assert_clean_error(&bad, &["--target", "out of reach"]);
    let bad = run(&["--target", "people=3"]);
    assert_clean_error(&bad, &["--target", "cases=N or loss=N"]);
}
