//! A plan's outcomes over parameter draws, on a cluster.

use std::sync::Arc;

use super::exchange::Exchanger;
use super::runtime::in_pool;
use super::{DistributedError, Runtime};
use crate::Error;
use crate::plan::Plan;
use crate::problem::Problem;
use crate::uncertainty::{self, MonteCarlo, Row, Uncertainty};

/// What a worker sends worker 0: its draws' rows `(draw, row)`, or why it could not.
type Share = Result<Vec<(u64, Row)>, String>;

/// Outcomes of `plan` over the draws of `uncertainty`, as
/// [`uncertainty::monte_carlo`](crate::uncertainty::monte_carlo) computes them, on the
/// workers of `runtime` (every process calls this with the same inputs).
///
/// Worker `w` of `P` evaluates the draws `i = w mod P` (draw `i` comes from the stream keyed
/// by `(seed, i)`); worker 0 gathers every value and summarises them in draw order. Quantiles
/// are therefore exact (no sketch): the result equals the one-process result bit for bit, on
/// any number of threads and processes. Worker 0 holds `D x (3 + threats + groups)` numbers.
///
/// # Returns
/// `Some` on process 0, `None` on the others.
///
/// # Errors
/// The errors of the one-process function ([`DistributedError::Plan`], or
/// [`DistributedError::Worker`] when another worker hit one), and the failures of a cluster.
///
/// # Example
/// ```
/// use std::sync::Arc;
/// use fanzha::distributed::{monte_carlo, Runtime};
/// use fanzha::{scenarios, Greedy, Strategy};
///
/// let (problem, uncertainty) = scenarios::jurong_2023().compile_uncertain()?;
/// let plan = Greedy::default().plan(&problem)?;
/// let u = uncertainty.with_draws(50, 3);
/// let one = fanzha::uncertainty::monte_carlo(&problem, &u, &plan)?;
/// let (problem, u, plan) = (Arc::new(problem), Arc::new(u), Arc::new(plan));
/// let two = monte_carlo(&Runtime::threads(2), problem, u, plan).unwrap();
/// assert_eq!(two, Some(one));
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn monte_carlo(
    runtime: &Runtime,
    problem: Arc<Problem>,
    uncertainty: Arc<Uncertainty>,
    plan: Arc<Plan>,
) -> Result<Option<MonteCarlo>, DistributedError> {
    if uncertainty.draws == 0 {
        return Err(Error::InvalidParameter {
            parameter: "draws",
            problem: "must be at least 1".into(),
        }
        .into());
    }
    let rt = runtime.clone();
    let results = runtime.run(move |worker, watchdog| {
        let pool = rt.pool()?;
        let mut ex = Exchanger::<Share>::new(worker);
        let (me, peers) = (ex.index(), ex.peers());
        let mine: Vec<u64> = (me as u64..uncertainty.draws as u64)
            .step_by(peers)
            .collect();
        let rows = in_pool(pool.as_deref(), || {
            uncertainty::kpi_rows(&problem, &uncertainty, &plan, &mine)
        });
        let share = rows
            .map(|rows| mine.iter().copied().zip(rows).collect())
            .map_err(|e| e.to_string());
        let local_error = share.as_ref().err().cloned();
        let got = ex.step(worker, watchdog, [(0, share)])?;
        if let Some(message) = local_error {
            return Err(DistributedError::Worker {
                worker: me,
                message,
            });
        }
        if me != 0 {
            return Ok(None);
        }
        let rows = gather(got, uncertainty.draws)?;
        Ok(Some(uncertainty::summarise(&problem, &uncertainty, &rows)?))
    })?;
    Ok(results.into_iter().flatten().next())
}

/// Every draw's row, in draw order, from the workers' shares.
fn gather(shares: Vec<Share>, draws: usize) -> Result<Vec<Row>, DistributedError> {
    let mut rows: Vec<Option<Row>> = (0..draws).map(|_| None).collect();
    for share in shares {
        let share = share.map_err(|message| DistributedError::Worker {
            worker: usize::MAX,
            message,
        })?;
        for (i, row) in share {
            if let Some(slot) = rows.get_mut(i as usize) {
                *slot = Some(row);
            }
        }
    }
    let found = rows.iter().filter(|r| r.is_some()).count();
    if found != draws {
        return Err(DistributedError::Worker {
            worker: usize::MAX,
            message: format!("{found} of {draws} draws arrived: a worker stopped early"),
        });
    }
    Ok(rows.into_iter().flatten().collect())
}
