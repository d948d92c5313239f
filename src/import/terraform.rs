//! `terraform apply -json` (and OpenTofu's) logs: one observation per apply.
//!
//! The log is Terraform's machine-readable UI: one JSON message per line with `@timestamp`
//! (RFC 3339, microseconds and an offset), `type` and, for resource hooks, `hook.resource.addr`.
//! An apply lasts from its first resource change (`apply_start` of anything but a data-source
//! read: the reads of the plan phase come before the apply and are not part of it) to its last
//! `apply_complete` or `apply_errored`, measured on the timestamps rather than the rounded
//! `elapsed_seconds`. A `version` message starts a new apply, so logs of several runs appended
//! to one file give one observation each.
//!
//! The outcome: an `apply_errored` message or an error `diagnostic` makes the apply a failed
//! attempt. The closing `change_summary` ("Apply complete! Resources: 18 added, ...") with no
//! error makes it a success even when some resource's completion message is missing; the apply
//! then ends at the summary. Without either, a resource that started and never finished means
//! the log was cut off, and the apply counts as failed.
//!
//! A log with no resource change (a plan, a failed plan, an apply that changed nothing) says
//! why in [`TerraformLog::no_apply`]. Unknown message types and lines that are not JSON (shell
//! noise, a wrapper's output) are skipped, as the UI's compatibility rules ask; a UI major
//! version other than 0 or 1 is rejected.

use std::collections::HashMap;

use serde_json::Value;

use super::{ImportError, ImportWarning, Observation, Outcome, TIMESTAMP_HINT, parse_timestamp};

const RECORD_HINT: &str =
    "record the apply with `terraform apply -json > LOG` (or `tofu apply -json`)";

/// How long one resource took within an apply.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceTiming {
    /// The resource address, such as `module.db.aws_rds_cluster.main`.
    pub addr: String,
    /// The action: create, update, delete, replace...
    pub action: String,
    /// Seconds from its `apply_start` to its `apply_complete` or `apply_errored`.
    pub seconds: f64,
    /// Whether it errored.
    pub failed: bool,
}

/// One apply found in a log.
#[derive(Debug, Clone, PartialEq)]
pub struct Apply {
    /// The attempt as an observation.
    pub observation: Observation,
    /// Resources that finished, slowest first.
    pub resources: Vec<ResourceTiming>,
}

/// What a log held.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TerraformLog {
    /// The applies, in log order.
    pub applies: Vec<Apply>,
    /// Lines and applies skipped.
    pub warnings: Vec<ImportWarning>,
    /// When the log has no apply: what happened instead (a plan, a plan that failed, an apply
    /// that changed nothing). An import that yields nothing at all should fail with it.
    pub no_apply: Option<ImportWarning>,
}

#[derive(Default)]
struct Segment {
    first_line: u64,
    first_start: Option<jiff::Timestamp>,
    last_end: Option<jiff::Timestamp>,
    errored: bool,
    /// The first error diagnostic: its line and summary.
    error: Option<(u64, String)>,
    /// The closing summary of an apply or destroy: line, time and message.
    summary: Option<(u64, jiff::Timestamp, String)>,
    /// The summary of a plan: line and message.
    plan: Option<(u64, String)>,
    /// A data source whose read failed before any change: line and address.
    read_failed: Option<(u64, String)>,
    open: HashMap<String, (jiff::Timestamp, String)>,
    resources: Vec<ResourceTiming>,
}

/// Reads one log. Each apply becomes an observation of `step` in `drill`, with the file as its
/// source.
pub fn parse(
    text: &str,
    file: &str,
    step: &str,
    drill: Option<&str>,
) -> Result<TerraformLog, ImportError> {
    if text.trim().is_empty() {
        return Err(ImportError::at(file, None, "the file is empty").with_hint(RECORD_HINT));
    }
    let mut log = TerraformLog::default();
    let mut seg = Segment::default();
    let mut reasons: Vec<ImportWarning> = Vec::new();
    let mut non_json: Vec<u64> = Vec::new();
    let total_lines = text.lines().count() as u64;
    for (i, raw) in text.lines().enumerate() {
        let line = i as u64 + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            continue;
        }
        if !trimmed.starts_with('{') {
            non_json.push(line);
            continue;
        }
        let msg: Value = match serde_json::from_str(trimmed) {
            Ok(v) => v,
            Err(e) => {
                let what = if line == total_lines {
                    "the last line is truncated"
                } else {
                    "the line is not a complete JSON message"
                };
                log.warnings.push(ImportWarning::at(
                    file,
                    Some(line),
                    format!("{what} ({e}); skipped"),
                ));
                continue;
            }
        };
        let Some(kind) = msg.get("type").and_then(Value::as_str) else {
            non_json.push(line);
            continue;
        };
        match kind {
            "version" => {
                if let Some(ui) = msg.get("ui").and_then(Value::as_str) {
                    let major = ui.split('.').next().unwrap_or("");
                    if major != "0" && major != "1" {
                        return Err(ImportError::at(
                            file,
                            Some(line),
                            format!("machine-readable UI version {ui} is not supported"),
                        )
                        .with_hint("rtosim reads UI versions 0.x and 1.x (Terraform 0.15.3 and later, OpenTofu)"));
                    }
                }
                finish(
                    &mut log,
                    &mut reasons,
                    std::mem::take(&mut seg),
                    file,
                    step,
                    drill,
                );
                seg.first_line = line;
            }
            "apply_start" | "apply_complete" | "apply_errored" => {
                let at = timestamp(&msg, file, line)?;
                let hook = msg.get("hook");
                let addr = hook
                    .and_then(|h| h.get("resource"))
                    .and_then(|r| r.get("addr"))
                    .and_then(Value::as_str);
                let action = hook
                    .and_then(|h| h.get("action"))
                    .and_then(Value::as_str)
                    .unwrap_or("apply")
                    .to_string();
                if seg.first_line == 0 {
                    seg.first_line = line;
                }
                // Data-source reads before the first change are the plan phase, not the apply.
                let read = action == "read"
                    || addr.is_some_and(|a| a.starts_with("data.") || a.contains(".data."));
                if read && seg.first_start.is_none() {
                    if kind == "apply_errored" && seg.read_failed.is_none() {
                        seg.read_failed = Some((line, addr.unwrap_or("a data source").to_string()));
                    }
                    continue;
                }
                if addr.is_none() {
                    log.warnings.push(ImportWarning::at(
                        file,
                        Some(line),
                        format!("{kind} message has no hook.resource.addr; counted for the apply but not per resource"),
                    ));
                }
                if kind == "apply_start" {
                    seg.first_start = Some(seg.first_start.map_or(at, |t| t.min(at)));
                    if let Some(addr) = addr {
                        seg.open.insert(addr.to_string(), (at, action));
                    }
                } else {
                    let failed = kind == "apply_errored";
                    seg.errored |= failed;
                    seg.last_end = Some(seg.last_end.map_or(at, |t| t.max(at)));
                    if let Some((start, action)) = addr.and_then(|a| seg.open.remove(a)) {
                        seg.resources.push(ResourceTiming {
                            addr: addr.unwrap_or_default().to_string(),
                            action,
                            seconds: super::seconds_between(start, at).max(0.0),
                            failed,
                        });
                    }
                }
            }
            "diagnostic" => {
                let severity = msg
                    .get("diagnostic")
                    .and_then(|d| d.get("severity"))
                    .and_then(Value::as_str);
                if severity == Some("error") && seg.error.is_none() {
                    let summary = msg
                        .get("diagnostic")
                        .and_then(|d| d.get("summary"))
                        .and_then(Value::as_str)
                        .unwrap_or("an error")
                        .to_string();
                    seg.error = Some((line, summary));
                }
            }
            "change_summary" => {
                let message = msg
                    .get("@message")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                let operation = msg
                    .get("changes")
                    .and_then(|c| c.get("operation"))
                    .and_then(Value::as_str);
                if operation == Some("plan") {
                    seg.plan = Some((line, message));
                } else {
                    seg.summary = Some((line, timestamp(&msg, file, line)?, message));
                }
            }
            _ => {}
        }
    }
    finish(&mut log, &mut reasons, seg, file, step, drill);
    if let Some(&first) = non_json.first() {
        if log.applies.is_empty()
            && log.warnings.is_empty()
            && reasons.is_empty()
            && non_json.len() as u64 == total_lines
        {
            return Err(
                ImportError::at(file, Some(first), "no JSON messages in the file")
                    .with_hint(RECORD_HINT),
            );
        }
    }
    if log.applies.is_empty() {
        log.no_apply = Some(reasons.pop().unwrap_or_else(|| {
            ImportWarning::at(file, None, "no resource change in the log; nothing to time")
        }));
    } else {
        log.warnings.extend(reasons);
    }
    Ok(log)
}

fn timestamp(msg: &Value, file: &str, line: u64) -> Result<jiff::Timestamp, ImportError> {
    let text = msg
        .get("@timestamp")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            ImportError::at(file, Some(line), "the message has no @timestamp")
                .with_hint("the log must come from `terraform apply -json` unchanged")
        })?;
    parse_timestamp(text).map_err(|m| {
        ImportError::at(file, Some(line), format!("@timestamp: {m}")).with_hint(TIMESTAMP_HINT)
    })
}

/// Why a run with no resource change gives no apply, or `None` for an empty segment.
fn no_change_reason(seg: &Segment, file: &str) -> Option<ImportWarning> {
    let at = |line: u64, m: String| Some(ImportWarning::at(file, Some(line), m));
    match (&seg.error, &seg.read_failed, &seg.summary, &seg.plan) {
        (Some((line, summary)), Some((_, addr)), _, _) => at(
            *line,
            format!(
                "reading data source {addr} failed before any resource changed ({summary}); nothing was applied, so there is nothing to time"
            ),
        ),
        (Some((line, summary)), None, _, _) => at(
            *line,
            format!(
                "the run failed before any resource changed ({summary}); nothing was applied, so there is nothing to time"
            ),
        ),
        (None, _, Some((line, _, message)), _) => at(
            *line,
            format!("the apply changed no resource (\"{message}\"); nothing to time"),
        ),
        (None, _, None, Some((line, message))) => at(
            *line,
            format!("the log holds a plan (\"{message}\") but no apply; nothing was applied"),
        ),
        _ => None,
    }
}

fn finish(
    log: &mut TerraformLog,
    reasons: &mut Vec<ImportWarning>,
    mut seg: Segment,
    file: &str,
    step: &str,
    drill: Option<&str>,
) {
    let Some(start) = seg.first_start else {
        reasons.extend(no_change_reason(&seg, file));
        return;
    };
    // The closing summary with no error says the apply succeeded, whatever messages are missing.
    let completed = (!seg.errored && seg.error.is_none())
        .then_some(seg.summary.as_ref())
        .flatten()
        .map(|(_, at, message)| (*at, message.clone()));
    let end = match (seg.last_end, &completed) {
        (Some(end), Some((at, _))) if !seg.open.is_empty() => end.max(*at),
        (Some(end), _) => end,
        (None, Some((at, _))) => *at,
        (None, None) => {
            log.warnings.push(ImportWarning::at(
                file,
                Some(seg.first_line),
                "the apply starting here never finished a resource and has no closing summary (the log looks cut off); skipped",
            ));
            return;
        }
    };
    let mut outcome = if seg.errored || seg.error.is_some() {
        Outcome::Failed
    } else {
        Outcome::Succeeded
    };
    if !seg.open.is_empty() {
        let mut names: Vec<&str> = seg.open.keys().map(String::as_str).collect();
        names.sort_unstable();
        let (n, list) = (names.len(), names.join(", "));
        let s = if n == 1 { "" } else { "s" };
        let message = match (&completed, outcome) {
            (Some((_, summary)), _) => format!(
                "{n} resource{s} started with no completion message ({list}); the log ends with \"{summary}\" and no error, so the apply counts as succeeded, timed to that summary"
            ),
            (None, Outcome::Failed) => {
                format!("{n} resource{s} started but never finished ({list}) as the apply failed")
            }
            (None, Outcome::Succeeded) => {
                outcome = Outcome::Failed;
                format!(
                    "{n} resource{s} started but never finished ({list}) and there is no closing summary; the log looks cut off, so the apply counts as failed"
                )
            }
        };
        log.warnings
            .push(ImportWarning::at(file, Some(seg.first_line), message));
    }
    seg.resources
        .sort_by(|a, b| b.seconds.total_cmp(&a.seconds).then(a.addr.cmp(&b.addr)));
    log.applies.push(Apply {
        observation: Observation::timed(step, start, end, outcome, drill, file),
        resources: seg.resources,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hook(kind: &str, ts: &str, addr: &str) -> String {
        format!(
            r#"{{"@level":"info","@message":"{addr}: x","@module":"terraform.ui","@timestamp":"{ts}","hook":{{"resource":{{"addr":"{addr}","module":"","resource":"{addr}","implied_provider":"aws","resource_type":"aws_vpc","resource_name":"main","resource_key":null}},"action":"create","elapsed_seconds":1}},"type":"{kind}"}}"#
        )
    }

    const VERSION: &str = r#"{"@level":"info","@message":"Terraform 1.9.5","@module":"terraform.ui","@timestamp":"2024-03-02T10:00:00.000000+01:00","terraform":"1.9.5","type":"version","ui":"1.2"}"#;

    #[test]
    fn an_apply_lasts_from_first_start_to_last_end() {
        let text = [
            VERSION.to_string(),
            "Acquiring state lock. This may take a few moments...".to_string(),
            hook("apply_start", "2024-03-02T10:00:01.500000+01:00", "aws_vpc.main"),
            hook("apply_start", "2024-03-02T10:00:02.000000+01:00", "aws_subnet.a"),
            hook("apply_progress", "2024-03-02T10:00:12.000000+01:00", "aws_vpc.main"),
            hook("apply_complete", "2024-03-02T10:00:20.250000+01:00", "aws_subnet.a"),
            hook("apply_complete", "2024-03-02T09:00:31.500000Z", "aws_vpc.main"),
            r#"{"@level":"info","@message":"Apply complete!","@module":"terraform.ui","@timestamp":"2024-03-02T10:00:32.000000+01:00","changes":{"add":2,"change":0,"import":0,"remove":0,"operation":"apply"},"type":"change_summary"}"#.to_string(),
        ]
        .join("\n");
        let log = parse(&text, "vpc.log", "vpc", Some("gd-1")).unwrap();
        assert!(log.warnings.is_empty(), "{:?}", log.warnings);
        assert_eq!(log.applies.len(), 1);
        let a = &log.applies[0];
        assert_eq!(a.observation.duration_seconds, 30.0);
        assert_eq!(a.observation.outcome, Outcome::Succeeded);
        assert_eq!(a.observation.drill.as_deref(), Some("gd-1"));
        assert_eq!(a.resources[0].addr, "aws_vpc.main");
        assert_eq!(a.resources[0].seconds, 30.0);
        assert_eq!(a.resources[1].seconds, 18.25);
    }

    #[test]
    fn errored_applies_fail_and_version_lines_split_runs() {
        let text = [
            VERSION.to_string(),
            hook("apply_start", "2024-03-02T10:00:00Z", "aws_db.a"),
            hook("apply_errored", "2024-03-02T10:05:00Z", "aws_db.a"),
            VERSION.to_string(),
            hook("apply_start", "2024-03-02T10:10:00Z", "aws_db.a"),
            hook("apply_complete", "2024-03-02T10:30:00Z", "aws_db.a"),
        ]
        .join("\n");
        let log = parse(&text, "db.log", "db", None).unwrap();
        let got: Vec<(f64, Outcome)> = log
            .applies
            .iter()
            .map(|a| (a.observation.duration_seconds, a.observation.outcome))
            .collect();
        assert_eq!(
            got,
            [(300.0, Outcome::Failed), (1200.0, Outcome::Succeeded)]
        );
    }

    #[test]
    fn malformed_logs() {
        // A bad timestamp on a hook is an error with the line.
        let text = [VERSION.to_string(), hook("apply_start", "10:00", "a.b")].join("\n");
        let e = parse(&text, "x.log", "x", None).unwrap_err().to_string();
        assert!(
            e.starts_with("x.log:2: @timestamp: \"10:00\" is not a timestamp"),
            "{e}"
        );
        // A missing timestamp too.
        let text = r#"{"type":"apply_start","hook":{"resource":{"addr":"a.b"}}}"#;
        let e = parse(text, "x.log", "x", None).unwrap_err().to_string();
        assert!(
            e.starts_with("x.log:1: the message has no @timestamp"),
            "{e}"
        );
        // UI 2.x is rejected.
        let v2 = VERSION.replace("\"ui\":\"1.2\"", "\"ui\":\"2.0\"");
        let e = parse(&v2, "x.log", "x", None).unwrap_err().to_string();
        assert!(e.contains("UI version 2.0 is not supported"), "{e}");
        // A file with no JSON at all.
        let e = parse("hello\nworld\n", "x.log", "x", None)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("x.log:1: no JSON messages"), "{e}");
        // A truncated last line and a resource that never finished: warnings, a failed attempt.
        let text = [
            VERSION.to_string(),
            hook("apply_start", "2024-03-02T10:00:00Z", "a.one"),
            hook("apply_start", "2024-03-02T10:00:00Z", "a.two"),
            hook("apply_complete", "2024-03-02T10:01:00Z", "a.one"),
            hook("apply_complete", "2024-03-02T10:02:00Z", "a.two")[..40].to_string(),
        ]
        .join("\n");
        let log = parse(&text, "x.log", "x", None).unwrap();
        let w: Vec<String> = log.warnings.iter().map(ToString::to_string).collect();
        assert!(
            w[0].starts_with("x.log:5: the last line is truncated"),
            "{w:?}"
        );
        assert!(
            w[1].contains("1 resource started but never finished (a.two)"),
            "{w:?}"
        );
        assert_eq!(log.applies[0].observation.outcome, Outcome::Failed);
        assert_eq!(log.applies[0].observation.duration_seconds, 60.0);
        // An apply that never finished anything is skipped with a warning.
        let text = [
            VERSION.to_string(),
            hook("apply_start", "2024-03-02T10:00:00Z", "a.one"),
        ]
        .join("\n");
        let log = parse(&text, "x.log", "x", None).unwrap();
        assert!(log.applies.is_empty());
        assert!(
            log.warnings[0]
                .message
                .contains("never finished a resource")
        );
    }

    fn read_hook(kind: &str, ts: &str, addr: &str) -> String {
        hook(kind, ts, addr).replace("\"action\":\"create\"", "\"action\":\"read\"")
    }

    fn summary(ts: &str, operation: &str, message: &str) -> String {
        format!(
            r#"{{"@level":"info","@message":"{message}","@module":"terraform.ui","@timestamp":"{ts}","changes":{{"add":18,"change":0,"import":0,"remove":0,"operation":"{operation}"}},"type":"change_summary"}}"#
        )
    }

    fn diagnostic(ts: &str, summary: &str) -> String {
        format!(
            r#"{{"@level":"error","@message":"Error: {summary}","@module":"terraform.ui","@timestamp":"{ts}","diagnostic":{{"severity":"error","summary":"{summary}","detail":""}},"type":"diagnostic"}}"#
        )
    }

    #[test]
    fn the_apply_starts_at_the_first_change_not_at_a_plan_phase_read() {
        let text = [
            VERSION.to_string(),
            read_hook("apply_start", "2024-03-02T10:00:00Z", "data.aws_ami.base"),
            read_hook(
                "apply_complete",
                "2024-03-02T10:00:02Z",
                "data.aws_ami.base",
            ),
            summary(
                "2024-03-02T10:00:05Z",
                "plan",
                "Plan: 1 to add, 0 to change, 0 to destroy.",
            ),
            hook("apply_start", "2024-03-02T10:00:10Z", "aws_instance.web"),
            hook("apply_complete", "2024-03-02T10:00:40Z", "aws_instance.web"),
            summary(
                "2024-03-02T10:00:41Z",
                "apply",
                "Apply complete! Resources: 1 added, 0 changed, 0 destroyed.",
            ),
        ]
        .join("\n");
        let log = parse(&text, "x.log", "x", None).unwrap();
        assert!(log.warnings.is_empty(), "{:?}", log.warnings);
        assert_eq!(log.applies[0].observation.duration_seconds, 30.0);
        assert_eq!(log.applies[0].resources.len(), 1);
    }

    #[test]
    fn the_closing_summary_settles_a_missing_completion() {
        let text = [
            VERSION.to_string(),
            hook("apply_start", "2024-03-02T10:00:00Z", "aws_vpc.main"),
            hook("apply_start", "2024-03-02T10:00:01Z", "aws_subnet.a"),
            hook("apply_complete", "2024-03-02T10:00:20Z", "aws_vpc.main"),
            summary(
                "2024-03-02T10:00:30Z",
                "apply",
                "Apply complete! Resources: 18 added, 0 changed, 0 destroyed.",
            ),
        ]
        .join("\n");
        let log = parse(&text, "x.log", "x", None).unwrap();
        let o = &log.applies[0].observation;
        assert_eq!(o.outcome, Outcome::Succeeded);
        assert_eq!(o.duration_seconds, 30.0);
        assert!(
            log.warnings[0].message.contains("1 resource started with no completion message (aws_subnet.a); the log ends with \"Apply complete! Resources: 18 added"),
            "{:?}",
            log.warnings
        );
        // An error diagnostic fails the apply even with a summary-like ending.
        let failed = [
            VERSION.to_string(),
            hook("apply_start", "2024-03-02T10:00:00Z", "aws_vpc.main"),
            hook("apply_complete", "2024-03-02T10:00:20Z", "aws_vpc.main"),
            diagnostic("2024-03-02T10:00:21Z", "quota exceeded"),
        ]
        .join("\n");
        let log = parse(&failed, "x.log", "x", None).unwrap();
        assert_eq!(log.applies[0].observation.outcome, Outcome::Failed);
    }

    #[test]
    fn a_log_without_a_change_says_what_happened() {
        let why = |lines: &[String]| {
            let log = parse(&lines.join("\n"), "x.log", "x", None).unwrap();
            assert!(log.applies.is_empty());
            log.no_apply.unwrap().to_string()
        };
        let read_failed = [
            VERSION.to_string(),
            read_hook("apply_start", "2024-03-02T10:00:00Z", "data.aws_ami.base"),
            read_hook("apply_errored", "2024-03-02T10:00:03Z", "data.aws_ami.base"),
            diagnostic("2024-03-02T10:00:03Z", "no AMI matches the filter"),
        ];
        let w = why(&read_failed);
        assert_eq!(
            w,
            "x.log:4: reading data source data.aws_ami.base failed before any resource changed (no AMI matches the filter); nothing was applied, so there is nothing to time"
        );
        assert!(!w.contains("truncated"));
        let read_only = [
            VERSION.to_string(),
            read_hook("apply_start", "2024-03-02T10:00:00Z", "data.aws_ami.base"),
            diagnostic("2024-03-02T10:00:03Z", "no AMI matches the filter"),
        ];
        assert!(why(&read_only).contains("the run failed before any resource changed"));
        let plan = [
            VERSION.to_string(),
            summary(
                "2024-03-02T10:00:05Z",
                "plan",
                "Plan: 1 to add, 0 to change, 0 to destroy.",
            ),
        ];
        assert!(why(&plan).contains("the log holds a plan (\"Plan: 1 to add"));
        let nothing = [
            VERSION.to_string(),
            summary(
                "2024-03-02T10:00:05Z",
                "apply",
                "Apply complete! Resources: 0 added, 0 changed, 0 destroyed.",
            ),
        ];
        assert!(why(&nothing).contains("the apply changed no resource"));
        // An empty file is an error.
        let e = parse(" \n", "x.log", "x", None).unwrap_err().to_string();
        assert!(
            e.starts_with("x.log: the file is empty (hint: record the apply"),
            "{e}"
        );
    }
}
