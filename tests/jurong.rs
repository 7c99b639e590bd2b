//! The built-in Jurong 2023 scenario: calibration to the seed report, and the targeting claim.

use fanzha::core::{SegmentId, ThreatId};
use fanzha::prelude::*;

fn problem() -> Problem {
    scenarios::jurong_2023()
        .compile()
        .expect("built-in compiles")
}

/// Annualised totals of the seed: 965 cases and 77.987 million yuan in 206 days.
const CASES_PER_YEAR: f64 = 965.0 * 365.0 / 206.0;
const LOSS_PER_YEAR: f64 = 77.987e6 * 365.0 / 206.0;

fn threat(p: &Problem, id: &str) -> usize {
    p.threats()
        .iter()
        .position(|t| t.id == id)
        .unwrap_or_else(|| panic!("threat {id} missing"))
}

/// Yearly cases at risk of segment `s` and threat `f`.
fn cases(p: &Problem, s: usize, f: usize) -> f64 {
    p.cases_at(p.structure().cell(SegmentId::new(s), ThreatId::new(f)))
}

/// Share of the threat's cases that fall on people with an attribute (women, under 35).
fn share(p: &Problem, f: usize, attr: impl Fn(&fanzha::problem::SegmentInfo) -> f64) -> f64 {
    let mut hit = 0.0;
    let mut all = 0.0;
    for (s, seg) in p.segments().iter().enumerate() {
        let cases = cases(p, s, f);
        hit += cases * attr(seg);
        all += cases;
    }
    hit / all
}

#[test]
fn population_matches_the_2020_census() {
    let total: f64 = problem().parameters().population.iter().sum();
    assert_eq!(total, 639_266.0);
}

#[test]
fn cases_and_loss_at_risk_match_the_seed_within_two_percent() {
    let p = problem();
    let cases = p.cases_at_risk();
    let loss = p.loss_at_risk();
    assert!(
        (cases / CASES_PER_YEAR - 1.0).abs() < 0.02,
        "cases {cases} vs {CASES_PER_YEAR}"
    );
    assert!(
        (loss / LOSS_PER_YEAR - 1.0).abs() < 0.02,
        "loss {loss} vs {LOSS_PER_YEAR}"
    );
}

#[test]
fn victim_shares_match_the_seed_within_two_percent() {
    let p = problem();
    let women = |s: &fanzha::problem::SegmentInfo| s.women.expect("profile.women on every segment");
    let under_35 =
        |s: &fanzha::problem::SegmentInfo| s.under_35.expect("profile.under_35 on every segment");
    let pig = share(&p, threat(&p, "pig_butchering"), women);
    let brushing = share(&p, threat(&p, "order_brushing"), under_35);
    let loan_men = 1.0 - share(&p, threat(&p, "loan_credit"), women);
    assert!((pig - 0.615).abs() < 0.02, "pig-butchering women {pig}");
    assert!(
        (brushing - 0.75).abs() < 0.02,
        "order-brushing under 35 {brushing}"
    );
    assert!((loan_men - 0.75).abs() < 0.02, "loan men {loan_men}");
}

#[test]
fn the_three_named_towns_have_higher_rates_than_the_rest() {
    let p = problem();
    let rate = |region: &str| {
        let r = p
            .regions()
            .iter()
            .position(|x| x == region)
            .unwrap_or_else(|| panic!("region {region} missing"));
        let (mut cases, mut pop) = (0.0, 0.0);
        for (s, seg) in p.segments().iter().enumerate() {
            if seg.region.index() == r {
                pop += p.population(SegmentId::new(s));
                cases += (0..p.threat_count())
                    .map(|f| self::cases(&p, s, f))
                    .sum::<f64>();
            }
        }
        cases / pop
    };
    let rest = rate("rest");
    for town in ["huayang", "huangmei", "baohua"] {
        assert!(rate(town) > rest, "{town}: {} vs rest {rest}", rate(town));
    }
}

#[test]
fn every_number_has_a_source() {
    // Every object carrying numbers says where they come from (FACTS.md or an assumption).
    let s = scenarios::jurong_2023();
    for seg in &s.segments {
        assert!(seg.source.is_some(), "segment {}", seg.id);
        assert!(
            seg.risk.iter().all(|r| r.source.is_some()),
            "risk of {}",
            seg.id
        );
    }
    for ch in &s.channels {
        assert!(ch.source.is_some(), "channel {}", ch.id);
        for p in &ch.placements {
            assert!(p.source.is_some(), "placement {}", p.id);
            assert!(
                p.audience.iter().all(|a| a.source.is_some()),
                "audience of {}",
                p.id
            );
        }
    }
    assert!(s.messages.iter().all(|m| m.source.is_some()));
    assert!(s.response.source.is_some());
    assert!(s.resources.source.is_some());
    assert!(s.departments.iter().all(|d| d.source.is_some()));
    assert!(s.floors.iter().all(|f| f.source.is_some()));
}

#[test]
fn greedy_prevents_at_least_one_and_a_half_times_the_blanket_loss() {
    let p = problem();
    let greedy = Greedy::default().plan(&p).unwrap();
    let blanket = Blanket.plan(&p).unwrap();
    greedy.check(&p).unwrap();
    blanket.check(&p).unwrap();
    let g = evaluate(&p, &greedy).unwrap();
    let b = evaluate(&p, &blanket).unwrap();
    // Same budget: the blanket plan spends it too.
    assert!(
        b.spend > 0.95 * p.money().unwrap(),
        "blanket spends {}",
        b.spend
    );
    assert!(
        g.prevented_loss >= 1.5 * b.prevented_loss,
        "greedy {} vs blanket {}",
        g.prevented_loss,
        b.prevented_loss
    );
}

#[test]
fn greedy_beats_blanket_across_budgets() {
    let mut p = problem();
    for budget in [100_000.0, 250_000.0, 450_000.0, 1_000_000.0] {
        p.set_money(Some(budget)).unwrap();
        let g = evaluate(&p, &Greedy::default().plan(&p).unwrap()).unwrap();
        let b = evaluate(&p, &Blanket.plan(&p).unwrap()).unwrap();
        assert!(
            g.prevented_loss > b.prevented_loss,
            "budget {budget}: greedy {} blanket {}",
            g.prevented_loss,
            b.prevented_loss
        );
    }
}
