//! The bounds [`Scenario::compile`](crate::Scenario::compile) and
//! [`Scenario::from_path`](crate::Scenario::from_path) enforce beyond the ranges the model
//! itself needs, in one place.
//!
//! No real scenario comes near them; they exist so that every number downstream stays finite
//! and well scaled: value at risk `N p L` at most `1e10 * 1 * 1e12 = 1e22` per cell, a
//! placement's cost at full capacity at most `1e15 + 1e15 * 1e12`, unit totals far below
//! `u64::MAX`, and no subnormal coefficient (whose reciprocal overflows, or whose product
//! with another small number underflows to zero).
//!
//! The minimum positive values keep every product and ratio of the model a normal `f64`:
//! a per-unit absorbed coefficient `g d a w` is at least `MIN_COEFFICIENT^4 = 1e-36` when
//! positive, `coef / kappa` lies in `[1e-45, 1e18]`, and a floor's target exposure
//! `-kappa ln(1 - phi / rho)` is at least `MIN_SCALE * MIN_COEFFICIENT = 1e-21`.

/// Most bytes of a scenario or plan file (64 MiB); the real ones are a few hundred KiB.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Most characters of an id (of a threat, segment, channel, placement, message or
/// department), of a region or group name and of a format. Ids must also be non-empty, not
/// only whitespace, and free of control characters (NUL, tab, newline …).
pub const MAX_ID_CHARS: usize = 256;

/// Least positive value of a multiplicative coefficient: a rate, a share
/// (`relevance`, `appeal`), a `ceiling`, a `depth`, a `per_unit` and a floor's
/// `min_reduction`. Each of them is either 0 (where 0 is allowed) or at least this.
pub const MIN_COEFFICIENT: f64 = 1e-9;

/// Least response `scale` (absorbed exposures for 63% of the ceiling).
pub const MIN_SCALE: f64 = 1e-12;

/// Most response `scale`.
pub const MAX_SCALE: f64 = 1e9;

/// Most people in a segment (more than live on Earth).
pub const MAX_POPULATION: u64 = 10_000_000_000;

/// Most mean loss per case, in the scenario's currency.
pub const MAX_LOSS: f64 = 1e12;

/// Most exposures per person per unit of a placement's audience.
pub const MAX_PER_UNIT: f64 = 1e6;

/// Most of any cost or limit: `unit_cost`, `setup_cost`, `production_cost`, staff hours per
/// unit, and the money and staff-hour limits of the resources and departments.
pub const MAX_AMOUNT: f64 = 1e15;

/// Most units of a placement.
pub const MAX_CAPACITY: u64 = 1_000_000_000_000;
