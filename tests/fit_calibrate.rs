//! Risk-table calibration: recovery of a known table, conflicting margins, bad margins, and
//! the re-derivation of the built-in Jurong table from FACTS.md's figures.

use fanzha::fit::calibrate::{
    Calibration, CalibrationOptions, Margin, Margins, calibrate, jurong_2023_margins,
};
use fanzha::model::Profile;
use fanzha::{Error, Scenario, scenarios};

/// A 3-region x 3-group town with one threat; group `g` has attribute share `a[g]`.
fn town(rates: &[[f64; 3]; 3]) -> Scenario {
    let attrs = [0.1, 0.5, 0.9];
    let mut segments = Vec::new();
    for (r, region) in ["north", "south", "east"].iter().enumerate() {
        for (g, group) in ["young", "adults", "elderly"].iter().enumerate() {
            segments.push(serde_json::json!({
                "id": format!("{region}.{group}"), "region": region, "group": group,
                "population": 10_000 + 1_000 * (3 * r + g) as u64,
                "profile": {"women": attrs[g]},
                "risk": [{"threat": "scam", "rate": rates[r][g], "loss": 1000.0 * (g + 1) as f64 + 700.0 * r as f64}]
            }));
        }
    }
    let json = serde_json::json!({
        "name": "town", "threats": [{"id": "scam", "name": "Scam"}],
        "segments": segments, "channels": [], "messages": [],
        "response": {"ceiling": 0.4, "scale": 3.0}
    });
    Scenario::from_json(&json.to_string()).expect("valid town")
}

fn margin(region: Option<&str>, group: Option<&str>) -> Margin {
    Margin {
        threat: "scam".into(),
        region: region.map(str::to_string),
        group: group.map(str::to_string),
        cases: None,
        loss: None,
        attribute: None,
        share: None,
        weight: 1e4,
        source: None,
    }
}

fn cases_of(sc: &Scenario, rates: &[Vec<f64>], keep: impl Fn(usize) -> bool) -> f64 {
    (0..sc.segments.len())
        .filter(|&s| keep(s))
        .map(|s| sc.segments[s].population as f64 * rates[s][0])
        .sum()
}

fn rates_of(sc: &Scenario) -> Vec<Vec<f64>> {
    sc.segments.iter().map(|s| vec![s.risk[0].rate]).collect()
}

#[test]
fn raking_recovers_a_known_table_from_its_margins() {
    // The truth is the seed times a region factor times a group factor: IPF's family.
    let seed = [[1e-3; 3]; 3];
    let (rf, gf) = ([1.3, 0.8, 1.1], [2.0, 0.7, 1.4]);
    let mut truth = seed;
    for r in 0..3 {
        for g in 0..3 {
            truth[r][g] = seed[r][g] * rf[r] * gf[g];
        }
    }
    let known = town(&truth);
    let t = rates_of(&known);
    let mut margins = Vec::new();
    for (r, region) in ["north", "south", "east"].iter().enumerate() {
        let mut m = margin(Some(region), None);
        m.cases = Some(cases_of(&known, &t, |s| s / 3 == r));
        margins.push(m);
    }
    for (g, group) in ["young", "adults"].iter().enumerate() {
        let mut m = margin(None, Some(group));
        m.cases = Some(cases_of(&known, &t, |s| s % 3 == g));
        margins.push(m);
    }
    let margins = Margins {
        source: None,
        margins,
    };
    let cal = calibrate(&town(&seed), &margins, &CalibrationOptions::default()).unwrap();
    assert!(cal.exact && cal.conflicting.is_empty());
    for (s, row) in cal.rates.iter().enumerate() {
        assert!(
            (row[0] - t[s][0]).abs() <= 1e-9 * t[s][0],
            "segment {s}: {} vs {}",
            row[0],
            t[s][0]
        );
    }
    for r in &cal.residuals {
        assert!(r.residual <= 1e-9 * r.target, "{r:?}");
    }
}

#[test]
fn raking_meets_fractional_shares_and_losses_exactly() {
    let seed = [[1e-3, 2e-3, 3e-3], [2e-3, 1e-3, 1e-3], [1e-3, 1e-3, 4e-3]];
    let mut m1 = margin(None, None);
    m1.cases = Some(500.0);
    let mut m2 = margin(None, None);
    m2.attribute = Some("women".into());
    m2.share = Some(0.3);
    let mut m3 = margin(None, None);
    m3.loss = Some(900_000.0);
    let margins = Margins {
        source: None,
        margins: vec![m1, m2, m3],
    };
    let sc = town(&seed);
    let cal = calibrate(&sc, &margins, &CalibrationOptions::default()).unwrap();
    assert!(cal.exact, "{:?}", cal.residuals);
    assert!((cases_of(&sc, &cal.rates, |_| true) - 500.0).abs() < 1e-9);
    let women: f64 = (0..9)
        .map(|s| sc.segments[s].population as f64 * cal.rates[s][0] * [0.1, 0.5, 0.9][s % 3])
        .sum();
    assert!((women / 500.0 - 0.3).abs() < 1e-12);
    assert_eq!(cal.residuals.len(), 3);
}

#[test]
fn conflicting_margins_give_the_reported_residuals() {
    // Two different totals for the same cells cannot both hold: the compromise lies between
    // them and each residual is what the table misses by.
    let seed = [[1e-3; 3]; 3];
    let sc = town(&seed);
    let mut a = margin(None, None);
    a.cases = Some(400.0);
    let mut b = margin(None, None);
    b.cases = Some(600.0);
    let mut share = margin(None, None);
    share.attribute = Some("women".into());
    share.share = Some(0.5);
    let margins = Margins {
        source: None,
        margins: vec![a, b, share],
    };
    let cal = calibrate(&sc, &margins, &CalibrationOptions::default()).unwrap();
    assert!(!cal.exact);
    let total = cases_of(&sc, &cal.rates, |_| true);
    assert!(total > 400.0 && total < 600.0, "{total}");
    assert!((cal.residuals[0].fitted - total).abs() < 1e-6);
    assert!((cal.residuals[0].residual - (total - 400.0)).abs() < 1e-6);
    assert!((cal.residuals[1].residual - (600.0 - total)).abs() < 1e-6);
    eprintln!("{:?}", cal.residuals);
    assert_eq!(cal.conflicting.len(), 2, "{:?}", cal.conflicting);
    // The consistent share margin still holds.
    assert!(cal.residuals[2].residual < 1e-4, "{:?}", cal.residuals[2]);
}

#[test]
fn impossible_and_malformed_margins_are_named() {
    let sc = town(&[[1e-3; 3]; 3]);
    let run = |m: Margin| {
        calibrate(
            &sc,
            &Margins {
                source: None,
                margins: vec![m],
            },
            &CalibrationOptions::default(),
        )
        .unwrap_err()
        .to_string()
    };
    let mut m = margin(None, None);
    m.attribute = Some("women".into());
    m.share = Some(0.95);
    let e = run(m);
    assert!(
        e.contains("margin #0") && e.contains("cannot be met"),
        "{e}"
    );
    let mut m = margin(Some("west"), None);
    m.cases = Some(1.0);
    assert!(run(m).contains("unknown region \"west\""));
    let mut m = margin(None, None);
    m.cases = Some(-3.0);
    assert!(run(m).contains("`cases`"));
    let e = run(margin(None, None));
    assert!(e.contains("exactly one of"), "{e}");
    let mut m = margin(None, None);
    m.attribute = Some("rural".into());
    m.share = Some(0.5);
    let e = run(m);
    assert!(e.contains("rural"), "{e}");
    let mut m = margin(None, None);
    m.threat = "nope".into();
    m.cases = Some(1.0);
    assert!(matches!(
        calibrate(
            &sc,
            &Margins {
                source: None,
                margins: vec![m]
            },
            &CalibrationOptions::default()
        ),
        Err(Error::UnknownId { .. })
    ));
}

/// The share of threat `f`'s cases on people with `attr`, from the scenario's own table.
fn share(sc: &Scenario, threat: &str, attr: &str) -> f64 {
    let (mut hit, mut all) = (0.0, 0.0);
    for seg in &sc.segments {
        for r in seg.risk.iter().filter(|r| r.threat == threat) {
            let cases = seg.population as f64 * r.rate;
            let a = seg.profile.as_ref().and_then(|p| p.get(attr)).unwrap();
            hit += cases * a;
            all += cases;
        }
    }
    hit / all
}

fn rederived() -> (Calibration, Scenario) {
    let seed = scenarios::jurong_2023();
    let cal = calibrate(
        &seed,
        &jurong_2023_margins(),
        &CalibrationOptions::default(),
    )
    .unwrap();
    let table = cal.apply(&seed, "calibrated").unwrap();
    (cal, table)
}

#[test]
fn the_jurong_table_rederived_matches_the_seed_shares_within_a_tenth_of_a_point() {
    let (cal, table) = rederived();
    assert!(cal.exact, "{:?}", cal.conflicting);
    assert!((share(&table, "pig_butchering", "women") - 0.615).abs() < 0.001);
    assert!((share(&table, "order_brushing", "under_35") - 0.75).abs() < 0.001);
    assert!((1.0 - share(&table, "loan_credit", "women") - 0.75).abs() < 0.001);
    let p = table.compile().unwrap();
    let cases = 965.0 * 365.0 / 206.0;
    let loss = 77.987e6 * 365.0 / 206.0;
    assert!((p.cases_at_risk() / cases - 1.0).abs() < 1e-6);
    assert!((p.loss_at_risk() / loss - 1.0).abs() < 1e-6);
    // The built-in table is the re-derived one (its rates rounded to 4 significant digits):
    // raking it again moves no rate by more than the rounding.
    let built_in = scenarios::jurong_2023();
    for (a, b) in built_in.segments.iter().zip(&table.segments) {
        for (ra, rb) in a.risk.iter().zip(&b.risk) {
            assert!(
                (rb.rate / ra.rate - 1.0).abs() < 1e-3,
                "{} {}: built-in {} re-derived {}",
                a.id,
                ra.threat,
                ra.rate,
                rb.rate
            );
        }
    }
}

#[test]
fn named_profile_attributes_round_trip_and_are_checked() {
    let p: Profile =
        serde_json::from_str(r#"{"women": 0.5, "rural": 0.2, "source": "x"}"#).unwrap();
    assert_eq!(p.get("rural"), Some(0.2));
    let back: Profile = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
    assert_eq!(back, p);
    let mut sc = town(&[[1e-3; 3]; 3]);
    sc.segments[0].profile = Some(Profile::default().with("rural", 1.5));
    let e = sc.compile().unwrap_err().to_string();
    assert!(e.contains("profile.rural"), "{e}");
}
