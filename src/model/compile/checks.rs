//! The checks every pass uses: number ranges.

use crate::error::{Error, Item};

/// Allowed range of a number.
#[derive(Clone, Copy, Debug)]
pub(super) enum Range {
    /// `[0, inf)`
    NonNegative,
    /// `(0, inf)`
    Positive,
    /// `[0, 1]`
    Share,
    /// `[0, 1)`
    Ceiling,
    /// `(0, 1]`
    Depth,
    /// `(0, 1)`
    OpenShare,
}

impl Range {
    pub(super) fn contains(self, v: f64) -> bool {
        v.is_finite()
            && match self {
                Range::NonNegative => v >= 0.0,
                Range::Positive => v > 0.0,
                Range::Share => (0.0..=1.0).contains(&v),
                Range::Ceiling => (0.0..1.0).contains(&v),
                Range::Depth => v > 0.0 && v <= 1.0,
                Range::OpenShare => v > 0.0 && v < 1.0,
            }
    }

    pub(super) fn expected(self) -> &'static str {
        match self {
            Range::NonNegative => "a finite number >= 0",
            Range::Positive => "a finite number > 0",
            Range::Share => "a number in [0, 1]",
            Range::Ceiling => "a number in [0, 1)",
            Range::Depth => "a number in (0, 1]",
            Range::OpenShare => "a number in (0, 1)",
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
