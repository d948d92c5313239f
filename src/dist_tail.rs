//! A duration conditioned on having already lasted some time: what a step that has run for
//! `elapsed` seconds still has to go, for the live forecast (`rtosim track`).
//!
//! For every family the draw is exact: `X | X > e` by inversion of the CDF on `(F(e), 1]`,
//! or in closed form where one exists (the exponential is memoryless; the Weibull and the
//! lognormal are inverted through their survival functions, so a step deep in its tail keeps
//! full precision). A step that has run past everything its distribution allows (a fixed time,
//! the bound of a uniform, triangular or PERT, every recorded sample, the kept mass of a
//! log-t) is *beyond its model*: its remaining time then comes from a fitted tail, and the
//! draw says so ([`Above::beyond`]), so the forecast can tell the reader.
//!
//! Pure, like [`crate::dist`]: no I/O, no global random state.

use rand::{Rng, RngExt};
use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::dist::{Dist, normal_cdf, normal_quantile};
use crate::fit::predictive_lognormal;

/// A duration drawn on the condition that it exceeds the time already elapsed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Above {
    /// The whole duration (elapsed plus remaining), at least the elapsed time.
    pub value: f64,
    /// Whether the elapsed time was past the distribution's support, so that the value comes
    /// from the fitted tail (see [`Dist::tail_beyond`]).
    pub beyond: bool,
}

impl Dist {
    /// Draws a duration from this distribution conditioned on exceeding `elapsed`.
    ///
    /// With `elapsed <= 0` (or below the minimum) this is an unconditioned draw. Past the
    /// support the draw comes from [`Dist::tail_beyond`].
    pub fn sample_above<R: Rng + ?Sized>(&self, elapsed: f64, rng: &mut R) -> Above {
        if elapsed <= self.min() {
            let value = self.sample_value(rng).max(elapsed);
            return Above {
                value,
                beyond: false,
            };
        }
        if elapsed >= self.max() {
            return Above {
                value: self.tail_beyond().sample_above_unbounded(elapsed, rng),
                beyond: true,
            };
        }
        let value = match self {
            Dist::Empirical { samples } => {
                // The recorded values above the elapsed time, each equally likely.
                let first = samples.partition_point(|s| *s <= elapsed);
                samples[rng.random_range(first..samples.len())]
            }
            _ => self.sample_above_unbounded(elapsed, rng),
        };
        Above {
            value: value.max(elapsed),
            beyond: false,
        }
    }

    /// `X | X > elapsed` by inversion, for an `elapsed` inside the support (or for the
    /// unbounded tails [`Dist::tail_beyond`] returns).
    fn sample_above_unbounded<R: Rng + ?Sized>(&self, elapsed: f64, rng: &mut R) -> f64 {
        // u in (0, 1]: the share of the remaining mass above the draw.
        let u = 1.0 - rng.random::<f64>();
        match self {
            Dist::Fixed(v) => v.max(elapsed),
            Dist::Exponential { mean } => elapsed - mean * u.ln(),
            Dist::Weibull { shape, scale } => {
                // S(x) = exp(-(x/scale)^k): solve S(x) = u S(e).
                scale * ((elapsed / scale).powf(*shape) - u.ln()).powf(1.0 / shape)
            }
            Dist::LogNormal { .. } | Dist::Gamma { .. } => self.deep_tail(elapsed, u),
            Dist::LogStudentT { mu, scale, df, .. } if elapsed >= self.max() => {
                // The tail the kept mass cuts off: the Student-t itself above the elapsed time.
                let t_e = (elapsed.ln() - mu) / scale;
                match StudentsT::new(0.0, 1.0, *df) {
                    Ok(t) => {
                        let q = -t.inverse_cdf((u * t.cdf(-t_e)).max(f64::MIN_POSITIVE));
                        finite_or((mu + scale * q.max(t_e)).exp(), elapsed)
                    }
                    Err(_) => elapsed,
                }
            }
            _ => {
                let f = self.cdf(elapsed);
                self.quantile(1.0 - u * (1.0 - f)).max(elapsed)
            }
        }
    }

    /// The value above `elapsed` whose share of the mass above `elapsed` is `u`, for the two
    /// unbounded families whose survival function underflows far in the tail: there the tail's
    /// asymptotic form takes over, so the answer stays finite and above `elapsed`.
    ///
    /// - lognormal: `Phi(-z) = u Phi(-z_e)` through the survival function, and past
    ///   `Phi(-z_e) = 0` in double precision Mills' ratio, `z = z_e - ln(u) / z_e`;
    /// - gamma: inversion, and where `1 - F(e)` rounds to zero the exponential tail of scale
    ///   `theta` a gamma has far out, `e - theta ln(u)`.
    fn deep_tail(&self, elapsed: f64, u: f64) -> f64 {
        match self {
            Dist::LogNormal { mu, sigma } => {
                let z_e = (elapsed.ln() - mu) / sigma;
                let survival = normal_cdf(-z_e);
                let z = if survival > 1e-300 {
                    -normal_quantile(u * survival)
                } else {
                    z_e - u.ln() / z_e
                };
                finite_or((mu + sigma * z.max(z_e)).exp(), elapsed)
            }
            Dist::Gamma { scale, .. } => {
                let left = 1.0 - self.cdf(elapsed);
                let value = if left > 1e-12 {
                    self.quantile(1.0 - u * left)
                } else {
                    f64::INFINITY
                };
                if value.is_finite() {
                    value.max(elapsed)
                } else {
                    elapsed - scale * u.ln()
                }
            }
            _ => elapsed,
        }
    }

    /// The model of a duration that has run past this distribution's support:
    ///
    /// - recorded samples (`empirical`): the lognormal posterior predictive fitted to them,
    ///   the log-t model rtosim uses for few recorded timings ([`predictive_lognormal`]), with
    ///   its whole tail;
    /// - a log-t: itself, with the tail beyond its kept mass;
    /// - a bounded family (uniform, triangular, PERT): the lognormal through its P50 and P90;
    /// - a fixed time: itself, so the step is due now;
    /// - unbounded families: themselves (never reached).
    pub fn tail_beyond(&self) -> Dist {
        match self {
            Dist::Empirical { samples } => predictive_lognormal(samples),
            Dist::Uniform { .. } | Dist::Triangular { .. } | Dist::Pert { .. } => {
                let (p50, p90) = (self.quantile(0.5), self.quantile(0.9));
                if p90 > p50 && p50 > 0.0 {
                    Dist::lognormal_from_quantiles(p50, p90)
                } else {
                    Dist::Fixed(self.max())
                }
            }
            other => other.clone(),
        }
    }

    /// The quantile `p` of this distribution conditioned on exceeding `elapsed`, by sampling
    /// nothing: the value below which a share `p` of conditioned draws fall. Past the support
    /// it is the fitted tail's.
    pub fn quantile_above(&self, elapsed: f64, p: f64) -> f64 {
        if elapsed <= self.min() {
            return self.quantile(p).max(elapsed);
        }
        let dist = if elapsed >= self.max() {
            self.tail_beyond()
        } else {
            self.clone()
        };
        let f = if elapsed >= self.max() {
            tail_cdf(&dist, elapsed)
        } else {
            dist.cdf(elapsed)
        };
        let target = f + p * (1.0 - f);
        match &dist {
            Dist::LogStudentT { mu, scale, df, .. } if elapsed >= self.max() => {
                let t_e = (elapsed.ln() - mu) / scale;
                StudentsT::new(0.0, 1.0, *df).map_or(elapsed, |t| {
                    let q = t.inverse_cdf((1.0 - (1.0 - p) * t.cdf(-t_e)).min(1.0 - 1e-16));
                    finite_or((mu + scale * q.max(t_e)).exp(), elapsed)
                })
            }
            Dist::LogNormal { .. } | Dist::Gamma { .. } => {
                dist.deep_tail(elapsed, (1.0 - p).max(f64::MIN_POSITIVE))
            }
            // Closed forms, which hold however far out `elapsed` is.
            Dist::Exponential { mean } => elapsed - mean * (1.0 - p).max(f64::MIN_POSITIVE).ln(),
            Dist::Weibull { shape, scale } => {
                let u = (1.0 - p).max(f64::MIN_POSITIVE);
                scale * ((elapsed / scale).powf(*shape) - u.ln()).powf(1.0 / shape)
            }
            _ => finite_or(dist.quantile(target), elapsed),
        }
    }
}

/// `value`, or `fallback` when it overflowed (a log-t's tail far past any plausible time).
fn finite_or(value: f64, fallback: f64) -> f64 {
    if value.is_finite() {
        value.max(fallback)
    } else {
        fallback
    }
}

/// The CDF of a fitted tail at `x`, where a log-t's own CDF would stop at its kept mass.
fn tail_cdf(dist: &Dist, x: f64) -> f64 {
    match dist {
        Dist::LogStudentT { mu, scale, df, .. } => StudentsT::new(0.0, 1.0, *df)
            .map_or(1.0, |t| t.cdf((x.max(f64::MIN_POSITIVE).ln() - mu) / scale)),
        _ => dist.cdf(x),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::SplitMix64;

    fn draws(d: &Dist, e: f64, n: usize) -> Vec<Above> {
        let mut rng = SplitMix64::seed_from_u64(11);
        (0..n).map(|_| d.sample_above(e, &mut rng)).collect()
    }

    fn mean_se(xs: &[f64]) -> (f64, f64) {
        let n = xs.len() as f64;
        let m = xs.iter().sum::<f64>() / n;
        let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
        (m, (v / n).sqrt())
    }

    #[test]
    fn every_family_stays_above_the_elapsed_time() {
        let families = [
            Dist::Fixed(10.0),
            Dist::Uniform {
                min: 2.0,
                max: 12.0,
            },
            Dist::Triangular {
                min: 2.0,
                mode: 4.0,
                max: 12.0,
            },
            Dist::Pert {
                min: 2.0,
                mode: 4.0,
                max: 12.0,
            },
            Dist::LogNormal {
                mu: 1.5,
                sigma: 0.5,
            },
            Dist::Exponential { mean: 5.0 },
            Dist::empirical(vec![3.0, 5.0, 7.0, 9.0]),
            Dist::Gamma {
                shape: 2.0,
                scale: 2.5,
            },
            Dist::Weibull {
                shape: 1.5,
                scale: 5.0,
            },
            Dist::log_student_t(1.5, 0.4, 4.0),
        ];
        for d in &families {
            for e in [0.0, 3.0, 8.0, 50.0, 500.0, 1e9] {
                for a in draws(d, e, 200) {
                    assert!(a.value >= e && a.value.is_finite(), "{d:?} at {e}: {a:?}");
                }
                let q = d.quantile_above(e, 0.9);
                assert!(q >= e && q.is_finite(), "{d:?} at {e}: {q}");
            }
        }
    }

    #[test]
    fn uniform_truncated_mean_is_the_midpoint_of_what_is_left() {
        let d = Dist::Uniform {
            min: 0.0,
            max: 10.0,
        };
        let xs: Vec<f64> = draws(&d, 4.0, 40_000).iter().map(|a| a.value).collect();
        let (m, se) = mean_se(&xs);
        assert!((m - 7.0).abs() < 4.0 * se, "{m} ± {se}");
        assert_eq!(d.quantile_above(4.0, 0.5), 7.0);
    }

    #[test]
    fn past_every_sample_the_fitted_tail_is_used_and_said() {
        let d = Dist::empirical(vec![3.0, 5.0, 7.0]);
        let all = draws(&d, 20.0, 500);
        assert!(all.iter().all(|a| a.beyond && a.value > 20.0));
        assert!(
            all.iter().any(|a| a.value > 21.0),
            "remaining time is not zero"
        );
        let inside = draws(&d, 4.0, 500);
        assert!(
            inside
                .iter()
                .all(|a| !a.beyond && (a.value == 5.0 || a.value == 7.0))
        );
    }
}
