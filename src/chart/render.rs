//! One chart to SVG text or PNG bytes.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::draw::{dist, gantt, load, p90, tornado};
use super::spec::{GanttSpec, HistogramSpec, LoadSpec, P90DriversSpec, SCurveSpec, TornadoSpec};
use super::theme::{Theme, ensure_font};

/// Width of every chart in SVG pixels.
pub const WIDTH: u32 = 1000;

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The embedded font could not be loaded (a build problem, never the user's input).
    #[error("the embedded chart font could not be loaded")]
    Font,
    /// plotters failed while drawing.
    #[error("cannot draw the {chart} chart: {message}")]
    Draw {
        /// Which chart.
        chart: &'static str,
        /// plotters' message.
        message: String,
    },
    /// The PNG encoder failed.
    #[error("cannot encode the {chart} chart as PNG: {message}")]
    Encode {
        /// Which chart.
        chart: &'static str,
        /// The encoder's message.
        message: String,
    },
}

/// A chart ready to draw.
#[derive(Debug, Clone, PartialEq)]
pub enum Chart {
    /// The RTO histogram.
    Histogram(HistogramSpec),
    /// The S-curve.
    SCurve(SCurveSpec),
    /// The tornado of drivers.
    Tornado(TornadoSpec),
    /// The Gantt of one trial.
    Gantt(GanttSpec),
    /// Team load over one trial.
    Load(LoadSpec),
    /// Steps and chaos ranked by the time they add at P90.
    P90Drivers(P90DriversSpec),
    /// Each milestone's S-curve with its target.
    Milestones(crate::chart::spec::MilestonesSpec),
}

impl Chart {
    /// A short name for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Chart::Histogram(_) => "histogram",
            Chart::SCurve(_) => "S-curve",
            Chart::Tornado(_) => "tornado",
            Chart::Gantt(_) => "Gantt",
            Chart::Load(_) => "team load",
            Chart::P90Drivers(_) => "P90 drivers",
            Chart::Milestones(_) => "milestones",
        }
    }

    /// Width and height in SVG pixels.
    pub fn size(&self) -> (u32, u32) {
        let h = match self {
            Chart::Histogram(h) => dist::histogram_height(h),
            Chart::SCurve(c) => dist::s_curve_height(c),
            Chart::Tornado(t) => tornado::height(t.drivers.len()),
            Chart::Gantt(g) => gantt::height(g),
            Chart::Load(l) => load::height(l),
            Chart::P90Drivers(p) => p90::height(p),
            Chart::Milestones(m) => super::draw::milestones::height(m),
        };
        (WIDTH, h)
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        th: &Theme,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        match self {
            Chart::Histogram(s) => dist::histogram(root, s, th),
            Chart::SCurve(s) => dist::s_curve(root, s, th),
            Chart::Tornado(s) => tornado::tornado(root, s, th),
            Chart::Gantt(s) => gantt::gantt(root, s, th),
            Chart::Load(s) => load::load(root, s, th),
            Chart::P90Drivers(s) => p90::p90_drivers(root, s, th),
            Chart::Milestones(s) => super::draw::milestones::milestones(root, s, th),
        }?;
        root.present()
    }
}

/// Draws a chart as a standalone SVG document.
pub fn render_svg(chart: &Chart) -> Result<String, ChartError> {
    if !ensure_font() {
        return Err(ChartError::Font);
    }
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, chart.size()).into_drawing_area();
        chart
            .draw(&root, &Theme::SVG)
            .map_err(|e| ChartError::Draw {
                chart: chart.kind(),
                message: e.to_string(),
            })?;
    }
    Ok(out)
}

/// Draws a chart as a PNG image at [`Theme::PNG`]'s scale.
pub fn render_png(chart: &Chart) -> Result<Vec<u8>, ChartError> {
    if !ensure_font() {
        return Err(ChartError::Font);
    }
    let th = Theme::PNG;
    let (w, h) = chart.size();
    let (w, h) = (th.upx(f64::from(w)), th.upx(f64::from(h)));
    let mut rgb = vec![255u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
        chart.draw(&root, &th).map_err(|e| ChartError::Draw {
            chart: chart.kind(),
            message: e.to_string(),
        })?;
    }
    let encode_err = |e: png::EncodingError| ChartError::Encode {
        chart: chart.kind(),
        message: e.to_string(),
    };
    let mut png_bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut png_bytes, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(encode_err)?;
        writer.write_image_data(&rgb).map_err(encode_err)?;
        writer.finish().map_err(encode_err)?;
    }
    Ok(png_bytes)
}
