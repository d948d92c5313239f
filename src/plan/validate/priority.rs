//! The plan's `priority` list: a complete dispatch order for `--policy priority`, as
//! `rtosim optimise` writes it. Every step once, and each after every step it waits for (the
//! strict dispatcher starts steps in list order, so a step listed before one it waits for could
//! never start).

use std::collections::HashMap;

use super::{Checker, list_names};
use crate::plan::diag::{Diagnostic, KeyPath};
use crate::plan::model::Step;

impl Checker {
    /// Checks `list` against the validated steps; the order as step indices when it is sound.
    pub(super) fn priority(
        &mut self,
        list: &[String],
        steps: &[Step],
        step_index: &HashMap<String, usize>,
        acyclic: bool,
    ) -> Option<Vec<usize>> {
        let root = KeyPath::root().key("priority");
        let mut position: Vec<Option<usize>> = vec![None; steps.len()];
        let mut order = Vec::with_capacity(list.len());
        let mut sound = true;
        for (i, id) in list.iter().enumerate() {
            let Some(&s) = step_index.get(id) else {
                let hint = self
                    .suggest(id, steps.iter().map(|s| s.id.as_str()))
                    .unwrap_or_else(|| "list the ids of the plan's [[step]] tables".to_string());
                self.push(
                    Diagnostic::error(
                        root.index(i),
                        format!("priority names unknown step \"{id}\""),
                    )
                    .with_hint(hint),
                );
                sound = false;
                continue;
            };
            if let Some(first) = position[s] {
                self.push(
                    Diagnostic::error(
                        root.index(i),
                        format!("step \"{id}\" appears twice in priority"),
                    )
                    .with_hint(format!(
                        "it is already at position {}; a priority list names every step once",
                        first + 1
                    )),
                );
                sound = false;
                continue;
            }
            position[s] = Some(i);
            order.push(s);
        }
        let missing: Vec<&str> = steps
            .iter()
            .zip(&position)
            .filter(|(_, p)| p.is_none())
            .map(|(s, _)| s.id.as_str())
            .collect();
        if !missing.is_empty() {
            self.push(
                Diagnostic::error(
                    root.clone(),
                    format!(
                        "priority misses {} step{}: {}",
                        missing.len(),
                        if missing.len() == 1 { "" } else { "s" },
                        list_names(missing.iter().copied())
                    ),
                )
                .with_hint("a priority list orders every step of the plan once; add the missing ids, or let `rtosim optimise -o` write the list"),
            );
            sound = false;
        }
        if !sound || !acyclic {
            return None;
        }
        for (i, &s) in order.iter().enumerate() {
            // The first dependency listed later is the one to name.
            let later = steps[s]
                .after
                .iter()
                .copied()
                .filter(|&d| position[d].is_some_and(|p| p > i))
                .min_by_key(|&d| position[d]);
            if let Some(d) = later {
                self.push(
                    Diagnostic::error(
                        root.index(i),
                        format!(
                            "step \"{}\" comes before \"{}\", which it waits for",
                            steps[s].id, steps[d].id
                        ),
                    )
                    .with_hint(format!(
                        "move \"{}\" after \"{}\" (position {}): steps start in list order, so each must follow what it waits for",
                        steps[s].id,
                        steps[d].id,
                        position[d].map_or(0, |p| p + 1)
                    )),
                );
                sound = false;
            }
        }
        sound.then_some(order)
    }
}
