//! A fuzz target: arbitrary bytes, and valid inputs mutated byte by byte, fed to every reader
//! rtosim has: the input decoder, the plan parser (TOML and JSON, with validation and error
//! placement) and each importer (terraform log, terragrunt report, DOT or find-JSON graph,
//! drill CSV). None may panic; each case must finish within a time bound, and the process's
//! peak memory must stay bounded.
//!
//! The quick run (a few hundred cases) is part of the normal suite. The long run is ignored;
//! run it on a release build:
//!
//! ```text
//! cargo test --release --test fuzz -- --ignored --nocapture
//! ```
//!
//! `PROPTEST_CASES` overrides the number of cases of both.

#![expect(
    clippy::print_stderr,
    reason = "the fuzz run reports its cases and peak memory"
)]

use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use rtosim::import::{drill_csv, graph, terraform, terragrunt};
use rtosim::plan::{Format, parse_plan};

/// Valid inputs to mutate, so that mutations reach past the first syntax check into
/// validation and the importers' logic.
const SEEDS: [&str; 14] = [
    include_str!("../scenarios/minimal.toml"),
    include_str!("../scenarios/aws-account-rebuild.toml"),
    include_str!("../scenarios/aws-account-rebuild.json"),
    include_str!("../scenarios/recorded-rebuild.toml"),
    include_str!("../scenarios/circular-backend-frontend.toml"),
    include_str!("fixtures/invalid/chaos-risks.toml"),
    include_str!("fixtures/invalid/semantic.json"),
    include_str!("../scenarios/drills/gd-2024-03.csv"),
    include_str!("../scenarios/drills/terraform/vpc.log"),
    include_str!("../scenarios/drills/terraform/orders-db-restore.log"),
    include_str!("../scenarios/drills/terragrunt/report.json"),
    include_str!("../scenarios/drills/terragrunt/report.csv"),
    include_str!("../scenarios/drills/graphs/terraform-graph.dot"),
    include_str!("../scenarios/drills/graphs/terragrunt-find.json"),
];

/// Fragments a mutation may splice in: syntax of every format, and values at the edges of
/// what the readers accept.
const TOKENS: [&str; 28] = [
    "\"",
    "[[step]]\n",
    "[",
    "]",
    "{",
    "}",
    " = ",
    ",",
    "\n",
    "after = [\"",
    "duration = \"1e300h\"",
    "18446744073709551616",
    "-1",
    "0s",
    "\\u001b[31m",
    "\u{feff}",
    "\0",
    " -> ",
    "digraph {",
    "\"@level\":\"info\"",
    "\"type\":\"apply_complete\"",
    "2024-03-02T10:05:00Z",
    "step,duration\n",
    "{ dist = \"lognormal\", p50 = \"4h\", p90 = \"2d\" }",
    "lost = [\"*\"]",
    "p = 1.5",
    "\"Run\":\"x\"",
    "NaN",
];

/// The most time one case may take in a debug build (release runs are far quicker): far above
/// what a linear reader needs for a few kilobytes, far below a quadratic blow-up or a hang.
const CASE_BOUND: Duration = Duration::from_secs(5);

/// The most memory the test process may have used at its peak.
const PEAK_BOUND_KIB: u64 = 2 * 1024 * 1024;

/// One input through every reader.
fn feed(bytes: &[u8]) {
    let start = Instant::now();
    // Bytes the decoder refuses still reach the parsers, as the lossy text.
    let text = rtosim::input::decode(bytes.to_vec())
        .unwrap_or_else(|_| String::from_utf8_lossy(bytes).into_owned());
    for format in [Format::Toml, Format::Json] {
        // Validation, placement and rendering of every diagnostic.
        match parse_plan(&text, format, "fuzz") {
            Ok(loaded) => {
                let _ = rtosim::plan::render_diagnostics("fuzz", &loaded.warnings);
            }
            Err(diagnostics) => {
                let _ = rtosim::plan::render_diagnostics("fuzz", &diagnostics);
            }
        }
    }
    let _ = drill_csv::parse(&text, "f");
    let _ = terraform::parse(&text, "f", "s", None);
    let _ = terragrunt::parse(&text, "f", None);
    if let Ok(skeleton) = graph::parse(&text, "f") {
        let _ = graph::render_skeleton(&skeleton, "f", "fuzz");
    }
    let took = start.elapsed();
    assert!(
        took < CASE_BOUND,
        "a case took {took:?}: {:?}",
        String::from_utf8_lossy(&bytes[..bytes.len().min(200)])
    );
}

/// One mutation: where, what, and the bytes or token it uses.
#[derive(Debug, Clone)]
enum Mutation {
    Insert(usize, Vec<u8>),
    Token(usize, usize),
    Delete(usize, usize),
    Replace(usize, u8),
    Duplicate(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(at, b)| Mutation::Insert(at, b)),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(at, t)| Mutation::Token(at, t)),
        (any::<usize>(), 1usize..64).prop_map(|(at, n)| Mutation::Delete(at, n)),
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Mutation::Replace(at, b)),
        (any::<usize>(), 1usize..256).prop_map(|(at, n)| Mutation::Duplicate(at, n)),
    ]
}

fn mutate(seed: &str, mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = seed.as_bytes().to_vec();
    for m in mutations {
        let len = bytes.len();
        let at = |i: usize| if len == 0 { 0 } else { i % (len + 1) };
        match m {
            Mutation::Insert(i, b) => {
                let i = at(*i);
                bytes.splice(i..i, b.iter().copied());
            }
            Mutation::Token(i, t) => {
                let i = at(*i);
                bytes.splice(i..i, TOKENS[*t].bytes());
            }
            Mutation::Delete(i, n) => {
                let i = at(*i);
                bytes.drain(i..(i + n).min(len));
            }
            Mutation::Replace(i, b) if len > 0 => bytes[*i % len] = *b,
            Mutation::Replace(..) => {}
            Mutation::Duplicate(i, n) => {
                let i = at(*i);
                let chunk = bytes[i..(i + n).min(len)].to_vec();
                bytes.splice(i..i, chunk);
            }
        }
    }
    bytes
}

/// Input strategies: raw bytes, text-like bytes, and mutated seeds.
fn input() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        1 => proptest::collection::vec(any::<u8>(), 0..2_048),
        1 => "(?s).{0,600}".prop_map(String::into_bytes),
        4 => (0..SEEDS.len(), proptest::collection::vec(mutation(), 1..12))
            .prop_map(|(s, m)| mutate(SEEDS[s], &m)),
    ]
}

/// Peak resident memory of this process, in KiB (Linux only; `None` elsewhere).
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn run(cases: u32) {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(cases);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let started = Instant::now();
    runner
        .run(&input(), |bytes| {
            feed(&bytes);
            Ok(())
        })
        .unwrap();
    if let Some(peak) = peak_kib() {
        assert!(peak < PEAK_BOUND_KIB, "peak memory {peak} KiB");
    }
    eprintln!(
        "fuzz: {cases} cases in {:.1} s, peak memory {} KiB",
        started.elapsed().as_secs_f64(),
        peak_kib().map_or("unknown".to_string(), |p| p.to_string())
    );
}

#[test]
fn readers_survive_a_few_hundred_hostile_inputs() {
    run(300);
}

#[test]
#[ignore = "the long fuzz run: cargo test --release --test fuzz -- --ignored --nocapture"]
fn readers_survive_a_hundred_thousand_hostile_inputs() {
    run(100_000);
}

#[test]
fn the_seeds_are_valid_where_they_should_be() {
    // Mutations only reach deep code if the seeds themselves get past the parsers.
    assert!(parse_plan(SEEDS[0], Format::Toml, "m").is_ok());
    assert!(parse_plan(SEEDS[2], Format::Json, "j").is_ok());
    assert!(graph::parse(SEEDS[12], "g").is_ok());
    assert!(terraform::parse(SEEDS[8], "t", "s", None).is_ok());
    for seed in SEEDS {
        feed(seed.as_bytes());
    }
}
