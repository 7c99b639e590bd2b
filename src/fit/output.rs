//! What a fit hands on: a fitted scenario (response overrides with `"source": "fitted: ..."`)
//! and an `uncertainty` section in the scenario format of DESIGN.md, so the next plan carries
//! the data's uncertainty.
//!
//! The section's types are this module's own small serde structs following the DESIGN format
//! field for field; [`uncertainty_section`] is the one function that builds them.

use serde::{Deserialize, Serialize};

use super::estimate::{Estimate, Fit};
use crate::core::limits::{MAX_SCALE, MIN_COEFFICIENT, MIN_SCALE};
use crate::model::{ResponseOverride, Scenario};

/// The largest ceiling the emitted section holds: a ceiling must stay below 1.
const MAX_CEILING: f64 = 1.0 - 1e-9;

/// The scenario's `uncertainty` section (DESIGN.md, "Uncertainty").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UncertaintySection {
    /// Monte Carlo draws.
    pub draws: u32,
    /// Seed of the draws.
    pub seed: u64,
    /// One independent random quantity per entry.
    pub parameters: Vec<UncertaintyEntry>,
}

/// One entry of the `uncertainty` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UncertaintyEntry {
    /// `"ceiling"` or `"scale"`.
    pub parameter: String,
    /// Group selector (absent: every group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Threat selector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threat: Option<String>,
    /// `"triangular"` or `"lognormal"`.
    pub distribution: String,
    /// Triangular: lower end; lognormal: 5% quantile.
    pub low: f64,
    /// Triangular: mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<f64>,
    /// Triangular: upper end; lognormal: 95% quantile.
    pub high: f64,
    /// Where it comes from (`"fitted: ..."`).
    pub source: String,
}

/// The `uncertainty` section of a fit.
///
/// Each threat's scale becomes a `lognormal` entry whose 5% and 95% quantiles are the Laplace
/// posterior's (the Laplace posterior of `ln kappa` is normal, so this is exact for it). Each
/// ceiling becomes a `triangular` entry with the MAP as mode and the ends of the 99% Laplace
/// interval as `low` and `high`: a triangular distribution over that range has about the
/// posterior's standard deviation. Entries are independent, as the format requires: where the
/// fit warns that only `ceiling / scale` is identified, the drawn pairs are more spread than
/// the data allow.
///
/// # Example
///
/// ```
/// use fanzha::fit::{estimate::{fit, FitOptions}, output::uncertainty_section};
/// use fanzha::fit::synthetic::{synthetic_history, Truth};
///
/// let p = fanzha::scenarios::jurong_2023().compile()?;
/// let data = synthetic_history(&p, &Truth::from_problem(&p), 12, 1)?.check(&p)?;
/// let fitted = fit(&p, &data, &FitOptions::default())?;
/// let section = uncertainty_section(&fitted, "synthetic history", 1000, 7);
/// assert_eq!(section.parameters.len(), 2 * p.threat_count());
/// let json = serde_json::to_value(&section).unwrap();
/// assert_eq!(json["parameters"][1]["distribution"], "lognormal");
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn uncertainty_section(fit: &Fit, label: &str, draws: u32, seed: u64) -> UncertaintySection {
    let z99 = 2.575829;
    let z90 = 1.644854;
    let parameters = fit
        .parameters
        .iter()
        .enumerate()
        .map(|(j, e)| {
            let (m, sd) = (fit.theta[j], fit.sd[j]);
            let source = format!(
                "fitted: {label}, {} {} MAP {:.4}, 95% [{:.4}, {:.4}] ({:?} likelihood, Laplace)",
                e.threat, e.parameter, e.estimate, e.low, e.high, fit.likelihood
            );
            if e.parameter == "ceiling" {
                let back = super::model::logistic;
                UncertaintyEntry {
                    parameter: "ceiling".into(),
                    group: e.group.clone(),
                    threat: Some(e.threat.clone()),
                    distribution: "triangular".into(),
                    // Kept inside a ceiling's range (0 or [1e-9, 1)) so the section compiles again
                    // (the logistic rounds to exactly 0 or 1 for a huge logit).
                    low: back(m - z99 * sd).clamp(MIN_COEFFICIENT, MAX_CEILING),
                    mode: Some(e.estimate.clamp(MIN_COEFFICIENT, MAX_CEILING)),
                    high: back(m + z99 * sd).clamp(MIN_COEFFICIENT, MAX_CEILING),
                    source,
                }
            } else {
                UncertaintyEntry {
                    parameter: "scale".into(),
                    group: e.group.clone(),
                    threat: Some(e.threat.clone()),
                    distribution: "lognormal".into(),
                    low: (m - z90 * sd).exp().clamp(MIN_SCALE, MAX_SCALE),
                    mode: None,
                    high: (m + z90 * sd).exp().clamp(MIN_SCALE, MAX_SCALE),
                    source,
                }
            }
        })
        .collect();
    UncertaintySection {
        draws,
        seed,
        parameters,
    }
}

fn describe(e: &Estimate) -> String {
    format!("{:.4} [{:.4}, {:.4}]", e.estimate, e.low, e.high)
}

/// The scenario with one response override per fitted threat (its ceiling and scale at the
/// MAP), each with `"source": "fitted: <label>, ..."` giving the 95% intervals. Overrides
/// come after the scenario's own, so they win.
///
/// # Example
///
/// ```
/// use fanzha::fit::{estimate::{fit, FitOptions}, output::fitted_scenario};
/// use fanzha::fit::synthetic::{synthetic_history, Truth};
///
/// let scenario = fanzha::scenarios::jurong_2023();
/// let p = scenario.compile()?;
/// let data = synthetic_history(&p, &Truth::from_problem(&p), 12, 1)?.check(&p)?;
/// let fitted = fitted_scenario(&scenario, &fit(&p, &data, &FitOptions::default())?, "synthetic");
/// let last = fitted.response.overrides.last().unwrap();
/// assert!(last.source.as_deref().unwrap().starts_with("fitted: synthetic"));
/// fitted.compile()?;
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn fitted_scenario(scenario: &Scenario, fit: &Fit, label: &str) -> Scenario {
    let mut out = scenario.clone();
    for pair in fit.parameters.chunks(2) {
        let [ceiling, scale] = pair else { continue };
        out.response.overrides.push(ResponseOverride {
            segment: None,
            region: None,
            group: ceiling.group.clone(),
            threat: Some(ceiling.threat.clone()),
            ceiling: Some(ceiling.estimate.clamp(1e-9, 1.0 - 1e-9)),
            scale: Some(scale.estimate.clamp(1e-12, 1e9)),
            source: Some(format!(
                "fitted: {label}; ceiling {}, scale {} (MAP, 95% Laplace intervals)",
                describe(ceiling),
                describe(scale)
            )),
        });
    }
    out
}
