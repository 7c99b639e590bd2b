//! The CSV renderer, through the `csv` crate (RFC 4180 quoting).

use std::io::{self, Write};

use super::table::{Column, Table};

/// Writes `table` as CSV: a header of the column names, then one record per row, fields as
/// [`Value::to_csv`](super::Value::to_csv), quoted where RFC 4180 needs it, lines ending in
/// `\n`. Title, intro and notes are not written.
///
/// # Errors
///
/// The writer's.
///
/// # Example
///
/// ```
/// use fanzha::report::{write_csv, Column, Table, Value};
///
/// let mut t = Table::new("runs", vec![Column::left("strategy"), Column::left("status")]);
/// t.push(vec![Value::text("exact"), Value::text("too large, use \"greedy+ls\"")]);
/// let mut out = Vec::new();
/// write_csv(&mut out, &t)?;
/// assert_eq!(
///     String::from_utf8(out).unwrap(),
///     "strategy,status\nexact,\"too large, use \"\"greedy+ls\"\"\"\n"
/// );
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_csv(w: &mut impl Write, table: &Table) -> io::Result<()> {
    let mut out = CsvWriter::new(w, &table.columns)?;
    out.write_rows(table)?;
    out.flush()
}

/// A CSV file written a table at a time: the header once, then the rows of each table with
/// the same columns (e.g. one table per instance as a long comparison runs).
///
/// # Example
///
/// ```
/// use fanzha::report::{Column, CsvWriter, Table, Value};
///
/// let columns = vec![Column::left("seed"), Column::right("value")];
/// let mut out = Vec::new();
/// let mut csv = CsvWriter::new(&mut out, &columns)?;
/// for seed in 1..=2 {
///     let mut t = Table::new("", columns.clone());
///     t.push(vec![Value::Count(seed), Value::Money(0.5 * seed as f64)]);
///     csv.write_rows(&t)?;
/// }
/// csv.flush()?;
/// drop(csv);
/// assert_eq!(String::from_utf8(out).unwrap(), "seed,value\n1,0.5\n2,1\n");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct CsvWriter<W: Write> {
    inner: csv::Writer<W>,
    header: Vec<String>,
}

impl<W: Write> CsvWriter<W> {
    /// A CSV writer on `w`; writes the header of `columns`.
    ///
    /// # Errors
    ///
    /// The writer's.
    pub fn new(w: W, columns: &[Column]) -> io::Result<CsvWriter<W>> {
        let mut inner = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(w);
        let header: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
        inner.write_record(&header)?;
        Ok(CsvWriter { inner, header })
    }

    /// Writes the rows of `table` (a short row gets empty fields, cells beyond the last
    /// column are dropped).
    ///
    /// # Errors
    ///
    /// [`io::ErrorKind::InvalidInput`] when the table's column names are not the header's;
    /// else the writer's.
    pub fn write_rows(&mut self, table: &Table) -> io::Result<()> {
        if !table.columns.iter().map(|c| &c.name).eq(self.header.iter()) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "table {:?} has columns {:?}, the CSV file {:?}",
                    table.title,
                    table.columns.iter().map(|c| &c.name).collect::<Vec<_>>(),
                    self.header
                ),
            ));
        }
        let n = self.header.len();
        for row in &table.rows {
            let fields = (0..n).map(|j| row.get(j).map_or(String::new(), |v| v.to_csv()));
            self.inner.write_record(fields)?;
        }
        Ok(())
    }

    /// Flushes what is buffered to the underlying writer.
    ///
    /// # Errors
    ///
    /// The writer's.
    pub fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Value;

    #[test]
    fn fields_are_quoted_only_when_needed() {
        let mut t = Table::new("", vec![Column::left("a"), Column::left("b")]);
        t.push(vec![Value::text("plain"), Value::text("line\nbreak")]);
        t.push(vec![Value::Missing, Value::text("华阳")]);
        let mut out = Vec::new();
        write_csv(&mut out, &t).expect("written");
        assert_eq!(
            String::from_utf8(out).expect("UTF-8"),
            "a,b\nplain,\"line\nbreak\"\n,华阳\n"
        );
    }

    #[test]
    fn rows_of_other_columns_are_refused() {
        let mut out = Vec::new();
        let mut csv = CsvWriter::new(&mut out, &[Column::left("a")]).expect("header");
        let other = Table::new("other", vec![Column::left("b")]);
        let err = csv.write_rows(&other).expect_err("columns differ");
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert!(err.to_string().contains("\"other\""), "{err}");
    }

    #[test]
    fn short_rows_get_empty_fields() {
        let mut t = Table::new("", vec![Column::left("a"), Column::left("b")]);
        t.push(vec![Value::text("x")]);
        let mut out = Vec::new();
        write_csv(&mut out, &t).expect("written");
        assert_eq!(String::from_utf8(out).expect("UTF-8"), "a,b\nx,\n");
    }
}
