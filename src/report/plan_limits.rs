//! The tables of what limits a plan: use and slack of each limit with the unspent money
//! explained, the best next yuan among placements with room, and the placements at capacity.

use super::table::{Column, Table, Value};
use crate::analysis::{Limits, NextUnit, ResourceUse};
use crate::core::{Measure, ResourceKind};
use crate::problem::Problem;

/// Rows of the "best next yuan" table.
pub(super) const NEXT_YUAN_ROWS: usize = 6;

/// An amount of a resource as a cell: money in yuan, hours to one decimal, units whole.
fn amount(kind: ResourceKind, x: f64) -> Value {
    match kind.measure() {
        Measure::Money => Value::Money(x),
        Measure::Hours => Value::number(x, 1),
        Measure::Units => Value::number(x, 0),
    }
}

/// Whether a limited resource gets a row: every limit but the per-week capacities of
/// placements, which appear only when they bind.
fn shown(r: &ResourceUse) -> bool {
    r.limit.is_some() && (r.binding || !matches!(r.kind, ResourceKind::WeekUnits(..)))
}

/// Every limit: used, limit, left, whether it binds; and what the unspent money means.
pub(super) fn limits_table(problem: &Problem, l: &Limits) -> Table {
    let mut t = Table::new(
        "Limits (binds: it stops a next unit that would prevent more loss)",
        vec![
            Column::left("limit"),
            Column::right("used"),
            Column::right("limit"),
            Column::right("left"),
            Column::left(""),
        ],
    );
    for r in l.resources.iter().filter(|r| shown(r)) {
        let limit = r.limit.unwrap_or(f64::INFINITY);
        t.push(vec![
            Value::text(&r.name),
            amount(r.kind, r.used),
            amount(r.kind, limit),
            amount(r.kind, r.slack.unwrap_or(0.0).max(0.0)),
            Value::text(if r.binding { "binds" } else { "" }),
        ]);
    }
    for line in unspent_sentences(problem, l) {
        t.note(line);
    }
    t
}

/// What the unspent money means, in sentences.
fn unspent_sentences(problem: &Problem, l: &Limits) -> Vec<String> {
    let cur = problem.currency();
    let mut out = Vec::new();
    if l.next_units.is_empty() {
        out.push("No further unit of any placement would prevent more loss.".to_string());
        return out;
    }
    let (Some(unspent), Some(money)) = (l.unspent, problem.money()) else {
        out.push("No money limit: the other limits above stop the plan.".to_string());
        return out;
    };
    let left = Value::Money(unspent).to_text();
    let of = Value::Money(money).to_text();
    if l.money_stops {
        out.push(format!("Unspent: {left} of {of} {cur}."));
        out.push(
            "The overall money limit binds: a larger budget buys more (best next yuan below)."
                .to_string(),
        );
        return out;
    }
    let stops = l.unbought_by_limit();
    out.push(format!(
        "Unspent: {left} of {of} {cur}, and the overall money limit stops no next unit."
    ));
    if stops.is_empty() {
        out.push(
            "Every next unit is stopped by another limit (or costs more than is left).".to_string(),
        );
    } else {
        out.push(format!(
            "What the {left} {cur} left could buy is stopped by:"
        ));
        for (name, n) in &stops {
            let s = if *n == 1 { "" } else { "s" };
            out.push(format!("  - {name}: the next unit of {n} placement{s}"));
        }
    }
    out.push(
        "Raising the overall budget alone buys nothing more; raise the limits that bind."
            .to_string(),
    );
    out
}

/// The placement of a next unit, with its week in a calendar problem.
fn placement(u: &NextUnit) -> Value {
    match u.week {
        Some(w) => Value::text(format!("{} (week {w})", u.placement)),
        None => Value::text(&u.placement),
    }
}

/// Loss per yuan of a next unit, `free` when it costs nothing.
fn per_yuan(u: &NextUnit) -> Value {
    u.per_yuan
        .map_or(Value::text("free"), |r| Value::number(r, 2))
}

/// The placements with room whose next unit prevents the most loss per yuan, and what stops
/// each.
pub(super) fn next_yuan(l: &Limits) -> Table {
    let mut t = Table::new(
        "Best next yuan (loss prevented per yuan of one more unit, placements with room)",
        vec![
            Column::left("placement"),
            Column::right("per yuan"),
            Column::right("units"),
            Column::right("capacity"),
            Column::left("next message"),
            Column::left("stopped by"),
        ],
    );
    for u in l
        .next_units
        .iter()
        .filter(|u| !u.at_capacity())
        .take(NEXT_YUAN_ROWS)
    {
        let stops: Vec<String> = u.stopped_by.iter().map(|s| s.name()).collect();
        t.push(vec![
            placement(u),
            per_yuan(u),
            Value::Count(u.units),
            Value::Count(u.capacity),
            Value::text(&u.message),
            Value::text(if stops.is_empty() {
                "-".to_string()
            } else {
                stops.join(", ")
            }),
        ]);
    }
    if t.rows.is_empty() {
        t.note("  (every placement whose next unit would help is at capacity)");
    }
    t
}

/// The placements at capacity whose next unit would still prevent loss: more capacity, not
/// more money, would let the plan buy them.
pub(super) fn at_capacity(l: &Limits) -> Table {
    let full: Vec<&NextUnit> = l.next_units.iter().filter(|u| u.at_capacity()).collect();
    if full.is_empty() {
        return Table::new("At capacity: none", Vec::new());
    }
    let mut t = Table::new(
        "At capacity (one more unit would pay, but the placement is full)",
        vec![
            Column::left("placement"),
            Column::right("per yuan"),
            Column::right("capacity"),
            Column::left("next message"),
        ],
    );
    for u in full {
        t.push(vec![
            placement(u),
            per_yuan(u),
            Value::Count(u.capacity),
            Value::text(&u.message),
        ]);
    }
    t
}
