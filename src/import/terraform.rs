//! `terraform apply -json` (and OpenTofu's) logs: one observation per apply.
//!
//! The log is Terraform's machine-readable UI: one JSON message per line with `@timestamp`
//! (RFC 3339, microseconds and an offset), `type` and, for resource hooks, `hook.resource.addr`.
//! An apply lasts from its first `apply_start` to its last `apply_complete` or `apply_errored`,
//! measured on the timestamps rather than the rounded `elapsed_seconds`; an apply with an
//! `apply_errored` message is a failed attempt. A `version` message starts a new apply, so logs
//! of several runs appended to one file give one observation each.
//!
//! Unknown message types and lines that are not JSON (shell noise, a wrapper's output) are
//! skipped, as the UI's compatibility rules ask; a UI major version other than 0 or 1 is
//! rejected.

use std::collections::HashMap;

use serde_json::Value;

use super::{ImportError, ImportWarning, Observation, Outcome, TIMESTAMP_HINT, parse_timestamp};

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
}

#[derive(Default)]
struct Segment {
    first_line: u64,
    first_start: Option<jiff::Timestamp>,
    last_end: Option<jiff::Timestamp>,
    errored: bool,
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
    let mut log = TerraformLog::default();
    let mut seg = Segment::default();
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
                finish(&mut log, std::mem::take(&mut seg), file, step, drill);
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
                if addr.is_none() {
                    log.warnings.push(ImportWarning::at(
                        file,
                        Some(line),
                        format!("{kind} message has no hook.resource.addr; counted for the apply but not per resource"),
                    ));
                }
                if seg.first_line == 0 {
                    seg.first_line = line;
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
            _ => {}
        }
    }
    finish(&mut log, seg, file, step, drill);
    if let Some(&first) = non_json.first() {
        if log.applies.is_empty() && log.warnings.is_empty() && non_json.len() as u64 == total_lines
        {
            return Err(
                ImportError::at(file, Some(first), "no JSON messages in the file").with_hint(
                    "record the apply with `terraform apply -json > LOG` (or `tofu apply -json`)",
                ),
            );
        }
    }
    if log.applies.is_empty() {
        log.warnings.push(ImportWarning::at(
            file,
            None,
            "no apply with resource changes found; nothing to time",
        ));
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

fn finish(log: &mut TerraformLog, mut seg: Segment, file: &str, step: &str, drill: Option<&str>) {
    let Some(start) = seg.first_start else {
        return;
    };
    let Some(end) = seg.last_end else {
        log.warnings.push(ImportWarning::at(
            file,
            Some(seg.first_line),
            "the apply starting here never finished a resource (truncated log?); skipped",
        ));
        return;
    };
    let mut outcome = if seg.errored {
        Outcome::Failed
    } else {
        Outcome::Succeeded
    };
    if !seg.open.is_empty() {
        let mut names: Vec<&str> = seg.open.keys().map(String::as_str).collect();
        names.sort_unstable();
        log.warnings.push(ImportWarning::at(
            file,
            Some(seg.first_line),
            format!(
                "{} resource{} started but never finished ({}); the log looks cut off, so the apply counts as failed",
                names.len(),
                if names.len() == 1 { "" } else { "s" },
                names.join(", ")
            ),
        ));
        outcome = Outcome::Failed;
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
}
