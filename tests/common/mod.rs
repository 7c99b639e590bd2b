//! Helpers shared by the integration tests: running the example binaries, and readable JSON
//! golden files under `tests/data/golden/` compared with tolerances.

// Each test crate that includes this module uses only some of it.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// Path of the example binary `name`, next to this test's executable.
///
/// The test executable is `<target>/<profile>/deps/<test>-HASH`; examples are in
/// `<target>/<profile>/examples/` (plain `cargo test` builds them before running tests).
pub fn example_exe(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test knows its executable");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("the test executable is in <target>/<profile>/deps");
    let path = profile_dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.is_file(),
        "{} not found: run `cargo test` (which builds examples) or `cargo build --example {name}`",
        path.display()
    );
    path
}

/// Runs example `name` with `args`, without a backtrace setting from the environment, so that
/// a panic would print its "RUST_BACKTRACE" hint and be caught by [`assert_clean_error`].
pub fn run_example<S: AsRef<OsStr>>(name: &str, args: &[S]) -> Output {
    Command::new(example_exe(name))
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .output()
        .unwrap_or_else(|e| panic!("the {name} example runs: {e}"))
}

/// The run's stdout.
pub fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

/// The run's stderr.
pub fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("stderr is UTF-8")
}

/// Asserts a successful run and returns its stdout.
#[track_caller]
pub fn ok(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "expected success; stderr:\n{}",
        stderr(out)
    );
    stdout(out)
}

/// Asserts the run failed cleanly: exit code 2, nothing on stdout, and stderr is one line
/// starting with `error:` that contains each of `parts` and no sign of a panic.
#[track_caller]
pub fn assert_clean_error(out: &Output, parts: &[&str]) -> String {
    let err = stderr(out);
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "the program panicked:\n{err}"
    );
    assert_eq!(out.status.code(), Some(2), "exit code; stderr:\n{err}");
    assert_eq!(
        stdout(out),
        "",
        "nothing on stdout on error; stderr:\n{err}"
    );
    let line = err.strip_suffix('\n').unwrap_or(&err);
    assert!(
        !line.is_empty() && !line.contains('\n'),
        "stderr must be one line:\n{err}"
    );
    assert!(line.starts_with("error:"), "{line}");
    for p in parts {
        assert!(line.contains(p), "stderr lacks {p:?}: {line}");
    }
    line.to_string()
}

/// A file in the temp directory, unique to a test and this process, removed on drop.
pub struct TempFile(PathBuf);

impl TempFile {
    pub fn new(test: &str, name: &str) -> TempFile {
        let path =
            std::env::temp_dir().join(format!("fanzha-cli-{test}-{}-{name}", std::process::id()));
        let _ = std::fs::remove_file(&path);
        TempFile(path)
    }

    pub fn with(test: &str, name: &str, contents: &str) -> TempFile {
        let f = TempFile::new(test, name);
        std::fs::write(&f.0, contents).expect("temp file written");
        f
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// The path as the program prints it.
    pub fn shown(&self) -> String {
        self.0.display().to_string()
    }

    pub fn arg(&self) -> &OsStr {
        self.0.as_os_str()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Path of the golden file `name` in `tests/data/golden/`.
pub fn golden_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/golden")
        .join(name)
}

/// The golden JSON file `name`, parsed. With `FANZHA_BLESS=1` in the environment it is first
/// rewritten with `actual` (JSON text, written as given plus a newline): do that only after a
/// change meant to move the numbers, and say so in the commit.
pub fn golden_json(name: &str, actual: &str) -> Value {
    let path = golden_path(name);
    if std::env::var("FANZHA_BLESS").as_deref() == Ok("1") {
        std::fs::create_dir_all(path.parent().expect("a directory")).expect("directory made");
        std::fs::write(&path, format!("{actual}\n")).expect("golden file written");
    }
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; FANZHA_BLESS=1 writes it from the current code",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Whether `a` and `b` agree to `rel` relative (of the larger magnitude; so 0 matches only 0).
pub fn close(a: f64, b: f64, rel: f64) -> bool {
    a == b || (a - b).abs() <= rel * a.abs().max(b.abs())
}

/// Asserts `actual` has the shape of `golden` (the same keys, the same lengths), equal strings,
/// booleans and nulls, and numbers equal to `rel` relative; a failure names the JSON path.
#[track_caller]
pub fn assert_json_close(actual: &Value, golden: &Value, rel: f64) {
    if let Some(diff) = json_diff(actual, golden, rel, "$") {
        panic!("differs from the golden file at {diff}");
    }
}

/// The first difference between `a` and `b` (path and both values), if any.
pub fn json_diff(a: &Value, b: &Value, rel: f64, path: &str) -> Option<String> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (
                x.as_f64().unwrap_or(f64::NAN),
                y.as_f64().unwrap_or(f64::NAN),
            );
            (!close(x, y, rel)).then(|| format!("{path}: {x} vs golden {y}"))
        }
        (Value::Object(x), Value::Object(y)) => {
            let keys = |m: &serde_json::Map<String, Value>| m.keys().cloned().collect::<Vec<_>>();
            let (mut kx, mut ky) = (keys(x), keys(y));
            kx.sort();
            ky.sort();
            if kx != ky {
                return Some(format!("{path}: keys {kx:?} vs golden {ky:?}"));
            }
            kx.iter()
                .find_map(|k| json_diff(&x[k], &y[k], rel, &format!("{path}.{k}")))
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return Some(format!("{path}: {} items vs golden {}", x.len(), y.len()));
            }
            x.iter()
                .zip(y)
                .enumerate()
                .find_map(|(i, (x, y))| json_diff(x, y, rel, &format!("{path}[{i}]")))
        }
        _ => (a != b).then(|| format!("{path}: {a} vs golden {b}")),
    }
}
