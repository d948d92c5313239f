//! The Monte Carlo runner: trials in fixed blocks, spread over threads, reduced exactly.
//!
//! Trial `i` always draws from the streams of `(seed, i)` and always lands in block
//! `i / BLOCK`, and every statistic is summed in integers (counts, fixed-point sums, integer
//! milliseconds), so the result is bit-identical at any thread count. Per-trial memory is one
//! [`Outcome`] (16 bytes); per-step statistics are streamed, never stored per trial.

use std::sync::{Mutex, PoisonError};

use super::model::Model;
use super::trial::{RandomSampler, StepResult, TrialState};
use crate::dist::normal_cdf_f32;
use crate::stats::histogram::{LogHistogram, bucket_index};
use crate::stats::rankcorr::{PairSums, RtoSums, normalized_midranks};

/// Trials per block: the unit of work and of within-block RTO ranking.
pub const BLOCK: usize = 1024;

/// Trials whose finish times are kept, step by step, and recorded together: the histogram of
/// a step then takes a burst of increments that overlap in the memory system, instead of one
/// cache miss between every two draws.
const TILE: usize = 32;

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
    /// Compiled index of the step that finished last, or [`NONE`].
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
        self
    }
}

/// Everything a run produced.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// One outcome per trial, in trial order.
    pub outcomes: Vec<Outcome>,
    /// Streamed statistics.
    pub accum: Accum,
}

#[inline]
fn ms(seconds: f64) -> u64 {
    (seconds * 1000.0).round() as u64
}

/// Distance between two steps' key columns: a block and a cache line. With a power-of-two
/// distance, the cells a tile writes (one run per step) would compete for the same cache sets.
const COLUMN: usize = BLOCK + 16;

/// What a step's cruciality key holds during the trial.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    /// The draw's population rank, ready to use.
    Rank,
    /// A lognormal draw's normal score `z`: its rank is the normal CDF, taken per block.
    NormalScore,
    /// The step's total time over its attempts (it has retries): ranked within the block.
    Total,
}

/// One thread's working set: accumulators and reused buffers.
///
/// Each trial leaves a row of per-step values; they are gathered a [`TILE`] of trials at a
/// time into a column per step, so each step's histogram and rank sums are then taken over
/// contiguous memory, one step at a time.
struct Worker {
    accum: Accum,
    state: TrialState,
    /// Finish-time buckets of the current tile, [`TILE`] cells per step.
    finish_tile: Vec<u32>,
    /// Cruciality keys of the current tile, [`TILE`] cells per step.
    key_tile: Vec<f32>,
    /// Cruciality keys of the block, a [`COLUMN`] per step.
    keys: Vec<f32>,
    rto_rank: Vec<f64>,
    rto_rank32: Vec<f32>,
    column: Vec<f64>,
    column_rank: Vec<f64>,
    order: Vec<u32>,
    key_kinds: Vec<KeyKind>,
}

impl Worker {
    fn new(model: &Model) -> Worker {
        let n = model.len();
        Worker {
            accum: Accum::new(model),
            state: TrialState::new(model),
            finish_tile: vec![0; TILE * n],
            key_tile: vec![0.0; TILE * n],
            keys: vec![0.0; COLUMN * n],
            rto_rank: vec![0.0; BLOCK],
            rto_rank32: vec![0.0; BLOCK],
            column: vec![0.0; BLOCK],
            column_rank: vec![0.0; BLOCK],
            order: Vec::with_capacity(BLOCK),
            key_kinds: (0..n)
                .map(|s| {
                    if model.steps[s].has_retries() {
                        KeyKind::Total
                    } else if model.steps[s].dist.scores_are_normal() {
                        KeyKind::NormalScore
                    } else {
                        KeyKind::Rank
                    }
                })
                .collect(),
        }
    }

    fn block(&mut self, model: &Model, seed: u64, block: usize, outcomes: &mut [Outcome]) {
        let first = (block * BLOCK) as u64;
        let trials = outcomes.len();
        for (i, out) in outcomes.iter_mut().enumerate() {
            let mut sampler = RandomSampler::new(seed, first + i as u64);
            let (finish_tile, key_tile) = (&mut self.finish_tile, &mut self.key_tile);
            let start = &mut self.accum.start;
            let row = i % TILE;
            let mut failures = 0;
            let mut record = |s: usize, step: &StepResult| {
                finish_tile[s * TILE + row] = bucket_index(step.finish);
                key_tile[s * TILE + row] = step.key as f32;
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
            let st = &self.state;
            let critical = &mut self.accum.critical;
            st.critical_chain(|s| critical[s] += 1);
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
            *out = Outcome {
                rto,
                failures,
                last: st.last,
            };
            if row == TILE - 1 || i == trials - 1 {
                self.flush_tile(i - row, row + 1);
            }
        }

        // Rank the RTO within the block, then take each step's column.
        let len = outcomes.len();
        self.column.clear();
        self.column.extend(outcomes.iter().map(|o| o.rto));
        let rto_rank = &mut self.rto_rank[..len];
        normalized_midranks(&self.column, &mut self.order, rto_rank);
        let (sum_r, sum_rr) = rto_rank
            .iter()
            .fold((0.0, 0.0), |(r, rr), &x| (r + x, rr + x * x));
        self.accum.rto_ranks.add_block(len as u64, sum_r, sum_rr);
        let ranks = &mut self.rto_rank32[..len];
        for (r32, &r) in ranks.iter_mut().zip(rto_rank.iter()) {
            *r32 = r as f32;
        }
        for ((&kind, pair), column) in self
            .key_kinds
            .iter()
            .zip(&mut self.accum.pairs)
            .zip(self.keys.chunks_exact_mut(COLUMN))
        {
            let keys = &mut column[..len];
            if kind == KeyKind::Total {
                let own = &mut self.column_rank[..len];
                normalized_midranks(keys, &mut self.order, own);
                for (k, &r) in keys.iter_mut().zip(own.iter()) {
                    *k = r as f32;
                }
            }
            let (k, kk, kr) = rank_sums(keys, ranks, kind == KeyKind::NormalScore);
            pair.add_block(k, kk, kr);
        }
    }

    /// Moves the tile's first `rows` trials, from trial `first` of the block, into the
    /// histograms and key columns, step by step.
    fn flush_tile(&mut self, first: usize, rows: usize) {
        let tiles = self
            .finish_tile
            .chunks_exact(TILE)
            .zip(self.key_tile.chunks_exact(TILE));
        for ((hist, column), (buckets, keys)) in self
            .accum
            .finish
            .iter_mut()
            .zip(self.keys.chunks_exact_mut(COLUMN))
            .zip(tiles)
        {
            hist.record_buckets(&buckets[..rows]);
            if rows == TILE {
                // A copy of known length, which compiles to a few vector moves.
                column[first..first + TILE].copy_from_slice(keys);
            } else {
                column[first..first + rows].copy_from_slice(&keys[..rows]);
            }
        }
    }
}

/// Sums of a step's rank keys `k` over a block, of their squares and of their products with
/// the RTO's ranks `r`; normal scores become ranks (the normal CDF) on the way. The sums run in
/// eight single-precision lanes (vector instructions) over runs of 64 trials, where rounding
/// stays near 1e-6, and the runs are added in double precision, always in the same order.
fn rank_sums(keys: &[f32], ranks: &[f32], normal_scores: bool) -> (f64, f64, f64) {
    const LANES: usize = 8;
    const RUN: usize = 64;
    let (mut k, mut kk, mut kr) = (0.0_f64, 0.0_f64, 0.0_f64);
    for (keys, ranks) in keys.chunks(RUN).zip(ranks.chunks(RUN)) {
        let (mut lk, mut lkk, mut lkr) = ([0.0_f32; LANES], [0.0_f32; LANES], [0.0_f32; LANES]);
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
        let total = |lanes: [f32; LANES]| lanes.iter().map(|&x| f64::from(x)).sum::<f64>();
        k += total(lk);
        kk += total(lkk);
        kr += total(lkr);
    }
    (k, kk, kr)
}

/// Runs `config.trials` trials of `model`. `progress` is called with the number of trials
/// finished after each block, from worker threads.
pub fn run(
    model: &Model,
    config: &RunConfig,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<RunResult, rayon::ThreadPoolBuildError> {
    let mut outcomes = vec![Outcome::default(); config.trials as usize];
    // Each thread keeps one worker and takes the next block whenever it is free, so the threads
    // finish within a block of each other, and only one set of histograms per thread is merged.
    // Which thread runs a block does not matter: every statistic merges exactly.
    let blocks = Mutex::new(outcomes.chunks_mut(BLOCK).enumerate());
    let work = |_: rayon::BroadcastContext<'_>| {
        let mut worker: Option<Worker> = None;
        loop {
            let next = blocks.lock().unwrap_or_else(PoisonError::into_inner).next();
            let Some((block, chunk)) = next else {
                return worker.map(|w| w.accum);
            };
            let worker = worker.get_or_insert_with(|| Worker::new(model));
            worker.block(model, config.seed, block, chunk);
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
    Ok(RunResult { outcomes, accum })
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
