//! Deterministic durations on PSPLIB j30 instances (Kolisch & Sprecher 1997): the schedule is
//! never shorter than the published optimum, and the single-pass LFT rule stays within a few
//! percent of it on average, as the literature reports for parallel list scheduling.

mod j30;

use rtosim::sim::{Model, Policy, deterministic};

#[test]
#[expect(
    clippy::print_stdout,
    reason = "the measured gap is worth seeing in the test log"
)]
fn lft_list_scheduling_on_j30_is_feasible_and_near_optimal() {
    let mut gaps = Vec::new();
    for (name, text, best) in j30::instances() {
        let plan = j30::plan(&text, &name);
        let model = Model::compile(&plan, &plan.default_scenario(), Policy::Lft);
        let makespan = deterministic(&model).rto;
        assert!(
            makespan >= best,
            "{name}: {makespan} beats the optimum {best}"
        );
        gaps.push(makespan / best - 1.0);
    }
    assert_eq!(gaps.len(), 96, "the test instances are missing");
    let mean_gap = gaps.iter().sum::<f64>() / gaps.len() as f64;
    println!(
        "mean gap to the optimum under lft: {:.2}% over {} instances",
        100.0 * mean_gap,
        gaps.len()
    );
    assert!(mean_gap < 0.06, "mean gap {mean_gap}");
}
