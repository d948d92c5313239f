//! `calibrate`: drills generated from the plan itself land uniformly in the forecast; a slow
//! drill lands above P90; replays reproduce the schedule; the CLI on the bundled drills.

mod common;

use common::{rtosim, stderr, stdout};
use rtosim::calibrate::{CalibrationReport, Drill, Flag, Method, calibrate, group_drills};
use rtosim::import::{Observation, Outcome, drill_csv, observations_csv};
use rtosim::plan::{Format, Plan, parse_plan};
use rtosim::sim::{self, Model, Policy, RandomSampler, RunConfig, Sampler};

const PLAN: &str = r#"
[teams]
platform = 2
dba = 1
[limits]
restores = 1
[[step]]
id = "vpc"
team = "platform"
duration = { dist = "lognormal", p50 = "15m", p90 = "25m" }
retry = { p = 0.2, max = 2 }
[[step]]
id = "iam"
team = "platform"
duration = { dist = "pert", min = "10m", mode = "20m", max = "50m" }
[[step]]
id = "db-a"
after = ["vpc"]
team = "dba"
hands-on = "10m"
uses = { restores = 1 }
duration = { dist = "lognormal", p50 = "1h", p90 = "2h" }
[[step]]
id = "db-b"
after = ["vpc"]
team = "dba"
hands-on = "10m"
uses = { restores = 1 }
duration = { dist = "uniform", min = "30m", max = "1h30m" }
[[step]]
id = "app"
after = ["db-a", "db-b", "iam"]
team = "platform"
duration = { dist = "triangular", min = "10m", mode = "15m", max = "40m" }
"#;

fn setup(trials: u64) -> (Plan, Model, RunConfig, sim::RunResult) {
    let plan = parse_plan(PLAN, Format::Toml, "p").unwrap().plan;
    let model = Model::compile(&plan, &plan.everything_lost(), Policy::Lft);
    let config = RunConfig {
        trials,
        seed: 7,
        threads: 1,
    };
    let result = sim::run(&model, &config, &|_| {}).unwrap();
    (plan, model, config, result)
}

fn at(seconds: f64) -> jiff::Timestamp {
    let t0: jiff::Timestamp = "2025-01-01T00:00:00Z".parse().unwrap();
    t0.checked_add(jiff::SignedDuration::from_secs_f64(seconds))
        .unwrap()
}

/// Trial `trial` under `seed`, written as a drill log with timestamps and read back.
fn stamped_drill(plan: &Plan, model: &Model, seed: u64, trial: u64) -> (Drill, f64) {
    let state = sim::replay(model, seed, trial);
    let label = format!("drill-{trial}");
    let obs: Vec<Observation> = (0..model.len())
        .map(|c| {
            let id = &plan.steps[model.steps[c].plan_index as usize].id;
            Observation::timed(
                id,
                at(state.start[c]),
                at(state.finish[c]),
                Outcome::Succeeded,
                Some(&label),
                "generated",
            )
        })
        .collect();
    let csv = observations_csv(&obs).unwrap();
    let back = drill_csv::parse(&csv, "generated.csv").unwrap();
    let drills = group_drills(&[("generated.csv".to_string(), back.observations)]);
    assert_eq!(drills.len(), 1);
    (drills.into_iter().next().unwrap(), state.rto)
}

/// The step times of trial `trial`, durations only: failed attempts as one failed observation.
fn duration_drill(plan: &Plan, model: &Model, seed: u64, trial: u64) -> Drill {
    let mut obs = Vec::new();
    for c in 0..model.len() {
        let step = &model.steps[c];
        let id = &plan.steps[step.plan_index as usize].id;
        let t = RandomSampler::new(seed, trial).time(step);
        let o = |seconds: f64, outcome| Observation {
            step: id.clone(),
            duration_seconds: seconds,
            outcome,
            drill: Some("d".into()),
            source: "generated".into(),
            started: None,
            ended: None,
            step_at: None,
        };
        if t.failures > 0 {
            obs.push(o(t.lead, Outcome::Failed));
        }
        obs.push(o(t.length, Outcome::Succeeded));
    }
    Drill {
        label: "d".into(),
        observations: obs,
    }
}

fn report(drills: &[Drill], trials: u64) -> CalibrationReport {
    let (plan, model, config, result) = setup(trials);
    calibrate(
        &plan,
        &plan.everything_lost(),
        &model,
        &config,
        &result,
        drills,
    )
}

/// Kolmogorov-Smirnov distance of values in [0, 1] from the uniform distribution.
fn ks_uniform(mut p: Vec<f64>) -> f64 {
    p.sort_by(f64::total_cmp);
    let n = p.len() as f64;
    p.iter()
        .enumerate()
        .map(|(i, &x)| (x - i as f64 / n).abs().max(((i + 1) as f64 / n - x).abs()))
        .fold(0.0, f64::max)
}

#[test]
fn drills_generated_from_the_plan_land_uniformly() {
    let (plan, model, _, _) = setup(1);
    const DRILLS: u64 = 150;
    let mut drills = Vec::new();
    for i in 0..DRILLS {
        let (drill, rto) = stamped_drill(&plan, &model, 99, i);
        drills.push((drill, rto));
    }
    let only: Vec<Drill> = drills.iter().map(|d| d.0.clone()).collect();
    let r = report(&only, 4_000);
    for (d, (_, rto)) in r.drills.iter().zip(&drills) {
        assert_eq!(d.method, Method::Timestamps);
        // The wall time of a generated drill is the trial's RTO (microsecond timestamps).
        assert!(
            (d.actual_rto_seconds - rto).abs() < 1e-3,
            "{} vs {rto}",
            d.actual_rto_seconds
        );
        assert!(d.untimed_steps.is_empty() && d.ignored_steps.is_empty());
    }
    // At the 1 % level the KS critical value for n = 150 is 1.63 / sqrt(150) = 0.133.
    let critical = 1.63 / (DRILLS as f64).sqrt();
    let rto_ks = ks_uniform(r.drills.iter().map(|d| d.percentile).collect());
    assert!(
        rto_ks < critical,
        "RTO percentiles are not uniform: KS {rto_ks}"
    );
    // Each step's percentiles too.
    for s in 0..model.len() {
        let p: Vec<f64> = r.drills.iter().map(|d| d.steps[s].percentile).collect();
        let ks = ks_uniform(p);
        assert!(
            ks < critical,
            "step {} percentiles: KS {ks}",
            r.drills[0].steps[s].id
        );
    }
    // Coverage near 80 %: the binomial standard error is sqrt(0.16 / 150) = 0.033.
    let c = r.coverage.unwrap();
    assert_eq!(c.drills, 150);
    let share = c.inside_p10_p90 as f64 / 150.0;
    assert!((share - 0.8).abs() < 4.0 * 0.033, "coverage {share}");
}

#[test]
fn a_drill_known_only_by_durations_is_replayed_through_the_schedule() {
    let (plan, model, _, _) = setup(1);
    let drills: Vec<Drill> = (0..20)
        .map(|i| duration_drill(&plan, &model, 5, i))
        .collect();
    let r = report(&drills, 2_000);
    for (i, d) in r.drills.iter().enumerate() {
        assert_eq!(d.method, Method::Replayed);
        let want = sim::replay(&model, 5, i as u64).rto;
        assert!(
            (d.actual_rto_seconds - want).abs() < 1e-6,
            "drill {i}: replayed {} vs trial {want}",
            d.actual_rto_seconds
        );
    }
    // A drill that timed only some steps replays the rest at their mean, and says so.
    let mut partial = drills[0].clone();
    partial.observations.retain(|o| o.step != "iam");
    partial.observations.push(Observation {
        step: "not-in-plan".into(),
        ..partial.observations[0].clone()
    });
    let r = report(&[partial], 2_000);
    assert_eq!(r.drills[0].untimed_steps, ["iam"]);
    assert_eq!(r.drills[0].ignored_steps, ["not-in-plan"]);
    assert!(r.coverage.is_none(), "one drill has no coverage");
}

#[test]
fn a_slow_drill_lands_above_p90_with_its_steps_flagged() {
    let (plan, model, _, _) = setup(2_000);
    // First learn the forecast bands, then build a drill where every step takes twice its P90.
    let probe = report(&[duration_drill(&plan, &model, 1, 0)], 2_000);
    let slow: Vec<Observation> = probe.drills[0]
        .steps
        .iter()
        .map(|s| Observation {
            step: s.id.clone(),
            duration_seconds: 2.0 * s.forecast_seconds.p90,
            outcome: Outcome::Succeeded,
            drill: Some("slow".into()),
            source: "test".into(),
            started: None,
            ended: None,
            step_at: None,
        })
        .collect();
    let r = report(
        &[Drill {
            label: "slow".into(),
            observations: slow,
        }],
        2_000,
    );
    let d = &r.drills[0];
    assert!(d.percentile > 0.9, "percentile {}", d.percentile);
    assert_eq!(d.flag, Flag::Slow);
    assert!(d.actual_rto_seconds > r.forecast_rto_seconds.p90);
    assert!(
        d.steps
            .iter()
            .all(|s| s.flag == Flag::Slow && s.percentile > 0.9)
    );
}

#[test]
fn calibrate_cli_on_the_bundled_drills() {
    let args = [
        "calibrate",
        "scenarios/recorded-rebuild.toml",
        "--actual",
        "scenarios/drills/gd-2024-03.csv",
        "scenarios/drills/gd-2024-09.csv",
        "--actual",
        "scenarios/drills/gd-2025-02.csv",
        "--trials",
        "3000",
    ];
    let out = rtosim(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Forecast RTO: P10"), "{text}");
    assert!(
        text.contains("actual RTOs inside the forecast P10 to P90"),
        "{text}"
    );
    assert!(text.contains("replayed from durations"), "{text}");
    assert!(
        stderr(&out).contains("the forecast already learned from it"),
        "{}",
        stderr(&out)
    );

    let mut json_args = args.to_vec();
    json_args.push("--json");
    let out = rtosim(&json_args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["drills"].as_array().unwrap().len(), 3);
    assert_eq!(v["coverage"]["drills"], 3);
    let d0 = &v["drills"][0];
    assert_eq!(d0["drill"], "gd-2024-03");
    assert_eq!(d0["method"], "timestamps");
    let p = d0["percentile"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&p));
    assert!(d0["steps"][0]["forecast_seconds"]["p90"].as_f64().unwrap() > 0.0);

    // Bad input: a missing file and a malformed log are input errors.
    let out = rtosim(&[
        "calibrate",
        "scenarios/recorded-rebuild.toml",
        "--actual",
        "scenarios/drills/nope.csv",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read scenarios/drills/nope.csv"));
    let out = rtosim(&[
        "calibrate",
        "scenarios/recorded-rebuild.toml",
        "--actual",
        "scenarios/drills/terragrunt/report.csv",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("report.csv:1: no `step` column"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_unknown_step_is_an_error_with_did_you_mean() {
    let out = rtosim(&[
        "calibrate",
        "scenarios/recorded-rebuild.toml",
        "--actual",
        "tests/fixtures/calibrate/typo.csv",
        "--trials",
        "500",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(stdout(&out).is_empty());
    let err = stderr(&out);
    assert!(
        err.contains(
            "error: tests/fixtures/calibrate/typo.csv:4:1: step \"subnts\" is not in the plan (2 observations) (hint: did you mean \"subnets\"?)"
        ),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn every_bad_row_of_a_drill_log_is_reported_at_once() {
    let out = rtosim(&[
        "calibrate",
        "scenarios/recorded-rebuild.toml",
        "--actual",
        "tests/fixtures/calibrate/bad-rows.csv",
        "--trials",
        "500",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(
        lines[0].starts_with(
            "error: tests/fixtures/calibrate/bad-rows.csv:3:9: step \"subnets\" duration:"
        ),
        "{err}"
    );
    assert!(
        lines[1].starts_with(
            "error: tests/fixtures/calibrate/bad-rows.csv:4:20: step \"security-groups\" has unknown outcome \"maybe\""
        ),
        "{err}"
    );
    assert!(lines.iter().all(|l| l.contains("(hint: ")), "{err}");
}

#[test]
fn a_drill_that_met_the_plans_own_risk_is_not_blamed_on_the_step() {
    // A 30 m step that a p = 0.2 risk delays by an hour: a 90 m drill is the plan's own 20 %
    // outcome, inside its forecast, not a slow outlier.
    let text = r#"
[[step]]
id = "restore"
duration = "30m"
[[step]]
id = "app"
after = ["restore"]
duration = { dist = "lognormal", p50 = "10m", p90 = "15m" }
[[risk]]
name = "slow-backup"
p = 0.2
hits = ["restore"]
delay = "1h"
[[factor]]
name = "new-account"
multiplier = { dist = "uniform", min = 1.0, max = 1.5 }
applies-to = ["app"]
"#;
    let plan = parse_plan(text, Format::Toml, "p").unwrap().plan;
    let scenario = plan.everything_lost();
    let model = Model::compile(&plan, &scenario, Policy::Lft);
    let config = RunConfig {
        trials: 5_000,
        seed: 3,
        threads: 1,
    };
    let result = sim::run(&model, &config, &|_| {}).unwrap();
    let obs = |step: &str, minutes: f64| Observation {
        step: step.into(),
        duration_seconds: minutes * 60.0,
        outcome: Outcome::Succeeded,
        drill: Some("gd".into()),
        source: "test".into(),
        started: None,
        ended: None,
        step_at: None,
    };
    let drill = Drill {
        label: "gd".into(),
        observations: vec![obs("restore", 90.0), obs("app", 20.0)],
    };
    let r = calibrate(&plan, &scenario, &model, &config, &result, &[drill]);
    let restore = &r.drills[0].steps[0];
    assert_eq!(restore.id, "restore");
    assert_eq!(restore.forecast_seconds.p50, 1800.0);
    assert_eq!(restore.forecast_seconds.p90, 5400.0);
    assert_eq!(restore.flag, Flag::Inside, "{restore:?}");
    assert!(!restore.outlier, "{restore:?}");
    assert!((restore.percentile - 0.9).abs() < 0.03, "{restore:?}");
    // The factor scales the step it applies to: 20 m is inside 10 m to 15 m times 1 to 1.5.
    let app = &r.drills[0].steps[1];
    assert!(app.forecast_seconds.p90 > 15.0 * 60.0 * 1.2, "{app:?}");
    assert!(!app.outlier, "{app:?}");
}

#[test]
fn a_drill_outside_the_scenario_is_an_error() {
    let out = rtosim(&[
        "calibrate",
        "tests/fixtures/calibrate/two-systems.toml",
        "--actual",
        "tests/fixtures/calibrate/db-drill.csv",
        "--scenario",
        "web-only",
        "--trials",
        "200",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "drill \"gd-db\" times no step of scenario \"web-only\" (it times \"db-restore\")"
        ),
        "{err}"
    );
    assert!(
        err.contains("hint: calibrate against the scenario"),
        "{err}"
    );
}
