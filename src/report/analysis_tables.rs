//! The analyses of [`crate::analysis`] as tables: the budget frontier, the target plan,
//! joint against siloed planning, and the price of each fairness floor.

use super::table::{Column, Table, Value};
use crate::analysis::{FloorPrice, Frontier, Goal, Siloed, TargetPlan};
use crate::problem::Problem;

/// The budget frontier: per budget the plan's value, the certified bound, the gap, the
/// baseline and what the last step of budget bought per yuan, with the knee marked.
///
/// # Example
///
/// ```
/// use fanzha::analysis::frontier;
/// use fanzha::report::{frontier_table, write_text};
/// use fanzha::{scenarios, Blanket, Greedy};
///
/// let problem = scenarios::jurong_2023().compile()?;
/// let f = frontier(&problem, &Greedy::default(), &Blanket, &[2e5, 4e5, 6e5])?;
/// let t = frontier_table(&f, problem.currency());
/// assert_eq!(t.rows.len(), 3);
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn frontier_table(f: &Frontier, currency: &str) -> Table {
    let mut t = Table::new(
        format!(
            "Budget frontier: `{}` against the certified bound and `{}`",
            f.strategy, f.baseline
        ),
        vec![
            Column::right("budget").with_unit(currency),
            Column::right("prevents").with_unit(currency),
            Column::right("bound").with_unit(currency),
            Column::right("gap"),
            Column::right(&f.baseline).with_unit(currency),
            Column::right("per extra yuan"),
            Column::left(""),
        ],
    );
    for (i, p) in f.points.iter().enumerate() {
        t.push(vec![
            Value::Money(p.budget),
            Value::or_missing(p.value, Value::Money),
            Value::or_missing(p.bound, Value::Money),
            Value::or_missing(p.gap(), |g| Value::share(g, 2)),
            Value::or_missing(p.baseline, Value::Money),
            Value::or_missing(p.marginal, |m| Value::number(m, 2)),
            Value::text(if f.knee == Some(i) { "<- knee" } else { "" }),
        ]);
    }
    t.note("(prevented loss a year; `-`: no plan meets the floors at that budget)");
    if let Some(k) = f.knee {
        t.note(format!(
            "The knee: past {} {currency} each extra yuan buys markedly less.",
            Value::Money(f.points[k].budget).to_text()
        ));
    }
    t
}

/// The cheapest plan for a goal and the certified floor under its cost.
///
/// # Example
///
/// ```
/// use fanzha::analysis::{cheapest_for, Goal};
/// use fanzha::report::target_table;
/// use fanzha::{scenarios, Greedy};
///
/// let problem = scenarios::jurong_2023().compile()?;
/// let t = cheapest_for(&problem, &Greedy::default(), Goal::Cases(100.0))?;
/// let table = target_table(&t, problem.currency());
/// assert!(table.row("spend").is_some());
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn target_table(t: &TargetPlan, currency: &str) -> Table {
    let goal = match t.goal {
        Goal::Cases(n) => format!("at least {n:.1} cases a year"),
        Goal::Loss(n) => format!(
            "at least {} {currency} of loss a year",
            Value::Money(n).to_text()
        ),
    };
    let mut table = Table::new(
        format!("Target: the cheapest plan preventing {goal}"),
        vec![Column::left(""), Column::right("")],
    );
    let mut row = |k: &str, v: Value| table.push(vec![Value::text(k), v]);
    row("spend", Value::Money(t.spend));
    row("money limit planned with", Value::Money(t.budget));
    row("prevented cases", Value::number(t.prevented_cases, 1));
    row("prevented loss", Value::Money(t.prevented_loss));
    row(
        "cheapest possible costs more than",
        Value::Money(t.cheapest_possible_above),
    );
    row("at most above the cheapest", Value::share(t.cost_gap(), 1));
    table.note(format!(
        "Certified: no plan spending {} {currency} or less reaches the goal (the bound at that \
         budget is below it), so this plan costs at most {} more than the cheapest possible.",
        Value::Money(t.cheapest_possible_above).to_text(),
        Value::share(t.cost_gap(), 1).to_text()
    ));
    table
}

/// Each department alone against the joint plan.
///
/// # Example
///
/// ```
/// use fanzha::analysis::siloed;
/// use fanzha::report::siloed_table;
/// use fanzha::{scenarios, Greedy, Strategy};
///
/// let problem = scenarios::jurong_2023().compile()?;
/// let joint = Greedy::default().plan(&problem)?;
/// let s = siloed(&problem, &Greedy::default(), &joint)?;
/// let t = siloed_table(&s, problem.currency());
/// assert_eq!(t.rows.len(), problem.departments().len() + 2);
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn siloed_table(s: &Siloed, currency: &str) -> Table {
    let mut t = Table::new(
        "Joint against siloed (各自为战): each department alone with its own budget, channels and messages",
        vec![
            Column::left("plan"),
            Column::right("money").with_unit(currency),
            Column::right("spend").with_unit(currency),
            Column::right("prevents").with_unit(currency),
            Column::right("cases"),
        ],
    );
    for d in &s.per_department {
        t.push(vec![
            Value::text(format!("{} alone", d.department)),
            Value::or_missing(d.money, Value::Money),
            Value::Money(d.spend),
            Value::Money(d.value_alone),
            Value::number(d.cases_alone, 1),
        ]);
    }
    t.push(vec![
        Value::text("all departments, each alone"),
        Value::Missing,
        Value::Money(s.siloed_spend),
        Value::Money(s.siloed_total),
        Value::number(s.siloed_cases, 1),
    ]);
    t.push(vec![
        Value::text("one joint plan"),
        Value::Missing,
        Value::Money(s.joint_spend),
        Value::Money(s.joint),
        Value::number(s.joint_cases, 1),
    ]);
    t.note(format!(
        "Planning together prevents {} {currency} a year more ({} of the siloed total).",
        Value::Money(s.value_of_planning_together).to_text(),
        Value::share(
            s.value_of_planning_together / s.siloed_total.max(f64::MIN_POSITIVE),
            1
        )
        .to_text()
    ));
    t.note(format!(
        "(each alone: values overlap, so the departments together prevent less than the sum; \
         {} arms need two departments; the silos meet {} of {} floor targets{})",
        s.shared_arms,
        s.siloed_floors_met,
        s.floors,
        if s.siloed_over_money {
            ", and together spend more than the overall budget"
        } else {
            ""
        }
    ));
    t
}

/// What each fairness floor costs.
///
/// # Example
///
/// ```
/// use fanzha::analysis::floor_prices;
/// use fanzha::report::floor_price_table;
/// use fanzha::{scenarios, Greedy, Strategy};
///
/// let problem = scenarios::jurong_2023().compile()?;
/// let plan = Greedy::default().plan(&problem)?;
/// let prices = floor_prices(&problem, &Greedy::default(), &plan)?;
/// assert_eq!(floor_price_table(&problem, &prices).rows.len(), 2);
/// # Ok::<(), fanzha::Error>(())
/// ```
pub fn floor_price_table(problem: &Problem, prices: &[FloorPrice]) -> Table {
    let cur = problem.currency();
    if prices.is_empty() {
        return Table::new("Price of the fairness floors: no floors", Vec::new());
    }
    let mut t = Table::new(
        "Price of each fairness floor (prevented loss given up to meet it)",
        vec![
            Column::left("floor"),
            Column::right("targets"),
            Column::right("with").with_unit(cur),
            Column::right("without").with_unit(cur),
            Column::right("price").with_unit(cur),
            Column::right("at most").with_unit(cur),
        ],
    );
    for p in prices {
        t.push(vec![
            Value::text(format!(
                "{} / {} >= {}",
                p.groups.join(","),
                p.threats.join(","),
                Value::share(p.min_reduction, 0).to_text()
            )),
            Value::Count(p.targets as u64),
            Value::Money(p.value_with),
            Value::Money(p.value_without),
            Value::Money(p.price),
            Value::or_missing(p.price_at_most, Value::Money),
        ]);
    }
    t.note(
        "(price: re-planned without the floor, the others kept, also from the plan with it; \
         at most: certified, the bound without the floor less the plan with it)",
    );
    t
}
