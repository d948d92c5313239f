//! PSPLIB single-mode instances (Kolisch & Sprecher 1997) as rtosim plans, and their published
//! optima: shared by the tests that schedule them.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rtosim::plan::{Format, Plan, parse_plan};

/// One instance: durations, successors, demands of the four resources and their capacities.
pub struct Instance {
    durations: Vec<u32>,
    successors: Vec<Vec<usize>>,
    demands: Vec<[u32; 4]>,
    capacity: [u32; 4],
}

fn section<'a>(text: &'a str, header: &str) -> impl Iterator<Item = Vec<u32>> + 'a {
    let start = text.find(header).expect("section present");
    text[start..]
        .lines()
        .skip(1)
        .take_while(|l| !l.starts_with("****"))
        .filter_map(|l| {
            let nums: Vec<u32> = l
                .split_whitespace()
                .filter_map(|w| w.parse().ok())
                .collect();
            (!nums.is_empty() && nums.len() == l.split_whitespace().count()).then_some(nums)
        })
}

/// Reads an instance file.
pub fn parse(path: &Path) -> Instance {
    let text = std::fs::read_to_string(path).unwrap();
    let mut successors = Vec::new();
    for row in section(&text, "PRECEDENCE RELATIONS:") {
        // jobnr, modes, count, successors...
        successors.push(row[3..].iter().map(|&j| j as usize - 1).collect());
    }
    let (mut durations, mut demands) = (Vec::new(), Vec::new());
    for row in section(&text, "REQUESTS/DURATIONS:") {
        durations.push(row[2]);
        demands.push([row[3], row[4], row[5], row[6]]);
    }
    let caps: Vec<u32> = section(&text, "RESOURCEAVAILABILITIES:").next().unwrap();
    Instance {
        durations,
        successors,
        demands,
        capacity: [caps[0], caps[1], caps[2], caps[3]],
    }
}

/// The instance as a plan: jobs are steps, resources are limits, one time unit is a minute.
pub fn to_plan(inst: &Instance) -> String {
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); inst.durations.len()];
    for (j, succ) in inst.successors.iter().enumerate() {
        for &s in succ {
            preds[s].push(j);
        }
    }
    let mut s = String::from("[limits]\n");
    for (r, cap) in inst.capacity.iter().enumerate() {
        s += &format!("r{} = {cap}\n", r + 1);
    }
    for (j, d) in inst.durations.iter().enumerate() {
        let after: Vec<String> = preds[j].iter().map(|p| format!("\"j{}\"", p + 1)).collect();
        let uses: Vec<String> = inst.demands[j]
            .iter()
            .enumerate()
            .filter(|&(_, &u)| u > 0)
            .map(|(r, u)| format!("r{} = {u}", r + 1))
            .collect();
        s += &format!(
            "[[step]]\nid = \"j{}\"\nafter = [{}]\nduration = \"{d}m\"\nuses = {{ {} }}\n",
            j + 1,
            after.join(", "),
            uses.join(", ")
        );
    }
    s
}

/// The j30 directory of the test data.
pub fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/psplib-j30")
}

/// The published optimum makespan of each instance, by (parameter, instance), in time units.
pub fn optima() -> HashMap<(u32, u32), u32> {
    let opt_text = std::fs::read_to_string(dir().join("j30opt.sm")).unwrap();
    let mut optimum = HashMap::new();
    for line in opt_text.lines() {
        let w: Vec<u32> = line
            .split_whitespace()
            .filter_map(|x| x.parse().ok())
            .collect();
        if w.len() >= 3 && line.split_whitespace().count() == 4 {
            optimum.insert((w[0], w[1]), w[2]);
        }
    }
    optimum
}

/// Every instance in the data: its name (such as `j3010_1`), its plan text and its optimum in
/// seconds (one time unit is a minute), sorted by name.
pub fn instances() -> Vec<(String, String, f64)> {
    let optimum = optima();
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix("j30").filter(|r| r.contains('_')) else {
            continue;
        };
        let (param, inst) = rest.split_once('_').unwrap();
        let key = (param.parse().unwrap(), inst.parse().unwrap());
        let best = f64::from(optimum[&key]) * 60.0;
        out.push((name, to_plan(&parse(&path)), best));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// A plan's text, parsed and validated.
pub fn plan(text: &str, name: &str) -> Plan {
    parse_plan(text, Format::Toml, name)
        .unwrap_or_else(|e| panic!("{name}: {e:?}"))
        .plan
}
