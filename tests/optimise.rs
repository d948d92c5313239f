//! `rtosim optimise`: on PSPLIB j30 with fixed durations the found order is never below the
//! optimum and close to it; the order written with `-o` reproduces the makespan through
//! `simulate --policy priority`; with random durations a constructed case where lft is poor
//! for P90 is improved with an interval that excludes 0; objectives of milestones and tiers
//! (`urgent:p90`, `tier1:p(meet)`) and the chance of meeting the plan's objective match
//! their closed forms; bad input is refused.

mod common;
mod j30;

use std::time::{Duration, Instant};

use common::rtosim;

use rtosim::optimise::{Objective, OptimiseOptions, OptimiseReport, SearchLimits, Stop, optimise};
use rtosim::plan::Plan;
use rtosim::sim::{Model, Policy, deterministic};

/// Optimises the makespan of `plan`'s default scenario with a budget of schedules.
fn optimise_makespan(plan: &Plan, evaluations: u64, seed: u64) -> OptimiseReport {
    let options = OptimiseOptions {
        objective: Objective::Quantile(0.9),
        seed,
        trials: 1,
        confirm_trials: 1,
        limits: SearchLimits {
            evaluations,
            stall: 200,
        },
        non_delay: false,
    };
    optimise(plan, &plan.default_scenario(), &options, &|_, _| true)
}

/// The plan text with its order as `priority` (and strict when the search says).
fn with_order(text: &str, report: &OptimiseReport) -> String {
    rtosim::optimise::edit::with_priority(text, &report.order, report.strict, "test").unwrap()
}

#[test]
#[expect(
    clippy::print_stdout,
    reason = "the measured gap is worth seeing in the test log"
)]
fn j30_orders_are_never_below_the_optimum_and_close_to_it() {
    let all = j30::instances();
    assert_eq!(all.len(), 96, "the test instances are missing");
    // Every eighth instance: each parameter group of the data is represented.
    let sample: Vec<_> = all.iter().step_by(8).collect();
    let (mut ours, mut lft) = (Vec::new(), Vec::new());
    for (name, text, best) in &sample {
        let plan = j30::plan(text, name);
        let report = optimise_makespan(&plan, 6_000, 1);
        let makespan = report.results[0].confirmed_seconds.value;
        assert!(
            makespan >= *best,
            "{name}: {makespan} beats the optimum {best}"
        );
        assert_eq!(
            makespan, report.results[0].searched_seconds,
            "{name}: fixed durations"
        );
        let bound = report
            .lower_bound_seconds
            .expect("fixed durations have a bound");
        assert!(
            bound <= *best,
            "{name}: the lower bound {bound} is above the optimum {best}"
        );
        if report.stopped == Stop::Optimal {
            assert_eq!(
                makespan, *best,
                "{name}: met its lower bound, so it is optimal"
            );
        }
        // The written order, simulated under --policy priority, gives the same makespan.
        let written = j30::plan(&with_order(text, &report), name);
        let model = Model::compile(&written, &written.default_scenario(), Policy::Priority);
        assert_eq!(
            deterministic(&model).rto,
            makespan,
            "{name}: the written order"
        );
        let model = Model::compile(&plan, &plan.default_scenario(), Policy::Lft);
        lft.push(deterministic(&model).rto / best - 1.0);
        ours.push(makespan / best - 1.0);
    }
    let mean = |v: &[f64]| 100.0 * v.iter().sum::<f64>() / v.len() as f64;
    println!(
        "j30 sample of {}: mean gap {:.2}% optimised (6000 schedules each), {:.2}% lft",
        sample.len(),
        mean(&ours),
        mean(&lft)
    );
    assert!(mean(&ours) <= 1.0, "mean gap {:.2}%", mean(&ours));
    assert!(mean(&ours) < mean(&lft));
}

/// The full j30 figure at a time budget per instance, for the closing note; slow, so ignored:
/// `RTOSIM_J30_SECONDS=10 cargo test --release --test optimise -- --ignored --nocapture`;
/// with `RTOSIM_J30_NON_DELAY=1`, the best non-delay orders (`--non-delay`).
#[test]
#[ignore = "a measurement, minutes long"]
#[expect(clippy::print_stdout, reason = "the measurement is the output")]
fn measure_the_j30_gap() {
    let seconds: f64 = std::env::var("RTOSIM_J30_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10.0);
    let options = OptimiseOptions {
        objective: Objective::Quantile(0.9),
        seed: 1,
        trials: 1,
        confirm_trials: 1,
        limits: SearchLimits {
            evaluations: u64::MAX,
            stall: u64::MAX,
        },
        non_delay: std::env::var_os("RTOSIM_J30_NON_DELAY").is_some(),
    };
    let (mut gaps, mut optimal, mut schedules) = (Vec::new(), 0, 0);
    for (name, text, best) in j30::instances() {
        let plan = j30::plan(&text, &name);
        let started = Instant::now();
        let limit = Duration::from_secs_f64(seconds);
        let report = optimise(&plan, &plan.default_scenario(), &options, &|_, _| {
            started.elapsed() < limit
        });
        let makespan = report.results[0].confirmed_seconds.value;
        assert!(makespan >= best);
        gaps.push(makespan / best - 1.0);
        optimal += usize::from(makespan == best);
        schedules += report.evaluations;
        println!(
            "{name}: {} vs optimum {} ({:.2}%), {} schedules, {:?}, {:.1}s",
            makespan / 60.0,
            best / 60.0,
            100.0 * (makespan / best - 1.0),
            report.evaluations,
            report.stopped,
            started.elapsed().as_secs_f64()
        );
    }
    println!(
        "j30: mean gap {:.3}% over {} instances, {} optimal, {} schedules in all, {seconds}s each at most",
        100.0 * gaps.iter().sum::<f64>() / gaps.len() as f64,
        gaps.len(),
        optimal,
        schedules
    );
}

/// A plan where lft is poor for P90: two groups, two fixed two-hour steps each with a short
/// check after it (so lft ranks them first), and a step with a heavy tail and no successor,
/// which lft ranks last. Started last it adds its whole tail to the RTO; started first its tail
/// overlaps the fixed work.
const LFT_POOR_AT_P90: &str = r#"
name = "a heavy tail lft starts last"
[teams]
ops = 2

[[step]]
id = "a"
team = "ops"
duration = "2h"

[[step]]
id = "a-check"
after = ["a"]
duration = "10m"

[[step]]
id = "b"
team = "ops"
duration = "2h"

[[step]]
id = "b-check"
after = ["b"]
duration = "10m"

[[step]]
id = "v"
team = "ops"
duration = { dist = "lognormal", p50 = "20m", p90 = "3h" }
"#;

/// Writes `text` as `name` in a fresh directory.
fn write_plan(name: &str, text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

fn json(out: &std::process::Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_heavy_tail_lft_starts_last_is_started_first_with_an_interval_that_excludes_zero() {
    let (_dir, path) = write_plan("plan.toml", LFT_POOR_AT_P90);
    let out = rtosim(&[
        "optimise",
        path.to_str().unwrap(),
        "--budget",
        "300",
        "--trials",
        "400",
        "--confirm-trials",
        "20000",
        "--json",
    ]);
    let r = json(&out);
    let results = r["results"].as_array().unwrap();
    assert_eq!(results[1]["name"], "lft");
    let d = &results[1]["difference_seconds"];
    // Analytically: lft gives 2h + V, so P90 = 5h; starting v first gives max(V, 4h10) or
    // V + 2h10, whose P90 is 4h10: 50 minutes less.
    assert!(d["high"].as_f64().unwrap() < 0.0, "{d}");
    let ours = results[0]["confirmed_seconds"]["value"].as_f64().unwrap();
    assert!((ours - 4.0 * 3600.0 - 600.0).abs() < 120.0, "P90 {ours}");
    let lft = results[1]["confirmed_seconds"]["value"].as_f64().unwrap();
    assert!((lft - 5.0 * 3600.0).abs() < 600.0, "lft P90 {lft}");
    let order: Vec<&str> = r["order"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    // v starts at once, beside one of the fixed steps (which one does not matter).
    let at = |id: &str| order.iter().position(|&s| s == id).unwrap();
    assert!(at("v") < at("a").max(at("b")), "{order:?}");
}

/// The makespan `simulate --policy priority` gives the plan at `path` (fixed durations: one
/// trial is every trial).
fn priority_makespan(path: &std::path::Path) -> f64 {
    let sim = json(&rtosim(&[
        "simulate",
        path.to_str().unwrap(),
        "--policy",
        "priority",
        "--trials",
        "1",
        "--no-costs",
        "--json",
    ]));
    sim["rto_seconds"]["max"].as_f64().unwrap()
}

#[test]
fn the_written_order_reproduces_the_makespan_through_simulate_and_keeps_the_plan_as_written() {
    let (name, text, best) = j30::instances().swap_remove(5);
    let commented = format!("# {name}, PSPLIB j30\nname = \"{name}\" # the instance\n\n{text}");
    let (dir, path) = write_plan("plan.toml", &commented);
    let out_path = dir.path().join("ordered.toml");
    let r = json(&rtosim(&[
        "optimise",
        path.to_str().unwrap(),
        "--budget",
        "2000",
        "-o",
        out_path.to_str().unwrap(),
        "--json",
    ]));
    let makespan = r["results"][0]["confirmed_seconds"]["value"]
        .as_f64()
        .unwrap();
    assert!(makespan >= best);
    let written = std::fs::read_to_string(&out_path).unwrap();
    assert!(
        written.starts_with(&format!(
            "# {name}, PSPLIB j30\nname = \"{name}\" # the instance\n\n# Dispatch order"
        )),
        "{written}"
    );
    assert!(written.contains("priority = [\n    \"j1\",\n"), "{written}");
    // Everything but the new keys is as it was.
    let without: String = written
        .split_inclusive('\n')
        .filter(|l| !l.starts_with("priority") && !l.starts_with("    \"") && *l != "]\n")
        .filter(|l| !l.starts_with("# Dispatch order"))
        .collect();
    assert_eq!(without.replacen("\n\n\n", "\n\n", 1), commented);
    assert_eq!(
        priority_makespan(&out_path),
        makespan,
        "simulate --policy priority of the written plan"
    );
    // The plan given is never overwritten.
    let refused = rtosim(&[
        "optimise",
        path.to_str().unwrap(),
        "--budget",
        "50",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert_eq!(refused.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), commented);
}

/// `--non-delay` searches orders a crew follows without idling: the written plan has no
/// `priority-strict`, and `simulate --policy priority` (which dispatches whatever fits) gives
/// the makespan found, never below the optimum nor above lft's.
#[test]
fn a_non_delay_order_is_written_without_strict_and_reproduces_its_makespan() {
    let (_, text, best) = j30::instances().swap_remove(5);
    let (dir, path) = write_plan("plan.toml", &text);
    let out_path = dir.path().join("ordered.toml");
    let r = json(&rtosim(&[
        "optimise",
        path.to_str().unwrap(),
        "--budget",
        "2000",
        "--non-delay",
        "-o",
        out_path.to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(r["strict"], false, "{r}");
    let makespan = r["results"][0]["confirmed_seconds"]["value"]
        .as_f64()
        .unwrap();
    let lft = result(&r, "lft")["confirmed_seconds"]["value"]
        .as_f64()
        .unwrap();
    assert!(
        best <= makespan && makespan <= lft,
        "{best} {makespan} {lft}"
    );
    let written = std::fs::read_to_string(&out_path).unwrap();
    assert!(!written.contains("priority-strict"), "{written}");
    assert_eq!(priority_makespan(&out_path), makespan);
}

#[test]
fn the_same_seed_and_budget_give_the_same_order_at_any_thread_count() {
    let (_dir, path) = write_plan("plan.toml", LFT_POOR_AT_P90);
    let run = |threads: &str| {
        let out = assert_cmd::cargo_bin_cmd!("rtosim")
            .env("RAYON_NUM_THREADS", threads)
            .args([
                "optimise",
                path.to_str().unwrap(),
                "--budget",
                "200",
                "--trials",
                "200",
                "--confirm-trials",
                "2000",
                "--json",
            ])
            .output()
            .unwrap();
        json(&out)
    };
    assert_eq!(run("1"), run("2"));
}

#[test]
fn bad_input_is_refused_with_a_hint() {
    let (_dir, path) = write_plan("plan.toml", LFT_POOR_AT_P90);
    let p = path.to_str().unwrap();
    let cases: [(&[&str], &str); 4] = [
        (
            &["optimise", p, "--objective", "tier1:p90"],
            "names tier1, but no milestone has tier 1 (hint: the plan has no [[milestone]])",
        ),
        (
            &["optimise", p, "--objective", "fastest"],
            "is not an objective",
        ),
        (
            &["optimise", p, "--budget", "0"],
            "a budget of 0 schedules searches nothing",
        ),
        (
            &["simulate", p, "--policy", "priority"],
            "--policy priority needs a priority list",
        ),
    ];
    for (args, expected) in cases {
        let out = rtosim(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}

#[test]
fn a_priority_list_is_checked_step_by_step_at_its_line_and_column() {
    let cases = [
        (
            "priority = [\"a\", \"a-check\", \"b\", \"b-chek\", \"v\"]\n",
            "1:34",
            "priority names unknown step \"b-chek\"",
            "did you mean \"b-check\"",
        ),
        (
            "priority = [\"a\", \"a-check\", \"b\", \"v\"]\n",
            "1:12",
            "priority misses 1 step: b-check",
            "add the missing ids",
        ),
        (
            "priority = [\"a-check\", \"a\", \"b\", \"b-check\", \"v\"]\n",
            "1:13",
            "step \"a-check\" comes before \"a\", which it waits for",
            "move \"a-check\" after \"a\"",
        ),
        (
            "priority = [\"a\", \"a-check\", \"b\", \"b-check\", \"v\", \"v\"]\n",
            "1:50",
            "step \"v\" appears twice in priority",
            "already at position 5",
        ),
    ];
    for (line, at, message, hint) in cases {
        let (_dir, path) = write_plan("plan.toml", &format!("{line}{LFT_POOR_AT_P90}"));
        let out = rtosim(&["check", path.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(&format!("plan.toml:{at}")),
            "{line}: {stderr}"
        );
        assert!(stderr.contains(message), "{line}: {stderr}");
        assert!(stderr.contains(hint), "{line}: {stderr}");
    }
}

/// The optimised order's confirmed objective is not worse than the best baseline's beyond the
/// paired interval: its difference's interval reaches 0 or below.
fn never_worse_than_the_best_baseline(r: &serde_json::Value) {
    let results = r["results"].as_array().unwrap();
    let best = results[1..]
        .iter()
        .min_by(|a, b| {
            let v = |x: &serde_json::Value| x["confirmed_seconds"]["value"].as_f64().unwrap();
            v(a).total_cmp(&v(b))
        })
        .unwrap();
    let low = best["difference_seconds"]["low"].as_f64().unwrap();
    assert!(
        low <= 0.0,
        "worse than {}: {}",
        best["name"],
        best["difference_seconds"]
    );
}

#[test]
fn with_exponential_durations_the_order_is_never_worse_than_the_best_baseline() {
    let (name, text, _) = j30::instances().swap_remove(40);
    // PSPLIB's durations as the means of exponentials (the dummy start and end stay at 0).
    let random: String = text
        .lines()
        .map(|l| {
            match l
                .strip_prefix("duration = \"")
                .and_then(|d| d.strip_suffix('"'))
            {
                Some(d) if d != "0m" => {
                    format!("duration = {{ dist = \"exponential\", mean = \"{d}\" }}\n")
                }
                _ => format!("{l}\n"),
            }
        })
        .collect();
    assert!(random.contains("exponential"), "{name}");
    let (_dir, path) = write_plan("plan.toml", &random);
    for objective in ["p90", "mean"] {
        let r = json(&rtosim(&[
            "optimise",
            path.to_str().unwrap(),
            "--objective",
            objective,
            "--budget",
            "200",
            "--trials",
            "200",
            "--confirm-trials",
            "4000",
            "--json",
        ]));
        assert_eq!(r["fixed_durations"], false);
        never_worse_than_the_best_baseline(&r);
    }
}

#[test]
fn on_the_bundled_plan_the_order_is_never_worse_than_the_best_baseline() {
    let r = json(&rtosim(&[
        "optimise",
        "scenarios/aws-account-rebuild.toml",
        "--budget",
        "100",
        "--trials",
        "100",
        "--confirm-trials",
        "4000",
        "--json",
    ]));
    // So small a search (100 schedules on 100 trials) may pick an order that was lucky on its
    // sample: then the confirmation must say so, and name the baseline to keep.
    let results = r["results"].as_array().unwrap();
    let worse: Vec<&str> = results[1..]
        .iter()
        .filter(|c| c["difference_seconds"]["low"].as_f64().unwrap() > 0.0)
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    if worse.is_empty() {
        never_worse_than_the_best_baseline(&r);
        assert_ne!(r["verdict"]["kind"], "worse", "{}", r["verdict"]);
    } else {
        assert_eq!(r["verdict"]["kind"], "worse", "{}", r["verdict"]);
        assert!(worse.contains(&r["verdict"]["keep"].as_str().unwrap()));
    }
    // The plan has milestones with objectives: the deadline order is a baseline too.
    assert!(results.iter().any(|c| c["name"] == "deadline"));
}

/// One group; the playbook lists the urgent fix last, after three long steps whose order does
/// not change the RTO (one group does all the work, whatever the order). `base` (30 m) then
/// `urgent-fix` (30 m) reach milestone `urgent` at 1 h exactly when done first; `web` (30 m,
/// listed last) reaches `web-up`. Both are tier 1. `# urgent-target` and `# web-target` are
/// replaced by objectives where a test needs them.
const URGENT_LAST: &str = r#"
name = "urgent last"
[teams]
ops = 1

[[step]]
id = "base"
team = "ops"
duration = "30m"

[[step]]
id = "a"
team = "ops"
duration = { dist = "uniform", min = "1h", max = "3h" }

[[step]]
id = "b"
team = "ops"
duration = { dist = "uniform", min = "1h", max = "3h" }

[[step]]
id = "c"
team = "ops"
duration = { dist = "uniform", min = "1h", max = "3h" }

[[step]]
id = "urgent-fix"
team = "ops"
after = ["base"]
duration = "30m"

[[step]]
id = "web"
team = "ops"
duration = "30m"

[[milestone]]
name = "urgent"
needs = ["urgent-fix"]
tier = 1
# urgent-target

[[milestone]]
name = "web-up"
needs = ["web"]
tier = 1
# web-target
"#;

/// `URGENT_LAST` with objectives: urgent within 1 h, web-up within 1 h 30 m.
fn urgent_last_with_targets() -> String {
    URGENT_LAST
        .replace("# urgent-target", "rto-target = \"1h\"")
        .replace("# web-target", "rto-target = \"1h30m\"")
}

/// P90 of the sum of three uniforms on 1 h to 3 h, in seconds: 3 h + 2 h times the Irwin–Hall
/// quantile, whose upper tail is `(3 - x)³ / 6` on [2, 3].
fn p90_of_three_long_steps() -> f64 {
    (3.0 + 2.0 * (3.0 - 0.6_f64.cbrt())) * 3600.0
}

/// Runs `optimise PLAN --objective OBJECTIVE` with a small search and returns its JSON.
fn optimise_json(path: &std::path::Path, objective: &str, confirm: &str) -> serde_json::Value {
    json(&rtosim(&[
        "optimise",
        path.to_str().unwrap(),
        "--objective",
        objective,
        "--budget",
        "400",
        "--trials",
        "200",
        "--confirm-trials",
        confirm,
        "--json",
    ]))
}

/// The result named `name`.
fn result<'a>(r: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    r["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {r}"))
}

#[test]
fn a_milestone_the_playbook_delays_is_brought_forward_with_an_interval_that_excludes_zero() {
    let (_dir, path) = write_plan("plan.toml", URGENT_LAST);
    let trials = 4000.0_f64;
    let r = optimise_json(&path, "urgent:p90", "4000");
    assert_eq!(r["objective"], "urgent:p90");
    assert_eq!(r["higher_is_better"], false);
    // Done first, base and the fix reach urgent at 1 h in every trial.
    let ours = &result(&r, "optimised")["confirmed_seconds"];
    assert_eq!(ours["value"].as_f64().unwrap(), 3600.0, "{ours}");
    // Listed last (and lft ranks it last too: ties go by id), it waits for the three long
    // steps: 1 h plus their sum. The tolerance is four standard errors of the sample P90,
    // sqrt(p (1 - p) / n) / f, with the sum's density f = (3 - x)² / 2 / 2 h at the quantile.
    let x = 3.0 - 0.6_f64.cbrt();
    let se = (0.9 * 0.1 / trials).sqrt() / ((3.0 - x).powi(2) / 2.0 / 7200.0);
    for baseline in ["playbook", "lft"] {
        let c = result(&r, baseline);
        let theirs = c["confirmed_seconds"]["value"].as_f64().unwrap();
        let expected = 3600.0 + p90_of_three_long_steps();
        assert!(
            (theirs - expected).abs() < 4.0 * se,
            "{baseline}: P90 {theirs}, closed form {expected} (se {se})"
        );
        let d = &c["difference_seconds"];
        assert!(d["high"].as_f64().unwrap() < 0.0, "{baseline}: {d}");
        assert!(
            (d["value"].as_f64().unwrap() - (3600.0 - theirs)).abs() < 1e-6,
            "{d}"
        );
    }
    // No milestone has an objective: no deadline baseline, and the order beats both.
    assert!(r["results"].as_array().unwrap().len() == 3, "{r}");
    assert_eq!(r["verdict"]["kind"], "better", "{}", r["verdict"]);
    let order: Vec<&str> = r["order"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(&order[..2], ["base", "urgent-fix"], "{order:?}");
}

#[test]
fn the_chance_of_meeting_a_milestone_or_a_tier_reaches_one_where_the_playbook_gives_zero() {
    let (_dir, path) = write_plan("plan.toml", &urgent_last_with_targets());
    for objective in ["urgent:p(meet)", "tier1:p(meet)", "all:p(meet)"] {
        let r = optimise_json(&path, objective, "2000");
        assert_eq!(r["higher_is_better"], true);
        // Every trial met: no order can do better, so the search stops there.
        assert_eq!(r["stopped"], "optimal", "{objective}");
        let ours = &result(&r, "optimised");
        assert_eq!(ours["searched_share"], 1.0, "{objective}: {ours}");
        assert_eq!(ours["confirmed_share"]["value"], 1.0, "{objective}: {ours}");
        assert!(ours.get("confirmed_seconds").is_none(), "{ours}");
        // The playbook reaches urgent after the three long steps, at 4 h at least: never.
        for baseline in ["playbook", "lft"] {
            let c = result(&r, baseline);
            assert_eq!(c["confirmed_share"]["value"], 0.0, "{objective}: {c}");
            let d = &c["difference_share"];
            assert_eq!(
                (d["value"].as_f64(), d["low"].as_f64(), d["high"].as_f64()),
                (Some(1.0), Some(1.0), Some(1.0)),
                "{objective}: every trial discordant the same way: {d}"
            );
        }
        // The deadline order does the milestones first too: no better, and no worse.
        let deadline = result(&r, "deadline");
        assert_eq!(deadline["confirmed_share"]["value"], 1.0, "{deadline}");
        assert_eq!(r["verdict"]["kind"], "no-better", "{}", r["verdict"]);
    }
    // The latest of tier 1 in each trial: base, the fix and web first reach it at 1 h 30 m.
    let r = optimise_json(&path, "tier1:p90", "2000");
    assert_eq!(
        result(&r, "optimised")["confirmed_seconds"]["value"],
        5400.0,
        "{r}"
    );
    let playbook = result(&r, "playbook")["difference_seconds"]["high"]
        .as_f64()
        .unwrap();
    assert!(playbook < 0.0, "{r}");
}

#[test]
fn the_chance_of_meeting_the_plans_objective_matches_its_closed_form() {
    // LFT_POOR_AT_P90 within 4 h 30 m. lft starts v after a or b: 2 h + V, met when
    // V <= 2 h 30 m. Started first, v meets it when V <= 4 h 30 m (b follows v or a, whichever
    // ends first, and ends by 4 h 10 m). V is lognormal through p50 = 20 m and p90 = 3 h.
    let text = LFT_POOR_AT_P90.replacen("\n[teams]", "\nrto-target = \"4h30m\"\n[teams]", 1);
    let (_dir, path) = write_plan("plan.toml", &text);
    let r = json(&rtosim(&[
        "optimise",
        path.to_str().unwrap(),
        "--objective",
        "p(meet)",
        "--budget",
        "300",
        "--trials",
        "400",
        "--confirm-trials",
        "20000",
        "--json",
    ]));
    use statrs::distribution::{ContinuousCDF, Normal};
    let z = Normal::standard();
    let sigma = 9.0_f64.ln() / z.inverse_cdf(0.9);
    let met = |minutes: f64| z.cdf((minutes / 20.0).ln() / sigma);
    let n = 20_000.0;
    for (name, expected) in [("optimised", met(270.0)), ("lft", met(150.0))] {
        let share = result(&r, name)["confirmed_share"]["value"]
            .as_f64()
            .unwrap();
        let se = (expected * (1.0 - expected) / n).sqrt();
        assert!(
            (share - expected).abs() < 4.0 * se,
            "{name}: {share}, closed form {expected}"
        );
    }
    let d = &result(&r, "lft")["difference_share"];
    assert!(d["low"].as_f64().unwrap() > 0.0, "{d}");
    // No milestones: lft and playbook are the baselines, and the order beats both.
    assert_eq!(r["verdict"]["kind"], "better", "{}", r["verdict"]);
}

#[test]
fn milestone_objectives_the_plan_cannot_have_are_refused_with_a_hint() {
    let (_dir, path) = write_plan("plan.toml", URGENT_LAST);
    let p = path.to_str().unwrap();
    let cases = [
        (
            "urgnt:p90",
            "objective \"urgnt:p90\" names unknown milestone \"urgnt\" (hint: did you mean \"urgent\"?)",
        ),
        (
            "tier2:p90",
            "names tier2, but no milestone has tier 2 (hint: the plan's tiers are tier1)",
        ),
        (
            "urgent:p(meet)",
            "milestone \"urgent\" has no rto-target, so there is nothing to meet",
        ),
        ("tier1:p(meet)", "no milestone of tier1 has an rto-target"),
        ("p(meet)", "the plan has no rto-target"),
        ("all:max", "\"all:max\" is not an objective"),
    ];
    for (objective, expected) in cases {
        let out = rtosim(&["optimise", p, "--objective", objective, "--budget", "10"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{objective}: {stderr}");
        assert!(stderr.contains(expected), "{objective}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}
