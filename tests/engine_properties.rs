//! Invariants of the engine on random plans.

use proptest::prelude::*;
use rtosim::analysis::summarize_run;
use rtosim::plan::{Format, parse_plan};
use rtosim::sim::{self, Model, Policy, RunConfig, attempt_time};

const DISTS: [&str; 6] = [
    "\"25m\"",
    "{ dist = \"uniform\", min = \"10m\", max = \"40m\" }",
    "{ dist = \"pert\", min = \"5m\", mode = \"15m\", max = \"1h\" }",
    "{ dist = \"lognormal\", p50 = \"20m\", p90 = \"50m\" }",
    "{ dist = \"exponential\", mean = \"15m\" }",
    "{ dist = \"empirical\", samples = [\"12m\", \"18m\", \"31m\"] }",
];

#[derive(Debug, Clone)]
struct StepSpec {
    deps: Vec<usize>,
    dist: usize,
    team: Option<usize>,
    limit: bool,
    retry: bool,
}

fn plan_text(groups: [u32; 2], cap: u32, steps: &[StepSpec]) -> String {
    let mut s = format!(
        "[teams]\nops = {}\n[teams.dba]\ngroups = {}\nsize = 2\nrecorded-size = 1\n[limits]\nslot = {cap}\n",
        groups[0], groups[1]
    );
    for (i, st) in steps.iter().enumerate() {
        let after: Vec<String> = st
            .deps
            .iter()
            .filter(|&&d| d < i)
            .map(|d| format!("\"s{d}\""))
            .collect();
        s += &format!(
            "[[step]]\nid = \"s{i}\"\nafter = [{}]\nduration = {}\n",
            after.join(", "),
            DISTS[st.dist]
        );
        if let Some(t) = st.team {
            s += &format!("team = \"{}\"\n", ["ops", "dba"][t]);
        }
        if st.limit {
            s += "uses = { slot = 1 }\n";
        }
        if st.retry {
            s += "retry = { p = 0.2, max = 2 }\n";
        }
    }
    s
}

fn step_spec(n: usize) -> impl Strategy<Value = StepSpec> {
    (
        proptest::collection::vec(0..n, 0..3),
        0..DISTS.len(),
        proptest::option::of(0..2usize),
        any::<bool>(),
        prop::bool::weighted(0.2),
    )
        .prop_map(|(deps, dist, team, limit, retry)| StepSpec {
            deps,
            dist,
            team,
            limit,
            retry,
        })
}

fn random_plan() -> impl Strategy<Value = String> {
    (2usize..14).prop_flat_map(|n| {
        (
            [1u32..3, 1u32..3],
            1u32..3,
            proptest::collection::vec(step_spec(n), n),
        )
            .prop_map(|(groups, cap, steps)| plan_text(groups, cap, &steps))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn percentiles_are_ordered_and_no_trial_beats_the_minimum_path(text in random_plan(), seed in 0u64..1000) {
        let plan = parse_plan(&text, Format::Toml, "p").unwrap().plan;
        let scenario = plan.default_scenario();
        let model = Model::compile(&plan, &scenario, Policy::Lft);
        let config = RunConfig { trials: 1_500, seed, threads: 1 };
        let run = sim::run(&model, &config, &|_| {}).unwrap();
        let report = summarize_run(&plan, &scenario, &model, &run, &config).expect("trials");
        let r = &report.rto_seconds;
        prop_assert!(r.min <= r.p50 && r.p50 <= r.p90 && r.p90 <= r.p99 && r.p99 <= r.max);

        // Longest path of minimum attempt times, ignoring teams and limits: a lower bound.
        let mut finish = vec![0.0_f64; model.len()];
        for s in 0..model.len() {
            let start = model.preds(s).iter().map(|&p| finish[p as usize]).fold(0.0, f64::max);
            let step = &model.steps[s];
            finish[s] = start + attempt_time(step, step.dist.min()).0;
        }
        let bound = finish.iter().copied().fold(0.0, f64::max);
        for o in &run.outcomes {
            prop_assert!(o.rto >= bound - 1e-6, "trial rto {} below the bound {}", o.rto, bound);
        }
        for s in &report.steps {
            prop_assert!((0.0..=1.0).contains(&s.criticality));
            prop_assert!((-1.0..=1.0).contains(&s.cruciality));
        }
    }

    #[test]
    fn results_do_not_depend_on_the_thread_count(text in random_plan(), seed in 0u64..1000) {
        let plan = parse_plan(&text, Format::Toml, "p").unwrap().plan;
        let scenario = plan.default_scenario();
        for policy in [Policy::Lft, Policy::Playbook] {
            let model = Model::compile(&plan, &scenario, policy);
            // More than one block, so the blocks really are spread over threads.
            let one = RunConfig { trials: 2_500, seed, threads: 1 };
            let two = RunConfig { threads: 2, ..one };
            let a = summarize_run(&plan, &scenario, &model, &sim::run(&model, &one, &|_| {}).unwrap(), &one).expect("trials");
            let b = summarize_run(&plan, &scenario, &model, &sim::run(&model, &two, &|_| {}).unwrap(), &two).expect("trials");
            prop_assert_eq!(a, b);
        }
    }
}
