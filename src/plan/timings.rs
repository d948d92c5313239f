//! Reading the plan's `timings`: glob patterns relative to the plan, each file a drill log.
//!
//! This is the I/O edge of plan loading; validation receives the observations already read.
//! Problems become diagnostics placed at the `timings` entry that named the file, so they are
//! reported with every other problem of the plan: every bad line of a drill log at once, each
//! with its line and column. The sound lines of a file with bad ones are still read, and a step
//! named only on bad lines is not also reported as having no timings (the file has lines for it;
//! they are the errors above).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::diag::{Diagnostic, KeyPath, Severity};
use crate::import::{Observation, SHOWN_ERRORS, drill_csv};

/// What the `timings` files gave: the observations, the problems, and the step ids named only
/// on lines that could not be read.
pub type ReadTimings = (Vec<Observation>, Vec<Diagnostic>, Vec<String>);

/// Reads every file the patterns match (relative to `base`, the plan's directory), in pattern
/// order and then path order, each file once.
pub fn read_timings(base: &Path, patterns: &[String]) -> ReadTimings {
    read_timings_listing(base, patterns).0
}

/// As [`read_timings`], also returning the files read (or tried), in the order they were read,
/// so that a command can refuse to write an output over one of them.
pub fn read_timings_listing(base: &Path, patterns: &[String]) -> (ReadTimings, Vec<PathBuf>) {
    let mut observations = Vec::new();
    let mut diags = Vec::new();
    let mut unreadable: Vec<String> = Vec::new();
    let mut seen: HashSet<PathBuf> = HashSet::new();
    let mut read_order: Vec<PathBuf> = Vec::new();
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
            read_order.push(file.clone());
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
                Err(bad) => {
                    for e in bad.errors.iter().take(SHOWN_ERRORS) {
                        let mut d = Diagnostic::error(at.clone(), e.without_hint());
                        d.hint = e.hint.clone();
                        diags.push(d);
                    }
                    if bad.errors.len() > SHOWN_ERRORS {
                        diags.push(Diagnostic::error(
                            at.clone(),
                            format!(
                                "{name}: {} more bad lines not shown",
                                bad.errors.len() - SHOWN_ERRORS
                            ),
                        ));
                    }
                    for w in bad.partial.warnings {
                        diags.push(Diagnostic::warning(at.clone(), w.to_string()));
                    }
                    observations.extend(bad.partial.observations);
                    unreadable.extend(bad.unreadable_steps);
                }
            }
        }
    }
    // A step with sound lines elsewhere has timings; only the others are unreadable.
    unreadable.retain(|step| !observations.iter().any(|o| &o.step == step));
    ((observations, diags, unreadable), read_order)
}

/// Removes the errors that only repeat, for a step named on unreadable lines alone, that it
/// has no timings: the file has lines for it, and they are already reported as errors.
pub fn drop_follow_ons(diagnostics: &mut Vec<Diagnostic>, unreadable: &[String]) {
    if unreadable.is_empty() {
        return;
    }
    diagnostics.retain(|d| {
        d.severity != Severity::Error
            || !unreadable.iter().any(|step| {
                let named = format!("step \"{step}\" ");
                d.message.strip_prefix(&named).is_some_and(|rest| {
                    rest.starts_with("has a recorded duration but no recorded timings")
                        || rest == "has no duration"
                })
            })
    });
}
