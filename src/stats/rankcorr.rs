//! Spearman rank correlation between each step's duration and the RTO, without storing every
//! trial.
//!
//! Spearman's rho is the correlation of population ranks, `corr(F_X(X), F_Y(Y))`. A step's
//! population rank is known at the draw (the distribution's mid-CDF, see [`crate::dist::Draw`]);
//! the RTO's is estimated by its mid-rank within a fixed block of trials. Steps whose total time
//! has no known distribution (those with retries) are ranked within the block too. Each block's
//! sums are taken in floating point in a fixed order, then kept in fixed point, so blocks merge
//! exactly and in any order: the result does not depend on the thread count. The within-block ranks add noise of relative variance about `2 / B`,
//! which shrinks a correlation by well under 0.1% for blocks of 1,024 trials.

/// Fixed-point scale: sums are kept in units of 2^-32.
const ONE: f64 = 4_294_967_296.0; // 2^32

/// A block's floating-point sum in fixed point. Within a block the sum is taken in a fixed
/// order by one thread, so it is reproducible; across blocks integers make it exact.
#[inline]
fn fixed(x: f64) -> u64 {
    (x.max(0.0) * ONE).round() as u64
}

/// Mid-ranks of `values` scaled into `(0, 1)`: `(rank + 0.5) / n` with ties sharing the mean
/// rank. `order` is scratch space.
pub fn normalized_midranks<T: Copy + PartialOrd>(
    values: &[T],
    order: &mut Vec<u32>,
    out: &mut [f64],
) {
    let n = values.len();
    order.clear();
    order.extend(0..n as u32);
    order.sort_unstable_by(|&a, &b| {
        values[a as usize]
            .partial_cmp(&values[b as usize])
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.cmp(&b))
    });
    let mut i = 0;
    while i < n {
        let mut j = i + 1;
        while j < n && values[order[j] as usize] == values[order[i] as usize] {
            j += 1;
        }
        // 0-based positions i..j share the mean position (i + j - 1) / 2.
        let r = ((i + j) as f64 / 2.0) / n as f64;
        for &k in &order[i..j] {
            out[k as usize] = r;
        }
        i = j;
    }
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
    fn midranks_share_ties() {
        let mut order = Vec::new();
        let mut out = vec![0.0; 4];
        normalized_midranks(&[3.0, 1.0, 3.0, 2.0], &mut order, &mut out);
        assert_eq!(out, vec![0.75, 0.125, 0.75, 0.375]);
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
