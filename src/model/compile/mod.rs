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
//! 7. [`assemble`]: the [`Problem`].
//!
//! Selectors resolve through maps ([`selectors`]), and per-item scratch vectors clear only what
//! they wrote ([`sparse`]), so compiling costs about the size of the scenario plus the size of
//! the problem, never segments x rules or placements x cells.

mod channels;
mod checks;
mod floors;
mod ids;
mod messages;
mod segments;
mod selectors;
mod sparse;

use super::scenario::Scenario;
use crate::error::{Error, Item};
use crate::problem::{
    Arm, ChannelInfo, DepartmentInfo, FloorTarget, MessageInfo, PlacementInfo, Problem,
    SegmentInfo, ThreatInfo,
};
use checks::{Range, check_opt};
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
        Ok(assemble(
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
        ))
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
    cells: Vec<crate::problem::Cell>,
    channels: Vec<ChannelInfo>,
    placements: Vec<PlacementInfo>,
    messages: Vec<MessageInfo>,
    arms: ArmIndex,
    departments: Vec<DepartmentInfo>,
    floors: Vec<FloorTarget>,
}

/// The last pass: the [`Problem`] from the validated parts.
fn assemble(sc: &Scenario, parts: Parts) -> Problem {
    Problem {
        name: sc.name.clone(),
        currency: sc.currency.clone(),
        threats: sc
            .threats
            .iter()
            .map(|t| ThreatInfo {
                id: t.id.clone(),
                name: t.name.clone(),
            })
            .collect(),
        regions: parts.regions,
        groups: parts.groups,
        segments: parts.segments,
        cells: parts.cells,
        channels: parts.channels,
        placements: parts.placements,
        messages: parts.messages,
        arms: parts.arms.arms,
        arms_of_placement: parts.arms.of_placement,
        arms_of_message: parts.arms.of_message,
        money: sc.resources.money,
        staff_hours: sc.resources.staff_hours,
        departments: parts.departments,
        floors: parts.floors,
    }
}
