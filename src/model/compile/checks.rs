//! The checks every pass uses: number ranges (with the bounds of [`limits`]) and the form of
//! ids and names.

use crate::core::limits::MAX_ID_CHARS;
pub(super) use crate::core::{Count, Range};
use crate::error::{Error, Item};

/// A field's path for an error message: a string, or a closure that builds it only when an
/// error names it (compiling a valid scenario formats no paths).
pub(super) trait Field {
    /// The path.
    fn path(self) -> String;
}

impl Field for &str {
    fn path(self) -> String {
        self.to_owned()
    }
}

impl<F: FnOnce() -> String> Field for F {
    fn path(self) -> String {
        self()
    }
}

pub(super) fn check(value: f64, item: &Item, field: impl Field, range: Range) -> Result<(), Error> {
    if range.contains(value) {
        Ok(())
    } else {
        Err(Error::InvalidValue {
            item: item.clone(),
            field: field.path(),
            value,
            expected: range.expected(),
        })
    }
}

pub(super) fn check_opt(
    value: Option<f64>,
    item: &Item,
    field: impl Field,
    range: Range,
) -> Result<(), Error> {
    value.map_or(Ok(()), |v| check(v, item, field, range))
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
pub(super) fn check_id(id: &str, item: &Item, field: impl Field) -> Result<(), Error> {
    match id_problem(id) {
        None => Ok(()),
        Some(problem) => Err(Error::Invalid {
            item: item.clone(),
            field: field.path(),
            problem,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
