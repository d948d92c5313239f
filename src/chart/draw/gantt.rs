//! Chart 4: the Gantt of one representative trial, one lane per team group plus unattended
//! lanes, bars coloured by system, the critical chain outlined, the objective drawn.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::common::{
    DrawResult, HOURS_AXIS, Key, LEGEND_LEFT, Orient, PxBox, legend, legend_height, measure,
    plated_label, text, titled,
};
use super::dist::OBJECTIVE_WIDTH;
use crate::chart::render::WIDTH;
use crate::chart::spec::{BarKind, GanttBar, GanttSpec};
use crate::chart::theme::{
    BAND, CRITICAL, GRID, INK, MARKER, NEUTRAL, OBJECTIVE, Theme, hours_tick, system_colours,
    text_on,
};
use crate::duration::format_span;

/// Colour of the milestone lines: a magenta that no system colour (viridis) is close to.
const MILESTONE: RGBColor = RGBColor(200, 0, 130);

/// Height of one lane in SVG pixels.
pub const LANE: f64 = 30.0;
/// Opacity of unattended bars: the same hue, lighter.
pub const UNATTENDED_ALPHA: f64 = 0.45;
/// Width of the critical chain's outline in SVG pixels.
pub const CRITICAL_WIDTH: f64 = 2.5;
/// Height of the strip above the lanes that holds the RTO and objective labels, two rows.
const STRIP: f64 = 46.0;

fn keys(spec: &GanttSpec) -> Vec<(Key, String)> {
    let palette = system_colours(spec.systems.len());
    let mut keys: Vec<(Key, String)> = spec
        .systems
        .iter()
        .zip(palette)
        .map(|(s, c)| (Key::Swatch(c), s.clone()))
        .collect();
    keys.push((Key::Square(NEUTRAL, 1.0), "hands-on (group busy)".into()));
    keys.push((Key::Square(NEUTRAL, UNATTENDED_ALPHA), "unattended".into()));
    keys.push((Key::Outline(CRITICAL), "critical chain".into()));
    if spec.objective.is_some() {
        keys.push((
            Key::Line(OBJECTIVE, OBJECTIVE_WIDTH, Orient::Vertical),
            "objective".into(),
        ));
    }
    for (name, at) in &spec.milestones {
        keys.push((
            Key::Dashed(MILESTONE, Orient::Vertical),
            format!("{name} reached at {}", format_span(at * 3600.0)),
        ));
    }
    keys
}

/// The chart's height in SVG pixels.
pub fn height(spec: &GanttSpec) -> u32 {
    let lanes = spec.lanes.len().max(1) as f64;
    let legend = legend_height(&keys(spec), f64::from(WIDTH));
    (44.0 + STRIP + LANE * lanes + 56.0 + legend + 8.0) as u32
}

/// Chart 4.
pub fn gantt<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    spec: &GanttSpec,
    th: &Theme,
) -> DrawResult<DB> {
    let palette = system_colours(spec.systems.len());
    let title = format!(
        "One recovery at {}: {} (trial {})",
        spec.represents,
        format_span(spec.rto * 3600.0),
        spec.trial
    );
    let body = titled(root, &title, th)?;
    let style = th.label();
    let tick = th.tick();
    let lanes = spec.lanes.len().max(1);
    let mut label_w = 0;
    for l in &spec.lanes {
        label_w = label_w.max(measure(root, &l.label, &style)?.0);
    }
    let plot_h = th.px(STRIP + LANE * lanes as f64 + 56.0);
    let (plot, foot) = body.split_vertically(plot_h);
    let mut chart = ChartBuilder::on(&plot)
        .margin_top(th.px(STRIP))
        .margin_right(th.px(24.0))
        .x_label_area_size(th.px(52.0))
        .y_label_area_size(label_w + th.px(14.0))
        .build_cartesian_2d(0.0..spec.x_max, 0.0..lanes as f64)?;
    let (xr, _) = chart.plotting_area().get_pixel_range();
    let lane_y = |lane: usize, frac: f64| (lanes - lane) as f64 - frac;

    // Lane backgrounds first, so grid and bars draw over them.
    for (i, _) in spec.lanes.iter().enumerate() {
        if i % 2 == 1 {
            let (x0, y0) = chart.backend_coord(&(0.0, lane_y(i, 0.0)));
            let (_, y1) = chart.backend_coord(&(0.0, lane_y(i, 1.0)));
            root.draw(&Rectangle::new([(x0, y0), (xr.end, y1)], BAND.filled()))?;
        }
    }
    chart
        .configure_mesh()
        .disable_y_mesh()
        .bold_line_style(GRID.stroke_width(th.upx(1.0)))
        .light_line_style(TRANSPARENT)
        .axis_style(INK.stroke_width(th.upx(1.0)))
        .x_labels(12)
        .y_labels(0)
        .x_label_formatter(&|v| hours_tick(*v))
        .label_style(tick.clone())
        .axis_desc_style(style.clone())
        .x_desc(HOURS_AXIS)
        .set_all_tick_mark_size(th.px(5.0))
        .draw()?;
    // Lane labels, and a rule where one team's lanes end and the next begin.
    for (i, lane) in spec.lanes.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(0.0, lane_y(i, 0.5)));
        text(
            root,
            &lane.label,
            (x - th.px(8.0), y),
            &style,
            HPos::Right,
            VPos::Center,
        )?;
        if i > 0 && spec.lanes[i - 1].team != lane.team {
            let (x0, y0) = chart.backend_coord(&(0.0, lane_y(i, 0.0)));
            root.draw(&PathElement::new(
                vec![(x0, y0), (xr.end, y0)],
                NEUTRAL.stroke_width(th.upx(1.0)),
            ))?;
        }
    }

    let min_w = th.px(2.0);
    let px_of = |bar: &GanttBar| {
        let (x0, y0) = chart.backend_coord(&(bar.start, lane_y(bar.lane, 0.18)));
        let (x1, y1) = chart.backend_coord(&(bar.end, lane_y(bar.lane, 0.82)));
        (x0, y0, x1.max(x0 + min_w), y1)
    };
    for bar in &spec.bars {
        let colour = palette[bar.system];
        let (x0, y0, x1, y1) = px_of(bar);
        let fill = match bar.kind {
            BarKind::HandsOn => colour.filled(),
            BarKind::Unattended => colour.mix(UNATTENDED_ALPHA).filled(),
        };
        root.draw(&Rectangle::new([(x0, y0), (x1, y1)], fill))?;
    }
    for bar in spec.bars.iter().filter(|b| b.critical) {
        let (x0, y0, x1, y1) = px_of(bar);
        root.draw(&PathElement::new(
            vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)],
            CRITICAL.stroke_width(th.upx(CRITICAL_WIDTH)),
        ))?;
    }
    // Step labels: inside a bar when they fit, else just right of it when the lane is free
    // there. Bars, labels already placed and the vertical marker lines all block a label;
    // critical bars are labelled first, then the rest from the left.
    let mut occupied: Vec<Vec<(i32, i32)>> = vec![Vec::new(); lanes];
    for bar in &spec.bars {
        let (x0, _, x1, _) = px_of(bar);
        occupied[bar.lane].push((x0, x1));
    }
    // Milestone lines: dotted, across the lanes, named in the legend (the strip above holds the
    // RTO and the objective).
    for (_, at) in &spec.milestones {
        let (x, y_top) = chart.backend_coord(&(*at, lanes as f64));
        let (_, y_bottom) = chart.backend_coord(&(*at, 0.0));
        root.draw(&DashedPathElement::new(
            vec![(x, y_top), (x, y_bottom)],
            th.px(2.0),
            th.px(3.0),
            MILESTONE.stroke_width(th.upx(1.5)),
        ))?;
    }
    let mut lines: Vec<f64> = vec![spec.rto];
    lines.extend(spec.objective.filter(|&o| o <= spec.x_max));
    lines.extend(spec.milestones.iter().map(|m| m.1));
    for h in lines {
        let x = chart.backend_coord(&(h, 0.0)).0;
        for lane in &mut occupied {
            lane.push((x - th.px(2.0), x + th.px(2.0)));
        }
    }
    let mut order: Vec<&GanttBar> = spec.bars.iter().collect();
    order.sort_by(|a, b| {
        b.critical
            .cmp(&a.critical)
            .then(a.start.total_cmp(&b.start))
    });
    let pad = th.px(4.0);
    let mut labelled: Vec<&str> = Vec::new();
    // First inside bars, where a label takes no room; then beside bars, once per step.
    for inside in [true, false] {
        for bar in &order {
            if labelled.contains(&bar.step.as_str()) {
                continue;
            }
            let (x0, y0, x1, y1) = px_of(bar);
            let mid = (y0 + y1) / 2;
            let (w, _) = measure(root, &bar.step, &tick)?;
            if inside {
                if w + 2 * pad <= x1 - x0 {
                    let ink = match bar.kind {
                        BarKind::HandsOn => text_on(palette[bar.system]),
                        BarKind::Unattended => INK,
                    };
                    let at = ((x0 + x1) / 2, mid);
                    text(
                        root,
                        &bar.step,
                        at,
                        &tick.color(&ink),
                        HPos::Center,
                        VPos::Center,
                    )?;
                    labelled.push(&bar.step);
                }
                continue;
            }
            let (a, b) = (x1 + pad, x1 + pad + w);
            let free = b <= xr.end - pad
                && occupied[bar.lane]
                    .iter()
                    .all(|&(o0, o1)| b + pad <= o0 || o1 + pad <= a);
            if free {
                text(
                    root,
                    &bar.step,
                    (a, mid),
                    &tick.color(&INK),
                    HPos::Left,
                    VPos::Center,
                )?;
                occupied[bar.lane].push((a, b));
                labelled.push(&bar.step);
            }
        }
    }

    // The trial's RTO and the objective, labelled in the strip above the lanes.
    let (_, top) = chart.backend_coord(&(0.0, lanes as f64));
    let (_, bottom) = chart.backend_coord(&(0.0, 0.0));
    // (hours, label, line): the line is None for an objective beyond the axis.
    let mut marks = vec![(
        spec.rto,
        format!("RTO {}", format_span(spec.rto * 3600.0)),
        Some(false),
    )];
    if let Some(o) = spec.objective {
        let on_chart = o <= spec.x_max;
        let label = if on_chart {
            format!("objective {}", format_span(o * 3600.0))
        } else {
            format!(
                "objective {} is off the chart to the right",
                format_span(o * 3600.0)
            )
        };
        marks.push((o.min(spec.x_max), label, on_chart.then_some(true)));
    }
    // Two rows of labels: the rightmost line's on top, the other's below. A line rises only to
    // its own label, so the lower label only has to keep clear of the line to its right.
    let gap = th.px(5.0);
    let mut order: Vec<usize> = (0..marks.len()).collect();
    let xs: Vec<i32> = marks
        .iter()
        .map(|m| chart.backend_coord(&(m.0, 0.0)).0)
        .collect();
    order.sort_by_key(|&i| std::cmp::Reverse(xs[i]));
    let row_h = th.px(22.0);
    for (row, &i) in order.iter().enumerate() {
        let (_, label, line) = &marks[i];
        let x = xs[i];
        let (w, _) = measure(root, label, &style)?;
        let blocked = |a: i32, b: i32| {
            order[..row]
                .iter()
                .any(|&j| xs[j] >= a - gap && xs[j] <= b + gap)
        };
        let right = (x + gap, x + gap + w);
        let left = (x - gap - w, x - gap);
        let (a, b) = if right.1 <= xr.end && !blocked(right.0, right.1) {
            right
        } else if left.0 >= 0 {
            left
        } else {
            right
        };
        let y0 = top - th.px(STRIP) + th.px(2.0) + row as i32 * row_h;
        let line_top = y0;
        match line {
            Some(true) => root.draw(&PathElement::new(
                vec![(x, line_top), (x, bottom)],
                OBJECTIVE.stroke_width(th.upx(OBJECTIVE_WIDTH)),
            ))?,
            Some(false) => root.draw(&DashedPathElement::new(
                vec![(x, line_top), (x, bottom)],
                th.px(6.0),
                th.px(4.0),
                MARKER.stroke_width(th.upx(1.5)),
            ))?,
            None => {}
        }
        let (_, h) = measure(root, label, &style)?;
        plated_label(
            root,
            label,
            PxBox {
                x0: a,
                y0,
                x1: b,
                y1: y0 + h,
            },
            &style,
            th,
        )?;
    }

    let (fw, _) = foot.dim_in_pixel();
    let keys = keys(spec);
    legend(
        &foot,
        &keys,
        (th.px(LEGEND_LEFT), th.px(4.0)),
        fw as i32 - th.px(8.0),
        th,
    )?;
    Ok(())
}
