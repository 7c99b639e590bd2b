//! Validation of a [`Scenario`] and its translation into a [`Problem`]: a sequence of small
//! passes, each returning the first problem it finds as an [`Error`] naming the item (kind and
//! id) and the field.
//!
//! 1. [`ids`]: non-empty lists, the form of every id and name, duplicate ids;
//! 2. [`resources`]: the overall and department limits;
//! 3. [`segments`]: profiles, populations and risks; then the response and its overrides;
//! 4. [`channels`]: depths, owners, costs, capacities and audiences;
//! 5. [`messages`]: costs, owners, relevance, appeal, formats, and the arms;
//! 6. [`floors`]: the covered pairs and their reachability;
//! 7. [`assemble`]: the [`Problem`];
//! 8. [`uncertainty`]: the `uncertainty` section, checked against the problem.
//!
//! Selectors resolve through maps ([`selectors`]), and per-item scratch vectors clear only what
//! they wrote ([`sparse`]), so compiling costs about the size of the scenario plus the size of
//! the problem, never segments x rules or placements x cells.

mod calendar;
mod channels;
mod checks;
mod draft;
mod floors;
mod ids;
mod messages;
mod segments;
mod selectors;
mod sparse;
mod uncertainty;

use super::scenario::Scenario;
use crate::core::{
    ArmId, CellId, ChannelId, DepartmentId, GroupId, MessageId, PlacementId, RegionId, ResourceId,
    ResourceKind, Resources, SegmentId, ThreatId,
};
use crate::error::{Error, Item};
use crate::problem::{self, Parameters, PlacementParameters, Problem, Structure};
use checks::{Range, check_opt};
use draft::{
    Arm, ChannelInfo, DepartmentInfo, FloorTarget, MessageInfo, PlacementInfo, SegmentInfo,
};
use ids::Ids;
use selectors::Selectors;

impl Scenario {
    /// Validates the scenario and builds the index-based [`Problem`].
    ///
    /// Checks: at least one threat and one segment; ids and names (also regions, groups and
    /// formats) non-empty, not only whitespace, free of control characters and at most
    /// [`MAX_ID_CHARS`](crate::model::limits::MAX_ID_CHARS) characters; duplicate ids
    /// (threats, segments, channels, placements, messages, departments); unknown ids in every
    /// reference (threats, owners, selector segments, regions and groups); NaN, infinite and
    /// negative numbers; rates and ceilings in `[0, 1)`, shares, relevance and appeal in
    /// `[0, 1]`, depth in `(0, 1]`, scales `> 0`; the bounds of [`limits`](crate::model::limits)
    /// (no subnormal coefficients, no absurd magnitudes); a message whose format no placement
    /// carries; a floor unreachable even with every unit of every placement. Never panics on
    /// any input.
    ///
    /// # Errors
    ///
    /// The first problem found, as an [`Error`] naming the item (kind and id) and the field.
    ///
    /// # Complexity
    ///
    /// `O(n + S F + sum_a |absorbed_a|)` expected time for a scenario of `n` items and rule
    /// matches, `S` segments, `F` threats and the arms' absorbed entries, plus a sort of the
    /// arms and of each placement's audience.
    pub fn compile(&self) -> Result<Problem, Error> {
        let ids = Ids::check(self)?;
        let departments = resources(self)?;
        let sel = Selectors::new(&self.segments, &ids.segments);
        let (segments, mut cells) = segments::segments(self, &ids, &sel)?;
        segments::response(self, &ids, &sel, &mut cells)?;
        segments::value_at_risk(&segments, &mut cells);
        let ch = channels::channels(self, &ids, &sel)?;
        let (messages, arms) = messages::messages(self, &ids, &sel, &ch)?;
        let arms = ArmIndex::new(arms, ch.placements.len(), messages.len());
        let floors = floors::floors(
            self,
            &ids,
            &sel,
            &floors::Built {
                segments: &segments,
                cells: &cells,
                placements: &ch.placements,
                arms: &arms.arms,
                arms_of_placement: &arms.of_placement,
            },
        )?;
        let problem = assemble(
            self,
            Parts {
                regions: sel.region_names,
                groups: sel.group_names,
                segments,
                cells,
                channels: ch.channels,
                placements: ch.placements,
                messages,
                arms,
                departments,
                floors,
            },
        );
        if self.uncertainty.is_some() {
            uncertainty::uncertainty(self, &problem)?;
        }
        Ok(problem)
    }
}

/// Pass 2: the overall limits and the departments' own.
fn resources(sc: &Scenario) -> Result<Vec<DepartmentInfo>, Error> {
    let item = Item::new("resources", "resources");
    check_opt(sc.resources.money, &item, "money", Range::Amount)?;
    check_opt(
        sc.resources.staff_hours,
        &item,
        "staff_hours",
        Range::Amount,
    )?;
    let mut departments = Vec::with_capacity(sc.departments.len());
    for d in &sc.departments {
        let item = Item::new("department", &d.id);
        check_opt(d.money, &item, "money", Range::Amount)?;
        check_opt(d.staff_hours, &item, "staff_hours", Range::Amount)?;
        departments.push(DepartmentInfo {
            id: d.id.clone(),
            money: d.money,
            staff_hours: d.staff_hours,
        });
    }
    Ok(departments)
}

/// The arms in placement-major order (it reads naturally in tables) and their indices by
/// placement and by message.
struct ArmIndex {
    arms: Vec<Arm>,
    of_placement: Vec<Vec<usize>>,
    of_message: Vec<Vec<usize>>,
}

impl ArmIndex {
    fn new(mut arms: Vec<Arm>, placements: usize, messages: usize) -> Self {
        arms.sort_by_key(|a| (a.placement, a.message));
        let mut of_placement = vec![Vec::new(); placements];
        let mut of_message = vec![Vec::new(); messages];
        for (i, a) in arms.iter().enumerate() {
            of_placement[a.placement].push(i);
            of_message[a.message].push(i);
        }
        ArmIndex {
            arms,
            of_placement,
            of_message,
        }
    }
}

/// What the passes built, to assemble into a [`Problem`].
struct Parts {
    regions: Vec<String>,
    groups: Vec<String>,
    segments: Vec<SegmentInfo>,
    cells: Vec<draft::Cell>,
    channels: Vec<ChannelInfo>,
    placements: Vec<PlacementInfo>,
    messages: Vec<MessageInfo>,
    arms: ArmIndex,
    departments: Vec<DepartmentInfo>,
    floors: Vec<FloorTarget>,
}

/// The last pass: the [`Problem`] from the validated parts, split into what compile fixes
/// (the [`Structure`]) and the numbers (the [`Parameters`]).
fn assemble(sc: &Scenario, parts: Parts) -> Problem {
    let params = parameters(sc, &parts);
    let arms = parts
        .arms
        .arms
        .iter()
        .map(|a| arm_info(a, &parts))
        .collect();
    let floors = parts
        .floors
        .iter()
        .map(|f| floor_target(f, sc.threats.len()))
        .collect();
    let structure = Structure {
        name: sc.name.clone(),
        currency: sc.currency.clone(),
        threats: sc
            .threats
            .iter()
            .map(|t| problem::ThreatInfo {
                id: t.id.clone(),
                name: t.name.clone(),
            })
            .collect(),
        regions: parts.regions,
        groups: parts.groups,
        segments: parts.segments.into_iter().map(segment_info).collect(),
        channels: parts.channels.into_iter().map(channel_info).collect(),
        placements: parts.placements.into_iter().map(placement_info).collect(),
        messages: parts.messages.into_iter().map(message_info).collect(),
        arms,
        arms_of_placement: ids_of(parts.arms.of_placement),
        arms_of_message: ids_of(parts.arms.of_message),
        resources: ResourceKind::layout(parts.departments.len()),
        departments: parts
            .departments
            .into_iter()
            .map(|d| problem::DepartmentInfo { id: d.id })
            .collect(),
        floors,
        weeks: None,
    };
    Problem::assembled(structure, params)
}

/// The numbers of the validated parts.
fn parameters(sc: &Scenario, parts: &Parts) -> Parameters {
    let mut limits = vec![sc.resources.money, sc.resources.staff_hours];
    for d in &parts.departments {
        limits.push(d.money);
        limits.push(d.staff_hours);
    }
    Parameters {
        population: parts.segments.iter().map(|s| s.population).collect(),
        cells: parts
            .cells
            .iter()
            .map(|c| problem::Cell {
                rate: c.rate,
                loss: c.loss,
                ceiling: c.ceiling,
                scale: c.scale,
            })
            .collect(),
        placements: parts
            .placements
            .iter()
            .map(|p| PlacementParameters {
                unit_cost: p.unit_cost,
                setup_cost: p.setup_cost,
                capacity: p.capacity,
                staff_hours: p.staff_hours,
                audience: p.audience.iter().map(|&(_, g)| g).collect(),
            })
            .collect(),
        production_cost: parts.messages.iter().map(|m| m.production_cost).collect(),
        absorbed: parts
            .arms
            .arms
            .iter()
            .map(|a| a.absorbed.iter().map(|&(_, coef)| coef).collect())
            .collect(),
        limits: Resources::from_vec(limits),
        floors: parts.floors.iter().map(|f| f.min_reduction).collect(),
    }
}

fn segment_info(s: SegmentInfo) -> problem::SegmentInfo {
    problem::SegmentInfo {
        id: s.id,
        region: RegionId::new(s.region),
        group: GroupId::new(s.group),
        women: s.women,
        under_35: s.under_35,
    }
}

fn channel_info(c: ChannelInfo) -> problem::ChannelInfo {
    problem::ChannelInfo {
        id: c.id,
        name: c.name,
        depth: c.depth,
    }
}

fn placement_info(p: PlacementInfo) -> problem::PlacementInfo {
    problem::PlacementInfo {
        draws: draws(p.owner, true),
        id: p.id,
        unit: p.unit,
        channel: ChannelId::new(p.channel),
        owner: p.owner.map(DepartmentId::new),
        audience: p.audience.iter().map(|&(s, _)| SegmentId::new(s)).collect(),
    }
}

fn message_info(m: MessageInfo) -> problem::MessageInfo {
    problem::MessageInfo {
        draws: draws(m.owner, false),
        id: m.id,
        format: m.format,
        owner: m.owner.map(DepartmentId::new),
    }
}

fn arm_info(a: &Arm, parts: &Parts) -> problem::Arm {
    let placement = draws(parts.placements[a.placement].owner, true);
    let message = draws(parts.messages[a.message].owner, false);
    let mut arm_draws: Vec<problem::ArmDraw> = placement
        .iter()
        .map(|&resource| problem::ArmDraw {
            resource,
            placement: true,
            message: message.contains(&resource),
        })
        .collect();
    for &resource in message.iter().filter(|r| !placement.contains(r)) {
        arm_draws.push(problem::ArmDraw {
            resource,
            placement: false,
            message: true,
        });
    }
    problem::Arm {
        message: MessageId::new(a.message),
        placement: PlacementId::new(a.placement),
        cells: a.absorbed.iter().map(|&(c, _)| CellId::new(c)).collect(),
        draws: arm_draws,
    }
}

fn floor_target(f: &FloorTarget, threats: usize) -> problem::FloorTarget {
    let (segment, threat) = (SegmentId::new(f.segment), ThreatId::new(f.threat));
    problem::FloorTarget {
        segment,
        threat,
        cell: CellId::of(segment, threat, threats),
        entry: f.entry,
    }
}

/// The draft index of segment `s` and threat `f`: the layout of [`CellId::of`].
fn cell(s: usize, f: usize, threats: usize) -> usize {
    CellId::of(SegmentId::new(s), ThreatId::new(f), threats).index()
}

fn ids_of(lists: Vec<Vec<usize>>) -> Vec<Vec<ArmId>> {
    lists
        .into_iter()
        .map(|l| l.into_iter().map(ArmId::new).collect())
        .collect()
}

/// The resources a placement (`placement`: its unit and setup costs and staff hours) or a
/// message (its production cost) of department `owner` draws on.
fn draws(owner: Option<usize>, placement: bool) -> Vec<ResourceId> {
    let mut kinds = vec![ResourceKind::Money];
    if placement {
        kinds.push(ResourceKind::StaffHours);
    }
    if let Some(d) = owner.map(DepartmentId::new) {
        kinds.push(ResourceKind::DepartmentMoney(d));
        if placement {
            kinds.push(ResourceKind::DepartmentHours(d));
        }
    }
    kinds.into_iter().map(ResourceKind::id).collect()
}
