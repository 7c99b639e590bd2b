//! `plan --weeks N`: the calendar a planner follows, calendar plan files read back, and the
//! one clear error of a plan whose weeks do not fit.
//!
//! Run `cargo build --example plan` first when running this file alone (see `tests/cli.rs`).

use serde_json::Value;

mod common;

use common::{TempFile, assert_clean_error, ok, run_example};

#[test]
fn weeks_prints_a_calendar_a_planner_can_follow() {
    let text = ok(&run_example("plan", &["--weeks", "4"]));
    assert!(
        text.contains("Calendar: units of each placement per week"),
        "{text}"
    );
    let header = text
        .lines()
        .find(|l| l.trim_start().starts_with("placement"))
        .expect("the calendar's header");
    for w in ["w1", "w2", "w3", "w4", "total"] {
        assert!(header.contains(w), "{header}");
    }
    assert!(!header.contains("w5"));
    assert!(text.contains("Week by week: what to run"));
    assert!(text.contains("Prevented loss and risk reduction by week"));
    assert!(text.contains("after)"), "tail weeks are listed");
}

#[test]
fn calendar_plan_files_carry_weeks_and_evaluate_back() {
    let json = ok(&run_example("plan", &["--weeks", "3", "--json"]));
    let v: Value = serde_json::from_str(&json).unwrap();
    let allocations = v["allocations"].as_array().unwrap();
    assert!(!allocations.is_empty());
    assert!(
        allocations
            .iter()
            .all(|a| matches!(a["week"].as_u64(), Some(1..=3)))
    );
    let file = TempFile::with("calendar_cli_eval", "plan.json", &json);
    let args = ["--weeks", "3", "--json", "--evaluate"];
    let mut with_file: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
    with_file.push(file.arg());
    let back: Value = serde_json::from_str(&ok(&run_example("plan", &with_file))).unwrap();
    let (a, b) = (
        v["outcome"]["prevented_loss"].as_f64().unwrap(),
        back["outcome"]["prevented_loss"].as_f64().unwrap(),
    );
    assert!((a - b).abs() <= 1e-9 * a.abs(), "{a} vs {b}");
    // The same plan against a 2-week calendar: its week 3 is past the horizon.
    let mut short: Vec<&std::ffi::OsStr> = ["--weeks", "2", "--evaluate"]
        .iter()
        .map(std::ffi::OsStr::new)
        .collect();
    short.push(file.arg());
    if allocations.iter().any(|a| a["week"] == 3) {
        assert_clean_error(&run_example("plan", &short), &["week", "past the campaign"]);
    }
}

#[test]
fn bad_weeks_are_one_clear_error() {
    assert_clean_error(
        &run_example("plan", &["--weeks", "53"]),
        &["--weeks", "1..=52"],
    );
    assert_clean_error(
        &run_example("plan", &["--weeks", "0"]),
        &["--weeks", "1..=52"],
    );
}

#[test]
fn csv_lists_the_weeks_and_the_risk_by_week_group_and_threat() {
    let csv = ok(&run_example("plan", &["--weeks", "2", "--csv"]));
    let mut parts = csv.split("\n\n");
    let list = parts.next().unwrap();
    assert!(list.starts_with("week,placement,message,units\n"), "{list}");
    assert!(list.lines().count() > 1);
    let risk = parts.next().expect("the risk table after a blank line");
    assert!(
        risk.starts_with("week,calendar_week,group,threat,reduction,prevented\n"),
        "{risk}"
    );
}
