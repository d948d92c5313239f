//! Terragrunt run reports (`terragrunt run --all apply --report-file report.csv|json`): one
//! observation per unit attempt.
//!
//! The report has one row (CSV) or object (JSON) per unit with `Name`, `Started`, `Ended`,
//! `Result` (succeeded, failed, early exit, excluded), `Reason` and `Cause`; keys are matched
//! case-insensitively since the CSV capitalises them and the JSON does not. Succeeded and failed
//! units are attempts; excluded units and early exits never ran and are skipped. Unit paths are
//! normalised to step ids by removing the directory prefix all units share.
//!
//! What the result alone hides is recorded from the reason:
//!
//! - `succeeded` with reason `retry succeeded`: Terragrunt retried the unit after an error, so
//!   it is a failed attempt and then a successful one. The report times only the unit, so its
//!   time is split evenly between the two (the least-informed split; the total stays exact).
//! - `succeeded` with reason `error ignored`: the unit's apply failed and an `errors` block told
//!   Terragrunt to carry on, so it is a failed attempt.
//!
//! The CSV report has one-second resolution, so a fast unit shows 0 s. It is written as it is
//! (started equals ended, 0 s) with one warning; the drill-log reader then reads a 0 s attempt
//! as half the resolution (see [`super::drill_csv`]), so it still counts as an observation.
//!
//! A report is read twice, without building a tree of it: once to check every row and find the
//! shared prefix, once to hand each observation to the caller, so memory holds the text, the
//! unit names (as slices of it) and what the caller keeps.

use std::borrow::Cow;
use std::collections::HashMap;

use super::csv_text::{CsvError, Records};
use super::json::{self, Entry, Stop, Val};
use super::{
    CommonPrefix, ImportError, ImportWarning, Imported, Observation, Outcome, TIMESTAMP_HINT,
    parse_timestamp, timestamp_resolution, unit_id,
};

const COLUMNS_HINT: &str = "a Terragrunt report has the columns Name,Started,Ended,Result,Reason,Cause; write one with --report-file report.csv";

const REPORT_HINT: &str =
    "write the report with `terragrunt run --all apply --report-file report.csv` (or report.json)";

/// One unit as the report lists it, before checking.
struct Row<'t> {
    line: u64,
    name: Cow<'t, str>,
    started: Cow<'t, str>,
    ended: Cow<'t, str>,
    result: Cow<'t, str>,
    reason: Cow<'t, str>,
}

/// What a row's result and reason say happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// One attempt with this outcome.
    Ran(Outcome),
    /// A failed attempt, then a successful retry.
    Retried,
    /// A failed attempt whose error was ignored.
    Ignored,
    /// The unit never ran.
    Skipped,
}

fn kind(row: &Row<'_>, file: &str) -> Result<Kind, ImportError> {
    let reason = row.reason.trim().to_ascii_lowercase();
    Ok(match row.result.trim().to_ascii_lowercase().as_str() {
        "succeeded" | "success" => match reason.as_str() {
            "retry succeeded" => Kind::Retried,
            "error ignored" => Kind::Ignored,
            _ => Kind::Ran(Outcome::Succeeded),
        },
        "failed" | "failure" => Kind::Ran(Outcome::Failed),
        "excluded" | "early exit" | "early_exit" | "skipped" => Kind::Skipped,
        other => {
            return Err(ImportError::at(
                file,
                Some(row.line),
                format!("unit \"{}\" has unknown result \"{other}\"", row.name),
            )
            .with_hint("Terragrunt reports succeeded, failed, early exit or excluded"));
        }
    })
}

/// Reads a run report, CSV or JSON (told apart by the first character: `[` or `{` means JSON).
pub fn parse(text: &str, file: &str, drill: Option<&str>) -> Result<Imported, ImportError> {
    let mut observations = Vec::new();
    let warnings = for_each(text, file, drill, |o| observations.push(o))?;
    Ok(Imported {
        observations,
        warnings,
        running: Vec::new(),
    })
}

/// Reads a run report and hands each observation to `emit`, in report order, without keeping
/// them; returns the warnings. Nothing is emitted unless the whole report is sound.
pub fn for_each<'t>(
    text: &'t str,
    file: &str,
    drill: Option<&str>,
    mut emit: impl FnMut(Observation),
) -> Result<Vec<ImportWarning>, ImportError> {
    let lead = text.trim_start();
    if lead.is_empty() {
        return Err(ImportError::at(file, None, "the file is empty").with_hint(REPORT_HINT));
    }
    let json = lead.starts_with('[') || lead.starts_with('{');
    let mut warnings = Vec::new();

    // First pass: every row checked, the shared prefix found.
    let mut first_line: HashMap<&'t str, u64> = HashMap::new();
    let mut first_line_owned: HashMap<String, u64> = HashMap::new();
    let mut prefix = CommonPrefix::default();
    let (mut rows_seen, mut ran, mut skipped, mut retried, mut ignored) = (0u64, 0u64, 0, 0, 0);
    // Units that took 0 s, and the coarsest resolution among them.
    let (mut zero, mut resolution) = (0u64, 0.0_f64);
    let mut check = |row: Row<'t>| -> Result<(), ImportError> {
        rows_seen += 1;
        if row.name.is_empty() {
            return Err(
                ImportError::at(file, Some(row.line), "the unit has no name")
                    .with_hint(COLUMNS_HINT),
            );
        }
        let earlier = match &row.name {
            Cow::Borrowed(n) => first_line.insert(n, row.line),
            Cow::Owned(n) => first_line_owned.insert(n.clone(), row.line),
        };
        if let Some(first) = earlier {
            return Err(ImportError::at(
                file,
                Some(row.line),
                format!(
                    "unit \"{}\" appears twice (first at line {first})",
                    row.name
                ),
            )
            .with_hint("a report holds one run; import the report of each run separately"));
        }
        prefix.add(&row.name);
        let k = kind(&row, file)?;
        if k == Kind::Skipped {
            skipped += 1;
            return Ok(());
        }
        let (t0, t1) = times(&row, file)?;
        ran += 1;
        match k {
            Kind::Retried => retried += 1,
            Kind::Ignored => ignored += 1,
            _ => {}
        }
        if t0 == t1 {
            zero += 1;
            resolution = resolution
                .max(timestamp_resolution(&row.started))
                .max(timestamp_resolution(&row.ended));
        }
        Ok(())
    };
    rows(text, file, json, &mut warnings, &mut check)?;
    drop(first_line);
    drop(first_line_owned);
    if ran == 0 {
        let message = if rows_seen == 0 {
            "the report lists no units".to_string()
        } else {
            format!(
                "none of the {rows_seen} unit{} in the report ran (excluded or early exit), so there is nothing to time",
                plural(rows_seen)
            )
        };
        return Err(ImportError::at(file, None, message).with_hint(REPORT_HINT));
    }
    let counted = [
        (
            skipped,
            format!(
                "skipped {skipped} unit{} that did not run (excluded or early exit)",
                plural(skipped)
            ),
        ),
        (
            retried,
            format!(
                "{retried} unit{} succeeded on a retry (reason \"retry succeeded\"): each is recorded as a failed attempt and a successful one, the unit's time split evenly between them, since the report times only the unit",
                plural(retried)
            ),
        ),
        (
            ignored,
            format!(
                "{ignored} unit{} failed with the error ignored (reason \"error ignored\"): recorded as failed attempts",
                plural(ignored)
            ),
        ),
        (
            zero,
            format!(
                "{zero} unit{} took 0 s, under the report's {} resolution; written as 0 s, they are read back as {}, half the resolution",
                plural(zero),
                super::format_resolution(resolution),
                super::format_resolution(resolution / 2.0)
            ),
        ),
    ];
    for (count, message) in counted {
        if count > 0 {
            warnings.push(ImportWarning::at(file, None, message));
        }
    }

    // Second pass: the observations.
    let common = prefix.components();
    rows(text, file, json, &mut Vec::new(), |row| {
        let k = kind(&row, file)?;
        if k == Kind::Skipped {
            return Ok(());
        }
        let (t0, t1) = times(&row, file)?;
        let id = unit_id(&row.name, common);
        match k {
            Kind::Ran(outcome) => emit(Observation::timed(&id, t0, t1, outcome, drill, file)),
            Kind::Ignored => emit(Observation::timed(
                &id,
                t0,
                t1,
                Outcome::Failed,
                drill,
                file,
            )),
            Kind::Retried => {
                let half = t1.duration_since(t0) / 2;
                let mid = t0.checked_add(half).unwrap_or(t0);
                emit(Observation::timed(
                    &id,
                    t0,
                    mid,
                    Outcome::Failed,
                    drill,
                    file,
                ));
                emit(Observation::timed(
                    &id,
                    mid,
                    t1,
                    Outcome::Succeeded,
                    drill,
                    file,
                ));
            }
            Kind::Skipped => {}
        }
        Ok(())
    })?;
    Ok(warnings)
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A row's start and end.
fn times(row: &Row<'_>, file: &str) -> Result<(jiff::Timestamp, jiff::Timestamp), ImportError> {
    let time = |what: &str, text: &str| {
        parse_timestamp(text).map_err(|m| {
            ImportError::at(
                file,
                Some(row.line),
                format!("unit \"{}\" {what}: {m}", row.name),
            )
            .with_hint(TIMESTAMP_HINT)
        })
    };
    let (t0, t1) = (time("started", &row.started)?, time("ended", &row.ended)?);
    if t1 < t0 {
        return Err(ImportError::at(
            file,
            Some(row.line),
            format!("unit \"{}\" ended before it started", row.name),
        ));
    }
    Ok((t0, t1))
}

/// Calls `f` with each row of the report.
fn rows<'t>(
    text: &'t str,
    file: &str,
    json: bool,
    warnings: &mut Vec<ImportWarning>,
    f: impl FnMut(Row<'t>) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    if json {
        json_rows(text, file, f)
    } else {
        csv_rows(text, file, warnings, f)
    }
}

fn csv_rows<'t>(
    text: &'t str,
    file: &str,
    warnings: &mut Vec<ImportWarning>,
    mut f: impl FnMut(Row<'t>) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let csv_err = |e: CsvError| {
        ImportError::at(file, Some(e.line), format!("malformed CSV: {}", e.message))
            .with_hint(COLUMNS_HINT)
    };
    let mut records = Records::new(text);
    let mut fields: Vec<Cow<'t, str>> = Vec::new();
    let header_line = records
        .next_into(&mut fields)
        .map_err(csv_err)?
        .unwrap_or(1);
    let find = |name: &str| fields.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(name), Some(started), Some(ended), Some(result)) =
        (find("name"), find("started"), find("ended"), find("result"))
    else {
        return Err(ImportError::at(
            file,
            Some(header_line),
            "the header lacks Name, Started, Ended or Result",
        )
        .with_hint(COLUMNS_HINT));
    };
    let reason = find("reason");
    let columns = fields.len();
    let needed = name.max(started).max(ended).max(result) + 1;
    while let Some(line) = records.next_into(&mut fields).map_err(csv_err)? {
        if fields.len() < needed {
            if records.at_end() {
                warnings.push(ImportWarning::at(
                    file,
                    Some(line),
                    "the last line is truncated; skipped",
                ));
                continue;
            }
            return Err(ImportError::at(
                file,
                Some(line),
                format!(
                    "the line has {} fields but the header names {columns}",
                    fields.len()
                ),
            )
            .with_hint(COLUMNS_HINT));
        }
        let reason = match reason {
            Some(r) if r < fields.len() => std::mem::take(&mut fields[r]),
            _ => Cow::Borrowed(""),
        };
        let row = Row {
            line,
            name: std::mem::take(&mut fields[name]),
            started: std::mem::take(&mut fields[started]),
            ended: std::mem::take(&mut fields[ended]),
            result: std::mem::take(&mut fields[result]),
            reason,
        };
        f(row)?;
    }
    Ok(())
}

fn json_rows<'t>(
    text: &'t str,
    file: &str,
    mut f: impl FnMut(Row<'t>) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    const ENTRY_HINT: &str = "a Terragrunt JSON report entry has name, started, ended and result";
    let walked = json::for_each_entry(text, |line, item: Entry<'t>| {
        let Entry::Object(_) = &item else {
            return Err(
                ImportError::at(file, Some(line), "a report entry is not an object")
                    .with_hint(ENTRY_HINT),
            );
        };
        let mut item = item;
        let mut get = |key: &str| -> Result<Cow<'t, str>, ImportError> {
            match take(&mut item, key) {
                Some(Val::Str(s)) => Ok(s),
                Some(_) => {
                    Err(
                        ImportError::at(file, Some(line), format!("`{key}` is not a string"))
                            .with_hint(ENTRY_HINT),
                    )
                }
                None => Err(
                    ImportError::at(file, Some(line), format!("the entry has no `{key}`"))
                        .with_hint(ENTRY_HINT),
                ),
            }
        };
        let row = Row {
            line,
            name: get("name")?,
            started: get("started")?,
            ended: get("ended")?,
            result: get("result")?,
            reason: get("reason").unwrap_or(Cow::Borrowed("")),
        };
        f(row)
    });
    match walked {
        Ok(()) => Ok(()),
        Err(Stop::Callback(e)) => Err(e),
        Err(Stop::NotArray) => Err(ImportError::at(
            file,
            Some(1),
            "the report is not a JSON array",
        )
        .with_hint(
            "a Terragrunt JSON report is an array of objects with name, started, ended and result",
        )),
        Err(Stop::Malformed(line, m)) => Err(ImportError::at(
            file,
            Some(line),
            format!("malformed JSON: {m}"),
        )
        .with_hint(
            "a Terragrunt JSON report is an array of objects with name, started, ended and result",
        )),
    }
}

/// Moves the value of `key` (matched case-insensitively) out of an object entry.
fn take<'t>(entry: &mut Entry<'t>, key: &str) -> Option<Val<'t>> {
    match entry {
        Entry::Object(fields) => fields
            .iter_mut()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| std::mem::replace(v, Val::Other)),
        Entry::NotObject => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "Name,Started,Ended,Result,Reason,Cause\n\
        live/prod/vpc,2025-06-05T16:28:41-04:00,2025-06-05T16:31:02-04:00,succeeded,,\n\
        live/prod/db,2025-06-05T16:31:02-04:00,2025-06-05T16:52:40-04:00,failed,run error,\n\
        live/prod/app,2025-06-05T16:52:40-04:00,2025-06-05T16:52:40-04:00,early exit,run error,\n";

    #[test]
    fn csv_and_json_reports_give_the_same_observations() {
        let a = parse(CSV, "r.csv", Some("gd")).unwrap();
        let json = r#"[
          { "name": "live/prod/vpc", "started": "2025-06-05T16:28:41-04:00", "ended": "2025-06-05T16:31:02-04:00", "result": "succeeded" },
          { "Name": "live/prod/db", "Started": "2025-06-05T16:31:02-04:00", "Ended": "2025-06-05T16:52:40-04:00", "Result": "failed", "Reason": "run error" },
          { "name": "live/prod/app", "started": "2025-06-05T16:52:40-04:00", "ended": "2025-06-05T16:52:40-04:00", "result": "early exit" }
        ]"#;
        let b = parse(json, "r.csv", Some("gd")).unwrap();
        assert_eq!(a, b);
        let steps: Vec<(&str, f64, Outcome)> = a
            .observations
            .iter()
            .map(|o| (o.step.as_str(), o.duration_seconds, o.outcome))
            .collect();
        assert_eq!(
            steps,
            [
                ("vpc", 141.0, Outcome::Succeeded),
                ("db", 1298.0, Outcome::Failed)
            ]
        );
        assert_eq!(
            a.warnings[0].message,
            "skipped 1 unit that did not run (excluded or early exit)"
        );
    }

    #[test]
    fn malformed_reports() {
        let e = |t: &str| parse(t, "r", None).unwrap_err().to_string();
        let dup = format!(
            "{CSV}live/prod/vpc,2025-06-05T17:00:00-04:00,2025-06-05T17:01:00-04:00,succeeded,,\n"
        );
        assert!(
            e(&dup).starts_with("r:5: unit \"live/prod/vpc\" appears twice (first at line 2)"),
            "{}",
            e(&dup)
        );
        let bad = CSV.replace(
            "2025-06-05T16:31:02-04:00,2025-06-05T16:52:40",
            "2025-06-05T16:31:02-04:00,June 5th",
        );
        assert!(
            e(&bad).starts_with("r:3: unit \"live/prod/db\" ended:"),
            "{}",
            e(&bad)
        );
        assert!(e("Name,When\nx,y\n").starts_with("r:1: the header lacks"));
        let res = CSV.replace("failed,run error", "exploded,run error");
        assert!(e(&res).contains("unknown result \"exploded\""));
        let json = "[\n {\"name\": \"a\", \"started\": \"2025-06-05T16:28:41Z\", \"ended\": \"2025-06-05T16:29:41Z\", \"result\": \"succeeded\"},\n {\"name\": \"b\", \"started\": \"2025-06-05T16:28:41Z\"}\n]";
        assert!(
            e(json).starts_with("r:3: the entry has no `ended`"),
            "{}",
            e(json)
        );
        assert!(e("[{\"name\": \"a\",").starts_with("r:1: malformed JSON"));
        // A truncated last CSV line is skipped with a warning.
        let cut = format!("{CSV}live/prod/dns,2025-06-05T1");
        let got = parse(&cut, "r", None).unwrap();
        assert_eq!(got.observations.len(), 2);
        assert!(
            got.warnings
                .iter()
                .any(|w| w.to_string() == "r:5: the last line is truncated; skipped")
        );
    }

    #[test]
    fn retries_and_ignored_errors_record_their_failed_attempts() {
        let text = "Name,Started,Ended,Result,Reason,Cause\n\
            live/a,2025-06-05T10:00:00Z,2025-06-05T10:10:00Z,succeeded,retry succeeded,\n\
            live/b,2025-06-05T10:00:00Z,2025-06-05T10:04:00Z,succeeded,error ignored,\n\
            live/c,2025-06-05T10:00:00Z,2025-06-05T10:01:00Z,succeeded,,\n";
        let got = parse(text, "r.csv", None).unwrap();
        let steps: Vec<(&str, f64, Outcome)> = got
            .observations
            .iter()
            .map(|o| (o.step.as_str(), o.duration_seconds, o.outcome))
            .collect();
        assert_eq!(
            steps,
            [
                ("a", 300.0, Outcome::Failed),
                ("a", 300.0, Outcome::Succeeded),
                ("b", 240.0, Outcome::Failed),
                ("c", 60.0, Outcome::Succeeded),
            ]
        );
        // The attempts of a retried unit cover its time without a gap.
        assert_eq!(got.observations[0].ended, got.observations[1].started);
        let w: Vec<&str> = got.warnings.iter().map(|w| w.message.as_str()).collect();
        assert!(w[0].starts_with("1 unit succeeded on a retry"), "{w:?}");
        assert!(
            w[1].starts_with("1 unit failed with the error ignored"),
            "{w:?}"
        );
    }

    #[test]
    fn zero_second_units_are_kept_with_one_warning_about_resolution() {
        let text = "Name,Started,Ended,Result,Reason,Cause\n\
            live/a,2025-06-05T10:00:00Z,2025-06-05T10:00:00Z,succeeded,,\n\
            live/b,2025-06-05T10:00:00Z,2025-06-05T10:00:00Z,succeeded,,\n\
            live/c,2025-06-05T10:00:00Z,2025-06-05T10:01:00Z,succeeded,,\n";
        let got = parse(text, "r.csv", None).unwrap();
        assert_eq!(got.observations.len(), 3);
        assert_eq!(got.warnings.len(), 1, "{:?}", got.warnings);
        assert_eq!(
            got.warnings[0].message,
            "2 units took 0 s, under the report's 1 s resolution; written as 0 s, they are read back as 0.5 s, half the resolution"
        );
        // Read back as a drill log, they are observations of half a second.
        let csv = crate::import::observations_csv(&got.observations).unwrap();
        let back = crate::import::drill_csv::parse(&csv, "obs.csv").unwrap();
        let d: Vec<f64> = back
            .observations
            .iter()
            .map(|o| o.duration_seconds)
            .collect();
        assert_eq!(d, [0.5, 0.5, 60.0]);
    }

    #[test]
    fn a_report_with_nothing_to_time_is_an_error() {
        let e = |t: &str| parse(t, "r.json", None).unwrap_err().to_string();
        assert!(
            e("").starts_with("r.json: the file is empty (hint: write the report"),
            "{}",
            e("")
        );
        assert!(e("  \n").starts_with("r.json: the file is empty"));
        assert!(
            e("[]").starts_with("r.json: the report lists no units"),
            "{}",
            e("[]")
        );
        assert!(
            e("{}").starts_with("r.json:1: the report is not a JSON array"),
            "{}",
            e("{}")
        );
        assert!(e("Name,Started,Ended,Result\n").starts_with("r.json: the report lists no units"));
        let skipped =
            "Name,Started,Ended,Result\na,2025-06-05T10:00:00Z,2025-06-05T10:00:00Z,excluded\n";
        assert!(
            e(skipped).starts_with("r.json: none of the 1 unit in the report ran"),
            "{}",
            e(skipped)
        );
    }
}
