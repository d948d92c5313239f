//! The live forecast: trials of the scenario conditioned on the logs, summarised as clock times,
//! time remaining, the chance of meeting the objective, and the steps to watch.
//!
//! One serializable [`Forecast`] feeds the text, the JSON and the HTML page. Its per-trial
//! RTOs are kept beside it ([`Forecasted::rtos`]) so that the next forecast of a `--follow`
//! can report how the figures moved, with intervals from the paired differences (the same seed
//! gives trial `i` of both forecasts the same draws).

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use super::log::Facts;
use crate::plan::{Plan, Scenario};
use crate::report::RunHeader;
use crate::sim::{self, Model, Policy, Progress, RunConfig, attempt_time};
use crate::stats::paired::{mean_difference, quantile_difference};
use crate::stats::{Estimate, RtoSample, SampleError, proportion};

/// How far outside its P10-P90 a finished step's time must be to be listed: a minute, the
/// resolution a scribe writes times in.
pub const OUTSIDE_TOLERANCE: f64 = 60.0;

/// The percentiles a forecast gives.
pub const PERCENTILES: [(f64, &str); 3] = [(0.5, "p50"), (0.9, "p90"), (0.99, "p99")];

/// A time three ways: seconds from the start, as a clock time, and as time remaining.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FinishAt {
    /// `"p50"`, `"p90"` or `"p99"`.
    pub percentile: &'static str,
    /// The recovery time (from `started`) in seconds, with its 95% interval.
    pub rto_seconds: Estimate,
    /// When the recovery ends, RFC 3339 in UTC.
    pub clock: String,
    /// Seconds from `now` to the end.
    pub remaining_seconds: f64,
}

/// A step of the plan as the forecast sees it, for the Gantt.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepView {
    /// The step id.
    pub id: String,
    /// `"done"`, `"running"` or `"waiting"`.
    pub state: &'static str,
    /// When it started (logged), or its predicted median start, in seconds from `started`.
    pub start_seconds: f64,
    /// When it finished (logged), or its predicted median finish.
    pub finish_seconds: f64,
    /// Its predicted 90th percentile finish (the logged finish for a done step).
    pub finish_p90_seconds: f64,
}

/// A running step past the 90th percentile of its duration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overdue {
    /// The step id.
    pub step: String,
    /// Seconds it has run (its current attempt).
    pub elapsed_seconds: f64,
    /// The 90th percentile of one attempt.
    pub p90_seconds: f64,
    /// How far past it.
    pub over_seconds: f64,
    /// Whether it has run past everything its distribution allows, so its remaining time
    /// comes from the fitted tail (see [`crate::dist::Dist::tail_beyond`]).
    pub beyond_model: bool,
}

/// A finished step whose time fell outside its P10-P90 (for the retrospective).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outside {
    /// The step id.
    pub step: String,
    /// Its final attempt's logged time, in seconds.
    pub actual_seconds: f64,
    /// The 10th percentile of one attempt.
    pub p10_seconds: f64,
    /// The 90th percentile of one attempt.
    pub p90_seconds: f64,
    /// `"below"` or `"above"`.
    pub side: &'static str,
}

/// A step not done and the share of trials in which it was on the chain of steps that set the
/// finish.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SetsFinish {
    /// The step id.
    pub step: String,
    /// Share of trials in which it was on the critical chain, with its 95% interval.
    pub share: Estimate,
}

/// How the figures moved since the previous forecast (paired: same seed, same draws).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Movement {
    /// Change of the P50 RTO in seconds, with its 95% interval.
    pub p50_seconds: Estimate,
    /// Change of the P90 RTO in seconds.
    pub p90_seconds: Estimate,
    /// Change of P(meet the objective), when the plan has one.
    pub p_meet: Option<Estimate>,
}

/// One milestone, or a group of them (`tier1`, ..., `all`: the last of them), now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MilestoneForecast {
    /// The milestone's or group's name.
    pub name: String,
    /// Whether it is reached already (in every trial by now: its needs are all done).
    pub reached: bool,
    /// When it is reached at P50 and P90, in seconds from `started`, with 95% intervals.
    pub p50_seconds: Estimate,
    /// At P90.
    pub p90_seconds: Estimate,
    /// The P90 as a clock time.
    pub p90_clock: String,
    /// Its objective in seconds (a group: every member's), when it has one.
    pub target_seconds: Option<f64>,
    /// P(meet the objective): for a group, every member meets its own in the same recovery.
    pub p_meet: Option<Estimate>,
    /// Change of `p_meet` since the previous forecast, in `--follow` (paired per trial).
    pub p_meet_movement: Option<Estimate>,
}

/// The live forecast.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Forecast {
    /// What was run.
    #[serde(flatten)]
    pub run: RunHeader,
    /// When the recovery started, RFC 3339 (UTC).
    pub started: String,
    /// The time of the forecast, RFC 3339 (UTC).
    pub now: String,
    /// Seconds from `started` to `now`.
    pub elapsed_seconds: f64,
    /// Steps done, running and waiting.
    pub done: usize,
    /// Steps running.
    pub running: usize,
    /// Steps not started.
    pub waiting: usize,
    /// Whether every step has finished: the forecast is then the actual RTO.
    pub finished: bool,
    /// The finish at P50, P90 and P99.
    pub finish: Vec<FinishAt>,
    /// The objective in seconds, when the plan has one.
    pub objective_seconds: Option<f64>,
    /// P(RTO <= objective), with its 95% interval.
    pub p_meet: Option<Estimate>,
    /// Each milestone, then each tier and all of them together: when reached and the chance
    /// of meeting the objective, and how that chance moved.
    pub milestones: Vec<MilestoneForecast>,
    /// The steps not done most often on the chain that sets the finish (leaving out those on
    /// it in every trial).
    pub sets_finish: Vec<SetsFinish>,
    /// Running steps past their P90.
    pub overdue: Vec<Overdue>,
    /// Finished steps outside their P10-P90.
    pub outside: Vec<Outside>,
    /// Every step of the scenario, in plan order.
    pub steps: Vec<StepView>,
    /// The distribution of the remaining time: `[seconds remaining, P(done by then)]`,
    /// for the S-curve.
    pub remaining_curve: Vec<[f64; 2]>,
    /// Change since the previous forecast, in `--follow`.
    pub movement: Option<Movement>,
}

/// A forecast and the per-trial RTOs it came from.
#[derive(Debug, Clone)]
pub struct Forecasted {
    /// The forecast.
    pub forecast: Forecast,
    /// Trial `i`'s RTO in seconds from `started`.
    pub rtos: Vec<f64>,
    /// For each entry of `forecast.milestones` with an objective, whether trial `i` met it.
    pub milestones_met: Vec<Option<Vec<bool>>>,
}

/// Forecasts `scenario` of `plan` conditioned on `facts` at `now`; `previous` is the last
/// forecast of a `--follow`, for the movement.
pub fn forecast(
    plan: &Plan,
    scenario: &Scenario,
    policy: Policy,
    config: &RunConfig,
    facts: &Facts,
    now: Timestamp,
    previous: Option<&Forecasted>,
) -> Result<Forecasted, ForecastError> {
    let elapsed = crate::import::seconds_between(facts.started, now).max(0.0);
    let mut model = Model::compile(plan, scenario, policy);
    model.condition(&facts.progress, elapsed);
    let run = sim::run(&model, config, &|_| {})?;
    let rtos: Vec<f64> = run.outcomes.iter().map(|o| o.rto).collect();
    let sample = RtoSample::new(rtos.clone())?;
    let n = rtos.len() as u64;
    let clock = |secs: f64| {
        facts
            .started
            .checked_add(SignedDuration::from_secs_f64(secs.min(1e11)))
            .map_or_else(
                |_| "beyond 9999".to_string(),
                |t| t.round(jiff::Unit::Second).map_or(t, |x| x).to_string(),
            )
    };
    let finish = PERCENTILES
        .iter()
        .map(|&(q, name)| {
            let est = sample.quantile_ci(q);
            FinishAt {
                percentile: name,
                rto_seconds: est,
                clock: clock(est.value),
                remaining_seconds: (est.value - elapsed).max(0.0),
            }
        })
        .collect();
    let p_meet = plan
        .rto_target
        .map(|t| proportion(rtos.iter().filter(|&&r| r <= t).count() as u64, n));
    let id = |c: usize| plan.steps[model.steps[c].plan_index as usize].id.clone();
    // The steps on the chain that set the finish in the most trials, among those not done;
    // the last steps, on it in every trial, say nothing and are left out.
    let critical = &run.accum.critical;
    let mut sets_finish: Vec<SetsFinish> = (0..model.len())
        .filter(|&c| critical[c] > 0 && critical[c] < n)
        .filter(|&c| !matches!(model_progress(&model, c), Progress::Done { .. }))
        .map(|c| SetsFinish {
            step: id(c),
            share: proportion(critical[c], n),
        })
        .collect();
    sets_finish.sort_by(|a, b| b.share.value.total_cmp(&a.share.value));
    sets_finish.truncate(6);
    let (mut overdue, mut outside, mut steps) = (Vec::new(), Vec::new(), Vec::new());
    let (mut done, mut running, mut waiting) = (0, 0, 0);
    for c in 0..model.len() {
        let step = &model.steps[c];
        let attempt = |q: f64| attempt_time(step, step.dist.quantile(q)).0;
        let hist_q =
            |h: &crate::stats::histogram::LogHistogram, q: f64| h.quantile(q).unwrap_or(0.0);
        let (state, start, fin, fin90) = match model_progress(&model, c) {
            Progress::Done {
                start,
                attempt_start,
                finish,
                ..
            } => {
                done += 1;
                // The final attempt against the distribution of one attempt.
                let actual = finish - attempt_start;
                let (p10, p90) = (attempt(0.1), attempt(0.9));
                // Beyond the minute a scribe's clock is read to.
                if actual < p10 - OUTSIDE_TOLERANCE || actual > p90 + OUTSIDE_TOLERANCE {
                    outside.push(Outside {
                        step: id(c),
                        actual_seconds: actual,
                        p10_seconds: p10,
                        p90_seconds: p90,
                        side: if actual < p10 { "below" } else { "above" },
                    });
                }
                ("done", start, finish, finish)
            }
            Progress::Running {
                start,
                attempt_start,
                ..
            } => {
                running += 1;
                let ran = elapsed - attempt_start;
                let p90 = attempt(0.9);
                if ran > p90 {
                    overdue.push(Overdue {
                        step: id(c),
                        elapsed_seconds: ran,
                        p90_seconds: p90,
                        over_seconds: ran - p90,
                        beyond_model: ran >= attempt_time(step, step.dist.max()).0,
                    });
                }
                let h = &run.accum.finish[c];
                ("running", start, hist_q(h, 0.5), hist_q(h, 0.9))
            }
            Progress::Waiting => {
                // A fallback whose risk did not fire takes no time: leave it out of the view.
                let h = &run.accum.finish[c];
                if h.total() == 0 || settled_off(&model, c) {
                    continue;
                }
                waiting += 1;
                let f50 = hist_q(h, 0.5);
                (
                    "waiting",
                    (f50 - attempt(0.5)).max(elapsed),
                    f50,
                    hist_q(h, 0.9),
                )
            }
        };
        steps.push(StepView {
            id: id(c),
            state,
            start_seconds: start,
            finish_seconds: fin.max(start),
            finish_p90_seconds: fin90.max(fin),
        });
    }
    overdue.sort_by(|a, b| b.over_seconds.total_cmp(&a.over_seconds));
    let sorted = sample.sorted();
    let remaining_curve = (0..=40)
        .map(|i| {
            let p = f64::from(i) / 40.0;
            let v = crate::stats::percentile(sorted, p);
            [(v - elapsed).max(0.0), p]
        })
        .collect();
    let movement = previous.filter(|p| p.rtos.len() == rtos.len()).map(|p| {
        let mut prev_sorted = p.rtos.clone();
        prev_sorted.sort_by(f64::total_cmp);
        Movement {
            p50_seconds: quantile_difference(&rtos, &p.rtos, sorted, &prev_sorted, 0.5),
            p90_seconds: quantile_difference(&rtos, &p.rtos, sorted, &prev_sorted, 0.9),
            p_meet: plan.rto_target.map(|t| {
                let hit = |xs: &[f64]| -> Vec<f64> {
                    xs.iter().map(|&r| f64::from(u8::from(r <= t))).collect()
                };
                mean_difference(&hit(&rtos), &hit(&p.rtos))
            }),
        }
    });
    let (milestones, milestones_met) =
        milestone_forecasts(plan, &run.milestones, elapsed, previous, &clock);
    let round = |t: Timestamp| t.round(jiff::Unit::Second).unwrap_or(t).to_string();
    Ok(Forecasted {
        forecast: Forecast {
            run: RunHeader::new(
                &plan.name,
                &scenario.name,
                policy,
                config.trials,
                config.seed,
            ),
            started: round(facts.started),
            now: round(now),
            elapsed_seconds: elapsed,
            done,
            running,
            waiting,
            finished: facts.finished,
            finish,
            objective_seconds: plan.rto_target,
            p_meet,
            milestones,
            sets_finish,
            overdue,
            outside,
            steps,
            remaining_curve,
            movement,
        },
        rtos,
        milestones_met,
    })
}

/// Each milestone, then each group of them, from the trials' milestone times; the chance of
/// meeting each objective moved against `previous` trial by trial (the same draws).
fn milestone_forecasts(
    plan: &Plan,
    times: &sim::MilestoneTimes,
    elapsed: f64,
    previous: Option<&Forecasted>,
    clock: &dyn Fn(f64) -> String,
) -> (Vec<MilestoneForecast>, Vec<Option<Vec<bool>>>) {
    if plan.milestones.is_empty() || times.trials() == 0 {
        return (Vec::new(), Vec::new());
    }
    let series = crate::analysis::milestone_series(plan);
    let n = times.trials();
    let mut out = Vec::new();
    let mut met_all = Vec::new();
    for (j, (name, members)) in series.into_iter().enumerate() {
        let values = crate::analysis::group_times(times, &members);
        let Ok(sample) = RtoSample::new(values) else {
            continue;
        };
        let targeted = members
            .iter()
            .any(|&k| plan.milestones[k].rto_target.is_some());
        let met: Option<Vec<bool>> = targeted.then(|| {
            (0..n)
                .map(|i| crate::analysis::all_met(plan, times, &members, i))
                .collect()
        });
        let share = |m: &[bool]| proportion(m.iter().filter(|&&b| b).count() as u64, n as u64);
        let as_f64 = |m: &[bool]| {
            m.iter()
                .map(|&b| f64::from(u8::from(b)))
                .collect::<Vec<_>>()
        };
        let movement = match (&met, previous.and_then(|p| p.milestones_met.get(j))) {
            (Some(now), Some(Some(before))) if before.len() == now.len() => {
                Some(mean_difference(&as_f64(now), &as_f64(before)))
            }
            _ => None,
        };
        let target_seconds = match members.as_slice() {
            [k] => plan.milestones[*k].rto_target,
            _ => None,
        };
        let p90 = sample.quantile_ci(0.9);
        out.push(MilestoneForecast {
            name,
            reached: sample.max() <= elapsed,
            p50_seconds: sample.quantile_ci(0.5),
            p90_clock: clock(p90.value),
            p90_seconds: p90,
            target_seconds,
            p_meet: met.as_deref().map(share),
            p_meet_movement: movement,
        });
        met_all.push(met);
    }
    (out, met_all)
}

/// Whether compiled step `c` is the fallback of a risk the log shows did not fire.
fn settled_off(model: &Model, c: usize) -> bool {
    model.chaos.as_ref().is_some_and(|chaos| {
        chaos
            .risks
            .iter()
            .any(|r| r.fallback == c as u32 && r.settled == Some(false))
    })
}

/// What the log says of compiled step `c`.
fn model_progress(model: &Model, c: usize) -> Progress {
    model
        .known
        .as_ref()
        .map_or(Progress::Waiting, |k| k.progress[c])
}

/// Why a forecast could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ForecastError {
    /// The worker threads could not be started.
    #[error("cannot start worker threads")]
    Threads(#[from] rayon::ThreadPoolBuildError),
    /// No trials.
    #[error(transparent)]
    Sample(#[from] SampleError),
}
