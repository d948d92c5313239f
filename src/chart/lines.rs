//! The frame of the simple line charts that `staff --chart` and `compare --chart` write: an SVG
//! document with a caption, axes and a legend, around whatever series the caller draws.

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

/// The chart area the caller draws series into.
pub type LineChart<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Draws an SVG chart of `size` titled `title` over `x` by `y`: `mesh` configures the axes,
/// `series` draws into the chart, then the series' legend goes in the lower right.
pub fn svg_line_chart(
    size: (u32, u32),
    title: &str,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
    mesh: impl FnOnce(&mut LineChart<'_, '_>) -> Result<(), String>,
    series: impl FnOnce(&mut LineChart<'_, '_>) -> Result<(), String>,
) -> Result<String, String> {
    // plotters measures text with the font rtosim embeds (see `chart::theme`).
    if !super::theme::ensure_font() {
        return Err("the embedded chart font could not be loaded".to_string());
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 20))
            .margin(16)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .build_cartesian_2d(x, y)
            .map_err(|e| e.to_string())?;
        mesh(&mut chart)?;
        series(&mut chart)?;
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.4))
            .position(SeriesLabelPosition::LowerRight)
            .label_font(("sans-serif", 13))
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}
