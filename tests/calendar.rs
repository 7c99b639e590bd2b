//! Calendar campaigns: the unrolled problem's value against the DESIGN formula computed
//! independently, the one-week identity, limits, bound, steady against pulsed spending, weeks
//! independent without memory, and the errors of bad input.

use fanzha::calendar::{Calendar, FloorsEvery};
use fanzha::core::{ArmId, WeekId};
use fanzha::generate::{self, Config};
use fanzha::{Error, Plan, Problem, Scenario, evaluate, optimize, scenarios, strategy};
use proptest::prelude::*;

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

/// `V = sum_t N_s p_sf,t L_sf r_sf(S_sf,t)` straight from DESIGN.md: per-channel stocks
/// `S_c,t = lambda_c S_c,t-1 + E_c,t`, weekly rates `p s(w) / sum_w' s(w')`, weeks `1..T+W`.
/// `units(a, t)` are the units of yearly arm `a` in campaign week `t`.
fn design_value(yearly: &Problem, cal: &Calendar, units: &dyn Fn(usize, usize) -> u64) -> f64 {
    let n_c = yearly.cells().len();
    let n_ch = yearly.channels().len();
    let n_f = yearly.threat_count();
    // A past campaign's remembered exposures are the stock before week 1.
    let mut stock = cal.carry_in.clone();
    let mut value = 0.0;
    for u in 0..cal.weeks + cal.tail() {
        for (i, s) in stock.iter_mut().enumerate() {
            *s *= cal.retention[i % n_ch];
        }
        if u < cal.weeks {
            for a in 0..yearly.arms().len() {
                let x = units(a, u) as f64;
                let k = yearly.arms()[a].placement;
                let ch = yearly.placements()[k.index()].channel.index();
                for (c, coef) in yearly.absorbed(ArmId::new(a)) {
                    stock[c.index() * n_ch + ch] += x * coef;
                }
            }
        }
        let week = (cal.start_week - 1 + u) % 52;
        for c in 0..n_c {
            let cell = &yearly.cells()[c];
            let s: f64 = stock[c * n_ch..(c + 1) * n_ch].iter().sum();
            let season = &cal.season[c * 52..(c + 1) * 52];
            let rate = cell.rate * season[week] / season.iter().sum::<f64>();
            let n = yearly.population(fanzha::core::SegmentId::new(c / n_f));
            value += n * rate * cell.loss * cell.ceiling * (1.0 - (-s / cell.scale).exp());
        }
    }
    value
}

/// The plan of `weekly` with `units(a, t)` units of yearly arm `a` in week `t`.
fn plan_of(weekly: &Problem, units: &dyn Fn(usize, usize) -> u64) -> Plan {
    let w = weekly
        .structure()
        .weeks
        .as_ref()
        .expect("a calendar problem");
    let mut plan = Plan::empty(weekly);
    for a in 0..w.yearly_arms {
        for t in 0..w.weeks {
            plan.set(w.arm(ArmId::new(a), WeekId::new(t)), units(a, t));
        }
    }
    plan
}

fn jurong_calendar(weeks: usize, start: usize) -> (Problem, Calendar) {
    let yearly = scenarios::jurong_2023().compile().unwrap();
    let mut cal = Calendar::new(&yearly, weeks, start, 0.6).unwrap();
    for (c, l) in cal.retention.iter_mut().enumerate() {
        *l = [0.0, 0.3, 0.6, 0.85][c % 4];
    }
    // Seasons on some cells and weeks, some wrapping past week 52.
    for (i, f) in cal.season.iter_mut().enumerate() {
        *f = 1.0 + ((i * 7919) % 13) as f64 / 4.0;
    }
    (yearly, cal)
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / a.abs().max(b.abs()).max(1e-300)
}

#[test]
fn value_equals_the_design_formula() {
    for (weeks, start) in [(6, 50), (13, 1), (1, 30)] {
        let (yearly, cal) = jurong_calendar(weeks, start);
        let weekly = cal.unroll(&yearly).unwrap();
        let units = |a: usize, t: usize| ((a * 7 + t * 3) % 5) as u64 * u64::from(a % 3 == 0);
        let plan = plan_of(&weekly, &units);
        let got = evaluate(&weekly, &plan).unwrap().prevented_loss;
        let want = design_value(&yearly, &cal, &units);
        assert!(want > 0.0);
        assert!(
            rel(got, want) < 1e-9,
            "{weeks} weeks from {start}: evaluate {got}, formula {want}"
        );
    }
}

/// With a carry-in, the calendar problem's value is what the plan prevents beyond what the
/// remembered exposures alone prevent: the formula with the plan minus the formula without.
#[test]
fn carry_in_value_is_the_formula_beyond_the_carry_in_alone() {
    let (yearly, mut cal) = jurong_calendar(8, 45);
    for (i, s0) in cal.carry_in.iter_mut().enumerate() {
        *s0 = if i % 7 == 0 {
            (i % 5) as f64 * 0.8
        } else {
            0.0
        };
    }
    let weekly = cal.unroll(&yearly).unwrap();
    let units = |a: usize, t: usize| ((a + 2 * t) % 4) as u64 * u64::from(a % 2 == 0);
    let got = evaluate(&weekly, &plan_of(&weekly, &units))
        .unwrap()
        .prevented_loss;
    let want = design_value(&yearly, &cal, &units) - design_value(&yearly, &cal, &|_, _| 0);
    assert!(want > 0.0);
    assert!(rel(got, want) < 1e-9, "evaluate {got}, formula {want}");
}

#[test]
fn one_week_without_memory_or_seasons_is_a_52nd_of_the_year() {
    let yearly = scenarios::jurong_2023().compile().unwrap();
    let plan = strategy("greedy").unwrap().plan(&yearly).unwrap();
    let cal = Calendar::new(&yearly, 1, 17, 0.0).unwrap();
    assert_eq!(cal.tail(), 0);
    let weekly = cal.unroll(&yearly).unwrap();
    let week_plan = plan_of(&weekly, &|a, _| plan.units()[a]);
    let year = evaluate(&yearly, &plan).unwrap().prevented_loss;
    let week = evaluate(&weekly, &week_plan).unwrap().prevented_loss;
    assert!(year > 0.0);
    assert!(rel(week, year / 52.0) < 1e-12, "{week} vs {}", year / 52.0);
}

#[test]
fn reunroll_matches_a_fresh_unroll() {
    let (yearly, cal) = jurong_calendar(5, 48);
    let weekly = cal.unroll(&yearly).unwrap();
    let mut params = yearly.parameters().clone();
    for cell in &mut params.cells {
        cell.ceiling *= 0.8;
    }
    let drawn = yearly.with_parameters(params).unwrap();
    let again = cal.reunroll(&drawn, &weekly).unwrap();
    assert_eq!(again.parameters(), cal.unroll(&drawn).unwrap().parameters());
    assert!(std::ptr::eq(again.structure(), weekly.structure()));
    let other = Calendar::new(&yearly, 4, 48, 0.5).unwrap();
    assert!(matches!(
        other.reunroll(&drawn, &weekly),
        Err(Error::Mismatch { .. })
    ));
}

#[test]
fn calendar_plans_round_trip_with_their_weeks() {
    let (yearly, cal) = jurong_calendar(3, 1);
    let weekly = cal.unroll(&yearly).unwrap();
    let plan = plan_of(&weekly, &|a, t| u64::from(a % 5 == t));
    let allocations = plan.allocations(&weekly).unwrap();
    assert!(allocations.iter().all(|al| matches!(al.week, Some(1..=3))));
    assert_eq!(Plan::from_allocations(&weekly, &allocations).unwrap(), plan);
    let mut late = allocations.clone();
    late[0].week = Some(4);
    let err = Plan::from_allocations(&weekly, &late)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("week") && err.contains("past the campaign's 3 weeks"),
        "{err}"
    );
    let mut missing = allocations;
    missing[0].week = None;
    let err = Plan::from_allocations(&weekly, &missing)
        .unwrap_err()
        .to_string();
    assert!(err.contains("week") && err.contains("missing"), "{err}");
}

/// The Jurong scenario with its calendar section changed by `change`.
fn jurong_with(change: impl FnOnce(&mut serde_json::Value)) -> Result<Option<Calendar>, Error> {
    let mut v: serde_json::Value =
        serde_json::from_str(&scenarios::jurong_2023().to_json()).unwrap();
    change(&mut v["calendar"]);
    let sc = Scenario::from_json(&v.to_string())?;
    sc.compile_calendar(&sc.compile()?)
}

/// A change to the calendar section of a scenario.
type Change = Box<dyn FnOnce(&mut serde_json::Value)>;

#[test]
fn bad_calendar_input_gives_one_clear_error() {
    let cases: Vec<(Change, &str)> = vec![
        (Box::new(|c| c["retention"] = 1.0.into()), "retention"),
        (
            Box::new(|c| c["channel_retention"][0]["weekly"] = (-0.1).into()),
            "channel_retention[0].weekly",
        ),
        (Box::new(|c| c["weeks"] = 53.into()), "weeks"),
        (Box::new(|c| c["weeks"] = 0.into()), "weeks"),
        (
            Box::new(|c| c["season"][1]["weeks"][0] = 60.into()),
            "season[1].weeks[0]",
        ),
        (
            Box::new(|c| c["channel_retention"][0]["channel"] = "nope".into()),
            "channel_retention[0].channel",
        ),
    ];
    let mut cases = cases;
    cases.push((
        Box::new(|c| c["carry_in"] = serde_json::json!([{"channel": "nope", "exposure": 1.0}])),
        "carry_in[0].channel",
    ));
    cases.push((
        Box::new(|c| c["carry_in"] = serde_json::json!([{"channel": "tv", "exposure": -1.0}])),
        "carry_in[0].exposure",
    ));
    for (change, field) in cases {
        let err = jurong_with(change).unwrap_err().to_string();
        assert!(err.contains(&format!("`{field}`")), "{field}: {err}");
    }
    assert!(jurong_with(|_| {}).unwrap().is_some());
    let cal = jurong_with(|c| {
        c["carry_in"] = serde_json::json!([{"channel": "tv", "group": "elderly", "exposure": 2.0}])
    })
    .unwrap()
    .unwrap();
    assert!(cal.carry_in.iter().filter(|&&v| v == 2.0).count() > 0);
}

#[test]
fn the_builtin_calendar_compiles_with_its_sources() {
    let sc = scenarios::jurong_2023();
    let yearly = sc.compile().unwrap();
    let cal = sc.compile_calendar(&yearly).unwrap().unwrap();
    assert_eq!((cal.weeks, cal.start_week), (52, 1));
    assert_eq!(cal.floors_every, FloorsEvery::None);
    assert_eq!(cal.tail(), 21);
    // A full year keeps the yearly totals: the weekly shares of every cell sum to 1.
    for c in 0..yearly.cells().len() {
        let total: f64 = (1..=52).map(|w| cal.weekly_share(c, w)).sum();
        assert!((total - 1.0).abs() < 1e-12);
    }
    let section = sc.calendar.as_ref().unwrap();
    assert!(section.channel_retention.iter().all(|r| r.source.is_some()));
    assert!(section.season.iter().all(|s| s.source.is_some()));
}

/// A small generated problem and a calendar on it.
fn small_calendar(seed: u64, weeks: usize, retention: f64, seasons: bool) -> (Problem, Calendar) {
    let config = Config {
        floors: false,
        ..Config::tiny()
    };
    let yearly = generate::scenario(&config, seed).compile().unwrap();
    let mut cal = Calendar::new(&yearly, weeks, 1 + (seed as usize * 11) % 52, retention).unwrap();
    if seasons {
        for (i, f) in cal.season.iter_mut().enumerate() {
            *f = 0.5 + ((i as u64 * 31 + seed) % 7) as f64 / 2.0;
        }
    }
    cal.staff_hours_per_week = yearly.staff_hours().map(|h| h / weeks as f64);
    cal.money_per_week = yearly.money().map(|m| m / 2.0);
    (yearly, cal)
}

/// Every per-week and horizon limit of `weekly`, recomputed from the plan's allocations.
fn assert_within_limits(yearly: &Problem, cal: &Calendar, weekly: &Problem, plan: &Plan) {
    plan.check(weekly).unwrap();
    let mut hours = vec![0.0; cal.weeks];
    let mut money = vec![0.0; cal.weeks];
    let mut units = vec![vec![0u64; cal.weeks]; yearly.placements().len()];
    let w = weekly.structure().weeks.as_ref().unwrap();
    for (a, &x) in plan.units().iter().enumerate() {
        let t = w.arm_week(ArmId::new(a)).index();
        let k = weekly.arms()[a].placement;
        let pl = weekly.placement(k);
        hours[t] += pl.staff_hours * x as f64;
        money[t] += pl.unit_cost * x as f64;
        units[k.index()][t] += x;
    }
    let tol = 1e-9;
    for t in 0..cal.weeks {
        if let Some(h) = cal.staff_hours_per_week {
            assert!(
                hours[t] <= h * (1.0 + tol) + tol,
                "week {t} hours {}",
                hours[t]
            );
        }
        if let Some(m) = cal.money_per_week {
            assert!(
                money[t] <= m * (1.0 + tol) + tol,
                "week {t} money {}",
                money[t]
            );
        }
        for (k, per) in units.iter().enumerate() {
            assert!(per[t] <= cal.capacity_per_week[k]);
        }
    }
    let usage = plan.usage(weekly).unwrap();
    if let Some(m) = yearly.money() {
        assert!(usage.money() <= m * (1.0 + tol) + tol);
    }
    for (k, per) in units.iter().enumerate() {
        assert!(
            per.iter().sum::<u64>() <= yearly.placement(fanzha::core::PlacementId::new(k)).capacity
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(12), .. ProptestConfig::default() })]

    #[test]
    fn plans_respect_every_limit_and_stay_under_the_bound(
        seed in 1u64..500, weeks in 1usize..5, retention in 0.0f64..0.9, seasons: bool,
    ) {
        let (yearly, cal) = small_calendar(seed, weeks, retention, seasons);
        let weekly = cal.unroll(&yearly).unwrap();
        let plan = strategy("greedy+ls").unwrap().plan(&weekly).unwrap();
        assert_within_limits(&yearly, &cal, &weekly, &plan);
        let value = evaluate(&weekly, &plan).unwrap().prevented_loss;
        let bound = optimize::bound(&weekly).unwrap().value;
        prop_assert!(value <= bound * (1.0 + 1e-9) + 1e-9, "value {value} > bound {bound}");
    }

    /// Without memory a week's value depends on its own units only: the plan's value is the
    /// sum of the values of its weeks alone.
    #[test]
    fn without_memory_weeks_are_independent(seed in 1u64..500, weeks in 2usize..6) {
        let (yearly, cal) = small_calendar(seed, weeks, 0.0, true);
        let weekly = cal.unroll(&yearly).unwrap();
        let units = |a: usize, t: usize| ((a * 3 + t * 5 + seed as usize) % 4) as u64;
        let all = evaluate(&weekly, &plan_of(&weekly, &units)).unwrap().prevented_loss;
        let sum: f64 = (0..weeks)
            .map(|only| {
                let plan = plan_of(&weekly, &|a, t| if t == only { units(a, t) } else { 0 });
                evaluate(&weekly, &plan).unwrap().prevented_loss
            })
            .sum();
        prop_assert!(rel(all, sum) < 1e-9, "{all} vs {sum}");
    }

    /// With no seasons the value is concave in the units and the same in every week, so
    /// spreading units evenly (steady) is never worse than pulsing them: without memory
    /// against every pulse, with memory against the mean of a pulse's cyclic shifts (whose
    /// average is the steady plan).
    #[test]
    fn steady_spending_is_never_beaten_by_pulsing(
        seed in 1u64..500, weeks in 2usize..7, retention in prop_oneof![Just(0.0), 0.0f64..0.9],
        pulse in 0u64..64,
    ) {
        let (yearly, cal) = small_calendar(seed, weeks, retention, false);
        // Each arm's units: `weeks` per arm in total, pulsed by the bits of `pulse`.
        let on = |a: usize, t: usize| (pulse >> ((a + t) % 6)) & 1 == 1;
        let on_weeks = |a: usize| (0..weeks).filter(|&t| on(a, t)).count() as u64;
        let pulsed = |shift: usize| {
            move |a: usize, t: usize| {
                let t = (t + shift) % weeks;
                let n = on_weeks(a);
                if n > 0 && on(a, t) { weeks as u64 / n } else { 0 }
            }
        };
        // The steady plan spreads each arm's pulsed total evenly.
        let total = |a: usize| (0..weeks).map(|t| pulsed(0)(a, t)).sum::<u64>() as f64;
        let value = |u: &dyn Fn(usize, usize) -> f64| design_value_f(&yearly, &cal, u);
        let steady = value(&|a, _| total(a) / weeks as f64);
        let mean_shift: f64 = (0..weeks)
            .map(|s| value(&|a, t| pulsed(s)(a, t) as f64))
            .sum::<f64>()
            / weeks as f64;
        prop_assert!(steady >= mean_shift * (1.0 - 1e-12), "steady {steady} < pulsed {mean_shift}");
        if retention == 0.0 || cal.tail() == 0 {
            let once = value(&|a, t| pulsed(0)(a, t) as f64);
            prop_assert!(steady >= once * (1.0 - 1e-12));
        }
    }
}

/// [`design_value`] with fractional units (the steady plan may split units).
fn design_value_f(yearly: &Problem, cal: &Calendar, units: &dyn Fn(usize, usize) -> f64) -> f64 {
    let n_c = yearly.cells().len();
    let n_ch = yearly.channels().len();
    let n_f = yearly.threat_count();
    let mut stock = vec![0.0; n_c * n_ch];
    let mut value = 0.0;
    for u in 0..cal.weeks + cal.tail() {
        for (i, s) in stock.iter_mut().enumerate() {
            *s *= cal.retention[i % n_ch];
        }
        if u < cal.weeks {
            for a in 0..yearly.arms().len() {
                let x = units(a, u);
                let ch = yearly.placements()[yearly.arms()[a].placement.index()]
                    .channel
                    .index();
                for (c, coef) in yearly.absorbed(ArmId::new(a)) {
                    stock[c.index() * n_ch + ch] += x * coef;
                }
            }
        }
        for c in 0..n_c {
            let cell = &yearly.cells()[c];
            let s: f64 = stock[c * n_ch..(c + 1) * n_ch].iter().sum();
            let n = yearly.population(fanzha::core::SegmentId::new(c / n_f));
            value +=
                n * cell.rate / 52.0 * cell.loss * cell.ceiling * (1.0 - (-s / cell.scale).exp());
        }
    }
    value
}

/// A tiny generated problem with floors, each lowered to 1e-4 so that calendars can meet
/// them; `None` for a seed whose problem has no floors.
fn tiny_with_low_floors(seed: u64) -> Option<Problem> {
    let config = Config {
        floors: true,
        ..Config::tiny()
    };
    let yearly = generate::scenario(&config, seed).compile().unwrap();
    if yearly.floors().is_empty() {
        return None;
    }
    let mut params = yearly.parameters().clone();
    for f in &mut params.floors {
        *f = 1e-4;
    }
    Some(yearly.with_parameters(params).unwrap())
}

/// Quarterly floors are rows on each 13-week block's mean remembered exposure: the floor
/// cell of each block holds exactly that mean (recomputed here from the stocks), and a
/// planned calendar meets every block's floor.
#[test]
fn quarterly_floors_hold_on_each_blocks_mean_stock() {
    let mut checked = 0;
    for seed in 1..40 {
        let Some(yearly) = tiny_with_low_floors(seed) else {
            continue;
        };
        let mut cal = Calendar::new(&yearly, 20, 5, 0.6).unwrap();
        cal.floors_every = FloorsEvery::Quarter;
        let weekly = cal.unroll(&yearly).unwrap();
        assert_eq!(weekly.floors().len(), 2 * yearly.floors().len());
        let Ok(plan) = strategy("greedy").unwrap().plan(&weekly) else {
            continue;
        };
        plan.check(&weekly).unwrap();
        let w = weekly.structure().weeks.clone().unwrap();
        let e = plan.absorbed(&weekly).unwrap();
        for (j, fl) in yearly.floors().iter().enumerate() {
            for (b, &(first, end)) in w.blocks.iter().enumerate() {
                // The mean over the block's weeks of the week cells' stocks.
                let n = yearly.cells().len();
                let mean: f64 = (first..end)
                    .map(|u| e[u * n + fl.cell.index()])
                    .sum::<f64>()
                    / (end - first) as f64;
                let row = &weekly.floors()[j * w.blocks.len() + b];
                assert!(rel(e[row.cell.index()], mean) < 1e-9);
                assert!(mean >= weekly.floor_exposure(j * w.blocks.len() + b) * (1.0 - 1e-6));
            }
        }
        checked += 1;
    }
    assert!(checked > 0, "no generated instance had a floor");
}

/// `exact` proves optimality on tiny calendar problems: at least the greedy, at most the bound.
#[test]
fn exact_runs_on_tiny_calendars() {
    for seed in 1..6 {
        let (yearly, cal) = small_calendar(seed, 2, 0.5, true);
        let weekly = cal.unroll(&yearly).unwrap();
        let Ok(exact) = strategy("exact").unwrap().plan(&weekly) else {
            continue;
        };
        let greedy = strategy("greedy").unwrap().plan(&weekly).unwrap();
        let v = |p: &Plan| evaluate(&weekly, p).unwrap().prevented_loss;
        let bound = optimize::bound(&weekly).unwrap().value;
        assert!(v(&exact) >= v(&greedy) * (1.0 - 1e-9));
        assert!(v(&exact) <= bound * (1.0 + 1e-9));
    }
}

/// A floor the carry-in alone already meets is dropped, not kept at a token level: its
/// cell's remaining ceiling may be 0, where any positive floor is unreachable and planning
/// would fail with a shortfall. Floors the carry-in does not meet stay.
#[test]
fn floors_met_by_the_carry_in_are_dropped() {
    let mut checked = 0;
    for seed in 1..40 {
        let Some(yearly) = tiny_with_low_floors(seed) else {
            continue;
        };
        let mut cal = Calendar::new(&yearly, 13, 5, 0.6).unwrap();
        cal.floors_every = FloorsEvery::Quarter;
        // A huge past campaign on the first floor's cell: its ceiling is used up.
        let c = yearly.floors()[0].cell.index();
        let n_ch = yearly.channels().len();
        let scale = yearly.cells()[c].scale;
        for ch in 0..n_ch {
            cal.carry_in[c * n_ch + ch] = 1e3 * scale;
        }
        let weekly = cal.unroll(&yearly).unwrap();
        let blocks = weekly.structure().weeks.as_ref().unwrap().blocks.len();
        assert_eq!(blocks, 1);
        assert_eq!(weekly.floors().len(), yearly.floors().len() - 1);
        assert!(
            weekly
                .floors()
                .iter()
                .all(|fl| fl.threat != yearly.floors()[0].threat
                    || fl.segment.index() % yearly.segment_count()
                        != yearly.floors()[0].segment.index())
        );
        assert!(optimize::bound(&weekly).is_ok());
        let r = strategy("greedy").unwrap().plan(&weekly);
        if let Ok(plan) = r {
            plan.check(&weekly).unwrap();
            // Re-unrolling the same numbers keeps the same floors.
            assert!(cal.reunroll(&yearly, &weekly).is_ok());
            checked += 1;
        }
    }
    assert!(checked > 0, "no generated instance had a floor and a plan");
}

/// A deserialised calendar problem whose `weeks` layout does not fit (start week 0, no
/// weeks, a retention missing or out of range, arms or segments of another layout) is one
/// clear error naming `weeks`, not a panic later.
#[test]
fn a_bad_weeks_layout_is_refused_on_the_way_in() {
    let (yearly, cal) = jurong_calendar(4, 10);
    let weekly = cal.unroll(&yearly).unwrap();
    let json: serde_json::Value = serde_json::to_value(&weekly).unwrap();
    assert!(serde_json::from_value::<Problem>(json.clone()).is_ok());
    type Change = Box<dyn Fn(&mut serde_json::Value)>;
    let changes: Vec<Change> = vec![
        Box::new(|w| w["start_week"] = 0.into()),
        Box::new(|w| w["start_week"] = 53.into()),
        Box::new(|w| w["weeks"] = 0.into()),
        Box::new(|w| w["weeks"] = 5.into()),
        Box::new(|w| w["tail"] = 1000.into()),
        Box::new(|w| w["retention"] = serde_json::json!([0.5])),
        Box::new(|w| w["retention"][0] = 1.5.into()),
        Box::new(|w| w["yearly_segments"] = 1.into()),
        Box::new(|w| w["blocks"] = serde_json::json!([[2, 2]])),
    ];
    for (i, change) in changes.iter().enumerate() {
        let mut bad = json.clone();
        change(&mut bad["structure"]["weeks"]);
        let result = std::panic::catch_unwind(|| serde_json::from_value::<Problem>(bad));
        let Err(err) = result.unwrap_or_else(|_| panic!("change {i} panicked")) else {
            panic!("change {i} accepted");
        };
        assert!(err.to_string().contains("weeks"), "change {i}: {err}");
    }
}
