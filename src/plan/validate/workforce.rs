//! Validation of the workforce keys: a team's `handover-time`, `hours` and `on-call`, and
//! `starts` (plan and scenario).

use super::Checker;
use crate::dist::Dist;
use crate::plan::chaos::{Handover, Shift};
use crate::plan::diag::{Diagnostic, KeyPath};
use crate::plan::model::{Scenario, Step, Team};
use crate::plan::wire::{PlanWire, StartsWire, TeamTableWire};
use crate::plan::workforce::{Rota, Starts, WorkHours, parse_week_time};

/// The workforce keys of one team table.
pub(super) struct TeamWorkforce {
    pub handover_time: Option<Dist>,
    pub hours: Option<WorkHours>,
    pub on_call: Option<u32>,
}

impl Checker {
    /// Checks `handover-time`, `hours` and `on-call` of team `name`, whose rota is `shift` and
    /// which has `groups` groups.
    pub(super) fn team_workforce(
        &mut self,
        path: &KeyPath,
        name: &str,
        t: &TeamTableWire,
        shift: Option<&Shift>,
        groups: Option<u32>,
    ) -> TeamWorkforce {
        let handover_time = t.handover_time.as_ref().and_then(|w| {
            self.duration_of(
                path.key("handover-time"),
                w,
                &format!("team \"{name}\" handover-time"),
            )
        });
        if t.handover_time.is_some() && !matches!(shift, Some(s) if s.handover == Handover::Relief)
        {
            self.push(
                Diagnostic::error(
                    path.key("handover-time"),
                    format!("team \"{name}\" sets handover-time but its groups are not relieved"),
                )
                .with_hint("handover-time is the time to pass work on at the end of a shift; it needs shift, rest and handover = \"relief\""),
            );
        }
        if let (Some(d), Some(s)) = (&handover_time, shift) {
            // A bounded hand-over must end within a shift; an unbounded one must usually do.
            let high = if d.max().is_finite() {
                d.max()
            } else {
                d.quantile(0.5)
            };
            if high >= s.shift {
                self.push(
                    Diagnostic::error(
                        path.key("handover-time"),
                        format!(
                            "team \"{name}\" handover-time can take {}, as long as a whole shift",
                            crate::duration::format_span(high)
                        ),
                    )
                    .with_hint(
                        "a hand-over must be shorter than a shift, or the work would never go on",
                    ),
                );
            }
        }
        let hours = t.hours.as_deref().and_then(|text| match WorkHours::parse(text) {
            Ok(h) => Some(h),
            Err(e) => {
                self.push(
                    Diagnostic::error(
                        path.key("hours"),
                        format!("team \"{name}\" hours: {e}"),
                    )
                    .with_hint("write the days and the window, such as hours = \"Mon-Fri 09:00-18:00\""),
                );
                None
            }
        });
        let on_call = t.on_call.and_then(|n| {
            let max = i64::from(groups.unwrap_or(u32::MAX));
            if !(0..=max).contains(&n) {
                self.push(
                    Diagnostic::error(
                        path.key("on-call"),
                        format!("team \"{name}\" on-call must be between 0 and its {max} groups, not {n}"),
                    )
                    .with_hint("on-call is how many of the team's groups answer a page out of hours"),
                );
                return None;
            }
            u32::try_from(n).ok()
        });
        if t.on_call.is_some() && t.hours.is_none() {
            self.push(
                Diagnostic::error(
                    path.key("on-call"),
                    format!("team \"{name}\" sets on-call but no hours"),
                )
                .with_hint(
                    "on-call is who answers out of hours; add hours = \"Mon-Fri 09:00-18:00\"",
                ),
            );
        }
        TeamWorkforce {
            handover_time,
            hours,
            on_call,
        }
    }

    /// What only the whole plan shows: crews larger than the groups a rota keeps on duty at
    /// once (an error: such a step could never start), relief that can never find another group,
    /// and working hours that play no role because the plan never says when the disaster strikes.
    pub(super) fn workforce_checks(
        &mut self,
        wire: &PlanWire,
        teams: &[Team],
        steps: &[Option<Step>],
        starts: Option<Starts>,
        scenarios: &Option<Vec<Scenario>>,
    ) {
        for (i, step) in steps.iter().take(wire.step.len()).enumerate() {
            let Some(step) = step else { continue };
            let options = step
                .team
                .into_iter()
                .chain(step.alternatives.iter().map(|a| a.team));
            for t in options {
                let team = &teams[t];
                let most = most_on_duty(team.groups, team.shift.as_ref());
                if step.crew > most {
                    self.push(
                        Diagnostic::error(
                            KeyPath::root().key("step").index(i).key("crew"),
                            format!(
                                "step \"{}\" needs {} groups of team \"{}\" at once, but its staggered rota has at most {most} on duty at a time; it could never start",
                                step.id, step.crew, team.name
                            ),
                        )
                        .with_hint(format!("lower crew to {most}, give the team more groups, or set rota = \"together\"")),
                    );
                }
            }
        }
        let any_starts = starts.is_some()
            || scenarios
                .as_ref()
                .is_some_and(|list| list.iter().any(|s| s.starts.is_some()));
        for (name, _) in &wire.teams {
            let Some(team) = teams.iter().find(|t| &t.name == name) else {
                continue;
            };
            let path = KeyPath::root().key("teams").key(name.clone());
            if let Some(shift) = team.shift {
                if shift.handover == Handover::Relief {
                    let reason = if team.groups == 1 {
                        Some("it has one group".to_string())
                    } else if shift.rota == Rota::Together {
                        Some(format!(
                            "its {} groups rest at the same time (rota = \"together\")",
                            team.groups
                        ))
                    } else {
                        None
                    };
                    if let Some(reason) = reason {
                        self.push(
                            Diagnostic::warning(
                                path.key("handover"),
                                format!("team \"{name}\" hands work over for relief, but nobody can relieve it: {reason}, so work waits through every rest"),
                            )
                            .with_hint("give the team a second group on rota = \"staggered\", or say handover = \"pause\" for what happens"),
                        );
                    }
                }
            }
            if team.hours.is_some() && !any_starts {
                self.push(
                    Diagnostic::warning(
                        path.key("hours"),
                        format!("team \"{name}\" keeps working hours, but the plan never says when the disaster strikes, so they play no role"),
                    )
                    .with_hint("add starts = \"Sat 03:00\" (or { dist = \"week\" }) to the plan or a scenario, or run simulate --starts"),
                );
            }
        }
    }

    /// Checks a `starts` value.
    pub(super) fn starts(&mut self, path: KeyPath, wire: &StartsWire) -> Option<Starts> {
        match wire {
            StartsWire::At(text) => match parse_week_time(text) {
                Ok(second) => Some(Starts::At { second }),
                Err(e) => {
                    self.push(
                        Diagnostic::error(path, format!("starts: {e}"))
                            .with_hint("write a day and a time, \"Sat 03:00\", a time alone (on a Monday), or { dist = \"week\" }"),
                    );
                    None
                }
            },
            StartsWire::Dist(d) if d.dist == "week" => Some(Starts::Week),
            StartsWire::Dist(d) => {
                self.push(
                    Diagnostic::error(
                        path.key("dist"),
                        format!("starts has unknown dist \"{}\"", d.dist),
                    )
                    .with_hint("use { dist = \"week\" } for any time in the week, equally likely"),
                );
                None
            }
        }
    }
}

/// The most groups of a team on duty at once under its rota.
pub fn most_on_duty(groups: u32, shift: Option<&Shift>) -> u32 {
    match shift {
        Some(s) if s.rota == Rota::Staggered && groups > 1 => {
            let period = s.shift + s.rest;
            let step = period / f64::from(groups);
            // Group k is on duty on [k step, k step + shift) modulo the period; the count is
            // largest just after some group comes on duty.
            (0..groups)
                .map(|k| {
                    let t = f64::from(k) * step;
                    (0..groups)
                        .filter(|&j| {
                            let since = (t - f64::from(j) * step).rem_euclid(period);
                            since < s.shift
                        })
                        .count() as u32
                })
                .max()
                .unwrap_or(groups)
        }
        _ => groups,
    }
}
