//! The management report: the summary, the charts and the tables of one run, and the files
//! `rtosim report` writes for it.
//!
//! Building is pure: [`build`] draws every chart and [`ManagementReport::files`] returns each
//! file's relative path and bytes. Writing them (whole or not at all) is the binary's job.

use crate::analysis::Analysis;
use crate::chart::{Chart, ChartError, render_png, render_svg, spec};
use crate::duration::format_span;
use crate::plan::Plan;
use crate::sim;

use super::summary::SimReport;
use super::{html, markdown, narrative, render_json};

/// Where a report came from, for its "inputs" section.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportInputs {
    /// The plan file as the user named it.
    pub plan_file: String,
    /// The scenario's description, if it has one.
    pub scenario_description: Option<String>,
    /// A command line that reproduces the report.
    pub command: String,
}

/// Quotes `s` for a POSIX shell when it needs quoting.
pub fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':' | '=' | '+' | ',')
        });
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// One chart of the report, drawn.
#[derive(Debug, Clone)]
pub struct RenderedChart {
    /// File stem under `charts/`, such as `"rto-histogram"`.
    pub name: &'static str,
    /// A heading for the chart.
    pub title: String,
    /// How to read it, in a sentence or two.
    pub caption: String,
    /// What it shows.
    pub chart: Chart,
    /// The SVG document.
    pub svg: String,
    /// The PNG image.
    pub png: Vec<u8>,
}

/// Everything the report shows.
#[derive(Debug, Clone)]
pub struct ManagementReport {
    /// The numbers (the same struct `simulate --json` prints).
    pub summary: SimReport,
    /// The plain-language summary.
    pub narrative: Vec<String>,
    /// The charts in reading order.
    pub charts: Vec<RenderedChart>,
    /// Where it came from.
    pub inputs: ReportInputs,
    /// The staffing options, when the report was run with a grid (`report --team/--size`):
    /// rendered in the staffing section and written as `staffing.json`.
    pub staffing: Option<crate::staff::StaffReport>,
}

/// Builds the report of an analysis (made with its replays): specs from the numbers, then
/// every chart drawn.
pub fn build(
    plan: &Plan,
    analysis: &Analysis,
    inputs: ReportInputs,
) -> Result<ManagementReport, ChartError> {
    let (model, summary) = (&analysis.model, &analysis.summary);
    let rtos = analysis.rtos.sorted();
    let trials = narrative::thousands(summary.run.trials);
    let objective = plan.rto_target;
    let mut specs: Vec<(&'static str, String, String, Chart)> = vec![
        (
            "rto-histogram",
            "How long recovery takes".to_string(),
            format!(
                "Each bar is the share of the {trials} simulated recoveries that took that long. Dashed lines mark P50 and P90{}.",
                if objective.is_some() { "; the solid red line is the objective" } else { "" }
            ),
            Chart::Histogram(spec::histogram(rtos, summary)),
        ),
        (
            "rto-s-curve",
            "Chance of having recovered, by time".to_string(),
            "Read across from a time to the chance that recovery is complete by then; dots mark the percentiles.".to_string(),
            Chart::SCurve(spec::s_curve(rtos, summary)),
        ),
        (
            "drivers",
            "What drives the RTO".to_string(),
            "Cruciality: how strongly a step's duration moves the RTO (rank correlation; 1 means in lockstep). Criticality: the share of recoveries in which the step was on the chain that set the RTO. Shortening the steps at the top helps most.".to_string(),
            Chart::Tornado(spec::tornado(summary)),
        ),
    ];
    let p90 = spec::p90_drivers(&summary.chaos.p90_drivers, summary.rto_seconds.p90);
    if !p90.bars.is_empty() {
        specs.push((
            "p90-drivers",
            "What adds time at P90".to_string(),
            format!(
                "Steps and risks ranked together by the time each adds to the P90 RTO ({}). Light, outlined bars: a risk, factor, mobilisation, shift rests or hand-offs, and the P90 saved by removing it. Dark bars: a step, and the P90 saved if it always took its fast case (its 5th percentile, no failed attempts), as automating it might. Each is measured on the same simulated recoveries; savings overlap, so the bars do not add up.",
                format_span(summary.rto_seconds.p90)
            ),
            Chart::P90Drivers(p90),
        ));
    }
    if let Some(m) = spec::milestones_chart(plan, &analysis.run.milestones, summary) {
        specs.push((
            "milestones",
            "When each milestone is reached".to_string(),
            "One curve per milestone: read across from a time to the chance that the milestone is reached by then. Dashed lines, in each curve's colour, mark its target; the dot is the share of recoveries that met it.".to_string(),
            Chart::Milestones(m),
        ));
    }
    let has_teams = model.steps.iter().any(|s| s.team != sim::NONE);
    for replay in &analysis.replays {
        let (q, trial, state) = (replay.quantile, replay.trial, &replay.state);
        let name = if q == "P50" { "p50" } else { "p90" };
        let gantt_name = if name == "p50" {
            "gantt-p50"
        } else {
            "gantt-p90"
        };
        let gantt = spec::gantt(plan, model, state, trial, q, objective);
        let chain: Vec<&str> = gantt
            .critical_chain
            .iter()
            .rev()
            .map(String::as_str)
            .collect();
        specs.push((
            gantt_name,
            format!("One recovery at {q}, step by step"),
            format!(
                "The simulated recovery whose RTO is closest to {q} (trial {trial}, {}): one lane per team group, unattended work below. Bars are coloured by system; black outlines mark the critical chain that set the RTO: {}.",
                format_span(state.rto),
                chain.join(" → ")
            ),
            Chart::Gantt(gantt),
        ));
        if has_teams {
            let load_name = if name == "p50" {
                "team-load-p50"
            } else {
                "team-load-p90"
            };
            specs.push((
                load_name,
                format!("Team load in the recovery at {q}"),
                "Shaded: groups busy; solid line: groups available; dashed: steps ready to start but waiting. Where the dashed line rises, work queued for that team.".to_string(),
                Chart::Load(spec::load(plan, model, state, trial, q, objective)),
            ));
        }
    }
    let mut charts = Vec::with_capacity(specs.len());
    for (name, title, caption, chart) in specs {
        let svg = render_svg(&chart)?;
        let png = render_png(&chart)?;
        charts.push(RenderedChart {
            name,
            title,
            caption,
            chart,
            svg,
            png,
        });
    }
    Ok(ManagementReport {
        narrative: narrative::narrative(summary, inputs.scenario_description.as_deref()),
        summary: summary.clone(),
        charts,
        inputs,
        staffing: None,
    })
}

impl ManagementReport {
    /// Every file of the report: path relative to the output directory (`/`-separated) and
    /// contents. Charts come first and the HTML last, so a reader who opens the HTML while a
    /// report is being rewritten finds a whole file.
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::with_capacity(2 * self.charts.len() + 3);
        for c in &self.charts {
            out.push((format!("charts/{}.svg", c.name), c.svg.clone().into_bytes()));
            out.push((format!("charts/{}.png", c.name), c.png.clone()));
        }
        out.push((
            "report.json".to_string(),
            render_json(&self.summary).into_bytes(),
        ));
        if let Some(s) = &self.staffing {
            out.push((
                "staffing.json".to_string(),
                crate::staff::render_json(s).into_bytes(),
            ));
        }
        out.push((
            "report.md".to_string(),
            markdown::render_markdown(self).into_bytes(),
        ));
        out.push((
            "report.html".to_string(),
            html::render_html(self).into_bytes(),
        ));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_what_needs_it() {
        assert_eq!(shell_quote("scenarios/a.toml"), "scenarios/a.toml");
        assert_eq!(shell_quote("my plan.toml"), "'my plan.toml'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
    }
}
