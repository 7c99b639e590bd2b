//! The `fit` and `calibrate` examples as a planner runs them.

use std::process::Command;

fn run(example: &str, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO"))
        .args(["run", "-q", "--example", example, "--"])
        .args(args)
        .output()
        .expect("cargo runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn fit_with_no_arguments_fits_a_labelled_synthetic_history() {
    let (code, out, err) = run("fit", &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("SYNTHETIC"), "{out}");
    assert!(
        out.contains("order_brushing") && out.contains("Holdout"),
        "{out}"
    );
}

#[test]
fn fit_json_has_the_documented_shape() {
    let (code, out, err) = run("fit", &["--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["synthetic"], true);
    let params = v["parameters"].as_array().expect("parameters");
    assert_eq!(params.len(), 12);
    for p in params {
        let kind = p["parameter"].as_str().unwrap();
        assert!(kind == "ceiling" || kind == "scale");
        assert!(p["threat"].is_string() && p["group"].is_null());
        let (lo, est, hi) = (
            p["low"].as_f64().unwrap(),
            p["estimate"].as_f64().unwrap(),
            p["high"].as_f64().unwrap(),
        );
        assert!(lo <= est && est <= hi, "{p}");
    }
    assert!(v["warnings"].is_array());
    assert_eq!(v["holdout"]["periods"], serde_json::json!([22, 23, 24]));
}

#[test]
fn fit_reads_written_histories_and_names_bad_rows() {
    let dir = std::env::temp_dir().join(format!("fanzha-fit-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let h = dir.join("h.json");
    let fitted = dir.join("fitted.json");
    let unc = dir.join("u.json");
    let (code, _, err) = run(
        "fit",
        &["--months", "12", "--write-history", h.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(
        "fit",
        &[
            "--history",
            h.to_str().unwrap(),
            "--write-scenario",
            fitted.to_str().unwrap(),
            "--write-uncertainty",
            unc.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    fanzha::Scenario::from_path(&fitted)
        .unwrap()
        .compile()
        .unwrap();
    let u: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&unc).unwrap()).unwrap();
    assert_eq!(u["parameters"].as_array().unwrap().len(), 12);
    let text = std::fs::read_to_string(&h)
        .unwrap()
        .replacen("\"count\": ", "\"count\": -", 1);
    std::fs::write(&h, text).unwrap();
    let (code, out, err) = run("fit", &["--history", h.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("case row #0") && err.contains("count"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn calibrate_meets_the_jurong_margins() {
    let (code, out, err) = run("calibrate", &["--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["exact"], true);
    assert_eq!(v["residuals"].as_array().unwrap().len(), 15);
}

#[test]
fn fit_takes_the_calendar_retention_when_asked() {
    let estimates = |args: &[&str]| {
        let (code, out, err) = run("fit", args);
        assert_eq!(code, 0, "{err}");
        let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
        v["parameters"]
            .as_array()
            .expect("parameters")
            .iter()
            .map(|p| p["estimate"].as_f64().unwrap())
            .collect::<Vec<_>>()
    };
    let without = estimates(&["--json"]);
    let with = estimates(&["--json", "--calendar-retention"]);
    assert_eq!(without.len(), with.len());
    // Remembered past campaigns change the exposures the fit sees, so the estimates move.
    assert!(without.iter().zip(&with).any(|(a, b)| (a - b).abs() > 1e-9));
    let (code, _, err) = run("fit", &["--calendar-retention", "--retention", "0.5"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot be used with"), "{err}");
}
