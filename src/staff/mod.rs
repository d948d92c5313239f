//! Staffing sweeps: how many people, in which teams, does the recovery need?
//!
//! [`Grid`] turns `--team`/`--size` ranges (and `--people N`) into staffing options; [`sweep`]
//! simulates each option on a copy of the plan with common random numbers; [`analyse`] adds the
//! marginal gains, the options where more people no longer help and the recommendation; the
//! renderers print a table, JSON or a chart. Pure: no file I/O, no printing.

mod chart;
mod grid;
mod render;
mod report;
mod rota;
mod sweep;

pub use chart::{
    ChartLine, ChartPoint, StaffChart, render_staffing_chart, staffing_chart_spec,
    staffing_chart_svg,
};
pub use grid::{Dim, DimKind, Grid, MAX_OPTIONS, RangeArg, StaffError, StaffOption};
pub use render::{option_label, render_json, render_text};
pub use report::{
    Gain, OptionIntervals, OptionReport, OptionRto, Recommendation, Rule, StaffReport, SweptDim,
    TeamStaffing, analyse,
};
pub use rota::RotaArg;
pub use sweep::{OptionRun, OptionStats, SweepConfig, sweep, sweep_for};
