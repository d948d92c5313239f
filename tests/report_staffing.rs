//! The management report's staffing section (what one more group saves, the options of a
//! grid) and its section on the hour the disaster strikes, in Markdown, HTML and JSON.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

/// One group does a fixed 4 h step and a 5-9 h step in turn; a second does them side by side:
/// 4 h saved in every recovery. `spare` does nothing, so one more of it saves nothing.
const FOUR_HOURS: &str = r#"
name = "four hours"
rto-target = "10h"
[teams]
ops = 1
spare = 1
[[step]]
id = "fixed"
team = "ops"
duration = "4h"
[[step]]
id = "random"
team = "ops"
duration = { dist = "uniform", min = "5h", max = "9h" }
[[step]]
id = "idle"
team = "spare"
duration = "1m"
"#;

fn report(plan_text: &str, dir: &Path, extra: &[&str]) -> std::path::PathBuf {
    let plan = dir.join("plan.toml");
    std::fs::write(&plan, plan_text).unwrap();
    let out = dir.join("out");
    Command::cargo_bin("rtosim")
        .unwrap()
        .arg("report")
        .arg(&plan)
        .arg("-o")
        .arg(&out)
        .args(["--trials", "1000", "--seed", "3"])
        .args(extra)
        .assert()
        .success();
    out
}

fn read(p: impl AsRef<Path>) -> String {
    std::fs::read_to_string(p).unwrap()
}

#[test]
fn the_staffing_section_says_what_one_more_group_saves_with_its_interval() {
    let dir = tempfile::tempdir().unwrap();
    let out = report(FOUR_HOURS, dir.path(), &[]);
    let j: Value = serde_json::from_str(&read(out.join("report.json"))).unwrap();
    let ops = &j["teams"][0]["one_more_group"];
    for k in ["value", "low", "high"] {
        assert_eq!(ops["p90_seconds"][k].as_f64(), Some(4.0 * 3600.0), "{k}");
        assert_eq!(ops["p50_seconds"][k].as_f64(), Some(4.0 * 3600.0), "{k}");
    }
    assert_eq!(ops["material"], true);
    let spare = &j["teams"][1]["one_more_group"];
    assert_eq!(spare["p90_seconds"]["value"].as_f64(), Some(0.0));
    assert_eq!(spare["negligible"], true);

    let md = read(out.join("report.md"));
    let row = |name: &str| {
        md.lines()
            .find(|l| l.starts_with(&format!("| {name} | ")) && l.contains('→'))
            .unwrap_or_else(|| panic!("no staffing row for {name} in\n{md}"))
            .to_string()
    };
    assert!(md.contains("## Staffing"), "{md}");
    let ops_row = row("ops");
    assert!(
        ops_row.contains("| 1 → 2 | +4 h 00 m | +4 h 00 m |"),
        "{ops_row}"
    );
    assert!(ops_row.contains("saves a material time"), "{ops_row}");
    assert!(row("spare").contains("more people no longer help"));
    assert!(
        md.contains("> The ops team is the bottleneck: one more of its groups would bring P90 forward by 4 h 00 m"),
        "{md}"
    );
    // No grid, no options table and no staffing.json.
    assert!(!md.contains("### Staffing options"));
    assert!(!out.join("staffing.json").exists());

    let html = read(out.join("report.html"));
    assert!(html.contains("<section id=\"staffing\">"));
    assert!(html.contains("saves a material time"));
}

#[test]
fn a_grid_adds_the_options_and_the_cheapest_that_meets_the_objective() {
    let dir = tempfile::tempdir().unwrap();
    let out = report(FOUR_HOURS, dir.path(), &["--team", "ops=1..3"]);
    let md = read(out.join("report.md"));
    assert!(md.contains("### Staffing options"), "{md}");
    // One group meets 10 h only when the random step takes at most 6 h (a quarter of
    // recoveries); two always do.
    assert!(
        md.contains("The cheapest option that meets the 10 h 00 m objective in at least 90% of recoveries is ops 2x1 (2 people)"),
        "{md}"
    );
    let staffing: Value = serde_json::from_str(&read(out.join("staffing.json"))).unwrap();
    assert_eq!(staffing["options"].as_array().unwrap().len(), 3);
    assert_eq!(staffing["recommended"]["option"], 2);
    assert_eq!(staffing["options"][2]["no_gain"], true);
    let html = read(out.join("report.html"));
    assert!(html.contains("<h3>Staffing options</h3>"));
    // The command that reproduces the report keeps the grid.
    assert!(md.contains("--team ops=1..3"), "{md}");
}

#[test]
fn a_start_drawn_over_the_week_gets_its_section() {
    let dir = tempfile::tempdir().unwrap();
    let plan = FOUR_HOURS.replace(
        "[teams]\nops = 1",
        "starts = { dist = \"week\" }\n[teams]\nops = { groups = 2, hours = \"Mon-Fri 09:00-18:00\", on-call = 1 }",
    );
    let out = report(&plan, dir.path(), &[]);
    let md = read(out.join("report.md"));
    assert!(md.contains("## When the disaster strikes"), "{md}");
    let j: Value = serde_json::from_str(&read(out.join("report.json"))).unwrap();
    let bands = j["starts"]["bands"].as_array().unwrap();
    assert!(!bands.is_empty());
    for b in bands {
        let label = b["label"].as_str().unwrap();
        let line = md
            .lines()
            .find(|l| l.starts_with(&format!("| {label} |")))
            .unwrap_or_else(|| panic!("no row for {label} in\n{md}"));
        assert!(line.contains(&b["trials"].to_string()), "{line}");
    }
    let html = read(out.join("report.html"));
    assert!(html.contains("<section id=\"starts\">"));
}
