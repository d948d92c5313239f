//! Tests of the fits against known parameters, with tolerances from asymptotic standard errors.

use super::*;
use rand::SeedableRng;
use rand_xoshiro::SplitMix64;

fn draws(d: &Dist, n: usize, seed: u64) -> Vec<f64> {
    let mut rng = SplitMix64::seed_from_u64(seed);
    (0..n).map(|_| d.sample(&mut rng).value).collect()
}

fn within(got: f64, want: f64, se: f64, what: &str) {
    assert!(
        (got - want).abs() < 4.0 * se,
        "{what}: got {got}, want {want} (4 se = {})",
        4.0 * se
    );
}

#[test]
fn trigamma_matches_known_values() {
    use std::f64::consts::PI;
    assert!((trigamma(1.0) - PI * PI / 6.0).abs() < 1e-10);
    assert!((trigamma(0.5) - PI * PI / 2.0).abs() < 1e-10);
    assert!((trigamma(10.0) - 0.105_166_335_681_685_6).abs() < 1e-12);
}

const N: usize = 2_000;

#[test]
fn lognormal_mle_recovers_its_parameters() {
    let (mu, sigma) = (7.2, 0.45);
    let xs = draws(&Dist::LogNormal { mu, sigma }, N, 11);
    let c = fit_lognormal(&xs).unwrap();
    let Dist::LogNormal { mu: m, sigma: s } = c.dist else {
        panic!("{:?}", c.dist)
    };
    let n = N as f64;
    within(m, mu, sigma / n.sqrt(), "mu");
    within(s, sigma, sigma / (2.0 * n).sqrt(), "sigma");
}

#[test]
fn gamma_mle_recovers_its_parameters() {
    let (k, theta) = (2.5, 600.0);
    let xs = draws(
        &Dist::Gamma {
            shape: k,
            scale: theta,
        },
        N,
        12,
    );
    let c = fit_gamma(&xs).unwrap();
    let Dist::Gamma { shape, scale } = c.dist else {
        panic!("{:?}", c.dist)
    };
    // Inverse Fisher information of (k, theta).
    let n = N as f64;
    let t1 = trigamma(k);
    let det = k * t1 - 1.0;
    within(shape, k, (k / (n * det)).sqrt(), "shape");
    within(
        scale,
        theta,
        (theta * theta * t1 / (n * det)).sqrt(),
        "scale",
    );
}

#[test]
fn weibull_mle_recovers_its_parameters() {
    let (k, lambda) = (1.6, 1_800.0);
    let xs = draws(
        &Dist::Weibull {
            shape: k,
            scale: lambda,
        },
        N,
        13,
    );
    let c = fit_weibull(&xs).unwrap();
    let Dist::Weibull { shape, scale } = c.dist else {
        panic!("{:?}", c.dist)
    };
    // Asymptotic variances: 0.608 k^2 / n and 1.109 lambda^2 / (k^2 n).
    let n = N as f64;
    within(shape, k, (0.608 * k * k / n).sqrt(), "shape");
    within(
        scale,
        lambda,
        (1.109 * lambda * lambda / (k * k * n)).sqrt(),
        "scale",
    );
}

#[test]
fn aic_picks_the_true_family_in_large_samples() {
    let truths = [
        (
            Family::LogNormal,
            Dist::LogNormal {
                mu: 7.0,
                sigma: 0.6,
            },
        ),
        (
            Family::Gamma,
            Dist::Gamma {
                shape: 2.0,
                scale: 500.0,
            },
        ),
        (
            Family::Weibull,
            Dist::Weibull {
                shape: 1.5,
                scale: 1_200.0,
            },
        ),
    ];
    for (seed, (family, d)) in truths.iter().enumerate() {
        let xs = draws(d, 3_000, 100 + seed as u64);
        let fit = fit_best(&xs).unwrap();
        assert_eq!(fit.chosen, *family, "{:?}", fit.candidates);
        assert_eq!(fit.candidates.len(), 3);
        // The KS distance to the true family is within sampling noise (the 1 % critical value
        // of the KS statistic is 1.63 / sqrt(n)).
        assert!(fit.ks < 1.63 / (3_000f64).sqrt(), "ks {}", fit.ks);
    }
}

#[test]
fn ks_distance_separates_good_and_bad_fits() {
    let d = Dist::LogNormal {
        mu: 7.0,
        sigma: 0.5,
    };
    let xs = draws(&d, 1_000, 3);
    assert!(ks_distance(&xs, &d) < 0.05);
    let wrong = Dist::LogNormal {
        mu: 7.5,
        sigma: 0.5,
    };
    assert!(ks_distance(&xs, &wrong) > 0.3);
    // Exact: one observation at the median is half a step away on both sides.
    assert!((ks_distance(&[d.quantile(0.5)], &d) - 0.5).abs() < 1e-9);
}

/// Mean width P90 - P10 of the modelled step over many independent sets of `n` observations.
fn mean_width(n: usize, reps: u64) -> f64 {
    let truth = Dist::LogNormal {
        mu: 7.0,
        sigma: 0.35,
    };
    let mut total = 0.0;
    for r in 0..reps {
        let xs = draws(&truth, n, 1_000 + r);
        let m = model_durations(&xs, false).unwrap();
        total += m.dist.quantile(0.9) - m.dist.quantile(0.1);
    }
    total / reps as f64
}

#[test]
fn fewer_observations_give_a_wider_step() {
    let (w2, w4, w20) = (mean_width(2, 200), mean_width(4, 200), mean_width(20, 200));
    let truth = Dist::LogNormal {
        mu: 7.0,
        sigma: 0.35,
    };
    let true_width = truth.quantile(0.9) - truth.quantile(0.1);
    assert!(w2 > w4 && w4 > w20, "widths {w2} {w4} {w20}");
    // Twenty observations get close to the truth; two stay well wider than it.
    assert!(
        (w20 / true_width - 1.0).abs() < 0.1,
        "{w20} vs {true_width}"
    );
    assert!(w2 > 1.4 * true_width, "{w2} vs {true_width}");
    // The width seen in simulation is the width of the quantile function.
    let xs = draws(&truth, 2, 5);
    let m = model_durations(&xs, false).unwrap();
    let mut rng = SplitMix64::seed_from_u64(9);
    let mut s: Vec<f64> = (0..40_000).map(|_| m.dist.sample(&mut rng).value).collect();
    s.sort_by(f64::total_cmp);
    let sampled = s[36_000] - s[4_000];
    let exact = m.dist.quantile(0.9) - m.dist.quantile(0.1);
    assert!((sampled / exact - 1.0).abs() < 0.03, "{sampled} vs {exact}");
}

#[test]
fn model_choice_follows_the_count_and_the_request() {
    assert!(model_durations(&[], false).is_none());
    assert!(model_durations(&[0.0, -1.0], false).is_none());
    let few = model_durations(&[600.0, 700.0, 650.0], true).unwrap();
    assert_eq!(few.kind, ModelKind::Predictive);
    // A single observation and equal ones still get a spread from the prior.
    let one = model_durations(&[600.0], false).unwrap();
    assert!(one.dist.quantile(0.9) > 1.5 * one.dist.quantile(0.5));
    let equal = model_durations(&[600.0; 8], false).unwrap();
    assert_eq!(equal.kind, ModelKind::Predictive);
    assert!((equal.dist.quantile(0.5) - 600.0).abs() < 1e-6);
    let xs = draws(
        &Dist::Gamma {
            shape: 3.0,
            scale: 200.0,
        },
        30,
        4,
    );
    let emp = model_durations(&xs, true).unwrap();
    assert_eq!(emp.kind, ModelKind::Empirical);
    assert!(matches!(emp.dist, Dist::Empirical { .. }));
    assert!(emp.fit.is_some());
    let fitted = model_durations(&xs, false).unwrap();
    assert!(matches!(fitted.kind, ModelKind::Fitted(_)));
    assert!(fitted.ks.is_some_and(|k| k < 0.3));
}
