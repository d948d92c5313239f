//! Importers: recorded step timings and dependency graphs from the tools SREs already run.
//!
//! Every importer is a pure function from text (and the name of the file it came from) to
//! [`Observation`]s or a plan skeleton, plus warnings for lines it skipped. Reading files and
//! writing outputs is the caller's job. Errors and warnings name the file and line, so a user
//! can fix a drill log without guessing.

pub mod drill_csv;
pub mod graph;
mod observation;
pub mod terraform;
pub mod terragrunt;

use std::fmt;

pub use observation::{Observation, Outcome, observations_csv};

/// Why a file could not be imported.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", render(.file, *.line, .message, .hint.as_deref()))]
pub struct ImportError {
    /// The file, as the user named it.
    pub file: String,
    /// The line, counted from 1, when the problem has one.
    pub line: Option<u64>,
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
            message: message.into(),
            hint: None,
        }
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> ImportError {
        self.hint = Some(hint.into());
        self
    }
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
        f.write_str(&render(&self.file, self.line, &self.message, None))
    }
}

/// One line for a terminal: names and values quoted from a log are shown with their control
/// characters escaped (see [`crate::text::escape_control`]).
fn render(file: &str, line: Option<u64>, message: &str, hint: Option<&str>) -> String {
    let mut out = match line {
        Some(line) => format!("{file}:{line}: {message}"),
        None => format!("{file}: {message}"),
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
}

/// The hint shown under every bad timestamp.
pub const TIMESTAMP_HINT: &str = "write timestamps as RFC 3339 with an offset, such as 2024-03-02T10:05:00Z or 2024-03-02T11:05:00.250+01:00";

/// Parses an RFC 3339 timestamp such as `2021-05-25T13:32:41.705503-04:00`.
pub fn parse_timestamp(text: &str) -> Result<jiff::Timestamp, String> {
    text.trim()
        .parse::<jiff::Timestamp>()
        .map_err(|e| format!("\"{}\" is not a timestamp ({e})", text.trim()))
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
    let split: Vec<Vec<&str>> = paths
        .iter()
        .map(|p| {
            p.split(['/', '\\'])
                .filter(|c| !c.is_empty() && *c != ".")
                .collect()
        })
        .collect();
    let shortest = split.iter().map(Vec::len).min().unwrap_or(0);
    let mut common = 0;
    while common < shortest && split.iter().all(|s| s[common] == split[0][common]) {
        common += 1;
    }
    // Keep at least the last component of the shortest path.
    let common = common.min(shortest.saturating_sub(1));
    split
        .iter()
        .map(|s| sanitize_id(&s[common..].join("/")))
        .collect()
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
