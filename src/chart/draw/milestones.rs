//! The milestones chart: one S-curve per milestone, each target a dashed line in its colour.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::common::{
    Axes, DrawResult, Key, LEGEND_LEFT, Orient, legend, legend_height, time_chart, titled,
};
use crate::chart::render::WIDTH;
use crate::chart::spec::MilestonesSpec;
use crate::chart::theme::{Theme, system_colours};
use crate::duration::format_span;

fn keys(spec: &MilestonesSpec) -> Vec<(Key, String)> {
    let mut keys = Vec::new();
    let palette = system_colours(spec.curves.len());
    for (c, &colour) in spec.curves.iter().zip(&palette) {
        let label = match c.target {
            Some((t, p)) => format!(
                "{}: target {} (dashed), met in {:.1}%",
                c.name,
                format_span(t * 3600.0),
                p * 100.0
            ),
            None => format!("{}: no target", c.name),
        };
        keys.push((Key::Line(colour, 2.5, Orient::Horizontal), label));
    }
    keys
}

/// The chart's height in SVG pixels.
pub fn height(spec: &MilestonesSpec) -> u32 {
    (446.0 + legend_height(&keys(spec), f64::from(WIDTH))) as u32
}

/// Draws the chart.
pub fn milestones<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    spec: &MilestonesSpec,
    th: &Theme,
) -> DrawResult<DB> {
    let body = titled(root, "Chance each milestone is reached, by time", th)?;
    let keys = keys(spec);
    let foot_h = th.px(legend_height(&keys, f64::from(WIDTH)));
    let (plot, foot) = body.split_vertically(body.dim_in_pixel().1 as i32 - foot_h);
    let fmt = |v: &f64| format!("{:.0}", v * 100.0);
    let axes = Axes {
        x: (0.0, spec.x_max),
        y: (0.0, 1.0),
        y_desc: "reached (%)",
        y_fmt: &fmt,
        x_desc: true,
        y_ticks: 6,
    };
    let chart = time_chart(&plot, &axes, th)?;
    let (_, yr) = chart.plotting_area().get_pixel_range();
    let palette = system_colours(spec.curves.len());
    for (c, &colour) in spec.curves.iter().zip(&palette) {
        let mut points: Vec<(i32, i32)> = Vec::with_capacity(c.points.len() + 1);
        points.push(chart.backend_coord(&(0.0, 0.0)));
        points.extend(
            c.points
                .iter()
                .filter(|p| p.0 <= spec.x_max)
                .map(|p| chart.backend_coord(p)),
        );
        root.draw(&PathElement::new(points, colour.stroke_width(th.upx(2.5))))?;
        if let Some((t, p)) = c.target {
            let (x, y) = chart.backend_coord(&(t.min(spec.x_max), p));
            root.draw(&DashedPathElement::new(
                vec![(x, yr.start), (x, yr.end)],
                th.px(6.0),
                th.px(4.0),
                colour.stroke_width(th.upx(2.0)),
            ))?;
            root.draw(&Circle::new((x, y), th.upx(4.5), colour.filled()))?;
        }
    }
    let (fw, _) = foot.dim_in_pixel();
    legend(&foot, &keys, (th.px(LEGEND_LEFT), 0), fw as i32, th)?;
    Ok(())
}
