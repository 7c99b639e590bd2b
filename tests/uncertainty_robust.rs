//! Robust plans: `(1 - beta) mean + beta CVaR_alpha` over sample draws, their certified bound
//! on the sample problem and their value on fresh draws.

use fanzha::generate::{Config, scenario};
use fanzha::model::UncertaintySection;
use fanzha::uncertainty::{Robust, RobustStrategy, Uncertainty, values_over_draws};
use fanzha::{Blanket, Greedy, Problem, Scenario, Strategy, scenarios};

fn robust(beta: f64, alpha: f64, draws: usize) -> Robust {
    Robust {
        beta,
        alpha,
        draws,
        fresh: 1000,
        validation: 300,
        rounds: 2,
        bound_rounds: 1,
        bound_group: 25,
    }
}

/// The robust plan against the mean-optimal plan, and the bound against plans' sample values.
/// Whether the robust plan differs from the mean-optimal plan.
fn check_robust(problem: &Problem, u: &Uncertainty, r: &Robust) -> bool {
    let s = r.solve(problem, u, &Greedy::default()).unwrap();
    s.plan.check(problem).unwrap();
    s.mean_plan.check(problem).unwrap();
    assert!(s.in_sample.objective >= s.mean_plan_in_sample.objective);
    assert!(
        s.out_of_sample.cvar >= s.mean_plan_out_of_sample.cvar * (1.0 - 1e-12),
        "robust {:?} vs mean {:?}",
        s.out_of_sample,
        s.mean_plan_out_of_sample
    );
    // The bound is above every feasible plan's sample objective we can think of.
    let blanket = Blanket.plan(problem).unwrap();
    let rows =
        values_over_draws(problem, u, &[s.plan.clone(), blanket], 0..r.draws as u64).unwrap();
    for p in 0..2 {
        let v: Vec<f64> = rows.iter().map(|row| row[p]).collect();
        let obj = r.value(&v).objective;
        assert!(
            obj <= s.bound * (1.0 + 1e-9),
            "plan {p}: {obj} > bound {}",
            s.bound
        );
    }
    assert!(
        (r.value(&rows.iter().map(|x| x[0]).collect::<Vec<_>>())
            .objective
            - s.in_sample.objective)
            .abs()
            <= 1e-9 * s.bound
    );
    assert!(s.gap >= 0.0 && s.gap < 0.5, "gap {}", s.gap);
    s.plan != s.mean_plan
}

#[test]
fn robust_plans_on_jurong_hold_their_tail_out_of_sample() {
    let (problem, u) = scenarios::jurong_2023().compile_uncertain().unwrap();
    let _ = check_robust(&problem, &u, &robust(1.0, 0.2, 16));
    // Channel- and threat-specific doubts, where the robust plan moves away from the mean's.
    let mut sc = scenarios::jurong_2023();
    sc.uncertainty = Some(
        serde_json::from_str::<UncertaintySection>(
            r#"{"seed": 5, "parameters": [
                {"parameter": "depth", "channel": "douyin", "low": 0.003, "high": 0.15},
                {"parameter": "depth", "channel": "factory_lecture", "low": 0.1, "high": 0.9},
                {"parameter": "rate", "threat": "pig_butchering", "factor": 3},
                {"parameter": "ceiling", "group": "young_gig", "factor": 2.5}]}"#,
        )
        .unwrap(),
    );
    let (problem, u) = sc.compile_uncertain().unwrap();
    assert!(
        check_robust(&problem, &u, &robust(1.0, 0.2, 60)),
        "the robust plan should move away from the mean-optimal one here"
    );
}

#[test]
fn with_beta_zero_the_robust_plan_is_the_mean_optimal_plan() {
    let (problem, u) = scenarios::jurong_2023().compile_uncertain().unwrap();
    let r = robust(0.0, 0.1, 10);
    let s = r.solve(&problem, &u, &Greedy::default()).unwrap();
    assert_eq!(s.plan, s.mean_plan);
    assert_eq!(s.in_sample, s.mean_plan_in_sample);
    assert_eq!(s.in_sample.objective, s.in_sample.mean);
    let strategy = RobustStrategy::new(r, u, Box::new(Greedy::default()));
    assert_eq!(strategy.plan(&problem).unwrap(), s.plan);
    // The mean-optimal plan differs from the point plan only through the draws; with no
    // uncertainty the two coincide.
    let point = Greedy::default().plan(&problem).unwrap();
    let none = Uncertainty::none(10, 0);
    let s0 = r.solve(&problem, &none, &Greedy::default()).unwrap();
    let v = |p: &fanzha::Plan| {
        fanzha::evaluate::totals(&problem, p)
            .unwrap()
            .prevented_loss
    };
    assert!(
        (v(&s0.plan) - v(&point)).abs() <= 1e-6 * v(&point),
        "{} vs {}",
        v(&s0.plan),
        v(&point)
    );
}

fn generated(seed: u64) -> (Problem, Uncertainty) {
    let mut sc: Scenario = scenario(&Config::small(), seed);
    sc.uncertainty = Some(
        serde_json::from_str::<UncertaintySection>(
            r#"{"seed": 5, "parameters": [
                {"parameter": "ceiling", "distribution": "uniform", "low": 0.1, "high": 0.6},
                {"parameter": "scale", "low": 1.0, "high": 8.0},
                {"parameter": "depth", "channel": "c0", "low": 0.01, "high": 0.9},
                {"parameter": "rate", "threat": "t1", "factor": 3}]}"#,
        )
        .unwrap(),
    );
    sc.compile_uncertain().unwrap()
}

#[test]
fn robust_plans_on_generated_instances_hold_their_tail_out_of_sample() {
    for seed in 1..=3 {
        let (problem, u) = generated(seed);
        let _ = check_robust(&problem, &u, &robust(0.8, 0.1, 40));
    }
}

#[test]
fn bad_robust_parameters_are_refused() {
    let (problem, u) = scenarios::jurong_2023().compile_uncertain().unwrap();
    for (beta, alpha, want) in [(1.5, 0.1, "beta"), (0.5, 0.0, "alpha"), (0.5, 1.2, "alpha")] {
        let e = robust(beta, alpha, 5)
            .solve(&problem, &u, &Greedy::default())
            .unwrap_err();
        assert!(e.to_string().contains(want), "{e}");
    }
}
