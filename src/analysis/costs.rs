//! What-if runs: what removing a piece of chaos, or making a step always fast, changes in the
//! RTO, measured on the same draws as the base run (common random numbers) with intervals from
//! the paired differences.
//!
//! A what-if run needs each trial's RTO and nothing else, so it runs the engine for outcomes
//! alone (the what-ifs of a run side by side, [`sim::run_outcomes_shared`]), on as few of the
//! base run's first trials as keep the P90 interval within [`cost_tolerance`]
//! ([`sized_whatifs`]). Trial `i` of a what-if run draws what trial `i` of the base run drew,
//! except for what was removed.

use crate::dist::Dist;
use crate::plan::{ChaosItem, Plan, Scenario};
use crate::report::{
    ChaosStats, Cost, DRIVER_STEPS, Driver, FactorStats, MilestoneCost, P90Driver, RecoveryPoint,
    RiskStats,
};
use crate::sim::{self, MilestoneTimes, Model, Outcome, Policy, RunConfig};
use crate::stats::paired::{mean_difference, quantile_difference};
use crate::stats::sorted;

/// Trials a what-if run starts with (eight blocks of the engine's): on the bundled plan enough
/// for every cost's P90 interval to be within [`cost_tolerance`], so one run each.
pub const WHATIF_TRIALS: u64 = 2_048;

/// How wide a cost's P90 interval may be (half-width, seconds) before its what-if run is
/// repeated on more trials: 2 minutes or 2% of the P90, whichever is larger.
pub fn cost_tolerance(p90: f64) -> f64 {
    (0.02 * p90).max(120.0)
}

/// The cost of what `without` lacks compared with the base run (`base`, every trial's
/// outcome in trial order), with intervals from the paired differences.
pub fn paired_cost(
    base: &[Outcome],
    without: &Plan,
    scenario: &Scenario,
    policy: Policy,
    config: &RunConfig,
) -> Result<Cost, rayon::ThreadPoolBuildError> {
    Ok(paired_costs(base, None, without, scenario, policy, config)?.0)
}

/// [`paired_cost`], and with `base_times` (the base run's milestone times) what `without`
/// lacks costs each milestone, on the same trials of the same what-if run. How many trials is
/// decided by the whole recovery's P90 interval, as for [`paired_cost`].
pub fn paired_costs(
    base: &[Outcome],
    base_times: Option<&MilestoneTimes>,
    without: &Plan,
    scenario: &Scenario,
    policy: Policy,
    config: &RunConfig,
) -> Result<(Cost, Vec<Cost>), rayon::ThreadPoolBuildError> {
    let model = Model::compile(without, scenario, policy);
    let mut costs = whatif_costs(base, base_times, &[model], config)?;
    Ok(costs.pop().expect("one what-if, one cost"))
}

/// [`paired_costs`] of each of `models` (compiled what-ifs of the base run's plan), run side by
/// side ([`sized_whatifs`]): the same costs as one at a time.
fn whatif_costs(
    base: &[Outcome],
    base_times: Option<&MilestoneTimes>,
    models: &[Model],
    config: &RunConfig,
) -> Result<Vec<(Cost, Vec<Cost>)>, rayon::ThreadPoolBuildError> {
    let base_rtos: Vec<f64> = base.iter().map(|o| o.rto).collect();
    let milestones = base_times.filter(|t| t.count > 0);
    let judge = |_: usize, trials: u64, outcomes: Vec<Outcome>, times: MilestoneTimes| {
        let other: Vec<f64> = outcomes.iter().map(|o| o.rto).collect();
        let compared = &base_rtos[..trials as usize];
        let compared_sorted = sorted(compared);
        let cost = cost_between(compared, &compared_sorted, &other);
        let p90 = crate::stats::percentile(&compared_sorted, 0.9);
        let i = cost.cost_p90_interval_seconds;
        let needed = trials_for_tolerance(trials, (i.high - i.low) / 2.0, p90);
        // Milestone costs only once the trial count is settled.
        let finish = move || {
            let per_milestone = milestones.map_or_else(Vec::new, |b| {
                (0..b.count)
                    .map(|k| {
                        let base_k: Vec<f64> = b.of(k).take(trials as usize).collect();
                        let other_k: Vec<f64> = times.of(k).collect();
                        cost_between(&base_k, &sorted(&base_k), &other_k)
                    })
                    .collect()
            });
            (cost, per_milestone)
        };
        (finish, needed)
    };
    let finished = sized_whatifs(base.len() as u64, models, config, judge)?;
    Ok(finished.into_iter().map(|finish| finish()).collect())
}

/// The trials a what-if of a base run of `all` trials runs on next after a run on `trials` that
/// says it needs `needed`: `None` when that run is its answer (it had enough, or all of them),
/// else at least twice as many, in whole blocks of the engine's, up to all.
fn more_trials(all: u64, trials: u64, needed: u64) -> Option<u64> {
    if trials == all || needed <= trials {
        return None;
    }
    let blocks = needed.max(2 * trials).div_ceil(sim::BLOCK as u64);
    Some((blocks * sim::BLOCK as u64).min(all))
}

/// Runs each of `models`, what-ifs of a base run of `all` trials, on as many of the base run's
/// first trials as it needs: first on [`WHATIF_TRIALS`], then on more ([`more_trials`]) while
/// `judge(index, trials, outcomes, milestone times)` says (its second value) it needs more than
/// it had. Trial `i` of every attempt is the base run's trial `i`, so each answer depends only
/// on the base run and the what-if. The what-ifs that run on the same number of trials in a
/// round run side by side ([`sim::run_outcomes_shared`]), so each trial's draws are made once
/// for all of them; each one's runs, and so its answer, are those it would have alone.
pub(crate) fn sized_whatifs<T>(
    all: u64,
    models: &[Model],
    config: &RunConfig,
    mut judge: impl FnMut(usize, u64, Vec<Outcome>, MilestoneTimes) -> (T, u64),
) -> Result<Vec<T>, rayon::ThreadPoolBuildError> {
    let mut trials = vec![WHATIF_TRIALS.min(all); models.len()];
    let mut answers: Vec<Option<T>> = models.iter().map(|_| None).collect();
    loop {
        let open = |i: &usize| answers[*i].is_none();
        let Some(round) = (0..models.len()).filter(open).map(|i| trials[i]).min() else {
            break;
        };
        let group: Vec<usize> = (0..models.len())
            .filter(|i| open(i) && trials[*i] == round)
            .collect();
        let together: Vec<&Model> = group.iter().map(|&i| &models[i]).collect();
        let run = RunConfig {
            trials: round,
            ..*config
        };
        let runs = sim::run_outcomes_shared(&together, &run, &|_| {})?;
        for (&i, (outcomes, times)) in group.iter().zip(runs) {
            let (value, needed) = judge(i, round, outcomes, times);
            match more_trials(all, round, needed) {
                None => answers[i] = Some(value),
                Some(more) => trials[i] = more,
            }
        }
    }
    Ok(answers
        .into_iter()
        .map(|a| a.expect("every what-if is answered"))
        .collect())
}

/// The trials a what-if needs for its P90 interval, `half_width` wide each side on `trials`
/// trials, to be within [`cost_tolerance`] of the base's `p90`: widths shrink as one over the
/// square root of the trials; a fifth more for safety.
pub(crate) fn trials_for_tolerance(trials: u64, half_width: f64, p90: f64) -> u64 {
    let over = half_width / cost_tolerance(p90);
    if over.is_nan() || over <= 1.0 {
        trials
    } else {
        (trials as f64 * over * over * 1.2).ceil() as u64
    }
}

/// The cost between two paired runs' RTOs (`sorted_base` is `base` ascending): base minus
/// without, trial by trial.
fn cost_between(base: &[f64], sorted_base: &[f64], without: &[f64]) -> Cost {
    let (sb, sw) = (sorted_base, &sorted(without));
    let p50 = quantile_difference(base, without, sb, sw, 0.5);
    let p90 = quantile_difference(base, without, sb, sw, 0.9);
    let mean = mean_difference(base, without);
    Cost {
        cost_p50_seconds: p50.value,
        cost_p90_seconds: p90.value,
        cost_mean_seconds: mean.value,
        cost_p50_interval_seconds: p50.into(),
        cost_p90_interval_seconds: p90.into(),
        cost_mean_interval_seconds: mean.into(),
        trials: base.len() as u64,
    }
}

/// Every chaos cost of `plan`, each from one what-if run without it. `fired` holds the trials
/// in which each risk fired, counted by the base run.
pub fn chaos_costs(
    plan: &Plan,
    scenario: &Scenario,
    policy: Policy,
    config: &RunConfig,
    base: &[Outcome],
    fired: &[u64],
) -> Result<ChaosStats, rayon::ThreadPoolBuildError> {
    let empty = MilestoneTimes::default();
    Ok(chaos_costs_with_milestones(plan, scenario, policy, config, base, &empty, fired)?.0)
}

/// [`chaos_costs`], and what each item costs each milestone (`base_times`: the base run's
/// milestone times), from the same what-if runs: per milestone, every item in report order.
pub fn chaos_costs_with_milestones(
    plan: &Plan,
    scenario: &Scenario,
    policy: Policy,
    config: &RunConfig,
    base: &[Outcome],
    base_times: &MilestoneTimes,
    fired: &[u64],
) -> Result<(ChaosStats, Vec<Vec<MilestoneCost>>), rayon::ThreadPoolBuildError> {
    let mut stats = ChaosStats::default();
    let mut per_milestone: Vec<Vec<MilestoneCost>> = vec![Vec::new(); base_times.count];
    let trials = base.len().max(1) as f64;
    let items = ChaosItem::all(plan);
    let models: Vec<Model> = items
        .iter()
        .map(|item| Model::compile(&plan.without(item), scenario, policy))
        .collect();
    let costs = whatif_costs(base, Some(base_times), &models, config)?;
    for (item, (cost, costs)) in items.into_iter().zip(costs) {
        for (list, cost) in per_milestone.iter_mut().zip(costs) {
            list.push(MilestoneCost {
                item: item.label(),
                cost,
            });
        }
        match &item {
            ChaosItem::Risk(name) => {
                let k = plan
                    .risks
                    .iter()
                    .position(|r| &r.name == name)
                    .expect("items name the plan's risks");
                stats.risks.push(RiskStats {
                    name: name.clone(),
                    fired: fired.get(k).copied().unwrap_or(0) as f64 / trials,
                    cost,
                    data_loss_seconds: plan.risks[k].data_loss,
                });
            }
            ChaosItem::Factor(name) => stats.factors.push(FactorStats {
                name: name.clone(),
                cost,
            }),
            ChaosItem::Mobilisation => stats.mobilisation = Some(cost),
            ChaosItem::Shifts => stats.shifts = Some(cost),
            ChaosItem::Hours => stats.hours = Some(cost),
            ChaosItem::Handoff => stats.handoff = Some(cost),
        }
    }
    Ok((stats, per_milestone))
}

/// Ranks the [`DRIVER_STEPS`] most critical steps (by `criticality`, compiled order) and every
/// chaos cost already in `chaos` together by the time they add at P90, largest first. A step's
/// figure is what the P90 would save if it always took its fast case (the 5th percentile of its
/// duration) with no failed attempts.
pub fn p90_drivers(
    plan: &Plan,
    scenario: &Scenario,
    policy: Policy,
    config: &RunConfig,
    base: &[Outcome],
    critical: &[(String, f64)],
    chaos: &ChaosStats,
) -> Result<Vec<P90Driver>, rayon::ThreadPoolBuildError> {
    let mut out = Vec::new();
    let mut steps: Vec<&(String, f64)> = critical.iter().collect();
    steps.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut ids = Vec::new();
    let mut models = Vec::new();
    for (id, _) in steps.into_iter().take(DRIVER_STEPS) {
        let Some(i) = plan.steps.iter().position(|s| &s.id == id) else {
            continue;
        };
        let mut fast = plan.clone();
        // Its fast case: the 5th percentile (a lognormal's minimum, 0, would flatter it).
        fast.steps[i].duration = Dist::Fixed(plan.steps[i].duration.quantile(0.05));
        fast.steps[i].retry = None;
        ids.push(id);
        models.push(Model::compile(&fast, scenario, policy));
    }
    let costs = whatif_costs(base, None, &models, config)?;
    for (id, (cost, _)) in ids.into_iter().zip(costs) {
        out.push(P90Driver {
            driver: Driver::Step(id.clone()),
            p90_seconds: cost.cost_p90_seconds,
            p90_interval_seconds: cost.cost_p90_interval_seconds,
        });
    }
    for (item, cost) in chaos.costs() {
        out.push(P90Driver {
            driver: Driver::Chaos(item.clone()),
            p90_seconds: cost.cost_p90_seconds,
            p90_interval_seconds: cost.cost_p90_interval_seconds,
        });
    }
    out.sort_by(|a, b| b.p90_seconds.total_cmp(&a.p90_seconds));
    Ok(out)
}

/// The recovery point consequence from the base run's count of which risk set each trial's
/// data loss (see [`crate::sim::Accum::data_loss_set_by`]); `None` when no risk names a
/// `data-loss`.
pub fn recovery_point(plan: &Plan, set_by: &[u64]) -> Option<RecoveryPoint> {
    if !plan.risks.iter().any(|r| r.data_loss.is_some()) || set_by.len() != plan.risks.len() + 1 {
        return None;
    }
    let total: u64 = set_by.iter().sum();
    if total == 0 {
        return None;
    }
    let none = set_by[plan.risks.len()];
    let any = crate::stats::proportion(total - none, total);
    // The distinct losses, smallest first, with their trials.
    let mut losses: Vec<(f64, u64)> = vec![(0.0, none)];
    for (r, risk) in plan.risks.iter().enumerate() {
        if set_by[r] > 0 {
            losses.push((risk.data_loss.unwrap_or(0.0), set_by[r]));
        }
    }
    losses.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut cumulative = 0;
    let mut p90 = 0.0;
    for &(loss, n) in &losses {
        cumulative += n;
        if cumulative as f64 >= 0.9 * total as f64 {
            p90 = loss;
            break;
        }
    }
    let max = losses
        .iter()
        .filter(|l| l.1 > 0)
        .map(|l| l.0)
        .fold(0.0, f64::max);
    Some(RecoveryPoint {
        any_loss: any.value,
        any_loss_interval: any.into(),
        p90_seconds: p90,
        p90_set_by: plan
            .risks
            .iter()
            .enumerate()
            .filter(|(r, risk)| p90 > 0.0 && set_by[*r] > 0 && risk.data_loss == Some(p90))
            .map(|(_, risk)| risk.name.clone())
            .collect(),
        max_seconds: max,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_what_if_within_tolerance_runs_once_and_a_wide_one_on_what_its_width_says() {
        // 2% of a 10 h P90 is 12 minutes: a half-width of 6 minutes needs nothing more, one of
        // 24 minutes (twice the tolerance) four times the trials and a fifth.
        let p90 = 36_000.0;
        assert_eq!(trials_for_tolerance(2_048, 360.0, p90), 2_048);
        assert_eq!(trials_for_tolerance(2_048, 1_440.0, p90), 9_831);
        // Below 100 minutes of P90 the floor is 2 minutes.
        assert_eq!(trials_for_tolerance(2_048, 120.0, 600.0), 2_048);
        assert_eq!(trials_for_tolerance(2_048, f64::NAN, p90), 2_048);

        // The trial counts a what-if runs on, given what each run says it needs.
        let asked = |all: u64, need: &dyn Fn(u64) -> u64| {
            let mut asked = vec![WHATIF_TRIALS.min(all)];
            while let Some(more) =
                more_trials(all, asked[asked.len() - 1], need(*asked.last().unwrap()))
            {
                asked.push(more);
            }
            asked
        };
        // Needs 9,831 the first time, then is content: rounded up to whole blocks of the
        // engine's.
        let content = |t: u64| if t < 9_831 { 9_831 } else { t };
        assert_eq!(asked(100_000, &content), [WHATIF_TRIALS, 9_984]);
        // Never more than the base run had; a small need still doubles.
        assert_eq!(asked(5_000, &|t| t + 1), [WHATIF_TRIALS, 4_096, 5_000]);
        // A base run smaller than the first what-if: one run on all of it.
        assert_eq!(asked(1_000, &|t| t + 1), [1_000]);
    }
}
