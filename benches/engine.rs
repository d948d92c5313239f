//! Engine speed: the full engine (criticality, cruciality, per-step percentiles) against the bare
//! loop that only draws one lognormal per step and takes a max over predecessors (one trial at a
//! time, and four side by side as the engine runs them), over plan size and trial count; and
//! resource-constrained trials per second, on a narrow plan and on one in wide layers.
//!
//! Run with `cargo bench --bench engine`; the closing notes quote these figures.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
#[path = "common/bare.rs"]
mod bare;
#[path = "common/synthetic.rs"]
mod synthetic;

use bare::{bare_loop, bare_loop_4wide};
use rtosim::plan::{Format, parse_plan};
use rtosim::sim::{self, Model, Policy, RunConfig};
use synthetic::synthetic_plan;

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
        group.bench_with_input(BenchmarkId::new("bare-loop-4-wide", &id), &model, |b, m| {
            b.iter(|| black_box(bare_loop_4wide(m, trials, 1)))
        });
    }
    group.finish();
}

fn constrained(c: &mut Criterion) {
    let mut group = c.benchmark_group("constrained");
    group.sample_size(10);
    let trials = 20_000;
    let config = RunConfig {
        trials,
        seed: 1,
        threads: 0,
    };
    group.throughput(Throughput::Elements(trials));
    // The narrow synthetic plans, then the same teams on a plan in wide layers: about 15 steps
    // ready at once.
    let wide = synthetic::wide_plan_text(300, 15, &["platform", "dba", "app"], 2, false);
    let plans = [
        (
            "3-teams-of-2",
            "30-steps".to_string(),
            synthetic_plan(30, true),
        ),
        (
            "3-teams-of-2",
            "300-steps".to_string(),
            synthetic_plan(300, true),
        ),
        (
            "3-teams-of-2-wide-layers",
            "300-steps".to_string(),
            parse_plan(&wide, Format::Toml, "wide")
                .expect("valid wide plan")
                .plan,
        ),
    ];
    for (name, id, plan) in plans {
        let model = Model::compile(&plan, &plan.default_scenario(), Policy::Lft);
        group.bench_with_input(BenchmarkId::new(name, id), &model, |b, m| {
            b.iter(|| black_box(sim::run(m, &config, &|_| {}).unwrap().outcomes.len()))
        });
    }
    group.finish();
}

criterion_group!(benches, unconstrained, constrained);
criterion_main!(benches);
