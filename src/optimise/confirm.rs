//! The confirmation: the best order and each baseline policy on fresh draws (another seed), with
//! the paired difference of the objective and its 95% interval, so that an order that was
//! lucky on the search's trials is not sold as an improvement.

use rayon::prelude::*;
use serde::Serialize;

use super::objective::Objective;
use crate::sim::{Model, Policy, RandomSampler, TrialState, splitmix};
use crate::stats::paired::{mean_difference, quantile_difference};
use crate::stats::{Estimate, mean_sd, percentile_ci};

/// The seed of the confirmation's trials: derived from the search's, never equal to it.
pub fn confirmation_seed(seed: u64) -> u64 {
    // "optimise" in ASCII keeps the stream apart from every other use of the seed.
    splitmix(seed ^ 0x6f70_7469_6d69_7365)
}

/// Every trial's RTO of `model` under `seed`, in trial order, on both cores.
pub fn rtos(model: &Model, seed: u64, trials: u64) -> Vec<f64> {
    (0..trials)
        .into_par_iter()
        .map_init(
            || TrialState::new(model),
            |state, i| state.run(model, &mut RandomSampler::new(seed, i)),
        )
        .collect()
}

/// An order's objective on the confirmation's trials.
#[derive(Debug, Clone, Serialize)]
pub struct Confirmed {
    /// `"optimised"` or the baseline policy's name.
    pub name: String,
    /// The objective on the search's trials, in seconds.
    pub searched_seconds: f64,
    /// The objective on the confirmation's trials with its 95% interval, in seconds.
    pub confirmed_seconds: Estimate,
    /// The optimised order's objective minus this one's, trial by trial on the confirmation's
    /// draws, with its 95% interval (negative: the optimised order is faster). Zero for the
    /// optimised order itself.
    pub difference_seconds: Estimate,
}

/// The objective of `sample` with its 95% interval.
fn figure(objective: Objective, sample: &[f64], sorted: &[f64]) -> Estimate {
    match objective {
        Objective::Quantile(q) => percentile_ci(sorted, q),
        Objective::Mean => {
            let (mean, sd) = mean_sd(sample);
            let half = 1.959_963_984_540_054 * sd / (sample.len() as f64).sqrt();
            Estimate {
                value: mean,
                low: mean - half,
                high: mean + half,
            }
        }
    }
}

/// Confirms `best` (a model dispatching by the optimised order) against `baselines`, each the
/// model under a policy with its objective on the search's trials.
pub fn confirm(
    objective: Objective,
    best: (&Model, f64),
    baselines: &[(Policy, &Model, f64)],
    seed: u64,
    trials: u64,
) -> Vec<Confirmed> {
    let sorted = |v: &[f64]| {
        let mut s = v.to_vec();
        s.sort_unstable_by(f64::total_cmp);
        s
    };
    let ours = rtos(best.0, seed, trials);
    let ours_sorted = sorted(&ours);
    let difference = |theirs: &[f64], theirs_sorted: &[f64]| match objective {
        Objective::Quantile(q) => {
            quantile_difference(&ours, theirs, &ours_sorted, theirs_sorted, q)
        }
        Objective::Mean => mean_difference(&ours, theirs),
    };
    let mut out = vec![Confirmed {
        name: "optimised".to_string(),
        searched_seconds: best.1,
        confirmed_seconds: figure(objective, &ours, &ours_sorted),
        difference_seconds: difference(&ours, &ours_sorted),
    }];
    for &(policy, model, searched) in baselines {
        let theirs = rtos(model, seed, trials);
        let theirs_sorted = sorted(&theirs);
        out.push(Confirmed {
            name: policy.name().to_string(),
            searched_seconds: searched,
            confirmed_seconds: figure(objective, &theirs, &theirs_sorted),
            difference_seconds: difference(&theirs, &theirs_sorted),
        });
    }
    out
}
