//! Cruciality in the runner: each block's rank keys of every step, and their rank sums with
//! whatever the block's trials are ranked by (the RTO, each milestone's time).
//!
//! During a block each trial writes one key per step ([`BlockKeys::keys`], at [`key_cell`]).
//! At the block's end [`BlockKeys::rank_keys`] turns every key into a rank once; then
//! [`BlockKeys::add_target`] ranks the block's values of one target within the block and adds
//! each step's [`PairSums`] with them, as often as there are targets. The sums are those of
//! [`crate::stats::rankcorr`], so a step's cruciality for any target is
//! [`PairSums::rho`] of its sums against the target's [`RtoSums`].

use super::model::Model;
use super::runner::BLOCK;
use crate::dist::{BetaCdfTable, Score, normal_cdf_f32};
use crate::stats::rankcorr::{PairSums, RtoSums, block_rank_sums, block_ranks};

/// Trials whose values are kept side by side, step by step: the histogram of a step then
/// takes a burst of increments that overlap in the memory system, instead of one cache miss
/// between every two draws, and its keys form a run that vector instructions take at once.
pub(super) const TILE: usize = 32;

/// Where trial `i`'s key of step `s` is in a block's key matrix of `steps` steps, laid out tile
/// by tile: a run of [`TILE`] trials per step.
#[inline(always)]
pub(super) fn key_cell(steps: usize, s: usize, i: usize) -> usize {
    (i / TILE * steps + s) * TILE + i % TILE
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
    /// in [`BlockKeys::beta_tables`]), taken per block.
    BetaScore(usize),
}

/// A block's cruciality keys and the buffers that rank them.
pub(super) struct BlockKeys {
    /// Cruciality keys of the block: tile `t`, step `s`, row `r` at `(t * steps + s) * TILE + r`.
    /// Each trial writes its steps' keys; [`BlockKeys::rank_keys`] makes them ranks.
    pub(super) keys: Vec<f32>,
    kinds: Vec<KeyKind>,
    /// The beta CDFs of the steps whose keys are [`KeyKind::BetaScore`].
    beta_tables: Vec<BetaCdfTable>,
    /// For a step ranked within the block ([`KeyKind::Total`]), the block's sums of its ranks
    /// and of their squares (narrowed as [`block_rank_sums`] does), in place of the raw sums.
    own: Vec<Option<(f64, f64)>>,
    target_rank: Vec<f64>,
    target_rank32: Vec<f32>,
    column: Vec<f64>,
    column_rank: Vec<f64>,
    order: Vec<u128>,
    arch: pulp::Arch,
}

impl BlockKeys {
    /// Keys for the first `n` steps of `model` (0 for a run that collects no cruciality).
    pub(super) fn new(model: &Model, n: usize) -> BlockKeys {
        let mut beta_tables = Vec::new();
        let kinds = (0..n)
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
        BlockKeys {
            keys: vec![0.0; BLOCK * n],
            kinds,
            beta_tables,
            own: vec![None; n],
            target_rank: vec![0.0; BLOCK],
            target_rank32: vec![0.0; BLOCK],
            column: vec![0.0; BLOCK],
            column_rank: vec![0.0; BLOCK],
            order: Vec::with_capacity(BLOCK),
            arch: pulp::Arch::new(),
        }
    }

    /// Turns the keys of the block's first `len` trials into ranks: population ranks for
    /// draws whose rank is known (normal scores through the normal CDF, beta variates through
    /// their table), ranks within the block for steps with retries. Once per block, before
    /// [`BlockKeys::add_target`].
    pub(super) fn rank_keys(&mut self, len: usize) {
        let n = self.kinds.len();
        for (s, kind) in self.kinds.iter().enumerate() {
            if let &KeyKind::BetaScore(t) = kind {
                let table = &self.beta_tables[t];
                for i in 0..len {
                    let key = &mut self.keys[key_cell(n, s, i)];
                    *key = table.cdf(f64::from(*key)) as f32;
                }
            }
        }
        self.arch.dispatch(RankKeys {
            len,
            kinds: &self.kinds,
            own: &mut self.own,
            keys: &mut self.keys,
            column: &mut self.column,
            column_rank: &mut self.column_rank,
            order: &mut self.order,
        });
    }

    /// Ranks the block's `values` of one target (one per trial, in trial order) within the
    /// block, adds their sums to `sums` and each step's rank sums with them to `pairs` (one per
    /// step). The keys must have been ranked ([`BlockKeys::rank_keys`]).
    pub(super) fn add_target(
        &mut self,
        values: impl Iterator<Item = f64>,
        sums: &mut RtoSums,
        pairs: &mut [PairSums],
    ) {
        self.column.clear();
        self.column.extend(values);
        let len = self.column.len();
        let rank = &mut self.target_rank[..len];
        block_ranks(&self.column, &mut self.order, rank);
        let (sum_r, sum_rr) = block_rank_sums(rank);
        sums.add_block(len as u64, sum_r, sum_rr);
        let ranks = &mut self.target_rank32[..len];
        for (r32, &r) in ranks.iter_mut().zip(rank.iter()) {
            *r32 = r as f32;
        }
        self.arch.dispatch(StepRankSums {
            own: &self.own,
            pairs,
            keys: &self.keys,
            ranks,
        });
    }
}

/// The normal CDF of the block's normal scores and the within-block ranks of the steps with
/// retries, run with the widest vector instructions the CPU has; the same operations on every
/// path, so the ranks agree to the bit.
struct RankKeys<'a> {
    len: usize,
    kinds: &'a [KeyKind],
    own: &'a mut [Option<(f64, f64)>],
    keys: &'a mut [f32],
    column: &'a mut Vec<f64>,
    column_rank: &'a mut [f64],
    order: &'a mut Vec<u128>,
}

impl pulp::WithSimd for RankKeys<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) {
        let (n, len, keys) = (self.kinds.len(), self.len, self.keys);
        let cell = |s: usize, i: usize| key_cell(n, s, i);
        for (s, (&kind, own)) in self.kinds.iter().zip(self.own.iter_mut()).enumerate() {
            *own = None;
            match kind {
                KeyKind::NormalScore => {
                    for t in 0..len.div_ceil(TILE) {
                        let rows = TILE.min(len - t * TILE);
                        for key in &mut keys[cell(s, t * TILE)..][..rows] {
                            *key = normal_cdf_f32(*key);
                        }
                    }
                }
                // A step ranked within the block: its totals become ranks, with their sums.
                KeyKind::Total => {
                    self.column.clear();
                    self.column
                        .extend((0..len).map(|i| f64::from(keys[cell(s, i)])));
                    let ranks = &mut self.column_rank[..len];
                    block_ranks(self.column, self.order, ranks);
                    for (i, &r) in ranks.iter().enumerate() {
                        keys[cell(s, i)] = r as f32;
                    }
                    *own = Some(block_rank_sums(ranks));
                }
                KeyKind::Rank | KeyKind::BetaScore(_) => {}
            }
        }
    }
}

/// The block's rank sums of every step with one target's ranks: the work of
/// [`BlockKeys::add_target`] that vector instructions speed up, run with the widest the CPU
/// has (AVX2 where present). The operations and their order are the same on every path, so the
/// sums agree to the bit.
struct StepRankSums<'a> {
    own: &'a [Option<(f64, f64)>],
    pairs: &'a mut [PairSums],
    keys: &'a [f32],
    ranks: &'a [f32],
}

impl pulp::WithSimd for StepRankSums<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) {
        let (n, len, keys) = (self.own.len(), self.ranks.len(), self.keys);
        let cell = |s: usize, i: usize| key_cell(n, s, i);
        for (s, (own, pair)) in self.own.iter().zip(self.pairs).enumerate() {
            let runs = (0..len.div_ceil(TILE)).map(|t| {
                let rows = TILE.min(len - t * TILE);
                (
                    &keys[cell(s, t * TILE)..][..rows],
                    &self.ranks[t * TILE..][..rows],
                )
            });
            let (k, kk, kr) = rank_sums(runs);
            let (k, kk) = own.unwrap_or((k, kk));
            pair.add_block(k, kk, kr);
        }
    }
}

/// Sums over a block of a step's rank keys `k`, of their squares and of their products with
/// the target's ranks `r`, given as runs of (keys, ranks). The sums run in eight
/// single-precision lanes (vector instructions), each lane taking at most a block's share of
/// trials, where rounding stays near 1e-6; the lanes are added in double precision, always in
/// the same order.
#[inline(always)]
fn rank_sums<'a>(runs: impl Iterator<Item = (&'a [f32], &'a [f32])>) -> (f64, f64, f64) {
    const LANES: usize = 8;
    let (mut lk, mut lkk, mut lkr) = ([0.0_f32; LANES], [0.0_f32; LANES], [0.0_f32; LANES]);
    for (keys, ranks) in runs {
        let mut add = |lane: usize, u: f32, r: f32| {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// [`rank_sums`] over one block's runs, with the instructions `Arch` picks, the keys
    /// first turned from normal scores into ranks when `normal_scores`.
    struct BlockSums<'a> {
        keys: &'a [f32],
        ranks: &'a [f32],
        normal_scores: bool,
    }

    impl pulp::WithSimd for BlockSums<'_> {
        type Output = (f64, f64, f64);

        #[inline(always)]
        fn with_simd<S: pulp::Simd>(self, _: S) -> Self::Output {
            let keys: Vec<f32> = if self.normal_scores {
                self.keys.iter().map(|&z| normal_cdf_f32(z)).collect()
            } else {
                self.keys.to_vec()
            };
            let runs = keys.chunks(TILE).zip(self.ranks.chunks(TILE));
            rank_sums(runs)
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
