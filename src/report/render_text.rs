//! The text renderer: aligned columns for a terminal.

use std::io::{self, Write};

use super::table::{Align, Table};
use super::width::{display_width, pad};

/// Indent of header and rows under a title.
const INDENT: &str = "  ";
/// Space between columns.
const GAP: &str = "  ";

/// Writes `tables` as aligned text, a blank line between tables.
///
/// Each table prints its title, its intro lines, a header line (unless every column name is
/// empty), its rows indented by two spaces, and its notes. Columns are as wide as their widest
/// cell in [display width](super::display_width), so Chinese names line up; trailing spaces
/// are trimmed.
///
/// # Errors
///
/// The writer's.
///
/// # Example
///
/// ```
/// use fanzha::report::{write_text, Column, Table, Value};
///
/// let mut t = Table::new("", vec![Column::left("群体"), Column::right("reach")]);
/// t.push(vec![Value::text("老年人"), Value::share(0.5, 1)]);
/// t.push(vec![Value::text("students"), Value::share(1.0, 1)]);
/// let mut out = Vec::new();
/// write_text(&mut out, &[t])?;
/// let text = String::from_utf8(out).unwrap();
/// assert_eq!(text, "  群体       reach\n  老年人     50.0%\n  students  100.0%\n");
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_text(w: &mut impl Write, tables: &[Table]) -> io::Result<()> {
    for (i, table) in tables.iter().enumerate() {
        if i > 0 {
            writeln!(w)?;
        }
        write_table(w, table)?;
    }
    Ok(())
}

fn write_table(w: &mut impl Write, table: &Table) -> io::Result<()> {
    if !table.title.is_empty() {
        writeln!(w, "{}", table.title)?;
    }
    for line in &table.intro {
        writeln!(w, "{line}")?;
    }
    let n = table.columns.len();
    let rows: Vec<Vec<String>> = table
        .rows
        .iter()
        .map(|row| {
            (0..n)
                .map(|j| row.get(j).map_or("-".to_string(), |v| v.to_text()))
                .collect()
        })
        .collect();
    let header: Vec<String> = table.columns.iter().map(|c| c.name.clone()).collect();
    let has_header = header.iter().any(|h| !h.is_empty());
    let mut widths = vec![0; n];
    for row in rows.iter().chain(has_header.then_some(&header)) {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(display_width(cell));
        }
    }
    let aligns: Vec<Align> = table.columns.iter().map(|c| c.align).collect();
    if has_header {
        write_line(w, &header, &widths, &aligns)?;
    }
    for row in &rows {
        write_line(w, row, &widths, &aligns)?;
    }
    for note in &table.notes {
        writeln!(w, "{note}")?;
    }
    Ok(())
}

fn write_line(
    w: &mut impl Write,
    cells: &[String],
    widths: &[usize],
    aligns: &[Align],
) -> io::Result<()> {
    let mut line = String::from(INDENT);
    for (j, ((cell, &width), &align)) in cells.iter().zip(widths).zip(aligns).enumerate() {
        if j > 0 {
            line.push_str(GAP);
        }
        line.push_str(&pad(cell, width, align == Align::Left));
    }
    writeln!(w, "{}", line.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Column, Value};

    fn text(tables: &[Table]) -> String {
        let mut out = Vec::new();
        write_text(&mut out, tables).expect("a Vec takes every write");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn title_intro_header_rows_notes_in_order() {
        let mut t = Table::new("Title", vec![Column::left("a"), Column::right("b")]);
        t.intro.push("intro".into());
        t.push(vec![Value::text("x"), Value::Count(10)]);
        t.note("note");
        assert_eq!(text(&[t]), "Title\nintro\n  a   b\n  x  10\nnote\n");
    }

    #[test]
    fn tables_are_separated_by_a_blank_line_and_empty_headers_skipped() {
        let mut a = Table::new("A", vec![Column::left(""), Column::right("")]);
        a.push(vec![Value::text("k"), Value::Money(1.0)]);
        let b = Table::new("B", vec![]);
        assert_eq!(text(&[a, b]), "A\n  k  1\n\nB\n");
    }

    #[test]
    fn short_rows_show_missing_and_long_rows_are_cut() {
        let mut t = Table::new("", vec![Column::left("a"), Column::right("b")]);
        t.push(vec![Value::text("x")]);
        t.push(vec![
            Value::text("y"),
            Value::Count(1),
            Value::text("extra"),
        ]);
        assert_eq!(text(&[t]), "  a  b\n  x  -\n  y  1\n");
    }

    #[test]
    fn wide_characters_line_up() {
        let mut t = Table::new("", vec![Column::left("name"), Column::right("n")]);
        t.push(vec![Value::text("华阳镇"), Value::Count(1)]);
        t.push(vec![Value::text("baohua"), Value::Count(22)]);
        let out = text(&[t]);
        let ends: Vec<usize> = out.lines().map(display_width).collect();
        assert_eq!(ends, [12, 12, 12], "right column ends in one place:\n{out}");
    }
}
