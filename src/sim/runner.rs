//! The Monte Carlo runner: trials in fixed blocks, spread over threads, reduced exactly.
//!
//! Trial `i` always draws from the streams of `(seed, i)` and always lands in block
//! `i / BLOCK`, and every statistic is summed in integers (counts, fixed-point sums, integer
//! milliseconds), so the result is bit-identical at any thread count. Per-trial memory is one
//! [`Outcome`] (16 bytes); per-step statistics are streamed, never stored per trial.

use std::sync::{Mutex, PoisonError};

use super::batch::{LANES, TrialBatch};
use super::chaos::ChaosDraws;
use super::cruciality::{BlockKeys, TILE, key_cell};
use super::milestones::MilestoneTimes;
use super::model::{Model, NONE};
use super::sampler::{MeanSampler, MedianSampler, RandomSampler, Sampler};
use super::trial::{StepResult, TrialState};
use crate::stats::histogram::{LogHistogram, bucket_index};
use crate::stats::rankcorr::{PairSums, RtoSums};

/// Trials per block: the unit of work and of within-block RTO ranking. Small enough that a
/// block's cruciality keys (4 bytes a step-trial) stay in a core's L2 cache beside the finish
/// histograms; large enough that ranking within it costs little (see [`crate::stats::rankcorr`]).
pub const BLOCK: usize = 256;

const _: () = assert!(TILE % LANES == 0 && BLOCK % TILE == 0);

/// How many trials to run, with which seed, on how many threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunConfig {
    /// Number of trials.
    pub trials: u64,
    /// The seed every random stream derives from.
    pub seed: u64,
    /// Worker threads; 0 lets rayon choose (one per core).
    pub threads: usize,
}

/// What one trial produced, kept for every trial.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Outcome {
    /// Recovery time in seconds.
    pub rto: f64,
    /// Failed attempts across all steps.
    pub failures: u32,
    /// Compiled index of the step that finished last, or [`NONE`](super::NONE).
    pub last: u32,
}

/// Integer sums over trials of one team's or limit's use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResourceSums {
    /// Unit-milliseconds in use (group-ms for teams).
    pub busy_ms: u64,
    /// Unit-milliseconds available up to each trial's RTO.
    pub capacity_ms: u64,
    /// Milliseconds ready steps waited for this resource.
    pub wait_ms: u64,
}

impl ResourceSums {
    fn merge(&mut self, o: &ResourceSums) {
        self.busy_ms += o.busy_ms;
        self.capacity_ms += o.capacity_ms;
        self.wait_ms += o.wait_ms;
    }
}

/// Statistics accumulated over trials.
#[derive(Debug, Clone, PartialEq)]
pub struct Accum {
    /// Trials in which each step was on the critical chain.
    pub critical: Vec<u64>,
    /// Each step's finish time.
    pub finish: Vec<LogHistogram>,
    /// Each step's start time (empty unless the model records starts).
    pub start: Vec<LogHistogram>,
    /// Rank-correlation sums of each step with the RTO.
    pub pairs: Vec<PairSums>,
    /// Rank sums of the RTO.
    pub rto_ranks: RtoSums,
    /// Per team.
    pub teams: Vec<ResourceSums>,
    /// Per limit.
    pub limits: Vec<ResourceSums>,
    /// Trials in which each risk fired, in plan order.
    pub fired: Vec<u64>,
    /// Trials whose data loss (the largest of the fired risks') was set by each risk, in plan
    /// order (ties to the first), then the trials that lost no data: what the recovery point
    /// distribution is read from.
    pub data_loss_set_by: Vec<u64>,
    /// Trials in which each step was on each milestone's critical chain: milestone `k`, step
    /// `s` at `k * steps + s`.
    pub milestone_critical: Vec<u64>,
    /// Rank sums of each milestone's time (empty sums for a milestone whose needs all survive,
    /// or when the run collects outcomes alone).
    pub milestone_ranks: Vec<RtoSums>,
    /// Rank-correlation sums of each step with each milestone's time: milestone `k`, step `s`
    /// at `k * steps + s`.
    pub milestone_pairs: Vec<PairSums>,
}

impl Accum {
    fn new(model: &Model) -> Accum {
        let n = model.len();
        Accum {
            critical: vec![0; n],
            finish: vec![LogHistogram::new(); n],
            start: vec![LogHistogram::new(); n],
            pairs: vec![PairSums::default(); n],
            rto_ranks: RtoSums::default(),
            teams: vec![ResourceSums::default(); model.team_groups.len()],
            limits: vec![ResourceSums::default(); model.limit_capacity.len()],
            fired: vec![0; model.chaos.as_ref().map_or(0, |c| c.risks.len())],
            data_loss_set_by: vec![0; model.chaos.as_ref().map_or(0, |c| c.risks.len() + 1)],
            milestone_critical: vec![0; n * model.milestones.len()],
            milestone_ranks: vec![RtoSums::default(); model.milestones.len()],
            milestone_pairs: vec![PairSums::default(); n * model.milestones.len()],
        }
    }

    /// Step `c`'s cruciality for the whole recovery: the rank correlation of its duration with
    /// the RTO.
    pub fn cruciality(&self, c: usize) -> f64 {
        self.pairs[c].rho(&self.rto_ranks)
    }

    /// Step `c`'s cruciality for milestone `k`: the rank correlation of its duration with when
    /// the milestone is reached.
    pub fn milestone_cruciality(&self, k: usize, c: usize) -> f64 {
        self.milestone_pairs[k * self.pairs.len() + c].rho(&self.milestone_ranks[k])
    }

    fn merge(mut self, o: Accum) -> Accum {
        for (a, b) in self.critical.iter_mut().zip(&o.critical) {
            *a += b;
        }
        for (a, b) in self.finish.iter_mut().zip(&o.finish) {
            a.merge(b);
        }
        for (a, b) in self.start.iter_mut().zip(&o.start) {
            a.merge(b);
        }
        for (a, b) in self
            .pairs
            .iter_mut()
            .chain(&mut self.milestone_pairs)
            .zip(o.pairs.iter().chain(&o.milestone_pairs))
        {
            a.merge(b);
        }
        for (a, b) in std::iter::once(&mut self.rto_ranks)
            .chain(&mut self.milestone_ranks)
            .zip(std::iter::once(&o.rto_ranks).chain(&o.milestone_ranks))
        {
            a.merge(b);
        }
        for (a, b) in self.teams.iter_mut().zip(&o.teams) {
            a.merge(b);
        }
        for (a, b) in self.limits.iter_mut().zip(&o.limits) {
            a.merge(b);
        }
        for (a, b) in self.fired.iter_mut().zip(&o.fired) {
            *a += b;
        }
        for (a, b) in self.data_loss_set_by.iter_mut().zip(&o.data_loss_set_by) {
            *a += b;
        }
        for (a, b) in self
            .milestone_critical
            .iter_mut()
            .zip(&o.milestone_critical)
        {
            *a += b;
        }
        self
    }
}

/// Everything a run produced.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// One outcome per trial, in trial order.
    pub outcomes: Vec<Outcome>,
    /// When each milestone was reached in each trial (empty for a plan without milestones).
    pub milestones: MilestoneTimes,
    /// Streamed statistics.
    pub accum: Accum,
}

#[inline]
fn ms(seconds: f64) -> u64 {
    (seconds * 1000.0).round() as u64
}

/// One thread's working set: accumulators and reused buffers.
///
/// Each trial leaves a row of per-step values. Keys go straight to the block's key matrix,
/// which is laid out tile by tile (a run of [`TILE`] trials per step), so each write of a trial
/// lands beside the one of the trial before, and each step's keys are read back at the block's
/// end as a few contiguous runs. Finish times wait a tile in `finish_tile`, then go to the
/// histograms one step at a time.
struct Worker {
    accum: Accum,
    state: TrialState,
    /// Finish-time buckets of the current tile, [`TILE`] cells per step.
    finish_tile: Vec<u32>,
    /// The block's cruciality keys, and what ranks them.
    keys: BlockKeys,
    /// For plans whose trials can run side by side (see [`TrialBatch`]).
    batch: Option<TrialBatch>,
    /// Whether the run collects everything or only each trial's outcome.
    collect: Collect,
}

/// What a run collects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Collect {
    /// Outcomes and every streamed statistic.
    Everything,
    /// Only each trial's outcome: what a what-if run or a staffing option needs.
    Outcomes,
}

impl Worker {
    fn new(model: &Model, collect: Collect) -> Worker {
        let n = if collect == Collect::Everything {
            model.len()
        } else {
            0
        };
        Worker {
            accum: Accum::new(model),
            state: TrialState::new(model),
            finish_tile: vec![0; TILE * n],
            keys: BlockKeys::new(model, n),
            batch: (model.unconstrained && model.chaos.is_none() && !model.record_starts)
                .then(|| TrialBatch::new(model)),
            collect,
        }
    }

    fn block(
        &mut self,
        model: &Model,
        seed: u64,
        block: usize,
        outcomes: &mut [Outcome],
        marks: &mut [f64],
    ) {
        let first = (block * BLOCK) as u64;
        let trials = outcomes.len();
        let m = model.milestones.len();
        // Plans without teams, limits or chaos run LANES trials at a time (the same results as
        // one at a time); what is left over, and every other plan, one at a time.
        let batched = if self.batch.is_some() {
            trials / LANES * LANES
        } else {
            0
        };
        if self.collect == Collect::Outcomes {
            for i in (0..batched).step_by(LANES) {
                self.batch_outcomes(model, seed, first, i, &mut outcomes[i..i + LANES]);
                self.mark_batch(model, &mut marks[i * m..(i + LANES) * m]);
            }
            for (i, out) in outcomes.iter_mut().enumerate().skip(batched) {
                *out = self.trial_outcome(model, RandomSampler::new(seed, first + i as u64));
                self.mark_state(model, &mut marks[i * m..(i + 1) * m]);
            }
            return;
        }
        for i in (0..batched).step_by(LANES) {
            self.batch_trials(model, seed, first, i, &mut outcomes[i..i + LANES]);
            self.mark_batch(model, &mut marks[i * m..(i + LANES) * m]);
            self.end_tile(i + LANES - 1, trials);
        }
        for (i, out) in outcomes.iter_mut().enumerate().skip(batched) {
            *out = self.trial(model, RandomSampler::new(seed, first + i as u64), i);
            self.mark_state(model, &mut marks[i * m..(i + 1) * m]);
            self.end_tile(i, trials);
        }
        self.rank_block(model, outcomes, marks);
    }

    /// Writes when each milestone was reached in the trial the state holds to `marks` and,
    /// when the run collects everything, counts each milestone's critical chain: back from the
    /// step that completed it along the events that let each step start.
    #[inline]
    fn mark_state(&mut self, model: &Model, marks: &mut [f64]) {
        let (n, st) = (model.len(), &self.state);
        for (k, mark) in marks.iter_mut().enumerate() {
            let (at, by) = model.milestones.reached(k, |s| st.finish[s]);
            *mark = at;
            if self.collect == Collect::Everything {
                let critical = &mut self.accum.milestone_critical[k * n..][..n];
                let mut s = by;
                while s != NONE {
                    critical[s as usize] += 1;
                    s = st.enabler[s as usize];
                }
            }
        }
    }

    /// [`Worker::mark_state`] for the trials of the batch, lane by lane.
    #[inline]
    fn mark_batch(&mut self, model: &Model, marks: &mut [f64]) {
        let m = model.milestones.len();
        if m == 0 {
            return;
        }
        let n = model.len();
        let batch = self
            .batch
            .as_ref()
            .expect("trials run side by side only when the plan allows it");
        for (l, marks) in marks.chunks_exact_mut(m).enumerate() {
            for (k, mark) in marks.iter_mut().enumerate() {
                let (at, by) = model.milestones.reached(k, |s| batch.finish[s][l]);
                *mark = at;
                if self.collect == Collect::Everything {
                    let critical = &mut self.accum.milestone_critical[k * n..][..n];
                    let mut s = by;
                    while s != NONE {
                        critical[s as usize] += 1;
                        s = batch.enabler[s as usize][l];
                    }
                }
            }
        }
    }

    /// Runs one trial for its outcome alone.
    fn trial_outcome(&mut self, model: &Model, mut sampler: RandomSampler) -> Outcome {
        outcome_of(&mut self.state, model, &mut sampler, None)
    }

    /// Runs trials `i..i + LANES` of the block side by side for their outcomes alone.
    fn batch_outcomes(
        &mut self,
        model: &Model,
        seed: u64,
        first: u64,
        i: usize,
        outcomes: &mut [Outcome],
    ) {
        let batch = self
            .batch
            .as_mut()
            .expect("trials run side by side only when the plan allows it");
        let mut samplers = lane_samplers(seed, first + i as u64);
        let mut failures = [0; LANES];
        batch.run(model, &mut samplers, |_, step| {
            for (total, &f) in failures.iter_mut().zip(&step.failures) {
                *total += f;
            }
        });
        for (l, out) in outcomes.iter_mut().enumerate() {
            *out = Outcome {
                rto: batch.rto[l],
                failures: failures[l],
                last: batch.last[l],
            };
        }
    }

    /// Runs trial `i` of the block, recording its steps in the tile.
    fn trial(&mut self, model: &Model, mut sampler: RandomSampler, i: usize) -> Outcome {
        let n = model.len();
        let (finish_tile, keys) = (&mut self.finish_tile, &mut self.keys.keys);
        let start = &mut self.accum.start;
        let row = i % TILE;
        let mut failures = 0;
        let mut record = |s: usize, step: &StepResult| {
            finish_tile[s * TILE + row] = bucket_index(step.finish);
            keys[key_cell(n, s, i)] = step.key as f32;
            failures += step.failures;
        };
        let rto = if model.record_starts {
            self.state.run_observed(model, &mut sampler, |s, step| {
                record(s, step);
                start[s].record(step.start);
            })
        } else {
            self.state.run_observed(model, &mut sampler, &mut record)
        };
        let critical = &mut self.accum.critical;
        self.state.critical_chain(|s| critical[s] += 1);
        self.add_resources(model, rto);
        for (count, &fired) in self.accum.fired.iter_mut().zip(&self.state.chaos.fired) {
            *count += u64::from(fired);
        }
        if let Some(chaos) = &model.chaos {
            let fired = &self.state.chaos.fired;
            let (mut worst, mut by) = (0.0, chaos.risks.len());
            for (r, risk) in chaos.risks.iter().enumerate() {
                if fired[r] && risk.data_loss > worst {
                    (worst, by) = (risk.data_loss, r);
                }
            }
            self.accum.data_loss_set_by[by] += 1;
        }
        Outcome {
            rto,
            failures,
            last: self.state.last,
        }
    }

    /// Runs trials `i..i + LANES` of the block side by side, recording their steps in the tile
    /// (whose rows they fill together: LANES divides TILE).
    fn batch_trials(
        &mut self,
        model: &Model,
        seed: u64,
        first: u64,
        i: usize,
        outcomes: &mut [Outcome],
    ) {
        let n = model.len();
        let batch = self
            .batch
            .as_mut()
            .expect("trials run side by side only when the plan allows it");
        let mut samplers = lane_samplers(seed, first + i as u64);
        let (finish_tile, keys) = (&mut self.finish_tile, &mut self.keys.keys);
        let row = i % TILE;
        let mut failures = [0; LANES];
        batch.run(model, &mut samplers, |s, step| {
            // The lanes are adjacent rows of the tile, so adjacent cells of both matrices.
            let (buckets, cell) = (s * TILE + row, key_cell(n, s, i));
            for l in 0..LANES {
                finish_tile[buckets + l] = bucket_index(step.finish[l]);
                keys[cell + l] = step.key[l] as f32;
                failures[l] += step.failures[l];
            }
        });
        let critical = &mut self.accum.critical;
        batch.critical_chains(|s| critical[s] += 1);
        let (rto, last) = (batch.rto, batch.last);
        for (l, out) in outcomes.iter_mut().enumerate() {
            *out = Outcome {
                rto: rto[l],
                failures: failures[l],
                last: last[l],
            };
            self.add_resources(model, rto[l]);
        }
    }

    /// Adds a trial's use of teams and limits, as the trial state holds it (all zero for an
    /// unconstrained plan, whose schedule never touches them), and their capacity up to `rto`.
    fn add_resources(&mut self, model: &Model, rto: f64) {
        let st = &self.state;
        for (t, sums) in self.accum.teams.iter_mut().enumerate() {
            sums.busy_ms += ms(st.team_busy[t]);
            sums.capacity_ms += ms(f64::from(model.team_groups[t]) * rto);
            sums.wait_ms += ms(st.team_wait[t]);
        }
        for (l, sums) in self.accum.limits.iter_mut().enumerate() {
            sums.busy_ms += ms(st.limit_busy[l]);
            sums.capacity_ms += ms(f64::from(model.limit_capacity[l]) * rto);
            sums.wait_ms += ms(st.limit_wait[l]);
        }
    }

    /// After trial `i` of a block of `trials`: when it completes the tile, or the block, moves
    /// the tile's finish times into the histograms.
    fn end_tile(&mut self, i: usize, trials: usize) {
        let row = i % TILE;
        if row == TILE - 1 || i == trials - 1 {
            let buckets = self.finish_tile.chunks_exact(TILE);
            for (hist, buckets) in self.accum.finish.iter_mut().zip(buckets) {
                hist.record_buckets(&buckets[..=row]);
            }
        }
    }

    /// Ranks the block's RTOs, and the times of each milestone that needs a step, and adds
    /// each step's rank sums with them.
    fn rank_block(&mut self, model: &Model, outcomes: &[Outcome], marks: &[f64]) {
        let (n, m) = (model.len(), model.milestones.len());
        let (keys, accum) = (&mut self.keys, &mut self.accum);
        keys.rank_keys(outcomes.len());
        keys.add_target(
            outcomes.iter().map(|o| o.rto),
            &mut accum.rto_ranks,
            &mut accum.pairs,
        );
        for k in (0..m).filter(|&k| !model.milestones.steps(k).is_empty()) {
            keys.add_target(
                marks.iter().skip(k).step_by(m).copied(),
                &mut accum.milestone_ranks[k],
                &mut accum.milestone_pairs[k * n..][..n],
            );
        }
    }
}

/// The samplers of trials `first..first + LANES`, run side by side.
fn lane_samplers(seed: u64, first: u64) -> [RandomSampler; LANES] {
    std::array::from_fn(|l| RandomSampler::new(seed, first + l as u64))
}

/// Runs `config.trials` trials of `model`. `progress` is called with the number of trials
/// finished after each block, from worker threads.
pub fn run(
    model: &Model,
    config: &RunConfig,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<RunResult, rayon::ThreadPoolBuildError> {
    run_collecting(model, config, Collect::Everything, progress)
}

/// Runs `config.trials` trials of `model` for their outcomes alone: no criticality, ranks,
/// histograms or resource sums, so a what-if run or a staffing option costs only its schedules.
/// Trial `i` is trial `i` of [`run`] with the same seed: the same draws, the same outcome.
pub fn run_outcomes(
    model: &Model,
    config: &RunConfig,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<Outcome>, rayon::ThreadPoolBuildError> {
    Ok(run_collecting(model, config, Collect::Outcomes, progress)?.outcomes)
}

/// [`run_outcomes`] with each trial's milestone times: what a what-if run or a staffing option
/// needs to say what it does to each milestone.
pub fn run_outcomes_with_milestones(
    model: &Model,
    config: &RunConfig,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(Vec<Outcome>, MilestoneTimes), rayon::ThreadPoolBuildError> {
    let run = run_collecting(model, config, Collect::Outcomes, progress)?;
    Ok((run.outcomes, run.milestones))
}

fn run_collecting(
    model: &Model,
    config: &RunConfig,
    collect: Collect,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<RunResult, rayon::ThreadPoolBuildError> {
    let mut outcomes = vec![Outcome::default(); config.trials as usize];
    let m = model.milestones.len();
    let mut milestones = MilestoneTimes::new(m, outcomes.len());
    // Each block's milestone times beside its outcomes (empty slices without milestones).
    let marks = milestones
        .times
        .chunks_mut((BLOCK * m).max(1))
        .chain(std::iter::repeat_with(<&mut [f64]>::default));
    // Which thread runs a block does not matter: every statistic merges exactly.
    let blocks = outcomes.chunks_mut(BLOCK).zip(marks).enumerate();
    let accums = on_threads(
        config.threads,
        blocks,
        || Worker::new(model, collect),
        |worker, (block, (chunk, marks))| {
            worker.block(model, config.seed, block, chunk, marks);
            progress(chunk.len() as u64);
        },
    )?;
    let accum = accums
        .into_iter()
        .map(|w| w.accum)
        .fold(Accum::new(model), Accum::merge);
    Ok(RunResult {
        outcomes,
        milestones,
        accum,
    })
}

/// Runs one trial of `model` in `state` for its outcome alone, with the chaos draws `shared`
/// gives when given (see [`TrialState::run_sharing`]).
#[inline]
pub(super) fn outcome_of<S: Sampler>(
    state: &mut TrialState,
    model: &Model,
    sampler: &mut S,
    shared: Option<&ChaosDraws>,
) -> Outcome {
    let mut failures = 0;
    let rto = state.run_sharing(model, sampler, shared, |_, step| failures += step.failures);
    Outcome {
        rto,
        failures,
        last: state.last,
    }
}

/// Hands the `items` to `threads` threads (0: the shared pool, one per core) one at a time,
/// each thread keeping one worker, made by `make` when it takes its first item, for all the
/// items it takes: the threads finish within an item of each other, and only one worker per
/// thread is left to merge. Returns those workers.
pub(super) fn on_threads<T: Send, W: Send>(
    threads: usize,
    items: impl Iterator<Item = T> + Send,
    make: impl Fn() -> W + Sync,
    work: impl Fn(&mut W, T) + Sync,
) -> Result<Vec<W>, rayon::ThreadPoolBuildError> {
    let items = Mutex::new(items);
    let each = |_: rayon::BroadcastContext<'_>| {
        let mut worker: Option<W> = None;
        loop {
            let next = items.lock().unwrap_or_else(PoisonError::into_inner).next();
            let Some(item) = next else {
                return worker;
            };
            work(worker.get_or_insert_with(&make), item);
        }
    };
    // With no thread count given, the shared pool does (one thread per core), which saves
    // starting threads for every run of a sweep.
    let workers = if threads == 0 {
        rayon::broadcast(each)
    } else {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()?
            .broadcast(each)
    };
    Ok(workers.into_iter().flatten().collect())
}

/// The outcome and full schedule of one trial, for charts of a representative run.
pub fn replay(model: &Model, seed: u64, trial: u64) -> TrialState {
    let mut state = TrialState::new(model);
    state.run_complete(model, &mut RandomSampler::new(seed, trial));
    state
}

/// The schedule with every duration at its mean and no failures.
pub fn deterministic(model: &Model) -> TrialState {
    let mut state = TrialState::new(model);
    state.run_complete(model, &mut MeanSampler);
    state
}

/// The planned schedule of a run sheet: [`MedianSampler`]'s day, dispatched by the model's
/// policy as the simulation dispatches.
pub fn planned(model: &Model) -> TrialState {
    let mut state = TrialState::new(model);
    state.run_complete(model, &mut MedianSampler);
    state
}
