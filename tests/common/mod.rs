//! What the command-line tests share: the binary without colour, fixtures, golden files.

#![allow(dead_code)] // each test crate uses its own subset

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The built binary, with colour off so outputs compare as text.
pub fn paramcount() -> Command {
    let mut command = Command::cargo_bin("paramcount").expect("the paramcount binary is built");
    command.env("NO_COLOR", "1");
    command
}

/// A path under `tests/fixtures/`.
pub fn fixture(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
        .to_string_lossy()
        .into_owned()
}

/// Runs the binary; returns (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let output = paramcount().args(args).output().expect("paramcount runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Compares with `tests/golden/NAME`; `UPDATE_GOLDEN=1` rewrites it instead (read every rewrite
/// before committing it). Under CI (`CI` set) nothing is rewritten: a golden test always compares.
pub fn assert_golden(name: &str, actual: &str) {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    let update = std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1");
    if update && std::env::var_os("CI").is_none() {
        std::fs::write(&path, actual).expect("golden file written");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing golden file {}; run with UPDATE_GOLDEN=1",
            path.display()
        )
    });
    assert_eq!(actual, expected, "output differs from {}", path.display());
}

/// Runs the binary, which must succeed, and returns its standard output.
pub fn stdout_of(args: &[&str]) -> String {
    let output = paramcount().args(args).output().expect("paramcount runs");
    assert!(
        output.status.success(),
        "paramcount {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}
