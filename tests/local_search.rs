//! Local search: feasibility, never worse, determinism, closing fixed costs that do not pay.

use std::time::Instant;

use fanzha::generate::{self, Config};
use fanzha::prelude::*;

fn value(problem: &Problem, plan: &Plan) -> f64 {
    evaluate(problem, plan).unwrap().prevented_loss
}

/// Greedy vs greedy + local search on Jurong and city-county seeds 1..=20, with release-mode
/// timings. Run with
/// `cargo test --release --test local_search -- --ignored --nocapture measure`.
#[test]
#[ignore = "measurement, prints a table"]
fn measure_improvement_over_greedy() {
    let mut rows = vec![("jurong".to_string(), fanzha::scenarios::jurong_2023().compile().unwrap())];
    for seed in 1..=20 {
        rows.push((
            format!("city-county {seed}"),
            generate::scenario(&Config::city_county(), seed).compile().unwrap(),
        ));
    }
    println!("{:<16} {:>6} {:>16} {:>16} {:>10} {:>9} {:>9}", "instance", "arms", "greedy", "greedy+ls", "improve", "greedy ms", "ls ms");
    let mut improvements = Vec::new();
    for (name, p) in &rows {
        let t0 = Instant::now();
        let g = Greedy::default().plan(p).unwrap();
        let tg = t0.elapsed().as_secs_f64() * 1e3;
        let ls = LocalSearch::default();
        let reps = 5;
        let mut times = Vec::new();
        let mut out = None;
        for _ in 0..reps {
            let t1 = Instant::now();
            out = Some(ls.improve(p, &g).unwrap());
            times.push(t1.elapsed().as_secs_f64() * 1e3);
        }
        times.sort_by(f64::total_cmp);
        let out = out.unwrap();
        out.check(p).unwrap();
        let (vg, vl) = (value(p, &g), value(p, &out));
        let rel = vl / vg - 1.0;
        improvements.push(rel);
        println!(
            "{name:<16} {:>6} {vg:>16.1} {vl:>16.1} {:>9.4}% {tg:>9.2} {:>9.2}",
            p.arms().len(),
            rel * 100.0,
            times[reps / 2]
        );
    }
    improvements.sort_by(f64::total_cmp);
    println!(
        "improvement: median {:.4}%, min {:.4}%, max {:.4}%",
        improvements[improvements.len() / 2] * 100.0,
        improvements[0] * 100.0,
        improvements[improvements.len() - 1] * 100.0
    );
    for seed in [1, 2, 3] {
        let p = generate::scenario(&Config::province(), seed).compile().unwrap();
        let t0 = Instant::now();
        let g = Greedy::default().plan(&p).unwrap();
        let tg = t0.elapsed().as_secs_f64();
        let t1 = Instant::now();
        let out = LocalSearch::default().improve(&p, &g).unwrap();
        let tl = t1.elapsed().as_secs_f64();
        out.check(&p).unwrap();
        println!(
            "province {seed}: {} arms, greedy {:.1} ({tg:.3} s), greedy+ls {:.1} (+{:.4}%, ls {tl:.3} s)",
            p.arms().len(),
            value(&p, &g),
            value(&p, &out),
            (value(&p, &out) / value(&p, &g) - 1.0) * 100.0
        );
    }
}
