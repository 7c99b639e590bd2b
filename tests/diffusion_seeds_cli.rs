//! The `seeds` example as planners run it: a subprocess with arguments and files.
//!
//! `cargo test` builds examples before it runs integration tests, so the binary sits next to
//! this test's executable: `<target>/debug/deps/diffusion_seeds_cli-HASH` ->
//! `<target>/debug/examples/seeds`. `cargo test --test diffusion_seeds_cli` alone does not
//! rebuild the example: run `cargo build --example seeds` first.
//!
//! The built-in scenario will be recalibrated, so these tests check shapes and relations, not
//! its numbers.

/// In a module named after the file, so `cargo test diffusion` selects these tests.
mod common;

mod diffusion_seeds_cli {
    use std::path::PathBuf;
    use std::process::{Command, Output};

    use serde_json::Value;

    fn seeds_exe() -> PathBuf {
        crate::common::example_exe("seeds")
    }

    /// Runs the example. On an edge list the final estimate's default (+-1% at 99.9%) takes
    /// seconds in a debug build on the small, weakly spreading test graphs: unless a test
    /// asks otherwise, it runs at +-5% (`les_miserables_default_estimate` keeps the default).
    fn run(args: &[&str]) -> Output {
        let mut args: Vec<&str> = args.to_vec();
        if args.contains(&"--graph") && !args.iter().any(|a| a.starts_with("--estimate")) {
            args.extend(["--estimate-epsilon", "0.05"]);
        }
        Command::new(seeds_exe())
            .args(args)
            .env_remove("RUST_BACKTRACE")
            .output()
            .expect("the seeds example runs")
    }

    fn json(args: &[&str]) -> Value {
        let out = run(args);
        assert!(
            out.status.success(),
            "seeds {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("--json prints JSON")
    }

    fn temp(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!("fanzha-seeds-{}-{name}", std::process::id()))
    }

    #[test]
    fn synthetic_city_beats_random_grid_workers_and_writes_a_placement() {
        let placement = temp("placement.json");
        let v = json(&[
            "--samples",
            "200",
            "--json",
            "--write-placement",
            placement.to_str().unwrap(),
        ]);
        assert_eq!(v["algorithm"], "opim-c");
        let certified = v["certified_ratio"].as_f64().unwrap();
        assert!(certified >= v["target_ratio"].as_f64().unwrap() && certified <= 1.0);
        assert!(v["rr_sets"].as_u64().unwrap() > 0);
        assert!(v["staff_hours"].as_f64().unwrap() <= 20.0);
        let seeds = v["seeds"].as_array().unwrap();
        let random = v["random"]["seeds"].as_array().unwrap();
        assert_eq!(seeds.len(), random.len());
        // Targeted seeds reach more risk-weighted value than random grid workers.
        assert!(v["value_ci"][0].as_f64().unwrap() > v["random"]["value_ci"][1].as_f64().unwrap());
        let segments = v["segments"].as_array().unwrap();
        let total: f64 = segments
            .iter()
            .map(|s| s["reached"].as_f64().unwrap())
            .sum();
        assert!((total - v["spread"].as_f64().unwrap()).abs() < 1e-6 * total.max(1.0));
        // The derived placement is a scenario placement with one audience row per reached
        // segment, per_unit as printed.
        let p: fanzha::model::Placement =
            serde_json::from_str(&std::fs::read_to_string(&placement).unwrap()).unwrap();
        std::fs::remove_file(&placement).ok();
        let per_unit = v["per_unit"].as_array().unwrap();
        assert_eq!(
            p.audience.len(),
            per_unit
                .iter()
                .filter(|u| u.as_f64().unwrap() > 0.0)
                .count()
        );
        assert!(
            p.audience
                .iter()
                .all(|a| a.per_unit > 0.0 && a.per_unit <= 1.0)
        );
    }

    #[test]
    fn edge_list_json_reports_the_certificate() {
        let graph = temp("graph.txt");
        let mut text = String::from("# a ring with chords, ids not contiguous\n");
        for i in 0..200u64 {
            text.push_str(&format!("{} {}\n", 1000 + i, 1000 + (i + 1) % 200));
            text.push_str(&format!("{} {}\n", 1000 + i, 1000 + (i * 7) % 200));
        }
        std::fs::write(&graph, text).unwrap();
        let v = json(&[
            "--graph",
            graph.to_str().unwrap(),
            "--k",
            "5",
            "--epsilon",
            "0.2",
            "--json",
        ]);
        let lt = json(&[
            "--graph",
            graph.to_str().unwrap(),
            "--k",
            "5",
            "--model",
            "lt",
            "--json",
        ]);
        std::fs::remove_file(&graph).ok();
        let seeds = v["seeds"].as_array().unwrap();
        assert_eq!(seeds.len(), 5);
        assert!(
            seeds
                .iter()
                .all(|s| (1000..1200).contains(&s.as_u64().unwrap()))
        );
        let spread = v["spread"].as_f64().unwrap();
        let ci = v["spread_ci"].as_array().unwrap();
        assert!(ci[0].as_f64().unwrap() <= spread && spread <= ci[1].as_f64().unwrap());
        assert!((5.0..=200.0).contains(&spread));
        assert!(v["certified_ratio"].as_f64().unwrap() > 0.0);
        assert!(v["rr_sets"].as_u64().unwrap() > 0);
        assert!(v["seconds"].as_f64().unwrap() >= 0.0);
        assert_eq!(v["segments"][0]["segment"], "0");
        // With --graph, spread is counted in people unless weights say otherwise.
        assert_eq!(v["weights"], "none");
        assert_eq!(lt["seeds"].as_array().unwrap().len(), 5);
    }

    #[test]
    fn cache_is_written_once_then_read_with_the_same_answer() {
        let graph = temp("cached-graph.txt");
        let cache = temp("cached-graph.bin");
        let mut text = String::new();
        for i in 0..300u64 {
            text.push_str(&format!(
                "u{i} u{}\nu{i} u{}\n",
                (i + 1) % 300,
                (i * 11) % 300
            ));
        }
        std::fs::write(&graph, text).unwrap();
        std::fs::remove_file(&cache).ok();
        let args = |with_graph: bool| {
            let mut a = vec!["--cache", cache.to_str().unwrap(), "--k", "4", "--json"];
            a.extend(["--estimate-epsilon", "0.05"]);
            if with_graph {
                a.extend(["--graph", graph.to_str().unwrap()]);
            }
            a.into_iter().map(String::from).collect::<Vec<_>>()
        };
        let call = |with_graph: bool| {
            let a = args(with_graph);
            run(&a.iter().map(String::as_str).collect::<Vec<_>>())
        };
        let parse = |out: Output| -> Value {
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            serde_json::from_slice(&out.stdout).expect("--json prints JSON")
        };
        let first = parse(call(true));
        assert!(cache.exists(), "the first run writes the cache");
        // The edge list is no longer needed: the cache alone gives the same answer.
        std::fs::remove_file(&graph).unwrap();
        let second = parse(call(false));
        for key in [
            "seeds",
            "spread",
            "spread_ci",
            "certified_ratio",
            "nodes",
            "edges",
        ] {
            assert_eq!(first[key], second[key], "{key}");
        }
        assert_eq!(first["spread_method"], "rr-stopping-rule");
        assert!(first["seeds"][0].as_str().unwrap().starts_with('u'));
        // A damaged cache is one error line with code 2.
        std::fs::write(&cache, b"FANZHAG\0 not really").unwrap();
        let out = call(false);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("error:") && err.contains("cache"), "{err}");
        std::fs::remove_file(&cache).unwrap();
        assert_eq!(
            call(false).status.code(),
            Some(2),
            "no cache and no --graph"
        );
        for bad in [["--estimate-epsilon", "1"], ["--estimate-delta", "0"]] {
            let out = run(&["--graph", "whatever.txt", bad[0], bad[1]]);
            assert_eq!(out.status.code(), Some(2));
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains(bad[0]), "{err}");
        }
    }

    /// The case (validation collection: 36.1 [33.7, 38.4]; Monte Carlo: 37.9).
    #[test]
    fn les_miserables_default_estimate() {
        let data = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/les_miserables.txt");
        let v = json(&[
            "--graph",
            data,
            "--k",
            "4",
            "--json",
            "--estimate-delta",
            "0.001",
        ]);
        assert_eq!(v["spread_method"], "rr-stopping-rule");
        let spread = v["spread"].as_f64().unwrap();
        let (lo, hi) = (
            v["spread_ci"][0].as_f64().unwrap(),
            v["spread_ci"][1].as_f64().unwrap(),
        );
        assert!((hi / lo - 1.01 / 0.99).abs() < 1e-9, "+-1%: {lo} .. {hi}");
        // Monte Carlo with 10^6 cascades gives 37.9 for these seeds (tests/diffusion_estimate.rs
        // checks the estimate against Monte Carlo in-process).
        assert!((37.5..38.3).contains(&spread), "{spread}");
        let old = json(&[
            "--graph",
            data,
            "--k",
            "4",
            "--json",
            "--estimate-epsilon",
            "0",
        ]);
        assert_eq!(old["spread_method"], "validation-rr");
        assert_eq!(old["seeds"], v["seeds"]);
    }

    #[test]
    fn max_rr_sets_caps_sampling_and_is_reported() {
        let graph = temp("cap.txt");
        let mut text = String::new();
        for i in 0..300u64 {
            text.push_str(&format!("{i} {}\n{i} {}\n", (i + 1) % 300, (i * 11) % 300));
        }
        std::fs::write(&graph, text).unwrap();
        let g = graph.to_str().unwrap();
        let capped = json(&[
            "--graph",
            g,
            "--k",
            "5",
            "--epsilon",
            "0.01",
            "--max-rr-sets",
            "256",
            "--json",
        ]);
        let free = json(&["--graph", g, "--k", "5", "--epsilon", "0.3", "--json"]);
        let bad = run(&["--graph", g, "--max-rr-sets", "10"]);
        std::fs::remove_file(&graph).ok();
        assert_eq!(capped["rr_sets"], 512, "{capped}");
        assert_eq!(capped["capped"], true);
        assert!(
            capped["certified_ratio"].as_f64().unwrap() < capped["target_ratio"].as_f64().unwrap()
        );
        assert_eq!(free["capped"], false);
        assert_eq!(bad.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&bad.stderr).contains("--max-rr-sets"));
    }

    /// The Monte Carlo `value` uses the weights the seeds were selected with: people with
    /// `--weights none`, the given numbers with custom weights (it used to be risk-weighted
    /// whatever `--weights` said).
    #[test]
    fn value_follows_the_weights_used() {
        let none = json(&[
            "--k",
            "3",
            "--samples",
            "100",
            "--weights",
            "none",
            "--json",
        ]);
        assert_eq!(none["weights"], "none");
        assert_eq!(none["value"], none["spread"], "{none}");
        assert_eq!(none["value_ci"], none["spread_ci"]);
        assert_eq!(none["random"]["value"], none["random"]["spread"]);
        let segments = none["segments"].as_array().unwrap().len();
        let twos = vec!["2"; segments].join(",");
        let custom = json(&["--k", "3", "--samples", "100", "--weights", &twos, "--json"]);
        assert_eq!(custom["weights"], "custom");
        let (value, spread) = (
            custom["value"].as_f64().unwrap(),
            custom["spread"].as_f64().unwrap(),
        );
        assert!((value - 2.0 * spread).abs() < 1e-9 * value, "{custom}");
        let risk = json(&["--k", "3", "--samples", "100", "--json"]);
        assert_eq!(risk["weights"], "risk");
        assert!(risk["value"].as_f64().unwrap() > risk["spread"].as_f64().unwrap());
        // Tables say what the value is.
        let text = run(&["--k", "3", "--samples", "100", "--weights", "none"]);
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(!text.contains("risk-weighted"), "{text}");
    }

    #[test]
    fn edge_list_with_string_ids_prints_them_as_written() {
        let graph = temp("names.txt");
        // Textual ids of several kinds; `007` must come back as the string "007".
        let name = |i: u64| match i % 4 {
            0 => format!("grid-{i}"),
            1 => format!("居民{i}"),
            2 => format!("{i:03}"),
            _ => format!("u{i}"),
        };
        let mut text = String::from("# a ring with chords, textual ids\n");
        let mut names = std::collections::HashSet::new();
        for i in 0..200u64 {
            let (u, v, w) = (name(i), name((i + 1) % 200), name((i * 7) % 200));
            text.push_str(&format!("{u} {v}\n{u}\t{w}\n"));
            names.insert(u);
        }
        std::fs::write(&graph, &text).unwrap();
        let path = graph.to_str().unwrap();
        let v = json(&["--graph", path, "--k", "5", "--epsilon", "0.2", "--json"]);
        let plain = run(&["--graph", path, "--k", "5", "--epsilon", "0.2"]);
        std::fs::remove_file(&graph).ok();
        assert_eq!(v["nodes"], 200);
        assert_eq!(v["edges"], 400);
        let seeds: Vec<&str> = v["seeds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().expect("textual ids print as JSON strings"))
            .collect();
        assert_eq!(seeds.len(), 5);
        assert!(seeds.iter().all(|s| names.contains(*s)), "{seeds:?}");
        // The table names them too.
        assert!(plain.status.success());
        let out = String::from_utf8_lossy(&plain.stdout);
        let line = out.lines().find(|l| l.starts_with("seeds: ")).unwrap();
        assert!(
            seeds.iter().all(|s| line.contains(&format!("{s:?}"))),
            "{line}"
        );
    }

    #[test]
    fn samples_are_bounded() {
        let out = run(&["--samples", "1000000001"]);
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("--samples"));
    }

    #[test]
    fn bad_input_exits_2_with_the_line() {
        let graph = temp("bad.txt");
        for text in ["1 2\n2 3\n3\n", "a b\nb c\nc d 1.5\n"] {
            std::fs::write(&graph, text).unwrap();
            let out = run(&["--graph", graph.to_str().unwrap()]);
            assert_eq!(out.status.code(), Some(2));
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains("line 3"), "{err}");
            assert!(!err.contains("panicked"), "{err}");
        }
        std::fs::remove_file(&graph).ok();
        let out = run(&["--epsilon", "1.5"]);
        assert_eq!(out.status.code(), Some(2));
    }

    /// Every command-line error is one `error:` line with code 2: unknown flags and negative
    /// numbers used to print clap's multi-line usage (`-5` read as an unknown flag).
    #[test]
    fn every_cli_error_is_one_line_with_code_2() {
        let cases: &[(&[&str], &[&str])] = &[
            (&["--bogus"], &["--bogus"]),
            (&["stray"], &["stray"]),
            (&["--k", "-5"], &["--k", "negative"]),
            (&["--k=-5"], &["--k", "negative"]),
            (&["--k", "abc"], &["--k", "whole number"]),
            (&["--seed", "-1"], &["--seed", "negative"]),
            (&["--samples", "-3"], &["--samples", "negative"]),
            (&["--max-rr-sets", "-1"], &["--max-rr-sets", "negative"]),
            (
                &["--max-graph-bytes", "-1"],
                &["--max-graph-bytes", "negative"],
            ),
            (&["--budget-hours", "-3"], &["--budget-hours", ">= 0"]),
            (&["--people-per-node", "-2"], &["--people-per-node", "> 0"]),
            (&["--epsilon"], &["--epsilon"]),
            (&["--k", "5", "--k", "6"], &["--k"]),
            (&["--model", "xx"], &["model"]),
            (&["--epsilon", "-0.1"], &["epsilon", "-0.1"]),
            (&["--delta", "-0.5"], &["delta"]),
        ];
        let graph = temp("errors.txt");
        std::fs::write(&graph, "1 2\n2 3\n3 1\n").unwrap();
        for (args, parts) in cases {
            // On a small graph: the errors found after loading come at once.
            let mut args = args.to_vec();
            args.extend(["--graph", graph.to_str().unwrap()]);
            let out = run(&args);
            let line = crate::common::assert_clean_error(&out, parts);
            assert!(!line.contains("Usage"), "{args:?}: {line}");
        }
        std::fs::remove_file(&graph).ok();
        // Help and version still print on stdout and succeed.
        let help = crate::common::ok(&run(&["--help"]));
        assert!(
            help.contains("Usage") && help.contains("--max-graph-bytes"),
            "{help}"
        );
        let version = crate::common::ok(&run(&["--version"]));
        assert!(version.starts_with("fanzha "), "{version}");
    }

    /// `--epsilon 0.99` used to run and report a negative target ratio (1 - 1/e - 0.99).
    #[test]
    fn epsilon_must_leave_a_positive_target() {
        let graph = temp("eps.txt");
        std::fs::write(&graph, "1 2\n2 3\n3 1\n").unwrap();
        let g = graph.to_str().unwrap();
        let seeds = run(&["--graph", g, "--k", "1", "--epsilon", "0.99"]);
        let costed = run(&["--epsilon", "0.4"]);
        let fine = run(&["--graph", g, "--k", "1", "--epsilon", "0.6", "--json"]);
        std::fs::remove_file(&graph).ok();
        crate::common::assert_clean_error(&seeds, &["epsilon", "0.99", "1 - 1/e"]);
        crate::common::assert_clean_error(&costed, &["epsilon", "0.4", "(1 - 1/e)/2"]);
        let v: Value = serde_json::from_str(&crate::common::ok(&fine)).unwrap();
        assert!(v["target_ratio"].as_f64().unwrap() > 0.0, "{v}");
    }

    /// Runs seeds, killing it after `seconds`.
    fn run_with_timeout(args: &[&str], seconds: u64) -> Output {
        use std::process::Stdio;
        let mut child = Command::new(seeds_exe())
            .args(args)
            .env_remove("RUST_BACKTRACE")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the seeds example starts");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
        while child.try_wait().expect("waiting works").is_none() {
            if std::time::Instant::now() > deadline {
                child.kill().ok();
                child.wait().ok();
                panic!("seeds {args:?} still running after {seconds} s");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        child.wait_with_output().expect("the output is read")
    }

    /// An endless `--graph` (`/dev/zero`) used to be read until memory ran out; now reading
    /// stops at `--max-graph-bytes` (default 1 GiB) with an error naming the file and limit.
    #[cfg(unix)]
    #[test]
    fn endless_or_huge_graph_input_is_refused() {
        let out = run_with_timeout(&["--graph", "/dev/zero"], 60);
        crate::common::assert_clean_error(
            &out,
            &["/dev/zero", "1073741824 bytes", "--max-graph-bytes"],
        );
        let out = run_with_timeout(&["--graph", "/dev/zero", "--max-graph-bytes", "1000"], 20);
        crate::common::assert_clean_error(&out, &["/dev/zero", "1000 bytes"]);
        // A regular file over the limit, and one at it.
        let graph = temp("limit.txt");
        std::fs::write(&graph, "1 2\n2 3\n").unwrap();
        let g = graph.to_str().unwrap();
        let over = run(&["--graph", g, "--k", "1", "--max-graph-bytes", "7"]);
        let at = run(&["--graph", g, "--k", "1", "--max-graph-bytes", "8"]);
        std::fs::remove_file(&graph).ok();
        crate::common::assert_clean_error(&over, &["limit.txt", "7 bytes"]);
        crate::common::ok(&at);
    }

    /// `seeds | head -1` with the reader gone used to panic (`failed printing to stdout`, code
    /// 101); a closed pipe now ends the program quietly with code 0.
    #[cfg(unix)]
    #[test]
    fn a_closed_pipe_exits_quietly() {
        use std::process::Stdio;
        let graph = temp("pipe.txt");
        std::fs::write(&graph, "1 2\n2 3\n3 1\n").unwrap();
        let mut child = Command::new(seeds_exe())
            .args(["--graph", graph.to_str().unwrap(), "--k", "2"])
            .env_remove("RUST_BACKTRACE")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the seeds example starts");
        // Close the reading end before the program has anything to write (it has yet to
        // load the graph and select).
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("the program ends");
        std::fs::remove_file(&graph).ok();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{err}");
        assert_eq!(err, "", "nothing on stderr");
    }

    /// `seeds > /dev/full` used to panic (code 101); a write error is now one `error:` line
    /// and code 2.
    #[cfg(target_os = "linux")]
    #[test]
    fn an_unwritable_output_is_a_clean_error() {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full opens");
        let graph = temp("full.txt");
        std::fs::write(&graph, "1 2\n2 3\n3 1\n").unwrap();
        let out = Command::new(seeds_exe())
            .args(["--graph", graph.to_str().unwrap(), "--k", "2", "--json"])
            .env_remove("RUST_BACKTRACE")
            .stdout(full)
            .output()
            .expect("the seeds example runs");
        std::fs::remove_file(&graph).ok();
        crate::common::assert_clean_error(&out, &["cannot write the output"]);
    }
}
