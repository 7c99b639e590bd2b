//! The fairness floors' status: each floor target's required and reached risk reduction.

use crate::core::floor_met;
use crate::error::Error;
use crate::plan::Plan;
use crate::problem::Problem;
use crate::response;

/// One fairness floor target of a plan ([`floor_status`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FloorStatus {
    /// Position of the scenario's floor entry that set it.
    pub entry: usize,
    /// Segment id (in a calendar problem, the segment of the floor's block of weeks).
    pub segment: String,
    /// Group of the segment.
    pub group: String,
    /// Region of the segment.
    pub region: String,
    /// Threat id.
    pub threat: String,
    /// Threat name.
    pub threat_name: String,
    /// The least reduction asked.
    pub min_reduction: f64,
    /// The reduction the plan reaches (in a calendar problem, at the block's mean remembered
    /// exposure).
    pub reduction: f64,
    /// Whether the floor is met (the slack of [`floor_met`]).
    pub met: bool,
}

/// Every fairness floor target of `problem` with the reduction `plan` reaches, in the
/// problem's floor order (empty when the problem has no floors).
///
/// # Errors
///
/// [`Error::Mismatch`] if the plan was made for another problem.
///
/// # Example
///
/// ```
/// use fanzha::analysis::floor_status;
/// use fanzha::{scenarios, Greedy, Plan, Strategy};
///
/// let problem = scenarios::jurong_2023().compile()?;
/// let plan = Greedy::default().plan(&problem)?;
/// assert!(floor_status(&problem, &plan)?.iter().all(|f| f.met));
/// assert!(floor_status(&problem, &Plan::empty(&problem))?.iter().all(|f| !f.met));
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn floor_status(problem: &Problem, plan: &Plan) -> Result<Vec<FloorStatus>, Error> {
    let absorbed = plan.absorbed(problem)?;
    let st = problem.structure();
    Ok(problem
        .floors()
        .iter()
        .enumerate()
        .map(|(j, fl)| {
            let cell = &problem.cells()[fl.cell.index()];
            let reduction =
                response::reduction(cell.ceiling, cell.scale, absorbed[fl.cell.index()]);
            let min_reduction = problem.floor_level(j);
            let seg = &st.segments[fl.segment.index()];
            let threat = &st.threats[fl.threat.index()];
            FloorStatus {
                entry: fl.entry,
                segment: seg.id.clone(),
                group: st.groups[seg.group.index()].clone(),
                region: st.regions[seg.region.index()].clone(),
                threat: threat.id.clone(),
                threat_name: threat.name.clone(),
                min_reduction,
                reduction,
                met: floor_met(reduction, min_reduction),
            }
        })
        .collect())
}
