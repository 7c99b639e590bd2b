//! The `seeds` and `plan --uncertainty` examples on loopback clusters: 1 process x 2 threads
//! and 2 processes x 1 thread print the same results as one thread; killing one process makes
//! the other exit non-zero within 30 s; a cluster that never forms gives up in time.
//!
//! Each test picks free ports on 127.0.0.1 and runs every process under a timeout. Run
//! `cargo build --examples` first when running this file alone.

#![cfg(feature = "distributed")]

mod common;

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Longest any process of these tests may run.
const LIMIT: Duration = Duration::from_secs(120);

/// A hostfile of `processes` free loopback ports (bound, read, released).
fn hostfile(test: &str, processes: usize) -> common::TempFile {
    let listeners: Vec<TcpListener> = (0..processes)
        .map(|_| TcpListener::bind("127.0.0.1:0").expect("a free loopback port"))
        .collect();
    let lines: String = listeners
        .iter()
        .map(|l| format!("127.0.0.1:{}\n", l.local_addr().expect("bound").port()))
        .collect();
    drop(listeners);
    common::TempFile::with(test, "hosts.txt", &lines)
}

fn spawn(example: &str, args: &[String]) -> Child {
    Command::new(common::example_exe(example))
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .env("FANZHA_CONNECT_SECONDS", "60")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the example starts")
}

/// Waits for `child` at most until `deadline`, killing it past that (then panics).
fn finish(mut child: Child, deadline: Instant) -> Output {
    loop {
        if child.try_wait().expect("waitable").is_some() {
            return child.wait_with_output().expect("output");
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().expect("output");
            panic!(
                "a process ran past its time limit; stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn with(base: &[&str], timely: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = base.iter().map(|s| s.to_string()).collect();
    if !timely.is_empty() {
        v.push("--".into());
        v.extend(timely.iter().map(|s| s.to_string()));
    }
    v
}

/// Process 0's stdout for `example base -- timely` on `processes` processes of 1 thread
/// (or one process with `timely` as given when `processes` is 1).
fn cluster_stdout(test: &str, example: &str, base: &[&str], processes: usize) -> String {
    let deadline = Instant::now() + LIMIT;
    let hosts = hostfile(test, processes);
    let n = processes.to_string();
    let children: Vec<Child> = (0..processes)
        .map(|p| {
            let p = p.to_string();
            let h = hosts.shown();
            spawn(
                example,
                &with(base, &["-n", &n, "-p", &p, "-h", h.as_str()]),
            )
        })
        .collect();
    let outs: Vec<Output> = children.into_iter().map(|c| finish(c, deadline)).collect();
    for (p, out) in outs.iter().enumerate() {
        assert_eq!(
            out.status.code(),
            Some(0),
            "process {p}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for out in &outs[1..] {
        assert!(out.stdout.is_empty(), "only process 0 prints");
    }
    String::from_utf8(outs[0].stdout.clone()).expect("UTF-8")
}

fn local_stdout(example: &str, args: &[String]) -> String {
    let out = finish(spawn(example, args), Instant::now() + LIMIT);
    common::ok(&out)
}

/// The JSON without its timings.
fn untimed(text: &str) -> Value {
    let mut v: Value = serde_json::from_str(text).expect("JSON on stdout");
    if let Value::Object(map) = &mut v {
        map.retain(|k, _| !k.ends_with("seconds"));
    }
    v
}

#[test]
fn seeds_are_the_same_on_one_thread_two_threads_and_two_processes() {
    let base = ["--k", "8", "--samples", "300", "--json"];
    let one = untimed(&local_stdout("seeds", &with(&base, &[])));
    assert!(
        one["seeds"].as_array().is_some_and(|s| s.len() == 8),
        "{one}"
    );
    let threads = untimed(&local_stdout("seeds", &with(&base, &["-w", "2"])));
    assert_eq!(threads, one, "1 process x 2 threads");
    let processes = untimed(&cluster_stdout("seeds_2p", "seeds", &base, 2));
    assert_eq!(processes, one, "2 processes x 1 thread");
    // The default: grid workers under a staff-hour budget (a knapsack).
    let base = ["--samples", "300", "--json"];
    let one = untimed(&local_stdout("seeds", &with(&base, &[])));
    let threads = untimed(&local_stdout("seeds", &with(&base, &["-w", "2"])));
    assert_eq!(threads, one, "knapsack, 1 process x 2 threads");
    let processes = untimed(&cluster_stdout("seeds_2p_knapsack", "seeds", &base, 2));
    assert_eq!(processes, one, "knapsack, 2 processes x 1 thread");
}

#[test]
fn monte_carlo_quantiles_are_the_same_on_one_thread_two_threads_and_two_processes() {
    let base = ["--uncertainty", "40", "--json"];
    let one = local_stdout("plan", &with(&base, &[]));
    let parsed: Value = serde_json::from_str(&one).expect("plan JSON");
    assert!(
        parsed.to_string().contains("p95"),
        "the plan file has the Monte Carlo quantiles"
    );
    assert_eq!(local_stdout("plan", &with(&base, &["-w", "2"])), one);
    assert_eq!(cluster_stdout("mc_2p", "plan", &base, 2), one);
}

/// A `seeds` job large enough that the selection outlasts a kill or a stop sent as soon as
/// the cluster is connected.
const LONG_JOB: [&str; 7] = [
    "--k",
    "50",
    "--samples",
    "1",
    "--people-per-node",
    "5",
    "--json",
];

#[test]
fn killing_one_process_makes_the_other_exit_non_zero_within_30_s() {
    let hosts = hostfile("kill", 2);
    let h = hosts.shown();
    let base = LONG_JOB;
    let mut p0 = spawn("seeds", &with(&base, &["-n", "2", "-p", "0", "-h", &h]));
    let mut p1 = spawn("seeds", &with(&base, &["-n", "2", "-p", "1", "-h", &h]));
    // Process 0 says on stderr when the cluster is connected.
    let mut stderr0 = BufReader::new(p0.stderr.take().expect("piped"));
    let mut line = String::new();
    stderr0.read_line(&mut line).expect("stderr");
    assert!(line.contains("cluster connected"), "{line}");
    assert!(
        p1.try_wait().expect("waitable").is_none(),
        "process 1 finished before it could be killed: make the test's job larger"
    );
    p1.kill().expect("killed");
    let killed = Instant::now();
    let _ = p1.wait();
    let out = finish(p0, killed + Duration::from_secs(30));
    let mut rest = String::new();
    let _ = std::io::Read::read_to_string(&mut stderr0, &mut rest);
    assert_ne!(out.status.code(), Some(0), "{rest}");
    assert!(killed.elapsed() < Duration::from_secs(30));
    assert!(
        rest.contains("error:") && rest.contains("same seed"),
        "{rest}"
    );
    assert!(out.stdout.is_empty(), "no partial result");
}

#[cfg(unix)]
#[test]
fn a_hung_process_makes_the_other_exit_non_zero_after_the_stall_timeout() {
    let hosts = hostfile("hung", 2);
    let h = hosts.shown();
    let base = LONG_JOB;
    let args = |p: &str| with(&base, &["-n", "2", "-p", p, "-h", &h]);
    let stalling = |p: &str| {
        Command::new(common::example_exe("seeds"))
            .args(args(p))
            .env("FANZHA_STALL_SECONDS", "2")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starts")
    };
    let mut p0 = stalling("0");
    let mut p1 = stalling("1");
    let mut stderr0 = BufReader::new(p0.stderr.take().expect("piped"));
    let mut line = String::new();
    stderr0.read_line(&mut line).expect("stderr");
    assert!(line.contains("cluster connected"), "{line}");
    // Stop process 1 without killing it: its connections stay open, it never answers.
    let stopped = Command::new("kill")
        .args(["-STOP", &p1.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(stopped.success());
    let t = Instant::now();
    let out = finish(p0, t + Duration::from_secs(30));
    let _ = p1.kill();
    let _ = p1.wait();
    let mut rest = String::new();
    let _ = std::io::Read::read_to_string(&mut stderr0, &mut rest);
    assert_eq!(out.status.code(), Some(2), "{rest}");
    assert!(
        rest.contains("no progress from the cluster for 2 s"),
        "{rest}"
    );
}

#[test]
fn a_cluster_that_never_forms_gives_up_with_a_clear_error() {
    let hosts = hostfile("alone", 2);
    let h = hosts.shown();
    let started = Instant::now();
    let child = Command::new(common::example_exe("seeds"))
        .args(with(&["--k", "5"], &["-n", "2", "-p", "0", "-h", &h]))
        .env("FANZHA_CONNECT_SECONDS", "2")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let out = finish(child, started + LIMIT);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("did not start within 2 s"), "{err}");
    assert!(out.stdout.is_empty());
}
