//! The generic drill log: a CSV anyone can keep during a game day, and the format every
//! importer writes.
//!
//! The first line names the columns (any order, any case): `step` and either `started` and
//! `ended` (RFC 3339 timestamps) or `duration` (a time such as `20m` or `1h05m`, or a number of
//! seconds), optionally `outcome` (succeeded or failed; empty means succeeded), `drill` (the
//! game day's label) and `source`. Lines starting with `#` are comments.
//!
//! What a user would want skipped is skipped with a warning: a truncated last line (a log cut
//! off mid-write), a zero duration, an exact repeat of an earlier line. Everything else that is
//! wrong stops the import with the file and line, because silently dropping a timed step would
//! bias the forecast.

use std::collections::HashMap;

use super::{
    ImportError, ImportWarning, Imported, Observation, Outcome, TIMESTAMP_HINT, parse_timestamp,
};
use crate::duration::parse_span;

const HEADER_HINT: &str = "the first line must name the columns, such as step,started,ended,outcome,drill or step,duration,outcome,drill";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Step,
    Started,
    Ended,
    Duration,
    Outcome,
    Drill,
    Source,
    Ignored,
}

impl Column {
    fn of(name: &str) -> Column {
        match name.trim().to_ascii_lowercase().as_str() {
            "step" | "step_id" | "id" => Column::Step,
            "started" | "start" | "started_at" => Column::Started,
            "ended" | "end" | "finished" | "ended_at" => Column::Ended,
            "duration" | "duration_seconds" | "seconds" => Column::Duration,
            "outcome" | "result" | "status" => Column::Outcome,
            "drill" | "game_day" | "gameday" => Column::Drill,
            "source" => Column::Source,
            _ => Column::Ignored,
        }
    }

    fn required(self) -> bool {
        matches!(
            self,
            Column::Step | Column::Started | Column::Ended | Column::Duration
        )
    }
}

/// Reads a drill log. `file` names it in errors and in each observation's `source`.
pub fn parse(text: &str, file: &str) -> Result<Imported, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| csv_error(file, &e))?.clone();
    // The header is the first line that is neither blank nor a comment.
    let header_line = text
        .lines()
        .position(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map_or(1, |i| i as u64 + 1);
    if headers.is_empty() || (headers.len() == 1 && headers[0].is_empty()) {
        return Err(ImportError::at(file, None, "the file is empty").with_hint(HEADER_HINT));
    }
    let columns: Vec<Column> = headers.iter().map(Column::of).collect();
    let mut out = Imported::default();
    for (i, c) in columns.iter().enumerate() {
        if *c != Column::Ignored && columns[..i].contains(c) {
            return Err(ImportError::at(
                file,
                Some(header_line),
                format!("column \"{}\" appears twice", &headers[i]),
            )
            .with_hint(HEADER_HINT));
        }
        if *c == Column::Ignored {
            out.warnings.push(ImportWarning::at(
                file,
                Some(header_line),
                format!("ignoring unknown column \"{}\"", &headers[i]),
            ));
        }
    }
    let col = |c: Column| columns.iter().position(|x| *x == c);
    let Some(step_col) = col(Column::Step) else {
        return Err(
            ImportError::at(file, Some(header_line), "no `step` column").with_hint(HEADER_HINT)
        );
    };
    let (started_col, ended_col, duration_col) = (
        col(Column::Started),
        col(Column::Ended),
        col(Column::Duration),
    );
    if duration_col.is_none() && (started_col.is_none() || ended_col.is_none()) {
        return Err(ImportError::at(
            file,
            Some(header_line),
            "no timing columns: need `started` and `ended`, or `duration`",
        )
        .with_hint(HEADER_HINT));
    }
    let (outcome_col, drill_col, source_col) = (
        col(Column::Outcome),
        col(Column::Drill),
        col(Column::Source),
    );

    let mut records = Vec::new();
    for r in reader.records() {
        records.push(r.map_err(|e| csv_error(file, &e))?);
    }
    let mut seen: HashMap<String, u64> = HashMap::new();
    let count = records.len();
    for (k, record) in records.iter().enumerate() {
        let line = record.position().map_or(0, |p| p.line());
        let err = |m: String| ImportError::at(file, Some(line), m);
        if record.len() < columns.len() {
            let missing_required = columns[record.len()..].iter().any(|c| c.required());
            if missing_required {
                if k + 1 == count {
                    out.warnings.push(ImportWarning::at(
                        file,
                        Some(line),
                        format!(
                            "the last line is truncated ({} of {} fields); skipped",
                            record.len(),
                            columns.len()
                        ),
                    ));
                    continue;
                }
                return Err(err(format!(
                    "the line has {} fields but the header names {}",
                    record.len(),
                    columns.len()
                ))
                .with_hint("every line needs a value (possibly empty) for each column"));
            }
        }
        let cell = |c: Option<usize>| c.and_then(|i| record.get(i)).unwrap_or("");
        let step = cell(Some(step_col));
        if step.is_empty() {
            return Err(err("the line has no step id".to_string())
                .with_hint("name the plan step the timing belongs to"));
        }
        let outcome = Outcome::parse(cell(outcome_col)).ok_or_else(|| {
            err(format!(
                "step \"{step}\" has unknown outcome \"{}\"",
                cell(outcome_col)
            ))
            .with_hint("write succeeded or failed (an empty cell means succeeded)")
        })?;
        let drill = Some(cell(drill_col)).filter(|d| !d.is_empty());
        let source = match cell(source_col) {
            "" => format!("{file}:{line}"),
            s => s.to_string(),
        };
        let (started, ended) = (cell(started_col), cell(ended_col));
        let duration = cell(duration_col);
        let observation = if !started.is_empty() && !ended.is_empty() {
            let t0 = parse_timestamp(started).map_err(|m| {
                err(format!("step \"{step}\" started: {m}")).with_hint(TIMESTAMP_HINT)
            })?;
            let t1 = parse_timestamp(ended).map_err(|m| {
                err(format!("step \"{step}\" ended: {m}")).with_hint(TIMESTAMP_HINT)
            })?;
            let o = Observation::timed(step, t0, t1, outcome, drill, &source);
            if o.duration_seconds < 0.0 {
                return Err(err(format!("step \"{step}\" ended before it started"))
                    .with_hint("check that started and ended are not swapped, and their offsets"));
            }
            if !duration.is_empty() {
                if let Ok(d) = parse_seconds(duration) {
                    if (d - o.duration_seconds).abs() > (0.01 * d).max(1.0) {
                        out.warnings.push(ImportWarning::at(
                            file,
                            Some(line),
                            format!(
                                "step \"{step}\" duration {duration} disagrees with started and ended ({:.0} s); using started and ended",
                                o.duration_seconds
                            ),
                        ));
                    }
                }
            }
            o
        } else if !duration.is_empty() {
            let seconds = parse_seconds(duration).map_err(|m| {
                err(format!("step \"{step}\" duration: {m}"))
                    .with_hint("write a time such as \"20m\" or \"1h05m\", or a number of seconds")
            })?;
            Observation {
                step: step.to_string(),
                duration_seconds: seconds,
                outcome,
                drill: drill.map(str::to_string),
                source,
                started: None,
                ended: None,
            }
        } else if started.is_empty() != ended.is_empty() {
            let (has, lacks) = if started.is_empty() {
                ("an end", "start")
            } else {
                ("a start", "end")
            };
            return Err(err(format!("step \"{step}\" has {has} but no {lacks}"))
                .with_hint("give both started and ended, or a duration"));
        } else {
            return Err(err(format!("step \"{step}\" has no timing"))
                .with_hint("give both started and ended, or a duration"));
        };
        if observation.duration_seconds == 0.0 {
            out.warnings.push(ImportWarning::at(
                file,
                Some(line),
                format!("step \"{step}\" took no time; skipped"),
            ));
            continue;
        }
        let key = format!(
            "{step}\u{1f}{started}\u{1f}{ended}\u{1f}{duration}\u{1f}{outcome}\u{1f}{}",
            drill.unwrap_or("")
        );
        if let Some(first) = seen.get(&key) {
            out.warnings.push(ImportWarning::at(
                file,
                Some(line),
                format!("repeats line {first} exactly; skipped"),
            ));
            continue;
        }
        seen.insert(key, line);
        out.observations.push(observation);
    }
    if out.observations.is_empty() {
        out.warnings
            .push(ImportWarning::at(file, None, "no observations"));
    }
    Ok(out)
}

/// A duration cell: a plain number of seconds or a time such as `20m`.
fn parse_seconds(text: &str) -> Result<f64, String> {
    if let Ok(v) = text.parse::<f64>() {
        return if v.is_finite() && v >= 0.0 {
            Ok(v)
        } else {
            Err(format!("\"{text}\" is not a positive number of seconds"))
        };
    }
    parse_span(text).map_err(|e| e.to_string())
}

fn csv_error(file: &str, e: &csv::Error) -> ImportError {
    let line = e.position().map(|p| p.line());
    let message = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "the line is not UTF-8 text".to_string(),
        csv::ErrorKind::Io(io) => format!("cannot read: {io}"),
        _ => format!("malformed CSV: {e}"),
    };
    ImportError::at(file, line, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse(text, "drill.csv").unwrap_err().to_string()
    }

    #[test]
    fn reads_both_timing_forms() {
        let text = "# game day 1\nstep,started,ended,outcome,drill\n\
            vpc,2024-03-02T10:00:00Z,2024-03-02T10:20:00Z,,gd-1\n\
            aurora,2024-03-02T10:20:00+01:00,2024-03-02T11:05:30.5+01:00,failed,gd-1\n";
        let got = parse(text, "drill.csv").unwrap();
        assert!(got.warnings.is_empty(), "{:?}", got.warnings);
        assert_eq!(got.observations.len(), 2);
        assert_eq!(got.observations[0].duration_seconds, 1200.0);
        assert_eq!(got.observations[1].duration_seconds, 2730.5);
        assert_eq!(got.observations[1].outcome, Outcome::Failed);
        assert_eq!(got.observations[0].source, "drill.csv:3");

        let text = "Step,Duration,Outcome,Drill\nvpc,20m,ok,a\ndns,95.5,,b\nsg,1h05m\n";
        let got = parse(text, "d.csv").unwrap();
        let d: Vec<f64> = got
            .observations
            .iter()
            .map(|o| o.duration_seconds)
            .collect();
        assert_eq!(d, [1200.0, 95.5, 3900.0]);
        assert_eq!(got.observations[2].drill, None);
    }

    #[test]
    fn malformed_lines_name_the_line() {
        assert_eq!(
            err("step,duration\nvpc,20m\n,5m\n"),
            "drill.csv:3: the line has no step id (hint: name the plan step the timing belongs to)"
        );
        assert!(
            err("step,started,ended\nvpc,2024-03-02 10:00,2024-03-02T10:20:00Z\n").starts_with(
                "drill.csv:2: step \"vpc\" started: \"2024-03-02 10:00\" is not a timestamp"
            )
        );
        assert!(
            err("step,duration\nvpc,twenty\n").starts_with("drill.csv:2: step \"vpc\" duration:")
        );
        assert!(err("step,duration,outcome\nvpc,5m,maybe\n").contains("unknown outcome \"maybe\""));
        assert!(
            err("step,started,ended\nvpc,2024-03-02T10:20:00Z,2024-03-02T10:00:00Z\n")
                .contains("ended before it started")
        );
        assert!(
            err("step,started,ended\nvpc,2024-03-02T10:20:00Z,\n")
                .contains("has a start but no end")
        );
        assert!(err("name,when\nvpc,5m\n").starts_with("drill.csv:1: no `step` column"));
        assert!(err("step,notes\nvpc,slow\n").contains("no timing columns"));
        assert!(err("").contains("the file is empty"));
        // A short line in the middle is an error; only the last line may be cut off.
        assert!(err("step,started,ended\nvpc,2024-03-02T10:00:00Z\ndns,2024-03-02T10:00:00Z,2024-03-02T10:01:00Z\n")
            .starts_with("drill.csv:2: the line has 2 fields but the header names 3"));
        assert!(parse("step,duration\nvpc,\u{0}5m\n", "x").is_err());
    }

    #[test]
    fn what_a_user_wants_skipped_is_skipped_with_a_warning() {
        let text = "step,started,ended,outcome,notes\n\
            vpc,2024-03-02T10:00:00Z,2024-03-02T10:20:00Z,,ok\n\
            vpc,2024-03-02T10:00:00Z,2024-03-02T10:20:00Z,,dup\n\
            dns,2024-03-02T10:00:00Z,2024-03-02T10:00:00Z,,zero\n\
            sg,2024-03-02T10:2";
        let got = parse(text, "drill.csv").unwrap();
        assert_eq!(got.observations.len(), 1);
        let w: Vec<String> = got.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            w,
            [
                "drill.csv:1: ignoring unknown column \"notes\"",
                "drill.csv:3: repeats line 2 exactly; skipped",
                "drill.csv:4: step \"dns\" took no time; skipped",
                "drill.csv:5: the last line is truncated (2 of 5 fields); skipped",
            ]
        );
    }
}
