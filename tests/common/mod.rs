//! Helpers shared by the integration tests that run the example binaries.

use std::path::{Path, PathBuf};

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
