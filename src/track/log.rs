//! From the logs of a game day in progress to what is known of each step: the scribe's CSV
//! (`step,started[,ended][,outcome]`, read by [`crate::import::drill_csv::parse_live`]) and
//! the machine logs the importers read, in any mix.
//!
//! Every problem is collected before any is reported, each at its file, line and column:
//! unknown step ids (with a did-you-mean), a step that finished before a step it depends on
//! finished, an event after the time of the forecast. Lines written out of time order and a
//! step started before its dependencies finished are warnings: scribes write late, and people
//! do start early.

use jiff::Timestamp;

use crate::import::{ImportError, ImportWarning, Observation, Outcome, seconds_between};
use crate::plan::{Plan, Scenario};
use crate::sim::Progress;

/// One log read: its name as the user wrote it, its finished attempts and its running ones.
#[derive(Debug, Clone, PartialEq)]
pub struct LogFile {
    /// The file name, for messages.
    pub name: String,
    /// Finished attempts (succeeded or failed).
    pub attempts: Vec<Observation>,
    /// Attempts still running.
    pub running: Vec<Observation>,
}

/// What the logs say, relative to the start of the recovery.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    /// When the recovery started.
    pub started: Timestamp,
    /// The latest event of any log (a start or an end).
    pub last_event: Timestamp,
    /// Per plan step, in plan order: how far it has got, in seconds from `started`.
    pub progress: Vec<Progress>,
    /// Whether every step of the scenario has finished.
    pub finished: bool,
    /// What was odd but usable.
    pub warnings: Vec<ImportWarning>,
}

/// One attempt of one step, wherever it was read.
struct Attempt<'a> {
    o: &'a Observation,
    file: &'a str,
    start: Timestamp,
    end: Option<Timestamp>,
}

/// Reads what the logs say of `scenario`'s steps. `started` defaults to the first event.
/// `now`, when given, must not precede any event.
pub fn facts(
    plan: &Plan,
    scenario: &Scenario,
    logs: &[LogFile],
    started: Option<Timestamp>,
    now: Option<Timestamp>,
) -> Result<Facts, Vec<ImportError>> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let needed = plan.needed_steps(scenario);
    let mut by_step: Vec<Vec<Attempt<'_>>> = (0..plan.steps.len()).map(|_| Vec::new()).collect();
    for log in logs {
        let all: Vec<&Observation> = log.attempts.iter().chain(&log.running).collect();
        let owned: Vec<Observation> = all.iter().map(|o| (*o).clone()).collect();
        errors.extend(crate::calibrate::unknown_steps(plan, &log.name, &owned));
        out_of_order(&log.name, &all, &mut warnings);
        for o in all {
            let Some(start) = o.started else {
                errors.push(
                    located(
                        &log.name,
                        o,
                        format!("step \"{}\" has no start time", o.step),
                    )
                    .with_hint("a live forecast needs started (and ended) times, not durations"),
                );
                continue;
            };
            let Some(s) = plan.steps.iter().position(|p| p.id == o.step) else {
                continue;
            };
            if !needed[s] {
                warnings.push(ImportWarning::at(
                    &log.name,
                    o.step_at.map(|p| p.line),
                    format!(
                        "step \"{}\" is not part of scenario \"{}\"; ignored",
                        o.step, scenario.name
                    ),
                ));
                continue;
            }
            by_step[s].push(Attempt {
                o,
                file: &log.name,
                start,
                end: o.ended,
            });
        }
    }
    let events = by_step
        .iter()
        .flatten()
        .flat_map(|a| [Some(a.start), a.end]);
    let (first, last) = events.flatten().fold((None, None), |(lo, hi), t| {
        (
            Some(lo.map_or(t, |l: Timestamp| l.min(t))),
            Some(hi.map_or(t, |h: Timestamp| h.max(t))),
        )
    });
    let Some(first) = first else {
        errors.push(
            ImportError::at(
                logs.first().map_or("", |l| l.name.as_str()),
                None,
                "the logs hold no event of the scenario's steps",
            )
            .with_hint("log each step's start as it starts: step,started,ended,outcome"),
        );
        return Err(errors);
    };
    let last = last.unwrap_or(first);
    let started = started.unwrap_or(first);
    for a in by_step.iter().flatten() {
        if a.start < started {
            errors.push(
                located(
                    a.file,
                    a.o,
                    format!("step \"{}\" started before --started {started}", a.o.step),
                )
                .with_hint("give the time the recovery began, or leave --started out"),
            );
        }
        let at = a.end.unwrap_or(a.start);
        if now.is_some_and(|n| at > n) {
            errors.push(
                located(
                    a.file,
                    a.o,
                    format!("step \"{}\" has an event after --now ({at})", a.o.step),
                )
                .with_hint("the forecast cannot know the future: give a later --now"),
            );
        }
    }
    let secs = |t: Timestamp| seconds_between(started, t).max(0.0);
    let mut progress = vec![Progress::Waiting; plan.steps.len()];
    let mut line_of: Vec<Option<(&str, &Observation)>> = vec![None; plan.steps.len()];
    for (s, attempts) in by_step.iter_mut().enumerate() {
        attempts.sort_by_key(|a| a.start);
        let Some(first) = attempts.first() else {
            continue;
        };
        line_of[s] = Some((first.file, first.o));
        let success = attempts
            .iter()
            .position(|a| a.end.is_some() && a.o.outcome == Outcome::Succeeded);
        let failed_before = |upto: usize| {
            attempts[..upto]
                .iter()
                .filter(|a| a.o.outcome == Outcome::Failed)
                .count() as u32
        };
        progress[s] = if let Some(i) = success {
            for extra in &attempts[i + 1..] {
                warnings.push(ImportWarning::at(
                    extra.file,
                    extra.o.step_at.map(|p| p.line),
                    format!(
                        "step \"{}\" has an attempt after it finished; ignored",
                        extra.o.step
                    ),
                ));
            }
            Progress::Done {
                start: secs(first.start),
                attempt_start: secs(attempts[i].start),
                finish: secs(attempts[i].end.unwrap_or(attempts[i].start)),
                failures: failed_before(i),
            }
        } else {
            // Running: the open attempt, or after failed ones the retry, which the engine
            // starts as soon as an attempt fails.
            let open = attempts.iter().rposition(|a| a.end.is_none());
            let attempt_start = match open {
                Some(i) => attempts[i].start,
                None => attempts
                    .iter()
                    .filter_map(|a| a.end)
                    .max()
                    .unwrap_or(first.start),
            };
            Progress::Running {
                start: secs(first.start),
                attempt_start: secs(attempt_start),
                failures: failed_before(attempts.len()),
            }
        };
    }
    dependencies(
        plan,
        &needed,
        &progress,
        &line_of,
        &mut errors,
        &mut warnings,
    );
    if !errors.is_empty() {
        return Err(errors);
    }
    let finished = (0..plan.steps.len()).all(|s| {
        !needed[s] || matches!(progress[s], Progress::Done { .. }) || is_fallback(plan, s)
    });
    Ok(Facts {
        started,
        last_event: last,
        progress,
        finished,
        warnings,
    })
}

/// Whether step `s` is a risk's fallback (which a recovery without that risk never runs).
fn is_fallback(plan: &Plan, s: usize) -> bool {
    plan.risks
        .iter()
        .any(|r| matches!(r.effect, crate::plan::RiskEffect::Fallback { step } if step == s))
}

/// Checks each started step against its dependencies: starting before one finished is a
/// warning, finishing before one finished an error.
fn dependencies(
    plan: &Plan,
    needed: &[bool],
    progress: &[Progress],
    line_of: &[Option<(&str, &Observation)>],
    errors: &mut Vec<ImportError>,
    warnings: &mut Vec<ImportWarning>,
) {
    let finish_of = |p: &Progress| match *p {
        Progress::Done { finish, .. } => finish,
        _ => f64::INFINITY,
    };
    for (s, step) in plan.steps.iter().enumerate() {
        let (Some(start), Some((file, o))) = (progress[s].start(), line_of[s]) else {
            continue;
        };
        // A fallback that has not run is a risk that has not fired: nothing waits for it.
        let waits_for =
            |d: usize| needed[d] && !(progress[d] == Progress::Waiting && is_fallback(plan, d));
        for &d in step.after.iter().filter(|&&d| waits_for(d)) {
            let dep = &plan.steps[d].id;
            let dep_finish = finish_of(&progress[d]);
            if let Progress::Done { finish, .. } = progress[s] {
                if finish < dep_finish {
                    errors.push(
                        located(
                            file,
                            o,
                            if dep_finish.is_finite() {
                                format!(
                                    "step \"{}\" finished before \"{dep}\", which it depends on",
                                    step.id
                                )
                            } else {
                                format!(
                                    "step \"{}\" finished but \"{dep}\", which it depends on, has not",
                                    step.id
                                )
                            },
                        )
                        .with_hint("check the times in the log, or the step's `after` in the plan"),
                    );
                    continue;
                }
            }
            if start < dep_finish {
                warnings.push(ImportWarning::at(
                    file,
                    o.step_at.map(|p| p.line),
                    format!(
                        "step \"{}\" started before \"{dep}\", which it depends on, finished",
                        step.id
                    ),
                ));
            }
        }
    }
}

/// Warns about lines whose start is earlier than the line before them in the same file.
fn out_of_order(file: &str, all: &[&Observation], warnings: &mut Vec<ImportWarning>) {
    let mut lines: Vec<(u64, Timestamp, &str)> = all
        .iter()
        .filter_map(|o| Some((o.step_at?.line, o.started?, o.step.as_str())))
        .collect();
    lines.sort_by_key(|l| l.0);
    for w in lines.windows(2) {
        if w[1].1 < w[0].1 {
            warnings.push(ImportWarning::at(
                file,
                Some(w[1].0),
                format!(
                    "step \"{}\" starts before the line above it (times out of order); read by its time",
                    w[1].2
                ),
            ));
        }
    }
}

/// An error at the line and column of an observation's step id, when it has them.
fn located(file: &str, o: &Observation, message: String) -> ImportError {
    let e = ImportError::at(file, o.step_at.map(|p| p.line), message);
    match o.step_at {
        Some(p) => e.at_column(p.column),
        None => e,
    }
}
