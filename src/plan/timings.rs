//! Reading the plan's `timings`: glob patterns relative to the plan, each file a drill log.
//!
//! This is the I/O edge of plan loading; validation receives the observations already read.
//! Problems become diagnostics placed at the `timings` entry that named the file, so they are
//! reported with every other problem of the plan.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::diag::{Diagnostic, KeyPath};
use crate::import::{Observation, drill_csv};

/// Reads every file the patterns match (relative to `base`, the plan's directory), in pattern
/// order and then path order, each file once.
pub fn read_timings(base: &Path, patterns: &[String]) -> (Vec<Observation>, Vec<Diagnostic>) {
    let mut observations = Vec::new();
    let mut diags = Vec::new();
    let mut seen: HashSet<PathBuf> = HashSet::new();
    for (i, pattern) in patterns.iter().enumerate() {
        let at = KeyPath::root().key("timings").index(i);
        let full = base.join(pattern);
        let full_text = full.to_string_lossy().into_owned();
        let paths = match glob::glob(&full_text) {
            Ok(paths) => paths,
            Err(e) => {
                diags.push(
                    Diagnostic::error(
                        at,
                        format!(
                            "timings pattern \"{pattern}\" is not a valid glob: {}",
                            e.msg
                        ),
                    )
                    .with_hint("patterns are relative to the plan, such as \"drills/*.csv\""),
                );
                continue;
            }
        };
        let mut files: Vec<PathBuf> = Vec::new();
        for entry in paths {
            match entry {
                Ok(p) if p.is_file() => files.push(p),
                Ok(_) => {}
                Err(e) => diags.push(Diagnostic::error(
                    at.clone(),
                    format!("cannot read {}: {}", e.path().display(), e.error()),
                )),
            }
        }
        files.sort();
        if files.is_empty() {
            diags.push(
                Diagnostic::warning(
                    at.clone(),
                    format!("timings pattern \"{pattern}\" matches no files"),
                )
                .with_hint(format!(
                    "patterns are relative to the plan's directory; this one looked for {full_text}"
                )),
            );
        }
        for file in files {
            if !seen.insert(file.clone()) {
                continue;
            }
            let name = file.display().to_string();
            let text = match crate::input::read_text(&file, crate::input::LOG_LIMIT) {
                Ok(text) => text,
                Err(e) => {
                    let mut d = Diagnostic::error(at.clone(), e.headline());
                    d.hint = e.hint().map(str::to_string);
                    diags.push(d);
                    continue;
                }
            };
            match drill_csv::parse(&text, &name) {
                Ok(imported) => {
                    observations.extend(imported.observations);
                    for w in imported.warnings {
                        diags.push(Diagnostic::warning(at.clone(), w.to_string()));
                    }
                }
                Err(e) => {
                    let mut d = Diagnostic::error(at.clone(), strip_hint(&e));
                    d.hint = e.hint.clone();
                    diags.push(d);
                }
            }
        }
    }
    (observations, diags)
}

/// The error's file, line and message, without the hint (diagnostics show hints on their own).
fn strip_hint(e: &crate::import::ImportError) -> String {
    let mut plain = e.clone();
    plain.hint = None;
    plain.to_string()
}
