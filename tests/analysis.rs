//! The planner's analyses on Jurong 2023: frontier, target mode, joint vs siloed, floor
//! prices, floors' status and binding limits; and the same analyses on a calendar problem.

use fanzha::analysis::{
    DEFAULT_POINTS, Goal, Stop, cheapest_for, default_budgets, floor_prices, floor_status,
    frontier, limits, siloed,
};
use fanzha::prelude::*;

fn jurong() -> Problem {
    scenarios::jurong_2023()
        .compile()
        .expect("the built-in scenario compiles")
}

/// Jurong's built-in calendar, 3 weeks (short: a calendar bound costs more), without floors (out of reach week by week).
fn calendar() -> Problem {
    let sc = scenarios::jurong_2023();
    let yearly = sc.compile().expect("compiles");
    let mut cal = sc
        .compile_calendar(&yearly)
        .expect("calendar compiles")
        .expect("Jurong has a calendar")
        .with_weeks(3)
        .expect("3 weeks");
    cal.floors_every = fanzha::calendar::FloorsEvery::None;
    cal.unroll(&yearly).expect("unrolls")
}

#[test]
fn frontier_is_monotone_bounded_and_has_a_knee() {
    let problem = jurong();
    let budgets = default_budgets(&problem, DEFAULT_POINTS);
    let s = GreedyLocalSearch::default();
    let f = frontier(&problem, &s, &Blanket, &budgets).expect("frontier");
    assert_eq!(f.points.len(), DEFAULT_POINTS);
    for p in &f.points {
        if let (Some(v), Some(b)) = (p.value, p.bound) {
            assert!(v <= b * (1.0 + 1e-9), "value {v} above bound {b}");
            assert!(p.spend.expect("a plan spends") <= p.budget * (1.0 + 1e-9));
            assert!(p.gap().expect("a gap") < 0.05, "{p:?}");
        }
        if let (Some(v), Some(base)) = (p.value, p.baseline) {
            assert!(v >= base, "targeted {v} below blanket {base}");
        }
    }
    let values: Vec<f64> = f.points.iter().filter_map(|p| p.value).collect();
    assert!(
        values.len() >= DEFAULT_POINTS - 2,
        "most budgets meet the floors"
    );
    assert!(values.windows(2).all(|w| w[0] <= w[1]), "{values:?}");
    let knee = f.knee.expect("a bent frontier has a knee");
    assert!(knee > 0 && knee + 1 < f.points.len());
    // The point at the scenario's own budget is the plan `plan` makes (or better).
    let own = f
        .points
        .iter()
        .find(|p| p.budget == problem.money().expect("a budget"))
        .expect("the grid passes through the budget");
    let direct = evaluate(&problem, &s.plan(&problem).expect("plans")).expect("evaluates");
    assert!(own.value.expect("a value") >= direct.prevented_loss * (1.0 - 1e-12));
}

#[test]
fn target_mode_finds_the_default_plans_cases_within_the_default_budget() {
    let problem = jurong();
    let s = GreedyLocalSearch::default();
    let default = evaluate(&problem, &s.plan(&problem).expect("plans")).expect("evaluates");
    let budget = problem.money().expect("a budget");
    let t = cheapest_for(&problem, &s, Goal::Cases(default.prevented_cases)).expect("target");
    assert!(t.prevented_cases >= default.prevented_cases);
    assert!(
        t.spend <= budget,
        "cheapest {} above the default budget {budget}",
        t.spend
    );
    assert!(t.cheapest_possible_above > 0.0 && t.cheapest_possible_above <= t.spend);
    // Certified: at that money no plan reaches the goal in cases.
    let mut at = problem.clone();
    at.set_money(Some(t.cheapest_possible_above))
        .expect("valid");
    let mut cases = at.parameters().clone();
    cases.cells.iter_mut().for_each(|c| c.loss = 1.0);
    let b = fanzha::optimize::bound(&at.with_parameters(cases).expect("valid")).expect("bound");
    assert!(b.value < default.prevented_cases);
    assert!(t.cost_gap() < 0.25, "gap {}", t.cost_gap());
    // The plan meets every limit of the problem at its own budget.
    let mut own = problem.clone();
    own.set_money(Some(t.budget)).expect("valid");
    t.plan.check(&own).expect("feasible at its budget");
}

#[test]
fn target_mode_in_yuan() {
    let problem = jurong();
    let s = Greedy::default();
    let t = cheapest_for(&problem, &s, Goal::Loss(1.0e7)).expect("target");
    assert!(t.prevented_loss >= 1.0e7 && t.achieved == t.prevented_loss);
    assert!(t.cheapest_possible_above <= t.spend);
}

#[test]
fn planning_together_beats_the_silos() {
    let problem = jurong();
    let s = GreedyLocalSearch::default();
    let joint = s.plan(&problem).expect("plans");
    let r = siloed(&problem, &s, &joint).expect("siloed");
    assert_eq!(r.per_department.len(), problem.departments().len());
    let alone: f64 = r.per_department.iter().map(|d| d.value_alone).sum();
    assert!(
        r.siloed_total <= alone * (1.0 + 1e-12),
        "overlap only subtracts"
    );
    assert!(r.value_of_planning_together > 0.0, "{r:?}");
    let direct = evaluate(&problem, &joint).expect("ok").prevented_loss;
    assert!((r.joint - direct).abs() <= 1e-9 * direct);
    for d in &r.per_department {
        let money = d.money.expect("every Jurong department has money");
        assert!(d.spend <= money * (1.0 + 1e-9), "{d:?}");
    }
    assert_eq!(r.floors, problem.floors().len());
}

#[test]
fn every_floor_has_a_price_and_a_status() {
    let problem = jurong();
    let s = GreedyLocalSearch::default();
    let plan = s.plan(&problem).expect("plans");
    let status = floor_status(&problem, &plan).expect("status");
    assert_eq!(status.len(), problem.floors().len());
    assert!(
        status
            .iter()
            .all(|f| f.met && f.reduction >= f.min_reduction * (1.0 - 1e-9))
    );
    let prices = floor_prices(&problem, &s, &plan).expect("prices");
    assert_eq!(prices.len(), 2);
    for p in &prices {
        let b = p.bound_without.expect("a bound");
        assert!(p.value_without <= b * (1.0 + 1e-9));
        assert!(p.price_at_most.expect("a certified price") >= p.price - 1e-6);
        assert!(
            p.price >= 0.0,
            "the warm start keeps the plan with the floor: {p:?}"
        );
        assert!(p.targets > 0);
    }
    assert_eq!(prices[0].groups, ["elderly"]);
    assert_eq!(prices[1].groups, ["students"]);
}

#[test]
fn more_money_than_the_departments_hold_is_left_unspent_and_said_so() {
    let mut problem = jurong();
    problem.set_money(Some(700_000.0)).expect("valid");
    let s = GreedyLocalSearch::default();
    let plan = s.plan(&problem).expect("plans");
    let l = limits(&problem, &plan).expect("limits");
    let unspent = l.unspent.expect("a money limit");
    assert!(unspent > 100_000.0, "unspent {unspent}");
    assert!(!l.money_stops, "the overall money stops nothing");
    let binding: Vec<&str> = l.binding().map(|r| r.name.as_str()).collect();
    assert!(binding.iter().any(|n| n.contains("money")), "{binding:?}");
    assert!(l.unbought().next().is_some(), "money left, units stopped");
    for u in l.unbought() {
        assert!(u.stopped_by_other_than_money());
    }
    // And indeed: with more still, the plan prevents no more.
    let mut more = problem.clone();
    more.set_money(Some(900_000.0)).expect("valid");
    let v = |p: &Problem| {
        evaluate(p, &s.plan(p).expect("plans"))
            .expect("ok")
            .prevented_loss
    };
    assert!(v(&more) <= v(&problem) * (1.0 + 1e-3));
    // At the scenario's budget the overall money binds.
    let problem = jurong();
    let l = limits(&problem, &s.plan(&problem).expect("plans")).expect("limits");
    assert!(l.money_stops);
    assert!(l.next_units.iter().any(|u| {
        u.stopped_by
            .iter()
            .any(|s| matches!(s, Stop::Capacity { .. }))
    }));
}

#[test]
fn the_analyses_work_on_a_calendar_problem() {
    let problem = calendar();
    let s = Greedy::default();
    let plan = s.plan(&problem).expect("plans");
    let l = limits(&problem, &plan).expect("limits");
    assert!(
        l.next_units
            .iter()
            .all(|u| u.week.is_some_and(|w| (1..=3).contains(&w)))
    );
    let r = siloed(&problem, &s, &plan).expect("siloed");
    assert!(
        r.siloed_total
            <= r.per_department.iter().map(|d| d.value_alone).sum::<f64>() * (1.0 + 1e-12)
    );
    let m = problem.money().expect("a budget");
    let f = frontier(&problem, &s, &Blanket, &[m / 2.0, m]).expect("frontier");
    for p in &f.points {
        assert!(p.value.expect("a value") <= p.bound.expect("a bound") * (1.0 + 1e-9));
    }
    assert!(
        floor_prices(&problem, &s, &plan)
            .expect("no floors")
            .is_empty()
    );
    let t = cheapest_for(
        &problem,
        &s,
        Goal::Loss(0.5 * f.points[1].value.expect("v")),
    )
    .expect("target");
    assert!(t.spend <= m);
}
