//! Drawing helpers every chart uses: text measured with the embedded font, labels placed so they
//! never overlap, legends that wrap, and the axes in hours.

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::chart::theme::{GRID, INK, MUTED, Theme, hours_tick};

/// What every drawing function returns.
pub type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// The x-axis title of every time axis.
pub const HOURS_AXIS: &str = "hours since the disaster";

/// Width and height in pixels of `text` drawn in `style`.
pub fn measure<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
) -> Result<(i32, i32), DrawingAreaErrorKind<DB::ErrorType>> {
    let (w, h) = area.estimate_text_size(text, style)?;
    Ok((w as i32, h as i32))
}

/// Draws `text` with its anchor at `at` (pixels of `area`).
pub fn text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &str,
    at: (i32, i32),
    style: &TextStyle,
    h: HPos,
    v: VPos,
) -> DrawResult<DB> {
    area.draw(&Text::new(s, at, style.pos(Pos::new(h, v))))
}

/// A horizontal bar from `x0` to `x1` (at least a pixel wide) centred on `y`, `half` pixels
/// either side, filled with `fill`, outlined in ink when `outline` is set (so a light fill still
/// reads in greyscale), with `value` written just right of its end.
#[expect(
    clippy::too_many_arguments,
    reason = "one bar's geometry, look and label"
)]
pub fn value_bar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x0, x1, y, half): (i32, i32, i32, i32),
    fill: RGBColor,
    outline: bool,
    value: &str,
    style: &TextStyle,
    th: &Theme,
    gap: f64,
) -> DrawResult<DB> {
    let x1 = x1.max(x0 + 1);
    area.draw(&Rectangle::new(
        [(x0, y - half), (x1, y + half)],
        fill.filled(),
    ))?;
    if outline {
        area.draw(&PathElement::new(
            vec![
                (x0, y - half),
                (x1, y - half),
                (x1, y + half),
                (x0, y + half),
            ],
            INK.stroke_width(th.upx(1.0)),
        ))?;
    }
    text(
        area,
        value,
        (x1 + th.px(gap), y),
        style,
        HPos::Left,
        VPos::Center,
    )
}

/// An axis-aligned box in pixels: `x0 <= x1`, `y0 <= y1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PxBox {
    /// Left.
    pub x0: i32,
    /// Top.
    pub y0: i32,
    /// Right.
    pub x1: i32,
    /// Bottom.
    pub y1: i32,
}

impl PxBox {
    /// Whether two boxes overlap, counting a `gap` of clearance around them.
    pub fn overlaps(&self, o: &PxBox, gap: i32) -> bool {
        self.x0 < o.x1 + gap && o.x0 < self.x1 + gap && self.y0 < o.y1 + gap && o.y0 < self.y1 + gap
    }

    fn shifted_to(self, y0: i32) -> PxBox {
        PxBox {
            y0,
            y1: y0 + (self.y1 - self.y0),
            ..self
        }
    }
}

/// Places label boxes at their wanted positions, moving each one down just past any box already
/// placed that it would touch. Boxes are taken in the order given; the result keeps that order.
pub fn place_labels(wanted: &[PxBox], gap: i32) -> Vec<PxBox> {
    let mut placed: Vec<PxBox> = Vec::with_capacity(wanted.len());
    for &b in wanted {
        let mut b = b;
        // Each move clears one placed box and only ever goes down, so this ends.
        while let Some(hit) = placed.iter().find(|p| p.overlaps(&b, gap)) {
            b = b.shifted_to(hit.y1 + gap);
        }
        placed.push(b);
    }
    placed
}

/// Draws a label on a translucent white plate at its box (anchor top-left), for annotations
/// that sit over bars or lines.
pub fn plated_label<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &str,
    b: PxBox,
    style: &TextStyle,
    th: &Theme,
) -> DrawResult<DB> {
    let pad = th.px(2.0);
    area.draw(&Rectangle::new(
        [(b.x0 - pad, b.y0 - pad), (b.x1 + pad, b.y1 + pad)],
        WHITE.mix(0.85).filled(),
    ))?;
    text(area, s, (b.x0, b.y0), style, HPos::Left, VPos::Top)
}

/// Which way a legend's line key runs, as the line it stands for does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orient {
    /// Upright, like a time marker.
    Vertical,
    /// Level, like a capacity.
    Horizontal,
}

/// One legend entry.
pub enum Key {
    /// A filled circle in a colour (systems).
    Swatch(RGBColor),
    /// A filled square, optionally translucent (kinds of bars).
    Square(RGBColor, f64),
    /// An outlined square (the critical chain).
    Outline(RGBColor),
    /// A short line of a width, vertical (markers and the objective) or horizontal (levels).
    Line(RGBColor, f64, Orient),
    /// A short dashed line, vertical or horizontal.
    Dashed(RGBColor, Orient),
    /// No key: a note in the legend's muted text.
    Note,
}

/// Left edge of every legend in SVG pixels, in line with the plot's y axis.
pub const LEGEND_LEFT: f64 = 64.0;
/// Height of one legend row in SVG pixels.
const LEGEND_ROW: f64 = 24.0;

/// The height a legend needs in SVG pixels on a chart `width` wide, estimated from character
/// counts at a width per character no sans-serif exceeds on average, so the space set aside
/// before drawing is never too small.
pub fn legend_height(entries: &[(Key, String)], width: f64) -> f64 {
    let per_char = 9.2;
    let right = width - 16.0 - LEGEND_LEFT;
    let (mut x, mut rows) = (0.0, 1);
    for (key, label) in entries {
        let key_w = if matches!(key, Key::Note) { 0.0 } else { 28.0 };
        let item = key_w + per_char * label.chars().count() as f64 + 18.0;
        if x > 0.0 && x + item > right {
            x = 0.0;
            rows += 1;
        }
        x += item;
    }
    LEGEND_ROW * rows as f64 + 10.0
}

/// Lays out `(key, text)` entries left to right from `(x, y)`, wrapping at `right`; returns the
/// y just below the last row.
pub fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(Key, String)],
    (x, y): (i32, i32),
    right: i32,
    th: &Theme,
) -> Result<i32, DrawingAreaErrorKind<DB::ErrorType>> {
    let style = th.label();
    let row = th.px(LEGEND_ROW);
    let key_w = th.px(22.0);
    let (mut cx, mut cy) = (x, y);
    for (key, label) in entries {
        let (w, _) = measure(area, label, &style)?;
        let key_w = if matches!(key, Key::Note) {
            -th.px(6.0)
        } else {
            key_w
        };
        let item = key_w + th.px(6.0) + w + th.px(18.0);
        if cx > x && cx + item > right {
            cx = x;
            cy += row;
        }
        let mid = cy + row / 2;
        let k = th.px(7.0);
        match key {
            Key::Swatch(c) => {
                area.draw(&Circle::new((cx + key_w / 2, mid), k, c.filled()))?;
            }
            Key::Square(c, alpha) => {
                area.draw(&Rectangle::new(
                    [
                        (cx + th.px(3.0), mid - k),
                        (cx + key_w - th.px(3.0), mid + k),
                    ],
                    c.mix(*alpha).filled(),
                ))?;
            }
            Key::Outline(c) => {
                let (x0, y0, x1, y1) = (cx + th.px(3.0), mid - k, cx + key_w - th.px(3.0), mid + k);
                area.draw(&PathElement::new(
                    vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)],
                    c.stroke_width(th.upx(2.5)),
                ))?;
            }
            Key::Line(c, width, o) => {
                area.draw(&PathElement::new(
                    line_key(*o, cx, mid, key_w, k),
                    c.stroke_width(th.upx(*width)),
                ))?;
            }
            Key::Dashed(c, o) => {
                area.draw(&DashedPathElement::new(
                    line_key(*o, cx, mid, key_w, k),
                    th.px(4.0),
                    th.px(3.0),
                    c.stroke_width(th.upx(2.0)),
                ))?;
            }
            Key::Note => {}
        }
        let ink = if matches!(key, Key::Note) {
            style.color(&MUTED)
        } else {
            style.clone()
        };
        text(
            area,
            label,
            (cx + key_w + th.px(6.0), mid),
            &ink,
            HPos::Left,
            VPos::Center,
        )?;
        cx += item;
    }
    Ok(cy + row)
}

fn line_key(o: Orient, cx: i32, mid: i32, key_w: i32, k: i32) -> Vec<(i32, i32)> {
    match o {
        Orient::Vertical => vec![(cx + key_w / 2, mid - k), (cx + key_w / 2, mid + k)],
        Orient::Horizontal => vec![(cx, mid), (cx + key_w, mid)],
    }
}

/// A chart with hours across and values up.
pub type TimeChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// The axes of a chart over time.
pub struct Axes<'f> {
    /// The time axis in hours, from and to.
    pub x: (f64, f64),
    /// The value axis, from and to.
    pub y: (f64, f64),
    /// The value axis' title.
    pub y_desc: &'f str,
    /// How value ticks read.
    pub y_fmt: &'f dyn Fn(&f64) -> String,
    /// Whether to title the time axis (the bottom panel of a stack only).
    pub x_desc: bool,
    /// At most this many value ticks.
    pub y_ticks: usize,
}

/// A chart on `area` with a time axis in hours and a value axis, its mesh drawn: grid lines on
/// the values only, tick labels sized for reading.
pub fn time_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    axes: &Axes,
    th: &Theme,
) -> Result<TimeChart<'a, DB>, DrawingAreaErrorKind<DB::ErrorType>> {
    let mut chart = ChartBuilder::on(area)
        .margin_right(th.px(24.0))
        .x_label_area_size(th.px(if axes.x_desc { 52.0 } else { 30.0 }))
        .y_label_area_size(th.px(64.0))
        .build_cartesian_2d(axes.x.0..axes.x.1, axes.y.0..axes.y.1)?;
    let mut mesh = chart.configure_mesh();
    mesh.disable_x_mesh()
        .bold_line_style(GRID.stroke_width(th.upx(1.0)))
        .light_line_style(TRANSPARENT)
        .axis_style(INK.stroke_width(th.upx(1.0)))
        .x_labels(12)
        .y_labels(axes.y_ticks)
        .x_label_formatter(&|v| hours_tick(*v))
        .y_label_formatter(axes.y_fmt)
        .label_style(th.tick())
        .axis_desc_style(th.label())
        .y_desc(axes.y_desc)
        .set_all_tick_mark_size(th.px(5.0));
    if axes.x_desc {
        mesh.x_desc(HOURS_AXIS);
    }
    mesh.draw()?;
    Ok(chart)
}

/// Draws the chart title at the top of `area` and returns the area below it.
pub fn titled<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    th: &Theme,
) -> Result<DrawingArea<DB, Shift>, DrawingAreaErrorKind<DB::ErrorType>> {
    area.fill(&WHITE)?;
    let style = th.title();
    text(
        area,
        title,
        (th.px(16.0), th.px(12.0)),
        &style,
        HPos::Left,
        VPos::Top,
    )?;
    Ok(area.margin(th.px(44.0), th.px(8.0), th.px(8.0), th.px(8.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(x0: i32, y0: i32, x1: i32, y1: i32) -> PxBox {
        PxBox { x0, y0, x1, y1 }
    }

    #[test]
    fn labels_move_down_past_the_ones_they_would_touch() {
        let placed = place_labels(&[b(0, 0, 50, 10), b(40, 5, 90, 15), b(200, 0, 250, 10)], 2);
        assert_eq!(placed[0], b(0, 0, 50, 10));
        assert_eq!(placed[1], b(40, 12, 90, 22));
        // Far to the right: stays where it wanted to be.
        assert_eq!(placed[2], b(200, 0, 250, 10));
        for (i, p) in placed.iter().enumerate() {
            for q in &placed[i + 1..] {
                assert!(!p.overlaps(q, 0));
            }
        }
    }
}
