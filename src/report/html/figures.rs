//! The page's charts: the plan's numbers turned into the plain data of [`super::charts`].

use super::charts::{LineChart, RangeRow, Series, bars, fmt_num, heat_map, line_chart, ranges};
use super::doc::Html;
use super::sections::{money, pct};
use super::{Ctx, Lang};
use crate::core::{ArmId, PlacementId, WeekId};
use crate::error::Error;
use crate::evaluate::totals;

/// Placements drawn in the response chart.
const RESPONSE_PLACEMENTS: usize = 4;
/// Points per response curve (the plan's units scaled from 0 to 2x).
const RESPONSE_STEPS: usize = 16;
/// Rows of the tornado.
const TORNADO_ROWS: usize = 10;

/// The budget frontier with the bound band, the baseline, the knee and today's budget.
pub(super) fn frontier(h: &mut Html, ctx: &Ctx<'_>) {
    let Some(f) = ctx.page.frontier else { return };
    let s = ctx.s;
    h.el("h2", &[], s.frontier);
    h.el("p", &[("class", "note")], s.frontier_intro);
    let value: Vec<(f64, f64)> = f
        .points
        .iter()
        .filter_map(|p| Some((p.budget, p.value?)))
        .collect();
    let base: Vec<(f64, f64)> = f
        .points
        .iter()
        .filter_map(|p| Some((p.budget, p.baseline?)))
        .collect();
    let band: Vec<(f64, f64, f64)> = f
        .points
        .iter()
        .filter_map(|p| Some((p.budget, p.value?, p.bound?)))
        .collect();
    let marks = f
        .knee
        .and_then(|k| f.points.get(k))
        .and_then(|p| {
            Some((
                p.budget,
                p.value?,
                format!("{} {}", s.knee, money(ctx, p.budget)),
                3,
            ))
        })
        .into_iter()
        .collect();
    let vlines = ctx
        .page
        .problem
        .money()
        .map(|m| (m, s.current_budget.to_string()))
        .into_iter()
        .collect();
    let chart = LineChart {
        title: s.frontier.to_string(),
        x_label: format!("{} ({})", s.budget, ctx.currency()),
        y_label: format!("{} ({})", s.prevented_loss, ctx.currency()),
        series: vec![
            Series {
                name: format!("{} ({})", s.prevented_loss, f.strategy),
                points: value,
                dashed: false,
            },
            Series {
                name: f.baseline.clone(),
                points: base,
                dashed: true,
            },
        ],
        band: Some((s.bound_band.to_string(), band)),
        marks,
        vlines,
        from_zero: true,
    };
    h.figure(s.frontier, &line_chart(&chart));
}

/// Spend by department (placements by owner, messages by owner) and by channel.
pub(super) fn spend(h: &mut Html, ctx: &Ctx<'_>) {
    let (p, s) = (ctx.page.problem, ctx.s);
    let n_d = p.departments().len();
    let mut by_dept = vec![0.0; n_d + 1];
    let mut by_channel = vec![0.0; p.channels().len()];
    for po in &ctx.outcome.placements {
        let Some(info) = p.placements().iter().find(|i| i.id == po.placement) else {
            continue;
        };
        by_dept[info.owner.map_or(n_d, |d| d.index())] += po.spend;
        by_channel[info.channel.index()] += po.spend;
    }
    for (m, info) in p.messages().iter().enumerate() {
        let m = crate::core::MessageId::new(m);
        if p.arms_of_message(m)
            .iter()
            .any(|a| ctx.page.plan.get(*a) > 0)
        {
            by_dept[info.owner.map_or(n_d, |d| d.index())] += p.production_cost(m);
        }
    }
    let mut dept: Vec<(String, f64)> = p
        .departments()
        .iter()
        .map(|d| d.id.clone())
        .chain([s.no_department.to_string()])
        .zip(by_dept)
        .filter(|r| r.1 > 0.0)
        .collect();
    dept.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut chan: Vec<(String, f64)> = p
        .channels()
        .iter()
        .map(|c| c.name.clone())
        .zip(by_channel)
        .filter(|r| r.1 > 0.0)
        .collect();
    chan.sort_by(|a, b| b.1.total_cmp(&a.1));
    h.el("h2", &[], s.spend_by_department);
    h.figure(
        s.spend_by_department,
        &bars(s.spend_by_department, &dept, |v| money(ctx, v)),
    );
    h.el("h2", &[], s.spend_by_channel);
    h.el("p", &[("class", "note")], s.production_apart);
    h.figure(
        s.spend_by_channel,
        &bars(s.spend_by_channel, &chan, |v| money(ctx, v)),
    );
}

/// Risk reduction by group and threat (names, not ids).
pub(super) fn heat(h: &mut Html, ctx: &Ctx<'_>) {
    let s = ctx.s;
    let groups = &ctx.outcome.groups;
    if groups.is_empty() {
        return;
    }
    let threats: Vec<String> = ctx
        .page
        .problem
        .threats()
        .iter()
        .map(|t| t.id.clone())
        .collect();
    // Threat names are long: one row each; the groups are the columns.
    let rows: Vec<String> = threats.iter().map(|t| ctx.threat_name(t)).collect();
    let cols: Vec<String> = groups.iter().map(|g| g.group.clone()).collect();
    let values: Vec<Vec<f64>> = threats
        .iter()
        .map(|t| {
            groups
                .iter()
                .map(|g| {
                    g.reduction
                        .iter()
                        .find(|r| r.threat == *t)
                        .map_or(0.0, |r| r.value)
                })
                .collect()
        })
        .collect();
    h.el("h2", &[], s.heat_map);
    h.el("p", &[("class", "note")], s.heat_intro);
    h.figure(
        s.heat_map,
        &heat_map(s.heat_map, &rows, &cols, &values, |v| pct(v, 1)),
    );
}

/// The plan with the units of placement `k` scaled by `factor`, and what `k` then costs.
fn scaled(ctx: &Ctx<'_>, k: PlacementId, factor: f64) -> (crate::plan::Plan, f64) {
    let p = ctx.page.problem;
    let mut plan = ctx.page.plan.clone();
    let mut units = 0;
    for (a, arm) in p.arms().iter().enumerate() {
        if arm.placement == k {
            let x = (plan.get(ArmId::new(a)) as f64 * factor).round() as u64;
            plan.set(ArmId::new(a), x);
            units += x;
        }
    }
    let pl = p.placement(k);
    let setup = if units > 0 { pl.setup_cost } else { 0.0 };
    (plan, setup + pl.unit_cost * units as f64)
}

/// Loss prevented against spend on each main placement (its units scaled 0..2x, others
/// fixed), and the marginal return along each curve.
pub(super) fn response(h: &mut Html, ctx: &Ctx<'_>) -> Result<(), Error> {
    let (p, s) = (ctx.page.problem, ctx.s);
    let mut main: Vec<(usize, f64)> = ctx
        .outcome
        .placements
        .iter()
        .filter(|po| po.units > 0)
        .filter_map(|po| {
            Some((
                p.placements().iter().position(|i| i.id == po.placement)?,
                po.spend,
            ))
        })
        .collect();
    main.sort_by(|a, b| b.1.total_cmp(&a.1));
    main.truncate(RESPONSE_PLACEMENTS);
    if main.is_empty() {
        return Ok(());
    }
    let (mut curves, mut margins, mut marks) = (Vec::new(), Vec::new(), Vec::new());
    for &(k, _) in &main {
        let k = PlacementId::new(k);
        let mut pts = Vec::with_capacity(RESPONSE_STEPS + 1);
        for i in 0..=RESPONSE_STEPS {
            let (plan, cost) = scaled(ctx, k, 2.0 * i as f64 / RESPONSE_STEPS as f64);
            pts.push((cost, totals(p, &plan)?.prevented_loss));
        }
        pts.dedup_by(|b, a| (b.0 - a.0).abs() < 1e-9);
        let (_, cost_now) = scaled(ctx, k, 1.0);
        let value_now = totals(p, ctx.page.plan)?.prevented_loss;
        marks.push((cost_now, value_now, String::new(), curves.len()));
        let m: Vec<(f64, f64)> = pts
            .windows(2)
            .filter(|w| w[1].0 > w[0].0)
            .map(|w| {
                (
                    (w[0].0 + w[1].0) / 2.0,
                    (w[1].1 - w[0].1) / (w[1].0 - w[0].0),
                )
            })
            .collect();
        let name = p.placements()[k.index()].id.clone();
        curves.push(Series {
            name: name.clone(),
            points: pts,
            dashed: false,
        });
        margins.push(Series {
            name,
            points: m,
            dashed: false,
        });
    }
    h.el("h2", &[], s.response);
    h.el("p", &[("class", "note")], s.response_intro);
    let x_label = format!("{} ({})", s.spend_on_placement, ctx.currency());
    let chart = LineChart {
        title: s.response.to_string(),
        x_label: x_label.clone(),
        y_label: format!("{} ({})", s.prevented_loss, ctx.currency()),
        series: curves,
        band: None,
        marks,
        vlines: Vec::new(),
        from_zero: false,
    };
    h.figure(s.response, &line_chart(&chart));
    let chart = LineChart {
        title: s.marginal.to_string(),
        x_label,
        y_label: s.marginal_axis.to_string(),
        series: margins,
        band: None,
        marks: Vec::new(),
        vlines: Vec::new(),
        from_zero: true,
    };
    h.figure(s.marginal, &line_chart(&chart));
    Ok(())
}

/// The week x channel calendar of a calendar plan, or how to get one.
pub(super) fn calendar(h: &mut Html, ctx: &Ctx<'_>) {
    let (p, s) = (ctx.page.problem, ctx.s);
    h.el("h2", &[], s.calendar);
    let Some(w) = p.structure().weeks.as_ref() else {
        h.el("p", &[("class", "note")], s.yearly_plan);
        return;
    };
    h.el("p", &[("class", "note")], s.calendar_intro);
    let mut spend = vec![vec![0.0; w.weeks]; p.channels().len()];
    for (a, &x) in ctx.page.plan.units().iter().enumerate() {
        if x == 0 {
            continue;
        }
        let k = p.arms()[a].placement;
        let t = w.arm_week(ArmId::new(a)).index();
        let c = p.placements()[k.index()].channel.index();
        if let Some(cell) = spend[c].get_mut(t) {
            *cell += p.placement(k).unit_cost * x as f64;
        }
    }
    let used: Vec<usize> = (0..spend.len())
        .filter(|&c| spend[c].iter().any(|v| *v > 0.0))
        .collect();
    let rows: Vec<String> = used.iter().map(|&c| p.channels()[c].name.clone()).collect();
    let values: Vec<Vec<f64>> = used.iter().map(|&c| spend[c].clone()).collect();
    let cols: Vec<String> = (0..w.weeks)
        .map(|t| match ctx.page.lang {
            Lang::Zh => format!("{}周", w.calendar_week(WeekId::new(t))),
            Lang::En => format!("wk {}", w.calendar_week(WeekId::new(t))),
        })
        .collect();
    let short = |v: f64| super::charts::fmt_short(v);
    h.figure(
        s.calendar,
        &heat_map(s.calendar, &rows, &cols, &values, short),
    );
}

/// The range of the loss prevented over the draws, per threat, and the tornado.
pub(super) fn uncertainty(h: &mut Html, ctx: &Ctx<'_>) {
    let s = ctx.s;
    h.el("h2", &[], s.uncertainty);
    let Some(u) = ctx.page.uncertainty else {
        let calendar = ctx.page.problem.structure().weeks.is_some();
        let text = if calendar {
            s.calendar_uncertainty
        } else {
            s.no_uncertainty
        };
        h.el("p", &[("class", "note")], text);
        return;
    };
    let intro = format!(
        "{} ({} {})",
        s.uncertainty_intro,
        fmt_num(u.draws as f64, 0),
        s.draws
    );
    h.el("p", &[("class", "note")], &intro);
    let row = |label: String, x: &crate::uncertainty::Summary| RangeRow {
        label,
        low: x.p5,
        mid: x.p50,
        high: x.p95,
    };
    let mut rows = vec![row(s.all_threats.to_string(), &u.prevented_loss)];
    rows.extend(
        u.threats
            .iter()
            .map(|t| row(ctx.threat_name(&t.name), &t.prevented_loss)),
    );
    h.figure(
        s.uncertainty,
        &ranges(s.uncertainty, s.range_axis, &rows, None),
    );
    if let Some(v) = &u.versus {
        h.el(
            "p",
            &[],
            &format!(
                "{} {}: {}",
                s.beats_baseline,
                v.baseline,
                pct(v.probability, 0)
            ),
        );
    }
    if u.tornado.is_empty() {
        return;
    }
    h.el("h3", &[], s.tornado);
    h.el("p", &[("class", "note")], s.tornado_intro);
    let centre = u.median_loss.unwrap_or(ctx.outcome.prevented_loss);
    let rows: Vec<RangeRow> = u
        .tornado
        .iter()
        .take(TORNADO_ROWS)
        .map(|t| RangeRow {
            label: ctx.page.lang.entry_label(&t.label),
            low: t.loss_low,
            mid: centre,
            high: t.loss_high,
        })
        .collect();
    h.figure(
        s.tornado,
        &ranges(s.tornado, s.range_axis, &rows, Some(centre)),
    );
}
