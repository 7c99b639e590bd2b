//! Risk-table calibration ("raking"): yearly rates `p_sf` that reproduce case totals, losses
//! and victim shares, as close as possible to a seed table.
//!
//! Each [`Margin`] is one linear condition on the cases `q_s = N_s p_sf` of one threat over
//! the segments it selects (`region`, `group`, both or neither):
//!
//! - `cases`: `sum q_s = cases`;
//! - `loss`: `sum q_s L_sf = loss` (with the seed's loss per case `L_sf`);
//! - `attribute` + `share`: `sum q_s a_s / sum q_s = share`, with `a_s` the segment's
//!   [`Profile`](crate::model::Profile) share of the attribute ("61.5% of pig-butchering
//!   victims are women").
//!
//! The calibrated table minimises the Kullback-Leibler divergence `sum q log(q / q0) - q + q0`
//! from the seed `q0` subject to the margins. Its solution has the form
//! `q_s = q0_s exp(sum_j lambda_j x_js)` (exponential tilting); with 0/1 memberships this is
//! exactly iterative proportional fitting's fixed point, and with fractional attribute shares
//! it is the raking estimator of Deville and Särndal (1992). The multipliers are found by
//! Newton's method on the convex dual. When the margins conflict (no table meets them all)
//! the exact dual is unbounded and the solver falls back to the penalised problem
//! `KL + sum_j w_j c / 2 (u_j / t_j)^2` (residual `u_j` relative to the margin's scale `t_j`,
//! `c` the seed's cases of the threat), whose dual is strictly convex; every margin's L1
//! residual is reported either way.
//!
//! # Complexity
//!
//! Per threat with `S` segments and `J` margins, each Newton step costs `O(S J^2 + J^3)`;
//! steps converge quadratically (tens at most).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::linalg::Matrix;
use crate::error::{Error, Item};
use crate::model::Scenario;

fn default_weight() -> f64 {
    1e4
}

/// Calibration targets, as a JSON file: `{"margins": [...], "source": "..."}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Margins {
    /// Where the targets come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The targets.
    pub margins: Vec<Margin>,
}

impl Margins {
    /// Reads margins from JSON text; unknown fields are errors.
    pub fn from_json(text: &str) -> Result<Margins, Error> {
        crate::model::from_json_str(text)
    }
}

/// One calibration target for one threat over the segments it selects. Set exactly one of
/// `cases`, `loss`, or `attribute` with `share`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Margin {
    /// Threat id.
    pub threat: String,
    /// Only segments of this region (absent: all regions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Only segments of this group (absent: all groups).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Cases per year of the selected segments, `> 0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cases: Option<f64>,
    /// Loss per year of the selected segments (scenario currency), `> 0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loss: Option<f64>,
    /// Profile attribute the `share` is about (e.g. `"women"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute: Option<String>,
    /// Share of the selected segments' cases on people with `attribute`, in `[0, 1]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
    /// Weight of the margin's squared relative residual when margins conflict (default 1e4: far
    /// above the divergence from the seed, so consistent margins stay met to about 1e-5).
    #[serde(default = "default_weight")]
    pub weight: f64,
    /// Where the number comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// How one margin came out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MarginResidual {
    /// Index into [`Margins::margins`].
    pub margin: usize,
    /// Readable label, e.g. `pig_butchering share women`.
    pub label: String,
    /// The target (cases, loss or share).
    pub target: f64,
    /// The calibrated table's value.
    pub fitted: f64,
    /// L1 residual `|fitted - target|`.
    pub residual: f64,
}

/// A calibrated risk table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Calibration {
    /// Threat ids, in scenario order (the columns of `rates`).
    pub threats: Vec<String>,
    /// Segment ids, in scenario order (the rows of `rates`).
    pub segments: Vec<String>,
    /// Yearly rate per segment and threat.
    pub rates: Vec<Vec<f64>>,
    /// Every margin's residual, in input order.
    pub residuals: Vec<MarginResidual>,
    /// Whether every margin is met exactly (to 1e-9 relative); `false` means they conflict
    /// and the penalised compromise was used for at least one threat.
    pub exact: bool,
    /// Margins that could not be met (residual above 0.1% of the target, or 0.001 for a
    /// share), as labels.
    pub conflicting: Vec<String>,
}

/// Options of [`calibrate`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct CalibrationOptions {
    /// Newton steps per threat (default 200).
    pub max_iterations: usize,
    /// Convergence tolerance on the relative residuals (default 1e-12).
    pub tolerance: f64,
}

impl Default for CalibrationOptions {
    fn default() -> Self {
        CalibrationOptions {
            max_iterations: 200,
            tolerance: 1e-12,
        }
    }
}

/// One margin as a linear row over the threat's segments.
struct Row {
    margin: usize,
    /// Coefficient per segment, divided by the margin's scale.
    x: Vec<f64>,
    /// Target divided by the scale.
    target: f64,
    /// The scale `t_j` (target for totals, the seed's selected cases for shares).
    scale: f64,
    weight: f64,
    share: bool,
    /// Whether each segment is in the margin's selection.
    selected: Vec<bool>,
}

/// Calibrates the scenario's risk table (the seed) to `margins`.
///
/// # Errors
///
/// [`Error::UnknownId`] for an unknown threat, region, group or attribute;
/// [`Error::Invalid`] naming the margin when it sets none or several targets, or can be met
/// by no table (a total on segments the seed gives no cases, a share outside the attribute's
/// range among them); [`Error::InvalidValue`] for a target or weight out of range.
///
/// # Example
///
/// ```
/// use fanzha::fit::calibrate::{calibrate, CalibrationOptions, Margins};
///
/// let scenario = fanzha::scenarios::jurong_2023();
/// let margins = Margins::from_json(r#"{"margins": [
///     {"threat": "pig_butchering", "cases": 325},
///     {"threat": "pig_butchering", "attribute": "women", "share": 0.615}]}"#)?;
/// let cal = calibrate(&scenario, &margins, &CalibrationOptions::default())?;
/// assert!(cal.exact);
/// assert!(cal.residuals.iter().all(|r| r.residual < 1e-6));
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn calibrate(
    scenario: &Scenario,
    margins: &Margins,
    options: &CalibrationOptions,
) -> Result<Calibration, Error> {
    let threats: Vec<String> = scenario.threats.iter().map(|t| t.id.clone()).collect();
    let n_s = scenario.segments.len();
    let (seed, loss) = seed_table(scenario, &threats);
    let mut rates = vec![vec![0.0; threats.len()]; n_s];
    let mut residuals = Vec::new();
    let mut exact = true;
    for (f, threat) in threats.iter().enumerate() {
        let q0: Vec<f64> = (0..n_s).map(|s| seed[s][f]).collect();
        let l: Vec<f64> = (0..n_s).map(|s| loss[s][f]).collect();
        let rows = rows_of(scenario, margins, threat, &q0, &l)?;
        if margins.margins.iter().all(|m| &m.threat != threat) {
            for (s, r) in rates.iter_mut().enumerate() {
                r[f] = rate(q0[s], scenario.segments[s].population);
            }
            continue;
        }
        let (q, met) = solve(&q0, &rows, options);
        exact &= met;
        for (s, r) in rates.iter_mut().enumerate() {
            r[f] = rate(q[s], scenario.segments[s].population);
        }
        residuals.extend(rows.iter().map(|row| residual(row, &q, &margins.margins)));
    }
    check_threats(margins, &threats)?;
    residuals.sort_by_key(|r| r.margin);
    let conflicting = residuals
        .iter()
        .filter(|r| r.residual > 1e-3 * r.target.abs().max(1.0))
        .map(|r| r.label.clone())
        .collect();
    Ok(Calibration {
        threats,
        segments: scenario.segments.iter().map(|s| s.id.clone()).collect(),
        rates,
        residuals,
        exact,
        conflicting,
    })
}

fn rate(cases: f64, population: u64) -> f64 {
    if population == 0 {
        0.0
    } else {
        cases / population as f64
    }
}

fn check_threats(margins: &Margins, threats: &[String]) -> Result<(), Error> {
    for (i, m) in margins.margins.iter().enumerate() {
        if !threats.contains(&m.threat) {
            return Err(Error::UnknownId {
                item: Item::at("margin", i),
                field: "threat".into(),
                kind: "threat",
                id: m.threat.clone(),
            });
        }
    }
    Ok(())
}

/// Seed cases `N_s p_sf` and losses per case `L_sf`, segment x threat.
fn seed_table(scenario: &Scenario, threats: &[String]) -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
    let index: BTreeMap<&str, usize> = threats
        .iter()
        .enumerate()
        .map(|(i, t)| (t.as_str(), i))
        .collect();
    let mut cases = vec![vec![0.0; threats.len()]; scenario.segments.len()];
    let mut loss = cases.clone();
    for (s, seg) in scenario.segments.iter().enumerate() {
        for r in &seg.risk {
            if let Some(&f) = index.get(r.threat.as_str()) {
                cases[s][f] = seg.population as f64 * r.rate;
                loss[s][f] = r.loss;
            }
        }
    }
    (cases, loss)
}

fn label(m: &Margin) -> String {
    let mut out = m.threat.clone();
    for sel in [&m.region, &m.group].into_iter().flatten() {
        out.push_str(&format!(" {sel}"));
    }
    match (&m.cases, &m.loss, &m.attribute) {
        (Some(_), _, _) => out.push_str(" cases"),
        (_, Some(_), _) => out.push_str(" loss"),
        (_, _, Some(a)) => out.push_str(&format!(" share {a}")),
        _ => {}
    }
    out
}

fn invalid(i: usize, field: &str, problem: String) -> Error {
    Error::Invalid {
        item: Item::at("margin", i),
        field: field.into(),
        problem,
    }
}

/// The rows of the margins on `threat`, checked.
fn rows_of(
    scenario: &Scenario,
    margins: &Margins,
    threat: &str,
    q0: &[f64],
    loss: &[f64],
) -> Result<Vec<Row>, Error> {
    let mut rows = Vec::new();
    for (i, m) in margins.margins.iter().enumerate() {
        if m.threat != threat {
            continue;
        }
        let selected = select(scenario, m, i)?;
        if !(m.weight.is_finite() && m.weight > 0.0) {
            return Err(Error::InvalidValue {
                item: Item::at("margin", i),
                field: "weight".into(),
                value: m.weight,
                expected: "a finite number > 0",
            });
        }
        let row = match (m.cases, m.loss, &m.attribute, m.share) {
            (Some(c), None, None, None) => total_row(i, c, "cases", &selected, q0, None)?,
            (None, Some(l), None, None) => total_row(i, l, "loss", &selected, q0, Some(loss))?,
            (None, None, Some(a), Some(share)) => share_row(scenario, i, a, share, &selected, q0)?,
            _ => {
                return Err(invalid(
                    i,
                    "cases/loss/share",
                    "must set exactly one of `cases`, `loss`, or `attribute` with `share`".into(),
                ));
            }
        };
        rows.push(Row {
            weight: m.weight,
            ..row
        });
    }
    Ok(rows)
}

/// Membership (0/1) of each segment in the margin's selection.
fn select(scenario: &Scenario, m: &Margin, i: usize) -> Result<Vec<bool>, Error> {
    let segs = &scenario.segments;
    for (field, want, has) in [
        (
            "region",
            &m.region,
            segs.iter().map(|s| &s.region).collect::<Vec<_>>(),
        ),
        ("group", &m.group, segs.iter().map(|s| &s.group).collect()),
    ] {
        if let Some(w) = want {
            if !has.contains(&w) {
                return Err(Error::UnknownId {
                    item: Item::at("margin", i),
                    field: field.into(),
                    kind: if field == "region" { "region" } else { "group" },
                    id: w.clone(),
                });
            }
        }
    }
    Ok(segs
        .iter()
        .map(|s| {
            m.region.as_ref().is_none_or(|r| *r == s.region)
                && m.group.as_ref().is_none_or(|g| *g == s.group)
        })
        .collect())
}

fn total_row(
    i: usize,
    target: f64,
    field: &str,
    selected: &[bool],
    q0: &[f64],
    loss: Option<&[f64]>,
) -> Result<Row, Error> {
    if !(target.is_finite() && target > 0.0 && target <= 1e15) {
        return Err(Error::InvalidValue {
            item: Item::at("margin", i),
            field: field.into(),
            value: target,
            expected: "a finite number in (0, 1e15]",
        });
    }
    let x: Vec<f64> = (0..q0.len())
        .map(|s| f64::from(u8::from(selected[s])) * loss.map_or(1.0, |l| l[s]) / target)
        .collect();
    if x.iter().zip(q0).all(|(x, q)| x * q <= 0.0) {
        return Err(invalid(
            i,
            field,
            "cannot be met: the seed table gives the selected segments no cases (or no loss) of \
             this threat"
                .into(),
        ));
    }
    Ok(Row {
        margin: i,
        x,
        target: 1.0,
        scale: target,
        weight: 1.0,
        share: false,
        selected: selected.to_vec(),
    })
}

fn share_row(
    scenario: &Scenario,
    i: usize,
    attribute: &str,
    share: f64,
    selected: &[bool],
    q0: &[f64],
) -> Result<Row, Error> {
    if !(0.0..=1.0).contains(&share) {
        return Err(Error::InvalidValue {
            item: Item::at("margin", i),
            field: "share".into(),
            value: share,
            expected: "a share in [0, 1]",
        });
    }
    let mut a = Vec::with_capacity(q0.len());
    for (s, seg) in scenario.segments.iter().enumerate() {
        let v = seg.profile.as_ref().and_then(|p| p.get(attribute));
        match v {
            Some(v) => a.push(v),
            None if !selected[s] || q0[s] == 0.0 => a.push(0.0),
            None => {
                return Err(Error::UnknownId {
                    item: Item::new("segment", &seg.id),
                    field: format!("profile.{attribute} (margin #{i})"),
                    kind: "profile attribute",
                    id: attribute.to_string(),
                });
            }
        }
    }
    let live = |s: usize| selected[s] && q0[s] > 0.0;
    let total: f64 = (0..q0.len()).filter(|&s| live(s)).map(|s| q0[s]).sum();
    let (lo, hi) = (0..q0.len())
        .filter(|&s| live(s))
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), s| {
            (lo.min(a[s]), hi.max(a[s]))
        });
    let strictly_inside = lo < share && share < hi;
    if total <= 0.0 || !(strictly_inside || (lo == hi && lo == share)) {
        return Err(invalid(
            i,
            "share",
            format!(
                "cannot be met: the selected segments with cases have {attribute} shares in \
                 [{lo}, {hi}], so no table gives {share}"
            ),
        ));
    }
    Ok(Row {
        margin: i,
        x: (0..q0.len())
            .map(|s| f64::from(u8::from(selected[s])) * (a[s] - share) / total)
            .collect(),
        target: 0.0,
        scale: total,
        weight: 1.0,
        share: true,
        selected: selected.to_vec(),
    })
}

fn residual(row: &Row, q: &[f64], margins: &[Margin]) -> MarginResidual {
    let m = &margins[row.margin];
    let (target, fitted) = if row.share {
        let share = m.share.unwrap_or(0.0);
        // x = sel (a - share) / scale, so dot * scale = sum_sel q a - share sum_sel q.
        let cases: f64 = (0..q.len())
            .filter(|&s| row.selected[s])
            .map(|s| q[s])
            .sum();
        (
            share,
            share + dot(row, q) * row.scale / cases.max(f64::MIN_POSITIVE),
        )
    } else {
        (row.scale, dot(row, q) * row.scale)
    };
    MarginResidual {
        margin: row.margin,
        label: label(m),
        target,
        fitted,
        residual: (fitted - target).abs(),
    }
}

/// Newton on the dual; exact first, then penalised if the margins conflict. Returns the
/// calibrated cases and whether every margin was met exactly.
fn solve(q0: &[f64], rows: &[Row], options: &CalibrationOptions) -> (Vec<f64>, bool) {
    let c: f64 = q0.iter().sum();
    if let Some(lambda) = newton(q0, rows, None, options) {
        let q = tilt(q0, rows, &lambda);
        if rows.iter().all(|r| (dot(r, &q) - r.target).abs() < 1e-9) {
            return (q, true);
        }
    }
    let penalties: Vec<f64> = rows.iter().map(|r| 1.0 / (r.weight * c)).collect();
    let lambda =
        newton(q0, rows, Some(&penalties), options).unwrap_or_else(|| vec![0.0; rows.len()]);
    (tilt(q0, rows, &lambda), false)
}

fn dot(row: &Row, q: &[f64]) -> f64 {
    row.x.iter().zip(q).map(|(x, q)| x * q).sum()
}

fn tilt(q0: &[f64], rows: &[Row], lambda: &[f64]) -> Vec<f64> {
    q0.iter()
        .enumerate()
        .map(|(s, &q)| {
            if q == 0.0 {
                return 0.0;
            }
            let e: f64 = rows.iter().zip(lambda).map(|(r, l)| l * r.x[s]).sum();
            q * e.exp()
        })
        .collect()
}

/// The dual `D(lambda) = sum q0 exp(X lambda) - lambda . target + sum pen_j lambda_j^2 / 2`.
fn dual(q0: &[f64], rows: &[Row], pen: Option<&[f64]>, lambda: &[f64]) -> f64 {
    let q = tilt(q0, rows, lambda);
    let mut d: f64 = q.iter().sum::<f64>();
    for (j, r) in rows.iter().enumerate() {
        d -= lambda[j] * r.target;
        d += pen.map_or(0.0, |p| p[j]) * lambda[j] * lambda[j] / 2.0;
    }
    d
}

/// Damped Newton on the dual; `None` if it does not converge (conflicting exact margins).
fn newton(
    q0: &[f64],
    rows: &[Row],
    pen: Option<&[f64]>,
    options: &CalibrationOptions,
) -> Option<Vec<f64>> {
    let j = rows.len();
    let mut lambda = vec![0.0; j];
    for _ in 0..options.max_iterations {
        let q = tilt(q0, rows, &lambda);
        let g: Vec<f64> = (0..j)
            .map(|a| dot(&rows[a], &q) - rows[a].target + pen.map_or(0.0, |p| p[a]) * lambda[a])
            .collect();
        if g.iter().all(|v| v.abs() < options.tolerance) {
            return Some(lambda);
        }
        let mut h = Matrix::zeros(j);
        for a in 0..j {
            for b in 0..=a {
                let v: f64 = (0..q.len())
                    .map(|s| q[s] * rows[a].x[s] * rows[b].x[s])
                    .sum();
                h.add(a, b, v);
                if a != b {
                    h.add(b, a, v);
                }
            }
            h.add(a, a, pen.map_or(0.0, |p| p[a]) + 1e-14);
        }
        let step = h.cholesky()?.cholesky_solve(&g);
        let d0 = dual(q0, rows, pen, &lambda);
        let slope: f64 = g.iter().zip(&step).map(|(g, s)| g * s).sum();
        let mut t = 1.0;
        loop {
            let trial: Vec<f64> = lambda.iter().zip(&step).map(|(l, s)| l - t * s).collect();
            let d = dual(q0, rows, pen, &trial);
            if d.is_finite() && d <= d0 - 1e-4 * t * slope {
                lambda = trial;
                break;
            }
            t /= 2.0;
            if t < 1e-12 {
                // No descent left: converged to rounding, or unbounded (conflict).
                return g.iter().all(|v| v.abs() < 1e-9).then_some(lambda);
            }
        }
    }
    None
}

/// The calibration targets of the built-in Jurong 2023 risk table: the seed report's
/// annualised cases and losses split by the scenario's mix, and its three victim shares
/// (61.5% women among pig-butchering victims, 75% under 35 among order-brushing victims, 75%
/// men among loan-scam victims). Each margin cites its FACTS.md line.
///
/// # Example
///
/// ```
/// use fanzha::fit::calibrate::{calibrate, jurong_2023_margins, CalibrationOptions};
///
/// let cal = calibrate(
///     &fanzha::scenarios::jurong_2023(),
///     &jurong_2023_margins(),
///     &CalibrationOptions::default(),
/// )?;
/// assert!(cal.exact && cal.conflicting.is_empty());
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn jurong_2023_margins() -> Margins {
    Margins::from_json(include_str!("../scenarios/jurong_2023_margins.json"))
        .expect("the built-in Jurong margins are valid (tested)")
}

impl Calibration {
    /// The scenario with its risk rates replaced by the calibrated ones (losses kept); each
    /// changed entry's `source` is prefixed with `source`. Rates that would leave `(0, 1)`
    /// are clamped below 1.
    ///
    /// # Errors
    ///
    /// [`Error::Mismatch`] if `scenario` has other segments or threats than the calibration.
    pub fn apply(&self, scenario: &Scenario, source: &str) -> Result<Scenario, Error> {
        if scenario.segments.len() != self.segments.len() {
            return Err(Error::Mismatch {
                what: "segments",
                expected: self.segments.len(),
                found: scenario.segments.len(),
            });
        }
        if scenario.threats.len() != self.threats.len() {
            return Err(Error::Mismatch {
                what: "threats",
                expected: self.threats.len(),
                found: scenario.threats.len(),
            });
        }
        let mut out = scenario.clone();
        for (s, seg) in out.segments.iter_mut().enumerate() {
            for r in &mut seg.risk {
                let Some(f) = self.threats.iter().position(|t| *t == r.threat) else {
                    continue;
                };
                let rate = self.rates[s][f].min(1.0 - 1e-12);
                if rate != r.rate {
                    r.rate = rate;
                    r.source = Some(match &r.source {
                        Some(old) => format!("{source}; {old}"),
                        None => source.to_string(),
                    });
                }
            }
        }
        Ok(out)
    }
}
