//! Terragrunt run reports (`terragrunt run --all apply --report-file report.csv|json`): one
//! observation per unit.
//!
//! The report has one row (CSV) or object (JSON) per unit with `Name`, `Started`, `Ended`,
//! `Result` (succeeded, failed, early exit, excluded), `Reason` and `Cause`; keys are matched
//! case-insensitively since the CSV capitalises them and the JSON does not. Succeeded and failed
//! units are attempts; excluded units and early exits never ran and are skipped. Unit paths are
//! normalised to step ids by removing the directory prefix all units share.

use std::collections::HashMap;

use serde_json::Value;

use super::{
    ImportError, ImportWarning, Imported, Observation, Outcome, TIMESTAMP_HINT,
    normalize_unit_paths, parse_timestamp,
};

const COLUMNS_HINT: &str = "a Terragrunt report has the columns Name,Started,Ended,Result,Reason,Cause; write one with --report-file report.csv";

/// One unit as the report lists it, before checking.
struct Row {
    line: u64,
    name: String,
    started: String,
    ended: String,
    result: String,
}

/// Reads a run report, CSV or JSON (told apart by the first character: `[` means JSON).
pub fn parse(text: &str, file: &str, drill: Option<&str>) -> Result<Imported, ImportError> {
    let mut out = Imported::default();
    let rows = if text.trim_start().starts_with('[') {
        json_rows(text, file)?
    } else {
        csv_rows(text, file, &mut out.warnings)?
    };
    let mut first_line: HashMap<&str, u64> = HashMap::new();
    for row in &rows {
        if row.name.is_empty() {
            return Err(
                ImportError::at(file, Some(row.line), "the unit has no name")
                    .with_hint(COLUMNS_HINT),
            );
        }
        if let Some(first) = first_line.insert(&row.name, row.line) {
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
    }
    let names: Vec<String> = rows.iter().map(|r| r.name.clone()).collect();
    let ids = normalize_unit_paths(&names);
    let mut skipped = 0;
    for (row, id) in rows.iter().zip(&ids) {
        let outcome = match row.result.trim().to_ascii_lowercase().as_str() {
            "succeeded" | "success" => Outcome::Succeeded,
            "failed" | "failure" => Outcome::Failed,
            "excluded" | "early exit" | "early_exit" | "skipped" => {
                skipped += 1;
                continue;
            }
            other => {
                return Err(ImportError::at(
                    file,
                    Some(row.line),
                    format!("unit \"{}\" has unknown result \"{other}\"", row.name),
                )
                .with_hint("Terragrunt reports succeeded, failed, early exit or excluded"));
            }
        };
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
        let o = Observation::timed(id, t0, t1, outcome, drill, file);
        if o.duration_seconds < 0.0 {
            return Err(ImportError::at(
                file,
                Some(row.line),
                format!("unit \"{}\" ended before it started", row.name),
            ));
        }
        out.observations.push(o);
    }
    if skipped > 0 {
        out.warnings.push(ImportWarning::at(
            file,
            None,
            format!(
                "skipped {skipped} unit{} that did not run (excluded or early exit)",
                if skipped == 1 { "" } else { "s" }
            ),
        ));
    }
    Ok(out)
}

fn csv_rows(
    text: &str,
    file: &str,
    warnings: &mut Vec<ImportWarning>,
) -> Result<Vec<Row>, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let csv_err = |e: csv::Error| {
        ImportError::at(
            file,
            e.position().map(|p| p.line()),
            format!("malformed CSV: {e}"),
        )
    };
    let headers = reader.headers().map_err(csv_err)?.clone();
    let find = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(name), Some(started), Some(ended), Some(result)) =
        (find("name"), find("started"), find("ended"), find("result"))
    else {
        return Err(ImportError::at(
            file,
            Some(1),
            "the header lacks Name, Started, Ended or Result",
        )
        .with_hint(COLUMNS_HINT));
    };
    let needed = name.max(started).max(ended).max(result) + 1;
    let records: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .map_err(csv_err)?;
    let mut rows = Vec::new();
    for (k, r) in records.iter().enumerate() {
        let line = r.position().map_or(0, |p| p.line());
        if r.len() < needed {
            if k + 1 == records.len() {
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
                    "the line has {} fields but the header names {}",
                    r.len(),
                    headers.len()
                ),
            )
            .with_hint(COLUMNS_HINT));
        }
        let cell = |i: usize| r.get(i).unwrap_or("").to_string();
        rows.push(Row {
            line,
            name: cell(name),
            started: cell(started),
            ended: cell(ended),
            result: cell(result),
        });
    }
    Ok(rows)
}

fn json_rows(text: &str, file: &str) -> Result<Vec<Row>, ImportError> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        ImportError::at(file, Some(e.line() as u64), format!("malformed JSON: {e}")).with_hint(
            "a Terragrunt JSON report is an array of objects with name, started, ended and result",
        )
    })?;
    let Value::Array(items) = value else {
        return Err(ImportError::at(
            file,
            Some(1),
            "the report is not a JSON array",
        ));
    };
    let lines = object_lines(text);
    let mut rows = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let line = lines.get(i).copied().unwrap_or(1);
        let Value::Object(map) = item else {
            return Err(ImportError::at(
                file,
                Some(line),
                "a report entry is not an object",
            ));
        };
        let get = |key: &str| -> Result<String, ImportError> {
            let v = map
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v);
            match v {
                Some(Value::String(s)) => Ok(s.clone()),
                Some(_) => Err(ImportError::at(
                    file,
                    Some(line),
                    format!("`{key}` is not a string"),
                )),
                None => Err(
                    ImportError::at(file, Some(line), format!("the entry has no `{key}`"))
                        .with_hint(
                            "a Terragrunt JSON report entry has name, started, ended and result",
                        ),
                ),
            }
        };
        rows.push(Row {
            line,
            name: get("name")?,
            started: get("started")?,
            ended: get("ended")?,
            result: get("result")?,
        });
    }
    Ok(rows)
}

/// The line on which each object of a top-level JSON array starts, so errors about an entry
/// can name its line although `serde_json::Value` keeps no positions.
fn object_lines(text: &str) -> Vec<u64> {
    let (mut depth, mut line, mut in_string, mut escaped) = (0usize, 1u64, false, false);
    let mut out = Vec::new();
    for c in text.chars() {
        if c == '\n' {
            line += 1;
        }
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '[' | '{' => {
                if c == '{' && depth == 1 {
                    out.push(line);
                }
                depth += 1;
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    out
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
}
