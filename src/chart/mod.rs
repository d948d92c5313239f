//! Charts: specs (what to draw, plain data) and their rendering to SVG and PNG with plotters.
//!
//! [`spec`] turns a run into chart specs; [`render_svg`] and [`render_png`] draw a spec. SVG text
//! is left to the viewer's sans-serif font; layout and the PNG use DejaVu Sans embedded in the
//! binary, so no system font library is needed anywhere.

mod draw;
pub mod lines;
mod render;
pub mod spec;
pub mod theme;

pub use draw::dist::OBJECTIVE_WIDTH;
pub use draw::gantt::{CRITICAL_WIDTH, UNATTENDED_ALPHA};
pub use render::{Chart, ChartError, render_png, render_svg};
