//! Chaos against closed forms: risk delays, fallbacks and restarts, shared factors,
//! mobilisation, shifts and hand-offs, and the costs measured with common random numbers.

use rtosim::analysis::{Analysis, RunOptions, Wants, analyse, paired_cost};
use rtosim::plan::{Format, Plan, parse_plan};
use rtosim::sim::{self, Model, Policy, RunConfig, RunResult};
use rtosim::stats::percentile;

const H: f64 = 3600.0;

fn plan(text: &str) -> Plan {
    match parse_plan(text, Format::Toml, "test") {
        Ok(p) => p.plan,
        Err(e) => panic!(
            "invalid test plan: {}",
            e.iter().map(|d| d.render("test")).collect::<String>()
        ),
    }
}

fn config(trials: u64) -> RunConfig {
    RunConfig {
        trials,
        seed: 7,
        threads: 0,
    }
}

fn run(plan: &Plan, trials: u64) -> RunResult {
    let model = Model::compile(plan, &plan.default_scenario(), Policy::Lft);
    sim::run(&model, &config(trials), &|_| {}).expect("thread pool")
}

fn analysis(plan: &Plan, trials: u64, drivers: bool) -> Analysis {
    let options = RunOptions {
        scenario: None,
        policy: Policy::Lft,
        config: config(trials),
        record_starts: false,
    };
    let wants = Wants {
        costs: true,
        drivers,
        replays: false,
        staffing: false,
    };
    analyse(plan, &options, wants, &|_| {}).expect("thread pool")
}

fn rtos(run: &RunResult) -> Vec<f64> {
    run.outcomes.iter().map(|o| o.rto).collect()
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_unstable_by(f64::total_cmp);
    v
}

/// Mean of a two-point RTO (a or a + d with probability p) within 4 standard errors.
fn check_two_point(r: &[f64], base: f64, extra: f64, p: f64) {
    for &x in r {
        assert!(
            (x - base).abs() < 1e-6 || (x - base - extra).abs() < 1e-6,
            "rto {x} is neither {base} nor {}",
            base + extra
        );
    }
    let n = r.len() as f64;
    let se = extra * (p * (1.0 - p) / n).sqrt();
    let expected = base + p * extra;
    assert!(
        (mean(r) - expected).abs() < 4.0 * se,
        "mean {} expected {expected} +/- {}",
        mean(r),
        4.0 * se
    );
}

#[test]
fn a_delay_risk_adds_p_times_the_delay_to_the_mean() {
    let text = r#"
[[step]]
id = "restore"
duration = "1h"

[[risk]]
name = "hard-coded-ids"
p = 0.3
hits = ["restore"]
delay = "2h"
"#;
    check_two_point(&rtos(&run(&plan(text), 20_000)), H, 2.0 * H, 0.3);
    // The same through the event-driven dispatcher (a team).
    let with_team = format!(
        "[teams]\nops = 1\n{}",
        text.replace("duration", "team = \"ops\"\nduration")
    );
    check_two_point(&rtos(&run(&plan(&with_team), 20_000)), H, 2.0 * H, 0.3);
}

#[test]
fn a_fallback_runs_only_when_its_risk_fires_and_dependents_wait_for_it() {
    let text = r#"
[teams]
dba = 1
[[step]]
id = "restore"
team = "dba"
duration = "1h"
[[step]]
id = "app"
after = ["restore"]
duration = "30m"

[[risk]]
name = "corrupt-backup"
p = 0.25
hits = ["restore"]
fallback = { id = "restore-previous-day", team = "dba", duration = "3h" }
data-loss = "24h"
"#;
    let p = plan(text);
    assert_eq!(p.steps.len(), 3);
    check_two_point(&rtos(&run(&p, 20_000)), 1.5 * H, 3.0 * H, 0.25);
}

#[test]
fn a_restart_redoes_the_work_from_a_uniform_point() {
    let text = r#"
[[step]]
id = "apply"
duration = "2h"
[[risk]]
name = "state-lock-lost"
p = 1.0
hits = ["apply"]
restart = true
"#;
    let r = sorted(rtos(&run(&plan(text), 20_000)));
    // 2h x (1 + U): uniform on [2h, 4h].
    assert!(r[0] >= 2.0 * H && r[r.len() - 1] <= 4.0 * H);
    let se = 2.0 * H / 12f64.sqrt() / (r.len() as f64).sqrt();
    assert!((mean(&r) - 3.0 * H).abs() < 4.0 * se);
    assert!((percentile(&r, 0.9) - 3.8 * H).abs() < 0.02 * H);
}

#[test]
fn a_factor_multiplies_the_steps_distribution() {
    // A fixed 2h step times a lognormal factor with median 1 and P90 1.5.
    let text = r#"
[[step]]
id = "vpc"
duration = "2h"
[[factor]]
name = "provider-slow-day"
multiplier = { dist = "lognormal", p50 = 1.0, p90 = 1.5 }
applies-to = ["vpc"]
"#;
    let n = 40_000;
    let r = sorted(rtos(&run(&plan(text), n)));
    let sigma = 1.5f64.ln() / 1.281_551_565_5;
    for (q, z, want) in [(0.5_f64, 0.0_f64, 2.0 * H), (0.9, 1.281_551_565_5, 3.0 * H)] {
        let density = (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt() / (want * sigma);
        let se = (q * (1.0 - q) / n as f64).sqrt() / density;
        let got = percentile(&r, q);
        assert!(
            (got - want).abs() < 4.0 * se,
            "q{q}: {got} vs {want} +/- {}",
            4.0 * se
        );
    }
}

#[test]
fn mobilisation_adds_exactly_its_value_to_a_one_team_plan() {
    let base = r#"
[teams]
platform = { groups = 1 }
[[step]]
id = "a"
team = "platform"
duration = { dist = "lognormal", p50 = "1h", p90 = "2h" }
[[step]]
id = "b"
team = "platform"
after = ["a"]
duration = { dist = "uniform", min = "20m", max = "40m" }
"#;
    let mobilised = base.replace("{ groups = 1 }", "{ groups = 1, mobilise = \"45m\" }");
    let (r0, r1) = (
        rtos(&run(&plan(base), 5_000)),
        rtos(&run(&plan(&mobilised), 5_000)),
    );
    for (a, b) in r0.iter().zip(&r1) {
        assert!((b - a - 45.0 * 60.0).abs() < 1e-6, "{a} -> {b}");
    }
}

#[test]
fn thirty_hours_of_work_on_twelve_hour_shifts_take_54_hours() {
    let text = |handover: &str| {
        format!(
            r#"
[teams]
dba = {{ groups = 1, shift = "12h", rest = "12h", handover = "{handover}" }}
[[step]]
id = "rebuild"
team = "dba"
duration = "30h"
"#
        )
    };
    let r = rtos(&run(&plan(&text("pause")), 10));
    assert!(r.iter().all(|&x| x == 54.0 * H), "{r:?}");
    // Relief needs a second group: with one, nobody takes over and the work waits as well.
    let r = rtos(&run(&plan(&text("relief")), 10));
    assert!(r.iter().all(|&x| x == 54.0 * H), "{r:?}");
}

#[test]
fn a_handoff_delays_steps_that_wait_on_another_team() {
    let text = |team_b: &str| {
        format!(
            r#"
handoff = "10m"
[teams]
network = 1
dba = 1
[[step]]
id = "a"
team = "network"
duration = "1h"
[[step]]
id = "b"
team = "{team_b}"
after = ["a"]
duration = "1h"
"#
        )
    };
    assert!(
        rtos(&run(&plan(&text("dba")), 10))
            .iter()
            .all(|&x| x == 2.0 * H + 600.0)
    );
    assert!(
        rtos(&run(&plan(&text("network")), 10))
            .iter()
            .all(|&x| x == 2.0 * H)
    );
}

const SERIES: &str = r#"
[[step]]
id = "a"
duration = { dist = "lognormal", p50 = "2h", p90 = "3h" }
[[step]]
id = "b"
after = ["a"]
duration = { dist = "lognormal", p50 = "3h", p90 = "4h" }
[[step]]
id = "c"
after = ["b"]
duration = { dist = "lognormal", p50 = "1h", p90 = "90m" }
"#;

#[test]
fn a_shared_factor_widens_the_rto_distribution() {
    let with = format!(
        "{SERIES}\n[[factor]]\nname = \"slow-day\"\nmultiplier = {{ dist = \"lognormal\", p50 = 1.0, p90 = 1.3 }}\napplies-to = [\"a\", \"b\", \"c\"]\n"
    );
    let spread = |p: &Plan| {
        let r = sorted(rtos(&run(p, 20_000)));
        percentile(&r, 0.9) - percentile(&r, 0.5)
    };
    let (narrow, wide) = (spread(&plan(SERIES)), spread(&plan(&with)));
    assert!(
        wide > 1.3 * narrow,
        "P90-P50 {narrow} without the factor, {wide} with it"
    );
}

#[test]
fn costs_of_independent_risks_add_up_and_without_is_exact() {
    let text = format!(
        "{SERIES}\n[[risk]]\nname = \"r1\"\np = 0.2\nhits = [\"a\"]\ndelay = \"2h\"\n\n[[risk]]\nname = \"r2\"\np = 0.3\nhits = [\"c\"]\ndelay = {{ dist = \"uniform\", min = \"1h\", max = \"3h\" }}\n"
    );
    let p = plan(&text);
    let scenario = p.default_scenario();
    let cfg = config(20_000);
    let a = analysis(&p, 20_000, false);
    let stats = &a.summary.chaos;
    assert_eq!(stats.risks.len(), 2);
    assert!((stats.risks[0].fired - 0.2).abs() < 0.015);
    assert!((stats.risks[1].fired - 0.3).abs() < 0.015);
    let both = p
        .without_named("r1")
        .and_then(|q| q.without_named("r2"))
        .expect("both exist");
    let cost_both =
        paired_cost(&a.run.outcomes, &both, &scenario, Policy::Lft, &cfg).expect("pool");
    let sum_mean = stats.risks[0].cost.cost_mean_seconds + stats.risks[1].cost.cost_mean_seconds;
    // Delays on steps in series add exactly, trial by trial.
    assert!(
        (sum_mean - cost_both.cost_mean_seconds).abs() < 1.0,
        "{sum_mean} vs {cost_both:?}"
    );
    assert!((sum_mean - (0.2 * 2.0 * H + 0.3 * 2.0 * H)).abs() < 0.05 * H);
    let sum_p90 = stats.risks[0].cost.cost_p90_seconds + stats.risks[1].cost.cost_p90_seconds;
    assert!(
        (sum_p90 - cost_both.cost_p90_seconds).abs() < 0.35 * cost_both.cost_p90_seconds,
        "P90 costs {sum_p90} vs {}",
        cost_both.cost_p90_seconds
    );

    // Removing r1 leaves every other draw alone: the run equals the plan written without it.
    let written_without = format!(
        "{SERIES}\n[[risk]]\nname = \"r2\"\np = 0.3\nhits = [\"c\"]\ndelay = {{ dist = \"uniform\", min = \"1h\", max = \"3h\" }}\n"
    );
    let a = run(&p.without_named("r1").expect("r1"), 3_000);
    let b = run(&plan(&written_without), 3_000);
    assert_eq!(a.outcomes, b.outcomes);
}

#[test]
fn removing_a_fallback_risk_keeps_the_other_draws() {
    let text = r#"
[teams]
dba = 1
[[step]]
id = "db"
team = "dba"
duration = { dist = "lognormal", p50 = "2h", p90 = "3h" }
[[step]]
id = "app"
team = "dba"
after = ["db"]
duration = { dist = "lognormal", p50 = "1h", p90 = "2h" }
[[risk]]
name = "corrupt"
p = 0.5
hits = ["db"]
fallback = { id = "db-again", team = "dba", duration = "2h" }
[[risk]]
name = "slow-app"
p = 0.5
hits = ["app"]
fallback = { id = "app-again", team = "dba", duration = { dist = "uniform", min = "1h", max = "2h" } }
"#;
    let p = plan(text);
    let written = text.replace(
        "[[risk]]\nname = \"corrupt\"\np = 0.5\nhits = [\"db\"]\nfallback = { id = \"db-again\", team = \"dba\", duration = \"2h\" }\n",
        "",
    );
    assert_ne!(written, text);
    let a = run(&p.without_named("corrupt").expect("risk"), 3_000);
    let b = run(&plan(&written), 3_000);
    assert_eq!(a.outcomes, b.outcomes);
}

#[test]
fn steps_and_risks_rank_together_by_time_added_at_p90() {
    let text = r#"
[[step]]
id = "restore"
duration = { dist = "uniform", min = "1h", max = "2h" }
[[step]]
id = "dns"
after = ["restore"]
duration = { dist = "uniform", min = "10m", max = "20m" }
[[risk]]
name = "corrupt-backup"
p = 0.5
hits = ["restore"]
delay = "3h"
"#;
    let p = plan(text);
    let scenario = p.default_scenario();
    let _ = scenario;
    let a = analysis(&p, 4_000, true);
    let drivers = &a.summary.chaos.p90_drivers;
    let names: Vec<&str> = drivers.iter().map(|d| d.driver.name()).collect();
    // The risk adds the whole 3h at P90 (it fires in half the trials); restore's fast case
    // saves about 50 m, dns's about 5 m.
    assert_eq!(names, ["corrupt-backup", "restore", "dns"]);
    assert!((drivers[0].p90_seconds - 3.0 * H).abs() < 0.1 * H);
    let sentence = rtosim::report::p90_sentence(drivers).expect("a sentence");
    assert!(
        sentence.starts_with("Of what can be funded, the corrupt-backup risk adds ")
            && sentence.contains("step “restore”"),
        "{sentence}"
    );
}

/// One ranking of what drives the RTO everywhere: the step table, the tornado chart and the
/// summary sentence agree, led by the P90 saving where it is measured. A trivially short step
/// that every recovery waits for (criticality 100%) does not lead: ranking by criticality put
/// it first.
#[test]
fn one_ranking_of_what_drives_the_rto_everywhere() {
    let text = r#"
rto-target = "3h"
[[step]]
id = "page"
duration = "1m"
[[step]]
id = "restore"
after = ["page"]
duration = { dist = "uniform", min = "1h", max = "3h" }
[[step]]
id = "dns"
after = ["restore"]
duration = { dist = "uniform", min = "10m", max = "20m" }
[[step]]
id = "sync"
after = ["page"]
duration = { dist = "uniform", min = "1h", max = "2h" }
[[risk]]
name = "slow-api"
p = 0.3
hits = ["dns"]
delay = "20m"
"#;
    let p = plan(text);
    for drivers in [false, true] {
        let a = analysis(&p, 4_000, drivers);
        let r = &a.summary;
        let ranked: Vec<&str> = rtosim::report::ranking::ranked_steps(r)
            .iter()
            .map(|s| s.id.as_str())
            .collect();
        // restore moves the RTO most (and, measured, its fast case saves most at P90); page
        // is always critical but takes a fixed minute, so it comes last.
        assert_eq!(ranked.len(), 4);
        assert_eq!(ranked[0], "restore", "drivers {drivers}");
        assert_eq!(ranked[3], "page", "drivers {drivers}");
        let page = r.steps.iter().find(|s| s.id == "page").unwrap();
        assert!(r.steps.iter().all(|s| s.criticality <= page.criticality));
        if drivers {
            let saving = rtosim::report::ranking::p90_saving(r, "restore").unwrap();
            assert!(saving > 3_000.0, "{saving}");
        } else {
            assert!(rtosim::report::ranking::p90_saving(r, "restore").is_none());
        }
        assert_eq!(
            rtosim::report::narrative::top_driver(r).unwrap().id,
            "restore"
        );
        let table = rtosim::report::sections::steps(r);
        let rows: Vec<&str> = table.rows.iter().map(|row| row[0].as_str()).collect();
        assert_eq!(rows, ranked);
        let tornado = rtosim::chart::spec::tornado(r);
        let bars: Vec<&str> = tornado.drivers.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(bars, ranked);
        let text = rtosim::report::render_text(r);
        let at = |id: &str| text.find(&format!("\n  {id} ")).unwrap_or(usize::MAX);
        assert!(
            at(ranked[0]) < at(ranked[1]) && at(ranked[2]) < at(ranked[3]),
            "{text}"
        );
    }
}
