//! `rtosim compare`: policies and scenarios side by side with common random numbers.

mod common;

use common::{PlanFile, json, rtosim, stderr, stdout};

/// One group. Playbook order does the short independent step first and delays the chain
/// (6 h under lft: head, then tail unattended while the group does short; 7 h under playbook).
const POLICY_PLAN: &str = r#"
name = "order matters"
rto-target = "6h30m"
[teams]
ops = 1
[[step]]
id = "short"
team = "ops"
duration = "1h"
[[step]]
id = "head"
team = "ops"
duration = "1h"
[[step]]
id = "tail"
after = ["head"]
duration = "5h"
[[scenario]]
name = "all"
lost = ["*"]
[[scenario]]
name = "only-short"
lost = ["short"]
"#;

#[test]
fn policies_side_by_side() {
    let plan = PlanFile::new(POLICY_PLAN);
    let v = json(&[
        "compare",
        plan.arg(),
        "--policy",
        "lft,playbook",
        "--trials",
        "200",
        "--json",
    ]);
    let variants = v["variants"].as_array().unwrap();
    assert_eq!(variants.len(), 2);
    assert_eq!(variants[0]["label"], "lft");
    assert_eq!(variants[1]["label"], "playbook");
    assert_eq!(
        variants[0]["rto_seconds"]["p50"].as_f64(),
        Some(6.0 * 3600.0)
    );
    assert_eq!(
        variants[1]["rto_seconds"]["p50"].as_f64(),
        Some(7.0 * 3600.0)
    );
    assert_eq!(variants[0]["target"]["probability_met"].as_f64(), Some(1.0));
    assert_eq!(variants[1]["target"]["probability_met"].as_f64(), Some(0.0));
    assert!(variants[0]["versus_first"].is_null());
    let paired = &variants[1]["versus_first"];
    assert_eq!(paired["slower"].as_f64(), Some(1.0));
    assert_eq!(paired["mean_difference_seconds"].as_f64(), Some(3600.0));
    assert_eq!(
        variants[0]["quantiles_seconds"].as_array().unwrap().len(),
        101
    );
}

#[test]
fn the_same_variant_twice_gives_identical_columns() {
    let plan = PlanFile::new(&POLICY_PLAN.replace(
        "duration = \"5h\"",
        "duration = { dist = \"lognormal\", p50 = \"5h\", p90 = \"9h\" }",
    ));
    let v = json(&[
        "compare",
        plan.arg(),
        "--scenario",
        "all",
        "--scenario",
        "all",
        "--trials",
        "3000",
        "--json",
    ]);
    let variants = v["variants"].as_array().unwrap();
    for key in [
        "rto_seconds",
        "rto_interval_seconds",
        "quantiles_seconds",
        "target",
    ] {
        assert_eq!(variants[0][key], variants[1][key], "{key}");
    }
    assert_eq!(variants[1]["versus_first"]["faster"].as_f64(), Some(0.0));
    assert_eq!(variants[1]["versus_first"]["slower"].as_f64(), Some(0.0));
}

#[test]
fn all_scenarios_table_and_chart() {
    let plan = PlanFile::new(POLICY_PLAN);
    let chart = plan.out("curves.svg");
    let out = rtosim(&[
        "compare",
        plan.arg(),
        "--all-scenarios",
        "--policy",
        "lft",
        "--policy",
        "playbook",
        "--trials",
        "100",
        "--chart",
        chart.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let header = text.lines().find(|l| l.contains("all / lft")).unwrap();
    for label in [
        "all / playbook",
        "only-short / lft",
        "only-short / playbook",
    ] {
        assert!(header.contains(label), "{header}");
    }
    let p50 = text
        .lines()
        .find(|l| l.trim_start().starts_with("P50"))
        .unwrap();
    // all: 6 h (lft) and 7 h (playbook); only the short step lost: 1 h either way.
    assert_eq!(
        p50.split_whitespace().collect::<Vec<_>>(),
        [
            "P50", "6", "h", "00", "m", "7", "h", "00", "m", "1", "h", "00", "m", "1", "h", "00",
            "m"
        ]
    );
    let svg = std::fs::read_to_string(&chart).unwrap();
    assert!(
        svg.starts_with("<svg")
            && svg.contains("only-short / playbook")
            && svg.contains("objective")
    );

    let out = rtosim(&["compare", plan.arg(), "--scenario", "al"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("did you mean \"all\"?"));
    let out = rtosim(&[
        "compare",
        plan.arg(),
        "--scenario",
        "all",
        "--all-scenarios",
    ]);
    assert_eq!(out.status.code(), Some(2));
}
