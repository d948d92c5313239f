//! Chaos in the compiled model: risk events, shared factors, mobilisation, shifts and
//! hand-offs, and the per-trial draws they make.
//!
//! Every random quantity has its own stream, keyed by a tag and the name of what it belongs to
//! (see [`stream_id`]), and is drawn at the start of each trial whether or not it ends up used,
//! so adding or removing a risk, a factor or a team's mobilisation never changes any other
//! draw: the cost of a risk is the change in the RTO when it is removed, with common random
//! numbers. Risks and factors fold into a per-step multiplier and addition; mobilisation,
//! shifts and hand-offs concern teams, so only the event-driven dispatcher reads them.

use rand::RngExt;
use rand_xoshiro::SplitMix64;

use super::model::{CStep, NONE};
use super::sampler::{Sampler, StepTiming};
use crate::dist::Dist;
use crate::plan::chaos::name_hash;
use crate::plan::{Handover, Plan, RiskEffect, Rota, Starts, WorkHours};

/// Stream tag of a step's durations (above the 32-bit key of its id).
pub const TAG_STEP: u64 = 0;
/// Stream tag of a risk (fires?, delay, restart point).
pub const TAG_RISK: u64 = 1;
/// Stream tag of a factor.
pub const TAG_FACTOR: u64 = 2;
/// Stream tag of a team's mobilisation.
pub const TAG_MOBILISE: u64 = 3;
/// Stream tag of a fallback step's durations.
pub const TAG_FALLBACK: u64 = 5;
/// Stream tag of the hour the disaster strikes.
pub const TAG_STARTS: u64 = 6;
/// Bit set on a step's stream id to key its hand-off delay. Tags above stay below 8, so
/// step tags with this bit or [`RELIEF_BIT`] set (8 and up) never meet a chaos tag, and every
/// id stays below 2^40, which [`super::sampler::stream_offset`] needs to keep streams apart.
const HANDOFF_BIT: u64 = 1 << 35;
/// Bit set on a step's stream id to key the hand-over times of its reliefs.
pub const RELIEF_BIT: u64 = 1 << 36;

/// The id of a random stream: `tag` in bits 32 to 39 above a 32-bit key. Steps use the key of
/// their id ([`super::model::step_stream_keys`]) under [`TAG_STEP`] (a fallback step under
/// [`TAG_FALLBACK`]), so no chaos stream ever coincides with a step's.
pub fn stream_id(tag: u64, key: u64) -> u64 {
    (tag << 32) | (key & 0xffff_ffff)
}

/// A compiled risk.
#[derive(Debug, Clone, PartialEq)]
pub struct CRisk {
    /// Its stream id.
    pub stream: u64,
    /// Probability per trial.
    pub p: f64,
    /// Delay added to each hit step when it fires.
    pub delay: Option<Dist>,
    /// Whether the hit steps restart.
    pub restart: bool,
    /// Compiled index of its fallback step, or [`NONE`].
    pub fallback: u32,
    /// Compiled indices of the hit steps the scenario needs.
    pub hits: Vec<u32>,
    /// Recovery point lost when it fires, in seconds (0 when the plan names none).
    pub data_loss: f64,
    /// Whether it fired, when a log of the recovery in progress shows it (see
    /// [`super::Model::condition`]); `None` draws it.
    pub settled: Option<bool>,
}

/// A compiled factor.
#[derive(Debug, Clone, PartialEq)]
pub struct CFactor {
    /// Its stream id.
    pub stream: u64,
    /// The multiplier.
    pub dist: Dist,
    /// Compiled indices of the steps it applies to.
    pub steps: Vec<u32>,
}

/// The chaos of a compiled model.
#[derive(Debug, Clone)]
pub struct ChaosModel {
    /// Risks.
    pub risks: Vec<CRisk>,
    /// Factors.
    pub factors: Vec<CFactor>,
    /// Per team: mobilisation time and its stream.
    pub mobilise: Vec<Option<(Dist, u64)>>,
    /// Per team: its rota, when its groups cannot work around the clock.
    pub rotas: Vec<Option<CRota>>,
    /// Per team: working hours and the groups on call outside them, when the team keeps
    /// hours and the scenario says when the disaster strikes.
    pub hours: Vec<Option<(WorkHours, u32)>>,
    /// When in the week the disaster strikes, if the scenario says.
    pub starts: Option<Starts>,
    /// Per team: whether its groups are followed one by one (a rota or working hours), not
    /// counted.
    pub by_group: Vec<bool>,
    /// The hand-off delay.
    pub handoff: Option<Dist>,
    /// Per team: when a log of the recovery in progress shows it at work, so mobilised
    /// (empty without a log; see [`super::Model::condition`]).
    pub mobilised_by: Vec<f64>,
}

/// A team's rota, compiled.
#[derive(Debug, Clone)]
pub struct CRota {
    /// Seconds on duty.
    pub shift: f64,
    /// Seconds off.
    pub rest: f64,
    /// Whether another group takes over work in progress at the end of a shift.
    pub relief: bool,
    /// Whether the groups take turns (group k offset by k x period / groups).
    pub staggered: bool,
    /// Time to hand work over to a relieving group.
    pub handover_time: Option<Dist>,
}

impl CRota {
    /// Shift plus rest.
    pub fn period(&self) -> f64 {
        self.shift + self.rest
    }
}

impl ChaosModel {
    /// Whether a trial's draws of risks, factors, mobilisation and hand-offs
    /// ([`ChaosDraws::draw_shared`]) are the same under this chaos as under `other`, for the
    /// same steps: what two staffings of one plan share (only their groups' draws differ).
    pub fn shares_draws_with(&self, other: &ChaosModel) -> bool {
        self.risks == other.risks
            && self.factors == other.factors
            && self.mobilise == other.mobilise
            && self.mobilised_by == other.mobilised_by
            && self.handoff == other.handoff
    }

    /// The chaos of `plan` for the compiled steps; `compiled_of[plan index]` is the compiled
    /// index or [`NONE`]. `None` when the plan has no chaos.
    pub fn compile(plan: &Plan, compiled_of: &[u32], starts: Option<Starts>) -> Option<ChaosModel> {
        if !plan.has_chaos() {
            return None;
        }
        let kept = |list: &[usize]| -> Vec<u32> {
            list.iter()
                .map(|&s| compiled_of[s])
                .filter(|&c| c != NONE)
                .collect()
        };
        let risks = plan
            .risks
            .iter()
            .map(|r| CRisk {
                stream: stream_id(TAG_RISK, name_hash(&r.name)),
                p: r.p,
                delay: match &r.effect {
                    RiskEffect::Delay(d) => Some(d.clone()),
                    _ => None,
                },
                restart: matches!(r.effect, RiskEffect::Restart),
                fallback: match r.effect {
                    RiskEffect::Fallback { step } => compiled_of[step],
                    _ => NONE,
                },
                hits: kept(&r.hits),
                data_loss: r.data_loss.unwrap_or(0.0),
                settled: None,
            })
            .collect();
        let factors = plan
            .factors
            .iter()
            .map(|f| CFactor {
                stream: stream_id(TAG_FACTOR, name_hash(&f.name)),
                dist: f.multiplier.clone(),
                steps: kept(&f.steps),
            })
            .collect();
        Some(ChaosModel {
            risks,
            factors,
            mobilise: plan
                .teams
                .iter()
                .map(|t| {
                    t.mobilise
                        .clone()
                        .map(|d| (d, stream_id(TAG_MOBILISE, name_hash(&t.name))))
                })
                .collect(),
            rotas: plan
                .teams
                .iter()
                .map(|t| {
                    t.shift.map(|s| CRota {
                        shift: s.shift,
                        rest: s.rest,
                        relief: s.handover == Handover::Relief,
                        staggered: s.rota == Rota::Staggered && t.groups > 1,
                        handover_time: t.handover_time.clone(),
                    })
                })
                .collect(),
            hours: plan
                .teams
                .iter()
                .map(|t| {
                    t.hours
                        .clone()
                        .filter(|_| starts.is_some())
                        .map(|h| (h, t.on_call_groups()))
                })
                .collect(),
            starts,
            by_group: plan
                .teams
                .iter()
                .map(|t| t.shift.is_some() || (t.hours.is_some() && starts.is_some()))
                .collect(),
            handoff: plan.handoff.clone(),
            mobilised_by: Vec::new(),
        })
    }
}

/// The chaos drawn for one trial.
#[derive(Debug, Clone, Default)]
pub struct ChaosDraws {
    /// Per step: multiplier of its time (0 for a fallback whose risk did not fire).
    pub mul: Vec<f64>,
    /// Per step: time added.
    pub add: Vec<f64>,
    /// Per step: whether it happens at all (fallbacks only happen when their risk fires).
    pub active: Vec<bool>,
    /// Per team: when its first group can start.
    pub team_ready: Vec<f64>,
    /// Per step: hand-off delay after a dependency done by another team.
    pub handoff: Vec<f64>,
    /// Per risk: whether it fired.
    pub fired: Vec<bool>,
    /// The second of the week the disaster strikes (0 when the scenario does not say).
    pub start_second: f64,
    /// Per group of every team (see [`super::Model::group_start`]): when it joins the
    /// recovery, and when its first shift begins.
    pub group_join: Vec<f64>,
    /// Per group: the start of its rota: it is on duty from `base + k (shift + rest)` for
    /// `shift`, once it has joined.
    pub group_base: Vec<f64>,
}

impl ChaosDraws {
    /// Draws the chaos of one trial for `steps` (the compiled steps); `stream(id)` gives the
    /// trial's stream `id`, or `None` to use mean values and let no risk fire.
    pub fn draw(
        &mut self,
        chaos: &ChaosModel,
        steps: &[CStep],
        team_groups: &[u32],
        stream: &dyn Fn(u64) -> Option<SplitMix64>,
    ) {
        self.draw_shared(chaos, steps, stream);
        self.draw_groups(chaos, team_groups, stream);
    }

    /// The draws of [`ChaosDraws::draw_shared`] from `shared`, and this model's own of its
    /// groups: [`ChaosDraws::draw`] for a model whose chaos
    /// [shares draws](ChaosModel::shares_draws_with) with the one `shared` was drawn for.
    pub fn draw_sharing(
        &mut self,
        shared: &ChaosDraws,
        chaos: &ChaosModel,
        team_groups: &[u32],
        stream: &dyn Fn(u64) -> Option<SplitMix64>,
    ) {
        self.mul.clone_from(&shared.mul);
        self.add.clone_from(&shared.add);
        self.active.clone_from(&shared.active);
        self.fired.clone_from(&shared.fired);
        self.team_ready.clone_from(&shared.team_ready);
        self.handoff.clone_from(&shared.handoff);
        self.draw_groups(chaos, team_groups, stream);
    }

    /// The draws that do not depend on how a team is staffed: factors, risks, each team's
    /// mobilisation and each step's hand-off delay.
    pub fn draw_shared(
        &mut self,
        chaos: &ChaosModel,
        steps: &[CStep],
        stream: &dyn Fn(u64) -> Option<SplitMix64>,
    ) {
        let n = steps.len();
        self.mul.clear();
        self.mul.resize(n, 1.0);
        self.add.clear();
        self.add.resize(n, 0.0);
        self.active.clear();
        self.active.resize(n, true);
        self.fired.clear();
        for f in &chaos.factors {
            let m = match stream(f.stream) {
                Some(mut rng) => f.dist.sample_value(&mut rng),
                None => f.dist.mean(),
            };
            for &s in &f.steps {
                self.mul[s as usize] *= m;
            }
        }
        for r in &chaos.risks {
            // Always three draws, in this order, whether or not the risk fires.
            let (fired, delay, point) = match stream(r.stream) {
                Some(mut rng) => {
                    let u: f64 = rng.random();
                    let delay = r.delay.as_ref().map_or(0.0, |d| d.sample_value(&mut rng));
                    let point: f64 = rng.random();
                    (u < r.p, delay, point)
                }
                None => (false, 0.0, 0.0),
            };
            let fired = r.settled.unwrap_or(fired);
            self.fired.push(fired);
            if r.fallback != NONE && !fired {
                self.active[r.fallback as usize] = false;
                self.mul[r.fallback as usize] = 0.0;
            }
            if !fired {
                continue;
            }
            for &s in &r.hits {
                let s = s as usize;
                self.add[s] += delay;
                if r.restart {
                    self.mul[s] *= 1.0 + point;
                }
            }
        }
        self.team_ready.clear();
        self.team_ready
            .extend(chaos.mobilise.iter().map(|m| match m {
                Some((d, id)) => match stream(*id) {
                    Some(mut rng) => d.sample_value(&mut rng),
                    None => d.mean(),
                },
                None => 0.0,
            }));
        // A team seen at work in the log had mobilised by then.
        for (ready, &by) in self.team_ready.iter_mut().zip(&chaos.mobilised_by) {
            *ready = ready.min(by);
        }
        self.handoff.clear();
        if let Some(h) = &chaos.handoff {
            self.handoff
                .extend(steps.iter().map(|s| match stream(s.stream | HANDOFF_BIT) {
                    Some(mut rng) => h.sample_value(&mut rng),
                    None => h.mean(),
                }));
        } else {
            self.handoff.resize(n, 0.0);
        }
    }

    /// When the disaster strikes and when each group joins and starts its rota.
    fn draw_groups(
        &mut self,
        chaos: &ChaosModel,
        team_groups: &[u32],
        stream: &dyn Fn(u64) -> Option<SplitMix64>,
    ) {
        self.start_second = match chaos.starts {
            Some(starts) => {
                let u = match stream(stream_id(TAG_STARTS, 0)) {
                    Some(mut rng) => rng.random::<f64>(),
                    None => 0.5,
                };
                starts.second(u)
            }
            None => 0.0,
        };
        self.group_join.clear();
        self.group_base.clear();
        for (t, &groups) in team_groups.iter().enumerate() {
            let ready = self.team_ready[t];
            // Out of hours only the on-call groups answer; the others are reached when working
            // hours next begin, and then need their mobilisation time.
            let late = match &chaos.hours[t] {
                Some((hours, on_call)) if !hours.contains(self.start_second) => {
                    Some((hours.until_next_start(self.start_second), *on_call))
                }
                _ => None,
            };
            for k in 0..groups {
                let join = match late {
                    Some((wait, on_call)) if k >= on_call => wait + ready,
                    _ => ready,
                };
                let base = match &chaos.rotas[t] {
                    // A staggered group keeps its turn: joining late, it works the rest of
                    // its current shift, if any, then follows its rota.
                    Some(rota) if rota.staggered => {
                        ready + f64::from(k) * rota.period() / f64::from(groups)
                    }
                    _ => join,
                };
                self.group_join.push(join);
                self.group_base.push(base);
            }
        }
    }

    /// A step's timing with its multiplier and addition applied: the time is scaled and the
    /// delay added to the final attempt, worked by the step's groups.
    #[inline]
    pub fn apply(&self, s: usize, t: StepTiming, has_team: bool) -> StepTiming {
        let (m, a) = (self.mul[s], self.add[s]);
        StepTiming {
            lead: t.lead * m,
            length: t.length * m + a,
            hands: if has_team { t.hands * m + a } else { 0.0 },
            ..t
        }
    }
}

/// The second of the week trial `trial` under `seed` starts at, for a plan whose disaster
/// strikes at `starts`: the draw the trial itself makes.
pub fn trial_start_second(starts: Starts, seed: u64, trial: u64) -> f64 {
    let mut rng = super::sampler::RandomSampler::new(seed, trial)
        .stream(stream_id(TAG_STARTS, 0))
        .expect("a random sampler has streams");
    starts.second(rng.random::<f64>())
}

/// When `work` seconds of attended time that start at `start` end, for a team on a rota of
/// `shift` on and `rest` off from `base`: the work stops during rest.
pub fn shift_end(start: f64, work: f64, base: f64, shift: f64, rest: f64) -> f64 {
    let period = shift + rest;
    // On-duty time elapsed from `base` up to a point, and its inverse.
    let duty = |x: f64| {
        let x = (x - base).max(0.0);
        let k = (x / period).floor();
        k * shift + (x - k * period).min(shift)
    };
    let target = duty(start) + work;
    if target <= 0.0 {
        return start.max(base);
    }
    let k = (target / shift).ceil() - 1.0;
    let end = base + k * period + (target - k * shift);
    end.max(start)
}

#[cfg(test)]
mod tests {
    use super::shift_end;

    const H: f64 = 3600.0;

    #[test]
    fn thirty_hours_on_twelve_hour_shifts_end_at_54h() {
        assert_eq!(shift_end(0.0, 30.0 * H, 0.0, 12.0 * H, 12.0 * H), 54.0 * H);
    }

    #[test]
    fn work_ending_at_a_shift_end_does_not_spill() {
        assert_eq!(shift_end(0.0, 24.0 * H, 0.0, 12.0 * H, 12.0 * H), 36.0 * H);
        assert_eq!(
            shift_end(2.0 * H, 4.0 * H, 0.0, 12.0 * H, 12.0 * H),
            6.0 * H
        );
    }

    #[test]
    fn starting_during_rest_waits_for_the_next_shift() {
        assert_eq!(
            shift_end(14.0 * H, 1.0 * H, 0.0, 12.0 * H, 12.0 * H),
            25.0 * H
        );
        assert_eq!(
            shift_end(0.0, 1.0 * H, 3.0 * H, 12.0 * H, 12.0 * H),
            4.0 * H
        );
    }
}
