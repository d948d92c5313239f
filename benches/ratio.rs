//! The engine's time over the bare loop's, measured as a ratio: the two run alternately in one
//! process, so a machine whose speed drifts slows both alike, and the ratio of each pair is
//! reported (the target: 1.5 for a 1,000-step plan and 100,000 trials).
//!
//! Run with `cargo bench --bench ratio`.

#![expect(clippy::print_stdout, reason = "a measurement that reports its figure")]

use std::hint::black_box;
use std::time::Instant;

#[path = "common/bare.rs"]
mod bare;
#[path = "common/synthetic.rs"]
mod synthetic;

use rtosim::sim::{self, Model, Policy, RunConfig};

fn main() {
    // `cargo bench` passes `--bench`; a quick mode keeps `cargo test --benches` fast.
    let quick = !std::env::args().any(|a| a == "--bench");
    let (steps, trials, pairs) = if quick {
        (100, 2_000, 1)
    } else {
        (1_000, 100_000, 7)
    };
    let plan = synthetic::synthetic_plan(steps, false);
    let model = Model::compile(&plan, &plan.default_scenario(), Policy::Lft);
    let config = RunConfig {
        trials,
        seed: 1,
        threads: 0,
    };
    let time = |f: &dyn Fn()| {
        let start = Instant::now();
        f();
        start.elapsed().as_secs_f64()
    };
    let engine = || {
        black_box(sim::run(&model, &config, &|_| {}).unwrap().outcomes.len());
    };
    let bare = || {
        black_box(bare::bare_loop(&model, trials, 1));
    };
    // One untimed run of each warms caches and the allocator.
    engine();
    bare();
    let mut ratios = Vec::new();
    for _ in 0..pairs {
        let (e, b) = (time(&engine), time(&bare));
        println!("engine {e:.3} s, bare loop {b:.3} s: {:.2}x", e / b);
        ratios.push(e / b);
    }
    ratios.sort_by(f64::total_cmp);
    println!(
        "{steps} steps, {trials} trials, {pairs} alternated pairs: ratio median {:.2}x, range {:.2}x to {:.2}x",
        ratios[ratios.len() / 2],
        ratios[0],
        ratios[ratios.len() - 1]
    );
}
