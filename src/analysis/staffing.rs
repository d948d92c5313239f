//! What one more group of each team would save, on the same draws as the base run: the
//! measure behind "the bottleneck" in the summary and the management report's staffing
//! section.
//!
//! For each team that a step of the scenario can use, the plan is run again with one more
//! group of that team on the first [`WHATIF_TRIALS`] trials of the base run (every trial when
//! there are fewer): trial `i` of the what-if run draws what trial `i` of the base run drew,
//! so the difference is the extra group's alone. The savings at P50 and P90 and the change in
//! P(meet) carry 95% intervals from the paired trials ([`Saving`]).

use super::costs::WHATIF_TRIALS;
use crate::plan::{Plan, Scenario};
use crate::sim::{self, Model, Outcome, RunConfig};
use crate::stats::paired::Saving;

/// Per team of `plan` (in plan order): what one more group saves, or `None` for a team no
/// step of the compiled `model` can use (one more of its groups changes nothing).
pub fn one_more_group(
    plan: &Plan,
    scenario: &Scenario,
    model: &Model,
    config: &RunConfig,
    base: &[Outcome],
) -> Result<Vec<Option<Saving>>, rayon::ThreadPoolBuildError> {
    let trials = WHATIF_TRIALS.min(base.len() as u64);
    let base_rtos: Vec<f64> = base[..trials as usize].iter().map(|o| o.rto).collect();
    let run = RunConfig { trials, ..*config };
    let used = |t: usize| {
        model
            .steps
            .iter()
            .chain(&model.alt_steps)
            .any(|s| s.team == t as u32)
    };
    (0..plan.teams.len())
        .map(|t| {
            if !used(t) || trials == 0 {
                return Ok(None);
            }
            let mut more = plan.clone();
            more.teams[t].groups += 1;
            let other = Model::compile(&more, scenario, model.policy);
            let rtos: Vec<f64> = sim::run_outcomes(&other, &run, &|_| {})?
                .iter()
                .map(|o| o.rto)
                .collect();
            Ok(Some(Saving::of(&base_rtos, &rtos, plan.rto_target, None)))
        })
        .collect()
}
