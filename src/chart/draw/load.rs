//! Chart 5: each team's groups busy against groups available over the representative trial,
//! with the steps that stood ready but waiting, so queues show where they formed.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::common::{
    Axes, DrawResult, Key, LEGEND_LEFT, Orient, legend, legend_height, text, time_chart, titled,
};
use super::dist::OBJECTIVE_WIDTH;
use crate::chart::render::WIDTH;
use crate::chart::spec::LoadSpec;
use crate::chart::theme::{INK, OBJECTIVE, PRIMARY, Theme};
use crate::duration::format_span;

/// Height of one team's panel in SVG pixels.
pub const PANEL: f64 = 150.0;
/// Colour of the "waiting" line: vermillion, dashed, unlike anything else on the chart.
pub const WAITING: RGBColor = RGBColor(213, 94, 0);

fn keys(spec: &LoadSpec) -> Vec<(Key, String)> {
    let mut keys = vec![
        (Key::Square(PRIMARY, 0.8), "groups busy".to_string()),
        (
            Key::Line(INK, 2.0, Orient::Horizontal),
            "groups available".to_string(),
        ),
        (
            Key::Dashed(WAITING, Orient::Horizontal),
            "steps ready but waiting (for a group or a limit)".to_string(),
        ),
    ];
    match spec.objective {
        Some(o) if o <= spec.x_max => keys.push((
            Key::Line(OBJECTIVE, OBJECTIVE_WIDTH, Orient::Vertical),
            "objective".to_string(),
        )),
        Some(o) => keys.push((
            Key::Note,
            format!(
                "objective {} is off the chart to the right",
                format_span(o * 3600.0)
            ),
        )),
        None => {}
    }
    keys
}

/// The chart's height in SVG pixels.
pub fn height(spec: &LoadSpec) -> u32 {
    let legend = legend_height(&keys(spec), f64::from(WIDTH));
    (44.0 + PANEL * spec.teams.len().max(1) as f64 + 24.0 + legend + 8.0) as u32
}

/// The outline of a step function from 0 to `end`, as points.
fn steps(f: &[(f64, u32)], end: f64) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(2 * f.len() + 2);
    for (i, &(t, v)) in f.iter().enumerate() {
        if t > end {
            break;
        }
        let next = f.get(i + 1).map_or(end, |n| n.0.min(end));
        out.push((t, f64::from(v)));
        out.push((next, f64::from(v)));
    }
    out
}

/// The outline of a step function split into the stretches where it is above zero, each
/// rising from and falling back to zero.
fn queued_runs(f: &[(f64, u32)], end: f64) -> Vec<Vec<(f64, f64)>> {
    let mut runs = Vec::new();
    let mut run: Vec<(f64, f64)> = Vec::new();
    for (i, &(t, v)) in f.iter().enumerate() {
        if t > end {
            break;
        }
        let next = f.get(i + 1).map_or(end, |n| n.0.min(end));
        if v > 0 {
            if run.is_empty() {
                run.push((t, 0.0));
            }
            run.push((t, f64::from(v)));
            run.push((next, f64::from(v)));
        } else if !run.is_empty() {
            run.push((t, 0.0));
            runs.push(std::mem::take(&mut run));
        }
    }
    if let Some(&(t, _)) = run.last() {
        run.push((t, 0.0));
        runs.push(run);
    }
    runs
}

/// Chart 5.
pub fn load<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    spec: &LoadSpec,
    th: &Theme,
) -> DrawResult<DB> {
    let title = format!(
        "Team load in the recovery at {}: {} (trial {})",
        spec.represents,
        format_span(spec.rto * 3600.0),
        spec.trial
    );
    let body = titled(root, &title, th)?;
    let style = th.label();
    let n = spec.teams.len();
    let panels_h = th.px(PANEL * n.max(1) as f64 + 24.0);
    let (panels, foot) = body.split_vertically(panels_h);
    if n == 0 {
        text(
            root,
            "no team has work in this scenario",
            (th.px(24.0), th.px(80.0)),
            &style,
            HPos::Left,
            VPos::Top,
        )?;
        return Ok(());
    }
    let mut rows = Vec::with_capacity(n);
    let mut rest = panels;
    for i in 0..n {
        let h = th.px(PANEL) + if i + 1 == n { th.px(24.0) } else { 0 };
        let (a, b) = rest.split_vertically(h);
        rows.push(a);
        rest = b;
    }
    for (team, area) in spec.teams.iter().zip(&rows) {
        let peak = team
            .busy
            .iter()
            .chain(&team.waiting)
            .map(|p| p.1)
            .max()
            .unwrap_or(0)
            .max(team.groups);
        let y_max = f64::from(peak) + 0.7;
        let ticks = peak as usize + 2;
        let fmt = |v: &f64| {
            if (v - v.round()).abs() < 1e-6 {
                format!("{:.0}", v)
            } else {
                String::new()
            }
        };
        let last = std::ptr::eq(team, spec.teams.last().unwrap_or(team));
        let inner = area.margin(th.px(22.0), 0, 0, 0);
        let axes = Axes {
            x: (0.0, spec.x_max),
            y: (0.0, y_max),
            y_desc: "count",
            y_fmt: &fmt,
            x_desc: last,
            y_ticks: ticks,
        };
        let chart = time_chart(&inner, &axes, th)?;
        let name = format!(
            "{}: {} group{}",
            team.name,
            team.groups,
            if team.groups == 1 { "" } else { "s" }
        );
        let (x0, _) = chart.backend_coord(&(0.0, 0.0));
        let y_top = area.get_base_pixel().1;
        text(
            root,
            &name,
            (x0, y_top + th.px(2.0)),
            &style,
            HPos::Left,
            VPos::Top,
        )?;

        let busy = steps(&team.busy, spec.rto);
        let mut area_pts: Vec<(i32, i32)> = busy.iter().map(|p| chart.backend_coord(p)).collect();
        area_pts.push(chart.backend_coord(&(spec.rto, 0.0)));
        area_pts.push(chart.backend_coord(&(0.0, 0.0)));
        root.draw(&Polygon::new(area_pts, PRIMARY.mix(0.8).filled()))?;
        let g = f64::from(team.groups);
        root.draw(&PathElement::new(
            vec![
                chart.backend_coord(&(0.0, g)),
                chart.backend_coord(&(spec.x_max, g)),
            ],
            INK.stroke_width(th.upx(2.0)),
        ))?;
        // The queue only where there is one: a dashed line along zero would hide the axis.
        for run in queued_runs(&team.waiting, spec.rto) {
            let pts: Vec<(i32, i32)> = run.iter().map(|p| chart.backend_coord(p)).collect();
            root.draw(&DashedPathElement::new(
                pts,
                th.px(7.0),
                th.px(4.0),
                WAITING.stroke_width(th.upx(2.5)),
            ))?;
        }
        if let Some(o) = spec.objective.filter(|&o| o <= spec.x_max) {
            root.draw(&PathElement::new(
                vec![
                    chart.backend_coord(&(o, 0.0)),
                    chart.backend_coord(&(o, y_max)),
                ],
                OBJECTIVE.stroke_width(th.upx(OBJECTIVE_WIDTH)),
            ))?;
        }
    }
    let (fw, _) = foot.dim_in_pixel();
    let keys = keys(spec);
    legend(
        &foot,
        &keys,
        (th.px(LEGEND_LEFT), th.px(6.0)),
        fw as i32,
        th,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queues_are_drawn_only_where_they_exist() {
        let f = [(0.0, 0), (1.0, 2), (2.0, 1), (3.0, 0), (5.0, 1)];
        assert_eq!(
            queued_runs(&f, 6.0),
            vec![
                vec![
                    (1.0, 0.0),
                    (1.0, 2.0),
                    (2.0, 2.0),
                    (2.0, 1.0),
                    (3.0, 1.0),
                    (3.0, 0.0)
                ],
                vec![(5.0, 0.0), (5.0, 1.0), (6.0, 1.0), (6.0, 0.0)],
            ]
        );
    }

    #[test]
    fn step_outlines_hold_each_level_until_the_next_change() {
        let f = [(0.0, 1), (2.0, 0), (3.0, 2)];
        assert_eq!(
            steps(&f, 4.0),
            vec![
                (0.0, 1.0),
                (2.0, 1.0),
                (2.0, 0.0),
                (3.0, 0.0),
                (3.0, 2.0),
                (4.0, 2.0)
            ]
        );
    }
}
