//! The page's text sections: header, KPIs, task lists, limits, floors, joint vs siloed.

use super::charts::{bars, fmt_num};
use super::doc::{Cell, Html};
use super::{Ctx, Lang};
use crate::analysis::Stop;
use crate::core::{ArmId, ResourceId, ResourceKind};
use crate::error::Error;

/// A money amount with the currency.
pub(super) fn money(ctx: &Ctx<'_>, x: f64) -> String {
    format!("{} {}", fmt_num(x, 0), ctx.currency())
}

/// A share as a percentage.
pub(super) fn pct(x: f64, decimals: usize) -> String {
    format!("{}%", fmt_num(100.0 * x, decimals))
}

/// A department's name (its id as written), or "no department".
fn department(ctx: &Ctx<'_>, d: Option<crate::core::DepartmentId>) -> String {
    match d {
        Some(d) => ctx.page.problem.departments()[d.index()].id.clone(),
        None => ctx.s.no_department.to_string(),
    }
}

/// A resource's readable name in the page's language.
pub(super) fn resource_label(ctx: &Ctx<'_>, r: ResourceId) -> String {
    let p = ctx.page.problem;
    let Some(&kind) = p.resources().get(r.index()) else {
        return String::new();
    };
    let zh = ctx.page.lang == Lang::Zh;
    let dept = |d: crate::core::DepartmentId| department(ctx, Some(d));
    match kind {
        ResourceKind::Money => ctx.s.money_limit.to_string(),
        ResourceKind::StaffHours => ctx.s.hours_limit.to_string(),
        ResourceKind::DepartmentMoney(d) => format!("{} {}", dept(d), ctx.s.money_limit),
        ResourceKind::DepartmentHours(d) => format!("{} {}", dept(d), ctx.s.hours_limit),
        ResourceKind::WeekMoney(w) if zh => format!("第{}周{}", w.index() + 1, ctx.s.money_limit),
        ResourceKind::WeekHours(w) if zh => format!("第{}周{}", w.index() + 1, ctx.s.hours_limit),
        ResourceKind::WeekMoney(w) => format!("week {} money", w.index() + 1),
        ResourceKind::WeekHours(w) => format!("week {} staff hours", w.index() + 1),
        ResourceKind::WeekUnits(k, w) => {
            let id = &p.placements()[k.index()].id;
            if zh {
                format!("{id} 第{}周容量", w.index() + 1)
            } else {
                format!("{id} week {} capacity", w.index() + 1)
            }
        }
    }
}

/// Title, scenario, strategy and limits.
pub(super) fn header(h: &mut Html, ctx: &Ctx<'_>) {
    let (p, s) = (ctx.page.problem, ctx.s);
    h.el("h1", &[], &format!("{} · {}", p.name(), s.title));
    let limit = |l: Option<f64>, f: &dyn Fn(f64) -> String| l.map_or(s.unlimited.to_string(), f);
    let line = format!(
        "{} {} · {} {} · {} {}",
        s.strategy,
        ctx.page.report.strategy,
        s.money_limit,
        limit(p.money(), &|x| money(ctx, x)),
        s.hours_limit,
        limit(p.staff_hours(), &|x| fmt_num(x, 0)),
    );
    h.el("p", &[("class", "sub")], &line);
}

fn kpi(h: &mut Html, label: &str, value: &str, detail: &str) {
    h.open("div", &[("class", "kpi")]);
    h.el("div", &[("class", "l")], label);
    h.el("div", &[("class", "v")], value);
    if !detail.is_empty() {
        h.el("div", &[("class", "d")], detail);
    }
    h.close("div");
}

/// The headline figures as cards.
pub(super) fn kpis(h: &mut Html, ctx: &Ctx<'_>) {
    let (o, s, p) = (&ctx.outcome, ctx.s, ctx.page.problem);
    h.el("h2", &[], s.kpis);
    h.open("div", &[("class", "kpis")]);
    let at_risk = format!("{} {}", s.loss_at_risk, money(ctx, o.loss_at_risk));
    kpi(
        h,
        s.prevented_loss,
        &money(ctx, o.prevented_loss),
        &format!("{} · {at_risk}", s.per_year),
    );
    let cases = format!(
        "{} / {}",
        fmt_num(o.prevented_cases, 0),
        fmt_num(o.cases_at_risk, 0)
    );
    kpi(h, s.prevented_cases, &cases, s.per_year);
    let of = |used: f64, l: Option<f64>| {
        l.map_or(String::new(), |l| {
            let share = if l > 0.0 {
                pct(used / l, 0)
            } else {
                String::new()
            };
            format!("{} {} ({share})", s.of_limit, fmt_num(l, 0))
        })
    };
    kpi(h, s.spend, &money(ctx, o.spend), &of(o.spend, p.money()));
    kpi(
        h,
        s.staff_hours,
        &fmt_num(o.staff_hours, 0),
        &of(o.staff_hours, p.staff_hours()),
    );
    match (o.upper_bound, o.gap) {
        (Some(b), Some(g)) => kpi(
            h,
            s.bound,
            &money(ctx, b),
            &format!("{} {}", s.gap_at_most, pct(g, 1)),
        ),
        _ => kpi(h, s.bound, s.no_bound, ""),
    }
    if let Some(b) = ctx.page.baseline {
        let ratio = o.prevented_loss / b.outcome.prevented_loss.max(f64::MIN_POSITIVE);
        let detail = format!("{} {}", money(ctx, b.outcome.prevented_loss), s.per_year);
        let value = match ctx.page.lang {
            Lang::Zh => format!("{} 的 {ratio:.1} {}", b.name, s.times_baseline),
            Lang::En => format!("{ratio:.1} {} of {}", s.times_baseline, b.name),
        };
        kpi(h, s.versus, &value, &detail);
    }
    kpi(
        h,
        s.reach,
        &pct(o.reach, 0),
        &format!("{} {}", s.effective_reach, pct(o.effective_reach, 0)),
    );
    if let Some(c) = o.cost_per_prevented_case {
        kpi(h, s.cost_per_case, &money(ctx, c), "");
    }
    h.close("div");
}

/// One task: a (message, placement) pair with its units over the weeks.
struct Task {
    arm: ArmId,
    units: u64,
    weeks: Vec<usize>,
}

/// The plan's tasks, grouped by (message, placement) over the weeks.
fn tasks_of(ctx: &Ctx<'_>) -> Vec<Task> {
    let p = ctx.page.problem;
    let weeks = p.structure().weeks.as_ref();
    let mut out: Vec<Task> = Vec::new();
    for (a, &x) in ctx.page.plan.units().iter().enumerate() {
        if x == 0 {
            continue;
        }
        let arm = &p.arms()[a];
        let week = weeks.map(|w| w.arm_week(ArmId::new(a)).index() + 1);
        let same = |t: &&mut Task| {
            let b = &p.arms()[t.arm.index()];
            b.message == arm.message && b.placement == arm.placement
        };
        match out.iter_mut().find(same) {
            Some(t) => {
                t.units += x;
                t.weeks.extend(week);
            }
            None => out.push(Task {
                arm: ArmId::new(a),
                units: x,
                weeks: week.into_iter().collect(),
            }),
        }
    }
    out
}

/// Weeks as runs: `1–4, 7`.
fn runs(weeks: &[usize]) -> String {
    let mut w = weeks.to_vec();
    w.sort_unstable();
    w.dedup();
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < w.len() {
        let mut j = i;
        while j + 1 < w.len() && w[j + 1] == w[j] + 1 {
            j += 1;
        }
        parts.push(if i == j {
            w[i].to_string()
        } else {
            format!("{}–{}", w[i], w[j])
        });
        i = j + 1;
    }
    parts.join(", ")
}

/// Per department, the table of what to run (the placement's owner runs it).
pub(super) fn tasks(h: &mut Html, ctx: &Ctx<'_>) -> Result<(), Error> {
    let (p, s) = (ctx.page.problem, ctx.s);
    h.el("h2", &[], s.tasks);
    h.el("p", &[("class", "note")], s.tasks_intro);
    let tasks = tasks_of(ctx);
    let mut owners: Vec<Option<crate::core::DepartmentId>> = (0..p.departments().len())
        .map(|d| Some(crate::core::DepartmentId::new(d)))
        .collect();
    owners.push(None);
    for owner in owners {
        let mine: Vec<&Task> = tasks
            .iter()
            .filter(|t| p.placements()[p.arms()[t.arm.index()].placement.index()].owner == owner)
            .collect();
        let produces = produced_by(ctx, owner);
        if mine.is_empty() && produces.is_empty() && owner.is_none() {
            continue;
        }
        h.el("h3", &[], &department(ctx, owner));
        department_limits(h, ctx, owner);
        if mine.is_empty() && produces.is_empty() {
            h.el("p", &[("class", "note")], s.nothing_to_do);
            continue;
        }
        task_table(h, ctx, &mine, owner, &produces);
    }
    Ok(())
}

/// The messages the plan uses whose production `owner` pays: (id, cost).
fn produced_by(ctx: &Ctx<'_>, owner: Option<crate::core::DepartmentId>) -> Vec<(String, f64)> {
    let p = ctx.page.problem;
    let plan = ctx.page.plan;
    p.messages()
        .iter()
        .enumerate()
        .filter(|(m, info)| {
            info.owner == owner
                && p.arms_of_message(crate::core::MessageId::new(*m))
                    .iter()
                    .any(|a| plan.get(*a) > 0)
        })
        .map(|(m, info)| {
            (
                info.id.clone(),
                p.production_cost(crate::core::MessageId::new(m)),
            )
        })
        .filter(|(_, c)| *c > 0.0)
        .collect()
}

fn task_table(
    h: &mut Html,
    ctx: &Ctx<'_>,
    mine: &[&Task],
    owner: Option<crate::core::DepartmentId>,
    produces: &[(String, f64)],
) {
    let (p, s) = (ctx.page.problem, ctx.s);
    let mut rows = Vec::new();
    let (mut cost, mut hours) = (0.0, 0.0);
    let mut setups: Vec<usize> = Vec::new();
    for t in mine {
        let arm = &p.arms()[t.arm.index()];
        let (k, m) = (arm.placement, arm.message);
        let (pl, info) = (p.placement(k), &p.placements()[k.index()]);
        let msg = &p.messages()[m.index()];
        let c = pl.unit_cost * t.units as f64;
        let hr = pl.staff_hours * t.units as f64;
        (cost, hours) = (cost + c, hours + hr);
        if !setups.contains(&k.index()) && pl.setup_cost > 0.0 {
            setups.push(k.index());
        }
        let when = if t.weeks.is_empty() {
            s.all_year.to_string()
        } else {
            format!("{} {}", s.weeks, runs(&t.weeks))
        };
        rows.push(vec![
            Cell::text(format!("{} ({} {})", msg.id, s.format, msg.format)),
            Cell::text(info.id.clone()),
            Cell::text(p.channels()[info.channel.index()].name.clone()),
            Cell::num(format!("{} × {}", fmt_num(t.units as f64, 0), info.unit)),
            Cell::keep(when),
            Cell::num(money(ctx, c)),
            Cell::num(fmt_num(hr, 1)),
        ]);
    }
    for k in setups {
        let c = p.placement(crate::core::PlacementId::new(k)).setup_cost;
        cost += c;
        let what = format!("{} · {}", s.setup, p.placements()[k].id);
        rows.push(once_row(ctx, what, c));
    }
    for (id, c) in produces {
        cost += c;
        rows.push(once_row(ctx, format!("{} · {id}", s.production), *c));
    }
    let _ = owner;
    rows.push(vec![
        Cell::text(s.total),
        Cell::text(""),
        Cell::text(""),
        Cell::text(""),
        Cell::text(""),
        Cell::num(money(ctx, cost)),
        Cell::num(fmt_num(hours, 1)),
    ]);
    let header = [
        s.what, s.where_, s.channel, s.how_many, s.when, s.cost, s.hours,
    ];
    h.table(&header, &rows);
}

fn once_row(ctx: &Ctx<'_>, what: String, cost: f64) -> Vec<Cell> {
    vec![
        Cell::text(what),
        Cell::text(""),
        Cell::text(""),
        Cell::text(""),
        Cell::text(""),
        Cell::num(money(ctx, cost)),
        Cell::num(""),
    ]
}

/// A department's money and hours: used, limit, and whether it binds.
fn department_limits(h: &mut Html, ctx: &Ctx<'_>, owner: Option<crate::core::DepartmentId>) {
    let (Some(l), Some(d)) = (ctx.page.limits, owner) else {
        return;
    };
    let mine = l.resources.iter().filter(|r| {
        r.limit.is_some()
            && matches!(r.kind, ResourceKind::DepartmentMoney(x) | ResourceKind::DepartmentHours(x) if x == d)
    });
    for r in mine {
        let text = format!(
            "{}: {} {} {} {}",
            resource_label(ctx, r.resource),
            ctx.s.used,
            fmt_num(r.used, 0),
            ctx.s.of_limit,
            fmt_num(r.limit.unwrap_or(0.0), 0)
        );
        h.open("p", &[("class", "note")]);
        h.text(&text);
        if r.binding {
            h.text(" · ");
            h.el("span", &[("class", "bind")], ctx.s.binds);
        }
        h.close("p");
    }
}

/// Every limit with its use, and what the unspent money could not buy.
pub(super) fn limits(h: &mut Html, ctx: &Ctx<'_>) {
    let Some(l) = ctx.page.limits else { return };
    let s = ctx.s;
    h.el("h2", &[], s.limits);
    let rows: Vec<Vec<Cell>> = l
        .resources
        .iter()
        .filter(|r| r.limit.is_some() && !matches!(r.kind, ResourceKind::WeekUnits(..)))
        .map(|r| {
            vec![
                Cell::text(resource_label(ctx, r.resource)),
                Cell::num(fmt_num(r.used, 0)),
                Cell::num(fmt_num(r.limit.unwrap_or(0.0), 0)),
                Cell::num(fmt_num(r.slack.unwrap_or(0.0), 0)),
                Cell::text(if r.binding { s.binds } else { "" }),
            ]
        })
        .collect();
    h.table(&[s.limit, s.used, s.limit, s.left, ""], &rows);
    let full_weeks = l
        .resources
        .iter()
        .filter(|r| r.binding && matches!(r.kind, ResourceKind::WeekUnits(..)))
        .count();
    if full_weeks > 0 {
        let text = format!("{}: {full_weeks}", s.full_weeks);
        h.el("p", &[("class", "note")], &text);
    }
    if let Some(u) = l.unspent.filter(|u| *u > 0.5) {
        h.open("p", &[]);
        h.el(
            "strong",
            &[],
            &format!("{}: {}. ", s.unspent, money(ctx, u)),
        );
        let mut counts: Vec<(String, usize)> = Vec::new();
        for unit in l.unbought() {
            for stop in unit.stopped_by.iter().filter(|x| !x.is_money()) {
                let name = match stop {
                    Stop::Resource { resource, .. } => resource_label(ctx, *resource),
                    _ => stop.name(),
                };
                match counts.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, c)) => *c += 1,
                    None => counts.push((name, 1)),
                }
            }
        }
        if !counts.is_empty() {
            let list: Vec<String> = counts
                .iter()
                .map(|(n, c)| format!("{n} ({c} {})", s.placements_word))
                .collect();
            h.text(&format!("{} {}", s.unspent_why, list.join(", ")));
        }
        h.close("p");
    }
}

/// Each floor's status, and its price when computed.
pub(super) fn floors(h: &mut Html, ctx: &Ctx<'_>) {
    let s = ctx.s;
    let Some(floors) = ctx.page.floors else {
        return;
    };
    h.el("h2", &[], s.floors);
    if floors.is_empty() {
        h.el("p", &[("class", "note")], s.no_floors);
        return;
    }
    let rows: Vec<Vec<Cell>> = floors
        .iter()
        .map(|f| {
            vec![
                Cell::text(f.group.clone()),
                Cell::text(f.region.clone()),
                Cell::text(f.threat_name.clone()),
                Cell::num(pct(f.min_reduction, 1)),
                Cell::num(pct(f.reduction, 1)),
                Cell::text(if f.met { s.met } else { s.not_met }),
            ]
        })
        .collect();
    h.table(
        &[s.group, s.region, s.threat, s.required, s.reached, ""],
        &rows,
    );
    let Some(prices) = ctx.page.floor_prices.filter(|p| !p.is_empty()) else {
        return;
    };
    h.el("h3", &[], s.floor_price);
    h.el("p", &[("class", "note")], s.floor_price_intro);
    let rows: Vec<Vec<Cell>> = prices
        .iter()
        .map(|f| {
            let threats: Vec<String> = f.threats.iter().map(|t| ctx.threat_name(t)).collect();
            vec![
                Cell::text(format!("{} · {}", f.groups.join(", "), threats.join(", "))),
                Cell::num(pct(f.min_reduction, 1)),
                Cell::num(money(ctx, f.value_with)),
                Cell::num(money(ctx, f.value_without)),
                Cell::num(money(ctx, f.price)),
                Cell::num(f.price_at_most.map_or(String::new(), |x| money(ctx, x))),
            ]
        })
        .collect();
    let header = [
        s.floors,
        s.required,
        s.value_with,
        s.value_without,
        s.price,
        s.price_at_most,
    ];
    h.table(&header, &rows);
}

/// Joint against siloed planning, as bars.
pub(super) fn siloed(h: &mut Html, ctx: &Ctx<'_>) {
    let Some(si) = ctx.page.siloed else { return };
    let s = ctx.s;
    h.el("h2", &[], s.siloed);
    h.el("p", &[("class", "note")], s.siloed_intro);
    let mut rows = vec![
        (s.joint_plan.to_string(), si.joint),
        (s.siloed_total.to_string(), si.siloed_total),
    ];
    rows.extend(
        si.per_department
            .iter()
            .map(|d| (format!("{} ({})", d.department, s.alone), d.value_alone)),
    );
    let share = si.value_of_planning_together / si.siloed_total.max(f64::MIN_POSITIVE);
    h.el(
        "p",
        &[],
        &format!(
            "{} {} (+{})",
            s.together_worth,
            money(ctx, si.value_of_planning_together),
            pct(share, 0)
        ),
    );
    h.figure(s.siloed, &bars(s.siloed, &rows, |v| money(ctx, v)));
}

#[cfg(test)]
mod tests {
    use super::runs;

    #[test]
    fn weeks_are_shown_as_runs() {
        assert_eq!(runs(&[3, 1, 2, 7, 9, 8]), "1–3, 7–9");
        assert_eq!(runs(&[5]), "5");
    }
}
