//! The response fit on synthetic histories: recovery, intervals, warnings, bad input.

use fanzha::fit::estimate::{FitOptions, fit};
use fanzha::fit::history::History;
use fanzha::fit::synthetic::{Truth, scaled, synthetic_history};
use fanzha::{Problem, scenarios};

fn jurong() -> Problem {
    scenarios::jurong_2023()
        .compile()
        .expect("built-in compiles")
}

#[test]
fn a_large_history_recovers_the_truth_within_its_intervals() {
    let p = scaled(&jurong(), 10.0).unwrap();
    let truth = Truth::from_problem(&p);
    let h = synthetic_history(&p, &truth, 24, 3).unwrap();
    let data = h.check(&p).unwrap();
    let f = fit(&p, &data, &FitOptions::default()).unwrap();
    eprintln!("{:#?}", f.parameters);
    eprintln!("{:#?} {:?}", f.warnings, f.holdout);
    let inside = f
        .parameters
        .iter()
        .enumerate()
        .filter(|(i, e)| {
            let t = if i % 2 == 0 {
                truth.ceilings[i / 2]
            } else {
                truth.scales[i / 2]
            };
            e.low <= t && t <= e.high
        })
        .count();
    assert!(inside >= 10, "{inside} of 12 intervals hold the truth");
}

fn small_history() -> History {
    History::from_json(
        r#"{"period": "month", "periods": 3,
            "cases": [
              {"period": 1, "region": "huayang", "threat": "order_brushing", "count": 12},
              {"period": 2, "region": "huayang", "threat": "order_brushing", "count": 7},
              {"period": 3, "region": "huayang", "threat": "order_brushing", "group": "students", "count": 2}],
            "campaigns": [
              {"period": 2, "message": "brushing.comic", "placement": "douyin.young_gig", "units": 100}]}"#,
    )
    .unwrap()
}

/// A change to the base history.
type Edit = Box<dyn FnOnce(&mut History)>;

fn error_of(edit: impl FnOnce(&mut History)) -> String {
    let mut h = small_history();
    edit(&mut h);
    h.check(&jurong()).unwrap_err().to_string()
}

#[test]
fn bad_rows_are_named() {
    let p = jurong();
    small_history()
        .check(&p)
        .expect("the base history is valid");
    let cases: [(&str, Edit, &[&str]); 9] = [
        (
            "region",
            Box::new(|h| h.cases[1].region = "atlantis".into()),
            &["case row #1", "unknown region \"atlantis\""],
        ),
        (
            "threat",
            Box::new(|h| h.cases[0].threat = "phishing".into()),
            &["case row #0", "threat"],
        ),
        (
            "group",
            Box::new(|h| h.cases[2].group = Some("pirates".into())),
            &["case row #2", "group"],
        ),
        (
            "negative",
            Box::new(|h| h.cases[1].count = -1.0),
            &["case row #1", "count", "whole number"],
        ),
        (
            "fractional",
            Box::new(|h| h.cases[0].count = 2.5),
            &["case row #0", "count", "2.5"],
        ),
        (
            "period",
            Box::new(|h| h.cases[2].period = 4),
            &["case row #2", "period"],
        ),
        (
            "message",
            Box::new(|h| h.campaigns[0].message = "nope".into()),
            &["campaign row #0", "message"],
        ),
        (
            "placement",
            Box::new(|h| h.campaigns[0].placement = "nope".into()),
            &["campaign row #0", "placement"],
        ),
        (
            "units",
            Box::new(|h| h.campaigns[0].units = 0.5),
            &["campaign row #0", "units"],
        ),
    ];
    for (name, edit, want) in cases {
        let e = error_of(edit);
        for w in want {
            assert!(e.contains(w), "{name}: {e:?} lacks {w:?}");
        }
    }
    let e = error_of(|h| {
        let row = h.cases[0].clone();
        h.cases.push(row);
    });
    assert!(
        e.contains("case row #3") && e.contains("case row #0"),
        "{e}"
    );
    // A whole-region row and a group row of the same cells count some cases twice.
    let e = error_of(|h| h.cases[2].period = 2);
    assert!(
        e.contains("case row #2") && e.contains("case row #1"),
        "{e}"
    );
    let e = error_of(|h| h.campaigns[0].message = "elderly.radio_talk".into());
    assert!(e.contains("cannot run on placement"), "{e}");
    let json = r#"{"period": "month", "periods": 1, "cases": [], "extra": 1}"#;
    assert!(
        History::from_json(json)
            .unwrap_err()
            .to_string()
            .contains("extra")
    );
}

#[test]
fn a_history_without_variation_is_warned_about() {
    let p = jurong();
    let mut h = small_history();
    h.campaigns.clear();
    for c in &mut h.cases {
        c.count = 5.0;
        c.group = None;
        c.period = c.period.min(3);
    }
    h.cases[2].period = 3;
    let data = h.check(&p).unwrap();
    assert!(
        data.warnings.iter().any(|w| w.contains("no variation")),
        "{:?}",
        data.warnings
    );
    assert!(
        data.warnings
            .iter()
            .any(|w| w.contains("order_brushing") && w.contains("no campaign")),
        "{:?}",
        data.warnings
    );
    let f = fit(&p, &data, &FitOptions::default()).unwrap();
    assert!(f.warnings.iter().any(|w| w.contains("no variation")));
}

#[test]
fn barely_varying_exposures_warn_and_report_the_slope() {
    // The same small campaign every month: exposures never vary, so only rho/kappa shows.
    let p = scaled(&jurong(), 10.0).unwrap();
    let truth = Truth::from_problem(&p);
    let mut h = synthetic_history(&p, &truth, 24, 5).unwrap();
    for c in &mut h.campaigns {
        c.units = 1.0;
    }
    let mut months: Vec<u32> = h.campaigns.iter().map(|c| c.period).collect();
    months.sort_unstable();
    h.campaigns.retain(|c| c.message == "brushing.comic");
    let template = h.campaigns[0].clone();
    h.campaigns = (1..=24)
        .map(|t| fanzha::fit::history::CampaignRow {
            period: t,
            ..template.clone()
        })
        .collect();
    let data = h.check(&p).unwrap();
    let f = fit(&p, &data, &FitOptions::default()).unwrap();
    let w = f
        .warnings
        .iter()
        .find(|w| w.contains("order_brushing") && w.contains("initial slope"))
        .unwrap_or_else(|| panic!("{:?}", f.warnings));
    assert!(w.contains("ceiling/scale"), "{w}");
    let slope = f
        .slopes
        .iter()
        .find(|s| s.threat == "order_brushing")
        .unwrap();
    assert!(slope.low < slope.estimate && slope.estimate < slope.high);
}

#[test]
fn fits_are_reproducible_and_the_bootstrap_is_seeded() {
    use fanzha::fit::bootstrap::{BootstrapOptions, bootstrap};
    let p = jurong();
    let data = synthetic_history(&p, &Truth::from_problem(&p), 12, 9)
        .unwrap()
        .check(&p)
        .unwrap();
    let options = FitOptions::default();
    let a = fit(&p, &data, &options).unwrap();
    assert_eq!(a, fit(&p, &data, &options).unwrap());
    let b = BootstrapOptions {
        replicates: 12,
        seed: 4,
    };
    let one = bootstrap(&p, &data, &a, &options, &b).unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let single = pool.install(|| bootstrap(&p, &data, &a, &options, &b).unwrap());
    assert_eq!(one, single, "the same on 1 thread and on the default pool");
    assert_eq!(one.replicates, 12);
    for (x, e) in one.parameters.iter().zip(&a.parameters) {
        assert_eq!(x.estimate, e.estimate);
        assert!(x.low < x.high, "{x:?}");
    }
}

#[test]
fn over_dispersed_counts_switch_to_the_negative_binomial() {
    let p = scaled(&jurong(), 10.0).unwrap();
    let mut h = synthetic_history(&p, &Truth::from_problem(&p), 24, 2).unwrap();
    // Halve or double the counts by a scrambled pattern of the rows: far more spread than
    // Poisson, and not a pattern any baseline or trend can absorb.
    for (i, c) in h.cases.iter_mut().enumerate() {
        match (i as u64).wrapping_mul(2_654_435_761) >> 9 & 3 {
            0 => c.count *= 2.0,
            1 => c.count = (c.count / 2.0).floor(),
            _ => {}
        }
    }
    let f = fit(&p, &h.check(&p).unwrap(), &FitOptions::default()).unwrap();
    assert_eq!(
        f.likelihood,
        fanzha::fit::model::Likelihood::NegativeBinomial
    );
    assert!(f.pearson_dispersion > 1.5);
    assert!(f.dispersion.is_some());
    assert!(f.warnings.iter().any(|w| w.contains("over-dispersed")));
}

#[test]
fn the_fitted_scenario_and_uncertainty_section_follow_the_formats() {
    use fanzha::fit::output::{fitted_scenario, uncertainty_section};
    let sc = scenarios::jurong_2023();
    let p = sc.compile().unwrap();
    let f = synthetic_fit(&p);
    let fitted = fitted_scenario(&sc, &f, "synthetic");
    let fp = fitted.compile().unwrap();
    let t = p
        .threats()
        .iter()
        .position(|t| t.id == "loan_credit")
        .unwrap();
    let cell = fp.structure().cell(
        fanzha::core::SegmentId::new(0),
        fanzha::core::ThreatId::new(t),
    );
    assert!((fp.cells()[cell.index()].ceiling - f.parameters[2 * t].estimate).abs() < 1e-12);
    let section = uncertainty_section(&f, "synthetic", 500, 3);
    let json = serde_json::to_value(&section).unwrap();
    assert_eq!(json["draws"], 500);
    for e in json["parameters"].as_array().unwrap() {
        let d = e["distribution"].as_str().unwrap();
        assert!(d == "triangular" || d == "lognormal");
        assert!(e["low"].as_f64().unwrap() < e["high"].as_f64().unwrap());
        assert!(e["source"].as_str().unwrap().starts_with("fitted: "));
    }
}

#[test]
fn a_history_with_absurdly_many_periods_is_refused_before_allocating() {
    let problem = scenarios::jurong_2023().compile().unwrap();
    let h = History::from_json(
        r#"{"period": "month", "periods": 4000000000, "cases": [
        {"period": 1, "region": "huayang", "threat": "order_brushing", "count": 4}]}"#,
    )
    .unwrap();
    let err = h.check(&problem).expect_err("refused").to_string();
    assert!(err.contains("periods"), "{err}");
}

#[test]
fn an_uncertainty_section_from_a_very_uncertain_fit_still_compiles() {
    use fanzha::fit::output::uncertainty_section;
    let sc = scenarios::jurong_2023();
    let p = sc.compile().unwrap();
    let mut f = synthetic_fit(&p);
    // A logit sd this wide puts the 99% point's logistic at exactly 1.0 in f64, and a scale's
    // log sd this wide overflows `exp`.
    f.sd[0] = 100.0;
    f.sd[1] = 1e3;
    let section = uncertainty_section(&f, "synthetic", 50, 3);
    let json = serde_json::to_value(&section).unwrap();
    let mut again = sc.clone();
    again.uncertainty = Some(serde_json::from_value(json).unwrap());
    again
        .compile_uncertain()
        .expect("the emitted section compiles");
}

/// The default fit of a 24-month synthetic history of `p` (seed 1).
fn synthetic_fit(p: &Problem) -> fanzha::fit::estimate::Fit {
    let data = synthetic_history(p, &Truth::from_problem(p), 24, 1)
        .unwrap()
        .check(p)
        .unwrap();
    fit(p, &data, &FitOptions::default()).unwrap()
}
