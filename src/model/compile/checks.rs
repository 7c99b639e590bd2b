//! The checks every pass uses: number ranges (with the bounds of [`limits`]) and the form of
//! ids and names.

use crate::error::{Error, Item};
use crate::model::limits::{
    MAX_AMOUNT, MAX_CAPACITY, MAX_ID_CHARS, MAX_LOSS, MAX_PER_UNIT, MAX_POPULATION, MAX_SCALE,
    MIN_COEFFICIENT, MIN_SCALE,
};

/// Allowed range of a number. `MIN_COEFFICIENT` is written out as 1e-9 in the texts; a unit
/// test ties the texts to the constants.
#[derive(Clone, Copy, Debug)]
pub(super) enum Range {
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
}

impl Range {
    pub(super) fn contains(self, v: f64) -> bool {
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
            }
    }

    pub(super) fn expected(self) -> &'static str {
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
        }
    }
}

pub(super) fn check(
    value: f64,
    item: &Item,
    field: impl Into<String>,
    range: Range,
) -> Result<(), Error> {
    if range.contains(value) {
        Ok(())
    } else {
        Err(Error::InvalidValue {
            item: item.clone(),
            field: field.into(),
            value,
            expected: range.expected(),
        })
    }
}

pub(super) fn check_opt(
    value: Option<f64>,
    item: &Item,
    field: impl Into<String>,
    range: Range,
) -> Result<(), Error> {
    value.map_or(Ok(()), |v| check(v, item, field, range))
}

/// A bounded integer count.
#[derive(Clone, Copy, Debug)]
pub(super) enum Count {
    /// People in a segment, at most `MAX_POPULATION`.
    Population,
    /// Units of a placement, at most `MAX_CAPACITY`.
    Capacity,
}

impl Count {
    fn max(self) -> u64 {
        match self {
            Count::Population => MAX_POPULATION,
            Count::Capacity => MAX_CAPACITY,
        }
    }

    fn expected(self) -> &'static str {
        match self {
            Count::Population => "a number of people at most 1e10",
            Count::Capacity => "a number of units at most 1e12",
        }
    }
}

pub(super) fn check_count(value: u64, count: Count, item: &Item, field: &str) -> Result<(), Error> {
    if value <= count.max() {
        Ok(())
    } else {
        Err(Error::InvalidValue {
            item: item.clone(),
            field: field.to_string(),
            value: value as f64,
            expected: count.expected(),
        })
    }
}

/// What is wrong with the form of an id or name, if anything.
pub(super) fn id_problem(id: &str) -> Option<String> {
    if id.is_empty() {
        return Some("is empty".to_string());
    }
    // Bytes bound characters from above: count characters only when it can matter.
    if id.len() > MAX_ID_CHARS {
        let n = id.chars().count();
        if n > MAX_ID_CHARS {
            return Some(format!(
                "is {n} characters long; at most {MAX_ID_CHARS} are allowed"
            ));
        }
    }
    if let Some((i, c)) = id.chars().enumerate().find(|(_, c)| c.is_control()) {
        return Some(format!(
            "contains the control character U+{:04X} at character {i}",
            c as u32
        ));
    }
    if id.chars().all(char::is_whitespace) {
        return Some("is only whitespace".to_string());
    }
    None
}

/// Checks the form of an id or name at `field` of `item`.
pub(super) fn check_id(id: &str, item: &Item, field: impl Into<String>) -> Result<(), Error> {
    match id_problem(id) {
        None => Ok(()),
        Some(problem) => Err(Error::Invalid {
            item: item.clone(),
            field: field.into(),
            problem,
        }),
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
        for c in [Count::Population, Count::Capacity] {
            assert!(c.expected().contains(&shown(c.max() as f64)), "{c:?}");
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
    fn id_forms() {
        assert_eq!(id_problem("town.young"), None);
        assert_eq!(id_problem("句容.老年"), None);
        assert_eq!(id_problem(&"é".repeat(MAX_ID_CHARS)), None);
        assert!(id_problem("").unwrap().contains("empty"));
        assert!(id_problem(" \u{3000}").unwrap().contains("whitespace"));
        assert!(
            id_problem("a\0b")
                .unwrap()
                .contains("U+0000 at character 1")
        );
        assert!(id_problem("a\tb").unwrap().contains("U+0009"));
        assert!(id_problem("a\u{85}").unwrap().contains("U+0085"));
        let long = id_problem(&"x".repeat(MAX_ID_CHARS + 1)).unwrap();
        assert!(long.contains("257 characters"), "{long}");
    }
}
