//! Seeded random scenarios of any size, for tests, benchmarks and research.
//!
//! The same configuration and seed give the same [`Scenario`] on every machine: the random
//! stream is ChaCha8 (portable), and only `+ - * /` and comparisons touch the random numbers
//! (no platform `ln`/`exp`), except the floor's target, which uses `exp` and is then rounded
//! to four decimals. A golden test pins the numbers: one scenario as readable JSON in
//! `tests/data/golden/`, read by `tests/properties.rs`.
//!
//! Ranges (all assumptions, chosen to look like a county's campaign): populations 500-50,000;
//! each segment at risk of about 60% of threats with rates 0.0001-0.003 per person-year and
//! losses 5,000-200,000; depths 0.03-0.8; unit costs 10-10,000; capacities 5-2,000; audiences of
//! one to three groups or a region at 0.001-0.2 exposures per person per unit; messages relevant
//! to one or two threats and appealing to one to three groups. The money limit is a tenth of
//! what filling every placement would cost (by default), so choices matter.
//!
//! # Example
//!
//! ```
//! use fanzha::generate::{self, Config};
//!
//! let a = generate::scenario(&Config::small(), 7);
//! let b = generate::scenario(&Config::small(), 7);
//! assert_eq!(a, b);
//! let problem = a.compile()?;
//! assert_eq!(problem.segment_count(), Config::small().regions * Config::small().groups);
//! # Ok::<(), fanzha::Error>(())
//! ```

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::core::{ArmId, ResourceKind};
use crate::model::{
    Appeal, Audience, Channel, Department, Floor, Message, Placement, Relevance, Resources,
    Response, Risk, Scenario, Segment, Threat,
};
use crate::problem::{PlacementParameters, Problem};
use crate::response;

/// Size and shape of a generated scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Regions.
    pub regions: usize,
    /// Groups (segments = regions x groups).
    pub groups: usize,
    /// Threats.
    pub threats: usize,
    /// Channels.
    pub channels: usize,
    /// Placements per channel.
    pub placements_per_channel: usize,
    /// Messages.
    pub messages: usize,
    /// Whether to add three departments with money limits and staff-hour limits.
    pub departments: bool,
    /// Whether to add a fairness floor (always reachable and affordable).
    pub floors: bool,
    /// Range of placement capacities (units), `5..2_000` in the presets; small ranges make
    /// instances that brute force and [`Exact`](crate::optimize::Exact) can solve.
    pub capacity: std::ops::Range<u64>,
    /// The money limit as a share of what filling every placement costs (0.1 in the presets,
    /// 0.3 in [`Config::tiny`]); departments get half of it each.
    pub budget: f64,
}

impl Config {
    /// A few arms: 2 regions x 2 groups, 2 threats, 2 channels x 2 placements, 3 messages, with
    /// departments and a floor, capacities 5-2,000 and a tenth of the full cost to spend. The
    /// other presets differ from it only where their docs say.
    ///
    /// ```
    /// use fanzha::generate::{self, Config};
    ///
    /// let problem = generate::scenario(&Config::small(), 1).compile()?;
    /// assert_eq!((problem.segment_count(), problem.placements().len()), (4, 4));
    /// # Ok::<(), fanzha::Error>(())
    /// ```
    pub fn small() -> Config {
        Config {
            regions: 2,
            groups: 2,
            threats: 2,
            channels: 2,
            placements_per_channel: 2,
            messages: 3,
            departments: true,
            floors: true,
            capacity: 5..2_000,
            budget: 0.1,
        }
    }

    /// A tiny instance that brute force can enumerate and [`Exact`](crate::optimize::Exact)
    /// proves in milliseconds: 2 regions x 2 groups, 2 threats, 3 channels x 2 placements, 4
    /// messages (8 arms), capacities 1-3, with departments and a floor, and three tenths of the
    /// full cost to spend.
    ///
    /// ```
    /// use fanzha::generate::{self, Config};
    ///
    /// let problem = generate::scenario(&Config::tiny(), 1).compile()?;
    /// assert!(problem.parameters().placements.iter().all(|p| (1..=3).contains(&p.capacity)));
    /// # Ok::<(), fanzha::Error>(())
    /// ```
    pub fn tiny() -> Config {
        Config {
            channels: 3,
            messages: 4,
            capacity: 1..4,
            budget: 0.3,
            ..Config::small()
        }
    }

    /// A city or county: 60 segments (6 x 10), 6 threats, 40 placements (8 x 5), 20 messages.
    ///
    /// ```
    /// use fanzha::generate::{self, Config};
    ///
    /// let problem = generate::scenario(&Config::city_county(), 1).compile()?;
    /// assert_eq!((problem.segment_count(), problem.placements().len()), (60, 40));
    /// # Ok::<(), fanzha::Error>(())
    /// ```
    pub fn city_county() -> Config {
        Config {
            regions: 6,
            groups: 10,
            threats: 6,
            channels: 8,
            placements_per_channel: 5,
            messages: 20,
            ..Config::small()
        }
    }

    /// A prefecture-level city (地级市): 300 segments (30 x 10), 8 threats, 100 placements
    /// (10 x 10), 50 messages; each of the five formats has 20 placements and 10 messages, so
    /// exactly 1,000 arms. The size of the side-by-side with a MILP solver (README, "Plan
    /// quality").
    ///
    /// ```
    /// use fanzha::generate::{self, Config};
    ///
    /// let problem = generate::scenario(&Config::prefecture(), 1).compile()?;
    /// assert_eq!((problem.segment_count(), problem.placements().len()), (300, 100));
    /// assert_eq!(problem.arms().len(), 1_000);
    /// # Ok::<(), fanzha::Error>(())
    /// ```
    pub fn prefecture() -> Config {
        Config {
            regions: 30,
            groups: 10,
            threats: 8,
            channels: 10,
            placements_per_channel: 10,
            messages: 50,
            ..Config::small()
        }
    }

    /// A province: 1,000 segments (100 x 10), 8 threats, 200 placements (20 x 10), 60 messages.
    ///
    /// ```
    /// use fanzha::generate::Config;
    ///
    /// let config = Config::province();
    /// assert_eq!(config.regions * config.groups, 1_000);
    /// assert_eq!(config.channels * config.placements_per_channel, 200);
    /// ```
    pub fn province() -> Config {
        Config {
            regions: 100,
            groups: 10,
            threats: 8,
            channels: 20,
            placements_per_channel: 10,
            messages: 60,
            ..Config::small()
        }
    }

    /// The preset of that name, as the example programs spell them (one of [`PRESETS`]).
    ///
    /// ```
    /// use fanzha::generate::{Config, PRESETS};
    ///
    /// assert_eq!(Config::preset("city-county"), Some(Config::city_county()));
    /// assert!(PRESETS.iter().all(|name| Config::preset(name).is_some()));
    /// assert_eq!(Config::preset("county"), None);
    /// ```
    pub fn preset(name: &str) -> Option<Config> {
        match name {
            "tiny" => Some(Config::tiny()),
            "small" => Some(Config::small()),
            "city-county" => Some(Config::city_county()),
            "prefecture" => Some(Config::prefecture()),
            "province" => Some(Config::province()),
            _ => None,
        }
    }
}

/// The names [`Config::preset`] knows, smallest first.
pub const PRESETS: [&str; 5] = ["tiny", "small", "city-county", "prefecture", "province"];

/// A number spread over `n` decades, `[lo, lo * 10^n)`, without transcendental functions.
fn decades(rng: &mut ChaCha8Rng, lo: f64, n: u32) -> f64 {
    let mut scale = lo;
    for _ in 0..rng.random_range(0..n) {
        scale *= 10.0;
    }
    scale * rng.random_range(1.0..10.0)
}

/// Rounds to 4 significant-ish decimals so scenario files stay readable.
fn tidy(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

/// Message and placement formats, assigned round-robin.
const FORMATS: [&str; 5] = ["short_video", "audio", "print", "talk", "text"];

/// Departments when [`Config::departments`] is set.
const DEPARTMENTS: usize = 3;

/// The `source` of everything the generator assumes.
const GENERATED: &str = "assumption: generated";

/// The counts of a [`Config`] with zeros raised to one, as every part of the generator uses
/// them.
struct Shape {
    regions: usize,
    groups: usize,
    threats: usize,
    channels: usize,
    placements_per_channel: usize,
    messages: usize,
    /// Zero without departments; then nothing has an owner.
    departments: usize,
    /// Formats in use: one per channel, at most [`FORMATS`]`.len()`.
    formats: usize,
}

impl Shape {
    fn of(config: &Config) -> Shape {
        let channels = config.channels.max(1);
        Shape {
            regions: config.regions.max(1),
            groups: config.groups.max(1),
            threats: config.threats.max(1),
            channels,
            placements_per_channel: config.placements_per_channel.max(1),
            messages: config.messages.max(1),
            departments: if config.departments { DEPARTMENTS } else { 0 },
            formats: channels.min(FORMATS.len()),
        }
    }
}

/// What filling every placement to capacity would cost, summed in placement order.
#[derive(Default)]
struct FullUse {
    money: f64,
    staff_hours: f64,
}

/// Generates a scenario; see the [module docs](self) for the ranges.
///
/// Guarantees: the same `config` and `seed` give the same scenario, byte for byte, on every
/// machine (a golden file pins it); zero counts are raised to one, so the scenario compiles for
/// any counts and capacity range with a [`Config::budget`] in `[0, 1]` (a negative, NaN or
/// huge one gives limits that `compile` rejects); a floor, if [`Config::floors`] asks for one,
/// is met by one arm alone with at most a tenth of the money and of the staff hours (none is
/// added if no arm can). Does not panic.
///
/// Complexity: linear in the scenario's size (segments x threats, placements, messages), plus,
/// with floors, one [`Scenario::compile`] and a scan of the arms.
///
/// # Example
///
/// ```
/// use fanzha::generate::{self, Config};
///
/// let config = Config { departments: false, floors: false, ..Config::small() };
/// let scenario = generate::scenario(&config, 3);
/// assert_eq!(scenario, generate::scenario(&config, 3));
/// assert!(scenario.departments.is_empty() && scenario.floors.is_empty());
/// assert_eq!(scenario.compile()?.placements().len(), 2 * 2);
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn scenario(config: &Config, seed: u64) -> Scenario {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let shape = Shape::of(config);
    // The draws happen in this order (segments, channels, messages, floor): reordering them
    // changes every generated scenario.
    let segments = segments(&mut rng, &shape);
    let (channels, full) = channels(&mut rng, config, &shape);
    let money = (full.money * config.budget).round();
    let hours = (full.staff_hours * 0.3).round();
    let messages = messages(&mut rng, &shape, money);
    let mut scenario = Scenario {
        name: format!("generated-{seed}"),
        currency: "CNY".into(),
        description: Some(format!("fanzha::generate, seed {seed}, {config:?}")),
        threats: threats(shape.threats),
        segments,
        channels,
        messages,
        response: response(),
        resources: Resources {
            money: Some(money),
            staff_hours: Some(hours),
            source: None,
        },
        departments: departments(shape.departments, money, hours),
        floors: Vec::new(),
        uncertainty: None,
        calendar: None,
    };
    if config.floors {
        scenario.floors = affordable_floor(&scenario, &mut rng).into_iter().collect();
    }
    scenario
}

fn threat_id(f: usize) -> String {
    format!("t{f}")
}

fn region_id(r: usize) -> String {
    format!("r{r}")
}

fn group_id(g: usize) -> String {
    format!("g{g}")
}

fn department_id(d: usize) -> String {
    format!("d{d}")
}

/// Threats `t0..`, with no draws.
fn threats(n_threats: usize) -> Vec<Threat> {
    (0..n_threats)
        .map(|f| Threat {
            id: threat_id(f),
            name: format!("Threat {f}"),
            source: Some(GENERATED.into()),
        })
        .collect()
}

/// Segments `r{r}.g{g}`, regions outer, groups inner: each draws its risks, then its
/// population.
fn segments(rng: &mut ChaCha8Rng, shape: &Shape) -> Vec<Segment> {
    let mut segments = Vec::with_capacity(shape.regions * shape.groups);
    for r in 0..shape.regions {
        for g in 0..shape.groups {
            let risk = risks(rng, shape.threats);
            segments.push(Segment {
                id: format!("r{r}.g{g}"),
                region: region_id(r),
                group: group_id(g),
                population: rng.random_range(500..50_000),
                profile: None,
                source: None,
                risk,
            });
        }
    }
    segments
}

/// Each threat with probability 0.6, at a rate of 0.0001-0.003 and a loss of 5,000-200,000.
fn risks(rng: &mut ChaCha8Rng, n_threats: usize) -> Vec<Risk> {
    let mut risks = Vec::new();
    for f in 0..n_threats {
        if rng.random_bool(0.6) {
            risks.push(Risk {
                threat: threat_id(f),
                rate: tidy(rng.random_range(0.0001..0.003) * 10.0) / 10.0,
                loss: rng.random_range(5_000.0f64..200_000.0).round(),
                source: None,
            });
        }
    }
    risks
}

/// One of the departments at random, or `None` (and no draw) without departments.
fn owner(rng: &mut ChaCha8Rng, n_departments: usize) -> Option<String> {
    (n_departments > 0).then(|| department_id(rng.random_range(0..n_departments)))
}

/// The channels, and what filling all their placements would cost.
fn channels(rng: &mut ChaCha8Rng, config: &Config, shape: &Shape) -> (Vec<Channel>, FullUse) {
    let mut full = FullUse::default();
    let channels = (0..shape.channels)
        .map(|c| channel(rng, config, shape, c, &mut full))
        .collect();
    (channels, full)
}

/// Channel `c{c}`: draws its owner, then its placements, then its depth.
fn channel(
    rng: &mut ChaCha8Rng,
    config: &Config,
    shape: &Shape,
    c: usize,
    full: &mut FullUse,
) -> Channel {
    let format = FORMATS[c % shape.formats];
    let owner = owner(rng, shape.departments);
    let placements = (0..shape.placements_per_channel)
        .map(|p| placement(rng, config, shape, format!("c{c}.p{p}"), format, full))
        .collect();
    Channel {
        id: format!("c{c}"),
        name: format!("Channel {c}"),
        depth: tidy(rng.random_range(0.03..0.8)),
        owner,
        source: None,
        placements,
    }
}

/// One placement, adding what filling it would cost to `full`.
fn placement(
    rng: &mut ChaCha8Rng,
    config: &Config,
    shape: &Shape,
    id: String,
    format: &str,
    full: &mut FullUse,
) -> Placement {
    let unit_cost = tidy(decades(rng, 10.0, 3));
    let capacity = capacity(rng, &config.capacity);
    let setup_cost = zero_or(rng, |rng| tidy(decades(rng, 100.0, 2)));
    let staff_hours = zero_or(rng, |rng| tidy(rng.random_range(0.5..8.0)));
    full.money += setup_cost + unit_cost * capacity as f64;
    full.staff_hours += staff_hours * capacity as f64;
    let audience = audience(rng, shape);
    Placement {
        id,
        name: None,
        unit: "unit".into(),
        unit_cost,
        setup_cost,
        capacity,
        capacity_per_week: None,
        staff_hours,
        formats: vec![format.to_string()],
        audience,
        source: None,
    }
}

/// A capacity from `range`, at least one; its start (and no draw) if it is empty.
fn capacity(rng: &mut ChaCha8Rng, range: &std::ops::Range<u64>) -> u64 {
    if range.is_empty() {
        range.start.max(1)
    } else {
        rng.random_range(range.clone()).max(1)
    }
}

/// Zero with probability one half, else `draw`.
fn zero_or(rng: &mut ChaCha8Rng, draw: impl FnOnce(&mut ChaCha8Rng) -> f64) -> f64 {
    if rng.random_bool(0.5) { 0.0 } else { draw(rng) }
}

/// One to three (how many audience groups or appeals).
fn one_to_three(rng: &mut ChaCha8Rng) -> usize {
    rng.random_range(1..=3)
}

/// One to three audiences, each a region (probability 0.2) or a group.
fn audience(rng: &mut ChaCha8Rng, shape: &Shape) -> Vec<Audience> {
    (0..one_to_three(rng))
        .map(|_| {
            let (region, group) = if rng.random_bool(0.2) {
                (Some(region_id(rng.random_range(0..shape.regions))), None)
            } else {
                (None, Some(group_id(rng.random_range(0..shape.groups))))
            };
            Audience {
                segment: None,
                region,
                group,
                per_unit: tidy(decades(rng, 0.001, 2).min(0.2)),
                source: None,
            }
        })
        .collect()
}

/// The messages; production costs are up to 3% of `money`.
fn messages(rng: &mut ChaCha8Rng, shape: &Shape, money: f64) -> Vec<Message> {
    (0..shape.messages)
        .map(|m| {
            let threats = relevances(rng, shape.threats);
            let appeal = appeals(rng, shape.groups);
            let production_cost = tidy(rng.random_range(0.0..0.03) * money);
            Message {
                id: format!("m{m}"),
                name: None,
                format: FORMATS[m % shape.formats].to_string(),
                production_cost,
                owner: owner(rng, shape.departments),
                source: None,
                threats,
                appeal,
            }
        })
        .collect()
}

/// One threat at relevance 0.5-1, and with probability 0.4 (if there is one) another at
/// 0.2-0.8.
fn relevances(rng: &mut ChaCha8Rng, n_threats: usize) -> Vec<Relevance> {
    let first = rng.random_range(0..n_threats);
    let mut relevances = vec![Relevance {
        threat: threat_id(first),
        relevance: tidy(rng.random_range(0.5..1.0)),
    }];
    if n_threats > 1 && rng.random_bool(0.4) {
        let second = (first + rng.random_range(1..n_threats)) % n_threats;
        relevances.push(Relevance {
            threat: threat_id(second),
            relevance: tidy(rng.random_range(0.2..0.8)),
        });
    }
    relevances
}

/// One to three groups at appeal 0.3-1.
fn appeals(rng: &mut ChaCha8Rng, n_groups: usize) -> Vec<Appeal> {
    (0..one_to_three(rng))
        .map(|_| Appeal {
            segment: None,
            region: None,
            group: Some(group_id(rng.random_range(0..n_groups))),
            value: tidy(rng.random_range(0.3..1.0)),
        })
        .collect()
}

/// Departments with half the money and 60% of the staff hours each, with no draws.
fn departments(n_departments: usize, money: f64, hours: f64) -> Vec<Department> {
    (0..n_departments)
        .map(|d| Department {
            id: department_id(d),
            name: None,
            money: Some((money * 0.5).round()),
            staff_hours: Some((hours * 0.6).round()),
            source: None,
        })
        .collect()
}

/// The same response curve for every cell.
fn response() -> Response {
    Response {
        ceiling: 0.4,
        scale: 3.0,
        source: Some(GENERATED.into()),
        overrides: Vec::new(),
    }
}

/// What one arm may use toward the floor: a tenth of the money (and of the tightest
/// department's), at most half of it fixed, and a tenth of the staff hours.
#[derive(Clone, Copy)]
struct FloorBudget {
    money: f64,
    staff_hours: f64,
}

/// A floor that one arm alone meets with at most a tenth of each limit, or `None`. The arms
/// are tried in order from a random one (one draw).
fn affordable_floor(scenario: &Scenario, rng: &mut ChaCha8Rng) -> Option<Floor> {
    let problem = scenario.compile().ok()?;
    let money = problem.money().unwrap_or(f64::INFINITY);
    let dept_money = problem
        .resources()
        .iter()
        .filter(|r| matches!(r, ResourceKind::DepartmentMoney(_)))
        .filter_map(|r| problem.limits()[r.id()])
        .fold(f64::INFINITY, f64::min);
    let budget = FloorBudget {
        money: 0.1 * money.min(dept_money),
        staff_hours: 0.1 * problem.staff_hours().unwrap_or(f64::INFINITY),
    };
    let n = problem.arms().len();
    let start = rng.random_range(0..n.max(1));
    (0..n).find_map(|i| arm_floor(&problem, ArmId::new((start + i) % n), budget))
}

/// A floor on the cell `arm` reaches best, at half what `arm` alone achieves there within
/// `budget`, or `None` if it cannot afford a unit or reaches no cell at risk.
fn arm_floor(problem: &Problem, a: ArmId, budget: FloorBudget) -> Option<Floor> {
    let arm = &problem.arms()[a.index()];
    let placement = problem.placement(arm.placement);
    let units = affordable_units(placement, problem.production_cost(arm.message), budget)?;
    let (c, coef) = problem
        .absorbed(a)
        .filter(|(c, _)| problem.cells()[c.index()].rate > 0.0)
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    let (s, f) = problem.structure().segment_and_threat(c);
    let cell = problem.cells()[c.index()];
    let reached = response::reduction(cell.ceiling, cell.scale, units * coef);
    let min_reduction = tidy(0.5 * reached);
    if min_reduction <= 0.0 {
        return None;
    }
    Some(Floor {
        segment: Some(problem.segments()[s.index()].id.clone()),
        region: None,
        group: None,
        threat: Some(problem.threats()[f.index()].id.clone()),
        min_reduction,
        source: Some("assumption: generated, met by one arm with a tenth of the money".into()),
    })
}

/// Whole units of `placement` within `budget` (fixed costs at most half its money), or `None`
/// if not even one.
fn affordable_units(
    placement: &PlacementParameters,
    production_cost: f64,
    budget: FloorBudget,
) -> Option<f64> {
    let fixed = placement.setup_cost + production_cost;
    if fixed >= 0.5 * budget.money {
        return None;
    }
    let mut units = placement.capacity as f64;
    if placement.unit_cost > 0.0 {
        units = units.min(((0.5 * budget.money) / placement.unit_cost).floor());
    }
    if placement.staff_hours > 0.0 {
        units = units.min((budget.staff_hours / placement.staff_hours).floor());
    }
    if units < 1.0 { None } else { Some(units) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Configurations that between them take every branch of the generator: departments on
    /// and off, floors on and off, one threat (no second relevance), more channels than
    /// formats, an empty capacity range, and all-zero counts (raised to one).
    fn branch_configs() -> Vec<Config> {
        vec![
            Config::tiny(),
            Config::small(),
            Config::city_county(),
            Config {
                departments: false,
                floors: false,
                ..Config::small()
            },
            Config {
                departments: false,
                ..Config::small()
            },
            Config {
                capacity: 7..7,
                ..Config::small()
            },
            Config {
                threats: 1,
                channels: 7,
                messages: 9,
                ..Config::small()
            },
            Config {
                regions: 0,
                groups: 0,
                threats: 0,
                channels: 0,
                placements_per_channel: 0,
                messages: 0,
                ..Config::small()
            },
        ]
    }

    #[test]
    fn every_branch_config_compiles() {
        let budgets = [0.0, 1.0].map(|budget| Config {
            budget,
            ..Config::small()
        });
        for config in branch_configs().into_iter().chain(budgets) {
            for seed in 1..=5 {
                let scenario = scenario(&config, seed);
                let problem = scenario.compile();
                assert!(problem.is_ok(), "{config:?} seed {seed}: {problem:?}");
            }
        }
    }
}
