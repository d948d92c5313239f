//! The staffing report: every option's figures, the paired saving of each extra group or
//! person (or of another rota, or one more group on call), the options where more people no
//! longer help, and the recommended option.
//!
//! One serializable struct feeds the table, the JSON and the chart. JSON keys are snake_case,
//! times in seconds. Pure: built from the sweep's summaries, no simulation here.

use std::collections::HashMap;

use serde::Serialize;

use super::grid::{DimKind, Grid, StaffOption};
use super::sweep::{OptionRun, OptionStats, SweepConfig};
use crate::plan::{Plan, Rota, Scenario};
use crate::report::{Interval, RunHeader};
use crate::stats::paired::Saving;

/// One team's staffing in an option.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TeamStaffing {
    /// The team's name.
    pub name: String,
    /// Parallel groups.
    pub groups: u32,
    /// People per group.
    pub size: u32,
    /// Whether the sweep varies this team (only swept teams count toward the headcount).
    pub swept: bool,
    /// Its rota, when it works shifts.
    pub rota: Option<Rota>,
    /// Groups on call out of hours, when it has working hours.
    pub on_call: Option<u32>,
}

/// RTO percentiles of one option, in seconds.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OptionRto {
    /// Mean.
    pub mean: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
}

/// 95% intervals of the percentiles, in seconds.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OptionIntervals {
    /// Interval of P50.
    pub p50: Interval,
    /// Interval of P90.
    pub p90: Interval,
    /// Interval of P99.
    pub p99: Interval,
}

/// What one more group (or one more person per group, one more group on call, or the
/// staggered rota instead of the one that starts together) of one team bought, against the
/// option with one less and everything else equal, measured trial by trial on the same draws.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Gain {
    /// The team.
    pub team: String,
    /// What was added: a group, or a person in every group.
    pub kind: DimKind,
    /// Id of the option with one less.
    pub versus: usize,
    /// People added.
    pub people_added: u32,
    /// How much earlier P50 is (negative: later).
    pub p50_saved_seconds: f64,
    /// How much earlier P90 is (negative: later).
    pub p90_saved_seconds: f64,
    /// The paired savings at P50 and P90 and the change in P(meet), with 95% intervals from
    /// the trial-by-trial differences, and the practical threshold.
    pub saving: Saving,
    /// True when the whole interval of the P90 saving lies within the threshold: more people
    /// no longer help.
    pub no_longer_helps: bool,
}

/// One staffing option and what it achieves.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OptionReport {
    /// 1-based id, as in the table.
    pub id: usize,
    /// Every team of the plan, in plan order, as staffed in this option.
    pub teams: Vec<TeamStaffing>,
    /// People in the swept teams.
    pub headcount: u32,
    /// People in every team of the plan.
    pub total_headcount: u32,
    /// Whether this is the plan's own staffing.
    pub as_planned: bool,
    /// RTO figures in seconds.
    pub rto_seconds: OptionRto,
    /// Their 95% intervals.
    pub rto_interval_seconds: OptionIntervals,
    /// The RTO on mean durations with no failures.
    pub deterministic_rto_seconds: f64,
    /// Share of trials within the objective, when there is one.
    pub probability_met: Option<f64>,
    /// Its 95% (Wilson) interval.
    pub probability_interval: Option<Interval>,
    /// Whether the share reaches the requested confidence, when there is an objective.
    pub meets_objective: Option<bool>,
    /// The gain of each extra group or person against its neighbour with one less (grid mode).
    pub gains: Vec<Gain>,
    /// True when some extra group or person of this option no longer helps (a rota or an
    /// on-call count that makes no difference does not count: it adds no one).
    pub no_gain: bool,
    /// True for the recommended option.
    pub recommended: bool,
}

/// How the recommended option was chosen.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// The fewest people whose chance of meeting the objective reaches the confidence (ties:
    /// the higher chance, then the lower P90).
    Objective,
    /// Without an objective: the fewest people whose P90 interval overlaps that of the best P90
    /// (more people would not measurably help).
    BestP90,
}

/// The recommended option.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Recommendation {
    /// The rule.
    pub rule: Rule,
    /// The option's id, or `None` when no option meets the objective.
    pub option: Option<usize>,
}

/// A swept dimension, named.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SweptDim {
    /// The team.
    pub team: String,
    /// What varies.
    pub kind: DimKind,
}

/// Everything `staff` reports.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StaffReport {
    /// What was run: trials per option, the seed the same for every option.
    #[serde(flatten)]
    pub run: RunHeader,
    /// `--people N`, when the sweep splits a fixed number of people.
    pub people: Option<u32>,
    /// The objective in seconds, if any.
    pub target_seconds: Option<f64>,
    /// `--negligible`, when given: a P90 saving within this many seconds does not matter
    /// (without it, each gain's threshold is the larger of 5 minutes and 1% of its P90).
    pub negligible_seconds: Option<f64>,
    /// The milestone the figures are of (`staff --target MILESTONE`); `None`: the whole
    /// recovery.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub milestone: Option<String>,
    /// The chance of meeting the objective an option must reach.
    pub confidence: f64,
    /// What the sweep varies.
    pub swept: Vec<SweptDim>,
    /// The options, by headcount.
    pub options: Vec<OptionReport>,
    /// The recommended option.
    pub recommended: Recommendation,
}

impl StaffReport {
    /// The recommended option, if any.
    pub fn recommended_option(&self) -> Option<&OptionReport> {
        self.recommended.option.map(|id| &self.options[id - 1])
    }
}

/// Builds the report from the options and their summaries (in the same order).
pub fn analyse(
    plan: &Plan,
    scenario: &Scenario,
    grid: &Grid,
    options: &[StaffOption],
    runs: &[OptionRun],
    config: &SweepConfig,
    confidence: f64,
) -> StaffReport {
    let stats: Vec<OptionStats> = runs.iter().map(|r| r.stats).collect();
    let stats = stats.as_slice();
    let index: HashMap<&[u32], usize> = options
        .iter()
        .enumerate()
        .map(|(i, o)| (o.values.as_slice(), i))
        .collect();
    let mut reports: Vec<OptionReport> = options
        .iter()
        .zip(stats)
        .enumerate()
        .map(|(i, (option, s))| {
            let gains = gains_of(plan, grid, options, runs, config, &index, i);
            let teams: Vec<TeamStaffing> = plan
                .teams
                .iter()
                .enumerate()
                .map(|(t, team)| {
                    let (groups, size) = grid.staffing_of(plan, option, t);
                    let (rota, on_call) = grid.workforce_of(plan, option, t);
                    TeamStaffing {
                        name: team.name.clone(),
                        groups,
                        size,
                        swept: grid.swept_teams.contains(&t),
                        rota,
                        on_call,
                    }
                })
                .collect();
            OptionReport {
                id: i + 1,
                total_headcount: teams.iter().map(|t| t.groups * t.size).sum(),
                teams,
                headcount: option.headcount,
                as_planned: grid.is_as_planned(plan, option),
                rto_seconds: OptionRto {
                    mean: s.mean,
                    p50: s.p50.value,
                    p90: s.p90.value,
                    p99: s.p99.value,
                },
                rto_interval_seconds: OptionIntervals {
                    p50: s.p50.into(),
                    p90: s.p90.into(),
                    p99: s.p99.into(),
                },
                deterministic_rto_seconds: s.deterministic,
                probability_met: s.met.map(|m| m.value),
                probability_interval: s.met.map(Interval::from),
                meets_objective: s.met.map(|m| m.value >= confidence),
                no_gain: gains
                    .iter()
                    .any(|g| g.no_longer_helps && g.kind.counts_people()),
                gains,
                recommended: false,
            }
        })
        .collect();
    let recommended = recommend(&reports, stats, config.target.is_some());
    if let Some(id) = recommended.option {
        reports[id - 1].recommended = true;
    }
    StaffReport {
        run: RunHeader::new(
            &plan.name,
            &scenario.name,
            config.policy,
            config.run.trials,
            config.run.seed,
        ),
        people: grid.people,
        target_seconds: config.target,
        negligible_seconds: config.negligible,
        milestone: None,
        confidence,
        swept: grid
            .dims
            .iter()
            .map(|d| SweptDim {
                team: plan.teams[d.team].name.clone(),
                kind: d.kind,
            })
            .collect(),
        options: reports,
        recommended,
    }
}

/// Gains of option `i` against each neighbour with one less group or person (when the sweep
/// has that neighbour: with `--people` it never does, since all options have N people).
fn gains_of(
    plan: &Plan,
    grid: &Grid,
    options: &[StaffOption],
    runs: &[OptionRun],
    config: &SweepConfig,
    index: &HashMap<&[u32], usize>,
    i: usize,
) -> Vec<Gain> {
    let option = &options[i];
    let mut out = Vec::new();
    for (d, dim) in grid.dims.iter().enumerate() {
        if option.values[d] <= dim.low {
            continue;
        }
        let mut fewer = option.values.clone();
        fewer[d] -= 1;
        let Some(&j) = index.get(fewer.as_slice()) else {
            continue;
        };
        let saving = Saving::of(
            &runs[j].rtos,
            &runs[i].rtos,
            config.target,
            config.negligible,
        );
        out.push(Gain {
            team: plan.teams[dim.team].name.clone(),
            kind: dim.kind,
            versus: j + 1,
            people_added: option.headcount.saturating_sub(options[j].headcount),
            p50_saved_seconds: saving.p50_seconds.value,
            p90_saved_seconds: saving.p90_seconds.value,
            no_longer_helps: saving.negligible,
            saving,
        });
    }
    out
}

fn recommend(reports: &[OptionReport], stats: &[OptionStats], has_target: bool) -> Recommendation {
    if has_target {
        let best = reports
            .iter()
            .zip(stats)
            .filter(|(r, _)| r.meets_objective == Some(true))
            .min_by(|(a, sa), (b, sb)| {
                a.headcount
                    .cmp(&b.headcount)
                    .then(
                        b.probability_met
                            .unwrap_or(0.0)
                            .total_cmp(&a.probability_met.unwrap_or(0.0)),
                    )
                    .then(sa.p90.value.total_cmp(&sb.p90.value))
                    .then(a.id.cmp(&b.id))
            });
        return Recommendation {
            rule: Rule::Objective,
            option: best.map(|(r, _)| r.id),
        };
    }
    let best = stats
        .iter()
        .min_by(|a, b| a.p90.value.total_cmp(&b.p90.value));
    let option = best.and_then(|best| {
        reports
            .iter()
            .zip(stats)
            .filter(|(_, s)| s.p90.low <= best.p90.high)
            .min_by(|(a, sa), (b, sb)| {
                a.headcount
                    .cmp(&b.headcount)
                    .then(sa.p90.value.total_cmp(&sb.p90.value))
                    .then(a.id.cmp(&b.id))
            })
            .map(|(r, _)| r.id)
    });
    Recommendation {
        rule: Rule::BestP90,
        option,
    }
}
