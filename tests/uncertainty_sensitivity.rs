//! Which assumptions matter: the tornado and the EVPPI.

use fanzha::model::UncertaintySection;
use fanzha::uncertainty::{Point, Sampler, Z95, sensitivity};
use fanzha::{Greedy, Problem, Strategy, scenarios};

fn jurong_with(section: &str) -> (Problem, fanzha::uncertainty::Uncertainty) {
    let mut sc = scenarios::jurong_2023();
    sc.uncertainty = Some(serde_json::from_str::<UncertaintySection>(section).unwrap());
    sc.compile_uncertain().unwrap()
}

#[test]
fn tornado_rows_are_the_plan_at_each_entrys_ends_with_the_others_at_medians() {
    let (problem, u) = jurong_with(
        r#"{"draws": 120, "seed": 2, "parameters": [
            {"parameter": "rate", "factor": 1.5},
            {"parameter": "scale", "low": 2.0, "high": 4.5},
            {"parameter": "ceiling", "group": "students", "low": 0.4, "high": 0.4}]}"#,
    );
    let plan = Greedy::default().plan(&problem).unwrap();
    let s = sensitivity(&problem, &u, &plan, &Greedy::default()).unwrap();
    // By hand: rate times m, every scale at the lognormal median sqrt(2 * 4.5) = 3.
    let by_hand = |m: f64| {
        let mut p = problem.parameters().clone();
        for c in &mut p.cells {
            c.rate *= m;
            c.scale = 3.0;
        }
        let drawn = problem.with_parameters(p).unwrap();
        fanzha::evaluate::totals(&drawn, &plan)
            .unwrap()
            .prevented_loss
    };
    let rate = s.tornado.iter().find(|r| r.label == "rate").unwrap();
    assert!((rate.low - 1.0 / 1.5).abs() < 1e-12 && (rate.high - 1.5).abs() < 1e-12);
    for (got, want) in [
        (rate.loss_low, by_hand(1.0 / 1.5)),
        (rate.loss_high, by_hand(1.5)),
    ] {
        assert!((got - want).abs() <= 1e-6 * want, "{got} vs {want}");
    }
    assert!((s.median_loss - by_hand(1.0)).abs() <= 1e-6 * s.median_loss);
    // Sorted by swing; the zero-width entry has no swing and no EVPPI.
    assert!(s.tornado.windows(2).all(|w| w[0].swing >= w[1].swing));
    let fixed = s
        .tornado
        .iter()
        .find(|r| r.label.starts_with("ceiling"))
        .unwrap();
    assert_eq!(fixed.swing, 0.0);
    assert_eq!(fixed.replan_low, Some(false));
    let e = s
        .evppi
        .iter()
        .find(|r| r.label.starts_with("ceiling"))
        .unwrap();
    assert_eq!(e.evppi, 0.0);
    assert!(s.evppi.iter().all(|r| r.evppi >= 0.0 && r.evppi <= s.evpi));
    assert!(s.candidates >= 1);
}

#[test]
fn evppi_is_positive_where_knowing_the_value_changes_the_choice() {
    // Two strongly uncertain channel depths: the best plan depends on which is deep.
    let (problem, u) = jurong_with(
        r#"{"draws": 400, "seed": 8, "parameters": [
            {"parameter": "depth", "channel": "douyin", "low": 0.003, "high": 0.3},
            {"parameter": "depth", "channel": "radio", "low": 0.01, "high": 0.6},
            {"parameter": "rate", "factor": 1.2}]}"#,
    );
    let plan = Greedy::default().plan(&problem).unwrap();
    let s = sensitivity(&problem, &u, &plan, &Greedy::default()).unwrap();
    assert!(s.evpi > 0.0);
    let top = &s.evppi[0];
    assert!(top.evppi > 0.0, "{:?}", s.evppi);
    assert!(top.label.starts_with("depth"), "{:?}", s.evppi);
    // A rate factor scales every plan alike: knowing it changes no choice (up to noise).
    let rate = s.evppi.iter().find(|r| r.label == "rate").unwrap();
    assert!(rate.evppi < top.evppi, "{:?}", s.evppi);
}

#[test]
fn points_of_a_lognormal_entry_are_its_quantiles() {
    let (problem, u) =
        jurong_with(r#"{"parameters": [{"parameter": "scale", "low": 2.0, "high": 8.0}]}"#);
    let sampler = Sampler::new(&problem, &u).unwrap();
    assert_eq!(sampler.values_at(Point::P5), vec![2.0]);
    assert_eq!(sampler.values_at(Point::P95), vec![8.0]);
    let z = (sampler.values_at(Point::P50)[0].ln() - 2f64.ln())
        / ((8f64.ln() - 2f64.ln()) / (2.0 * Z95));
    assert!((z - Z95).abs() < 1e-9);
}
