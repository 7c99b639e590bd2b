//! Planning speed on the built-in Jurong scenario and on generated instances.
//!
//! `cargo bench --bench plan`; medians go to the README's performance table.

use criterion::{Criterion, criterion_group, criterion_main};
use fanzha::generate::{self, Config};
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
}

fn generated(c: &mut Criterion) {
    let mut group = c.benchmark_group("greedy");
    group.sample_size(10);
    for (name, config) in [
        ("city-county", Config::city_county()),
        ("province", Config::province()),
    ] {
        let problem = generate::scenario(&config, 1)
            .compile()
            .expect("generated compiles");
        group.bench_function(name, |b| {
            b.iter(|| {
                Greedy::default()
                    .plan(black_box(&problem))
                    .expect("feasible")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, jurong, generated);
criterion_main!(benches);
