//! Specs of the distribution charts: the RTO histogram, the S-curve and the tornado of drivers.

use crate::duration::hours;
use crate::report::SimReport;
use crate::sim::Outcome;

/// How many bars the RTO histogram aims for.
const HISTOGRAM_BINS: f64 = 40.0;

/// How many points trace the S-curve.
const CURVE_POINTS: usize = 400;

/// The time axes of the distribution charts end at this quantile of the RTO: the last half
/// percent of trials can stretch an axis several times over and squeeze the rest into a corner.
/// What lies beyond is stated on the chart.
const VIEW_QUANTILE: f64 = 0.995;

/// How many steps the tornado lists.
pub const TOP_DRIVERS: usize = 10;

/// Above this multiple of the data's range, the objective is marked "off the chart" rather than
/// squeezing the data into a corner.
const OBJECTIVE_REACH: f64 = 2.0;

/// The recovery time objective as a chart shows it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Objective {
    /// The objective in hours.
    pub hours: f64,
    /// Share of trials that met it.
    pub probability_met: f64,
}

/// A vertical marker at a percentile of the RTO.
#[derive(Debug, Clone, PartialEq)]
pub struct Percentile {
    /// Its name, such as `"P90"`.
    pub name: String,
    /// The share of trials at or below it.
    pub q: f64,
    /// Its value in hours.
    pub hours: f64,
}

/// One bar of the histogram.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bin {
    /// Lower edge in hours.
    pub low: f64,
    /// Upper edge in hours.
    pub high: f64,
    /// Share of trials whose RTO falls in `[low, high)`.
    pub share: f64,
}

/// Trials slower than a distribution chart's time axis shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tail {
    /// Their share of all trials.
    pub share: f64,
    /// The slowest trial in hours.
    pub slowest: f64,
}

/// Chart 1: the RTO histogram with percentile markers and the objective.
#[derive(Debug, Clone, PartialEq)]
pub struct HistogramSpec {
    /// Bars, left to right, edge to edge, up to the end of the axis.
    pub bins: Vec<Bin>,
    /// Trials beyond the last bar, if any.
    pub tail: Option<Tail>,
    /// P50 and P90.
    pub percentiles: Vec<Percentile>,
    /// The objective, when the plan sets one.
    pub objective: Option<Objective>,
    /// Right end of the time axis in hours.
    pub x_max: f64,
}

/// Chart 2: the chance of having recovered by each time (the empirical CDF of the RTO).
#[derive(Debug, Clone, PartialEq)]
pub struct SCurveSpec {
    /// `(hours, share of trials recovered by then)`, increasing in both, up to `x_max`.
    pub points: Vec<(f64, f64)>,
    /// Trials beyond the end of the axis, if any.
    pub tail: Option<Tail>,
    /// The report's percentiles, annotated on the curve.
    pub percentiles: Vec<Percentile>,
    /// The objective, when the plan sets one.
    pub objective: Option<Objective>,
    /// Right end of the time axis in hours.
    pub x_max: f64,
}

/// One step in the tornado.
#[derive(Debug, Clone, PartialEq)]
pub struct Driver {
    /// The step's id.
    pub id: String,
    /// Its label for people.
    pub label: String,
    /// Rank correlation of its duration with the RTO.
    pub cruciality: f64,
    /// Share of trials in which it was on the critical chain.
    pub criticality: f64,
}

/// Chart 3: the steps that drive the RTO most, by cruciality, with their criticality beside.
#[derive(Debug, Clone, PartialEq)]
pub struct TornadoSpec {
    /// Top drivers, strongest first.
    pub drivers: Vec<Driver>,
    /// Steps the scenario needs (the tornado shows the top few).
    pub of_steps: usize,
}

/// Right end of a time axis: the data and the objective (when it is within reach), plus air.
pub(super) fn axis_max(data_max: f64, objective: Option<f64>) -> f64 {
    let data = if data_max.is_finite() && data_max > 0.0 {
        data_max
    } else {
        1.0
    };
    let with_objective = match objective {
        Some(t) if t <= OBJECTIVE_REACH * data => data.max(t),
        _ => data,
    };
    with_objective * 1.04
}

fn objective_of(report: &SimReport) -> Option<Objective> {
    report.target.as_ref().map(|t| Objective {
        hours: hours(t.rto_seconds),
        probability_met: t.probability_met,
    })
}

/// A "nice" bin width (1, 2, 2.5 or 5 times a power of ten) near `raw`.
fn nice_width(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let power = 10f64.powf(raw.log10().floor());
    let m = raw / power;
    let nice = if m <= 1.0 {
        1.0
    } else if m <= 2.0 {
        2.0
    } else if m <= 2.5 {
        2.5
    } else if m <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * power
}

/// Chart 1 from the sorted RTOs of every trial (seconds) and the report built from them.
pub fn histogram(sorted_rtos: &[f64], report: &SimReport) -> HistogramSpec {
    let objective = objective_of(report);
    let percentiles = vec![
        Percentile {
            name: "P50".into(),
            q: 0.5,
            hours: hours(report.rto_seconds.p50),
        },
        Percentile {
            name: "P90".into(),
            q: 0.9,
            hours: hours(report.rto_seconds.p90),
        },
    ];
    let (Some(&first), Some(&last)) = (sorted_rtos.first(), sorted_rtos.last()) else {
        return HistogramSpec {
            bins: Vec::new(),
            tail: None,
            percentiles,
            objective,
            x_max: axis_max(0.0, objective.map(|o| o.hours)),
        };
    };
    let n = sorted_rtos.len();
    let view_end = hours(view_end(sorted_rtos));
    let lo = hours(first);
    // A plan with fixed durations has one value; give its bar a visible width.
    let width = nice_width(
        ((view_end - lo) / HISTOGRAM_BINS)
            .max(view_end.abs() * 0.005)
            .max(1.0 / 60.0),
    );
    let start = (lo / width).floor() * width;
    let count = ((view_end - start) / width).floor() as usize + 1;
    let mut counts = vec![0u64; count];
    let mut beyond = 0u64;
    for &r in sorted_rtos {
        let i = ((hours(r) - start) / width).floor().max(0.0) as usize;
        match counts.get_mut(i) {
            Some(c) => *c += 1,
            None => beyond += 1,
        }
    }
    let bins = counts
        .iter()
        .enumerate()
        .map(|(i, &c)| Bin {
            low: start + i as f64 * width,
            high: start + (i + 1) as f64 * width,
            share: c as f64 / n as f64,
        })
        .collect::<Vec<_>>();
    let right = bins.last().map_or(view_end, |b| b.high);
    HistogramSpec {
        bins,
        tail: (beyond > 0).then(|| Tail {
            share: beyond as f64 / n as f64,
            slowest: hours(last),
        }),
        percentiles,
        objective,
        x_max: axis_max(right, objective.map(|o| o.hours)),
    }
}

/// Where the distribution charts' axes end, in seconds: the [`VIEW_QUANTILE`] of the RTO.
fn view_end(sorted_rtos: &[f64]) -> f64 {
    let n = sorted_rtos.len();
    if n == 0 {
        return 0.0;
    }
    let rank = ((VIEW_QUANTILE * n as f64).ceil() as usize).clamp(1, n);
    sorted_rtos[rank - 1]
}

/// Chart 2 from the sorted RTOs (seconds) and the report built from them.
pub fn s_curve(sorted_rtos: &[f64], report: &SimReport) -> SCurveSpec {
    let objective = objective_of(report);
    let r = &report.rto_seconds;
    let percentiles = [
        ("P50", 0.5, r.p50),
        ("P80", 0.8, r.p80),
        ("P90", 0.9, r.p90),
        ("P95", 0.95, r.p95),
        ("P99", 0.99, r.p99),
    ]
    .into_iter()
    .map(|(name, q, v)| Percentile {
        name: name.into(),
        q,
        hours: hours(v),
    })
    .collect();
    let n = sorted_rtos.len();
    let x_max = axis_max(hours(view_end(sorted_rtos)), objective.map(|o| o.hours));
    let mut points = Vec::with_capacity(CURVE_POINTS + 2);
    if let Some(&first) = sorted_rtos.first() {
        points.push((hours(first), 0.0));
        let m = CURVE_POINTS.min(n);
        for i in 1..=m {
            let q = i as f64 / m as f64;
            // Nearest rank: the smallest RTO with at least a share q of trials at or below it.
            let rank = ((q * n as f64).ceil() as usize).clamp(1, n);
            let h = hours(sorted_rtos[rank - 1]);
            if h > x_max {
                break;
            }
            points.push((h, q));
        }
    }
    // The share recovered by the end of the axis, where the curve leaves the chart.
    let within = sorted_rtos.partition_point(|&r| hours(r) <= x_max);
    let tail = (within < n).then(|| Tail {
        share: (n - within) as f64 / n as f64,
        slowest: sorted_rtos.last().map_or(0.0, |&v| hours(v)),
    });
    if n > 0 {
        points.push((x_max, within as f64 / n as f64));
    }
    SCurveSpec {
        points,
        tail,
        percentiles,
        objective,
        x_max,
    }
}

/// Text from the plan with control characters replaced: XML cannot hold most of them.
pub(super) fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect()
}

/// Chart 3 from the report: the first [`TOP_DRIVERS`] steps of the one ranking of what drives
/// the RTO ([`crate::report::ranking`]), each bar its cruciality.
pub fn tornado(report: &SimReport) -> TornadoSpec {
    let finite = |x: f64| if x.is_finite() { x } else { 0.0 };
    let drivers: Vec<Driver> = crate::report::ranking::ranked_steps(report)
        .into_iter()
        .take(TOP_DRIVERS)
        .map(|s| Driver {
            id: s.id.clone(),
            label: clean(&s.label),
            cruciality: finite(s.cruciality),
            criticality: finite(s.criticality),
        })
        .collect();
    TornadoSpec {
        drivers,
        of_steps: report.steps.len(),
    }
}

/// The trial whose RTO is closest to `rto` seconds (the first such trial on ties).
pub fn representative_trial(outcomes: &[Outcome], rto: f64) -> u64 {
    let mut best = 0;
    let mut gap = f64::INFINITY;
    for (i, o) in outcomes.iter().enumerate() {
        let g = (o.rto - rto).abs();
        if g < gap {
            gap = g;
            best = i;
        }
    }
    best as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_widths() {
        assert_eq!(nice_width(0.3), 0.5);
        assert_eq!(nice_width(1.7), 2.0);
        assert_eq!(nice_width(0.022), 0.025);
        assert_eq!(nice_width(7.0), 10.0);
    }

    #[test]
    fn axis_reaches_the_objective_only_when_near() {
        assert!((axis_max(10.0, Some(15.0)) - 15.6).abs() < 1e-9);
        assert!((axis_max(10.0, Some(50.0)) - 10.4).abs() < 1e-9);
        assert!((axis_max(10.0, None) - 10.4).abs() < 1e-9);
    }

    #[test]
    fn representative_trial_is_the_closest() {
        let o = |rto| Outcome {
            rto,
            ..Outcome::default()
        };
        let outcomes = [o(5.0), o(9.0), o(11.0), o(9.0)];
        assert_eq!(representative_trial(&outcomes, 10.2), 2);
        assert_eq!(representative_trial(&outcomes, 9.4), 1);
    }
}
