//! Where a trial's randomness comes from: one SplitMix64 stream per step, keyed by
//! `(seed, trial, step)`, so two runs that differ only in staffing, policy or scenario give each
//! step the same durations (common random numbers), whatever order steps start in; and the mean
//! timings of the deterministic schedule.

use rand::{Rng, RngExt, SeedableRng};
use rand_xoshiro::SplitMix64;

use super::model::{CStep, Model, PlainLogNormal, attempt_time};
use crate::dist::lognormal_scored;

/// SplitMix64's increment (the golden ratio in 64-bit fixed point).
const GOLDEN_GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

/// One step of SplitMix64 from state `z`: a bijective mix used to derive independent keys.
#[inline]
pub fn splitmix(z: u64) -> u64 {
    SplitMix64::seed_from_u64(z).next_u64()
}

/// The key of trial `trial` under `seed`, from which every stream of the trial derives.
#[inline]
pub fn trial_key(seed: u64, trial: u64) -> u64 {
    splitmix(splitmix(seed) ^ trial)
}

/// How one step went in one trial: its failed attempts and its final, successful one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepTiming {
    /// Total time of the failed attempts before the final one.
    pub lead: f64,
    /// Length of the final attempt.
    pub length: f64,
    /// Time the groups are needed in the final attempt.
    pub hands: f64,
    /// What cruciality correlates with the RTO: for a step without retries the draw's
    /// population rank (for a lognormal its normal score, see [`crate::dist::Dist::sample_scored`]),
    /// else the step's total time (ranked later, within its block of trials).
    pub key: f64,
    /// Failed attempts.
    pub failures: u32,
}

/// A source of step timings.
pub trait Sampler {
    /// The timing of `step` in the current trial.
    fn time(&mut self, step: &CStep) -> StepTiming;

    /// The length and normal score of a plain lognormal step's draw: the same as
    /// [`Sampler::time`] of the step gives as `length` and `key`, from the packed copy alone.
    /// `None` sends the caller to [`Sampler::time`].
    #[inline(always)]
    fn plain_lognormal(&mut self, step: &PlainLogNormal) -> Option<(f64, f64)> {
        let _ = step;
        None
    }

    /// The trial's random stream `id` for chaos draws (risks, factors, mobilisation,
    /// hand-offs), or `None` for samplers that use mean values and let no risk fire.
    fn stream(&self, id: u64) -> Option<SplitMix64> {
        let _ = id;
        None
    }
}

/// Random timings for one trial, from per-step streams.
#[derive(Debug, Clone, Copy)]
pub struct RandomSampler {
    key: u64,
}

impl RandomSampler {
    /// The sampler of trial `trial` under `seed`.
    pub fn new(seed: u64, trial: u64) -> RandomSampler {
        RandomSampler {
            key: trial_key(seed, trial),
        }
    }
}

impl Sampler for RandomSampler {
    fn stream(&self, id: u64) -> Option<SplitMix64> {
        Some(stream_of(self.key, id))
    }

    #[inline(always)]
    fn plain_lognormal(&mut self, step: &PlainLogNormal) -> Option<(f64, f64)> {
        let mut rng = SplitMix64::seed_from_u64(self.key.wrapping_add(step.stream_offset));
        let draw = lognormal_scored(step.mu, step.sigma, &mut rng);
        Some((draw.value, draw.rank))
    }

    #[inline]
    fn time(&mut self, step: &CStep) -> StepTiming {
        // The step's stream is its own segment of the trial's SplitMix64 sequence: SplitMix64
        // steps its state by a constant, so segment `i` starts `i * 2^24` draws in, which costs a
        // multiply and an add. A step never needs 2^24 draws.
        let mut rng = stream_of(self.key, step.stream);
        if !step.has_retries() {
            let draw = step.dist.sample_scored(&mut rng);
            let (length, hands) = attempt_time(step, draw.value);
            return StepTiming {
                lead: 0.0,
                length,
                hands,
                key: draw.rank,
                failures: 0,
            };
        }
        let mut lead = 0.0;
        let mut failures = 0;
        loop {
            let draw = step.dist.sample_scored(&mut rng);
            let (length, hands) = attempt_time(step, draw.value);
            // A failed attempt lasts a uniform fraction of its drawn length; after `max`
            // failures the next attempt succeeds.
            if failures < step.fail_max && rng.random::<f64>() < step.fail_p {
                lead += length * rng.random::<f64>();
                failures += 1;
                continue;
            }
            return StepTiming {
                lead,
                length,
                hands,
                key: lead + length,
                failures,
            };
        }
    }
}

/// Stream `id` of the trial with key `key`: its own segment of the trial's SplitMix64 sequence.
#[inline]
fn stream_of(key: u64, id: u64) -> SplitMix64 {
    SplitMix64::seed_from_u64(key.wrapping_add(stream_offset(id)))
}

/// Where stream `id` starts in a trial's SplitMix64 sequence, relative to the trial's key.
#[inline]
pub fn stream_offset(id: u64) -> u64 {
    (id << 24).wrapping_mul(GOLDEN_GAMMA)
}

/// Mean durations and no failures: the plan as a spreadsheet would schedule it.
#[derive(Debug, Clone, Copy, Default)]
pub struct MeanSampler;

impl Sampler for MeanSampler {
    fn time(&mut self, step: &CStep) -> StepTiming {
        fixed_timing(step, step.dist.mean())
    }
}

/// Every step at its median time, no failures and no risk: a day that goes to plan. Unlike
/// means, medians are times a step takes as often as not, so a crew can follow this schedule.
#[derive(Debug, Clone, Copy, Default)]
pub struct MedianSampler;

impl Sampler for MedianSampler {
    fn time(&mut self, step: &CStep) -> StepTiming {
        fixed_timing(step, step.dist.quantile(0.5))
    }
}

/// One attempt of `step` drawn as `value`, without failures: what the fixed samplers give.
fn fixed_timing(step: &CStep, value: f64) -> StepTiming {
    let (length, hands) = attempt_time(step, value);
    StepTiming {
        lead: 0.0,
        length,
        hands,
        key: 0.5,
        failures: 0,
    }
}

/// Step `s`'s total time over its attempts in the trial `sampler` draws, its cruciality key and
/// its failed attempts: from the packed copy when the step is a plain lognormal draw.
#[inline(always)]
pub(super) fn step_draw<S: Sampler>(model: &Model, s: usize, sampler: &mut S) -> (f64, f64, u32) {
    let plain = model.plain[s]
        .as_ref()
        .and_then(|plain| sampler.plain_lognormal(plain));
    match plain {
        Some((length, z)) => (length, z, 0),
        None => {
            let t = sampler.time(&model.steps[s]);
            (t.lead + t.length, t.key, t.failures)
        }
    }
}
