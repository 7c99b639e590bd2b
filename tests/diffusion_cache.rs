//! The binary graph cache: what is written reads back equal, and damaged files are refused
//! (never a panic or an out-of-range graph).

/// In a module named after the file, so `cargo test diffusion` selects these tests.
mod diffusion_cache {

    use fanzha::diffusion::{
        Edge, Opim, Probability, SocialGraph, chung_lu, load_graph_cache, parse_edge_list,
        read_graph_cache, save_graph_cache, write_graph_cache,
    };
    use proptest::prelude::*;

    fn bytes_of(g: &SocialGraph) -> Vec<u8> {
        let mut bytes = Vec::new();
        write_graph_cache(g, &mut bytes).unwrap();
        bytes
    }

    fn assert_same(a: &SocialGraph, b: &SocialGraph) {
        assert_eq!(a.node_count(), b.node_count());
        assert_eq!(a.edge_count(), b.edge_count());
        assert_eq!(a.segments(), b.segments());
        assert_eq!(a.segment_count(), b.segment_count());
        assert_eq!(a.labels(), b.labels());
        assert_eq!(a.names(), b.names());
        assert_eq!(a.max_in_weight(), b.max_in_weight());
        for v in 0..a.node_count() as u32 {
            assert!(a.out_edges(v).eq(b.out_edges(v)), "out-edges of {v}");
            assert!(a.in_edges(v).eq(b.in_edges(v)), "in-edges of {v}");
        }
    }

    /// Weighted cascade (probabilities per node), given probabilities that differ (per edge),
    /// segments, and textual ids.
    fn samples() -> Vec<SocialGraph> {
        let wc = chung_lu(3_000, 12_000, 2.5, Probability::WeightedCascade, 1).unwrap();
        let segments = (0..wc.node_count() as u32).map(|v| v % 5).collect();
        let wc = wc.with_segments(segments).unwrap();
        let edges = [
            Edge {
                source: 0,
                target: 1,
                probability: 0.5,
            },
            Edge {
                source: 2,
                target: 1,
                probability: 0.25,
            },
            Edge {
                source: 1,
                target: 3,
                probability: 1.0,
            },
            Edge {
                source: 3,
                target: 3,
                probability: 0.0,
            },
        ];
        let given = SocialGraph::from_edges(5, &edges, Probability::Given).unwrap();
        let named = parse_edge_list(
            "alice bob\nbob 王芳 \n王芳 alice\n".as_bytes(),
            Probability::Constant(0.3),
        )
        .unwrap();
        let labelled =
            parse_edge_list(b"10 20\n20 30\n99 10\n", Probability::WeightedCascade).unwrap();
        vec![wc, given, named, labelled]
    }

    #[test]
    fn what_is_written_reads_back_equal() {
        for g in samples() {
            let bytes = bytes_of(&g);
            let h = read_graph_cache(&bytes[..]).unwrap();
            assert_same(&g, &h);
            // Writing the copy gives the same bytes.
            assert_eq!(bytes_of(&h), bytes);
        }
    }

    #[test]
    fn selection_on_the_cached_graph_is_the_same() {
        let g = chung_lu(5_000, 25_000, 2.5, Probability::WeightedCascade, 2).unwrap();
        let path =
            std::env::temp_dir().join(format!("fanzha-cache-test-{}.bin", std::process::id()));
        save_graph_cache(&g, &path).unwrap();
        let h = load_graph_cache(&path).unwrap();
        std::fs::remove_file(&path).ok();
        let a = Opim::new(10).epsilon(0.2).seed(4).run(&g).unwrap();
        let b = Opim::new(10).epsilon(0.2).seed(4).run(&h).unwrap();
        assert_eq!(a, b);
        // Weighted cascade keeps one probability per node: 8 bytes per edge and 32 per node.
        let size = bytes_of(&g).len();
        assert_eq!(size, 32 + 32 * 5_000 + 20 + 8 * 25_000);
    }

    #[test]
    fn damaged_files_are_refused() {
        let g = &samples()[1];
        let bytes = bytes_of(g);
        // Cut short anywhere, or one byte too many.
        for len in 0..bytes.len() {
            let err = read_graph_cache(&bytes[..len]).unwrap_err().to_string();
            assert!(err.contains("cache"), "{len}: {err}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(
            read_graph_cache(&longer[..])
                .unwrap_err()
                .to_string()
                .contains("after the end")
        );
        let mut magic = bytes.clone();
        magic[0] = b'X';
        assert!(
            read_graph_cache(&magic[..])
                .unwrap_err()
                .to_string()
                .contains("magic")
        );
        let mut version = bytes.clone();
        version[8] = 9;
        assert!(
            read_graph_cache(&version[..])
                .unwrap_err()
                .to_string()
                .contains("version")
        );
        // An edge target out of range (n = 5 nodes: after the 32-byte header come 20 bytes of
        // segments, 40 of labels and 48 of out-offsets, then the targets).
        let mut target = bytes.clone();
        target[32 + 20 + 40 + 48] = 200;
        assert!(read_graph_cache(&target[..]).is_err());
        let missing = std::env::temp_dir().join("fanzha-no-such-cache.bin");
        let err = load_graph_cache(&missing).unwrap_err().to_string();
        assert!(err.contains("fanzha-no-such-cache.bin"), "{err}");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Any damaged byte: an error, or a graph that answers every query in range.
        #[test]
        fn a_flipped_byte_never_panics(which in 0usize..4, at in any::<prop::sample::Index>(), x in 1u8..=255) {
            let g = &samples()[which];
            let mut bytes = bytes_of(g);
            let i = at.index(bytes.len());
            bytes[i] ^= x;
            if let Ok(h) = read_graph_cache(&bytes[..]) {
                for v in 0..h.node_count() as u32 {
                    for (u, p) in h.in_edges(v).chain(h.out_edges(v)) {
                        prop_assert!((u as usize) < h.node_count());
                        prop_assert!((0.0..=1.0).contains(&p));
                    }
                }
                let _ = Opim::new(2).epsilon(0.3).run(&h);
            }
        }
    }
}
