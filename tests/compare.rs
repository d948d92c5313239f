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

/// A plan with teams short of groups, random durations, a risk and an objective: every
/// source of draws the engine has.
const VERSION_HEAD: &str = r#"
name = "versions"
rto-target = "9h"
[teams]
ops = 2
dba = 1
[[risk]]
name = "outage"
p = 0.3
hits = ["restore"]
delay = { dist = "uniform", min = "10m", max = "2h" }
"#;

const VERSION_STEPS: [&str; 5] = [
    "[[step]]\nid = \"network\"\nteam = \"ops\"\nduration = { dist = \"lognormal\", p50 = \"1h\", p90 = \"2h\" }",
    "[[step]]\nid = \"restore\"\nteam = \"dba\"\nafter = [\"network\"]\nduration = { dist = \"lognormal\", p50 = \"3h\", p90 = \"5h\" }",
    "[[step]]\nid = \"cluster\"\nteam = \"ops\"\nafter = [\"network\"]\nduration = { dist = \"pert\", min = \"1h\", mode = \"2h\", max = \"4h\" }",
    "[[step]]\nid = \"queues\"\nteam = \"ops\"\nafter = [\"network\"]\nduration = \"2h\"",
    "[[step]]\nid = \"app\"\nafter = [\"restore\", \"cluster\", \"queues\"]\nduration = { dist = \"uniform\", min = \"20m\", max = \"1h\" }",
];

fn version(steps: &[&str]) -> String {
    format!("{VERSION_HEAD}\n{}\n", steps.join("\n\n"))
}

#[test]
fn a_plan_against_a_copy_with_its_steps_reordered_is_identical() {
    let a = PlanFile::new(&version(&VERSION_STEPS));
    let mut steps = VERSION_STEPS.to_vec();
    steps.reverse();
    steps.swap(0, 2);
    let b = PlanFile::new(&version(&steps));
    let v = json(&["compare", a.arg(), b.arg(), "--trials", "3000", "--json"]);
    assert_eq!(v["other_plan"], "versions");
    let variants = v["variants"].as_array().unwrap();
    assert_eq!(variants.len(), 2);
    assert_eq!(
        (variants[0]["label"].as_str(), variants[1]["label"].as_str()),
        (Some("A"), Some("B"))
    );
    for key in [
        "rto_seconds",
        "rto_interval_seconds",
        "quantiles_seconds",
        "target",
    ] {
        assert_eq!(variants[0][key], variants[1][key], "{key}");
    }
    assert_ne!(
        variants[0]["rto_seconds"]["p50"],
        variants[0]["rto_seconds"]["p90"]
    );
    let p = &variants[1]["versus_first"];
    assert_eq!(p["faster"].as_f64(), Some(0.0));
    assert_eq!(p["slower"].as_f64(), Some(0.0));
    for key in [
        "p50_difference_seconds",
        "p90_difference_seconds",
        "probability_met_change",
    ] {
        for end in ["value", "low", "high"] {
            assert_eq!(p[key][end].as_f64(), Some(0.0), "{key} {end}");
        }
    }
}

#[test]
fn a_faster_step_in_the_second_version_shows_as_a_paired_difference() {
    // The last step, which every trial runs after all the others, is 20 m faster in B: every
    // trial recovers exactly 20 m sooner, so each paired difference is -20 m with a zero-width
    // interval, although the two runs' own intervals are wide.
    let a = PlanFile::new(&version(&VERSION_STEPS));
    let faster =
        VERSION_STEPS[4].replace("min = \"20m\", max = \"1h\"", "min = \"0s\", max = \"40m\"");
    let mut steps = VERSION_STEPS.to_vec();
    steps[4] = &faster;
    let b = PlanFile::new(&version(&steps));
    let v = json(&["compare", a.arg(), b.arg(), "--trials", "2000", "--json"]);
    let p = &v["variants"][1]["versus_first"];
    // A uniform draw is min + u (max - min): with the same u, B's step is (40/40) of a 40 m
    // span from 0, A's a 40 m span from 20 m: exactly 20 m shorter in every trial.
    for key in ["p50_difference_seconds", "p90_difference_seconds"] {
        for end in ["value", "low", "high"] {
            let x = p[key][end].as_f64().unwrap();
            assert!((x + 1200.0).abs() < 1e-6, "{key} {end}: {x}");
        }
    }
    assert_eq!(p["slower"].as_f64(), Some(0.0));
    assert_eq!(p["faster"].as_f64(), Some(1.0));
    let text = stdout(&rtosim(&["compare", a.arg(), b.arg(), "--trials", "500"]));
    let row = text
        .lines()
        .find(|l| l.trim_start().starts_with("P90 vs first"))
        .unwrap();
    assert!(row.contains("-20 m"), "{text}");
    assert!(
        text.starts_with("A: versions · B: versions: comparison"),
        "{text}"
    );
}

#[test]
fn a_scenario_the_second_version_lacks_is_invalid_input() {
    let a = PlanFile::new(POLICY_PLAN);
    let b = PlanFile::new(&POLICY_PLAN.replace("name = \"only-short\"", "name = \"short-only\""));
    let out = rtosim(&["compare", a.arg(), b.arg(), "--scenario", "only-short"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("only-short"), "{}", stderr(&out));
}
