//! The typed table model every renderer reads.

use serde::{Serialize, Serializer};

/// How a column's cells line up in text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Align {
    /// Flush left (names, ids, free text).
    Left,
    /// Flush right (numbers).
    Right,
}

/// A column: its header, its alignment in text, and the unit of its numbers, if one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    /// Header. A table whose headers are all empty prints no header line in text.
    pub name: String,
    /// Alignment in text.
    pub align: Align,
    /// Unit of the column's numbers (e.g. `"CNY"`, `"ms"`), for readers of the JSON; the text
    /// header shows only [`Column::name`].
    pub unit: Option<String>,
}

impl Column {
    /// A left-aligned column with no unit.
    ///
    /// ```
    /// use fanzha::report::{Align, Column};
    /// assert_eq!(Column::left("placement").align, Align::Left);
    /// ```
    pub fn left(name: impl Into<String>) -> Column {
        Column {
            name: name.into(),
            align: Align::Left,
            unit: None,
        }
    }

    /// A right-aligned column with no unit.
    ///
    /// ```
    /// use fanzha::report::{Align, Column};
    /// assert_eq!(Column::right("units").align, Align::Right);
    /// ```
    pub fn right(name: impl Into<String>) -> Column {
        Column {
            name: name.into(),
            align: Align::Right,
            unit: None,
        }
    }

    /// The column with `unit`.
    ///
    /// ```
    /// use fanzha::report::Column;
    /// assert_eq!(Column::right("spend").with_unit("CNY").unit.as_deref(), Some("CNY"));
    /// ```
    #[must_use]
    pub fn with_unit(mut self, unit: impl Into<String>) -> Column {
        self.unit = Some(unit.into());
        self
    }
}

/// One cell. Text shows numbers rounded for people; CSV and JSON keep them in full.
///
/// | variant | text | CSV | JSON |
/// |---|---|---|---|
/// | `Text` | as is | as is | string |
/// | `Money` | no decimals | full precision | number |
/// | `Count` | integer | integer | number |
/// | `Share` | percent, `decimals` places | the fraction, full precision | number (the fraction) |
/// | `Number` | `decimals` places | full precision | number |
/// | `Missing` | `-` | empty | `null` |
///
/// Non-finite numbers show as `NaN`/`inf` in text and CSV and as `null` in JSON.
///
/// # Example
///
/// ```
/// use fanzha::report::Value;
///
/// assert_eq!(Value::Money(1234.6).to_text(), "1235");
/// assert_eq!(Value::share(0.12345, 2).to_text(), "12.35%");
/// assert_eq!(Value::share(0.12345, 2).to_csv(), "0.12345");
/// assert_eq!(Value::number(2.0 / 3.0, 1).to_text(), "0.7");
/// assert_eq!(Value::Missing.to_text(), "-");
/// assert_eq!(Value::Missing.to_csv(), "");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Free text.
    Text(String),
    /// An amount of money (the problem's currency).
    Money(f64),
    /// A whole number of things (units, runs).
    Count(u64),
    /// A fraction, shown as a percentage.
    Share {
        /// The fraction (0.5 is 50%).
        value: f64,
        /// Decimal places of the percentage in text.
        decimals: usize,
    },
    /// Any other number.
    Number {
        /// The number.
        value: f64,
        /// Decimal places in text.
        decimals: usize,
    },
    /// No value (not computed, not applicable).
    Missing,
}

impl Value {
    /// [`Value::Text`].
    pub fn text(s: impl Into<String>) -> Value {
        Value::Text(s.into())
    }

    /// [`Value::Share`] with `decimals` places of percent in text.
    pub fn share(value: f64, decimals: usize) -> Value {
        Value::Share { value, decimals }
    }

    /// [`Value::Number`] with `decimals` places in text.
    pub fn number(value: f64, decimals: usize) -> Value {
        Value::Number { value, decimals }
    }

    /// `Some(v)` as `make(v)`, `None` as [`Value::Missing`].
    ///
    /// ```
    /// use fanzha::report::Value;
    /// assert_eq!(Value::or_missing(Some(3.0), Value::Money), Value::Money(3.0));
    /// assert_eq!(Value::or_missing(None, Value::Money), Value::Missing);
    /// ```
    pub fn or_missing<T>(x: Option<T>, make: impl FnOnce(T) -> Value) -> Value {
        x.map_or(Value::Missing, make)
    }

    /// The cell as people read it (see the table on [`Value`]).
    pub fn to_text(&self) -> String {
        // `+ 0.0` turns a negative zero into a positive one, so nothing prints as "-0".
        match self {
            Value::Text(s) => s.clone(),
            Value::Money(x) => format!("{:.0}", x + 0.0),
            Value::Count(n) => n.to_string(),
            Value::Share { value, decimals } => format!("{:.*}%", decimals, 100.0 * value + 0.0),
            Value::Number { value, decimals } => format!("{:.*}", decimals, value + 0.0),
            Value::Missing => "-".to_string(),
        }
    }

    /// The cell as a CSV field, before quoting (see the table on [`Value`]).
    pub fn to_csv(&self) -> String {
        match self {
            Value::Text(s) => s.clone(),
            Value::Money(x) | Value::Share { value: x, .. } | Value::Number { value: x, .. } => {
                x.to_string()
            }
            Value::Count(n) => n.to_string(),
            Value::Missing => String::new(),
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Text(t) => s.serialize_str(t),
            Value::Money(x) | Value::Share { value: x, .. } | Value::Number { value: x, .. } => {
                if x.is_finite() {
                    s.serialize_f64(*x)
                } else {
                    s.serialize_none()
                }
            }
            Value::Count(n) => s.serialize_u64(*n),
            Value::Missing => s.serialize_none(),
        }
    }
}

/// A titled table: lines under the title, columns, rows of typed cells, and notes after the
/// rows. Renderers: [`write_text`](super::write_text), [`write_csv`](super::write_csv),
/// [`write_json`](super::write_json).
///
/// A row shorter than the columns is padded with [`Value::Missing`]; cells beyond the last
/// column are not rendered.
///
/// # Example
///
/// ```
/// use fanzha::report::{write_text, Column, Table, Value};
///
/// let mut table = Table::new("Spend", vec![Column::left("placement"), Column::right("yuan")]);
/// table.push(vec![Value::text("radio.morning"), Value::Money(1600.0)]);
/// table.push(vec![Value::text("douyin"), Value::Money(48800.0)]);
/// let mut out = Vec::new();
/// write_text(&mut out, &[table])?;
/// assert_eq!(
///     String::from_utf8(out).unwrap(),
///     "Spend\n  placement       yuan\n  radio.morning   1600\n  douyin         48800\n"
/// );
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Table {
    /// Title line (none in text when empty).
    pub title: String,
    /// Lines printed under the title, before the header.
    pub intro: Vec<String>,
    /// The columns.
    pub columns: Vec<Column>,
    /// The rows, one cell per column.
    pub rows: Vec<Vec<Value>>,
    /// Lines printed after the rows.
    pub notes: Vec<String>,
}

impl Table {
    /// An empty table with `title` and `columns`.
    pub fn new(title: impl Into<String>, columns: Vec<Column>) -> Table {
        Table {
            title: title.into(),
            columns,
            ..Table::default()
        }
    }

    /// Adds a row.
    pub fn push(&mut self, row: Vec<Value>) {
        self.rows.push(row);
    }

    /// Adds a line after the rows.
    pub fn note(&mut self, line: impl Into<String>) {
        self.notes.push(line.into());
    }

    /// The cell of `row` in the column named `column`, if both exist.
    ///
    /// ```
    /// use fanzha::report::{Column, Table, Value};
    ///
    /// let mut t = Table::new("", vec![Column::left("name"), Column::right("n")]);
    /// t.push(vec![Value::text("a"), Value::Count(3)]);
    /// assert_eq!(t.cell(0, "n"), Some(&Value::Count(3)));
    /// assert_eq!(t.cell(0, "m"), None);
    /// ```
    pub fn cell(&self, row: usize, column: &str) -> Option<&Value> {
        let j = self.columns.iter().position(|c| c.name == column)?;
        self.rows.get(row)?.get(j)
    }

    /// The first row whose first cell is the text `key`.
    ///
    /// ```
    /// use fanzha::report::{Column, Table, Value};
    ///
    /// let mut t = Table::new("", vec![Column::left(""), Column::right("")]);
    /// t.push(vec![Value::text("spend"), Value::Money(3.0)]);
    /// assert_eq!(t.row("spend").map(|r| &r[1]), Some(&Value::Money(3.0)));
    /// ```
    pub fn row(&self, key: &str) -> Option<&[Value]> {
        self.rows
            .iter()
            .find(|r| matches!(r.first(), Some(Value::Text(t)) if t == key))
            .map(Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_rounds_and_csv_keeps_full_precision() {
        let x = 18853443.667672366;
        assert_eq!(Value::Money(x).to_text(), "18853444");
        assert_eq!(Value::Money(x).to_csv(), "18853443.667672366");
        assert_eq!(Value::number(0.002227, 6).to_csv(), "0.002227");
        assert_eq!(Value::Count(7).to_csv(), "7");
        assert_eq!(
            Value::text("a,b").to_csv(),
            "a,b",
            "quoting is the writer's"
        );
    }

    #[test]
    fn negative_zero_prints_as_zero() {
        assert_eq!(Value::Money(-0.0).to_text(), "0");
        assert_eq!(Value::share(-0.0, 1).to_text(), "0.0%");
    }

    #[test]
    fn json_of_values_is_typed_and_non_finite_is_null() {
        let cells = vec![
            Value::text("x"),
            Value::Money(2.5),
            Value::Count(3),
            Value::share(0.25, 1),
            Value::number(f64::NAN, 1),
            Value::Missing,
        ];
        let json = serde_json::to_string(&cells).expect("values serialise");
        assert_eq!(json, r#"["x",2.5,3,0.25,null,null]"#);
    }
}
