//! Differences between two runs on the same random draws (common random numbers), with
//! intervals from the paired differences: what a removed risk, a faster step or another
//! staffing option changes.
//!
//! Trial `i` of both runs drew the same durations, so their RTOs are strongly correlated and
//! the difference of their figures is far more precise than two independent intervals suggest.
//! Intervals here use the pairing:
//! - the mean difference: the normal interval of the mean of the trial-by-trial differences;
//! - a quantile difference: the asymptotic normal interval from the Bahadur representation of
//!   each sample quantile, `q̂ ≈ q + (p - 1{X ≤ q}) / f(q)` averaged over trials, so that
//!   `q̂_a - q̂_b` has the variance of the mean of
//!   `ψ_i = (p - 1{a_i ≤ q̂_a}) / f_a - (p - 1{b_i ≤ q̂_b}) / f_b`, which keeps the
//!   covariance of the two indicators in the same trial (Serfling, *Approximation Theorems
//!   of Mathematical Statistics*, 2.5). Each density `f` is the sparsity estimate from the
//!   spacing of order statistics around the quantile with the Hall–Sheather bandwidth
//!   (Koenker, *Quantile Regression*, 3.4). A sample that has an atom at its quantile (the
//!   spacing is zero, as with fixed durations) contributes no variance: its quantile is
//!   that atom in all but a vanishing share of samples.

use super::quantile::{Estimate, percentile};
use super::sorted;
use crate::dist::normal_quantile;

/// The standard normal quantile of a two-sided 95% interval.
const Z95: f64 = 1.959_963_984_540_054;

/// The mean of `a_i - b_i` with its 95% interval.
pub fn mean_difference(a: &[f64], b: &[f64]) -> Estimate {
    let n = a.len().min(b.len());
    if n == 0 {
        return Estimate {
            value: f64::NAN,
            low: f64::NAN,
            high: f64::NAN,
        };
    }
    let d = |i: usize| a[i] - b[i];
    let mean = (0..n).map(d).sum::<f64>() / n as f64;
    let half = if n > 1 {
        let var = (0..n).map(|i| (d(i) - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        Z95 * (var / n as f64).sqrt()
    } else {
        0.0
    };
    Estimate {
        value: mean,
        low: mean - half,
        high: mean + half,
    }
}

/// `quantile_q(a) - quantile_q(b)` for paired samples (`a[i]` and `b[i]` from the same draws),
/// with its 95% interval; `sorted_a` and `sorted_b` are the same samples ascending.
pub fn quantile_difference(
    a: &[f64],
    b: &[f64],
    sorted_a: &[f64],
    sorted_b: &[f64],
    q: f64,
) -> Estimate {
    let n = a.len().min(b.len());
    let (qa, qb) = (percentile(sorted_a, q), percentile(sorted_b, q));
    let value = qa - qb;
    if n < 2 || q <= 0.0 || q >= 1.0 {
        return Estimate {
            value,
            low: value,
            high: value,
        };
    }
    let (fa, fb) = (sparsity(sorted_a, q), sparsity(sorted_b, q));
    let psi = |i: usize| {
        let ia = if a[i] <= qa { 1.0 } else { 0.0 };
        let ib = if b[i] <= qb { 1.0 } else { 0.0 };
        (q - ia) * fa - (q - ib) * fb
    };
    let mean = (0..n).map(psi).sum::<f64>() / n as f64;
    let var = (0..n).map(|i| (psi(i) - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let half = Z95 * (var / n as f64).sqrt();
    Estimate {
        value,
        low: value - half,
        high: value + half,
    }
}

/// `share(a) - share(b)` for paired yes/no outcomes (`a[i]` and `b[i]` from the same
/// trial), with its 95% interval, as in McNemar's test: only the discordant trials carry
/// information. With `n10` trials yes in `a` only and `n01` yes in `b` only, the difference is
/// `d = (n10 - n01) / n` and its variance `((n10 + n01) / n - d²) / n` (Agresti, *Categorical
/// Data Analysis*, 10.1). No discordant trial gives a zero-width interval: every trial agrees.
pub fn share_difference(a: &[bool], b: &[bool]) -> Estimate {
    let n = a.len().min(b.len());
    if n == 0 {
        return Estimate {
            value: f64::NAN,
            low: f64::NAN,
            high: f64::NAN,
        };
    }
    let (mut n10, mut n01) = (0u64, 0u64);
    for (&x, &y) in a.iter().zip(b) {
        match (x, y) {
            (true, false) => n10 += 1,
            (false, true) => n01 += 1,
            _ => {}
        }
    }
    let nf = n as f64;
    let d = (n10 as f64 - n01 as f64) / nf;
    let var = (((n10 + n01) as f64 / nf) - d * d).max(0.0) / nf;
    let half = Z95 * var.sqrt();
    Estimate {
        value: d,
        low: (d - half).max(-1.0),
        high: (d + half).min(1.0),
    }
}

/// The smallest saving worth a manager's attention unless told otherwise: 5 minutes.
pub const NEGLIGIBLE_FLOOR_SECONDS: f64 = 300.0;

/// What a change (one more group, a new rota, another version of the plan) saves against a
/// baseline on the same draws: `baseline - changed` at P50 and P90, and the change in the
/// chance of meeting the objective, each with its 95% interval from the paired trials.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Saving {
    /// How much earlier the median is, in seconds (negative: later).
    pub p50_seconds: Estimate,
    /// How much earlier P90 is, in seconds (negative: later).
    pub p90_seconds: Estimate,
    /// The change in the share of trials within the objective, when there is one.
    pub probability_met_change: Option<Estimate>,
    /// The practical threshold: a P90 saving whose whole interval lies within plus or minus
    /// this many seconds does not matter.
    pub negligible_seconds: f64,
    /// True when the P90 saving's interval lies within the threshold: the change measurably
    /// makes no practical difference.
    pub negligible: bool,
    /// True when the P90 saving's interval lies wholly above the threshold: the change
    /// measurably saves a material time.
    pub material: bool,
    /// The paired trials it was measured on.
    pub trials: u64,
}

impl Saving {
    /// The saving of `changed` against `baseline` (the RTOs of the same trials, in trial
    /// order). The threshold is `negligible`, or by default the larger of 5 minutes and 1% of
    /// the baseline's P90.
    pub fn of(
        baseline: &[f64],
        changed: &[f64],
        target: Option<f64>,
        negligible: Option<f64>,
    ) -> Saving {
        let (sb, sc) = (sorted(baseline), sorted(changed));
        let p50 = quantile_difference(baseline, changed, &sb, &sc, 0.5);
        let p90 = quantile_difference(baseline, changed, &sb, &sc, 0.9);
        let threshold =
            negligible.unwrap_or_else(|| NEGLIGIBLE_FLOOR_SECONDS.max(0.01 * percentile(&sb, 0.9)));
        let met = target.map(|t| {
            let within = |v: &[f64]| v.iter().map(|&x| x <= t).collect::<Vec<bool>>();
            share_difference(&within(changed), &within(baseline))
        });
        Saving {
            p50_seconds: p50,
            p90_seconds: p90,
            probability_met_change: met,
            negligible_seconds: threshold,
            negligible: p90.low >= -threshold && p90.high <= threshold,
            material: p90.low > threshold,
            trials: baseline.len() as u64,
        }
    }
}

/// The sparsity `1 / f(F⁻¹(q))` of an ascending sample at `q`: the spacing of the order
/// statistics `h` either side of `q` over `2h`, with the Hall–Sheather bandwidth `h`. Zero
/// when the sample has an atom there.
pub fn sparsity(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len() as f64;
    let z = normal_quantile(q);
    let density = (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let h = n.powf(-1.0 / 3.0)
        * Z95.powf(2.0 / 3.0)
        * (1.5 * density * density / (2.0 * z * z + 1.0)).powf(1.0 / 3.0);
    let (lo, hi) = ((q - h).max(0.0), (q + h).min(1.0));
    if hi <= lo {
        return 0.0;
    }
    (percentile(sorted, hi) - percentile(sorted, lo)) / (hi - lo)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_xoshiro::SplitMix64;

    #[test]
    fn share_differences_count_only_discordant_trials() {
        let same = [true, false, true, true];
        let d = share_difference(&same, &same);
        assert_eq!((d.value, d.low, d.high), (0.0, 0.0, 0.0));
        let all = [true; 4];
        let none = [false; 4];
        let d = share_difference(&all, &none);
        assert_eq!((d.value, d.low, d.high), (1.0, 1.0, 1.0));
        // 30 of 100 trials yes in a only, 10 in b only: d = 0.2, variance (0.4 - 0.04) / 100.
        let a: Vec<bool> = (0..100).map(|i| i < 30 || (50..60).contains(&i)).collect();
        let b: Vec<bool> = (0..100)
            .map(|i| (30..40).contains(&i) || (50..60).contains(&i))
            .collect();
        let d = share_difference(&a, &b);
        assert!((d.value - 0.2).abs() < 1e-12);
        let half = Z95 * (0.36_f64 / 100.0).sqrt();
        assert!((d.high - d.value - half).abs() < 1e-12, "{d:?}");
    }

    #[test]
    fn a_saving_of_exactly_four_hours_is_material_and_exact() {
        let mut rng = SplitMix64::seed_from_u64(3);
        let before: Vec<f64> = (0..2_000)
            .map(|_| 36_000.0 + rng.random::<f64>() * 9_000.0)
            .collect();
        let after: Vec<f64> = before.iter().map(|x| x - 14_400.0).collect();
        let s = Saving::of(&before, &after, Some(30_000.0), None);
        assert!((s.p90_seconds.value - 14_400.0).abs() < 1e-6, "{s:?}");
        assert!((s.p90_seconds.high - s.p90_seconds.low).abs() < 1e-6);
        assert!(s.material && !s.negligible);
        let none = Saving::of(&before, &before, Some(30_000.0), Some(60.0));
        assert_eq!(none.p90_seconds.value, 0.0);
        assert_eq!((none.p90_seconds.low, none.p90_seconds.high), (0.0, 0.0));
        assert!(none.negligible && !none.material);
        assert_eq!(none.negligible_seconds, 60.0);
    }

    #[test]
    fn a_pure_shift_is_exact_with_a_zero_width_interval() {
        let mut rng = SplitMix64::seed_from_u64(7);
        let b: Vec<f64> = (0..5_000).map(|_| rng.random::<f64>() * 100.0).collect();
        let a: Vec<f64> = b.iter().map(|x| x + 30.0).collect();
        let d = quantile_difference(&a, &b, &sorted(&a), &sorted(&b), 0.9);
        assert!((d.value - 30.0).abs() < 1e-9, "{d:?}");
        assert!((d.high - d.low).abs() < 1e-9, "{d:?}");
        let m = mean_difference(&a, &b);
        assert!((m.value - 30.0).abs() < 1e-9 && (m.high - m.low).abs() < 1e-9);
    }

    /// Two independent uniform samples: the paired formula must then give the independent
    /// variance, `2 q (1 - q) / (n f^2)` with `f = 1` on `[0, 1]`.
    #[test]
    fn independent_samples_get_the_sum_of_both_variances() {
        let mut rng = SplitMix64::seed_from_u64(11);
        let n = 200_000;
        let a: Vec<f64> = (0..n).map(|_| rng.random::<f64>()).collect();
        let b: Vec<f64> = (0..n).map(|_| rng.random::<f64>()).collect();
        let d = quantile_difference(&a, &b, &sorted(&a), &sorted(&b), 0.9);
        let expected = Z95 * (2.0 * 0.9 * 0.1 / n as f64).sqrt();
        let half = (d.high - d.low) / 2.0;
        // The half-width's own relative error is a few per cent at this n.
        assert!((half / expected - 1.0).abs() < 0.1, "{half} vs {expected}");
    }

    /// Coverage: over many independent pairs of paired samples, the interval covers the true
    /// difference about 95% of the time (a binomial count, checked within 4 standard errors).
    #[test]
    fn intervals_cover_the_true_quantile_difference() {
        // a = x + y, b = x with x ~ U(0, 1), y ~ U(0, 0.5) independent: the P90 of a is known
        // through its CDF, that of b is 0.9.
        let cdf_a = |t: f64| -> f64 {
            // Convolution of U(0,1) and U(0,0.5), for t in [0.5, 1].
            if t <= 0.5 {
                t * t
            } else if t <= 1.0 {
                (t - 0.25) / 1.0
            } else {
                1.0 - (1.5 - t) * (1.5 - t)
            }
        };
        let (mut lo, mut hi) = (0.0, 1.5);
        for _ in 0..100 {
            let mid = 0.5 * (lo + hi);
            if cdf_a(mid) < 0.9 {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let truth = 0.5 * (lo + hi) - 0.9;
        let (reps, n) = (400, 2_000);
        let mut covered = 0;
        let mut rng = SplitMix64::seed_from_u64(3);
        for _ in 0..reps {
            let b: Vec<f64> = (0..n).map(|_| rng.random::<f64>()).collect();
            let a: Vec<f64> = b.iter().map(|x| x + 0.5 * rng.random::<f64>()).collect();
            let d = quantile_difference(&a, &b, &sorted(&a), &sorted(&b), 0.9);
            covered += u32::from(d.low <= truth && truth <= d.high);
        }
        let share = f64::from(covered) / f64::from(reps);
        let se = (0.95 * 0.05 / f64::from(reps)).sqrt();
        assert!((share - 0.95).abs() < 4.0 * se, "coverage {share}");
    }
}
