//! Several trials of an unconstrained plan at once, side by side.
//!
//! Without teams, limits or chaos every step starts when its last dependency finishes, so the
//! schedule of [`LANES`] trials follows the same steps in the same order: one pass over the plan
//! reads each step's dependencies and parameters once for all of them, takes the latest
//! dependency in every lane with the same few vector instructions, and hands the statistics a
//! row of [`LANES`] adjacent values per step. Each lane draws from its own trial's streams and
//! does the same arithmetic as [`super::TrialState::run`] (whose `step_draw` it unrolls), so its
//! results are the same to the bit.

use super::model::{Model, NONE};
use super::sampler::{Sampler, step_draw};
use super::trial::{keep_later, max_no_nan};

/// Trials run side by side.
pub const LANES: usize = 4;

/// What a batch leaves of one step for the statistics, lane by lane.
#[derive(Debug, Clone, Copy)]
pub struct StepLanes {
    /// When the step finished.
    pub finish: [f64; LANES],
    /// Its cruciality key (see [`super::StepTiming::key`]).
    pub key: [f64; LANES],
    /// Its failed attempts.
    pub failures: [u32; LANES],
}

/// Per-thread buffers for batches of trials, reused so a batch allocates nothing.
#[derive(Debug, Clone)]
pub struct TrialBatch {
    /// Each step's finish time, lane by lane.
    pub(super) finish: Vec<[f64; LANES]>,
    /// The step whose finish let each step start, lane by lane.
    pub(super) enabler: Vec<[u32; LANES]>,
    /// The RTO of each lane's trial.
    pub rto: [f64; LANES],
    /// The step that finished last in each lane (the first of them on a tie), or [`NONE`].
    pub last: [u32; LANES],
}

impl TrialBatch {
    /// Buffers sized for `model`.
    pub fn new(model: &Model) -> TrialBatch {
        TrialBatch {
            finish: vec![[0.0; LANES]; model.len()],
            enabler: vec![[NONE; LANES]; model.len()],
            rto: [0.0; LANES],
            last: [NONE; LANES],
        }
    }

    /// Runs one trial per lane, drawing lane `l`'s durations from `samplers[l]`, and calls
    /// `observe(s, results)` once for each step as it finishes. `model` must be unconstrained
    /// and without chaos.
    #[inline]
    pub fn run<S: Sampler>(
        &mut self,
        model: &Model,
        samplers: &mut [S; LANES],
        mut observe: impl FnMut(usize, &StepLanes),
    ) {
        debug_assert!(model.unconstrained && model.chaos.is_none());
        let mut rto = [0.0_f64; LANES];
        let mut last = [if model.is_empty() { NONE } else { 0 }; LANES];
        for s in 0..model.len() {
            // As in the single-trial pass: ties go to the first dependency.
            let (mut latest, mut enabler) = ([f64::NEG_INFINITY; LANES], [NONE; LANES]);
            for &p in model.preds(s) {
                let f = self.finish[p as usize];
                for l in 0..LANES {
                    keep_later(&mut latest[l], &mut enabler[l], f[l], p);
                }
            }
            self.enabler[s] = enabler;
            let mut step = StepLanes {
                finish: [0.0; LANES],
                key: [0.0; LANES],
                failures: [0; LANES],
            };
            let mut lane = |l: usize, (length, key, failures): (f64, f64, u32)| {
                step.finish[l] = max_no_nan(0.0, latest[l]) + length;
                step.key[l] = key;
                step.failures[l] = failures;
            };
            // `step_draw` for each lane, with a plain lognormal step's packed copy looked up
            // once for all four (which makes the batch about 10% faster).
            match &model.plain[s] {
                Some(plain) => {
                    for (l, sampler) in samplers.iter_mut().enumerate() {
                        match sampler.plain_lognormal(plain) {
                            Some((length, z)) => lane(l, (length, z, 0)),
                            None => lane(l, step_draw(model, s, sampler)),
                        }
                    }
                }
                None => {
                    for (l, sampler) in samplers.iter_mut().enumerate() {
                        lane(l, step_draw(model, s, sampler));
                    }
                }
            }
            self.finish[s] = step.finish;
            observe(s, &step);
            for l in 0..LANES {
                keep_later(&mut rto[l], &mut last[l], step.finish[l], s as u32);
            }
        }
        self.rto = rto;
        self.last = last;
    }

    /// Every lane's critical chain, as [`super::TrialState::critical_chain`] gives it for each
    /// trial, the lanes walked together so that their lookups overlap.
    pub fn critical_chains(&self, mut visit: impl FnMut(usize)) {
        let mut at = self.last;
        while at.iter().any(|&a| a != NONE) {
            for (l, a) in at.iter_mut().enumerate() {
                if *a != NONE {
                    visit(*a as usize);
                    *a = self.enabler[*a as usize][l];
                }
            }
        }
    }
}
