//! Calendar planning speed on the built-in Jurong scenario's calendar: unrolling, the greedy,
//! and the planner's path (greedy or greedy + local search plan and the certified bound on two
//! threads) at 12 and 52 weeks.
//!
//! `cargo bench --bench calendar`; medians go to the README's performance table.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use fanzha::optimize::{GreedyLocalSearch, plan_and_bound};
use fanzha::prelude::*;

fn calendar(c: &mut Criterion) {
    let scenario = scenarios::jurong_2023();
    let yearly = scenario.compile().expect("built-in compiles");
    let calendar = scenario
        .compile_calendar(&yearly)
        .expect("built-in calendar compiles")
        .expect("Jurong has a calendar");
    let mut group = c.benchmark_group("jurong-calendar");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    for weeks in [12, 52] {
        let cal = calendar.clone().with_weeks(weeks).expect("1..=52");
        let weekly = cal.unroll(&yearly).expect("unrolls");
        group.bench_function(format!("{weeks}w/unroll"), |b| {
            b.iter(|| cal.unroll(black_box(&yearly)).expect("unrolls"))
        });
        group.bench_function(format!("{weeks}w/greedy"), |b| {
            b.iter(|| {
                Greedy::default()
                    .plan(black_box(&weekly))
                    .expect("feasible")
            })
        });
        group.bench_function(format!("{weeks}w/plan+bound"), |b| {
            b.iter(|| plan_and_bound(black_box(&weekly), &Greedy::default()).expect("feasible"))
        });
        group.bench_function(format!("{weeks}w/plan(greedy+ls)+bound"), |b| {
            b.iter(|| {
                plan_and_bound(black_box(&weekly), &GreedyLocalSearch::default()).expect("feasible")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, calendar);
criterion_main!(benches);
