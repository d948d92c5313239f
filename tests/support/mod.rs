//! Helpers shared by the report tests: reading files and what the SVG charts say.
//!
//! Chart conventions these rely on (all from `rtosim::chart`): the objective is the longest
//! polyline in the objective colour; x-axis tick labels are the numeric texts anchored
//! top-centre; Gantt bars are the rects filled with a colour of the legend's circles (legend
//! swatches are circles so they never count as bars); critical bars are outlined by closed
//! five-point polylines in the critical colour.

#![allow(dead_code, reason = "each test file uses a different subset")]

use std::path::Path;

use roxmltree::{Document, Node};
use rtosim::chart::theme::{CRITICAL, OBJECTIVE};
use std::collections::BTreeSet;

/// A colour as plotters writes it in SVG.
pub fn hex(c: plotters::style::RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

pub fn read(p: impl AsRef<Path>) -> String {
    std::fs::read_to_string(p.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", p.as_ref().display()))
}

pub fn attr(n: &Node, name: &str) -> Option<f64> {
    n.attribute(name).and_then(|v| v.parse().ok())
}

pub fn polyline_points(n: &Node) -> Vec<(f64, f64)> {
    n.attribute("points")
        .unwrap_or("")
        .split_whitespace()
        .filter_map(|p| {
            let (x, y) = p.split_once(',')?;
            Some((x.parse().ok()?, y.parse().ok()?))
        })
        .collect()
}

/// The pixel mapping of the x axis, `x = a + b * hours`, fitted to the tick labels.
pub fn x_axis(doc: &Document) -> (f64, f64) {
    let ticks: Vec<(f64, f64)> = doc
        .descendants()
        .filter(|n| {
            n.has_tag_name("text")
                && n.attribute("text-anchor") == Some("middle")
                && n.attribute("dy") == Some("0.76em")
                && n.attribute("transform").is_none()
        })
        .filter_map(|n| Some((n.text()?.trim().parse::<f64>().ok()?, attr(&n, "x")?)))
        .collect();
    assert!(ticks.len() >= 3, "too few x ticks: {ticks:?}");
    let n = ticks.len() as f64;
    let (mv, mx) = (
        ticks.iter().map(|t| t.0).sum::<f64>() / n,
        ticks.iter().map(|t| t.1).sum::<f64>() / n,
    );
    let b = ticks.iter().map(|t| (t.0 - mv) * (t.1 - mx)).sum::<f64>()
        / ticks.iter().map(|t| (t.0 - mv).powi(2)).sum::<f64>();
    let a = mx - b * mv;
    for &(v, x) in &ticks {
        assert!(
            (a + b * v - x).abs() <= 1.0,
            "ticks are not linear: {ticks:?}"
        );
    }
    (a, b)
}

/// The x of the objective line: the longest vertical polyline in the objective colour.
pub fn objective_x(doc: &Document) -> f64 {
    let colour = hex(OBJECTIVE);
    let line = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some(colour.as_str()))
        .map(|n| polyline_points(&n))
        .max_by(|a, b| {
            let len = |p: &Vec<(f64, f64)>| (p[0].1 - p[p.len() - 1].1).abs();
            len(a).total_cmp(&len(b))
        })
        .expect("an objective line");
    assert!(
        line.iter().all(|p| p.0 == line[0].0),
        "not vertical: {line:?}"
    );
    line[0].0
}

/// Fills of the Gantt's legend circles, bars counted by those fills, and critical outlines.
pub fn gantt_counts(svg: &str) -> (usize, usize) {
    let doc = Document::parse(svg).unwrap();
    let fills: BTreeSet<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("circle"))
        .filter_map(|n| n.attribute("fill"))
        .collect();
    assert!(!fills.is_empty(), "no legend swatches");
    let bars = doc
        .descendants()
        .filter(|n| {
            n.has_tag_name("rect") && n.attribute("fill").is_some_and(|f| fills.contains(f))
        })
        .count();
    // The legend's "critical chain" key is an outline too; it sits below the time axis.
    let axis_y = doc
        .descendants()
        .filter(|n| n.has_tag_name("text") && n.attribute("dy") == Some("0.76em"))
        .filter(|n| n.text().is_some_and(|t| t.trim() == "0"))
        .filter_map(|n| attr(&n, "y"))
        .next()
        .expect("the time axis' 0 tick");
    let critical = hex(CRITICAL);
    let outlines = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some(critical.as_str()))
        .map(|n| polyline_points(&n))
        .filter(|p| p.len() == 5 && p.iter().all(|q| q.1 < axis_y))
        .count();
    (bars, outlines)
}

/// A text's estimated box: `(text, x0, y0, x1, y1)`. Widths assume half an em per character,
/// a little under any sans-serif's average, so only real collisions are reported.
pub fn text_boxes(doc: &Document) -> Vec<(String, f64, f64, f64, f64)> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text") && n.attribute("transform").is_none())
        .filter_map(|n| {
            let text = n.text()?.trim().to_string();
            let (x, y, f) = (attr(&n, "x")?, attr(&n, "y")?, attr(&n, "font-size")?);
            let w = 0.5 * f * text.chars().count() as f64;
            let (x0, x1) = match n.attribute("text-anchor") {
                Some("middle") => (x - w / 2.0, x + w / 2.0),
                Some("end") => (x - w, x),
                _ => (x, x + w),
            };
            let (y0, y1) = match n.attribute("dy") {
                Some("0.76em") => (y + 0.05 * f, y + 0.95 * f),
                Some("-0.5ex") => (y - 0.95 * f, y - 0.1 * f),
                _ => (y - 0.42 * f, y + 0.42 * f),
            };
            Some((text, x0, y0, x1, y1))
        })
        .collect()
}

/// Pairs of texts whose boxes overlap, and texts that leave the canvas.
pub fn text_problems(svg: &str) -> Vec<String> {
    let doc = Document::parse(svg).unwrap();
    let root = doc.root_element();
    let (w, h) = (
        attr(&root, "width").unwrap(),
        attr(&root, "height").unwrap(),
    );
    let boxes = text_boxes(&doc);
    let mut out = Vec::new();
    for (i, a) in boxes.iter().enumerate() {
        if a.1 < 0.0 || a.3 > w || a.2 < 0.0 || a.4 > h {
            out.push(format!("{:?} leaves the {w}x{h} canvas", a));
        }
        for b in &boxes[i + 1..] {
            if a.1 < b.3 && b.1 < a.3 && a.2 < b.4 && b.2 < a.4 {
                out.push(format!("{:?} overlaps {:?}", a, b));
            }
        }
    }
    out
}
