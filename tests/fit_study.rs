//! Simulation study of the response fit: histories drawn from known parameters at Jurong's
//! size and at 10x; do the 95% intervals hold the truth about 95% of the time, and do they
//! shrink with ten times the data?
//!
//! The truth of each replication is drawn from the fit's prior around the scenario's values
//! (`Truth::from_prior`): that is what a Bayesian interval promises to cover at its nominal
//! rate, averaged over truths. The fast test runs a few replications; the ignored one
//! (`cargo test --test fit_study -- --ignored --nocapture`) runs 200 per size.

use fanzha::fit::estimate::{FitOptions, fit};
use fanzha::fit::model::{Likelihood, Priors};
use fanzha::fit::synthetic::{Truth, scaled, synthetic_history};
use fanzha::{Problem, scenarios};

struct Study {
    /// Intervals (ceiling and scale, every threat) that held the truth.
    covered: usize,
    /// Intervals in all.
    intervals: usize,
    /// Mean width of the intervals on the log scale (`ln high - ln low`).
    mean_log_width: f64,
}

fn study(problem: &Problem, replications: u64, fixed: bool) -> Study {
    let mut options = FitOptions::default();
    options.likelihood = Likelihood::Poisson;
    options.holdout = 0;
    let (mut covered, mut intervals, mut width) = (0, 0, 0.0);
    for r in 0..replications {
        let truth = if fixed {
            Truth::from_problem(problem)
        } else {
            Truth::from_prior(problem, &Priors::default(), 1000 + r)
        };
        let h = synthetic_history(problem, &truth, 24, r).unwrap();
        let f = fit(problem, &h.check(problem).unwrap(), &options).unwrap();
        for (j, e) in f.parameters.iter().enumerate() {
            let t = if j % 2 == 0 {
                truth.ceilings[j / 2]
            } else {
                truth.scales[j / 2]
            };
            covered += usize::from(e.low <= t && t <= e.high);
            intervals += 1;
            width += (e.high / e.low).ln();
        }
    }
    Study {
        covered,
        intervals,
        mean_log_width: width / intervals as f64,
    }
}

fn report(name: &str, s: &Study) -> f64 {
    let coverage = s.covered as f64 / s.intervals as f64;
    eprintln!(
        "{name}: {} of {} intervals hold the truth ({:.1}%), mean ln(high/low) {:.3}",
        s.covered,
        s.intervals,
        100.0 * coverage,
        s.mean_log_width
    );
    coverage
}

#[test]
fn intervals_cover_the_truth_and_shrink_with_ten_times_the_data() {
    let p = scenarios::jurong_2023().compile().unwrap();
    let big = scaled(&p, 10.0).unwrap();
    let small = study(&p, 8, false);
    let large = study(&big, 8, false);
    let (cs, cl) = (report("jurong", &small), report("10x", &large));
    // 96 intervals each: a binomial 95% rate falls below 0.85 with probability < 1e-3.
    assert!(cs >= 0.85 && cl >= 0.85, "coverage {cs} {cl}");
    assert!(
        large.mean_log_width < 0.7 * small.mean_log_width,
        "{} vs {}",
        large.mean_log_width,
        small.mean_log_width
    );
}

#[test]
#[ignore = "simulation study, about a minute: run with --ignored --nocapture and report"]
fn simulation_study_coverage_is_between_90_and_98_percent() {
    let p = scenarios::jurong_2023().compile().unwrap();
    let big = scaled(&p, 10.0).unwrap();
    let small = study(&p, 200, false);
    let large = study(&big, 200, false);
    let (cs, cl) = (
        report("jurong, prior truths", &small),
        report("10x, prior truths", &large),
    );
    report("jurong, the scenario's truth", &study(&p, 100, true));
    report("10x, the scenario's truth", &study(&big, 100, true));
    assert!((0.90..=0.98).contains(&cs), "jurong coverage {cs}");
    assert!((0.90..=0.98).contains(&cl), "10x coverage {cl}");
    assert!(large.mean_log_width < 0.7 * small.mean_log_width);
}
