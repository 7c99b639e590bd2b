//! Uncertainty on the built-in Jurong scenario and its `uncertainty` section: Monte Carlo
//! outcomes of a plan over 1,000 draws, the tornado with EVPPI, and a robust plan on 200
//! draws with its certified bound.
//!
//! `cargo bench --bench uncertainty`; medians go to the README's performance table.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use fanzha::prelude::*;
use fanzha::uncertainty::{Robust, monte_carlo, sensitivity};

fn uncertainty(c: &mut Criterion) {
    let (problem, u) = scenarios::jurong_2023()
        .compile_uncertain()
        .expect("built-in compiles");
    let plan = GreedyLocalSearch::default()
        .plan(&problem)
        .expect("feasible");
    let u1000 = u.clone().with_draws(1000, 2023);
    c.bench_function("jurong/monte_carlo_1000", |b| {
        b.iter(|| monte_carlo(black_box(&problem), &u1000, &plan).expect("same problem"))
    });
    let mut slow = c.benchmark_group("slow");
    slow.sample_size(10);
    slow.bench_function("jurong/tornado+evppi_1000 (greedy re-plans)", |b| {
        b.iter(|| sensitivity(&problem, &u1000, &plan, &Greedy::default()).expect("plans"))
    });
    slow.bench_function("jurong/tornado+evppi_1000 (greedy+ls re-plans)", |b| {
        b.iter(|| {
            sensitivity(&problem, &u1000, &plan, &GreedyLocalSearch::default()).expect("plans")
        })
    });
    slow.bench_function("jurong/robust_200+bound (greedy)", |b| {
        let robust = Robust {
            beta: 0.5,
            alpha: 0.1,
            ..Robust::default()
        };
        b.iter(|| {
            robust
                .solve(&problem, &u, &Greedy::default())
                .expect("plans")
        })
    });
    slow.finish();
}

criterion_group!(benches, uncertainty);
criterion_main!(benches);
