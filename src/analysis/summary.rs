//! The numbers of one run: the [`SimReport`] every output format renders, computed from the
//! run's accumulators, its RTO sample and the deterministic schedule.

use crate::plan::{Plan, Scenario, StartBand};
use crate::report::{
    LimitStats, P50P90, PERCENTILES, RtoIntervals, RtoStats, RunHeader, SimReport, StepStats,
    TargetStats, TeamStats,
};
use crate::report::{StartBandStats, StartsStats};
use crate::sim::chaos::trial_start_second;
use crate::sim::{Model, RunConfig, RunResult, deterministic};
use crate::stats::{Estimate, RtoSample};

/// [`summarize`] of a run, building its RTO sample (`None` for a run of no trials).
pub fn summarize_run(
    plan: &Plan,
    scenario: &Scenario,
    model: &Model,
    run: &RunResult,
    config: &RunConfig,
) -> Option<SimReport> {
    let rtos = RtoSample::new(run.outcomes.iter().map(|o| o.rto).collect()).ok()?;
    Some(summarize(plan, scenario, model, run, &rtos, config))
}

/// Builds the report of a run.
pub fn summarize(
    plan: &Plan,
    scenario: &Scenario,
    model: &Model,
    run: &RunResult,
    rtos: &RtoSample,
    config: &RunConfig,
) -> SimReport {
    let n = rtos.len() as u64;
    let (rto_seconds, rto_interval_seconds, target) = rto_figures(rtos, plan.rto_target);

    let contingency = model
        .steps
        .iter()
        .filter(|s| plan.is_fallback(s.plan_index as usize))
        .count();
    let det = deterministic(model);
    let (cp_len, cp) = critical_path(model);
    let acc = &run.accum;
    let trials = n.max(1) as f64;
    let steps = (0..model.len())
        .map(|c| {
            let step = &plan.steps[model.steps[c].plan_index as usize];
            let p = |h: &crate::stats::histogram::LogHistogram| P50P90 {
                p50: h.quantile(0.5).unwrap_or(f64::NAN),
                p90: h.quantile(0.9).unwrap_or(f64::NAN),
            };
            StepStats {
                id: step.id.clone(),
                system: plan.systems[step.system].clone(),
                label: step.label().to_string(),
                team: step.team.map(|t| plan.teams[t].name.clone()),
                criticality: acc.critical[c] as f64 / trials,
                cruciality: acc.cruciality(c),
                mean_attempt_seconds: model.mean_attempt(c),
                start_seconds: model.record_starts.then(|| p(&acc.start[c])),
                finish_seconds: p(&acc.finish[c]),
            }
        })
        .collect::<Vec<_>>();
    // Plan order reads best next to the plan file.
    let mut order: Vec<usize> = (0..steps.len()).collect();
    order.sort_by_key(|&c| model.steps[c].plan_index);
    let steps = order.into_iter().map(|c| steps[c].clone()).collect();

    let teams = plan
        .teams
        .iter()
        .enumerate()
        .map(|(t, team)| {
            let sums = acc.teams[t];
            let count = model.steps.iter().filter(|s| s.team == t as u32).count();
            TeamStats {
                name: team.name.clone(),
                groups: team.groups,
                size: team.size,
                steps: count,
                utilisation: ratio(sums.busy_ms, sums.capacity_ms),
                mean_wait_seconds: if count == 0 {
                    0.0
                } else {
                    sums.wait_ms as f64 / 1000.0 / (trials * count as f64)
                },
                wait_per_trial_seconds: sums.wait_ms as f64 / 1000.0 / trials,
                one_more_group: None,
            }
        })
        .collect();
    let limits = plan
        .limits
        .iter()
        .enumerate()
        .map(|(l, limit)| {
            let sums = acc.limits[l];
            LimitStats {
                name: limit.name.clone(),
                capacity: limit.capacity,
                utilisation: ratio(sums.busy_ms, sums.capacity_ms),
                wait_per_trial_seconds: sums.wait_ms as f64 / 1000.0 / trials,
            }
        })
        .collect();

    SimReport {
        run: RunHeader::new(&plan.name, &scenario.name, model.policy, n, config.seed),
        steps_needed: model.len() - contingency,
        contingency_steps: contingency,
        rto_seconds,
        rto_interval_seconds,
        deterministic_rto_seconds: det.rto,
        critical_path_seconds: cp_len,
        critical_path: cp
            .into_iter()
            .map(|c| plan.steps[model.steps[c].plan_index as usize].id.clone())
            .collect(),
        target,
        mean_failures: run
            .outcomes
            .iter()
            .map(|o| f64::from(o.failures))
            .sum::<f64>()
            / trials,
        steps,
        teams,
        limits,
        chaos: Default::default(),
        starts: starts_stats(plan, scenario, run, config),
        milestones: super::milestones_report(plan, model, run, &det),
    }
}

/// When the disaster strikes and, when each trial draws it, the RTO by part of the week: the
/// trials are split by the start each one drew.
fn starts_stats(
    plan: &Plan,
    scenario: &Scenario,
    run: &RunResult,
    config: &RunConfig,
) -> Option<StartsStats> {
    let starts = plan.starts_of(scenario)?;
    let mut bands = Vec::new();
    if starts.is_random() {
        // Each trial's band once, from the start it drew.
        let band_of: Vec<StartBand> = (0..run.outcomes.len() as u64)
            .map(|i| StartBand::of(trial_start_second(starts, config.seed, i)))
            .collect();
        for band in StartBand::ALL {
            let rtos: Vec<f64> = run
                .outcomes
                .iter()
                .zip(&band_of)
                .filter(|&(_, &b)| b == band)
                .map(|(o, _)| o.rto)
                .collect();
            let Ok(sample) = RtoSample::new(rtos) else {
                continue;
            };
            bands.push(StartBandStats {
                band,
                label: band.label(),
                trials: sample.len() as u64,
                p50_seconds: sample.quantile_ci(0.5),
                p90_seconds: sample.quantile_ci(0.9),
                meets_target: plan.rto_target.map(|t| sample.share_within(t)),
            });
        }
    }
    Some(StartsStats {
        when: starts.describe(),
        bands,
    })
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// The longest dependency chain of the compiled model on mean attempt durations, ignoring
/// teams and limits: its length and its steps (compiled indices).
pub fn critical_path(model: &Model) -> (f64, Vec<usize>) {
    let n = model.len();
    let deps: Vec<Vec<usize>> = (0..n)
        .map(|s| model.preds(s).iter().map(|&p| p as usize).collect())
        .collect();
    let weight: Vec<f64> = (0..n).map(|s| model.mean_attempt(s)).collect();
    // Compiled steps are numbered in topological order.
    let order: Vec<usize> = (0..n).collect();
    crate::plan::graph::longest_path(&deps, &order, &weight, &vec![true; n])
}

/// What `check` says of a sound plan beyond its contents: the deterministic critical path of
/// the whole plan (every system lost) and its schedule with teams and limits.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckFacts {
    /// Length of the longest dependency chain on mean durations, ignoring teams and limits.
    pub critical_path_seconds: f64,
    /// Its steps (plan indices), first to last.
    pub critical_path: Vec<usize>,
    /// The RTO on mean durations with no failures, teams and limits respected; only when the
    /// plan has teams or limits (otherwise it is the critical path).
    pub deterministic_rto_seconds: Option<f64>,
}

/// The [`CheckFacts`] of `plan` when `scenario` strikes (`check` uses every system lost unless
/// told otherwise).
pub fn check_facts(plan: &Plan, scenario: &crate::plan::Scenario) -> CheckFacts {
    let model = Model::compile(plan, scenario, crate::sim::Policy::Lft);
    let (len, path) = critical_path(&model);
    CheckFacts {
        critical_path_seconds: len,
        critical_path: path
            .into_iter()
            .map(|c| model.steps[c].plan_index as usize)
            .collect(),
        deterministic_rto_seconds: (!plan.teams.is_empty() || !plan.limits.is_empty())
            .then(|| deterministic(&model).rto),
    }
}

/// The RTO figures of a sample: percentiles with their intervals, and the chance of meeting
/// `target` when there is one.
pub fn rto_figures(
    rtos: &RtoSample,
    target: Option<f64>,
) -> (RtoStats, RtoIntervals, Option<TargetStats>) {
    let est: Vec<Estimate> = PERCENTILES
        .iter()
        .map(|&(_, q)| rtos.quantile_ci(q))
        .collect();
    let stats = RtoStats {
        mean: rtos.mean(),
        sd: rtos.sd(),
        min: rtos.min(),
        p50: est[0].value,
        p80: est[1].value,
        p90: est[2].value,
        p95: est[3].value,
        p99: est[4].value,
        max: rtos.max(),
    };
    let intervals = RtoIntervals {
        p50: est[0].into(),
        p80: est[1].into(),
        p90: est[2].into(),
        p95: est[3].into(),
        p99: est[4].into(),
    };
    let target = target.map(|t| {
        let p = rtos.share_within(t);
        TargetStats {
            rto_seconds: t,
            probability_met: p.value,
            probability_interval: p.into(),
        }
    });
    (stats, intervals, target)
}
