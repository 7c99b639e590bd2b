use std::time::Instant;
fn main() -> Result<(), fanzha::Error> {
    let yearly = fanzha::scenarios::jurong_2023().compile()?;
    let mut pp = yearly.parameters().clone();
    for f in &mut pp.floors {
        *f = 0.005;
    }
    let yearly = yearly.with_parameters(pp)?;
    for weeks in std::env::args()
        .skip(1)
        .map(|a| a.parse::<usize>().unwrap())
    {
        let mut cal = fanzha::calendar::Calendar::new(&yearly, weeks, 1, 0.5)?;
        for (c, ch) in yearly.channels().iter().enumerate() {
            if ch.id.contains("lecture") || ch.id == "door" || ch.id == "stall" {
                cal.retention[c] = 0.8;
            }
            if ch.id == "douyin" || ch.id == "operator" {
                cal.retention[c] = 0.3;
            }
        }
        cal.staff_hours_per_week = Some(7000.0 / 52.0);
        let t0 = Instant::now();
        let p = cal.unroll(&yearly)?;
        let nnz: usize = p.arms().iter().map(|a| a.cells.len()).sum();
        let t1 = Instant::now();
        let plan = fanzha::strategy("greedy")?.plan(&p)?;
        let t2 = Instant::now();
        println!(
            "weeks {weeks}: arms {} cells {} nnz {nnz} unroll {:?} greedy {:?}",
            p.arms().len(),
            p.cells().len(),
            t1 - t0,
            t2 - t1
        );
        if std::env::var("NOBOUND").is_ok() {
            continue;
        }
        let v = fanzha::evaluate(&p, &plan)?.prevented_loss;
        let b = fanzha::optimize::bound(&p)?;
        let t3 = Instant::now();
        println!(
            "weeks {weeks}: arms {} cells {} nnz {nnz} unroll {:?} greedy {:?} bound {:?} value {v} bound {:?}",
            p.arms().len(),
            p.cells().len(),
            t1 - t0,
            t2 - t1,
            t3 - t2,
            b
        );
    }
    Ok(())
}
