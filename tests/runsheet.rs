//! `rtosim runsheet`: every step exactly once, in an order consistent with the dependencies,
//! per group and overall; groups never hold two steps at once in the planned schedule.

mod common;

use std::collections::{HashMap, HashSet};

use common::{Gen, PlanFile, rtosim, stderr, stdout};
use rtosim::plan::{Format, parse_plan};
use rtosim::sim::assign_groups;
use rtosim::sim::{Model, Policy, deterministic};

/// A random plan: two teams, a limit, crews, hands-on parts, zero-length steps and
/// dependencies on earlier steps, over a few systems (one of them survives in "partial").
fn random_plan(seed: u64) -> String {
    let mut g = Gen(seed);
    let ops = 1 + g.below(3);
    let dba = 1 + g.below(2);
    let mut text = format!(
        "name = \"random {seed}\"\n[teams]\nops = {ops}\ndba = {{ groups = {dba}, size = 2 }}\n[limits]\nrestores = 1\n"
    );
    let n = 5 + g.below(26) as usize;
    for i in 0..n {
        text.push_str(&format!(
            "[[step]]\nid = \"s{i}\"\nsystem = \"sys{}\"\n",
            i % 4
        ));
        let deps: HashSet<u64> = (0..g.below(4))
            .filter(|_| i > 0)
            .map(|_| g.below(i as u64))
            .collect();
        let mut deps: Vec<u64> = deps.into_iter().collect();
        deps.sort_unstable();
        if !deps.is_empty() {
            let list: Vec<String> = deps.iter().map(|d| format!("\"s{d}\"")).collect();
            text.push_str(&format!("after = [{}]\n", list.join(", ")));
        }
        match g.below(3) {
            0 => {
                text.push_str("team = \"ops\"\n");
                if ops > 1 && g.below(4) == 0 {
                    text.push_str(&format!("crew = {ops}\n"));
                }
            }
            1 => text.push_str("team = \"dba\"\n"),
            _ => {}
        }
        if g.below(5) == 0 {
            text.push_str("uses = { restores = 1 }\n");
        }
        match g.below(6) {
            0 => text.push_str("duration = \"0s\"\n"),
            1 => text.push_str("duration = \"45m\"\nhands-on = \"10m\"\n"),
            2 => text.push_str("duration = \"1h\"\n"),
            k => text.push_str(&format!(
                "duration = {{ dist = \"pert\", min = \"{k}m\", mode = \"{}m\", max = \"{}m\" }}\n",
                10 * k,
                40 * k
            )),
        }
    }
    text.push_str("[[scenario]]\nname = \"all\"\nlost = [\"*\"]\n");
    text.push_str("[[scenario]]\nname = \"partial\"\nlost = [\"sys1\", \"sys2\", \"sys3\"]\n");
    text
}

struct Row {
    order: usize,
    team: String,
    groups: String,
    position: usize,
    step: String,
    after: Vec<String>,
    start: f64,
}

fn rows(csv_text: &str) -> Vec<Row> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            Row {
                order: r[0].parse().unwrap(),
                team: r[1].to_string(),
                groups: r[2].to_string(),
                position: r[3].parse().unwrap(),
                step: r[4].to_string(),
                after: r[7].split_whitespace().map(str::to_string).collect(),
                start: r[8].parse().unwrap(),
            }
        })
        .collect()
}

#[test]
fn every_step_once_in_dependency_order() {
    for seed in 0..12 {
        let text = random_plan(seed);
        let plan_file = PlanFile::new(&text);
        let plan = parse_plan(&text, Format::Toml, "t").unwrap().plan;
        for scenario in ["all", "partial"] {
            let out = rtosim(&[
                "runsheet",
                plan_file.arg(),
                "--scenario",
                scenario,
                "--format",
                "csv",
                "--trials",
                "50",
            ]);
            assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
            let rows = rows(&stdout(&out));
            let sc = plan.scenario(scenario).unwrap();
            let mut expected: Vec<&str> = plan
                .steps
                .iter()
                .filter(|s| sc.lost[s.system])
                .map(|s| s.id.as_str())
                .collect();
            let mut got: Vec<&str> = rows.iter().map(|r| r.step.as_str()).collect();
            expected.sort_unstable();
            got.sort_unstable();
            assert_eq!(
                got, expected,
                "seed {seed} {scenario}: every step exactly once"
            );

            let at: HashMap<&str, &Row> = rows.iter().map(|r| (r.step.as_str(), r)).collect();
            for (i, r) in rows.iter().enumerate() {
                assert_eq!(r.order, i + 1);
                if i > 0 {
                    assert!(
                        rows[i - 1].start <= r.start,
                        "overall order is by planned start"
                    );
                }
                for d in &r.after {
                    let dep = at[d.as_str()];
                    assert!(dep.order < r.order, "seed {seed}: {d} before {}", r.step);
                    let first_group =
                        |x: &Row| x.groups.split('+').next().unwrap_or("").to_string();
                    if dep.team == r.team
                        && !r.team.is_empty()
                        && first_group(dep) == first_group(r)
                    {
                        assert!(
                            dep.position < r.position,
                            "seed {seed}: {d} before {} in its group",
                            r.step
                        );
                    }
                }
            }
            // Positions number each group's list 1, 2, 3, ...
            let mut lists: HashMap<(String, String), Vec<usize>> = HashMap::new();
            for r in &rows {
                let lane = r.groups.split('+').next().unwrap_or("").to_string();
                lists
                    .entry((r.team.clone(), lane))
                    .or_default()
                    .push(r.position);
            }
            for (lane, positions) in lists {
                let want: Vec<usize> = (1..=positions.len()).collect();
                assert_eq!(positions, want, "seed {seed}: {lane:?}");
            }
        }
    }
}

#[test]
fn groups_never_hold_two_steps_at_once() {
    for seed in 0..40 {
        let plan = parse_plan(&random_plan(seed), Format::Toml, "t")
            .unwrap()
            .plan;
        let model = Model::compile(&plan, &plan.default_scenario(), Policy::Lft);
        let det = deterministic(&model);
        let groups = assign_groups(&model, &det);
        for (s, g) in groups.iter().enumerate() {
            let step = &model.steps[s];
            assert_eq!(
                g.len(),
                if step.team == u32::MAX {
                    0
                } else {
                    step.crew as usize
                }
            );
            assert!(g.iter().all(|&x| {
                x < model
                    .team_groups
                    .get(step.team as usize)
                    .copied()
                    .unwrap_or(0)
            }));
        }
        for a in 0..model.len() {
            for b in a + 1..model.len() {
                let shared = groups[a].iter().any(|x| groups[b].contains(x));
                if shared && model.steps[a].team == model.steps[b].team {
                    let overlap =
                        det.start[a].max(det.start[b]) < det.release[a].min(det.release[b]);
                    assert!(
                        !overlap,
                        "seed {seed}: steps {a} and {b} share a group at once"
                    );
                }
            }
        }
    }
}

#[test]
fn markdown_has_the_start_section_and_every_group() {
    let plan = PlanFile::new(&random_plan(3));
    let out = rtosim(&["runsheet", plan.arg(), "--trials", "50"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let md = stdout(&out);
    let start = md.find("## Start immediately").expect("start section");
    let first_group = md.find("## ops: group 1").expect("ops group 1");
    assert!(start < first_group);
    assert!(md.contains("## dba: group 1 (2 people)"));
    let written = plan.out("sheet.md");
    let out = rtosim(&[
        "runsheet",
        plan.arg(),
        "--trials",
        "50",
        "-o",
        written.to_str().unwrap(),
    ]);
    assert!(out.stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&written).unwrap(), md);
}

/// A risk's fallback is a contingency: on no group's list and in no step's `after`, but listed
/// apart with the risk that calls for it, its chance and the share of trials it ran in.
#[test]
fn a_fallback_is_a_contingency_not_a_task() {
    let plan = PlanFile::new(
        r#"
        [teams]
        ops = 1
        [[step]]
        id = "restore"
        team = "ops"
        duration = "30m"
        [[step]]
        id = "app"
        team = "ops"
        after = ["restore"]
        duration = "10m"
        [[risk]]
        name = "corrupt"
        p = 0.2
        hits = ["restore"]
        fallback = { id = "restore-old", team = "ops", duration = "1h" }
        "#,
    );
    let out = rtosim(&[
        "runsheet",
        plan.arg(),
        "--trials",
        "4000",
        "--format",
        "csv",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let csv_text = stdout(&out);
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let listed: Vec<(&str, &str, &str)> = records.iter().map(|r| (&r[0], &r[4], &r[7])).collect();
    assert_eq!(
        listed,
        vec![
            ("1", "restore", ""),
            ("2", "app", "restore"),
            ("", "restore-old", "restore"),
        ]
    );
    assert_eq!(&records[2][15], "corrupt");
    assert_eq!(&records[0][15], "");

    let out = rtosim(&["runsheet", plan.arg(), "--trials", "4000", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["steps"].as_array().unwrap().len(), 2);
    let c = &json["contingency"][0];
    assert_eq!(c["risk"], "corrupt");
    assert_eq!(c["chance"], 0.2);
    assert_eq!(c["median"], 3600.0);
    // It ran in the trials in which the risk fired: 20% within four standard errors.
    let se = (0.2_f64 * 0.8 / 4000.0).sqrt();
    let ran = c["ran"].as_f64().unwrap();
    assert!((ran - 0.2).abs() < 4.0 * se, "ran in {ran}");

    let md = stdout(&rtosim(&["runsheet", plan.arg(), "--trials", "200"]));
    assert!(
        md.contains("## Contingency (only when a risk fires)"),
        "{md}"
    );
    assert!(md.contains("| [ ] | **restore-old** |"), "{md}");
    assert!(md.contains("for 2 steps"), "{md}");
}

/// Planned times are one schedule a crew can follow: every step at its median time, so a
/// lognormal step with a P50 of 4 h is planned at 4 h (its mean is later). A step whose time is
/// the same in every trial prints exactly, not as a histogram bucket's middle.
#[test]
fn planned_times_are_medians_and_fixed_times_print_exactly() {
    let plan = PlanFile::new(
        r#"
        [teams]
        ops = 1
        [[step]]
        id = "check"
        team = "ops"
        duration = "20m"
        [[step]]
        id = "restore"
        team = "ops"
        after = ["check"]
        duration = { dist = "lognormal", p50 = "4h", p90 = "12h" }
        "#,
    );
    let out = rtosim(&["runsheet", plan.arg(), "--trials", "2000", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let steps = json["steps"].as_array().unwrap();
    assert_eq!(steps[0]["id"], "check");
    for key in ["p50", "p90"] {
        assert_eq!(steps[0]["finish"][key], 1200.0, "{key}");
        assert_eq!(steps[0]["start"][key], 0.0, "{key}");
    }
    let planned = steps[1]["planned_finish"].as_f64().unwrap();
    assert!(
        (planned - (1200.0 + 4.0 * 3600.0)).abs() < 1e-6,
        "{planned}"
    );
    assert!((json["planned_rto"].as_f64().unwrap() - planned).abs() < 1e-6);
}
