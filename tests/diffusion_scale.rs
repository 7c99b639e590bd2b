//! Scale runs on the benchmark graphs, `#[ignore]`d (minutes in debug builds). Run with
//! `cargo test --release --test diffusion_scale -- --ignored --nocapture`; graph size from
//! `FANZHA_SCALE_N` / `FANZHA_SCALE_M` (default 1M nodes, 10M edges). The edge list is written
//! to `/tmp/fanzha-chung-lu-<n>-<m>.txt` once and reused.

/// In a module named after the file, so `cargo test diffusion` selects these tests.
mod diffusion_scale {

    use std::sync::Mutex;
    use std::time::Instant;

    use fanzha::diffusion::{
        Model, MonteCarlo, Opim, Probability, SocialGraph, chung_lu, load_edge_list, monte_carlo,
        write_edge_list,
    };

    /// The scale runs time themselves: one at a time, so that they do not share the cores.
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

    fn size() -> (usize, usize) {
        let get = |k: &str, d: usize| {
            std::env::var(k)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(d)
        };
        (
            get("FANZHA_SCALE_N", 1_000_000),
            get("FANZHA_SCALE_M", 10_000_000),
        )
    }

    #[test]
    #[ignore = "scale run: minutes; use --release"]
    fn opim_on_power_law_graph() {
        let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let (n, m) = size();
        let path = format!("/tmp/fanzha-chung-lu-{n}-{m}.txt");
        if !std::path::Path::new(&path).exists() {
            let t = Instant::now();
            let g = chung_lu(n, m, 2.5, Probability::WeightedCascade, 2026).unwrap();
            let file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
            write_edge_list(&g, file, false).unwrap();
            eprintln!(
                "generated and wrote {path} in {:.2}s",
                t.elapsed().as_secs_f64()
            );
        }
        let t = Instant::now();
        let g = load_edge_list(&path, Probability::WeightedCascade).unwrap();
        eprintln!(
            "load: {:.3}s ({} nodes, {} edges)",
            t.elapsed().as_secs_f64(),
            g.node_count(),
            g.edge_count()
        );
        for model in [Model::IndependentCascade, Model::LinearThreshold] {
            for eps in [0.5, 0.1, 0.05] {
                let t = Instant::now();
                let sel = Opim::new(50)
                    .epsilon(eps)
                    .model(model)
                    .seed(1)
                    .run(&g)
                    .unwrap();
                eprintln!(
                    "{model:?} eps={eps}: {:.3}s, rr_sets={}, rounds={}, certified={:.4}, spread={:.1}",
                    t.elapsed().as_secs_f64(),
                    sel.rr_sets,
                    sel.rounds,
                    sel.certified_ratio,
                    sel.spread
                );
            }
        }
    }

    /// Textual ids: the same 1M-edge graph written with integer ids and with names
    /// (`user-<id>`), each loaded once. Files `/tmp/fanzha-ids-{ints,names}-100000-1000000.txt`.
    #[test]
    #[ignore = "scale run: use --release"]
    fn textual_ids_load_time() {
        let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let (n, m) = (100_000, 1_000_000);
        let g = chung_lu(n, m, 2.5, Probability::WeightedCascade, 2026).unwrap();
        let named = g
            .clone()
            .with_names((0..n).map(|i| format!("user-{i}")).collect())
            .unwrap();
        let mut times = Vec::new();
        let mut graphs: Vec<SocialGraph> = Vec::new();
        for (kind, graph) in [("ints", &g), ("names", &named)] {
            let path = format!("/tmp/fanzha-ids-{kind}-{n}-{m}.txt");
            let file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
            write_edge_list(graph, file, false).unwrap();
            let t = Instant::now();
            let h = load_edge_list(&path, Probability::WeightedCascade).unwrap();
            let secs = t.elapsed().as_secs_f64();
            eprintln!(
                "load {kind}: {secs:.3}s ({} bytes, {} nodes, {} edges)",
                std::fs::metadata(&path).unwrap().len(),
                h.node_count(),
                h.edge_count()
            );
            times.push(secs);
            graphs.push(h);
        }
        let (ints, names) = (&graphs[0], &graphs[1]);
        assert_eq!(ints.edge_count(), m);
        assert_eq!(names.edge_count(), m);
        assert_eq!(ints.node_count(), names.node_count());
        // Same edges, read through the ids as written.
        let edges = |g: &SocialGraph| -> Vec<(String, String)> {
            let mut e: Vec<(String, String)> = (0..g.node_count() as u32)
                .flat_map(|u| {
                    g.out_edges(u).map(move |(v, _)| {
                        let id = |x: u32| match g.name(x) {
                            Some(s) => s.to_string(),
                            None => format!("user-{}", g.label(x)),
                        };
                        (id(u), id(v))
                    })
                })
                .collect();
            e.sort_unstable();
            e
        };
        assert_eq!(edges(ints), edges(names));
    }

    /// The side-by-side spread check: one independent Monte Carlo estimate per seed set.
    /// Seed sets: fanzha's own (k 50, eps 0.1, for each seed in `FANZHA_OWN_SEEDS`,
    /// comma-separated, default 0) and every file in `FANZHA_SEED_FILES`
    /// (comma-separated; one node index per line, in the numbering the loader gives the edge
    /// list, i.e. ids in increasing order, as OPIM-C's and SUBSIM's `seed_*` outputs are for
    /// the relabelled list `n m` / `u v` written from it). `FANZHA_MC_SAMPLES` cascades each
    /// (default 1,000), each set with its own Monte Carlo seed.
    #[test]
    #[ignore = "scale run: minutes; use --release"]
    fn seed_sets_by_independent_monte_carlo() {
        let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let (n, m) = size();
        let path = format!("/tmp/fanzha-chung-lu-{n}-{m}.txt");
        let g = load_edge_list(&path, Probability::WeightedCascade).unwrap();
        let samples = std::env::var("FANZHA_MC_SAMPLES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1_000);
        let mut sets = Vec::new();
        let own = std::env::var("FANZHA_OWN_SEEDS").unwrap_or_else(|_| "0".into());
        for seed in own.split(',').filter(|s| !s.is_empty()) {
            let seed: u64 = seed.parse().unwrap();
            let sel = Opim::new(50).epsilon(0.1).seed(seed).run(&g).unwrap();
            sets.push((format!("fanzha seed {seed}"), sel.seeds));
        }
        for file in std::env::var("FANZHA_SEED_FILES")
            .unwrap_or_default()
            .split(',')
        {
            if file.is_empty() {
                continue;
            }
            let seeds: Vec<u32> = std::fs::read_to_string(file)
                .unwrap()
                .split_whitespace()
                .map(|x| x.parse().unwrap())
                .collect();
            assert!(seeds.iter().all(|&v| (v as usize) < g.node_count()));
            sets.push((file.to_string(), seeds));
        }
        for (i, (name, seeds)) in sets.iter().enumerate() {
            let t = Instant::now();
            let mc = MonteCarlo {
                seed: 7_000 + i as u64,
                ..MonteCarlo::new(Model::IndependentCascade, samples)
            };
            let s = monte_carlo(&g, seeds, &mc).unwrap().total;
            eprintln!(
                "{name}: {} seeds, Monte Carlo {samples} cascades: {:.1} [{:.1}, {:.1}] ({:.1} s)",
                seeds.len(),
                s.mean,
                s.lo,
                s.hi,
                t.elapsed().as_secs_f64()
            );
        }
    }
}
