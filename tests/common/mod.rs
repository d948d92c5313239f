//! Helpers shared by the CLI tests.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::path::{Path, PathBuf};
use std::process::Output;

/// Runs the real `rtosim` binary from the crate root with `args`.
pub fn rtosim(args: &[&str]) -> Output {
    assert_cmd::cargo_bin_cmd!("rtosim")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// A path relative to the crate root, with forward slashes, for stable snapshots.
pub fn rel(path: &Path) -> String {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Standard output as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 stdout")
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("UTF-8 stderr")
}

/// A plan written to a fresh temporary directory (kept alive by the returned guard).
pub struct PlanFile {
    /// The directory, removed on drop.
    pub dir: tempfile::TempDir,
    /// The plan's path.
    pub path: PathBuf,
}

impl PlanFile {
    /// Writes `text` as `plan.toml`.
    pub fn new(text: &str) -> PlanFile {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("plan.toml");
        std::fs::write(&path, text).expect("write plan");
        PlanFile { dir, path }
    }

    /// The plan's path as a string, for arguments.
    pub fn arg(&self) -> &str {
        self.path.to_str().expect("UTF-8 temporary path")
    }

    /// A path for an output file in the same directory.
    pub fn out(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// Runs `rtosim` and parses its standard output as JSON, failing with stderr when it exits
/// with anything but 0.
pub fn json(args: &[&str]) -> serde_json::Value {
    let out = rtosim(args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).expect("valid JSON")
}

/// A small deterministic generator for test plans (SplitMix64).
pub struct Gen(pub u64);

impl Gen {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(1);
        rtosim::sim::splitmix(self.0)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}
