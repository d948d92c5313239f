//! People as they work, against closed forms: rotas that relieve each other, the hour the
//! disaster strikes with working hours and on-call groups, and cross-trained teams.

use rtosim::plan::{Format, Plan, Severity, parse_plan};
use rtosim::sim::{self, Model, Policy, RunConfig, RunResult, deterministic};

const H: f64 = 3600.0;
const M: f64 = 60.0;

fn parsed(text: &str) -> rtosim::plan::LoadedPlan {
    match parse_plan(text, Format::Toml, "test") {
        Ok(p) => p,
        Err(e) => panic!(
            "invalid test plan: {}",
            e.iter().map(|d| d.render("test")).collect::<String>()
        ),
    }
}

fn plan(text: &str) -> Plan {
    parsed(text).plan
}

fn run(plan: &Plan, trials: u64) -> RunResult {
    let model = Model::compile(plan, &plan.default_scenario(), Policy::Playbook);
    let config = RunConfig {
        trials,
        seed: 11,
        threads: 0,
    };
    sim::run(&model, &config, &|_| {}).expect("thread pool")
}

/// The RTO of every trial, which must all be the same (fixed durations).
fn exact_rto(text: &str) -> f64 {
    let plan = plan(text);
    let rtos: Vec<f64> = run(&plan, 20).outcomes.iter().map(|o| o.rto).collect();
    assert!(rtos.iter().all(|&r| r == rtos[0]), "{rtos:?}");
    rtos[0]
}

/// Start times of each step on mean durations.
fn schedule(text: &str) -> Vec<(f64, f64)> {
    let plan = plan(text);
    let model = Model::compile(&plan, &plan.default_scenario(), Policy::Playbook);
    let state = deterministic(&model);
    (0..model.len())
        .map(|c| (state.start[c], state.finish[c]))
        .collect()
}

fn warnings(text: &str) -> Vec<String> {
    parsed(text)
        .warnings
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .map(|d| d.message.clone())
        .collect()
}

#[test]
fn one_group_on_relief_is_relieved_by_nobody() {
    let text = r#"
[teams]
dba = { groups = 1, shift = "8h", rest = "16h", handover = "relief" }
[[step]]
id = "restore"
team = "dba"
duration = "20h"
"#;
    // 0-8 h, 24-32 h, 48-52 h.
    assert_eq!(exact_rto(text), 52.0 * H);
    let w = warnings(text);
    assert!(
        w.iter()
            .any(|m| m.contains("nobody can relieve it") && m.contains("one group")),
        "{w:?}"
    );
}

fn two_groups_relief(rota: &str) -> String {
    format!(
        r#"
[teams]
dba = {{ groups = 2, shift = "12h", rest = "12h", handover = "relief", rota = "{rota}", handover-time = "15m" }}
[[step]]
id = "rebuild"
team = "dba"
duration = "30h"
"#
    )
}

#[test]
fn staggered_groups_relieve_each_other_with_two_hand_overs() {
    assert_eq!(
        exact_rto(&two_groups_relief("staggered")),
        30.0 * H + 30.0 * M
    );
    assert!(warnings(&two_groups_relief("staggered")).is_empty());
}

#[test]
fn groups_that_rest_together_cannot_relieve_each_other() {
    // Both rest 12-24 h and 36-48 h; the first group takes its work back with no hand-over.
    assert_eq!(exact_rto(&two_groups_relief("together")), 54.0 * H);
    let w = warnings(&two_groups_relief("together"));
    assert!(
        w.iter().any(|m| m.contains("rest at the same time")),
        "{w:?}"
    );
}

#[test]
fn relief_is_the_default_staggered_rota() {
    let text = r#"
[teams]
dba = { groups = 2, shift = "12h", rest = "12h", handover = "relief" }
[[step]]
id = "rebuild"
team = "dba"
duration = "30h"
"#;
    assert_eq!(exact_rto(text), 30.0 * H);
}

#[test]
fn staggered_pause_keeps_each_step_with_its_group() {
    let text = r#"
[teams]
dba = { groups = 2, shift = "12h", rest = "12h", handover = "pause", rota = "staggered" }
[[step]]
id = "a"
team = "dba"
duration = "20h"
[[step]]
id = "b"
team = "dba"
duration = "20h"
"#;
    assert_eq!(exact_rto(text), 44.0 * H);
    let s = schedule(text);
    assert_eq!(s[0], (0.0, 32.0 * H));
    assert_eq!(s[1], (12.0 * H, 44.0 * H));
}

fn hours_plan(starts: &str) -> String {
    format!(
        r#"
starts = "{starts}"
[teams]
ops = {{ groups = 2, hours = "Mon-Fri 09:00-18:00", on-call = 1 }}
[[step]]
id = "a"
team = "ops"
duration = "4h"
[[step]]
id = "b"
team = "ops"
duration = "4h"
"#
    )
}

#[test]
fn out_of_hours_the_on_call_group_does_everything() {
    // Saturday 03:00: the office group is not reached before Monday 09:00.
    assert_eq!(exact_rto(&hours_plan("Sat 03:00")), 8.0 * H);
}

#[test]
fn the_office_group_joins_when_working_hours_begin() {
    // Monday 08:00: the second group joins at 09:00 and takes the step still waiting.
    assert_eq!(exact_rto(&hours_plan("Mon 08:00")), 5.0 * H);
    // In hours, both answer at once.
    assert_eq!(exact_rto(&hours_plan("Tue 10:00")), 4.0 * H);
}

#[test]
fn hours_without_a_start_play_no_role_and_check_says_so() {
    let text = r#"
[teams]
ops = { groups = 2, hours = "Mon-Fri 09:00-18:00", on-call = 1 }
[[step]]
id = "a"
team = "ops"
duration = "4h"
[[step]]
id = "b"
team = "ops"
duration = "4h"
"#;
    assert_eq!(exact_rto(text), 4.0 * H);
    let w = warnings(text);
    assert!(w.iter().any(|m| m.contains("play no role")), "{w:?}");
}

#[test]
fn a_start_drawn_over_the_week_meets_office_hours_in_their_share_of_the_week() {
    // One group, nobody on call: in hours (45 of the week's 168 hours) the step takes 1 h;
    // otherwise it waits for the next working morning.
    let text = r#"
starts = { dist = "week" }
[teams]
ops = { groups = 1, hours = "Mon-Fri 09:00-18:00", on-call = 0 }
[[step]]
id = "a"
team = "ops"
duration = "1h"
"#;
    let n = 20_000;
    let r = run(&plan(text), n);
    let quick = r.outcomes.iter().filter(|o| o.rto == H).count() as f64 / n as f64;
    let p = 45.0 / 168.0;
    let se = (p * (1.0 - p) / n as f64).sqrt();
    assert!((quick - p).abs() < 4.0 * se, "{quick} vs {p} (se {se})");
    // Never more than the longest wait: Friday 18:00 to Monday 09:00, then the hour.
    let longest = r.outcomes.iter().map(|o| o.rto).fold(0.0, f64::max);
    assert!(longest <= 63.0 * H + H, "{longest}");
}

#[test]
fn random_hand_over_times_add_up_over_the_reliefs() {
    // 30 h of work on 12 h shifts: two hand-overs, each uniform on 10-20 min, so the RTO is
    // 30 h plus their sum: mean 30 h 30 m, sd 10 m x sqrt(2 / 12).
    let text = r#"
[teams]
dba = { groups = 2, shift = "12h", rest = "12h", handover = "relief", handover-time = { dist = "uniform", min = "10m", max = "20m" } }
[[step]]
id = "rebuild"
team = "dba"
duration = "30h"
"#;
    let n = 4_000;
    let r = run(&plan(text), n);
    let rtos: Vec<f64> = r.outcomes.iter().map(|o| o.rto).collect();
    let mean = rtos.iter().sum::<f64>() / n as f64;
    let sd = 10.0 * M * (2.0f64 / 12.0).sqrt();
    let se = sd / (n as f64).sqrt();
    assert!((mean - (30.0 * H + 30.0 * M)).abs() < 4.0 * se, "{mean}");
    assert!(
        rtos.iter()
            .all(|&x| (30.0 * H + 20.0 * M..=30.0 * H + 40.0 * M).contains(&x))
    );
}

fn cross_trained(b_team: &str) -> String {
    format!(
        r#"
[teams]
dba = 1
platform = 1
[[step]]
id = "a"
team = "dba"
duration = "3h"
[[step]]
id = "b"
team = {b_team}
duration = "2h"
"#
    )
}

#[test]
fn a_cross_trained_step_runs_on_its_second_team_when_the_first_is_busy() {
    // b waits for the DBA group on its own, runs on platform when it may.
    assert_eq!(exact_rto(&cross_trained("\"dba\"")), 5.0 * H);
    assert_eq!(exact_rto(&cross_trained(r#"["dba", "platform"]"#)), 3.0 * H);
    let s = schedule(&cross_trained(r#"["dba", "platform"]"#));
    assert_eq!(s[1], (0.0, 2.0 * H));
    // A slower second team: its hands-on work takes 1.5 times as long.
    let slower = cross_trained(r#"["dba", { team = "platform", slower = 1.5 }]"#);
    assert_eq!(exact_rto(&slower), 3.0 * H);
    assert_eq!(schedule(&slower)[1], (0.0, 3.0 * H));
    // Slower than waiting is still taken: the rule is the first team with the crew free.
    let much = cross_trained(r#"["dba", { team = "platform", slower = 4 }]"#);
    assert_eq!(exact_rto(&much), 8.0 * H);
}

#[test]
fn a_cross_trained_step_takes_its_first_team_when_both_are_free() {
    let text = r#"
[teams]
dba = 1
platform = 1
[[step]]
id = "b"
team = ["dba", { team = "platform", slower = 2 }]
duration = "2h"
[[step]]
id = "c"
team = "platform"
duration = "1h"
"#;
    // b goes to the DBA group (listed first), leaving platform to c.
    assert_eq!(schedule(text), vec![(0.0, 2.0 * H), (0.0, H)]);
}

#[test]
fn workforce_keys_are_checked_with_their_place() {
    let bad = r#"
starts = "Caturday 03:00"
[teams]
dba = { groups = 2, shift = "12h", rest = "12h", rota = "sideways", handover-time = "15m" }
ops = { groups = 1, hours = "Mon-Fri 9-18", on-call = 3 }
[[step]]
id = "a"
team = ["dba", "nope", { team = "ops", slower = 0 }]
duration = "1h"
"#;
    let errors = match parse_plan(bad, Format::Toml, "test") {
        Ok(_) => panic!("accepted"),
        Err(e) => e,
    };
    let text: String = errors.iter().map(|d| d.render("test")).collect();
    for expected in [
        "Caturday",
        "unknown rota \"sideways\"",
        "handover-time but its groups are not relieved",
        "ops\" hours",
        "on-call must be between 0 and its 1 groups",
        "unknown team \"nope\"",
        "slower must be a number above 0",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    assert!(errors.iter().all(|d| d.location.is_some()), "{text}");
}

#[test]
fn a_crew_larger_than_the_groups_on_duty_at_once_is_refused() {
    let bad = r#"
[teams]
dba = { groups = 2, shift = "12h", rest = "12h", handover = "pause", rota = "staggered" }
[[step]]
id = "a"
team = "dba"
crew = 2
duration = "1h"
"#;
    let errors = match parse_plan(bad, Format::Toml, "test") {
        Ok(_) => panic!("accepted"),
        Err(e) => e,
    };
    let text: String = errors.iter().map(|d| d.render("test")).collect();
    assert!(text.contains("at most 1 on duty at a time"), "{text}");
}
