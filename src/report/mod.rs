//! Reports: the plan file, KPI tables and their renderers.
//!
//! ```text
//! Problem + PlanReport ─plan_tables→ [Table] ─write_text / write_csv / write_json→ impl io::Write
//! Problem + Measured ─compare::Instance::score→ Instance ─table / csv_table→ [Table]
//! ```
//!
//! - [`PlanReport`] is the plan file (`plan --json`, `plan --evaluate FILE`): its serde
//!   field names are the JSON contract; [`write_plan_json`] writes it.
//! - [`Table`] is a small typed table model: [`Column`]s (name, [`Align`], unit) and rows of
//!   [`Value`]s (text, money, count, share, number, missing). Text rounds numbers for people;
//!   CSV and JSON keep them in full.
//! - [`plan_tables`] writes up one plan (with an optional [`Baseline`]); [`compare`] scores
//!   strategies on many instances against certified bounds, and [`comparison`] gives its
//!   tables.
//! - Renderers take `&mut impl std::io::Write` and return its errors; nothing here prints.
//!
//! # Example
//!
//! ```
//! use fanzha::report::{plan_tables, write_csv, write_text};
//! use fanzha::{scenarios, Greedy, PlanReport, Strategy};
//!
//! let problem = scenarios::jurong_2023().compile()?;
//! let report = PlanReport::new(&problem, "greedy", &Greedy::default().plan(&problem)?)?;
//! let tables = plan_tables(&problem, &report, None)?;
//!
//! let mut text = Vec::new();
//! write_text(&mut text, &tables).unwrap();
//! assert!(String::from_utf8(text).unwrap().contains("KPIs (per year)"));
//!
//! let mut csv = Vec::new();
//! write_csv(&mut csv, &tables[1]).unwrap(); // the plan's lines
//! assert!(String::from_utf8(csv).unwrap().starts_with("placement,message,units,unit,spend,paid by\n"));
//! # Ok::<(), fanzha::Error>(())
//! ```

mod analysis_tables;
mod calendar;
pub mod compare;
pub mod html;
mod plan_file;
mod plan_limits;
mod plan_tables;
mod render_csv;
mod render_json;
mod render_text;
pub mod svg;
mod table;
mod uncertainty;
mod width;

pub use analysis_tables::{floor_price_table, frontier_table, siloed_table, target_table};
pub use calendar::{calendar_tables, risk_by_week};
pub use compare::comparison;
pub use plan_file::{PLAN_FILE_LIMIT, PlanReport};
pub use plan_tables::{Baseline, plan_tables};
pub use plan_tables::{floor_table, limit_tables};
pub use render_csv::{CsvWriter, write_csv};
pub use render_json::{write_json, write_plan_json};
pub use render_text::write_text;
pub use table::{Align, Column, Table, Value};
pub use uncertainty::{
    Clamped, RobustReport, UncertaintyReport, VersusBaseline, plan_json_with_uncertainty,
    robust_table, uncertainty_tables, write_plan_json_with_uncertainty,
};
pub use width::display_width;
