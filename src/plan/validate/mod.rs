//! Validation: wire types in, a [`Plan`] and every problem found out.
//!
//! The checker never stops at the first problem: a user fixing a plan wants the whole list at
//! once. Checks that depend on earlier ones (cycles need resolved references) run only when
//! their inputs are sound, so one typo does not cascade into a page of follow-on errors.

use std::cell::Cell;
use std::collections::HashMap;

use super::diag::{Diagnostic, KeyPath, did_you_mean};
use super::model::{Alternative, Limit, Plan, Retry, Scenario, Step, Team};
use super::wire::{PlanWire, StepWire, TeamWire};
use crate::duration::parse_span;
use crate::import::Observation;

/// The most cycles listed; a plan with more has a structural problem the first ones show.
const MAX_CYCLES: usize = 50;
/// Above this many steps the redundant-dependency warning is skipped (it needs n^2 bits).
const MAX_STEPS_FOR_REDUNDANCY: usize = 20_000;
/// Default exponent of the group-size speed-up: square-root scaling, a common rule of thumb
/// for hands-on work that partly parallelises.
pub const DEFAULT_SIZE_ELASTICITY: f64 = 0.5;
/// Retry counts beyond this are typos; they would also make trials needlessly slow.
pub const MAX_RETRIES: i64 = 1_000;
/// Team and limit sizes (groups, size, crew, uses, limits) beyond this are typos.
pub const MAX_COUNT: i64 = 100_000;
/// Did-you-mean suggestions computed per plan (each compares a name with every candidate, so
/// a plan with thousands of unknown names would otherwise take time quadratic in its size);
/// more problems than this are not all shown anyway (see `plan::MAX_SHOWN`).
const MAX_SUGGESTIONS: usize = 200;
/// Names listed in a "known teams: ..." hint before it says how many more there are.
const MAX_LISTED: usize = 10;

/// Checks a parsed plan. Returns the plan when there are no errors, and every diagnostic
/// (errors and warnings) found.
pub fn validate(wire: PlanWire, default_name: &str) -> (Option<Plan>, Vec<Diagnostic>) {
    validate_with(wire, default_name, &[])
}

/// Checks a parsed plan against the recorded observations its `timings` files hold (read by the
/// caller: validation does no I/O).
pub fn validate_with(
    wire: PlanWire,
    default_name: &str,
    observations: &[Observation],
) -> (Option<Plan>, Vec<Diagnostic>) {
    let mut c = Checker {
        diags: Vec::new(),
        observed: timings::index(observations),
        team_index: HashMap::new(),
        limit_index: HashMap::new(),
        suggestions_left: MAX_SUGGESTIONS,
    };
    let plan = c.plan(wire, default_name);
    let has_errors = c
        .diags
        .iter()
        .any(|d| d.severity == super::diag::Severity::Error);
    (plan.filter(|_| !has_errors), c.diags)
}

mod chaos;
mod dist;
mod milestones;
mod priority;
mod timings;
mod whole;
mod workforce;

struct Checker {
    diags: Vec<Diagnostic>,
    /// Observations by step id.
    observed: timings::Observed,
    /// Team and limit indices by name (the first of a name), filled once they are checked, so
    /// that each step's references are looked up in constant time.
    team_index: HashMap<String, usize>,
    limit_index: HashMap<String, usize>,
    /// Did-you-mean suggestions still allowed (see [`MAX_SUGGESTIONS`]).
    suggestions_left: usize,
}

/// The first of a list of names, and how many more there are.
fn list_names<'a>(names: impl ExactSizeIterator<Item = &'a str>) -> String {
    let total = names.len();
    let shown: Vec<&str> = names.take(MAX_LISTED).collect();
    if total > shown.len() {
        format!("{} and {} more", shown.join(", "), total - shown.len())
    } else {
        shown.join(", ")
    }
}

/// Indices by name, the first index of a repeated name winning.
fn index_by_name<'a>(names: impl Iterator<Item = &'a str>) -> HashMap<String, usize> {
    let mut map = HashMap::new();
    for (i, name) in names.enumerate() {
        map.entry(name.to_string()).or_insert(i);
    }
    map
}

fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
}

impl Checker {
    fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// A did-you-mean hint, while the budget of suggestions lasts.
    fn suggest<'a>(
        &mut self,
        name: &str,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Option<String> {
        if self.suggestions_left == 0 {
            return None;
        }
        self.suggestions_left -= 1;
        did_you_mean(name, candidates)
    }

    fn time(&mut self, path: KeyPath, text: &str, what: &str) -> Option<f64> {
        match parse_span(text) {
            Ok(v) => Some(v),
            Err(e) => {
                let hint = e.hint();
                self.push(Diagnostic::error(path, format!("{what}: {e}")).with_hint(hint));
                None
            }
        }
    }

    fn count(&mut self, path: KeyPath, value: i64, what: &str, min: i64, max: i64) -> Option<u32> {
        if value < min || value > max {
            self.push(Diagnostic::error(
                path,
                format!("{what} must be between {min} and {max}, not {value}"),
            ));
            None
        } else {
            u32::try_from(value).ok()
        }
    }

    fn elasticity(&mut self, path: KeyPath, value: f64, what: &str) -> Option<f64> {
        if (0.0..=1.0).contains(&value) {
            Some(value)
        } else {
            self.push(
                Diagnostic::error(path, format!("{what} must be between 0 and 1, not {value}"))
                    .with_hint("0 means more people do not speed the work up; 1 means twice the people take half the time"),
            );
            None
        }
    }

    fn plan(&mut self, wire: PlanWire, default_name: &str) -> Option<Plan> {
        let root = KeyPath::root();
        let rto_target = wire
            .rto_target
            .as_deref()
            .and_then(|t| self.time(root.key("rto-target"), t, "rto-target"))
            .filter(|&t| {
                // A zero objective is always missed ("met in 0.0%"): a typo, not a target.
                let positive = t > 0.0;
                if !positive {
                    self.push(
                        Diagnostic::error(
                            root.key("rto-target"),
                            "rto-target must be longer than 0s",
                        )
                        .with_hint("the objective is the time recovery must finish within, such as \"24h\"; leave rto-target out for none"),
                    );
                }
                positive
            });
        let size_elasticity = match wire.size_elasticity {
            Some(e) => self
                .elasticity(root.key("size-elasticity"), e, "size-elasticity")
                .unwrap_or(DEFAULT_SIZE_ELASTICITY),
            None => DEFAULT_SIZE_ELASTICITY,
        };
        let teams = self.teams(&wire.teams);
        let limits = self.limits(&wire.limits);
        self.team_index = index_by_name(teams.iter().map(|t| t.name.as_str()));
        self.limit_index = index_by_name(limits.iter().map(|l| l.name.as_str()));

        if wire.step.is_empty() {
            self.push(
                Diagnostic::error(root.clone(), "the plan has no steps")
                    .with_hint("add recovery steps as [[step]] tables with an id and a duration"),
            );
        }

        // First pass: ids and systems, so that references can be resolved in any order.
        let mut step_index: HashMap<String, usize> = HashMap::new();
        let mut systems: Vec<String> = Vec::new();
        let mut system_index: HashMap<String, usize> = HashMap::new();
        let mut system_of: Vec<usize> = Vec::new();
        let mut ids: Vec<String> = Vec::new();
        for (i, sw) in wire.step.iter().enumerate() {
            let path = || root.key("step").index(i);
            let id = match &sw.id {
                Some(id) if is_valid_id(id) => id.clone(),
                Some(id) => {
                    self.push(
                        Diagnostic::error(
                            path().key("id"),
                            format!("step id \"{id}\" has characters ids cannot hold"),
                        )
                        .with_hint("use letters, digits and - _ . / only"),
                    );
                    id.clone()
                }
                None => {
                    self.push(
                        Diagnostic::error(path(), format!("step {} has no id", i + 1))
                            .with_hint("add id = \"...\" naming the step uniquely"),
                    );
                    format!("#{}", i + 1)
                }
            };
            if let Some(&first) = step_index.get(&id) {
                self.push(
                    Diagnostic::error(path().key("id"), format!("duplicate step id \"{id}\""))
                        .with_hint(format!(
                            "step {} already uses this id; step ids must be unique",
                            first + 1
                        )),
                );
            } else {
                step_index.insert(id.clone(), i);
            }
            let system = sw.system.clone().unwrap_or_else(|| id.clone());
            if sw.system.is_some() && !is_valid_id(&system) {
                self.push(
                    Diagnostic::error(
                        path().key("system"),
                        format!("system name \"{system}\" has characters names cannot hold"),
                    )
                    .with_hint("use letters, digits and - _ . / only"),
                );
            }
            let sys = match system_index.get(&system) {
                Some(&s) => s,
                None => {
                    system_index.insert(system.clone(), systems.len());
                    systems.push(system);
                    systems.len() - 1
                }
            };
            system_of.push(sys);
            ids.push(id);
        }
        let mut steps_of_system: Vec<Vec<usize>> = vec![Vec::new(); systems.len()];
        for (i, &s) in system_of.iter().enumerate() {
            steps_of_system[s].push(i);
        }

        let resolver = Resolver {
            ids: &ids,
            step_index: &step_index,
            systems: &systems,
            system_index: &system_index,
            steps_of_system: &steps_of_system,
            suggestions_left: Cell::new(MAX_SUGGESTIONS),
        };
        let mut steps = Vec::with_capacity(wire.step.len());
        let mut deps = Vec::with_capacity(wire.step.len());
        let mut references_ok = true;
        for (i, sw) in wire.step.iter().enumerate() {
            let (step, after) = self.step(
                i,
                sw,
                &ids[i],
                system_of[i],
                &resolver,
                &teams,
                &limits,
                size_elasticity,
            );
            references_ok &= after.is_some();
            deps.push(after.unwrap_or_default());
            steps.push(step);
        }

        let scenarios = self.scenarios(&wire, &systems, &system_index, &step_index, &system_of);
        self.unknown_observed_steps(&ids);

        // Graph checks need every reference resolved.
        let acyclic = references_ok
            && self.graph_checks(&wire, &deps, &ids, &systems, &system_of, &scenarios);
        self.warnings(&wire, &teams, &systems, &scenarios);
        let index = chaos::StepIndex {
            resolver: &resolver,
            ids: &ids,
            system_of: &system_of,
            systems: &systems,
            deps: &deps,
            acyclic,
            plan_elasticity: size_elasticity,
        };
        let chaos = self.chaos(&wire, &index, &teams, &mut steps);
        let starts = wire
            .starts
            .as_ref()
            .and_then(|w| self.starts(KeyPath::root().key("starts"), w));
        self.workforce_checks(&wire, &teams, &steps, starts, &scenarios);
        let milestones = self.milestones(&wire, &resolver, rto_target);

        let steps: Option<Vec<Step>> = steps.into_iter().collect();
        let priority = match (&wire.priority, &steps) {
            (Some(list), Some(steps)) => self.priority(list, steps, &step_index, acyclic),
            _ => None,
        };
        if wire.priority_strict.is_some() && wire.priority.is_none() {
            self.push(
                Diagnostic::error(root.key("priority-strict"), "priority-strict without a priority list")
                    .with_hint("add priority = [\"step-id\", ...] naming every step once, or remove priority-strict"),
            );
        }
        Some(Plan {
            name: wire
                .name
                .clone()
                .unwrap_or_else(|| default_name.to_string()),
            rto_target,
            size_elasticity,
            teams,
            limits,
            steps: steps?,
            systems,
            scenarios: scenarios?,
            timings: wire.timings.clone(),
            risks: chaos.risks,
            factors: chaos.factors,
            handoff: chaos.handoff,
            starts,
            milestones,
            priority,
            priority_strict: wire.priority_strict.unwrap_or(false),
        })
    }

    fn teams(&mut self, wire: &[(String, TeamWire)]) -> Vec<Team> {
        let mut teams = Vec::new();
        for (name, tw) in wire {
            let path = KeyPath::root().key("teams").key(name.clone());
            if !is_valid_id(name) {
                self.push(
                    Diagnostic::error(
                        path.clone(),
                        format!("team name \"{name}\" has characters names cannot hold"),
                    )
                    .with_hint("use letters, digits and - _ . / only"),
                );
            }
            let (groups, size, recorded) = match tw {
                TeamWire::Groups(g) => (Some(*g), None, None),
                TeamWire::Table(t) => (t.groups, t.size, t.recorded_size),
            };
            let (mobilise, shift) = match tw {
                TeamWire::Groups(_) => (None, None),
                TeamWire::Table(t) => self.team_chaos(&path, name, t),
            };
            let group_count = match tw {
                TeamWire::Groups(g) => u32::try_from(*g).ok(),
                TeamWire::Table(t) => t.groups.and_then(|g| u32::try_from(g).ok()),
            };
            let workforce = match tw {
                TeamWire::Groups(_) => None,
                TeamWire::Table(t) => {
                    Some(self.team_workforce(&path, name, t, shift.as_ref(), group_count))
                }
            };
            let groups = match groups {
                Some(g) => self.count(
                    path.key("groups"),
                    g,
                    &format!("team \"{name}\" groups"),
                    1,
                    MAX_COUNT,
                ),
                None => {
                    self.push(
                        Diagnostic::error(path.clone(), format!("team \"{name}\" has no groups"))
                            .with_hint(
                                "add groups = N, the number of groups that work in parallel",
                            ),
                    );
                    None
                }
            };
            let size = match size {
                Some(s) => self.count(
                    path.key("size"),
                    s,
                    &format!("team \"{name}\" size"),
                    1,
                    MAX_COUNT,
                ),
                None => Some(1),
            };
            let recorded_size = match recorded {
                Some(r) => self.count(
                    path.key("recorded-size"),
                    r,
                    &format!("team \"{name}\" recorded-size"),
                    1,
                    MAX_COUNT,
                ),
                None => size,
            };
            teams.push(Team {
                name: name.clone(),
                groups: groups.unwrap_or(1),
                size: size.unwrap_or(1),
                recorded_size: recorded_size.unwrap_or(1),
                mobilise,
                shift,
                handover_time: workforce.as_ref().and_then(|w| w.handover_time.clone()),
                hours: workforce.as_ref().and_then(|w| w.hours.clone()),
                on_call: workforce.and_then(|w| w.on_call),
            });
        }
        teams
    }

    fn limits(&mut self, wire: &[(String, i64)]) -> Vec<Limit> {
        wire.iter()
            .map(|(name, cap)| {
                let path = KeyPath::root().key("limits").key(name.clone());
                let capacity = self
                    .count(path, *cap, &format!("limit \"{name}\""), 1, MAX_COUNT)
                    .unwrap_or(1);
                Limit {
                    name: name.clone(),
                    capacity,
                }
            })
            .collect()
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "one step's context, passed once from one caller"
    )]
    fn step(
        &mut self,
        i: usize,
        sw: &StepWire,
        id: &str,
        system: usize,
        resolver: &Resolver<'_>,
        teams: &[Team],
        limits: &[Limit],
        plan_elasticity: f64,
    ) -> (Option<Step>, Option<Vec<usize>>) {
        let path = KeyPath::root().key("step").index(i);
        let mut ok = true;
        let mut refs_ok = true;

        let mut after = Vec::new();
        for (j, name) in sw.after.iter().enumerate() {
            match resolver.resolve(name) {
                Ok(targets) => after.extend_from_slice(targets),
                Err(hint) => {
                    refs_ok = false;
                    self.push(
                        Diagnostic::error(
                            path.key("after").index(j),
                            format!("step \"{id}\" depends on unknown step or system \"{name}\""),
                        )
                        .with_hint_opt(hint),
                    );
                }
            }
        }
        after.sort_unstable();
        after.dedup();

        let choices = sw.team.as_ref().map(|t| t.choices()).unwrap_or_default();
        let listed = matches!(sw.team, Some(crate::plan::wire::StepTeamWire::Many(_)));
        if listed && choices.is_empty() {
            ok = false;
            self.push(
                Diagnostic::error(path.key("team"), format!("step \"{id}\" lists no team"))
                    .with_hint("write team = \"dba\", or the teams in order of preference: team = [\"dba\", \"platform\"]"),
            );
        }
        let mut chosen: Vec<Alternative> = Vec::new();
        for (j, &(name, slower)) in choices.iter().enumerate() {
            let tpath = if listed {
                path.key("team").index(j)
            } else {
                path.key("team")
            };
            let Some(&t) = self.team_index.get(name) else {
                ok = false;
                let hint = self
                    .suggest(name, teams.iter().map(|t| t.name.as_str()))
                    .or_else(|| {
                        Some(if teams.is_empty() {
                            format!("declare the team under [teams], for example `{name} = 1`")
                        } else {
                            format!(
                                "known teams: {}",
                                list_names(teams.iter().map(|t| t.name.as_str()))
                            )
                        })
                    });
                self.push(
                    Diagnostic::error(
                        tpath,
                        format!("step \"{id}\" names unknown team \"{name}\""),
                    )
                    .with_hint_opt(hint),
                );
                continue;
            };
            let slower = slower.unwrap_or(1.0);
            if !(slower.is_finite() && slower > 0.0 && slower <= 100.0) {
                ok = false;
                self.push(
                    Diagnostic::error(
                        tpath.key("slower"),
                        format!("step \"{id}\": team \"{name}\" slower must be a number above 0 and at most 100, not {slower}"),
                    )
                    .with_hint("slower = 1.5 means that team's hands-on work takes half as long again"),
                );
                continue;
            }
            if j == 0 && slower != 1.0 {
                ok = false;
                self.push(
                    Diagnostic::error(
                        tpath.key("slower"),
                        format!("step \"{id}\": the first team listed sets the pace, so it cannot be slower"),
                    )
                    .with_hint("the recorded timings are the first team's; put slower on the teams after it"),
                );
                continue;
            }
            if chosen.iter().any(|c| c.team == t) {
                ok = false;
                self.push(Diagnostic::error(
                    tpath,
                    format!("step \"{id}\" lists team \"{name}\" twice"),
                ));
                continue;
            }
            chosen.push(Alternative { team: t, slower });
        }
        let team = chosen.first().map(|c| c.team);
        let alternatives: Vec<Alternative> = chosen.iter().skip(1).copied().collect();
        if let (Some(c), false) = (sw.crew, alternatives.is_empty()) {
            for alt in &alternatives {
                let groups = teams[alt.team].groups;
                if c > i64::from(groups) {
                    ok = false;
                    self.push(
                        Diagnostic::error(
                            path.key("crew"),
                            format!(
                                "step \"{id}\" needs {c} groups, but its team \"{}\" has only {groups}",
                                teams[alt.team].name
                            ),
                        )
                        .with_hint(format!("lower crew to at most {groups}, give the team more groups, or take it off the step's list")),
                    );
                }
            }
        }
        let crew = match (sw.crew, team) {
            (Some(c), Some(t)) => {
                let groups = teams[t].groups;
                match self.count(
                    path.key("crew"),
                    c,
                    &format!("step \"{id}\" crew"),
                    1,
                    MAX_COUNT,
                ) {
                    Some(c) if c > groups => {
                        ok = false;
                        self.push(
                            Diagnostic::error(
                                path.key("crew"),
                                format!(
                                    "step \"{id}\" needs {c} groups of team \"{}\", which has only {groups}; it could never start",
                                    teams[t].name
                                ),
                            )
                            .with_hint(format!("lower crew to at most {groups} or give the team more groups")),
                        );
                        c
                    }
                    Some(c) => c,
                    None => {
                        ok = false;
                        1
                    }
                }
            }
            (Some(_), None) if sw.team.is_none() => {
                ok = false;
                self.push(
                    Diagnostic::error(
                        path.key("crew"),
                        format!("step \"{id}\" sets crew but names no team"),
                    )
                    .with_hint("add team = \"...\" or remove crew"),
                );
                1
            }
            _ => 1,
        };

        let mut uses = Vec::new();
        for (name, amount) in &sw.uses {
            let upath = path.key("uses").key(name.clone());
            let Some(&l) = self.limit_index.get(name) else {
                ok = false;
                let hint = self
                    .suggest(name, limits.iter().map(|l| l.name.as_str()))
                    .or_else(|| {
                        Some(format!(
                            "declare it under [limits], for example `{name} = 1`"
                        ))
                    });
                self.push(
                    Diagnostic::error(
                        upath,
                        format!("step \"{id}\" uses unknown limit \"{name}\""),
                    )
                    .with_hint_opt(hint),
                );
                continue;
            };
            match self.count(
                upath.clone(),
                *amount,
                &format!("step \"{id}\" use of \"{name}\""),
                1,
                MAX_COUNT,
            ) {
                Some(a) if a > limits[l].capacity => {
                    ok = false;
                    self.push(
                        Diagnostic::error(
                            upath,
                            format!(
                                "step \"{id}\" uses {a} of limit \"{name}\", which has only {}; it could never start",
                                limits[l].capacity
                            ),
                        )
                        .with_hint(format!("lower the amount to at most {} or raise the limit", limits[l].capacity)),
                    );
                }
                Some(a) => uses.push((l, a)),
                None => ok = false,
            }
        }

        let (duration, recorded, derived_retry) = self.step_duration(&path, sw, id);

        let hands_on = match &sw.hands_on {
            Some(text) => {
                let h = self.time(
                    path.key("hands-on"),
                    text,
                    &format!("step \"{id}\" hands-on"),
                );
                if let (Some(h), Some(d)) = (h, &duration) {
                    if h > d.max() {
                        ok = false;
                        self.push(
                            Diagnostic::error(
                                path.key("hands-on"),
                                format!(
                                    "step \"{id}\" hands-on ({}) is longer than the step can last ({})",
                                    crate::duration::format_span_compact(h),
                                    crate::duration::format_span_compact(d.max())
                                ),
                            )
                            .with_hint("hands-on is the part of each attempt that needs people; remove it if people are needed throughout"),
                        );
                    }
                }
                h.or_else(|| {
                    ok = false;
                    None
                })
            }
            None => None,
        };

        let retry = sw.retry.as_ref().and_then(|r| {
            let rpath = path.key("retry");
            let mut good = true;
            if !(0.0..1.0).contains(&r.p) {
                good = false;
                self.push(
                    Diagnostic::error(
                        rpath.key("p"),
                        format!(
                            "step \"{id}\" retry p must be at least 0 and below 1, not {}",
                            r.p
                        ),
                    )
                    .with_hint("p is the chance that one attempt fails, such as 0.1"),
                );
            }
            let max = self.count(
                rpath.key("max"),
                r.max,
                &format!("step \"{id}\" retry max"),
                0,
                MAX_RETRIES,
            );
            good &= max.is_some();
            if !good {
                ok = false;
            }
            Some(Retry { p: r.p, max: max? }).filter(|_| good)
        });

        // The failure share of the observations stands in for a retry the plan does not give.
        let retry = if sw.retry.is_none() {
            derived_retry
        } else {
            retry
        };

        let size_elasticity = match sw.size_elasticity {
            Some(e) => self
                .elasticity(
                    path.key("size-elasticity"),
                    e,
                    &format!("step \"{id}\" size-elasticity"),
                )
                .or_else(|| {
                    ok = false;
                    None
                })
                .unwrap_or(plan_elasticity),
            None => plan_elasticity,
        };

        let step = match duration {
            Some(duration) if ok && refs_ok => Some(Step {
                alternatives,
                id: id.to_string(),
                system,
                name: sw.name.clone(),
                after: after.clone(),
                team,
                crew,
                hands_on,
                uses,
                duration,
                retry,
                size_elasticity,
                recorded,
            }),
            _ => None,
        };
        // The dependencies are returned even when other fields failed, so cycles are still found.
        (step, refs_ok.then_some(after))
    }

    fn scenarios(
        &mut self,
        wire: &PlanWire,
        systems: &[String],
        system_index: &HashMap<String, usize>,
        step_index: &HashMap<String, usize>,
        system_of: &[usize],
    ) -> Option<Vec<Scenario>> {
        let mut out = Vec::new();
        let mut ok = true;
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, sw) in wire.scenario.iter().enumerate() {
            let path = KeyPath::root().key("scenario").index(i);
            let name = match &sw.name {
                Some(n) => n.clone(),
                None => {
                    ok = false;
                    self.push(
                        Diagnostic::error(path.clone(), format!("scenario {} has no name", i + 1))
                            .with_hint("add name = \"...\"; it is what --scenario selects"),
                    );
                    format!("#{}", i + 1)
                }
            };
            if let Some(name) = sw.name.as_deref() {
                if let Some(first) = seen.insert(name, i) {
                    ok = false;
                    self.push(
                        Diagnostic::error(
                            path.key("name"),
                            format!("duplicate scenario name \"{name}\""),
                        )
                        .with_hint(format!("scenario {} already uses this name", first + 1)),
                    );
                }
            }
            if sw.lost.is_empty() {
                ok = false;
                self.push(
                    Diagnostic::error(
                        path.clone(),
                        format!("scenario \"{name}\" loses no systems"),
                    )
                    .with_hint("add lost = [\"*\"] for everything, or the systems to rebuild"),
                );
            }
            let mut lost = vec![false; systems.len()];
            for (j, sys) in sw.lost.iter().enumerate() {
                if sys == "*" {
                    lost.iter_mut().for_each(|l| *l = true);
                } else if let Some(&s) = system_index.get(sys) {
                    lost[s] = true;
                } else {
                    ok = false;
                    let hint = match step_index.get(sys) {
                        Some(&st) => Some(format!(
                            "\"{sys}\" is a step of system \"{}\"; scenarios list systems",
                            systems[system_of[st]]
                        )),
                        None => self.suggest(sys, systems.iter().map(String::as_str)),
                    };
                    self.push(
                        Diagnostic::error(
                            path.key("lost").index(j),
                            format!("scenario \"{name}\" loses unknown system \"{sys}\""),
                        )
                        .with_hint_opt(hint),
                    );
                }
            }
            let starts = sw
                .starts
                .as_ref()
                .and_then(|w| self.starts(path.key("starts"), w));
            out.push(Scenario {
                name,
                description: sw.description.clone(),
                lost,
                starts,
            });
        }
        ok.then_some(out)
    }
}

/// Resolves dependency names to step indices.
struct Resolver<'a> {
    ids: &'a [String],
    step_index: &'a HashMap<String, usize>,
    systems: &'a [String],
    system_index: &'a HashMap<String, usize>,
    steps_of_system: &'a [Vec<usize>],
    /// Did-you-mean suggestions still allowed (see [`MAX_SUGGESTIONS`]).
    suggestions_left: Cell<usize>,
}

impl Resolver<'_> {
    /// The steps a name in `after` stands for: the whole system when it names one (which, for a
    /// step whose system defaults to its id, includes that step), else the one step.
    /// On failure, a did-you-mean hint.
    fn resolve(&self, name: &str) -> Result<&[usize], Option<String>> {
        if let Some(&sys) = self.system_index.get(name) {
            return Ok(&self.steps_of_system[sys]);
        }
        if let Some(step) = self.step_index.get(name) {
            return Ok(std::slice::from_ref(step));
        }
        let left = self.suggestions_left.get();
        if left == 0 {
            return Err(None);
        }
        self.suggestions_left.set(left - 1);
        Err(did_you_mean(
            name,
            self.ids
                .iter()
                .map(String::as_str)
                .chain(self.systems.iter().map(String::as_str)),
        ))
    }
}
