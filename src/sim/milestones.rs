//! Milestones in the engine: the steps each needs, compiled, and when each is reached in a
//! trial.
//!
//! A milestone is reached when the last step it needs finishes, so its time in a trial is read
//! from the finish times the trial already holds: no work in the dispatcher, a few loads per
//! milestone after each trial. Needs the scenario does not lose are met at time 0.

use super::model::NONE;
use super::trial::keep_later;
use crate::plan::Plan;

/// The plan's milestones for one scenario: each one's needed steps, as compiled indices, in CSR
/// form.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Milestones {
    /// Offsets into `steps` (length milestones + 1).
    start: Vec<u32>,
    /// Needed steps the scenario runs (compiled indices, ascending).
    steps: Vec<u32>,
    /// Each milestone's objective in seconds, if set.
    pub targets: Vec<Option<f64>>,
    /// The whole recovery's objective, if set.
    pub whole_target: Option<f64>,
}

impl Milestones {
    /// The milestones of `plan`, with `compiled_of` mapping plan steps to compiled indices
    /// ([`NONE`] for steps the scenario does not run).
    pub fn compile(plan: &Plan, compiled_of: &[u32]) -> Milestones {
        let mut start = vec![0u32];
        let mut steps = Vec::new();
        for m in &plan.milestones {
            let mut mine: Vec<u32> = m
                .needs
                .iter()
                .map(|&s| compiled_of[s])
                .filter(|&c| c != NONE)
                .collect();
            mine.sort_unstable();
            steps.extend(mine);
            start.push(steps.len() as u32);
        }
        Milestones {
            start,
            steps,
            targets: plan.milestones.iter().map(|m| m.rto_target).collect(),
            whole_target: plan.rto_target,
        }
    }

    /// Each step's deadline: the tightest objective among the milestones it needs to be done
    /// for and the whole recovery's (infinite when none applies).
    pub fn step_deadlines(&self, steps: usize) -> Vec<f64> {
        let mut deadline = vec![self.whole_target.unwrap_or(f64::INFINITY); steps];
        for (k, target) in self.targets.iter().enumerate() {
            if let Some(t) = *target {
                for &s in self.steps(k) {
                    let d = &mut deadline[s as usize];
                    *d = d.min(t);
                }
            }
        }
        deadline
    }

    /// Number of milestones.
    pub fn len(&self) -> usize {
        self.start.len().saturating_sub(1)
    }

    /// Whether the plan has none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The steps milestone `k` needs that the scenario runs (empty: every need survives).
    #[inline]
    pub fn steps(&self, k: usize) -> &[u32] {
        &self.steps[self.start[k] as usize..self.start[k + 1] as usize]
    }

    /// When milestone `k` is reached, given each step's finish time, and the step that
    /// completes it (the first of them on a tie), or [`NONE`] when every need survives (reached
    /// at 0).
    #[inline]
    pub fn reached(&self, k: usize, finish: impl Fn(usize) -> f64) -> (f64, u32) {
        let (mut at, mut by) = (0.0_f64, NONE);
        let mut best = f64::NEG_INFINITY;
        for &s in self.steps(k) {
            keep_later(&mut best, &mut by, finish(s as usize), s);
        }
        if by != NONE {
            at = best.max(0.0);
        }
        (at, by)
    }

    /// When each milestone is reached, given each step's finish time, into `out` (one per
    /// milestone).
    pub fn reached_all(&self, finish: &[f64], out: &mut [f64]) {
        for (k, at) in out.iter_mut().enumerate() {
            *at = self.reached(k, |s| finish[s]).0;
        }
    }
}

/// Every trial's milestone times, trial by trial: trial `i`, milestone `k` at `i * count + k`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MilestoneTimes {
    /// Milestones per trial.
    pub count: usize,
    /// The times in seconds.
    pub times: Vec<f64>,
}

impl MilestoneTimes {
    /// Room for `trials` trials of `count` milestones.
    pub fn new(count: usize, trials: usize) -> MilestoneTimes {
        MilestoneTimes {
            count,
            times: vec![0.0; count * trials],
        }
    }

    /// Milestone `k`'s time in every trial, in trial order.
    pub fn of(&self, k: usize) -> impl Iterator<Item = f64> + '_ {
        self.times
            .iter()
            .skip(k)
            .step_by(self.count.max(1))
            .copied()
    }

    /// Trial `i`'s milestone times.
    pub fn trial(&self, i: usize) -> &[f64] {
        &self.times[i * self.count..(i + 1) * self.count]
    }

    /// Number of trials held.
    pub fn trials(&self) -> usize {
        self.times.len().checked_div(self.count).unwrap_or(0)
    }
}
