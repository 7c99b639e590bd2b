//! The compiled problem: a [`Structure`] fixed at compile (ids, names, which arms exist and
//! which cells and resources each touches) and [`Parameters`] that can be replaced without
//! recompiling (populations, risks, responses, arm coefficients, costs, capacities, limits,
//! floor levels), validated on the way in.
//!
//! Built by [`Scenario::compile`]. A Monte Carlo draw, a fitted response or a budget sweep
//! replaces the parameters in `O(size)` with [`Problem::with_parameters`]; the structure is
//! shared (an [`Arc`]), so a replacement copies no names. Both halves are serde, so a problem
//! can travel to another process.
//!
//! [`Scenario::compile`]: crate::Scenario::compile

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::core::{
    ArmId, CellId, ChannelId, DepartmentId, GroupId, MessageId, PlacementId, RegionId, ResourceId,
    ResourceKind, Resources, SegmentId, ThreatId,
};
use crate::error::{Error, Item};
use crate::response;

mod parameters;
mod weeks;

pub use parameters::{Cell, Parameters, PlacementParameters};
pub use weeks::Weeks;

/// A fraud type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ThreatInfo {
    /// Id as written in the scenario.
    pub id: String,
    /// Human-readable name.
    pub name: String,
}

/// An audience segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SegmentInfo {
    /// Id as written in the scenario.
    pub id: String,
    /// Its region.
    pub region: RegionId,
    /// Its group.
    pub group: GroupId,
    /// Share of women, if the scenario gives it.
    pub women: Option<f64>,
    /// Share under 35, if the scenario gives it.
    pub under_35: Option<f64>,
}

/// A channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChannelInfo {
    /// Id as written in the scenario.
    pub id: String,
    /// Human-readable name.
    pub name: String,
    /// Share of exposures absorbed, in `(0, 1]`, as compiled. The arm coefficients of
    /// [`Parameters::absorbed`] already carry it.
    pub depth: f64,
}

/// A placement (a channel with one targeting option).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PlacementInfo {
    /// Id as written in the scenario.
    pub id: String,
    /// What one unit is.
    pub unit: String,
    /// Its channel.
    pub channel: ChannelId,
    /// Paying department (the channel's owner), if any.
    pub owner: Option<DepartmentId>,
    /// The segments it reaches, ascending; [`PlacementParameters::audience`] holds the
    /// exposures per person per unit in the same order.
    pub audience: Vec<SegmentId>,
    /// The resources a unit of it draws on: money and staff hours, and its owner's money and
    /// hours.
    pub draws: Vec<ResourceId>,
}

/// A message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MessageInfo {
    /// Id as written in the scenario.
    pub id: String,
    /// Its format.
    pub format: String,
    /// Paying department, if any.
    pub owner: Option<DepartmentId>,
    /// The resources its production cost draws on: money, and its owner's money.
    pub draws: Vec<ResourceId>,
}

/// How an arm draws on one resource: through its placement (unit and setup costs, or staff
/// hours), through its message (production cost), or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ArmDraw {
    /// The resource.
    pub resource: ResourceId,
    /// The placement draws on it.
    pub placement: bool,
    /// The message draws on it.
    pub message: bool,
}

/// A compatible (message, placement) pair: the unit of decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Arm {
    /// Its message.
    pub message: MessageId,
    /// Its placement.
    pub placement: PlacementId,
    /// The cells it reaches, ascending; [`Parameters::absorbed`] holds the absorbed exposures
    /// per unit `g_ks d_c a_ms w_mf` in the same order.
    pub cells: Vec<CellId>,
    /// The resources it draws on (each once).
    pub draws: Vec<ArmDraw>,
}

/// A department.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DepartmentInfo {
    /// Id as written in the scenario.
    pub id: String,
}

/// A fairness floor on one segment and threat; its level is
/// [`Parameters::floors`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FloorTarget {
    /// The segment.
    pub segment: SegmentId,
    /// The threat.
    pub threat: ThreatId,
    /// Their cell.
    pub cell: CellId,
    /// Position of the scenario's floor entry that set it (the last that matched).
    pub entry: usize,
}

/// What compile fixes: ids and names, the arms and the sparsity of their coefficients, which
/// resources each arm draws on, the floors' cells.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Structure {
    /// The scenario's name.
    pub name: String,
    /// The currency of every money amount.
    pub currency: String,
    /// Threats, by [`ThreatId`].
    pub threats: Vec<ThreatInfo>,
    /// Region names, by [`RegionId`] (first-seen order).
    pub regions: Vec<String>,
    /// Group names, by [`GroupId`] (first-seen order).
    pub groups: Vec<String>,
    /// Segments, by [`SegmentId`].
    pub segments: Vec<SegmentInfo>,
    /// Channels, by [`ChannelId`].
    pub channels: Vec<ChannelInfo>,
    /// Placements, by [`PlacementId`].
    pub placements: Vec<PlacementInfo>,
    /// Messages, by [`MessageId`].
    pub messages: Vec<MessageInfo>,
    /// Arms, by [`ArmId`] (placement-major).
    pub arms: Vec<Arm>,
    /// The arms of each placement.
    pub arms_of_placement: Vec<Vec<ArmId>>,
    /// The arms of each message.
    pub arms_of_message: Vec<Vec<ArmId>>,
    /// Departments, by [`DepartmentId`].
    pub departments: Vec<DepartmentInfo>,
    /// The resources, by [`ResourceId`] ([`ResourceKind::layout`]).
    pub resources: Vec<ResourceKind>,
    /// Fairness floors, one per (segment, threat) pair.
    pub floors: Vec<FloorTarget>,
    /// For a calendar problem, how its arms and segments map to weeks and to the yearly
    /// problem (`None`: the one-period model).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weeks: Option<Weeks>,
}

impl Structure {
    /// The cell of segment `s` and threat `f`.
    #[inline]
    pub fn cell(&self, s: SegmentId, f: ThreatId) -> CellId {
        CellId::of(s, f, self.threats.len())
    }

    /// The segment and threat of cell `c`.
    #[inline]
    pub fn segment_and_threat(&self, c: CellId) -> (SegmentId, ThreatId) {
        c.split(self.threats.len().max(1))
    }

    /// The id of resource `kind` in this problem, if it has it.
    pub fn resource_id(&self, kind: ResourceKind) -> Option<ResourceId> {
        self.resources
            .iter()
            .position(|&k| k == kind)
            .map(ResourceId::new)
    }

    /// Number of cells (segments x threats).
    pub fn cell_count(&self) -> usize {
        self.segments.len() * self.threats.len()
    }

    /// A readable name of resource `r`, e.g. `money` or `department "police" staff hours`.
    pub fn resource_name(&self, r: ResourceId) -> String {
        let dept = |d: DepartmentId| &self.departments[d.index()].id;
        match self.resources.get(r.index()) {
            Some(ResourceKind::Money) => "money".to_string(),
            Some(ResourceKind::StaffHours) => "staff hours".to_string(),
            Some(ResourceKind::DepartmentMoney(d)) => format!("department {:?} money", dept(*d)),
            Some(ResourceKind::DepartmentHours(d)) => {
                format!("department {:?} staff hours", dept(*d))
            }
            Some(ResourceKind::WeekMoney(w)) => format!("money of week {}", w.index() + 1),
            Some(ResourceKind::WeekHours(w)) => format!("staff hours of week {}", w.index() + 1),
            Some(ResourceKind::WeekUnits(k, w)) => format!(
                "units of placement {:?} in week {}",
                self.placements
                    .get(k.index())
                    .map_or("?", |p| p.id.as_str()),
                w.index() + 1
            ),
            None => format!("resource {r}"),
        }
    }
}

/// The compiled problem: a shared [`Structure`] and its [`Parameters`].
///
/// Build it with [`Scenario::compile`](crate::Scenario::compile). Change the numbers with
/// [`Problem::with_parameters`] (or the shortcuts [`Problem::set_money`],
/// [`Problem::set_staff_hours`], [`Problem::set_limit`]) without recompiling.
///
/// # Example
///
/// Double every ceiling (a Monte Carlo draw would do this kind of thing) without recompiling:
///
/// ```
/// let problem = fanzha::scenarios::jurong_2023().compile()?;
/// let mut params = problem.parameters().clone();
/// for cell in &mut params.cells {
///     cell.ceiling = (cell.ceiling * 1.5).min(0.9);
/// }
/// let bolder = problem.with_parameters(params)?;
/// assert!(bolder.cells()[0].ceiling >= problem.cells()[0].ceiling);
/// assert!(std::ptr::eq(bolder.structure(), problem.structure()));
/// # Ok::<(), fanzha::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Parts")]
pub struct Problem {
    pub(crate) structure: Arc<Structure>,
    #[serde(rename = "parameters")]
    pub(crate) params: Parameters,
    /// Cases and value at risk per cell, derived from the parameters whenever they change
    /// (every hot loop reads them; deriving them there costs a division per entry).
    #[serde(skip)]
    at_risk: AtRisk,
}

/// `N_s p_sf` and `N_s p_sf L_sf` per cell.
#[derive(Debug, Clone, PartialEq, Default)]
struct AtRisk {
    cases: Vec<f64>,
    value: Vec<f64>,
}

impl AtRisk {
    fn of(structure: &Structure, params: &Parameters) -> AtRisk {
        let n_f = structure.threats.len();
        let cases: Vec<f64> = params
            .cells
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                let (s, _) = CellId::new(c).split(n_f);
                params.population[s.index()] * cell.rate
            })
            .collect();
        let value = cases
            .iter()
            .zip(&params.cells)
            .map(|(n, cell)| n * cell.loss)
            .collect();
        AtRisk { cases, value }
    }
}

/// What a serialised [`Problem`] holds, validated on the way in.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Parts {
    structure: Arc<Structure>,
    #[serde(rename = "parameters")]
    params: Parameters,
}

impl TryFrom<Parts> for Problem {
    type Error = Error;

    fn try_from(parts: Parts) -> Result<Problem, Error> {
        parts.structure.check()?;
        parts.params.check(&parts.structure)?;
        Ok(Problem {
            at_risk: AtRisk::of(&parts.structure, &parts.params),
            structure: parts.structure,
            params: parts.params,
        })
    }
}

impl Problem {
    /// A problem from a structure and parameters, both validated.
    ///
    /// # Errors
    ///
    /// [`Error::Mismatch`] or [`Error::InvalidValue`] as [`Problem::with_parameters`], and
    /// [`Error::Invalid`] when the structure's indices are out of range.
    pub fn from_parts(structure: Structure, params: Parameters) -> Result<Problem, Error> {
        Problem::try_from(Parts {
            structure: Arc::new(structure),
            params,
        })
    }

    /// A problem from parts that compile has validated (checked again in debug builds).
    pub(crate) fn assembled(structure: Structure, params: Parameters) -> Problem {
        debug_assert!(structure.check().is_ok(), "{:?}", structure.check());
        debug_assert!(
            params.check(&structure).is_ok(),
            "{:?}",
            params.check(&structure)
        );
        Problem {
            at_risk: AtRisk::of(&structure, &params),
            structure: Arc::new(structure),
            params,
        }
    }

    /// What compile fixed.
    pub fn structure(&self) -> &Structure {
        &self.structure
    }

    /// The numbers.
    pub fn parameters(&self) -> &Parameters {
        &self.params
    }

    /// The same structure with other parameters, validated in `O(size)`.
    ///
    /// # Errors
    ///
    /// [`Error::Mismatch`] when a list does not have one entry per item of the structure;
    /// [`Error::InvalidValue`] naming the item and field of a number out of its range (see
    /// [`Parameters`]).
    pub fn with_parameters(&self, params: Parameters) -> Result<Problem, Error> {
        params.check(&self.structure)?;
        Ok(Problem {
            at_risk: AtRisk::of(&self.structure, &params),
            structure: Arc::clone(&self.structure),
            params,
        })
    }

    /// Replaces the parameters in place, validated in `O(size)`; on error nothing changes.
    ///
    /// # Errors
    ///
    /// As [`Problem::with_parameters`].
    pub fn set_parameters(&mut self, params: Parameters) -> Result<(), Error> {
        params.check(&self.structure)?;
        self.at_risk = AtRisk::of(&self.structure, &params);
        self.params = params;
        Ok(())
    }

    /// The scenario's name.
    pub fn name(&self) -> &str {
        &self.structure.name
    }

    /// The currency of every money amount.
    pub fn currency(&self) -> &str {
        &self.structure.currency
    }

    /// Number of segments.
    pub fn segment_count(&self) -> usize {
        self.structure.segments.len()
    }

    /// Number of threats.
    pub fn threat_count(&self) -> usize {
        self.structure.threats.len()
    }

    /// Threats, by index.
    pub fn threats(&self) -> &[ThreatInfo] {
        &self.structure.threats
    }

    /// Segments, by index.
    pub fn segments(&self) -> &[SegmentInfo] {
        &self.structure.segments
    }

    /// People in segment `s`.
    ///
    /// # Panics
    ///
    /// If `s` is out of range.
    pub fn population(&self, s: SegmentId) -> f64 {
        self.params.population[s.index()]
    }

    /// Region names, by index (first-seen order in the scenario).
    pub fn regions(&self) -> &[String] {
        &self.structure.regions
    }

    /// Group names, by index (first-seen order in the scenario).
    pub fn groups(&self) -> &[String] {
        &self.structure.groups
    }

    /// Channels, by index.
    pub fn channels(&self) -> &[ChannelInfo] {
        &self.structure.channels
    }

    /// Placements, by index.
    pub fn placements(&self) -> &[PlacementInfo] {
        &self.structure.placements
    }

    /// The numbers of placement `k`.
    ///
    /// # Panics
    ///
    /// If `k` is out of range.
    pub fn placement(&self, k: PlacementId) -> &PlacementParameters {
        &self.params.placements[k.index()]
    }

    /// Messages, by index.
    pub fn messages(&self) -> &[MessageInfo] {
        &self.structure.messages
    }

    /// The production cost of message `m`.
    ///
    /// # Panics
    ///
    /// If `m` is out of range.
    pub fn production_cost(&self, m: MessageId) -> f64 {
        self.params.production_cost[m.index()]
    }

    /// Arms (compatible message-placement pairs), by index: the entries of a [`Plan`].
    ///
    /// [`Plan`]: crate::Plan
    pub fn arms(&self) -> &[Arm] {
        &self.structure.arms
    }

    /// `(cell, absorbed exposures per unit)` of arm `a`.
    ///
    /// # Panics
    ///
    /// If `a` is out of range.
    pub fn absorbed(&self, a: ArmId) -> impl ExactSizeIterator<Item = (CellId, f64)> + '_ {
        let cells = &self.structure.arms[a.index()].cells;
        cells
            .iter()
            .copied()
            .zip(self.params.absorbed[a.index()].iter().copied())
    }

    /// `(segment, exposures per person per unit)` of placement `k`.
    ///
    /// # Panics
    ///
    /// If `k` is out of range.
    pub fn audience(&self, k: PlacementId) -> impl ExactSizeIterator<Item = (SegmentId, f64)> + '_ {
        let segments = &self.structure.placements[k.index()].audience;
        segments
            .iter()
            .copied()
            .zip(self.params.placements[k.index()].audience.iter().copied())
    }

    /// Indices of the arms on placement `k`.
    ///
    /// # Panics
    ///
    /// If `k` is out of range.
    pub fn arms_of_placement(&self, k: PlacementId) -> &[ArmId] {
        &self.structure.arms_of_placement[k.index()]
    }

    /// Indices of the arms carrying message `m`.
    ///
    /// # Panics
    ///
    /// If `m` is out of range.
    pub fn arms_of_message(&self, m: MessageId) -> &[ArmId] {
        &self.structure.arms_of_message[m.index()]
    }

    /// Departments, by index.
    pub fn departments(&self) -> &[DepartmentInfo] {
        &self.structure.departments
    }

    /// The resources, by [`ResourceId`].
    pub fn resources(&self) -> &[ResourceKind] {
        &self.structure.resources
    }

    /// Limit of each resource (`None`: unlimited).
    pub fn limits(&self) -> &Resources<Option<f64>> {
        &self.params.limits
    }

    /// Fairness floors, one per (segment, threat) pair; their levels are
    /// [`Problem::floor_level`].
    pub fn floors(&self) -> &[FloorTarget] {
        &self.structure.floors
    }

    /// The least risk reduction floor `j` asks.
    ///
    /// # Panics
    ///
    /// If `j` is out of range.
    pub fn floor_level(&self, j: usize) -> f64 {
        self.params.floors[j]
    }

    /// The absorbed exposures that meet floor `j`: `-kappa ln(1 - phi / rho)` (infinite when
    /// the ceiling is below the floor). A floor above 0 needs some exposure, so this is at
    /// least the smallest positive `f64` even where the product underflows (a tiny scale).
    ///
    /// # Panics
    ///
    /// If `j` is out of range.
    pub fn floor_exposure(&self, j: usize) -> f64 {
        let cell = &self.params.cells[self.structure.floors[j].cell.index()];
        response::exposure_for(cell.ceiling, cell.scale, self.params.floors[j])
            .map_or(f64::INFINITY, |e| e.max(f64::MIN_POSITIVE))
    }

    /// All cells, indexed by [`CellId`].
    pub fn cells(&self) -> &[Cell] {
        &self.params.cells
    }

    /// The cell of segment `s` and threat `f`.
    ///
    /// # Panics
    ///
    /// If `s` or `f` is out of range.
    pub fn cell(&self, s: SegmentId, f: ThreatId) -> &Cell {
        assert!(
            s.index() < self.segment_count() && f.index() < self.threat_count(),
            "segment or threat index out of range"
        );
        &self.params.cells[self.structure.cell(s, f).index()]
    }

    /// Yearly cases at risk in cell `c`: `N_s p_sf`.
    ///
    /// # Panics
    ///
    /// If `c` is out of range.
    #[inline]
    pub fn cases_at(&self, c: CellId) -> f64 {
        self.at_risk.cases[c.index()]
    }

    /// Yearly value at risk in cell `c`: `A_sf = N_s p_sf L_sf`.
    ///
    /// # Panics
    ///
    /// If `c` is out of range.
    #[inline]
    pub fn value_at_risk(&self, c: CellId) -> f64 {
        self.at_risk.value[c.index()]
    }

    /// The money limit, if any.
    pub fn money(&self) -> Option<f64> {
        self.params.limits[ResourceKind::Money.id()]
    }

    /// The staff-hour limit, if any.
    pub fn staff_hours(&self) -> Option<f64> {
        self.params.limits[ResourceKind::StaffHours.id()]
    }

    /// Replaces the limit of resource `r` (`None`: unlimited).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] if the amount is negative or not finite; [`Error::Mismatch`]
    /// if `r` is not a resource of this problem.
    pub fn set_limit(&mut self, r: ResourceId, limit: Option<f64>) -> Result<(), Error> {
        if r.index() >= self.params.limits.len() {
            return Err(Error::Mismatch {
                what: "resource",
                expected: self.params.limits.len(),
                found: r.index(),
            });
        }
        parameters::check_limit(limit, &self.structure, r)?;
        self.params.limits[r] = limit;
        Ok(())
    }

    /// Replaces the money limit (`None`: unlimited).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] if the amount is negative or not finite.
    pub fn set_money(&mut self, money: Option<f64>) -> Result<(), Error> {
        self.set_limit(ResourceKind::Money.id(), money)
    }

    /// Replaces the staff-hour limit (`None`: unlimited).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] if the amount is negative or not finite.
    pub fn set_staff_hours(&mut self, hours: Option<f64>) -> Result<(), Error> {
        self.set_limit(ResourceKind::StaffHours.id(), hours)
    }

    /// Yearly loss with no campaign: `sum A_sf`.
    pub fn loss_at_risk(&self) -> f64 {
        self.at_risk.value.iter().sum()
    }

    /// Yearly cases with no campaign: `sum N_s p_sf`.
    pub fn cases_at_risk(&self) -> f64 {
        self.at_risk.cases.iter().sum()
    }

    /// The most loss a fully informed segment `s` could shed per person per year:
    /// `sum_f p_sf L_sf rho_sf`. Useful as a targeting weight (e.g. for word-of-mouth seeding).
    ///
    /// # Panics
    ///
    /// If `s` is out of range.
    pub fn preventable_loss_per_person(&self, s: usize) -> f64 {
        let f = self.threat_count();
        self.params.cells[s * f..(s + 1) * f]
            .iter()
            .map(|c| c.rate * c.loss * c.ceiling)
            .sum()
    }

    /// Prevented loss of the absorbed exposures `absorbed` (one entry per cell):
    /// `V = sum A_sf r_sf`.
    ///
    /// # Errors
    ///
    /// [`Error::Mismatch`] if `absorbed` does not have one entry per cell.
    pub fn value_of_exposure(&self, absorbed: &[f64]) -> Result<f64, Error> {
        if absorbed.len() != self.params.cells.len() {
            return Err(Error::Mismatch {
                what: "absorbed exposures (segments x threats)",
                expected: self.params.cells.len(),
                found: absorbed.len(),
            });
        }
        Ok(CellId::range(absorbed.len())
            .zip(absorbed)
            .map(|(c, &e)| {
                let cell = &self.params.cells[c.index()];
                self.value_at_risk(c) * response::reduction(cell.ceiling, cell.scale, e)
            })
            .sum())
    }
}

impl Structure {
    /// The item and field that set resource `r`'s limit in a scenario file.
    pub(crate) fn resource_field(&self, r: ResourceId) -> (Item, &'static str) {
        let dept = |d: DepartmentId| {
            let id = self
                .departments
                .get(d.index())
                .map_or("?", |d| d.id.as_str());
            Item::new("department", id)
        };
        match self.resources.get(r.index()) {
            Some(ResourceKind::Money) => (Item::new("resources", "resources"), "money"),
            Some(ResourceKind::StaffHours) => (Item::new("resources", "resources"), "staff_hours"),
            Some(ResourceKind::DepartmentMoney(d)) => (dept(*d), "money"),
            Some(ResourceKind::DepartmentHours(d)) => (dept(*d), "staff_hours"),
            Some(ResourceKind::WeekMoney(_)) => {
                (Item::new("calendar", "calendar"), "money_per_week")
            }
            Some(ResourceKind::WeekHours(_)) => {
                (Item::new("calendar", "calendar"), "staff_hours_per_week")
            }
            Some(ResourceKind::WeekUnits(k, _)) => {
                let id = self
                    .placements
                    .get(k.index())
                    .map_or("?", |p| p.id.as_str());
                (Item::new("placement", id), "capacity_per_week")
            }
            _ => (Item::new("resources", "resources"), "limit"),
        }
    }

    /// Whether `kind` is a per-week resource of this problem's weeks and placements.
    fn weekly_ok(&self, kind: ResourceKind) -> bool {
        let weeks = self.weeks.as_ref().map_or(0, |w| w.weeks);
        match kind {
            ResourceKind::WeekMoney(w) | ResourceKind::WeekHours(w) => w.index() < weeks,
            ResourceKind::WeekUnits(k, w) => w.index() < weeks && k.index() < self.placements.len(),
            _ => false,
        }
    }

    /// Checks that every index points into its list.
    fn check(&self) -> Result<(), Error> {
        let bad = |what: &str| Error::Invalid {
            item: Item::new("problem", "structure"),
            field: what.to_string(),
            problem: "has an index out of range".to_string(),
        };
        if let Some(problem) = self
            .weeks
            .as_ref()
            .and_then(|w| w.problem(self.channels.len(), self.arms.len(), self.segments.len()))
        {
            return Err(Error::Invalid {
                item: Item::new("problem", "structure"),
                field: "weeks".to_string(),
                problem,
            });
        }
        let cells = self.cell_count();
        let n_resources = self.resources.len();
        let layout = ResourceKind::layout(self.departments.len());
        if self.resources.get(..layout.len()) != Some(&layout[..])
            || !self.resources[layout.len()..]
                .iter()
                .all(|k| self.weekly_ok(*k))
        {
            return Err(bad("resources"));
        }
        for seg in &self.segments {
            if seg.region.index() >= self.regions.len() || seg.group.index() >= self.groups.len() {
                return Err(bad("segments"));
            }
        }
        let dept_ok =
            |d: &Option<DepartmentId>| d.is_none_or(|d| d.index() < self.departments.len());
        for pl in &self.placements {
            if pl.channel.index() >= self.channels.len()
                || !dept_ok(&pl.owner)
                || pl.audience.iter().any(|s| s.index() >= self.segments.len())
                || pl.draws.iter().any(|r| r.index() >= n_resources)
            {
                return Err(bad("placements"));
            }
        }
        for msg in &self.messages {
            if !dept_ok(&msg.owner) || msg.draws.iter().any(|r| r.index() >= n_resources) {
                return Err(bad("messages"));
            }
        }
        for arm in &self.arms {
            if arm.message.index() >= self.messages.len()
                || arm.placement.index() >= self.placements.len()
                || arm.cells.iter().any(|c| c.index() >= cells)
                || arm.draws.iter().any(|d| d.resource.index() >= n_resources)
            {
                return Err(bad("arms"));
            }
        }
        let arms_ok = |lists: &[Vec<ArmId>], n: usize| {
            lists.len() == n && lists.iter().flatten().all(|a| a.index() < self.arms.len())
        };
        if !arms_ok(&self.arms_of_placement, self.placements.len())
            || !arms_ok(&self.arms_of_message, self.messages.len())
        {
            return Err(bad("arms_of_placement"));
        }
        if self
            .floors
            .iter()
            .any(|f| f.cell.index() >= cells || f.cell != self.cell(f.segment, f.threat))
        {
            return Err(bad("floors"));
        }
        Ok(())
    }
}
