//! The live forecast's engine hook against closed forms: trials conditioned on what a log of
//! the recovery in progress says (finished steps keep their times, running steps are drawn
//! conditioned on what they have run, steps not started cannot start before now). Fixed seeds;
//! tolerances of a few standard errors of the quantity checked.

use rtosim::plan::{Format, Plan, parse_plan};
use rtosim::sim::{self, Model, Policy, Progress, RunConfig};

const H: f64 = 3600.0;

fn plan(text: &str) -> Plan {
    parse_plan(text, Format::Toml, "test")
        .expect("valid test plan")
        .plan
}

/// The RTOs of `trials` trials of `plan` conditioned on `progress` at `now`.
fn forecast(plan: &Plan, progress: &[Progress], now: f64, trials: u64, threads: usize) -> Vec<f64> {
    let scenario = plan.default_scenario();
    let mut model = Model::compile(plan, &scenario, Policy::Lft);
    model.condition(progress, now);
    let config = RunConfig {
        trials,
        seed: 42,
        threads,
    };
    let run = sim::run(&model, &config, &|_| {}).expect("thread pool");
    run.outcomes.iter().map(|o| o.rto).collect()
}

fn mean_se(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, (v / n).sqrt())
}

fn quantile(xs: &[f64], p: f64) -> f64 {
    let mut s = xs.to_vec();
    s.sort_by(f64::total_cmp);
    s[((p * s.len() as f64) as usize).min(s.len() - 1)]
}

fn running(start: f64) -> Progress {
    Progress::Running {
        start,
        attempt_start: start,
        failures: 0,
    }
}

#[test]
fn an_exponential_step_that_has_run_3h_keeps_its_full_mean_remaining() {
    let p = plan("[[step]]\nid = \"a\"\nduration = { dist = \"exponential\", mean = \"2h\" }\n");
    let rtos = forecast(&p, &[running(0.0)], 3.0 * H, 40_000, 1);
    let remaining: Vec<f64> = rtos.iter().map(|r| r - 3.0 * H).collect();
    assert!(remaining.iter().all(|&r| r >= 0.0));
    let (m, se) = mean_se(&remaining);
    assert!((m - 2.0 * H).abs() < 4.0 * se, "mean remaining {m} ± {se}");
}

#[test]
fn a_lognormal_step_past_its_median_has_the_truncated_percentiles() {
    // Lognormal p50 1h, p90 2h, run for 1.5h. Conditioned quantile q:
    // x_q = exp(mu + sigma * Phi^-1(F(e) + q (1 - F(e)))).
    let (p50, p90) = (H, 2.0 * H);
    let p = plan(
        "[[step]]\nid = \"a\"\nduration = { dist = \"lognormal\", p50 = \"1h\", p90 = \"2h\" }\n",
    );
    let e = 1.5 * H;
    let n = 40_000;
    let rtos = forecast(&p, &[running(0.0)], e, n, 2);
    let mu = p50.ln();
    let sigma = (p90.ln() - mu) / rtosim::dist::Z90;
    let fe = rtosim::dist::normal_cdf((e.ln() - mu) / sigma);
    for q in [0.5, 0.9, 0.99] {
        let z = rtosim::dist::normal_quantile(fe + q * (1.0 - fe));
        let x = (mu + sigma * z).exp();
        // Density of the conditioned law at x, for the quantile's standard error.
        let pdf = (-(z * z) / 2.0).exp() / (x * sigma * (2.0 * std::f64::consts::PI).sqrt());
        let density = pdf / (1.0 - fe);
        let se = (q * (1.0 - q) / n as f64).sqrt() / density;
        let got = quantile(&rtos, q);
        assert!(
            (got - x).abs() < 4.0 * se,
            "P{q}: got {got}, expected {x} ± {se}"
        );
    }
}

#[test]
fn a_fixed_10h_step_running_for_4h_has_exactly_6h_left() {
    let p = plan("[[step]]\nid = \"a\"\nduration = \"10h\"\n");
    let rtos = forecast(&p, &[running(0.0)], 4.0 * H, 100, 1);
    assert!(rtos.iter().all(|&r| r == 10.0 * H), "{:?}", &rtos[..3]);
}

#[test]
fn a_chain_whose_first_step_finished_at_a_gives_a_plus_the_second() {
    // RTO = a + D2 with D2 uniform(1h, 3h): mean a + 2h, P(RTO <= a + 1.5h) = 1/4.
    let p = plan(
        "[[step]]\nid = \"a\"\nduration = { dist = \"exponential\", mean = \"5h\" }\n\
         [[step]]\nid = \"b\"\nafter = [\"a\"]\nduration = { dist = \"uniform\", min = \"1h\", max = \"3h\" }\n",
    );
    let a = 2.5 * H;
    let done = Progress::Done {
        start: 0.0,
        attempt_start: 0.0,
        finish: a,
        failures: 0,
    };
    let rtos = forecast(&p, &[done, Progress::Waiting], a, 40_000, 1);
    assert!(rtos.iter().all(|&r| (a + H..=a + 3.0 * H).contains(&r)));
    let (m, se) = mean_se(&rtos);
    assert!((m - (a + 2.0 * H)).abs() < 4.0 * se, "{m} ± {se}");
    let below = rtos.iter().filter(|&&r| r <= a + 1.5 * H).count() as f64 / rtos.len() as f64;
    let se_p = (0.25 * 0.75 / rtos.len() as f64).sqrt();
    assert!((below - 0.25).abs() < 4.0 * se_p, "{below}");
}

#[test]
fn a_step_not_started_waits_for_now_and_a_busy_team_stays_busy() {
    // One ops group: "a" (fixed 2h) runs since 0h; "b" (fixed 1h) not started. At now = 1h,
    // "b" cannot start before "a" frees the group at 2h: RTO = 3h exactly. Without a team
    // "b" would start at now: RTO = max(2h, 1h + 1h) = 2h.
    let text = "[teams]\nops = 1\n[[step]]\nid = \"a\"\nteam = \"ops\"\nduration = \"2h\"\n\
                [[step]]\nid = \"b\"\nteam = \"ops\"\nduration = \"1h\"\n";
    let rtos = forecast(&plan(text), &[running(0.0), Progress::Waiting], H, 50, 1);
    assert!(rtos.iter().all(|&r| r == 3.0 * H), "{:?}", &rtos[..2]);
    let free = text
        .replace("[teams]\nops = 1\n", "")
        .replace("team = \"ops\"\n", "");
    let rtos = forecast(&plan(&free), &[running(0.0), Progress::Waiting], H, 50, 1);
    assert!(rtos.iter().all(|&r| r == 2.0 * H));
    // Later than the last event: nothing starts before now.
    let rtos = forecast(
        &plan(&free),
        &[running(0.0), Progress::Waiting],
        5.0 * H,
        50,
        1,
    );
    assert!(rtos.iter().all(|&r| r == 6.0 * H), "{:?}", &rtos[..2]);
}

#[test]
fn a_step_run_past_all_its_samples_gets_a_tail_not_zero() {
    let p = plan(
        "[[step]]\nid = \"a\"\nduration = { dist = \"empirical\", samples = [\"1h\", \"2h\", \"3h\"] }\n",
    );
    let rtos = forecast(&p, &[running(0.0)], 5.0 * H, 2_000, 1);
    assert!(rtos.iter().all(|&r| r > 5.0 * H && r.is_finite()));
    let (m, _) = mean_se(&rtos);
    assert!(m > 5.0 * H + 60.0, "the fitted tail leaves time to go: {m}");
}

#[test]
fn a_conditioned_forecast_is_the_same_on_any_number_of_threads() {
    let p = plan(
        "[teams]\nops = 2\n[[step]]\nid = \"a\"\nteam = \"ops\"\nduration = { dist = \"pert\", min = \"1h\", mode = \"2h\", max = \"5h\" }\n\
         [[step]]\nid = \"b\"\nteam = \"ops\"\nduration = { dist = \"lognormal\", p50 = \"1h\", p90 = \"3h\" }\n\
         [[step]]\nid = \"c\"\nafter = [\"a\", \"b\"]\nteam = \"ops\"\nretry = { p = 0.3, max = 2 }\nduration = \"30m\"\n",
    );
    let progress = [running(0.0), running(0.5 * H), Progress::Waiting];
    let one = forecast(&p, &progress, 2.0 * H, 2_000, 1);
    let two = forecast(&p, &progress, 2.0 * H, 2_000, 2);
    assert_eq!(one, two);
    assert!(one.iter().all(|&r| r >= 2.5 * H));
}

#[test]
fn a_running_step_keeps_its_failed_attempts_and_may_fail_again() {
    // Fixed 1h attempts that all but always fail (p = 1 - 1e-10), at most twice. Two failures logged, the third attempt
    // started at 2h: it cannot fail, so at now = 2.5h it ends at exactly 3h.
    let p =
        plan("[[step]]\nid = \"a\"\nduration = \"1h\"\nretry = { p = 0.9999999999, max = 2 }\n");
    let third = Progress::Running {
        start: 0.0,
        attempt_start: 2.0 * H,
        failures: 2,
    };
    let rtos = forecast(&p, &[third], 2.5 * H, 200, 1);
    assert!(rtos.iter().all(|&r| r == 3.0 * H), "{:?}", &rtos[..3]);
    // One failure logged: the attempt running since 2h fails at a uniform point of what is
    // left of it (2.5h to 3h), then a last attempt of 1h: RTO uniform on [3.5h, 4h].
    let second = Progress::Running {
        start: 0.0,
        attempt_start: 2.0 * H,
        failures: 1,
    };
    let rtos = forecast(&p, &[second], 2.5 * H, 20_000, 1);
    assert!(rtos.iter().all(|&r| (3.5 * H..=4.0 * H).contains(&r)));
    let (m, se) = mean_se(&rtos);
    assert!((m - 3.75 * H).abs() < 4.0 * se, "{m} ± {se}");
}
