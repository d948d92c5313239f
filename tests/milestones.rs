//! Milestones: closed forms for when each is reached and for the joint chance of a tier, the
//! deadline policy, milestones whose needs survive, gates, and validation.

mod common;

use common::{PlanFile, json, rtosim, stderr, stdout};
use serde_json::Value;

const TRIALS: u64 = 40_000;

/// Three independent chains: A fixed 2 h, B and C uniform(1 h, 3 h), one milestone on each;
/// B and C are tier 1 with a 2 h 30 m target.
const CHAINS: &str = r#"
name = "independent chains"
[[step]]
id = "a"
duration = "2h"
[[step]]
id = "b"
duration = { dist = "uniform", min = "1h", max = "3h" }
[[step]]
id = "c"
duration = { dist = "uniform", min = "1h", max = "3h" }
[[milestone]]
name = "on-a"
needs = ["a"]
rto-target = "2h30m"
[[milestone]]
name = "on-b"
needs = ["b"]
rto-target = "2h30m"
tier = 1
[[milestone]]
name = "on-c"
needs = ["c"]
rto-target = "2h30m"
tier = 1
"#;

fn simulate_json(plan: &PlanFile, extra: &[&str]) -> Value {
    let trials = TRIALS.to_string();
    let mut args = vec!["simulate", plan.arg(), "--json", "--trials", &trials];
    args.extend_from_slice(extra);
    json(&args)
}

fn milestone<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["milestones"]["each"]
        .as_array()
        .expect("milestones in the JSON")
        .iter()
        .find(|m| m["name"] == name)
        .unwrap_or_else(|| panic!("milestone {name} in {report}"))
}

fn joint<'a>(report: &'a Value, group: &str) -> &'a Value {
    report["milestones"]["joint"]
        .as_array()
        .expect("joint figures in the JSON")
        .iter()
        .find(|j| j["group"] == group)
        .unwrap_or_else(|| panic!("group {group} in {report}"))
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("{v} is a number"))
}

#[test]
fn percentiles_and_the_chance_of_meeting_match_the_closed_forms() {
    let plan = PlanFile::new(CHAINS);
    let r = simulate_json(&plan, &[]);
    let n = TRIALS as f64;
    // A is fixed: reached at 2 h in every trial, always within 2 h 30 m.
    let a = milestone(&r, "on-a");
    for p in ["p50", "p80", "p90", "p95", "p99"] {
        assert_eq!(f(&a["reached_seconds"][p]), 7200.0, "{p}");
    }
    assert_eq!(f(&a["target"]["probability_met"]), 1.0);
    // B is uniform(1 h, 3 h): its q quantile is 1 h + q * 2 h. The sample quantile's standard
    // error is sqrt(q (1 - q) / n) / density, and the density is 1 / 2 h.
    let b = milestone(&r, "on-b");
    for (p, q) in [
        ("p50", 0.5),
        ("p80", 0.8),
        ("p90", 0.9),
        ("p95", 0.95),
        ("p99", 0.99),
    ] {
        let exact = 3600.0 + q * 7200.0;
        let se = (q * (1.0 - q) / n).sqrt() * 7200.0;
        let got = f(&b["reached_seconds"][p]);
        assert!(
            (got - exact).abs() < 4.0 * se,
            "{p}: {got} vs {exact} (se {se})"
        );
        let i = &b["reached_interval_seconds"][p];
        assert!(
            f(&i["low"]) <= got && got <= f(&i["high"]),
            "{p} in its interval"
        );
    }
    // P(B <= 2 h 30 m) = 0.75 exactly.
    let met = f(&b["target"]["probability_met"]);
    let se = (0.75 * 0.25 / n).sqrt();
    assert!((met - 0.75).abs() < 4.0 * se, "P(meet) {met}");
    let i = &b["target"]["probability_interval"];
    assert!(f(&i["low"]) < 0.75 && 0.75 < f(&i["high"]), "0.75 in {i}");
    // B's time is decided by B alone.
    assert_eq!(b["critical_steps"][0]["id"], "b");
    assert_eq!(f(&b["critical_steps"][0]["criticality"]), 1.0);
}

#[test]
fn the_joint_chance_of_independent_milestones_is_the_product() {
    let plan = PlanFile::new(CHAINS);
    let r = simulate_json(&plan, &[]);
    let n = TRIALS as f64;
    let tier1 = joint(&r, "tier1");
    assert_eq!(tier1["milestones"], serde_json::json!(["on-b", "on-c"]));
    let both = f(&tier1["probability_all_met"]);
    let product = f(&tier1["product_of_marginals"]);
    // Exactly 0.75^2 = 0.5625 for independent chains; the per-trial count and the product of
    // the two sample shares agree within the count's standard error.
    let se = (0.5625 * 0.4375 / n).sqrt();
    assert!((both - 0.5625).abs() < 4.0 * se, "joint {both}");
    assert!(
        (both - product).abs() < 4.0 * se,
        "joint {both} vs product {product}"
    );
    // The last of tier 1 is the larger of two uniforms: P(max <= t) = ((t - 1 h) / 2 h)^2,
    // so its median is 1 h + 2 h * sqrt(0.5).
    let exact = 3600.0 + 7200.0 * 0.5_f64.sqrt();
    let density = 2.0 * 0.5_f64.sqrt() / 7200.0;
    let se = (0.25 / n).sqrt() / density;
    let got = f(&tier1["reached_seconds"]["p50"]);
    assert!(
        (got - exact).abs() < 4.0 * se,
        "tier 1 median {got} vs {exact}"
    );
    // A always meets its target, so every milestone meeting its target is tier 1 doing so.
    assert_eq!(f(&joint(&r, "all")["probability_all_met"]), both);
}

/// Two milestones sharing a step: the joint chance is the per-trial count, which the CSV lets
/// a reader redo.
#[test]
fn the_joint_chance_of_milestones_sharing_a_step_is_counted_per_trial() {
    let plan = PlanFile::new(
        r#"
name = "shared"
[[step]]
id = "shared"
duration = { dist = "uniform", min = "30m", max = "2h" }
[[step]]
id = "x"
after = ["shared"]
duration = { dist = "uniform", min = "30m", max = "1h30m" }
[[step]]
id = "y"
after = ["shared"]
duration = { dist = "triangular", min = "20m", mode = "40m", max = "2h" }
[[milestone]]
name = "mx"
needs = ["x"]
rto-target = "2h"
tier = 1
[[milestone]]
name = "my"
needs = ["y", "shared"]
rto-target = "2h15m"
tier = 1
"#,
    );
    let csv_path = plan.out("trials.csv");
    let csv_arg = csv_path.to_str().expect("UTF-8 path");
    let r = simulate_json(&plan, &["--csv", csv_arg]);
    let text = std::fs::read_to_string(&csv_path).expect("the CSV is written");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("{name} in {header:?}"))
    };
    let (cx, cy) = (col("milestone_mx_seconds"), col("milestone_my_seconds"));
    let (mut hits, mut trials, mut hx, mut hy) = (0u64, 0u64, 0u64, 0u64);
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        let x: f64 = cells[cx].parse().expect("a time");
        let y: f64 = cells[cy].parse().expect("a time");
        let (mx, my) = (x <= 7200.0, y <= 8100.0);
        trials += 1;
        hits += u64::from(mx && my);
        hx += u64::from(mx);
        hy += u64::from(my);
    }
    assert_eq!(trials, TRIALS);
    let tier1 = joint(&r, "tier1");
    assert_eq!(
        f(&tier1["probability_all_met"]),
        hits as f64 / trials as f64
    );
    let product = (hx as f64 / trials as f64) * (hy as f64 / trials as f64);
    assert!(
        (f(&tier1["product_of_marginals"]) - product).abs() < 1e-12,
        "the product of the separate shares"
    );
    // The shared step ties them together: the joint chance is clearly above the product.
    let n = trials as f64;
    let se = (product * (1.0 - product) / n).sqrt();
    assert!(
        hits as f64 / n > product + 4.0 * se,
        "{hits} of {trials} vs product {product}"
    );
}

/// One group, two independent 3 h steps, and a 3 h milestone on the second listed step.
const URGENT: &str = r#"
name = "urgent second"
[teams]
ops = 1
[[step]]
id = "first"
team = "ops"
duration = "3h"
[[step]]
id = "second"
team = "ops"
duration = "3h"
[[milestone]]
name = "urgent"
needs = ["second"]
rto-target = "3h"
"#;

#[test]
fn under_deadline_the_urgent_step_goes_first() {
    let plan = PlanFile::new(URGENT);
    for (policy, met, reached) in [
        (Some("deadline"), 1.0, 3.0 * 3600.0),
        (None, 1.0, 3.0 * 3600.0),
        (Some("playbook"), 0.0, 6.0 * 3600.0),
        (Some("lft"), 0.0, 6.0 * 3600.0),
    ] {
        let mut extra = vec![];
        if let Some(p) = policy {
            extra.extend(["--policy", p]);
        }
        let r = simulate_json(&plan, &extra);
        let urgent = milestone(&r, "urgent");
        assert_eq!(f(&urgent["target"]["probability_met"]), met, "{policy:?}");
        assert_eq!(f(&urgent["reached_seconds"]["max"]), reached, "{policy:?}");
        assert_eq!(r["policy"], policy.unwrap_or("deadline"));
    }
    // The text says which policy ran and that it is the default.
    let out = rtosim(&["simulate", plan.arg(), "--trials", "200"]);
    let text = stdout(&out);
    assert!(text.contains("policy deadline"), "{text}");
    assert!(
        text.contains("the default when milestones have targets"),
        "{text}"
    );
}

#[test]
fn a_milestone_whose_needs_all_survive_is_reached_at_zero_with_a_note() {
    let plan = PlanFile::new(
        r#"
name = "partial loss"
[[step]]
id = "db"
duration = "1h"
[[step]]
id = "web"
duration = "2h"
[[milestone]]
name = "web-up"
needs = ["web"]
rto-target = "30m"
[[milestone]]
name = "db-up"
needs = ["db"]
[[scenario]]
name = "db-only"
lost = ["db"]
"#,
    );
    let out = rtosim(&["simulate", plan.arg(), "--trials", "500"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("web-up: every step it needs survives the scenario: reached at 0"),
        "{}",
        stdout(&out)
    );
    let r = simulate_json(&plan, &[]);
    let web = milestone(&r, "web-up");
    assert_eq!(f(&web["reached_seconds"]["max"]), 0.0);
    assert_eq!(f(&web["target"]["probability_met"]), 1.0);
    assert_eq!(web["steps_needed"], 0);
    assert_eq!(web["crucial_steps"], serde_json::json!([]), "no cruciality");
    assert_eq!(f(&milestone(&r, "db-up")["reached_seconds"]["p50"]), 3600.0);
}

#[test]
fn a_milestone_gate_exits_3_exactly_when_its_figure_is_above() {
    let plan = PlanFile::new(
        r#"
name = "fixed"
[[step]]
id = "a"
duration = "1h"
[[step]]
id = "b"
after = ["a"]
duration = "2h"
[[milestone]]
name = "half"
needs = ["a"]
tier = 1
"#,
    );
    let code = |gate: &str| {
        let out = rtosim(&[
            "simulate",
            plan.arg(),
            "--trials",
            "200",
            "--fail-above",
            gate,
        ]);
        (out.status.code(), stderr(&out))
    };
    for (gate, expected) in [
        ("half:p90=1h", 0),
        ("half:p90=59m", 3),
        ("half:max=1h", 0),
        ("tier1:p50=1h", 0),
        ("tier1:p50=59m59s", 3),
        ("all:mean=1h", 0),
        ("p90=3h", 0),
        ("p90=2h59m", 3),
    ] {
        let (c, err) = code(gate);
        assert_eq!(c, Some(expected), "{gate}: {err}");
    }
    let (c, err) = code("half:p90=59m");
    assert!(
        err.contains("error: gate half:p90 <= 59 m failed: half:p90 is 1 h 00 m"),
        "{err}"
    );
    assert_eq!(c, Some(3));
    // An unknown milestone is invalid input, with a did-you-mean, before anything runs.
    let (c, err) = code("hlaf:p90=1h");
    assert_eq!(c, Some(2), "{err}");
    assert!(err.contains("unknown milestone \"hlaf\""), "{err}");
    assert!(err.contains("half"), "{err}");
}

#[test]
fn milestones_are_validated_like_the_rest_of_the_plan() {
    let plan = PlanFile::new(
        r#"
name = "bad milestones"
rto-target = "4h"
[[step]]
id = "orders-db"
system = "db"
duration = "1h"
[[step]]
id = "frontend"
duration = "1h"
[[milestone]]
name = "customers"
needs = ["ordres-db"]
[[milestone]]
name = "customers"
needs = ["db"]
[[milestone]]
name = "tier1"
needs = []
"#,
    );
    let out = rtosim(&["check", plan.arg()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    for expected in [
        "milestone \"customers\" needs unknown step or system \"ordres-db\"",
        "did you mean \"orders-db\"",
        "duplicate milestone name \"customers\"",
        "milestone name \"tier1\" is reserved",
        "milestone \"tier1\" needs nothing",
    ] {
        assert!(err.contains(expected), "{expected}: {err}");
    }

    let plan = PlanFile::new(
        r#"
name = "odd targets"
rto-target = "4h"
[[step]]
id = "a"
duration = "1h"
[[milestone]]
name = "late"
needs = ["a"]
rto-target = "6h"
tier = 2
[[milestone]]
name = "early"
needs = ["a"]
rto-target = "8h"
tier = 3
[[milestone]]
name = "first"
needs = ["a"]
rto-target = "7h"
tier = 1
"#,
    );
    let out = rtosim(&["check", plan.arg()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "warnings only: {err}");
    assert!(
        err.contains(
            "milestone \"late\" has a target (6 h 00 m) above the whole recovery's (4 h 00 m)"
        ),
        "{err}"
    );
    assert!(
        err.contains("tier 2 milestone \"late\" has a tighter target (6 h 00 m) than tier 1"),
        "{err}"
    );
}

#[test]
fn milestones_do_not_depend_on_the_thread_count() {
    let with_team = CHAINS
        .replace("[[step]]", "[[step]]\nteam = \"ops\"")
        .replace(
            "name = \"independent chains\"",
            "name = \"one group\"\n[teams]\nops = 2",
        );
    let plan = PlanFile::new(&with_team);
    let one = simulate_json(&plan, &["--threads", "1"]);
    let three = simulate_json(&plan, &["--threads", "3"]);
    assert_eq!(one["milestones"], three["milestones"]);
}

#[test]
fn the_bundled_report_shows_its_milestones() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let out_dir = dir.path().join("report");
    let out = rtosim(&[
        "report",
        "scenarios/aws-account-rebuild.toml",
        "-o",
        out_dir.to_str().expect("UTF-8 path"),
        "--trials",
        "2000",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let read = |name: &str| std::fs::read_to_string(out_dir.join(name)).expect("report file");
    let names = [
        "front-door",
        "customers-can-order",
        "orders-processed",
        "reporting-and-audit",
    ];
    let md = read("report.md");
    assert!(md.contains("## Milestones"), "{md}");
    assert!(
        md.contains("Tier 1 (front-door, customers-can-order)"),
        "{md}"
    );
    let html = read("report.html");
    assert!(html.contains("id=\"chart-milestones\""));
    let svg = read("charts/milestones.svg");
    let report: Value = serde_json::from_str(&read("report.json")).expect("JSON");
    for name in names {
        assert!(md.contains(name) && html.contains(name), "{name}");
        assert!(svg.contains(name), "{name} in the chart's legend");
        let m = milestone(&report, name);
        let target = f(&m["target"]["rto_seconds"]);
        assert!(
            target <= 24.0 * 3600.0,
            "{name}: within the whole recovery's target"
        );
    }
    assert_eq!(report["policy"], "deadline");
}

#[test]
fn compare_shows_what_each_policy_gives_each_milestone() {
    let plan = PlanFile::new(URGENT);
    let r = json(&[
        "compare",
        plan.arg(),
        "--policy",
        "playbook,deadline",
        "--trials",
        "500",
        "--json",
    ]);
    let urgent = |v: usize| &r["variants"][v]["milestones"][0];
    assert_eq!(urgent(0)["name"], "urgent");
    assert_eq!(f(&urgent(0)["probability_met"]["value"]), 0.0);
    assert_eq!(f(&urgent(1)["probability_met"]["value"]), 1.0);
    // Paired with the first column: 3 h sooner in every trial.
    let p = &urgent(1)["versus_first"];
    assert_eq!(f(&p["faster"]), 1.0);
    assert_eq!(f(&p["mean_difference_seconds"]), -3.0 * 3600.0);
    let out = rtosim(&[
        "compare",
        plan.arg(),
        "--policy",
        "playbook,deadline",
        "--trials",
        "200",
    ]);
    let text = stdout(&out);
    assert!(text.contains("urgent P90"), "{text}");
}

#[test]
fn the_run_sheet_marks_the_step_that_completes_each_milestone() {
    let plan = PlanFile::new(URGENT);
    let out = rtosim(&["runsheet", plan.arg(), "--trials", "200"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let md = stdout(&out);
    let line = md
        .lines()
        .find(|l| l.contains("completes milestone"))
        .unwrap_or_else(|| panic!("{md}"));
    assert!(
        line.contains("**second**") && line.contains("**urgent**"),
        "{line}"
    );
    let out = rtosim(&["runsheet", plan.arg(), "--trials", "200", "--format", "csv"]);
    let csv = stdout(&out);
    assert!(
        csv.lines().next().unwrap_or("").ends_with(",completes"),
        "{csv}"
    );
    assert!(
        csv.lines()
            .any(|l| l.contains(",second,") && l.ends_with(",urgent")),
        "{csv}"
    );
}

#[test]
fn staff_sizes_the_teams_for_a_milestone() {
    let plan = PlanFile::new(URGENT);
    let r = json(&[
        "staff",
        plan.arg(),
        "--team",
        "ops=1..2",
        "--policy",
        "playbook",
        "--target",
        "urgent",
        "--trials",
        "200",
        "--json",
    ]);
    assert_eq!(r["milestone"], "urgent");
    assert_eq!(f(&r["target_seconds"]), 3.0 * 3600.0);
    // Under playbook one group does the urgent step second (6 h); two groups do it at once.
    let p90 = |i: usize| f(&r["options"][i]["rto_seconds"]["p90"]);
    assert_eq!((p90(0), p90(1)), (6.0 * 3600.0, 3.0 * 3600.0), "{r}");
    // A name that is neither a time nor a milestone is invalid input, with a did-you-mean.
    let out = rtosim(&[
        "staff",
        plan.arg(),
        "--team",
        "ops=1..2",
        "--target",
        "urgnet",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("did you mean \"urgent\""),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_risk_costs_only_the_milestones_it_delays() {
    let plan = PlanFile::new(
        r#"
name = "one risk"
[[step]]
id = "a"
duration = "1h"
[[step]]
id = "b"
duration = "2h"
[[milestone]]
name = "on-a"
needs = ["a"]
[[milestone]]
name = "on-b"
needs = ["b"]
[[risk]]
name = "late-a"
p = 0.5
hits = ["a"]
delay = "30m"
"#,
    );
    let r = simulate_json(&plan, &[]);
    let cost = |name: &str| {
        let costs = milestone(&r, name)["costs"]
            .as_array()
            .expect("costs")
            .clone();
        assert_eq!(costs.len(), 1, "{costs:?}");
        assert_eq!(costs[0]["item"], "risk late-a");
        f(&costs[0]["cost_p90_seconds"])
    };
    // The risk fires in half the recoveries: A's P90 is 1 h 30 m with it, 1 h without.
    assert_eq!(cost("on-a"), 1800.0);
    assert_eq!(cost("on-b"), 0.0);
}

/// The cruciality of step `step` among `steps` (a JSON list of `id` and `cruciality`).
fn cruciality_of(steps: &Value, step: &str) -> f64 {
    let steps = steps.as_array().expect("a list of steps");
    f(&steps
        .iter()
        .find(|s| s["id"] == step)
        .unwrap_or_else(|| panic!("{step} among {steps:?}"))["cruciality"])
}

/// Step `step`'s cruciality for milestone `name`.
fn crucial(report: &Value, name: &str, step: &str) -> f64 {
    cruciality_of(&milestone(report, name)["crucial_steps"], step)
}

/// Spearman's rho of X with X + Y for independent X, Y uniform on the same range: 7/10.
///
/// Ranks do not change under the affine map onto (0, 1), so take U, V iid U(0, 1) and
/// S = U + V, whose CDF is triangular: F(s) = s^2 / 2 on [0, 1], 1 - (2 - s)^2 / 2 on [1, 2].
/// rho_S = 12 E[U F(S)] - 3. Given U = u, E[F(u + V)] = int_u^{1+u} F(s) ds
/// = (1 - u^3) / 6 + u - (1 - (1 - u)^3) / 6 = u + ((1 - u)^3 - u^3) / 6, so
/// E[U F(S)] = int_0^1 u^2 du + (1/6) int_0^1 (u (1 - u)^3 - u^4) du = 1/3 + (1/20 - 1/5) / 6
/// = 37/120, and rho_S = 12 * 37/120 - 3 = 0.7. (Pearson's would be 1/sqrt(2), about 0.707.)
const RHO_X_SUM: f64 = 0.7;

/// Asserts that step `step`'s cruciality for milestone `name` is `rho` within four standard
/// errors, bounded by `(1 - rho^2) / sqrt(n)` for a sample Spearman correlation of n trials.
fn assert_crucial(report: &Value, name: &str, step: &str, rho: f64) {
    let got = crucial(report, name, step);
    let se = (1.0 - rho * rho) / (TRIALS as f64).sqrt();
    assert!(
        (got - rho).abs() < 4.0 * se,
        "{name}, {step}: {got} vs {rho} (se {se})"
    );
}

/// A chain of two steps `{p}1` then `{p}2`, each uniform on `range` (in hours), of `team` if
/// given, with a milestone `m{p}` on its end.
fn chain(p: &str, range: (u32, u32), team: Option<&str>) -> String {
    let team = team.map_or(String::new(), |t| format!("team = \"{t}\"\n"));
    let (lo, hi) = range;
    let duration = format!("duration = {{ dist = \"uniform\", min = \"{lo}h\", max = \"{hi}h\" }}");
    format!(
        "[[step]]\nid = \"{p}1\"\n{team}{duration}\n\
         [[step]]\nid = \"{p}2\"\nafter = [\"{p}1\"]\n{team}{duration}\n\
         [[milestone]]\nname = \"m{p}\"\nneeds = [\"{p}2\"]\n"
    )
}

/// A milestone reached when the chain X then Y is done: both steps' cruciality for it is the
/// closed form, on the path that runs trials side by side (no teams); a step after it cannot
/// move it.
#[test]
fn cruciality_for_a_milestone_on_a_chain_of_two_uniforms_is_seven_tenths() {
    let plan = PlanFile::new(&format!(
        r#"
name = "chain"
[[step]]
id = "after"
after = ["x2"]
duration = {{ dist = "uniform", min = "10m", max = "20m" }}
{}"#,
        chain("x", (1, 3), None)
    ));
    let r = simulate_json(&plan, &["--seed", "17"]);
    for step in ["x1", "x2"] {
        assert_crucial(&r, "mx", step, RHO_X_SUM);
    }
    assert_crucial(&r, "mx", "after", 0.0);
    // Largest in size first.
    let sizes: Vec<f64> = milestone(&r, "mx")["crucial_steps"]
        .as_array()
        .expect("crucial steps")
        .iter()
        .map(|s| f(&s["cruciality"]).abs())
        .collect();
    assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "{sizes:?}");
}

/// A step on its own chain, with its own team, cannot delay the milestone: its cruciality for
/// the milestone is 0 within the standard error, while it decides the whole recovery. The
/// chain's steps keep the closed form (on the one-trial-at-a-time path: the plan has teams).
#[test]
fn a_step_that_cannot_delay_a_milestone_is_not_crucial_to_it() {
    let plan = PlanFile::new(&format!(
        r#"
name = "apart"
[teams]
ops = 1
other = 1
[[step]]
id = "z"
team = "other"
duration = {{ dist = "uniform", min = "5h", max = "9h" }}
{}"#,
        chain("x", (1, 3), Some("ops"))
    ));
    let r = simulate_json(&plan, &["--seed", "23"]);
    assert_crucial(&r, "mx", "z", 0.0);
    // Z sets the RTO in most recoveries (X1 + X2 is at most 6 h, Z at least 5 h).
    let whole = cruciality_of(&r["steps"], "z");
    assert!(whole > 0.5, "z for the whole recovery: {whole}");
    for step in ["x1", "x2"] {
        assert_crucial(&r, "mx", step, RHO_X_SUM);
    }
}

/// Two milestones on two independent chains: each one's crucial steps are its own chain's,
/// and the text says so.
#[test]
fn each_milestone_has_its_own_chain_as_crucial() {
    let plan = PlanFile::new(&format!(
        "name = \"two chains\"\n{}{}",
        chain("a", (1, 3), None),
        chain("b", (2, 4), None)
    ));
    let seed = ["--seed", "5"];
    let r = simulate_json(&plan, &seed);
    for (own, other) in [("a", "b"), ("b", "a")] {
        let name = format!("m{own}");
        for i in 1..=2 {
            assert_crucial(&r, &name, &format!("{own}{i}"), RHO_X_SUM);
            assert_crucial(&r, &name, &format!("{other}{i}"), 0.0);
        }
    }
    let trials = TRIALS.to_string();
    let out = rtosim(&[
        "simulate",
        plan.arg(),
        "--trials",
        &trials,
        seed[0],
        seed[1],
    ]);
    let text = stdout(&out);
    for (own, other) in [("a", "b"), ("b", "a")] {
        let start = format!("What to shorten to bring m{own} forward: ");
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with(&start))
            .unwrap_or_else(|| panic!("{start} in {text}"));
        assert!(
            line.contains(&format!("{own}1 (")) && line.contains(&format!("{own}2 (")),
            "{line}"
        );
        assert!(!line.contains(&format!("{other}1")), "{line}");
        assert!(line.contains("(cruciality +0.7"), "{line}");
    }
}
