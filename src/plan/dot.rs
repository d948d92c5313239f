//! The dependency graph as Graphviz DOT: systems as clusters, the critical path highlighted.

use std::fmt::Write as _;

use super::graph;
use super::model::Plan;
use crate::duration::format_span;

/// Escapes text for a double-quoted DOT string: quotes and backslashes, a newline as DOT's
/// line break, and every other control character as the visible escape of
/// [`crate::text::escape_control`] (with its backslash doubled, so Graphviz shows it as
/// written instead of reading it as an escape of its own).
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => match crate::text::escape_char(c) {
                Some(escaped) => out.push_str(&escaped.replace('\\', "\\\\")),
                None => out.push(c),
            },
        }
    }
    out
}

/// Renders the steps with `include[s]` as DOT. Edges point from a step to the steps waiting
/// for it, so the graph reads in recovery order; only edges not implied by others are drawn;
/// steps and edges of `critical` are drawn red.
pub fn render_dot(plan: &Plan, include: &[bool], critical: &[usize]) -> String {
    let on_path = |s: usize| critical.contains(&s);
    let mut out = String::new();
    let _ = writeln!(out, "digraph \"{}\" {{", esc(&plan.name));
    out.push_str("  rankdir=LR;\n  compound=true;\n  node [shape=box, style=\"rounded,filled\", fillcolor=white, fontname=\"Helvetica\"];\n  edge [color=gray40];\n");
    for (sys, name) in plan.systems.iter().enumerate() {
        let members: Vec<usize> = (0..plan.steps.len())
            .filter(|&s| include[s] && plan.steps[s].system == sys)
            .collect();
        if members.is_empty() {
            continue;
        }
        let _ = writeln!(out, "  subgraph \"cluster_{}\" {{", esc(name));
        let _ = writeln!(
            out,
            "    label=\"{}\";\n    style=rounded;\n    color=gray60;",
            esc(name)
        );
        for s in members {
            let step = &plan.steps[s];
            let team = step
                .team
                .map(|t| format!("\\n{}", esc(&plan.teams[t].name)))
                .unwrap_or_default();
            let style = if on_path(s) {
                ", color=red, penwidth=2, fillcolor=\"#fde0dc\""
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "    \"{}\" [label=\"{}\\n{}{}\"{}];",
                esc(&step.id),
                esc(step.label()),
                esc(&format_span(step.duration.mean())),
                team,
                style
            );
        }
        out.push_str("  }\n");
    }
    // Draw the transitive reduction: an edge implied by a longer path adds clutter, not order
    // (a dependency on a whole system is an edge to each of its steps).
    let deps: Vec<Vec<usize>> = plan
        .steps
        .iter()
        .enumerate()
        .map(|(s, step)| {
            if include[s] {
                step.after.iter().copied().filter(|&d| include[d]).collect()
            } else {
                Vec::new()
            }
        })
        .collect();
    let implied = graph::topo_order(&deps)
        .map(|order| graph::redundant_deps(&deps, &order, 20_000))
        .unwrap_or_default();
    for (s, step) in plan.steps.iter().enumerate() {
        if !include[s] {
            continue;
        }
        for &d in &deps[s] {
            if implied.contains(&(s, d)) {
                continue;
            }
            let critical_edge = critical.windows(2).any(|w| w[0] == d && w[1] == s);
            let style = if critical_edge {
                " [color=red, penwidth=2]"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "  \"{}\" -> \"{}\"{};",
                esc(&plan.steps[d].id),
                esc(&step.id),
                style
            );
        }
    }
    out.push_str("}\n");
    out
}
