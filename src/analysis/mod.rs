//! The analysis layer: one entry point between the engine and the renderings.
//!
//! [`analyse`] takes a plan and run options and returns one [`Analysis`]: the run, its typed
//! RTO sample, its summary, and (when asked) what each piece of chaos costs, what adds time
//! at P90 and what one more group of each team saves, each measured on the same draws with
//! its interval. Every command reads from it;
//! `report/` and `chart/` only render what it holds, and never call the engine.

mod costs;
mod milestones;
mod run;
mod staffing;
mod summary;

pub use costs::{
    WHATIF_TRIALS, chaos_costs, chaos_costs_with_milestones, cost_tolerance, p90_drivers,
    paired_cost, paired_costs, recovery_point,
};
pub use milestones::{
    all_met, every_met, group_times, last_reached, milestone_groups, milestone_names,
    milestone_series, milestones_report, named_times,
};
pub use run::{Analysis, AnalysisError, Replay, RunOptions, Wants, analyse, resolve_scenario};
pub use staffing::one_more_group;
pub use summary::{CheckFacts, check_facts, critical_path, rto_figures, summarize, summarize_run};
