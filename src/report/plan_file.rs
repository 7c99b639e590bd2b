//! The plan file: a plan as people read and write it, with its outcome.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::evaluate::{Outcome, evaluate};
use crate::model::read_capped;
use crate::plan::{Allocation, Plan};
use crate::problem::Problem;

/// The largest plan file [`PlanReport::from_path`] reads: 16 MiB, room for tens of thousands
/// of allocations with their outcome (an allocation takes about a hundred bytes of JSON).
pub const PLAN_FILE_LIMIT: u64 = 16 * 1024 * 1024;

/// A plan written as JSON (`plan --json`) and read back (`plan --evaluate FILE`).
///
/// ```json
/// {"scenario": "Jurong 2023", "strategy": "greedy",
///  "allocations": [{"message": "brushing.comic", "placement": "douyin.young_gig", "units": 120}],
///  "outcome": {"prevented_loss": 0.0, "...": "..."}}
/// ```
///
/// When read back, `outcome` may be absent (a hand-made plan); it is recomputed anyway.
///
/// # Example
///
/// ```
/// use fanzha::{scenarios, Greedy, PlanReport, Strategy};
///
/// let problem = scenarios::jurong_2023().compile()?;
/// let plan = Greedy::default().plan(&problem)?;
/// let report = PlanReport::new(&problem, "greedy", &plan)?;
/// let back = PlanReport::from_json(&report.to_json())?;
/// let again = PlanReport::new(&problem, "greedy", &back.plan(&problem)?)?;
/// assert_eq!(report.outcome, again.outcome);
/// # Ok::<(), fanzha::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanReport {
    /// Name of the scenario the plan is for.
    pub scenario: String,
    /// Name of the strategy that made it (anything for a hand-made plan).
    #[serde(default)]
    pub strategy: String,
    /// Units of each message on each placement.
    pub allocations: Vec<Allocation>,
    /// What the plan achieves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
}

impl PlanReport {
    /// Writes up `plan` for `problem`, with its evaluated outcome.
    ///
    /// # Errors
    ///
    /// [`Error::Mismatch`] if the plan was made for another problem.
    pub fn new(problem: &Problem, strategy: &str, plan: &Plan) -> Result<PlanReport, Error> {
        Ok(PlanReport {
            scenario: problem.name().to_string(),
            strategy: strategy.to_string(),
            allocations: plan.allocations(problem)?,
            outcome: Some(evaluate(problem, plan)?),
        })
    }

    /// The plan of these allocations for `problem`.
    ///
    /// # Errors
    ///
    /// As [`Plan::from_allocations`].
    pub fn plan(&self, problem: &Problem) -> Result<Plan, Error> {
        Plan::from_allocations(problem, &self.allocations)
    }

    /// Reads a plan file from JSON text.
    ///
    /// # Errors
    ///
    /// [`Error::Json`] naming the path, line and column of the problem.
    pub fn from_json(text: &str) -> Result<PlanReport, Error> {
        crate::model::from_json_str(text)
    }

    /// Reads a plan file of at most [`PLAN_FILE_LIMIT`] bytes.
    ///
    /// Only the limit and one byte more are read, so a huge file or an endless stream (a
    /// device such as `/dev/zero`, a pipe) is refused without filling memory.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] naming the file when it cannot be read, is not UTF-8, or is larger than
    /// the limit; else as [`PlanReport::from_json`] wrapped in [`Error::InFile`].
    ///
    /// # Example
    ///
    /// ```
    /// use fanzha::{scenarios, Greedy, PlanReport, Strategy};
    ///
    /// let problem = scenarios::jurong_2023().compile()?;
    /// let report = PlanReport::new(&problem, "greedy", &Greedy::default().plan(&problem)?)?;
    /// let path = std::env::temp_dir().join(format!("fanzha-doc-plan-{}.json", std::process::id()));
    /// std::fs::write(&path, report.to_json()).unwrap();
    /// let back = PlanReport::from_path(&path);
    /// std::fs::remove_file(&path).unwrap();
    /// assert_eq!(back?.allocations, report.allocations);
    /// # Ok::<(), fanzha::Error>(())
    /// ```
    pub fn from_path(path: impl AsRef<Path>) -> Result<PlanReport, Error> {
        let path = path.as_ref();
        let text = read_capped(path, PLAN_FILE_LIMIT, "plan file")?;
        PlanReport::from_json(&text).map_err(|e| e.in_file(path))
    }

    /// Pretty-printed JSON. Non-finite numbers cannot occur in an evaluated outcome.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a plan report has string keys and no maps")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn an_endless_stream_is_refused_at_the_limit() {
        let err = PlanReport::from_path("/dev/zero").expect_err("/dev/zero is endless");
        assert_eq!(
            err.to_string(),
            "/dev/zero: larger than 16 MiB, the limit for a plan file"
        );
    }

    #[test]
    fn a_missing_file_names_the_file() {
        let path = std::env::temp_dir().join("fanzha-report-no-such-plan.json");
        let err = PlanReport::from_path(&path).expect_err("missing");
        assert!(
            err.to_string().starts_with(&path.display().to_string()),
            "{err}"
        );
    }
}
