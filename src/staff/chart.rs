//! The staffing chart: RTO percentiles (a band from P50 to P90) against headcount, one line per
//! team composition.
//!
//! [`staffing_chart_spec`] decides what to draw (pure data, tested on its own);
//! [`render_staffing_chart`] draws it with plotters' SVG backend, which writes text as SVG
//! `<text>` and needs no system fonts.

use plotters::prelude::*;

use super::grid::DimKind;
use super::report::{OptionReport, StaffReport, SweptDim};
use crate::chart::lines::{series_colours, svg_line_chart, theme_mesh};
use crate::chart::theme::{INK, OBJECTIVE};
use crate::duration::hours;

/// One point of a line: an option, in hours.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChartPoint {
    /// Position on the x axis (people).
    pub x: f64,
    /// Median RTO in hours.
    pub p50: f64,
    /// 90th percentile in hours.
    pub p90: f64,
    /// The option's id in the table.
    pub option: usize,
}

/// One team composition: the options that differ only in the dimension along the x axis.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartLine {
    /// Legend text.
    pub label: String,
    /// Points by increasing x.
    pub points: Vec<ChartPoint>,
}

/// What the staffing chart shows.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffChart {
    /// Title.
    pub title: String,
    /// X axis label.
    pub x_label: String,
    /// One line per composition.
    pub lines: Vec<ChartLine>,
    /// The objective in hours, drawn as a horizontal line.
    pub target_hours: Option<f64>,
    /// The recommended option, circled.
    pub marked: Option<ChartPoint>,
}

fn dim_value(o: &OptionReport, d: &SweptDim) -> u32 {
    o.teams
        .iter()
        .find(|t| t.name == d.team)
        .map_or(0, |t| match d.kind {
            DimKind::Groups => t.groups,
            DimKind::Size => t.size,
            DimKind::Rota => t.rota.map_or(0, super::rota::rota_value),
            DimKind::OnCall => t.on_call.unwrap_or(0),
        })
}

fn point(o: &OptionReport, x: f64) -> ChartPoint {
    ChartPoint {
        x,
        p50: hours(o.rto_seconds.p50),
        p90: hours(o.rto_seconds.p90),
        option: o.id,
    }
}

/// Decides what to draw.
///
/// Grid sweeps: x is the headcount; the dimension with the most distinct values runs along
/// each line, and each combination of the other dimensions is one line. `--people N` sweeps
/// (every option has N people): x is the people in the first swept team, and the line follows
/// the split with the lowest P90 at each x.
pub fn staffing_chart_spec(r: &StaffReport) -> StaffChart {
    let title = format!(
        "{}: RTO by staffing (scenario {})",
        r.run.plan, r.run.scenario
    );
    let target_hours = r.target_seconds.map(hours);
    let mut lines: Vec<ChartLine> = Vec::new();
    let x_label;
    let x_of: Box<dyn Fn(&OptionReport) -> f64>;
    if let Some(n) = r.people {
        let first = r.swept.first().map(|d| d.team.clone()).unwrap_or_default();
        x_label = format!("people in {first} (of {n})");
        let team = first.clone();
        x_of = Box::new(move |o: &OptionReport| {
            o.teams
                .iter()
                .find(|t| t.name == team)
                .map_or(0.0, |t| f64::from(t.groups * t.size))
        });
        let mut points: Vec<ChartPoint> = Vec::new();
        for o in &r.options {
            let p = point(o, x_of(o));
            match points.iter_mut().find(|q| q.x == p.x) {
                Some(q) if p.p90 < q.p90 => *q = p,
                Some(_) => {}
                None => points.push(p),
            }
        }
        points.sort_by(|a, b| a.x.total_cmp(&b.x));
        lines.push(ChartLine {
            label: format!("best split of {n} people"),
            points,
        });
    } else {
        x_label = "people in the swept teams".to_string();
        x_of = Box::new(|o: &OptionReport| f64::from(o.headcount));
        let distinct = |d: &SweptDim| {
            let mut v: Vec<u32> = r.options.iter().map(|o| dim_value(o, d)).collect();
            v.sort_unstable();
            v.dedup();
            v.len()
        };
        let primary = (0..r.swept.len())
            .max_by(|&a, &b| {
                distinct(&r.swept[a])
                    .cmp(&distinct(&r.swept[b]))
                    .then(b.cmp(&a))
            })
            .unwrap_or(0);
        let mut keys: Vec<Vec<u32>> = Vec::new();
        for o in &r.options {
            let key: Vec<u32> = r
                .swept
                .iter()
                .enumerate()
                .filter(|&(i, _)| i != primary)
                .map(|(_, d)| dim_value(o, d))
                .collect();
            let at = match keys.iter().position(|k| *k == key) {
                Some(at) => at,
                None => {
                    keys.push(key.clone());
                    lines.push(ChartLine {
                        label: line_label(r, primary, &key),
                        points: Vec::new(),
                    });
                    keys.len() - 1
                }
            };
            lines[at].points.push(point(o, x_of(o)));
        }
        for line in &mut lines {
            line.points.sort_by(|a, b| a.x.total_cmp(&b.x));
        }
    }
    let marked = r.recommended_option().map(|o| point(o, x_of(o)));
    StaffChart {
        title,
        x_label,
        lines,
        target_hours,
        marked,
    }
}

fn line_label(r: &StaffReport, primary: usize, key: &[u32]) -> String {
    let others: Vec<&SweptDim> = r
        .swept
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != primary)
        .map(|(_, d)| d)
        .collect();
    if others.is_empty() {
        let d = &r.swept[primary];
        return match d.kind {
            DimKind::Groups => format!("more {} groups", d.team),
            DimKind::Size => format!("more {} people per group", d.team),
            DimKind::Rota => format!("{} rota", d.team),
            DimKind::OnCall => format!("more {} groups on call", d.team),
        };
    }
    others
        .iter()
        .zip(key)
        .map(|(d, v)| match d.kind {
            DimKind::Groups => format!("{} {v} group{}", d.team, if *v == 1 { "" } else { "s" }),
            DimKind::Size => format!("{} {v} per group", d.team),
            DimKind::Rota => format!("{} {}", d.team, super::rota::rota_of(*v).name()),
            DimKind::OnCall => format!("{} {v} on call", d.team),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Formats an axis position as a whole number, or nothing between whole numbers.
fn whole(x: &f64) -> String {
    if (x - x.round()).abs() < 1e-6 {
        format!("{}", x.round())
    } else {
        String::new()
    }
}

/// Draws the chart as SVG.
pub fn render_staffing_chart(spec: &StaffChart) -> Result<String, String> {
    let points = || spec.lines.iter().flat_map(|l| l.points.iter());
    let x_min = points().map(|p| p.x).fold(f64::INFINITY, f64::min);
    let x_max = points().map(|p| p.x).fold(f64::NEG_INFINITY, f64::max);
    let (x_min, x_max) = if x_min.is_finite() {
        (x_min - 0.5, x_max + 0.5)
    } else {
        (0.0, 1.0)
    };
    let y_max = points()
        .map(|p| p.p90)
        .chain(spec.target_hours)
        .filter(|y| y.is_finite())
        .fold(0.0, f64::max);
    let y_max = if y_max > 0.0 { y_max * 1.1 } else { 1.0 };

    let palette = series_colours(spec.lines.len());
    svg_line_chart(
        &spec.title,
        x_min..x_max,
        0.0..y_max,
        |chart| {
            let ticks = ((x_max - x_min).round() as usize + 1).min(40);
            theme_mesh(
                chart,
                spec.x_label.as_str(),
                "RTO in hours (band from P50, dashed, to P90, solid)",
                Some(ticks),
                &whole,
                &|y| format!("{y:.0}"),
            )
        },
        |chart| {
            for (line, &color) in spec.lines.iter().zip(&palette) {
                let mut band: Vec<(f64, f64)> = line.points.iter().map(|p| (p.x, p.p90)).collect();
                band.extend(line.points.iter().rev().map(|p| (p.x, p.p50)));
                chart
                    .draw_series(std::iter::once(Polygon::new(
                        band,
                        color.mix(0.15).filled(),
                    )))
                    .map_err(|e| e.to_string())?;
                chart
                    .draw_series(line.points.iter().map(|p| {
                        PathElement::new(vec![(p.x, p.p50), (p.x, p.p90)], color.mix(0.5))
                    }))
                    .map_err(|e| e.to_string())?;
                chart
                    .draw_series(LineSeries::new(
                        line.points.iter().map(|p| (p.x, p.p90)),
                        color.stroke_width(2),
                    ))
                    .map_err(|e| e.to_string())?
                    .label(line.label.as_str())
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
                    });
                chart
                    .draw_series(DashedLineSeries::new(
                        line.points.iter().map(|p| (p.x, p.p50)),
                        5,
                        4,
                        color.stroke_width(1),
                    ))
                    .map_err(|e| e.to_string())?;
                chart
                    .draw_series(
                        line.points
                            .iter()
                            .map(|p| Circle::new((p.x, p.p90), 3, color.filled())),
                    )
                    .map_err(|e| e.to_string())?;
            }
            if let Some(t) = spec.target_hours {
                chart
                    .draw_series(LineSeries::new(
                        [(x_min, t), (x_max, t)],
                        OBJECTIVE.stroke_width(2),
                    ))
                    .map_err(|e| e.to_string())?
                    .label("objective")
                    .legend(|(x, y)| {
                        PathElement::new(vec![(x, y), (x + 20, y)], OBJECTIVE.stroke_width(2))
                    });
            }
            if let Some(m) = spec.marked {
                chart
                    .draw_series(std::iter::once(Circle::new(
                        (m.x, m.p90),
                        8,
                        INK.stroke_width(2),
                    )))
                    .map_err(|e| e.to_string())?
                    .label(format!("recommended: option #{}", m.option))
                    .legend(|(x, y)| Circle::new((x + 10, y), 5, INK.stroke_width(2)));
            }
            Ok(())
        },
    )
}

/// The staffing chart of a sweep as an SVG document, ready to embed in a report; why not,
/// when it cannot be drawn.
pub fn staffing_chart_svg(report: &StaffReport) -> Result<String, String> {
    render_staffing_chart(&staffing_chart_spec(report))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Format, parse_plan};
    use crate::sim::{Policy, RunConfig};
    use crate::staff::{Grid, OptionRun, OptionStats, SweepConfig, analyse};
    use crate::stats::Estimate;

    fn report(groups: &[&str], people: Option<u32>) -> StaffReport {
        let text = "[teams]\na = 1\nb = 1\n[[step]]\nid = \"x\"\nteam = \"a\"\nduration = \"1h\"\n";
        let plan = parse_plan(text, Format::Toml, "t").unwrap().plan;
        let ranges: Vec<_> = groups.iter().map(|s| s.parse().unwrap()).collect();
        let grid = Grid::resolve(&plan, &ranges, &[], people).unwrap();
        let options = grid.options(&plan).unwrap();
        // P90 falls by an hour per person; P50 is half of it.
        let stats: Vec<OptionRun> = options
            .iter()
            .map(|o| {
                let h = 3600.0 * (10.0 - f64::from(o.headcount));
                let e = |v: f64| Estimate {
                    value: v,
                    low: v,
                    high: v,
                };
                OptionRun {
                    stats: OptionStats {
                        mean: h,
                        p50: e(h / 2.0),
                        p90: e(h),
                        p99: e(h),
                        met: None,
                        deterministic: h,
                    },
                    rtos: vec![h],
                }
            })
            .collect();
        let config = SweepConfig {
            policy: Policy::Lft,
            run: RunConfig {
                trials: 1,
                seed: 1,
                threads: 1,
            },
            target: None,
            negligible: None,
        };
        let scenario = plan.default_scenario();
        analyse(&plan, &scenario, &grid, &options, &stats, &config, 0.9)
    }

    #[test]
    fn one_line_per_composition_against_headcount() {
        let spec = staffing_chart_spec(&report(&["a=1..3", "b=1..2"], None));
        // a has more values, so it runs along the lines; one line per b.
        let labels: Vec<&str> = spec.lines.iter().map(|l| l.label.as_str()).collect();
        assert_eq!(labels, ["b 1 group", "b 2 groups"]);
        let xs: Vec<f64> = spec.lines[1].points.iter().map(|p| p.x).collect();
        assert_eq!(xs, [3.0, 4.0, 5.0]);
        assert_eq!(spec.lines[1].points[0].p90, 7.0);
        assert_eq!(spec.lines[1].points[0].p50, 3.5);
        // Without an objective the cheapest at the best P90 is the largest option here.
        let m = spec.marked.unwrap();
        assert_eq!((m.x, m.p90), (5.0, 5.0));
        let svg = render_staffing_chart(&spec).unwrap();
        assert!(svg.contains("b 2 groups") && svg.contains("recommended: option #6"));
        // The report's theme: its width, ink and series colours, not a palette of its own.
        assert!(svg.starts_with("<svg width=\"1000\""), "{}", &svg[..80]);
        let hex = |c: RGBColor| format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2);
        for c in crate::chart::theme::system_colours(2) {
            assert!(svg.contains(&hex(c)), "{}", hex(c));
        }
        assert!(svg.contains(&hex(INK)));
    }

    #[test]
    fn people_sweeps_follow_the_best_split() {
        let spec = staffing_chart_spec(&report(&["a", "b"], Some(4)));
        assert_eq!(spec.lines.len(), 1);
        assert_eq!(spec.lines[0].label, "best split of 4 people");
        let xs: Vec<f64> = spec.lines[0].points.iter().map(|p| p.x).collect();
        assert_eq!(xs, [1.0, 2.0, 3.0]);
        assert_eq!(spec.x_label, "people in a (of 4)");
    }
}
