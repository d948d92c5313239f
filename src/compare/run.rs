//! Running the variants of a comparison (plan version x scenario x policy) with common random
//! numbers, and the report that sets them side by side.
//!
//! Every variant runs with the same seed, and every step draws from its own stream keyed by
//! (seed, trial, step id), so trial `i` of every variant sees the same durations for the same
//! step ids, even in two versions of a plan: differences are the version's, the scenario's or
//! the policy's effect, and trials can be compared pair by pair.

use serde::Serialize;

use crate::analysis::rto_figures;
use crate::plan::{Plan, Scenario};
use crate::report::{RtoIntervals, RtoStats, TargetStats};
use crate::sim::{self, Model, Policy, RunConfig};
use crate::stats::paired as pairs;
use crate::stats::{Estimate, RtoSample};

/// One column of the comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// Which plan: 0 for the first (`PLAN_A`), 1 for the second (`PLAN_B`).
    pub plan: usize,
    /// The loss scenario.
    pub scenario: Scenario,
    /// The dispatch policy.
    pub policy: Policy,
}

/// How a variant's trials compare, pair by pair, with the same trials of the first variant.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Paired {
    /// Share of trials that recovered sooner than in the first variant.
    pub faster: f64,
    /// Share of trials that recovered later.
    pub slower: f64,
    /// Mean of (this RTO - the first variant's RTO) over trials, in seconds.
    pub mean_difference_seconds: f64,
    /// 95% interval of that mean, from the trial-by-trial differences.
    pub mean_difference_interval_seconds: crate::report::Interval,
    /// This P50 minus the first variant's, with its 95% interval from the paired trials.
    pub p50_difference_seconds: Estimate,
    /// This P90 minus the first variant's, with its 95% interval from the paired trials.
    pub p90_difference_seconds: Estimate,
    /// This chance of meeting the objective minus the first variant's (McNemar-style
    /// interval), when the plan sets an objective.
    pub probability_met_change: Option<Estimate>,
}

/// What one variant's simulation says.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct VariantReport {
    /// Short label: the plan version, the scenario, the policy, or those that vary.
    pub label: String,
    /// The plan's name.
    pub plan: String,
    /// Scenario name.
    pub scenario: String,
    /// Dispatch policy.
    pub policy: Policy,
    /// Steps the scenario needs.
    pub steps_needed: usize,
    /// RTO summary in seconds.
    pub rto_seconds: RtoStats,
    /// 95% intervals of the percentiles.
    pub rto_interval_seconds: RtoIntervals,
    /// The RTO on mean durations with no failures.
    pub deterministic_rto_seconds: f64,
    /// The objective and the chance of meeting it, when the plan sets one.
    pub target: Option<TargetStats>,
    /// Pairwise comparison with the first variant (absent for the first itself).
    pub versus_first: Option<Paired>,
    /// The S-curve: the RTO at every whole percent from 0 (the fastest trial) to 100 (the
    /// slowest), in seconds.
    pub quantiles_seconds: Vec<f64>,
    /// Each milestone and group of milestones (tiers, all), in the plan's order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub milestones: Vec<VariantMilestone>,
}

/// What one variant gives a milestone, or a group of them (`tier1`, ..., `all`: when the last
/// of them is reached).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct VariantMilestone {
    /// The milestone's or group's name.
    pub name: String,
    /// When it is reached: P50.
    pub p50_seconds: f64,
    /// P90 with its 95% interval.
    pub p90_seconds: crate::stats::Estimate,
    /// The chance that it (every member with a target, for a group) meets its target, counted
    /// per trial, with its 95% interval; `None` without targets.
    pub probability_met: Option<crate::stats::Estimate>,
    /// Pairwise comparison of its times with the first variant's (absent for the first).
    pub versus_first: Option<Paired>,
}

/// Everything `compare` reports.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CompareReport {
    /// Plan name (of the first plan when two versions are compared).
    pub plan: String,
    /// The second version's name, when two plans are compared.
    pub other_plan: Option<String>,
    /// Trials per variant.
    pub trials: u64,
    /// The seed, the same for every variant.
    pub seed: u64,
    /// rtosim's version.
    pub version: &'static str,
    /// The objective in seconds, if the plan sets one.
    pub target_seconds: Option<f64>,
    /// The variants, scenarios outermost, in the order asked.
    pub variants: Vec<VariantReport>,
}

/// Labels: what varies among plan version (`A`, `B`), scenario and policy; the scenario when
/// nothing does.
fn label(variants: &[Variant], v: &Variant) -> String {
    let plans_vary = variants.iter().any(|w| w.plan != v.plan);
    let scenarios_vary = variants.iter().any(|w| w.scenario.name != v.scenario.name);
    let policies_vary = variants.iter().any(|w| w.policy != v.policy);
    let mut parts = Vec::new();
    if plans_vary {
        parts.push(if v.plan == 0 { "A" } else { "B" }.to_string());
    }
    if scenarios_vary || !(plans_vary || policies_vary) {
        parts.push(v.scenario.name.clone());
    }
    if policies_vary {
        parts.push(v.policy.name().to_string());
    }
    parts.join(" / ")
}

/// The figures of one variant's run.
struct VariantFigures {
    steps_needed: usize,
    rto_seconds: RtoStats,
    rto_interval_seconds: RtoIntervals,
    deterministic_rto_seconds: f64,
    target: Option<TargetStats>,
}

/// Runs every variant in turn, each on the full thread pool, and builds the report.
/// `plans` holds one plan, or two versions of it; each variant names one.
pub fn compare(
    plans: &[&Plan],
    variants: &[Variant],
    config: &RunConfig,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<CompareReport, rayon::ThreadPoolBuildError> {
    let mut reports = Vec::with_capacity(variants.len());
    let mut first: Option<Vec<f64>> = None;
    let target = plans[0].rto_target;
    let mut first_milestones: Option<Vec<Vec<f64>>> = None;
    for v in variants {
        let plan = plans[v.plan];
        let model = Model::compile(plan, &v.scenario, v.policy);
        let (outcomes, times) = sim::run_outcomes_with_milestones(&model, config, progress)?;
        let series = milestone_series(plan, &times);
        let milestones = series
            .iter()
            .enumerate()
            .filter_map(|(i, (name, values, met))| {
                let sample = RtoSample::new(values.clone()).ok()?;
                Some(VariantMilestone {
                    name: name.clone(),
                    p50_seconds: sample.quantile(0.5),
                    p90_seconds: sample.quantile_ci(0.9),
                    probability_met: met
                        .map(|hits| crate::stats::proportion(hits, values.len() as u64)),
                    versus_first: first_milestones
                        .as_ref()
                        .map(|base| paired(values, &base[i], None)),
                })
            })
            .collect();
        if first_milestones.is_none() {
            first_milestones = Some(series.into_iter().map(|(_, v, _)| v).collect());
        }
        let rtos: Vec<f64> = outcomes.iter().map(|o| o.rto).collect();
        let sample = RtoSample::new(rtos.clone()).ok();
        let versus_first = first.as_ref().map(|base| paired(&rtos, base, target));
        let quantiles_seconds = sample.as_ref().map_or_else(Vec::new, |s| {
            (0..=100)
                .map(|p| s.quantile(f64::from(p) / 100.0))
                .collect()
        });
        if first.is_none() {
            first = Some(rtos);
        }
        let Some(sample) = sample else { continue };
        let (rto_seconds, rto_interval_seconds, target) = rto_figures(&sample, target);
        let summary = VariantFigures {
            steps_needed: model
                .steps
                .iter()
                .filter(|s| !plan.is_fallback(s.plan_index as usize))
                .count(),
            rto_seconds,
            rto_interval_seconds,
            deterministic_rto_seconds: sim::deterministic(&model).rto,
            target,
        };
        reports.push(VariantReport {
            label: label(variants, v),
            plan: plan.name.clone(),
            scenario: v.scenario.name.clone(),
            policy: v.policy,
            steps_needed: summary.steps_needed,
            rto_seconds: summary.rto_seconds,
            rto_interval_seconds: summary.rto_interval_seconds,
            deterministic_rto_seconds: summary.deterministic_rto_seconds,
            target: summary.target,
            versus_first,
            quantiles_seconds,
            milestones,
        });
    }
    Ok(CompareReport {
        plan: plans[0].name.clone(),
        other_plan: plans.get(1).map(|p| p.name.clone()),
        trials: config.trials,
        seed: config.seed,
        version: env!("CARGO_PKG_VERSION"),
        target_seconds: target,
        variants: reports,
    })
}

/// Each milestone's and then each group's times in trial order, with the trials in which it
/// (every member with a target) met its target, when it has one.
fn milestone_series(
    plan: &Plan,
    times: &sim::MilestoneTimes,
) -> Vec<(String, Vec<f64>, Option<u64>)> {
    let n = times.trials();
    crate::analysis::milestone_series(plan)
        .into_iter()
        .map(|(name, members)| {
            let met = members
                .iter()
                .any(|&k| plan.milestones[k].rto_target.is_some())
                .then(|| {
                    (0..n)
                        .filter(|&i| crate::analysis::all_met(plan, times, &members, i))
                        .count() as u64
                });
            (name, crate::analysis::group_times(times, &members), met)
        })
        .collect()
}

/// Pairwise comparison of two runs' RTOs in trial order, against the objective `target`.
pub fn paired(rtos: &[f64], base: &[f64], target: Option<f64>) -> Paired {
    let n = rtos.len().min(base.len()).max(1) as f64;
    let (mut faster, mut slower) = (0u64, 0u64);
    for (a, b) in rtos.iter().zip(base) {
        if a < b {
            faster += 1;
        } else if a > b {
            slower += 1;
        }
    }
    let mean = pairs::mean_difference(rtos, base);
    // The saving of this run against the base is base - this: its negation is the difference.
    let saving = pairs::Saving::of(base, rtos, target, None);
    let negate = |e: Estimate| Estimate {
        value: -e.value,
        low: -e.high,
        high: -e.low,
    };
    Paired {
        faster: faster as f64 / n,
        slower: slower as f64 / n,
        mean_difference_seconds: mean.value,
        mean_difference_interval_seconds: mean.into(),
        p50_difference_seconds: negate(saving.p50_seconds),
        p90_difference_seconds: negate(saving.p90_seconds),
        probability_met_change: saving.probability_met_change,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_trial_by_trial() {
        let p = paired(&[1.0, 5.0, 3.0, 4.0], &[2.0, 4.0, 3.0, 4.0], None);
        assert_eq!((p.faster, p.slower), (0.25, 0.25));
        assert_eq!(p.mean_difference_seconds, 0.0);
    }
}
