//! Fitting duration distributions to recorded step timings.
//!
//! Three families are fitted by maximum likelihood: the lognormal (closed form), the gamma
//! (Newton's method on the shape, Choi & Wette 1969, started from Minka's 2002 approximation) and
//! the Weibull (bisection on the shape's profile-likelihood equation, which is monotone). The
//! family with the lowest AIC (Akaike 1974: `2 p - 2 ln L`, here `p = 2` for all three, so it is
//! the highest likelihood) is chosen, and the Kolmogorov-Smirnov distance of the observations to
//! it is reported as the fit's quality.
//!
//! Few drills are not certainty. With fewer than [`MIN_OBSERVATIONS_FOR_FIT`] observations the
//! parameters are too uncertain to plug in, so the step is modelled by the lognormal's posterior
//! predictive: the log-durations follow a Student-t with `df = PRIOR_WEIGHT + n - 1` degrees of
//! freedom, centred on their mean, with scale `s_n sqrt(1 + 1/n)`, where `s_n^2` pools the sample
//! variance with a weak prior spread ([`PRIOR_LOG_SD`] worth [`PRIOR_WEIGHT`] observations; it
//! also gives one observation, or several equal ones, a spread). This is the Bayesian result for
//! a normal model of the logs under a flat prior on the mean and a scaled-inverse-chi-squared
//! prior on the variance (Gelman et al., *Bayesian Data Analysis*, 3rd ed., section 3.3). It
//! is wider the fewer the observations, unlike resampling them, whose spread per draw does not
//! depend on how many there are. Pure: no I/O.

use crate::dist::Dist;
use statrs::function::gamma::{digamma, ln_gamma};

/// Below this many successful observations, the posterior predictive is used instead of a fit.
pub const MIN_OBSERVATIONS_FOR_FIT: usize = 5;
/// The prior's standard deviation of log-durations: 0.5, a P90 about 1.9 times the median, a
/// modest spread for hands-on operations work. It matters only with few observations.
pub const PRIOR_LOG_SD: f64 = 0.5;
/// How many observations the prior spread is worth.
pub const PRIOR_WEIGHT: f64 = 2.0;

/// A family of distributions that can be fitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// Lognormal.
    LogNormal,
    /// Gamma.
    Gamma,
    /// Weibull.
    Weibull,
}

impl Family {
    /// The family's name.
    pub fn name(self) -> &'static str {
        match self {
            Family::LogNormal => "lognormal",
            Family::Gamma => "gamma",
            Family::Weibull => "weibull",
        }
    }
}

/// One family fitted by maximum likelihood.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The family.
    pub family: Family,
    /// The fitted distribution.
    pub dist: Dist,
    /// The maximised log-likelihood.
    pub log_likelihood: f64,
    /// Akaike's information criterion, `4 - 2 ln L` for two parameters.
    pub aic: f64,
}

/// The best of the fitted families.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// The family with the lowest AIC.
    pub chosen: Family,
    /// Its distribution.
    pub dist: Dist,
    /// Kolmogorov-Smirnov distance between the observations and the chosen distribution.
    pub ks: f64,
    /// Every family that could be fitted, best first.
    pub candidates: Vec<Candidate>,
}

/// The model the simulation uses for a step's recorded durations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModelKind {
    /// A family fitted by maximum likelihood and chosen by AIC.
    Fitted(Family),
    /// The observations resampled as recorded.
    Empirical,
    /// Too few observations to fit: the lognormal posterior predictive.
    Predictive,
}

impl ModelKind {
    /// A short name for tables.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Fitted(f) => f.name(),
            ModelKind::Empirical => "empirical",
            ModelKind::Predictive => "predictive",
        }
    }
}

/// How a step's durations are modelled from its observations.
#[derive(Debug, Clone, PartialEq)]
pub struct DurationModel {
    /// What was used.
    pub kind: ModelKind,
    /// The distribution the simulation draws from.
    pub dist: Dist,
    /// The Kolmogorov-Smirnov distance of the observations to `dist`, for fitted models.
    pub ks: Option<f64>,
    /// The fit, when families were fitted.
    pub fit: Option<Fit>,
}

/// Models durations (seconds, positive) for the simulation: the AIC-best fitted family, or
/// resampling when `empirical`; with fewer than [`MIN_OBSERVATIONS_FOR_FIT`] observations, or
/// when they are all equal, the posterior predictive either way. `None` without observations.
pub fn model_durations(xs: &[f64], empirical: bool) -> Option<DurationModel> {
    let xs: Vec<f64> = xs
        .iter()
        .copied()
        .filter(|x| *x > 0.0 && x.is_finite())
        .collect();
    if xs.is_empty() {
        return None;
    }
    let spread = xs.iter().any(|x| *x != xs[0]);
    if xs.len() < MIN_OBSERVATIONS_FOR_FIT || !spread {
        return Some(DurationModel {
            kind: ModelKind::Predictive,
            dist: predictive_lognormal(&xs),
            ks: None,
            fit: None,
        });
    }
    let fit = fit_best(&xs);
    if empirical {
        return Some(DurationModel {
            kind: ModelKind::Empirical,
            dist: Dist::empirical(xs),
            ks: None,
            fit,
        });
    }
    let fit = fit?;
    Some(DurationModel {
        kind: ModelKind::Fitted(fit.chosen),
        dist: fit.dist.clone(),
        ks: Some(fit.ks),
        fit: Some(fit),
    })
}

/// Fits every family and picks the lowest AIC. `None` for fewer than two distinct values.
pub fn fit_best(xs: &[f64]) -> Option<Fit> {
    let mut candidates: Vec<Candidate> = [fit_lognormal(xs), fit_gamma(xs), fit_weibull(xs)]
        .into_iter()
        .flatten()
        .filter(|c| c.aic.is_finite())
        .collect();
    candidates.sort_by(|a, b| a.aic.total_cmp(&b.aic));
    let best = candidates.first()?.clone();
    Some(Fit {
        chosen: best.family,
        ks: ks_distance(xs, &best.dist),
        dist: best.dist,
        candidates,
    })
}

fn candidate(family: Family, dist: Dist, log_likelihood: f64) -> Candidate {
    Candidate {
        family,
        dist,
        log_likelihood,
        aic: 4.0 - 2.0 * log_likelihood,
    }
}

/// The lognormal MLE: the mean and (biased) standard deviation of the logs.
pub fn fit_lognormal(xs: &[f64]) -> Option<Candidate> {
    let n = xs.len() as f64;
    if xs.len() < 2 || xs.iter().any(|x| *x <= 0.0) {
        return None;
    }
    let logs: Vec<f64> = xs.iter().map(|x| x.ln()).collect();
    let mu = logs.iter().sum::<f64>() / n;
    let var = logs.iter().map(|l| (l - mu).powi(2)).sum::<f64>() / n;
    if var <= 0.0 {
        return None;
    }
    let sigma = var.sqrt();
    let ll =
        -0.5 * n * (2.0 * std::f64::consts::PI * var).ln() - 0.5 * n - logs.iter().sum::<f64>();
    Some(candidate(
        Family::LogNormal,
        Dist::LogNormal { mu, sigma },
        ll,
    ))
}

/// The gamma MLE: the shape solves `ln k - digamma(k) = ln(mean x) - mean(ln x)`, by Newton's
/// method from Minka's approximation; the scale is `mean / k`.
pub fn fit_gamma(xs: &[f64]) -> Option<Candidate> {
    let n = xs.len() as f64;
    if xs.len() < 2 || xs.iter().any(|x| *x <= 0.0) {
        return None;
    }
    let mean = xs.iter().sum::<f64>() / n;
    let mean_log = xs.iter().map(|x| x.ln()).sum::<f64>() / n;
    let s = mean.ln() - mean_log;
    if s.is_nan() || s <= 0.0 {
        return None;
    }
    let mut k = (3.0 - s + ((s - 3.0).powi(2) + 24.0 * s).sqrt()) / (12.0 * s);
    for _ in 0..100 {
        let f = k.ln() - digamma(k) - s;
        let df = 1.0 / k - trigamma(k);
        let mut next = k - f / df;
        if next.is_nan() || next <= 0.0 {
            next = k / 2.0;
        }
        let done = (next - k).abs() <= 1e-12 * k;
        k = next;
        if done {
            break;
        }
    }
    let scale = mean / k;
    let ll = (k - 1.0) * n * mean_log - n * mean / scale - n * k * scale.ln() - n * ln_gamma(k);
    Some(candidate(
        Family::Gamma,
        Dist::Gamma { shape: k, scale },
        ll,
    ))
}

/// The Weibull MLE: the shape solves `sum x^k ln x / sum x^k - 1/k = mean(ln x)`, whose left side
/// increases with `k`, by bisection on `ln k`; the scale is `(mean x^k)^(1/k)`. Values are divided
/// by their maximum first so the powers cannot overflow.
pub fn fit_weibull(xs: &[f64]) -> Option<Candidate> {
    let n = xs.len() as f64;
    if xs.len() < 2 || xs.iter().any(|x| *x <= 0.0) {
        return None;
    }
    let top = xs.iter().copied().fold(0.0, f64::max);
    let logs: Vec<f64> = xs.iter().map(|x| (x / top).ln()).collect();
    let mean_log = logs.iter().sum::<f64>() / n;
    if logs.iter().all(|l| *l == logs[0]) {
        return None;
    }
    let g = |k: f64| {
        let (mut num, mut den) = (0.0, 0.0);
        for &l in &logs {
            let p = (k * l).exp();
            num += p * l;
            den += p;
        }
        num / den - 1.0 / k - mean_log
    };
    let (mut lo, mut hi) = ((1e-3_f64).ln(), (1e3_f64).ln());
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if g(mid.exp()) < 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let k = (0.5 * (lo + hi)).exp();
    let mean_pow = logs.iter().map(|l| (k * l).exp()).sum::<f64>() / n;
    let scale = top * mean_pow.powf(1.0 / k);
    let sum_log_x: f64 = xs.iter().map(|x| x.ln()).sum();
    let ll = n * k.ln() - n * k * scale.ln() + (k - 1.0) * sum_log_x
        - xs.iter().map(|x| (x / scale).powf(k)).sum::<f64>();
    Some(candidate(
        Family::Weibull,
        Dist::Weibull { shape: k, scale },
        ll,
    ))
}

/// The lognormal posterior predictive for few observations (see the module notes).
pub fn predictive_lognormal(xs: &[f64]) -> Dist {
    let n = xs.len().max(1) as f64;
    let logs: Vec<f64> = xs.iter().map(|x| x.max(1e-9).ln()).collect();
    let mean = logs.iter().sum::<f64>() / n;
    let ss: f64 = logs.iter().map(|l| (l - mean).powi(2)).sum();
    let df = PRIOR_WEIGHT + n - 1.0;
    let pooled = ((PRIOR_WEIGHT * PRIOR_LOG_SD * PRIOR_LOG_SD + ss) / df).sqrt();
    Dist::log_student_t(mean, pooled * (1.0 + 1.0 / n).sqrt(), df)
}

/// The Kolmogorov-Smirnov distance `sup |F_n(x) - F(x)|` between the observations and `dist`.
pub fn ks_distance(xs: &[f64], dist: &Dist) -> f64 {
    let mut sorted = xs.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len() as f64;
    sorted
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let f = dist.cdf(x);
            (f - i as f64 / n).abs().max(((i + 1) as f64 / n - f).abs())
        })
        .fold(0.0, f64::max)
}

/// The trigamma function `psi'(x)` for `x > 0`: the recurrence `psi'(x) = psi'(x + 1) + 1/x^2`
/// up to `x >= 10`, then the asymptotic series (Abramowitz & Stegun 6.4.12).
pub fn trigamma(mut x: f64) -> f64 {
    let mut acc = 0.0;
    while x < 10.0 {
        acc += 1.0 / (x * x);
        x += 1.0;
    }
    let x2 = 1.0 / (x * x);
    acc + 1.0 / x
        + x2 / 2.0
        + x2 / x * (1.0 / 6.0 - x2 * (1.0 / 30.0 - x2 * (1.0 / 42.0 - x2 / 30.0)))
}

#[cfg(test)]
#[path = "fit_tests.rs"]
mod tests;
