//! Scale runs on the benchmark graphs, `#[ignore]`d (minutes in debug builds). Run with
//! `cargo test --release --test diffusion_scale -- --ignored --nocapture`; graph size from
//! `FANZHA_SCALE_N` / `FANZHA_SCALE_M` (default 1M nodes, 10M edges). The edge list is written
//! to `/tmp/fanzha-chung-lu-<n>-<m>.txt` once and reused.

/// In a module named after the file, so `cargo test diffusion` selects these tests.
mod diffusion_scale {

    use std::time::Instant;

    use fanzha::diffusion::{Model, Opim, Probability, chung_lu, load_edge_list, write_edge_list};

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
}
