//! Planning speed on the built-in Jurong scenario and on generated instances: greedy,
//! greedy + local search, and the certified bound, at three sizes.
//!
//! `cargo bench --bench plan`; medians go to the README's performance table.

use criterion::{Criterion, criterion_group, criterion_main};
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
        group.bench_function("bound", |b| {
            b.iter(|| bound(black_box(problem)).expect("bounded"))
        });
        group.finish();
    }
}

criterion_group!(benches, jurong, sizes);
criterion_main!(benches);
