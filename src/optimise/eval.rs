//! Scoring a candidate order: the strict dispatcher of the engine on the same trials for every
//! candidate (common random numbers), so `--policy priority` with the order written by
//! `optimise -o` reproduces exactly what the search scored.
//!
//! For a plan that is a classic resource-constrained project (fixed durations, no retries, no
//! chaos, no cross-training, groups held for the whole step) the scorer also justifies each
//! order: the forward-backward improvement of Tormos & Lova (2001), also called double
//! justification (Valls, Ballestín & Quintanilla, "Justification and RCPSP: a technique that
//! pays", EJOR 165, 2005). The schedule is scheduled again backwards (the reversed project,
//! steps in order of decreasing finish), then forwards again (steps in order of the backward
//! schedule's mirrored starts). Each pass is strict list scheduling on an order sorted by the
//! previous schedule's times, which never starts a step later than that schedule did, so the
//! makespan never grows.

use rayon::prelude::*;

use super::objective::{Measure, Statistic};
use crate::dist::Dist;
use crate::sim::{Model, NONE, RandomSampler, TrialState, attempt_time};

/// How candidates are scored: the model, the trials and the figure.
#[derive(Debug, Clone)]
pub struct Scorer {
    /// The scenario's model (its ranks are replaced per candidate).
    pub model: Model,
    /// The reversed project, when the plan can be justified.
    pub reversed: Option<Model>,
    /// What to make best; candidates are scored by its cost (smaller is better).
    pub measure: Measure,
    /// The seed of the search's trials.
    pub seed: u64,
    /// Trials per candidate (1 when every duration is fixed).
    pub trials: u64,
    /// Whether candidates are dispatched strictly in list order (see
    /// [`crate::sim::Model::strict`]) rather than as lft and playbook are.
    pub strict: bool,
    /// Whether only non-delay schedules are searched (never strict, never justified): a free
    /// group always starts a ready step that fits.
    pub non_delay: bool,
}

/// One worker's buffers: its own copies of the models, whose ranks it sets.
#[derive(Debug, Clone)]
pub struct Worker {
    model: Model,
    reversed: Option<Model>,
    state: TrialState,
    back: Option<TrialState>,
    values: Vec<f64>,
    reached: Vec<f64>,
}

/// A scored candidate: the order (perhaps justified), its cost and the schedules it cost.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// Compiled step indices in dispatch order.
    pub order: Vec<u32>,
    /// The objective over the search's trials as a cost, smaller is better
    /// ([`Statistic::cost`]: `p(meet)` negated).
    pub score: f64,
    /// Schedules generated to score it (3 with justification).
    pub evaluations: u64,
}

impl Scorer {
    /// A scorer of `model` (compiled for the scenario) on `trials` trials of `seed`. A plan
    /// that can be justified is scored strictly, unless `non_delay`; for the others
    /// [`Scorer::strict`] is for the search to choose, and stays false when `non_delay`.
    pub fn new(model: &Model, measure: Measure, seed: u64, trials: u64, non_delay: bool) -> Scorer {
        let fixed = is_fixed(model);
        let justify = fixed && justifiable(model) && !non_delay;
        Scorer {
            model: model.clone(),
            reversed: justify.then(|| reversed(model)),
            measure,
            seed,
            trials: if fixed { 1 } else { trials },
            strict: justify,
            non_delay,
        }
    }

    /// Whether the scorer justifies every order (and so must dispatch strictly).
    pub fn justifies(&self) -> bool {
        self.reversed.is_some()
    }

    /// Whether every duration is fixed, so that one trial is the whole distribution.
    pub fn is_fixed(&self) -> bool {
        is_fixed(&self.model)
    }

    /// Fresh buffers for one thread.
    pub fn worker(&self) -> Worker {
        Worker {
            state: TrialState::new(&self.model),
            back: self.reversed.as_ref().map(TrialState::new),
            model: self.model.clone(),
            reversed: self.reversed.clone(),
            values: vec![0.0; self.trials as usize],
            reached: self.measure.buffer(&self.model),
        }
    }

    /// Scores `order` with `worker`'s buffers, justifying it when the plan allows.
    pub fn score(&self, worker: &mut Worker, order: Vec<u32>) -> Scored {
        let score = self.run(worker, &order);
        let (Some(reversed), Some(back)) = (worker.reversed.as_mut(), worker.back.as_mut()) else {
            return Scored {
                order,
                score,
                evaluations: 1,
            };
        };
        // Backward: the reversed project, latest finish first.
        let finish = worker.state.finish.clone();
        let mut backward = order.clone();
        backward.reverse();
        backward.sort_by(|&a, &b| finish[b as usize].total_cmp(&finish[a as usize]));
        reversed.set_order(backward, true);
        back.run(reversed, &mut RandomSampler::new(self.seed, 0));
        // Forward: the backward schedule mirrored, earliest start first.
        let back_finish = back.finish.clone();
        let mut forward = reversed.by_rank.clone();
        forward.reverse();
        forward.sort_by(|&a, &b| back_finish[b as usize].total_cmp(&back_finish[a as usize]));
        let justified = self.run(worker, &forward);
        if justified < score {
            Scored {
                order: forward,
                score: justified,
                evaluations: 3,
            }
        } else {
            Scored {
                order,
                score,
                evaluations: 3,
            }
        }
    }

    /// The cost of `order` over the search's trials, leaving the last trial's schedule in the
    /// worker's state.
    fn run(&self, worker: &mut Worker, order: &[u32]) -> f64 {
        worker.model.set_order(order.to_vec(), self.strict);
        for (i, value) in worker.values.iter_mut().enumerate() {
            *value = self.measure.trial(
                &worker.model,
                &mut worker.state,
                self.seed,
                i as u64,
                &mut worker.reached,
            );
        }
        self.measure.cost(&mut worker.values)
    }

    /// Scores many candidates on both cores; the result is in input order whatever the
    /// thread count.
    pub fn score_all(&self, orders: Vec<Vec<u32>>) -> Vec<Scored> {
        orders
            .into_par_iter()
            .map_init(|| self.worker(), |w, order| self.score(w, order))
            .collect()
    }

    /// A cost no order can beat, when one is known: for `p(meet)` every trial meeting it;
    /// with fixed durations, for the whole recovery [`Scorer::lower_bound`], for milestones
    /// the longest path to the last step they need.
    pub fn cost_bound(&self) -> Option<f64> {
        let m = &self.model;
        match (&self.measure.members, self.measure.statistic) {
            (_, Statistic::Meet) => Some(Statistic::Meet.cost(1.0)),
            (None, _) => self.lower_bound(),
            (Some(members), _) => is_fixed(m).then(|| {
                let (_, finish) = path_finish(m);
                members
                    .iter()
                    .flat_map(|&k| m.milestones.steps(k))
                    .map(|&s| finish[s as usize])
                    .fold(0.0, f64::max)
            }),
        }
    }

    /// A lower bound on the makespan when every duration is fixed: the longest path, and for
    /// each limit and team the work it must carry over its capacity.
    pub fn lower_bound(&self) -> Option<f64> {
        let m = &self.model;
        if !is_fixed(m) {
            return None;
        }
        let n = m.len();
        let (length, finish) = path_finish(m);
        let mut bound = finish.iter().copied().fold(0.0, f64::max);
        if m.chaos.is_none() && !m.has_alternatives() && justifiable(m) {
            let mut limit_work = vec![0.0; m.limit_capacity.len()];
            let mut team_work = vec![0.0; m.team_groups.len()];
            for s in 0..n {
                for (l, a) in m.uses(s) {
                    limit_work[l as usize] += length[s] * f64::from(a);
                }
                if m.steps[s].team != NONE {
                    team_work[m.steps[s].team as usize] += length[s] * f64::from(m.steps[s].crew);
                }
            }
            for (w, &c) in limit_work.iter().zip(&m.limit_capacity) {
                bound = bound.max(w / f64::from(c.max(1)));
            }
            for (w, &g) in team_work.iter().zip(&m.team_groups) {
                bound = bound.max(w / f64::from(g.max(1)));
            }
        }
        Some(bound)
    }
}

/// Each step's fixed length and its earliest finish along the dependencies alone (no groups,
/// no limits), for a model whose durations are fixed.
fn path_finish(m: &Model) -> (Vec<f64>, Vec<f64>) {
    let n = m.len();
    let length: Vec<f64> = (0..n)
        .map(|s| attempt_time(&m.steps[s], m.steps[s].dist.mean()).0)
        .collect();
    let mut finish = vec![0.0_f64; n];
    for s in 0..n {
        let start = m
            .preds(s)
            .iter()
            .map(|&p| finish[p as usize])
            .fold(0.0, f64::max);
        finish[s] = start + length[s];
    }
    (length, finish)
}

/// Whether every step of `model` takes a fixed time with no failures and no chaos.
fn is_fixed(model: &Model) -> bool {
    model.chaos.is_none()
        && model
            .steps
            .iter()
            .chain(&model.alt_steps)
            .all(|s| matches!(s.dist, Dist::Fixed(_)) && !s.has_retries())
}

/// Whether a fixed-duration model is a classic project whose reversal is also one: no
/// cross-training, and groups held for the whole step.
fn justifiable(model: &Model) -> bool {
    !model.unconstrained
        && !model.has_alternatives()
        && model
            .steps
            .iter()
            .all(|s| s.team == NONE || s.hands_on >= s.dist.mean())
}

/// The project with every dependency turned round.
fn reversed(model: &Model) -> Model {
    let mut r = model.clone();
    std::mem::swap(&mut r.pred_start, &mut r.succ_start);
    std::mem::swap(&mut r.pred, &mut r.succ);
    r
}

/// An order of `model`'s steps that puts every step after those it waits for: repeatedly the
/// eligible step that `key` ranks first, ties by `tie`. A key that already ranks every step
/// after those it waits for (latest finish times do) comes out as sorted.
pub fn feasible_order(
    model: &Model,
    key: impl Fn(usize) -> f64,
    tie: impl Fn(usize) -> f64,
) -> Vec<u32> {
    let n = model.len();
    let mut remaining: Vec<u32> = (0..n).map(|s| model.preds(s).len() as u32).collect();
    let mut eligible: Vec<u32> = (0..n as u32)
        .filter(|&s| remaining[s as usize] == 0)
        .collect();
    let mut order = Vec::with_capacity(n);
    while !eligible.is_empty() {
        let (at, _) = eligible
            .iter()
            .enumerate()
            .min_by(|&(_, &a), &(_, &b)| {
                let (a, b) = (a as usize, b as usize);
                key(a)
                    .total_cmp(&key(b))
                    .then(tie(a).total_cmp(&tie(b)))
                    .then(a.cmp(&b))
            })
            .expect("not empty");
        let s = eligible.swap_remove(at);
        order.push(s);
        for &q in model.succs(s as usize) {
            remaining[q as usize] -= 1;
            if remaining[q as usize] == 0 {
                eligible.push(q);
            }
        }
    }
    order
}
