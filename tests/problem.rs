//! The parametric problem: replacing parameters without recompiling, validation on the way in,
//! serde round trips, and plan accounting that rejects unit totals past `u64::MAX`.

use fanzha::core::{ArmId, PlacementId, ResourceKind};
use fanzha::prelude::*;

const BASE: &str = include_str!("data/base_scenario.json");

fn base() -> Problem {
    Scenario::from_json(BASE)
        .expect("valid scenario")
        .compile()
        .expect("compiles")
}

#[test]
fn replaced_parameters_change_the_value_like_a_recompile() {
    let jurong = scenarios::jurong_2023();
    let problem = jurong.compile().expect("compiles");
    let plan = Greedy::default().plan(&problem).expect("plans");
    // The same change made in the scenario file and recompiled...
    let mut bolder = jurong.clone();
    bolder.response.ceiling = 0.5;
    for o in &mut bolder.response.overrides {
        o.ceiling = o.ceiling.map(|c| (c * 1.25).min(0.9));
    }
    let recompiled = bolder.compile().expect("compiles");
    // ...and made on the parameters of the compiled problem.
    let mut params = problem.parameters().clone();
    params.cells.clone_from(&recompiled.parameters().cells);
    let replaced = problem.with_parameters(params).expect("valid");
    let a = evaluate(&replaced, &plan).expect("same structure");
    let b = evaluate(&recompiled, &plan).expect("same structure");
    assert_eq!(a.prevented_loss, b.prevented_loss);
    assert!(a.prevented_loss > evaluate(&problem, &plan).unwrap().prevented_loss);
    // The structure is shared, not copied.
    assert!(std::ptr::eq(replaced.structure(), problem.structure()));
}

#[test]
fn parameters_are_validated_on_the_way_in() {
    let problem = base();
    type Break = Box<dyn Fn(&mut fanzha::problem::Parameters)>;
    let cases: Vec<(&str, Break)> = vec![
        ("rate", Box::new(|p| p.cells[0].rate = 1.0)),
        ("ceiling", Box::new(|p| p.cells[0].ceiling = f64::NAN)),
        ("scale", Box::new(|p| p.cells[0].scale = 0.0)),
        ("scale", Box::new(|p| p.cells[0].scale = 5e-324)),
        ("loss", Box::new(|p| p.cells[0].loss = -1.0)),
        ("population", Box::new(|p| p.population[0] = f64::INFINITY)),
        ("unit_cost", Box::new(|p| p.placements[0].unit_cost = -0.5)),
        (
            "per_unit",
            Box::new(|p| p.placements[0].audience[0] = f64::NAN),
        ),
        ("absorbed", Box::new(|p| p.absorbed[0][0] = -1.0)),
        (
            "production_cost",
            Box::new(|p| p.production_cost[0] = f64::NAN),
        ),
        (
            "money",
            Box::new(|p| p.limits[ResourceKind::Money.id()] = Some(-1.0)),
        ),
        ("min_reduction", Box::new(|p| p.floors[0] = 1.0)),
    ];
    for (field, break_it) in cases {
        let mut params = problem.parameters().clone();
        break_it(&mut params);
        let err = problem
            .with_parameters(params)
            .expect_err("out-of-range parameter accepted");
        assert!(
            matches!(err, Error::InvalidValue { field: ref f, .. } if f == field),
            "{field}: {err}"
        );
        assert!(err.to_string().contains(field), "{err}");
    }
}

#[test]
fn parameters_of_another_shape_are_a_mismatch() {
    let problem = base();
    let mut params = problem.parameters().clone();
    params.cells.pop();
    assert!(matches!(
        problem.with_parameters(params),
        Err(Error::Mismatch { .. })
    ));
    let mut params = problem.parameters().clone();
    params.absorbed[0].push(1.0);
    assert!(matches!(
        problem.with_parameters(params),
        Err(Error::Mismatch { .. })
    ));
    // set_parameters leaves the problem as it was on error.
    let mut same = problem.clone();
    let mut params = problem.parameters().clone();
    params.population.push(1.0);
    assert!(same.set_parameters(params).is_err());
    assert_eq!(same, problem);
}

#[test]
fn a_problem_round_trips_through_json_and_is_validated_when_read() {
    let problem = scenarios::jurong_2023().compile().expect("compiles");
    let text = serde_json::to_string(&problem).expect("serialises");
    let back: Problem = serde_json::from_str(&text).expect("reads back");
    assert_eq!(back, problem);
    let plan = Greedy::default().plan(&back).expect("plans");
    assert_eq!(plan, Greedy::default().plan(&problem).expect("plans"));
    // A corrupted number is caught on the way in, not at planning time.
    let bad = text.replacen("\"scale\":3.0", "\"scale\":-3.0", 1);
    assert_ne!(bad, text, "the scale appears in the JSON");
    assert!(serde_json::from_str::<Problem>(&bad).is_err());
}

/// Hardening: unit totals used to saturate at `u64::MAX`, so a plan whose true total
/// overflowed could pass `check`.
#[test]
fn unit_totals_past_u64_max_are_rejected() {
    let problem = scenarios::jurong_2023().compile().expect("compiles");
    let k = PlacementId::range(problem.placements().len())
        .find(|&k| problem.arms_of_placement(k).len() >= 2)
        .expect("a placement that carries two messages");
    let arms = problem.arms_of_placement(k);
    let mut plan = Plan::empty(&problem);
    plan.set(arms[0], u64::MAX);
    plan.set(arms[1], 1);
    let err = plan
        .usage(&problem)
        .expect_err("overflowing total accepted");
    assert!(
        matches!(err, Error::Invalid { ref field, .. } if field == "units"),
        "{err}"
    );
    assert!(plan.check(&problem).is_err());
    assert!(evaluate(&problem, &plan).is_err());
    // u64::MAX alone is a number, judged by the capacity.
    let mut one = Plan::empty(&problem);
    one.set(ArmId::new(0), u64::MAX);
    assert!(matches!(one.check(&problem), Err(Error::Infeasible { .. })));
}
