//! Several models of one plan on the same trials, each trial's draws made once for all of them.
//!
//! A staffing sweep runs one copy of the plan per option, and each option's trial `i` draws
//! exactly what every other option's trial `i` draws (common random numbers): each step's
//! timing and each risk, factor, mobilisation and hand-off come from their own streams of
//! `(seed, i)`, whoever does the step and whenever it starts. Run one option after another,
//! every option makes those draws again; run side by side, trial by trial, the first model to
//! need a step's timing draws it and the others read it back, and the chaos that does not
//! depend on staffing is drawn once per trial. Only what a model draws differently is drawn
//! again: a step whose timing differs (its group size scales it), a cross-trained copy done by
//! another team, and each model's own groups (rotas, hours). Every model's trial `i` is trial
//! `i` of [`super::run_outcomes`] of that model alone, draw for draw.

use rand_xoshiro::SplitMix64;

use super::chaos::ChaosDraws;
use super::milestones::MilestoneTimes;
use super::model::{CStep, Model, NONE, PlainLogNormal};
use super::runner::{BLOCK, Outcome, RunConfig, on_threads, outcome_of};
use super::sampler::{RandomSampler, Sampler, StepTiming};
use super::trial::TrialState;

/// What each model of [`run_outcomes_shared`] shares with the first.
struct Sharing {
    /// Per compiled step: whether the step is drawn as the first model's step of the same
    /// index is ([`CStep::draws_like`]).
    steps: Vec<bool>,
    /// Whether the model's chaos takes the first model's staffing-free draws.
    chaos: bool,
}

impl Sharing {
    fn of(model: &Model, first: &Model) -> Sharing {
        let steps: Vec<bool> = (0..model.len())
            .map(|s| {
                first
                    .steps
                    .get(s)
                    .is_some_and(|f| f.draws_like(&model.steps[s]))
            })
            .collect();
        let chaos = match (&model.chaos, &first.chaos) {
            // The hand-off delays are drawn per step from the step's stream.
            (Some(c), Some(f)) => {
                model.len() == first.len()
                    && model
                        .steps
                        .iter()
                        .zip(&first.steps)
                        .all(|(a, b)| a.stream == b.stream)
                    && c.shares_draws_with(f)
            }
            _ => false,
        };
        Sharing { steps, chaos }
    }
}

/// The draws of the current trial that the models share: each step's timing once drawn, by
/// compiled index of the first model.
struct TrialDraws {
    timing: Vec<Option<StepTiming>>,
    /// The first model's staffing-free chaos draws of the trial.
    chaos: ChaosDraws,
}

/// A model's sampler for one trial: reads a step's timing from the trial's shared draws when
/// its step draws like the first model's, and otherwise draws it.
struct SharingSampler<'a> {
    inner: RandomSampler,
    draws: &'a mut [Option<StepTiming>],
    /// The model's compiled steps, and which draw like the first model's.
    steps: &'a [CStep],
    same: &'a [bool],
    /// The first model's compiled index of each plan step.
    compiled_of: &'a [u32],
}

impl Sampler for SharingSampler<'_> {
    #[inline]
    fn time(&mut self, step: &CStep) -> StepTiming {
        let s = self
            .compiled_of
            .get(step.plan_index as usize)
            .map_or(usize::MAX, |&c| c as usize);
        // The step itself, not a copy on another team (which draws from the same stream
        // but may take longer).
        let shared = s < self.steps.len() && self.same[s] && std::ptr::eq(step, &self.steps[s]);
        if !shared {
            return self.inner.time(step);
        }
        *self.draws[s].get_or_insert_with(|| self.inner.time(step))
    }

    #[inline(always)]
    fn plain_lognormal(&mut self, step: &PlainLogNormal) -> Option<(f64, f64)> {
        self.inner.plain_lognormal(step)
    }

    fn stream(&self, id: u64) -> Option<SplitMix64> {
        self.inner.stream(id)
    }
}

/// Runs `config.trials` trials of each of `models`, copies of one plan under one scenario that
/// differ in staffing (any that differ otherwise only share less), side by side: returns each
/// model's outcomes and milestone times, equal to those [`super::run_outcomes_with_milestones`]
/// gives for the model alone. `progress` is called with the trials finished, across models.
pub fn run_outcomes_shared(
    models: &[&Model],
    config: &RunConfig,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<(Vec<Outcome>, MilestoneTimes)>, rayon::ThreadPoolBuildError> {
    // As many models at a time as keep a thread's trial states within about
    // SIDE_BY_SIDE_STEPS steps; the next few then draw again.
    let at_once = (SIDE_BY_SIDE_STEPS / models.first().map_or(1, |m| m.len().max(1))).max(1);
    let mut runs = Vec::with_capacity(models.len());
    for chunk in models.chunks(at_once) {
        runs.extend(run_together(chunk, config, progress)?);
    }
    Ok(runs)
}

/// About how many steps' trial state one thread keeps, summed over the models it runs side by
/// side: some tens of megabytes.
const SIDE_BY_SIDE_STEPS: usize = 1 << 18;

/// [`run_outcomes_shared`] of models few enough to run all together.
fn run_together(
    models: &[&Model],
    config: &RunConfig,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<(Vec<Outcome>, MilestoneTimes)>, rayon::ThreadPoolBuildError> {
    let trials = config.trials as usize;
    let mut runs: Vec<(Vec<Outcome>, MilestoneTimes)> = models
        .iter()
        .map(|m| {
            (
                vec![Outcome::default(); trials],
                MilestoneTimes::new(m.milestones.len(), trials),
            )
        })
        .collect();
    let Some(first) = models.first() else {
        return Ok(runs);
    };
    let sharing: Vec<Sharing> = models.iter().map(|m| Sharing::of(m, first)).collect();
    let first: &Model = first;
    let plan_steps = first
        .steps
        .iter()
        .map(|s| s.plan_index as usize + 1)
        .max()
        .unwrap_or(0);
    let mut compiled_of = vec![NONE; plan_steps];
    for (c, s) in first.steps.iter().enumerate() {
        compiled_of[s.plan_index as usize] = c as u32;
    }
    // Each block of trials, with every model's share of it.
    let blocks = trials.div_ceil(BLOCK);
    let mut per_block: Vec<Vec<(&mut [Outcome], &mut [f64])>> = (0..blocks)
        .map(|_| Vec::with_capacity(models.len()))
        .collect();
    for (model, (outcomes, marks)) in models.iter().zip(&mut runs) {
        let m = model.milestones.len();
        let marks = marks
            .times
            .chunks_mut((BLOCK * m).max(1))
            .chain(std::iter::repeat_with(<&mut [f64]>::default));
        for (b, chunk) in outcomes.chunks_mut(BLOCK).zip(marks).enumerate() {
            per_block[b].push(chunk);
        }
    }
    let make = || {
        (
            models
                .iter()
                .map(|m| TrialState::new(m))
                .collect::<Vec<_>>(),
            TrialDraws {
                timing: vec![None; first.len()],
                chaos: ChaosDraws::default(),
            },
        )
    };
    on_threads(
        config.threads,
        per_block.into_iter().enumerate(),
        make,
        |(states, draws), (block, mut shares)| {
            let base = (block * BLOCK) as u64;
            let len = shares.first().map_or(0, |(o, _)| o.len());
            for i in 0..len {
                let trial = base + i as u64;
                draws.timing.fill(None);
                if let Some(chaos) = &first.chaos {
                    let sampler = RandomSampler::new(config.seed, trial);
                    draws
                        .chaos
                        .draw_shared(chaos, &first.steps, &|id| sampler.stream(id));
                }
                for (((model, state), share), (outcomes, marks)) in models
                    .iter()
                    .zip(states.iter_mut())
                    .zip(&sharing)
                    .zip(shares.iter_mut())
                {
                    let mut sampler = SharingSampler {
                        inner: RandomSampler::new(config.seed, trial),
                        draws: &mut draws.timing,
                        steps: &model.steps,
                        same: &share.steps,
                        compiled_of: &compiled_of,
                    };
                    let shared = share.chaos.then_some(&draws.chaos);
                    outcomes[i] = outcome_of(state, model, &mut sampler, shared);
                    let m = model.milestones.len();
                    for (k, mark) in marks[i * m..(i + 1) * m].iter_mut().enumerate() {
                        *mark = model.milestones.reached(k, |s| state.finish[s]).0;
                    }
                }
            }
            progress((len * models.len()) as u64);
        },
    )?;
    Ok(runs)
}
