//! The simulation report: one serializable struct that every output format renders.
//!
//! JSON keys are snake_case and times are seconds. Every field is documented because the JSON
//! is a contract other tools rely on.

use serde::Serialize;

use crate::sim::Policy;
use crate::stats::Estimate;

/// The percentiles reported for the RTO.
pub const PERCENTILES: [(&str, f64); 5] = [
    ("p50", 0.5),
    ("p80", 0.8),
    ("p90", 0.9),
    ("p95", 0.95),
    ("p99", 0.99),
];

/// Summary of the RTO over all trials, in seconds.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RtoStats {
    /// Mean.
    pub mean: f64,
    /// Sample standard deviation.
    pub sd: f64,
    /// Fastest trial.
    pub min: f64,
    /// Median.
    pub p50: f64,
    /// 80th percentile.
    pub p80: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Slowest trial.
    pub max: f64,
}

/// A 95% interval.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Default)]
pub struct Interval {
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

impl From<Estimate> for Interval {
    fn from(e: Estimate) -> Interval {
        Interval {
            low: e.low,
            high: e.high,
        }
    }
}

/// Distribution-free 95% intervals of the RTO percentiles, in seconds.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RtoIntervals {
    /// Interval of P50.
    pub p50: Interval,
    /// Interval of P80.
    pub p80: Interval,
    /// Interval of P90.
    pub p90: Interval,
    /// Interval of P95.
    pub p95: Interval,
    /// Interval of P99.
    pub p99: Interval,
}

/// The recovery time objective and the chance of meeting it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TargetStats {
    /// The objective in seconds.
    pub rto_seconds: f64,
    /// Share of trials that recovered within the objective.
    pub probability_met: f64,
    /// 95% (Wilson) interval of that share.
    pub probability_interval: Interval,
}

/// Two percentiles of a time, in seconds.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct P50P90 {
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
}

/// What the simulation says about one step.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StepStats {
    /// The step's id.
    pub id: String,
    /// Its system.
    pub system: String,
    /// Its human label (the id when no name is given).
    pub label: String,
    /// The team doing it, if any.
    pub team: Option<String>,
    /// Share of trials in which the step was on the chain that determined the RTO.
    pub criticality: f64,
    /// Spearman rank correlation between the step's duration and the RTO.
    pub cruciality: f64,
    /// Mean duration of one attempt (at the team's group size, without failures).
    pub mean_attempt_seconds: f64,
    /// When the step started; only when the run recorded start times.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_seconds: Option<P50P90>,
    /// When the step finished.
    pub finish_seconds: P50P90,
}

/// How one team was used.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TeamStats {
    /// The team's name.
    pub name: String,
    /// Parallel groups.
    pub groups: u32,
    /// People per group.
    pub size: u32,
    /// Steps of this team the scenario needs.
    pub steps: usize,
    /// Busy group-time over available group-time up to the RTO, over all trials.
    pub utilisation: f64,
    /// Mean time a ready step of this team waited for free groups.
    pub mean_wait_seconds: f64,
    /// Mean total waiting for this team's groups per trial.
    pub wait_per_trial_seconds: f64,
    /// What one more group of this team saves, measured on the same draws (filled by
    /// [`crate::analysis::one_more_group`] when asked for, and only for teams the scenario
    /// uses; absent from the JSON otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub one_more_group: Option<crate::stats::paired::Saving>,
}

/// How one limit was used.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LimitStats {
    /// The limit's name.
    pub name: String,
    /// Units available.
    pub capacity: u32,
    /// Held unit-time over available unit-time up to the RTO.
    pub utilisation: f64,
    /// Mean total waiting for this limit per trial.
    pub wait_per_trial_seconds: f64,
}

/// What was run: the first keys of the JSON of `simulate`, `report`, `staff`, `calibrate` and
/// `track`, so that any of their outputs can be reproduced.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RunHeader {
    /// Plan name.
    pub plan: String,
    /// Scenario name.
    pub scenario: String,
    /// Dispatch policy.
    pub policy: Policy,
    /// Trials run (per option, for a sweep).
    pub trials: u64,
    /// The seed (the same for every option of a sweep).
    pub seed: u64,
    /// rtosim's version.
    pub version: &'static str,
}

impl RunHeader {
    /// The header of a run of `plan`'s scenario `scenario` under `policy`.
    pub fn new(plan: &str, scenario: &str, policy: Policy, trials: u64, seed: u64) -> RunHeader {
        RunHeader {
            plan: plan.to_string(),
            scenario: scenario.to_string(),
            policy,
            trials,
            seed,
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

/// Everything `simulate` reports.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SimReport {
    /// What was run.
    #[serde(flatten)]
    pub run: RunHeader,
    /// Steps the scenario needs.
    pub steps_needed: usize,
    /// Risks' fallback steps the scenario may need: contingency steps, run only in recoveries in
    /// which their risk fires, not counted in `steps_needed`.
    pub contingency_steps: usize,
    /// RTO summary in seconds.
    pub rto_seconds: RtoStats,
    /// 95% intervals of the percentiles.
    pub rto_interval_seconds: RtoIntervals,
    /// The RTO with every duration at its mean, no failures, teams and limits respected.
    pub deterministic_rto_seconds: f64,
    /// Length of the longest dependency chain on mean durations, ignoring teams and limits.
    pub critical_path_seconds: f64,
    /// The steps of that chain, first to last.
    pub critical_path: Vec<String>,
    /// The objective, when the plan sets one.
    pub target: Option<TargetStats>,
    /// Mean failed attempts per trial.
    pub mean_failures: f64,
    /// Per step, in plan order.
    pub steps: Vec<StepStats>,
    /// Per team, in plan order.
    pub teams: Vec<TeamStats>,
    /// Per limit, in plan order.
    pub limits: Vec<LimitStats>,
    /// Risks, factors, mobilisation, shifts and hand-offs with their costs (filled by
    /// [`super::chaos_costs`]; absent from the JSON for plans without chaos).
    #[serde(flatten)]
    pub chaos: super::chaos::ChaosStats,
    /// When the disaster strikes, and the RTO by the part of the week it strikes in, when the
    /// plan draws the start per trial.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub starts: Option<StartsStats>,
    /// Each milestone, and the tiers counted together (absent from the JSON for plans without
    /// milestones).
    #[serde(skip_serializing_if = "super::MilestonesReport::is_empty")]
    pub milestones: super::MilestonesReport,
}

/// When the disaster strikes, and what that does to the RTO.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StartsStats {
    /// The plan's `starts`, as a person reads it.
    pub when: String,
    /// The RTO by part of the week, when the start is drawn per trial (empty otherwise).
    pub bands: Vec<StartBandStats>,
}

/// The RTO of the trials that start in one part of the week.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StartBandStats {
    /// The part of the week.
    pub band: crate::plan::StartBand,
    /// Its heading.
    pub label: &'static str,
    /// Trials that start in it.
    pub trials: u64,
    /// Median RTO with its 95% interval.
    pub p50_seconds: Estimate,
    /// 90th percentile with its 95% interval.
    pub p90_seconds: Estimate,
    /// Share within the objective, when there is one.
    pub meets_target: Option<Estimate>,
}
