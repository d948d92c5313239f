//! Spearman rank correlation between each step's duration and the RTO, without storing every
//! trial.
//!
//! Spearman's rho is the correlation of population ranks, `corr(F_X(X), F_Y(Y))`. A step's
//! population rank is known at the draw (the distribution's mid-CDF, see [`crate::dist::Draw`]);
//! the RTO's is estimated within a fixed block of trials, by the share of the block's *other*
//! trials that it exceeds ([`block_ranks`]). Steps whose total time has no known distribution
//! (those with retries) are ranked within the block too. Each block's sums are taken in floating
//! point in a fixed order, then kept in fixed point, so blocks merge exactly and in any order:
//! the result does not depend on the thread count.
//!
//! Leaving the trial itself out makes the within-block rank an unbiased estimate of the
//! population rank, so the covariance with a step's population rank is unbiased; the rank's
//! spread, which the block's sampling widens by a factor `(n + 1) / (n - 1)`, is narrowed back
//! by the same factor ([`block_rank_sums`]). For a step ranked within the block as well, a bias
//! of `(3 tau - rho) / (n - 1)` remains (Kendall's tau; about +0.4% of rho for blocks of 256).
/// Fixed-point scale: sums are kept in units of 2^-32.
const ONE: f64 = 4_294_967_296.0; // 2^32

/// A block's floating-point sum in fixed point. Within a block the sum is taken in a fixed
/// order by one thread, so it is reproducible; across blocks integers make it exact.
#[inline]
fn fixed(x: f64) -> u64 {
    (x.max(0.0) * ONE).round() as u64
}

/// Ranks of `values` within their block, scaled into `[0, 1]`: the share of the other values
/// below each one, ties counting half, which is `(midrank - 1) / (n - 1)`. Given the value, this
/// is an unbiased estimate of its population mid-rank. A lone value gets 1/2. `order` is scratch
/// space.
pub fn block_ranks(values: &[f64], order: &mut Vec<u128>, out: &mut [f64]) {
    let n = values.len();
    // Each value as an integer that orders as the value does (equal values, 0 and -0 among
    // them, alike), above its index: integer keys sort several times faster than comparisons
    // through the values, into the same order (ties by index).
    order.clear();
    order.extend(values.iter().enumerate().map(|(i, &v)| {
        debug_assert!(!v.is_nan(), "ranked values are never NaN");
        (u128::from(order_key(v)) << 32) | i as u128
    }));
    order.sort_unstable();
    let key = |k: u128| (k >> 32) as u64;
    let others = (n.max(2) - 1) as f64;
    let mut i = 0;
    while i < n {
        let mut j = i + 1;
        while j < n && key(order[j]) == key(order[i]) {
            j += 1;
        }
        // 0-based positions i..j share the mean position (i + j - 1) / 2: that many others
        // lie below, counting the tied ones half.
        let r = if n == 1 {
            0.5
        } else {
            ((i + j - 1) as f64 / 2.0) / others
        };
        for &k in &order[i..j] {
            out[k as u32 as usize] = r;
        }
        i = j;
    }
}

/// An integer that orders as `v` does among non-NaN floats, with 0 and -0 equal: the bits of
/// a non-negative float order as the float does, and a negative one's the other way round.
#[inline]
fn order_key(v: f64) -> u64 {
    let bits = (v + 0.0).to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    }
}

/// The sum of a block's [`block_ranks`] and the sum of their squares, the latter with the
/// spread about 1/2 narrowed by `(n - 1) / (n + 1)`: without ties, exactly the population
/// ranks' variance of 1/12 per trial. (The ranks always sum to `n / 2`.)
pub fn block_rank_sums(ranks: &[f64]) -> (f64, f64) {
    let n = ranks.len() as f64;
    let spread: f64 = ranks.iter().map(|&r| (r - 0.5) * (r - 0.5)).sum();
    let narrow = if ranks.len() < 2 {
        1.0
    } else {
        (n - 1.0) / (n + 1.0)
    };
    (n / 2.0, n / 4.0 + spread * narrow)
}

/// Fixed-point sums for the correlation of one step's rank `k` with the RTO's rank `r`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PairSums {
    k: u64,
    kk: u64,
    kr: u64,
}

/// Sums over trials of the RTO rank, shared by every step.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RtoSums {
    n: u64,
    r: u64,
    rr: u64,
}

impl RtoSums {
    /// Adds a block of `n` trials with rank sums `r` and `rr` (of squares).
    pub fn add_block(&mut self, n: u64, r: f64, rr: f64) {
        self.n += n;
        self.r += fixed(r);
        self.rr += fixed(rr);
    }

    /// Merges another accumulator.
    pub fn merge(&mut self, o: &RtoSums) {
        self.n += o.n;
        self.r += o.r;
        self.rr += o.rr;
    }
}

impl PairSums {
    /// Adds a block's sums of `k`, `k^2` and `k r`.
    pub fn add_block(&mut self, k: f64, kk: f64, kr: f64) {
        self.k += fixed(k);
        self.kk += fixed(kk);
        self.kr += fixed(kr);
    }

    /// Merges another accumulator.
    pub fn merge(&mut self, o: &PairSums) {
        self.k += o.k;
        self.kk += o.kk;
        self.kr += o.kr;
    }

    /// The correlation, or 0 when either side does not vary (a fixed duration, or every trial
    /// with the same RTO).
    pub fn rho(&self, rto: &RtoSums) -> f64 {
        if rto.n < 2 {
            return 0.0;
        }
        let n = rto.n as f64;
        let (k, kk, kr) = (
            self.k as f64 / ONE,
            self.kk as f64 / ONE,
            self.kr as f64 / ONE,
        );
        let (r, rr) = (rto.r as f64 / ONE, rto.rr as f64 / ONE);
        let cov = kr / n - (k / n) * (r / n);
        let var_k = kk / n - (k / n) * (k / n);
        let var_r = rr / n - (r / n) * (r / n);
        // Ranks in [0, 1] vary by at least 1/12 when they vary at all; below 1e-9 the variance is
        // rounding noise of a constant.
        if var_k <= 1e-9 || var_r <= 1e-9 {
            return 0.0;
        }
        (cov / (var_k * var_r).sqrt()).clamp(-1.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_ranks_count_the_others_below_and_share_ties() {
        let mut order = Vec::new();
        let mut out = vec![0.0; 5];
        block_ranks(&[3.0, 1.0, 3.0, 2.0, 9.0], &mut order, &mut out);
        // Below 3.0: two others, and the other 3.0 counts half, out of four others.
        assert_eq!(out, vec![0.625, 0.0, 0.625, 0.25, 1.0]);
        let mut one = vec![0.0];
        block_ranks(&[7.0], &mut order, &mut one);
        assert_eq!(one, vec![0.5]);
    }

    #[test]
    fn block_ranks_agree_with_ranks_by_comparison() {
        // Ties, signed zeros, negatives and infinities, against ranks counted one by one.
        let pool = [
            -3.5,
            -0.0,
            0.0,
            1e-300,
            2.0,
            2.0,
            f64::INFINITY,
            -f64::INFINITY,
            7.25,
        ];
        let mut state = 12345_u64;
        for n in [1_usize, 2, 5, 17, 256] {
            let values: Vec<f64> = (0..n)
                .map(|_| {
                    state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                    pool[(state >> 33) as usize % pool.len()]
                })
                .collect();
            let mut ranks = vec![0.0; n];
            block_ranks(&values, &mut Vec::new(), &mut ranks);
            for (i, &v) in values.iter().enumerate() {
                let below = values.iter().filter(|&&w| w < v).count() as f64;
                let tied = values.iter().filter(|&&w| w == v).count() as f64 - 1.0;
                let expected = if n == 1 {
                    0.5
                } else {
                    (below + tied / 2.0) / (n - 1) as f64
                };
                assert_eq!(ranks[i], expected, "value {v} of {values:?}");
            }
        }
    }

    #[test]
    fn block_rank_spread_is_the_population_spread() {
        // Distinct values: the narrowed spread is exactly 1/12 per value, at any block size.
        for n in [2_usize, 3, 10, 256] {
            let values: Vec<f64> = (0..n).map(|i| ((i * 7) % n) as f64).collect();
            let mut ranks = vec![0.0; n];
            block_ranks(&values, &mut Vec::new(), &mut ranks);
            let (sum, squares) = block_rank_sums(&ranks);
            let nf = n as f64;
            assert!((sum - nf / 2.0).abs() < 1e-9);
            let variance = squares / nf - 0.25;
            assert!((variance - 1.0 / 12.0).abs() < 1e-12, "{n}: {variance}");
        }
    }

    #[test]
    fn perfect_and_zero_correlation() {
        let mut rto = RtoSums::default();
        let (mut same, mut flat, mut opposite) = (
            PairSums::default(),
            PairSums::default(),
            PairSums::default(),
        );
        for block in 0..4 {
            let rs: Vec<f64> = (0..250)
                .map(|i| (f64::from(block * 250 + i) + 0.5) / 1000.0)
                .collect();
            let sum = |f: &dyn Fn(f64) -> f64| rs.iter().map(|&r| f(r)).sum::<f64>();
            rto.add_block(250, sum(&|r| r), sum(&|r| r * r));
            same.add_block(sum(&|r| r), sum(&|r| r * r), sum(&|r| r * r));
            flat.add_block(sum(&|_| 0.5), sum(&|_| 0.25), sum(&|r| 0.5 * r));
            opposite.add_block(
                sum(&|r| 1.0 - r),
                sum(&|r| (1.0 - r) * (1.0 - r)),
                sum(&|r| (1.0 - r) * r),
            );
        }
        assert!((same.rho(&rto) - 1.0).abs() < 1e-6);
        assert_eq!(flat.rho(&rto), 0.0);
        assert!((opposite.rho(&rto) + 1.0).abs() < 1e-6);
    }
}
