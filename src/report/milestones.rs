//! What a run says of each milestone, and of the tiers together: the part of [`SimReport`]
//! that plans with `[[milestone]]` tables get, and its text rendering.
//!
//! [`SimReport`]: super::SimReport

use serde::Serialize;

use super::narrative::DRIVER_THRESHOLD;
use super::sections::Table;
use super::summary::{RtoIntervals, RtoStats, TargetStats};
use super::table::{Align, render};
use super::text::signed_coefficient;
use crate::duration::format_span;
use crate::report::Interval;

/// One milestone over all trials.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MilestoneStats {
    /// Its name.
    pub name: String,
    /// Its tier, if set.
    pub tier: Option<u32>,
    /// Steps it needs that the scenario runs.
    pub steps_needed: usize,
    /// Said when every step it needs survives the scenario (it is then reached at 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// When it is reached, in seconds.
    pub reached_seconds: RtoStats,
    /// 95% intervals of those percentiles.
    pub reached_interval_seconds: RtoIntervals,
    /// When it is reached with every duration at its mean and no failures.
    pub deterministic_seconds: f64,
    /// The step that completes it in that schedule, when it needs any.
    pub completed_by: Option<String>,
    /// Its objective and the chance of meeting it, when it has one.
    pub target: Option<TargetStats>,
    /// The steps most often on the chain that decided when it was reached (what to shorten to
    /// bring it forward), most critical first.
    pub critical_steps: Vec<MilestoneStep>,
    /// Each step's cruciality for it: the rank correlation of the step's duration with when
    /// it is reached (what shortening the step does to it), largest in size first; empty when
    /// every step it needs survives.
    pub crucial_steps: Vec<MilestoneCrucialStep>,
    /// What each risk, factor, mobilisation, shifts or hand-offs costs it (when the run
    /// measured chaos costs): the same what-if runs as the whole recovery's costs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub costs: Vec<MilestoneCost>,
}

/// What one piece of chaos costs one milestone.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MilestoneCost {
    /// The item, as the risk table labels it (`risk corrupt-backup`, `shifts`, ...).
    pub item: String,
    /// The change in when the milestone is reached when the item is removed, with intervals.
    #[serde(flatten)]
    pub cost: super::Cost,
}

/// A step's part in one milestone.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MilestoneStep {
    /// The step's id.
    pub id: String,
    /// Share of trials in which it was on the chain that decided the milestone's time.
    pub criticality: f64,
}

/// A step's cruciality for one milestone.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MilestoneCrucialStep {
    /// The step's id.
    pub id: String,
    /// Spearman's rank correlation, over trials, of the step's duration with when the
    /// milestone is reached (signed).
    pub cruciality: f64,
}

/// A group of milestones counted together, trial by trial: a tier, or all of them.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct JointStats {
    /// `"tier1"`, `"tier2"`, ... or `"all"`: what `--fail-above` calls it.
    pub group: String,
    /// The milestones in it.
    pub milestones: Vec<String>,
    /// When the last of them is reached, in seconds.
    pub reached_seconds: RtoStats,
    /// 95% intervals of those percentiles.
    pub reached_interval_seconds: RtoIntervals,
    /// The share of trials in which every one of them with an objective met it, with its 95%
    /// (Wilson) interval; `None` when none has an objective.
    pub probability_all_met: Option<f64>,
    /// Interval of that share.
    pub probability_interval: Option<Interval>,
    /// The product of their separate chances: what the joint chance would be if they were
    /// independent (they share steps and teams, so it is not).
    pub product_of_marginals: Option<f64>,
}

/// Milestones and tiers of a run.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct MilestonesReport {
    /// Per milestone, in plan order.
    pub each: Vec<MilestoneStats>,
    /// Per tier (in tier order), then all milestones together.
    pub joint: Vec<JointStats>,
}

impl MilestonesReport {
    /// Whether the plan has no milestones.
    pub fn is_empty(&self) -> bool {
        self.each.is_empty()
    }

    /// The figures named `name` in a gate: a milestone, `tierN` or `all`, as (percentiles).
    pub fn reached(&self, name: &str) -> Option<&RtoStats> {
        self.each
            .iter()
            .find(|m| m.name == name)
            .map(|m| &m.reached_seconds)
            .or_else(|| {
                self.joint
                    .iter()
                    .find(|j| j.group == name)
                    .map(|j| &j.reached_seconds)
            })
    }
}

fn pct(p: f64) -> String {
    format!("{:.1}%", p * 100.0)
}

/// A time with its 95% interval, compactly.
fn with_interval(value: f64, i: &Interval) -> String {
    format!(
        "{} ({} to {})",
        format_span(value),
        format_span(i.low),
        format_span(i.high)
    )
}

/// The milestones table, shared by the text, Markdown and HTML renderings; `None` for a plan
/// without milestones.
pub fn milestones_table(r: &MilestonesReport) -> Option<Table> {
    (!r.is_empty()).then(|| Table {
        header: vec![
            "milestone",
            "tier",
            "P50",
            "P90",
            "P99",
            "target",
            "meets target",
        ],
        numeric: vec![false, true, true, true, true, true, true],
        rows: r
            .each
            .iter()
            .map(|m| {
                let s = &m.reached_seconds;
                let i = &m.reached_interval_seconds;
                let (target, meet) = match &m.target {
                    Some(t) => (
                        format_span(t.rto_seconds),
                        format!(
                            "{} ({} to {})",
                            pct(t.probability_met),
                            pct(t.probability_interval.low),
                            pct(t.probability_interval.high)
                        ),
                    ),
                    None => ("-".to_string(), "-".to_string()),
                };
                vec![
                    m.name.clone(),
                    m.tier.map_or("-".to_string(), |t| t.to_string()),
                    with_interval(s.p50, &i.p50),
                    with_interval(s.p90, &i.p90),
                    format_span(s.p99),
                    target,
                    meet,
                ]
            })
            .collect(),
    })
}

/// Criticality at or above this is a step on every chain (the first steps of every recovery):
/// true, but no guide to what to shorten for one milestone rather than another.
const ALWAYS: f64 = 0.999;

/// The sentences under the table: notes, the tiers counted together, and what decides each
/// milestone (unescaped).
pub fn milestones_sentences(r: &MilestonesReport, deadline_policy: bool) -> Vec<String> {
    let mut out = Vec::new();
    for m in r.each.iter().filter(|m| m.note.is_some()) {
        out.push(format!("{}: {}.", m.name, m.note.as_deref().unwrap_or("")));
    }
    for j in &r.joint {
        let Some(p) = j.probability_all_met else {
            continue;
        };
        let i = j.probability_interval.unwrap_or_default();
        let group = if j.group == "all" {
            "All milestones".to_string()
        } else {
            j.group.replace("tier", "Tier ")
        };
        if j.milestones.len() < 2 {
            continue;
        }
        out.push(format!(
            "{group} ({}): every target met in {} of recoveries ({} to {}), counted recovery by recovery (if they were independent: {}); the last of them is reached by {} at P90.",
            j.milestones.join(", "),
            pct(p),
            pct(i.low),
            pct(i.high),
            pct(j.product_of_marginals.unwrap_or(f64::NAN)),
            format_span(j.reached_seconds.p90),
        ));
    }
    for m in &r.each {
        let top: Vec<String> = m
            .critical_steps
            .iter()
            .filter(|s| s.criticality < ALWAYS)
            .take(5)
            .map(|s| format!("{} {}", s.id, pct(s.criticality)))
            .collect();
        if !top.is_empty() {
            out.push(format!(
                "What decides {} (share of recoveries in which the step is on the chain that sets it): {}.",
                m.name,
                top.join(", ")
            ));
        }
    }
    for m in &r.each {
        let top: Vec<String> = m
            .crucial_steps
            .iter()
            .filter(|s| s.cruciality.abs() >= DRIVER_THRESHOLD)
            .take(3)
            .enumerate()
            .map(|(i, s)| {
                let label = if i == 0 { "cruciality " } else { "" };
                format!("{} ({label}{})", s.id, signed_coefficient(s.cruciality))
            })
            .collect();
        if !top.is_empty() {
            out.push(format!(
                "What to shorten to bring {} forward: {}.",
                m.name,
                top.join(", ")
            ));
        }
    }
    for m in &r.each {
        let mut costs: Vec<&MilestoneCost> = m
            .costs
            .iter()
            .filter(|c| c.cost.cost_p90_interval_seconds.low > 0.0)
            .collect();
        costs.sort_by(|a, b| b.cost.cost_p90_seconds.total_cmp(&a.cost.cost_p90_seconds));
        let top: Vec<String> = costs
            .iter()
            .take(3)
            .map(|c| {
                format!(
                    "{} +{} ({} to {})",
                    c.item,
                    format_span(c.cost.cost_p90_seconds),
                    format_span(c.cost.cost_p90_interval_seconds.low),
                    format_span(c.cost.cost_p90_interval_seconds.high)
                )
            })
            .collect();
        if !top.is_empty() {
            out.push(format!(
                "What delays {} at P90 (removed on the same draws, 95% interval): {}.",
                m.name,
                top.join(", ")
            ));
        }
    }
    if deadline_policy {
        out.push("Dispatch: policy deadline, the default when milestones have targets: of the ready steps, those feeding the tightest objective go first (--policy lft for the classic order).".to_string());
    }
    out
}

/// Whether the report should say the dispatch followed the milestones' deadlines: under
/// [`crate::sim::Policy::Deadline`], when some step waits for a team or a limit (otherwise the
/// order changes nothing).
pub fn says_deadline(r: &super::SimReport) -> bool {
    r.run.policy == crate::sim::Policy::Deadline && !(r.teams.is_empty() && r.limits.is_empty())
}

/// The milestones as text: the table, then the sentences.
pub fn render_milestones_text(r: &MilestonesReport, deadline_policy: bool) -> String {
    let Some(t) = milestones_table(r) else {
        return String::new();
    };
    let align: Vec<Align> = t
        .numeric
        .iter()
        .map(|&n| if n { Align::Right } else { Align::Left })
        .collect();
    let mut out = String::from("\nMilestones (when each is reached, with 95% intervals)\n");
    out += &render(&t.header, &align, &t.rows, 2);
    for s in milestones_sentences(r, deadline_policy) {
        out += &format!("  {s}\n");
    }
    out
}
