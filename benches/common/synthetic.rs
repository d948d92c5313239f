//! The synthetic plans the benches run: random DAGs of lognormal steps.

use rtosim::plan::{Format, Plan, parse_plan};
use rtosim::sim::splitmix;

/// A random DAG of `n` steps: each waits for up to three earlier ones, chosen by a fixed
/// generator, with lognormal durations; teams and groups when `teams` is true.
pub fn synthetic_plan(n: usize, teams: bool) -> Plan {
    let mut text = String::new();
    if teams {
        text += "[teams]\nplatform = 2\ndba = 2\napp = 2\n";
    }
    let mut state = 12345u64;
    let mut next = |m: usize| {
        state = splitmix(state);
        (state % m as u64) as usize
    };
    for i in 0..n {
        let picks = if i == 0 { 0 } else { 3 };
        let mut deps: Vec<usize> = (0..picks).map(|_| i - 1 - next(i.min(20))).collect();
        deps.sort_unstable();
        deps.dedup();
        let after: Vec<String> = deps.iter().map(|d| format!("\"s{d}\"")).collect();
        let p50 = 10 + next(50);
        text += &format!(
            "[[step]]\nid = \"s{i}\"\nafter = [{}]\nduration = {{ dist = \"lognormal\", p50 = \"{p50}m\", p90 = \"{}m\" }}\n",
            after.join(", "),
            p50 * 2
        );
        if teams {
            text += &format!("team = \"{}\"\n", ["platform", "dba", "app"][i % 3]);
        }
    }
    parse_plan(&text, Format::Toml, "synthetic")
        .expect("valid synthetic plan")
        .plan
}

#[allow(dead_code, reason = "only the end-to-end bench writes this plan")]
/// A plan in wide layers as TOML: `n` steps, about `per_layer` to a layer, each after 0 to 3
/// steps of the three layers before it, lognormal durations, teams of `groups` groups (named
/// `teams`); with `chaos`, every team mobilises and works 12 h shifts with 8 h rests, hand-offs
/// take 10 minutes, ten risks delay a step each, and a factor slows the first team.
pub fn wide_plan_text(
    n: usize,
    per_layer: usize,
    teams: &[&str],
    groups: u32,
    chaos: bool,
) -> String {
    let mut state = 4242u64;
    let mut next = |m: usize| {
        state = splitmix(state);
        (state % m.max(1) as u64) as usize
    };
    let mut text = String::new();
    if chaos {
        text += "handoff = \"10m\"\n";
    }
    text += "[teams]\n";
    for t in teams {
        if chaos {
            text += &format!(
                "{t} = {{ groups = {groups}, mobilise = {{ dist = \"lognormal\", p50 = \"30m\", p90 = \"1h\" }}, shift = \"12h\", rest = \"8h\" }}\n"
            );
        } else {
            text += &format!("{t} = {groups}\n");
        }
    }
    for i in 0..n {
        let layer = i / per_layer;
        let first_earlier = layer.saturating_sub(3) * per_layer;
        let earlier = layer * per_layer - first_earlier;
        let picks = if layer == 0 { 0 } else { next(4) };
        let mut deps: Vec<usize> = (0..picks).map(|_| first_earlier + next(earlier)).collect();
        deps.sort_unstable();
        deps.dedup();
        let after: Vec<String> = deps.iter().map(|d| format!("\"s{d}\"")).collect();
        let p50 = 10 + next(50);
        text += &format!(
            "[[step]]\nid = \"s{i}\"\nafter = [{}]\nteam = \"{}\"\nduration = {{ dist = \"lognormal\", p50 = \"{p50}m\", p90 = \"{}m\" }}\n",
            after.join(", "),
            teams[i % teams.len()],
            p50 * 2
        );
    }
    if chaos {
        for r in 0..10 {
            text += &format!(
                "[[risk]]\nname = \"r{r}\"\np = 0.1\nhits = [\"s{}\"]\ndelay = \"1h\"\n",
                next(n)
            );
        }
        text += &format!(
            "[[factor]]\nname = \"slow\"\nmultiplier = {{ dist = \"lognormal\", p50 = 1.0, p90 = 1.3 }}\napplies-to = [\"{}\"]\n",
            teams[0]
        );
    }
    text
}
