//! Built-in scenarios, embedded in the library.
//!
//! Every number in them carries a `source`: a line of the project's sourced facts, or
//! `"assumption: why"`.

use crate::model::Scenario;

const JURONG_2023: &str = include_str!("jurong_2023.json");

/// Jurong (句容), Jiangsu, 2023: four regions (Huayang, Huangmei, Baohua and the rest of the
/// city) by eight groups, six fraud types, the channels the city's 2023 social-conditions
/// report names, calibrated to the report's annualised cases (about 1,710 a year) and losses
/// (about 138 million yuan a year) and its victim shares.
///
/// # Example
///
/// ```
/// let problem = fanzha::scenarios::jurong_2023().compile()?;
/// assert!((problem.cases_at_risk() - 1710.0).abs() < 1710.0 * 0.02);
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn jurong_2023() -> Scenario {
    Scenario::from_json(JURONG_2023).expect("the built-in Jurong scenario is valid JSON (tested)")
}

/// The built-in Jurong 2023 scenario as JSON text, e.g. to write out as a template.
pub fn jurong_2023_json() -> &'static str {
    JURONG_2023
}
