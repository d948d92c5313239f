//! The milestones of a run: when each is reached (percentiles with intervals), the chance of
//! meeting its objective, what decides it, and the tiers counted together trial by trial.

use crate::plan::Plan;
use crate::report::{
    JointStats, MilestoneCrucialStep, MilestoneStats, MilestoneStep, MilestonesReport,
};
use crate::sim::{MilestoneTimes, Model, NONE, RunResult, TrialState};
use crate::stats::{RtoSample, proportion};

use super::rto_figures;

/// The groups counted together: each tier present (`tier1`, `tier2`, ... in tier order) and
/// `all`, each with its milestones' indices.
pub fn milestone_groups(plan: &Plan) -> Vec<(String, Vec<usize>)> {
    let mut tiers: Vec<u32> = plan.milestones.iter().filter_map(|m| m.tier).collect();
    tiers.sort_unstable();
    tiers.dedup();
    let mut groups: Vec<(String, Vec<usize>)> = tiers
        .into_iter()
        .map(|t| {
            let members = (0..plan.milestones.len())
                .filter(|&k| plan.milestones[k].tier == Some(t))
                .collect();
            (format!("tier{t}"), members)
        })
        .collect();
    if !plan.milestones.is_empty() {
        groups.push(("all".to_string(), (0..plan.milestones.len()).collect()));
    }
    groups
}

/// What is reported milestone by milestone: each milestone alone, then each group of more than
/// one (`tier1`, ..., `all`), with its members' indices.
pub fn milestone_series(plan: &Plan) -> Vec<(String, Vec<usize>)> {
    let alone = (0..plan.milestones.len()).map(|k| (plan.milestones[k].name.clone(), vec![k]));
    let groups = milestone_groups(plan)
        .into_iter()
        .filter(|(_, members)| members.len() > 1);
    alone.chain(groups).collect()
}

/// Every name a gate can take: the milestones, then the groups (`tier1`, ..., `all`).
pub fn milestone_names(plan: &Plan) -> Vec<String> {
    plan.milestones
        .iter()
        .map(|m| m.name.clone())
        .chain(milestone_groups(plan).into_iter().map(|(g, _)| g))
        .collect()
}

/// The times, sorted, at which the milestone or group `name` was reached in each trial.
pub fn named_times(plan: &Plan, times: &MilestoneTimes, name: &str) -> Option<Vec<f64>> {
    let mut out = match plan.milestones.iter().position(|m| m.name == name) {
        Some(k) => times.of(k).collect(),
        None => {
            let (_, members) = milestone_groups(plan)
                .into_iter()
                .find(|(g, _)| g == name)?;
            group_times(times, &members)
        }
    };
    out.sort_by(f64::total_cmp);
    Some(out)
}

/// When the last of `members` is reached in each trial.
pub fn group_times(times: &MilestoneTimes, members: &[usize]) -> Vec<f64> {
    (0..times.trials())
        .map(|i| last_reached(times.trial(i), members))
        .collect()
}

/// When the last of `members` is reached, given one trial's milestone times `t`.
pub fn last_reached(t: &[f64], members: &[usize]) -> f64 {
    members.iter().map(|&k| t[k]).fold(0.0, f64::max)
}

/// Whether every member with an objective met it in trial `i`.
pub fn all_met(plan: &Plan, times: &MilestoneTimes, members: &[usize], i: usize) -> bool {
    every_met(times.trial(i), members, |k| plan.milestones[k].rto_target)
}

/// Whether every member with an objective (`target(k)`, in seconds) met it, given one trial's
/// milestone times `t`.
pub fn every_met(t: &[f64], members: &[usize], target: impl Fn(usize) -> Option<f64>) -> bool {
    members
        .iter()
        .all(|&k| target(k).is_none_or(|target| t[k] <= target))
}

/// The milestones part of a run's report: from the run's milestone times and the counts and
/// rank sums its accumulators hold per milestone (see [`crate::sim::Accum`]), and the
/// deterministic schedule `det`.
pub fn milestones_report(
    plan: &Plan,
    model: &Model,
    run: &RunResult,
    det: &TrialState,
) -> MilestonesReport {
    let (times, acc) = (&run.milestones, &run.accum);
    let n = times.trials();
    if plan.milestones.is_empty() || n == 0 {
        return MilestonesReport::default();
    }
    let steps = model.len();
    let trials = n as f64;
    let id = |c: usize| plan.steps[model.steps[c].plan_index as usize].id.clone();
    let each: Vec<MilestoneStats> = plan
        .milestones
        .iter()
        .enumerate()
        .map(|(k, m)| {
            let sample = RtoSample::new(times.of(k).collect()).expect("trials were run");
            let (reached, intervals, target) = rto_figures(&sample, m.rto_target);
            let (det_at, det_by) = model.milestones.reached(k, |s| det.finish[s]);
            let needed = model.milestones.steps(k).len();
            let mut critical_steps: Vec<MilestoneStep> = acc
                .milestone_critical
                .get(k * steps..(k + 1) * steps)
                .unwrap_or_default()
                .iter()
                .enumerate()
                .filter(|&(_, &c)| c > 0)
                .map(|(s, &c)| MilestoneStep {
                    id: id(s),
                    criticality: c as f64 / trials,
                })
                .collect();
            critical_steps.sort_by(|a, b| b.criticality.total_cmp(&a.criticality));
            let mut crucial_steps: Vec<MilestoneCrucialStep> = if needed == 0 {
                Vec::new()
            } else {
                (0..steps)
                    .map(|s| MilestoneCrucialStep {
                        id: id(s),
                        cruciality: acc.milestone_cruciality(k, s),
                    })
                    .filter(|s| s.cruciality.is_finite())
                    .collect()
            };
            crucial_steps.sort_by(|a, b| b.cruciality.abs().total_cmp(&a.cruciality.abs()));
            MilestoneStats {
                name: m.name.clone(),
                tier: m.tier,
                steps_needed: needed,
                note: (needed == 0)
                    .then(|| "every step it needs survives the scenario: reached at 0".to_string()),
                reached_seconds: reached,
                reached_interval_seconds: intervals,
                deterministic_seconds: det_at,
                completed_by: (det_by != NONE).then(|| id(det_by as usize)),
                target,
                critical_steps,
                crucial_steps,
                costs: Vec::new(),
            }
        })
        .collect();
    let joint = milestone_groups(plan)
        .into_iter()
        .map(|(group, members)| {
            let sample = RtoSample::new(group_times(times, &members)).expect("trials were run");
            let (reached, intervals, _) = rto_figures(&sample, None);
            let with_targets = members
                .iter()
                .any(|&k| plan.milestones[k].rto_target.is_some());
            let met = with_targets.then(|| {
                let hits = (0..n)
                    .filter(|&i| all_met(plan, times, &members, i))
                    .count();
                proportion(hits as u64, n as u64)
            });
            let product = with_targets.then(|| {
                members
                    .iter()
                    .filter_map(|&k| each[k].target.as_ref().map(|t| t.probability_met))
                    .product()
            });
            JointStats {
                group,
                milestones: members
                    .iter()
                    .map(|&k| plan.milestones[k].name.clone())
                    .collect(),
                reached_seconds: reached,
                reached_interval_seconds: intervals,
                probability_all_met: met.map(|e| e.value),
                probability_interval: met.map(Into::into),
                product_of_marginals: product,
            }
        })
        .collect();
    MilestonesReport { each, joint }
}
