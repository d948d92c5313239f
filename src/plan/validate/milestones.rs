//! Checks of `[[milestone]]` tables: names, the steps or systems each needs, its objective and
//! tier, and the warnings about objectives that cannot be meant (a milestone's target above the
//! whole recovery's, tiers whose targets run backwards).

use std::collections::HashMap;

use super::{Checker, Resolver};
use crate::duration::format_span;
use crate::plan::diag::{Diagnostic, KeyPath};
use crate::plan::model::Milestone;
use crate::plan::wire::PlanWire;

/// Names a milestone cannot take: `--fail-above tier1:p90=4h` gates the joint figure of tier 1
/// (and `all:` of every milestone), so a milestone called so would be ambiguous.
pub fn is_reserved_milestone_name(name: &str) -> bool {
    name == "all"
        || name
            .strip_prefix("tier")
            .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()))
}

fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

impl Checker {
    pub(super) fn milestones(
        &mut self,
        wire: &PlanWire,
        resolver: &Resolver<'_>,
        plan_target: Option<f64>,
    ) -> Vec<Milestone> {
        let mut out = Vec::new();
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, mw) in wire.milestone.iter().enumerate() {
            let path = KeyPath::root().key("milestone").index(i);
            let name = match &mw.name {
                Some(n) => n.clone(),
                None => {
                    self.push(
                        Diagnostic::error(path.clone(), format!("milestone {} has no name", i + 1))
                            .with_hint("add name = \"...\", such as \"customers-can-order\""),
                    );
                    format!("#{}", i + 1)
                }
            };
            if mw.name.is_some() && !is_valid_name(&name) {
                self.push(
                    Diagnostic::error(
                        path.key("name"),
                        format!("milestone name \"{name}\" has characters names cannot hold"),
                    )
                    .with_hint("use letters, digits and - _ . only"),
                );
            } else if is_reserved_milestone_name(&name) {
                self.push(
                    Diagnostic::error(
                        path.key("name"),
                        format!("milestone name \"{name}\" is reserved"),
                    )
                    .with_hint(
                        "\"all\" and \"tierN\" name the joint figures in --fail-above; choose another name",
                    ),
                );
            }
            if let Some(n) = mw.name.as_deref() {
                if let Some(first) = seen.insert(n, i) {
                    self.push(
                        Diagnostic::error(
                            path.key("name"),
                            format!("duplicate milestone name \"{n}\""),
                        )
                        .with_hint(format!("milestone {} already uses this name", first + 1)),
                    );
                }
            }
            if mw.needs.is_empty() {
                self.push(
                    Diagnostic::error(path.clone(), format!("milestone \"{name}\" needs nothing"))
                        .with_hint("add needs = [\"...\"] with the steps or systems it waits for"),
                );
            }
            let mut needs = Vec::new();
            for (j, need) in mw.needs.iter().enumerate() {
                match resolver.resolve(need) {
                    Ok(steps) => needs.extend_from_slice(steps),
                    Err(hint) => self.push(
                        Diagnostic::error(
                            path.key("needs").index(j),
                            format!("milestone \"{name}\" needs unknown step or system \"{need}\""),
                        )
                        .with_hint_opt(hint),
                    ),
                }
            }
            needs.sort_unstable();
            needs.dedup();
            let rto_target = mw.rto_target.as_deref().and_then(|t| {
                let t = self.time(path.key("rto-target"), t, "rto-target")?;
                if t > 0.0 {
                    Some(t)
                } else {
                    self.push(
                        Diagnostic::error(
                            path.key("rto-target"),
                            "rto-target must be longer than 0s",
                        )
                        .with_hint(
                            "the milestone's objective, such as \"4h\"; leave it out for none",
                        ),
                    );
                    None
                }
            });
            if let (Some(t), Some(whole)) = (rto_target, plan_target) {
                if t > whole {
                    self.push(
                        Diagnostic::warning(
                            path.key("rto-target"),
                            format!(
                                "milestone \"{name}\" has a target ({}) above the whole recovery's ({})",
                                format_span(t),
                                format_span(whole)
                            ),
                        )
                        .with_hint("the whole recovery includes every milestone, so meeting its target meets this one; lower this target or raise the plan's"),
                    );
                }
            }
            let tier = mw
                .tier
                .and_then(|t| self.count(path.key("tier"), t, "tier", 1, 100));
            out.push(Milestone {
                name,
                needs,
                rto_target,
                tier,
            });
        }
        self.tier_order(&out);
        out
    }

    /// Warns when a later tier's target is tighter than an earlier tier's: tiers come back in
    /// order, so such targets say the opposite of the tiers.
    fn tier_order(&mut self, milestones: &[Milestone]) {
        for (i, m) in milestones.iter().enumerate() {
            let (Some(tier), Some(target)) = (m.tier, m.rto_target) else {
                continue;
            };
            let earlier = milestones.iter().find(|o| {
                o.tier.is_some_and(|t| t < tier) && o.rto_target.is_some_and(|ot| ot > target)
            });
            if let Some(o) = earlier {
                self.push(
                    Diagnostic::warning(
                        KeyPath::root().key("milestone").index(i).key("rto-target"),
                        format!(
                            "tier {tier} milestone \"{}\" has a tighter target ({}) than tier {} milestone \"{}\" ({})",
                            m.name,
                            format_span(target),
                            o.tier.unwrap_or_default(),
                            o.name,
                            format_span(o.rto_target.unwrap_or_default())
                        ),
                    )
                    .with_hint("lower tiers come back first; swap the tiers or the targets"),
                );
            }
        }
    }
}
