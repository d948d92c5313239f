//! The confirmation: the best order and each baseline policy on fresh draws (another seed), with
//! the paired difference of the objective and its 95% interval, so that an order that was
//! lucky on the search's trials is not sold as an improvement. For `p(meet)` the difference is
//! of paired proportions (McNemar-style, [`share_difference`]).

use rayon::prelude::*;
use serde::Serialize;

use super::objective::{Measure, Statistic};
use crate::sim::{Model, Policy, TrialState, splitmix};
use crate::stats::paired::{mean_difference, quantile_difference, share_difference};
use crate::stats::{Estimate, mean_sd, percentile_ci, proportion};

/// The seed of the confirmation's trials: derived from the search's, never equal to it.
pub fn confirmation_seed(seed: u64) -> u64 {
    // "optimise" in ASCII keeps the stream apart from every other use of the seed.
    splitmix(seed ^ 0x6f70_7469_6d69_7365)
}

/// Every trial's value of `model` under `seed` for `measure` (the RTO, a milestone's time, or
/// 1 and 0 for met and missed), in trial order, on both cores.
pub fn values(model: &Model, measure: &Measure, seed: u64, trials: u64) -> Vec<f64> {
    (0..trials)
        .into_par_iter()
        .map_init(
            || (TrialState::new(model), measure.buffer(model)),
            |(state, reached), i| measure.trial(model, state, seed, i, reached),
        )
        .collect()
}

/// An order's objective on the confirmation's trials. Serialised with its unit in the keys:
/// `searched_seconds`, `confirmed_seconds`, `difference_seconds` for times, and
/// `searched_share`, `confirmed_share`, `difference_share` for `p(meet)`.
#[derive(Debug, Clone)]
pub struct Confirmed {
    /// `"optimised"` or the baseline policy's name.
    pub name: String,
    /// The objective on the search's trials, in seconds (for `p(meet)`, a share).
    pub searched_seconds: f64,
    /// The objective on the confirmation's trials with its 95% interval, in seconds (for
    /// `p(meet)`, a share).
    pub confirmed_seconds: Estimate,
    /// The optimised order's objective minus this one's, trial by trial on the confirmation's
    /// draws, with its 95% interval (negative: the optimised order is faster; for `p(meet)`,
    /// positive: it meets the objective more often). Zero for the optimised order itself.
    pub difference_seconds: Estimate,
    /// Whether the figures are shares (`p(meet)`) rather than seconds.
    pub share: bool,
}

impl Serialize for Confirmed {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let unit = if self.share { "share" } else { "seconds" };
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("name", &self.name)?;
        map.serialize_entry(&format!("searched_{unit}"), &self.searched_seconds)?;
        map.serialize_entry(&format!("confirmed_{unit}"), &self.confirmed_seconds)?;
        map.serialize_entry(&format!("difference_{unit}"), &self.difference_seconds)?;
        map.end()
    }
}

/// The statistic of `sample` with its 95% interval; `exact` when every duration is fixed (one
/// trial is the whole distribution).
fn figure(statistic: Statistic, sample: &[f64], sorted: &[f64], exact: bool) -> Estimate {
    match statistic {
        Statistic::Quantile(q) => percentile_ci(sorted, q),
        Statistic::Mean => {
            let (mean, sd) = mean_sd(sample);
            let half = 1.959_963_984_540_054 * sd / (sample.len() as f64).sqrt();
            Estimate {
                value: mean,
                low: mean - half,
                high: mean + half,
            }
        }
        Statistic::Meet if exact => {
            let share = sample.iter().sum::<f64>() / sample.len() as f64;
            Estimate {
                value: share,
                low: share,
                high: share,
            }
        }
        Statistic::Meet => {
            let hits = sample.iter().filter(|&&v| v > 0.5).count();
            proportion(hits as u64, sample.len() as u64)
        }
    }
}

/// Confirms `best` (a model dispatching by the optimised order, with its objective on the
/// search's trials) against `baselines`, each the model under a policy with its objective on
/// the search's trials. `exact` when every duration is fixed.
pub fn confirm(
    measure: &Measure,
    best: (&Model, f64),
    baselines: &[(Policy, &Model, f64)],
    (seed, trials, exact): (u64, u64, bool),
) -> Vec<Confirmed> {
    use crate::stats::sorted;
    let statistic = measure.statistic;
    let ours = values(best.0, measure, seed, trials);
    let ours_sorted = sorted(&ours);
    let met = |v: &[f64]| v.iter().map(|&x| x > 0.5).collect::<Vec<bool>>();
    let difference = |theirs: &[f64], theirs_sorted: &[f64]| match statistic {
        Statistic::Quantile(q) => {
            quantile_difference(&ours, theirs, &ours_sorted, theirs_sorted, q)
        }
        Statistic::Mean => mean_difference(&ours, theirs),
        Statistic::Meet => share_difference(&met(&ours), &met(theirs)),
    };
    let confirmed = |name: &str, searched: f64, v: &[f64], v_sorted: &[f64]| Confirmed {
        name: name.to_string(),
        searched_seconds: searched,
        confirmed_seconds: figure(statistic, v, v_sorted, exact),
        difference_seconds: difference(v, v_sorted),
        share: statistic.maximised(),
    };
    let mut out = vec![confirmed("optimised", best.1, &ours, &ours_sorted)];
    for &(policy, model, searched) in baselines {
        let theirs = values(model, measure, seed, trials);
        out.push(confirmed(
            policy.name(),
            searched,
            &theirs,
            &sorted(&theirs),
        ));
    }
    out
}
