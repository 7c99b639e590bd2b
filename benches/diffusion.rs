//! Word-of-mouth benchmarks (issue 3): Monte Carlo spread, CELF on a 5k-node graph, RR-set
//! selection on generated power-law graphs (100k / 1M edges and 1M / 10M edges; k = 50, IC,
//! weighted cascade, eps = 0.5, 0.1, 0.05), the final +-1% / 99.9% spread estimate on the 1M
//! graph, and loading the 10M-edge graph from text and from the binary cache.
//!
//! `cargo bench --bench diffusion`; set `FANZHA_BENCH_SKIP_1M=1` to skip the 1M-node graph
//! (its generation takes a few seconds and its list about 130 MB in /tmp). Before timing each
//! selection the bench prints the RR sets and certified ratio it reaches (they do not depend on
//! the run: same seed, same answer).

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use fanzha::diffusion::{
    Celf, Model, MonteCarlo, Opim, Probability, SocialGraph, SpreadEstimator, celf, chung_lu,
    load_edge_list, load_graph_cache, monte_carlo, save_graph_cache, write_edge_list,
};

fn top_out_degree(g: &SocialGraph, k: usize) -> Vec<u32> {
    let mut v: Vec<u32> = (0..g.node_count() as u32).collect();
    v.sort_by_key(|&u| std::cmp::Reverse(g.out_degree(u)));
    v.truncate(k);
    v
}

fn spread_and_celf(c: &mut Criterion) {
    let g = chung_lu(10_000, 100_000, 2.5, Probability::WeightedCascade, 1).unwrap();
    let seeds = top_out_degree(&g, 50);
    let mut group = c.benchmark_group("monte_carlo");
    group.sample_size(10);
    group.bench_function("10k_nodes_100k_edges_k50_ic_1000_cascades", |b| {
        let opts = MonteCarlo::new(Model::IndependentCascade, 1_000);
        b.iter(|| black_box(monte_carlo(&g, &seeds, &opts).unwrap().total.mean))
    });
    group.bench_function("10k_nodes_100k_edges_k50_lt_1000_cascades", |b| {
        let opts = MonteCarlo::new(Model::LinearThreshold, 1_000);
        b.iter(|| black_box(monte_carlo(&g, &seeds, &opts).unwrap().total.mean))
    });
    group.finish();

    let g = chung_lu(5_000, 25_000, 2.5, Probability::WeightedCascade, 2).unwrap();
    let mut group = c.benchmark_group("celf");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(100));
    group.bench_function("5k_nodes_25k_edges_k10_ic_100_cascades", |b| {
        let opts = Celf {
            k: 10,
            model: Model::IndependentCascade,
            samples: 100,
            seed: 0,
            weights: None,
            candidates: None,
        };
        b.iter(|| black_box(celf(&g, &opts).unwrap().evaluations))
    });
    group.finish();
}

fn selection(c: &mut Criterion, name: &str, g: &SocialGraph) {
    let mut group = c.benchmark_group(format!("opim_{name}"));
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500));
    for eps in [0.5, 0.1, 0.05] {
        let opim = Opim::new(50).epsilon(eps).seed(1);
        let sel = opim.run(g).unwrap();
        eprintln!(
            "opim_{name} eps={eps}: rr_sets={} rounds={} certified_ratio={:.4} spread={:.0}",
            sel.rr_sets, sel.rounds, sel.certified_ratio, sel.spread
        );
        group.bench_function(format!("k50_ic_wc_eps{eps}"), |b| {
            b.iter(|| black_box(opim.run(g).unwrap().certified_ratio))
        });
    }
    group.finish();
}

fn rr_selection(c: &mut Criterion) {
    let g = chung_lu(100_000, 1_000_000, 2.5, Probability::WeightedCascade, 2026).unwrap();
    selection(c, "100k_1M", &g);
    drop(g);
    if std::env::var_os("FANZHA_BENCH_SKIP_1M").is_some() {
        return;
    }
    let g = chung_lu(
        1_000_000,
        10_000_000,
        2.5,
        Probability::WeightedCascade,
        2026,
    )
    .unwrap();
    selection(c, "1M_10M", &g);
    final_estimate(c, &g);
    let path = PathBuf::from("/tmp/fanzha-chung-lu-1000000-10000000.txt");
    if !path.exists() {
        let file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        write_edge_list(&g, file, false).unwrap();
    }
    drop(g);
    let mut group = c.benchmark_group("load");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(100));
    group.bench_function("edge_list_1M_nodes_10M_edges_wc", |b| {
        b.iter(|| {
            black_box(
                load_edge_list(&path, Probability::WeightedCascade)
                    .unwrap()
                    .edge_count(),
            )
        })
    });
    let cache = PathBuf::from("/tmp/fanzha-chung-lu-1000000-10000000.bin");
    let g = load_edge_list(&path, Probability::WeightedCascade).unwrap();
    save_graph_cache(&g, &cache).unwrap();
    drop(g);
    group.bench_function("cache_1M_nodes_10M_edges_wc", |b| {
        b.iter(|| black_box(load_graph_cache(&cache).unwrap().edge_count()))
    });
    group.finish();
}

/// The +-1% / 99.9% final estimate of the seeds selected at eps 0.1 (seed 0).
fn final_estimate(c: &mut Criterion, g: &SocialGraph) {
    let seeds = Opim::new(50).epsilon(0.1).run(g).unwrap().seeds;
    let mut group = c.benchmark_group("final_estimate_1M_10M");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(100));
    group.bench_function("k50_ic_wc_eps0.01_delta0.001", |b| {
        b.iter(|| {
            black_box(
                SpreadEstimator::new(Model::IndependentCascade)
                    .run(g, &seeds)
                    .unwrap()
                    .spread,
            )
        })
    });
    group.finish();
}

criterion_group!(benches, spread_and_celf, rr_selection);
criterion_main!(benches);
