//! The summary `check` prints for a sound plan.

use std::fmt::Write as _;

use crate::analysis::CheckFacts;
use crate::duration::format_span;
use crate::plan::Plan;

/// Renders the summary of a plan that passed `check`.
/// `scenario` names the scenario the critical path is for; `None` is every system lost.
pub fn render_check(plan: &Plan, facts: &CheckFacts, scenario: Option<&str>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", plan.name);
    let teams = plan
        .teams
        .iter()
        .map(|t| {
            let recorded = if t.recorded_size == t.size {
                String::new()
            } else {
                format!(" timed with groups of {}", t.recorded_size)
            };
            let mut rota = String::new();
            if let Some(s) = t.shift {
                rota = format!(
                    " on {} shifts, {} rest, {}{}",
                    crate::duration::format_span_compact(s.shift),
                    crate::duration::format_span_compact(s.rest),
                    match s.handover {
                        crate::plan::Handover::Relief => "relief",
                        crate::plan::Handover::Pause => "pause",
                    },
                    if t.groups > 1 {
                        format!(", {}", s.rota.name())
                    } else {
                        String::new()
                    }
                );
            }
            if let Some(h) = &t.hours {
                rota.push_str(&format!(
                    " · hours {}, {} on call",
                    h.text,
                    t.on_call_groups()
                ));
            }
            format!("{} {}x{}{recorded}{rota}", t.name, t.groups, t.size)
        })
        .collect::<Vec<_>>()
        .join(", ");
    let limits = plan
        .limits
        .iter()
        .map(|l| format!("{} {}", l.name, l.capacity))
        .collect::<Vec<_>>()
        .join(", ");
    let written = plan.written_steps();
    let _ = match plan.steps.len() - written {
        0 => writeln!(out, "  steps      {written}"),
        n => writeln!(
            out,
            "  steps      {written} (+{n} contingency: a risk's fallback, run only when it fires)"
        ),
    };
    let _ = writeln!(out, "  systems    {}", plan.systems.len());
    let _ = writeln!(
        out,
        "  teams      {}",
        if teams.is_empty() {
            "none".to_string()
        } else {
            format!("{} ({teams})", plan.teams.len())
        }
    );
    let _ = writeln!(
        out,
        "  limits     {}",
        if limits.is_empty() {
            "none".to_string()
        } else {
            format!("{} ({limits})", plan.limits.len())
        }
    );
    let scenarios = plan
        .scenarios
        .iter()
        .map(|s| s.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(
        out,
        "  scenarios  {}",
        if scenarios.is_empty() {
            "none (every system lost)".to_string()
        } else {
            format!("{} ({scenarios})", plan.scenarios.len())
        }
    );
    if let Some(t) = plan.rto_target {
        let _ = writeln!(out, "  objective  {}", format_span(t));
    }
    let (len, path) = (facts.critical_path_seconds, &facts.critical_path);
    let _ = writeln!(
        out,
        "\nCritical path on mean durations, {}, unlimited people: {} over {} steps",
        scenario.unwrap_or("every system lost"),
        format_span(len),
        path.len()
    );
    let chain = path
        .iter()
        .map(|&s| plan.steps[s].id.as_str())
        .collect::<Vec<_>>()
        .join(" -> ");
    let _ = writeln!(out, "  {chain}");
    if let Some(det) = facts.deterministic_rto_seconds {
        let _ = writeln!(
            out,
            "With the teams and limits as planned: {} (mean durations, no failures).",
            format_span(det)
        );
    }
    out.push_str(&super::render_recorded(plan));
    out.push_str("\nThis is the single number a spreadsheet gives; `rtosim simulate` shows how optimistic it is.\n");
    out
}
