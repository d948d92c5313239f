//! Plans with recorded timings: `timings` globs, `{ dist = "recorded" }`, retries from failure
//! shares, and the "Recorded timings" section of `check`.

mod common;

use common::{rtosim, stderr, stdout};
use rtosim::dist::Dist;
use rtosim::fit::ModelKind;
use rtosim::import::{Observation, Outcome};
use rtosim::plan::{Diagnostic, Format, Severity, parse_plan, parse_plan_with_observations};

fn obs(step: &str, minutes: f64, outcome: Outcome, drill: Option<&str>) -> Observation {
    Observation {
        step: step.to_string(),
        duration_seconds: minutes * 60.0,
        outcome,
        drill: drill.map(str::to_string),
        source: "test".to_string(),
        started: None,
        ended: None,
        step_at: None,
    }
}

const PLAN: &str = r#"
timings = ["drills/*.csv"]
[[step]]
id = "vpc"
[[step]]
id = "db"
after = ["vpc"]
duration = { dist = "recorded", model = "empirical" }
retry = { p = 0.5, max = 1 }
[[step]]
id = "dns"
duration = "20m"
"#;

fn observations() -> Vec<Observation> {
    use Outcome::{Failed, Succeeded};
    let mut v = Vec::new();
    for (i, m) in [14.0, 15.0, 13.0, 18.0, 16.0, 14.5].iter().enumerate() {
        v.push(obs("vpc", *m, Succeeded, Some(["a", "b", "c"][i % 3])));
    }
    // Two failures in drill "a", one in "b": p = 3 / 9, max = 2 + 1.
    v.push(obs("vpc", 5.0, Failed, Some("a")));
    v.push(obs("vpc", 6.0, Failed, Some("a")));
    v.push(obs("vpc", 4.0, Failed, Some("b")));
    for m in [60.0, 75.0, 62.0, 90.0, 70.0, 66.0] {
        v.push(obs("db", m, Succeeded, None));
    }
    v.push(obs("db", 30.0, Failed, None));
    v.push(obs("dns", 25.0, Succeeded, None));
    v.push(obs("vcp", 10.0, Succeeded, None));
    v
}

fn errors(result: Result<rtosim::plan::LoadedPlan, Vec<Diagnostic>>) -> Vec<String> {
    match result {
        Ok(_) => panic!("the plan should be rejected"),
        Err(d) => d
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| format!("{} | {}", d.message, d.hint.unwrap_or_default()))
            .collect(),
    }
}

#[test]
fn steps_are_modelled_from_their_observations() {
    let loaded = parse_plan_with_observations(PLAN, Format::Toml, "p", &observations()).unwrap();
    let plan = &loaded.plan;
    // vpc: no duration, 6 successes: a fitted family, and the retry from the failure share.
    let vpc = &plan.steps[0];
    let r = vpc.recorded.as_ref().unwrap();
    assert_eq!((r.attempts, r.failures, r.drills), (9, 3, 3));
    let model = r.model.as_ref().unwrap();
    assert!(matches!(model.kind, ModelKind::Fitted(_)), "{model:?}");
    assert_eq!(vpc.duration, model.dist);
    let retry = vpc.retry.unwrap();
    assert!((retry.p - 3.0 / 9.0).abs() < 1e-12);
    assert_eq!(retry.max, 3);
    assert!(r.retry_from_failures);
    // db: resampled as recorded, and its own retry is kept.
    let db = &plan.steps[1];
    assert!(matches!(&db.duration, Dist::Empirical { samples } if samples.len() == 6));
    assert_eq!(db.retry.unwrap().p, 0.5);
    assert!(!db.recorded.as_ref().unwrap().retry_from_failures);
    // dns: its duration is given; the observation is shown but not used.
    let dns = &plan.steps[2];
    assert_eq!(dns.duration, Dist::Fixed(1200.0));
    assert!(dns.recorded.as_ref().unwrap().model.is_none());
    // The observation of an unknown step is a warning with a suggestion.
    let w: Vec<&Diagnostic> = loaded.warnings.iter().collect();
    assert!(
        w.iter().any(|d| d.message.contains("unknown step \"vcp\"")
            && d.hint.as_deref() == Some("did you mean \"vpc\"?")),
        "{w:?}"
    );
}

#[test]
fn recorded_durations_need_observations_and_sound_keys() {
    // Without the timings files (pure parsing), a recorded step has nothing to model.
    let e = errors(parse_plan(PLAN, Format::Toml, "p"));
    assert!(
        e.iter()
            .any(|m| m.starts_with("step \"db\" has a recorded duration but no recorded timings")),
        "{e:?}"
    );
    assert!(
        e.iter()
            .any(|m| m.starts_with("step \"vpc\" has no duration")),
        "{e:?}"
    );

    let bad = r#"
        [[step]]
        id = "a"
        duration = { dist = "recorded", min = "5m" }
        [[step]]
        id = "b"
        duration = { dist = "recorded", model = "fited" }
        [[step]]
        id = "c"
        duration = { dist = "pert", min = "1m", mode = "2m", max = "3m", model = "empirical" }
        [[step]]
        id = "d"
        duration = { dist = "recorded" }
        [[step]]
        id = "e"
        duration = { dist = "recordd" }
    "#;
    let all: Vec<Observation> = ["a", "b", "c", "d"]
        .iter()
        .map(|s| obs(s, 5.0, Outcome::Failed, None))
        .collect();
    let e = errors(parse_plan_with_observations(bad, Format::Toml, "p", &all));
    let expected = [
        "`min` does not apply to a recorded distribution (step \"a\")",
        "step \"b\" has unknown recorded model \"fited\" | did you mean \"fitted\"?",
        "`model` applies only to dist = \"recorded\" (step \"c\")",
        "every recorded attempt of step \"d\" failed (1 of 1), so there is no duration to model",
        "step \"e\" has unknown distribution \"recordd\" | did you mean \"recorded\"?",
    ];
    for x in expected {
        assert!(e.iter().any(|m| m.starts_with(x)), "missing {x:?} in {e:?}");
    }
}

#[test]
fn timings_files_are_read_relative_to_the_plan() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("drills")).unwrap();
    std::fs::write(
        dir.path().join("drills/gd-1.csv"),
        "step,duration,outcome,drill\nvpc,14m,,gd-1\ndb,1h,,gd-1\ndns,20m,,gd-1\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("drills/gd-2.csv"),
        "step,started,ended,drill\nvpc,2024-03-02T10:00:00Z,2024-03-02T10:16:00Z,gd-2\ndb,2024-03-02T10:16:00Z,2024-03-02T11:20:00Z,gd-2\n",
    )
    .unwrap();
    let plan = dir.path().join("plan.toml");
    std::fs::write(&plan, PLAN.replace("retry = { p = 0.5, max = 1 }\n", "")).unwrap();
    let out = rtosim(&["check", plan.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("Recorded timings (2 steps modelled from observations):"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("vpc") && l.contains("predictive")),
        "{text}"
    );
    assert!(
        text.contains("warning: vpc: only 2 successful observations"),
        "{text}"
    );
    assert!(
        text.contains("dns") && text.contains("(observations not used)"),
        "{text}"
    );

    // A broken drill log stops the plan with the file and line, placed at the timings entry.
    std::fs::write(
        dir.path().join("drills/gd-3.csv"),
        "step,started,ended\nvpc,2024-03-02T10:00:00Z,yesterday\n",
    )
    .unwrap();
    let out = rtosim(&["check", plan.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("drills/gd-3.csv:2:26: step \"vpc\" ended: \"yesterday\" is not a timestamp"),
        "{err}"
    );
    assert!(
        err.contains("plan.toml:2:"),
        "placed at the timings key: {err}"
    );
    assert!(err.contains("hint: write timestamps as RFC 3339"), "{err}");

    // A pattern that matches nothing is a warning; a malformed one an error.
    std::fs::remove_file(dir.path().join("drills/gd-3.csv")).unwrap();
    std::fs::write(
        &plan,
        PLAN.replace("[\"drills/*.csv\"]", "[\"drills/*.csv\", \"old/*.csv\"]"),
    )
    .unwrap();
    let out = rtosim(&["check", plan.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("warning: timings pattern \"old/*.csv\" matches no files"));
    std::fs::write(
        &plan,
        PLAN.replace("[\"drills/*.csv\"]", "[\"drills/[*.csv\"]"),
    )
    .unwrap();
    let out = rtosim(&["check", plan.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is not a valid glob"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_bundled_recorded_plan_shows_its_evidence() {
    let out = rtosim(&["check", "scenarios/recorded-rebuild.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let table = &text[text.find("Recorded timings").expect("the section")..];
    let row = |id: &str| {
        table
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{id} ")))
            .unwrap_or_else(|| panic!("no row for {id}: {text}"))
            .to_string()
    };
    // vpc: 3 game days and 14 pipeline runs, one failed: fitted, with a KS distance and a retry.
    let vpc = row("vpc");
    assert!(
        vpc.contains(" 17 ") && vpc.contains("from failures"),
        "{vpc}"
    );
    assert!(
        ["lognormal", "gamma", "weibull"]
            .iter()
            .any(|f| vpc.contains(f)),
        "{vpc}"
    );
    assert!(row("access-roles").contains("predictive"));
    assert!(
        row("orders-db-restore").contains("p 0.08, max 1"),
        "the plan's own retry wins"
    );
    assert!(row("ecs-cluster").contains("estimate"));
    assert!(text.contains("warning: access-roles: only 2 successful observations"));
    assert!(text.contains("warning: ecs-cluster: no recorded timings"));
}

#[test]
fn zero_second_timings_are_kept_at_half_the_resolution() {
    // Terragrunt's CSV report has whole seconds: a fast unit is 0 s. The plan keeps it as an
    // observation (with one warning about resolution) instead of saying the file has no line
    // for the step.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("obs.csv"),
        "step,started,ended,duration,outcome,drill,source\n\
         dns,2025-06-05T20:28:41Z,2025-06-05T20:28:41Z,0,succeeded,,report.csv\n\
         vpc,2025-06-05T20:28:41Z,2025-06-05T20:31:02Z,141,succeeded,,report.csv\n",
    )
    .unwrap();
    let plan = dir.path().join("plan.toml");
    std::fs::write(
        &plan,
        "timings = [\"obs.csv\"]\n[[step]]\nid = \"dns\"\nduration = { dist = \"recorded\" }\n[[step]]\nid = \"vpc\"\nafter = [\"dns\"]\n",
    )
    .unwrap();
    let out = rtosim(&["check", plan.to_str().unwrap()]);
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert_eq!(out.status.code(), Some(0), "{all}");
    assert!(!all.contains("no recorded timings"), "{all}");
    assert!(!all.contains("took no time"), "{all}");
    assert!(
        all.contains(
            "1 attempt took 0 s (line 2); under the file's 1 s resolution, each is read as 0.5 s"
        ),
        "{all}"
    );
}

#[test]
fn every_bad_line_of_a_drill_log_is_reported_without_follow_on_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("drill.csv"),
        "step,duration,outcome\nvpc,10m,\nvpc,ten,\ndb,5m,maybe\ndb,six,\n",
    )
    .unwrap();
    let plan = dir.path().join("plan.toml");
    std::fs::write(
        &plan,
        "timings = [\"drill.csv\"]\n[[step]]\nid = \"vpc\"\nduration = { dist = \"recorded\" }\n[[step]]\nid = \"db\"\nafter = [\"vpc\"]\n",
    )
    .unwrap();
    let out = rtosim(&["check", plan.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    for expected in [
        "drill.csv:3:5: step \"vpc\" duration: \"ten\" is not a time",
        "drill.csv:4:7: step \"db\" has unknown outcome \"maybe\"",
        "drill.csv:5:4: step \"db\" duration: \"six\" is not a time",
    ] {
        assert!(err.contains(expected), "{expected}: {err}");
    }
    assert!(err.contains("3 errors found"), "{err}");
    // db is named only on bad lines: no extra "has no duration" error for it; vpc has a sound
    // line, so it is not said to lack timings either.
    assert!(!err.contains("has no duration"), "{err}");
    assert!(!err.contains("no recorded timings"), "{err}");
}
