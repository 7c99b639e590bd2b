//! Throughput of the distributed module on 1 and 2 worker threads and 2 loopback processes
//! (ignored: a study, not a check; run it yourself, in release, on a quiet machine):
//!
//! ```text
//! cargo test --release --test distributed_scale -- --ignored --nocapture scale_report
//! ```
//!
//! Every configuration runs in child processes of this test binary; timely's workers each
//! get a one-thread rayon pool (`Runtime::worker_pool(1)`), so they are the only
//! parallelism. The one-process functions are shown on rayon's default pool (all cores) and
//! with `RAYON_NUM_THREADS=1`, for reference. Each line gives the
//! job (graph size, seeds, RR sets; draws), the configuration, the wall time of the work
//! (graph generation excluded) and the throughput; the results are checked equal.

#![cfg(feature = "distributed")]

use std::net::TcpListener;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::Instant;

use fanzha::diffusion::{Opim, Probability, chung_lu};
use fanzha::distributed::{self, Runtime};
use fanzha::{Greedy, Strategy, scenarios};

/// The word-of-mouth job: a Chung-Lu graph (nodes, edges) and seeds.
const NODES: usize = 1_000_000;
const EDGES: usize = 10_000_000;
const K: usize = 100;
/// The Monte Carlo job: draws of the built-in scenario's uncertainty section.
const DRAWS: usize = 100_000;

/// Runs one job in this process: `FANZHA_SCALE_JOB` (seeds | mc), timely's arguments in
/// `FANZHA_SCALE_ARGS` (empty: the one-process function). Prints `SCALE seconds digest`.
#[test]
#[ignore = "a child of scale_report"]
fn scale_child() {
    let Ok(job) = std::env::var("FANZHA_SCALE_JOB") else {
        return;
    };
    let args: Vec<String> = std::env::var("FANZHA_SCALE_ARGS")
        .unwrap_or_default()
        .split_whitespace()
        .map(String::from)
        .collect();
    // One rayon thread per worker: timely's workers are the parallelism.
    let rt =
        (!args.is_empty()).then(|| Runtime::from_args(args.into_iter()).unwrap().worker_pool(1));
    let (seconds, digest) = match job.as_str() {
        "seeds" => {
            let g = Arc::new(chung_lu(NODES, EDGES, 2.5, Probability::WeightedCascade, 1).unwrap());
            let opim = Opim::new(K).epsilon(0.01).seed(2);
            let start = Instant::now();
            let sel = match &rt {
                None => Some(opim.run(&g).unwrap()),
                Some(rt) => distributed::select_seeds(rt, g, &opim).unwrap(),
            };
            let t = start.elapsed().as_secs_f64();
            (
                t,
                sel.map(|s| format!("{:?} {} {}", s.seeds, s.spread, s.rr_sets)),
            )
        }
        _ => {
            let (problem, u) = scenarios::jurong_2023().compile_uncertain().unwrap();
            let plan = Greedy::default().plan(&problem).unwrap();
            let u = u.with_draws(DRAWS, 1);
            let start = Instant::now();
            let mc = match &rt {
                None => Some(fanzha::uncertainty::monte_carlo(&problem, &u, &plan).unwrap()),
                Some(rt) => {
                    distributed::monte_carlo(rt, Arc::new(problem), Arc::new(u), Arc::new(plan))
                        .unwrap()
                }
            };
            let t = start.elapsed().as_secs_f64();
            (t, mc.map(|m| format!("{:?}", m.prevented_loss)))
        }
    };
    println!("SCALE {seconds} {}", digest.unwrap_or_default());
}

fn child(job: &str, args: &str, rayon: Option<&str>) -> std::process::Child {
    let mut c = Command::new(std::env::current_exe().unwrap());
    c.args([
        "--ignored",
        "--exact",
        "scale_child",
        "--nocapture",
        "--test-threads",
        "1",
    ])
    .env("FANZHA_SCALE_JOB", job)
    .env("FANZHA_SCALE_ARGS", args)
    .stdout(Stdio::piped())
    .stderr(Stdio::inherit());
    match rayon {
        Some(n) => c.env("RAYON_NUM_THREADS", n),
        None => c.env_remove("RAYON_NUM_THREADS"),
    };
    c.spawn().unwrap()
}

/// `(seconds, digest)` from a child's output (the digest is empty on processes other than 0).
fn parse(out: Output) -> (f64, String) {
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text
        .lines()
        .find_map(|l| l.split_once("SCALE ").map(|(_, rest)| rest))
        .expect("a SCALE line");
    let mut parts = line.splitn(2, ' ');
    let t = parts.next().unwrap().parse().unwrap();
    (t, parts.next().unwrap_or("").to_string())
}

#[test]
#[ignore = "a study: run it in release on a quiet machine"]
fn scale_report() {
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average at start: {}", load.trim());
    for (job, size, units) in [
        (
            "seeds",
            format!("Chung-Lu {NODES} nodes, {EDGES} edges, weighted cascade, k = {K}, eps 0.01"),
            "RR sets",
        ),
        ("mc", format!("Jurong 2023, {DRAWS} draws"), "draws"),
    ] {
        let mut reference: Option<String> = None;
        for (label, args, rayon) in [
            ("one-process function, rayon default pool", "", None),
            ("one-process function, 1 rayon thread", "", Some("1")),
            ("timely 1 process x 1 worker", "-w 1", None),
            ("timely 1 process x 2 workers", "-w 2", None),
            ("timely 2 processes x 1 worker", "2p", None),
        ] {
            let (seconds, digest) = if args == "2p" {
                let ports: Vec<u16> = (0..2)
                    .map(|_| TcpListener::bind("127.0.0.1:0").unwrap())
                    .map(|l| l.local_addr().unwrap().port())
                    .collect();
                let hosts = std::env::temp_dir().join(format!("fanzha-scale-{}.txt", ports[0]));
                std::fs::write(
                    &hosts,
                    format!("127.0.0.1:{}\n127.0.0.1:{}\n", ports[0], ports[1]),
                )
                .unwrap();
                let h = hosts.display();
                let p0 = child(job, &format!("-n 2 -p 0 -h {h}"), rayon);
                let p1 = child(job, &format!("-n 2 -p 1 -h {h}"), rayon);
                let r0 = parse(p0.wait_with_output().unwrap());
                let r1 = parse(p1.wait_with_output().unwrap());
                let _ = std::fs::remove_file(&hosts);
                (r0.0.max(r1.0), r0.1)
            } else {
                parse(child(job, args, rayon).wait_with_output().unwrap())
            };
            match &reference {
                None => reference = Some(digest.clone()),
                Some(r) => assert_eq!(r, &digest, "{job}: {label} gives another result"),
            }
            let count: f64 = if job == "seeds" {
                digest.rsplit(' ').next().unwrap().parse().unwrap()
            } else {
                DRAWS as f64
            };
            println!(
                "{job:5} | {size} | {label:42} | {seconds:7.2} s | {:10.0} {units}/s",
                count / seconds
            );
        }
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average at end: {}", load.trim());
}
