//! The tables of what limits a plan: use and slack of each limit with the unspent money
//! explained, the best next yuan among placements with room, and the placements at capacity.

use super::table::{Column, Table, Value};
use crate::analysis::{Limits, NextUnit, ResourceUse, Stop};
use crate::core::{Measure, ResourceKind};
use crate::problem::Problem;

/// Rows of the "best next yuan" table.
pub(super) const NEXT_YUAN_ROWS: usize = 6;
/// Most rows of the "at capacity" table.
const AT_CAPACITY_ROWS: usize = 12;

/// An amount of a resource as a cell: money in yuan, hours to one decimal, units whole.
fn amount(kind: ResourceKind, x: f64) -> Value {
    match kind.measure() {
        Measure::Money => Value::Money(x),
        Measure::Hours => Value::number(x, 1),
        Measure::Units => Value::number(x, 0),
    }
}

/// Every limit: used, limit, left, whether it binds; and what the unspent money means. A
/// calendar's per-week limits are summed into one row per kind (and per placement), saying in
/// how many weeks they bind; per-week capacities appear only where they bind.
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
    for r in l.resources.iter().filter(|r| r.kind.week().is_none()) {
        let Some(limit) = r.limit else { continue };
        t.push(vec![
            Value::text(&r.name),
            amount(r.kind, r.used),
            amount(r.kind, limit),
            amount(r.kind, (limit - r.used).max(0.0)),
            Value::text(if r.binding { "binds" } else { "" }),
        ]);
    }
    for (name, kind, rows) in weekly_groups(problem, l) {
        let binding = rows.iter().filter(|r| r.binding).count();
        if binding == 0 && matches!(kind, ResourceKind::WeekUnits(..)) {
            continue;
        }
        let used: f64 = rows.iter().map(|r| r.used).sum();
        let limit: f64 = rows.iter().filter_map(|r| r.limit).sum();
        t.push(vec![
            Value::text(format!("{name}, all {} weeks", rows.len())),
            amount(kind, used),
            amount(kind, limit),
            amount(kind, (limit - used).max(0.0)),
            Value::text(if binding > 0 {
                format!(
                    "binds in {binding} week{}",
                    if binding == 1 { "" } else { "s" }
                )
            } else {
                String::new()
            }),
        ]);
    }
    for line in unspent_sentences(problem, l) {
        t.note(line);
    }
    t
}

/// A calendar's limited per-week resources grouped by kind (money, hours, each placement's
/// units), in first-seen order.
fn weekly_groups<'a>(
    problem: &Problem,
    l: &'a Limits,
) -> Vec<(String, ResourceKind, Vec<&'a ResourceUse>)> {
    let mut groups: Vec<(String, ResourceKind, Vec<&ResourceUse>)> = Vec::new();
    for r in l.resources.iter().filter(|r| r.limit.is_some()) {
        let name = match r.kind {
            ResourceKind::WeekMoney(_) => "money per week".to_string(),
            ResourceKind::WeekHours(_) => "staff hours per week".to_string(),
            ResourceKind::WeekUnits(k, _) => format!(
                "units per week of placement {:?}",
                problem.placements()[k.index()].id
            ),
            _ => continue,
        };
        match groups.iter_mut().find(|g| g.0 == name) {
            Some(g) => g.2.push(r),
            None => groups.push((name, r.kind, vec![r])),
        }
    }
    groups
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
    let stops = unbought_by_group(l);
    let noun = if problem.structure().weeks.is_some() {
        "placement-week"
    } else {
        "placement"
    };
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
            out.push(format!("  - {name}: the next unit of {n} {noun}{s}"));
        }
    }
    out.push(
        "Raising the overall budget alone buys nothing more; raise the limits that bind."
            .to_string(),
    );
    out
}

/// [`Limits::unbought_by_limit`] with a calendar's per-week limits counted by kind.
fn unbought_by_group(l: &Limits) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for u in l.unbought() {
        let mut names: Vec<String> = u
            .stopped_by
            .iter()
            .filter(|s| !s.is_money())
            .map(|s| match s {
                Stop::Resource { kind, name, .. } => match kind {
                    ResourceKind::WeekMoney(_) => "money per week".to_string(),
                    ResourceKind::WeekHours(_) => "staff hours per week".to_string(),
                    ResourceKind::WeekUnits(..) => "placement capacity per week".to_string(),
                    _ => name.clone(),
                },
                other => other.name(),
            })
            .collect();
        names.dedup();
        for name in names {
            match counts.iter_mut().find(|(n, _)| *n == name) {
                Some((_, c)) => *c += 1,
                None => counts.push((name, 1)),
            }
        }
    }
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    counts
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
    let more = full.len().saturating_sub(AT_CAPACITY_ROWS);
    for u in full.into_iter().take(AT_CAPACITY_ROWS) {
        t.push(vec![
            placement(u),
            per_yuan(u),
            Value::Count(u.capacity),
            Value::text(&u.message),
        ]);
    }
    if more > 0 {
        t.note(format!("  ... and {more} more"));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::limits;
    use crate::optimize::{Greedy, Strategy};
    use crate::scenarios;

    #[test]
    fn without_a_money_limit_the_other_limits_are_named() {
        let mut problem = scenarios::jurong_2023().compile().expect("compiles");
        problem.set_money(None).expect("valid");
        let plan = Greedy::default().plan(&problem).expect("plans");
        let t = limits_table(&problem, &limits(&problem, &plan).expect("limits"));
        assert!(t.row("money").is_none(), "no row for an unlimited money");
        assert!(
            t.notes.iter().any(|n| n.starts_with("No money limit")),
            "{t:?}"
        );
    }

    #[test]
    fn a_calendars_weekly_limits_are_one_row_per_kind() {
        let sc = scenarios::jurong_2023();
        let yearly = sc.compile().expect("compiles");
        let mut cal = sc
            .compile_calendar(&yearly)
            .expect("compiles")
            .expect("a calendar")
            .with_weeks(2)
            .expect("2 weeks");
        cal.floors_every = crate::calendar::FloorsEvery::None;
        let problem = cal.unroll(&yearly).expect("unrolls");
        let plan = Greedy::default().plan(&problem).expect("plans");
        let l = limits(&problem, &plan).expect("limits");
        let t = limits_table(&problem, &l);
        let hours: Vec<_> = t
            .rows
            .iter()
            .filter(|r| r[0].to_text().starts_with("staff hours per week"))
            .collect();
        assert_eq!(hours.len(), 1, "{t:?}");
        assert_eq!(hours[0][0].to_text(), "staff hours per week, all 2 weeks");
        assert!(!t.rows.iter().any(|r| r[0].to_text().contains("of week")));
        assert!(at_capacity(&l).rows.len() <= AT_CAPACITY_ROWS);
    }
}
