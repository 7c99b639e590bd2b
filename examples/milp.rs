//! Exports a compiled problem as a mixed-integer linear program (free MPS), for a side-by-side
//! with a MILP solver (`tools/highs/run.py`, HiGHS), and checks the export with fanzha's plan.
//!
//! ```text
//! cargo run --release --example milp -- --size prefecture --seed 1 --out out/1
//! cargo run --release --example milp -- --scenario my.json --out out/mine --strategy greedy
//! cargo run --release --example milp -- --size prefecture --seed 1 --out out/1 --plan other.json
//! ```
//!
//! The MILP (maximise; an outer approximation, so its optimum is an upper bound on fanzha's):
//!
//! - `x{a}`: integer units of arm `a`, `0..=ub_a` with `ub_a` the placement's capacity and,
//!   for each limited resource the arm draws on, what the limit buys after the arm's own fixed
//!   costs (valid for every feasible plan).
//! - `y{k}` binary setup of placement `k`; `z{m}` binary production of message `m`.
//! - `e{c}` absorbed exposures of cell `c`; `t{c}` in `[0, rho_c]` its risk reduction, with
//!   objective coefficient `A_c` (value at risk).
//! - Rows: `cap{k}`: `sum_a x_a <= min(U_k, sum ub_a) y_k` (capacity and setup);
//!   `prod{a}`: `x_a <= ub_a z_m`; `res{r}`: each limited resource (money, staff hours, each
//!   department's) with unit costs or hours on `x`, setup on `y` and production on `z`;
//!   `exp{c}`: `e_c = sum_a coef_a,c x_a`; `tan{c}_{j}`: `t_c <= r(E_j) + r'(E_j)(e_c - E_j)`,
//!   tangent planes of `r = rho (1 - exp(-e / kappa))` at `--planes` breakpoints `E_j` from 0
//!   to the most exposure the cell can get, spaced evenly in `exp(-E / (2 kappa))` (equal
//!   worst-case error between neighbours, at most `rho / (2 (n - 1)^2)`); `floor{j}`:
//!   `e_c >=` the exposure meeting the floor (at fanzha's tolerance).
//!
//! Writes into `--out`: `scenario.json` (for `plan --scenario ... --evaluate`), `model.mps`,
//! `columns.json` (the map from `x` columns to message and placement ids), `fanzha.json` (the
//! strategy's plan, or `--plan`'s, as a plan file) and `summary.json` (its value and time, the
//! certified bound and its time, the model's size, and the check: the plan as a fixed MILP
//! solution must meet every row and its MILP objective must be at least its true value; the
//! program exits with code 1 if not).
//!
//! Calendar problems are refused (the export is the one-period model).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use fanzha::core::{ArmId, CellId, MessageId, PlacementId, floor_threshold, slack};
use fanzha::generate::{self, Config};
use fanzha::optimize::bound;
use fanzha::prelude::*;
use fanzha::response;
use serde_json::json;

mod common;

/// Export a problem as a MILP (MPS) with a column map, and check it with fanzha's plan.
#[derive(Debug, Parser)]
struct Args {
    /// Generated size (with --seed): a `fanzha::generate::PRESETS` name, as `compare --sizes`.
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(generate::PRESETS))]
    size: Option<String>,
    /// Seed of the generated instance.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// A scenario file instead of a generated size.
    #[arg(long, value_name = "FILE", conflicts_with = "size")]
    scenario: Option<PathBuf>,
    /// Directory to write into (created).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Strategy whose plan checks the export and is reported.
    #[arg(long, value_name = "NAME", default_value = "greedy+ls")]
    strategy: String,
    /// Check and report this plan file instead of running --strategy.
    #[arg(long, value_name = "PLAN.json")]
    plan: Option<PathBuf>,
    /// Tangent planes per cell.
    #[arg(long, default_value_t = 24, value_parser = clap::value_parser!(u64).range(2..))]
    planes: u64,
}

/// A column: name, bounds, integrality, objective coefficient.
struct Col {
    name: String,
    lb: f64,
    ub: f64,
    integer: bool,
    obj: f64,
}

/// Row sense.
#[derive(Clone, Copy, PartialEq)]
enum Sense {
    Le,
    Ge,
    Eq,
}

/// A row: name, sense, right-hand side, entries (column index, coefficient).
struct Row {
    name: String,
    sense: Sense,
    rhs: f64,
    entries: Vec<(usize, f64)>,
}

/// The MILP and where each group of columns starts.
#[derive(Default)]
struct Milp {
    cols: Vec<Col>,
    rows: Vec<Row>,
    /// Column of `x{a}` is `a`; then `y`, `z`, then `e`/`t` per exported cell.
    y0: usize,
    z0: usize,
    /// `(cell, e column, t column if the cell has value)`.
    cells: Vec<(CellId, usize, Option<usize>)>,
    planes: usize,
}

impl Milp {
    fn col(&mut self, name: String, lb: f64, ub: f64, integer: bool, obj: f64) -> usize {
        self.cols.push(Col {
            name,
            lb,
            ub,
            integer,
            obj,
        });
        self.cols.len() - 1
    }

    fn row(&mut self, name: String, sense: Sense, rhs: f64, entries: Vec<(usize, f64)>) {
        self.rows.push(Row {
            name,
            sense,
            rhs,
            entries,
        });
    }
}

fn main() -> ExitCode {
    let args: Args = match common::parse(|c| c) {
        Ok(args) => args,
        Err(code) => return code,
    };
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => common::exit(Err(message)),
    }
}

/// The most units of arm `a` any feasible plan has.
fn arm_bound(problem: &Problem, a: ArmId) -> u64 {
    let arm = &problem.arms()[a.index()];
    let pl = problem.placement(arm.placement);
    let mut ub = pl.capacity as f64;
    for d in &arm.draws {
        let Some(limit) = problem.limits()[d.resource] else {
            continue;
        };
        let kind = problem.resources()[d.resource.index()];
        let mut fixed = 0.0;
        if d.placement && kind.pays_fixed_costs() {
            fixed += pl.setup_cost;
        }
        if d.message {
            fixed += problem.production_cost(arm.message);
        }
        let per = if d.placement {
            kind.per_unit(pl.unit_cost, pl.staff_hours)
        } else {
            0.0
        };
        if per > 0.0 {
            ub = ub.min(((slack(limit) - fixed) / per).floor().max(0.0));
        }
    }
    ub as u64
}

/// The MILP of `problem` with `planes` tangent planes per cell.
fn build(problem: &Problem, planes: usize) -> Milp {
    let mut m = Milp {
        planes,
        ..Milp::default()
    };
    let n_arms = problem.arms().len();
    let ub: Vec<u64> = ArmId::range(n_arms)
        .map(|a| arm_bound(problem, a))
        .collect();
    for (a, &u) in ub.iter().enumerate() {
        m.col(format!("x{a}"), 0.0, u as f64, true, 0.0);
    }
    m.y0 = m.cols.len();
    for k in 0..problem.placements().len() {
        m.col(format!("y{k}"), 0.0, 1.0, true, 0.0);
    }
    m.z0 = m.cols.len();
    for i in 0..problem.messages().len() {
        m.col(format!("z{i}"), 0.0, 1.0, true, 0.0);
    }
    linking_rows(problem, &mut m, &ub);
    resource_rows(problem, &mut m);
    cell_rows(problem, &mut m, &ub);
    m
}

/// `cap{k}` and `prod{a}`.
fn linking_rows(problem: &Problem, m: &mut Milp, ub: &[u64]) {
    for k in PlacementId::range(problem.placements().len()) {
        let arms = problem.arms_of_placement(k);
        if arms.is_empty() {
            continue;
        }
        let reach: u64 = arms.iter().map(|a| ub[a.index()]).sum();
        let big = problem.placement(k).capacity.min(reach) as f64;
        let mut entries: Vec<(usize, f64)> = arms.iter().map(|a| (a.index(), 1.0)).collect();
        entries.push((m.y0 + k.index(), -big));
        m.row(format!("cap{}", k.index()), Sense::Le, 0.0, entries);
    }
    for (a, arm) in problem.arms().iter().enumerate() {
        let z = m.z0 + arm.message.index();
        m.row(
            format!("prod{a}"),
            Sense::Le,
            0.0,
            vec![(a, 1.0), (z, -(ub[a] as f64))],
        );
    }
}

/// `res{r}` for each limited resource.
fn resource_rows(problem: &Problem, m: &mut Milp) {
    let st = problem.structure();
    for (r, &limit) in problem.limits().enumerate() {
        let Some(limit) = limit else { continue };
        let kind = st.resources[r.index()];
        let mut entries = Vec::new();
        for (k, info) in st.placements.iter().enumerate() {
            if !info.draws.contains(&r) {
                continue;
            }
            let pl = problem.placement(PlacementId::new(k));
            let per = kind.per_unit(pl.unit_cost, pl.staff_hours);
            if per != 0.0 {
                entries.extend(st.arms_of_placement[k].iter().map(|a| (a.index(), per)));
            }
            if kind.pays_fixed_costs() && pl.setup_cost != 0.0 {
                entries.push((m.y0 + k, pl.setup_cost));
            }
        }
        for (i, info) in st.messages.iter().enumerate() {
            let cost = problem.production_cost(MessageId::new(i));
            if info.draws.contains(&r) && cost != 0.0 {
                entries.push((m.z0 + i, cost));
            }
        }
        m.row(format!("res{}", r.index()), Sense::Le, limit, entries);
    }
}

/// The breakpoints of one cell: `n` points from 0 to `e_max`, even in `exp(-E / (2 kappa))`
/// (fewer if `e_max` is so large that the last ones are infinite).
fn breakpoints(scale: f64, e_max: f64, n: usize) -> Vec<f64> {
    let w_min = (-e_max / (2.0 * scale)).exp();
    (0..n)
        .map(|j| {
            let w = 1.0 - (1.0 - w_min) * j as f64 / (n - 1) as f64;
            (-2.0 * scale * w.ln()).max(0.0)
        })
        // Past the point where exp underflows the plane is `t <= rho`, the column's bound.
        .filter(|e| e.is_finite())
        .collect()
}

/// `exp{c}`, `tan{c}_{j}` and `floor{j}`, with the `e` and `t` columns.
fn cell_rows(problem: &Problem, m: &mut Milp, ub: &[u64]) {
    let n_cells = problem.cells().len();
    let mut terms: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n_cells];
    for a in ArmId::range(problem.arms().len()) {
        for (c, coef) in problem.absorbed(a) {
            terms[c.index()].push((a.index(), coef));
        }
    }
    let mut e_col = vec![None; n_cells];
    for (c, mut entries) in terms.into_iter().enumerate() {
        if entries.is_empty() {
            continue;
        }
        let cell = problem.cells()[c];
        let e_max: f64 = entries.iter().map(|&(a, coef)| coef * ub[a] as f64).sum();
        let e = m.col(format!("e{c}"), 0.0, f64::INFINITY, false, 0.0);
        e_col[c] = Some(e);
        for entry in &mut entries {
            entry.1 = -entry.1;
        }
        entries.push((e, 1.0));
        m.row(format!("exp{c}"), Sense::Eq, 0.0, entries);
        let value = problem.value_at_risk(CellId::new(c));
        let t = (value > 0.0 && cell.ceiling > 0.0 && e_max > 0.0).then(|| {
            let t = m.col(format!("t{c}"), 0.0, cell.ceiling, false, value);
            for (j, &ej) in breakpoints(cell.scale, e_max, m.planes).iter().enumerate() {
                let slope = cell.ceiling / cell.scale * (-ej / cell.scale).exp();
                let at = response::reduction(cell.ceiling, cell.scale, ej);
                m.row(
                    format!("tan{c}_{j}"),
                    Sense::Le,
                    at - slope * ej,
                    vec![(t, 1.0), (e, -slope)],
                );
            }
            t
        });
        m.cells.push((CellId::new(c), e, t));
    }
    for (j, fl) in problem.floors().iter().enumerate() {
        let cell = problem.cells()[fl.cell.index()];
        let need = response::exposure_for(
            cell.ceiling,
            cell.scale,
            floor_threshold(problem.floor_level(j)),
        )
        .unwrap_or(f64::INFINITY);
        match e_col[fl.cell.index()] {
            Some(e) => m.row(format!("floor{j}"), Sense::Ge, need, vec![(e, 1.0)]),
            None => m.row(format!("floor{j}"), Sense::Ge, need, Vec::new()),
        }
    }
}

/// Free MPS, maximising.
fn mps(m: &Milp, name: &str) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "NAME {}\nOBJSENSE\n    MAX\nROWS\n N obj",
        name.replace(' ', "_")
    );
    for r in &m.rows {
        let t = match r.sense {
            Sense::Le => "L",
            Sense::Ge => "G",
            Sense::Eq => "E",
        };
        let _ = writeln!(s, " {t} {}", r.name);
    }
    let mut by_col: Vec<Vec<(usize, f64)>> = vec![Vec::new(); m.cols.len()];
    for (i, r) in m.rows.iter().enumerate() {
        for &(c, v) in &r.entries {
            by_col[c].push((i, v));
        }
    }
    s.push_str("COLUMNS\n");
    let mut in_int = false;
    for (c, col) in m.cols.iter().enumerate() {
        if col.integer != in_int {
            let (marker, kind) = if col.integer {
                ("M1", "INTORG")
            } else {
                ("M2", "INTEND")
            };
            let _ = writeln!(s, " {marker} 'MARKER' '{kind}'");
            in_int = col.integer;
        }
        if col.obj != 0.0 {
            let _ = writeln!(s, " {} obj {}", col.name, col.obj);
        }
        for &(i, v) in &by_col[c] {
            let _ = writeln!(s, " {} {} {}", col.name, m.rows[i].name, v);
        }
        if col.obj == 0.0 && by_col[c].is_empty() {
            let _ = writeln!(s, " {} obj 0", col.name);
        }
    }
    if in_int {
        s.push_str(" M2 'MARKER' 'INTEND'\n");
    }
    s.push_str("RHS\n");
    for r in m.rows.iter().filter(|r| r.rhs != 0.0) {
        let rhs = if r.rhs.is_finite() { r.rhs } else { 1e30 };
        let _ = writeln!(s, " rhs {} {}", r.name, rhs);
    }
    s.push_str("BOUNDS\n");
    for col in &m.cols {
        if col.ub.is_finite() {
            let _ = writeln!(s, " UP bnd {} {}", col.name, col.ub);
        } else if col.integer {
            let _ = writeln!(s, " PL bnd {}", col.name);
        }
    }
    s.push_str("ENDATA\n");
    s
}

/// The plan as a MILP point: units, setups, productions, exposures and reductions (the
/// tightest plane, capped at the ceiling).
fn point(problem: &Problem, m: &Milp, plan: &Plan) -> Result<Vec<f64>, String> {
    let mut v = vec![0.0; m.cols.len()];
    let usage = plan.usage(problem).map_err(|e| e.to_string())?;
    for (a, &u) in plan.units().iter().enumerate() {
        v[a] = u as f64;
        if u > 0 {
            v[m.z0 + problem.arms()[a].message.index()] = 1.0;
        }
    }
    for (k, &u) in usage.placement_units.iter().enumerate() {
        v[m.y0 + k] = if u > 0 { 1.0 } else { 0.0 };
    }
    let absorbed = plan.absorbed(problem).map_err(|e| e.to_string())?;
    for &(c, e, t) in &m.cells {
        v[e] = absorbed[c.index()];
        if let Some(t) = t {
            v[t] = m.cols[t].ub;
        }
    }
    for r in &m.rows {
        // A tangent row `t - slope e <= rhs`: lower t to it.
        if let [(t, 1.0), (e, slope)] = r.entries[..]
            && r.name.starts_with("tan")
        {
            v[t] = v[t].min(r.rhs - slope * v[e]);
        }
    }
    Ok(v)
}

/// Rows `v` breaks (relative tolerance 1e-9), and its objective.
fn check(m: &Milp, v: &[f64]) -> (Vec<String>, f64) {
    let mut broken = Vec::new();
    for (col, &x) in m.cols.iter().zip(v) {
        if x < col.lb - 1e-9 || x > col.ub + 1e-9 {
            broken.push(format!("bound of {}", col.name));
        }
    }
    for r in &m.rows {
        let act: f64 = r.entries.iter().map(|&(c, a)| a * v[c]).sum();
        let tol = 1e-9 * r.rhs.abs().max(1.0);
        let ok = match r.sense {
            Sense::Le => act <= r.rhs + tol,
            Sense::Ge => act >= r.rhs - tol,
            Sense::Eq => (act - r.rhs).abs() <= tol,
        };
        if !ok {
            broken.push(format!("{} (activity {act}, rhs {})", r.name, r.rhs));
        }
    }
    let obj = m.cols.iter().zip(v).map(|(c, x)| c.obj * x).sum();
    (broken, obj)
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn run(args: &Args) -> Result<bool, String> {
    let scenario = match (
        &args.scenario,
        args.size.as_deref().and_then(Config::preset),
    ) {
        (Some(path), _) => Scenario::from_path(path).map_err(|e| e.to_string())?,
        (None, Some(config)) => generate::scenario(&config, args.seed),
        (None, None) => return Err("give --size (with --seed) or --scenario".into()),
    };
    let problem = scenario.compile().map_err(|e| e.to_string())?;
    if problem.structure().weeks.is_some() {
        return Err("a calendar problem: the export is the one-period model".into());
    }
    std::fs::create_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    write(
        &args.out.join("scenario.json"),
        &(scenario.to_json() + "\n"),
    )?;

    let started = Instant::now();
    let (plan, strategy) = match &args.plan {
        Some(path) => {
            let file = PlanReport::from_path(path).map_err(|e| e.to_string())?;
            let plan = file.plan(&problem).map_err(|e| e.to_string())?;
            (plan, file.strategy)
        }
        None => {
            let s = fanzha::strategy(&args.strategy).map_err(|e| format!("--strategy: {e}"))?;
            (
                s.plan(&problem).map_err(|e| e.to_string())?,
                s.name().to_string(),
            )
        }
    };
    let plan_seconds = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let bound = bound(&problem).map_err(|e| e.to_string())?;
    let bound_seconds = started.elapsed().as_secs_f64();
    let report = PlanReport::new(&problem, &strategy, &plan).map_err(|e| e.to_string())?;
    write(&args.out.join("fanzha.json"), &(report.to_json() + "\n"))?;
    let value = evaluate(&problem, &plan)
        .map_err(|e| e.to_string())?
        .prevented_loss;

    let milp = build(&problem, args.planes as usize);
    write(&args.out.join("model.mps"), &mps(&milp, problem.name()))?;
    let columns: Vec<_> = problem
        .arms()
        .iter()
        .enumerate()
        .map(|(a, arm)| {
            json!({"column": milp.cols[a].name,
                   "message": problem.messages()[arm.message.index()].id,
                   "placement": problem.placements()[arm.placement.index()].id})
        })
        .collect();
    let map = json!({"scenario": problem.name(), "arms": columns});
    write(&args.out.join("columns.json"), &(map.to_string() + "\n"))?;

    let (broken, milp_value) = check(&milp, &point(&problem, &milp, &plan)?);
    let feasible = plan
        .violations(&problem)
        .map_err(|e| e.to_string())?
        .is_empty();
    let ok = feasible && broken.is_empty() && milp_value >= value * (1.0 - 1e-12);
    let summary = json!({
        "scenario": problem.name(), "arms": problem.arms().len(),
        "columns": milp.cols.len(), "rows": milp.rows.len(), "planes_per_cell": milp.planes,
        "integer_columns": milp.cols.iter().filter(|c| c.integer).count(),
        "strategy": strategy, "value": value, "plan_seconds": plan_seconds,
        "bound": bound.value, "bound_seconds": bound_seconds,
        "plan_feasible": feasible, "milp_rows_broken": broken.len(),
        "milp_objective_of_plan": milp_value, "check_ok": ok,
    });
    write(
        &args.out.join("summary.json"),
        &(summary.to_string() + "\n"),
    )?;
    common::emit(&format!("{summary}\n"))?;
    for b in broken.iter().take(10) {
        common::warn(format_args!("breaks {b}"));
    }
    Ok(ok)
}
