//! The Monte Carlo runner: trials in fixed blocks, spread over threads, reduced exactly.
//!
//! Trial `i` always draws from the streams of `(seed, i)` and always lands in block
//! `i / BLOCK`, and every statistic is summed in integers (counts, fixed-point sums, integer
//! milliseconds), so the result is bit-identical at any thread count. Per-trial memory is one
//! [`Outcome`] (16 bytes); per-step statistics are streamed, never stored per trial.

use rayon::prelude::*;

use super::model::Model;
use super::trial::{RandomSampler, TrialState};
use crate::dist::NormalCdfTable;
use crate::stats::histogram::LogHistogram;
use crate::stats::rankcorr::{PairSums, RtoSums, normalized_midranks};

/// Trials per block: the unit of work and of within-block RTO ranking.
pub const BLOCK: usize = 1024;

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

/// One thread's working set: accumulators and reused buffers.
struct Worker {
    accum: Accum,
    state: TrialState,
    keys: Vec<f32>,
    rto_rank: Vec<f64>,
    column: Vec<f64>,
    column32: Vec<f32>,
    sum_k: Vec<f64>,
    sum_kk: Vec<f64>,
    sum_kr: Vec<f64>,
    column_rank: Vec<f64>,
    order: Vec<u32>,
    ranked_steps: Vec<usize>,
    normal_scored: Vec<bool>,
}

impl Worker {
    fn new(model: &Model) -> Worker {
        Worker {
            accum: Accum::new(model),
            state: TrialState::new(model),
            keys: vec![0.0; BLOCK * model.len()],
            rto_rank: vec![0.0; BLOCK],
            column: vec![0.0; BLOCK],
            column32: vec![0.0; BLOCK],
            sum_k: vec![0.0; model.len()],
            sum_kk: vec![0.0; model.len()],
            sum_kr: vec![0.0; model.len()],
            column_rank: vec![0.0; BLOCK],
            order: Vec::with_capacity(BLOCK),
            ranked_steps: (0..model.len())
                .filter(|&s| has_retries(model, s))
                .collect(),
            normal_scored: (0..model.len())
                .map(|s| !has_retries(model, s) && model.steps[s].dist.scores_are_normal())
                .collect(),
        }
    }

    fn block(&mut self, model: &Model, seed: u64, block: usize, outcomes: &mut [Outcome]) {
        let n = model.len();
        let first = (block * BLOCK) as u64;
        let cdf = NormalCdfTable::get();
        for (i, out) in outcomes.iter_mut().enumerate() {
            let mut sampler = RandomSampler::new(seed, first + i as u64);
            let rto = self.state.run(model, &mut sampler);
            let st = &self.state;
            let critical = &mut self.accum.critical;
            st.critical_chain(|s| critical[s] += 1);
            let keys = &mut self.keys[i * n..(i + 1) * n];
            let mut failures = 0;
            // Lognormal draws leave their normal scores: their ranks are the normal CDF.
            for ((hist, &finish), ((key, &k), (&normal, &f))) in
                self.accum.finish.iter_mut().zip(&st.finish).zip(
                    keys.iter_mut()
                        .zip(&st.key)
                        .zip(self.normal_scored.iter().zip(&st.failures)),
                )
            {
                hist.record(finish);
                *key = if normal { cdf.at(k) } else { k } as f32;
                failures += f;
            }
            if model.record_starts {
                for (hist, &start) in self.accum.start.iter_mut().zip(&st.start) {
                    hist.record(start);
                }
            }
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
        }

        // Rank the RTO within the block, and the total times of steps with retries.
        let len = outcomes.len();
        self.column.clear();
        self.column.extend(outcomes.iter().map(|o| o.rto));
        normalized_midranks(&self.column, &mut self.order, &mut self.rto_rank[..len]);
        for &s in &self.ranked_steps {
            self.column32.clear();
            self.column32.extend((0..len).map(|i| self.keys[i * n + s]));
            normalized_midranks(
                &self.column32,
                &mut self.order,
                &mut self.column_rank[..len],
            );
            for i in 0..len {
                self.keys[i * n + s] = self.column_rank[i] as f32;
            }
        }
        self.sum_k.iter_mut().for_each(|x| *x = 0.0);
        self.sum_kk.iter_mut().for_each(|x| *x = 0.0);
        self.sum_kr.iter_mut().for_each(|x| *x = 0.0);
        let (mut sum_r, mut sum_rr) = (0.0, 0.0);
        for i in 0..len {
            let r = self.rto_rank[i];
            sum_r += r;
            sum_rr += r * r;
            let keys = &self.keys[i * n..(i + 1) * n];
            for (((k, kk), kr), &key) in self
                .sum_k
                .iter_mut()
                .zip(&mut self.sum_kk)
                .zip(&mut self.sum_kr)
                .zip(keys)
            {
                let key = f64::from(key);
                *k += key;
                *kk += key * key;
                *kr += key * r;
            }
        }
        self.accum.rto_ranks.add_block(len as u64, sum_r, sum_rr);
        for (s, pair) in self.accum.pairs.iter_mut().enumerate() {
            pair.add_block(self.sum_k[s], self.sum_kk[s], self.sum_kr[s]);
        }
    }
}

fn has_retries(model: &Model, s: usize) -> bool {
    model.steps[s].fail_p > 0.0 && model.steps[s].fail_max > 0
}

/// Runs `config.trials` trials of `model`. `progress` is called with the number of trials
/// finished after each block, from worker threads.
pub fn run(
    model: &Model,
    config: &RunConfig,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<RunResult, rayon::ThreadPoolBuildError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .build()?;
    let mut outcomes = vec![Outcome::default(); config.trials as usize];
    let blocks = outcomes.len().div_ceil(BLOCK);
    let min_blocks_per_split = (blocks / (4 * pool.current_num_threads())).max(1);
    let accum = pool.install(|| {
        outcomes
            .par_chunks_mut(BLOCK)
            .enumerate()
            // Each split gets its own worker, whose histograms are merged at the end; a few
            // splits per thread balance the load without paying for hundreds of merges.
            .with_min_len(min_blocks_per_split)
            .fold(
                || Worker::new(model),
                |mut worker, (block, chunk)| {
                    worker.block(model, config.seed, block, chunk);
                    progress(chunk.len() as u64);
                    worker
                },
            )
            .map(|w| w.accum)
            .reduce(|| Accum::new(model), Accum::merge)
    });
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
