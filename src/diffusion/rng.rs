//! Seeded random streams and per-thread scratch space.
//!
//! Every random quantity is drawn from a stream named by `(seed, tag, index)`: the user's seed,
//! a constant naming the purpose (Monte Carlo, RR collection 1 or 2, generator ...), and the
//! index of a fixed-size chunk of samples. Chunks are reduced in index order, so results never
//! depend on how rayon schedules them or on the number of threads.

use std::cell::RefCell;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// SplitMix64 finaliser: a bijective mix of 64 bits.
pub(crate) fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The random stream for chunk `index` of purpose `tag` under `seed` (ChaCha8: portable, the
/// same numbers on every platform).
pub(crate) fn stream(seed: u64, tag: u64, index: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(splitmix(seed ^ splitmix(tag)));
    rng.set_stream(index);
    rng
}

/// Purposes of random streams.
pub(crate) mod tag {
    pub const MONTE_CARLO: u64 = 1;
    pub const RR_SELECT: u64 = 2;
    pub const RR_VALIDATE: u64 = 3;
    pub const CHUNG_LU: u64 = 4;
    pub const CITY: u64 = 5;
    pub const RR_ESTIMATE: u64 = 6;
}

/// Per-thread scratch: generation-stamped visit marks (a node is marked iff `mark[v] == stamp`),
/// so clearing is O(1) per sample.
#[derive(Default)]
pub(crate) struct Scratch {
    pub mark: Vec<u32>,
    pub stamp: u32,
    pub queue: Vec<u32>,
    /// Linear threshold: the in-neighbour a node listens to in this sample (valid where
    /// `chosen[v] == stamp`).
    pub chosen: Vec<u32>,
    pub choice: Vec<u32>,
    /// Visited bits for reverse sampling (n bits: stays in cache; cleared after each set).
    pub bits: Vec<u64>,
    /// Level-batched RR sampling: the in-edge records of one level's nodes.
    pub level_heads: Vec<(usize, usize, f32, f32)>,
    /// Level-batched RR sampling: the live in-edges found from one level, then their sources.
    pub level_edges: Vec<usize>,
}

impl Scratch {
    /// Starts a new sample on a graph of `n` nodes: every node unmarked.
    pub fn begin(&mut self, n: usize) {
        if self.mark.len() < n {
            self.mark.resize(n, 0);
        }
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.mark.fill(0);
            self.chosen.fill(0);
            self.stamp = 1;
        }
        self.queue.clear();
    }

    /// Makes the linear-threshold arrays cover `n` nodes (after [`begin`](Self::begin)).
    pub fn need_choices(&mut self, n: usize) {
        if self.chosen.len() < n {
            self.chosen.resize(n, 0);
            self.choice.resize(n, 0);
        }
    }

    /// Makes the visited bits cover `n` nodes; all bits are clear between RR sets.
    pub fn need_bits(&mut self, n: usize) {
        let words = n.div_ceil(64);
        if self.bits.len() < words {
            self.bits.resize(words, 0);
        }
    }

    /// Sets bit `v`; returns true if it was clear.
    #[inline]
    pub fn set_bit(&mut self, v: u32) -> bool {
        let w = &mut self.bits[(v >> 6) as usize];
        let m = 1u64 << (v & 63);
        let fresh = *w & m == 0;
        *w |= m;
        fresh
    }

    /// Clears the bits of `nodes`.
    #[inline]
    pub fn clear_bits(&mut self, nodes: &[u32]) {
        for &v in nodes {
            self.bits[(v >> 6) as usize] &= !(1u64 << (v & 63));
        }
    }

    /// Marks `v`; returns true if it was not marked in this sample.
    #[inline]
    pub fn visit(&mut self, v: u32) -> bool {
        let m = &mut self.mark[v as usize];
        if *m == self.stamp {
            false
        } else {
            *m = self.stamp;
            true
        }
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Runs `f` with this thread's scratch space.
pub(crate) fn with_scratch<R>(f: impl FnOnce(&mut Scratch) -> R) -> R {
    SCRATCH.with(|s| f(&mut s.borrow_mut()))
}
