//! From a seed set's spread to a scenario placement the planner can use.

/// In a module named after the file, so `cargo test diffusion` selects these tests.
mod diffusion_placement {

    use fanzha::diffusion::{
        CityOptions, ForwardingSpec, Model, MonteCarlo, Opim, audience_per_unit, city_network,
        city_segments, forwarding_placement, monte_carlo, segment_weights,
    };
    use fanzha::model::Channel;

    #[test]
    fn derived_forwarding_placement_compiles_into_the_scenario() {
        let mut scenario = fanzha::scenarios::jurong_2023();
        let problem = scenario.compile().unwrap();
        let city = city_network(&city_segments(&problem), &CityOptions::default(), 4).unwrap();
        let g = &city.graph;
        assert_eq!(g.segment_count(), problem.segment_count());
        // Nodes follow the populations at one node per 20 residents.
        for (s, size) in g.segment_sizes().into_iter().enumerate() {
            let expected = problem.parameters().population[s] / 20.0;
            assert!(
                (size as f64 - expected).abs() <= 1.0,
                "segment {s}: {size} vs {expected}"
            );
        }
        let weights = segment_weights(&problem);
        assert!(weights.iter().all(|&w| w > 0.0));
        let sel = Opim::new(4)
            .epsilon(0.2)
            .seed(1)
            .weights(&weights)
            .candidates(&city.grid_workers)
            .run(g)
            .unwrap();
        let spread = monte_carlo(
            g,
            &sel.seeds,
            &MonteCarlo::new(Model::IndependentCascade, 300),
        )
        .unwrap();
        let reached: Vec<f64> = spread.segments.iter().map(|e| e.mean).collect();
        let per_unit = audience_per_unit(&reached, &g.segment_sizes()).unwrap();
        assert!(per_unit.iter().all(|&u| (0.0..=1.0).contains(&u)));
        assert!(per_unit.iter().any(|&u| u > 0.0));

        let spec = ForwardingSpec {
            id: "wechat.grid_forwarding".into(),
            unit_cost: 0.0,
            capacity: 365,
            staff_hours: 2.0,
            formats: vec!["short_video".into()],
            source: "derived: test".into(),
        };
        let placement = forwarding_placement(&problem, &per_unit, &spec).unwrap();
        scenario.channels.push(Channel {
            id: "wechat_grid".into(),
            name: "Grid WeChat groups".into(),
            depth: 0.3,
            owner: None,
            source: Some("assumption: test".into()),
            placements: vec![placement],
        });
        let problem = scenario.compile().unwrap();
        let k = problem
            .placements()
            .iter()
            .position(|p| p.id == "wechat.grid_forwarding")
            .expect("the derived placement is in the compiled problem");
        let audience: Vec<_> = problem
            .audience(fanzha::core::PlacementId::new(k))
            .map(|(s, g)| (s.index(), g))
            .collect();
        for &(s, g) in &audience {
            assert!(
                (g - per_unit[s]).abs() < 1e-12,
                "segment {s}: {g} vs {}",
                per_unit[s]
            );
        }
        assert_eq!(
            audience.len(),
            per_unit.iter().filter(|&&u| u > 0.0).count()
        );
        // Mismatched lengths are errors.
        assert!(forwarding_placement(&problem, &per_unit[..1], &spec).is_err());
        assert!(audience_per_unit(&[1.0], &[1, 2]).is_err());
        assert!(audience_per_unit(&[-1.0], &[1]).is_err());
    }

    /// `per_unit` is exposures per person per round: more than 1 is legitimate (several
    /// forwarded copies), but NaN, negative or infinite values are errors, not silently dropped
    /// (NaN, negatives) or passed on (infinity).
    #[test]
    fn forwarding_placement_checks_per_unit() {
        let problem = fanzha::scenarios::jurong_2023().compile().unwrap();
        let spec = ForwardingSpec {
            id: "wechat.grid_forwarding".into(),
            unit_cost: 0.0,
            capacity: 365,
            staff_hours: 2.0,
            formats: vec!["image".into()],
            source: "derived: test".into(),
        };
        let segments = problem.segment_count();
        for bad in [f64::NAN, -0.1, f64::INFINITY, f64::NEG_INFINITY] {
            let mut per_unit = vec![0.1; segments];
            per_unit[segments - 1] = bad;
            match forwarding_placement(&problem, &per_unit, &spec) {
                Err(fanzha::diffusion::DiffusionError::InvalidArgument { name, message }) => {
                    assert_eq!(name, "per_unit");
                    assert!(
                        message.contains(&problem.segments()[segments - 1].id),
                        "{message}"
                    );
                }
                other => panic!("per_unit {bad}: expected an error, got {other:?}"),
            }
        }
        let mut per_unit = vec![0.0; segments];
        per_unit[0] = 2.5;
        let p = forwarding_placement(&problem, &per_unit, &spec).unwrap();
        assert_eq!(p.audience.len(), 1);
        assert_eq!(p.audience[0].per_unit, 2.5);
    }
}
