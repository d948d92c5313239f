//! Percentiles of a sample with distribution-free confidence intervals, and intervals for
//! proportions.

use serde::Serialize;
use statrs::distribution::{Binomial, DiscreteCDF};

/// Two-sided confidence level of every interval rtosim reports.
pub const CONFIDENCE: f64 = 0.95;
/// The standard normal quantile for [`CONFIDENCE`].
const Z95: f64 = 1.959_963_984_540_054;

/// An estimate with its confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    /// The point estimate.
    pub value: f64,
    /// Lower bound of the 95% interval.
    pub low: f64,
    /// Upper bound of the 95% interval.
    pub high: f64,
}

/// The `q` quantile of an ascending sample, interpolating between order statistics
/// (Hyndman & Fan type 7, the default of R and numpy).
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// The `q` quantile with a distribution-free 95% interval from order statistics: with
/// `B ~ Binomial(n, q)`, the interval between order statistics `r` and `s` (1-based) covers the
/// true quantile with probability `P(r <= B < s)`; `r` and `s` are the binomial's 2.5% and
/// 97.5% quantiles (plus one), as in Conover, *Practical Nonparametric Statistics*, 3.2.
pub fn percentile_ci(sorted: &[f64], q: f64) -> Estimate {
    let n = sorted.len();
    let value = percentile(sorted, q);
    if n == 0 || q <= 0.0 || q >= 1.0 {
        return Estimate {
            value,
            low: value,
            high: value,
        };
    }
    let Ok(binomial) = Binomial::new(q, n as u64) else {
        return Estimate {
            value,
            low: value,
            high: value,
        };
    };
    let alpha = 1.0 - CONFIDENCE;
    let r = binomial.inverse_cdf(alpha / 2.0).max(1) as usize;
    let s = (binomial.inverse_cdf(1.0 - alpha / 2.0) as usize + 1).min(n);
    Estimate {
        value,
        low: sorted[r - 1].min(value),
        high: sorted[s - 1].max(value),
    }
}

/// A proportion `hits / n` with its Wilson score interval, which behaves well near 0 and 1.
pub fn proportion(hits: u64, n: u64) -> Estimate {
    if n == 0 {
        return Estimate {
            value: f64::NAN,
            low: f64::NAN,
            high: f64::NAN,
        };
    }
    let (k, n) = (hits as f64, n as f64);
    let p = k / n;
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / (1.0 + z2 / n);
    Estimate {
        value: p,
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
    }
}

/// Mean and sample standard deviation.
pub fn mean_sd(values: &[f64]) -> (f64, f64) {
    let n = values.len();
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    if n == 1 {
        return (mean, 0.0);
    }
    let var = values.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64;
    (mean, var.sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type7_percentiles() {
        let xs = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(percentile(&xs, 0.5), 3.0);
        assert_eq!(percentile(&xs, 0.9), 4.6);
        assert_eq!(percentile(&xs, 1.0), 5.0);
    }

    #[test]
    fn intervals_contain_the_estimate_and_shrink_with_n() {
        let small: Vec<f64> = (0..100).map(f64::from).collect();
        let large: Vec<f64> = (0..10_000).map(|i| f64::from(i) / 100.0).collect();
        let a = percentile_ci(&small, 0.9);
        let b = percentile_ci(&large, 0.9);
        assert!(a.low <= a.value && a.value <= a.high);
        assert!((b.high - b.low) < (a.high - a.low));
        // For n = 100, q = 0.9 the classic interval is the 84th to the 95th order statistic.
        assert_eq!((a.low, a.high), (83.0, 95.0));
    }

    #[test]
    fn wilson_interval() {
        let e = proportion(72, 100);
        assert!(
            (e.low - 0.6254).abs() < 1e-3 && (e.high - 0.7981).abs() < 1e-3,
            "{e:?}"
        );
        let zero = proportion(0, 50);
        assert!(zero.low.abs() < 1e-12);
        assert!(zero.high > 0.0);
    }
}
