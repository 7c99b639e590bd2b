//! Local search: feasibility, never worse, determinism, closing fixed costs that do not pay.

use fanzha::core::ArmId;
use std::time::Instant;

use fanzha::generate::{self, Config};
use fanzha::prelude::*;
use serde_json::json;

fn value(problem: &Problem, plan: &Plan) -> f64 {
    evaluate(problem, plan).unwrap().prevented_loss
}

fn problem(v: serde_json::Value) -> Problem {
    Scenario::from_json(&v.to_string())
        .expect("test scenario parses")
        .compile()
        .expect("test scenario compiles")
}

/// Checks the local search's promises on one problem and start plan; returns the result.
fn improves(p: &Problem, start: &Plan, what: &str) -> Plan {
    let ls = LocalSearch::default();
    let out = ls.improve(p, start).unwrap();
    let v = out.violations(p).unwrap();
    assert!(v.is_empty(), "{what}: {v:?}");
    assert!(
        value(p, &out) >= value(p, start),
        "{what}: worse than the start"
    );
    assert_eq!(
        ls.improve(p, start).unwrap(),
        out,
        "{what}: not deterministic"
    );
    out
}

#[test]
fn feasible_never_worse_and_deterministic_on_small_instances() {
    let mut strict = 0;
    for seed in 0..40 {
        let config = Config {
            departments: seed % 3 != 0,
            floors: seed % 2 == 0,
            ..Config::small()
        };
        let p = generate::scenario(&config, seed).compile().unwrap();
        let g = Greedy::default().plan(&p).unwrap();
        let out = improves(&p, &g, &format!("small seed {seed}"));
        if value(&p, &out) > value(&p, &g) {
            strict += 1;
        }
        // Any feasible start works, not only the greedy's.
        improves(
            &p,
            &Blanket.plan(&p).unwrap(),
            &format!("blanket, small seed {seed}"),
        );
    }
    assert!(
        strict > 0,
        "local search never improved the greedy on 40 small instances"
    );
}

#[test]
fn improves_the_greedy_on_city_county_instances() {
    for seed in 1..=3 {
        let p = generate::scenario(&Config::city_county(), seed)
            .compile()
            .unwrap();
        assert!(!p.floors().is_empty() && !p.departments().is_empty());
        let g = Greedy::default().plan(&p).unwrap();
        let out = improves(&p, &g, &format!("city-county seed {seed}"));
        // Measured: +4.3% to +6.0% on these seeds; ask for a clear strict improvement.
        assert!(
            value(&p, &out) > 1.002 * value(&p, &g),
            "seed {seed}: {} vs greedy {}",
            value(&p, &out),
            value(&p, &g)
        );
    }
}

#[test]
fn strategy_matches_greedy_then_local_search() {
    let p = generate::scenario(&Config::small(), 4).compile().unwrap();
    let s = fanzha::strategy("greedy+ls").unwrap();
    assert_eq!(s.name(), "greedy+ls");
    let plan = s.plan(&p).unwrap();
    let by_hand = LocalSearch::default()
        .improve(&p, &Greedy::default().plan(&p).unwrap())
        .unwrap();
    assert_eq!(plan, by_hand);
    assert_eq!(GreedyLocalSearch::default().plan(&p).unwrap(), plan);
}

#[test]
fn every_seed_is_feasible_never_worse_and_deterministic() {
    let p = generate::scenario(&Config::city_county(), 8)
        .compile()
        .unwrap();
    let g = Greedy::default().plan(&p).unwrap();
    let vg = value(&p, &g);
    for seed in [1, 2, 99] {
        let ls = LocalSearch {
            seed,
            ..LocalSearch::default()
        };
        let out = ls.improve(&p, &g).unwrap();
        out.check(&p).unwrap();
        assert!(value(&p, &out) >= vg);
        assert_eq!(ls.improve(&p, &g).unwrap(), out, "seed {seed}");
    }
}

/// One segment, one threat: a strong cheap placement and a weak one with a large setup cost.
fn setup_trap() -> Problem {
    problem(json!({
        "name": "trap",
        "threats": [{"id": "t", "name": "T"}],
        "segments": [{"id": "r.g", "region": "r", "group": "g", "population": 100000,
                      "risk": [{"threat": "t", "rate": 0.002, "loss": 50000}]}],
        "channels": [{"id": "c", "name": "C", "depth": 0.5, "placements": [
            {"id": "strong", "unit": "u", "unit_cost": 100, "capacity": 1000,
             "formats": ["a"], "audience": [{"per_unit": 0.01}]},
            {"id": "weak", "unit": "u", "unit_cost": 100, "setup_cost": 20000, "capacity": 1000,
             "formats": ["a"], "audience": [{"per_unit": 0.002}]}]}],
        "messages": [{"id": "m", "format": "a", "threats": [{"threat": "t", "relevance": 1.0}],
                      "appeal": [{"value": 1.0}]}],
        "response": {"ceiling": 0.4, "scale": 3.0},
        "resources": {"money": 60000}
    }))
}

#[test]
fn closes_a_placement_whose_setup_cost_does_not_pay() {
    let p = setup_trap();
    // A planner's plan: 200 units on the weak placement (20,000 setup + 20,000), 200 on the
    // strong one. The setup buys 200 strong units' worth of money for a fifth of the effect.
    let plan = Plan::from_allocations(
        &p,
        &[
            Allocation {
                message: "m".into(),
                placement: "strong".into(),
                units: 200,
                week: None,
            },
            Allocation {
                message: "m".into(),
                placement: "weak".into(),
                units: 200,
                week: None,
            },
        ],
    )
    .unwrap();
    plan.check(&p).unwrap();
    let out = improves(&p, &plan, "setup trap");
    assert!(value(&p, &out) > value(&p, &plan) * 1.01);
    let weak: u64 = out
        .allocations(&p)
        .unwrap()
        .iter()
        .filter(|a| a.placement == "weak")
        .map(|a| a.units)
        .sum();
    assert_eq!(weak, 0, "the weak placement should be closed: {out:?}");
    // Everything goes to the strong placement: 60,000 / 100 = 600 units.
    assert_eq!(out.get(ArmId::new(0)), 600);
}

#[test]
fn drops_a_production_the_greedy_paid_for_when_it_does_not_pay() {
    // City-county seed 5: the greedy produces messages m13 and m17; local search finds that
    // their production money does more on other messages and stops producing them.
    let p = generate::scenario(&Config::city_county(), 5)
        .compile()
        .unwrap();
    let used = |plan: &Plan| -> Vec<String> {
        let mut m: Vec<String> = plan
            .allocations(&p)
            .unwrap()
            .into_iter()
            .map(|a| a.message)
            .collect();
        m.sort();
        m.dedup();
        m
    };
    let g = Greedy::default().plan(&p).unwrap();
    let out = improves(&p, &g, "city-county seed 5");
    let dropped: Vec<String> = used(&g)
        .into_iter()
        .filter(|m| !used(&out).contains(m))
        .collect();
    assert!(!dropped.is_empty(), "no message dropped");
    assert!(value(&p, &out) > value(&p, &g));
    let spend = |plan: &Plan| plan.usage(&p).unwrap().money();
    assert!(spend(&out) <= p.money().unwrap() * (1.0 + 1e-9));
    assert!(spend(&g) <= p.money().unwrap() * (1.0 + 1e-9));
}

#[test]
fn fills_an_empty_plan() {
    let p = setup_trap();
    let out = improves(&p, &Plan::empty(&p), "empty start");
    assert_eq!(out.get(ArmId::new(0)), 600);
}

#[test]
fn rejects_infeasible_and_mismatched_plans() {
    let p = setup_trap();
    let mut over = Plan::empty(&p);
    over.set(ArmId::new(0), 700); // 70,000 of 60,000
    match LocalSearch::default().improve(&p, &over) {
        Err(Error::Infeasible { violations }) => assert!(!violations.is_empty()),
        other => panic!("expected Infeasible, got {other:?}"),
    }
    let other = generate::scenario(&Config::small(), 1).compile().unwrap();
    let foreign = Plan::empty(&other);
    assert!(matches!(
        LocalSearch::default().improve(&p, &foreign),
        Err(Error::Mismatch { .. })
    ));
    // A floor the plan does not meet is a violation too.
    let floored = generate::scenario(&Config::small(), 2).compile().unwrap();
    assert!(!floored.floors().is_empty());
    assert!(matches!(
        LocalSearch::default().improve(&floored, &Plan::empty(&floored)),
        Err(Error::Infeasible { .. })
    ));
    let bad = LocalSearch {
        tolerance: f64::NAN,
        ..LocalSearch::default()
    };
    assert!(matches!(
        bad.improve(&p, &Plan::empty(&p)),
        Err(Error::InvalidParameter { .. })
    ));
}

#[test]
fn handles_capacities_of_a_million_units() {
    let p = problem(json!({
        "name": "big",
        "threats": [{"id": "t", "name": "T"}],
        "segments": [{"id": "r.a", "region": "r", "group": "a", "population": 1000000,
                      "risk": [{"threat": "t", "rate": 0.001, "loss": 50000}]}],
        "channels": [{"id": "c", "name": "C", "depth": 0.3, "placements": [
            {"id": "p1", "unit": "impression", "unit_cost": 0.05, "capacity": 1000000,
             "formats": ["v"], "audience": [{"per_unit": 0.000004}]},
            {"id": "p2", "unit": "impression", "unit_cost": 0.08, "setup_cost": 500,
             "capacity": 2000000, "formats": ["v"], "audience": [{"per_unit": 0.000006}]}]}],
        "messages": [{"id": "m", "format": "v", "production_cost": 1000,
                      "threats": [{"threat": "t", "relevance": 1.0}],
                      "appeal": [{"value": 1.0}]}],
        "response": {"ceiling": 0.3, "scale": 2.0},
        "resources": {"money": 100000}
    }));
    let g = Greedy::default().plan(&p).unwrap();
    let out = improves(&p, &g, "million units");
    assert!(out.total_units() > 1_000_000);
}

/// Greedy vs greedy + local search on Jurong and city-county seeds 1..=20, with release-mode
/// timings. Run with
/// `cargo test --release --test local_search -- --ignored --nocapture measure`.
#[test]
#[ignore = "measurement, prints a table"]
fn measure_improvement_over_greedy() {
    let mut rows = vec![(
        "jurong".to_string(),
        fanzha::scenarios::jurong_2023().compile().unwrap(),
    )];
    for seed in 1..=20 {
        rows.push((
            format!("city-county {seed}"),
            generate::scenario(&Config::city_county(), seed)
                .compile()
                .unwrap(),
        ));
    }
    println!(
        "{:<16} {:>6} {:>16} {:>16} {:>10} {:>9} {:>9}",
        "instance", "arms", "greedy", "greedy+ls", "improve", "greedy ms", "ls ms"
    );
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
        let p = generate::scenario(&Config::province(), seed)
            .compile()
            .unwrap();
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
