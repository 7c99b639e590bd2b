//! The case-history file and its validation against a compiled problem.
//!
//! ```json
//! {"period": "month", "periods": 24, "start": "2022-01",
//!  "cases": [{"period": 1, "region": "huayang", "threat": "order_brushing", "count": 12}],
//!  "campaigns": [{"period": 1, "message": "brushing.comic", "placement": "douyin.young_gig",
//!                 "units": 100}]}
//! ```
//!
//! Periods are numbered `1..=periods`. A case row may name a `group`; without one it counts
//! every group of its region. [`History::check`] resolves every name against the problem and
//! returns index-based [`Data`] (nothing after it touches strings), or an error naming the
//! row: unknown region, group, threat, message or placement, a message the placement cannot
//! carry, a negative or fractional count or unit number, a period out of range, a row given
//! twice or overlapping another.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::core::{CellId, PlacementId, SegmentId, ThreatId};
use crate::error::{Error, Item};
use crate::problem::Problem;

/// The most periods a history may have: 100 years of weeks (what the fit allocates grows
/// with periods x channels x cells).
pub const MAX_PERIODS: u32 = 5_200;

/// The length of one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// A calendar month (1/12 of a year).
    Month,
    /// A week (1/52 of a year).
    Week,
}

impl Period {
    /// The period's length in years.
    pub fn years(self) -> f64 {
        match self {
            Period::Month => 1.0 / 12.0,
            Period::Week => 1.0 / 52.0,
        }
    }
}

/// A case-history file: counts per period and region x threat (optionally group), and the
/// past campaigns' units per period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct History {
    /// Length of a period.
    pub period: Period,
    /// Number of periods, at least 1.
    pub periods: u32,
    /// Label of the first period (e.g. `"2022-01"`), for reports only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// Where the numbers come from; a synthetic history says so here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Case counts.
    pub cases: Vec<CaseRow>,
    /// Past campaigns (absent: none).
    #[serde(default)]
    pub campaigns: Vec<CampaignRow>,
}

/// Cases in one period, region and threat (and optionally group).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseRow {
    /// Period, `1..=periods`.
    pub period: u32,
    /// Region.
    pub region: String,
    /// Threat id.
    pub threat: String,
    /// Group (absent: all the region's groups).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Number of cases: a whole number `>= 0`.
    pub count: f64,
}

/// Units of one message on one placement in one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignRow {
    /// Period, `1..=periods`.
    pub period: u32,
    /// Message id.
    pub message: String,
    /// Placement id.
    pub placement: String,
    /// Units bought: a whole number `>= 0`.
    pub units: f64,
}

/// One checked case row.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Observation {
    /// Index of the row in [`History::cases`].
    pub row: usize,
    /// Period, 0-based.
    pub period: usize,
    /// Region index.
    pub region: usize,
    /// Threat.
    pub threat: ThreatId,
    /// Group index, if the row names one.
    pub group: Option<usize>,
    /// The segments the row counts.
    pub segments: Vec<SegmentId>,
    /// The count.
    pub count: u64,
}

/// A checked history: observations and the absorbed exposures of past campaigns.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Data {
    /// Number of periods.
    pub periods: usize,
    /// Length of a period in years.
    pub period_years: f64,
    /// The case rows.
    pub observations: Vec<Observation>,
    /// Absorbed exposures per person `(period, channel index, cell, exposures)` of each
    /// campaign row and cell it reaches (`units x g_ks d_c a_ms w_mf`).
    pub exposures: Vec<(usize, usize, CellId, f64)>,
    /// Problems that do not stop a fit (e.g. no variation), each naming what it is about.
    pub warnings: Vec<String>,
}

impl History {
    /// Reads a history from JSON text; unknown fields are errors.
    pub fn from_json(text: &str) -> Result<History, Error> {
        crate::model::from_json_str(text)
    }

    /// Reads a history file.
    pub fn from_path(path: impl AsRef<std::path::Path>) -> Result<History, Error> {
        crate::model::from_json_file(path.as_ref())
    }

    /// The history as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a history serialises (plain data)")
    }

    /// Checks every row against `problem` and resolves names to indices.
    ///
    /// # Errors
    ///
    /// An error naming the row (`case row #i`, `campaign row #i`) and field, as the module
    /// documentation lists.
    ///
    /// # Complexity
    ///
    /// `O(rows x segments + campaigns x cells reached)`.
    ///
    /// # Example
    ///
    /// ```
    /// use fanzha::fit::history::History;
    ///
    /// let problem = fanzha::scenarios::jurong_2023().compile()?;
    /// let bad = History::from_json(r#"{"period": "month", "periods": 2, "cases": [
    ///     {"period": 3, "region": "huayang", "threat": "order_brushing", "count": 4}]}"#)?;
    /// let err = bad.check(&problem).unwrap_err().to_string();
    /// assert!(err.contains("case row #0") && err.contains("period"), "{err}");
    /// # Ok::<(), fanzha::Error>(())
    /// ```
    pub fn check(&self, problem: &Problem) -> Result<Data, Error> {
        if self.periods == 0 || self.periods > MAX_PERIODS {
            return Err(Error::Invalid {
                item: Item::new("history", "history"),
                field: "periods".into(),
                problem: format!(
                    "is {}: a history has 1 to {MAX_PERIODS} periods (100 years of weeks)",
                    self.periods
                ),
            });
        }
        if self.cases.is_empty() {
            return Err(Error::Invalid {
                item: Item::new("history", "history"),
                field: "cases".into(),
                problem: "is empty: there is nothing to fit".into(),
            });
        }
        let observations = self.observations(problem)?;
        let exposures = self.exposures(problem)?;
        let mut data = Data {
            periods: self.periods as usize,
            period_years: self.period.years(),
            observations,
            exposures,
            warnings: Vec::new(),
        };
        data.warnings = variation_warnings(&data, problem);
        Ok(data)
    }

    fn period(&self, period: u32, item: &Item) -> Result<usize, Error> {
        if period == 0 || period > self.periods {
            return Err(Error::InvalidValue {
                item: item.clone(),
                field: "period".into(),
                value: f64::from(period),
                expected: "a period in 1..=periods",
            });
        }
        Ok(period as usize - 1)
    }

    fn observations(&self, problem: &Problem) -> Result<Vec<Observation>, Error> {
        let mut out = Vec::with_capacity(self.cases.len());
        let mut seen: BTreeMap<(usize, usize, usize), Seen> = BTreeMap::new();
        for (i, row) in self.cases.iter().enumerate() {
            let item = Item::at("case row", i);
            let period = self.period(row.period, &item)?;
            let region = find(problem.regions(), &row.region, &item, "region")?;
            let threat = find_threat(problem, &row.threat, &item)?;
            let group = match &row.group {
                Some(g) => Some(find(problem.groups(), g, &item, "group")?),
                None => None,
            };
            let count = whole(row.count, &item, "count")?;
            let entry = seen.entry((period, region, threat.index())).or_default();
            let clash = match group {
                None => entry.0.or(entry.1.first().copied()),
                Some(g) => entry.0.or_else(|| {
                    entry
                        .1
                        .iter()
                        .copied()
                        .find(|&j| self.cases[j].group.as_deref() == Some(&problem.groups()[g]))
                }),
            };
            if let Some(j) = clash {
                return Err(Error::Invalid {
                    item,
                    field: "period/region/threat/group".into(),
                    problem: format!("counts cases case row #{j} already counts"),
                });
            }
            match group {
                None => entry.0 = Some(i),
                Some(_) => entry.1.push(i),
            }
            let segments = segments_of(problem, region, group);
            if segments.is_empty() {
                return Err(Error::Invalid {
                    item,
                    field: "group".into(),
                    problem: format!("region {:?} has no such segment", row.region),
                });
            }
            out.push(Observation {
                row: i,
                period,
                region,
                threat,
                group,
                segments,
                count,
            });
        }
        Ok(out)
    }

    fn exposures(&self, problem: &Problem) -> Result<Vec<(usize, usize, CellId, f64)>, Error> {
        let mut out = Vec::new();
        for (i, row) in self.campaigns.iter().enumerate() {
            let item = Item::at("campaign row", i);
            let period = self.period(row.period, &item)?;
            let units = whole(row.units, &item, "units")?;
            let m = problem
                .messages()
                .iter()
                .position(|m| m.id == row.message)
                .ok_or_else(|| unknown(&item, "message", "message", &row.message))?;
            let k = problem
                .placements()
                .iter()
                .position(|p| p.id == row.placement)
                .ok_or_else(|| unknown(&item, "placement", "placement", &row.placement))?;
            let k = PlacementId::new(k);
            let arm = problem
                .arms_of_placement(k)
                .iter()
                .copied()
                .find(|&a| problem.arms()[a.index()].message.index() == m);
            let Some(arm) = arm else {
                return Err(Error::Invalid {
                    item,
                    field: "message".into(),
                    problem: format!(
                        "message {:?} cannot run on placement {:?} (format) or reaches nobody",
                        row.message, row.placement
                    ),
                });
            };
            let channel = problem.placements()[k.index()].channel.index();
            for (cell, coef) in problem.absorbed(arm) {
                out.push((period, channel, cell, units as f64 * coef));
            }
        }
        Ok(out)
    }
}

/// The rows already counting one (period, region, threat): the whole-region row, the group
/// rows.
type Seen = (Option<usize>, Vec<usize>);

fn unknown(item: &Item, field: &str, kind: &'static str, id: &str) -> Error {
    Error::UnknownId {
        item: item.clone(),
        field: field.into(),
        kind,
        id: id.to_string(),
    }
}

fn find(names: &[String], name: &str, item: &Item, kind: &'static str) -> Result<usize, Error> {
    names
        .iter()
        .position(|n| n == name)
        .ok_or_else(|| unknown(item, kind, kind, name))
}

fn find_threat(problem: &Problem, id: &str, item: &Item) -> Result<ThreatId, Error> {
    problem
        .threats()
        .iter()
        .position(|t| t.id == id)
        .map(ThreatId::new)
        .ok_or_else(|| unknown(item, "threat", "threat", id))
}

/// A count or unit number: a whole number in `[0, 1e12]`.
fn whole(v: f64, item: &Item, field: &str) -> Result<u64, Error> {
    if v.is_finite() && (0.0..=1e12).contains(&v) && v.fract() == 0.0 {
        Ok(v as u64)
    } else {
        Err(Error::InvalidValue {
            item: item.clone(),
            field: field.into(),
            value: v,
            expected: "a whole number in [0, 1e12]",
        })
    }
}

fn segments_of(problem: &Problem, region: usize, group: Option<usize>) -> Vec<SegmentId> {
    problem
        .segments()
        .iter()
        .enumerate()
        .filter(|(_, s)| s.region.index() == region && group.is_none_or(|g| s.group.index() == g))
        .map(|(s, _)| SegmentId::new(s))
        .collect()
}

/// Warnings about a history that can be fitted but says little: counts that never change, a
/// threat no campaign reached, campaigns that never change.
fn variation_warnings(data: &Data, problem: &Problem) -> Vec<String> {
    let mut out = Vec::new();
    let counts: Vec<u64> = data.observations.iter().map(|o| o.count).collect();
    if counts.iter().all(|&c| c == counts[0]) {
        out.push(format!(
            "no variation: every case row counts {} (from case row #0 on); the fit rests on \
             the priors",
            counts[0]
        ));
    }
    let n_f = problem.threat_count();
    let mut per_threat = vec![vec![0.0; data.periods]; n_f];
    for &(t, _, cell, e) in &data.exposures {
        per_threat[cell.split(n_f).1.index()][t] += e;
    }
    for (f, series) in per_threat.iter().enumerate() {
        if !data.observations.iter().any(|o| o.threat.index() == f) {
            continue;
        }
        let id = &problem.threats()[f].id;
        if series.iter().all(|&e| e == 0.0) {
            out.push(format!(
                "threat {id:?}: no campaign row reaches it; its ceiling and scale are the prior's"
            ));
        } else if series
            .iter()
            .all(|&e| (e - series[0]).abs() <= 1e-9 * series[0].abs())
        {
            out.push(format!(
                "threat {id:?}: the campaigns reach it equally in every period; the response \
                 is confounded with the baseline"
            ));
        }
    }
    out
}
