//! Charts 1 and 2: the RTO histogram and the S-curve, each with its percentiles and objective.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::common::{
    Axes, DrawResult, Key, LEGEND_LEFT, Orient, PxBox, legend, legend_height, measure,
    place_labels, plated_label, time_chart, titled,
};
use crate::chart::render::WIDTH;
use crate::chart::spec::{HistogramSpec, Objective, SCurveSpec, Tail};
use crate::chart::theme::{INK, MARKER, OBJECTIVE, PRIMARY, Theme};
use crate::duration::format_span;

/// Width of the objective line in SVG pixels.
pub const OBJECTIVE_WIDTH: f64 = 3.0;

/// Hours as people read them: `"14 h 20 m"`.
fn span_h(h: f64) -> String {
    format_span(h * 3600.0)
}

fn percent(p: f64) -> String {
    format!("{:.0}%", 100.0 * p)
}

/// Where a time axis starts: at zero unless the data sit far from it.
fn x_min(first: f64, x_max: f64) -> f64 {
    if first < 0.35 * x_max {
        0.0
    } else {
        (first - 0.04 * (x_max - first)).max(0.0)
    }
}

/// The objective's label, and whether its line is on the chart.
fn objective_label(o: &Objective, x_max: f64) -> (String, bool) {
    let met = percent(o.probability_met);
    if o.hours <= x_max {
        (format!("objective {}: {met} met", span_h(o.hours)), true)
    } else {
        (
            format!(
                "objective {} is off the chart to the right: {met} met",
                span_h(o.hours)
            ),
            false,
        )
    }
}

/// The legend keys both distribution charts end with: the objective when it is on the axis,
/// and a note on trials beyond it.
fn objective_and_tail_keys(
    objective: Option<&Objective>,
    x_max: f64,
    tail: Option<&Tail>,
) -> Vec<(Key, String)> {
    let mut keys = Vec::new();
    if objective.is_some_and(|o| o.hours <= x_max) {
        keys.push((
            Key::Line(OBJECTIVE, OBJECTIVE_WIDTH, Orient::Vertical),
            "objective".to_string(),
        ));
    }
    if let Some(t) = tail {
        keys.push((Key::Note, tail_note(t)));
    }
    keys
}

fn tail_note(t: &Tail) -> String {
    format!(
        "{} of trials take longer than the axis shows, up to {}",
        percent_fine(t.share),
        span_h(t.slowest)
    )
}

/// A small share with a digit where it matters: `"0.5%"`, `"12%"`.
fn percent_fine(p: f64) -> String {
    if p < 0.1 {
        format!("{:.1}%", 100.0 * p)
    } else {
        percent(p)
    }
}

fn histogram_keys(spec: &HistogramSpec) -> Vec<(Key, String)> {
    let mut keys = vec![
        (Key::Square(PRIMARY, 1.0), "share of trials".to_string()),
        (
            Key::Dashed(MARKER, Orient::Vertical),
            "P50 and P90".to_string(),
        ),
    ];
    keys.extend(objective_and_tail_keys(
        spec.objective.as_ref(),
        spec.x_max,
        spec.tail.as_ref(),
    ));
    keys
}

fn s_curve_keys(spec: &SCurveSpec) -> Vec<(Key, String)> {
    let mut keys = vec![
        (
            Key::Line(PRIMARY, 2.5, Orient::Horizontal),
            "share of trials recovered".to_string(),
        ),
        (Key::Swatch(INK), "percentiles".to_string()),
    ];
    keys.extend(objective_and_tail_keys(
        spec.objective.as_ref(),
        spec.x_max,
        spec.tail.as_ref(),
    ));
    keys
}

/// Chart 1's height in SVG pixels.
pub fn histogram_height(spec: &HistogramSpec) -> u32 {
    (406.0 + legend_height(&histogram_keys(spec), f64::from(WIDTH))) as u32
}

/// Chart 2's height in SVG pixels.
pub fn s_curve_height(spec: &SCurveSpec) -> u32 {
    (446.0 + legend_height(&s_curve_keys(spec), f64::from(WIDTH))) as u32
}

/// Chart 1.
pub fn histogram<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    spec: &HistogramSpec,
    th: &Theme,
) -> DrawResult<DB> {
    let body = titled(root, "How long recovery takes: RTO over all trials", th)?;
    let foot_h = th.px(legend_height(&histogram_keys(spec), f64::from(WIDTH)));
    let (plot, foot) = body.split_vertically(body.dim_in_pixel().1 as i32 - foot_h);
    let tallest = spec.bins.iter().map(|b| b.share).fold(0.0, f64::max);
    let y_max = if tallest > 0.0 { tallest * 1.45 } else { 1.0 };
    let first = spec.bins.first().map_or(0.0, |b| b.low);
    let x0 = x_min(first, spec.x_max);
    let fmt = |v: &f64| format!("{:.0}", v * 100.0);
    let axes = Axes {
        x: (x0, spec.x_max),
        y: (0.0, y_max),
        y_desc: "share of trials (%)",
        y_fmt: &fmt,
        x_desc: true,
        y_ticks: 6,
    };
    let chart = time_chart(&plot, &axes, th)?;
    for b in &spec.bins {
        let (l, top) = chart.backend_coord(&(b.low, b.share));
        let (r, bottom) = chart.backend_coord(&(b.high, 0.0));
        // A hairline gap between bars keeps them countable in print.
        let r = if r - l > th.px(3.0) {
            r - th.px(1.0)
        } else {
            r
        };
        root.draw(&Rectangle::new(
            [(l, top), (r.max(l + 1), bottom)],
            PRIMARY.filled(),
        ))?;
    }
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    let style = th.label();
    // (x in pixels, label, is the objective, drawn as a line)
    let mut marks: Vec<(i32, String, bool, bool)> = spec
        .percentiles
        .iter()
        .map(|p| {
            let x = chart.backend_coord(&(p.hours, 0.0)).0;
            (x, format!("{} {}", p.name, span_h(p.hours)), false, true)
        })
        .collect();
    if let Some(o) = &spec.objective {
        let (label, on_chart) = objective_label(o, spec.x_max);
        let x = if on_chart {
            chart.backend_coord(&(o.hours, 0.0)).0
        } else {
            xr.end
        };
        marks.push((x, label, true, on_chart));
    }
    // A staircase of labels: the leftmost line's label on the top row, each next one a row
    // lower, every label right of its line, every line rising only to its own label. A line
    // then never crosses a label: lines to the left rise past a label's row only left of it.
    marks.sort_by_key(|m| m.0);
    let row_gap = th.px(5.0);
    let mut y = yr.start + th.px(6.0);
    let mut boxes = Vec::with_capacity(marks.len());
    for (x, label, _, _) in &marks {
        let (w, h) = measure(root, label, &style)?;
        let gap = th.px(5.0);
        let left = if x + gap + w <= xr.end {
            x + gap
        } else {
            (x - gap - w).max(xr.start)
        };
        boxes.push(PxBox {
            x0: left,
            y0: y,
            x1: left + w,
            y1: y + h,
        });
        y += h + row_gap;
    }
    for ((x, label, is_objective, line), b) in marks.iter().zip(&boxes) {
        let top = b.y0 - th.px(2.0);
        if *line && *is_objective {
            root.draw(&PathElement::new(
                vec![(*x, top), (*x, yr.end)],
                OBJECTIVE.stroke_width(th.upx(OBJECTIVE_WIDTH)),
            ))?;
        } else if *line {
            root.draw(&DashedPathElement::new(
                vec![(*x, top), (*x, yr.end)],
                th.px(6.0),
                th.px(4.0),
                MARKER.stroke_width(th.upx(1.5)),
            ))?;
        }
        plated_label(root, label, *b, &style, th)?;
    }
    let (fw, _) = foot.dim_in_pixel();
    let keys = histogram_keys(spec);
    legend(&foot, &keys, (th.px(LEGEND_LEFT), 0), fw as i32, th)?;
    Ok(())
}

/// Chart 2.
pub fn s_curve<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    spec: &SCurveSpec,
    th: &Theme,
) -> DrawResult<DB> {
    let body = titled(root, "Chance of having recovered, by time", th)?;
    let foot_h = th.px(legend_height(&s_curve_keys(spec), f64::from(WIDTH)));
    let (plot, foot) = body.split_vertically(body.dim_in_pixel().1 as i32 - foot_h);
    let first = spec.points.first().map_or(0.0, |p| p.0);
    let x0 = x_min(first, spec.x_max);
    let fmt = |v: &f64| format!("{:.0}", v * 100.0);
    let axes = Axes {
        x: (x0, spec.x_max),
        y: (0.0, 1.0),
        y_desc: "recovered (%)",
        y_fmt: &fmt,
        x_desc: true,
        y_ticks: 6,
    };
    let chart = time_chart(&plot, &axes, th)?;
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    // Nothing has recovered before the fastest trial: start the curve at the axis.
    let mut points: Vec<(i32, i32)> = Vec::with_capacity(spec.points.len() + 1);
    points.push(chart.backend_coord(&(x0, 0.0)));
    points.extend(spec.points.iter().map(|p| chart.backend_coord(p)));
    root.draw(&PathElement::new(points, PRIMARY.stroke_width(th.upx(2.5))))?;

    let style = th.label();
    let gap = th.px(9.0);
    let objective_x = match &spec.objective {
        Some(o) if o.hours <= spec.x_max => Some(chart.backend_coord(&(o.hours, 0.0)).0),
        _ => None,
    };
    let mut wanted = Vec::new();
    let mut labels = Vec::new();
    for p in &spec.percentiles {
        let (x, y) = chart.backend_coord(&(p.hours, p.q));
        root.draw(&Circle::new((x, y), th.upx(4.5), INK.filled()))?;
        let label = format!("{} {}", p.name, span_h(p.hours));
        let (w, h) = measure(root, &label, &style)?;
        // The curve rises: below and right of a point it is always higher, above and left
        // always lower, so a label there never touches it. Prefer below-right, jumping past
        // the objective line rather than crossing it; else above-left.
        let mut x0 = x + gap;
        if let Some(ox) = objective_x {
            if ox >= x0 - th.px(3.0) && ox <= x0 + w + th.px(3.0) {
                x0 = ox + gap;
            }
        }
        let b = if x0 + w <= xr.end {
            PxBox {
                x0,
                y0: y + th.px(3.0),
                x1: x0 + w,
                y1: y + th.px(3.0) + h,
            }
        } else {
            let x1 = x - gap;
            PxBox {
                x0: x1 - w,
                y0: y - th.px(3.0) - h,
                x1,
                y1: y - th.px(3.0),
            }
        };
        wanted.push(b);
        labels.push(label);
    }
    // Highest probability first, so the stack grows down into the empty area under the curve.
    let mut order: Vec<usize> = (0..wanted.len()).collect();
    order.sort_by_key(|&i| wanted[i].y0);
    if let Some(o) = &spec.objective {
        let (label, on_chart) = objective_label(o, spec.x_max);
        let (x, y) = chart.backend_coord(&(o.hours.min(spec.x_max), o.probability_met));
        if on_chart {
            root.draw(&PathElement::new(
                vec![(x, yr.start), (x, yr.end)],
                OBJECTIVE.stroke_width(th.upx(OBJECTIVE_WIDTH)),
            ))?;
            root.draw(&DashedPathElement::new(
                vec![(xr.start, y), (x, y)],
                th.px(6.0),
                th.px(4.0),
                MARKER.stroke_width(th.upx(1.5)),
            ))?;
        }
        // Low on the line, where the curve has long since risen past it.
        let (w, h) = measure(root, &label, &style)?;
        let x0 = if x + gap + w <= xr.end {
            x + gap
        } else {
            (x - gap - w).max(xr.start)
        };
        let y0 = yr.end - h - th.px(40.0);
        order.push(wanted.len());
        wanted.push(PxBox {
            x0,
            y0,
            x1: x0 + w,
            y1: y0 + h,
        });
        labels.push(label);
    }
    let sorted: Vec<PxBox> = order.iter().map(|&i| wanted[i]).collect();
    let placed = place_labels(&sorted, th.px(3.0));
    for (&i, b) in order.iter().zip(placed) {
        plated_label(root, &labels[i], b, &style, th)?;
    }
    let (fw, _) = foot.dim_in_pixel();
    let keys = s_curve_keys(spec);
    legend(&foot, &keys, (th.px(LEGEND_LEFT), 0), fw as i32, th)?;
    Ok(())
}
