//! The human-readable summary `simulate` prints by default.

use std::fmt::Write as _;

use super::sections;
use super::summary::{PERCENTILES, SimReport};
use super::table::{Align, render};
use crate::duration::format_span as span;

/// How many steps the driver table lists.
const TOP_STEPS: usize = 12;

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

/// Renders the report as text for a terminal.
pub fn render_text(r: &SimReport) -> String {
    // Names and descriptions come from the plan: a terminal must not run their control
    // characters.
    crate::text::escape_control_keep_newlines(&render_plain(r)).into_owned()
}

/// [`render_text`] before its control characters are escaped.
fn render_plain(r: &SimReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", r.run.plan);
    let _ = writeln!(
        out,
        "scenario {} · {} steps{} · policy {} · {} trials · seed {}",
        r.run.scenario,
        r.steps_needed,
        match r.contingency_steps {
            0 => String::new(),
            n => format!(" (+{n} contingency, run only when a risk fires)"),
        },
        r.run.policy.name(),
        r.run.trials,
        r.run.seed
    );
    out.push('\n');

    let rows: Vec<Vec<String>> = PERCENTILES
        .iter()
        .map(|&(name, _)| {
            let (value, iv) = match name {
                "p50" => (r.rto_seconds.p50, r.rto_interval_seconds.p50),
                "p80" => (r.rto_seconds.p80, r.rto_interval_seconds.p80),
                "p90" => (r.rto_seconds.p90, r.rto_interval_seconds.p90),
                "p95" => (r.rto_seconds.p95, r.rto_interval_seconds.p95),
                _ => (r.rto_seconds.p99, r.rto_interval_seconds.p99),
            };
            vec![
                name.to_uppercase(),
                span(value),
                format!("{} to {}", span(iv.low), span(iv.high)),
            ]
        })
        .collect();
    out.push_str("RTO\n");
    out.push_str(&render(
        &["", "time", "95% interval"],
        &[Align::Left, Align::Right, Align::Left],
        &rows,
        2,
    ));
    let _ = writeln!(
        out,
        "  mean {} · sd {} · min {} · max {}",
        span(r.rto_seconds.mean),
        span(r.rto_seconds.sd),
        span(r.rto_seconds.min),
        span(r.rto_seconds.max)
    );
    out.push('\n');
    let contingency = r.rto_seconds.p80 - r.deterministic_rto_seconds;
    let _ = writeln!(
        out,
        "On mean durations with no failures the plan takes {}; P80 is {} {}.",
        span(r.deterministic_rto_seconds),
        span(contingency.abs()),
        if contingency >= 0.0 {
            "later: the contingency a single-number plan misses"
        } else {
            "earlier"
        }
    );
    let _ = writeln!(
        out,
        "Longest dependency chain on mean durations: {} ({} steps).",
        span(r.critical_path_seconds),
        r.critical_path.len()
    );
    if r.mean_failures > 0.0 {
        let _ = writeln!(
            out,
            "Failed attempts re-run per recovery: {:.2} on average.",
            r.mean_failures
        );
    }
    if let Some(t) = &r.target {
        let _ = writeln!(
            out,
            "Objective {}: met in {} of trials (95% interval {} to {}).",
            span(t.rto_seconds),
            pct(t.probability_met),
            pct(t.probability_interval.low),
            pct(t.probability_interval.high)
        );
    }
    if let Some(s) = &r.starts {
        out.push_str(&render_starts(s));
    }

    let drivers = super::ranking::ranked_steps(r);
    let shown = drivers.len().min(TOP_STEPS);
    if shown > 0 {
        let _ = writeln!(
            out,
            "\nWhat drives the RTO (top {shown} of {} steps by cruciality, then criticality)",
            drivers.len()
        );
        let rows: Vec<Vec<String>> = drivers[..shown]
            .iter()
            .map(|s| {
                vec![
                    s.id.clone(),
                    s.team.clone().unwrap_or_else(|| "-".into()),
                    pct(s.criticality),
                    signed_coefficient(s.cruciality),
                    span(s.finish_seconds.p50),
                    span(s.finish_seconds.p90),
                ]
            })
            .collect();
        out.push_str(&render(
            &[
                "step",
                "team",
                "critical",
                "cruciality",
                "done P50",
                "done P90",
            ],
            &[
                Align::Left,
                Align::Left,
                Align::Right,
                Align::Right,
                Align::Right,
                Align::Right,
            ],
            &rows,
            2,
        ));
    }

    // The same tables the HTML and Markdown reports show.
    for (title, table) in [
        ("Teams", sections::teams(r)),
        ("Limits", sections::limits(r)),
        (
            "One more group (paired, same recoveries)",
            sections::staffing(r),
        ),
    ] {
        if let Some(t) = table {
            let _ = writeln!(out, "\n{title}");
            let align: Vec<Align> = t
                .numeric
                .iter()
                .map(|&n| if n { Align::Right } else { Align::Left })
                .collect();
            out.push_str(&render(&t.header, &align, &t.rows, 2));
        }
    }
    out.push_str(&super::render_chaos_text(&r.chaos));
    out.push_str(&super::render_milestones_text(
        &r.milestones,
        super::milestones::says_deadline(r),
    ));
    out
}

/// A correlation with its sign and two decimals; one that rounds to zero prints `0.00`, never
/// `-0.00`.
pub fn signed_coefficient(x: f64) -> String {
    if x.abs() < 0.005 {
        "0.00".to_string()
    } else {
        format!("{x:+.2}")
    }
}

/// When the disaster strikes, and the RTO by part of the week when each trial draws its start.
pub fn render_starts(s: &crate::report::StartsStats) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "The disaster strikes {}.", s.when);
    if s.bands.is_empty() {
        return out;
    }
    let with_target = s.bands.iter().any(|b| b.meets_target.is_some());
    let rows: Vec<Vec<String>> = s
        .bands
        .iter()
        .map(|b| {
            let mut row = vec![
                b.label.to_string(),
                b.trials.to_string(),
                with_interval_span(b.p50_seconds),
                with_interval_span(b.p90_seconds),
            ];
            if let Some(m) = b.meets_target {
                row.push(format!(
                    "{} ({} to {})",
                    pct(m.value),
                    pct(m.low),
                    pct(m.high)
                ));
            }
            row
        })
        .collect();
    let mut head = vec!["RTO by when it strikes", "trials", "P50", "P90"];
    let mut align = vec![Align::Left, Align::Right, Align::Right, Align::Right];
    if with_target {
        head.push("meets objective");
        align.push(Align::Right);
    }
    out.push_str(&render(&head, &align, &rows, 2));
    out
}

/// A time with its 95% interval: "5 h 10 m (4 h 58 m to 5 h 20 m)".
fn with_interval_span(e: crate::stats::Estimate) -> String {
    format!("{} ({} to {})", span(e.value), span(e.low), span(e.high))
}
