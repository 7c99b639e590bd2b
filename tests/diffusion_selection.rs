//! Seed selection: OPIM-C style RR sampling against CELF, targeting, costs, determinism.

/// In a module named after the file, so `cargo test diffusion` selects these tests.
mod diffusion_selection {

    use fanzha::diffusion::{
        Celf, DiffusionError, Edge, GREEDY_RATIO, KNAPSACK_RATIO, Model, MonteCarlo, Opim,
        Probability, SocialGraph, celf, chung_lu, monte_carlo,
    };

    fn pool(threads: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a rayon pool builds")
    }

    /// The selections as released, for a seed: pins refactorings of the sampler, the greedy
    /// and the bounds (any change in streams, order or arithmetic moves these).
    #[test]
    fn selections_are_as_released() {
        let g = chung_lu(2_000, 10_000, 2.5, Probability::WeightedCascade, 7).unwrap();
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs();
        let s = Opim::new(10).epsilon(0.2).seed(1).run(&g).unwrap();
        assert_eq!(s.seeds, [0, 4, 2, 9, 5, 15, 1, 13, 7, 6]);
        assert_eq!((s.rr_sets, s.rounds, s.capped), (2048, 3, false));
        assert!(close(s.spread, 669.921875), "{s:?}");
        assert!(close(s.spread_lower, 535.0206066680832), "{s:?}");
        assert!(close(s.optimum_upper, 1041.2954684644294), "{s:?}");
        assert!(close(s.certified_ratio, 0.5138028761971507), "{s:?}");
        let candidates: Vec<u32> = (0..2_000).step_by(3).collect();
        let costs: Vec<f64> = candidates.iter().map(|&v| 1.0 + (v % 7) as f64).collect();
        let s = Opim::knapsack(&costs, 12.0)
            .candidates(&candidates)
            .model(Model::LinearThreshold)
            .seed(4)
            .run(&g)
            .unwrap();
        assert_eq!(s.seeds, [0, 1848, 609, 399, 420, 1065, 3, 21]);
        assert_eq!((s.rr_sets, s.rounds, s.cost), (512, 1, 12.0));
        assert!(close(s.spread, 882.8125), "{s:?}");
        assert!(close(s.optimum_upper, 1392.512280758962), "{s:?}");
        assert!(close(s.certified_ratio, 0.4286063727446633), "{s:?}");
    }

    #[test]
    fn same_seed_same_answer_on_one_and_two_threads() {
        let g = chung_lu(5_000, 30_000, 2.5, Probability::WeightedCascade, 21)
            .unwrap()
            .with_segments((0..5_000).map(|v| v % 3).collect())
            .unwrap();
        let weights = [1.0, 0.2, 5.0];
        let candidates: Vec<u32> = (0..5_000).step_by(7).collect();
        let costs: Vec<f64> = candidates.iter().map(|&v| 1.0 + (v % 5) as f64).collect();
        let runs: Vec<(&str, Opim<'_>)> = vec![
            ("ic", Opim::new(10).epsilon(0.2).seed(5)),
            (
                "lt",
                Opim::new(10)
                    .epsilon(0.2)
                    .seed(5)
                    .model(Model::LinearThreshold),
            ),
            (
                "targeted",
                Opim::new(10).epsilon(0.2).seed(5).weights(&weights),
            ),
            (
                "knapsack",
                Opim::knapsack(&costs, 20.0)
                    .epsilon(0.2)
                    .seed(5)
                    .candidates(&candidates),
            ),
        ];
        for (name, opim) in runs {
            let a = pool(1).install(|| opim.run(&g).unwrap());
            let b = pool(2).install(|| opim.run(&g).unwrap());
            assert_eq!(a, b, "{name}");
            assert!(
                a.certified_ratio > 0.0 && a.certified_ratio <= 1.0,
                "{name}: {a:?}"
            );
            // The spread estimate and the optimum's upper bound come from independent
            // collections, so they are not ordered; the certificate is lower / upper.
            assert!(
                a.spread_lower <= a.spread
                    && (a.certified_ratio - a.spread_lower / a.optimum_upper).abs() < 1e-12,
                "{name}: {a:?}"
            );
            assert!(!a.capped, "{name}: {a:?}");
            assert!(
                a.certified_ratio >= a.target_ratio || a.rounds > 1,
                "{name}: stopped without reaching the target in the first round"
            );
        }
    }

    #[test]
    fn rr_seeds_reach_as_far_as_celf_seeds() {
        for (model, seed) in [(Model::IndependentCascade, 1), (Model::LinearThreshold, 2)] {
            let g = chung_lu(300, 1_200, 2.5, Probability::WeightedCascade, seed).unwrap();
            let k = 4;
            let celf_seeds = celf(
                &g,
                &Celf {
                    k,
                    model,
                    samples: 200,
                    seed: 3,
                    weights: None,
                    candidates: None,
                },
            )
            .unwrap()
            .seeds;
            let rr = Opim::new(k)
                .epsilon(0.05)
                .model(model)
                .seed(4)
                .run(&g)
                .unwrap();
            assert!(rr.certified_ratio >= GREEDY_RATIO - 0.05, "{rr:?}");
            // Judge both with fresh, larger Monte Carlo runs.
            let judge = MonteCarlo {
                seed: 99,
                ..MonteCarlo::new(model, 4_000)
            };
            let by_celf = monte_carlo(&g, &celf_seeds, &judge).unwrap().total;
            let by_rr = monte_carlo(&g, &rr.seeds, &judge).unwrap().total;
            assert!(
                by_rr.hi >= by_celf.lo,
                "{model:?}: RR seeds {by_rr:?} fall below CELF's interval {by_celf:?}"
            );
            // The RR estimate of the spread agrees with Monte Carlo.
            let width = by_rr.hi - by_rr.lo;
            assert!(
                (rr.spread - by_rr.mean).abs() < 3.0 * width + 0.05 * by_rr.mean,
                "{rr:?} {by_rr:?}"
            );
        }
    }

    /// Two stars: hub 0 reaches 40 people of segment 0 (worth nothing), hub 41 reaches 15 people of
    /// segment 1 (worth 1 each). Counting heads picks hub 0; valuing segments must pick hub 41.
    fn two_stars() -> SocialGraph {
        let mut edges = Vec::new();
        let mut segments = vec![0u32; 57];
        for leaf in 1..=40 {
            edges.push(Edge {
                source: 0,
                target: leaf,
                probability: 0.8,
            });
        }
        segments[41] = 1;
        for leaf in 42..57 {
            edges.push(Edge {
                source: 41,
                target: leaf,
                probability: 0.8,
            });
            segments[leaf as usize] = 1;
        }
        SocialGraph::from_edges(57, &edges, Probability::Given)
            .unwrap()
            .with_segments(segments)
            .unwrap()
    }

    #[test]
    fn targeting_reaches_more_weighted_value() {
        let g = two_stars();
        let weights = [0.0, 1.0];
        let plain = Opim::new(1).epsilon(0.1).seed(1).run(&g).unwrap();
        let targeted = Opim::new(1)
            .epsilon(0.1)
            .seed(1)
            .weights(&weights)
            .run(&g)
            .unwrap();
        assert_eq!(plain.seeds, vec![0]);
        assert_eq!(targeted.seeds, vec![41]);
        let judge = MonteCarlo {
            weights: Some(&weights),
            seed: 7,
            ..MonteCarlo::new(Model::IndependentCascade, 2_000)
        };
        let v_plain = monte_carlo(&g, &plain.seeds, &judge).unwrap().value;
        let v_targeted = monte_carlo(&g, &targeted.seeds, &judge).unwrap().value;
        assert!(v_targeted.lo > v_plain.hi, "{v_targeted:?} vs {v_plain:?}");
        // The targeted estimate is in value units: hub 41 reaches 1 + 15 x 0.8 = 13 people of worth 1.
        assert!((targeted.spread - 13.0).abs() < 1.0, "{targeted:?}");
        // Per segment: nothing can be said about weight-0 segment 0 (no roots there); segment 1
        // carries the whole (weight-1) spread.
        assert_eq!(targeted.segments[0], None);
        assert!((targeted.segments[1].unwrap() - targeted.spread).abs() < 1e-9);
        // Untargeted: per-segment counts add up to the spread; hub 0 reaches 1 + 40 x 0.8 = 33.
        let by_segment: Vec<f64> = plain.segments.iter().map(|s| s.unwrap()).collect();
        assert!((by_segment.iter().sum::<f64>() - plain.spread).abs() < 1e-9);
        assert!((by_segment[0] - 33.0).abs() < 3.0, "{plain:?}");
        // CELF with the same weights agrees.
        let c = celf(
            &g,
            &Celf {
                k: 1,
                model: Model::IndependentCascade,
                samples: 200,
                seed: 0,
                weights: Some(&weights),
                candidates: None,
            },
        )
        .unwrap();
        assert_eq!(c.seeds, vec![41]);
    }

    #[test]
    fn knapsack_respects_the_budget_and_keeps_the_best_single() {
        // Hub 0 (cost 10) reaches 61 nodes (6.1 per unit of cost); ten small stars (cost 0.5) reach
        // 4 each (8 per unit). Cost-benefit greedy takes the ten stars (40 nodes, cost 5), then
        // cannot afford the hub: the best-single safeguard must return the hub.
        let mut edges = Vec::new();
        for leaf in 1..=60 {
            edges.push(Edge {
                source: 0,
                target: leaf,
                probability: 1.0,
            });
        }
        let mut next = 61;
        let mut small = Vec::new();
        for _ in 0..10 {
            small.push(next);
            for j in 1..=3 {
                edges.push(Edge {
                    source: next,
                    target: next + j,
                    probability: 1.0,
                });
            }
            next += 4;
        }
        let g = SocialGraph::from_edges(next as usize, &edges, Probability::Given).unwrap();
        let mut candidates = vec![0u32];
        candidates.extend(&small);
        let mut costs = vec![10.0];
        costs.extend(std::iter::repeat_n(0.5, small.len()));
        let sel = Opim::knapsack(&costs, 10.0)
            .epsilon(0.1)
            .seed(2)
            .candidates(&candidates)
            .run(&g)
            .unwrap();
        assert_eq!(
            sel.seeds,
            vec![0],
            "the best single node beats cost-benefit greedy here"
        );
        assert!(sel.cost <= 10.0);
        assert!(sel.certified_ratio >= KNAPSACK_RATIO - 0.1, "{sel:?}");
        // With a budget of 5, the hub is unaffordable: ten small stars, cost 5.
        let sel = Opim::knapsack(&costs, 5.0)
            .epsilon(0.1)
            .seed(2)
            .candidates(&candidates)
            .run(&g)
            .unwrap();
        assert_eq!(sel.seeds.len(), 10);
        assert!(sel.seeds.iter().all(|s| small.contains(s)));
        assert_eq!(sel.cost, 5.0);
        // The RR estimate of the true spread 40 (p = 1): binomial, sd about 3 at 256 sets.
        assert!((sel.spread - 40.0).abs() < 10.0, "{sel:?}");
    }

    #[test]
    fn candidates_restrict_the_seeds() {
        let g = chung_lu(1_000, 5_000, 2.5, Probability::WeightedCascade, 8).unwrap();
        let candidates: Vec<u32> = (500..1_000).collect();
        let sel = Opim::new(5)
            .epsilon(0.2)
            .candidates(&candidates)
            .run(&g)
            .unwrap();
        assert_eq!(sel.seeds.len(), 5);
        assert!(sel.seeds.iter().all(|s| (500..1_000).contains(s)));
        // Asking for more seeds than candidates returns every candidate.
        let few = [3u32, 4];
        let sel = Opim::new(5).epsilon(0.2).candidates(&few).run(&g).unwrap();
        let mut seeds = sel.seeds.clone();
        seeds.sort_unstable();
        assert_eq!(seeds, vec![3, 4]);
    }

    /// Disjoint stars with p = 1: a star's hub reaches exactly its size, so OPT for k hubs is the
    /// sum of the k largest stars and every bound can be checked against the truth.
    #[test]
    fn certificate_brackets_the_known_optimum() {
        let sizes = [30u32, 25, 20, 12, 8, 5, 3, 2];
        let mut edges = Vec::new();
        let mut hubs = Vec::new();
        let mut next = 0u32;
        for &size in &sizes {
            hubs.push(next);
            for leaf in 1..size {
                edges.push(Edge {
                    source: next,
                    target: next + leaf,
                    probability: 1.0,
                });
            }
            next += size;
        }
        let g = SocialGraph::from_edges(next as usize, &edges, Probability::Given).unwrap();
        for k in [1usize, 3, 5] {
            let opt: u32 = sizes[..k].iter().sum();
            let sel = Opim::new(k).epsilon(0.05).seed(k as u64).run(&g).unwrap();
            let truth: u32 = sel
                .seeds
                .iter()
                .map(|s| hubs.iter().position(|h| h == s).map_or(1, |i| sizes[i]))
                .sum();
            assert!(sel.spread_lower <= truth as f64, "k={k}: {sel:?}");
            assert!(sel.optimum_upper >= opt as f64, "k={k}: {sel:?}");
            assert!(
                truth as f64 / opt as f64 >= sel.certified_ratio,
                "k={k}: true ratio {} below certified {}",
                truth as f64 / opt as f64,
                sel.certified_ratio
            );
            assert!(sel.certified_ratio >= GREEDY_RATIO - 0.05, "k={k}: {sel:?}");
        }
    }

    #[test]
    fn estimates_stay_within_the_population() {
        // Dense constant-probability graph: nearly everyone is reached, never more than n.
        let g = chung_lu(400, 8_000, 2.5, Probability::Constant(0.5), 6).unwrap();
        let sel = Opim::new(5).epsilon(0.1).run(&g).unwrap();
        assert!(sel.spread <= 400.0 && sel.spread > 300.0, "{sel:?}");
        assert!(sel.spread_lower <= sel.spread);
        let per_segment: f64 = sel.segments.iter().map(|s| s.unwrap()).sum();
        assert!(
            (per_segment - sel.spread).abs() < 1e-6 * sel.spread,
            "{sel:?}"
        );
        let g = chung_lu(400, 2_000, 2.5, Probability::WeightedCascade, 6).unwrap();
        let sel = Opim::new(5).model(Model::LinearThreshold).run(&g).unwrap();
        assert!(sel.spread <= 400.0, "{sel:?}");
    }

    /// No edges, segment 0 worth nothing, candidates only in segment 0: every feasible seed set
    /// reaches weight 0, so OPT = 0 and any set is optimal. Sampling must not run (it used to
    /// double to millions of RR sets looking for coverage that cannot exist).
    #[test]
    fn zero_optimum_is_certified_without_sampling() {
        let n = 2_000u32;
        let g = SocialGraph::from_edges(n as usize, &[], Probability::WeightedCascade)
            .unwrap()
            .with_segments((0..n).map(|v| v % 2).collect())
            .unwrap();
        let weights = [0.0, 1.0];
        let candidates: Vec<u32> = (0..n).step_by(2).collect();
        let sel = Opim::new(1)
            .weights(&weights)
            .candidates(&candidates)
            .run(&g)
            .unwrap();
        assert_eq!(sel.rr_sets, 0, "{sel:?}");
        assert_eq!(sel.rounds, 0);
        assert_eq!(sel.seeds, vec![0], "the first candidate, as greedy pads");
        assert_eq!(sel.certified_ratio, 1.0);
        assert_eq!(
            (sel.spread, sel.spread_lower, sel.optimum_upper),
            (0.0, 0.0, 0.0)
        );
        assert_eq!(sel.spread_ci, (0.0, 0.0));
        assert_eq!(sel.segments, vec![None, Some(0.0)]);
        // Knapsack: the empty set is optimal and costs nothing.
        let costs = vec![1.0; candidates.len()];
        let sel = Opim::knapsack(&costs, 3.0)
            .weights(&weights)
            .candidates(&candidates)
            .run(&g)
            .unwrap();
        assert_eq!((sel.rr_sets, sel.seeds.len(), sel.cost), (0, 0, 0.0));
        assert_eq!(sel.certified_ratio, 1.0);
        // Edges of probability 0 do not carry the alert either.
        let edges: Vec<Edge> = (0..n - 1)
            .map(|v| Edge {
                source: v,
                target: v + 1,
                probability: 0.0,
            })
            .collect();
        let g0 = SocialGraph::from_edges(n as usize, &edges, Probability::Given)
            .unwrap()
            .with_segments((0..n).map(|v| v % 2).collect())
            .unwrap();
        let sel = Opim::new(1)
            .weights(&weights)
            .candidates(&candidates)
            .run(&g0)
            .unwrap();
        assert_eq!((sel.rr_sets, sel.certified_ratio), (0, 1.0));
    }

    /// 10^5 nodes with self-loops and probability-0 edges: nobody activates anybody, so the
    /// spread of a seed set is its weight. Selection used to sample RR sets (every one its
    /// root alone) up to the cap: a 10^6-node version took tens of seconds and 2-3 GB.
    #[test]
    fn nobody_spreads_is_solved_exactly_without_sampling() {
        let n = 100_000u32;
        let mut edges: Vec<Edge> = (0..n)
            .map(|v| Edge {
                source: v,
                target: v,
                probability: 1.0,
            })
            .collect();
        edges.extend((0..n - 1).step_by(3).map(|v| Edge {
            source: v,
            target: v + 1,
            probability: 0.0,
        }));
        let g = SocialGraph::from_edges(n as usize, &edges, Probability::Given).unwrap();
        let cap = 1 << 16;
        for model in [Model::IndependentCascade, Model::LinearThreshold] {
            let sel = Opim::new(50).model(model).max_rr_sets(cap).run(&g).unwrap();
            assert_eq!(
                (sel.rr_sets, sel.rounds, sel.capped),
                (0, 0, false),
                "{sel:?}"
            );
            assert_eq!(sel.seeds, (0..50).collect::<Vec<u32>>(), "ties: the first");
            assert_eq!(
                (sel.spread, sel.spread_lower, sel.optimum_upper),
                (50.0, 50.0, 50.0)
            );
            assert_eq!((sel.spread_ci, sel.certified_ratio), ((50.0, 50.0), 1.0));
            assert_eq!(sel.segments, vec![Some(50.0)]);
        }
        // Targeted: the heaviest segment's nodes; people reached per segment.
        let gs = g.with_segments((0..n).map(|v| v % 4).collect()).unwrap();
        let weights = [0.0, 1.0, 3.0, 2.0];
        let sel = Opim::new(10)
            .weights(&weights)
            .max_rr_sets(cap)
            .run(&gs)
            .unwrap();
        assert_eq!(sel.rr_sets, 0);
        assert!(sel.seeds.iter().all(|&v| v % 4 == 2), "{:?}", sel.seeds);
        assert_eq!((sel.spread, sel.certified_ratio), (30.0, 1.0));
        assert_eq!(sel.segments, vec![None, Some(0.0), Some(10.0), Some(0.0)]);
        // Knapsack: within budget, certified against the fractional knapsack.
        let candidates: Vec<u32> = (0..40).collect();
        let costs: Vec<f64> = candidates.iter().map(|&v| 1.0 + (v % 3) as f64).collect();
        let sel = Opim::knapsack(&costs, 7.5)
            .weights(&weights)
            .candidates(&candidates)
            .max_rr_sets(cap)
            .run(&gs)
            .unwrap();
        assert_eq!(sel.rr_sets, 0);
        assert!(sel.cost <= 7.5, "{sel:?}");
        let weight: f64 = sel.seeds.iter().map(|&v| weights[v as usize % 4]).sum();
        assert_eq!(sel.spread, weight);
        assert!(
            sel.certified_ratio >= 0.5 && sel.spread <= sel.optimum_upper,
            "{sel:?}"
        );
        // One edge that can carry the alert, and RR sampling is back.
        edges.push(Edge {
            source: 0,
            target: 1,
            probability: 0.5,
        });
        let g1 = SocialGraph::from_edges(n as usize, &edges, Probability::Given).unwrap();
        let sel = Opim::new(50).max_rr_sets(256).run(&g1).unwrap();
        assert!(sel.rr_sets > 0 && sel.capped, "{sel:?}");
    }

    /// Candidates all worth 0 themselves, but one reaches a valuable node with probability 0.5:
    /// OPT = 0.5 > 0, so selection samples and certifies as usual.
    #[test]
    fn zero_weight_candidates_that_reach_value_are_still_selected() {
        let edges = [Edge {
            source: 0,
            target: 1,
            probability: 0.5,
        }];
        let g = SocialGraph::from_edges(4, &edges, Probability::Given)
            .unwrap()
            .with_segments(vec![0, 1, 0, 0])
            .unwrap();
        let weights = [0.0, 1.0];
        let sel = Opim::new(1)
            .epsilon(0.2)
            .seed(3)
            .weights(&weights)
            .candidates(&[2, 0, 3])
            .run(&g)
            .unwrap();
        assert_eq!(sel.seeds, vec![0]);
        assert!(sel.rr_sets > 0);
        assert!(sel.certified_ratio >= sel.target_ratio, "{sel:?}");
        assert!((sel.spread - 0.5).abs() < 0.1, "{sel:?}");
    }

    #[test]
    fn the_rr_set_cap_stops_sampling_and_is_reported() {
        let g = chung_lu(2_000, 10_000, 2.5, Probability::WeightedCascade, 3).unwrap();
        // A target out of reach of 512 sets: the cap (300, rounded up to whole chunks of 256)
        // stops sampling and says so.
        let sel = Opim::new(10)
            .epsilon(0.01)
            .seed(1)
            .max_rr_sets(300)
            .run(&g)
            .unwrap();
        assert_eq!(sel.rr_sets, 2 * 512, "{sel:?}");
        assert!(sel.certified_ratio < sel.target_ratio, "{sel:?}");
        assert!(sel.capped);
        // Reaching the target is not capping, and the default cap is far away here.
        let sel = Opim::new(10).epsilon(0.3).seed(1).run(&g).unwrap();
        assert!(
            sel.certified_ratio >= sel.target_ratio && !sel.capped,
            "{sel:?}"
        );
        // Caps are clamped to what u32 set ids can number, in whole chunks.
        let opim = format!("{:?}", Opim::new(1).max_rr_sets(usize::MAX));
        assert!(
            opim.contains(&format!("max_rr_sets: {}", u32::MAX - 255)),
            "{opim}"
        );
        assert_eq!(
            fanzha::diffusion::MAX_RR_SETS_LIMIT,
            u32::MAX as usize - 255
        );
        assert_eq!(fanzha::diffusion::DEFAULT_MAX_RR_SETS, 1 << 26);
    }

    /// The default delta is 1/n capped at 0.5: a one-node graph is a valid (if dull) input.
    #[test]
    fn one_node_graph_uses_a_valid_default_delta() {
        let g = SocialGraph::from_edges(1, &[], Probability::WeightedCascade).unwrap();
        let sel = Opim::new(1).run(&g).unwrap();
        assert_eq!(sel.seeds, vec![0]);
        assert_eq!(sel.spread, 1.0, "{sel:?}");
        assert!(sel.certified_ratio >= sel.target_ratio, "{sel:?}");
        // An explicit delta is still checked.
        assert!(Opim::new(1).delta(1.0).run(&g).is_err());
    }

    /// CELF checks its candidates as `Opim::run` does: a duplicate used to become a repeated
    /// seed, and `k` is capped by the candidates instead of sizing an allocation.
    #[test]
    fn celf_validates_candidates_and_k() {
        let g = chung_lu(100, 300, 2.5, Probability::WeightedCascade, 8).unwrap();
        let opts = |k, candidates| Celf {
            k,
            model: Model::IndependentCascade,
            samples: 20,
            seed: 0,
            weights: None,
            candidates,
        };
        for bad in [&[3u32, 3][..], &[100], &[]] {
            match celf(&g, &opts(2, Some(bad))) {
                Err(fanzha::diffusion::DiffusionError::InvalidArgument { name, .. }) => {
                    assert_eq!(name, "candidates", "{bad:?}")
                }
                other => panic!("candidates {bad:?}: expected an error, got {other:?}"),
            }
        }
        assert!(celf(&g, &opts(0, None)).is_err());
        let all = celf(&g, &opts(usize::MAX, Some(&[5, 9, 7]))).unwrap();
        let mut seeds = all.seeds.clone();
        seeds.sort_unstable();
        assert_eq!(seeds, vec![5, 7, 9]);
        assert_eq!(all.spread.len(), 3);
        let empty = SocialGraph::from_edges(0, &[], Probability::WeightedCascade).unwrap();
        assert!(celf(&empty, &opts(1, None)).is_err());
    }

    #[test]
    fn bad_arguments_are_errors() {
        let g = chung_lu(100, 300, 2.5, Probability::WeightedCascade, 8).unwrap();
        assert!(Opim::new(0).run(&g).is_err());
        assert!(Opim::new(3).epsilon(0.0).run(&g).is_err());
        assert!(Opim::new(3).delta(1.5).run(&g).is_err());
        assert!(Opim::new(3).candidates(&[1, 1]).run(&g).is_err());
        assert!(Opim::new(3).candidates(&[100]).run(&g).is_err());
        assert!(Opim::new(3).weights(&[-1.0]).run(&g).is_err());
        assert!(Opim::knapsack(&[1.0; 99], 3.0).run(&g).is_err());
        assert!(Opim::knapsack(&[5.0; 100], 3.0).run(&g).is_err());
        let dense = chung_lu(100, 900, 2.5, Probability::Constant(0.9), 8).unwrap();
        assert!(
            Opim::new(3)
                .model(Model::LinearThreshold)
                .run(&dense)
                .is_err()
        );
    }

    /// The target ratio `1 - 1/e - eps` (cardinality) or `(1 - 1/e)/2 - eps` (knapsack) must
    /// be positive: `epsilon 0.99` used to run and report a negative target.
    #[test]
    fn epsilon_must_leave_a_positive_target_ratio() {
        let g = chung_lu(100, 300, 2.5, Probability::WeightedCascade, 8).unwrap();
        let costs = [1.0; 100];
        let message = |o: Opim<'_>| match o.run(&g) {
            Err(
                e @ DiffusionError::InvalidArgument {
                    name: "epsilon", ..
                },
            ) => e.to_string(),
            other => panic!("expected an epsilon error, got {other:?}"),
        };
        let m = message(Opim::new(3).epsilon(0.99));
        assert!(m.contains("0.99") && m.contains("1 - 1/e"), "{m}");
        message(Opim::new(3).epsilon(GREEDY_RATIO));
        let m = message(Opim::knapsack(&costs, 3.0).epsilon(0.4));
        assert!(m.contains("(1 - 1/e)/2"), "{m}");
        message(Opim::knapsack(&costs, 3.0).epsilon(KNAPSACK_RATIO));
        // Just below the greedy ratios, the target is small but positive.
        let sel = Opim::new(3).epsilon(0.6).run(&g).unwrap();
        assert!(sel.target_ratio > 0.0, "{sel:?}");
        let sel = Opim::knapsack(&costs, 3.0).epsilon(0.3).run(&g).unwrap();
        assert!(sel.target_ratio > 0.0 && sel.cost <= 3.0, "{sel:?}");
    }
}
