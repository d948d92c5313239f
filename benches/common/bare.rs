//! The bare loop the engine's speed is measured against, one trial at a time as the issue
//! describes it, and four trials side by side as the engine runs unconstrained plans.

use rand::SeedableRng;
use rand_distr::{Distribution, LogNormal};
use rand_xoshiro::SplitMix64;
use rayon::prelude::*;
use rtosim::dist::Dist;
use rtosim::sim::{Model, splitmix};

/// The bare loop: one lognormal per step per trial (rand_distr's ziggurat sampler), a max over
/// predecessors, nothing else: no criticality, no cruciality, no percentiles per step.
pub fn bare_loop(model: &Model, trials: u64, seed: u64) -> f64 {
    let dists = lognormals(model);
    (0..trials)
        .into_par_iter()
        .map_init(
            || vec![0.0_f64; model.len()],
            |finish, t| one_trial(model, &dists, finish, t, seed),
        )
        .sum()
}

/// The bare loop with four trials side by side, each from its own stream: the same work as
/// [`bare_loop`], with the independent draws of four trials free to overlap in the processor.
/// It gives the same RTOs as [`bare_loop`] (the ratio bench checks this before it times them).
pub fn bare_loop_4wide(model: &Model, trials: u64, seed: u64) -> f64 {
    const LANES: u64 = 4;
    let dists = lognormals(model);
    let rest: f64 = (trials / LANES * LANES..trials)
        .map(|t| one_trial(model, &dists, &mut vec![0.0; model.len()], t, seed))
        .sum();
    (0..trials / LANES)
        .into_par_iter()
        .map_init(
            || vec![[0.0_f64; LANES as usize]; model.len()],
            |finish, group| {
                let mut rngs: [SplitMix64; LANES as usize] = std::array::from_fn(|l| {
                    SplitMix64::seed_from_u64(splitmix(seed ^ (group * LANES + l as u64)))
                });
                let mut rto = [0.0_f64; LANES as usize];
                for s in 0..model.len() {
                    let mut start = [0.0_f64; LANES as usize];
                    for &p in model.preds(s) {
                        let f = finish[p as usize];
                        for l in 0..LANES as usize {
                            start[l] = later(start[l], f[l]);
                        }
                    }
                    for l in 0..LANES as usize {
                        finish[s][l] = start[l] + dists[s].sample(&mut rngs[l]);
                        rto[l] = later(rto[l], finish[s][l]);
                    }
                }
                rto.iter().sum::<f64>()
            },
        )
        .sum::<f64>()
        + rest
}

/// Trial `t` of [`bare_loop`], in the buffer `finish`.
#[inline(always)]
fn one_trial(
    model: &Model,
    dists: &[LogNormal<f64>],
    finish: &mut [f64],
    t: u64,
    seed: u64,
) -> f64 {
    let mut rng = SplitMix64::seed_from_u64(splitmix(seed ^ t));
    let mut rto = 0.0_f64;
    for s in 0..model.len() {
        let start = model
            .preds(s)
            .iter()
            .map(|&p| finish[p as usize])
            .fold(0.0, later);
        finish[s] = start + dists[s].sample(&mut rng);
        rto = later(rto, finish[s]);
    }
    rto
}

/// A plain comparison: times are never NaN, and `f64::max` would pay for IEEE's NaN rules.
#[inline(always)]
fn later(a: f64, b: f64) -> f64 {
    if b > a { b } else { a }
}

fn lognormals(model: &Model) -> Vec<LogNormal<f64>> {
    model
        .steps
        .iter()
        .map(|s| match s.dist {
            Dist::LogNormal { mu, sigma } => LogNormal::new(mu, sigma).unwrap(),
            _ => panic!("the synthetic plan is all lognormal"),
        })
        .collect()
}
