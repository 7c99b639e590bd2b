//! Ignored studies of local search on Jurong's calendar: where the gap lies, branching on
//! the fixed costs, a profiling run, opening a placement and a message together, how the open
//! pass ranks and makes room for unused items. Each prints what it finds and asserts what
//! must hold (e.g. no plan above the bound).

// Test-only (declared `#[cfg(test)] mod studies;`); the attribute, redundant for the compiler,
// tells `tests/architecture.rs` that what follows is test code.
#[cfg(test)]
use crate::problem::Problem;

/// Jurong's built-in calendar over `weeks` weeks, unrolled.
fn jurong_calendar(weeks: usize) -> Problem {
    let scenario = crate::scenarios::jurong_2023();
    let yearly = scenario.compile().unwrap();
    let cal = scenario.compile_calendar(&yearly).unwrap().unwrap();
    cal.with_weeks(weeks).unwrap().unroll(&yearly).unwrap()
}

/// The weeks of the environment variable `WEEKS` (comma-separated), or `default`.
fn weeks_from_env(default: &[usize]) -> Vec<usize> {
    std::env::var("WEEKS")
        .ok()
        .map(|s| s.split(',').map(|w| w.parse().unwrap()).collect())
        .unwrap_or_else(|| default.to_vec())
}

/// The greedy on calendar `problem` (from its empty state `empty`) with every arm blocked whose
/// yearly arm's placement or message `yearly_plan` (of `yearly`) leaves closed, under both
/// weightings, then unblocked and refilled; with the number of arms blocked.
fn yearly_seeded<'p>(
    empty: &crate::optimize::state::State<'p>,
    yearly: &Problem,
    yearly_plan: &crate::Plan,
) -> (crate::optimize::state::State<'p>, usize) {
    use crate::optimize::Greedy;
    let problem = empty.problem;
    let w = problem.structure().weeks.clone().unwrap();
    let (y, ya) = (yearly_plan.units(), yearly.arms());
    let kopen: Vec<bool> = (0..yearly.placements().len())
        .map(|k| (0..ya.len()).any(|a| ya[a].placement.index() == k && y[a] > 0))
        .collect();
    let mopen: Vec<bool> = (0..yearly.messages().len())
        .map(|m| (0..ya.len()).any(|a| ya[a].message.index() == m && y[a] > 0))
        .collect();
    let mut s = empty.emptied();
    for a in 0..problem.arms().len() {
        let ya = &ya[w.yearly_arm(crate::core::ArmId::new(a)).index()];
        s.blocked[a] = !kopen[ya.placement.index()] || !mopen[ya.message.index()];
    }
    let blocked = s.blocked.iter().filter(|&&b| b).count();
    let mask = s.all_limited();
    s.set_mask(&mask);
    Greedy::default().maximise(&mut s);
    let mask = s.binding(0.98);
    s.set_mask(&mask);
    Greedy::default().maximise(&mut s);
    s.blocked.iter_mut().for_each(|b| *b = false);
    Greedy::default().maximise(&mut s);
    (s, blocked)
}

mod diag {
    use crate::optimize::relaxation::{Charge, Relaxation, Relaxed};
    use crate::optimize::state::State;
    use crate::optimize::{Greedy, GreedyLocalSearch, Strategy};

    /// Where the calendar plan's gap lies, at 12 and 52 weeks of Jurong (a study, about a
    /// minute in release): the root relaxation against the relaxation restricted to the
    /// plan's open placements and messages.
    /// `cargo test --release --lib local_search::studies::diag -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn calendar_gap() {
        for weeks in super::weeks_from_env(&[12, 52]) {
            let problem = super::jurong_calendar(weeks);
            let g = Greedy::default().plan(&problem).unwrap();
            let vg = State::with_units(&problem, g.units()).value();
            eprintln!("{weeks}w greedy {vg:.1}");
            let plan = GreedyLocalSearch::default().plan(&problem).unwrap();
            let st = State::with_units(&problem, plan.units());
            let v = st.value();
            eprintln!("{weeks}w ls {v:.1}");
            let relax = Relaxation::new(&problem);
            let start: Vec<f64> = g.units().iter().map(|&u| u as f64).collect();
            let Relaxed::Solved(root) = relax.solve_from(&relax.root(), Some(&start)) else {
                panic!()
            };
            eprintln!("{weeks}w root {:.1}", root.value);
            let mut r = relax.root();
            for (k, charge) in r.placement.iter_mut().enumerate() {
                *charge = if st.placement_units[k] > 0 {
                    Charge::Paid
                } else {
                    Charge::Closed
                };
            }
            for (m, charge) in r.message.iter_mut().enumerate() {
                *charge = if st.message_used[m] {
                    Charge::Paid
                } else {
                    Charge::Closed
                };
            }
            let start: Vec<f64> = plan.units().iter().map(|&u| u as f64).collect();
            let Relaxed::Solved(fixed) = relax.solve_from(&r, Some(&start)) else {
                panic!()
            };
            assert!(v <= root.value * (1.0 + 1e-4) && v <= fixed.value * (1.0 + 1e-4));
            // The open set the branching's best node at 52 weeks pays in full besides the
            // plan's: douyin.young_gig and messages 0 and 21.
            if let Some(k) = problem
                .placements()
                .iter()
                .position(|x| x.id == "douyin.young_gig")
            {
                let mut wider = r.clone();
                wider.placement[k] = Charge::Paid;
                for m in [0, 21] {
                    wider.message[m] = Charge::Paid;
                }
                if let Relaxed::Solved(w) = relax.solve_from(&wider, Some(&start)) {
                    println!(
                        "{weeks}w: open set + douyin.young_gig, messages 0, 21: {:.1} (gap {:.3}%)",
                        w.value,
                        100.0 * (1.0 - v / w.value)
                    );
                }
            }
            let share = |s: &[f64]| s.iter().filter(|&&x| x > 0.01 && x < 0.99).count();
            println!(
                "{weeks}w: greedy {vg:.1} ({:.3}%) ls {v:.1} root {:.1} (gap {:.3}%) \
                 open-set {:.1} (gap {:.3}%) | open placements {} messages {} | root fractional \
                 placements {} messages {}",
                100.0 * (1.0 - vg / root.value),
                root.value,
                100.0 * (1.0 - v / root.value),
                fixed.value,
                100.0 * (1.0 - v / fixed.value),
                st.placement_units.iter().filter(|&&u| u > 0).count(),
                st.message_used.iter().filter(|&&b| b).count(),
                share(&root.placement_share),
                share(&root.message_share),
            );
        }
    }
}

mod diag_branch {
    use crate::optimize::relaxation::{Charge, Relaxation, Relaxed, Restriction};
    use crate::optimize::{GreedyLocalSearch, Strategy};

    /// Branching on the fixed costs the calendar root relaxation pays in part (best bound
    /// first, Frank-Wolfe certificates from the plan): how much of the root gap is the
    /// relaxation's spreading of fixed costs.
    /// `cargo test --release --lib local_search::studies::diag_branch -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn calendar_fixed_cost_branching() {
        let nodes: usize = std::env::var("NODES")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(30);
        for weeks in super::weeks_from_env(&[12]) {
            let problem = super::jurong_calendar(weeks);
            let plan = GreedyLocalSearch::default().plan(&problem).unwrap();
            let v = crate::evaluate(&problem, &plan).unwrap().prevented_loss;
            let start: Vec<f64> = plan.units().iter().map(|&u| u as f64).collect();
            let relax = Relaxation::new(&problem);
            let solve = |r: &Restriction| match relax.solve_from(r, Some(&start)) {
                Relaxed::Solved(p) => Some(p),
                Relaxed::Infeasible => None,
            };
            // Open nodes: (bound, restriction, point shares).
            let mut open: Vec<(f64, Restriction, Vec<f64>, Vec<f64>)> = Vec::new();
            let root = relax.root();
            let p0 = solve(&root).unwrap();
            println!(
                "{weeks}w plan {v:.1} root {:.1} gap {:.3}%",
                p0.value,
                100.0 * (1.0 - v / p0.value)
            );
            open.push((p0.value, root, p0.placement_share, p0.message_share));
            let mut done = 0;
            while done < nodes {
                open.sort_by(|a, b| b.0.total_cmp(&a.0));
                let (bound, r, ps, ms) = open.remove(0);
                // Most fractional free item.
                let frac = |x: f64| 0.5 - (x - 0.5).abs();
                let pick = ps
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| r.placement[*k] == Charge::Free)
                    .map(|(k, &x)| (frac(x), true, k))
                    .chain(
                        ms.iter()
                            .enumerate()
                            .filter(|(m, _)| r.message[*m] == Charge::Free)
                            .map(|(m, &x)| (frac(x), false, m)),
                    )
                    .max_by(|a, b| a.0.total_cmp(&b.0));
                let Some((f, is_p, i)) = pick.filter(|p| p.0 > 1e-3) else {
                    println!("  node bound {bound:.1} has no fractional fixed cost");
                    let st = crate::optimize::state::State::with_units(&problem, plan.units());
                    for (k, &x) in ps.iter().enumerate() {
                        let open = st.placement_units[k] > 0;
                        if open != (x > 0.5) {
                            let id = &problem.placements()[k].id;
                            println!(
                                "  placement {id}: plan {open} node share {x:.3} ({:?})",
                                r.placement[k]
                            );
                        }
                    }
                    for (m, &x) in ms.iter().enumerate() {
                        let open = st.message_used[m];
                        if open != (x > 0.5) {
                            println!(
                                "  message {m}: plan {open} node share {x:.3} ({:?})",
                                r.message[m]
                            );
                        }
                    }
                    open.push((bound, r, ps, ms));
                    break;
                };
                let _ = f;
                for charge in [Charge::Paid, Charge::Closed] {
                    let mut child = r.clone();
                    if is_p {
                        child.placement[i] = charge;
                    } else {
                        child.message[i] = charge;
                    }
                    done += 1;
                    if let Some(p) = solve(&child) {
                        let b = p.value.min(bound);
                        open.push((b, child, p.placement_share, p.message_share));
                    }
                }
                let best = open.iter().map(|n| n.0).fold(f64::MIN, f64::max);
                // Every plan lies in one open node: the largest bound stays above the plan's value.
                assert!(best >= v * (1.0 - 1e-9), "branching cut below the plan");
                println!(
                    "  after {done} solves: bound {best:.1} gap {:.3}% ({} open)",
                    100.0 * (1.0 - v / best),
                    open.len()
                );
            }
        }
    }
}

mod diag_run {
    use crate::optimize::{Greedy, Improve, LocalSearch, Strategy};

    /// Runs the local search on Jurong's calendar (`WEEKS`, default 52) for profiling:
    /// `WEEKS=52 cargo test --release --lib local_search::studies::diag_run -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn calendar_local_search() {
        let weeks = super::weeks_from_env(&[52])[0];
        let problem = super::jurong_calendar(weeks);
        let g = Greedy::default().plan(&problem).unwrap();
        let t0 = std::time::Instant::now();
        let plan = LocalSearch::default().improve(&problem, &g).unwrap();
        let v = crate::evaluate(&problem, &plan).unwrap().prevented_loss;
        assert!(v >= crate::evaluate(&problem, &g).unwrap().prevented_loss);
        println!(
            "{weeks}w ls {v:.1} in {:?} ({} arms)",
            t0.elapsed(),
            problem.arms().len()
        );
    }
}

mod diag_pair {
    use super::super::Search;
    use crate::optimize::state::State;
    use crate::optimize::{Greedy, GreedyLocalSearch, Improve, LocalSearch, Strategy};

    /// Whether opening douyin.young_gig with brushing.comic together (the pair the 52-week
    /// branching pays in full) improves the 52-week plan: shrink, one unit of the pair's best
    /// week, greedy refill, local search.
    /// `cargo test --release --lib local_search::studies::diag_pair -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn calendar_pair_open() {
        let problem = super::jurong_calendar(52);
        let plan = GreedyLocalSearch::default().plan(&problem).unwrap();
        let base = State::with_units(&problem, plan.units());
        let v = base.value();
        let k = problem
            .placements()
            .iter()
            .position(|x| x.id == "douyin.young_gig")
            .unwrap();
        let m = problem
            .messages()
            .iter()
            .position(|x| x.id == "brushing.comic")
            .unwrap();
        let arms: Vec<usize> = (0..problem.arms().len())
            .filter(|&a| {
                problem.arms()[a].placement.index() == k && problem.arms()[a].message.index() == m
            })
            .collect();
        let mut best = v;
        for theta in [0.05, 0.15, 0.4] {
            let mut trial = base.clone();
            assert!(Search::shrink(&mut trial, theta));
            let Some(&b) = arms
                .iter()
                .filter(|&&b| trial.max_units(b) > 0)
                .max_by(|&&x, &&y| trial.gain(x, 1).total_cmp(&trial.gain(y, 1)))
            else {
                continue;
            };
            trial.add(b, 1);
            Greedy::default().maximise(&mut trial);
            let refilled = trial.value();
            let improved = LocalSearch::default()
                .improve(&problem, &trial.to_plan())
                .unwrap();
            let w = State::with_units(&problem, improved.units()).value();
            assert!(w >= refilled * (1.0 - 1e-12));
            best = best.max(w);
            println!("theta {theta}: plan {v:.1} pair refilled {refilled:.1} then ls {w:.1}");
        }
        assert!(best >= v);
    }
}

mod diag_open {
    use super::super::Search;
    use super::super::moves::{arms_of, best_unit_return};
    use crate::optimize::state::State;
    use crate::optimize::{GreedyLocalSearch, LocalSearch, Strategy};

    /// Why the open pass misses a pair: at `WEEKS` (default 52) weeks, the open pass's ranking
    /// of the final plan's unused items, the arm each would open, and what opening each
    /// unused (placement, message) pair on its best arm then refilling gives.
    /// `cargo test --release --lib local_search::studies::diag_open -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn calendar_open_ranking() {
        let weeks = super::weeks_from_env(&[52])[0];
        let problem = super::jurong_calendar(weeks);
        let plan = GreedyLocalSearch::default().plan(&problem).unwrap();
        let search = Search::new(
            State::with_units(&problem, plan.units()),
            &LocalSearch::default(),
        );
        let s = &search.state;
        let v = s.value();
        let p = &problem;
        let name = |a: usize| {
            let arm = &p.arms()[a];
            format!(
                "{}/{}/w{}",
                p.placements()[arm.placement.index()].id,
                p.messages()[arm.message.index()].id,
                a % weeks
            )
        };
        println!("{weeks}w plan {v:.1}");
        let mut items = Vec::new();
        for k in 0..p.placements().len() {
            if s.placement_units[k] == 0 {
                let r = best_unit_return(s, &arms_of(s, true, k), false);
                items.push((r, format!("placement {}", p.placements()[k].id)));
            }
        }
        for m in 0..p.messages().len() {
            if !s.message_used[m] {
                let r = best_unit_return(s, &arms_of(s, false, m), false);
                items.push((r, format!("message {}", p.messages()[m].id)));
            }
        }
        items.sort_by(|x, y| {
            let rx = x.0.map_or(f64::MIN, |r| r.0);
            let ry = y.0.map_or(f64::MIN, |r| r.0);
            ry.total_cmp(&rx)
        });
        for (i, (r, what)) in items.iter().enumerate() {
            match r {
                Some((r, b)) => {
                    let c = s.step_cost(*b);
                    println!(
                        "  {i:2} {what}: return {r:.4e} on {} (fixed {:.4e}, per unit {:.4e}, max {})",
                        name(*b),
                        c.fixed,
                        c.per_unit,
                        s.max_units(*b)
                    );
                }
                None => println!("  {i:2} {what}: no arm gains"),
            }
        }
        // Each item's best arm opened, repaired and grown.
        for (r, what) in items.iter().take(16) {
            let Some((_, b)) = r else { continue };
            let t0 = std::time::Instant::now();
            match search.open_and_grow(*b) {
                None => println!("  grow {what} on {}: no repair", name(*b)),
                Some(trial) => {
                    let w = trial.value();
                    let on: u64 = arms_of(&trial, true, p.arms()[*b].placement.index())
                        .iter()
                        .filter(|&&a| p.arms()[a].message == p.arms()[*b].message)
                        .map(|&a| trial.units[a])
                        .sum();
                    println!(
                        "  grow {what} on {}: {w:.1} ({:+.3}%), {on} units on its pair, {:?}",
                        name(*b),
                        100.0 * (w / v - 1.0),
                        t0.elapsed()
                    );
                }
            }
        }
        if std::env::var("PAIRS").is_err() {
            return;
        }
        // Every unused pair: the refill after opening its best (per unit) arm.
        let mut pairs = Vec::new();
        for k in (0..p.placements().len()).filter(|&k| s.placement_units[k] == 0) {
            for m in (0..p.messages().len()).filter(|&m| !s.message_used[m]) {
                let arms: Vec<usize> = arms_of(s, true, k)
                    .into_iter()
                    .filter(|&a| p.arms()[a].message.index() == m)
                    .collect();
                if arms.is_empty() {
                    continue;
                }
                let mut best = f64::MIN;
                for theta in [0.05, 0.15, 0.4] {
                    let mut trial = s.clone();
                    if !Search::shrink(&mut trial, theta) {
                        continue;
                    }
                    let Some((_, b)) = best_unit_return(&trial, &arms, true) else {
                        continue;
                    };
                    trial.add(b, 1);
                    search.refill.maximise(&mut trial);
                    let units_on: u64 = arms.iter().map(|&a| trial.units[a]).sum();
                    let w = trial.value();
                    println!(
                        "  pair {}+{} theta {theta}: refilled {w:.1} ({:+.3}%), {units_on} units on the pair",
                        p.placements()[k].id,
                        p.messages()[m].id,
                        100.0 * (w / v - 1.0)
                    );
                    best = best.max(w);
                }
                pairs.push((best, k, m));
            }
        }
        pairs.sort_by(|x, y| y.0.total_cmp(&x.0));
        for (w, k, m) in pairs.iter().take(10) {
            println!(
                "best pair {}+{}: {w:.1} ({:+.3}%)",
                p.placements()[*k].id,
                p.messages()[*m].id,
                100.0 * (w / v - 1.0)
            );
        }
        assert!(v > 0.0);
    }
}

mod diag_seed {
    use super::super::LocalSearch;
    use crate::optimize::state::State;
    use crate::optimize::{Improve, Strategy};

    /// Whether the yearly plan's open placements and messages seed a better calendar greedy:
    /// the greedy with every calendar arm blocked whose yearly arm's placement or message the
    /// yearly plan leaves closed, then local search.
    /// `WEEKS=12,52 cargo test --release --lib local_search::studies::diag_seed -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn calendar_yearly_seed() {
        let yearly = crate::scenarios::jurong_2023().compile().unwrap();
        let yplan = crate::optimize::Reallocate::default()
            .plan(&yearly)
            .unwrap();
        for weeks in super::weeks_from_env(&[12, 52]) {
            let problem = super::jurong_calendar(weeks);
            let t0 = std::time::Instant::now();
            let (s, blocked) = super::yearly_seeded(&State::new(&problem), &yearly, &yplan);
            let g = s.to_plan();
            let opened = (0..problem.arms().len())
                .filter(|&a| s.units[a] > 0)
                .count();
            println!("{blocked} calendar arms blocked, {opened} used");
            let tg = t0.elapsed();
            let vg = crate::evaluate(&problem, &g).unwrap().prevented_loss;
            let t1 = std::time::Instant::now();
            let ls = LocalSearch::default().improve(&problem, &g).unwrap();
            let vl = crate::evaluate(&problem, &ls).unwrap().prevented_loss;
            println!(
                "{weeks}w seeded greedy {vg:.1} in {tg:?}; + ls {vl:.1} in {:?}",
                t1.elapsed()
            );
        }
    }
}

mod flow {
    use super::super::{LocalSearch, Search};
    use crate::optimize::state::State;
    use crate::optimize::{Greedy, Strategy};

    /// Replays a flow of local-search passes on Jurong's calendar and prints the time and
    /// value after each: `FLOW` is space-separated tokens, `f` fill, `c` close, `l` ruin and
    /// recreate, `o` open, `oK:G:T1/T2` open over `K` candidates making room for `G` with
    /// shrinks `T1`, `T2`, `t` transfer, `R` the default run, `*xyz` rounds of `x y z` until
    /// a round gains less than 1e-5. `START=seeded` starts from the yearly-seeded greedy.
    /// `WEEKS=12,52 FLOW='f *clot' cargo test --release --lib local_search::studies::flow -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn calendar_flow() {
        let flow = std::env::var("FLOW").unwrap_or_else(|_| "R".into());
        let seeded = std::env::var("START").is_ok_and(|s| s == "seeded");
        let yearly = crate::scenarios::jurong_2023().compile().unwrap();
        for weeks in super::weeks_from_env(&[12, 52]) {
            let problem = super::jurong_calendar(weeks);
            let t0 = std::time::Instant::now();
            let empty = State::new(&problem);
            let g = Greedy::default().plan_from(&empty).unwrap();
            let mut start = empty.emptied().refilled(g.units());
            println!("{weeks}w greedy {:.1} at {:?}", start.value(), t0.elapsed());
            if seeded {
                let yplan = crate::optimize::Reallocate::default()
                    .plan(&yearly)
                    .unwrap();
                let (s, _) = super::yearly_seeded(&empty, &yearly, &yplan);
                println!("{weeks}w seeded {:.1} at {:?}", s.value(), t0.elapsed());
                if s.value() > start.value() {
                    start = s;
                }
            }
            let settings = LocalSearch::default();
            let mut search = Search::new(start, &settings);
            let step = |search: &mut Search<'_>, tok: &str| match tok {
                "f" => {
                    let mut filled = search.state.clone();
                    search.refill.maximise(&mut filled);
                    search.consider(filled);
                }
                "c" => {
                    search.close_pass();
                }
                "l" => {
                    search.lns_pass();
                }
                "o" => {
                    search.open_pass();
                }
                "t" => {
                    search.transfer_pass();
                }
                "R" => search.run(settings.max_rounds, settings.tolerance),
                o if o.starts_with('o') => {
                    let parts: Vec<&str> = o[1..].split(':').collect();
                    let thetas: Vec<f64> = parts[2]
                        .split('/')
                        .filter(|x| !x.is_empty())
                        .map(|x| x.parse().unwrap())
                        .collect();
                    search.open_pass_with(
                        parts[0].parse().unwrap(),
                        &thetas,
                        parts[1].parse().unwrap(),
                    );
                }
                other => panic!("unknown token {other}"),
            };
            for tok in flow.split_whitespace() {
                if let Some(seq) = tok.strip_prefix('*') {
                    let seq: Vec<String> = if seq.contains(',') {
                        seq.split(',').map(String::from).collect()
                    } else {
                        seq.chars().map(String::from).collect()
                    };
                    for round in 0..50 {
                        let v0 = search.value;
                        for c in &seq {
                            let before = search.value;
                            let open0 = open_set(&search.state);
                            step(&mut search, c);
                            println!(
                                "  r{round} {c}: {:.1} (+{:.3}%) at {:?} {}",
                                search.value,
                                100.0 * (search.value / before - 1.0),
                                t0.elapsed(),
                                diff(&problem, &open0, &open_set(&search.state))
                            );
                        }
                        if search.value <= v0 * (1.0 + 1e-5) {
                            break;
                        }
                    }
                } else {
                    let before = search.value;
                    let open0 = open_set(&search.state);
                    step(&mut search, tok);
                    println!(
                        "  {tok}: {:.1} (+{:.3}%) at {:?} {}",
                        search.value,
                        100.0 * (search.value / before - 1.0),
                        t0.elapsed(),
                        diff(&problem, &open0, &open_set(&search.state))
                    );
                }
            }
            let v = search.state.value();
            assert!((v - search.value).abs() <= 1e-6 * v.abs());
            search.state.to_plan().check(&problem).unwrap();
            println!("{weeks}w final {v:.1} at {:?}", t0.elapsed());
        }
    }

    /// The open placements and used messages of `s`.
    fn open_set(s: &State<'_>) -> (Vec<bool>, Vec<bool>) {
        (
            s.placement_units.iter().map(|&u| u > 0).collect(),
            s.message_used.clone(),
        )
    }

    /// What changed between two open sets: `+name` opened, `-name` closed.
    fn diff(
        problem: &crate::problem::Problem,
        a: &(Vec<bool>, Vec<bool>),
        b: &(Vec<bool>, Vec<bool>),
    ) -> String {
        let mut out = Vec::new();
        for (k, (x, y)) in a.0.iter().zip(&b.0).enumerate() {
            if x != y {
                out.push(format!(
                    "{}{}",
                    if *y { '+' } else { '-' },
                    problem.placements()[k].id
                ));
            }
        }
        for (m, (x, y)) in a.1.iter().zip(&b.1).enumerate() {
            if x != y {
                out.push(format!("{}m{m}", if *y { '+' } else { '-' }));
            }
        }
        out.join(" ")
    }
}
