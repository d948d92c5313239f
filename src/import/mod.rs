//! Importers: recorded step timings and dependency graphs from the tools SREs already run.
//!
//! Every importer is a pure function from text (and the name of the file it came from) to
//! [`Observation`]s or a plan skeleton, plus warnings for lines it skipped. Reading files and
//! writing outputs is the caller's job. Errors and warnings name the file and line, so a user
//! can fix a drill log without guessing.

mod csv_text;
pub mod drill_csv;
pub mod graph;
mod json;
mod observation;
pub mod terraform;
pub mod terragrunt;

use std::fmt;

pub use observation::{CsvWriter, Observation, Outcome, observations_csv};

/// Why a file could not be imported.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", render(.file, *.line, *.column, .message, .hint.as_deref()))]
pub struct ImportError {
    /// The file, as the user named it.
    pub file: String,
    /// The line, counted from 1, when the problem has one.
    pub line: Option<u64>,
    /// The column (in characters, from 1) of the cell or token at fault, when known.
    pub column: Option<u64>,
    /// What is wrong, as a lowercase fragment.
    pub message: String,
    /// How to fix it, where that is clear.
    pub hint: Option<String>,
}

impl ImportError {
    /// An error at a line of a file.
    pub fn at(file: &str, line: Option<u64>, message: impl Into<String>) -> ImportError {
        ImportError {
            file: file.to_string(),
            line,
            column: None,
            message: message.into(),
            hint: None,
        }
    }

    /// Places the error at a column of its line.
    pub fn at_column(mut self, column: u64) -> ImportError {
        self.column = Some(column);
        self
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> ImportError {
        self.hint = Some(hint.into());
        self
    }

    /// The error's place and message without the hint, for callers that show hints apart.
    pub fn without_hint(&self) -> String {
        render(&self.file, self.line, self.column, &self.message, None)
    }
}

/// Every problem that stopped the import of one file, in file order, and what could be read
/// around them.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportErrors {
    /// The problems (at least one).
    pub errors: Vec<ImportError>,
    /// The observations of the lines that were sound, and the warnings.
    pub partial: Imported,
    /// The step ids named on the bad lines (where the line names one), in file order, once each.
    pub unreadable_steps: Vec<String>,
}

/// How many errors [`ImportErrors`] shows before summing up the rest.
pub const SHOWN_ERRORS: usize = 20;

impl ImportErrors {
    /// The errors to show, each on its own line, at most [`SHOWN_ERRORS`] and then a count
    /// of the rest; `prefix` starts every line after the first (such as `error: `).
    pub fn render(&self, prefix: &str) -> String {
        let mut lines: Vec<String> = self
            .errors
            .iter()
            .take(SHOWN_ERRORS)
            .map(ToString::to_string)
            .collect();
        if self.errors.len() > SHOWN_ERRORS {
            let file = &self.errors[0].file;
            lines.push(format!(
                "{file}: {} more bad lines not shown",
                self.errors.len() - SHOWN_ERRORS
            ));
        }
        lines.join(&format!("\n{prefix}"))
    }
}

impl fmt::Display for ImportErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(""))
    }
}

impl std::error::Error for ImportErrors {}

impl From<ImportError> for ImportErrors {
    fn from(e: ImportError) -> ImportErrors {
        ImportErrors {
            errors: vec![e],
            partial: Imported::default(),
            unreadable_steps: Vec::new(),
        }
    }
}

/// Where in a file a value was read: line and column (in characters), both from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// The line.
    pub line: u64,
    /// The column.
    pub column: u64,
}

/// A problem an importer stepped over: the line was skipped or the value is suspect.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportWarning {
    /// The file.
    pub file: String,
    /// The line, counted from 1, when the warning has one.
    pub line: Option<u64>,
    /// What was skipped and why.
    pub message: String,
}

impl ImportWarning {
    /// A warning at a line of a file.
    pub fn at(file: &str, line: Option<u64>, message: impl Into<String>) -> ImportWarning {
        ImportWarning {
            file: file.to_string(),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for ImportWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&render(&self.file, self.line, None, &self.message, None))
    }
}

/// One line for a terminal: names and values quoted from a log are shown with their control
/// characters escaped (see [`crate::text::escape_control`]).
fn render(
    file: &str,
    line: Option<u64>,
    column: Option<u64>,
    message: &str,
    hint: Option<&str>,
) -> String {
    let mut out = match (line, column) {
        (Some(line), Some(column)) => format!("{file}:{line}:{column}: {message}"),
        (Some(line), None) => format!("{file}:{line}: {message}"),
        _ => format!("{file}: {message}"),
    };
    if let Some(hint) = hint {
        out.push_str(&format!(" (hint: {hint})"));
    }
    crate::text::escape_control(&out).into_owned()
}

/// Observations read from one file, with the lines skipped on the way.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Imported {
    /// The observations, in file order.
    pub observations: Vec<Observation>,
    /// What was skipped.
    pub warnings: Vec<ImportWarning>,
    /// Attempts that have started and not ended (a step still running, in the log of a game
    /// day in progress): not observations of a duration. Only [`drill_csv::parse_live`] fills it.
    pub running: Vec<Observation>,
}

/// The hint shown under every bad timestamp.
pub const TIMESTAMP_HINT: &str = "write timestamps as RFC 3339 with an offset, such as 2024-03-02T10:05:00Z or 2024-03-02T11:05:00.250+01:00";

/// Parses an RFC 3339 timestamp such as `2021-05-25T13:32:41.705503-04:00`.
pub fn parse_timestamp(text: &str) -> Result<jiff::Timestamp, String> {
    text.trim()
        .parse::<jiff::Timestamp>()
        .map_err(|e| format!("\"{}\" is not a timestamp ({e})", text.trim()))
}

/// The resolution in seconds of an RFC 3339 timestamp as written: 1 for whole seconds,
/// 0.001 for milliseconds and so on (1 when the text has no seconds to read).
pub(crate) fn timestamp_resolution(text: &str) -> f64 {
    // The fraction follows the seconds: `...T10:05:00.250+01:00`.
    let Some(t) = text.find(['T', 't', ' ']) else {
        return 1.0;
    };
    let time = &text[t + 1..];
    match time.find('.') {
        Some(dot) => {
            let digits = time[dot + 1..]
                .bytes()
                .take_while(u8::is_ascii_digit)
                .count();
            10f64.powi(-(digits as i32))
        }
        None => 1.0,
    }
}

/// A resolution for a warning: `1 s`, `0.5 s`, `1 ms`, `0.5 µs`.
pub(crate) fn format_resolution(seconds: f64) -> String {
    let (value, unit) = if seconds >= 0.1 {
        (seconds, "s")
    } else if seconds >= 1e-4 {
        (seconds * 1e3, "ms")
    } else {
        (seconds * 1e6, "µs")
    };
    let text = format!("{value:.3}");
    format!(
        "{} {unit}",
        text.trim_end_matches('0').trim_end_matches('.')
    )
}

/// Seconds from `start` to `end` (negative when `end` comes first).
pub fn seconds_between(start: jiff::Timestamp, end: jiff::Timestamp) -> f64 {
    end.duration_since(start).as_secs_f64()
}

/// Turns any text into a valid step id: characters ids cannot hold become `-`, runs of `-`
/// collapse, and leading or trailing `-` and `/` go.
pub fn sanitize_id(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let c = if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/') {
            c
        } else {
            '-'
        };
        if c == '-' && out.ends_with('-') {
            continue;
        }
        out.push(c);
    }
    let trimmed = out.trim_matches(|c| c == '-' || c == '/');
    if trimmed.is_empty() {
        "step".to_string()
    } else {
        trimmed.to_string()
    }
}

/// Normalises Terragrunt unit paths to step ids: separators become `/`, `./` prefixes and
/// trailing slashes go, and the longest directory prefix shared by every path is removed, so
/// `/home/me/infra/live/vpc` and `live/vpc` style paths both become short ids such as `vpc`.
/// A single path keeps its last component.
pub fn normalize_unit_paths(paths: &[String]) -> Vec<String> {
    let common = common_components(paths.iter().map(String::as_str));
    paths.iter().map(|p| unit_id(p, common)).collect()
}

/// The components of a unit path: split on either separator, without empty and `.` parts.
fn components(path: &str) -> impl Iterator<Item = &str> {
    path.split(['/', '\\'])
        .filter(|c| !c.is_empty() && *c != ".")
}

/// How many leading path components every one of `paths` shares and [`unit_id`] removes:
/// at most all but the last of the shortest path.
pub(crate) fn common_components<'a>(paths: impl Iterator<Item = &'a str>) -> usize {
    let mut prefix = CommonPrefix::default();
    for p in paths {
        prefix.add(p);
    }
    prefix.components()
}

/// The shared leading components of unit paths seen one at a time, holding only the first
/// path's components, so a report of millions of units needs no copy of their names.
#[derive(Debug, Default)]
pub(crate) struct CommonPrefix {
    first: Option<Vec<String>>,
    common: usize,
    shortest: usize,
}

impl CommonPrefix {
    /// Takes one more path into account.
    pub(crate) fn add(&mut self, path: &str) {
        let Some(first) = &self.first else {
            let first: Vec<String> = components(path).map(str::to_string).collect();
            (self.common, self.shortest) = (first.len(), first.len());
            self.first = Some(first);
            return;
        };
        let (mut len, mut same) = (0, 0);
        for (i, c) in components(path).enumerate() {
            if same == i && i < self.common && first[i] == c {
                same += 1;
            }
            len += 1;
        }
        self.common = self.common.min(same);
        self.shortest = self.shortest.min(len);
    }

    /// How many leading components [`unit_id`] removes: the shared ones, keeping at least the
    /// last component of the shortest path.
    pub(crate) fn components(&self) -> usize {
        self.common.min(self.shortest.saturating_sub(1))
    }
}

/// The step id of a unit path once its first `common` components are removed.
pub(crate) fn unit_id(path: &str, common: usize) -> String {
    let rest: Vec<&str> = components(path).skip(common).collect();
    sanitize_id(&rest.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_paths_lose_their_shared_prefix() {
        let abs = [
            "/home/me/infra/live/prod/vpc".to_string(),
            "/home/me/infra/live/prod/db/".to_string(),
            "/home/me/infra/live/prod/app/ecs".to_string(),
        ];
        assert_eq!(normalize_unit_paths(&abs), ["vpc", "db", "app/ecs"]);
        let rel = ["./live/vpc".to_string(), "live/db".to_string()];
        assert_eq!(normalize_unit_paths(&rel), ["vpc", "db"]);
        assert_eq!(normalize_unit_paths(&["live/vpc".to_string()]), ["vpc"]);
        let plain = ["app".to_string(), "vpc".to_string()];
        assert_eq!(normalize_unit_paths(&plain), ["app", "vpc"]);
        let nested = ["a/b/c".to_string(), "a/b".to_string()];
        assert_eq!(normalize_unit_paths(&nested), ["b/c", "b"]);
        assert_eq!(
            normalize_unit_paths(&["C:\\infra\\vpc".to_string(), "C:\\infra\\db".to_string()]),
            ["vpc", "db"]
        );
    }

    #[test]
    fn ids_are_sanitized() {
        assert_eq!(
            sanitize_id("aws_instance.web[\"a b\"]"),
            "aws_instance.web-a-b"
        );
        assert_eq!(sanitize_id("  "), "step");
    }

    #[test]
    fn timestamps_with_offsets_and_fractions() {
        let a = parse_timestamp("2021-05-25T13:32:41.705503-04:00").unwrap();
        let b = parse_timestamp("2021-05-25T17:32:42.705503Z").unwrap();
        assert!((seconds_between(a, b) - 1.0).abs() < 1e-9);
        assert!(parse_timestamp("yesterday").is_err());
        assert!(parse_timestamp("2021-13-25T10:00:00Z").is_err());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        #[test]
        fn no_importer_panics_on_arbitrary_text(text in "(?s).{0,300}") {
            let _ = drill_csv::parse(&text, "f");
            let _ = terraform::parse(&text, "f", "s", None);
            let _ = terragrunt::parse(&text, "f", None);
            let _ = graph::parse(&text, "f");
        }

        #[test]
        fn no_importer_panics_on_mangled_samples(cut in 0usize..4000, junk in "[\\[\\]{}\",:;\n\\-> a-z0-9]{0,12}") {
            let samples = [
                include_str!("../../scenarios/drills/gd-2024-03.csv"),
                include_str!("../../scenarios/drills/terraform/vpc.log"),
                include_str!("../../scenarios/drills/terragrunt/report.json"),
                include_str!("../../scenarios/drills/graphs/terraform-graph.dot"),
                include_str!("../../scenarios/drills/graphs/terragrunt-find.json"),
            ];
            for s in samples {
                let mut at = cut.min(s.len());
                while !s.is_char_boundary(at) { at -= 1; }
                let text = format!("{}{junk}{}", &s[..at], &s[at..]);
                let _ = drill_csv::parse(&text, "f");
                let _ = terraform::parse(&text, "f", "s", None);
                let _ = terragrunt::parse(&text, "f", None);
                let _ = graph::parse(&text, "f");
                let truncated = &s[..at];
                let _ = graph::parse(truncated, "f");
                let _ = terraform::parse(truncated, "f", "s", None);
            }
        }
    }
}
