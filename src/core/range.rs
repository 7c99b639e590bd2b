//! The allowed range of each kind of number, checked at compile and when parameters are
//! replaced.
//!
//! ```
//! use fanzha::core::Range;
//!
//! assert!(Range::Scale.contains(3.0));
//! assert!(!Range::Scale.contains(5e-324)); // subnormal: its reciprocal overflows
//! assert!(!Range::Loss.contains(1e308));
//! ```

use super::limits::{
    MAX_AMOUNT, MAX_CAPACITY, MAX_LOSS, MAX_PER_UNIT, MAX_POPULATION, MAX_SCALE, MIN_COEFFICIENT,
    MIN_SCALE,
};

/// Allowed range of a number, with the bounds of [`limits`](super::limits): what compile checks
/// in a scenario and [`Parameters`](crate::problem::Parameters) checks on the way in.
/// `MIN_COEFFICIENT` is written out as 1e-9 in the texts; a unit test ties the texts to the
/// constants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Range {
    /// `[0, MAX_AMOUNT]`: costs, staff hours and limits.
    Amount,
    /// `[0, MAX_LOSS]`: mean loss per case.
    Loss,
    /// `[0, 1]`: descriptive shares (profiles).
    Share,
    /// `0` or `[MIN_COEFFICIENT, 1]`: relevance and appeal.
    Coefficient,
    /// `0` or `[MIN_COEFFICIENT, 1)`: rates and ceilings.
    BelowOne,
    /// `[MIN_COEFFICIENT, 1]`: channel depth.
    Depth,
    /// `[MIN_COEFFICIENT, 1)`: a floor's least reduction.
    Floor,
    /// `0` or `[MIN_COEFFICIENT, MAX_PER_UNIT]`: exposures per person per unit.
    PerUnit,
    /// `[MIN_SCALE, MAX_SCALE]`: response scale.
    Scale,
    /// `[0, MAX_POPULATION]`: people in a segment.
    Population,
    /// `0` or `[MIN_COEFFICIENT^4, MAX_PER_UNIT]`: an arm's absorbed exposures per unit, the
    /// product `g d a w` of four coefficients.
    Absorbed,
}

impl Range {
    /// Whether `v` is in the range (never NaN or infinite).
    pub fn contains(self, v: f64) -> bool {
        let zero_or = |lo: f64| v == 0.0 || v >= lo;
        v.is_finite()
            && match self {
                Range::Amount => (0.0..=MAX_AMOUNT).contains(&v),
                Range::Loss => (0.0..=MAX_LOSS).contains(&v),
                Range::Share => (0.0..=1.0).contains(&v),
                Range::Coefficient => (0.0..=1.0).contains(&v) && zero_or(MIN_COEFFICIENT),
                Range::BelowOne => (0.0..1.0).contains(&v) && zero_or(MIN_COEFFICIENT),
                Range::Depth => (MIN_COEFFICIENT..=1.0).contains(&v),
                Range::Floor => (MIN_COEFFICIENT..1.0).contains(&v),
                Range::PerUnit => (0.0..=MAX_PER_UNIT).contains(&v) && zero_or(MIN_COEFFICIENT),
                Range::Scale => (MIN_SCALE..=MAX_SCALE).contains(&v),
                Range::Population => (0.0..=MAX_POPULATION as f64).contains(&v),
                Range::Absorbed => {
                    (0.0..=MAX_PER_UNIT).contains(&v) && zero_or(MIN_COEFFICIENT.powi(4))
                }
            }
    }

    /// The range in words, for error messages.
    pub fn expected(self) -> &'static str {
        match self {
            Range::Amount => "a finite number in [0, 1e15]",
            Range::Loss => "a finite number in [0, 1e12]",
            Range::Share => "a number in [0, 1]",
            Range::Coefficient => "a number in [0, 1]: 0 or at least 1e-9",
            Range::BelowOne => "a number in [0, 1): 0 or at least 1e-9",
            Range::Depth => "a number in (0, 1], at least 1e-9",
            Range::Floor => "a number in (0, 1), at least 1e-9",
            Range::PerUnit => "a number in [0, 1e6]: 0 or at least 1e-9",
            Range::Scale => "a number > 0 in [1e-12, 1e9]",
            Range::Population => "a number of people at most 1e10",
            Range::Absorbed => "a number in [0, 1e6]: 0 or at least 1e-36",
        }
    }
}

/// A bounded integer count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Count {
    /// People in a segment, at most `MAX_POPULATION`.
    Population,
    /// Units of a placement, at most `MAX_CAPACITY`.
    Capacity,
}

impl Count {
    /// The largest allowed count.
    pub fn max(self) -> u64 {
        match self {
            Count::Population => MAX_POPULATION,
            Count::Capacity => MAX_CAPACITY,
        }
    }

    /// The range in words, for error messages.
    pub fn expected(self) -> &'static str {
        match self {
            Count::Population => "a number of people at most 1e10",
            Count::Capacity => "a number of units at most 1e12",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_name_the_constants() {
        let shown = |x: f64| format!("{x:e}");
        assert!(Range::Amount.expected().contains(&shown(MAX_AMOUNT)));
        assert!(Range::Loss.expected().contains(&shown(MAX_LOSS)));
        assert!(Range::PerUnit.expected().contains(&shown(MAX_PER_UNIT)));
        assert!(Range::Scale.expected().contains(&shown(MIN_SCALE)));
        assert!(Range::Scale.expected().contains(&shown(MAX_SCALE)));
        for r in [
            Range::Coefficient,
            Range::BelowOne,
            Range::Depth,
            Range::Floor,
        ] {
            assert!(r.expected().contains(&shown(MIN_COEFFICIENT)), "{r:?}");
        }
    }

    #[test]
    fn ranges_at_their_edges() {
        let cases = [
            (Range::Amount, [0.0, 1e15], [-1e-300, 1.0000001e15]),
            (Range::Loss, [0.0, 1e12], [-1.0, 1.0000001e12]),
            (Range::Coefficient, [0.0, 1.0], [9.9e-10, 1.0000001]),
            (Range::BelowOne, [1e-9, 0.999_999], [1.0, 1e-320]),
            (Range::Depth, [1e-9, 1.0], [0.0, 1e-320]),
            (Range::Floor, [1e-9, 0.999], [0.0, 1.0]),
            (Range::PerUnit, [0.0, 1e6], [1e-320, 2f64.powi(70)]),
            (Range::Scale, [1e-12, 1e9], [5e-324, 1.1e9]),
        ];
        for (range, inside, outside) in cases {
            for v in inside {
                assert!(range.contains(v), "{range:?} should contain {v:e}");
            }
            for v in outside.into_iter().chain([f64::NAN, f64::INFINITY]) {
                assert!(!range.contains(v), "{range:?} should not contain {v:e}");
            }
        }
    }

    #[test]
    fn count_texts_name_the_constants() {
        let shown = |x: f64| format!("{x:e}");
        for c in [Count::Population, Count::Capacity] {
            assert!(c.expected().contains(&shown(c.max() as f64)), "{c:?}");
        }
    }
}
