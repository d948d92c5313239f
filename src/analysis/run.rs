//! The one entry point: a plan and run options in, one [`Analysis`] out.

use crate::plan::{Plan, Scenario, did_you_mean};
use crate::report::SimReport;
use crate::sim::{self, Model, Policy, RunConfig, RunResult, TrialState};
use crate::stats::{RtoSample, SampleError};

/// How to run: the options every simulating command shares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOptions {
    /// The scenario's name; `None` for the plan's default.
    pub scenario: Option<String>,
    /// Dispatch priority.
    pub policy: Policy,
    /// Trials, seed and threads.
    pub config: RunConfig,
    /// Whether to collect each step's start times (for run sheets).
    pub record_starts: bool,
}

/// What an analysis computes beyond the run and its summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Wants {
    /// What each piece of chaos costs (one what-if run each).
    pub costs: bool,
    /// What adds time at P90 (what-if runs of the most critical steps), for plans with chaos.
    pub drivers: bool,
    /// The full schedules of the trials closest to P50 and P90, for Gantt charts.
    pub replays: bool,
    /// What one more group of each team saves (one what-if run per team the scenario uses).
    pub staffing: bool,
}

/// Why an analysis could not be made.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    /// `--scenario` names no scenario of the plan (invalid input).
    #[error("unknown scenario \"{name}\" (hint: {hint})")]
    UnknownScenario {
        /// The name given.
        name: String,
        /// What to do instead.
        hint: String,
    },
    /// The worker threads could not be started.
    #[error("cannot start worker threads")]
    Threads(#[from] rayon::ThreadPoolBuildError),
    /// The run produced no usable sample (no trials).
    #[error(transparent)]
    Sample(#[from] SampleError),
}

/// One trial replayed in full: which, and its schedule.
#[derive(Debug, Clone)]
pub struct Replay {
    /// `"P50"` or `"P90"`.
    pub quantile: &'static str,
    /// The trial whose RTO is closest to that percentile.
    pub trial: u64,
    /// Its schedule.
    pub state: TrialState,
}

/// Everything one run says, computed once.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// The scenario simulated.
    pub scenario: Scenario,
    /// Its compiled model.
    pub model: Model,
    /// Trials, seed and threads.
    pub config: RunConfig,
    /// The run: every trial's outcome and the streamed statistics.
    pub run: RunResult,
    /// The RTOs, sorted once.
    pub rtos: RtoSample,
    /// The numbers every output renders (with chaos costs and drivers when asked for).
    pub summary: SimReport,
    /// The P50 and P90 trials in full, when asked for.
    pub replays: Vec<Replay>,
}

/// The scenario `name` of `plan`, or the default one.
pub fn resolve_scenario(plan: &Plan, name: Option<&str>) -> Result<Scenario, AnalysisError> {
    let Some(name) = name else {
        return Ok(plan.default_scenario());
    };
    plan.scenario(name).cloned().ok_or_else(|| {
        let known: Vec<&str> = plan.scenarios.iter().map(|s| s.name.as_str()).collect();
        let hint = did_you_mean(name, known.iter().copied()).unwrap_or_else(|| {
            if known.is_empty() {
                "the plan defines no scenarios; omit --scenario to lose every system".to_string()
            } else {
                format!("the plan's scenarios are {}", known.join(", "))
            }
        });
        AnalysisError::UnknownScenario {
            name: name.to_string(),
            hint,
        }
    })
}

/// Runs `plan` as `options` say and computes what `wants` asks for. `progress` is called with
/// trials finished by the base run.
pub fn analyse(
    plan: &Plan,
    options: &RunOptions,
    wants: Wants,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Analysis, AnalysisError> {
    let scenario = resolve_scenario(plan, options.scenario.as_deref())?;
    let mut model = Model::compile(plan, &scenario, options.policy);
    model.record_starts = options.record_starts;
    let config = options.config;
    let run = sim::run(&model, &config, progress)?;
    let rtos = RtoSample::new(run.outcomes.iter().map(|o| o.rto).collect())?;
    let mut summary = super::summarize(plan, &scenario, &model, &run, &rtos, &config);
    if wants.costs || wants.drivers {
        let (chaos, milestone_costs) = super::chaos_costs_with_milestones(
            plan,
            &scenario,
            model.policy,
            &config,
            &run.outcomes,
            &run.milestones,
            &run.accum.fired,
        )?;
        summary.chaos = chaos;
        for (m, costs) in summary.milestones.each.iter_mut().zip(milestone_costs) {
            m.costs = costs;
        }
    }
    summary.chaos.recovery_point = super::recovery_point(plan, &run.accum.data_loss_set_by);
    if wants.drivers && plan.has_chaos() {
        let critical: Vec<(String, f64)> = summary
            .steps
            .iter()
            .map(|s| (s.id.clone(), s.criticality))
            .collect();
        summary.chaos.p90_drivers = super::p90_drivers(
            plan,
            &scenario,
            model.policy,
            &config,
            &run.outcomes,
            &critical,
            &summary.chaos,
        )?;
    }
    if wants.staffing {
        let savings = super::one_more_group(plan, &scenario, &model, &config, &run.outcomes)?;
        for (team, saving) in summary.teams.iter_mut().zip(savings) {
            team.one_more_group = saving;
        }
    }
    let replays = if wants.replays {
        [
            ("P50", summary.rto_seconds.p50),
            ("P90", summary.rto_seconds.p90),
        ]
        .into_iter()
        .map(|(quantile, rto)| {
            let trial = crate::chart::spec::representative_trial(&run.outcomes, rto);
            Replay {
                quantile,
                trial,
                state: sim::replay(&model, config.seed, trial),
            }
        })
        .collect()
    } else {
        Vec::new()
    };
    Ok(Analysis {
        scenario,
        model,
        config,
        run,
        rtos,
        summary,
        replays,
    })
}
