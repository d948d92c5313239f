//! The bare loop the engine's speed is measured against.

use rand::SeedableRng;
use rand_distr::{Distribution, LogNormal};
use rand_xoshiro::SplitMix64;
use rayon::prelude::*;
use rtosim::dist::Dist;
use rtosim::sim::{Model, splitmix};

/// The bare loop: one lognormal per step per trial (rand_distr's ziggurat sampler), a max over
/// predecessors, nothing else: no criticality, no cruciality, no percentiles per step.
pub fn bare_loop(model: &Model, trials: u64, seed: u64) -> f64 {
    let dists: Vec<LogNormal<f64>> = model
        .steps
        .iter()
        .map(|s| match s.dist {
            Dist::LogNormal { mu, sigma } => LogNormal::new(mu, sigma).unwrap(),
            _ => panic!("the synthetic plan is all lognormal"),
        })
        .collect();
    (0..trials)
        .into_par_iter()
        .map_init(
            || vec![0.0_f64; model.len()],
            |finish, t| {
                let mut rng = SplitMix64::seed_from_u64(splitmix(seed ^ t));
                let mut rto = 0.0_f64;
                for s in 0..model.len() {
                    // A plain comparison: times are never NaN, and `f64::max` would pay for
                    // IEEE's NaN rules.
                    let later = |a: f64, b: f64| if b > a { b } else { a };
                    let start = model
                        .preds(s)
                        .iter()
                        .map(|&p| finish[p as usize])
                        .fold(0.0, later);
                    finish[s] = start + dists[s].sample(&mut rng);
                    rto = later(rto, finish[s]);
                }
                rto
            },
        )
        .sum()
}
