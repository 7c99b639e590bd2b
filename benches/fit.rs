//! Fitting speed: the response fit of a 4-region x 6-threat x 24-month history (the built-in
//! Jurong scenario, a synthetic history) with Laplace intervals, with the holdout refit, and
//! 200 parametric-bootstrap refits; the risk-table calibration to the Jurong margins.
//!
//! `cargo bench --bench fit`; medians go to the README's performance table.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use fanzha::fit::bootstrap::{BootstrapOptions, bootstrap};
use fanzha::fit::calibrate::{CalibrationOptions, calibrate, jurong_2023_margins};
use fanzha::fit::estimate::{FitOptions, fit};
use fanzha::fit::synthetic::{Truth, synthetic_history};
use fanzha::scenarios;

fn response(c: &mut Criterion) {
    let problem = scenarios::jurong_2023()
        .compile()
        .expect("built-in compiles");
    let history =
        synthetic_history(&problem, &Truth::from_problem(&problem), 24, 1).expect("valid truth");
    let data = history.check(&problem).expect("valid history");
    let mut laplace = FitOptions::default();
    laplace.holdout = 0;
    c.bench_function("fit/4x6x24 MAP+Laplace", |b| {
        b.iter(|| fit(black_box(&problem), black_box(&data), &laplace).expect("fits"))
    });
    let full = FitOptions::default();
    c.bench_function("fit/4x6x24 MAP+Laplace+holdout", |b| {
        b.iter(|| fit(black_box(&problem), black_box(&data), &full).expect("fits"))
    });
    let fitted = fit(&problem, &data, &laplace).expect("fits");
    let mut group = c.benchmark_group("fit");
    group.sample_size(10);
    group.bench_function("4x6x24 bootstrap 200", |b| {
        b.iter(|| {
            bootstrap(
                &problem,
                &data,
                &fitted,
                &laplace,
                &BootstrapOptions {
                    replicates: 200,
                    seed: 1,
                },
            )
            .expect("refits")
        })
    });
    group.finish();
}

fn risk_table(c: &mut Criterion) {
    let scenario = scenarios::jurong_2023();
    let margins = jurong_2023_margins();
    c.bench_function("calibrate/jurong 15 margins", |b| {
        b.iter(|| {
            calibrate(
                black_box(&scenario),
                &margins,
                &CalibrationOptions::default(),
            )
            .expect("calibrates")
        })
    });
}

criterion_group!(benches, response, risk_table);
criterion_main!(benches);
