//! Memory of the Monte Carlo estimator, measured by a counting global allocator. One test per
//! binary, so no other test allocates while it measures.

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
    use std::sync::atomic::Ordering;

    use fanzha::diffusion::{Model, MonteCarlo, Probability, SocialGraph, monte_carlo};

    /// Heap growth while `f` runs, in bytes.
    fn peak_growth<T>(f: impl FnOnce() -> T) -> (T, usize) {
        let before = LIVE.load(Ordering::SeqCst);
        PEAK.store(before, Ordering::SeqCst);
        let out = f();
        (out, PEAK.load(Ordering::SeqCst).saturating_sub(before))
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
}
