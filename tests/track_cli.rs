//! `rtosim track` through the real binary: the bundled game-day logs, a replay of a whole game
//! day event by event under `--follow`, bad logs, and the HTML page (in headless Chromium when
//! it is installed).

#![allow(
    clippy::print_stderr,
    reason = "the skip message is for the person running the tests"
)]

mod common;

use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{rtosim, stderr, stdout};
use serde_json::Value;

const PLAN: &str = "scenarios/aws-account-rebuild.toml";
const LIVE: &str = "scenarios/drills/live/game-day-live.csv";
const FULL: &str = "scenarios/drills/live/game-day-2026-11.csv";
/// The bundled game day ran from 08:15 to 22:59.
const ACTUAL_RTO: f64 = (14.0 * 60.0 + 44.0) * 60.0;

fn json(args: &[&str]) -> Value {
    let out = rtosim(args);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).expect("JSON forecast")
}

fn p(v: &Value, percentile: usize) -> f64 {
    v["finish"][percentile]["rto_seconds"]["value"]
        .as_f64()
        .unwrap()
}

#[test]
fn the_bundled_live_log_gives_a_forecast_from_now() {
    let v = json(&[
        "track",
        PLAN,
        "--log",
        LIVE,
        "--now",
        "2026-11-14T11:30:00Z",
        "--trials",
        "2000",
        "--json",
    ]);
    assert_eq!(v["done"], 10);
    assert_eq!(v["running"], 7);
    assert_eq!(v["elapsed_seconds"], 3.25 * 3600.0);
    let (p50, p90, p99) = (p(&v, 0), p(&v, 1), p(&v, 2));
    assert!(
        3.25 * 3600.0 < p50 && p50 <= p90 && p90 <= p99,
        "{p50} {p90} {p99}"
    );
    assert_eq!(
        v["finish"][0]["remaining_seconds"].as_f64().unwrap(),
        p50 - 3.25 * 3600.0
    );
    let p_meet = v["p_meet"]["value"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&p_meet));
    assert!(!v["sets_finish"].as_array().unwrap().is_empty());
    // Done steps keep their logged times in the Gantt.
    let roles = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "access-roles")
        .unwrap();
    assert_eq!(roles["state"], "done");
    assert_eq!(roles["finish_seconds"], 42.0 * 60.0);
    // The same seed gives the same forecast at any thread count.
    let one = json(&[
        "track",
        PLAN,
        "--log",
        LIVE,
        "--now",
        "2026-11-14T11:30:00Z",
        "--trials",
        "2000",
        "--json",
        "--threads",
        "1",
    ]);
    assert_eq!(one, v);
}

#[test]
fn a_finished_log_forecasts_the_actual_rto_exactly() {
    let v = json(&["track", PLAN, "--log", FULL, "--trials", "500", "--json"]);
    assert_eq!(v["finished"], true);
    for i in 0..3 {
        assert_eq!(p(&v, i), ACTUAL_RTO);
    }
    assert_eq!(v["finish"][0]["clock"], "2026-11-14T22:59:00Z");
}

/// The bundled whole game day as the scribe's file stood after each event: every line started
/// by then, with its end if it had ended.
fn cuts() -> Vec<String> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(FULL)).unwrap();
    let rows: Vec<Vec<String>> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("step,"))
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    let mut times: Vec<&str> = rows
        .iter()
        .flat_map(|r| [r[1].as_str(), r[2].as_str()])
        .collect();
    times.sort_unstable();
    times.dedup();
    times
        .iter()
        .map(|&t| {
            let mut out = String::from("step,started,ended,outcome\n");
            for r in rows.iter().filter(|r| r[1].as_str() <= t) {
                if r[2].as_str() <= t {
                    out += &format!("{},{},{},{}\n", r[0], r[1], r[2], r[3]);
                } else {
                    out += &format!("{},{},,\n", r[0], r[1]);
                }
            }
            out
        })
        .collect()
}

#[test]
fn replaying_a_game_day_under_follow_converges_on_the_actual_rto() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("scribe.csv");
    let cuts = cuts();
    std::fs::write(&log, &cuts[0]).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rtosim"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["track", PLAN, "--log"])
        .arg(&log)
        .args(["--follow", "--json", "--now", "last", "--trials", "300"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let mut forecasts: Vec<Value> = Vec::new();
    let next = |rx: &std::sync::mpsc::Receiver<String>| {
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("a forecast after each change");
        serde_json::from_str::<Value>(&line).unwrap()
    };
    forecasts.push(next(&rx));
    for cut in &cuts[1..] {
        // A change the follower can see: its size changes with every event.
        std::fs::write(&log, cut).unwrap();
        forecasts.push(next(&rx));
    }
    let status = child.wait().unwrap();
    assert!(
        status.success(),
        "follow stops once every step has finished"
    );
    let last = forecasts.last().unwrap();
    assert_eq!(last["finished"], true);
    assert_eq!(
        p(last, 0),
        ACTUAL_RTO,
        "the final forecast is the actual RTO"
    );
    let error = |v: &Value| (p(v, 0) - ACTUAL_RTO).abs();
    let k = forecasts.len() / 4;
    let early: f64 = forecasts[..k].iter().map(error).sum::<f64>() / k as f64;
    let late: f64 = forecasts[forecasts.len() - k..]
        .iter()
        .map(error)
        .sum::<f64>()
        / k as f64;
    assert!(
        late < early / 2.0,
        "P50 moves to the actual finish: {early} then {late}"
    );
    assert!(
        forecasts[1..].iter().all(|f| f["movement"].is_object()),
        "every forecast after the first says how it moved"
    );
}

const SMALL: &str = "[[step]]\nid = \"vpc\"\nduration = \"10m\"\n\
    [[step]]\nid = \"subnets\"\nafter = [\"vpc\"]\nduration = \"10m\"\n";

fn track_log(log: &str) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.toml");
    std::fs::write(&plan, SMALL).unwrap();
    let path = dir.path().join("log.csv");
    std::fs::write(&path, log).unwrap();
    Command::new(env!("CARGO_BIN_EXE_rtosim"))
        .arg("track")
        .arg(&plan)
        .arg("--log")
        .arg(&path)
        .args(["--trials", "100", "--now", "2024-03-02T12:00:00Z"])
        .output()
        .unwrap()
}

fn bad(log: &str, expected: &str) {
    let out = track_log(log);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(expected), "expected {expected:?} in:\n{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn bad_logs_are_located_errors() {
    bad(
        "step,started,ended\nvcp,2024-03-02T10:00:00Z,\n",
        "log.csv:2:1: step \"vcp\" is not in the plan (1 observation) (hint: did you mean \"vpc\"?)",
    );
    bad(
        "step,started,ended\nvpc,2024-03-02T10:20:00Z,2024-03-02T10:00:00Z\n",
        "log.csv:2:26: step \"vpc\" ended before it started",
    );
    bad(
        "step,started,ended\nvpc,2024-03-02T10:00:00Z,2024-03-02T10:30:00Z\nsubnets,2024-03-02T10:05:00Z,2024-03-02T10:20:00Z\n",
        "log.csv:3:1: step \"subnets\" finished before \"vpc\", which it depends on",
    );
    bad(
        "step,started,ended\nvpc,2024-03-02T10:00:00Z,2024-03-02T13:00:00Z\n",
        "step \"vpc\" has an event after --now",
    );
    bad(
        "step,started,ended\nvpc,yesterday,\n",
        "log.csv:2:5: step \"vpc\" started:",
    );
}

#[test]
fn odd_but_usable_logs_are_warnings() {
    let out = track_log(
        "step,started,ended\nsubnets,2024-03-02T10:12:00Z,\nvpc,2024-03-02T10:00:00Z,2024-03-02T10:11:00Z\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "log.csv:3: step \"vpc\" starts before the line above it (times out of order)"
        ),
        "{err}"
    );
    // subnets (fixed 10m) has run 1h48m: past everything its model allows.
    assert!(stdout(&out).contains("Overdue"), "{}", stdout(&out));
}

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("RTOSIM_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .flat_map(|d| [d.join("chromium"), d.join("chromium-browser")])
        .find(|c| c.is_file())
}

#[test]
fn the_html_page_shows_the_forecast_and_renders_in_a_browser() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("room.html");
    let out = rtosim(&[
        "track",
        PLAN,
        "--log",
        LIVE,
        "--now",
        "2026-11-14T11:30:00Z",
        "--trials",
        "1000",
        "--json",
        "--html",
        page.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let html = std::fs::read_to_string(&page).unwrap();
    let clock = v["finish"][0]["clock"].as_str().unwrap();
    assert!(
        html.contains(clock),
        "the page shows the P50 finish {clock}"
    );
    assert!(html.contains("aria-label=\"S-curve"));
    assert!(html.contains("aria-label=\"Gantt"));
    assert_eq!(
        html.matches("<rect").count(),
        v["steps"].as_array().unwrap().len() + v["running"].as_u64().unwrap() as usize
    );
    assert!(
        !html.contains("<script"),
        "nothing runs, nothing is fetched"
    );
    // Not followed: the page does not reload itself.
    assert!(!html.contains("http-equiv=\"refresh\""));
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but chromium is not installed"
        );
        eprintln!(
            "SKIPPED the browser part: chromium is not installed (apt-get install -y chromium)"
        );
        return;
    };
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    let errors: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("CONSOLE") || l.contains("Uncaught"))
        .collect();
    assert!(errors.is_empty(), "console errors: {errors:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains(clock));
}

#[test]
fn calibrate_reads_the_same_scribe_log() {
    let out = rtosim(&[
        "calibrate",
        PLAN,
        "--actual",
        FULL,
        "--trials",
        "500",
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["drills"][0]["actual_rto_seconds"], ACTUAL_RTO);
    // Mid-day, the running steps are skipped with a warning, not an error.
    let out = rtosim(&["calibrate", PLAN, "--actual", LIVE, "--trials", "500"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "game-day-live.csv:15: step \"orders-db-snapshot-copy\" has a start but no end"
        )
    );
}

#[test]
fn machine_logs_and_the_scribe_log_mix() {
    // vpc from its `terraform apply -json` log (07:12:06 to 07:12:23 UTC), subnets from the
    // scribe, running since 07:14:44.
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.toml");
    std::fs::write(
        &plan,
        "[[step]]\nid = \"vpc\"\nduration = \"1m\"\n\
         [[step]]\nid = \"subnets\"\nafter = [\"vpc\"]\nduration = { dist = \"uniform\", min = \"2m\", max = \"6m\" }\n",
    )
    .unwrap();
    let scribe = dir.path().join("scribe.csv");
    std::fs::write(
        &scribe,
        "step,started,ended\nsubnets,2025-06-21T07:14:44Z,\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_rtosim"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("track")
        .arg(&plan)
        .args(["--log", "scenarios/drills/terraform/vpc.log", "--log"])
        .arg(&scribe)
        .args([
            "--now",
            "2025-06-21T07:16:44Z",
            "--trials",
            "2000",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        (v["done"].as_u64(), v["running"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(v["started"], "2025-06-21T07:12:07Z");
    // subnets has run 2m of uniform(2m, 6m): what is left is uniform on (0, 4m).
    let remaining = v["finish"][0]["remaining_seconds"].as_f64().unwrap();
    assert!((remaining - 120.0).abs() < 10.0, "{remaining}");
}

/// Milestones in the live forecast: one already reached late has no chance of meeting its
/// objective, one whose remaining work is fixed is reached exactly when that work is done, and
/// the tier counts both in the same recovery.
#[test]
fn milestones_are_forecast_from_what_is_done() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.toml");
    std::fs::write(
        &plan,
        r#"
[teams]
ops = 1
[[step]]
id = "a"
team = "ops"
duration = "1h"
[[step]]
id = "b"
team = "ops"
after = ["a"]
duration = "2h"
[[milestone]]
name = "first"
needs = ["a"]
rto-target = "30m"
tier = 1
[[milestone]]
name = "second"
needs = ["b"]
rto-target = "4h"
tier = 1
"#,
    )
    .unwrap();
    let log = dir.path().join("log.csv");
    std::fs::write(
        &log,
        "step,started,ended\na,2026-11-14T08:00:00Z,2026-11-14T08:40:00Z\n",
    )
    .unwrap();
    let (plan, log) = (plan.to_str().unwrap(), log.to_str().unwrap());
    let v = json(&[
        "track", plan, "--log", log, "--now", "last", "--trials", "500", "--json",
    ]);
    let m = v["milestones"].as_array().unwrap();
    let names: Vec<&str> = m.iter().map(|x| x["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["first", "second", "tier1", "all"]);
    assert_eq!(m[0]["reached"], true);
    assert_eq!(m[0]["p90_seconds"]["value"], 2400.0);
    assert_eq!(m[0]["p_meet"]["value"], 0.0);
    // b starts at once (now is the last event, 08:40) and takes its fixed 2 h.
    assert_eq!(m[1]["p50_seconds"]["value"], 2400.0 + 7200.0);
    assert_eq!(m[1]["p_meet"]["value"], 1.0);
    assert_eq!(m[2]["p_meet"]["value"], 0.0);
    let text = stdout(&rtosim(&[
        "track", plan, "--log", log, "--now", "last", "--trials", "500",
    ]));
    assert!(
        text.contains("Milestones (P90, chance of meeting the objective):"),
        "{text}"
    );
}
