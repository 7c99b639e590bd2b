//! Pass 8: the `uncertainty` section, resolved against the compiled problem into an
//! [`Uncertainty`]: each entry's selectors to the values it draws, its distribution checked.

use std::collections::HashMap;

use super::checks::{Range, check};
use super::ids::lookup;
use super::selectors::{Sel, Selectors};
use crate::core::{CellId, ChannelId, PlacementId, SegmentId, ThreatId};
use crate::error::{Error, Item};
use crate::model::scenario::{DistributionKind, ParameterKind, Scenario, UncertainParameter};
use crate::problem::Problem;
use crate::uncertainty::{CellField, Entry, Law, Targets, Uncertainty};

/// Most draws a section may ask for.
const MAX_DRAWS: usize = 10_000_000;

impl Scenario {
    /// Compiles the scenario ([`Scenario::compile`]) and its `uncertainty` section (with no
    /// section: no entries, 1,000 draws, seed 0).
    ///
    /// Each entry's selectors must select something (a cell at risk for `rate` and `loss`, a
    /// reached segment of a selected placement for `per_unit`); its distribution must be one
    /// of `factor` (`factor >= 1`), `lognormal` (`0 < low <= high`), `triangular`
    /// (`low <= mode <= high`) or `uniform` (`low <= high`), with values in the parameter's
    /// range; `per_unit` and `unit_cost` take only `factor`.
    ///
    /// # Errors
    ///
    /// As [`Scenario::compile`]; for the section, one error naming the entry (its position
    /// and what it selects) and the field.
    ///
    /// # Example
    ///
    /// ```
    /// let (problem, uncertainty) = fanzha::scenarios::jurong_2023().compile_uncertain()?;
    /// assert!(!uncertainty.entries.is_empty());
    /// assert!(problem.segment_count() > 0);
    /// # Ok::<(), fanzha::Error>(())
    /// ```
    pub fn compile_uncertain(&self) -> Result<(Problem, Uncertainty), Error> {
        let problem = self.compile()?;
        let u = uncertainty(self, &problem)?;
        Ok((problem, u))
    }
}

/// The ids of the compiled problem, for the section's references.
struct Names<'a> {
    threats: HashMap<&'a str, usize>,
    segments: HashMap<&'a str, usize>,
    channels: HashMap<&'a str, usize>,
    placements: HashMap<&'a str, usize>,
}

fn index<'a>(ids: impl Iterator<Item = &'a str>) -> HashMap<&'a str, usize> {
    ids.enumerate().map(|(i, id)| (id, i)).collect()
}

/// Runs the pass.
pub(super) fn uncertainty(sc: &Scenario, problem: &Problem) -> Result<Uncertainty, Error> {
    let Some(section) = &sc.uncertainty else {
        return Ok(Uncertainty::none(1000, 0));
    };
    if !(1..=MAX_DRAWS).contains(&section.draws) {
        return Err(Error::Invalid {
            item: Item::new("uncertainty", "uncertainty"),
            field: "draws".into(),
            problem: format!("is {}, expected 1 to {MAX_DRAWS}", section.draws),
        });
    }
    let names = Names {
        threats: index(problem.threats().iter().map(|t| t.id.as_str())),
        segments: index(sc.segments.iter().map(|s| s.id.as_str())),
        channels: index(problem.channels().iter().map(|c| c.id.as_str())),
        placements: index(problem.placements().iter().map(|p| p.id.as_str())),
    };
    let sel = Selectors::new(&sc.segments, &names.segments);
    let entries = section
        .parameters
        .iter()
        .enumerate()
        .map(|(i, p)| entry(i, p, problem, &names, &sel))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Uncertainty::new(section.draws, section.seed, entries))
}

fn kind_name(kind: ParameterKind) -> &'static str {
    match kind {
        ParameterKind::Ceiling => "ceiling",
        ParameterKind::Scale => "scale",
        ParameterKind::Rate => "rate",
        ParameterKind::Loss => "loss",
        ParameterKind::PerUnit => "per_unit",
        ParameterKind::Depth => "depth",
        ParameterKind::UnitCost => "unit_cost",
    }
}

/// `ceiling group=elderly threat=health_products`: what the entry draws, for reports.
fn label(p: &UncertainParameter) -> String {
    let mut out = kind_name(p.parameter).to_string();
    for (name, value) in [
        ("segment", &p.segment),
        ("region", &p.region),
        ("group", &p.group),
        ("threat", &p.threat),
        ("channel", &p.channel),
        ("placement", &p.placement),
    ] {
        if let Some(v) = value {
            out.push_str(&format!(" {name}={v}"));
        }
    }
    out
}

fn invalid(item: &Item, field: &str, problem: impl Into<String>) -> Error {
    Error::Invalid {
        item: item.clone(),
        field: field.into(),
        problem: problem.into(),
    }
}

fn entry(
    i: usize,
    p: &UncertainParameter,
    problem: &Problem,
    names: &Names<'_>,
    sel: &Selectors<'_>,
) -> Result<Entry, Error> {
    let label = label(p);
    let item = Item::new("uncertainty entry", format!("#{i} {label}"));
    let (law, multiply) = law(p, &item)?;
    let targets = targets(p, &item, problem, names, sel)?;
    let mut entry = Entry::new(label, law, multiply, targets);
    entry.source.clone_from(&p.source);
    Ok(entry)
}

/// The range a replacing value of `kind` must lie in.
fn value_range(kind: ParameterKind) -> Range {
    match kind {
        ParameterKind::Ceiling | ParameterKind::Rate => Range::BelowOne,
        ParameterKind::Scale => Range::Scale,
        ParameterKind::Loss => Range::Loss,
        ParameterKind::Depth => Range::Depth,
        ParameterKind::PerUnit | ParameterKind::UnitCost => Range::Amount,
    }
}

/// The entry's law, and whether it multiplies (a factor) or replaces.
fn law(p: &UncertainParameter, item: &Item) -> Result<(Law, bool), Error> {
    if let Some(f) = p.factor {
        return factor_law(p, item, f);
    }
    if matches!(
        p.parameter,
        ParameterKind::PerUnit | ParameterKind::UnitCost
    ) {
        return Err(invalid(
            item,
            "factor",
            "is missing: per_unit and unit_cost take only `factor` (placements differ too much \
             for one shared value)",
        ));
    }
    if p.distribution == Some(DistributionKind::Factor) {
        return Err(invalid(
            item,
            "factor",
            "is missing for distribution `factor`",
        ));
    }
    let (Some(low), Some(high)) = (p.low, p.high) else {
        return Err(invalid(
            item,
            "low/high",
            "are missing: give `factor`, or `low` and `high`",
        ));
    };
    let range = value_range(p.parameter);
    check(low, item, "low", range)?;
    check(high, item, "high", range)?;
    if low > high {
        return Err(invalid(
            item,
            "low",
            format!("is above `high` ({low} > {high})"),
        ));
    }
    let kind = p.distribution.unwrap_or(DistributionKind::Lognormal);
    if kind != DistributionKind::Triangular && p.mode.is_some() {
        return Err(invalid(
            item,
            "mode",
            "is only for the triangular distribution",
        ));
    }
    let law = match kind {
        DistributionKind::Lognormal if low <= 0.0 => {
            return Err(invalid(item, "low", "must be > 0 for a lognormal"));
        }
        DistributionKind::Lognormal => Law::Lognormal { low, high },
        DistributionKind::Uniform => Law::Uniform { low, high },
        DistributionKind::Triangular => {
            let Some(mode) = p.mode else {
                return Err(invalid(
                    item,
                    "mode",
                    "is missing for a triangular distribution",
                ));
            };
            check(mode, item, "mode", range)?;
            if !(low <= mode && mode <= high) {
                return Err(invalid(
                    item,
                    "mode",
                    format!("{mode} is outside [low, high]"),
                ));
            }
            Law::Triangular { low, mode, high }
        }
        DistributionKind::Factor => unreachable!("handled above: factor without `factor`"),
    };
    Ok((law, false))
}

/// The largest `factor` an entry may give.
const MAX_FACTOR: f64 = 1e6;

/// The law of `factor: f`: a lognormal multiplier with 5-95% range `[1/f, f]`.
fn factor_law(p: &UncertainParameter, item: &Item, f: f64) -> Result<(Law, bool), Error> {
    if !matches!(p.distribution, None | Some(DistributionKind::Factor)) {
        return Err(invalid(
            item,
            "factor",
            "is given with another distribution",
        ));
    }
    for (field, v) in [("low", p.low), ("mode", p.mode), ("high", p.high)] {
        if v.is_some() {
            return Err(invalid(item, field, "cannot be given with `factor`"));
        }
    }
    if !(f.is_finite() && f > 0.0) {
        return Err(Error::InvalidValue {
            item: item.clone(),
            field: "factor".into(),
            value: f,
            expected: "a positive finite number, at least 1 (5-95% range [1/factor, factor])",
        });
    }
    if f < 1.0 {
        return Err(Error::InvalidValue {
            item: item.clone(),
            field: "factor".into(),
            value: f,
            expected: "at least 1 (5-95% range [1/factor, factor]; write 1/factor instead)",
        });
    }
    // Beyond this a draw's tail overflows to infinity instead of landing in a range it can be
    // clamped into.
    if f > MAX_FACTOR {
        return Err(Error::InvalidValue {
            item: item.clone(),
            field: "factor".into(),
            value: f,
            expected: "at most 1e6 (5-95% range [1/factor, factor])",
        });
    }
    Ok((
        Law::Lognormal {
            low: 1.0 / f,
            high: f,
        },
        true,
    ))
}

/// Refuses the selector fields an entry of this kind does not take.
fn refuse(p: &UncertainParameter, item: &Item, fields: &[&str]) -> Result<(), Error> {
    for &f in fields {
        let given = match f {
            "segment" => p.segment.is_some(),
            "region" => p.region.is_some(),
            "group" => p.group.is_some(),
            "threat" => p.threat.is_some(),
            "channel" => p.channel.is_some(),
            _ => p.placement.is_some(),
        };
        if given {
            return Err(invalid(
                item,
                f,
                format!("is not a selector of `{}`", kind_name(p.parameter)),
            ));
        }
    }
    Ok(())
}

fn segments<'s>(
    p: &UncertainParameter,
    item: &Item,
    sel: &'s Selectors<'_>,
) -> Result<&'s [usize], Error> {
    sel.select(Sel::new(&p.segment, &p.region, &p.group), item, String::new)
}

fn targets(
    p: &UncertainParameter,
    item: &Item,
    problem: &Problem,
    names: &Names<'_>,
    sel: &Selectors<'_>,
) -> Result<Targets, Error> {
    let nothing = |what: &str| invalid(item, "segment/region/group", format!("selects no {what}"));
    match p.parameter {
        ParameterKind::Ceiling
        | ParameterKind::Scale
        | ParameterKind::Rate
        | ParameterKind::Loss => {
            refuse(p, item, &["channel", "placement"])?;
            let field = match p.parameter {
                ParameterKind::Ceiling => CellField::Ceiling,
                ParameterKind::Scale => CellField::Scale,
                ParameterKind::Rate => CellField::Rate,
                _ => CellField::Loss,
            };
            let cells = cells(p, item, problem, names, sel, field)?;
            if cells.is_empty() {
                return Err(nothing("cell at risk (rate > 0) of the threat"));
            }
            Ok(Targets::Cells { field, cells })
        }
        ParameterKind::Depth => {
            refuse(
                p,
                item,
                &["segment", "region", "group", "threat", "placement"],
            )?;
            let channels = match &p.channel {
                Some(id) => vec![*lookup(&names.channels, id, item, "channel", "channel")?],
                None => (0..problem.channels().len()).collect(),
            };
            Ok(Targets::Depth(
                channels.into_iter().map(ChannelId::new).collect(),
            ))
        }
        ParameterKind::UnitCost => {
            refuse(p, item, &["segment", "region", "group", "threat"])?;
            let placements = placements(p, item, problem, names)?;
            Ok(Targets::UnitCost(placements))
        }
        ParameterKind::PerUnit => {
            refuse(p, item, &["threat"])?;
            let placements = placements(p, item, problem, names)?;
            let segs = segments(p, item, sel)?;
            let mut pairs = Vec::new();
            for k in placements {
                let audience = problem.audience(k);
                for (pos, (s, g)) in audience.enumerate() {
                    if g > 0.0 && segs.binary_search(&s.index()).is_ok() {
                        pairs.push((k, pos));
                    }
                }
            }
            if pairs.is_empty() {
                return Err(nothing("segment reached by the selected placements"));
            }
            Ok(Targets::PerUnit(pairs))
        }
    }
}

/// The cells of the selected segments and threat (every threat when absent); for `rate` and
/// `loss` only those at risk.
fn cells(
    p: &UncertainParameter,
    item: &Item,
    problem: &Problem,
    names: &Names<'_>,
    sel: &Selectors<'_>,
    field: CellField,
) -> Result<Vec<CellId>, Error> {
    let segs = segments(p, item, sel)?;
    let threats: Vec<usize> = match &p.threat {
        Some(id) => vec![*lookup(&names.threats, id, item, "threat", "threat")?],
        None => (0..problem.threat_count()).collect(),
    };
    let at_risk_only = matches!(field, CellField::Rate | CellField::Loss);
    let mut out = Vec::new();
    for &s in segs {
        for &f in &threats {
            let c = problem
                .structure()
                .cell(SegmentId::new(s), ThreatId::new(f));
            if !at_risk_only || problem.cells()[c.index()].rate > 0.0 {
                out.push(c);
            }
        }
    }
    Ok(out)
}

/// The placements of `placement` or `channel` (every placement when neither is given).
fn placements(
    p: &UncertainParameter,
    item: &Item,
    problem: &Problem,
    names: &Names<'_>,
) -> Result<Vec<PlacementId>, Error> {
    let channel = p
        .channel
        .as_ref()
        .map(|id| lookup(&names.channels, id, item, "channel", "channel").copied())
        .transpose()?;
    let placement = p
        .placement
        .as_ref()
        .map(|id| lookup(&names.placements, id, item, "placement", "placement").copied())
        .transpose()?;
    let out: Vec<PlacementId> = PlacementId::range(problem.placements().len())
        .filter(|k| placement.is_none_or(|p| p == k.index()))
        .filter(|k| channel.is_none_or(|c| problem.placements()[k.index()].channel.index() == c))
        .collect();
    if out.is_empty() {
        return Err(invalid(
            item,
            "channel/placement",
            "selects no placement (the placement is not on that channel)",
        ));
    }
    Ok(out)
}
