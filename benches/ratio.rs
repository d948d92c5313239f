//! The engine's time over the bare loop's, measured as a ratio: they run alternately in one
//! process, so a machine whose speed drifts slows them alike, and the ratio of each run is
//! reported (the target: 1.5 for a 1,000-step plan and 100,000 trials). The engine runs
//! an unconstrained plan four trials side by side, so the ratio is also given over a bare loop
//! that does the same, to show how much of the engine's lead that alone buys.
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
    let bare_4wide = || {
        black_box(bare::bare_loop_4wide(&model, trials, 1));
    };
    // The two bare loops do the same work: the same RTOs, summed in another order.
    let (one, four) = (
        bare::bare_loop(&model, trials, 1),
        bare::bare_loop_4wide(&model, trials, 1),
    );
    assert!(
        (one - four).abs() <= 1e-9 * one.abs(),
        "{one} against {four}"
    );
    // One untimed run of each warms caches and the allocator.
    engine();
    let (mut ratios, mut ratios_4wide) = (Vec::new(), Vec::new());
    for _ in 0..pairs {
        let (e, b, b4) = (time(&engine), time(&bare), time(&bare_4wide));
        println!(
            "engine {e:.3} s, bare loop {b:.3} s: {:.2}x; bare loop four trials side by side {b4:.3} s: {:.2}x",
            e / b,
            e / b4
        );
        ratios.push(e / b);
        ratios_4wide.push(e / b4);
    }
    let summary = |ratios: &mut Vec<f64>| {
        ratios.sort_by(f64::total_cmp);
        format!(
            "median {:.2}x, range {:.2}x to {:.2}x",
            ratios[ratios.len() / 2],
            ratios[0],
            ratios[ratios.len() - 1]
        )
    };
    println!(
        "{steps} steps, {trials} trials, {pairs} alternated runs: engine over bare loop {}; over the bare loop four trials side by side {}",
        summary(&mut ratios),
        summary(&mut ratios_4wide)
    );
}
