//! The scenario file as people write it: string ids, selectors, `source` strings.
//!
//! These types are plain serde data. Nothing here is validated: [`Scenario::compile`]
//! checks every reference and number and builds the index-based [`Problem`].
//! Unknown fields are rejected when reading JSON, so a misspelt `setup_cots` is an error,
//! not a silent zero.
//!
//! Each field's documentation gives its allowed range; the bounds beyond what the model
//! needs (no subnormal coefficients, no absurd magnitudes) are the constants of
//! [`limits`](super::limits). Ids, region and group names and formats must be non-empty, not
//! only whitespace, free of control characters and at most
//! [`MAX_ID_CHARS`](super::limits::MAX_ID_CHARS) (256) characters long.
//!
//! [`Problem`]: crate::Problem

use serde::{Deserialize, Serialize};

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

fn default_currency() -> String {
    "CNY".to_string()
}

/// A whole planning scenario: who is at risk of what, which channels reach them, which
/// messages warn against which fraud, and the resources available.
///
/// # Example
///
/// ```
/// use fanzha::Scenario;
///
/// let json = r#"{
///   "name": "Tiny town",
///   "threats": [{"id": "brushing", "name": "Order-brushing rebate scam"}],
///   "segments": [{"id": "town.young", "region": "town", "group": "young", "population": 1000,
///                 "risk": [{"threat": "brushing", "rate": 0.002, "loss": 20000}]}],
///   "channels": [{"id": "douyin", "name": "Douyin", "depth": 0.2,
///                 "placements": [{"id": "douyin.young", "unit": "1,000 impressions",
///                                 "unit_cost": 30, "capacity": 500, "formats": ["short_video"],
///                                 "audience": [{"group": "young", "per_unit": 1.0}]}]}],
///   "messages": [{"id": "brushing.comic", "format": "short_video",
///                 "threats": [{"threat": "brushing", "relevance": 1.0}],
///                 "appeal": [{"value": 1.0}]}],
///   "response": {"ceiling": 0.4, "scale": 3.0},
///   "resources": {"money": 5000}
/// }"#;
/// let scenario = Scenario::from_json(json)?;
/// let problem = scenario.compile()?;
/// assert_eq!(problem.segment_count(), 1);
/// # Ok::<(), fanzha::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Human-readable name, copied into plans.
    pub name: String,
    /// Currency of every money amount (default `"CNY"`).
    #[serde(default = "default_currency")]
    pub currency: String,
    /// Free text: what the scenario is, where its numbers come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Fraud types.
    pub threats: Vec<Threat>,
    /// Audience segments: a partition of the population by region and group.
    pub segments: Vec<Segment>,
    /// Channels and their placements.
    pub channels: Vec<Channel>,
    /// Produced warning messages.
    pub messages: Vec<Message>,
    /// How absorbed exposures turn into risk reduction.
    pub response: Response,
    /// Overall limits (absent: unlimited).
    #[serde(default)]
    pub resources: Resources,
    /// Departments with their own limits; owners of channels and messages.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub departments: Vec<Department>,
    /// Fairness floors: the least risk reduction some segments must get.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub floors: Vec<Floor>,
    /// Ranges on the assumptions (absent: point estimates); see [`UncertaintySection`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<UncertaintySection>,
    /// Weeks, memory, seasons and per-week limits (absent: the one-period model). Read by
    /// [`Scenario::compile_calendar`]; [`Scenario::compile`] ignores it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<CalendarSection>,
}

fn first_week() -> u64 {
    1
}

/// The `calendar` section: a campaign of `weeks` weeks from calendar week `start_week`
/// (see [`crate::calendar`] for the model).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarSection {
    /// Campaign weeks, in `1..=52`.
    pub weeks: u64,
    /// Calendar week of the first campaign week, in `1..=52` (default 1).
    #[serde(default = "first_week")]
    pub start_week: u64,
    /// Weekly retention of absorbed exposures on every channel without its own, in `[0, 1)`.
    pub retention: f64,
    /// Channels with their own weekly retention.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channel_retention: Vec<ChannelRetention>,
    /// Season factors: later entries override earlier ones on the cells and weeks they share.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub season: Vec<Season>,
    /// Staff hours per campaign week (absent or null: no weekly limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_hours_per_week: Option<f64>,
    /// Money per campaign week for unit costs (absent or null: no weekly limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub money_per_week: Option<f64>,
    /// Remembered exposures from a past campaign at the start (later entries override
    /// earlier ones).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub carry_in: Vec<CarryIn>,
    /// `"campaign"` (default): floors on the whole campaign's mean remembered exposure;
    /// `"quarter"`: on each 13-week block's; `"none"`: the floors do not apply to calendar
    /// plans.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floors_every: Option<crate::calendar::FloorsEvery>,
    /// Where the numbers come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// One channel's weekly retention.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelRetention {
    /// Channel id.
    pub channel: String,
    /// Weekly retention, in `[0, 1)`.
    pub weekly: f64,
    /// Where it comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// Remembered absorbed exposures per person of one channel at the campaign's start, for one
/// threat (or all) and the segments a selector matches (or all).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CarryIn {
    /// Channel id.
    pub channel: String,
    /// Threat id (absent: every threat).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threat: Option<String>,
    /// Segment id selector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// Region selector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Group selector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Absorbed exposures per person remembered at the start, `>= 0`.
    pub exposure: f64,
    /// Where it comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A season factor on some calendar weeks, for one threat (or all) and the segments a
/// selector matches (or all).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Season {
    /// Threat id (absent: every threat).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threat: Option<String>,
    /// Segment id selector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// Region selector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Group selector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Calendar weeks, each in `1..=52`.
    pub weeks: Vec<u64>,
    /// Factor on the weekly rate before normalisation, in `[1e-9, 1e6]`.
    pub factor: f64,
    /// Where it comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A fraud type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Threat {
    /// Unique id, referenced by segments, messages, overrides and floors.
    pub id: String,
    /// Human-readable name.
    pub name: String,
    /// Where the description comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// One audience segment: the people of one group in one region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Segment {
    /// Unique id, conventionally `region.group`.
    pub id: String,
    /// Region (town) the segment lives in; selectors match on it.
    pub region: String,
    /// Group (e.g. `elderly`); selectors match on it.
    pub group: String,
    /// Number of people, at most [`MAX_POPULATION`](super::limits::MAX_POPULATION) (1e10).
    pub population: u64,
    /// Descriptive shares, used in reports and calibration checks, never by the optimiser.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<Profile>,
    /// Where the population comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Yearly victimisation per threat; a threat left out has rate 0.
    #[serde(default)]
    pub risk: Vec<Risk>,
}

/// Descriptive shares of a segment: named attributes, each the share of the segment's people
/// who have it, in `[0, 1]` (e.g. `{"women": 0.52, "under_35": 0.3}`), plus an optional
/// `source`.
///
/// Any key other than `source` is an attribute; names follow the id rules. `women` and
/// `under_35` are the ones reports and the built-in scenario use; calibration
/// ([`fit::calibrate`](crate::fit::calibrate)) can use any of them for victim shares.
///
/// # Example
///
/// ```
/// use fanzha::model::Profile;
///
/// let p: Profile = serde_json::from_str(r#"{"women": 0.52, "rural": 0.7, "source": "census"}"#)?;
/// assert_eq!(p.get("women"), Some(0.52));
/// assert_eq!(p.get("rural"), Some(0.7));
/// assert_eq!(p.get("under_35"), None);
/// assert_eq!(Profile::default().with("women", 0.5).get("women"), Some(0.5));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Profile {
    /// Where the shares come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Attribute name to share of the segment, each in `[0, 1]`.
    #[serde(flatten)]
    pub attributes: std::collections::BTreeMap<String, f64>,
}

impl Profile {
    /// The share of attribute `name`, if given.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.attributes.get(name).copied()
    }

    /// The profile with attribute `name` set to `share` (builder style).
    pub fn with(mut self, name: &str, share: f64) -> Profile {
        self.attributes.insert(name.to_string(), share);
        self
    }
}

/// A segment's exposure to one threat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Risk {
    /// Threat id.
    pub threat: String,
    /// Cases per person per year, in `[0, 1)`: 0 or at least
    /// [`MIN_COEFFICIENT`](super::limits::MIN_COEFFICIENT) (1e-9).
    pub rate: f64,
    /// Mean loss per case, in the scenario's currency, in `[0, 1e12]`
    /// ([`MAX_LOSS`](super::limits::MAX_LOSS)).
    pub loss: f64,
    /// Where the numbers come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A channel (radio, Douyin, factory lectures …) with its placements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    /// Unique id.
    pub id: String,
    /// Human-readable name.
    pub name: String,
    /// Share of exposures actually absorbed, in `(0, 1]` and at least
    /// [`MIN_COEFFICIENT`](super::limits::MIN_COEFFICIENT) (1e-9) (a lecture is deep, a
    /// banner shallow).
    pub depth: f64,
    /// Department that pays for the channel's placements (absent: no department limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Where the depth comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The channel's targeting options.
    pub placements: Vec<Placement>,
}

/// A channel with one targeting option, bought in units (a spot, a lecture, 1,000
/// impressions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Placement {
    /// Unique id across all channels.
    pub id: String,
    /// Human-readable name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What one unit is, e.g. `"15-second spot"`.
    pub unit: String,
    /// Cost per unit, in `[0, 1e15]` ([`MAX_AMOUNT`](super::limits::MAX_AMOUNT), as every
    /// cost, staff-hour amount and limit).
    pub unit_cost: f64,
    /// Cost paid once if the placement is used at all (default 0), in `[0, 1e15]`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub setup_cost: f64,
    /// Most units that can be bought, at most
    /// [`MAX_CAPACITY`](super::limits::MAX_CAPACITY) (1e12).
    pub capacity: u64,
    /// Most units in one week of a calendar campaign (default the capacity / 52 rounded up).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity_per_week: Option<u64>,
    /// Staff hours per unit (default 0), in `[0, 1e15]`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub staff_hours: f64,
    /// Message formats it carries (e.g. `"audio"`).
    pub formats: Vec<String>,
    /// Who it reaches: exposures per person per unit, by selector. Unmatched segments get 0.
    #[serde(default)]
    pub audience: Vec<Audience>,
    /// Where the costs come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// One audience rule of a placement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Audience {
    /// Match one segment by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// Match segments of a region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Match segments of a group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Expected exposures per person of a matched segment per unit, in `[0, 1e6]`
    /// ([`MAX_PER_UNIT`](super::limits::MAX_PER_UNIT)): 0 or at least 1e-9.
    pub per_unit: f64,
    /// Where the number comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A produced warning message in one format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Message {
    /// Unique id.
    pub id: String,
    /// Human-readable name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Format; the message runs on placements that carry it.
    pub format: String,
    /// Cost paid once if the message is used at all (default 0), in `[0, 1e15]`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub production_cost: f64,
    /// Department that pays for production (absent: no department limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Where the cost comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Relevance to each threat in `[0, 1]`; threats left out get 0.
    pub threats: Vec<Relevance>,
    /// Appeal to segments in `[0, 1]`, by selector. **Unmatched segments get appeal 0**:
    /// the message does nothing for them.
    #[serde(default)]
    pub appeal: Vec<Appeal>,
}

/// How relevant a message is to one threat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Relevance {
    /// Threat id.
    pub threat: String,
    /// Relevance in `[0, 1]`: 0 or at least 1e-9.
    pub relevance: f64,
}

/// One appeal rule of a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Appeal {
    /// Match one segment by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// Match segments of a region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Match segments of a group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Appeal in `[0, 1]`: 0 or at least 1e-9.
    pub value: f64,
}

/// Response of risk to absorbed exposures: `r = ceiling * (1 - exp(-E / scale))`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Response {
    /// Default ceiling in `[0, 1)`: the most risk a fully informed person sheds; 0 or at
    /// least 1e-9.
    pub ceiling: f64,
    /// Default scale `> 0`: absorbed exposures for 63% of the ceiling, in `[1e-12, 1e9]`
    /// ([`MIN_SCALE`](super::limits::MIN_SCALE), [`MAX_SCALE`](super::limits::MAX_SCALE)).
    pub scale: f64,
    /// Where the numbers come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Per segment/threat overrides; later entries win.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<ResponseOverride>,
}

/// Overrides the response for matched segments and (optionally) one threat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseOverride {
    /// Match one segment by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// Match segments of a region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Match segments of a group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Threat id; absent: every threat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threat: Option<String>,
    /// New ceiling in `[0, 1)`: 0 or at least 1e-9.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ceiling: Option<f64>,
    /// New scale `> 0`, in `[1e-12, 1e9]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<f64>,
    /// Where the numbers come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// Overall limits; an absent limit is no constraint.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resources {
    /// Money available (setup, units and production), in `[0, 1e15]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub money: Option<f64>,
    /// Staff hours available, in `[0, 1e15]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_hours: Option<f64>,
    /// Where the numbers come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A department: pays for the channels and messages it owns, within its own limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Department {
    /// Unique id, referenced as `owner`.
    pub id: String,
    /// Human-readable name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Money the department can spend (absent: unlimited), in `[0, 1e15]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub money: Option<f64>,
    /// Staff hours the department can give (absent: unlimited), in `[0, 1e15]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_hours: Option<f64>,
    /// Where the numbers come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A fairness floor: every matched segment must shed at least `min_reduction` of its risk
/// of the threat (or of every threat when `threat` is absent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Floor {
    /// Match one segment by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// Match segments of a region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Match segments of a group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Threat id; absent: every threat the segment is at risk of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threat: Option<String>,
    /// Least risk reduction, in `(0, 1)` and at least 1e-9, below the response ceiling.
    pub min_reduction: f64,
    /// Why this floor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

fn default_draws() -> usize {
    1000
}

/// The `uncertainty` section: ranges on the scenario's assumptions, compiled by
/// [`Scenario::compile_uncertain`](crate::Scenario::compile_uncertain) into an
/// [`Uncertainty`](crate::uncertainty::Uncertainty).
///
/// Each entry is **one** random quantity shared by every value it selects; entries are
/// independent and apply in order (a drawn value replaces the current value, a factor
/// multiplies it).
///
/// # Example
///
/// ```
/// use fanzha::model::UncertaintySection;
///
/// let json = r#"{"draws": 500, "seed": 7, "parameters": [
///   {"parameter": "ceiling", "group": "elderly", "distribution": "triangular",
///    "low": 0.25, "mode": 0.4, "high": 0.6, "source": "assumption: AARP 2003 range"},
///   {"parameter": "per_unit", "channel": "douyin", "factor": 1.5}]}"#;
/// let section: UncertaintySection = serde_json::from_str(json).unwrap();
/// assert_eq!(section.parameters.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UncertaintySection {
    /// Monte Carlo draws (default 1,000), in `[1, 10_000_000]`.
    #[serde(default = "default_draws")]
    pub draws: usize,
    /// Seed of the draws (default 0).
    #[serde(default)]
    pub seed: u64,
    /// The uncertain quantities.
    #[serde(default)]
    pub parameters: Vec<UncertainParameter>,
}

/// Which number an [`UncertainParameter`] entry draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParameterKind {
    /// Response ceiling `rho` of the selected cells, in `[0, 1)`.
    Ceiling,
    /// Response scale `kappa` of the selected cells, `> 0`.
    Scale,
    /// Yearly victimisation rate of the selected cells at risk, in `[0, 1)`.
    Rate,
    /// Mean loss per case of the selected cells at risk.
    Loss,
    /// Exposures per person per unit of the selected placements' audiences (`factor` only).
    PerUnit,
    /// Depth of the selected channel, in `(0, 1]`.
    Depth,
    /// Unit cost of the selected placements (`factor` only).
    UnitCost,
}

/// How an [`UncertainParameter`]'s value is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DistributionKind {
    /// Lognormal with `low` and `high` its 5% and 95% quantiles (the default with
    /// `low`/`high`).
    Lognormal,
    /// Triangular on `[low, high]` with mode `mode`.
    Triangular,
    /// Uniform on `[low, high]`.
    Uniform,
    /// A lognormal multiplier of the base value with 5-95% range `[1/factor, factor]` (the
    /// default with `factor`).
    Factor,
}

/// One uncertain quantity: a parameter, a selector, a distribution and its reason.
///
/// Selectors: `segment`, `region`, `group` (segments, as elsewhere) and `threat` for
/// `ceiling`, `scale`, `rate`, `loss` and `per_unit`; `channel` and `placement` for
/// `per_unit`, `depth` (channel only) and `unit_cost`. Left out: all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UncertainParameter {
    /// The parameter drawn.
    pub parameter: ParameterKind,
    /// Match one segment by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// Match segments of a region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Match segments of a group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Threat id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threat: Option<String>,
    /// Channel id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// Placement id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placement: Option<String>,
    /// The distribution (default: `lognormal` with `low`/`high`, `factor` with `factor`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distribution: Option<DistributionKind>,
    /// Lower end: the 5% quantile (lognormal) or the support's minimum, within the
    /// parameter's range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    /// Mode of a triangular distribution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<f64>,
    /// Upper end: the 95% quantile (lognormal) or the support's maximum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
    /// Multiplier range: the base value times a lognormal factor with 5-95% range
    /// `[1/factor, factor]`, `factor >= 1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factor: Option<f64>,
    /// Why this range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}
