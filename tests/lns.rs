//! The `lns` strategy: feasible, deterministic, never worse than `greedy+ls` (its start).

use fanzha::generate::{self, Config};
use fanzha::{GreedyLocalSearch, Lns, Problem, Strategy, evaluate, scenarios};

fn instances() -> Vec<Problem> {
    let mut v = vec![scenarios::jurong_2023().compile().unwrap()];
    for seed in 1..=3 {
        v.push(
            generate::scenario(&Config::small(), seed)
                .compile()
                .unwrap(),
        );
    }
    v
}

#[test]
fn lns_is_feasible_deterministic_and_never_worse_than_its_start() {
    for problem in instances() {
        let plan = Lns::default().plan(&problem).unwrap();
        assert!(
            plan.check(&problem).is_ok(),
            "{}: infeasible",
            problem.name()
        );
        let start = GreedyLocalSearch::default().plan(&problem).unwrap();
        let v = evaluate(&problem, &plan).unwrap().prevented_loss;
        let s = evaluate(&problem, &start).unwrap().prevented_loss;
        assert!(v >= s, "{}: lns {v} < greedy+ls {s}", problem.name());
        assert_eq!(
            Lns::default().plan(&problem).unwrap(),
            plan,
            "not deterministic"
        );
    }
}

#[test]
fn lns_is_registered() {
    let s = fanzha::strategy("lns").unwrap();
    assert_eq!(s.name(), "lns");
}
