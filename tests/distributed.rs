//! The distributed module in one process: 1 and 2 worker threads give exactly the
//! one-process results (seed selection and Monte Carlo quantiles).

#![cfg(feature = "distributed")]

use std::sync::Arc;

use fanzha::diffusion::{Model, Opim, Probability, chung_lu, city_network, city_segments};
use fanzha::distributed::{Runtime, monte_carlo, select_seeds};
use fanzha::{Greedy, Strategy, scenarios};

#[test]
fn seeds_on_one_and_two_threads_equal_the_one_process_selection() {
    let g = Arc::new(chung_lu(3_000, 15_000, 2.5, Probability::WeightedCascade, 4).unwrap());
    for (opim, what) in [
        (Opim::new(8).epsilon(0.2).seed(3), "ic"),
        (
            Opim::new(4)
                .epsilon(0.3)
                .seed(5)
                .model(Model::LinearThreshold),
            "lt",
        ),
    ] {
        let one = opim.run(&g).unwrap();
        assert!(one.rr_sets > 0 && one.rounds >= 1, "{what}: sampled");
        for threads in [1, 2] {
            let got = select_seeds(&Runtime::threads(threads), Arc::clone(&g), &opim).unwrap();
            assert_eq!(got.as_ref(), Some(&one), "{what}: {threads} threads");
        }
    }
}

#[test]
fn targeted_seeds_among_candidates_equal_the_one_process_selection() {
    let problem = scenarios::jurong_2023().compile().unwrap();
    let city = city_network(&city_segments(&problem), &Default::default(), 2).unwrap();
    let weights = fanzha::diffusion::segment_weights(&problem);
    let opim = Opim::new(6)
        .epsilon(0.2)
        .seed(9)
        .weights(&weights)
        .candidates(&city.grid_workers);
    let one = opim.run(&city.graph).unwrap();
    let graph = Arc::new(city.graph.clone());
    let two = select_seeds(&Runtime::threads(2), graph, &opim).unwrap();
    assert_eq!(two, Some(one));
}

#[test]
fn knapsack_seeds_equal_the_one_process_selection() {
    let problem = scenarios::jurong_2023().compile().unwrap();
    let city = city_network(&city_segments(&problem), &Default::default(), 3).unwrap();
    let weights = fanzha::diffusion::segment_weights(&problem);
    let workers = &city.grid_workers;
    // Staff hours per grid worker, varied so that cost-benefit order matters.
    let costs: Vec<f64> = (0..workers.len())
        .map(|i| 0.2 + 0.05 * (i % 7) as f64)
        .collect();
    let opim = Opim::knapsack(&costs, 3.0)
        .epsilon(0.1)
        .seed(4)
        .weights(&weights)
        .candidates(workers);
    let one = opim.run(&city.graph).unwrap();
    assert!(one.seeds.len() > 1 && one.cost <= 3.0 && one.rr_sets > 0);
    let graph = Arc::new(city.graph.clone());
    for threads in [1, 2] {
        let got = select_seeds(&Runtime::threads(threads), Arc::clone(&graph), &opim).unwrap();
        assert_eq!(got.as_ref(), Some(&one), "{threads} threads");
    }
    // Uniform costs: ties in cost-benefit order break by candidate position, as in one process.
    let flat = vec![1.0; workers.len()];
    let opim = Opim::knapsack(&flat, 4.0).seed(1).candidates(workers);
    let one = opim.run(&city.graph).unwrap();
    let two = select_seeds(&Runtime::threads(2), graph, &opim).unwrap();
    assert_eq!(two, Some(one));
}

#[test]
fn monte_carlo_on_two_threads_equals_the_one_process_summary() {
    let (problem, uncertainty) = scenarios::jurong_2023().compile_uncertain().unwrap();
    let plan = Greedy::default().plan(&problem).unwrap();
    let u = uncertainty.with_draws(101, 7);
    let one = fanzha::uncertainty::monte_carlo(&problem, &u, &plan).unwrap();
    assert!(one.prevented_loss.p5 < one.prevented_loss.p95);
    let (problem, u, plan) = (Arc::new(problem), Arc::new(u), Arc::new(plan));
    for threads in [1, 2] {
        let got = monte_carlo(
            &Runtime::threads(threads),
            Arc::clone(&problem),
            Arc::clone(&u),
            Arc::clone(&plan),
        )
        .unwrap();
        assert_eq!(got.as_ref(), Some(&one), "{threads} threads");
    }
}

#[test]
fn timely_arguments_are_parsed_by_timely() {
    let args = |a: &[&str]| {
        a.iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .into_iter()
    };
    assert_eq!(Runtime::from_args(args(&["-w", "3"])).unwrap().workers(), 3);
    assert!(Runtime::from_args(args(&["-w", "x"])).is_err());
    // Two processes without a hostfile: timely's default localhost ports.
    let rt = Runtime::from_args(args(&["-n", "2", "-p", "1"])).unwrap();
    assert_eq!(rt.process(), 1);
    assert!(Runtime::from_args(args(&["-n", "2", "-h", "/no/such/hostfile"])).is_err());
}
