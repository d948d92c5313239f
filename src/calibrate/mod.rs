//! After the game day: where each drill's actual recovery fell in the forecast.
//!
//! The forecast is the simulation of the plan (same scenario, policy, trials and seed as
//! `simulate`). For each drill:
//!
//! - **Actual RTO.** When every observation of the drill has start and end times, the wall time
//!   from the earliest start to the latest end: what the clock on the wall said, waits included.
//!   Otherwise (durations only), the drill is *replayed* through the plan's schedule: the same
//!   dispatcher as a trial (teams, limits, priority policy), with each step taking the time the
//!   drill recorded (its failed attempts first, then its successful one) and steps the drill did
//!   not time taking their mean, as listed in `untimed_steps`.
//! - **Percentile.** The share of forecast trials with a smaller RTO (mid-rank for ties). Over
//!   many drills of a well-calibrated plan the percentiles are uniform, so about 80 % of drills
//!   land between the forecast P10 and P90: that share is the *coverage*.
//! - **Steps.** Each timed step's actual time (first start to last end, or the sum of its
//!   attempts) against the forecast of the step's time from start to finish in the same trials:
//!   its retries and everything the plan's chaos can do to it (factors, risk delays and
//!   restarts, shift pauses), so a drill that met one of the plan's own risks is not blamed on
//!   the step. Steps outside P10 to P90 are flagged slow or fast, and outside P1 to P99 also as
//!   outliers.
//!
//! Observations of steps the plan does not have are errors ([`unknown_steps`]); steps of the
//! plan outside the scenario are listed as ignored.
//!
//! Pure: the caller reads the observation files and runs nothing else.

mod render;

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::import::{ImportError, Observation, Outcome};
use crate::plan::{Plan, Scenario, did_you_mean};
use crate::report::RunHeader;
use crate::sim::{
    CStep, MeanSampler, Model, RandomSampler, RunConfig, RunResult, Sampler, StepTiming, TrialState,
};
use crate::stats::percentile;

pub use render::render_calibration;

/// Most trials sampled per step for its forecast percentiles.
const STEP_SAMPLES: u64 = 20_000;

/// One drill's observations, grouped by their drill label (or their file, when unlabelled).
#[derive(Debug, Clone, PartialEq)]
pub struct Drill {
    /// The drill label.
    pub label: String,
    /// Its observations.
    pub observations: Vec<Observation>,
}

/// Groups observations into drills: by `drill` label, and by `file` for unlabelled ones, in
/// order of first appearance.
pub fn group_drills(files: &[(String, Vec<Observation>)]) -> Vec<Drill> {
    let mut out: Vec<Drill> = Vec::new();
    for (file, observations) in files {
        for o in observations {
            let label = o.drill.clone().unwrap_or_else(|| file.clone());
            match out.iter_mut().find(|d| d.label == label) {
                Some(d) => d.observations.push(o.clone()),
                None => out.push(Drill {
                    label,
                    observations: vec![o.clone()],
                }),
            }
        }
    }
    out
}

/// P10, P50 and P90 in seconds.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Band {
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
}

impl Band {
    fn of(sorted: &[f64]) -> Band {
        Band {
            p10: percentile(sorted, 0.1),
            p50: percentile(sorted, 0.5),
            p90: percentile(sorted, 0.9),
        }
    }
}

/// Where a value fell against a forecast band.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Flag {
    /// Below the forecast P10.
    Fast,
    /// Between P10 and P90.
    Inside,
    /// Above the forecast P90.
    Slow,
}

/// One timed step of one drill.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StepCalibration {
    /// The step id.
    pub id: String,
    /// Its actual time in seconds, failed attempts included.
    pub actual_seconds: f64,
    /// Attempts observed.
    pub attempts: u32,
    /// Failed attempts among them.
    pub failures: u32,
    /// The forecast of the step's time, retries included.
    pub forecast_seconds: Band,
    /// Share of forecast draws below the actual time.
    pub percentile: f64,
    /// Against P10 to P90.
    pub flag: Flag,
    /// Outside the forecast P1 to P99.
    pub outlier: bool,
}

/// How a drill's actual RTO was measured.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Latest end minus earliest start.
    Timestamps,
    /// Replayed through the plan's schedule from recorded durations.
    Replayed,
}

/// One drill against the forecast.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DrillCalibration {
    /// The drill label.
    pub drill: String,
    /// Its actual RTO in seconds.
    pub actual_rto_seconds: f64,
    /// How it was measured.
    pub method: Method,
    /// Share of forecast trials with a smaller RTO.
    pub percentile: f64,
    /// Against the forecast P10 to P90.
    pub flag: Flag,
    /// Timed steps of the scenario, in plan order.
    pub steps: Vec<StepCalibration>,
    /// Steps the scenario needs that the drill did not time (inside the wall time when measured
    /// by timestamps; at their mean in a replay).
    pub untimed_steps: Vec<String>,
    /// Observed steps of the plan outside the scenario, ignored (and steps outside the plan, for
    /// callers that did not reject them with [`unknown_steps`]).
    pub ignored_steps: Vec<String>,
}

/// Coverage over several drills.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Coverage {
    /// Drills whose actual RTO fell inside the forecast P10 to P90.
    pub inside_p10_p90: usize,
    /// Drills compared.
    pub drills: usize,
    /// What a calibrated forecast gives: 0.8.
    pub expected_share: f64,
}

/// The calibration report: one struct for the text and the JSON.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CalibrationReport {
    /// What was run (the forecast).
    #[serde(flatten)]
    pub run: RunHeader,
    /// The forecast RTO band in seconds.
    pub forecast_rto_seconds: Band,
    /// Each drill.
    pub drills: Vec<DrillCalibration>,
    /// With two drills or more.
    pub coverage: Option<Coverage>,
}

/// Mid-rank share of `sorted` below `v`.
fn share_below(sorted: &[f64], v: f64) -> f64 {
    let lo = sorted.partition_point(|x| *x < v);
    let hi = sorted.partition_point(|x| *x <= v);
    (lo + hi) as f64 / (2 * sorted.len().max(1)) as f64
}

fn flag(v: f64, band: &Band) -> Flag {
    if v < band.p10 {
        Flag::Fast
    } else if v > band.p90 {
        Flag::Slow
    } else {
        Flag::Inside
    }
}

/// A step's recorded attempts in one drill.
struct Timed {
    total: f64,
    lead: f64,
    success: Option<f64>,
    attempts: u32,
    failures: u32,
}

fn timed(observations: &[&Observation]) -> Timed {
    let failures = observations
        .iter()
        .filter(|o| o.outcome == Outcome::Failed)
        .count() as u32;
    let lead: f64 = observations
        .iter()
        .filter(|o| o.outcome == Outcome::Failed)
        .map(|o| o.duration_seconds)
        .sum();
    let success = observations
        .iter()
        .rev()
        .find(|o| o.outcome == Outcome::Succeeded)
        .map(|o| o.duration_seconds);
    let all_stamped = observations
        .iter()
        .all(|o| o.started.is_some() && o.ended.is_some());
    let total = if all_stamped {
        let start = observations.iter().filter_map(|o| o.started).min();
        let end = observations.iter().filter_map(|o| o.ended).max();
        match (start, end) {
            (Some(s), Some(e)) => crate::import::seconds_between(s, e),
            _ => 0.0,
        }
    } else {
        observations.iter().map(|o| o.duration_seconds).sum()
    };
    Timed {
        total,
        lead,
        success,
        attempts: observations.len() as u32,
        failures,
    }
}

/// Replays recorded step times; untimed steps take their mean, as in the deterministic schedule.
struct Replay<'a> {
    by_plan_index: &'a HashMap<u32, Timed>,
}

impl Sampler for Replay<'_> {
    fn time(&mut self, step: &CStep) -> StepTiming {
        match self.by_plan_index.get(&step.plan_index) {
            Some(t) => {
                let length = t.success.unwrap_or(0.0);
                let lead = if t.success.is_some() { t.lead } else { t.total };
                // Recorded times are what happened, at the group size of the day: no scaling.
                let hands = if step.team == crate::sim::NONE {
                    0.0
                } else {
                    (step.hands_on * step.scale).min(length)
                };
                StepTiming {
                    lead,
                    length,
                    hands,
                    key: 0.5,
                    failures: t.failures,
                }
            }
            None => MeanSampler.time(step),
        }
    }
}

/// The forecast of each compiled step's time, sorted: from start to finish in the engine's own
/// trials (the same seed and streams as the run), so it holds everything that can happen to the
/// step as the engine applies it: its retries, the factors that scale it, the delays and
/// restarts of the risks that hit it, pauses between its team's shifts. A risk's fallback is
/// forecast from the trials in which it runs (a drill that timed it ran it), or from its own
/// duration when it runs in none of them.
fn step_forecasts(model: &Model, config: &RunConfig) -> Vec<Vec<f64>> {
    let samples = config.trials.clamp(1, STEP_SAMPLES);
    let n = model.len();
    let mut forecasts: Vec<Vec<f64>> = vec![Vec::with_capacity(samples as usize); n];
    let mut state = TrialState::new(model);
    let mut took = vec![0.0; n];
    for i in 0..samples {
        let mut sampler = RandomSampler::new(config.seed, i);
        state.run_observed(model, &mut sampler, |s, r| took[s] = r.finish - r.start);
        for (s, &t) in took.iter().enumerate() {
            // Without chaos every step runs; with it, a fallback runs only when its risk fires.
            if state.chaos.active.get(s).copied().unwrap_or(true) {
                forecasts[s].push(t);
            }
        }
    }
    for (s, v) in forecasts.iter_mut().enumerate() {
        if v.is_empty() {
            let step = &model.steps[s];
            v.extend((0..samples).map(|i| {
                let t = RandomSampler::new(config.seed, i).time(step);
                t.lead + t.length
            }));
        }
        v.sort_by(f64::total_cmp);
    }
    forecasts
}

/// Errors for observations of steps the plan does not have (a typo, a renamed step): each
/// unknown step once, at its first observation in `file`, with the closest step id as a hint.
/// Calibrating against a drill whose steps match nothing would only replay the plan's means.
pub fn unknown_steps(plan: &Plan, file: &str, observations: &[Observation]) -> Vec<ImportError> {
    let ids: Vec<&str> = plan.steps.iter().map(|s| s.id.as_str()).collect();
    let known: HashSet<&str> = ids.iter().copied().collect();
    let mut reported: HashSet<&str> = HashSet::new();
    let mut out = Vec::new();
    for o in observations {
        if known.contains(o.step.as_str()) || !reported.insert(o.step.as_str()) {
            continue;
        }
        let count = observations.iter().filter(|x| x.step == o.step).count();
        let mut e = ImportError::at(
            file,
            o.step_at.map(|p| p.line),
            format!(
                "step \"{}\" is not in the plan ({count} observation{})",
                o.step,
                if count == 1 { "" } else { "s" }
            ),
        );
        if let Some(p) = o.step_at {
            e = e.at_column(p.column);
        }
        let hint = did_you_mean(&o.step, ids.iter().copied()).unwrap_or_else(|| {
            "rename the step in the drill log to a step id of the plan".to_string()
        });
        out.push(e.with_hint(hint));
    }
    out
}

/// Compares drills with the forecast of a finished run.
pub fn calibrate(
    plan: &Plan,
    scenario: &Scenario,
    model: &Model,
    config: &RunConfig,
    result: &RunResult,
    drills: &[Drill],
) -> CalibrationReport {
    let mut rtos: Vec<f64> = result.outcomes.iter().map(|o| o.rto).collect();
    rtos.sort_by(f64::total_cmp);
    let rto_band = Band::of(&rtos);

    let step_forecasts = step_forecasts(model, config);
    let compiled_of: HashMap<&str, usize> = model
        .steps
        .iter()
        .enumerate()
        .map(|(c, s)| (plan.steps[s.plan_index as usize].id.as_str(), c))
        .collect();

    let mut out = Vec::new();
    for drill in drills {
        let mut by_step: Vec<(&str, Vec<&Observation>)> = Vec::new();
        for o in &drill.observations {
            match by_step.iter_mut().find(|(s, _)| *s == o.step) {
                Some((_, v)) => v.push(o),
                None => by_step.push((&o.step, vec![o])),
            }
        }
        let mut ignored = Vec::new();
        let mut by_plan_index: HashMap<u32, Timed> = HashMap::new();
        let mut steps = Vec::new();
        for (id, obs) in &by_step {
            let Some(&c) = compiled_of.get(id) else {
                ignored.push(id.to_string());
                continue;
            };
            let t = timed(obs);
            let forecast = &step_forecasts[c];
            let band = Band::of(forecast);
            let pct = share_below(forecast, t.total);
            steps.push((
                model.steps[c].plan_index,
                StepCalibration {
                    id: id.to_string(),
                    actual_seconds: t.total,
                    attempts: t.attempts,
                    failures: t.failures,
                    forecast_seconds: band,
                    percentile: pct,
                    flag: flag(t.total, &band),
                    outlier: t.total < percentile(forecast, 0.01)
                        || t.total > percentile(forecast, 0.99),
                },
            ));
            by_plan_index.insert(model.steps[c].plan_index, t);
        }
        steps.sort_by_key(|(p, _)| *p);
        let untimed: Vec<String> = model
            .steps
            .iter()
            .filter(|s| !by_plan_index.contains_key(&s.plan_index))
            .map(|s| plan.steps[s.plan_index as usize].id.clone())
            .collect();
        let kept: Vec<&Observation> = drill
            .observations
            .iter()
            .filter(|o| compiled_of.contains_key(o.step.as_str()))
            .collect();
        let stamped = !kept.is_empty()
            && kept
                .iter()
                .all(|o| o.started.is_some() && o.ended.is_some());
        let (actual, method) = if stamped {
            let start = kept.iter().filter_map(|o| o.started).min();
            let end = kept.iter().filter_map(|o| o.ended).max();
            let rto = match (start, end) {
                (Some(s), Some(e)) => crate::import::seconds_between(s, e),
                _ => 0.0,
            };
            (rto, Method::Timestamps)
        } else {
            let mut state = TrialState::new(model);
            let rto = state.run(
                model,
                &mut Replay {
                    by_plan_index: &by_plan_index,
                },
            );
            (rto, Method::Replayed)
        };
        out.push(DrillCalibration {
            drill: drill.label.clone(),
            actual_rto_seconds: actual,
            method,
            percentile: share_below(&rtos, actual),
            flag: flag(actual, &rto_band),
            steps: steps.into_iter().map(|(_, s)| s).collect(),
            untimed_steps: untimed,
            ignored_steps: ignored,
        });
    }
    let coverage = (out.len() >= 2).then(|| Coverage {
        inside_p10_p90: out.iter().filter(|d| d.flag == Flag::Inside).count(),
        drills: out.len(),
        expected_share: 0.8,
    });
    CalibrationReport {
        run: RunHeader::new(
            &plan.name,
            &scenario.name,
            model.policy,
            config.trials,
            config.seed,
        ),
        forecast_rto_seconds: rto_band,
        drills: out,
        coverage,
    }
}
