//! One trial: sample every step's attempts and schedule them, recording what the statistics need.
//!
//! The scheduler is non-anticipative parallel list scheduling: at time 0 and at every event
//! (a step finishing, groups released after hands-on) it scans the ready steps in priority
//! order and starts each whose crew and limit uses fit now. Durations are drawn when a step
//! starts only in the sense that the scheduler never looks at them to decide what to start.
//!
//! Randomness is per step, not per trial (see [`super::sampler`]). The events the dispatcher
//! waits on are in [`event`]; the groups of teams followed one by one (rotas, working hours,
//! relief) in [`groups`].

use std::collections::BinaryHeap;

mod event;
mod groups;

use event::{Event, Kind};
use groups::Groups;

use super::chaos::{ChaosDraws, shift_end};
use super::model::{CStep, Model, NONE};
use super::ready::{ReadyLists, next_list};
use super::sampler::{Sampler, step_draw};

/// The larger of two times that are never NaN: a single `maxsd`, where `f64::max` adds the
/// instructions IEEE's NaN rules need, in the hottest loop.
#[inline(always)]
pub(super) fn max_no_nan(a: f64, b: f64) -> f64 {
    if b > a { b } else { a }
}

/// Keeps `(value, index)` in `(best, at)` when `value` is later than `best`, so ties keep the
/// earlier index. Selects, not jumps: with random durations a compare-and-branch mispredicts
/// often.
#[inline(always)]
pub(super) fn keep_later(best: &mut f64, at: &mut u32, value: f64, index: u32) {
    let later = value > *best;
    *best = if later { value } else { *best };
    *at = if later { index } else { *at };
}

/// What a trial leaves of one step for the statistics.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepResult {
    /// When the step started.
    pub start: f64,
    /// When the step finished.
    pub finish: f64,
    /// Its cruciality key (see [`StepTiming::key`]).
    pub key: f64,
    /// Its failed attempts.
    pub failures: u32,
}

/// Per-thread buffers for trials, reused so a trial allocates nothing.
#[derive(Debug, Clone)]
pub struct TrialState {
    /// Start of each step (first attempt).
    pub start: Vec<f64>,
    /// Finish of each step.
    pub finish: Vec<f64>,
    /// When each step's groups were released.
    pub release: Vec<f64>,
    /// When each step became ready (all dependencies finished).
    pub ready_at: Vec<f64>,
    /// The step whose event let each step start, or [`NONE`].
    pub enabler: Vec<u32>,
    /// Cruciality key of each step.
    pub key: Vec<f64>,
    /// Failed attempts of each step.
    pub failures: Vec<u32>,
    /// Group-seconds each team worked.
    pub team_busy: Vec<f64>,
    /// Seconds ready steps waited for each team's groups.
    pub team_wait: Vec<f64>,
    /// Unit-seconds each limit was held.
    pub limit_busy: Vec<f64>,
    /// Seconds ready steps waited for each limit.
    pub limit_wait: Vec<f64>,
    /// The step that finished last (the one that set the RTO), or [`NONE`].
    pub last: u32,
    /// The RTO of the trial.
    pub rto: f64,
    remaining: Vec<u32>,
    last_dep: Vec<u32>,
    blocked_by: Vec<Blocked>,
    blocked_since: Vec<f64>,
    free_groups: Vec<u32>,
    free_limit: Vec<u32>,
    team_released: Vec<(f64, u32)>,
    limit_released: Vec<(f64, u32)>,
    ready: ReadyLists,
    heap: BinaryHeap<Event>,
    /// The chaos drawn for the current trial (empty without chaos).
    pub chaos: ChaosDraws,
    arrive: Vec<f64>,
    /// The groups of teams followed one by one (see [`Groups`]).
    groups: Groups,
    /// Steps finished in the current trial.
    finished: usize,
    /// Steps started in the current trial: under a strict order, the rank of the next to start.
    started: u32,
    /// The ready list of steps several teams can do, or `NONE` when there is none.
    multi: usize,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Blocked {
    No,
    Team,
    Limit(u32),
}

impl TrialState {
    /// Buffers sized for `model`.
    pub fn new(model: &Model) -> TrialState {
        let n = model.len();
        let teams = model.team_groups.len();
        let limits = model.limit_capacity.len();
        TrialState {
            start: vec![0.0; n],
            finish: vec![0.0; n],
            release: vec![0.0; n],
            ready_at: vec![0.0; n],
            enabler: vec![NONE; n],
            key: vec![0.0; n],
            failures: vec![0; n],
            team_busy: vec![0.0; teams],
            team_wait: vec![0.0; teams],
            limit_busy: vec![0.0; limits],
            limit_wait: vec![0.0; limits],
            last: NONE,
            rto: 0.0,
            remaining: vec![0; n],
            last_dep: vec![NONE; n],
            blocked_by: vec![Blocked::No; n],
            blocked_since: vec![0.0; n],
            free_groups: vec![0; teams],
            free_limit: vec![0; limits],
            team_released: vec![(f64::NAN, NONE); teams],
            limit_released: vec![(f64::NAN, NONE); limits],
            ready: ReadyLists::new(teams + usize::from(model.has_alternatives()), n),
            heap: BinaryHeap::with_capacity(2 * n + 2 + teams),
            chaos: ChaosDraws::default(),
            arrive: vec![0.0; n],
            groups: Groups::new(model),
            finished: 0,
            started: 0,
            multi: if model.has_alternatives() {
                teams
            } else {
                NONE as usize
            },
        }
    }

    /// Runs one trial and fills every field of the schedule (start, finish, release, ready
    /// time and enabler of each step); returns the RTO. Slower than [`TrialState::run`] for
    /// unconstrained plans; for replaying one trial, not for the hot loop.
    pub fn run_complete<S: Sampler>(&mut self, model: &Model, sampler: &mut S) -> f64 {
        self.run(model, sampler);
        self.complete_forward_pass(model);
        self.rto
    }

    /// Runs one trial, leaving its schedule in the buffers; returns the RTO. For unconstrained
    /// plans only start, finish, key and failures are written (see [`TrialState::run_complete`]).
    pub fn run<S: Sampler>(&mut self, model: &Model, sampler: &mut S) -> f64 {
        self.run_with::<S, true>(model, sampler, None, |_, _| {})
    }

    /// [`TrialState::run`], calling `observe(s, result)` once for each step `s` when its
    /// result is final. The unconstrained forward pass calls it as it goes, so work on each
    /// step's result overlaps with drawing the next step's duration; it then keeps only finish
    /// times and enablers in the buffers (enough for [`TrialState::critical_chain`]), not start
    /// times, keys and failures.
    #[inline]
    pub fn run_observed<S: Sampler>(
        &mut self,
        model: &Model,
        sampler: &mut S,
        observe: impl FnMut(usize, &StepResult),
    ) -> f64 {
        self.run_with::<S, false>(model, sampler, None, observe)
    }

    /// [`TrialState::run_observed`] with the trial's draws of risks, factors, mobilisation and
    /// hand-offs taken from `shared` (see [`ChaosDraws::draw_sharing`]) instead of drawn, when
    /// given: for a model whose chaos shares those draws with the one `shared` was drawn for.
    #[inline]
    pub fn run_sharing<S: Sampler>(
        &mut self,
        model: &Model,
        sampler: &mut S,
        shared: Option<&ChaosDraws>,
        observe: impl FnMut(usize, &StepResult),
    ) -> f64 {
        self.run_with::<S, false>(model, sampler, shared, observe)
    }

    #[inline]
    fn run_with<S: Sampler, const FULL: bool>(
        &mut self,
        model: &Model,
        sampler: &mut S,
        shared: Option<&ChaosDraws>,
        mut observe: impl FnMut(usize, &StepResult),
    ) -> f64 {
        if let Some(chaos) = &model.chaos {
            let stream = |id| sampler.stream(id);
            match shared {
                Some(shared) => {
                    self.chaos
                        .draw_sharing(shared, chaos, &model.team_groups, &stream);
                }
                None => self
                    .chaos
                    .draw(chaos, &model.steps, &model.team_groups, &stream),
            }
        }
        if model.unconstrained {
            if model.chaos.is_some() {
                self.forward_pass::<S, true, FULL>(model, sampler, &mut observe);
            } else {
                self.forward_pass::<S, false, FULL>(model, sampler, &mut observe);
            }
        } else {
            self.dispatch_all(model, sampler);
            for s in 0..model.len() {
                observe(
                    s,
                    &StepResult {
                        start: self.start[s],
                        finish: self.finish[s],
                        key: self.key[s],
                        failures: self.failures[s],
                    },
                );
            }
        }
        self.rto
    }

    /// The chain of steps that determined the RTO, from the last step back to one that started
    /// with nothing to wait for, following whichever event let each step start.
    pub fn critical_chain(&self, mut visit: impl FnMut(usize)) {
        let mut at = self.last;
        while at != NONE {
            visit(at as usize);
            at = self.enabler[at as usize];
        }
    }

    /// The step whose event let `s` start, or [`NONE`].
    pub fn enabler_of(&self, s: usize) -> u32 {
        self.enabler[s]
    }

    /// Unconstrained: every step starts when its last dependency finishes.
    #[inline]
    fn forward_pass<S: Sampler, const CHAOS: bool, const FULL: bool>(
        &mut self,
        model: &Model,
        sampler: &mut S,
        observe: &mut impl FnMut(usize, &StepResult),
    ) {
        // The first step that finished last; ties go to the earliest.
        let (mut rto, mut last) = (0.0_f64, if model.is_empty() { NONE } else { 0 });
        let finish = &mut self.finish[..model.len()];
        for s in 0..finish.len() {
            // Ties go to the first dependency.
            let (mut latest, mut enabler) = (f64::NEG_INFINITY, NONE);
            for &p in model.preds(s) {
                keep_later(&mut latest, &mut enabler, finish[p as usize], p);
            }
            let start = max_no_nan(0.0, latest);
            self.enabler[s] = enabler;
            let (length, key, failures) = step_draw(model, s, sampler);
            let end = if CHAOS {
                start + length * self.chaos.mul[s] + self.chaos.add[s]
            } else {
                start + length
            };
            finish[s] = end;
            if FULL {
                self.start[s] = start;
                self.key[s] = key;
                self.failures[s] = failures;
            }
            observe(
                s,
                &StepResult {
                    start,
                    finish: end,
                    key,
                    failures,
                },
            );
            keep_later(&mut rto, &mut last, end, s as u32);
        }
        self.rto = rto;
        self.last = last;
    }

    /// Fills the fields the forward pass leaves out (ready and release times), so a replayed
    /// trial reads the same whichever path scheduled it.
    fn complete_forward_pass(&mut self, model: &Model) {
        if !model.unconstrained {
            return;
        }
        for s in 0..model.len() {
            self.ready_at[s] = self.start[s];
            self.release[s] = self.start[s];
        }
    }

    /// Resource-constrained list scheduling driven by events.
    fn dispatch_all<S: Sampler>(&mut self, model: &Model, sampler: &mut S) {
        let n = model.len();
        self.free_groups.copy_from_slice(&model.team_groups);
        self.free_limit.copy_from_slice(&model.limit_capacity);
        self.team_busy.iter_mut().for_each(|x| *x = 0.0);
        self.team_wait.iter_mut().for_each(|x| *x = 0.0);
        self.limit_busy.iter_mut().for_each(|x| *x = 0.0);
        self.limit_wait.iter_mut().for_each(|x| *x = 0.0);
        self.team_released
            .iter_mut()
            .for_each(|x| *x = (f64::NAN, NONE));
        self.limit_released
            .iter_mut()
            .for_each(|x| *x = (f64::NAN, NONE));
        self.ready.clear();
        self.heap.clear();
        self.finished = 0;
        self.started = 0;
        self.groups.clear();
        let chaos = model.chaos.is_some();
        let mut seq = 0u32;
        if let Some(c) = &model.chaos {
            if c.by_group.iter().any(|&b| b) {
                self.start_groups(model, &mut seq);
            }
        }
        for s in 0..n {
            let preds = model.pred_start[s + 1] - model.pred_start[s];
            self.remaining[s] = preds;
            self.last_dep[s] = NONE;
            self.blocked_by[s] = Blocked::No;
            if preds == 0 {
                self.ready_at[s] = 0.0;
                self.make_ready(model, s, 0.0, chaos, &mut seq);
            }
        }
        if let Some(c) = &model.chaos {
            self.arrive[..n].iter_mut().for_each(|x| *x = 0.0);
            for (t, &ready) in self.chaos.team_ready.iter().enumerate() {
                if ready > 0.0 && !c.by_group[t] {
                    self.heap.push(Event::new(ready, seq, Kind::Wake, NONE));
                    seq += 1;
                }
            }
        }
        let mut now = 0.0;
        let mut rto = 0.0;
        let mut last = NONE;
        loop {
            self.dispatch(model, now, sampler, &mut seq, chaos);
            // Groups on a rota come and go for ever: the trial ends with its last step.
            if self.finished == n {
                break;
            }
            let Some(first) = self.heap.pop() else {
                break;
            };
            now = first.time();
            let mut event = Some(first);
            while let Some(e) = event {
                let s = e.step() as usize;
                match e.kind() {
                    Kind::Wake => {
                        for t in 0..model.team_groups.len() {
                            self.mark_team(t);
                        }
                    }
                    Kind::Ready => {
                        self.ready_at[s] = now;
                        self.make_ready(model, s, now, chaos, &mut seq);
                    }
                    Kind::Duty => self.duty(model, s, &mut seq),
                    Kind::Relieve => self.relieve(model, s, now),
                    Kind::Release => self.released(model, s, now),
                    Kind::Finish => self.finished_step(model, s, now, chaos, &mut seq),
                    Kind::Done => {
                        self.released(model, s, now);
                        self.finished_step(model, s, now, chaos, &mut seq);
                    }
                }
                if matches!(e.kind(), Kind::Finish | Kind::Done) && (last == NONE || now > rto) {
                    rto = now;
                    last = e.step();
                }
                event = match self.heap.peek() {
                    Some(next) if next.time() == now => self.heap.pop(),
                    _ => None,
                };
            }
        }
        debug_assert!(
            self.finished == n && self.ready.is_empty(),
            "validated plans never deadlock"
        );
        self.rto = rto;
        self.last = last;
    }

    /// Step `s` gives its groups back at `now`.
    #[inline(always)]
    fn released(&mut self, model: &Model, s: usize, now: f64) {
        let crew = model.steps[s].crew;
        let t = self.groups.used[s] as usize;
        if model.chaos.as_ref().is_some_and(|c| c.by_group[t]) {
            self.release_groups(model, s);
        } else {
            self.free_groups[t] += crew;
        }
        self.team_released[t] = (now, s as u32);
        self.team_busy[t] += f64::from(crew) * (self.release[s] - self.groups.taken_at[s]);
        self.mark_team(t);
    }

    /// Step `s` finishes at `now`: its limits are free, and its successors are one dependency
    /// nearer to ready.
    #[inline(always)]
    fn finished_step(&mut self, model: &Model, s: usize, now: f64, chaos: bool, seq: &mut u32) {
        self.finished += 1;
        let mut freed = false;
        for (l, a) in model.uses(s) {
            self.free_limit[l as usize] += a;
            self.limit_released[l as usize] = (now, s as u32);
            self.limit_busy[l as usize] += f64::from(a) * (self.finish[s] - self.start[s]);
            freed = true;
        }
        if freed {
            self.ready.mark_limit_waiters();
        }
        if chaos {
            self.arrive_all_with_handoff(model, s, now, seq);
            return;
        }
        for &q in model.succs(s) {
            let q = q as usize;
            self.remaining[q] -= 1;
            if self.remaining[q] == 0 {
                self.ready_at[q] = now;
                self.last_dep[q] = s as u32;
                self.make_ready(model, q, now, chaos, seq);
            }
        }
    }

    /// Posts step `s`'s release at `release` and its finish at `finish`, one after the other
    /// (one [`Kind::Done`] event when they fall together).
    #[inline]
    fn post_release_and_finish(&mut self, s: usize, release: f64, finish: f64, seq: &mut u32) {
        if release == finish {
            self.heap
                .push(Event::new(finish, *seq, Kind::Done, s as u32));
        } else {
            self.heap
                .push(Event::new(release, *seq, Kind::Release, s as u32));
            self.heap
                .push(Event::new(finish, *seq + 1, Kind::Finish, s as u32));
        }
        *seq += 2;
    }

    /// Team `t` has groups back: its ready list, and the list of steps several teams can do,
    /// must be looked at again.
    #[inline]
    fn mark_team(&mut self, t: usize) {
        self.ready.mark(t);
        if self.multi != NONE as usize {
            self.ready.mark(self.multi);
        }
    }

    /// The ready list step `s` waits in: its team's, the list of steps several teams can do,
    /// or the one of steps without a team (also for a fallback whose risk did not fire, which
    /// needs nobody).
    #[inline]
    fn list_of(&self, model: &Model, s: usize, chaos: bool) -> usize {
        let team = model.steps[s].team;
        if team == NONE || (chaos && !self.chaos.active[s]) {
            self.ready.teamless()
        } else if self.multi != NONE as usize && model.alt_start[s] != model.alt_start[s + 1] {
            self.multi
        } else {
            team as usize
        }
    }

    /// Step `s` is ready at `now`. Until the dispatcher looks at it, it counts as waiting for
    /// its team (if it has one): a list is not looked at while its team has no free group.
    #[inline(always)]
    fn make_ready(&mut self, model: &Model, s: usize, now: f64, chaos: bool, seq: &mut u32) {
        // Conditioned on a log: a step that started waits for its logged start, one that has
        // not for the time of the forecast.
        if let Some(known) = &model.known {
            let earliest = known.earliest(s);
            // A fallback whose risk did not fire takes no time and waits for nothing.
            if now < earliest && (!chaos || self.chaos.active[s]) {
                self.heap
                    .push(Event::new(earliest, *seq, Kind::Ready, s as u32));
                *seq += 1;
                return;
            }
        }
        let list = self.list_of(model, s, chaos);
        self.blocked_since[s] = now;
        self.blocked_by[s] = if list == self.ready.teamless() {
            Blocked::No
        } else {
            Blocked::Team
        };
        self.ready.insert(list, model.rank[s]);
    }

    /// Whether a list's steps need no team's free groups to be looked at: the list of steps
    /// without a team, and the one of steps several teams can do (each looked at on its own).
    #[inline]
    fn list_is_free(&self, list: usize) -> bool {
        list == self.ready.teamless() || list == self.multi
    }

    /// Whether team `t` has `crew` free groups that can start now (mobilised, on duty).
    #[inline]
    fn team_fits(&self, t: usize, crew: u32, now: f64, chaos: bool) -> bool {
        self.free_groups[t] >= crew && (!chaos || now >= self.chaos.team_ready[t])
    }

    /// Whether team list `list` could start anything at `now`: it has a free group and has
    /// mobilised.
    #[inline]
    fn list_can_start(&self, list: usize, now: f64, chaos: bool) -> bool {
        self.list_is_free(list) || self.team_fits(list, 1, now, chaos)
    }

    /// Records that ready step `s` of list `list` waits, from `now`, for `reason`.
    #[inline]
    fn block(&mut self, model: &Model, list: usize, s: usize, now: f64, reason: Blocked) {
        self.charge_wait(model, s, now);
        let was = matches!(self.blocked_by[s], Blocked::Limit(_));
        let is = matches!(reason, Blocked::Limit(_));
        if was != is {
            self.ready.count_limit_waiter(list, if is { 1 } else { -1 });
        }
        self.blocked_by[s] = reason;
        self.blocked_since[s] = now;
    }

    /// Every step of `list` not looked at in this dispatch now waits for its team, which has
    /// no group left: only those that waited for a limit change their reason.
    #[inline]
    fn block_unread_on_team(&mut self, model: &Model, list: usize, now: f64) {
        if self.ready.has_limit_waiters(list) {
            self.block_limit_waiters_on_team(model, list, now);
        }
    }

    /// [`TrialState::block_unread_on_team`] of a list with steps waiting for a limit.
    #[inline(never)]
    fn block_limit_waiters_on_team(&mut self, model: &Model, list: usize, now: f64) {
        let mut from = 0;
        while let Some(r) = self.ready.unread_from(list, from) {
            let s = model.by_rank[r as usize] as usize;
            if matches!(self.blocked_by[s], Blocked::Limit(_)) {
                self.block(model, list, s, now, Blocked::Team);
            }
            from = r + 1;
        }
    }

    /// The copy of step `s` to start now from list `list`: the step itself, or for a step
    /// several teams can do the first of its teams with the crew free; `None` when no team
    /// fits.
    #[inline(always)]
    fn choose<'m>(
        &self,
        model: &'m Model,
        list: usize,
        s: usize,
        now: f64,
        chaos: bool,
    ) -> Option<&'m CStep> {
        let step = &model.steps[s];
        if list == self.ready.teamless() {
            return Some(step);
        }
        if list != self.multi {
            return self.team_fits(list, step.crew, now, chaos).then_some(step);
        }
        std::iter::once(step)
            .chain(model.alternatives(s))
            .find(|c| self.team_fits(c.team as usize, c.crew, now, chaos))
    }

    /// Starts every ready step that fits at `now`, in priority order, looking only at the
    /// lists whose steps could have become startable since the last dispatch.
    fn dispatch<S: Sampler>(
        &mut self,
        model: &Model,
        now: f64,
        sampler: &mut S,
        seq: &mut u32,
        chaos: bool,
    ) {
        if self.groups.waiting_count > 0 {
            self.serve_relief(model, now, sampler, seq);
        }
        if model.strict {
            // A strict dispatch stops at the first step that cannot start, so a list it did not
            // reach is not known to be stuck: every list is looked at again.
            self.ready.mark_all();
        }
        if !self.ready.any_dirty() {
            return;
        }
        // A dirty team list whose team has no free group (or has not mobilised) starts nothing.
        for w in 0..self.ready.dirty_words() {
            let mut dirty = self.ready.dirty_word(w);
            while let Some(list) = next_list(&mut dirty, w) {
                if !self.list_can_start(list, now, chaos) {
                    self.ready.settle(list);
                    self.block_unread_on_team(model, list, now);
                }
            }
        }
        self.ready.begin();
        while let Some((list, r)) = self.ready.next() {
            if model.strict && r != self.started {
                // The next step of the list is not ready: nothing after it may start.
                break;
            }
            let s = model.by_rank[r as usize] as usize;
            let chosen = self.choose(model, list, s, now, chaos);
            let short_limit = model
                .uses(s)
                .find(|&(l, a)| self.free_limit[l as usize] < a)
                .map(|(l, _)| l);
            let Some(chosen) = chosen.filter(|_| short_limit.is_none()) else {
                // Waiting is charged to whatever blocks the step at each moment: the
                // reason holds until the list is next looked at.
                let reason = match short_limit {
                    Some(l) if chosen.is_some() => Blocked::Limit(l),
                    _ => Blocked::Team,
                };
                self.block(model, list, s, now, reason);
                self.ready.keep(list);
                if model.strict {
                    break;
                }
                continue;
            };
            if matches!(self.blocked_by[s], Blocked::Limit(_)) {
                self.ready.count_limit_waiter(list, -1);
            }
            self.ready.take(list);
            self.started += 1;
            self.start_step(model, s, chosen, now, sampler, seq);
            // What the start took can change why the steps already looked at in this dispatch
            // wait (a step that waited for a limit may now wait for its team, or for another
            // limit): they are looked at again at the next event, as a scan of every ready step
            // would.
            if model.use_start[s] != model.use_start[s + 1] {
                self.ready.mark_limit_waiters();
            }
            if !self.list_is_free(list) {
                if self.ready.has_limit_waiters(list) {
                    self.ready.mark(list);
                }
                if self.free_groups[list] == 0 {
                    self.block_unread_on_team(model, list, now);
                    self.ready.close(list);
                }
            }
        }
        self.ready.end();
    }

    /// Starts step `s` at `now` as `chosen` (the step, or its copy on another team).
    fn start_step<S: Sampler>(
        &mut self,
        model: &Model,
        s: usize,
        chosen: &CStep,
        now: f64,
        sampler: &mut S,
        seq: &mut u32,
    ) {
        // Conditioned on a log, a started step keeps its logged times (its chaos is in them).
        let known = model
            .known
            .as_deref()
            .and_then(|k| k.timing(s, chosen, now, sampler));
        let mut t = known.unwrap_or_else(|| sampler.time(chosen));
        let mut team = chosen.team;
        let mut by_group = false;
        if let Some(c) = &model.chaos {
            if known.is_none() {
                t = self.chaos.apply(s, t, team != NONE);
            }
            if !self.chaos.active[s] {
                team = NONE;
            }
            by_group = team != NONE && c.by_group[team as usize];
        }
        let mut release = now + t.lead + t.hands;
        let mut finish = now + t.lead + t.length;
        self.start[s] = now;
        self.key[s] = t.key;
        self.failures[s] = t.failures;
        // Who let this step start: its last dependency if it started as soon as it was ready,
        // otherwise whichever step just released the groups or limit it was waiting for.
        let waited = now > self.ready_at[s];
        self.enabler[s] = if !waited {
            self.last_dep[s]
        } else {
            self.releaser(model, s, now).unwrap_or(self.last_dep[s])
        };
        self.charge_wait(model, s, now);
        for (l, a) in model.uses(s) {
            self.free_limit[l as usize] -= a;
        }
        if team == NONE {
            self.release[s] = now;
        } else {
            let tu = team as usize;
            self.groups.used[s] = team;
            self.groups.taken_at[s] = now;
            if by_group {
                let lead = self.take_groups(model, s, tu, &[]) as usize;
                let attended = t.lead + t.hands;
                let chaos = model
                    .chaos
                    .as_ref()
                    .expect("groups are followed only with chaos");
                match &chaos.rotas[tu] {
                    Some(rota) if rota.relief => {
                        // The work goes on stretch by stretch, from one group to the next.
                        self.groups.work_left[s] = attended;
                        self.groups.tail[s] = t.length - t.hands;
                        self.work_stretch(s, now, seq);
                        return;
                    }
                    Some(rota) => {
                        // Attended work stops while the group leading it rests; the unattended
                        // rest of the attempt runs on.
                        let base = self.chaos.group_base[lead];
                        release = shift_end(now, attended, base, rota.shift, rota.rest);
                        finish = release + (t.length - t.hands);
                    }
                    None => {}
                }
            } else {
                self.free_groups[tu] -= chosen.crew;
            }
            // The same groups stay with the step through its failed attempts.
            self.release[s] = release;
            self.finish[s] = finish;
            self.post_release_and_finish(s, release, finish, seq);
            return;
        }
        self.finish[s] = finish;
        self.heap
            .push(Event::new(finish, *seq, Kind::Finish, s as u32));
        *seq += 1;
    }

    /// Step `p` finished at `now`, with chaos: each successor is one dependency nearer to
    /// ready, which it reaches after a hand-off delay when another team did `p`.
    #[inline(never)]
    fn arrive_all_with_handoff(&mut self, model: &Model, p: usize, now: f64, seq: &mut u32) {
        // Whether `p`'s work reaches a successor of another team only after a hand-off: it
        // has a team and happened (a fallback whose risk did not fire hands nothing over).
        let hands_off = model.steps[p].team != NONE && self.chaos.active[p];
        for &q in model.succs(p) {
            let q = q as usize;
            self.remaining[q] -= 1;
            self.arrive_with_handoff(model, p, hands_off, q, now, seq);
        }
    }

    /// Dependency `p` of step `q` finished at `now`: it reaches `q` after the hand-off delay
    /// when another team did it (`hands_off`: `p` had a team and happened), and `q` becomes
    /// ready once every dependency has arrived.
    #[inline]
    fn arrive_with_handoff(
        &mut self,
        model: &Model,
        p: usize,
        hands_off: bool,
        q: usize,
        now: f64,
        seq: &mut u32,
    ) {
        let (tp, tq) = (model.steps[p].team, model.steps[q].team);
        let crosses = hands_off && tq != NONE && tp != tq;
        let arrival = if crosses {
            now + self.chaos.handoff[q]
        } else {
            now
        };
        // A fallback that did not happen never delays anything, so it never enables either.
        let later = arrival > self.arrive[q] || (arrival == self.arrive[q] && self.chaos.active[p]);
        if self.last_dep[q] == NONE || later {
            self.arrive[q] = arrival;
            self.last_dep[q] = p as u32;
        }
        if self.remaining[q] != 0 {
            return;
        }
        if self.arrive[q] > now {
            self.heap
                .push(Event::new(self.arrive[q], *seq, Kind::Ready, q as u32));
            *seq += 1;
        } else {
            self.ready_at[q] = now;
            self.make_ready(model, q, now, true, seq);
        }
    }

    /// Charges the time since the last look at blocked step `s` to what blocked it then.
    #[inline(always)]
    fn charge_wait(&mut self, model: &Model, s: usize, now: f64) {
        let wait = now - self.blocked_since[s];
        match self.blocked_by[s] {
            Blocked::Team => self.team_wait[model.steps[s].team as usize] += wait,
            Blocked::Limit(l) => self.limit_wait[l as usize] += wait,
            Blocked::No => {}
        }
    }

    fn releaser(&self, model: &Model, s: usize, now: f64) -> Option<u32> {
        let step = &model.steps[s];
        if step.team != NONE {
            let (t, who) = self.team_released[step.team as usize];
            if t == now {
                return Some(who);
            }
        }
        model.uses(s).find_map(|(l, _)| {
            let (t, who) = self.limit_released[l as usize];
            (t == now).then_some(who)
        })
    }
}
