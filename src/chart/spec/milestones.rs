//! Spec of the milestones chart: each milestone's S-curve (the share of recoveries in which it
//! is reached by each time) on one time axis, each target marked.

use crate::analysis::group_times;
use crate::duration::hours;
use crate::plan::Plan;
use crate::report::SimReport;
use crate::sim::MilestoneTimes;

/// Points per curve.
const CURVE_POINTS: usize = 200;

/// The time axis ends at this quantile of the slowest milestone, as the RTO charts do.
const VIEW_QUANTILE: f64 = 0.995;

/// One milestone's curve.
#[derive(Debug, Clone, PartialEq)]
pub struct MilestoneCurve {
    /// The milestone's name.
    pub name: String,
    /// (hours, share of trials in which it is reached by then), by increasing time.
    pub points: Vec<(f64, f64)>,
    /// Its target in hours, and the share of trials that met it.
    pub target: Option<(f64, f64)>,
}

/// What the milestones chart shows.
#[derive(Debug, Clone, PartialEq)]
pub struct MilestonesSpec {
    /// One curve per milestone, in plan order.
    pub curves: Vec<MilestoneCurve>,
    /// Right end of the time axis in hours.
    pub x_max: f64,
}

/// The spec of a run's milestones: `None` when the plan has none.
pub fn milestones_chart(
    plan: &Plan,
    times: &MilestoneTimes,
    report: &SimReport,
) -> Option<MilestonesSpec> {
    if plan.milestones.is_empty() || times.trials() == 0 {
        return None;
    }
    let mut x_max: f64 = 0.0;
    let curves = report
        .milestones
        .each
        .iter()
        .enumerate()
        .map(|(k, m)| {
            let mut sorted = group_times(times, &[k]);
            sorted.sort_by(f64::total_cmp);
            let n = sorted.len();
            let view = sorted[((n - 1) as f64 * VIEW_QUANTILE) as usize];
            x_max = x_max.max(hours(view));
            let points = (0..=CURVE_POINTS)
                .map(|i| {
                    let q = i as f64 / CURVE_POINTS as f64;
                    // Nearest rank: the smallest time with at least a share q at or below it.
                    let rank = ((q * n as f64).ceil() as usize).clamp(1, n);
                    (hours(sorted[rank - 1]), q)
                })
                .collect();
            MilestoneCurve {
                name: m.name.clone(),
                points,
                target: m
                    .target
                    .as_ref()
                    .map(|t| (hours(t.rto_seconds), t.probability_met)),
            }
        })
        .collect::<Vec<_>>();
    let targets = curves.iter().filter_map(|c| c.target.map(|t| t.0));
    let x_max = targets.fold(x_max, f64::max) * 1.05;
    Some(MilestonesSpec {
        curves,
        x_max: if x_max > 0.0 { x_max } else { 1.0 },
    })
}
