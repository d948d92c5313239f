//! Random streams keyed by step id: a step draws the same numbers wherever it sits in the file
//! and whatever steps are added around it, so two versions of a plan can be compared trial by
//! trial.

use rtosim::plan::{Format, Plan, parse_plan};
use rtosim::sim::{self, Model, Policy, RunConfig, step_stream_keys};

fn plan(text: &str) -> Plan {
    match parse_plan(text, Format::Toml, "test") {
        Ok(p) => p.plan,
        Err(e) => panic!(
            "invalid test plan: {}",
            e.iter().map(|d| d.render("test")).collect::<String>()
        ),
    }
}

fn rtos(plan: &Plan, policy: Policy) -> Vec<f64> {
    let model = Model::compile(plan, &plan.default_scenario(), policy);
    let config = RunConfig {
        trials: 2_000,
        seed: 5,
        threads: 0,
    };
    sim::run_outcomes(&model, &config, &|_| {})
        .expect("thread pool")
        .iter()
        .map(|o| o.rto)
        .collect()
}

const HEAD: &str = r#"
name = "streams"
[teams]
ops = 2
dba = 1
[[risk]]
name = "outage"
p = 0.3
hits = ["restore"]
delay = { dist = "uniform", min = "10m", max = "2h" }
"#;

/// Steps of a plan where two teams are short of groups, so the dispatcher's priority and its
/// ties matter; several steps have equal latest finish times.
const STEPS: [&str; 6] = [
    r#"[[step]]
id = "network"
team = "ops"
duration = { dist = "lognormal", p50 = "1h", p90 = "2h" }"#,
    r#"[[step]]
id = "restore"
team = "dba"
after = ["network"]
duration = { dist = "lognormal", p50 = "3h", p90 = "5h" }"#,
    r#"[[step]]
id = "cluster"
team = "ops"
after = ["network"]
duration = { dist = "lognormal", p50 = "2h", p90 = "3h" }"#,
    r#"[[step]]
id = "queues"
team = "ops"
after = ["network"]
duration = "2h""#,
    r#"[[step]]
id = "caches"
team = "ops"
after = ["network"]
duration = "2h""#,
    r#"[[step]]
id = "app"
after = ["restore", "cluster", "queues", "caches"]
duration = { dist = "triangular", min = "20m", mode = "30m", max = "1h" }"#,
];

fn text(steps: &[&str]) -> String {
    format!("{HEAD}\n{}\n", steps.join("\n\n"))
}

#[test]
fn a_plan_and_a_reordered_copy_give_the_same_trials() {
    let forward = plan(&text(&STEPS));
    let mut reversed: Vec<&str> = STEPS.to_vec();
    reversed.reverse();
    // "app" must come after its dependencies in neither copy: the format allows any order.
    let reordered = plan(&text(&reversed));
    let a = rtos(&forward, Policy::Lft);
    let b = rtos(&reordered, Policy::Lft);
    assert!(a.iter().any(|&x| x != a[0]), "the draws must vary");
    assert_eq!(a, b);
}

#[test]
fn adding_a_step_leaves_the_other_steps_draws_unchanged() {
    // No teams: the RTO is the longest path, so it moves if any step's draw moves.
    let steps: Vec<String> = (0..8)
        .map(|i| {
            format!(
                "[[step]]\nid = \"s{i}\"\nduration = {{ dist = \"lognormal\", p50 = \"{}h\", p90 = \"{}h\" }}",
                i + 1,
                2 * i + 3
            )
        })
        .collect();
    let refs: Vec<&str> = steps.iter().map(String::as_str).collect();
    let base = plan(&format!("name = \"p\"\n{}", refs.join("\n")));
    // A new step first in the file, far shorter than any other, changes no trial's RTO unless
    // it moves the others' draws.
    let mut more = vec!["[[step]]\nid = \"added\"\nduration = \"1s\""];
    more.extend(refs.iter().rev());
    let grown = plan(&format!("name = \"p\"\n{}", more.join("\n")));
    let a = rtos(&base, Policy::Lft);
    let b = rtos(&grown, Policy::Lft);
    assert!(a.iter().any(|&x| x != a[0]));
    assert_eq!(a, b);
}

#[test]
fn ids_whose_hashes_collide_still_get_their_own_streams() {
    // "step-334036" and "step-1028020" have the same 32-bit FNV-1a hash.
    let step = |id: &str| {
        format!(
            "[[step]]\nid = \"{id}\"\nduration = {{ dist = \"lognormal\", p50 = \"1h\", p90 = \"2h\" }}"
        )
    };
    let one = plan(&format!("name = \"p\"\n{}", step("step-334036")));
    let both = plan(&format!(
        "name = \"p\"\n{}\n{}",
        step("step-1028020"),
        step("step-334036")
    ));
    let swapped = plan(&format!(
        "name = \"p\"\n{}\n{}",
        step("step-334036"),
        step("step-1028020")
    ));
    let keys = step_stream_keys(&both);
    assert_ne!(keys[0], keys[1]);
    // The key of each id does not depend on the order, and the earlier id in byte order
    // ("step-1028020") keeps its plain hash.
    let swapped_keys = step_stream_keys(&swapped);
    assert_eq!((keys[0], keys[1]), (swapped_keys[1], swapped_keys[0]));
    assert_eq!(
        keys[0],
        step_stream_keys(&plan(&format!("name = \"p\"\n{}", step("step-1028020"))))[0]
    );
    // Two steps with their own draws: their maximum exceeds one step's RTO in some trials
    // (with shared draws it would equal it in every trial).
    let single = rtos(&one, Policy::Lft);
    let pair = rtos(&both, Policy::Lft);
    assert!(single.iter().zip(&pair).any(|(s, p)| p > s));
    assert_eq!(pair, rtos(&swapped, Policy::Lft));
}

#[test]
fn the_playbook_policy_follows_the_order_of_the_file() {
    // One group and two independent steps: playbook runs the first listed first, so the RTO
    // is the same (both run back to back) but the steps swap places.
    let a = plan(
        "name = \"p\"\n[teams]\nops = 1\n[[step]]\nid = \"x\"\nteam = \"ops\"\nduration = \"1h\"\n[[step]]\nid = \"y\"\nteam = \"ops\"\nduration = \"2h\"\n[[step]]\nid = \"z\"\nafter = [\"x\"]\nduration = \"5h\"\n",
    );
    let b = plan(
        "name = \"p\"\n[teams]\nops = 1\n[[step]]\nid = \"y\"\nteam = \"ops\"\nduration = \"2h\"\n[[step]]\nid = \"x\"\nteam = \"ops\"\nduration = \"1h\"\n[[step]]\nid = \"z\"\nafter = [\"x\"]\nduration = \"5h\"\n",
    );
    assert_eq!(rtos(&a, Policy::Playbook)[0], 6.0 * 3600.0);
    assert_eq!(rtos(&b, Policy::Playbook)[0], 8.0 * 3600.0);
}
