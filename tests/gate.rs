//! `rtosim simulate --fail-above`: the exit code follows the figure, and malformed gates are
//! invalid input.

mod common;

use common::{PlanFile, json, rtosim, stderr, stdout};

/// Two fixed steps in series: every trial takes exactly 3 h.
const FIXED: &str = r#"
name = "fixed"
[[step]]
id = "a"
duration = "1h"
[[step]]
id = "b"
after = ["a"]
duration = "2h"
"#;

const RANDOM: &str = r#"
name = "random"
[teams]
ops = 1
[[step]]
id = "a"
team = "ops"
duration = { dist = "lognormal", p50 = "1h", p90 = "3h" }
[[step]]
id = "b"
team = "ops"
duration = { dist = "pert", min = "30m", mode = "1h", max = "4h" }
"#;

fn code(plan: &PlanFile, gates: &[&str]) -> (Option<i32>, String, String) {
    let mut args = vec!["simulate", plan.arg(), "--trials", "2000"];
    for g in gates {
        args.push("--fail-above");
        args.push(g);
    }
    let out = rtosim(&args);
    (out.status.code(), stdout(&out), stderr(&out))
}

#[test]
fn the_exit_code_follows_the_figure() {
    let plan = PlanFile::new(FIXED);
    let (c, out, err) = code(&plan, &["p90=2h"]);
    assert_eq!(c, Some(3), "{err}");
    assert!(out.contains("RTO"), "the report is still printed");
    assert!(
        err.contains("error: gate p90 <= 2 h 00 m failed: p90 is 3 h 00 m"),
        "{err}"
    );
    // Equal is not above.
    for gate in [
        "p90=3h", "p90=4h", "mean=3h", "max=3h", "p50=3h", "p99.9=3h",
    ] {
        let (c, _, err) = code(&plan, &[gate]);
        assert_eq!(c, Some(0), "{gate}: {err}");
        assert!(err.contains("passed"), "{gate}: {err}");
    }
    for gate in ["mean=2h59m", "max=179m", "p1=2h"] {
        assert_eq!(code(&plan, &[gate]).0, Some(3), "{gate}");
    }
    // Several gates: one failing is enough, and only it is reported as an error.
    let (c, _, err) = code(&plan, &["p50=4h", "p90=1h", "mean=5h"]);
    assert_eq!(c, Some(3));
    assert_eq!(err.matches("error:").count(), 1, "{err}");
    assert!(err.contains("gate p90 <= 1 h 00 m failed"));
}

#[test]
fn gates_on_a_random_plan_straddle_the_simulated_figure() {
    let plan = PlanFile::new(RANDOM);
    let v = json(&["simulate", plan.arg(), "--trials", "2000", "--json"]);
    let p90 = v["rto_seconds"]["p90"].as_f64().unwrap();
    let below = format!("p90={}s", (p90 - 1.0).floor());
    let above = format!("p90={}s", (p90 + 1.0).ceil());
    assert_eq!(code(&plan, &[&below]).0, Some(3));
    assert_eq!(code(&plan, &[&above]).0, Some(0));
}

#[test]
fn malformed_gates_are_invalid_input() {
    let plan = PlanFile::new(FIXED);
    for gate in ["p90=abc", "p101=1h", "p0=1h", "p90", "median=1h", "p90=-1h"] {
        let (c, out, err) = code(&plan, &[gate]);
        assert_eq!(c, Some(2), "{gate}: {err}");
        assert!(out.is_empty(), "{gate}: nothing runs");
        assert!(err.contains("hint:"), "{gate}: {err}");
    }
}
