//! The summary `check` prints for a sound plan.

use std::fmt::Write as _;

use crate::duration::format_span;
use crate::plan::Plan;
use crate::sim::{Model, Policy, deterministic};

/// The deterministic critical path of the whole plan on mean durations, ignoring teams and
/// limits: its length and its steps (plan indices).
pub fn plan_critical_path(plan: &Plan) -> (f64, Vec<usize>) {
    critical_path_in_plan(&Model::compile(plan, &plan.everything_lost(), Policy::Lft))
}

/// [`plan_critical_path`] of an already compiled model of the whole plan (compiling a
/// 100,000-step plan takes a noticeable share of `check`, so it is done once).
fn critical_path_in_plan(model: &Model) -> (f64, Vec<usize>) {
    let (len, path) = super::critical_path(model);
    (
        len,
        path.into_iter()
            .map(|c| model.steps[c].plan_index as usize)
            .collect(),
    )
}

/// Renders the summary of a plan that passed `check`.
pub fn render_check(plan: &Plan) -> String {
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
            format!("{} {}x{}{recorded}", t.name, t.groups, t.size)
        })
        .collect::<Vec<_>>()
        .join(", ");
    let limits = plan
        .limits
        .iter()
        .map(|l| format!("{} {}", l.name, l.capacity))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(out, "  steps      {}", plan.steps.len());
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
    let model = Model::compile(plan, &plan.everything_lost(), Policy::Lft);
    let (len, path) = critical_path_in_plan(&model);
    let _ = writeln!(
        out,
        "\nCritical path on mean durations, every system lost, unlimited people: {} over {} steps",
        format_span(len),
        path.len()
    );
    let chain = path
        .iter()
        .map(|&s| plan.steps[s].id.as_str())
        .collect::<Vec<_>>()
        .join(" -> ");
    let _ = writeln!(out, "  {chain}");
    if !plan.teams.is_empty() || !plan.limits.is_empty() {
        let det = deterministic(&model);
        let _ = writeln!(
            out,
            "With the teams and limits as planned: {} (mean durations, no failures).",
            format_span(det.rto)
        );
    }
    out.push_str(&super::render_recorded(plan));
    out.push_str("\nThis is the single number a spreadsheet gives; `rtosim simulate` shows how optimistic it is.\n");
    out
}
