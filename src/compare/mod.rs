//! Scenario and policy comparison: "what if we lost only the database?", "how much would
//! reordering the playbook gain?".
//!
//! Each variant (a scenario and a policy) is simulated with the same seed, so the columns share
//! their random draws and can be compared trial by trial. Pure: no file I/O, no printing.

mod chart;
mod render;
mod run;

pub use chart::{Curve, SCurveChart, render_s_curves, s_curve_spec, s_curve_svg};
pub use render::{render_json, render_text};
pub use run::{CompareReport, Paired, Variant, VariantReport, compare, paired};
