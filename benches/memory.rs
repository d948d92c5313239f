//! Peak memory of a long run: 1,000,000 trials of a 1,000-step plan must stay under 1 GiB,
//! because per-step statistics are streamed, not stored per trial.
//!
//! Run with `cargo bench --bench memory`; prints the peak resident set (VmHWM) and the time.

#![expect(clippy::print_stdout, reason = "a measurement that reports its figure")]

#[path = "common/synthetic.rs"]
mod synthetic;

use rtosim::sim::{self, Model, Policy, RunConfig};

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    // `cargo bench` passes `--bench`; a quick mode keeps `cargo test --benches` fast.
    let quick = !std::env::args().any(|a| a == "--bench");
    let (steps, trials) = if quick {
        (100, 10_000)
    } else {
        (1_000, 1_000_000)
    };
    let plan = synthetic::synthetic_plan(steps, false);
    let model = Model::compile(&plan, &plan.default_scenario(), Policy::Lft);
    let start = std::time::Instant::now();
    let run = sim::run(
        &model,
        &RunConfig {
            trials,
            seed: 1,
            threads: 0,
        },
        &|_| {},
    )
    .unwrap();
    let elapsed = start.elapsed();
    let peak = peak_rss_kib().unwrap_or(0);
    println!(
        "{trials} trials of a {steps}-step plan: {:.1} s, peak resident memory {:.0} MiB ({} outcomes kept)",
        elapsed.as_secs_f64(),
        peak as f64 / 1024.0,
        run.outcomes.len()
    );
    assert!(peak < 1024 * 1024, "peak memory {peak} KiB is over 1 GiB");
}
