//! `plan --html FILE [--lang zh|en]`: the planner's report as one self-contained page, with
//! the analyses of [`fanzha::analysis`] computed here and drawn by [`fanzha::report::html`].

use std::path::Path;

use fanzha::analysis::{self, DEFAULT_POINTS};
use fanzha::optimize::bound;
use fanzha::prelude::*;
use fanzha::report::html::{Lang, Page, html};
use fanzha::report::{Baseline, UncertaintyReport};
use fanzha::uncertainty::{Uncertainty, monte_carlo, sensitivity, versus};

/// Draws of the uncertainty section for the page when `--uncertainty` does not say.
const PAGE_DRAWS: usize = 1000;
/// Budgets of a calendar plan's frontier: each point plans and bounds the whole calendar
/// (about a second each for 12 weeks of Jurong, against milliseconds for a yearly plan).
const CALENDAR_POINTS: usize = 4;

/// `--lang`: `zh` or `en`.
pub fn parse_lang(text: &str) -> Result<Lang, String> {
    text.parse::<Lang>().map_err(|e| e.to_string())
}

/// What the page is made from.
pub struct Input<'a> {
    pub problem: &'a Problem,
    pub uncertainty: &'a Uncertainty,
    pub strategy: &'a dyn Strategy,
    pub baseline: &'a dyn Strategy,
    pub report: &'a PlanReport,
    pub plan: &'a Plan,
    /// The `--uncertainty` report, when asked for.
    pub uncertain: Option<&'a UncertaintyReport>,
}

/// Computes the analyses and writes the page to `path`.
pub fn write(input: &Input<'_>, lang: Lang, path: &Path) -> Result<(), String> {
    let problem = input.problem;
    let err = |what: &'static str| move |e: fanzha::Error| format!("--html: {what}: {e}");
    let mut report = input.report.clone();
    if report
        .outcome
        .as_ref()
        .is_some_and(|o| o.upper_bound.is_none())
    {
        let b = bound(problem).map_err(err("bound"))?;
        report.outcome = report.outcome.take().map(|o| o.with_bound(b.value));
    }
    let base_plan = input.baseline.plan(problem).map_err(err("baseline"))?;
    let base =
        Baseline::new(problem, input.baseline.name(), &base_plan).map_err(err("baseline"))?;
    let points = match problem.structure().weeks {
        Some(_) => CALENDAR_POINTS,
        None => DEFAULT_POINTS,
    };
    let budgets = analysis::default_budgets(problem, points);
    let frontier = analysis::frontier(problem, input.strategy, input.baseline, &budgets)
        .map_err(err("frontier"))?;
    let limits = analysis::limits(problem, input.plan).map_err(err("limits"))?;
    let siloed = if problem.departments().is_empty() {
        None
    } else {
        Some(analysis::siloed(problem, input.strategy, input.plan).map_err(err("siloed"))?)
    };
    let floors = analysis::floor_status(problem, input.plan).map_err(err("floors"))?;
    let prices =
        analysis::floor_prices(problem, input.strategy, input.plan).map_err(err("floor prices"))?;
    let drawn = match input.uncertain {
        Some(_) => None,
        None => draw(input, &base_plan)?,
    };
    let mut page = Page::new(problem, &report, input.plan, lang);
    page.baseline = Some(&base);
    page.frontier = Some(&frontier);
    page.limits = Some(&limits);
    page.siloed = siloed.as_ref();
    page.floors = Some(&floors);
    page.floor_prices = Some(&prices);
    page.uncertainty = input.uncertain.or(drawn.as_ref());
    let text = html(&page).map_err(err("page"))?;
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The plan over `PAGE_DRAWS` draws of the scenario's uncertainty section (none for a
/// calendar plan, whose targets are yearly cells, or a scenario without the section).
fn draw(input: &Input<'_>, base_plan: &Plan) -> Result<Option<UncertaintyReport>, String> {
    let problem = input.problem;
    if problem.structure().weeks.is_some() || input.uncertainty.entries.is_empty() {
        return Ok(None);
    }
    let seed = input.uncertainty.seed;
    let u = input.uncertainty.clone().with_draws(PAGE_DRAWS, seed);
    let err = |e: fanzha::Error| format!("--html: uncertainty: {e}");
    let mc = monte_carlo(problem, &u, input.plan).map_err(err)?;
    let vs = versus(problem, &u, input.plan, base_plan).map_err(err)?;
    let sens = sensitivity(problem, &u, input.plan, input.strategy).map_err(err)?;
    Ok(Some(UncertaintyReport::new(
        &u,
        &mc,
        Some((input.baseline.name(), &vs)),
        Some(&sens),
    )))
}
