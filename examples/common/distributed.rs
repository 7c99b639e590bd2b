//! The examples' hook into `fanzha::distributed`: timely's own arguments after a second `--`
//! (`-w N` threads, `-n N` processes, `-p I` this process, `-h FILE` hostfile), parsed by
//! timely itself.
//!
//! ```text
//! cargo run --release --example seeds -- --k 50 -- -w 2
//! host0$ seeds --k 50 -- -n 2 -p 0 -h hosts.txt
//! host1$ seeds --k 50 -- -n 2 -p 1 -h hosts.txt
//! ```
//!
//! Process 0 prints the results; the others print nothing and exit with code 0. A failed
//! peer makes the others exit with code 2 and an `error:` line (rerun with the same seed).

#[cfg(feature = "distributed")]
#[allow(unused_imports)]
pub use on::*;

#[cfg(feature = "distributed")]
mod on {
    use std::sync::Arc;
    use std::time::Duration;

    use fanzha::Problem;
    use fanzha::diffusion::{Opim, SeedSelection, SocialGraph};
    use fanzha::distributed::{self, Runtime};
    use fanzha::plan::Plan;
    use fanzha::uncertainty::{MonteCarlo, Uncertainty};

    /// The runtime of timely's arguments `args`; `None` when there are none (the ordinary
    /// one-process path).
    pub fn runtime(args: &[String]) -> Result<Option<Runtime>, String> {
        if args.is_empty() {
            return Ok(None);
        }
        let rt = Runtime::from_args(args.iter().cloned()).map_err(|e| e.to_string())?;
        quiet_timely_panics();
        // A dead peer is noticed at once (its connections close); a hung one after this long.
        let connect = std::env::var("FANZHA_CONNECT_SECONDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(60);
        let stall = std::env::var("FANZHA_STALL_SECONDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(600);
        Ok(Some(
            rt.stall(Duration::from_secs(stall))
                .connect(Duration::from_secs(connect))
                .on_connected(|p, n| {
                    crate::common::warn(format_args!("process {p} of {n}: cluster connected"))
                }),
        ))
    }

    /// Timely's threads panic when a peer's connection breaks (then the run ends with a
    /// clear `error:`): one line each instead of a backtrace.
    fn quiet_timely_panics() {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let thread = std::thread::current();
            match thread.name() {
                Some(name) if name.starts_with("timely") => {
                    let what = info
                        .payload()
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| info.payload().downcast_ref::<String>().cloned())
                        .unwrap_or_default();
                    crate::common::warn(format_args!("{name}: {what}"));
                }
                _ => default(info),
            }
        }));
    }

    /// Seed selection on the cluster; `None` on processes other than 0.
    pub fn select(
        rt: &Runtime,
        graph: &SocialGraph,
        opim: &Opim<'_>,
    ) -> Result<Option<SeedSelection>, String> {
        distributed::select_seeds(rt, Arc::new(graph.clone()), opim).map_err(|e| e.to_string())
    }

    /// `uncertainty::monte_carlo` on the cluster of `args` (or in this process if there are no
    /// such arguments). Processes other than 0 end here, quietly, with code 0: process 0 reports.
    pub fn monte_carlo(
        args: &[String],
        problem: &Problem,
        uncertainty: &Uncertainty,
        plan: &Plan,
    ) -> Result<MonteCarlo, String> {
        let Some(rt) = runtime(args)? else {
            return fanzha::uncertainty::monte_carlo(problem, uncertainty, plan)
                .map_err(|e| e.to_string());
        };
        let mc = distributed::monte_carlo(
            &rt,
            Arc::new(problem.clone()),
            Arc::new(uncertainty.clone()),
            Arc::new(plan.clone()),
        )
        .map_err(|e| e.to_string())?;
        match mc {
            Some(mc) => Ok(mc),
            None => std::process::exit(0),
        }
    }
}

/// Without the `distributed` feature: the one-process path, and a clear error for timely's
/// arguments.
#[cfg(not(feature = "distributed"))]
#[allow(unused_imports)]
pub use off::*;

#[cfg(not(feature = "distributed"))]
mod off {
    use fanzha::Problem;
    use fanzha::diffusion::{Opim, SeedSelection, SocialGraph};
    use fanzha::plan::Plan;
    use fanzha::uncertainty::{MonteCarlo, Uncertainty};

    /// Stands in for the runtime of the `distributed` feature.
    pub enum Runtime {}

    const OFF: &str = "timely's arguments need fanzha's `distributed` feature (on by default)";

    /// `None` without arguments; an error with them.
    pub fn runtime(args: &[String]) -> Result<Option<Runtime>, String> {
        if args.is_empty() {
            Ok(None)
        } else {
            Err(OFF.into())
        }
    }

    /// Never called: there is no runtime.
    pub fn select(
        rt: &Runtime,
        _graph: &SocialGraph,
        _opim: &Opim<'_>,
    ) -> Result<Option<SeedSelection>, String> {
        match *rt {}
    }

    /// The one-process Monte Carlo; an error with timely's arguments.
    pub fn monte_carlo(
        args: &[String],
        problem: &Problem,
        uncertainty: &Uncertainty,
        plan: &Plan,
    ) -> Result<MonteCarlo, String> {
        runtime(args)?;
        fanzha::uncertainty::monte_carlo(problem, uncertainty, plan).map_err(|e| e.to_string())
    }
}
