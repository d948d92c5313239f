//! What one more group of each team would save, on the same draws as the base run: the
//! measure behind "the bottleneck" in the summary and the management report's staffing
//! section.
//!
//! For each team that a step of the scenario can use, the plan is run again with one more
//! group of that team on as few of the base run's first trials as keep the P90 saving's
//! interval within [`super::cost_tolerance`] ([`sized_whatifs`], the teams side by side), as
//! for chaos costs, and on [`UNDECIDED_TRIALS`] when that is not enough to call the saving
//! material or negligible: trial `i` of the what-if run draws what trial `i` of the base run
//! drew, so the difference is the extra group's alone. The savings at P50 and P90 and the change in
//! P(meet) carry 95% intervals from the paired trials ([`Saving`]).

use super::costs::{sized_whatifs, trials_for_tolerance};
use crate::plan::{Plan, Scenario};
use crate::sim::{Model, Outcome, RunConfig};
use crate::stats::paired::Saving;
use crate::stats::sorted;

/// Trials a what-if of one more group runs on when its first run cannot tell whether the
/// saving is material or negligible: the summary's "bottleneck" and "no longer help" rest on
/// that verdict, so a close call gets five times the trials before it is called too close.
pub const UNDECIDED_TRIALS: u64 = 10_240;

/// Per team of `plan` (in plan order): what one more group saves, or `None` for a team no
/// step of the compiled `model` can use (one more of its groups changes nothing).
pub fn one_more_group(
    plan: &Plan,
    scenario: &Scenario,
    model: &Model,
    config: &RunConfig,
    base: &[Outcome],
) -> Result<Vec<Option<Saving>>, rayon::ThreadPoolBuildError> {
    let all = base.len() as u64;
    let base_rtos: Vec<f64> = base.iter().map(|o| o.rto).collect();
    let used = |t: usize| {
        model
            .steps
            .iter()
            .chain(&model.alt_steps)
            .any(|s| s.team == t as u32)
    };
    let teams: Vec<usize> = (0..plan.teams.len())
        .filter(|&t| used(t) && all > 0)
        .collect();
    let models: Vec<Model> = teams
        .iter()
        .map(|&t| {
            let mut more = plan.clone();
            more.teams[t].groups += 1;
            Model::compile(&more, scenario, model.policy)
        })
        .collect();
    let savings = sized_whatifs(all, &models, config, |_, trials, outcomes, _| {
        let rtos: Vec<f64> = outcomes.iter().map(|o| o.rto).collect();
        let compared = &base_rtos[..trials as usize];
        let saving = Saving::of(compared, &rtos, plan.rto_target, None);
        let i = saving.p90_seconds;
        let p90 = crate::stats::percentile(&sorted(compared), 0.9);
        let mut needed = trials_for_tolerance(trials, (i.high - i.low) / 2.0, p90);
        if !saving.material && !saving.negligible {
            needed = needed.max(UNDECIDED_TRIALS);
        }
        (saving, needed)
    })?;
    let mut out = vec![None; plan.teams.len()];
    for (t, saving) in teams.into_iter().zip(savings) {
        out[t] = Some(saving);
    }
    Ok(out)
}
