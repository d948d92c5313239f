//! Validation of the chaos keys: `[[risk]]`, `[[factor]]`, plan-level `handoff` and the team
//! keys `mobilise`, `shift`, `rest` and `handover`.
//!
//! A risk's fallback step becomes a step of the plan, appended after the written steps, of the
//! hit step's system, waiting for the hit step (and its own `after`); every step that waits for
//! the hit step waits for the fallback too.

use std::collections::HashSet;

use super::{Checker, Resolver, is_valid_id};
use crate::dist::Dist;
use crate::plan::chaos::{Factor, Handover, Risk, RiskEffect, Shift};
use crate::plan::chaos_wire::{FallbackWire, NumberDistWire, NumberWire, RiskWire};
use crate::plan::diag::{Diagnostic, KeyPath, did_you_mean};
use crate::plan::graph;
use crate::plan::model::{Step, Team};
use crate::plan::wire::{PlanWire, TeamTableWire};
use crate::plan::workforce::Rota;

/// Largest factor multiplier accepted: beyond this it is a typo.
const MAX_MULTIPLIER: f64 = 1000.0;

/// The chaos part of a validated plan.
pub(super) struct Chaos {
    pub risks: Vec<Risk>,
    pub factors: Vec<Factor>,
    pub handoff: Option<Dist>,
}

/// What validation knows about every step, written or fallback.
pub(super) struct StepIndex<'a> {
    pub resolver: &'a Resolver<'a>,
    pub ids: &'a [String],
    pub system_of: &'a [usize],
    pub systems: &'a [String],
    pub deps: &'a [Vec<usize>],
    /// Whether the written dependency graph resolved and is acyclic.
    pub acyclic: bool,
    pub plan_elasticity: f64,
}

impl Checker {
    /// The chaos keys of a team table: mobilisation and shifts.
    pub(super) fn team_chaos(
        &mut self,
        path: &KeyPath,
        name: &str,
        t: &TeamTableWire,
    ) -> (Option<Dist>, Option<Shift>) {
        let mobilise = t.mobilise.as_ref().and_then(|m| {
            self.duration_of(
                path.key("mobilise"),
                m,
                &format!("team \"{name}\" mobilise"),
            )
        });
        let shift = t
            .shift
            .as_deref()
            .and_then(|s| self.time(path.key("shift"), s, &format!("team \"{name}\" shift")));
        let rest = t
            .rest
            .as_deref()
            .and_then(|s| self.time(path.key("rest"), s, &format!("team \"{name}\" rest")));
        let handover = match t.handover.as_deref() {
            None | Some("pause") => Some(Handover::Pause),
            Some("relief") => Some(Handover::Relief),
            Some(other) => {
                self.push(
                    Diagnostic::error(
                        path.key("handover"),
                        format!("team \"{name}\" has unknown handover \"{other}\""),
                    )
                    .with_hint("use \"relief\" (another group takes over) or \"pause\" (work stops until the next shift)"),
                );
                None
            }
        };
        match (&t.shift, &t.rest) {
            (Some(_), None) => self.push(
                Diagnostic::error(
                    path.clone(),
                    format!("team \"{name}\" sets shift but no rest"),
                )
                .with_hint("add rest = \"12h\", the time a group is off between shifts"),
            ),
            (None, Some(_)) => self.push(
                Diagnostic::error(
                    path.key("rest"),
                    format!("team \"{name}\" sets rest but no shift"),
                )
                .with_hint("add shift = \"12h\", the time a group works before it rests"),
            ),
            (None, None) if t.handover.is_some() => self.push(
                Diagnostic::error(
                    path.key("handover"),
                    format!("team \"{name}\" sets handover but no shift"),
                )
                .with_hint("handover says what happens when a shift ends; add shift and rest"),
            ),
            _ => {}
        }
        if shift == Some(0.0) {
            self.push(Diagnostic::error(
                path.key("shift"),
                format!("team \"{name}\" shift must be longer than 0s"),
            ));
            return (mobilise, None);
        }
        let rota = match t.rota.as_deref() {
            None => Some(match handover {
                Some(Handover::Relief) => Rota::Staggered,
                _ => Rota::Together,
            }),
            Some(text) => match Rota::parse(text) {
                Some(r) => Some(r),
                None => {
                    self.push(
                        Diagnostic::error(
                            path.key("rota"),
                            format!("team \"{name}\" has unknown rota \"{text}\""),
                        )
                        .with_hint("use \"together\" (every group rests at the same time) or \"staggered\" (the groups take turns)"),
                    );
                    None
                }
            },
        };
        if t.rota.is_some() && t.shift.is_none() {
            self.push(
                Diagnostic::error(
                    path.key("rota"),
                    format!("team \"{name}\" sets rota but no shift"),
                )
                .with_hint("rota says how the groups' shifts lie; add shift and rest"),
            );
        }
        let shift = match (shift, rest, handover, rota) {
            (Some(shift), Some(rest), Some(handover), Some(rota)) => Some(Shift {
                shift,
                rest,
                handover,
                rota,
            }),
            _ => None,
        };
        (mobilise, shift)
    }

    /// Checks risks, factors and the hand-off delay, appending fallback steps to `steps`.
    pub(super) fn chaos(
        &mut self,
        wire: &PlanWire,
        index: &StepIndex<'_>,
        teams: &[Team],
        steps: &mut Vec<Option<Step>>,
    ) -> Chaos {
        let handoff = wire
            .handoff
            .as_ref()
            .and_then(|h| self.duration_of(KeyPath::root().key("handoff"), h, "handoff"));
        // Most plans have no risks or factors: skip copying every step's id and dependencies.
        if wire.risk.is_empty() && wire.factor.is_empty() {
            return Chaos {
                risks: Vec::new(),
                factors: Vec::new(),
                handoff,
            };
        }

        // Every step id, system and team, written steps first, then fallbacks.
        let mut ids: Vec<String> = index.ids.to_vec();
        let mut system_of: Vec<usize> = index.system_of.to_vec();
        let mut team_of: Vec<Option<usize>> = steps
            .iter()
            .map(|s| s.as_ref().and_then(|s| s.team))
            .collect();
        let mut deps: Vec<Vec<usize>> = index.deps.to_vec();
        let mut fallbacks: Vec<(usize, usize, usize)> = Vec::new(); // (risk, hit, step)

        let mut risks = Vec::new();
        let mut names: HashSet<&str> = HashSet::new();
        for (k, rw) in wire.risk.iter().enumerate() {
            let path = KeyPath::root().key("risk").index(k);
            let name = self.chaos_name(&path, rw.name.as_deref(), "risk", k, &mut names);
            let p = match rw.p {
                Some(p) if (0.0..=1.0).contains(&p) => Some(p),
                Some(p) => {
                    self.push(
                        Diagnostic::error(
                            path.key("p"),
                            format!("risk \"{name}\" p must be between 0 and 1, not {p}"),
                        )
                        .with_hint(
                            "p is the chance that the risk happens in one recovery, such as 0.1",
                        ),
                    );
                    None
                }
                None => {
                    self.push(
                        Diagnostic::error(path.clone(), format!("risk \"{name}\" has no p"))
                            .with_hint("add p = 0.1, the chance that it happens in one recovery"),
                    );
                    None
                }
            };
            let hits = self.risk_hits(&path, &name, rw, index);
            let data_loss = rw.data_loss.as_deref().and_then(|d| {
                self.time(
                    path.key("data-loss"),
                    d,
                    &format!("risk \"{name}\" data-loss"),
                )
            });
            let effect = self.risk_effect(&path, &name, rw, hits.as_deref(), teams, index);
            let effect = match effect {
                Some(Effect::Fallback(step, hit)) => {
                    let f = ids.len();
                    ids.push(step.id.clone());
                    system_of.push(step.system);
                    team_of.push(step.team);
                    deps.push(step.after.clone());
                    steps.push(Some(*step));
                    fallbacks.push((k, hit, f));
                    Some(RiskEffect::Fallback { step: f })
                }
                Some(Effect::Plain(e)) => Some(e),
                None => None,
            };
            if let (Some(p), Some(hits), Some(effect)) = (p, hits, effect) {
                risks.push(Risk {
                    name,
                    p,
                    hits,
                    effect,
                    data_loss,
                });
            }
        }
        let written = index.ids.len();
        self.fallback_ids(&ids, written, wire);
        self.wire_fallbacks(&fallbacks, &mut deps, steps, index.acyclic, &ids);

        let mut factors = Vec::new();
        let mut names: HashSet<&str> = HashSet::new();
        for (k, fw) in wire.factor.iter().enumerate() {
            let path = KeyPath::root().key("factor").index(k);
            let name = self.chaos_name(&path, fw.name.as_deref(), "factor", k, &mut names);
            let multiplier = match &fw.multiplier {
                Some(m) => self.multiplier(path.key("multiplier"), m, &name),
                None => {
                    self.push(
                        Diagnostic::error(
                            path.clone(),
                            format!("factor \"{name}\" has no multiplier"),
                        )
                        .with_hint(
                            "add multiplier = { dist = \"lognormal\", p50 = 1.0, p90 = 1.5 }",
                        ),
                    );
                    None
                }
            };
            if fw.applies_to.is_empty() {
                self.push(
                    Diagnostic::error(
                        path.clone(),
                        format!("factor \"{name}\" applies to nothing"),
                    )
                    .with_hint("add applies-to = [...] with step ids, system names or team names"),
                );
            }
            let mut applies = Vec::new();
            let mut good = true;
            for (j, target) in fw.applies_to.iter().enumerate() {
                // Fallback steps are not in the resolver's index; there are few of them.
                let found: Vec<usize> = if let Some(s) = index
                    .resolver
                    .step_index
                    .get(target.as_str())
                    .copied()
                    .or_else(|| {
                        ids[written..]
                            .iter()
                            .position(|i| i == target)
                            .map(|f| written + f)
                    }) {
                    vec![s]
                } else if let Some(&sys) = index.resolver.system_index.get(target.as_str()) {
                    (0..ids.len()).filter(|&s| system_of[s] == sys).collect()
                } else if let Some(&t) = self.team_index.get(target.as_str()) {
                    (0..ids.len()).filter(|&s| team_of[s] == Some(t)).collect()
                } else {
                    good = false;
                    let hint = self.suggest(
                        target,
                        ids.iter()
                            .chain(index.systems)
                            .map(String::as_str)
                            .chain(teams.iter().map(|t| t.name.as_str())),
                    );
                    self.push(
                        Diagnostic::error(
                            path.key("applies-to").index(j),
                            format!("factor \"{name}\" applies to unknown step, system or team \"{target}\""),
                        )
                        .with_hint_opt(hint),
                    );
                    continue;
                };
                applies.extend(found);
            }
            applies.sort_unstable();
            applies.dedup();
            if let (Some(multiplier), true) = (multiplier, good && !applies.is_empty()) {
                factors.push(Factor {
                    name,
                    multiplier,
                    steps: applies,
                });
            }
        }
        Chaos {
            risks,
            factors,
            handoff,
        }
    }

    fn chaos_name<'w>(
        &mut self,
        path: &KeyPath,
        name: Option<&'w str>,
        kind: &str,
        k: usize,
        seen: &mut HashSet<&'w str>,
    ) -> String {
        match name {
            Some(n) => {
                if !is_valid_id(n) {
                    self.push(
                        Diagnostic::error(
                            path.key("name"),
                            format!("{kind} name \"{n}\" has characters names cannot hold"),
                        )
                        .with_hint("use letters, digits and - _ . / only"),
                    );
                }
                if seen.contains(&n) {
                    self.push(
                        Diagnostic::error(
                            path.key("name"),
                            format!("duplicate {kind} name \"{n}\""),
                        )
                        .with_hint(format!(
                            "{kind} names must be unique; --without selects them by name"
                        )),
                    );
                }
                seen.insert(n);
                n.to_string()
            }
            None => {
                self.push(
                    Diagnostic::error(path.clone(), format!("{kind} {} has no name", k + 1))
                        .with_hint("add name = \"...\"; reports and --without use it"),
                );
                format!("#{}", k + 1)
            }
        }
    }

    fn risk_hits(
        &mut self,
        path: &KeyPath,
        name: &str,
        rw: &RiskWire,
        index: &StepIndex<'_>,
    ) -> Option<Vec<usize>> {
        if rw.hits.is_empty() {
            self.push(
                Diagnostic::error(path.clone(), format!("risk \"{name}\" hits nothing"))
                    .with_hint("add hits = [...] with the step ids or system names it affects"),
            );
            return None;
        }
        let mut hits = Vec::new();
        let mut ok = true;
        for (j, target) in rw.hits.iter().enumerate() {
            match index.resolver.resolve(target) {
                Ok(found) => hits.extend_from_slice(found),
                Err(hint) => {
                    ok = false;
                    self.push(
                        Diagnostic::error(
                            path.key("hits").index(j),
                            format!("risk \"{name}\" hits unknown step or system \"{target}\""),
                        )
                        .with_hint_opt(hint),
                    );
                }
            }
        }
        hits.sort_unstable();
        hits.dedup();
        ok.then_some(hits)
    }

    fn risk_effect(
        &mut self,
        path: &KeyPath,
        name: &str,
        rw: &RiskWire,
        hits: Option<&[usize]>,
        teams: &[Team],
        index: &StepIndex<'_>,
    ) -> Option<Effect> {
        let given = usize::from(rw.delay.is_some())
            + usize::from(rw.fallback.is_some())
            + usize::from(rw.restart == Some(true));
        if given != 1 {
            self.push(
                Diagnostic::error(
                    path.clone(),
                    if given == 0 {
                        format!("risk \"{name}\" has no effect")
                    } else {
                        format!("risk \"{name}\" has more than one effect")
                    },
                )
                .with_hint("give exactly one of delay = \"2h\", fallback = { ... } or restart = true; write two risks for two effects"),
            );
            return None;
        }
        if let Some(d) = &rw.delay {
            return self
                .duration_of(path.key("delay"), d, &format!("risk \"{name}\" delay"))
                .map(|d| Effect::Plain(RiskEffect::Delay(d)));
        }
        if rw.restart == Some(true) {
            return Some(Effect::Plain(RiskEffect::Restart));
        }
        let fw = rw.fallback.as_ref()?;
        let hits = hits?;
        if hits.len() != 1 {
            self.push(
                Diagnostic::error(
                    path.key("hits"),
                    format!(
                        "risk \"{name}\" has a fallback but hits {} steps",
                        hits.len()
                    ),
                )
                .with_hint("a fallback runs after one step; name that step in hits"),
            );
            return None;
        }
        self.fallback_step(&path.key("fallback"), name, fw, hits[0], teams, index)
            .map(|s| Effect::Fallback(Box::new(s), hits[0]))
    }

    fn fallback_step(
        &mut self,
        path: &KeyPath,
        name: &str,
        fw: &FallbackWire,
        hit: usize,
        teams: &[Team],
        index: &StepIndex<'_>,
    ) -> Option<Step> {
        let Some(id) = fw.id.clone() else {
            self.push(
                Diagnostic::error(path.clone(), format!("risk \"{name}\" fallback has no id"))
                    .with_hint("add id = \"...\" naming the fallback step uniquely"),
            );
            return None;
        };
        let mut ok = true;
        let mut after = vec![hit];
        for (j, target) in fw.after.iter().enumerate() {
            match index.resolver.resolve(target) {
                Ok(found) => after.extend_from_slice(found),
                Err(hint) => {
                    ok = false;
                    self.push(
                        Diagnostic::error(
                            path.key("after").index(j),
                            format!(
                                "fallback \"{id}\" depends on unknown step or system \"{target}\""
                            ),
                        )
                        .with_hint_opt(hint),
                    );
                }
            }
        }
        after.sort_unstable();
        after.dedup();
        let team = match &fw.team {
            Some(t) => match self.team_index.get(t.as_str()) {
                Some(&i) => Some(i),
                None => {
                    ok = false;
                    let hint = self.suggest(t, teams.iter().map(|x| x.name.as_str()));
                    self.push(
                        Diagnostic::error(
                            path.key("team"),
                            format!("fallback \"{id}\" names unknown team \"{t}\""),
                        )
                        .with_hint_opt(hint),
                    );
                    None
                }
            },
            None => None,
        };
        let crew = match (fw.crew, team) {
            (Some(c), Some(t)) if c < 1 || c > i64::from(teams[t].groups) => {
                ok = false;
                self.push(Diagnostic::error(
                    path.key("crew"),
                    format!(
                        "fallback \"{id}\" crew must be between 1 and {} (team \"{}\" groups), not {c}",
                        teams[t].groups, teams[t].name
                    ),
                ));
                1
            }
            (Some(c), _) => u32::try_from(c).unwrap_or(1),
            (None, _) => 1,
        };
        let duration = match &fw.duration {
            Some(d) => self.duration(path.key("duration"), d, &id),
            None => {
                self.push(
                    Diagnostic::error(path.clone(), format!("fallback \"{id}\" has no duration"))
                        .with_hint("add duration = \"4h\" or a distribution table"),
                );
                None
            }
        };
        let duration = duration?;
        ok.then(|| Step {
            alternatives: Vec::new(),
            id,
            system: index.system_of[hit],
            name: fw.name.clone(),
            after,
            team,
            crew,
            hands_on: None,
            uses: Vec::new(),
            duration,
            retry: None,
            size_elasticity: index.plan_elasticity,
            recorded: None,
        })
    }

    /// Fallback ids must differ from every other step id.
    fn fallback_ids(&mut self, ids: &[String], written: usize, wire: &PlanWire) {
        let fallback_risks: Vec<usize> = (0..wire.risk.len())
            .filter(|&k| wire.risk[k].fallback.is_some())
            .collect();
        if ids.len() == written {
            return;
        }
        let written_ids: HashSet<&str> = ids[..written].iter().map(String::as_str).collect();
        // Written ids are indexed once; fallbacks are few, so they are compared directly.
        let index_has = |id: &str, f: usize| {
            written_ids.contains(id) || ids[written..f].iter().any(|other| other == id)
        };
        for (n, f) in (written..ids.len()).enumerate() {
            let id = &ids[f];
            let path = fallback_risks.get(n).map_or_else(KeyPath::root, |&k| {
                KeyPath::root()
                    .key("risk")
                    .index(k)
                    .key("fallback")
                    .key("id")
            });
            if !is_valid_id(id) {
                self.push(
                    Diagnostic::error(
                        path.clone(),
                        format!("fallback id \"{id}\" has characters ids cannot hold"),
                    )
                    .with_hint("use letters, digits and - _ . / only"),
                );
            }
            if index_has(id, f) {
                self.push(
                    Diagnostic::error(path, format!("duplicate step id \"{id}\""))
                        .with_hint("a fallback step needs an id no other step uses"),
                );
            }
        }
    }

    /// Makes every step that waits for a hit step wait for its fallback too, and checks the
    /// result has no cycle.
    fn wire_fallbacks(
        &mut self,
        fallbacks: &[(usize, usize, usize)],
        deps: &mut [Vec<usize>],
        steps: &mut [Option<Step>],
        acyclic: bool,
        ids: &[String],
    ) {
        if fallbacks.is_empty() {
            return;
        }
        // Who waits for each step, built once (a scan of every step per fallback was quadratic).
        // Hit steps are written steps, never fallbacks, so adding fallbacks leaves it valid.
        let mut waiting: Vec<Vec<usize>> = vec![Vec::new(); deps.len()];
        for (s, ds) in deps.iter().enumerate() {
            for &d in ds {
                waiting[d].push(s);
            }
        }
        for &(_, hit, f) in fallbacks {
            for &s in &waiting[hit] {
                if s != f && !deps[s].contains(&f) {
                    deps[s].push(f);
                    deps[s].sort_unstable();
                    if let Some(step) = &mut steps[s] {
                        step.after = deps[s].clone();
                    }
                }
            }
        }
        if acyclic && !fallbacks.is_empty() && graph::topo_order(deps).is_none() {
            let cycle = graph::find_cycles(deps, 1)
                .into_iter()
                .next()
                .unwrap_or_default();
            let &(k, hit, f) = fallbacks
                .iter()
                .find(|(_, _, f)| cycle.contains(f))
                .unwrap_or(&fallbacks[0]);
            let chain = cycle
                .iter()
                .map(|&s| ids[s].as_str())
                .collect::<Vec<_>>()
                .join(" -> ");
            self.push(
                Diagnostic::error(
                    KeyPath::root().key("risk").index(k).key("fallback").key("after"),
                    format!("a fallback makes a circular dependency: {chain}"),
                )
                .with_hint(format!(
                    "every step that waits for \"{}\" also waits for its fallback \"{}\", so the fallback cannot wait for one of them",
                    ids[hit], ids[f]
                )),
            );
        }
    }

    /// A multiplier: a positive number or a distribution of positive numbers.
    fn multiplier(&mut self, path: KeyPath, m: &NumberWire, name: &str) -> Option<Dist> {
        let dist = match m {
            NumberWire::Fixed(v) => Dist::Fixed(*v),
            NumberWire::Dist(d) => self.number_dist(&path, d, name)?,
        };
        // A lognormal's support starts at 0 but never reaches it; anything else must stay above 0.
        let positive = dist.min() > 0.0 || (matches!(dist, Dist::LogNormal { .. }));
        if !(positive && dist.quantile(0.999) <= MAX_MULTIPLIER) {
            self.push(
                Diagnostic::error(
                    path,
                    format!("factor \"{name}\" multiplier must stay above 0 and at most {MAX_MULTIPLIER}"),
                )
                .with_hint("a multiplier scales durations: 1.0 leaves them alone, 1.5 makes them half as long again"),
            );
            return None;
        }
        Some(dist)
    }

    fn number_dist(&mut self, path: &KeyPath, d: &NumberDistWire, name: &str) -> Option<Dist> {
        const FAMILIES: [&str; 5] = ["uniform", "triangular", "pert", "lognormal", "empirical"];
        let bad = |c: &mut Checker, msg: String| {
            c.push(
                Diagnostic::error(path.clone(), format!("factor \"{name}\" {msg}")).with_hint(
                    "uniform takes min, max; triangular and pert min, mode, max; lognormal p50, p90; empirical samples",
                ),
            );
            None
        };
        let family = d.dist.as_deref().unwrap_or("");
        let keys = [d.min, d.mode, d.max, d.p50, d.p90].map(|k| k.is_some());
        let expected = match family {
            "uniform" => [true, false, true, false, false],
            "triangular" | "pert" => [true, true, true, false, false],
            "lognormal" => [false, false, false, true, true],
            "empirical" => [false; 5],
            other => {
                let hint = did_you_mean(other, FAMILIES)
                    .unwrap_or_else(|| format!("use one of {}", FAMILIES.join(", ")));
                self.push(
                    Diagnostic::error(
                        path.key("dist"),
                        format!(
                            "factor \"{name}\" has unknown or missing distribution \"{other}\""
                        ),
                    )
                    .with_hint(hint),
                );
                return None;
            }
        };
        if keys != expected || d.samples.is_some() != (family == "empirical") {
            return bad(
                self,
                format!("multiplier has the wrong keys for a {family} distribution"),
            );
        }
        let v = |x: Option<f64>| x.unwrap_or(f64::NAN);
        match family {
            "uniform" if v(d.min) <= v(d.max) => Some(Dist::Uniform {
                min: v(d.min),
                max: v(d.max),
            }),
            "triangular" | "pert" if v(d.min) <= v(d.mode) && v(d.mode) <= v(d.max) => {
                let (min, mode, max) = (v(d.min), v(d.mode), v(d.max));
                Some(if family == "pert" {
                    Dist::Pert { min, mode, max }
                } else {
                    Dist::Triangular { min, mode, max }
                })
            }
            "lognormal" if v(d.p50) > 0.0 && v(d.p50) < v(d.p90) => {
                Some(Dist::lognormal_from_quantiles(v(d.p50), v(d.p90)))
            }
            "empirical" if d.samples.as_ref().is_some_and(|s| !s.is_empty()) => {
                Some(Dist::empirical(d.samples.clone().unwrap_or_default()))
            }
            _ => bad(
                self,
                format!(
                    "multiplier has unsound {family} parameters (min <= mode <= max, 0 < p50 < p90, at least one sample)"
                ),
            ),
        }
    }
}

/// A checked risk effect; a fallback carries its new step and the hit step.
enum Effect {
    Plain(RiskEffect),
    Fallback(Box<Step>, usize),
}
