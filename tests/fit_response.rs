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
