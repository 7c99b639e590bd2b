//! Memory of the Monte Carlo estimator and of RR-set selection, measured by a counting global
//! allocator (it counts capacity, and a reallocation as a new block plus the old one until the
//! copy is done, so it is stricter than resident memory). The tests take turns (a lock), so no
//! other test allocates while one measures.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts live heap bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged to the system allocator.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
            PEAK.fetch_max(live, Ordering::SeqCst);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::SeqCst);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// In a module named after the file, so `cargo test diffusion` selects these tests.
mod diffusion_memory {
    use super::{LIVE, PEAK};
    use std::sync::Mutex;
    use std::sync::atomic::Ordering;

    use fanzha::diffusion::{
        DEFAULT_MAX_RR_SETS, Edge, Model, MonteCarlo, Opim, Probability, SocialGraph, monte_carlo,
    };

    /// Held while a test measures.
    static MEASURING: Mutex<()> = Mutex::new(());

    /// Heap growth while `f` runs, in bytes.
    fn peak_growth<T>(f: impl FnOnce() -> T) -> (T, usize) {
        let _turn = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
        let before = LIVE.load(Ordering::SeqCst);
        PEAK.store(before, Ordering::SeqCst);
        let out = f();
        (out, PEAK.load(Ordering::SeqCst).saturating_sub(before))
    }

    /// A 32-byte cache header from a reader of unknown size claiming 2^32 - 1 nodes and as many
    /// edges: the read stops at the end of the input with an error, having reserved at most a
    /// block (it used to reserve the claimed 17 GB of segments up front).
    #[test]
    fn a_cache_header_claiming_huge_arrays_reserves_nothing_of_the_sort() {
        let mut bytes = b"FANZHAG\0".to_vec();
        bytes.extend_from_slice(&1u32.to_le_bytes());
        bytes.extend_from_slice(&0u32.to_le_bytes());
        bytes.extend_from_slice(&(u32::MAX as u64).to_le_bytes());
        bytes.extend_from_slice(&(u32::MAX as u64).to_le_bytes());
        let reader = std::io::Read::chain(std::io::Cursor::new(bytes), std::io::empty());
        let (result, growth) = peak_growth(|| fanzha::diffusion::read_graph_cache(reader));
        assert!(result.is_err());
        assert!(growth < 64 << 20, "reserved {growth} bytes");
    }

    /// 2,000 one-node segments: each block of 16 cascades keeps 4,004 sums (32 kB). Holding one
    /// per block until the end took 128 MB for 65,536 cascades; blocks of chunks reduced as
    /// they finish keep it to a few MB whatever the number of samples.
    #[test]
    fn monte_carlo_memory_does_not_grow_with_samples() {
        let n = 2_000u32;
        let g = SocialGraph::from_edges(n as usize, &[], Probability::WeightedCascade)
            .unwrap()
            .with_segments((0..n).collect())
            .unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let run = |samples| {
            pool.install(|| {
                monte_carlo(
                    &g,
                    &[0, 1],
                    &MonteCarlo::new(Model::IndependentCascade, samples),
                )
            })
            .unwrap()
        };
        run(16); // warm the pool and the per-thread scratch
        let (small, small_peak) = peak_growth(|| run(4_096));
        let (large, large_peak) = peak_growth(|| run(65_536));
        assert_eq!(small.total.mean, 2.0);
        assert_eq!(large.total.mean, 2.0);
        assert!(
            large_peak < 16 << 20,
            "65,536 cascades peaked at {large_peak} bytes (4,096: {small_peak})"
        );
    }

    /// RR sets of isolated nodes are the node alone: 29 bytes per set, as
    /// `DEFAULT_MAX_RR_SETS` documents (8 for its offset and 4 for its member in each of the two
    /// collections, 4 in the inverted index, 1 coverage flag), plus about 30 bytes per node
    /// and a few MB of sampling buffers. Growing used to hold each new chunk's buffers (9 kB
    /// per 256 sets, about 18 bytes per new set) and the old index next to the grown
    /// collections: a 10^6-node list of self-loops at the default cap took 2.8 GB (RSS) where
    /// the help said 2.
    #[test]
    fn rr_memory_at_the_cap_is_as_documented() {
        let n = 100_000;
        // One edge, so selection samples (a graph where nobody can activate anybody is solved
        // exactly without RR sets).
        let edge = Edge {
            source: 0,
            target: 1,
            probability: 0.5,
        };
        let g = SocialGraph::from_edges(n, &[edge], Probability::Given).unwrap();
        let cap = 1 << 19;
        let run = || Opim::new(50).max_rr_sets(cap).run(&g).unwrap();
        let (sel, peak) = peak_growth(run);
        assert_eq!(sel.rr_sets, 2 * cap, "both collections reach the cap");
        assert!(sel.capped, "{sel:?}");
        let bound = 29 * cap + 32 * n + (4 << 20);
        assert!(
            peak <= bound,
            "peak {peak} bytes at {cap} sets per collection: {:.1} bytes per set; bound {bound}",
            peak as f64 / cap as f64
        );
        // The documented figure for the default cap: about 2 GB.
        assert!((29 * DEFAULT_MAX_RR_SETS) as f64 / 1e9 < 2.0);
    }
}
