//! Checks of the plan as a whole, once every step is read: cycles and redundant dependencies
//! in the graph, and the warnings about steps and systems (no team, never lost).

use std::collections::HashSet;

use super::{Checker, MAX_CYCLES, MAX_STEPS_FOR_REDUNDANCY};
use crate::plan::diag::{Diagnostic, KeyPath};
use crate::plan::graph;
use crate::plan::model::{Scenario, Team};
use crate::plan::wire::PlanWire;

impl Checker {
    pub(super) fn graph_checks(
        &mut self,
        wire: &PlanWire,
        deps: &[Vec<usize>],
        ids: &[String],
        systems: &[String],
        system_of: &[usize],
        scenarios: &Option<Vec<Scenario>>,
    ) -> bool {
        let cycles = graph::find_cycles(deps, MAX_CYCLES);
        for cycle in &cycles {
            let chain = cycle
                .iter()
                .map(|&s| ids[s].as_str())
                .collect::<Vec<_>>()
                .join(" -> ");
            let first = cycle[0];
            let after_index = wire.step[first]
                .after
                .iter()
                .position(|name| name == &ids[cycle[1]] || name == &systems[system_of[cycle[1]]])
                .unwrap_or(0);
            let path = KeyPath::root()
                .key("step")
                .index(first)
                .key("after")
                .index(after_index);
            let diagnostic = if cycle.len() == 2 {
                Diagnostic::error(path, format!("step \"{}\" depends on itself", ids[first])).with_hint(format!(
                    "remove \"{}\" from its own after list (a step of system \"{}\" that waits for its whole system waits for itself)",
                    wire.step[first].after[after_index], systems[system_of[first]]
                ))
            } else {
                Diagnostic::error(path, format!("circular dependency: {chain}"))
                    .with_hint("each step waits for the next one in the chain, so none can start; merge the systems or move the shared resource to a system both depend on")
            };
            self.push(diagnostic);
        }
        if cycles.len() == MAX_CYCLES {
            self.push(Diagnostic::error(
                KeyPath::root(),
                format!("more than {MAX_CYCLES} circular dependencies; only the first {MAX_CYCLES} are listed"),
            ));
        }
        if !cycles.is_empty() {
            return false;
        }
        // Without a back edge the graph is acyclic. The redundancy warning needs n^2 bits, so
        // larger plans skip it, and with it the per-scenario work below.
        if deps.len() > MAX_STEPS_FOR_REDUNDANCY {
            return true;
        }
        let Some(order) = graph::topo_order(deps) else {
            return false;
        };
        let scenario_needs: Vec<Vec<bool>> = scenarios
            .iter()
            .flatten()
            .map(|sc| system_of.iter().map(|&sys| sc.lost[sys]).collect())
            .collect();
        // A dependency implied through steps of a surviving system is not implied in that
        // scenario (those steps are done and drop out), so only warn about dependencies that
        // stay implied in every scenario that needs both ends.
        let redundant_in: Vec<HashSet<(usize, usize)>> = scenario_needs
            .iter()
            .map(|needed| {
                let kept: Vec<Vec<usize>> = deps
                    .iter()
                    .enumerate()
                    .map(|(s, ds)| {
                        if needed[s] {
                            ds.iter().copied().filter(|&d| needed[d]).collect()
                        } else {
                            Vec::new()
                        }
                    })
                    .collect();
                graph::redundant_deps(&kept, &order, MAX_STEPS_FOR_REDUNDANCY)
                    .into_iter()
                    .collect()
            })
            .collect();
        let implied_everywhere = |s: usize, d: usize| {
            scenario_needs
                .iter()
                .zip(&redundant_in)
                .all(|(needed, redundant)| !(needed[s] && needed[d]) || redundant.contains(&(s, d)))
        };
        for (s, d) in graph::redundant_deps(deps, &order, MAX_STEPS_FOR_REDUNDANCY) {
            if !implied_everywhere(s, d) {
                continue;
            }
            // Only name dependencies the user wrote as a step id: a system dependency may be
            // partly implied without being redundant as written.
            let Some(j) = wire.step[s].after.iter().position(|name| *name == ids[d]) else {
                continue;
            };
            self.push(
                Diagnostic::warning(
                    KeyPath::root().key("step").index(s).key("after").index(j),
                    format!("step \"{}\" depends on \"{}\", which is already implied by its other dependencies", ids[s], ids[d]),
                )
                .with_hint("the dependency is harmless but can be removed to keep the plan readable"),
            );
        }
        true
    }

    pub(super) fn warnings(
        &mut self,
        wire: &PlanWire,
        teams: &[Team],
        systems: &[String],
        scenarios: &Option<Vec<Scenario>>,
    ) {
        for (i, sw) in wire.step.iter().enumerate() {
            // Built only for a warning: this loop runs over every step.
            let path = || KeyPath::root().key("step").index(i);
            let id = sw.id.as_deref().unwrap_or("?");
            if sw.team.is_none() && !teams.is_empty() {
                self.push(
                    Diagnostic::warning(path(), format!("step \"{id}\" has no team, so it needs no people"))
                        .with_hint("add team = \"...\" if someone has to run it; automated or waiting steps need none"),
                );
            }
            if sw.team.is_none() && sw.hands_on.is_some() {
                self.push(Diagnostic::warning(
                    path().key("hands-on"),
                    format!("step \"{id}\" sets hands-on but has no team, so it has no effect"),
                ));
            }
        }
        if let Some(scenarios) = scenarios {
            if !scenarios.is_empty() {
                for (s, name) in systems.iter().enumerate() {
                    // Short-circuits at the first scenario that loses the system: usually "*".
                    if !scenarios.iter().any(|sc| sc.lost[s]) {
                        self.push(
                            Diagnostic::warning(
                                KeyPath::root().key("scenario"),
                                format!("no scenario loses system \"{name}\""),
                            )
                            .with_hint(
                                "its steps are never simulated; add it to a scenario or lose \"*\"",
                            ),
                        );
                    }
                }
            }
        }
    }
}
