//! `rtosim check` at scale: validation and error placement must stay linear in the plan.
//!
//! The timing runs are benchmarks, not timed tests (a shared CI machine's speed varies), so
//! they are ignored by default and print their figures. Run them on a release build:
//!
//! ```text
//! cargo test --release --test check_scale -- --ignored --nocapture
//! ```
//!
//! The one test that always runs checks the cap on the error list on a small plan.

#![expect(clippy::print_stdout, reason = "the benchmarks report their figures")]

mod common;

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use common::{PlanFile, rtosim, stderr};

/// A plan of `n` steps shaped like a large real one: systems of ten steps in a chain, each
/// system after one or two earlier systems, twenty teams, a limit, four duration families and
/// three scenarios. With `bad_every = k`, every k-th step has an unparsable duration.
fn generated_plan(n: usize, bad_every: Option<usize>) -> String {
    let mut s = String::with_capacity(n * 120);
    s.push_str("name = \"generated\"\nrto-target = \"72h\"\n\n[teams]\n");
    for t in 0..20 {
        let _ = writeln!(s, "t{t} = {{ groups = 5, size = 2 }}");
    }
    s.push_str("\n[limits]\nrestores = 10\n\n");
    // A small linear congruential generator keeps the plan the same on every run.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |m: usize| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize % m.max(1)
    };
    for i in 0..n {
        let system = i / 10;
        let _ = writeln!(s, "[[step]]\nid = \"s{i}\"\nsystem = \"sys{system}\"");
        if i % 10 != 0 {
            let _ = writeln!(s, "after = [\"s{}\"]", i - 1);
        } else if system > 0 {
            let other = next(system);
            let _ = writeln!(s, "after = [\"sys{}\", \"sys{other}\"]", system - 1);
        }
        let _ = writeln!(s, "team = \"t{}\"", i % 20);
        if i % 50 == 0 {
            s.push_str("uses = { restores = 1 }\n");
        }
        let duration = match (bad_every, i % 4) {
            (Some(k), _) if i % k == 0 => "\"20 parsecs\"".to_string(),
            (_, 0) => format!("\"{}m\"", 5 + i % 30),
            (_, 1) => {
                "{ dist = \"pert\", min = \"10m\", mode = \"20m\", max = \"45m\" }".to_string()
            }
            (_, 2) => "{ dist = \"lognormal\", p50 = \"15m\", p90 = \"30m\" }".to_string(),
            _ => "{ dist = \"uniform\", min = \"5m\", max = \"15m\" }".to_string(),
        };
        let _ = writeln!(s, "duration = {duration}\n");
    }
    s.push_str("[[scenario]]\nname = \"region-loss\"\nlost = [\"*\"]\n\n");
    let some: Vec<String> = (0..(n / 10).min(1_000))
        .map(|k| format!("\"sys{k}\""))
        .collect();
    let _ = writeln!(
        s,
        "[[scenario]]\nname = \"partial\"\nlost = [{}]\n",
        some.join(", ")
    );
    s.push_str("[[scenario]]\nname = \"first\"\nlost = [\"sys0\"]\n");
    s
}

/// Runs `check` on `plan` `runs` times; the wall-clock times, sorted, and the last output.
fn time_check(plan: &PlanFile, runs: usize) -> (Vec<Duration>, std::process::Output) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let out = rtosim(&["check", plan.arg()]);
        times.push(start.elapsed());
        last = Some(out);
    }
    times.sort();
    (times, last.expect("at least one run"))
}

#[test]
fn the_error_list_is_capped_with_a_count_of_the_rest() {
    let plan = PlanFile::new(&generated_plan(2_500, Some(5)));
    let out = rtosim(&["check", plan.arg()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.matches("error: ").count(), 200, "{err}");
    assert!(
        err.contains("... and 300 more errors (the first 200 are shown)\n"),
        "{err}"
    );
    // The last line still counts every error.
    assert!(
        err.trim_end()
            .ends_with("500 errors found; the plan was not used")
    );
    // Errors come in file order: the first is the first step's.
    let first = err
        .find("step \"s0\" duration")
        .expect("the first step's error");
    assert!(first < err.find("step \"s5\" duration").expect("the second's"));
}

#[test]
#[ignore = "a benchmark: run with --release -- --ignored --nocapture"]
fn bench_check_of_a_100000_step_plan() {
    let plan = PlanFile::new(&generated_plan(100_000, None));
    let size = std::fs::metadata(&plan.path).map(|m| m.len()).unwrap_or(0);
    let (times, out) = time_check(&plan, 5);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    println!(
        "check of a 100,000-step plan ({:.1} MiB): median {:.2} s, min {:.2} s, max {:.2} s over {} runs",
        size as f64 / 1_048_576.0,
        times[times.len() / 2].as_secs_f64(),
        times[0].as_secs_f64(),
        times[times.len() - 1].as_secs_f64(),
        times.len()
    );
}

#[test]
#[ignore = "a benchmark: run with --release -- --ignored --nocapture"]
fn bench_check_of_50000_bad_durations() {
    let plan = PlanFile::new(&generated_plan(100_000, Some(2)));
    let (times, out) = time_check(&plan, 3);
    assert_eq!(out.status.code(), Some(2));
    println!(
        "check of 50,000 bad durations in a 100,000-step plan: median {:.2} s, {} bytes of errors",
        times[times.len() / 2].as_secs_f64(),
        out.stderr.len()
    );
}

#[test]
#[ignore = "a benchmark: run with --release -- --ignored --nocapture"]
fn bench_check_of_a_1000000_step_plan() {
    let plan = PlanFile::new(&generated_plan(1_000_000, None));
    let (times, out) = time_check(&plan, 1);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    println!(
        "check of a 1,000,000-step plan: {:.2} s",
        times[0].as_secs_f64()
    );
}
