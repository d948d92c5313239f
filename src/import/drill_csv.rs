//! The generic drill log: a CSV anyone can keep during a game day, and the format every
//! importer writes.
//!
//! The first line names the columns (any order, any case): `step` and either `started` and
//! `ended` (RFC 3339 timestamps) or `duration` (a time such as `20m` or `1h05m`, or a number of
//! seconds), optionally `outcome` (succeeded or failed; empty means succeeded), `drill` (the
//! game day's label) and `source`. Lines starting with `#` are comments.
//!
//! Every line is an observation, with three exceptions, each warned about:
//!
//! - A truncated last line (a log cut off mid-write) is skipped.
//! - A line with the same drill, step, start and end as an earlier one is the same attempt
//!   written twice (a log appended to itself) and is skipped. Lines with durations only are
//!   never repeats: two attempts that both took 14 minutes are two observations.
//! - An attempt of 0 s took less than the file's resolution (Terragrunt's report has whole
//!   seconds, a stopwatch log whole minutes), not no time at all: it is read as half the
//!   resolution it was written in (0.5 s for whole seconds, 30 s for `0m`), the expected
//!   value of a time known only to be below the resolution. One warning per file says so.
//!
//! Everything else that is wrong stops the import, because silently dropping a timed step
//! would bias the forecast; every bad line is reported at once, with its line, the column of
//! the cell at fault and a hint, and the sound lines are kept for callers that can use them.

use std::collections::HashMap;

use super::csv_text::{CsvError, Records};
use super::{
    ImportError, ImportErrors, ImportWarning, Imported, Observation, Outcome, Position,
    TIMESTAMP_HINT, format_resolution, parse_timestamp, timestamp_resolution,
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

/// Where each known column is.
struct Layout {
    columns: Vec<Column>,
    step: usize,
    started: Option<usize>,
    ended: Option<usize>,
    duration: Option<usize>,
    outcome: Option<usize>,
    drill: Option<usize>,
    source: Option<usize>,
    /// Whether a start without an end is a step still running (see [`parse_live`]).
    live: bool,
}

/// An attempt written as 0 s: its line and the resolution it was written in.
struct Zero {
    line: u64,
    resolution: f64,
}

/// Reads a drill log. `file` names it in errors and in each observation's `source`. On failure
/// every bad line is in the error, with the observations of the sound ones.
pub fn parse(text: &str, file: &str) -> Result<Imported, ImportErrors> {
    parse_with(text, file, false)
}

/// Reads the scribe's log of a game day in progress: as [`parse`], but a line with a start and
/// an empty `ended` is a step still running, returned in [`Imported::running`] (not an
/// observation: its time is not known yet).
pub fn parse_live(text: &str, file: &str) -> Result<Imported, ImportErrors> {
    parse_with(text, file, true)
}

fn parse_with(text: &str, file: &str, live: bool) -> Result<Imported, ImportErrors> {
    let mut records = Records::new(text).with_comments();
    let mut fields = Vec::new();
    let header_line = match records.next_into(&mut fields) {
        Err(e) => return Err(csv_error(file, &e).into()),
        Ok(None) => {
            return Err(ImportError::at(file, None, "the file is empty")
                .with_hint(HEADER_HINT)
                .into());
        }
        Ok(Some(line)) => line,
    };
    let mut out = Imported::default();
    let mut layout = layout(&records, &fields, file, header_line, &mut out.warnings)?;
    layout.live = live;
    let mut errors: Vec<ImportError> = Vec::new();
    let mut seen: HashMap<(String, jiff::Timestamp, jiff::Timestamp, String), u64> = HashMap::new();
    let mut zeros: Vec<Zero> = Vec::new();
    let mut unreadable: Vec<String> = Vec::new();
    loop {
        let line = match records.next_into(&mut fields) {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(e) => {
                // An unclosed quote swallows the rest of the file: nothing after it is read.
                errors.push(csv_error(file, &e));
                break;
            }
        };
        let last = records.at_end();
        match row(
            &layout,
            &records,
            &fields,
            file,
            line,
            last,
            &mut out.warnings,
        ) {
            Ok(None) => {}
            Ok(Some((o, _))) if o.ended.is_none() && o.started.is_some() => out.running.push(o),
            Ok(Some((mut o, zero))) => {
                if let (Some(t0), Some(t1)) = (o.started, o.ended) {
                    let key = (o.step.clone(), t0, t1, o.drill.clone().unwrap_or_default());
                    if let Some(first) = seen.get(&key) {
                        out.warnings.push(ImportWarning::at(
                            file,
                            Some(line),
                            format!(
                                "step \"{}\" repeats line {first} (the same drill, step, start and end); skipped",
                                o.step
                            ),
                        ));
                        continue;
                    }
                    seen.insert(key, line);
                }
                if let Some(resolution) = zero {
                    o.duration_seconds = resolution / 2.0;
                    zeros.push(Zero { line, resolution });
                }
                out.observations.push(o);
            }
            Err(e) => {
                errors.push(e);
                let step = fields.get(layout.step).map_or("", |f| f.as_ref());
                if !step.is_empty() && !unreadable.iter().any(|s| s == step) {
                    unreadable.push(step.to_string());
                }
            }
        }
    }
    if !zeros.is_empty() {
        out.warnings.push(zero_warning(file, &zeros));
    }
    if !errors.is_empty() {
        return Err(ImportErrors {
            errors,
            partial: out,
            unreadable_steps: unreadable,
        });
    }
    if out.observations.is_empty() && out.running.is_empty() {
        out.warnings
            .push(ImportWarning::at(file, None, "no observations"));
    }
    Ok(out)
}

/// The columns the header names.
fn layout(
    records: &Records<'_>,
    headers: &[std::borrow::Cow<'_, str>],
    file: &str,
    header_line: u64,
    warnings: &mut Vec<ImportWarning>,
) -> Result<Layout, ImportError> {
    let columns: Vec<Column> = headers.iter().map(|h| Column::of(h)).collect();
    for (i, c) in columns.iter().enumerate() {
        if *c != Column::Ignored && columns[..i].contains(c) {
            return Err(ImportError::at(
                file,
                Some(header_line),
                format!("column \"{}\" appears twice", &headers[i]),
            )
            .at_column(records.column(i))
            .with_hint(HEADER_HINT));
        }
        if *c == Column::Ignored {
            warnings.push(ImportWarning::at(
                file,
                Some(header_line),
                format!("ignoring unknown column \"{}\"", &headers[i]),
            ));
        }
    }
    let col = |c: Column| columns.iter().position(|x| *x == c);
    let Some(step) = col(Column::Step) else {
        return Err(
            ImportError::at(file, Some(header_line), "no `step` column").with_hint(HEADER_HINT)
        );
    };
    let (started, ended, duration) = (
        col(Column::Started),
        col(Column::Ended),
        col(Column::Duration),
    );
    if duration.is_none() && (started.is_none() || ended.is_none()) {
        return Err(ImportError::at(
            file,
            Some(header_line),
            "no timing columns: need `started` and `ended`, or `duration`",
        )
        .with_hint(HEADER_HINT));
    }
    Ok(Layout {
        step,
        started,
        ended,
        duration,
        outcome: col(Column::Outcome),
        drill: col(Column::Drill),
        source: col(Column::Source),
        columns,
        live: false,
    })
}

/// One line as an observation (and, when it took 0 s, the resolution it was written in), or
/// `None` when it is skipped.
fn row(
    layout: &Layout,
    records: &Records<'_>,
    fields: &[std::borrow::Cow<'_, str>],
    file: &str,
    line: u64,
    last: bool,
    warnings: &mut Vec<ImportWarning>,
) -> Result<Option<(Observation, Option<f64>)>, ImportError> {
    let err = |m: String, column: Option<usize>| {
        let e = ImportError::at(file, Some(line), m);
        match column {
            Some(c) => e.at_column(records.column(c)),
            None => e,
        }
    };
    let n = layout.columns.len();
    if fields.len() < n && layout.columns[fields.len()..].iter().any(|c| c.required()) {
        if last {
            warnings.push(ImportWarning::at(
                file,
                Some(line),
                format!(
                    "the last line is truncated ({} of {n} fields); skipped",
                    fields.len()
                ),
            ));
            return Ok(None);
        }
        return Err(err(
            format!(
                "the line has {} fields but the header names {n}",
                fields.len()
            ),
            None,
        )
        .at_column(1)
        .with_hint("every line needs a value (possibly empty) for each column"));
    }
    let cell = |c: Option<usize>| c.and_then(|i| fields.get(i)).map_or("", |f| f.as_ref());
    let step = cell(Some(layout.step));
    if step.is_empty() {
        return Err(
            err("the line has no step id".to_string(), Some(layout.step))
                .with_hint("name the plan step the timing belongs to"),
        );
    }
    let outcome = Outcome::parse(cell(layout.outcome)).ok_or_else(|| {
        err(
            format!(
                "step \"{step}\" has unknown outcome \"{}\"",
                cell(layout.outcome)
            ),
            layout.outcome,
        )
        .with_hint("write succeeded or failed (an empty cell means succeeded)")
    })?;
    let drill = Some(cell(layout.drill)).filter(|d| !d.is_empty());
    let source = match cell(layout.source) {
        "" => format!("{file}:{line}"),
        s => s.to_string(),
    };
    let (started, ended) = (cell(layout.started), cell(layout.ended));
    let duration = cell(layout.duration);
    let mut observation = Observation {
        step: step.to_string(),
        duration_seconds: 0.0,
        outcome,
        drill: drill.map(str::to_string),
        source,
        started: None,
        ended: None,
        step_at: Some(Position {
            line,
            column: records.column(layout.step),
        }),
    };
    let resolution;
    if !started.is_empty() && !ended.is_empty() {
        let t0 = parse_timestamp(started).map_err(|m| {
            err(format!("step \"{step}\" started: {m}"), layout.started).with_hint(TIMESTAMP_HINT)
        })?;
        let t1 = parse_timestamp(ended).map_err(|m| {
            err(format!("step \"{step}\" ended: {m}"), layout.ended).with_hint(TIMESTAMP_HINT)
        })?;
        let seconds = super::seconds_between(t0, t1);
        if seconds < 0.0 {
            return Err(err(
                format!("step \"{step}\" ended before it started"),
                layout.ended,
            )
            .with_hint("check that started and ended are not swapped, and their offsets"));
        }
        if !duration.is_empty() {
            if let Ok(d) = parse_seconds(duration) {
                if (d - seconds).abs() > (0.01 * d).max(1.0) {
                    warnings.push(ImportWarning::at(
                        file,
                        Some(line),
                        format!(
                            "step \"{step}\" duration {duration} disagrees with started and ended ({seconds:.0} s); using started and ended"
                        ),
                    ));
                }
            }
        }
        observation.duration_seconds = seconds;
        observation.started = Some(t0);
        observation.ended = Some(t1);
        resolution = timestamp_resolution(started).max(timestamp_resolution(ended));
    } else if !duration.is_empty() {
        observation.duration_seconds = parse_seconds(duration).map_err(|m| {
            err(format!("step \"{step}\" duration: {m}"), layout.duration)
                .with_hint("write a time such as \"20m\" or \"1h05m\", or a number of seconds")
        })?;
        resolution = duration_resolution(duration);
    } else if layout.live
        && !started.is_empty()
        && layout.ended.is_some()
        && outcome != Outcome::Failed
    {
        // Still running: the start is all there is.
        let t0 = parse_timestamp(started).map_err(|m| {
            err(format!("step \"{step}\" started: {m}"), layout.started).with_hint(TIMESTAMP_HINT)
        })?;
        observation.started = Some(t0);
        return Ok(Some((observation, None)));
    } else if started.is_empty() != ended.is_empty() {
        let (has, lacks, at) = if started.is_empty() {
            ("an end", "start", layout.started)
        } else {
            ("a start", "end", layout.ended)
        };
        return Err(err(format!("step \"{step}\" has {has} but no {lacks}"), at)
            .with_hint("give both started and ended, or a duration"));
    } else {
        return Err(err(
            format!("step \"{step}\" has no timing"),
            layout.started.or(layout.duration),
        )
        .with_hint("give both started and ended, or a duration"));
    }
    let zero = (observation.duration_seconds == 0.0).then_some(resolution);
    Ok(Some((observation, zero)))
}

/// The one warning about attempts written as 0 s.
fn zero_warning(file: &str, zeros: &[Zero]) -> ImportWarning {
    let lines: Vec<String> = zeros.iter().take(5).map(|z| z.line.to_string()).collect();
    let mut at = format!(
        "line{} {}",
        if zeros.len() == 1 { "" } else { "s" },
        lines.join(", ")
    );
    if zeros.len() > 5 {
        at.push_str(&format!(" and {} more", zeros.len() - 5));
    }
    let resolution = zeros[0].resolution;
    let how = if zeros.iter().all(|z| z.resolution == resolution) {
        format!(
            "under the file's {} resolution, each is read as {}, half the resolution",
            format_resolution(resolution),
            format_resolution(resolution / 2.0)
        )
    } else {
        "under the resolution they were written in, each is read as half that resolution"
            .to_string()
    };
    ImportWarning::at(
        file,
        None,
        format!(
            "{} attempt{} took 0 s ({at}); {how}",
            zeros.len(),
            if zeros.len() == 1 { "" } else { "s" }
        ),
    )
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

/// The resolution in seconds a duration cell is written in: its last unit, divided by ten for
/// each decimal of its last number (`0` and `0s`: 1 s, `0.0`: 0.1 s, `0m`: 60 s).
fn duration_resolution(text: &str) -> f64 {
    let text = text.trim();
    let unit_start = text
        .rfind(|c: char| !c.is_ascii_alphabetic())
        .map_or(0, |i| i + 1);
    let scale = match &text[unit_start..] {
        "m" | "min" | "mins" | "minute" | "minutes" => 60.0,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3_600.0,
        "d" | "day" | "days" => 86_400.0,
        _ => 1.0,
    };
    let number = text[..unit_start].trim_end();
    let number_start = number
        .rfind(|c: char| !(c.is_ascii_digit() || c == '.'))
        .map_or(0, |i| i + 1);
    let decimals = number[number_start..]
        .split_once('.')
        .map_or(0, |(_, d)| d.len());
    scale * 10f64.powi(-(decimals as i32))
}

fn csv_error(file: &str, e: &CsvError) -> ImportError {
    ImportError::at(file, Some(e.line), format!("malformed CSV: {}", e.message))
        .with_hint("close the quote, or write the cell without quotes")
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
        assert_eq!(
            got.observations[1].step_at,
            Some(Position { line: 4, column: 1 })
        );

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
    fn malformed_lines_name_the_line_and_column() {
        assert_eq!(
            err("step,duration\nvpc,20m\n,5m\n"),
            "drill.csv:3:1: the line has no step id (hint: name the plan step the timing belongs to)"
        );
        assert!(
            err("step,started,ended\nvpc,2024-03-02 10:00,2024-03-02T10:20:00Z\n").starts_with(
                "drill.csv:2:5: step \"vpc\" started: \"2024-03-02 10:00\" is not a timestamp"
            )
        );
        assert!(
            err("step,duration\nvpc,twenty\n").starts_with("drill.csv:2:5: step \"vpc\" duration:")
        );
        assert!(
            err("step,duration,outcome\nvpc,5m,maybe\n")
                .starts_with("drill.csv:2:8: step \"vpc\" has unknown outcome \"maybe\"")
        );
        assert!(
            err("step,started,ended\nvpc,2024-03-02T10:20:00Z,2024-03-02T10:00:00Z\n")
                .contains("ended before it started")
        );
        assert!(
            err("step,started,ended\nvpc,2024-03-02T10:20:00Z,\n")
                .starts_with("drill.csv:2:26: step \"vpc\" has a start but no end")
        );
        assert!(err("name,when\nvpc,5m\n").starts_with("drill.csv:1: no `step` column"));
        assert!(err("step,notes\nvpc,slow\n").contains("no timing columns"));
        assert!(
            err("step,duration,Step\n")
                .starts_with("drill.csv:1:15: column \"Step\" appears twice")
        );
        assert!(err("").contains("the file is empty"));
        assert!(err("# only a comment\n\n").contains("the file is empty"));
        // A short line in the middle is an error; only the last line may be cut off.
        assert!(err("step,started,ended\nvpc,2024-03-02T10:00:00Z\ndns,2024-03-02T10:00:00Z,2024-03-02T10:01:00Z\n")
            .starts_with("drill.csv:2:1: the line has 2 fields but the header names 3"));
        assert!(parse("step,duration\nvpc,\u{0}5m\n", "x").is_err());
        assert!(
            err("step,duration\n\"vpc,5m\n")
                .starts_with("drill.csv:2: malformed CSV: a quoted field is never closed")
        );
    }

    #[test]
    fn every_bad_line_is_reported_at_once_and_sound_lines_are_kept() {
        let text = "step,duration,outcome\nvpc,20m,\ndns,soon,\n,5m,\nsg,5m,maybe\ndb,1h,\n";
        let bad = parse(text, "drill.csv").unwrap_err();
        let got: Vec<String> = bad.errors.iter().map(ImportError::without_hint).collect();
        assert_eq!(
            got,
            [
                "drill.csv:3:5: step \"dns\" duration: \"soon\" is not a time",
                "drill.csv:4:1: the line has no step id",
                "drill.csv:5:7: step \"sg\" has unknown outcome \"maybe\"",
            ]
        );
        assert!(bad.errors.iter().all(|e| e.hint.is_some()));
        let kept: Vec<&str> = bad
            .partial
            .observations
            .iter()
            .map(|o| o.step.as_str())
            .collect();
        assert_eq!(kept, ["vpc", "db"]);
        assert_eq!(bad.unreadable_steps, ["dns", "sg"]);
        // Rendered one error a line, for the command line.
        assert_eq!(bad.render("error: ").lines().count(), 3);
    }

    #[test]
    fn genuine_repeats_are_observations() {
        // Seven attempts, three of them 14 minutes: seven observations.
        let text = "step,duration\nvpc,14m\nvpc,14m\nvpc,15m\nvpc,13m\nvpc,14m\nvpc,16m\nvpc,12m\n";
        let got = parse(text, "d.csv").unwrap();
        assert_eq!(got.observations.len(), 7);
        assert!(got.warnings.is_empty(), "{:?}", got.warnings);
        // The same durations in different drills, or timed at different times: all kept.
        let text = "step,started,ended,drill\n\
            vpc,2024-03-02T10:00:00Z,2024-03-02T10:14:00Z,a\n\
            vpc,2024-03-02T10:00:00Z,2024-03-02T10:14:00Z,b\n\
            vpc,2024-03-02T11:00:00Z,2024-03-02T11:14:00Z,a\n";
        assert_eq!(parse(text, "d.csv").unwrap().observations.len(), 3);
    }

    #[test]
    fn what_a_user_wants_skipped_is_skipped_with_a_warning() {
        let text = "step,started,ended,outcome,notes\n\
            vpc,2024-03-02T10:00:00Z,2024-03-02T10:20:00Z,,ok\n\
            vpc,2024-03-02T11:00:00+01:00,2024-03-02T10:20:00Z,,dup\n\
            dns,2024-03-02T10:00:00Z,2024-03-02T10:00:00Z,,zero\n\
            sg,2024-03-02T10:2";
        let got = parse(text, "drill.csv").unwrap();
        let w: Vec<String> = got.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            w,
            [
                "drill.csv:1: ignoring unknown column \"notes\"",
                "drill.csv:3: step \"vpc\" repeats line 2 (the same drill, step, start and end); skipped",
                "drill.csv:5: the last line is truncated (2 of 5 fields); skipped",
                "drill.csv: 1 attempt took 0 s (line 4); under the file's 1 s resolution, each is read as 0.5 s, half the resolution",
            ]
        );
        // The 0 s attempt is an observation of half the resolution, not dropped.
        let d: Vec<(&str, f64)> = got
            .observations
            .iter()
            .map(|o| (o.step.as_str(), o.duration_seconds))
            .collect();
        assert_eq!(d, [("vpc", 1200.0), ("dns", 0.5)]);
    }

    #[test]
    fn zero_durations_take_half_their_resolution() {
        let text = "step,duration\na,0\nb,0m\nc,0.0\nd,0h\n";
        let got = parse(text, "d.csv").unwrap();
        let d: Vec<f64> = got
            .observations
            .iter()
            .map(|o| o.duration_seconds)
            .collect();
        assert_eq!(d, [0.5, 30.0, 0.05, 1800.0]);
        assert_eq!(got.warnings.len(), 1);
        assert!(
            got.warnings[0]
                .message
                .contains("each is read as half that resolution")
        );
        let stamped = "step,started,ended\na,2024-03-02T10:00:00.250Z,2024-03-02T10:00:00.250Z\n";
        assert_eq!(
            parse(stamped, "d.csv").unwrap().observations[0].duration_seconds,
            0.0005
        );
    }
}
