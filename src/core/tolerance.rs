//! The one slack every feasibility test uses, the one floor predicate and the one gap.
//!
//! Plans are judged by [`Plan::check`](crate::Plan::check); every strategy, the relaxation
//! and branch and bound ask the same questions through these functions, so "within the
//! budget" and "floor met" mean the same thing everywhere.

/// Relative slack when comparing accumulated floating-point sums against limits, so that a
/// plan spending exactly its budget in many small steps is not called infeasible. The same
/// share is allowed below a floor's reduction.
pub const TOLERANCE: f64 = 1e-9;

/// The largest amount that still counts as within `limit`: `limit` plus [`TOLERANCE`]
/// (relative, at least `TOLERANCE` absolute).
#[inline]
pub fn slack(limit: f64) -> f64 {
    limit + TOLERANCE * limit.abs().max(1.0)
}

/// Whether `used` exceeds `limit` beyond floating-point accumulation error.
#[inline]
pub fn exceeds(used: f64, limit: f64) -> bool {
    used > slack(limit)
}

/// The least risk reduction that counts as meeting a floor of `min_reduction`.
#[inline]
pub fn floor_threshold(min_reduction: f64) -> f64 {
    min_reduction * (1.0 - TOLERANCE)
}

/// Whether a reduction of `reduction` meets a floor of `min_reduction`.
#[inline]
pub fn floor_met(reduction: f64, min_reduction: f64) -> bool {
    reduction >= floor_threshold(min_reduction)
}

/// `1 - value / bound`: how far a plan of prevented loss `value` can be from the optimum, as a
/// share of a certified upper `bound` (0 when the bound is not positive).
///
/// # Example
///
/// ```
/// assert_eq!(fanzha::core::gap(90.0, 100.0), 0.09999999999999998);
/// assert_eq!(fanzha::core::gap(0.0, 0.0), 0.0);
/// ```
#[inline]
pub fn gap(value: f64, bound: f64) -> f64 {
    if bound > 0.0 {
        1.0 - value / bound
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slack_is_relative_and_at_least_absolute() {
        assert!(!exceeds(100.0 + 1e-8, 100.0));
        assert!(exceeds(100.0 + 1e-6, 100.0));
        assert!(!exceeds(1e-10, 0.0));
        assert!(exceeds(1e-8, 0.0));
    }

    #[test]
    fn floors_allow_the_same_share_below() {
        assert!(floor_met(0.1 * (1.0 - 0.5e-9), 0.1));
        assert!(!floor_met(0.1 * (1.0 - 2e-9), 0.1));
    }
}
