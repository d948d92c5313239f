//! Recovery plans: the file format, its validation, and the validated [`Plan`].
//!
//! Text goes in through [`parse_plan`] (pure) or [`load_plan`] (reads the file); what comes out
//! is either a plan with its warnings or every problem found, each placed at a line and column.

pub mod chaos;
pub mod chaos_wire;
mod diag;
mod dot;
pub mod graph;
mod locate;
mod model;
pub mod timings;
mod validate;
pub mod wire;
pub mod workforce;

use std::path::{Path, PathBuf};

pub use chaos::{ChaosItem, Factor, Handover, Risk, RiskEffect, Shift};
pub use diag::{Diagnostic, KeyPath, Location, Seg, Severity, did_you_mean};
pub use dot::render_dot;
pub use model::Recorded;
pub use model::{Alternative, Limit, Milestone, Plan, Retry, Scenario, Step, Team};
pub use validate::{DEFAULT_SIZE_ELASTICITY, MAX_COUNT, MAX_RETRIES, validate, validate_with};
pub use workforce::{Rota, StartBand, Starts, WorkHours};

/// The file format of a plan, chosen by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// TOML, the default.
    Toml,
    /// JSON, for files ending in `.json`.
    Json,
}

impl Format {
    /// The format for a file name: JSON for `.json`, TOML otherwise.
    pub fn of_path(path: &Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some(ext) if ext.eq_ignore_ascii_case("json") => Format::Json,
            _ => Format::Toml,
        }
    }
}

/// A plan that passed validation, with the warnings found on the way.
#[derive(Debug, Clone)]
pub struct LoadedPlan {
    /// The plan.
    pub plan: Plan,
    /// Warnings, already placed in the file.
    pub warnings: Vec<Diagnostic>,
    /// Every file the plan was read from: the plan file first, then each timings file its
    /// patterns matched. Empty when the plan was parsed from text. Outputs must not overwrite
    /// these (see [`crate::output::Outputs`]).
    pub files_read: Vec<PathBuf>,
}

/// Why a plan could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The file could not be read.
    #[error("cannot read plan {path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file was read but is not a sound plan.
    #[error("{}", render_all(.path, .diagnostics))]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Every problem found, errors first, then warnings.
        diagnostics: Vec<Diagnostic>,
    },
}

/// The most errors, and apart from them the most warnings, printed for one plan: a plan with
/// thousands of problems has a few causes, which the first ones show, and printing every one
/// once made a 50,000-error plan print 10 MB.
pub const MAX_SHOWN: usize = 200;

/// Renders diagnostics for a terminal, naming `file`: errors first, then warnings, at most
/// [`MAX_SHOWN`] of each, each group followed by one line counting those left out.
pub fn render_diagnostics(file: &str, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for (severity, noun) in [(Severity::Error, "error"), (Severity::Warning, "warning")] {
        let group = diagnostics.iter().filter(|d| d.severity == severity);
        let mut total = 0;
        for d in group {
            total += 1;
            if total <= MAX_SHOWN {
                out.push_str(&d.render(file));
            }
        }
        if total > MAX_SHOWN {
            out.push_str(&format!(
                "... and {} more {noun}s (the first {MAX_SHOWN} are shown)\n",
                total - MAX_SHOWN
            ));
        }
    }
    out
}

fn render_all(path: &Path, diagnostics: &[Diagnostic]) -> String {
    let file = path.display().to_string();
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let mut out = render_diagnostics(&file, diagnostics);
    out.push_str(&format!(
        "{}: {errors} error{} found; the plan was not used",
        crate::text::escape_control(&file),
        if errors == 1 { "" } else { "s" }
    ));
    out
}

/// Reads and validates a plan file (through [`crate::input::read_text`]: at most
/// [`crate::input::PLAN_LIMIT`] bytes, UTF-8 or UTF-16 with a byte-order mark).
pub fn load_plan(path: &Path) -> Result<LoadedPlan, PlanError> {
    let invalid = |diagnostics| PlanError::Invalid {
        path: path.to_path_buf(),
        diagnostics,
    };
    let text = match crate::input::read_text(path, crate::input::PLAN_LIMIT) {
        Ok(text) => text,
        Err(crate::input::ReadError::Io { error, .. }) => {
            return Err(PlanError::Io {
                path: path.to_path_buf(),
                source: error,
            });
        }
        Err(e) => {
            let mut d = Diagnostic::error(KeyPath::root(), e.message());
            d.hint = e.hint().map(str::to_string);
            d.location = e
                .line_column()
                .map(|(line, column)| Location { line, column });
            return Err(invalid(vec![d]));
        }
    };
    let default_name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "plan".to_string());
    let base = path.parent().unwrap_or(Path::new(""));
    let mut timings_files = Vec::new();
    let mut loaded = parse_plan_with(&text, Format::of_path(path), &default_name, |patterns| {
        let (read, files) = timings::read_timings_listing(base, patterns);
        timings_files = files;
        read
    })
    .map_err(invalid)?;
    loaded.files_read = std::iter::once(path.to_path_buf())
        .chain(timings_files)
        .collect();
    Ok(loaded)
}

/// Parses and validates plan text. On failure, every diagnostic (errors and warnings), placed
/// in the text where the format allows. The files under `timings` are not read: steps with a
/// recorded duration see no observations (use [`parse_plan_with_observations`]).
pub fn parse_plan(
    text: &str,
    format: Format,
    default_name: &str,
) -> Result<LoadedPlan, Vec<Diagnostic>> {
    parse_plan_with(text, format, default_name, |_| Default::default())
}

/// Parses and validates plan text against recorded observations given directly, as if the
/// plan's `timings` files held them.
pub fn parse_plan_with_observations(
    text: &str,
    format: Format,
    default_name: &str,
    observations: &[crate::import::Observation],
) -> Result<LoadedPlan, Vec<Diagnostic>> {
    parse_plan_with(text, format, default_name, |_| {
        (observations.to_vec(), Vec::new(), Vec::new())
    })
}

/// Parses, reads the observations the `timings` patterns name through `read_timings` (the only
/// step that may touch files), then validates.
fn parse_plan_with(
    text: &str,
    format: Format,
    default_name: &str,
    read_timings: impl FnOnce(&[String]) -> timings::ReadTimings,
) -> Result<LoadedPlan, Vec<Diagnostic>> {
    let wire = match format {
        Format::Toml => toml::from_str::<wire::PlanWire>(text).map_err(|e| {
            let mut d = Diagnostic::error(KeyPath::root(), toml_message(&e));
            d.location = e.span().map(|span| Location::of_offset(text, span.start));
            d.hint = other_format_hint(text, format)
                .or_else(|| number_hint(&d.message))
                .or_else(|| syntax_hint(e.message()));
            vec![d]
        })?,
        Format::Json => serde_json::from_str::<wire::PlanWire>(text).map_err(|e| {
            let full = e.to_string();
            let message = plain_types(
                full.rfind(" at line ")
                    .map_or(full.as_str(), |i| &full[..i]),
            );
            let mut d = Diagnostic::error(KeyPath::root(), message);
            if e.line() > 0 {
                d.location = Some(Location {
                    line: e.line(),
                    column: e.column().max(1),
                });
            }
            d.hint = other_format_hint(text, format)
                .or_else(|| number_hint(&d.message))
                .or_else(|| syntax_hint(&full));
            vec![d]
        })?,
    };
    let (observations, timing_diagnostics, unreadable) = read_timings(&wire.timings);
    let (plan, mut diagnostics) = validate_with(wire, default_name, &observations);
    timings::drop_follow_ons(&mut diagnostics, &unreadable);
    diagnostics.extend(timing_diagnostics);
    let plan = plan.filter(|_| diagnostics.iter().all(|d| d.severity != Severity::Error));
    locate::place(text, format, &mut diagnostics);
    // Errors first, each group in file order, so the list reads top to bottom.
    diagnostics.sort_by_key(|d| {
        (
            std::cmp::Reverse(d.severity),
            d.location.map(|l| (l.line, l.column)),
        )
    });
    match plan {
        Some(plan) => Ok(LoadedPlan {
            plan,
            warnings: diagnostics,
            files_read: Vec::new(),
        }),
        None => Err(diagnostics),
    }
}

/// The toml error's message without its source excerpt, lowercased at the start.
fn toml_message(e: &toml::de::Error) -> String {
    let m = plain_types(e.message().trim().trim_end_matches('.'));
    let mut chars = m.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => "malformed plan".to_string(),
    }
}

/// Serde names Rust types in its messages; users wrote TOML or JSON.
fn plain_types(message: &str) -> String {
    if let Some(m) = too_large_number(message) {
        return m;
    }
    message
        .replace("expected i64", "expected a whole number")
        .replace("expected u32", "expected a whole number")
        .replace("expected f64", "expected a number")
        .replace(
            "expected a sequence",
            "expected a list such as [\"a\", \"b\"]",
        )
}

/// Serde reports a whole number beyond 64 bits as "invalid type: integer `N` as i128" (TOML),
/// one beyond `i64` as "invalid value: integer `N`", and JSON reads such a number as a float:
/// say plainly that the number is too large, keeping what was expected.
fn too_large_number(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let end = start + message[start..].find('`')?;
    let number = &message[start..end];
    let rest = &message[end + 1..];
    let huge_float = message.starts_with("invalid type: floating point")
        && number.parse::<f64>().is_ok_and(|v| v.abs() >= 9.2e18);
    let too_large =
        rest.starts_with(" as i128") || message.starts_with("invalid value: integer") || huge_float;
    if !too_large {
        return None;
    }
    let expected = rest.find("expected ").map_or("", |i| &rest[i..]);
    let expected = plain_types(expected);
    Some(if expected.is_empty() {
        format!("the number {number} is too large")
    } else {
        format!("the number {number} is too large; {expected}")
    })
}

/// The ranges of the plan's whole numbers, under a number that is too large.
fn number_hint(message: &str) -> Option<String> {
    message.contains(" is too large").then(|| {
        format!(
            "whole numbers in a plan are counts: groups, size, crew, uses and limits run from 1 to {MAX_COUNT}, retry max from 0 to {MAX_RETRIES}"
        )
    })
}

/// When a syntax error comes from the file being in the other format than its name says:
/// JSON in a `.toml` file (it starts with `{`), or TOML in a `.json` file (it starts with a
/// comment, a `[table]` header or a `key = value` line).
fn other_format_hint(text: &str, format: Format) -> Option<String> {
    let first = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    match format {
        Format::Toml if first.starts_with('{') => Some(
            "the text looks like JSON, but the file was read as TOML: rtosim reads a plan as JSON only when its name ends in .json, so rename it".to_string(),
        ),
        Format::Json if looks_like_toml(first) => Some(
            "the text looks like TOML, but the file was read as JSON because its name ends in .json: rename it to .toml".to_string(),
        ),
        _ => None,
    }
}

fn looks_like_toml(first_line: &str) -> bool {
    let header = first_line
        .strip_prefix("[[")
        .or_else(|| first_line.strip_prefix('['))
        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_alphabetic()));
    let key_value = first_line.split_once('=').is_some_and(|(key, _)| {
        let key = key.trim();
        !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '"'))
    });
    first_line.starts_with('#') || header || key_value
}

fn syntax_hint(message: &str) -> Option<String> {
    if message.contains("unknown field") {
        Some("keys are kebab-case, such as hands-on or rto-target; check the spelling against the plan format in the README".to_string())
    } else if message.contains("missing field `max`") || message.contains("missing field `p`") {
        Some("retry takes both p and max, such as retry = { p = 0.1, max = 3 }".to_string())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shorthand_and_full_team_forms_agree() {
        let text = r#"
            [teams]
            dba = 1
            [teams.platform]
            groups = 2
            size = 3
            [[step]]
            id = "a"
            team = "dba"
            duration = "1h"
        "#;
        let loaded = parse_plan(text, Format::Toml, "t").unwrap();
        let teams = &loaded.plan.teams;
        assert_eq!(
            (teams[0].name.as_str(), teams[0].groups, teams[0].size),
            ("dba", 1, 1)
        );
        assert_eq!(
            (teams[1].groups, teams[1].size, teams[1].recorded_size),
            (2, 3, 3)
        );
    }

    #[test]
    fn toml_and_json_give_the_same_plan() {
        let toml_text = r#"
            name = "p"
            rto-target = "2h"
            [limits]
            restores = 1
            [[step]]
            id = "a"
            duration = { dist = "pert", min = "1m", mode = "2m", max = "5m" }
            uses = { restores = 1 }
            [[step]]
            id = "b"
            after = ["a"]
            duration = "3m"
            retry = { p = 0.1, max = 2 }
        "#;
        let json_text = r#"{ "name": "p", "rto-target": "2h", "limits": { "restores": 1 },
            "step": [
              { "id": "a", "duration": { "dist": "pert", "min": "1m", "mode": "2m", "max": "5m" }, "uses": { "restores": 1 } },
              { "id": "b", "after": ["a"], "duration": "3m", "retry": { "p": 0.1, "max": 2 } } ] }"#;
        let a = parse_plan(toml_text, Format::Toml, "t").unwrap().plan;
        let b = parse_plan(json_text, Format::Json, "t").unwrap().plan;
        assert_eq!(a, b);
    }

    #[test]
    fn a_loaded_plan_names_the_files_it_was_read_from() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let loaded = load_plan(&root.join("recorded-rebuild.toml")).unwrap();
        let names: Vec<String> = loaded
            .files_read
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "recorded-rebuild.toml",
                "gd-2024-03.csv",
                "gd-2024-09.csv",
                "gd-2025-02.csv",
                "vpc-ci-applies.csv"
            ]
        );
    }
}
