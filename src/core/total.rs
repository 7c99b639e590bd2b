//! A totally ordered `f64`, for priority-queue keys.

use std::cmp::Ordering;

/// An `f64` ordered by [`f64::total_cmp`], so it can key a `BinaryHeap` or a sort. The keys
/// the crate builds are finite; NaN would sort above every number rather than break the heap.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Total(pub(crate) f64);

impl Eq for Total {}

impl PartialOrd for Total {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Total {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Total;

    #[test]
    fn orders_like_numbers_and_keeps_nan_last() {
        let mut keys = [Total(2.0), Total(f64::NAN), Total(-1.0), Total(0.5)];
        keys.sort();
        let order: Vec<f64> = keys.iter().map(|k| k.0).collect();
        assert_eq!(&order[..3], &[-1.0, 0.5, 2.0]);
        assert!(order[3].is_nan());
    }
}
