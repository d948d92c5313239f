//! The frame of the simple line charts that `staff --chart` and `compare --chart` write: an SVG
//! document with a caption, axes and a legend, around whatever series the caller draws, in the
//! report's theme ([`super::theme`]: its font, text sizes, ink, grid and series colours, and the
//! report charts' width). A chart that cannot be drawn is an error, never a stand-in image.

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

/// The chart area the caller draws series into.
pub type LineChart<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Height of a line chart in SVG pixels (its width is the report charts').
pub const HEIGHT: u32 = 560;

/// Colours of `n` series: the report's palette ([`super::theme::system_colours`]).
pub fn series_colours(n: usize) -> Vec<RGBColor> {
    super::theme::system_colours(n)
}

/// Configures the axes of a line chart in the report's theme: `x_desc` and `y_desc` label the
/// axes, `x_ticks` and the formatters write the ticks.
pub fn theme_mesh(
    chart: &mut LineChart<'_, '_>,
    x_desc: &str,
    y_desc: &str,
    x_ticks: Option<usize>,
    x_format: &dyn Fn(&f64) -> String,
    y_format: &dyn Fn(&f64) -> String,
) -> Result<(), String> {
    let th = super::theme::Theme::SVG;
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(x_desc)
        .y_desc(y_desc)
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(super::theme::GRID)
        .axis_style(super::theme::INK)
        .label_style(th.tick())
        .axis_desc_style(th.label())
        .x_label_formatter(x_format)
        .y_label_formatter(y_format);
    if let Some(n) = x_ticks {
        mesh.x_labels(n);
    }
    mesh.draw().map_err(|e| e.to_string())
}

/// Draws an SVG chart titled `title` over `x` by `y`: `mesh` configures the axes (see
/// [`theme_mesh`]), `series` draws into the chart, then the series' legend goes in the lower
/// right.
pub fn svg_line_chart(
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
        let th = super::theme::Theme::SVG;
        let root =
            SVGBackend::with_string(&mut svg, (super::render::WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, th.title())
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
            .border_style(super::theme::MUTED)
            .position(SeriesLabelPosition::LowerRight)
            .label_font(th.tick())
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}
