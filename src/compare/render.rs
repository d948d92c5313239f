//! The comparison as a side-by-side terminal table, or as JSON.

use std::fmt::Write as _;

use super::run::{CompareReport, VariantReport};
use crate::duration::format_span as span;
use crate::report::table::{Align, render};
use crate::stats::Estimate;

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

fn signed(seconds: f64) -> String {
    if seconds == 0.0 {
        "same".to_string()
    } else if seconds < 0.0 {
        format!("-{}", span(-seconds))
    } else {
        format!("+{}", span(seconds))
    }
}

/// A paired difference with its 95% interval, such as `-1 h 00 m [-1 h 10 m, -50 m]`, or
/// `same` when it is exactly zero in every trial.
fn with_interval(e: &Estimate) -> String {
    if e.value == 0.0 && e.low == 0.0 && e.high == 0.0 {
        return "same".to_string();
    }
    if e.low == e.high {
        return signed(e.value);
    }
    format!(
        "{} [{}, {}]",
        signed(e.value),
        signed(e.low),
        signed(e.high)
    )
}

/// A change in a share, in percentage points, with its interval.
fn share_change(e: &Estimate) -> String {
    let pp = |x: f64| {
        let r = (1000.0 * x).round() / 10.0;
        format!("{:+.1}", if r == 0.0 { 0.0 } else { r })
    };
    if e.low == e.high && e.value == 0.0 {
        return "same".to_string();
    }
    if pp(e.low) == pp(e.high) {
        return format!("{} pp", pp(e.value));
    }
    format!("{} pp [{}, {}]", pp(e.value), pp(e.low), pp(e.high))
}

/// Renders the comparison: one column per variant, one row per figure.
pub fn render_text(r: &CompareReport) -> String {
    // Names and descriptions come from the plan: a terminal must not run their control
    // characters.
    crate::text::escape_control_keep_newlines(&render_plain(r)).into_owned()
}

/// [`render_text`] before its control characters are escaped.
fn render_plain(r: &CompareReport) -> String {
    let mut out = String::new();
    match &r.other_plan {
        Some(b) => {
            let _ = writeln!(out, "A: {} · B: {}: comparison", r.plan, b);
        }
        None => {
            let _ = writeln!(out, "{}: comparison", r.plan);
        }
    }
    let _ = writeln!(
        out,
        "{} trials per column · seed {} (the same draws in every column, so trials pair up)",
        r.trials, r.seed
    );
    out.push('\n');
    let v = &r.variants;
    let mut header: Vec<&str> = vec![""];
    header.extend(v.iter().map(|x| x.label.as_str()));
    let mut align = vec![Align::Left];
    align.extend(v.iter().map(|_| Align::Right));
    let row = |name: &str, f: &dyn Fn(&VariantReport) -> String| -> Vec<String> {
        let mut row = vec![name.to_string()];
        row.extend(v.iter().map(f));
        row
    };
    let mut rows = vec![
        row("scenario", &|x| x.scenario.clone()),
        row("policy", &|x| x.policy.name().to_string()),
        row("steps", &|x| x.steps_needed.to_string()),
        row("mean", &|x| span(x.rto_seconds.mean)),
        row("P50", &|x| span(x.rto_seconds.p50)),
        row("P80", &|x| span(x.rto_seconds.p80)),
        row("P90", &|x| span(x.rto_seconds.p90)),
        row("  95% interval", &|x| {
            format!(
                "{} to {}",
                span(x.rto_interval_seconds.p90.low),
                span(x.rto_interval_seconds.p90.high)
            )
        }),
        row("P95", &|x| span(x.rto_seconds.p95)),
        row("P99", &|x| span(x.rto_seconds.p99)),
        row("max", &|x| span(x.rto_seconds.max)),
        row("on mean durations", &|x| span(x.deterministic_rto_seconds)),
    ];
    if let Some(t) = r.target_seconds {
        rows.push(row(&format!("P(RTO <= {})", span(t)), &|x| {
            x.target
                .as_ref()
                .map_or_else(|| "-".into(), |t| pct(t.probability_met))
        }));
    }
    if v.len() > 1 {
        rows.push(row("P50 vs first", &|x| {
            x.versus_first
                .map_or_else(|| "-".into(), |p| with_interval(&p.p50_difference_seconds))
        }));
        rows.push(row("P90 vs first", &|x| {
            x.versus_first
                .map_or_else(|| "-".into(), |p| with_interval(&p.p90_difference_seconds))
        }));
        if r.target_seconds.is_some() {
            rows.push(row("P(meet) vs first", &|x| {
                x.versus_first
                    .and_then(|p| p.probability_met_change)
                    .map_or_else(|| "-".into(), |e| share_change(&e))
            }));
        }
        rows.push(row("mean change per trial", &|x| {
            x.versus_first
                .map_or_else(|| "-".into(), |p| signed(p.mean_difference_seconds))
        }));
        rows.push(row("trials faster / slower", &|x| {
            x.versus_first.map_or_else(
                || "-".into(),
                |p| format!("{} / {}", pct(p.faster), pct(p.slower)),
            )
        }));
    }
    if let Some(first) = v.first() {
        for (i, m) in first.milestones.iter().enumerate() {
            fn at(x: &VariantReport, i: usize) -> Option<&super::run::VariantMilestone> {
                x.milestones.get(i)
            }
            rows.push(row(&format!("{} P90", m.name), &|x| {
                at(x, i).map_or_else(|| "-".into(), |m| span(m.p90_seconds.value))
            }));
            if m.probability_met.is_some() {
                rows.push(row("  meets target", &|x| {
                    at(x, i)
                        .and_then(|m| m.probability_met)
                        .map_or_else(|| "-".into(), |p| pct(p.value))
                }));
            }
            if v.len() > 1 {
                rows.push(row("  mean change per trial", &|x| {
                    at(x, i)
                        .and_then(|m| m.versus_first)
                        .map_or_else(|| "-".into(), |p| signed(p.mean_difference_seconds))
                }));
            }
        }
    }
    out.push_str(&render(&header, &align, &rows, 2));
    if v.len() > 1 {
        out.push_str(
            "\nThe last rows compare each column with the first, trial by trial, with 95% intervals from the\npaired differences: with the same draws for the same step ids, a trial that is faster is faster\nbecause of the plan version, the scenario or the policy, not by chance.\n",
        );
    }
    out
}

/// The comparison as pretty-printed JSON.
pub fn render_json(r: &CompareReport) -> String {
    let mut s = serde_json::to_string_pretty(r).expect("a comparison always serializes");
    s.push('\n');
    s
}
