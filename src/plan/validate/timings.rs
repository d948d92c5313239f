//! Validation of recorded timings: steps whose duration is `{ dist = "recorded" }` (or left out
//! when observations exist) are modelled from the observations the plan's `timings` files hold.
//!
//! The observations arrive already read (the loader does the I/O). Successful attempts feed the
//! duration model (see `fit`); failed ones feed the retry when the step gives none: each attempt
//! fails with the observed failure share `p = failures / attempts`, and `max` is one more than
//! the most failures seen in a single drill, so the forecast allows one failure more than any
//! drill has shown (an unlabelled observation counts as a drill of its own).

use std::collections::{BTreeMap, HashMap, HashSet};

use super::Checker;
use crate::dist::Dist;
use crate::fit::model_durations;
use crate::import::{Observation, Outcome};
use crate::plan::diag::{Diagnostic, KeyPath, did_you_mean};
use crate::plan::model::{Recorded, Retry};
use crate::plan::wire::{DurationWire, StepWire};

/// One observed attempt, as validation needs it.
#[derive(Debug, Clone)]
pub(super) struct Attempt {
    seconds: f64,
    failed: bool,
    drill: Option<String>,
    source: String,
}

/// Observed attempts by step id, ids in sorted order so warnings come out stable.
pub(super) type Observed = BTreeMap<String, Vec<Attempt>>;

/// Groups observations by step.
pub(super) fn index(observations: &[Observation]) -> Observed {
    let mut out = Observed::new();
    for o in observations {
        out.entry(o.step.clone()).or_default().push(Attempt {
            seconds: o.duration_seconds,
            failed: o.outcome == Outcome::Failed,
            drill: o.drill.clone(),
            source: o.source.clone(),
        });
    }
    out
}

/// Summary of one step's attempts.
fn summarize(attempts: &[Attempt]) -> (Recorded, u32) {
    let failures = attempts.iter().filter(|a| a.failed).count() as u32;
    let drills: HashSet<&str> = attempts.iter().filter_map(|a| a.drill.as_deref()).collect();
    let mut per_drill: HashMap<&str, u32> = HashMap::new();
    let mut most_in_one = 0;
    for a in attempts.iter().filter(|a| a.failed) {
        let n = match a.drill.as_deref() {
            Some(d) => {
                let n = per_drill.entry(d).or_default();
                *n += 1;
                *n
            }
            None => 1,
        };
        most_in_one = most_in_one.max(n);
    }
    let mut durations: Vec<f64> = attempts
        .iter()
        .filter(|a| !a.failed)
        .map(|a| a.seconds)
        .collect();
    durations.sort_by(f64::total_cmp);
    (
        Recorded {
            attempts: attempts.len() as u32,
            failures,
            drills: drills.len() as u32,
            durations,
            model: None,
            retry_from_failures: false,
        },
        most_in_one,
    )
}

const MODELS: [&str; 2] = ["fitted", "empirical"];

impl Checker {
    /// The duration of a step, what its observations say, and the retry they imply.
    pub(super) fn step_duration(
        &mut self,
        path: &KeyPath,
        sw: &StepWire,
        id: &str,
    ) -> (Option<Dist>, Option<Recorded>, Option<Retry>) {
        let summary = self.observed.get(id).map(|a| summarize(a));
        let dpath = path.key("duration");
        match &sw.duration {
            Some(DurationWire::Dist(d)) if d.dist.as_deref() == Some("recorded") => {
                let present = d.present_keys();
                let mut ok = true;
                for (key, _) in present.iter().filter(|(_, p)| *p) {
                    ok = false;
                    self.push(
                        Diagnostic::error(
                            dpath.key(*key),
                            format!("`{key}` does not apply to a recorded distribution (step \"{id}\")"),
                        )
                        .with_hint("a recorded distribution takes only model = \"fitted\" or \"empirical\"; its values come from the timings files"),
                    );
                }
                let empirical = match d.model.as_deref() {
                    None | Some("fitted") => false,
                    Some("empirical") => true,
                    Some(other) => {
                        let hint = did_you_mean(other, MODELS).unwrap_or_else(|| {
                            "use model = \"fitted\" or \"empirical\"".to_string()
                        });
                        self.push(
                            Diagnostic::error(
                                dpath.key("model"),
                                format!("step \"{id}\" has unknown recorded model \"{other}\""),
                            )
                            .with_hint(hint),
                        );
                        return (None, summary.map(|s| s.0), None);
                    }
                };
                if !ok {
                    return (None, summary.map(|s| s.0), None);
                }
                self.recorded_model(&dpath, sw, id, summary, empirical)
            }
            Some(wire) => {
                if let DurationWire::Dist(d) = wire {
                    if d.model.is_some() {
                        self.push(
                            Diagnostic::error(
                                dpath.key("model"),
                                format!("`model` applies only to dist = \"recorded\" (step \"{id}\")"),
                            )
                            .with_hint("write duration = { dist = \"recorded\", model = \"empirical\" } to resample the recorded timings"),
                        );
                        return (None, summary.map(|s| s.0), None);
                    }
                }
                (self.duration(dpath, wire, id), summary.map(|s| s.0), None)
            }
            None if summary.is_some() => self.recorded_model(&dpath, sw, id, summary, false),
            None => {
                self.push(
                    Diagnostic::error(path.clone(), format!("step \"{id}\" has no duration"))
                        .with_hint("add duration = \"20m\", or a distribution such as { dist = \"pert\", min = \"10m\", mode = \"20m\", max = \"45m\" }, or list drill logs that time it under timings"),
                );
                (None, None, None)
            }
        }
    }

    fn recorded_model(
        &mut self,
        dpath: &KeyPath,
        sw: &StepWire,
        id: &str,
        summary: Option<(Recorded, u32)>,
        empirical: bool,
    ) -> (Option<Dist>, Option<Recorded>, Option<Retry>) {
        let Some((mut recorded, most_in_one)) = summary else {
            self.push(
                Diagnostic::error(
                    dpath.clone(),
                    format!("step \"{id}\" has a recorded duration but no recorded timings"),
                )
                .with_hint(format!(
                    "no file under timings has a line for step \"{id}\"; add drill logs with timings = [\"drills/*.csv\"] or give the duration"
                )),
            );
            return (None, None, None);
        };
        let Some(model) = model_durations(&recorded.durations, empirical) else {
            self.push(
                Diagnostic::error(
                    dpath.clone(),
                    format!(
                        "every recorded attempt of step \"{id}\" failed ({} of {}), so there is no duration to model",
                        recorded.failures, recorded.attempts
                    ),
                )
                .with_hint("record a successful attempt, or give the duration"),
            );
            return (None, Some(recorded), None);
        };
        let retry = (sw.retry.is_none() && recorded.failures > 0).then(|| Retry {
            p: f64::from(recorded.failures) / f64::from(recorded.attempts),
            max: most_in_one + 1,
        });
        recorded.retry_from_failures = retry.is_some();
        let dist = model.dist.clone();
        self.heavy_tail(dpath, &dist, &format!("step \"{id}\""));
        recorded.model = Some(model);
        (Some(dist), Some(recorded), retry)
    }

    /// Warns about observations of steps the plan does not have (a renamed step, a typo, a log
    /// of something outside the plan); they are ignored.
    pub(super) fn unknown_observed_steps(&mut self, ids: &[String]) {
        // Most plans have no timings: skip indexing every step id.
        if self.observed.is_empty() {
            return;
        }
        let known: HashSet<&str> = ids.iter().map(String::as_str).collect();
        let unknown: Vec<(String, usize, String)> = self
            .observed
            .iter()
            .filter(|(step, _)| !known.contains(step.as_str()))
            .map(|(step, a)| (step.clone(), a.len(), a[0].source.clone()))
            .collect();
        for (step, n, source) in unknown {
            let hint = self
                .suggest(&step, ids.iter().map(String::as_str))
                .unwrap_or_else(|| {
                    "rename the step in the drill log, or add the step to the plan".to_string()
                });
            self.push(
                Diagnostic::warning(
                    KeyPath::root().key("timings"),
                    format!(
                        "recorded timings name unknown step \"{step}\" ({n} observation{}, first at {source}); they are ignored",
                        if n == 1 { "" } else { "s" }
                    ),
                )
                .with_hint(hint),
            );
        }
    }
}
