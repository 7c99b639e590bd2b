//! The compiled, index-based problem. Built only by [`Scenario::compile`], which has
//! validated every number and reference, so nothing downstream re-validates.
//!
//! Indices: segments `s`, threats `f`, placements `k`, messages `m`, arms `a` (a compatible
//! message-placement pair), departments `d`, and cells `c = s * threat_count + f` for the
//! per-segment-per-threat data.
//!
//! [`Scenario::compile`]: crate::Scenario::compile

use crate::Error;
use crate::response;

/// A fraud type.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ThreatInfo {
    /// Id as written in the scenario.
    pub id: String,
    /// Human-readable name.
    pub name: String,
}

/// An audience segment.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SegmentInfo {
    /// Id as written in the scenario.
    pub id: String,
    /// Index into [`Problem::regions`].
    pub region: usize,
    /// Index into [`Problem::groups`].
    pub group: usize,
    /// Number of people.
    pub population: f64,
    /// Share of women, if the scenario gives it.
    pub women: Option<f64>,
    /// Share under 35, if the scenario gives it.
    pub under_35: Option<f64>,
}

/// Risk and response of one segment to one threat.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Cell {
    /// Cases per person per year.
    pub rate: f64,
    /// Mean loss per case.
    pub loss: f64,
    /// Response ceiling `rho` in `[0, 1)`.
    pub ceiling: f64,
    /// Response scale `kappa > 0`.
    pub scale: f64,
    /// Value at risk per year `A = N p L`.
    pub value_at_risk: f64,
    /// Cases at risk per year `N p`.
    pub cases_at_risk: f64,
}

/// A channel.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ChannelInfo {
    /// Id as written in the scenario.
    pub id: String,
    /// Human-readable name.
    pub name: String,
    /// Share of exposures absorbed, in `(0, 1]`.
    pub depth: f64,
}

/// A placement (a channel with one targeting option).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PlacementInfo {
    /// Id as written in the scenario.
    pub id: String,
    /// What one unit is.
    pub unit: String,
    /// Index of its channel.
    pub channel: usize,
    /// Cost per unit.
    pub unit_cost: f64,
    /// Cost paid once when used.
    pub setup_cost: f64,
    /// Most units.
    pub capacity: u64,
    /// Staff hours per unit.
    pub staff_hours: f64,
    /// Paying department (the channel's owner), if any.
    pub owner: Option<usize>,
    /// `(segment, exposures per person per unit)`, positive entries only, by segment.
    pub audience: Vec<(usize, f64)>,
}

/// A message.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MessageInfo {
    /// Id as written in the scenario.
    pub id: String,
    /// Its format.
    pub format: String,
    /// Cost paid once when used.
    pub production_cost: f64,
    /// Paying department, if any.
    pub owner: Option<usize>,
}

/// A compatible (message, placement) pair: the unit of decision.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Arm {
    /// Message index.
    pub message: usize,
    /// Placement index.
    pub placement: usize,
    /// `(segment, exposures per person per unit)`: the placement's audience.
    pub exposures: Vec<(usize, f64)>,
    /// `(cell, absorbed exposures per unit)`: `g_ks d_c a_ms w_mf`, positive entries only.
    pub absorbed: Vec<(usize, f64)>,
}

/// A department with its limits.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct DepartmentInfo {
    /// Id as written in the scenario.
    pub id: String,
    /// Money limit, if any.
    pub money: Option<f64>,
    /// Staff-hour limit, if any.
    pub staff_hours: Option<f64>,
}

/// A fairness floor on one segment and threat.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FloorTarget {
    /// Segment index.
    pub segment: usize,
    /// Threat index.
    pub threat: usize,
    /// Least risk reduction.
    pub min_reduction: f64,
    /// The absorbed exposures that achieve it: `-kappa ln(1 - phi / rho)`.
    pub exposure: f64,
    /// Position of the scenario's floor entry that set it (the last that matched).
    pub entry: usize,
}

/// The compiled problem: dense indices, sparse audiences, the list of arms.
///
/// Build it with [`Scenario::compile`](crate::Scenario::compile). It is immutable except for
/// the overall limits ([`Problem::set_money`], [`Problem::set_staff_hours`]), so a budget sweep
/// does not recompile.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub(crate) name: String,
    pub(crate) currency: String,
    pub(crate) threats: Vec<ThreatInfo>,
    pub(crate) regions: Vec<String>,
    pub(crate) groups: Vec<String>,
    pub(crate) segments: Vec<SegmentInfo>,
    pub(crate) cells: Vec<Cell>,
    pub(crate) channels: Vec<ChannelInfo>,
    pub(crate) placements: Vec<PlacementInfo>,
    pub(crate) messages: Vec<MessageInfo>,
    pub(crate) arms: Vec<Arm>,
    pub(crate) arms_of_placement: Vec<Vec<usize>>,
    pub(crate) arms_of_message: Vec<Vec<usize>>,
    pub(crate) money: Option<f64>,
    pub(crate) staff_hours: Option<f64>,
    pub(crate) departments: Vec<DepartmentInfo>,
    pub(crate) floors: Vec<FloorTarget>,
}

impl Problem {
    /// The scenario's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The currency of every money amount.
    pub fn currency(&self) -> &str {
        &self.currency
    }

    /// Number of segments.
    pub fn segment_count(&self) -> usize {
        self.segments.len()
    }

    /// Number of threats.
    pub fn threat_count(&self) -> usize {
        self.threats.len()
    }

    /// Threats, by index.
    pub fn threats(&self) -> &[ThreatInfo] {
        &self.threats
    }

    /// Segments, by index.
    pub fn segments(&self) -> &[SegmentInfo] {
        &self.segments
    }

    /// Region names, by index (first-seen order in the scenario).
    pub fn regions(&self) -> &[String] {
        &self.regions
    }

    /// Group names, by index (first-seen order in the scenario).
    pub fn groups(&self) -> &[String] {
        &self.groups
    }

    /// Channels, by index.
    pub fn channels(&self) -> &[ChannelInfo] {
        &self.channels
    }

    /// Placements, by index.
    pub fn placements(&self) -> &[PlacementInfo] {
        &self.placements
    }

    /// Messages, by index.
    pub fn messages(&self) -> &[MessageInfo] {
        &self.messages
    }

    /// Arms (compatible message-placement pairs), by index: the entries of a [`Plan`].
    ///
    /// [`Plan`]: crate::Plan
    pub fn arms(&self) -> &[Arm] {
        &self.arms
    }

    /// Indices of the arms on placement `k`.
    ///
    /// # Panics
    ///
    /// If `k` is out of range.
    pub fn arms_of_placement(&self, k: usize) -> &[usize] {
        &self.arms_of_placement[k]
    }

    /// Indices of the arms carrying message `m`.
    ///
    /// # Panics
    ///
    /// If `m` is out of range.
    pub fn arms_of_message(&self, m: usize) -> &[usize] {
        &self.arms_of_message[m]
    }

    /// Departments, by index.
    pub fn departments(&self) -> &[DepartmentInfo] {
        &self.departments
    }

    /// Fairness floors, one per (segment, threat) pair.
    pub fn floors(&self) -> &[FloorTarget] {
        &self.floors
    }

    /// All cells, indexed `s * threat_count() + f`.
    pub fn cells(&self) -> &[Cell] {
        &self.cells
    }

    /// The cell of segment `s` and threat `f`.
    ///
    /// # Panics
    ///
    /// If `s` or `f` is out of range.
    pub fn cell(&self, s: usize, f: usize) -> &Cell {
        assert!(
            s < self.segments.len() && f < self.threats.len(),
            "segment or threat index out of range"
        );
        &self.cells[s * self.threats.len() + f]
    }

    /// The money limit, if any.
    pub fn money(&self) -> Option<f64> {
        self.money
    }

    /// The staff-hour limit, if any.
    pub fn staff_hours(&self) -> Option<f64> {
        self.staff_hours
    }

    /// Replaces the money limit (`None`: unlimited).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] if the amount is negative or not finite.
    pub fn set_money(&mut self, money: Option<f64>) -> Result<(), Error> {
        check_limit(money, "money")?;
        self.money = money;
        Ok(())
    }

    /// Replaces the staff-hour limit (`None`: unlimited).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] if the amount is negative or not finite.
    pub fn set_staff_hours(&mut self, hours: Option<f64>) -> Result<(), Error> {
        check_limit(hours, "staff_hours")?;
        self.staff_hours = hours;
        Ok(())
    }

    /// Yearly loss with no campaign: `sum A_sf`.
    pub fn loss_at_risk(&self) -> f64 {
        self.cells.iter().map(|c| c.value_at_risk).sum()
    }

    /// Yearly cases with no campaign: `sum N_s p_sf`.
    pub fn cases_at_risk(&self) -> f64 {
        self.cells.iter().map(|c| c.cases_at_risk).sum()
    }

    /// The most loss a fully informed segment `s` could shed per person per year:
    /// `sum_f p_sf L_sf rho_sf`. Useful as a targeting weight (e.g. for word-of-mouth seeding).
    ///
    /// # Panics
    ///
    /// If `s` is out of range.
    pub fn preventable_loss_per_person(&self, s: usize) -> f64 {
        let f = self.threats.len();
        self.cells[s * f..(s + 1) * f]
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
        if absorbed.len() != self.cells.len() {
            return Err(Error::Mismatch {
                what: "absorbed exposures (segments x threats)",
                expected: self.cells.len(),
                found: absorbed.len(),
            });
        }
        Ok(self
            .cells
            .iter()
            .zip(absorbed)
            .map(|(c, &e)| c.value_at_risk * response::reduction(c.ceiling, c.scale, e))
            .sum())
    }
}

fn check_limit(value: Option<f64>, field: &str) -> Result<(), Error> {
    match value {
        Some(v) if !(v.is_finite() && v >= 0.0) => Err(Error::InvalidValue {
            item: crate::error::Item::new("resources", "resources"),
            field: field.to_string(),
            value: v,
            expected: "a finite number >= 0",
        }),
        _ => Ok(()),
    }
}
