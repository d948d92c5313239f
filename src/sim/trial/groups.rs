//! Groups followed one by one (teams with a rota or working hours): who is on duty, which
//! groups each step holds, shifts that end with work left (relief), and the relieved steps
//! waiting for a group.

use rand_xoshiro::SplitMix64;

use super::event::{Event, Kind};
use super::{Sampler, TrialState};
use crate::sim::NONE;
use crate::sim::chaos::RELIEF_BIT;
use crate::sim::model::Model;

/// The state of the groups of teams with a rota or working hours, followed one by one, and of
/// the steps they work on: who leads each step, the hands-on work it has left when relief is
/// needed, and the steps waiting for a relieving group.
#[derive(Debug, Clone, Default)]
pub(super) struct Groups {
    /// Team of each group.
    pub(super) team: Vec<u32>,
    /// Whether each group works on a step.
    pub(super) busy: Vec<bool>,
    /// Whether each group is on duty (joined, and in a shift).
    pub(super) on: Vec<bool>,
    /// Each group's current shift (its rota's cycle number).
    pub(super) cycle: Vec<u32>,
    /// When each group on duty goes off (infinite for a group without a rota).
    pub(super) off_at: Vec<f64>,
    /// The groups each step holds: `held[held_start[s]..][..crew]`.
    pub(super) held: Vec<u32>,
    pub(super) held_start: Vec<u32>,
    /// The team each step is done by (its own, or the alternative that took it).
    pub(super) used: Vec<u32>,
    /// When each step's groups were taken, for the team's busy time.
    pub(super) taken_at: Vec<f64>,
    /// Hands-on seconds each relieved step has left.
    pub(super) work_left: Vec<f64>,
    /// When each relieved step's current stretch of work began.
    pub(super) resumed: Vec<f64>,
    /// The unattended rest of each relieved step's final attempt.
    pub(super) tail: Vec<f64>,
    /// Per team: relieved steps waiting for a group, as ranks, ascending.
    pub(super) waiting: Vec<Vec<u32>>,
    /// Relieved steps waiting in all.
    pub(super) waiting_count: usize,
    /// Per step: the stream of its hand-over times, once it has had one.
    pub(super) handover_rng: Vec<Option<SplitMix64>>,
    /// Scratch list of the groups a relieved step held.
    pub(super) prefer: Vec<u32>,
}

impl Groups {
    /// Buffers for `model`'s groups and steps.
    pub(super) fn new(model: &Model) -> Groups {
        let n = model.len();
        let groups = *model.group_start.last().unwrap_or(&0) as usize;
        let mut team = vec![0u32; groups];
        for t in 0..model.team_groups.len() {
            for g in model.group_start[t]..model.group_start[t + 1] {
                team[g as usize] = t as u32;
            }
        }
        let mut held_start = Vec::with_capacity(n + 1);
        let mut at = 0u32;
        for step in &model.steps {
            held_start.push(at);
            at += step.crew;
        }
        held_start.push(at);
        let relieved_with_handover = model.chaos.as_ref().is_some_and(|c| {
            c.rotas
                .iter()
                .flatten()
                .any(|r| r.relief && r.handover_time.is_some())
        });
        Groups {
            team,
            busy: vec![false; groups],
            on: vec![false; groups],
            cycle: vec![0; groups],
            off_at: vec![f64::INFINITY; groups],
            held: vec![NONE; at as usize],
            held_start,
            used: vec![NONE; n],
            taken_at: vec![0.0; n],
            work_left: vec![0.0; n],
            resumed: vec![0.0; n],
            tail: vec![0.0; n],
            waiting: vec![Vec::new(); model.team_groups.len()],
            waiting_count: 0,
            // Only teams relieved with a hand-over time draw one.
            handover_rng: if relieved_with_handover {
                vec![None; n]
            } else {
                Vec::new()
            },
            prefer: Vec::new(),
        }
    }

    /// Forgets the last trial's relief.
    pub(super) fn clear(&mut self) {
        if self.waiting_count > 0 {
            self.waiting.iter_mut().for_each(Vec::clear);
            self.waiting_count = 0;
        }
        self.handover_rng.iter_mut().for_each(|r| *r = None);
    }
}

impl TrialState {
    /// Sets every group of the teams followed one by one off duty and free, and posts the
    /// event of each one's first shift (or, for a team without a rota, its joining).
    pub(super) fn start_groups(&mut self, model: &Model, seq: &mut u32) {
        let chaos = model
            .chaos
            .as_ref()
            .expect("groups are followed only with chaos");
        for (t, &by_group) in chaos.by_group.iter().enumerate() {
            if !by_group {
                continue;
            }
            self.free_groups[t] = 0;
            for g in model.group_start[t] as usize..model.group_start[t + 1] as usize {
                let (join, base) = (self.chaos.group_join[g], self.chaos.group_base[g]);
                self.groups.busy[g] = false;
                self.groups.on[g] = false;
                self.groups.off_at[g] = f64::INFINITY;
                // The first shift the group works: the one it joins in, or the next.
                let (on_at, cycle) = match &chaos.rotas[t] {
                    Some(rota) => {
                        let period = rota.period();
                        let k = ((join - base) / period).floor().max(0.0);
                        if join < base + k * period + rota.shift {
                            (join.max(base + k * period), k as u32)
                        } else {
                            (base + (k + 1.0) * period, k as u32 + 1)
                        }
                    }
                    None => (join, 0),
                };
                self.groups.cycle[g] = cycle;
                if on_at <= 0.0 {
                    self.come_on(model, g, seq);
                } else {
                    self.heap
                        .push(Event::new(on_at, *seq, Kind::Duty, g as u32));
                    *seq += 1;
                }
            }
        }
    }

    /// Group `g` comes on duty at `now`; under a rota its shift's end is posted.
    pub(super) fn come_on(&mut self, model: &Model, g: usize, seq: &mut u32) {
        let t = self.groups.team[g] as usize;
        self.groups.on[g] = true;
        if !self.groups.busy[g] {
            self.free_groups[t] += 1;
            self.mark_team(t);
        }
        let chaos = model
            .chaos
            .as_ref()
            .expect("groups are followed only with chaos");
        if let Some(rota) = &chaos.rotas[t] {
            let cycle = f64::from(self.groups.cycle[g]);
            let off = self.chaos.group_base[g] + cycle * rota.period() + rota.shift;
            self.groups.off_at[g] = off;
            self.heap.push(Event::new(off, *seq, Kind::Duty, g as u32));
            *seq += 1;
        }
    }

    /// A duty event of group `g`: it comes on if it was off, else its shift ends.
    pub(super) fn duty(&mut self, model: &Model, g: usize, seq: &mut u32) {
        if !self.groups.on[g] {
            self.come_on(model, g, seq);
            return;
        }
        let t = self.groups.team[g] as usize;
        self.groups.on[g] = false;
        if !self.groups.busy[g] {
            self.free_groups[t] -= 1;
        }
        let chaos = model
            .chaos
            .as_ref()
            .expect("groups are followed only with chaos");
        let rota = chaos.rotas[t].as_ref().expect("only a rota ends shifts");
        self.groups.cycle[g] += 1;
        let on = self.chaos.group_base[g] + f64::from(self.groups.cycle[g]) * rota.period();
        self.heap.push(Event::new(on, *seq, Kind::Duty, g as u32));
        *seq += 1;
    }

    /// Takes `crew` free groups of team `t` on duty for step `s`, those of `prefer` first, then
    /// those whose shift lasts longest; returns the group that leads the work (the first taken).
    pub(super) fn take_groups(&mut self, model: &Model, s: usize, t: usize, prefer: &[u32]) -> u32 {
        let crew = model.steps[s].crew as usize;
        let range = model.group_start[t] as usize..model.group_start[t + 1] as usize;
        let at = self.groups.held_start[s] as usize;
        let mut taken = 0;
        for &g in prefer {
            let g = g as usize;
            if taken < crew && self.groups.on[g] && !self.groups.busy[g] {
                self.groups.busy[g] = true;
                self.groups.held[at + taken] = g as u32;
                taken += 1;
            }
        }
        while taken < crew {
            let mut best = NONE;
            for g in range.clone() {
                if self.groups.on[g]
                    && !self.groups.busy[g]
                    && (best == NONE || self.groups.off_at[g] > self.groups.off_at[best as usize])
                {
                    best = g as u32;
                }
            }
            debug_assert!(
                best != NONE,
                "the dispatcher counted enough free groups on duty"
            );
            self.groups.busy[best as usize] = true;
            self.groups.held[at + taken] = best;
            taken += 1;
        }
        self.free_groups[t] -= crew as u32;
        self.groups.held[at]
    }

    /// Frees the groups step `s` holds; those on duty are free at once.
    pub(super) fn release_groups(&mut self, model: &Model, s: usize) {
        let crew = model.steps[s].crew as usize;
        let at = self.groups.held_start[s] as usize;
        let t = self.groups.used[s] as usize;
        for i in 0..crew {
            let g = self.groups.held[at + i] as usize;
            self.groups.busy[g] = false;
            if self.groups.on[g] {
                self.free_groups[t] += 1;
            }
        }
    }

    /// Step `s` (relieved work) goes on at `from` with its lead group: it ends within the
    /// lead's shift, or is relieved when the shift ends.
    pub(super) fn work_stretch(&mut self, s: usize, from: f64, seq: &mut u32) {
        self.groups.resumed[s] = from;
        let lead = self.groups.held[self.groups.held_start[s] as usize] as usize;
        let end = from + self.groups.work_left[s];
        let off = self.groups.off_at[lead];
        if end <= off {
            self.release[s] = end;
            self.finish[s] = end + self.groups.tail[s];
            self.post_release_and_finish(s, end, self.finish[s], seq);
        } else {
            self.heap
                .push(Event::new(off.max(from), *seq, Kind::Relieve, s as u32));
            *seq += 1;
        }
    }

    /// The shift of the group leading step `s` ends at `now` with work left: its groups are
    /// free, and the work waits for a relieving group.
    pub(super) fn relieve(&mut self, model: &Model, s: usize, now: f64) {
        let done = (now - self.groups.resumed[s]).max(0.0);
        self.groups.work_left[s] = (self.groups.work_left[s] - done).max(0.0);
        let t = self.groups.used[s] as usize;
        self.team_busy[t] += f64::from(model.steps[s].crew) * (now - self.groups.taken_at[s]);
        self.release_groups(model, s);
        let rank = model.rank[s];
        let list = &mut self.groups.waiting[t];
        let at = list.partition_point(|&r| r < rank);
        list.insert(at, rank);
        self.groups.waiting_count += 1;
        self.mark_team(t);
    }

    /// Gives the relieved steps waiting for a group the groups on duty now, before any new
    /// work: the step's own group when it is back (no hand-over), else any free group after
    /// the team's hand-over time.
    pub(super) fn serve_relief<S: Sampler>(
        &mut self,
        model: &Model,
        now: f64,
        sampler: &S,
        seq: &mut u32,
    ) {
        let chaos = model.chaos.as_ref().expect("relief needs chaos");
        for t in 0..self.groups.waiting.len() {
            let mut i = 0;
            while i < self.groups.waiting[t].len() {
                let s = model.by_rank[self.groups.waiting[t][i] as usize] as usize;
                let crew = model.steps[s].crew;
                if self.free_groups[t] < crew {
                    i += 1;
                    continue;
                }
                self.groups.waiting[t].remove(i);
                self.groups.waiting_count -= 1;
                let at = self.groups.held_start[s] as usize;
                let mut before = std::mem::take(&mut self.groups.prefer);
                before.clear();
                before.extend_from_slice(&self.groups.held[at..at + crew as usize]);
                let lead = self.take_groups(model, s, t, &before);
                let own = lead == before[0];
                self.groups.prefer = before;
                let rota = chaos.rotas[t].as_ref().expect("relief needs a rota");
                let handover = match &rota.handover_time {
                    Some(d) if !own => match &mut self.groups.handover_rng[s] {
                        Some(rng) => d.sample_value(rng),
                        None => match sampler.stream(model.steps[s].stream | RELIEF_BIT) {
                            Some(mut rng) => {
                                let v = d.sample_value(&mut rng);
                                self.groups.handover_rng[s] = Some(rng);
                                v
                            }
                            None => d.mean(),
                        },
                    },
                    _ => 0.0,
                };
                self.groups.taken_at[s] = now;
                self.work_stretch(s, now + handover, seq);
            }
        }
    }
}
