//! The Monte Carlo runner: trials in fixed blocks, spread over threads, reduced exactly.
//!
//! Trial `i` always draws from the streams of `(seed, i)` and always lands in block
//! `i / BLOCK`, and every statistic is summed in integers (counts, fixed-point sums, integer
//! milliseconds), so the result is bit-identical at any thread count. Per-trial memory is one
//! [`Outcome`] (16 bytes); per-step statistics are streamed, never stored per trial.

use std::sync::{Mutex, PoisonError};

use super::batch::{LANES, TrialBatch};
use super::milestones::MilestoneTimes;
use super::model::{CStep, Model, NONE};
use super::trial::{RandomSampler, Sampler, StepResult, StepTiming, TrialState};
use crate::dist::{BetaCdfTable, Score, normal_cdf_f32};
use crate::stats::histogram::{LogHistogram, bucket_index};
use crate::stats::rankcorr::{PairSums, RtoSums, block_rank_sums, block_ranks};

/// Trials per block: the unit of work and of within-block RTO ranking. Small enough that a
/// block's cruciality keys (4 bytes a step-trial) stay in a core's L2 cache beside the finish
/// histograms; large enough that ranking within it costs little (see [`crate::stats::rankcorr`]).
pub const BLOCK: usize = 256;

/// Trials whose values are kept side by side, step by step: the histogram of a step then
/// takes a burst of increments that overlap in the memory system, instead of one cache miss
/// between every two draws, and its keys form a run that vector instructions take at once.
const TILE: usize = 32;
const _: () = assert!(TILE % LANES == 0 && BLOCK % TILE == 0);

/// Where trial `i`'s key of step `s` is in a block's key matrix of `steps` steps, laid out tile
/// by tile: a run of [`TILE`] trials per step.
#[inline(always)]
fn key_cell(steps: usize, s: usize, i: usize) -> usize {
    (i / TILE * steps + s) * TILE + i % TILE
}

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
        }
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
        for (a, b) in self.pairs.iter_mut().zip(&o.pairs) {
            a.merge(b);
        }
        self.rto_ranks.merge(&o.rto_ranks);
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

/// What a step's cruciality key holds during the trial.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    /// The draw's population rank, ready to use.
    Rank,
    /// A lognormal draw's normal score `z`: its rank is the normal CDF, taken per block.
    NormalScore,
    /// The step's total time over its attempts (it has retries): ranked within the block.
    Total,
    /// A beta-PERT draw's beta variate: its rank is the tabulated beta CDF (the table's index
    /// in [`Worker::beta_tables`]), taken per block.
    BetaScore(usize),
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
    /// Cruciality keys of the block: tile `t`, step `s`, row `r` at `(t * steps + s) * TILE + r`.
    keys: Vec<f32>,
    rto_rank: Vec<f64>,
    rto_rank32: Vec<f32>,
    column: Vec<f64>,
    column_rank: Vec<f64>,
    order: Vec<u32>,
    key_kinds: Vec<KeyKind>,
    /// The beta CDFs of the steps whose keys are [`KeyKind::BetaScore`].
    beta_tables: Vec<BetaCdfTable>,
    arch: pulp::Arch,
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
        let mut beta_tables = Vec::new();
        let key_kinds = (0..n)
            .map(|s| {
                if model.steps[s].has_retries() {
                    return KeyKind::Total;
                }
                match model.steps[s].dist.score() {
                    Score::Normal => KeyKind::NormalScore,
                    Score::Beta { a, b } => {
                        beta_tables.push(BetaCdfTable::new(a, b));
                        KeyKind::BetaScore(beta_tables.len() - 1)
                    }
                    Score::Rank => KeyKind::Rank,
                }
            })
            .collect();
        Worker {
            accum: Accum::new(model),
            state: TrialState::new(model),
            finish_tile: vec![0; TILE * n],
            keys: vec![0.0; BLOCK * n],
            rto_rank: vec![0.0; BLOCK],
            rto_rank32: vec![0.0; BLOCK],
            column: vec![0.0; BLOCK],
            column_rank: vec![0.0; BLOCK],
            order: Vec::with_capacity(BLOCK),
            key_kinds,
            beta_tables,
            arch: pulp::Arch::new(),
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
        self.rank_block(model.len(), outcomes);
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
        let mut failures = 0;
        let rto = self
            .state
            .run_observed(model, &mut sampler, |_, step| failures += step.failures);
        Outcome {
            rto,
            failures,
            last: self.state.last,
        }
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
        let (finish_tile, keys) = (&mut self.finish_tile, &mut self.keys);
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
        let (finish_tile, keys) = (&mut self.finish_tile, &mut self.keys);
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

    /// Ranks the block's RTOs and adds each step's rank sums with them.
    fn rank_block(&mut self, n: usize, outcomes: &[Outcome]) {
        let len = outcomes.len();
        self.column.clear();
        self.column.extend(outcomes.iter().map(|o| o.rto));
        let rto_rank = &mut self.rto_rank[..len];
        block_ranks(&self.column, &mut self.order, rto_rank);
        let (sum_r, sum_rr) = block_rank_sums(rto_rank);
        self.accum.rto_ranks.add_block(len as u64, sum_r, sum_rr);
        let ranks = &mut self.rto_rank32[..len];
        for (r32, &r) in ranks.iter_mut().zip(rto_rank.iter()) {
            *r32 = r as f32;
        }
        let ranks = &*ranks;
        for (s, kind) in self.key_kinds.iter().enumerate() {
            if let &KeyKind::BetaScore(t) = kind {
                let table = &self.beta_tables[t];
                for i in 0..len {
                    let key = &mut self.keys[key_cell(n, s, i)];
                    *key = table.cdf(f64::from(*key)) as f32;
                }
            }
        }
        self.arch.dispatch(StepRankSums {
            steps: n,
            kinds: &self.key_kinds,
            pairs: &mut self.accum.pairs,
            keys: &mut self.keys,
            ranks,
            column: &mut self.column,
            column_rank: &mut self.column_rank,
            order: &mut self.order,
        });
    }
}

/// The samplers of trials `first..first + LANES`, run side by side.
fn lane_samplers(seed: u64, first: u64) -> [RandomSampler; LANES] {
    std::array::from_fn(|l| RandomSampler::new(seed, first + l as u64))
}

/// The block's rank sums of every step with the RTO: the work of [`Worker::rank_block`] that
/// vector instructions speed up, run with the widest the CPU has (AVX2 where present). The
/// operations and their order are the same on every path, so the sums agree to the bit.
struct StepRankSums<'a> {
    steps: usize,
    kinds: &'a [KeyKind],
    pairs: &'a mut [PairSums],
    keys: &'a mut [f32],
    ranks: &'a [f32],
    column: &'a mut Vec<f64>,
    column_rank: &'a mut [f64],
    order: &'a mut Vec<u32>,
}

impl pulp::WithSimd for StepRankSums<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) {
        let (n, len, keys) = (self.steps, self.ranks.len(), self.keys);
        let cell = |s: usize, i: usize| key_cell(n, s, i);
        for (s, (&kind, pair)) in self.kinds.iter().zip(self.pairs).enumerate() {
            // A step ranked within the block: its totals become ranks, with their sums.
            let own = (kind == KeyKind::Total).then(|| {
                self.column.clear();
                self.column
                    .extend((0..len).map(|i| f64::from(keys[cell(s, i)])));
                let own = &mut self.column_rank[..len];
                block_ranks(self.column, self.order, own);
                for (i, &r) in own.iter().enumerate() {
                    keys[cell(s, i)] = r as f32;
                }
                block_rank_sums(own)
            });
            let runs = (0..len.div_ceil(TILE)).map(|t| {
                let rows = TILE.min(len - t * TILE);
                (
                    &keys[cell(s, t * TILE)..][..rows],
                    &self.ranks[t * TILE..][..rows],
                )
            });
            let (k, kk, kr) = rank_sums(runs, kind == KeyKind::NormalScore);
            let (k, kk) = own.unwrap_or((k, kk));
            pair.add_block(k, kk, kr);
        }
    }
}

/// Sums over a block of a step's rank keys `k`, of their squares and of their products with
/// the RTO's ranks `r`, given as runs of (keys, ranks); normal scores become ranks (the normal
/// CDF) on the way. The sums run in eight single-precision lanes (vector instructions), each
/// lane taking at most a block's share of trials, where rounding stays near 1e-6; the lanes are
/// added in double precision, always in the same order.
#[inline(always)]
fn rank_sums<'a>(
    runs: impl Iterator<Item = (&'a [f32], &'a [f32])>,
    normal_scores: bool,
) -> (f64, f64, f64) {
    const LANES: usize = 8;
    let (mut lk, mut lkk, mut lkr) = ([0.0_f32; LANES], [0.0_f32; LANES], [0.0_f32; LANES]);
    for (keys, ranks) in runs {
        let mut add = |lane: usize, key: f32, r: f32| {
            let u = if normal_scores {
                normal_cdf_f32(key)
            } else {
                key
            };
            lk[lane] += u;
            lkk[lane] += u * u;
            lkr[lane] += u * r;
        };
        let whole = keys.len() / LANES * LANES;
        for (k8, r8) in keys[..whole]
            .chunks_exact(LANES)
            .zip(ranks[..whole].chunks_exact(LANES))
        {
            for lane in 0..LANES {
                add(lane, k8[lane], r8[lane]);
            }
        }
        for (lane, (&key, &r)) in keys[whole..].iter().zip(&ranks[whole..]).enumerate() {
            add(lane, key, r);
        }
    }
    let total = |lanes: [f32; LANES]| lanes.iter().map(|&x| f64::from(x)).sum::<f64>();
    (total(lk), total(lkk), total(lkr))
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
    // Each thread keeps one worker and takes the next block whenever it is free, so the threads
    // finish within a block of each other, and only one set of histograms per thread is merged.
    // Which thread runs a block does not matter: every statistic merges exactly.
    let blocks = Mutex::new(outcomes.chunks_mut(BLOCK).zip(marks).enumerate());
    let work = |_: rayon::BroadcastContext<'_>| {
        let mut worker: Option<Worker> = None;
        loop {
            let next = blocks.lock().unwrap_or_else(PoisonError::into_inner).next();
            let Some((block, (chunk, marks))) = next else {
                return worker.map(|w| w.accum);
            };
            let worker = worker.get_or_insert_with(|| Worker::new(model, collect));
            worker.block(model, config.seed, block, chunk, marks);
            progress(chunk.len() as u64);
        }
    };
    // With no thread count given, the shared pool does (one thread per core), which saves
    // starting threads for every run of a sweep.
    let accums = if config.threads == 0 {
        rayon::broadcast(work)
    } else {
        rayon::ThreadPoolBuilder::new()
            .num_threads(config.threads)
            .build()?
            .broadcast(work)
    };
    let accum = accums
        .into_iter()
        .flatten()
        .fold(Accum::new(model), Accum::merge);
    Ok(RunResult {
        outcomes,
        milestones,
        accum,
    })
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
    state.run_complete(model, &mut super::trial::MeanSampler);
    state
}

/// Every step at its median time, no failures and no risk: a day that goes to plan. Unlike
/// means, medians are times a step takes as often as not, so a crew can follow this schedule.
#[derive(Debug, Clone, Copy, Default)]
pub struct MedianSampler;

impl Sampler for MedianSampler {
    fn time(&mut self, step: &CStep) -> StepTiming {
        let (length, hands) = super::model::attempt_time(step, step.dist.quantile(0.5));
        StepTiming {
            lead: 0.0,
            length,
            hands,
            key: 0.5,
            failures: 0,
        }
    }
}

/// The planned schedule of a run sheet: [`MedianSampler`]'s day, dispatched by the model's
/// policy as the simulation dispatches.
pub fn planned(model: &Model) -> TrialState {
    let mut state = TrialState::new(model);
    state.run_complete(model, &mut MedianSampler);
    state
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`rank_sums`] over one block's runs, with the instructions `Arch` picks.
    struct BlockSums<'a> {
        keys: &'a [f32],
        ranks: &'a [f32],
        normal_scores: bool,
    }

    impl pulp::WithSimd for BlockSums<'_> {
        type Output = (f64, f64, f64);

        #[inline(always)]
        fn with_simd<S: pulp::Simd>(self, _: S) -> Self::Output {
            let runs = self.keys.chunks(TILE).zip(self.ranks.chunks(TILE));
            rank_sums(runs, self.normal_scores)
        }
    }

    /// The two paths differ in their instructions only where the compiler vectorises, that is
    /// under optimisation: run with `cargo test --release` to check the AVX2 path (checked when
    /// this was written).
    #[test]
    fn rank_sums_agree_to_the_bit_with_and_without_vector_instructions() {
        // Normal scores spread over (-4, 4), and ranks in a scrambled order; a short last run.
        let len = BLOCK - 5;
        let keys: Vec<f32> = (0..len)
            .map(|i| ((i * 37 % len) as f32 / len as f32 - 0.5) * 8.0)
            .collect();
        let ranks: Vec<f32> = (0..len)
            .map(|i| (i * 101 % len) as f32 / (len - 1) as f32)
            .collect();
        for normal_scores in [true, false] {
            let sums = |arch: pulp::Arch| {
                let (k, kk, kr) = arch.dispatch(BlockSums {
                    keys: &keys,
                    ranks: &ranks,
                    normal_scores,
                });
                [k.to_bits(), kk.to_bits(), kr.to_bits()]
            };
            assert_eq!(sums(pulp::Arch::Scalar), sums(pulp::Arch::new()));
        }
    }
}
