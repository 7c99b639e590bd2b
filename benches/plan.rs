//! Planning speed on the built-in Jurong scenario and on generated instances: greedy,
//! greedy + local search, `lns`, and the certified bound, at three sizes.
//!
//! `cargo bench --bench plan`; medians go to the README's performance table.

use criterion::{Criterion, criterion_group, criterion_main};
use fanzha::Lns;
use fanzha::generate::{self, Config};
use fanzha::optimize::{GreedyLocalSearch, bound, plan_and_bound};
use fanzha::prelude::*;
use std::hint::black_box;

fn jurong(c: &mut Criterion) {
    let scenario = scenarios::jurong_2023();
    c.bench_function("jurong/compile+greedy", |b| {
        b.iter(|| {
            let problem = black_box(&scenario).compile().expect("built-in compiles");
            Greedy::default().plan(&problem).expect("feasible")
        })
    });
    let problem = scenario.compile().expect("built-in compiles");
    c.bench_function("jurong/compile", |b| {
        b.iter(|| black_box(&scenario).compile().expect("built-in compiles"))
    });
    c.bench_function("jurong/evaluate", |b| {
        let plan = Greedy::default().plan(&problem).expect("feasible");
        b.iter(|| evaluate(black_box(&problem), black_box(&plan)).expect("same problem"))
    });
    // What Monte Carlo does per draw: new parameters (every ceiling and scale changed),
    // validated, and the plan's totals evaluated; 1,000 draws per iteration.
    c.bench_function("jurong/1000x(with_parameters+totals)", |b| {
        let plan = Greedy::default().plan(&problem).expect("feasible");
        let base = problem.parameters().clone();
        b.iter(|| {
            let mut total = 0.0;
            for i in 0..1000 {
                let mut params = base.clone();
                let f = 0.8 + 0.4 * (i as f64 / 1000.0);
                for cell in &mut params.cells {
                    cell.ceiling = (cell.ceiling * f).min(0.95);
                    cell.scale *= f;
                }
                let draw = problem.with_parameters(params).expect("valid parameters");
                total += fanzha::evaluate::totals(&draw, black_box(&plan))
                    .expect("same structure")
                    .prevented_loss;
            }
            total
        })
    });
    // The planner's path: greedy + local search and the certified bound, on two threads.
    c.bench_function("jurong/plan+bound", |b| {
        b.iter(|| {
            plan_and_bound(black_box(&problem), &GreedyLocalSearch::default()).expect("feasible")
        })
    });
}

fn sizes(c: &mut Criterion) {
    let instances = [
        (
            "jurong",
            scenarios::jurong_2023()
                .compile()
                .expect("built-in compiles"),
        ),
        (
            "city-county",
            generate::scenario(&Config::city_county(), 1)
                .compile()
                .expect("generated compiles"),
        ),
        (
            "province",
            generate::scenario(&Config::province(), 1)
                .compile()
                .expect("generated compiles"),
        ),
    ];
    for (name, problem) in &instances {
        let mut group = c.benchmark_group(*name);
        if *name == "province" {
            group.sample_size(10);
        }
        group.bench_function("greedy", |b| {
            b.iter(|| {
                Greedy::default()
                    .plan(black_box(problem))
                    .expect("feasible")
            })
        });
        group.bench_function("greedy+ls", |b| {
            b.iter(|| {
                GreedyLocalSearch::default()
                    .plan(black_box(problem))
                    .expect("feasible")
            })
        });
        group.bench_function("lns", |b| {
            b.iter(|| Lns::default().plan(black_box(problem)).expect("feasible"))
        });
        group.bench_function("bound", |b| {
            b.iter(|| bound(black_box(problem)).expect("bounded"))
        });
        group.finish();
    }
}

criterion_group!(benches, jurong, sizes);
criterion_main!(benches);
