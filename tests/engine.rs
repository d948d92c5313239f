//! The engine against analytic answers. Every statistical check uses a fixed seed and a
//! tolerance of a few standard errors derived from the quantity's own variance.

use rtosim::analysis::summarize_run;
use rtosim::plan::{Format, Plan, parse_plan};
use rtosim::report::SimReport;
use rtosim::sim::{self, Model, Policy, RunConfig, RunResult};

fn plan(text: &str) -> Plan {
    parse_plan(text, Format::Toml, "test")
        .expect("valid test plan")
        .plan
}

fn simulate(
    plan: &Plan,
    trials: u64,
    seed: u64,
    threads: usize,
    policy: Policy,
) -> (SimReport, RunResult) {
    let scenario = plan.default_scenario();
    let model = Model::compile(plan, &scenario, policy);
    let config = RunConfig {
        trials,
        seed,
        threads,
    };
    let run = sim::run(&model, &config, &|_| {}).expect("thread pool");
    (
        summarize_run(plan, &scenario, &model, &run, &config).expect("trials"),
        run,
    )
}

fn rtos(run: &RunResult) -> Vec<f64> {
    run.outcomes.iter().map(|o| o.rto).collect()
}

/// Asserts `got` is within `k` standard errors of `expected`.
fn close(what: &str, got: f64, expected: f64, se: f64, k: f64) {
    assert!(
        (got - expected).abs() <= k * se,
        "{what}: got {got}, expected {expected} +/- {} ({k} x se {se})",
        k * se
    );
}

/// The standard error of a sample quantile: sqrt(q (1 - q) / n) / f(x_q).
fn quantile_se(q: f64, n: u64, density: f64) -> f64 {
    (q * (1.0 - q) / n as f64).sqrt() / density
}

#[test]
fn parallel_independent_steps_give_the_distribution_of_the_maximum() {
    // Five independent uniform(1h, 3h) steps: P(max <= x) = ((x - a) / (b - a))^5.
    let mut text = String::new();
    for i in 0..5 {
        text += &format!(
            "[[step]]\nid = \"s{i}\"\nduration = {{ dist = \"uniform\", min = \"1h\", max = \"3h\" }}\n"
        );
    }
    let n = 40_000;
    let (report, _) = simulate(&plan(&text), n, 11, 0, Policy::Lft);
    let (a, b, k) = (3600.0, 10_800.0, 5.0_f64);
    for (q, got) in [
        (0.5_f64, report.rto_seconds.p50),
        (0.9, report.rto_seconds.p90),
        (0.99, report.rto_seconds.p99),
    ] {
        let u = q.powf(1.0 / k);
        let exact = a + (b - a) * u;
        let density = k * u.powf(k - 1.0) / (b - a);
        close(
            &format!("P{}", q * 100.0),
            got,
            exact,
            quantile_se(q, n, density),
            4.0,
        );
    }
    // Exponential maxima too: P(max <= x) = (1 - exp(-x / m))^3.
    let mut text = String::new();
    for i in 0..3 {
        text += &format!(
            "[[step]]\nid = \"e{i}\"\nduration = {{ dist = \"exponential\", mean = \"1h\" }}\n"
        );
    }
    let (report, _) = simulate(&plan(&text), n, 12, 0, Policy::Lft);
    let m = 3600.0;
    for (q, got) in [
        (0.5_f64, report.rto_seconds.p50),
        (0.9, report.rto_seconds.p90),
    ] {
        let v = q.powf(1.0 / 3.0);
        let exact = -m * (1.0 - v).ln();
        let density = 3.0 * v.powf(2.0) * (1.0 - v) / m;
        close(
            &format!("exp P{}", q * 100.0),
            got,
            exact,
            quantile_se(q, n, density),
            4.0,
        );
    }
}

#[test]
fn steps_in_series_add_up() {
    // Fixed durations: exactly the sum.
    let text = "[[step]]\nid = \"a\"\nduration = \"20m\"\n[[step]]\nid = \"b\"\nafter = [\"a\"]\nduration = \"1h30m\"\n[[step]]\nid = \"c\"\nafter = [\"b\"]\nduration = \"45s\"\n";
    let (report, run) = simulate(&plan(text), 2_000, 3, 0, Policy::Lft);
    assert!(rtos(&run).iter().all(|&r| r == 1200.0 + 5400.0 + 45.0));
    assert_eq!(report.deterministic_rto_seconds, 6645.0);
    assert_eq!(report.critical_path, ["a", "b", "c"]);
    assert!(report.steps.iter().all(|s| s.criticality == 1.0));

    // Three uniform(0, 1h) in series: Irwin-Hall, mean 1.5 h, sd 1 h x sqrt(3 / 12).
    let mut text = String::new();
    for i in 0..3 {
        let after = if i == 0 {
            String::new()
        } else {
            format!("after = [\"u{}\"]\n", i - 1)
        };
        text += &format!(
            "[[step]]\nid = \"u{i}\"\n{after}duration = {{ dist = \"uniform\", min = \"0s\", max = \"1h\" }}\n"
        );
    }
    let n = 40_000;
    let (report, _) = simulate(&plan(&text), n, 5, 0, Policy::Lft);
    let sd = 3600.0 * (3.0_f64 / 12.0).sqrt();
    close(
        "Irwin-Hall mean",
        report.rto_seconds.mean,
        5400.0,
        sd / (n as f64).sqrt(),
        4.0,
    );
    // The sample sd's standard error is about sd sqrt((kurtosis - 1) / 4n); Irwin-Hall(3) has kurtosis 2.6.
    close(
        "Irwin-Hall sd",
        report.rto_seconds.sd,
        sd,
        sd * (1.6 / (4.0 * n as f64)).sqrt(),
        4.0,
    );
}

#[test]
fn one_group_does_independent_steps_one_after_another() {
    let text = "[teams]\nops = 1\n\
        [[step]]\nid = \"a\"\nteam = \"ops\"\nduration = \"10m\"\n\
        [[step]]\nid = \"b\"\nteam = \"ops\"\nduration = { dist = \"uniform\", min = \"10m\", max = \"30m\" }\n\
        [[step]]\nid = \"c\"\nteam = \"ops\"\nduration = { dist = \"exponential\", mean = \"15m\" }\n";
    let p = plan(text);
    let n = 20_000;
    let (report, run) = simulate(&p, n, 9, 0, Policy::Lft);
    // With common random numbers the same steps chained without a team draw the same
    // durations, so every trial must take exactly as long as the chain.
    let chain = text
        .replace("[teams]\nops = 1\n", "")
        .replace("team = \"ops\"\n", "")
        .replace("id = \"b\"\n", "id = \"b\"\nafter = [\"a\"]\n")
        .replace("id = \"c\"\n", "id = \"c\"\nafter = [\"b\"]\n");
    let (_, chained) = simulate(&plan(&chain), n, 9, 0, Policy::Lft);
    for (x, y) in rtos(&run).iter().zip(rtos(&chained)) {
        assert!((x - y).abs() < 1e-6, "{x} vs {y}");
    }
    let mean_sum = 600.0 + 1200.0 + 900.0;
    let sd = ((1200.0_f64.powi(2) / 12.0) + 900.0_f64.powi(2)).sqrt();
    close(
        "serial mean",
        report.rto_seconds.mean,
        mean_sum,
        sd / (n as f64).sqrt(),
        4.0,
    );
    assert!(
        (report.teams[0].utilisation - 1.0).abs() < 1e-6,
        "{}",
        report.teams[0].utilisation
    );
}

#[test]
fn retries_match_the_closed_form_mean() {
    // Fixed d, failure probability p, at most m failures; each failure costs U x d:
    // E[RTO] = d (1 + (1/2) sum_{k=1..m} p^k).
    let (d, p, m) = (3600.0, 0.3_f64, 3);
    let text =
        format!("[[step]]\nid = \"apply\"\nduration = \"1h\"\nretry = {{ p = {p}, max = {m} }}\n");
    let n = 60_000;
    let (report, run) = simulate(&plan(&text), n, 21, 0, Policy::Lft);
    let expected_failures: f64 = (1..=m).map(|k| p.powi(k)).sum();
    let expected = d * (1.0 + 0.5 * expected_failures);
    close(
        "retry mean",
        report.rto_seconds.mean,
        expected,
        report.rto_seconds.sd / (n as f64).sqrt(),
        4.0,
    );
    let failures: Vec<f64> = run.outcomes.iter().map(|o| f64::from(o.failures)).collect();
    assert!(failures.iter().all(|&f| f <= m as f64));
    let (fm, fsd) = rtosim::stats::mean_sd(&failures);
    close(
        "failures per trial",
        fm,
        expected_failures,
        fsd / (n as f64).sqrt(),
        4.0,
    );
}

#[test]
fn elasticity_one_halves_hands_on_time_when_size_doubles() {
    let text = "size-elasticity = 1\n[teams.db]\ngroups = 1\nsize = 4\nrecorded-size = 2\n\
        [[step]]\nid = \"restore\"\nteam = \"db\"\nduration = \"1h\"\n\
        [[step]]\nid = \"verify\"\nteam = \"db\"\nafter = [\"restore\"]\nhands-on = \"20m\"\nduration = \"1h\"\n";
    let (report, run) = simulate(&plan(text), 100, 1, 0, Policy::Lft);
    // restore: 1 h of hands-on work by twice the people: 30 m. verify: 20 m -> 10 m, plus 40 m unattended.
    assert!(rtos(&run).iter().all(|&r| r == 1800.0 + 600.0 + 2400.0));
    assert_eq!(report.deterministic_rto_seconds, 4800.0);
    // Elasticity 0 on a step: more hands do not help.
    let rigid = text.replace("duration = \"1h\"\n\n", "").replace(
        "[[step]]\nid = \"restore\"\nteam = \"db\"\nduration = \"1h\"\n",
        "[[step]]\nid = \"restore\"\nteam = \"db\"\nsize-elasticity = 0\nduration = \"1h\"\n",
    );
    let (_, run) = simulate(&plan(&rigid), 10, 1, 0, Policy::Lft);
    assert!(rtos(&run).iter().all(|&r| r == 3600.0 + 600.0 + 2400.0));
}

#[test]
fn a_limit_serialises_the_steps_that_share_it() {
    // Two restores share one slot; the third step needs no slot.
    let text = "[limits]\nslot = 1\n\
        [[step]]\nid = \"r1\"\nuses = { slot = 1 }\nduration = \"2h\"\n\
        [[step]]\nid = \"r2\"\nuses = { slot = 1 }\nduration = \"1h\"\n\
        [[step]]\nid = \"free\"\nduration = \"2h30m\"\n";
    let (report, run) = simulate(&plan(text), 50, 1, 0, Policy::Lft);
    assert!(rtos(&run).iter().all(|&r| r == 3.0 * 3600.0));
    // The chain runs through the resource link: the later restore waited for the earlier one.
    let crit: Vec<(String, f64)> = report
        .steps
        .iter()
        .map(|s| (s.id.clone(), s.criticality))
        .collect();
    assert_eq!(
        crit,
        [
            ("r1".to_string(), 1.0),
            ("r2".to_string(), 1.0),
            ("free".to_string(), 0.0)
        ]
    );
    assert_eq!(report.limits[0].wait_per_trial_seconds, 7200.0);
}

#[test]
fn cruciality_ranks_the_uncertain_step_first() {
    // A wide step and a narrow step in series with a fixed one: the wide one drives the RTO.
    let text = "[[step]]\nid = \"wide\"\nduration = { dist = \"uniform\", min = \"1h\", max = \"5h\" }\n\
        [[step]]\nid = \"narrow\"\nafter = [\"wide\"]\nduration = { dist = \"uniform\", min = \"1h\", max = \"1h10m\" }\n\
        [[step]]\nid = \"fixed\"\nafter = [\"narrow\"]\nduration = \"1h\"\n";
    let (report, _) = simulate(&plan(text), 20_000, 4, 0, Policy::Lft);
    let c: Vec<f64> = report.steps.iter().map(|s| s.cruciality).collect();
    // The sum of a U(0, 4) and a U(0, 1/6) has Spearman rho with the wide part close to 1.
    assert!(c[0] > 0.98, "{c:?}");
    assert!(c[1] > 0.0 && c[1] < 0.15, "{c:?}");
    assert_eq!(c[2], 0.0);
}

#[test]
fn cruciality_matches_spearman_rho_of_a_step_and_the_max() {
    // Two independent, identically distributed parallel steps: the RTO is the larger, and for
    // U, V iid uniform, Spearman's rho of U and max(U, V) is 12 E[U max(U,V)^2] - 3 = 0.6,
    // whatever the (continuous) distribution. One pair of each kind of key: a lognormal (normal
    // score), a uniform (population rank), and steps with retries (ranked within each block of
    // 256 trials, which adds the known bias (3 tau - rho) / 255, with Kendall's tau = 1/2).
    let pair = |duration: &str, retry: &str| {
        format!(
            "[[step]]\nid = \"x\"\nduration = {duration}\n{retry}\n\
             [[step]]\nid = \"y\"\nduration = {duration}\n{retry}\n"
        )
    };
    let within_block = 0.6 + (3.0 * 0.5 - 0.6) / 255.0;
    let cases = [
        (
            pair("{ dist = \"lognormal\", p50 = \"1h\", p90 = \"2h\" }", ""),
            0.6,
        ),
        (
            pair("{ dist = \"uniform\", min = \"1h\", max = \"2h\" }", ""),
            0.6,
        ),
        (
            pair(
                "{ dist = \"uniform\", min = \"1h\", max = \"2h\" }",
                "retry = { p = 0.3, max = 2 }",
            ),
            within_block,
        ),
    ];
    // Sample Spearman rho has standard error about (1 - rho^2) sqrt(1.06 / n) (Fieller, Hartley
    // and Pearson, 1957): 0.00072 here; the tolerance is four of them.
    let trials = 256 * 3200;
    let tolerance = 4.0 * (1.0 - 0.36) * (1.06 / trials as f64).sqrt();
    for (text, expected) in cases {
        let (report, _) = simulate(&plan(&text), trials, 11, 0, Policy::Lft);
        for step in &report.steps {
            assert!(
                (step.cruciality - expected).abs() < tolerance,
                "{}: {} against {expected} (tolerance {tolerance}) in\n{text}",
                step.id,
                step.cruciality
            );
        }
    }
}

#[test]
fn trials_side_by_side_match_trials_one_at_a_time() {
    // Without teams, limits or chaos the runner takes trials four at a time; recording start
    // times sends it down the one-at-a-time path. Everything else must agree to the bit, over
    // several blocks and a trial count that leaves a remainder.
    let p = plan(
        "[[step]]\nid = \"a\"\nduration = { dist = \"lognormal\", p50 = \"30m\", p90 = \"1h\" }\n\
         [[step]]\nid = \"b\"\nduration = { dist = \"uniform\", min = \"10m\", max = \"50m\" }\nretry = { p = 0.3, max = 2 }\n\
         [[step]]\nid = \"c\"\nafter = [\"a\", \"b\"]\nduration = { dist = \"lognormal\", p50 = \"20m\", p90 = \"25m\" }\n\
         [[step]]\nid = \"d\"\nafter = [\"a\"]\nduration = \"40m\"\n",
    );
    let mut model = Model::compile(&p, &p.default_scenario(), Policy::Lft);
    let config = RunConfig {
        trials: 3 * 256 + 7,
        seed: 5,
        threads: 2,
    };
    let side_by_side = sim::run(&model, &config, &|_| {}).unwrap();
    model.record_starts = true;
    let one_at_a_time = sim::run(&model, &config, &|_| {}).unwrap();
    assert_eq!(side_by_side.outcomes, one_at_a_time.outcomes);
    let (a, b) = (&side_by_side.accum, &one_at_a_time.accum);
    assert_eq!(a.critical, b.critical);
    assert_eq!(a.finish, b.finish);
    assert_eq!(a.pairs, b.pairs);
    assert_eq!(a.rto_ranks, b.rto_ranks);
    assert!(a.critical.iter().all(|&c| c > 0), "{:?}", a.critical);
}

#[test]
fn same_seed_same_result_at_any_thread_count() {
    let text = "[teams]\nops = 2\n[limits]\nslot = 1\n\
        [[step]]\nid = \"a\"\nteam = \"ops\"\nduration = { dist = \"pert\", min = \"10m\", mode = \"20m\", max = \"1h\" }\nretry = { p = 0.2, max = 2 }\n\
        [[step]]\nid = \"b\"\nteam = \"ops\"\nuses = { slot = 1 }\nduration = { dist = \"lognormal\", p50 = \"30m\", p90 = \"1h\" }\n\
        [[step]]\nid = \"c\"\nteam = \"ops\"\nafter = [\"a\"]\nuses = { slot = 1 }\nhands-on = \"5m\"\nduration = { dist = \"empirical\", samples = [\"20m\", \"25m\", \"40m\"] }\n\
        [[step]]\nid = \"d\"\nafter = [\"b\", \"c\"]\nduration = { dist = \"triangular\", min = \"5m\", mode = \"10m\", max = \"30m\" }\n";
    let p = plan(text);
    let (one, run1) = simulate(&p, 5_000, 77, 1, Policy::Lft);
    let (two, run2) = simulate(&p, 5_000, 77, 2, Policy::Lft);
    let (three, _) = simulate(&p, 5_000, 77, 3, Policy::Lft);
    assert_eq!(one, two);
    assert_eq!(one, three);
    assert_eq!(run1.outcomes, run2.outcomes);
    let (other, _) = simulate(&p, 5_000, 78, 2, Policy::Lft);
    assert_ne!(
        one.rto_seconds, other.rto_seconds,
        "a different seed must give different draws"
    );
}

#[test]
fn percentile_intervals_cover_the_truth_95_percent_of_the_time() {
    // P90 of an exponential with mean 1 h, and P(U(0, 2h) <= 1.5h) = 0.75, over 200 seeds.
    let exp = plan("[[step]]\nid = \"a\"\nduration = { dist = \"exponential\", mean = \"1h\" }\n");
    let uni = plan(
        "rto-target = \"1h30m\"\n[[step]]\nid = \"a\"\nduration = { dist = \"uniform\", min = \"0s\", max = \"2h\" }\n",
    );
    let truth = -3600.0 * (1.0_f64 - 0.9).ln();
    let runs = 200;
    let (mut p90_hits, mut target_hits) = (0, 0);
    for seed in 0..runs {
        let (report, _) = simulate(&exp, 1_000, seed, 1, Policy::Lft);
        let iv = report.rto_interval_seconds.p90;
        let r = &report.rto_seconds;
        assert!(iv.low <= r.p90 && r.p90 <= iv.high);
        assert!(
            r.min <= r.p50
                && r.p50 <= r.p80
                && r.p80 <= r.p90
                && r.p90 <= r.p95
                && r.p95 <= r.p99
                && r.p99 <= r.max
        );
        p90_hits += u32::from(iv.low <= truth && truth <= iv.high);
        let (report, _) = simulate(&uni, 1_000, seed, 1, Policy::Lft);
        let iv = report.target.expect("target").probability_interval;
        target_hits += u32::from(iv.low <= 0.75 && 0.75 <= iv.high);
    }
    // Coverage is at least 95% by construction (order statistics) or close to it (Wilson);
    // 200 runs estimate it with a standard error of 1.5 points.
    let se = (0.95_f64 * 0.05 / f64::from(runs as u32)).sqrt();
    for (what, hits) in [("P90 interval", p90_hits), ("Wilson interval", target_hits)] {
        let coverage = f64::from(hits) / f64::from(runs as u32);
        assert!(
            coverage >= 0.95 - 4.0 * se,
            "{what} covered the truth in only {coverage} of runs"
        );
    }
}

#[test]
fn the_objective_probability_matches_the_distribution() {
    // P(U(0, 2h) <= 1.5h) = 0.75.
    let text = "rto-target = \"1h30m\"\n[[step]]\nid = \"a\"\nduration = { dist = \"uniform\", min = \"0s\", max = \"2h\" }\n";
    let n = 40_000;
    let (report, _) = simulate(&plan(text), n, 2, 0, Policy::Lft);
    let t = report.target.expect("target");
    close(
        "P(meet)",
        t.probability_met,
        0.75,
        (0.75_f64 * 0.25 / n as f64).sqrt(),
        4.0,
    );
}

#[test]
fn surviving_systems_are_already_done() {
    let text = "[[step]]\nid = \"vpc\"\nsystem = \"network\"\nduration = \"1h\"\n\
        [[step]]\nid = \"db\"\nafter = [\"network\"]\nduration = \"2h\"\n\
        [[scenario]]\nname = \"db-only\"\nlost = [\"db\"]\n\
        [[scenario]]\nname = \"all\"\nlost = [\"*\"]\n";
    let p = plan(text);
    let (report, run) = simulate(&p, 10, 1, 0, Policy::Lft);
    assert_eq!(report.run.scenario, "db-only");
    assert_eq!(report.steps_needed, 1);
    assert!(rtos(&run).iter().all(|&r| r == 7200.0));
    let all = p.scenario("all").unwrap().clone();
    let model = Model::compile(&p, &all, Policy::Lft);
    assert_eq!(sim::deterministic(&model).rto, 3.0 * 3600.0);
}

#[test]
fn waiting_is_charged_to_whatever_blocks_the_step_at_each_moment() {
    // Two steps each hold the one group for 5 m of hands-on and the one slot for 1 h. The second
    // waits 5 m for the group (while the first has it), then 55 m for the slot.
    let text = "[teams]\nt = 1\n[limits]\nslot = 1\n\
        [[step]]\nid = \"a\"\nteam = \"t\"\nhands-on = \"5m\"\nuses = { slot = 1 }\nduration = \"1h\"\n\
        [[step]]\nid = \"b\"\nteam = \"t\"\nhands-on = \"5m\"\nuses = { slot = 1 }\nduration = \"1h\"\n";
    let (report, run) = simulate(&plan(text), 10, 1, 0, Policy::Lft);
    assert!(rtos(&run).iter().all(|&r| r == 7200.0));
    assert_eq!(report.teams[0].wait_per_trial_seconds, 300.0);
    assert_eq!(report.limits[0].wait_per_trial_seconds, 3300.0);
}
