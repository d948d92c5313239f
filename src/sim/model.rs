//! The compiled model: one scenario of a plan flattened into index-based arrays for the hot loop.
//!
//! Only the steps the scenario needs are kept, renumbered in topological order so the
//! unconstrained forward pass is a single sweep. Dependencies and limit uses are in CSR form
//! (offsets into flat arrays); nothing here is a hash map or a string.

use super::chaos::{ChaosModel, TAG_FALLBACK, TAG_STEP, stream_id};
use super::milestones::Milestones;
use super::sampler::stream_offset;
use crate::dist::Dist;
use crate::plan::chaos::name_hash;
use crate::plan::{Plan, RiskEffect, Scenario, graph};

/// Marks "no team" and "no step" in `u32` fields.
pub const NONE: u32 = u32::MAX;

/// How the dispatcher orders ready steps when groups or limits are short.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Policy {
    /// Latest finish time from a backward pass over mean durations (ties by plan order).
    #[default]
    Lft,
    /// The order steps appear in the plan.
    Playbook,
    /// Latest finish time backwards from the objectives of the milestones each step feeds (the
    /// tightest wins) and the whole recovery's; ties by [`Policy::Lft`], then step id.
    Deadline,
    /// The plan's `priority` list; with `priority-strict = true` followed strictly, a step
    /// starting only once every step listed before it has started (see [`Model::strict`]).
    Priority,
}

impl Policy {
    /// The policy's name as the command line spells it.
    pub fn name(self) -> &'static str {
        match self {
            Policy::Lft => "lft",
            Policy::Playbook => "playbook",
            Policy::Deadline => "deadline",
            Policy::Priority => "priority",
        }
    }

    /// The policy used when none is asked for: [`Policy::Deadline`] when the plan's milestones
    /// have objectives (they are what the order should serve), else [`Policy::Lft`].
    pub fn default_for(plan: &Plan) -> Policy {
        if plan.has_milestone_targets() {
            Policy::Deadline
        } else {
            Policy::Lft
        }
    }
}

/// One step, compiled.
#[derive(Debug, Clone)]
pub struct CStep {
    /// Index of the step in the plan.
    pub plan_index: u32,
    /// Rank of the step's id among the plan's ids (byte order): ties of the `lft` priority go
    /// by id, so the plan's order of steps plays no part in it.
    pub id_rank: u32,
    /// Its random stream, keyed by the step's id (see [`step_stream_keys`]): reordering,
    /// adding or removing steps leaves every other step's draws alone.
    pub stream: u64,
    /// Duration of one attempt at the recorded group size.
    pub dist: Dist,
    /// Failure probability per attempt (0 when the step has no retry).
    pub fail_p: f64,
    /// Most failures before an attempt succeeds.
    pub fail_max: u32,
    /// Team index or [`NONE`].
    pub team: u32,
    /// Groups occupied.
    pub crew: u32,
    /// Hands-on seconds per attempt (infinite: the whole attempt).
    pub hands_on: f64,
    /// Multiplier of the hands-on part for the team's group size.
    pub scale: f64,
}

impl CStep {
    /// Whether an attempt can fail and be re-run.
    pub fn has_retries(&self) -> bool {
        self.fail_p > 0.0 && self.fail_max > 0
    }

    /// Whether a trial draws the same timing for this step as for `other`: the same stream,
    /// duration, retries and hands-on part (what [`super::RandomSampler`] and [`attempt_time`]
    /// read), whichever team or crew does it.
    pub fn draws_like(&self, other: &CStep) -> bool {
        self.plan_index == other.plan_index
            && self.stream == other.stream
            && self.dist == other.dist
            && self.fail_p == other.fail_p
            && self.fail_max == other.fail_max
            && self.hands_on == other.hands_on
            && self.scale == other.scale
            && (self.team == NONE) == (other.team == NONE)
    }
}

/// A step whose attempt is a single lognormal draw: no retries and no team whose group size
/// scales it. The forward pass samples these from this packed copy instead of the whole
/// [`CStep`], so a trial's walk over the steps stays in the first-level cache.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlainLogNormal {
    /// Where the step's random stream ([`CStep::stream`]) starts in a trial's sequence.
    pub stream_offset: u64,
    /// Location of the logarithm.
    pub mu: f64,
    /// Scale of the logarithm.
    pub sigma: f64,
}

impl PlainLogNormal {
    /// The packed copy of `step`, when its attempt is a plain lognormal draw.
    fn of(step: &CStep) -> Option<PlainLogNormal> {
        match step.dist {
            Dist::LogNormal { mu, sigma } if !step.has_retries() && step.team == NONE => {
                Some(PlainLogNormal {
                    stream_offset: stream_offset(step.stream),
                    mu,
                    sigma,
                })
            }
            _ => None,
        }
    }
}

/// A scenario of a plan, ready to simulate.
#[derive(Debug, Clone)]
pub struct Model {
    /// Compiled steps in topological order.
    pub steps: Vec<CStep>,
    /// For each step, its packed copy when it is a plain lognormal draw (kept in step with
    /// `steps` by [`Model::compile`]).
    pub plain: Vec<Option<PlainLogNormal>>,
    /// CSR offsets into `pred` (length steps + 1).
    pub pred_start: Vec<u32>,
    /// Predecessors (compiled indices).
    pub pred: Vec<u32>,
    /// CSR offsets into `succ`.
    pub succ_start: Vec<u32>,
    /// Successors (compiled indices).
    pub succ: Vec<u32>,
    /// CSR offsets into `use_limit` / `use_amount`.
    pub use_start: Vec<u32>,
    /// Limit indices used.
    pub use_limit: Vec<u32>,
    /// Amounts used.
    pub use_amount: Vec<u32>,
    /// Groups per team.
    pub team_groups: Vec<u32>,
    /// Where each team's groups start in per-group arrays (length teams + 1).
    pub group_start: Vec<u32>,
    /// CSR offsets into `alt_steps` (length steps + 1): the other teams that can do each step.
    pub alt_start: Vec<u32>,
    /// Each step's alternatives, as copies of the step on the other team (its scaling and
    /// slowness applied; the same random stream).
    pub alt_steps: Vec<CStep>,
    /// Capacity per limit.
    pub limit_capacity: Vec<u32>,
    /// Dispatch priority rank of each step (0 = first).
    pub rank: Vec<u32>,
    /// Steps by rank: `by_rank[rank[s]] == s`.
    pub by_rank: Vec<u32>,
    /// True when no step needs a team or a limit: the schedule is then the forward pass.
    pub unconstrained: bool,
    /// The priority policy used.
    pub policy: Policy,
    /// Whether steps start strictly in rank order: at each event the dispatcher starts the
    /// next step of the list while it fits, and stops at the first that does not (or is not
    /// ready), so no step overtakes one ranked before it. With fixed durations and only
    /// groups and limits this is the serial schedule-generation scheme without backfilling,
    /// which reaches an optimal schedule for some order (sorting an optimal schedule by start
    /// time gives one); the usual dispatcher builds non-delay schedules, which may miss it.
    pub strict: bool,
    /// Each step's position in the plan's `priority` list, when it has one.
    pub listed: Option<Vec<u32>>,
    /// Whether the plan says to follow its `priority` list strictly.
    pub listed_strict: bool,
    /// Whether runs also collect each step's start times (for run sheets); off by default
    /// because it doubles the per-step bookkeeping in the hot loop.
    pub record_starts: bool,
    /// Risks, factors, mobilisation, shifts and hand-offs, when the plan has any.
    pub chaos: Option<Box<ChaosModel>>,
    /// What is known of a recovery in progress, when trials are conditioned on a log (see
    /// [`Model::condition`]); `None` for `simulate`.
    pub known: Option<Box<super::known::Known>>,
    /// The plan's milestones: the steps each needs.
    pub milestones: Milestones,
}

impl Model {
    /// Compiles the steps a scenario needs.
    pub fn compile(plan: &Plan, scenario: &Scenario, policy: Policy) -> Model {
        let needed = plan.needed_steps(scenario);
        // The compiled order is a topological order whose ties go by step id, not by plan
        // position, so a plan and a copy with its steps reordered compile to the same model.
        let by_id = id_order(plan);
        let mut id_rank = vec![0usize; by_id.len()];
        for (r, &s) in by_id.iter().enumerate() {
            id_rank[s] = r;
        }
        let deps: Vec<Vec<usize>> = by_id
            .iter()
            .map(|&s| plan.steps[s].after.iter().map(|&d| id_rank[d]).collect())
            .collect();
        let order = graph::topo_order(&deps).expect("a validated plan is acyclic");
        let kept: Vec<usize> = order
            .into_iter()
            .map(|r| by_id[r])
            .filter(|&s| needed[s])
            .collect();
        let keys = step_stream_keys(plan);
        let mut compiled_of = vec![NONE; plan.steps.len()];
        for (c, &s) in kept.iter().enumerate() {
            compiled_of[s] = c as u32;
        }

        let fallback_steps: Vec<usize> = plan
            .risks
            .iter()
            .filter_map(|r| match r.effect {
                RiskEffect::Fallback { step } => Some(step),
                _ => None,
            })
            .collect();
        let mut steps = Vec::with_capacity(kept.len());
        let mut pred_start = vec![0u32];
        let mut pred = Vec::new();
        let mut use_start = vec![0u32];
        let (mut use_limit, mut use_amount) = (Vec::new(), Vec::new());
        let mut alt_start = vec![0u32];
        let mut alt_steps = Vec::new();
        for &s in &kept {
            let step = &plan.steps[s];
            for &d in &step.after {
                // Dependencies on surviving systems are already satisfied.
                if compiled_of[d] != NONE {
                    pred.push(compiled_of[d]);
                }
            }
            pred_start.push(pred.len() as u32);
            for &(l, a) in &step.uses {
                use_limit.push(l as u32);
                use_amount.push(a);
            }
            use_start.push(use_limit.len() as u32);
            let (fail_p, fail_max) = step.retry.map_or((0.0, 0), |r| (r.p, r.max));
            steps.push(CStep {
                plan_index: s as u32,
                stream: if fallback_steps.contains(&s) {
                    stream_id(TAG_FALLBACK, keys[s])
                } else {
                    stream_id(TAG_STEP, keys[s])
                },
                id_rank: id_rank[s] as u32,
                dist: step.duration.clone(),
                fail_p,
                fail_max,
                team: step.team.map_or(NONE, |t| t as u32),
                crew: step.crew,
                hands_on: step.hands_on.unwrap_or(f64::INFINITY),
                scale: plan.hands_on_scale(step),
            });
            let primary = steps.last().expect("just pushed").clone();
            for alt in &step.alternatives {
                let scale = plan.hands_on_scale_on(step, alt.team);
                alt_steps.push(CStep {
                    team: alt.team as u32,
                    scale: scale * alt.slower,
                    ..primary.clone()
                });
            }
            alt_start.push(alt_steps.len() as u32);
        }
        let n = steps.len();
        let mut succ_lists: Vec<Vec<u32>> = vec![Vec::new(); n];
        for c in 0..n {
            for &p in &pred[pred_start[c] as usize..pred_start[c + 1] as usize] {
                succ_lists[p as usize].push(c as u32);
            }
        }
        let mut succ_start = vec![0u32];
        let mut succ = Vec::new();
        for list in succ_lists {
            succ.extend(list);
            succ_start.push(succ.len() as u32);
        }
        let unconstrained = steps.iter().all(|s| s.team == NONE) && use_limit.is_empty();
        let mut model = Model {
            plain: steps.iter().map(PlainLogNormal::of).collect(),
            steps,
            pred_start,
            pred,
            succ_start,
            succ,
            use_start,
            use_limit,
            use_amount,
            team_groups: plan.teams.iter().map(|t| t.groups).collect(),
            group_start: std::iter::once(0)
                .chain(plan.teams.iter().scan(0u32, |sum, t| {
                    *sum += t.groups;
                    Some(*sum)
                }))
                .collect(),
            alt_start,
            alt_steps,
            limit_capacity: plan.limits.iter().map(|l| l.capacity).collect(),
            rank: Vec::new(),
            by_rank: Vec::new(),
            unconstrained,
            policy,
            strict: false,
            listed: plan.priority.as_ref().map(|order| {
                let mut position = vec![0u32; plan.steps.len()];
                for (i, &s) in order.iter().enumerate() {
                    position[s] = i as u32;
                }
                kept.iter().map(|&s| position[s]).collect()
            }),
            listed_strict: plan.priority_strict,
            record_starts: false,
            chaos: ChaosModel::compile(plan, &compiled_of, plan.starts_of(scenario)).map(Box::new),
            known: None,
            milestones: Milestones::compile(plan, &compiled_of),
        };
        model.set_policy(policy);
        model
    }

    /// Number of compiled steps.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Whether the scenario needs no steps at all.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The other teams' copies of step `s` (cross-training), in order of preference.
    #[inline]
    pub fn alternatives(&self, s: usize) -> &[CStep] {
        &self.alt_steps[self.alt_start[s] as usize..self.alt_start[s + 1] as usize]
    }

    /// Whether any step can be done by more than one team.
    pub fn has_alternatives(&self) -> bool {
        !self.alt_steps.is_empty()
    }

    /// Predecessors of step `s`.
    #[inline]
    pub fn preds(&self, s: usize) -> &[u32] {
        &self.pred[self.pred_start[s] as usize..self.pred_start[s + 1] as usize]
    }

    /// Successors of step `s`.
    #[inline]
    pub fn succs(&self, s: usize) -> &[u32] {
        &self.succ[self.succ_start[s] as usize..self.succ_start[s + 1] as usize]
    }

    /// Limits used by step `s` and the amounts.
    #[inline]
    pub fn uses(&self, s: usize) -> impl Iterator<Item = (u32, u32)> + '_ {
        let r = self.use_start[s] as usize..self.use_start[s + 1] as usize;
        self.use_limit[r.clone()]
            .iter()
            .copied()
            .zip(self.use_amount[r].iter().copied())
    }

    /// The mean time of one attempt at the team's group size, without failures: the duration a
    /// planner would write in a spreadsheet.
    /// A risk's fallback step counts as 0: a plan that goes as planned never runs it.
    pub fn mean_attempt(&self, s: usize) -> f64 {
        let step = &self.steps[s];
        if let Some(chaos) = &self.chaos {
            if chaos.risks.iter().any(|r| r.fallback == s as u32) {
                return 0.0;
            }
        }
        attempt_time(step, step.dist.mean()).0
    }

    /// Sets the dispatch priority: ranks from the policy (`lft` and `deadline` tie by step id).
    /// `Priority` without a `priority` list in the plan follows the playbook order.
    pub fn set_policy(&mut self, policy: Policy) {
        let n = self.len();
        let mut order: Vec<u32> = (0..n as u32).collect();
        match policy {
            Policy::Playbook => order.sort_by_key(|&s| self.steps[s as usize].plan_index),
            Policy::Priority => match &self.listed {
                Some(listed) => order.sort_by_key(|&s| listed[s as usize]),
                None => order.sort_by_key(|&s| self.steps[s as usize].plan_index),
            },
            Policy::Lft => {
                let lft = self.latest_finish_times();
                order.sort_by(|&a, &b| {
                    lft[a as usize].total_cmp(&lft[b as usize]).then(
                        self.steps[a as usize]
                            .id_rank
                            .cmp(&self.steps[b as usize].id_rank),
                    )
                });
            }
            Policy::Deadline => {
                let lft = self.latest_finish_times();
                let due = self.deadline_finish_times();
                order.sort_by(|&a, &b| {
                    let (a, b) = (a as usize, b as usize);
                    due[a]
                        .total_cmp(&due[b])
                        .then(lft[a].total_cmp(&lft[b]))
                        .then(self.steps[a].id_rank.cmp(&self.steps[b].id_rank))
                });
            }
        }
        self.set_order(order, policy == Policy::Priority && self.listed_strict);
        self.policy = policy;
    }

    /// Dispatches in `order` (compiled step indices, every step once), strictly in that order
    /// when `strict` (see [`Model::strict`]; the order must then put every step after the steps
    /// it waits for). What `rtosim optimise` scores its candidates with.
    pub fn set_order(&mut self, order: Vec<u32>, strict: bool) {
        debug_assert_eq!(order.len(), self.len());
        let mut rank = vec![0u32; order.len()];
        for (r, &s) in order.iter().enumerate() {
            rank[s as usize] = r as u32;
        }
        self.rank = rank;
        self.by_rank = order;
        self.strict = strict;
    }

    /// Latest finish times from a backward pass over mean attempt durations, starting from each
    /// step's deadline ([`Milestones::step_deadlines`]): a step must finish by its own deadline
    /// and early enough for every successor to finish by its own. Infinite for steps that feed
    /// no objective.
    pub fn deadline_finish_times(&self) -> Vec<f64> {
        let n = self.len();
        let mean: Vec<f64> = (0..n).map(|s| self.mean_attempt(s)).collect();
        let mut lf = self.milestones.step_deadlines(n);
        for s in (0..n).rev() {
            for &q in self.succs(s) {
                let q = q as usize;
                lf[s] = lf[s].min(lf[q] - mean[q]);
            }
        }
        lf
    }

    /// Latest finish times from a backward pass over mean attempt durations, against the
    /// project length of the forward pass (the classic CPM late schedule).
    pub fn latest_finish_times(&self) -> Vec<f64> {
        let n = self.len();
        let mean: Vec<f64> = (0..n).map(|s| self.mean_attempt(s)).collect();
        let mut finish = vec![0.0_f64; n];
        for s in 0..n {
            let start = self
                .preds(s)
                .iter()
                .map(|&p| finish[p as usize])
                .fold(0.0, f64::max);
            finish[s] = start + mean[s];
        }
        let horizon = finish.iter().copied().fold(0.0, f64::max);
        let mut lf = vec![horizon; n];
        for s in (0..n).rev() {
            for &q in self.succs(s) {
                let q = q as usize;
                lf[s] = lf[s].min(lf[q] - mean[q]);
            }
        }
        lf
    }
}

/// The plan's step indices ordered by id (byte order).
pub fn id_order(plan: &Plan) -> Vec<usize> {
    let mut order: Vec<usize> = (0..plan.steps.len()).collect();
    order.sort_by(|&a, &b| plan.steps[a].id.cmp(&plan.steps[b].id));
    order
}

/// The 32-bit key of each plan step's random stream: the hash of its id
/// ([`name_hash`]), so a step draws the same numbers wherever it sits in the file and
/// whatever steps are added or removed around it. Two ids whose hashes collide would share
/// their draws; the later id in byte order then takes the hash of `id#1` (then `id#2`, ...)
/// until its key is free, which depends on the ids alone, not on their order in the plan.
pub fn step_stream_keys(plan: &Plan) -> Vec<u64> {
    let mut keys = vec![0u64; plan.steps.len()];
    let mut taken = std::collections::HashSet::with_capacity(plan.steps.len());
    for s in id_order(plan) {
        let id = &plan.steps[s].id;
        let mut key = name_hash(id);
        let mut salt = 0u32;
        while !taken.insert(key) {
            salt += 1;
            key = name_hash(&format!("{id}#{salt}"));
        }
        keys[s] = key;
    }
    keys
}

/// Splits one attempt of `step` whose duration at the recorded group size is `drawn` into its
/// actual length and the time its groups are needed, applying the group-size scaling to the
/// hands-on part only: `hands = min(hands-on, drawn) * scale`, `length = hands + (drawn - min(hands-on, drawn))`.
#[inline]
pub fn attempt_time(step: &CStep, drawn: f64) -> (f64, f64) {
    if step.team == NONE {
        return (drawn, 0.0);
    }
    let hands = step.hands_on.min(drawn);
    let scaled = hands * step.scale;
    (scaled + (drawn - hands), scaled)
}
