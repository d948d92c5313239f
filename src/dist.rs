//! Duration distributions: their parameters, moments, quantiles and sampling.
//!
//! A [`Dist`] is already validated: constructors elsewhere (the plan validator) guarantee
//! `min <= mode <= max`, positive finite scales and non-empty samples, so the methods here never fail.
//! Sampling returns a [`Draw`]: the value and its *population rank* (the distribution's mid-CDF at
//! the value), which the engine uses to estimate rank correlations without storing every draw.

use rand::{Rng, RngExt};
use rand_distr::{Beta, Distribution, StandardNormal};
use statrs::function::{beta::beta_reg, erf::erfc};

/// The standard normal quantile at 0.9, used to turn a (P50, P90) pair into a lognormal.
pub const Z90: f64 = 1.281_551_565_544_600_4;

/// A probability distribution over durations in seconds.
#[derive(Debug, Clone, PartialEq)]
pub enum Dist {
    /// Always the same time.
    Fixed(f64),
    /// Uniform between `min` and `max`.
    Uniform {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// Triangular with the given bounds and mode.
    Triangular {
        /// Lower bound.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        max: f64,
    },
    /// Beta-PERT: a beta distribution on `[min, max]` with shape `1 + 4 (mode - min) / (max - min)`
    /// and `1 + 4 (max - mode) / (max - min)`, whose mean is `(min + 4 mode + max) / 6`
    /// (Malcolm et al., 1959).
    Pert {
        /// Lower bound.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        max: f64,
    },
    /// Lognormal: `exp(mu + sigma Z)` for a standard normal `Z`.
    LogNormal {
        /// Mean of the logarithm.
        mu: f64,
        /// Standard deviation of the logarithm.
        sigma: f64,
    },
    /// Exponential with the given mean.
    Exponential {
        /// The mean.
        mean: f64,
    },
    /// Resampling of recorded values, each equally likely. Sorted ascending.
    Empirical {
        /// The recorded values, sorted.
        samples: Vec<f64>,
    },
}

/// One sampled duration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Draw {
    /// The duration in seconds.
    pub value: f64,
    /// The distribution's mid-CDF at `value`: `(P(X < v) + P(X <= v)) / 2`, in `[0, 1]`.
    ///
    /// For continuous distributions this is the CDF; it is the population counterpart of a
    /// mid-rank, so the correlation of ranks can be estimated from it directly.
    pub rank: f64,
}

impl Dist {
    /// A lognormal through two quantiles: the median `p50` and the 90th percentile `p90`.
    pub fn lognormal_from_quantiles(p50: f64, p90: f64) -> Dist {
        let mu = p50.ln();
        Dist::LogNormal {
            mu,
            sigma: (p90.ln() - mu) / Z90,
        }
    }

    /// An empirical distribution over the given values (sorted here).
    pub fn empirical(mut samples: Vec<f64>) -> Dist {
        samples.sort_by(f64::total_cmp);
        Dist::Empirical { samples }
    }

    /// The mean.
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Fixed(v) => *v,
            Dist::Uniform { min, max } => (min + max) / 2.0,
            Dist::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            Dist::Pert { min, mode, max } => (min + 4.0 * mode + max) / 6.0,
            Dist::LogNormal { mu, sigma } => (mu + sigma * sigma / 2.0).exp(),
            Dist::Exponential { mean } => *mean,
            Dist::Empirical { samples } => samples.iter().sum::<f64>() / samples.len() as f64,
        }
    }

    /// The smallest value the distribution can take.
    pub fn min(&self) -> f64 {
        match self {
            Dist::Fixed(v) => *v,
            Dist::Uniform { min, .. } | Dist::Triangular { min, .. } | Dist::Pert { min, .. } => {
                *min
            }
            Dist::LogNormal { .. } | Dist::Exponential { .. } => 0.0,
            Dist::Empirical { samples } => samples[0],
        }
    }

    /// The largest value the distribution can take (infinite for unbounded ones).
    pub fn max(&self) -> f64 {
        match self {
            Dist::Fixed(v) => *v,
            Dist::Uniform { max, .. } | Dist::Triangular { max, .. } | Dist::Pert { max, .. } => {
                *max
            }
            Dist::LogNormal { .. } | Dist::Exponential { .. } => f64::INFINITY,
            Dist::Empirical { samples } => samples[samples.len() - 1],
        }
    }

    /// Whether every draw is the same value.
    pub fn is_constant(&self) -> bool {
        self.min() == self.max()
    }

    /// The quantile function: the value below which a share `p` of draws fall.
    pub fn quantile(&self, p: f64) -> f64 {
        let p = p.clamp(0.0, 1.0);
        match self {
            Dist::Fixed(v) => *v,
            Dist::Uniform { min, max } => min + p * (max - min),
            Dist::Triangular { min, mode, max } => triangular_quantile(*min, *mode, *max, p),
            Dist::Pert { min, mode, max } => {
                if max == min {
                    return *min;
                }
                let (a, b) = pert_shape(*min, *mode, *max);
                min + (max - min) * beta_quantile(a, b, p)
            }
            Dist::LogNormal { mu, sigma } => (mu + sigma * statrs_normal_quantile(p)).exp(),
            Dist::Exponential { mean } => -mean * (1.0 - p).ln(),
            Dist::Empirical { samples } => {
                let i = ((p * samples.len() as f64) as usize).min(samples.len() - 1);
                samples[i]
            }
        }
    }

    /// Draws one duration.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> Draw {
        match self {
            Dist::Fixed(v) => Draw {
                value: *v,
                rank: 0.5,
            },
            Dist::Uniform { min, max } => {
                let u: f64 = rng.random();
                Draw {
                    value: min + u * (max - min),
                    rank: u,
                }
            }
            Dist::Triangular { min, mode, max } => {
                let u: f64 = rng.random();
                Draw {
                    value: triangular_quantile(*min, *mode, *max, u),
                    rank: u,
                }
            }
            Dist::Pert { min, mode, max } => {
                if max == min {
                    return Draw {
                        value: *min,
                        rank: 0.5,
                    };
                }
                let (a, b) = pert_shape(*min, *mode, *max);
                // Both shapes are at least 1, so the beta distribution is well defined.
                let x: f64 = Beta::new(a, b).map_or(0.5, |beta| beta.sample(rng));
                Draw {
                    value: min + (max - min) * x,
                    rank: beta_reg(a, b, x),
                }
            }
            Dist::LogNormal { mu, sigma } => {
                let z: f64 = rng.sample(StandardNormal);
                Draw {
                    value: (mu + sigma * z).exp(),
                    rank: normal_cdf(z),
                }
            }
            Dist::Exponential { mean } => {
                let u: f64 = rng.random();
                Draw {
                    value: -mean * (1.0 - u).ln(),
                    rank: u,
                }
            }
            Dist::Empirical { samples } => {
                let n = samples.len();
                let i = rng.random_range(0..n);
                let v = samples[i];
                // Mid-rank over ties, so repeated recorded values share one rank.
                let lo = samples.partition_point(|s| *s < v);
                let hi = samples.partition_point(|s| *s <= v);
                Draw {
                    value: v,
                    rank: (lo + hi) as f64 / (2 * n) as f64,
                }
            }
        }
    }

    /// A short description for tables, such as `pert(10m, 20m, 45m)`.
    pub fn describe(&self) -> String {
        use crate::duration::format_span_compact as f;
        match self {
            Dist::Fixed(v) => f(*v),
            Dist::Uniform { min, max } => format!("uniform({}, {})", f(*min), f(*max)),
            Dist::Triangular { min, mode, max } => {
                format!("triangular({}, {}, {})", f(*min), f(*mode), f(*max))
            }
            Dist::Pert { min, mode, max } => {
                format!("pert({}, {}, {})", f(*min), f(*mode), f(*max))
            }
            Dist::LogNormal { .. } => format!(
                "lognormal(p50 {}, p90 {})",
                f(self.quantile(0.5)),
                f(self.quantile(0.9))
            ),
            Dist::Exponential { mean } => format!("exponential(mean {})", f(*mean)),
            Dist::Empirical { samples } => format!("empirical({} samples)", samples.len()),
        }
    }
}

/// The standard normal CDF.
#[inline]
pub fn normal_cdf(z: f64) -> f64 {
    0.5 * erfc(-z / std::f64::consts::SQRT_2)
}

fn statrs_normal_quantile(p: f64) -> f64 {
    -std::f64::consts::SQRT_2 * statrs::function::erf::erfc_inv(2.0 * p)
}

fn triangular_quantile(min: f64, mode: f64, max: f64, u: f64) -> f64 {
    let range = max - min;
    if range <= 0.0 {
        return min;
    }
    let split = (mode - min) / range;
    if u < split {
        min + (u * range * (mode - min)).sqrt()
    } else {
        max - ((1.0 - u) * range * (max - mode)).sqrt()
    }
}

fn pert_shape(min: f64, mode: f64, max: f64) -> (f64, f64) {
    let range = max - min;
    (
        1.0 + 4.0 * (mode - min) / range,
        1.0 + 4.0 * (max - mode) / range,
    )
}

/// Inverts the regularised incomplete beta function by bisection: slow but only used for
/// quantiles in reports, never in the hot loop.
fn beta_quantile(a: f64, b: f64, p: f64) -> f64 {
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if beta_reg(a, b, mid) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn sample_mean(d: &Dist, n: usize) -> (f64, f64) {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let xs: Vec<f64> = (0..n).map(|_| d.sample(&mut rng).value).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        (mean, (var / n as f64).sqrt())
    }

    #[test]
    fn sample_means_match_analytic_means() {
        let dists = [
            Dist::Uniform {
                min: 10.0,
                max: 30.0,
            },
            Dist::Triangular {
                min: 10.0,
                mode: 12.0,
                max: 40.0,
            },
            Dist::Pert {
                min: 10.0,
                mode: 12.0,
                max: 40.0,
            },
            Dist::lognormal_from_quantiles(20.0, 45.0),
            Dist::Exponential { mean: 30.0 },
            Dist::empirical(vec![18.0, 22.0, 31.0]),
        ];
        for d in &dists {
            let (mean, se) = sample_mean(d, 200_000);
            assert!(
                (mean - d.mean()).abs() < 4.0 * se,
                "{d:?}: sample mean {mean} vs {} (se {se})",
                d.mean()
            );
        }
    }

    #[test]
    fn lognormal_hits_its_quantiles() {
        let d = Dist::lognormal_from_quantiles(1200.0, 2700.0);
        assert!((d.quantile(0.5) - 1200.0).abs() < 1e-6);
        assert!((d.quantile(0.9) - 2700.0).abs() < 1e-6);
    }

    #[test]
    fn ranks_are_the_cdf_of_the_value() {
        let d = Dist::Triangular {
            min: 0.0,
            mode: 1.0,
            max: 4.0,
        };
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for _ in 0..100 {
            let draw = d.sample(&mut rng);
            assert!((d.quantile(draw.rank) - draw.value).abs() < 1e-9);
        }
        let ln = Dist::lognormal_from_quantiles(10.0, 20.0);
        for _ in 0..100 {
            let draw = ln.sample(&mut rng);
            assert!((ln.quantile(draw.rank) - draw.value).abs() / draw.value < 1e-6);
        }
    }

    #[test]
    fn empirical_ties_share_a_mid_rank() {
        let d = Dist::empirical(vec![5.0, 5.0, 9.0, 1.0]);
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for _ in 0..50 {
            let draw = d.sample(&mut rng);
            let expected = match draw.value as u32 {
                1 => 0.125,
                5 => 0.5,
                9 => 0.875,
                _ => unreachable!(),
            };
            assert_eq!(draw.rank, expected);
        }
    }
}
