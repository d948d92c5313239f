//! Specs of one trial's schedule: the Gantt (lanes by interval partitioning) and team load.

use super::dist::axis_max;
use crate::duration::hours;
use crate::plan::Plan;
use crate::sim::{Model, NONE, TrialState, assign_groups};

/// Time below which two instants count as the same (seconds): schedules are sums of floats.
const EPS: f64 = 1e-6;

/// What a Gantt bar shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarKind {
    /// Hands-on work, failed attempts included: one bar in each group lane the step holds.
    HandsOn,
    /// Unattended work: a step without a team, or what runs on after its groups are released.
    Unattended,
}

/// One lane of the Gantt.
#[derive(Debug, Clone, PartialEq)]
pub struct Lane {
    /// The lane's label, such as `"platform 2"` or `"unattended"`.
    pub label: String,
    /// The team whose group this lane is, or `None` for unattended work.
    pub team: Option<String>,
}

/// One bar of the Gantt.
#[derive(Debug, Clone, PartialEq)]
pub struct GanttBar {
    /// Index into [`GanttSpec::lanes`].
    pub lane: usize,
    /// Start in hours.
    pub start: f64,
    /// End in hours.
    pub end: f64,
    /// Index into [`GanttSpec::systems`]: the bar's colour.
    pub system: usize,
    /// The step's id.
    pub step: String,
    /// Hands-on or unattended.
    pub kind: BarKind,
    /// Whether the step is on the chain that set this trial's RTO.
    pub critical: bool,
}

/// Chart 4: the schedule of one representative trial.
///
/// Bars, precisely: a step done by a team draws one [`BarKind::HandsOn`] bar in each of the
/// `crew` group lanes it holds, from its start to the release of its groups, plus one
/// [`BarKind::Unattended`] bar from the release to its finish when that is later; a step
/// without a team draws one unattended bar from start to finish. With crews of one and no
/// `hands-on`, that is exactly one bar per step the scenario needs.
#[derive(Debug, Clone, PartialEq)]
pub struct GanttSpec {
    /// Which percentile the trial represents, such as `"P50"`.
    pub represents: String,
    /// The trial's index (replay it with `sim::replay`).
    pub trial: u64,
    /// The trial's RTO in hours.
    pub rto: f64,
    /// Group lanes team by team in plan order, then unattended lanes.
    pub lanes: Vec<Lane>,
    /// Bars in compiled-step order.
    pub bars: Vec<GanttBar>,
    /// Systems of the needed steps, in plan order: the legend.
    pub systems: Vec<String>,
    /// Steps on the critical chain, last first.
    pub critical_chain: Vec<String>,
    /// The objective in hours, when the plan sets one.
    pub objective: Option<f64>,
    /// When each milestone was reached in the trial, in hours, earliest first (milestones whose
    /// needs all survive are left out: they are reached at 0).
    pub milestones: Vec<(String, f64)>,
    /// Right end of the time axis in hours.
    pub x_max: f64,
}

/// How busy one team was over one trial.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamLoad {
    /// The team's name.
    pub name: String,
    /// Groups available.
    pub groups: u32,
    /// `(hours, groups busy from then on)`, a step function starting at 0.
    pub busy: Vec<(f64, u32)>,
    /// `(hours, this team's steps ready but not started from then on)`, a step function.
    pub waiting: Vec<(f64, u32)>,
}

/// Chart 5: groups busy against groups available, per team, in the representative trial.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadSpec {
    /// Which percentile the trial represents.
    pub represents: String,
    /// The trial's index.
    pub trial: u64,
    /// The trial's RTO in hours.
    pub rto: f64,
    /// Teams with work in the scenario, in plan order.
    pub teams: Vec<TeamLoad>,
    /// The objective in hours, when the plan sets one.
    pub objective: Option<f64>,
    /// Right end of the time axis in hours.
    pub x_max: f64,
}

/// Lanes of the Gantt for one trial's schedule, and which lanes each step's segments use.
struct LaneAssignment {
    lanes: Vec<Lane>,
    /// Per compiled step: the group lanes its hands-on part holds.
    hands_on: Vec<Vec<usize>>,
    /// Per compiled step: the unattended lane of its unattended part, if it has one.
    unattended: Vec<Option<usize>>,
}

/// Assigns group lanes as the run sheet does ([`assign_groups`]: interval partitioning of
/// the schedule, lowest-numbered free groups first). Unattended segments, which no capacity bounds, go greedily into as few lanes
/// as they need.
fn assign_lanes(plan: &Plan, model: &Model, st: &TrialState) -> LaneAssignment {
    let n = model.len();
    let mut lanes = Vec::new();
    let mut hands_on = vec![Vec::new(); n];
    let groups_of = assign_groups(model, st);
    for (t, team) in plan.teams.iter().enumerate() {
        if !model.steps.iter().any(|s| s.team == t as u32) {
            continue;
        }
        let first = lanes.len();
        let groups = team.groups as usize;
        for g in 0..groups {
            lanes.push(Lane {
                label: if groups == 1 {
                    team.name.clone()
                } else {
                    format!("{} {}", team.name, g + 1)
                },
                team: Some(team.name.clone()),
            });
        }
        for c in (0..n).filter(|&c| model.steps[c].team == t as u32) {
            hands_on[c] = groups_of[c].iter().map(|&g| first + g as usize).collect();
        }
    }

    let mut segments: Vec<usize> = (0..n)
        .filter(|&c| unattended_part(model, st, c).is_some())
        .collect();
    segments.sort_by(|&a, &b| {
        let (sa, ea) = unattended_part(model, st, a).unwrap_or_default();
        let (sb, eb) = unattended_part(model, st, b).unwrap_or_default();
        sa.total_cmp(&sb).then(ea.total_cmp(&eb)).then(a.cmp(&b))
    });
    let first = lanes.len();
    let mut free_at: Vec<f64> = Vec::new();
    let mut unattended = vec![None; n];
    for c in segments {
        let (s, e) = unattended_part(model, st, c).unwrap_or_default();
        let lane = match free_at.iter().position(|&f| f <= s + EPS) {
            Some(l) => l,
            None => {
                free_at.push(f64::NEG_INFINITY);
                free_at.len() - 1
            }
        };
        free_at[lane] = e;
        unattended[c] = Some(first + lane);
    }
    let k = free_at.len();
    for i in 0..k {
        lanes.push(Lane {
            label: if k == 1 {
                "unattended".to_string()
            } else {
                format!("unattended {}", i + 1)
            },
            team: None,
        });
    }
    LaneAssignment {
        lanes,
        hands_on,
        unattended,
    }
}

/// The unattended part of step `c` (seconds): all of a step without a team; the time after
/// its groups are released for a step with one.
fn unattended_part(model: &Model, st: &TrialState, c: usize) -> Option<(f64, f64)> {
    if model.steps[c].team == NONE {
        Some((st.start[c], st.finish[c]))
    } else if st.finish[c] > st.release[c] + EPS {
        Some((st.release[c], st.finish[c]))
    } else {
        None
    }
}

/// Chart 4 from one trial's schedule (see [`crate::sim::replay`]).
pub fn gantt(
    plan: &Plan,
    model: &Model,
    st: &TrialState,
    trial: u64,
    represents: &str,
    objective: Option<f64>,
) -> GanttSpec {
    let n = model.len();
    let mut critical = vec![false; n];
    let mut chain = Vec::new();
    st.critical_chain(|c| {
        critical[c] = true;
        chain.push(step_of(plan, model, c).id.clone());
    });
    // Systems of the needed steps in plan order, so colours follow the plan file.
    let mut used = vec![false; plan.systems.len()];
    for c in 0..n {
        used[step_of(plan, model, c).system] = true;
    }
    let mut colour_of = vec![usize::MAX; plan.systems.len()];
    let mut systems = Vec::new();
    for (s, name) in plan.systems.iter().enumerate() {
        if used[s] {
            colour_of[s] = systems.len();
            systems.push(name.clone());
        }
    }

    let lanes = assign_lanes(plan, model, st);
    let mut bars = Vec::new();
    for (c, &on_chain) in critical.iter().enumerate() {
        let step = step_of(plan, model, c);
        let bar = |lane, start: f64, end: f64, kind| GanttBar {
            lane,
            start: hours(start),
            end: hours(end),
            system: colour_of[step.system],
            step: step.id.clone(),
            kind,
            critical: on_chain,
        };
        for &lane in &lanes.hands_on[c] {
            bars.push(bar(lane, st.start[c], st.release[c], BarKind::HandsOn));
        }
        if let (Some(lane), Some((s, e))) = (lanes.unattended[c], unattended_part(model, st, c)) {
            bars.push(bar(lane, s, e, BarKind::Unattended));
        }
    }
    let objective = objective.map(hours);
    let mut milestones: Vec<(String, f64)> = (0..model.milestones.len())
        .filter_map(|k| {
            let (at, by) = model.milestones.reached(k, |s| st.finish[s]);
            (by != crate::sim::NONE).then(|| (plan.milestones[k].name.clone(), hours(at)))
        })
        .collect();
    milestones.sort_by(|a, b| a.1.total_cmp(&b.1));
    GanttSpec {
        milestones,
        represents: represents.to_string(),
        trial,
        rto: hours(st.rto),
        lanes: lanes.lanes,
        bars,
        systems,
        critical_chain: chain,
        objective,
        x_max: axis_max(hours(st.rto), objective),
    }
}

/// A step function from `(time, change)` events: changes at the same instant merge, and
/// decreases sort before increases so a group handed straight on never counts twice.
fn step_function(mut events: Vec<(f64, i64)>) -> Vec<(f64, u32)> {
    events.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut out: Vec<(f64, u32)> = vec![(0.0, 0)];
    let mut level: i64 = 0;
    for (t, d) in events {
        level += d;
        let h = hours(t);
        let v = level.max(0) as u32;
        match out.last_mut() {
            Some(last) if (last.0 - h).abs() <= EPS / 3600.0 => last.1 = v,
            _ => out.push((h, v)),
        }
    }
    out.dedup_by(|b, a| a.1 == b.1);
    out
}

/// Chart 5 from one trial's schedule.
pub fn load(
    plan: &Plan,
    model: &Model,
    st: &TrialState,
    trial: u64,
    represents: &str,
    objective: Option<f64>,
) -> LoadSpec {
    let n = model.len();
    let teams = plan
        .teams
        .iter()
        .enumerate()
        .filter_map(|(t, team)| {
            let steps: Vec<usize> = (0..n)
                .filter(|&c| model.steps[c].team == t as u32)
                .collect();
            if steps.is_empty() {
                return None;
            }
            let mut busy = Vec::new();
            let mut waiting = Vec::new();
            for &c in &steps {
                let crew = i64::from(model.steps[c].crew);
                busy.push((st.start[c], crew));
                busy.push((st.release[c], -crew));
                if st.start[c] > st.ready_at[c] + EPS {
                    waiting.push((st.ready_at[c], 1));
                    waiting.push((st.start[c], -1));
                }
            }
            Some(TeamLoad {
                name: team.name.clone(),
                groups: team.groups,
                busy: step_function(busy),
                waiting: step_function(waiting),
            })
        })
        .collect();
    let objective = objective.map(hours);
    LoadSpec {
        represents: represents.to_string(),
        trial,
        rto: hours(st.rto),
        teams,
        objective,
        x_max: axis_max(hours(st.rto), objective),
    }
}

fn step_of<'p>(plan: &'p Plan, model: &Model, c: usize) -> &'p crate::plan::Step {
    &plan.steps[model.steps[c].plan_index as usize]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Format, parse_plan};
    use crate::sim::{Model, Policy, deterministic};

    fn plan(text: &str) -> Plan {
        parse_plan(text, Format::Toml, "t").unwrap().plan
    }

    #[test]
    fn step_functions_merge_instants_and_hand_over_cleanly() {
        // One group handed from one step to the next at t = 1 h never shows two busy.
        let f = step_function(vec![(0.0, 1), (3600.0, -1), (3600.0, 1), (7200.0, -1)]);
        assert_eq!(f, vec![(0.0, 1), (2.0, 0)]);
    }

    const TEAM_PLAN: &str = r#"
        [teams]
        ops = 2
        [[step]]
        id = "a"
        team = "ops"
        duration = "2h30m"
        [[step]]
        id = "b"
        team = "ops"
        duration = "1h"
        [[step]]
        id = "c"
        team = "ops"
        duration = "1h"
        [[step]]
        id = "d"
        team = "ops"
        crew = 2
        hands-on = "30m"
        after = ["a", "b", "c"]
        duration = "3h"
        [[step]]
        id = "e"
        after = ["b"]
        duration = "1h"
    "#;

    #[test]
    fn gantt_bars_follow_the_definition() {
        let p = plan(TEAM_PLAN);
        let model = Model::compile(&p, &p.everything_lost(), Policy::Playbook);
        let st = deterministic(&model);
        let g = gantt(&p, &model, &st, 0, "mean", Some(10.0 * 3600.0));
        // a holds group 1 from 0 to 2.5 h; b group 2 from 0 to 1 h, then c 1 to 2 h; d waits
        // for a, holds both groups 2.5 to 3 h and runs unattended to 5.5 h; e runs 1 to 2 h.
        let labels: Vec<&str> = g.lanes.iter().map(|l| l.label.as_str()).collect();
        assert_eq!(labels, ["ops 1", "ops 2", "unattended"]);
        // a, b, c one hands-on bar each; d two (crew 2) and an unattended tail; e unattended.
        assert_eq!(g.bars.len(), 3 + 2 + 1 + 1);
        let of = |id: &str| g.bars.iter().filter(|b| b.step == id).collect::<Vec<_>>();
        assert_eq!(
            (of("a")[0].lane, of("a")[0].start, of("a")[0].end),
            (0, 0.0, 2.5)
        );
        assert_eq!((of("b")[0].lane, of("b")[0].start), (1, 0.0));
        assert_eq!(
            (of("c")[0].lane, of("c")[0].start, of("c")[0].end),
            (1, 1.0, 2.0)
        );
        let d = of("d");
        assert_eq!(d.len(), 3);
        assert_eq!((d[0].lane, d[1].lane), (0, 1));
        assert_eq!((d[0].start, d[0].end), (2.5, 3.0));
        assert_eq!(
            (d[2].kind, d[2].lane, d[2].start, d[2].end),
            (BarKind::Unattended, 2, 3.0, 5.5)
        );
        let e = of("e");
        assert_eq!(
            (e[0].kind, e[0].lane, e[0].start),
            (BarKind::Unattended, 2, 1.0)
        );
        // The RTO is set by d, which started when a finished: the chain is d <- a.
        assert_eq!(g.critical_chain, ["d", "a"]);
        let critical: Vec<&str> = g
            .bars
            .iter()
            .filter(|b| b.critical)
            .map(|b| b.step.as_str())
            .collect();
        assert_eq!(critical, ["a", "d", "d", "d"]);
        assert_eq!(g.rto, 5.5);
        assert_eq!(g.objective, Some(10.0));
    }

    #[test]
    fn no_group_lane_ever_holds_two_bars_at_once() {
        let p = plan(TEAM_PLAN);
        let model = Model::compile(&p, &p.everything_lost(), Policy::Lft);
        for trial in 0..20 {
            let st = crate::sim::replay(&model, 7, trial);
            let g = gantt(&p, &model, &st, trial, "x", None);
            for (i, a) in g.bars.iter().enumerate() {
                for b in &g.bars[i + 1..] {
                    if a.lane == b.lane {
                        assert!(
                            a.end <= b.start + 1e-9 || b.end <= a.start + 1e-9,
                            "{a:?} overlaps {b:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn load_counts_groups_and_queued_steps() {
        let p = plan(TEAM_PLAN);
        let model = Model::compile(&p, &p.everything_lost(), Policy::Playbook);
        let st = deterministic(&model);
        let l = load(&p, &model, &st, 0, "mean", None);
        assert_eq!(l.teams.len(), 1);
        let ops = &l.teams[0];
        assert_eq!(ops.groups, 2);
        // Both groups busy to 2 h (a; b then c), one to 2.5 h (a), both on d to 3 h.
        assert_eq!(ops.busy, vec![(0.0, 2), (2.0, 1), (2.5, 2), (3.0, 0)]);
        // c is ready at 0 and starts at 1 h.
        assert_eq!(ops.waiting, vec![(0.0, 1), (1.0, 0)]);
    }
}
