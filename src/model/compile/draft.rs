//! What the passes build, in the shape they validate: indices as `usize`, numbers beside
//! names. [`assemble`](super::assemble) splits them into the problem's
//! [`Structure`](crate::problem::Structure) and [`Parameters`](crate::problem::Parameters).

/// An audience segment.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct SegmentInfo {
    /// Id as written in the scenario.
    pub(super) id: String,
    /// Index into [`Problem::regions`].
    pub(super) region: usize,
    /// Index into [`Problem::groups`].
    pub(super) group: usize,
    /// Number of people.
    pub(super) population: f64,
    /// Share of women, if the scenario gives it.
    pub(super) women: Option<f64>,
    /// Share under 35, if the scenario gives it.
    pub(super) under_35: Option<f64>,
}

/// Risk and response of one segment to one threat.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Cell {
    /// Cases per person per year.
    pub(super) rate: f64,
    /// Mean loss per case.
    pub(super) loss: f64,
    /// Response ceiling `rho` in `[0, 1)`.
    pub(super) ceiling: f64,
    /// Response scale `kappa > 0`.
    pub(super) scale: f64,
    /// Value at risk per year `A = N p L`.
    pub(super) value_at_risk: f64,
    /// Cases at risk per year `N p`.
    pub(super) cases_at_risk: f64,
}

/// A channel.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ChannelInfo {
    /// Id as written in the scenario.
    pub(super) id: String,
    /// Human-readable name.
    pub(super) name: String,
    /// Share of exposures absorbed, in `(0, 1]`.
    pub(super) depth: f64,
}

/// A placement (a channel with one targeting option).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct PlacementInfo {
    /// Id as written in the scenario.
    pub(super) id: String,
    /// What one unit is.
    pub(super) unit: String,
    /// Index of its channel.
    pub(super) channel: usize,
    /// Cost per unit.
    pub(super) unit_cost: f64,
    /// Cost paid once when used.
    pub(super) setup_cost: f64,
    /// Most units.
    pub(super) capacity: u64,
    /// Staff hours per unit.
    pub(super) staff_hours: f64,
    /// Paying department (the channel's owner), if any.
    pub(super) owner: Option<usize>,
    /// `(segment, exposures per person per unit)`, positive entries only, by segment.
    pub(super) audience: Vec<(usize, f64)>,
}

/// A message.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct MessageInfo {
    /// Id as written in the scenario.
    pub(super) id: String,
    /// Its format.
    pub(super) format: String,
    /// Cost paid once when used.
    pub(super) production_cost: f64,
    /// Paying department, if any.
    pub(super) owner: Option<usize>,
}

/// A compatible (message, placement) pair: the unit of decision.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Arm {
    /// Message index.
    pub(super) message: usize,
    /// Placement index.
    pub(super) placement: usize,
    /// `(segment, exposures per person per unit)`: the placement's audience.
    pub(super) exposures: Vec<(usize, f64)>,
    /// `(cell, absorbed exposures per unit)`: `g_ks d_c a_ms w_mf`, positive entries only.
    pub(super) absorbed: Vec<(usize, f64)>,
}

/// A department with its limits.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct DepartmentInfo {
    /// Id as written in the scenario.
    pub(super) id: String,
    /// Money limit, if any.
    pub(super) money: Option<f64>,
    /// Staff-hour limit, if any.
    pub(super) staff_hours: Option<f64>,
}

/// A fairness floor on one segment and threat.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct FloorTarget {
    /// Segment index.
    pub(super) segment: usize,
    /// Threat index.
    pub(super) threat: usize,
    /// Least risk reduction.
    pub(super) min_reduction: f64,
    /// The absorbed exposures that achieve it: `-kappa ln(1 - phi / rho)`.
    pub(super) exposure: f64,
    /// Position of the scenario's floor entry that set it (the last that matched).
    pub(super) entry: usize,
}
