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
