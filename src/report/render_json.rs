//! The JSON renderers: tables as typed JSON, and the plan file.

use std::io::{self, Write};

use super::plan_file::PlanReport;
use super::table::Table;

/// Writes `tables` as a pretty-printed JSON array of
/// `{"title", "intro", "columns": [{"name", "align", "unit"}], "rows": [[...]], "notes"}`,
/// cells typed as on [`Value`](super::Value) (numbers in full, missing as `null`), then a
/// newline.
///
/// # Errors
///
/// The writer's.
///
/// # Example
///
/// ```
/// use fanzha::report::{write_json, Column, Table, Value};
///
/// let mut t = Table::new("KPIs", vec![Column::left(""), Column::right("").with_unit("CNY")]);
/// t.push(vec![Value::text("spend"), Value::Money(449830.0)]);
/// let mut out = Vec::new();
/// write_json(&mut out, &[t])?;
/// let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
/// assert_eq!(v[0]["rows"][0][1], 449830.0);
/// assert_eq!(v[0]["columns"][1]["unit"], "CNY");
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_json(w: &mut impl Write, tables: &[Table]) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, tables)?;
    writeln!(w)
}

/// Writes the plan file of `report` (its [`PlanReport::to_json`], the JSON contract of
/// `plan --json`), then a newline.
///
/// # Errors
///
/// The writer's.
///
/// # Example
///
/// ```
/// use fanzha::report::write_plan_json;
/// use fanzha::{scenarios, Greedy, PlanReport, Strategy};
///
/// let problem = scenarios::jurong_2023().compile()?;
/// let report = PlanReport::new(&problem, "greedy", &Greedy::default().plan(&problem)?)?;
/// let mut out = Vec::new();
/// write_plan_json(&mut out, &report)?;
/// let back = PlanReport::from_json(std::str::from_utf8(&out).unwrap())?;
/// assert_eq!(back.allocations, report.allocations);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_plan_json(w: &mut impl Write, report: &PlanReport) -> io::Result<()> {
    writeln!(w, "{}", report.to_json())
}
