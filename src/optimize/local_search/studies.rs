//! Ignored studies of local search on Jurong's calendar: where the gap lies, branching on
//! the fixed costs, a profiling run, opening a placement and a message together. Each prints
//! what it finds and asserts what must hold (e.g. no plan above the bound).

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
