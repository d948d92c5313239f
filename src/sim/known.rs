//! What is known of a recovery in progress, for trials conditioned on it (`rtosim track`).
//!
//! A conditioned trial keeps the past: a finished step starts and ends at its logged times; a
//! running step starts at its logged time and lasts its duration drawn on the condition that
//! it exceeds the time it has already run ([`Dist::sample_above`](crate::dist::Dist)); a step not yet
//! started cannot start before the forecast's `now`. Groups busy on running steps stay busy
//! because those steps hold them from their logged start. Risks whose outcome the log shows are
//! settled (see [`Model::condition`]). Times are seconds from the start of the recovery.
//!
//! The hook costs nothing without a log: [`Model::known`] is `None`, and the dispatcher only
//! looks at it where a step becomes ready or starts.

use rand::RngExt;

use super::model::{CStep, Model, NONE, attempt_time};
use super::sampler::{Sampler, StepTiming};

/// How far one step of the plan has got, from the log.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Progress {
    /// Not started yet.
    #[default]
    Waiting,
    /// Started, not finished.
    Running {
        /// When its first attempt started.
        start: f64,
        /// When its current attempt started (after the failed ones).
        attempt_start: f64,
        /// Failed attempts so far.
        failures: u32,
    },
    /// Finished.
    Done {
        /// When its first attempt started.
        start: f64,
        /// When its final, successful attempt started.
        attempt_start: f64,
        /// When it finished.
        finish: f64,
        /// Failed attempts.
        failures: u32,
    },
}

impl Progress {
    /// When the step started, if it has.
    pub fn start(&self) -> Option<f64> {
        match *self {
            Progress::Waiting => None,
            Progress::Running { start, .. } | Progress::Done { start, .. } => Some(start),
        }
    }
}

/// What the log says of each compiled step, and when the forecast is made.
#[derive(Debug, Clone, PartialEq)]
pub struct Known {
    /// The time of the forecast, in seconds from the start of the recovery.
    pub now: f64,
    /// Per compiled step.
    pub progress: Vec<Progress>,
}

impl Known {
    /// The earliest time step `s` may become ready: its logged start if it has started, else
    /// the forecast's `now`.
    #[inline]
    pub fn earliest(&self, s: usize) -> f64 {
        self.progress[s].start().unwrap_or(self.now)
    }

    /// The timing of step `s` (as `step`, the copy the dispatcher chose) started at `at`, when
    /// the log fixes or conditions it; `None` for a step not yet started.
    pub fn timing<S: Sampler>(
        &self,
        s: usize,
        step: &CStep,
        at: f64,
        sampler: &S,
    ) -> Option<StepTiming> {
        let (finish, hands_end, failures) = match self.progress[s] {
            Progress::Waiting => return None,
            Progress::Done {
                attempt_start,
                finish,
                failures,
                ..
            } => (
                finish,
                attempt_start + hands_of(step, finish - attempt_start),
                failures,
            ),
            Progress::Running {
                attempt_start,
                failures,
                ..
            } => self.running(step, attempt_start, failures, sampler),
        };
        let length = (finish - at).max(0.0);
        Some(StepTiming {
            lead: 0.0,
            length,
            hands: if step.team == NONE {
                0.0
            } else {
                (hands_end - at).clamp(0.0, length)
            },
            // Known and conditioned times carry no rank: a constant key has no correlation.
            key: 0.5,
            failures,
        })
    }

    /// A running step's finish and the end of its hands-on work: the current attempt lasts its
    /// duration conditioned on exceeding what it has run; it fails as any attempt may (at a
    /// uniform point of what is left), and later attempts are drawn afresh.
    fn running<S: Sampler>(
        &self,
        step: &CStep,
        attempt_start: f64,
        failures: u32,
        sampler: &S,
    ) -> (f64, f64, u32) {
        let elapsed = (self.now - attempt_start).max(0.0);
        let Some(mut rng) = sampler.stream(step.stream) else {
            // Mean-value samplers: the conditioned median, no failure.
            let d = step.dist.quantile_above(elapsed, 0.5);
            let length = attempt_time(step, d).0.max(elapsed);
            return (
                attempt_start + length,
                attempt_start + hands_of(step, length),
                failures,
            );
        };
        let d = step.dist.sample_above(elapsed, &mut rng).value;
        let mut length = attempt_time(step, d).0.max(elapsed);
        let (mut at, mut failures, mut ran) = (attempt_start, failures, elapsed);
        // An attempt fails at a uniform point of the part of it not yet run.
        while failures < step.fail_max && rng.random::<f64>() < step.fail_p {
            at += ran + (length - ran) * rng.random::<f64>();
            failures += 1;
            length = attempt_time(step, step.dist.sample_value(&mut rng)).0;
            ran = 0.0;
        }
        (at + length, at + hands_of(step, length), failures)
    }
}

/// The hands-on part of an attempt of `length` seconds.
fn hands_of(step: &CStep, length: f64) -> f64 {
    (step.hands_on * step.scale).min(length)
}

impl Model {
    /// Conditions every trial of this model on what is known: `progress` per plan step (in
    /// plan order) and the forecast's time `now`. Shifts and working hours count from the
    /// start of the recovery when the model was compiled with the hour it started
    /// ([`Starts::At`](crate::plan::Starts)).
    ///
    /// Risks with a fallback step are settled when the log shows their outcome: the fallback
    /// started (it fired), or a step it hits finished without it (it did not). A team that
    /// has started work has mobilised by then. Conditioned trials go through the event-driven
    /// dispatcher, whatever the plan's shape.
    pub fn condition(&mut self, progress: &[Progress], now: f64) {
        let compiled: Vec<Progress> = self
            .steps
            .iter()
            .map(|s| {
                progress
                    .get(s.plan_index as usize)
                    .copied()
                    .unwrap_or_default()
            })
            .collect();
        if let Some(chaos) = self.chaos.as_deref_mut() {
            for r in &mut chaos.risks {
                if r.fallback == NONE {
                    continue;
                }
                let fallback_started = compiled[r.fallback as usize] != Progress::Waiting;
                let hit_done = r
                    .hits
                    .iter()
                    .any(|&h| matches!(compiled[h as usize], Progress::Done { .. }));
                r.settled = if fallback_started {
                    Some(true)
                } else if hit_done {
                    Some(false)
                } else {
                    None
                };
            }
            chaos.mobilised_by = vec![f64::INFINITY; self.team_groups.len()];
            for (step, p) in self.steps.iter().zip(&compiled) {
                if let (Some(start), true) = (p.start(), step.team != NONE) {
                    let t = step.team as usize;
                    chaos.mobilised_by[t] = chaos.mobilised_by[t].min(start);
                }
            }
        }
        self.unconstrained = false;
        self.known = Some(Box::new(Known {
            now,
            progress: compiled,
        }));
    }
}
