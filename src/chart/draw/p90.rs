//! The P90 driver chart: steps and chaos ranked together by the time each adds at P90, as
//! horizontal bars in hours, steps dark and chaos light (outlined), so the two read apart in
//! greyscale too.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::common::{
    DrawResult, Key, LEGEND_LEFT, legend, legend_height, measure, text, titled, value_bar,
};
use super::tornado::fit;
use crate::chart::render::WIDTH;
use crate::chart::spec::P90DriversSpec;
use crate::chart::theme::{GRID, INK, MUTED, PRIMARY, SECONDARY, Theme, hours_tick};
use crate::duration::format_span;

/// Height of one row in SVG pixels.
pub const ROW: f64 = 32.0;

/// Widest row label in SVG pixels; longer labels are cut with an ellipsis.
const LABEL_MAX: f64 = 320.0;

/// Room for the x axis, its ticks and its title, in SVG pixels.
const AXIS: f64 = 60.0;

/// The legend: one entry per colour the chart uses.
fn legend_entries(spec: &P90DriversSpec) -> Vec<(Key, String)> {
    let mut out = Vec::new();
    if spec.bars.iter().any(|b| b.is_step()) {
        out.push((
            Key::Swatch(PRIMARY),
            "step: saved if it always took its fast case".to_string(),
        ));
    }
    if spec.bars.iter().any(|b| !b.is_step()) {
        out.push((
            Key::Swatch(SECONDARY),
            "risk, factor, mobilisation, shifts, hand-offs: saved by removing it".to_string(),
        ));
    }
    out
}

/// The chart's height in SVG pixels.
pub fn height(spec: &P90DriversSpec) -> u32 {
    let legend = if spec.bars.is_empty() {
        0.0
    } else {
        legend_height(&legend_entries(spec), f64::from(WIDTH))
    };
    (44.0 + legend + ROW * spec.bars.len().max(1) as f64 + 12.0 + AXIS) as u32
}

/// The P90 driver chart.
pub fn p90_drivers<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    spec: &P90DriversSpec,
    th: &Theme,
) -> DrawResult<DB> {
    let title = format!(
        "What adds time at P90 (now {})",
        format_span(spec.p90_hours * 3_600.0)
    );
    let body = titled(root, &title, th)?;
    let (w, _) = root.dim_in_pixel();
    let entries = legend_entries(spec);
    let below = if entries.is_empty() {
        th.px(44.0)
    } else {
        legend(
            root,
            &entries,
            (th.px(LEGEND_LEFT), th.px(44.0)),
            w as i32 - th.px(16.0),
            th,
        )?
    };
    let body = body.margin(below - th.px(44.0) + th.px(4.0), 0, 0, 0);

    let rows = spec.bars.len().max(1);
    let style = th.label();
    let tick = th.tick();
    let mut labels = Vec::with_capacity(spec.bars.len());
    let mut widest = 0;
    for b in &spec.bars {
        let l = fit(root, &b.label, &style, th.px(LABEL_MAX))?;
        widest = widest.max(measure(root, &l, &style)?.0);
        labels.push(l);
    }
    let label_w = widest + th.px(16.0);
    let (_, plot) = body.split_horizontally(label_w);

    // Air on the right for the value labels.
    let max_h = spec.bars.iter().map(|b| b.hours).fold(0.0, f64::max);
    let x_max = if max_h > 0.0 { max_h * 1.2 } else { 1.0 };
    let mut chart = ChartBuilder::on(&plot)
        .margin_right(th.px(24.0))
        .x_label_area_size(th.px(AXIS))
        .build_cartesian_2d(0.0..x_max, 0.0..rows as f64)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .disable_y_axis()
        .bold_line_style(GRID.stroke_width(th.upx(1.0)))
        .light_line_style(TRANSPARENT)
        .axis_style(INK.stroke_width(th.upx(1.0)))
        .x_labels(8)
        .x_label_formatter(&|v| hours_tick(*v))
        .x_desc("hours added at P90")
        .label_style(tick.clone())
        .axis_desc_style(style.clone())
        .set_all_tick_mark_size(th.px(5.0))
        .draw()?;

    let bar_h = th.px(ROW * 0.3);
    let plot_x = plot.get_base_pixel().0;
    for (i, (b, label)) in spec.bars.iter().zip(&labels).enumerate() {
        let yc = (rows - i) as f64 - 0.5;
        let (x0, y) = chart.backend_coord(&(0.0, yc));
        let (x1, _) = chart.backend_coord(&(b.hours, yc));
        text(
            root,
            label,
            (plot_x - th.px(8.0), y),
            &style,
            HPos::Right,
            VPos::Center,
        )?;
        // Risks and the like are light with an outline, steps dark: distinct in grey too.
        let fill = if b.is_step() { PRIMARY } else { SECONDARY };
        value_bar(
            root,
            (x0, x1, y, bar_h),
            fill,
            !b.is_step(),
            &b.value,
            &tick,
            th,
            6.0,
        )?;
    }
    if spec.bars.is_empty() {
        let (x, y) = chart.backend_coord(&(0.0, 0.5));
        text(
            root,
            "nothing adds time at P90",
            (x + th.px(12.0), y),
            &style.color(&MUTED),
            HPos::Left,
            VPos::Center,
        )?;
    }
    Ok(())
}
