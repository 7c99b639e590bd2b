//! Pass over channels and their placements: depth, owner, costs, capacity and audience.

use super::checks::{Count, Range, check, check_count};
use super::draft::{ChannelInfo, PlacementInfo};
use super::ids::{Ids, lookup_opt};
use super::selectors::{Sel, Selectors, apply_rules};
use super::sparse::Sparse;
use crate::error::{Error, Item};
use crate::model::Scenario;
use crate::model::scenario::Placement;

/// The channels and placements (in file order), and each placement's formats.
pub(super) struct Channels<'a> {
    pub(super) channels: Vec<ChannelInfo>,
    pub(super) placements: Vec<PlacementInfo>,
    pub(super) formats: Vec<&'a [String]>,
}

/// Runs the pass.
pub(super) fn channels<'a>(
    sc: &'a Scenario,
    ids: &Ids<'_>,
    sel: &Selectors<'_>,
) -> Result<Channels<'a>, Error> {
    let mut out = Channels {
        channels: Vec::with_capacity(sc.channels.len()),
        placements: Vec::new(),
        formats: Vec::new(),
    };
    let mut audience = Sparse::new(sc.segments.len());
    for (c, ch) in sc.channels.iter().enumerate() {
        let item = Item::new("channel", &ch.id);
        check(ch.depth, &item, "depth", Range::Depth)?;
        let owner = lookup_opt(&ids.departments, &ch.owner, &item, "owner", "department")?;
        out.channels.push(ChannelInfo {
            id: ch.id.clone(),
            name: ch.name.clone(),
            depth: ch.depth,
        });
        for p in &ch.placements {
            let item = Item::new("placement", &p.id);
            costs(p, &item)?;
            let rules = p
                .audience
                .iter()
                .map(|a| (Sel::new(&a.segment, &a.region, &a.group), a.per_unit));
            apply_rules(
                rules,
                ("audience", "per_unit"),
                Range::PerUnit,
                &item,
                sel,
                &mut audience,
            )?;
            out.placements.push(PlacementInfo {
                id: p.id.clone(),
                unit: p.unit.clone(),
                channel: c,
                unit_cost: p.unit_cost,
                setup_cost: p.setup_cost,
                capacity: p.capacity,
                staff_hours: p.staff_hours,
                owner,
                audience: audience.take_positive(),
            });
            out.formats.push(&p.formats);
        }
    }
    Ok(out)
}

/// Costs, staff hours and capacity. The bounds keep the cost at full capacity finite (at
/// most `1e15 + 1e15 * 1e12`).
fn costs(p: &Placement, item: &Item) -> Result<(), Error> {
    check(p.unit_cost, item, "unit_cost", Range::Amount)?;
    check(p.setup_cost, item, "setup_cost", Range::Amount)?;
    check(p.staff_hours, item, "staff_hours", Range::Amount)?;
    check_count(p.capacity, Count::Capacity, item, "capacity")
}
