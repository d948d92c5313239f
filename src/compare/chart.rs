//! Overlaid S-curves: for each variant, the share of recoveries finished by each time.
//!
//! [`s_curve_spec`] decides what to draw; [`render_s_curves`] draws it with plotters' SVG
//! backend (no system fonts).

use plotters::prelude::*;

use super::run::CompareReport;
use crate::chart::lines::{series_colours, svg_line_chart, theme_mesh};
use crate::chart::theme::OBJECTIVE;
use crate::duration::hours;

/// One variant's curve.
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    /// Legend text.
    pub label: String,
    /// (hours, share of trials recovered by then), by increasing time.
    pub points: Vec<(f64, f64)>,
}

/// What the S-curve chart shows.
#[derive(Debug, Clone, PartialEq)]
pub struct SCurveChart {
    /// Title.
    pub title: String,
    /// One curve per variant.
    pub curves: Vec<Curve>,
    /// The objective in hours, drawn as a vertical line.
    pub target_hours: Option<f64>,
}

/// Decides what to draw: each variant's RTO at every whole percent.
pub fn s_curve_spec(r: &CompareReport) -> SCurveChart {
    SCurveChart {
        title: format!("{}: share of recoveries finished by each time", r.plan),
        curves: r
            .variants
            .iter()
            .map(|v| Curve {
                label: v.label.clone(),
                points: v
                    .quantiles_seconds
                    .iter()
                    .enumerate()
                    .map(|(p, &s)| (hours(s), p as f64 / 100.0))
                    .collect(),
            })
            .collect(),
        target_hours: r.target_seconds.map(hours),
    }
}

/// Draws the chart as SVG.
pub fn render_s_curves(spec: &SCurveChart) -> Result<String, String> {
    let x_max = spec
        .curves
        .iter()
        .flat_map(|c| c.points.iter().map(|p| p.0))
        .chain(spec.target_hours)
        .filter(|x| x.is_finite())
        .fold(0.0, f64::max);
    let x_max = if x_max > 0.0 { x_max * 1.05 } else { 1.0 };
    let palette = series_colours(spec.curves.len());
    svg_line_chart(
        &spec.title,
        0.0..x_max,
        0.0..1.0,
        |chart| {
            theme_mesh(
                chart,
                "RTO (hours)",
                "recoveries finished",
                None,
                &|x| crate::chart::theme::hours_tick(*x),
                &|y| format!("{:.0}%", y * 100.0),
            )
        },
        |chart| {
            for (c, &color) in spec.curves.iter().zip(&palette) {
                chart
                    .draw_series(LineSeries::new(
                        c.points.iter().copied(),
                        color.stroke_width(2),
                    ))
                    .map_err(|e| e.to_string())?
                    .label(c.label.as_str())
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
                    });
            }
            if let Some(t) = spec.target_hours {
                chart
                    .draw_series(LineSeries::new(
                        [(t, 0.0), (t, 1.0)],
                        OBJECTIVE.stroke_width(2),
                    ))
                    .map_err(|e| e.to_string())?
                    .label("objective")
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 20, y)], OBJECTIVE.stroke_width(2))
                    });
            }
            Ok(())
        },
    )
}

/// The S-curves of a comparison as an SVG document; why not, when it cannot be drawn.
pub fn s_curve_svg(report: &CompareReport) -> Result<String, String> {
    render_s_curves(&s_curve_spec(report))
}
