//! The planner's report as one self-contained HTML page (inline CSS and SVG, no script, no
//! external URL, no web font), in Chinese or English.
//!
//! ```text
//! Problem + PlanReport + Plan (+ analyses, uncertainty) ─Page→ html() → String
//! ```
//!
//! A [`Page`] holds the plan and whatever analyses the caller computed (each optional: a
//! section whose data is missing says so or is left out). Fixed strings come from one table
//! ([`Lang::strings`]); the scenario's names (groups, threats, channels, placements,
//! messages, departments) are shown as written and escaped everywhere, so a name such as
//! `<script>` is text on the page, never markup. Charts are typed [`Svg`](super::svg::Svg)
//! values.
//!
//! # Example
//!
//! ```
//! use fanzha::report::html::{html, Lang, Page};
//! use fanzha::{scenarios, Greedy, PlanReport, Strategy};
//!
//! let problem = scenarios::jurong_2023().compile()?;
//! let plan = Greedy::default().plan(&problem)?;
//! let report = PlanReport::new(&problem, "greedy", &plan)?;
//! let page = html(&Page::new(&problem, &report, &plan, Lang::Zh))?;
//! assert!(page.starts_with("<!DOCTYPE html>"));
//! assert!(page.contains("各部门任务清单"));
//! assert!(!page.contains("<script") && !page.contains("http://") && !page.contains("https://"));
//! # Ok::<(), fanzha::Error>(())
//! ```

mod charts;
mod doc;
mod figures;
mod i18n;
mod sections;

pub use i18n::{Lang, Strings};

use crate::analysis::{FloorPrice, FloorStatus, Frontier, Limits, Siloed};
use crate::error::Error;
use crate::evaluate::{Outcome, evaluate};
use crate::plan::Plan;
use crate::problem::Problem;
use crate::report::{Baseline, PlanReport, UncertaintyReport};
use doc::Html;

/// What the page shows: the plan, and the analyses computed for it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Page<'a> {
    /// The problem planned.
    pub problem: &'a Problem,
    /// The plan file (its strategy name, and its outcome with the bound when computed).
    pub report: &'a PlanReport,
    /// The plan.
    pub plan: &'a Plan,
    /// Language of the fixed strings.
    pub lang: Lang,
    /// Today's practice at the same limits, for the KPIs.
    pub baseline: Option<&'a Baseline>,
    /// The budget frontier.
    pub frontier: Option<&'a Frontier>,
    /// Use and slack of the limits.
    pub limits: Option<&'a Limits>,
    /// Joint against siloed planning.
    pub siloed: Option<&'a Siloed>,
    /// Each fairness floor's status.
    pub floors: Option<&'a [FloorStatus]>,
    /// What each fairness floor costs.
    pub floor_prices: Option<&'a [FloorPrice]>,
    /// The plan over draws of the uncertainty section.
    pub uncertainty: Option<&'a UncertaintyReport>,
}

impl<'a> Page<'a> {
    /// A page of the plan alone; set the other fields to add the analyses.
    pub fn new(problem: &'a Problem, report: &'a PlanReport, plan: &'a Plan, lang: Lang) -> Self {
        Page {
            problem,
            report,
            plan,
            lang,
            baseline: None,
            frontier: None,
            limits: None,
            siloed: None,
            floors: None,
            floor_prices: None,
            uncertainty: None,
        }
    }
}

/// What the sections share: the page, its strings and the plan's outcome.
pub(crate) struct Ctx<'a> {
    pub page: &'a Page<'a>,
    pub s: &'static Strings,
    pub outcome: Outcome,
}

impl Ctx<'_> {
    /// The currency as shown: `元` in Chinese for yuan.
    pub fn currency(&self) -> String {
        let c = self.page.problem.currency();
        match (self.page.lang, c.to_ascii_uppercase().as_str()) {
            (Lang::Zh, "CNY" | "RMB" | "YUAN") => "元".into(),
            _ => c.to_string(),
        }
    }

    /// A threat's name from its id.
    pub fn threat_name(&self, id: &str) -> String {
        self.page
            .problem
            .threats()
            .iter()
            .find(|t| t.id == id)
            .map_or(id.to_string(), |t| t.name.clone())
    }
}

/// The style sheet (fixed, inline).
const STYLE: &str = "<style>\
body{font-family:system-ui,-apple-system,'Segoe UI','Noto Sans CJK SC','Noto Sans SC',\
'Source Han Sans SC','PingFang SC','Microsoft YaHei','WenQuanYi Micro Hei',sans-serif;\
margin:0 auto;max-width:900px;padding:16px 24px;color:#222;line-height:1.45}\
h1{font-size:24px;margin:8px 0 2px}h2{font-size:19px;margin:28px 0 6px;\
border-bottom:2px solid #1f5fa8;padding-bottom:3px}h3{font-size:16px;margin:16px 0 4px}\
.sub{color:#555;margin:0 0 12px}.kpis{display:flex;flex-wrap:wrap;gap:10px}\
.kpi{flex:1 1 190px;border:1px solid #d6dde8;border-radius:6px;padding:8px 12px;background:#f7f9fc}\
.kpi .v{font-size:21px;font-weight:bold;color:#1f5fa8}.kpi .l{font-size:13px;color:#555}\
.kpi .d{font-size:12px;color:#666}table{border-collapse:collapse;width:100%;font-size:13px;margin:6px 0}\
th{background:#eef2f8;text-align:left;padding:4px 6px;border-bottom:1px solid #ccd}\
td{padding:3px 6px;border-bottom:1px solid #eee}td.n{text-align:right;white-space:nowrap}td.k{white-space:nowrap}\
.bind{color:#b03a48;font-weight:bold}.note{color:#555;font-size:13px}\
figure{margin:10px 0}figcaption{font-size:12px;color:#555}svg{display:block;max-width:100%;height:auto}\
footer{margin-top:30px;font-size:12px;color:#777}\
@media print{body{max-width:none}h2{break-after:avoid}figure,table{break-inside:avoid}}\
</style>";

/// The page as HTML.
///
/// # Errors
///
/// [`Error::Mismatch`] if the plan (or the report's allocations) do not fit the problem.
pub fn html(page: &Page<'_>) -> Result<String, Error> {
    let outcome = match &page.report.outcome {
        Some(o) => o.clone(),
        None => evaluate(page.problem, page.plan)?,
    };
    page.plan.usage(page.problem)?;
    let ctx = Ctx {
        page,
        s: page.lang.strings(),
        outcome,
    };
    let mut h = Html::default();
    h.fixed("<!DOCTYPE html>");
    h.open("html", &[("lang", page.lang.code())]);
    h.open("head", &[]);
    h.fixed("<meta charset=\"utf-8\">");
    h.fixed("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    let title = format!("{} — {}", page.problem.name(), ctx.s.title);
    h.el("title", &[], &title);
    h.fixed(STYLE);
    h.close("head");
    h.open("body", &[]);
    sections::header(&mut h, &ctx);
    sections::kpis(&mut h, &ctx);
    sections::tasks(&mut h, &ctx)?;
    sections::limits(&mut h, &ctx);
    figures::frontier(&mut h, &ctx);
    figures::spend(&mut h, &ctx);
    figures::heat(&mut h, &ctx);
    figures::response(&mut h, &ctx)?;
    figures::calendar(&mut h, &ctx);
    figures::uncertainty(&mut h, &ctx);
    sections::floors(&mut h, &ctx);
    sections::siloed(&mut h, &ctx);
    h.el("footer", &[], ctx.s.footer);
    h.close("body");
    h.close("html");
    Ok(h.finish())
}

/// Writes the page to `out`.
///
/// # Errors
///
/// The errors of [`html`] (as [`std::io::Error::other`]) and those of `out`.
pub fn write_html(out: &mut impl std::io::Write, page: &Page<'_>) -> std::io::Result<()> {
    let text = html(page).map_err(std::io::Error::other)?;
    out.write_all(text.as_bytes())
}
