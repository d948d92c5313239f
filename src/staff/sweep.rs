//! Running a sweep: each option's copy of the plan compiled, the copies run side by side.
//!
//! Options run side by side on the full thread pool, with the same seed: every step draws from
//! its own stream keyed by (seed, trial, step), so all options see the same durations (common
//! random numbers, drawn once per trial for all of them) and their differences are the
//! staffing's effect alone.
//! Each option keeps its summary and its trials' RTOs in trial order (8 bytes a trial), so
//! that neighbouring options can be compared trial by trial.

use super::grid::{Grid, StaffOption};
use crate::plan::{Plan, Scenario};
use crate::sim::{self, Model, Policy, RunConfig};
use crate::stats::{Estimate, RtoSample};

/// How to run every option of a sweep.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SweepConfig {
    /// Dispatch priority.
    pub policy: Policy,
    /// Trials per option, seed and threads.
    pub run: RunConfig,
    /// The recovery time objective in seconds, if any.
    pub target: Option<f64>,
    /// `--negligible`: a P90 saving within this many seconds does not matter [default: the
    /// larger of 5 minutes and 1% of P90].
    pub negligible: Option<f64>,
}

/// One option's simulation: its summary and every trial's RTO, in trial order.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionRun {
    /// The summary.
    pub stats: OptionStats,
    /// The RTO of trial `i` at index `i`: the same draws as trial `i` of every other option.
    pub rtos: Vec<f64>,
}

/// What one option's simulation says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OptionStats {
    /// Mean RTO in seconds.
    pub mean: f64,
    /// Median RTO with its 95% interval.
    pub p50: Estimate,
    /// 90th percentile with its 95% interval.
    pub p90: Estimate,
    /// 99th percentile with its 95% interval.
    pub p99: Estimate,
    /// Share of trials within the objective (Wilson interval), when there is one.
    pub met: Option<Estimate>,
    /// The RTO on mean durations with no failures.
    pub deterministic: f64,
}

impl OptionStats {
    /// Summarises the RTOs of one option's trials (in any order).
    pub fn from_rtos(rtos: Vec<f64>, target: Option<f64>, deterministic: f64) -> OptionStats {
        let Ok(sample) = RtoSample::new(rtos) else {
            let none = Estimate {
                value: f64::NAN,
                low: f64::NAN,
                high: f64::NAN,
            };
            return OptionStats {
                mean: f64::NAN,
                p50: none,
                p90: none,
                p99: none,
                met: target.map(|_| none),
                deterministic,
            };
        };
        OptionStats {
            mean: sample.mean(),
            p50: sample.quantile_ci(0.5),
            p90: sample.quantile_ci(0.9),
            p99: sample.quantile_ci(0.99),
            met: target.map(|t| sample.share_within(t)),
            deterministic,
        }
    }
}

/// Simulates every option, side by side. `progress` is called with trials finished, across
/// options.
pub fn sweep(
    plan: &Plan,
    scenario: &Scenario,
    grid: &Grid,
    options: &[StaffOption],
    config: &SweepConfig,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<OptionRun>, rayon::ThreadPoolBuildError> {
    sweep_for(plan, scenario, grid, options, config, None, progress)
}

/// [`sweep`] of the time milestone `milestone` (an index into the plan's milestones) is
/// reached, instead of the whole recovery's, when one is given: `staff --target MILESTONE`.
pub fn sweep_for(
    plan: &Plan,
    scenario: &Scenario,
    grid: &Grid,
    options: &[StaffOption],
    config: &SweepConfig,
    milestone: Option<usize>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<OptionRun>, rayon::ThreadPoolBuildError> {
    let models: Vec<Model> = options
        .iter()
        .map(|option| Model::compile(&grid.apply(plan, option), scenario, config.policy))
        .collect();
    // The options run side by side, so that each trial's draws are made once for all of them.
    let together: Vec<&Model> = models.iter().collect();
    let runs = sim::run_outcomes_shared(&together, &config.run, progress)?;
    Ok(models
        .iter()
        .zip(runs)
        .map(|(model, (outcomes, times))| {
            let det = sim::deterministic(model);
            // An option needs each trial's RTO (or milestone time) alone.
            let (rtos, det): (Vec<f64>, f64) = match milestone {
                None => (outcomes.iter().map(|o| o.rto).collect(), det.rto),
                Some(k) => {
                    let at = model.milestones.reached(k, |s| det.finish[s]).0;
                    (times.of(k).collect(), at)
                }
            };
            OptionRun {
                stats: OptionStats::from_rtos(rtos.clone(), config.target, det),
                rtos,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_of_known_values() {
        let rtos: Vec<f64> = (1..=100).rev().map(f64::from).collect();
        let s = OptionStats::from_rtos(rtos, Some(80.0), 42.0);
        assert_eq!(s.mean, 50.5);
        assert_eq!(s.p50.value, 50.5);
        assert!((s.p90.value - 90.1).abs() < 1e-9);
        assert_eq!(s.met.unwrap().value, 0.8);
        assert_eq!(s.deterministic, 42.0);
        assert!(s.p90.low <= s.p90.value && s.p90.value <= s.p90.high);
    }
}
