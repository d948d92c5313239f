//! The look shared by every chart: sizes, the embedded font, and a palette that survives
//! greyscale printing.
//!
//! Sizes are given in SVG pixels and multiplied by [`Theme::scale`], so the PNG renders the same
//! layout at a higher resolution. Text is measured with DejaVu Sans, embedded in the binary,
//! so layout never depends on the fonts of the machine that renders the report.

use std::sync::OnceLock;

use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

/// The family name the charts ask for; SVG viewers substitute their own sans-serif.
pub const FONT_FAMILY: &str = "sans-serif";

static DEJAVU_SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Registers the embedded font with plotters once per process; false if it cannot be loaded.
///
/// plotters measures text with the registered font (its `ab_glyph` feature), so every chart
/// in the crate must call this before drawing, or drawing text fails.
pub fn ensure_font() -> bool {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    *REGISTERED.get_or_init(|| register_font(FONT_FAMILY, FontStyle::Normal, DEJAVU_SANS).is_ok())
}

/// Text and axes.
pub const INK: RGBColor = RGBColor(33, 33, 33);
/// Secondary text.
pub const MUTED: RGBColor = RGBColor(90, 90, 90);
/// Grid lines.
pub const GRID: RGBColor = RGBColor(225, 225, 225);
/// Alternate lane background.
pub const BAND: RGBColor = RGBColor(244, 244, 244);
/// Bars of single-series charts (dark).
pub const PRIMARY: RGBColor = RGBColor(44, 114, 142);
/// The second series beside [`PRIMARY`] (light, so the pair differs in grey too).
pub const SECONDARY: RGBColor = RGBColor(173, 220, 48);
/// The recovery time objective: a thick solid line, distinct in colour and in grey.
pub const OBJECTIVE: RGBColor = RGBColor(178, 24, 43);
/// Percentile markers: dashed dark grey.
pub const MARKER: RGBColor = RGBColor(60, 60, 60);
/// Outline of the critical chain's bars.
pub const CRITICAL: RGBColor = RGBColor(0, 0, 0);
/// Legend keys that are not a system colour.
pub const NEUTRAL: RGBColor = RGBColor(140, 140, 140);

/// System colours of a chart with at most eight systems: eight stops of viridis, ordered so
/// that neighbours in the list differ most in lightness.
pub const SYSTEM_COLOURS: [RGBColor; 8] = [
    RGBColor(72, 36, 117),  // viridis 0.10, darkest
    RGBColor(94, 201, 98),  // 0.75
    RGBColor(44, 114, 142), // 0.375
    RGBColor(253, 231, 37), // 1.00, lightest
    RGBColor(59, 82, 139),  // 0.25
    RGBColor(173, 220, 48), // 0.875
    RGBColor(33, 145, 140), // 0.50
    RGBColor(40, 174, 128), // 0.625
];

/// Lightness levels (OKLab) of [`system_colours`] beyond eight systems: neighbours in the list
/// take different levels, so they differ in grey too.
const LEVELS: [f64; 3] = [0.45, 0.62, 0.79];

/// One colour for each of `n` systems, all different: viridis for up to eight; beyond that,
/// hues spread evenly round the OKLab colour wheel, three lightness levels taken in turn, so no
/// two systems share a colour however many there are (the legend names each).
pub fn system_colours(n: usize) -> Vec<RGBColor> {
    if n <= SYSTEM_COLOURS.len() {
        return SYSTEM_COLOURS[..n].to_vec();
    }
    // Hues of one level are a third of the wheel's steps apart; the levels interleave them.
    let per_level = n.div_ceil(LEVELS.len());
    (0..n)
        .map(|i| {
            let level = i % LEVELS.len();
            let k = i / LEVELS.len();
            let turn = (k as f64 + level as f64 / LEVELS.len() as f64) / per_level as f64;
            let hue = std::f64::consts::TAU * turn;
            oklab_to_srgb(LEVELS[level], 0.12 * hue.cos(), 0.12 * hue.sin())
        })
        .collect()
}

/// An OKLab colour in sRGB, clipped to the gamut (Björn Ottosson's matrices, 2020).
fn oklab_to_srgb(l: f64, a: f64, b: f64) -> RGBColor {
    let cube = |v: f64| v * v * v;
    let l_ = cube(l + 0.396_337_777_4 * a + 0.215_803_757_3 * b);
    let m_ = cube(l - 0.105_561_345_8 * a - 0.063_854_172_8 * b);
    let s_ = cube(l - 0.089_484_177_5 * a - 1.291_485_548 * b);
    let encode = |v: f64| {
        let v = v.clamp(0.0, 1.0);
        let e = if v <= 0.003_130_8 {
            12.92 * v
        } else {
            1.055 * v.powf(1.0 / 2.4) - 0.055
        };
        (e * 255.0).round() as u8
    };
    RGBColor(
        encode(4.076_741_662_1 * l_ - 3.307_711_591_3 * m_ + 0.230_969_929_2 * s_),
        encode(-1.268_438_004_6 * l_ + 2.609_757_401_1 * m_ - 0.341_319_396_5 * s_),
        encode(-0.004_196_086_3 * l_ - 0.703_418_614_7 * m_ + 1.707_614_701 * s_),
    )
}

/// Relative luminance (sRGB, ITU-R BT.709 weights on linearised channels).
pub fn luminance(c: RGBColor) -> f64 {
    let lin = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c.0) + 0.7152 * lin(c.1) + 0.0722 * lin(c.2)
}

/// Text colour readable on a background: white on dark, ink on light.
pub fn text_on(background: RGBColor) -> RGBColor {
    if luminance(background) < 0.2 {
        WHITE
    } else {
        INK
    }
}

/// Sizes for one output: 1 for SVG, more for a sharper PNG.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Theme {
    /// Multiplier of every size.
    pub scale: f64,
}

impl Theme {
    /// The SVG theme.
    pub const SVG: Theme = Theme { scale: 1.0 };
    /// The PNG theme: twice the pixels, for slides and print.
    pub const PNG: Theme = Theme { scale: 2.0 };

    /// A length in output pixels.
    pub fn px(&self, v: f64) -> i32 {
        (v * self.scale).round() as i32
    }

    /// A length in output pixels, unsigned.
    pub fn upx(&self, v: f64) -> u32 {
        self.px(v).max(0) as u32
    }

    /// Text of `size` SVG pixels (plotters' sizes are 1.24 times the em).
    pub fn text(&self, size: f64) -> TextStyle<'static> {
        (FONT_FAMILY, size * 1.24 * self.scale)
            .into_font()
            .color(&INK)
    }

    /// Tick labels.
    pub fn tick(&self) -> TextStyle<'static> {
        self.text(13.0)
    }

    /// Axis titles and annotations.
    pub fn label(&self) -> TextStyle<'static> {
        self.text(14.0)
    }

    /// Chart titles.
    pub fn title(&self) -> TextStyle<'static> {
        (FONT_FAMILY, 17.0 * 1.24 * self.scale)
            .into_font()
            .style(FontStyle::Bold)
            .color(&INK)
    }
}

/// Formats an axis value in hours without trailing zeros: `2`, `2.5`, `0.25`.
pub fn hours_tick(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_palette_differs_in_grey_between_neighbours() {
        for pair in SYSTEM_COLOURS.windows(2) {
            let gap = (luminance(pair[0]) - luminance(pair[1])).abs();
            assert!(gap > 0.08, "{pair:?} too close in grey ({gap:.3})");
        }
    }

    /// Every system of a large plan gets its own colour (21 systems had three share one
    /// purple): for every count up to 60 the colours are far apart, and neighbours in the
    /// list differ in grey.
    #[test]
    fn every_system_has_its_own_colour() {
        let dist = |x: RGBColor, y: RGBColor| {
            let d = |u: u8, v: u8| (f64::from(u) - f64::from(v)).powi(2);
            (d(x.0, y.0) + d(x.1, y.1) + d(x.2, y.2)).sqrt()
        };
        for n in 1..=60 {
            let colours = system_colours(n);
            assert_eq!(colours.len(), n);
            for i in 0..n {
                for j in i + 1..n {
                    let gap = dist(colours[i], colours[j]);
                    assert!(gap > 12.0, "{n} systems: {i} and {j} too close ({gap:.1})");
                }
            }
            for pair in colours.windows(2) {
                let gap = (luminance(pair[0]) - luminance(pair[1])).abs();
                assert!(
                    gap > 0.05,
                    "{n} systems: {pair:?} too close in grey ({gap:.3})"
                );
            }
        }
        assert_eq!(system_colours(8), SYSTEM_COLOURS.to_vec());
    }

    #[test]
    fn ticks_read_cleanly() {
        assert_eq!(hours_tick(2.0), "2");
        assert_eq!(hours_tick(2.5), "2.5");
        assert_eq!(hours_tick(0.25), "0.25");
        assert_eq!(hours_tick(-0.0001), "0");
    }

    #[test]
    fn the_font_registers() {
        assert!(ensure_font());
    }
}
