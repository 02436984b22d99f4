//! The integration-test harness: run the real binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A fixture file under tests/fixtures.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Runs `frontline` with `args` in the workspace root.
pub fn frontline(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_frontline"))
        .args(args)
        .current_dir(root())
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("the binary runs")
}

/// Stdout as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Stderr as text, with the fixture directory replaced by `fixtures/`.
pub fn stderr(o: &Output) -> String {
    let dir = fixture("").display().to_string();
    String::from_utf8_lossy(&o.stderr).replace(&dir, "fixtures/")
}

/// Asserts that the command succeeded, showing its stderr if not.
#[track_caller]
pub fn assert_ok(o: &Output) {
    assert!(o.status.success(), "{}", stderr(o));
}

/// Asserts that the command's stderr contains `text`, showing it if not.
#[track_caller]
pub fn assert_stderr_has(o: &Output, text: &str) {
    let err = stderr(o);
    assert!(err.contains(text), "`{text}` not in:\n{err}");
}

/// Asserts that the command exited with `code` and that its stderr
/// contains `text`, showing the stderr if not.
#[track_caller]
pub fn assert_fails(o: &Output, code: i32, text: &str) {
    assert_eq!(o.status.code(), Some(code), "{}", stderr(o));
    assert_stderr_has(o, text);
}

/// A temporary directory for a test's files, removed when dropped.
pub struct Scratch(tempfile::TempDir);

impl Default for Scratch {
    fn default() -> Self {
        Self::new()
    }
}

impl Scratch {
    /// A new empty directory.
    pub fn new() -> Self {
        Scratch(tempfile::tempdir().expect("a scratch directory"))
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        self.0.path()
    }

    /// The path of the file `name` in the directory, as an argument.
    pub fn path(&self, name: &str) -> String {
        self.0.path().join(name).display().to_string()
    }
}
