//! `rtosim simulate` through the real binary: the JSON contract, CSV, reproducibility, errors.

mod common;

use common::{rtosim, stderr, stdout};

const PLAN: &str = "tests/fixtures/cli/two-teams.toml";

#[test]
fn json_follows_the_contract() {
    let out = rtosim(&["simulate", PLAN, "--trials", "3000", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("valid JSON");
    assert_eq!(v["plan"], "Two teams");
    assert_eq!(v["scenario"], "account-loss");
    assert_eq!(v["policy"], "lft");
    assert_eq!(v["trials"], 3000);
    assert_eq!(v["seed"], 1);
    for key in [
        "mean", "sd", "min", "p50", "p80", "p90", "p95", "p99", "max",
    ] {
        assert!(v["rto_seconds"][key].is_number(), "rto_seconds.{key}");
    }
    assert!(v["deterministic_rto_seconds"].is_number());
    assert_eq!(v["target"]["rto_seconds"], 4.0 * 3600.0);
    let p = v["target"]["probability_met"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&p));
    let steps = v["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 4);
    assert_eq!(steps[0]["id"], "vpc");
    assert_eq!(steps[0]["system"], "network");
    for s in steps {
        assert!(s["criticality"].is_number() && s["cruciality"].is_number());
        assert!(
            s["finish_seconds"]["p50"].as_f64().unwrap()
                <= s["finish_seconds"]["p90"].as_f64().unwrap()
        );
    }
    let teams = v["teams"].as_array().unwrap();
    assert_eq!(teams[0]["name"], "platform");
    assert!(teams[0]["utilisation"].is_number() && teams[0]["mean_wait_seconds"].is_number());
}

#[test]
fn output_is_byte_identical_at_any_thread_count() {
    let one = rtosim(&[
        "simulate",
        PLAN,
        "--trials",
        "5000",
        "--seed",
        "42",
        "--threads",
        "1",
    ]);
    let two = rtosim(&[
        "simulate",
        PLAN,
        "--trials",
        "5000",
        "--seed",
        "42",
        "--threads",
        "2",
    ]);
    assert_eq!(one.status.code(), Some(0));
    assert_eq!(stdout(&one), stdout(&two));
    let json1 = rtosim(&[
        "simulate",
        PLAN,
        "--trials",
        "5000",
        "--seed",
        "42",
        "--threads",
        "1",
        "--json",
    ]);
    let json2 = rtosim(&[
        "simulate",
        PLAN,
        "--trials",
        "5000",
        "--seed",
        "42",
        "--threads",
        "3",
        "--json",
    ]);
    assert_eq!(json1.stdout, json2.stdout);
    assert!(stdout(&one).contains("seed 42"), "the seed is printed");
}

#[test]
fn csv_has_one_row_per_trial_matching_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("trials.csv");
    let out = rtosim(&[
        "simulate",
        PLAN,
        "--trials",
        "2000",
        "--json",
        "--csv",
        csv_path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    assert_eq!(
        reader.headers().unwrap(),
        vec!["trial", "rto_seconds", "failures", "last_step"]
    );
    let rtos: Vec<f64> = reader
        .records()
        .map(|r| r.unwrap()[1].parse().unwrap())
        .collect();
    assert_eq!(rtos.len(), 2000);
    let max = rtos.iter().copied().fold(0.0, f64::max);
    assert!((max - v["rto_seconds"]["max"].as_f64().unwrap()).abs() < 0.001);
}

#[test]
fn an_unknown_scenario_is_invalid_input_with_a_suggestion() {
    let out = rtosim(&["simulate", PLAN, "--scenario", "acount-loss"]);
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!(stderr(&out), @r#"error: unknown scenario "acount-loss" (hint: did you mean "account-loss"?)"#);
}

#[test]
fn bad_options_are_invalid_input() {
    for args in [
        &["simulate", PLAN, "--trials", "0"][..],
        &["simulate", PLAN, "--policy", "fastest"][..],
        &["simulate", PLAN, "--seed", "-1"][..],
    ] {
        let out = rtosim(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!stderr(&out).contains("panicked"));
    }
}

#[test]
fn text_summary_reads_in_hours_and_minutes() {
    let out = rtosim(&["simulate", PLAN, "--trials", "2000"]);
    let text = stdout(&out);
    for needle in [
        "RTO",
        "P50",
        "P90",
        "95% interval",
        "Objective 4 h 00 m: met in",
        "What drives the RTO",
        "Teams",
        "platform",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    assert!(
        out.stderr.is_empty(),
        "no progress bar when stderr is not a terminal"
    );
}

#[test]
fn graph_writes_dot_with_clusters_and_the_critical_path() {
    let out = rtosim(&["graph", PLAN]);
    let dot = stdout(&out);
    assert!(dot.starts_with("digraph \"Two teams\" {"));
    assert!(dot.contains("subgraph \"cluster_network\""));
    assert!(
        dot.contains("\"vpc\" -> \"db\" [color=red, penwidth=2];"),
        "{dot}"
    );
    assert_eq!(dot.matches(" -> ").count(), 4);
}

#[test]
fn control_characters_in_plan_names_do_not_reach_the_terminal() {
    let plan = common::PlanFile::new(
        "name = \"evil\\u001b[31m plan\\u0007\"\n[[step]]\nid = \"a\"\nduration = \"1h\"\n",
    );
    let path = plan.path.to_string_lossy().into_owned();
    let out = common::rtosim(&["simulate", &path, "--trials", "100"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let text = common::stdout(&out);
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text}"
    );
    assert!(text.contains("evil"), "{text}");
}

/// One output convention for the commands that print a report: `--format text|json` with
/// `--json` as its shorthand, and `-o FILE` for the same bytes in a file (never over an input).
#[test]
fn every_report_takes_format_json_and_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let plan = "scenarios/minimal.toml";
    let commands: Vec<Vec<&str>> = vec![
        vec!["simulate", plan, "--trials", "300", "--no-costs"],
        vec!["staff", plan, "--team", "ops=1..2", "--trials", "300"],
        vec!["compare", plan, "--trials", "300"],
        vec!["check", plan],
    ];
    for args in commands {
        let json = |extra: &[&str]| {
            let mut all = args.clone();
            all.extend_from_slice(extra);
            let out = rtosim(&all);
            assert_eq!(out.status.code(), Some(0), "{all:?}: {}", stderr(&out));
            stdout(&out)
        };
        let short = json(&["--json"]);
        assert!(short.trim_start().starts_with('{'), "{args:?}: {short}");
        assert_eq!(short, json(&["--format", "json"]), "{args:?}");
        let text = json(&[]);
        assert_eq!(text, json(&["--format", "text"]), "{args:?}");
        let file = dir.path().join(format!("{}.json", args[0]));
        let printed = json(&["--json", "-o", file.to_str().unwrap()]);
        assert!(printed.is_empty(), "{args:?}: {printed}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), short, "{args:?}");
        // Never over an input.
        let copy = dir.path().join("plan.toml");
        std::fs::copy(plan, &copy).unwrap();
        let mut over = args.clone();
        over[1] = copy.to_str().unwrap();
        over.extend(["-o", copy.to_str().unwrap()]);
        let out = rtosim(&over);
        assert_eq!(out.status.code(), Some(2), "{over:?}");
        assert_eq!(
            std::fs::read_to_string(&copy).unwrap(),
            std::fs::read_to_string(plan).unwrap()
        );
    }
}
