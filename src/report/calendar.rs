//! Tables of a calendar plan: what to run each week, and what it prevents each week.

use crate::core::{ArmId, CellId, SegmentId, WeekId};
use crate::error::{Error, Item};
use crate::plan::Plan;
use crate::problem::{Problem, Weeks};
use crate::response;

use super::table::{Column, Table, Value};

fn weeks_of(problem: &Problem) -> Result<&Weeks, Error> {
    problem
        .structure()
        .weeks
        .as_ref()
        .ok_or_else(|| Error::Invalid {
            item: Item::new("problem", problem.name()),
            field: "weeks".into(),
            problem: "is not a calendar problem (unroll it with a calendar)".into(),
        })
}

/// The tables of calendar plan `plan` on calendar problem `problem`:
///
/// 1. **Calendar**: one row per placement the plan uses, one column per campaign week, the
///    units to run; then each week's unit costs and staff hours.
/// 2. **Week by week**: every (week, placement, message) with units: the list to follow.
/// 3. **Prevented loss by week**: per week of the horizon (campaign and tail), the loss
///    prevented and the risk reduction per group (weighted by value at risk over its
///    segments and threats).
///
/// # Errors
///
/// [`Error::Invalid`] when `problem` is not a calendar problem; [`Error::Mismatch`] when the
/// plan is for another problem.
///
/// # Example
///
/// ```
/// use fanzha::calendar::{Calendar, FloorsEvery};
/// use fanzha::{report, scenarios, strategy};
///
/// let yearly = scenarios::jurong_2023().compile()?;
/// let mut calendar = Calendar::new(&yearly, 2, 45, 0.5)?;
/// calendar.floors_every = FloorsEvery::None;
/// let weekly = calendar.unroll(&yearly)?;
/// let plan = strategy("greedy")?.plan(&weekly)?;
/// let tables = report::calendar_tables(&weekly, &plan)?;
/// assert_eq!(tables[0].columns.len(), 2 + 2); // placement, w1, w2, total
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn calendar_tables(problem: &Problem, plan: &Plan) -> Result<Vec<Table>, Error> {
    let w = weeks_of(problem)?;
    plan.usage(problem)?;
    Ok(vec![
        grid(problem, w, plan),
        schedule(problem, w, plan),
        by_week(problem, w, plan)?,
    ])
}

fn week_label(w: &Weeks, t: usize) -> Value {
    Value::text(format!(
        "{} (wk {})",
        t + 1,
        w.calendar_week(WeekId::new(t))
    ))
}

fn grid(problem: &Problem, w: &Weeks, plan: &Plan) -> Table {
    let n_k = problem.placements().len();
    let mut units = vec![vec![0u64; w.weeks]; n_k];
    for (a, &x) in plan.units().iter().enumerate() {
        let t = w.arm_week(ArmId::new(a)).index();
        units[problem.arms()[a].placement.index()][t] += x;
    }
    let mut columns = vec![Column::left("placement")];
    columns.extend((0..w.weeks).map(|t| Column::right(format!("w{}", t + 1))));
    columns.push(Column::right("total"));
    let mut table = Table::new("Calendar: units of each placement per week", columns);
    table.intro.push(format!(
        "{} campaign weeks: w1 is calendar week {}; setup and production costs are paid once, \
         from the campaign's money",
        w.weeks, w.start_week
    ));
    let (mut spend, mut hours) = (vec![0.0; w.weeks], vec![0.0; w.weeks]);
    for (k, row) in units.iter().enumerate() {
        let total: u64 = row.iter().sum();
        if total == 0 {
            continue;
        }
        let pl = problem.placement(crate::core::PlacementId::new(k));
        let mut cells = vec![Value::text(problem.placements()[k].id.clone())];
        for (t, &x) in row.iter().enumerate() {
            spend[t] += pl.unit_cost * x as f64;
            hours[t] += pl.staff_hours * x as f64;
            cells.push(if x > 0 {
                Value::Count(x)
            } else {
                Value::Missing
            });
        }
        cells.push(Value::Count(total));
        table.push(cells);
    }
    let sum = |v: &[f64]| v.iter().sum::<f64>();
    let mut row = vec![Value::text(format!("unit costs ({})", problem.currency()))];
    row.extend(spend.iter().map(|&x| Value::Money(x)));
    row.push(Value::Money(sum(&spend)));
    table.push(row);
    let mut row = vec![Value::text("staff hours")];
    row.extend(hours.iter().map(|&x| Value::number(x, 0)));
    row.push(Value::number(sum(&hours), 0));
    table.push(row);
    table
}

fn schedule(problem: &Problem, w: &Weeks, plan: &Plan) -> Table {
    let mut table = Table::new(
        "Week by week: what to run",
        vec![
            Column::left("week"),
            Column::left("placement"),
            Column::left("message"),
            Column::right("units"),
        ],
    );
    let mut rows: Vec<(usize, usize, usize, u64)> = plan
        .units()
        .iter()
        .enumerate()
        .filter(|(_, x)| **x > 0)
        .map(|(a, &x)| {
            let arm = &problem.arms()[a];
            let t = w.arm_week(ArmId::new(a)).index();
            (t, arm.placement.index(), arm.message.index(), x)
        })
        .collect();
    rows.sort_unstable();
    for (t, k, m, x) in rows {
        table.push(vec![
            week_label(w, t),
            Value::text(problem.placements()[k].id.clone()),
            Value::text(problem.messages()[m].id.clone()),
            Value::Count(x),
        ]);
    }
    table
}

/// Per week of the horizon: prevented loss and each group's reduction.
fn by_week(problem: &Problem, w: &Weeks, plan: &Plan) -> Result<Table, Error> {
    let e = plan.absorbed(problem)?;
    let n_g = problem.groups().len();
    let mut columns = vec![
        Column::left("week"),
        Column::right(format!("prevented ({})", problem.currency())),
    ];
    columns.extend(
        problem
            .groups()
            .iter()
            .map(|g| Column::right(format!("{g} %"))),
    );
    let mut table = Table::new("Prevented loss and risk reduction by week", columns);
    table.intro.push(format!(
        "weeks {}-{} are after the campaign: remembered warnings still prevent loss",
        w.weeks + 1,
        w.horizon()
    ));
    let n_f = problem.threat_count();
    for u in 0..w.horizon() {
        let mut prevented = 0.0;
        let (mut num, mut den) = (vec![0.0; n_g], vec![0.0; n_g]);
        for s in 0..w.yearly_segments {
            let seg = w.segment(SegmentId::new(s), WeekId::new(u));
            let g = problem.segments()[seg.index()].group.index();
            for f in 0..n_f {
                let c = CellId::of(seg, crate::core::ThreatId::new(f), n_f);
                let cell = &problem.cells()[c.index()];
                let r = response::reduction(cell.ceiling, cell.scale, e[c.index()]);
                let at_risk = problem.value_at_risk(c);
                prevented += at_risk * r;
                num[g] += at_risk * r;
                den[g] += at_risk;
            }
        }
        let label = if u < w.weeks {
            week_label(w, u)
        } else {
            Value::text(format!(
                "{} (wk {}, after)",
                u + 1,
                w.calendar_week(WeekId::new(u))
            ))
        };
        let mut row = vec![label, Value::Money(prevented)];
        row.extend((0..n_g).map(|g| {
            if den[g] > 0.0 {
                Value::share(num[g] / den[g], 2)
            } else {
                Value::Missing
            }
        }));
        table.push(row);
    }
    Ok(table)
}

/// Per week of the horizon, group and threat: the risk reduction and the loss prevented (a
/// long table, for CSV).
///
/// # Errors
///
/// As [`calendar_tables`].
pub fn risk_by_week(problem: &Problem, plan: &Plan) -> Result<Table, Error> {
    let w = weeks_of(problem)?;
    let e = plan.absorbed(problem)?;
    let n_f = problem.threat_count();
    let n_g = problem.groups().len();
    let mut table = Table::new(
        "Risk reduction by week, group and threat",
        vec![
            Column::right("week"),
            Column::right("calendar_week"),
            Column::left("group"),
            Column::left("threat"),
            Column::right("reduction"),
            Column::right("prevented"),
        ],
    );
    for u in 0..w.horizon() {
        let (mut num, mut den) = (vec![0.0; n_g * n_f], vec![0.0; n_g * n_f]);
        for s in 0..w.yearly_segments {
            let seg = w.segment(SegmentId::new(s), WeekId::new(u));
            let g = problem.segments()[seg.index()].group.index();
            for f in 0..n_f {
                let c = CellId::of(seg, crate::core::ThreatId::new(f), n_f);
                let cell = &problem.cells()[c.index()];
                let r = response::reduction(cell.ceiling, cell.scale, e[c.index()]);
                num[g * n_f + f] += problem.value_at_risk(c) * r;
                den[g * n_f + f] += problem.value_at_risk(c);
            }
        }
        for g in 0..n_g {
            for f in 0..n_f {
                let i = g * n_f + f;
                if den[i] <= 0.0 {
                    continue;
                }
                table.push(vec![
                    Value::Count(u as u64 + 1),
                    Value::Count(w.calendar_week(WeekId::new(u)) as u64),
                    Value::text(problem.groups()[g].clone()),
                    Value::text(problem.threats()[f].id.clone()),
                    Value::number(num[i] / den[i], 6),
                    Value::Money(num[i]),
                ]);
            }
        }
    }
    Ok(table)
}
