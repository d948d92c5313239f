//! Chart specs: what each chart shows, as plain data computed from a run.
//!
//! Nothing here draws. Every number a chart puts on the page is decided here, so tests can check
//! what a chart *says* (where the objective line sits, how many bars a Gantt has) without
//! rendering, and the renderers in `draw` only map these numbers to pixels. Times are hours,
//! the unit of every chart axis. `dist` holds the charts of the RTO distribution and its
//! drivers, `p90` the ranking of what adds time at P90, `schedule` those of one trial's schedule.

mod dist;
mod milestones;
mod p90;
mod schedule;

pub use dist::{
    Bin, Driver, HistogramSpec, Objective, Percentile, SCurveSpec, TOP_DRIVERS, Tail, TornadoSpec,
    histogram, representative_trial, s_curve, tornado,
};
pub use milestones::{MilestoneCurve, MilestonesSpec, milestones_chart};
pub use p90::{P90Bar, P90DriversSpec, TOP_P90_DRIVERS, p90_drivers};
pub use schedule::{BarKind, GanttBar, GanttSpec, Lane, LoadSpec, TeamLoad, gantt, load};
