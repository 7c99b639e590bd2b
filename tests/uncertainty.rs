//! The uncertainty section: compiling it, seeded draws, Monte Carlo outcomes.

use fanzha::model::UncertaintySection;
use fanzha::report::{RobustReport, UncertaintyReport};
use fanzha::uncertainty::{Point, Robust, Sampler, Summary, Uncertainty, Z95, monte_carlo, versus};
use fanzha::{Blanket, Greedy, Plan, Problem, Scenario, Strategy, scenarios};

fn jurong_with(section: &str) -> Result<(Problem, Uncertainty), fanzha::Error> {
    let mut sc = scenarios::jurong_2023();
    sc.uncertainty = Some(serde_json::from_str::<UncertaintySection>(section).expect("section"));
    sc.compile_uncertain()
}

fn greedy(problem: &Problem) -> Plan {
    Greedy::default()
        .plan(problem)
        .expect("greedy plans Jurong")
}

#[test]
fn zero_width_distributions_reproduce_the_point_model_exactly() {
    let section = r#"{"draws": 50, "seed": 3, "parameters": [
      {"parameter": "ceiling", "distribution": "triangular", "low": 0.4, "mode": 0.4, "high": 0.4},
      {"parameter": "ceiling", "group": "elderly", "threat": "health_products",
       "distribution": "uniform", "low": 0.5, "high": 0.5},
      {"parameter": "scale", "low": 3.0, "high": 3.0},
      {"parameter": "rate", "factor": 1.0},
      {"parameter": "loss", "threat": "pig_butchering", "factor": 1.0},
      {"parameter": "depth", "channel": "door", "low": 0.5, "high": 0.5},
      {"parameter": "per_unit", "channel": "douyin", "factor": 1.0},
      {"parameter": "unit_cost", "factor": 1.0}]}"#;
    let (problem, u) = jurong_with(section).unwrap();
    let sampler = Sampler::new(&problem, &u).unwrap();
    for i in 0..20 {
        let draw = sampler.draw(i).unwrap();
        assert_eq!(&draw.parameters, problem.parameters(), "draw {i}");
        assert!(draw.clamped.iter().all(|c| !c));
    }
    let plan = greedy(&problem);
    let point = fanzha::evaluate::totals(&problem, &plan).unwrap();
    let mc = monte_carlo(&problem, &u, &plan).unwrap();
    for (s, v) in [
        (mc.prevented_loss, point.prevented_loss),
        (mc.prevented_cases, point.prevented_cases),
        (mc.spend, point.spend),
    ] {
        assert_eq!((s.mean, s.p5, s.p50, s.p95, s.sd), (v, v, v, v, 0.0));
    }
}

#[test]
fn the_same_draws_on_one_and_two_threads() {
    let (problem, u) = scenarios::jurong_2023().compile_uncertain().unwrap();
    let u = u.with_draws(300, 11);
    let plan = greedy(&problem);
    let blanket = Blanket.plan(&problem).unwrap();
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let mc = monte_carlo(&problem, &u, &plan).unwrap();
            let vs = versus(&problem, &u, &plan, &blanket).unwrap();
            let sens =
                fanzha::uncertainty::sensitivity(&problem, &u, &plan, &Greedy::default()).unwrap();
            let mut report = UncertaintyReport::new(&u, &mc, Some(("blanket", &vs)), Some(&sens));
            let robust = Robust {
                draws: 8,
                fresh: 20,
                validation: 20,
                rounds: 1,
                bound_group: 4,
                ..Robust::default()
            };
            let solved = robust.solve(&problem, &u, &Greedy::default()).unwrap();
            report.robust = Some(RobustReport::new(&robust, &solved));
            serde_json::to_string(&report).unwrap()
        })
    };
    let one = run(1);
    assert_eq!(one, run(2));
    assert!(one.contains("\"p95\"") && one.contains("\"evppi\"") && one.contains("\"bound\""));
}

#[test]
fn monte_carlo_mean_of_a_rate_factor_is_the_lognormal_mean() {
    // Prevented loss is linear in the rate, so E[V] = V_point E[m] with E[m] = exp(sigma^2/2).
    let (problem, u) = jurong_with(
        r#"{"draws": 4000, "seed": 5, "parameters": [{"parameter": "rate", "factor": 1.4}]}"#,
    )
    .unwrap();
    let plan = greedy(&problem);
    let point = fanzha::evaluate::totals(&problem, &plan)
        .unwrap()
        .prevented_loss;
    let sigma = 1.4f64.ln() / Z95;
    let expected = point * (0.5 * sigma * sigma).exp();
    let sd = point * ((sigma * sigma).exp() - 1.0).sqrt() * (0.5 * sigma * sigma).exp();
    let mc = monte_carlo(&problem, &u, &plan).unwrap();
    let se = sd / 4000f64.sqrt();
    assert!(
        (mc.prevented_loss.mean - expected).abs() < 4.0 * se,
        "{} vs {expected} (se {se})",
        mc.prevented_loss.mean
    );
    assert!((mc.prevented_loss.sd - sd).abs() < 0.1 * sd);
}

#[test]
fn monte_carlo_mean_of_a_lognormal_scale_matches_quadrature() {
    // E[V(kappa)] for kappa lognormal with 5/95% at 1.5 and 6, by the trapezoid rule over the
    // normal density, with the parameters set by hand (no sampler).
    let (problem, u) = jurong_with(
        r#"{"draws": 3000, "seed": 9, "parameters": [
            {"parameter": "scale", "distribution": "lognormal", "low": 1.5, "high": 6.0}]}"#,
    )
    .unwrap();
    let plan = greedy(&problem);
    let value_at = |kappa: f64| {
        let mut p = problem.parameters().clone();
        for c in &mut p.cells {
            c.scale = kappa;
        }
        let drawn = problem.with_parameters(p).unwrap();
        fanzha::evaluate::totals(&drawn, &plan)
            .unwrap()
            .prevented_loss
    };
    let (mu, sigma) = (
        (1.5f64.ln() + 6f64.ln()) / 2.0,
        (6f64.ln() - 1.5f64.ln()) / (2.0 * Z95),
    );
    let (n, lim) = (400, 8.0);
    let h = 2.0 * lim / n as f64;
    let (mut m1, mut m2) = (0.0, 0.0);
    for i in 0..=n {
        let z = -lim + i as f64 * h;
        let w = if i == 0 || i == n { 0.5 } else { 1.0 } * h * (-0.5 * z * z).exp()
            / (2.0 * std::f64::consts::PI).sqrt();
        let v = value_at((mu + sigma * z).exp());
        m1 += w * v;
        m2 += w * v * v;
    }
    let sd = (m2 - m1 * m1).sqrt();
    let mc = monte_carlo(&problem, &u, &plan).unwrap();
    let se = sd / 3000f64.sqrt();
    assert!(
        (mc.prevented_loss.mean - m1).abs() < 4.0 * se,
        "{} vs {m1} (se {se})",
        mc.prevented_loss.mean
    );
}

#[test]
fn a_draw_outside_the_range_is_clamped_and_counted() {
    // Ceilings of 0.4 (0.5 for elderly health) times a factor of up to 3: some draws pass 1.
    let (problem, u) = jurong_with(
        r#"{"draws": 400, "seed": 1, "parameters": [{"parameter": "ceiling", "factor": 3.0}]}"#,
    )
    .unwrap();
    let sampler = Sampler::new(&problem, &u).unwrap();
    let mut expected = 0;
    for i in 0..400 {
        let m = sampler.values(i)[0];
        let draw = sampler.draw(i).unwrap();
        let over = problem.cells().iter().any(|c| c.ceiling * m >= 1.0);
        expected += usize::from(over);
        assert_eq!(draw.clamped[0], over, "draw {i}");
        assert!(draw.parameters.cells.iter().all(|c| c.ceiling < 1.0));
        problem
            .with_parameters(draw.parameters)
            .expect("clamped draws are valid");
    }
    assert!(expected > 5, "the test needs draws that leave the range");
    let mc = monte_carlo(&problem, &u, &greedy(&problem)).unwrap();
    assert_eq!(mc.clamped, vec![expected]);
}

#[test]
fn jurong_declares_sourced_ranges_and_they_spread_the_outcome() {
    let sc = scenarios::jurong_2023();
    let section = sc
        .uncertainty
        .as_ref()
        .expect("Jurong has an uncertainty section");
    assert!(section.parameters.len() >= 8);
    for p in &section.parameters {
        let s = p.source.as_deref().unwrap_or("");
        assert!(s.contains("FACTS") || s.starts_with("assumption"), "{p:?}");
    }
    let (problem, u) = sc.compile_uncertain().unwrap();
    let plan = greedy(&problem);
    let mc = monte_carlo(&problem, &u.clone().with_draws(200, 4), &plan).unwrap();
    let v = mc.prevented_loss;
    assert!(v.p5 < v.p50 && v.p50 < v.p95, "{v:?}");
    assert!(v.sd > 0.05 * v.mean, "{v:?}");
    // Uncertain unit costs make the spend vary.
    assert!(mc.spend.sd > 0.0);
    assert_eq!(mc.threats.len(), problem.threat_count());
    let by_threat: f64 = mc.threats.iter().map(|t| t.prevented_loss.mean).sum();
    assert!((by_threat - v.mean).abs() < 1e-6 * v.mean);
    let by_group: f64 = mc.groups.iter().map(|g| g.prevented_loss.mean).sum();
    assert!((by_group - v.mean).abs() < 1e-6 * v.mean);
    // Targeted beats blanket on (nearly) every draw.
    let blanket = Blanket.plan(&problem).unwrap();
    let vs = versus(&problem, &u.with_draws(200, 4), &plan, &blanket).unwrap();
    assert!(vs.probability > 0.95, "{vs:?}");
}

#[test]
fn medians_and_points_of_the_laws() {
    let (problem, u) = scenarios::jurong_2023().compile_uncertain().unwrap();
    let sampler = Sampler::new(&problem, &u).unwrap();
    let (lo, mid, hi) = (
        sampler.values_at(Point::P5),
        sampler.values_at(Point::P50),
        sampler.values_at(Point::P95),
    );
    for j in 0..lo.len() {
        assert!(lo[j] < mid[j] && mid[j] < hi[j], "entry {j}");
    }
}

fn error_of(section: &str) -> String {
    let mut sc = scenarios::jurong_2023();
    match serde_json::from_str::<UncertaintySection>(section) {
        Ok(s) => sc.uncertainty = Some(s),
        Err(e) => return e.to_string(),
    }
    let compiled = sc.compile().expect_err("bad section").to_string();
    assert_eq!(
        sc.compile_uncertain().expect_err("bad").to_string(),
        compiled
    );
    compiled
}

#[test]
fn bad_input_gives_one_clear_error_naming_the_entry() {
    let wrap = |entry: &str| {
        format!(r#"{{"parameters": [{{"parameter": "scale", "factor": 2}}, {entry}]}}"#)
    };
    let cases = [
        (
            r#"{"parameter": "ceilng", "factor": 2}"#,
            "unknown variant `ceilng`",
        ),
        (
            r#"{"parameter": "ceiling", "low": 0.6, "high": 0.3}"#,
            "entry #1 ceiling: field `low` is above `high`",
        ),
        (
            r#"{"parameter": "rate", "factor": 0}"#,
            "entry #1 rate: field `factor` is 0",
        ),
        (
            r#"{"parameter": "rate", "factor": -2}"#,
            "entry #1 rate: field `factor` is -2",
        ),
        (r#"{"parameter": "rate", "factor": 0.5}"#, "at least 1"),
        (
            r#"{"parameter": "ceiling", "group": "aliens", "factor": 2}"#,
            "entry #1 ceiling group=aliens: field `group` refers to unknown group \"aliens\"",
        ),
        (
            r#"{"parameter": "ceiling", "region": "huayang", "group": "nobody", "factor": 2}"#,
            "unknown group",
        ),
        (
            r#"{"parameter": "rate", "group": "children", "threat": "health_products", "factor": 2}"#,
            "selects no cell at risk",
        ),
        (
            r#"{"parameter": "per_unit", "channel": "douyin", "low": 0.5, "high": 1}"#,
            "take only `factor`",
        ),
        (
            r#"{"parameter": "per_unit", "channel": "douyin", "group": "children", "factor": 2}"#,
            "selects no segment reached",
        ),
        (
            r#"{"parameter": "depth", "channel": "door", "threat": "loan_credit", "low": 0.2, "high": 0.4}"#,
            "field `threat` is not a selector of `depth`",
        ),
        (
            r#"{"parameter": "ceiling", "low": 0.3, "high": 1.2}"#,
            "field `high` is 1.2",
        ),
        (
            r#"{"parameter": "ceiling", "distribution": "triangular", "low": 0.3, "high": 0.5}"#,
            "field `mode` is missing",
        ),
        (
            r#"{"parameter": "unit_cost", "placement": "radio.peak_spot", "channel": "tv", "factor": 2}"#,
            "selects no placement",
        ),
    ];
    for (entry, want) in cases {
        let message = error_of(&wrap(entry));
        assert!(message.contains(want), "{entry}: {message}");
        assert_eq!(message.lines().count(), 1, "{message}");
    }
}

#[test]
fn a_scenario_without_the_section_has_no_entries() {
    let mut sc: Scenario = scenarios::jurong_2023();
    sc.uncertainty = None;
    let (problem, u) = sc.compile_uncertain().unwrap();
    assert!(u.entries.is_empty());
    let mc = monte_carlo(&problem, &u.with_draws(5, 0), &greedy(&problem)).unwrap();
    assert_eq!(mc.prevented_loss.sd, 0.0);
    assert!(Summary::of(&[]).is_err());
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

        /// However wide the ranges, every draw is a valid problem, and a draw flagged as not
        /// clamped equals the values applied by hand.
        #[test]
        fn every_draw_is_valid(f in 1.0f64..60.0, lo in 0.001f64..0.5, seed in 0u64..1000) {
            let section = format!(
                r#"{{"draws": 10, "seed": {seed}, "parameters": [
                    {{"parameter": "ceiling", "factor": {f}}},
                    {{"parameter": "scale", "factor": {f}}},
                    {{"parameter": "rate", "factor": {f}}},
                    {{"parameter": "loss", "factor": {f}}},
                    {{"parameter": "depth", "channel": "douyin", "low": {lo}, "high": 1.0}},
                    {{"parameter": "per_unit", "factor": {f}}},
                    {{"parameter": "unit_cost", "factor": {f}}}]}}"#
            );
            let (problem, u) = jurong_with(&section).unwrap();
            let sampler = Sampler::new(&problem, &u).unwrap();
            for i in 0..10 {
                let draw = sampler.draw(i).unwrap();
                let m = &draw.values;
                if !draw.clamped[2] {
                    for (c, base) in draw.parameters.cells.iter().zip(problem.cells()) {
                        prop_assert_eq!(c.rate, base.rate * m[2]);
                    }
                }
                if !draw.clamped[6] {
                    for (p, base) in draw.parameters.placements.iter().zip(problem.parameters().placements.iter()) {
                        prop_assert_eq!(p.unit_cost, base.unit_cost * m[6]);
                    }
                }
                prop_assert!(problem.with_parameters(draw.parameters).is_ok());
            }
        }
    }
}

#[test]
fn draws_refuse_a_calendar_problem_and_huge_factors() {
    let (yearly, u) = scenarios::jurong_2023().compile_uncertain().unwrap();
    let calendar = fanzha::calendar::Calendar::new(&yearly, 2, 1, 0.5).unwrap();
    let weekly = calendar.unroll(&yearly).unwrap();
    let err = Sampler::new(&weekly, &u).expect_err("a calendar problem is refused");
    assert!(err.to_string().contains("calendar"), "{err}");
    let mut sc = scenarios::jurong_2023();
    let mut section = sc.uncertainty.clone().unwrap();
    section.parameters[3].factor = Some(1e300);
    sc.uncertainty = Some(section);
    let err = sc
        .compile_uncertain()
        .expect_err("a factor of 1e300 is refused");
    assert!(err.to_string().contains("factor"), "{err}");
}

#[test]
fn a_hand_built_law_out_of_order_is_refused_by_the_sampler_not_a_panic() {
    use fanzha::uncertainty::Law;
    let (problem, mut u) = jurong_with(
        r#"{"draws": 10, "seed": 1, "parameters": [{"parameter": "ceiling", "low": 0.3, "high": 0.5}]}"#,
    )
    .unwrap();
    for (law, words) in [
        (
            Law::Triangular {
                low: 0.5,
                mode: 0.45,
                high: 0.4,
            },
            "above",
        ),
        (
            Law::Triangular {
                low: 0.3,
                mode: 0.6,
                high: 0.5,
            },
            "outside",
        ),
        (
            Law::Uniform {
                low: f64::NAN,
                high: 0.5,
            },
            "finite",
        ),
        (
            Law::Lognormal {
                low: 0.0,
                high: 0.5,
            },
            "> 0",
        ),
    ] {
        u.entries[0].law = law;
        let err = Sampler::new(&problem, &u)
            .expect_err("a bad law is refused")
            .to_string();
        assert!(err.contains("law") && err.contains(words), "{law:?}: {err}");
    }
}
