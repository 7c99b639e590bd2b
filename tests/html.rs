//! The HTML report as text (no browser): self-contained, escaped, in both languages, with
//! the sections its data allows.

mod common;

use common::{TempFile, assert_clean_error, run_example};
use fanzha::analysis;
use fanzha::calendar::{Calendar, FloorsEvery};
use fanzha::report::html::{Lang, Page, html};
use fanzha::{Blanket, Greedy, PlanReport, Problem, Strategy, scenarios};

fn page_of(problem: &Problem, lang: Lang, with_analyses: bool) -> String {
    let plan = Greedy::default().plan(problem).unwrap();
    let report = PlanReport::new(problem, "greedy", &plan).unwrap();
    let limits = analysis::limits(problem, &plan).unwrap();
    let floors = analysis::floor_status(problem, &plan).unwrap();
    let frontier = analysis::frontier(problem, &Greedy::default(), &Blanket, &[2e5, 4e5]).unwrap();
    let mut page = Page::new(problem, &report, &plan, lang);
    if with_analyses {
        page.limits = Some(&limits);
        page.floors = Some(&floors);
        page.frontier = Some(&frontier);
    }
    html(&page).unwrap()
}

/// No script, no external URL, no stylesheet or font link: one self-contained file.
fn assert_self_contained(page: &str) {
    let lower = page.to_lowercase();
    for bad in [
        "<script", "http://", "https://", "<link", "@import", "url(", "<img", "<iframe",
    ] {
        assert!(!lower.contains(bad), "page contains {bad:?}");
    }
}

#[test]
fn scenario_names_are_escaped_everywhere() {
    let mut s = scenarios::jurong_2023();
    s.name = "<script>alert('name')</script>".into();
    s.threats[0].name = "<img src=x onerror=alert(1)>".into();
    s.channels[0].name = "\"><script>alert(2)</script>".into();
    let problem = s.compile().unwrap();
    let page = page_of(&problem, Lang::En, true);
    assert_self_contained(&page);
    assert!(page.contains("&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;"));
    assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!page.contains("<img"));
}

#[test]
fn chinese_and_english_pages_use_their_labels_and_the_scenario_names() {
    let problem = scenarios::jurong_2023().compile().unwrap();
    let zh = page_of(&problem, Lang::Zh, true);
    let en = page_of(&problem, Lang::En, true);
    assert_self_contained(&zh);
    assert!(zh.contains("<html lang=\"zh-CN\">") && en.contains("<html lang=\"en\">"));
    for label in [
        "各部门任务清单",
        "预算前沿",
        "风险降幅",
        "公平底线",
        "资源上限",
    ] {
        assert!(zh.contains(label), "zh page lacks {label}");
        assert!(!en.contains(label), "en page has {label}");
    }
    for label in [
        "Tasks by department",
        "Budget frontier",
        "Fairness floors",
        "Limits",
    ] {
        assert!(en.contains(label), "en page lacks {label}");
    }
    // Threat names (not only ids) and every department appear in both.
    for t in problem.threats() {
        assert!(
            zh.contains(&t.name) && en.contains(&t.name),
            "{} missing",
            t.name
        );
    }
    for d in problem.departments() {
        assert!(
            zh.contains(&format!("<h3>{}</h3>", d.id)),
            "{} has no task list",
            d.id
        );
    }
}

#[test]
fn sections_without_data_are_left_out_or_say_why() {
    let problem = scenarios::jurong_2023().compile().unwrap();
    let bare = page_of(&problem, Lang::En, false);
    assert!(!bare.contains("Budget frontier") && !bare.contains("<h2>Limits</h2>"));
    assert!(
        bare.contains("Not computed"),
        "no word on the missing uncertainty"
    );
    assert!(
        bare.contains("--weeks N"),
        "a yearly page says how to get a calendar"
    );
    assert!(
        bare.matches("<svg").count() >= 4,
        "spend, heat map and response charts"
    );
}

#[test]
fn a_calendar_plan_shows_its_week_by_channel_calendar() {
    let yearly = scenarios::jurong_2023().compile().unwrap();
    let mut calendar = Calendar::new(&yearly, 3, 45, 0.5).unwrap();
    calendar.floors_every = FloorsEvery::None;
    let weekly = calendar.unroll(&yearly).unwrap();
    let page = page_of(&weekly, Lang::Zh, false);
    assert_self_contained(&page);
    assert!(page.contains("日历：每周各渠道投入"));
    assert!(
        !page.contains("--weeks N"),
        "a calendar page is not called yearly"
    );
    for w in 45..48 {
        assert!(page.contains(&format!(">{w}周<")), "week {w} missing");
    }
    assert!(page.contains("日历方案不抽样"));
}

#[test]
fn a_plan_of_another_problem_is_an_error_not_a_page() {
    let problem = scenarios::jurong_2023().compile().unwrap();
    let plan = Greedy::default().plan(&problem).unwrap();
    let report = PlanReport::new(&problem, "greedy", &plan).unwrap();
    let other = fanzha::generate::scenario(&fanzha::generate::Config::tiny(), 1)
        .compile()
        .unwrap();
    assert_ne!(other.arms().len(), problem.arms().len());
    assert!(html(&Page::new(&other, &report, &plan, Lang::En)).is_err());
}

#[test]
fn plan_html_writes_the_whole_page_and_refuses_an_unknown_language() {
    let file = TempFile::new("html", "report.html");
    let path = file.path().to_str().unwrap();
    let out = run_example("plan", &["--html", path, "--lang", "zh"]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let page = std::fs::read_to_string(file.path()).unwrap();
    assert_self_contained(&page);
    for section in [
        "预算前沿",
        "不确定假设下的范围",
        "哪些假设影响最大",
        "联合规划",
        "每条底线的代价",
    ] {
        assert!(page.contains(section), "the page lacks {section}");
    }
    // The tornado's rows name the assumptions in Chinese too (Jurong draws ceilings and
    // scales), not the English labels of the uncertainty module.
    let tornado = &page[page.find("哪些假设影响最大").unwrap()..];
    assert!(tornado.contains("效果上限"), "tornado rows in Chinese");
    assert!(
        !tornado.contains(">ceiling"),
        "an English row label is left"
    );
    let out = run_example("plan", &["--html", path, "--lang", "fr"]);
    assert_clean_error(&out, &["--lang", "fr"]);
}
