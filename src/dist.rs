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
    /// Gamma with the given shape `k` and scale `theta`: mean `k theta`.
    Gamma {
        /// Shape `k`.
        shape: f64,
        /// Scale `theta`.
        scale: f64,
    },
    /// Weibull with CDF `1 - exp(-(x / scale) ^ shape)`.
    Weibull {
        /// Shape `k`.
        shape: f64,
        /// Scale `lambda`.
        scale: f64,
    },
    /// `exp(mu + scale T)` for `T` Student-t with `df` degrees of freedom, restricted to the
    /// central [`LOG_T_MASS`] of its mass: the posterior predictive of a lognormal fitted to a
    /// few observations (see `fit`). The cut keeps the mean finite (`exp` of a Student-t has
    /// none) and keeps a step timed twice from lasting a thousand times its recorded time.
    /// Build it with [`Dist::log_student_t`].
    LogStudentT {
        /// Location of the logarithm.
        mu: f64,
        /// Scale of the logarithm.
        scale: f64,
        /// Degrees of freedom.
        df: f64,
        /// Standard-t quantiles at evenly spaced ranks across the kept mass, for sampling by
        /// interpolation (the hot loop cannot afford an incomplete-beta inversion per draw).
        table: Vec<f64>,
    },
}

/// The share of a Student-t's mass [`Dist::LogStudentT`] keeps: the central 98 %.
pub const LOG_T_MASS: f64 = 0.98;
/// Points of the Student-t quantile table.
const LOG_T_TABLE: usize = 1025;

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

    /// The log-Student-t posterior predictive `exp(mu + scale T)`, `T ~ t(df)` cut to its central
    /// [`LOG_T_MASS`].
    pub fn log_student_t(mu: f64, scale: f64, df: f64) -> Dist {
        use statrs::distribution::{ContinuousCDF, StudentsT};
        let tail = (1.0 - LOG_T_MASS) / 2.0;
        let table = match StudentsT::new(0.0, 1.0, df) {
            Ok(t) => (0..LOG_T_TABLE)
                .map(|i| t.inverse_cdf(tail + LOG_T_MASS * i as f64 / (LOG_T_TABLE - 1) as f64))
                .collect(),
            // Unreachable for df > 0; a flat table degrades to a fixed time, never a panic.
            Err(_) => vec![0.0; 2],
        };
        Dist::LogStudentT {
            mu,
            scale,
            df,
            table,
        }
    }

    /// The cumulative distribution function `P(X <= x)`.
    pub fn cdf(&self, x: f64) -> f64 {
        match self {
            Dist::Fixed(v) => f64::from(u8::from(x >= *v)),
            Dist::Uniform { min, max } => {
                if max > min {
                    ((x - min) / (max - min)).clamp(0.0, 1.0)
                } else {
                    f64::from(u8::from(x >= *min))
                }
            }
            Dist::Triangular { min, mode, max } => {
                if x <= *min {
                    0.0
                } else if x >= *max {
                    1.0
                } else if x <= *mode {
                    (x - min).powi(2) / ((max - min) * (mode - min))
                } else {
                    1.0 - (max - x).powi(2) / ((max - min) * (max - mode))
                }
            }
            Dist::Pert { min, mode, max } => {
                if max <= min {
                    return f64::from(u8::from(x >= *min));
                }
                let (a, b) = pert_shape(*min, *mode, *max);
                beta_reg(a, b, ((x - min) / (max - min)).clamp(0.0, 1.0))
            }
            Dist::LogNormal { mu, sigma } => {
                if x <= 0.0 {
                    0.0
                } else {
                    normal_cdf((x.ln() - mu) / sigma)
                }
            }
            Dist::Exponential { mean } => 1.0 - (-x.max(0.0) / mean).exp(),
            Dist::Empirical { samples } => {
                samples.partition_point(|s| *s <= x) as f64 / samples.len() as f64
            }
            Dist::Gamma { shape, scale } => {
                if x <= 0.0 {
                    0.0
                } else {
                    statrs::function::gamma::gamma_lr(*shape, x / scale)
                }
            }
            Dist::Weibull { shape, scale } => 1.0 - (-(x.max(0.0) / scale).powf(*shape)).exp(),
            Dist::LogStudentT {
                mu, scale, table, ..
            } => {
                if x <= 0.0 {
                    return 0.0;
                }
                let t = (x.ln() - mu) / scale;
                let last = table.len() - 1;
                if t <= table[0] {
                    return 0.0;
                }
                if t >= table[last] {
                    return 1.0;
                }
                let i = table.partition_point(|v| *v <= t).clamp(1, last);
                let (a, b) = (table[i - 1], table[i]);
                let frac = if b > a { (t - a) / (b - a) } else { 0.0 };
                ((i - 1) as f64 + frac) / last as f64
            }
        }
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
            Dist::Gamma { shape, scale } => shape * scale,
            Dist::Weibull { shape, scale } => {
                scale * statrs::function::gamma::gamma(1.0 + 1.0 / shape)
            }
            Dist::LogStudentT {
                mu, scale, table, ..
            } => {
                // The trapezoid rule over evenly spaced ranks: the mean of the quantile function.
                let last = table.len() - 1;
                let f = |t: f64| (mu + scale * t).exp();
                let inner: f64 = table[1..last].iter().map(|&t| f(t)).sum();
                (inner + 0.5 * (f(table[0]) + f(table[last]))) / last as f64
            }
        }
    }

    /// The smallest value the distribution can take.
    pub fn min(&self) -> f64 {
        match self {
            Dist::Fixed(v) => *v,
            Dist::Uniform { min, .. } | Dist::Triangular { min, .. } | Dist::Pert { min, .. } => {
                *min
            }
            Dist::LogNormal { .. }
            | Dist::Exponential { .. }
            | Dist::Gamma { .. }
            | Dist::Weibull { .. } => 0.0,
            Dist::Empirical { samples } => samples[0],
            Dist::LogStudentT {
                mu, scale, table, ..
            } => (mu + scale * table[0]).exp(),
        }
    }

    /// The largest value the distribution can take (infinite for unbounded ones).
    pub fn max(&self) -> f64 {
        match self {
            Dist::Fixed(v) => *v,
            Dist::Uniform { max, .. } | Dist::Triangular { max, .. } | Dist::Pert { max, .. } => {
                *max
            }
            Dist::LogNormal { .. }
            | Dist::Exponential { .. }
            | Dist::Gamma { .. }
            | Dist::Weibull { .. } => f64::INFINITY,
            Dist::Empirical { samples } => samples[samples.len() - 1],
            Dist::LogStudentT {
                mu, scale, table, ..
            } => (mu + scale * table[table.len() - 1]).exp(),
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
            Dist::LogNormal { mu, sigma } => (mu + sigma * normal_quantile(p)).exp(),
            Dist::Exponential { mean } => -mean * (1.0 - p).ln(),
            Dist::Empirical { samples } => {
                let i = ((p * samples.len() as f64) as usize).min(samples.len() - 1);
                samples[i]
            }
            Dist::Gamma { shape, scale } => {
                use statrs::distribution::ContinuousCDF;
                match statrs::distribution::Gamma::new(*shape, 1.0 / scale) {
                    Ok(g) if p < 1.0 => g.inverse_cdf(p),
                    _ => f64::INFINITY,
                }
            }
            Dist::Weibull { shape, scale } => scale * (-(1.0 - p).ln()).powf(1.0 / shape),
            Dist::LogStudentT {
                mu, scale, table, ..
            } => (mu + scale * interpolate(table, p)).exp(),
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
            Dist::Pert { min, mode, max } => sample_pert(*min, *mode, *max, rng),
            Dist::LogNormal { mu, sigma } => {
                let z: f64 = rng.sample(StandardNormal);
                Draw {
                    value: (mu + sigma * z).exp(),
                    rank: fast_normal_cdf(z),
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
            Dist::Gamma { shape, scale } => {
                let value =
                    rand_distr::Gamma::new(*shape, *scale).map_or(shape * scale, |g| g.sample(rng));
                Draw {
                    value,
                    rank: statrs::function::gamma::gamma_lr(*shape, value / scale),
                }
            }
            Dist::Weibull { shape, scale } => {
                let u: f64 = rng.random();
                Draw {
                    value: scale * (-(1.0 - u).ln()).powf(1.0 / shape),
                    rank: u,
                }
            }
            Dist::LogStudentT {
                mu, scale, table, ..
            } => {
                let u: f64 = rng.random();
                Draw {
                    value: (mu + scale * interpolate(table, u)).exp(),
                    rank: u,
                }
            }
        }
    }

    /// Draws one duration for the hot loop: the same value as [`Dist::sample`], but with a
    /// *score* in place of the rank where the rank needs a costly CDF (see [`Dist::score`]):
    /// for a lognormal the standard normal score `z` of the draw, for a beta-PERT its beta
    /// variate in `[0, 1]`. The engine turns scores into ranks later, a block of trials at a
    /// time, and not at all in runs that need only the RTO.
    #[inline]
    pub fn sample_scored<R: Rng + ?Sized>(&self, rng: &mut R) -> Draw {
        match self {
            Dist::LogNormal { mu, sigma } => lognormal_scored(*mu, *sigma, rng),
            Dist::Pert { min, mode, max } => {
                let (value, x) = sample_pert_value(*min, *mode, *max, rng);
                Draw { value, rank: x }
            }
            _ => self.sample(rng),
        }
    }

    /// Draws one duration and nothing else: the value [`Dist::sample`] draws, without the
    /// rank that costs a CDF for some families.
    #[inline]
    pub fn sample_value<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.sample_scored(rng).value
    }

    /// What the `rank` of [`Dist::sample_scored`] holds.
    pub fn score(&self) -> Score {
        match self {
            Dist::LogNormal { .. } => Score::Normal,
            Dist::Pert { min, mode, max } if max > min => {
                let (a, b) = pert_shape(*min, *mode, *max);
                Score::Beta { a, b }
            }
            _ => Score::Rank,
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
            Dist::Gamma { shape, scale } => {
                format!("gamma(shape {shape:.3}, scale {})", f(*scale))
            }
            Dist::Weibull { shape, scale } => {
                format!("weibull(shape {shape:.3}, scale {})", f(*scale))
            }
            Dist::LogStudentT { df, .. } => format!(
                "log-t(p50 {}, p90 {}, {df} df)",
                f(self.quantile(0.5)),
                f(self.quantile(0.9))
            ),
        }
    }
}

/// A lognormal draw with its normal score `z` as `rank`: [`Dist::sample_scored`] of
/// `Dist::LogNormal { mu, sigma }`.
#[inline]
pub fn lognormal_scored<R: Rng + ?Sized>(mu: f64, sigma: f64, rng: &mut R) -> Draw {
    let z: f64 = rng.sample(StandardNormal);
    Draw {
        value: (mu + sigma * z).exp(),
        rank: z,
    }
}

/// Linear interpolation in a table of values at evenly spaced ranks `0, 1/(n-1), ..., 1`.
#[inline]
fn interpolate(table: &[f64], p: f64) -> f64 {
    let last = table.len() - 1;
    let pos = p.clamp(0.0, 1.0) * last as f64;
    let i = (pos as usize).min(last - 1);
    let frac = pos - i as f64;
    table[i] + frac * (table[i + 1] - table[i])
}

/// The standard normal CDF.
#[inline]
pub fn normal_cdf(z: f64) -> f64 {
    0.5 * erfc(-z / std::f64::consts::SQRT_2)
}

/// The standard normal CDF in single precision, within 1e-6 of the exact value and monotone:
/// the ranks of lognormal draws, for cruciality, where a rank correlation needs the order of
/// values, not ten digits. It is Abramowitz and Stegun's formula 7.1.28 for `erf`, a
/// polynomial with no branch, table or `exp`, so a loop over many values runs on vector
/// instructions.
#[inline(always)]
#[expect(
    clippy::excessive_precision,
    reason = "Abramowitz and Stegun's coefficients, kept as published"
)]
pub fn normal_cdf_f32(z: f32) -> f32 {
    // erf(x) = 1 - 1 / (1 + a1 x + ... + a6 x^6)^16 for x >= 0, with an error below 3e-7.
    let x = z.abs() * std::f32::consts::FRAC_1_SQRT_2;
    let p = 1.0
        + x * (0.070_523_078_4
            + x * (0.042_282_012_3
                + x * (0.009_270_527_2
                    + x * (0.000_152_014_3 + x * (0.000_276_567_2 + x * 0.000_043_063_8)))));
    let p2 = p * p;
    let p4 = p2 * p2;
    let p8 = p4 * p4;
    // The upper tail beyond |z|: (1 - erf) / 2.
    let tail = 0.5 / (p8 * p8);
    if z < 0.0 { tail } else { 1.0 - tail }
}

/// [`normal_cdf_f32`] for a double: the rank of a lognormal draw from its normal score.
#[inline]
pub fn fast_normal_cdf(z: f64) -> f64 {
    f64::from(normal_cdf_f32(z as f32))
}

/// The standard normal quantile function, by Wichura's algorithm AS 241 (PPND16, *Applied
/// Statistics* 37, 1988), accurate to about 1e-16. Written out because the hot loop samples
/// lognormals by inverse transform, and this rational approximation is several times faster
/// than inverting `erfc`.
#[inline]
#[expect(
    clippy::excessive_precision,
    reason = "AS 241's coefficients, kept as published"
)]
pub fn normal_quantile(p: f64) -> f64 {
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180_625 - q * q;
        return q
            * (((((((2.509_080_928_730_122_7e3 * r + 3.343_057_558_358_812_8e4) * r
                + 6.726_577_092_700_870_1e4)
                * r
                + 4.592_195_393_154_987_1e4)
                * r
                + 1.373_169_376_550_946e4)
                * r
                + 1.971_590_950_306_551_3e3)
                * r
                + 1.331_416_678_917_843_8e2)
                * r
                + 3.387_132_872_796_366_5)
            / (((((((5.226_495_278_852_545_4e3 * r + 2.872_908_573_572_194_3e4) * r
                + 3.930_789_580_009_271e4)
                * r
                + 2.121_379_430_158_659_7e4)
                * r
                + 5.394_196_021_424_751e3)
                * r
                + 6.871_870_074_920_579e2)
                * r
                + 4.231_333_070_160_091_1e1)
                * r
                + 1.0);
    }
    let mut r = if q < 0.0 { p } else { 1.0 - p };
    r = (-r.ln()).sqrt();
    let x = if r <= 5.0 {
        r -= 1.6;
        (((((((7.745_450_142_783_414e-4 * r + 2.272_384_498_926_918_4e-2) * r
            + 2.417_807_251_774_506e-1)
            * r
            + 1.270_458_252_452_368_4)
            * r
            + 3.647_848_324_763_204_5)
            * r
            + 5.769_497_221_460_691)
            * r
            + 4.630_337_846_156_545_3)
            * r
            + 1.423_437_110_749_683_5)
            / (((((((1.050_750_071_644_416_9e-9 * r + 5.475_938_084_995_345e-4) * r
                + 1.519_866_656_361_645_7e-2)
                * r
                + 1.481_039_764_274_800_7e-1)
                * r
                + 6.897_673_349_851e-1)
                * r
                + 1.676_384_830_183_803_8)
                * r
                + 2.053_191_626_637_758_8)
                * r
                + 1.0)
    } else {
        r -= 5.0;
        (((((((2.010_334_399_292_288_1e-7 * r + 2.711_555_568_743_487_6e-5) * r
            + 1.242_660_947_388_078_4e-3)
            * r
            + 2.653_218_952_657_612_4e-2)
            * r
            + 2.965_605_718_285_048_7e-1)
            * r
            + 1.784_826_539_917_291_3)
            * r
            + 5.463_784_911_164_114_4)
            * r
            + 6.657_904_643_501_103_5)
            / (((((((2.044_263_103_389_939_7e-15 * r + 1.421_511_758_316_446e-7) * r
                + 1.846_318_317_510_054_8e-5)
                * r
                + 7.868_691_311_456_132_6e-4)
                * r
                + 1.487_536_129_085_061_5e-2)
                * r
                + 1.369_298_809_227_358e-1)
                * r
                + 5.998_322_065_558_88e-1)
                * r
                + 1.0)
    };
    if q < 0.0 { -x } else { x }
}

/// What the `rank` of a [`Dist::sample_scored`] draw holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Score {
    /// The rank itself.
    Rank,
    /// A standard normal score: the rank is [`normal_cdf`] of it.
    Normal,
    /// A beta variate of shapes `a` and `b`: the rank is its regularised incomplete beta
    /// function (see [`BetaCdfTable`]).
    Beta {
        /// First shape.
        a: f64,
        /// Second shape.
        b: f64,
    },
}

/// Beta-PERT sampling, kept out of line: inlined, the compiler computes the beta shapes (two
/// divisions and a square root) speculatively for every distribution, slowing the hot loop.
#[inline(never)]
fn sample_pert<R: Rng + ?Sized>(min: f64, mode: f64, max: f64, rng: &mut R) -> Draw {
    if max == min {
        return Draw {
            value: min,
            rank: 0.5,
        };
    }
    let (a, b) = pert_shape(min, mode, max);
    let (value, x) = sample_pert_value(min, mode, max, rng);
    Draw {
        value,
        rank: beta_reg(a, b, x),
    }
}

/// A beta-PERT draw and its beta variate in `[0, 1]` (0.5 when `min == max`).
#[inline(never)]
fn sample_pert_value<R: Rng + ?Sized>(min: f64, mode: f64, max: f64, rng: &mut R) -> (f64, f64) {
    if max == min {
        return (min, 0.5);
    }
    let (a, b) = pert_shape(min, mode, max);
    // Both shapes are at least 1, so the beta distribution is well defined.
    let x: f64 = Beta::new(a, b).map_or(0.5, |beta| beta.sample(rng));
    (min + (max - min) * x, x)
}

/// The CDF of a beta distribution with both shapes at least 1 (a beta-PERT's), tabulated for
/// the engine's ranks: cubic Hermite interpolation between [`BetaCdfTable::NODES`] evenly
/// spaced nodes, with the exact CDF and density at each, and the exact function in the first
/// and last interval (where a shape below 2 leaves the density's derivatives unbounded). The
/// interpolation error is at most `h^4 / 384` times the density's third derivative (`h` the
/// node spacing): below 1e-8 for every PERT shape (checked in the tests), under the single
/// precision (about 6e-8) the engine keeps ranks in. An incomplete beta function per draw
/// cost more than the rest of the draw.
#[derive(Debug, Clone, PartialEq)]
pub struct BetaCdfTable {
    /// `(cdf, density)` at each node.
    nodes: Vec<(f64, f64)>,
    /// The shapes, for the exact function in the end intervals.
    a: f64,
    b: f64,
}

impl BetaCdfTable {
    /// Nodes of the table.
    pub const NODES: usize = 1025;

    /// The table of the beta distribution with shapes `a` and `b` (both at least 1).
    pub fn new(a: f64, b: f64) -> BetaCdfTable {
        use statrs::distribution::{Continuous, ContinuousCDF};
        let beta = statrs::distribution::Beta::new(a, b).ok();
        let last = (Self::NODES - 1) as f64;
        let nodes = (0..Self::NODES)
            .map(|i| {
                let x = i as f64 / last;
                match &beta {
                    Some(d) => {
                        let density = d.pdf(x);
                        (d.cdf(x), if density.is_finite() { density } else { 0.0 })
                    }
                    None => (x, 1.0),
                }
            })
            .collect();
        BetaCdfTable { nodes, a, b }
    }

    /// The CDF at `x` (clamped to `[0, 1]`).
    #[inline]
    pub fn cdf(&self, x: f64) -> f64 {
        let last = self.nodes.len() - 1;
        let h = 1.0 / last as f64;
        let pos = x.clamp(0.0, 1.0) * last as f64;
        let i = (pos as usize).min(last - 1);
        if i == 0 || i == last - 1 {
            // A shape below 2 makes the density's derivatives unbounded at that end, where
            // the interpolation loses its accuracy; the end intervals hold well under 1% of
            // the mass, so the exact function costs little there.
            return beta_reg(self.a, self.b, x.clamp(0.0, 1.0));
        }
        let t = pos - i as f64;
        let ((f0, d0), (f1, d1)) = (self.nodes[i], self.nodes[i + 1]);
        let (t2, t3) = (t * t, t * t * t);
        let h00 = 2.0 * t3 - 3.0 * t2 + 1.0;
        let h10 = t3 - 2.0 * t2 + t;
        let h01 = -2.0 * t3 + 3.0 * t2;
        let h11 = t3 - t2;
        (h00 * f0 + h10 * h * d0 + h01 * f1 + h11 * h * d1).clamp(0.0, 1.0)
    }
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
    use rand_xoshiro::SplitMix64;

    fn sample_mean(d: &Dist, n: usize) -> (f64, f64) {
        let mut rng = SplitMix64::seed_from_u64(7);
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
        let mut rng = SplitMix64::seed_from_u64(1);
        for _ in 0..100 {
            let draw = d.sample(&mut rng);
            assert!((d.quantile(draw.rank) - draw.value).abs() < 1e-9);
        }
        let ln = Dist::lognormal_from_quantiles(10.0, 20.0);
        for _ in 0..100 {
            let draw = ln.sample(&mut rng);
            let Dist::LogNormal { mu, sigma } = ln else {
                unreachable!()
            };
            let exact = normal_cdf((draw.value.ln() - mu) / sigma);
            assert!((draw.rank - exact).abs() < 1e-5);
        }
    }

    #[test]
    fn the_beta_cdf_table_matches_the_incomplete_beta_function() {
        // Shapes of PERTs with the mode at the minimum, a quarter, the middle and the maximum.
        for (a, b) in [(1.0, 5.0), (2.0, 4.0), (3.0, 3.0), (5.0, 1.0), (1.2, 4.8)] {
            let table = BetaCdfTable::new(a, b);
            let (mut worst_inner, mut worst) = (0.0_f64, 0.0_f64);
            for i in 0..=10_000 {
                let x = f64::from(i) / 10_000.0;
                let err = (table.cdf(x) - beta_reg(a, b, x)).abs();
                worst = worst.max(err);
                if (0.01..=0.99).contains(&x) {
                    worst_inner = worst_inner.max(err);
                }
            }
            assert!(
                worst_inner < 1e-8,
                "shapes ({a}, {b}): inner error {worst_inner}"
            );
            assert!(worst < 1e-5, "shapes ({a}, {b}): error {worst}");
        }
    }

    #[test]
    fn scored_pert_draws_are_the_plain_draws_with_their_beta_variate() {
        let d = Dist::Pert {
            min: 10.0,
            mode: 20.0,
            max: 60.0,
        };
        let Score::Beta { a, b } = d.score() else {
            panic!("a PERT scores by its beta variate");
        };
        for seed in 0..100 {
            let plain = d.sample(&mut SplitMix64::seed_from_u64(seed));
            let scored = d.sample_scored(&mut SplitMix64::seed_from_u64(seed));
            assert_eq!(plain.value, scored.value);
            assert!((plain.rank - beta_reg(a, b, scored.rank)).abs() < 1e-12);
        }
    }

    #[test]
    fn normal_quantile_inverts_the_cdf() {
        for &p in &[
            1e-300,
            1e-12,
            0.001,
            0.02425,
            0.1,
            0.3,
            0.5,
            0.7,
            0.925,
            0.97575,
            0.999,
            1.0 - 1e-12,
        ] {
            let z = normal_quantile(p);
            let back = normal_cdf(z);
            assert!((back - p).abs() <= 1e-9 * p, "p {p}: z {z}, cdf {back}");
        }
        assert_eq!(normal_quantile(0.5), 0.0);
        assert!((normal_quantile(0.9) - Z90).abs() < 1e-14);
    }

    #[test]
    fn the_single_precision_cdf_is_close_and_monotone() {
        let mut last = 0.0;
        for i in -1_000_000..=1_000_000 {
            let z = f64::from(i) / 100_000.0;
            let fast = fast_normal_cdf(z);
            assert!((fast - normal_cdf(z)).abs() < 1e-6, "z {z}");
            assert!(fast >= last, "z {z}");
            last = fast;
        }
        assert_eq!(normal_cdf_f32(f32::INFINITY), 1.0);
        assert_eq!(normal_cdf_f32(f32::NEG_INFINITY), 0.0);
        assert_eq!(normal_cdf_f32(0.0), 0.5);
    }

    #[test]
    fn empirical_ties_share_a_mid_rank() {
        let d = Dist::empirical(vec![5.0, 5.0, 9.0, 1.0]);
        let mut rng = SplitMix64::seed_from_u64(3);
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

    #[test]
    fn fitted_families_sample_their_mean_and_rank_by_their_cdf() {
        let dists = [
            Dist::Gamma {
                shape: 2.5,
                scale: 400.0,
            },
            Dist::Weibull {
                shape: 1.7,
                scale: 1500.0,
            },
            Dist::log_student_t(7.0, 0.4, 3.0),
        ];
        for d in &dists {
            let (mean, se) = sample_mean(d, 200_000);
            assert!(
                (mean - d.mean()).abs() < 4.0 * se,
                "{d:?}: sample mean {mean} vs {} (se {se})",
                d.describe()
            );
            let mut rng = SplitMix64::seed_from_u64(5);
            for _ in 0..200 {
                let draw = d.sample(&mut rng);
                assert!(
                    (d.cdf(draw.value) - draw.rank).abs() < 1e-6,
                    "{}",
                    d.describe()
                );
                let back = d.quantile(draw.rank);
                assert!(
                    (back - draw.value).abs() / draw.value < 1e-6,
                    "{}",
                    d.describe()
                );
            }
            assert!(d.quantile(0.1) < d.quantile(0.5) && d.quantile(0.5) < d.quantile(0.9));
        }
        // The log-t keeps its central 98 %: bounded, and its median is exp(mu).
        let t = &dists[2];
        assert!((t.quantile(0.5) - 7.0_f64.exp()).abs() < 1e-6 * 7.0_f64.exp());
        assert!(t.max().is_finite() && t.min() > 0.0);
        assert!(
            ((t.max() / 7.0_f64.exp()).ln() / 0.4 - 4.5407).abs() < 1e-3,
            "t(3) 99th percentile"
        );
    }

    #[test]
    fn cdf_and_quantile_agree_for_every_family() {
        let dists = [
            Dist::Uniform { min: 1.0, max: 3.0 },
            Dist::Triangular {
                min: 1.0,
                mode: 2.0,
                max: 5.0,
            },
            Dist::Pert {
                min: 1.0,
                mode: 2.0,
                max: 5.0,
            },
            Dist::lognormal_from_quantiles(10.0, 20.0),
            Dist::Exponential { mean: 4.0 },
            Dist::Gamma {
                shape: 0.8,
                scale: 3.0,
            },
            Dist::Weibull {
                shape: 0.9,
                scale: 3.0,
            },
        ];
        for d in &dists {
            for p in [0.05, 0.3, 0.5, 0.8, 0.97] {
                let x = d.quantile(p);
                assert!((d.cdf(x) - p).abs() < 1e-6, "{d:?} at {p}: {}", d.cdf(x));
            }
        }
    }
}
