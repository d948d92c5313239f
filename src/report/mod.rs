//! Reports: one [`SimReport`] built from a run, rendered as text, JSON or CSV.
//!
//! Renderers return strings; writing them to disk is the caller's job (see `output` in the
//! binary), so every format can be tested without touching files.

mod chaos;
mod check;
mod csv;
pub mod html;
pub mod management;
pub mod markdown;
mod milestones;
pub mod narrative;
pub mod ranking;
mod recorded;
pub mod sections;
mod summary;
pub mod table;
mod text;

pub use chaos::{
    ChaosStats, Cost, DRIVER_STEPS, Driver, FactorStats, P90Driver, RecoveryPoint, RiskStats,
    p90_sentence, render_chaos_text, signed, with_interval,
};
pub use check::render_check;
pub use csv::trials_csv;
pub use management::{
    ManagementReport, RenderedChart, ReportInputs, build as build_management_report, shell_quote,
};
pub use milestones::{
    JointStats, MilestoneCost, MilestoneCrucialStep, MilestoneStats, MilestoneStep,
    MilestonesReport, milestones_sentences, milestones_table, render_milestones_text,
};
pub use recorded::{parameters, render_recorded};
pub use summary::{
    Interval, LimitStats, P50P90, PERCENTILES, RtoIntervals, RtoStats, RunHeader, SimReport,
    StartBandStats, StartsStats, StepStats, TargetStats, TeamStats,
};
pub use text::{render_text, signed_coefficient};

/// The report as pretty-printed JSON.
pub fn render_json(report: &SimReport) -> String {
    let mut s = serde_json::to_string_pretty(report).expect("a report always serializes");
    s.push('\n');
    s
}
