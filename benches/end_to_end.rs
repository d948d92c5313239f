//! The whole commands a user runs, timed as processes: the figures the README's Speed table
//! and the closing notes quote.
//!
//! Run with `cargo bench --bench end_to_end`. Each command runs once to warm up, then
//! `RUNS` times; the minimum, median and maximum wall times are printed. Plans it generates
//! (wide layers, and 5,000 steps with chaos) are written to a temporary directory, or to the
//! directory `RTOSIM_BENCH_PLANS` names.

#![expect(clippy::print_stdout, reason = "a bench prints its figures")]

#[path = "common/synthetic.rs"]
#[allow(dead_code, reason = "shared with the other benches")]
mod synthetic;

use std::path::Path;
use std::process::Command;
use std::time::Instant;

const RUNS: usize = 5;

fn time(label: &str, args: &[&str], per_second: Option<u64>) {
    let bin = env!("CARGO_BIN_EXE_rtosim");
    let run = || {
        let start = Instant::now();
        let out = Command::new(bin)
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("the binary runs");
        assert!(
            out.status.code().is_some_and(|c| c == 0 || c == 3),
            "{label} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        start.elapsed().as_secs_f64()
    };
    run();
    let mut t: Vec<f64> = (0..RUNS).map(|_| run()).collect();
    t.sort_unstable_by(f64::total_cmp);
    let (min, med, max) = (t[0], t[RUNS / 2], t[RUNS - 1]);
    match per_second {
        Some(n) => println!(
            "{label:<58} {min:6.2} s {med:6.2} s {max:6.2} s   {:>8.0} trials/s (median)",
            n as f64 / med
        ),
        None => println!("{label:<58} {min:6.2} s {med:6.2} s {max:6.2} s"),
    }
}

fn main() {
    // RTOSIM_BENCH_PLANS=DIR keeps the generated plans in DIR, to time or profile them alone.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let kept = std::env::var_os("RTOSIM_BENCH_PLANS").map(std::path::PathBuf::from);
    let plans = kept.as_deref().unwrap_or(dir.path());
    let wide = plans.join("wide-300.toml");
    std::fs::write(
        &wide,
        synthetic::wide_plan_text(300, 15, &["platform", "dba", "app"], 2, false),
    )
    .expect("write the wide plan");
    let big = plans.join("chaos-5000.toml");
    std::fs::write(
        &big,
        synthetic::wide_plan_text(5_000, 50, &["a", "b", "c", "d"], 2, true),
    )
    .expect("write the 5,000-step plan");
    let out = dir.path().join("report");
    let s = |p: &Path| p.to_string_lossy().into_owned();
    let (wide, big, out) = (s(&wide), s(&big), s(&out));
    let bundled = "scenarios/aws-account-rebuild.toml";
    println!(
        "{:<58} {:>8} {:>8} {:>8}",
        "command (whole process, wall)", "min", "median", "max"
    );
    time(
        "simulate bundled plan (100,000 trials, all costs)",
        &["simulate", bundled],
        None,
    );
    time(
        "report bundled plan (every chart, SVG and PNG)",
        &["report", bundled, "-o", &out],
        None,
    );
    time(
        "staff 20 options x 20,000 trials",
        &[
            "staff",
            bundled,
            "--team",
            "platform=2..5",
            "--team",
            "dba=1..5",
            "--trials",
            "20000",
        ],
        None,
    );
    time(
        "simulate wide 300 steps, 3 teams of 2 (100,000 trials)",
        &["simulate", &wide, "--trials", "100000"],
        Some(100_000),
    );
    time(
        "simulate 5,000 steps, 4 teams, chaos (1,000 trials, no costs)",
        &["simulate", &big, "--trials", "1000", "--no-costs"],
        Some(1_000),
    );
}
