//! The calendar pass: the scenario's `calendar` section and the placements'
//! `capacity_per_week`, checked and resolved to a [`Calendar`] for the compiled problem.

use super::checks::{Range, check_opt};
use super::ids::{Ids, lookup_opt};
use super::selectors::{Sel, Selectors};
use crate::calendar::{self, Calendar, YEAR_WEEKS};
use crate::core::limits::MIN_COEFFICIENT;
use crate::error::{Error, Item};
use crate::model::Scenario;
use crate::model::scenario::{CalendarSection, CarryIn, Season};
use crate::problem::Problem;

impl Scenario {
    /// Compiles the scenario's `calendar` section for `yearly` (this scenario's
    /// [`Scenario::compile`]); `None` when there is none.
    ///
    /// Checks: weeks and start week in `1..=52`, retentions in `[0, 1)`, known channel,
    /// threat and selector names, season weeks in `1..=52` and factors in `[1e-9, 1e6]`,
    /// per-week limits in `[0, 1e15]`, each placement's `capacity_per_week` at most its
    /// capacity.
    ///
    /// # Errors
    ///
    /// The first problem found, naming the item (`calendar`, a channel or placement) and the
    /// field.
    ///
    /// # Example
    ///
    /// ```
    /// let scenario = fanzha::scenarios::jurong_2023();
    /// let yearly = scenario.compile()?;
    /// let calendar = scenario.compile_calendar(&yearly)?.expect("Jurong has a calendar");
    /// let weekly = calendar.with_weeks(4)?.unroll(&yearly)?;
    /// assert!(weekly.structure().weeks.is_some());
    /// # Ok::<(), fanzha::Error>(())
    /// ```
    pub fn compile_calendar(&self, yearly: &Problem) -> Result<Option<Calendar>, Error> {
        let Some(section) = &self.calendar else {
            return Ok(None);
        };
        let ids = Ids::check(self)?;
        let item = Item::new("calendar", "calendar");
        let weeks = week(section.weeks, &item, "weeks")?;
        let start = week(section.start_week, &item, "start_week")?;
        calendar::check_retention(section.retention, item.clone(), "retention")?;
        let mut cal = Calendar::new(yearly, weeks, start, section.retention)?;
        retentions(self, section, &mut cal)?;
        let sel = Selectors::new(&self.segments, &ids.segments);
        for (i, season) in section.season.iter().enumerate() {
            apply_season(self, &ids, &sel, (i, season), &mut cal)?;
        }
        for (i, carry) in section.carry_in.iter().enumerate() {
            apply_carry_in(self, &ids, &sel, (i, carry), &mut cal)?;
        }
        check_opt(
            section.staff_hours_per_week,
            &item,
            "staff_hours_per_week",
            Range::Amount,
        )?;
        check_opt(
            section.money_per_week,
            &item,
            "money_per_week",
            Range::Amount,
        )?;
        cal.staff_hours_per_week = section.staff_hours_per_week;
        cal.money_per_week = section.money_per_week;
        cal.floors_every = section.floors_every.unwrap_or_default();
        let placements = self.channels.iter().flat_map(|c| &c.placements);
        for (k, p) in placements.enumerate() {
            if let Some(per_week) = p.capacity_per_week {
                if per_week > p.capacity {
                    return Err(Error::InvalidValue {
                        item: Item::new("placement", &p.id),
                        field: "capacity_per_week".into(),
                        value: per_week as f64,
                        expected: "at most the placement's capacity",
                    });
                }
                cal.capacity_per_week[k] = per_week;
            }
        }
        Ok(Some(cal))
    }
}

/// A week number or count in `1..=52`.
fn week(w: u64, item: &Item, field: &str) -> Result<usize, Error> {
    if (1..=YEAR_WEEKS as u64).contains(&w) {
        Ok(w as usize)
    } else {
        Err(Error::InvalidValue {
            item: item.clone(),
            field: field.to_string(),
            value: w as f64,
            expected: "a week in 1..=52",
        })
    }
}

fn retentions(sc: &Scenario, section: &CalendarSection, cal: &mut Calendar) -> Result<(), Error> {
    for (i, cr) in section.channel_retention.iter().enumerate() {
        let item = Item::new("calendar", "calendar");
        let c = sc
            .channels
            .iter()
            .position(|c| c.id == cr.channel)
            .ok_or_else(|| Error::UnknownId {
                item: item.clone(),
                field: format!("channel_retention[{i}].channel"),
                kind: "channel",
                id: cr.channel.clone(),
            })?;
        calendar::check_retention(cr.weekly, item, &format!("channel_retention[{i}].weekly"))?;
        cal.retention[c] = cr.weekly;
    }
    Ok(())
}

/// Sets season entry `i`'s factor on its weeks of every cell it selects.
fn apply_season(
    sc: &Scenario,
    ids: &Ids<'_>,
    sel: &Selectors<'_>,
    (i, season): (usize, &Season),
    cal: &mut Calendar,
) -> Result<(), Error> {
    let item = Item::new("calendar", "calendar");
    let at = |field: &str| format!("season[{i}].{field}");
    let threat = lookup_opt(&ids.threats, &season.threat, &item, &at("threat"), "threat")?;
    let factor_ok = season.factor.is_finite() && (MIN_COEFFICIENT..=1e6).contains(&season.factor);
    if !factor_ok {
        return Err(Error::InvalidValue {
            item,
            field: at("factor"),
            value: season.factor,
            expected: "in [1e-9, 1e6]",
        });
    }
    let mut weeks = Vec::with_capacity(season.weeks.len());
    for (j, &w) in season.weeks.iter().enumerate() {
        weeks.push(week(w, &item, &format!("season[{i}].weeks[{j}]"))?);
    }
    let segments = sel.select(
        Sel::new(&season.segment, &season.region, &season.group),
        &item,
        || format!("season[{i}]"),
    )?;
    let n_f = sc.threats.len();
    let threats: Vec<usize> = match threat {
        Some(f) => vec![f],
        None => (0..n_f).collect(),
    };
    for &s in segments {
        for &f in &threats {
            let c = s * n_f + f;
            for &w in &weeks {
                cal.season[c * YEAR_WEEKS + w - 1] = season.factor;
            }
        }
    }
    Ok(())
}

/// Sets carry-in entry `i`'s exposure on its channel for every cell it selects.
fn apply_carry_in(
    sc: &Scenario,
    ids: &Ids<'_>,
    sel: &Selectors<'_>,
    (i, carry): (usize, &CarryIn),
    cal: &mut Calendar,
) -> Result<(), Error> {
    let item = Item::new("calendar", "calendar");
    let at = |field: &str| format!("carry_in[{i}].{field}");
    let ch = sc
        .channels
        .iter()
        .position(|c| c.id == carry.channel)
        .ok_or_else(|| Error::UnknownId {
            item: item.clone(),
            field: at("channel"),
            kind: "channel",
            id: carry.channel.clone(),
        })?;
    let threat = lookup_opt(&ids.threats, &carry.threat, &item, &at("threat"), "threat")?;
    check_opt(
        Some(carry.exposure),
        &item,
        || at("exposure"),
        Range::Absorbed,
    )?;
    let segments = sel.select(
        Sel::new(&carry.segment, &carry.region, &carry.group),
        &item,
        || format!("carry_in[{i}]"),
    )?;
    let n_f = sc.threats.len();
    let n_ch = sc.channels.len();
    for &s in segments {
        for f in (0..n_f).filter(|&f| threat.is_none_or(|t| t == f)) {
            cal.carry_in[(s * n_f + f) * n_ch + ch] = carry.exposure;
        }
    }
    Ok(())
}
