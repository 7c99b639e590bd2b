//! `plan --uncertainty N` and `plan --robust BETA[,ALPHA]`.

use serde_json::Value;

mod common;

use common::{assert_clean_error, ok};

#[test]
fn plan_json_carries_the_intervals_tornado_and_evppi() {
    let out = common::run_example(
        "plan",
        &["--uncertainty", "60", "--json", "--strategy", "greedy"],
    );
    let json: Value = serde_json::from_str(&ok(&out)).expect("JSON");
    let u = &json["outcome"]["uncertainty"];
    for kpi in ["prevented_loss", "prevented_cases"] {
        let s = &u[kpi];
        let get = |k: &str| s[k].as_f64().unwrap_or_else(|| panic!("{kpi}.{k}: {s}"));
        assert!(get("p5") <= get("p50") && get("p50") <= get("p95"));
        assert!(get("sd") > 0.0 && get("mean") > 0.0);
    }
    assert_eq!(u["draws"], 60);
    assert!(u["tornado"].as_array().unwrap().len() >= 8);
    assert!(u["evppi"][0]["evppi"].is_number());
    assert!(u["versus"]["probability"].as_f64().unwrap() > 0.9);
    // The rest of the plan file is unchanged.
    assert!(json["outcome"]["prevented_loss"].is_number());
    assert!(json["allocations"].as_array().unwrap().len() > 3);
}

#[test]
fn plan_text_shows_the_range_and_the_assumptions_that_matter_most() {
    let out = common::run_example("plan", &["--uncertainty", "40", "--strategy", "greedy"]);
    let text = ok(&out);
    assert!(text.contains("Uncertainty: 40 draws"), "{text}");
    assert!(text.contains("assumptions that matter most: "), "{text}");
    assert!(text.contains("Worth measuring first"), "{text}");
}

#[test]
fn robust_planning_reports_its_bound_and_fresh_draws() {
    let out = common::run_example(
        "plan",
        &[
            "--robust",
            "0.5,0.2",
            "--robust-draws",
            "12",
            "--uncertainty",
            "20",
            "--strategy",
            "greedy",
            "--json",
        ],
    );
    let json: Value = serde_json::from_str(&ok(&out)).expect("JSON");
    assert_eq!(json["strategy"], "robust(greedy)");
    let r = &json["outcome"]["uncertainty"]["robust"];
    let bound = r["bound"].as_f64().unwrap();
    assert!(bound >= r["in_sample"]["objective"].as_f64().unwrap());
    assert!(r["out_of_sample"]["cvar"].as_f64().unwrap() > 0.0);
}

#[test]
fn bad_flags_give_one_error_line() {
    for (args, part) in [
        (&["--robust", "1.5"][..], "BETA must be in [0, 1]"),
        (&["--robust", "0.5,0"][..], "ALPHA must be in (0, 1]"),
        (&["--uncertainty", "1"][..], "at least 2"),
        (
            &["--robust", "0.5", "--evaluate", "no-such-plan.json"][..],
            "cannot score one given with --evaluate",
        ),
    ] {
        let out = common::run_example("plan", args);
        assert_clean_error(&out, &[part]);
    }
}
