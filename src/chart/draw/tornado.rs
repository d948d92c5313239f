//! Chart 3: the tornado of top drivers, cruciality on the left, criticality beside it.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::common::{DrawResult, measure, text, titled, value_bar};
use crate::chart::spec::TornadoSpec;
use crate::chart::theme::{GRID, INK, MUTED, PRIMARY, SECONDARY, Theme};

/// Height of one row in SVG pixels.
pub const ROW: f64 = 34.0;

/// Widest row label in SVG pixels; longer labels are cut with an ellipsis.
const LABEL_MAX: f64 = 300.0;

/// The chart's height in SVG pixels for `rows` drivers.
pub fn height(rows: usize) -> u32 {
    (44.0 + 34.0 + ROW * rows.max(1) as f64 + 56.0) as u32
}

/// Cuts `s` to fit `max` pixels, ending in an ellipsis when cut.
pub(crate) fn fit<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &str,
    style: &TextStyle,
    max: i32,
) -> Result<String, DrawingAreaErrorKind<DB::ErrorType>> {
    if measure(area, s, style)?.0 <= max {
        return Ok(s.to_string());
    }
    let chars: Vec<char> = s.chars().collect();
    let mut n = chars.len();
    while n > 1 {
        n -= 1;
        let cut: String = chars[..n].iter().collect::<String>() + "…";
        if measure(area, &cut, style)?.0 <= max {
            return Ok(cut);
        }
    }
    Ok("…".to_string())
}

/// Chart 3.
pub fn tornado<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    spec: &TornadoSpec,
    th: &Theme,
) -> DrawResult<DB> {
    let title = format!(
        "What drives the RTO: top {} of {} steps",
        spec.drivers.len(),
        spec.of_steps
    );
    let body = titled(root, &title, th)?;
    let rows = spec.drivers.len().max(1);
    let style = th.label();
    let tick = th.tick();
    let mut labels = Vec::with_capacity(spec.drivers.len());
    let mut widest = 0;
    for d in &spec.drivers {
        let l = fit(root, &d.label, &style, th.px(LABEL_MAX))?;
        widest = widest.max(measure(root, &l, &style)?.0);
        labels.push(l);
    }
    let (w, _) = body.dim_in_pixel();
    let label_w = widest + th.px(16.0);
    let (_, panels) = body.split_horizontally(label_w);
    let (left, right) = panels.split_horizontally(((w as i32 - label_w) as f64 * 0.56) as i32);

    let max_c = spec
        .drivers
        .iter()
        .map(|d| d.cruciality)
        .fold(0.0, f64::max);
    let min_c = spec
        .drivers
        .iter()
        .map(|d| d.cruciality)
        .fold(0.0, f64::min);
    let c_lo = if min_c < 0.0 {
        ((min_c - 0.15) * 10.0).floor() / 10.0
    } else {
        0.0
    }
    .max(-1.0);
    let c_hi = (((max_c + 0.2) * 10.0).ceil() / 10.0).clamp(0.3, 1.2);
    let panel = |area: &DrawingArea<DB, Shift>,
                 head: &str,
                 range: (f64, f64),
                 fmt: &dyn Fn(&f64) -> String|
     -> Result<_, DrawingAreaErrorKind<DB::ErrorType>> {
        text(area, head, (th.px(4.0), 0), &style, HPos::Left, VPos::Top)?;
        let area = area.margin(th.px(30.0), 0, 0, th.px(16.0));
        let mut chart = ChartBuilder::on(&area)
            .x_label_area_size(th.px(44.0))
            .build_cartesian_2d(range.0..range.1, 0.0..rows as f64)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .disable_y_axis()
            .bold_line_style(GRID.stroke_width(th.upx(1.0)))
            .light_line_style(TRANSPARENT)
            .axis_style(INK.stroke_width(th.upx(1.0)))
            .x_labels(7)
            .x_label_formatter(fmt)
            .label_style(tick.clone())
            .set_all_tick_mark_size(th.px(5.0))
            .draw()?;
        Ok(chart)
    };
    let c_fmt = |v: &f64| {
        if *v > 1.0 + 1e-9 {
            String::new()
        } else {
            format!("{v:.1}")
        }
    };
    let left_chart = panel(
        &left,
        "cruciality: rank correlation with the RTO",
        (c_lo, c_hi),
        &c_fmt,
    )?;
    let k_fmt = |v: &f64| {
        if *v > 100.0 + 1e-9 {
            String::new()
        } else {
            format!("{v:.0}%")
        }
    };
    let right_chart = panel(
        &right,
        "criticality: on the critical chain",
        (0.0, 122.0),
        &k_fmt,
    )?;

    let bar_h = th.px(ROW * 0.32);
    for (i, (d, label)) in spec.drivers.iter().zip(&labels).enumerate() {
        let yc = (rows - i) as f64 - 0.5;
        let (_, y) = left_chart.backend_coord(&(0.0, yc));
        text(
            root,
            label,
            (label_w - th.px(8.0) + root_x(&body), y),
            &style,
            HPos::Right,
            VPos::Center,
        )?;

        let (x0, _) = left_chart.backend_coord(&(0.0, yc));
        let (x1, _) = left_chart.backend_coord(&(d.cruciality, yc));
        let (a, b) = (x0.min(x1), x0.max(x1).max(x0.min(x1) + 1));
        root.draw(&Rectangle::new(
            [(a, y - bar_h), (b, y + bar_h)],
            PRIMARY.filled(),
        ))?;
        let value = crate::report::signed_coefficient(d.cruciality);
        let vw = measure(root, &value, &tick)?.0;
        if d.cruciality >= 0.0 {
            text(
                root,
                &value,
                (b + th.px(5.0), y),
                &tick,
                HPos::Left,
                VPos::Center,
            )?;
        } else if a - th.px(5.0) - vw > left_chart.plotting_area().get_pixel_range().0.start {
            text(
                root,
                &value,
                (a - th.px(5.0), y),
                &tick,
                HPos::Right,
                VPos::Center,
            )?;
        } else {
            text(
                root,
                &value,
                (b + th.px(5.0), y),
                &tick,
                HPos::Left,
                VPos::Center,
            )?;
        }

        let (k0, _) = right_chart.backend_coord(&(0.0, yc));
        let (k1, _) = right_chart.backend_coord(&(d.criticality * 100.0, yc));
        let pct = format!("{:.0}%", d.criticality * 100.0);
        value_bar(
            root,
            (k0, k1, y, bar_h),
            SECONDARY,
            true,
            &pct,
            &tick,
            th,
            5.0,
        )?;
    }
    if spec.drivers.is_empty() {
        let (_, y) = left_chart.backend_coord(&(0.0, 0.5));
        text(
            root,
            "no steps",
            (th.px(24.0), y),
            &style.color(&MUTED),
            HPos::Left,
            VPos::Center,
        )?;
    }
    Ok(())
}

/// The x of `area`'s left edge in root pixels.
fn root_x<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>) -> i32 {
    area.get_base_pixel().0
}
