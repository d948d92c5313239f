//! Staffing sweep benchmark: 20 options (platform 2..5 groups x dba 1..5 groups) at 20,000
//! trials each on the bundled scenario, the size the issue asks to finish in a few seconds.
//!
//! Run with `cargo bench --bench staff`. Needs `scenarios/aws-account-rebuild.toml`.

#![expect(clippy::print_stderr, reason = "the bench says why it skips")]

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use rtosim::plan::load_plan;
use rtosim::sim::{Policy, RunConfig};
use rtosim::staff::{Grid, RangeArg, SweepConfig, analyse, sweep};

fn ranges(list: &[&str]) -> Vec<RangeArg> {
    list.iter()
        .map(|s| s.parse().expect("a valid range"))
        .collect()
}

fn bench_sweep(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/aws-account-rebuild.toml");
    let plan = match load_plan(&path) {
        Ok(loaded) => loaded.plan,
        Err(e) => {
            eprintln!("skipping the staffing bench: {e}");
            return;
        }
    };
    let scenario = plan.default_scenario();
    let grid = Grid::resolve(&plan, &ranges(&["platform=2..5", "dba=1..5"]), &[], None)
        .expect("the bundled plan has these teams");
    let options = grid.options(&plan).expect("20 options");
    assert_eq!(options.len(), 20);
    let config = SweepConfig {
        policy: Policy::Lft,
        run: RunConfig {
            trials: 20_000,
            seed: 1,
            threads: 0,
        },
        target: plan.rto_target,
        negligible: None,
    };
    let mut group = c.benchmark_group("staff");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(60));
    group.bench_function("sweep 20 options x 20000 trials", |b| {
        b.iter(|| {
            let stats =
                sweep(&plan, &scenario, &grid, &options, &config, &|_| {}).expect("thread pool");
            black_box(analyse(
                &plan, &scenario, &grid, &options, &stats, &config, 0.9,
            ))
        })
    });
    group.finish();
}

criterion_group!(benches, bench_sweep);
criterion_main!(benches);
