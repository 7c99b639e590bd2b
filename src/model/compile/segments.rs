//! Passes over segments and cells: segments and their risks, the response and its overrides,
//! and the value at risk of each cell.

use super::checks::{Count, Range, check, check_count, check_id, check_opt};
use super::draft::{Cell, SegmentInfo};
use super::ids::{Ids, lookup, lookup_opt};
use super::selectors::{Sel, Selectors};
use crate::error::{Error, Item};
use crate::model::Scenario;
use crate::model::scenario::Segment;

/// Checks the segments (profile, population, risk entries) and builds their infos and the
/// cells with the scenario's default response.
pub(super) fn segments(
    sc: &Scenario,
    ids: &Ids<'_>,
    sel: &Selectors<'_>,
) -> Result<(Vec<SegmentInfo>, Vec<Cell>), Error> {
    let n_f = sc.threats.len();
    let blank = Cell {
        rate: 0.0,
        loss: 0.0,
        ceiling: sc.response.ceiling,
        scale: sc.response.scale,
        value_at_risk: 0.0,
        cases_at_risk: 0.0,
    };
    let mut cells = vec![blank; sc.segments.len() * n_f];
    let mut infos = Vec::with_capacity(sc.segments.len());
    for (s, seg) in sc.segments.iter().enumerate() {
        let item = Item::new("segment", &seg.id);
        let (women, under_35) = profile(seg, &item)?;
        check_count(seg.population, Count::Population, &item, "population")?;
        risk(seg, &item, ids, &mut cells[s * n_f..(s + 1) * n_f])?;
        let (region, group) = sel.of(s);
        infos.push(SegmentInfo {
            id: seg.id.clone(),
            region,
            group,
            population: seg.population as f64,
            women,
            under_35,
        });
    }
    Ok((infos, cells))
}

fn profile(seg: &Segment, item: &Item) -> Result<(Option<f64>, Option<f64>), Error> {
    let Some(p) = &seg.profile else {
        return Ok((None, None));
    };
    for (name, &share) in &p.attributes {
        check_id(name, item, || format!("profile.{name}"))?;
        check(share, item, || format!("profile.{name}"), Range::Share)?;
    }
    Ok((p.get("women"), p.get("under_35")))
}

/// Checks a segment's risk entries and writes them into its cells (one per threat).
fn risk(seg: &Segment, item: &Item, ids: &Ids<'_>, cells: &mut [Cell]) -> Result<(), Error> {
    let mut seen = vec![false; cells.len()];
    for (i, r) in seg.risk.iter().enumerate() {
        let field = || format!("risk[{i}].threat");
        let f = *lookup(&ids.threats, &r.threat, item, field, "threat")?;
        if std::mem::replace(&mut seen[f], true) {
            return Err(Error::Invalid {
                item: item.clone(),
                field: field(),
                problem: format!("lists threat {:?} a second time", r.threat),
            });
        }
        check(r.rate, item, || format!("risk[{i}].rate"), Range::BelowOne)?;
        check(r.loss, item, || format!("risk[{i}].loss"), Range::Loss)?;
        cells[f].rate = r.rate;
        cells[f].loss = r.loss;
    }
    Ok(())
}

/// Checks the default response and applies the overrides in order (later entries win).
pub(super) fn response(
    sc: &Scenario,
    ids: &Ids<'_>,
    sel: &Selectors<'_>,
    cells: &mut [Cell],
) -> Result<(), Error> {
    let n_f = sc.threats.len();
    let item = Item::new("response", "response");
    check(sc.response.ceiling, &item, "ceiling", Range::BelowOne)?;
    check(sc.response.scale, &item, "scale", Range::Scale)?;
    for (i, o) in sc.response.overrides.iter().enumerate() {
        let item = Item::at("response override", i);
        let matched = sel.select(
            Sel::new(&o.segment, &o.region, &o.group),
            &item,
            String::new,
        )?;
        if o.ceiling.is_none() && o.scale.is_none() {
            return Err(Error::Invalid {
                item,
                field: "ceiling/scale".into(),
                problem: "sets neither: an override must set `ceiling`, `scale` or both".into(),
            });
        }
        check_opt(o.ceiling, &item, "ceiling", Range::BelowOne)?;
        check_opt(o.scale, &item, "scale", Range::Scale)?;
        let threats = match lookup_opt(&ids.threats, &o.threat, &item, "threat", "threat")? {
            Some(f) => f..f + 1,
            None => 0..n_f,
        };
        for &s in matched {
            for cell in
                &mut cells[super::cell(s, threats.start, n_f)..super::cell(s, threats.end, n_f)]
            {
                if let Some(c) = o.ceiling {
                    cell.ceiling = c;
                }
                if let Some(k) = o.scale {
                    cell.scale = k;
                }
            }
        }
    }
    Ok(())
}

/// Fills in cases and value at risk: `N p` and `N p L`. The bounds of
/// [`limits`](crate::model::limits) keep both finite: at most `1e10 * 1e12` per cell.
pub(super) fn value_at_risk(segments: &[SegmentInfo], cells: &mut [Cell]) {
    let n_f = cells.len() / segments.len().max(1);
    for (s, seg) in segments.iter().enumerate() {
        for cell in &mut cells[s * n_f..(s + 1) * n_f] {
            cell.cases_at_risk = seg.population * cell.rate;
            cell.value_at_risk = cell.cases_at_risk * cell.loss;
        }
    }
}
