//! Calendar campaigns: units per week, memory that fades, seasons, per-week limits.
//!
//! A [`Calendar`] turns a yearly [`Problem`] into a calendar problem
//! ([`Calendar::unroll`]): an ordinary [`Problem`] whose arms are (message, placement, week)
//! and whose cells are (segment, threat, week), so every strategy, the relaxation bound, its
//! certificate and branch and bound run on it unchanged.
//!
//! # The model (DESIGN.md, "The calendar")
//!
//! Campaign weeks `t = 1..T` start at calendar week `start_week`. Each channel's absorbed
//! exposures are remembered with weekly retention `lambda_c` in `[0, 1)`:
//! `S_sfc,t = lambda_c S_sfc,t-1 + E_sfc,t`, and the week's stock is `S_sf,t = sum_c S_sfc,t`.
//! The weekly base rate is `p_sf,t = p_sf s_f(w) / sum_w' s_f(w')` over the 52 calendar weeks
//! (`s_f` the season factor, default 1), so a full year keeps the yearly totals. The value is
//! `V = sum_t N_s p_sf,t L_sf r_sf(S_sf,t)` over the campaign weeks and the `W` tail weeks
//! after it (`W = ceil(ln 0.01 / ln lambda_max)`, at most 52; 0 when every retention is 0).
//!
//! In the unrolled problem a unit of arm `a` in week `t` adds `coef_a,sf lambda_c^(u-t)` to
//! cell `(s, f, u)` for every week `u >= t` of the horizon: `V` is concave in the units, a
//! linear map into the yearly response. Terms with `lambda_c^(u-t) < 1e-12` are left out (they
//! change any value by less than `1e-12` relative).
//!
//! # Limits
//!
//! - Per week: money (`money_per_week`: the unit costs of the week's units), staff hours
//!   (`staff_hours_per_week`) and each placement's units (`capacity_per_week`, default the
//!   yearly capacity / 52 rounded up): [`ResourceKind::WeekMoney`], [`ResourceKind::WeekHours`],
//!   [`ResourceKind::WeekUnits`].
//!
//! [`ResourceKind::WeekMoney`]: crate::core::ResourceKind::WeekMoney
//! [`ResourceKind::WeekHours`]: crate::core::ResourceKind::WeekHours
//! [`ResourceKind::WeekUnits`]: crate::core::ResourceKind::WeekUnits
//! - Over the horizon: the scenario's money, staff hours, department limits and the yearly
//!   capacity of each placement. Setup and production costs are paid once over the horizon
//!   (from the horizon's money), not per week.
//!
//! # Carry-in
//!
//! A past campaign's remembered exposures `S_sfc,0` ([`Calendar::carry_in`]) add
//! `e_sf,u = sum_c lambda_c^(u+1) S_sfc,0` to week `u`'s stock (0-based). Since
//! `r(E + e) = r(e) + rho e^(-e/kappa) (1 - e^(-E/kappa))`, the unrolled cell keeps the
//! response with ceiling `rho e^(-e/kappa)`: the calendar problem's value is the loss
//! prevented **beyond what the carry-in already prevents**, and floors are lowered by what
//! the carry-in already achieves.
//!
//! # Floors
//!
//! A yearly floor `r_sf >= phi` becomes, for each block of campaign weeks (the whole campaign,
//! or with [`FloorsEvery::Quarter`] each 13-week block, the last one possibly shorter), a
//! floor on the block's **mean remembered exposure**: `(1/|B|) sum_{t in B} S_sf,t >= e_phi`,
//! with `e_phi = -kappa ln(1 - phi / rho)` the exposure that meets the floor in one week. It is
//! a linear row in the units. (By concavity the reduction of the mean stock is at least the
//! mean weekly reduction, so this is the floor on "the quarter's typical week".)
//!
//! # Example
//!
//! ```
//! use fanzha::calendar::{Calendar, FloorsEvery};
//! use fanzha::{scenarios, strategy};
//!
//! let yearly = scenarios::jurong_2023().compile()?;
//! let mut calendar = Calendar::new(&yearly, 4, 40, 0.5)?;
//! // Jurong's yearly floors are out of reach week by week (see the built-in calendar).
//! calendar.floors_every = FloorsEvery::None;
//! let weekly = calendar.unroll(&yearly)?;
//! assert_eq!(weekly.arms().len(), 4 * yearly.arms().len());
//! let plan = strategy("greedy")?.plan(&weekly)?;
//! plan.check(&weekly)?;
//! # Ok::<(), fanzha::Error>(())
//! ```

use serde::{Deserialize, Serialize};

use crate::core::limits::MIN_COEFFICIENT;
use crate::core::{ChannelId, PlacementId, Range};
use crate::error::{Error, Item};
use crate::problem::{Problem, Weeks};

mod unroll;

/// Calendar weeks in a year.
pub const YEAR_WEEKS: usize = 52;

/// Memory terms `lambda^d` below this are left out of the unrolled problem.
pub const KERNEL_CUTOFF: f64 = 1e-12;

/// Which blocks of campaign weeks a floor applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FloorsEvery {
    /// One block: the whole campaign.
    #[default]
    Campaign,
    /// Each 13-week block of the campaign (the last one possibly shorter).
    Quarter,
    /// The scenario's floors do not apply to the calendar plan.
    None,
}

/// A compiled calendar for one yearly problem: index-based, validated by
/// [`Calendar::unroll`]. Build it with [`Calendar::new`] or from a scenario's `calendar`
/// section with [`Scenario::compile_calendar`](crate::Scenario::compile_calendar).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Calendar {
    /// Campaign weeks `T`, in `1..=52`.
    pub weeks: usize,
    /// Calendar week of the first campaign week, in `1..=52`.
    pub start_week: usize,
    /// Weekly retention per channel ([`ChannelId`] order), each in `[0, 1)`.
    pub retention: Vec<f64>,
    /// Season factor per yearly cell and calendar week: entry `c * 52 + (w - 1)`, each
    /// `> 0` (default 1).
    pub season: Vec<f64>,
    /// Money per campaign week for unit costs (`None`: no weekly limit).
    pub money_per_week: Option<f64>,
    /// Staff hours per campaign week (`None`: no weekly limit).
    pub staff_hours_per_week: Option<f64>,
    /// Units per week of each placement ([`PlacementId`] order).
    pub capacity_per_week: Vec<u64>,
    /// The blocks floors apply to.
    pub floors_every: FloorsEvery,
    /// Remembered absorbed exposures per person at the start, from a past campaign: entry
    /// `c * channels + ch` for yearly cell `c` and channel `ch`, each `>= 0` (default 0).
    /// Week `u`'s stock starts at `sum_ch lambda_ch^u S_0` (week 1 at `lambda S_0`).
    pub carry_in: Vec<f64>,
}

impl Calendar {
    /// A calendar of `weeks` weeks from calendar week `start_week`, with retention
    /// `retention` on every channel, no seasons, no weekly money or hour limits and each
    /// placement's weekly capacity its yearly capacity / 52 rounded up.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] for weeks or a start week outside `1..=52` or a retention
    /// outside `[0, 1)`.
    pub fn new(
        yearly: &Problem,
        weeks: usize,
        start_week: usize,
        retention: f64,
    ) -> Result<Calendar, Error> {
        let cal = Calendar {
            weeks,
            start_week,
            retention: vec![retention; yearly.channels().len()],
            season: vec![1.0; yearly.cells().len() * YEAR_WEEKS],
            money_per_week: None,
            staff_hours_per_week: None,
            capacity_per_week: PlacementId::range(yearly.placements().len())
                .map(|k| yearly.placement(k).capacity.div_ceil(YEAR_WEEKS as u64))
                .collect(),
            floors_every: FloorsEvery::Campaign,
            carry_in: vec![0.0; yearly.cells().len() * yearly.channels().len()],
        };
        cal.check(yearly)?;
        Ok(cal)
    }

    /// The same calendar with `weeks` campaign weeks.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] when `weeks` is outside `1..=52`.
    pub fn with_weeks(mut self, weeks: usize) -> Result<Calendar, Error> {
        check_weeks(weeks, "weeks")?;
        self.weeks = weeks;
        Ok(self)
    }

    /// The tail `W = ceil(ln 0.01 / ln lambda_max)` (at most 52, 0 when every retention is 0):
    /// weeks after the campaign whose remembered exposures still count.
    pub fn tail(&self) -> usize {
        let most = self.retention.iter().copied().fold(0.0, f64::max);
        if most <= 0.0 {
            0
        } else {
            ((0.01f64.ln() / most.ln()).ceil() as usize).min(YEAR_WEEKS)
        }
    }

    /// Weeks counted: `T + W`.
    pub fn horizon(&self) -> usize {
        self.weeks + self.tail()
    }

    /// The calendar week (1..=52) of campaign week `u` (0-based, wrapping into the next year).
    pub fn calendar_week(&self, u: usize) -> usize {
        (self.start_week - 1 + u) % YEAR_WEEKS + 1
    }

    /// The share of yearly cell `c`'s cases that fall in calendar week `w` (1..=52):
    /// `s(w) / sum_w' s(w')`.
    ///
    /// # Panics
    ///
    /// If `c` or `w` is out of range.
    pub fn weekly_share(&self, c: usize, w: usize) -> f64 {
        let row = &self.season[c * YEAR_WEEKS..(c + 1) * YEAR_WEEKS];
        row[w - 1] / row.iter().sum::<f64>()
    }

    /// The floor blocks: `[first, end)` campaign weeks.
    pub fn blocks(&self) -> Vec<(usize, usize)> {
        let len = match self.floors_every {
            FloorsEvery::Campaign => self.weeks.max(1),
            FloorsEvery::Quarter => 13,
            FloorsEvery::None => return Vec::new(),
        };
        (0..self.weeks)
            .step_by(len)
            .map(|b| (b, (b + len).min(self.weeks)))
            .collect()
    }

    /// How many memory terms of channel `c` are kept: weeks `d` with `lambda^d >= 1e-12`.
    pub(crate) fn kernel_len(&self, c: ChannelId) -> usize {
        let l = self.retention[c.index()];
        if l <= 0.0 {
            1
        } else {
            (KERNEL_CUTOFF.ln() / l.ln()).floor() as usize + 1
        }
    }

    /// Checks every number against `yearly`.
    fn check(&self, yearly: &Problem) -> Result<(), Error> {
        check_weeks(self.weeks, "weeks")?;
        check_weeks(self.start_week, "start_week")?;
        let mismatch = |what, expected, found| Error::Mismatch {
            what,
            expected,
            found,
        };
        if self.retention.len() != yearly.channels().len() {
            return Err(mismatch(
                "channel retentions",
                yearly.channels().len(),
                self.retention.len(),
            ));
        }
        if self.season.len() != yearly.cells().len() * YEAR_WEEKS {
            return Err(mismatch(
                "season factors (cells x 52 weeks)",
                yearly.cells().len() * YEAR_WEEKS,
                self.season.len(),
            ));
        }
        if self.capacity_per_week.len() != yearly.placements().len() {
            return Err(mismatch(
                "weekly capacities",
                yearly.placements().len(),
                self.capacity_per_week.len(),
            ));
        }
        if self.carry_in.len() != yearly.cells().len() * yearly.channels().len() {
            return Err(mismatch(
                "carry-in stocks (cells x channels)",
                yearly.cells().len() * yearly.channels().len(),
                self.carry_in.len(),
            ));
        }
        if let Some(&bad) = self
            .carry_in
            .iter()
            .find(|v| !Range::Absorbed.contains(**v))
        {
            return Err(invalid(
                Item::new("calendar", "carry_in"),
                "exposure",
                bad,
                Range::Absorbed.expected(),
            ));
        }
        for (c, &l) in self.retention.iter().enumerate() {
            check_retention(l, Item::new("channel", &yearly.channels()[c].id), "weekly")?;
        }
        for &s in &self.season {
            if !(s.is_finite() && (MIN_COEFFICIENT..=1e6).contains(&s)) {
                return Err(invalid(
                    Item::new("calendar", "season"),
                    "factor",
                    s,
                    "in [1e-9, 1e6]",
                ));
            }
        }
        for (v, field) in [
            (self.money_per_week, "money_per_week"),
            (self.staff_hours_per_week, "staff_hours_per_week"),
        ] {
            if let Some(v) = v
                && !Range::Amount.contains(v)
            {
                return Err(invalid(
                    Item::new("calendar", "calendar"),
                    field,
                    v,
                    Range::Amount.expected(),
                ));
            }
        }
        Ok(())
    }

    /// The calendar problem of `yearly`: arms per week, cells per week (and per floor
    /// block), per-week limits as extra resources (see the [module](self) docs).
    ///
    /// # Errors
    ///
    /// As [`Calendar::new`] for the calendar's numbers, [`Error::Mismatch`] when the calendar
    /// was made for another problem; [`Error::Invalid`] when `yearly` is itself a calendar
    /// problem.
    ///
    /// # Complexity
    ///
    /// `O(T * sum_a |cells_a| * K + cells * (T + W))` time and memory, with `K <= T + W` the
    /// longest kept memory (`ln 1e-12 / ln lambda`).
    pub fn unroll(&self, yearly: &Problem) -> Result<Problem, Error> {
        self.check(yearly)?;
        if yearly.structure().weeks.is_some() {
            return Err(Error::Invalid {
                item: Item::new("problem", yearly.name()),
                field: "weeks".into(),
                problem: "is already a calendar problem".into(),
            });
        }
        let structure = unroll::structure(self, yearly);
        let params = unroll::parameters(self, yearly, &structure);
        Problem::from_parts(structure, params)
    }

    /// The calendar problem `weekly` (from [`Calendar::unroll`] of a problem with the
    /// structure of `yearly`) with the numbers of `yearly`, in `O(size)`: a Monte Carlo draw
    /// replaces the yearly parameters and re-unrolls them without rebuilding the structure.
    ///
    /// # Errors
    ///
    /// [`Error::Mismatch`] when `weekly` was not unrolled by this calendar from a problem of
    /// `yearly`'s shape; validation errors as [`Problem::with_parameters`].
    pub fn reunroll(&self, yearly: &Problem, weekly: &Problem) -> Result<Problem, Error> {
        let expected = unroll::layout(self, yearly);
        if weekly.structure().weeks.as_ref() != Some(&expected)
            || weekly.arms().len() != yearly.arms().len() * self.weeks
        {
            return Err(Error::Mismatch {
                what: "calendar problem arms",
                expected: yearly.arms().len() * self.weeks,
                found: weekly.arms().len(),
            });
        }
        // Floors the carry-in meets are dropped: new numbers must drop the same ones.
        let kept = unroll::kept_floors(self, yearly, &expected);
        if unroll::kept_floors_of(yearly, weekly.structure(), &expected).as_ref() != Some(&kept) {
            return Err(Error::Mismatch {
                what: "calendar floors (the carry-in meets a different set)",
                expected: kept.len(),
                found: weekly.floors().len(),
            });
        }
        weekly.with_parameters(unroll::parameters(self, yearly, weekly.structure()))
    }
}

/// The layout of a calendar problem, if it is one.
pub fn weeks_of(problem: &Problem) -> Option<&Weeks> {
    problem.structure().weeks.as_ref()
}

fn invalid(item: Item, field: &str, value: f64, expected: &'static str) -> Error {
    Error::InvalidValue {
        item,
        field: field.to_string(),
        value,
        expected,
    }
}

/// A number of weeks or a week of the year: `1..=52`.
pub(crate) fn check_weeks(w: usize, field: &str) -> Result<(), Error> {
    if (1..=YEAR_WEEKS).contains(&w) {
        Ok(())
    } else {
        Err(invalid(
            Item::new("calendar", "calendar"),
            field,
            w as f64,
            "a week in 1..=52",
        ))
    }
}

/// A weekly retention: `[0, 1)`.
pub(crate) fn check_retention(l: f64, item: Item, field: &str) -> Result<(), Error> {
    if l.is_finite() && (0.0..1.0).contains(&l) {
        Ok(())
    } else {
        Err(invalid(item, field, l, "a retention in [0, 1)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenarios;

    #[test]
    fn tail_follows_the_design_formula() {
        let p = scenarios::jurong_2023().compile().unwrap();
        let mut cal = Calendar::new(&p, 12, 1, 0.0).unwrap();
        assert_eq!(cal.tail(), 0);
        cal.retention[0] = 0.7;
        assert_eq!(cal.tail(), 13);
        cal.retention[0] = 0.999;
        assert_eq!(cal.tail(), 52);
    }

    #[test]
    fn bad_numbers_are_single_clear_errors() {
        let p = scenarios::jurong_2023().compile().unwrap();
        let e = Calendar::new(&p, 53, 1, 0.5).unwrap_err().to_string();
        assert!(e.contains("weeks") && e.contains("1..=52"), "{e}");
        let e = Calendar::new(&p, 4, 1, 1.0).unwrap_err().to_string();
        assert!(e.contains("retention in [0, 1)"), "{e}");
        let e = Calendar::new(&p, 4, 0, 0.5).unwrap_err().to_string();
        assert!(e.contains("start_week"), "{e}");
    }

    #[test]
    fn quarters_split_the_campaign() {
        let p = scenarios::jurong_2023().compile().unwrap();
        let mut cal = Calendar::new(&p, 30, 1, 0.5).unwrap();
        assert_eq!(cal.blocks(), vec![(0, 30)]);
        cal.floors_every = FloorsEvery::Quarter;
        assert_eq!(cal.blocks(), vec![(0, 13), (13, 26), (26, 30)]);
    }
}
