//! Every bundled scenario gets every chart, and the charts say what the run says: bars, the
//! objective line, readable labels. Plans under `scenarios/` that do not pass `check` are
//! examples of mistakes and are skipped.

mod support;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use roxmltree::Document;
use rtosim::analysis::summarize_run;
use rtosim::chart::spec;
use rtosim::chart::theme::{PRIMARY, SECONDARY};
use rtosim::duration::format_span;
use rtosim::plan::{Plan, load_plan};
use rtosim::sim::{self, Model, NONE, Policy, RunConfig};
use support::{attr, gantt_counts, hex, objective_x, read, text_problems, x_axis};

const TRIALS: u64 = 400;
const SEED: u64 = 11;

/// The bundled plans that load, with the names of their scenarios.
fn bundled() -> Vec<(PathBuf, Plan)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut plans: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    plans.sort();
    plans
        .into_iter()
        .filter_map(|p| load_plan(&p).ok().map(|l| (p, l.plan)))
        .collect()
}

/// What the Gantt of the representative trial must hold, from the schedule itself: each team
/// step holds `crew` group lanes, and adds an unattended bar when it runs on after its groups
/// are released; a step without a team is one unattended bar.
fn expected_bars(model: &Model, st: &sim::TrialState) -> usize {
    (0..model.len())
        .map(|c| {
            let s = &model.steps[c];
            if s.team == NONE {
                1
            } else {
                s.crew as usize + usize::from(st.finish[c] > st.release[c] + 1e-6)
            }
        })
        .sum()
}

#[test]
fn every_bundled_scenario_gets_every_chart_and_they_read_cleanly() {
    let plans = bundled();
    assert!(!plans.is_empty(), "no bundled plan under scenarios/");
    let mut problems = Vec::new();
    for (path, plan) in &plans {
        let scenarios: Vec<String> = if plan.scenarios.is_empty() {
            vec![plan.default_scenario().name]
        } else {
            plan.scenarios.iter().map(|s| s.name.clone()).collect()
        };
        for name in scenarios {
            let dir = tempfile::tempdir().unwrap();
            let mut cmd = Command::cargo_bin("rtosim").unwrap();
            cmd.arg("report").arg(path).arg("-o").arg(dir.path());
            cmd.args(["--trials", &TRIALS.to_string(), "--seed", &SEED.to_string()]);
            if !plan.scenarios.is_empty() {
                cmd.args(["--scenario", &name]);
            }
            cmd.assert().success();
            let what = format!("{} / {name}", path.display());

            // The same run, through the library, to know what the Gantt must show.
            let scenario = plan
                .scenario(&name)
                .cloned()
                .unwrap_or_else(|| plan.default_scenario());
            // The policy `report` uses by default: deadline when the plan's milestones have
            // targets.
            let model = Model::compile(plan, &scenario, Policy::default_for(plan));
            let config = RunConfig {
                trials: TRIALS,
                seed: SEED,
                threads: 1,
            };
            let run = sim::run(&model, &config, &|_| {}).unwrap();
            let summary = summarize_run(plan, &scenario, &model, &run, &config).expect("trials");
            let has_teams = model.steps.iter().any(|s| s.team != NONE);

            let mut charts = vec![
                "rto-histogram",
                "rto-s-curve",
                "drivers",
                "gantt-p50",
                "gantt-p90",
            ];
            if has_teams {
                charts.extend(["team-load-p50", "team-load-p90"]);
            }
            // Plans with chaos also rank what adds time at P90 (tested on its own below).
            if dir.path().join("charts/p90-drivers.svg").exists() {
                charts.push("p90-drivers");
            }
            if !plan.milestones.is_empty() {
                charts.push("milestones");
            }
            let html = read(dir.path().join("report.html"));
            for chart in &charts {
                let svg = read(dir.path().join(format!("charts/{chart}.svg")));
                let doc = Document::parse(&svg).unwrap_or_else(|e| panic!("{what} {chart}: {e}"));
                let root = doc.root_element();
                let size: Vec<u32> = ["width", "height"]
                    .iter()
                    .map(|a| root.attribute(*a).unwrap().parse().unwrap())
                    .collect();
                check_png(
                    &dir.path().join(format!("charts/{chart}.png")),
                    (2 * size[0], 2 * size[1]),
                    &what,
                );
                assert!(
                    html.contains(&format!("id=\"chart-{chart}\"")),
                    "{what}: {chart} not in the HTML"
                );
                for p in text_problems(&svg) {
                    problems.push(format!("{what} {chart}: {p}"));
                }
                if let Some(target) = plan.rto_target {
                    let on_chart = !svg.contains("off the chart");
                    if on_chart && !["drivers", "p90-drivers", "milestones"].contains(chart) {
                        let (a, b) = x_axis(&doc);
                        let x = objective_x(&doc);
                        let want = a + b * target / 3600.0;
                        assert!(
                            (x - want).abs() <= 1.5,
                            "{what} {chart}: objective at {x}, want {want}"
                        );
                    }
                }
            }
            for (chart, rto) in [
                ("gantt-p50", summary.rto_seconds.p50),
                ("gantt-p90", summary.rto_seconds.p90),
            ] {
                let trial = spec::representative_trial(&run.outcomes, rto);
                let st = sim::replay(&model, SEED, trial);
                let (bars, _) = gantt_counts(&read(dir.path().join(format!("charts/{chart}.svg"))));
                assert_eq!(bars, expected_bars(&model, &st), "{what} {chart}");
                assert!(
                    bars >= summary.steps_needed,
                    "{what} {chart}: fewer bars than steps"
                );
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} label problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// A PNG of the right size that is not blank.
fn check_png(path: &Path, size: (u32, u32), what: &str) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(
        (info.width, info.height),
        size,
        "{what}: {}",
        path.display()
    );
    let px = &buf[..info.buffer_size()];
    let inked = px.chunks(3).filter(|p| p.iter().any(|&c| c < 200)).count();
    let share = inked as f64 / (info.width * info.height) as f64;
    assert!(
        share > 0.01,
        "{what}: {} is nearly blank ({share:.4})",
        path.display()
    );
}

#[test]
fn the_p90_driver_chart_ranks_what_the_json_ranks() {
    let dir = tempfile::tempdir().unwrap();
    let plan = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/aws-account-rebuild.toml");
    Command::cargo_bin("rtosim")
        .unwrap()
        .arg("report")
        .arg(&plan)
        .arg("-o")
        .arg(dir.path())
        .args(["--trials", "3000", "--seed", "7"])
        .assert()
        .success();
    let j: serde_json::Value = serde_json::from_str(&read(dir.path().join("report.json"))).unwrap();
    let drivers: Vec<(String, f64)> = j["p90_drivers"]
        .as_array()
        .expect("p90_drivers in the JSON of a plan with risks")
        .iter()
        .map(|d| {
            (
                d["kind"].as_str().unwrap().to_string(),
                d["p90_seconds"].as_f64().unwrap(),
            )
        })
        .collect();
    assert!(drivers.iter().any(|d| d.0 == "risk"), "{drivers:?}");
    let shown: Vec<&(String, f64)> = drivers.iter().filter(|d| d.1 >= 0.5).collect();
    let expected = shown.len().min(spec::TOP_P90_DRIVERS);
    assert!(expected >= 2, "{drivers:?}");

    let svg = read(dir.path().join("charts/p90-drivers.svg"));
    let doc = Document::parse(&svg).unwrap();
    let root = doc.root_element();
    let size: Vec<u32> = ["width", "height"]
        .iter()
        .map(|a| root.attribute(*a).unwrap().parse().unwrap())
        .collect();
    check_png(
        &dir.path().join("charts/p90-drivers.png"),
        (2 * size[0], 2 * size[1]),
        "p90-drivers",
    );
    // Bars are the rects in the step or the chaos colour (the legend's keys are circles),
    // top to bottom.
    let (step, chaos) = (hex(PRIMARY), hex(SECONDARY));
    let mut bars: Vec<(f64, f64, bool)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect"))
        .filter_map(|n| {
            let fill = n.attribute("fill")?;
            let is_step = fill == step;
            (is_step || fill == chaos)
                .then(|| (attr(&n, "y").unwrap(), attr(&n, "width").unwrap(), is_step))
        })
        .collect();
    bars.sort_by(|a, b| a.0.total_cmp(&b.0));
    assert_eq!(bars.len(), expected, "one bar per driver shown");
    // Largest first, each in its kind's colour.
    for (bar, (kind, _)) in bars.iter().zip(&shown) {
        assert_eq!(bar.2, kind == "step", "{kind} in the wrong colour");
    }
    assert!(
        bars.windows(2).all(|w| w[0].1 >= w[1].1 - 1.0),
        "bars shrink down the chart: {bars:?}"
    );
    // The top bar's value label is the largest time added, as format_span writes it.
    let largest = drivers.iter().map(|d| d.1).fold(f64::MIN, f64::max);
    let mut values: Vec<(f64, String)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| {
            let t = n.text()?.trim().to_string();
            t.starts_with('+').then(|| (attr(&n, "y").unwrap(), t))
        })
        .collect();
    values.sort_by(|a, b| a.0.total_cmp(&b.0));
    assert_eq!(values.len(), expected);
    assert_eq!(values[0].1, format!("+{}", format_span(largest)));
    assert!(text_problems(&svg).is_empty(), "{:?}", text_problems(&svg));

    let html = read(dir.path().join("report.html"));
    assert!(html.contains("id=\"chart-p90-drivers\""));
    let md = read(dir.path().join("report.md"));
    assert!(md.contains("![What adds time at P90](charts/p90-drivers.svg)"));
}

#[test]
fn a_plan_without_chaos_has_no_p90_driver_chart() {
    let dir = tempfile::tempdir().unwrap();
    let plan = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/minimal.toml");
    Command::cargo_bin("rtosim")
        .unwrap()
        .arg("report")
        .arg(&plan)
        .arg("-o")
        .arg(dir.path())
        .args(["--trials", "300", "--seed", "7"])
        .assert()
        .success();
    assert!(dir.path().join("charts/drivers.svg").exists());
    assert!(!dir.path().join("charts/p90-drivers.svg").exists());
    assert!(!read(dir.path().join("report.html")).contains("chart-p90-drivers"));
}
