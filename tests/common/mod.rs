//! Helpers shared by the CLI tests.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::path::Path;
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
