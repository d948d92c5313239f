//! The staffing report as a terminal table or as JSON.

use std::fmt::Write as _;

use super::grid::DimKind;
use super::report::{Gain, OptionReport, Rule, StaffReport, SweptDim};
use crate::duration::format_span as span;
use crate::report::table::{Align, render};

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

/// The swept teams of an option, such as `platform 3x1, dba 1x2` (groups x people per group),
/// with the rota and the groups on call of a team the sweep varies them for, such as
/// `dba 2x2 staggered on-call 1`.
pub fn option_label(option: &OptionReport, swept: &[SweptDim]) -> String {
    let varies = |team: &str, kind: DimKind| swept.iter().any(|d| d.team == team && d.kind == kind);
    option
        .teams
        .iter()
        .filter(|t| t.swept)
        .map(|t| {
            let mut s = format!("{} {}x{}", t.name, t.groups, t.size);
            if let (Some(rota), true) = (t.rota, varies(&t.name, DimKind::Rota)) {
                let _ = write!(s, " {}", rota.name());
            }
            if let (Some(n), true) = (t.on_call, varies(&t.name, DimKind::OnCall)) {
                let _ = write!(s, " on-call {n}");
            }
            s
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn gain_label(g: &Gain) -> String {
    let what = match g.kind {
        DimKind::Groups => "+1 group",
        DimKind::Size => "+1 per group",
        DimKind::Rota => "staggered",
        DimKind::OnCall => "+1 on call",
    };
    let mut s = format!("{} {what}: ", g.team);
    if g.p90_saved_seconds < 0.0 {
        s.push('-');
    }
    s.push_str(&span(g.p90_saved_seconds.abs()));
    let p90 = &g.saving.p90_seconds;
    if p90.high > p90.low {
        let _ = write!(s, " [{}, {}]", signed(p90.low), signed(p90.high));
    }
    if g.no_longer_helps {
        s.push_str(" (negligible)");
    }
    s
}

/// Renders the report as text: a header, one row per option, and the conclusion.
pub fn render_text(r: &StaffReport) -> String {
    // Names and descriptions come from the plan: a terminal must not run their control
    // characters.
    crate::text::escape_control_keep_newlines(&render_plain(r)).into_owned()
}

/// [`render_text`] before its control characters are escaped.
fn render_plain(r: &StaffReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}: staffing options", r.run.plan);
    let _ = writeln!(
        out,
        "scenario {} · policy {} · {} trials per option · seed {} (the same draws in every option)",
        r.run.scenario,
        r.run.policy.name(),
        r.run.trials,
        r.run.seed
    );
    if let Some(n) = r.people {
        let teams: Vec<&str> = r
            .options
            .first()
            .map(|o| {
                o.teams
                    .iter()
                    .filter(|t| t.swept)
                    .map(|t| t.name.as_str())
                    .collect()
            })
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "Every split of {n} people between {}.",
            teams.join(", ")
        );
    }
    if let Some(first) = r.options.first() {
        let fixed: Vec<String> = first
            .teams
            .iter()
            .filter(|t| !t.swept)
            .map(|t| format!("{} {}x{}", t.name, t.groups, t.size))
            .collect();
        if !fixed.is_empty() {
            let _ = writeln!(
                out,
                "Other teams as planned, not counted in people: {}.",
                fixed.join(", ")
            );
        }
    }
    if let Some(m) = &r.milestone {
        let _ = writeln!(
            out,
            "Sized for milestone {m}: every time below is when it is reached, not the whole recovery."
        );
    }
    if let Some(t) = r.target_seconds {
        let _ = writeln!(
            out,
            "Objective {}: an option meets it when P(meet) is at least {}.",
            span(t),
            pct(r.confidence)
        );
    }
    out.push('\n');

    let with_target = r.target_seconds.is_some();
    let with_gains = r.options.iter().any(|o| !o.gains.is_empty());
    let mut header = vec!["#", "staffing", "people", "P50", "P90", "P99"];
    let mut align = vec![
        Align::Right,
        Align::Left,
        Align::Right,
        Align::Right,
        Align::Right,
        Align::Right,
    ];
    if with_target {
        header.push("P(meet)");
        align.push(Align::Right);
    }
    if with_gains {
        header.push("P90 saved by one more");
        align.push(Align::Left);
    }
    header.push("note");
    align.push(Align::Left);
    let rows: Vec<Vec<String>> = r
        .options
        .iter()
        .map(|o| {
            let mut row = vec![
                o.id.to_string(),
                option_label(o, &r.swept),
                o.headcount.to_string(),
                span(o.rto_seconds.p50),
                span(o.rto_seconds.p90),
                span(o.rto_seconds.p99),
            ];
            if with_target {
                row.push(o.probability_met.map_or_else(|| "-".into(), pct));
            }
            if with_gains {
                row.push(if o.gains.is_empty() {
                    "-".into()
                } else {
                    o.gains
                        .iter()
                        .map(gain_label)
                        .collect::<Vec<_>>()
                        .join("; ")
                });
            }
            let mut notes = Vec::new();
            if o.recommended {
                notes.push(match r.recommended.rule {
                    Rule::Objective => "<- cheapest meeting the objective",
                    Rule::BestP90 => "<- cheapest at the best P90",
                });
            }
            if o.no_gain {
                notes.push("more people no longer help");
            }
            if o.as_planned {
                notes.push("as planned");
            }
            row.push(notes.join(", "));
            row
        })
        .collect();
    out.push_str(&render(&header, &align, &rows, 2));
    out.push('\n');

    match (r.recommended_option(), r.recommended.rule) {
        (Some(o), Rule::Objective) => {
            let _ = writeln!(
                out,
                "Cheapest option meeting the objective with {} confidence: #{} {} ({}): P90 {}, met in {} of trials.",
                pct(r.confidence),
                o.id,
                option_label(o, &r.swept),
                people(o.headcount),
                span(o.rto_seconds.p90),
                o.probability_met.map_or_else(|| "-".into(), pct)
            );
        }
        (Some(o), Rule::BestP90) => {
            let _ = writeln!(
                out,
                "No objective (set rto-target in the plan or pass --target): the cheapest option within the noise of the best P90 is #{} {} ({}), P90 {}.",
                o.id,
                option_label(o, &r.swept),
                people(o.headcount),
                span(o.rto_seconds.p90)
            );
        }
        (None, _) => {
            let best = r.options.iter().max_by(|a, b| {
                a.probability_met
                    .unwrap_or(0.0)
                    .total_cmp(&b.probability_met.unwrap_or(0.0))
                    .then(b.id.cmp(&a.id))
            });
            if let (Some(b), Some(t)) = (best, r.target_seconds) {
                let _ = writeln!(
                    out,
                    "No option meets the objective {} with {} confidence; the best chance is #{} {} at {}.",
                    span(t),
                    pct(r.confidence),
                    b.id,
                    option_label(b, &r.swept),
                    b.probability_met.map_or_else(|| "-".into(), pct)
                );
            }
        }
    }
    let flat: Vec<String> = r
        .options
        .iter()
        .filter(|o| o.no_gain)
        .map(|o| format!("#{}", o.id))
        .collect();
    if !flat.is_empty() {
        let _ = writeln!(
            out,
            "More people no longer help in {}: the 95% interval of what the last group or person saves at P90 (paired, trial by trial) lies within {}.",
            flat.join(", "),
            negligible_label(r)
        );
    }
    out
}

/// The practical threshold as the text says it: the `--negligible` time, or the default rule.
fn negligible_label(r: &StaffReport) -> String {
    match r.negligible_seconds {
        Some(t) => format!("±{}", span(t)),
        None => "± the larger of 5 minutes and 1% of P90".to_string(),
    }
}

/// The report as pretty-printed JSON: run metadata and one object per option.
pub fn render_json(r: &StaffReport) -> String {
    let mut s = serde_json::to_string_pretty(r).expect("a staffing report always serializes");
    s.push('\n');
    s
}

/// A time that may be negative, such as `-12m`.
fn signed(x: f64) -> String {
    if x < 0.0 {
        format!("-{}", span(-x))
    } else {
        span(x)
    }
}

/// "1 person", "4 people".
fn people(n: u32) -> String {
    if n == 1 {
        "1 person".to_string()
    } else {
        format!("{n} people")
    }
}
