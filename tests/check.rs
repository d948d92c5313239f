//! `rtosim check`: every validation rule with its expected message, and every bundled scenario.

mod common;

use common::{rel, rtosim, stderr, stdout};

#[test]
fn invalid_plans_report_every_problem_with_its_position() {
    insta::glob!("fixtures/invalid/*", |path| {
        let file = rel(path);
        let out = rtosim(&["check", &file]);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{file} must be rejected with exit code 2"
        );
        assert!(
            out.stdout.is_empty(),
            "{file}: nothing on stdout for an invalid plan"
        );
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "{file}: {err}");
        insta::assert_snapshot!(err);
    });
}

#[test]
fn warnings_do_not_fail_the_check() {
    let out = rtosim(&["check", "tests/fixtures/warn/warnings.toml"]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("warnings-stderr", stderr(&out));
    insta::assert_snapshot!("warnings-stdout", stdout(&out));
}

#[test]
fn a_file_that_is_not_text_is_invalid_input() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.toml");
    std::fs::write(&path, [0x5b, 0x5b, 0xff, 0xfe, 0x00, 0x80]).unwrap();
    let out = rtosim(&["check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not UTF-8 text"), "{}", stderr(&out));
}

#[test]
fn a_missing_file_is_invalid_input() {
    let out = rtosim(&["check", "tests/fixtures/no-such-plan.toml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("error: cannot read plan tests/fixtures/no-such-plan.toml"),
        "{err}"
    );
}

#[test]
fn every_bundled_scenario_is_checked() {
    let mut checked = 0;
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios")).unwrap() {
        let path = entry.unwrap().path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if ext != "toml" && ext != "json" {
            continue;
        }
        let file = rel(&path);
        let out = rtosim(&["check", &file]);
        if file.contains("circular-backend-frontend") {
            // The article's case: two systems that each use a resource the other owns.
            assert_eq!(out.status.code(), Some(2), "{file}");
            assert!(
                stderr(&out).contains("circular dependency:"),
                "{}",
                stderr(&out)
            );
        } else {
            assert_eq!(out.status.code(), Some(0), "{file}: {}", stderr(&out));
            assert!(
                stdout(&out).contains("Critical path on mean durations"),
                "{file}"
            );
        }
        checked += 1;
    }
    assert!(checked >= 3, "the bundled scenarios are missing");
}

#[test]
fn steps_without_recorded_timings_are_summarised_in_one_warning() {
    let mut text = String::from("timings = [\"drill.csv\"]\n[[step]]\nid = \"timed\"\n");
    for i in 0..7 {
        text.push_str(&format!("[[step]]\nid = \"e{i}\"\nduration = \"10m\"\n"));
    }
    let plan = common::PlanFile::new(&text);
    std::fs::write(
        plan.out("drill.csv"),
        "step,duration\ntimed,10m\ntimed,12m\ntimed,11m\n",
    )
    .unwrap();
    let out = rtosim(&["check", plan.arg()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text.matches("no recorded timings").count(), 1, "{text}");
    assert!(
        text.contains("warning: 7 steps have no recorded timings, so their durations are estimates: e0, e1, e2, e3, e4 and 2 more"),
        "{text}"
    );
}

#[test]
fn heavy_tails_are_warned_with_their_figures() {
    let out = rtosim(&["check", "tests/fixtures/warn/heavy-tails.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(!err.contains("\"sound\""), "{err}");
    insta::assert_snapshot!("heavy-tails-stderr", err);
}

/// `check --json` gives tools every problem with its place, and for a sound plan the figures
/// of its summary; an invalid plan still exits with code 2 and prints nothing else.
#[test]
fn json_lists_every_problem_placed_and_the_summary() {
    insta::glob!("fixtures/invalid/*", |path| {
        let file = rel(path);
        let out = rtosim(&["check", &file, "--json"]);
        assert_eq!(out.status.code(), Some(2), "{file}");
        let json: serde_json::Value = serde_json::from_str(&stdout(&out))
            .unwrap_or_else(|e| panic!("{file}: not JSON ({e}): {}", stdout(&out)));
        assert_eq!(json["valid"], false, "{file}");
        assert!(json["summary"].is_null(), "{file}");
        let problems = json["problems"].as_array().unwrap();
        let errors = problems.iter().filter(|p| p["severity"] == "error").count();
        assert!(errors >= 1, "{file}");
        assert_eq!(json["errors"], errors as u64, "{file}");
        // The text output names the same problems.
        let text = stderr(&rtosim(&["check", &file]));
        for p in problems.iter().take(200) {
            let message = p["message"].as_str().unwrap();
            assert!(
                text.contains(message),
                "{file}: {message} missing from {text}"
            );
        }
    });

    let out = rtosim(&[
        "check",
        "scenarios/aws-account-rebuild.toml",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["valid"], true);
    let s = &json["summary"];
    assert_eq!(s["steps"], 38);
    assert_eq!(s["contingency_steps"], 1);
    assert_eq!(s["scenario"], "everything");
    assert!(s["critical_path"].as_array().unwrap().len() > 3);
    // The warning of the bundled plan (its DBA pair is relieved by nobody) is placed.
    let w = &json["problems"][0];
    assert_eq!(w["severity"], "warning");
    assert!(w["line"].as_u64().unwrap() > 0 && w["column"].as_u64().unwrap() > 0);
}

/// `check --scenario` summarises that scenario's critical path; an unknown one is an input
/// error with the known names.
#[test]
fn scenario_narrows_the_critical_path() {
    let plan = "scenarios/aws-account-rebuild.toml";
    let all = stdout(&rtosim(&["check", plan]));
    let out = rtosim(&["check", plan, "--scenario", "orders-db-loss"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let one = stdout(&out);
    assert!(
        one.contains("Critical path on mean durations, scenario orders-db-loss"),
        "{one}"
    );
    assert_ne!(all, one);
    let json: serde_json::Value = serde_json::from_str(&stdout(&rtosim(&[
        "check",
        plan,
        "--scenario",
        "orders-db-loss",
        "--json",
    ])))
    .unwrap();
    let path = json["summary"]["critical_path"].as_array().unwrap();
    assert_eq!(path.first().unwrap(), "orders-db-snapshot-copy");
    let out = rtosim(&["check", plan, "--scenario", "orders-db-los"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("orders-db-loss"), "{}", stderr(&out));
}
