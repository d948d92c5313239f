//! Engine speed: the full engine (criticality, cruciality, per-step percentiles) against the bare
//! loop that only draws one lognormal per step and takes a max over predecessors, over plan size
//! and trial count; and resource-constrained trials per second.
//!
//! Run with `cargo bench --bench engine`; the closing notes quote these figures.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rand::SeedableRng;
use rand_distr::{Distribution, LogNormal};
use rand_xoshiro::SplitMix64;
use rayon::prelude::*;
use rtosim::dist::Dist;
#[path = "common/synthetic.rs"]
mod synthetic;

use rtosim::sim::{self, Model, Policy, RunConfig, splitmix};
use synthetic::synthetic_plan;

/// The bare loop: one lognormal per step per trial (rand_distr's ziggurat sampler), a max over
/// predecessors, nothing else: no criticality, no cruciality, no percentiles per step.
fn bare_loop(model: &Model, trials: u64, seed: u64) -> f64 {
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

fn unconstrained(c: &mut Criterion) {
    let mut group = c.benchmark_group("unconstrained");
    group.sample_size(10);
    for (steps, trials) in [(100, 100_000u64), (1_000, 10_000), (1_000, 100_000)] {
        let plan = synthetic_plan(steps, false);
        let model = Model::compile(&plan, &plan.default_scenario(), Policy::Lft);
        let config = RunConfig {
            trials,
            seed: 1,
            threads: 0,
        };
        group.throughput(Throughput::Elements(trials));
        let id = format!("{steps}-steps/{trials}-trials");
        group.bench_with_input(BenchmarkId::new("engine", &id), &model, |b, m| {
            b.iter(|| black_box(sim::run(m, &config, &|_| {}).unwrap().outcomes.len()))
        });
        group.bench_with_input(BenchmarkId::new("bare-loop", &id), &model, |b, m| {
            b.iter(|| black_box(bare_loop(m, trials, 1)))
        });
    }
    group.finish();
}

fn constrained(c: &mut Criterion) {
    let mut group = c.benchmark_group("constrained");
    group.sample_size(10);
    for steps in [30, 300] {
        let plan = synthetic_plan(steps, true);
        let model = Model::compile(&plan, &plan.default_scenario(), Policy::Lft);
        let trials = 20_000;
        let config = RunConfig {
            trials,
            seed: 1,
            threads: 0,
        };
        group.throughput(Throughput::Elements(trials));
        group.bench_with_input(
            BenchmarkId::new("3-teams-of-2", format!("{steps}-steps")),
            &model,
            |b, m| b.iter(|| black_box(sim::run(m, &config, &|_| {}).unwrap().outcomes.len())),
        );
    }
    group.finish();
}

criterion_group!(benches, unconstrained, constrained);
criterion_main!(benches);
